"""Without ``--time-zone``, ``journey-studio import`` reads times written without a zone in this
computer's zone, as the app's import wizard does, and says so: the same file imported both ways
gives the same events (and a second import adds nothing)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine.store import Workspace
from engine.track.import_commands import local_time_zone
from tests.conftest import cli


def test_this_computers_zone_is_read_from_tz_and_refused_names_fall_back(monkeypatch):
    monkeypatch.setenv("TZ", ":Europe/Berlin")
    assert local_time_zone() == "Europe/Berlin"
    monkeypatch.setenv("TZ", "Etc/UTC")
    assert local_time_zone() == "UTC"
    monkeypatch.setenv("TZ", "../../etc/passwd")
    assert local_time_zone() != "../../etc/passwd"


@pytest.mark.parametrize("zone, hour", [("Europe/Berlin", 8), ("America/New_York", 14)])
def test_the_command_line_reads_times_in_this_computers_zone(tmp_path: Path, monkeypatch, zone: str, hour: int):
    monkeypatch.setenv("TZ", zone)
    path = tmp_path / "events.csv"
    path.write_text("email,event,time\nhans@example.de,Bought,2026-11-20 09:00\n", encoding="utf-8")
    ws_path = tmp_path / "ws"
    done = cli("import", "--workspace", str(ws_path), "events", str(path))
    assert done.returncode == 0, done.stderr
    assert f"times written without a zone were read in {zone}, this computer's time zone" in done.stdout
    again = cli("import", "--workspace", str(ws_path), "events", str(path))
    assert "1 duplicate" in again.stdout or "duplicates" in again.stdout, again.stdout
    with Workspace.open(ws_path) as ws:
        (event,) = ws.customer_events(ws.find_customer("email", "hans@example.de"))
        assert event.occurred_at == datetime(2026, 11, 20, hour, 0, tzinfo=UTC)
    chosen = cli("import", "--workspace", str(tmp_path / "ws2"), "events", str(path), "--time-zone", "UTC")
    assert chosen.returncode == 0 and "this computer's time zone" not in chosen.stdout


def test_a_file_imported_before_is_read_in_its_zone_on_a_computer_elsewhere(tmp_path: Path, monkeypatch):
    path = tmp_path / "events.csv"
    path.write_text("email,event,time\nhans@example.de,Bought,2026-11-20 09:00\n", encoding="utf-8")
    ws_path = tmp_path / "ws"
    monkeypatch.setenv("TZ", "Europe/Berlin")
    assert cli("import", "--workspace", str(ws_path), "events", str(path)).returncode == 0
    monkeypatch.setenv("TZ", "America/New_York")
    again = cli("import", "--workspace", str(ws_path), "events", str(path))
    assert again.returncode == 0, again.stderr
    assert "0 events imported" in again.stdout and "1 duplicate" in again.stdout, again.stdout
    assert "read in Europe/Berlin, as when the file was imported before" in again.stdout
    chosen = cli("import", "--workspace", str(ws_path), "events", str(path), "--time-zone", "UTC")
    assert "1 event imported" in chosen.stdout
    assert "was imported before with times read in Europe/Berlin" in chosen.stdout
