"""Initial workspace schema: journeys, drafts, immutable versions, meta.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_IMMUTABLE = "published versions are immutable; publish a new version instead"


def upgrade() -> None:
    op.create_table(
        "journeys",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("node_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journeys")),
    )
    op.create_table(
        "drafts",
        sa.Column("journey_id", sa.String(64), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("autosave", sa.Text(), nullable=True),
        sa.Column("autosave_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["journey_id"], ["journeys.id"], ondelete="CASCADE",
                                name=op.f("fk_drafts_journey_id_journeys")),
        sa.PrimaryKeyConstraint("journey_id", name=op.f("pk_drafts")),
    )
    op.create_table(
        "versions",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("journey_id", sa.String(64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["journey_id"], ["journeys.id"], ondelete="CASCADE",
                                name=op.f("fk_versions_journey_id_journeys")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_versions")),
        sa.UniqueConstraint("journey_id", "number", name=op.f("uq_versions_journey_id")),
    )
    op.create_index(op.f("ix_versions_journey_id"), "versions", ["journey_id"], unique=False)
    op.create_table(
        "meta",
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_meta")),
    )

    # The database itself refuses to change a published version, whoever connects to it.
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE TRIGGER versions_immutable BEFORE UPDATE ON versions "
            f"BEGIN SELECT RAISE(ABORT, '{_IMMUTABLE}'); END"
        )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{_IMMUTABLE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER versions_immutable BEFORE UPDATE ON versions "
            "FOR EACH ROW EXECUTE FUNCTION versions_immutable()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS versions_immutable")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS versions_immutable ON versions")
        op.execute("DROP FUNCTION IF EXISTS versions_immutable()")
    op.drop_table("meta")
    op.drop_index(op.f("ix_versions_journey_id"), table_name="versions")
    op.drop_table("versions")
    op.drop_table("drafts")
    op.drop_table("journeys")
