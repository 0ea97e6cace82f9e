"""The embedded defaults a new user gets when no servers are configured.

`make run` and `make test` must work on a fresh machine with nothing installed,
so when DATABASE_URL is unset we run a real PostgreSQL 16 from the `pgserver`
wheel with its data under var/, and when REDIS_URL is unset Celery uses kombu's
filesystem transport under var/. Both are real: the same SQL and the same
worker code run as in production.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("REGISTER_VAR_DIR", BASE_DIR / "var"))
PGDATA = VAR_DIR / "pgdata"
BROKER_DIR = VAR_DIR / "broker"
DATABASE_NAME = "register"


def _server():  # type: ignore[no-untyped-def]
    runtime = VAR_DIR / "run"
    runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
    import pgserver  # imported lazily: only the embedded default needs it

    PGDATA.parent.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None leaves the server running for the next process, which
    # reuses it; `make run` stops it explicitly on Ctrl-C.
    return pgserver.get_server(PGDATA, cleanup_mode=None)


def database_settings() -> dict[str, object]:
    """Start (or reuse) the embedded server and return Django DATABASES['default']."""
    server = _server()
    marker = PGDATA / f".created-{DATABASE_NAME}"
    if not marker.exists():
        # DATABASE_NAME is a constant of this module, never input.
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608
        if "(1 row)" not in exists:
            server.psql(f"CREATE DATABASE {DATABASE_NAME};")
        marker.touch()
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "HOST": str(PGDATA),
        "PORT": "",
    }


def stop_database(timeout: float = 30.0) -> None:
    """Fast shutdown (SIGINT to the postmaster, as PostgreSQL documents), then wait for it."""
    import signal
    import time

    pidfile = PGDATA / "postmaster.pid"
    try:
        pid = int(pidfile.read_text().splitlines()[0])
        os.kill(pid, signal.SIGINT)
    except (FileNotFoundError, ValueError, IndexError, ProcessLookupError):
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)


def broker_url() -> str:
    for name in ("queue", "processed", "control"):
        (BROKER_DIR / name).mkdir(parents=True, exist_ok=True)
    return "filesystem://"


def broker_transport_options() -> dict[str, object]:
    return {
        # Producer and consumer share one folder: it is the queue.
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # Broadcast (remote control) messages; kombu's default is ./control in the cwd.
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }


def secret_key() -> str:
    """A per-checkout key, kept so sessions survive a restart of `make run`."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()
