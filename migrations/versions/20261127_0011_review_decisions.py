"""Operators' decisions in the NLU review inbox.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 18:00:00.000000

See `bot.review`. Written to run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=128), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("predicted_intent", sa.String(length=64), nullable=True),
        sa.Column("intent", sa.String(length=64), nullable=True),
        sa.Column("example", sa.Text(), nullable=True),
        sa.Column("file", sa.String(length=200), nullable=True),
        sa.Column("decided_by", sa.String(length=40), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_decisions")),
        sa.UniqueConstraint("event_id", name=op.f("uq_review_decisions_event_id")),
    )


def downgrade() -> None:
    op.drop_table("review_decisions")
