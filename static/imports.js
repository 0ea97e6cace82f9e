// The import run page: while a job runs, poll its progress and reload when its state changes.
// Without JavaScript the page has a "Check progress" link instead.
const box = document.querySelector('[data-import-progress]')

if (box && ['validating', 'importing'].includes(box.dataset.state)) {
  const processed = box.querySelector('[data-import-processed]')
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.progressUrl, {
        headers: { Accept: 'application/json' },
        credentials: 'same-origin'
      })
      if (response.ok) {
        const run = await response.json()
        if (run.state !== box.dataset.state) {
          window.location.reload()
          return
        }
        if (processed) processed.textContent = run.processed
      }
    } catch (error) {
      // A dropped request is tried again on the next tick.
    }
    window.setTimeout(poll, 2000)
  }
  window.setTimeout(poll, 2000)
}
