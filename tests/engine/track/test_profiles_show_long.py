"""``profiles show`` prints one line per attribute and cuts long values (``--full`` prints them
whole); ``--json`` is never cut."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from engine.cli import main
from engine.store.workspace import Workspace


def _workspace(tmp_path):
    location = tmp_path / "workspace.db"
    with Workspace.open(location) as ws:
        ws.upsert_customer({"email": "long@example.com"},
                           {"name": "Lu", "bio": "x" * 5000, "notes": "first line\nsecond line"})
        ws.ingest_event({"email": "long@example.com"}, "page_viewed", {"blob": "y" * 20000},
                        occurred_at=datetime(2026, 1, 2, tzinfo=UTC), source="web")
    return str(location)


def test_long_values_are_cut_with_their_length(tmp_path, capsys):
    location = _workspace(tmp_path)
    assert main(["profiles", "show", "long@example.com", "--workspace", location]) == 0
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) < 400
    assert "    bio: " + "x" * 200 + "… (5,000 characters; --full or --json shows all)" in out
    assert "    notes: first line second line" in out      # one line per attribute
    whole = len(json.dumps({"blob": "y" * 20000}))
    assert f"… ({whole:,} characters; --full or --json shows all)" in out
    assert "    name: Lu" in out


def test_full_and_json_show_everything(tmp_path, capsys):
    location = _workspace(tmp_path)
    assert main(["profiles", "show", "long@example.com", "--full", "--workspace", location]) == 0
    out = capsys.readouterr().out
    assert "    bio: " + "x" * 5000 + "\n" in out and "y" * 20000 in out
    assert main(["profiles", "show", "long@example.com", "--json", "--workspace", location]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["attributes"]["bio"] == "x" * 5000
    assert shown["events"][0]["properties"]["blob"] == "y" * 20000


def test_chinese_values_are_cut_by_the_columns_they_take(tmp_path, capsys):
    location = tmp_path / "workspace.db"
    with Workspace.open(location) as ws:
        ws.upsert_customer({"email": "wei@example.cn"}, {"bio": "中" * 185})
    assert main(["profiles", "show", "wei@example.cn", "--workspace", str(location)]) == 0
    out = capsys.readouterr().out
    assert "    bio: " + "中" * 100 + "… (185 characters; --full or --json shows all)" in out
