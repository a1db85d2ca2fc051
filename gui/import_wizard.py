"""The CSV import wizard: customers or events from a spreadsheet export, one step at a time.

1. *File*: customers or events, and the file.
2. *Preview*: the first rows as the engine reads them, with the detected encoding and delimiter
   (both can be changed), the number of rows (exact when the whole file was read), the rows it
   could not read and the columns imported under another name (a repeated header name); a file
   without data rows goes no further.
3. *Columns*: what each column becomes (not imported, an identifier, an attribute, consent, tags,
   the customer's time zone; for events the event name, its time or a property), the type the
   engine inferred (which may be forced), the column that identifies the customer, the date format,
   the time zone of times written without one and, when a column holds phone identifiers, the
   country of numbers written without a country code (first the one the workspace remembers;
   :attr:`~engine.track.csv_import.ImportOptions.phone_country`). The engine's suggested mapping is
   the default, and every change is checked at once with :func:`engine.track.csv_import.make_plan`; a refusal
   says what to change on this page (:func:`error_text`), never a command-line option, and the
   sample values that the chosen types, date format and time zone do not read, or that an e-mail
   identifier column does not take as addresses, are counted, with an example (:func:`sample_misfits`). An events import whose time column reads none of the
   sample values (every row would be skipped) cannot start (:func:`unreadable_times`).
4. *Import*: a progress bar and a Cancel button; the import runs on a worker thread and stops
   between two batches when cancelled (what was committed stays).
5. *Result*: the counts, the warnings and every skipped row (row, line, column, value, reason,
   the chosen row's reason in full below the table), which *Export errors…* writes as a CSV file;
   an import that read no rows says so.

The wizard only drives :mod:`engine.track.csv_import`; it never reads the CSV itself. Questions to
the user (which file, where to export) go through overridable methods (``_ask_open_path``,
``_ask_errors_path``) so tests and embedders can answer them without a modal dialog.
"""

from __future__ import annotations

import errno
import functools
import html
import threading
from collections.abc import Callable
from datetime import UTC, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from engine.channels.kinds import CHANNEL_KINDS
from engine.errors import JourneyStudioError
from engine.identifiers import (
    calling_codes,
    calling_prefix,
    canonical_identifier,
    guess_phone_country,
    local_phone,
)
from engine.store.customers import CUSTOM_KIND_PREFIX, IDENTIFIER_KINDS
from engine.track.csv_import import (
    DATE_FORMATS,
    SAMPLE_ROWS,
    ImportOptions,
    ImportPlan,
    ImportProgress,
    ImportResult,
    Preview,
    RowError,
    dates_used_before,
    identifier_kind_of,
    import_csv,
    make_plan,
    phone_country_of_file,
    phone_country_used_before,
    preview,
    remembered_as,
    with_mapping_used_before,
    zone_used_before,
)
from engine.track.csv_types import (
    TYPES,
    ColumnType,
    DateTimeConverter,
    address_problem,
    converter,
    without_placeholders,
)
from engine.track.phone_rewrite import local_phone_count
from engine.track.sheet_file import is_workbook
from gui.forms import time_zone_names
from gui.qt import Qt, QtCore, QtGui, QtWidgets, Signal, Slot, fill, translate

ERROR_COLOR = "#C62828"
WARNING_COLOR = "#8D6E00"
#: Characters of a cell shown in the preview and the samples (tooltips carry more).
CELL_CHARS = 80
TOOLTIP_CHARS = 600
#: Sample values shown per column on the Columns page.
SAMPLES = 3
#: Channels offered for consent columns (any other word may be typed).
#: The channels a consent column can be about: those accounts send through, as the engine checks.
CONSENT_CHANNELS = CHANNEL_KINDS
#: Encodings offered on the Preview page, as Python codec names (any other may be typed).
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "gb18030", "big5", "shift_jis",
             "cp1252", "latin-1")
DELIMITERS = (",", ";", "\t", "|")

_STYLE = """
QLabel#pageError, QLabel#noDataRows, QLabel#exportError { color: #C62828; }
QLabel#pageWarning, QLabel#renamedColumns { color: #8D6E00; }
QLabel#planSummary, QLabel#fileFacts, QLabel#hint { color: palette(placeholder-text); }
QLabel#errorDetail { background: palette(base); border: 1px solid palette(mid); border-radius: 4px;
                     padding: 6px 8px; }
QLabel#countValue { font-size: 20pt; font-weight: 600; }
QLabel#countValue[bad="true"] { color: #C62828; }
QLabel#countName { color: palette(placeholder-text); }
QFrame#countTile { border: 1px solid palette(mid); border-radius: 6px; background: palette(base); }
QLabel#resultHeadline { font-size: 13pt; font-weight: 600; }
QLabel#progressPhase { font-weight: 600; }
QTableWidget#mappingTable QComboBox:disabled { color: palette(placeholder-text); }
"""


# ---------------------------------------------------------------------------------------------
# Words for engine values
# ---------------------------------------------------------------------------------------------

def target_label(target: str) -> str:
    return {
        "skip": translate("ImportWizard", "Don't import"),
        "identifier": translate("ImportWizard", "Identifier"),
        "attribute": translate("ImportWizard", "Attribute"),
        "consent": translate("ImportWizard", "Consent"),
        "tags": translate("ImportWizard", "Tags"),
        "time_zone": translate("ImportWizard", "Customer's time zone"),
        "event": translate("ImportWizard", "Event name"),
        "time": translate("ImportWizard", "Event time"),
        "event_id": translate("ImportWizard", "Event id (order number)"),
        "property": translate("ImportWizard", "Event property"),
        "item": translate("ImportWizard", "Line item value"),
    }.get(target, target)


#: Targets offered per kind of import, in menu order.
TARGETS = {
    "customers": ("identifier", "attribute", "consent", "tags", "time_zone", "skip"),
    "events": ("identifier", "event", "time", "event_id", "property", "item", "skip"),
}
#: Targets whose field carries a name (``attributes.<name>`` and so on).
_PREFIXES = {"identifier": "identifiers", "attribute": "attributes", "consent": "consent",
             "property": "properties", "item": "items"}
#: Targets whose type the user may force (the others have the engine's fixed type).
_TYPED = ("attribute", "property", "item", "time")


def type_label(name: str) -> str:
    return {
        "text": translate("ImportWizard", "Text"),
        "int": translate("ImportWizard", "Whole number"),
        "float": translate("ImportWizard", "Number"),
        "bool": translate("ImportWizard", "Yes / no"),
        "date": translate("ImportWizard", "Date"),
        "datetime": translate("ImportWizard", "Date and time"),
        "email": translate("ImportWizard", "Email address"),
        "phone": translate("ImportWizard", "Phone number"),
    }.get(name, name)


def date_format_label(fmt: str) -> str:
    return {
        "iso": translate("ImportWizard", "ISO 8601 (2024-12-31 18:30)"),
        "dmy": translate("ImportWizard", "Day/month/year (31/12/2024)"),
        "mdy": translate("ImportWizard", "Month/day/year (12/31/2024)"),
        "ymd": translate("ImportWizard", "Year/month/day (2024/12/31)"),
        "unix_s": translate("ImportWizard", "Unix time, seconds"),
        "unix_ms": translate("ImportWizard", "Unix time, milliseconds"),
    }.get(fmt, fmt)


def describe_type(column_type: ColumnType) -> str:
    """A column type in words: "Date and time, day/month/year (day and month unsure)"."""
    text = type_label(column_type.name)
    if column_type.name in ("date", "datetime") and column_type.date_format:
        text += ", " + {
            "iso": "ISO 8601",
            "dmy": translate("ImportWizard", "day/month/year"),
            "mdy": translate("ImportWizard", "month/day/year"),
            "ymd": translate("ImportWizard", "year/month/day"),
            "unix_s": translate("ImportWizard", "Unix seconds"),
            "unix_ms": translate("ImportWizard", "Unix milliseconds"),
        }.get(column_type.date_format, column_type.date_format)
        if column_type.ambiguous:
            text += " " + translate("ImportWizard", "(day and month unsure)")
    elif column_type.name in ("int", "float") and (column_type.decimal_comma or column_type.grouping):
        if column_type.grouping:
            decimals = "" if column_type.name == "int" else ",5" if column_type.decimal_comma else ".5"
            example = f"1{column_type.grouping.replace(chr(0xA0), ' ')}234{decimals}"
            text += " " + translate("ImportWizard", "(written like %1)").replace("%1", example)
        else:
            text += " " + translate("ImportWizard", "(decimal comma)")
    return text


def encoding_label(name: str) -> str:
    return {
        "utf-8": "UTF-8",
        "utf-8-sig": translate("ImportWizard", "UTF-8 with BOM"),
        "utf-16": translate("ImportWizard", "UTF-16 (Excel Unicode text)"),
        "utf-16-le": "UTF-16 LE",
        "utf-16-be": "UTF-16 BE",
        "utf-32": "UTF-32",
        "gb18030": translate("ImportWizard", "GB18030 / GBK (Simplified Chinese)"),
        "big5": translate("ImportWizard", "Big5 (Traditional Chinese)"),
        "shift_jis": translate("ImportWizard", "Shift-JIS (Japanese)"),
        "cp1252": translate("ImportWizard", "Windows-1252 (Western Europe)"),
        "latin-1": translate("ImportWizard", "Latin-1 (ISO 8859-1)"),
    }.get(name, name)


def delimiter_label(delimiter: str) -> str:
    return {
        ",": translate("ImportWizard", "Comma ( , )"),
        ";": translate("ImportWizard", "Semicolon ( ; )"),
        "\t": translate("ImportWizard", "Tab"),
        "|": translate("ImportWizard", "Pipe ( | )"),
    }.get(delimiter, repr(delimiter))


def split_field(field: str) -> tuple[str, str, str | None]:
    """An engine mapping (``attributes.city:text``) as ``(target, name, forced type)``."""
    forced = None
    head, sep, tail = field.rpartition(":")
    if sep and tail in TYPES:
        field, forced = head, tail
    prefix, dot, key = field.partition(".")
    for target, engine_prefix in _PREFIXES.items():
        if dot and prefix == engine_prefix:
            return target, key, forced
    if field in ("event", "time", "event_id", "tags", "time_zone"):
        return field, "", forced
    return "skip", "", None


def join_field(target: str, name: str, forced: str | None) -> str:
    """The engine mapping of a column's choices (the inverse of :func:`split_field`)."""
    if target == "skip":
        return "skip"
    field = f"{_PREFIXES[target]}.{name.strip()}" if target in _PREFIXES else target
    return f"{field}:{forced}" if forced and target in _TYPED else field


def fix_hint(fix: str | None) -> str:
    """What to do on the Columns page about a refusal whose ``fix`` is this (see
    :class:`engine.track.csv_import.CsvImportError`); "" for none. It names the page's own
    controls, by their labels."""
    return {
        "date_format": translate("ImportWizard", "choose their format under “Dates” above the table, or type a "
                                                 "pattern there such as %d.%m.%Y %H:%M"),
        "id_column": translate("ImportWizard", "choose one under “Customer identified by”, or set a column's "
                                               "“Import as” to “Identifier”"),
        "event": translate("ImportWizard", "set a column's “Import as” to “Event name”, or type one name for "
                                           "every row under “Every row is the event”"),
        "time": translate("ImportWizard", "set a column's “Import as” to “Event time”"),
        "encoding": translate("ImportWizard", "choose that one under “Encoding”"),
        "event_id": translate("ImportWizard", "set its column's “Import as” to “Event id (order number)”"),
    }.get(fix or "", "")


def error_text(exc: JourneyStudioError, file: str | None = None, *, name_only: bool = False) -> str:
    """An engine error as the wizard shows it: where and what, then what to do here about it. The
    place is left out when it is ``file``, the file the page is about; ``name_only``: a file is
    named without its folder."""
    where = exc.where if exc.where != file else None
    if name_only and where:
        where = Path(where).name
    text = f"{where}: {exc.message}" if where else exc.message[:1].upper() + exc.message[1:]
    hint = fix_hint(getattr(exc, "fix", None))
    return f"{text}; {hint}" if hint else text


def progress_fraction(progress: ImportProgress, source: Preview | None) -> float:
    """How far an import is, from 0 to 1.

    The engine counts bytes as its reader takes them, a megabyte at a time, so a small file reads
    as done after its first batch; rows against the preview's estimate move smoothly, and bytes
    still bound it for files whose estimate is off.
    """
    if progress.phase == "done":
        return 1.0
    estimate = source.estimated_rows if source is not None else 0
    if estimate <= 0:
        return min(progress.fraction, 0.99)
    return min(progress.rows / estimate, progress.fraction, 0.99)


def known_data_rows(source: Preview) -> int | None:
    """The number of data rows when the preview has read the whole file (so that its count is
    exact), else None."""
    return source.estimated_rows if source.exact_rows else None


def rows_phrase(source: Preview) -> str:
    """"1 row", "6 rows", "no data rows" when the whole file was read; "about 1,200 rows" else."""
    exact = known_data_rows(source)
    if exact == 0:
        return translate("ImportWizard", "no data rows")
    if exact is not None:
        return translate("ImportWizard", "1 row") if exact == 1 else \
            translate("ImportWizard", "%1 rows").replace("%1", f"{exact:,}")
    if source.estimated_rows == 1:
        return translate("ImportWizard", "about 1 row")
    return translate("ImportWizard", "about %1 rows").replace("%1", f"{source.estimated_rows:,}")


def _fit_words(column_type: ColumnType) -> str:
    """What a value of the type is, to say that a value is not one: "a date in the format …"."""
    if column_type.name in ("date", "datetime"):
        fmt = column_type.date_format or "iso"
        label = date_format_label(fmt)
        if fmt in ("dmy", "mdy", "ymd"):
            label = label[:1].lower() + label[1:]
        return translate("ImportWizard", "a date in the format %1").replace("%1", label)
    noun = {
        "int": translate("ImportWizard", "a whole number"),
        "float": translate("ImportWizard", "a number"),
        "bool": translate("ImportWizard", "yes or no"),
        "email": translate("ImportWizard", "an email address"),
        "phone": translate("ImportWizard", "a phone number"),
    }.get(column_type.name, type_label(column_type.name))
    # The way the numbers are written, as describe_type says it: "(decimal comma)".
    return noun + describe_type(column_type)[len(type_label(column_type.name)):]


def sample_misfits(plan: ImportPlan, source: Preview, phone_country: str | None = None) -> list[str]:
    """Warnings for the preview's sample values that the planned column types do not read, in the
    date format, time zone and types the user has chosen, for those that an e-mail identifier
    column does not take as addresses or takes with doubt (no dot in the domain), and for phone
    numbers without a country code that are no number of ``phone_country``: how many, an example,
    and what the import does with them (as the command line's warnings say).
    Columns the plan already warns about are left to its warning, and the cells of an attribute
    column that only say there is no value (n/a) are empty cells, as the import reads them."""
    zone: tzinfo = UTC if plan.time_zone == "UTC" else ZoneInfo(plan.time_zone)
    warned = {c.name for c in plan.columns if any(w.startswith(f"column '{c.name}': ") for w in plan.warnings)}
    out = []
    for column in plan.columns:
        column_type = column.type
        email = column.target == "identifiers.email"
        phone = column.target == "identifiers.phone"
        if (column_type.name == "text" and not email and not phone) or column.name in warned:
            continue
        present = [row[column.index].strip() for row in source.rows if column.index < len(row)]
        if column.target.startswith("attributes.") or email or phone:
            # An identifier that only says there is none (N/A) is left out, as the import does.
            present = without_placeholders(present)
        present = [v for v in present if v]
        skipped: list[str] = []
        kept: list[str] = []
        doubtful: list[str] = []
        if email:
            # The import takes any text with an @ and nothing no address holds (a comma, a space).
            column_type = ColumnType("email")
            skipped = [v for v in present if address_problem(v) is not None]
            doubtful = [v for v in present if address_problem(v) is None and "." not in v.rpartition("@")[2]]
        elif phone:
            if phone_country:
                # Written without + or 00, and not a number of that country: kept as written.
                doubtful = [v for v in present if (digits := canonical_identifier("phone", v)).isdecimal()
                            and local_phone(digits, phone_country) is None]
            else:
                local = [v for v in present if (digits := canonical_identifier("phone", v)).isdecimal()
                         and len(digits) >= 6]
                if local:
                    # Websites and apps send +86…: kept as written, these name other customers.
                    guess = guess_phone_country([canonical_identifier("phone", v) for v in local],
                                                QtCore.QLocale.system().name().partition("_")[2] or None)
                    text = (fill(translate("ImportWizard", "Column “%1”: phone numbers such as “%2” have no country "
                                                           "code, and websites and apps send numbers with one: "
                                                           "choose their country above (%3, judging by the numbers) "
                                                           "so that both name the same customer."),
                                 column.name, _short(local[0], 40), guess) if guess else
                            fill(translate("ImportWizard", "Column “%1”: phone numbers such as “%2” have no country "
                                                           "code, and websites and apps send numbers with one: "
                                                           "choose their country above so that both name the same "
                                                           "customer."), column.name, _short(local[0], 40)))
                    out.append(text)
        else:
            conv = converter(column_type, zone)
            if column_type.apostrophe == "digits":
                present = [v[1:] if v[:1] == "'" and v[1:].isdigit() else v for v in present]
            for value in present:
                try:
                    conv.one(value)
                except (ValueError, OverflowError):
                    # As the import decides: a strict column's bad value, or a date in the other
                    # day/month order, makes the row an error; other values are kept as text.
                    other_order = isinstance(conv, DateTimeConverter) and conv.other_order(value)
                    (skipped if column.strict or other_order else kept).append(value)
        for bad, then in ((skipped, translate("ImportWizard", "rows with such a value will be skipped and listed")),
                          (kept, translate("ImportWizard", "such values are kept as text"))):
            if not bad:
                continue
            text = translate("ImportWizard", "1 of the %2 sample values is not %3") if len(bad) == 1 else \
                translate("ImportWizard", "%1 of the %2 sample values are not %3")
            text = fill(text, str(len(bad)), str(len(present)), _fit_words(column_type))
            out.append(fill(translate("ImportWizard", "Column “%1”: %2, e.g. “%3”; %4."), column.name, text,
                            _short(bad[0], 40), then))
        if doubtful:
            if email:
                text = translate("ImportWizard", "1 of the %2 sample addresses has no dot in its domain (after the "
                                                 "@)") if len(doubtful) == 1 else \
                    translate("ImportWizard", "%1 of the %2 sample addresses have no dot in their domain (after "
                                              "the @)")
                then = translate("ImportWizard", "such addresses are imported as written: check the column")
            else:
                text = translate("ImportWizard", "1 of the %2 sample numbers is no %3 number") if len(doubtful) == 1 \
                    else translate("ImportWizard", "%1 of the %2 sample numbers are no %3 numbers")
                then = translate("ImportWizard", "such numbers are kept as written; choose their country above if "
                                                 "they are from another one")
            text = fill(text, str(len(doubtful)), str(len(present)), phone_country or "")
            out.append(fill(translate("ImportWizard", "Column “%1”: %2, e.g. “%3”; %4."), column.name, text,
                            _short(doubtful[0], 40), then))
    return out


def unreadable_times(plan: ImportPlan, source: Preview) -> str:
    """Why an events import cannot start: its time column reads none of the sample values, in the
    date format and time zone chosen, so every row would be skipped ("" when some value reads)."""
    times = plan.of("time") if plan.kind == "events" else []
    if not times or not source.rows:
        return ""
    column = times[0]
    zone: tzinfo = UTC if plan.time_zone == "UTC" else ZoneInfo(plan.time_zone)
    conv = converter(column.type, zone)
    values = [row[column.index].strip() if column.index < len(row) else "" for row in source.rows]
    for value in values:
        if not value:
            continue
        try:
            conv.one(value)
        except (ValueError, OverflowError):
            continue
        return ""
    if not any(values):
        return translate("ImportWizard", "The time column “%1” is empty in every sample row: every row would be "
                                         "skipped. Choose the column that holds the event times.") \
            .replace("%1", column.name)
    present = sum(1 for v in values if v)
    text = translate("ImportWizard", "The sample value of the time column “%2” is not %3 (“%4”): every row would "
                                     "be skipped.") if present == 1 else \
        translate("ImportWizard", "None of the %1 sample values of the time column “%2” is %3, e.g. “%4”: every "
                                  "row would be skipped.")
    then = translate("ImportWizard", "Choose the format of its dates under Dates, or the column that holds the "
                                     "event times.")
    return fill(text + " " + then, str(present), column.name, _fit_words(column.type),
                _short(next(v for v in values if v), 40))


def _sentence(text: str) -> str:
    """An engine message as a sentence of the page: its first letter a capital."""
    return text[:1].upper() + text[1:]


def save_failure(exc: OSError, path: str) -> str:
    """Why a file could not be written, in plain words."""
    folder = Path(path).parent
    if isinstance(exc, FileNotFoundError) and not folder.is_dir():
        return translate("ImportWizard", "the folder %1 does not exist").replace("%1", str(folder))
    if isinstance(exc, IsADirectoryError):
        return translate("ImportWizard", "%1 is a folder, not a file name").replace("%1", path)
    if isinstance(exc, PermissionError):
        return translate("ImportWizard", "you are not allowed to write in %1").replace("%1", str(folder))
    if exc.errno == errno.ENOSPC:
        return translate("ImportWizard", "the disk is full")
    if exc.errno == errno.EROFS:
        return translate("ImportWizard", "the disk can only be read")
    reason = exc.strerror or str(exc)
    return reason[:1].lower() + reason[1:]


def _short(text: str, size: int = CELL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[:size - 1] + "…"


def _size(n: int) -> str:
    locale = QtCore.QLocale()
    return locale.formattedDataSize(n, 1, QtCore.QLocale.DataSizeFormat.DataSizeTraditionalFormat)


def phone_countries() -> list[tuple[str, str, int]]:
    """Every country phone numbers can be read in, as (name, ISO code, calling code), sorted by
    name as the user's language sorts (the names are Qt's; a code Qt does not know is its own
    name)."""
    rows = []
    for code, calling in calling_codes().items():
        territory = QtCore.QLocale.codeToTerritory(code)
        name = QtCore.QLocale.territoryToString(territory) \
            if territory != QtCore.QLocale.Country.AnyTerritory else code
        rows.append((name or code, code, calling))
    locale = QtCore.QLocale()
    if locale.language() == QtCore.QLocale.Language.C:
        locale = QtCore.QLocale(QtCore.QLocale.Language.English)  # C sorts Åland after Zambia
    collator = QtCore.QCollator(locale)
    collator.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return sorted(rows, key=functools.cmp_to_key(lambda a, b: collator.compare(a[0], b[0]) or (a[1] > b[1]) - (a[1] < b[1])))


def system_time_zone() -> str:
    """This computer's IANA zone, when Qt knows it and Python's zone database has it; else UTC."""
    name = bytes(QtCore.QTimeZone.systemTimeZoneId().data()).decode("ascii", "replace")
    if name in ("Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "UCT", "Universal", "Zulu"):
        return "UTC"  # the same zone under its plain name
    return name if name in time_zone_names() else "UTC"


# ---------------------------------------------------------------------------------------------
# The import on a worker thread
# ---------------------------------------------------------------------------------------------

class ImportWorker(QtCore.QObject):
    """Runs one import on its own thread; signals reach the wizard queued, on the UI thread."""

    progressed = Signal(object)  # ImportProgress
    finished = Signal(object)  # ImportResult
    failed = Signal(str)

    def __init__(self, workspace, path: str, kind: str, options: ImportOptions, cancel: threading.Event):
        super().__init__()
        self.workspace = workspace
        self.path = path
        self.kind = kind
        self.options = options
        self.cancel = cancel

    @Slot()
    def run(self) -> None:
        try:
            result = import_csv(self.workspace, self.path, self.kind, self.options,
                                progress=self.progressed.emit, cancel=self.cancel)
        except JourneyStudioError as exc:
            self.failed.emit(error_text(exc))
        except Exception as exc:  # the wizard must say what happened rather than wait forever
            self.failed.emit(f"{type(exc).__name__}: {exc}")
        else:
            self.finished.emit(result)


class ErrorModel(QtCore.QAbstractTableModel):
    """The skipped rows of an import (up to the engine's 100,000 kept with their details)."""

    def __init__(self, parent: QtCore.QObject | None = None):
        super().__init__(parent)
        self.errors: list[RowError] = []
        self.headers = [translate("ImportWizard", "Row"), translate("ImportWizard", "Line"),
                        translate("ImportWizard", "Column"), translate("ImportWizard", "Value"),
                        translate("ImportWizard", "Reason")]

    def set_errors(self, errors: list[RowError]) -> None:
        self.beginResetModel()
        self.errors = list(errors)
        self.endResetModel()

    def rowCount(self, parent: QtCore.QModelIndex = QtCore.QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.errors)

    def columnCount(self, parent: QtCore.QModelIndex = QtCore.QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    def data(self, index: QtCore.QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        error = self.errors[index.row()]
        values = (f"{error.row:,}", f"{error.line:,}", error.column, error.value, error.reason)
        if role == Qt.ItemDataRole.DisplayRole:
            # The reason whole (the engine keeps it to a sentence or two; the column is as wide as
            # it and the table scrolls); a value may be a whole paragraph.
            return " ".join(error.reason.split()) if index.column() == 4 else _short(values[index.column()], 200)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() >= 3:
            # Rich text, so that the tooltip wraps instead of running off the screen.
            return "<p>" + html.escape(values[index.column()][:TOOLTIP_CHARS], quote=False) + "</p>"
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() < 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------

def _message_label(name: str, parent: QtWidgets.QWidget) -> QtWidgets.QLabel:
    label = QtWidgets.QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def _show(label: QtWidgets.QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


class FilePage(QtWidgets.QWizardPage):
    """Customers or events, and which file."""

    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.wiz = wizard
        self.setTitle(self.tr("Choose a file"))
        self.setSubTitle(self.tr("A CSV file as a spreadsheet or a shop exports it (UTF-8, UTF-16 or GB18030, "
                                 "separated by commas, semicolons or tabs), or the first sheet of an Excel "
                                 "workbook (.xlsx)."))
        layout = QtWidgets.QVBoxLayout(self)
        box = QtWidgets.QGroupBox(self.tr("What the rows are"), self)
        box_layout = QtWidgets.QVBoxLayout(box)
        self.customers = QtWidgets.QRadioButton(self.tr("&Customers — one row per person: an identifier, "
                                                        "attributes, consent and tags"), box)
        self.events = QtWidgets.QRadioButton(self.tr("&Events — one row per thing a customer did: who, what "
                                                     "and when"), box)
        box_layout.addWidget(self.customers)
        box_layout.addWidget(self.events)
        layout.addWidget(box)

        row = QtWidgets.QHBoxLayout()
        self.path_edit = QtWidgets.QLineEdit(self)
        self.path_edit.setObjectName("importPath")
        self.path_edit.setPlaceholderText(self.tr("Path of a .csv, .txt or .xlsx file"))
        self.path_edit.setClearButtonEnabled(True)
        self.browse = QtWidgets.QPushButton(self.tr("&Browse…"), self)
        self.browse.clicked.connect(self._browse)
        label = QtWidgets.QLabel(self.tr("&File:"), self)
        label.setBuddy(self.path_edit)
        row.addWidget(label)
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse)
        layout.addLayout(row)
        self.error = _message_label("pageError", self)
        layout.addWidget(self.error)
        hint = QtWidgets.QLabel(self.tr("Nothing is written before the last step. Rows with errors are skipped "
                                        "and listed; importing the same file twice adds nothing the second "
                                        "time."), self)
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addStretch(1)
        self.path_edit.textChanged.connect(self._changed)
        self.customers.toggled.connect(self._changed)

    def initializePage(self) -> None:  # noqa: N802
        (self.events if self.wiz.kind == "events" else self.customers).setChecked(True)
        if self.wiz.path and not self.path_edit.text():
            self.path_edit.setText(self.wiz.path)

    def _browse(self) -> None:
        path = self.wiz._ask_open_path(self.path_edit.text())
        if path:
            self.path_edit.setText(path)

    def _changed(self, *_args: object) -> None:
        _show(self.error, "")
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return bool(self.path_edit.text().strip())

    def validatePage(self) -> bool:  # noqa: N802
        path = self.path_edit.text().strip()
        if Path(path).is_dir():
            _show(self.error, self.tr("%1 is a folder: choose a CSV file in it.").replace("%1", path))
            return False
        if not Path(path).is_file():
            _show(self.error, self.tr("There is no file at %1.").replace("%1", path))
            return False
        kind = "events" if self.events.isChecked() else "customers"
        same_file = path == self.wiz.path
        message = self.wiz.load_preview(path, kind, self.wiz.encoding if same_file else None,
                                        self.wiz.delimiter if same_file else None)
        _show(self.error, message)
        return not message


class PreviewPage(QtWidgets.QWizardPage):
    """The first rows, the detected format (changeable), and the rows that could not be read."""

    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.wiz = wizard
        self.setTitle(self.tr("Check the preview"))
        self.setSubTitle(self.tr("The first rows as they will be read. If the letters look wrong or everything "
                                 "sits in one column, change the encoding or the delimiter."))
        layout = QtWidgets.QVBoxLayout(self)
        form = QtWidgets.QHBoxLayout()
        self.encoding = QtWidgets.QComboBox(self)
        self.encoding.setObjectName("encodingChoice")
        self.encoding.setEditable(True)
        self.encoding.setInsertPolicy(QtWidgets.QComboBox.InsertPolicy.NoInsert)
        self.encoding.setMinimumContentsLength(24)
        self.delimiter = QtWidgets.QComboBox(self)
        self.delimiter.setObjectName("delimiterChoice")
        for delimiter in DELIMITERS:
            self.delimiter.addItem(delimiter_label(delimiter), delimiter)
        for text, widget in ((self.tr("&Encoding:"), self.encoding), (self.tr("&Delimiter:"), self.delimiter)):
            label = QtWidgets.QLabel(text, self)
            label.setBuddy(widget)
            form.addWidget(label)
            form.addWidget(widget)
            form.addSpacing(12)
        self.facts = QtWidgets.QLabel(self)
        self.facts.setObjectName("fileFacts")
        form.addWidget(self.facts, 1)
        layout.addLayout(form)
        self.table = QtWidgets.QTableWidget(self)
        self.table.setObjectName("previewTable")
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setDefaultSectionSize(140)
        layout.addWidget(self.table, 1)
        self.error = _message_label("pageError", self)
        self.empty = _message_label("pageError", self)
        self.empty.setObjectName("noDataRows")
        self.problems = _message_label("pageWarning", self)
        self.renamed = _message_label("pageWarning", self)
        self.renamed.setObjectName("renamedColumns")
        layout.addWidget(self.error)
        layout.addWidget(self.empty)
        layout.addWidget(self.renamed)
        layout.addWidget(self.problems)
        self.encoding.activated.connect(lambda _i: self._reload())
        self.encoding.lineEdit().editingFinished.connect(self._reload)
        self.delimiter.activated.connect(lambda _i: self._reload())

    def initializePage(self) -> None:  # noqa: N802
        self.show_preview()

    def show_preview(self) -> None:
        p = self.wiz.preview
        if p is None:
            return
        blocked = self.encoding.blockSignals(True)
        self.encoding.clear()
        names = list(ENCODINGS) if p.encoding in ENCODINGS else [p.encoding, *ENCODINGS]
        for name in names:
            label = encoding_label(name)
            if name == p.encoding and self.wiz.encoding is None:
                label = self.tr("%1 (detected)").replace("%1", label)
            self.encoding.addItem(label, name)
        self.encoding.setCurrentIndex(names.index(p.encoding))
        self.encoding.blockSignals(blocked)
        blocked = self.delimiter.blockSignals(True)
        index = self.delimiter.findData(p.delimiter)
        if index < 0:
            self.delimiter.addItem(delimiter_label(p.delimiter), p.delimiter)
            index = self.delimiter.count() - 1
        self.delimiter.setCurrentIndex(index)
        self.delimiter.blockSignals(blocked)
        # A workbook's cells are read as they are: there is no encoding or delimiter to choose.
        workbook = is_workbook(p.path)
        tip = self.tr("An Excel workbook: its first sheet is read cell by cell.") if workbook else ""
        for box in (self.encoding, self.delimiter):
            box.setEnabled(not workbook)
            box.setToolTip(tip)

        columns = self.tr("1 column") if len(p.header) == 1 else \
            self.tr("%1 columns").replace("%1", f"{len(p.header):,}")
        self.facts.setText(fill(self.tr("%1 · %2 · %3"), columns, rows_phrase(p), _size(p.size)) if not workbook
                           else fill(self.tr("%1 · %2 · first sheet of the workbook"), columns, rows_phrase(p)))
        self.table.clear()
        self.table.setColumnCount(len(p.header))
        self.table.setRowCount(len(p.rows))
        self.table.setHorizontalHeaderLabels(list(p.header))
        for r, row in enumerate(p.rows):
            for c, cell in enumerate(row[:len(p.header)]):
                item = QtWidgets.QTableWidgetItem(_short(cell))
                if len(cell) > CELL_CHARS or "\n" in cell:
                    item.setToolTip(cell[:TOOLTIP_CHARS])
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        for c in range(self.table.columnCount()):
            self.table.setColumnWidth(c, min(max(self.table.columnWidth(c), 70), 260))
        lines = [fill(self.tr("Row %1: %2"), str(problem.row), problem.reason)
                 for problem in p.problems[:5]]
        if len(p.problems) > 5:
            lines.append(self.tr("…and %1 more rows that cannot be read").replace("%1", str(len(p.problems) - 5)))
        if lines:
            lines.insert(0, self.tr("These rows will be skipped and listed in the report:"))
        if not p.rows and not p.problems and known_data_rows(p) is None:
            lines.insert(0, self.tr("The first %1 lines after the header are blank; the import will tell whether "
                                    "any rows follow.").replace("%1", f"{SAMPLE_ROWS:,}"))
        _show(self.problems, "\n".join(lines))
        # The table shows the names the import gives ("name_2"): say why beside it.
        _show(self.renamed, "\n".join(_sentence(w) for w in p.header_warnings))
        _show(self.empty, self.tr("The file has no data rows: it holds only the header line. There is nothing "
                                  "to import; choose a file with rows, or add rows to this one and choose it "
                                  "again.") if known_data_rows(p) == 0 else "")
        self.completeChanged.emit()

    def _reload(self) -> None:
        encoding = self.encoding.currentData() if self.encoding.currentText() == \
            self.encoding.itemText(self.encoding.currentIndex()) else self.encoding.currentText().strip()
        delimiter = self.delimiter.currentData()
        p = self.wiz.preview
        if p is None or not encoding or (encoding == p.encoding and delimiter == p.delimiter):
            return
        message = self.wiz.load_preview(p.path, p.kind, encoding, delimiter)
        _show(self.error, message)
        self.show_preview()

    def isComplete(self) -> bool:  # noqa: N802
        return self.wiz.preview is not None and known_data_rows(self.wiz.preview) != 0


class _ColumnRow:
    """The widgets of one column on the Columns page."""

    def __init__(self, index: int, name: str, detected: str, target: QtWidgets.QComboBox,
                 field: QtWidgets.QComboBox, kind: QtWidgets.QComboBox):
        self.index = index
        self.name = name
        #: The inferred type in words.
        self.detected = detected
        self.target = target
        self.field = field
        self.type = kind


class MappingPage(QtWidgets.QWizardPage):
    """What each column becomes; the identifier column; date format and time zone."""

    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.wiz = wizard
        self.rows: list[_ColumnRow] = []
        self._built_for: Preview | None = None
        self._syncing = False
        self.plan_error = ""
        #: Warnings about the inferred types (dates whose day and month are unsure, numbers whose
        #: separator is), about what the checked plan will skip, and about the sample values that
        #: the chosen types, date format and time zone do not read.
        self.date_warnings: list[str] = []
        #: The zone this events file was imported with before (None: never).
        self.zone_before: str | None = None
        #: The date format chosen when this events file was imported before (None: none was).
        self.dates_before: str | None = None
        self.type_warnings: list[str] = []
        self.plan_warnings: list[str] = []
        self.fit_warnings: list[str] = []
        self.setTitle(self.tr("Choose what each column becomes"))
        self.setSubTitle(self.tr("The suggestions come from the column names and values. Columns set to "
                                 "“Don't import” are left out."))
        self.setCommitPage(True)
        self.setButtonText(QtWidgets.QWizard.WizardButton.CommitButton, self.tr("&Import"))
        layout = QtWidgets.QVBoxLayout(self)

        top = QtWidgets.QGridLayout()
        top.setHorizontalSpacing(8)
        self.id_column = QtWidgets.QComboBox(self)
        self.id_column.setObjectName("idColumn")
        self.id_kind = QtWidgets.QComboBox(self)
        self.id_kind.setObjectName("idKind")
        self.id_kind.setEditable(True)
        self.id_kind.addItems(list(IDENTIFIER_KINDS))
        self.id_kind.setToolTip(self.tr("email, phone, user_id, anonymous_id, distinct_id, or custom:<name> for "
                                        "your own kind of identifier"))
        self.date_format = QtWidgets.QComboBox(self)
        self.date_format.setObjectName("dateFormat")
        self.date_format.setEditable(True)
        self.date_format.setInsertPolicy(QtWidgets.QComboBox.InsertPolicy.NoInsert)
        self.date_format.addItem(self.tr("As detected in each column"), None)
        for fmt in DATE_FORMATS:
            self.date_format.addItem(date_format_label(fmt), fmt)
        self.date_format.setToolTip(self.tr("Choose a format, or type a pattern such as %d.%m.%Y %H:%M"))
        self.date_format.setMinimumContentsLength(26)
        self.time_zone = QtWidgets.QComboBox(self)
        self.time_zone.setObjectName("timeZone")
        self.time_zone.setEditable(True)
        self.time_zone.setInsertPolicy(QtWidgets.QComboBox.InsertPolicy.NoInsert)
        self.time_zone.addItems(list(time_zone_names()))
        self.time_zone.setMinimumContentsLength(20)
        completer = self.time_zone.completer()
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QtWidgets.QCompleter.CompletionMode.PopupCompletion)
        self.time_zone.lineEdit().setPlaceholderText(self.tr("Type a city or region, e.g. Berlin"))
        self.time_zone.setToolTip(self.tr("The zone of times written without one; times are stored in UTC"))
        self.event_name = QtWidgets.QLineEdit(self)
        self.event_name.setObjectName("fixedEventName")
        self.event_name.setPlaceholderText(self.tr("Only when no column holds the event name"))
        # Shown when a column holds phone identifiers; filled with countries when first shown.
        self.phone_country = QtWidgets.QComboBox(self)
        self.phone_country.setObjectName("phoneCountry")
        self.phone_country.addItem(self.tr("Keep as written"), "")
        self.phone_country.setSizeAdjustPolicy(
            QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.phone_country.setMinimumContentsLength(20)
        self.phone_country.setToolTip(self.tr(
            "Phone numbers written without a country code, such as 06 12 34 56 78, are read as numbers of "
            "this country and stored with it (+33 6 12 34 56 78), the way websites and apps send them, so "
            "that both name the same customer. Numbers that are not numbers of this country are kept as "
            "written and listed after the import. The workspace remembers the country for its next imports "
            "and for the event collector."))
        self.phone_label = QtWidgets.QLabel(self.tr("&Country of numbers without +:"), self)
        self.phone_label.setBuddy(self.phone_country)
        self.phone_label.setToolTip(self.phone_country.toolTip())
        #: The country remembered by the workspace when the page was built (None: none).
        self.phone_country_before: str | None = None
        self._phone_country_chosen = False
        #: Phone identifiers stored without a country code (None: not counted yet).
        self._local_phone_count: int | None = None

        def add(row: int, col: int, text: str, widget: QtWidgets.QWidget) -> None:
            label = QtWidgets.QLabel(text, self)
            label.setBuddy(widget)
            top.addWidget(label, row, col)
            top.addWidget(widget, row, col + 1)

        id_row = QtWidgets.QHBoxLayout()
        id_row.setSpacing(8)
        id_row.addWidget(self.id_column, 1)
        self.as_label = QtWidgets.QLabel(self.tr("as"), self)
        id_row.addWidget(self.as_label)
        id_row.addWidget(self.id_kind, 1)
        label = QtWidgets.QLabel(self.tr("Customer &identified by:"), self)
        label.setBuddy(self.id_column)
        top.addWidget(label, 0, 0)
        top.addLayout(id_row, 0, 1)
        add(0, 2, self.tr("&Dates:"), self.date_format)
        self.event_label = QtWidgets.QLabel(self.tr("Every row is the &event:"), self)
        self.event_label.setBuddy(self.event_name)
        top.addWidget(self.event_label, 1, 0)
        top.addWidget(self.event_name, 1, 1)
        add(1, 2, self.tr("Time &zone:"), self.time_zone)
        self.top = top
        self._place_phone_country(events=False)
        top.setColumnStretch(1, 1)
        top.setColumnStretch(3, 1)
        layout.addLayout(top)

        self.table = QtWidgets.QTableWidget(self)
        self.table.setObjectName("mappingTable")
        self.table.setColumnCount(5)
        self.table.setHorizontalHeaderLabels([self.tr("Column"), self.tr("Sample values"), self.tr("Import as"),
                                              self.tr("Field"), self.tr("Type")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setWordWrap(False)
        # Column names and field names can be long ("Default Address Province Code") and so can the
        # types ("Date and time, day/month/year (…)"): the Type column takes what is left, the
        # others are sized to their content (see _fit_columns), and text that still does not fit
        # is cut at the end (full text in the tooltips), never scrolled out at the start.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(4, QtWidgets.QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(34)
        layout.addWidget(self.table, 1)
        self.warnings = _message_label("pageWarning", self)
        self.error = _message_label("pageError", self)
        self.summary = QtWidgets.QLabel(self)
        self.summary.setObjectName("planSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.warnings)
        layout.addWidget(self.error)
        layout.addWidget(self.summary)

        self.id_column.activated.connect(lambda _i: self._id_column_chosen())
        self.id_kind.currentTextChanged.connect(lambda _t: self._id_kind_chosen())
        self.date_format.currentTextChanged.connect(lambda _t: self.check())
        self.time_zone.currentTextChanged.connect(lambda _t: self.check())
        self.event_name.textChanged.connect(lambda _t: self.check())
        # The sample numbers that are no number of the country are said again for the new one.
        self.phone_country.currentIndexChanged.connect(lambda _i: self.check())

    def _place_phone_country(self, *, events: bool) -> None:
        """The phone country goes under the identifier (a customers file has no event name row
        there), or under the event name."""
        row = 2 if events else 1
        for widget, column in ((self.phone_label, 0), (self.phone_country, 1)):
            self.top.removeWidget(widget)
            self.top.addWidget(widget, row, column)

    def _fill_phone_countries(self) -> None:
        if self.phone_country.count() > 1:
            return
        for name, code, calling in phone_countries():
            self.phone_country.addItem(fill(self.tr("%1 (+%2)"), name, str(calling)), code)
        view = self.phone_country.view()
        view.setMinimumWidth(view.sizeHintForColumn(0) + self.style().pixelMetric(
            QtWidgets.QStyle.PixelMetric.PM_ScrollBarExtent) + 16)

    def _phone_used(self) -> bool:
        """Whether a column is mapped to phone identifiers."""
        if any(r.target.currentData() == "identifier" and r.field.currentText().strip() == "phone" for r in self.rows):
            return True
        return 0 <= self.id_column.currentIndex() < len(self.rows) and self.id_kind.currentText().strip() == "phone"

    def _phone_country_before(self) -> str | None:
        if self.wiz.workspace is None:
            return None
        try:
            p = self.wiz.preview
            # A file imported before reads its numbers as it did then; another, as the workspace does.
            return ((phone_country_of_file(self.wiz.workspace, p.path) if p is not None else None)
                    or phone_country_used_before(self.wiz.workspace))
        except JourneyStudioError:
            return None  # the import itself will say what is wrong with the workspace

    # -- building ------------------------------------------------------------------------------
    def initializePage(self) -> None:  # noqa: N802
        p = self.wiz.preview
        if p is None or p is self._built_for:
            return
        self._built_for = p
        self.setSubTitle(self.tr("The columns start as in your last import of a file with the same columns. "
                                 "Columns set to “Don't import” are left out.") if self.wiz.mapping_kept else
                         self.tr("The suggestions come from the column names and values. Columns set to "
                                 "“Don't import” are left out."))
        events = p.kind == "events"
        self.event_label.setVisible(events)
        self.event_name.setVisible(events)
        self._place_phone_country(events=events)
        self._syncing = True
        try:
            self.rows = []
            self.table.setRowCount(len(p.header))
            self.id_column.clear()
            for info in p.columns:
                self.id_column.addItem(info.name)
                target, name, forced = split_field(p.mapping.get(info.name, "skip"))
                self._add_row(info.index, info.name, info.type, target, name or info.name, forced,
                              [row[info.index] for row in p.rows if info.index < len(row)])
            self.id_column.setCurrentIndex(self.id_column.findText(p.id_column) if p.id_column else -1)
            self.id_kind.setCurrentText(p.id_kind or "user_id")
            # A file imported before is read in the zone it was then, so that it adds nothing again.
            self.zone_before = self._used_before(p, zone_used_before)
            zone = self.zone_before or self.wiz.time_zone or system_time_zone()
            self.time_zone.setCurrentText(zone)
            # Likewise its dates are read in the format chosen then, if one was.
            self.dates_before = self._used_before(p, dates_used_before)
            self._select_date_format(self.dates_before)
            # Next week's export of the same columns is the same event (another name would store
            # the orders found again a second time).
            self.event_name.setText(p.event_name or "" if events else "")
            # Numbers are read in the country the workspace's imports used before, if any (chosen
            # once the countries are listed, when a column first holds phone numbers).
            self.phone_country_before = self._phone_country_before()
            self._phone_country_chosen = False
            self._local_phone_count = None
        finally:
            self._syncing = False
        self._fit_columns()
        self.date_warnings = [
            self.tr("Column “%1”: its dates could be day/month or month/day; they are read as "
                    "day/month/year unless you choose another format under Dates.").replace("%1", c.name)
            for c in p.columns if c.type.ambiguous]
        self.type_warnings = [fill(self.tr("Column “%1”: %2."), c.name,
                                   c.type.unsure_warning(c.name).split(": ", 1)[1]) for c in p.columns if c.type.unsure_separator]
        self.check()

    def _fit_columns(self) -> None:
        """Column, Import as and Field as wide as their content (within bounds); Sample values
        gives way so that Type (the stretching last column) can show its current choice whole."""
        if not self.rows:
            return
        table = self.table
        table.resizeColumnToContents(0)
        table.setColumnWidth(0, min(max(table.columnWidth(0), 110), 260))
        metrics = self.fontMetrics()
        chrome = self.style().pixelMetric(QtWidgets.QStyle.PixelMetric.PM_ScrollBarExtent) + 30  # arrow, frame
        target = max(metrics.horizontalAdvance(r.target.itemText(i)) for r in self.rows
                     for i in range(r.target.count()))
        table.setColumnWidth(2, min(max(target + chrome, 150), 220))
        field = max((metrics.horizontalAdvance(r.field.currentText()) for r in self.rows), default=0)
        table.setColumnWidth(3, min(max(field + chrome, 170), 300))
        # Type shows its current choice whole; its list opens as wide as its longest choice.
        kind = max((metrics.horizontalAdvance(r.type.currentText()) for r in self.rows), default=0)
        for r in self.rows:
            longest = max((metrics.horizontalAdvance(r.type.itemText(i)) for i in range(r.type.count())), default=0)
            r.type.view().setMinimumWidth(longest + chrome)
        room = table.viewport().width() - sum(table.columnWidth(c) for c in (0, 2, 3))
        table.setColumnWidth(1, min(max(room - (kind + chrome), 150), 420))

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_columns()
        # The table takes its new size once the page's layout has run: fit again then.
        QtCore.QTimer.singleShot(0, self._fit_columns)

    def _add_row(self, index: int, name: str, column_type: ColumnType, target: str, field: str,
                 forced: str | None, values: list[str]) -> None:
        p = self.wiz.preview
        item = QtWidgets.QTableWidgetItem(name)
        item.setFont(_bold(item.font()))
        info = p.columns[index] if p is not None else None
        item.setToolTip(name)
        if info is not None and info.sampled:
            item.setToolTip(name + "\n" + fill(self.tr("%1 of %2 sampled rows are empty"), str(info.empty),
                                               str(info.sampled)))
        self.table.setItem(index, 0, item)
        present = [v for v in values if v.strip()][:SAMPLES]
        sample = QtWidgets.QTableWidgetItem(" · ".join(_short(v, 40) for v in present))
        sample.setToolTip("\n".join(_short(v, 200) for v in present))
        secondary_brush = self.palette().brush(QtGui.QPalette.ColorGroup.Active, QtGui.QPalette.ColorRole.PlaceholderText)
        if not present:
            sample.setText(self.tr("(empty)"))
            sample.setForeground(secondary_brush)
        self.table.setItem(index, 1, sample)

        target_box = QtWidgets.QComboBox(self.table)
        for key in TARGETS[p.kind if p is not None else "customers"]:
            target_box.addItem(target_label(key), key)
        event_id = target_box.findData("event_id")
        if event_id >= 0:
            target_box.setItemData(event_id, self.tr(
                "The column that tells one event from another, such as an order number: rows with the same "
                "value and time are one event (an order's line items), and importing the next export of "
                "the same orders adds nothing. The value is kept as an event property too."),
                Qt.ItemDataRole.ToolTipRole)
        item = target_box.findData("item")
        if item >= 0:
            target_box.setItemData(item, self.tr(
                "A value of each line item of an order, such as its product or quantity: every row of the "
                "order adds one entry to the event's “items” list. Needs an “Event id (order number)” "
                "column."), Qt.ItemDataRole.ToolTipRole)
        field_box = QtWidgets.QComboBox(self.table)
        field_box.setEditable(True)
        field_box.setInsertPolicy(QtWidgets.QComboBox.InsertPolicy.NoInsert)
        type_box = QtWidgets.QComboBox(self.table)
        type_box.addItem("", None)
        for name_ in TYPES:
            type_box.addItem(type_label(name_), name_)
        row = _ColumnRow(index, name, describe_type(column_type), target_box, field_box, type_box)
        self.rows.append(row)
        target_box.setCurrentIndex(max(0, target_box.findData(target)))
        self._set_field_choices(row, field)
        type_box.setCurrentIndex(max(0, type_box.findData(forced)) if forced else 0)
        self._update_row(row)
        self.table.setCellWidget(index, 2, target_box)
        self.table.setCellWidget(index, 3, field_box)
        self.table.setCellWidget(index, 4, type_box)
        target_box.activated.connect(lambda _i, r=row: self._target_chosen(r))
        field_box.currentTextChanged.connect(lambda _t, r=row: self._field_edited(r))
        # Once the user leaves a long name, its start is what shows (the line edit would keep the end).
        field_box.lineEdit().editingFinished.connect(lambda r=row: r.field.lineEdit().setCursorPosition(0))
        type_box.activated.connect(lambda _i: self.check())
        type_box.currentTextChanged.connect(lambda text, box=type_box: box.setToolTip(text))
        type_box.setToolTip(type_box.currentText())

    def _set_field_choices(self, row: _ColumnRow, text: str) -> None:
        target = row.target.currentData()
        blocked = row.field.blockSignals(True)
        row.field.clear()
        if target == "identifier":
            row.field.addItems([*IDENTIFIER_KINDS, CUSTOM_KIND_PREFIX + row.name])
        elif target == "consent":
            row.field.addItems(list(CONSENT_CHANNELS))
        row.field.setCurrentIndex(-1)
        row.field.setEditText(text if target in _PREFIXES else "")
        row.field.lineEdit().setCursorPosition(0)  # the start of a long name, not its end
        row.field.setToolTip(row.field.currentText())
        row.field.blockSignals(blocked)

    def _update_row(self, row: _ColumnRow) -> None:
        target = row.target.currentData()
        row.field.setEnabled(target in _PREFIXES)
        placeholders = {"identifier": self.tr("kind, e.g. email"), "attribute": self.tr("attribute name"),
                        "consent": self.tr("channel, e.g. email"), "property": self.tr("property name"),
                        "item": self.tr("name in each item")}
        row.field.lineEdit().setPlaceholderText(placeholders.get(target, ""))
        typed = target in _TYPED
        row.type.setEnabled(typed)
        fixed = {"identifier": self.tr("Text"), "event": self.tr("Text"), "event_id": self.tr("Text"), "tags": self.tr("Text, split at , ; | 、"),
                 "time_zone": self.tr("Time zone name"), "consent": self.tr("Yes / no"), "skip": "—"}
        if typed:
            row.type.setItemText(0, self.tr("%1 (detected)").replace("%1", row.detected))
        else:
            row.type.setCurrentIndex(0)
            row.type.setItemText(0, fixed.get(target, ""))

    # -- reacting ------------------------------------------------------------------------------
    def _target_chosen(self, row: _ColumnRow) -> None:
        target = row.target.currentData()
        default = {"identifier": self.id_kind.currentText() if self.id_column.currentIndex() < 0 else "",
                   "consent": "email"}.get(target, row.name)
        if target == "identifier" and not default:
            default = "email" if "mail" in row.name.lower() else "user_id"
        self._set_field_choices(row, default)
        self._update_row(row)
        self._syncing = True
        try:
            if target == "identifier" and self.id_column.currentIndex() < 0:
                self.id_column.setCurrentIndex(row.index)
                self.id_kind.setCurrentText(row.field.currentText())
            elif target != "identifier" and self.id_column.currentIndex() == row.index:
                # The identifier column was given another use: the next identifier takes over.
                others = [r for r in self.rows if r.target.currentData() == "identifier"]
                self.id_column.setCurrentIndex(others[0].index if others else -1)
                if others:
                    self.id_kind.setCurrentText(others[0].field.currentText())
        finally:
            self._syncing = False
        self.check()

    def _field_edited(self, row: _ColumnRow) -> None:
        row.field.setToolTip(row.field.currentText())
        if not self._syncing and row.index == self.id_column.currentIndex() \
                and row.target.currentData() == "identifier":
            self._syncing = True
            try:
                self.id_kind.setCurrentText(row.field.currentText())
            finally:
                self._syncing = False
        self.check()

    def _id_column_chosen(self) -> None:
        index = self.id_column.currentIndex()
        if index < 0 or index >= len(self.rows):
            return
        row = self.rows[index]
        self._syncing = True
        try:
            if row.target.currentData() != "identifier":
                kind = self._kind_for(row)
                row.target.setCurrentIndex(row.target.findData("identifier"))
                self._set_field_choices(row, kind)
                self._update_row(row)
                self.id_kind.setCurrentText(kind)
            else:
                self.id_kind.setCurrentText(row.field.currentText())
        finally:
            self._syncing = False
        self.check()

    def _kind_for(self, row: _ColumnRow) -> str:
        """The identifier kind a column chosen under “Customer identified by” starts with: the one
        its name or values say (``Kunden-Nr`` → none, ``E-Mail`` → email), unless another column
        is that kind already; then a user id, or a custom kind named after the column."""
        p = self.wiz.preview
        info = p.columns[row.index] if p is not None and row.index < len(p.columns) else None
        used = {r.field.currentText().strip() for r in self.rows
                if r is not row and r.target.currentData() == "identifier"}
        for kind in (identifier_kind_of(row.name, info.type if info is not None else None), "user_id"):
            if kind and kind not in used:
                return kind
        return CUSTOM_KIND_PREFIX + row.name

    def _id_kind_chosen(self) -> None:
        if self._syncing:
            return
        index = self.id_column.currentIndex()
        if 0 <= index < len(self.rows) and self.rows[index].target.currentData() == "identifier":
            self._syncing = True
            try:
                self.rows[index].field.setEditText(self.id_kind.currentText())
            finally:
                self._syncing = False
        self.check()

    # -- the options ---------------------------------------------------------------------------
    def options(self) -> ImportOptions:
        """The import options the page shows (encoding and delimiter from the preview)."""
        p = self.wiz.preview
        mapping = {row.name: join_field(row.target.currentData(), row.field.currentText(), row.type.currentData())
                   for row in self.rows}
        id_index = self.id_column.currentIndex()
        id_column = self.rows[id_index].name if 0 <= id_index < len(self.rows) else None
        fmt = self.date_format.currentData() if self.date_format.currentText() == \
            self.date_format.itemText(self.date_format.currentIndex()) else self.date_format.currentText().strip()
        events = p is not None and p.kind == "events"
        # None (no phone column): the workspace's remembered country stays as it is.
        phone_country = (self.phone_country.currentData() or "") if self._phone_used() else None
        return ImportOptions(
            mapping=mapping, id_column=id_column, phone_country=phone_country,
            id_kind=(self.id_kind.currentText().strip() or None) if id_column else None,
            event_name=(self.event_name.text().strip() or None) if events else None,
            time_zone=self.time_zone.currentText().strip() or "UTC", date_format=fmt or None,
            encoding=p.encoding if p is not None else None, delimiter=p.delimiter if p is not None else None,
            **({"batch_rows": self.wiz.batch_rows} if self.wiz.batch_rows else {}))

    def check(self) -> None:
        """Check the options against the file now, and say what the import will do."""
        if self._syncing or self.wiz.preview is None:
            return
        p = self.wiz.preview
        phones = self._phone_used()
        if phones and not self._phone_country_chosen:
            self._syncing = True  # choosing the country here is part of this check, not another one
            try:
                self._fill_phone_countries()
                self.phone_country.setCurrentIndex(
                    max(0, self.phone_country.findData(self.phone_country_before or "")))
            finally:
                self._syncing = False
            self._phone_country_chosen = True
        options = self.options()
        try:
            plan = make_plan(p, options)
        except JourneyStudioError as exc:
            plan = None
            self.plan_error = error_text(exc, p.path)
            self.plan_warnings = []
            self.fit_warnings = []
            self.summary.clear()
        else:
            self.plan_error = unreadable_times(plan, p)
            self.plan_warnings = [_sentence(w) for w in plan.warnings]
            self.fit_warnings = sample_misfits(plan, p, options.phone_country or None)
            used = len(plan.columns)
            text = fill(self.tr("%1 of %2 columns will be imported; the customer is found by %3 (%4)."),
                        str(used), str(len(p.header)), plan.id_column, plan.id_kind)
            self.summary.setText(text)
        self._show_read_types(plan, chosen=options.date_format is not None)
        events = p.kind == "events"
        if events:
            column = next((r.name for r in self.rows if r.target.currentData() == "event"), None)
            self.event_name.setEnabled(column is None)
            self.event_name.setPlaceholderText(
                self.tr("Taken from column “%1”").replace("%1", column) if column
                else self.tr("Only when no column holds the event name"))
        # Once a format is chosen under Dates, day and month are no longer guessed.
        dates = self.date_warnings if options.date_format is None else []
        renamed = [_sentence(w) for w in p.header_warnings]
        zone = options.time_zone
        moved = []
        if self.zone_before and zone != self.zone_before:
            moved.append(fill(self.tr("This file was imported before with times read in %1; read in %2, its "
                                      "events are stored again at other times. Choose %1 to add nothing twice.")
                              if events else
                              self.tr("This file was imported before with times read in %1; read in %2, the "
                                      "customers' date and time attributes change. Choose %1 to change nothing."),
                              self.zone_before, zone))
        if self.dates_before and options.date_format != self.dates_before:
            moved.append((self.tr("This file was imported before with its dates read as “%1”; read another "
                                  "way, its events whose day and month can be swapped are stored again at other "
                                  "dates. Choose “%1” under Dates to add nothing twice.") if events else
                          self.tr("This file was imported before with its dates read as “%1”; read another "
                                  "way, its dates whose day and month can be swapped change. Choose “%1” under "
                                  "Dates to change nothing."))
                         .replace("%1", date_format_label(self.dates_before)))
        if phones and options.phone_country and options.phone_country != (self.phone_country_before or ""):
            stored = self._local_phones_stored()
            if stored:
                text = self.tr(
                    "1 phone number is stored without a country code (imported with “Keep as written”): read as "
                    "%2 numbers, this file's numbers will not find that customer, who would become a second "
                    "one. Write the stored number with its country code first (“Phone numbers…” in the "
                    "Profiles window).") if stored == 1 else self.tr(
                    "%1 phone numbers are stored without a country code (imported with “Keep as written”): read "
                    "as %2 numbers, this file's numbers will not find those customers, who would become "
                    "second ones. Write the stored numbers with their country code first (“Phone numbers…” "
                    "in the Profiles window).").replace("%1", f"{stored:,}")
                moved.append(text.replace("%2", options.phone_country))
        self.phone_label.setVisible(phones)
        self.phone_country.setVisible(phones)
        _show(self.warnings, "\n".join(renamed + dates + self.type_warnings + self.plan_warnings
                                       + self.fit_warnings + moved))
        _show(self.error, self.plan_error)
        self.completeChanged.emit()

    def _local_phones_stored(self) -> int:
        """Phone identifiers the workspace holds without a country code (counted once a page)."""
        if self._local_phone_count is None:
            try:
                self._local_phone_count = local_phone_count(self.wiz.workspace) if self.wiz.workspace else 0
            except JourneyStudioError:
                self._local_phone_count = 0  # the import itself will say what is wrong with the workspace
        return self._local_phone_count

    def _select_date_format(self, fmt: str | None) -> None:
        """Show ``fmt`` (a format's code or a typed pattern) under Dates; None: as detected."""
        index = self.date_format.findData(fmt) if fmt else 0
        if index >= 0:
            self.date_format.setCurrentIndex(index)
        else:
            self.date_format.setEditText(fmt)

    def _used_before(self, p: Preview, read: Callable[[Any, str], str | None]) -> str | None:
        """What the workspace remembers of this events file's last import (``read``: its zone or
        date format)."""
        if self.wiz.workspace is None:
            return None
        try:
            return read(self.wiz.workspace, remembered_as(p.kind, p.path, ImportOptions()))
        except JourneyStudioError:
            return None  # the import itself will say what is wrong with the workspace

    def _show_read_types(self, plan: ImportPlan | None, chosen: bool = False) -> None:
        """A time column that is not all dates is read in the format of most of its values (when no
        format is chosen under Dates): its Type box says so, rather than the type inferred from all
        of them. Dates read in the format chosen under Dates say that instead."""
        p = self.wiz.preview
        for row in self.rows:
            if row.target.currentData() in _TYPED:
                row.type.setItemText(0, self.tr("%1 (detected)").replace("%1", row.detected))
        if plan is None or p is None:
            return
        if chosen:
            for column in plan.columns:
                row = self.rows[column.index]
                if column.type.name in ("date", "datetime") and row.target.currentData() in _TYPED \
                        and row.type.currentIndex() == 0:
                    row.type.setItemText(0, self.tr("%1 (chosen under Dates)").replace("%1", describe_type(column.type)))
            return
        for column in plan.of("time"):
            info, row = p.columns[column.index], self.rows[column.index]
            if info.type.name not in ("date", "datetime") and column.type == info.as_dates \
                    and row.type.currentIndex() == 0:
                row.type.setItemText(0, self.tr("%1 (most values)").replace("%1", describe_type(column.type)))

    def isComplete(self) -> bool:  # noqa: N802
        return self.wiz.preview is not None and not self.plan_error

    def validatePage(self) -> bool:  # noqa: N802
        self.check()
        if self.plan_error:
            return False
        self.wiz.options = self.options()
        self.wiz.time_zone = self.wiz.options.time_zone
        return True


def _bold(font: QtGui.QFont) -> QtGui.QFont:
    font.setBold(True)
    return font


class ImportPage(QtWidgets.QWizardPage):
    """The import under way: progress, counts, and Cancel."""

    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.wiz = wizard
        self.setTitle(self.tr("Importing"))
        layout = QtWidgets.QVBoxLayout(self)
        layout.addStretch(1)
        self.phase = QtWidgets.QLabel(self)
        self.phase.setObjectName("progressPhase")
        layout.addWidget(self.phase)
        self.bar = QtWidgets.QProgressBar(self)
        self.bar.setObjectName("importProgress")
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(True)
        layout.addWidget(self.bar)
        self.counts = QtWidgets.QLabel(self)
        self.counts.setObjectName("fileFacts")
        layout.addWidget(self.counts)
        row = QtWidgets.QHBoxLayout()
        row.addStretch(1)
        self.cancel = QtWidgets.QPushButton(self.tr("&Cancel import"), self)
        self.cancel.setObjectName("cancelImport")
        self.cancel.setToolTip(self.tr("Stop after the rows being read now; what was imported stays, and importing "
                                       "the file again adds the rest"))
        self.cancel.clicked.connect(self.wiz.cancel_import)
        row.addWidget(self.cancel)
        layout.addLayout(row)
        layout.addStretch(2)

    def initializePage(self) -> None:  # noqa: N802
        p = self.wiz.preview
        self.setSubTitle(Path(p.path).name if p is not None else "")
        self.phase.setText(self.tr("Reading the file…"))
        self.bar.setValue(0)
        self.counts.setText("")
        self.cancel.setEnabled(True)
        self.wiz.start_import()
        self.completeChanged.emit()  # Next stays off until the import ends

    def show_progress(self, progress: ImportProgress) -> None:
        self.bar.setValue(int(progress_fraction(progress, self.wiz.preview) * 1000))
        phases = {"reading": self.tr("Reading and storing rows…"),
                  "indexing": self.tr("Rebuilding the event indexes…"),
                  "committing": self.tr("Saving…"), "done": self.tr("Finishing…")}
        if not self.wiz.cancelling:
            self.phase.setText(phases.get(progress.phase, progress.phase))
        self.counts.setText(fill(self.tr("%1 rows read · %2 imported · %3 skipped with errors"),
                                 f"{progress.rows:,}", f"{progress.imported:,}", f"{progress.skipped:,}"))

    def show_cancelling(self) -> None:
        self.cancel.setEnabled(False)
        self.phase.setText(self.tr("Stopping after the rows being read now…"))

    def isComplete(self) -> bool:  # noqa: N802
        return not self.wiz.running


def result_warnings(result: ImportResult) -> list[str]:
    """The warnings an import's last page shows: what the first rows suggested about a column
    ("1 of the first 6 values does not fit") is left out where the import says what it did with
    that column's values ("1 value did not fit its type and was kept as text")."""
    done = {w.split("': ", 1)[0] for w in result.warnings if " did not fit its type" in w}
    return [w for w in result.warnings
            if not (" of the first " in w and " not fit its type" in w and w.split("': ", 1)[0] in done)]


class ResultPage(QtWidgets.QWizardPage):
    """What the import did, and the rows it skipped."""

    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.wiz = wizard
        self.setTitle(self.tr("Import finished"))
        layout = QtWidgets.QVBoxLayout(self)
        self.headline = QtWidgets.QLabel(self)
        self.headline.setObjectName("resultHeadline")
        self.headline.setWordWrap(True)
        layout.addWidget(self.headline)
        tiles = QtWidgets.QWidget(self)
        tiles.setSizePolicy(QtWidgets.QSizePolicy.Policy.Preferred, QtWidgets.QSizePolicy.Policy.Maximum)
        self.tiles = QtWidgets.QHBoxLayout(tiles)
        self.tiles.setContentsMargins(0, 4, 0, 4)
        layout.addWidget(tiles)
        self.count_labels: dict[str, QtWidgets.QLabel] = {}
        self.failure = _message_label("pageError", self)
        layout.addWidget(self.failure)
        self.warnings = _message_label("pageWarning", self)
        layout.addWidget(self.warnings)
        # The import changed the phone country and numbers stored before have none: write them with it.
        phones_row = QtWidgets.QHBoxLayout()
        self.phones_note = QtWidgets.QLabel("", self)
        self.phones_note.setObjectName("hint")
        self.phones_note.setWordWrap(True)
        phones_row.addWidget(self.phones_note, 1)
        self.phones_button = QtWidgets.QPushButton(self.tr("Write stored numbers with their country code…"), self)
        self.phones_button.setObjectName("writeStoredPhones")
        self.phones_button.setToolTip(self.tr("See what writing the phone numbers stored without a country code "
                                              "with it does, and do it"))
        self.phones_button.clicked.connect(self.open_phone_numbers)
        phones_row.addWidget(self.phones_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(phones_row)
        #: The Phone numbers dialog last opened from this page (None: never).
        self.phone_dialog = None
        errors_row = QtWidgets.QHBoxLayout()
        self.errors_title = QtWidgets.QLabel(self)
        self.errors_title.setWordWrap(True)
        errors_row.addWidget(self.errors_title, 1)
        self.export = QtWidgets.QPushButton(self.tr("E&xport errors…"), self)
        self.export.setObjectName("exportErrors")
        self.export.setToolTip(self.tr("Save every skipped row with its reason as a CSV file that opens in a "
                                       "spreadsheet"))
        self.export.clicked.connect(self.wiz.export_errors)
        errors_row.addWidget(self.export)
        layout.addLayout(errors_row)
        self.export_note = _message_label("hint", self)
        layout.addWidget(self.export_note)
        self.export_error = _message_label("exportError", self)
        layout.addWidget(self.export_error)
        self.model = ErrorModel(self)
        self.table = QtWidgets.QTableView(self)
        self.table.setObjectName("errorTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setHorizontalScrollMode(QtWidgets.QAbstractItemView.ScrollMode.ScrollPerPixel)
        # Every column can be resized; Reason is as wide as its longest text (the table scrolls
        # sideways) and at least fills the table (see _fit_reason).
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        layout.addWidget(self.table, 1)
        # The chosen row's reason in full, wrapped: readable without scrolling or hovering.
        self.detail = _message_label("errorDetail", self)
        layout.addWidget(self.detail)
        self.table.viewport().installEventFilter(self)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _previous: self._show_detail(current))
        # Takes the room of the table when there is no table.
        layout.addStretch(0)
        self._layout = layout

    def _tile(self, key: str, name: str, value: int, bad: bool = False, tip: str = "") -> None:
        frame = QtWidgets.QFrame(self)
        frame.setObjectName("countTile")
        box = QtWidgets.QVBoxLayout(frame)
        box.setContentsMargins(12, 8, 12, 8)
        number = QtWidgets.QLabel(f"{value:,}", frame)
        number.setObjectName("countValue")
        number.setProperty("bad", bad and value > 0)
        label = QtWidgets.QLabel(name, frame)
        label.setObjectName("countName")
        box.addWidget(number)
        box.addWidget(label)
        frame.setToolTip(tip)
        self.tiles.addWidget(frame)
        self.count_labels[key] = number

    def initializePage(self) -> None:  # noqa: N802
        while self.tiles.count():
            item = self.tiles.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.count_labels = {}
        result, failure = self.wiz.result, self.wiz.failure
        _show(self.failure, failure or "")
        _show(self.export_note, "")
        _show(self.export_error, "")
        _show(self.detail, "")
        p = self.wiz.preview
        self.setSubTitle(Path(p.path).name if p is not None else " ")
        self._show_phones(None)
        empty = result is not None and not result.cancelled and result.rows_read == 0
        if result is None or empty:
            self.setTitle(self.tr("Import failed") if result is None else self.tr("Nothing to import"))
            self.headline.setText(self.tr("Nothing was imported.") if result is None else
                                  self.tr("The file has no data rows: it holds only the header line, so nothing "
                                          "was imported."))
            self.model.set_errors([])
            self.errors_title.hide()
            self.export.hide()
            self.table.hide()
            _show(self.warnings, "\n".join(w[:1].upper() + w[1:] for w in result_warnings(result)) if result else "")
            self._layout.setStretch(self._layout.count() - 1, 1)
            return
        if result.cancelled:
            self.setTitle(self.tr("Import cancelled"))
            self.headline.setText(self.tr("Stopped after line %1. What was read before is kept; importing the file "
                                          "again adds the rest.").replace("%1", f"{result.last_line:,}"))
        else:
            self.setTitle(self.tr("Import finished"))
            self.headline.setText(self.tr("The rows without errors are in the workspace."))
        self._tile("rows", self.tr("Rows read"), result.rows_read)
        if result.kind == "events":
            self._tile("imported", self.tr("Events imported"), result.imported)
            self._tile("created", self.tr("New customers"), result.created)
            self._tile("duplicates", self.tr("Duplicates skipped"), result.duplicates)
            if result.continued:
                tip = (self.tr("Rows with the same “%1” as the row above (an order's line items): each adds "
                               "its line item to that event's “items” list; the event keeps the first row's "
                               "other values.") if result.item_columns else
                       self.tr("Rows with the same “%1” as the row above (an order's line items): "
                               "they are part of that event, which keeps the first row's values."))
                self._tile("continued", self.tr("Rows of an event above"), result.continued,
                           tip=tip.replace("%1", result.event_id_column))
        else:
            self._tile("created", self.tr("Customers created"), result.created)
            # Rows, like the other tiles, so that they add up to the rows read.
            self._tile("updated", self.tr("Rows with updates"), result.updated,
                       tip=self.tr("Rows that changed a customer who was already there: %1 customers in all.")
                       .replace("%1", f"{result.customers_updated:,}"))
            self._tile("duplicates", self.tr("Rows with nothing new"), result.unchanged)
        self._tile("skipped", self.tr("Bad rows skipped"), result.skipped, bad=True)
        self.tiles.addStretch(1)
        _show(self.warnings, "\n".join(w[:1].upper() + w[1:] for w in result_warnings(result)))
        self._show_phones(result)
        self.model.set_errors(result.errors)
        has_errors = bool(result.errors)
        self.errors_title.setVisible(True)
        if not has_errors and result.cancelled:
            # The rows after the cancel were never read: nothing can be said of them.
            self.errors_title.setText(self.tr("No errors in the %1 rows read before the import was cancelled; the "
                                              "rest of the file was not read.").replace("%1", f"{result.rows_read:,}"))
        elif not has_errors:
            self.errors_title.setText(self.tr("Every row was read without an error."))
        elif len(result.errors) == result.skipped:
            self.errors_title.setText(self.tr("Skipped rows"))
        else:
            self.errors_title.setText(fill(self.tr("Skipped rows (the first %1 of %2)"),
                                           f"{len(result.errors):,}", f"{result.skipped:,}"))
        self.export.setVisible(has_errors)
        self.table.setVisible(has_errors)
        self._layout.setStretch(self._layout.count() - 1, 0 if has_errors else 1)
        if has_errors:
            self.table.resizeColumnsToContents()
            for col, limit in ((0, 80), (1, 80), (2, 180), (3, 220)):
                self.table.setColumnWidth(col, min(max(self.table.columnWidth(col), 60), limit))
            self._fit_reason()
            self.table.selectRow(0)
            self._show_detail(self.model.index(0, 0))

    def _show_phones(self, result: ImportResult | None) -> None:
        """Offer to write the numbers stored without a country code with one, when the import set or
        changed the phone country and there are such numbers."""
        local = 0
        if result is not None and result.phone_country_change and result.phone_country \
                and self.wiz.workspace is not None:
            from engine.track.phone_rewrite import local_phone_count

            try:
                local = local_phone_count(self.wiz.workspace)
            except JourneyStudioError:
                local = 0
        if result is not None:
            local = min(local, result.local_phones_before)  # not the numbers this import stored
        if local:
            code = calling_prefix(result.phone_country)
            self.phones_note.setText(fill(
                self.tr("1 phone number stored before has no country code: looking it up as a %2 number misses it, "
                        "and its customer may have a second profile under the %2 number.") if local == 1 else
                self.tr("%1 phone numbers stored before have no country code: looking them up as %2 numbers misses "
                        "them, and their customers may have second profiles under the %2 numbers."),
                f"{local:,}", code))
        self.phones_note.setVisible(bool(local))
        self.phones_button.setVisible(bool(local))

    def open_phone_numbers(self):
        """Open the dialog that writes the stored phone numbers with their country code."""
        from gui.phone_numbers_dialog import PhoneNumbersDialog

        if self.phone_dialog is not None:
            self.phone_dialog.shutdown()
            self.phone_dialog.deleteLater()
        self.phone_dialog = PhoneNumbersDialog(self.wiz.workspace, self)
        self.phone_dialog.rewritten.connect(lambda _outcome: self._show_phones(self.wiz.result))
        self.phone_dialog.open()
        return self.phone_dialog

    def _fit_reason(self) -> None:
        """Reason as wide as its longest text, and at least as wide as the room left in the table."""
        if not self.model.errors:
            return
        table = self.table
        room = table.viewport().width() - sum(table.columnWidth(c) for c in range(4))
        table.setColumnWidth(4, max(table.sizeHintForColumn(4), room))

    def _show_detail(self, index: QtCore.QModelIndex) -> None:
        if not index.isValid() or index.row() >= len(self.model.errors):
            _show(self.detail, "")
            return
        error = self.model.errors[index.row()]
        where = fill(self.tr("Row %1 (line %2)"), f"{error.row:,}", f"{error.line:,}")
        if error.column:
            where += self.tr(", column “%1”").replace("%1", error.column)
        _show(self.detail, f"{where}: {' '.join(error.reason.split())}")

    def show_export(self, text: str, failed: bool = False) -> None:
        """What Export errors… did: where the file went (a hint), or why it was not saved (an error)."""
        _show(self.export_error, text if failed else "")
        _show(self.export_note, "" if failed else text)

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:  # noqa: N802
        # The table's own size (not the page's) decides the room left for Reason.
        if watched is self.table.viewport() and event.type() == QtCore.QEvent.Type.Resize:
            self._fit_reason()
        return super().eventFilter(watched, event)


# ---------------------------------------------------------------------------------------------
# The wizard
# ---------------------------------------------------------------------------------------------

class ImportWizard(QtWidgets.QWizard):
    """Import customers or events from a CSV file; see the module docstring."""

    #: The import ended (finished or cancelled); carries the ImportResult.
    imported = Signal(object)
    #: The worker is made and about to start (tests and embedders may connect to its signals).
    importStarting = Signal(object)  # ImportWorker

    PAGE_FILE, PAGE_PREVIEW, PAGE_MAPPING, PAGE_IMPORT, PAGE_RESULT = range(5)

    def __init__(self, workspace, kind: str = "customers", path: str | None = None,
                 parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("importWizard")
        self.setWindowTitle(self.tr("Import customers or events"))
        self.setStyleSheet(_STYLE)
        self.setWizardStyle(QtWidgets.QWizard.WizardStyle.ModernStyle)
        # No default button: Enter in a field name on the Columns page must not start the import.
        self.setOptions(QtWidgets.QWizard.WizardOption.NoBackButtonOnLastPage
                        | QtWidgets.QWizard.WizardOption.NoCancelButtonOnLastPage
                        | QtWidgets.QWizard.WizardOption.NoDefaultButton)
        self.resize(1040, 700)
        self.workspace = workspace
        self.kind = kind if kind in ("customers", "events") else "customers"
        self.path = path or ""
        #: The user's choices on the Preview page (None: as detected).
        self.encoding: str | None = None
        self.delimiter: str | None = None
        self.time_zone: str | None = None
        #: Rows per batch (None: the engine's default); smaller batches report progress more often.
        self.batch_rows: int | None = None
        self.preview: Preview | None = None
        #: The columns start as the last import of a file with the same columns mapped them.
        self.mapping_kept = False
        self.options: ImportOptions | None = None
        self.result: ImportResult | None = None
        self.failure: str | None = None
        self.worker: ImportWorker | None = None
        self.thread: QtCore.QThread | None = None
        self._cancel = threading.Event()

        self.file_page = FilePage(self)
        self.preview_page = PreviewPage(self)
        self.mapping_page = MappingPage(self)
        self.import_page = ImportPage(self)
        self.result_page = ResultPage(self)
        for page_id, page in ((self.PAGE_FILE, self.file_page), (self.PAGE_PREVIEW, self.preview_page),
                              (self.PAGE_MAPPING, self.mapping_page), (self.PAGE_IMPORT, self.import_page),
                              (self.PAGE_RESULT, self.result_page)):
            self.setPage(page_id, page)
        self.setStartId(self.PAGE_FILE)

    # -- state ---------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.thread is not None

    @property
    def cancelling(self) -> bool:
        return self._cancel.is_set()

    def load_preview(self, path: str, kind: str, encoding: str | None = None, delimiter: str | None = None) -> str:
        """Read the start of ``path``; returns "" or what went wrong, in words."""
        try:
            fresh = preview(path, kind, encoding=encoding, delimiter=delimiter)
        except JourneyStudioError as exc:
            return error_text(exc, name_only=True)  # the File page shows where it is
        except (OSError, ValueError, UnicodeError) as exc:
            return self.tr("Cannot read the file: %1").replace("%1", str(exc))
        self.mapping_kept = False
        if self.workspace is not None:
            try:
                fresh, self.mapping_kept = with_mapping_used_before(self.workspace, fresh)
            except JourneyStudioError:
                self.mapping_kept = False  # the suggestion stands
        self.preview, self.path, self.kind = fresh, path, kind
        self.encoding, self.delimiter = encoding, delimiter
        return ""

    # -- the import ----------------------------------------------------------------------------
    def start_import(self) -> None:
        if self.running or self.preview is None or self.options is None:
            return
        self.result = None
        self.failure = None
        self._cancel = threading.Event()
        self.thread = QtCore.QThread(self)
        self.thread.setObjectName("csv-import")
        self.worker = ImportWorker(self.workspace, self.preview.path, self.preview.kind, self.options, self._cancel)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.progressed.connect(self.import_page.show_progress)
        self.worker.finished.connect(self._finished)
        self.worker.failed.connect(self._failed)
        self.importStarting.emit(self.worker)
        self.thread.start()

    def cancel_import(self) -> None:
        """Ask the import to stop after the batch it is reading (what was committed stays)."""
        if self.running and not self._cancel.is_set():
            self._cancel.set()
            self.import_page.show_cancelling()

    def _end_thread(self) -> None:
        thread, worker = self.thread, self.worker
        self.thread = None
        if thread is not None:
            thread.quit()
            thread.wait()
            thread.deleteLater()
        if worker is not None:
            worker.deleteLater()
        self.worker = None

    def _finished(self, result: ImportResult) -> None:
        self._end_thread()
        self.result = result
        self.imported.emit(result)
        self._show_result()

    def _failed(self, message: str) -> None:
        self._end_thread()
        self.failure = message
        self._show_result()

    def _show_result(self) -> None:
        self.import_page.completeChanged.emit()
        if self.currentId() == self.PAGE_IMPORT:
            self.next()

    # -- error report --------------------------------------------------------------------------
    def export_errors(self) -> None:
        result = self.result
        if result is None or not result.errors:
            return
        source = Path(result.path)
        path = self._ask_errors_path(str(source.with_name(f"{source.stem}-errors.csv")))
        if not path:
            return
        try:
            result.write_errors(path)
        except OSError as exc:
            self.result_page.show_export(
                fill(self.tr("The skipped rows were not saved to %1, because %2. Choose another place with "
                             "“Export errors…”."), path, save_failure(exc, path)), failed=True)
            return
        count = len(result.errors)
        self.result_page.show_export(fill(self.tr("Saved 1 row to %2") if count == 1 else self.tr("Saved %1 rows to %2"),
                                          f"{count:,}", path))

    # -- questions (overridable, so tests and embedders can answer them) ---------------------------
    def _ask_open_path(self, current: str) -> str:
        start = current or str(Path.home())
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self, self.tr("Choose a CSV file or an Excel workbook"), start,
            self.tr("CSV files and Excel workbooks (*.csv *.tsv *.txt *.xlsx *.xlsm);;All files (*)"))
        return path

    def _ask_errors_path(self, suggested: str) -> str:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, self.tr("Export the skipped rows"), suggested,
                                                        self.tr("CSV files (*.csv)"))
        return path

    # -- closing -------------------------------------------------------------------------------
    def reject(self) -> None:
        # Cancel while importing stops the import; the wizard then shows what was kept.
        if self.running:
            self.cancel_import()
            return
        super().reject()

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:  # noqa: N802
        if self.running:
            self.cancel_import()
            event.ignore()
            return
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop an import under way and wait for it (the app is closing)."""
        if self.running:
            self._cancel.set()
            if self.worker is not None:
                # Nobody is left to show the result.
                self.worker.finished.disconnect(self._finished)
                self.worker.failed.disconnect(self._failed)
            self._end_thread()
