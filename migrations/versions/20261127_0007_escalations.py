"""Escalations to the desk or the on-call staff member; outbox messages without a ticket.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 14:00:00.000000

See `bot.escalation`. Written to run on SQLite (batch mode) and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=128), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("staff_name", sa.String(length=120), nullable=False),
        sa.Column("staff_phone", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_escalations_ticket_id_tickets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalations")),
    )
    op.create_index(op.f("ix_escalations_conversation_id"), "escalations", ["conversation_id"])
    op.create_index(op.f("ix_escalations_ticket_id"), "escalations", ["ticket_id"])
    op.create_index(op.f("ix_escalations_created_at"), "escalations", ["created_at"])
    with op.batch_alter_table("outbox_messages") as batch:
        batch.alter_column("ticket_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM outbox_messages WHERE ticket_id IS NULL")
    with op.batch_alter_table("outbox_messages") as batch:
        batch.alter_column("ticket_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("escalations")
