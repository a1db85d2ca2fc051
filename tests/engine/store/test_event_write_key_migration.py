"""Revision 0007 (``events.write_key``) on a workspace that already holds events, on SQLite and
PostgreSQL: taken back to 0006 the column is gone, opened again it is back, every event kept with
no write key name, and the collector stores names into it."""

from __future__ import annotations

import base64
import http.client
import json

import pytest
from alembic import command
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select

from engine.store import Workspace, alembic_config
from engine.store.models import EventRow
from engine.track import collector_keys
from engine.track import tracking_plan as tp
from engine.track.collector import Collector


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request, tmp_path):
    return str(tmp_path / "workspace.db") if request.param == "sqlite" else request.getfixturevalue("pg_url")


def _columns(ws: Workspace) -> dict[str, dict]:
    with ws.engine.connect() as conn:
        return {c["name"]: c for c in inspect(conn).get_columns("events")}


def _head() -> str:
    """The newest revision: a workspace opened is upgraded to it (0007 or a later one)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _revision(ws: Workspace) -> tuple[str, ...]:
    with ws.engine.connect() as conn:
        return tuple(MigrationContext.configure(conn).get_current_heads())


def test_an_existing_workspace_with_events_gains_the_write_key_column(location: str):
    with Workspace.open(location) as ws:
        ana = ws.upsert_customer({"user_id": "ana"})
        for name, source in (("Viewed", "segment"), ("Bought", "sensors:default"), ("Imported", "csv:orders.csv")):
            ws.ingest_event({"user_id": "ana"}, name, {"n": 1}, source=source, dedup_key=f"k-{name}")
        config = alembic_config()
        with ws.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0006")
        assert _revision(ws) == ("0006",)
        assert "write_key" not in _columns(ws)
        assert {"source", "dedup_key"} <= set(_columns(ws))

    with Workspace.open(location) as ws:
        assert _revision(ws) == (_head(),)
        column = _columns(ws)["write_key"]
        assert column["nullable"] and column["type"].length == 100
        with ws.engine.connect() as conn:
            rows = conn.execute(select(EventRow.name, EventRow.source, EventRow.dedup_key, EventRow.write_key,
                                       EventRow.customer_id).order_by(EventRow.id)).all()
        assert [tuple(r) for r in rows] == [("Viewed", "segment", "k-Viewed", None, ana),
                                            ("Bought", "sensors:default", "k-Bought", None, ana),
                                            ("Imported", "csv:orders.csv", "k-Imported", None, ana)]
        # The table kept its index and its unique dedup keys while the column came and went.
        with ws.engine.connect() as conn:
            inspector = inspect(conn)
            indexes = {i["name"]: i["column_names"] for i in inspector.get_indexes("events")}
            uniques = [u["column_names"] for u in inspector.get_unique_constraints("events")]
        assert indexes["ix_events_customer_name_time"] == ["customer_id", "name", "occurred_at"]
        assert ["dedup_key"] in uniques

        key = collector_keys.add_key(ws, "web")
        collector = Collector(ws, "127.0.0.1", 0)
        collector.start()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", collector.port, timeout=30)
            conn.request("POST", "/v1/track", body=json.dumps({"userId": "ana", "event": "Collected"}).encode(),
                         headers={"Content-Type": "application/json",
                                  "Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode()})
            assert conn.getresponse().status == 200
            conn.close()
        finally:
            collector.stop()
        stats = tp.source_stats(ws)
        assert {name: s.total for name, s in stats["segment"].write_keys.items()} == {None: 1, "web": 1}
        # Old events count on a node naming no key, not on one naming a key.
        assert tp.counts_for(tp.SourceKey("segment"), stats).total == 2
        assert tp.counts_for(tp.SourceKey("segment", write_key="web"), stats).total == 1


def test_a_revision_set_back_by_hand_upgrades_again_keeping_the_names(location: str):
    from sqlalchemy import text, update

    with Workspace.open(location) as ws:
        ws.ingest_event({"user_id": "ana"}, "Viewed", source="segment")
        with ws.engine.begin() as conn:
            conn.execute(update(EventRow).values(write_key="web"))
            conn.execute(text("UPDATE alembic_version SET version_num = '0006'"))
        assert _revision(ws) == ("0006",)
    with Workspace.open(location) as ws:
        assert _revision(ws) == (_head(),)
        with ws.engine.connect() as conn:
            assert conn.execute(select(EventRow.name, EventRow.write_key)).all() == [("Viewed", "web")]
