"""A small schema with every feature reflection must survive, for each dialect we support.

Names with spaces, quotes, reserved words, mixed case and non-ASCII; composite keys;
a self-reference; a table without a primary key; a view; and the dialect's own types.
"""

from __future__ import annotations

import datetime
import decimal
import uuid

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql

ENUM_VALUES = ("new", "paid", "shipped")


def tricky_metadata(dialect: str) -> sa.MetaData:
    """The portable tables, plus the dialect's own types in `dialect types`."""
    metadata = sa.MetaData()
    sa.Table(
        "Customers",
        metadata,
        sa.Column("CustomerID", sa.Integer, primary_key=True),
        sa.Column("Full Name", sa.String(100), nullable=False),
        sa.Column("e-mail", sa.String(200), unique=True),
        sa.Column("is active", sa.Boolean, nullable=False, default=True),
        sa.Column("born", sa.Date),
        **_table_options(dialect),
    )
    sa.Table(
        "order",  # a reserved word
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("select", sa.String(20)),  # a reserved word as a column
        sa.Column("CustomerID", sa.ForeignKey("Customers.CustomerID"), nullable=False),
        sa.Column("status", sa.Enum(*ENUM_VALUES, name="order_status"), nullable=False),
        sa.Column("placed at", sa.DateTime, nullable=False),
        sa.Column("total", sa.Numeric(10, 2), nullable=False),
        sa.Column('say "hi"', sa.String(50)),
        **_table_options(dialect),
    )
    sa.Table(
        "Bücher",
        metadata,
        sa.Column("ISBN", sa.String(13), primary_key=True),
        sa.Column("Größe", sa.Integer),
        sa.Column("Titel", sa.Unicode(200), nullable=False),
        **_table_options(dialect),
    )
    sa.Table(
        "order line",  # a composite primary key, referring to two tables
        metadata,
        sa.Column("order id", sa.ForeignKey("order.id"), primary_key=True),
        sa.Column("line no", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("ISBN", sa.ForeignKey("Bücher.ISBN"), nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        **_table_options(dialect),
    )
    sa.Table(
        "Staff",  # a self-reference
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("manager_id", sa.ForeignKey("Staff.id")),
        **_table_options(dialect),
    )
    sa.Table(
        "event log",  # no primary key
        metadata,
        sa.Column("happened", sa.DateTime, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        **_table_options(dialect),
    )
    sa.Table("dialect types", metadata, *_dialect_columns(dialect), **_table_options(dialect))
    return metadata


def _table_options(dialect: str) -> dict[str, str]:
    return {"mysql_charset": "utf8mb4", "mysql_engine": "InnoDB"} if dialect == "mysql" else {}


def _dialect_columns(dialect: str) -> list[sa.Column]:
    columns = [sa.Column("id", sa.Integer, primary_key=True)]
    if dialect == "postgresql":
        columns += [
            sa.Column("tags", postgresql.ARRAY(sa.Text)),
            sa.Column("document", postgresql.JSONB),
            sa.Column("plain json", postgresql.JSON),
            sa.Column("token", postgresql.UUID(as_uuid=True)),
            sa.Column("address", postgresql.INET),
            sa.Column("mood", postgresql.ENUM("happy", "sad", name="mood")),
            sa.Column("wait", postgresql.INTERVAL),
            sa.Column("search", postgresql.TSVECTOR),
        ]
    elif dialect == "mysql":
        columns += [
            sa.Column("size", mysql.ENUM("S", "M", "L")),
            sa.Column("toppings", mysql.SET("cheese", "ham", "olives")),
            sa.Column("vintage", mysql.YEAR),
            sa.Column("count", mysql.INTEGER(unsigned=True)),
            sa.Column("flag", mysql.TINYINT(1)),
            sa.Column("document", sa.JSON),
        ]
    else:
        columns += [sa.Column("document", sa.JSON), sa.Column("blob", sa.LargeBinary)]
    return columns


def create_tricky_schema(engine: sa.Engine) -> sa.MetaData:
    """Create the schema, a view, dialect extras and a few rows in the database behind `engine`."""
    dialect = engine.dialect.name
    metadata = tricky_metadata(dialect)
    quote = engine.dialect.identifier_preparer.quote
    with engine.begin() as connection:
        if dialect == "postgresql":
            connection.exec_driver_sql("CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0)")
        metadata.create_all(connection)
        connection.exec_driver_sql(
            f"CREATE VIEW {quote('order summary')} AS SELECT o.id AS {quote('order id')}, "
            f"c.{quote('Full Name')} AS {quote('customer')}, o.total AS total "
            f"FROM {quote('order')} o JOIN {quote('Customers')} c ON c.{quote('CustomerID')} = o.{quote('CustomerID')}"
        )
        if dialect == "postgresql":
            connection.exec_driver_sql('ALTER TABLE "dialect types" ADD COLUMN amount positive_int')
            connection.exec_driver_sql("CREATE SCHEMA sales")
            connection.exec_driver_sql(
                'CREATE TABLE sales.region (code text PRIMARY KEY, "Customer" integer '
                'REFERENCES "Customers"("CustomerID"))'
            )
        _insert_rows(connection, metadata)
        if dialect == "postgresql":
            connection.exec_driver_sql("INSERT INTO sales.region VALUES ('EU', 1), ('US', NULL)")
    return metadata


def _insert_rows(connection: sa.Connection, metadata: sa.MetaData) -> None:
    tables = metadata.tables
    connection.execute(
        tables["Customers"].insert(),
        [
            {
                "CustomerID": 1,
                "Full Name": "Zoë Ångström",
                "e-mail": "zoe@example.com",
                "is active": True,
                "born": datetime.date(1990, 5, 17),
            },
            {
                "CustomerID": 2,
                "Full Name": 'O\'Brien "Bob"',
                "e-mail": None,
                "is active": False,
                "born": None,
            },
        ],
    )
    connection.execute(
        tables["order"].insert(),
        [
            {
                "id": 1,
                "select": "x",
                "CustomerID": 1,
                "status": "paid",
                "placed at": datetime.datetime(2024, 3, 1, 12, 30),
                "total": decimal.Decimal("19.90"),
                'say "hi"': "hi",
            },
            {
                "id": 2,
                "select": None,
                "CustomerID": 2,
                "status": "new",
                "placed at": datetime.datetime(2024, 3, 2, 9, 0),
                "total": decimal.Decimal("5.00"),
                'say "hi"': None,
            },
        ],
    )
    connection.execute(
        tables["Bücher"].insert(),
        [
            {"ISBN": "9783161484100", "Größe": 3, "Titel": "Über Änderungen"},
            {"ISBN": "0000000000001", "Größe": None, "Titel": "東京物語"},
        ],
    )
    connection.execute(
        tables["order line"].insert(),
        [
            {"order id": 1, "line no": 1, "ISBN": "9783161484100", "quantity": 2},
            {"order id": 1, "line no": 2, "ISBN": "0000000000001", "quantity": 1},
        ],
    )
    connection.execute(
        tables["Staff"].insert(),
        [
            {"id": 1, "name": "Boss", "manager_id": None},
            {"id": 2, "name": "Worker", "manager_id": 1},
        ],
    )
    connection.execute(
        tables["event log"].insert(),
        [
            {"happened": datetime.datetime(2024, 1, 1), "message": "started"},
        ],
    )
    connection.execute(
        tables["dialect types"].insert(), {"id": 1, **_dialect_values(connection.dialect.name)}
    )
    connection.execute(tables["dialect types"].insert(), {"id": 2})
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            """UPDATE "dialect types" SET amount = 3, search = to_tsvector('simple', 'größe über alles')
               WHERE id = 1"""
        )


def _dialect_values(dialect: str) -> dict[str, object]:
    """A row with a value in every dialect-specific column (the second row has NULLs)."""
    if dialect == "postgresql":
        return {
            "tags": ["red", "grün"],
            "document": {"a": [1, 2], "ü": None},
            "plain json": [1, "two"],
            "token": uuid.UUID("12345678-1234-5678-1234-567812345678"),
            "address": "192.168.0.1",
            "mood": "happy",
            "wait": datetime.timedelta(days=1, hours=2),
        }
    if dialect == "mysql":
        return {
            "size": "M",
            "toppings": "cheese,olives",
            "vintage": 2024,
            "count": 4_000_000,
            "flag": 1,
            "document": '{"a": 1}',
        }
    return {"document": {"a": [1, 2]}, "blob": b"\x00\x01binary"}
