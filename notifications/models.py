"""Notification requirements, due items and scans live here (issue 4).

For now: the record that the scheduler is alive, so a silent beat is noticed.
"""

from django.db import models


class SchedulerHeartbeat(models.Model):
    """One row per beat tick; `/health/` reports the newest. Old rows are pruned by the task."""

    at = models.DateTimeField(db_index=True)
    worker = models.CharField(max_length=200)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.worker}"
