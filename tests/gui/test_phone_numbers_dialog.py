"""The Phone numbers dialog: the plan for numbers stored without a country code (written in place, a
profile merged into the one holding the +33… number, not valid ones kept), writing them after a
confirmation, nothing changed when it is declined, and the Profiles window and the import wizard's
result page that open it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.errors import NotFound
from engine.identifiers import PHONE_COUNTRY_META
from engine.store.models import IdentifierRow
from gui.qt import Qt
from tests.gui.conftest import search_profiles


def _seed(ws) -> dict[str, str]:
    """Customers stored before the workspace had a phone country, which is then FR."""
    ids = {
        # Nobody holds +33612345678: written in place.
        "ann": ws.upsert_customer({"phone": "0612345678", "email": "ann@example.com"}, {"name": "Ann Lee"}),
        # Bo holds +33698765432: the older profile is merged into Bo's.
        "bo_old": ws.upsert_customer({"phone": "0698765432", "email": "bo@old.example"}, {"city": "Lyon"}),
        "bo": ws.upsert_customer({"phone": "+33698765432", "email": "bo@example.com"}, {"name": "Bo Chen"}),
        # Not a number of FR: kept as written.
        "eve": ws.upsert_customer({"phone": "123"}, {"name": "Eve"}),
    }
    ws.set_meta(PHONE_COUNTRY_META, "FR")
    return ids


def _phones(ws) -> list[tuple[str, str]]:
    with ws.engine.connect() as conn:
        return sorted((r.value, r.customer_id) for r in conn.execute(
            select(IdentifierRow.value, IdentifierRow.customer_id).where(IdentifierRow.kind == "phone")))


def _exists(ws, customer_id: str) -> bool:
    try:
        ws.get_customer(customer_id)
    except NotFound:
        return False
    return True


def _answering(dialog, answer: bool):
    dialog.questions = []

    def confirm(title, text):
        dialog.questions.append((title, text))
        return answer

    dialog._confirm = confirm
    return dialog


def _read(qtbot, dialog) -> None:
    qtbot.waitUntil(lambda: not dialog.busy and dialog.view is not None, timeout=10_000)


@pytest.fixture
def dialog_for(qtbot, ws):
    from gui.app import make_application
    from gui.phone_numbers_dialog import PhoneNumbersDialog

    made = []

    def make(answer: bool = True):
        make_application()
        dialog = _answering(PhoneNumbersDialog(ws), answer)
        qtbot.addWidget(dialog)
        dialog.resize(900, 600)
        dialog.show()
        made.append(dialog)
        return dialog

    yield make
    for dialog in made:
        dialog.shutdown()


def test_the_plan_lists_each_number_and_what_happens_to_it(qtbot, ws, dialog_for):
    _seed(ws)
    dialog = dialog_for()
    assert dialog.windowTitle() == "Phone numbers without a country code"
    assert dialog.country.currentData() == "FR" and dialog.country.currentText() == "France (+33)"
    _read(qtbot, dialog)
    summary = dialog.summary.text()
    assert "3 phone numbers are stored without a country code; read as FR numbers (+33…)" in summary
    assert "1 would be written with the country code" in summary
    assert "its profile would be merged into the one that holds the +33… number" in summary
    assert "1 is not a valid FR number and would be kept as written" in summary
    rows = {dialog.table.item(r, 1).text(): [dialog.table.item(r, c).text() for c in range(4)]
            for r in range(dialog.table.rowCount())}
    assert rows["0612345678"] == ["Ann Lee", "0612345678", "+33612345678", "Written with the country code"]
    assert rows["0698765432"][0] == "bo@old.example"  # no name: the main identifier
    assert rows["0698765432"][3] == "Profile merged into Bo Chen, who holds +33698765432"
    assert rows["123"][2:] == ["—", "Not a valid FR number: kept as written"]
    assert dialog.write_button.isEnabled() and dialog.write_button.toolTip()
    assert not dialog.note.isVisible()  # the workspace's own country

    # Another country: read again, and the dialog says it is not the workspace's.
    dialog.country.setCurrentIndex(dialog.country.findData("DE"))
    _read(qtbot, dialog)
    assert dialog.view.plan.country == "DE"
    assert "not DE" in dialog.note.text() and dialog.note.isVisible()


def test_confirming_writes_the_numbers_and_merges_the_two_profiles(qtbot, ws, dialog_for):
    ids = _seed(ws)
    dialog = dialog_for(answer=True)
    _read(qtbot, dialog)
    with qtbot.waitSignal(dialog.rewritten, timeout=10_000):
        assert dialog.write()
    (title, question), = dialog.questions
    assert "Write 2 phone numbers stored without a country code as FR numbers (+33…)?" in question
    assert "1 pair of profiles will be merged" in question and "cannot be undone" in question
    assert _phones(ws) == [("+33612345678", ids["ann"]), ("+33698765432", ids["bo"]), ("123", ids["eve"])]
    assert not _exists(ws, ids["bo_old"]) and _exists(ws, ids["bo"])
    assert {v for k, v in ws.get_customer(ids["bo"]).identifiers if k == "email"} == {"bo@example.com",
                                                                                        "bo@old.example"}
    _read(qtbot, dialog)
    outcome = dialog.outcome_label.text()
    assert dialog.outcome_label.isVisible()
    assert "Wrote 1 phone number with its country code (+33…)." in outcome
    assert "Merged 1 pair of profiles" in outcome
    # Read again: only the number that is not valid is left, and there is nothing to do.
    assert "Nothing to do" in dialog.summary.text()
    assert not dialog.write_button.isEnabled()
    assert not dialog.error.isVisible()


def test_declining_changes_nothing(qtbot, ws, dialog_for):
    ids = _seed(ws)
    before = _phones(ws)
    dialog = dialog_for(answer=False)
    _read(qtbot, dialog)
    assert not dialog.write()
    assert len(dialog.questions) == 1
    qtbot.wait(50)
    assert not dialog.busy
    assert _phones(ws) == before and _exists(ws, ids["bo_old"])
    assert dialog.write_button.isEnabled() and not dialog.outcome_label.isVisible()


def test_nothing_to_do_and_no_country_disable_the_button(qtbot, ws, dialog_for):
    ws.upsert_customer({"phone": "+33612345678"})
    dialog = dialog_for()  # the workspace has no phone country
    assert dialog.country.currentData() == "" and dialog.country.currentText() == "Choose a country"
    assert "Choose the country" in dialog.summary.text() and not dialog.write_button.isEnabled()
    dialog.country.setCurrentIndex(dialog.country.findData("FR"))
    _read(qtbot, dialog)
    assert dialog.summary.text() == "Nothing to do: every phone number is stored with its country code."
    assert not dialog.write_button.isEnabled()
    assert "no phone country" in dialog.note.text()


def test_a_failure_midway_is_a_message_not_a_traceback(qtbot, ws, dialog_for, monkeypatch):
    from engine.track import phone_rewrite
    from gui import phone_numbers_dialog

    _seed(ws)

    def failing(ws_, plan):
        done = phone_rewrite.PhoneOutcome(plan.country)
        try:
            raise OSError("disk full")
        except OSError as exc:
            raise phone_rewrite.PhoneRewriteStopped("stopped", outcome=done) from exc

    monkeypatch.setattr(phone_numbers_dialog, "rewrite_phones", failing)
    dialog = dialog_for()
    _read(qtbot, dialog)
    dialog.write()
    qtbot.waitUntil(lambda: dialog.error.isVisible() and not dialog.busy, timeout=10_000)
    assert dialog.error.text().startswith("Stopped by an error: OSError: disk full.")
    assert "Traceback" not in dialog.error.text()
    assert dialog.outcome_label.text() == "Nothing was changed."
    assert dialog.country.isEnabled()


def test_the_profiles_window_opens_it_and_lists_the_merged_profiles_again(qtbot, ws, profiles):
    ids = _seed(ws)
    search_profiles(qtbot, profiles, "")
    assert profiles.results_model.total == 4
    assert profiles.phones_button.isVisible() and profiles.phones_button.toolTip()
    profiles.phones_button.click()
    dialog = profiles.phone_dialog
    assert dialog is not None and dialog.isVisible() and dialog.parent() is profiles
    _answering(dialog, True)
    _read(qtbot, dialog)
    with qtbot.waitSignal(profiles.customersChanged, timeout=10_000):
        dialog.write()
    qtbot.waitUntil(lambda: not profiles.busy and profiles.results_model.total == 3, timeout=10_000)
    assert ids["bo_old"] not in {item.id for item in profiles.results_model.items}
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_the_import_result_page_offers_it_when_the_import_sets_the_phone_country(qtbot, ws, wizard_for, tmp_path):
    from gui.import_wizard import ImportWizard
    from tests.gui.test_import_wizard import _choose
    from tests.gui.test_import_wizard_trial2 import _columns_page

    ws.upsert_customer({"phone": "0611111111"}, {"name": "Old Ann"})  # stored before any phone country
    source = tmp_path / "shop.csv"
    source.write_text("phone,name\n06 12 34 56 78,Ann\n", encoding="utf-8")
    wizard, page = _columns_page(wizard_for, "customers", source)
    _choose(page.phone_country, "FR")
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.PAGE_RESULT, timeout=20_000)
    result_page = wizard.result_page
    assert wizard.result.phone_country_change
    assert result_page.phones_button.isVisible()
    assert result_page.phones_button.text() == "Write stored numbers with their country code…"
    assert "1 phone number stored before has no country code" in result_page.phones_note.text()
    result_page.phones_button.click()
    dialog = result_page.phone_dialog
    assert dialog is not None and dialog.isVisible()
    _read(qtbot, dialog)
    assert dialog.view.plan.country == "FR" and len(dialog.view.plan.in_place) == 1
    dialog.shutdown()
