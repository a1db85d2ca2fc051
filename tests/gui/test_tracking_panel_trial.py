"""What a new user's trial of the tracking plan found, as the windows show it: examples led by the
property at fault with SDK metadata last (Tracking panel and Collector window alike), List and
Object property types in the inspector, and Segment's page calls not called unknown."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from engine.commands import make_node
from engine.document import Journey
from engine.spec import default_registry
from engine.track.tracking_plan import check_and_record

CONTEXT = {"library": {"name": "analytics-python", "version": "2.3.3"}, "ip": "10.0.0.1",
           "userAgent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"}


def _plan(ws, *more) -> None:
    node = make_node(default_registry(), "track.event", 0, 0, title="Order Completed", config={
        "event_name": "Order Completed", "description": "", "source": "",
        "properties": [{"name": "order_id", "type": "string", "required": True, "description": ""},
                       {"name": "items", "type": "list", "required": True, "description": ""},
                       {"name": "shipping", "type": "object", "required": False, "description": ""}]})
    ws.create_journey(Journey(name="Tracking plan", nodes=[node, *more]))


def _ingest(ws, name: str, properties: dict) -> None:
    event = ws.ingest_event({"user_id": "u1"}, name, properties, source="segment")
    check_and_record(ws, [(event.name, event.properties)])


@pytest.fixture
def panel(qtbot, ws):
    from gui.app import make_application
    from gui.tracking_panel import TrackingPanel

    make_application()
    widget = TrackingPanel(ws)
    qtbot.addWidget(widget)
    yield widget
    widget.shutdown()


def _items(panel) -> dict[tuple[str, str], object]:
    table = panel.table
    return {(table.topLevelItem(i).text(0), table.topLevelItem(i).text(2)): table.topLevelItem(i)
            for i in range(table.topLevelItemCount())}


def test_the_example_starts_with_the_property_at_fault_and_ends_with_the_sdk_context(qtbot, ws, panel):
    _plan(ws)
    # As the collector stores a Segment track call: "$context" holds what the SDK adds.
    _ingest(ws, "Order Completed", {"$context": CONTEXT, "coupon": "SPRING", "order_id": "o-1",
                                    "items": "sku-1,sku-2"})
    _ingest(ws, "Order Completed", {"$context": CONTEXT, "coupon": "SPRING", "items": [{"sku": "a", "qty": 2}],
                                    "shipping": {"city": "Leeds"}})
    panel.show()
    qtbot.waitUntil(lambda: not panel.busy and len(panel.records) == 2)
    items = _items(panel)

    mistyped = items[("Order Completed", "items")]
    assert mistyped.text(1) == "Wrong type: list expected"
    line = mistyped.text(5)
    assert line.startswith('{"items": "sku-1,sku-2", "coupon": "SPRING", "order_id": "o-1", "$context": {')
    assert "analytics-python" not in line[:80]
    # The tooltip and the unfolded rows keep the whole example, in the same order.
    tip = mistyped.toolTip(5)
    assert "analytics-python" in tip and CONTEXT["userAgent"] in tip
    assert tip.index('"items"') < tip.index('"coupon"') < tip.index('"$context"')
    children = [mistyped.child(i).text(0) for i in range(mistyped.childCount())]
    assert children[:3] == ["items = sku-1,sku-2", "coupon = SPRING", "order_id = o-1"]
    assert children[3].startswith("$context = {") and "analytics-python" in children[3]
    # ...each across the whole width, not cut at the Event column.
    assert all(mistyped.child(i).isFirstColumnSpanned() for i in range(mistyped.childCount()))

    # A missing property is named first too, though it is not there: the event's own come first.
    missing = items[("Order Completed", "order_id")]
    assert missing.text(1) == "Missing property"
    assert missing.text(5).startswith('{"coupon": "SPRING", "items": [{"sku": "a", "qty": 2}], "shipping": {')
    assert missing.text(5).index('"$context"') > missing.text(5).index('"shipping"')


def test_segment_page_calls_are_not_unknown_and_the_help_says_so(qtbot, ws, panel):
    _plan(ws)
    _ingest(ws, "Page Viewed", {"path": "/", "$context": CONTEXT})
    _ingest(ws, "Group", {"group_id": "acme", "$context": CONTEXT})
    _ingest(ws, "Wishlist Added", {"sku": "a", "$context": CONTEXT})
    panel.show()
    qtbot.waitUntil(lambda: not panel.busy and len(panel.records) == 1)
    unknown = _items(panel)[("Wishlist Added", "—")]
    assert unknown.text(1) == "Unknown event"
    help_text = unknown.toolTip(1)
    assert "Page Viewed" in help_text and "Screen Viewed" in help_text and "$SignUp" in help_text

    # The note shown while nothing is counted explains the same.
    panel.records = []
    panel._show()
    assert panel.stack.currentWidget() is panel.empty and "Page Viewed" in panel.empty.text()


def test_a_declared_page_viewed_is_checked(qtbot, ws, panel):
    page = make_node(default_registry(), "track.event", 0, 200, title="Page Viewed", config={
        "event_name": "Page Viewed", "description": "", "source": "",
        "properties": [{"name": "path", "type": "string", "required": True, "description": ""}]})
    _plan(ws, page)
    _ingest(ws, "Page Viewed", {"url": "https://shop.example/", "$context": CONTEXT})
    panel.show()
    qtbot.waitUntil(lambda: not panel.busy and len(panel.records) == 1)
    row = _items(panel)[("Page Viewed", "path")]
    assert row.text(1) == "Missing property"
    assert row.text(5).startswith('{"url": "https://shop.example/", "$context": {')


def test_the_inspector_offers_list_and_object_types(qtbot):
    from gui.app import make_application
    from gui.forms import ConfigForm

    make_application()
    spec = default_registry().get("track.event")
    config = {"event_name": "Order Completed", "description": "", "source": "",
              "properties": [{"name": "items", "type": "list", "required": True, "description": ""},
                             {"name": "total", "type": "number", "required": False, "description": ""}]}
    form = ConfigForm(spec.config_model, config)
    qtbot.addWidget(form)
    form.resize(420, 700)
    form.show()
    combo = form.editor("properties.0.type").combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["String", "Number", "Boolean", "Date and time",
                                                                 "List", "Object"]
    assert combo.currentText() == "List"
    other = form.editor("properties.1.type").combo
    other.setCurrentIndex(other.findText("Object"))
    value = form.value()
    assert [p["type"] for p in value["properties"]] == ["list", "object"]
    assert spec.config_errors(value) == []


def test_the_collector_window_shows_sdk_metadata_last(qtbot, ws):
    from engine.store.customers import EventRecord
    from gui.app import make_application
    from gui.collector_panel import CollectorPanel

    make_application()
    panel = CollectorPanel(ws)
    qtbot.addWidget(panel)
    now = datetime.now(UTC)
    # A Sensors SDK sends its metadata first.
    sensors = EventRecord(1, "c1", "$pageview", {"$lib": "js", "$lib_version": "1.25", "$screen_width": 1280,
                                                 "page": "/pricing"}, now, now, "sensors:default", None)
    segment = EventRecord(2, "c1", "Order Completed", {"order_id": "o-1", "$context": CONTEXT}, now, now,
                          "segment", None)
    try:
        panel._on_stored([sensors, segment])
        panel._show_latest()
        rows = {panel.latest_list.topLevelItem(i).text(1): panel.latest_list.topLevelItem(i)
                for i in range(panel.latest_list.topLevelItemCount())}
        assert rows["$pageview"].text(3).startswith("page: /pricing, $lib: js")
        assert rows["Order Completed"].text(3).startswith('order_id: o-1, $context: {')
        assert json.loads(rows["$pageview"].toolTip(3)) == sensors.properties  # nothing lost
    finally:
        panel.shutdown()
