"""Honest health: /health/live says the process answers; /health/ready names what is down.

Issue 11, finding 4: "/health/ answers 200 with the broker down and the scheduler
stalled for minutes, and hangs or 500s when the database is down." (The database
being down is tested against a second PostgreSQL in test_outages.py.)
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from notifications.models import SchedulerHeartbeat

pytestmark = pytest.mark.django_db(transaction=True)


def _beat(minutes_ago: float) -> None:
    SchedulerHeartbeat.objects.create(
        at=timezone.now() - dt.timedelta(minutes=minutes_ago), worker="test"
    )


def test_live_answers_without_signing_in_and_without_the_database(
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    with django_assert_num_queries(0):
        response = Client().get("/health/live")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.parametrize("path", ["/health/ready", "/health/"])
def test_ready_is_200_when_database_broker_and_scheduler_all_answer(path: str) -> None:
    _beat(minutes_ago=1)
    response = Client().get(path)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["failing"] == []
    assert (body["database"], body["broker"], body["scheduler"]) == ("ok", "ok", "ok")


def test_ready_names_the_scheduler_when_its_heartbeat_is_older_than_3_minutes() -> None:
    _beat(minutes_ago=3.5)
    response = Client().get("/health/ready")
    assert response.status_code == 503
    assert response["Retry-After"]
    body = response.json()
    assert body["failing"] == ["scheduler"]
    assert body["scheduler"] == "failing: no heartbeat in the last 3 minutes"
    assert body["database"] == "ok" and body["broker"] == "ok"


def test_ready_names_the_scheduler_when_it_has_never_run() -> None:
    response = Client().get("/health/ready")
    assert response.status_code == 503
    assert response.json()["failing"] == ["scheduler"]
    assert response.json()["scheduler_last_ran"] is None


def test_ready_names_the_broker_when_redis_is_unreachable_and_answers_within_2_s(
    tmp_path: Path,
) -> None:
    _beat(minutes_ago=1)
    # A Redis address where nothing listens: the socket file does not exist.
    with override_settings(
        CELERY_BROKER_URL=f"redis+socket://{tmp_path}/no-redis.sock",
        CELERY_BROKER_TRANSPORT_OPTIONS={},
    ):
        started = time.monotonic()
        response = Client().get("/health/ready")
        took = time.monotonic() - started
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["broker"]
    assert body["broker"].startswith("failing: ")
    assert body["database"] == "ok" and body["scheduler"] == "ok"
    assert took < 2.5, took
