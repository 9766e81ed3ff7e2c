"""Try each reflected table and view with a query that returns no rows, before serving it.

A definition can read fine and still fail every query: a PostgreSQL materialized view
created `WITH NO DATA`, a view whose function was dropped, a table the user may not
read. Each is tried on its own, so one failure never hides the others.
"""

from __future__ import annotations

import sqlalchemy as sa

from dashkit.db.errors import driver_message
from dashkit.reflect.schema import ReflectedSchema, SkippedTable


def probe_tables(engine: sa.Engine, schema: ReflectedSchema) -> list[SkippedTable]:
    """The served tables whose `SELECT ... LIMIT 0` fails, with the database's reason."""
    failed = []
    format_table = engine.dialect.identifier_preparer.format_table
    # Plain SQL (the quoting doubles a `%` where the driver reads placeholders): compiling
    # hundreds of distinct statements would cost more than running them.
    with engine.connect() as connection:
        for table in schema.tables:
            try:
                connection.exec_driver_sql(f"SELECT * FROM {format_table(table)} LIMIT 0").close()
            except sa.exc.DBAPIError as error:
                connection.rollback()  # PostgreSQL refuses every later statement otherwise
                failed.append(
                    SkippedTable(table.key, table.key in schema.views, driver_message(error))
                )
    return failed
