"""dashkit/demo: the demo shop database is realistic, consistent and always the same."""

from __future__ import annotations

import sqlite3

from dashkit.db import make_engine
from dashkit.demo import build_demo_database
from dashkit.reflect import reflect


def _content(path) -> list[str]:
    """Every statement that rebuilds the database; sorted, as index creation order may vary."""
    connection = sqlite3.connect(path)
    try:
        return sorted(connection.iterdump())
    finally:
        connection.close()


def test_same_seed_builds_the_same_database(tmp_path):
    first = _content(build_demo_database(tmp_path / "a.sqlite"))
    assert first == _content(build_demo_database(tmp_path / "b.sqlite"))
    assert first != _content(build_demo_database(tmp_path / "c.sqlite", seed=7))


def test_a_few_thousand_consistent_rows(tmp_path):
    path = build_demo_database(tmp_path / "shop.sqlite")
    connection = sqlite3.connect(path)
    counts = {
        table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        for table in ("categories", "products", "employees", "customers", "orders", "order_lines")
    }
    assert 2000 < sum(counts.values()) < 20000
    assert all(count > 0 for count in counts.values())
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    assert (
        connection.execute("SELECT COUNT(*) FROM sales_by_category").fetchone()[0]
        == counts["categories"]
    )
    names = [
        row[0] for row in connection.execute("SELECT first_name || ' ' || last_name FROM customers")
    ]
    assert any(not name.isascii() for name in names)
    statuses = {row[0] for row in connection.execute("SELECT DISTINCT status FROM orders")}
    assert {"pending", "delivered", "cancelled"} <= statuses
    connection.close()


def test_rebuilding_replaces_the_file(tmp_path):
    path = tmp_path / "shop.sqlite"
    path.write_text("not a database")
    build_demo_database(path)
    assert sqlite3.connect(path).execute("SELECT COUNT(*) FROM categories").fetchone()[0] > 0
    assert [p.name for p in tmp_path.iterdir()] == ["shop.sqlite"]


def test_reflects_with_self_reference_composite_key_and_a_view(tmp_path):
    database = reflect(make_engine(str(build_demo_database(tmp_path / "shop.sqlite"))))
    assert {plan.name for plan in database.table("employees").relationships} >= {
        "manager",
        "employees_set",
    }
    assert [column.name for column in database.table("order_lines").identity] == [
        "order_id",
        "line_no",
    ]
    assert database.table("sales_by_category").is_view
    assert all(not table.column_reasons for table in database.tables if not table.is_view)
