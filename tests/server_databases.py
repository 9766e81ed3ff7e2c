"""Fresh, uniquely named databases on each dialect's real server (or a SQLite file), for
fixtures of any scope."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from machine import unavailable

SERVER_URLS = {
    "postgresql": os.environ.get("DASHKIT_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    "mariadb": os.environ.get("DASHKIT_TEST_MARIADB", "mysql+pymysql://root@127.0.0.1:3306/test"),
}


def fresh_database(dialect: str, tmp_path: Path) -> Iterator[str]:
    """Yields the URL of a new empty database (a file in `tmp_path` for SQLite), dropped
    when the generator is closed; an unreachable server skips (fails under CI)."""
    if dialect == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
        return
    url, engine = _create_server_database(dialect)
    try:
        yield url
    finally:
        _drop_server_database(engine, url, dialect)


def _create_server_database(dialect: str) -> tuple[str, sa.Engine]:
    """Create an empty, uniquely named database on a real server; return its URL."""
    admin_url = sa.make_url(SERVER_URLS[dialect])
    name = f"dk_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
    except sa.exc.OperationalError as error:
        engine.dispose()
        unavailable(f"{dialect} at {admin_url.render_as_string(hide_password=True)} unreachable: {error.orig}")
    return admin_url.set(database=name).render_as_string(hide_password=False), engine


def _drop_server_database(engine: sa.Engine, url: str, dialect: str) -> None:
    name = sa.make_url(url).database
    with engine.connect() as connection:
        if dialect == "postgresql":
            connection.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
            )
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
    engine.dispose()
