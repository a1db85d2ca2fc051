"""``journey-studio import customers|events FILE.csv``: the CSV import from the command line.

The import itself is :mod:`engine.track.csv_import`; this module turns options into
:class:`~engine.track.csv_import.ImportOptions` and prints the outcome.

Exit codes: 0 when at least one row was imported or was already there (a second import of the
same file exits 0), 1 when nothing could be imported (every row had an error, the file has no
data rows or cannot be read, or it lacks what the import needs: a column that identifies the
customer, the event name or a time column whose values are dates), 2 when the command line is
wrong (argparse's usage errors, and every :class:`~engine.track.csv_import.CsvImportError` marked
``usage``: an unknown field, identifier kind, time zone, phone country, encoding, delimiter or date
format, a column the file does not have, options that contradict each other) or the ``--errors`` report
cannot be written (both checked before anything is imported), 3 when rows were imported but the
report could not be written at the end, 130 when interrupted with Ctrl-C (the rows committed
before stay; the summary says up to which line).

The engine's errors name no option; what would fix one (its ``fix``) is said here, in this
command's words (:data:`FIXES`).

``--phone-country CC`` reads phone identifiers written without a country code as numbers of that
country (``06 12 34 56 78`` with FR is kept as ``+33612345678``); the workspace remembers it, and an
import without the option uses the country remembered and says so in a line under the summary.
``--phone-country none`` keeps numbers as written and forgets the country.

The warnings are the result's, in its order, but for one case: values of the preview's sample that
do not fit their column's type and were kept as text are named twice, in the preview's warning
(which says the type) and in the result's (which says what was done). When both name the same
values, the preview's is printed alone, saying what was done too (:func:`_warnings`); ``--json``
keeps both.

The summary counts every row of a customer import once: created (it made a customer), updated,
unchanged or skipped with an error; ``--json`` has the same counts (``created``, ``updated``,
``unchanged``, ``skipped``, which add up to ``rows_read``) and ``customers_updated``, the customers
that were there before and changed.

With ``--json`` the result is one JSON object on stdout, and so is a refusal, with nothing on
stderr: ``{"error": ..., "where": ...}``, the message and the place of a
:class:`~engine.errors.JourneyStudioError` (a wrong command line still gets argparse's usage
message). A result whose report could not be written carries ``error`` and ``where`` too.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from engine.errors import JourneyStudioError

#: Row errors printed under the summary (all of them go to ``--errors``).
SHOWN_ERRORS = 10

#: What to do about a refusal, by the ``fix`` of the :class:`~engine.track.csv_import.CsvImportError`.
FIXES = {
    "date_format": "give their format with --date-format",
    "id_column": "choose one with --id-column (and --id-kind), or map one with --map COLUMN=identifiers.email",
    "event": "map one with --map COLUMN=event, or give every row the same name with --event-name NAME",
    "time": "map one with --map COLUMN=time",
    "encoding": "leave out --encoding (the encoding is detected) or give that one",
    "event_id": "map it with --map COLUMN=event_id",
}


#: The preview's warning about sampled values that do not fit their column's type, and the
#: result's about the values that did not and were kept as text: the column, how many, and the
#: values named (see :func:`engine.track.csv_import.preview` and ``_Import.run``).
_SAMPLE_MISFITS = re.compile(r"column '(?P<column>.*?)': (?P<count>\d[\d,]*) of the first [\d,]+ values "
                             r"do(?:es)? not fit its type \(.*?\): (?P<shown>row \d+ .*?)(?: and more)?")
_KEPT_AS_TEXT = re.compile(r"column '(?P<column>.*?)': (?P<count>\d[\d,]*) values? did not fit its type and "
                           r"(?:was|were) kept as text: (?P<shown>row \d+ .*?)(?: and [\d,]+ more)?")


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _json_out(data: dict[str, Any]) -> None:
    _out(json.dumps(data, indent=2, ensure_ascii=False))


def _refuse(args: argparse.Namespace, exc: JourneyStudioError) -> None:
    """Say why nothing was done: one line on stderr, or the JSON error object with ``--json``."""
    from engine.cli import PROG

    fix = FIXES.get(getattr(exc, "fix", None) or "")
    message = f"{exc.message}; {fix}" if fix else exc.message
    if args.json:
        _json_out({"error": message, "where": exc.where})
    else:
        sys.stderr.write(f"{PROG}: error: {exc.where}: {message}\n" if exc.where else f"{PROG}: error: {message}\n")


def _mapping(text: str) -> tuple[str, str]:
    column, sep, target = text.partition("=")
    if not sep or not column.strip() or not target.strip():
        raise argparse.ArgumentTypeError(f"expected COLUMN=FIELD (e.g. email=identifiers.email), not {text!r}")
    return column.strip(), target.strip()


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def add_commands(sub: argparse._SubParsersAction,
                 workspace_options: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``import`` to the subcommands."""
    p = sub.add_parser(
        "import", help="import customers or events from a CSV file",
        description="Import customers or events from a CSV file (Excel and other spreadsheet exports: "
                    "UTF-8, UTF-8 with BOM, UTF-16, GB18030/GBK; comma, semicolon, tab or pipe) or from the "
                    "first sheet of an Excel .xlsx workbook. Rows with "
                    "errors are skipped and listed; importing the same file again adds nothing. Every customer "
                    "row is counted once: created, updated, unchanged or skipped. An empty cell changes no "
                    "stored attribute, and neither does one that only says there is no value (n/a, #N/A, "
                    "null, none, -). "
                    "Exit code 0 when rows were imported or were already there, 1 when nothing could "
                    "be imported (no row was good, or the file cannot be read or lacks a column the "
                    "import needs), 2 when the command line is wrong (including an unknown field, "
                    "identifier kind, time zone, encoding or date format, or a column the file does not "
                    "have) or the --errors report cannot be written (nothing is imported then), 3 when "
                    "rows were imported but the report could not be written, 130 when interrupted. With --json the result, or "
                    "{\"error\": ..., \"where\": ...} when the import is refused, is one JSON object on stdout.",
        epilog="Fields for --map: identifiers.<kind> (email, phone, user_id, anonymous_id, distinct_id, "
               "custom:<name>), skip; events: event, time, event_id (an order number: rows with the same "
               "one and time are one event), properties.<name>, items or items.<name> (a value of each line "
               "item of an order, gathered into its event's items list; needs event_id); customers: "
               "attributes.<name>, consent.<channel> (e.g. consent.email), tags, time_zone. Add :TYPE to "
               "force a type (text, int, float, bool, date, datetime, email, phone), e.g. "
               "--map zip=attributes.zip:text. Columns not mapped keep the suggested field "
               "(see it with --dry-run).")
    workspace_options(p)
    p.add_argument("kind", choices=("customers", "events"), help="what the rows are")
    p.add_argument("file", metavar="FILE.csv", help="the CSV file (or .xlsx workbook)")
    p.add_argument("--map", dest="mapping", metavar="COLUMN=FIELD", action="append", type=_mapping, default=[],
                   help="what a column is (repeatable)")
    p.add_argument("--id-column", metavar="COLUMN", help="the column that identifies the customer")
    p.add_argument("--id-kind", metavar="KIND",
                   help="its identifier kind: email, phone, user_id, anonymous_id, distinct_id or custom:<name> "
                        "(default: from the column name)")
    p.add_argument("--event-name", metavar="NAME", help="one event name for every row (no event column)")
    p.add_argument("--time-zone", metavar="ZONE",
                   help="time zone of times written without one, e.g. Europe/Paris (default: this computer's, "
                        "as the app's import wizard)")
    p.add_argument("--phone-country", metavar="CC",
                   help="country of phone numbers written without a country code, as a two-letter code such as "
                        "FR, DE, GB, CN or US: 06 12 34 56 78 is then kept as +33612345678, the way websites "
                        "send it; none keeps numbers as written. Remembered by the workspace (default: the "
                        "country used before, if any)")
    p.add_argument("--date-format", metavar="FMT",
                   help="format of the date columns: iso, dmy (31/12/2024), mdy (12/31/2024), ymd, unix_s, "
                        "unix_ms, or a pattern such as %%d.%%m.%%Y %%H:%%M (default: detected)")
    p.add_argument("--encoding", metavar="ENC", help="file encoding, e.g. utf-8, gb18030, utf-16 (default: detected)")
    p.add_argument("--delimiter", metavar="D", help="field delimiter: , ; | or tab (default: detected)")
    p.add_argument("--dry-run", action="store_true", help="read and check everything, write nothing")
    p.add_argument("--errors", metavar="REPORT.csv", help="write every skipped row with its reason to this CSV file")
    p.add_argument("--batch-rows", type=_positive, default=None, help=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true", help="print the result (or the error) as JSON")
    p.set_defaults(handler=cmd_import)


@contextmanager
def _interrupts(cancel: threading.Event) -> Iterator[None]:
    """Ctrl-C asks the import to stop after its current batch (a second Ctrl-C stops at once)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)

    def handler(signum: int, frame: Any) -> None:
        if cancel.is_set():
            raise KeyboardInterrupt
        cancel.set()

    signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def cmd_import(args: argparse.Namespace) -> int:
    try:
        return _import(args)
    except JourneyStudioError as exc:
        _refuse(args, exc)
        return 2 if getattr(exc, "usage", False) else 1
    except KeyboardInterrupt:
        if not args.json:
            raise
        _json_out({"error": "interrupted; what was imported before is kept", "where": None})
        return 130


def _import(args: argparse.Namespace) -> int:
    from engine.cli import PROG, workspace_location
    from engine.store.workspace import Workspace
    from engine.track.csv_import import BATCH_ROWS, ImportOptions, import_csv

    if args.time_zone is None:
        # As the import wizard does: the same file imported both ways gives the same events.
        args.time_zone, args.zone_chosen = local_time_zone(), False
    options = ImportOptions(mapping=dict(args.mapping), id_column=args.id_column, id_kind=args.id_kind,
                            event_name=args.event_name, time_zone=args.time_zone, date_format=args.date_format,
                            # A zone nobody chose: a file imported before is read as it was then.
                            keep_zone=not getattr(args, "zone_chosen", True),
                            # Columns as the last import of a file with the same ones mapped them.
                            keep_mapping=True,
                            encoding=args.encoding, delimiter=args.delimiter,
                            # None: the country the workspace used before; "none" forgets it.
                            phone_country=getattr(args, "phone_country", None),
                            batch_rows=args.batch_rows or BATCH_ROWS,
                            # This process holds the workspace's write lock and runs nothing else.
                            exclusive=True)
    created_report = False
    if args.errors:
        try:
            created_report = _check_report(args.errors, args.file)
        except JourneyStudioError as exc:
            _refuse(args, exc)
            return 2
    cancel = threading.Event()
    try:
        with Workspace.open(workspace_location(args)) as ws, _interrupts(cancel):
            result = import_csv(ws, args.file, args.kind, options, cancel=cancel, dry_run=args.dry_run)
    except BaseException:
        if created_report:
            with suppress(OSError):
                os.unlink(args.errors)  # refused: leave no empty report behind
        raise
    report_error = None
    if args.errors:
        try:
            result.write_errors(args.errors)
        except OSError as exc:
            report_error = JourneyStudioError(f"cannot write the error report: {exc.strerror or exc}",
                                              where=args.errors)
    if args.json:
        data = result.to_json()
        if report_error is not None:
            data.update(error=report_error.message, where=report_error.where)
        _json_out(data)
    else:
        _print(result, args, report_written=report_error is None)
        if report_error is not None:
            sys.stderr.write(f"{PROG}: error: {report_error}\n")
    if result.cancelled:
        return 130
    if result.good_rows == 0:
        return 1
    return 3 if report_error is not None else 0


def _check_report(path: str, csv_path: str) -> bool:
    """Refuse an error report that cannot be written before anything is imported: open it for
    appending, which creates it when it is missing and changes nothing when it exists (it is
    rewritten at the end). True when it was created here."""
    existed = os.path.lexists(path)
    try:
        with open(path, "a", encoding="utf-8"):
            pass
        overwrites_input = os.path.exists(csv_path) and os.path.samefile(path, csv_path)
    except OSError as exc:
        raise JourneyStudioError(f"cannot write the error report ({exc.strerror or exc}); nothing was imported",
                                 where=path) from None
    if overwrites_input:
        raise JourneyStudioError("the error report would overwrite the CSV file; nothing was imported",
                                 where=path)
    return not existed


def local_time_zone() -> str:
    """This computer's time zone, by its IANA name: ``$TZ`` when it names one, else where
    ``/etc/localtime`` points, else ``/etc/timezone``; UTC when none is known (or on systems
    without them). The import wizard asks Qt for the same zone."""
    from zoneinfo import ZoneInfo

    candidates = [os.environ.get("TZ", "").lstrip(":")]
    with suppress(OSError):
        target = os.path.realpath("/etc/localtime")
        if "/zoneinfo/" in target:
            candidates.append(target.split("/zoneinfo/", 1)[1])
    with suppress(OSError, UnicodeDecodeError):
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    for name in candidates:
        if not name or name.startswith("/") or ".." in name:
            continue
        if name in ("Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "UCT", "Universal", "Zulu", "UTC"):
            return "UTC"
        try:
            ZoneInfo(name)
        except (ValueError, OSError, KeyError):
            continue
        return name
    return "UTC"


def _print(result: Any, args: argparse.Namespace, *, report_written: bool) -> None:
    from engine.track.csv_format import DELIMITER_NAMES

    name = args.file
    if args.dry_run:
        from engine.track.sheet_file import is_workbook

        read_as = "an Excel workbook, its first sheet" if is_workbook(name) else \
            f"{result.encoding}, {DELIMITER_NAMES.get(result.delimiter, repr(result.delimiter))}-separated"
        _out(f"{name}: dry run, nothing was written ({read_as})")
        for line in result.mapping:
            _out(f"  {line}")
    rate = f", {result.rows_read / result.elapsed_s:,.0f} rows/s" if result.elapsed_s > 0 and result.rows_read else ""
    _out(f"{name}: {result.summary()} ({result.elapsed_s:.1f} s{rate})")
    if result.rows_read and getattr(result, "mapping_kept", False):
        _out("  columns mapped as in the last import of a file with the same columns (--map changes one; "
             "--dry-run shows them all)")
        if args.kind == "events" and not args.event_name and getattr(result, "event_name", ""):
            _out(f"  every row is the event '{result.event_name}', as in that import (--event-name gives another)")
    if result.rows_read == 0:
        _out("  the file has no data rows")
    elif not getattr(result, "time_zone", "") or getattr(result, "zones_written", False):
        pass  # no time depends on the zone, or every time says its zone
    elif getattr(result, "zone_kept", False):
        _out(f"  times written without a zone were read in {result.time_zone}, as when the file was imported "
             "before (--time-zone chooses another)")
    elif not getattr(args, "zone_chosen", True):
        _out(f"  times written without a zone were read in {args.time_zone}, this computer's time zone "
             "(--time-zone chooses another)")
    items = getattr(result, "item_columns", [])
    if result.rows_read and items and not args.dry_run:
        _out(f"  each order's line items ({', '.join(repr(c) for c in items)}) are in its event's property 'items', "
             "one entry per row")
    if result.rows_read and getattr(result, "date_format_kept", ""):
        from engine.track.csv_types import DATE_FORMATS

        fmt = result.date_format_kept
        _out(f"  dates were read as {DATE_FORMATS.get(fmt, fmt)}, as when the file was imported before "
             "(--date-format chooses another)")
    if result.rows_read and getattr(result, "phone_country_kept", False):
        before = ("as when this file was imported before" if getattr(result, "phone_country_of_file", False)
                  else "as in this workspace's imports before")
        _out(f"  phone numbers without a country code were read as {result.phone_country} numbers, {before} "
             "(--phone-country chooses another, --phone-country none keeps them as written)")
    change = getattr(result, "phone_country_change", "")
    if change and change not in result.warnings:
        _out(f"  {change}")
    for warning in _warnings(result.warnings):
        _out(f"  warning: {warning}")
    if result.plan_violations:
        count = f"{result.plan_violations:,} breach{'es' if result.plan_violations != 1 else ''}"
        if args.dry_run:
            # Nothing was written, so the Tracking panel shows none of them.
            _out(f"  these events would break the tracking plan ({count}: unknown events, missing or "
                 "mistyped properties)")
        else:
            _out(f"  {count} of the tracking plan (unknown events, missing or mistyped properties): "
                 f"'journey-studio tracking' lists them, as the Tracking panel in the app does")
    if result.skipped:
        shown = result.errors[:SHOWN_ERRORS]
        _out(f"Errors (first {len(shown)} of {result.skipped:,}):" if result.skipped > len(shown) else "Errors:")
        for error in shown:
            _out(f"  {error.describe()}")
        if not args.errors:
            _out("Write them all to a file with --errors REPORT.csv")
        elif report_written:
            _out(f"Every skipped row is listed in {args.errors}")
    if result.cancelled:
        _out(f"Interrupted: lines up to {result.last_line:,} were read and what was imported is kept; "
             "import the file again to add the rest (rows already there are skipped).")


def _warnings(warnings: list[str]) -> list[str]:
    """The warnings to print: a result's warning about values kept as text that names the same
    values as the preview's warning about the sample (the same column, count and rows) is left out,
    and the preview's says what was done with them."""
    named: dict[tuple[str, int, str], int] = {}
    for index, warning in enumerate(warnings):
        found = _SAMPLE_MISFITS.fullmatch(warning)
        if found is not None:
            named[_named(found)] = index
    out = list(warnings)
    dropped: set[int] = set()
    for index, warning in enumerate(warnings):
        found = _KEPT_AS_TEXT.fullmatch(warning)
        first = named.get(_named(found)) if found is not None else None
        if found is None or first is None:
            continue
        many = found["count"] != "1"
        out[first] += f"; {'they were' if many else 'it was'} kept as text"
        dropped.add(index)
    return [w for i, w in enumerate(out) if i not in dropped]


def _named(found: re.Match[str]) -> tuple[str, int, str]:
    return found["column"], int(found["count"].replace(",", "")), found["shown"]
