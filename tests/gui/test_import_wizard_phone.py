"""The import wizard's country of phone numbers written without a country code: shown only when a
column holds phone identifiers, listed by name with the calling code, first the country the
workspace remembers, and passed to the import (which remembers the choice)."""

from __future__ import annotations

from engine.identifiers import PHONE_COUNTRY_META, phone_country_of
from gui.qt import QtCore
from tests.gui.test_import_wizard import _choose, _row
from tests.gui.test_import_wizard_trial2 import _columns_page

SHOP = "phone,name\n06 12 34 56 78,Ann\n07 98 76 54 32,Bo\n123,Cy\n"




def _phones(ws) -> list[str]:
    from sqlalchemy import select

    from engine.store.models import IdentifierRow

    with ws.engine.connect() as conn:
        return sorted(conn.scalars(select(IdentifierRow.value).where(IdentifierRow.kind == "phone")))


def test_the_country_is_prefilled_from_the_workspace_and_passed_to_the_import(wizard_for, ws, tmp_path, qtbot):
    from gui.import_wizard import ImportWizard

    ws.set_meta(PHONE_COUNTRY_META, "FR")
    source = tmp_path / "shop.csv"
    source.write_text(SHOP, encoding="utf-8")
    wizard, page = _columns_page(wizard_for, "customers", source)
    combo = page.phone_country
    assert page.id_kind.currentText() == "phone"
    assert combo.isVisible() and page.phone_label.isVisible()
    assert combo.currentData() == "FR" and combo.currentText() == "France (+33)"
    assert combo.itemText(0) == "Keep as written" and combo.itemData(0) == ""
    assert combo.toolTip() and "country" in combo.toolTip()
    assert page.options().phone_country == "FR"

    _choose(combo, "DE")
    assert combo.currentText() == "Germany (+49)" and page.options().phone_country == "DE"
    _choose(combo, "FR")
    wizard.next()  # Import: the commit page
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.PAGE_RESULT, timeout=20_000)
    result = wizard.result
    assert result is not None and result.phone_country == "FR" and result.created == 3
    assert _phones(ws) == ["+33612345678", "+33798765432", "123"]
    assert any("1 phone number could not be read as an FR number" in w for w in result.warnings)


def test_keep_as_written_keeps_local_numbers_and_forgets_the_country(wizard_for, ws, tmp_path, qtbot):
    from gui.import_wizard import ImportWizard

    ws.set_meta(PHONE_COUNTRY_META, "GB")
    source = tmp_path / "shop.csv"
    source.write_text(SHOP, encoding="utf-8")
    wizard, page = _columns_page(wizard_for, "customers", source)
    assert page.phone_country.currentData() == "GB"
    _choose(page.phone_country, "")
    assert page.options().phone_country == ""
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.PAGE_RESULT, timeout=20_000)
    assert _phones(ws) == ["0612345678", "0798765432", "123"]
    assert phone_country_of(ws) is None


def test_no_country_is_asked_without_a_phone_column_until_one_is_mapped(wizard_for, ws, tmp_path):
    source = tmp_path / "people.csv"
    source.write_text("email,mobile_no\nann@example.com,+33 6 12 34 56 78\nbo@example.com,06 11 22 33 44\n",
                      encoding="utf-8")
    wizard, page = _columns_page(wizard_for, "customers", source)
    row = _row(page, "mobile_no")
    if row.target.currentData() == "identifier":
        _choose(row.target, "attribute")
    assert not page.phone_country.isVisible() and not page.phone_label.isVisible()
    assert page.options().phone_country is None  # the workspace's country stays as it is

    _choose(row.target, "identifier")
    row.field.setEditText("phone")
    assert page.phone_country.isVisible()
    assert page.phone_country.currentData() == ""  # nothing remembered: numbers as written
    _choose(page.phone_country, "CN")
    assert page.options().phone_country == "CN"
    assert page.options().mapping["mobile_no"] == "identifiers.phone"


def test_countries_are_sorted_by_name_with_their_calling_code(wizard_for, ws, tmp_path):
    source = tmp_path / "shop.csv"
    source.write_text(SHOP, encoding="utf-8")
    _wizard, page = _columns_page(wizard_for, "customers", source)
    combo = page.phone_country
    names = [combo.itemText(i) for i in range(1, combo.count())]
    codes = {combo.itemData(i) for i in range(1, combo.count())}
    assert {"FR", "DE", "GB", "CN", "US"} <= codes and len(codes) == len(names) > 200
    assert "United Kingdom (+44)" in names and "China (+86)" in names and "United States (+1)" in names
    collator = QtCore.QCollator(QtCore.QLocale(QtCore.QLocale.Language.English))
    assert names.index("Afghanistan (+93)") == 0
    assert all(collator.compare(a, b) <= 0 for a, b in zip(names, names[1:], strict=False))


def test_an_events_file_shows_the_country_below_the_event_name(wizard_for, ws, tmp_path):
    ws.set_meta(PHONE_COUNTRY_META, "US")
    source = tmp_path / "calls.csv"
    source.write_text("phone,event,time\n(415) 555-2671,call,2025-01-01T10:00:00Z\n", encoding="utf-8")
    _wizard, page = _columns_page(wizard_for, "events", source)
    assert page.phone_country.isVisible() and page.event_name.isVisible()
    assert page.phone_country.currentData() == "US"
    assert page.phone_country.geometry().top() > page.event_name.geometry().bottom()
    assert page.options().phone_country == "US"


def test_choosing_a_country_while_numbers_are_stored_without_one_warns_before_importing(wizard_for, ws, tmp_path):
    """Numbers kept as written by an earlier import do not find the same people read with a country:
    the Columns page says so before the import makes them second customers."""
    ws.upsert_customer({"phone": "13800138000"}, {"name": "Wei"})  # kept as written, no country
    source = tmp_path / "orders.csv"
    source.write_text("phone,name\n138 0013 8000,Wei\n", encoding="utf-8")
    _wizard, page = _columns_page(wizard_for, "customers", source)
    assert "stored without a country code" not in page.warnings.text()
    _choose(page.phone_country, "CN")
    assert ("1 phone number is stored without a country code (imported with “Keep as written”): read as CN "
            "numbers, this file's numbers will not find that customer") in page.warnings.text()
    _choose(page.phone_country, "")
    assert "stored without a country code" not in page.warnings.text()
