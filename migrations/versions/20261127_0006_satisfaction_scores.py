"""Satisfaction scores (1-5) at the end of a finished flow.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 12:05:00.000000

See `bot.outcomes`. Written to run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "satisfaction_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=128), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("flow", sa.String(length=32), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name=op.f("ck_satisfaction_scores_score_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_satisfaction_scores")),
    )
    op.create_index(
        op.f("ix_satisfaction_scores_conversation_id"), "satisfaction_scores", ["conversation_id"]
    )
    op.create_index(op.f("ix_satisfaction_scores_at"), "satisfaction_scores", ["at"])


def downgrade() -> None:
    op.drop_table("satisfaction_scores")
