"""The app's databases: `init_db`, `request.db`, `request.state_db` and their transactions."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dashkit.db.engines import DEFAULT_TIMEOUT, ProcessEngine
from dashkit.db.errors import database_error_response
from dashkit.db.urls import mask_url, normalise_url, same_database
from dashkit.errors import ConfigError
from dashkit.http import Request, Response

if TYPE_CHECKING:
    from dashkit.app import App, Handler

logger = logging.getLogger("dashkit.db")


class DatabaseUnavailable(ConfigError):
    """The database could not be reached when the app started."""


class Database:
    """The data and state databases of one app, kept in `app.extensions["db"]`.

    When both URLs name the same database they share one engine, and a request gets one
    Session for both, so an audit row commits atomically with the write it records.
    """

    def __init__(
        self,
        url: str | sa.URL,
        state_url: str | sa.URL | None = None,
        *,
        metadata: sa.MetaData | None = None,
        migrations_dir: Path | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ):
        self.data = ProcessEngine(url, timeout=timeout)
        state = normalise_url(state_url) if state_url is not None else self.data.url
        self.shared = same_database(state, self.data.url)
        self.state = self.data if self.shared else ProcessEngine(state, timeout=timeout)
        self.metadata = metadata
        self.migrations_dir = migrations_dir

    @property
    def engine(self) -> sa.Engine:
        """The data database's engine in this process."""
        return self.data.engine

    @property
    def state_engine(self) -> sa.Engine:
        """The state database's engine in this process."""
        return self.state.engine

    def check_connection(self) -> None:
        """Connect once to each database, then close, so a forked worker inherits nothing."""
        for handle in {id(h): h for h in (self.data, self.state)}.values():
            try:
                with handle.engine.connect() as connection:
                    connection.exec_driver_sql("SELECT 1")
            except sa.exc.DBAPIError as error:
                raise DatabaseUnavailable(
                    f"cannot connect to the database {mask_url(handle.url)}: "
                    f"{str(error.orig).strip() or type(error.orig).__name__}"
                ) from None
            finally:
                handle.dispose()

    def new_session(self) -> Session:
        """A Session on the data database; the caller commits and closes it."""
        return Session(self.engine, expire_on_commit=False)

    def new_state_session(self) -> Session:
        """A Session on the state database; the caller commits and closes it."""
        return Session(self.state_engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """`with app.db_session() as session:` commits on success, rolls back on error."""
        with self.new_session() as session, session.begin():
            yield session

    @contextmanager
    def state_session(self) -> Iterator[Session]:
        """Like `session()`, on the state database."""
        with self.new_state_session() as session, session.begin():
            yield session

    def dispose(self) -> None:
        """Close this process's pooled connections of both databases."""
        self.data.dispose()
        self.state.dispose()


def init_db(
    app: App,
    url: str | sa.URL | None = None,
    state_url: str | sa.URL | None = None,
    *,
    metadata: sa.MetaData | None = None,
    check: bool = True,
) -> Database:
    """Attach the databases to `app`: `request.db`, `request.state_db`, `app.db_session()`.

    URLs come from the arguments or the DATABASE_URL and STATE_URL settings; the state
    database defaults to the data database. `metadata` holds the app's own models, which
    `dashkit db ... --app` migrates with the revisions in MIGRATIONS_DIR (default
    `migrations/` beside the app's package). With `check` the databases must answer now.
    """
    if "db" in app.extensions:
        raise ConfigError("init_db(app) was already called for this app")
    url = url or app.config.get_str("DATABASE_URL")
    if not url:
        raise ConfigError(
            "no database configured: pass init_db(app, url) or set DATABASE_URL "
            "(environment variable DASHKIT_DATABASE_URL)"
        )
    folder = app.config.get_str("MIGRATIONS_DIR") or "migrations"
    database = Database(
        url,
        state_url or app.config.get_str("STATE_URL"),
        metadata=metadata,
        migrations_dir=(app.root_path / folder).resolve(),
        timeout=app.config.get_float("DATABASE_TIMEOUT", DEFAULT_TIMEOUT),
    )
    if check:
        database.check_connection()
    app.extensions["db"] = database
    app.db_session = database.session  # type: ignore[attr-defined]
    app.state_session = database.state_session  # type: ignore[attr-defined]
    app.add_request_attribute("db", _data_session)
    app.add_request_attribute("state_db", _state_session)
    app.add_middleware(transaction_scope)
    app.teardown_request(_close_sessions)
    for kind in (sa.exc.DBAPIError, sa.exc.TimeoutError):
        app.errorhandler(kind)(database_error_response)
    return database


def get_database(app: App) -> Database:
    """The Database `init_db` attached to `app`."""
    try:
        return app.extensions["db"]
    except KeyError:
        raise ConfigError("this app has no database: call init_db(app) first") from None


@contextmanager
def reading_connection(request: Request, *, state: bool = False) -> Iterator[sa.Connection]:
    """A connection for one read of the data (or `state`) database within a request.

    It is the request's own session's when that is open, so the read sees what the request
    wrote and flushed (pending ORM changes are not flushed first); otherwise a connection of its own, given back after the read. A page whose
    only read of a database is this one (the session lookup, a list page's rows) then
    opens no Session for it.
    """
    database = get_database(request.app)
    opened = request.__dict__.get("state_db" if state else "db")
    if opened is None and database.shared:
        opened = request.__dict__.get("db" if state else "state_db")
    if opened is not None:
        yield opened.connection()
        return
    with (database.state_engine if state else database.engine).connect() as connection:
        yield connection


def _data_session(request: Request) -> Session:
    return get_database(request.app).new_session()


def _state_session(request: Request) -> Session:
    database = get_database(request.app)
    return request.db if database.shared else database.new_state_session()


def _request_sessions(request: Request) -> list[Session]:
    opened = [request.__dict__.get("db"), request.__dict__.get("state_db")]
    unique = {id(session): session for session in opened if session is not None}
    return list(unique.values())


def transaction_scope(request: Request, call_next: Handler) -> Response:
    """Commit the request's sessions after a response below 400; roll back otherwise."""
    try:
        response = call_next(request)
    except BaseException:
        _rollback(request)
        raise
    if response.status_code >= 400:
        _rollback(request)
        return response
    try:
        for session in _request_sessions(request):
            if _has_work_to_commit(session):
                session.commit()
    except Exception:
        _rollback(request)
        raise
    return response


def _has_work_to_commit(session: Session) -> bool:
    """False for a session that only read from SQLite, where a commit would do nothing.

    pysqlite opens a transaction only before a statement that writes, so its connection
    tells whether one is open; other drivers open one for every read, and always commit.
    A session with commit listeners is always committed, so they all run.
    """
    if session.get_transaction() is None:
        return False
    if session.new or session.dirty or session.deleted:
        return True
    if session.dispatch.before_commit or session.dispatch.after_commit:
        return True
    dbapi_connection = session.connection().connection.dbapi_connection
    return not isinstance(dbapi_connection, sqlite3.Connection) or dbapi_connection.in_transaction


def _rollback(request: Request) -> None:
    for session in _request_sessions(request):
        try:
            session.rollback()
        except sa.exc.DBAPIError:
            logger.warning("rollback failed; the connection is discarded", exc_info=True)


def _close_sessions(request: Request, error: BaseException | None) -> None:
    for session in _request_sessions(request):
        session.close()
