"""An events file is read in the zone it was imported with before: importing it again from a
computer in another zone (or from the wizard and then the command line) adds nothing, and a zone
chosen differently on purpose is warned about, since dedup keys hold times in UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from engine.track.csv_import import ImportOptions, import_events, zone_used_before

ROWS = "email,event,time\nana@example.com,Bought,2026-11-20 09:00\nbo@example.com,Bought,2026-11-21 10:30\n"


def _file(tmp_path: Path, text: str = ROWS, name: str = "orders.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_import_again_in_a_zone_nobody_chose_reads_the_zone_used_before(ws, tmp_path):
    path = _file(tmp_path)
    first = import_events(ws, path, ImportOptions(time_zone="Europe/Paris"))
    assert first.imported == 2 and first.time_zone == "Europe/Paris" and not first.zone_kept
    assert zone_used_before(ws, "csv:orders.csv") == "Europe/Paris"

    again = import_events(ws, path, ImportOptions(time_zone="UTC", keep_zone=True))
    assert (again.imported, again.duplicates) == (0, 2)
    assert again.time_zone == "Europe/Paris" and again.zone_kept
    assert not again.warnings
    (event,) = ws.customer_events(ws.find_customer("email", "ana@example.com"))
    assert event.occurred_at == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def test_another_zone_chosen_on_purpose_is_warned_about(ws, tmp_path):
    path = _file(tmp_path)
    import_events(ws, path, ImportOptions(time_zone="Europe/Paris"))
    dry = import_events(ws, path, ImportOptions(time_zone="UTC"), dry_run=True)
    assert any("orders.csv was imported before with times read in Europe/Paris" in w for w in dry.warnings)
    assert zone_used_before(ws, "csv:orders.csv") == "Europe/Paris"  # a dry run records nothing
    moved = import_events(ws, path, ImportOptions(time_zone="UTC"))
    assert moved.imported == 2  # other times: other events, as the warning said
    assert any("import with the time zone Europe/Paris to add nothing" in w for w in moved.warnings)
    assert zone_used_before(ws, "csv:orders.csv") == "UTC"


def test_unix_times_do_not_depend_on_a_zone(ws, tmp_path):
    path = _file(tmp_path, "email,event,time\nana@example.com,Bought,1763629200\n", "unix.csv")
    import_events(ws, path, ImportOptions(time_zone="Europe/Paris", date_format="unix_s"))
    assert zone_used_before(ws, "csv:unix.csv") is None
    again = import_events(ws, path, ImportOptions(time_zone="UTC", date_format="unix_s"))
    assert (again.imported, again.duplicates) == (0, 1) and not again.warnings
