"""Reading the rows of an Excel workbook (``.xlsx``, ``.xlsm``) with the standard library alone.

An import takes a customer list as a workbook as readily as a CSV file, and each cell should come
out as the text a CSV export of the sheet would hold, without the losses such an export brings:

- text as written, spaces and line breaks kept (shared strings with their rich-text runs joined and
  the phonetic guides of East Asian text left out, inline strings, the text results of formulas);
- numbers as written: whole numbers without ``.0`` (``4915112345678``, never ``4.91511E+12``),
  others in their shortest exact form (``12.5``);
- booleans as ``TRUE``/``FALSE`` and errors as their text (``#N/A``);
- dates (numbers whose cell format shows a date or a time) as ISO 8601, ``2024-03-05`` or
  ``2024-03-05 14:30:15`` (a time of day alone as ``14:30:15``), whatever the computer's locale.

The workbook is a zip archive of XML parts: ``xl/workbook.xml`` names the sheets, its relationships
name each sheet's part, ``xl/sharedStrings.xml`` holds the text the cells point to and
``xl/styles.xml`` the cell formats. A sheet's part is read as a stream (a sheet of a million rows
is never held in memory whole); the shared strings, which cells may point to in any order, are.

Rows are placed by their numbers and cells by their references, so a blank row in the sheet gives
an empty list and a skipped cell an empty text; empty cells at the end of a row are left out, and
the empty rows after the last row with text are not given at all. Values of formulas are the ones
the workbook stored when it was last saved: nothing is calculated.

Every problem is an :class:`XlsxError` whose message a user can act on.
"""

from __future__ import annotations

import math
import os
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import IO
from xml.etree import ElementTree

#: Excel's limits on a sheet; a reference beyond them is a damaged sheet, not a reason to build
#: billions of empty cells.
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384

#: The first bytes of a zip archive, and of an OLE compound file (an Excel 97-2003 ``.xls``
#: workbook, or an ``.xlsx`` workbook encrypted with a password, which Excel wraps in one).
_ZIP_MAGIC = b"PK"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_OFFICE_DOCUMENT = "/officeDocument"
_WORKSHEET = "/worksheet"
_SHARED_STRINGS = "/sharedStrings"
_STYLES = "/styles"

#: Format ids Excel has built in that show a date or a time (their codes are never written into
#: the workbook). 46, ``[h]:mm:ss``, is left out: it shows a duration, not a point in time.
_BUILTIN_DATE_FORMATS = frozenset(
    [*range(14, 23), *range(27, 37), 45, 47, *range(50, 59)])
#: The ones among them that show a time of day without a date.
_BUILTIN_TIME_FORMATS = frozenset([18, 19, 20, 21, 32, 33, 34, 35, 45, 47, 55, 56])

#: ``_x000D_`` and the like: characters the format writes as their code (ST_Xstring).
_ESCAPED_CHARACTER = re.compile(r"_x([0-9A-Fa-f]{4})_")
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,300}")

#: Day 0 of the two date systems. In the 1900 one, Excel counts 1900-02-29, a day that never was,
#: so serial numbers from 61 on count from 1899-12-30 and the ones before from 1899-12-31.
_EPOCH_1900 = datetime(1899, 12, 30)
_EPOCH_1904 = datetime(1904, 1, 1)
_SECONDS_PER_DAY = 86_400
#: 9999-12-31, the last day Excel shows, in the 1900 system.
_LAST_SERIAL = 2_958_465


class XlsxError(Exception):
    """A workbook that cannot be read, said in words its user understands."""


# -- the parts of the package ---------------------------------------------------------------------


def _local(tag: str) -> str:
    """A tag's name without its namespace: the transitional and the strict forms of the format
    use different namespaces for the same elements."""
    return tag.rpartition("}")[2]


def _attribute(element: ElementTree.Element, name: str) -> str | None:
    """The value of the attribute named ``name`` in any namespace (``r:id`` is written in the
    relationships namespace of whichever form of the format the workbook uses)."""
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


def _unescape(text: str) -> str:
    if "_x" not in text:
        return text
    return _ESCAPED_CHARACTER.sub(lambda m: chr(int(m.group(1), 16)), text)


def _is_true(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "on")


class _Sheet:
    """A tab of the workbook: ``part`` is where its cells are, ``None`` for a tab without cells
    (a chart sheet); ``related`` says whether the workbook says where the tab is at all."""

    __slots__ = ("name", "part", "related", "visible")

    def __init__(self, name: str, part: str | None, related: bool, visible: bool):
        self.name = name
        self.part = part
        self.related = related
        self.visible = visible


class _Workbook:
    """An open workbook: its sheets, its date system and where its parts are."""

    def __init__(self, path: str | os.PathLike[str]):
        self.zip = _open_zip(path)
        try:
            self._names = {name.lower(): name for name in self.zip.namelist()}
            self.main = self._main_part()
            self.relationships = self._relationships(self.main)
            root = self.parse(self.main)
            if _local(root.tag) != "workbook":
                raise XlsxError("not an Excel .xlsx workbook (it is another kind of Office document)")
            self.date1904 = any(_local(el.tag) == "workbookPr" and _is_true(_attribute(el, "date1904"))
                                for el in root)
            self.sheets = self._sheets(root)
        except BaseException:
            self.zip.close()
            raise

    def close(self) -> None:
        self.zip.close()

    # -- parts and relationships
    def has(self, part: str) -> bool:
        return part.lower() in self._names

    def open(self, part: str) -> IO[bytes]:
        try:
            return self.zip.open(self._names[part.lower()])
        except KeyError:
            raise XlsxError(f"the workbook is damaged: its part {part} is missing") from None

    def parse(self, part: str) -> ElementTree.Element:
        with _damage_said(part):
            with self.open(part) as stream:
                return ElementTree.parse(stream).getroot()

    def _main_part(self) -> str:
        """The workbook part, as the package's relationships name it (``xl/workbook.xml`` in every
        workbook seen, but the name is the package's choice)."""
        if self.has("_rels/.rels"):
            for kind, target in self._relationships("").values():
                if kind.endswith(_OFFICE_DOCUMENT):
                    if target.lower().endswith(".bin"):
                        raise XlsxError("not an Excel .xlsx workbook (it is a binary .xlsb workbook: "
                                        "save it as .xlsx)")
                    if self.has(target):
                        return target
        if self.has("xl/workbook.xml"):
            return "xl/workbook.xml"
        if self.has("mimetype"):
            with self.open("mimetype") as stream:
                if b"opendocument.spreadsheet" in stream.read(200):
                    raise XlsxError("not an Excel .xlsx workbook (it is an OpenDocument spreadsheet: "
                                    "save it as .xlsx)")
        raise XlsxError("not an Excel .xlsx workbook (the file is a zip archive without a workbook in it)")

    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """``part``'s relationships by id: (type, the part they point to). ``""`` is the package."""
        folder, name = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", name + ".rels")
        if not self.has(rels):
            return {}
        found: dict[str, tuple[str, str]] = {}
        for element in self.parse(rels):
            if _local(element.tag) != "Relationship" or element.get("TargetMode") == "External":
                continue
            target = element.get("Target") or ""
            if target.startswith("/"):
                resolved = target.lstrip("/")
            else:
                resolved = posixpath.normpath(posixpath.join(folder, target))
            found[element.get("Id") or ""] = (element.get("Type") or "", resolved)
        return found

    def related(self, kind: str, fallback: str) -> str | None:
        """The part the workbook relates to as ``kind`` (its shared strings, its styles)."""
        for relation, target in self.relationships.values():
            if relation.endswith(kind) and self.has(target):
                return target
        return fallback if self.has(fallback) else None

    def _sheets(self, root: ElementTree.Element) -> list[_Sheet]:
        sheets = []
        for group in root:
            if _local(group.tag) != "sheets":
                continue
            for element in group:
                if _local(element.tag) != "sheet":
                    continue
                relation = self.relationships.get(_attribute(element, "id") or "")
                part = relation[1] if relation and relation[0].endswith(_WORKSHEET) else None
                state = (element.get("state") or "visible").lower()
                sheets.append(_Sheet(element.get("name") or "", part, relation is not None, state == "visible"))
        return sheets

    def sheet(self, name: str | None) -> _Sheet:
        """The sheet named ``name`` (as Excel does, in any case), or for ``None`` the first one a
        user sees: the first visible worksheet (a hidden first sheet is a lookup table, not the
        list the user means)."""
        if name is None:
            worksheets = [sheet for sheet in self.sheets if sheet.part]
            if not worksheets:
                raise XlsxError("the workbook is damaged: it has no worksheet")
            return next((sheet for sheet in worksheets if sheet.visible), worksheets[0])
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        for sheet in self.sheets:
            if sheet.name.casefold() == name.casefold():
                return sheet
        names = ", ".join(sheet.name for sheet in self.sheets)
        raise XlsxError(f"the workbook has no sheet named '{name}'; its sheets are {names}")


def _open_zip(path: str | os.PathLike[str]) -> zipfile.ZipFile:
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(_OLE_MAGIC):
        raise XlsxError("the workbook is encrypted with a password, or is an old Excel .xls workbook: "
                        "save it as .xlsx without a password")
    if not head:
        raise XlsxError("not an Excel .xlsx workbook (the file is empty)")
    if not head.startswith(_ZIP_MAGIC):
        raise XlsxError("not an Excel .xlsx workbook (the file is not a zip archive)")
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise XlsxError(f"the workbook is damaged: it is not a whole zip archive ({exc})") from None


class _damage_said:
    """Errors while reading ``part`` (bad XML, a bad zip entry) as an XlsxError saying the
    workbook is damaged and where."""

    def __init__(self, part: str):
        self.part = part

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, traceback) -> None:
        if exc is None or isinstance(exc, XlsxError):
            return
        said = _damage(self.part, exc)
        if said is not None:
            raise said from None


def _damage(part: str, exc: BaseException) -> XlsxError | None:
    if isinstance(exc, ElementTree.ParseError):
        return XlsxError(f"the workbook is damaged: {part} is not well-formed XML ({exc})")
    if isinstance(exc, (zipfile.BadZipFile, zlib.error, EOFError)):
        return XlsxError(f"the workbook is damaged: {part} cannot be unpacked ({exc})")
    if isinstance(exc, NotImplementedError):
        return XlsxError(f"the workbook cannot be read: {part} is compressed in a way this reader does "
                         f"not know ({exc}); save it again from Excel")
    if isinstance(exc, RuntimeError) and "encrypted" in str(exc).lower():
        return XlsxError("the workbook is encrypted with a password: save it as .xlsx without a password")
    return None


# -- shared strings and styles --------------------------------------------------------------------


def _rich_text(element: ElementTree.Element) -> str:
    """The text of a string item (``<si>``, ``<is>``): its ``<t>``, or its runs' ``<t>`` joined;
    phonetic runs (``<rPh>``) are a reading aid shown above the text, not part of it."""
    parts = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            for piece in child:
                if _local(piece.tag) == "t":
                    parts.append(piece.text or "")
    return _unescape("".join(parts))


def _shared_strings(book: _Workbook) -> list[str]:
    part = book.related(_SHARED_STRINGS, "xl/sharedStrings.xml")
    if part is None:
        return []
    strings: list[str] = []
    with _damage_said(part), book.open(part) as stream:
        root = None
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            if event == "start":
                if root is None:
                    root = element
                continue
            if element.tag.endswith("si") and _local(element.tag) == "si":
                strings.append(_rich_text(element))
                root.clear()
    return strings


def _date_styles(book: _Workbook) -> dict[int, bool]:
    """The indexes of the cell formats (``s="…"`` of a cell) that show numbers as dates, each with
    whether it shows a time of day alone."""
    part = book.related(_STYLES, "xl/styles.xml")
    if part is None:
        return {}
    root = book.parse(part)
    codes: dict[int, str] = {}
    dates: dict[int, bool] = {}
    for group in root:
        name = _local(group.tag)
        if name == "numFmts":
            for element in group:
                number = _integer(element.get("numFmtId"))
                if number is not None:
                    codes[number] = element.get("formatCode") or ""
        elif name == "cellXfs":
            for index, element in enumerate(el for el in group if _local(el.tag) == "xf"):
                number = _integer(element.get("numFmtId")) or 0
                code = codes.get(number)
                if code is not None:
                    kind = _date_format_kind(code)
                    if kind is not None:
                        dates[index] = kind == "time"
                elif number in _BUILTIN_DATE_FORMATS:
                    dates[index] = number in _BUILTIN_TIME_FORMATS
    return dates


def _integer(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _date_format_kind(code: str) -> str | None:
    """``"date"`` when a number format shows a date (a day, month or year, perhaps with a time),
    ``"time"`` when it shows a time of day alone, ``None`` for any other format. The letters count
    outside quoted text, escaped characters and brackets (colours, locales, conditions); ``m``
    among hours or seconds is minutes. An elapsed-time format (``[h]:mm``) shows a duration, which
    is kept a number."""
    i, length = 0, len(code)
    found = ""
    while i < length:
        ch = code[i]
        if ch == '"':
            end = code.find('"', i + 1)
            i = length if end < 0 else end + 1
        elif ch in "\\_*":
            i += 2
        elif ch == "[":
            end = code.find("]", i + 1)
            inside = code[i + 1:end if end >= 0 else length].lower()
            if inside and inside[0] in "hms" and inside == inside[0] * len(inside):
                return None
            i = length if end < 0 else end + 1
        elif ch == ";":
            break
        else:
            if ch in "dmyhsDMYHS":
                found += ch.lower()
            i += 1
    if not found:
        return None
    if "d" in found or "y" in found or ("m" in found and "h" not in found and "s" not in found):
        return "date"
    return "time"


# -- cells ------------------------------------------------------------------------------------------


def number_text(value: str) -> str:
    """A number cell's stored value as a CSV export would write it: whole numbers without a
    decimal point, others in their shortest exact form."""
    value = value.strip()
    if _WHOLE_NUMBER.fullmatch(value):
        return str(int(value))
    try:
        number = float(value)
    except ValueError:
        return value
    if number.is_integer() and abs(number) < 1e16:
        return str(int(number))
    return repr(number)


def date_text(serial: float, date1904: bool = False, time_only: bool = False) -> str | None:
    """A date serial number as ISO 8601 (``YYYY-MM-DD``, ``YYYY-MM-DD HH:MM:SS`` when it has a
    time of day, ``HH:MM:SS`` for a time of day alone when ``time_only``), to the second; ``None``
    when the number is no date Excel shows."""
    if not math.isfinite(serial) or serial < 0 or serial > _LAST_SERIAL + 1:
        return None
    seconds = round(serial * _SECONDS_PER_DAY)
    days, second_of_day = divmod(seconds, _SECONDS_PER_DAY)
    if time_only and days == 0:
        hours, rest = divmod(second_of_day, 3600)
        return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"
    if date1904:
        epoch = _EPOCH_1904
    else:
        epoch = _EPOCH_1900 if days >= 61 else _EPOCH_1900 + timedelta(days=1)
    try:
        moment = epoch + timedelta(days=days, seconds=second_of_day)
    except OverflowError:
        return None
    if moment.year > 9999:
        return None
    if second_of_day == 0:
        return moment.date().isoformat()
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _iso_text(value: str) -> str:
    """A ``t="d"`` cell (an ISO 8601 date written as text) in the form dates are given."""
    try:
        moment = datetime.fromisoformat(value.strip().rstrip("Zz"))
    except ValueError:
        return value
    if moment.time() == datetime.min.time():
        return moment.date().isoformat()
    return moment.replace(microsecond=0, tzinfo=None).isoformat(" ")


def _column_index(reference: str) -> int | None:
    """The column of a reference counted from 0 (``C5`` → 2); ``None`` without letters."""
    index = 0
    for ch in reference:
        code = ord(ch)
        if 65 <= code <= 90:
            index = index * 26 + code - 64
        elif 97 <= code <= 122:
            index = index * 26 + code - 96
        else:
            break
    return index - 1 if index else None


class _CellReader:
    """The text of ``<c>`` elements, knowing the workbook's strings, date formats and date system."""

    def __init__(self, strings: list[str], date_styles: dict[int, bool], date1904: bool, part: str):
        self.strings = strings
        self.date_styles = date_styles
        self.date1904 = date1904
        self.part = part

    def text(self, cell: ElementTree.Element) -> str:
        kind = cell.get("t") or "n"
        value = None
        inline = None
        for child in cell:
            name = _local(child.tag)
            if name == "v":
                value = child.text
            elif name == "is":
                inline = child
        if kind == "inlineStr":
            return _rich_text(inline) if inline is not None else _unescape(value or "")
        if value is None:
            return ""
        if kind == "s":
            index = _integer(value)
            if index is None or not 0 <= index < len(self.strings):
                raise XlsxError(f"the workbook is damaged: a cell of {self.part} points to shared "
                                f"string {value.strip()}, which does not exist")
            return self.strings[index]
        if kind == "n":
            if value.strip() == "":
                return ""
            style = cell.get("s")
            time_only = self.date_styles.get(_integer(style)) if style is not None and self.date_styles else None
            if time_only is not None:
                try:
                    shown = date_text(float(value), self.date1904, time_only)
                except ValueError:
                    shown = None
                if shown is not None:
                    return shown
            return number_text(value)
        if kind == "b":
            return "TRUE" if _is_true(value) else "FALSE"
        if kind == "d":
            return _iso_text(value)
        return _unescape(value)


# -- the public functions ------------------------------------------------------------------------


def sheet_names(path: str | os.PathLike[str]) -> list[str]:
    """The names of the workbook's sheets, in the order of its tabs."""
    book = _Workbook(path)
    try:
        return [sheet.name for sheet in book.sheets]
    finally:
        book.close()


def read_rows(path: str | os.PathLike[str], sheet: str | None = None) -> Iterator[list[str]]:
    """Rows of the sheet (the first sheet when None) as lists of cell texts, as a CSV export of the
    sheet would write them (see the module docstring).

    The workbook is opened and the sheet found at once, so that a file that is no workbook or a
    sheet name that is not there raises here; the rows are read as they are asked for."""
    book = _Workbook(path)
    try:
        chosen = book.sheet(sheet)
        if not chosen.related:
            raise XlsxError(f"the workbook is damaged: it does not say where sheet '{chosen.name}' is")
        if chosen.part is None:
            book.close()
            return iter(())
        if not book.has(chosen.part):
            raise XlsxError(f"the workbook is damaged: the part of sheet '{chosen.name}' "
                            f"({chosen.part}) is missing")
        cells = _CellReader(_shared_strings(book), _date_styles(book), book.date1904, chosen.part)
    except BaseException:
        book.close()
        raise
    return _rows(book, chosen.part, cells.text)


#: The sheet's used range at the start of its part (``<dimension ref="A1:F1234"/>``): its last row.
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="[A-Za-z]*[0-9]*:?[A-Za-z]+([0-9]+)"')


def last_row(path: str | os.PathLike[str], sheet: str | None = None) -> int | None:
    """The number of the sheet's last row as its used range says (Excel and LibreOffice write one
    at the start of the sheet), read without reading the rows; None when the sheet says none."""
    book = _Workbook(path)
    try:
        chosen = book.sheet(sheet)
        if chosen.part is None or not book.has(chosen.part):
            return None
        with book.open(chosen.part) as stream:
            head = stream.read(8192)
    finally:
        book.close()
    found = _DIMENSION.search(head)
    return int(found.group(1)) if found else None


def _rows(book: _Workbook, part: str, text_of: Callable[[ElementTree.Element], str]) -> Iterator[list[str]]:
    """The rows of the worksheet ``part``, streamed: each ``<row>`` is dropped once read."""
    try:
        with _damage_said(part), book.open(part) as stream:
            events = ElementTree.iterparse(stream, events=("start", "end"))
            row_tag = cell_tag = data_tag = None
            holder: ElementTree.Element | None = None
            given = 0       # the number of the last row given
            current = 0     # the number of the last row read
            for event, element in events:
                tag = element.tag
                if event == "start":
                    if row_tag is None:
                        space = tag[:tag.index("}") + 1] if tag.startswith("{") else ""
                        row_tag, cell_tag, data_tag = space + "row", space + "c", space + "sheetData"
                    elif tag == data_tag:
                        holder = element
                    continue
                if tag != row_tag:
                    continue
                number = _integer(element.get("r"))
                current = number if number is not None and number > current else current + 1
                if current > MAX_ROWS:
                    raise XlsxError(f"the workbook is damaged: {part} has a row beyond row {MAX_ROWS:,}")
                row: list[str] = []
                column = -1
                for cell in element:
                    if cell.tag != cell_tag:
                        continue
                    reference = cell.get("r")
                    found = _column_index(reference) if reference else None
                    column = found if found is not None else column + 1
                    if column >= MAX_COLUMNS:
                        raise XlsxError(f"the workbook is damaged: {part} has a cell beyond column "
                                        f"{MAX_COLUMNS:,}")
                    value = text_of(cell)
                    if column >= len(row):
                        if not value:
                            continue
                        row.extend([""] * (column - len(row)))
                        row.append(value)
                    else:
                        row[column] = value
                if holder is not None:
                    holder.clear()
                else:
                    element.clear()
                while row and not row[-1]:
                    row.pop()
                if not row:
                    continue
                for _ in range(current - given - 1):
                    yield []
                given = current
                yield row
    finally:
        book.close()


__all__ = ["MAX_COLUMNS", "MAX_ROWS", "XlsxError", "date_text", "number_text", "read_rows", "sheet_names"]
