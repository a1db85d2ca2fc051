"""CSV import of customers and events: preview, column mapping, and the import itself.

The import wizard of the app and ``journey-studio import`` both use this module:

1. :func:`preview` reads the start of a file: its encoding and delimiter, the header, the first
   rows, an inferred type per column (:mod:`engine.track.csv_types`) and a suggested mapping.
2. The caller adjusts :class:`ImportOptions` (column → field mapping, identifier column, time zone,
   date formats); :func:`make_plan` checks them against the file and says what will happen.
3. :func:`import_events` / :func:`import_customers` run the import, calling ``progress`` after every
   batch and stopping cleanly when ``cancel`` is set: what was committed stays, and the result says
   up to which line the file was read.

Fields: ``identifiers.<kind>`` (``email``, ``phone``, ``user_id``, ``anonymous_id``, ``distinct_id``,
``custom:<name>``), ``skip``; for events ``event`` (the name), ``time`` and ``properties.<name>``;
for customers ``attributes.<name>``, ``consent.<channel kind>`` (yes/no, or a marketing status such
as ``subscribed``), ``tags`` (separated by ``,``, ``;`` or ``|``) and ``time_zone``. A mapping may
end in ``:<type>`` to force a type; a value that does not fit a forced type (or a time, consent or
identifier that is not valid) makes its row an error, while a value that does not fit an
*inferred* property or attribute type is kept as text. A spreadsheet's leading apostrophe before
digits (``'02134``, ``'+33612345678``) is left out of attributes and identifiers: ``'02134`` is stored
as ``02134``, and a column with such a value among its sampled ones is text (a ZIP column of
``'02134`` and ``69001`` stays codes, not numbers); see :mod:`engine.track.csv_types`.

Shopify's customer exports are mapped without help: ``Accepts Email Marketing`` and ``Accepts SMS
Marketing`` (yes/no; ``Accepts Marketing`` in older exports, about e-mail) and, in newer exports,
``Email Marketing Status`` and ``SMS Marketing Status`` become consent. A status is read as
:data:`~engine.track.csv_types.MARKETING_STATUSES` says: ``subscribed`` gives consent,
``unsubscribed`` and ``not_subscribed`` refuse it, ``pending``, ``invalid``, ``redacted`` and an
empty cell record nothing. When a file has both columns for a channel, the status is the consent
(it tells a pending double opt-in from a refusal) and the yes/no column is kept as an attribute.

Rules:

- A row with an error is skipped and reported (:class:`RowError`: its row number as a
  spreadsheet counts, its physical line, the column and the reason); the other rows are imported.
- Importing a file again adds nothing. An event's ``dedup_key`` is derived from its identifiers,
  name, time and properties (``csv:<UTC time>:<hash>``, so keys of a file in time order are
  written in order), and the store ignores a key it has. Customers are upserted by identifier:
  attributes and consent are merged column by column (empty cells change nothing, and so do the
  cells of an attribute column that only say there is no value, such as ``n/a``, ``null`` or ``-``:
  :data:`~engine.track.csv_types.PLACEHOLDERS`; a warning counts them), tags are added
  to the stored ones. Every row of a customer import is counted once: it created a customer, it
  updated one, it changed nothing (``unchanged``; so do rows that only set a customer back to what
  it was before the import, as a file imported again that names one customer twice does), or it
  was skipped.
- A row's identifiers that belong to different customers make the row an error (merge the profiles
  first); an identifier nobody has yet is given to the customer the row names, or creates one.
  A row that would give a customer a second identifier of an exclusive kind (a second user id:
  :data:`~engine.track.identity.EXCLUSIVE_KINDS`, rule 3 of ``docs/identity.md``) is an error too,
  reported on the column that names the customer. A row with an error changes nothing.
- Naive times are in the import's time zone (UTC unless chosen); everything is stored in UTC.
- Phone identifiers written without a country code (``06 12 34 56 78``) are read as numbers of the
  import's phone country when it has one (:attr:`ImportOptions.phone_country`) and kept in E.164
  form (``+33612345678``), the form websites and apps send; numbers that are not valid numbers
  of that country are kept as written and named in a warning. The workspace remembers the country
  for its next imports, its collector and its profile lookups.
- An event time that is not a date makes its row an error. A time column whose sampled values are
  not all dates (more than one in twenty do not fit, so its inferred type is not a date) and whose
  format is not given is read in the format that reads the most of them, if that is more than half
  (the plan warns, and the other rows are errors); otherwise the import is refused, saying how many
  of the sampled values read as dates.
- Errors (:class:`CsvImportError`) name no control of a front end; they say which option they are
  about, whether its value is wrong in itself, and which setting would fix them.

Speed: rows are read in batches and converted a column at a time
(:class:`engine.track.csv_types.EventConverter`); identifiers are resolved with a per-import
dictionary (one query per batch for the unknown ones); events are written with multi-row
``INSERT OR IGNORE`` statements on SQLite and ``executemany`` with ``ON CONFLICT DO NOTHING`` on
PostgreSQL, on the raw driver connection, in large transactions taken under the workspace's write
lock. An events file of some size is read and converted (dedup keys included) by a second Python
process while this one resolves identities and writes, so that both halves of the work use a
processor each (:data:`PARALLEL_MIN_BYTES`, :attr:`ImportOptions.parallel`); what it sends is what
converting here would make, and if it cannot be started the file is read here. A large import into
a small events table on SQLite ("bulk") drops the events' secondary (non-unique) indexes inside its
transaction and builds them again by sorting before it commits, which is several times cheaper than
keeping them up to date row by row; readers never see the table without them. When the import has
the workspace to itself (:attr:`ImportOptions.exclusive`, as ``journey-studio import`` has), that
bulk transaction writes through a rollback journal instead of the write-ahead log, so its pages
are written once rather than to the log and then again by a checkpoint (see
:meth:`_Writer.use_rollback_journal`). A successful return means the rows are committed.
"""

from __future__ import annotations

import contextlib
import csv
import json
import logging
import operator
import os
import pickle
import queue
import re
import sqlite3
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from itertools import chain, compress, repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy import exc as sa_exc

from engine import gcpause
from engine.channels.kinds import CHANNEL_KINDS
from engine.document import new_id
from engine.errors import JourneyStudioError, WorkspaceError
from engine.identifiers import (
    PHONE_COUNTRY_META,
    PhoneCountryError,
    canonical_identifier,
    check_phone_country,
    phone_country_of,
    says_nothing,
)
from engine.store.customers import (
    CUSTOM_KIND_PREFIX,
    IDENTIFIER_KINDS,
    MAX_EVENT_NAME_LENGTH,
    MAX_IDENTIFIER_LENGTH,
    MAX_KIND_LENGTH,
    MAX_SOURCE_LENGTH,
    EventRecord,
)
from engine.store.models import CustomerRow, EventRow, IdentifierRow
from engine.track.collector_messages import merged_tags, split_tags
from engine.track.csv_format import (
    DELIMITER_NAMES,
    FileFormat,
    NoHeader,
    RecordBatch,
    RecordFile,
    RecordProblem,
    clean_header,
    open_records,
    sniff,
)
from engine.track.csv_types import (
    CONVERT_ROWS,
    DATE_FORMATS,
    READING_PROCESS_CODE,
    TYPES,
    BatchConverter,
    ColumnPlan,
    ColumnType,
    DateTimeConverter,
    EventConverter,
    EventJob,
    EventRows,
    KeptAsText,
    Note,
    RowProblem,
    check_date_format,
    clip,
    converter,
    infer_type,
    most_read_dates,
    note_warning,
    noted,
    parse_type,
    receive_frame,
    receive_message,
    send_message,
    storage_strings,
    without_placeholders,
    yes_no,
)
from engine.track.identity import EXCLUSIVE_KINDS
from engine.track.tracking_plan import CSV_PREFIX, check_and_record, current_plan

if TYPE_CHECKING:
    from engine.store.workspace import Workspace

log = logging.getLogger("journey_studio.import")

Kind = Literal["events", "customers"]
KINDS: tuple[Kind, ...] = ("events", "customers")
PREVIEW_ROWS = 20
#: Rows looked at to infer the column types.
SAMPLE_ROWS = 1000
#: Rows read, converted and written together.
BATCH_ROWS = 20_000
#: Rows per transaction outside bulk mode.
COMMIT_ROWS = 200_000
#: A bulk import needs at least this many rows...
BULK_MIN_ROWS = 100_000
#: ...and takes at most this many in its one transaction.
BULK_MAX_ROWS = 5_000_000
#: Errors kept with their details (all are counted).
MAX_KEPT_ERRORS = 100_000
#: Values per ``IN (...)`` list on SQLite.
LOOKUP_CHUNK = 500
#: Rows per multi-row INSERT statement on SQLite.
INSERT_ROWS = 500
#: Batches the reading process may have sent ahead of the one being written.
READ_AHEAD = 8
#: An events file this large is read and converted by a second process (see ImportOptions.parallel):
#: below it, starting that process would cost more than it saves.
PARALLEL_MIN_BYTES = 4 * 2**20
#: Events handed to ``on_events`` at a time.
HANDOVER_CHUNK = 10_000

_customers = CustomerRow.__table__
_events = EventRow.__table__

ProgressCallback = Callable[["ImportProgress"], None]
CancelSignal = threading.Event | Callable[[], bool]
#: What is wrong with a row: the column, the value and the reason (see :class:`RowError`).
_Problem = tuple[str, str, str]
#: The exclusive identifiers of a customer made without any (shared: never changed in place).
_NONE_HELD: dict[str, str] = {}
#: What to do about identifiers of different customers in one row.
MERGE_FIRST = "merge them first (journey-studio profiles merge, or Merge in the Profiles window)"


class CsvImportError(JourneyStudioError):
    """The file or the import options cannot be used (nothing was imported).

    The message names no control of a front end (no command-line flag, no field of the wizard);
    what the user may do about it is carried as data, for each front end to say in its own words:

    - ``option``: the :class:`ImportOptions` field the error is about (``mapping``, ``id_column``,
      ``id_kind``, ``event_name``, ``time_zone``, ``date_format``, ``date_formats``, ``encoding``,
      ``delimiter``, ``phone_country``), or None when it is about the file.
    - ``usage``: the value given for ``option`` is wrong in itself (an unknown field, identifier
      kind, time zone, encoding or date format, a column the file does not have, options that
      contradict each other), rather than the file not fitting the import. The command line
      exits 2 for these.
    - ``fix``: which setting would let the import go on, one of :data:`FIXES`, or None.
    """

    def __init__(self, message: str, *, where: str | None = None, option: str | None = None,
                 usage: bool = False, fix: str | None = None):
        assert fix is None or fix in FIXES, fix
        self.option = option
        self.usage = usage
        self.fix = fix
        super().__init__(message, where=where)


#: The settings an error's ``fix`` may name: the format of the dates of the time column, the
#: column that identifies the customer, the column (or fixed name) of the event name, the column
#: of the event time, the encoding of the file, and the column that tells events apart (an order
#: number, which line items need).
FIXES = ("date_format", "id_column", "event", "time", "encoding", "event_id")


# ----------------------------------------------------------------------------------------------
# Results
# ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RowError:
    """A row that was skipped, and why."""

    #: The row number a spreadsheet shows (the header is row 1).
    row: int
    #: The physical line the row starts on (a cell with line breaks makes rows and lines differ).
    line: int
    #: The column name, or "" when the problem is the whole row.
    column: str
    reason: str
    #: The start of the offending value.
    value: str = ""

    def describe(self) -> str:
        where = f"row {self.row}" + (f" (line {self.line})" if self.line != self.row else "")
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class ImportProgress:
    """Where an import is; passed to the progress callback after every batch."""

    rows: int
    bytes_done: int
    bytes_total: int
    imported: int
    skipped: int
    #: ``reading``, ``indexing`` (bulk: rebuilding indexes), ``committing`` or ``done``.
    phase: str

    @property
    def fraction(self) -> float:
        return min(1.0, self.bytes_done / self.bytes_total) if self.bytes_total else 1.0


@dataclass
class ImportResult:
    """What an import did."""

    kind: Kind
    path: str
    encoding: str
    delimiter: str
    #: Data rows read (blank rows not counted). In a customer import every one of them is counted
    #: once in ``created``, ``updated``, ``unchanged`` or ``skipped``.
    rows_read: int = 0
    #: Events added, or customer rows that created or changed a customer (``created + updated``).
    imported: int = 0
    #: Customers created (an event import creates the customers it does not know); in a customer
    #: import, the rows that created one, one row per customer.
    created: int = 0
    #: Customer rows that changed a customer that was there before the row: one created by an
    #: earlier row of the file counts too (customer import).
    updated: int = 0
    #: Customer rows that changed nothing, because their customer already had all they say, or
    #: because the customer is as it was before the import once all its rows are applied
    #: (customer import).
    unchanged: int = 0
    #: Customers changed that were there before the import (customer import; rows naming one
    #: customer count once here).
    customers_updated: int = 0
    #: Events stored already, or repeated in the file (event import).
    duplicates: int = 0
    #: Rows that continue the event of the row above, with the same event id (an order's line
    #: items; event import with an event id column, :attr:`event_id_column`).
    continued: int = 0
    event_id_column: str = ""
    #: The columns of an order's line items (``items.<name>``), gathered into each event's
    #: ``items`` list, one entry per row.
    item_columns: list[str] = field(default_factory=list)
    #: Breaches of the tracking plan among the events imported (unknown event, missing or mistyped
    #: property; one event can count several), added to the Tracking panel's counts.
    plan_violations: int = 0
    #: Rows skipped with an error.
    skipped: int = 0
    blank_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cancelled: bool = False
    #: The last physical line read (when cancelled: how far the import got).
    last_line: int = 0
    dry_run: bool = False
    bulk: bool = False
    #: With :attr:`ImportOptions.exclusive`, what the bulk transaction wrote through on SQLite:
    #: ``delete`` (a rollback journal) or ``wal`` (another connection kept the log); else empty.
    journal: str = ""
    elapsed_s: float = 0.0
    #: How each column was used, for display.
    mapping: list[str] = field(default_factory=list)
    #: The zone times written without one were read in (events).
    time_zone: str = ""
    #: That zone is the one the source was imported with before (:attr:`ImportOptions.keep_zone`).
    zone_kept: bool = False
    #: Every time in the file's first rows says its zone or offset (``+0200``, ``Z``): the zone
    #: above mattered to none of them.
    zones_written: bool = False
    #: The columns were mapped as in the last import of a file with the same columns
    #: (:attr:`ImportOptions.keep_mapping`).
    mapping_kept: bool = False
    #: Events: the one name every row got (no event column), "" otherwise.
    event_name: str = ""
    #: Events: the date format chosen when the same source was imported before, used again as none
    #: was given this time (see :func:`dates_used_before`); "" otherwise.
    date_format_kept: str = ""
    #: The country phone identifiers written without a country code were read in ("": kept as
    #: written; see :attr:`ImportOptions.phone_country`).
    phone_country: str = ""
    #: That country is the one the workspace's imports used before (the options named none), and
    #: the file has phone identifiers.
    phone_country_kept: bool = False
    #: ... and it is the one this file's numbers were read in when it was imported before.
    phone_country_of_file: bool = False
    #: What this import changed in the workspace's phone country, in words ("" if nothing).
    phone_country_change: str = ""
    #: Phone identifiers stored without a country code before this import, when it set or changed
    #: the phone country (they are not found by numbers read in it; this import's own are not counted).
    local_phones_before: int = 0

    @property
    def good_rows(self) -> int:
        """Rows that were imported or had nothing new in them."""
        if self.kind == "events":
            return self.imported + self.duplicates + self.continued
        return self.rows_read - self.skipped

    def summary(self) -> str:
        """One line, e.g. ``1,000 rows read: 990 events imported, 7 skipped with errors, 3 duplicates``."""
        verb = "would be " if self.dry_run else ""
        if self.kind == "events":
            done = [_count(self.imported, "event") + f" {verb}imported"]
            if self.created:
                done.append(_count(self.created, "new customer"))
            if self.duplicates:
                done.append(_count(self.duplicates, "duplicate"))
            if self.continued:
                what = "adding their line item to" if self.item_columns else "adding to"
                done.append(f"{_count(self.continued, 'row')} {what} the event above (same "
                            f"'{self.event_id_column}')")
        else:
            done = [_count(self.created, "customer") + f" {verb}created", f"{self.updated:,} {verb}updated"]
            if self.unchanged:
                done.append(_count(self.unchanged, "row") + " unchanged")
        done.append(f"{self.skipped:,} skipped with errors")
        text = f"{_count(self.rows_read, 'row')} read: {', '.join(done)}"
        if self.cancelled:
            text += f"; cancelled after line {self.last_line:,}"
        return text

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["errors"] = [asdict(e) for e in self.errors]
        data["good_rows"] = self.good_rows
        return data

    def write_errors(self, path: str | Path) -> None:
        """The error report as CSV (UTF-8 with a BOM so that Excel reads it): row, line, column,
        value, reason; separated as the file imported was, when that is a semicolon or a tab (a
        spreadsheet set to read semicolons opens the report as it opened the file)."""
        write_error_report(self.errors, path, delimiter=self.delimiter)


def _count(n: int, noun: str) -> str:
    """``1 event``, ``2 events``, ``1,000 events``."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def write_error_report(errors: Iterable[RowError], path: str | Path, *, delimiter: str = ",") -> None:
    """Write row errors as a CSV file that opens in a spreadsheet; ``delimiter``: the imported
    file's, used when it is a semicolon or a tab (else a comma)."""
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter if delimiter in (";", "\t") else ",")
        writer.writerow(["row", "line", "column", "value", "reason"])
        for error in errors:
            writer.writerow([error.row, error.line, error.column, error.value, error.reason])


# ----------------------------------------------------------------------------------------------
# Preview and mapping
# ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ColumnInfo:
    """A column of the file as the preview sees it."""

    index: int
    name: str
    type: ColumnType
    #: Empty cells among the sampled rows.
    empty: int
    sampled: int
    #: Sampled values that do not fit the inferred type.
    misfits: int = 0
    #: The date format that reads the most sampled values (the type itself for a date column;
    #: see :func:`~engine.track.csv_types.most_read_dates`), and how many it reads.
    as_dates: ColumnType | None = None
    dates: int = 0
    #: Every sampled value is written like an order number (``#1001``), as Shopify's "Name" is.
    order_numbers: bool = False
    #: Every sampled value is a yes or no word of a language the import reads (``Ja``, ``oui``,
    #: ``是``), and there is at least one.
    yes_no: bool = False


@dataclass(frozen=True)
class Preview:
    """The start of a CSV file and what an import would make of it."""

    path: str
    kind: Kind
    encoding: str
    delimiter: str
    header: tuple[str, ...]
    #: The first rows, as text.
    rows: tuple[tuple[str, ...], ...]
    columns: tuple[ColumnInfo, ...]
    #: Suggested column → field (see the module docstring).
    mapping: dict[str, str]
    #: The suggested identifier column and kind.
    id_column: str | None
    id_kind: str | None
    size: int
    #: Data rows of the file (blank rows not counted): estimated from the size, or counted when
    #: ``exact_rows`` says so.
    estimated_rows: int
    #: Problems met in the sampled rows.
    problems: tuple[RecordProblem, ...]
    warnings: tuple[str, ...]
    #: The preview read the whole file, so ``estimated_rows`` is the number of its data rows.
    exact_rows: bool = False
    #: The warnings about the header (repeated names, and the names given instead), which are
    #: among ``warnings`` too: they say why a column shows another name than the file's.
    header_warnings: tuple[str, ...] = ()
    #: Lines before the header that name the delimiter (Excel's ``sep=;``), which are skipped.
    skip_lines: int = 0
    #: The one event name every row was given when a file with these columns was imported before
    #: (events without an event column; see :func:`with_mapping_used_before`).
    event_name: str | None = None

    @property
    def delimiter_name(self) -> str:
        return DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))

    def column(self, name: str) -> ColumnInfo:
        for info in self.columns:
            if info.name == name:
                return info
        raise KeyError(name)


@dataclass
class ImportOptions:
    """How to read a file and what to make of its columns; every field may stay at its default."""

    #: Column → field, optionally ``field:type`` (``amount=properties.amount:float``); columns not
    #: named keep the suggested mapping.
    mapping: dict[str, str] = field(default_factory=dict)
    #: The column that identifies the customer, and its identifier kind.
    id_column: str | None = None
    id_kind: str | None = None
    #: One event name for every row (events without an ``event`` column).
    event_name: str | None = None
    #: The zone of times written without one (an IANA name).
    time_zone: str = "UTC"
    #: Events: read times written without a zone in the zone the same source was imported with
    #: before, if it was (see :func:`zone_used_before`); ``time_zone`` then counts only for a
    #: source never imported. For a zone nobody chose (the computer's), so that importing a file
    #: again adds nothing wherever it is done.
    keep_zone: bool = False
    #: Map the columns as the last import of a file with the same columns (of the same kind) did,
    #: when there was one (see :func:`mapping_used_before`); ``mapping``, ``id_column`` and
    #: ``id_kind`` still win for what they name.
    keep_mapping: bool = False
    #: The format of every date column (``iso``, ``dmy``, ``mdy``, ``ymd``, ``unix_s``, ``unix_ms``
    #: or a strptime pattern); ``date_formats`` sets it per column.
    date_format: str | None = None
    date_formats: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    delimiter: str | None = None
    #: The events' ``source``; ``csv:<file name>`` by default.
    source: str | None = None
    batch_rows: int = BATCH_ROWS
    commit_rows: int = COMMIT_ROWS
    #: Rebuild the secondary indexes instead of maintaining them (SQLite); None decides by size.
    bulk: bool | None = None
    #: Read and convert an events file in a second process while this one writes; None decides by
    #: size (see :data:`PARALLEL_MIN_BYTES`).
    parallel: bool | None = None
    #: Nothing else uses the workspace while this import runs (the command line): a bulk import on
    #: SQLite then writes through a rollback journal instead of the write-ahead log, so that each
    #: new page is written once rather than to the log and again into the database file. SQLite
    #: refuses the switch while any other connection is open; the import then keeps the log.
    exclusive: bool = False
    #: The country (ISO 3166-1 alpha-2: ``FR``, ``DE``, ``GB``, ``CN``, ``US``; any case) of phone
    #: identifiers written without a country code: ``06 12 34 56 78`` is then kept as
    #: ``+33612345678``, the way a website sends it (see
    #: :func:`~engine.identifiers.canonical_identifier`); a number that is not one of that country
    #: is kept as written and named in a warning. ``""`` or ``none``: numbers are kept as written.
    #: Either is remembered by the workspace (:data:`~engine.identifiers.PHONE_COUNTRY_META`, which
    #: the collector and the profiles' lookup use too). None: the country remembered, if any.
    phone_country: str | None = None


@dataclass(frozen=True)
class ImportPlan:
    """The checked mapping of a file; build it with :func:`make_plan`."""

    kind: Kind
    header: tuple[str, ...]
    columns: tuple[ColumnPlan, ...]
    id_column: str
    id_kind: str
    event_name: str | None
    time_zone: str
    skipped: tuple[str, ...]
    #: What the import will do that the user may not expect (rows it will skip).
    warnings: tuple[str, ...] = ()

    def describe(self) -> list[str]:
        lines = [c.describe() for c in self.columns]
        if self.event_name:
            lines.append(f"every row → event '{self.event_name}'")
        if self.skipped:
            lines.append("not imported: " + ", ".join(self.skipped))
        return lines

    def of(self, prefix: str) -> list[ColumnPlan]:
        return [c for c in self.columns if c.target == prefix or c.target.startswith(prefix + ".")]


_ID_HEADERS: dict[str, tuple[str, ...]] = {
    "email": ("email", "e-mail", "e_mail", "mail", "email_address", "emailaddress", "e_mail_address", "mail_address",
              "courriel", "adresse_e_mail", "adresse_email", "adresse_mail", "adresse_électronique",
              "correo", "correo_electrónico", "correo_electronico", "e_mail_adresse", "emailadresse",
              "邮箱", "电子邮件", "电子邮箱", "邮件地址", "邮箱地址"),
    "user_id": ("user_id", "userid", "user", "customer_id", "customerid", "uid", "member_id", "memberid",
                "client_id", "id", "用户id", "会员id", "客户id"),
    "phone": ("phone", "mobile", "phone_number", "tel", "telephone", "cell", "手机", "手机号", "手机号码", "电话",
              "电话号码", "联系电话", "移动电话",
              "telefon", "telefonnummer", "handy", "handynummer", "mobil", "mobilnummer", "téléphone",
              "portable", "teléfono", "telefono", "móvil", "movil", "celular", "cellulare", "telemóvel",
              "telemovel", "telefone"),
    "distinct_id": ("distinct_id", "distinctid"),
    "anonymous_id": ("anonymous_id", "anonymousid", "anon_id"),
}
#: Headers of the event name, as :func:`_norm` writes them. A bare ``name`` is not one: in a customer
#: list it is the customer's.
_EVENT_HEADERS = ("event", "event_name", "eventname", "event_type", "action", "action_name", "activity",
                  "activity_name", "type", "ereignis", "ereignisname", "aktion", "aktivität", "événement",
                  "evenement", "nom_de_l'événement", "nom_de_l'evenement", "activité", "evento", "nombre_del_evento",
                  "acción", "accion", "actividad", "nome_evento", "nome_dell'evento", "azione", "attività",
                  "nome_do_evento", "ação", "acao", "atividade", "事件", "事件名", "事件名称", "事件类型")
_TIME_HEADERS = ("time", "timestamp", "occurred_at", "event_time", "datetime", "date", "created_at",
                 "ts", "at", "时间", "日期", "发生时间")
#: Headers of the column that tells an event from every other (an order's number): rows that repeat
#: it are one event (an order's line items, an export of the same orders again). As :func:`_norm`
#: writes them.
_EVENT_ID_HEADERS = ("event_id", "eventid", "message_id", "messageid", "order_id", "orderid", "order_number",
                     "ordernumber", "order_no", "order_no.", "order_#", "order_name", "transaction_id",
                     "transactionid", "bestellnummer", "bestell_nr", "bestell_nr.", "auftragsnummer",
                     "numéro_de_commande", "numero_de_commande", "n°_de_commande", "no_de_commande",
                     "número_de_pedido", "numero_de_pedido", "id_pedido", "numero_ordine", "订单号", "订单编号",
                     "订单id", "订单_id", "订单号码")
#: Headers of the columns of an order's line items, as :func:`_norm` writes them: the start of one
#: (Shopify's ``Lineitem name``, WooCommerce's ``Item Name``, ``Product ID``, ``Artikelnummer``,
#: ``商品名称``), or a whole header.
_ITEM_PREFIXES = ("lineitem_", "line_item_", "item_", "product_", "artikel", "produkt_", "produit_", "articulo_",
                  "artículo_", "producto_", "articolo_", "prodotto_", "商品", "产品", "宝贝")
_ITEM_HEADERS = ("sku", "item", "product", "quantity", "qty", "variant", "variant_sku", "menge", "anzahl", "artikel",
                 "produkt", "quantité", "quantite", "cantidad", "quantità", "quantita", "数量", "购买数量", "单价",
                 "规格", "款式", "sku编码")


def _line_item_column(header: str) -> bool:
    """Whether a column of an order export holds a value of each line item (one row per item)."""
    name = _norm(header)
    return name in _ITEM_HEADERS or (name.startswith(_ITEM_PREFIXES) and name not in _ITEM_PREFIXES)


#: An order number as shops write it in a column named just "Name" (Shopify: ``#1001``).
_ORDER_NUMBER = re.compile(r"#\d+")
_TAG_HEADERS = ("tags", "tag", "labels", "标签")
_ZONE_HEADERS = ("time_zone", "timezone", "tz", "时区")
_CHANNEL_WORDS = {"email": "email", "mail": "email", "e-mail": "email", "e_mail": "email", "newsletter": "email",
                  "courriel": "email", "correo": "email", "sms": "sms", "text": "sms", "texto": "sms",
                  "phone": "sms", "mobile": "sms", "webhook": "webhook", "chat": "chat"}
#: Words before or after the channel in a consent column's header (``Consentement e-mail``,
#: ``E-Mail Einwilligung``), as :func:`_norm` writes them.
_CONSENT_PREFIXES = ("consent_", "opt_in_", "optin_", "consentement_", "consentimiento_", "consenso_",
                     "einwilligung_", "zustimmung_", "accord_")
_CONSENT_SUFFIXES = ("_consent", "_opt_in", "_optin", "_opted_in", "_subscribed", "_subscription",
                     "_consentement", "_einwilligung", "_zustimmung", "_allowed", "_permitted", "_erlaubt",
                     "_zugestimmt", "_abonniert", "_ok", "_autorisé", "_autorise", "_accepté", "_accepte",
                     "_permitido", "_consentito")
#: Headers that name only a channel (``Newsletter``, ``SMS``): consent when every value is yes or
#: no (a ``Newsletter`` column may also hold the newsletter's name), as :func:`_norm` writes them.
_BARE_CHANNELS = {"newsletter": "email", "e_mail_newsletter": "email", "email_newsletter": "email",
                  "sms": "sms", "sms_newsletter": "sms", "whatsapp": "whatsapp", "邮件订阅": "email"}
#: Chinese consent headers: a word saying consent (订阅 subscribed, 授权 consent, 同意 agreed,
#: 接收 receives) and the channel (邮件 / 邮箱 e-mail, 短信 SMS): 邮件订阅, 同意接收短信.
_ZH_CONSENT_WORDS = ("订阅", "授权", "同意", "接收")
_ZH_CHANNELS = (("短信", "sms"), ("邮件", "email"), ("邮箱", "email"))


def _norm(header: str) -> str:
    return header.strip().lower().replace(" ", "_").replace("-", "_")


def _consent_channel(header: str) -> str | None:
    """The channel kind a consent column's header names; ``None`` when it names none, or a channel
    no account can send through (``WhatsApp Opt In``): such a column is an attribute, as the
    collector refuses consent for kinds that are not channel kinds."""
    channel = _named_channel(header)
    return channel if channel in CHANNEL_KINDS else None


def _named_channel(header: str) -> str | None:
    name = _norm(header)
    # Shopify: "Accepts Email Marketing", "Accepts SMS Marketing", and "Accepts Marketing" in
    # older exports, which was about e-mail; "Email Marketing Status" and "SMS Marketing Status"
    # in newer ones (see the module docstring).
    if name in ("accepts_marketing", "accept_marketing", "acceptsmarketing"):
        return "email"
    if _is_marketing_status(header):
        word = name[:-len(_STATUS_SUFFIX)]
        return _CHANNEL_WORDS.get(word, word)
    for prefix in ("accepts_", "accept_"):
        if name.startswith(prefix) and name.endswith("_marketing") and len(name) > len(prefix) + len("_marketing"):
            word = name[len(prefix):-len("_marketing")]
            return _CHANNEL_WORDS.get(word, word)
    for suffix in _CONSENT_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            word = name[:-len(suffix)]
            return _CHANNEL_WORDS.get(word, word)
    for prefix in _CONSENT_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            word = name[len(prefix):]
            return _CHANNEL_WORDS.get(word, word)
    if any(word in name for word in _ZH_CONSENT_WORDS):
        return next((channel for word, channel in _ZH_CHANNELS if word in name), None)
    return None


_STATUS_SUFFIX = "_marketing_status"


def _is_marketing_status(header: str) -> bool:
    name = _norm(header)
    return name.endswith(_STATUS_SUFFIX) and len(name) > len(_STATUS_SUFFIX)


def _id_kind_of(header: str, column_type: ColumnType | None) -> str | None:
    name = _norm(header)
    for kind, words in _ID_HEADERS.items():
        if name in words:
            return kind
    if column_type is not None and column_type.name in ("email", "phone"):
        # Values that are e-mail addresses or phone numbers (a phone column is one only when its
        # header names a phone, "Tél. portable", or every number starts with +) name the customer.
        return column_type.name
    return None


def identifier_kind_of(header: str, column_type: ColumnType | None) -> str | None:
    """The identifier kind a column's header or values name (``E-Mail`` → ``email``), or None."""
    return _id_kind_of(header, column_type)


def suggest_mapping(kind: Kind, columns: Sequence[ColumnInfo]) -> tuple[dict[str, str], str | None, str | None]:
    """A column → field mapping for a file, and the identifier column and kind it relies on."""
    mapping: dict[str, str] = {}
    id_column = id_kind = None
    ids: list[tuple[int, ColumnInfo, str]] = []
    priority = list(_ID_HEADERS)
    for info in columns:
        found = _id_kind_of(info.name, info.type)
        if found is not None:
            ids.append((priority.index(found), info, found))
    # Of two columns of one kind, the one its header names (Shopify's "Phone") before one only its
    # values make that kind ("Default Address Phone"), then the first.
    ids.sort(key=lambda item: (item[0], _norm(item[1].name) not in _ID_HEADERS[item[2]], item[1].index))
    used_kinds: set[str] = set()
    for rank, (_p, info, found) in enumerate(ids):
        if found in used_kinds:
            continue
        if rank == 0:
            id_column, id_kind = info.name, found
        elif kind == "events":
            continue  # extra identifiers of an event file stay properties unless mapped
        used_kinds.add(found)
        mapping[info.name] = f"identifiers.{found}"
    taken = set(mapping)
    if kind == "events":
        event_col = next((c for c in columns if c.name not in taken and _norm(c.name) in _EVENT_HEADERS
                          and c.type.name == "text"), None)
        if event_col is not None:
            mapping[event_col.name] = "event"
            taken.add(event_col.name)
        time_col = next((c for c in columns if c.name not in taken and _norm(c.name) in _TIME_HEADERS
                         and (c.type.name in ("date", "datetime") or c.empty == c.sampled)), None)
        if time_col is None:
            time_col = next((c for c in columns if c.name not in taken and c.type.name == "datetime"), None)
        if time_col is None:
            # Named like a time but not all dates: the plan asks for a date format, or rows fail.
            time_col = next((c for c in columns if c.name not in taken and _norm(c.name) in _TIME_HEADERS), None)
        if time_col is not None:
            mapping[time_col.name] = "time"
            taken.add(time_col.name)
        id_col = next((c for c in columns if c.name not in taken and c.type.name in ("text", "int")
                       and (_norm(c.name) in _EVENT_ID_HEADERS or c.order_numbers)), None)
        if id_col is not None:
            mapping[id_col.name] = "event_id"
            taken.add(id_col.name)
            for info in columns:
                if info.name not in taken and _line_item_column(info.name):
                    mapping[info.name] = f"items.{info.name}"
                    taken.add(info.name)
        for info in columns:
            if info.name not in taken:
                mapping[info.name] = f"properties.{info.name}"
    else:
        # One column per channel: a marketing status rather than a yes/no column, else the first.
        consent: dict[str, ColumnInfo] = {}
        for info in columns:
            channel = _consent_channel(info.name)
            if channel is None and info.yes_no and _BARE_CHANNELS.get(_norm(info.name)) in CHANNEL_KINDS:
                channel = _BARE_CHANNELS[_norm(info.name)]
            if info.name in taken or channel is None or info.type.name not in ("bool", "int", "text"):
                continue
            if channel not in consent or (_is_marketing_status(info.name)
                                          and not _is_marketing_status(consent[channel].name)):
                consent[channel] = info
        consent_of = {info.name: channel for channel, info in consent.items()}
        for info in columns:
            if info.name in taken:
                continue
            if info.name in consent_of:
                mapping[info.name] = f"consent.{consent_of[info.name]}"
            elif _norm(info.name) in _TAG_HEADERS:
                mapping[info.name] = "tags"
            elif _norm(info.name) in _ZONE_HEADERS:
                mapping[info.name] = "time_zone"
            else:
                mapping[info.name] = f"attributes.{info.name}"
    return mapping, id_column, id_kind


def preview(path: str | Path, kind: Kind = "events", *, encoding: str | None = None,
            delimiter: str | None = None, rows: int = PREVIEW_ROWS, sample_rows: int = SAMPLE_ROWS) -> Preview:
    """Read the start of a CSV file: format, header, first rows, column types, a suggested mapping.

    Raises :class:`CsvImportError` if the file cannot be read or has no header.
    """
    if kind not in KINDS:
        raise CsvImportError(f"unknown import kind '{kind}'; use events or customers", usage=True)
    # A workbook: the CSV copy of as many rows as are read here (a header and the sampled rows).
    head = max(rows, sample_rows) + 2
    readable = readable_file(path, head)
    if readable != Path(path):
        encoding, delimiter = "utf-8", ","  # the workbook's sheet, written by sheet_file.csv_of
    with _named_as(readable, path):
        fmt = _sniff(readable, encoding, delimiter)
    raw, _source, reader = open_records(readable, fmt)
    try:
        header, first_problems, warnings = _read_header(reader, path)
        header_warnings = tuple(warnings)
        batch = reader.read(max(rows, sample_rows))
        whole = reader.eof
    finally:
        raw.close()
    width = len(header)
    kept = [(r + [""] * (width - len(r)) if len(r) < width else r[:width], number)
            for r, number in zip(batch.rows, batch.row_numbers, strict=True) if r and any(r)]
    # As the import will: a row with values beyond the header's columns is skipped.
    wide = [(number, len(r)) for r, number in zip(batch.rows, batch.row_numbers, strict=True)
            if len(r) > width and any(cell.strip() for cell in r[width:])]
    sample = [r for r, _n in kept]
    numbers = [n for _r, n in kept]
    columns = []
    for index, name in enumerate(header):
        values = [r[index] for r in sample]
        if kind == "customers":
            values = without_placeholders(values)  # empty cells of an attribute (n/a, null, -)
        column_type = infer_type(values, name, delimiter=fmt.delimiter)
        empty = sum(1 for v in values if not v.strip())
        misfit_rows = _misfits(column_type, values)
        misfits = len(misfit_rows)
        if column_type.name in ("date", "datetime"):
            as_dates, dates = column_type, len(values) - empty - misfits
        else:
            as_dates, dates = most_read_dates(values, name) or (None, 0)
        present = [v.strip() for v in values if v.strip()]
        order_numbers = bool(present) and all(map(_ORDER_NUMBER.fullmatch, present))
        says_yes_no = bool(present) and all(yes_no(v) is not None for v in present)
        columns.append(ColumnInfo(index, name, column_type, empty, len(values), misfits, as_dates, dates,
                                  order_numbers, says_yes_no))
        if column_type.ambiguous:
            warnings.append(ambiguous_dates_warning(name))
        if column_type.unsure_separator:
            warnings.append(column_type.unsure_warning(name))
        if misfits:
            shown = ", ".join(f"row {numbers[i]} {_quoted(values[i].strip())}" for i in misfit_rows[:3])
            warnings.append(f"column '{name}': {misfits} of the first {len(values) - empty:,} values "
                            f"do{'es' if misfits == 1 else ''} not fit its type ({column_type.describe()}): "
                            f"{shown}{' and more' if misfits > 3 else ''}")
    if wide:
        shown = ", ".join(f"row {number} ({fields} fields)" for number, fields in wide[:3])
        number, fields = wide[0]
        warnings.append((f"row {number} has {fields} fields but the header has {width}: it will be skipped"
                         if len(wide) == 1 else
                         f"{len(wide):,} of the first rows have more fields than the header's {width} and will be "
                         f"skipped: {shown}{' and more' if len(wide) > 3 else ''}")
                        + " (a separator inside a value that is not in quotes?)")
    mapping, id_column, id_kind = suggest_mapping(kind, columns)
    warnings += [_mixed_dates_warning(info, mapping[info.name]) for info in columns
                 if mapping.get(info.name, "").startswith(("attributes.", "properties.")) and _mixed_dates(info)]
    if whole:
        # Every record was read: count the data rows as the import does (malformed ones included).
        estimated = len(batch.problems) + sum(1 for r in sample if any(cell.strip() for cell in r))
    elif readable != Path(path):
        # The first rows of a workbook: its rows as the sheet's used range counts them.
        from engine.track.xlsx_read import XlsxError, last_row

        try:
            last = last_row(path)
        except (XlsxError, OSError):
            last = None
        estimated = max(last - 1 - fmt.skip_lines, len(sample)) if last else _estimate_rows(fmt)
    else:
        estimated = _estimate_rows(fmt)
    return Preview(path=str(path), kind=kind, encoding=fmt.encoding, delimiter=fmt.delimiter,
                   header=tuple(header), rows=tuple(tuple(r) for r in sample[:rows]), columns=tuple(columns),
                   mapping=mapping, id_column=id_column, id_kind=id_kind, size=fmt.size,
                   estimated_rows=estimated, problems=tuple(first_problems + batch.problems),
                   warnings=tuple(warnings), exact_rows=whole, header_warnings=header_warnings,
                   skip_lines=fmt.skip_lines)


def _misfits(column_type: ColumnType, values: Sequence[str]) -> list[int]:
    """The indexes of the non-empty values that do not fit ``column_type``."""
    conv = converter(column_type)
    found = []
    for index, value in enumerate(values):
        if value.strip():
            try:
                conv.one(value)
            except ValueError:
                found.append(index)
    return found


def readable_file(path: str | Path, head: int | None = None) -> Path:
    """The file an import reads for ``path``: itself, or for an Excel workbook the CSV copy of its
    first sheet (:func:`engine.track.sheet_file.csv_of`; ``head``: of its first rows only). A
    CsvImportError names a workbook that cannot be read, or a file that cannot be opened."""
    from engine.track.sheet_file import XlsxError, csv_of

    try:
        return csv_of(path, head)
    except XlsxError as exc:
        raise CsvImportError(str(exc), where=str(path)) from None
    except OSError as exc:
        raise CsvImportError(f"cannot read the file: {exc.strerror or exc}", where=str(path)) from None


@contextlib.contextmanager
def _named_as(readable: Path, path: str | Path) -> Iterator[None]:
    """Errors raised inside that name the file read (a workbook's CSV copy) name ``path`` instead."""
    try:
        yield
    except JourneyStudioError as exc:
        if readable != Path(path) and exc.where == str(readable):
            exc.where = str(path)
            exc.args = (f"{exc.where}: {exc.message}",)
        raise


def _sniff(path: str | Path, encoding: str | None, delimiter: str | None) -> FileFormat:
    if delimiter is not None and len(delimiter) != 1:
        names = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
        if delimiter.lower() not in names:
            raise CsvImportError(f"the delimiter must be one character (or tab, comma, semicolon, pipe), "
                                 f"not {delimiter!r}", option="delimiter", usage=True)
        delimiter = names[delimiter.lower()]
    try:
        fmt = sniff(path, encoding=encoding, delimiter=delimiter)
    except LookupError:
        raise CsvImportError(f"unknown encoding '{encoding}'", where=str(path), option="encoding",
                             usage=True) from None
    except OSError as exc:
        raise CsvImportError(f"cannot read the file: {exc.strerror or exc}", where=str(path)) from None
    if encoding and (fmt.binary == "binary data" or "\ufffd" in fmt.sample.split("\n", 1)[0]):
        # A chosen encoding the file is not in: say which one it looks like, rather than import
        # garbled column names or call UTF-16 text binary.
        detected = sniff(path, delimiter=delimiter)
        if detected.encoding != fmt.encoding and not detected.binary:
            raise CsvImportError(
                f"the column names do not read as {encoding}: the file looks like {detected.encoding} text",
                where=str(path), option="encoding", fix="encoding")
    if fmt.binary.startswith("an old Excel"):
        raise CsvImportError("is an old Excel .xls workbook: save it as an Excel Workbook (.xlsx) and import that",
                             where=str(path))
    if fmt.binary:
        raise CsvImportError(f"is not a CSV text file: it holds {fmt.binary}. Save it as CSV (comma- or "
                             "tab-separated text) or as an Excel workbook (.xlsx) and import that", where=str(path))
    return fmt


def _estimate_rows(fmt: FileFormat) -> int:
    sample_bytes = len(fmt.sample.encode(fmt.encoding.replace("-sig", ""), errors="replace")) or 1
    lines = fmt.sample.count("\n") or fmt.sample.count("\r") or 1
    return max(0, int(fmt.size * lines / sample_bytes) - 1)


def _read_header(reader: Any, path: str | Path) -> tuple[list[str], list[RecordProblem], list[str]]:
    """The header, the problems met before it, and warnings about columns it renamed."""
    problems: list[RecordProblem] = []
    while True:
        batch = reader.read(1)
        problems += batch.problems
        if batch.rows and any(cell.strip() for cell in batch.rows[0]):
            header = clean_header(batch.rows[0])
            reader.columns = header
            return header, problems, _renamed(batch.rows[0], header)
        if reader.eof:
            raise CsvImportError("the file has no header row (it is empty)", where=str(path))


_COUNT_WORDS = {2: "two", 3: "three", 4: "four", 5: "five"}


def _renamed(cells: Sequence[str], header: Sequence[str]) -> list[str]:
    """What to say about the columns :func:`clean_header` renamed because their name was taken."""
    names: dict[str, list[str]] = {}
    for index, (cell, name) in enumerate(zip(cells, header, strict=True)):
        written = (cell.replace("\ufeff", "") if index == 0 else cell).strip()
        if written:
            names.setdefault(written, []).append(name)
    warnings = []
    for written, given in names.items():
        renamed = [name for name in given if name != written]
        if not renamed:
            continue
        if len(given) == 1:
            warnings.append(f"column '{written}' is imported as '{given[0]}', as another column is imported "
                            f"as '{written}'")
            continue
        count = _COUNT_WORDS.get(len(given), f"{len(given):,}")
        quoted = [f"'{name}'" for name in renamed]
        if len(given) == 2 and given[0] == written:
            warnings.append(f"two columns are named '{written}'; the second is imported as {quoted[0]}")
        else:
            listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
            warnings.append(f"{count} columns are named '{written}'; the others are imported as {listed}")
    return warnings


#: What follows the last ``:`` of a ``--map`` target when it is meant as a type (one word).
_TYPE_LIKE = re.compile(r"[A-Za-z]+")
#: ``identifiers.custom``: before the ``:`` of a custom identifier kind (``identifiers.custom:crm``).
_CUSTOM_KIND_TARGET = "identifiers." + CUSTOM_KIND_PREFIX.rstrip(":")


def _parse_target(text: str, kind: Kind, column: str) -> tuple[str, ColumnType | None]:
    target, column_type = text.strip(), None
    head, sep, tail = target.rpartition(":")
    if sep and tail.strip().lower() in TYPES:
        target, column_type = head.strip(), parse_type(tail)
    elif sep and _TYPE_LIKE.fullmatch(tail.strip()) and head.strip().lower() != _CUSTOM_KIND_TARGET:
        # "attributes.tel:banana": a mistyped type, not a field of that name.
        from engine.track.segments import closest_name

        close = closest_name(tail.strip().lower(), TYPES)
        raise CsvImportError(f"column '{column}': unknown type '{tail.strip()}' in '{text.strip()}'"
                             + (f" (did you mean '{close}'?)" if close else "")
                             + f"; the types are {', '.join(TYPES)}", option="mapping", usage=True)
    if target in ("-", "skip", "ignore", ""):
        return "skip", None
    if target in ("name", "event_name"):
        target = "event"
    if target == "occurred_at":
        target = "time"
    if target in ("timezone", "tz"):
        target = "time_zone"
    if target in ("order_id", "order_number"):
        target = "event_id"
    if kind == "events" and target in ("items", "item", "line_item", "line_items"):
        target = f"items.{column}"
    allowed_plain = {"events": ("event", "time", "event_id"), "customers": ("tags", "time_zone")}[kind]
    prefixes = {"events": ("identifiers", "properties", "items"),
                "customers": ("identifiers", "attributes", "consent")}[kind]
    prefix, dot, key = target.partition(".")
    if target in allowed_plain:
        return target, column_type
    if dot and prefix in prefixes and key.strip():
        key = key.strip()
        if prefix == "identifiers":
            _check_kind(key, column)
        if prefix == "consent" and key not in CHANNEL_KINDS:
            raise CsvImportError(f"column '{column}': '{key}' is not a channel kind; consent is recorded for "
                                 f"{', '.join(CHANNEL_KINDS)} (map the column to attributes.{key} to keep it)",
                                 option="mapping", usage=True)
        return f"{prefix}.{key}", column_type
    choices = ", ".join([*allowed_plain, *(p + ".<name>" for p in prefixes), "skip"])
    raise CsvImportError(f"column '{column}': unknown field '{text}' for an import of {kind}; use one of "
                         f"{choices}", option="mapping", usage=True)


def _check_kind(kind: str, column: str, option: str = "mapping") -> None:
    if kind in IDENTIFIER_KINDS:
        return
    custom = kind[len(CUSTOM_KIND_PREFIX):] if kind.startswith(CUSTOM_KIND_PREFIX) else ""
    if custom and custom == custom.strip() and len(kind) <= MAX_KIND_LENGTH:
        return
    raise CsvImportError(f"column '{column}': unknown identifier kind '{kind}'; use one of "
                         f"{', '.join(IDENTIFIER_KINDS)} or custom:<name>", option=option, usage=True)


def _find_column(header: Sequence[str], name: str, what: str, option: str) -> str:
    if name in header:
        return name
    folded = [h for h in header if h.casefold() == name.strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    if name.startswith("#") and name[1:].isdigit() and 1 <= int(name[1:]) <= len(header):
        return header[int(name[1:]) - 1]
    raise CsvImportError(f"{what}: there is no column '{name}' (the columns are {', '.join(header)})",
                         option=option, usage=True)


def _mixed_dates(info: ColumnInfo) -> bool:
    """Whether a column kept as text holds dates written several ways: at least two, and a third of
    its values, read in one format, but not enough of them for a date column."""
    present = info.sampled - info.empty
    return info.type.name == "text" and info.as_dates is not None and info.dates >= 2 and info.dates * 3 >= present


def _mixed_dates_warning(info: ColumnInfo, target: str) -> str:
    assert info.as_dates is not None
    fmt = info.as_dates.date_format or "iso"
    present = info.sampled - info.empty
    return (f"column '{info.name}': {info.dates:,} of its {present:,} sampled values read as dates in the format "
            f"{DATE_FORMATS.get(fmt, fmt)}, the others do not (dates written several ways?), so the column is "
            f"kept as text and rules comparing dates (before, after) do not read it; to read it as dates, give "
            f"the column the type date (--map '{info.name}={target}:date', the Type box in the wizard) and the format "
            f"of most of its dates (--date-format, the wizard's Dates box)")


def ambiguous_dates_warning(column: str) -> str:
    """What the preview says of a column whose dates read both day/month and month/day."""
    return (f"column '{column}': its dates could be day/month or month/day; they are read as "
            "day/month/year; if they are month/day/year, choose that format for the dates")


def make_plan(source: Preview, options: ImportOptions | None = None) -> ImportPlan:
    """Check the options against the file and decide what each column becomes.

    Raises :class:`CsvImportError` naming the column or option at fault.
    """
    options = options or ImportOptions()
    kind = source.kind
    header = source.header
    zone_name = _check_zone(options.time_zone)
    if options.date_format:
        _date_format(options.date_format, None, "date_format")
    targets: dict[str, tuple[str, ColumnType | None]] = {}
    for column, target in source.mapping.items():
        targets[column] = (target, None)
    chosen: set[str] = set()

    def choose(name: str, target: tuple[str, ColumnType | None]) -> None:
        # A column the user maps displaces a suggested column with the same field, which goes
        # back to being data.
        for column, (other, _t) in list(targets.items()):
            if other == target[0] and other not in ("skip", "tags") and column != name and column not in chosen:
                targets[column] = (("properties." if kind == "events" else "attributes.") + column, None)
        targets[name] = target
        chosen.add(name)

    for column, target in options.mapping.items():
        name = _find_column(header, column, f"mapping '{column}={target}'", "mapping")
        choose(name, _parse_target(target, kind, name))
    id_column, id_kind = source.id_column, source.id_kind
    if options.id_column:
        id_column = _find_column(header, options.id_column, "the identifier column", "id_column")
        info = source.column(id_column)
        id_kind = options.id_kind or _id_kind_of(id_column, info.type) or "user_id"
        _check_kind(id_kind, id_column, "id_kind")
        if id_column in options.mapping and targets[id_column][0] != f"identifiers.{id_kind}":
            raise CsvImportError(f"column '{id_column}' is the identifier column but is also mapped to "
                                 f"'{targets[id_column][0]}'", option="id_column", usage=True)
        suggested = source.id_column
        if kind == "events" and suggested and suggested != id_column and suggested not in chosen:
            # An event file's other identifier columns are data unless mapped as identifiers.
            targets[suggested] = (f"properties.{suggested}", None)
        choose(id_column, (f"identifiers.{id_kind}", None))
    elif options.id_kind and id_column:
        id_kind = options.id_kind
        _check_kind(id_kind, id_column, "id_kind")
        choose(id_column, (f"identifiers.{id_kind}", None))
    id_targets = [c for c, (t, _) in targets.items() if t.startswith("identifiers.")]
    if id_column is None or targets.get(id_column, ("",))[0] != f"identifiers.{id_kind}":
        id_column = id_targets[0] if id_targets else None
        id_kind = targets[id_column][0].partition(".")[2] if id_column else None
    if id_column is None or id_kind is None:
        raise CsvImportError(f"no column identifies the customer (the columns are {', '.join(header)})",
                             where=source.path, option="id_column", fix="id_column")
    seen: dict[str, str] = {}
    for column, (target, _t) in targets.items():
        if target in ("skip",) or target == "tags":
            continue
        if target in seen:
            raise CsvImportError(f"columns '{seen[target]}' and '{column}' are both mapped to '{target}'",
                                 option="mapping", usage=True)
        seen[target] = column
    event_name = options.event_name.strip() if options.event_name else None
    if kind == "events":
        if event_name and "event" in seen:
            raise CsvImportError(f"choose an event column ('{seen['event']}') or a fixed event name, not both",
                                 option="event_name", usage=True)
        if not event_name and "event" not in seen:
            raise CsvImportError(f"no column holds the event name (the columns are {', '.join(header)})",
                                 where=source.path, option="mapping", fix="event")
        if event_name and len(event_name) > MAX_EVENT_NAME_LENGTH:
            raise CsvImportError(f"the event name is longer than {MAX_EVENT_NAME_LENGTH} characters",
                                 option="event_name", usage=True)
        if "time" not in seen:
            raise CsvImportError(f"no column holds the event time (the columns are {', '.join(header)})",
                                 where=source.path, option="mapping", fix="time")
        items = [column for column, (target, _t) in targets.items() if target.startswith("items.")]
        if items and "event_id" not in seen:
            raise CsvImportError(f"column '{items[0]}' is mapped to '{targets[items[0]][0]}', a value of an order's "
                                 "line items, which needs a column that tells the orders apart (the order number)",
                                 option="mapping", usage=True, fix="event_id")
        if items and "properties.items" in seen:
            raise CsvImportError(f"column '{seen['properties.items']}' is mapped to 'properties.items', which holds "
                                 f"the line items of columns {', '.join(repr(c) for c in items)}; map it to another "
                                 "property name", option="mapping", usage=True)
    plans = []
    skipped = []
    warnings: list[str] = []
    for index, name in enumerate(header):
        target, forced = targets.get(name, ("skip", None))
        if target == "skip":
            skipped.append(name)
            continue
        info = source.columns[index]
        column_type, strict = _column_type(target, info, forced, options, name, warnings)
        plans.append(ColumnPlan(index, name, target, column_type, strict))
    return ImportPlan(kind=kind, header=header, columns=tuple(plans), id_column=id_column, id_kind=id_kind,
                      event_name=event_name, time_zone=zone_name, skipped=tuple(skipped), warnings=tuple(warnings))


def _column_type(target: str, info: ColumnInfo, forced: ColumnType | None, options: ImportOptions,
                 name: str, warnings: list[str]) -> tuple[ColumnType, bool]:
    fmt = options.date_formats.get(name)
    if fmt:
        fmt = _date_format(fmt, f"the date format of column '{name}'", "date_formats")
    elif options.date_format:
        fmt = _date_format(options.date_format, None, "date_format")
    if target.startswith("identifiers."):
        # Identifiers are the file's text, but for a spreadsheet's leading apostrophe ('01234).
        return ColumnType("text", apostrophe=info.type.apostrophe), True
    if target in ("event", "event_id", "tags", "time_zone"):
        return ColumnType("text"), True
    if target.startswith("consent."):
        return ColumnType("bool", statuses=True), True
    if target == "time":
        base = forced or info.type
        if base.name not in ("date", "datetime") and info.empty == info.sampled:
            base = ColumnType("datetime", fmt or "iso")  # nothing to infer from: the file has no values
        if base.name not in ("date", "datetime"):
            base = _given_format("datetime", fmt) if fmt is not None else _time_format(info, name, warnings)
        elif fmt is not None:
            base = _given_format(base.name, fmt)
        return base, True
    column_type = info.type if forced is None else forced.written_as(info.type)
    if target.startswith("attributes.") and column_type.name == "text" and column_type.apostrophe != "digits":
        # A spreadsheet's text mark before digits ('02134) is left out of any value that has it.
        column_type = replace(column_type, apostrophe="digits")
    if column_type.name in ("date", "datetime") and fmt is not None:
        column_type = _given_format(column_type.name, fmt)
    elif forced is not None and forced.name in ("date", "datetime") and info.type.name in ("date", "datetime") \
            and info.type.date_format:
        # ``--map col=field:datetime`` chooses the type; the way the dates are written is still the
        # one found in the file (31/01/2024 stays day/month/year).
        column_type = ColumnType(forced.name, info.type.date_format, info.type.ambiguous)
    return column_type, forced is not None


def _given_format(name: str, fmt: str) -> ColumnType:
    """A date column read in the format the user gave. Day/month and month/day columns still read
    ISO 8601 dates (``2026-08-20 10:22``): written year first, they read only one way, and exports
    mix them (an order typed by hand among those of the shop)."""
    return ColumnType(name, fmt, iso_too=fmt in ("dmy", "mdy"))


def _time_format(info: ColumnInfo, name: str, warnings: list[str]) -> ColumnType:
    """The type of a time column whose values are not all dates (so its inferred type is not one),
    when no format is given: the format that reads the most of its sampled values, if it reads
    more than half of them. The rows it cannot read are then skipped and reported, as rows with a
    bad date are in a column that is mostly dates; fewer than that is taken for a column that is not
    dates, or is written in a format that must be given.
    """
    present = info.sampled - info.empty
    found = info.as_dates
    label = DATE_FORMATS.get(found.date_format or "iso", found.date_format) if found else ""
    if found is None or info.dates * 2 <= present:
        if found is None:
            counted = f"none of its {present:,} sampled values reads as a date in a known format"
        else:
            counted = (f"more than half of its values must read as dates in one format, and only "
                       f"{info.dates:,} of the {present:,} sampled values {'does' if info.dates == 1 else 'do'}, "
                       f"in the format {label}")
        raise CsvImportError(f"column '{name}' is mapped to the event time but its values do not look like dates "
                             f"({info.type.describe()}): {counted}", option="date_format", fix="date_format")
    if found.ambiguous:
        warnings.append(f"column '{name}': its dates could be day/month or month/day; they are read as "
                        "day/month/year unless another date format is given")
    bad = present - info.dates
    warnings.append(f"column '{name}': {bad:,} of its {present:,} sampled values {'is' if bad == 1 else 'are'} "
                    f"not a date in the format {label}; rows with such a time are skipped and listed")
    return found


def _date_format(text: str, what: str | None, option: str) -> str:
    try:
        return check_date_format(text)
    except ValueError as exc:
        raise CsvImportError(f"{what}: {exc}" if what else str(exc), option=option, usage=True) from None


def _check_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        close = zone_named(name)
        hint = f"did you mean {close}? " if close else ""
        raise CsvImportError(f"unknown time zone '{name}'; {hint}use an IANA name such as Europe/Paris or "
                             "Asia/Shanghai", option="time_zone", usage=True) from None
    return name


def zone_named(text: str) -> str | None:
    """The IANA zone a city or a loosely written zone name means (``Berlin``, ``europe/berlin``,
    ``New York``), if exactly one does."""
    from zoneinfo import available_timezones

    wanted = text.strip().replace(" ", "_").casefold()
    if not wanted:
        return None
    zones = sorted(available_timezones())
    for test in (lambda z: z.casefold() == wanted, lambda z: z.rpartition("/")[2].casefold() == wanted):
        found = [z for z in zones if test(z) and not z.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))]
        if len(found) == 1:
            return found[0]
    return None


# ----------------------------------------------------------------------------------------------
# Importing
# ----------------------------------------------------------------------------------------------

def import_events(ws: Workspace, path: str | Path, options: ImportOptions | None = None, *,
                  progress: ProgressCallback | None = None, cancel: CancelSignal | None = None,
                  dry_run: bool = False,
                  on_events: Callable[[list[EventRecord]], None] | None = None) -> ImportResult:
    """Import the events of a CSV file; see the module docstring.

    ``on_events`` receives the events added, after each commit (an import of old events normally
    should not start journeys, so nothing is handed over unless it is given). ``dry_run`` does
    everything but commit. Raises :class:`CsvImportError` for unusable options or files and
    :class:`WorkspaceError` when the database fails (the result of the transactions committed
    before stays; the message says how far).
    """
    return import_csv(ws, path, "events", options, progress=progress, cancel=cancel, dry_run=dry_run,
                      on_events=on_events)


def import_customers(ws: Workspace, path: str | Path, options: ImportOptions | None = None, *,
                     progress: ProgressCallback | None = None, cancel: CancelSignal | None = None,
                     dry_run: bool = False) -> ImportResult:
    """Import (upsert) the customers of a CSV file; see the module docstring."""
    return import_csv(ws, path, "customers", options, progress=progress, cancel=cancel, dry_run=dry_run)


def import_csv(ws: Workspace, path: str | Path, kind: Kind, options: ImportOptions | None = None, *,
               progress: ProgressCallback | None = None, cancel: CancelSignal | None = None,
               dry_run: bool = False,
               on_events: Callable[[list[EventRecord]], None] | None = None) -> ImportResult:
    """Import a CSV file of ``kind`` (``events`` or ``customers``)."""
    options = options or ImportOptions()
    if ws.read_only:
        raise WorkspaceError("the workspace is open read-only; nothing can be imported", where=ws.location)
    started = time.perf_counter()
    remembered = phone_country_used_before(ws)
    explicit = options.phone_country is not None
    file_country = phone_country_of_file(ws, path, options)
    if explicit:
        phone_country = _check_phone_country(options.phone_country)
    else:
        phone_country = file_country or remembered
    options = replace(options, phone_country=phone_country or "")
    # A few rows kept: the warning about local phone numbers reads them (_local_phones_hint).
    first = preview(path, kind, encoding=options.encoding, delimiter=options.delimiter, rows=50)
    readable = readable_file(path)  # a workbook: the CSV copy of its sheet, which the preview made
    if readable != Path(path):
        # Read as the CSV copy is written; known by the workbook's name (dedup keys, memories).
        options = replace(options, encoding="utf-8", delimiter=",", source=event_source(path, options))
    before_mapping = mapping_used_before(ws, kind, first.header) if options.keep_mapping else None
    renamed = _event_renamed(ws, kind, first.header, options)
    if before_mapping is not None:
        first, options = _with_mapping(first, options, before_mapping)
    source = remembered_as(kind, path, options)
    before = zone_used_before(ws, source)
    kept = options.keep_zone and before is not None and before != options.time_zone
    if kept:
        options = replace(options, time_zone=before)
    dates_before = dates_used_before(ws, source)
    dates_kept = dates_before is not None and not options.date_format and not options.date_formats
    if dates_kept:
        options = replace(options, date_format=dates_before)
    plan = make_plan(first, options)
    changes_country = explicit and not dry_run and (phone_country or "") != (remembered or "")
    # Numbers stored before the country is given keep their form: the message about the change counts them.
    local_before = _local_phones(ws) if changes_country and phone_country else 0
    job = (_EventImport if kind == "events" else _CustomerImport)(
        ws, readable, first, plan, options, progress=progress, cancel=cancel, dry_run=dry_run,
        on_events=on_events)
    with _named_as(readable, path):
        result = job.run()
    result.path = str(path)
    result.mapping_kept = before_mapping is not None
    result.event_name = plan.event_name or ""
    if renamed:
        result.warnings.append(renamed)
    if not dry_run and result.rows_read and not result.cancelled:
        _remember_mapping(ws, kind, first, plan)
    _note_date_format(ws, path, source, options, dates_before, dates_kept, result, dry_run)
    if _reads_zone(plan):
        result.time_zone, result.zone_kept = plan.time_zone, kept
        result.zones_written = _zones_written(first, plan)
        if before is not None and before != plan.time_zone:
            result.warnings.append(
                f"{Path(path).name} was imported before with times read in {before}; times written without "
                f"a zone are now read in {plan.time_zone}, so " +
                ("those events are stored again at other times (import with the time zone "
                 f"{before} to add nothing)" if kind == "events" else
                 f"the customers' date and time attributes change (import with the time zone {before} to change "
                 "nothing)"))
        if not dry_run and result.rows_read and not result.cancelled and before != plan.time_zone:
            ws.set_meta(ZONE_META_PREFIX + source, plan.time_zone)
    hint = _other_identifiers_hint(first, plan, result)
    if hint:
        result.warnings.append(hint)
    result.phone_country = phone_country or ""
    phones = bool([c for c in plan.of("identifiers") if c.key == "phone"])
    result.phone_country_kept = not explicit and phone_country is not None and phones
    result.phone_country_of_file = not explicit and file_country is not None and phones
    if phones and phone_country is None and result.rows_read:
        hint = _local_phones_hint(first, plan, stored=_local_phones(ws) > 0)
        if hint:
            result.warnings.append(hint)
    if phones and not dry_run and result.rows_read and not result.cancelled and file_country != phone_country:
        ws.set_meta(PHONE_META_PREFIX + event_source(path, options), phone_country or "")
    if changes_country:
        ws.set_meta(PHONE_COUNTRY_META, phone_country or "")  # "": forgotten
        result.phone_country_change = _phone_country_change(remembered, phone_country, local_before)
        result.local_phones_before = local_before
        if remembered and phone_country:  # another country than before: not what later imports expect
            result.warnings.append(result.phone_country_change)
    result.elapsed_s = time.perf_counter() - started
    return result


def _other_identifiers_hint(head: Preview, plan: ImportPlan, result: ImportResult) -> str | None:
    """For rows skipped because their identifier cell is empty: the file's other columns that could
    identify those customers (an order placed by phone has a number but no e-mail), if any."""
    missing = sum(1 for e in result.errors if e.reason.startswith("the customer identifier is missing"))
    if not missing:
        return None
    mapped = {c.name for c in plan.of("identifiers")}
    # E-mail and phone columns only: a column named "Id" is as often the order's as the customer's.
    others = [(info.name, kind) for info in head.columns if info.name not in mapped
              for kind in (_id_kind_of(info.name, info.type),) if kind in ("email", "phone")]
    if not others:
        return None
    name, kind = others[0]
    columns = " or ".join(f"'{n}'" for n, _k in others[:3])
    rows = f"{missing:,} row{'s' if missing != 1 else ''}"
    return (f"{rows} had no customer identifier in '{plan.id_column}' and {'was' if missing == 1 else 'were'} "
            f"skipped; {columns} may identify {'its customer' if missing == 1 else 'their customers'}: map "
            f"{'it' if len(others) == 1 else 'one of them'} as an identifier too (--map '{name}=identifiers.{kind}', "
            f"or the wizard's Columns page), and each row's customer is found by any identifier it has")


def _local_phones_hint(head: Preview, plan: ImportPlan, *, stored: bool = True) -> str | None:
    """The warning for phone numbers imported without a country code while none was chosen (read
    from the file's first rows, ``head``): websites and apps send numbers with one, so the same person would be
    two customers. It names the country the numbers are all valid in, if one is. ``stored``: the
    workspace holds numbers without a country code (this import's included), which the advice
    then says to write with it first."""
    from engine.identifiers import guess_phone_country

    for column in (c for c in plan.of("identifiers") if c.key == "phone"):
        written = [row[column.index].strip() for row in head.rows if column.index < len(row)]
        local = [(value, kept) for value in written if value and not says_nothing(value)
                 for kept in (canonical_identifier("phone", value),)
                 if kept.isdecimal() and len(kept) >= 6]
        if not local:
            continue
        country = guess_phone_country([kept for _v, kept in local], _this_computers_country())
        cc = country or "CC"
        guessed = f" ({country}, judging by the numbers)" if country else ""
        rewrite = (f"write the numbers stored so with it (“Phone numbers…” in the Profiles window, or "
                   f"'journey-studio profiles phones --rewrite --country {cc}'), then " if stored else "")
        return (f"column '{column.name}': phone numbers such as '{local[0][0]}' have no country code and "
                f"{'are' if stored else 'would be'} kept as written; websites and apps send numbers with one, so "
                f"the same person would be two customers. Give their country{guessed}: {rewrite}import with "
                f"--phone-country {cc} (in the import wizard: “Country of numbers without +”)")
    return None


def _this_computers_country() -> str | None:
    """The country of this computer's locale (``fr_FR`` → ``FR``), or None."""
    import locale

    for name in (locale.getlocale()[0], os.environ.get("LC_ALL"), os.environ.get("LANG")):
        if name and "_" in name:
            code = name.split("_", 1)[1][:2].upper()
            if code.isalpha() and len(code) == 2:
                return code
    return None


def _phone_country_change(before: str | None, now: str | None, local: int = 0) -> str:
    """What changing the workspace's phone country from ``before`` to ``now`` does (either may be
    None: none chosen); ``local``: phone identifiers stored without a country code before the change."""
    later = ("later imports, the collector (once it starts again) and looking profiles up by a number")
    if now is None:
        return (f"the workspace forgets its phone country ({before}): {later} keep numbers written without a "
                "country code as written")
    change = f"changes from {before} to {now}" if before else f"is now {now}"
    text = (f"the workspace's phone country {change}: {later} read numbers written without a country code as "
            f"{now} numbers; numbers stored before keep the form they were stored in")
    if local:
        many = local != 1
        text += (f" ({local:,} phone number{'s are' if many else ' is'} stored without a country code: "
                 "'journey-studio profiles phones --rewrite' writes "
                 + (f"those valid in {now} with their country code)" if many
                    else f"it with its country code if it is valid in {now})"))
    return text


def _local_phones(ws: Workspace) -> int:
    """Phone identifiers stored without a country code (one COUNT)."""
    from engine.track.phone_rewrite import local_phone_count

    return local_phone_count(ws)


def _check_phone_country(text: str) -> str | None:
    """The country of :attr:`ImportOptions.phone_country` as given, upper-case; None for ``""``
    or ``none`` (keep numbers as written)."""
    if text.strip().lower() in ("", "none"):
        return None
    try:
        return check_phone_country(text)
    except PhoneCountryError as exc:
        raise CsvImportError(exc.message, option="phone_country", usage=True) from None


#: Meta key prefix of the phone country each file's phone numbers were last read in (see
#: :func:`phone_country_of_file`).
PHONE_META_PREFIX = "csv_phone:"


def phone_country_of_file(ws: Workspace, path: str | Path, options: ImportOptions | None = None) -> str | None:
    """The country the phone numbers of this file (by its name) were read in when it was last
    imported, or None (never imported with a phone column, numbers kept as written, or a country no
    longer known). A file imported again reads its numbers in that country whatever country later
    imports of other files chose for the workspace, so it adds nothing. (A file whose numbers were
    kept as written follows the workspace: once a country is chosen and the stored numbers are
    written with it, ``profiles phones --rewrite``, the file's numbers read in it match them.)"""
    country = ws.get_meta(PHONE_META_PREFIX + event_source(path, options or ImportOptions()))
    if not country:
        return None
    try:
        return check_phone_country(country)
    except PhoneCountryError:
        return None


def phone_country_used_before(ws: Workspace) -> str | None:
    """The country phone numbers written without a country code were read in by the workspace's
    last import that named one (None: none, they were kept as written, or the country is no
    longer known); an import whose options name none uses it, and the wizard starts from it."""
    country = phone_country_of(ws)
    if country is None:
        return None
    try:
        return check_phone_country(country)
    except PhoneCountryError:
        return None


#: Meta key prefix of the mapping last used for a file's columns (see :func:`mapping_used_before`).
MAPPING_META_PREFIX = "csv_mapping:"


@dataclass(frozen=True)
class MappingUsed:
    """How the last import of a file with the same columns mapped them."""

    #: Column → field (``attributes.City``, ``identifiers.email``, ``skip``...).
    targets: dict[str, str]
    #: Column → type, for the columns whose type was chosen rather than inferred.
    types: dict[str, str]
    id_column: str | None
    id_kind: str | None
    #: The event name given to every row, for an events file without an event column.
    event_name: str | None = None


def _mapping_key(kind: Kind, header: Sequence[str]) -> str:
    import hashlib

    names = "\x1f".join(header).encode("utf-8", "surrogatepass")
    return f"{MAPPING_META_PREFIX}{kind}:{hashlib.sha256(names).hexdigest()[:32]}"


def mapping_used_before(ws: Workspace, kind: Kind, header: Sequence[str]) -> MappingUsed | None:
    """How the last import of ``kind`` from a file with exactly these columns (same names, same
    order) mapped them, or None (never, or what was kept no longer reads)."""
    raw = ws.get_meta(_mapping_key(kind, header))
    if not raw:
        return None
    try:
        data = json.loads(raw)
        targets, types = dict(data["targets"]), dict(data.get("types") or {})
        id_column, id_kind = data.get("id_column"), data.get("id_kind")
        event_name = data.get("event_name")
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    names = set(header)
    if not (all(isinstance(k, str) and isinstance(v, str) and k in names for k, v in targets.items())
            and all(isinstance(v, str) and k in targets for k, v in types.items())
            and (id_column is None or id_column in names)):
        return None
    return MappingUsed(targets, types, id_column, id_kind if isinstance(id_kind, str) else None,
                       event_name if isinstance(event_name, str) and event_name else None)


def with_mapping_used_before(ws: Workspace, source: Preview) -> tuple[Preview, bool]:
    """``source`` with the fields and identifier the last import of a file with the same columns
    gave them (the import wizard starts from these), and whether there was one."""
    used = mapping_used_before(ws, source.kind, source.header)
    if used is None:
        return source, False
    return _with_mapping(source, ImportOptions(), used)[0], True


def _with_mapping(source: Preview, options: ImportOptions, used: MappingUsed) -> tuple[Preview, ImportOptions]:
    """``source`` mapped as ``used`` says, and the types chosen then added to ``options`` (the
    options' own mapping and identifier still win)."""
    mapping = {**source.mapping, **used.targets}
    chosen = {column: f"{used.targets[column]}:{name}" for column, name in used.types.items()
              if column not in options.mapping}
    source = replace(source, mapping=mapping, id_column=used.id_column or source.id_column,
                     id_kind=used.id_kind or source.id_kind, event_name=used.event_name)
    options = replace(options, mapping={**chosen, **options.mapping})
    if used.event_name and not options.event_name and "event" not in mapping.values() \
            and "event" not in options.mapping.values():
        options = replace(options, event_name=used.event_name)  # next week's export: the same event
    return source, options


def _event_renamed(ws: Workspace, kind: Kind, header: Sequence[str], options: ImportOptions) -> str | None:
    """The warning for an events file given another event name than the last file with the same
    columns was: last week's orders in this week's export would be stored again under the new name."""
    if kind != "events" or not options.event_name:
        return None
    used = mapping_used_before(ws, kind, header)
    name = options.event_name.strip()
    if used is None or not used.event_name or used.event_name == name:
        return None
    return (f"a file with these columns was imported before as events named '{used.event_name}'; these rows "
            f"are '{name}', so rows of that file found here again (an export of the same orders) are stored a "
            f"second time under the new name (import with the event name '{used.event_name}' to add nothing)")


def _remember_mapping(ws: Workspace, kind: Kind, source: Preview, plan: ImportPlan) -> None:
    """Keep how this import mapped the file's columns, for the next file with the same ones."""
    inferred = {c.name: c.type.name for c in source.columns}
    targets = {c.name: c.target for c in plan.columns}
    targets.update(dict.fromkeys(plan.skipped, "skip"))
    types = {c.name: c.type.name for c in plan.columns
             if c.type.name != inferred.get(c.name) and c.type.name not in ("date", "datetime")
             and not c.target.startswith(("identifiers.", "consent.")) and c.target not in ("event", "event_id", "time",
                                                                                             "tags", "time_zone")}
    text = json.dumps({"targets": targets, "types": types, "id_column": plan.id_column, "id_kind": plan.id_kind,
                       **({"event_name": plan.event_name} if plan.event_name else {})},
                      ensure_ascii=False, sort_keys=True)
    key = _mapping_key(kind, source.header)
    if ws.get_meta(key) != text:
        ws.set_meta(key, text)


#: The end of a time that says its zone: a clock time, then ``Z``, an offset or UTC/GMT.
_ZONE_WRITTEN = re.compile(r"\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s*(?:[zZ]|(?:UTC|GMT)?\s*[+-]\d\d(?::?\d\d)?|UTC|GMT)\Z")


def _zones_written(head: Preview, plan: ImportPlan) -> bool:
    """Whether every time of the time column in the file's first rows (``head``) says its zone."""
    times = [row[c.index].strip() for c in plan.of("time") for row in head.rows if c.index < len(row)]
    times = [t for t in times if t]
    return bool(times) and all(_ZONE_WRITTEN.search(t) for t in times)


def _reads_zone(plan: ImportPlan) -> bool:
    """Whether the events' times, or a customer file's date and time attributes, can depend on the
    zone (not Unix timestamps)."""
    if plan.kind == "events":
        return any(c.type.date_format not in ("unix_s", "unix_ms") for c in plan.of("time"))
    return any(c.type.name == "datetime" and c.type.date_format not in ("unix_s", "unix_ms")
               for c in plan.of("attributes"))


#: How many rows that link a customer by user id alone and add an e-mail address a warning names.
ID_LINKS_SHOWN = 3

#: Meta key prefix of the zone each events source was last imported with (see :func:`zone_used_before`).
ZONE_META_PREFIX = "csv_zone:"


def event_source(path: str | Path, options: ImportOptions) -> str:
    """The ``source`` of the events imported from ``path``: ``csv:<file name>`` unless set."""
    return options.source if options.source is not None else f"{CSV_PREFIX}{Path(path).name}"


def remembered_as(kind: Kind, path: str | Path, options: ImportOptions) -> str:
    """What the workspace remembers an import of ``path`` by (its zone, its date format): the events'
    source, or ``customers:`` and that for a customers file."""
    source = event_source(path, options)
    return source if kind == "events" else f"customers:{source}"


#: Meta key prefix of the date format chosen when each events source was last imported (see
#: :func:`dates_used_before`).
DATES_META_PREFIX = "csv_dates:"


def dates_used_before(ws: Workspace, source: str) -> str | None:
    """The date format (``--date-format``, the wizard's Dates box) chosen when events of ``source``
    were last imported, if one was. Dedup keys hold the times, so 11/03/2026 read as 3 November
    once and as 11 March the next time would be two events; an import given no format uses this
    one, and the wizard starts from it."""
    return ws.get_meta(DATES_META_PREFIX + source) or None


def _note_date_format(ws: Workspace, path: str | Path, source: str, options: ImportOptions,
                      before: str | None, kept: bool, result: ImportResult, dry_run: bool) -> None:
    """Remember the date format chosen for ``source``, and say when dates are read otherwise than
    the last time."""
    chosen = options.date_format or None
    if kept:
        result.date_format_kept = before or ""
    elif before is not None and chosen != before and result.rows_read:
        now = DATE_FORMATS.get(chosen, chosen) if chosen else "the format detected in each column"
        result.warnings.append(
            f"{Path(path).name} was imported before with dates read as {DATE_FORMATS.get(before, before)}; "
            f"they are now read as {now}, so " +
            ("events whose day and month can be swapped are stored again at other dates (import with that date "
             "format to add nothing)" if result.kind == "events" else
             "dates whose day and month can be swapped change (import with that date format to change nothing)"))
    if not dry_run and result.rows_read and not result.cancelled and chosen != before \
            and (chosen is not None or before is not None):
        ws.set_meta(DATES_META_PREFIX + source, chosen or "")


def zone_used_before(ws: Workspace, source: str) -> str | None:
    """The zone times written without one were read in when events of ``source`` were last
    imported (``None``: never, or before zones were recorded). Dedup keys hold times in UTC, so
    the same file read in another zone is other events; the wizard and the command line start
    from this zone."""
    return ws.get_meta(ZONE_META_PREFIX + source)


class _Batch(NamedTuple):
    """A batch of records, read and (for events) converted, ready to be applied."""

    #: Records read (blank ones included): what the rows of a transaction count.
    records: int
    bytes_done: int
    last_line: int
    #: :class:`EventRows` for events, the :class:`RecordBatch` itself for customers.
    payload: Any


class _InProcess:
    """Batches read (and, for events, converted) in this process."""

    def __init__(self, file: RecordFile, events: EventConverter | None = None, records: int = 0):
        self.file = file
        self.events = events
        self.records = records

    def __iter__(self) -> Iterator[_Batch]:
        if self.events is None:
            for batch in self.file.batches():
                yield _Batch(len(batch.rows), batch.bytes_done, batch.last_line, batch)
        else:
            for rows in self.events.read(self.file, self.records):
                yield _Batch(rows.records, rows.bytes_done, rows.last_line, rows)

    @property
    def consumed(self) -> int:
        return self.file.consumed

    @property
    def replaced_lines(self) -> list[int]:
        return self.file.replaced_lines

    def close(self) -> None:
        pass


class _ReadingProcess:
    """Batches of an events file read and converted by a second process
    (:func:`engine.track.csv_types.reading_process`), so that parsing, converting and hashing run
    beside the writing. What comes back is the same as :class:`_InProcess` would make."""

    def __init__(self, job: EventJob):
        self.path = job.path
        self.consumed = 0
        self.replaced_lines: list[int] = []
        self._first: Any = None
        self._ended = False
        root = str(Path(__file__).resolve().parent.parent.parent)
        try:
            # -I: neither the current folder nor PYTHON* variables can put other modules in its way.
            self._proc = subprocess.Popen(
                [sys.executable, "-I", "-c", READING_PROCESS_CODE, root], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
        except OSError:
            raise _NoReadingProcess from None
        try:
            assert self._proc.stdin is not None
            send_message(self._proc.stdin, job)
            self._proc.stdin.close()
            # The first message (the header's problems) comes at once: a process that cannot even
            # start reading says so here, while the import can still read in this process.
            self._first = receive_message(self._stdout)
        except (OSError, EOFError, pickle.UnpicklingError):
            self.close()
            raise _NoReadingProcess from None
        self._frames: queue.Queue[bytes | None] = queue.Queue(maxsize=READ_AHEAD)
        self._drain = threading.Thread(target=self._read_frames, name="csv-import-pipe", daemon=True)
        self._drain.start()

    def _read_frames(self) -> None:
        """Move the messages from the pipe to a queue as they come, so that the reading process can
        run several batches ahead while this one writes: the two do not take the same time for
        every batch (the first ones create most customers). The thread waits in read calls, which
        release the GIL; None marks the end of the pipe."""
        try:
            while True:
                self._frames.put(receive_frame(self._stdout))
        except (OSError, ValueError, EOFError):
            pass  # the process ended or was stopped (or the pipe was closed by close())
        finally:
            self._frames.put(None)

    @property
    def _stdout(self) -> BinaryIO:
        assert self._proc.stdout is not None
        return self._proc.stdout

    def __iter__(self) -> Iterator[_Batch]:
        message, self._first = self._first, None
        while True:
            if message is None:
                frame = self._frames.get()
                try:
                    if frame is None:
                        raise EOFError
                    message = pickle.loads(frame)
                except (EOFError, pickle.UnpicklingError):
                    code = self._proc.wait()
                    raise CsvImportError("the process reading the file stopped unexpectedly"
                                         + (f" (exit code {code})" if code else ""), where=self.path) from None
            if message[0] == "rows":
                rows: EventRows = message[1]
                yield _Batch(rows.records, rows.bytes_done, rows.last_line, rows)
            elif message[0] == "end":
                self.consumed, self.replaced_lines = message[1], message[2]
                self._ended = True
                return
            else:
                _kind, kind, text = message
                if kind == "os":
                    raise CsvImportError(f"cannot read the file: {text}", where=self.path)
                if kind == "header":
                    raise CsvImportError(text, where=self.path)
                error = CsvImportError(f"reading the file failed: {text.strip().splitlines()[-1]}",
                                       where=self.path)
                error.add_note(text)
                raise error
            message = None

    def close(self) -> None:
        """Wait for the process to end, stopping it first unless it has sent everything (the
        import was cancelled or failed)."""
        if not self._ended and self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()
        drain = getattr(self, "_drain", None)
        while drain is not None and drain.is_alive():
            # Make room for what the thread still moves from the pipe, until it sees the end.
            with contextlib.suppress(queue.Empty):
                self._frames.get(timeout=0.05)
        for stream in (self._proc.stdin, self._proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


class _NoReadingProcess(Exception):
    """The reading process could not be started; the file is read in this process instead."""


class _Import:
    """What both kinds of import share: reading, errors, transactions, progress."""

    def __init__(self, ws: Workspace, path: Path, first: Preview, plan: ImportPlan, options: ImportOptions,
                 *, progress: ProgressCallback | None, cancel: CancelSignal | None, dry_run: bool,
                 on_events: Callable[[list[EventRecord]], None] | None):
        self.ws = ws
        self.path = path
        self.first = first
        self.plan = plan
        self.options = options
        self.progress = progress
        self.cancelled: Callable[[], bool] = (
            (lambda: False) if cancel is None else cancel.is_set if isinstance(cancel, threading.Event)
            else cancel)
        self.dry_run = dry_run
        self.on_events = on_events
        self.tracking_plan = current_plan(ws) if plan.kind == "events" else None
        self.result = ImportResult(kind=plan.kind, path=str(path), encoding=first.encoding,
                                   delimiter=first.delimiter, dry_run=dry_run, mapping=plan.describe(),
                                   event_id_column=next((c.name for c in plan.of("event_id")), ""),
                                   item_columns=[c.name for c in plan.of("items")])
        self.batches = self._converter()
        self.converters = self.batches.converters
        self.kept_as_text: dict[str, KeptAsText] = defaultdict(KeptAsText)
        #: Values imported but named in a warning, by what they are and column (see csv_types.Note).
        self.notes: dict[tuple[str, str], KeptAsText] = {}
        self.owner: dict[str, dict[str, str]] = defaultdict(dict)
        #: Identifier kinds the workspace held none of when this import first looked (and nothing
        #: else has written since): an identifier of such a kind that is not in :attr:`owner` is new.
        self.none_stored: dict[str, bool] = {}
        #: The identifier column of each kind (a plan maps one column to a field).
        self.id_columns = {p.key: p.name for p in plan.of("identifiers")}
        #: Rule 3 of docs/identity.md (a profile holds at most one user id) needs watching only when
        #: a row can give a customer an identifier of an exclusive kind besides another identifier.
        self.guard_exclusive = len(self.id_columns) > 1 and not EXCLUSIVE_KINDS.isdisjoint(self.id_columns)
        #: The exclusive identifiers (kind → value) of customers this import made or looked up.
        self.exclusive: dict[str, dict[str, str]] = {}
        #: Rows that gave a customer found by a user id alone another e-mail address (kind, id, the
        #: address held, the one added): see :meth:`_note_id_link`.
        self.id_links: list[tuple[str, str, str, str]] = []
        #: Customers this import made (a second address of theirs is the file's own doing).
        self.new_customer_ids: set[str] = set()
        self.now = datetime.now(UTC)
        self.now_text = storage_strings([self.now])[0]
        self.bytes_done = 0
        self._last_line = 0
        self._source: Iterator[_Batch] = iter(())
        self._pending: _Batch | None = None
        # "Kept as text" is not said of a column the mapping reads as numbers.
        numbers = {c.name for c in plan.columns if c.type.name in ("int", "float")}
        moot = {c.type.unsure_warning(c.name) for c in first.columns if c.type.unsure_separator and c.name in numbers}
        # Nor "could be day/month or month/day" of a column whose date format was chosen.
        chosen = {name for name in first.header if self.options.date_formats.get(name) or self.options.date_format}
        moot |= {ambiguous_dates_warning(c.name) for c in first.columns if c.type.ambiguous and c.name in chosen}
        # Nor "kept as text" of dates written several ways, in a column the mapping reads as dates.
        dated = {c.name for c in plan.columns if c.type.name in ("date", "datetime")}
        moot |= {_mixed_dates_warning(c, first.mapping[c.name]) for c in first.columns
                 if c.name in dated and c.name in first.mapping and _mixed_dates(c)}
        self.result.warnings.extend(w for w in first.warnings if w not in moot)
        self.result.warnings.extend(plan.warnings)

    def _converter(self) -> BatchConverter:
        plan = self.plan
        return BatchConverter(plan.columns, plan.header, plan.id_column, plan.time_zone,
                              max_identifier=MAX_IDENTIFIER_LENGTH, phone_country=self.options.phone_country)

    # -- the run -----------------------------------------------------------------------------

    def run(self) -> ImportResult:
        result = self.result
        fmt = FileFormat(self.first.encoding, self.first.delimiter, self.first.size, "",
                         skip_lines=self.first.skip_lines)
        source = self._open(fmt)
        try:
            with gcpause.paused():  # nothing an import makes is cyclic
                self._transactions(source)
        except OSError as exc:
            raise CsvImportError(f"cannot read the file: {exc.strerror or exc}", where=str(self.path)) from None
        except NoHeader as exc:
            raise CsvImportError(str(exc), where=str(self.path)) from None
        finally:
            source.close()
        if not result.cancelled:
            result.last_line = source.consumed
        if source.replaced_lines:
            lines = ", ".join(map(str, source.replaced_lines[:10]))
            result.warnings.append(
                f"bytes that are not valid {self.first.encoding} were replaced by � on line(s) {lines}"
                + (" and more" if len(source.replaced_lines) > 10 else ""))
        # Record problems are met before the row errors of their batch: list them all in file order.
        result.errors.sort(key=lambda e: (e.row, e.line))
        for column, kept in self.kept_as_text.items():
            count, shown = kept.count, ", ".join(f"row {row} '{value}'" for row, value in kept.first)
            more = f" and {count - len(kept.first):,} more" if count > len(kept.first) else ""
            result.warnings.append(f"column '{column}': {count:,} value{'s' if count != 1 else ''} did not fit "
                                   f"its type and {'were' if count != 1 else 'was'} kept as text: {shown}{more}")
        for (what, column), tally in self.notes.items():
            result.warnings.append(note_warning(what, column, tally, phone_country=self.options.phone_country))
        if self.id_links:
            result.warnings.append(self._id_links_warning())
        self._report("done")
        return result

    def _id_links_warning(self) -> str:
        links = self.id_links
        kind = links[0][0]
        column = self.id_columns.get(kind, kind)
        shown = "; ".join(f"{k} {_quoted(value)}: {_quoted(had)} and now {_quoted(added)}"
                          for k, value, had, added in links[:ID_LINKS_SHOWN])
        more = f" and {len(links) - ID_LINKS_SHOWN:,} more" if len(links) > ID_LINKS_SHOWN else ""
        return (f"{len(links):,} row{'s' if len(links) != 1 else ''} gave a customer found by {kind} alone another "
                f"e-mail address ({shown}{more}); if column '{column}' holds another system's numbers than those "
                f"stored (two shops both have a customer 7001), those are different people, now in one profile: "
                f"map the column as an identifier of its own instead (--map '{column}=identifiers.custom:<shop>', "
                f"or Identifier 'custom:<shop>' in the wizard)")

    def _open(self, fmt: FileFormat) -> _InProcess | _ReadingProcess:
        return _InProcess(RecordFile(self.path, fmt, self.options.batch_rows))

    def _transactions(self, source: _InProcess | _ReadingProcess) -> None:
        ws = self.ws
        db_errors = _db_errors(ws)
        conn = ws.engine.connect()
        committed_line = 0
        self._source = iter(source)
        try:
            writer = _Writer(conn)
            writer.prepare()
            try:
                while not self.result.cancelled and self._upcoming(writer) is not None:
                    with ws._write_lock:
                        if ws.closed:
                            raise WorkspaceError("the workspace was closed during the import", where=ws.location)
                        if (self.options.exclusive and writer.sqlite and not self.dry_run
                                and self._bulk(writer, writer.stored_events())):
                            ws.engine.pool.dispose()  # idle connections of this process would keep the log
                            self.result.journal = writer.use_rollback_journal()
                        tx = conn.begin()
                        try:
                            self._transaction(writer)
                            if self.dry_run:
                                tx.rollback()
                            else:
                                self._report("committing")
                                tx.commit()
                                committed_line = self._last_line
                        except BaseException:
                            if tx.is_active:
                                tx.rollback()
                            raise
                        finally:
                            writer.restore_journal()
                    if not self.dry_run:
                        writer.checkpoint()
                        self._hand_over(conn, writer)
            finally:
                writer.restore()
        except db_errors as exc:
            detail = getattr(exc, "orig", None) or exc
            done = (f"rows up to line {committed_line:,} are imported; importing the file again adds the rest"
                    if committed_line else "nothing was imported")
            raise WorkspaceError(f"the import of {self.path.name} stopped near line {self._last_line:,}: the "
                                 f"database failed ({detail}); {done}", where=ws.location) from exc
        finally:
            conn.close()

    def _upcoming(self, writer: _Writer) -> _Batch | None:
        """The next batch with records (it stays next until taken), or None at the end of the file.

        Batches without records (the problems met before the header, or at the end) need no
        transaction and are applied here.
        """
        while self._pending is None:
            batch = next(self._source, None)
            if batch is None:
                return None
            if batch.records:
                self._pending = batch
            else:
                self._take(batch, writer)
        return self._pending

    def _take(self, batch: _Batch, writer: _Writer) -> None:
        self._pending = None
        self.bytes_done = batch.bytes_done
        self._last_line = batch.last_line
        self._apply(batch.payload, writer)

    def _transaction(self, writer: _Writer) -> None:
        """Apply batches until the transaction has as many rows as it takes (or the file ends)."""
        writer.begin()
        if writer.others_wrote():
            # Someone else may have merged or deleted customers: look identifiers up afresh.
            self.owner.clear()
            self.none_stored.clear()
            self.exclusive.clear()
        limit = self.options.commit_rows
        if self.dry_run:
            limit = 2 ** 62  # one transaction, rolled back: later ones could not see the first
        bulk = self._bulk(writer, writer.events_before)
        if bulk:
            limit = max(limit, BULK_MAX_ROWS)
            writer.drop_indexes()
            self.result.bulk = True
        rows = 0
        while rows < limit:
            if self.cancelled():
                self.result.cancelled = True
                self.result.last_line = self._last_line
                break
            batch = self._upcoming(writer)
            if batch is None or (rows and rows + batch.records > limit):
                break  # the end of the file, or a batch for the next transaction
            self._take(batch, writer)
            rows += batch.records
            self._report("reading")
        if bulk:
            self._report("indexing")
            writer.rebuild_indexes()
        writer.finish()

    def _bulk(self, writer: _Writer, events_before: int) -> bool:
        """Whether the next transaction is a bulk one, the events table holding about
        ``events_before`` rows."""
        if self.plan.kind != "events" or not writer.sqlite:
            return False
        if self.options.bulk is not None:
            return self.options.bulk
        remaining = self.first.estimated_rows - self.result.rows_read
        return remaining >= BULK_MIN_ROWS and min(remaining, BULK_MAX_ROWS) >= events_before

    def _hand_over(self, conn: Connection, writer: _Writer) -> None:
        if self.on_events is None or writer.events_after <= writer.events_before:
            return
        low = writer.events_before
        while low < writer.events_after:
            high = min(low + HANDOVER_CHUNK, writer.events_after)
            rows = conn.execute(select(_events).where(_events.c.id > low, _events.c.id <= high)
                                .order_by(_events.c.id)).all()
            conn.rollback()
            records = [EventRecord(id=r.id, customer_id=r.customer_id, name=r.name, properties=dict(r.properties),
                                   occurred_at=r.occurred_at, received_at=r.received_at, source=r.source,
                                   dedup_key=r.dedup_key, created=True) for r in rows]
            if records:
                self.on_events(records)
            low = high

    def _report(self, phase: str) -> None:
        if self.progress is None:
            return
        r = self.result
        size = self.first.size
        done = size if phase == "done" else min(self.bytes_done, size)
        self.progress(ImportProgress(rows=r.rows_read, bytes_done=done, bytes_total=size,
                                     imported=r.imported, skipped=r.skipped, phase=phase))

    # -- rows --------------------------------------------------------------------------------

    def _apply(self, payload: Any, writer: _Writer) -> None:
        raise NotImplementedError

    def _error(self, row: int, line: int, column: str, reason: str, value: str = "") -> None:
        self.result.skipped += 1
        if len(self.result.errors) < MAX_KEPT_ERRORS:
            self.result.errors.append(RowError(row, line, column, reason, clip(value)))

    def _errors(self, errors: Iterable[RowProblem]) -> None:
        for error in errors:
            self._error(*error)

    def _load(self, writer: _Writer, rows: Sequence[Sequence[tuple[str, str]]]) -> None:
        """Learn which customers own the identifiers of ``rows`` not seen yet, and what
        :meth:`_resolve` needs to know of them to apply rule 3 (:meth:`_load_exclusive`)."""
        unknown: dict[str, set[str]] = defaultdict(set)
        for kind, value in chain.from_iterable(rows):
            if value not in self.owner[kind]:
                unknown[kind].add(value)
        for kind, values in unknown.items():
            if not self._none_stored(writer, kind):
                self.owner[kind].update(writer.lookup(kind, values))
        if self.guard_exclusive and not self._no_exclusive_stored(writer):
            self._load_exclusive(writer, rows, {(kind, value) for kind in EXCLUSIVE_KINDS & unknown.keys()
                                                for value in unknown[kind] if value not in self.owner[kind]})

    def _load_exclusive(self, writer: _Writer, rows: Sequence[Sequence[tuple[str, str]]],
                        new: set[tuple[str, str]]) -> None:
        """Fetch in a few queries the exclusive identifiers of the stored customers that rows would
        give a ``new`` one (an exclusive identifier nobody has), so that :meth:`_resolve` does not
        ask row by row. Nothing is read when every exclusive identifier of the batch is known."""
        if not new:
            return
        owner, known = self.owner, self.exclusive
        wanted: set[str] = set()
        for row in rows:
            if not new.isdisjoint(row):
                wanted.update(c for kind, value in row
                              if (c := owner[kind].get(value)) is not None and c not in known)
        if wanted:
            known.update(writer.exclusive_identifiers(wanted))

    def _held(self, writer: _Writer, customer: str) -> dict[str, str]:
        """The exclusive identifiers of a customer (kind → value)."""
        held = self.exclusive.get(customer)
        if held is None:
            if self._no_exclusive_stored(writer):
                return {}  # the customers this import made are all in self.exclusive
            # A customer linked to the row by an identifier that an earlier row of the batch gave
            # it (rare: the others were fetched by _load_exclusive).
            held = self.exclusive[customer] = writer.exclusive_identifiers([customer])[customer]
        return held

    def _no_exclusive_stored(self, writer: _Writer) -> bool:
        """Whether no customer held an identifier of the exclusive kinds of this import's columns
        before it (nor got one from anyone else since)."""
        return all(self._none_stored(writer, kind) for kind in EXCLUSIVE_KINDS & self.id_columns.keys())

    def _none_stored(self, writer: _Writer, kind: str) -> bool:
        """Whether no identifier of ``kind`` was stored before this import (see :attr:`none_stored`):
        a first import into a workspace then skips looking up each new identifier."""
        empty = self.none_stored.get(kind)
        if empty is None:
            empty = self.none_stored[kind] = not writer.any_identifier(kind)
        return empty

    def _resolve(self, pairs: list[tuple[str, str]], new_customers: list[str],
                 new_identifiers: list[tuple[str, str, str]], writer: _Writer) -> tuple[str | None, _Problem | None]:
        """The customer a row's identifiers name (made up if none), and None; or None and the
        row's problem when its identifiers belong to different customers or would give a customer
        a second identifier of an exclusive kind (rule 3 of docs/identity.md). A row with a
        problem changes nothing."""
        owner = self.owner
        owners: dict[str, tuple[str, str]] = {}
        unowned: list[tuple[str, str]] = []
        for pair in pairs:
            customer = owner[pair[0]].get(pair[1])
            if customer is None:
                unowned.append(pair)
            else:
                owners.setdefault(customer, pair)
        if len(owners) > 1:
            named = [f"{kind} {_quoted(value)}" for kind, value in owners.values()]
            return None, (self.plan.id_column, "", f"{' and '.join(named)} belong to different customers; "
                                                   f"{MERGE_FIRST}")
        if not unowned:
            return next(iter(owners)), None  # every identifier known: the common case of a second import
        if owners:
            customer, link = next(iter(owners.items()))
            if self.guard_exclusive and not EXCLUSIVE_KINDS.isdisjoint(kind for kind, _v in unowned):
                held = self._held(writer, customer)
                problem = self._second_exclusive(unowned, held, link)
                if problem is not None:
                    return None, problem
                self.exclusive[customer] = {**held, **{k: v for k, v in unowned if k in EXCLUSIVE_KINDS}}
            if link[0] in EXCLUSIVE_KINDS:
                self._note_id_link(writer, customer, link, unowned)
        else:
            # One column per kind: the row holds at most one value of each exclusive kind.
            customer = new_id()
            new_customers.append(customer)
            self.new_customer_ids.add(customer)
            if self.guard_exclusive:
                self.exclusive[customer] = {k: v for k, v in unowned if k in EXCLUSIVE_KINDS} or _NONE_HELD
        for kind, value in unowned:
            if value not in owner[kind]:  # a value given twice in the row is added once
                owner[kind][value] = customer
                new_identifiers.append((kind, value, customer))
        return customer, None

    def _note_id_link(self, writer: _Writer, customer: str, link: tuple[str, str],
                      added: Sequence[tuple[str, str]]) -> None:
        """Note a row that gives a customer with an e-mail address another one, found by ``link``, a
        user id alone: two shops' customer numbers (Shopify's 7001 and WooCommerce's 7001) look
        alike, and would make two people one (:data:`ID_LINKS_SHOWN` are named in a warning)."""
        emails = [value for kind, value in added if kind == "email"]
        if not emails or customer in self.new_customer_ids:
            return
        had = writer.conn.execute(select(IdentifierRow.value).where(
            IdentifierRow.customer_id == customer, IdentifierRow.kind == "email").limit(1)).scalar()
        if had is not None:
            self.id_links.append((link[0], link[1], had, emails[0]))

    def _second_exclusive(self, added: Sequence[tuple[str, str]], held: dict[str, str],
                          link: tuple[str, str]) -> _Problem | None:
        """The problem of a row that would give the customer it names by ``link``, who holds the
        exclusive identifiers ``held``, another identifier of one of those kinds (``added`` are the
        row's identifiers nobody has: a value of another kind than ``link``'s, as the row has one
        column per kind)."""
        for kind, value in added:
            have = held.get(kind)
            if have is not None:
                link_kind, link_value = link
                return (self.id_columns[link_kind], link_value,
                        f"{link_kind} {_quoted(link_value)} already belongs to the customer with {kind} "
                        f"{_quoted(have)}; a profile has one {kind}, so this row's {kind} {_quoted(value)} "
                        "cannot be added to it")
        return None


class _EventImport(_Import):
    """Events: one row, one event."""

    batches: EventConverter

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        source = event_source(self.path, self.options)
        self.source = source[:MAX_SOURCE_LENGTH]

    def _converter(self) -> EventConverter:
        plan = self.plan
        return EventConverter(plan.columns, plan.header, plan.id_column, plan.time_zone,
                              event_name=plan.event_name, max_identifier=MAX_IDENTIFIER_LENGTH,
                              max_event_name=MAX_EVENT_NAME_LENGTH, phone_country=self.options.phone_country)

    def _open(self, fmt: FileFormat) -> _InProcess | _ReadingProcess:
        if self._parallel():
            plan = self.plan
            job = EventJob(str(self.path), fmt, self._convert_rows(), self.options.batch_rows, plan.columns,
                           plan.header, plan.id_column, plan.time_zone, plan.event_name, MAX_IDENTIFIER_LENGTH,
                           MAX_EVENT_NAME_LENGTH, self.options.phone_country or None)
            try:
                return _ReadingProcess(job)
            except _NoReadingProcess:
                pass
        return _InProcess(RecordFile(self.path, fmt, self._convert_rows()), self.batches, self.options.batch_rows)

    def _convert_rows(self) -> int:
        """Records converted at a time: about CONVERT_ROWS, and a whole number of them a batch."""
        batch_rows = self.options.batch_rows
        return max(1, batch_rows // -(-batch_rows // CONVERT_ROWS))

    def _parallel(self) -> bool:
        """Whether to read and convert the file in a second process while this one writes."""
        if self.options.parallel is False or getattr(sys, "frozen", False) or not sys.executable:
            return False  # a frozen application has no interpreter to start
        if self.options.parallel:
            return True
        return self.first.size >= PARALLEL_MIN_BYTES and _processors() > 1

    def _apply(self, rows: EventRows, writer: _Writer) -> None:
        result = self.result
        result.rows_read += rows.rows_read
        result.blank_rows += rows.blank_rows
        result.continued += rows.continued
        self._errors(rows.errors)
        for column, kept in rows.kept_as_text.items():
            self.kept_as_text[column].merge(kept)
        for key, tally in rows.notes.items():
            self.notes.setdefault(key, noted(key[0])).merge(tally)
        if not rows.digests:
            return
        names, times, properties = rows.names, rows.times, rows.properties
        digests = rows.digests
        if rows.ids is not None:
            # Identity: one identifier column without gaps resolves through a dictionary lookup.
            customers = self._resolve_single(writer, self.batches.single_kind or "", rows.ids)
        else:
            assert rows.pairs is not None
            self._load(writer, rows.pairs)
            new_customers: list[str] = []
            new_identifiers: list[tuple[str, str, str]] = []
            customers = []
            keep = [True] * len(rows.pairs)
            for index, pairs in enumerate(rows.pairs):
                customer, problem = self._resolve(pairs, new_customers, new_identifiers, writer)
                if customer is None:
                    column, value, reason = problem or ("", "", "")
                    self._error(rows.numbers[index], rows.lines[index], column, reason, value)
                    keep[index] = False
                else:
                    customers.append(customer)
            writer.add_customers(new_customers, self.now_text)
            writer.add_identifiers(new_identifiers)
            result.created += len(new_customers)
            if len(customers) < len(keep):
                names, times, properties, digests = (list(compress(c, keep))
                                                     for c in (names, times, properties, digests))
            if not digests:
                return
        added = writer.add_events(customers, names, properties, times, self.now_text, self.source, digests)
        result.imported += added
        result.duplicates += len(digests) - added
        if added and self.tracking_plan:
            if added < len(digests):
                # Only the events stored now are counted: a row already stored was counted when it was.
                stored = writer.inserted_events(times, digests, added)
                names, properties = [names[i] for i in stored], [properties[i] for i in stored]
            # Checked against the tracking plan in the same transaction as the events it counts.
            result.plan_violations += check_and_record(
                self.ws, zip(names, map(json.loads, properties), strict=True), plan=self.tracking_plan,
                conn=writer.conn, source=self.source)

    def _resolve_single(self, writer: _Writer, kind: str, values: list[str]) -> list[str]:
        owner = self.owner[kind]
        customers = list(map(owner.get, values))
        if None not in customers:
            return customers  # every identifier seen before: the common case after the first batches
        # Looking a value up costs about as much as everything else done with it (the dictionary
        # is large and scattered in memory): the rows found are not looked up again.
        unknown = list(compress(range(len(values)), map(operator.is_, customers, repeat(None))))
        missing = set(map(values.__getitem__, unknown))
        if not self._none_stored(writer, kind):
            owner.update(writer.lookup(kind, missing))
        new = sorted(missing.difference(owner))
        if new:
            # Sorted, like the values: both primary keys are then written in order.
            ids = sorted(_new_ids(len(new)))
            writer.add_customers(ids, self.now_text)
            writer.add_identifiers(list(zip(repeat(kind), new, ids, strict=False)))
            owner.update(zip(new, ids, strict=True))
            self.result.created += len(ids)
        for index in unknown:
            customers[index] = owner[values[index]]
        return customers


def _processors() -> int:
    """Processors this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class _CustomerImport(_Import):
    """Customers: one row, one upsert."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.created_ids: set[str] = set()
        self.updated_ids: set[str] = set()
        self.zones: dict[str, bool] = {}

    def _apply(self, batch: RecordBatch, writer: _Writer) -> None:
        errors: list[RowProblem] = []
        rows, numbers, lines, read, blank = self.batches.clean(batch, errors)
        self.result.rows_read += read
        self.result.blank_rows += blank
        self._errors(errors)
        n = len(rows)
        if not n:
            return
        columns = list(zip(*rows, strict=True))
        bad: dict[int, tuple[str, str, str]] = {}
        notes: list[Note] = []
        plan = self.plan
        convert = self.batches
        id_cells = [(p, convert.identifier_cells(p, columns[p.index], bad, notes)) for p in plan.of("identifiers")]
        pairs = convert.canonical(convert.identifiers(id_cells, n, bad, notes), notes)
        kept: list[Note] = []
        attributes = [(p.key, self._attribute_values(p, columns[p.index], bad, kept))
                      for p in plan.of("attributes")]
        consents = [(p.key, convert.values(p, columns[p.index], bad, kept, as_json=False))
                    for p in plan.of("consent")]
        tag_columns = [list(map(str.strip, columns[p.index])) for p in plan.of("tags")]
        zone_plan = next(iter(plan.of("time_zone")), None)
        zones = self._zones(zone_plan, columns[zone_plan.index], bad) if zone_plan else None

        chosen = [i for i in range(n) if i not in bad]
        self._load(writer, [pairs[i] for i in chosen])
        new_customers: list[str] = []
        new_identifiers: list[tuple[str, str, str]] = []
        #: Per row: its customer, what it sets, whether it made the customer and whether it gave
        #: the customer identifiers.
        changes: list[tuple[str, dict[str, Any], dict[str, bool], set[str], str | None, bool, bool]] = []
        for i in chosen:
            made, given = len(new_customers), len(new_identifiers)
            customer, problem = self._resolve(pairs[i], new_customers, new_identifiers, writer)
            if customer is None:
                assert problem is not None
                bad[i] = problem
                continue
            attrs = {key: values[i] for key, values in attributes if values[i] is not None}
            consent = {key: values[i] for key, values in consents if values[i] is not None}
            tags = {tag.strip() for cells in tag_columns for tag in split_tags(cells[i]) if tag.strip()}
            changes.append((customer, attrs, consent, tags, zones[i] if zones else None,
                            len(new_customers) > made, len(new_identifiers) > given))
        for index in sorted(bad):
            column, value, reason = bad[index]
            self._error(numbers[index], lines[index], column, convert.why(numbers[index], reason), value)
        if notes:
            convert.note(notes, bad, numbers, self.notes)
        if kept:
            convert.keep(kept, bad, numbers, self.kept_as_text, self.notes)
        if not changes:
            return
        fresh = set(new_customers)
        grown = {customer for _k, _v, customer in new_identifiers if customer not in fresh}
        stored = writer.customer_states([c for c in dict.fromkeys(c[0] for c in changes) if c not in fresh])
        states: dict[str, dict[str, Any]] = {}
        for customer in dict.fromkeys(c[0] for c in changes):
            base = stored.get(customer) or {"attributes": {}, "consent": {}, "tags": [], "time_zone": None}
            states[customer] = {"attributes": dict(base["attributes"]), "consent": dict(base["consent"]),
                                "tags": list(base["tags"]), "time_zone": base["time_zone"]}
        before = {c: _freeze(s) for c, s in states.items()}
        created_rows = unchanged_rows = 0
        #: The customer of each row that changed it as it stood then (or gave it identifiers).
        changed: list[str] = []
        for customer, attrs, consent, tags, zone, made, gave in changes:
            state = states[customer]
            snapshot = _freeze(state)
            state["attributes"].update(attrs)
            state["consent"].update(consent)
            if tags:
                state["tags"] = merged_tags(state["tags"], sorted(tags))
            if zone:
                state["time_zone"] = zone
            if made:
                created_rows += 1
            elif gave or _freeze(state) != snapshot:
                changed.append(customer)
            else:
                unchanged_rows += 1
        new_rows = [{"id": c, **states[c], "created_at": self.now, "updated_at": self.now} for c in new_customers]
        writer.insert_customers(new_rows)
        writer.add_identifiers(new_identifiers)
        updates = [{"b_id": c, "b_attributes": s["attributes"], "b_consent": s["consent"], "b_tags": s["tags"],
                    "b_time_zone": s["time_zone"], "b_updated_at": self.now}
                   for c, s in states.items() if c not in fresh and (_freeze(s) != before[c] or c in grown)]
        writer.update_customers(updates)
        updated = {u["b_id"] for u in updates}
        # Rows that only set a stored customer back to where it was (a file imported again that
        # names one customer in two rows with different values) leave it unchanged: so are they.
        updated_rows = sum(1 for customer in changed if customer in fresh or customer in updated)
        self.created_ids |= fresh
        self.updated_ids |= updated - self.created_ids
        result = self.result
        result.created += created_rows
        result.updated += updated_rows
        result.unchanged += unchanged_rows + len(changed) - updated_rows
        result.customers_updated = len(self.updated_ids)
        result.imported = result.created + result.updated

    def _attribute_values(self, plan: ColumnPlan, cells: Sequence[str],
                          bad: dict[int, tuple[str, str, str]], kept: list[Note]) -> list[Any]:
        values = self.batches.values(plan, cells, bad, kept, as_json=False)
        conv = self.converters[plan.index]
        if isinstance(conv, DateTimeConverter):
            # Stored as JSON: dates and times as ISO 8601 text (times in UTC, ending in Z).
            return [v if v is None or isinstance(v, str) else v.isoformat() if conv.date_only
                    else conv.json_many([v])[0].strip('"') for v in values]
        return values

    def _zones(self, plan: ColumnPlan, cells: Sequence[str], bad: dict[int, tuple[str, str, str]]) -> list[str | None]:
        out: list[str | None] = []
        for index, cell in enumerate(map(str.strip, cells)):
            if not cell:
                out.append(None)
                continue
            valid = self.zones.get(cell)
            if valid is None:
                try:
                    ZoneInfo(cell)
                    valid = True
                except (ZoneInfoNotFoundError, ValueError):
                    valid = False
                self.zones[cell] = valid
            if not valid:
                bad.setdefault(index, (plan.name, cell, f"unknown time zone '{_short(cell)}'; use an IANA name "
                                                        "such as Europe/Paris"))
            out.append(cell if valid else None)
        return out


def _freeze(state: dict[str, Any]) -> tuple[Any, ...]:
    return (sorted(state["attributes"].items(), key=lambda kv: kv[0]).__repr__(),
            sorted(state["consent"].items()).__repr__(), tuple(state["tags"]), state["time_zone"])


def _short(value: str, size: int = 40) -> str:
    return value if len(value) <= size else value[:size] + "…"


def _quoted(value: str) -> str:
    """A value in a message: in straight quotes, or as Python writes it when it holds a quote (a
    spreadsheet's text marker ``'`` would otherwise read as a doubled quote)."""
    value = _short(value)
    return repr(value) if "'" in value or '"' in value else f"'{value}'"


def _db_errors(ws: Workspace) -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [sa_exc.SQLAlchemyError, sqlite3.Error]
    dbapi = getattr(ws.engine.dialect, "loaded_dbapi", None)
    error = getattr(dbapi, "Error", None)
    if isinstance(error, type) and issubclass(error, BaseException):
        errors.append(error)
    return tuple(errors)


# ----------------------------------------------------------------------------------------------
# Writing
# ----------------------------------------------------------------------------------------------

class _Writer:
    """The statements of an import, on the raw driver connection of one SQLAlchemy connection."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        self.param = "?" if self.sqlite else "%s"
        self.events_before = 0
        self.events_after = 0
        self._dropped: list[tuple[str, str]] = []
        self._pragmas: dict[str, Any] = {}
        p = self.param
        self._statements: dict[tuple[str, str], str] = {}
        columns = "customer_id, name, properties, occurred_at, received_at, source, dedup_key"
        self._insert_head = f"INSERT OR IGNORE INTO {_events.name} ({columns})"
        self._new_customer_head = (f"INSERT INTO {_customers.name} (id, attributes, time_zone, consent, tags, "
                                   "created_at, updated_at)")
        self._new_identifier_head = "INSERT INTO identifiers (kind, value, customer_id)"
        if not self.sqlite:
            self._insert_one = (f"INSERT INTO {_events.name} ({columns}) VALUES (%s, %s, %s::json, %s::timestamptz, "
                                "%s::timestamptz, %s, %s) ON CONFLICT (dedup_key) DO NOTHING")
        self._new_customer = (f"INSERT INTO {_customers.name} (id, attributes, time_zone, consent, tags, created_at, "
                              f"updated_at) VALUES ({p}, '{{}}', NULL, '{{}}', '[]', {p}, {p})")
        self._new_identifier = f"INSERT INTO identifiers (kind, value, customer_id) VALUES ({p}, {p}, {p})"

    @property
    def _cursor(self) -> Any:
        return self.conn.connection.driver_connection.cursor()  # type: ignore[union-attr]

    # -- connection settings -----------------------------------------------------------------

    def prepare(self) -> None:
        """Settings of this connection while importing (SQLite): sorter threads for rebuilding
        indexes, and no foreign-key checks.

        The write-ahead log is checkpointed by :meth:`checkpoint` once the write lock is released,
        rather than by the commit itself while other writers wait.

        Every event is written for a customer this import found or created in the same
        transaction, or in an earlier one if no other connection has written since
        (:meth:`others_wrote`); checking each row against ``customers`` again would double the
        cost of writing it.
        """
        if not self.sqlite:
            return
        cursor = self._cursor
        for name, value in (("threads", 2), ("foreign_keys", 0), ("wal_autocheckpoint", 0)):
            self._pragmas[name] = cursor.execute(f"PRAGMA {name}").fetchone()[0]
            cursor.execute(f"PRAGMA {name} = {int(value)}")

    def restore(self) -> None:
        if not self._pragmas:
            return
        try:
            cursor = self._cursor
            for name, value in self._pragmas.items():
                cursor.execute(f"PRAGMA {name} = {int(value)}")
        except sqlite3.Error:
            pass  # the connection is closed right after; the settings go with it

    def use_rollback_journal(self) -> str:
        """Before a bulk transaction of an import that has the workspace to itself (SQLite): switch
        from the write-ahead log to a rollback journal, and return the journal mode in force.

        In WAL mode every page a transaction writes goes to the log, and a checkpoint copies it
        into the database file again; a bulk import of a million events writes some 400 MB twice.
        With a rollback journal the pages the database file did not have are written once, straight
        into it, and only the few existing pages the import changes are journaled (SQLite's own
        advice for transactions over about 100 MB). Commits stay atomic and durable; a process
        killed mid-import leaves a journal that rolls the transaction back at the next open, and
        every connection the workspace opens switches back to WAL. SQLite refuses the switch while
        another connection (of any process) is open: the import then keeps the log.
        """
        cursor = self._cursor
        mode = str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        if mode != "wal":
            return mode
        try:
            now = str(cursor.execute("PRAGMA journal_mode = DELETE").fetchone()[0]).lower()
        except sqlite3.Error as exc:  # busy: another connection holds the log
            log.info("the import keeps the write-ahead log: %s", exc)
            return mode
        if now != "wal":
            self._journal = mode
        return now

    def restore_journal(self) -> None:
        """After the transaction: back to the journal mode :meth:`use_rollback_journal` left."""
        if self._journal is None:
            return
        mode, self._journal = self._journal, None
        try:
            cursor = self._cursor
            cursor.execute(f"PRAGMA journal_mode = {mode}").fetchall()
            # Measured: until the connection has read the database once more, a checkpoint on it
            # fails with "database table is locked".
            cursor.execute("SELECT count(*) FROM sqlite_master").fetchall()
        except sqlite3.Error as exc:  # the next connection the workspace opens switches it back
            log.warning("the workspace stays in rollback-journal mode until it is opened again: %s", exc)

    _journal: str | None = None

    def stored_events(self) -> int:
        """The highest event id, a cheap stand-in for the size of the events table."""
        return self._cursor.execute(f"SELECT max(id) FROM {_events.name}").fetchone()[0] or 0

    # -- transactions ------------------------------------------------------------------------

    def checkpoint(self) -> None:
        """Copy the committed pages from the write-ahead log into the database (SQLite), without
        waiting for readers or blocking writers."""
        if self.sqlite:
            self._cursor.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def others_wrote(self) -> bool:
        """Whether another connection committed since the last call (always True on servers,
        where this cannot be told cheaply)."""
        if not self.sqlite:
            return True
        version = self._cursor.execute("PRAGMA data_version").fetchone()[0]
        changed, self._data_version = version != self._data_version, version
        return changed

    _data_version: int | None = None

    def begin(self) -> None:
        self.events_before = self.conn.scalar(select(_events.c.id).order_by(_events.c.id.desc()).limit(1)) or 0
        self.events_after = self.events_before

    def finish(self) -> None:
        self.events_after = self.conn.scalar(select(_events.c.id).order_by(_events.c.id.desc()).limit(1)) or 0

    def drop_indexes(self) -> None:
        """Drop the events' non-unique indexes (inside the transaction), remembering their SQL."""
        cursor = self._cursor
        rows = cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                              "AND sql IS NOT NULL", (_events.name,)).fetchall()
        self._dropped = [(name, sql) for name, sql in rows if not sql.upper().startswith("CREATE UNIQUE")]
        for name, _sql in self._dropped:
            cursor.execute(f'DROP INDEX "{name}"')

    def rebuild_indexes(self) -> None:
        cursor = self._cursor
        for _name, sql in self._dropped:
            cursor.execute(sql)
        self._dropped = []

    # -- reads -------------------------------------------------------------------------------

    def any_identifier(self, kind: str) -> bool:
        """Whether any identifier of ``kind`` is stored."""
        return self.conn.scalar(select(IdentifierRow.kind).where(IdentifierRow.kind == kind).limit(1)) is not None

    def lookup(self, kind: str, values: Iterable[str]) -> dict[str, str]:
        """Owners of identifiers of one kind that are stored."""
        found: dict[str, str] = {}
        ordered = sorted(values)
        cursor = self._cursor
        if self.sqlite:
            for start in range(0, len(ordered), LOOKUP_CHUNK):
                chunk = ordered[start:start + LOOKUP_CHUNK]
                marks = ", ".join("?" * len(chunk))
                found.update(cursor.execute(
                    f"SELECT value, customer_id FROM identifiers WHERE kind = ? AND value IN ({marks})",
                    (kind, *chunk)).fetchall())
        elif ordered:
            cursor.execute("SELECT value, customer_id FROM identifiers WHERE kind = %s AND value = ANY(%s)",
                           (kind, ordered))
            found.update(cursor.fetchall())
        return found

    def exclusive_identifiers(self, ids: Iterable[str]) -> dict[str, dict[str, str]]:
        """The identifiers of exclusive kinds (:data:`~engine.track.identity.EXCLUSIVE_KINDS`) that
        each of the customers ``ids`` holds, kind → value (the first value, should one hold two)."""
        found: dict[str, dict[str, str]] = {customer: {} for customer in ids}
        ordered = sorted(found)
        kinds = sorted(EXCLUSIVE_KINDS)
        for start in range(0, len(ordered), LOOKUP_CHUNK):
            chunk = ordered[start:start + LOOKUP_CHUNK]
            for customer, kind, value in self.conn.execute(
                    select(IdentifierRow.customer_id, IdentifierRow.kind, IdentifierRow.value)
                    .where(IdentifierRow.customer_id.in_(chunk), IdentifierRow.kind.in_(kinds))
                    .order_by(IdentifierRow.value)):
                found[customer].setdefault(kind, value)
        return found

    def customer_states(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        states: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), LOOKUP_CHUNK):
            chunk = list(ids[start:start + LOOKUP_CHUNK])
            for row in self.conn.execute(select(_customers.c.id, _customers.c.attributes, _customers.c.consent,
                                                _customers.c.tags, _customers.c.time_zone)
                                         .where(_customers.c.id.in_(chunk))):
                states[row.id] = {"attributes": row.attributes, "consent": row.consent, "tags": row.tags,
                                  "time_zone": row.time_zone}
        return states

    # -- writes ------------------------------------------------------------------------------

    def _time(self, text: str) -> str:
        return text if self.sqlite else text + "+00"

    def add_customers(self, ids: Sequence[str], now_text: str) -> None:
        if not ids:
            return
        now = self._time(now_text)
        if self.sqlite:
            flat: list[Any] = [now] * (3 * len(ids))
            flat[0::3] = ids
            self._many(self._new_customer_head, "(?, '{}', NULL, '{}', '[]', ?, ?)", 3, flat)
        else:
            self._cursor.executemany(self._new_customer, [(c, now, now) for c in ids])

    def add_identifiers(self, rows: Sequence[tuple[str, str, str]]) -> None:
        if not rows:
            return
        if self.sqlite:
            self._many(self._new_identifier_head, "(?, ?, ?)", 3, list(chain.from_iterable(rows)))
        else:
            self._cursor.executemany(self._new_identifier, rows)

    def insert_customers(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.conn.execute(insert(_customers), rows)

    def update_customers(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.conn.execute(update(_customers).where(_customers.c.id == bindparam("b_id")).values(
                attributes=bindparam("b_attributes"), consent=bindparam("b_consent"), tags=bindparam("b_tags"),
                time_zone=bindparam("b_time_zone"), updated_at=bindparam("b_updated_at")), rows)

    def add_events(self, customers: list[str], names: list[str], properties: list[str], times: list[str],
                   now_text: str, source: str, digests: list[str]) -> int:
        """Insert events, skipping stored dedup keys (``csv:<time>:<digest>``); returns how many
        were added."""
        now = self._time(now_text)
        count = len(digests)
        if not self.sqlite:
            keys = map("csv:%s:%s".__mod__, zip(times, digests, strict=True))
            rows = zip(customers, names, properties, map("%s+00".__mod__, times), repeat(now), repeat(source), keys,
                       strict=False)
            cursor = self._cursor
            cursor.executemany(self._insert_one, list(rows))
            return cursor.rowcount
        # Five values a row, a column at a time (no tuple per row); the import's time and source are
        # bound once per statement, and SQLite makes the dedup key from the time it already has.
        flat: list[Any] = [None] * (5 * count)
        flat[0::5] = customers
        flat[1::5] = names
        flat[2::5] = properties
        flat[3::5] = times
        flat[4::5] = digests
        cursor = self._cursor
        changed = 0
        start = 0
        while start < count:
            # INSERT_ROWS rows a statement, then a multiple of 32 and fewer than 32: a few statement
            # texts, each prepared once.
            left = count - start
            rows = INSERT_ROWS if left >= INSERT_ROWS else (left - left % 32 or left)
            chunk = flat[5 * start:5 * (start + rows)]
            chunk += (now, source)
            cursor.execute(self._event_statement(rows), chunk)
            changed += cursor.rowcount
            start += rows
        return changed

    def inserted_events(self, times: Sequence[str], digests: Sequence[str], added: int) -> list[int]:
        """The indexes of the rows that the :meth:`add_events` just called with ``times`` and
        ``digests`` inserted, given that it inserted ``added`` of them: of each dedup key it
        stored, the first row with that key (rows with one key are the same event).

        An event gets a higher id than every event stored before it, so the ``added`` highest ids
        among the events with the batch's keys are the ones inserted. Only a batch with both new
        and already stored rows asks; it costs a look-up by key per row.
        """
        keys = list(map("csv:%s:%s".__mod__, zip(times, digests, strict=True)))
        unique = list(dict.fromkeys(keys))
        stored: dict[int, str] = {}
        cursor = self._cursor
        for start in range(0, len(unique), INSERT_ROWS):
            chunk = unique[start:start + INSERT_ROWS]
            marks = ", ".join([self.param] * len(chunk))
            cursor.execute(f"SELECT id, dedup_key FROM {_events.name} WHERE dedup_key IN ({marks})", chunk)
            stored.update(cursor.fetchall())
        new = set(map(stored.__getitem__, sorted(stored)[len(stored) - added:]))
        rows = []
        for index, key in enumerate(keys):
            if key in new:
                new.discard(key)
                rows.append(index)
        return rows

    def _event_statement(self, rows: int) -> str:
        """``INSERT OR IGNORE`` of ``rows`` events, numbered parameters: five per row, then the
        import's ``received_at`` and ``source`` shared by every row."""
        statement = self._statements.get(("events", str(rows)))
        if statement is None:
            now, source = 5 * rows + 1, 5 * rows + 2
            values = ", ".join(f"(?{5 * i + 1}, ?{5 * i + 2}, ?{5 * i + 3}, ?{5 * i + 4}, ?{now}, ?{source}, "
                               f"'csv:' || ?{5 * i + 4} || ':' || ?{5 * i + 5})" for i in range(rows))
            statement = self._statements[("events", str(rows))] = f"{self._insert_head} VALUES {values}"
        return statement

    def _many(self, head: str, marks: str, width: int, flat: list[Any]) -> int:
        """Run ``head VALUES marks, marks...`` (SQLite) over ``flat``, ``width`` values a row and
        :data:`INSERT_ROWS` rows a statement; returns the rows changed.

        One statement for many rows is one call into SQLite, where ``executemany`` makes a call
        (and binds a tuple) per row.
        """
        cursor = self._cursor
        step = INSERT_ROWS * width
        full = len(flat) - len(flat) % step
        changed = 0
        if full:
            statement = self._statements.get((head, marks))
            if statement is None:
                statement = self._statements[(head, marks)] = f"{head} VALUES " + ", ".join([marks] * INSERT_ROWS)
            for start in range(0, full, step):
                cursor.execute(statement, flat[start:start + step])
                changed += cursor.rowcount
        if full < len(flat):
            cursor.executemany(f"{head} VALUES {marks}",
                               [flat[i:i + width] for i in range(full, len(flat), width)])
            changed += cursor.rowcount
        return changed


def _new_ids(count: int) -> list[str]:
    """``count`` new customer ids: random (version 4) UUIDs as text, like :func:`new_id` makes one
    at a time, from one call for random bytes."""
    digits = os.urandom(16 * count).hex()
    ids = []
    for start in range(0, 32 * count, 32):
        h = digits[start:start + 32]
        ids.append(f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}")
    return ids


# The variant bits of a UUID (10xx in the first digit of the fourth group), kept random otherwise.
_VARIANT = {d: "89ab"[int(d, 16) & 3] for d in "0123456789abcdef"}


__all__ = ["BATCH_ROWS", "COMMIT_ROWS", "DATE_FORMATS", "KINDS", "ColumnInfo", "ColumnPlan", "CsvImportError",
           "ImportOptions", "ImportPlan", "ImportProgress", "ImportResult", "Preview", "RowError", "import_csv",
           "import_customers", "import_events", "make_plan", "preview", "suggest_mapping",
           "write_error_report"]
