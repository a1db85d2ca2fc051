"""The inspector dock: the selected node's header, its generated settings form and its problems.

:class:`Inspector` shows one node (or an empty state, or a count when several are selected). It
reports edits as ``configEdited(node_id, path, config)`` and ``titleEdited(node_id, title)``; the
window applies them to the document (as undoable commands) and calls :meth:`Inspector.refresh`.
A node whose type is not installed is shown read-only with its data, which is kept as it is.
Send and Notify team nodes also get a live preview of their message for a sample customer
(:class:`~gui.template_editor.TemplatePreview`).
"""

from __future__ import annotations

import html
import json
import time
from importlib.resources import files
from typing import Any

from engine.document import Node
from engine.spec import STAGE_COLORS, NodeSpec
from gui.forms import ERROR_COLOR, ConfigForm, secondary
from gui.palette import stage_name
from gui.qt import Qt, QtCore, QtGui, QtWidgets, Signal, translate
from gui.template_editor import DEFAULT_ATTRIBUTES, PREVIEW_TYPES, TemplatePreview, workspace_attribute_names

WARNING_COLOR = "#B26A00"
#: Seconds the customer attribute names offered by placeholder menus are reused before reading again.
ATTRIBUTES_TTL_S = 60.0
#: Descriptions longer than this many characters show their first sentence and "More…".
DESCRIPTION_FOLD = 180


def icon_path(name: str) -> str | None:
    """The file of ``resources/icons/<name>.svg``, if it exists."""
    if not name:
        return None
    try:
        path = files("resources") / "icons" / f"{name}.svg"
    except (ModuleNotFoundError, TypeError):
        return None
    return str(path) if path.is_file() else None


def node_icon(spec: NodeSpec | None, size: int = 32) -> QtGui.QIcon:
    """The spec's white line icon on a rounded tile in its stage colour (as in the palette)."""
    if spec is not None:
        from gui.palette import stage_icon

        return stage_icon(spec, size)
    color = QtGui.QColor(STAGE_COLORS[spec.stage] if spec is not None else "#9AA0A6")
    ratio = 2
    pixmap = QtGui.QPixmap(size * ratio, size * ratio)
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QtGui.QPainter(pixmap)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawRoundedRect(QtCore.QRectF(1, 1, size - 2, size - 2), 7, 7)
    letter = (spec.title[:1] if spec is not None else "?").upper()
    font = QtGui.QFont()
    font.setBold(True)
    font.setPixelSize(int(size * 0.5))
    painter.setFont(font)
    painter.setPen(QtGui.QColor("white"))
    painter.drawText(QtCore.QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, letter)
    painter.end()
    return QtGui.QIcon(pixmap)


def _issue_parts(issue: Any) -> tuple[str, str]:
    """``(severity, text)`` of a validation message, whatever shape the validator gives it."""
    if isinstance(issue, str):
        return "error", issue
    if isinstance(issue, tuple) and len(issue) == 2:
        path, message = issue
        return "error", f"{path}: {message}" if path else str(message)
    severity = getattr(issue, "severity", None) or getattr(issue, "level", None) or "error"
    severity = getattr(severity, "value", severity)
    # The message already says where, as the fields are titled ("Condition › Segment must not be
    # empty"); the dotted path would repeat it in the document's own words.
    message = getattr(issue, "message", None) or str(issue)
    return str(severity).lower(), str(message)


class _IssueList(QtWidgets.QWidget):
    """The node's problems, one line each with an icon for its severity."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("issueList")
        self._layout = QtWidgets.QVBoxLayout(self)
        self._layout.setContentsMargins(0, 8, 0, 0)
        self._layout.setSpacing(4)
        self.heading = QtWidgets.QLabel(self.tr("Problems"), self)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self._layout.addWidget(self.heading)
        self.rows: list[QtWidgets.QWidget] = []
        self.hide()

    def set_issues(self, issues: list) -> None:
        for row in self.rows:
            row.setParent(None)
            row.deleteLater()
        self.rows = []
        style = self.style()
        for issue in issues or []:
            severity, text = _issue_parts(issue)
            row = QtWidgets.QWidget(self)
            lay = QtWidgets.QHBoxLayout(row)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.setSpacing(6)
            icon = QtWidgets.QLabel(row)
            is_error = severity not in ("warning", "info", "hint")
            standard = (QtWidgets.QStyle.StandardPixmap.SP_MessageBoxCritical if is_error
                        else QtWidgets.QStyle.StandardPixmap.SP_MessageBoxWarning)
            icon.setPixmap(style.standardIcon(standard).pixmap(16, 16))
            icon.setAlignment(Qt.AlignmentFlag.AlignTop)
            label = QtWidgets.QLabel(text, row)
            label.setObjectName("issueText")
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setStyleSheet(f"color: {ERROR_COLOR if is_error else WARNING_COLOR};")
            lay.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
            lay.addWidget(label, 1)
            self._layout.addWidget(row)
            self.rows.append(row)
        self.setVisible(bool(self.rows))

    def texts(self) -> list[str]:
        return [row.findChild(QtWidgets.QLabel, "issueText").text() for row in self.rows]


class _Header(QtWidgets.QWidget):
    """Icon, type title, stage chip and the node's own title."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("inspectorHeader")
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(12, 12, 12, 10)
        lay.setSpacing(8)
        top = QtWidgets.QHBoxLayout()
        top.setSpacing(10)
        self.icon = QtWidgets.QLabel(self)
        self.icon.setFixedSize(36, 36)
        self.icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        names = QtWidgets.QVBoxLayout()
        names.setSpacing(3)
        self.type_title = QtWidgets.QLabel(self)
        self.type_title.setObjectName("typeTitle")
        self.type_title.setWordWrap(True)
        font = self.type_title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.type_title.setFont(font)
        chips = QtWidgets.QHBoxLayout()
        chips.setSpacing(6)
        self.chip = QtWidgets.QLabel(self)
        self.chip.setObjectName("stageChip")
        self.chip.setAlignment(Qt.AlignmentFlag.AlignCenter)
        chip_font = self.chip.font()
        chip_font.setBold(True)
        chip_font.setPointSizeF(chip_font.pointSizeF() * 0.85)
        self.chip.setFont(chip_font)
        self.type_key = QtWidgets.QLabel(self)
        self.type_key.setObjectName("typeKey")
        secondary(self.type_key)
        chips.addWidget(self.chip)
        chips.addWidget(self.type_key)
        chips.addStretch(1)
        names.addWidget(self.type_title)
        names.addLayout(chips)
        top.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(names, 1)
        lay.addLayout(top)
        self.description = QtWidgets.QLabel(self)
        self.description.setObjectName("typeDescription")
        self.description.setWordWrap(True)
        self.description.setTextFormat(Qt.TextFormat.RichText)
        self.description.linkActivated.connect(self._toggle_description)
        secondary(self.description)
        lay.addWidget(self.description)
        #: The node type's whole description, and whether it is shown whole (a long one starts
        #: folded to its first sentence, so that the settings stay in view on a small screen).
        self._description = ""
        self._described_whole = False
        title_label = QtWidgets.QLabel(translate("Inspector", "Title"), self)
        title_label.setObjectName("fieldLabel")
        self.title_edit = QtWidgets.QLineEdit(self)
        self.title_edit.setObjectName("nodeTitle")
        title_label.setBuddy(self.title_edit)
        title_box = QtWidgets.QVBoxLayout()
        title_box.setSpacing(2)
        title_box.addWidget(title_label)
        title_box.addWidget(self.title_edit)
        lay.addSpacing(2)
        lay.addLayout(title_box)

    def show_spec(self, spec: NodeSpec | None, type_key: str) -> None:
        self.icon.setPixmap(node_icon(spec, 32).pixmap(32, 32))
        if spec is None:
            self.type_title.setText(translate("Inspector", "Unknown node type"))
            self.chip.hide()
            self.description.hide()
            self.type_key.setText(type_key)
            return
        self.type_title.setText(translate("nodes", spec.title))
        color = STAGE_COLORS[spec.stage]
        self.chip.setText(stage_name(spec.stage))
        self.chip.setStyleSheet(
            f"QLabel#stageChip {{ background: {color}; color: white; border-radius: 9px;"
            f" padding: 1px 9px; }}")
        self.chip.show()
        self.type_key.setText("")
        self._description = translate("nodes", spec.description)
        self._show_description()
        self.description.setVisible(bool(spec.description))

    def _show_description(self) -> None:
        text = self._description
        first, stop, rest = text.partition(". ")
        if self._described_whole or len(text) <= DESCRIPTION_FOLD or not rest:
            shown = html.escape(text)
            if len(text) > DESCRIPTION_FOLD and rest:
                shown += f' <a href="less">{html.escape(translate("Inspector", "Less"))}</a>'
            self.description.setToolTip("")
        else:
            shown = (f'{html.escape(first + stop.strip())} '
                     f'<a href="more">{html.escape(translate("Inspector", "More…"))}</a>')
            self.description.setToolTip(text)
        self.description.setText(shown)

    def _toggle_description(self, link: str) -> None:
        self._described_whole = link == "more"
        self._show_description()


class Inspector(QtWidgets.QWidget):
    """The settings of the selected node, meant for a dock titled "Inspector"."""

    configEdited = Signal(str, str, object)  # noqa: N815 - Qt signal naming
    titleEdited = Signal(str, str)  # noqa: N815 - Qt signal naming
    #: "Manage channels…" was clicked in a channel picker.
    manageChannelsRequested = Signal()  # noqa: N815 - Qt signal naming
    #: A picker asked for a window (``manage_channels``, ``manage_segments``, ``manage_write_keys``)
    #: or says its edit is complete (``edit_done``).
    formRequested = Signal(str)  # noqa: N815 - Qt signal naming

    PAGE_EMPTY, PAGE_MANY, PAGE_NODE = range(3)

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("inspector")
        self.node_id: str | None = None
        self.spec: NodeSpec | None = None
        self.form: ConfigForm | None = None
        self.raw_view: QtWidgets.QPlainTextEdit | None = None
        self.preview: TemplatePreview | None = None
        self.workspace = None
        self._attributes: tuple[float, list[str]] | None = None
        self._choices: dict[str, list[str]] = {}

        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.pages = QtWidgets.QStackedWidget(self)
        outer.addWidget(self.pages)

        self.empty_page = self._message_page(
            self.tr("Select a node to edit its settings"),
            self.tr("Click a node on the canvas, or drag one in from the palette."))
        self.many_page = self._message_page("", self.tr("Select a single node to edit its settings."))
        self.pages.addWidget(self.empty_page)
        self.pages.addWidget(self.many_page)

        self.node_page = QtWidgets.QWidget(self)
        node_lay = QtWidgets.QVBoxLayout(self.node_page)
        node_lay.setContentsMargins(0, 0, 0, 0)
        node_lay.setSpacing(0)
        self.header = _Header(self.node_page)
        self.header.title_edit.textEdited.connect(self._title_typed)
        line = QtWidgets.QFrame(self.node_page)
        line.setFrameShape(QtWidgets.QFrame.Shape.HLine)
        line.setFrameShadow(QtWidgets.QFrame.Shadow.Sunken)
        self.scroll = QtWidgets.QScrollArea(self.node_page)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body = QtWidgets.QWidget()
        self.body.setObjectName("inspectorBody")
        self.body_layout = QtWidgets.QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(12, 10, 12, 12)
        self.body_layout.setSpacing(6)
        self.issues = _IssueList(self.body)
        self.body_layout.addWidget(self.issues)
        self.body_layout.addStretch(1)
        self.scroll.setWidget(self.body)
        node_lay.addWidget(self.header)
        node_lay.addWidget(line)
        node_lay.addWidget(self.scroll, 1)
        self.pages.addWidget(self.node_page)
        self.show_nothing()

    def _message_page(self, text: str, hint: str) -> QtWidgets.QWidget:
        page = QtWidgets.QWidget(self)
        lay = QtWidgets.QVBoxLayout(page)
        lay.setContentsMargins(24, 24, 24, 24)
        lay.addStretch(2)
        title = QtWidgets.QLabel(text, page)
        title.setObjectName("emptyTitle")
        title.setWordWrap(True)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        title.setFont(font)
        sub = QtWidgets.QLabel(hint, page)
        sub.setObjectName("emptyHint")
        sub.setWordWrap(True)
        sub.setAlignment(Qt.AlignmentFlag.AlignCenter)
        secondary(sub)
        lay.addWidget(title)
        lay.addSpacing(4)
        lay.addWidget(sub)
        lay.addStretch(3)
        page.title_label = title
        return page

    # -- states -----------------------------------------------------------------------------
    def _clear_body(self) -> None:
        for widget in (self.form, self.raw_view, getattr(self, "_raw_note", None), self.preview):
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        self.form = None
        self.raw_view = None
        self._raw_note = None
        self.preview = None

    def show_nothing(self) -> None:
        self._clear_body()
        self.node_id = None
        self.spec = None
        self.pages.setCurrentIndex(self.PAGE_EMPTY)

    def show_many(self, n: int) -> None:
        self._clear_body()
        self.node_id = None
        self.spec = None
        self.many_page.title_label.setText(self.tr("%n nodes selected", "", n))
        self.pages.setCurrentIndex(self.PAGE_MANY)

    def show_node(self, node: Node, spec: NodeSpec | None, issues: list | None = None) -> None:
        self._clear_body()
        self.node_id = node.id
        self.spec = spec
        self.header.show_spec(spec, node.type)
        self.header.title_edit.setText(node.title)
        self.header.title_edit.setPlaceholderText(
            translate("nodes", spec.title) if spec is not None else translate("Inspector", "Untitled"))
        if spec is None:
            self._show_raw(node)
        else:
            self.form = ConfigForm(spec.config_model, node.config, self.body)
            for hint, choices in self._choices.items():
                self.form.set_choices(hint, choices)
            self.form.edited.connect(self._form_edited)
            self.form.manageChannelsRequested.connect(self.manageChannelsRequested)
            self.form.requested.connect(self.formRequested)
            self.body_layout.insertWidget(0, self.form)
            self.form.set_errors(spec.config_errors(node.config))
            if spec.type_key in PREVIEW_TYPES:
                self._add_preview(spec.type_key, node.config)
        self.issues.set_issues(issues or [])
        self.pages.setCurrentIndex(self.PAGE_NODE)
        self.scroll.verticalScrollBar().setValue(0)

    def _add_preview(self, type_key: str, config: dict) -> None:
        self.form.set_choices("placeholder", self.attribute_names())
        self.preview = TemplatePreview(self.body)
        self.preview.set_workspace(self.workspace)
        self.body_layout.insertWidget(1, self.preview)
        self.preview.set_node(type_key, config)

    def set_workspace(self, workspace) -> None:
        """The workspace whose customers the preview and the placeholder menus draw on."""
        self.workspace = workspace
        self._attributes = None
        if self.preview is not None:
            self.preview.set_workspace(workspace)

    def attribute_names(self) -> list[str]:
        """Customer attributes for placeholder menus: the usual ones and those the workspace's
        customers hold (read at most once a minute: selecting nodes must stay instant)."""
        now = time.monotonic()
        if self._attributes is None or now - self._attributes[0] > ATTRIBUTES_TTL_S:
            self._attributes = (now, workspace_attribute_names(self.workspace))
        return list(dict.fromkeys([*DEFAULT_ATTRIBUTES, *self._attributes[1]]))

    def _show_raw(self, node: Node) -> None:
        note = QtWidgets.QLabel(
            translate("Inspector", "The node type “%1” is not installed, so its settings cannot be edited "
                                   "here. Its data is kept unchanged and saved with the journey.")
            .replace("%1", node.type),
            self.body)
        note.setObjectName("unknownNote")
        note.setWordWrap(True)
        view = QtWidgets.QPlainTextEdit(self.body)
        view.setObjectName("rawConfig")
        view.setReadOnly(True)
        view.setFont(QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont))
        view.setPlainText(json.dumps(node.config, indent=2, sort_keys=True, ensure_ascii=False))
        view.setMinimumHeight(160)
        self.body_layout.insertWidget(0, note)
        self.body_layout.insertWidget(1, view)
        self._raw_note = note
        self.raw_view = view

    def refresh(self, node: Node, issues: list | None = None) -> None:
        """Show ``node``'s current values in place when it is the node on display."""
        if node.id != self.node_id:
            return
        edit = self.header.title_edit
        if edit.text() != node.title:
            edit.setText(node.title)
        if self.form is not None and self.spec is not None:
            self.form.set_value(node.config)
            self.form.set_errors(self.spec.config_errors(node.config))
            if self.preview is not None:
                self.preview.set_config(node.config)
        elif self.raw_view is not None:
            text = json.dumps(node.config, indent=2, sort_keys=True, ensure_ascii=False)
            if self.raw_view.toPlainText() != text:
                self.raw_view.setPlainText(text)
        self.issues.set_issues(issues or [])

    def set_choices(self, hint: str, choices: list) -> None:
        """Choices for ``channel``/``event``/``segment``/``write_key`` pickers, kept for the next
        nodes shown."""
        self._choices[hint] = list(choices)
        if self.form is not None:
            self.form.set_choices(hint, choices)

    # -- edits ------------------------------------------------------------------------------
    def _form_edited(self, path: str, config: dict) -> None:
        if self.node_id is None:
            return
        if self.spec is not None and self.form is not None:
            # The edit goes through even when invalid: the document may hold it, the form says why.
            self.form.set_errors(self.spec.config_errors(config))
        if self.preview is not None:
            self.preview.set_config(config)
        self.configEdited.emit(self.node_id, path, config)

    def _title_typed(self, text: str) -> None:
        if self.node_id is not None:
            self.titleEdited.emit(self.node_id, text)
