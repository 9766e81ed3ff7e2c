"""usernames compared by key: NFKC of the case-folded name, unique

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04

Existing users get their key. Should two existing names share one (`admin` and a
fullwidth `ａｄｍｉｎ` made before keys), the older account keeps the key and the newer
keeps none: it still signs in by its exact name, and no new look-alike can be added.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def username_key(name: str) -> str:
    """As dashkit.auth.usernames has it at this revision (a migration must not change later)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name.strip()).casefold())


def upgrade() -> None:
    op.add_column("dashkit_users", sa.Column("username_key", sa.String(length=150), nullable=True))
    users = sa.table(
        "dashkit_users",
        sa.column("id", sa.Integer),
        sa.column("username", sa.String),
        sa.column("username_key", sa.String),
    )
    connection = op.get_bind()
    taken: set[str] = set()
    for user_id, username in connection.execute(
        sa.select(users.c.id, users.c.username).order_by(users.c.id)
    ):
        key = username_key(username)[:150]
        if key in taken:
            continue
        taken.add(key)
        connection.execute(sa.update(users).where(users.c.id == user_id).values(username_key=key))
    op.create_index(
        op.f("ix_dashkit_users_username_key"), "dashkit_users", ["username_key"], unique=True
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_dashkit_users_username_key"), table_name="dashkit_users")
    with op.batch_alter_table("dashkit_users") as batch:
        batch.drop_column("username_key")
