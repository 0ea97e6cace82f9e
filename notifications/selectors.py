from __future__ import annotations

import datetime as dt

from notifications.models import SchedulerHeartbeat


def last_heartbeat() -> dt.datetime | None:
    return SchedulerHeartbeat.objects.order_by("-at").values_list("at", flat=True).first()
