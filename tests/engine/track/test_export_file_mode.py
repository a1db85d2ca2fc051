"""Exported files get the permissions any file gets: a segment's members (``.csv`` and ``.xlsx``,
``segments members --out`` and the segment builder) and a customer's export (``profiles export
--out``) are ``-rw-r--r--`` under the usual umask 022, not readable by their owner alone as the
temporary file they are written to first; a file they replace keeps its permissions."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.cli import main
from engine.store import Workspace
from engine.store.models import CustomerRow
from engine.track.member_export import write_members
from engine.track.profiles import summaries
from engine.track.segments import SegmentStore

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")


@pytest.fixture
def umask() -> Iterator[Callable[[int], int]]:
    """Sets the process's umask for the test (the usual 022 first), and puts the old one back."""
    old = os.umask(0o022)
    yield os.umask
    os.umask(old)


@pytest.fixture
def location(tmp_path: Path) -> str:
    path = tmp_path / "workspace.db"
    with Workspace.open(path) as ws:
        ws.upsert_customer({"email": "ann@example.com"}, {"name": "Ann"}, tags=["Yoga"])
        ws.upsert_customer({"phone": "+4915123456780"}, {"name": "Bernd"})
        SegmentStore(ws).create("Alle", {})
    return str(path)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def customers(location: str) -> list:
    with Workspace.open(location) as ws, ws._session() as s:
        conn = s.connection()
        return summaries(conn, list(conn.scalars(select(CustomerRow.id))))


@pytest.mark.parametrize("name", ["members.csv", "members.xlsx"])
def test_a_members_file_follows_the_umask(location, tmp_path, umask, name):
    target = tmp_path / name
    write_members(target, iter(customers(location)))
    assert mode(target) == 0o644
    umask(0o027)
    again = tmp_path / ("team-" + name)
    write_members(again, iter(customers(location)))
    assert mode(again) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_members_file_that_is_replaced_keeps_its_permissions(location, tmp_path, umask):
    target = tmp_path / "members.csv"
    target.write_text("old\n")
    os.chmod(target, 0o600)
    write_members(target, iter(customers(location)))
    assert mode(target) == 0o600 and target.read_text(encoding="utf-8-sig").startswith("customer_id")
    os.chmod(target, 0o664)
    write_members(target, iter(customers(location)))
    assert mode(target) == 0o664


def test_the_command_lines_write_files_others_may_read(location, tmp_path, umask, capsys):
    for name in ("alle.csv", "alle.xlsx"):
        assert main(["segments", "members", "Alle", "--out", str(tmp_path / name), "--workspace", location]) == 0
        assert mode(tmp_path / name) == 0o644
    target = tmp_path / "ann.json"
    assert main(["profiles", "export", "ann@example.com", "--out", str(target), "--workspace", location]) == 0
    assert mode(target) == 0o644
    capsys.readouterr()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
