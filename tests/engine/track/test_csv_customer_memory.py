"""A customers file imported again is read as the first time: its time zone and date format are
remembered like an events file's, so the second import changes nothing."""

from __future__ import annotations

from pathlib import Path

from engine.cli import main
from engine.track.csv_import import (
    ImportOptions,
    dates_used_before,
    import_customers,
    remembered_as,
    zone_used_before,
)

KUNDEN = ("E-Mail;Name;Letzter Besuch;Geburtstag\n"
          "anna@example.de;Anna;24.11.2026 18:30;03.04.1990\n"
          "bo@example.de;Bo;01.02.2026 09:00;11.05.1985\n")


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "kunden_export.csv"
    path.write_text(KUNDEN, encoding="utf-8")
    return path


def test_the_zone_and_date_format_of_a_customers_file_are_kept(ws, tmp_path):
    path = _file(tmp_path)
    first = import_customers(ws, path, ImportOptions(time_zone="Europe/Berlin", date_format="dmy"))
    assert (first.created, first.skipped) == (2, 0), first.errors
    key = remembered_as("customers", path, ImportOptions())
    assert key == "customers:csv:kunden_export.csv"
    assert (zone_used_before(ws, key), dates_used_before(ws, key)) == ("Europe/Berlin", "dmy")
    # Events of a file with that name are another memory.
    assert zone_used_before(ws, remembered_as("events", path, ImportOptions())) is None

    # Imported again from a computer in another zone, nobody choosing one: nothing changes.
    again = import_customers(ws, path, ImportOptions(time_zone="America/New_York", keep_zone=True))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2), again.warnings
    assert again.zone_kept and again.time_zone == "Europe/Berlin" and again.date_format_kept == "dmy"

    # Another zone chosen on purpose is used, and the import says what it changes.
    moved = import_customers(ws, path, ImportOptions(time_zone="UTC"), dry_run=True)
    assert moved.updated == 2
    assert any("imported before with times read in Europe/Berlin" in w and "date and time attributes change" in w
               for w in moved.warnings), moved.warnings


def test_the_command_says_the_zone_it_kept_for_a_customers_file(tmp_path, capsys):
    workspace = str(tmp_path / "ws")
    path = _file(tmp_path)
    assert main(["import", "customers", str(path), "--workspace", workspace, "--time-zone", "Europe/Berlin",
                 "--date-format", "dmy"]) == 0
    capsys.readouterr()
    assert main(["import", "customers", str(path), "--workspace", workspace]) == 0
    out = capsys.readouterr().out
    assert "0 customers created, 0 updated, 2 rows unchanged" in out
    assert "times written without a zone were read in Europe/Berlin, as when the file was imported before" in out
    assert "dates were read as day/month/year" in out
