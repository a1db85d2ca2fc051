"""The Profiles window: find a customer, read and edit their profile, export it, merge it, or erase it.

A tool window beside the editor. The left side searches every identifier and attribute value
(:func:`engine.track.profiles.search`, most recently updated first) and lists a page of results;
the next page comes when the user scrolls near the end of the list or presses *Load more*, never
by itself, and never while a page is on its way. The right side shows one customer: attributes
(editable, with undo), consent and tags, the event timeline and their journeys. *Export…* writes
what :func:`~engine.track.profiles.export` returns as JSON; *Merge…* finds another profile of the
same person and merges the two (:class:`MergeDialog`, :func:`~engine.track.profiles.merge`);
*Delete customer…* is the right to be forgotten (:func:`~engine.track.profiles.erase`) after a
confirmation that says what will go.

Identity can change under the window. When the shown customer is merged into another profile
(an ``identify`` through the collector, say) or erased elsewhere, the window finds out from the
merge history when it is activated, refreshed or saved (:mod:`gui.profile_saving`), says so in a
notice above the profile, drops them from the list, and keeps the unsaved edits. *Apply my
changes to …* opens the kept profile with those edits on it, unsaved, for the user to check and
save: only the edits that still make sense there are carried (:func:`carry_edits`; the kept
profile's own values win, and the notice names the edits left out), and no identifier change comes
along by itself. Changing the ``email`` or ``phone`` attribute offers, ticked, to change the
identifier of that kind too, unless another customer holds the new value (then the notice names
them and offers *Merge…*). A save is an undo step: undoing it writes the old values back,
identifiers included.

Every engine call runs on a worker thread (:mod:`gui.background`): a search over a large
workspace takes a second and the window keeps painting meanwhile. Questions to the user go
through overridable methods (``_ask_export_path``, ``_ask_merge``, ``_confirm_erase``,
``_ask_unsaved``, ``_error``) so tests and embedders can answer them without a modal dialog.
"""

from __future__ import annotations

import errno
import html
import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.channels.kinds import CHANNEL_KINDS
from engine.errors import CustomerDataInvalid
from engine.runtime.clock import parse_iso
from engine.track import profiles
from engine.track.csv_types import without_currency, yes_no
from engine.track.profiles import (
    MAIN_IDENTIFIER_KINDS,
    CustomerSummary,
    MergeOutcome,
    MergePlan,
    Profile,
    SearchPage,
)
from engine.track.property_order import display_order
from engine.track.segments import grouped_number
from gui.background import Background
from gui.dialogs import ask_save_discard_cancel
from gui.journey_browser import format_relative, format_timestamp
from gui.profile_saving import (
    IDENTIFIER_ATTRIBUTES,
    Gone,
    Held,
    Step,
    Stored,
    Swap,
    follow_identifier,
    load,
    locate,
    store,
)
from gui.qt import Qt, QtCore, QtGui, QtWidgets, Signal, fill, key_sequences, short_date_time, translate
from gui.tracking_panel import source_label as stored_source_label

if TYPE_CHECKING:
    from gui.phone_numbers_dialog import PhoneNumbersDialog

#: Customers per page of results (the next page comes when the list is scrolled near its end).
PAGE = 50
#: An e-mail address the Identifier column is wide enough for at the start (a long first and
#: last name at a company domain; longer ones elide, with the whole address in the tooltip).
TYPICAL_EMAIL = "jean-baptiste.lefebvre@example.com"
#: A name the Name column is wide enough for at the start.
TYPICAL_NAME = "Jean-Baptiste Lefebvre"
#: Events per page of the timeline.
EVENTS_PAGE = 50
#: The widest the events' Source column grows to fit its labels (longer ones elide; the
#: tooltip has the whole source).
SOURCE_COLUMN_MAX = 260
#: Typing pauses this long before a search starts.
SEARCH_DELAY_MS = 250
ERROR_COLOR = "#C62828"

_ID_ROLE = Qt.ItemDataRole.UserRole + 1
_TYPE_ROLE = Qt.ItemDataRole.UserRole + 2

#: Attribute value types the table offers, in menu order.
VALUE_TYPES = ("text", "number", "date", "boolean", "json")

_STYLE = """
QLabel#profileName { font-size: 15pt; font-weight: 600; }
QLabel#profileMeta, QLabel#resultCount, QLabel#consentState, QLabel#mutedNote { color: palette(placeholder-text); }
QLabel#emptyState { color: palette(placeholder-text); font-size: 11pt; }
QLabel#editError { color: #C62828; }
QFrame#editBar { background: #FFF8E1; border-top: 1px solid #F0D58C; }
QFrame#noticeBar { background: #E8F1FB; border: 1px solid #A9C6E8; border-radius: 4px; }
QFrame#noticeBar[tone="warning"] { background: #FFF3E0; border: 1px solid #F2B866; }
QLabel#noticeText { color: #1A1A1A; }
QPushButton:disabled, QToolButton:disabled { color: palette(placeholder-text); }
QListWidget#tagList::item { border: 1px solid #B8C7D9; border-radius: 9px; background: #EAF2FB;
                            padding: 1px 8px; }
QListWidget#tagList::item:selected { background: #1E88E5; color: white; }
QTreeView#eventTimeline::item, QTreeView#journeyRuns::item, QTreeView#customerList::item { padding: 2px 0; }
"""


def type_label(kind: str) -> str:
    return {
        "text": translate("ProfilesWindow", "Text"),
        "number": translate("ProfilesWindow", "Number"),
        "date": translate("ProfilesWindow", "Date"),
        "boolean": translate("ProfilesWindow", "Yes / no"),
        "json": translate("ProfilesWindow", "List or object (JSON)"),
    }.get(kind, kind)


def identifier_kind_label(kind: str) -> str:
    """An identifier kind as a marketer reads it (``user_id`` → "user id", ``custom:crm`` → "crm")."""
    known = {
        "email": translate("ProfilesWindow", "email"),
        "phone": translate("ProfilesWindow", "phone"),
        "user_id": translate("ProfilesWindow", "user id"),
        "distinct_id": translate("ProfilesWindow", "distinct id"),
        "anonymous_id": translate("ProfilesWindow", "anonymous id"),
    }
    if kind in known:
        return known[kind]
    return kind.split(":", 1)[1] if kind.startswith("custom:") and len(kind) > 7 else kind


def main_identifier_kind(item: CustomerSummary) -> str | None:
    """The kind of :attr:`CustomerSummary.main_identifier` (the same pick: an e-mail, else a phone,
    else a user id, else the first identifier)."""
    if not item.identifiers:
        return None
    rank = {kind: i for i, kind in enumerate(MAIN_IDENTIFIER_KINDS)}
    best = min(range(len(item.identifiers)),
               key=lambda i: (rank.get(item.identifiers[i][0], len(MAIN_IDENTIFIER_KINDS)), i))
    return item.identifiers[best][0]


def identifier_cell(item: CustomerSummary) -> str:
    """The Identifier column of a customer list: the main identifier with its kind in front
    ("phone: 13800138000", "user id: 13800138000"), so that a phone number and a numeric id read
    apart; an e-mail address says what it is by itself and goes bare."""
    value = item.main_identifier
    if value is None:
        return item.id
    kind = main_identifier_kind(item)
    if kind == "email":
        return value
    return fill(translate("ProfilesWindow", "%1: %2"), identifier_kind_label(kind or ""), value)


def channel_label(kind: str) -> str:
    return {
        "email": translate("ProfilesWindow", "Email"),
        "sms": translate("ProfilesWindow", "SMS"),
        "webhook": translate("ProfilesWindow", "Webhook"),
        "chat": translate("ProfilesWindow", "Chat"),
    }.get(kind, kind)


def value_type(value: Any) -> str:
    """The table's type for a stored attribute value."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        # Dates are stored as ISO 8601 text (JSON has no date type); they read as dates.
        return "date" if value == value.strip() and parse_iso(value) is not None else "text"
    return "json"


def value_text(value: Any) -> str:
    """How a stored value reads in the table (and is typed back)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)


def compact(value: Any, limit: int = 120) -> str:
    """A one-line rendering of a JSON value for a table cell."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def local_moment(text: str) -> str | None:
    """A stored moment (``2024-05-05T16:00:00Z``: an import keeps times in UTC) in this computer's time
    zone, for a tooltip; None for any other text."""
    if len(text) < 20 or not text[:4].isdigit() or text[4:5] != "-" or not text.endswith(("Z", "+00:00")):
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return short_time(when)


def short_time(when: datetime) -> str:
    """Local date and time in the short locale format (a column; tooltips get the long one)."""
    local = (when if when.tzinfo is not None else when.replace(tzinfo=UTC)).astimezone()
    qdt = QtCore.QDateTime(QtCore.QDate(local.year, local.month, local.day),
                           QtCore.QTime(local.hour, local.minute, local.second))
    return short_date_time(qdt)


def source_label(source: str) -> str:
    """An event's source as a marketer reads it (:func:`gui.tracking_panel.source_label`; the
    stored key goes in the tooltip), a dash when none was recorded."""
    return stored_source_label(source) if source else "—"


def identifier_html(kind: str, value: str) -> str:
    """One identifier as rich text: its kind, muted, then its value."""
    return (f'<span style="color:palette(placeholder-text)">{html.escape(identifier_kind_label(kind))}:</span>'
            f"&nbsp;{html.escape(value)}")


def identifiers_html(pairs: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> str:
    """Identifiers side by side as rich text (where a line breaks is the reader's business:
    :class:`IdentifierLine` breaks it between identifiers only)."""
    return "&nbsp;&nbsp; ".join(f'<span style="white-space:nowrap">{identifier_html(kind, value)}</span>'
                                for kind, value in pairs)


def write_failure(path: str, exc: OSError) -> str:
    """Why ``path`` could not be written, as a sentence without the exception's name."""
    reasons = {
        errno.ENOENT: translate("ProfilesWindow", "the folder does not exist"),
        errno.ENOTDIR: translate("ProfilesWindow", "part of the path is a file, not a folder"),
        errno.EACCES: translate("ProfilesWindow", "permission denied"),
        errno.EPERM: translate("ProfilesWindow", "permission denied"),
        errno.ENOSPC: translate("ProfilesWindow", "the disk is full"),
        getattr(errno, "EDQUOT", -1): translate("ProfilesWindow", "the disk quota is used up"),
        errno.EROFS: translate("ProfilesWindow", "the disk is read-only"),
        errno.EISDIR: translate("ProfilesWindow", "a folder of that name is in the way"),
        errno.ENAMETOOLONG: translate("ProfilesWindow", "the name is too long"),
    }
    reason = reasons.get(exc.errno) if exc.errno is not None else None
    if reason is None:
        # The system's own words (e.g. "Input/output error"), lower-cased to run on in the sentence.
        text = exc.strerror or str(exc) or translate("ProfilesWindow", "the system refused")
        reason = text[:1].lower() + text[1:]
    return fill(translate("ProfilesWindow", "Could not write %1: %2."), path, reason)


def plural(n: int, one: str, many: str) -> str:
    """``one`` for 1, else ``many`` with ``%1`` replaced by the number (both already translated)."""
    return one if n == 1 else many.replace("%1", f"{n:,}")


class CellError(Exception):  # noqa: N818 - a reason shown to the user, not a failure
    """A table cell that does not hold a value of its type; ``cell`` is its (row, column) in the
    attribute table when known, so that the window can point at it."""

    def __init__(self, message: str, cell: tuple[int, int] | None = None):
        super().__init__(message)
        self.cell = cell


def number_rule() -> str:
    """How a Number value is written (the tooltip of the attribute table's Value column)."""
    return translate("ProfilesWindow", "Numbers take a decimal point or a decimal comma (99.5 or 99,5), and "
                                       "thousands separators with the other mark (1.234,5 or 1,234.5): 1,000 "
                                       "alone could be a thousand or one, so write 1000 or 1.0.")


def decimal_point(stripped: str, text: str) -> str:
    """``stripped`` with a decimal comma made a point (``99,5`` → ``99.5``), as a CSV import reads one.

    Only a plain number with one comma and no dot counts. ``1,000`` could be a thousand with a
    separator or one with three decimals, so it is refused (:class:`CellError`) rather than
    guessed. Thousands separators that only one reading fits are read (``1.234,56``, ``1,234.5``,
    ``1 234``: :func:`engine.track.segments.grouped_number`); text without a comma is returned as
    it is."""
    grouped = grouped_number(stripped)
    if grouped is not None:
        return grouped
    if "," not in stripped:
        return stripped
    whole, _, fraction = stripped.partition(",")
    digits = whole[1:] if whole[:1] in ("-", "+") else whole
    plain = digits.isdigit() and fraction.isdigit() and "," not in fraction and digits.isascii() \
        and fraction.isascii()
    if not plain:
        raise CellError(translate("ProfilesWindow", "“%1” is not a number: write it without thousands "
                                                    "separators, with a decimal point or comma, like 1234.5")
                        .replace("%1", text))
    # Three digits after the comma read as thousands when what comes before could be a first group.
    if len(fraction) == 3 and len(digits) <= 3 and not digits.startswith("0"):
        decimal = f"{whole}.{fraction.rstrip('0') or '0'}"
        raise CellError(fill(translate("ProfilesWindow", "“%1” could mean %2 or %3: write the one you mean"),
                             text, f"{whole}{fraction}", decimal))
    return f"{whole}.{fraction}"


def parse_value(kind: str, text: str) -> Any:
    """The JSON value of a cell; :class:`CellError` with a readable reason when it has none."""
    if kind == "text":
        return text
    stripped = text.strip()
    if kind == "number":
        stripped = decimal_point(without_currency(stripped), text)  # ¥1,234.50
        try:
            number = int(stripped) if stripped.lstrip("-").isdigit() else float(stripped)
        except ValueError:
            raise CellError(translate("ProfilesWindow", "“%1” is not a number").replace("%1", text)) from None
        if isinstance(number, float) and not math.isfinite(number):
            raise CellError(translate("ProfilesWindow", "“%1” is not a finite number").replace("%1", text))
        return number
    if kind == "date":
        # ISO 8601 text stays as written: rewritten, an untouched 2026-11-24T18:30:00Z would be
        # saved (and then shown) as 2026-11-24T18:30:00+00:00. Other forms (25.11.1988,
        # 1990年3月4日, 1990/3/4) are written as ISO 8601 (1990-03-04); 05/11/1988 (day or month
        # first?) is refused, naming both readings.
        try:
            return profiles.date_value(stripped)
        except CustomerDataInvalid as exc:
            if not isinstance(exc, profiles.NotADate):
                raise CellError(exc.message) from None  # why this one is not read (two readings, no such day)
            raise CellError(translate("ProfilesWindow", "“%1” is not a date like 2025-03-01 or 2025-03-01T09:30")
                            .replace("%1", text)) from None
    if kind == "boolean":
        folded = stripped.casefold()
        # The words a CSV import reads as yes and no, in every language it knows (是, oui, ja...),
        # and the ones this window shows.
        if folded in ("true", "yes", "1") or yes_no(folded) is True or stripped == translate("ConfigForm", "Yes"):
            return True
        if folded in ("false", "no", "0") or yes_no(folded) is False or stripped == translate("ConfigForm", "No"):
            return False
        raise CellError(translate("ProfilesWindow", "write true or false, not “%1”").replace("%1", text))
    try:
        value = json.loads(stripped)
    except ValueError:
        raise CellError(translate("ProfilesWindow", "“%1” is not valid JSON").replace("%1", compact(text, 40))) \
            from None
    if value is None:
        raise CellError(translate("ProfilesWindow", "null is not a value; remove the attribute instead"))
    return value


@dataclass(frozen=True)
class EditState:
    """What the user can change in the window: attribute rows, consent and tags (comparable, so
    that undo, Revert and the dirty flag are plain equality tests)."""

    rows: tuple[tuple[str, str, str], ...]
    consent: tuple[tuple[str, bool | None], ...]
    tags: tuple[str, ...]

    @classmethod
    def of(cls, attributes: dict[str, Any], consent: dict[str, bool], tags: tuple[str, ...]) -> EditState:
        rows = tuple((name, value_type(value), value_text(value)) for name, value in attributes.items())
        kinds = list(CHANNEL_KINDS) + sorted(k for k in consent if k not in CHANNEL_KINDS)
        return cls(rows, tuple((k, consent.get(k)) for k in kinds), tuple(tags))


class _Snapshot(QtGui.QUndoCommand):
    """One edit in the window, as the state before and after (the state is small)."""

    def __init__(self, window: ProfilesWindow, before: EditState, after: EditState, text: str):
        super().__init__(text)
        self._window, self._before, self._after = window, before, after
        self._first = True

    def redo(self) -> None:
        if self._first:  # the widgets already show it
            self._first = False
            return
        self._window._apply_state(self._after)

    def undo(self) -> None:
        self._window._apply_state(self._before)


class _SavedEdit(QtGui.QUndoCommand):
    """A save: undoing it writes the values from before it back to the workspace (identifiers
    included), redoing it writes the saved ones again. Pushed once the save is stored."""

    def __init__(self, window: ProfilesWindow, customer_id: str, forward: Step, backward: Step, text: str):
        super().__init__(text)
        self._window = window
        self.customer_id, self.forward, self.backward = customer_id, forward, backward
        self._first = True

    def redo(self) -> None:
        if self._first:  # stored already
            self._first = False
            return
        self._window._store_step(self.customer_id, self.forward, undoing=False)

    def undo(self) -> None:
        self._window._store_step(self.customer_id, self.backward, undoing=True)


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


class CustomerListModel(QtCore.QAbstractTableModel):
    """Search results, filled a page at a time by the window.

    The model does not offer ``canFetchMore``/``fetchMore``: QTreeView calls them on every layout,
    and each page it fetched laid the view out again, so it paged through the whole workspace by
    itself. The window asks for a page when the user scrolls near the end instead.
    """

    COL_NAME, COL_IDENTIFIER, COL_UPDATED = range(3)

    def __init__(self, parent: QtCore.QObject | None = None):
        super().__init__(parent)
        self.items: list[CustomerSummary] = []
        self.total = 0
        #: A search or a further page is on its way.
        self.loading = False
        #: The last page came back short: nothing follows in this search.
        self.complete = True
        #: Where the next page starts: the sort key of the last row the engine returned (a row
        #: saved since has moved, so it is not read back from ``items``).
        self.cursor: tuple | None = None

    @property
    def has_more(self) -> bool:
        return not self.complete and len(self.items) < self.total

    def rowCount(self, parent: QtCore.QModelIndex = QtCore.QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: QtCore.QModelIndex = QtCore.QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else 3

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("Name"), self.tr("Identifier"), self.tr("Updated"))[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole \
                and section == self.COL_UPDATED:
            return self.tr("Most recently updated first")
        return None

    def data(self, index: QtCore.QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.items):
            return None
        item = self.items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COL_NAME:
                return item.name or "—"
            if column == self.COL_IDENTIFIER:
                return identifier_cell(item)
            return format_relative(item.updated_at)
        if role == Qt.ItemDataRole.ForegroundRole and column == self.COL_NAME and not item.name:
            return QtGui.QGuiApplication.palette().brush(QtGui.QPalette.ColorRole.PlaceholderText)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.COL_UPDATED:
                return format_timestamp(item.updated_at)
            return "\n".join(f"{identifier_kind_label(kind)}: {value}" for kind, value in item.identifiers) \
                or item.id
        if role == _ID_ROLE:
            return item.id
        return None

    def reset(self, page: SearchPage, asked: int) -> None:
        """Show the first page of a search (``asked`` rows were asked for)."""
        self.beginResetModel()
        self.items = list(page.items)
        self.total = page.total
        self.loading = False
        self._note_page(page, asked)
        self.endResetModel()

    def append(self, page: SearchPage, asked: int) -> None:
        """Add a further page; customers already listed (an update moved them) are not repeated."""
        self.loading = False
        self._note_page(page, asked)
        known = {item.id for item in self.items}
        fresh = [item for item in page.items if item.id not in known]
        self.total = page.total
        if not fresh:
            return
        self.beginInsertRows(QtCore.QModelIndex(), len(self.items), len(self.items) + len(fresh) - 1)
        self.items.extend(fresh)
        self.endInsertRows()

    def _note_page(self, page: SearchPage, asked: int) -> None:
        if page.items:
            self.cursor = page.items[-1].sort_key
        self.complete = len(page.items) < asked

    def row_of(self, customer_id: str) -> int:
        return next((i for i, item in enumerate(self.items) if item.id == customer_id), -1)

    def replace(self, summary: CustomerSummary) -> None:
        row = self.row_of(summary.id)
        if row >= 0:
            self.items[row] = summary
            self.dataChanged.emit(self.index(row, 0), self.index(row, 2))

    def remove(self, customer_id: str) -> None:
        row = self.row_of(customer_id)
        if row >= 0:
            self.beginRemoveRows(QtCore.QModelIndex(), row, row)
            del self.items[row]
            self.total = max(0, self.total - 1)
            self.endRemoveRows()


def secondary_identifier(item: CustomerSummary) -> str:
    """The most telling identifier that is not already the customer's label (the segment
    builder's sample lists put it under the label)."""
    label = item.label
    for kind in ("email", "phone", "user_id", "distinct_id"):
        value = next((v for k, v in item.identifiers if k == kind and v != label), None)
        if value:
            return value
    return next((v for _, v in item.identifiers if v != label), "")


# ---------------------------------------------------------------------------------------------
# Widgets of the detail pane
# ---------------------------------------------------------------------------------------------


class _TypeDelegate(QtWidgets.QStyledItemDelegate):
    """A drop-down of value types for the Type column."""

    def createEditor(self, parent, option, index):  # noqa: N802
        combo = QtWidgets.QComboBox(parent)
        for kind in VALUE_TYPES:
            combo.addItem(type_label(kind), kind)
        combo.activated.connect(lambda _i: self.commitData.emit(combo))
        return combo

    def setEditorData(self, editor, index):  # noqa: N802
        found = editor.findData(index.data(_TYPE_ROLE))
        editor.setCurrentIndex(max(0, found))

    def setModelData(self, editor, model, index):  # noqa: N802
        kind = editor.currentData()
        if kind != index.data(_TYPE_ROLE):
            model.setData(index, kind, _TYPE_ROLE)
            model.setData(index, type_label(kind), Qt.ItemDataRole.DisplayRole)


class ConsentBox(QtWidgets.QCheckBox):
    """A check box for one channel kind: ticked is *granted*, empty is *refused*, and the third
    state is *not recorded*. A click grants, and then toggles between granted and refused: one
    click on a refused box grants, as everyone expects of a check box. *Not recorded* (forgetting
    the answer) is in the box's context menu, beside the other two."""

    _NEXT = {Qt.CheckState.PartiallyChecked: Qt.CheckState.Checked,
             Qt.CheckState.Checked: Qt.CheckState.Unchecked,
             Qt.CheckState.Unchecked: Qt.CheckState.Checked}

    def __init__(self, kind: str, parent: QtWidgets.QWidget | None = None):
        super().__init__(channel_label(kind), parent)
        self.kind = kind
        self.setTristate(True)
        self.setToolTip(self.tr("Click to grant or refuse; right-click to mark it not recorded"))

    def nextCheckState(self) -> None:  # noqa: N802
        self.setCheckState(self._NEXT[self.checkState()])

    def value(self) -> bool | None:
        state = self.checkState()
        if state == Qt.CheckState.PartiallyChecked:
            return None
        return state == Qt.CheckState.Checked

    def set_value(self, value: bool | None) -> None:
        self.setCheckState(Qt.CheckState.PartiallyChecked if value is None
                           else Qt.CheckState.Checked if value else Qt.CheckState.Unchecked)

    def context_menu(self) -> QtWidgets.QMenu:
        """Granted, refused and not recorded, the current one checked; choosing one sets it."""
        menu = QtWidgets.QMenu(self)
        group = QtGui.QActionGroup(menu)
        for value, text in ((True, self.tr("Granted")), (False, self.tr("Refused")),
                            (None, self.tr("Not recorded"))):
            action = menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(self.value() is value)
            action.setData(value)
            group.addAction(action)
            action.triggered.connect(lambda _checked=False, v=value: self.set_value(v))
        return menu

    def contextMenuEvent(self, event: QtGui.QContextMenuEvent) -> None:  # noqa: N802
        if self.isEnabled():
            menu = self.context_menu()
            menu.exec(event.globalPos())
            menu.deleteLater()


def consent_text(value: bool | None) -> str:
    if value is None:
        return translate("ProfilesWindow", "not recorded")
    return translate("ProfilesWindow", "granted") if value else translate("ProfilesWindow", "refused")


def run_status_text(run: profiles.JourneyRun) -> str:
    if run.status == "done":
        text = translate("ProfilesWindow", "Finished")
    elif run.status == "waiting":
        if run.wait_event:
            text = translate("ProfilesWindow", "Waiting for %1").replace("%1", run.wait_event)
        elif run.wake_at is not None:
            text = translate("ProfilesWindow", "Waiting until %1").replace("%1", short_time(run.wake_at))
        else:
            text = translate("ProfilesWindow", "Waiting")
    else:
        text = translate("ProfilesWindow", "Active")
    if run.converted:
        text += " · " + translate("ProfilesWindow", "converted")
    return text


def mode_text(mode: str) -> str:
    return {"live": translate("ProfilesWindow", "Live"), "test": translate("ProfilesWindow", "Test"),
            "simulation": translate("ProfilesWindow", "Simulation")}.get(mode, mode)


# ---------------------------------------------------------------------------------------------
# Merging two profiles
# ---------------------------------------------------------------------------------------------


def customer_list(parent: QtWidgets.QWidget, model: CustomerListModel) -> QtWidgets.QTreeView:
    """A list of customers (name, identifier, updated), one picked at a time: the Profiles window's
    results and the merge dialog's. The caller sizes the identifier and updated columns."""
    view = QtWidgets.QTreeView(parent)
    view.setObjectName("customerList")
    view.setModel(model)
    view.setRootIsDecorated(False)
    view.setUniformRowHeights(True)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
    header = view.header()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(1, QtWidgets.QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(2, QtWidgets.QHeaderView.ResizeMode.Fixed)
    return view


@dataclass(frozen=True)
class MergeChoice:
    """What the user chose in :class:`MergeDialog`."""

    kept_id: str
    merged_id: str
    #: Both profiles hold a user id and the user said they are one person with two accounts.
    allow_two_user_ids: bool = False


class MergeDialog(QtWidgets.QDialog):
    """Find the other profile of the shown customer, choose which one stays, read what the merge
    does, and confirm. Searches and the merge plan run on the window's worker thread."""

    def __init__(self, window: ProfilesWindow, current: CustomerSummary, suggested: CustomerSummary | None = None):
        super().__init__(window)
        self.setObjectName("mergeDialog")
        self.setWindowTitle(self.tr("Merge profiles"))
        self._window = window
        self.current = current
        self.other: CustomerSummary | None = None
        self.plan: MergePlan | None = None
        self._query = ""
        #: The id of a customer to pick as the other profile once the search lists them.
        self.suggested = suggested.id if suggested is not None else None

        intro = QtWidgets.QLabel(self.tr("Find the other profile of %1. One of the two stays; the other's "
                                         "identifiers, events and journeys move to it, and it is deleted.")
                                 .replace("%1", f"<b>{html.escape(current.label)}</b>"), self)
        intro.setWordWrap(True)
        self.search_box = QtWidgets.QLineEdit(self)
        self.search_box.setObjectName("mergeSearch")
        self.search_box.setPlaceholderText(self.tr("Search by email, phone, id, tag or any attribute value…"))
        self.search_box.setClearButtonEnabled(True)
        self.search_timer = QtCore.QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.run_search)
        if suggested is not None:
            self.search_box.setText(suggested.main_identifier or suggested.label)  # the first search finds them
        self.search_box.textChanged.connect(lambda _text: self.search_timer.start())
        self.search_box.returnPressed.connect(self.run_search)
        self.count_label = QtWidgets.QLabel("", self)
        self.count_label.setObjectName("resultCount")

        self.model = CustomerListModel(self)
        self.results = customer_list(self, self.model)
        header = self.results.header()
        header.setSectionsClickable(False)
        header.resizeSection(1, window._identifier_width())
        header.resizeSection(2, window._updated_width())
        self.results.setMinimumHeight(self.fontMetrics().height() * 8)
        self.results.selectionModel().currentRowChanged.connect(self._on_pick)

        self.keep_current = QtWidgets.QRadioButton(self)
        self.keep_other = QtWidgets.QRadioButton(self)
        self.keep_current.setChecked(True)
        self.keep_current.toggled.connect(lambda _on: self._ask_plan())
        keep_row = QtWidgets.QHBoxLayout()
        keep_row.addWidget(QtWidgets.QLabel(self.tr("Keep:"), self))
        keep_row.addWidget(self.keep_current)
        keep_row.addWidget(self.keep_other)
        keep_row.addStretch(1)

        self.kept_box = QtWidgets.QGroupBox(self.tr("Stays"), self)
        self.kept_text = QtWidgets.QLabel("", self.kept_box)
        self.merged_box = QtWidgets.QGroupBox(self.tr("Merged into it, then deleted"), self)
        self.merged_text = QtWidgets.QLabel("", self.merged_box)
        for box, label in ((self.kept_box, self.kept_text), (self.merged_box, self.merged_text)):
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            QtWidgets.QVBoxLayout(box).addWidget(label)
        sides = QtWidgets.QHBoxLayout()
        sides.addWidget(self.kept_box, 1)
        sides.addWidget(self.merged_box, 1)

        self.effects_label = QtWidgets.QLabel("", self)
        self.effects_label.setWordWrap(True)
        self.problem_label = QtWidgets.QLabel("", self)
        self.problem_label.setObjectName("editError")
        self.problem_label.setWordWrap(True)
        self.allow_two = QtWidgets.QCheckBox(self.tr("They are one person with two accounts: merge anyway and keep "
                                                     "both user ids"), self)
        self.allow_two.toggled.connect(lambda _on: self._update_buttons())
        note = QtWidgets.QLabel(self.tr("The merge is recorded in the workspace's merge history. It cannot be "
                                        "undone."), self)
        note.setObjectName("mutedNote")
        note.setWordWrap(True)

        self.buttons = QtWidgets.QDialogButtonBox(self)
        self.merge_button = self.buttons.addButton(self.tr("Merge profiles"),
                                                   QtWidgets.QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.search_box)
        layout.addWidget(self.count_label)
        layout.addWidget(self.results, 1)
        layout.addLayout(keep_row)
        layout.addLayout(sides)
        layout.addWidget(self.effects_label)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.allow_two)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.resize(760, 640)
        self._show_plan()
        self.run_search()

    @property
    def busy(self) -> bool:
        bg = self._window.background
        return bg.is_running("merge-search") or bg.is_running("merge-plan")

    def run_search(self) -> None:
        self.search_timer.stop()
        text = self.search_box.text().strip()
        self._query = text
        self.count_label.setText(self.tr("Searching…"))
        ws, skip = self._window.workspace, self.current.id

        def search() -> SearchPage:
            # One more than a page, so that a full page is left once the shown customer is taken out.
            page = profiles.search(ws, text, 0, PAGE + 1)
            items = [item for item in page.items if item.id != skip]
            return SearchPage(page.total - (len(items) < len(page.items)), 0, items[:PAGE])

        self._window.background.submit(search, self._on_searched,
                                       lambda message: self.count_label.setText(
                                           self.tr("The search failed: %1").replace("%1", message)),
                                       key="merge-search")

    def _on_searched(self, page: SearchPage) -> None:
        self.model.reset(page, PAGE)
        if page.total == 0:
            self.count_label.setText(self.tr("No other customer matches “%1”.").replace("%1", self._query)
                                     if self._query else self.tr("There is no other customer."))
        elif page.total > len(page.items):
            self.count_label.setText(fill(self.tr("%1 matches · showing the first %2; type more to narrow them"),
                                          f"{page.total:,}", f"{len(page.items):,}"))
        else:
            self.count_label.setText(plural(page.total, self.tr("1 match"), self.tr("%1 matches")))
        row = self.model.row_of(self.other.id) if self.other is not None else -1
        if row < 0 and self.other is None and self.suggested is not None:
            row = self.model.row_of(self.suggested)
        if row >= 0:
            self.results.setCurrentIndex(self.model.index(row, 0))

    def pick(self, customer_id: str) -> bool:
        """Choose a listed customer as the other profile (as a click does); whether it is listed."""
        row = self.model.row_of(customer_id)
        if row >= 0:
            self.results.setCurrentIndex(self.model.index(row, 0))
        return row >= 0

    def _on_pick(self, current: QtCore.QModelIndex, _previous: QtCore.QModelIndex) -> None:
        if not current.isValid() or current.row() >= len(self.model.items):
            return
        other = self.model.items[current.row()]
        if self.other is not None and other.id == self.other.id:
            return
        self.other = other
        self.allow_two.setChecked(False)
        self._ask_plan()

    def choice(self) -> MergeChoice | None:
        """The merge the dialog shows, if it may go ahead."""
        plan = self.plan
        if plan is None or (plan.conflict is not None and not self.allow_two.isChecked()):
            return None
        return MergeChoice(plan.kept.customer.id, plan.merged.customer.id,
                           plan.conflict is not None and self.allow_two.isChecked())

    def _ask_plan(self) -> None:
        self.plan = None
        if self.other is None:
            self._show_plan()
            return
        kept, merged = (self.current.id, self.other.id) if self.keep_current.isChecked() \
            else (self.other.id, self.current.id)
        self.effects_label.setText(self.tr("Reading both profiles…"))
        self._update_buttons()
        ws = self._window.workspace
        self._window.background.submit(lambda: profiles.merge_plan(ws, kept, merged), self._on_plan,
                                       self._on_plan_failed, key="merge-plan")

    def _on_plan(self, plan: MergePlan) -> None:
        self.plan = plan
        self._show_plan()

    def _on_plan_failed(self, message: str) -> None:
        self.plan = None
        self._show_plan()
        self.effects_label.setText("")
        self.problem_label.setText(self.tr("These profiles cannot be merged: %1").replace("%1", message))
        self.problem_label.setVisible(True)

    def _side_html(self, side: profiles.MergeSide) -> str:
        summary = side.summary
        ids = "<br>".join(identifiers_html([pair]) for pair in side.customer.identifiers) \
            or html.escape(self.tr("No identifiers"))
        counts = ", ".join((plural(side.events, self.tr("1 event"), self.tr("%1 events")),
                            plural(side.journey_runs, self.tr("1 journey run"), self.tr("%1 journey runs"))))
        return (f"<b>{html.escape(summary.label)}</b><br>{ids}<br>"
                f'<span style="color:palette(placeholder-text)">{html.escape(counts)}</span>')

    def _show_plan(self) -> None:
        current, other = self.current.label, (self.other.label if self.other is not None else None)
        self.keep_current.setText(self.tr("%1 (this profile)").replace("%1", current))
        self.keep_other.setText(other or self.tr("the other profile"))
        self.keep_other.setEnabled(other is not None)
        plan = self.plan
        self.problem_label.setText("")
        self.problem_label.setVisible(False)
        self.allow_two.setVisible(False)
        if plan is None:
            waiting = self.tr("Choose the other profile in the list.")
            self.kept_text.setText(html.escape(waiting) if self.other is None else "")
            self.merged_text.setText("")
            self.effects_label.setText("")
            self._update_buttons()
            return
        self.kept_text.setText(self._side_html(plan.kept))
        self.merged_text.setText(self._side_html(plan.merged))
        kept, merged = plan.kept.summary.label, plan.merged.summary.label
        text = fill(self.tr("%1's identifiers, events, journey runs, messages, segment memberships and unsubscribes "
                            "move to %2. Where both have an attribute, %2's value stays; tags are combined; a refused "
                            "consent stays refused."), merged, kept)
        if plan.runs_to_end:
            ended = (self.tr("1 open journey run of %2 ends: %3 is in the middle of the same journey.")
                     if plan.runs_to_end == 1 else
                     self.tr("%1 open journey runs of %2 end: %3 is in the middle of the same journeys."))
            text += " " + fill(ended, f"{plan.runs_to_end:,}", merged, kept)
        self.effects_label.setText(text)
        if plan.conflict is not None:
            held = "; ".join(f"{side.summary.label}: " + ", ".join(f"user_id {v}" for v in side.user_ids)
                             for side in (plan.kept, plan.merged))
            self.problem_label.setText(
                self.tr("Not merged as it stands: both profiles hold a user id (%1). A user id names one account "
                        "in your own systems and a profile holds at most one, so two user ids usually mean two "
                        "people.").replace("%1", held))
            self.problem_label.setToolTip(plan.conflict)
            self.problem_label.setVisible(True)
            self.allow_two.setVisible(True)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.merge_button.setEnabled(self.choice() is not None)


# ---------------------------------------------------------------------------------------------
# The window
# ---------------------------------------------------------------------------------------------


class ProfilesWindow(QtWidgets.QMainWindow):
    """Search on the left, one customer's profile on the right."""

    #: Double-clicking a run asks the main window to open its journey.
    journeyRequested = Signal(str)
    #: A customer was saved or erased (other views may show stale numbers).
    customersChanged = Signal()

    def __init__(self, workspace, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)  # its own window even though the main window owns it
        self.setObjectName("profilesWindow")
        self.setWindowTitle(self.tr("Customer profiles"))
        self.setStyleSheet(_STYLE)
        self.resize(1180, 760)
        self.workspace = workspace
        self.background = Background(self)
        self.undo_stack = QtGui.QUndoStack(self)
        self.current_id: str | None = None
        self.profile: Profile | None = None
        self.events: list = []
        self.events_total = 0
        self._loaded = EditState((), (), ())
        self._shown = self._loaded
        self._updating = False
        self._consent_kinds: list[str] = []
        self._query = ""
        #: The search text changed since the last results came back: they replace the shown
        #: customer by their best match (a refresh with the same text does not).
        self._new_text = False
        #: The detail pane says who was just erased: a search coming back does not replace it by
        #: its best match (only a customer the user picks, or a new search text, does).
        self._erased = False
        #: The shown customer is no longer in the workspace (merged into another profile, or
        #: erased, elsewhere): the pane keeps showing it, with the unsaved edits, under a notice.
        self._gone: Gone | None = None
        #: The workspace's country of phone numbers written without a country code (read with
        #: each profile), for the form an edited phone number takes as an identifier.
        self._phone_country: str | None = None
        #: Identifier changes the user unticked in the edit bar, as (kind, old, new).
        self._declined: set[tuple[str, str | None, str | None]] = set()
        #: Edits of a profile merged away, to be put on the kept profile once it is shown:
        #: (kept id, the state they started from, the edited state, the identifier changes the
        #: user had unticked).
        self._rebase: tuple[str, EditState, EditState, frozenset[tuple[str, str | None, str | None]]] | None = None
        #: Edits carried from a profile merged away that the kept profile's values stood in the way
        #: of (what the "applied" notice lists).
        self._left_out: tuple[LeftOut, ...] = ()
        #: Attributes whose edit was carried over from a profile merged away (until the shown
        #: profile is read again): their identifier follows only from an identifier equal to the
        #: value they had (:func:`gui.profile_saving.follow_identifier`, ``strict``).
        self._carried: frozenset[str] = frozenset()
        #: What the notice bar says: "gone" (the shown customer went), "held" (an identifier a
        #: save left), "applied" (edits carried from a profile merged away), or None; and about
        #: which customer.
        self._notice_kind: str | None = None
        self._notice_for: str | None = None
        #: The customer the notice's Merge… button offers (one who holds an identifier a save left).
        self._merge_suggestion: CustomerSummary | None = None
        #: The Phone numbers dialog last opened (None: never).
        self.phone_dialog: PhoneNumbersDialog | None = None

        self._build_actions()
        splitter = QtWidgets.QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self._build_results())
        splitter.addWidget(self._build_detail())
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        results_width = self._results_width()
        splitter.setSizes([results_width, max(600, self.width() - results_width)])
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)

        self.search_timer = QtCore.QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.run_search)
        self.undo_stack.cleanChanged.connect(lambda _clean: self._update_edit_bar())
        self.undo_stack.indexChanged.connect(lambda _index: self._update_edit_bar())
        self._show_detail_placeholder()
        self._update_edit_bar()

    # -- construction -------------------------------------------------------------------------
    def _build_actions(self) -> None:
        self.act_undo = self.undo_stack.createUndoAction(self, self.tr("Undo"))
        self.act_undo.setShortcut(QtGui.QKeySequence.StandardKey.Undo)
        self.act_redo = self.undo_stack.createRedoAction(self, self.tr("Redo"))
        # Ctrl+Shift+Z and Ctrl+Y on every platform, whichever the platform's own redo key is.
        self.act_redo.setShortcuts(key_sequences(QtGui.QKeySequence.StandardKey.Redo,
                                                 QtGui.QKeySequence("Ctrl+Shift+Z"), QtGui.QKeySequence("Ctrl+Y")))
        self.act_refresh = QtGui.QAction(self.tr("Refresh"), self)
        self.act_refresh.setShortcut(QtGui.QKeySequence(QtGui.QKeySequence.StandardKey.Refresh))
        self.act_refresh.triggered.connect(self.refresh)
        self.act_find = QtGui.QAction(self.tr("Find customer"), self)
        self.act_find.setShortcut(QtGui.QKeySequence(QtGui.QKeySequence.StandardKey.Find))
        self.act_find.triggered.connect(lambda: (self.search_box.setFocus(), self.search_box.selectAll()))
        self.act_save = QtGui.QAction(self.tr("Save changes"), self)
        self.act_save.setShortcut(QtGui.QKeySequence(QtGui.QKeySequence.StandardKey.Save))
        self.act_save.triggered.connect(lambda: self.save())
        for action in (self.act_undo, self.act_redo, self.act_refresh, self.act_find, self.act_save):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)

    def _build_results(self) -> QtWidgets.QWidget:
        pane = QtWidgets.QWidget(self)
        self.search_box = QtWidgets.QLineEdit(pane)
        self.search_box.setObjectName("customerSearch")
        self.search_box.setPlaceholderText(self.tr("Search by email, phone, id, tag or any attribute value…"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.textChanged.connect(lambda _text: self.search_timer.start())
        self.search_box.returnPressed.connect(self.run_search)
        self.count_label = QtWidgets.QLabel("", pane)
        self.count_label.setObjectName("resultCount")
        self.more_button = QtWidgets.QPushButton(self.tr("Load more"), pane)
        self.more_button.setObjectName("loadMore")
        self.more_button.setFlat(True)
        self.more_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.more_button.setToolTip(self.tr("List the next %1 customers (scrolling to the end of the list "
                                            "does the same)").replace("%1", str(PAGE)))
        self.more_button.clicked.connect(self.load_more)
        policy = self.more_button.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # the list does not jump when the button comes and goes
        self.more_button.setSizePolicy(policy)
        self.more_button.hide()

        self.results_model = CustomerListModel(self)
        self.results = customer_list(pane, self.results_model)
        header = self.results.header()
        header.setSectionsMovable(False)
        header.resizeSection(1, self._identifier_width())
        header.resizeSection(2, self._updated_width())
        header.setMinimumSectionSize(self.fontMetrics().horizontalAdvance("M") * 4)
        # The order is the engine's (most recently updated first, the Updated tooltip says so);
        # sorting by a click would only sort the rows loaded so far.
        header.setSectionsClickable(False)
        self.results.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.results.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self._scrolled_to = 0

        self.results_empty = QtWidgets.QLabel("", pane)
        self.results_empty.setObjectName("emptyState")
        self.results_empty.setWordWrap(True)
        self.results_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.results_stack = QtWidgets.QStackedWidget(pane)
        self.results_stack.addWidget(self.results)
        self.results_stack.addWidget(self.results_empty)

        layout = QtWidgets.QVBoxLayout(pane)
        layout.setContentsMargins(8, 8, 4, 8)
        layout.setSpacing(6)
        count_row = QtWidgets.QHBoxLayout()
        count_row.setContentsMargins(0, 0, 0, 0)
        count_row.addWidget(self.count_label, 1)
        count_row.addWidget(self.more_button)
        # Actions on the whole list go beside the search box.
        self.phones_button = QtWidgets.QPushButton(self.tr("&Phone numbers…"), pane)
        self.phones_button.setObjectName("phoneNumbers")
        self.phones_button.setToolTip(self.tr("Phone numbers stored without a country code: see what writing them "
                                              "with it does (profiles of one person are merged), and do it"))
        self.phones_button.clicked.connect(self.open_phone_numbers)
        search_row = QtWidgets.QHBoxLayout()
        search_row.setContentsMargins(0, 0, 0, 0)
        search_row.addWidget(self.search_box, 1)
        search_row.addWidget(self.phones_button)
        layout.addLayout(search_row)
        layout.addLayout(count_row)
        layout.addWidget(self.results_stack, 1)
        return pane

    def _cell_width(self, text: str) -> int:
        """Room for ``text`` in a cell of the results list (its padding and a little air)."""
        return self.results.fontMetrics().horizontalAdvance(text) + 2 * self.style().pixelMetric(
            QtWidgets.QStyle.PixelMetric.PM_FocusFrameHMargin, None, self.results) + 16

    def _identifier_width(self) -> int:
        return self._cell_width(TYPICAL_EMAIL)

    def _updated_width(self) -> int:
        now = datetime.now(UTC)
        samples = [format_relative(now - delta) for delta in
                   (timedelta(minutes=59), timedelta(hours=23), timedelta(days=6), timedelta(days=300))]
        samples.append(self.results_model.headerData(CustomerListModel.COL_UPDATED, Qt.Orientation.Horizontal))
        return max(self._cell_width(text) for text in samples)

    def _results_width(self) -> int:
        """The list pane's width: a typical name, a typical e-mail and the update time side by side."""
        name = self._cell_width(TYPICAL_NAME)
        scroll = self.style().pixelMetric(QtWidgets.QStyle.PixelMetric.PM_ScrollBarExtent, None, self.results)
        return name + self._identifier_width() + self._updated_width() + scroll + 2 * self.results.frameWidth() + 12

    def _build_detail(self) -> QtWidgets.QWidget:
        self.detail_stack = QtWidgets.QStackedWidget(self)
        self.detail_empty = QtWidgets.QLabel("", self.detail_stack)
        self.detail_empty.setObjectName("emptyState")
        self.detail_empty.setWordWrap(True)
        self.detail_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail_empty.setMargin(40)
        self.detail_stack.addWidget(self.detail_empty)

        detail = QtWidgets.QWidget(self.detail_stack)
        self.name_label = ElidedLabel("", detail)
        self.name_label.setObjectName("profileName")
        self.identifiers_label = IdentifierLine(detail)
        self.identifiers_label.setObjectName("profileIdentifiers")
        # A long address has no place to wrap: it is cut at the window's edge (the tooltip holds
        # every identifier) rather than widening the window past the screen.
        self.identifiers_label.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored,
                                             QtWidgets.QSizePolicy.Policy.Preferred)
        self.identifiers_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.meta_label = QtWidgets.QLabel("", detail)
        self.meta_label.setObjectName("profileMeta")
        self.meta_label.setWordWrap(True)
        self.export_button = QtWidgets.QPushButton(self.tr("Export…"), detail)
        self.export_button.setToolTip(self.tr("Save everything stored about this customer as a JSON file"))
        self.export_button.clicked.connect(self.export_current)
        self.merge_button = QtWidgets.QPushButton(self.tr("Merge…"), detail)
        self.merge_button.setObjectName("mergeButton")
        self.merge_button.setToolTip(self.tr("Find another profile of the same person and merge the two into "
                                             "one"))
        self.merge_button.clicked.connect(self.merge_current)
        self.delete_button = QtWidgets.QPushButton(self.tr("Delete customer…"), detail)
        self.delete_button.setToolTip(self.tr("Erase this customer and everything about them (the right to be "
                                              "forgotten)"))
        self.delete_button.setIcon(self.style().standardIcon(QtWidgets.QStyle.StandardPixmap.SP_TrashIcon))
        self.delete_button.clicked.connect(self.delete_current)

        head_text = QtWidgets.QVBoxLayout()
        head_text.setSpacing(2)
        head_text.addWidget(self.name_label)
        head_text.addWidget(self.identifiers_label)
        head_text.addWidget(self.meta_label)
        head_buttons = QtWidgets.QVBoxLayout()
        head_buttons.addWidget(self.export_button)
        head_buttons.addWidget(self.merge_button)
        head_buttons.addWidget(self.delete_button)
        head_buttons.addStretch(1)
        head = QtWidgets.QHBoxLayout()
        head.addLayout(head_text, 1)
        head.addLayout(head_buttons)

        self.tabs = QtWidgets.QTabWidget(detail)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._build_attributes_tab(), self.tr("Attributes"))
        self.tabs.addTab(self._build_consent_tab(), self.tr("Consent and tags"))
        self.tabs.addTab(self._build_events_tab(), self.tr("Events"))
        self.tabs.addTab(self._build_journeys_tab(), self.tr("Journeys"))

        layout = QtWidgets.QVBoxLayout(detail)
        layout.setContentsMargins(8, 10, 10, 0)
        layout.setSpacing(8)
        layout.addWidget(self._build_notice(detail))
        layout.addLayout(head)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self._build_edit_bar(detail))
        self.detail_stack.addWidget(detail)
        self.detail_page = detail
        return self.detail_stack

    def _build_notice(self, parent: QtWidgets.QWidget) -> QtWidgets.QWidget:
        """A bar above the profile for what happened to it meanwhile: merged away or erased
        elsewhere, or an identifier a save could not change."""
        bar = QtWidgets.QFrame(parent)
        bar.setObjectName("noticeBar")
        self.notice_text = QtWidgets.QLabel("", bar)
        self.notice_text.setObjectName("noticeText")
        self.notice_text.setWordWrap(True)
        self.notice_text.setTextFormat(Qt.TextFormat.PlainText)
        self.notice_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice_text.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored,
                                       QtWidgets.QSizePolicy.Policy.Preferred)
        self.notice_close = QtWidgets.QToolButton(bar)
        self.notice_close.setAutoRaise(True)
        self.notice_close.setIcon(self.style().standardIcon(QtWidgets.QStyle.StandardPixmap.SP_TitleBarCloseButton))
        self.notice_close.setToolTip(self.tr("Dismiss"))
        self.notice_close.clicked.connect(self._hide_notice)
        self.notice_open = QtWidgets.QPushButton("", bar)
        self.notice_open.setObjectName("noticeOpen")
        self.notice_open.clicked.connect(self.open_kept)
        self.notice_apply = QtWidgets.QPushButton("", bar)
        self.notice_apply.setObjectName("noticeApply")
        self.notice_apply.clicked.connect(self.apply_to_kept)
        self.notice_merge = QtWidgets.QPushButton(self.tr("Merge…"), bar)
        self.notice_merge.setObjectName("noticeMerge")
        self.notice_merge.clicked.connect(lambda: self.merge_current(self._merge_suggestion))
        top = QtWidgets.QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.notice_text, 1)
        top.addWidget(self.notice_close, 0, Qt.AlignmentFlag.AlignTop)
        buttons = QtWidgets.QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addStretch(1)
        for button in (self.notice_merge, self.notice_open, self.notice_apply):
            buttons.addWidget(button)
        layout = QtWidgets.QVBoxLayout(bar)
        layout.setContentsMargins(10, 8, 6, 8)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addLayout(buttons)
        self.notice_bar = bar
        bar.hide()
        return bar

    def _build_edit_bar(self, parent: QtWidgets.QWidget) -> QtWidgets.QWidget:
        bar = QtWidgets.QFrame(parent)
        bar.setObjectName("editBar")
        self.edit_state_label = QtWidgets.QLabel(self.tr("Unsaved changes"), bar)
        self.edit_error = QtWidgets.QLabel("", bar)
        self.edit_error.setObjectName("editError")
        self.edit_error.setWordWrap(True)
        self.undo_button = QtWidgets.QToolButton(bar)
        self.undo_button.setDefaultAction(self.act_undo)
        self.revert_button = QtWidgets.QPushButton(self.tr("Revert"), bar)
        self.revert_button.setToolTip(self.tr("Forget the changes and show the stored profile"))
        self.revert_button.clicked.connect(self.revert)
        self.save_button = QtWidgets.QPushButton(self.tr("Save"), bar)
        self.save_button.setDefault(True)
        self.save_button.setToolTip(self.tr("Store the changed attributes, consent and tags (Ctrl+S)"))
        self.save_button.clicked.connect(lambda: self.save())
        row = QtWidgets.QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit_state_label)
        row.addWidget(self.edit_error, 1)
        row.addWidget(self.undo_button)
        row.addWidget(self.revert_button)
        row.addWidget(self.save_button)
        # "Also change the email identifier": one box per kind, shown while an edit calls for it.
        self.identifier_boxes: dict[str, QtWidgets.QCheckBox] = {}
        self._identifier_swaps: dict[str, Swap] = {}
        boxes = QtWidgets.QVBoxLayout()
        boxes.setContentsMargins(0, 0, 0, 0)
        boxes.setSpacing(2)
        for kind in ("email", "phone"):
            box = QtWidgets.QCheckBox(bar)
            box.setObjectName(f"followIdentifier_{kind}")
            box.setToolTip(self.tr("Events, look-ups and merges find a customer by their identifiers, while "
                                   "messages go to the attribute. Untick to change the attribute only."))
            box.toggled.connect(lambda on, k=kind: self._on_follow_toggled(k, on))
            box.hide()
            boxes.addWidget(box)
            self.identifier_boxes[kind] = box
        column = QtWidgets.QVBoxLayout(bar)
        column.setContentsMargins(10, 6, 10, 6)
        column.setSpacing(4)
        column.addLayout(row)
        column.addLayout(boxes)
        self.edit_bar = bar
        return bar

    def _build_attributes_tab(self) -> QtWidgets.QWidget:
        page = QtWidgets.QWidget(self)
        self.attributes = QtWidgets.QTableWidget(0, 3, page)
        self.attributes.setObjectName("attributeTable")
        self.attributes.setHorizontalHeaderLabels([self.tr("Attribute"), self.tr("Type"), self.tr("Value")])
        self.attributes.verticalHeader().setVisible(False)
        self.attributes.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.attributes.setAlternatingRowColors(True)
        self.attributes.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.attributes.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.DoubleClicked
                                        | QtWidgets.QAbstractItemView.EditTrigger.EditKeyPressed
                                        | QtWidgets.QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.attributes.setItemDelegateForColumn(1, _TypeDelegate(self.attributes))
        header = self.attributes.horizontalHeader()
        header.setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QtWidgets.QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QtWidgets.QHeaderView.ResizeMode.Stretch)
        header.resizeSection(0, 180)
        header.resizeSection(1, 150)
        self.attributes.itemChanged.connect(lambda _item: self._user_edited(self.tr("Edit attribute")))
        self.add_attribute_button = QtWidgets.QPushButton(self.tr("Add attribute"), page)
        self.add_attribute_button.clicked.connect(self.add_attribute)
        self.remove_attribute_button = QtWidgets.QPushButton(self.tr("Remove"), page)
        self.remove_attribute_button.setToolTip(self.tr("Remove the selected attributes"))
        self.remove_attribute_button.clicked.connect(self.remove_selected_attributes)
        hint = QtWidgets.QLabel(self.tr("Double-click a cell to change it. Numbers: 99.5 or 99,5."), page)
        hint.setObjectName("mutedNote")
        hint.setToolTip(number_rule())
        self.attributes.horizontalHeaderItem(2).setToolTip(number_rule())
        self.attributes_hint = hint
        tools = QtWidgets.QHBoxLayout()
        tools.addWidget(self.add_attribute_button)
        tools.addWidget(self.remove_attribute_button)
        tools.addSpacing(8)
        tools.addWidget(hint)
        tools.addStretch(1)
        layout = QtWidgets.QVBoxLayout(page)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(tools)
        layout.addWidget(self.attributes, 1)
        return page

    def _build_consent_tab(self) -> QtWidgets.QWidget:
        page = QtWidgets.QWidget(self)
        consent_group = QtWidgets.QGroupBox(self.tr("Consent per channel"), page)
        self.consent_layout = QtWidgets.QGridLayout(consent_group)
        self.consent_layout.setColumnStretch(2, 1)
        self.consent_boxes: dict[str, ConsentBox] = {}
        self.consent_states: dict[str, QtWidgets.QLabel] = {}
        note = QtWidgets.QLabel(self.tr("Ticked: granted. Empty: refused. Filled square: not recorded. Click to "
                                        "grant or refuse; right-click for “not recorded”."), consent_group)
        note.setObjectName("mutedNote")
        note.setWordWrap(True)
        self.consent_layout.addWidget(note, 0, 0, 1, 3)
        self.opt_outs_label = QtWidgets.QLabel("", consent_group)
        self.opt_outs_label.setWordWrap(True)
        self._consent_rows = 1

        tags_group = QtWidgets.QGroupBox(self.tr("Tags"), page)
        self.tags_list = QtWidgets.QListWidget(tags_group)
        self.tags_list.setObjectName("tagList")
        self.tags_list.setFlow(QtWidgets.QListView.Flow.LeftToRight)
        self.tags_list.setWrapping(True)
        self.tags_list.setSpacing(4)
        self.tags_list.setMaximumHeight(110)
        self.tags_list.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tag_input = QtWidgets.QLineEdit(tags_group)
        self.tag_input.setPlaceholderText(self.tr("New tag"))
        self.tag_input.returnPressed.connect(self.add_tag)
        add_tag = QtWidgets.QPushButton(self.tr("Add tag"), tags_group)
        add_tag.clicked.connect(self.add_tag)
        remove_tag = QtWidgets.QPushButton(self.tr("Remove"), tags_group)
        remove_tag.setToolTip(self.tr("Remove the selected tags"))
        remove_tag.clicked.connect(self.remove_selected_tags)
        tag_row = QtWidgets.QHBoxLayout()
        tag_row.addWidget(self.tag_input, 1)
        tag_row.addWidget(add_tag)
        tag_row.addWidget(remove_tag)
        tags_layout = QtWidgets.QVBoxLayout(tags_group)
        tags_layout.addWidget(self.tags_list)
        tags_layout.addLayout(tag_row)

        segments_group = QtWidgets.QGroupBox(self.tr("Segments"), page)
        self.segments_label = QtWidgets.QLabel("", segments_group)
        self.segments_label.setWordWrap(True)
        QtWidgets.QVBoxLayout(segments_group).addWidget(self.segments_label)

        layout = QtWidgets.QVBoxLayout(page)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(consent_group)
        layout.addWidget(tags_group)
        layout.addWidget(segments_group)
        layout.addStretch(1)
        return page

    def _build_events_tab(self) -> QtWidgets.QWidget:
        page = QtWidgets.QWidget(self)
        self.events_tree = QtWidgets.QTreeWidget(page)
        self.events_tree.setObjectName("eventTimeline")
        self.events_tree.setColumnCount(4)
        self.events_tree.setHeaderLabels([self.tr("When"), self.tr("Event"), self.tr("Source"),
                                          self.tr("Properties")])
        self.events_tree.setAlternatingRowColors(True)
        self.events_tree.setUniformRowHeights(True)
        header = self.events_tree.header()
        header.setStretchLastSection(True)
        header.resizeSection(0, 150)
        header.resizeSection(1, 150)
        header.resizeSection(2, self._source_width([]))
        self.events_label = QtWidgets.QLabel("", page)
        self.events_label.setObjectName("mutedNote")
        self.events_more = QtWidgets.QPushButton(self.tr("Show older events"), page)
        self.events_more.clicked.connect(self.load_more_events)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.events_label, 1)
        row.addWidget(self.events_more)
        layout = QtWidgets.QVBoxLayout(page)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.events_tree, 1)
        layout.addLayout(row)
        return page

    def _build_journeys_tab(self) -> QtWidgets.QWidget:
        page = QtWidgets.QWidget(self)
        self.journeys_tree = QtWidgets.QTreeWidget(page)
        self.journeys_tree.setObjectName("journeyRuns")
        self.journeys_tree.setColumnCount(7)
        self.journeys_tree.setHeaderLabels([self.tr("Journey"), self.tr("Version"), self.tr("Mode"),
                                            self.tr("Status"), self.tr("Current step"), self.tr("Started"),
                                            self.tr("Updated")])
        self.journeys_tree.setRootIsDecorated(False)
        self.journeys_tree.setAlternatingRowColors(True)
        self.journeys_tree.setToolTip(self.tr("Double-click a run to open its journey"))
        self.journeys_tree.itemActivated.connect(
            lambda item, _col: self.journeyRequested.emit(item.data(0, _ID_ROLE) or ""))
        header = self.journeys_tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.Stretch)
        for column in range(1, 7):
            header.setSectionResizeMode(column, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        self.journeys_empty = QtWidgets.QLabel(self.tr("This customer has not been in any journey yet."), page)
        self.journeys_empty.setObjectName("mutedNote")
        layout = QtWidgets.QVBoxLayout(page)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.journeys_tree, 1)
        layout.addWidget(self.journeys_empty)
        return page

    # -- searching ----------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """Whether an engine call is still running (tests wait on this)."""
        return self.background.busy

    def showEvent(self, event: QtGui.QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        # Customers arrive while the window is closed (collector, imports): read them again.
        if not event.spontaneous():
            self.run_search()

    def run_search(self) -> None:
        """Search now for the text in the box (the first page; see :meth:`load_more` for the rest)."""
        self.search_timer.stop()
        text = self.search_box.text().strip()
        if text != self._query:
            self._erased = False
            self._new_text = True
        self._query = text
        self.count_label.setText(self.tr("Searching…"))
        self.results_model.loading = True  # no page of the previous search from here on
        self.more_button.hide()
        ws = self.workspace
        self.background.submit(lambda: profiles.search(ws, text, 0, PAGE), self._on_searched,
                               self._on_search_failed, key="search")

    def _on_searched(self, page: SearchPage) -> None:
        self.results_model.reset(page, PAGE)
        self._scrolled_to = self.results.verticalScrollBar().value()
        self._update_count()
        new_text, self._new_text = self._new_text, False
        row = self.results_model.row_of(self.current_id) if self.current_id is not None else -1
        if row >= 0:
            self._select_row(row)
        elif self._erased or not self._query or (self.current_id is not None and not new_text):
            pass  # the pane keeps what it shows: a refresh, or the search box emptied
        elif self.results_model.items:
            # A search usually looks for one person: show the best match straight away (asking
            # first, when the shown customer has unsaved changes).
            self._select_row(0)
        elif self.current_id is not None and not self.dirty:
            # Nobody matches the new text: the customer shown before is not what was searched for.
            self.current_id = None
            self.profile = None
        if self.current_id is None and not self._erased:
            self._show_detail_placeholder()

    def _on_search_failed(self, message: str) -> None:
        self.results_model.loading = False
        self.more_button.hide()
        self.count_label.setText(self.tr("The search failed: %1").replace("%1", message))

    def _on_scrolled(self, value: int) -> None:
        # Only a move down counts: the range shrinking or a new search moves the bar up by itself.
        down = value > self._scrolled_to
        self._scrolled_to = value
        bar = self.results.verticalScrollBar()
        if down and bar.maximum() - value <= bar.pageStep():
            self.load_more()

    def load_more(self) -> bool:
        """Ask for the next page of results unless one is on its way or there is none; whether asked."""
        model = self.results_model
        if model.loading or not model.has_more:
            return False
        model.loading = True
        self.more_button.setEnabled(False)
        self.more_button.setText(self.tr("Loading…"))
        text, after, ws = self._query, model.cursor, self.workspace
        self.background.submit(lambda: profiles.search(ws, text, 0, PAGE, after=after), self._on_more,
                               self._on_search_failed, key="search")
        return True

    def _on_more(self, page: SearchPage) -> None:
        self.results_model.append(page, PAGE)
        self._update_count()

    def _update_count(self) -> None:
        model = self.results_model
        total = model.total
        self.more_button.setVisible(model.has_more)
        self.more_button.setEnabled(not model.loading)
        self.more_button.setText(self.tr("Load more"))
        if total == 0:
            self.count_label.setText(self.tr("No customers") if not self._query else self.tr("No matches"))
            if self._query:
                text = self.tr("No customer matches “%1”.\nSearch looks in every identifier (email, phone, "
                               "user id…) and attribute value.").replace("%1", self._query)
            else:
                text = self.tr("No customers yet — import a CSV or start the collector.\nCustomers appear "
                               "here as soon as their first event or profile arrives.")
            self.results_empty.setText(text)
            self.results_stack.setCurrentWidget(self.results_empty)
            return
        self.results_stack.setCurrentWidget(self.results)
        if self._query:
            text = self.tr("%1 matches").replace("%1", f"{total:,}") if total != 1 else self.tr("1 match")
        else:
            text = (self.tr("%1 customers").replace("%1", f"{total:,}") if total != 1
                    else self.tr("1 customer"))
        if model.has_more:
            text += " · " + self.tr("showing %1").replace("%1", f"{len(model.items):,}")
        self.count_label.setText(text)
        self.count_label.setToolTip(text)

    def _select_row(self, row: int) -> None:
        index = self.results_model.index(row, 0)
        self.results.selectionModel().setCurrentIndex(
            index, QtCore.QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QtCore.QItemSelectionModel.SelectionFlag.Rows)
        self.results.scrollTo(index)

    def refresh(self) -> None:
        """Search again and reload the shown profile; one with unsaved changes is not reloaded, only
        checked: if it was merged away or erased meanwhile, the window says so."""
        self.run_search()
        if self.current_id is not None and not self.dirty:
            self.show_customer(self.current_id)
        else:
            self.check_shown()

    def open_phone_numbers(self) -> PhoneNumbersDialog:
        """Open the dialog that writes phone numbers stored without a country code with one; the
        list and the shown profile are read again after it wrote any."""
        from gui.phone_numbers_dialog import PhoneNumbersDialog

        if self.phone_dialog is not None:
            self.phone_dialog.shutdown()
            self.phone_dialog.deleteLater()
        dialog = PhoneNumbersDialog(self.workspace, self)
        dialog.rewritten.connect(lambda _outcome: (self.refresh(), self.customersChanged.emit()))
        self.phone_dialog = dialog
        dialog.open()
        return dialog

    def check_shown(self) -> None:
        """Find out whether the shown customer is still in the workspace (one look-up by id; the
        merge history is read only when it is not) and, if not, say where they went. Runs when the
        window is activated and on :meth:`refresh`; whoever learns of new events or merges (the
        collector) may call it too."""
        if self.current_id is None or self.profile is None or self._gone is not None:
            return
        customer_id, ws = self.current_id, self.workspace
        self.background.submit(lambda: locate(ws, customer_id), lambda gone: self._on_located(customer_id, gone),
                               lambda _message: None, key="locate")

    def _on_located(self, customer_id: str, gone: Gone | None) -> None:
        if gone is not None and customer_id == self.current_id and self._gone is None:
            self._show_gone(gone)

    def changeEvent(self, event: QtCore.QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        # Back from another window (the editor, the collector's): the profile may have gone meanwhile.
        if event.type() == QtCore.QEvent.Type.ActivationChange and self.isActiveWindow():
            self.check_shown()

    # -- one customer -------------------------------------------------------------------------
    def _on_current_row(self, current: QtCore.QModelIndex, previous: QtCore.QModelIndex) -> None:
        customer_id = current.data(_ID_ROLE) if current.isValid() else None
        if customer_id is None or customer_id == self.current_id:
            return
        if self.dirty:
            answer = self._ask_unsaved(self.name_label.text())
            if answer == "cancel" or (answer == "save"
                                      and not self.save(then=lambda: self.show_customer(customer_id))):
                self._restore_selection()
                return
            if answer == "save":
                return  # the next customer is shown once the save is stored
        self.show_customer(customer_id)

    def _restore_selection(self) -> None:
        """Back to the customer being edited, without asking again."""
        row = self.results_model.row_of(self.current_id) if self.current_id else -1
        with QtCore.QSignalBlocker(self.results.selectionModel()):
            if row >= 0:
                self._select_row(row)
            else:
                self.results.selectionModel().clearSelection()
        self.results.viewport().update()

    def show_customer(self, customer_id: str, keep_undo: bool = False) -> None:
        """Load and show one customer's profile (``keep_undo``: the same customer again after a save
        or its undo, whose undo steps stay)."""
        self.current_id = customer_id
        self._erased = False
        ws = self.workspace
        self.background.submit(lambda: load(ws, customer_id, EVENTS_PAGE),
                               lambda found: self._on_loaded(customer_id, found, keep_undo),
                               lambda message: self._on_profile_failed(customer_id, message), key="profile")

    def _on_loaded(self, customer_id: str, found: tuple[Profile | Gone, str | None], keep_undo: bool) -> None:
        if customer_id != self.current_id:
            return
        result, self._phone_country = found
        if isinstance(result, Gone):
            if self.profile is not None and self.profile.customer.id == customer_id:
                self._show_gone(result)  # the pane keeps what it shows, under the notice
            else:
                self.current_id = None
                self.profile = None
                self._show_gone_placeholder(result)
            return
        self._on_profile(result, keep_undo)

    def _on_profile(self, profile: Profile, keep_undo: bool = False) -> None:
        if profile.customer.id != self.current_id:
            return
        if self.profile is None or self.profile.customer.id != profile.customer.id:
            self._declined.clear()
        self._carried = frozenset()
        self.profile = profile
        self._gone = None
        if self._notice_kind == "gone" or self._notice_for != profile.customer.id:
            self._hide_notice()
        customer = profile.customer
        summary = _summary(customer)
        self.name_label.setText(summary.label)
        self.identifiers_label.set_identifiers(customer.identifiers, self.tr("No identifiers"))
        self.identifiers_label.setToolTip("\n".join(f"{kind}: {value}" for kind, value in customer.identifiers))
        # A marketer dates a customer from their first known activity; an import made the profile
        # today from events that go back years.
        meta = fill(self.tr("Customer since %1 · updated %2"), short_time(profile.customer_since),
                    format_relative(customer.updated_at))
        since_tip = self.tr("In Journey Studio since %1").replace("%1", format_timestamp(customer.created_at))
        if profile.first_event_at is not None:
            since_tip = self.tr("First event %1").replace("%1", format_timestamp(profile.first_event_at)) \
                + "\n" + since_tip
        self.meta_label.setToolTip(since_tip)
        if customer.time_zone:
            meta += " · " + self.tr("time zone %1").replace("%1", customer.time_zone)
        self.meta_label.setText(meta)
        self.name_label.setToolTip(summary.label + "\n" + self.tr("Customer id %1").replace("%1", customer.id))
        self._loaded = EditState.of(customer.attributes, customer.consent, customer.tags)
        self._apply_state(self._loaded)
        if not keep_undo:  # after the table shows this customer: clearing repaints the edit bar
            self.undo_stack.clear()
        self.edit_error.setText("")
        self._show_segments(profile)
        self.events = []
        self.events_tree.clear()
        self._add_events(profile.events)
        self._show_runs(profile.journeys)
        self.detail_stack.setCurrentWidget(self.detail_page)
        self._update_edit_bar()
        rebase, self._rebase = self._rebase, None
        if rebase is not None and rebase[0] == customer.id:
            self._take_over_edits(*rebase[1:])

    def _on_profile_failed(self, customer_id: str, message: str) -> None:
        if customer_id != self.current_id:
            return
        self.current_id = None
        self.profile = None
        self.detail_empty.setTextFormat(Qt.TextFormat.PlainText)
        self.detail_empty.setText(self.tr("This customer could not be shown: %1").replace("%1", message))
        self.detail_stack.setCurrentWidget(self.detail_empty)

    def _show_detail_placeholder(self) -> None:
        if self.results_model.total == 0 and not self._query:
            text = self.tr("Profiles show what you know about each customer: identifiers, attributes, consent, "
                           "events and journeys.")
        else:
            text = self.tr("Select a customer to see their profile.")
        self.detail_empty.setTextFormat(Qt.TextFormat.PlainText)
        self.detail_empty.setText(text)
        self.detail_stack.setCurrentWidget(self.detail_empty)

    def _show_segments(self, profile: Profile) -> None:
        if profile.matching_now:
            names = ", ".join(name for _id, name in profile.matching_now)
            self.segments_label.setText(self.tr("Matches now: %1").replace("%1", names))
        else:
            self.segments_label.setText(self.tr("Matches no saved segment now."))
        stored = ", ".join(name for _id, name, _since in profile.segments)
        tip = self.tr("The saved segments whose rules pick this customer now, as the segment builder counts them.")
        if [i for i, _n, _s in profile.segments] != [i for i, _n in profile.matching_now]:
            tip += "\n" + (self.tr("Stored membership, which starts journeys, as of the engine's last look at "
                                   "each segment: %1").replace("%1", stored) if stored else
                           self.tr("Stored membership, which starts journeys, as of the engine's last look at "
                                   "each segment: none yet."))
        self.segments_label.setToolTip(tip)
        if profile.opt_outs:
            lines = ", ".join(f"{channel_label(kind)} {address}" for kind, address in profile.opt_outs)
            self.opt_outs_label.setText(self.tr("Unsubscribed: %1").replace("%1", lines))
        else:
            self.opt_outs_label.setText("")
        self.opt_outs_label.setVisible(bool(profile.opt_outs))

    # -- events and journeys ------------------------------------------------------------------
    def _add_events(self, page: profiles.EventPage) -> None:
        self.events_total = page.total
        known = {ev.id for ev in self.events}
        for event in page.items:
            if event.id in known:
                continue
            self.events.append(event)
            item = QtWidgets.QTreeWidgetItem([short_time(event.occurred_at), event.name,
                                              source_label(event.source or ""),
                                              ", ".join(f"{k}: {compact(v, 40)}" for k, v in
                                                        display_order(event.properties).items())])
            item.setToolTip(0, format_timestamp(event.occurred_at))
            item.setToolTip(2, self.tr("Source: %1").replace("%1", event.source) if event.source
                            else self.tr("No source recorded"))
            item.setToolTip(3, json.dumps(event.properties, ensure_ascii=False, indent=2)[:4000])
            # In the tree first: an item spans the columns only once the view knows it.
            self.events_tree.addTopLevelItem(item)
            for key, value in display_order(event.properties).items():
                listed = isinstance(value, list) and value and all(isinstance(v, dict) for v in value)
                child = QtWidgets.QTreeWidgetItem([f"{key} ({len(value)})" if listed else
                                                   f"{key} = {compact(value, 300)}"])
                item.addChild(child)
                child.setFirstColumnSpanned(True)
                if listed:
                    # An order's items, one line each, the keys in the order the others show them.
                    for number, entry in enumerate(value, 1):
                        line = QtWidgets.QTreeWidgetItem([f"{number}. " + ", ".join(
                            f"{k}: {compact(v, 60)}" for k, v in display_order(entry).items())])
                        child.addChild(line)
                        line.setFirstColumnSpanned(True)
        shown = len(self.events)
        self.events_tree.header().resizeSection(2, self._source_width(
            {source_label(ev.source or "") for ev in self.events}))
        self.tabs.setTabText(2, self.tr("Events (%1)").replace("%1", f"{page.total:,}"))
        if page.total == 0:
            self.events_label.setText(self.tr("No events recorded for this customer."))
        else:
            self.events_label.setText(fill(self.tr("Newest first · showing %1 of %2"), f"{shown:,}",
                                           f"{page.total:,}"))
        self.events_more.setVisible(shown < page.total)
        self.events_more.setEnabled(True)

    def _source_width(self, labels) -> int:
        """The Source column's width: its header and the labels shown, up to :data:`SOURCE_COLUMN_MAX`."""
        metrics = self.events_tree.fontMetrics()
        pad = 2 * self.style().pixelMetric(QtWidgets.QStyle.PixelMetric.PM_FocusFrameHMargin, None,
                                           self.events_tree) + 20
        widest = max([metrics.horizontalAdvance(text) for text in labels]
                     + [metrics.horizontalAdvance(self.tr("Segment collector"))])
        return min(SOURCE_COLUMN_MAX, widest + pad)

    def load_more_events(self) -> None:
        if self.current_id is None:
            return
        customer_id, offset, ws = self.current_id, len(self.events), self.workspace
        self.events_more.setEnabled(False)
        self.background.submit(lambda: profiles.events_page(ws, customer_id, offset, EVENTS_PAGE),
                               lambda page: self._add_events(page) if customer_id == self.current_id else None,
                               lambda message: self._error(self.tr("Events"), message), key="events")

    def _show_runs(self, runs: list[profiles.JourneyRun]) -> None:
        self.journeys_tree.clear()
        for run in runs:
            item = QtWidgets.QTreeWidgetItem([
                run.journey_name, self.tr("v%1").replace("%1", str(run.version_number)), mode_text(run.mode),
                run_status_text(run), run.node_title or run.node_id, short_time(run.started_at),
                format_relative(run.updated_at)])
            item.setData(0, _ID_ROLE, run.journey_id)
            item.setToolTip(5, format_timestamp(run.started_at))
            item.setToolTip(6, format_timestamp(run.updated_at))
            self.journeys_tree.addTopLevelItem(item)
        self.tabs.setTabText(3, self.tr("Journeys (%1)").replace("%1", str(len(runs))))
        self.journeys_empty.setVisible(not runs)
        self.journeys_tree.setVisible(bool(runs))

    # -- editing ------------------------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        return self.profile is not None and self._collect() != self._loaded

    def _collect(self) -> EditState:
        rows = []
        for row in range(self.attributes.rowCount()):
            name, kind, value = (self.attributes.item(row, c) for c in range(3))
            rows.append((name.text() if name else "", (kind.data(_TYPE_ROLE) if kind else None) or "text",
                         value.text() if value else ""))
        consent = tuple((kind, self.consent_boxes[kind].value()) for kind in self._consent_kinds)
        tags = tuple(self.tags_list.item(i).text() for i in range(self.tags_list.count()))
        return EditState(tuple(rows), consent, tags)

    def _apply_state(self, state: EditState) -> None:
        """Show ``state`` in the widgets (no undo step; the caller decides)."""
        self._updating = True
        try:
            self.attributes.setRowCount(0)
            for name, kind, text in state.rows:
                self._append_row(name, kind, text)
            self._consent_kinds = [kind for kind, _value in state.consent]
            for kind, value in state.consent:
                self._consent_box(kind).set_value(value)
                self.consent_states[kind].setText(consent_text(value))
            # A kind only an earlier customer had recorded is not this customer's.
            for kind, box in self.consent_boxes.items():
                box.setVisible(kind in self._consent_kinds)
                self.consent_states[kind].setVisible(kind in self._consent_kinds)
            self.tags_list.clear()
            self.tags_list.addItems(list(state.tags))
        finally:
            self._updating = False
        self._shown = state
        self._update_edit_bar()

    def _append_row(self, name: str, kind: str, text: str) -> int:
        row = self.attributes.rowCount()
        self.attributes.insertRow(row)
        name_item = QtWidgets.QTableWidgetItem(name)
        kind_item = QtWidgets.QTableWidgetItem(type_label(kind))
        kind_item.setData(_TYPE_ROLE, kind)
        value_item = QtWidgets.QTableWidgetItem(text)
        local = local_moment(text)
        value_item.setToolTip(text[:2000] if local is None else
                              self.tr("%1\nIn this computer's time zone: %2").replace("%1", text).replace("%2", local))
        for column, item in enumerate((name_item, kind_item, value_item)):
            self.attributes.setItem(row, column, item)
        return row

    def _consent_box(self, kind: str) -> ConsentBox:
        box = self.consent_boxes.get(kind)
        if box is None:
            box = ConsentBox(kind, self)
            state = QtWidgets.QLabel("", self)
            state.setObjectName("consentState")
            row = self._consent_rows
            self._consent_rows += 1
            self.consent_layout.addWidget(box, row, 0)
            self.consent_layout.addWidget(state, row, 1)
            self.consent_layout.addWidget(self.opt_outs_label, row + 1, 0, 1, 3)
            self.consent_boxes[kind] = box
            self.consent_states[kind] = state
            box.stateChanged.connect(lambda _state, k=kind: self._on_consent(k))
        return box

    def _on_consent(self, kind: str) -> None:
        if self._updating:
            return
        self.consent_states[kind].setText(consent_text(self.consent_boxes[kind].value()))
        self._user_edited(self.tr("Change consent"))

    def _user_edited(self, text: str) -> None:
        if self._updating or self.profile is None:
            return
        state = self._collect()
        if state == self._shown:
            return
        self.undo_stack.push(_Snapshot(self, self._shown, state, text))
        self._shown = state
        self.edit_error.setText("")
        self._update_edit_bar()

    def add_attribute(self) -> None:
        if self.profile is None:
            return
        self.tabs.setCurrentIndex(0)
        taken = {self.attributes.item(r, 0).text() for r in range(self.attributes.rowCount())}
        name = "new_attribute"
        n = 2
        while name in taken:
            name, n = f"new_attribute_{n}", n + 1
        self._updating = True
        try:
            row = self._append_row(name, "text", "")
        finally:
            self._updating = False
        self._user_edited(self.tr("Add attribute"))
        self.attributes.setCurrentCell(row, 0)
        self.attributes.editItem(self.attributes.item(row, 0))

    def set_attribute(self, name: str, text: str, kind: str | None = None) -> None:
        """Set an attribute's value in the table as a user would (added when missing)."""
        rows = [self.attributes.item(r, 0).text() for r in range(self.attributes.rowCount())]
        if name in rows:
            row = rows.index(name)
            self._updating = True
            try:
                if kind is not None:
                    self.attributes.item(row, 1).setData(_TYPE_ROLE, kind)
                    self.attributes.item(row, 1).setText(type_label(kind))
            finally:
                self._updating = False
            self.attributes.item(row, 2).setText(text)
        else:
            self._updating = True
            try:
                self._append_row(name, kind or "text", text)
            finally:
                self._updating = False
            self._user_edited(self.tr("Add attribute"))

    def remove_selected_attributes(self) -> None:
        rows = sorted({index.row() for index in self.attributes.selectedIndexes()}, reverse=True)
        if not rows:
            return
        self._updating = True
        try:
            for row in rows:
                self.attributes.removeRow(row)
        finally:
            self._updating = False
        self._user_edited(self.tr("Remove attribute"))

    def add_tag(self) -> None:
        tag = self.tag_input.text().strip()
        existing = {self.tags_list.item(i).text() for i in range(self.tags_list.count())}
        if not tag or self.profile is None or tag in existing:
            self.tag_input.clear()
            return
        self._updating = True
        try:
            self.tags_list.addItem(tag)
            self.tags_list.sortItems()
        finally:
            self._updating = False
        self.tag_input.clear()
        self._user_edited(self.tr("Add tag"))

    def remove_selected_tags(self) -> None:
        items = self.tags_list.selectedItems()
        if not items:
            return
        self._updating = True
        try:
            for item in items:
                self.tags_list.takeItem(self.tags_list.row(item))
        finally:
            self._updating = False
        self._user_edited(self.tr("Remove tag"))

    def revert(self) -> None:
        if self.profile is None:
            return
        self._drop_unsaved_steps()
        self._apply_state(self._loaded)
        self.edit_error.setText("")

    def _update_edit_bar(self) -> None:
        dirty = self.dirty
        gone = self._gone is not None
        self.edit_bar.setVisible(dirty or bool(self.edit_error.text()))
        self.edit_state_label.setVisible(dirty)
        self.save_button.setEnabled(dirty and not gone)
        self.save_button.setToolTip(self.tr("This profile is no longer in the workspace") if gone
                                    else self.tr("Store the changed attributes, consent and tags (Ctrl+S)"))
        self.revert_button.setEnabled(dirty)
        self.act_save.setEnabled(dirty and not gone)
        self._show_identifier_boxes(dirty)
        self._fill_gone_notice()
        self._fill_applied_notice()
        has = self.profile is not None and not gone
        for widget in (self.export_button, self.delete_button):
            widget.setEnabled(has)
        # Edits of a profile merged away can still be added to before they are applied elsewhere.
        for widget in (self.add_attribute_button, self.remove_attribute_button):
            widget.setEnabled(self.profile is not None)
        self.merge_button.setEnabled(has and not dirty)
        self.merge_button.setToolTip(
            self.tr("Save or revert your changes before merging") if has and dirty
            else self.tr("Find another profile of the same person and merge the two into one"))

    def changes(self) -> dict[str, Any]:
        """The arguments of :func:`engine.track.profiles.edit` that store the edits; raises
        :class:`CellError` naming the first bad row."""
        state = self._collect()
        old = self.profile.customer if self.profile is not None else None
        if old is None:
            return {}
        attributes: dict[str, Any] = {}
        seen: set[str] = set()
        for row, (name, kind, text) in enumerate(state.rows, start=1):
            name = name.strip()
            if not name:
                raise CellError(self.tr("Row %1: the attribute needs a name").replace("%1", str(row)), (row - 1, 0))
            if name in seen:
                raise CellError(fill(self.tr("Row %1: “%2” is listed twice"), str(row), name), (row - 1, 0))
            seen.add(name)
            try:
                attributes[name] = parse_value(kind, text)
            except CellError as exc:
                raise CellError(fill(self.tr("Row %1 (%2): %3"), str(row), name,
                                     str(exc)), (row - 1, 2)) from None
        changed: dict[str, Any] = {}
        for name, value in attributes.items():
            if name not in old.attributes or not _same(old.attributes[name], value):
                changed[name] = value
        for name in old.attributes:
            if name not in attributes:
                changed[name] = None  # the engine's merge removes a key given as None
        consent = {kind: value for kind, value in state.consent if old.consent.get(kind) != value}
        result: dict[str, Any] = {}
        if changed:
            result["attributes"] = changed
        if consent:
            result["consent"] = consent
        if tuple(state.tags) != tuple(old.tags):
            result["tags"] = list(state.tags)
        return result

    def save(self, then=None, done: str | None = None) -> bool:
        """Store the edits (on the worker); ``then()`` runs after a successful save, and the status
        bar says ``done`` (else "Saved").

        An edit of the ``email`` or ``phone`` attribute also changes the identifier of that kind
        when the edit bar's box for it is ticked (:meth:`identifier_swaps`). A save stays on the
        undo stack: undoing it writes the old values back, identifiers included."""
        if self.profile is None or not self.dirty:
            return False
        if self._gone is not None:
            self.edit_error.setText(self._gone_save_hint(self._gone))
            self._update_edit_bar()
            return False
        try:
            changes = self.changes()
        except CellError as exc:
            self.edit_error.setText(str(exc))
            self._update_edit_bar()
            self._point_at(exc.cell)
            return False
        old = self.profile.customer
        swaps = tuple(swap for swap in self.identifier_swaps()
                      if (swap.kind, swap.old, swap.new) not in self._declined)
        customer_id, ws, step = old.id, self.workspace, Step(changes, swaps)
        backward = _reverse_changes(changes, old)
        self.save_button.setEnabled(False)
        self.edit_error.setText("")

        def saved(result: Stored | Gone) -> None:
            if isinstance(result, Gone):
                if customer_id == self.current_id:
                    self._show_gone(result)
                    self._restore_selection()  # a save before showing another customer: stay here
                if not self.isVisible():
                    self._show_edit_error()
                return
            record = result.record
            self.statusBar().showMessage(self._saved_text(result, done), 6000)
            self.results_model.replace(_summary(record))
            self.customersChanged.emit()
            if then is not None:
                self.undo_stack.clear()
                then()
                return
            self._push_saved(customer_id, Step(changes, result.swaps),
                             Step(backward, tuple(swap.reversed() for swap in reversed(result.swaps))))
            if result.held:
                self._show_held(customer_id, result.held)
            if record.id == self.current_id:
                self.show_customer(record.id, keep_undo=True)

        def failed(message: str) -> None:
            self.edit_error.setText(self.tr("Not saved: %1").replace("%1", message))
            self._update_edit_bar()
            # Closing with "Save" hid the window before the engine answered: show it again, or the
            # user never hears that their edits were not stored.
            if not self.isVisible():
                self._show_edit_error()

        self.background.submit(lambda: store(ws, customer_id, step), saved, failed)
        return True

    def identifier_swaps(self) -> list[Swap]:
        """The identifier changes the unsaved edits call for, ticked or not: an ``email`` or
        ``phone`` attribute changed from a value the profile holds as an identifier of that kind
        (or from any value, when the profile holds exactly one of that kind and the edit was made
        here, not carried over from a profile merged away) to a value it does not hold."""
        if self.profile is None or self._gone is not None:
            return []
        customer = self.profile.customer
        rows: dict[str, tuple[str, str]] = {}
        for name, kind, text in self._collect().rows:
            rows.setdefault(name.strip(), (kind, text))
        found: dict[str, Swap] = {}
        for name, value in customer.attributes.items():
            kind = IDENTIFIER_ATTRIBUTES.get(name.casefold()) if isinstance(name, str) else None
            if kind is None or kind in found or name not in rows:
                continue
            try:
                new = parse_value(*rows[name])
            except CellError:
                continue
            if _same(new, value):
                continue
            swap = follow_identifier(kind, value, new, customer.identifiers, self._phone_country,
                                     strict=name in self._carried)
            if swap is not None:
                found[kind] = swap
        return list(found.values())

    def _on_follow_toggled(self, kind: str, on: bool) -> None:
        swap = self._identifier_swaps.get(kind)
        if swap is None:
            return
        key = (swap.kind, swap.old, swap.new)
        if on:
            self._declined.discard(key)
        else:
            self._declined.add(key)

    def _show_identifier_boxes(self, dirty: bool) -> None:
        swaps = {swap.kind: swap for swap in self.identifier_swaps()} if dirty else {}
        self._identifier_swaps = swaps
        for kind, box in self.identifier_boxes.items():
            swap = swaps.get(kind)
            box.setVisible(swap is not None)
            if swap is None:
                continue
            box.setText(fill(self.tr("Also change the %1 identifier from %2 to %3"), identifier_kind_label(kind),
                             _elide(swap.old or ""), _elide(swap.new or "")))
            with QtCore.QSignalBlocker(box):
                box.setChecked((swap.kind, swap.old, swap.new) not in self._declined)

    def _saved_text(self, result: Stored, done: str | None = None) -> str:
        done = done or self.tr("Saved")
        if not result.swaps:
            return done
        changed = "; ".join(fill(self.tr("the %1 identifier is now %2"), identifier_kind_label(swap.kind),
                                 swap.new or "") for swap in result.swaps)
        return fill(self.tr("%1; %2"), done, changed)

    def _push_saved(self, customer_id: str, forward: Step, backward: Step) -> None:
        """Make the save one undo step: the unsaved edits' steps go (they are stored now); the
        customer's earlier saves stay undoable, in order."""
        self._drop_unsaved_steps([(customer_id, forward, backward)])

    def _drop_unsaved_steps(self, more: list[tuple[str, Step, Step]] | None = None) -> None:
        """Empty the undo stack but for the shown customer's saves (and ``more`` of them)."""
        stack = self.undo_stack
        kept = [(command.customer_id, command.forward, command.backward)
                for command in (stack.command(i) for i in range(stack.index()))
                if isinstance(command, _SavedEdit) and command.customer_id == self.current_id]
        stack.clear()
        for item in [*kept, *(more or [])]:
            stack.push(_SavedEdit(self, *item, self.tr("Save changes")))

    def _store_step(self, customer_id: str, step: Step, undoing: bool) -> None:
        """Write a saved edit back (undo) or again (redo), on the worker, and show the result."""
        ws = self.workspace

        def stored(result: Stored | Gone) -> None:
            if isinstance(result, Gone):
                if customer_id == self.current_id:
                    self._show_gone(result)
                return
            self.results_model.replace(_summary(result.record))
            self.customersChanged.emit()
            self.statusBar().showMessage(self.tr("Save undone") if undoing else self.tr("Save redone"), 4000)
            if result.held and customer_id == self.current_id:
                self._show_held(customer_id, result.held)
            if customer_id == self.current_id:
                self.show_customer(customer_id, keep_undo=True)

        self.background.submit(lambda: store(ws, customer_id, step), stored,
                               lambda message: self._error(self.tr("Not undone") if undoing else self.tr("Not redone"),
                                                           message))

    # -- the shown customer went (merged away or erased elsewhere) -------------------------------
    def merge_reason_text(self, reason: str) -> str | None:
        """How a merge came about, from the reason on record ("by an identify from your website or
        app"), or None for a reason this window does not know."""
        return {
            "identify": self.tr("by an identify from your website or app"),
            "alias": self.tr("by an alias from your website or app"),
            "track_signup": self.tr("by a sign-up in your app"),
            "link": self.tr("by an event that named both profiles"),
            "manual": self.tr("by a merge by hand"),
        }.get(reason)

    def when_text(self, when: datetime) -> str:
        """"at 14:02" today, else "on 3 Mar 2025 14:02" (local time)."""
        local = (when if when.tzinfo is not None else when.replace(tzinfo=UTC)).astimezone()
        if local.date() == datetime.now().astimezone().date():
            clock = QtCore.QLocale().toString(QtCore.QTime(local.hour, local.minute), "HH:mm")
            return self.tr("at %1").replace("%1", clock)
        return self.tr("on %1").replace("%1", short_time(when))

    def gone_text(self, gone: Gone) -> str:
        """What the notice says about the shown customer, who is gone."""
        dirty = self.dirty
        if gone.merged and gone.now_in is not None:
            kept = _short_label(gone.now_in)
            first = gone.merges[0]
            how, when = self.merge_reason_text(first.reason), self.when_text(first.at)
            if len(gone.merges) == 1:
                text = (fill(self.tr("This profile was merged into %1 (%2) %3."), kept, how, when) if how
                        else fill(self.tr("This profile was merged into %1 %2."), kept, when))
            else:
                text = (fill(self.tr("This profile was merged into another profile (%2) %3, and that one into %1 "
                                     "since."), kept, how, when) if how
                        else fill(self.tr("This profile was merged into another profile %2, and that one into %1 "
                                          "since."), kept, when))
            text += " " + self.tr("Its identifiers, events and journeys are there now.")
            if dirty:
                text += " " + self.tr("Your unsaved changes are still below.")
            return text
        text = self.tr("This profile was erased: it is no longer in the workspace.")
        if dirty:
            text += " " + self.tr("Your unsaved changes cannot be stored; they stay shown below until you pick "
                                  "another customer.")
        return text

    def _gone_save_hint(self, gone: Gone) -> str:
        if gone.merged and gone.now_in is not None:
            return self.tr("Not saved: this profile was merged into %1. Use “Apply my changes” above.") \
                .replace("%1", _short_label(gone.now_in))
        return self.tr("Not saved: this profile was erased.")

    def _show_gone(self, gone: Gone) -> None:
        """Say that the shown customer went, keep the pane (and its unsaved edits) as it is, and
        read the list again so that it and its count no longer include them."""
        self._gone = gone
        self._notice_kind, self._notice_for = "gone", gone.customer_id
        self.edit_error.setText("")
        self._update_edit_bar()  # also fills the notice (its text depends on the unsaved edits)
        self.notice_bar.show()
        self.run_search()

    def _show_gone_placeholder(self, gone: Gone) -> None:
        """A customer asked for (not shown yet) is gone: show the one they were merged into, or say
        that they were erased."""
        if gone.merged and gone.now_in is not None:
            self.statusBar().showMessage(self.gone_text(gone), 10000)
            self.show_customer(gone.now_in.id)
            return
        self.detail_empty.setTextFormat(Qt.TextFormat.PlainText)
        self.detail_empty.setText(self.gone_text(gone) + "\n\n" + self.tr("Select a customer to see their profile."))
        self.detail_stack.setCurrentWidget(self.detail_empty)
        self._update_edit_bar()
        self.run_search()

    def _fill_gone_notice(self) -> None:
        gone = self._gone
        if gone is None or self._notice_kind != "gone":
            return
        self._set_notice_tone("warning")
        self.notice_text.setText(self.gone_text(gone))
        merged = gone.merged and gone.now_in is not None
        kept = _short_label(gone.now_in) if merged and gone.now_in is not None else ""
        self.notice_open.setText(self.tr("Open %1").replace("%1", kept))
        self.notice_open.setVisible(merged)
        self.notice_apply.setText(self.tr("Apply my changes to %1").replace("%1", kept))
        self.notice_apply.setVisible(merged and self.dirty)
        self.notice_apply.setDefault(merged and self.dirty)
        self.notice_merge.hide()
        self.notice_close.hide()

    def _show_held(self, customer_id: str, held: tuple[Held, ...]) -> None:
        """Say which identifiers a save left because another customer holds the new value, and
        offer to merge the two profiles."""
        parts = []
        for item in held:
            who = _short_label(item.holder)
            if item.old:
                parts.append(fill(self.tr("The %1 identifier stays %2: %3 already belongs to another customer, %4."),
                                  identifier_kind_label(item.kind), item.old, item.value, who))
            else:
                parts.append(fill(self.tr("%1 already belongs to another customer, %2."), item.value, who))
        parts.append(self.tr("If they are the same person, merge the two profiles."))
        self._notice_kind, self._notice_for = "held", customer_id
        self._merge_suggestion = held[0].holder
        self._set_notice_tone("info")
        self.notice_text.setText(" ".join(parts))
        self.notice_merge.setText(self.tr("Merge with %1…").replace("%1", _short_label(held[0].holder)))
        self.notice_merge.show()
        self.notice_open.hide()
        self.notice_apply.hide()
        self.notice_close.show()
        self.notice_bar.show()

    def _set_notice_tone(self, tone: str) -> None:
        if self.notice_bar.property("tone") != tone:
            self.notice_bar.setProperty("tone", tone)
            self.notice_bar.style().unpolish(self.notice_bar)
            self.notice_bar.style().polish(self.notice_bar)

    def _hide_notice(self) -> None:
        self._notice_kind = self._notice_for = self._merge_suggestion = None
        self._left_out = ()
        self.notice_bar.hide()

    def open_kept(self) -> None:
        """Show the profile the shown one was merged into (unsaved edits: the usual question;
        "Save" puts them on it, to check and save there)."""
        gone = self._gone
        if gone is None or gone.now_in is None:
            return
        if self.dirty:
            answer = self._ask_unsaved(self.name_label.text())
            if answer == "cancel":
                return
            if answer == "save":
                self.apply_to_kept()
                return
        self._open(gone.now_in.id)

    def apply_to_kept(self) -> None:
        """Put the unsaved edits of the profile merged away on the profile it was merged into, as
        unsaved edits there (:meth:`_take_over_edits`): nothing is stored until the user checks
        them and presses Save."""
        gone = self._gone
        if gone is None or gone.now_in is None or not self.dirty:
            return
        self._rebase = (gone.now_in.id, self._loaded, self._collect(), frozenset(self._declined))
        self._open(gone.now_in.id)

    def _open(self, customer_id: str) -> None:
        self.show_customer(customer_id)
        row = self.results_model.row_of(customer_id)
        if row >= 0:
            self._select_row(row)  # the current id is set: selecting does not load it again

    def _take_over_edits(self, base: EditState, edited: EditState,
                         declined: frozenset[tuple[str, str | None, str | None]] = frozenset()) -> None:
        """The edits made from ``base`` to ``edited`` on a profile merged away, put on the shown
        (kept) profile as one undo step and left unsaved, with a notice that says so and names the
        edits its own values stood in the way of (:func:`carry_edits`).

        No identifier change comes along: the edit bar offers one by the usual rule, from what is
        on screen now (an ``email`` or ``phone`` attribute of this profile changed from a value it
        holds as an identifier, that very value for a carried edit); one the user had unticked
        stays unticked."""
        state, left_out = carry_edits(base, edited, self._loaded)
        self._declined |= declined
        self._carried = frozenset(row[0] for row in state.rows if row not in self._loaded.rows)
        self._left_out = left_out
        self._notice_kind, self._notice_for = "applied", self.current_id
        if state != self._loaded:
            before = self._shown
            self._apply_state(state)
            self.undo_stack.push(_Snapshot(self, before, state, self.tr("Apply changes")))
            # Show where the edits are: the attributes, unless only consent or tags changed.
            self.tabs.setCurrentIndex(0 if state.rows != self._loaded.rows else 1)
        elif not left_out:
            self._hide_notice()
            self.statusBar().showMessage(self.tr("Nothing to apply: %1 has these values already")
                                         .replace("%1", self.name_label.text()), 6000)
            return
        self._update_edit_bar()  # fills the notice (its text depends on the unsaved edits)
        self.notice_bar.show()

    def left_out_text(self, item: LeftOut) -> str:
        """Why one edit was not carried to the shown profile, naming its value."""
        who = _elide(self.name_label.text(), 40)
        if item.what == "removed":
            return fill(self.tr("%1 was not removed: %2's %1 is %3."), item.name, who, compact(item.current, 60))
        if item.what == "consent":
            return fill(self.tr("Consent for %1 was not carried over: %2's consent for %1 is %3."),
                        channel_label(item.name), who, item.current)
        return fill(self.tr("%1 was not carried over: %2's %1 is %3."), item.name, who, compact(item.current, 60))

    def _fill_applied_notice(self) -> None:
        """The notice after edits were carried over from a profile merged away: while they are
        unsaved, that they are not saved yet; and which edits were left out, and why."""
        if self._notice_kind != "applied" or self.profile is None or self._notice_for != self.current_id:
            return
        left = [self.left_out_text(item) for item in self._left_out]
        name = _elide(self.name_label.text(), 40)
        if self.dirty:
            lead = self.tr("Your changes are on %1, not saved yet: check them and press Save.").replace("%1", name)
        elif left:
            lead = self.tr("Some of your changes were not carried over to %1.").replace("%1", name)
        else:
            self._hide_notice()
            return
        self._set_notice_tone("warning" if left else "info")
        self.notice_text.setText("\n".join([lead, *left]))  # one left-out edit a line
        for button in (self.notice_open, self.notice_apply, self.notice_merge):
            button.hide()
        self.notice_close.show()

    # -- export and erasure -------------------------------------------------------------------
    def export_current(self) -> None:
        if self.profile is None:
            return
        customer = self.profile.customer
        label = _summary(customer).label
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in label).strip("._") or customer.id
        path = self._ask_export_path(f"{safe}.json")
        if not path:
            return
        ws, customer_id = self.workspace, customer.id

        def write() -> tuple[str, str | None]:
            data = profiles.export(ws, customer_id)
            try:
                Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n",
                                      encoding="utf-8")
            except OSError as exc:
                return path, write_failure(path, exc)
            return path, None

        def written(result: tuple[str, str | None]) -> None:
            where, problem = result
            if problem is not None:
                self._error(self.tr("Not exported"), problem)
            else:
                self.statusBar().showMessage(self.tr("Exported to %1").replace("%1", where), 6000)

        self.background.submit(write, written, lambda message: self._error(self.tr("Not exported"), message))

    def merge_current(self, suggested: CustomerSummary | None = None) -> None:
        """Ask for the other profile of the shown customer and merge the two (on the worker);
        ``suggested``: a customer to offer as the other profile."""
        if self.profile is None or self.dirty or self._gone is not None:
            return
        current = _summary(self.profile.customer)
        choice = self._ask_merge(current, suggested) if suggested else self._ask_merge(current)
        if choice is None:
            return
        ws = self.workspace
        self.merge_button.setEnabled(False)
        self.background.submit(
            lambda: profiles.merge(ws, choice.kept_id, choice.merged_id,
                                   allow_two_user_ids=choice.allow_two_user_ids),
            self._on_merged, self._on_merge_failed)

    def _on_merged(self, outcome: MergeOutcome) -> None:
        record = outcome.record
        self.results_model.remove(record.merged_customer_id)
        self._update_count()
        moved = ", ".join((
            plural(len(record.moved), self.tr("1 identifier"), self.tr("%1 identifiers")),
            plural(outcome.events_moved, self.tr("1 event"), self.tr("%1 events")),
            plural(outcome.runs_moved, self.tr("1 journey run"), self.tr("%1 journey runs"))))
        self.statusBar().showMessage(fill(self.tr("Profiles merged into %1: %2 moved"),
                                          _summary(outcome.customer).label, moved), 8000)
        self.current_id = record.kept_customer_id
        self._hide_notice()
        self.run_search()
        self.show_customer(record.kept_customer_id)
        self.customersChanged.emit()

    def _on_merge_failed(self, message: str) -> None:
        self._update_edit_bar()
        self._error(self.tr("Not merged"), message)

    def erase_summary(self) -> str:
        """What erasing the shown customer removes, in words, from the profile's counts."""
        p = self.profile
        if p is None:
            return ""
        n_runs = len(p.journeys)
        parts = [
            plural(len(p.customer.identifiers), self.tr("1 identifier"), self.tr("%1 identifiers")),
            plural(len(p.customer.attributes), self.tr("1 attribute"), self.tr("%1 attributes")),
            plural(p.events.total, self.tr("1 event"), self.tr("%1 events")),
            plural(n_runs, self.tr("1 journey run"), self.tr("%1 journey runs")) + " "
            + self.tr("(with their steps and messages)"),
            plural(len(p.segments), self.tr("membership of 1 segment"), self.tr("membership of %1 segments")),
        ]
        text = self.tr("This erases %1.").replace("%1", ", ".join(parts))
        if p.opt_outs:
            text += " " + self.tr("Unsubscribes stay on file by address only, so the address is never messaged "
                                  "again.")
        open_runs = sum(1 for run in p.journeys if run.status != "done")
        if open_runs:
            text += " " + plural(open_runs, self.tr("1 run still under way will stop."),
                                 self.tr("%1 runs still under way will stop."))
        return (text + " " + self.tr("This cannot be undone.") + " "
                + self.tr("Data about them sent or imported again later makes a new profile: take them out of "
                          "your export files and the systems that send their events too."))

    def delete_current(self) -> None:
        if self.profile is None:
            return
        name = self.name_label.text()
        if not self._confirm_erase(name, self.erase_summary()):
            return
        customer_id, ws = self.profile.customer.id, self.workspace
        identifiers = tuple(self.profile.customer.identifiers)

        def erased(result: profiles.Erasure) -> None:
            shown = self.current_id == result.customer_id
            if shown:
                # Cleared before the row goes: the list must not move the selection to the next
                # customer, who may even carry the same label and look like the one just erased.
                self.current_id = None
                self.profile = None
                self._gone = None
                self._hide_notice()
                self.undo_stack.clear()
                self._erased = True
            with QtCore.QSignalBlocker(self.results.selectionModel()):
                self.results_model.remove(result.customer_id)
                if shown:
                    self.results.selectionModel().clear()
            self.results.viewport().update()
            self._update_count()
            if shown:
                self._update_edit_bar()
                self.detail_empty.setTextFormat(Qt.TextFormat.RichText)
                self.detail_empty.setText(self.erased_text(name, identifiers, result))
                self.detail_stack.setCurrentWidget(self.detail_empty)
            self.statusBar().showMessage(self.tr("%1 erased").replace("%1", name), 6000)
            self.customersChanged.emit()

        self.background.submit(lambda: profiles.erase(ws, customer_id), erased,
                               lambda message: self._error(self.tr("Not erased"), message))

    def erased_text(self, name: str, identifiers: tuple[tuple[str, str], ...], result: profiles.Erasure) -> str:
        """The detail pane after an erasure (rich text): who went, by every identifier, and what
        was removed, until the user picks another customer."""
        removed = ", ".join((
            plural(result.events, self.tr("1 event"), self.tr("%1 events")),
            plural(result.runs, self.tr("1 journey run"), self.tr("%1 journey runs")),
            plural(result.deliveries, self.tr("1 message"), self.tr("%1 messages")),
            plural(result.identifiers, self.tr("1 identifier"), self.tr("%1 identifiers")),
            plural(result.segment_memberships, self.tr("1 segment membership"),
                   self.tr("%1 segment memberships"))))
        who = "<br>".join(
            f"{html.escape(identifier_kind_label(kind))}: {html.escape(value)}" for kind, value in identifiers)
        parts = [f"<b>{html.escape(self.tr('%1 was erased.').replace('%1', name))}</b>"]
        if who:
            parts.append(who)
        parts.append(html.escape(self.tr("Removed: %1.").replace("%1", removed)))
        if result.opt_outs_kept:
            parts.append(html.escape(plural(
                result.opt_outs_kept,
                self.tr("1 unsubscribe stays on file by address only, so that address is never messaged again."),
                self.tr("%1 unsubscribes stay on file by address only, so those addresses are never messaged "
                        "again."))))
        parts.append(html.escape(self.tr("Select a customer to see their profile.")))
        return "<br><br>".join(parts)

    # -- questions (overridable, so tests and embedders can answer them) ----------------------
    def _ask_export_path(self, suggested: str) -> str:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, self.tr("Export customer data"),
                                                        str(Path.home() / suggested),
                                                        self.tr("JSON files (*.json)"))
        return path

    def _ask_merge(self, current: CustomerSummary, suggested: CustomerSummary | None = None) -> MergeChoice | None:
        dialog = MergeDialog(self, current, suggested)
        try:
            accepted = dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted
            return dialog.choice() if accepted else None
        finally:
            self.background.cancel("merge-search")
            self.background.cancel("merge-plan")
            dialog.deleteLater()

    def _confirm_erase(self, name: str, summary: str) -> bool:
        box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Warning, self.tr("Delete customer"),
                                    self.tr("Delete %1 and everything about them?").replace("%1", name),
                                    QtWidgets.QMessageBox.StandardButton.NoButton, self)
        box.setInformativeText(summary)
        delete = box.addButton(self.tr("Delete customer"), QtWidgets.QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QtWidgets.QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.exec()
        return box.clickedButton() is delete

    def _ask_unsaved(self, name: str) -> str:
        """"save", "discard" or "cancel" for unsaved edits."""
        return ask_save_discard_cancel(self, name)

    def _error(self, title: str, text: str) -> None:
        QtWidgets.QMessageBox.warning(self, title, text)

    # -- closing ------------------------------------------------------------------------------
    def closeEvent(self, event: QtGui.QCloseEvent) -> None:  # noqa: N802
        if self.dirty:
            answer = self._ask_unsaved(self.name_label.text())
            if answer == "cancel":
                event.ignore()
                return
            if answer == "save" and not self.save():
                # The edits do not store as they stand: stay open with the reason in the edit bar,
                # as the Save button does.
                event.ignore()
                self._show_edit_error()
                return
            if answer != "save":
                self.revert()
        super().closeEvent(event)

    def _point_at(self, cell: tuple[int, int] | None) -> None:
        """Show the attribute table's cell that stops a save, whichever tab was open."""
        if cell is None or not 0 <= cell[0] < self.attributes.rowCount():
            return
        self.tabs.setCurrentIndex(0)
        self.attributes.setCurrentCell(*cell)
        self.attributes.scrollToItem(self.attributes.item(*cell))
        self.attributes.setFocus()

    def _show_edit_error(self) -> None:
        """Bring the window and its edit bar's error into view."""
        if not self.isVisible():
            self.show()
        self.raise_()
        self.activateWindow()
        self.edit_bar.setVisible(True)

    def shutdown(self) -> None:
        """Wait for the engine call under way and accept no more (the app is closing)."""
        self.search_timer.stop()
        if self.phone_dialog is not None:
            self.phone_dialog.shutdown()
        self.background.shutdown()


class IdentifierLine(QtWidgets.QLabel):
    """A customer's identifiers side by side, wrapped between identifiers and never inside one.

    Qt's rich text breaks a line after a hyphen even inside ``white-space: nowrap`` ("user id: u-"
    then "amelie" on the next line), so the label puts the line breaks in itself for its width,
    again on every resize. An identifier wider than the whole label still wraps: there is nowhere
    else for it to go."""

    GAP = "&nbsp;&nbsp; "

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__("", parent)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self._pairs: tuple[tuple[str, str], ...] = ()
        self._empty = ""

    def set_identifiers(self, pairs, empty: str) -> None:
        """Show ``pairs`` (kind, value), or the plain text ``empty`` when there are none."""
        self._pairs, self._empty = tuple(pairs), empty
        self._lay_out()

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._lay_out()

    def lines(self) -> list[list[tuple[str, str]]]:
        """The identifiers, a line each list, as they fit the label's width."""
        if not self._pairs:
            return []
        width = self.contentsRect().width() - 2 * self.margin() - 4  # a little slack for rich text
        metrics = self.fontMetrics()
        gap = metrics.horizontalAdvance("\u00a0\u00a0 ")
        lines: list[list[tuple[str, str]]] = [[]]
        used = 0
        for kind, value in self._pairs:
            need = metrics.horizontalAdvance(f"{identifier_kind_label(kind)}:\u00a0{value}")
            if lines[-1] and width > 0 and used + gap + need > width:
                lines.append([])
                used = 0
            used += (gap if lines[-1] else 0) + need
            lines[-1].append((kind, value))
        return lines

    def _lay_out(self) -> None:
        if not self._pairs:
            text = html.escape(self._empty)
        else:
            text = "<br>".join(self.GAP.join(f'<span style="white-space:nowrap">{identifier_html(kind, value)}</span>'
                                             for kind, value in line) for line in self.lines())
        if text != self.text():
            self.setText(text)


class ElidedLabel(QtWidgets.QLabel):
    """A one-line label that shows "…" in the middle of a text too long for its width (a long
    e-mail address as a customer's name), instead of widening its window; :meth:`text` is the
    whole text."""

    def minimumSizeHint(self) -> QtCore.QSize:  # noqa: N802
        hint = super().minimumSizeHint()
        return QtCore.QSize(min(hint.width(), self.fontMetrics().horizontalAdvance("M") * 8), hint.height())

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802
        return QtCore.QSize(self.minimumSizeHint().width(), super().sizeHint().height())

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:  # noqa: N802
        painter = QtGui.QPainter(self)
        rect = self.contentsRect()
        shown = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideMiddle, rect.width())
        self.style().drawItemText(painter, rect, int(self.alignment()), self.palette(), self.isEnabled(), shown,
                                  QtGui.QPalette.ColorRole.WindowText)


def _summary(customer) -> CustomerSummary:
    return CustomerSummary(customer.id, tuple(customer.identifiers), dict(customer.attributes),
                           tuple(customer.tags), customer.created_at, customer.updated_at)


def _short_label(summary: CustomerSummary) -> str:
    """A customer's label short enough for a button or a sentence."""
    return _elide(summary.name or summary.main_identifier or translate("ProfilesWindow", "another profile"), 40)


def _elide(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _reverse_changes(changes: dict[str, Any], old) -> dict[str, Any]:
    """The arguments of :func:`engine.track.profiles.edit` that put back what ``changes`` change
    on the customer record ``old`` (a ``None`` value removes what was not there)."""
    back: dict[str, Any] = {}
    if "attributes" in changes:
        back["attributes"] = {name: old.attributes.get(name) for name in changes["attributes"]}
    if "consent" in changes:
        back["consent"] = {kind: old.consent.get(kind) for kind in changes["consent"]}
    if "tags" in changes:
        back["tags"] = list(old.tags)
    return back


@dataclass(frozen=True)
class LeftOut:
    """An edit of a profile merged away that was not carried to the kept one, because the kept
    profile's value is not the one the edit started from: ``what`` is "attribute" (changed or
    added), "removed" (an attribute removed) or "consent"; ``name`` the attribute or the channel
    kind; ``current`` how the kept profile's value reads."""

    what: str
    name: str
    current: str


def carry_edits(base: EditState, edited: EditState, onto: EditState) -> tuple[EditState, tuple[LeftOut, ...]]:
    """The edits that turned ``base`` into ``edited`` (the unsaved edits of a profile merged
    away), made to ``onto`` (the profile it was merged into), and those left out.

    An edit is carried only where it still means what the user meant: an attribute changed or
    removed when ``onto`` has the value the user started from (or has no such attribute), an
    attribute added when ``onto`` has none of that name, a consent changed when ``onto`` records
    what the user started from (or nothing). Where ``onto`` holds another value, its value wins
    and the edit is listed as left out (unless ``onto`` has the edited value already). Tags added
    are added and tags removed are removed: a tag has no value to disagree about. Everything else
    stays as ``onto`` has it."""
    before: dict[str, tuple[str, str]] = {}
    for name, kind, text in base.rows:
        before.setdefault(name, (kind, text))
    after: dict[str, tuple[str, str]] = {}
    for name, kind, text in edited.rows:
        after.setdefault(name, (kind, text))
    rows = list(onto.rows)
    where: dict[str, int] = {}
    for i, (name, _kind, _text) in enumerate(rows):
        where.setdefault(name, i)
    left: list[LeftOut] = []
    dropped: set[int] = set()
    for name, (kind, text) in before.items():
        if name in after:
            continue
        i = where.get(name)
        if i is None:
            continue  # not there: removed already
        if rows[i][1:] == (kind, text):
            dropped.add(i)
        else:
            left.append(LeftOut("removed", name, rows[i][2]))
    for name, (kind, text) in after.items():
        if before.get(name) == (kind, text):
            continue  # not edited
        i = where.get(name)
        if i is None:
            where[name] = len(rows)
            rows.append((name, kind, text))
        elif rows[i][1:] == (kind, text):
            continue  # the kept profile has the edited value already
        elif name in before and rows[i][1:] == before[name]:
            rows[i] = (name, kind, text)
        else:
            left.append(LeftOut("attribute", name, rows[i][2]))
    rows = [row for i, row in enumerate(rows) if i not in dropped]
    was = dict(base.consent)
    consent = dict(onto.consent)
    for kind, value in edited.consent:
        start = was.get(kind)
        if value == start:
            continue
        now = consent.get(kind)
        if now == value:
            continue
        if now is None or now == start:
            consent[kind] = value
        else:
            left.append(LeftOut("consent", kind, consent_text(now)))
    added = set(edited.tags) - set(base.tags)
    removed = set(base.tags) - set(edited.tags)
    wanted = (set(onto.tags) - removed) | added
    tags = tuple(onto.tags) if wanted == set(onto.tags) else tuple(sorted(wanted))  # as the tag list sorts
    return EditState(tuple(rows), tuple(consent.items()), tags), tuple(left)


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON, types included (``1`` is not ``True``, ``1`` is not ``"1"``)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
