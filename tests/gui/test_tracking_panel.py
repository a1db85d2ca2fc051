"""The Tracking panel: violations of the tracking plan after events break a ``track.event``
declaration, counts per source, clearing, and what it says with no plan or no problems."""

from __future__ import annotations

import pytest

from engine.commands import make_node
from engine.document import Journey
from engine.spec import default_registry
from engine.track.tracking_plan import check_and_record, violations


def _plan(ws) -> None:
    node = make_node(default_registry(), "track.event", 0, 0, title="Order completed", config={
        "event_name": "order_completed", "description": "", "source": "Shop",
        "properties": [{"name": "order_id", "type": "string", "required": True, "description": ""},
                       {"name": "total", "type": "number", "required": True, "description": ""}]})
    ws.create_journey(Journey(name="Tracking plan", nodes=[node]))


def _ingest(ws, name: str, properties: dict, source: str = "Shop") -> None:
    """Store an event and check it against the plan, as the collector and the CSV import do."""
    event = ws.ingest_event({"email": "ann@example.com"}, name, properties, source=source)
    check_and_record(ws, [(event.name, event.properties)])


@pytest.fixture
def panel(qtbot, ws):
    from gui.app import make_application
    from gui.tracking_panel import TrackingPanel

    make_application()
    widget = TrackingPanel(ws)
    widget.questions = []
    widget.answer = True

    def confirm(text):
        widget.questions.append(text)
        return widget.answer

    widget._confirm = confirm
    qtbot.addWidget(widget)
    yield widget
    widget.shutdown()


def _rows(panel) -> list[list[str]]:
    table = panel.table
    return [[table.topLevelItem(i).text(c) for c in range(table.columnCount())]
            for i in range(table.topLevelItemCount())]


def test_a_violation_is_listed_after_an_event_breaks_the_plan(qtbot, ws, panel):
    _plan(ws)
    panel.show()
    qtbot.waitUntil(lambda: not panel.busy and panel.has_plan)
    assert panel.records == []
    assert panel.summary.text() == panel.tr("No problems counted")
    assert "Check stored events" in panel.empty.text()  # says what was not checked

    _ingest(ws, "order_completed", {"order_id": "o-1", "total": 12.5})  # as planned
    _ingest(ws, "order_completed", {"order_id": "o-2", "total": "59.90"})  # total as text
    _ingest(ws, "order_completed", {"total": 10})  # no order id
    _ingest(ws, "wishlist_added", {"product_id": "sku-1"}, source="Website")  # not in the plan
    panel.refresh()
    qtbot.waitUntil(lambda: not panel.busy and len(panel.records) == 3)
    rows = {(row[0], row[1], row[2]): row for row in _rows(panel)}
    assert set(rows) == {("order_completed", "Wrong type: number expected", "total"),
                         ("order_completed", "Missing property", "order_id"),
                         ("wishlist_added", "Unknown event", "—")}
    mistyped = rows[("order_completed", "Wrong type: number expected", "total")]
    assert mistyped[3] == "1"
    assert '"total": "59.90"' in mistyped[5]
    item = next(panel.table.topLevelItem(i) for i in range(panel.table.topLevelItemCount())
                if panel.table.topLevelItem(i).text(1) == "Wrong type: number expected")
    assert "59.90" in item.toolTip(5)
    assert sorted(item.child(i).text(0) for i in range(item.childCount())) == ["order_id = o-2", "total = 59.90"]
    assert "3 problems · " in panel.summary.text() and "seen " in panel.summary.text()

    sources = {panel.sources_table.topLevelItem(i).text(0): panel.sources_table.topLevelItem(i).text(1)
               for i in range(panel.sources_table.topLevelItemCount())}
    assert sources == {"Shop": "3", "Website": "1"}

    _ingest(ws, "order_completed", {"order_id": "o-3", "total": "1"})
    panel.refresh()
    qtbot.waitUntil(lambda: not panel.busy and any(r.count == 2 for r in panel.records))
    assert {(row[0], row[1], row[3]) for row in _rows(panel)} >= {("order_completed", "Wrong type: number expected", "2")}


def test_clear_forgets_the_counts_after_confirmation(qtbot, ws, panel):
    _plan(ws)
    _ingest(ws, "wishlist_added", {})
    panel.show()
    qtbot.waitUntil(lambda: not panel.busy and len(panel.records) == 1)
    panel.answer = False
    panel.clear()
    assert panel.questions and len(violations(ws)) == 1
    panel.answer = True
    panel.clear()
    qtbot.waitUntil(lambda: not panel.busy and not panel.records)
    assert violations(ws) == []
    assert not panel.clear_button.isEnabled()


def test_without_a_plan_the_panel_says_how_to_make_one(qtbot, ws, panel):
    _ingest(ws, "anything", {"a": 1})
    panel.show()
    qtbot.waitUntil(lambda: not panel.busy and bool(panel.sources))
    assert panel.records == [] and not panel.has_plan
    assert panel.summary.text() == panel.tr("No tracking plan yet")
    assert "Tracked event" in panel.empty.text()
    assert panel.stack.currentWidget() is panel.empty


def test_the_panel_reads_on_a_timer_only_while_visible(qtbot, ws, panel):
    panel.show()
    assert panel.timer.isActive()
    panel.hide()
    assert not panel.timer.isActive()


def test_check_stored_events_counts_what_arrived_before_the_plan(qtbot, ws, panel):
    ws.ingest_event({"email": "ann@example.com"}, "wishlist_added", {"product_id": "sku-1"})
    ws.ingest_event({"email": "bo@example.com"}, "order_completed", {"order_id": "o-1"})
    panel.show()
    qtbot.waitUntil(lambda: not panel.busy and bool(panel.sources))
    assert not panel.check_button.isEnabled()  # nothing to check against yet
    _plan(ws)
    panel.refresh()
    qtbot.waitUntil(lambda: not panel.busy and panel.has_plan)
    assert panel.records == [] and panel.check_button.isEnabled()

    panel.check_stored()
    assert panel.checking and panel.check_button.text() == panel.tr("Cancel check")
    assert not panel.clear_button.isEnabled()
    qtbot.waitUntil(lambda: not panel.busy and not panel.checking and len(panel.records) == 2)
    assert {(row[0], row[1], row[2]) for row in _rows(panel)} == {
        ("wishlist_added", "Unknown event", "—"), ("order_completed", "Missing property", "total")}
    assert panel.check_button.text() == panel.tr("Check stored events")
    assert panel.last_check is not None and panel.last_check[0] == 2


def test_a_check_with_no_problems_says_how_many_events_it_read(qtbot, ws, panel):
    _plan(ws)
    ws.ingest_event({"email": "ann@example.com"}, "order_completed", {"order_id": "o-1", "total": 3})
    panel.show()
    qtbot.waitUntil(lambda: not panel.busy and panel.has_plan)
    panel.check_stored()
    qtbot.waitUntil(lambda: not panel.busy and not panel.checking)
    assert panel.summary.text() == panel.tr("No problems in the 1 stored event")


def test_a_cancelled_check_changes_nothing(qtbot, ws, panel, monkeypatch):
    from engine.track import tracking_plan

    _plan(ws)
    _ingest(ws, "wishlist_added", {})  # counted when it arrived
    ws.ingest_event({"email": "bo@example.com"}, "other_event", {})  # stored, never checked
    panel.show()
    qtbot.waitUntil(lambda: not panel.busy and len(panel.records) == 1)
    monkeypatch.setattr(tracking_plan, "CHECK_CHUNK", 1)
    real = tracking_plan.check_stored

    def check_stored(ws_, *, progress=None, cancelled=None):
        panel.cancel_check()  # the user presses Cancel as soon as it starts
        return real(ws_, progress=progress, cancelled=cancelled)

    monkeypatch.setattr(tracking_plan, "check_stored", check_stored)
    panel.check_stored()
    qtbot.waitUntil(lambda: not panel.busy and not panel.checking)
    assert panel.summary.text().endswith(panel.tr("check cancelled, the counts were not changed"))
    assert panel.summary.text().startswith(panel.tr("1 problem"))
    assert [r.event_name for r in violations(ws)] == ["wishlist_added"]


def _source_rows(panel) -> dict[str, tuple[str, str, str]]:
    table = panel.sources_table
    return {table.topLevelItem(i).text(0): (table.topLevelItem(i).text(1), table.topLevelItem(i).text(2),
                                           table.topLevelItem(i).toolTip(0))
            for i in range(table.topLevelItemCount())}


def test_sources_are_named_after_the_nodes_that_declare_them(qtbot, ws, panel):
    registry = default_registry()
    shop = make_node(registry, "track.source", 0, 0, title="Shop website", config={
        "name": "Shop website", "source": {"kind": "collector", "protocol": "segment", "write_key_ref": ""}})
    returns = make_node(registry, "track.source", 300, 0, title="Returns", config={
        "name": "Returns", "source": {"kind": "csv", "path": "/exports/returns.csv"}})
    ws.create_journey(Journey(name="Sources", nodes=[shop, returns]))
    for source in ("segment", "segment", "csv:events.csv", "sensors:default", ""):
        ws.ingest_event({"email": "ann@example.com"}, "order_completed", {}, source=source)
    panel.show()
    qtbot.waitUntil(lambda: not panel.busy and bool(panel.sources))
    rows = _source_rows(panel)
    assert set(rows) == {"Shop website — Segment collector", "CSV file events.csv",
                         "Sensors collector (project default)", "(no source)", "Returns — CSV file returns.csv"}
    label, recent, tip = rows["Shop website — Segment collector"]
    assert (label, recent) == ("2", "2")
    assert "segment" in tip and "Declared by “Shop website” in Sources" in tip  # the raw key is in the tooltip
    assert "csv:events.csv" in rows["CSV file events.csv"][2]
    assert rows["Returns — CSV file returns.csv"][:2] == ("0", "0")  # declared, nothing arrived yet
    top = panel.sources_table.topLevelItem(0).text(0)
    assert top == "Shop website — Segment collector"  # most events first


def test_source_labels():
    from gui.tracking_panel import source_label

    assert source_label("segment") == "Segment collector"
    assert source_label("sensors:default") == "Sensors collector (project default)"
    assert source_label("csv:events.csv") == "CSV file events.csv"
    assert source_label("") == "(no source)"
    assert source_label("crm") == "crm" and source_label("csv:") == "csv:"


def _name_write_keys(ws, names: dict[str, str]) -> None:
    """Store events' write key names as the collector does (event name → key name)."""
    from engine.store.models import EventRow

    events = EventRow.__table__
    with ws.engine.begin() as conn:
        for event, key in names.items():
            conn.execute(events.update().where(events.c.name == event).values(write_key=key))


def test_collector_sources_of_one_protocol_are_listed_per_write_key(qtbot, ws, panel):
    registry = default_registry()

    def collector(title: str, protocol: str, ref: str, x: float):
        return make_node(registry, "track.source", x, 0, title=title, config={
            "name": title, "source": {"kind": "collector", "protocol": protocol, "write_key_ref": ref}})

    ws.create_journey(Journey(name="Sources", nodes=[
        collector("Shop website", "segment", "web", 0), collector("Shop app", "segment", "app", 300),
        collector("All Segment", "segment", "", 600), collector("Kiosk", "sensors", "kiosk", 900)]))
    for event in ("w1", "w2", "w3", "a1", "old"):
        ws.ingest_event({"email": "ann@example.com"}, event, {}, source="segment")
    ws.ingest_event({"email": "ann@example.com"}, "s1", {}, source="sensors:default")
    _name_write_keys(ws, {"w1": "web", "w2": "web", "w3": "web", "a1": "app", "s1": "web"})
    panel.show()
    qtbot.waitUntil(lambda: not panel.busy and bool(panel.sources))
    assert panel.sources == {("segment", "web"): (3, 3), ("segment", "app"): (1, 1), ("segment", None): (1, 1),
                             ("sensors:default", "web"): (1, 1)}
    rows = _source_rows(panel)
    # Named after the node naming the key; a row no such node counts after the node counting every key.
    assert set(rows) == {"Shop website — Segment collector, key “web”", "Shop app — Segment collector, key “app”",
                         "All Segment — Segment collector", "Sensors collector (project default), key “web”",
                         "Kiosk — Sensors collector, key “kiosk”"}
    assert panel.sources_table.topLevelItem(0).text(0) == "Shop website — Segment collector, key “web”"
    total, recent, tip = rows["Shop website — Segment collector, key “web”"]
    assert (total, recent) == ("3", "3")
    assert "Stored as source: segment" in tip and "Sent with the write key “web”" in tip
    # Every node that counts these events is in the tooltip, the one counting every key too.
    assert "Declared by “Shop website” in Sources" in tip and "Declared by “All Segment” in Sources" in tip
    assert "Shop app" not in tip
    old = rows["All Segment — Segment collector"][2]
    assert "no name" in old and "Shop website" not in old
    kiosk_total, _, kiosk_tip = rows["Kiosk — Sensors collector, key “kiosk”"]
    assert kiosk_total == "0" and "Sent with the write key “kiosk”" in kiosk_tip and "No events yet" in kiosk_tip


def test_source_labels_with_a_write_key():
    from engine.track.tracking_plan import SourceKey
    from gui.tracking_panel import key_label, source_label

    assert source_label("segment", "web") == "Segment collector, key “web”"
    assert source_label("sensors:shop", "app") == "Sensors collector (project shop), key “app”"
    assert source_label("segment", None) == "Segment collector"
    # A name holding a placeholder is shown as it is.
    assert source_label("csv:%2.csv", "%1 key") == "CSV file %2.csv, key “%1 key”"
    assert key_label(SourceKey("sensors:", prefix=True, write_key="app")) == "Sensors collector, key “app”"
    assert key_label(SourceKey("sensors:", prefix=True)) == "Sensors collector"
    assert key_label(SourceKey("segment", write_key="web")) == "Segment collector, key “web”"


def test_the_open_journey_names_its_sources_as_edited_before_it_is_saved(qtbot, ws, panel):
    registry = default_registry()
    shop = make_node(registry, "track.source", 0, 0, title="Shop website", config={
        "name": "Shop website", "source": {"kind": "collector", "protocol": "segment", "write_key_ref": ""}})
    journey = Journey(name="Sources", nodes=[shop])
    info = ws.create_journey(journey)
    ws.ingest_event({"email": "ann@example.com"}, "order_completed", {}, source="segment")
    panel.show()
    qtbot.waitUntil(lambda: not panel.busy and bool(panel.sources))
    assert "Shop website — Segment collector" in _source_rows(panel)

    # Edited in place in the editor, not saved: the panel follows at once, without reading the workspace.
    shop.title = "Web shop"
    panel.set_open_journey(info.id, journey.name, journey)
    rows = _source_rows(panel)
    assert "Web shop — Segment collector" in rows and "Shop website — Segment collector" not in rows
    panel.set_open_journey(None)  # closed unsaved: back to the saved draft
    assert "Shop website — Segment collector" in _source_rows(panel)
