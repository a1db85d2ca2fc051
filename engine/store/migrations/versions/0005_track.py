"""Segments and who is in them, tracking-plan violations, and the record of merged profiles.

Revision ID: 0005
Revises: 0004
Create Date: 2025-01-05
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
        "segments",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_segments")),
        sa.UniqueConstraint("name", name=op.f("uq_segments_name")),
    )
    op.create_table(
        "segment_members",
        sa.Column("segment_id", sa.String(64), nullable=False),
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["segment_id"], ["segments.id"], ondelete="CASCADE",
                                name=op.f("fk_segment_members_segment_id_segments")),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], ondelete="CASCADE",
                                name=op.f("fk_segment_members_customer_id_customers")),
        sa.PrimaryKeyConstraint("segment_id", "customer_id", name=op.f("pk_segment_members")),
    )
    op.create_index(op.f("ix_segment_members_customer_id"), "segment_members", ["customer_id"], unique=False)
    op.create_table(
        "tracking_violations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True,
                  nullable=False),
        sa.Column("event_name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("property", sa.String(200), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("example", sa.JSON(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracking_violations")),
        sa.UniqueConstraint("event_name", "kind", "property", name=op.f("uq_tracking_violations_event_name")),
    )
    op.create_table(
        "identity_merges",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True,
                  nullable=False),
        sa.Column("kept_customer_id", sa.String(64), nullable=False),
        sa.Column("merged_customer_id", sa.String(64), nullable=False),
        sa.Column("identifiers", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_merges")),
    )
    op.create_index(op.f("ix_identity_merges_kept_customer_id"), "identity_merges", ["kept_customer_id"],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_identity_merges_kept_customer_id"), table_name="identity_merges")
    op.drop_table("identity_merges")
    op.drop_table("tracking_violations")
    op.drop_index(op.f("ix_segment_members_customer_id"), table_name="segment_members")
    op.drop_table("segment_members")
    op.drop_table("segments")
