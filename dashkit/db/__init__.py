"""Databases: engines from URLs, per-request sessions, the state database and its migrations."""

from dashkit.db.database import (
    Database,
    DatabaseUnavailable,
    get_database,
    init_db,
    reading_connection,
)
from dashkit.db.engines import DEFAULT_TIMEOUT, ProcessEngine, make_engine
from dashkit.db.errors import (
    DatabaseErrorKind,
    classify,
    database_error_response,
    driver_code,
    driver_message,
    is_unavailable,
)
from dashkit.db.reads import read_rows
from dashkit.db.urls import mask_url, normalise_url

__all__ = [
    "DEFAULT_TIMEOUT",
    "Database",
    "DatabaseErrorKind",
    "DatabaseUnavailable",
    "ProcessEngine",
    "classify",
    "database_error_response",
    "driver_code",
    "driver_message",
    "get_database",
    "init_db",
    "is_unavailable",
    "make_engine",
    "mask_url",
    "normalise_url",
    "read_rows",
    "reading_connection",
]
