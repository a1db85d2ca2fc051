"""The node palette: every node type of the registry, grouped by MTAOO stage, searchable, draggable.

Also owns :func:`stage_icon`, the one way the GUI draws a node type's icon (white line art on a
rounded square in the stage colour), so the canvas, inspector and dialogs show the same picture.
"""

from __future__ import annotations

import html
from importlib.resources import files

from engine.spec import STAGE_COLORS, NodeSpec, Registry, Stage
from gui.qt import Qt, QtCore, QtGui, QtSvg, QtWidgets, Signal, translate

#: Mime type of a palette drag; the payload is the node type key in UTF-8.
NODE_MIME_TYPE = "application/x-journey-studio-node-type"

_TYPE_KEY_ROLE = Qt.ItemDataRole.UserRole + 1
_SEARCH_TEXT_ROLE = Qt.ItemDataRole.UserRole + 2


def stage_name(stage: Stage) -> str:
    """The translated display name of a stage."""
    names = {
        Stage.MAP: translate("Stage", "Map"),
        Stage.TRACK: translate("Stage", "Track"),
        Stage.ANALYZE: translate("Stage", "Analyze"),
        Stage.ORCHESTRATE: translate("Stage", "Orchestrate"),
        Stage.OPTIMIZE: translate("Stage", "Optimize"),
    }
    return names[stage]


def node_title(spec: NodeSpec) -> str:
    return QtCore.QCoreApplication.translate("nodes", spec.title)


def node_description(spec: NodeSpec) -> str:
    return QtCore.QCoreApplication.translate("nodes", spec.description) if spec.description else ""


# ---------------------------------------------------------------------------------------------
# Icons
# ---------------------------------------------------------------------------------------------

_svg_cache: dict[str, QtSvg.QSvgRenderer | None] = {}
_pixmap_cache: dict[tuple[str, str, str, int, float], QtGui.QPixmap] = {}
_icon_cache: dict[tuple[str, str, str, int], QtGui.QIcon] = {}


def _icons_dir():
    return files("resources") / "icons"


def _svg_renderer(name: str) -> QtSvg.QSvgRenderer | None:
    if name not in _svg_cache:
        renderer = None
        if name:
            resource = _icons_dir() / f"{name}.svg"
            try:
                data = resource.read_bytes()
            except (FileNotFoundError, NotADirectoryError, OSError):
                data = b""
            if data:
                candidate = QtSvg.QSvgRenderer(QtCore.QByteArray(data))
                renderer = candidate if candidate.isValid() else None
        _svg_cache[name] = renderer
    return _svg_cache[name]


def stage_pixmap(spec: NodeSpec, size: int, device_pixel_ratio: float = 1.0) -> QtGui.QPixmap:
    """The icon of ``spec`` as a pixmap of ``size`` logical pixels (cached).

    A type whose SVG is missing gets the first letter of its title instead, so a third-party node
    pack without icons still shows something recognisable.
    """
    key = (spec.icon, spec.stage.value, spec.title, size, device_pixel_ratio)
    cached = _pixmap_cache.get(key)
    if cached is not None:
        return cached
    physical = max(1, round(size * device_pixel_ratio))
    pixmap = QtGui.QPixmap(physical, physical)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QtGui.QPainter(pixmap)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform)
    rect = QtCore.QRectF(0, 0, physical, physical)
    radius = physical * 0.22
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QtGui.QColor(STAGE_COLORS[spec.stage]))
    painter.drawRoundedRect(rect, radius, radius)
    renderer = _svg_renderer(spec.icon)
    if renderer is not None:
        margin = physical * 0.18
        renderer.render(painter, rect.adjusted(margin, margin, -margin, -margin))
    else:
        letter = (node_title(spec) or spec.type_key or "?")[:1].upper()
        font = QtGui.QFont()
        font.setBold(True)
        font.setPixelSize(max(6, round(physical * 0.55)))
        painter.setFont(font)
        painter.setPen(QtGui.QColor("white"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, letter)
    painter.end()
    pixmap.setDevicePixelRatio(device_pixel_ratio)
    _pixmap_cache[key] = pixmap
    return pixmap


def stage_icon(spec: NodeSpec, size: int = 24) -> QtGui.QIcon:
    """A QIcon of ``spec`` with crisp pixmaps for normal and high-density screens (cached)."""
    key = (spec.icon, spec.stage.value, spec.title, size)
    icon = _icon_cache.get(key)
    if icon is None:
        icon = QtGui.QIcon()
        for ratio in (1.0, 2.0):
            icon.addPixmap(stage_pixmap(spec, size, ratio))
        _icon_cache[key] = icon
    return icon


def stage_chip_icon(stage: Stage, size: int = 12) -> QtGui.QIcon:
    """A small rounded square in the stage colour, for stage headers and legends."""
    icon = QtGui.QIcon()
    for ratio in (1.0, 2.0):
        physical = max(1, round(size * ratio))
        pixmap = QtGui.QPixmap(physical, physical)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QtGui.QPainter(pixmap)
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QtGui.QColor(STAGE_COLORS[stage]))
        painter.drawRoundedRect(QtCore.QRectF(0, 0, physical, physical), physical * 0.3, physical * 0.3)
        painter.end()
        pixmap.setDevicePixelRatio(ratio)
        icon.addPixmap(pixmap)
    return icon


# ---------------------------------------------------------------------------------------------
# The palette
# ---------------------------------------------------------------------------------------------

class _PaletteTree(QtWidgets.QTreeWidget):
    """The tree of node types; knows how to start a drag and when to ask for an add."""

    addRequested = Signal(str)

    def __init__(self, palette: Palette):
        super().__init__(palette)
        self._palette = palette

    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt override
        return [NODE_MIME_TYPE]

    def mimeData(self, items) -> QtCore.QMimeData:  # noqa: N802 - Qt override
        keys = [item.data(0, _TYPE_KEY_ROLE) for item in items if item.data(0, _TYPE_KEY_ROLE)]
        return self._palette.mime_data_for(keys[0]) if keys else QtCore.QMimeData()

    def startDrag(self, supported_actions) -> None:  # noqa: N802 - Qt override
        item = self.currentItem()
        type_key = item.data(0, _TYPE_KEY_ROLE) if item is not None else None
        if not type_key:
            return
        drag = QtGui.QDrag(self)
        drag.setMimeData(self._palette.mime_data_for(type_key))
        spec = self._palette.registry.get(type_key)
        if spec is not None:
            pixmap = stage_pixmap(spec, 40, self.devicePixelRatioF())
            drag.setPixmap(pixmap)
            drag.setHotSpot(QtCore.QPoint(20, 20))
        drag.exec(Qt.DropAction.CopyAction, Qt.DropAction.CopyAction)

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            item = self.currentItem()
            if item is not None and item.data(0, _TYPE_KEY_ROLE):
                self.addRequested.emit(item.data(0, _TYPE_KEY_ROLE))
                event.accept()
                return
        super().keyPressEvent(event)


class Palette(QtWidgets.QWidget):
    """Search box above a tree of node types grouped by stage.

    Dragging an item carries :data:`NODE_MIME_TYPE`; double-click or Enter emits ``addRequested``.
    """

    addRequested = Signal(str)

    def __init__(self, registry: Registry, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.registry = registry
        self._groups: dict[Stage, QtWidgets.QTreeWidgetItem] = {}

        self.search = QtWidgets.QLineEdit(self)
        self.search.setObjectName("paletteSearch")
        self.search.setPlaceholderText(self.tr("Search nodes…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.set_filter)
        self.search.installEventFilter(self)

        self.tree = _PaletteTree(self)
        self.tree.setObjectName("paletteTree")
        self.tree.setHeaderHidden(True)
        self.tree.setColumnCount(1)
        self.tree.setIndentation(10)
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setIconSize(QtCore.QSize(22, 22))
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QtWidgets.QAbstractItemView.DragDropMode.DragOnly)
        self.tree.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.tree.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.itemDoubleClicked.connect(self._on_double_clicked)
        self.tree.addRequested.connect(self.addRequested)

        self.empty_label = QtWidgets.QLabel(self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setEnabled(False)
        self.empty_label.hide()

        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty_label)
        self.setMinimumWidth(180)

        self._populate()

    # -- building ----------------------------------------------------------------------------
    def set_registry(self, registry: Registry) -> None:
        """Show the node types of another registry (e.g. after a node pack was installed)."""
        self.registry = registry
        self._populate()
        self.set_filter(self.search.text())

    def _populate(self) -> None:
        self.tree.clear()
        self._groups.clear()
        header_font = QtGui.QFont(self.tree.font())
        header_font.setBold(True)
        by_stage: dict[Stage, list[NodeSpec]] = {stage: [] for stage in Stage}
        for spec in self.registry:
            by_stage[spec.stage].append(spec)
        for stage in sorted(Stage, key=lambda s: s.order):
            specs = by_stage[stage]
            if not specs:
                continue
            group = QtWidgets.QTreeWidgetItem([stage_name(stage)])
            group.setFont(0, header_font)
            group.setIcon(0, stage_chip_icon(stage))
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            group.setSizeHint(0, QtCore.QSize(0, 26))
            self.tree.addTopLevelItem(group)
            self._groups[stage] = group
            for spec in sorted(specs, key=lambda s: node_title(s).casefold()):
                title = node_title(spec)
                description = node_description(spec)
                item = QtWidgets.QTreeWidgetItem([title])
                item.setIcon(0, stage_icon(spec, 22))
                item.setData(0, _TYPE_KEY_ROLE, spec.type_key)
                words = [title, description, spec.title, spec.description, spec.type_key, *spec.keywords]
                item.setData(0, _SEARCH_TEXT_ROLE, " ".join(words).casefold())
                tip = f"<b>{html.escape(title)}</b>"
                if description:
                    tip += f"<br>{html.escape(description)}"
                tip += self.tr("<br><span style='color:gray'>Drag onto the canvas or double-click to add.</span>")
                item.setToolTip(0, f"<qt>{tip}</qt>")
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                              | Qt.ItemFlag.ItemIsDragEnabled)
                group.addChild(item)
            group.setExpanded(True)

    # -- search ------------------------------------------------------------------------------
    def set_filter(self, text: str) -> None:
        """Show only node types whose title, description, key or keywords contain every word of ``text``."""
        words = text.casefold().split()
        visible_total = 0
        for group in self._groups.values():
            visible = 0
            for i in range(group.childCount()):
                child = group.child(i)
                haystack = child.data(0, _SEARCH_TEXT_ROLE) or ""
                match = all(word in haystack for word in words)
                child.setHidden(not match)
                visible += match
            group.setHidden(visible == 0)
            group.setExpanded(True)
            visible_total += visible
        if visible_total == 0:
            self.empty_label.setText(
                self.tr("No node matches “%1”.").replace("%1", text.strip()) if words
                else self.tr("No node types are installed."))
        self.empty_label.setVisible(visible_total == 0)
        if words and visible_total:
            first = self.visible_type_keys()[0]
            current = self.tree.currentItem()
            if current is None or current.isHidden() or not current.data(0, _TYPE_KEY_ROLE):
                self.tree.setCurrentItem(self._item_for(first))

    def visible_type_keys(self) -> list[str]:
        """Type keys currently shown, in display order."""
        keys = []
        for group in self._groups.values():
            if group.isHidden():
                continue
            for i in range(group.childCount()):
                child = group.child(i)
                if not child.isHidden():
                    keys.append(child.data(0, _TYPE_KEY_ROLE))
        return keys

    def visible_stages(self) -> list[Stage]:
        return [stage for stage, group in self._groups.items() if not group.isHidden()]

    def _item_for(self, type_key: str) -> QtWidgets.QTreeWidgetItem | None:
        for group in self._groups.values():
            for i in range(group.childCount()):
                if group.child(i).data(0, _TYPE_KEY_ROLE) == type_key:
                    return group.child(i)
        return None

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:  # noqa: N802
        if watched is self.search and event.type() == QtCore.QEvent.Type.KeyPress:
            key = event.key()
            if key == Qt.Key.Key_Escape and self.search.text():
                self.search.clear()
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                item = self.tree.currentItem()
                if item is not None and not item.isHidden() and item.data(0, _TYPE_KEY_ROLE):
                    self.addRequested.emit(item.data(0, _TYPE_KEY_ROLE))
                    return True
            if key == Qt.Key.Key_Down:
                self.tree.setFocus(Qt.FocusReason.TabFocusReason)
                return True
        return super().eventFilter(watched, event)

    # -- drag and add ------------------------------------------------------------------------
    def mime_data_for(self, type_key: str) -> QtCore.QMimeData:
        """The drag payload for a node type (what the canvas accepts on drop)."""
        mime = QtCore.QMimeData()
        mime.setData(NODE_MIME_TYPE, QtCore.QByteArray(type_key.encode("utf-8")))
        return mime

    def _on_double_clicked(self, item: QtWidgets.QTreeWidgetItem, _column: int) -> None:
        type_key = item.data(0, _TYPE_KEY_ROLE)
        if type_key:
            self.addRequested.emit(type_key)
