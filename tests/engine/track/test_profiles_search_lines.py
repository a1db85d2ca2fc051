"""``journey-studio profiles search`` ends every line it prints, the count line last included, so
that what the shell prints next starts on a line of its own: in the process and as a command whose
output goes to a pipe or a file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli import main
from engine.store import Workspace

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def location(tmp_path: Path) -> str:
    path = tmp_path / "workspace.db"
    with Workspace.open(path) as ws:
        for i in range(8):
            ws.upsert_customer({"email": f"kunde{i}@example.com"}, {"Name": f"Kunde {i}"}, tags=["Yoga"])
    return str(path)


@pytest.mark.parametrize(("argv", "last"), [
    ([], "1–8 of 8 customers"),
    (["yoga"], "1–8 of 8 customers"),
    (["--limit", "3"], "1–3 of 8 customers"),
    (["--offset", "20"], "8 customers; none past 20"),
    (["Zumba"], "no customers match 'Zumba'"),
    (["--json"], "}"),
])
def test_every_line_is_ended(location, capsys, argv, last):
    assert main(["profiles", "search", *argv, "--workspace", location]) == 0
    out = capsys.readouterr().out
    assert out.endswith(last + "\n")
    assert not out.endswith("\n\n")


def test_the_command_ends_its_last_line_on_a_pipe(location):
    done = subprocess.run([sys.executable, "-m", "engine.cli", "profiles", "search", "--workspace", location],
                          cwd=ROOT, capture_output=True, check=True)
    assert done.stdout.decode("utf-8").endswith("1–8 of 8 customers\n")
    assert done.stderr == b""
