"""Runs of published versions, their step log, node and edge counters, and the delivery outbox.

Revision ID: 0003
Revises: 0002
Create Date: 2025-01-03
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
        "runs",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("journey_id", sa.String(64), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("node_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("wake_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("wait_event", sa.String(200), nullable=True),
        sa.Column("wait_filters", sa.JSON(), nullable=False),
        sa.Column("event_port", sa.String(100), nullable=True),
        sa.Column("timeout_port", sa.String(100), nullable=True),
        sa.Column("resume_port", sa.String(100), nullable=True),
        sa.Column("vars", sa.JSON(), nullable=False),
        sa.Column("visits", sa.JSON(), nullable=False),
        sa.Column("goals", sa.JSON(), nullable=False),
        sa.Column("event", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("converted", sa.Boolean(), nullable=False),
        sa.Column("steps", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["journey_id"], ["journeys.id"], ondelete="CASCADE",
                                name=op.f("fk_runs_journey_id_journeys")),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], ondelete="CASCADE",
                                name=op.f("fk_runs_customer_id_customers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runs")),
    )
    op.create_index(op.f("ix_runs_journey_id"), "runs", ["journey_id"], unique=False)
    op.create_index("ix_runs_status_wake_at", "runs", ["status", "wake_at"], unique=False)
    op.create_index("ix_runs_customer_mode_status", "runs", ["customer_id", "mode", "status"], unique=False)
    op.create_table(
        "steps",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True,
                  nullable=False),
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("node_id", sa.String(64), nullable=False),
        sa.Column("port", sa.String(100), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], ondelete="CASCADE",
                                name=op.f("fk_steps_run_id_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_steps")),
    )
    op.create_index(op.f("ix_steps_run_id"), "steps", ["run_id"], unique=False)
    op.create_table(
        "node_counters",
        sa.Column("journey_id", sa.String(64), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("node_id", sa.String(64), nullable=False),
        sa.Column("entered", sa.Integer(), nullable=False),
        sa.Column("active", sa.Integer(), nullable=False),
        sa.Column("exited", sa.Integer(), nullable=False),
        sa.Column("converted", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["journey_id"], ["journeys.id"], ondelete="CASCADE",
                                name=op.f("fk_node_counters_journey_id_journeys")),
        sa.PrimaryKeyConstraint("journey_id", "version_number", "mode", "node_id",
                                name=op.f("pk_node_counters")),
    )
    op.create_table(
        "edge_counters",
        sa.Column("journey_id", sa.String(64), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("edge_id", sa.String(64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["journey_id"], ["journeys.id"], ondelete="CASCADE",
                                name=op.f("fk_edge_counters_journey_id_journeys")),
        sa.PrimaryKeyConstraint("journey_id", "version_number", "mode", "edge_id",
                                name=op.f("pk_edge_counters")),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("idempotency_key", sa.String(64), nullable=False),
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("node_id", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(200), nullable=False),
        sa.Column("channel_kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("frequency_cap_exempt", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("message_id", sa.String(200), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], ondelete="CASCADE",
                                name=op.f("fk_deliveries_run_id_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_deliveries_idempotency_key")),
    )
    op.create_index(op.f("ix_deliveries_run_id"), "deliveries", ["run_id"], unique=False)
    op.create_index("ix_deliveries_customer_mode_status", "deliveries", ["customer_id", "mode", "status"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_deliveries_customer_mode_status", table_name="deliveries")
    op.drop_index(op.f("ix_deliveries_run_id"), table_name="deliveries")
    op.drop_table("deliveries")
    op.drop_table("edge_counters")
    op.drop_table("node_counters")
    op.drop_index(op.f("ix_steps_run_id"), table_name="steps")
    op.drop_table("steps")
    op.drop_index("ix_runs_customer_mode_status", table_name="runs")
    op.drop_index("ix_runs_status_wake_at", table_name="runs")
    op.drop_index(op.f("ix_runs_journey_id"), table_name="runs")
    op.drop_table("runs")
