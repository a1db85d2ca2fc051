"""Live event counts on ``track.source`` nodes: what the pill and tooltip say, the canvas matching
nodes to stored sources (and again after an edit), the main window's feed reading the counts off the
UI thread, and the *Show metrics on canvas* switch hiding them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from engine.commands import AddNode, SetConfig, make_node
from engine.document import Journey
from engine.spec import default_registry
from engine.track.tracking_plan import NodeSourceCounts, SourceKey, SourceStats

SEGMENT = {"kind": "collector", "protocol": "segment", "write_key_ref": ""}
CSV = {"kind": "csv", "path": "/data/exports/events.csv"}
NOW = datetime.now(UTC)


def _source(title: str, source: dict, x: float = 0.0):
    return make_node(default_registry(), "track.source", x, 0, title=title, config={"name": title, "source": source})


def _journey(ws) -> tuple[str, str, str]:
    shop, orders = _source("Shop website", SEGMENT), _source("Order CSV", CSV, 300)
    info = ws.create_journey(Journey(name="Sources", nodes=[shop, orders]))
    return info.id, shop.id, orders.id


def test_pill_text():
    from gui.canvas import source_counts_text

    key = SourceKey("segment")
    assert source_counts_text(NodeSourceCounts(key, (), 0, 0, None)) == "No events yet"
    assert source_counts_text(NodeSourceCounts(key, ("segment",), 1, 0, NOW)) == "1 event · 0 in 24 h"
    assert source_counts_text(NodeSourceCounts(key, ("segment",), 1234, 56, NOW)) == "1,234 events · 56 in 24 h"


def test_tooltip_names_the_last_event_and_the_source_key(qtbot):
    from gui.app import make_application
    from gui.canvas import source_counts_tooltip

    make_application()
    last = datetime.now(UTC) - timedelta(minutes=5)  # the tooltip says how long ago from its own now
    csv = " ".join(source_counts_tooltip(NodeSourceCounts(SourceKey("csv:events.csv"), ("csv:events.csv",),
                                                          3, 1, last)))
    assert "3 in all, 1 in the last 24 hours" in csv
    assert "Last event received 5 min ago" in csv
    assert "CSV file events.csv (csv:events.csv)" in csv
    assert "write key" not in csv
    sensors = " ".join(source_counts_tooltip(NodeSourceCounts(SourceKey("sensors:", prefix=True), (), 0, 0, None)))
    assert "Counted from: sensors:*" in sensors and "Last event" not in sensors
    assert "Events sent with any write key" in sensors  # a node naming no key counts every key
    web = " ".join(source_counts_tooltip(NodeSourceCounts(SourceKey("segment", write_key="web"), ("segment",),
                                                          2, 2, last)))
    assert "Counted from: Segment collector (segment)" in web
    assert "Only events sent with the write key “web”." in web and "any write key" not in web


def test_canvas_matches_nodes_to_stored_sources(qtbot, ws, window):
    win = window
    journey_id, shop, orders = _journey(ws)
    win.open_journey(journey_id)
    canvas = win.canvas
    stats = {"segment": SourceStats(12, 5, NOW), "csv:other.csv": SourceStats(7, 7, NOW)}
    canvas.set_source_stats(stats)
    assert (canvas.nodes[shop].source_counts.total, canvas.nodes[shop].source_counts.recent) == (12, 5)
    assert canvas.nodes[orders].source_counts.total == 0
    assert "12 in all" in canvas.nodes[shop].tooltip()
    # A new file on the node: matched against the last read at once, no read needed.
    win.editor.execute(SetConfig(orders, {"name": "Order CSV", "source": {**CSV, "path": "other.csv"}}))
    assert canvas.nodes[orders].source_counts.total == 7
    canvas.set_source_stats(None)
    assert canvas.nodes[shop].source_counts is None
    # Painting with and without counts (offscreen, to a picture) does not fail.
    canvas.set_source_stats(stats)
    image = win.canvas.view.grab()
    assert not image.isNull()


def test_main_window_feed_reads_counts_off_the_ui_thread(qtbot, ws, window):
    win = window
    journey_id, shop, orders = _journey(ws)
    for i in range(3):
        ws.ingest_event({"user_id": f"u{i}"}, "Order Completed", {}, source="segment")
    ws.ingest_event({"user_id": "u1"}, "order_completed", {}, source="csv:events.csv")
    ws.ingest_event({"user_id": "u1"}, "other", {}, source="crm")
    win.open_journey(journey_id)
    feed = win.source_feed
    qtbot.waitUntil(lambda: feed.stats is not None and not feed.busy)
    nodes = win.canvas.nodes
    assert (nodes[shop].source_counts.total, nodes[shop].source_counts.recent) == (3, 3)
    assert nodes[orders].source_counts.total == 1 and nodes[orders].source_counts.sources == ("csv:events.csv",)
    assert feed.timer.isActive()

    ws.ingest_event({"user_id": "u9"}, "Order Completed", {}, source="segment")
    with qtbot.waitSignal(feed.updated):
        feed.refresh()
    assert nodes[shop].source_counts.total == 4

    # Metrics hidden: the pills go and the feed stops reading.
    win.act_overlays.trigger()
    assert not win.act_overlays.isChecked()
    assert not nodes[shop].overlay_visible and not feed.timer.isActive()
    win.act_overlays.trigger()
    assert nodes[shop].overlay_visible and feed.timer.isActive()
    qtbot.waitUntil(lambda: not feed.busy)
    win.editor.undo_stack.setClean()
    win.close()  # closing the window lets go of the canvas and stops the reads
    assert feed.canvas is None and not feed.timer.isActive()


def test_no_reads_for_a_journey_without_data_sources(qtbot, ws, window):
    win = window
    note = make_node(default_registry(), "map.note", 0, 0, config={"text": "plain"})
    info = ws.create_journey(Journey(name="Notes", nodes=[note]))
    win.open_journey(info.id)
    feed = win.source_feed
    assert not feed.wanted() and not feed.timer.isActive() and not feed.busy
    # The first data source added starts the reads.
    node = _source("Shop website", SEGMENT, 300)

    with qtbot.waitSignal(feed.updated):
        win.editor.execute(AddNode(node))
    assert feed.timer.isActive()
    assert win.canvas.nodes[node.id].source_counts.total == 0


def test_the_tracking_panels_read_serves_the_canvas_too(qtbot, ws, window):
    win = window
    journey_id, shop, _orders = _journey(ws)
    win.open_journey(journey_id)
    feed = win.source_feed
    qtbot.waitUntil(lambda: feed.stats is not None and not feed.busy)
    ws.ingest_event({"user_id": "u1"}, "Order Completed", {}, source="segment")
    # The panel's own read of the counts reaches the nodes without a read of the feed's...
    with qtbot.waitSignal(win.tracking_panel.sourcesRead):
        win.tracking_panel.refresh(sources=True)
    assert win.canvas.nodes[shop].source_counts.total == 1
    # ...and the feed's next timed read is skipped while those counts are fresh.
    feed._tick()
    assert not feed.busy


def test_collector_nodes_of_one_protocol_count_per_write_key(qtbot, ws, window):
    win = window
    web = _source("Shop website", {**SEGMENT, "write_key_ref": "web"})
    app = _source("Shop app", {**SEGMENT, "write_key_ref": "app"}, 300)
    every = _source("All Segment", SEGMENT, 600)
    info = ws.create_journey(Journey(name="Sources", nodes=[web, app, every]))
    win.open_journey(info.id)
    canvas = win.canvas
    by_key = {"web": SourceStats(5, 2, NOW), "app": SourceStats(3, 1, NOW), None: SourceStats(4, 0, NOW)}
    canvas.set_source_stats({"segment": SourceStats(12, 3, NOW, by_key)})
    counts = {node.id: canvas.nodes[node.id].source_counts for node in (web, app, every)}
    assert (counts[web.id].total, counts[web.id].recent) == (5, 2)
    assert (counts[app.id].total, counts[app.id].recent) == (3, 1)
    assert (counts[every.id].total, counts[every.id].recent) == (12, 3)
    assert "5 in all" in canvas.nodes[web.id].tooltip()
    # Naming another key: matched against the last read at once.
    win.editor.execute(SetConfig(app.id, {"name": "Shop app", "source": {**SEGMENT, "write_key_ref": "web"}}))
    assert canvas.nodes[app.id].source_counts.total == 5
    win.editor.execute(SetConfig(app.id, {"name": "Shop app", "source": {**SEGMENT, "write_key_ref": "kiosk"}}))
    assert canvas.nodes[app.id].source_counts.total == 0
