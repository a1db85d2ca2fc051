"""Writing a segment's members to a file the system refuses (a name longer than its 255-byte
limit): a plain one-line error naming the file, nothing written; run in-process through
:func:`engine.cli.main` on a real workspace."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.cli import main
from engine.errors import JourneyStudioError
from engine.store import Workspace
from engine.track.member_export import write_members
from engine.track.segments import SegmentStore


@pytest.fixture
def location(tmp_path: Path) -> str:
    """A workspace with two customers and a segment of everyone, named in Chinese."""
    path = tmp_path / "workspace.db"
    with Workspace.open(path) as ws:
        ws.upsert_customer({"email": "ann@example.com"}, {"name": "Ann"})
        ws.upsert_customer({"phone": "+8613800001111"}, {"name": "张伟"})
        SegmentStore(ws).create("高价值客户", {})
    return str(path)


def _written(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_file_name_too_long_is_a_plain_error_and_nothing_is_written(location, tmp_path, capsys):
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / ("客" * 100 + ".xlsx")  # 305 bytes: more than a file name can hold
    code = main(["segments", "members", "高价值客户", "--out", str(target), "--workspace", location])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err == f"journey-studio: error: {target}: cannot write there: File name too long\n"
    assert "Errno" not in err and "OSError" not in err and "unexpected" not in err
    assert _written(folder) == []

    # The same in a folder that does not exist, and as CSV.
    target = tmp_path / "missing" / ("a" * 300 + ".csv")
    code = main(["segments", "members", "高价值客户", "--out", str(target), "--workspace", location])
    out, err = capsys.readouterr()
    assert code == 1 and out == "" and len(err.splitlines()) == 1
    assert err.startswith(f"journey-studio: error: {target}: cannot write there: ")
    assert not target.parent.exists()


def test_write_members_turns_a_refused_target_into_a_clear_error(tmp_path):
    target = tmp_path / ("x" * 300 + ".csv")
    with pytest.raises(JourneyStudioError) as caught:
        write_members(target, iter(()))
    assert str(caught.value) == f"{target}: cannot write there: File name too long"
    assert _written(tmp_path) == []


def test_a_long_name_the_system_takes_is_written(location, tmp_path, capsys):
    # 250 bytes: the file fits, and so does the temporary file it is first written to.
    target = tmp_path / ("客" * 80 + "a" * 5 + ".xlsx")
    code = main(["segments", "members", "高价值客户", "--out", str(target), "--workspace", location])
    out, err = capsys.readouterr()
    assert code == 0 and err == "" and out.startswith(f"wrote 2 customers matching segment '高价值客户' to {target}")
    assert target.stat().st_size > 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
