"""``profiles delete`` with an answer piped in: nothing is deleted, and the refusal is one
grammatical line that says why the answer was not taken and how to go ahead."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from engine.store import Workspace

ROOT = Path(__file__).resolve().parents[3]


def test_a_piped_yes_deletes_nothing_and_says_why(tmp_path: Path):
    where = tmp_path / "workspace.db"
    with Workspace.open(where) as ws:
        customer = ws.upsert_customer({"user_id": "u43"})
        for name in ("Viewed", "Bought"):
            ws.ingest_event({"user_id": "u43"}, name, {}, occurred_at=datetime(2024, 5, 1, tzinfo=UTC), source="Shop")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("JOURNEY_STUDIO_DEBUG", None)
    res = subprocess.run([sys.executable, "-m", "gui.launcher", "profiles", "delete", "u43", "--workspace", str(where)],
                         input="y\n", capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert res.returncode == 1
    assert res.stderr.splitlines() == [
        f"journey-studio: error: nothing deleted: deleting customer {customer} (user_id:u43; 2 events, "
        "0 journey runs) needs confirmation in a terminal (an answer from a pipe is not read); add --yes to "
        "delete without asking"]
    with Workspace.open(where, read_only=True) as ws:
        assert ws.get_customer(customer).id == customer
