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
