"""The name of the collector write key each event arrived with (``events.write_key``).

The collector records which of the workspace's named write keys (:mod:`engine.track.collector_keys`)
a request came with, so that two data sources of one protocol (a website and an app, each with a
key of its own) count apart. Only the name is kept, never the key. Events stored before, imported
from CSV or sent with a key given on the command line (which has no name) have none.

Adding a nullable column without a default is a plain ``ALTER TABLE ... ADD COLUMN`` on SQLite
too: no table is rebuilt, however many events it holds. No index: the counts per source scan the
events anyway.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A workspace whose recorded revision was set back by hand, to run an earlier data migration
    # (0006) again, has the column already.
    if "write_key" in {column["name"] for column in sa.inspect(op.get_bind()).get_columns("events")}:
        return
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("write_key", sa.String(100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("write_key")
