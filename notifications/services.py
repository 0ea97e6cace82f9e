from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from notifications.models import SchedulerHeartbeat

logger = logging.getLogger(__name__)

HEARTBEAT_KEEP = dt.timedelta(days=2)


@transaction.atomic
def scheduler_heartbeat_record(
    *, worker: str, now: dt.datetime | None = None
) -> SchedulerHeartbeat:
    now = now or timezone.now()
    beat = SchedulerHeartbeat.objects.create(at=now, worker=worker[:200])
    SchedulerHeartbeat.objects.filter(at__lt=now - HEARTBEAT_KEEP).delete()
    logger.info("Scheduler heartbeat recorded at %s by %s", now.isoformat(), worker)
    return beat
