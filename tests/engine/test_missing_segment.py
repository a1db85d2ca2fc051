"""A node naming a saved segment the workspace does not have: publishing is refused with an error on
that node and field, and a live journey whose segment was deleted after publishing lets nobody in
through that entry and says so, while the other journeys go on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from engine.commands import make_node
from engine.document import Edge, Journey, PortRef, new_id
from engine.errors import PublishRefused
from engine.runtime.clock import VirtualClock
from engine.runtime.live import LiveEngine
from engine.store import Workspace
from engine.store.models import RunRow
from engine.track.choices import picker_choices
from engine.track.segments import SegmentStore, deleted_segment_names, segment_fields, unknown_segment_issues

T0 = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def _journey(registry, name: str, trigger: dict, check: dict | None = None) -> Journey:
    entry = make_node(registry, "orchestrate.entry", 0, 0, title=f"{name} entry", config={"trigger": trigger})
    done = make_node(registry, "orchestrate.exit", 600, 0, config={})
    nodes, edges = [entry, done], []
    if check is None:
        edges.append(Edge(id=new_id(), source=PortRef(node=entry.id, port="next"), target=PortRef(node=done.id, port="in")))
    else:
        cond = make_node(registry, "orchestrate.condition", 300, 0, title="In the segment?", config={"check": check})
        nodes.append(cond)
        edges += [Edge(id=new_id(), source=PortRef(node=entry.id, port="next"), target=PortRef(node=cond.id, port="in")),
                  Edge(id=new_id(), source=PortRef(node=cond.id, port="yes"), target=PortRef(node=done.id, port="in")),
                  Edge(id=new_id(), source=PortRef(node=cond.id, port="no"), target=PortRef(node=done.id, port="in"))]
    return Journey(name=name, nodes=nodes, edges=edges)


def _entered(ws: Workspace, journey_id: str) -> set[str]:
    """The customers with a live run of the journey."""
    with ws._session() as s:
        return set(s.scalars(select(RunRow.customer_id).where(RunRow.journey_id == journey_id)))


def _segment_trigger(segment_id: str) -> dict:
    return {"kind": "segment", "rules": [], "match": "all", "segment_id": segment_id}


def test_fields_and_issues_name_the_node_and_field(registry):
    journey = _journey(registry, "Win back", _segment_trigger("kept"), {"kind": "segment", "segment_id": "gone"})
    entry, cond = journey.nodes[0], journey.nodes[2]
    assert sorted(segment_fields(journey)) == sorted([(entry.id, "trigger.segment_id", "kept"),
                                                     (cond.id, "check.segment_id", "gone")])
    issues = unknown_segment_issues(journey, {"kept"})
    assert [(i.severity, i.code, i.node_id, i.field) for i in issues] == [
        ("error", "segment_missing", cond.id, "check.segment_id")]
    assert issues[0].message.startswith('"In the segment?" names a saved segment that this workspace does not have')
    assert "id gone" in issues[0].message
    assert unknown_segment_issues(journey, {"kept", "gone"}) == []


def test_publish_is_refused_until_the_segment_exists(any_ws: Workspace, registry):
    journey = _journey(registry, "Win back", _segment_trigger("not-saved-yet"))
    any_ws.create_journey(journey)
    with pytest.raises(PublishRefused) as refused:
        any_ws.publish(journey.id, registry)
    assert [(i.code, i.field) for i in refused.value.issues] == [("segment_missing", "trigger.segment_id")]
    assert any_ws.list_versions(journey.id) == []

    assert "id not-saved-yet" in refused.value.issues[0].message  # never saved here: only its id is known

    saved = SegmentStore(any_ws).create("Lapsed")
    journey.nodes[0].config["trigger"]["segment_id"] = saved.id
    any_ws.save_draft(journey)
    assert any_ws.publish(journey.id, registry).number == 1


def test_a_segment_deleted_after_going_live_stops_only_its_entry(any_ws: Workspace, registry):
    ws = any_ws
    lapsed = SegmentStore(ws).create("Everyone")
    by_segment = _journey(registry, "By segment", _segment_trigger(lapsed.id))
    by_event = _journey(registry, "By event", {"kind": "event", "event": "signed_up", "filters": []})
    for journey in (by_segment, by_event):
        ws.create_journey(journey)
        ws.set_status(journey.id, "live")
        ws.publish(journey.id, registry)
    SegmentStore(ws).delete(lapsed.id)
    ws.ingest_event({"user_id": "u1"}, "signed_up", occurred_at=T0 - timedelta(minutes=1))

    engine = LiveEngine(ws, registry, VirtualClock(T0))
    result = engine.run_pass()
    assert result.events == 1 and result.runs == 1  # the event journey ran
    assert result.problems == (
        "Journey “By segment”, entry “By segment entry”: the saved segment “Everyone” was deleted, so "
        "nobody enters through it. Choose another segment and publish again.",)
    assert result.problems[0] in result.describe()
    assert engine.run_pass().problems == result.problems  # every pass says it while it lasts
    ws.set_status(by_segment.id, "paused")
    assert engine.run_pass().problems == ()  # no longer live: nothing to say


def test_a_schedule_entry_with_a_saved_segment_starts_only_its_members(any_ws: Workspace, registry):
    ws = any_ws
    store = SegmentStore(ws)
    gold = store.create("Gold", {"kind": "group", "match": "all", "conditions": [
        {"kind": "attribute", "attribute": "plan", "operator": "eq", "value": "gold"}]})
    for name, plan in (("ann", "gold"), ("bob", "basic"), ("cy", "gold")):
        ws.upsert_customer({"user_id": name}, {"plan": plan})
    schedule = {"kind": "schedule", "repeat": "once", "at": (T0 + timedelta(minutes=5)).isoformat(),
                "rules": [], "match": "all", "segment_id": gold.id}
    journey = _journey(registry, "Gold offer", schedule)
    ws.create_journey(journey)
    ws.set_status(journey.id, "live")
    ws.publish(journey.id, registry)
    clock = VirtualClock(T0)
    engine = LiveEngine(ws, registry, clock)
    assert engine.run_pass().runs == 0  # not yet due
    clock.advance(timedelta(minutes=10))
    result = engine.run_pass()
    assert result.problems == ()
    entered = {ws.get_customer(cid).attributes["plan"] for cid in _entered(ws, journey.id)}
    assert (result.runs, entered) == (2, {"gold"})


def test_a_schedule_or_check_naming_a_deleted_segment_says_so(any_ws: Workspace, registry):
    ws = any_ws
    store = SegmentStore(ws)
    gone = store.create("Soon gone")
    ws.upsert_customer({"user_id": "ann"}, {"plan": "gold"})
    schedule = {"kind": "schedule", "repeat": "once", "at": (T0 + timedelta(minutes=5)).isoformat(),
                "rules": [], "match": "all", "segment_id": gone.id}
    by_schedule = _journey(registry, "Scheduled", schedule)
    by_event = _journey(registry, "Checked", {"kind": "event", "event": "signed_up", "filters": []},
                        {"kind": "segment", "segment_id": gone.id})
    for journey in (by_schedule, by_event):
        ws.create_journey(journey)
        ws.set_status(journey.id, "live")
        ws.publish(journey.id, registry)
    store.delete(gone.id)
    ws.ingest_event({"user_id": "ann"}, "signed_up", occurred_at=T0 - timedelta(minutes=1))
    clock = VirtualClock(T0)
    engine = LiveEngine(ws, registry, clock)
    engine.run_pass()
    clock.advance(timedelta(minutes=10))  # the schedule is due
    result = engine.run_pass()
    assert _entered(ws, by_schedule.id) == set()  # nobody entered by the schedule
    assert len(_entered(ws, by_event.id)) == 1  # ann went through the check, to No
    assert sorted(result.problems) == sorted([
        "Journey “Scheduled”, entry “Scheduled entry”: the saved segment “Soon gone” was deleted, so "
        "nobody enters through it. Choose another segment and publish again.",
        "Journey “Checked”, check “In the segment?”: the saved segment “Soon gone” was deleted, so every "
        "customer takes its No path. Choose another segment and publish again."])


def test_run_says_lasting_warnings_only_when_they_change():
    from engine.cli import pass_report
    from engine.runtime.live import PassResult

    gone = "Journey “J”, entry “E”: the saved segment 's1' no longer exists, ..."
    quiet, said = pass_report(PassResult(), set())
    assert quiet == "" and said == set()
    first, said = pass_report(PassResult(problems=(gone,)), said)
    assert first == f"0 runs advanced, 0 messages sent\nwarning: {gone}"
    busy, said = pass_report(PassResult(events=1, runs=1, problems=(gone,)), said)
    assert busy == "1 event handled, 1 run advanced, 0 messages sent"  # the warning was said already
    assert pass_report(PassResult(problems=(gone,)), said) == ("", {gone})
    cleared, said = pass_report(PassResult(), said)
    assert (cleared, said) == ("the warnings above no longer apply", set())


def test_a_deleted_segment_keeps_its_name_for_the_nodes_that_still_name_it(any_ws: Workspace, registry):
    store = SegmentStore(any_ws)
    vip, other = store.create("VIP customers"), store.create("Other")
    store.delete(vip.id)
    store.delete(other.id)
    with any_ws._session() as s:
        assert deleted_segment_names(s.connection()) == {vip.id: "VIP customers", other.id: "Other"}
    journey = _journey(registry, "Win back", _segment_trigger(vip.id))
    any_ws.create_journey(journey)
    with pytest.raises(PublishRefused) as refused:
        any_ws.publish(journey.id, registry)
    assert refused.value.issues[0].message == \
        '"Win back entry" names the saved segment “VIP customers”, which was deleted: choose one that exists.'
    choices = picker_choices(any_ws)
    assert choices.deleted_segments == {vip.id: "VIP customers", other.id: "Other"}
    assert choices.segments == []


def test_a_saved_segment_whose_rules_can_no_longer_be_checked_stops_only_its_nodes(any_ws: Workspace, registry):
    """Rules saved by an earlier version may compare free text with "is more than", which rules
    now refuse: the live pass reports it, and the other journeys go on."""
    from engine.store.models import SegmentRow

    ws = any_ws
    legacy = SegmentStore(ws).create("Late plans")
    with ws._session(write=True) as s:
        row = s.get(SegmentRow, legacy.id)
        row.rules = {"kind": "group", "match": "all", "conditions": [
            {"kind": "attribute", "attribute": "plan", "operator": "gt", "value": "b"}]}
    by_segment = _journey(registry, "By segment", _segment_trigger(legacy.id))
    checked = _journey(registry, "Checked", {"kind": "event", "event": "signed_up", "filters": []},
                       {"kind": "segment", "segment_id": legacy.id})
    for journey in (by_segment, checked):
        ws.create_journey(journey)
        ws.set_status(journey.id, "live")
        ws.publish(journey.id, registry)
    ws.ingest_event({"user_id": "u1"}, "signed_up", occurred_at=T0 - timedelta(minutes=1))

    result = LiveEngine(ws, registry, VirtualClock(T0)).run_pass()
    assert result.events == 1 and _entered(ws, checked.id) == {ws.find_customer("user_id", "u1")}
    rule = ("“plan is more than b” cannot be checked: ‘b’ is neither a number nor a date; write a number like "
            "12.5 or a date like 2025-01-01")
    assert sorted(result.problems) == [
        f"Journey “By segment”, entry “By segment entry”, saved segment “Late plans”: {rule}. Until it is "
        "corrected under Track ▸ Segments, nobody enters through it.",
        f"Journey “Checked”, check “In the segment?”, saved segment “Late plans”: {rule}. Until it is corrected "
        "under Track ▸ Segments, every customer takes its No path."]


def test_run_once_lets_in_a_customer_who_just_joined_the_segment(tmp_path, registry):
    """``run --once`` is a pass asked for: it checks segments however recently a pass did (the
    live loop checks each at most once a minute)."""
    from tests.conftest import cli

    location = tmp_path / "ws"
    with Workspace.open(location) as ws:
        fans = SegmentStore(ws).create("Fans", rules={"kind": "group", "match": "all", "conditions": [
            {"kind": "tag", "tag": "fan", "has": True}]})
        journey = _journey(registry, "Fans", _segment_trigger(fans.id))
        ws.create_journey(journey)
        ws.set_status(journey.id, "live")
        ws.publish(journey.id, registry)
        ws.upsert_customer({"user_id": "first"}, tags=["fan"])
    assert cli("run", "--once", "--workspace", str(location)).returncode == 0
    with Workspace.open(location) as ws:
        newcomer = ws.upsert_customer({"user_id": "newcomer"}, tags=["fan"])
    done = cli("run", "--once", "--workspace", str(location))
    assert done.returncode == 0, done.stderr
    with Workspace.open(location) as ws:
        assert newcomer in _entered(ws, journey.id)
