"""A bulk events import that has the workspace to itself (the command line) writes through a
rollback journal on SQLite: each page once, no log to fold back. These tests check that it does so
only when SQLite allows it, that the workspace is back in WAL mode afterwards, and that a process
killed in the middle leaves the workspace as it was."""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.store import Workspace
from engine.store.models import CustomerRow, EventRow
from engine.track.csv_import import ImportOptions, import_events

ROOT = Path(__file__).resolve().parents[3]


def write_events(path: Path, rows: int, customers: int = 500) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["email", "event", "time", "amount"])
        for i in range(rows):
            out.writerow([f"u{i % customers}@example.com", ("visit", "order")[i % 2],
                          f"2025-01-{1 + i // 86_400 % 28:02d}T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z",
                          f"{i % 1000}.50"])
    return path


def count(ws: Workspace, model) -> int:
    with ws.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model))


def header_versions(db: Path) -> tuple[int, int]:
    with open(db, "rb") as fh:
        header = fh.read(20)
    return header[18], header[19]


def check_workspace(ws: Workspace) -> None:
    """WAL mode, a sound file, and the events' indexes all there."""
    with ws.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        names = {r[0] for r in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'")}
    assert "ix_events_customer_name_time" in names


def test_an_exclusive_bulk_import_uses_a_rollback_journal_and_returns_to_wal(tmp_path: Path):
    path = write_events(tmp_path / "events.csv", 3000)
    with Workspace.open(tmp_path / "workspace.db") as ws:
        ws.upsert_customer({"email": "u1@example.com"})  # a page the import changes, so journaled
        result = import_events(ws, path, ImportOptions(bulk=True, exclusive=True, batch_rows=500))
        assert (result.bulk, result.journal, result.imported, result.created) == (True, "delete", 3000, 499)
        # Back to WAL before any other connection opened (and would have switched it back itself):
        # the file format bytes of the header say 2 for WAL, 1 for a rollback journal.
        assert header_versions(tmp_path / "workspace.db") == (2, 2)
        assert count(ws, EventRow) == 3000 and count(ws, CustomerRow) == 500
        check_workspace(ws)
        assert not (tmp_path / "workspace.db-journal").exists()

        again = import_events(ws, path, ImportOptions(bulk=True, exclusive=True))
        assert (again.imported, again.duplicates) == (0, 3000)
        check_workspace(ws)


def test_another_open_connection_keeps_the_log(tmp_path: Path):
    path = write_events(tmp_path / "events.csv", 2000)
    with Workspace.open(tmp_path / "workspace.db") as ws:
        other = sqlite3.connect(tmp_path / "workspace.db")
        try:
            assert other.execute("SELECT count(*) FROM events").fetchone() == (0,)
            result = import_events(ws, path, ImportOptions(bulk=True, exclusive=True))
            assert (result.journal, result.imported) == ("wal", 2000)
            # The other connection saw the workspace in WAL mode throughout, and sees the rows now.
            assert other.execute("SELECT count(*) FROM events").fetchone() == (2000,)
        finally:
            other.close()
        check_workspace(ws)


def test_an_import_without_the_workspace_to_itself_keeps_the_log(tmp_path: Path):
    path = write_events(tmp_path / "events.csv", 2000)
    with Workspace.open(tmp_path / "workspace.db") as ws:
        result = import_events(ws, path, ImportOptions(bulk=True))
        assert (result.bulk, result.journal, result.imported) == (True, "", 2000)
        check_workspace(ws)


def test_the_command_line_import_reports_its_journal(tmp_path: Path):
    # Large enough for a bulk import by size (more than 100,000 rows).
    path = write_events(tmp_path / "events.csv", 120_000, customers=2000)
    out = subprocess.run([sys.executable, "-m", "engine.cli", "import", "events", str(path), "--workspace",
                          str(tmp_path / "workspace.db"), "--json"], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert (report["bulk"], report["journal"], report["imported"]) == (True, "delete", 120_000)
    with Workspace.open(tmp_path / "workspace.db") as ws:
        check_workspace(ws)
        assert count(ws, EventRow) == 120_000


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_killed_import_is_rolled_back_at_the_next_open(tmp_path: Path):
    path = write_events(tmp_path / "events.csv", 150_000, customers=3000)
    db = tmp_path / "workspace.db"
    with Workspace.open(db) as ws:
        ws.upsert_customer({"email": "kept@example.com"})
    journal = tmp_path / "workspace.db-journal"
    proc = subprocess.Popen([sys.executable, "-m", "engine.cli", "import", "events", str(path), "--workspace",
                             str(db)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        # The bulk transaction's journal lives as long as it does; switching the journal mode makes
        # one for a moment too, so wait until one has been there for a while.
        deadline = time.monotonic() + 120
        seen_since: float | None = None
        while seen_since is None or time.monotonic() - seen_since < 0.1:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "the import never wrote a rollback journal"
            if not journal.exists():
                seen_since = None
            elif seen_since is None:
                seen_since = time.monotonic()
            time.sleep(0.002)
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
        if proc.stderr:
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert journal.exists()  # hot: the next open rolls the transaction back

    with Workspace.open(db) as ws:
        check_workspace(ws)
        assert count(ws, EventRow) == 0
        assert count(ws, CustomerRow) == 1
        assert ws.find_customer("email", "kept@example.com") is not None
        result = import_events(ws, path, ImportOptions(exclusive=True))
        assert (result.bulk, result.journal, result.imported) == (True, "delete", 150_000)
        check_workspace(ws)
    assert not journal.exists()
