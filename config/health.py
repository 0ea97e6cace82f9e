"""Health for load balancers, orchestrators and `make run`.

/health/live: the process answers (no database): restart it only if this fails.
/health/ready: the database answers SELECT 1, the broker answers a ping, each within
HEALTH_CHECK_TIMEOUT seconds, and the scheduler's heartbeat is younger than
HEALTH_SCHEDULER_MAX_AGE; 200, or 503 naming each failing part. Each check runs in
its own thread and is abandoned at its deadline, so the answer never hangs and never
500s whatever is down. /health/ is the same as /health/ready.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection
from kombu.transport import redis as _redis_transport  # noqa: F401 - loaded now, not in the timed check


@login_not_required
@never_cache
@require_GET
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok", "checked_at": timezone.now().isoformat()})


def _database() -> dt.datetime | None:
    """SELECT 1 and the newest heartbeat, on a connection of this thread, closed after."""
    from notifications.selectors import last_heartbeat

    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return last_heartbeat()
    finally:
        connection.close()


def _broker() -> None:
    timeout = settings.HEALTH_CHECK_TIMEOUT
    with Connection(
        settings.CELERY_BROKER_URL,
        transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        connect_timeout=timeout,
    ) as broker:
        # Opening the channel pings Redis (kombu checks the connection it makes).
        broker.ensure_connection(max_retries=1, timeout=int(timeout) or 1)
        broker.default_channel  # noqa: B018 - opening it is the check


def _run_with_deadline(checks: dict[str, Callable[[], Any]], timeout: float) -> dict[str, Any]:
    """Run each check in a thread; a check still running at the deadline has failed."""
    results: dict[str, Any] = {}

    def run(name: str, check: Callable[[], Any]) -> None:
        try:
            results[name] = ("ok", check())
        except Exception as exc:  # any failure of a part is that part failing, never a 500
            results[name] = ("failed", f"{type(exc).__name__}")

    threads = [
        threading.Thread(target=run, args=(name, check), daemon=True, name=f"health-{name}")
        for name, check in checks.items()
    ]
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return {
        name: results.get(name, ("failed", f"no answer within {timeout:g} s")) for name in checks
    }


def readiness() -> tuple[bool, dict[str, Any]]:
    timeout = settings.HEALTH_CHECK_TIMEOUT
    now = timezone.now()
    results = _run_with_deadline({"database": _database, "broker": _broker}, timeout)
    body: dict[str, Any] = {}
    failing = []
    database, beat = results["database"]
    if database == "ok":
        body["database"] = "ok"
    else:
        body["database"] = f"failing: {beat}"
        failing.append("database")
    broker, error = results["broker"]
    body["broker"] = "ok" if broker == "ok" else f"failing: {error}"
    if broker != "ok":
        failing.append("broker")
    if database != "ok":
        body["scheduler"] = "unknown: the database is unavailable"
        body["scheduler_last_ran"] = None
    else:
        body["scheduler_last_ran"] = beat.isoformat() if beat else None
        max_age = settings.HEALTH_SCHEDULER_MAX_AGE
        if beat is None or now - beat > max_age:
            body["scheduler"] = (
                f"failing: no heartbeat in the last {int(max_age.total_seconds() // 60)} minutes"
            )
            failing.append("scheduler")
        else:
            body["scheduler"] = "ok"
    body["status"] = "unavailable" if failing else "ok"
    body["failing"] = failing
    body["checked_at"] = now.isoformat()
    return not failing, body


@login_not_required
@never_cache
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    ok, body = readiness()
    response = JsonResponse(body, status=200 if ok else 503)
    if not ok:
        response["Retry-After"] = str(settings.SERVICE_UNAVAILABLE_RETRY_AFTER)
    return response
