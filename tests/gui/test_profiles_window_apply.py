"""*Apply my changes to …* after the shown profile was merged away: the edits go onto the kept
profile unsaved, for the user to check and save; only those that still make sense there are
carried (the window names the others and the kept profile's values); no identifier change comes
along by itself, and one is offered again only by the usual rule, from what is on screen.

The user trial behind these: Amélie's ``email`` attribute was edited (the box to change the e-mail
identifier too was offered), Amélie was merged into Jérôme meanwhile, and *Apply* saved at once,
swapping Jérôme's own e-mail identifier for Amélie's new address."""

from __future__ import annotations

import pytest

from engine.track import profiles as engine_profiles
from tests.gui.conftest import show_profile

NEW = "amelie.lefevre@newmail.fr"


def _rows(window) -> dict[str, str]:
    table = window.attributes
    return {table.item(r, 0).text(): table.item(r, 2).text() for r in range(table.rowCount())}


def _tags(window) -> list[str]:
    return [window.tags_list.item(i).text() for i in range(window.tags_list.count())]


def _amelie_and_jerome(ws, *, jerome_email: bool = True) -> tuple[str, str]:
    amelie = ws.upsert_customer(
        {"anonymous_id": "anon-1", "email": "amelie@example.fr", "phone": "+33612345678", "user_id": "u-amelie"},
        {"name": "Amélie Lefèvre", "city": "Paris", "phone": "+33 6 12 34 56 78", "email": "amelie@example.fr",
         "plan": "pro"})
    attributes = {"name": "Jérôme Dupré", "city": "Lyon", "phone": "+33 7 98 76 54 32"}
    if jerome_email:
        attributes["email"] = "jerome@example.fr"
    jerome = ws.upsert_customer({"email": "jerome@example.fr", "phone": "+33798765432", "user_id": "u-jerome"},
                                attributes)
    return amelie, jerome


def _stored(ws, customer_id: str):
    record = ws.get_customer(customer_id)
    return dict(record.attributes), tuple(record.identifiers), tuple(record.tags), dict(record.consent)


def _merge_while_shown(qtbot, ws, window, kept: str, merged: str) -> None:
    """Merge ``merged`` (shown, with unsaved edits) into ``kept`` elsewhere; the window finds out."""
    engine_profiles.merge(ws, kept, merged, allow_two_user_ids=True)
    window.check_shown()
    qtbot.waitUntil(lambda: not window.busy and window.notice_apply.isVisible())


def _apply(qtbot, window, kept: str) -> None:
    window.notice_apply.click()
    qtbot.waitUntil(lambda: not window.busy and window.profile is not None and window.profile.customer.id == kept)


def _save(qtbot, window) -> None:
    assert window.save_button.isEnabled()
    window.save_button.click()
    qtbot.waitUntil(lambda: not window.busy and not window.dirty)


# -- the trial's case ----------------------------------------------------------------------------


def test_the_trials_case_leaves_jeromes_email_alone_and_saves_only_on_save(qtbot, ws, profiles, tmp_path):
    amelie, jerome = _amelie_and_jerome(ws)
    show_profile(qtbot, profiles, amelie)
    profiles.set_attribute("email", NEW)
    box = profiles.identifier_boxes["email"]
    assert not box.isHidden() and box.isChecked()
    assert box.text() == f"Also change the email identifier from amelie@example.fr to {NEW}"
    profiles.set_attribute("note", "prefers SMS")  # an edit that fits Jérôme too

    _merge_while_shown(qtbot, ws, profiles, jerome, amelie)
    assert profiles.notice_apply.text() == "Apply my changes to Jérôme Dupré"
    before = _stored(ws, jerome)

    _apply(qtbot, profiles, jerome)
    profiles.grab().save(str(tmp_path / "applied.png"))
    # nothing stored yet: the edits wait on Jérôme, shown and unsaved
    assert _stored(ws, jerome) == before
    assert profiles.dirty and not profiles.edit_bar.isHidden() and profiles.save_button.isEnabled()
    rows = _rows(profiles)
    assert rows["note"] == "prefers SMS"
    assert rows["email"] == "jerome@example.fr"  # Jérôme's own address, not Amélie's new one
    # no identifier change offered: nothing on screen changes Jérôme's email attribute
    assert profiles.identifier_boxes["email"].isHidden() and profiles.identifier_boxes["phone"].isHidden()
    assert profiles.identifier_swaps() == []
    text = profiles.notice_text.text()
    assert profiles.notice_bar.isVisible()
    assert text.startswith("Your changes are on Jérôme Dupré, not saved yet: check them and press Save.")
    assert "email was not carried over: Jérôme Dupré's email is jerome@example.fr." in text
    assert not profiles.notice_apply.isVisible() and not profiles.notice_open.isVisible()

    _save(qtbot, profiles)
    stored = ws.get_customer(jerome)
    assert stored.attributes["email"] == "jerome@example.fr"
    assert stored.attributes["note"] == "prefers SMS"
    assert ("email", "jerome@example.fr") in stored.identifiers
    assert ws.find_customer("email", "jerome@example.fr") == jerome
    assert ws.find_customer("email", "amelie@example.fr") == jerome  # moved there by the merge, kept
    assert ws.find_customer("email", NEW) is None
    assert profiles.statusBar().currentMessage() == "Saved"
    # the notice no longer says "not saved yet", and still names what was left out
    assert profiles.notice_bar.isVisible()
    assert profiles.notice_text.text() == ("Some of your changes were not carried over to Jérôme Dupré.\nemail was "
                                           "not carried over: Jérôme Dupré's email is jerome@example.fr.")


def test_when_no_edit_fits_the_kept_profile_nothing_is_carried_and_the_window_says_why(qtbot, ws, profiles):
    amelie, jerome = _amelie_and_jerome(ws)
    show_profile(qtbot, profiles, amelie)
    profiles.set_attribute("email", NEW)  # the trial's only edit
    _merge_while_shown(qtbot, ws, profiles, jerome, amelie)
    before = _stored(ws, jerome)
    _apply(qtbot, profiles, jerome)
    assert _stored(ws, jerome) == before
    assert not profiles.dirty and profiles.identifier_boxes["email"].isHidden()
    assert _rows(profiles)["email"] == "jerome@example.fr"
    assert profiles.notice_bar.isVisible()
    assert profiles.notice_text.text() == ("Some of your changes were not carried over to Jérôme Dupré.\nemail was "
                                           "not carried over: Jérôme Dupré's email is jerome@example.fr.")


# -- what is carried -----------------------------------------------------------------------------


def test_edits_that_fit_are_carried_saved_on_save_and_one_undo_takes_them_back(qtbot, ws, profiles):
    amelie, jerome = _amelie_and_jerome(ws)
    engine_profiles.edit(ws, amelie, tags=["newsletter", "paris"], consent={"email": True, "sms": True})
    engine_profiles.edit(ws, jerome, tags=["lyon"], consent={"sms": False})
    show_profile(qtbot, profiles, amelie)
    profiles.set_attribute("plan", "premium")  # Jérôme got "pro" from Amélie by the merge: carried
    profiles.set_attribute("city", "Marseille")  # Jérôme lives in Lyon: left out
    for row in range(profiles.attributes.rowCount()):  # Amélie's phone attribute removed: Jérôme has his own
        if profiles.attributes.item(row, 0).text() == "phone":
            profiles.attributes.selectRow(row)
    profiles.remove_selected_attributes()
    profiles.consent_boxes["email"].click()  # granted → refused; Jérôme's came from Amélie: carried
    assert profiles.consent_boxes["email"].value() is False
    profiles.consent_boxes["sms"].click()
    profiles.consent_boxes["sms"].set_value(None)  # not recorded; Jérôme refused SMS himself: left out
    assert profiles.consent_boxes["sms"].value() is None
    profiles.tag_input.setText("vip")
    profiles.add_tag()
    profiles.tags_list.setCurrentRow(_tags(profiles).index("newsletter"))
    profiles.remove_selected_tags()
    assert _tags(profiles) == ["paris", "vip"]

    _merge_while_shown(qtbot, ws, profiles, jerome, amelie)
    merged = _stored(ws, jerome)
    assert merged[0]["plan"] == "pro" and merged[2] == ("lyon", "newsletter", "paris")
    assert merged[3] == {"email": True, "sms": False}
    _apply(qtbot, profiles, jerome)
    assert _stored(ws, jerome) == merged  # nothing stored before Save
    rows = _rows(profiles)
    assert rows["plan"] == "premium" and rows["city"] == "Lyon" and rows["phone"] == "+33 7 98 76 54 32"
    assert _tags(profiles) == ["lyon", "paris", "vip"]
    assert profiles.consent_boxes["email"].value() is False and profiles.consent_boxes["sms"].value() is False
    text = profiles.notice_text.text()
    assert "city was not carried over: Jérôme Dupré's city is Lyon." in text
    assert "phone was not removed: Jérôme Dupré's phone is +33 7 98 76 54 32." in text
    assert "Consent for SMS was not carried over: Jérôme Dupré's consent for SMS is refused." in text
    assert "plan" not in text and "Email" not in text

    _save(qtbot, profiles)
    stored = ws.get_customer(jerome)
    assert stored.attributes["plan"] == "premium" and stored.attributes["city"] == "Lyon"
    assert stored.attributes["phone"] == "+33 7 98 76 54 32"
    assert tuple(stored.tags) == ("lyon", "paris", "vip")
    assert stored.consent == {"email": False, "sms": False}

    assert profiles.act_undo.isEnabled()
    profiles.act_undo.trigger()
    qtbot.waitUntil(lambda: not profiles.busy and _stored(ws, jerome) == merged)
    qtbot.waitUntil(lambda: _rows(profiles)["plan"] == "pro")
    assert not profiles.dirty and _tags(profiles) == ["lyon", "newsletter", "paris"]


def test_undo_before_save_takes_the_carried_edits_off(qtbot, ws, profiles):
    amelie, jerome = _amelie_and_jerome(ws)
    show_profile(qtbot, profiles, amelie)
    profiles.set_attribute("plan", "premium")
    _merge_while_shown(qtbot, ws, profiles, jerome, amelie)
    _apply(qtbot, profiles, jerome)
    assert profiles.dirty and _rows(profiles)["plan"] == "premium"
    profiles.act_undo.trigger()
    assert not profiles.dirty and _rows(profiles)["plan"] == "pro"
    assert profiles.notice_bar.isHidden()  # nothing left to say: nothing was left out
    assert ws.get_customer(jerome).attributes["plan"] == "pro"


# -- identifiers: offered again by the usual rule, never carried silently ------------------------


@pytest.mark.parametrize("untick", [None, "on the kept profile", "before the merge"])
def test_a_carried_email_edit_offers_the_identifier_change_and_makes_it_only_when_ticked(qtbot, ws, profiles,
                                                                                          untick):
    # Jérôme has no email attribute: the merge gives him Amélie's, and her address as an identifier.
    amelie, jerome = _amelie_and_jerome(ws, jerome_email=False)
    show_profile(qtbot, profiles, amelie)
    profiles.set_attribute("email", NEW)
    if untick == "before the merge":
        profiles.identifier_boxes["email"].setChecked(False)
    _merge_while_shown(qtbot, ws, profiles, jerome, amelie)
    assert ws.get_customer(jerome).attributes["email"] == "amelie@example.fr"
    _apply(qtbot, profiles, jerome)

    assert profiles.dirty and _rows(profiles)["email"] == NEW
    box = profiles.identifier_boxes["email"]
    assert not box.isHidden()
    assert box.text() == f"Also change the email identifier from amelie@example.fr to {NEW}"
    assert box.isChecked() is (untick != "before the merge")  # an unticked box stays unticked
    assert ws.find_customer("email", NEW) is None  # offered, not made
    if untick == "on the kept profile":
        box.setChecked(False)

    _save(qtbot, profiles)
    stored = ws.get_customer(jerome)
    assert stored.attributes["email"] == NEW
    assert ("email", "jerome@example.fr") in stored.identifiers
    if untick is None:
        assert ("email", NEW) in stored.identifiers and ("email", "amelie@example.fr") not in stored.identifiers
        assert f"the email identifier is now {NEW}" in profiles.statusBar().currentMessage()
    else:
        assert ("email", "amelie@example.fr") in stored.identifiers and ws.find_customer("email", NEW) is None
        assert profiles.statusBar().currentMessage() == "Saved"


# -- the identifier line wraps between identifiers -----------------------------------------------


def test_the_identifier_line_never_breaks_inside_an_identifier(qtbot, ws, profiles):
    from gui.qt import QtGui

    amelie, _jerome = _amelie_and_jerome(ws)
    show_profile(qtbot, profiles, amelie)
    identifiers = list(ws.get_customer(amelie).identifiers)
    label = profiles.identifiers_label
    metrics = label.fontMetrics()
    widest = max(metrics.horizontalAdvance(f"{kind.replace('_', ' ')}: {value}") for kind, value in identifiers)
    for width in range(widest + 12, 760, 3):
        label.resize(width, label.height())
        lines = label.lines()
        assert [pair for line in lines for pair in line] == identifiers
        # lay the label's text out as the label does and read where Qt broke the lines
        doc = QtGui.QTextDocument()
        doc.setDefaultFont(label.font())
        doc.setDocumentMargin(0)  # as a QLabel's own
        doc.setHtml(label.text())
        doc.setTextWidth(label.contentsRect().width())
        doc.size()
        broken = []
        block = doc.begin()
        while block.isValid():
            layout = block.layout()
            for i in range(layout.lineCount()):
                line = layout.lineAt(i)
                broken.append(block.text()[line.textStart():line.textStart() + line.textLength()])
            block = block.next()
        assert len(broken) == len(lines), (width, broken)
        for text in broken:  # every line ends with a whole identifier ("u-amelie", never "u-")
            assert text.rstrip("\u2028 \u00a0").endswith(tuple(value for _kind, value in identifiers)), (width, text)


def test_a_carried_edit_never_offers_to_replace_the_kept_customers_only_address(qtbot, ws, profiles):
    # Amélie's e-mail is an attribute only; Jérôme's address is an identifier only, his one e-mail.
    amelie = ws.upsert_customer({"user_id": "u-amelie"}, {"name": "Amélie Lefèvre", "email": "amelie@example.fr"})
    jerome = ws.upsert_customer({"email": "jerome@example.fr", "user_id": "u-jerome"}, {"name": "Jérôme Dupré"})
    show_profile(qtbot, profiles, amelie)
    profiles.set_attribute("email", NEW)
    assert profiles.identifier_boxes["email"].isHidden()  # nothing to follow on Amélie
    _merge_while_shown(qtbot, ws, profiles, jerome, amelie)
    _apply(qtbot, profiles, jerome)
    assert profiles.dirty and _rows(profiles)["email"] == NEW  # carried: Jérôme had Amélie's value
    # the only e-mail identifier Jérôme holds is his own: no offer to replace it with Amélie's address
    assert profiles.identifier_boxes["email"].isHidden() and profiles.identifier_swaps() == []
    _save(qtbot, profiles)
    assert ws.find_customer("email", "jerome@example.fr") == jerome
    assert ws.find_customer("email", NEW) is None
    assert ws.get_customer(jerome).attributes["email"] == NEW
