"""Search, list and profile over the benchmark register, as an offender manager sees it.

Figures, not pass/fail on time: each benchmark prints a table (run with -s; `make bench` does).
BENCH_EXPLAIN=1 also prints EXPLAIN ANALYZE for the slowest search of each type.
They assert correctness only: every hit is a record the officer may see, and unique
identifiers always find their person.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pytest
from django.db import connection

from register import search, selectors, synthetic
from register.models import ContactDetail, NameKind, NominalName, StaffUser, Vehicle
from tests.perf.conftest import BenchRegister, report

# django_db makes pytest-django create the test database; the register itself is built,
# committed, once per session by the bench_register fixture before any test transaction.
pytestmark = [pytest.mark.bench, pytest.mark.django_db]

PER_TYPE = 200
TOP = 10
SEED = 20260601


@dataclass
class Query:
    text: str
    intended: object  # the nominal's pk


@dataclass
class Outcome:
    times_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    top10: int = 0
    found: int = 0  # anywhere in the returned hits (up to 50)
    tied: int = 0  # missed the top 10 only because more than 10 people scored the same
    misses: list[str] = field(default_factory=list)


def explain_slowest_statement(run: Callable[[], object]) -> str:
    """EXPLAIN ANALYZE of the slowest SQL statement `run` executes (BENCH_EXPLAIN=1)."""
    statements: list[tuple[float, str, Any]] = []

    def wrapper(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((time.perf_counter() - started, sql, params))

    with connection.execute_wrapper(wrapper):
        run()
    _, sql, params = max(statements, key=lambda s: s[0])
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@contextmanager
def count_queries() -> Iterator[list[int]]:
    counter = [0]

    def wrapper(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        counter[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield counter


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def timing_row(label: str, times: list[float], extra: str = "") -> str:
    return (
        f"{label:<34} {len(times):>5} {percentile(times, 50):>8.1f} "
        f"{percentile(times, 95):>8.1f} {max(times):>8.1f}  {extra}"
    )


# Sampling queries from the generated data -------------------------------------------------


def _current_names(visible: set[Any]) -> list[tuple[object, str, str, dt.date | None]]:
    from register.models import Nominal

    rows = Nominal.objects.filter(pk__in=visible).values_list(
        "pk", "given_names", "family_name", "date_of_birth"
    )
    return sorted(rows, key=str)


def build_queries(officer: StaffUser, rng: random.Random) -> dict[str, list[Query]]:
    visible = set(selectors.nominal_list(user=officer).values_list("pk", flat=True))
    people = _current_names(visible)

    def sample(items: list[Any]) -> list[Any]:
        return rng.sample(items, min(PER_TYPE, len(items)))

    queries: dict[str, list[Query]] = {}
    queries["exact full name"] = [Query(f"{g} {f}", pk) for pk, g, f, _ in sample(people)]

    sound_alike: list[Query] = []
    for pk, given, family, _ in people:
        first = given.split()[0]
        given_variants = synthetic.spelling_variants(first)
        family_variants = synthetic.spelling_variants(family)
        if given_variants or family_variants:
            sound_alike.append(
                Query(
                    f"{(given_variants or (first,))[0]} {(family_variants or (family,))[0]}",
                    pk,
                )
            )
    queries["sound-alike spelling"] = sample(sound_alike)

    aliases = (
        NominalName.objects.filter(
            nominal_id__in=visible, kind__in=[NameKind.ALIAS, NameKind.PREVIOUS]
        )
        .exclude(given_names="")
        .exclude(family_name="")
        .order_by("pk")
        .values_list("nominal_id", "given_names", "family_name")
    )
    queries["alias or previous name"] = [
        Query(f"{g} {f}", pk) for pk, g, f in sample(list(aliases))
    ]
    queries["swapped given/family"] = [
        Query(f"{f} {g.split()[0]}", pk) for pk, g, f, _ in sample(people)
    ]
    swappable = [
        (pk, g, f, born) for pk, g, f, born in people if born and search.swapped_day_month(born)
    ]
    queries["name + DOB day/month swapped"] = [
        Query(f"{g} {f} {born.month:02d}/{born.day:02d}/{born.year}", pk)
        for pk, g, f, born in sample(swappable)
    ]
    with_pnc = sorted(
        selectors.nominal_list(user=officer).exclude(pnc_id="").values_list("pk", "pnc_id"),
        key=str,
    )
    pnc_sample = sample(with_pnc)
    queries["PNC ID"] = [Query(pnc, pk) for pk, pnc in pnc_sample]
    queries["PNC ID, 2-digit year"] = [Query(pnc[2:], pk) for pk, pnc in pnc_sample]
    with_ni = sorted(
        selectors.nominal_list(user=officer).exclude(ni_number="").values_list("pk", "ni_number"),
        key=str,
    )
    queries["NI number"] = [Query(synthetic.format_ni_number(ni), pk) for pk, ni in sample(with_ni)]
    vehicles = sorted(
        Vehicle.objects.filter(nominal_id__in=visible).values_list("nominal_id", "registration"),
        key=str,
    )
    queries["vehicle registration"] = [
        Query(synthetic.format_vehicle_registration(reg), pk) for pk, reg in sample(vehicles)
    ]
    phones = sorted(
        ContactDetail.objects.filter(nominal_id__in=visible, kind="phone").values_list(
            "nominal_id", "value"
        ),
        key=str,
    )
    queries["phone number"] = [Query(value, pk) for pk, value in sample(phones)]
    return queries


# Benchmarks ----------------------------------------------------------------------------------


@pytest.fixture
def officer(bench_register: BenchRegister) -> StaffUser:
    return StaffUser.objects.get(username=bench_register.officer_username)


def test_search(bench_register: BenchRegister, officer: StaffUser) -> None:
    visible = set(selectors.nominal_list(user=officer).values_list("pk", flat=True))
    queries = build_queries(officer, random.Random(SEED))
    for q in random.Random(1).sample([q for qs in queries.values() for q in qs], 20):
        search.nominal_search(user=officer, text=q.text)  # warm the caches

    outcomes: dict[str, Outcome] = {}
    report("")
    for kind, items in queries.items():
        outcome = outcomes[kind] = Outcome()
        for q in items:
            with count_queries() as counter:
                started = time.perf_counter()
                hits = search.nominal_search(user=officer, text=q.text)
                outcome.times_ms.append((time.perf_counter() - started) * 1000)
            outcome.queries.append(counter[0])
            ids = [h.nominal.pk for h in hits]
            assert set(ids) <= visible, f"search showed a record the officer may not see: {q}"
            if q.intended in ids[:TOP]:
                outcome.top10 += 1
            else:
                if len(outcome.misses) < 5:
                    outcome.misses.append(q.text)
                intended = next((h for h in hits if h.nominal.pk == q.intended), None)
                if intended and len(hits) > TOP and hits[TOP - 1].score == intended.score:
                    outcome.tied += 1
            if q.intended in ids:
                outcome.found += 1
        report(f"  {kind}: {len(items)} searches in {sum(outcome.times_ms) / 1000:.1f} s")

    report("")
    report(
        f"nominal_search over {bench_register.nominals:,} nominals ({len(visible):,} visible to "
        f"{officer.username}); {bench_register.server}; pg_trgm "
        f"{'on' if bench_register.trigram else 'off'}"
    )
    report(
        f"{'query type':<34} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  "
        f"{'top-10':>7} {'in 50':>6} {'tied':>5} {'SQL':>4}"
    )
    everything: list[float] = []
    for kind, outcome in outcomes.items():
        n = len(outcome.times_ms)
        everything += outcome.times_ms
        report(
            timing_row(
                kind,
                outcome.times_ms,
                f"{outcome.top10 / n:>7.0%} {outcome.found / n:>6.0%} {outcome.tied:>5} "
                f"{statistics.mean(outcome.queries):>4.1f}",
            )
        )
    report(timing_row("all", everything))
    report("Misses (up to 5 per type):")
    for kind, outcome in outcomes.items():
        if outcome.misses:
            report(f"  {kind}: {'; '.join(outcome.misses)}")
    if os.environ.get("BENCH_EXPLAIN"):
        for kind, items in queries.items():
            outcome = outcomes[kind]
            slowest = items[outcome.times_ms.index(max(outcome.times_ms))]
            report(
                f"\nEXPLAIN ANALYZE, slowest statement of the slowest {kind!r}: {slowest.text!r}"
            )
            report(
                explain_slowest_statement(
                    partial(search.nominal_search, user=officer, text=slowest.text)
                )
            )
    for kind in ("PNC ID", "NI number"):
        assert outcomes[kind].top10 == len(queries[kind]), f"{kind} must always find its person"


def test_list_and_profile(bench_register: BenchRegister, officer: StaffUser) -> None:
    page_size = 25
    cases: dict[str, dict[str, Any]] = {
        "list: by name": {"sort": "name"},
        "list: by priority": {"sort": "priority"},
        "list: by risk": {"sort": "risk"},
        "list: recently updated": {"sort": "updated"},
        "list: high risk, by name": {"sort": "name", "risk_level": "high"},
        "list: officer's caseload": {"sort": "priority", "officer_id": officer.pk},
    }
    rows = []
    for label, filters in cases.items():
        times: list[float] = []
        for page in (1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1):
            with count_queries() as counter:
                started = time.perf_counter()
                queryset = selectors.nominal_list_filtered(user=officer, **filters)
                total = queryset.count()  # what the paginator asks
                first = list(queryset[(page - 1) * page_size : page * page_size])
                times.append((time.perf_counter() - started) * 1000)
        rows.append(timing_row(label, times[2:], f"{total:>7,} rows, {counter[0]} SQL"))
        assert len(first) == min(page_size, total)

    ids = sorted(
        str(pk) for pk in selectors.nominal_list(user=officer).values_list("pk", flat=True)
    )
    sample = random.Random(SEED).sample(ids, 100)
    times = []
    for pk in sample:
        with count_queries() as counter:
            started = time.perf_counter()
            nominal = selectors.nominal_profile(user=officer, nominal_id=pk)
            times.append((time.perf_counter() - started) * 1000)
        assert str(nominal.pk) == pk
    rows.append(timing_row("profile (nominal_profile)", times, f"{counter[0]} SQL"))

    report("")
    report(f"Lists (first page of {page_size}) and profiles, as {officer.username}")
    report(f"{'selector':<34} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for row in rows:
        report(row)
