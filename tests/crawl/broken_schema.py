"""A database nobody here designed, for each dialect: tables that work beside views that don't.

Working: text columns with MySQL type names SQLite misreads as NUMERIC, an untyped table
and a view of computed (untyped) columns, names whose slugs collide (`a b`, `a-b`, `a.b`),
a `%` in a name, and non-Latin names. Broken, each for its own reason: views calling
functions the database lacks, views over a dropped table, on SQLite a table whose foreign
key names the dropped table, and on PostgreSQL a materialized view created `WITH NO DATA`.
"""

from __future__ import annotations

import sqlalchemy as sa

WORKING = {"people", "a b", "a-b", "a.b", "50% off", "注文", "заказы", "people names"}
"""Tables and views served on every dialect."""


def create_broken_schema(engine: sa.Engine) -> dict[str, str]:
    """Build the schema; the broken tables' keys, each with words its reason contains."""
    dialect = engine.dialect.name
    quote = engine.dialect.identifier_preparer.quote
    with engine.begin() as connection:
        run = connection.exec_driver_sql
        kind, year, tags = ("ENUM", "YEAR", '"SET"') if dialect == "sqlite" else ("TEXT",) * 3
        run(
            f"CREATE TABLE people (id INTEGER PRIMARY KEY, first VARCHAR(40), last VARCHAR(40), "
            f"kind {kind}, born {year}, tags {tags})"
        )
        run(
            "INSERT INTO people VALUES (1, 'Ada', 'Lovelace', 'paid', '1815', 'x,y'), "
            "(2, 'Bob', 'Smith', 'new', 'unknown', '')"
        )
        for name in ("a b", "a-b", "a.b", "50% off", "注文", "заказы"):
            run(f"CREATE TABLE {quote(name)} (id INTEGER PRIMARY KEY, note VARCHAR(20))")
            run(f"INSERT INTO {quote(name)} VALUES (1, {_literal(name.replace('%', ' pct'))})")
        run(f"CREATE VIEW {quote('people names')} AS SELECT id, first FROM people")
        run("CREATE TABLE gone (id INTEGER PRIMARY KEY)")
        broken = _broken_views(dialect, run)
        run("DROP TABLE gone")
        if dialect == "sqlite":
            run("CREATE TABLE loose (a, b)")  # no declared types, and no key
            run("INSERT INTO loose VALUES (1, 'x'), (2.5, NULL), ('t', 3)")
            run("CREATE VIEW totals AS SELECT count(*) AS n, max(first) AS last_first FROM people")
        elif dialect == "postgresql":
            run("CREATE MATERIALIZED VIEW unfilled AS SELECT id, first FROM people WITH NO DATA")
            run("CREATE MATERIALIZED VIEW filled AS SELECT id, last FROM people")
            broken["unfilled"] = "has not been populated"
    return broken


def _broken_views(dialect: str, run) -> dict[str, str]:
    """Views that will fail once `gone` is dropped, or that call a missing function."""
    if dialect == "sqlite":
        run("CREATE VIEW full_names AS SELECT id, CONCAT(first, ' ', last) AS name FROM people")
        run("CREATE VIEW lower_names AS SELECT id, LCASE(first) AS name FROM people")
        run("CREATE VIEW over_gone AS SELECT id FROM gone")
        run("CREATE TABLE orphans (id INTEGER PRIMARY KEY, gone_id INTEGER REFERENCES gone(id))")
        return {
            "full_names": "no such function: CONCAT",
            "lower_names": "no such function: LCASE",
            "over_gone": "no such table: main.gone",
            "orphans": "it refers to gone, which does not exist",
        }
    if dialect == "postgresql":
        # PostgreSQL refuses to drop what a view uses, but not what a function body uses;
        # a STABLE SQL function is inlined when the view is planned, so even LIMIT 0 fails.
        run("CREATE FUNCTION shout(t text) RETURNS text LANGUAGE sql AS 'SELECT upper(t)'")
        run(
            "CREATE FUNCTION loud_names() RETURNS SETOF text LANGUAGE sql STABLE "
            "AS 'SELECT shout(first) FROM people'"
        )
        run("CREATE VIEW loud AS SELECT * FROM loud_names() AS name")
        run("DROP FUNCTION shout")
        run(
            "CREATE FUNCTION gone_ids() RETURNS SETOF integer LANGUAGE sql STABLE "
            "AS 'SELECT id FROM gone'"
        )
        run("CREATE VIEW over_gone AS SELECT * FROM gone_ids() AS id")
        return {
            "loud": "function shout(character varying) does not exist",
            "over_gone": 'relation "gone"',
        }
    run("CREATE FUNCTION shout(t TEXT) RETURNS TEXT DETERMINISTIC RETURN UPPER(t)")
    run("CREATE VIEW loud AS SELECT id, shout(first) AS name FROM people")
    run("DROP FUNCTION shout")
    run("CREATE VIEW over_gone AS SELECT id FROM gone")
    invalid = "references invalid table(s) or column(s) or function(s)"
    return {"loud": invalid, "over_gone": invalid}


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
