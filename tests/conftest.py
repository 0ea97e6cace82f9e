from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import quote

import pytest

# Playwright's sync API runs an event loop in the test thread; the Django
# calls made by live_server fixtures are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent
# WhiteNoise warns on every request when the collected static folder is missing;
# tests serve assets straight from the finders, so an empty folder is enough.
(ROOT / "var" / "staticfiles").mkdir(parents=True, exist_ok=True)


def _database_url(db: Mapping[str, object]) -> str:
    host = str(db.get("HOST") or "")
    if host.startswith("/"):  # a unix socket directory (the embedded server)
        host = quote(host, safe="")
    password = f":{quote(str(db['PASSWORD']))}" if db.get("PASSWORD") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{db.get('USER') or 'postgres'}{password}@{host}{port}/{db['NAME']}"


def _statement_timeout_for_new_connections(seconds: float) -> None:
    """Connections opened from now on get this statement_timeout (existing ones are closed)."""
    from django.db import connections

    for conn in connections.all():
        conn.settings_dict.setdefault("OPTIONS", {})["options"] = (
            f"-c statement_timeout={int(seconds * 1000)}"
        )
        conn.close()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings: None) -> None:
    """Creating the test database (every migration) is batch work, not a request.

    Under load a migration statement can pass the 15 s request limit; the settings give
    management commands the batch limit, and the test database's creation gets it too.
    """
    from django.conf import settings

    _statement_timeout_for_new_connections(settings.DATABASE_BATCH_STATEMENT_TIMEOUT)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: object) -> Iterator[None]:
    """Tests run with the request limit; dropping the database at the end has the batch one."""
    from django.conf import settings

    _statement_timeout_for_new_connections(settings.DATABASE_STATEMENT_TIMEOUT)
    yield
    # DROP DATABASE on a loaded machine can pass 15 s; cancelled, it would leave the database.
    _statement_timeout_for_new_connections(settings.DATABASE_BATCH_STATEMENT_TIMEOUT)


class WorkerProcess:
    """A real `celery worker` process, on the broker the settings name, using the test database."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.lines: list[str] = []
        self.ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)
            if " ready." in line:
                self.ready.set()

    @property
    def log(self) -> str:
        return "".join(self.lines)


@pytest.fixture(scope="session")
def celery_worker_process(
    django_db_setup: None, django_db_blocker: object
) -> Iterator[WorkerProcess]:
    from django.conf import settings

    env = dict(os.environ)
    env["DATABASE_URL"] = _database_url(settings.DATABASES["default"])
    env["REGISTER_TESTING"] = "1"
    proc = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--queues",
            settings.CELERY_TASK_DEFAULT_QUEUE,
            "--without-mingle",
            "--without-gossip",
            "--hostname",
            f"test-{os.getpid()}@%h",
            "--loglevel",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    worker = WorkerProcess(proc)
    if not worker.ready.wait(60):
        proc.kill()
        pytest.fail(f"Celery worker did not start on {settings.CELERY_BROKER_URL}:\n{worker.log}")
    yield worker
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()


def wait_for(
    predicate, timeout: float = 30.0, interval: float = 0.1, log: WorkerProcess | None = None
):  # type: ignore[no-untyped-def]
    """Poll until `predicate()` is truthy; return its value or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    worker_log = f"\nWorker log:\n{log.log[-5000:]}" if log else ""
    pytest.fail(f"Timed out after {timeout}s waiting for {predicate}{worker_log}")


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request: pytest.FixtureRequest) -> None:
    """Transactional tests start from a flushed database: put the reference data back.

    Migrations load the offence catalogue, criteria sets and requirement items;
    the first transactional test's teardown truncates every table, so each
    transactional test reloads them (cheap and idempotent).
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or (
        "live_server" in request.fixturenames or "transactional_db" in request.fixturenames
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from notifications import reference_data as notification_reference
    from register import reference_data as register_reference

    register_reference.load()
    notification_reference.load()
