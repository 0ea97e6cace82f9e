"""At least once: a task whose pool process is killed mid-task is delivered again and finishes.

Issue 11, finding 3: "Kill -9 of the pool process mid-scan: the message was
acknowledged and never redelivered (task_reject_on_worker_lost unset)."
"""

from __future__ import annotations

import os
import signal
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app
from tests.core import processes
from tests.core.worker_tasks import PROGRESS_TABLE, create_progress_table, progress

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def progress_table():  # type: ignore[no-untyped-def]
    create_progress_table()
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {PROGRESS_TABLE}")


def test_messages_are_acknowledged_late_and_rejected_back_if_the_worker_is_lost() -> None:
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    if settings.REDIS_URL:
        options = app.conf.broker_transport_options
        assert options["visibility_timeout"] > app.conf.task_time_limit


def test_sigkill_of_the_pool_process_mid_task_redelivers_it_and_it_finishes(
    progress_table: None,
) -> None:
    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-kill"
    run = uuid.uuid4().hex
    with processes.worker(
        queue=queue,
        env=processes.app_env(),
        pool="prefork",
        concurrency=1,
        include="tests.core.worker_tasks",
    ) as worker:
        app.send_task("tests.core.worker_tasks.hold_then_finish", args=[run, 120], queue=queue)
        processes.wait_until(lambda: progress(run), 30, "the task to start")
        [(step, pool_pid)] = progress(run)
        assert step == "started"
        assert pool_pid != worker.proc.pid  # it runs in the pool's child process

        os.kill(pool_pid, signal.SIGKILL)
        killed_at = time.monotonic()
        processes.wait_until(
            lambda: any(step == "finished" for step, _ in progress(run)),
            45,
            "the task to be redelivered and finish",
        )
        redelivered_in = time.monotonic() - killed_at

        steps = progress(run)
        assert [step for step, _ in steps] == ["started", "started", "finished"], steps
        assert steps[1][1] == steps[2][1] != pool_pid  # finished by a new pool process
        assert worker.proc.poll() is None  # the worker itself carried on
        assert "WorkerLostError" in worker.log
    print(f"\nSIGKILL of the pool process: task redelivered and finished in {redelivered_in:.2f} s")


def test_sigkill_of_the_whole_worker_redelivers_after_the_visibility_timeout(
    progress_table: None,
) -> None:
    """Finding 3: "Kill -9 of the whole worker: redelivery waits an hour (visibility_timeout
    unset)". Redis hands the message out again once it has been unacknowledged for
    CELERY_VISIBILITY_TIMEOUT, here shortened (with the limits it must exceed) to 8 s."""
    if not settings.REDIS_URL:
        pytest.skip("the visibility timeout is Redis's; the filesystem transport has none")
    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-killall"
    run = uuid.uuid4().hex
    env = processes.app_env(
        DATABASE_BATCH_STATEMENT_TIMEOUT="4",
        CELERY_TASK_SOFT_TIME_LIMIT="5",
        CELERY_TASK_TIME_LIMIT="6",
        CELERY_VISIBILITY_TIMEOUT="8",
        # Look for abandoned messages every second, so redelivery follows the timeout.
        CELERY_UNACKED_RESTORE_SECONDS="1",
    )
    include = "tests.core.worker_tasks"
    with processes.worker(queue=queue, env=env, pool="prefork", include=include) as first:
        sent_at = time.monotonic()
        app.send_task("tests.core.worker_tasks.hold_then_finish", args=[run, 120], queue=queue)
        processes.wait_until(lambda: progress(run), 30, "the task to start", first)
        [(_, pool_pid)] = progress(run)
        os.kill(first.proc.pid, signal.SIGKILL)
        os.kill(pool_pid, signal.SIGKILL)
        killed_at = time.monotonic()
        first.proc.wait(10)
    with processes.worker(queue=queue, env=env, pool="prefork", include=include) as second:
        processes.wait_until(
            lambda: any(step == "finished" for step, _ in progress(run)),
            45,
            "the message to be handed out again after the visibility timeout",
            second,
        )
        redelivered_in = time.monotonic() - killed_at
        since_sent = time.monotonic() - sent_at
    assert [step for step, _ in progress(run)] == ["started", "started", "finished"]
    assert since_sent >= 8  # not before the timeout: a running task is never taken twice
    print(f"\nSIGKILL of the whole worker: redelivered and finished in {redelivered_in:.2f} s")
