"""The benchmark journey generator and the headless benchmarks, at a tiny size (no timings checked)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from engine.bench import format_table, make_large_journey, percentile, report, run_document, summarize
from engine.document import dumps, loads
from engine.spec import default_registry
from engine.validate import validate

ROOT = Path(__file__).resolve().parents[2]
RESULT_KEYS = {"median_ms", "p95_ms", "samples", "target_ms", "ok"}


@pytest.fixture(scope="module")
def registry():
    return default_registry()


@pytest.mark.parametrize("n", [10, 60, 333])
def test_generated_journey_has_n_nodes_and_is_valid(registry, n):
    journey = make_large_journey(n, seed=7, registry=registry)
    assert len(journey.nodes) == n
    assert len({node.id for node in journey.nodes}) == n
    issues = validate(journey, registry)
    assert [i for i in issues if i.severity != "info"] == []
    assert dumps(loads(dumps(journey))) == dumps(journey)


def test_generated_journey_looks_like_a_real_one(registry):
    journey = make_large_journey(300, seed=1, registry=registry)
    types = Counter(node.type for node in journey.nodes)
    assert types["orchestrate.entry"] == 1
    for key in ("orchestrate.wait", "orchestrate.send", "orchestrate.condition", "orchestrate.exit",
                "orchestrate.goal", "map.stage"):
        assert types[key] > 0, key
    annotations = [n for n in journey.nodes if not registry[n.type].executable]
    assert 0.15 <= len(annotations) / len(journey.nodes) <= 0.25
    assert {n.type.split(".")[0] for n in annotations} == {"map", "track", "analyze"}
    # every branch of a condition is wired
    wired = {(e.source.node, e.source.port) for e in journey.edges}
    for node in journey.nodes:
        if node.type == "orchestrate.condition":
            assert {(node.id, "yes"), (node.id, "no")} <= wired
    # lanes have members, and members point at lanes
    lanes = {n.id for n in journey.nodes if n.type == "map.stage"}
    members = Counter(n.stage for n in journey.nodes if n.stage)
    assert set(members) <= lanes and all(members[lane] > 0 for lane in lanes)
    # laid out on a grid without two nodes on one spot
    spots = [(n.position.x, n.position.y) for n in journey.nodes]
    assert len(set(spots)) == len(spots)


def test_generator_is_deterministic(registry):
    a = make_large_journey(120, seed=3, registry=registry)
    b = make_large_journey(120, seed=3, registry=registry)
    c = make_large_journey(120, seed=4, registry=registry)
    assert dumps(a) == dumps(b)
    assert dumps(a) != dumps(c)


def test_generator_refuses_tiny_journeys(registry):
    with pytest.raises(ValueError):
        make_large_journey(5, registry=registry)


def test_summary_and_percentile():
    samples = [5.0, 1.0, 3.0, 2.0, 4.0]
    assert percentile(samples, 95) == 5.0
    assert percentile(samples, 50) == 3.0
    s = summarize(samples, 4.0)
    assert s == {"median_ms": 3.0, "p95_ms": 5.0, "samples": 5, "target_ms": 4.0, "ok": True}
    assert summarize(samples, 2.0)["ok"] is False
    assert summarize(samples, None)["ok"] is None


def test_document_benchmarks_at_a_tiny_size(registry):
    results = run_document(60, repeats=2, registry=registry)
    assert set(results) == {"document.save_file", "document.load_file", "document.validate",
                            "workspace.save_draft", "workspace.load_draft"}
    for name, r in results.items():
        assert RESULT_KEYS <= set(r), name
        assert r["samples"] == 2
        assert r["median_ms"] > 0 and r["p95_ms"] >= r["median_ms"]
    assert results["document.save_file"]["target_ms"] == 200
    table = format_table(report(results, 60))
    assert "document.load_file" in table and "60-node" in table


def test_bench_command_document_only_prints_json_and_loads_no_qt():
    code = (
        "import sys, io, contextlib, json\n"
        "from gui.launcher import main\n"
        "buf = io.StringIO()\n"
        "with contextlib.redirect_stdout(buf):\n"
        "    rc = main(['bench', '--only', 'document', '--nodes', '40', '--repeats', '2', '--json'])\n"
        "qt = sorted(n for n in sys.modules if n.split('.')[0] in ('PySide6', 'shiboken6', 'qtpy', 'nodeeditor'))\n"
        "print(json.dumps({'rc': rc, 'qt': qt, 'out': json.loads(buf.getvalue())}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "JOURNEY_STUDIO_DEBUG"}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env,
                         timeout=300)
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["rc"] == 0
    assert data["qt"] == []
    out = data["out"]
    assert out["nodes"] == 40
    assert {"cpu_count", "python", "pyside6", "platform"} <= set(out["machine"])
    assert out["machine"]["cpu_count"] > 0
    assert "workspace.load_draft" in out["results"]
    assert not any(name.startswith("editor.") for name in out["results"])
    for r in out["results"].values():
        assert r["median_ms"] > 0 and r["p95_ms"] > 0


def test_bench_command_rejects_too_few_nodes():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    res = subprocess.run([sys.executable, "-m", "gui.launcher", "bench", "--nodes", "3"], capture_output=True,
                         text=True, cwd=ROOT, env=env, timeout=120)
    assert res.returncode == 2
    assert "at least 10 nodes" in res.stderr


def test_engine_benchmark_at_a_tiny_size(registry):
    """The engine benchmark's journey is valid, and every customer goes through all ten nodes."""
    from engine.bench import engine_journey, run_engine
    from engine.validate import validate

    journey = engine_journey()
    assert len(journey.nodes) == 10
    assert not [i for i in validate(journey, registry) if i.severity == "error"]
    figures = run_engine(customers=50)["engine"]
    assert figures["steps"] == 50 * 11  # ten nodes, and the wait's wake-up is a step of its own
    assert "50 customers" in figures["note"] and "integrity ok" in figures["note"]
