"""The import wizard and what a new user's first imports showed: the Columns page warns about e-mail
identifiers that are not addresses as it does about other sample values, a customer's ``Name`` is
not taken for the event name, placeholder cells (``n/a``) are empty cells, phone headers in other
languages make the phone identifier, and a refusal names the columns without the file's path."""

from __future__ import annotations

from pathlib import Path

from gui.qt import QtWidgets
from tests.gui.test_import_wizard import _choose, _row


def _columns_page(wizard_for, kind: str, path: Path):
    from gui.import_wizard import ImportWizard

    wizard = wizard_for(kind, path)
    wizard.next()
    wizard.next()
    assert wizard.currentId() == ImportWizard.PAGE_MAPPING
    return wizard, wizard.mapping_page


def _euro(path: Path, *rows: str) -> Path:
    lines = ["\ufeffE-Mail;Name;Umsatz;Letzte Bestellung", 'k1@example.de;"Müller, Hans";1.234,56;31/12/2023', *rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


def _shown_whole(label: QtWidgets.QLabel) -> bool:
    """The label is visible and tall enough for its wrapped text."""
    return label.isVisible() and label.height() >= label.heightForWidth(label.width())


# -- 7. the type-fit warning of a customers file -------------------------------------------------

def test_the_columns_page_of_customers_warns_about_identifiers_that_are_not_addresses(wizard_for, tmp_path, qtbot):
    path = _euro(tmp_path / "euro.csv", "k2@example.de;Anna;2.000,00;30/11/2023", "k3@example.de;Bo;99,50;01/10/2023",
                 "k4@example.de;Cy;5,00;02/10/2023", ";;;", "Summe;;3.338,06;")
    wizard, page = _columns_page(wizard_for, "customers", path)
    assert page.id_column.currentText() == "E-Mail" and page.isComplete()
    assert page.warnings.text() == ("Column “E-Mail”: 1 of the 5 sample values is not an email address, e.g. "
                                    "“Summe”; rows with such a value will be skipped and listed.")
    assert _shown_whole(page.warnings)
    # As the import finds it: the totals row is the one row skipped.
    wizard.next()
    qtbot.waitUntil(lambda: wizard.result is not None, timeout=20_000)
    assert (wizard.result.created, wizard.result.skipped) == (4, 1)
    assert wizard.result.errors[0].describe() == "row 7, column 'E-Mail': 'Summe' is not an email address"


def test_an_address_with_a_comma_is_said_to_be_skipped(wizard_for, tmp_path):
    path = _euro(tmp_path / "euro.csv", '"user0@Example,COM";Zero;1,00;01/01/2024', "k2@example.de;Anna;2,00;02/01/2024")
    _wizard, page = _columns_page(wizard_for, "customers", path)
    assert page.warnings.text() == ("Column “E-Mail”: 1 of the 3 sample values is not an email address, e.g. "
                                    "“user0@Example,COM”; rows with such a value will be skipped and listed.")


def test_an_events_file_warns_about_its_email_identifiers_too(wizard_for, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("email,event,time\na@example.com,visit,2025-01-01T10:00:00Z\nTotal,,\n", encoding="utf-8")
    _wizard, page = _columns_page(wizard_for, "events", path)
    assert "Column “email”: 1 of the 2 sample values is not an email address, e.g. “Total”; rows with such a value " \
           "will be skipped and listed." in page.warnings.text()


# -- 1. a customer's name is not the event name --------------------------------------------------

def test_a_name_column_is_a_property_and_the_page_asks_for_the_event_name(wizard_for, tmp_path):
    _wizard, page = _columns_page(wizard_for, "events", _euro(tmp_path / "euro.csv"))
    assert _row(page, "Name").target.currentData() == "property"
    assert not [r for r in page.rows if r.target.currentData() == "event"]
    assert page.event_name.isEnabled()
    assert page.plan_error.startswith("No column holds the event name") and not page.isComplete()
    page.event_name.setText("order")
    _choose(_row(page, "Letzte Bestellung").target, "time")
    assert not page.plan_error and page.isComplete()


# -- 2. placeholders are empty cells -------------------------------------------------------------

def test_placeholders_of_attributes_are_not_sample_values_that_do_not_fit(wizard_for, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text("Email,First name,Total spent\nuser5@example.com,,n/a\nuser7@example.com,Seven,12.5\n",
                    encoding="utf-8")
    _wizard, page = _columns_page(wizard_for, "customers", path)
    assert _row(page, "Total spent").type.currentText().startswith("Number")
    assert not page.warnings.isVisible(), page.warnings.text()


# -- 5. phone headers in other languages ---------------------------------------------------------

def test_a_german_phone_column_is_the_phone_identifier(wizard_for, tmp_path):
    path = tmp_path / "kunden.csv"
    path.write_text("E-Mail;Telefon;Stadt\nk1@example.de;+49 171 2345678;Köln\n", encoding="utf-8")
    _wizard, page = _columns_page(wizard_for, "customers", path)
    assert page.id_column.currentText() == "E-Mail"
    assert (_row(page, "Telefon").target.currentData(), _row(page, "Telefon").field.currentText()) == \
        ("identifier", "phone")


# -- 4. a refusal names the columns --------------------------------------------------------------

def test_no_identifier_column_names_the_columns_but_not_the_path(wizard_for, tmp_path):
    path = tmp_path / "mismatch.csv"
    path.write_text("foo,bar,baz\n1,2,3\n", encoding="utf-8")
    _wizard, page = _columns_page(wizard_for, "customers", path)
    assert page.plan_error == ("No column identifies the customer (the columns are foo, bar, baz); choose one under "
                               "“Customer identified by”, or set a column's “Import as” to “Identifier”")
    assert _shown_whole(page.error)


def test_an_encoding_the_column_names_do_not_read_in_says_which_to_choose(wizard_for, tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("邮箱,姓名\na@example.com,张三\n".encode("gbk"))
    wizard = wizard_for("customers", path)
    wizard.next()
    page = wizard.preview_page
    assert wizard.preview.encoding == "gb18030"
    page.encoding.setEditText("utf-8")
    page._reload()
    assert "the file looks like gb18030 text; choose that one under “Encoding”" in page.error.text()
    assert page.error.text().startswith("gbk.csv: ")  # named, without its folder
    assert wizard.preview.encoding == "gb18030"  # the readable preview stays
