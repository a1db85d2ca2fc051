"""The Profiles window when identity changes under it: a shown profile merged away by the collector
(the notice names the kept profile, the unsaved edits stay and can be applied to it) or erased
elsewhere, and an edited e-mail or phone attribute that takes its identifier along (with undo), or
leaves it when another customer holds the new value."""

from __future__ import annotations

import base64
import http.client
import json
from datetime import datetime

from engine.track import identity
from engine.track import profiles as engine_profiles
from gui.qt import QtCore, QtWidgets
from tests.gui.conftest import search_profiles, show_profile


def _rows(window) -> dict[str, str]:
    table = window.attributes
    return {table.item(r, 0).text(): table.item(r, 2).text() for r in range(table.rowCount())}


def _marta_and_visitor(ws) -> tuple[str, str]:
    marta = ws.upsert_customer({"user_id": "u-M", "email": "marta@example.com"}, {"name": "Marta", "plan": "pro"})
    visitor = ws.ingest_event({"anonymous_id": "anon-M"}, "page_viewed", {"path": "/pricing"},
                              source="segment").customer_id
    return marta, visitor


def _clock(window, when: datetime) -> str:
    local = when.astimezone()
    return QtCore.QLocale().toString(QtCore.QTime(local.hour, local.minute), "HH:mm")


def _no_internals(text: str, ws, *ids: str) -> None:
    assert "there is no customer" not in text
    assert str(ws.location) not in text and "workspace.db" not in text
    for customer_id in ids:
        assert customer_id not in text


# -- 1. the shown profile is merged away --------------------------------------------------------


def test_a_shown_profile_merged_away_names_the_kept_one_and_its_edits_go_there(qtbot, ws, profiles):
    marta, visitor = _marta_and_visitor(ws)
    search_profiles(qtbot, profiles, "")
    assert profiles.count_label.text() == "2 customers"
    show_profile(qtbot, profiles, visitor)
    profiles.set_attribute("note", "called on Monday")
    assert profiles.dirty

    # An SDK says the visitor is Marta: the real merge path merges the visitor into her.
    result = identity.identify(ws, "u-M", "anon-M")
    assert result.customer_id == marta and len(result.merges) == 1
    merged_at = result.merges[0].at

    profiles.save_button.click()  # nothing warned the user before: the save finds out
    qtbot.waitUntil(lambda: profiles.notice_bar.isVisible() and not profiles.busy)
    text = profiles.notice_text.text()
    assert text.startswith("This profile was merged into Marta (by an identify from your website or app) at "
                           + _clock(profiles, merged_at) + ".")
    _no_internals(text + profiles.edit_error.text(), ws, visitor, marta)
    # the list and its count no longer hold the visitor
    qtbot.waitUntil(lambda: profiles.count_label.text() == "1 customer")
    assert profiles.results_model.row_of(visitor) < 0
    # the edit is still there, unsaved, and Save cannot lose it again
    assert profiles.dirty and _rows(profiles)["note"] == "called on Monday"
    assert not profiles.save_button.isEnabled() and not profiles.delete_button.isEnabled()
    assert profiles.notice_open.isVisible() and profiles.notice_open.text() == "Open Marta"
    assert profiles.notice_apply.isVisible() and profiles.notice_apply.text() == "Apply my changes to Marta"

    profiles.notice_apply.click()
    qtbot.waitUntil(lambda: not profiles.busy and profiles.profile is not None
                    and profiles.profile.customer.id == marta)
    # on Marta, unsaved, for the user to check: nothing is stored before Save
    assert profiles.dirty and _rows(profiles)["note"] == "called on Monday"
    assert "note" not in ws.get_customer(marta).attributes
    assert profiles.notice_text.text() == ("Your changes are on Marta, not saved yet: check them and press "
                                           "Save.")
    assert profiles.save_button.isEnabled() and not profiles.edit_bar.isHidden()
    profiles.save_button.click()
    qtbot.waitUntil(lambda: not profiles.busy and not profiles.dirty)
    stored = ws.get_customer(marta)
    assert stored.attributes["note"] == "called on Monday" and stored.attributes["plan"] == "pro"
    assert profiles.name_label.text() == "Marta" and profiles.notice_bar.isHidden()
    assert profiles.statusBar().currentMessage() == "Saved"
    assert _rows(profiles)["note"] == "called on Monday"

    # applied through the normal save: one undo step takes it back
    assert profiles.act_undo.isEnabled()
    profiles.act_undo.trigger()
    qtbot.waitUntil(lambda: not profiles.busy and "note" not in ws.get_customer(marta).attributes)
    qtbot.waitUntil(lambda: "note" not in _rows(profiles))
    assert ws.get_customer(marta).attributes["plan"] == "pro"


def test_edits_applied_to_the_kept_profile_are_checked_like_any_save(qtbot, ws, profiles):
    marta, visitor = _marta_and_visitor(ws)
    show_profile(qtbot, profiles, visitor)
    profiles.set_attribute("visits", "lots", kind="number")
    identity.identify(ws, "u-M", "anon-M")
    profiles.refresh()
    qtbot.waitUntil(lambda: profiles.notice_apply.isVisible() and not profiles.busy)
    profiles.notice_apply.click()
    qtbot.waitUntil(lambda: not profiles.busy and profiles.profile.customer.id == marta)
    assert profiles.dirty and profiles.edit_error.text() == ""  # carried, not saved yet
    profiles.save_button.click()
    assert profiles.dirty  # refused, not lost: the row waits on Marta with the reason
    assert "visits" in profiles.edit_error.text() and "lots" in profiles.edit_error.text()
    assert "visits" not in ws.get_customer(marta).attributes


def _identify_through_the_collector(ws, user_id: str, anonymous_id: str):
    from engine.track import collector_keys
    from engine.track.collector import Collector

    key = collector_keys.add_key(ws, "website")
    collector = Collector(ws, "127.0.0.1", 0, on_events=lambda events: None)
    collector.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", collector.port, timeout=30)
        conn.request("POST", "/v1/identify", body=json.dumps({"userId": user_id, "anonymousId": anonymous_id}),
                     headers={"Content-Type": "application/json",
                              "Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode()})
        response = conn.getresponse()
        response.read()
        conn.close()
        assert response.status == 200
    finally:
        collector.stop()


def test_a_merge_by_the_collector_is_noticed_when_the_window_refreshes(qtbot, ws, profiles):
    marta, visitor = _marta_and_visitor(ws)
    search_profiles(qtbot, profiles, "")
    show_profile(qtbot, profiles, visitor)
    profiles.set_attribute("note", "called on Monday")

    _identify_through_the_collector(ws, "u-M", "anon-M")
    assert ws.find_customer("anonymous_id", "anon-M") == marta

    profiles.refresh()  # what the main window calls on new data; before any Save
    qtbot.waitUntil(lambda: profiles.notice_bar.isVisible() and not profiles.busy)
    assert "merged into Marta (by an identify from your website or app)" in profiles.notice_text.text()
    qtbot.waitUntil(lambda: profiles.count_label.text() == "1 customer")
    assert profiles.dirty and _rows(profiles)["note"] == "called on Monday"

    # Open Marta instead: the usual question about the unsaved edits, here answered "discard".
    profiles.notice_open.click()
    assert profiles.unsaved_questions == ["anon-M"]
    qtbot.waitUntil(lambda: not profiles.busy and profiles.profile.customer.id == marta)
    assert profiles.notice_bar.isHidden() and not profiles.dirty
    assert "note" not in ws.get_customer(marta).attributes
    assert profiles.results.currentIndex().row() == profiles.results_model.row_of(marta)


def test_a_merge_is_noticed_when_the_window_is_activated_without_unsaved_edits(qtbot, ws, profiles):
    marta, visitor = _marta_and_visitor(ws)
    show_profile(qtbot, profiles, visitor)
    editor = QtWidgets.QWidget()  # the user works in another window meanwhile
    qtbot.addWidget(editor)
    editor.show()
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    identity.identify(ws, "u-M", "anon-M")
    assert profiles.notice_bar.isHidden()
    profiles.activateWindow()  # and comes back: that is what checks
    qtbot.waitUntil(profiles.isActiveWindow)
    qtbot.waitUntil(lambda: profiles.notice_bar.isVisible() and not profiles.busy)
    assert profiles.notice_text.text().startswith("This profile was merged into Marta")
    assert not profiles.notice_apply.isVisible() and profiles.notice_open.isVisible()  # nothing to apply


def test_showing_a_customer_that_was_merged_away_shows_the_kept_one(qtbot, ws, profiles):
    marta, visitor = _marta_and_visitor(ws)
    identity.identify(ws, "u-M", "anon-M")
    profiles.show()
    profiles.show_customer(visitor)  # a link from another window, made before the merge
    qtbot.waitUntil(lambda: not profiles.busy and profiles.profile is not None)
    assert profiles.profile.customer.id == marta
    assert "merged into Marta" in profiles.statusBar().currentMessage()


# -- 2. the shown profile is erased elsewhere ---------------------------------------------------


def test_a_shown_profile_erased_elsewhere_says_it_was_erased(qtbot, ws, profiles):
    marta, visitor = _marta_and_visitor(ws)
    search_profiles(qtbot, profiles, "")
    show_profile(qtbot, profiles, visitor)
    profiles.set_attribute("note", "called on Monday")
    engine_profiles.erase(ws, visitor)  # e.g. journey-studio profiles erase, from a terminal

    profiles.save_button.click()
    qtbot.waitUntil(lambda: profiles.notice_bar.isVisible() and not profiles.busy)
    text = profiles.notice_text.text()
    assert text.startswith("This profile was erased")
    assert "merged" not in text
    _no_internals(text + profiles.edit_error.text(), ws, visitor)
    assert not profiles.notice_open.isVisible() and not profiles.notice_apply.isVisible()
    assert profiles.dirty and _rows(profiles)["note"] == "called on Monday"
    assert not profiles.save_button.isEnabled()
    assert profiles.save() is False and "erased" in profiles.edit_error.text()
    qtbot.waitUntil(lambda: profiles.count_label.text() == "1 customer")


# -- 3. the e-mail attribute and the e-mail identifier -------------------------------------------


def _ana(ws) -> str:
    return ws.upsert_customer({"email": "ana.lopez@example.com", "user_id": "u-7"},
                              {"name": "Ana", "email": "ana.lopez@example.com"})


def test_changing_the_email_attribute_changes_the_identifier_and_undo_restores_both(qtbot, ws, profiles):
    ana = _ana(ws)
    show_profile(qtbot, profiles, ana)
    box = profiles.identifier_boxes["email"]
    assert box.isHidden()
    profiles.set_attribute("email", "Ana.New@Example.com")
    assert not box.isHidden() and box.isChecked()  # offered, on by default
    assert box.text() == "Also change the email identifier from ana.lopez@example.com to ana.new@example.com"

    profiles.save_button.click()
    qtbot.waitUntil(lambda: not profiles.busy and not profiles.dirty
                    and "ana.new@example.com" in profiles.identifiers_label.text())
    stored = ws.get_customer(ana)
    assert stored.attributes["email"] == "Ana.New@Example.com"
    assert ("email", "ana.new@example.com") in stored.identifiers
    assert ("email", "ana.lopez@example.com") not in stored.identifiers
    assert ws.find_customer("email", "ana.new@example.com") == ana  # look-ups and merges find her
    assert ws.find_customer("email", "ana.lopez@example.com") is None
    assert "ana.lopez@example.com" not in profiles.identifiers_label.text()
    assert "email identifier is now ana.new@example.com" in profiles.statusBar().currentMessage()

    profiles.act_undo.trigger()
    qtbot.waitUntil(lambda: not profiles.busy and "ana.lopez@example.com" in profiles.identifiers_label.text())
    stored = ws.get_customer(ana)
    assert stored.attributes["email"] == "ana.lopez@example.com"
    assert ("email", "ana.lopez@example.com") in stored.identifiers
    assert ("email", "ana.new@example.com") not in stored.identifiers
    assert _rows(profiles)["email"] == "ana.lopez@example.com" and not profiles.dirty

    profiles.act_redo.trigger()
    qtbot.waitUntil(lambda: not profiles.busy and "ana.new@example.com" in profiles.identifiers_label.text())
    assert ws.find_customer("email", "ana.new@example.com") == ana


def test_unticking_the_box_changes_the_attribute_only(qtbot, ws, profiles):
    ana = _ana(ws)
    show_profile(qtbot, profiles, ana)
    profiles.set_attribute("email", "ana.new@example.com")
    profiles.identifier_boxes["email"].setChecked(False)
    profiles.set_attribute("plan", "pro")  # another edit does not tick it again
    assert not profiles.identifier_boxes["email"].isChecked()
    profiles.save_button.click()
    qtbot.waitUntil(lambda: not profiles.busy and not profiles.dirty)
    stored = ws.get_customer(ana)
    assert stored.attributes["email"] == "ana.new@example.com"
    assert ("email", "ana.lopez@example.com") in stored.identifiers
    assert ("email", "ana.new@example.com") not in stored.identifiers


def test_a_phone_attribute_follows_the_only_phone_identifier(qtbot, ws, profiles):
    bea = ws.upsert_customer({"phone": "+33 6 12 34 56 78"}, {"name": "Bea", "phone": "06 12 34 56 78"})
    show_profile(qtbot, profiles, bea)
    profiles.set_attribute("phone", "+33 7 00 00 00 01")
    box = profiles.identifier_boxes["phone"]
    assert not box.isHidden() and box.text() == "Also change the phone identifier from +33612345678 to +33700000001"
    profiles.save_button.click()
    qtbot.waitUntil(lambda: not profiles.busy and not profiles.dirty)
    assert ws.get_customer(bea).identifiers == (("phone", "+33700000001"),)


def test_a_new_address_another_customer_holds_leaves_the_identifier_and_says_who(qtbot, ws, profiles):
    from gui.profiles_window import MergeDialog, _summary

    ana = _ana(ws)
    bo = ws.upsert_customer({"email": "ana.new@example.com"}, {"name": "Bo Chen"})
    show_profile(qtbot, profiles, ana)
    profiles.set_attribute("email", "ana.new@example.com")
    assert profiles.identifier_boxes["email"].isChecked()
    profiles.save_button.click()
    qtbot.waitUntil(lambda: not profiles.busy and not profiles.dirty and profiles.notice_bar.isVisible())
    stored = ws.get_customer(ana)
    assert stored.attributes["email"] == "ana.new@example.com"  # the attribute is saved
    assert ("email", "ana.lopez@example.com") in stored.identifiers  # the identifier is not
    assert ws.find_customer("email", "ana.new@example.com") == bo  # nothing taken from Bo
    text = profiles.notice_text.text()
    assert ("The email identifier stays ana.lopez@example.com: ana.new@example.com already belongs to another "
            "customer, Bo Chen.") in text
    _no_internals(text, ws, ana, bo)
    assert profiles.notice_merge.isVisible() and profiles.notice_merge.text() == "Merge with Bo Chen…"

    offered = []
    profiles._ask_merge = lambda current, suggested=None: offered.append((current.id, suggested)) or None
    profiles.notice_merge.click()
    assert len(offered) == 1 and offered[0][0] == ana and offered[0][1].id == bo

    # the real dialog opens with Bo found and picked
    dialog = MergeDialog(profiles, _summary(ws.get_customer(ana)), offered[0][1])
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.busy and dialog.plan is not None)
    assert dialog.other.id == bo and dialog.search_box.text() == "ana.new@example.com"
