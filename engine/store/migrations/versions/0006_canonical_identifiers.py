"""E-mail and phone identifiers kept in one form (see :func:`engine.identifiers.canonical_identifier`).

Every way in now lower-cases e-mail addresses and writes phone numbers without separators before
looking them up or storing them. Stored identifiers are rewritten the same way, except where the
rewritten value is already taken (by the same customer: the duplicate is dropped; by another
customer: both stay as they are, since only a person can say whether two profiles are one; the
Profiles window and ``profiles show`` list both, and merging them by hand settles it).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from engine.identifiers import canonical_identifier

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_identifiers = sa.table("identifiers", sa.column("kind", sa.String), sa.column("value", sa.String),
                        sa.column("customer_id", sa.String))


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(_identifiers.c.kind, _identifiers.c.value, _identifiers.c.customer_id)
                        .where(_identifiers.c.kind.in_(("email", "phone")))).all()
    owner = {(r.kind, r.value): r.customer_id for r in rows}
    for kind, value, customer_id in rows:
        canonical = canonical_identifier(kind, value)
        if canonical == value:
            continue
        taken = owner.get((kind, canonical))
        where = (_identifiers.c.kind == kind) & (_identifiers.c.value == value)
        if taken is None:
            conn.execute(sa.update(_identifiers).where(where).values(value=canonical))
            owner[(kind, canonical)] = customer_id
            del owner[(kind, value)]
        elif taken == customer_id:
            conn.execute(sa.delete(_identifiers).where(where))
            del owner[(kind, value)]


def downgrade() -> None:
    pass  # the original spellings are not kept; the rewritten values are valid identifiers as they are
