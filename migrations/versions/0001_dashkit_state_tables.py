"""dashkit state tables: users, roles, sessions, login attempts, audit, saved views, tokens, settings

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dashkit_audit_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=150), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("model", sa.String(length=150), nullable=False),
        sa.Column("object_pk", sa.String(length=255), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("summary", sa.String(length=255), nullable=False),
        sa.Column("client_address", sa.String(length=45), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashkit_audit_events")),
    )
    op.create_index(
        "ix_dashkit_audit_events_model_pk",
        "dashkit_audit_events",
        ["model", "object_pk"],
        unique=False,
    )
    op.create_index(
        op.f("ix_dashkit_audit_events_occurred_at"),
        "dashkit_audit_events",
        ["occurred_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_dashkit_audit_events_user_id"), "dashkit_audit_events", ["user_id"], unique=False
    )
    op.create_table(
        "dashkit_login_attempts",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("username", sa.String(length=150), nullable=False),
        sa.Column("client_address", sa.String(length=45), nullable=False),
        sa.Column("attempted_at", sa.DateTime(), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashkit_login_attempts")),
    )
    op.create_index(
        "ix_dashkit_login_attempts_address_at",
        "dashkit_login_attempts",
        ["client_address", "attempted_at"],
        unique=False,
    )
    op.create_index(
        "ix_dashkit_login_attempts_username_at",
        "dashkit_login_attempts",
        ["username", "attempted_at"],
        unique=False,
    )
    op.create_table(
        "dashkit_one_time_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_dashkit_one_time_tokens")),
    )
    op.create_table(
        "dashkit_roles",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.String(length=255), nullable=False),
        sa.Column("permissions", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_dashkit_roles")),
    )
    op.create_table(
        "dashkit_settings",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_dashkit_settings")),
    )
    op.create_table(
        "dashkit_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=150), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("display_name", sa.String(length=150), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.Column("password_changed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashkit_users")),
        sa.UniqueConstraint("username", name=op.f("uq_dashkit_users_username")),
    )
    op.create_table(
        "dashkit_api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=150), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["dashkit_users.id"],
            name=op.f("fk_dashkit_api_tokens_user_id_dashkit_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashkit_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_dashkit_api_tokens_token_hash")),
    )
    op.create_index(
        op.f("ix_dashkit_api_tokens_user_id"), "dashkit_api_tokens", ["user_id"], unique=False
    )
    op.create_table(
        "dashkit_saved_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=150), nullable=False),
        sa.Column("name", sa.String(length=150), nullable=False),
        sa.Column("query_string", sa.String(length=2000), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["dashkit_users.id"],
            name=op.f("fk_dashkit_saved_views_user_id_dashkit_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashkit_saved_views")),
        sa.UniqueConstraint(
            "user_id", "model", "name", name=op.f("uq_dashkit_saved_views_user_id_model_name")
        ),
    )
    op.create_table(
        "dashkit_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("user_agent", sa.String(length=255), nullable=False),
        sa.Column("client_address", sa.String(length=45), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["dashkit_users.id"],
            name=op.f("fk_dashkit_sessions_user_id_dashkit_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_dashkit_sessions")),
    )
    op.create_index(
        op.f("ix_dashkit_sessions_expires_at"), "dashkit_sessions", ["expires_at"], unique=False
    )
    op.create_index(
        op.f("ix_dashkit_sessions_user_id"), "dashkit_sessions", ["user_id"], unique=False
    )


def downgrade() -> None:
    # dropping a table drops its indexes; MySQL refuses to drop an index a foreign key uses
    op.drop_table("dashkit_sessions")
    op.drop_table("dashkit_saved_views")
    op.drop_table("dashkit_api_tokens")
    op.drop_table("dashkit_users")
    op.drop_table("dashkit_settings")
    op.drop_table("dashkit_roles")
    op.drop_table("dashkit_one_time_tokens")
    op.drop_table("dashkit_login_attempts")
    op.drop_table("dashkit_audit_events")
