"""How nodes read on the canvas: header ink, annotation sizing, port labels, selection when far
zoomed out, and the time zone picker of the journey settings."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import zoneinfo  # noqa: E402

import pytest  # noqa: E402

from engine.commands import make_node  # noqa: E402
from engine.document import Journey, Settings  # noqa: E402
from engine.spec import STAGE_COLORS, default_registry  # noqa: E402
from gui.app import make_application  # noqa: E402
from gui.canvas import (  # noqa: E402
    ANNOTATION_LINES,
    DARK_INK,
    HEADER_H,
    LOD_SIMPLE,
    NodeItem,
    assets,
    header_ink,
    icon_pixmap,
    wrap_lines,
)
from gui.forms import ConfigForm, TimeZoneEditor  # noqa: E402
from gui.qt import QtGui, QtWidgets  # noqa: E402


def open_journey(win, journey: Journey):
    win.workspace.create_journey(journey)
    win.open_journey(journey.id)
    QtWidgets.QApplication.processEvents()


# -- header ink -------------------------------------------------------------------------------

def test_light_headers_get_dark_ink_and_stage_colours_keep_white(qapp):
    assert header_ink("#FFF59D") == DARK_INK  # the default note colour
    assert header_ink("#FFEB3B") == DARK_INK
    for color in STAGE_COLORS.values():
        assert header_ink(color) == "#FFFFFF", color


def test_icon_is_tinted_for_a_light_header(qapp):
    def opaque_colors(pm: QtGui.QPixmap) -> set[tuple[int, int, int]]:
        image = pm.toImage()
        return {(c.red(), c.green(), c.blue()) for y in range(image.height()) for x in range(image.width())
                if (c := image.pixelColor(x, y)).alpha() == 255}

    white = icon_pixmap("note", 18)
    dark = icon_pixmap("note", 18, DARK_INK)
    assert dark.size() == white.size() and dark.devicePixelRatio() == white.devicePixelRatio()
    assert opaque_colors(white) == {(255, 255, 255)}
    ink = QtGui.QColor(DARK_INK)
    assert opaque_colors(dark) == {(ink.red(), ink.green(), ink.blue())}
    assert icon_pixmap("note", 18, DARK_INK) is dark  # cached per icon, size and colour


# -- annotation sizing ------------------------------------------------------------------------

def test_wrap_lines_keeps_summary_parts_together_and_elides_the_last_line(qapp):
    font = assets().small_font
    fm = QtGui.QFontMetricsF(font)
    width = fm.horizontalAdvance("Web · feels negative") + 2
    assert wrap_lines("Web · feels negative · 2 pain points", font, width, 4) == \
        ["Web · feels negative", "2 pain points"]
    long = " ".join(["word"] * 200)
    lines = wrap_lines(long, font, 150, ANNOTATION_LINES)
    assert len(lines) == ANNOTATION_LINES and lines[-1].endswith("…")
    assert all(fm.horizontalAdvance(line) <= 150 for line in lines)


def test_annotation_nodes_fit_their_summary(window):
    reg = default_registry()
    journey = Journey(name="Look")
    metric = make_node(reg, "analyze.metric", 0, 0, title="Click rate", config={
        "name": "Click rate", "target": 5,
        "measure": {"kind": "conversion", "from_event": "email_delivered", "to_event": "email_clicked"}})
    persona = make_node(reg, "map.persona", 300, 0, title="Busy buyer")
    send = make_node(reg, "orchestrate.send", 0, 300)
    journey.nodes += [metric, persona, send]
    open_journey(window, journey)
    nodes = window.canvas.nodes
    fm = QtGui.QFontMetricsF(assets().small_font)
    for node in (metric, persona):
        item: NodeItem = nodes[node.id].grNode
        lines = item._summary_lines
        # the whole summary is shown (a line break stands in for a " · " between parts)
        assert " ".join(lines).replace(" · ", " ") == nodes[node.id].summary_text.replace(" · ", " ")
        assert all(fm.horizontalAdvance(line) <= item.width - 20 for line in lines)
        # every line lies inside the node, above its bottom padding
        assert HEADER_H + 4 + len(lines) * fm.lineSpacing() <= item.height
    assert len(nodes[metric.id].grNode._summary_lines) == 2
    assert len(nodes[persona.id].grNode._summary_lines) == 1
    assert nodes[metric.id].grNode.height > nodes[persona.id].grNode.height
    # executable nodes keep their port-row layout
    send_item = nodes[send.id].grNode
    rows = max(len(nodes[send.id].in_names), len(nodes[send.id].out_names))
    assert send_item.height == HEADER_H + 22 + rows * 20 + 8


def test_editing_a_note_resizes_it(window):
    from engine.commands import SetConfig

    reg = default_registry()
    journey = Journey(name="Note")
    note = make_node(reg, "map.note", 0, 0, config={"text": "Short", "color": "#FFF59D"})
    journey.nodes.append(note)
    open_journey(window, journey)
    item = window.canvas.nodes[note.id].grNode
    short = item.height
    window.editor.execute(SetConfig(note.id, {"text": "A much longer note that needs two lines or more",
                                              "color": "#FFF59D"}))
    QtWidgets.QApplication.processEvents()
    assert len(item._summary_lines) == 2 and item.height > short


# -- port labels ------------------------------------------------------------------------------

def test_path_ports_read_as_words_but_keep_their_names(window):
    reg = default_registry()
    journey = Journey(name="Ports")
    test = make_node(reg, "optimize.experiment", 0, 0, config={
        **reg.get("optimize.experiment").default_config(),
        "variants": [{"name": "ten_percent", "weight": 50}, {"name": "free_delivery", "weight": 50}]})
    journey.nodes.append(test)
    open_journey(window, journey)
    cnode = window.canvas.nodes[test.id]
    assert cnode.out_names == ["ten_percent", "free_delivery"]
    assert cnode.out_labels == ["Ten percent", "Free delivery"]
    assert cnode.port("ten_percent", is_input=False) is not None
    assert cnode.in_labels == ["In"]


# -- selection far zoomed out -----------------------------------------------------------------

def test_selection_is_visible_in_block_mode(window):
    reg = default_registry()
    journey = Journey(name="Far")
    nodes = [make_node(reg, "orchestrate.send", i * 260, 0) for i in range(2)]
    journey.nodes += nodes
    open_journey(window, journey)
    canvas = window.canvas
    view = canvas.view
    scale = LOD_SIMPLE / 3
    view.resetTransform()
    view.scale(scale, scale)

    def blue_pixels() -> int:
        view.centerOn(canvas.items_rect().center())
        QtWidgets.QApplication.processEvents()
        image = view.viewport().grab().toImage()
        blue = QtGui.QColor("#1E88E5")
        return sum(1 for y in range(image.height()) for x in range(image.width())
                   if image.pixelColor(x, y) == blue)

    canvas.select_nodes([])
    assert blue_pixels() == 0
    canvas.select_nodes([nodes[0].id])
    item = canvas.nodes[nodes[0].id].grNode
    perimeter = 2 * (item.width + item.height) * scale
    # a 3-pixel outline all round, whatever the zoom
    assert blue_pixels() >= 2 * perimeter


# -- time zone picker -------------------------------------------------------------------------

def test_settings_time_zone_is_a_completing_picker(qtbot):
    make_application()
    form = ConfigForm(Settings, Settings().model_dump(mode="json"))
    qtbot.addWidget(form)
    editor = form.editor("time_zone")
    assert isinstance(editor, TimeZoneEditor)
    combo = editor.combo
    assert combo.isEditable() and combo.currentText() == "UTC"
    names = [combo.itemText(i) for i in range(combo.count())]
    assert names == sorted(zoneinfo.available_timezones())
    completer = combo.completer()
    completer.setCompletionPrefix("berlin")
    assert completer.currentCompletion() == "Europe/Berlin"
    # choices for other pickers never replace the zone list
    form.set_choices("timezone", ["Nowhere"])
    assert combo.count() == len(names)

    edits = []
    form.edited.connect(lambda path, value: edits.append((path, value["time_zone"])))
    combo.lineEdit().clear()
    qtbot.keyClicks(combo.lineEdit(), "Mars/Olympus")
    assert edits[-1] == ("time_zone", "Mars/Olympus")
    with pytest.raises(ValueError):
        Settings.model_validate(form.value())  # the model still decides what is valid
    combo.lineEdit().clear()
    qtbot.keyClicks(combo.lineEdit(), "Asia/Tokyo")
    assert Settings.model_validate(form.value()).time_zone == "Asia/Tokyo"


def test_other_forms_keep_their_editors(qapp):
    from gui.forms import _PickerEditor
    from nodes.map import PersonaConfig

    form = ConfigForm(PersonaConfig, {})
    assert not isinstance(form.editor("time_zones"), TimeZoneEditor)
    assert not any(isinstance(e, _PickerEditor) for e in form.findChildren(QtWidgets.QWidget))
