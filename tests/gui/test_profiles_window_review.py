"""The Profiles window as a new user meets it: what the detail pane shows after an erasure, closing
with edits that do not store, export failures in words, rows that read apart, decimal commas."""

from __future__ import annotations

import errno
import json

import pytest

from engine.errors import NotFound
from gui.qt import Qt
from tests.gui.conftest import search_profiles, show_profile


def _erase_shown(qtbot, window, ws) -> str:
    customer_id = window.profile.customer.id
    window.delete_button.click()
    qtbot.waitUntil(lambda: not window.busy and window.results_model.row_of(customer_id) < 0)
    with pytest.raises(NotFound):
        ws.get_customer(customer_id)
    return customer_id


def _nothing_selected(window) -> bool:
    selection = window.results.selectionModel()
    return not selection.selectedIndexes() and not selection.currentIndex().isValid()


# -- 1. after an erasure nobody is shown until the user picks someone ---------------------------


def test_after_erasing_the_shown_customer_nobody_is_selected_and_the_pane_says_who_went(qtbot, ws, profiles):
    marc = ws.upsert_customer({"email": "marc@example.de"}, {"name": "Marc"})
    lisa = ws.upsert_customer({"email": "lisa@example.de", "phone": "+49 30 1234567"}, {"name": "Lisa"})
    ws.ingest_event({"email": "lisa@example.de"}, "order_completed", {"total": 12}, source="Shop")
    search_profiles(qtbot, profiles, "example.de")
    # the best match (most recently updated) is shown straight away
    qtbot.waitUntil(lambda: not profiles.busy and profiles.profile is not None)
    assert profiles.profile.customer.id == lisa and profiles.name_label.text() == "Lisa"

    _erase_shown(qtbot, profiles, ws)
    assert profiles.current_id is None and profiles.profile is None
    assert _nothing_selected(profiles)
    assert profiles.detail_stack.currentWidget() is profiles.detail_empty
    text = profiles.detail_empty.text()
    assert "Lisa was erased." in text
    assert "email: lisa@example.de" in text and "phone: +49301234567" in text
    assert "1 event" in text and "2 identifiers" in text
    assert not profiles.delete_button.isEnabled() and not profiles.export_button.isEnabled()
    assert profiles.count_label.text() == "1 match"

    # Searching the same text again (a refresh, reopening the window) does not replace it either.
    profiles.run_search()
    qtbot.waitUntil(lambda: not profiles.busy and profiles.count_label.text() == "1 match")
    assert profiles.profile is None and _nothing_selected(profiles)
    assert "Lisa was erased." in profiles.detail_empty.text()

    # The user picks the other customer: now they are shown.
    profiles.results.setCurrentIndex(profiles.results_model.index(profiles.results_model.row_of(marc), 0))
    qtbot.waitUntil(lambda: not profiles.busy and profiles.profile is not None)
    assert profiles.profile.customer.id == marc
    assert profiles.detail_stack.currentWidget() is profiles.detail_page


def test_erasing_one_of_two_customers_with_the_same_title_does_not_show_the_other(qtbot, ws, profiles):
    sensors = ws.upsert_customer({"user_id": "13800138000", "distinct_id": "13800138000"})
    by_phone = ws.upsert_customer({"phone": "13800138000"})
    search_profiles(qtbot, profiles, "13800138000")
    assert profiles.results_model.total == 2
    qtbot.waitUntil(lambda: not profiles.busy and profiles.profile is not None)
    first = profiles.profile.customer.id
    assert profiles.name_label.text() == "13800138000"

    erased = _erase_shown(qtbot, profiles, ws)
    assert erased == first
    other = by_phone if first == sensors else sensors
    assert ws.get_customer(other).id == other  # still there, and not shown as if nothing happened
    assert profiles.profile is None and _nothing_selected(profiles)
    assert profiles.detail_stack.currentWidget() is profiles.detail_empty
    assert "13800138000 was erased." in profiles.detail_empty.text()
    assert not profiles.delete_button.isEnabled()

    # A second click on Delete erases nobody.
    profiles.delete_current()
    assert not profiles.busy
    assert ws.get_customer(other).id == other


# -- 2. closing with edits that do not store -----------------------------------------------------


def test_closing_with_save_and_a_value_that_does_not_fit_keeps_the_window_open(qtbot, ws, profiles):
    ann = ws.upsert_customer({"email": "ann@example.com"}, {"name": "Ann", "Total Spent": 420})
    show_profile(qtbot, profiles, ann)
    profiles.set_attribute("Total Spent", "lots")
    profiles.unsaved_answer = "save"

    assert profiles.close() is False
    assert profiles.unsaved_questions == ["Ann"]
    assert profiles.isVisible() and profiles.dirty
    shown = profiles.edit_error.text()
    assert "Total Spent" in shown and "lots" in shown
    assert not profiles.edit_bar.isHidden() and profiles.edit_error.isVisible()
    assert not profiles.busy
    assert ws.get_customer(ann).attributes["Total Spent"] == 420

    # the very message the Save button shows
    profiles.edit_error.setText("")
    profiles.save_button.click()
    assert profiles.edit_error.text() == shown


def test_a_save_that_a_cell_stops_shows_that_cell_whichever_tab_was_open(qtbot, ws, profiles):
    ann = ws.upsert_customer({"email": "ann@example.com"}, {"name": "Ann", "Total Spent": 420})
    show_profile(qtbot, profiles, ann)
    profiles.set_attribute("Total Spent", "lots")
    profiles.tabs.setCurrentIndex(2)  # the Events tab
    profiles.unsaved_answer = "save"

    assert profiles.close() is False
    assert profiles.tabs.currentIndex() == 0
    row = profiles.attributes.currentRow()
    assert profiles.attributes.item(row, 0).text() == "Total Spent"
    assert profiles.attributes.currentColumn() == 2

    profiles.tabs.setCurrentIndex(1)
    profiles.save_button.click()
    assert profiles.tabs.currentIndex() == 0 and profiles.attributes.currentRow() == row


def test_closing_with_save_and_valid_edits_stores_them_and_closes(qtbot, ws, profiles):
    ann = ws.upsert_customer({"email": "ann@example.com"}, {"name": "Ann", "City": "Leeds"})
    show_profile(qtbot, profiles, ann)
    profiles.set_attribute("City", "Portland")
    profiles.unsaved_answer = "save"
    assert profiles.close() is True
    assert not profiles.isVisible()
    qtbot.waitUntil(lambda: not profiles.busy)
    assert ws.get_customer(ann).attributes["City"] == "Portland"


def test_the_save_button_and_its_shortcut_store_the_edits_and_leave_the_window_clean(qtbot, ws, profiles):
    ann = ws.upsert_customer({"email": "ann@example.com"}, {"name": "Ann", "City": "Leeds"})
    show_profile(qtbot, profiles, ann)
    profiles.set_attribute("City", "Portland")
    profiles.save_button.click()
    qtbot.waitUntil(lambda: not profiles.busy and not profiles.dirty)
    assert ws.get_customer(ann).attributes["City"] == "Portland"
    assert not profiles.save_button.isEnabled()
    profiles.set_attribute("City", "Austin")
    profiles.act_save.trigger()
    qtbot.waitUntil(lambda: not profiles.busy and not profiles.dirty)
    assert ws.get_customer(ann).attributes["City"] == "Austin"
    assert profiles.close() is True and profiles.unsaved_questions == []


# -- 3. export failures in words -----------------------------------------------------------------


def test_export_to_a_folder_that_does_not_exist_says_so_in_a_sentence(qtbot, ws, profiles, tmp_path):
    ann = ws.upsert_customer({"email": "ann@example.com"}, {"name": "Ann"})
    show_profile(qtbot, profiles, ann)
    target = tmp_path / "nonexistent" / "dir" / "e.json"
    profiles.exports.append(str(target))
    profiles.export_button.click()
    qtbot.waitUntil(lambda: not profiles.busy and bool(profiles.messages))
    assert profiles.messages == [("Not exported", f"Could not write {target}: the folder does not exist.")]
    assert not target.exists()


def test_export_onto_a_folder_says_the_folder_is_in_the_way(qtbot, ws, profiles, tmp_path):
    ann = ws.upsert_customer({"email": "ann@example.com"}, {"name": "Ann"})
    show_profile(qtbot, profiles, ann)
    folder = tmp_path / "ann.json"
    folder.mkdir()
    profiles.exports.append(str(folder))
    profiles.export_current()
    qtbot.waitUntil(lambda: not profiles.busy and bool(profiles.messages))
    title, text = profiles.messages[0]
    assert text == f"Could not write {folder}: a folder of that name is in the way."
    assert "Error" not in text and "Errno" not in text

    # and a good path still writes the file and says nothing
    good = tmp_path / "good.json"
    profiles.messages.clear()
    profiles.exports.append(str(good))
    profiles.export_current()
    qtbot.waitUntil(lambda: not profiles.busy and good.exists())
    assert not profiles.messages
    assert json.loads(good.read_text(encoding="utf-8"))["attributes"] == {"name": "Ann"}
    assert profiles.statusBar().currentMessage() == f"Exported to {good}"


@pytest.mark.parametrize(("code", "reason"), [
    (errno.EACCES, "permission denied"),
    (errno.EPERM, "permission denied"),
    (errno.ENOSPC, "the disk is full"),
    (errno.EROFS, "the disk is read-only"),
    (errno.EIO, "input/output error"),
])
def test_write_failures_read_as_sentences(code, reason):
    import os

    from gui.profiles_window import write_failure

    exc = OSError(code, os.strerror(code), "/data/e.json")
    assert write_failure("/data/e.json", exc) == f"Could not write /data/e.json: {reason}."


# -- 4. rows that read apart ---------------------------------------------------------------------


def test_rows_say_which_kind_of_identifier_they_show(qtbot, ws, profiles):
    from gui.profiles_window import CustomerListModel

    sensors = ws.upsert_customer({"distinct_id": "13800138000"})
    by_phone = ws.upsert_customer({"phone": "13800138000"})
    account = ws.upsert_customer({"user_id": "13800138000-x", "distinct_id": "x-1"})
    custom = ws.upsert_customer({"custom:crm": "13800138000-crm"})
    mailed = ws.upsert_customer({"email": "13800138000@example.cn", "phone": "+86 138 0013 8001"})
    search_profiles(qtbot, profiles, "13800138000")
    model = profiles.results_model
    assert model.total == 5

    def cell(customer_id, role=Qt.ItemDataRole.DisplayRole):
        return model.index(model.row_of(customer_id), CustomerListModel.COL_IDENTIFIER).data(role)

    assert cell(sensors) == "distinct id: 13800138000"
    assert cell(by_phone) == "phone: 13800138000"
    assert cell(account) == "user id: 13800138000-x"
    assert cell(custom) == "crm: 13800138000-crm"
    assert cell(mailed) == "13800138000@example.cn"
    assert len({cell(c) for c in (sensors, by_phone, account, custom, mailed)}) == 5
    tip = cell(account, Qt.ItemDataRole.ToolTipRole)
    assert "user id: 13800138000-x" in tip and "distinct id: x-1" in tip

    view = profiles.results
    width = view.columnWidth(CustomerListModel.COL_IDENTIFIER)
    for customer_id in (sensors, by_phone, account, custom, mailed):
        assert view.fontMetrics().horizontalAdvance(cell(customer_id)) < width


# -- 5. decimal commas ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [
    ("99,5", 99.5), ("-0,25", -0.25), (" 1234,567 ", 1234.567), ("0,500", 0.5), ("99.5", 99.5), ("1000", 1000),
    # Thousands separators that only one reading fits.
    ("1,234,567", 1234567), ("1.234,5", 1234.5), ("1,234.56", 1234.56), ("1 234", 1234),
])
def test_numbers_take_a_decimal_point_or_a_decimal_comma(text, value):
    from gui.profiles_window import parse_value

    parsed = parse_value("number", text)
    assert parsed == value and type(parsed) is type(value)


@pytest.mark.parametrize(("text", "says"), [
    ("1,000", "could mean 1000 or 1\\.0: write the one you mean"),
    ("12,345", "could mean 12345 or 12\\.345"),
    ("-1,500", "could mean -1500 or -1\\.5"),
    ("1.234.5", "is not a number"),
    ("1,23,4", "without thousands separators"),
    ("1,5e3", "without thousands separators"),
    (",5", "without thousands separators"),
    ("lots", "is not a number"),
])
def test_a_comma_that_could_be_a_thousands_separator_is_refused(text, says):
    from gui.profiles_window import CellError, parse_value

    with pytest.raises(CellError, match=says):
        parse_value("number", text)


def test_the_editor_stores_a_decimal_comma_and_refuses_a_thousands_guess(qtbot, ws, profiles):
    ann = ws.upsert_customer({"email": "ann@example.com"}, {"name": "Ann", "spent": 10})
    show_profile(qtbot, profiles, ann)
    assert "99,5" in profiles.attributes.horizontalHeaderItem(2).toolTip()
    assert "1,000" in profiles.attributes_hint.toolTip()

    profiles.set_attribute("spent", "1,000")
    assert profiles.save() is False
    assert "1000" in profiles.edit_error.text() and "spent" in profiles.edit_error.text()
    assert ws.get_customer(ann).attributes["spent"] == 10

    profiles.set_attribute("spent", "99,5")
    assert profiles.save() is True
    qtbot.waitUntil(lambda: not profiles.busy and not profiles.dirty)
    assert ws.get_customer(ann).attributes["spent"] == 99.5
    spent = [profiles.attributes.item(r, 0).text() for r in range(profiles.attributes.rowCount())].index("spent")
    assert profiles.attributes.item(spent, 2).text() == "99.5"


def test_a_long_address_as_the_name_does_not_widen_the_window_past_the_screen(qtbot, ws, profiles):
    long = ("marie-charlotte.de-la-fontaine-beaumont.customer-relations-department@"
            "very-long-company-domain-name.example.com")
    cid = ws.upsert_customer({"email": long}, {})
    profiles.resize(1280, 800)
    show_profile(qtbot, profiles, cid)
    assert profiles.name_label.text() == long and profiles.name_label.toolTip().startswith(long + "\n")
    assert profiles.minimumSizeHint().width() < 1000
    qtbot.waitUntil(lambda: profiles.width() <= 1280)
