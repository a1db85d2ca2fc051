"""GUI test set-up: offscreen Qt, and a main window on a throw-away workspace whose modal
questions are answered in code (a dialog would block an offscreen run)."""

import contextlib
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


def make_window(qtbot, ws):
    """A shown 1280×800 main window on ``ws``: unsaved changes are discarded, crash recovery is
    accepted, and error messages are collected in ``win.messages`` instead of shown."""
    from engine.spec import default_registry
    from gui.app import make_application
    from gui.main_window import MainWindow

    make_application()
    win = MainWindow(ws, default_registry())
    win.messages = []
    win._ask_save = lambda name: "discard"
    win._ask_recover = lambda name: True
    win._error = lambda title, text: win.messages.append((title, text))
    win.resize(1280, 800)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def ws(tmp_path):
    from engine.store.workspace import Workspace

    workspace = Workspace.open(tmp_path / "workspace.db")
    yield workspace
    workspace.close()


@pytest.fixture
def window(qtbot, ws):
    win = make_window(qtbot, ws)
    yield win
    if win.editor is not None:
        win.editor.undo_stack.setClean()
    win.close()


@contextlib.contextmanager
def journey_window(qtbot, ws, journey_id: str):
    """A main window (:func:`make_window`) with the journey open and the pickers' choices read;
    closed, its edits discarded, at the end."""
    win = make_window(qtbot, ws)
    try:
        win.open_journey(journey_id)
        qtbot.waitUntil(lambda: win._picker_choices is not None, timeout=10_000)
        yield win
    finally:
        if win.editor is not None:
            win.editor.undo_stack.setClean()
        win.close()
