"""Serve real sample databases and a tricky schema, then visit every table: no server errors.

Chinook and Northwind (SQLite) from ../shared/data; Chinook loaded into PostgreSQL and
MariaDB with load_chinook.py; and the tricky schema on each dialect, also with --read-only.
"""

from __future__ import annotations

import pytest
from crawl.crawler import crawl
from crawl.load_chinook import SHARED_DATA, load_chinook
from crawl.serving import signed_in
from crawl.tricky_schema import create_tricky_schema
from machine import unavailable

from dashkit.db import make_engine
from dashkit.reflect import Selection
from dashkit.serve import ServeOptions, build_app


def _crawl(url: str, **options) -> list[str]:
    served = build_app(ServeOptions(url, **options))
    return crawl(served, signed_in(served))


def test_chinook_sqlite(chinook_path):
    assert _crawl(str(chinook_path)) == []


def test_northwind_sqlite(northwind_path):
    assert _crawl(str(northwind_path)) == []


@pytest.mark.parametrize("server", ["postgresql", "mariadb"])
def test_chinook_on_a_server(server, request):
    if not (SHARED_DATA / "Chinook_PostgreSql.sql").exists():
        unavailable(f"{SHARED_DATA} has no Chinook scripts")
    url = request.getfixturevalue("postgres_url" if server == "postgresql" else "mariadb_url")
    load_chinook(url)
    assert _crawl(url) == []


def test_tricky_schema(database_url):
    engine = make_engine(database_url)
    create_tricky_schema(engine)
    engine.dispose()
    schemas = ("public", "sales") if database_url.startswith("postgresql") else ()
    assert _crawl(database_url, selection=Selection(schemas=schemas)) == []


def test_tricky_schema_read_only(database_url):
    engine = make_engine(database_url)
    create_tricky_schema(engine)
    engine.dispose()
    assert _crawl(database_url, read_only=True) == []


def test_unsigned_integer_above_the_signed_range_round_trips(mariadb_url):
    engine = make_engine(mariadb_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE counters (id INT PRIMARY KEY, hits INT UNSIGNED)")
        connection.exec_driver_sql("INSERT INTO counters VALUES (1, 4000000000)")
    engine.dispose()
    assert _crawl(mariadb_url) == []
