"""What the inspector's pickers offer: saved segments by name (kept by id), event names declared by
the tracking plan or received, and write key names; a damaged part leaves the others readable."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.commands import make_node
from engine.document import Journey
from engine.store import Workspace
from engine.track import collector_keys
from engine.track.choices import EventChoice, picker_choices
from engine.track.segments import SegmentStore

T0 = datetime(2025, 5, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def ws(any_ws):
    return any_ws


def test_an_empty_workspace_offers_nothing(ws: Workspace):
    choices = picker_choices(ws)
    assert (choices.segments, choices.events, choices.write_keys, choices.problems) == ([], [], [], [])


def test_segments_by_name_with_their_ids_and_members(ws: Workspace):
    store = SegmentStore(ws)
    vip = store.create("VIP", {"kind": "group", "match": "all", "conditions": [
        {"kind": "attribute", "attribute": "plan", "operator": "eq", "value": "vip"}]}, "Paying the most")
    everyone = store.create("all customers")
    ws.ingest_event({"user_id": "u1"}, "Signed Up", occurred_at=T0)
    store.refresh(everyone.id, T0)
    choices = picker_choices(ws)
    assert [(s.id, s.name, s.member_count) for s in choices.segments] == [
        (everyone.id, "all customers", 1), (vip.id, "VIP", 0)]
    assert choices.segments[1].description == "Paying the most"


def test_event_names_say_whether_declared_and_received(ws: Workspace, registry):
    journey = Journey(name="Plan")
    journey.nodes += [make_node(registry, "track.event", config={"event_name": name, "description": "",
                                                                 "source": "", "properties": []})
                      for name in ("Order Completed", "Refund Issued")]
    ws.create_journey(journey)
    for name in ("Order Completed", "page_view", "page_view"):
        ws.ingest_event({"user_id": "u1"}, name, occurred_at=T0)
    assert picker_choices(ws).events == [EventChoice("Order Completed", True, True),
                                         EventChoice("page_view", False, True),
                                         EventChoice("Refund Issued", True, False)]


def test_received_names_come_from_the_newest_events_only(ws: Workspace):
    ws.ingest_event({"user_id": "u1"}, "Old Name", occurred_at=T0)
    for _ in range(3):
        ws.ingest_event({"user_id": "u1"}, "New Name", occurred_at=T0)
    assert [c.name for c in picker_choices(ws, event_sample=3).events] == ["New Name"]
    assert [c.name for c in picker_choices(ws, event_sample=4).events] == ["New Name", "Old Name"]


def test_write_key_names_sorted_and_a_damaged_setting_reported(ws: Workspace):
    collector_keys.add_key(ws, "website")
    collector_keys.add_key(ws, "App")
    assert picker_choices(ws).write_keys == ["App", "website"]
    SegmentStore(ws).create("everyone")
    ws.set_meta(collector_keys.META_KEY, "{not json")
    choices = picker_choices(ws)
    assert choices.write_keys == []
    assert [s.name for s in choices.segments] == ["everyone"]
    assert len(choices.problems) == 1 and collector_keys.META_KEY in choices.problems[0]
