"""``engine.xlsx``: workbooks another reader (openpyxl) reads back cell for cell."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.xlsx import MAX_CELL_CHARACTERS, XlsxWriter, column_letter, sheet_name

openpyxl = pytest.importorskip("openpyxl")


def book(rows, sheet="Sheet1") -> tuple[bytes, XlsxWriter]:
    target = io.BytesIO()
    writer = XlsxWriter(target, sheet)
    for row in rows:
        writer.write_row(row)
    writer.close()
    return target.getvalue(), writer


def read(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_column_letters_and_sheet_names():
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702, 16_383)] == \
        ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA", "XFD"]
    assert sheet_name("Loyal: shoppers? [2026]") == "Loyal  shoppers   2026"
    assert sheet_name("'quoted'") == "quoted"
    assert sheet_name("x" * 40) == "x" * 31
    assert sheet_name("///") == "Sheet1" and sheet_name("", "Customers") == "Customers"


def test_cells_keep_their_type():
    data, writer = book([["id", "phone", "n", "ok", "text"],
                         ["a", "+33612345678", 3, True, "=1+1"],
                         ["b", "00123", 2.5, False, "two\r\nlines  "],
                         ["c", None, 12_345_678_901_234_567, None, "&<>\"'"],
                         ["d", "", float("inf"), 0, "中文"]], sheet="People")
    sheet = read(data)
    assert sheet.title == "People" and sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:E5"
    assert list(sheet.iter_rows(values_only=True)) == [
        ("id", "phone", "n", "ok", "text"),
        ("a", "+33612345678", 3, True, "=1+1"),
        ("b", "00123", 2.5, False, "two\r\nlines  "),
        ("c", None, "12345678901234567", None, "&<>\"'"),        # 17 digits: text, so none is lost
        ("d", None, "inf", 0, "中文")]
    assert sheet["E2"].data_type == "s"                           # text, never a formula
    assert writer.cut == 0 and writer.replaced == 0
    assert sheet.column_dimensions["B"].width == 14              # as wide as "+33612345678", and a little more


def test_dates_are_date_cells_in_the_readers_own_format():
    from datetime import date, datetime

    data, _ = book([["name", "born"], ["a", date(1985, 7, 3)], ["b", date(2024, 2, 29)], ["c", date(1900, 1, 1)]])
    sheet = read(data)
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)][:2] == \
        [datetime(1985, 7, 3), datetime(2024, 2, 29)]
    assert sheet["B2"].is_date and sheet["B2"].number_format in ("mm-dd-yy", "m/d/yyyy", "14")
    assert sheet["B4"].value == "1900-01-01"  # before Excel's dates are right: text


def test_member_export_writes_stored_dates_as_dates():
    from datetime import date

    from engine.track.member_export import sheet_value

    assert sheet_value("1985-07-03") == date(1985, 7, 3)
    assert sheet_value("2024-02-30") == "2024-02-30" and sheet_value("1985-07-03T10:00") == "1985-07-03T10:00"


def test_what_a_cell_cannot_hold_is_cut_or_replaced_and_counted():
    data, writer = book([["a"], ["x" * (MAX_CELL_CHARACTERS + 5)], ["bell\x07 and \x00nul"], ["\ud800alone"]])
    rows = list(read(data).iter_rows(values_only=True))
    assert rows[1] == ("x" * MAX_CELL_CHARACTERS,)
    assert rows[2] == ("bell\ufffd and \ufffdnul",) and rows[3] == ("\ufffdalone",)
    assert writer.cut == 1 and writer.replaced == 2
    assert read(data).column_dimensions["A"].width == 60          # wide columns stop at 60 characters


def test_the_same_rows_give_the_same_bytes_and_an_empty_sheet_opens():
    rows = [["a", "b"], [1, "x"]]
    assert book(rows)[0] == book(rows)[0]
    names = zipfile.ZipFile(io.BytesIO(book(rows)[0])).namelist()
    assert names == ["[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
                     "xl/workbook.xml", "xl/worksheets/sheet1.xml"]
    assert list(read(book([])[0]).iter_rows(values_only=True)) == []
    assert list(read(book([["only a header"]])[0]).iter_rows(values_only=True)) == [("only a header",)]


_xml_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\x01\x02\x03\x04\x05\x06"
                                  "\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d"
                                  "\x1e\x1f\ufffe\uffff"), max_size=40)
_values = st.one_of(st.none(), st.booleans(), st.integers(-10**14, 10**14),
                    st.floats(allow_nan=False, allow_infinity=False), _xml_text)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_values, min_size=1, max_size=6), min_size=1, max_size=8))
def test_any_values_read_back_as_written(rows):
    sheet = read(book(rows)[0])
    width = max(len(r) for r in rows)
    expected = [tuple((None if v == "" else v) for v in r) + (None,) * (width - len(r)) for r in rows]
    got = [tuple(r) for r in sheet.iter_rows(min_row=1, max_row=len(rows), max_col=width, values_only=True)]
    assert got == expected
