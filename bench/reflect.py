"""Reflection benchmark: how long `dashkit serve` takes to be up on a 500-table database.

Usage: .venv/bin/python bench/reflect.py [--tables N] [--dialects sqlite,postgresql,mariadb]

Generates N tables (8 columns each, a primary key, one or two foreign keys to earlier
tables, an index, every tenth one a view) in a fresh database per dialect, then times
what `dashkit serve URL` does before it can answer: migrate the state database, reflect,
map and register every table; then a signed-in admin index page listing all of them.
"Cold" starts with an empty reflection cache, "warm" reuses it (the schema is unchanged).
Target (issue 13): up in under 2 seconds cold on every dialect, and the index page in
under 0.2 seconds whatever the number of tables.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dashkit.auth import create_user
from dashkit.db import make_engine
from dashkit.serve import ServeOptions, build_app

SERVERS = {
    "postgresql": os.environ.get(
        "DASHKIT_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    ),
    "mariadb": os.environ.get("DASHKIT_TEST_MARIADB", "mysql+pymysql://root@127.0.0.1:3306/test"),
}
PASSWORD = "benchmark passphrase"


def generated_metadata(tables: int) -> sa.MetaData:
    """N related tables, deterministic: table_0042 refers to table_0021 and table_0041."""
    metadata = sa.MetaData()
    for number in range(tables):
        columns = [
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("name", sa.String(100), nullable=False),
            sa.Column("amount", sa.Numeric(10, 2)),
            sa.Column("created_at", sa.DateTime),
            sa.Column("active", sa.Boolean, nullable=False, default=True),
            sa.Column("notes", sa.Text),
        ]
        for target in sorted({number // 2, number - 1}):
            if 0 <= target < number:
                columns.append(
                    sa.Column(f"table_{target:04d}_id", sa.ForeignKey(f"table_{target:04d}.id"))
                )
        sa.Table(
            f"table_{number:04d}",
            metadata,
            *columns,
            sa.Index(f"ix_table_{number:04d}_name", "name"),
        )
    return metadata


def create_schema(url: str, tables: int) -> None:
    engine = make_engine(url, statement_timeout=False)
    quote = engine.dialect.identifier_preparer.quote
    try:
        with engine.begin() as connection:
            generated_metadata(tables).create_all(connection)
            for number in range(0, tables, 10):
                name = f"table_{number:04d}"
                connection.exec_driver_sql(
                    f"CREATE VIEW {quote('view_' + name)} AS SELECT id, name, active FROM {quote(name)}"
                )
    finally:
        engine.dispose()


@contextmanager
def fresh_database(dialect: str, folder: Path) -> Iterator[str]:
    if dialect == "sqlite":
        yield f"sqlite:///{folder / 'bench.sqlite'}"
        return
    server = sa.make_url(SERVERS[dialect])
    name = f"dk_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            if dialect == "postgresql":
                connection.exec_driver_sql(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
                )
            connection.exec_driver_sql(f"DROP DATABASE {name}")
        admin.dispose()


def time_start(url: str) -> tuple[float, float, int]:
    """Seconds to build the served app, seconds for the first admin index page, models served."""
    started = time.perf_counter()
    served = build_app(ServeOptions(url))
    built = time.perf_counter() - started
    gc.freeze()  # as run_server does before serving: the models stay for good
    engine = make_engine(served.state_url)
    with Session(engine) as session, session.begin():
        if session.scalar(sa.text("SELECT COUNT(*) FROM dashkit_users")) == 0:
            create_user(session, "bench", PASSWORD, roles=["admin"])
    engine.dispose()
    client = served.app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token})
    started = time.perf_counter()
    response = client.get("/admin/")
    index = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    served.app.extensions["db"].dispose()
    gc.unfreeze()
    return built, index, len(served.database.tables)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tables", type=int, default=500)
    parser.add_argument("--dialects", default="sqlite,postgresql,mariadb")
    options = parser.parse_args()
    print(
        f"{'dialect':<11} {'served':>6}  {'cold start':>10}  {'warm start':>10}  {'index page':>10}"
    )
    for dialect in options.dialects.split(","):
        with tempfile.TemporaryDirectory() as folder:
            os.environ["DASHKIT_HOME"] = str(Path(folder) / "home")
            with fresh_database(dialect, Path(folder)) as url:
                create_schema(url, options.tables)
                cold, _, served = time_start(url)
                warm, index, _ = time_start(url)
        print(f"{dialect:<11} {served:>6}  {cold:>9.2f}s  {warm:>9.2f}s  {index:>9.2f}s")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
