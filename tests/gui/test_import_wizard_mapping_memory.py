"""The import wizard starts a file with the same columns as one imported before from the mapping
that import used, and says so."""

from __future__ import annotations

from engine.track.csv_import import ImportOptions, import_customers
from tests.gui.test_import_wizard import _row
from tests.gui.test_import_wizard_trial2 import _columns_page

LINES = "Email,Newsletter,Étiquettes,Ville\na@x.fr,oui,vip,Lyon\nb@x.fr,non,,Paris\n"


def test_the_columns_start_as_the_last_import_of_the_same_columns(wizard_for, ws, tmp_path):
    first = tmp_path / "clients.csv"
    first.write_text(LINES, encoding="utf-8")
    import_customers(ws, first, ImportOptions(mapping={"Newsletter": "consent.email", "Étiquettes": "tags",
                                                       "Ville": "skip"}))
    again = tmp_path / "clients (2).csv"
    again.write_text(LINES.replace("a@x.fr", "c@x.fr"), encoding="utf-16")
    wizard, page = _columns_page(wizard_for, "customers", again)
    assert wizard.mapping_kept
    assert _row(page, "Newsletter").target.currentData() == "consent"
    assert _row(page, "Étiquettes").target.currentData() == "tags"
    assert _row(page, "Ville").target.currentData() == "skip"
    assert page.subTitle().startswith("The columns start as in your last import of a file with the same columns.")
    options = page.options()
    assert options.mapping["Newsletter"] == "consent.email" and options.mapping["Ville"] == "skip"


def test_a_file_with_other_columns_gets_the_suggestions(wizard_for, ws, tmp_path):
    path = tmp_path / "clients.csv"
    path.write_text(LINES, encoding="utf-8")
    wizard, page = _columns_page(wizard_for, "customers", path)
    assert not wizard.mapping_kept
    assert _row(page, "Ville").target.currentData() == "attribute"
    assert page.subTitle().startswith("The suggestions come from the column names")
