"""The segment builder's undo: edits of the rules are steps (typing in one field is one), undone
with Ctrl+Z and redone with Ctrl+Shift+Z or Ctrl+Y even from inside a field, and by the buttons
under the rules, whose tooltips say what they would undo."""

from __future__ import annotations

import pytest

from gui.qt import Qt, QtGui, QtWidgets


@pytest.fixture
def builder(qtbot, ws):
    from gui.app import make_application
    from gui.segment_builder import SegmentBuilder

    make_application()
    window = SegmentBuilder(ws)
    window._error = lambda title, text: None
    window._ask_unsaved = lambda name: "discard"
    window._confirm = lambda title, text: True
    window.resize(1280, 800)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QtWidgets.QApplication.activeWindow() is window)
    yield window
    window.shutdown()
    # The last key click leaves Ctrl in the application's keyboard state (it is read from the last
    # key event), which would turn the next test's selections into toggles: release it.
    qtbot.keyRelease(window, Qt.Key.Key_Control)


def _press(qtbot, sequence: str) -> None:
    """Type ``sequence`` where the focus is, as a person would."""
    combination = QtGui.QKeySequence(sequence)[0]
    qtbot.keyClick(QtWidgets.QApplication.focusWidget(), combination.key(), combination.keyboardModifiers())


def _conditions(builder) -> list[dict]:
    return builder.editor.rules()["conditions"]


def test_typing_in_a_field_is_one_step_and_the_keys_undo_it_from_inside_the_field(qtbot, builder):
    row = builder.editor.root.add_condition()  # the name field has the focus now
    qtbot.keyClicks(row.attribute.name, "plan")
    value = row.attribute.value
    value.setFocus()
    qtbot.keyClicks(value, "pro")
    assert _conditions(builder) == [{"kind": "attribute", "attribute": "plan", "operator": "eq", "value": "pro"}]
    assert builder.undo_stack.count() == 3  # add, the name typed, the value typed
    assert builder.act_undo.toolTip() == "Undo: edit condition (Ctrl+Z)"

    _press(qtbot, "Ctrl+Z")  # in the value field: the window's undo, not the field's
    assert _conditions(builder)[0]["value"] == "" and _conditions(builder)[0]["attribute"] == "plan"
    assert "Ctrl+Shift+Z" in builder.act_redo.toolTip() and "Ctrl+Y" in builder.act_redo.toolTip()
    _press(qtbot, "Ctrl+Z")
    assert _conditions(builder)[0]["attribute"] == ""
    _press(qtbot, "Ctrl+Z")
    assert _conditions(builder) == [] and not builder.act_undo.isEnabled()
    assert builder.act_undo.toolTip() == "Nothing to undo in the rules"

    _press(qtbot, "Ctrl+Shift+Z")
    assert len(_conditions(builder)) == 1
    _press(qtbot, "Ctrl+Y")
    _press(qtbot, "Ctrl+Shift+Z")
    assert _conditions(builder) == [{"kind": "attribute", "attribute": "plan", "operator": "eq", "value": "pro"}]
    assert not builder.act_redo.isEnabled()
    assert builder.dirty and builder.state_label.text() == "New segment, not saved yet"


def test_each_change_of_the_tree_is_a_step_named_on_the_buttons(qtbot, builder):
    root = builder.editor.root
    first = root.add_condition()
    first.kind.set_key("tag")
    first.tag.setText("vip")
    group = root.add_group()
    assert builder.undo_button.toolTip() == "Undo: add group (Ctrl+Z)"
    group.match.set_key("all")
    assert builder.undo_button.toolTip() == "Undo: change all/any (Ctrl+Z)"
    event = root.add_condition()
    event.kind.set_key("event")
    event.event.event.setText("order_completed")
    event.event.add_filter()
    assert builder.act_undo.toolTip() == "Undo: add filter (Ctrl+Z)"
    root.match.set_key("any")
    built = builder.editor.rules()
    history = []
    while builder.undo_stack.canUndo():
        history.append(builder.undo_stack.undoText())
        builder.undo_button.click()
    assert history == ["change all/any", "add filter", "edit condition", "edit condition", "add condition",
                       "change all/any", "add group", "edit condition", "edit condition", "add condition"]
    assert _conditions(builder) == [] and builder.editor.rules()["match"] == "all"
    while builder.undo_stack.canRedo():
        builder.redo_button.click()
    assert builder.editor.rules() == built

    # Removing is a step too, and undoing it brings the row back as it was.
    builder.editor.root.remove_item(builder.editor.root.items[1])  # the group
    assert builder.act_undo.toolTip() == "Undo: remove group (Ctrl+Z)"
    builder.act_undo.trigger()
    assert builder.editor.rules() == built


def test_a_saved_segment_starts_without_steps_and_a_save_drops_empty_rows_in_one_step(qtbot, ws, builder):
    builder.name.setText("VIP")
    row = builder.editor.root.add_condition()
    row.kind.set_key("tag")
    row.tag.setText("vip")
    builder.editor.root.add_condition()
    builder.editor.root.add_condition()  # two empty rows
    assert builder.save()
    qtbot.waitUntil(lambda: not builder.busy and builder.current_id is not None and not builder.dirty)
    assert builder.undo_stack.undoText() == "remove empty conditions" and len(_conditions(builder)) == 1
    builder.act_undo.trigger()
    assert len(_conditions(builder)) == 3 and builder.dirty
    builder.act_redo.trigger()
    assert not builder.dirty

    builder.new_segment()
    assert builder.undo_stack.count() == 0 and not builder.act_undo.isEnabled()


def test_the_buttons_that_add_rules_say_what_they_add(builder):
    root = builder.editor.root
    assert "condition" in root.add_condition_button.toolTip()
    assert root.add_group_button.toolTip()
    group = root.add_group()
    remove = [b for b in group.findChildren(QtWidgets.QToolButton) if b.text() == "Remove group"]
    assert remove and remove[0].toolTip()
