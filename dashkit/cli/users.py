"""`dashkit users ...`: create and manage users on a state database.

The database comes from `--app 'module:create_app()'` (the app's state database, its
password settings and roles) or `--state URL` (or DASHKIT_STATE_URL); each command first
brings its state tables to the newest revision, under the migration lock, as `dashkit
serve` does. Passwords are typed at a hidden prompt or read from stdin, never passed as
arguments.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from typing import Any

import click
import sqlalchemy as sa
from alembic.util import CommandError
from sqlalchemy.orm import Session

from dashkit import audit
from dashkit.auth.extension import get_auth
from dashkit.auth.passwords import MIN_LENGTH, PasswordHasher
from dashkit.auth.permissions import RoleCatalog
from dashkit.auth.users import (
    AUDITED_FIELDS,
    UserError,
    create_user,
    find_user,
    record_user_event,
    set_active,
    set_password,
    set_roles,
)
from dashkit.db import driver_message, get_database, make_engine
from dashkit.errors import DashkitError
from dashkit.loading import load_app
from dashkit.migrations import upgrade_state
from dashkit.state import User


@dataclass
class UserStore:
    """An open state database session and the password and role rules that apply to it."""

    db: Session
    hasher: PasswordHasher
    roles: RoleCatalog
    min_password_length: int

    def user(self, username: str) -> User:
        """The user named `username`; a clear CLI error when there is none."""
        user = find_user(self.db, username)
        if user is None:
            raise click.ClickException(
                f"there is no user named {username!r} (see: dashkit users list)"
            )
        return user

    def check_roles(self, roles: tuple[str, ...]) -> list[str]:
        """`roles` as a list when every one is known; a CLI error naming the unknown ones."""
        known = self.roles.names(self.db)
        unknown = [role for role in roles if role not in known]
        if unknown:
            raise click.ClickException(
                f"unknown role {', '.join(unknown)}; known roles: {', '.join(known)}"
            )
        return list(roles)


@click.group("users")
def users() -> None:
    """Create and manage users (there are never default credentials)."""


def with_store(command_function: Callable[..., Any]) -> Callable[..., Any]:
    """Add --app and --state; the command receives an open `store`, committed on success."""

    @click.option(
        "--app", "app_path", metavar="APP", help="The app factory, e.g. 'shop:create_app()'."
    )
    @click.option(
        "--state",
        "state_url",
        metavar="URL",
        help="State database URL (default: DASHKIT_STATE_URL).",
    )
    @wraps(command_function)
    def with_open_store(app_path: str | None, state_url: str | None, **kwargs: Any) -> None:
        try:
            with _open_store(app_path, state_url) as store:
                command_function(store=store, **kwargs)
        except (DashkitError, UserError, TimeoutError, CommandError) as error:
            raise click.ClickException(str(error)) from None
        except sa.exc.DBAPIError as error:
            raise click.ClickException(f"database error: {driver_message(error)}") from None

    return with_open_store


@contextmanager
def _open_store(app_path: str | None, state_url: str | None) -> Iterator[UserStore]:
    if app_path and state_url:
        raise click.UsageError("give either --app or --state, not both")
    if app_path:
        app = load_app(app_path)
        if "auth" in app.extensions:
            auth = get_auth(app)
            rules = (auth.hasher, auth.roles, auth.min_password_length)
        else:
            rules = (PasswordHasher(), RoleCatalog.from_config(app.config), MIN_LENGTH)
        upgrade_state(get_database(app).state.url)
        with get_database(app).state_session() as db:
            yield UserStore(db, *rules)
        return
    url = state_url or os.environ.get("DASHKIT_STATE_URL")
    if not url:
        raise click.UsageError("which database? pass --app 'module:create_app()' or --state URL")
    upgrade_state(url)
    engine = make_engine(url)
    try:
        with Session(engine) as db, db.begin():
            yield UserStore(db, PasswordHasher(), RoleCatalog(), MIN_LENGTH)
    finally:
        engine.dispose()


def _audit(
    store: UserStore,
    action: str,
    user: User,
    summary: str,
    changes: dict[str, tuple[Any, Any]] | None = None,
) -> None:
    """Record a change made here, naming the command line and its operating-system user."""
    who = f"{summary} on the command line as {getpass.getuser()}"
    record_user_event(store.db, action, user, who, changes)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users.command("create")
@click.argument("username")
@click.option(
    "--role", "roles", multiple=True, required=True, help="A role to grant; repeat for several."
)
@click.option("--email", default=None)
@click.option("--name", "display_name", default="", help="Display name (default: the username).")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)
@with_store
def create(
    store: UserStore,
    username: str,
    roles: tuple[str, ...],
    email: str | None,
    display_name: str,
    password_stdin: bool,
) -> None:
    """Create USERNAME with the given roles; the password is prompted for."""
    granted = store.check_roles(roles)
    user = create_user(
        store.db,
        username,
        _read_password(password_stdin),
        granted,
        email=email,
        display_name=display_name,
        hasher=store.hasher,
        min_password_length=store.min_password_length,
    )
    created = {field: (None, getattr(user, field)) for field in AUDITED_FIELDS}
    _audit(store, audit.CREATE, user, f"created {user.username}", created)
    click.echo(f"created user {user.username} with roles {', '.join(user.roles)}")


@users.command("list")
@with_store
def list_users(store: UserStore) -> None:
    """Show every user with roles, state and last sign-in."""
    rows = store.db.scalars(sa.select(User).order_by(User.username)).all()
    if not rows:
        click.echo(
            "no users yet; create the first admin with: dashkit users create NAME --role admin"
        )
        return
    for user in rows:
        last = user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "never"
        state = "active" if user.is_active else "disabled"
        click.echo(
            f"{user.username:<20} {','.join(user.roles or ()):<20} {state:<9} last sign-in {last}"
        )


@users.command("set-password")
@click.argument("username")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)
@with_store
def set_password_command(store: UserStore, username: str, password_stdin: bool) -> None:
    """Give USERNAME a new password; all of their sessions end."""
    user = store.user(username)
    set_password(
        store.db,
        user,
        _read_password(password_stdin),
        hasher=store.hasher,
        min_password_length=store.min_password_length,
    )
    _audit(store, "password_reset", user, f"reset the password of {user.username}")
    click.echo(f"password of {user.username} changed; their sessions have ended")


def _activation_command(name: str, active: bool, help_text: str) -> None:
    """Register `users disable` / `users enable`, which differ only in the flag they set."""

    @users.command(name, help=help_text)
    @click.argument("username")
    @with_store
    def change_activation(store: UserStore, username: str) -> None:
        user = store.user(username)
        before = user.is_active
        set_active(store.db, user, active)
        if before != active:
            changes = {"is_active": (before, active)}
            _audit(store, audit.UPDATE, user, f"{name}d {user.username}", changes)
        click.echo(f"{name}d {user.username}")


_activation_command("disable", False, "Stop USERNAME from signing in, and end their sessions.")
_activation_command("enable", True, "Let a disabled USERNAME sign in again.")


@users.command("set-role")
@click.argument("username")
@click.argument("roles", nargs=-1, required=True)
@with_store
def set_role(store: UserStore, username: str, roles: tuple[str, ...]) -> None:
    """Replace the roles of USERNAME with ROLES."""
    user = store.user(username)
    before = list(user.roles or ())
    set_roles(store.db, user, store.check_roles(roles))
    if before != user.roles:
        changes = {"roles": (before, list(user.roles))}
        _audit(store, audit.UPDATE, user, f"set the roles of {user.username}", changes)
    click.echo(f"{user.username} now has roles {', '.join(user.roles)}")
