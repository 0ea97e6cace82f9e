"""Settings of the partners app (webhook push to partner systems). Policy values, not law.

Each reads its setting at call time, so a test may override it; defaults are here.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

# Svix's published schedule stretched to about three days (71 h 35 min 5 s in all): a
# partner system down over a weekend still gets every event when it is back on Monday.
DEFAULT_RETRY_SCHEDULE: tuple[int, ...] = (
    5,
    5 * 60,
    30 * 60,
    2 * 3600,
    5 * 3600,
    10 * 3600,
    10 * 3600,
    14 * 3600,
    14 * 3600,
    16 * 3600,
)


def retry_schedule() -> tuple[dt.timedelta, ...]:
    """The wait before each retry of a failed delivery; when it runs out the delivery is
    dead. Setting: PARTNERS_RETRY_SCHEDULE (seconds, a list)."""
    seconds = getattr(settings, "PARTNERS_RETRY_SCHEDULE", DEFAULT_RETRY_SCHEDULE)
    return tuple(dt.timedelta(seconds=float(s)) for s in seconds)


def secret_overlap() -> dt.timedelta:
    """How long a rotated-out signing secret still signs (both signatures are sent), so a
    partner can switch to the new one without losing events. Setting:
    PARTNERS_SECRET_OVERLAP_HOURS (default 24)."""
    return dt.timedelta(hours=float(getattr(settings, "PARTNERS_SECRET_OVERLAP_HOURS", 24)))


def delivery_timeout() -> float:
    """Seconds a partner's endpoint has to answer before the attempt counts as failed.
    Setting: PARTNERS_DELIVERY_TIMEOUT (default 10). Must stay under the Celery task's
    soft time limit."""
    return float(getattr(settings, "PARTNERS_DELIVERY_TIMEOUT", 10))


def require_https() -> bool:
    """Only https endpoints may subscribe (default: everywhere but DEBUG and tests).
    Setting: PARTNERS_REQUIRE_HTTPS."""
    default = not (settings.DEBUG or getattr(settings, "TESTING", False))
    return bool(getattr(settings, "PARTNERS_REQUIRE_HTTPS", default))


def celery_queue() -> str:
    """The Celery queue deliveries run on (default: the default queue). A deployment may
    give webhook delivery workers of their own, so a slow partner never delays the scans.
    Setting: PARTNERS_CELERY_QUEUE."""
    return str(getattr(settings, "PARTNERS_CELERY_QUEUE", "") or settings.CELERY_TASK_DEFAULT_QUEUE)


def countdown_limit() -> dt.timedelta:
    """A retry due sooner than this is queued with a countdown; a later one is picked up by
    the periodic sweep (PARTNERS_SWEEP_SECONDS), so no message waits hours in the broker
    past its visibility timeout. Setting: PARTNERS_RETRY_COUNTDOWN_MAX_SECONDS."""
    return dt.timedelta(
        seconds=float(getattr(settings, "PARTNERS_RETRY_COUNTDOWN_MAX_SECONDS", 300))
    )


def sweep_batch() -> int:
    """How many due deliveries one sweep sends before queueing another. Setting:
    PARTNERS_SWEEP_BATCH (default 200)."""
    return int(getattr(settings, "PARTNERS_SWEEP_BATCH", 200))


def max_subscriptions_per_client() -> int:
    """A partner system's subscriptions (each event is written once per subscription).
    Setting: PARTNERS_MAX_SUBSCRIPTIONS_PER_CLIENT (default 20)."""
    return int(getattr(settings, "PARTNERS_MAX_SUBSCRIPTIONS_PER_CLIENT", 20))
