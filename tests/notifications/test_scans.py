"""The scans: overdue items become tasks exactly once, however often and however many run."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from notifications import scans
from notifications.digest import send_daily_digests, send_overdue_notices
from notifications.models import DueItem, DueKind, DueStatus, Task, TaskKind
from notifications.services import due_item_schedule, due_items_close
from notifications.tasks import scan_overdue
from register.models import Nominal, Role, StaffUser
from tests import factories
from tests.conftest import wait_for


def _setup() -> tuple[StaffUser, StaffUser, list[Nominal]]:
    agency = factories.agency("SCAN")
    officer = factories.staff(agency, Role.OFFENDER_MANAGER, username="scan.officer")
    supervisor = factories.staff(agency, Role.SUPERVISOR, username="scan.supervisor")
    nominals = [factories.nominal(officer, family_name=f"Due{i}") for i in range(5)]
    return officer, supervisor, nominals


def _due(
    officer: StaffUser, nominal: Nominal, due_at: dt.datetime, kind: str = DueKind.RISK_REVIEW
) -> DueItem:
    return due_item_schedule(
        actor=officer,
        kind=kind,
        subject=nominal,
        nominal=nominal,
        due_at=due_at,
        title=f"Risk review for {nominal}",
        owner=officer,
        reason="Test",
    )


@pytest.mark.django_db
def test_overdue_items_raise_one_task_each_however_often_the_scan_runs() -> None:
    officer, _, nominals = _setup()
    now = timezone.now()
    for nominal in nominals[:3]:
        _due(officer, nominal, now - dt.timedelta(hours=1))
    _due(officer, nominals[3], now + dt.timedelta(days=2))
    first = scans.scan_overdue(now=now)
    second = scans.scan_overdue(now=now + dt.timedelta(minutes=5))
    assert (first.items, second.items) == (3, 0)
    assert Task.objects.filter(kind=TaskKind.OVERDUE, owner=officer).count() == 3
    assert DueItem.objects.filter(status=DueStatus.OVERDUE).count() == 3


@pytest.mark.django_db
def test_due_soon_warns_once_within_seven_days() -> None:
    officer, _, nominals = _setup()
    now = timezone.now()
    _due(officer, nominals[0], now + dt.timedelta(days=6))
    _due(officer, nominals[1], now + dt.timedelta(days=8))
    assert scans.scan_due_soon(now=now).items == 1
    assert scans.scan_due_soon(now=now).items == 0
    assert Task.objects.filter(kind=TaskKind.DUE_SOON).count() == 1


@pytest.mark.django_db
def test_overdue_task_still_open_is_escalated_to_the_supervisor_once() -> None:
    officer, supervisor, nominals = _setup()
    now = timezone.now()
    _due(officer, nominals[0], now - dt.timedelta(days=5))
    scans.scan_overdue(now=now - dt.timedelta(days=4))
    assert scans.scan_escalations(now=now, after_days=3).tasks == 1
    assert scans.scan_escalations(now=now, after_days=3).tasks == 0
    escalation = Task.objects.get(kind=TaskKind.ESCALATION)
    assert escalation.owner == supervisor


@pytest.mark.django_db
def test_meeting_an_item_closes_its_open_tasks() -> None:
    officer, _, nominals = _setup()
    now = timezone.now()
    _due(officer, nominals[0], now - dt.timedelta(hours=2))
    scans.scan_overdue(now=now)
    closed = due_items_close(
        actor=officer, kinds=[DueKind.RISK_REVIEW], subject=nominals[0], reason="Reviewed"
    )
    assert closed == 1
    assert Task.objects.get().status == "done"
    assert DueItem.objects.get().history.first().history_user == officer


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_raise_each_task_exactly_once() -> None:
    officer, _, nominals = _setup()
    now = timezone.now()
    for nominal in nominals:
        _due(officer, nominal, now - dt.timedelta(minutes=30))
    barrier = threading.Barrier(2)
    results: list[scans.ScanResult] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(scans.scan_overdue(now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.items for r in results) == [0, 5]
    assert Task.objects.filter(kind=TaskKind.OVERDUE).count() == 5


@pytest.mark.django_db
def test_overdue_e_mail_goes_once_and_carries_no_case_details() -> None:
    officer, _, nominals = _setup()
    now = timezone.now()
    _due(officer, nominals[0], now - dt.timedelta(hours=1))
    scans.scan_overdue(now=now)
    assert send_overdue_notices() == 1
    assert send_overdue_notices() == 0
    [message] = mail.outbox
    assert message.to == [officer.email]
    assert "DUE0" not in message.body and "Due0" not in message.body
    assert send_daily_digests() == 1


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_scan_runs_in_a_real_worker_and_the_task_appears(celery_worker_process) -> None:  # type: ignore[no-untyped-def]
    officer, _, nominals = _setup()
    _due(officer, nominals[0], timezone.now() - dt.timedelta(minutes=1))
    scan_overdue.delay()
    task = wait_for(
        lambda: Task.objects.filter(kind=TaskKind.OVERDUE).first(), log=celery_worker_process
    )
    assert task.owner == officer
    scan_overdue.delay()
    scan_overdue.delay()
    wait_for(
        lambda: celery_worker_process.log.count("scan_overdue") >= 6, log=celery_worker_process
    )
    assert Task.objects.filter(kind=TaskKind.OVERDUE).count() == 1
