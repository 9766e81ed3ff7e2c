"""Edit-form benchmark: an order whose foreign key points at a 100,000-row customer table.

Usage: .venv/bin/python bench/edit_form.py [--customers N] [--requests N] [--repeats R] [--no-postgres]

Compares dashkit's admin edit page (signed in, with CSRF, sessions, the audit-ready
signed originals, and an autocomplete instead of a 100,000-option select) with two floors:
the plain floor the issue sets (one SQLAlchemy Core query of the order and its customer,
a minimal Jinja2 form, no sign-in) and a signed-in one (Flask + SQLAlchemy with a
signed-cookie session and a user query rendering the same plain form). All run in this
process through their WSGI callables, on SQLite and PostgreSQL (when reachable). Every
loop is bounded by a count; the target (3x) is against the plain floor.
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


def plain_floor_app(url: str) -> tuple[Any, sa.Engine]:
    """The floor the issue sets: one Core query of the order joined to its customer's
    name and a minimal Jinja2 form; no session, no user, no framework."""
    engine = sa.create_engine(url)
    template = Environment(
        loader=FileSystemLoader(BENCH / "templates"), autoescape=select_autoescape()
    ).get_template("floor_order_form.html")
    orders, customers = Order.__table__, Customer.__table__
    query = (
        sa.select(*orders.c, customers.c.name.label("customer_name"))
        .join_from(orders, customers)
        .where(orders.c.id == sa.bindparam("id"))
    )

    def application(environ: dict[str, Any], start_response: Any) -> Any:
        order_id = int(Request(environ).path.rsplit("/", 2)[-2])
        with engine.connect() as connection:
            order = connection.execute(query, {"id": order_id}).first()
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


def first_response(app: Any, environ: dict[str, Any]) -> bytes:
    status: list[str] = []
    body = b"".join(app(environ.copy(), lambda s, h, e=None: status.append(s)))
    if not status[0].startswith("200"):
        raise SystemExit(f"{environ['PATH_INFO']} answered {status[0]}")
    return body


def median_ms(app: Any, environ: dict[str, Any], requests: int) -> float:
    gc.collect()
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        for _chunk in app(environ.copy(), lambda s, h, e=None: None):
            pass
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def measure(
    pages: dict[str, tuple[Any, str, dict[str, str]]], requests: int, repeats: int
) -> dict[str, tuple[float, int]]:
    """Per page: the best median milliseconds per request over `repeats` runs, and its size.

    The pages take turns within each run, so a busy machine slows them alike.
    """
    environs = {
        name: EnvironBuilder(path=path, headers=headers).get_environ()
        for name, (_, path, headers) in pages.items()
    }
    sizes = {name: len(first_response(app, environs[name])) for name, (app, _, _) in pages.items()}
    best = {name: float("inf") for name in pages}
    for _ in range(repeats):
        for name, (app, _, _) in pages.items():
            best[name] = min(best[name], median_ms(app, environs[name], requests))
    return {name: (best[name], sizes[name]) for name in pages}


def run(label: str, url: str, options: argparse.Namespace) -> bool:
    fill(url, options.customers)
    admin_app, headers = dashkit_app(url)
    floor, floor_headers = floor_app(url)
    plain, plain_engine = plain_floor_app(url)
    results = measure(
        {
            "dashkit": (admin_app, "/admin/bench_orders/42/edit", headers),
            "plain": (plain, "/orders/42/edit", {"Host": "localhost"}),
            "floor": (floor, "/orders/42/edit", floor_headers),
        },
        options.requests,
        options.repeats,
    )
    (dashkit_ms, dashkit_bytes), (plain_ms, plain_bytes) = results["dashkit"], results["plain"]
    floor_ms, floor_bytes = results["floor"]
    ratio = dashkit_ms / plain_ms
    verdict = "ok" if ratio <= LIMIT else f"SLOWER than {LIMIT:.0f}x the plain floor"
    print(
        f"  {label:<11}{dashkit_ms:>9.2f} ms{dashkit_bytes / 1024:>8.1f} KiB"
        f"{plain_ms:>9.2f} ms{plain_bytes / 1024:>8.1f} KiB"
        f"{floor_ms:>9.2f} ms{floor_bytes / 1024:>8.1f} KiB"
        f"{ratio:>8.2f}x{dashkit_ms / floor_ms:>8.2f}x  {verdict}"
    )
    admin_app.extensions["db"].dispose()
    floor.extensions["engine"].dispose()
    plain_engine.dispose()
    return ratio <= LIMIT


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="requests per run")
    parser.add_argument("--repeats", type=int, default=5, help="runs; the best median counts")
    parser.add_argument("--no-postgres", action="store_true")
    options = parser.parse_args()
    print(
        f"Python {sys.version.split()[0]}; order edit form, customer table of {options.customers:,} rows"
    )
    print(
        f"  {'database':<11}{'dashkit':>12}{'page':>12}{'plain floor':>12}{'page':>12}"
        f"{'signed-in':>12}{'page':>12}{'/plain':>9}{'/signed':>8}"
    )
    results = []
    with tempfile.TemporaryDirectory() as folder:
        results.append(run("SQLite", f"sqlite:///{folder}/bench.sqlite", options))
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
                results.append(
                    run(
                        "PostgreSQL",
                        sa.make_url(POSTGRES).set(database=name).render_as_string(False),
                        options,
                    )
                )
            finally:
                with server.connect() as connection:
                    connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        server.dispose()
    print("  (median time per request, best of the runs; lower is better)")
    raise SystemExit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
