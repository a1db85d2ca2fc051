"""Benchmarks of the editor: opening a large journey in the main window, and repainting the canvas.

What is measured (figures in docs/benchmarks.md):

* ``editor.open``: ``MainWindow.open_journey`` on a journey stored in a workspace (read the draft,
  build the editor with its first validation, build every canvas item, show the canvas), then the
  event loop until it is idle and the viewport has painted once, the way a user sees it;
* ``editor.repaint_fit`` and ``editor.repaint_100``: ``viewport().repaint()`` of the canvas at the
  default 1280×800 window size, zoomed to fit the whole journey and at 100 %. ``repaint`` sends a
  real paint event through ``QGraphicsView.paintEvent`` (background, lanes, item caches) into the
  window's backing store, synchronously, so each sample is one full repaint of the viewport.
* ``editor.repaint_zoom``: the same after a small zoom step each time, so the node pixmap caches
  are rebuilt as when a user zooms with the wheel (reported, no target).

Run offscreen (``QT_QPA_PLATFORM=offscreen``) unless a display is wanted.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from engine.bench import (
    DEFAULT_NODES,
    OPEN_TARGET_MS,
    REPAINT_TARGET_MS,
    make_large_journey,
    summarize,
    time_ms,
)
from engine.spec import Registry
from gui.qt import QtCore

WINDOW_W, WINDOW_H = 1280, 800



def _unattended_window(ws, registry):
    """A main window for measuring: a dialog would wait for a click that never comes, so unsaved
    changes are discarded and errors raise instead of showing a message box."""
    from gui.main_window import MainWindow

    window = MainWindow(ws, registry)
    window._ask_save = lambda name: "discard"

    def refuse(title: str, text: str) -> None:
        raise RuntimeError(f"{title}: {text}")

    window._error = refuse
    return window


def run_editor(nodes: int = DEFAULT_NODES, open_repeats: int = 7, repaint_repeats: int = 60, seed: int = 0,
               registry: Registry | None = None) -> dict[str, dict]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from engine.spec import default_registry
    from engine.store.workspace import Workspace
    from gui.app import make_application

    app = make_application()
    previous_handler = QtCore.qInstallMessageHandler(_quiet_offscreen)
    reg = registry or default_registry()
    journey = make_large_journey(nodes, seed, reg)
    results: dict[str, dict] = {}

    with tempfile.TemporaryDirectory(prefix="journey-studio-bench-") as tmp:
        ws = Workspace.open(Path(tmp) / "workspace.db")
        window = _unattended_window(ws, reg)
        try:
            window.resize(WINDOW_W, WINDOW_H)
            window.show()
            _settle(app)
            ws.create_journey(journey)

            painted = _PaintCounter()

            def open_once() -> None:
                window.open_journey(journey.id)
                viewport = window.canvas.view.viewport()
                viewport.installEventFilter(painted)
                painted.count = 0
                # the window zooms to fit on the next turn of the event loop, then paints
                deadline = time.perf_counter() + 30
                while painted.count == 0 and time.perf_counter() < deadline:
                    app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents)
                app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents)

            def close() -> None:
                window.show_start_page()
                app.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
                _settle(app)

            open_samples = []
            for i in range(open_repeats + 1):  # the first open warms font and icon caches
                close()
                start = time.perf_counter()
                open_once()
                elapsed = (time.perf_counter() - start) * 1000.0
                if i:
                    open_samples.append(elapsed)
            results["editor.open"] = summarize(
                open_samples, OPEN_TARGET_MS,
                "open_journey + event loop until the canvas has painted, zoomed to fit")

            view = window.canvas.view
            viewport = view.viewport()
            size = viewport.size()
            window.zoom_to_fit()
            _settle(app)
            fit_zoom = view.transform().m11()
            results["editor.repaint_fit"] = summarize(
                time_ms(viewport.repaint, repaint_repeats, warmup=2), REPAINT_TARGET_MS,
                f"viewport {size.width()}×{size.height()}, zoom {fit_zoom:.3f}, {nodes} nodes visible")

            view.resetTransform()
            view.centerOn(_busiest_point(window.canvas))
            _settle(app)
            visible = _visible_nodes(window.canvas)
            results["editor.repaint_100"] = summarize(
                time_ms(viewport.repaint, repaint_repeats, warmup=2), REPAINT_TARGET_MS,
                f"viewport {size.width()}×{size.height()}, zoom 1.000, {visible} nodes visible")

            factors = iter([1.02, 1 / 1.02] * (repaint_repeats + 2))

            def zoom_and_repaint() -> None:
                view.zoom_by(next(factors))
                viewport.repaint()

            results["editor.repaint_zoom"] = summarize(
                time_ms(zoom_and_repaint, repaint_repeats, warmup=2), None,
                "one wheel-sized zoom step at 100 %, then a repaint with the node caches rebuilt")
            app.processEvents()
        finally:
            if window.editor is not None:
                window.editor.undo_stack.setClean()
            window.close()
            window.deleteLater()
            app.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
            ws.close()
            QtCore.qInstallMessageHandler(previous_handler)
    return results


def _quiet_offscreen(mode, context, message: str) -> None:
    """The offscreen platform warns on every dock resize; everything else goes to stderr as usual."""
    if "does not support propagateSizeHints" in message:
        return
    import sys

    sys.stderr.write(message + "\n")


def _settle(app) -> None:
    for _ in range(3):
        app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 20)


def _busiest_point(canvas):
    """The centre of the 400-px square of the scene holding the most nodes."""
    centres = [c.grNode.sceneBoundingRect().center() for c in canvas.nodes.values()]
    step = 400.0
    buckets: dict[tuple[int, int], int] = {}
    for p in centres:
        key = (int(p.x() // step), int(p.y() // step))
        buckets[key] = buckets.get(key, 0) + 1
    (bx, by), _ = max(buckets.items(), key=lambda kv: (kv[1], kv[0]))
    return QtCore.QPointF((bx + 0.5) * step, (by + 0.5) * step)


def _visible_nodes(canvas) -> int:
    view = canvas.view
    area = view.mapToScene(view.viewport().rect()).boundingRect()
    return sum(1 for c in canvas.nodes.values() if area.intersects(c.grNode.sceneBoundingRect()))


class _PaintCounter(QtCore.QObject):
    """Counts the paint events of the widget it filters."""

    count = 0

    def eventFilter(self, obj, event):  # noqa: N802 - Qt override
        if event.type() == QtCore.QEvent.Type.Paint:
            self.count += 1
        return False


# ---------------------------------------------------------------------------------------------
# Overlay refresh of a live journey with a long step log
# ---------------------------------------------------------------------------------------------

#: Target of one overlay refresh, in milliseconds at the 95th percentile (docs/benchmarks.md).
OVERLAY_TARGET_MS = 16.0
OVERLAY_STEPS = 1_000_000
OVERLAY_TEMPLATE = "abandoned_cart"
_WAIT_TYPES = ("orchestrate.wait",)
_INSERT_BATCH = 50_000


def run_overlay(steps: int = OVERLAY_STEPS, repeats: int = 200, seed: int = 0,
                registry: Registry | None = None) -> dict[str, dict]:
    """Time one live-mode overlay refresh of the published ``abandoned_cart`` template whose step
    log holds ``steps`` rows: the counters read through :meth:`Runner.counters`, turned into canvas
    numbers by :func:`gui.run_panel.overlay_numbers`, set on the open canvas and painted with a
    synchronous ``viewport().repaint()`` (``overlay.refresh``); and the counters read alone
    (``overlay.read_counters``). Filling the workspace is setup and is not timed."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from types import SimpleNamespace

    from engine.runtime.clock import RealClock
    from engine.runtime.runner import Runner
    from engine.spec import default_registry
    from engine.store.workspace import Workspace
    from engine.templates import load_template
    from gui.app import make_application
    from gui.run_panel import overlay_numbers

    app = make_application()
    previous_handler = QtCore.qInstallMessageHandler(_quiet_offscreen)
    reg = registry or default_registry()
    results: dict[str, dict] = {}

    with tempfile.TemporaryDirectory(prefix="journey-studio-bench-") as tmp:
        ws = Workspace.open(Path(tmp) / "workspace.db")
        window = _unattended_window(ws, reg)
        try:
            journey = load_template(OVERLAY_TEMPLATE)
            ws.create_journey(journey)
            version = ws.publish(journey.id, reg).number
            ws.set_status(journey.id, "live")
            published = ws.load_version(journey.id, version)
            runs = fill_step_log(ws, published, version, reg, steps, seed)

            window.resize(WINDOW_W, WINDOW_H)
            window.show()
            _settle(app)
            window.open_journey(journey.id)
            _settle(app)
            window.zoom_to_fit()
            if not window.act_overlays.isChecked():
                window.act_overlays.setChecked(True)
                window._toggle_overlays(True)
            _settle(app)

            runner = Runner(ws, reg, RealClock(), mode="live")
            canvas = window.canvas
            viewport = canvas.view.viewport()

            def read() -> None:
                runner.counters(journey.id, version, "live")

            def refresh() -> None:
                nodes, edges = runner.counters(journey.id, version, "live")
                canvas.set_metrics(*overlay_numbers(published, SimpleNamespace(nodes=nodes, edges=edges)))
                viewport.repaint()

            size = viewport.size()
            where = (f"{steps:,} steps in {runs:,} live runs, {len(published.nodes)} nodes, "
                     f"{len(published.edges)} edges")
            results["overlay.read_counters"] = _p95_summary(
                time_ms(read, repeats, warmup=3), None, f"Runner.counters, {where}")
            results["overlay.refresh"] = _p95_summary(
                time_ms(refresh, repeats, warmup=3), OVERLAY_TARGET_MS,
                f"counters + overlay_numbers + set_metrics + repaint of the "
                f"{size.width()}×{size.height()} viewport, {where}")
            app.processEvents()
        finally:
            if window.editor is not None:
                window.editor.undo_stack.setClean()
            window.close()
            window.deleteLater()
            app.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
            ws.close()
            QtCore.qInstallMessageHandler(previous_handler)
    return results


def _p95_summary(samples: list[float], target_ms: float | None, note: str) -> dict:
    """``summarize``, judged at the 95th percentile: the overlay target is stated there."""
    out = summarize(samples, target_ms, note)
    out["ok"] = None if target_ms is None else out["p95_ms"] <= target_ms
    out["target_at"] = "p95"
    return out


def fill_step_log(ws, journey, version: int, registry: Registry, steps: int, seed: int = 0) -> int:
    """Write ``steps`` live step-log rows for ``journey`` (published as ``version``) and the
    customers, runs and node/edge counters they imply; returns how many runs were written.

    Runs walk the graph from the entry node by the runner's counting rules (arrive: entered and
    active; leave: active down, the edge counted; end: exited; a goal converts every visited
    node), taking a random wired port at each node. Waits log a park line and a wake-up line; one
    run in twenty stays parked at a wait. The last run stops wherever the step budget runs out,
    still active there, so the counters always equal what the rows say."""
    import random
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import insert

    from engine.store.models import CustomerRow, EdgeCounterRow, NodeCounterRow, RunRow, StepRow

    rng = random.Random(seed)
    types = {n.id: n.type for n in journey.nodes}
    out: dict[str, list[tuple[str, str, str]]] = {}  # node -> [(port, edge id, target)]
    for edge in journey.edges:
        out.setdefault(edge.source.node, []).append((edge.source.port, edge.id, edge.target.node))
    entry = next(n.id for n in journey.nodes if registry[n.type].is_entry)
    goals = {n.id for n in journey.nodes if n.type == "orchestrate.goal"}
    runnable = {n.id for n in journey.nodes if registry[n.type].executable}

    counts: dict[str, list[int]] = {}  # node -> [entered, active, exited, converted]
    edge_counts: dict[str, int] = {}
    start = datetime(2026, 1, 1, tzinfo=UTC)
    engine = ws.engine
    left = steps
    run_no = 0
    customers: list[dict] = []
    runs: list[dict] = []
    lines: list[dict] = []

    def node(nid: str, field: int, change: int = 1) -> None:
        counts.setdefault(nid, [0, 0, 0, 0])[field] += change

    def flush(final: bool = False) -> None:
        if not final and len(lines) < _INSERT_BATCH:
            return
        with engine.begin() as conn:
            if customers:
                conn.execute(insert(CustomerRow.__table__), customers)
            if runs:
                conn.execute(insert(RunRow.__table__), runs)
            if lines:
                conn.execute(insert(StepRow.__table__), lines)
        customers.clear()
        runs.clear()
        lines.clear()

    while left > 0:
        run_no += 1
        at = start + timedelta(seconds=run_no)
        run = _Walk(f"bench-run-{run_no:08d}", at, goals, node)
        current = entry
        run.arrive(entry)
        while run.taken < left and run.status == "active":
            if current not in runnable or run.taken > 40:
                run.log(current, None, "the node cannot run")
                node(current, 1, -1)
                node(current, 2)
                run.status = "done"
                break
            wired = out.get(current, [])
            if types[current] in _WAIT_TYPES:
                run.log(current, None, "waiting")
                if rng.random() < 0.05 or run.taken == left:
                    run.status = "waiting"
                    break
            if not wired:
                run.log(current, None, "end")
                node(current, 1, -1)
                node(current, 2)
                run.status = "done"
                break
            port, edge_id, target = rng.choice(wired)
            run.log(current, port, "")
            node(current, 1, -1)
            edge_counts[edge_id] = edge_counts.get(edge_id, 0) + 1
            current = target
            run.arrive(target)
        left -= run.taken
        lines.extend(run.lines)
        customer_id = f"bench-customer-{run_no:08d}"
        customers.append({"id": customer_id, "attributes": {}, "time_zone": None, "consent": {}, "tags": [],
                          "created_at": at, "updated_at": at})
        runs.append({"id": run.id, "journey_id": journey.id, "version_number": version,
                     "customer_id": customer_id, "mode": "live", "node_id": current, "status": run.status,
                     "wake_at": None if run.status == "done" else at, "wait_event": None, "wait_filters": [],
                     "event_port": None, "timeout_port": None, "resume_port": None, "vars": {},
                     "visits": run.visits, "goals": run.reached, "event": {}, "started_at": at,
                     "updated_at": at, "converted": run.converted, "steps": run.taken})
        flush()
    flush(final=True)

    key = {"journey_id": journey.id, "version_number": version, "mode": "live"}
    with engine.begin() as conn:
        conn.execute(insert(NodeCounterRow.__table__),
                     [{**key, "node_id": nid, "entered": c[0], "active": c[1], "exited": c[2], "converted": c[3]}
                      for nid, c in counts.items()])
        if edge_counts:
            conn.execute(insert(EdgeCounterRow.__table__),
                         [{**key, "edge_id": eid, "count": n} for eid, n in edge_counts.items()])
    return run_no


class _Walk:
    """One generated run: its step-log lines and the counter changes of arriving at nodes."""

    def __init__(self, run_id: str, at, goals: set[str], count):
        self.id = run_id
        self.at = at
        self.goals = goals
        self.count = count
        self.visits: list[str] = []
        self.reached: list[str] = []
        self.lines: list[dict] = []
        self.converted = False
        self.status = "active"
        self.taken = 0

    def arrive(self, nid: str) -> None:
        self.count(nid, 0)
        self.count(nid, 1)
        self.visits.append(nid)
        if self.converted:
            self.count(nid, 3)
        if nid in self.goals and nid not in self.reached:
            self.reached.append(nid)
            if not self.converted:
                self.converted = True
                for visited in self.visits:
                    self.count(visited, 3)

    def log(self, nid: str, port: str | None, note: str) -> None:
        self.lines.append({"run_id": self.id, "node_id": nid, "port": port, "at": self.at, "mode": "live",
                           "note": note})
        self.taken += 1
