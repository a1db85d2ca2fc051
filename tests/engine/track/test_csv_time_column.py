"""The event time column of a CSV import when not every value is a date: mostly dates in one format
import and report the other rows; too few are refused, saying how many of the sampled values read
as dates. Refusals name no front end's control: they say which setting would fix them."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.store import Workspace
from engine.track.csv_import import CsvImportError, ImportOptions, import_events, make_plan, preview
from engine.track.csv_types import ColumnType, most_read_dates

ISO = "ISO 8601 (2024-12-31 or 2024-12-31T18:30:00Z)"


def events_file(path: Path, times: list[str], header: str = "timestamp") -> Path:
    rows = [f"u{i}@example.com,visit,{t}" for i, t in enumerate(times)]
    path.write_text("\n".join([f"email,event,{header}", *rows]) + "\n", encoding="utf-8")
    return path


def test_three_dates_of_five_import_and_the_other_rows_are_reported(ws: Workspace, tmp_path: Path):
    path = events_file(tmp_path / "mixed.csv", ["2025-01-01T10:00:00Z", "2025-01-02T10:00:00Z", "31/12/2024 25:00",
                                                "not a date", "2025-01-03T10:00:00Z"])
    first = preview(path, "events")
    info = first.column("timestamp")
    # One value in twenty may miss a type: two of five make the inferred type text...
    assert info.type.name == "text" and first.mapping["timestamp"] == "time"
    assert (info.as_dates, info.dates) == (ColumnType("datetime", "iso"), 3)
    # ...but the time column is read in the format of most of its values, and says so.
    plan = make_plan(first)
    assert plan.columns[2].type == ColumnType("datetime", "iso") and plan.columns[2].strict
    assert plan.warnings == (f"column 'timestamp': 2 of its 5 sampled values are not a date in the format {ISO}; "
                             "rows with such a time are skipped and listed",)

    result = import_events(ws, path)
    assert (result.rows_read, result.imported, result.skipped) == (5, 3, 2)
    assert [(e.row, e.column, e.value, e.reason) for e in result.errors] == [
        (4, "timestamp", "31/12/2024 25:00", f"'31/12/2024 25:00' is not a date and time in the format {ISO}"),
        (5, "timestamp", "not a date", f"'not a date' is not a date and time in the format {ISO}")]
    assert plan.warnings[0] in result.warnings


def test_two_bad_dates_of_six_behave_as_two_of_five(ws: Workspace, tmp_path: Path):
    path = events_file(tmp_path / "six.csv", ["01/02/2025 10:00", "31/01/2025 10:00", "yesterday", "03/02/2025 9:00",
                                              "32/01/2025 10:00", "28/02/2025 23:59"])
    result = import_events(ws, path)
    assert (result.imported, result.skipped) == (4, 2)
    assert [(e.row, e.value) for e in result.errors] == [(4, "yesterday"), (6, "32/01/2025 10:00")]
    assert "day/month/year" in result.errors[0].reason


@pytest.mark.parametrize(("times", "counted"), [
    (["2025-01-01T10:00:00Z", "31/12/2024 25:00", "not a date", "2025-01-03T10:00:00Z"],
     f"more than half of its values must read as dates in one format, and only 2 of the 4 sampled values do, "
     f"in the format {ISO}"),
    (["2025-01-01T10:00:00Z", "soon", "", "later"],
     f"more than half of its values must read as dates in one format, and only 1 of the 3 sampled values does, "
     f"in the format {ISO}"),
    (["soon", "later", "never"], "none of its 3 sampled values reads as a date in a known format"),
], ids=["half", "a-third", "none"])
def test_too_few_dates_are_refused_with_how_many_were_read(tmp_path: Path, times: list[str], counted: str):
    first = preview(events_file(tmp_path / "few.csv", times), "events")
    with pytest.raises(CsvImportError) as refused:
        make_plan(first)
    error = refused.value
    assert error.message == ("column 'timestamp' is mapped to the event time but its values do not look like dates "
                             f"(text): {counted}")
    assert (error.option, error.fix, error.usage) == ("date_format", "date_format", False)
    # A format given for the column is used as given: its rows are then checked one by one.
    plan = make_plan(first, ImportOptions(date_format="iso"))
    assert plan.columns[2].type == ColumnType("datetime", "iso") and plan.warnings == ()


def test_refusals_say_which_setting_fixes_them_without_naming_a_flag(tmp_path: Path):
    first = preview(events_file(tmp_path / "e.csv", ["2025-01-01T10:00:00Z"]), "events")
    columns = "(the columns are email, event, timestamp)"
    cases = [(ImportOptions(mapping={"email": "properties.email"}), "no column identifies the customer", "id_column"),
             (ImportOptions(mapping={"event": "skip"}), "no column holds the event name", "event"),
             (ImportOptions(mapping={"timestamp": "skip"}), "no column holds the event time", "time")]
    for options, message, fix in cases:
        with pytest.raises(CsvImportError) as refused:
            make_plan(first, options)
        assert (refused.value.message, refused.value.fix, refused.value.usage) == (f"{message} {columns}", fix, False)
        assert refused.value.where == first.path
    for options, option in [(ImportOptions(date_format="someday"), "date_format"),
                            (ImportOptions(time_zone="Mars/Olympus"), "time_zone"),
                            (ImportOptions(id_column="Nope"), "id_column"),
                            (ImportOptions(id_kind="passport"), "id_kind"),
                            (ImportOptions(mapping={"Nope": "skip"}), "mapping"),
                            (ImportOptions(mapping={"event": "bogus"}), "mapping")]:
        with pytest.raises(CsvImportError) as refused:
            make_plan(first, options)
        assert (refused.value.option, refused.value.usage, refused.value.fix) == (option, True, None)
        assert "--" not in refused.value.message


def test_the_format_that_reads_the_most_values_wins():
    assert most_read_dates(["2025-01-31", "31/01/2025", "x"]) == (ColumnType("datetime", "iso"), 1)
    # Day first and month first told apart by the values they read...
    assert most_read_dates(["31/01/2025", "30/01/2025", "01/30/2025", "?"]) == (ColumnType("datetime", "dmy"), 2)
    assert most_read_dates(["01/31/2025", "01/30/2025", "?"]) == (ColumnType("datetime", "mdy"), 2)
    # ...or, when both read as many, day first and flagged.
    assert most_read_dates(["01/02/2025", "03/04/2025"]) == (ColumnType("datetime", "dmy", ambiguous=True), 2)
    assert most_read_dates(["2025/12/31 18:30", "2025/12/30", "nope"]) == (ColumnType("datetime", "ymd"), 2)
    # Unix times only under a header that names a time, as inference does.
    assert most_read_dates(["1735689600", "12", "x"], "created_at") == (ColumnType("datetime", "unix_s"), 1)
    assert most_read_dates(["1735689600", "12", "x"], "order") is None
    assert most_read_dates(["", "n/a", "soon"]) is None
