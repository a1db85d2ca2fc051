"""Reading the rows of .xlsx workbooks (engine.track.xlsx_read): workbooks written by hand part by
part, by LibreOffice, and by the app's own writer (engine.xlsx)."""

from __future__ import annotations

import io
import itertools
import shutil
import subprocess
import tracemalloc
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

import pytest

from engine.track.xlsx_read import XlsxError, date_text, number_text, read_rows, sheet_names
from engine.xlsx import XlsxWriter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


# -- workbooks written part by part -------------------------------------------------------------


def _sheet_xml(rows: str | Iterable[str]) -> Iterator[str]:
    yield HEAD + f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}"><sheetData>'
    if isinstance(rows, str):
        yield rows
    else:
        yield from rows
    yield "</sheetData></worksheet>"


def write_workbook(path: Path, sheets: list[tuple[str, str | Iterable[str]]], *, shared: list[str] | None = None,
                   styles: str | None = None, date1904: bool = False, hidden: tuple[str, ...] = ()) -> Path:
    """A workbook of ``sheets`` (name, the XML inside ``<sheetData>``, whole or in pieces, written
    to the archive as they come). The sheets' parts are named
    in the reverse of the tabs' order and their relationship ids are scattered, so that a reader
    must follow the relationships to find them. ``shared``: the ``<si>`` items of the shared
    strings; ``styles``: the ``<numFmts>`` and ``<cellXfs>`` of the style sheet."""
    count = len(sheets)
    entries = []
    relationships = []
    parts: dict[str, str | Iterator[str]] = {}
    for index, (name, rows) in enumerate(sheets):
        rid = f"rId{7 + 3 * index}"
        target = f"worksheets/sheet{count - index}.xml"
        state = ' state="hidden"' if name in hidden else ""
        entries.append(f'<sheet name="{name}" sheetId="{index + 1}"{state} r:id="{rid}"/>')
        relationships.append(f'<Relationship Id="{rid}" Type="{REL}/worksheet" Target="{target}"/>')
        parts["xl/" + target] = _sheet_xml(rows)
    if shared is not None:
        relationships.append(f'<Relationship Id="rId1" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>')
        parts["xl/sharedStrings.xml"] = (HEAD + f'<sst xmlns="{MAIN}" count="{len(shared)}" '
                                         f'uniqueCount="{len(shared)}">{"".join(shared)}</sst>')
    if styles is not None:
        relationships.append(f'<Relationship Id="rId2" Type="{REL}/styles" Target="styles.xml"/>')
        parts["xl/styles.xml"] = HEAD + f'<styleSheet xmlns="{MAIN}">{styles}</styleSheet>'
    properties = '<workbookPr date1904="1"/>' if date1904 else "<workbookPr/>"
    parts["xl/workbook.xml"] = (HEAD + f'<workbook xmlns="{MAIN}" xmlns:r="{REL}">{properties}'
                                f'<sheets>{"".join(entries)}</sheets></workbook>')
    parts["xl/_rels/workbook.xml.rels"] = (HEAD + f'<Relationships xmlns="{PKG_REL}">'
                                           f'{"".join(reversed(relationships))}</Relationships>')
    parts["_rels/.rels"] = (HEAD + f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
                            f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            if isinstance(text, str):
                z.writestr(name, text)
            else:
                with z.open(name, "w") as part:
                    for piece in text:
                        part.write(piece.encode("utf-8"))
    return path


SHARED = [
    "<si><t>name</t></si>",
    # Rich text: runs with their own fonts, one text.
    '<si><r><rPr><b/></rPr><t xml:space="preserve">Ana </t></r><r><rPr><i/></rPr><t>María</t></r></si>',
    # A phonetic guide above the text, which is no part of it.
    '<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/></si>',
    '<si><t xml:space="preserve">  two\nlines  </t></si>',
    # A carriage return as Excel writes it.
    "<si><t>a_x000D_\nb</t></si>",
]

STYLES = (
    '<numFmts count="6">'
    '<numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd\\ hh:mm:ss"/>'
    '<numFmt numFmtId="166" formatCode="0.00&quot; min&quot;"/>'
    '<numFmt numFmtId="167" formatCode="[h]:mm"/>'
    '<numFmt numFmtId="168" formatCode="h:mm:ss AM/PM"/>'
    '<numFmt numFmtId="169" formatCode="[Red][&lt;0]0.0_);\\(0.0\\)"/>'
    "</numFmts>"
    '<cellXfs count="10">'
    '<xf numFmtId="0"/>'     # 0 General
    '<xf numFmtId="164"/>'   # 1 a date
    '<xf numFmtId="165"/>'   # 2 a date and time
    '<xf numFmtId="166"/>'   # 3 an m inside quotes: a number
    '<xf numFmtId="167"/>'   # 4 a duration: a number
    '<xf numFmtId="14"/>'    # 5 Excel's built-in short date
    '<xf numFmtId="49"/>'    # 6 text
    '<xf numFmtId="168"/>'   # 7 a time of day
    '<xf numFmtId="22"/>'    # 8 Excel's built-in date and time
    '<xf numFmtId="169"/>'   # 9 colours and conditions in brackets: a number
    "</cellXfs>")

CUSTOMERS = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c>'
    '<c r="B1" t="inlineStr"><is><t>phone</t></is></c>'
    '<c r="C1" t="inlineStr"><is><r><t>spent</t></r><r><rPr><b/></rPr><t xml:space="preserve"> €</t></r></is></c>'
    '<c r="D1" t="inlineStr"><is><t xml:space="preserve">  spaced  </t></is></c></row>'
    '<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2"><v>4915112345678</v></c><c r="C2"><v>12.5</v></c>'
    '<c r="D2"><v>0.30000000000000004</v></c><c r="E2" t="b"><v>1</v></c><c r="F2" t="b"><v>0</v></c>'
    '<c r="G2" t="e"><v>#N/A</v></c><c r="H2" t="str"><f>A1&amp;" y"</f><v>name y</v></c>'
    '<c r="I2"><f>1+1</f></c></row>'
    '<row r="3"><c r="A3" t="s"><v>2</v></c><c r="B3" s="1"><v>45356</v></c>'
    '<c r="C3" s="2"><v>45356.604340277775</v></c><c r="D3" s="5"><v>45356</v></c>'
    '<c r="E3" s="8"><v>45356.5</v></c><c r="F3" s="7"><v>0.75</v></c><c r="G3" s="3"><v>12.5</v></c>'
    '<c r="H3" s="4"><v>1.5</v></c><c r="I3" s="6"><v>4915112345678</v></c><c r="J3" s="9"><v>-2</v></c></row>'
    '<row r="5"><c r="C5" t="s"><v>3</v></c><c r="E5"><v>1E-3</v></c></row>'
    '<row><c t="s"><v>4</v></c><c><v>7</v></c><c r="D6"><v>4.915112345678E+12</v></c></row>'
    '<row r="7"><c r="A7" s="1"/><c r="B7" t="inlineStr"><is><t></t></is></c></row>'
    '<row r="9" customHeight="1" ht="30"/>')

ORDERS = '<row r="1"><c r="A1" t="inlineStr"><is><t>order</t></is></c></row><row r="2"><c r="A2"><v>3</v></c></row>'


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    return write_workbook(tmp_path / "customers.xlsx", [("Customers", CUSTOMERS), ("Orders", ORDERS)],
                          shared=SHARED, styles=STYLES)


def test_cells_read_as_a_csv_export_writes_them(workbook: Path):
    assert list(read_rows(workbook)) == [
        ["name", "phone", "spent €", "  spaced  "],
        ["Ana María", "4915112345678", "12.5", "0.30000000000000004", "TRUE", "FALSE", "#N/A", "name y"],
        ["東京", "2024-03-05", "2024-03-05 14:30:15", "2024-03-05", "2024-03-05 12:00:00", "18:00:00",
         "12.5", "1.5", "4915112345678", "-2"],
        [],
        ["", "", "  two\nlines  ", "", "0.001"],
        ["a\r\nb", "7", "", "4915112345678"],
    ]


def test_sheets_are_named_in_tab_order_and_read_by_name(workbook: Path):
    assert sheet_names(workbook) == ["Customers", "Orders"]
    assert list(read_rows(workbook, "Orders")) == [["order"], ["3"]]
    assert list(read_rows(workbook, "orders")) == [["order"], ["3"]]
    assert next(read_rows(workbook, "Customers"))[0] == "name"


def test_an_unknown_sheet_is_named_with_the_sheets_there_are(workbook: Path):
    with pytest.raises(XlsxError) as caught:
        read_rows(workbook, "Invoices")
    assert str(caught.value) == "the workbook has no sheet named 'Invoices'; its sheets are Customers, Orders"


def test_the_first_sheet_is_the_first_one_a_user_sees(tmp_path: Path):
    people = '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>'
    path = write_workbook(tmp_path / "hidden.xlsx", [("Lookup", ORDERS), ("People", people)],
                          shared=SHARED, hidden=("Lookup",))
    assert sheet_names(path) == ["Lookup", "People"]
    assert list(read_rows(path)) == [["name"], ["Ana María"]]
    assert list(read_rows(path, "Lookup")) == [["order"], ["3"]]


def test_dates_in_the_1904_date_system(tmp_path: Path):
    rows = ('<row r="1"><c r="A1" s="1"><v>43894</v></c><c r="B1" s="1"><v>0</v></c>'
            '<c r="C1" s="2"><v>43894.25</v></c><c r="D1"><v>43894</v></c></row>')
    path = write_workbook(tmp_path / "mac.xlsx", [("Sheet1", rows)], styles=STYLES, date1904=True)
    assert list(read_rows(path)) == [["2024-03-05", "1904-01-01", "2024-03-05 06:00:00", "43894"]]


def test_a_workbook_without_shared_strings_or_styles(tmp_path: Path):
    rows = '<row r="2"><c r="B2" t="inlineStr"><is><t>only</t></is></c><c r="C2"><v>45356</v></c></row>'
    path = write_workbook(tmp_path / "bare.xlsx", [("Sheet1", rows)])
    assert list(read_rows(path)) == [[], ["", "only", "45356"]]


def test_an_empty_sheet_has_no_rows(tmp_path: Path):
    path = write_workbook(tmp_path / "empty.xlsx", [("Sheet1", "")])
    assert list(read_rows(path)) == []


@pytest.mark.parametrize(("stored", "text"), [
    ("4915112345678", "4915112345678"), ("4.915112345678E+12", "4915112345678"), ("-0", "0"),
    ("12.5", "12.5"), ("0.1", "0.1"), ("1E-3", "0.001"), ("100.0", "100"), ("-7.25", "-7.25"),
    ("12345678901234567890", "12345678901234567890"), ("1.5E+20", "1.5e+20"),
])
def test_numbers_as_written(stored: str, text: str):
    assert number_text(stored) == text


@pytest.mark.parametrize(("serial", "date1904", "time_only", "text"), [
    (45356, False, False, "2024-03-05"),
    (45356.99999999, False, False, "2024-03-06"),
    (45356.604340277775, False, False, "2024-03-05 14:30:15"),
    (0.5, False, True, "12:00:00"),
    (45356.5, False, True, "2024-03-05 12:00:00"),
    (1, False, False, "1900-01-01"),
    (59, False, False, "1900-02-28"),
    (61, False, False, "1900-03-01"),
    (0, True, False, "1904-01-01"),
    (-1, False, False, None),
    (3_000_000, False, False, None),
])
def test_date_serials(serial: float, date1904: bool, time_only: bool, text: str | None):
    assert date_text(serial, date1904, time_only) == text


# -- rows streamed ------------------------------------------------------------------------------------


def test_a_large_sheet_is_streamed(tmp_path: Path):
    """100,000 rows are all read, and reading holds one row at a time: over 20,000 rows (some
    30 MB as a tree of elements) the memory used stays under 2 MB."""
    count = 100_000
    rows = (f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>customer {r}</t></is></c>'
            f'<c r="B{r}"><v>{4915100000000 + r}</v></c><c r="C{r}"><v>{r / 4}</v></c></row>'
            for r in range(1, count + 1))
    path = write_workbook(tmp_path / "large.xlsx", [("Sheet1", rows)])
    assert zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").file_size > 10_000_000

    seen = 0
    last = None
    for row in read_rows(path):
        seen += 1
        last = row
    assert seen == count
    assert last == [f"customer {count}", str(4915100000000 + count), "25000"]

    tracemalloc.start()
    try:
        for row in itertools.islice(read_rows(path), 20_000):
            last = row
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert last == ["customer 20000", "4915100020000", "5000"]
    assert peak < 2_000_000


# -- files that are no workbook, or a damaged one -----------------------------------------------------


def test_a_text_file_is_not_a_workbook(tmp_path: Path):
    path = tmp_path / "customers.xlsx"
    path.write_text("name,phone\nAna,+4915112345678\n", encoding="utf-8")
    with pytest.raises(XlsxError, match=r"^not an Excel \.xlsx workbook \(the file is not a zip archive\)$"):
        sheet_names(path)
    with pytest.raises(XlsxError, match=r"^not an Excel \.xlsx workbook"):
        read_rows(path)


def test_an_empty_file_is_not_a_workbook(tmp_path: Path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    with pytest.raises(XlsxError, match=r"^not an Excel \.xlsx workbook \(the file is empty\)$"):
        read_rows(path)


def test_an_encrypted_workbook_or_an_old_xls_is_named(tmp_path: Path):
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pytest.raises(XlsxError) as caught:
        read_rows(path)
    message = str(caught.value)
    assert "encrypted" in message and ".xls" in message and "without a password" in message


def test_a_zip_that_is_not_a_workbook(tmp_path: Path):
    document = tmp_path / "letter.docx"
    with zipfile.ZipFile(document, "w") as z:
        z.writestr("_rels/.rels", HEAD + f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
                   f'Type="{REL}/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml", HEAD + '<w:document xmlns:w="http://schemas.openxmlformats.org/'
                   'wordprocessingml/2006/main"><w:body/></w:document>')
    archive = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("photo.txt", "not a photo")
    for path in (document, archive):
        with pytest.raises(XlsxError, match=r"^not an Excel \.xlsx workbook \("):
            sheet_names(path)


def test_a_cut_short_workbook_is_damaged(workbook: Path, tmp_path: Path):
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(workbook.read_bytes()[:400])
    with pytest.raises(XlsxError, match=r"^the workbook is damaged"):
        read_rows(cut)


def test_a_sheet_of_bad_xml_is_damaged(tmp_path: Path):
    path = write_workbook(tmp_path / "bad.xlsx", [("Sheet1", '<row r="1"><c r="A1"><v>1</v></c></row><row r="2">')])
    rows = read_rows(path)
    assert next(rows) == ["1"]
    with pytest.raises(XlsxError, match=r"^the workbook is damaged: xl/worksheets/sheet1\.xml is not well-formed XML"):
        next(rows)


def test_a_missing_shared_string_is_damage(tmp_path: Path):
    path = write_workbook(tmp_path / "bad.xlsx", [("Sheet1", '<row r="1"><c r="A1" t="s"><v>5</v></c></row>')],
                          shared=["<si><t>one</t></si>"])
    with pytest.raises(XlsxError, match=r"^the workbook is damaged: .*shared string 5"):
        list(read_rows(path))


def test_a_missing_file_is_an_os_error(tmp_path: Path):
    with pytest.raises(FileNotFoundError):
        read_rows(tmp_path / "nowhere.xlsx")


# -- workbooks written by the app itself -----------------------------------------------------------


def test_the_apps_own_workbooks_read_back(tmp_path: Path):
    target = io.BytesIO()
    writer = XlsxWriter(target, sheet="Export")
    writer.write_row(["email", "phone", "orders", "spent", "vip", "joined", "note"])
    writer.write_row(["ana@example.com", "+4915112345678", 3, 12.5, True, date(2024, 3, 5), "  two\nlines"])
    writer.write_row(["bo@example.com", "00123", 0, 0.1, False, None, "=SUM(A1)"])
    writer.write_row([])
    writer.write_row(["cy@example.com", 4915112345678, 12345678901234567, -7.25, None, date(1999, 12, 31)])
    writer.close()
    path = tmp_path / "export.xlsx"
    path.write_bytes(target.getvalue())

    assert sheet_names(path) == ["Export"]
    assert list(read_rows(path)) == [
        ["email", "phone", "orders", "spent", "vip", "joined", "note"],
        ["ana@example.com", "+4915112345678", "3", "12.5", "TRUE", "2024-03-05", "  two\nlines"],
        ["bo@example.com", "00123", "0", "0.1", "FALSE", "", "=SUM(A1)"],
        [],
        ["cy@example.com", "4915112345678", "12345678901234567", "-7.25", "", "1999-12-31"],
    ]


# -- workbooks written by LibreOffice --------------------------------------------------------------

CSV = ('name,phone,joined,amount,city\n'
       '"Ana, B",4915112345678,2024-03-05,12.5,Köln\n'
       'Bo,+4915112345678,1999-12-31,0.1,"two\nlines"\n'
       ',,,,\n'
       'Cy,,2000-02-29,-3,\n')

FODS = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
 xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:automatic-styles>
 <number:date-style style:name="N1"><number:year number:style="long"/><number:text>-</number:text>
  <number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/></number:date-style>
 <number:date-style style:name="N2"><number:day number:style="long"/><number:text>/</number:text>
  <number:month number:style="long"/><number:text>/</number:text><number:year number:style="long"/>
  <number:text> </number:text><number:hours number:style="long"/><number:text>:</number:text>
  <number:minutes number:style="long"/><number:text>:</number:text><number:seconds number:style="long"/>
 </number:date-style>
 <number:boolean-style style:name="N3"><number:boolean/></number:boolean-style>
 <style:style style:name="ce1" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="N1"/>
 <style:style style:name="ce2" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="N2"/>
 <style:style style:name="ce3" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="N3"/>
</office:automatic-styles>
<office:body><office:spreadsheet>
<table:table table:name="People">
 <table:table-row>
  <table:table-cell office:value-type="string"><text:p>name</text:p></table:table-cell>
  <table:table-cell office:value-type="string"><text:p>joined</text:p></table:table-cell>
  <table:table-cell office:value-type="string"><text:p>seen</text:p></table:table-cell>
  <table:table-cell office:value-type="string"><text:p>vip</text:p></table:table-cell>
  <table:table-cell office:value-type="string"><text:p>spent</text:p></table:table-cell>
  <table:table-cell office:value-type="string"><text:p>check</text:p></table:table-cell>
 </table:table-row>
 <table:table-row>
  <table:table-cell office:value-type="string"><text:p>Ana</text:p><text:p>second line</text:p></table:table-cell>
  <table:table-cell table:style-name="ce1" office:value-type="date" office:date-value="2024-03-05">
   <text:p>2024-03-05</text:p></table:table-cell>
  <table:table-cell table:style-name="ce2" office:value-type="date" office:date-value="2024-03-05T14:30:15">
   <text:p>05/03/2024 14:30:15</text:p></table:table-cell>
  <table:table-cell table:style-name="ce3" office:value-type="boolean" office:boolean-value="true">
   <text:p>TRUE</text:p></table:table-cell>
  <table:table-cell office:value-type="float" office:value="12.5"><text:p>12.5</text:p></table:table-cell>
  <table:table-cell table:formula="of:=&quot;x&quot;&amp;[.A3]" office:value-type="string"
   office:string-value="xBo"><text:p>xBo</text:p></table:table-cell>
 </table:table-row>
 <table:table-row>
  <table:table-cell office:value-type="string"><text:p>Bo</text:p></table:table-cell>
  <table:table-cell table:number-columns-repeated="2"/>
  <table:table-cell table:style-name="ce3" office:value-type="boolean" office:boolean-value="false">
   <text:p>FALSE</text:p></table:table-cell>
  <table:table-cell office:value-type="float" office:value="4915112345678"><text:p>4915112345678</text:p></table:table-cell>
  <table:table-cell table:formula="of:=NA()" office:value-type="float" office:value="0"><text:p>#N/A</text:p></table:table-cell>
 </table:table-row>
 <table:table-row><table:table-cell table:number-columns-repeated="6"/></table:table-row>
 <table:table-row>
  <table:table-cell table:number-columns-repeated="2"/>
  <table:table-cell office:value-type="string"><text:p>  spaced  </text:p></table:table-cell>
 </table:table-row>
</table:table>
<table:table table:name="Second sheet">
 <table:table-row><table:table-cell office:value-type="float" office:value="0.1"><text:p>0.1</text:p></table:table-cell></table:table-row>
</table:table>
</office:spreadsheet></office:body></office:document>
"""


@pytest.fixture(scope="module")
def libreoffice(tmp_path_factory) -> Path:
    """A folder with ``customers.xlsx`` (LibreOffice's conversion of a CSV file) and ``people.xlsx``
    (of a flat OpenDocument spreadsheet with dates, times, booleans and formulas)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("libreoffice")
    (folder / "customers.csv").write_text(CSV, encoding="utf-8")
    (folder / "people.fods").write_text(FODS, encoding="utf-8")
    # A profile of its own, so that a LibreOffice the user has open is not asked to convert.
    profile = (folder / "profile").as_uri()
    # The CSV file's options: comma, double quote, UTF-8 (76), from line 1.
    for options, source in ((["--infilter=CSV:44,34,76,1"], "customers.csv"), ([], "people.fods")):
        subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", *options, "--convert-to",
                        "xlsx", "--outdir", str(folder), str(folder / source)],
                       check=True, capture_output=True, timeout=180)
    assert (folder / "customers.xlsx").is_file() and (folder / "people.xlsx").is_file()
    return folder


def test_libreoffice_from_a_csv_file(libreoffice: Path):
    assert sheet_names(libreoffice / "customers.xlsx") == ["customers"]
    assert list(read_rows(libreoffice / "customers.xlsx")) == [
        ["name", "phone", "joined", "amount", "city"],
        ["Ana, B", "4915112345678", "2024-03-05", "12.5", "Köln"],
        ["Bo", "4915112345678", "1999-12-31", "0.1", "two\nlines"],
        [],
        ["Cy", "", "2000-02-29", "-3"],
    ]


def test_libreoffice_from_a_spreadsheet(libreoffice: Path):
    path = libreoffice / "people.xlsx"
    assert sheet_names(path) == ["People", "Second sheet"]
    assert list(read_rows(path)) == [
        ["name", "joined", "seen", "vip", "spent", "check"],
        ["Ana\nsecond line", "2024-03-05", "2024-03-05 14:30:15", "TRUE", "12.5", "xBo"],
        ["Bo", "", "", "FALSE", "4915112345678", "#N/A"],
        [],
        ["", "", "  spaced  "],
    ]
    assert list(read_rows(path, "Second sheet")) == [["0.1"]]
