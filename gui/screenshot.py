"""``journey-studio screenshot``: render the main screens to PNG files, offscreen.

Used for the README and docs, and by people checking how a change looks without a display.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def take_screenshots(out: str | os.PathLike, template: str = "abandoned_cart", width: int = 1280,
                     height: int = 800) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from engine.spec import default_registry
    from engine.store.workspace import Workspace
    from gui.app import make_application
    from gui.main_window import MainWindow
    from gui.qt import QtCore, QtWidgets

    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    app = make_application()
    written: list[Path] = []

    def settle() -> None:
        for _ in range(5):
            app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 50)

    def shot(widget: QtWidgets.QWidget, name: str) -> None:
        settle()
        path = out_dir / name
        widget.grab().save(str(path))
        written.append(path)

    with tempfile.TemporaryDirectory(prefix="journey-studio-shot-") as tmp:
        ws = Workspace.open(Path(tmp) / "workspace.db")
        try:
            window = MainWindow(ws, default_registry())
            window.resize(width, height)
            window.show()
            shot(window, "start_page.png")
            window.new_from_template(template)
            settle()
            shot(window, "editor.png")
            # the inspector with the first message node (or any node) selected
            journey = window.editor.journey
            sends = sorted((n for n in journey.nodes if n.type == "orchestrate.send"),
                           key=lambda n: (n.position.x, n.position.y))
            pick = sends[0] if sends else journey.nodes[0]
            window.canvas.select_nodes([pick.id], center=True)
            shot(window, "inspector.png")
            window.editor.undo_stack.setClean()
            window.close()
        finally:
            ws.close()
    return written
