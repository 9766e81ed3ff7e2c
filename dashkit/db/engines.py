"""Engines built with dashkit's defaults, and one engine per process for pre-forking servers."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from dashkit.db.liveness import ping_stale_connections
from dashkit.db.urls import check_driver, normalise_url

DEFAULT_TIMEOUT = 10.0
"""Seconds a connect, a lock wait or a statement may take before failing (DATABASE_TIMEOUT)."""
SOCKET_BACKSTOP = 5
"""Seconds MySQL/MariaDB's socket may stay silent beyond the statement timeout."""


def make_engine(
    url: str | os.PathLike[str] | sa.URL,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    statement_timeout: bool = True,
) -> sa.Engine:
    """An engine with bounded waits whose stale pooled connections are replaced before use
    (`liveness`); SQLite gets foreign keys and a busy timeout.

    `timeout` bounds connecting and, with `statement_timeout`, each statement (migrations
    turn that off: DDL on a big table may legitimately take longer). A SQLite file that
    does not exist yet is switched to WAL when it is created; an existing file keeps its
    journal mode, because changing it rewrites the header of someone else's database.
    """
    parsed = normalise_url(url)
    check_driver(parsed)
    backend = parsed.get_backend_name()
    options: dict[str, Any] = {}
    connect_args: dict[str, Any] = {}
    if timeout is not None and not _is_memory_sqlite(parsed):
        options["pool_timeout"] = timeout
    if backend == "sqlite":
        connect_args["check_same_thread"] = False
        if timeout is not None:
            connect_args["timeout"] = timeout
        if _is_memory_sqlite(parsed):
            options["poolclass"] = (
                StaticPool  # one shared in-memory database, not one per connection
            )
    elif backend == "postgresql" and timeout is not None:
        connect_args.update(
            connect_timeout=max(1, round(timeout)),
            tcp_user_timeout=round(timeout * 1000),
            keepalives=1,
            keepalives_idle=max(1, round(timeout)),
            keepalives_interval=1,
            keepalives_count=3,
        )
        if statement_timeout:
            connect_args["options"] = f"-c statement_timeout={round(timeout * 1000)}"
    elif backend == "mysql" and timeout is not None:
        connect_args["connect_timeout"] = max(1, round(timeout))
        if statement_timeout:
            # The server stops a long statement with its own timeout error; the socket
            # timeouts, a little later, only catch a server that stopped answering.
            backstop = round(timeout) + SOCKET_BACKSTOP
            connect_args.update(read_timeout=backstop, write_timeout=backstop)
    if backend == "mysql":
        connect_args.setdefault("charset", "utf8mb4")
    engine = sa.create_engine(parsed, connect_args=connect_args, **options)
    ping_stale_connections(engine)
    if backend == "mysql" and timeout is not None and statement_timeout:
        sa.event.listen(engine, "connect", _mysql_statement_timeout(timeout))
    if backend == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas(wal=_is_new_sqlite_file(parsed)))
        sa.event.listen(engine, "savepoint", _begin_before_savepoint)
    return engine


def _mysql_statement_timeout(timeout: float):
    """MariaDB's `max_statement_time` (seconds, every statement) or MySQL's
    `max_execution_time` (milliseconds, SELECTs) on each new connection."""

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        if "MariaDB" in dbapi_connection.get_server_info():
            statement = f"SET SESSION max_statement_time = {timeout:g}"
        else:
            statement = f"SET SESSION max_execution_time = {round(timeout * 1000)}"
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(statement)
        finally:
            cursor.close()

    return on_connect


def _begin_before_savepoint(connection: sa.Connection, name: str) -> None:
    """Open the SQLite transaction a SAVEPOINT is meant to nest in.

    pysqlite begins a transaction only before a statement that writes, so a SAVEPOINT
    that comes first starts the transaction itself, and releasing it commits: a form's
    save would be committed the moment its savepoint ended, whatever the request did
    next (a refusal, a duplicate submission) and whatever rolled back."""
    dbapi_connection = connection.connection.dbapi_connection
    if not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN")


def _is_memory_sqlite(url: sa.URL) -> bool:
    return url.database in (None, "", ":memory:") or "mode=memory" in str(url.query)


def _is_new_sqlite_file(url: sa.URL) -> bool:
    if _is_memory_sqlite(url) or url.query.get("mode") == "ro":
        return False
    return not Path((url.database or "").removeprefix("file:")).exists()


def _sqlite_pragmas(*, wal: bool):
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        if wal:
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    return on_connect


class ProcessEngine:
    """An engine created on first use and renewed in a forked child.

    A pool copied by `fork()` holds sockets the parent also uses; the child drops them
    without closing them (`dispose(close=False)`) and opens its own.
    """

    def __init__(self, url: str | sa.URL, *, timeout: float | None = DEFAULT_TIMEOUT):
        self.url = normalise_url(url)
        check_driver(self.url)
        self.timeout = timeout
        self._engine: sa.Engine | None = None
        self._pid = 0
        self._lock = threading.Lock()

    @property
    def engine(self) -> sa.Engine:
        """The engine of the current process."""
        if self._engine is None or self._pid != os.getpid():
            with self._lock:
                if self._engine is None:
                    self._engine = make_engine(self.url, timeout=self.timeout)
                elif self._pid != os.getpid():
                    self._engine.dispose(close=False)
                self._pid = os.getpid()
        return self._engine

    def dispose(self) -> None:
        """Close this process's pooled connections, e.g. before forking workers."""
        if self._engine is not None and self._pid == os.getpid():
            self._engine.dispose()
