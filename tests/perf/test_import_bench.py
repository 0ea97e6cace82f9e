"""How fast a generated legacy register imports: rows and records a second, queries a record.

`make bench` runs it at BENCH_IMPORT_NOMINALS (default 10,000) generated people with their
related rows; the normal suite runs the same measurement on 20, so it cannot rot. It prints
figures and asserts only that everything was imported, with a query count per record that
does not grow with the file.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection

from imports import formats, sample, services
from imports.models import RunState
from register.models import Nominal, Role
from tests import factories
from tests.perf.conftest import report

BENCH_IMPORT_NOMINALS = int(os.environ.get("BENCH_IMPORT_NOMINALS", "10000"))


@contextmanager
def _count_queries() -> Iterator[list[int]]:
    counter = [0]

    def wrapper(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        counter[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield counter


def measure_import(nominals: int, *, seed: int = 1) -> dict[str, float]:
    agency = factories.agency(f"BI{seed}")
    admin = factories.staff(agency, Role.ADMINISTRATOR)
    rows = sample.records(nominals, seed=seed)
    content = sample.as_json(rows)
    related = sum(len(r[k]) for r in rows for k in formats.JSON_LISTS)
    run = services.import_run_create(
        actor=admin, file_name="bench.json", content=content, format="json", source_system="BENCH"
    )
    started = time.monotonic()
    run = services.import_run_validate(run_id=run.pk)
    checked_in = time.monotonic() - started
    assert run.errors == [] and run.valid == nominals
    services.import_run_start(actor=admin, run=run)
    with _count_queries() as queries:
        run = services.import_run_execute(run_id=run.pk)
    assert run.state == RunState.DONE, run.failure
    assert run.created == nominals == Nominal.objects.filter(lead_agency=agency).count()
    seconds = run.seconds or 0.0
    return {
        "nominals": nominals,
        "rows": nominals + related,
        "check_seconds": checked_in,
        "import_seconds": seconds,
        "rows_per_second": (nominals + related) / seconds,
        "records_per_second": nominals / seconds,
        "queries_per_record": queries[0] / nominals,
        "bytes": len(content.encode()),
    }


def _report(figures: dict[str, float]) -> None:
    report(
        f"\nImport of {figures['nominals']:,.0f} generated nominals ({figures['rows']:,.0f} rows, "
        f"{figures['bytes'] / 1e6:.1f} MB JSON): dry run {figures['check_seconds']:.1f} s; "
        f"import {figures['import_seconds']:.1f} s = {figures['rows_per_second']:,.0f} rows/s, "
        f"{figures['records_per_second']:,.1f} nominals/s, "
        f"{figures['queries_per_record']:.1f} queries per nominal"
    )


@pytest.mark.django_db(transaction=True)
def test_import_timing_smoke() -> None:
    """The benchmark's own code on a small file, in the normal suite; query count per record
    does not grow with the file (same generator, 10 then 30 people)."""
    small = measure_import(10, seed=11)
    larger = measure_import(30, seed=12)
    _report(larger)
    # Per-record work is constant: the larger file costs no more queries per person (small
    # differences come from the generated mix of related rows, hence the margin).
    assert larger["queries_per_record"] <= small["queries_per_record"] * 1.25


@pytest.mark.bench
@pytest.mark.django_db(transaction=True)
def test_import_bench() -> None:
    _report(measure_import(BENCH_IMPORT_NOMINALS, seed=1))
