"""List-page benchmark: the admin's 50-row list of a 1,000,000-row table against a floor app.

Usage: .venv/bin/python bench/list_page.py [--rows N] [--iterations N] [--repeats R]
                                          [--dialects sqlite,postgresql]
       BENCH_ROLE=viewer .venv/bin/python bench/list_page.py   (a read-only user's page)

The floor is what any list page must at least do: one SQLAlchemy Core query for the 50
rows (keyset: `WHERE id > :after ORDER BY id LIMIT 50`) and a minimal Jinja2 table. The
admin page does everything a signed-in user's list page does (session, user, permission,
saved views, the list query, the full template with filters and actions); its count
arrives later through htmx and is not part of the page. Both run in this process, taking
turns, on the same database; each figure is the best of R runs of N requests, timed by
the wall clock because the database may be another process. Targets: the first page
within 2x of the floor, and a page 900,000 rows in within 1.5x of the first page.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from dashkit import App
from dashkit.admin import Admin, ModelAdmin
from dashkit.admin.keyset import encode_cursor
from dashkit.auth import create_user, init_auth
from dashkit.auth.passwords import PasswordHasher
from dashkit.db import init_db
from dashkit.migrations import upgrade_state

BENCH = Path(__file__).resolve().parent
POSTGRES = os.environ.get(
    "DASHKIT_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
PAGE = 50
DEEP_OFFSET = 900_000
COLUMNS = ("id", "name", "category", "price", "created_at", "active")
PASSWORD = "benchmark password"
ROLE = os.environ.get("BENCH_ROLE", "admin")
WsgiApp = Callable[..., Any]


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "bench_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    category: Mapped[str] = mapped_column(sa.String(20))
    price: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2))
    created_at: Mapped[datetime]
    active: Mapped[bool]


class ItemAdmin(ModelAdmin):
    list_display = COLUMNS
    search_fields = ("name",)
    list_filter = ("category", "active", "created_at")
    page_size = PAGE


FILL = {
    "sqlite": (
        "INSERT INTO bench_items (id, name, category, price, created_at, active) "
        "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < :rows) "
        "SELECT n, 'item ' || n, 'category ' || (n % 20), (n % 1000) + 0.99, "
        "datetime('2024-01-01', '+' || (n % 500000) || ' minutes'), n % 2 FROM seq"
    ),
    "postgresql": (
        "INSERT INTO bench_items (id, name, category, price, created_at, active) "
        "SELECT n, 'item ' || n, 'category ' || (n % 20), (n % 1000) + 0.99, "
        "timestamp '2024-01-01' + (n % 500000) * interval '1 minute', n % 2 = 1 "
        "FROM generate_series(1, :rows) AS n"
    ),
}


@contextmanager
def database(dialect: str, folder: Path, rows: int) -> Iterator[str]:
    """A database holding `rows` items, dropped afterwards when it lives on a server."""
    if dialect == "sqlite":
        url = f"sqlite:///{folder / 'items.sqlite'}"
        fill(url, dialect, rows)
        yield url
        return
    server = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    name = f"dk_bench_{uuid.uuid4().hex[:8]}"
    with server.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    url = sa.make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    try:
        fill(url, dialect, rows)
        yield url
    finally:
        with server.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        server.dispose()


def fill(url: str, dialect: str, rows: int) -> None:
    engine = sa.create_engine(url)
    Base.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(sa.text(FILL[dialect]), {"rows": rows})
    with engine.connect() as connection:
        connection.execute(sa.text("ANALYZE" if dialect == "sqlite" else "ANALYZE bench_items"))
        connection.commit()
    engine.dispose()


def admin_app(url: str, folder: Path) -> tuple[App, str]:
    """The admin over `url` (state in a SQLite file beside it) and a signed-in session cookie."""
    state_url = f"sqlite:///{folder / 'state.sqlite'}"
    upgrade_state(state_url)
    app = App("bench", {"SECRET_KEY": "bench", "PASSWORD_SCRYPT_N": 2**10})
    init_db(app, url, state_url)
    init_auth(app)
    Admin(app).register(Item, ItemAdmin)
    with app.state_session() as session:
        create_user(session, "bench", PASSWORD, [ROLE], hasher=PasswordHasher(n=2**10))
    client = app.test_client()
    client.get("/login")
    token = client.get_cookie("dashkit_session").value
    form = (
        client.get("/login")
        .get_data(as_text=True)
        .split('name="csrf_token" value="')[1]
        .split('"')[0]
    )
    response = client.post(
        "/login", data={"username": "bench", "password": PASSWORD, "csrf_token": form}
    )
    if response.status_code != 303:
        raise SystemExit(f"signing in failed with {response.status_code}")
    token = client.get_cookie("dashkit_session").value
    return app, f"dashkit_session={token}"


def floor_app(url: str) -> WsgiApp:
    """One Core query of the page's rows and a minimal Jinja2 table: the least a list page does."""
    engine = sa.create_engine(url)
    table = Item.__table__
    template = Environment(
        loader=FileSystemLoader(BENCH / "templates"), autoescape=select_autoescape()
    ).get_template("floor_list.html")
    query = sa.select(*(table.c[name] for name in COLUMNS)).where(
        table.c.id > sa.bindparam("after")
    )
    query = query.order_by(table.c.id).limit(PAGE)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        after = int(request.args.get("after", "0"))
        with engine.connect() as connection:
            rows = connection.execute(query, {"after": after}).all()
        body = template.render(columns=COLUMNS, rows=rows)
        return Response(body, mimetype="text/html")(environ, start_response)

    return application


def seconds_per_request(app: WsgiApp, environ: dict[str, Any], iterations: int) -> float:
    started = time.perf_counter()
    for _ in range(iterations):
        body = app(environ.copy(), _ignore_start)
        for _chunk in body:
            pass
        if hasattr(body, "close"):
            body.close()
    return (time.perf_counter() - started) / iterations


def _ignore_start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
    return None


def check_page(app: WsgiApp, environ: dict[str, Any], first_id: int) -> int:
    """The request must answer 200 with the 50 rows starting at `first_id`; returns the page's size."""
    status: list[str] = []
    body = b"".join(app(environ.copy(), lambda s, h, e=None: status.append(s)))
    text = body.decode()
    if (
        not status[0].startswith("200")
        or f">{first_id}<" not in text
        or f">{first_id + PAGE - 1}<" not in text
    ):
        raise SystemExit(
            f"{environ['PATH_INFO']}?{environ['QUERY_STRING']} did not show rows from {first_id}"
        )
    if f">{first_id + PAGE}<" in text:
        raise SystemExit(f"{environ['PATH_INFO']} showed more than {PAGE} rows")
    return len(body)


def measure(dialect: str, options: argparse.Namespace) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="dashkit-bench-") as folder_name:
        folder = Path(folder_name)
        started = time.perf_counter()
        with database(dialect, folder, options.rows) as url:
            print(
                f"  {dialect}: {options.rows:,} rows ready in {time.perf_counter() - started:.1f}s",
                flush=True,
            )
            app, cookie = admin_app(url, folder)
            floor = floor_app(url)
            deep = encode_cursor([DEEP_OFFSET])
            cases = {
                "floor": (floor, EnvironBuilder(path="/", query_string="after=0").get_environ(), 1),
                "first": (app, _admin_environ(cookie, ""), 1),
                "deep": (app, _admin_environ(cookie, f"after={deep}"), DEEP_OFFSET + 1),
                "fragment": (
                    app,
                    _admin_environ(cookie, f"after={deep}", htmx=True),
                    DEEP_OFFSET + 1,
                ),
            }
            sizes = {name: check_page(*case) for name, case in cases.items()}
            print(
                f"  {dialect}: page sizes "
                + ", ".join(f"{n} {b / 1024:.1f} KiB" for n, b in sizes.items())
            )
            best = dict.fromkeys(cases, math.inf)
            for _ in range(options.repeats):
                for name, (case, environ, _first) in cases.items():
                    best[name] = min(
                        best[name], seconds_per_request(case, environ, options.iterations)
                    )
            app.extensions["db"].dispose()
            return best


def _admin_environ(cookie: str, query: str, htmx: bool = False) -> dict[str, Any]:
    headers = {"Cookie": cookie, "Accept": "text/html"}
    if htmx:
        headers.update({"HX-Request": "true", "HX-Target": "results"})
    return EnvironBuilder(
        path="/admin/bench_items/", query_string=query, headers=headers
    ).get_environ()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--iterations", type=int, default=200, help="requests per run")
    parser.add_argument(
        "--repeats", type=int, default=5, help="runs of each measure; the best counts"
    )
    parser.add_argument("--dialects", default="sqlite,postgresql")
    options = parser.parse_args()
    if options.rows <= DEEP_OFFSET + PAGE:
        raise SystemExit(f"--rows must exceed {DEEP_OFFSET + PAGE:,} to measure the deep page")
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; {PAGE}-row pages")
    results = {dialect: measure(dialect, options) for dialect in options.dialects.split(",")}
    print(f"best of {options.repeats} x {options.iterations} requests, milliseconds per request")
    print(
        f"  {'dialect':<12}{'floor':>8}{'first':>8}{'deep':>8}{'htmx':>8}{'first/floor':>13}{'deep/first':>12}"
    )
    missed = []
    for dialect, best in results.items():
        first_ratio, deep_ratio = best["first"] / best["floor"], best["deep"] / best["first"]
        print(
            f"  {dialect:<12}{best['floor'] * 1000:>8.2f}{best['first'] * 1000:>8.2f}{best['deep'] * 1000:>8.2f}"
            f"{best['fragment'] * 1000:>8.2f}"
            f"{first_ratio:>12.2f}x{deep_ratio:>11.2f}x"
        )
        if first_ratio > 2:
            missed.append(f"{dialect}: first page {first_ratio:.2f}x the floor (target 2x)")
        if deep_ratio > 1.5:
            missed.append(f"{dialect}: deep page {deep_ratio:.2f}x the first (target 1.5x)")
    for line in missed:
        print(f"  MISSED {line}")
    if missed:
        raise SystemExit(1)
    print("  targets met: first page within 2x of the floor, deep page within 1.5x of the first")


if __name__ == "__main__":
    main()
