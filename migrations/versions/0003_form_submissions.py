"""create forms' one-time submission tokens

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dashkit_submissions",
        sa.Column("token", sa.String(length=64), primary_key=True),
        sa.Column("model", sa.String(length=150), nullable=False),
        sa.Column("object_pk", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index(
        op.f("ix_dashkit_submissions_created_at"), "dashkit_submissions", ["created_at"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_dashkit_submissions_created_at"), table_name="dashkit_submissions")
    op.drop_table("dashkit_submissions")
