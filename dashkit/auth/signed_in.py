"""`request.user`: a read-only snapshot of the signed-in user's row.

The session's lookup reads the user's columns in the same query, as plain values: no
ORM object is built on every request. A view that changes the account loads its row
(`request.state_db.get(User, request.user.id)`) and changes that.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dashkit.state import User


@dataclass(frozen=True, slots=True)
class SignedInUser:
    """The signed-in user as the request found them (everything but the password hash)."""

    id: int
    username: str
    email: str | None
    display_name: str
    roles: tuple[str, ...]
    is_active: bool
    created_at: datetime
    last_login_at: datetime | None
    password_changed_at: datetime | None

    @classmethod
    def of(cls, user: User) -> SignedInUser:
        """The snapshot of a loaded `User` row."""
        return cls(**{name: getattr(user, name) for name in FIELD_NAMES} | _roles(user.roles))

    @classmethod
    def from_values(cls, values: Mapping[str, Any], prefix: str = "") -> SignedInUser:
        """The snapshot from a row of `columns(prefix)`."""
        found = {name: values[prefix + name] for name in FIELD_NAMES}
        return cls(**found | _roles(found["roles"]))


FIELD_NAMES = tuple(field.name for field in fields(SignedInUser))


def columns(prefix: str = "") -> list[sa.Label[Any]]:
    """The user table's columns a snapshot needs, labelled `prefix + name`."""
    table = User.__table__
    return [table.c[name].label(prefix + name) for name in FIELD_NAMES]


USER_BY_ID = sa.select(*columns()).where(User.__table__.c.id == sa.bindparam("user_id"))


def load_signed_in_user(db: Session, user_id: int) -> SignedInUser | None:
    """The snapshot of user `user_id`, or None when there is no such user."""
    found = db.connection().execute(USER_BY_ID, {"user_id": user_id}).mappings().first()
    return SignedInUser.from_values(found) if found is not None else None


def _roles(roles: list[str] | None) -> dict[str, tuple[str, ...]]:
    return {"roles": tuple(roles or ())}
