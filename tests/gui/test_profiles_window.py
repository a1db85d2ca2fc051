"""The Profiles window: search by identifier and attribute, editing (with undo), export, erasure,
empty states, and the Track menu of the main window that opens it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine.errors import NotFound
from engine.store.models import EventRow
from gui.qt import Qt
from tests.gui.conftest import search_profiles, show_profile


def _seed(ws) -> dict[str, str]:
    now = datetime.now(UTC)
    ids = {
        "ann": ws.upsert_customer({"email": "ann@example.com", "phone": "+44 20 7946 0018"},
                                  {"name": "Ann Lee", "city": "London", "plan": "pro", "lifetime_value": 420},
                                  tags=["vip"], consent={"email": True}),
        "bo": ws.upsert_customer({"email": "bo@example.com", "user_id": "u-2"},
                                 {"name": "Bo Chen", "city": "Shanghai", "plan": "free"}),
        "carla": ws.upsert_customer({"email": "carla@example.org"}, {"name": "Carla Díaz", "city": "Madrid"}),
    }
    for day in range(3):
        ws.ingest_event({"email": "ann@example.com"}, "order_completed", {"total": 20 + day, "order_id": f"o{day}"},
                        occurred_at=now - timedelta(days=day), source="Shop")
    return ids


def test_search_finds_a_customer_by_email_and_by_an_attribute_value(qtbot, ws, profiles):
    ids = _seed(ws)
    search_profiles(qtbot, profiles, "")
    assert profiles.results_model.total == 3

    search_profiles(qtbot, profiles, "BO@example")  # any part of an identifier, letters in any case
    assert [item.id for item in profiles.results_model.items] == [ids["bo"]]
    # the one match is shown straight away
    qtbot.waitUntil(lambda: profiles.profile is not None)
    assert profiles.profile.customer.id == ids["bo"]
    assert profiles.name_label.text() == "Bo Chen"

    search_profiles(qtbot, profiles, "Shanghai")  # an attribute value
    assert [item.id for item in profiles.results_model.items] == [ids["bo"]]
    search_profiles(qtbot, profiles, "o")
    assert {item.id for item in profiles.results_model.items} == set(ids.values())

    search_profiles(qtbot, profiles, "nobody-like-this")
    assert profiles.results_model.total == 0
    assert profiles.results_stack.currentWidget() is profiles.results_empty
    assert "nobody-like-this" in profiles.results_empty.text()


def test_each_new_search_shows_its_own_best_match_and_nobody_when_nothing_matches(qtbot, ws, profiles):
    ids = _seed(ws)
    search_profiles(qtbot, profiles, "ann@example.com")
    qtbot.waitUntil(lambda: profiles.profile is not None and profiles.profile.customer.id == ids["ann"])
    search_profiles(qtbot, profiles, "Carla")  # the pane follows the new search, not the first one
    qtbot.waitUntil(lambda: profiles.profile is not None and profiles.profile.customer.id == ids["carla"])
    assert profiles.name_label.text() == "Carla Díaz"
    search_profiles(qtbot, profiles, "nobody-like-this")
    qtbot.waitUntil(lambda: profiles.detail_stack.currentWidget() is profiles.detail_empty)
    assert profiles.current_id is None
    search_profiles(qtbot, profiles, "")  # emptying the box lists everyone and picks no one
    assert profiles.results_model.total == 3 and profiles.current_id is None
    search_profiles(qtbot, profiles, "bo@")
    qtbot.waitUntil(lambda: profiles.profile is not None and profiles.profile.customer.id == ids["bo"])
    profiles.refresh()  # the same text again keeps the customer shown
    qtbot.waitUntil(lambda: not profiles.busy)
    assert profiles.current_id == ids["bo"]


def test_results_page_in_when_load_more_is_pressed(qtbot, ws, profiles):
    from gui.profiles_window import PAGE

    ws.ingest_events([{"identifiers": {"email": f"p{i}@example.com"}, "name": "signed_up"}
                      for i in range(PAGE + 7)])
    search_profiles(qtbot, profiles, "example.com")
    model = profiles.results_model
    assert model.total == PAGE + 7 and len(model.items) == PAGE
    assert profiles.more_button.isVisible() and "showing 50" in profiles.count_label.text()
    profiles.more_button.click()
    assert not profiles.load_more()  # a page is on its way: no second request
    qtbot.waitUntil(lambda: len(model.items) == PAGE + 7)
    assert len({item.id for item in model.items}) == PAGE + 7
    qtbot.waitUntil(lambda: not profiles.busy)
    assert not profiles.more_button.isVisible() and not model.has_more
    assert "showing" not in profiles.count_label.text()


def test_the_list_loads_one_page_until_the_user_scrolls_to_its_end(qtbot, ws, profiles, monkeypatch):
    from engine.track import profiles as engine_profiles
    from gui.profiles_window import PAGE

    ws.ingest_events([{"identifiers": {"email": f"c{i}@example.com", "user_id": f"c{i}"}, "name": "signed_up"}
                      for i in range(3000)])
    searches = []
    real_search = engine_profiles.search

    def counted(*args, **kwargs):
        searches.append(kwargs.get("after"))
        return real_search(*args, **kwargs)

    monkeypatch.setattr(engine_profiles, "search", counted)
    profiles.resize(1280, 800)
    profiles.show()
    qtbot.waitExposed(profiles)
    model = profiles.results_model
    qtbot.waitUntil(lambda: model.total == 3000)
    qtbot.wait(1500)  # layouts, repaints and timers all run; none of them may ask for a page
    assert len(model.items) == PAGE and searches == [None]
    assert not profiles.busy and not model.loading and model.has_more
    bar = profiles.results.verticalScrollBar()
    assert bar.value() == 0 and bar.maximum() > 0

    bar.setValue(bar.maximum())
    qtbot.waitUntil(lambda: len(model.items) == 2 * PAGE)
    qtbot.wait(1000)
    assert len(model.items) == 2 * PAGE and len(searches) == 2 and searches[1] == model.items[PAGE - 1].sort_key
    assert not profiles.busy and not model.loading
    # The second page carries on where the first ended, in the engine's order.
    assert [item.id for item in model.items] == [c.id for c in real_search(ws, "", 0, 2 * PAGE).items]


def test_rows_show_name_and_main_identifier_in_columns_wide_enough(qtbot, ws, profiles):
    from gui.profiles_window import TYPICAL_EMAIL, CustomerListModel

    named = ws.upsert_customer({"email": TYPICAL_EMAIL, "user_id": "u-9"}, {"name": "Margaret Hamilton"})
    by_phone = ws.upsert_customer({"phone": "+442079460000", "user_id": "u-10"})
    by_id = ws.upsert_customer({"user_id": "u-11", "anonymous_id": "anon-11"})
    profiles.resize(1280, 800)
    search_profiles(qtbot, profiles, "")
    qtbot.waitExposed(profiles)
    model = profiles.results_model

    def cell(customer_id, column):
        return model.index(model.row_of(customer_id), column).data()

    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == ["Name", "Identifier", "Updated"]
    assert (cell(named, 0), cell(named, 1)) == ("Margaret Hamilton", TYPICAL_EMAIL)
    # the kind goes before any identifier but an e-mail address, which says what it is by itself
    assert (cell(by_phone, 0), cell(by_phone, 1)) == ("—", "phone: +442079460000")
    assert cell(by_id, 1) == "user id: u-11"
    # most recently updated first
    assert [item.id for item in model.items] == [by_id, by_phone, named]

    view = profiles.results
    email_width = view.fontMetrics().horizontalAdvance(TYPICAL_EMAIL)
    assert view.columnWidth(CustomerListModel.COL_IDENTIFIER) > email_width
    assert view.columnWidth(CustomerListModel.COL_NAME) > view.fontMetrics().horizontalAdvance("Margaret Hamilton")
    assert view.columnWidth(CustomerListModel.COL_UPDATED) > view.fontMetrics().horizontalAdvance(
        cell(named, CustomerListModel.COL_UPDATED))
    columns = sum(view.columnWidth(c) for c in range(3))
    assert columns <= view.viewport().width()  # no horizontal scrolling to read a row


def test_an_empty_workspace_says_how_customers_arrive(qtbot, profiles):
    search_profiles(qtbot, profiles, "")
    assert profiles.results_stack.currentWidget() is profiles.results_empty
    assert "import a CSV or start the collector" in profiles.results_empty.text()


def test_editing_attributes_consent_and_tags_is_stored_and_undoable(qtbot, ws, profiles):
    ids = _seed(ws)
    profiles.show()
    show_profile(qtbot, profiles, ids["ann"])
    assert not profiles.dirty and profiles.edit_bar.isHidden()

    profiles.set_attribute("plan", "enterprise")
    assert profiles.dirty and not profiles.edit_bar.isHidden()
    profiles.act_undo.trigger()
    assert not profiles.dirty
    assert profiles._collect().rows == profiles._loaded.rows
    profiles.act_redo.trigger()
    assert profiles.dirty

    profiles.set_attribute("lifetime_value", "512.5")
    profiles.set_attribute("loyalty_points", "40", kind="number")
    # remove "city"
    row = [profiles.attributes.item(r, 0).text() for r in range(profiles.attributes.rowCount())].index("city")
    profiles.attributes.selectRow(row)
    profiles.remove_selected_attributes()
    profiles.tag_input.setText("newsletter")
    profiles.add_tag()
    profiles.consent_boxes["sms"].click()  # not recorded -> granted
    profiles.consent_boxes["email"].click()  # granted -> refused

    assert profiles.save()
    qtbot.waitUntil(lambda: not profiles.busy and not profiles.dirty)
    stored = ws.get_customer(ids["ann"])
    assert stored.attributes == {"name": "Ann Lee", "plan": "enterprise", "lifetime_value": 512.5,
                                 "loyalty_points": 40}
    assert stored.tags == ("newsletter", "vip")
    assert stored.consent == {"email": False, "sms": True}


def test_a_value_that_does_not_fit_its_type_is_refused_naming_the_row(qtbot, ws, profiles):
    ids = _seed(ws)
    profiles.show()
    show_profile(qtbot, profiles, ids["ann"])
    profiles.set_attribute("lifetime_value", "a lot")
    assert profiles.save() is False
    assert "lifetime_value" in profiles.edit_error.text() and "a lot" in profiles.edit_error.text()
    assert ws.get_customer(ids["ann"]).attributes["lifetime_value"] == 420


def test_export_writes_the_customer_as_json(qtbot, ws, profiles, tmp_path):
    ids = _seed(ws)
    profiles.show()
    show_profile(qtbot, profiles, ids["ann"])
    target = tmp_path / "ann.json"
    profiles.exports.append(str(target))
    profiles.export_current()
    qtbot.waitUntil(lambda: not profiles.busy)
    assert not profiles.messages
    data = json.loads(target.read_text(encoding="utf-8"))
    for key in ("identifiers", "attributes", "consent", "events", "journey_runs"):
        assert key in data
    assert {"kind": "email", "value": "ann@example.com"} in data["identifiers"]
    assert data["attributes"]["name"] == "Ann Lee"
    assert data["consent"] == {"email": True}
    assert [event["properties"]["order_id"] for event in data["events"]] == ["o2", "o1", "o0"]
    assert data["journey_runs"] == []


def test_cancelling_the_file_dialog_writes_nothing(qtbot, ws, profiles, tmp_path):
    ids = _seed(ws)
    profiles.show()
    show_profile(qtbot, profiles, ids["ann"])
    profiles.export_current()  # no path given: cancelled
    assert not profiles.busy
    assert not list(tmp_path.glob("*.json"))


def test_delete_erases_the_customer_after_confirmation(qtbot, ws, profiles):
    ids = _seed(ws)
    search_profiles(qtbot, profiles, "")
    show_profile(qtbot, profiles, ids["ann"])

    profiles.answer_erase = False
    profiles.delete_current()
    assert not profiles.busy
    assert ws.get_customer(ids["ann"]).id == ids["ann"]
    name, summary = profiles.erase_questions[-1]
    assert name == "Ann Lee"
    assert "2 identifiers" in summary and "3 events" in summary and "cannot be undone" in summary

    profiles.answer_erase = True
    profiles.delete_current()
    qtbot.waitUntil(lambda: not profiles.busy and profiles.profile is None)
    with pytest.raises(NotFound):
        ws.get_customer(ids["ann"])
    with ws._session() as session:
        left = session.connection().scalar(select(func.count()).select_from(EventRow)
                                           .where(EventRow.customer_id == ids["ann"]))
    assert left == 0
    assert ids["ann"] not in [item.id for item in profiles.results_model.items]
    assert profiles.results_model.total == 2
    assert profiles.detail_stack.currentWidget() is profiles.detail_empty
    assert "3 events" in profiles.detail_empty.text()


def test_the_events_tab_pages_through_the_timeline(qtbot, ws, profiles):
    from gui.profiles_window import EVENTS_PAGE

    now = datetime.now(UTC)
    ws.ingest_events([{"identifiers": {"email": "many@example.com"}, "name": "page_viewed",
                       "properties": {"n": i}, "occurred_at": now - timedelta(minutes=i)}
                      for i in range(EVENTS_PAGE + 5)])
    customer_id = ws.find_customer("email", "many@example.com")
    profiles.show()
    show_profile(qtbot, profiles, customer_id)
    tree = profiles.events_tree
    assert tree.topLevelItemCount() == EVENTS_PAGE
    assert tree.topLevelItem(0).text(3) == "n: 0"  # newest first
    assert tree.topLevelItem(0).child(0).text(0) == "n = 0"
    assert not profiles.events_more.isHidden()
    profiles.load_more_events()
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == EVENTS_PAGE + 5)
    assert tree.topLevelItem(EVENTS_PAGE + 4).text(3) == f"n: {EVENTS_PAGE + 4}"
    assert profiles.events_more.isHidden()


def test_the_track_menu_opens_the_tool_windows_and_the_tracking_dock(qtbot, window):
    window.act_profiles.trigger()
    assert window.profiles_window is not None and window.profiles_window.isVisible()
    window.act_segments.trigger()
    assert window.segment_builder is not None and window.segment_builder.isVisible()
    assert window.tracking_dock in window.tabifiedDockWidgets(window.run_dock)
    qtbot.waitUntil(lambda: not window.profiles_window.busy and not window.segment_builder.busy)
    menus = [action.text() for action in window.menuBar().actions()]
    assert window.tr("&Track") in menus
    assert window.act_profiles.shortcut().toString() == "Ctrl+Shift+U"
    assert window.profiles_window.windowFlags() & Qt.WindowType.Window


def test_unsaved_edits_are_kept_when_the_user_stays(qtbot, ws, profiles):
    ids = _seed(ws)
    search_profiles(qtbot, profiles, "")
    profiles._select_row(profiles.results_model.row_of(ids["ann"]))
    qtbot.waitUntil(lambda: profiles.profile is not None and profiles.profile.customer.id == ids["ann"])
    profiles.set_attribute("plan", "team")
    asked = []
    profiles._ask_unsaved = lambda name: asked.append(name) or "cancel"
    profiles._select_row(profiles.results_model.row_of(ids["bo"]))
    assert asked == ["Ann Lee"]
    assert profiles.current_id == ids["ann"] and profiles.dirty
    assert profiles.results.currentIndex().row() == profiles.results_model.row_of(ids["ann"])

    profiles._ask_unsaved = lambda name: "save"
    profiles._select_row(profiles.results_model.row_of(ids["bo"]))
    qtbot.waitUntil(lambda: profiles.profile is not None and profiles.profile.customer.id == ids["bo"])
    assert ws.get_customer(ids["ann"]).attributes["plan"] == "team"
    assert not profiles.dirty


def test_consent_kinds_of_one_customer_do_not_follow_to_the_next(qtbot, ws, profiles):
    first = ws.upsert_customer({"email": "push@example.com"}, {"name": "Pat"}, consent={"push": True})
    second = ws.upsert_customer({"email": "plain@example.com"}, {"name": "Sam"})
    profiles.show()
    show_profile(qtbot, profiles, first)
    assert profiles.consent_boxes["push"].value() is True
    show_profile(qtbot, profiles, second)
    assert not profiles.dirty
    assert profiles.consent_boxes["push"].isHidden()


def test_dates_stored_as_text_read_as_dates_and_stay_text():
    from gui.profiles_window import CellError, parse_value, type_label, value_type

    assert [value_type(v) for v in ("2025-03-01", "2025-03-01T09:30:00+01:00", "2025-03-01 09:30", "Lyon",
                                    "2025-13-45", " 2025-03-01", 12, True, ["a"])] == [
        "date", "date", "date", "text", "text", "text", "number", "boolean", "json"]
    assert type_label("date") == "Date"
    assert parse_value("date", " 2025-03-01 ") == "2025-03-01"  # kept as the text it was
    with pytest.raises(CellError, match="not a date"):
        parse_value("date", "next Tuesday")
    # Dates as people type them: day first with dots, year first, a day above 12 first.
    assert [parse_value("date", v) for v in ("25.11.1988", "1990年3月4日", "25/11/1988")] == [
        "1988-11-25", "1990-03-04", "1988-11-25"]
    with pytest.raises(CellError, match="could be 5 November 1988 or May 11, 1988"):
        parse_value("date", "05/11/1988")


def test_values_typed_as_a_chinese_or_french_shop_writes_them_are_read():
    from gui.profiles_window import parse_value

    assert [parse_value("boolean", w) for w in ("是", "否", "oui", "Nein", "yes")] == [True, False, True, False, True]
    assert parse_value("date", "1990年3月4日") == "1990-03-04"
    assert parse_value("date", "2024年5月5日 20:01") == "2024-05-05T20:01:00"
    assert [parse_value("number", n) for n in ("¥1,234.50", "56元", "12,50 €")] == [1234.5, 56, 12.5]


# ---------------------------------------------------------------------------------------------
# Merging, sources, identifiers and "customer since"
# ---------------------------------------------------------------------------------------------

def _twins(ws) -> dict[str, str]:
    """Ann's profile from an import, her anonymous browsing from the collector, and Bo."""
    old = datetime(2023, 4, 12, 9, 30, tzinfo=UTC)
    ids = {
        "ann": ws.upsert_customer({"email": "ann@example.com", "user_id": "1001"}, {"name": "Ann Lee"}),
        "visitor": ws.upsert_customer({"anonymous_id": "abc"}, {"device": "ios"}),
        "bo": ws.upsert_customer({"email": "bo@example.com", "user_id": "2002"}, {"name": "Bo Chen"}),
    }
    ws.ingest_event({"user_id": "1001"}, "order_completed", {"total": 20}, occurred_at=old,
                    source="csv:huge_events.csv")
    ws.ingest_event({"anonymous_id": "abc"}, "page_viewed", {"path": "/"}, occurred_at=old + timedelta(days=3),
                    source="segment")
    ws.ingest_event({"anonymous_id": "abc"}, "app_opened", {}, occurred_at=old + timedelta(days=4),
                    source="sensors:default")
    return ids


def _dialog(qtbot, profiles, ids):
    from gui.profiles_window import MergeDialog, _summary

    dialog = MergeDialog(profiles, _summary(profiles.workspace.get_customer(ids["ann"])))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.busy)
    return dialog


def test_the_merge_dialog_finds_the_other_profile_and_says_what_moves(qtbot, ws, profiles):
    ids = _twins(ws)
    dialog = _dialog(qtbot, profiles, ids)
    listed = {item.id for item in dialog.model.items}
    assert listed == {ids["visitor"], ids["bo"]}  # not the shown customer
    assert not dialog.merge_button.isEnabled() and dialog.choice() is None

    dialog.search_box.setText("abc")
    dialog.run_search()
    qtbot.waitUntil(lambda: not dialog.busy)
    assert [item.id for item in dialog.model.items] == [ids["visitor"]]
    assert dialog.pick(ids["visitor"])
    qtbot.waitUntil(lambda: dialog.plan is not None)
    assert "user id:" in dialog.kept_text.text() and "1 event" in dialog.kept_text.text()
    assert "anonymous id:" in dialog.merged_text.text() and "2 events" in dialog.merged_text.text()
    assert dialog.merge_button.isEnabled()
    assert dialog.choice().kept_id == ids["ann"] and dialog.choice().merged_id == ids["visitor"]

    dialog.keep_other.setChecked(True)  # keep the other profile instead
    qtbot.waitUntil(lambda: dialog.plan is not None and dialog.plan.kept.customer.id == ids["visitor"])
    assert dialog.choice().merged_id == ids["ann"]


def test_two_user_ids_are_refused_until_the_user_says_they_are_one_person(qtbot, ws, profiles):
    ids = _twins(ws)
    dialog = _dialog(qtbot, profiles, ids)
    assert dialog.pick(ids["bo"])
    qtbot.waitUntil(lambda: dialog.plan is not None)
    assert not dialog.problem_label.isHidden() and not dialog.allow_two.isHidden()
    text = dialog.problem_label.text()
    assert "both profiles hold a user id" in text and "user_id 1001" in text and "user_id 2002" in text
    assert not dialog.merge_button.isEnabled() and dialog.choice() is None
    dialog.allow_two.setChecked(True)
    assert dialog.merge_button.isEnabled() and dialog.choice().allow_two_user_ids


def test_merge_moves_the_other_profile_in_and_refreshes(qtbot, ws, profiles):
    from gui.profiles_window import MergeChoice

    ids = _twins(ws)
    search_profiles(qtbot, profiles, "")
    show_profile(qtbot, profiles, ids["ann"])
    asked = []

    def ask(current):
        asked.append(current.id)
        return MergeChoice(ids["ann"], ids["visitor"])

    profiles._ask_merge = ask
    profiles.merge_current()
    qtbot.waitUntil(lambda: not profiles.busy and profiles.profile is not None
                    and profiles.profile.events.total == 3)
    assert asked == [ids["ann"]]
    with pytest.raises(NotFound):
        ws.get_customer(ids["visitor"])
    assert ids["visitor"] not in {item.id for item in profiles.results_model.items}
    assert profiles.results_model.total == 2
    assert "anonymous id:" in profiles.identifiers_label.text()
    assert profiles.statusBar().currentMessage() == ("Profiles merged into Ann Lee: 1 identifier, 2 events, "
                                                     "0 journey runs moved")
    assert profiles.messages == []

    profiles._ask_merge = lambda current: MergeChoice(ids["ann"], ids["bo"])  # two user ids, not allowed
    profiles.merge_current()
    qtbot.waitUntil(lambda: bool(profiles.messages))
    title, text = profiles.messages[-1]
    assert title == "Not merged" and "both profiles hold a user id" in text
    assert ws.get_customer(ids["bo"]).id == ids["bo"]

    profiles.set_attribute("plan", "gold")  # unsaved edits: merge waits for a save or revert
    assert not profiles.merge_button.isEnabled()


def test_events_show_readable_sources_and_the_customer_dates_from_the_first_event(qtbot, ws, profiles):
    from engine.track.profiles import merge
    from gui.profiles_window import source_label

    ids = _twins(ws)
    merge(ws, ids["ann"], ids["visitor"])
    profiles.show()
    show_profile(qtbot, profiles, ids["ann"])
    tree = profiles.events_tree
    rows = {tree.topLevelItem(i).text(1): tree.topLevelItem(i) for i in range(tree.topLevelItemCount())}
    assert rows["order_completed"].text(2) == "CSV file huge_events.csv"
    assert "csv:huge_events.csv" in rows["order_completed"].toolTip(2)
    assert rows["page_viewed"].text(2) == "Segment collector"
    assert rows["app_opened"].text(2) == "Sensors collector (project default)"
    metrics = tree.fontMetrics()
    assert tree.header().sectionSize(2) >= metrics.horizontalAdvance("Sensors collector (project default)")
    assert source_label("sensors:shop") == "Sensors collector (project shop)"
    assert source_label("") == "—" and source_label("Shop") == "Shop"
    assert "2023" in profiles.meta_label.text()  # the first event, not the day the profile was made
    assert "In Journey Studio since" in profiles.meta_label.toolTip()
    # each identifier stays on one line: its kind and value are joined by a non-breaking space
    assert "user id:</span>&nbsp;1001" in profiles.identifiers_label.text()


def test_a_stored_moment_shows_its_local_time_in_the_tooltip(qtbot, ws, profiles):
    from gui.profiles_window import local_moment

    ann = ws.upsert_customer({"email": "ann@example.com"}, {"signed_up": "2024-05-05T16:00:00Z", "city": "Lyon"})
    show_profile(qtbot, profiles, ann)
    rows = {profiles.attributes.item(r, 0).text(): profiles.attributes.item(r, 2) for r in
            range(profiles.attributes.rowCount())}
    assert rows["signed_up"].text() == "2024-05-05T16:00:00Z"  # as stored, and typed back so
    assert local_moment("2024-05-05T16:00:00Z") in rows["signed_up"].toolTip()
    assert rows["city"].toolTip() == "Lyon"
    assert local_moment("2024-05-05") is None and local_moment("Lyon") is None


def test_a_date_that_cannot_be_read_says_why():
    from gui.profiles_window import CellError, parse_value

    assert parse_value("date", "05/05/1988") == "1988-05-05"  # both readings are one day
    with pytest.raises(CellError, match="is not a day of the calendar"):
        parse_value("date", "31.02.1990")
