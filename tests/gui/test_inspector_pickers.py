"""The inspector's segment, event and write-key pickers: segments shown by name and kept by id, a
value naming nothing the workspace has said so under the field, links to the windows that make
them, and the main window feeding the pickers (and the canvas's segment names) from the workspace."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, Field

from engine.commands import make_node
from engine.document import Edge, Journey, Node, PortRef, new_id
from engine.spec import default_registry
from engine.track import collector_keys
from engine.track.choices import EventChoice, SegmentChoice
from engine.track.segments import SegmentStore
from gui.forms import ConfigForm
from gui.inspector import Inspector
from gui.qt import Qt
from nodes.common import widget
from tests.gui.conftest import journey_window

CONDITION = default_registry().get("orchestrate.condition")
VIP = SegmentChoice("5b1e0c7e-1111-4a5e-9d1c-000000000001", "VIP customers", 12, "Spent over 1,000")
LAPSED = SegmentChoice("5b1e0c7e-1111-4a5e-9d1c-000000000002", "Lapsed", 0)


class KeyConfig(BaseModel):
    write_key_ref: str = Field("", json_schema_extra=widget("write_key"))
    event: str = Field("", json_schema_extra=widget("event"))


def _segment_form(qtbot, segment_id: str = "") -> ConfigForm:
    form = ConfigForm(CONDITION.config_model, {"check": {"kind": "segment", "segment_id": segment_id}})
    qtbot.addWidget(form)
    form.show()
    return form


def _edits(form: ConfigForm) -> list[dict]:
    seen: list[dict] = []
    form.edited.connect(lambda _path, config: seen.append(config))
    return seen


def test_segments_are_shown_by_name_and_kept_by_id(qtbot):
    form = _segment_form(qtbot, VIP.id)
    picker = form.editor("check.segment_id")
    combo = picker.combo
    assert combo.currentText() == VIP.id  # before the workspace's segments are known
    assert not picker.status_text()  # nothing is said until the choices arrive
    form.set_choices("segment", [LAPSED, VIP])
    assert [combo.itemText(i) for i in range(combo.count())] == ["Lapsed", "VIP customers"]
    assert combo.currentText() == "VIP customers"
    assert combo.itemData(1, 3) == "VIP customers\nSpent over 1,000"  # tooltip role: full name, description
    assert form.value()["check"]["segment_id"] == VIP.id
    seen = _edits(form)
    combo.setCurrentIndex(0)
    combo.activated.emit(0)
    assert seen[-1]["check"]["segment_id"] == LAPSED.id
    combo.lineEdit().clear()
    qtbot.keyClicks(combo.lineEdit(), "VIP customers")
    assert seen[-1]["check"]["segment_id"] == VIP.id  # a name typed in full is that segment


def test_a_segment_the_workspace_lacks_is_named_under_the_field(qtbot):
    form = _segment_form(qtbot, "deleted-one")
    picker = form.editor("check.segment_id")
    form.set_choices("segment", [VIP])
    assert "No saved segment “deleted-one”" in picker.status_text()
    form.set_value({"check": {"kind": "segment", "segment_id": VIP.id}})
    assert picker.status_text() == ""
    form.set_choices("segment", [])  # the segment was deleted since
    assert "No saved segment" in picker.status_text()


def test_manage_links_ask_for_their_windows(qtbot):
    form = _segment_form(qtbot)
    asked: list[str] = []
    form.requested.connect(asked.append)
    form.editor("check.segment_id").manage.click()
    keys = ConfigForm(KeyConfig, {})
    qtbot.addWidget(keys)
    keys.requested.connect(asked.append)
    keys.editor("write_key_ref").manage.click()
    assert asked == ["manage_segments", "manage_write_keys"]
    assert keys.editor("event").manage is None  # any event name may be typed: no window makes them


def test_write_key_picker_offers_names_and_warns_of_an_unknown_one(qtbot):
    form = ConfigForm(KeyConfig, {"write_key_ref": "web"})
    qtbot.addWidget(form)
    form.show()
    picker = form.editor("write_key_ref")
    assert picker.combo.lineEdit().placeholderText() == "Any write key"
    form.set_choices("write_key", ["app", "web"])
    assert [picker.combo.itemText(i) for i in range(picker.combo.count())] == ["app", "web"]
    assert picker.status_text() == ""
    form.set_choices("write_key", ["app"])
    assert "no write key named “web”" in picker.status_text()
    form.set_value({"write_key_ref": ""})
    assert picker.status_text() == ""  # empty: every key


def test_event_picker_says_where_each_name_was_seen(qtbot):
    form = ConfigForm(KeyConfig, {})
    qtbot.addWidget(form)
    form.set_choices("event", [EventChoice("Order Completed", True, True), EventChoice("page", False, True),
                               EventChoice("Refund", True, False)])
    combo = form.editor("event").combo
    tips = [combo.itemData(i, 3) for i in range(combo.count())]
    assert tips == ["Declared in the tracking plan and received", "Received; not declared in the tracking plan",
                    "Declared in the tracking plan; none received yet"]
    seen = _edits(form)
    combo.setCurrentIndex(2)
    combo.activated.emit(2)
    assert seen[-1]["event"] == "Refund"


def test_main_window_feeds_the_pickers_and_the_canvas_from_the_workspace(qtbot, ws):
    registry = default_registry()
    vip = SegmentStore(ws).create("VIP customers")
    ws.ingest_event({"user_id": "u1"}, "Order Completed", occurred_at=datetime(2025, 5, 1, tzinfo=UTC))
    collector_keys.add_key(ws, "web")
    check = make_node(registry, "orchestrate.condition", 0, 0,
                      config={"check": {"kind": "segment", "segment_id": vip.id}})
    declared = make_node(registry, "track.event", 300, 0,
                         config={"event_name": "Refund Issued", "description": "", "source": "", "properties": []})
    info = ws.create_journey(Journey(name="Pickers", nodes=[check, declared]))
    with journey_window(qtbot, ws, info.id) as win:
        assert win.canvas.nodes[check.id].summary_text == "If in segment “VIP customers”"
        win.canvas.select_nodes([check.id])
        picker = win.inspector.form.editor("check.segment_id")
        assert picker.combo.currentText() == "VIP customers"
        assert win.inspector.form.value()["check"]["segment_id"] == vip.id
        events = [c.name for c in win.inspector._choices["event"]]
        assert events == ["Order Completed", "Refund Issued"]
        assert win.inspector._choices["write_key"] == ["web"]

        # A segment saved elsewhere reaches the pickers once the builder says so.
        win.show_segments()
        other = SegmentStore(ws).create("Lapsed")
        win.segment_builder.segmentsChanged.emit()
        qtbot.waitUntil(lambda: any(c.id == other.id for c in win.inspector._choices["segment"]), timeout=10_000)
        SegmentStore(ws).update(vip.id, name="Best customers")
        win.refresh_picker_choices()
        qtbot.waitUntil(lambda: win.canvas.nodes[check.id].summary_text == "If in segment “Best customers”",
                        timeout=10_000)
        assert win.editor.journey.node(check.id).config["check"]["segment_id"] == vip.id  # the document keeps the id

        win.segment_builder.hide()
        picker = win.inspector.form.editor("check.segment_id")
        picker.manage.click()
        assert win.segment_builder.isVisible()


def test_a_missing_segment_is_a_problem_and_refuses_publishing(qtbot, ws):
    registry = default_registry()
    entry = make_node(registry, "orchestrate.entry", 0, 0, title="Lapsed buyers",
                      config={"trigger": {"kind": "segment", "rules": [], "match": "all", "segment_id": "gone-id"}})
    done = make_node(registry, "orchestrate.exit", 300, 0, config={})
    info = ws.create_journey(Journey(name="Win back", nodes=[entry, done], edges=[
        Edge(id=new_id(), source=PortRef(node=entry.id, port="next"), target=PortRef(node=done.id, port="in"))]))
    with journey_window(qtbot, ws, info.id) as win:
        listed = [i for i in win.validation.issues() if i.code == "segment_missing"]
        assert [(i.node_id, i.field) for i in listed] == [(entry.id, "trigger.segment_id")]
        win.publish()
        title, text = win.messages[-1]
        assert title == "Not published"
        assert '• "Lapsed buyers" names a saved segment that this workspace does not have' in text
        assert ws.list_versions(info.id) == []

        saved = SegmentStore(ws).create("Lapsed")
        win.canvas.select_nodes([entry.id])
        win.inspector.form.set_choices("segment", [SegmentChoice(saved.id, "Lapsed", 0)])
        combo = win.inspector.form.editor("trigger.segment_id").combo
        combo.setCurrentIndex(0)
        combo.activated.emit(0)
        assert win.editor.journey.node(entry.id).config["trigger"]["segment_id"] == saved.id
        win.refresh_picker_choices()
        qtbot.waitUntil(lambda: not [i for i in win.validation.issues() if i.code == "segment_missing"],
                        timeout=10_000)
        win.publish()
        assert [v.number for v in ws.list_versions(info.id)] == [1]


def test_a_source_naming_a_missing_write_key_is_a_warning_in_problems(qtbot, ws):
    registry = default_registry()
    collector_keys.add_key(ws, "web")
    app = make_node(registry, "track.source", 0, 0, title="Mini program",
                    config={"name": "Mini program", "source": {"kind": "collector", "protocol": "sensors",
                                                               "write_key_ref": "app"}})
    site = make_node(registry, "track.source", 0, 200, title="Website",
                     config={"name": "Website", "source": {"kind": "collector", "protocol": "segment",
                                                           "write_key_ref": " web "}})
    info = ws.create_journey(Journey(name="Sources", nodes=[app, site]))
    with journey_window(qtbot, ws, info.id) as win:
        listed = [i for i in win.validation.issues() if i.code == "write_key_missing"]
        assert [(i.severity, i.node_id, i.field) for i in listed] == [("warning", app.id, "source.write_key_ref")]
        assert listed[0].message.startswith('"Mini program" counts the events sent with the write key “app”')
        collector_keys.add_key(ws, "app")
        win.refresh_picker_choices()
        qtbot.waitUntil(lambda: not [i for i in win.validation.issues() if i.code == "write_key_missing"],
                        timeout=10_000)


def test_a_long_node_description_starts_folded_to_its_first_sentence(qtbot):
    inspector = Inspector()
    qtbot.addWidget(inspector)
    inspector.resize(300, 700)
    inspector.show()
    spec = default_registry().get("track.source")
    node = make_node(default_registry(), "track.source", 0, 0)
    inspector.show_node(node, spec)
    label = inspector.header.description
    first = spec.description.partition(". ")[0]
    assert first in label.text() and spec.description not in label.text() and "More…" in label.text()
    assert label.toolTip() == spec.description
    label.linkActivated.emit("more")
    assert spec.description in label.text() and "Less" in label.text()
    label.linkActivated.emit("less")
    assert "More…" in label.text()


# -- typing, matching and the keyboard --------------------------------------------------------

GOAL = default_registry().get("orchestrate.goal")
CASED = SegmentChoice("5b1e0c7e-1111-4a5e-9d1c-000000000003", "vip customers", 3)


def _focus(qtbot, form: ConfigForm, widget) -> None:
    with qtbot.waitActive(form):
        form.activateWindow()
    widget.setFocus()
    assert widget.hasFocus()


def test_an_event_name_typed_with_a_space_survives_each_refresh(qtbot):
    """The inspector loads the normalised config back after every keystroke; the event field
    strips whitespace, which must not swallow the space the user just typed."""
    insp = Inspector()
    qtbot.addWidget(insp)
    node = Node(id=new_id(), type=GOAL.type_key, config={"name": "", "event": "", "filters": []})
    insp.show_node(node, GOAL)
    insp.set_choices("event", [EventChoice("Order Created", True, True)])

    def apply(_node_id: str, _path: str, config: dict) -> None:
        node.config = config
        insp.refresh(node)

    insp.configEdited.connect(apply)
    edit = insp.form.editor("event").combo.lineEdit()
    qtbot.keyClicks(edit, "Order Completed")
    assert edit.text() == "Order Completed"
    assert node.config["event"] == "Order Completed"


def test_a_name_typed_in_another_case_picks_its_own_item(qtbot):
    form = _segment_form(qtbot)
    form.set_choices("segment", [VIP, CASED])
    seen = _edits(form)
    edit = form.editor("check.segment_id").combo.lineEdit()
    qtbot.keyClicks(edit, "vip customers")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert form.value()["check"]["segment_id"] == CASED.id
    assert seen[-1]["check"]["segment_id"] == CASED.id

    keys = ConfigForm(KeyConfig, {})
    qtbot.addWidget(keys)
    keys.show()
    keys.set_choices("write_key", ["Web", "web"])
    edit = keys.editor("write_key_ref").combo.lineEdit()
    qtbot.keyClicks(edit, "web")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert keys.value()["write_key_ref"] == "web"


def test_a_name_typed_with_surrounding_spaces_is_that_item(qtbot):
    form = _segment_form(qtbot)
    form.set_choices("segment", [LAPSED, VIP])
    picker = form.editor("check.segment_id")
    seen = _edits(form)
    qtbot.keyClicks(picker.combo.lineEdit(), "VIP customers ")
    assert seen[-1]["check"]["segment_id"] == VIP.id
    assert picker.status_text() == ""

    keys = ConfigForm(KeyConfig, {"write_key_ref": " web "})
    qtbot.addWidget(keys)
    keys.show()
    keys.set_choices("write_key", ["app", "web"])
    picker = keys.editor("write_key_ref")
    assert picker.status_text() == ""
    keys.set_value({"write_key_ref": "web "})
    assert picker.status_text() == ""


def test_the_arrow_keys_move_on_from_the_chosen_item(qtbot):
    third = SegmentChoice("5b1e0c7e-1111-4a5e-9d1c-000000000004", "Weekend shoppers", 5)
    form = _segment_form(qtbot, VIP.id)
    seen = _edits(form)
    picker = form.editor("check.segment_id")
    combo = picker.combo
    form.set_choices("segment", [LAPSED, VIP, third])
    assert combo.currentIndex() == 1 and combo.currentText() == "VIP customers"
    form.set_value({"check": {"kind": "segment", "segment_id": LAPSED.id}})
    assert combo.currentIndex() == 0 and combo.currentText() == "Lapsed"
    form.set_value({"check": {"kind": "segment", "segment_id": "gone"}})
    assert combo.currentIndex() == -1 and combo.currentText() == "gone"
    form.set_value({"check": {"kind": "segment", "segment_id": VIP.id}})
    assert seen == []  # showing values is not an edit
    _focus(qtbot, form, combo)
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == "Weekend shoppers"
    assert seen[-1]["check"]["segment_id"] == third.id

    keys = ConfigForm(KeyConfig, {"write_key_ref": "app"})
    qtbot.addWidget(keys)
    keys.show()
    keys.set_choices("write_key", ["app", "shop", "web"])
    combo = keys.editor("write_key_ref").combo
    assert combo.currentIndex() == 0
    _focus(qtbot, keys, combo)
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert keys.value()["write_key_ref"] == "shop"


def test_a_missing_write_key_is_said_in_the_words_of_how_keys_work(qtbot):
    form = ConfigForm(KeyConfig, {"write_key_ref": "web"})
    qtbot.addWidget(form)
    form.show()
    form.set_choices("write_key", ["app"])
    assert form.editor("write_key_ref").status_text() == (
        "This workspace has no write key named “web”: this source counts no events until a key of that "
        "name is made under Manage write keys.")


def test_a_segment_tooltip_gives_its_full_name_and_description(qtbot):
    form = _segment_form(qtbot)
    form.set_choices("segment", [LAPSED, VIP])
    combo = form.editor("check.segment_id").combo
    tips = [combo.itemData(i, Qt.ItemDataRole.ToolTipRole) for i in range(combo.count())]
    assert tips == ["Lapsed", "VIP customers\nSpent over 1,000"]


def test_empty_choices_say_so_in_the_placeholder(qtbot):
    form = _segment_form(qtbot)
    picker = form.editor("check.segment_id")
    line = picker.combo.lineEdit()
    assert line.placeholderText() == "Choose a saved segment"  # not known yet
    assert picker.status_text() == ""
    form.set_choices("segment", [])
    assert line.placeholderText() == "No saved segments yet"
    assert picker.status_text() == "Build one under Manage segments."
    form.set_choices("segment", [VIP])
    assert line.placeholderText() == "Choose a saved segment"
    assert picker.status_text() == ""

    keys = ConfigForm(KeyConfig, {})
    qtbot.addWidget(keys)
    line = keys.editor("write_key_ref").combo.lineEdit()
    keys.set_choices("write_key", [])
    assert line.placeholderText() == "No write keys yet: any key counts"
    assert keys.editor("write_key_ref").status_text() == ""
    keys.set_choices("write_key", ["web"])
    assert line.placeholderText() == "Any write key"


def test_a_name_being_typed_is_not_called_missing_until_it_matches_nothing(qtbot):
    form = _segment_form(qtbot)
    form.set_choices("segment", [LAPSED, VIP])
    picker = form.editor("check.segment_id")
    combo = picker.combo
    _focus(qtbot, form, combo)
    said: list[str] = []
    for key in "VIP":
        qtbot.keyClick(combo, key)
        said.append(picker.status_text())
    assert combo.currentText() == "VIP"  # suggestions are listed below, not typed ahead
    assert said == ["", "", ""]
    combo.completer().popup().hide()
    combo.clearFocus()
    assert "No saved segment “VIP”" in picker.status_text()  # left unfinished: now it is said
    _focus(qtbot, form, combo)
    qtbot.keyClick(combo, "x")
    assert "No saved segment “VIPx”" in picker.status_text()  # no saved name starts so


def test_each_choice_picked_from_a_list_is_an_undo_step_of_its_own(qtbot, ws):
    registry = default_registry()
    store = SegmentStore(ws)
    first, second = store.create("Newsletter subscribers"), store.create("VIP customers")
    check = make_node(registry, "orchestrate.condition", 0, 0, config={"check": {"kind": "segment", "segment_id": ""}})
    info = ws.create_journey(Journey(name="Undo", nodes=[check]))
    with journey_window(qtbot, ws, info.id) as win:
        win.canvas.select_nodes([check.id])

        def pick(name: str) -> None:
            combo = win.inspector.form.editor("check.segment_id").combo
            index = combo.findText(name)
            combo.setCurrentIndex(index)
            combo.activated.emit(index)

        def chosen() -> str:
            return win.editor.journey.node(check.id).config["check"]["segment_id"]

        before = win.editor.undo_stack.count()
        pick("Newsletter subscribers")
        pick("VIP customers")
        assert chosen() == second.id
        assert win.editor.undo_stack.count() == before + 2
        assert win.editor.undo_stack.undoText() == "Edit Segment"  # the field as the inspector names it
        config = {"check": {"kind": "consent", "channel_kind": "sms"}}
        win._on_config_edited(check.id, "check.kind", config)  # the variant's drop-down: its union's title
        assert win.editor.undo_stack.undoText() == "Edit Condition"
        win.editor.undo_stack.undo()
        win.editor.undo_stack.undo()
        assert chosen() == first.id
        win.editor.undo_stack.undo()
        assert chosen() == ""


def test_a_new_name_that_begins_an_existing_one_is_kept_as_typed(qtbot):
    form = ConfigForm(KeyConfig, {})
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    form.set_choices("event", [EventChoice("Order Completed", False, True)])
    seen = _edits(form)
    combo = form.editor("event").combo
    combo.setFocus()
    qtbot.keyClicks(combo.lineEdit(), "Order")
    qtbot.keyClick(combo.lineEdit(), Qt.Key.Key_Tab)
    assert combo.currentText() == "Order"
    assert seen[-1]["event"] == "Order"  # not completed to the longer name already received


def test_declarations_of_one_event_that_disagree_are_warnings_in_problems(qtbot, ws):
    registry = default_registry()

    def declared(*props):
        return make_node(registry, "track.event", 0, 0, title="Purchase", config={
            "event_name": "Purchase", "description": "", "source": "",
            "properties": [{"name": n, "type": t, "required": True, "description": ""} for n, t in props]})

    app = declared(("order_id", "string"), ("total", "number"))
    ws.create_journey(Journey(name="App plan", nodes=[app]))
    web = declared(("total", "string"))
    info = ws.create_journey(Journey(name="Web plan", nodes=[web]))
    with journey_window(qtbot, ws, info.id) as win:
        qtbot.waitUntil(lambda: any(i.code.startswith("tracking_plan_") for i in win.validation.issues()),
                        timeout=10_000)
        listed = [i for i in win.validation.issues() if i.code.startswith("tracking_plan_")]
        assert {(i.severity, i.node_id) for i in listed} == {("warning", web.id)}
        assert "total" in listed[0].message
