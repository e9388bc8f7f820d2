"""Nuisance reports, to see repeated reports about one address.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 11:10:00.000000

See `bot.nuisance`. Written to run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "nuisance_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=128), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=True),
        sa.Column("about_address", sa.String(length=200), nullable=True),
        sa.Column("serious", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_nuisance_reports_tenant_id_tenants"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nuisance_reports")),
    )
    for column in ("conversation_id", "tenant_id", "about_address", "created_at"):
        op.create_index(op.f(f"ix_nuisance_reports_{column}"), "nuisance_reports", [column])


def downgrade() -> None:
    op.drop_table("nuisance_reports")
