"""``journey-studio tracking``: the plan and its violations headless, as the Tracking panel shows them."""

from __future__ import annotations

import json

from engine.cli import main
from engine.store import Workspace
from engine.track import tracking_plan as tp
from tests.engine.track.test_tracking_plan import event_node, plan_journey


def _workspace(tmp_path, registry) -> str:
    location = str(tmp_path / "ws")
    with Workspace.open(location) as ws:
        ws.create_journey(plan_journey(registry, "Shop events",
                                       event_node(registry, "order_completed", ("order_id", "string", True),
                                                  ("total", "number", True))))
        for name, props in (("order_completed", {"order_id": "o1", "total": "12"}),
                            ("order_completed", {"total": 3}), ("wishlist_added", {"sku": "x"})):
            ws.ingest_event({"email": "ann@example.com"}, name, props)
        tp.check_stored(ws)
    return location


def test_violations_plan_check_and_clear(tmp_path, registry, capsys):
    location = _workspace(tmp_path, registry)
    assert main(["tracking", "--workspace", location]) == 0
    out = capsys.readouterr().out
    assert out.startswith("3 problems, seen 3 times:")
    assert "order_completed: 'total' has the wrong type (the plan says number) — 1 time" in out
    assert "order_completed: lacks 'order_id' — 1 time" in out and "wishlist_added: not in the plan" in out

    assert main(["tracking", "violations", "wishlist_added", "--workspace", location, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["plan_events"] == 1
    assert [(v["event"], v["kind"], v["count"], v["example"]) for v in data["violations"]] == [
        ("wishlist_added", "unknown_event", 1, {"sku": "x"})]

    assert main(["tracking", "plan", "--workspace", location]) == 0
    out = capsys.readouterr().out
    assert "order_completed  (declared in 'Shop events')" in out and "  total: number, required" in out

    assert main(["tracking", "clear", "wishlist_added", "--yes", "--workspace", location]) == 0
    assert capsys.readouterr().out.strip() == "forgot 1 counted problem of 'wishlist_added'"
    assert main(["tracking", "check", "--workspace", location, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"events": 3, "violations": 3}


def test_without_a_plan_it_says_how_to_make_one(tmp_path, capsys):
    location = str(tmp_path / "empty")
    with Workspace.open(location):
        pass
    assert main(["tracking", "--workspace", location]) == 0
    assert "no tracking plan yet: add Tracked event nodes" in capsys.readouterr().out
