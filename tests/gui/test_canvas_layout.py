"""A journey file written by hand, opened in the app: its nodes do not sit on top of each other,
and a tracked event is titled by its event name."""

from __future__ import annotations

import json

from engine.commands import RenameNode, SetConfig

HAND_WRITTEN = {
    "format_version": 1,
    "journey": {"id": "hand-written", "name": "Written by hand"},
    "nodes": [
        {"id": "entry", "type": "orchestrate.entry", "title": "Signed up",
         "config": {"trigger": {"kind": "event", "event": "signed_up"}}},
        {"id": "wait", "type": "orchestrate.wait", "title": "Wait a day", "config": {}},
        {"id": "send", "type": "orchestrate.send", "title": "Welcome mail",
         "config": {"channel": "email-main", "channel_kind": "email", "subject": "Hi", "body": "Hello"}},
        {"id": "done", "type": "orchestrate.exit", "title": "Done", "config": {}},
        {"id": "signed", "type": "track.event", "config": {"event_name": "signed_up"}},
        {"id": "ordered", "type": "track.event", "title": "Tracked event",
         "config": {"event_name": "order_completed"}},
        {"id": "note", "type": "map.note", "config": {"text": "Written by hand"}},
    ],
    "edges": [
        {"id": "e1", "source": {"node": "entry", "port": "next"}, "target": {"node": "wait", "port": "in"}},
        {"id": "e2", "source": {"node": "wait", "port": "next"}, "target": {"node": "send", "port": "in"}},
        {"id": "e3", "source": {"node": "send", "port": "sent"}, "target": {"node": "done", "port": "in"}},
    ],
}


def open_file(window, tmp_path, data: dict):
    path = tmp_path / "hand.journey.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert window.import_path(str(path))
    return window.canvas


def test_nodes_of_a_file_without_layout_do_not_overlap(window, tmp_path):
    canvas = open_file(window, tmp_path, HAND_WRITTEN)
    rects = {nid: canvas._node_rect(cnode) for nid, cnode in canvas.nodes.items()}
    assert len(rects) == 7
    for a, ra in rects.items():
        for b, rb in rects.items():
            assert a == b or not ra.intersects(rb), (a, b)
    # left to right along the flow, the unconnected nodes below it
    xs = [rects[nid].x() for nid in ("entry", "wait", "send", "done")]
    assert xs == sorted(xs)
    assert min(rects[nid].y() for nid in ("signed", "ordered", "note")) > max(
        rects[nid].bottom() for nid in ("entry", "wait", "send", "done"))
    # Zoom to fit shows the whole journey at a size that is read, not a pile at (0, 0).
    window.zoom_to_fit()
    visible = canvas.view.mapToScene(canvas.view.viewport().rect()).boundingRect()
    for nid, rect in rects.items():
        assert visible.contains(rect), nid


def test_positions_a_file_gives_are_kept(window, tmp_path):
    data = json.loads(json.dumps(HAND_WRITTEN))
    data["layout"] = {"nodes": {"entry": {"x": 40, "y": 60}, "wait": {"x": 400, "y": 60}}}
    canvas = open_file(window, tmp_path, data)
    assert (canvas.nodes["entry"].grNode.pos().x(), canvas.nodes["entry"].grNode.pos().y()) == (40, 60)
    assert (canvas.nodes["wait"].grNode.pos().x(), canvas.nodes["wait"].grNode.pos().y()) == (400, 60)
    rects = [canvas._node_rect(cnode) for cnode in canvas.nodes.values()]
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:])


def test_a_tracked_event_without_a_title_is_titled_by_its_event_name(window, tmp_path):
    canvas = open_file(window, tmp_path, HAND_WRITTEN)
    assert canvas.nodes["signed"].display_title == "signed_up"
    assert canvas.nodes["ordered"].display_title == "order_completed"  # the title every such node starts with
    editor = window.editor
    config = dict(editor.journey.node("signed").config, event_name="account_created")
    editor.execute(SetConfig("signed", config, "event_name"))
    assert canvas.nodes["signed"].display_title == "account_created"
    editor.execute(RenameNode("signed", "Sign-up"))  # a title of the user's own wins
    assert canvas.nodes["signed"].display_title == "Sign-up"
    editor.execute(RenameNode("signed", ""))
    editor.execute(SetConfig("signed", dict(config, event_name=""), "event_name"))
    assert canvas.nodes["signed"].display_title == "Tracked event"  # nothing names it: its type
