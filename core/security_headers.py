"""Response headers that keep records out of caches and pages free of injected code.

- `Cache-Control: no-store` on every response to a signed-in person or an API client:
  register records must not stay in a shared PC's browser cache or a proxy. DRF
  authenticates a token inside the view and sets the user on the Django request, so the
  user is read after the view has answered. Anonymous responses get it too unless the
  view chose its own caching: nothing this service serves to Django views is public.
- `Permissions-Policy` turns off browser features no page of the register uses, so an
  injected script could not reach a camera, microphone or location either.
- The Content-Security-Policy itself is django-csp's (settings.CONTENT_SECURITY_POLICY);
  `csp_report` receives what browsers report when it blocks something.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

logger = logging.getLogger("csp")

NO_STORE = "no-store"


def _authenticated(request: HttpRequest) -> bool:
    # DRF leaves None for an unauthenticated API request (UNAUTHENTICATED_USER is None).
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def permissions_policy() -> str:
    return ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DISABLED)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.permissions_policy = permissions_policy()

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if _authenticated(request) or not response.has_header("Cache-Control"):
            # Replace, not patch: a view's `private, max-age=…` must not survive for a record.
            response["Cache-Control"] = NO_STORE
        if NO_STORE in response.get("Cache-Control", ""):
            response["Pragma"] = "no-cache"  # for HTTP/1.0 proxies
        response.setdefault("Permissions-Policy", self.permissions_policy)
        return response


def _summary(report: object) -> dict[str, object]:
    """The fields worth a log line, from either report format browsers send."""
    if isinstance(report, dict) and isinstance(report.get("csp-report"), dict):
        body = report["csp-report"]  # report-uri: application/csp-report
    elif isinstance(report, dict) and isinstance(report.get("body"), dict):
        body = report["body"]  # Reporting API: application/reports+json, a list of these
    else:
        return {"unrecognised": str(report)[:200]}
    keys = (
        "document-uri",
        "documentURL",
        "violated-directive",
        "effective-directive",
        "effectiveDirective",
        "blocked-uri",
        "blockedURL",
        "source-file",
        "sourceFile",
        "line-number",
        "lineNumber",
        "script-sample",
        "sample",
    )
    return {key: str(body[key])[:200] for key in keys if key in body}


@login_not_required
@csrf_exempt
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Log a browser's CSP violation report. Always 204: a browser does nothing with an error.

    Anyone can post here (the browser sends no credentials it could prove), so the body is
    capped at settings.CSP_REPORT_MAX_BYTES and each logged value cut to 200 characters:
    a flood of reports costs log lines, not memory.
    """
    limit = settings.CSP_REPORT_MAX_BYTES
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = limit + 1
    if declared > limit:
        logger.warning("CSP report refused: %s bytes is over the %s-byte limit", declared, limit)
        return HttpResponse(status=204)
    raw = request.read(limit + 1)
    if len(raw) > limit:
        logger.warning("CSP report refused: body over the %s-byte limit", limit)
        return HttpResponse(status=204)
    try:
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        logger.warning("CSP report that is not JSON (%s bytes)", len(raw))
        return HttpResponse(status=204)
    reports = payload if isinstance(payload, list) else [payload]
    for report in reports[: settings.CSP_REPORT_MAX_ENTRIES]:
        logger.warning("CSP violation: %s", json.dumps(_summary(report), sort_keys=True))
    return HttpResponse(status=204)
