"""Engine test fixtures shared across files."""

from __future__ import annotations

import os

import pytest

from engine.document import new_id


@pytest.fixture
def pg_url():
    """A PostgreSQL URL whose search path is a fresh schema, dropped afterwards (JS_TEST_PG_URL names
    the database; .ci/run starts a server for it)."""
    base = os.environ.get("JS_TEST_PG_URL")
    if not base:
        pytest.skip("JS_TEST_PG_URL is not set")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = "js_test_" + new_id().replace("-", "")[:12]
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def ws(tmp_path):
    """A workspace on SQLite in the test's folder (files that need more define their own)."""
    from engine.store import Workspace

    workspace = Workspace.open(tmp_path / "workspace.db")
    yield workspace
    workspace.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_ws(request, tmp_path):
    """A workspace on SQLite and, again, on PostgreSQL (skipped without JS_TEST_PG_URL)."""
    from engine.store import Workspace

    location = tmp_path / "workspace.db" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    workspace = Workspace.open(location)
    yield workspace
    workspace.close()
