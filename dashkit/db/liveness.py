"""Check a pooled connection before use only when it may have gone stale.

SQLAlchemy's `pool_pre_ping` pings on every checkout: one round trip per request and
database (about 75 us to a local PostgreSQL), to guard against connections that died
while they sat in the pool. A connection that was in use a moment ago is as alive as a
ping would show, so a connection is pinged only when it sat idle for longer than
`IDLE_BEFORE_PING`, or when the engine has seen a database error since it was returned
(an outage kills every pooled connection at once), or when its socket has something to
read although no statement is running: a server that ends a connection (PostgreSQL's
`pg_terminate_backend`, MariaDB's `KILL`, a restart) says so or closes the socket, and
checking for that costs a system call, not a round trip. A dead one is replaced before
the request sees it, as with `pool_pre_ping`.
"""

from __future__ import annotations

import select
import time
from typing import Any

import sqlalchemy as sa

IDLE_BEFORE_PING = 5.0
"""Seconds a pooled connection may sit unused and still be handed out without a ping."""
_RETURNED_AT = "dashkit_returned_at"
_ERRORS_AT_CHECKOUT = "dashkit_errors_at_checkout"


def ping_stale_connections(engine: sa.Engine, idle_before_ping: float = IDLE_BEFORE_PING) -> None:
    """Ping a connection at checkout after `idle_before_ping` seconds unused or a database error."""
    errors = [0]  # database errors this engine has seen

    def count_error(_context: Any) -> None:
        errors[0] += 1

    def remember_return(_dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED_AT] = time.monotonic()

    def check_on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned_at = record.info.pop(_RETURNED_AT, None)
        errors_before = record.info.get(_ERRORS_AT_CHECKOUT, errors[0])
        record.info[_ERRORS_AT_CHECKOUT] = errors[0]
        if returned_at is None:
            return  # a fresh connection
        recent = time.monotonic() - returned_at <= idle_before_ping
        if errors_before == errors[0] and recent and not _server_has_spoken(dbapi_connection):
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            if engine.dialect.is_disconnect(error, dbapi_connection, None):
                raise sa.exc.DisconnectionError(str(error)) from error  # the pool reconnects
            raise

    sa.event.listen(engine, "handle_error", count_error)
    sa.event.listen(engine.pool, "checkin", remember_return)
    sa.event.listen(engine.pool, "checkout", check_on_checkout)


def _server_has_spoken(dbapi_connection: Any) -> bool:
    """True when an idle connection's socket is readable: the server sent an unsolicited
    message (often its last: "terminating connection") or closed it. False for SQLite."""
    socket_ = getattr(dbapi_connection, "_sock", None)  # PyMySQL
    try:
        descriptor = socket_.fileno() if socket_ is not None else dbapi_connection.fileno()
    except (AttributeError, OSError, ValueError, TypeError):
        return False
    if descriptor is None or descriptor < 0:
        return False
    try:
        readable, _, _ = select.select([descriptor], [], [], 0)
    except (OSError, ValueError):
        return True  # a socket that cannot be polled is not one to trust
    return bool(readable)
