"""The Phone numbers dialog on a workspace with nothing to fix says so plainly, in a small dialog
that asks for no country; with numbers to fix it grows to list them."""

from __future__ import annotations

import pytest

from engine.identifiers import PHONE_COUNTRY_META


@pytest.fixture
def opened(qtbot, ws):
    """``make()``: a shown dialog at the size it picks itself, shut down at the end."""
    from gui.app import make_application
    from gui.phone_numbers_dialog import PhoneNumbersDialog

    made = []

    def make():
        make_application()
        dialog = PhoneNumbersDialog(ws)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        made.append(dialog)
        return dialog

    yield make
    for dialog in made:
        dialog.shutdown()


def _settled(qtbot, dialog, text: str) -> None:
    qtbot.waitUntil(lambda: not dialog.busy and text in dialog.summary.text(), timeout=10_000)


def test_an_empty_workspace_has_no_numbers_to_fix_and_says_so(qtbot, opened):
    dialog = opened()
    _settled(qtbot, dialog, "No phone numbers to fix")
    assert dialog.summary.text().startswith("No phone numbers to fix: none is stored without a country code.")
    assert not dialog.country_row.isVisible() and not dialog.write_button.isVisible()
    assert not dialog.table.isVisible() and not dialog.note.isVisible()
    # Compact: the text, then the Close button right under it, not spread over a big window.
    assert dialog.height() < 260
    gap = dialog.buttons.geometry().top() - dialog.summary.geometry().bottom()
    assert gap < 80


def test_every_number_with_its_code_is_nothing_to_fix_for_a_workspace_with_a_country(qtbot, ws, opened):
    ws.upsert_customer({"phone": "+33612345678"})
    ws.set_meta(PHONE_COUNTRY_META, "FR")
    dialog = opened()
    _settled(qtbot, dialog, "Nothing to do")
    assert not dialog.country_row.isVisible() and not dialog.write_button.isVisible()
    assert dialog.height() < 260


def test_numbers_to_fix_without_a_country_are_counted_and_listed_once_one_is_chosen(qtbot, ws, opened):
    ws.upsert_customer({"phone": "0612345678"}, {"name": "Ann Lee"})
    ws.upsert_customer({"phone": "0698765432"}, {"name": "Bo Chen"})
    dialog = opened()
    _settled(qtbot, dialog, "2 phone numbers are stored without a country code. Choose the country")
    assert dialog.country_row.isVisible() and dialog.write_button.isVisible()
    assert not dialog.table.isVisible() and dialog.height() < 260
    dialog.country.setCurrentIndex(dialog.country.findData("FR"))
    qtbot.waitUntil(lambda: not dialog.busy and dialog.view is not None, timeout=10_000)
    assert dialog.table.isVisible() and dialog.table.rowCount() == 2
    assert dialog.height() >= 600 and dialog.write_button.isEnabled()
