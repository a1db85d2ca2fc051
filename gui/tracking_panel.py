"""The Tracking panel: how incoming events break the tracking plan, and how many come from each source.

A dock. The table lists the counted violations (:func:`engine.track.tracking_plan.violations`):
which event, what is wrong (an event the plan does not know, a required property missing, a
property of the wrong type), how often and when last, with the offending event's properties as
an example (one line in the table, the whole of it in the tooltip and in the child rows), ordered
by :func:`~engine.track.property_order.display_order`: the property the problem is about first,
then the event's other properties, then SDK metadata (``$context``, ``$lib``...), so that the one
line shows what matters. An unknown event spelt like a declared one ("Order Completed" beside a
declared ``order_completed``) says which one was likely meant
(:func:`engine.track.segments.closest_name`). Beside
it, events per source and collector write key (:func:`~engine.track.tracking_plan.source_stats`)
in all and in the last 24 hours, each named after the ``track.source`` nodes that declare it
("Shop website — Segment collector, key “web”"), or by a readable label when no node does
(:func:`source_label`); the stored values and every node counting the row are in the tooltip.
Declared sources without any event are listed with zero.

:class:`SourceCountsFeed` gives the canvas's ``track.source`` nodes the same counts
(:func:`~engine.track.tracking_plan.source_stats`, read on a worker thread) while a journey with
such nodes is open and the metrics are shown on the canvas.

While the panel is visible it reads the violations again every few seconds and the counts per
source every half minute (they scan the events), on a worker thread (:mod:`gui.background`);
hidden, it does nothing. *Clear* forgets the counted violations after a
confirmation (``_confirm``, overridable for tests).

Events are checked as they arrive, against the plan of that moment; *Check stored events* checks
every stored event against the current plan (:func:`~engine.track.tracking_plan.check_stored`),
with its progress on the summary line, and can be cancelled.
"""

from __future__ import annotations

import json
import re
import threading
import time
from datetime import UTC, datetime
from typing import Any

from engine.track import tracking_plan
from engine.track.property_order import display_order
from engine.track.segments import closest_name
from engine.track.tracking_plan import (
    CSV_PREFIX,
    MISSING_PROPERTY,
    MISTYPED_PROPERTY,
    SEGMENT_SOURCE,
    SENSORS_PREFIX,
    SOURCE_NODE,
    UNKNOWN_EVENT,
    DeclaredSource,
    SourceKey,
    ViolationRecord,
    stored_sources,
)
from gui.background import Background
from gui.journey_browser import format_relative, format_timestamp
from gui.qt import Qt, QtCore, QtGui, QtWidgets, Signal, fill, translate

#: Seconds between two reads of the violations (a small table) while the panel is visible.
REFRESH_S = 5
#: The counts per source scan the events table (about a second for a million events), so the
#: timer reads them only every this many ticks; Refresh reads them at once.
SOURCES_EVERY = 6
#: Seconds between two reads of the counts per source for the canvas (they scan the events, so
#: no more often than the panel reads them).
SOURCE_REFRESH_S = REFRESH_S * SOURCES_EVERY
#: Bounds of the width of the list of sources beside the problems.
SIDE_MIN, SIDE_MAX = 200, 440
#: Milliseconds :meth:`SourceCountsFeed.refresh_soon` waits, gathering the events stored meanwhile.
SOON_MS = 3000
#: Seconds a word on a cancelled check stays on the summary line.
NOTICE_S = 30
_SORT_ROLE = Qt.ItemDataRole.UserRole + 1

COL_EVENT, COL_KIND, COL_PROPERTY, COL_COUNT, COL_LAST, COL_EXAMPLE = range(6)

_KIND_COLORS = {UNKNOWN_EVENT: "#B26A00", MISSING_PROPERTY: "#C62828", MISTYPED_PROPERTY: "#6A1B9A"}


def kind_text(kind: str) -> str:
    return {
        UNKNOWN_EVENT: translate("TrackingPanel", "Unknown event"),
        MISSING_PROPERTY: translate("TrackingPanel", "Missing property"),
        MISTYPED_PROPERTY: translate("TrackingPanel", "Wrong type"),
    }.get(kind, kind)


def type_words(expected: str) -> str:
    """The declared types of a property (``number`` or ``list or object``), in words."""
    words = {"string": translate("TrackingPanel", "text"), "number": translate("TrackingPanel", "number"),
             "boolean": translate("TrackingPanel", "true/false"),
             "datetime": translate("TrackingPanel", "date and time"),
             "list": translate("TrackingPanel", "list"), "object": translate("TrackingPanel", "object")}
    return translate("TrackingPanel", " or ").join(words.get(t, t) for t in expected.split(" or ") if t)


def kind_help(kind: str) -> str:
    return {
        UNKNOWN_EVENT: translate("TrackingPanel", "No Tracked event node declares this event. Add one, or fix "
                                                  "the name the source sends. Events SDKs send by themselves "
                                                  "are never listed as unknown: Segment's page, screen and "
                                                  "group calls (Page Viewed, Screen Viewed, Group) and Sensors "
                                                  "events starting with $ ($SignUp, $AppStart…); declare one "
                                                  "to have its properties checked."),
        MISSING_PROPERTY: translate("TrackingPanel", "The plan marks this property as required, and events "
                                                     "arrive without it."),
        MISTYPED_PROPERTY: translate("TrackingPanel", "Events carry this property with another type than the "
                                                      "plan declares."),
    }.get(kind, "")


def source_label(source: str, write_key: str | None = None) -> str:
    """A stored ``events.source`` value as a person reads it: ``Segment collector``, ``Sensors
    collector (project default)``, ``CSV file events.csv``; any other value as it is. With the
    name of the write key the events came with: ``Segment collector, key “web”``."""
    label = _plain_source_label(source)
    return _with_key(label, write_key) if write_key else label


def _with_key(label: str, write_key: str) -> str:
    return _fill(translate("TrackingPanel", "%1, key “%2”"), label, write_key)


def _fill(text: str, *values: str) -> str:
    """``text`` with ``%1``, ``%2``... replaced in one pass, as ``QString.arg`` does (a name holding
    ``%2`` stays as it is)."""

    def value(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        return values[index] if index < len(values) else match.group(0)

    return re.sub(r"%([1-9])", value, text)


def _plain_source_label(source: str) -> str:
    if source == SEGMENT_SOURCE:
        return translate("TrackingPanel", "Segment collector")
    if source.startswith(SENSORS_PREFIX):
        project = source[len(SENSORS_PREFIX):]
        return (translate("TrackingPanel", "Sensors collector (project %1)").replace("%1", project) if project
                else translate("TrackingPanel", "Sensors collector"))
    if source.startswith(CSV_PREFIX) and len(source) > len(CSV_PREFIX):
        return translate("TrackingPanel", "CSV file %1").replace("%1", source[len(CSV_PREFIX):])
    if not source:
        return translate("TrackingPanel", "(no source)")
    return source


def key_label(key: SourceKey) -> str:
    """A declared source key as a person reads it (a prefix key: every project of the protocol;
    with the write key it names, if any)."""
    if key.prefix and key.value == SENSORS_PREFIX:
        label = translate("TrackingPanel", "Sensors collector")
        return _with_key(label, key.write_key) if key.write_key else label
    return source_label(key.value, key.write_key or None)


#: A stored source and the name of the write key its events came with (``None``: no name).
Stored = tuple[str, str | None]


def source_rows(counts: dict[Stored, tuple[int, int]], declared: list[DeclaredSource]
                ) -> list[tuple[str, str, int, int]]:
    """``(label, tooltip, all, 24 h)`` per stored source and write key name, most events first,
    then a row with zero per declared source no stored one matches. A row counted by nodes is
    labelled with their names ("Shop website — Segment collector, key “web”"): those naming its
    write key when there are any, as a node counting every key of the protocol counts several
    rows; the tooltip lists every node that counts it."""
    rows = []
    matched: set[SourceKey] = set()
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1][0], kv[0][0], kv[0][1] or ""))
    for (source, write_key), (total, recent) in ordered:
        nodes = [d for d in declared if d.key.covers_stored(source, write_key)]
        matched.update(d.key for d in nodes)
        named = [d for d in nodes if d.key.write_key] or nodes
        tip = _source_tip(source, nodes, _key_line(source, write_key))
        rows.append((_named(named, source_label(source, write_key)), tip, total, recent))
    unmatched: dict[SourceKey, list[DeclaredSource]] = {}
    for d in declared:
        if d.key not in matched:
            unmatched.setdefault(d.key, []).append(d)
    for key, nodes in sorted(unmatched.items(), key=lambda kv: str(kv[0])):
        line = _key_line(key.sources, key.write_key) if key.write_key else ""
        tip = _source_tip(key.sources, nodes, line) + "\n" + translate("TrackingPanel", "No events yet")
        rows.append((_named(nodes, key_label(key)), tip, 0, 0))
    return rows


def _named(nodes: list[DeclaredSource], label: str) -> str:
    names = list(dict.fromkeys(d.name for d in nodes if d.name))
    return f"{', '.join(names)} — {label}" if names else label


def _key_line(source: str, write_key: str | None) -> str:
    """What the tooltip says of the write key events stored as ``source`` came with."""
    if write_key:
        return _fill(translate("TrackingPanel", "Sent with the write key “%1”"), write_key)
    if source == SEGMENT_SOURCE or source.startswith(SENSORS_PREFIX):
        return translate("TrackingPanel", "Sent with a write key that has no name (given to the collector on "
                                          "the command line), or stored before key names were recorded")
    return ""


def _source_tip(source: str, nodes: list[DeclaredSource], key_line: str = "") -> str:
    lines = [translate("TrackingPanel", "Stored as source: %1").replace("%1", source or '""')]
    if key_line:
        lines.append(key_line)
    for d in nodes:
        lines.append(fill(translate("TrackingPanel", "Declared by “%1” in %2"), d.name or d.place.node_id,
                          d.place.journey_name))
    return "\n".join(lines)


class _Item(QtWidgets.QTreeWidgetItem):
    """Sorts numbers and times by value, not by their text."""

    def __lt__(self, other: QtWidgets.QTreeWidgetItem) -> bool:
        tree = self.treeWidget()
        column = tree.sortColumn() if tree is not None else 0
        mine, theirs = self.data(column, _SORT_ROLE), other.data(column, _SORT_ROLE)
        if mine is not None and theirs is not None:
            return mine < theirs
        return self.text(column).casefold() < other.text(column).casefold()


class TrackingPanel(QtWidgets.QWidget):
    """Violations of the tracking plan and event counts per source, for a dock."""

    #: The stored events per source were read (a dict of :class:`~engine.track.tracking_plan.SourceStats`):
    #: the canvas's feed takes them instead of scanning the events again.
    sourcesRead = Signal(object)  # noqa: N815 - Qt signal naming

    def __init__(self, workspace=None, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.background = Background(self)
        self.records: list[ViolationRecord] = []
        #: Events (all, last 24 h) per stored source and write key name.
        self.sources: dict[Stored, tuple[int, int]] = {}
        #: The ``track.source`` nodes of the workspace's journeys (read with the counts).
        self.declared: list[DeclaredSource] = []
        #: The journey open in the editor (id, name, document), whose nodes are read as they are now.
        self._open: tuple[str, str, Any] | None = None
        self._shown_declared: list[DeclaredSource] = []
        self.has_plan = False
        #: The event names the tracking plan declares (for "did you mean" on an unknown event).
        self.declared_events: list[str] = []

        self.summary = QtWidgets.QLabel("", self)
        self.summary.setObjectName("trackingSummary")
        self.summary.setWordWrap(True)
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        self.refresh_button = QtWidgets.QPushButton(self.tr("Refresh"), self)
        self.refresh_button.setToolTip(self.tr("Read the counts again now (they also refresh every few "
                                               "seconds while this panel is open)"))
        self.refresh_button.clicked.connect(lambda: self.refresh())
        self.clear_button = QtWidgets.QPushButton(self.tr("Clear…"), self)
        self.clear_button.setToolTip(self.tr("Forget the counted problems, for example after fixing the "
                                             "source"))
        self.clear_button.clicked.connect(self.clear)
        self.check_button = QtWidgets.QPushButton(self)
        self.check_button.setObjectName("checkStoredEvents")
        self.check_button.clicked.connect(self.check_stored)
        #: While a check of the stored events runs: its cancel flag and progress (events, total).
        self._check_cancel: threading.Event | None = None
        #: The workspace the check under way (or last) reads.
        self._checked_ws = None
        self._check_progress = (0, 0)
        #: The last finished check of the stored events: events checked and when.
        self.last_check: tuple[int, datetime] | None = None
        #: A word on the last check, added to the summary for :data:`NOTICE_S` seconds: (text, until).
        self._notice: tuple[str, float] | None = None
        self._check_timer = QtCore.QTimer(self)
        self._check_timer.setInterval(200)
        self._check_timer.timeout.connect(self._show_check_progress)
        self._end_check()

        self.table = QtWidgets.QTreeWidget(self)
        self.table.setObjectName("violationTable")
        self.table.setMinimumHeight(32)  # the dock may be made small; the summary line stays visible
        self.table.setColumnCount(6)
        self.table.setHeaderLabels([self.tr("Event"), self.tr("Problem"), self.tr("Property"), self.tr("Count"),
                                    self.tr("Last seen"), self.tr("Example")])
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.setUniformRowHeights(True)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(COL_EVENT, QtWidgets.QHeaderView.ResizeMode.Interactive)
        for column in (COL_KIND, COL_PROPERTY, COL_COUNT, COL_LAST):
            header.setSectionResizeMode(column, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(COL_EVENT, 170)
        header.setSortIndicator(COL_LAST, Qt.SortOrder.DescendingOrder)

        self.empty = QtWidgets.QLabel("", self)
        self.empty.setObjectName("trackingEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setEnabled(False)
        self.stack = QtWidgets.QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)

        self.sources_table = QtWidgets.QTreeWidget(self)
        self.sources_table.setObjectName("sourceCounts")
        self.sources_table.setMinimumHeight(32)
        self.sources_table.setColumnCount(3)
        self.sources_table.setHeaderLabels([self.tr("Events by source"), self.tr("All"), self.tr("24 h")])
        self.sources_table.headerItem().setToolTip(2, self.tr("Received in the last 24 hours"))
        self.sources_table.setRootIsDecorated(False)
        # Labels read "node names — source, key": a long one keeps its start and its end.
        self.sources_table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.sources_table.setUniformRowHeights(True)
        self.sources_table.setAlternatingRowColors(True)
        source_header = self.sources_table.header()
        source_header.setStretchLastSection(False)
        source_header.setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.Stretch)
        source_header.setSectionResizeMode(1, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        source_header.setSectionResizeMode(2, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        side = QtWidgets.QWidget(self)
        side_layout = QtWidgets.QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.setSpacing(4)
        side_layout.addWidget(self.sources_table, 1)
        side.setMinimumWidth(SIDE_MIN)
        side.setMaximumWidth(SIDE_MAX)
        self._side = side

        top = QtWidgets.QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.check_button)
        top.addWidget(self.refresh_button)
        top.addWidget(self.clear_button)
        body = QtWidgets.QHBoxLayout()
        body.addWidget(self.stack, 1)
        body.addWidget(side)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addLayout(body, 1)

        self.timer = QtCore.QTimer(self)
        self.timer.setInterval(REFRESH_S * 1000)
        self.timer.timeout.connect(self._tick)
        self._ticks = 0
        self._show()

    # -- reading ------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.background.busy

    def set_workspace(self, workspace) -> None:
        self.cancel_check()
        self.workspace = workspace
        self.last_check = None
        self.refresh()

    @property
    def checking(self) -> bool:
        return self._check_cancel is not None

    def check_stored(self) -> None:
        """Check every stored event against the plan on the worker (the button cancels while it
        runs)."""
        if self.checking:
            self.cancel_check()
            return
        ws = self.workspace
        if ws is None:
            return
        cancel = self._check_cancel = threading.Event()
        self._checked_ws = ws
        self._check_progress = (0, 0)

        def progress(done: int, total: int) -> None:
            self._check_progress = (done, total)

        def run() -> tracking_plan.StoredCheck:
            return tracking_plan.check_stored(ws, progress=progress, cancelled=cancel.is_set)

        self._notice = None
        self.check_button.setText(self.tr("Cancel check"))
        self.check_button.setToolTip(self.tr("Stop checking; the counts stay as they were"))
        self.clear_button.setEnabled(False)
        self._show_check_progress()
        self._check_timer.start()
        self.background.submit(run, self._on_checked, self._on_check_failed, key="check")

    def cancel_check(self) -> None:
        if self._check_cancel is not None:
            self._check_cancel.set()

    def _show_check_progress(self) -> None:
        done, total = self._check_progress
        text = self.tr("Checking stored events…")
        if total:
            text += f" {done * 100 // total} % ({done:,} / {total:,})"
        self.summary.setStyleSheet("")
        self.summary.setText(text)

    def _end_check(self) -> None:
        """The button back to starting a check."""
        self._check_cancel = None
        self._check_timer.stop()
        self.check_button.setText(self.tr("Check stored events"))
        self.check_button.setToolTip(self.tr("Check every stored event against the current tracking plan and "
                                             "count the problems again (events are otherwise checked only "
                                             "when they arrive)"))

    def _on_checked(self, result: tracking_plan.StoredCheck) -> None:
        self._end_check()
        if self._checked_ws is not self.workspace:
            return  # another workspace is shown now; set_workspace read it afresh
        if result.cancelled:
            self._notice = (self.tr("check cancelled, the counts were not changed"),
                            time.monotonic() + NOTICE_S)
        else:
            self.last_check = (result.events, datetime.now(UTC))
        self.refresh(sources=False)
        self._show()

    def _on_check_failed(self, message: str) -> None:
        self._end_check()
        self._show()
        self.summary.setStyleSheet("color: #C62828;")
        self.summary.setText(self.tr("The stored events could not be checked: %1").replace("%1", message))

    def _tick(self) -> None:
        if self.background.is_running("read"):
            return  # the read under way answers soon enough; don't pile up behind a slow one
        self._ticks += 1
        self.refresh(sources=self._ticks % SOURCES_EVERY == 0)

    def refresh(self, sources: bool = True) -> None:
        """Read the violations, whether there is a plan, and (with ``sources``) the counts per
        source, on the worker."""
        ws = self.workspace
        if ws is None:
            return

        def read() -> tuple[list[str], list[ViolationRecord],
                            tuple[dict[str, tracking_plan.SourceStats], list] | None]:
            declared = sorted(tracking_plan.current_plan(ws).events)
            records = tracking_plan.violations(ws)
            if not sources:
                return declared, records, None
            return declared, records, (tracking_plan.source_stats(ws, datetime.now(UTC)),
                                       tracking_plan.declared_sources(ws))

        self.background.submit(read, self._on_read, self._on_failed, key="read")

    def _on_read(self, result: tuple[list[str], list[ViolationRecord],
                                     tuple[dict[str, tracking_plan.SourceStats], list] | None]) -> None:
        self.declared_events, self.records, sources = result
        self.has_plan = bool(self.declared_events)
        if sources is not None:
            stats, self.declared = sources
            self.sources = {stored: (s.total, s.recent) for stored, s in stored_sources(stats).items()}
            self.sourcesRead.emit(stats)
        self._show()

    def set_open_journey(self, journey_id: str | None, name: str = "", journey=None) -> None:
        """The journey open in the editor: its data source nodes name the sources as they are now,
        unsaved edits included, instead of as its saved draft has them."""
        self._open = (journey_id, name, journey) if journey_id and journey is not None else None
        if self._declared_now() != self._shown_declared:  # the document changes in place: compare with what is shown
            self._show_sources()

    def _declared_now(self) -> list[DeclaredSource]:
        if self._open is None:
            return self.declared
        journey_id, name, journey = self._open
        kept = [d for d in self.declared if not (d.place.journey_id == journey_id and d.place.where == "draft")]
        return [*tracking_plan.sources_in(journey_id, name, "draft", journey), *kept]

    def _show_sources(self) -> None:
        self.sources_table.clear()
        self._shown_declared = self._declared_now()
        for label, tip, total, recent in source_rows(self.sources, self._shown_declared):
            item = QtWidgets.QTreeWidgetItem([label, f"{total:,}", f"{recent:,}"])
            item.setToolTip(0, tip)
            for column in (1, 2):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.sources_table.addTopLevelItem(item)
        self._fit_sources()

    def _on_failed(self, message: str) -> None:
        self.summary.setText(self.tr("The tracking plan could not be read: %1").replace("%1", message))

    def _show(self) -> None:
        expanded = {self._key(self.table.topLevelItem(i)) for i in range(self.table.topLevelItemCount())
                    if self.table.topLevelItem(i).isExpanded()}
        selected = [self._key(item) for item in self.table.selectedItems()]
        self.table.setSortingEnabled(False)
        self.table.clear()
        now = datetime.now(UTC)
        for record in self.records:
            item = self._item(record, now)
            self.table.addTopLevelItem(item)
            # A child row spans the whole width, which only an item already in the tree can say.
            for i in range(item.childCount()):
                item.child(i).setFirstColumnSpanned(True)
            if self._key(item) in expanded:
                item.setExpanded(True)
            if self._key(item) in selected:
                item.setSelected(True)
        self.table.setSortingEnabled(True)

        self._show_sources()

        events = sum(r.count for r in self.records)
        if self.records:
            kinds = len(self.records)
            text = (self.tr("1 problem") if kinds == 1 else self.tr("%1 problems").replace("%1", str(kinds)))
            # An event can break more than one rule: the count is of sightings, not of events.
            text += " · " + (self.tr("seen once") if events == 1
                             else self.tr("seen %1 times").replace("%1", f"{events:,}"))
            self.summary.setStyleSheet("color: #B26A00;")
            self.stack.setCurrentWidget(self.table)
        else:
            if self.workspace is None:
                text, note = self.tr("No workspace"), ""
            elif not self.has_plan:
                text = self.tr("No tracking plan yet")
                note = self.tr("Add Tracked event nodes to a journey to declare the events you expect and their "
                               "properties; incoming events are then checked against them here.")
            elif self.last_check is not None:
                events = self.last_check[0]
                text = (self.tr("No problems in the 1 stored event") if events == 1 else
                        self.tr("No problems in the %1 stored events").replace("%1", f"{events:,}"))
                note = self.tr("Every stored event was checked against the tracking plan %1; events arriving "
                               "are checked as they come.").replace("%1", format_relative(self.last_check[1],
                                                                                          datetime.now(UTC)))
            else:
                text = self.tr("No problems counted")
                note = self.tr("Events are checked against the tracking plan as they arrive: one that is not in "
                               "the plan, lacks a required property or carries one of the wrong type is listed "
                               "here. Events SDKs send by themselves (Segment's Page Viewed, Screen Viewed and "
                               "Group; Sensors events starting with $) are not called unknown, and are checked "
                               "only when a Tracked event node declares them. Events stored before their Tracked "
                               "event node was added were not checked; Check stored events checks them all.")
            self.summary.setStyleSheet("color: #2E7D32;" if self.has_plan and self.workspace is not None else "")
            self.empty.setText(note)
            self.stack.setCurrentWidget(self.empty)
        if self._notice is not None and time.monotonic() < self._notice[1]:
            text += " · " + self._notice[0]
        if self.checking:
            self._show_check_progress()
        else:
            self.summary.setText(text)
        self.clear_button.setEnabled(bool(self.records) and not self.checking)
        self.check_button.setEnabled(self.workspace is not None and (self.has_plan or self.checking))

    def _fit_sources(self) -> None:
        """Widen the source list (within bounds) so that node names and labels read whole."""
        table = self.sources_table
        fm = table.fontMetrics()
        label = max((fm.horizontalAdvance(table.topLevelItem(i).text(0)) for i in range(table.topLevelItemCount())),
                    default=0)
        counts = sum(table.header().sectionSize(column) for column in (1, 2))
        wanted = label + counts + 2 * table.frameWidth() + table.verticalScrollBar().sizeHint().width() + 24
        self._side.setMinimumWidth(max(SIDE_MIN, min(SIDE_MAX, wanted)))

    @staticmethod
    def _key(item: QtWidgets.QTreeWidgetItem) -> tuple[str, str, str]:
        return (item.text(COL_EVENT), item.data(COL_KIND, _SORT_ROLE) or "", item.text(COL_PROPERTY))

    def _item(self, record: ViolationRecord, now: datetime) -> _Item:
        # The property the problem is about first, SDK metadata ($context, $lib...) last.
        ordered = display_order(record.example, (record.property,), sort=True)
        example = json.dumps(ordered, ensure_ascii=False, default=str)
        one_line = example if len(example) <= 160 else example[:159] + "…"
        problem = kind_text(record.kind)
        if record.kind == MISTYPED_PROPERTY and record.expected:
            problem = self.tr("%1: %2 expected").replace("%1", problem).replace("%2", type_words(record.expected))
        meant = self.meant(record)
        if meant is not None:
            problem = fill(self.tr("%1: did you mean “%2”?"), problem, meant)
        item = _Item([record.event_name, problem, record.property or "—", f"{record.count:,}",
                      format_relative(record.last_seen, now), one_line])
        item.setData(COL_KIND, _SORT_ROLE, record.kind)
        item.setData(COL_COUNT, _SORT_ROLE, record.count)
        last = record.last_seen if record.last_seen.tzinfo is not None else record.last_seen.replace(tzinfo=UTC)
        item.setData(COL_LAST, _SORT_ROLE, last.timestamp())
        item.setTextAlignment(COL_COUNT, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        item.setForeground(COL_KIND, QtGui.QBrush(QtGui.QColor(_KIND_COLORS.get(record.kind, "#757575"))))
        help_text = kind_help(record.kind)
        if meant is not None:
            help_text = fill(self.tr("The tracking plan declares “%1”, spelt differently: rename the event where "
                                     "the source sends it, or the Tracked event node, so that the two match."),
                             meant) + "\n\n" + help_text
            item.setToolTip(COL_EVENT, fill(self.tr("Did you mean “%1”?"), meant))
        item.setToolTip(COL_KIND, help_text)
        item.setToolTip(COL_LAST, fill(self.tr("Last seen %1\nFirst seen %2"),
                                       format_timestamp(record.last_seen),
                                       format_timestamp(record.first_seen)))
        pretty = json.dumps(ordered, ensure_ascii=False, indent=2, default=str)
        item.setToolTip(COL_EXAMPLE, self.tr("Properties of the latest such event:\n%1").replace("%1", pretty))
        # The whole example, readable, one property a line, when the row is expanded.
        for key, value in ordered.items():
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
            child = QtWidgets.QTreeWidgetItem([f"{key} = {text}"])
            child.setToolTip(0, f"{key} = {text}")
            item.addChild(child)
        return item

    def meant(self, record: ViolationRecord) -> str | None:
        """For an unknown event, the declared event it is most likely meant to be ("Order
        Completed" for ``order_completed``: capitals, spaces and underscores aside, or a close
        spelling); None otherwise."""
        if record.kind != UNKNOWN_EVENT:
            return None
        return closest_name(record.event_name, self.declared_events)

    # -- clearing -----------------------------------------------------------------------------
    def clear(self) -> None:
        if not self.records or self.workspace is None:
            return
        if not self._confirm(self.tr("Forget the %1 counted problems? New events that break the plan are "
                                     "counted again from zero.").replace("%1", str(len(self.records)))):
            return
        ws = self.workspace
        self.background.cancel("read")
        self.background.submit(lambda: tracking_plan.clear(ws), lambda _n: self.refresh(), self._on_failed)

    def _confirm(self, text: str) -> bool:
        answer = QtWidgets.QMessageBox.question(self, self.tr("Clear tracking problems"), text)
        return answer == QtWidgets.QMessageBox.StandardButton.Yes

    # -- visibility ---------------------------------------------------------------------------
    def showEvent(self, event: QtGui.QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self.refresh()
        self.timer.start()

    def hideEvent(self, event: QtGui.QHideEvent) -> None:  # noqa: N802
        super().hideEvent(event)
        self.timer.stop()

    def shutdown(self) -> None:
        self.timer.stop()
        self.cancel_check()
        self.background.shutdown()


class SourceCountsFeed(QtCore.QObject):
    """Reads the stored events per source on a worker thread and hands them to the canvas, whose
    ``track.source`` nodes show their counts.

    It reads when a canvas is attached, on :meth:`refresh` (events stored, an import finished)
    and every :data:`SOURCE_REFRESH_S` seconds, but only while the open journey has a data source
    node and the metrics are shown on the canvas (:meth:`set_active`, the window's *Show metrics
    on canvas*): hidden counts are not worth a scan of the events.
    """

    #: A read answered (the canvas has the new counts).
    updated = Signal()

    def __init__(self, workspace, parent: QtCore.QObject | None = None, interval_s: float = SOURCE_REFRESH_S):
        super().__init__(parent)
        self.workspace = workspace
        self.background = Background(self)
        self.canvas = None
        self.active = True
        #: The last read: stored events per source (None before the first).
        self.stats: dict[str, tracking_plan.SourceStats] | None = None
        #: Why the last read failed ("" when it did not).
        self.error = ""
        self.timer = QtCore.QTimer(self)
        self.timer.setInterval(int(interval_s * 1000))
        self.timer.timeout.connect(self._tick)
        #: When the counts were last read (``time.monotonic()``), here or by the Tracking panel.
        self._read_at = float("-inf")
        #: Gathers the reads asked for while events stream in into one.
        self._soon = QtCore.QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(SOON_MS)
        self._soon.timeout.connect(self.refresh)

    @property
    def busy(self) -> bool:
        return self.background.busy

    def refresh_soon(self) -> None:
        """Read again in a moment (events were stored): a stream of batches costs one read."""
        if not self._soon.isActive():
            self._soon.start()

    def attach(self, canvas) -> None:
        """Feed ``canvas`` (a journey was opened): it shows the last counts at once, then fresh ones."""
        self.canvas = canvas
        canvas.editor.changed.connect(self._on_journey_changed)
        if self.stats is not None:
            canvas.set_source_stats(self.stats)
        self.refresh()

    def detach(self) -> None:
        """Stop feeding the canvas (its journey is closing)."""
        if self.canvas is not None:
            try:
                self.canvas.editor.changed.disconnect(self._on_journey_changed)
            except (RuntimeError, TypeError):
                pass
        self.canvas = None
        self.timer.stop()
        self._soon.stop()
        self.background.cancel("stats")

    def set_active(self, active: bool) -> None:
        """Read the counts while the canvas shows its metrics; hidden, read nothing."""
        self.active = active
        self.refresh()

    def wanted(self) -> bool:
        canvas = self.canvas
        return (self.active and self.workspace is not None and canvas is not None
                and any(node.type == SOURCE_NODE for node in canvas.editor.journey.nodes))

    def refresh(self) -> None:
        """Read the counts again on the worker (nothing when they would not be shown)."""
        if not self.wanted():
            self.timer.stop()
            return
        if not self.timer.isActive():
            self.timer.start()
        if self.background.is_running("stats"):
            return  # the read under way answers soon enough
        ws = self.workspace
        self.background.submit(lambda: tracking_plan.source_stats(ws, datetime.now(UTC)), self._on_read,
                               self._on_failed, key="stats")

    def offer(self, stats: dict[str, tracking_plan.SourceStats]) -> None:
        """Counts read elsewhere (the Tracking panel reads the same): shown at once, and the next
        timed read is skipped while they are fresh."""
        self._read_at = time.monotonic()
        self._on_read(stats)

    def _tick(self) -> None:
        if time.monotonic() - self._read_at >= self.timer.interval() / 2000:
            self.refresh()

    def _on_journey_changed(self) -> None:
        # A node's new config is matched against the last read by the canvas itself; a read is
        # needed only when the journey gains its first data source (or loses its last).
        if self.wanted() != self.timer.isActive():
            self.refresh()

    def _on_read(self, stats: dict[str, tracking_plan.SourceStats]) -> None:
        self._read_at = time.monotonic()
        self.stats = stats
        self.error = ""
        if self.canvas is not None:
            self.canvas.set_source_stats(stats)
        self.updated.emit()

    def _on_failed(self, message: str) -> None:
        # The nodes keep the counts they show; the next tick tries again.
        self.error = message
        self.updated.emit()

    def shutdown(self) -> None:
        self.detach()
        self.background.shutdown()
