"""Customer lists as booking systems and shops export them: imported again, a file is read as the
first time (its time zone and date format are remembered like an events file's); yes/no columns
named after a channel are consent; rows cut short or too long are named for what they are."""

from __future__ import annotations

from pathlib import Path

import pytest

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


def test_yes_no_columns_named_after_a_channel_are_consent(ws, tmp_path):
    from engine.track.csv_import import preview

    path = tmp_path / "buchungen.csv"
    path.write_text("E-Mail;Newsletter;SMS erlaubt;Lieblingskurs;Aktion\n"
                    "anna@example.de;Ja;nein;Yoga;Newsletter Mai\n"
                    "bo@example.de;Nein;JA;Pilates;Newsletter Juni\n", encoding="utf-8")
    head = preview(path, "customers")
    assert head.mapping["Newsletter"] == "consent.email"
    assert head.mapping["SMS erlaubt"] == "consent.sms"
    assert head.mapping["Aktion"] == "attributes.Aktion"  # named a channel in its values, not yes/no
    result = import_customers(ws, path, ImportOptions())
    assert result.skipped == 0, result.errors
    anna = ws.get_customer(ws.find_customer("email", "anna@example.de"))
    assert (anna.consent["email"], anna.consent["sms"]) == (True, False)


def test_advice_about_numbers_without_a_country_fits_what_is_stored(ws, tmp_path):
    path = tmp_path / "kunden.csv"
    path.write_text("email,phone\nanna@example.de,0171 2345678\nbo@example.de,0151 23456780\n", encoding="utf-8")
    dry = import_customers(ws, path, ImportOptions(), dry_run=True)
    hint = next(w for w in dry.warnings if "have no country code" in w)
    assert "would be kept as written" in hint and "write the numbers stored so" not in hint
    assert "import with --phone-country DE" in hint or "import with --phone-country CC" in hint
    done = import_customers(ws, path, ImportOptions())
    hint = next(w for w in done.warnings if "have no country code" in w)
    assert "are kept as written" in hint and "write the numbers stored so with it" in hint

    # Choosing the country now: the two numbers were stored before this import, and are counted.
    other = tmp_path / "more.csv"
    other.write_text("email,phone\ncem@example.de,0160 1234567\n", encoding="utf-8")
    changed = import_customers(ws, other, ImportOptions(phone_country="DE"))
    assert changed.local_phones_before == 2


def test_a_first_import_choosing_a_country_counts_no_number_stored_before(ws, tmp_path):
    path = tmp_path / "kunden.csv"
    path.write_text("email,phone\nanna@example.de,0171 2345678\nbo@example.de,12\n", encoding="utf-8")
    result = import_customers(ws, path, ImportOptions(phone_country="DE"))
    assert result.local_phones_before == 0


def test_the_error_report_of_a_semicolon_file_is_separated_by_semicolons(ws, tmp_path):
    import csv

    path = tmp_path / "kunden.csv"
    path.write_text("E-Mail;Name\nanna@example.de;Anna\n;Niemand\n", encoding="utf-8")
    result = import_customers(ws, path, ImportOptions())
    assert result.skipped == 1
    report = tmp_path / "report.csv"
    result.write_errors(report)
    with open(report, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0] == ["row", "line", "column", "value", "reason"]
    assert rows[1][:3] == ["3", "3", "E-Mail"]


def test_a_row_cut_short_says_so_beside_the_value_it_lacks(ws, tmp_path):
    from engine.track.csv_import import import_events

    path = tmp_path / "kunden.csv"
    path.write_text("Name;Ort;E-Mail\nAnna;Köln;anna@example.de\nBo;Bonn\n", encoding="utf-8")
    result = import_customers(ws, path, ImportOptions(id_column="E-Mail", id_kind="email"))
    assert [(e.row, e.reason) for e in result.errors] == [
        (3, "the customer identifier is missing (the row has 2 fields but the header has 3)")]
    events = tmp_path / "events.csv"
    events.write_text("event,time,email\nvisit,2026-11-01 10:00,a@example.com\nvisit,2026-11-01 11:00\n",
                      encoding="utf-8")
    result = import_events(ws, events, ImportOptions(time_zone="UTC"))
    assert [(e.row, e.reason) for e in result.errors] == [
        (3, "the customer identifier is missing (the row has 2 fields but the header has 3)")]


def test_the_preview_names_rows_with_more_fields_than_the_header(tmp_path):
    from engine.track.csv_import import preview

    path = tmp_path / "kunden.csv"
    path.write_text("Name;Ort;E-Mail\nAnna;Köln;anna@example.de\nBo;Bonn;bo@example.de;extra;mehr\n",
                    encoding="utf-8")
    head = preview(path, "customers")
    assert "row 3 has 5 fields but the header has 3: it will be skipped (a separator inside a value that is not " \
           "in quotes?)" in head.warnings


@pytest.mark.parametrize("pattern", ["%d.%m.%Y", "%d.%m.%Y %H:%M"])
def test_one_dates_pattern_reads_date_columns_and_date_and_time_columns(ws, tmp_path, pattern):
    path = _file(tmp_path)
    result = import_customers(ws, path, ImportOptions(time_zone="Europe/Berlin", date_format=pattern))
    assert result.skipped == 0 and not any("kept as text" in w for w in result.warnings), result.warnings
    anna = ws.get_customer(ws.find_customer("email", "anna@example.de"))
    assert str(anna.attributes["Geburtstag"]).startswith("1990-04-03")
    assert str(anna.attributes["Letzter Besuch"]).startswith("2026-11-24")


def test_the_phone_column_its_header_names_identifies_before_an_address_phone(tmp_path):
    from engine.track.csv_import import preview

    path = tmp_path / "customers_export.csv"
    path.write_text("Customer ID,Email,Default Address Phone,Phone\n"
                    "7001,ava@example.com,+1 415 555 0100,+1 415 555 0199\n"
                    "7002,bo@example.com,+1 212 555 0101,+1 212 555 0188\n", encoding="utf-8")
    head = preview(path, "customers")
    assert head.mapping["Phone"] == "identifiers.phone"
    assert head.mapping["Default Address Phone"] == "attributes.Default Address Phone"


def test_a_tag_imported_in_other_capitals_is_the_tag_the_customer_has(ws, tmp_path):
    ws.upsert_customer({"email": "anna@example.de"}, {}, tags=["vip"])
    path = tmp_path / "tags.csv"
    path.write_text("email,tags\nanna@example.de,\"VIP, Matcha lover\"\n", encoding="utf-8")
    result = import_customers(ws, path, ImportOptions())
    assert result.skipped == 0, result.errors
    assert ws.get_customer(ws.find_customer("email", "anna@example.de")).tags == ("Matcha lover", "vip")
