"""The customers of a segment as a file for a spreadsheet: CSV, or an Excel workbook (``.xlsx``).

Used by ``journey-studio segments members --out FILE`` and by the segment builder's "Export
members…". The columns: ``customer_id``, one per identifier kind present (email, phone, user_id,
anonymous_id, distinct_id, then custom kinds; two values of one kind share a cell, joined by
``; ``), ``tags`` (joined the same way) when any customer has one, then one per attribute key,
sorted (a key that is also a column before it is written ``attributes.KEY``).

**CSV** (any other suffix) is UTF-8 with a byte-order mark, so that Excel reads it as UTF-8; text a
spreadsheet would run as a formula gets a leading ``'`` (:func:`cell`). Excel still guesses every
cell's type: it reads ``+33612345678`` as a number and drops the ``+``.
**XLSX** (a name ending in ``.xlsx``) keeps each cell's type (:mod:`engine.xlsx`): phone numbers
and ids stay text exactly as stored, numbers stay numbers; the header is bold and frozen.

Either file is written whole or not at all: to a temporary file in the same folder, renamed over
the target at the end. The file gets the permissions any other file the program writes gets (read
and write for the owner, and for others what the umask lets through, ``-rw-r--r--`` under the
usual ``022``), and a file it replaces keeps its own (:func:`new_file_beside`,
:func:`replace_file`). A ``progress`` callback hears how many customers were read; when
``cancelled()`` turns true the export stops and nothing is written (:class:`ExportCancelled`).
"""

from __future__ import annotations

import csv
import json
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from engine.errors import JourneyStudioError
from engine.files import new_file_beside, replace_file
from engine.xlsx import MAX_CELL_CHARACTERS, MAX_ROWS, XlsxWriter

#: Customers fetched (with their identifiers and attributes) per query while exporting.
CHUNK = 500
#: The identifier kinds that get the first columns of an export, in this order; others follow sorted.
IDENTIFIER_COLUMNS = ("email", "phone", "user_id", "anonymous_id", "distinct_id")
#: Joins two values of one identifier kind in one cell.
VALUE_JOIN = "; "

#: Text a spreadsheet would run as a formula; see :func:`cell`.
_FORMULA_START = ("=", "@", "\t", "\r", "+", "-")
_NUMBER_LIKE = re.compile(r"[+-]?[0-9][0-9 ().,/-]*")


class ExportCancelled(JourneyStudioError):
    """The export was stopped before it ended; nothing was written."""


@dataclass
class ExportResult:
    path: Path
    #: ``"csv"`` or ``"xlsx"``.
    format: str
    rows: int
    columns: list[str]
    #: What the file could not keep as stored (cells cut at Excel's limit, characters replaced).
    notes: list[str] = field(default_factory=list)


def export_format(target: Path) -> str:
    """``"xlsx"`` for a name ending in ``.xlsx``; ``"csv"`` otherwise. Older Excel formats are
    refused: they are not written here."""
    suffix = target.suffix.casefold()
    if suffix == ".xlsx":
        return "xlsx"
    if suffix in (".xls", ".xlsm", ".xlsb", ".ods"):
        raise JourneyStudioError(f"cannot write {suffix} files; name the file .xlsx (an Excel workbook) or "
                                 ".csv", where=str(target))
    return "csv"


def cell(value: Any) -> str:
    """A value as a CSV cell: text as it is, true/false, numbers, nested data as JSON, nothing as
    an empty cell. Text that a spreadsheet would run as a formula (starting with ``=``, ``@``, a tab,
    a carriage return, or ``+``/``-`` followed by more than a number or a phone number) gets a
    leading ``'``, so that opening the file in Excel never runs what a customer typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))  # 430.0 read from a spreadsheet's 430: written back as 430
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    if value.startswith(_FORMULA_START) and not _NUMBER_LIKE.fullmatch(value):
        return "'" + value
    return value


#: A day written as imports store a date (``1985-07-03``).
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def sheet_value(value: Any) -> Any:
    """A value for a workbook cell: numbers and true/false as they are (430.0 as 430), a date
    stored as ``1985-07-03`` (as imports store a date column) as a date, other text as it is (never
    run as a formula), nested data as JSON text."""
    if isinstance(value, str) and len(value) == 10 and _ISO_DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value  # 2024-02-30: text as written
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 1e15 else value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _identifier_order(kind: str) -> tuple[int, str]:
    return (IDENTIFIER_COLUMNS.index(kind), "") if kind in IDENTIFIER_COLUMNS else (len(IDENTIFIER_COLUMNS), kind)


def members_table(customers: Iterable[Any], spool: IO[str], progress: Callable[[int], None] | None = None,
                  cancelled: Callable[[], bool] | None = None) -> tuple[int, list[str], list[str], bool]:
    """Read ``customers`` once, writing each as a JSON line to ``spool``; returns how many, the
    identifier kinds and the attribute keys present (in column order), and whether any has tags."""
    kinds: set[str] = set()
    keys: set[str] = set()
    tagged = False
    n = 0
    for c in customers:
        ids: dict[str, list[str]] = {}
        for kind, value in c.identifiers:
            ids.setdefault(kind, []).append(value)
        kinds.update(ids)
        keys.update(str(k) for k in c.attributes)
        tags = sorted(c.tags)
        tagged = tagged or bool(tags)
        spool.write(json.dumps({"id": c.id, "ids": ids, "tags": tags, "attributes": c.attributes},
                               ensure_ascii=False, default=str) + "\n")
        n += 1
        if n % CHUNK == 0:
            if cancelled is not None and cancelled():
                raise ExportCancelled("export stopped; nothing was written")
            if progress is not None:
                progress(n)
    if progress is not None:
        progress(n)
    return n, sorted(kinds, key=_identifier_order), sorted(keys, key=lambda k: (k.casefold(), k)), tagged


def _rows(spool: IO[str], kinds: list[str], keys: list[str], tagged: bool,
          text: Callable[[str], str], value: Callable[[Any], Any]) -> Iterator[list[Any]]:
    for line in spool:
        row = json.loads(line)
        yield [row["id"], *(VALUE_JOIN.join(text(v) for v in row["ids"].get(kind, ())) for kind in kinds),
               *([VALUE_JOIN.join(text(t) for t in row["tags"])] if tagged else []),
               *(value(row["attributes"].get(k)) for k in keys)]




def write_members(target: Path, customers: Iterable[Any], *, sheet: str = "Customers",
                  progress: Callable[[int], None] | None = None,
                  cancelled: Callable[[], bool] | None = None) -> ExportResult:
    """Write ``customers`` (profile summaries) to ``target``, as CSV or as an Excel workbook by its
    suffix (see the module docstring); ``sheet``: the workbook's sheet name."""
    fmt = export_format(target)
    try:
        # Checking a name the system refuses (longer than 255 bytes, a folder it cannot enter)
        # raises rather than answering False.
        is_folder = target.is_dir()
    except OSError as exc:
        raise JourneyStudioError(f"cannot write there: {exc.strerror or exc}", where=str(target)) from None
    if is_folder:
        raise JourneyStudioError(f"is a folder; give a file name such as members.{fmt}", where=str(target))
    try:
        temp = new_file_beside(target)
    except OSError as exc:
        raise JourneyStudioError(f"cannot write there: {exc.strerror or exc}", where=str(target)) from None
    notes: list[str] = []
    try:
        with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
            n, kinds, keys, tagged = members_table(customers, spool, progress, cancelled)
            spool.seek(0)
            columns = ["customer_id", *kinds, *(["tags"] if tagged else [])]
            taken = set(columns)
            columns += [f"attributes.{k}" if k in taken else k for k in keys]
            if fmt == "xlsx":
                if n + 1 > MAX_ROWS:
                    raise JourneyStudioError(f"{n:,} customers do not fit in one Excel sheet ({MAX_ROWS - 1:,} "
                                             "rows at most); write a .csv file instead", where=str(target))
                with open(temp, "wb") as f:
                    book = XlsxWriter(f, sheet)
                    try:
                        book.write_row(columns)
                        for row in _rows(spool, kinds, keys, tagged, str, sheet_value):
                            book.write_row(row)
                        if cancelled is not None and cancelled():
                            raise ExportCancelled("export stopped; nothing was written")
                        book.close()
                    except BaseException:
                        book.discard()
                        raise
                if book.cut:
                    notes.append(f"{book.cut:,} {'cell was' if book.cut == 1 else 'cells were'} longer than "
                                 f"Excel's {MAX_CELL_CHARACTERS:,} characters and cut there "
                                 "(a .csv export keeps them whole)")
                if book.replaced:
                    notes.append(f"{book.replaced:,} {'cell holds' if book.replaced == 1 else 'cells hold'} "
                                 "control characters a workbook cannot, shown as \ufffd")
            else:
                with open(temp, "w", encoding="utf-8-sig", newline="") as f:
                    writer = csv.writer(f)
                    writer.writerow(columns)
                    writer.writerows(_rows(spool, kinds, keys, tagged, cell, cell))
                if cancelled is not None and cancelled():
                    raise ExportCancelled("export stopped; nothing was written")
        replace_file(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise JourneyStudioError(f"cannot write the file: {exc.strerror or exc}; nothing was written",
                                 where=str(target)) from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return ExportResult(target, fmt, n, columns, notes)


def member_summaries(ws: Any, ids: list[str]) -> Iterator[Any]:
    """Profile summaries of ``ids`` (in that order, erased ones left out), a chunk per transaction."""
    from engine.track.profiles import summaries

    for start in range(0, len(ids), CHUNK):
        with ws._session() as s:
            yield from summaries(s.connection(), ids[start:start + CHUNK])


__all__ = ["CHUNK", "IDENTIFIER_COLUMNS", "VALUE_JOIN", "ExportCancelled", "ExportResult", "cell", "export_format",
           "member_summaries", "members_table", "new_file_beside", "replace_file", "sheet_value", "write_members"]
