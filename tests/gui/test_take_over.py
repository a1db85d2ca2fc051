"""The app opening a workspace that ``journey-studio collect`` holds: it asks the command to stop
(everything it acknowledged is stored), opens the workspace and collects at the same address."""

from __future__ import annotations

import base64
import http.client
import json
import re
import subprocess

import pytest

from engine.errors import WorkspaceLocked
from engine.store import Workspace
from engine.track import collector_keys
from tests.engine.test_run_command import ROOT, cli_command, cli_env
from tests.gui.conftest import make_window


def _post(port: int, key: str, body: dict) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        auth = base64.b64encode(f"{key}:".encode()).decode()
        conn.request("POST", "/v1/track", json.dumps(body), {"Authorization": f"Basic {auth}",
                                                             "Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def test_the_app_takes_over_from_collect_at_the_same_address(qtbot, tmp_path, monkeypatch):
    from gui import take_over

    location = tmp_path / "workspace.db"
    with Workspace.open(location) as ws:
        key = collector_keys.add_key(ws, "site")
    proc = subprocess.Popen(cli_command("collect", "--port", "0", "--workspace", str(location)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=cli_env())
    ws = None
    try:
        port = None
        for _ in range(10):
            found = re.search(r"host http://127\.0\.0\.1:(\d+)", proc.stdout.readline())
            if found:
                port = int(found.group(1))
                break
        assert port is not None
        assert _post(port, key, {"userId": "u1", "event": "Before"}) == 200
        with pytest.raises(WorkspaceLocked) as locked:
            Workspace.open(location)
        assert locked.value.holder == "journey-studio collect" and locked.value.pid == proc.pid
        assert take_over.can_take_over(locked.value)

        monkeypatch.setattr(take_over, "ask", lambda exc: True)
        errors: list[tuple[str, str]] = []
        ws = take_over.take_over(locked.value, lambda: Workspace.open(location),
                                 lambda title, text: errors.append((title, text)))
        assert ws is not None and not errors
        out, _err = proc.communicate(timeout=60)
        assert proc.returncode == 0 and "stopped:" in out
        assert ws.find_customer("user_id", "u1") is not None  # what it acknowledged is stored

        win = make_window(qtbot, ws)
        try:
            win.collect_where_the_command_did()
            panel = win.collector_panel
            qtbot.waitUntil(lambda: panel.running, timeout=20_000)
            assert panel.collector.port == port  # the SDKs' address still works
            assert _post(port, key, {"userId": "u2", "event": "After"}) == 200
        finally:
            win.close()
            if win.collector_panel is not None:
                win.collector_panel.shutdown()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        if ws is not None:
            assert ws.find_customer("user_id", "u2") is not None
            ws.close()


def test_a_declined_take_over_leaves_the_command_running(qtbot, tmp_path, monkeypatch):
    from gui import take_over

    exc = WorkspaceLocked("in use", pid=999_999_999, holder="journey-studio collect")
    monkeypatch.setattr(take_over, "ask", lambda _exc: False)
    assert take_over.take_over(exc, lambda: pytest.fail("opened"), lambda *_: pytest.fail("error")) is None
    assert not take_over.can_take_over(WorkspaceLocked("in use", pid=1, holder="app"))
