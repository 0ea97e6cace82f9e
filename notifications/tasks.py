"""Celery tasks: thin wrappers over the scans and services, each safe to run twice or at once.

Every task here may be delivered more than once (acks_late, reject_on_worker_lost): the
scans change each row once, the heartbeat only adds a row, and e-mails go through the
outbox, keyed so the same e-mail is never queued twice.
"""

from __future__ import annotations

import socket

from celery import shared_task

from notifications import scans
from notifications.services import scheduler_heartbeat_record


@shared_task
def scheduler_heartbeat() -> str:
    """Beat's proof of life: if /health/ shows this is stale, no scan is running either."""
    beat = scheduler_heartbeat_record(worker=socket.gethostname())
    return beat.at.isoformat()


@shared_task
def scan_overdue() -> dict[str, int]:
    result = scans.scan_overdue()
    return {"items": result.items, "tasks": result.tasks}


@shared_task
def scan_due_soon() -> dict[str, int]:
    result = scans.scan_due_soon()
    return {"items": result.items, "tasks": result.tasks}


@shared_task
def scan_escalations() -> dict[str, int]:
    result = scans.scan_escalations()
    return {"items": result.items, "tasks": result.tasks}


@shared_task
def send_overdue_emails() -> int:
    """Send the overdue e-mails waiting in the outbox (the scan writes them as it commits).

    Kept for messages queued before the outbox; the outbox sweep (core.tasks) does the same.
    """
    from notifications.digest import send_overdue_notices

    return send_overdue_notices()


@shared_task
def send_daily_digests() -> int:
    """Queue today's digests in the outbox: one per officer per day however often it runs."""
    from notifications.digest import send_daily_digests as queue

    return queue()
