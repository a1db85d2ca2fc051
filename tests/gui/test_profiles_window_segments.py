"""The Profiles window names the saved segments a customer matches now, as the segment builder
counts them; the stored membership (what starts journeys) is in the tooltip when it differs."""

from __future__ import annotations

from engine.track.segments import SegmentStore
from tests.gui.conftest import show_profile

VIP = {"kind": "group", "match": "all", "conditions": [{"kind": "tag", "tag": "vip", "has": True}]}


def test_segments_matching_now_are_named_and_the_stored_membership_is_told_apart(qtbot, ws, profiles):
    store = SegmentStore(ws)
    vip = store.create("VIP", VIP)
    store.create("Nobody", {"kind": "group", "match": "any", "conditions": []})
    ann = ws.upsert_customer({"email": "ann@example.com"}, {"name": "Ann"}, tags=["vip"])
    show_profile(qtbot, profiles, ann)
    assert profiles.segments_label.text() == "Matches now: VIP"
    assert "Stored membership, which starts journeys, as of the engine's last look at each segment: none yet." \
        in profiles.segments_label.toolTip()

    store.refresh(vip.id)
    show_profile(qtbot, profiles, ann)
    assert profiles.segments_label.text() == "Matches now: VIP"
    assert "Stored membership" not in profiles.segments_label.toolTip()

    bo = ws.upsert_customer({"email": "bo@example.com"}, {"name": "Bo"})
    show_profile(qtbot, profiles, bo)
    assert profiles.segments_label.text() == "Matches no saved segment now."


def test_an_events_properties_span_the_row_and_its_items_are_listed_one_a_line(qtbot, ws, profiles):
    from datetime import UTC, datetime

    ann = ws.upsert_customer({"email": "ann@example.com"}, {"name": "Ann"})
    ws.ingest_event({"email": "ann@example.com"}, "order_completed",
                    {"Name": "#1001", "Total": 25.0, "items": [{"Lineitem name": "Matcha", "sku": "TEA-M"},
                                                               {"Lineitem name": "Whisk", "sku": "WSK"}]},
                    datetime(2026, 11, 20, 10, 0, tzinfo=UTC))
    show_profile(qtbot, profiles, ann)
    qtbot.waitUntil(lambda: profiles.events_tree.topLevelItemCount() == 1, timeout=10_000)
    order = profiles.events_tree.topLevelItem(0)
    children = [order.child(i) for i in range(order.childCount())]
    assert all(c.isFirstColumnSpanned() for c in children)
    items = next(c for c in children if c.text(0).startswith("items"))
    assert items.text(0) == "items (2)"
    assert [items.child(i).text(0) for i in range(items.childCount())] == [
        "1. Lineitem name: Matcha, sku: TEA-M", "2. Lineitem name: Whisk, sku: WSK"]
