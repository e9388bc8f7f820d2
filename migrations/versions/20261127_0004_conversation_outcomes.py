"""Conversation outcomes: self-help solved or not.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 10:20:00.000000

See `bot.outcomes`. Written to run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=128), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("problem", sa.String(length=64), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('self_help_solved', 'self_help_failed')", name=op.f("ck_conversation_outcomes_kind")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_outcomes")),
    )
    op.create_index(
        op.f("ix_conversation_outcomes_conversation_id"), "conversation_outcomes", ["conversation_id"]
    )
    op.create_index(op.f("ix_conversation_outcomes_kind"), "conversation_outcomes", ["kind"])
    op.create_index(op.f("ix_conversation_outcomes_at"), "conversation_outcomes", ["at"])


def downgrade() -> None:
    op.drop_table("conversation_outcomes")
