"""dashkit's own tables in the state database: users, sessions, throttles, audit, views, tokens.

Migrated by the Alembic revisions in the top-level migrations/ folder, which keep their
own version table (`STATE_VERSION_TABLE`) so they never touch a user's `alembic_version`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

STATE_VERSION_TABLE = "dashkit_alembic_version"

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class UtcDateTime(sa.TypeDecorator[datetime]):
    """Stored as naive UTC on every dialect, returned timezone-aware."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("state timestamps must be timezone-aware")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class StateBase(DeclarativeBase):
    """Declarative base of dashkit's own tables, with its own metadata."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class User(StateBase):
    """Someone who can sign in to the admin."""

    __tablename__ = "dashkit_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(150), unique=True)
    username_key: Mapped[str | None] = mapped_column(sa.String(150), index=True, unique=True)
    """NFKC of the case-folded name, compared at sign-in (see dashkit.auth.usernames)."""
    email: Mapped[str | None] = mapped_column(sa.String(254))
    display_name: Mapped[str] = mapped_column(sa.String(150), default="")
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    roles: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Role(StateBase):
    """A custom role defined at run time: a name and the permissions it grants."""

    __tablename__ = "dashkit_roles"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    description: Mapped[str] = mapped_column(sa.String(255), default="")
    permissions: Mapped[list[str]] = mapped_column(sa.JSON, default=list)


class UserSession(StateBase):
    """A server-side session; the cookie holds a random id whose hash is the key."""

    __tablename__ = "dashkit_sessions"

    id_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("dashkit_users.id", ondelete="CASCADE"), index=True
    )
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    csrf_token: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    user_agent: Mapped[str] = mapped_column(sa.String(255), default="")
    client_address: Mapped[str] = mapped_column(sa.String(45), default="")


class LoginAttempt(StateBase):
    """One login attempt, for throttling per account and per client address."""

    __tablename__ = "dashkit_login_attempts"
    __table_args__ = (
        sa.Index("ix_dashkit_login_attempts_username_at", "username", "attempted_at"),
        sa.Index("ix_dashkit_login_attempts_address_at", "client_address", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(sa.String(150))
    client_address: Mapped[str] = mapped_column(sa.String(45))
    attempted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    succeeded: Mapped[bool] = mapped_column(default=False)


class AuditEvent(StateBase):
    """Who changed what, when: one row per create, update, delete, action or sign-in."""

    __tablename__ = "dashkit_audit_events"
    __table_args__ = (sa.Index("ix_dashkit_audit_events_model_pk", "model", "object_pk"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    username: Mapped[str] = mapped_column(sa.String(150), default="")
    action: Mapped[str] = mapped_column(sa.String(64))
    model: Mapped[str] = mapped_column(sa.String(150), default="")
    object_pk: Mapped[str] = mapped_column(sa.String(255), default="")
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    summary: Mapped[str] = mapped_column(sa.String(255), default="")
    client_address: Mapped[str] = mapped_column(sa.String(45), default="")


class SavedView(StateBase):
    """A user's named list state (search, filters, sort, columns) for one model."""

    __tablename__ = "dashkit_saved_views"
    __table_args__ = (sa.UniqueConstraint("user_id", "model", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("dashkit_users.id", ondelete="CASCADE"))
    model: Mapped[str] = mapped_column(sa.String(150))
    name: Mapped[str] = mapped_column(sa.String(150))
    query_string: Mapped[str] = mapped_column(sa.String(2000), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ApiToken(StateBase):
    """A bearer token for the JSON API; only its hash is stored."""

    __tablename__ = "dashkit_api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("dashkit_users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(150))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class OneTimeToken(StateBase):
    """A single-use, expiring token, e.g. the first-admin sign-in link of `dashkit serve`."""

    __tablename__ = "dashkit_one_time_tokens"

    token_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    purpose: Mapped[str] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Submission(StateBase):
    """A create form's one-time token and the row its first POST created: posted again
    (a double click, a retried request), the form shows that row instead of another."""

    __tablename__ = "dashkit_submissions"

    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    model: Mapped[str] = mapped_column(sa.String(150))
    object_pk: Mapped[str] = mapped_column(sa.String(255))
    user_id: Mapped[int | None] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class Setting(StateBase):
    """A value dashkit keeps for itself, e.g. the generated secret key of `dashkit serve`."""

    __tablename__ = "dashkit_settings"

    key: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    value: Mapped[str] = mapped_column(sa.Text)
