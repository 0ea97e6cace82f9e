"""`make run`: the whole service on one machine with nothing else installed.

Starts (or reuses) the embedded PostgreSQL unless DATABASE_URL is set,
migrates, loads the demo data, then runs a Celery worker with beat and the
web server until Ctrl-C, which stops everything this started.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PORT = os.environ.get("PORT", "8000")


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)  # noqa: S603


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    embedded_db = not os.environ.get("DATABASE_URL")
    if embedded_db:
        from config import embedded

        embedded.database_settings()  # start it once here; children reuse it
        print(f"Embedded PostgreSQL 16 running, data in {embedded.PGDATA}")
    if not os.environ.get("REDIS_URL"):
        print("Celery broker: filesystem transport under var/broker (set REDIS_URL for Redis)")

    _manage("migrate", "--no-input", "--verbosity", "0")
    _manage("collectstatic", "--no-input", "--verbosity", "0")
    _manage("load_demo_data")

    children = [
        subprocess.Popen(  # noqa: S603
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                "--beat",
                "--concurrency",
                "2",
                "--loglevel",
                "INFO",
                "--schedule",
                str(ROOT / "var" / "celerybeat-schedule"),
            ],
            cwd=ROOT,
        ),
        subprocess.Popen(  # noqa: S603
            [
                str(BIN / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{PORT}",
                "--workers",
                "2",
                "--access-logfile",
                "-",
            ],
            cwd=ROOT,
        ),
    ]
    print(f"\nServing http://localhost:{PORT}/  (Ctrl-C stops everything)\n", flush=True)

    def stop(*_: object) -> None:
        raise KeyboardInterrupt

    # Explicitly, because a shell that starts us in the background ignores SIGINT.
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        print("A process stopped unexpectedly; shutting down.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        if embedded_db:
            embedded.stop_database()
            print("Embedded PostgreSQL stopped.")


if __name__ == "__main__":
    sys.exit(main())
