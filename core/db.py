"""Database helpers every app may use."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections


@contextmanager
def statement_timeout(seconds: float, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Let each statement in the block run for up to `seconds` (0: no limit).

    Connections start with the interactive limit (DATABASE_STATEMENT_TIMEOUT, set at
    connect in settings); named batch jobs that work through whole tables take longer.
    Inside a transaction this is SET LOCAL, which ends with the transaction; outside
    one, the block's end puts back the connection's own default.
    """
    connection = connections[using]
    milliseconds = max(0, int(seconds * 1000))  # an int: nothing else reaches the SQL
    local = connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute(f"SET {'LOCAL ' if local else ''}statement_timeout = {milliseconds}")
    try:
        yield
    finally:
        if not local and not connection.in_atomic_block and connection.connection is not None:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("RESET statement_timeout")
            except DatabaseError:
                # A broken connection is closed before reuse (CONN_HEALTH_CHECKS), and a new
                # one starts with the default.
                connection.close()
