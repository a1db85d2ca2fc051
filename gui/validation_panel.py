"""The validation panel: the problems ``engine.validate`` found in the open journey.

Each issue shows its severity, its message and the node it concerns; activating one asks the
window (through ``issueActivated``) to select and centre that node or connection.
"""

from __future__ import annotations

from engine.document import Journey
from engine.spec import Registry
from engine.validate import Issue, field_label
from gui.qt import Qt, QtCore, QtGui, QtWidgets, Signal, fill

_ISSUE_ROLE = Qt.ItemDataRole.UserRole + 1
_WHERE_ROLE = Qt.ItemDataRole.UserRole + 2

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
_SEVERITY_ICONS = {
    "error": QtWidgets.QStyle.StandardPixmap.SP_MessageBoxCritical,
    "warning": QtWidgets.QStyle.StandardPixmap.SP_MessageBoxWarning,
    "info": QtWidgets.QStyle.StandardPixmap.SP_MessageBoxInformation,
}
_OK_COLOR = "#2E7D32"
_ERROR_COLOR = "#C62828"
_WARNING_COLOR = "#B26A00"


class _IssueDelegate(QtWidgets.QStyledItemDelegate):
    """Icon, word-wrapped message, and a smaller grey line naming the node."""

    ICON = 18
    PAD = 8
    GAP = 8

    def __init__(self, view: QtWidgets.QListView):
        super().__init__(view)
        self._view = view

    def _fonts(self, option: QtWidgets.QStyleOptionViewItem) -> tuple[QtGui.QFont, QtGui.QFont]:
        small = QtGui.QFont(option.font)
        small.setPointSizeF(max(7.0, option.font.pointSizeF() * 0.9))
        return option.font, small

    def _text_width(self, total: int) -> int:
        return max(60, total - 2 * self.PAD - self.ICON - self.GAP)

    def sizeHint(self, option: QtWidgets.QStyleOptionViewItem, index: QtCore.QModelIndex) -> QtCore.QSize:  # noqa: N802
        width = self._view.viewport().width()
        main, small = self._fonts(option)
        text_width = self._text_width(width)
        flags = int(Qt.TextFlag.TextWordWrap)
        message = index.data(Qt.ItemDataRole.DisplayRole) or ""
        height = QtGui.QFontMetrics(main).boundingRect(0, 0, text_width, 10_000, flags, message).height()
        where = index.data(_WHERE_ROLE) or ""
        if where:
            height += 2 + QtGui.QFontMetrics(small).height()
        return QtCore.QSize(width, max(self.ICON, height) + 2 * self.PAD)

    def paint(self, painter: QtGui.QPainter, option: QtWidgets.QStyleOptionViewItem,
              index: QtCore.QModelIndex) -> None:
        opt = QtWidgets.QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        style = opt.widget.style() if opt.widget is not None else QtWidgets.QApplication.style()
        # Background and selection only; text and icon are laid out below.
        opt.text = ""
        opt.icon = QtGui.QIcon()
        style.drawControl(QtWidgets.QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)

        rect = option.rect
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(icon, QtGui.QIcon):
            icon.paint(painter, QtCore.QRect(rect.left() + self.PAD, rect.top() + self.PAD, self.ICON, self.ICON))
        selected = bool(option.state & QtWidgets.QStyle.StateFlag.State_Selected)
        group = (QtGui.QPalette.ColorGroup.Active if option.state & QtWidgets.QStyle.StateFlag.State_Active
                 else QtGui.QPalette.ColorGroup.Inactive)
        text_color = option.palette.color(
            group, QtGui.QPalette.ColorRole.HighlightedText if selected else QtGui.QPalette.ColorRole.Text)
        main, small = self._fonts(option)
        left = rect.left() + self.PAD + self.ICON + self.GAP
        text_width = self._text_width(rect.width())
        message = index.data(Qt.ItemDataRole.DisplayRole) or ""
        flags = int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        message_rect = QtGui.QFontMetrics(main).boundingRect(0, 0, text_width, 10_000, flags, message)
        painter.save()
        painter.setFont(main)
        painter.setPen(text_color)
        painter.drawText(QtCore.QRect(left, rect.top() + self.PAD, text_width, message_rect.height()),
                         flags, message)
        where = index.data(_WHERE_ROLE) or ""
        if where:
            painter.setFont(small)
            muted = QtGui.QColor(text_color)
            if not selected:
                muted.setAlphaF(0.62)
            painter.setPen(muted)
            metrics = QtGui.QFontMetrics(small)
            y = rect.top() + self.PAD + message_rect.height() + 2
            painter.drawText(QtCore.QRect(left, y, text_width, metrics.height()),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             metrics.elidedText(where, Qt.TextElideMode.ElideRight, text_width))
        painter.restore()


class ValidationPanel(QtWidgets.QWidget):
    """Summary line, severity filters and the list of issues."""

    #: ``(node_id, edge_id)`` of the activated issue; an empty string where it names none.
    issueActivated = Signal(str, str)

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._issues: list[Issue] = []
        self._journey: Journey | None = None
        self._registry: Registry | None = None

        self.summary_icon = QtWidgets.QLabel(self)
        self.summary = QtWidgets.QLabel(self)
        self.summary.setObjectName("validationSummary")
        self.summary.setWordWrap(True)
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)

        self.filter_buttons: dict[str, QtWidgets.QToolButton] = {}
        for severity in ("error", "warning", "info"):
            button = QtWidgets.QToolButton()
            button.setCheckable(True)
            button.setChecked(True)
            button.setAutoRaise(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setIcon(self.style().standardIcon(_SEVERITY_ICONS[severity]))
            button.setIconSize(QtCore.QSize(14, 14))
            button.toggled.connect(lambda _checked: self._apply_filter())
            self.filter_buttons[severity] = button

        self.list = QtWidgets.QListWidget(self)
        self.list.setMinimumHeight(32)  # the dock may be made small; the summary line stays visible
        self.list.setObjectName("issueList")
        self.list.setItemDelegate(_IssueDelegate(self.list))
        self.list.setResizeMode(QtWidgets.QListView.ResizeMode.Adjust)
        self.list.setUniformItemSizes(False)
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setVerticalScrollMode(QtWidgets.QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.list.itemClicked.connect(self._on_item)
        self.list.itemActivated.connect(self._on_item)

        top = QtWidgets.QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(self.summary_icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.summary, 1)
        self.filter_bar = QtWidgets.QWidget(self)
        filters = QtWidgets.QHBoxLayout(self.filter_bar)
        filters.setContentsMargins(0, 0, 0, 0)
        filters.setSpacing(2)
        filters.addWidget(QtWidgets.QLabel(self.tr("Show:"), self.filter_bar))
        for button in self.filter_buttons.values():
            filters.addWidget(button)
        filters.addStretch(1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.list, 1)

        self.set_issues([], None)

    # -- content -----------------------------------------------------------------------------
    def set_issues(self, issues: list[Issue], journey: Journey | None, registry: Registry | None = None) -> None:
        """Show ``issues`` of ``journey``; ``registry`` (default: the installed catalogue) names
        untitled nodes after their type."""
        self._issues = sorted(issues, key=lambda i: _SEVERITY_ORDER.get(i.severity, 3))
        self._journey = journey
        if registry is not None:
            self._registry = registry
        self.list.clear()
        for issue in self._issues:
            item = QtWidgets.QListWidgetItem(issue.message)
            item.setIcon(self.style().standardIcon(_SEVERITY_ICONS.get(issue.severity, _SEVERITY_ICONS["info"])))
            item.setData(_ISSUE_ROLE, issue)
            where = self.location_text(issue)
            item.setData(_WHERE_ROLE, where)
            item.setToolTip(issue.message + (f"\n{where}" if where else ""))
            self.list.addItem(item)
        self._update_summary()
        self._apply_filter()

    def issues(self) -> list[Issue]:
        return list(self._issues)

    def visible_issues(self) -> list[Issue]:
        return [self.list.item(i).data(_ISSUE_ROLE) for i in range(self.list.count())
                if not self.list.item(i).isHidden()]

    def counts(self) -> dict[str, int]:
        out = {"error": 0, "warning": 0, "info": 0}
        for issue in self._issues:
            out[issue.severity] = out.get(issue.severity, 0) + 1
        return out

    def summary_text(self) -> str:
        return self.summary.text()

    def location_text(self, issue: Issue) -> str:
        """Where the issue is: the node's title (or its type's), a connection, or the journey."""
        parts = []
        if issue.node_id:
            parts.append(self._node_name(issue.node_id))
        elif issue.edge_id:
            parts.append(self._edge_name(issue.edge_id))
        elif self._journey is not None:
            parts.append(self.tr("Journey “%1”").replace("%1", self._journey.name))
        if issue.field and issue.code != "config_invalid":  # a config message names its field already
            parts.append(self._field_name(issue))
        return " · ".join(parts)

    def _field_name(self, issue: Issue) -> str:
        """The issue's field as the inspector titles it ("Customers enter › Segment")."""
        node = self._journey.node(issue.node_id) if self._journey is not None and issue.node_id else None
        spec = self._spec(node.type) if node is not None else None
        if spec is None:
            return issue.field.replace("_", " ").replace(".", " › ")
        return field_label(spec.config_model, node.config, issue.field)

    def _spec(self, type_key: str):
        if self._registry is None:
            # The installed catalogue knows the node types when no registry was given.
            from engine.spec import default_registry

            self._registry = default_registry()
        return self._registry.get(type_key)

    def _node_name(self, node_id: str) -> str:
        node = self._journey.node(node_id) if self._journey is not None else None
        if node is None:
            return self.tr("Missing node")
        if node.title:
            return node.title
        spec = self._spec(node.type)  # untitled nodes are named after their type
        if spec is not None:
            return QtCore.QCoreApplication.translate("nodes", spec.title)
        return node.type

    def _edge_name(self, edge_id: str) -> str:
        edge = self._journey.edge(edge_id) if self._journey is not None else None
        if edge is None:
            return self.tr("Connection")
        return fill(self.tr("Connection %1 → %2"), self._node_name(edge.source.node),
                    self._node_name(edge.target.node))

    def _update_summary(self) -> None:
        counts = self.counts()
        errors, warnings, infos = counts["error"], counts["warning"], counts["info"]
        if self._journey is None and not self._issues:
            text, color, icon = self.tr("No journey open"), None, None
        elif errors or warnings:
            parts = []
            if errors:
                parts.append(self.tr("1 error") if errors == 1 else self.tr("%n errors", "", errors))
            if warnings:
                parts.append(self.tr("1 warning") if warnings == 1 else self.tr("%n warnings", "", warnings))
            text = ", ".join(parts)
            if not errors:
                text = self.tr("%1 — you can still publish").replace("%1", text)
            color = _ERROR_COLOR if errors else _WARNING_COLOR
            icon = _SEVERITY_ICONS["error" if errors else "warning"]
        else:
            text, color, icon = self.tr("No problems found — ready to publish"), _OK_COLOR, None
        self.summary.setText(text)
        self.summary.setStyleSheet(f"color: {color};" if color else "")
        if icon is not None:
            self.summary_icon.setPixmap(self.style().standardIcon(icon).pixmap(16, 16))
        elif color == _OK_COLOR:
            self.summary_icon.setPixmap(self.style().standardIcon(
                QtWidgets.QStyle.StandardPixmap.SP_DialogApplyButton).pixmap(16, 16))
        else:
            self.summary_icon.clear()
        self.summary_icon.setVisible(icon is not None or color == _OK_COLOR)

        labels = {
            "error": self.tr("Errors (%1)"),
            "warning": self.tr("Warnings (%1)"),
            "info": self.tr("Notes (%1)"),
        }
        for severity, button in self.filter_buttons.items():
            button.setText(labels[severity].replace("%1", str(counts.get(severity, 0))))
        self.filter_buttons["info"].setVisible(infos > 0)
        self.filter_bar.setVisible(bool(self._issues))

    # -- filtering and activation ------------------------------------------------------------
    def set_severity_visible(self, severity: str, visible: bool) -> None:
        self.filter_buttons[severity].setChecked(visible)

    def _apply_filter(self) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            issue: Issue = item.data(_ISSUE_ROLE)
            button = self.filter_buttons.get(issue.severity)
            item.setHidden(button is not None and not button.isChecked())

    def _on_item(self, item: QtWidgets.QListWidgetItem) -> None:
        issue: Issue = item.data(_ISSUE_ROLE)
        self.issueActivated.emit(issue.node_id or "", issue.edge_id or "")

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        # Row heights depend on the width (wrapped messages); ask the view to measure again.
        self.list.scheduleDelayedItemsLayout()
