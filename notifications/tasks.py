from __future__ import annotations

import socket

from celery import shared_task

from notifications.services import scheduler_heartbeat_record


@shared_task
def scheduler_heartbeat() -> str:
    """Beat's proof of life: if /health/ shows this is stale, no scan is running either."""
    beat = scheduler_heartbeat_record(worker=socket.gethostname())
    return beat.at.isoformat()
