"""The Profiles window: a click on a refused consent grants it (not recorded is in the box's
context menu), and a moment stored as ``…Z`` reads the same before and after a save."""

from __future__ import annotations

from gui.qt import QtCore, QtGui, QtWidgets
from tests.gui.conftest import show_profile


def _cell(profiles, name: str) -> str:
    for row in range(profiles.attributes.rowCount()):
        item = profiles.attributes.item(row, 0)
        if item is not None and item.text() == name:
            return profiles.attributes.item(row, 2).text()
    raise KeyError(name)


def test_a_click_on_a_refused_consent_grants_it(qtbot, ws, profiles):
    customer = ws.upsert_customer({"email": "ann@example.com"}, {"name": "Ann Lee"},
                                  consent={"email": False})
    show_profile(qtbot, profiles, customer)
    email, sms = profiles.consent_boxes["email"], profiles.consent_boxes["sms"]
    assert email.value() is False and sms.value() is None
    email.click()
    assert email.value() is True and profiles.consent_states["email"].text() == "granted"
    email.click()
    assert email.value() is False and profiles.consent_states["email"].text() == "refused"
    email.click()
    assert email.value() is True
    # Not recorded → granted → refused → granted: never back to "not recorded" by clicking.
    seen = []
    for _ in range(4):
        sms.click()
        seen.append(sms.value())
    assert seen == [True, False, True, False]
    assert "right-click" in email.toolTip()


def test_not_recorded_is_chosen_from_the_context_menu(qtbot, ws, profiles):
    customer = ws.upsert_customer({"email": "ann@example.com"}, {"name": "Ann Lee"},
                                  consent={"email": True})
    show_profile(qtbot, profiles, customer)
    box = profiles.consent_boxes["email"]
    menu = box.context_menu()
    texts = [a.text() for a in menu.actions()]
    assert texts == ["Granted", "Refused", "Not recorded"]
    assert [a.isChecked() for a in menu.actions()] == [True, False, False]

    chosen = []

    def pick() -> None:
        popup = QtWidgets.QApplication.activePopupWidget()
        action = next(a for a in popup.actions() if a.text() == "Not recorded")
        chosen.append(action.text())
        action.trigger()
        popup.close()

    QtCore.QTimer.singleShot(50, pick)
    centre = box.rect().center()
    event = QtGui.QContextMenuEvent(QtGui.QContextMenuEvent.Reason.Mouse, centre, box.mapToGlobal(centre))
    QtWidgets.QApplication.sendEvent(box, event)
    assert chosen == ["Not recorded"]
    assert box.value() is None and profiles.consent_states["email"].text() == "not recorded"
    assert profiles.dirty
    assert profiles.save()
    qtbot.waitUntil(lambda: not profiles.busy and not profiles.dirty)
    assert "email" not in ws.get_customer(customer).consent


def test_a_moment_reads_the_same_before_and_after_a_save(qtbot, ws, profiles):
    customer = ws.upsert_customer({"email": "anna@example.de"},
                                  {"name": "Anna", "Letzter Besuch": "2026-11-24T18:30:00Z"})
    show_profile(qtbot, profiles, customer)
    assert _cell(profiles, "Letzter Besuch") == "2026-11-24T18:30:00Z"
    profiles.set_attribute("plan", "pro")
    assert profiles.save()
    qtbot.waitUntil(lambda: not profiles.busy and not profiles.dirty)
    assert _cell(profiles, "Letzter Besuch") == "2026-11-24T18:30:00Z"
    # The untouched attribute is not rewritten either.
    assert ws.get_customer(customer).attributes["Letzter Besuch"] == "2026-11-24T18:30:00Z"
