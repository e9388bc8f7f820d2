"""Outbox of messages to tenants; a ticket's object and planned part of the day.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 09:00:00.000000

`outbox_messages` holds the status updates for tenants until a channel sends them.
`tickets.object` lets duplicate detection compare what is broken, and
`tickets.planned_part_of_day` says when on the planned date the contractor comes.
Both columns are nullable, so existing tickets stay valid. Written to run on SQLite
and PostgreSQL; names follow `bot.db.NAMING_CONVENTION`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tickets", sa.Column("object", sa.String(length=64), nullable=True))
    op.add_column("tickets", sa.Column("planned_part_of_day", sa.String(length=32), nullable=True))
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("recipient", sa.String(length=128), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_outbox_messages_tenant_id_tenants"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_outbox_messages_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
    )
    op.create_index(op.f("ix_outbox_messages_sent_at"), "outbox_messages", ["sent_at"])
    op.create_index(op.f("ix_outbox_messages_tenant_id"), "outbox_messages", ["tenant_id"])
    op.create_index(op.f("ix_outbox_messages_ticket_id"), "outbox_messages", ["ticket_id"])


def downgrade() -> None:
    op.drop_table("outbox_messages")
    # SQLite (3.35 and later) drops an unindexed, unconstrained column in place too.
    op.drop_column("tickets", "planned_part_of_day")
    op.drop_column("tickets", "object")
