"""dashkit/cli/inspection.py: `dashkit inspect URL` reports what serve would serve."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from crawl.tricky_schema import create_tricky_schema

from dashkit.cli import main
from dashkit.db import make_engine


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_reports_tables_keys_relationships_and_read_only_parts(runner, database_url):
    engine = make_engine(database_url)
    create_tricky_schema(engine)
    engine.dispose()
    result = runner.invoke(main, ["inspect", database_url])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "7 tables and 1 views would be served" in out
    assert "order line (table, class OrderLine)\n  primary key: order id, line no" in out
    assert "event log (table, class EventLog)\n  read-only: this table has no primary key" in out
    assert "order summary (view, class OrderSummary)\n  read-only: this is a database view" in out
    assert "  → manager: Staff (by manager_id)" in out
    assert "  ← Staff_set: rows of Staff (by manager_id)" in out
    assert "  - Größe: INTEGER" in out
    if engine.dialect.name == "postgresql":
        assert "  - search: TSVECTOR, read-only: a full-text search vector" in out
        assert "dialect types.search" in out.splitlines()[3]


def test_password_never_printed(runner, postgres_url):
    url = postgres_url.replace("postgres@", "postgres:s3cret-pw@")
    result = runner.invoke(main, ["inspect", url])
    assert result.exit_code == 0, result.output
    assert "s3cret-pw" not in result.output
    assert "***" in result.output


def test_unreachable_database_is_a_clear_error_without_password(runner):
    result = runner.invoke(main, ["inspect", "postgresql://me:hunter2@127.0.0.1:1/nowhere"])
    assert result.exit_code == 1
    assert "cannot connect to postgresql://me:***@127.0.0.1:1/nowhere" in result.output
    assert "hunter2" not in result.output


def test_include_filters_the_report(runner, chinook_path):
    result = runner.invoke(main, ["inspect", str(chinook_path), "--include", "invoice*"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == "2 tables and 0 views would be served"
    assert "Invoice (table, class Invoice)" in result.output
    assert "Track (table" not in result.output


def test_a_missing_sqlite_file_is_an_error_not_a_new_database(runner, tmp_path):
    missing = tmp_path / "typo.sqlite"
    for command in (["inspect", str(missing)], ["inspect", f"sqlite:///{missing}"]):
        result = runner.invoke(main, command)
        assert result.exit_code == 1
        assert f"there is no SQLite database at {missing}" in result.output
    assert not missing.exists()
