"""The Tracking panel: an unknown event spelt like a declared one ("Order Completed" for
``order_completed``) says which one was likely meant."""

from __future__ import annotations

import pytest

from engine.commands import make_node
from engine.document import Journey
from engine.spec import default_registry
from engine.track.tracking_plan import check_and_record


def _declare(ws, *names: str) -> None:
    nodes = [make_node(default_registry(), "track.event", 0, 0, title=name, config={
        "event_name": name, "description": "", "source": "", "properties": []}) for name in names]
    ws.create_journey(Journey(name="Tracking plan", nodes=nodes))


def _ingest(ws, name: str) -> None:
    event = ws.ingest_event({"user_id": "u1"}, name, {"order_id": "o-1"}, source="segment")
    check_and_record(ws, [(event.name, event.properties)])


@pytest.fixture
def panel(qtbot, ws):
    from gui.app import make_application
    from gui.tracking_panel import TrackingPanel

    make_application()
    widget = TrackingPanel(ws)
    widget.resize(1280, 300)
    qtbot.addWidget(widget)
    yield widget
    widget.shutdown()


def _rows(panel) -> dict[str, object]:
    return {panel.table.topLevelItem(i).text(0): panel.table.topLevelItem(i)
            for i in range(panel.table.topLevelItemCount())}


def test_an_unknown_event_spelt_like_a_declared_one_says_which_was_meant(qtbot, ws, panel):
    _declare(ws, "order_completed", "signed_up")
    _ingest(ws, "Order Completed")
    _ingest(ws, "order-Completed")
    _ingest(ws, "Newsletter Opened")  # like nothing declared: no guess
    panel.show()
    qtbot.waitUntil(lambda: not panel.busy and len(panel.records) == 3)
    rows = _rows(panel)
    assert rows["Order Completed"].text(1) == "Unknown event: did you mean “order_completed”?"
    assert rows["Order Completed"].toolTip(0) == "Did you mean “order_completed”?"
    assert "declares “order_completed”" in rows["Order Completed"].toolTip(1)
    assert "did you mean “order_completed”" in rows["order-Completed"].text(1)
    assert rows["Newsletter Opened"].text(1) == "Unknown event"
    assert panel.declared_events == ["order_completed", "signed_up"]
