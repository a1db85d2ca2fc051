"""Tracking-plan violations point at the event they were seen in instead of copying its properties.

``tracking_violations.example`` held a copy of the latest offending event's properties (an e-mail
address, a name...), which ``profiles delete`` did not know about: deleting a customer left their
data in the examples that ``journey-studio tracking`` and the Tracking panel show. The example is
now the stored event itself (``example_event_id``, a foreign key to ``events`` that becomes NULL
when the event is deleted), so erasing a customer's events erases the examples taken from them,
and a merge, which moves events to the kept profile, keeps them with it.

The copies already stored cannot be told apart by customer, so they are emptied: the counts stay,
and ``journey-studio tracking check`` (or the Tracking panel's *Check stored events*) finds the
examples again from the stored events.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_violations = sa.table("tracking_violations", sa.column("example", sa.JSON), sa.column("example_event_id", sa.BigInteger))


def upgrade() -> None:
    # A workspace whose recorded revision was set back by hand, to run an earlier data migration
    # (0006) again, has the column already: then only the copies are emptied (there are none).
    columns = {column["name"] for column in sa.inspect(op.get_bind()).get_columns("tracking_violations")}
    if "example_event_id" in columns:
        op.execute(_violations.update().where(_violations.c.example_event_id.is_(None)).values(example={}))
        return
    with op.batch_alter_table("tracking_violations") as batch:
        batch.add_column(sa.Column("example_event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                                   nullable=True))
        batch.create_foreign_key(op.f("fk_tracking_violations_example_event_id_events"), "events",
                                 ["example_event_id"], ["id"], ondelete="SET NULL")
        batch.create_index(op.f("ix_tracking_violations_example_event_id"), ["example_event_id"], unique=False)
    op.execute(_violations.update().values(example={}))


def downgrade() -> None:
    with op.batch_alter_table("tracking_violations") as batch:
        batch.drop_index(op.f("ix_tracking_violations_example_event_id"))
        batch.drop_constraint(op.f("fk_tracking_violations_example_event_id_events"), type_="foreignkey")
        batch.drop_column("example_event_id")
