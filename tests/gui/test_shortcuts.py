"""Keyboard: redo answers Ctrl+Shift+Z and Ctrl+Y in the main window and the Profiles window, no
action lists a key twice or shares one with another action of its window, and every menu's
accelerators are unique in English and in Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gui.qt import QtCore, QtGui, QtWidgets
from tests.gui.conftest import show_profile

TRANSLATIONS = Path(__file__).resolve().parents[2] / "resources" / "translations"


def _keys(action: QtGui.QAction) -> list[str]:
    return [s.toString(QtGui.QKeySequence.SequenceFormat.PortableText) for s in action.shortcuts()]


def _clashes(window: QtWidgets.QWidget) -> tuple[list, dict]:
    """Actions of ``window`` listing a key twice, and keys held by more than one of its actions."""
    twice, owners = [], {}
    for action in window.actions():
        keys = _keys(action)
        if len(keys) != len(set(keys)):
            twice.append((action.text(), keys))
        for key in set(keys):
            owners.setdefault(key, []).append(action.text())
    return twice, {key: names for key, names in owners.items() if len(names) > 1}


def _press(qtbot, window: QtWidgets.QWidget, sequence: str) -> None:
    """Type ``sequence`` (``Ctrl+Shift+Z``) into the window, as a person would."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QtWidgets.QApplication.activeWindow() is window)
    combination = QtGui.QKeySequence(sequence)[0]
    target = QtWidgets.QApplication.focusWidget() or window
    qtbot.keyClick(target, combination.key(), combination.keyboardModifiers())


def test_the_redo_action_of_the_main_window_lists_both_keys_once(window):
    keys = _keys(window.act_redo)
    assert "Ctrl+Shift+Z" in keys and "Ctrl+Y" in keys
    assert "Backspace" in _keys(window.act_delete)  # beside the platform's delete key
    twice, shared = _clashes(window)
    assert not twice and not shared


@pytest.mark.parametrize("sequence", ["Ctrl+Shift+Z", "Ctrl+Y"])
def test_each_redo_key_redoes_in_the_main_window(qtbot, window, ws, sequence):
    from engine.commands import make_node
    from engine.document import Journey
    from engine.spec import default_registry

    note = make_node(default_registry(), "map.note", 0, 0, title="Idea")
    info = ws.create_journey(Journey(name="Keys", nodes=[note]))
    window.open_journey(info.id)
    window._on_title_edited(note.id, "Better idea")
    window.undo()
    assert window.editor.journey.node(note.id).title == "Idea"
    window.canvas.view.setFocus()
    messages = []
    QtCore.qInstallMessageHandler(lambda _mode, _context, text: messages.append(text))
    try:
        _press(qtbot, window, sequence)
    finally:
        QtCore.qInstallMessageHandler(None)
    assert window.editor.journey.node(note.id).title == "Better idea"
    assert not [m for m in messages if "Ambiguous" in m]


@pytest.mark.parametrize("sequence", ["Ctrl+Shift+Z", "Ctrl+Y"])
def test_each_redo_key_redoes_in_the_profiles_window(qtbot, ws, profiles, sequence):
    customer = ws.upsert_customer({"email": "ann@example.com"}, {"name": "Ann Lee"})
    show_profile(qtbot, profiles, customer)
    keys = _keys(profiles.act_redo)
    assert "Ctrl+Shift+Z" in keys and "Ctrl+Y" in keys
    twice, shared = _clashes(profiles)
    assert not twice and not shared
    profiles.set_attribute("plan", "pro")
    assert profiles.dirty
    profiles.act_undo.trigger()
    assert not profiles.dirty
    profiles.results.setFocus()
    _press(qtbot, profiles, sequence)
    assert profiles.dirty


def _mnemonic(text: str) -> str | None:
    match = re.search(r"&([^&])", text.replace("&&", ""))
    return match.group(1).casefold() if match else None


def _menu_clashes(window: QtWidgets.QMainWindow) -> list[tuple[str, str, list[str]]]:
    """(menu, letter, texts) for each letter two entries of one menu (or of the menu bar) share."""
    found = []
    menus = [("menu bar", window.menuBar().actions())]
    menus += [(a.text(), a.menu().actions()) for a in window.menuBar().actions() if a.menu() is not None]
    for title, actions in menus:
        by_letter: dict[str, list[str]] = {}
        for action in actions:
            if action.isSeparator() or not action.isVisible():
                continue
            letter = _mnemonic(action.text())
            if letter is not None:
                by_letter.setdefault(letter, []).append(action.text())
        found += [(title, letter, texts) for letter, texts in by_letter.items() if len(texts) > 1]
    return found


def test_every_menu_has_unique_accelerators(window):
    window.start_page.templateChosen.emit("welcome_series")  # the undo and redo entries name an edit
    assert not _menu_clashes(window)
    journey = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Journey")
    letters = [_mnemonic(a.text()) for a in journey.actions() if not a.isSeparator()]
    assert all(letters)


def test_every_menu_has_unique_accelerators_in_chinese(qtbot, tmp_path):
    from engine.spec import default_registry
    from engine.store.workspace import Workspace
    from gui.app import make_application
    from gui.main_window import MainWindow

    app = make_application()
    translator = QtCore.QTranslator()
    assert translator.load(QtCore.QLocale("zh_CN"), "journey_studio", "_", str(TRANSLATIONS))
    app.installTranslator(translator)
    ws = Workspace.open(tmp_path / "workspace.db")
    try:
        win = MainWindow(ws, default_registry())
        qtbot.addWidget(win)
        assert win.act_settings.text() != "Journey se&ttings…"  # translated
        assert not _menu_clashes(win)
        win.close()
    finally:
        app.removeTranslator(translator)
        ws.close()

