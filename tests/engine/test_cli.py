"""The headless command line, run as a real subprocess: exit codes and readable output."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from engine.document import Node, dumps, save
from tests.conftest import ROOT, cli


def test_version():
    res = cli("--version")
    assert res.returncode == 0 and res.stdout.startswith("journey-studio ")


def test_nodes_json_lists_the_whole_catalogue():
    res = cli("nodes", "--json")
    assert res.returncode == 0
    data = json.loads(res.stdout)
    assert len(data) == 21
    keys = {d["type_key"] for d in data}
    assert {"map.stage", "track.source", "analyze.funnel", "orchestrate.wait", "optimize.holdout"} <= keys
    send = next(d for d in data if d["type_key"] == "orchestrate.send")
    assert send["stage"] == "orchestrate" and [p["name"] for p in send["outputs"]] == ["sent", "failed", "skipped"]
    # What a node's config holds, for journey files written by hand: a JSON Schema and an example.
    assert {"channel", "channel_kind", "subject", "body"} <= set(send["config_schema"]["properties"])
    wait = next(d for d in data if d["type_key"] == "orchestrate.wait")
    assert wait["config_example"]["wait"]["kind"] == "duration"


def test_validate_ok_and_errors(tmp_path, small_journey):
    good = tmp_path / "good.journey.json"
    save(small_journey, good)
    res = cli("validate", str(good))
    assert res.returncode == 0 and f"{good}: ok" in res.stdout

    bad = small_journey.model_copy(deep=True)
    bad.edges[0].target.node = "ghost-node"
    bad.nodes.append(Node(id="u1", type="acme.crm_sync", config={"keep": True}))
    wait = next(n for n in bad.nodes if n.type == "orchestrate.wait")
    wait.config = {"wait": {"kind": "duration", "amount": 0, "unit": "days"}}
    path = tmp_path / "bad.journey.json"
    save(bad, path)
    res = cli("validate", str(path))
    assert res.returncode == 1
    out = res.stdout
    assert "ghost-node" in out and "acme.crm_sync" in out and "Wait › Amount must be at least 1" in out
    assert "Traceback" not in out + res.stderr


def test_validate_not_json_is_one_line_no_traceback(tmp_path):
    path = tmp_path / "broken.journey.json"
    path.write_text("this is not json")
    res = cli("validate", str(path))
    assert res.returncode == 1
    lines = [line for line in res.stdout.splitlines() if line.strip()]
    assert len(lines) == 1 and str(path) in lines[0] and "not valid JSON" in lines[0]
    assert "Traceback" not in res.stderr


def test_validate_missing_file(tmp_path):
    res = cli("validate", str(tmp_path / "nope.journey.json"))
    assert res.returncode == 1 and "cannot read" in res.stdout and "Traceback" not in res.stderr


def test_fmt_check_and_rewrite(tmp_path, small_journey):
    path = tmp_path / "messy.journey.json"
    data = json.loads(dumps(small_journey))
    path.write_text(json.dumps(data, indent=4))
    res = cli("fmt", "--check", str(path))
    assert res.returncode == 1 and "would reformat" in res.stdout
    assert json.loads(path.read_text()) == data  # --check changes nothing
    res = cli("fmt", str(path))
    assert res.returncode == 0
    assert path.read_text() == dumps(small_journey)
    assert cli("fmt", "--check", str(path)).returncode == 0


def test_templates_lists_the_gallery():
    res = cli("templates", "--json")
    assert res.returncode == 0
    keys = {t["key"] for t in json.loads(res.stdout)}
    assert {"welcome_series", "abandoned_cart", "post_purchase_review", "win_back", "birthday_offer",
            "b2b_lead_nurture"} <= keys


@pytest.mark.parametrize("args", [["validate"], ["fmt"], ["bogus-command"]])
def test_usage_errors_exit_non_zero(args):
    res = cli(*args)
    assert res.returncode == 2 and "usage:" in res.stderr


@pytest.mark.parametrize("args, actions", [(["collect", "keys"], ("list", "add", "remove")),
                                           (["channels"], ("list", "add", "test", "remove"))])
def test_a_command_group_without_its_action_lists_the_actions(args, actions, tmp_path):
    res = cli(*args, "--workspace", str(tmp_path / "ws"))
    assert res.returncode == 2 and "usage:" in res.stdout
    assert all(f"    {action} " in res.stdout for action in actions), res.stdout


def test_fmt_check_counts_unreadable_files_apart(tmp_path, small_journey):
    good = tmp_path / "good.journey.json"
    save(small_journey, good)
    bad = tmp_path / "bad.journey.json"
    bad.write_text("not json")
    res = cli("fmt", "--check", str(good), str(bad))
    assert res.returncode == 1
    assert res.stdout.strip().splitlines()[-1] == "1 already canonical, 1 could not be read"


def test_screenshot_refuses_bad_arguments_without_opening_a_window(tmp_path):
    res = cli("screenshot", "--out", str(tmp_path / "shots"), "--template", "nope")
    assert res.returncode == 1 and "no template named 'nope'" in res.stderr
    afile = tmp_path / "a-file"
    afile.write_text("x")
    res = cli("screenshot", "--out", str(afile))
    assert res.returncode == 1 and str(afile) in res.stderr and "Traceback" not in res.stderr
    res = cli("screenshot", "--out", str(tmp_path / "s"), "--width", "0")
    assert res.returncode == 1 and "not supported" in res.stderr


def test_app_without_a_display_says_so():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    res = subprocess.run([sys.executable, "-m", "gui.launcher"], capture_output=True, text=True, cwd=ROOT,
                         env=env, timeout=60)
    assert res.returncode == 1 and "no display found" in res.stderr and "Traceback" not in res.stderr
