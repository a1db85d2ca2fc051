"""The import wizard's Columns page checks the sample phone numbers again as soon as another
country is chosen for numbers written without a country code."""

from __future__ import annotations

from engine.identifiers import PHONE_COUNTRY_META
from tests.gui.test_import_wizard import _choose
from tests.gui.test_import_wizard_trial2 import _columns_page

FRENCH = "phone,name\n06 12 34 56 78,Marie\n+33 6 98 76 54 32,Paul\n07 98 76 54 32,Léa\n"


def _numbers_warning(page) -> list[str]:
    return [line for line in page.warnings.text().splitlines() if "sample numbers" in line]


def test_choosing_another_country_checks_the_sample_numbers_again_at_once(wizard_for, ws, tmp_path):
    ws.set_meta(PHONE_COUNTRY_META, "CN")
    source = tmp_path / "clients.csv"
    source.write_text(FRENCH, encoding="utf-8")
    _wizard, page = _columns_page(wizard_for, "customers", source)
    assert page.phone_country.currentData() == "CN"
    assert _numbers_warning(page) == [
        "Column “phone”: 2 of the 3 sample numbers are no CN numbers, e.g. “06 12 34 56 78”; such numbers are "
        "kept as written; choose their country above if they are from another one."]

    # No page.check() here: the choice alone updates the warning.
    _choose(page.phone_country, "US")
    assert _numbers_warning(page) == [
        "Column “phone”: 2 of the 3 sample numbers are no US numbers, e.g. “06 12 34 56 78”; such numbers are "
        "kept as written; choose their country above if they are from another one."]
    _choose(page.phone_country, "DE")  # 06 12 34 56 78 reads as a German number, 07 98 76 54 32 does not
    assert _numbers_warning(page) == [
        "Column “phone”: 1 of the 3 sample numbers is no DE number, e.g. “07 98 76 54 32”; such numbers are "
        "kept as written; choose their country above if they are from another one."]
    _choose(page.phone_country, "FR")
    assert _numbers_warning(page) == []
    _choose(page.phone_country, "US")
    assert len(_numbers_warning(page)) == 1
    _choose(page.phone_country, "")  # Keep as written: nothing to say
    assert _numbers_warning(page) == []
    assert page.options().phone_country == "" and page.isComplete()


def test_the_country_chosen_when_the_page_opens_is_checked_once(wizard_for, ws, tmp_path, monkeypatch):
    from gui import import_wizard

    ws.set_meta(PHONE_COUNTRY_META, "CN")
    source = tmp_path / "clients.csv"
    source.write_text(FRENCH, encoding="utf-8")
    calls = []
    real = import_wizard.sample_misfits
    monkeypatch.setattr(import_wizard, "sample_misfits",
                        lambda plan, p, country=None: calls.append(country) or real(plan, p, country))
    _wizard, page = _columns_page(wizard_for, "customers", source)
    assert page.phone_country.currentData() == "CN" and calls and calls[-1] == "CN"
    assert calls.count(None) == 0  # never checked with the country not yet set
    calls.clear()
    _choose(page.phone_country, "FR")
    assert calls == ["FR"]
