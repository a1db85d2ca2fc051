"""The editor benchmarks at a tiny size: they run offscreen and report every figure (no timings checked)."""

from __future__ import annotations

from engine.bench import format_table, report
from gui.bench import run_editor


def test_editor_benchmarks_at_a_tiny_size(qapp):
    results = run_editor(60, open_repeats=2, repaint_repeats=3)
    assert set(results) == {"editor.open", "editor.repaint_fit", "editor.repaint_100", "editor.repaint_zoom"}
    for name, r in results.items():
        assert {"median_ms", "p95_ms", "samples", "target_ms", "ok"} <= set(r), name
        assert r["median_ms"] > 0 and r["p95_ms"] >= r["median_ms"], name
    assert results["editor.open"]["samples"] == 2
    assert results["editor.repaint_fit"]["samples"] == 3
    assert results["editor.open"]["target_ms"] == 300
    assert results["editor.repaint_fit"]["target_ms"] == 16
    assert results["editor.repaint_zoom"]["ok"] is None
    # zoomed to fit, the whole journey is on screen
    assert "60 nodes visible" in results["editor.repaint_fit"]["note"]
    assert "editor.repaint_100" in format_table(report(results, 60))


def test_overlay_benchmark_at_a_tiny_size(qapp):
    from gui.bench import OVERLAY_TARGET_MS, run_overlay

    results = run_overlay(500, repeats=3)
    assert set(results) == {"overlay.read_counters", "overlay.refresh"}
    for name, r in results.items():
        assert r["samples"] == 3, name
        assert r["median_ms"] > 0 and r["p95_ms"] >= r["median_ms"], name
        assert "500 steps" in r["note"], name
    assert results["overlay.refresh"]["target_ms"] == OVERLAY_TARGET_MS == 16
    assert results["overlay.refresh"]["ok"] is (results["overlay.refresh"]["p95_ms"] <= 16)
    assert results["overlay.read_counters"]["ok"] is None
    assert "overlay.refresh" in format_table(report(results, 0))


def test_generated_step_log_and_counters_agree(tmp_path):
    """The counters written by the overlay benchmark equal a recount of its step and run rows."""
    from collections import Counter

    from sqlalchemy import func, select

    from engine.runtime.clock import RealClock
    from engine.runtime.runner import Runner
    from engine.spec import default_registry
    from engine.store.models import RunRow, StepRow
    from engine.store.workspace import Workspace
    from engine.templates import load_template
    from gui.bench import fill_step_log

    reg = default_registry()
    ws = Workspace.open(tmp_path / "ws.db")
    try:
        journey = load_template("abandoned_cart")
        ws.create_journey(journey)
        version = ws.publish(journey.id, reg).number
        published = ws.load_version(journey.id, version)
        runs = fill_step_log(ws, published, version, reg, 2_345, seed=3)
        nodes, edges = Runner(ws, reg, RealClock(), mode="live").counters(journey.id, version, "live")

        with ws.engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(StepRow.__table__)) == 2_345
            steps = conn.execute(select(StepRow.node_id, StepRow.port, StepRow.note)).all()
            run_rows = conn.execute(select(RunRow.visits, RunRow.converted, RunRow.status)).all()
        assert len(run_rows) == runs
        wired = {(e.source.node, e.source.port): e for e in published.edges}
        taken = Counter(wired[(n, p)].id for n, p, _ in steps if p is not None)
        assert {eid: c for eid, c in edges.items() if c} == dict(taken)
        arrivals = Counter(wired_edge.target.node for wired_edge in published.edges
                           for _ in range(taken[wired_edge.id]))
        entry = next(n.id for n in published.nodes if reg[n.type].is_entry)
        arrivals[entry] += runs
        left = Counter(n for n, p, _ in steps if p is not None)
        ended = Counter(n for n, p, note in steps if p is None and note in ("end", "the node cannot run"))
        converted = Counter(v for visits, conv, _ in run_rows if conv for v in visits)
        for nid, c in nodes.items():
            assert c.entered == arrivals[nid], nid
            assert c.exited == ended[nid], nid
            assert c.active == arrivals[nid] - left[nid] - ended[nid], nid
            assert c.converted == converted[nid], nid
        assert sum(c.entered for c in nodes.values()) > runs
        assert any(c.converted for c in nodes.values())
        assert sum(1 for *_, status in run_rows if status == "waiting") > 0
    finally:
        ws.close()
