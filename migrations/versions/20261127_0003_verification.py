"""Verification of chat senders: failed attempts and locks, verified conversations.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 08:45:00.000000

See `bot.verification`. Written to run on SQLite and PostgreSQL; constraint and index
names follow `bot.db.NAMING_CONVENTION`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verification_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("scope IN ('conversation', 'phone')", name=op.f("ck_verification_attempts_scope")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_attempts")),
        sa.UniqueConstraint("scope", "key", name=op.f("uq_verification_attempts_scope_key")),
    )
    op.create_table(
        "verifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_verifications_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verifications")),
        sa.UniqueConstraint("conversation_id", name=op.f("uq_verifications_conversation_id")),
    )
    op.create_index(op.f("ix_verifications_expires_at"), "verifications", ["expires_at"])
    op.create_index(op.f("ix_verifications_tenant_id"), "verifications", ["tenant_id"])


def downgrade() -> None:
    # Dropping a table drops its indexes and constraints too.
    op.drop_table("verifications")
    op.drop_table("verification_attempts")
