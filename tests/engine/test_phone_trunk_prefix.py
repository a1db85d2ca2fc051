"""Phone numbers as shops export them: ``+49 (0)171 9876543``, where ``(0)`` is the trunk prefix
that only callers inside the country dial, and Shopify's ``'06 12 34 56 78``, where the apostrophe
only tells a spreadsheet to keep the text. Both name the same customer as the number written
plainly, whether typed, sent by a website or imported from a CSV file."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.identifiers import canonical_identifier, phone_text
from engine.track.csv_import import ImportOptions, import_customers
from tests.engine.track.test_phone_country import customer_count, phones, write


def local_warnings(warnings: list[str]) -> list[str]:
    return [w for w in warnings if "no country code" in w]


# ----------------------------------------------------------------------------------------------
# The kept form
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "kept"), [
    ("+49 (0)171 9876543", "+491719876543"),
    ("+44 (0)20 7946 0018", "+442079460018"),
    ("+33 (0)6 12 34 56 78", "+33612345678"),
    ("+49(0)1719876543", "+491719876543"),
    ("+49 ( 0 ) 171 9876543", "+491719876543"),
    ("0049 (0)171 9876543", "+491719876543"),
    ("+49-(0)171-9876543", "+491719876543"),
])
def test_the_trunk_prefix_after_a_country_code_is_dropped(written: str, kept: str):
    assert canonical_identifier("phone", written) == kept
    assert canonical_identifier("phone", written, "DE") == kept


@pytest.mark.parametrize("written", ["1719876543", "0171 9876543", "(0)171 9876543", "+49 (0)171 9876543",
                                     "+49 171 9876543", "'0171 9876543", "'+49 (0)171 9876543"])
def test_every_way_of_writing_one_german_mobile_is_one_identifier(written: str):
    assert canonical_identifier("phone", written, "DE") == "+491719876543"


@pytest.mark.parametrize(("written", "kept"), [
    ("(0)171 9876543", "01719876543"),  # no country code: the 0 is the number's own first digit
    ("+49 (030) 901820", "+49030901820"),  # an area code in brackets, not a trunk prefix alone
    ("+1 (415) 555-2671", "+14155552671"),
    ("+33 6 12 34 56 78", "+33612345678"),
    ("+49 171 (0) 9876543", "+4917109876543"),  # a (0) further in is not after the country code
    ("06 12 34 56 78", "0612345678"),
    ("call me", "callme"),
    ("'call me", "'callme"),  # an apostrophe before no number is kept, as before
    ("it's 0612345678", "it's0612345678"),
])
def test_other_numbers_keep_their_form(written: str, kept: str):
    assert canonical_identifier("phone", written) == kept


@pytest.mark.parametrize(("written", "country", "kept"), [
    ("'06 12 34 56 78", None, "0612345678"),
    ("'06 12 34 56 78", "FR", "+33612345678"),
    ("'+33612345678", None, "+33612345678"),
    ("'+33612345678", "DE", "+33612345678"),
    ("'+33 6 12 34 56 78", None, "+33612345678"),
    ("'0033 6 12 34 56 78", None, "+33612345678"),
    ("'(0)171 9876543", "DE", "+491719876543"),
])
def test_a_spreadsheets_apostrophe_before_a_number_is_ignored(written: str, country: str | None, kept: str):
    assert canonical_identifier("phone", written, country) == kept


def test_phone_text_says_whether_a_number_has_a_country_code():
    assert phone_text("'+33612345678").startswith("+")
    assert phone_text("'06 12 34 56 78") == "06 12 34 56 78"
    assert phone_text("+49 (0)171 9876543") == "+49 171 9876543"
    assert phone_text("(0)171 9876543") == "(0)171 9876543"


# ----------------------------------------------------------------------------------------------
# The CSV import
# ----------------------------------------------------------------------------------------------

def test_a_number_with_a_trunk_prefix_and_the_same_number_later_name_one_customer(ws, tmp_path: Path):
    first = write(tmp_path / "shop.csv", ["phone,name", "+49 (0)171 9876543,Jonas"])
    import_customers(ws, first)
    assert phones(ws) == ["+491719876543"]

    later = write(tmp_path / "later.csv", ["phone,plan", "1719876543,pro", "0171 9876543,gold"])
    result = import_customers(ws, later, ImportOptions(phone_country="DE"))
    assert result.created == 0
    assert phones(ws) == ["+491719876543"]
    assert customer_count(ws) == 1


def test_shopify_local_numbers_behind_an_apostrophe_get_the_local_numbers_warning(ws, tmp_path: Path):
    path = write(tmp_path / "customers_export.csv",
                 ["First Name,Phone", "Marc,'06 23 45 67 89", "Ann,'07 61 22 33 44", "Bo,'06 11 22 33 44"])
    result = import_customers(ws, path)
    [warning] = local_warnings(result.warnings)
    assert warning.startswith("column 'Phone': phone numbers such as ")
    assert "(FR, judging by the numbers)" in warning
    assert phones(ws) == ["0611223344", "0623456789", "0761223344"]


def test_shopify_local_numbers_behind_an_apostrophe_are_read_in_the_phone_country(ws, tmp_path: Path):
    path = write(tmp_path / "customers_export.csv", ["First Name,Phone", "Marc,'06 23 45 67 89"])
    result = import_customers(ws, path, ImportOptions(phone_country="FR"))
    assert not local_warnings(result.warnings)
    assert phones(ws) == ["+33623456789"]


def test_shopify_international_numbers_behind_an_apostrophe_are_read_normally(ws, tmp_path: Path):
    path = write(tmp_path / "customers_export.csv",
                 ["First Name,Phone", "Marc,'+33623456789", "Jonas,'+49 (0)171 9876543"])
    result = import_customers(ws, path)
    assert not local_warnings(result.warnings)
    assert phones(ws) == ["+33623456789", "+491719876543"]
