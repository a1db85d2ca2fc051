"""The journey browser dock: the workspace's journeys with search, archive filter and list actions.

It talks to the workspace only through ``list_journeys``, ``rename_journey``, ``duplicate_journey``,
``archive_journey`` and ``delete_journey``; opening and creating are left to the window through
signals. Workspace errors become message boxes, never tracebacks.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from engine.errors import JourneyStudioError
from gui.qt import Qt, QtCore, QtGui, QtWidgets, Signal, translate

_ID_ROLE = Qt.ItemDataRole.UserRole + 1
_SORT_ROLE = Qt.ItemDataRole.UserRole + 2

COL_NAME, COL_STATUS, COL_UPDATED, COL_VERSION = range(4)
#: Below this width (pixels) the list shows only the name and the status.
NARROW_LIST = 340

_STATUS_COLORS = {
    "draft": "#757575",
    "live": "#2E7D32",
    "paused": "#EF6C00",
    "archived": "#9E9E9E",
}


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def format_relative(when: datetime, now: datetime | None = None) -> str:
    """``just now``, ``5 min ago``, ``3 h ago``, ``yesterday``, ``4 days ago``, or a short date."""
    when = _aware(when)
    now = _aware(now) if now is not None else datetime.now(UTC)
    seconds = (now - when).total_seconds()
    if seconds < 60:
        return translate("Time", "just now")
    minutes = int(seconds // 60)
    if minutes < 60:
        return translate("Time", "%n min ago", "", minutes)
    hours = minutes // 60
    if hours < 24:
        return translate("Time", "%n h ago", "", hours)
    days = hours // 24
    if days == 1:
        return translate("Time", "yesterday")
    if days < 7:
        return translate("Time", "%n days ago", "", days)
    local = when.astimezone()
    qdate = QtCore.QDate(local.year, local.month, local.day)
    return QtCore.QLocale().toString(qdate, QtCore.QLocale.FormatType.ShortFormat)


def format_timestamp(when: datetime) -> str:
    """Full local date and time, for tooltips."""
    local = _aware(when).astimezone()
    qdt = QtCore.QDateTime(QtCore.QDate(local.year, local.month, local.day),
                           QtCore.QTime(local.hour, local.minute, local.second))
    return QtCore.QLocale().toString(qdt, QtCore.QLocale.FormatType.LongFormat)


def status_label(status: str, archived: bool = False) -> str:
    if archived:
        return translate("JourneyStatus", "Archived")
    labels = {
        "draft": translate("JourneyStatus", "Draft"),
        "live": translate("JourneyStatus", "Live"),
        "paused": translate("JourneyStatus", "Paused"),
        "archived": translate("JourneyStatus", "Archived"),
    }
    return labels.get(status, status)


class _Item(QtWidgets.QTreeWidgetItem):
    """Sorts by the raw value (timestamp, version number) rather than the displayed text."""

    def __lt__(self, other: QtWidgets.QTreeWidgetItem) -> bool:
        tree = self.treeWidget()
        column = tree.sortColumn() if tree is not None else 0
        mine, theirs = self.data(column, _SORT_ROLE), other.data(column, _SORT_ROLE)
        if mine is not None and theirs is not None and type(mine) is type(theirs):
            return mine < theirs
        return self.text(column).casefold() < other.text(column).casefold()


class JourneyBrowser(QtWidgets.QWidget):
    """The list of journeys in a workspace, for a dock."""

    openRequested = Signal(str)
    newRequested = Signal()
    #: The workspace changed through this widget (rename, duplicate, archive, delete).
    changed = Signal()

    def __init__(self, workspace=None, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self._current_id: str | None = None
        self._infos: dict[str, object] = {}
        self._populating = False

        self.search = QtWidgets.QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search…"))
        self.search.setToolTip(self.tr("Find journeys by name or description"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._apply_filter)

        self.show_archived = QtWidgets.QCheckBox(self.tr("Show archived"), self)
        self.show_archived.toggled.connect(lambda _checked: self.refresh())

        self.tree = QtWidgets.QTreeWidget(self)
        self.tree.setObjectName("journeyList")
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels([self.tr("Name"), self.tr("Status"), self.tr("Updated"), self.tr("Version")])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSortingEnabled(True)
        self.tree.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.EditKeyPressed)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._show_context_menu)
        self.tree.itemActivated.connect(self._on_activated)
        self.tree.itemChanged.connect(self._on_item_changed)
        self.tree.itemSelectionChanged.connect(self._update_actions)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_NAME, QtWidgets.QHeaderView.ResizeMode.Stretch)
        for column in (COL_STATUS, COL_UPDATED, COL_VERSION):
            header.setSectionResizeMode(column, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        header.setSortIndicator(COL_UPDATED, Qt.SortOrder.DescendingOrder)
        self.tree.installEventFilter(self)

        self.empty_label = QtWidgets.QLabel(self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setEnabled(False)
        self.empty_label.hide()

        self._build_actions()
        self.toolbar = QtWidgets.QToolBar(self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.setIconSize(QtCore.QSize(16, 16))
        for action in (self.action_new, self.action_open, self.action_rename, self.action_duplicate,
                       self.action_archive, self.action_delete):
            self.toolbar.addAction(action)

        filters = QtWidgets.QHBoxLayout()
        filters.setSpacing(8)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.show_archived)

        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.toolbar)
        layout.addLayout(filters)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty_label)
        self.refresh()

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.tree and event.type() == QtCore.QEvent.Type.Resize:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        """In a narrow dock the names come first: "Updated" and "Version" step aside (the name's
        tooltip still says them) rather than squeeze the names to a few letters."""
        narrow = self.tree.width() < NARROW_LIST
        for column in (COL_UPDATED, COL_VERSION):
            if self.tree.isColumnHidden(column) != narrow:
                self.tree.setColumnHidden(column, narrow)

    # -- actions -----------------------------------------------------------------------------
    def _build_actions(self) -> None:
        def make(text: str, tip: str, slot, shortcut=None) -> QtGui.QAction:
            action = QtGui.QAction(text, self)
            action.setToolTip(tip)
            action.setStatusTip(tip)
            if shortcut is not None:
                action.setShortcut(shortcut)
                # Only while the list has focus, so Delete in the canvas never deletes a journey.
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _checked=False: slot())
            self.addAction(action)
            return action

        self.action_new = make(self.tr("New"), self.tr("Create a new journey"), self.newRequested.emit)
        self.action_open = make(self.tr("Open"), self.tr("Open the selected journey"), self.open_selected)
        self.action_rename = make(self.tr("Rename"), self.tr("Rename the selected journey"),
                                  self.rename_selected, QtGui.QKeySequence(Qt.Key.Key_F2))
        self.action_duplicate = make(self.tr("Duplicate"), self.tr("Make a copy of the selected journey"),
                                     self.duplicate_selected)
        self.action_archive = make(self.tr("Archive"), self.tr("Hide the selected journey from the list"),
                                   self.toggle_archive_selected)
        self.action_delete = make(self.tr("Delete"), self.tr("Delete the selected journey for good"),
                                  self.delete_selected, QtGui.QKeySequence(QtGui.QKeySequence.StandardKey.Delete))

    def _update_actions(self) -> None:
        info = self.selected_info()
        has = info is not None and self.workspace is not None
        for action in (self.action_open, self.action_rename, self.action_duplicate, self.action_archive,
                       self.action_delete):
            action.setEnabled(has)
        self.action_new.setEnabled(self.workspace is not None)
        if info is not None and info.archived:
            self.action_archive.setText(self.tr("Unarchive"))
            self.action_archive.setToolTip(self.tr("Bring the selected journey back to the list"))
        else:
            self.action_archive.setText(self.tr("Archive"))
            self.action_archive.setToolTip(self.tr("Hide the selected journey from the list"))

    def _show_context_menu(self, pos: QtCore.QPoint) -> None:
        item = self.tree.itemAt(pos)
        if item is not None:
            self.tree.setCurrentItem(item)
        menu = QtWidgets.QMenu(self)
        if item is None:
            menu.addAction(self.action_new)
        else:
            menu.addAction(self.action_open)
            menu.addSeparator()
            menu.addAction(self.action_rename)
            menu.addAction(self.action_duplicate)
            menu.addAction(self.action_archive)
            menu.addSeparator()
            menu.addAction(self.action_delete)
        menu.exec(self.tree.viewport().mapToGlobal(pos))

    # -- data --------------------------------------------------------------------------------
    def set_workspace(self, workspace) -> None:
        self.workspace = workspace
        self.refresh()

    def refresh(self) -> None:
        """Reload the list from the workspace, keeping the selection where possible."""
        selected = self.selected_id()
        infos = []
        if self.workspace is not None:
            try:
                infos = self.workspace.list_journeys(include_archived=self.show_archived.isChecked())
            except JourneyStudioError as exc:
                self._show_error(self.tr("The journeys could not be listed."), exc)
        self._infos = {info.id: info for info in infos}
        now = datetime.now(UTC)
        self._populating = True
        self.tree.setSortingEnabled(False)
        try:
            self.tree.clear()
            for info in infos:
                self.tree.addTopLevelItem(self._make_item(info, now))
        finally:
            self.tree.setSortingEnabled(True)
            self._populating = False
        self._apply_current_highlight()
        self._apply_filter()
        if selected in self._infos:
            self.select(selected)
        self._update_actions()

    def _make_item(self, info, now: datetime) -> _Item:
        item = _Item()
        self._fill_item(item, info, now)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable)
        return item

    def _fill_item(self, item: QtWidgets.QTreeWidgetItem, info, now: datetime) -> None:
        item.setData(COL_NAME, _ID_ROLE, info.id)
        item.setText(COL_NAME, info.name)
        item.setData(COL_NAME, _SORT_ROLE, info.name.casefold())
        tip = info.name + (f"\n{info.description}" if info.description else "")
        count = (self.tr("1 node") if info.node_count == 1
                 else self.tr("%n nodes", "", info.node_count))
        tip += "\n" + count
        tip += "\n" + self.tr("Updated %1").replace("%1", format_timestamp(info.updated_at))
        tip += "\n" + (self.tr("Latest published version: %1").replace("%1", str(info.latest_version))
                       if info.latest_version else self.tr("Never published"))
        item.setToolTip(COL_NAME, tip)
        state = "archived" if info.archived else info.status
        item.setText(COL_STATUS, status_label(info.status, info.archived))
        item.setForeground(COL_STATUS, QtGui.QBrush(QtGui.QColor(_STATUS_COLORS.get(state, "#757575"))))
        item.setData(COL_STATUS, _SORT_ROLE, state)
        item.setText(COL_UPDATED, format_relative(info.updated_at, now))
        item.setToolTip(COL_UPDATED, format_timestamp(info.updated_at))
        item.setData(COL_UPDATED, _SORT_ROLE, _aware(info.updated_at).timestamp())
        if info.latest_version:
            item.setText(COL_VERSION, self.tr("v%1").replace("%1", str(info.latest_version)))
            item.setToolTip(COL_VERSION, self.tr("Latest published version"))
        else:
            item.setText(COL_VERSION, "—")
            item.setToolTip(COL_VERSION, self.tr("Never published"))
        item.setData(COL_VERSION, _SORT_ROLE, info.latest_version or 0)
        item.setTextAlignment(COL_VERSION, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if info.archived:
            font = QtGui.QFont(self.tree.font())
            font.setItalic(True)
            item.setFont(COL_NAME, font)
            item.setForeground(COL_NAME, QtGui.QBrush(self.palette().color(
                QtGui.QPalette.ColorGroup.Disabled, QtGui.QPalette.ColorRole.Text)))

    def _apply_filter(self, _text: str | None = None) -> None:
        words = self.search.text().casefold().split()
        shown = 0
        for item in self._items():
            info = self._infos.get(item.data(COL_NAME, _ID_ROLE))
            haystack = f"{info.name} {info.description}".casefold() if info is not None else ""
            match = all(word in haystack for word in words)
            item.setHidden(not match)
            shown += match
        if shown:
            self.empty_label.hide()
            return
        if self.workspace is None:
            text = self.tr("No workspace is open.")
        elif words:
            text = self.tr("No journey matches “%1”.").replace("%1", self.search.text().strip())
        elif self.show_archived.isChecked():
            text = self.tr("No journeys yet. Click New to create one.")
        else:
            text = self.tr("No journeys here. Click New to create one, or tick Show archived.")
        self.empty_label.setText(text)
        self.empty_label.show()

    def _items(self) -> list[QtWidgets.QTreeWidgetItem]:
        return [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]

    def _item_for(self, journey_id: str) -> QtWidgets.QTreeWidgetItem | None:
        for item in self._items():
            if item.data(COL_NAME, _ID_ROLE) == journey_id:
                return item
        return None

    def journey_ids(self, visible_only: bool = True) -> list[str]:
        """Ids in display order (hidden by the search box excluded unless ``visible_only`` is false)."""
        return [item.data(COL_NAME, _ID_ROLE) for item in self._items()
                if not (visible_only and item.isHidden())]

    def selected_id(self) -> str | None:
        items = self.tree.selectedItems()
        return items[0].data(COL_NAME, _ID_ROLE) if items else None

    def selected_info(self):
        journey_id = self.selected_id()
        return self._infos.get(journey_id) if journey_id else None

    def select(self, journey_id: str) -> None:
        item = self._item_for(journey_id)
        if item is not None:
            self.tree.setCurrentItem(item)
            self.tree.scrollToItem(item)

    def set_current(self, journey_id: str | None) -> None:
        """Mark the journey open in the window (bold), or none. A journey just opened is selected
        too (as is the open one when nothing is), so that Rename, Duplicate… act on the journey on
        screen; a row picked since the journey was opened stays picked."""
        opened = journey_id != self._current_id
        self._current_id = journey_id
        self._apply_current_highlight()
        if journey_id is not None and (opened or self.selected_id() is None):
            self.select(journey_id)

    def current_id(self) -> str | None:
        return self._current_id

    def _apply_current_highlight(self) -> None:
        self._populating = True
        try:
            for item in self._items():
                is_current = item.data(COL_NAME, _ID_ROLE) == self._current_id
                font = item.font(COL_NAME)
                font.setBold(is_current)
                item.setFont(COL_NAME, font)
                if is_current:
                    item.setToolTip(COL_STATUS, self.tr("Open in the editor"))
        finally:
            self._populating = False

    # -- operations --------------------------------------------------------------------------
    def open_selected(self) -> None:
        journey_id = self.selected_id()
        if journey_id:
            self.openRequested.emit(journey_id)

    def _on_activated(self, item: QtWidgets.QTreeWidgetItem, _column: int) -> None:
        self.openRequested.emit(item.data(COL_NAME, _ID_ROLE))

    def rename_selected(self) -> None:
        """Start editing the selected journey's name in place."""
        items = self.tree.selectedItems()
        if items:
            self.tree.editItem(items[0], COL_NAME)

    def _on_item_changed(self, item: QtWidgets.QTreeWidgetItem, column: int) -> None:
        if self._populating or column != COL_NAME:
            return
        journey_id = item.data(COL_NAME, _ID_ROLE)
        info = self._infos.get(journey_id)
        if info is None:
            return
        name = item.text(COL_NAME).strip()
        if name == info.name:
            return
        if not name:
            self._revert_name(item, info.name)
            return
        self.rename(journey_id, name)

    def _revert_name(self, item: QtWidgets.QTreeWidgetItem, name: str) -> None:
        self._populating = True
        try:
            item.setText(COL_NAME, name)
        finally:
            self._populating = False

    def rename(self, journey_id: str, name: str) -> bool:
        """Rename through the workspace; on failure, say why and keep the old name."""
        old = self._infos.get(journey_id)
        try:
            result = self.workspace.rename_journey(journey_id, name)
        except JourneyStudioError as exc:
            item = self._item_for(journey_id)
            if item is not None and old is not None:
                self._revert_name(item, old.name)
            self._show_error(self.tr("The journey could not be renamed."), exc)
            return False
        # Update the row in place rather than rebuilding the list: this runs while the inline
        # editor is still committing, and clearing the tree under it would pull the row away.
        new_info = result if result is not None else dataclasses.replace(old, name=name)
        self._infos[journey_id] = new_info
        item = self._item_for(journey_id)
        if item is not None:
            self._populating = True
            try:
                self._fill_item(item, new_info, datetime.now(UTC))
            finally:
                self._populating = False
            self._apply_current_highlight()
        self.changed.emit()
        return True

    def duplicate_selected(self) -> None:
        info = self.selected_info()
        if info is None:
            return
        try:
            copy = self.workspace.duplicate_journey(info.id)
        except JourneyStudioError as exc:
            self._show_error(self.tr("The journey could not be duplicated."), exc)
            return
        self.refresh()
        self.select(copy.id)
        self.changed.emit()

    def toggle_archive_selected(self) -> None:
        info = self.selected_info()
        if info is None:
            return
        try:
            self.workspace.archive_journey(info.id, archived=not info.archived)
        except JourneyStudioError as exc:
            self._show_error(self.tr("The journey could not be archived."), exc)
            return
        self.refresh()
        self.changed.emit()

    def delete_selected(self) -> None:
        info = self.selected_info()
        if info is None:
            return
        question = self.tr("Delete “%1”? Its draft and all published versions are removed. "
                           "This cannot be undone.").replace("%1", info.name)
        if not self._confirm(question):
            return
        try:
            self.workspace.delete_journey(info.id)
        except JourneyStudioError as exc:
            self._show_error(self.tr("The journey could not be deleted."), exc)
            return
        if self._current_id == info.id:
            self._current_id = None
        self.refresh()
        self.changed.emit()

    # -- dialogs (overridable, so tests and embedders can answer them) ------------------------
    def _confirm(self, text: str) -> bool:
        box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Warning, self.tr("Delete journey"), text,
                                    QtWidgets.QMessageBox.StandardButton.NoButton, self)
        delete = box.addButton(self.tr("Delete"), QtWidgets.QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QtWidgets.QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.exec()
        return box.clickedButton() is delete

    def _show_error(self, text: str, error: Exception) -> None:
        box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Warning, self.tr("Journeys"), text,
                                    QtWidgets.QMessageBox.StandardButton.Ok, self)
        box.setInformativeText(str(error))
        box.exec()
