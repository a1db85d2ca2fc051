"""A segment deleted while a journey naming it is open: the canvas keeps the name it knew and badges
the node with an error, and Problems says which segment was deleted."""

from __future__ import annotations

import html

from engine.commands import make_node
from engine.document import Journey
from engine.spec import default_registry
from engine.track.segments import SegmentStore
from tests.gui.conftest import journey_window


def test_a_segment_deleted_while_open_keeps_its_name_and_badges_the_node(qtbot, ws):
    registry = default_registry()
    vip = SegmentStore(ws).create("VIP customers")
    check = make_node(registry, "orchestrate.condition", 0, 0, title="Is VIP?",
                      config={"check": {"kind": "segment", "segment_id": vip.id}})
    info = ws.create_journey(Journey(name="VIP", nodes=[check]))
    with journey_window(qtbot, ws, info.id) as win:
        cnode = win.canvas.nodes[check.id]
        assert cnode.summary_text == "If in segment “VIP customers”"
        assert not [i for i in win.canvas.issues_for(check.id) if i.code == "segment_missing"]

        SegmentStore(ws).delete(vip.id)
        win.refresh_picker_choices()
        qtbot.waitUntil(lambda: cnode.issue_level == "error", timeout=10_000)
        assert cnode.summary_text == "If in segment “VIP customers”"  # not its id
        [issue] = [i for i in win.canvas.issues_for(check.id) if i.code == "segment_missing"]
        assert issue.message == '"Is VIP?" names the saved segment “VIP customers”, which was deleted: choose one ' \
                                'that exists.'
        assert html.escape(issue.message) in cnode.tooltip()
        assert issue in win.validation.issues()


def test_a_segment_deleted_before_the_window_opened_is_named_too(qtbot, ws):
    registry = default_registry()
    vip = SegmentStore(ws).create("VIP customers")
    SegmentStore(ws).create("Lapsed")
    check = make_node(registry, "orchestrate.condition", 0, 0, title="Is VIP?",
                      config={"check": {"kind": "segment", "segment_id": vip.id}})
    info = ws.create_journey(Journey(name="VIP", nodes=[check]))
    SegmentStore(ws).delete(vip.id)  # in another session: this window never saw the segment
    with journey_window(qtbot, ws, info.id) as win:
        assert win.canvas.nodes[check.id].summary_text == "If in segment “VIP customers”"
        win.canvas.select_nodes([check.id])
        picker = win.inspector.form.editor("check.segment_id")
        assert [picker.combo.itemText(i) for i in range(picker.combo.count())] == ["Lapsed"]  # not offered
        assert picker.status_text() == ("The saved segment “VIP customers” was deleted: choose another, or "
                                        "build it again under Manage segments.")


def test_publishing_with_other_errors_too_lists_every_reason(qtbot, ws):
    registry = default_registry()
    check = make_node(registry, "orchestrate.condition", 0, 0, title="Is VIP?",
                      config={"check": {"kind": "segment", "segment_id": "never-saved"}})
    info = ws.create_journey(Journey(name="VIP", nodes=[check]))  # no entry: an error of its own
    with journey_window(qtbot, ws, info.id) as win:
        win.publish()
        title, text = win.messages[-1]
        assert title == "Not published"
        assert text.startswith("The journey has problems to fix first:\n• ")
        assert '• "Is VIP?" names a saved segment that this workspace does not have' in text
        assert text.count("• ") >= 2  # the journey's own error too
        assert ws.list_versions(info.id) == []


def test_problems_place_a_missing_segment_at_its_titled_field(qtbot, ws):
    registry = default_registry()
    entry = make_node(registry, "orchestrate.entry", 0, 0, title="Became VIP",
                      config={"trigger": {"kind": "segment", "rules": [], "match": "all", "segment_id": "gone"}})
    info = ws.create_journey(Journey(name="VIP", nodes=[entry]))
    with journey_window(qtbot, ws, info.id) as win:
        [issue] = [i for i in win.validation.issues() if i.code == "segment_missing"]
        assert win.validation.location_text(issue) == "Became VIP · Customers enter › Segment"
