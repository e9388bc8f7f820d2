"""Tenants and tickets: complexes, units, tenants, tickets, contractors, callbacks.

Revision ID: 0001
Revises:
Create Date: 2026-11-27 07:21:58.274004

Written to run on SQLite and PostgreSQL. Value lists are frozen here on purpose:
a migration describes the schema as it was, not as the code is today. Constraint
and index names follow `bot.db.NAMING_CONVENTION`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

URGENCIES = ("emergency", "urgent", "normal")
STATUSES = ("open", "planned", "in_progress", "done", "cancelled")


def upgrade() -> None:
    op.create_table(
        "complexes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("town", sa.String(length=100), nullable=False),
        sa.Column("building_type", sa.String(length=50), nullable=False),
        sa.Column("has_lift", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complexes")),
        sa.UniqueConstraint("code", name=op.f("uq_complexes_code")),
    )
    op.create_table(
        "contractors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("trade", sa.String(length=32), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("on_call", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contractors")),
        sa.UniqueConstraint("name", name=op.f("uq_contractors_name")),
    )
    op.create_index(op.f("ix_contractors_trade"), "contractors", ["trade"])

    op.create_table(
        "ticket_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_ticket_counters")),
    )
    op.create_table(
        "contractor_complexes",
        sa.Column("contractor_id", sa.Integer(), nullable=False),
        sa.Column("complex_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complex_id"],
            ["complexes.id"],
            name=op.f("fk_contractor_complexes_complex_id_complexes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contractor_id"],
            ["contractors.id"],
            name=op.f("fk_contractor_complexes_contractor_id_contractors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contractor_id", "complex_id", name=op.f("pk_contractor_complexes")),
    )
    op.create_table(
        "shared_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complex_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["complex_id"],
            ["complexes.id"],
            name=op.f("fk_shared_areas_complex_id_complexes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shared_areas")),
        sa.UniqueConstraint("complex_id", "code", name=op.f("uq_shared_areas_complex_id_code")),
    )
    op.create_index(op.f("ix_shared_areas_complex_id"), "shared_areas", ["complex_id"])

    op.create_table(
        "units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complex_id", sa.Integer(), nullable=False),
        sa.Column("street", sa.String(length=200), nullable=True),
        sa.Column("postcode", sa.String(length=6), nullable=False),
        sa.Column("house_number", sa.Integer(), nullable=False),
        sa.Column("addition", sa.String(length=6), nullable=False),
        sa.ForeignKeyConstraint(["complex_id"], ["complexes.id"], name=op.f("fk_units_complex_id_complexes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_units")),
        sa.UniqueConstraint(
            "postcode", "house_number", "addition", name=op.f("uq_units_postcode_house_number_addition")
        ),
    )
    op.create_index(op.f("ix_units_complex_id"), "units", ["complex_id"])

    op.create_table(
        "tenants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_number", sa.String(length=32), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("tenancy_start", sa.Date(), nullable=False),
        sa.Column("tenancy_end", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "tenancy_end IS NULL OR tenancy_end >= tenancy_start", name=op.f("ck_tenants_tenancy_period")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_tenants_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenants")),
        sa.UniqueConstraint("customer_number", name=op.f("uq_tenants_customer_number")),
    )
    op.create_index(op.f("ix_tenants_unit_id"), "tenants", ["unit_id"])

    op.create_table(
        "callback_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=True),
        sa.Column("phone", sa.String(length=16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "tenant_id IS NOT NULL OR phone IS NOT NULL", name=op.f("ck_callback_requests_tenant_or_phone")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_callback_requests_tenant_id_tenants"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callback_requests")),
    )
    op.create_index(op.f("ix_callback_requests_tenant_id"), "callback_requests", ["tenant_id"])

    op.create_table(
        "tenant_phones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_tenant_phones_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenant_phones")),
        sa.UniqueConstraint("tenant_id", "number", name=op.f("uq_tenant_phones_tenant_id_number")),
    )
    op.create_index(op.f("ix_tenant_phones_number"), "tenant_phones", ["number"])

    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("problem", sa.String(length=64), nullable=False),
        sa.Column("room", sa.String(length=64), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("urgency", sa.String(length=32), nullable=False),
        sa.Column("trade", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("conversation_id", sa.String(length=128), nullable=True),
        sa.Column("photos", sa.JSON(), nullable=False),
        sa.Column("availability", sa.JSON(), nullable=True),
        sa.Column("someone_home_required", sa.Boolean(), nullable=False),
        sa.Column("planned_date", sa.Date(), nullable=True),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("complex_id", sa.Integer(), nullable=True),
        sa.Column("shared_area_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["complex_id"], ["complexes.id"], name=op.f("fk_tickets_complex_id_complexes")
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"],
            ["tickets.id"],
            name=op.f("fk_tickets_duplicate_of_id_tickets"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["shared_area_id"], ["shared_areas.id"], name=op.f("fk_tickets_shared_area_id_shared_areas")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_tickets_tenant_id_tenants"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_tickets_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        sa.UniqueConstraint("number", name=op.f("uq_tickets_number")),
        sa.CheckConstraint(f"urgency IN {URGENCIES}", name=op.f("ck_tickets_urgency")),
        sa.CheckConstraint(f"status IN {STATUSES}", name=op.f("ck_tickets_status")),
    )
    op.create_index(op.f("ix_tickets_complex_id"), "tickets", ["complex_id"])
    op.create_index(op.f("ix_tickets_conversation_id"), "tickets", ["conversation_id"])
    op.create_index(op.f("ix_tickets_duplicate_of_id"), "tickets", ["duplicate_of_id"])
    op.create_index(op.f("ix_tickets_shared_area_id"), "tickets", ["shared_area_id"])
    op.create_index(op.f("ix_tickets_status"), "tickets", ["status"])
    op.create_index(op.f("ix_tickets_tenant_id"), "tickets", ["tenant_id"])
    op.create_index(op.f("ix_tickets_unit_id"), "tickets", ["unit_id"])

    op.create_table(
        "ticket_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=32), nullable=True),
        sa.Column("to_status", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_history_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_history")),
    )
    op.create_index(op.f("ix_ticket_history_ticket_id"), "ticket_history", ["ticket_id"])


def downgrade() -> None:
    # Dropping a table drops its indexes and constraints too; children before parents.
    for table in (
        "ticket_history",
        "tickets",
        "tenant_phones",
        "callback_requests",
        "tenants",
        "units",
        "shared_areas",
        "contractor_complexes",
        "ticket_counters",
        "contractors",
        "complexes",
    ):
        op.drop_table(table)
