"""Real servers for the outage tests: a Celery worker or beat, a Redis, a PostgreSQL, the app.

Each is started on a private socket or a port the OS picks, so tests never collide,
and each stops what it started (by its own process, never by name).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings

from tests.conftest import ROOT, WorkerProcess, _database_url


def test_database_url() -> str:
    return _database_url(settings.DATABASES["default"])


def app_env(**extra: str) -> dict[str, str]:
    """The environment of a process of the app using the test database (unless overridden)."""
    env = dict(os.environ)
    env["DATABASE_URL"] = test_database_url()
    env["REGISTER_TESTING"] = "1"
    env.update(extra)
    return env


def wait_until(
    predicate: Callable[[], Any], timeout: float, what: str, *logs: WorkerProcess
) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    output = "".join(f"\n--- {str(log.proc.args)[-80:]}:\n{log.log[-6000:]}" for log in logs)
    pytest.fail(f"Timed out after {timeout}s waiting for {what}{output}")


def _stop(proc: subprocess.Popen[Any], timeout: float = 20) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


class LoggedProcess(WorkerProcess):
    """A process whose output is collected; `ready` is set when `marker` is printed."""

    def __init__(self, proc: subprocess.Popen[str], marker: str) -> None:
        self.marker = marker
        super().__init__(proc)

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)
            if self.marker in line:
                self.ready.set()

    def count(self, text: str) -> int:
        return sum(text in line for line in list(self.lines))


@contextmanager
def celery(
    command: str, *args: str, env: dict[str, str], marker: str, timeout: float = 60
) -> Iterator[LoggedProcess]:
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "celery", "-A", "config", command, "--loglevel", "INFO", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    logged = LoggedProcess(proc, marker)
    try:
        if not logged.ready.wait(timeout):
            pytest.fail(f"celery {command} did not start:\n{logged.log[-5000:]}")
        yield logged
    finally:
        _stop(proc)


@contextmanager
def worker(
    *, queue: str, env: dict[str, str], pool: str = "solo", concurrency: int = 1, include: str = ""
) -> Iterator[LoggedProcess]:
    """A worker on its own queue, so the suite's shared worker never takes its tasks."""
    args = [
        "--pool",
        pool,
        "--concurrency",
        str(concurrency),
        "--queues",
        queue,
        "--without-mingle",
        "--without-gossip",
        "--hostname",
        f"{queue}@%h",
    ]
    if include:
        args += ["--include", include]
    with celery(
        "worker", *args, env={**env, "REGISTER_CELERY_QUEUE": queue}, marker=" ready."
    ) as logged:
        yield logged


@contextmanager
def beat(*, queue: str, env: dict[str, str], directory: Path) -> Iterator[LoggedProcess]:
    with celery(
        "beat",
        "--schedule",
        str(directory / "beat-schedule"),
        env={**env, "REGISTER_CELERY_QUEUE": queue},
        marker="beat: Starting",
    ) as logged:
        yield logged


def short_tempdir(prefix: str) -> Path:
    # Unix socket paths must stay under ~100 characters, so not pytest's deep tmp_path.
    return Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))


class RedisServer:
    """A redis-server of our own on a unix socket (no TCP port at all), stopped and restarted."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.socket = directory / "redis.sock"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis+socket://{self.socket}"

    def start(self) -> None:
        executable = shutil.which("redis-server")
        assert executable, "redis-server is needed for the broker outage test"
        self.proc = subprocess.Popen(  # noqa: S603
            [
                executable,
                "--port",
                "0",
                "--unixsocket",
                str(self.socket),
                "--unixsocketperm",
                "700",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        def answers() -> bool:
            try:
                return bool(redis.Redis(unix_socket_path=str(self.socket)).ping())
            except redis.exceptions.ConnectionError:
                return False

        wait_until(answers, 20, "redis-server to answer")

    def stop(self) -> None:
        if self.proc is not None:
            _stop(self.proc)
            self.proc = None
        with suppress(FileNotFoundError):
            self.socket.unlink()


class PostgresServer:
    """A second PostgreSQL from the pgserver wheel, on a unix socket in a temp folder."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.pgdata = directory / "data"
        self.server: Any = None

    def start(self) -> None:
        if self.server is None:
            import pgserver

            self.server = pgserver.get_server(self.pgdata, cleanup_mode="delete")
        else:
            from pgserver._commands import pg_ctl  # type: ignore[attr-defined]

            pg_ctl(
                ["-w", "-o", '-h ""', "-o", f"-k {self.pgdata}", "-l", str(self.log), "start"],
                pgdata=self.pgdata,
                user=self.server.system_user,
            )

    @property
    def log(self) -> Path:
        # In the data folder: PostgreSQL runs as pgserver's own user, who may write only there.
        return self.pgdata / "restart.log"

    def stop(self) -> None:
        from pgserver._commands import pg_ctl  # type: ignore[attr-defined]

        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=self.server.system_user)

    def postmaster_pid(self) -> int:
        return int((self.pgdata / "postmaster.pid").read_text().splitlines()[0])

    def freeze(self) -> None:
        """The postmaster stops answering: new connections wait, as with a hung server."""
        os.kill(self.postmaster_pid(), signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.postmaster_pid(), signal.SIGCONT)

    def url(self, database: str) -> str:
        return f"postgres://postgres@{quote(str(self.pgdata), safe='')}/{database}"

    def psql(self, database: str, sql: str) -> str:
        from pgserver._commands import POSTGRES_BIN_PATH

        return subprocess.run(  # noqa: S603
            [
                str(POSTGRES_BIN_PATH / "psql"),
                *("-v", "ON_ERROR_STOP=1", "-q", "-At", "-h", str(self.pgdata), "-U", "postgres"),
                *("-d", database, "-c", sql),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def copy_schema_from(self, source_url: str, database: str) -> None:
        """The test database's tables, empty: what the app needs to answer requests."""
        from pgserver._commands import POSTGRES_BIN_PATH

        self.psql("postgres", f"CREATE DATABASE {database}")
        dump = subprocess.run(  # noqa: S603
            [str(POSTGRES_BIN_PATH / "pg_dump"), "--schema-only", "--no-owner", source_url],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        # The wheel's PostgreSQL has no pg_trgm (name search, not what these tests use) and
        # knows no column options the source server's build adds (pg_attver): leave them out.
        statements = [s for s in dump.split(";\n") if "trgm" not in s and "pg_attver" not in s]
        restored = subprocess.run(  # noqa: S603
            [
                str(POSTGRES_BIN_PATH / "psql"),
                *("-q", "-h", str(self.pgdata), "-U", "postgres", "-d", database),
                *("-v", "ON_ERROR_STOP=1"),
            ],
            input=";\n".join(statements),
            capture_output=True,
            text=True,
        )
        assert restored.returncode == 0, restored.stderr

    def cleanup(self) -> None:
        if self.server is not None:
            with suppress(Exception):
                self.thaw()
            self.server.cleanup()


class AppServer:
    """The app under gunicorn, on a port the OS picks."""

    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                "127.0.0.1:0",
                # One warm worker: a second one would load the URLconf on its first request
                # and skew the timings the tests measure.
                "--workers",
                "1",
                "--timeout",
                "60",
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self.address = threading.Event()
        self.url = ""
        threading.Thread(target=self._read, daemon=True).start()
        if not self.address.wait(60):
            self.stop()
            pytest.fail("gunicorn did not start:\n" + "".join(self.lines))

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)
            found = re.search(r"Listening at: (http://\S+)", line)
            if found:
                self.url = found.group(1)
                self.address.set()

    def stop(self) -> None:
        _stop(self.proc)
