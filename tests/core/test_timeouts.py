"""Fail fast: short statement and connect timeouts for requests, longer ones for batch jobs.

Issue 11, finding 4: "A frozen database makes requests hang 45 s until gunicorn kills
its workers (no connect_timeout, no statement_timeout)." What a frozen or stopped
database then answers is in test_outages.py.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import OperationalError, connection, transaction

from core.db import statement_timeout
from tests.core.worker_tasks import show_statement_timeout

pytestmark = pytest.mark.django_db(transaction=True)


def _current() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        row = cursor.fetchone()
    assert row is not None
    return str(row[0])


def test_connections_start_with_the_interactive_limits() -> None:
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["connect_timeout"] == 5
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert _current() == "15s"


def test_a_statement_over_the_limit_is_cancelled() -> None:
    with (
        pytest.raises(OperationalError, match="statement timeout"),
        statement_timeout(0.2),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT pg_sleep(2)")
    assert _current() == "15s"


def test_a_task_runs_as_a_batch_job_and_leaves_the_connection_as_it_was() -> None:
    assert show_statement_timeout.apply().get() == "5min"
    assert _current() == "15s"


def test_inside_a_transaction_the_longer_limit_ends_with_it() -> None:
    with transaction.atomic():
        with statement_timeout(60):
            assert _current() == "1min"
        assert _current() == "1min"  # SET LOCAL: until the transaction ends
    assert _current() == "15s"
