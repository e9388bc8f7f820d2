"""Messages agents flag as misunderstood by the bot, for the review inbox.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 18:30:00.000000

See `bot.review`. Written to run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=128), nullable=False),
        sa.Column("flagged_by", sa.String(length=40), nullable=False),
        sa.Column("flagged_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_flags")),
        sa.UniqueConstraint("event_id", name=op.f("uq_review_flags_event_id")),
    )


def downgrade() -> None:
    op.drop_table("review_flags")
