"""Customers, the identifiers that recognise them, and their events.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=True),
        sa.Column("consent", sa.JSON(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
    )
    op.create_table(
        "identifiers",
        sa.Column("kind", sa.String(100), nullable=False),
        sa.Column("value", sa.String(500), nullable=False),
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], ondelete="CASCADE",
                                name=op.f("fk_identifiers_customer_id_customers")),
        sa.PrimaryKeyConstraint("kind", "value", name=op.f("pk_identifiers")),
    )
    op.create_index(op.f("ix_identifiers_customer_id"), "identifiers", ["customer_id"], unique=False)
    op.create_table(
        "events",
        # INTEGER on SQLite, so that the key is the rowid; BIGINT elsewhere.
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True,
                  nullable=False),
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("properties", sa.JSON(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("dedup_key", sa.String(200), nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], ondelete="CASCADE",
                                name=op.f("fk_events_customer_id_customers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_events_dedup_key")),
    )
    op.create_index("ix_events_customer_name_time", "events", ["customer_id", "name", "occurred_at"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_events_customer_name_time", table_name="events")
    op.drop_table("events")
    op.drop_index(op.f("ix_identifiers_customer_id"), table_name="identifiers")
    op.drop_table("identifiers")
    op.drop_table("customers")
