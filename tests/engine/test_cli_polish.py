"""The command line as a new user meets it: a command that finds no workspace says how to make
one, ``run --collect`` makes one as ``collect`` does, ``run`` says when no journey is live instead
of counting events as handled, shows the collector's counts while it runs, and explains itself
in ``--help``."""

from __future__ import annotations

import base64
import http.client
import json
import queue
import shlex
import subprocess
import sys
import threading
import time

import pytest

from engine.store import Workspace
from tests.conftest import ROOT, cli
from tests.engine.test_run_command import cli_env, free_port


@pytest.mark.parametrize("command", [("tracking",), ("profiles", "search", "ana"), ("collect", "keys", "list"),
                                     ("segments", "list"), ("run", "--once")])
def test_a_command_that_finds_no_workspace_says_how_to_make_one(tmp_path, command):
    missing = tmp_path / "my journeys"
    res = cli(*command, "--workspace", str(missing))
    assert res.returncode == 1 and "Traceback" not in res.stderr
    line = res.stderr.strip()
    assert "\n" not in line
    assert "there is no workspace here" in line
    # the app opened on this very folder, or a command that makes one
    assert f"journey-studio --workspace {shlex.quote(str(missing))}" in line
    assert "journey-studio journeys import FILE.journey.json" in line and "journey-studio collect" in line
    assert not missing.exists()


def test_run_once_with_no_live_journey_says_so_rather_than_events_handled(tmp_path):
    with Workspace.open(tmp_path) as ws:
        for n in range(3):
            ws.ingest_event({"user_id": f"u{n}"}, "page_viewed", {})
    res = cli("run", "--once", "--workspace", str(tmp_path))
    assert res.returncode == 0, res.stderr
    first, second = res.stdout.splitlines()[:2]
    assert first.startswith(f"No journey is live in {tmp_path / 'workspace.db'}: events start no run. ")
    assert f"'journey-studio journeys live NAME --workspace {shlex.quote(str(tmp_path))}'" in first
    assert "journeys import FILE.journey.json" in first  # there is no journey to put live yet
    assert "Running 0 live journeys" not in res.stdout
    assert second == "3 events read; no journey is live, so they start no run"
    assert "handled" not in res.stdout


def test_pass_report_with_no_live_journey_keeps_what_else_the_pass_did():
    from engine.cli import describe_pass, pass_report
    from engine.runtime.live import PassResult

    assert describe_pass(PassResult(events=1), live=0) == "1 event read; no journey is live, so it starts no run"
    text, _said = pass_report(PassResult(events=2, sent=1, problems=("a mailbox cannot be read",)), set(), live=0)
    assert text == ("2 events read; no journey is live, so they start no run; 0 runs advanced, 1 message sent\n"
                    "warning: a mailbox cannot be read")
    assert pass_report(PassResult(events=2, runs=2), set(), live=1)[0].startswith("2 events handled, 2 runs advanced")


def _lines(stream) -> queue.Queue:
    lines: queue.Queue = queue.Queue()

    def read() -> None:
        for line in stream:
            lines.put(line.rstrip("\n"))

    threading.Thread(target=read, daemon=True).start()
    return lines


def test_run_collect_makes_the_workspace_and_shows_the_collectors_counts_as_it_runs(tmp_path):
    where = tmp_path / "new workspace"
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "gui.launcher", "run", "--collect", "--interval", "3600",
                             "--collect-port", str(port), "--workspace", str(where)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=cli_env())
    lines = _lines(proc.stdout)
    try:
        first = lines.get(timeout=60)
        assert first.startswith(f"No journey is live in {where / 'workspace.db'}: events are received and kept, "
                                "but start no run. To run one, stop this (Ctrl+C), "), first
        collecting = lines.get(timeout=30)
        assert collecting.startswith(f"Collecting events at http://127.0.0.1:{port} (new write key: wk_")
        key = collecting.rsplit("new write key: ", 1)[1].rstrip(")")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("POST", "/v1/track", body=json.dumps({"type": "track", "event": "signed_up", "userId": "u1"}),
                     headers={"Content-Type": "application/json",
                              "Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode()})
        assert conn.getresponse().status == 200
        conn.close()
        # While it runs (the next pass is an hour away), the counts come as 'collect' prints them.
        seen = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                seen.append(lines.get(timeout=1))
            except queue.Empty:
                continue
            if seen[-1].startswith("collector: 1 message received, 1 stored"):
                break
        else:
            pytest.fail(f"no counts while running: {seen}")
        assert proc.poll() is None
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert (where / "workspace.db").is_file()


def test_run_help_says_what_run_does():
    res = cli("run", "--help")
    assert res.returncode == 0
    usage, _, rest = res.stdout.partition("\n\n")
    description = rest.partition("\n\n")[0]
    assert description.startswith("Run the workspace's live journeys")
    assert "journeys live NAME" in " ".join(description.split())
