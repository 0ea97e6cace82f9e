"""Scheduled work runs in a real Celery worker process, on Redis when REDIS_URL is set.

History written by a task names the account it acted as, and its reason.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from config.celery import app
from notifications.models import SchedulerHeartbeat
from notifications.tasks import scheduler_heartbeat
from register.audit import SYSTEM_USERNAME
from register.models import Role, StaffUser
from register.tasks import deactivate_dormant_staff
from tests import factories
from tests.conftest import wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_broker_is_redis_when_configured() -> None:
    if settings.REDIS_URL:
        assert settings.CELERY_BROKER_URL.startswith("redis://")
    else:
        assert settings.CELERY_BROKER_URL == "filesystem://"


def test_every_beat_entry_names_a_registered_task() -> None:
    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name


def test_dormant_accounts_are_disabled_by_the_worker_and_history_names_the_scheduler(
    celery_worker_process,  # type: ignore[no-untyped-def]
) -> None:
    agency = factories.agency("W")
    dormant = factories.staff(agency, Role.OFFENDER_MANAGER, username="dormant.user")
    recent = factories.staff(agency, Role.OFFENDER_MANAGER, username="recent.user")
    long_ago = timezone.now() - dt.timedelta(days=settings.DORMANT_ACCOUNT_DAYS + 1)
    StaffUser.objects.filter(pk=dormant.pk).update(last_login=long_ago, date_joined=long_ago)
    StaffUser.objects.filter(pk=recent.pk).update(last_login=timezone.now())

    deactivate_dormant_staff.delay()

    wait_for(lambda: not StaffUser.objects.get(pk=dormant.pk).is_active, log=celery_worker_process)
    assert StaffUser.objects.get(pk=recent.pk).is_active
    change = dormant.history.order_by("-history_date").first()
    assert change.history_user.username == SYSTEM_USERNAME
    assert change.history_change_reason == (
        f"Not used for {settings.DORMANT_ACCOUNT_DAYS} days: disabled automatically"
    )
    assert "deactivate_dormant_staff" in celery_worker_process.log


def test_heartbeat_task_records_that_the_scheduler_ran(celery_worker_process) -> None:  # type: ignore[no-untyped-def]
    scheduler_heartbeat.delay()
    beat = wait_for(lambda: SchedulerHeartbeat.objects.first())
    assert timezone.now() - beat.at < dt.timedelta(minutes=1)
