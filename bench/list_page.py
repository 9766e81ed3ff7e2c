"""List-page benchmark: the admin's 50-row list of a 1,000,000-row table against a floor app.

Usage: .venv/bin/python bench/list_page.py [--rows N] [--iterations N] [--repeats R]
                                          [--http-requests N] [--clients N] [--in-process-only]
                                          [--dialects sqlite,postgresql]
       BENCH_ROLE=viewer .venv/bin/python bench/list_page.py   (a read-only user's page)

The floor is what any list page must at least do: one SQLAlchemy Core query for the 50
rows (keyset: `WHERE id > :after ORDER BY id LIMIT 50`) and a minimal Jinja2 table. The
admin page does everything a signed-in user's list page does (session, user, permission,
the list query, the full template with filters, actions and the Views menu); its count
and saved views arrive later through htmx and are not part of the page. Both apps are built in this
process on the same database and measured twice, taking turns: in-process through their
WSGI callables (best of R runs of N calls), then served by gunicorn (one sync worker
each, 127.0.0.1) to client processes over HTTP (best of R runs of --http-requests).
Both measures are timed by the wall clock, because the database may be another process.
Targets: the first page within 2x of the floor, and a page 900,000 rows in within 1.5x of
the first page; the exit status follows the served measure (or the in-process one with
--in-process-only).
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
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from jinja2 import Environment, FileSystemLoader, select_autoescape
from serving import (
    Page,
    add_http_options,
    call,
    call_repeatedly,
    fetch,
    seconds_per_request,
    served,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from dashkit import App
from dashkit.admin import Admin, ModelAdmin
from dashkit.admin.list.keyset import encode_cursor
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
LIST_PATH = "/admin/bench_items/"
IN_PROCESS, HTTP = "in-process", "HTTP"
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


def floor_app(url: str) -> tuple[WsgiApp, sa.Engine]:
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

    return application, engine


@dataclass(frozen=True)
class Case:
    """One page the bench asks for: the app that answers it, the request, and its first row."""

    app: str
    path: str
    query: str
    headers: dict[str, str]
    first_id: int

    def environ(self) -> dict[str, Any]:
        return EnvironBuilder(
            path=self.path, query_string=self.query, headers=self.headers
        ).get_environ()

    def page(self, port: int) -> Page:
        return Page(port, f"{self.path}?{self.query}" if self.query else self.path, self.headers)


def list_cases(cookie: str) -> dict[str, Case]:
    """The floor, the admin's first and deep pages, and the deep page's htmx table."""
    deep = f"after={encode_cursor([DEEP_OFFSET])}"
    signed_in = {"Cookie": cookie, "Host": "localhost", "Accept": "text/html"}
    htmx = {**signed_in, "HX-Request": "true", "HX-Target": "results"}
    return {
        "floor": Case("floor", "/", "after=0", {"Host": "localhost"}, 1),
        "first": Case("admin", LIST_PATH, "", signed_in, 1),
        "deep": Case("admin", LIST_PATH, deep, signed_in, DEEP_OFFSET + 1),
        "fragment": Case("admin", LIST_PATH, deep, htmx, DEEP_OFFSET + 1),
    }


def seconds_per_call(app: WsgiApp, environ: dict[str, Any], iterations: int) -> float:
    started = time.perf_counter()
    call_repeatedly(app, environ, iterations)
    return (time.perf_counter() - started) / iterations


def check_page(case: Case, status: int, text: str) -> None:
    """The answer must be 200 with the 50 rows starting at the case's first row, and no more."""
    first_id = case.first_id
    if status != 200 or f">{first_id}<" not in text or f">{first_id + PAGE - 1}<" not in text:
        raise SystemExit(
            f"{case.path}?{case.query} answered {status} without the rows from {first_id}"
        )
    if f">{first_id + PAGE}<" in text:
        raise SystemExit(f"{case.path}?{case.query} showed more than {PAGE} rows")


def in_process(
    apps: dict[str, WsgiApp], cases: dict[str, Case], options: argparse.Namespace
) -> tuple[dict[str, float], dict[str, int]]:
    """Seconds per WSGI call of each case, best of the runs, and the size of each page."""
    environs = {name: case.environ() for name, case in cases.items()}
    sizes = {}
    for name, case in cases.items():
        status, body = call(apps[case.app], environs[name])
        check_page(case, int(status.split()[0]), body.decode())
        sizes[name] = len(body)
    best = dict.fromkeys(cases, math.inf)
    for _ in range(options.repeats):
        for name, case in cases.items():
            seconds = seconds_per_call(apps[case.app], environs[name], options.iterations)
            best[name] = min(best[name], seconds)
    return best, sizes


def over_http(
    apps: dict[str, WsgiApp], cases: dict[str, Case], options: argparse.Namespace
) -> dict[str, float]:
    """Seconds per request of each case with every app served by gunicorn, best of the runs."""
    with served(apps) as ports:
        pages = {name: case.page(ports[case.app]) for name, case in cases.items()}
        for name, page in pages.items():
            check_page(cases[name], *fetch(page))
        return seconds_per_request(pages, options.http_requests, options.repeats, options.clients)


def measure(dialect: str, options: argparse.Namespace) -> dict[str, dict[str, float]]:
    """Seconds per request of each case, in-process and (unless left out) over HTTP."""
    with tempfile.TemporaryDirectory(prefix="dashkit-bench-") as folder_name:
        folder = Path(folder_name)
        started = time.perf_counter()
        with database(dialect, folder, options.rows) as url:
            print(
                f"  {dialect}: {options.rows:,} rows ready in {time.perf_counter() - started:.1f}s",
                flush=True,
            )
            app, cookie = admin_app(url, folder)
            floor, floor_engine = floor_app(url)
            apps = {"floor": floor, "admin": app}
            cases = list_cases(cookie)
            try:
                best, sizes = in_process(apps, cases, options)
                print(
                    f"  {dialect}: page sizes "
                    + ", ".join(f"{n} {b / 1024:.1f} KiB" for n, b in sizes.items()),
                    flush=True,
                )
                results = {IN_PROCESS: best}
                if not options.in_process_only:
                    # the servers fork from here: no pooled connection may be shared with them
                    app.extensions["db"].dispose()
                    floor_engine.dispose()
                    results[HTTP] = over_http(apps, cases, options)
            finally:
                app.extensions["db"].dispose()
                floor_engine.dispose()
            return results


def targets(best: dict[str, float]) -> list[tuple[str, bool]]:
    """Each target with this page's figure, and whether it is met."""
    first_ratio, deep_ratio = best["first"] / best["floor"], best["deep"] / best["first"]
    return [
        (f"first page {first_ratio:.2f}x the floor (target 2x)", first_ratio <= 2),
        (f"deep page {deep_ratio:.2f}x the first (target 1.5x)", deep_ratio <= 1.5),
    ]


def report(title: str, results: dict[str, dict[str, float]]) -> bool:
    """Print one measure's table and its targets, met or missed; whether all are met."""
    print(f"{title}, milliseconds per request")
    print(
        f"  {'dialect':<12}{'floor':>8}{'first':>8}{'deep':>8}{'htmx':>8}"
        f"{'first/floor':>13}{'deep/first':>12}"
    )
    for dialect, best in results.items():
        ms = {name: seconds * 1000 for name, seconds in best.items()}
        print(
            f"  {dialect:<12}{ms['floor']:>8.2f}{ms['first']:>8.2f}{ms['deep']:>8.2f}"
            f"{ms['fragment']:>8.2f}{best['first'] / best['floor']:>12.2f}x"
            f"{best['deep'] / best['first']:>11.2f}x"
        )
    verdicts = [(dialect, target) for dialect, best in results.items() for target in targets(best)]
    for dialect, (line, met) in verdicts:
        print(f"  {'met' if met else 'MISSED':<7}{dialect}: {line}")
    return all(met for _, (_, met) in verdicts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--iterations", type=int, default=200, help="in-process calls per run")
    parser.add_argument(
        "--repeats", type=int, default=5, help="runs of each measure; the best counts"
    )
    add_http_options(parser)
    parser.add_argument("--dialects", default="sqlite,postgresql")
    options = parser.parse_args()
    if options.rows <= DEEP_OFFSET + PAGE:
        raise SystemExit(f"--rows must exceed {DEEP_OFFSET + PAGE:,} to measure the deep page")
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; {PAGE}-row pages")
    by_dialect = {dialect: measure(dialect, options) for dialect in options.dialects.split(",")}
    met = report(
        f"in-process WSGI call, best of {options.repeats} x {options.iterations} requests",
        {dialect: results[IN_PROCESS] for dialect, results in by_dialect.items()},
    )
    if not options.in_process_only:
        met = report(
            f"served by gunicorn (1 sync worker), {options.clients} client processes, "
            f"best of {options.repeats} x {options.http_requests} requests over fresh connections",
            {dialect: results[HTTP] for dialect, results in by_dialect.items()},
        )
    if not met:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
