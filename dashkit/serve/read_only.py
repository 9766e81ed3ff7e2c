"""Make every connection of an engine read-only, where the database can enforce it."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

_STATEMENTS = {
    "sqlite": "PRAGMA query_only = ON",
    "postgresql": "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
    "mysql": "SET SESSION TRANSACTION READ ONLY",
}


def enforce_read_only(engine: sa.Engine) -> bool:
    """Run the dialect's read-only statement on each new connection; False if it has none."""
    statement = _STATEMENTS.get(engine.dialect.name)
    if statement is None:
        return False

    postgresql = engine.dialect.name == "postgresql"

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        if postgresql:  # psycopg would open a transaction for SET; outside one, it sticks
            dbapi_connection.autocommit = True
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(statement)
        finally:
            cursor.close()
            if postgresql:
                dbapi_connection.autocommit = False

    sa.event.listen(engine, "connect", on_connect)
    engine.dispose()  # connections opened before now were not made read-only
    return True
