"""Channel delivery: outbox statuses, retries, media and buttons; inbound messages seen once.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 14:30:00.000000

See `bot.outbox` and `bot.channels.inbound`. Written to run on SQLite (batch mode) and
PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.add_column(sa.Column("conversation_id", sa.String(length=128), nullable=True))
        batch.add_column(sa.Column("media_url", sa.Text(), nullable=True))
        batch.add_column(sa.Column("buttons", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("status", sa.String(length=20), nullable=False, server_default="pending"))
        batch.add_column(sa.Column("status_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("provider_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index(batch.f("ix_outbox_messages_provider_id"), ["provider_id"])
        batch.create_index(batch.f("ix_outbox_messages_recipient"), ["recipient"])
        batch.create_index(batch.f("ix_outbox_messages_status"), ["status"])
    op.execute("UPDATE outbox_messages SET status = 'sent' WHERE sent_at IS NOT NULL")
    op.create_table(
        "inbound_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("message_id", sa.String(length=128), nullable=False),
        sa.Column("sender", sa.String(length=128), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_messages")),
        sa.UniqueConstraint("channel", "message_id", name=op.f("uq_inbound_messages_channel_message_id")),
    )
    op.create_index(op.f("ix_inbound_messages_sender"), "inbound_messages", ["sender", "received_at"])


def downgrade() -> None:
    op.drop_table("inbound_messages")
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_index(batch.f("ix_outbox_messages_status"))
        batch.drop_index(batch.f("ix_outbox_messages_recipient"))
        batch.drop_index(batch.f("ix_outbox_messages_provider_id"))
        for column in ("next_attempt_at", "provider_id", "status_at", "status", "buttons", "media_url"):
            batch.drop_column(column)
        batch.drop_column("conversation_id")
