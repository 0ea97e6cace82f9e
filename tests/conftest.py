import os

# Playwright's sync API runs an event loop in the test thread; the Django
# calls made by live_server fixtures are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
