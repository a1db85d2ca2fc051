"""The import wizard's Columns page warns about the sample values the command line warns about:
e-mail addresses without a dot in their domain, and local phone numbers that are no number of the
country chosen for them."""

from __future__ import annotations

from engine.identifiers import PHONE_COUNTRY_META
from tests.gui.test_import_wizard import _choose
from tests.gui.test_import_wizard_trial2 import _columns_page


def test_an_address_without_a_dot_in_its_domain_is_named_on_the_columns_page(wizard_for, tmp_path):
    source = tmp_path / "clients.csv"
    source.write_text("email,name\nann@example.com,Ann\npaul.durand@example,Paul\n", encoding="utf-8")
    _wizard, page = _columns_page(wizard_for, "customers", source)
    assert ("Column “email”: 1 of the 2 sample addresses has no dot in its domain (after the @), e.g. "
            "“paul.durand@example”; such addresses are imported as written: check the column.") \
        in page.warnings.text()


def test_local_numbers_that_are_no_number_of_the_chosen_country_are_named(wizard_for, ws, tmp_path):
    ws.set_meta(PHONE_COUNTRY_META, "CN")
    source = tmp_path / "clients.csv"
    source.write_text("phone,name\n06 12 34 56 78,Marie\n+33 6 98 76 54 32,Paul\n07 98 76 54 32,Léa\n",
                      encoding="utf-8")
    _wizard, page = _columns_page(wizard_for, "customers", source)
    assert page.phone_country.currentData() == "CN"
    assert ("Column “phone”: 2 of the 3 sample numbers are no CN numbers, e.g. “06 12 34 56 78”; such numbers "
            "are kept as written; choose their country above if they are from another one.") in page.warnings.text()
    _choose(page.phone_country, "FR")
    page.check()
    assert "sample numbers" not in page.warnings.text()
    _choose(page.phone_country, "")
    page.check()
    assert "sample numbers" not in page.warnings.text()
    # Kept as written: they would not name the customers websites send +33… for, so the page says so.
    assert ("Column “phone”: phone numbers such as “06 12 34 56 78” have no country code, and websites and apps "
            "send numbers with one: choose their country above (FR, judging by the numbers) so that both name the "
            "same customer.") in page.warnings.text()
