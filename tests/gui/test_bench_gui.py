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
