"""The tracking plan: declarations gathered from drafts and published versions, the checks, counted
violations (in batches, inside a caller's transaction or their own), source counts and segment
references."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine.commands import make_node
from engine.document import Journey
from engine.store import Workspace
from engine.track import tracking_plan as tp
from engine.track.tracking_plan import TrackingPlan, Violation

T0 = datetime(2025, 5, 1, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.fixture
def ws(any_ws):
    return any_ws


def event_node(registry, name: str, *props: tuple[str, str, bool], source: str = ""):
    return make_node(registry, "track.event", title=name, config={
        "event_name": name, "description": "", "source": source,
        "properties": [{"name": n, "type": t, "required": r, "description": ""} for n, t, r in props]})


def plan_journey(registry, name: str, *nodes) -> Journey:
    journey = Journey(name=name)
    journey.nodes += list(nodes)
    return journey


@pytest.fixture
def planned(ws: Workspace, registry):
    """One journey declaring order_completed and signed_up, saved as a draft."""
    journey = plan_journey(registry, "Shop events",
                           event_node(registry, "order_completed", ("order_id", "string", True),
                                      ("total", "number", True), ("coupon", "string", False),
                                      ("paid", "boolean", False), ("at", "datetime", False),
                                      ("address.city", "string", False)),
                           event_node(registry, "signed_up"))
    ws.create_journey(journey)
    return journey


def test_the_events_sensors_sdks_send_themselves_are_not_unknown(ws: Workspace, planned):
    plan = TrackingPlan.from_workspace(ws)
    assert plan.check("$SignUp", {}) == [] and plan.check("$AppStart", {"$app_version": "1"}) == []
    assert plan.check("SignUp", {}) == [Violation("SignUp", "unknown_event")]


def test_a_source_is_named_by_its_name_field_until_its_title_is_changed(registry):
    config = {"name": "Shop website", "source": {"kind": "collector", "protocol": "segment",
                                                 "write_key_ref": "default"}}
    fresh = make_node(registry, "track.source", 0, 0, config=config)
    assert fresh.title == tp.SOURCE_DEFAULT_TITLE == registry.get("track.source").title
    renamed = make_node(registry, "track.source", 0, 0, title="Web shop", config=config)
    unnamed = make_node(registry, "track.source", 0, 0, config={**config, "name": ""})
    names = [s.name for s in tp.sources_in("j", "J", "draft", Journey(name="J", nodes=[fresh, renamed, unnamed]))]
    assert names == ["Shop website", "Web shop", "Data source"]


def test_check_reports_unknown_missing_and_mistyped(ws: Workspace, planned):
    plan = TrackingPlan.from_workspace(ws)
    assert sorted(plan.events) == ["order_completed", "signed_up"]
    good = {"order_id": "A1", "total": 12.5, "coupon": "X", "paid": True, "at": "2025-05-01T10:00:00+08:00",
            "address": {"city": "Lyon"}, "extra": [1, 2]}
    assert plan.check("order_completed", good) == []
    assert plan.check("order_completed", {**good, "at": "2025-05-01"}) == []
    assert plan.check("signed_up", None) == []
    assert plan.check("Order Completed", good) == [Violation("Order Completed", "unknown_event")]
    assert plan.check("order_completed", {"order_id": "A1", "total": None}) == [
        Violation("order_completed", "missing_property", "total")]
    found = plan.check("order_completed", {"order_id": 17, "total": "12.5", "paid": "yes", "at": "tomorrow",
                                           "coupon": None, "address": {"city": 5}})
    assert [(v.kind, v.property, v.found) for v in found] == [
        ("mistyped_property", "order_id", "number"), ("mistyped_property", "total", "text"),
        ("mistyped_property", "paid", "text"), ("mistyped_property", "at", "text"),
        ("mistyped_property", "address.city", "number")]
    assert found[1].message == "property 'total' of event 'order_completed' should be number, not text"
    assert plan.check("order_completed", {"order_id": "A", "total": True})[0].found == "boolean"
    assert Violation("x", "unknown_event").message == "event 'x' is not in the tracking plan"


def test_a_workspace_without_declarations_checks_nothing(ws: Workspace, registry):
    ws.create_journey(plan_journey(registry, "No plan", make_node(registry, "map.note")))
    plan = TrackingPlan.from_workspace(ws)
    assert not plan and plan.check("anything", {"x": 1}) == []
    assert tp.check_and_record(ws, [("anything", {})], T0) == 0
    assert tp.violations(ws) == []


def test_declarations_merge_leniently_over_drafts_versions_and_journeys(ws: Workspace, registry):
    shop = plan_journey(registry, "Shop", event_node(registry, "order", ("total", "number", True),
                                                      ("note", "string", True), source="Shop"))
    ws.create_journey(shop)
    ws.publish(shop.id, registry)
    # The draft moves on: "total" may now also be text, "note" becomes optional, "sku" is new and required.
    shop.nodes[0].config["properties"] = [
        {"name": "total", "type": "string", "required": True, "description": ""},
        {"name": "note", "type": "string", "required": False, "description": ""},
        {"name": "sku", "type": "string", "required": True, "description": "Stock unit"}]
    ws.save_draft(shop)
    app = plan_journey(registry, "App", event_node(registry, "order", ("total", "number", True), source="App"))
    ws.create_journey(app)
    old = plan_journey(registry, "Old", event_node(registry, "legacy_event"))
    ws.create_journey(old)
    ws.archive_journey(old.id)

    plan = TrackingPlan.from_workspace(ws)
    assert sorted(plan.events) == ["order"]  # archived journeys do not count
    order = plan.events["order"]
    assert order.properties["total"].types == frozenset({"number", "string"})
    assert order.properties["total"].required  # every declaration requires it
    assert not order.properties["note"].required and not order.properties["sku"].required
    assert order.properties["sku"].description == "Stock unit"
    assert order.sources == ("App", "Shop")
    assert {(p.journey_name, p.where) for p in order.declared_in} == {("Shop", "draft"), ("App", "draft")}
    assert plan.check("order", {"total": "12"}) == [] and plan.check("order", {"total": 12}) == []
    assert [v.kind for v in plan.check("order", {"note": "x"})] == ["missing_property"]
    assert [v.property for v in plan.check("order", {"total": 1, "note": 3})] == ["note"]


def test_unreadable_declarations_are_left_out(registry):
    broken = plan_journey(registry, "Broken", event_node(registry, "ok_event", ("n", "number", True)))
    weird = make_node(registry, "map.note")
    weird.type = "track.event"
    weird.config = {"event_name": "  ", "properties": []}
    odd = make_node(registry, "map.note")
    odd.type = "track.event"
    odd.config = {"event_name": "odd", "properties": [{"name": "p", "type": "decimal"}, "junk", {"type": "number"}]}
    broken.nodes += [weird, odd]
    plan = TrackingPlan.from_journeys([("j", "Broken", "draft", broken)])
    assert sorted(plan.events) == ["odd", "ok_event"]
    assert plan.events["odd"].properties == {}


def test_check_and_record_counts_in_batches(ws: Workspace, planned):
    batch = [("order_completed", {"order_id": "1", "total": "9"}),
             ("order_completed", {"total": 3}),
             ("order_completed", {"order_id": "3", "total": "10", "coupon": 1}),
             ("checkout", {"step": 1}),
             ("signed_up", {}),
             ("order_completed", {"order_id": "4", "total": 4})]
    assert tp.check_and_record(ws, batch, T0) == 5
    rows = {(r.event_name, r.kind, r.property): r for r in tp.violations(ws)}
    assert {k: r.count for k, r in rows.items()} == {
        ("order_completed", "mistyped_property", "total"): 2,
        ("order_completed", "missing_property", "order_id"): 1,
        ("order_completed", "mistyped_property", "coupon"): 1,
        ("checkout", "unknown_event", ""): 1}
    total = rows[("order_completed", "mistyped_property", "total")]
    assert total.example == {"order_id": "3", "total": "10", "coupon": 1}  # the latest offender
    assert total.first_seen == total.last_seen == T0

    assert tp.check_and_record(ws, [("checkout", {"step": 2}), ("order_completed", {"order_id": "5", "total": "1"})],
                               T0 + HOUR) == 2
    rows = {(r.event_name, r.kind, r.property): r for r in tp.violations(ws)}
    assert rows[("checkout", "unknown_event", "")].count == 2
    assert rows[("checkout", "unknown_event", "")].example == {"step": 2}
    assert rows[("order_completed", "mistyped_property", "total")].count == 3
    assert rows[("order_completed", "mistyped_property", "total")].first_seen == T0
    assert rows[("order_completed", "mistyped_property", "total")].last_seen == T0 + HOUR
    latest = tp.violations(ws)
    assert {(r.event_name, r.property) for r in latest[:2]} == {("checkout", ""), ("order_completed", "total")}
    assert len(tp.violations(ws, "checkout")) == 1

    plan = TrackingPlan.from_workspace(ws)
    tp.record(ws, plan.check("mystery", {"a": 1}), {"a": 1}, T0 + 2 * HOUR)
    assert tp.violations(ws, "mystery")[0].count == 1
    with pytest.raises(ValueError, match="unknown violation kind"):
        tp.record(ws, [Violation("x", "strange")], {}, T0)

    assert tp.clear(ws, "checkout") == 1
    assert {r.event_name for r in tp.violations(ws)} == {"order_completed", "mystery"}
    assert tp.clear(ws) == 4
    assert tp.violations(ws) == []


def test_counts_can_commit_with_the_callers_transaction(ws: Workspace, planned):
    with ws._session(write=True) as s:
        assert tp.check_and_record(ws, [("nope", {})], T0, conn=s.connection()) == 1
    assert tp.violations(ws)[0].count == 1

    class Stop(Exception):
        pass

    with pytest.raises(Stop), ws._session(write=True) as s:
        tp.check_and_record(ws, [("nope", {}), ("nope", {})], T0, conn=s.connection())
        raise Stop  # the caller's write fails: the counts go with it
    assert tp.violations(ws)[0].count == 1


def test_the_plan_is_cached_until_a_journey_changes(ws: Workspace, planned, registry):
    first = tp.current_plan(ws)
    assert tp.current_plan(ws) is first
    planned.nodes.append(event_node(registry, "refund_issued", ("amount", "number", True)))
    ws.save_draft(planned)
    second = tp.current_plan(ws)
    assert second is not first and "refund_issued" in second.events
    ws.publish(planned.id, registry)
    assert tp.current_plan(ws) is not second
    assert tp.check_and_record(ws, [("refund_issued", {})], T0) == 1


def test_examples_are_bounded():
    small = {"a": 1, "b": "x"}
    assert tp.bounded_example(small) == small
    big = {f"key{i}": "v" * 500 for i in range(40)} | {"nested": {"deep": list(range(1000))}, "list": [1] * 5000}
    cut = tp.bounded_example(big)
    assert len(json.dumps(cut, ensure_ascii=False)) <= tp.EXAMPLE_MAX
    assert cut["key0"].endswith("…") and len(cut["key0"]) == tp.EXAMPLE_TEXT_MAX + 1
    assert "more properties not kept" in cut["…"]
    assert tp.bounded_example({"nested": {"a": list(range(2000))}}) == {"nested": "{1 keys}"}
    assert tp.bounded_example(None) == {}


def test_long_names_fit_the_table(ws: Workspace, planned):
    long_name = "e" * 250
    assert tp.check_and_record(ws, [(long_name, {}), (long_name + "x", {})], T0) == 2
    (row,) = tp.violations(ws)
    assert row.event_name == "e" * tp.NAME_MAX and row.count == 2


def test_source_counts(ws: Workspace):
    ws.ingest_event({"user_id": "1"}, "a", source="Shop")
    ws.ingest_event({"user_id": "1"}, "b", source="Shop")
    ws.ingest_event({"user_id": "2"}, "a", source="App")
    ws.ingest_event({"user_id": "2"}, "c")
    assert tp.source_counts(ws) == {"Shop": 2, "App": 1, "": 1}
    assert tp.source_counts(ws, since=datetime.now(UTC) + timedelta(days=1)) == {}
    with pytest.raises(ValueError, match="timezone-aware"):
        tp.source_counts(ws, since=datetime(2025, 1, 1))


def test_segment_references_find_entries_and_conditions(ws: Workspace, registry):
    journey = Journey(name="VIP care")
    entry = make_node(registry, "orchestrate.entry", config={
        "trigger": {"kind": "segment", "rules": [], "match": "all", "segment_id": "seg-vip"}})
    check = make_node(registry, "orchestrate.condition", config={"check": {"kind": "segment", "segment_id": "seg-vip"}})
    other = make_node(registry, "orchestrate.condition", config={"check": {"kind": "segment", "segment_id": "seg-x"}})
    journey.nodes += [entry, check, other]
    ws.create_journey(journey)
    ws.create_journey(Journey(name="Unrelated"))
    places = tp.segment_references(ws, "seg-vip")
    assert sorted(p.node_id for p in places) == sorted([entry.id, check.id])
    assert all(p.journey_name == "VIP care" and p.where == "draft" for p in places)
    assert tp.segment_references(ws, "seg-none") == []


def test_check_stored_counts_what_was_stored_before_the_plan(ws: Workspace, registry, monkeypatch):
    ws.ingest_events([
        {"identifiers": {"email": "a@x.org"}, "name": "order_completed", "properties": {"order_id": "1"},
         "occurred_at": T0},
        {"identifiers": {"email": "b@x.org"}, "name": "Browse", "occurred_at": T0 + HOUR},
        {"identifiers": {"email": "a@x.org"}, "name": "signed_up", "occurred_at": T0 + 2 * HOUR},
        {"identifiers": {"email": "c@x.org"}, "name": "Browse", "properties": {"page": "/"},
         "occurred_at": T0 + 3 * HOUR},
    ])
    assert tp.check_stored(ws) == tp.StoredCheck(0, 0)  # no plan: nothing checked
    ws.create_journey(plan_journey(registry, "Shop events",
                                   event_node(registry, "order_completed", ("total", "number", True)),
                                   event_node(registry, "signed_up")))
    assert tp.violations(ws) == []  # stored before the plan: never checked
    tp.record(ws, [Violation("gone", "unknown_event")], {})  # counted once, of an event no longer stored

    assert tp.check_stored(ws, cancelled=lambda: True) == tp.StoredCheck(0, 0, cancelled=True)
    assert [r.event_name for r in tp.violations(ws)] == ["gone"]  # a cancelled check changes nothing

    monkeypatch.setattr(tp, "CHECK_CHUNK", 2)
    steps: list[tuple[int, int]] = []
    assert tp.check_stored(ws, progress=lambda done, total: steps.append((done, total))) == tp.StoredCheck(4, 3)
    assert steps[-1] == (4, 4) and [done for done, _ in steps] == sorted(done for done, _ in steps)
    found = {(r.event_name, r.kind, r.property): r for r in tp.violations(ws)}
    assert sorted(found) == [("Browse", "unknown_event", ""), ("order_completed", "missing_property", "total")]
    browse = found[("Browse", "unknown_event", "")]
    assert browse.count == 2 and browse.example == {"page": "/"} and browse.first_seen <= browse.last_seen
    assert found[("order_completed", "missing_property", "total")].count == 1


def test_check_stored_takes_in_events_stored_while_it_reads(ws: Workspace, planned, monkeypatch):
    ws.ingest_events([{"identifiers": {"email": f"u{i}@x.org"}, "name": "Unknown", "occurred_at": T0}
                      for i in range(3)])
    monkeypatch.setattr(tp, "CHECK_CHUNK", 2)

    def progress(done: int, total: int) -> None:
        if done == 2:  # between two chunks another writer stores more
            ws.ingest_events([{"identifiers": {"email": "late@x.org"}, "name": "Unknown", "occurred_at": T0}])
            tp.record(ws, [Violation("Unknown", "unknown_event")], {})  # as the collector counts it

    assert tp.check_stored(ws, progress=progress) == tp.StoredCheck(4, 4)
    (record,) = tp.violations(ws)
    assert (record.event_name, record.count) == ("Unknown", 4)  # counted once each, none lost


# -- live counts of track.source nodes ----------------------------------------------------------


def source_node(registry, title: str, source: dict):
    return make_node(registry, "track.source", title=title, config={"name": title, "source": source})


COLLECTOR_SEGMENT = {"kind": "collector", "protocol": "segment", "write_key_ref": ""}
COLLECTOR_SENSORS = {"kind": "collector", "protocol": "sensors", "write_key_ref": ""}
#: Collector sources of one protocol told apart by the write key their senders use.
WEB_SEGMENT = {"kind": "collector", "protocol": "segment", "write_key_ref": "web"}
APP_SEGMENT = {"kind": "collector", "protocol": "segment", "write_key_ref": "app"}
CSV_ORDERS = {"kind": "csv", "path": "/home/ann/exports/events.csv"}


def test_source_keys_of_node_configs():
    assert tp.source_key({"source": COLLECTOR_SEGMENT}) == tp.SourceKey("segment")
    assert tp.source_key({"source": COLLECTOR_SENSORS}) == tp.SourceKey("sensors:", prefix=True)
    assert tp.source_key({"source": CSV_ORDERS}) == tp.SourceKey("csv:events.csv")
    assert tp.source_key({"source": {"kind": "csv", "path": r"C:\Data\Orders.csv"}}) == tp.SourceKey("csv:Orders.csv")
    # Unfinished drafts name no source rather than failing.
    for config in ({}, {"source": None}, {"source": {"kind": "csv", "path": ""}}, {"source": {"kind": "csv"}},
                   {"source": {"kind": "collector", "protocol": "other"}}, {"source": {"kind": "ftp"}}, "text"):
        assert tp.source_key(config) is None
    sensors = tp.SourceKey("sensors:", prefix=True)
    assert sensors.covers("sensors:default") and sensors.covers("sensors:shop") and not sensors.covers("segment")
    assert not tp.SourceKey("segment").covers("segment2") and str(sensors) == "sensors:*"


def test_a_collector_key_names_the_write_key_its_senders_use():
    web = tp.source_key({"source": WEB_SEGMENT})
    assert web == tp.SourceKey("segment", write_key="web")
    assert tp.source_key({"source": {**WEB_SEGMENT, "write_key_ref": "  web "}}) == web  # as keys are named
    assert tp.source_key({"source": {**COLLECTOR_SENSORS, "write_key_ref": "app"}}) == \
        tp.SourceKey("sensors:", prefix=True, write_key="app")
    # A draft's unreadable reference counts every key rather than failing.
    assert tp.source_key({"source": {**WEB_SEGMENT, "write_key_ref": 7}}) == tp.SourceKey("segment")
    assert str(web) == "segment (write key 'web')" and web.sources == "segment"
    # The stored source alone: covered; with a write key name, only this key's.
    assert web.covers("segment") and web.covers_stored("segment", "web")
    assert not web.covers_stored("segment", "app") and not web.covers_stored("segment", None)
    assert not web.covers_stored("sensors:default", "web")
    anything = tp.SourceKey("segment")
    assert all(anything.covers_stored("segment", name) for name in ("web", "app", None))
    assert not anything.covers_stored("csv:events.csv", None)
    # A CSV source has no write key, whatever its config holds.
    assert tp.source_key({"source": {**CSV_ORDERS, "write_key_ref": "web"}}) == tp.SourceKey("csv:events.csv")


def test_source_keys_match_what_the_collector_and_the_csv_import_store(ws: Workspace, tmp_path: Path):
    from engine.track import segment_protocol, sensors_protocol
    from engine.track.csv_import import import_events

    segment = segment_protocol.parse("track", json.dumps({"userId": "u1", "event": "Order Completed"}).encode(), T0)
    assert [tp.source_key({"source": COLLECTOR_SEGMENT}).covers(m.source) for m in segment.messages] == [True]
    import base64
    data = base64.b64encode(json.dumps({"type": "track", "event": "Buy", "distinct_id": "d1",
                                        "time": 1_746_090_000_000, "properties": {}}).encode()).decode()
    for query, project in (("", "default"), ("project=shop", "shop")):
        sensors = sensors_protocol.read(sensors_protocol.decode(query, f"data={data}".encode(), form=True), T0)
        assert [m.source for m in sensors.messages] == [f"sensors:{project}"]
        assert tp.source_key({"source": COLLECTOR_SENSORS}).covers(sensors.messages[0].source)
        assert not tp.source_key({"source": COLLECTOR_SEGMENT}).covers(sensors.messages[0].source)

    path = tmp_path / "events.csv"
    path.write_text("customer_id,event,timestamp\nc1,order_completed,2025-05-01T09:00:00Z\n", encoding="utf-8")
    import_events(ws, path)
    assert tp.source_counts(ws) == {"csv:events.csv": 1}
    assert tp.source_key({"source": {"kind": "csv", "path": str(path)}}).covers("csv:events.csv")


def test_source_stats_count_all_recent_and_the_latest(ws: Workspace):
    ws.ingest_event({"user_id": "1"}, "a", source="segment")
    ws.ingest_event({"user_id": "1"}, "b", source="segment")
    ws.ingest_event({"user_id": "2"}, "a", source="csv:events.csv")
    after = datetime.now(UTC)
    stats = tp.source_stats(ws)
    assert {k: (s.total, s.recent) for k, s in stats.items()} == {"segment": (2, 2), "csv:events.csv": (1, 1)}
    assert stats["segment"].last_received.tzinfo is not None
    assert stats["segment"].last_received <= after + timedelta(seconds=1)
    later = tp.source_stats(ws, now=after + timedelta(days=2))
    assert {k: (s.total, s.recent) for k, s in later.items()} == {"segment": (2, 0), "csv:events.csv": (1, 0)}
    assert later["segment"].last_received == stats["segment"].last_received
    assert tp.source_stats(ws, now=after + timedelta(hours=2), window=timedelta(days=1))["segment"].recent == 2
    with pytest.raises(ValueError, match="timezone-aware"):
        tp.source_stats(ws, now=datetime(2025, 1, 1))


def test_counts_per_source_node_of_a_journey(ws: Workspace, registry):
    shop = source_node(registry, "Shop website", COLLECTOR_SEGMENT)
    orders = source_node(registry, "Order CSV", CSV_ORDERS)
    app = source_node(registry, "App", COLLECTOR_SENSORS)
    quiet = source_node(registry, "Returns", {"kind": "csv", "path": "returns.csv"})
    note = make_node(registry, "map.note", config={"text": "not a source"})
    journey = plan_journey(registry, "Sources", shop, orders, app, quiet, note)
    assert tp.journey_source_counts(ws, Journey(name="No sources", nodes=[note])) == {}

    stats = {"segment": tp.SourceStats(5, 2, T0), "csv:events.csv": tp.SourceStats(3, 0, T0 - HOUR),
             "sensors:default": tp.SourceStats(1, 1, T0 - 2 * HOUR), "sensors:shop": tp.SourceStats(4, 0, T0),
             "Shop": tp.SourceStats(7, 7, T0 + HOUR)}
    counts = tp.node_source_counts(journey, stats)
    assert set(counts) == {shop.id, orders.id, app.id, quiet.id}
    assert (counts[shop.id].total, counts[shop.id].recent, counts[shop.id].sources) == (5, 2, ("segment",))
    assert (counts[orders.id].total, counts[orders.id].recent, counts[orders.id].last_received) == (3, 0, T0 - HOUR)
    assert counts[app.id].sources == ("sensors:shop", "sensors:default")  # most events first
    assert (counts[app.id].total, counts[app.id].recent, counts[app.id].last_received) == (5, 1, T0)
    assert (counts[quiet.id].total, counts[quiet.id].sources, counts[quiet.id].last_received) == (0, (), None)

    ws.ingest_event({"user_id": "1"}, "a", source="segment")
    live = tp.journey_source_counts(ws, journey)
    assert (live[shop.id].total, live[shop.id].recent) == (1, 1) and live[orders.id].total == 0


def test_declared_sources_name_the_nodes(ws: Workspace, registry):
    shop = source_node(registry, "Shop website", COLLECTOR_SEGMENT)
    orders = source_node(registry, "Order CSV", CSV_ORDERS)
    journey = ws.create_journey(plan_journey(registry, "Sources", shop, orders))
    ws.publish(journey.id, registry)
    archived = ws.create_journey(plan_journey(registry, "Old", source_node(registry, "Old shop", COLLECTOR_SEGMENT)))
    ws.archive_journey(archived.id)
    found = sorted((d.name, str(d.key), d.place.journey_name) for d in tp.declared_sources(ws))
    assert found == [("Order CSV", "csv:events.csv", "Sources"), ("Shop website", "segment", "Sources")]


def test_source_stats_are_broken_down_by_write_key(ws: Workspace):
    from engine.store.models import EventRow

    for name in ("a", "b", "c"):
        ws.ingest_event({"user_id": "1"}, name, source="segment")
    ws.ingest_event({"user_id": "2"}, "d", source="csv:events.csv")
    # Name the write keys as the collector stores them (ingest_event stores none).
    with ws.engine.begin() as conn:
        events = EventRow.__table__
        conn.execute(events.update().where(events.c.name == "a").values(write_key="web"))
        conn.execute(events.update().where(events.c.name == "b").values(write_key="app"))
    stats = tp.source_stats(ws)
    segment = stats["segment"]
    assert (segment.total, segment.recent) == (3, 3)  # every key together, as before
    assert {name: (s.total, s.recent) for name, s in segment.write_keys.items()} == \
        {"web": (1, 1), None: (1, 1), "app": (1, 1)}
    assert segment.last_received == max(s.last_received for s in segment.write_keys.values())
    assert segment.for_write_key("web").total == 1 and segment.for_write_key("shop") is None
    assert {k: s.total for k, s in tp.stored_sources(stats).items()} == \
        {("segment", "web"): 1, ("segment", "app"): 1, ("segment", None): 1, ("csv:events.csv", None): 1}
    # Counts made without the breakdown count as events of no named key.
    plain = tp.SourceStats(4, 1, T0)
    assert plain.for_write_key(None) is plain and plain.for_write_key("web") is None
    assert tp.stored_sources({"segment": plain}) == {("segment", None): plain}


def test_collector_nodes_of_one_protocol_count_per_write_key(ws: Workspace, registry):
    web = source_node(registry, "Shop website", WEB_SEGMENT)
    app = source_node(registry, "Shop app", APP_SEGMENT)
    every = source_node(registry, "Everything Segment", COLLECTOR_SEGMENT)
    sensors_web = source_node(registry, "Sensors web", {**COLLECTOR_SENSORS, "write_key_ref": "web"})
    gone = source_node(registry, "Old key", {**WEB_SEGMENT, "write_key_ref": "retired"})
    journey = plan_journey(registry, "Sources", web, app, every, sensors_web, gone)

    def keyed(**names: tp.SourceStats) -> tp.SourceStats:
        parts = {None if name == "none" else name: s for name, s in names.items()}
        return tp.SourceStats(sum(s.total for s in parts.values()), sum(s.recent for s in parts.values()),
                              max(s.last_received for s in parts.values()), parts)

    stats = {"segment": keyed(web=tp.SourceStats(5, 2, T0), app=tp.SourceStats(3, 3, T0 + HOUR),
                              none=tp.SourceStats(4, 0, T0 - HOUR)),
             "sensors:default": keyed(web=tp.SourceStats(2, 1, T0 - HOUR)),
             "sensors:shop": keyed(web=tp.SourceStats(1, 0, T0), app=tp.SourceStats(6, 6, T0))}
    counts = tp.node_source_counts(journey, stats)
    assert (counts[web.id].total, counts[web.id].recent, counts[web.id].last_received) == (5, 2, T0)
    assert (counts[app.id].total, counts[app.id].recent, counts[app.id].last_received) == (3, 3, T0 + HOUR)
    assert (counts[every.id].total, counts[every.id].recent) == (12, 5)  # old and unnamed events too
    assert counts[sensors_web.id].sources == ("sensors:default", "sensors:shop")  # most events first
    assert (counts[sensors_web.id].total, counts[sensors_web.id].recent) == (3, 1)
    assert (counts[gone.id].total, counts[gone.id].sources, counts[gone.id].last_received) == (0, (), None)

    # Read from the workspace: events of a named key count only on the node naming it.
    from engine.store.models import EventRow

    ws.ingest_event({"user_id": "1"}, "a", source="segment")
    ws.ingest_event({"user_id": "1"}, "b", source="segment")
    with ws.engine.begin() as conn:
        events = EventRow.__table__
        conn.execute(events.update().where(events.c.name == "a").values(write_key="web"))
    live = tp.journey_source_counts(ws, journey)
    assert (live[web.id].total, live[app.id].total, live[every.id].total) == (1, 0, 2)


def test_a_collector_node_says_which_write_key_it_counts(registry):
    spec = registry.get("track.source")
    assert spec.summarize({"name": "Shop website", "source": WEB_SEGMENT}) == "Segment collector · key web"
    assert spec.summarize({"name": "All", "source": COLLECTOR_SEGMENT}) == "Segment collector"
    assert spec.summarize({"name": "All", "source": {**COLLECTOR_SENSORS, "write_key_ref": " "}}) == "Sensors collector"
    # The catalogue's example names a key the way the Collector names keys.
    example = spec.config_model.model_validate(spec.example)
    assert tp.source_key(example.model_dump()) == tp.SourceKey("segment", write_key="Shop website")


def test_declared_sources_carry_the_write_key(ws: Workspace, registry):
    ws.create_journey(plan_journey(registry, "Sources", source_node(registry, "Shop website", WEB_SEGMENT),
                                   source_node(registry, "Everything", COLLECTOR_SEGMENT)))
    found = sorted((d.name, d.key) for d in tp.declared_sources(ws))
    assert found == [("Everything", tp.SourceKey("segment")), ("Shop website", tp.SourceKey("segment", write_key="web"))]
