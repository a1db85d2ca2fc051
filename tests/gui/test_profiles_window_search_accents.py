"""The Profiles window's search box finds customers whatever accents the marketer leaves out."""

from __future__ import annotations


def test_typing_a_city_without_its_accent_lists_the_customer(qtbot, ws, profiles):
    anna = ws.upsert_customer({"email": "anna@example.com"}, {"name": "Anna Meier", "city": "Zürich"})
    ws.upsert_customer({"email": "bo@example.com"}, {"name": "Bo Chen", "city": "Basel"})
    profiles.show()
    qtbot.waitUntil(lambda: not profiles.busy and profiles.results_model.total == 2)

    profiles.search_box.setFocus()
    qtbot.keyClicks(profiles.search_box, "zurich")  # searched once the typing pauses
    qtbot.waitUntil(lambda: not profiles.busy and profiles._query == "zurich"
                    and [item.id for item in profiles.results_model.items] == [anna])
    assert profiles.results_model.total == 1
    qtbot.waitUntil(lambda: profiles.profile is not None and profiles.profile.customer.id == anna)
