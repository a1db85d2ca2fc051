"""The import wizard and a time column that is not all dates: mostly dates import and list the other
rows; too few are refused with the count, pointing to the wizard's own Dates box, never to a
command-line option. Other refusals name the page's controls too."""

from __future__ import annotations

from pathlib import Path

from tests.gui.test_import_wizard import _choose

MIXED = ["2025-01-01T10:00:00Z", "2025-01-02T10:00:00Z", "31/12/2024 25:00", "not a date", "2025-01-03T10:00:00Z"]
ISO = "ISO 8601 (2024-12-31 or 2024-12-31T18:30:00Z)"


def events_file(path: Path, times: list[str]) -> Path:
    rows = [f"u{i}@example.com,visit,{t}" for i, t in enumerate(times)]
    path.write_text("\n".join(["email,event,timestamp", *rows]) + "\n", encoding="utf-8")
    return path


def test_mostly_dates_import_and_the_other_rows_are_listed(mapping_page_for, ws, tmp_path, qtbot):
    from gui.import_wizard import ImportWizard

    wizard = mapping_page_for(events_file(tmp_path / "mixed.csv", MIXED))
    page = wizard.mapping_page
    assert page.plan_error == "" and page.isComplete()
    timestamp = next(r for r in page.rows if r.name == "timestamp")
    assert timestamp.detected == "Text"
    assert timestamp.type.currentText() == "Date and time, ISO 8601 (most values)"
    # What will happen to the rows that are not dates is said before importing.
    assert page.warnings.isVisibleTo(wizard)
    assert page.warnings.text() == (f"Column 'timestamp': 2 of its 5 sampled values are not a date in the format "
                                    f"{ISO}; rows with such a time are skipped and listed")

    wizard.next()  # Import
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.PAGE_RESULT, timeout=20_000)
    result = wizard.result
    assert (result.rows_read, result.imported, result.skipped) == (5, 3, 2)
    model = wizard.result_page.table.model()
    rows = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]
    assert [(r[0], r[2], r[3]) for r in rows] == [("4", "timestamp", "31/12/2024 25:00"),
                                                  ("5", "timestamp", "not a date")]
    assert all("is not a date and time in the format ISO 8601" in r[4] for r in rows)


def test_too_few_dates_point_to_the_dates_box_with_the_count(mapping_page_for, tmp_path):
    few = ["2025-01-01T10:00:00Z", "31/12/2024 25:00", "not a date", "2025-01-03T10:00:00Z", "soon"]
    wizard = mapping_page_for(events_file(tmp_path / "few.csv", few))
    page = wizard.mapping_page
    assert not page.isComplete()
    assert page.plan_error == (
        "Column 'timestamp' is mapped to the event time but its values do not look like dates (text): more than "
        f"half of its values must read as dates in one format, and only 2 of the 5 sampled values do, in the format "
        f"{ISO}; choose their format under “Dates” above the table, or type a pattern there such as %d.%m.%Y %H:%M")
    assert "--" not in page.plan_error and page.error.text() == page.plan_error
    assert page.error.isVisibleTo(wizard)

    # Choosing the format in that box is what the message asks; each row is then checked.
    _choose(page.date_format, "iso")
    assert page.plan_error == "" and page.isComplete()
    assert page.options().date_format == "iso"
    # The Type box says how the column will be read: in the format chosen, not as detected.
    assert next(r for r in page.rows if r.name == "timestamp").type.currentText() == \
        "Date and time, ISO 8601 (chosen under Dates)"


def test_other_refusals_name_the_page_controls(mapping_page_for, tmp_path):
    wizard = mapping_page_for(events_file(tmp_path / "events.csv", MIXED))
    page = wizard.mapping_page
    rows = {r.name: r for r in page.rows}
    _choose(rows["event"].target, "property")
    # The file is the one the page is about: its errors are not prefixed with its path.
    columns = "(the columns are email, event, timestamp)"
    assert page.plan_error == (f"No column holds the event name {columns}; set a column's “Import as” to “Event "
                               "name”, or type one name for every row under “Every row is the event”")
    _choose(rows["event"].target, "event")
    _choose(rows["timestamp"].target, "skip")
    assert page.plan_error == f"No column holds the event time {columns}; set a column's “Import as” to “Event time”"
    _choose(rows["timestamp"].target, "time")
    _choose(rows["email"].target, "property")
    assert page.plan_error == (f"No column identifies the customer {columns}; choose one under “Customer identified "
                               "by”, or set a column's “Import as” to “Identifier”")
    page.date_format.setEditText("someday")
    assert "Unknown date format 'someday'" in page.plan_error
    assert "--" not in page.plan_error


def test_a_file_imported_before_starts_from_the_date_format_chosen_then(mapping_page_for, ws, tmp_path, qtbot):
    """11/03/2026 read as 3 November the first time must not become 11 March the next: the Dates box
    starts from the format chosen then, and another choice says what it would do."""
    from engine.track.csv_import import ImportOptions, import_events

    path = events_file(tmp_path / "orders.csv", ["2026-08-20 10:22", "11/03/2026 14:05"])
    first = import_events(ws, path, ImportOptions(event_name=None, date_format="mdy", mapping={"event": "event"}))
    assert first.imported == 2, first.errors
    wizard = mapping_page_for(path)
    page = wizard.mapping_page
    assert page.date_format.currentData() == "mdy" and page.options().date_format == "mdy"
    assert "imported before with dates" not in page.warnings.text()
    _choose(page.date_format, "dmy")
    assert page.warnings.isVisibleTo(wizard)
    assert ("This file was imported before with its dates read as “Month/day/year (12/31/2024)”; read another "
            "way, its events whose day and month can be swapped are stored again at other dates. Choose "
            "“Month/day/year (12/31/2024)” under Dates to add nothing twice.") in page.warnings.text()
