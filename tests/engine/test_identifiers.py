"""E-mail addresses and phone numbers name a customer however they are written: the store, the
collector's protocols, the CSV import and workspaces made before all keep one form."""

from __future__ import annotations

import csv
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.identifiers import canonical_identifier
from engine.store import Workspace
from engine.store.models import CustomerRow, EventRow, IdentifierRow
from engine.track import segment_protocol, sensors_protocol
from engine.track.csv_import import import_customers, import_events


@pytest.mark.parametrize(("kind", "value", "expected"), [
    ("email", "  Ana@Example.COM ", "ana@example.com"),
    ("phone", "+33 6 12 34 56 78", "+33612345678"),
    ("phone", "0033 (6) 12-34.56.78", "+33612345678"),
    ("phone", "06 12 34 56 78", "0612345678"),
    ("user_id", " U-42 ", "U-42"),
    ("custom:card", "AbC 1", "AbC 1"),
])
def test_the_kept_form(kind: str, value: str, expected: str):
    assert canonical_identifier(kind, value) == expected


def count(ws: Workspace, model) -> int:
    with ws.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model))


def test_the_store_finds_a_customer_however_the_address_is_written(tmp_path: Path):
    with Workspace.open(tmp_path / "w.db") as ws:
        ana = ws.upsert_customer({"email": "Ana@Example.com", "phone": "+49 151 2345 678"})
        assert ws.upsert_customer({"email": " ana@EXAMPLE.com"}) == ana
        assert ws.find_customer("email", "ANA@example.COM") == ana
        assert ws.find_customer("phone", "0049-151-2345678") == ana
        assert ws.ingest_event({"phone": "+491512345678"}, "visit").customer_id == ana
        assert sorted(ws.get_customer(ana).identifiers) == [("email", "ana@example.com"), ("phone", "+491512345678")]


def test_the_collector_protocols_keep_one_form():
    now = datetime.now(UTC)
    message = segment_protocol.message({"userId": "u1", "traits": {"email": "Bo@Example.org",
                                                                   "phone": "+1 (555) 010-0000"}}, "identify", now, None)
    assert ("email", "bo@example.org") in message.identifiers and ("phone", "+15550100000") in message.identifiers
    sensors = sensors_protocol.message({"type": "track", "event": "visit", "distinct_id": "d1", "time": 1735689600000,
                                        "identities": {"$identity_email": "Bo@Example.org",
                                                       "$identity_mobile": "0044 20 7946 0000"},
                                        "properties": {}}, now, "sensors")
    assert sensors is not None
    assert ("email", "bo@example.org") in sensors.identifiers and ("phone", "+442079460000") in sensors.identifiers


def write(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_a_spreadsheet_names_one_customer_however_it_writes_the_address(tmp_path: Path):
    path = write(tmp_path / "e.csv", [["email", "event", "time"],
                                      ["Alice@Example.COM", "visit", "2025-01-01T10:00:00Z"],
                                      [" alice@example.com ", "order", "2025-01-01T11:00:00Z"]])
    phones = write(tmp_path / "p.csv", [["phone", "name"], ["+33 6 12 34 56 78", "A"], ["+33612345678", "A"],
                                        ["0033 6 12 34 56 78", "A"]])
    with Workspace.open(tmp_path / "w.db") as ws:
        assert import_events(ws, path).created == 1
        alice = ws.find_customer("email", "alice@example.com")
        assert len(ws.customer_events(alice)) == 2
        assert import_customers(ws, phones).created == 1
        assert import_events(ws, path).duplicates == 2  # the dedup keys are what they were
        assert ws.find_customer("phone", "+33 612 345 678") is not None
        assert count(ws, CustomerRow) == 2


def test_a_workspace_made_before_keeps_one_form_after_it_is_opened(tmp_path: Path):
    db = tmp_path / "w.db"
    with Workspace.open(db) as ws:
        ana = ws.upsert_customer({"user_id": "ana"})
        bo = ws.upsert_customer({"user_id": "bo"})
        cy = ws.upsert_customer({"user_id": "cy"})
    raw = sqlite3.connect(db)
    with raw:
        raw.executemany("INSERT INTO identifiers (kind, value, customer_id) VALUES (?, ?, ?)", [
            ("email", "Ana@Example.com", ana),                                   # rewritten
            ("email", "BO@example.com", bo), ("email", "bo@example.com", bo),     # one of them dropped
            ("email", "Cy@Example.com", cy), ("email", "cy@example.com", ana),    # two customers: both stay
            ("phone", "+33 6 12 34 56 78", cy),                                   # rewritten
        ])
        raw.execute("UPDATE alembic_version SET version_num = '0005'")
    raw.close()
    with Workspace.open(db) as ws:
        with ws.engine.connect() as conn:
            stored = sorted(conn.execute(select(IdentifierRow.kind, IdentifierRow.value, IdentifierRow.customer_id)
                                         .where(IdentifierRow.kind.in_(("email", "phone")))).all())
        assert stored == sorted([("email", "ana@example.com", ana), ("email", "bo@example.com", bo),
                                 ("email", "Cy@Example.com", cy), ("email", "cy@example.com", ana),
                                 ("phone", "+33612345678", cy)])
        assert count(ws, EventRow) == 0
