"""Edit-form benchmark: an order whose foreign key points at a 100,000-row customer table.

Usage: .venv/bin/python bench/edit_form.py [--customers N] [--requests N] [--repeats R]
                                          [--http-requests N] [--clients N] [--in-process-only]
                                          [--no-postgres]

Compares dashkit's admin edit page (signed in, with CSRF, sessions, the audit-ready
signed originals, and an autocomplete instead of a 100,000-option select) with two floors:
the plain floor the issue sets (one SQLAlchemy Core query of the order and its customer,
a minimal Jinja2 form, no sign-in) and a signed-in one (Flask + SQLAlchemy with a
signed-cookie session and a user query rendering the same plain form), on SQLite and
PostgreSQL (when reachable). The three apps are built in this process and measured twice,
taking turns: in-process through their WSGI callables (best median of R runs of
--requests calls), then each served by gunicorn (one sync worker, 127.0.0.1) to client
processes over HTTP (best of R runs of --http-requests, the run's time per request).
Every loop is bounded by a count. The target (3x) is against the plain floor; the exit
status follows the served measure (or the in-process one with --in-process-only).
"""

from __future__ import annotations

import argparse
import gc
import re
import statistics
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, render_template
from flask import abort as flask_abort
from flask import session as flask_session
from jinja2 import Environment, FileSystemLoader, select_autoescape
from serving import Page, add_http_options, call, fetch, seconds_per_request, served
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from werkzeug.test import Client, EnvironBuilder
from werkzeug.wrappers import Request, Response

from dashkit import App
from dashkit.admin import Admin
from dashkit.auth import create_user, init_auth
from dashkit.auth.passwords import PasswordHasher
from dashkit.db import init_db
from dashkit.migrations import upgrade_state

BENCH = Path(__file__).resolve().parent
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PASSWORD = "bench password, long enough"
LIMIT = 3.0
ORDER_ID = 42
IN_PROCESS, HTTP = "in-process", "HTTP"


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "bench_customers"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), index=True)
    email: Mapped[str | None] = mapped_column(sa.String(200))


class Order(Base):
    __tablename__ = "bench_orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("bench_customers.id"), index=True)
    total: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2))
    status: Mapped[str] = mapped_column(sa.String(20), default="new")
    note: Mapped[str | None] = mapped_column(sa.Text)


def fill(url: str, customers: int) -> None:
    engine = sa.create_engine(url)
    Base.metadata.create_all(engine)
    with engine.begin() as connection:
        batch = 10_000
        for start in range(0, customers, batch):
            connection.execute(
                sa.insert(Customer),
                [
                    {"name": f"Customer {n:06}", "email": f"c{n}@example.com"}
                    for n in range(start, min(customers, start + batch))
                ],
            )
        connection.execute(
            sa.insert(Order),
            [
                {
                    "customer_id": 1 + (n * 7919) % customers,
                    "total": Decimal("19.90"),
                    "note": f"order {n}",
                }
                for n in range(100)
            ],
        )
    engine.dispose()


def dashkit_app(url: str) -> tuple[App, dict[str, str]]:
    """The admin over `url`, and the cookie header of a signed-in admin."""
    upgrade_state(url)
    app = App("bench", {"SECRET_KEY": "bench", "PASSWORD_SCRYPT_N": 2**10})
    init_db(app, url)
    init_auth(app)
    admin = Admin(app)
    admin.register(Customer)
    admin.register(Order)
    with app.state_session() as session:
        create_user(
            session,
            f"bench-{uuid.uuid4().hex[:6]}",
            PASSWORD,
            ["admin"],
            hasher=PasswordHasher(n=2**10),
        )
        username = session.scalars(
            sa.text("SELECT username FROM dashkit_users ORDER BY id DESC")
        ).first()
    client = Client(app, Response, use_cookies=True)
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page).group(1)
    answer = client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    if answer.status_code != 303:
        raise SystemExit(f"bench sign-in failed: {answer.status_code}")
    cookie = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())
    return app, {"Cookie": cookie, "Host": "localhost"}


ORDER_QUERY = (
    sa.select(*Order.__table__.c, Customer.__table__.c.name.label("customer_name"))
    .join_from(Order.__table__, Customer.__table__)
    .where(Order.__table__.c.id == sa.bindparam("id"))
)


def plain_floor_app(url: str) -> tuple[Any, sa.Engine]:
    """The floor the issue sets: one Core query of the order joined to its customer's
    name and a minimal Jinja2 form; no session, no user, no framework."""
    engine = sa.create_engine(url)
    template = Environment(
        loader=FileSystemLoader(BENCH / "templates"), autoescape=select_autoescape()
    ).get_template("floor_order_form.html")

    def application(environ: dict[str, Any], start_response: Any) -> Any:
        order_id = int(Request(environ).path.rsplit("/", 2)[-2])
        with engine.connect() as connection:
            order = connection.execute(ORDER_QUERY, {"id": order_id}).first()
        if order is None:
            return Response("not found", 404)(environ, start_response)
        body = template.render(order=order, customer_name=order.customer_name)
        return Response(body, mimetype="text/html")(environ, start_response)

    return application, engine


def floor_app(url: str) -> tuple[Flask, dict[str, str]]:
    """What a hand-written internal tool does for this page, and no more: Flask, its signed
    cookie session, one query for the signed-in user, the order and its customer's name, a
    plain form (the customer as a key input, not a select of every customer)."""
    engine = sa.create_engine(url)
    app = Flask(__name__, template_folder=str(BENCH / "templates"), static_folder=None)
    app.secret_key = "bench"
    app.extensions["engine"] = engine

    @app.route("/orders/<int:order_id>/edit")
    def edit(order_id: int) -> str:
        with Session(engine) as session:
            user = session.execute(
                sa.text("SELECT id, username FROM dashkit_users WHERE id = :id AND is_active"),
                {"id": flask_session.get("user_id")},
            ).first()
            if user is None:
                flask_abort(401)
            order = session.get(Order, order_id)
            if order is None:
                flask_abort(404)
            customer = session.get(Customer, order.customer_id)
            return render_template(
                "floor_order_form.html", order=order, customer_name=customer.name, user=user
            )

    @app.route("/sign-in")
    def sign_in() -> str:
        flask_session["user_id"] = 1
        return "signed in"

    client = app.test_client()
    client.get("/sign-in")
    cookie = client.get_cookie("session")
    return app, {"Cookie": f"session={cookie.value}", "Host": "localhost"}


def check_form(path: str, status: int, text: str, order: sa.Row[Any]) -> None:
    """The answer must be 200 and show the order: its note and its customer's name."""
    if status != 200 or order.note not in text or order.customer_name not in text:
        raise SystemExit(f"{path} answered {status} without order {ORDER_ID} and its customer")


def median_ms(app: Any, environ: dict[str, Any], requests: int) -> float:
    gc.collect()
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        for _chunk in app(environ.copy(), lambda s, h, e=None: None):
            pass
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def in_process(
    pages: dict[str, tuple[Any, str, dict[str, str]]],
    order: sa.Row[Any],
    options: argparse.Namespace,
) -> tuple[dict[str, float], dict[str, int]]:
    """Per page: the best median milliseconds per WSGI call over the runs, and its size.

    The pages take turns within each run, so a busy machine slows them alike.
    """
    environs = {
        name: EnvironBuilder(path=path, headers=headers).get_environ()
        for name, (_, path, headers) in pages.items()
    }
    sizes = {}
    for name, (app, path, _) in pages.items():
        status, body = call(app, environs[name])
        check_form(path, int(status.split()[0]), body.decode(), order)
        sizes[name] = len(body)
    best = dict.fromkeys(pages, float("inf"))
    for _ in range(options.repeats):
        for name, (app, _, _) in pages.items():
            best[name] = min(best[name], median_ms(app, environs[name], options.requests))
    return best, sizes


def over_http(
    pages: dict[str, tuple[Any, str, dict[str, str]]],
    order: sa.Row[Any],
    options: argparse.Namespace,
) -> dict[str, float]:
    """Per page: milliseconds per request with each app served by gunicorn, best of the runs."""
    with served({name: app for name, (app, _, _) in pages.items()}) as ports:
        served_pages = {
            name: Page(ports[name], path, headers) for name, (_, path, headers) in pages.items()
        }
        for page in served_pages.values():
            check_form(page.path, *fetch(page), order)
        seconds = seconds_per_request(
            served_pages, options.http_requests, options.repeats, options.clients
        )
    return {name: value * 1000 for name, value in seconds.items()}


def run(
    url: str, options: argparse.Namespace
) -> tuple[dict[str, dict[str, float]], dict[str, int]]:
    """Milliseconds per request of each page in each measure, and each page's size."""
    fill(url, options.customers)
    admin_app, headers = dashkit_app(url)
    floor, floor_headers = floor_app(url)
    plain, plain_engine = plain_floor_app(url)
    path = f"/orders/{ORDER_ID}/edit"
    pages = {
        "dashkit": (admin_app, f"/admin/bench_orders/{ORDER_ID}/edit", headers),
        "plain": (plain, path, {"Host": "localhost"}),
        "floor": (floor, path, floor_headers),
    }
    with plain_engine.connect() as connection:
        order = connection.execute(ORDER_QUERY, {"id": ORDER_ID}).one()
    engines = [admin_app.extensions["db"], floor.extensions["engine"], plain_engine]
    try:
        best, sizes = in_process(pages, order, options)
        results = {IN_PROCESS: best}
        if not options.in_process_only:
            for engine in engines:  # the servers fork from here: no connection may be shared
                engine.dispose()
            results[HTTP] = over_http(pages, order, options)
    finally:
        for engine in engines:
            engine.dispose()
    return results, sizes


def report(
    title: str, results: dict[str, dict[str, float]], sizes: dict[str, dict[str, int]]
) -> bool:
    """Print one measure's table, each database's verdict on the 3x target; whether all met."""
    print(title)
    print(
        f"  {'database':<11}{'dashkit':>12}{'page':>12}{'plain floor':>12}{'page':>12}"
        f"{'signed-in':>12}{'page':>12}{'/plain':>9}{'/signed':>8}"
    )
    met = True
    for label, ms in results.items():
        kib = {name: size / 1024 for name, size in sizes[label].items()}
        ratio = ms["dashkit"] / ms["plain"]
        verdict = "met" if ratio <= LIMIT else "MISSED"
        met = met and ratio <= LIMIT
        print(
            f"  {label:<11}{ms['dashkit']:>9.2f} ms{kib['dashkit']:>8.1f} KiB"
            f"{ms['plain']:>9.2f} ms{kib['plain']:>8.1f} KiB"
            f"{ms['floor']:>9.2f} ms{kib['floor']:>8.1f} KiB"
            f"{ratio:>8.2f}x{ms['dashkit'] / ms['floor']:>8.2f}x  "
            f"{verdict}: within {LIMIT:.0f}x of the plain floor"
        )
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="in-process calls per run")
    parser.add_argument(
        "--repeats", type=int, default=5, help="runs of each measure; the best counts"
    )
    add_http_options(parser)
    parser.add_argument("--no-postgres", action="store_true")
    options = parser.parse_args()
    print(
        f"Python {sys.version.split()[0]}; order edit form, customer table of {options.customers:,} rows"
    )
    results, sizes = {}, {}
    with tempfile.TemporaryDirectory() as folder:
        results["SQLite"], sizes["SQLite"] = run(f"sqlite:///{folder}/bench.sqlite", options)
    if not options.no_postgres:
        name = f"dk_bench_{uuid.uuid4().hex[:8]}"
        server = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        try:
            with server.connect() as connection:
                connection.exec_driver_sql(f"CREATE DATABASE {name}")
        except sa.exc.OperationalError as error:
            print(f"  PostgreSQL skipped: {error.orig}")
        else:
            try:
                url = sa.make_url(POSTGRES).set(database=name).render_as_string(False)
                results["PostgreSQL"], sizes["PostgreSQL"] = run(url, options)
            finally:
                with server.connect() as connection:
                    connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        server.dispose()
    met = report(
        f"in-process WSGI call, median per request, best of {options.repeats} x "
        f"{options.requests} requests",
        {label: by_measure[IN_PROCESS] for label, by_measure in results.items()},
        sizes,
    )
    if not options.in_process_only:
        met = report(
            f"served by gunicorn (1 sync worker), {options.clients} client processes, time per "
            f"request, best of {options.repeats} x {options.http_requests} requests over fresh "
            "connections",
            {label: by_measure[HTTP] for label, by_measure in results.items()},
            sizes,
        )
    print("  (milliseconds per request; lower is better)")
    raise SystemExit(0 if met else 1)


if __name__ == "__main__":
    main()
