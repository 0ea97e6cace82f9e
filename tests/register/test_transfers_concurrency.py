"""Transfers under real concurrency, and the expiry job on a real Celery worker.

Two supervisors accepting the same request at the same moment (threads, each with its own
database connection): exactly one acceptance, the other told it was already decided. Two
officers asking at once: one request. The job that ends the sending agency's read-only
access runs on the worker, with the clock moved past the period, and running it twice
changes nothing more.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from register import access
from register.errors import DomainError
from register.models import (
    Nominal,
    NominalAgencyPermission,
    NominalTransfer,
    Role,
    TransferState,
)
from register.services import transfers as services
from register.tasks import end_transferred_access
from tests import factories
from tests.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at the same moment, each in its own thread and database connection.

    Returns each call's result or the exception it raised, in order.
    """
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


@pytest.fixture
def people() -> dict[str, Any]:
    agency_a = factories.agency("TA")
    agency_b = factories.agency("TB")
    agency_c = factories.agency("TC")
    officer_a = factories.staff(agency_a, Role.OFFENDER_MANAGER)
    return {
        "agency_a": agency_a,
        "agency_b": agency_b,
        "agency_c": agency_c,
        "officer_a": officer_a,
        "officer_a2": factories.staff(agency_a, Role.SUPERVISOR),
        "officer_b": factories.staff(agency_b, Role.OFFENDER_MANAGER),
        "supervisor_b1": factories.staff(agency_b, Role.SUPERVISOR),
        "supervisor_b2": factories.staff(agency_b, Role.SUPERVISOR),
        "nominal": factories.nominal(officer_a, "Harrow", "Dean"),
    }


def _request(p: dict[str, Any], actor: Any, to: Any) -> NominalTransfer:
    return services.transfer_request(
        actor=actor,
        nominal=Nominal.objects.get(pk=p["nominal"].pk),
        to_agency=to,
        new_area="Northshire",
        reason="Moved",
    )


def test_two_supervisors_accepting_at_once_one_wins(people: dict[str, Any]) -> None:
    p = people
    transfer = _request(p, p["officer_a"], p["agency_b"])

    def accept(supervisor: Any) -> Callable[[], NominalTransfer]:
        # Each thread holds its own copy read before either decided, as two open pages do.
        copy = NominalTransfer.objects.get(pk=transfer.pk)
        return lambda: services.transfer_accept(
            actor=supervisor, transfer=copy, responsible_officer=p["officer_b"]
        )

    results = race(accept(p["supervisor_b1"]), accept(p["supervisor_b2"]))

    won = [r for r in results if isinstance(r, NominalTransfer)]
    lost = [r for r in results if isinstance(r, DomainError)]
    assert (len(won), len(lost)) == (1, 1), results
    assert "already accepted by" in lost[0].message
    transfer.refresh_from_db()
    assert transfer.state == TransferState.ACCEPTED
    assert transfer.decided_by == won[0].decided_by
    accepted_rows = transfer.history.filter(state=TransferState.ACCEPTED)  # type: ignore[attr-defined]
    assert accepted_rows.count() == 1
    nominal = Nominal.objects.get(pk=p["nominal"].pk)
    assert nominal.lead_agency == p["agency_b"]
    assert access.agency_actions(nominal, p["agency_b"].pk) == {"view", "change", "share"}
    assert access.agency_actions(nominal, p["agency_a"].pk) == {"view"}
    # One grant row per permission: neither acceptance doubled them.
    assert NominalAgencyPermission.objects.filter(content_object=nominal).count() == 4


def test_two_requests_at_once_leave_one_waiting(people: dict[str, Any]) -> None:
    p = people
    results = race(
        lambda: _request(p, p["officer_a"], p["agency_b"]),
        lambda: _request(p, p["officer_a2"], p["agency_c"]),
    )
    made = [r for r in results if isinstance(r, NominalTransfer)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert (len(made), len(refused)) == (1, 1), results
    assert "already waiting for a decision" in refused[0].message
    assert NominalTransfer.objects.filter(state=TransferState.REQUESTED).count() == 1


@pytest.mark.celery_worker
def test_the_worker_ends_the_sending_agencys_access_once(
    people: dict[str, Any],
    celery_worker_process: Any,
) -> None:
    p = people
    transfer = services.transfer_accept(
        actor=p["supervisor_b1"],
        transfer=_request(p, p["officer_a"], p["agency_b"]),
        responsible_officer=None,
    )
    nominal = Nominal.objects.get(pk=p["nominal"].pk)
    assert access.scoped(Nominal.objects.all(), p["officer_a"]).filter(pk=nominal.pk).exists()
    # The clock moved past the period: the transfer was accepted that long ago.
    NominalTransfer.objects.filter(pk=transfer.pk).update(
        sending_read_until=timezone.now() - dt.timedelta(minutes=1)
    )

    end_transferred_access.delay()
    wait_for(
        lambda: NominalTransfer.objects.get(pk=transfer.pk).sending_access_ended_at,
        timeout=120,
        log=celery_worker_process,
    )
    assert not access.scoped(Nominal.objects.all(), p["officer_a"]).filter(pk=nominal.pk).exists()
    assert access.agency_actions(nominal, p["agency_a"].pk) == set()
    assert access.agency_actions(nominal, p["agency_b"].pk) == {"view", "change", "share"}
    ended_at = NominalTransfer.objects.get(pk=transfer.pk).sending_access_ended_at
    grants = NominalAgencyPermission.objects.count()
    history = NominalAgencyPermission.history.count()  # type: ignore[attr-defined]
    transfer_history = transfer.history.count()  # type: ignore[attr-defined]

    second = end_transferred_access.delay()

    def second_run_line() -> str | None:
        lines = [ln for ln in celery_worker_process.lines if second.id in ln and "succeeded" in ln]
        return lines[0] if lines else None

    line = wait_for(second_run_line, timeout=120, log=celery_worker_process)
    assert line.rstrip().endswith(": 0"), line  # closed no transfer the second time
    assert NominalTransfer.objects.get(pk=transfer.pk).sending_access_ended_at == ended_at
    assert NominalAgencyPermission.objects.count() == grants
    assert NominalAgencyPermission.history.count() == history  # type: ignore[attr-defined]
    assert transfer.history.count() == transfer_history  # type: ignore[attr-defined]
    assert "end_transferred_access" in celery_worker_process.log
