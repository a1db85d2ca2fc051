"""A spreadsheet in Excel's own format (Office Open XML, ``.xlsx``): one sheet, written row by row.

A CSV file leaves the type of every cell to the spreadsheet that opens it, and Excel guesses:
``+33612345678`` becomes the number 33612345678, ``00123`` becomes 123, ``1-2`` a date, and text
starting with ``=`` a formula. In an ``.xlsx`` file each cell says what it is, so text stays text
exactly as written (nothing is ever run as a formula), numbers stay numbers, true/false stay
booleans, and dates (``datetime.date``) are dates, shown in the reader's own date format, so that
they sort and filter as dates.

:class:`XlsxWriter` writes the rows of a sheet to a temporary file as they come, noting how wide
each column's text is, and :meth:`XlsxWriter.close` puts the workbook together: the header row in
bold and frozen, a filter on it, and columns as wide as their text (within limits). The files
are the same bytes for the same rows (every part is dated 1980-01-01), so two exports compare
equal. The format is the minimal one every reader of the standard takes (the parts Excel itself
needs: content types, relationships, workbook, styles, one worksheet; text as inline strings).

What a sheet cannot hold is changed and counted (:attr:`XlsxWriter.cut`, :attr:`XlsxWriter.replaced`):
text longer than Excel's 32,767 characters per cell is cut there, and characters XML 1.0 cannot
carry (control characters other than tab and newline, unpaired surrogates) become U+FFFD.
"""

from __future__ import annotations

import math
import re
import tempfile
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from typing import IO, Any
from xml.sax.saxutils import escape

#: Excel's limit on the characters of one cell.
MAX_CELL_CHARACTERS = 32_767
#: Excel's limits on a sheet.
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
#: Column widths, in characters.
MIN_WIDTH, MAX_WIDTH = 8, 60
#: Whole numbers beyond this lose digits in Excel (15 significant digits): written as text.
EXACT_INTEGER = 10**15

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
#: Characters XML 1.0 cannot carry.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: Characters a sheet's name cannot have.
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
#: A carriage return kept as one (XML readers turn a bare one into a line feed).
_CARRIAGE_RETURN = {"\r": "&#13;"}
_STAMP = (1980, 1, 1, 0, 0, 0)
#: Excel's day 0, and the first date its serial numbers are right for (1900-02-29 never was).
_EPOCH = date(1899, 12, 30)
_FIRST_DATE = date(1900, 3, 1)

_CONTENT_TYPES = (
    _HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '</Types>')
_ROOT_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    '</Relationships>')
_WORKBOOK_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    '</Relationships>')
# Style 0: normal; 1: the header (bold); 2: text (number format "@", so that Excel keeps what is
# typed into such a cell as text too).
_STYLES = (
    _HEAD + f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyNumberFormat="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    # 14: the built-in short date, which every reader shows in its own locale's way.
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')


def column_letter(index: int) -> str:
    """The letters of a column, counted from 0: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_name(text: str, fallback: str = "Sheet1") -> str:
    """``text`` as a sheet's name: at most 31 characters, none of ``[]:*?/\\``, not starting or
    ending with an apostrophe, not empty."""
    name = _NOT_IN_SHEET_NAME.sub(" ", _NOT_XML.sub("", text)).strip().strip("'").strip()[:31].strip()
    return name or fallback


class XlsxWriter:
    """Rows in, an ``.xlsx`` workbook of one sheet out (see the module docstring).

    ``target``: a binary file open for writing (the workbook is written to it by :meth:`close`).
    The first row given is the header. Values: ``None`` (an empty cell), ``bool``, ``int`` and
    ``float`` (numbers; whole numbers of 16 digits or more, and infinities, as text so that no
    digit is lost), and text; anything else is written as its ``str``.
    """

    def __init__(self, target: IO[bytes], sheet: str = "Sheet1"):
        self._target = target
        self.sheet = sheet_name(sheet)
        self._rows = tempfile.TemporaryFile("w+", encoding="utf-8")
        self._widths: list[int] = []
        #: Rows written so far, the header included.
        self.rows = 0
        #: Cells whose text was longer than :data:`MAX_CELL_CHARACTERS` and was cut.
        self.cut = 0
        #: Cells in which characters XML cannot carry were replaced.
        self.replaced = 0

    def write_row(self, values: Iterable[Any]) -> None:
        if self.rows >= MAX_ROWS:
            raise ValueError(f"a sheet holds at most {MAX_ROWS:,} rows")
        self.rows += 1
        r = self.rows
        style = ' s="1"' if r == 1 else ""
        text_style = style or ' s="2"'
        cells = []
        widths = self._widths
        for i, value in enumerate(values):
            if i >= MAX_COLUMNS:
                raise ValueError(f"a sheet holds at most {MAX_COLUMNS:,} columns")
            if value is None or value == "":
                continue
            ref = column_letter(i) + str(r)
            if isinstance(value, bool):
                cells.append(f'<c r="{ref}" t="b"{style}><v>{int(value)}</v></c>')
                shown = 5
            elif isinstance(value, date) and not isinstance(value, datetime) and value >= _FIRST_DATE:
                # A date is the number of days since Excel's day 0 (1899-12-30, for its 1900 leap-year bug).
                date_style = style or ' s="3"'
                cells.append(f'<c r="{ref}"{date_style}><v>{(value - _EPOCH).days}</v></c>')
                shown = 10
            elif isinstance(value, int) and abs(value) < EXACT_INTEGER:
                cells.append(f'<c r="{ref}"{style}><v>{value}</v></c>')
                shown = len(str(value))
            elif isinstance(value, float) and math.isfinite(value):
                text = repr(value)
                cells.append(f'<c r="{ref}"{style}><v>{text}</v></c>')
                shown = min(len(text), 12)
            else:
                text = value if isinstance(value, str) else str(value)
                if len(text) > MAX_CELL_CHARACTERS:
                    text = text[:MAX_CELL_CHARACTERS]
                    self.cut += 1
                text, n = _NOT_XML.subn("\ufffd", text)
                if n:
                    self.replaced += 1
                space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
                cells.append(f'<c r="{ref}" t="inlineStr"{text_style}><is><t{space}>'
                             f'{escape(text, _CARRIAGE_RETURN)}</t></is></c>')
                shown = max((len(line) for line in text.split("\n")), default=0)
            if i >= len(widths):
                widths.extend([0] * (i + 1 - len(widths)))
            if shown > widths[i]:
                widths[i] = shown
        self._rows.write(f'<row r="{r}">{"".join(cells)}</row>')

    def close(self) -> None:
        """Write the workbook to the target (the target itself is left open)."""
        columns = max(len(self._widths), 1)
        last = column_letter(columns - 1)
        with zipfile.ZipFile(self._target, "w", zipfile.ZIP_DEFLATED) as z:
            for name, text in (("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _ROOT_RELS),
                               ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS), ("xl/styles.xml", _STYLES),
                               ("xl/workbook.xml", self._workbook(last))):
                z.writestr(self._info(name), text)
            with z.open(self._info("xl/worksheets/sheet1.xml"), "w", force_zip64=True) as part:
                part.write(self._sheet_head(last).encode("utf-8"))
                self._rows.seek(0)
                while chunk := self._rows.read(1 << 20):
                    part.write(chunk.encode("utf-8"))
                part.write(self._sheet_tail(last).encode("utf-8"))
        self._rows.close()

    def discard(self) -> None:
        """Forget the rows written (nothing is written to the target)."""
        self._rows.close()

    # -- the parts ---------------------------------------------------------------------------
    @staticmethod
    def _info(name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, _STAMP)
        info.compress_type = zipfile.ZIP_DEFLATED
        return info

    def _quoted_sheet(self) -> str:
        return "'" + self.sheet.replace("'", "''") + "'"

    def _workbook(self, last: str) -> str:
        names = ""
        if self.rows:
            names = ('<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
                     f"{escape(self._quoted_sheet())}!$A$1:${last}${self.rows}</definedName></definedNames>")
        return (_HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
                f'<sheets><sheet name="{escape(self.sheet, {chr(34): "&quot;"})}" sheetId="1" r:id="rId1"/>'
                f"</sheets>{names}</workbook>")

    def _sheet_head(self, last: str) -> str:
        views = ('<sheetViews><sheetView workbookViewId="0">'
                 + ('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>' if self.rows > 1 else "")
                 + "</sheetView></sheetViews>")
        cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{min(max(w + 2, MIN_WIDTH), MAX_WIDTH)}" '
                       'customWidth="1"/>' for i, w in enumerate(self._widths))
        return (_HEAD + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
                f'<dimension ref="A1:{last}{max(self.rows, 1)}"/>{views}'
                '<sheetFormatPr defaultRowHeight="15"/>' + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>")

    def _sheet_tail(self, last: str) -> str:
        autofilter = f'<autoFilter ref="A1:{last}{self.rows}"/>' if self.rows else ""
        return f"</sheetData>{autofilter}</worksheet>"


__all__ = ["EXACT_INTEGER", "MAX_CELL_CHARACTERS", "MAX_COLUMNS", "MAX_ROWS", "XlsxWriter", "column_letter",
           "sheet_name"]
