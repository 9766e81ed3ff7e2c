"""Reflection of a schema with every tricky feature, on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from crawl.tricky_schema import create_tricky_schema
from sqlalchemy.orm import Session

from dashkit.db import make_engine
from dashkit.reflect import Selection, reflect, reflect_schema
from dashkit.reflect.naming import (
    class_name,
    plural_table_labels,
    python_identifier,
    strip_key_suffix,
)


@pytest.fixture
def tricky_engine(database_url: str):
    engine = make_engine(database_url)
    create_tricky_schema(engine)
    yield engine
    engine.dispose()


def test_every_table_and_view_is_served_with_its_key(tricky_engine):
    database = reflect(tricky_engine)
    keys = {table.table.key for table in database.tables}
    assert keys == {
        "Customers",
        "order",
        "Bücher",
        "order line",
        "Staff",
        "event log",
        "dialect types",
        "order summary",
    }
    assert database.skipped == []


def test_composite_primary_key_and_relationships_both_ways(tricky_engine):
    database = reflect(tricky_engine)
    line = database.table("order line")
    assert [column.name for column in line.identity] == ["order id", "line no"]
    assert line.read_only_reason is None
    names = {plan.name: plan.target.name for plan in line.relationships}
    assert names == {"order": "order", "Bücher": "Bücher"}
    reverse = {plan.name for plan in database.table("Bücher").relationships}
    assert reverse == {"order_line_set"}
    with Session(tricky_engine) as session:
        book = session.get(database.table("Bücher").model, "9783161484100")
        assert book.Titel == "Über Änderungen"
        lines = book.order_line_set
        assert [row.quantity for row in lines] == [2]
        order = lines[0].order
        assert getattr(order, "placed at").year == 2024
        assert order.Customer.__class__.__name__ == "Customers"


def test_self_reference_gives_parent_and_children(tricky_engine):
    database = reflect(tricky_engine)
    staff = database.table("Staff")
    plans = {plan.name: plan.many_to_one for plan in staff.relationships}
    assert plans == {"manager": True, "Staff_set": False}
    with Session(tricky_engine) as session:
        boss = session.get(staff.model, 1)
        worker = session.get(staff.model, 2)
        assert worker.manager is boss
        assert boss.manager is None
        assert boss.Staff_set == [worker]


def test_views_and_tables_without_a_key_are_read_only_with_a_reason(tricky_engine):
    database = reflect(tricky_engine)
    view = database.table("order summary")
    assert view.is_view
    assert "view" in view.read_only_reason
    log = database.table("event log")
    assert not log.is_view
    assert "no primary key" in log.read_only_reason
    assert [column.name for column in log.identity] == [
        "message"
    ]  # timestamps do not compare exactly
    assert [column.name for column in view.identity] == ["order id", "customer"]
    with Session(tricky_engine) as session:
        summary = session.scalars(sa.select(view.model).order_by(view.table.c["order id"])).all()
        assert [row.customer for row in summary] == ["Zoë Ångström", 'O\'Brien "Bob"']
        assert session.scalars(sa.select(log.model)).one().message == "started"


def test_identifiers_with_quotes_reserved_words_and_non_ascii_round_trip(tricky_engine):
    database = reflect(tricky_engine)
    order = database.table("order")
    assert {'say "hi"', "select", "placed at"} <= set(order.table.columns.keys())
    books = database.table("Bücher")
    assert books.model.__name__ == "Bücher"
    with Session(tricky_engine) as session:
        row = session.get(order.model, 1)
        setattr(row, 'say "hi"', "hallo ✓")
        row.select = "from"
        session.commit()
        session.expire_all()
        row = session.get(order.model, 1)
        assert (getattr(row, 'say "hi"'), row.select) == ("hallo ✓", "from")


def test_dialect_types_are_editable_or_read_only_with_a_reason(tricky_engine):
    database = reflect(tricky_engine)
    reasons = database.table("dialect types").column_reasons
    dialect = tricky_engine.dialect.name
    if dialect == "postgresql":
        assert "full-text" in reasons["search"]
        assert "document" not in reasons and "plain json" not in reasons
        assert "token" not in reasons and "mood" not in reasons
    elif dialect == "mysql":
        columns = database.table("dialect types").table.columns
        assert isinstance(columns["flag"].type, sa.Boolean)  # TINYINT(1) is MySQL's BOOLEAN
        assert columns["count"].type.unsigned
        assert "size" not in reasons and "flag" not in reasons and "count" not in reasons
    else:
        assert reasons == {}
    for reason in reasons.values():
        assert reason  # every read-only column says why


def test_enum_and_boolean_types_survive_reflection(tricky_engine):
    database = reflect(tricky_engine)
    assert isinstance(database.table("Customers").table.c["is active"].type, sa.Boolean)
    status = database.table("order").table.c["status"].type
    if tricky_engine.dialect.name == "sqlite":  # stored as VARCHAR with a CHECK constraint
        assert isinstance(status, sa.String)
    else:
        assert set(status.enums) == {"new", "paid", "shipped"}


def test_include_and_exclude_globs_choose_tables(tricky_engine):
    only_orders = reflect(tricky_engine, Selection(include=("ORDER*",)))
    assert {t.table.key for t in only_orders.tables} == {"order", "order line", "order summary"}
    line = only_orders.table("order line")
    assert [plan.name for plan in line.relationships] == ["order"]  # Bücher is not served
    without = reflect(tricky_engine, Selection(exclude=("order *", "event*")))
    assert {t.table.key for t in without.tables} == {
        "Customers",
        "order",
        "Bücher",
        "Staff",
        "dialect types",
    }


def test_postgresql_schemas_are_served_side_by_side(postgres_url):
    engine = make_engine(postgres_url)
    try:
        create_tricky_schema(engine)
        database = reflect(engine, Selection(schemas=("public", "sales")))
        region = database.table("sales.region")
        assert region.table.schema == "sales"
        assert [plan.target.key for plan in region.relationships] == ["Customers"]
        reverse = {plan.name for plan in database.table("Customers").relationships}
        assert "region_set" in reverse
        assert region.model.__name__ == "Region"
        default_only = reflect(engine)
        assert "sales.region" not in {t.table.key for t in default_only.tables}
    finally:
        engine.dispose()


def test_cached_metadata_is_reused_until_the_schema_changes(tricky_engine, tmp_path: Path):
    cache = tmp_path / "cache"
    first = reflect_schema(tricky_engine, cache_dir=cache)
    files = list(cache.iterdir())
    assert len(files) == 1
    second = reflect_schema(tricky_engine, cache_dir=cache)
    assert second.selected == first.selected
    assert second.views == first.views
    assert list(cache.iterdir()) == files
    with tricky_engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE added_later (id INTEGER PRIMARY KEY)"))
    third = reflect_schema(tricky_engine, cache_dir=cache)
    assert "added_later" in third.selected
    assert len(list(cache.iterdir())) == 2


def test_dashkit_state_tables_are_never_served(tricky_engine):
    with tricky_engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE dashkit_users (id INTEGER PRIMARY KEY)"))
    assert "dashkit_users" not in {t.table.key for t in reflect(tricky_engine).tables}


def test_chinook_reflects_completely(chinook_path):
    database = reflect(make_engine(str(chinook_path)))
    assert len(database.tables) == 11
    assert all(table.read_only_reason is None for table in database.tables)
    employee = {plan.name for plan in database.table("Employee").relationships}
    assert {"Employee", "Employee_set", "Customer_set"} == employee


def test_northwind_views_and_untyped_columns(northwind_path):
    database = reflect(make_engine(str(northwind_path)))
    assert len([table for table in database.tables if table.is_view]) == 17
    subtotal = database.table("Order Subtotals")
    assert "does not declare a type" in subtotal.column_reasons["Subtotal"]
    # a view over a table borrows that table's key when it shows all of its columns
    assert [c.name for c in subtotal.identity] == ["OrderID"]
    assert [c.name for c in database.table("Order Details Extended").identity] == [
        "OrderID",
        "ProductID",
    ]
    assert [c.name for c in database.table("Invoices").identity] == ["OrderID", "ProductID"]
    assert database.table("Order Details").read_only_reason is None


@pytest.mark.parametrize(
    ("text", "identifier", "klass"),
    [
        ("Order Details", "Order_Details", "OrderDetails"),
        ("invoice_line", "invoice_line", "InvoiceLine"),
        ("class", "class_", "Class"),
        ("2024 sales", "_2024_sales", "Table2024Sales"),
        ('say "hi"', "say_hi", "SayHi"),
        ("Größe", "Größe", "Größe"),
    ],
)
def test_python_names_for_database_identifiers(text, identifier, klass):
    assert python_identifier(text) == identifier
    assert class_name(text) == klass


def test_key_suffixes_are_stripped_for_relationship_names():
    assert [
        strip_key_suffix(n) for n in ("AlbumId", "artist_id", "CustomerID", "id", "ReportsTo")
    ] == [
        "Album",
        "artist",
        "Customer",
        "id",
        "ReportsTo",
    ]


@pytest.mark.parametrize(
    ("table_name", "labels"),
    [
        ("Orders", ("order", "orders")),
        ("order_lines", ("order line", "order lines")),
        ("Categories", ("category", "categories")),
        ("addresses", ("address", "addresses")),
        ("Album", None),
        ("status", None),
    ],
)
def test_tables_named_in_the_plural_get_labels(table_name, labels):
    assert plural_table_labels(table_name) == labels


def test_sqlite_type_names_it_does_not_know_are_read_as_text(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'export.sqlite'}")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            'CREATE TABLE shop (id INTEGER PRIMARY KEY, state ENUM, opened YEAR, tags "SET", '
            "note, price NUMERIC(8, 2))"
        )
        connection.exec_driver_sql("INSERT INTO shop VALUES (1, 'paid', 'unknown', 'a,b', 7, 2.5)")
    shop = reflect(engine).table("shop")
    types = {column.name: type(column.type) for column in shop.table.columns}
    assert types["state"] is types["opened"] is types["tags"] is sa.Text
    assert types["price"] is sa.NUMERIC  # a name SQLite's dialect knows keeps its meaning
    assert "does not declare a type" in shop.column_reasons["note"]
    with Session(engine) as session:
        row = session.get(shop.model, 1)
        assert (row.state, row.opened, row.tags, row.note) == ("paid", "unknown", "a,b", 7)
        untyped = shop.table.c.note
        assert session.scalars(sa.select(shop.model).where(untyped == "7")).one() is row
    engine.dispose()


def test_a_view_that_fails_is_skipped_with_the_reason_and_the_rest_served(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'mysql.sqlite'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT)")
        connection.exec_driver_sql("CREATE VIEW shouted AS SELECT id, UCASE(name) AS n FROM person")
    database = reflect(engine)
    assert [table.table.key for table in database.tables] == ["person"]
    assert [skipped.summary for skipped in database.skipped] == [
        "shouted (view): no such function: UCASE"
    ]
    engine.dispose()


def test_a_materialized_view_is_tried_again_at_each_start(postgres_url, tmp_path: Path):
    engine = make_engine(postgres_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (id integer PRIMARY KEY)")
        connection.exec_driver_sql("CREATE MATERIALIZED VIEW m AS SELECT id FROM t WITH NO DATA")
    cache = tmp_path / "cache"
    first = reflect(engine, cache_dir=cache)
    assert [skipped.key for skipped in first.skipped] == ["m"]
    assert "has not been populated" in first.skipped[0].reason
    with engine.begin() as connection:
        connection.exec_driver_sql("REFRESH MATERIALIZED VIEW m")
    second = reflect(engine, cache_dir=cache)  # the catalog is unchanged: from the cache
    assert len(list(cache.iterdir())) == 1
    assert second.skipped == []
    assert {table.table.key for table in second.tables} == {"t", "m"}
    engine.dispose()
