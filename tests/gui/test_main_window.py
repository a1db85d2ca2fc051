"""Main window flows: templates, import/export, bad files, autosave and recovery, settings,
publishing, and a workspace that cannot be opened."""

from __future__ import annotations

import json

import pytest

from engine.document import dumps, load
from engine.store.workspace import Workspace
from engine.templates import list_templates
from gui import app as app_module
from gui.app import run_app
from gui.qt import QtWidgets
from tests.gui.conftest import make_window


def test_every_template_opens_from_the_start_page(window, ws):
    keys = [t.key for t in list_templates()]
    assert len(keys) >= 6
    for key in keys:
        window.start_page.templateChosen.emit(key)
        assert window.editor is not None
        assert window.stack.currentWidget() is window.canvas_host
        assert not [i for i in window.editor.issues if i.severity == "error"]
        assert len(window.canvas.nodes) == len(window.editor.journey.nodes)
        assert len(window.canvas.edges) == len(window.editor.journey.edges)
    # each template became its own journey in the workspace
    assert len(ws.list_journeys()) == len(keys)


def test_new_journeys_take_this_computers_time_zone(window, monkeypatch):
    from gui import import_wizard

    monkeypatch.setattr(import_wizard, "system_time_zone", lambda: "Asia/Shanghai")
    window.new_blank()
    assert window.editor.journey.settings.time_zone == "Asia/Shanghai"
    [entry] = window.editor.journey.nodes
    assert entry.title == "Entry"  # as the palette names it (translated in another language)
    window.editor.undo_stack.setClean()
    window.start_page.templateChosen.emit("welcome_series")
    assert window.editor.journey.settings.time_zone == "Asia/Shanghai"


def test_import_bad_files_shows_a_message_and_keeps_everything(window, ws, tmp_path):
    window.start_page.templateChosen.emit("welcome_series")
    window.save_draft()
    before = [j.id for j in ws.list_journeys()]
    bad = tmp_path / "broken.journey.json"
    bad.write_text('{"format_version": 1, "journey": {}, "nodes": [{"id": "a"}], "edges": []}')
    assert window.import_path(str(bad)) is False
    title, text = window.messages[-1]
    assert str(bad) in text and "nodes[0].type" in text
    future = tmp_path / "future.journey.json"
    future.write_text(json.dumps({"format_version": 99, "journey": {}, "nodes": [], "edges": []}))
    assert window.import_path(str(future)) is False
    assert "newer" in window.messages[-1][1]
    assert [j.id for j in ws.list_journeys()] == before
    assert window.editor is not None  # the open journey is still open


def test_export_then_import_round_trips(window, tmp_path):
    window.start_page.templateChosen.emit("birthday_offer")
    path = tmp_path / "birthday.journey.json"
    assert window.export_path(str(path))
    exported = path.read_text(encoding="utf-8")
    assert exported == dumps(window.editor.journey)
    assert window.import_path(str(path))
    # the same file imported into the same workspace gets a new journey id, same content otherwise
    imported = window.editor.journey
    assert imported.id != load(path).id
    assert [n.model_dump() for n in imported.nodes] == [n.model_dump() for n in load(path).nodes]


def test_autosave_and_recovery_after_a_crash(qtbot, tmp_path):
    db = tmp_path / "crash.db"
    ws = Workspace.open(db)
    win = make_window(qtbot, ws)
    win.start_page.templateChosen.emit("win_back")
    win.save_draft()
    jid = win.journey_id
    node = next(n for n in win.editor.journey.nodes if n.type == "orchestrate.exit")
    from engine.commands import RenameNode

    win.editor.execute(RenameNode(node.id, "Renamed before the crash"))
    win.autosave()
    # "crash": drop the window without saving, release the workspace
    win.editor.undo_stack.setClean()
    win.close()
    ws.close()

    ws2 = Workspace.open(db)
    try:
        win2 = make_window(qtbot, ws2)
        win2.open_journey(jid)
        assert win2.editor.journey.node(node.id).title == "Renamed before the crash"
        assert not win2.editor.undo_stack.isClean()  # recovered changes still need saving
        assert win2.save_draft()
        assert ws2.recovery(jid) is None
        assert ws2.load_draft(jid).node(node.id).title == "Renamed before the crash"
        win2.close()
    finally:
        ws2.close()


def test_journey_settings_dialog(window, monkeypatch):
    window.start_page.templateChosen.emit("welcome_series")
    from gui import settings_dialog

    def accept(dialog):
        dialog.name.setText("欢迎系列")
        value = dialog.form.value()
        value["time_zone"] = "Asia/Shanghai"
        dialog.form.set_value(value)
        return True

    monkeypatch.setattr(window, "_run_dialog", accept)
    assert settings_dialog.JourneySettingsDialog  # the dialog class exists and is used
    window.edit_settings()
    assert window.editor.journey.name == "欢迎系列"
    assert window.editor.journey.settings.time_zone == "Asia/Shanghai"
    assert "欢迎系列" in window.windowTitle()
    window.editor.undo_stack.undo()
    assert window.editor.journey.settings.time_zone != "Asia/Shanghai"


def test_publish_refuses_errors_and_stores_a_version(window, ws):
    window.start_page.templateChosen.emit("abandoned_cart")
    window.publish()
    versions = ws.list_versions(window.journey_id)
    assert [v.number for v in versions] == [1]
    # break it: a wait with an invalid duration
    wait = next(n for n in window.editor.journey.nodes if n.type == "orchestrate.wait")
    from engine.commands import SetConfig

    window.editor.execute(SetConfig(wait.id, {"wait": {"kind": "duration", "amount": 0, "unit": "days"}}, "x"))
    window.publish()
    assert window.messages and window.messages[-1][1].startswith("The journey has problems to fix first:\n• ")
    assert f"“{wait.title}”: Wait › Amount must be at least 1" in window.messages[-1][1]  # led by the node
    assert [v.number for v in ws.list_versions(window.journey_id)] == [1]


def test_validation_panel_click_selects_the_node(window):
    window.start_page.templateChosen.emit("welcome_series")
    wait = next(n for n in window.editor.journey.nodes if n.type == "orchestrate.wait")
    from engine.commands import SetConfig

    window.editor.execute(SetConfig(wait.id, {"wait": {"kind": "duration", "amount": 0, "unit": "days"}}, "x"))
    window.editor.revalidate()
    window.validation.issueActivated.emit(wait.id, "")
    assert window.canvas.selected_node_ids() == [wait.id]
    assert window.inspector.form is not None


def test_group_selection_into_a_stage(window):
    window.start_page.templateChosen.emit("welcome_series")
    journey = window.editor.journey
    lane = next(n for n in journey.nodes if n.type == "map.stage")
    other = next(n for n in journey.nodes if n.type.startswith("orchestrate.") and n.stage != lane.id)
    window.canvas.select_nodes([other.id])
    window.group_selection(lane.id)
    assert journey.node(other.id).stage == lane.id
    window.group_selection(None)
    assert journey.node(other.id).stage is None


@pytest.mark.parametrize("content", [b"this is not a database at all" * 100, b"SQLite format 3\x00" + b"\x00" * 300])
def test_damaged_workspace_gives_a_message_not_a_traceback(tmp_path, monkeypatch, content):
    db = tmp_path / "damaged.db"
    db.write_bytes(content)
    shown = []
    monkeypatch.setattr(app_module, "show_startup_error", lambda title, text: shown.append((title, text)))
    assert run_app(workspace=str(db)) == 1
    assert shown and str(db) in shown[0][1]
    assert db.read_bytes() == content  # nothing was written to the damaged file


def test_locked_workspace_gives_a_message(tmp_path, monkeypatch):
    db = tmp_path / "locked.db"
    holder = Workspace.open(db)
    try:
        shown = []
        monkeypatch.setattr(app_module, "show_startup_error", lambda title, text: shown.append((title, text)))
        assert run_app(workspace=str(db)) == 1
        assert shown and "another" in shown[0][1].lower()
    finally:
        holder.close()


def test_invalid_config_in_the_inspector_shows_inline_and_is_reported(window, qtbot):
    window.start_page.templateChosen.emit("welcome_series")
    send = next(n for n in window.editor.journey.nodes if n.type == "orchestrate.send")
    window.canvas.select_nodes([send.id])
    body = window.inspector.form.widget_for("body")
    body.setFocus()
    body.selectAll()
    qtbot.keyClick(body, "a")
    qtbot.keyClick(body, "\b")
    assert window.editor.journey.node(send.id).config["body"] == ""
    assert any("body" in path for path in window.inspector.form.shown_errors())
    window.editor.revalidate()
    assert any(i.node_id == send.id and i.severity == "error" for i in window.editor.issues)
    assert isinstance(window.inspector.form, QtWidgets.QWidget)


def test_nodes_added_from_the_palette_never_pile_up(window):
    window.new_blank()
    for _ in range(6):
        window.palette.addRequested.emit("orchestrate.wait")
    rects = [c.grNode.sceneBoundingRect().adjusted(10, 28, -10, -10) for c in window.canvas.nodes.values()]
    assert len(rects) == 7
    for i, a in enumerate(rects):
        for b in rects[i + 1:]:
            assert not a.intersects(b)


def test_the_toolbar_undo_button_keeps_a_short_label(window, ws):
    from engine.commands import make_node
    from engine.document import Journey
    from engine.spec import default_registry

    note = make_node(default_registry(), "map.note", 0, 0, title="Idea")
    info = ws.create_journey(Journey(name="Labels", nodes=[note]))
    window.open_journey(info.id)
    toolbar = window.findChild(QtWidgets.QToolBar, "toolbar_main")
    button = toolbar.widgetForAction(window.act_undo)
    width = button.sizeHint().width()
    window._on_title_edited(note.id, "A much longer idea")
    window._update_actions()
    assert window.act_undo.isEnabled()
    assert window.act_undo.text().startswith("&Undo ") and window.act_undo.text() != "&Undo"
    assert button.text() == "Undo" and button.sizeHint().width() == width
    assert window.act_undo.toolTip().startswith(window.act_undo.text().replace("&", ""))


def test_publishing_without_changes_says_the_version_stays(window, ws):
    from engine.commands import make_node
    from engine.document import Journey
    from engine.spec import default_registry
    from tests.conftest import connect

    registry = default_registry()
    journey = Journey(name="Welcome")
    entry = make_node(registry, "orchestrate.entry", title="Signed up",
                      config={"trigger": {"kind": "event", "event": "signed_up"}})
    done = make_node(registry, "orchestrate.exit", title="Done")
    journey.nodes += [entry, done]
    connect(journey, entry, "next", done)
    ws.create_journey(journey)
    window.open_journey(journey.id)
    window.publish()
    assert window.statusBar().currentMessage() == "Published version 1"
    window.publish()
    assert window.statusBar().currentMessage() == "Nothing changed since version 1: it stays the latest"
    assert [v.number for v in ws.list_versions(journey.id)] == [1]
