"""The outbox: e-mails are written with the change that causes them and sent at least once.

Issue 11, finding 3: "Redis down when a scan commits: its on-commit
send_overdue_emails.delay fails and 20,000 e-mails are never sent; emailed_at is set
before sending, so an SMTP failure loses them too."
"""

from __future__ import annotations

import datetime as dt
import socket
import threading
from collections import Counter
from collections.abc import Iterator

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from core import outbox
from core.models import OutboxMessage
from notifications import scans
from notifications.digest import DAILY_DIGEST, OVERDUE_EMAIL, send_daily_digests
from notifications.models import DueItem, DueKind, Task
from notifications.services import due_item_schedule
from register.models import Nominal, Role, StaffUser
from tests import factories
from tests.conftest import wait_for

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _officers(n: int) -> list[StaffUser]:
    agency = factories.agency("OUTBOX")
    return [factories.staff(agency, Role.OFFENDER_MANAGER, username=f"ob.{i}") for i in range(n)]


def _overdue(officer: StaffUser, *, items: int = 1) -> list[DueItem]:
    made = []
    for i in range(items):
        nominal: Nominal = factories.nominal(officer, family_name=f"Overdue{i}")
        made.append(
            due_item_schedule(
                actor=officer,
                kind=DueKind.RISK_REVIEW,
                subject=nominal,
                nominal=nominal,
                due_at=NOW - dt.timedelta(hours=1),
                title=f"Risk review for {nominal}",
                owner=officer,
                reason="Test",
            )
        )
    return made


@pytest.fixture
def refused_smtp() -> Iterator[dict[str, object]]:
    """A real SMTP failure: a port that is ours (bound) and refuses every connection."""
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        yield {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": bound.getsockname()[1],
            "EMAIL_TIMEOUT": 2,
        }


@pytest.mark.django_db
def test_the_scan_writes_one_e_mail_per_officer_in_its_own_transaction() -> None:
    first, second = _officers(2)
    _overdue(first, items=2)
    _overdue(second)
    scans.scan_overdue(now=NOW)
    messages = OutboxMessage.objects.filter(topic=OVERDUE_EMAIL)
    assert sorted(m.payload["to"][0] for m in messages) == sorted([first.email, second.email])
    assert sorted(len(m.payload["task_ids"]) for m in messages) == [1, 2]
    # Nothing is marked e-mailed until the e-mail has gone.
    assert not Task.objects.filter(emailed_at__isnull=False).exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_scan_that_rolls_back_leaves_no_e_mail_behind() -> None:
    [officer] = _officers(1)
    _overdue(officer)
    with pytest.raises(RuntimeError), transaction.atomic():
        scans.scan_overdue(now=NOW)
        raise RuntimeError("the scan fails after raising its tasks")
    assert not OutboxMessage.objects.exists()
    assert not Task.objects.exists()


@pytest.mark.django_db
def test_the_sweep_sends_each_e_mail_once_and_only_then_marks_the_tasks() -> None:
    officers = _officers(3)
    for officer in officers:
        _overdue(officer)
    scans.scan_overdue(now=NOW)
    first = outbox.sweep(now=NOW)
    again = outbox.sweep(now=NOW + dt.timedelta(minutes=1))
    assert (first.sent, again.sent) == (3, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(o.email for o in officers)
    assert "Overdue0" not in mail.outbox[0].body  # no case details by e-mail
    assert not Task.objects.filter(emailed_at__isnull=True).exists()
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.django_db
def test_an_smtp_failure_is_retried_with_backoff_and_the_tasks_stay_unmarked(
    refused_smtp: dict[str, object],
) -> None:
    [officer] = _officers(1)
    _overdue(officer)
    scans.scan_overdue(now=NOW)
    with override_settings(**refused_smtp, OUTBOX_RETRY_BASE_SECONDS=60):
        failed = outbox.sweep(now=NOW)
        message = OutboxMessage.objects.get()
        assert failed.retrying == 1 and failed.sent == 0
        assert message.attempts == 1
        assert message.available_at == NOW + dt.timedelta(seconds=60)
        assert "ConnectionRefusedError" in message.last_error
        assert Task.objects.get().emailed_at is None
        # Not due again before its backoff has passed.
        assert outbox.sweep(now=NOW + dt.timedelta(seconds=59)).handled == 0
        second = outbox.sweep(now=NOW + dt.timedelta(seconds=60))
        assert second.retrying == 1
        # The wait doubles.
        assert OutboxMessage.objects.get().available_at == NOW + dt.timedelta(seconds=180)
    # The mail server is back.
    sent = outbox.sweep(now=NOW + dt.timedelta(seconds=180))
    assert sent.sent == 1
    assert [m.to for m in mail.outbox] == [[officer.email]]
    message = OutboxMessage.objects.get()
    assert message.attempts == 3 and message.sent_at is not None
    assert Task.objects.get().emailed_at is not None


@pytest.mark.django_db
def test_a_message_failing_every_attempt_is_set_aside_as_dead(
    refused_smtp: dict[str, object],
) -> None:
    [officer] = _officers(1)
    _overdue(officer)
    scans.scan_overdue(now=NOW)
    at = NOW
    with override_settings(**refused_smtp, OUTBOX_MAX_ATTEMPTS=3):
        results = []
        for _ in range(4):
            results.append(outbox.sweep(now=at))
            at += dt.timedelta(days=1)
    assert [(r.retrying, r.dead) for r in results] == [(1, 0), (1, 0), (0, 1), (0, 0)]
    message = OutboxMessage.objects.get()
    assert message.dead_at is not None and message.sent_at is None and message.attempts == 3
    assert Task.objects.get().emailed_at is None


@pytest.mark.django_db
def test_daily_digests_are_queued_once_per_officer_per_day_however_often_they_run() -> None:
    officers = _officers(2)
    for officer in officers:
        _overdue(officer)
    scans.scan_overdue(now=NOW)
    assert send_daily_digests(now=NOW) == 2
    assert send_daily_digests(now=NOW + dt.timedelta(hours=3)) == 0  # a catch-up run
    assert send_daily_digests(now=NOW + dt.timedelta(days=1)) == 2
    assert OutboxMessage.objects.filter(topic=DAILY_DIGEST).count() == 4
    outbox.sweep(now=NOW + dt.timedelta(days=1))
    assert Counter(m.to[0] for m in mail.outbox if "open tasks" in m.subject) == {
        o.email: 2 for o in officers
    }


@pytest.mark.django_db(transaction=True)
def test_sweeps_running_at_once_never_send_one_message_twice() -> None:
    # Written directly (no sweep queued on commit), so only these four sweeps send them.
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            topic=OVERDUE_EMAIL,
            dedup_key=f"test:{i}",
            payload={"to": [f"officer{i}@example.gov.uk"], "subject": "S", "body": "B"},
            available_at=timezone.now(),
        )
        for i in range(12)
    )
    barrier = threading.Barrier(4)
    results: list[outbox.SweepResult] = []

    def sweep() -> None:
        try:
            barrier.wait()
            results.append(outbox.sweep())
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.sent for r in results) == 12
    assert Counter(m.to[0] for m in mail.outbox) == {
        f"officer{i}@example.gov.uk": 1 for i in range(12)
    }
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_commit_that_writes_to_the_outbox_has_it_swept_at_once_by_the_worker(
    celery_worker_process,  # type: ignore[no-untyped-def]
) -> None:
    def sweeps() -> int:
        return sum(
            "core.tasks.sweep_outbox" in line and "succeeded" in line
            for line in list(celery_worker_process.lines)
        )

    # The worker sweeps once as it starts; the sweep this test is about comes after.
    wait_for(lambda: sweeps() >= 1, log=celery_worker_process)
    before = sweeps()
    [officer] = _officers(1)
    _overdue(officer)
    scans.scan_overdue()  # commits, and queues a sweep on commit: no beat runs in the suite
    wait_for(
        lambda: OutboxMessage.objects.filter(sent_at__isnull=False).exists(),
        log=celery_worker_process,
    )
    assert sweeps() > before
    assert Task.objects.get().emailed_at is not None
