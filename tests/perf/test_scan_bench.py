"""How the overdue scan's cost grows: with the items due, not with the items held.

For 10,000, 100,000 and 1,000,000 due items of which 1% are past due, time one
`scan_overdue` (the conditional UPDATE ... RETURNING plus the task inserts).
Prints figures; asserts only that each due item became exactly one task.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
from collections.abc import Sequence

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from notifications import scans
from notifications.models import Task
from register.models import Nominal, Role
from tests import factories
from tests.perf.conftest import report

SIZES = [int(s) for s in os.environ.get("BENCH_DUE_SIZES", "10000,100000,1000000").split(",")]
DUE_SHARE = 0.01


def _fill(
    total: int, *, nominal_ids: Sequence[object], owner_id: int, agency_id: int, now: dt.datetime
) -> int:
    """COPY `total` open due items; every 100th is past due."""
    subject_type = ContentType.objects.get_for_model(Nominal).pk
    due = 0
    with (
        connection.cursor() as cursor,
        cursor.connection.cursor().copy(
            "COPY notifications_dueitem (id, kind, title, nominal_id, subject_type_id, subject_id,"
            " due_at, owner_id, agency_id, status, waived_reason, created_at) FROM STDIN"
        ) as copy,
    ):
        for i in range(total):
            past = i % int(1 / DUE_SHARE) == 0
            due += past
            copy.write_row(
                (
                    uuid.uuid4(),
                    "risk_review",
                    f"Review {i}",
                    nominal_ids[i % len(nominal_ids)],
                    subject_type,
                    str(i),
                    now - dt.timedelta(hours=1) if past else now + dt.timedelta(days=30 + i % 300),
                    owner_id,
                    agency_id,
                    "open",
                    "",
                    now,
                )
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE notifications_dueitem")
    return due


@pytest.mark.bench
@pytest.mark.django_db(transaction=True)
def test_scan_cost_follows_items_due_not_items_held() -> None:
    agency = factories.agency("BENCHSCAN")
    officer = factories.staff(agency, Role.OFFENDER_MANAGER, username="bench.scan")
    nominal_ids = [factories.nominal(officer, family_name=f"Scan{i}").pk for i in range(200)]
    rows = []
    for total in SIZES:
        now = timezone.now()
        started = time.monotonic()
        due = _fill(
            total, nominal_ids=nominal_ids, owner_id=officer.pk, agency_id=agency.pk, now=now
        )
        filled = time.monotonic() - started
        started = time.monotonic()
        result = scans.scan_overdue(now=now)
        scan_ms = (time.monotonic() - started) * 1000
        started = time.monotonic()
        again = scans.scan_overdue(now=now)
        rescan_ms = (time.monotonic() - started) * 1000
        assert (result.items, again.items) == (due, 0)
        assert Task.objects.count() == due
        rows.append((total, due, filled, scan_ms, rescan_ms))
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE notifications_task, notifications_dueitem CASCADE")
    report(
        "\nscan_overdue: one conditional UPDATE over the partial index of open items by due time"
    )
    report(
        f"{'items held':>12} {'due':>8} {'load s':>8} {'scan ms':>9} {'rescan ms':>10} {'ms per due':>11}"
    )
    for total, due, filled, scan_ms, rescan_ms in rows:
        report(
            f"{total:>12,} {due:>8,} {filled:>8.1f} {scan_ms:>9.1f} {rescan_ms:>10.1f} {scan_ms / due:>11.3f}"
        )
