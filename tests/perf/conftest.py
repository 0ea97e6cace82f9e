"""The benchmark register: demo data plus BENCH_NOMINALS (default 100,000) synthetic people.

Built once per session in the test database (about two minutes for 100,000 on two cores) by
the same code as `manage.py generate_register`. Benchmarks read it; none may write to it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

BENCH_NOMINALS = int(os.environ.get("BENCH_NOMINALS", "100000"))
BENCH_SEED = int(os.environ.get("BENCH_SEED", "2026"))
BENCH_OFFICER = "om.nmp"  # an offender manager of Northmoor Police (demo data)


@dataclass
class BenchRegister:
    officer_username: str
    nominals: int
    generated_seconds: float | None  # None when the data was already there
    counts: dict[str, int]
    server: str
    trigram: bool


def report(text: str = "") -> None:
    """Benchmarks print their figures; run with -s (make bench does) to see them."""
    print(text, flush=True)


@pytest.fixture(scope="session")
def bench_register(django_db_setup: None, django_db_blocker: object) -> Iterator[BenchRegister]:
    from django.db import connection

    from register import demo, search, synthetic
    from register.models import Nominal

    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        demo.load()
        seconds: float | None = None
        counts: dict[str, int] = {}
        if not Nominal.objects.filter(pk=synthetic.first_nominal_id(BENCH_SEED)).exists():
            report(f"\nGenerating {BENCH_NOMINALS:,} nominals (seed {BENCH_SEED})...")
            started = time.monotonic()
            result = synthetic.generate(nominals=BENCH_NOMINALS, seed=BENCH_SEED, progress=report)
            seconds = time.monotonic() - started
            counts = result.counts
            report(f"Generated in {seconds:.1f} s: {sum(counts.values()):,} rows")
            for table, count in counts.items():
                report(f"  {table:<34} {count:>10,}")
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]  # type: ignore[index]
        settings = connection.settings_dict
        where = "embedded" if str(settings.get("HOST", "")).startswith("/") else settings["HOST"]
        yield BenchRegister(
            officer_username=BENCH_OFFICER,
            nominals=Nominal.objects.count(),
            generated_seconds=seconds,
            counts=counts,
            server=f"PostgreSQL {version} ({where})",
            trigram=search.trigram_available(),
        )
