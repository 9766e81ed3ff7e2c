"""Telling "the database cannot be reached" from "this statement is wrong", and the 503 page."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from werkzeug.exceptions import InternalServerError, ServiceUnavailable

from dashkit.http import Request, Response, json_response

logger = logging.getLogger("dashkit.db")

RETRY_AFTER_SECONDS = 5
SQLITE_ERROR = 1
"""SQLite's generic SQL error (no such table, syntax); busy, locked and I/O errors differ."""
MYSQL_UNAVAILABLE = {1040, 1053, 1205, 1213, 1927, 3024, 4031}
"""too many connections, shutdown, lock wait timeout, deadlock, connection killed, query
timeout, disconnected for inactivity; client errors (2000-2999) count too"""


def is_unavailable(error: BaseException) -> bool:
    """True when a database error means "cannot reach the database now", not "bad SQL".

    Drivers disagree on OperationalError: PostgreSQL's psycopg uses it for connection and
    timeout problems only, while SQLite and PyMySQL also use it for a missing table or
    column, which must stay a 500 so that it gets noticed.
    """
    if isinstance(error, sa.exc.TimeoutError):
        return True
    if not isinstance(error, sa.exc.DBAPIError):
        return False
    if error.connection_invalidated or isinstance(error, sa.exc.InterfaceError):
        return True
    if not isinstance(error, sa.exc.OperationalError):
        return False
    original = error.orig
    sqlite_code = getattr(original, "sqlite_errorcode", None)
    if sqlite_code is not None:
        return sqlite_code & 0xFF != SQLITE_ERROR
    if type(original).__module__.startswith("pymysql"):
        code = original.args[0] if original.args else 0
        return code in MYSQL_UNAVAILABLE or 2000 <= code < 3000
    return True


def database_error_response(request: Request, error: Exception) -> Response:
    """503 (HTML, or JSON for API and htmx callers) when the database is unreachable; else 500."""
    if not is_unavailable(error):
        logger.error("database error on %s %s", request.method, request.path, exc_info=error)
        request.error = error
        return request.app.error_response(request, InternalServerError())
    logger.warning("database unavailable on %s %s: %s", request.method, request.path, error)
    unavailable = ServiceUnavailable(
        "The database is not answering right now. Please try again in a moment."
    )
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.wants_json or request.is_htmx:
        body = {"error": unavailable.name, "status": 503, "detail": unavailable.description}
        return json_response(body, status=503, headers=headers)
    response = request.app.error_response(request, unavailable)
    response.headers.update(headers)
    return response
