// Loaded (not inline, for the Content-Security-Policy) as the first thing in <body>, before
// anything renders: GOV.UK Frontend styles components for JavaScript only under these classes.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '')
