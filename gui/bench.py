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


def run_editor(nodes: int = DEFAULT_NODES, open_repeats: int = 7, repaint_repeats: int = 60, seed: int = 0,
               registry: Registry | None = None) -> dict[str, dict]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from engine.spec import default_registry
    from engine.store.workspace import Workspace
    from gui.app import make_application
    from gui.main_window import MainWindow

    app = make_application()
    previous_handler = QtCore.qInstallMessageHandler(_quiet_offscreen)
    reg = registry or default_registry()
    journey = make_large_journey(nodes, seed, reg)
    results: dict[str, dict] = {}

    with tempfile.TemporaryDirectory(prefix="journey-studio-bench-") as tmp:
        ws = Workspace.open(Path(tmp) / "workspace.db")
        window = MainWindow(ws, reg)
        # a dialog would wait for a click that never comes: fail loudly instead
        window._ask_save = lambda name: "discard"

        def refuse(title: str, text: str) -> None:
            raise RuntimeError(f"{title}: {text}")

        window._error = refuse
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
