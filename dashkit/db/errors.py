"""One classification of database errors for SQLite, PostgreSQL and MySQL/MariaDB, by the
driver's error code (SQLSTATE, MySQL error number, SQLite result code), and the page each
class gets.

| class       | examples                                              | response              |
|-------------|-------------------------------------------------------|-----------------------|
| unreachable | refused or reset connection, admin shutdown (57P01),  | 503 + Retry-After     |
|             | too many connections (53300, 1040), MySQL 2002-2013,  |                       |
|             | SQLite busy or locked                                 |                       |
| timeout     | statement timeout (57014, MySQL 3024, MariaDB 1969,   | 504: the query took   |
|             | SQLite interrupted)                                   | too long; narrow it   |
| unusable    | unpopulated materialized view (55000), read-only      | 409: says exactly     |
|             | transaction or file (25006, 1290, 1792, SQLite        | that                  |
|             | readonly), a MySQL view over a dropped table (1356)   |                       |
| other       | bad SQL, constraint errors nobody caught, bugs        | 500, logged           |

504 for a timeout, because the database is the upstream that did not answer in time and a
retry of the same query will fail the same way (unlike 503's "try again in a moment").
API and htmx callers get JSON for each, as for any error. Every 503 and 500 is logged
with the driver's code and message.
"""

from __future__ import annotations

import enum
import logging

import sqlalchemy as sa
from werkzeug.exceptions import (
    Conflict,
    GatewayTimeout,
    HTTPException,
    InternalServerError,
    ServiceUnavailable,
)

from dashkit.http import Request, Response, json_response

logger = logging.getLogger("dashkit.db")

RETRY_AFTER_SECONDS = 5


class DatabaseErrorKind(enum.Enum):
    """What a database error means for the person who made the request."""

    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    UNUSABLE = "unusable"
    OTHER = "other"


_POSTGRES = {
    "57014": DatabaseErrorKind.TIMEOUT,  # query_canceled: statement_timeout
    "55000": DatabaseErrorKind.UNUSABLE,  # object_not_in_prerequisite_state
    "25006": DatabaseErrorKind.UNUSABLE,  # read_only_sql_transaction
    "53300": DatabaseErrorKind.UNREACHABLE,  # too_many_connections
    "57P01": DatabaseErrorKind.UNREACHABLE,  # admin_shutdown
    "57P02": DatabaseErrorKind.UNREACHABLE,  # crash_shutdown
    "57P03": DatabaseErrorKind.UNREACHABLE,  # cannot_connect_now
}
_MYSQL = {
    3024: DatabaseErrorKind.TIMEOUT,  # MySQL: max_execution_time exceeded
    1969: DatabaseErrorKind.TIMEOUT,  # MariaDB: max_statement_time exceeded
    1290: DatabaseErrorKind.UNUSABLE,  # the server runs with --read-only
    1792: DatabaseErrorKind.UNUSABLE,  # a write in a READ ONLY transaction
    1356: DatabaseErrorKind.UNUSABLE,  # a view over a dropped table or function
    1040: DatabaseErrorKind.UNREACHABLE,  # too many connections
    1053: DatabaseErrorKind.UNREACHABLE,  # server shutdown in progress
    1205: DatabaseErrorKind.UNREACHABLE,  # lock wait timeout: busy, try again
    1213: DatabaseErrorKind.UNREACHABLE,  # deadlock: try again
    1927: DatabaseErrorKind.UNREACHABLE,  # connection killed
    4031: DatabaseErrorKind.UNREACHABLE,  # disconnected for inactivity
}
_SQLITE = {
    9: DatabaseErrorKind.TIMEOUT,  # SQLITE_INTERRUPT: stopped by a progress handler
    8: DatabaseErrorKind.UNUSABLE,  # SQLITE_READONLY
    5: DatabaseErrorKind.UNREACHABLE,  # SQLITE_BUSY
    6: DatabaseErrorKind.UNREACHABLE,  # SQLITE_LOCKED
    10: DatabaseErrorKind.UNREACHABLE,  # SQLITE_IOERR
    14: DatabaseErrorKind.UNREACHABLE,  # SQLITE_CANTOPEN
    15: DatabaseErrorKind.UNREACHABLE,  # SQLITE_PROTOCOL
}


def driver_code(error: BaseException) -> str | None:
    """The driver's code for a database error: SQLSTATE, MySQL error number or SQLite
    result code, as text; None when the driver gave none."""
    original = getattr(error, "orig", None)
    if original is None:
        return None
    if type(original).__module__.startswith("pymysql"):
        number = original.args[0] if original.args else None
        return str(number) if isinstance(number, int) else None
    sqlite_code = getattr(original, "sqlite_errorcode", None)
    if sqlite_code is not None:
        return f"SQLITE {sqlite_code}"
    return getattr(original, "sqlstate", None) or None


def driver_message(error: sa.exc.DBAPIError) -> str:
    """The driver's message on one line, with PostgreSQL's hint, without the SQL or context."""
    original = error.orig
    if type(original).__module__.startswith("pymysql") and len(original.args) > 1:
        text = str(original.args[1])
    else:
        text = str(original)
    lines = [line.strip() for line in text.strip().splitlines()]
    message = lines[0] if lines and lines[0] else type(original).__name__
    hint = next((line[5:].strip() for line in lines if line.startswith("HINT:")), None)
    return f"{message} ({hint})" if hint else message


def classify(error: BaseException) -> DatabaseErrorKind:
    """What `error` means: the database is unreachable, a statement ran out of time, an
    object is not usable in its state, or anything else (a bug or bad SQL)."""
    if isinstance(error, sa.exc.TimeoutError):
        return DatabaseErrorKind.UNREACHABLE  # no pooled connection came free in time
    if not isinstance(error, sa.exc.DBAPIError):
        return DatabaseErrorKind.OTHER
    if error.connection_invalidated or isinstance(error, sa.exc.InterfaceError):
        return DatabaseErrorKind.UNREACHABLE
    original = error.orig
    sqlite_code = getattr(original, "sqlite_errorcode", None)
    if sqlite_code is not None:
        return _SQLITE.get(sqlite_code & 0xFF, DatabaseErrorKind.OTHER)
    if type(original).__module__.startswith("pymysql"):
        code = original.args[0] if original.args and isinstance(original.args[0], int) else 0
        if 2000 <= code < 3000:  # client errors: cannot connect, server gone, lost connection
            return DatabaseErrorKind.UNREACHABLE
        return _MYSQL.get(code, DatabaseErrorKind.OTHER)
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate is not None:
        if sqlstate.startswith("08"):  # connection_exception and its kinds
            return DatabaseErrorKind.UNREACHABLE
        return _POSTGRES.get(sqlstate, DatabaseErrorKind.OTHER)
    if isinstance(error, sa.exc.OperationalError):
        return DatabaseErrorKind.UNREACHABLE  # psycopg: a connection that failed, no SQLSTATE
    return DatabaseErrorKind.OTHER


def is_unavailable(error: BaseException) -> bool:
    """True when a database error means "cannot reach the database now", not "bad SQL"."""
    return classify(error) is DatabaseErrorKind.UNREACHABLE


def database_error_response(request: Request, error: Exception) -> Response:
    """The response for a database error that reached the app, by its class (see above)."""
    kind = classify(error)
    code = driver_code(error)
    where = f"{request.method} {request.path}"
    if kind is DatabaseErrorKind.OTHER:
        logger.error("database error [%s] on %s", code, where, exc_info=error)
        request.error = error
        return request.app.error_response(request, InternalServerError())
    headers: dict[str, str] = {}
    if kind is DatabaseErrorKind.UNREACHABLE:
        logger.warning("database unavailable [%s] on %s: %s", code, where, _original(error))
        problem: HTTPException = ServiceUnavailable(
            "The database is not answering right now. Please try again in a moment."
        )
        headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    elif kind is DatabaseErrorKind.TIMEOUT:
        logger.info("statement timeout [%s] on %s", code, where)
        problem = GatewayTimeout(
            f"This query took longer than {_timeout_text(request)} and was stopped. "
            "Narrow it down: search for something more specific, add a filter, or sort "
            "by another column."
        )
    else:
        logger.info("database object unusable [%s] on %s: %s", code, where, _original(error))
        problem = Conflict(
            f"The database cannot do this in its current state: {driver_message(error)}."  # type: ignore[arg-type]
        )
    if request.wants_json or request.is_htmx:
        body = {"error": problem.name, "status": problem.code, "detail": problem.description}
        return json_response(body, status=problem.code, headers=headers)
    response = request.app.error_response(request, problem)
    response.headers.update(headers)
    return response


def _original(error: Exception) -> str:
    original = getattr(error, "orig", None) or error
    return " ".join(str(original).split()) or type(original).__name__


def _timeout_text(request: Request) -> str:
    database = request.app.extensions.get("db")
    timeout = getattr(getattr(database, "data", None), "timeout", None)
    return f"{timeout:g} s" if timeout else "the time allowed"
