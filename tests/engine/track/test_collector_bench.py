"""``bench/collector.py`` still runs: a short run of both scenarios against a real collector, every
answer a 200, every event counted as committed found in the workspace, and the load generators'
requests made before the run are the ones sent first."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT


def _run(*args: str) -> dict:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "collector.py"), "--duration", "0.5", "--warmup",
                           "0.2", "--connections", "2", "--batch-connections", "2", "--users", "50", "--json", *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=180)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_both_scenarios_store_every_event_answered():
    report = _run()
    single, batch = report["scenarios"]
    assert (single["path"], batch["path"]) == ("/v1/track", "/v1/batch")
    for scenario in (single, batch):
        assert scenario["requests"] > 0
        assert scenario["errors"] == 0 and scenario["statuses_not_200"] == {}
        assert 0 < scenario["requests_sent_made_ahead"] <= scenario["requests_made_ahead"]
    assert batch["events_per_request"] == 100
    assert report["events_stored"] == report["events_committed_counted"] > 0


def test_make_live_makes_nothing_ahead():
    (batch,) = _run("--only", "batch", "--make-live")["scenarios"]
    assert batch["requests"] > 0 and batch["errors"] == 0
    assert batch["requests_made_ahead"] == batch["requests_sent_made_ahead"] == 0
