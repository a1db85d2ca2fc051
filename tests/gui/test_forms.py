"""The generated settings form and the inspector dock, driven as a user would."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import enum  # noqa: E402
from typing import Annotated, Literal  # noqa: E402

import pytest  # noqa: E402
from pydantic import BaseModel, ConfigDict, Field, StringConstraints  # noqa: E402

from engine.document import Node, new_id  # noqa: E402
from engine.spec import NodeSpec, Stage  # noqa: E402
from gui.forms import (  # noqa: E402
    MISSING,
    ChoiceEditor,
    ColorEditor,
    ConfigForm,
    DictEditor,
    FieldEditor,
    LinesEditor,
    ModelEditor,
    MultiChoiceEditor,
    MultilineEditor,
    NumberEditor,
    RepeatEditor,
    ScalarEditor,
    TextEditor,
    UnionEditor,
    _PickerEditor,
)
from gui.inspector import Inspector  # noqa: E402
from gui.qt import Qt, QtWidgets  # noqa: E402


class Mode(enum.Enum):
    FAST = "fast"
    SLOW_AND_STEADY = "slow_and_steady"


class Inner(BaseModel):
    model_config = ConfigDict(extra="forbid")
    event: str = Field("", title="Event", json_schema_extra={"widget": "event"})
    count: int = Field(1, ge=1, le=10, title="Count")


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid", title="Step")
    name: str = Field("step", min_length=1, title="Name")
    delay: float = Field(0.5, ge=0, le=5, title="Delay")


class ByEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", title="When an event happens")
    kind: Literal["event"] = "event"
    event_name: str = Field("", min_length=1, title="Event name")
    within_days: int = Field(7, ge=1, le=90, title="Within (days)")


class BySegment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["segment"] = "segment"
    segment: str = Field("", title="Segment", json_schema_extra={"widget": "segment"})
    within_days: int = Field(7, ge=1, le=90, title="Within (days)")


Trigger = Annotated[ByEvent | BySegment, Field(discriminator="kind")]


class Everything(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field("Hello", title="Name", description="What to call it")
    body: str = Field("", title="Message", json_schema_extra={"widget": "template"})
    notes: str = Field("", title="Notes", json_schema_extra={"widget": "multiline"})
    count: int = Field(3, ge=1, le=10, title="Count")
    ratio: float = Field(0.25, ge=0, le=1, title="Ratio")
    enabled: bool = Field(False, title="Enabled")
    policy: Literal["never", "after_exit", "always"] = Field("after_exit", title="Re-entry policy")
    mode: Mode = Field(Mode.FAST, title="Mode")
    inner: Inner = Field(default_factory=Inner, title="Inner settings")
    tags: list[str] = Field(default_factory=list, title="Tags")
    steps: list[Step] = Field(default_factory=list, title="Steps")
    trigger: Trigger = Field(default_factory=ByEvent, title="Trigger")
    props: dict[str, str] = Field(default_factory=dict, title="Properties")
    color: str = Field("#7E57C2", title="Colour", json_schema_extra={"widget": "color"})
    channel: str = Field("", title="Channel", json_schema_extra={"widget": "channel"})
    limit: int | None = Field(None, ge=0, le=100, title="Limit")
    subject: str | None = Field(None, title="Subject")
    days: list[Literal["mon", "tue", "wed"]] = Field(default_factory=list, title="Days")
    value: str | int | float | bool | None = Field(None, title="Value")


class Triggers(BaseModel):
    model_config = ConfigDict(extra="forbid")
    triggers: list[Trigger] = Field(default_factory=list, title="Triggers")


SPEC = NodeSpec(type_key="test.everything", version=1, title="Everything", stage=Stage.ORCHESTRATE,
                config_model=Everything, icon="send", description="Every kind of field.")


@pytest.fixture
def form(qtbot):
    f = ConfigForm(Everything, Everything().model_dump(mode="json"))
    qtbot.addWidget(f)
    f.resize(320, 900)
    f.show()
    return f


def record(form: ConfigForm) -> list[tuple[str, dict]]:
    seen: list[tuple[str, dict]] = []
    form.edited.connect(lambda path, value: seen.append((path, value)))
    return seen


# -- the table --------------------------------------------------------------------------------

def test_every_kind_gets_its_widget(form):
    expected = {
        "name": TextEditor, "body": MultilineEditor, "notes": MultilineEditor, "count": NumberEditor,
        "ratio": NumberEditor, "policy": ChoiceEditor, "mode": ChoiceEditor, "inner": ModelEditor,
        "tags": LinesEditor, "steps": RepeatEditor, "trigger": UnionEditor, "props": DictEditor,
        "color": ColorEditor, "channel": _PickerEditor, "limit": NumberEditor, "subject": TextEditor,
        "days": MultiChoiceEditor, "value": ScalarEditor,
    }
    for path, cls in expected.items():
        assert type(form.editor(path)) is cls, path
    assert isinstance(form.widget_for("enabled"), QtWidgets.QCheckBox)
    assert isinstance(form.widget_for("count"), QtWidgets.QSpinBox)
    assert isinstance(form.widget_for("ratio"), QtWidgets.QDoubleSpinBox)
    assert form.widget_for("channel").isEditable()
    assert isinstance(form.editor("inner").box, QtWidgets.QGroupBox)
    assert form.editor("inner").box.title() == "Inner settings"


def test_labels_and_tooltips_come_from_titles(form):
    labels = {w.text() for w in form.findChildren(QtWidgets.QLabel, "fieldLabel")}
    assert {"Name", "Message", "Re-entry policy", "Steps", "Colour"} <= labels
    assert form.editor("name").toolTip() == "What to call it"
    assert form.widget_for("enabled").text() == "Enabled"


def test_choice_labels_are_readable(form):
    combo = form.widget_for("policy")
    assert [combo.itemText(i) for i in range(combo.count())] == ["Never", "After exit", "Always"]
    mode = form.widget_for("mode")
    assert mode.itemText(1) == "Slow and steady"


def test_template_field_is_monospace_with_a_hint(form):
    edit = form.widget_for("body")
    assert edit.font().fixedPitch() or edit.font().styleHint() == edit.font().StyleHint.TypeWriter \
        or "mono" in edit.font().family().lower()
    assert "{{ customer.first_name }}" in edit.placeholderText()
    assert form.widget_for("notes").placeholderText() == ""


def test_initial_value_fills_defaults(form):
    assert form.value() == Everything().model_dump(mode="json")


# -- edits ------------------------------------------------------------------------------------

def test_typing_emits_path_and_whole_config(qtbot, form):
    seen = record(form)
    qtbot.keyClicks(form.widget_for("name"), "!")
    assert seen[-1][0] == "name"
    assert seen[-1][1]["name"] == "Hello!"
    assert seen[-1][1]["count"] == 3
    assert len(seen) == 1


def test_nested_field_path_is_dotted(qtbot, form):
    seen = record(form)
    qtbot.keyClicks(form.widget_for("inner.event").lineEdit(), "signed_up")
    assert seen[-1][0] == "inner.event"
    assert seen[-1][1]["inner"] == {"event": "signed_up", "count": 1}


def test_template_typing(qtbot, form):
    seen = record(form)
    qtbot.keyClicks(form.widget_for("body"), "Hi {{ first_name }}")
    assert seen[-1] == ("body", {**form.value(), "body": "Hi {{ first_name }}"})


def test_checkbox_choice_and_multi_choice(qtbot, form):
    seen = record(form)
    form.widget_for("enabled").click()
    assert seen[-1][0] == "enabled" and seen[-1][1]["enabled"] is True
    form.widget_for("policy").setCurrentIndex(2)
    assert seen[-1][0] == "policy" and seen[-1][1]["policy"] == "always"
    form.widget_for("mode").setCurrentIndex(1)
    assert seen[-1][1]["mode"] == "slow_and_steady"
    form.editor("days").boxes[1].setChecked(True)
    assert seen[-1][0] == "days" and seen[-1][1]["days"] == ["tue"]


def test_set_value_does_not_emit(qtbot, form):
    seen = record(form)
    new = {**form.value(), "name": "Other", "count": 7, "enabled": True, "policy": "never",
           "tags": ["a", "b"], "steps": [{"name": "x", "delay": 1.0}],
           "trigger": {"kind": "segment", "segment": "vip", "within_days": 3},
           "props": {"k": "v"}, "limit": 5, "days": ["mon"], "value": 12}
    form.set_value(new)
    assert seen == []
    assert form.value() == new
    assert form.widget_for("name").text() == "Other"
    assert form.widget_for("count").value() == 7
    assert form.widget_for("trigger.segment").currentText() == "vip"


def test_set_value_keeps_the_cursor_of_the_field_being_typed_in(qtbot, form):
    edit = form.widget_for("name")
    edit.setFocus()
    edit.setCursorPosition(2)
    form.set_value({**form.value(), "count": 4})
    assert edit.cursorPosition() == 2
    assert form.widget_for("count").value() == 4


def test_bounds_are_respected(qtbot, form):
    spin = form.widget_for("count")
    assert (spin.minimum(), spin.maximum()) == (1, 10)
    ratio = form.widget_for("ratio")
    assert (ratio.minimum(), ratio.maximum()) == (0.0, 1.0)
    spin.setValue(50)
    assert form.value()["count"] == 10


def test_optional_number_and_text_mean_none_when_empty(qtbot, form):
    seen = record(form)
    limit = form.widget_for("limit")
    assert limit.text() == "Not set"
    limit.setValue(limit.minimum() + 4)
    assert seen[-1][1]["limit"] == 3
    limit.setValue(limit.minimum())
    assert form.value()["limit"] is None
    subject = form.widget_for("subject")
    qtbot.keyClicks(subject, "Hi")
    assert form.value()["subject"] == "Hi"
    subject.selectAll()
    qtbot.keyClick(subject, Qt.Key.Key_Delete)
    assert form.value()["subject"] is None


def test_scalar_field_keeps_json_types(qtbot, form):
    edit = form.widget_for("value")
    for text, expected in [("12", 12), ("1.5", 1.5), ("true", True), ("pro", "pro")]:
        edit.clear()
        qtbot.keyClicks(edit, text)
        assert form.value()["value"] == expected and type(form.value()["value"]) is type(expected)
    form.set_value({**form.value(), "value": "12"})
    assert form.value()["value"] == "12"


def test_list_of_strings_one_per_line(qtbot, form):
    seen = record(form)
    qtbot.keyClicks(form.widget_for("tags"), "vip")
    qtbot.keyClick(form.widget_for("tags"), Qt.Key.Key_Return)
    qtbot.keyClicks(form.widget_for("tags"), "new")
    assert seen[-1] == ("tags", form.value())
    assert form.value()["tags"] == ["vip", "new"]


def test_repeatable_group_add_and_remove(qtbot, form):
    seen = record(form)
    repeat = form.editor("steps")
    qtbot.mouseClick(repeat.add_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(repeat.add_button, Qt.MouseButton.LeftButton)
    assert seen[-1][0] == "steps"
    assert form.value()["steps"] == [{"name": "step", "delay": 0.5}, {"name": "step", "delay": 0.5}]
    second = form.widget_for("steps.1.name")
    second.clear()
    qtbot.keyClicks(second, "two")
    assert seen[-1][0] == "steps.1.name"
    remove = repeat.cards[0].findChild(QtWidgets.QToolButton, "removeItem")
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    assert form.value()["steps"] == [{"name": "two", "delay": 0.5}]
    # The remaining item moved up: its path follows.
    qtbot.keyClicks(form.widget_for("steps.0.name"), "!")
    assert seen[-1][0] == "steps.0.name"
    assert form.value()["steps"][0]["name"] == "two!"


def test_union_variant_switch_swaps_subform_and_keeps_common_values(qtbot, form):
    seen = record(form)
    spin = form.widget_for("trigger.within_days")
    spin.setValue(12)
    qtbot.keyClicks(form.widget_for("trigger.event_name"), "paid")
    union = form.editor("trigger")
    union.combo.setCurrentIndex(1)
    assert seen[-1][0] == "trigger.kind"
    assert seen[-1][1]["trigger"] == {"kind": "segment", "segment": "", "within_days": 12}
    assert form.editor("trigger.event_name") is None
    assert isinstance(form.editor("trigger.segment"), _PickerEditor)
    union.combo.setCurrentIndex(0)
    # Switching back restores what the first variant had.
    assert form.value()["trigger"] == {"kind": "event", "event_name": "paid", "within_days": 12}


def test_list_of_tagged_unions(qtbot):
    f = ConfigForm(Triggers, {"triggers": [{"kind": "segment", "segment": "vip", "within_days": 2}]})
    qtbot.addWidget(f)
    assert f.value() == {"triggers": [{"kind": "segment", "segment": "vip", "within_days": 2}]}
    qtbot.mouseClick(f.editor("triggers").add_button, Qt.MouseButton.LeftButton)
    assert f.value()["triggers"][1]["kind"] == "event"
    f.set_errors([("triggers.1.event.event_name", "required")])
    assert f.shown_errors() == {"triggers.1.event_name": ["required"]}


def test_key_value_table(qtbot, form):
    seen = record(form)
    table = form.editor("props").table
    form.editor("props").add_row()
    table.item(0, 0).setText("plan")
    table.item(0, 1).setText("pro")
    assert seen[-1][0] == "props"
    assert form.value()["props"] == {"plan": "pro"}
    table.selectRow(0)
    form.editor("props").remove_selected()
    assert form.value()["props"] == {}


def test_color_field(qtbot, form):
    seen = record(form)
    editor = form.editor("color")
    editor.edit.clear()
    qtbot.keyClicks(editor.edit, "#00897B")
    assert seen[-1] == ("color", form.value())
    assert form.value()["color"] == "#00897B"
    assert "#00897b" in editor.swatch.styleSheet().lower()


def test_picker_choices_can_arrive_later(qtbot, form):
    form.set_value({**form.value(), "channel": "email-main"})
    form.set_choices("channel", ["email-main", "sms-eu"])
    combo = form.widget_for("channel")
    assert [combo.itemText(i) for i in range(combo.count())] == ["email-main", "sms-eu"]
    assert combo.currentText() == "email-main"
    seen = record(form)
    combo.setCurrentIndex(1)
    combo.activated.emit(1)
    assert seen[-1][1]["channel"] == "sms-eu"
    form.editor("trigger").combo.setCurrentIndex(1)
    form.set_choices("segment", ["vip"])
    assert form.widget_for("trigger.segment").itemText(0) == "vip"


# -- errors and preservation ------------------------------------------------------------------

def test_errors_shown_under_fields_and_cleared(qtbot, form):
    form.set_value({**form.value(), "steps": [{"name": "", "delay": 1.0}]})
    errors = SPEC.config_errors({**form.value(), "trigger": {"kind": "event", "event_name": ""}})
    paths = [p for p, _ in errors]
    assert "trigger.event_name" in paths  # the union tag is not part of the path
    form.set_errors(errors + [("", "something is off")])
    shown = form.shown_errors()
    assert shown["steps.0.name"] and "must not be empty" in shown["steps.0.name"][0]
    assert "trigger.event_name" in shown
    assert shown[""] == ["something is off"]
    label = form.editor("steps.0.name").findChild(QtWidgets.QLabel, "fieldError")
    assert not label.isHidden() and "#C62828" in label.styleSheet()
    form.set_errors([])
    assert form.shown_errors() == {}
    assert label.isHidden()


def test_unknown_extra_key_and_unshowable_values_survive(qtbot):
    raw = {"name": "A", "count": "many", "policy": "sometimes", "future_option": {"x": [1, 2]},
           "inner": {"event": "e", "count": 2, "later": True}, "ratio": 0.123456}
    f = ConfigForm(Everything, raw)
    qtbot.addWidget(f)
    value = f.value()
    for key in ("count", "policy", "future_option", "inner", "ratio"):
        assert value[key] == raw[key], key
    seen = record(f)
    qtbot.keyClicks(f.widget_for("name"), "B")
    assert seen[-1][1]["future_option"] == {"x": [1, 2]}
    assert seen[-1][1]["count"] == "many"
    assert seen[-1][1]["inner"]["later"] is True


def test_missing_required_key_stays_missing_until_typed(qtbot):
    class Needs(BaseModel):
        model_config = ConfigDict(extra="forbid")
        event_name: str = Field(min_length=1, title="Event name")
        within: int = Field(ge=1, le=5, title="Within")

    f = ConfigForm(Needs, {})
    qtbot.addWidget(f)
    assert f.value() == {}
    qtbot.keyClicks(f.widget_for("event_name"), "x")
    assert f.value() == {"event_name": "x"}
    assert isinstance(f.editor("within"), FieldEditor) and f.editor("within").get() is MISSING


# -- inspector --------------------------------------------------------------------------------

def node_for(spec: NodeSpec, config: dict, title: str = "") -> Node:
    return Node(id=new_id(), type=spec.type_key, title=title, config=config)


def test_inspector_states(qtbot):
    insp = Inspector()
    qtbot.addWidget(insp)
    insp.show_nothing()
    assert insp.pages.currentWidget() is insp.empty_page
    assert "Select a node" in insp.empty_page.title_label.text()
    insp.show_many(3)
    assert insp.many_page.title_label.text() == "3 nodes selected"


def test_inspector_shows_node_and_emits(qtbot):
    insp = Inspector()
    qtbot.addWidget(insp)
    node = node_for(SPEC, {"name": "Hello"}, "My node")
    insp.show_node(node, SPEC, ["Not connected to anything"])
    assert insp.header.type_title.text() == "Everything"
    assert insp.header.chip.text() == "Orchestrate"
    assert insp.header.title_edit.text() == "My node"
    assert insp.issues.texts() == ["Not connected to anything"]
    edits: list = []
    titles: list = []
    insp.configEdited.connect(lambda *a: edits.append(a))
    insp.titleEdited.connect(lambda *a: titles.append(a))
    qtbot.keyClicks(insp.form.widget_for("name"), "!")
    assert edits[-1][0] == node.id and edits[-1][1] == "name" and edits[-1][2]["name"] == "Hello!"
    qtbot.keyClicks(insp.header.title_edit, "?")
    assert titles[-1] == (node.id, "My node?")


def test_inspector_shows_validation_inline_and_still_emits(qtbot):
    insp = Inspector()
    qtbot.addWidget(insp)
    node = node_for(SPEC, Everything().model_dump(mode="json"))
    insp.show_node(node, SPEC)
    edits: list = []
    insp.configEdited.connect(lambda *a: edits.append(a))
    qtbot.mouseClick(insp.form.editor("steps").add_button, Qt.MouseButton.LeftButton)
    insp.form.widget_for("steps.0.name").clear()
    qtbot.keyClicks(insp.form.widget_for("steps.0.name"), "a")
    insp.form.widget_for("steps.0.name").clear()
    insp.form.widget_for("steps.0.name").textEdited.emit("")
    assert edits[-1][2]["steps"] == [{"name": "", "delay": 0.5}]
    assert "steps.0.name" in insp.form.shown_errors()


def test_inspector_refresh_updates_in_place(qtbot):
    insp = Inspector()
    qtbot.addWidget(insp)
    node = node_for(SPEC, {"name": "A"}, "T")
    insp.show_node(node, SPEC)
    form = insp.form
    node.config = {"name": "B"}
    node.title = "T2"
    insp.refresh(node, ["warn"])
    assert insp.form is form
    assert form.widget_for("name").text() == "B"
    assert insp.header.title_edit.text() == "T2"
    assert insp.issues.texts() == ["warn"]
    other = node_for(SPEC, {"name": "C"})
    insp.refresh(other, [])
    assert form.widget_for("name").text() == "B"


def test_inspector_unknown_node_is_read_only_and_kept(qtbot):
    insp = Inspector()
    qtbot.addWidget(insp)
    node = Node(id=new_id(), type="acme.crm_sync", config={"list": "vip", "retries": 3})
    insp.show_node(node, None)
    assert insp.form is None
    assert insp.raw_view.isReadOnly()
    assert '"retries": 3' in insp.raw_view.toPlainText()
    note = insp.findChild(QtWidgets.QLabel, "unknownNote")
    assert "acme.crm_sync" in note.text() and "not installed" in note.text()


# -- the catalogue ----------------------------------------------------------------------------

def _registry() -> list:
    from nodes import REGISTRY

    return list(REGISTRY)


@pytest.mark.parametrize("spec", _registry() or [None], ids=lambda s: s.type_key if s else "empty")
def test_every_registered_spec_renders_its_example(qtbot, spec):
    if spec is None:
        pytest.skip("the node catalogue is empty")
    expected = spec.config_model.model_validate(spec.example).model_dump(mode="json")
    f = ConfigForm(spec.config_model, spec.example)
    qtbot.addWidget(f)
    assert f.value() == expected
    # Every example value is shown by its widget, none merely carried along unseen.
    hidden = [e.path for e in [f.root, *f.root.findChildren(FieldEditor)] if e._keep and e._orig is not MISSING]
    assert hidden == []
    insp = Inspector()
    qtbot.addWidget(insp)
    insp.show_node(Node(id=new_id(), type=spec.type_key, config=spec.example), spec)
    assert insp.form.value() == expected
    assert insp.form.shown_errors() == {}


class Stripped(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tag: Annotated[str, StringConstraints(strip_whitespace=True)] = Field("", title="Tag")
    note: Annotated[str, StringConstraints(strip_whitespace=True)] = Field(
        "", title="Note", json_schema_extra={"widget": "multiline"})


def test_text_typed_with_spaces_survives_loading_the_stripped_value(qtbot):
    """Each edit is validated and loaded back (as the inspector does); a field that strips
    whitespace must not take away the space the user has just typed."""
    form = ConfigForm(Stripped, {})
    qtbot.addWidget(form)
    form.edited.connect(lambda _path, config: form.set_value(config))
    tag, note = form.widget_for("tag"), form.widget_for("note")
    qtbot.keyClicks(tag, "VIP member")
    qtbot.keyClicks(note, "Hello there")
    assert tag.text() == "VIP member"
    assert note.toPlainText() == "Hello there"
    assert form.value() == {"tag": "VIP member", "note": "Hello there"}
    form.set_value({"tag": "Other", "note": ""})  # a value that differs otherwise replaces the text
    assert (tag.text(), note.toPlainText()) == ("Other", "")


def test_a_date_and_time_field_says_how_to_write_it(qtbot):
    from engine.spec import default_registry

    entry = default_registry().get("orchestrate.entry")
    form = ConfigForm(entry.config_model, {"trigger": {"kind": "schedule", "repeat": "once", "at": None}})
    qtbot.addWidget(form)
    edit = form.editor("trigger.at").edit
    assert edit.placeholderText() == "Date and time, e.g. 2025-06-01 09:00"
    form.edited.connect(lambda _path, config: form.set_value(config))  # loaded back, as the inspector does
    edit.setFocus()
    qtbot.keyClicks(edit, "2025-06-01 09:00")  # key by key: "2" is not a number here
    assert edit.text() == "2025-06-01 09:00"
    assert entry.config_errors(form.value()) == []
    assert entry.config_model.model_validate(form.value()).trigger.at.isoformat() == "2025-06-01T09:00:00"
