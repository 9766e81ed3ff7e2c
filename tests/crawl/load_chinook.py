"""Load the Chinook sample into a real PostgreSQL or MariaDB/MySQL database.

The upstream scripts drop, create and switch to their own database; those lines are
left out so the data lands in the database the URL names.

    cd tests && python -m crawl.load_chinook postgresql://postgres@127.0.0.1/chinook
"""

from __future__ import annotations

import sys
from pathlib import Path

from machine import SHARED_DATA

SCRIPTS = {"postgresql": "Chinook_PostgreSql.sql", "mysql": "Chinook_MySql.sql"}
_SKIPPED_PREFIXES = ("DROP DATABASE", "CREATE DATABASE", "\\c ", "USE ")


def chinook_script(dialect: str, folder: Path = SHARED_DATA) -> str:
    """The upstream script for `dialect` without its database-switching statements."""
    text = (folder / SCRIPTS[dialect]).read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.startswith(_SKIPPED_PREFIXES))


def load_chinook(url: str, folder: Path = SHARED_DATA) -> None:
    """Run the script against the (empty) database at `url`."""
    from dashkit.db import make_engine

    engine = make_engine(url, statement_timeout=False)
    script = chinook_script(engine.dialect.name, folder)
    connection = engine.raw_connection()  # the driver's own execute: no parameter syntax in values
    try:
        with connection.cursor() as cursor:
            if engine.dialect.name == "postgresql":
                cursor.execute(script)  # without parameters psycopg sends all statements at once
            else:
                for statement in _statements(script):
                    cursor.execute(statement)
        connection.commit()
    finally:
        connection.close()
        engine.dispose()


def _statements(script: str) -> list[str]:
    """Split on semicolons that end a line (the script puts none inside values at line ends)."""
    statements, current = [], []
    for line in script.splitlines():
        current.append(line)
        if line.rstrip().endswith(";"):
            statement = "\n".join(current).strip().rstrip(";")
            if statement and not _only_comments(statement):
                statements.append(statement)
            current = []
    return statements


def _only_comments(statement: str) -> bool:
    stripped = statement
    while stripped.lstrip().startswith("/*") and "*/" in stripped:
        stripped = stripped.split("*/", 1)[1]
    return not stripped.strip()


if __name__ == "__main__":
    load_chinook(sys.argv[1])
