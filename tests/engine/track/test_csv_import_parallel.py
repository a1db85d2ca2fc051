"""Tests of the fast paths of the events import: the reading process (and its fallback), the
conversion a few thousand rows at a time, the csv module bypassed for lines without quotes, and the
canonical time shapes. Each path must store exactly what the plain one stores, dedup keys included."""

from __future__ import annotations

import csv
import pickle
import subprocess
import threading
import uuid
from datetime import UTC
from hashlib import blake2b
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.store import Workspace
from engine.store.models import CustomerRow, EventRow, IdentifierRow
from engine.track import csv_import
from engine.track.csv_format import clean_header, open_records, sniff
from engine.track.csv_import import ImportOptions, ImportProgress, import_events
from engine.track.csv_types import ColumnType, DateTimeConverter, EventRows


def open_ws(path: Path) -> Workspace:
    return Workspace.open(path)


def write_text(path: Path, lines: list[str], newline: str = "\n") -> Path:
    path.write_bytes(newline.join(lines).encode("utf-8") + newline.encode())
    return path


def stored(ws: Workspace) -> list[tuple]:
    """Every event as the identifiers of its customer, its fields and its dedup key (customer ids are
    random, so they are compared through the identifiers)."""
    with ws.engine.connect() as conn:
        who: dict[str, list[str]] = {}
        for kind, value, customer in conn.execute(select(IdentifierRow.kind, IdentifierRow.value,
                                                         IdentifierRow.customer_id)):
            who.setdefault(customer, []).append(f"{kind}:{value}")
        rows = conn.execute(select(EventRow.customer_id, EventRow.name, EventRow.properties, EventRow.occurred_at,
                                   EventRow.source, EventRow.dedup_key).order_by(EventRow.id)).all()
    return [(tuple(sorted(who[r.customer_id])), r.name, r.properties, r.occurred_at, r.source, r.dedup_key)
            for r in rows]


def counts(ws: Workspace) -> tuple[int, int, int]:
    with ws.engine.connect() as conn:
        return tuple(conn.scalar(select(func.count()).select_from(m)) for m in (EventRow, CustomerRow, IdentifierRow))


def summary(result) -> tuple:
    return (result.rows_read, result.imported, result.created, result.duplicates, result.skipped, result.blank_rows,
            result.last_line, [(e.row, e.line, e.column, e.reason, e.value) for e in result.errors],
            result.warnings)


def mixed_file(path: Path, rows: int = 700) -> Path:
    """Good rows, then every kind of bad row, a blank line, a quoted line break, and repeats."""
    lines = ["email,event,time,amount,sku"]
    for i in range(rows):
        lines.append(f"u{i % 97}@example.com,{('view', 'order', 'signup')[i % 3]},"
                     f"2025-01-{1 + i // 1440 % 28:02d}T{i // 60 % 24:02d}:{i % 60:02d}:00Z,{i % 50}.{i % 7}0,"
                     f"SKU-{i % 13}")
    lines += [
        "",                                                      # blank
        "bad-email,view,2025-02-01T00:00:00Z,1,x",               # not an email
        "z@example.com,,2025-02-01T00:00:00Z,1,x",               # no name
        "z@example.com,view,2025-02-30T00:00:00Z,1,x",           # no such date
        "z@example.com,view,2025-02-01T00:00:00Z,lots,x",        # kept as text
        "z@example.com,view,2025-02-01T00:00:00Z,1,x,extra",     # too many fields
        'z@example.com,view,2025-02-01T00:01:00Z,2,"two\nlines"',
        lines[1],                                                # a repeated event
    ]
    for i in range(rows // 2):                                   # more good rows after the quotes
        lines.append(f"w{i % 31}@example.com,view,2025-03-01T{i // 60 % 24:02d}:{i % 60:02d}:30Z,{i}.5,S{i}")
    return write_text(path, lines)


@pytest.fixture(autouse=True)
def small_batches(monkeypatch):
    # Small batches and conversion chunks, so that a small file crosses every boundary.
    monkeypatch.setattr(csv_import, "CONVERT_ROWS", 64)


# ----------------------------------------------------------------------------------------------
# The same rows, whatever the path
# ----------------------------------------------------------------------------------------------



@pytest.mark.parametrize("batch_rows", [50, 200, 20_000])
def test_the_reading_process_stores_what_reading_here_stores(tmp_path: Path, batch_rows: int, processes):
    path = mixed_file(tmp_path / "events.csv")
    results, contents = [], []
    for parallel in (False, True):
        with open_ws(tmp_path / f"ws-{parallel}.db") as ws:
            result = import_events(ws, path, ImportOptions(parallel=parallel, batch_rows=batch_rows, commit_rows=300))
            results.append(summary(result))
            contents.append(stored(ws))
    assert results[0] == results[1]
    assert contents[0] == contents[1]
    rows_read, imported, _created, duplicates, skipped, blank, *_ = results[0]
    assert (rows_read, imported + duplicates + skipped, blank) == (1057, 1057, 1)
    assert skipped == 4 and duplicates == 1
    assert any("column 'amount': 1 value did not fit" in w for w in results[0][-1])
    assert len(processes) == 1 and processes[0]._proc.returncode == 0


def test_a_file_imported_one_way_adds_nothing_the_other_way(tmp_path: Path, processes):
    path = mixed_file(tmp_path / "events.csv", rows=300)
    with open_ws(tmp_path / "ws.db") as ws:
        first = import_events(ws, path, ImportOptions(parallel=True))
        before = counts(ws)
        again = import_events(ws, path, ImportOptions(parallel=False))
        assert (again.imported, again.created) == (0, 0)
        assert again.duplicates == first.imported + first.duplicates
        assert counts(ws) == before
        third = import_events(ws, path, ImportOptions(parallel=True))
        assert (third.imported, third.created) == (0, 0) and counts(ws) == before
    assert len(processes) == 2


def test_dedup_keys_are_those_of_earlier_versions(tmp_path: Path):
    # The key of an event is the one earlier imports gave it, so that importing an old file again
    # still adds nothing: csv:<UTC time>:<blake2b-128 of identifiers, name, time and properties>.
    path = write_text(tmp_path / "e.csv", ["email,event,time,amount,sku",
                                           "ana@example.com,order,2025-03-01T09:30:00Z,12.50,SKU-1"])
    text = "email\x1eana@example.com\x1forder\x1f2025-03-01 09:30:00.000000\x1f" \
           '{"amount": 12.5, "sku": "SKU-1"}'
    expected = "csv:2025-03-01 09:30:00.000000:" + blake2b(text.encode(), digest_size=16).hexdigest()
    for parallel in (False, True):
        with open_ws(tmp_path / f"ws-{parallel}.db") as ws:
            import_events(ws, path, ImportOptions(parallel=parallel))
            assert [row[-1] for row in stored(ws)] == [expected]


def test_several_identifier_columns_through_the_reading_process(tmp_path: Path, processes):
    lines = ["email,phone,event,time"]
    for i in range(150):
        email = f"p{i % 20}@example.com" if i % 4 else ""
        phone = f"+3360000{i % 25:04d}" if i % 3 else ""
        lines.append(f"{email},{phone},visit,2025-01-01T00:{i // 60:02d}:{i % 60:02d}Z")
    path = write_text(tmp_path / "e.csv", lines)
    results, contents = [], []
    for parallel in (False, True):
        with open_ws(tmp_path / f"ws-{parallel}.db") as ws:
            ws.upsert_customer({"email": "p1@example.com"})
            ws.upsert_customer({"phone": "+33600000001"})  # p1 and this phone on one row: a conflict
            result = import_events(ws, path, ImportOptions(parallel=parallel, batch_rows=40,
                                                           mapping={"phone": "identifiers.phone"}))
            results.append(summary(result))
            contents.append(stored(ws))
    assert results[0] == results[1] and contents[0] == contents[1]
    assert len(processes) == 1
    reasons = [error[3] for error in results[0][7]]
    assert any("belong to different customers" in r for r in reasons)
    assert any("identifier is missing" in r for r in reasons)


# ----------------------------------------------------------------------------------------------
# The reading process itself
# ----------------------------------------------------------------------------------------------

def test_the_file_is_read_here_when_no_process_can_be_started(tmp_path: Path, monkeypatch, processes):
    path = mixed_file(tmp_path / "events.csv", rows=100)
    started = []
    real = subprocess.Popen

    def popen(args, **kwargs):
        started.append(args)
        return real(["/nonexistent/python", *args[1:]], **kwargs)

    monkeypatch.setattr(subprocess, "Popen", popen)
    with open_ws(tmp_path / "ws.db") as ws:
        result = import_events(ws, path, ImportOptions(parallel=True))
    assert started and not processes
    assert (result.imported, result.skipped, result.duplicates) == (152, 4, 1)


def test_a_process_that_dies_at_once_falls_back_too(tmp_path: Path, monkeypatch, processes):
    monkeypatch.setattr(csv_import, "READING_PROCESS_CODE", "import sys; sys.exit(3)")
    path = mixed_file(tmp_path / "events.csv", rows=100)
    with open_ws(tmp_path / "ws.db") as ws:
        assert import_events(ws, path, ImportOptions(parallel=True)).imported == 152
    assert [p._proc.returncode for p in processes] == [3]


def test_a_process_that_dies_while_reading_fails_the_import_and_keeps_nothing_half_done(tmp_path: Path,
                                                                                        monkeypatch):
    # It sends the first batch, then dies: the import must not pass off what it got as the file.
    code = ("import os, sys; sys.path.insert(0, sys.argv[1]); "
            "from engine.track import csv_types as t; from engine.track.csv_format import RecordFile; "
            "job = t.receive_message(sys.stdin.buffer); out = os.fdopen(os.dup(1), 'wb'); "
            "rows = job.converter().read(RecordFile(job.path, job.fmt, job.convert_rows), job.batch_rows); "
            "t.send_message(out, ('rows', next(rows))); t.send_message(out, ('rows', next(rows))); "
            "out.flush(); os._exit(5)")
    monkeypatch.setattr(csv_import, "READING_PROCESS_CODE", code)
    path = mixed_file(tmp_path / "events.csv", rows=500)
    with open_ws(tmp_path / "ws.db") as ws:
        with pytest.raises(csv_import.CsvImportError, match="stopped unexpectedly .exit code 5."):
            import_events(ws, path, ImportOptions(parallel=True, batch_rows=50, bulk=True))
        assert counts(ws) == (0, 0, 0)  # one bulk transaction, rolled back


def test_a_file_that_goes_away_is_reported(tmp_path: Path, monkeypatch):
    path = mixed_file(tmp_path / "events.csv", rows=50)
    first = csv_import.preview(path)
    path.unlink()
    monkeypatch.setattr(csv_import, "preview", lambda *a, **k: first)
    with open_ws(tmp_path / "ws.db") as ws:
        for parallel in (False, True):
            with pytest.raises(csv_import.CsvImportError, match="cannot read the file"):
                import_events(ws, path, ImportOptions(parallel=parallel))


def test_cancelling_stops_the_reading_process_and_keeps_what_was_committed(tmp_path: Path, processes):
    lines = ["email,event,time"] + [f"u{i}@example.com,visit,2025-01-01T{i // 3600:02d}:{i // 60 % 60:02d}:"
                                     f"{i % 60:02d}Z" for i in range(3000)]
    path = write_text(tmp_path / "many.csv", lines)
    stop = threading.Event()
    seen: list[ImportProgress] = []

    def progress(p: ImportProgress) -> None:
        seen.append(p)
        if p.phase == "reading" and p.rows >= 500:
            stop.set()

    with open_ws(tmp_path / "ws.db") as ws:
        result = import_events(ws, path, ImportOptions(parallel=True, batch_rows=100, commit_rows=200, bulk=False),
                               progress=progress, cancel=stop)
        assert result.cancelled
        assert len(processes) == 1 and processes[0]._proc.returncode is not None  # stopped, and waited for
        assert result.imported == 500 == counts(ws)[0]
        assert result.last_line == 501
        assert seen[-1].phase == "done"
        assert all(a.rows <= b.rows for a, b in zip(seen, seen[1:], strict=False))
        rest = import_events(ws, path, ImportOptions(parallel=True))
        assert (rest.imported, rest.duplicates) == (2500, 500)


def test_event_rows_go_through_a_pipe_unchanged_whatever_they_hold():
    rows = EventRows(3, 3, 0, [(2, 2, "email", "reason", "v")], {"amount": 1}, 10, 4,
                     names=["a\x00b", "c", "d"], times=["t1", "t2", "t3"], properties=["{}", "{}", '{"x": 1}'],
                     digests=["k1", "k2", "k3"], ids=["i\x00", "", "j"])
    back = pickle.loads(pickle.dumps(rows))
    assert back == rows
    empty = EventRows(0, 0, 0, [], {}, 0, 1)
    assert pickle.loads(pickle.dumps(empty)) == empty


# ----------------------------------------------------------------------------------------------
# Lines split without the csv module
# ----------------------------------------------------------------------------------------------

def read_records(path: Path, *, split: bool, size: int = 7):
    fmt = sniff(path)
    raw, _source, reader = open_records(path, fmt, chunk_bytes=64)
    with raw:
        reader.columns = clean_header(reader.read(1).rows[0])
        reader._split = split
        found = []
        while not reader.eof:
            batch = reader.read(size)
            found.append((batch.rows, batch.row_numbers, batch.lines, batch.problems, batch.last_line))
        return found, reader.consumed, reader._split


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_splitting_lines_reads_what_the_csv_module_reads(tmp_path: Path, newline: str):
    plain = [f"a{i},b{i},{i}" for i in range(40)]
    cases = {
        "plain": ["x,y,z", *plain],
        "short and long rows": ["x,y,z", *plain[:10], "only,two", *plain[10:20], "one,two,three,four", *plain[20:]],
        "blank lines": ["x,y,z", *plain[:15], "", *plain[15:]],
        "quotes later": ["x,y,z", *plain[:20], 'q,"quoted, with comma",1', 'm,"two', 'lines",2', *plain[20:]],
        "breaks csv keeps": ["x,y,z", *plain[:12], "v\x0bw,\x1cz,\x85", *plain[12:]],
        "field at the limit": ["x,y,z", *plain[:9], "big," + "x" * (csv.field_size_limit() + 5) + ",1", *plain[9:]],
    }
    for name, lines in cases.items():
        path = write_text(tmp_path / "f.csv", lines, newline)
        *split, still_splitting = read_records(path, split=True)
        *with_csv, _ = read_records(path, split=False)
        assert split == with_csv, name
        # Only the plain file is read by splitting to its end; the others go back to the csv module.
        assert still_splitting == (name == "plain"), name


# ----------------------------------------------------------------------------------------------
# Times and ids
# ----------------------------------------------------------------------------------------------

def test_times_of_every_shape_of_that_length_are_stored_right():
    utc = DateTimeConverter(ColumnType("datetime", "iso"), UTC)
    # 20 characters, but not YYYY-MM-DDTHH:MM:SSZ: they used to be cut up as if they were.
    assert utc.storage_many(["20250101T000054.123Z"]) == ["2025-01-01 00:00:54.123000"]
    assert utc.storage_many(["2025-W01-1T00:00:00Z"]) == ["2024-12-30 00:00:00.000000"]
    assert utc.storage_many(["2025-01-01T00:00:54Z", "2025-12-31 23:59:59Z"]) == [
        "2025-01-01 00:00:54.000000", "2025-12-31 23:59:59.000000"]
    assert utc.storage_many(["2025-01-01T00:00:54", "2025-06-01 12:00:00"]) == [
        "2025-01-01 00:00:54.000000", "2025-06-01 12:00:00.000000"]
    with pytest.raises(ValueError):
        utc.storage_many(["2025-02-30T00:00:00Z"])
    from zoneinfo import ZoneInfo
    paris = DateTimeConverter(ColumnType("datetime", "iso"), ZoneInfo("Europe/Paris"))
    assert paris.storage_many(["2025-06-01T12:00:00", "2025-06-01T12:00:00Z"]) == [
        "2025-06-01 10:00:00.000000", "2025-06-01 12:00:00.000000"]


def test_new_customer_ids_are_random_uuids():
    ids = csv_import._new_ids(2000)
    assert len(set(ids)) == 2000
    assert all(uuid.UUID(i).version == 4 and str(uuid.UUID(i)) == i for i in ids)
    assert csv_import._new_ids(0) == []


def test_postgresql_through_the_reading_process(pg_url: str, tmp_path: Path, processes):
    path = mixed_file(tmp_path / "events.csv", rows=200)
    with open_ws(tmp_path / "ws.db") as lite:
        expected = summary(import_events(lite, path, ImportOptions(parallel=False)))
        expected_rows = stored(lite)
    with Workspace.open(pg_url) as pg:
        first = import_events(pg, path, ImportOptions(parallel=True, batch_rows=70))
        assert summary(first) == expected
        # PostgreSQL gives times back aware; the rest, dedup keys included, is what SQLite stores.
        assert [(*r[:3], r[3].astimezone(UTC).replace(tzinfo=None), *r[4:]) for r in stored(pg)] == [
            (*r[:3], r[3].replace(tzinfo=None), *r[4:]) for r in expected_rows]
        again = import_events(pg, path, ImportOptions(parallel=False))
        assert (again.imported, again.created, again.duplicates) == (0, 0, first.imported + first.duplicates)
    assert len(processes) == 1
