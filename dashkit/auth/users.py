"""Users: create, authenticate, change password, roles and active flag.

Every function takes the state database session and leaves committing to the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dashkit import audit
from dashkit.auth.passwords import (
    MIN_LENGTH,
    PasswordHasher,
    PasswordPolicyError,
    check_password_policy,
)
from dashkit.auth.sessions import delete_user_sessions
from dashkit.auth.signed_in import SignedInUser
from dashkit.auth.usernames import UsernameError, checked_username, username_key
from dashkit.errors import DashkitError
from dashkit.state import User, utcnow

if TYPE_CHECKING:
    from dashkit.http import Request

DEFAULT_HASHER = PasswordHasher()
USERS_MODEL = "dashkit_users"
"""The model name of users in the audit trail."""
AUDITED_FIELDS = ("username", "display_name", "email", "roles", "is_active")


class UserError(DashkitError):
    """A user cannot be created or changed as asked; the message says why."""


def find_user(db: Session, username: str) -> User | None:
    """The user with this username: by its exact (lower-case) name, else by key, so that
    `Alice ` and `ＡＬＩＣＥ` find `alice`, and `STRASSE` finds `straße`.

    The exact name comes first for a look-alike account made before keys existed: it
    has none (the older account holds it) and signs in by its own name, as it did then.
    """
    exact = db.scalar(sa.select(User).where(User.username == username.strip().lower()))
    if exact is not None:
        return exact
    return db.scalar(sa.select(User).where(User.username_key == username_key(username)))


def any_users(db: Session) -> bool:
    """True once at least one user exists (`dashkit serve` explains how to add the first)."""
    return db.scalar(sa.select(User.id).limit(1)) is not None


def create_user(
    db: Session,
    username: str,
    password: str,
    roles: Iterable[str] = (),
    *,
    email: str | None = None,
    display_name: str = "",
    hasher: PasswordHasher = DEFAULT_HASHER,
    min_password_length: int | None = None,
) -> User:
    """Add an active user after checking the username and the password policy."""
    try:
        name = checked_username(username)
    except UsernameError as error:
        raise UserError(str(error)) from None
    taken = find_user(db, name)
    if taken is not None:
        raise UserError(f"A user named {taken.username!r} already exists.")
    _check_policy(password, name, min_password_length)
    user = User(
        username=name,
        username_key=username_key(name),
        email=email or None,
        display_name=display_name or name,
        password_hash=hasher.hash(password),
        roles=list(dict.fromkeys(roles)),
        is_active=True,
        created_at=utcnow(),
        password_changed_at=utcnow(),
    )
    db.add(user)
    db.flush()
    return user


def set_password(
    db: Session,
    user: User,
    password: str,
    *,
    hasher: PasswordHasher = DEFAULT_HASHER,
    min_password_length: int | None = None,
) -> None:
    """Change the password and end all of the user's sessions (callers may start a new one)."""
    _check_policy(password, user.username, min_password_length)
    user.password_hash = hasher.hash(password)
    user.password_changed_at = utcnow()
    end_sessions(db, user)


def set_active(db: Session, user: User, active: bool) -> None:
    """Enable or disable a user; disabling ends their sessions at once."""
    user.is_active = active
    if not active:
        end_sessions(db, user)
    db.flush()


def set_roles(db: Session, user: User, roles: Iterable[str]) -> None:
    """Replace the user's roles."""
    user.roles = list(dict.fromkeys(roles))
    db.flush()


def end_sessions(db: Session, user: User) -> None:
    """Delete every server-side session of `user`."""
    db.flush()
    delete_user_sessions(db, user.id)


def record_user_event(
    target: Request | Session,
    action: str,
    user: User | SignedInUser,
    summary: str,
    changes: Mapping[str, tuple[Any, Any]] | None = None,
) -> None:
    """Write one audit event about `user`: sign-ins, password changes, edits."""
    audit.record(target, action, USERS_MODEL, str(user.id), changes or {}, summary=summary)


def authenticate(db: Session, username: str, password: str, hasher: PasswordHasher) -> User | None:
    """The active user with this username and password, else None.

    Unknown and disabled users cost one hash check too, so the time taken does not tell
    whether a username exists. A hash made with other parameters is upgraded.
    """
    dummy = hasher.dummy_hash  # made at the first attempt whoever it names, not only for strangers
    user = find_user(db, username)
    stored = user.password_hash if user is not None else None
    if stored is None:
        hasher.verify(password, dummy)
        return None
    if not hasher.verify(password, stored) or not user.is_active:
        return None
    if hasher.needs_rehash(stored):
        user.password_hash = hasher.hash(password)
    return user


def _check_policy(password: str, username: str, min_length: int | None) -> None:
    try:
        check_password_policy(password, username, min_length or MIN_LENGTH)
    except PasswordPolicyError as error:
        raise UserError(str(error)) from None
