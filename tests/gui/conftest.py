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


@pytest.fixture
def profiles(qtbot, ws):
    """A 1280×800 Profiles window on ``ws`` whose questions are answered in code: erasing is
    confirmed (``answer_erase``), unsaved edits get ``unsaved_answer`` ("discard"), export paths
    come from ``exports``; questions asked and errors shown are collected."""
    from gui.app import make_application
    from gui.profiles_window import ProfilesWindow

    make_application()
    window = ProfilesWindow(ws)
    window.messages = []
    window.exports = []
    window.erase_questions = []
    window.answer_erase = True
    window.unsaved_answer = "discard"
    window.unsaved_questions = []
    window._error = lambda title, text: window.messages.append((title, text))

    def ask_unsaved(name):
        window.unsaved_questions.append(name)
        return window.unsaved_answer

    def confirm(name, summary):
        window.erase_questions.append((name, summary))
        return window.answer_erase

    window._ask_unsaved = ask_unsaved
    window._ask_export_path = lambda suggested: window.exports.pop(0) if window.exports else ""
    window._confirm_erase = confirm
    window.resize(1280, 800)
    qtbot.addWidget(window)
    yield window
    window.shutdown()


def search_profiles(qtbot, window, text: str) -> None:
    """Show the Profiles window and wait for the answer to a search for ``text``."""
    window.show()
    window.search_box.setText(text)
    window.run_search()
    qtbot.waitUntil(lambda: not window.busy and window.count_label.text() != window.tr("Searching…"))


def show_profile(qtbot, window, customer_id: str) -> None:
    """Show the Profiles window and wait until it shows ``customer_id``."""
    window.show()
    window.show_customer(customer_id)
    qtbot.waitUntil(lambda: not window.busy and window.profile is not None
                    and window.profile.customer.id == customer_id)


@pytest.fixture
def wizard_for(qtbot, ws):
    """``make(kind, path)``: a shown 1280×800 import wizard for a file; shut down at the end."""
    from gui.app import make_application
    from gui.import_wizard import ImportWizard

    made = []

    def make(kind: str, path):
        make_application()
        wizard = ImportWizard(ws, kind, str(path))
        qtbot.addWidget(wizard)
        wizard.resize(1280, 800)
        wizard.show()
        qtbot.waitExposed(wizard)
        made.append(wizard)
        return wizard

    yield make
    for wizard in made:
        wizard.shutdown()


@pytest.fixture
def mapping_page_for(qtbot, ws):
    """A wizard on the Columns page of an events file."""
    from gui.app import make_application
    from gui.import_wizard import ImportWizard

    made = []

    def make(path):
        make_application()
        wizard = ImportWizard(ws, "events", str(path))
        qtbot.addWidget(wizard)
        wizard.resize(1280, 800)
        wizard.show()
        qtbot.waitExposed(wizard)
        made.append(wizard)
        wizard.next()
        wizard.next()
        assert wizard.currentId() == ImportWizard.PAGE_MAPPING
        return wizard

    yield make
    for wizard in made:
        wizard.shutdown()
