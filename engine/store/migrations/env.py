"""Alembic environment for the workspace store, run only programmatically.

``engine.store.workspace`` builds the Alembic config in code and hands over an open connection in
``config.attributes["connection"]``; there is no ``alembic.ini`` and no URL here.
"""

from __future__ import annotations

from alembic import context

from engine.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("the workspace migrations run through engine.store.workspace, "
                       "which passes an open connection in config.attributes['connection']")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things; batch mode rebuilds tables there and is a no-op elsewhere.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
