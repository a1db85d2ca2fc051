"""``journey-studio run --collect`` on PostgreSQL rides out a database outage: the collector answers
503 while the server is down, the command says so once and keeps trying, and once the server is
back events are stored and journeys go on. A private PostgreSQL cluster is started for the test, so
that stopping it disturbs no other test."""

from __future__ import annotations

import base64
import http.client
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from engine.store import Workspace
from tests.engine.test_run_command import ROOT, build_workspace, cli_command, cli_env, free_port


def _postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return found[-1].parent if found else None


def _as_postgres(*argv: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else list(argv)


@pytest.fixture
def private_postgres():
    """``(url, stop, start)`` of a PostgreSQL cluster of this test's own, on a Unix socket."""
    pytest.importorskip("psycopg")
    bin_dir = _postgres_bin()
    if bin_dir is None or (os.geteuid() == 0 and shutil.which("runuser") is None):
        pytest.skip("PostgreSQL's server programs are not installed")
    base = Path(tempfile.mkdtemp(prefix="js-outage-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
    data, port = base / "data", free_port()
    subprocess.run(_as_postgres(str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"),
                   check=True, capture_output=True)

    def start() -> None:
        subprocess.run(_as_postgres(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(base / "log"), "-w", "-o",
                                    f"-k {base} -p {port} -c listen_addresses=''", "start"),
                       check=True, capture_output=True)

    def stop() -> None:
        subprocess.run(_as_postgres(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"),
                       check=False, capture_output=True)

    start()
    subprocess.run(_as_postgres(str(bin_dir / "psql"), "-h", str(base), "-p", str(port), "-U", "postgres", "-qc",
                                "CREATE DATABASE outage"), check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@/outage?host={base}&port={port}", stop, start
    finally:
        stop()
        shutil.rmtree(base, ignore_errors=True)


def _post(port: int, key: str, user: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        body = json.dumps({"type": "track", "event": "page_viewed", "userId": user})
        auth = base64.b64encode(f"{key}:".encode()).decode()
        conn.request("POST", "/v1/track", body=body, headers={"Content-Type": "application/json",
                                                             "Authorization": f"Basic {auth}"})
        response = conn.getresponse()
        response.read()
        return response.status
    except OSError:
        return 0
    finally:
        conn.close()


def test_run_with_the_collector_keeps_going_while_the_database_is_down(private_postgres, registry):
    from engine.track import collector_keys

    url, stop_db, start_db = private_postgres
    build_workspace(url, registry)
    with Workspace.open(url) as ws:
        key = collector_keys.add_key(ws, "site")
    port = free_port()
    proc = subprocess.Popen(cli_command("run", "--interval", "1", "--db", url, "--collect", "--collect-port",
                                        str(port)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=cli_env())
    try:
        assert proc.stdout.readline().startswith("Running 1 live journey in ")
        assert proc.stdout.readline().startswith(f"Collecting events at http://127.0.0.1:{port}")
        assert _post(port, key, "before") == 200

        stop_db()
        deadline = time.monotonic() + 30
        statuses = []
        while time.monotonic() < deadline and 503 not in statuses:
            statuses.append(_post(port, key, "during"))
            time.sleep(0.2)
        if 503 not in statuses and proc.poll() is not None:
            pytest.fail(f"run stopped: {proc.communicate(timeout=30)}")
        assert 503 in statuses  # the collector says "send it again", the SDK's cue
        time.sleep(3)  # passes fail meanwhile
        assert proc.poll() is None, proc.communicate(timeout=30)

        start_db()
        deadline = time.monotonic() + 60
        status = 0
        while time.monotonic() < deadline and status != 200:
            status = _post(port, key, "after")
            time.sleep(0.2)
        assert status == 200
        time.sleep(2)
        assert proc.poll() is None
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert err.count("warning: the workspace cannot be reached") == 1, err
    assert "the workspace can be reached again; journeys go on" in out
    assert out.rstrip().endswith("stopped")
    with Workspace.open(url) as ws:
        assert ws.find_customer("user_id", "before") and ws.find_customer("user_id", "after")
