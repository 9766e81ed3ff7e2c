"""`dashkit serve URL` and `dashkit demo`: an admin for an existing database, with no code."""

from __future__ import annotations

import secrets

import click
import sqlalchemy as sa
from sqlalchemy.orm import Session

from dashkit.auth import UserError, create_user, find_user, set_password
from dashkit.cli.selection import (
    connect,
    database_url_options,
    selection_from,
    selection_options,
)
from dashkit.db import make_engine, mask_url
from dashkit.db.urls import mask_secrets
from dashkit.demo import build_demo_database
from dashkit.errors import ConfigError
from dashkit.serve import ServedApp, ServeOptions, build_app, dashkit_home, issue_first_admin_link
from dashkit.serve.server import run_server

DEMO_USER = "demo"


def server_options(command):
    """--host, --port and --workers, shared by serve and demo."""
    command = click.option(
        "--workers",
        type=click.IntRange(min=1),
        default=None,
        help="Run N worker processes through gunicorn.",
    )(command)
    command = click.option("--port", default=8000, show_default=True, type=int)(command)
    command = click.option(
        "--host", default="127.0.0.1", show_default=True, help="Interface to listen on."
    )(command)
    return command


@click.command()
@database_url_options
@server_options
@click.option(
    "--state",
    "state_url",
    metavar="URL",
    help="dashkit's own database (users, sessions, audit); default: a local SQLite file.",
)
@selection_options
@click.option("--read-only", is_flag=True, help="Allow no writes of any kind.")
def serve(
    database_url: str,
    host: str,
    port: int,
    workers: int | None,
    state_url: str | None,
    schemas: tuple[str, ...],
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    read_only: bool,
) -> None:
    """Serve an admin for DATABASE_URL (postgresql://, mysql://, sqlite:/// or a file path)."""
    connect(database_url).dispose()  # a clear message when the database cannot be reached
    options = ServeOptions(
        database_url, state_url, selection_from(schemas, include, exclude), read_only, host
    )
    served = _build(options)
    _announce(served, host, port)
    _run(served, host, port, workers)


@click.command()
@server_options
@click.option("--fresh", is_flag=True, help="Rebuild the demo database, losing changes made to it.")
def demo(host: str, port: int, workers: int | None, fresh: bool) -> None:
    """Build a demo shop database and serve it, with a demo admin account."""
    path = dashkit_home() / "demo" / "shop.sqlite"
    if fresh or not path.exists():
        build_demo_database(path)
        click.echo(f"dashkit: built the demo shop database {path}")
    served = _build(ServeOptions(str(path), host=host))
    password = _reset_demo_admin(served.state_url)
    _announce(served, host, port, show_first_admin_link=False)
    click.echo(f"  sign in as {DEMO_USER!r} with the one-time password {password}")
    click.echo("  (a new password is made each time `dashkit demo` starts)")
    _run(served, host, port, workers)


def _build(options: ServeOptions) -> ServedApp:
    try:
        return build_app(options)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    except sa.exc.DBAPIError as error:
        reason = str(error.orig).strip().splitlines()[0]
        for url in (options.url, options.state_url):
            reason = mask_secrets(reason, url) if url else reason
        raise click.ClickException(f"database error: {reason}") from None


def _announce(
    served: ServedApp, host: str, port: int, *, show_first_admin_link: bool = True
) -> None:
    base = f"http://{_display_host(host)}:{port}"
    database = served.database
    views = sum(1 for table in database.tables if table.is_view)
    click.echo(
        f"dashkit: serving {mask_url(served.data_url)} ({len(database.tables) - views} tables, {views} views)"
    )
    for skipped in database.skipped:
        click.echo(f"  not served: {skipped.summary}")
    if served.read_only:
        session = (
            "the database session is read-only too"
            if served.read_only_enforced
            else "this database cannot make the session read-only"
        )
        click.echo(f"  read-only: every write is refused; {session}")
    click.echo(f"  admin:  {base}/admin/")
    click.echo(f"  state:  {mask_url(served.state_url)}")
    for warning in served.warnings:
        click.echo(warning, err=True)
    if not show_first_admin_link:
        return
    engine = make_engine(served.state_url)
    try:
        with Session(engine) as session:
            link = issue_first_admin_link(session, base)
    finally:
        engine.dispose()
    if link is not None:
        click.echo(
            "No users yet. Create the first admin in your browser (the link works once, for 24 hours):"
        )
        click.echo(f"  {link}")
        click.echo("or from a terminal:")
        click.echo(
            f"  dashkit users create NAME --role admin --state '{mask_url(served.state_url)}'"
        )


def _reset_demo_admin(state_url: str) -> str:
    """Give the demo admin a fresh random password and return it."""
    password = secrets.token_urlsafe(12)
    engine = make_engine(state_url)
    try:
        with Session(engine) as session, session.begin():
            user = find_user(session, DEMO_USER)
            if user is None:
                create_user(
                    session, DEMO_USER, password, roles=["admin"], display_name="Demo admin"
                )
            else:
                set_password(session, user, password)
                user.is_active = True
                user.roles = ["admin"]
    except UserError as error:
        raise click.ClickException(str(error)) from None
    finally:
        engine.dispose()
    return password


def _display_host(host: str) -> str:
    if host in ("0.0.0.0", "::"):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def _run(served: ServedApp, host: str, port: int, workers: int | None) -> None:
    click.echo("Ctrl+C to stop")
    try:
        run_server(served.app, host, port, workers)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
