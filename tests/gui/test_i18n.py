"""Translations: every user-facing string can be translated without touching code, and Chinese text
is drawn with real glyphs on the canvas and written verbatim to files."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import typing
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pydantic import BaseModel

from engine.commands import RenameNode, make_node
from engine.document import Journey, load
from engine.spec import NodeSpec, Stage, default_registry

ROOT = Path(__file__).resolve().parents[2]
GUI = ROOT / "gui"
TRANSLATIONS = ROOT / "resources" / "translations"


def _lupdate() -> str | None:
    beside_python = Path(sys.executable).parent / "pyside6-lupdate"
    return str(beside_python) if beside_python.exists() else shutil.which("pyside6-lupdate")


def extract(tmp_path: Path, *folders: str) -> dict[str, dict[str, list[str]]]:
    """Run the official extractor over ``folders``: ``{context: {source text: ["file:line", ...]}}``."""
    tool = _lupdate()
    if tool is None:
        pytest.skip("pyside6-lupdate is not installed")
    ts = tmp_path / "extract.ts"
    subprocess.run([tool, "-silent", "-extensions", "py", "-locations", "absolute", *folders, "-ts", str(ts)],
                   cwd=ROOT, check=True, capture_output=True, timeout=120)
    root = ET.parse(ts).getroot()
    out: dict[str, dict[str, list[str]]] = {}
    for context in root.iter("context"):
        messages = out.setdefault(context.findtext("name") or "", {})
        for message in context.iter("message"):
            # lupdate writes file names relative to the .ts file.
            places = [f"{(ts.parent / loc.get('filename', '')).resolve().relative_to(ROOT)}:{loc.get('line')}"
                      for loc in message.iter("location")]
            messages.setdefault(message.findtext("source") or "", []).extend(places)
    return out


# ---------------------------------------------------------------------------------------------
# (a) node catalogue strings reach the "nodes" context
# ---------------------------------------------------------------------------------------------

def _models_in(annotation: typing.Any) -> typing.Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)


def spec_texts(spec: NodeSpec) -> list[tuple[str, str]]:
    """``(where, text)`` for every string of ``spec`` the GUI shows through the ``nodes`` context."""
    out = [(f"{spec.type_key} title", spec.title)]
    if spec.description:
        out.append((f"{spec.type_key} description", spec.description))
    for port in (*spec.inputs, *spec.outputs):
        # A label equal to the port name is a name the user chose (a path, a variant), not prose.
        if port.label and port.label != port.name:
            out.append((f"{spec.type_key} port {port.name}", port.label))
        if port.description:
            out.append((f"{spec.type_key} port {port.name} description", port.description))
    seen: set[type[BaseModel]] = set()

    def walk(model: type[BaseModel], where: str) -> None:
        if model in seen:
            return
        seen.add(model)
        if model.model_config.get("title"):
            out.append((f"{where} ({model.__name__})", model.model_config["title"]))
        for name, info in model.model_fields.items():
            assert info.title, f"{where}.{name} has no title, so the form would show an untranslatable name"
            out.append((f"{where}.{name} title", info.title))
            if info.description:
                out.append((f"{where}.{name} description", info.description))
            for sub in _models_in(info.annotation):
                walk(sub, f"{where}.{name}")

    walk(spec.config_model, spec.type_key)
    return out


def test_lupdate_extracts_every_node_string_into_the_nodes_context(tmp_path):
    from nodes import REGISTRY

    contexts = extract(tmp_path, "nodes")
    extracted = contexts.get("nodes", set())
    expected = [item for spec in REGISTRY for item in spec_texts(spec)]
    assert len(expected) > 200  # the whole catalogue, field titles included
    missing = [f"{where}: {text!r}" for where, text in expected if text not in extracted]
    assert not missing, "not extracted into context 'nodes':\n" + "\n".join(missing)
    stray = {name: texts for name, texts in contexts.items() if name != "nodes"}
    assert not stray, f"node strings outside the 'nodes' context: {stray}"


def test_every_gui_string_lands_in_a_named_context(tmp_path):
    """lupdate reads a bare ``tr("Context", "text")`` as ``tr(text, comment)``: the message ends up
    without a context, its source is the context name, and no translation would ever match."""
    contexts = extract(tmp_path, "gui")
    assert len(contexts) > 5
    assert "" not in contexts, (
        "messages without a context (use translate(context, text), not tr(context, text)) at "
        + ", ".join(sorted(place for places in contexts[""].values() for place in places)))


# ---------------------------------------------------------------------------------------------
# (b) no bare literals handed to text setters in gui/
# ---------------------------------------------------------------------------------------------

#: Methods whose string arguments are shown to the user.
TEXT_SETTERS = {"setText", "setToolTip", "setPlaceholderText", "setWindowTitle", "addAction", "setStatusTip",
                "showMessage", "setWhatsThis", "setTitle", "setLabelText", "setAccessibleName",
                "setSpecialValueText", "setHeaderLabels", "setHorizontalHeaderLabels", "setTabText",
                "addTab", "setInformativeText", "setDetailedText", "addButton"}
#: Widgets whose first string argument is their visible text.
TEXT_WIDGETS = {"QLabel", "QPushButton", "QCheckBox", "QRadioButton", "QGroupBox", "QAction", "QToolButton",
                "QMenu"}
#: ``QMessageBox.<name>(parent, title, text, ...)``.
MESSAGE_BOX_FUNCTIONS = {"information", "warning", "critical", "question", "about"}
TRANSLATORS = {"tr", "translate", "QT_TRANSLATE_NOOP", "QT_TR_NOOP"}
#: The product name is a proper noun and stays as it is in every language.
UNTRANSLATED_NAMES = ("Journey Studio",)


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _has_words(text: str) -> bool:
    text = re.sub(r"<[^>]*>", "", text)  # markup is not prose
    for name in UNTRANSLATED_NAMES:
        text = text.replace(name, "")
    return bool(re.search(r"[^\W\d_]", text))


def untranslated(node: ast.expr) -> str | None:
    """The prose in ``node`` that did not pass through a translation function, if any."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if _has_words(node.value) else None
    if isinstance(node, ast.JoinedStr):
        literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        if _has_words(literal):
            return literal
        for value in node.values:
            if isinstance(value, ast.FormattedValue) and (found := untranslated(value.value)):
                return found
        return None
    if isinstance(node, ast.BinOp):
        return untranslated(node.left) or untranslated(node.right)
    if isinstance(node, ast.IfExp):
        return untranslated(node.body) or untranslated(node.orelse)
    if isinstance(node, (ast.List, ast.Tuple)):
        return next((found for elt in node.elts if (found := untranslated(elt))), None)
    if isinstance(node, ast.Call):
        if _name(node.func) in TRANSLATORS:
            return None
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("replace", "format", "join", "arg"):
            # "…%1…".replace("%1", value): the receiver carries the prose.
            return untranslated(node.func.value)
    return None


def text_arguments(call: ast.Call) -> list[ast.expr]:
    name = _name(call.func)
    if name in TEXT_SETTERS or name in TEXT_WIDGETS:
        return list(call.args)
    owner = _name(call.func.value) if isinstance(call.func, ast.Attribute) else ""
    if (owner == "QMessageBox" and name in MESSAGE_BOX_FUNCTIONS) or name == "QMessageBox":
        return list(call.args[1:3])
    return []


def find_bare_strings(source: str, filename: str) -> list[str]:
    problems = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Call):
            for arg in text_arguments(node):
                found = untranslated(arg)
                if found is not None:
                    problems.append(f"{filename}:{arg.lineno}: {_name(node.func)}({found!r})")
    return problems


def test_the_static_check_catches_bare_strings():
    bad = '''
label = QtWidgets.QLabel("Hello", self)
self.button.setToolTip(f"Open {name} now")
box = QtWidgets.QMessageBox.warning(self, "Oops", self.tr("Text"))
item.setText(0, "Draft" if draft else self.tr("Live"))
self.setWindowTitle(self.tr("A") + " and more")
'''
    good = '''
label = QtWidgets.QLabel(self.tr("Hello"), self)
self.button.setToolTip(self.tr("Open %1 now").replace("%1", name))
box = QtWidgets.QMessageBox.warning(self, translate("App", "Oops"), text)
item.setText(0, f"{count} · {when}")
self.setWindowTitle(f"{name}{star} — Journey Studio")
self.zoom.setText(f"{zoom * 100:.0f}%")
self.summary.setText("")
'''
    assert len(find_bare_strings(bad, "bad.py")) == 5
    assert find_bare_strings(good, "good.py") == []


def test_gui_text_setters_get_translated_strings():
    problems = []
    for path in sorted(GUI.glob("*.py")):
        problems += find_bare_strings(path.read_text(encoding="utf-8"), f"gui/{path.name}")
    assert not problems, "user-facing text not passed through tr()/translate():\n" + "\n".join(problems)


# ---------------------------------------------------------------------------------------------
# The shipped Simplified Chinese translation
# ---------------------------------------------------------------------------------------------

def test_chinese_translation_is_found_for_the_locale_and_used_by_the_window(qtbot, tmp_path):
    from engine.store.workspace import Workspace
    from gui.app import make_application
    from gui.main_window import MainWindow
    from gui.palette import stage_name
    from gui.qt import QtCore

    ts = TRANSLATIONS / "journey_studio_zh_CN.ts"
    assert ET.parse(ts).getroot().get("language") == "zh_CN"
    app = make_application()
    translator = QtCore.QTranslator()
    # The same lookup as gui.app.install_translations, for a Chinese system locale.
    assert translator.load(QtCore.QLocale("zh_CN"), "journey_studio", "_", str(TRANSLATIONS))
    assert Path(translator.filePath()).name == "journey_studio_zh_CN.qm"
    other = QtCore.QTranslator()
    assert not other.load(QtCore.QLocale("de_DE"), "journey_studio", "_", str(TRANSLATIONS))
    app.installTranslator(translator)
    ws = Workspace.open(tmp_path / "workspace.db")
    try:
        assert [stage_name(s) for s in Stage] == ["绘制", "追踪", "分析", "编排", "优化"]
        assert QtCore.QCoreApplication.translate("nodes", "Note") == "便签"
        win = MainWindow(ws, default_registry())
        qtbot.addWidget(win)
        assert win.palette_dock.windowTitle() == "节点"
        assert win.inspector_dock.windowTitle() == "属性"
        assert win.validation_dock.windowTitle() == "问题"
        assert win.browser_dock.windowTitle() == "旅程"
        groups = [win.palette.tree.topLevelItem(i).text(0) for i in range(win.palette.tree.topLevelItemCount())]
        assert groups[0] == "绘制"
        win.close()
    finally:
        app.removeTranslator(translator)
        ws.close()
    assert stage_name(Stage.MAP) == "Map"


def test_the_words_forms_make_up_are_listed_for_translation():
    """Choices (after_exit → "After exit"), untitled fields and a journey's settings reach lupdate
    through gui/form_strings.py; after changing a config model, run ``python -m gui.form_texts``."""
    from gui.form_texts import GENERATED, form_texts, source

    texts = form_texts()
    assert {"After exit", "Minutes", "Quiet hours", "Time zone", "Contains"} <= set(texts)
    assert GENERATED.read_text(encoding="utf-8") == source(texts), "gui/form_strings.py is out of date"


def test_the_chinese_translation_is_complete_and_keeps_every_placeholder_and_tag():
    """Every string has a finished translation (a new string in the code fails this until it is
    translated: run lupdate, translate, lrelease) with the same %1, {field}, line breaks and tags."""
    marks = re.compile(r"%L?\d+|%n|\{\{|\}\}|\{[A-Za-z_][A-Za-z0-9_]*\}|\n|</?[a-zA-Z][^>]*>|&[a-z]+;|&&")
    unfinished, mismatched = [], []
    for context in ET.parse(TRANSLATIONS / "journey_studio_zh_CN.ts").getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            texts = [f.text or "" for f in translation.iter("numerusform")] or [translation.text or ""]
            if translation.get("type") in ("unfinished", "vanished", "obsolete") or not all(t.strip() for t in texts):
                unfinished.append((name, source))
                continue
            mismatched += [(name, source, t) for t in texts if sorted(marks.findall(t)) != sorted(marks.findall(source))]
    assert not unfinished, f"{len(unfinished)} strings without a Chinese translation, e.g. {unfinished[:5]}"
    assert not mismatched


# ---------------------------------------------------------------------------------------------
# (c) Chinese text on the canvas and in files
# ---------------------------------------------------------------------------------------------

TITLE = "新用户欢迎"
NOTE_TEXT = "记得先检查优惠券是否有效"
JOURNEY_NAME = "新客户旅程"


def require_cjk_font():
    from gui.qt import QtGui

    if not QtGui.QFontDatabase.families(QtGui.QFontDatabase.WritingSystem.SimplifiedChinese):
        pytest.skip("no font with Simplified Chinese glyphs (fc-list :lang=zh is empty); "
                    "install one, e.g. fonts-wqy-microhei, as .ci/run does")


def missing_glyphs(text: str, font) -> list[str]:
    """Characters of ``text`` that ``font`` (with Qt's fallback fonts) draws as an empty box."""
    from gui.qt import QtGui

    layout = QtGui.QTextLayout(text, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    indexes = [i for run in layout.glyphRuns() for i in run.glyphIndexes()]
    # Glyph 0 is the font's "missing character" box; these scripts shape one glyph per character.
    assert len(indexes) == len(text)
    return [ch for ch, index in zip(text, indexes, strict=True) if index == 0]


def test_missing_glyph_check_detects_boxes(qapp):
    from gui.qt import QtGui

    assert missing_glyphs("\uffff", QtGui.QFont()) == ["\uffff"]


def test_chinese_names_and_notes_render_and_save_verbatim(qtbot, tmp_path):
    require_cjk_font()
    from engine.store.workspace import Workspace
    from gui.app import make_application
    from gui.main_window import MainWindow
    from gui.qt import QtWidgets

    make_application()
    reg = default_registry()
    journey = Journey(name=JOURNEY_NAME)
    entry = make_node(reg, "orchestrate.entry", 0, 0, title=TITLE)
    note = make_node(reg, "map.note", 0, 220)
    note.config = {**note.config, "text": NOTE_TEXT}
    journey.nodes += [entry, note]

    ws = Workspace.open(tmp_path / "workspace.db")
    win = MainWindow(ws, reg)
    win._ask_save = lambda name: "discard"
    win.resize(1280, 800)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    try:
        ws.create_journey(journey)
        win.open_journey(journey.id)
        QtWidgets.QApplication.processEvents()
        canvas_node = win.canvas.nodes[entry.id]
        note_node = win.canvas.nodes[note.id]
        assert canvas_node.display_title == TITLE
        assert NOTE_TEXT in note_node.summary_text
        assert JOURNEY_NAME in win.windowTitle()

        # Real glyphs, not boxes, in the fonts the canvas paints titles and notes with.
        graphics = canvas_node.grNode
        assert missing_glyphs(TITLE, graphics._title_font) == []
        assert missing_glyphs(NOTE_TEXT, note_node.grNode._small_font) == []

        # And on screen: with boxes, every character looks the same, so reordering the title would
        # leave the picture unchanged. With glyphs the header differs.
        view = win.canvas.view
        view.centerOn(graphics)
        QtWidgets.QApplication.processEvents()
        rect = view.mapFromScene(graphics.sceneBoundingRect()).boundingRect()

        def header_image():
            QtWidgets.QApplication.processEvents()
            return view.viewport().grab(rect).toImage()

        before = header_image()
        assert win.editor.execute(RenameNode(entry.id, TITLE[::-1]))
        after = header_image()
        assert canvas_node.display_title == TITLE[::-1]
        assert before != after
        win.editor.undo_stack.undo()
        assert header_image() == before

        # Files keep the characters as they are, in UTF-8, without \u escapes.
        assert win.save_draft()
        assert win.workspace.load_draft(journey.id).node(entry.id).title == TITLE
        out = tmp_path / "chinese.journey.json"
        assert win.export_path(str(out))
        raw = out.read_bytes()
        text = raw.decode("utf-8")
        for value in (TITLE, NOTE_TEXT, JOURNEY_NAME):
            assert value.encode("utf-8") in raw
        assert "\\u" not in text
        loaded = load(out)
        assert loaded.name == JOURNEY_NAME
        assert {n.title for n in loaded.nodes} >= {TITLE}
        assert any(n.config.get("text") == NOTE_TEXT for n in loaded.nodes)
    finally:
        if win.editor is not None:
            win.editor.undo_stack.setClean()
        win.close()
        ws.close()
