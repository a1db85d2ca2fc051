"""``journey-studio screenshot``: render the main screens to PNG files, offscreen.

Used for the README and docs, and by people checking how a change looks without a display.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def take_screenshots(out: str | os.PathLike, template: str = "abandoned_cart", width: int = 1280,
                     height: int = 800) -> list[Path]:
    from engine.errors import JourneyStudioError
    from engine.templates import load_template

    if width < 640 or height < 480 or width > 7680 or height > 4320:
        raise JourneyStudioError(f"a screenshot size of {width}×{height} is not supported; use at least "
                                 f"640×480 and at most 7680×4320")
    load_template(template)  # an unknown template is a clear error before any window opens
    out_dir = Path(out)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise JourneyStudioError(f"cannot create the folder: {exc.strerror or exc}", where=str(out_dir)) from None
    if not os.access(out_dir, os.W_OK):
        raise JourneyStudioError("the folder is not writable", where=str(out_dir))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from engine.spec import default_registry
    from engine.store.workspace import Workspace
    from gui.app import make_application
    from gui.main_window import MainWindow
    from gui.qt import QtCore, QtWidgets

    app = make_application()
    written: list[Path] = []

    def settle() -> None:
        for _ in range(5):
            app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 50)
            QtCore.QThread.msleep(5)

    def shot(widget: QtWidgets.QWidget, name: str) -> None:
        settle()
        path = out_dir / name
        if not widget.grab().save(str(path)):
            raise JourneyStudioError("cannot write the image", where=str(path))
        written.append(path)

    with tempfile.TemporaryDirectory(prefix="journey-studio-shot-") as tmp:
        ws = Workspace.open(Path(tmp) / "workspace.db")
        try:
            window = MainWindow(ws, default_registry())
            problems: list[str] = []
            # no one can click a message box here: collect the message and fail with it instead
            window._error = lambda title, text: problems.append(f"{title}: {text}")
            window._ask_save = lambda name: "discard"
            window.resize(width, height)
            window.show()
            shot(window, "start_page.png")
            window.new_from_template(template)
            if problems or window.editor is None:
                raise JourneyStudioError(problems[0] if problems else f"cannot open template '{template}'")
            settle()
            shot(window, "editor.png")
            # the inspector with the first message node (or any node) selected
            journey = window.editor.journey
            sends = sorted((n for n in journey.nodes if n.type == "orchestrate.send"),
                           key=lambda n: (n.position.x, n.position.y))
            pick = sends[0] if sends else journey.nodes[0]
            window.canvas.select_nodes([pick.id], center=True)
            shot(window, "inspector.png")
            written.append(_simulation_shot(window, app, out_dir, settle))
            window.editor.undo_stack.setClean()
            window.close()
        finally:
            ws.close()
    return written


def _simulation_shot(window, app, out_dir: Path, settle) -> Path:
    """The editor with the overlays of a simulation stopped half-way through its days."""
    import time

    from engine.errors import JourneyStudioError
    from gui.qt import QtCore

    panel = window.run_panel
    panel.customers.setValue(20_000)  # long enough to stop half-way
    window.canvas.select_nodes([])
    window.simulate()
    worker = panel._worker
    if worker is not None:
        # stop half-way, from the worker's own thread: the picture shows a run in progress
        worker.progressed.connect(lambda p: worker.cancel() if p >= 0.5 else None,
                                  QtCore.Qt.ConnectionType.DirectConnection)
    deadline = time.monotonic() + 120
    while panel.running and time.monotonic() < deadline:
        app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 20)
    if panel.running or panel.last_result is None:
        raise JourneyStudioError("the simulation for the screenshot did not finish")
    done = panel.progress.value() / 1000
    panel.summary.setText(panel.tr("Simulating… day %1 of %2").replace("%1", str(round(done * panel.days.value())))
                          .replace("%2", str(panel.days.value())))
    settle()
    path = out_dir / "simulation.png"
    window.grab().save(str(path))
    return path
