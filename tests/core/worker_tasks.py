"""A task for the worker-kill test, loaded into its worker with --include.

It records each attempt, with the pid of the pool process running it, in a table of
its own; the first attempt then holds (the test kills it there), a later one finishes
at once: a resumable job, as every scheduled task must be.
"""

from __future__ import annotations

import os
import time

from celery import shared_task
from django.db import connection

PROGRESS_TABLE = "core_test_worker_progress"


def create_progress_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {PROGRESS_TABLE} "
            "(id bigserial PRIMARY KEY, run text NOT NULL, step text NOT NULL, pid int NOT NULL, "
            "at timestamptz NOT NULL DEFAULT clock_timestamp())"
        )
        cursor.execute(f"TRUNCATE {PROGRESS_TABLE}")


def progress(run: str) -> list[tuple[str, int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT step, pid FROM {PROGRESS_TABLE} WHERE run = %s ORDER BY id",  # noqa: S608
            [run],
        )
        return list(cursor.fetchall())


def _record(run: str, step: str) -> int:
    """Autocommit: each step is visible to the test at once."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {PROGRESS_TABLE} (run, step, pid) VALUES (%s, %s, %s)",  # noqa: S608
            [run, step, os.getpid()],
        )
        cursor.execute(
            f"SELECT count(*) FROM {PROGRESS_TABLE} WHERE run = %s AND step = 'started'",  # noqa: S608
            [run],
        )
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


@shared_task
def hold_then_finish(run: str, hold_seconds: float) -> None:
    if _record(run, "started") == 1:
        time.sleep(hold_seconds)  # the first attempt is killed here
    _record(run, "finished")


@shared_task
def show_statement_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        row = cursor.fetchone()
    assert row is not None
    return str(row[0])
