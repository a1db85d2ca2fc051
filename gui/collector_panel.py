"""The Collector window: run the event collector from the app and watch what arrives.

A tool window beside the editor. It starts and stops :class:`engine.track.collector.Collector`
(the Segment HTTP Tracking API and the Sensors Analytics SDK protocol on one port), manages the
workspace's write keys (:mod:`engine.track.collector_keys`), shows the addresses to paste into an
SDK (saying when nothing listens there: none at all after a start that failed), and, while the collector runs, its counts (received, stored, duplicates, refused by reason,
stored per source) read every half second, with the latest stored events (handed over by the
collector itself: watching them never reads the store).

Threads: the collector serves and stores on its own threads. Starting and stopping it, and
writing keys, go through :mod:`gui.background` so that a stop that drains a full write queue, or
a key written while an import holds the workspace's write lock, never freezes the window. The
collector's ``on_events`` callback runs on its writer thread and only emits a signal; the window
receives it queued on the UI thread and, at most a few times a second, emits
:attr:`CollectorPanel.eventsStored`, which the main window hands to its live engine
(``run_now``) so that triggers and "wait until event" nodes react at once.

A write key is stored only as a digest: the full key can be shown and copied only in the session
that made it. Closing the window leaves the collector running (the main window's status bar says
so); quitting the app stops it. Questions to the user go through overridable methods
(``_confirm_public_bind``, ``_ask_key_name``, ``_confirm_remove_key``) so tests answer them without
a modal dialog.
"""

from __future__ import annotations

import json
import re
from collections import deque
from datetime import UTC, datetime

from engine.errors import JourneyStudioError
from engine.store.customers import EventRecord
from engine.track import collector_keys
from engine.track.collector import DEFAULT_HOST, DEFAULT_PORT, Collector, CollectorCounts, is_loopback
from engine.track.collector_keys import CollectorError, WriteKeyInfo
from engine.track.property_order import display_order
from gui.background import Background
from gui.qt import Qt, QtCore, QtGui, QtWidgets, Signal, fill, short_date_time, translate

#: Milliseconds between two reads of the counts while the collector runs.
REFRESH_MS = 500
#: Stored events are handed to the live engine at most this often (milliseconds): a burst of
#: requests becomes one engine pass instead of hundreds.
WAKE_MS = 250
#: Stored events kept for the "Latest events" list.
LATEST = 200
HOSTS = ("127.0.0.1", "localhost", "::1", "0.0.0.0", "::")
SENSORS_PROJECT = "default"

_STYLE = """
QLabel#countValue { font-size: 18pt; font-weight: 600; }
QLabel#countValue[bad="true"] { color: #C62828; }
QLabel#countName, QLabel#hint { color: palette(placeholder-text); }
QFrame#countTile { border: 1px solid palette(mid); border-radius: 6px; background: palette(base); }
QLabel#collectorError { color: #C62828; }
QLabel#endpointState { color: #8D6E00; }
QLabel#bindWarning { color: #8D6E00; background: #FFF8E1; border: 1px solid #F0D58C; border-radius: 4px;
                     padding: 6px; }
QLabel#freshKey { background: #E8F5E9; border: 1px solid #A5D6A7; border-radius: 4px; padding: 6px; }
QLabel#collectorState { font-weight: 600; }
QLabel#collectorState[running="true"] { color: #2E7D32; }
QLineEdit#endpoint { font-family: monospace; }
"""


def reason_text(code: str) -> str:
    """A refusal code of the collector in words."""
    return {
        "unauthorized": translate("CollectorPanel", "Missing or unknown write key"),
        "malformed": translate("CollectorPanel", "Malformed body"),
        "invalid_message": translate("CollectorPanel", "Invalid message"),
        "too_large": translate("CollectorPanel", "Too large"),
        "too_deep": translate("CollectorPanel", "Nested too deeply"),
        "not_found": translate("CollectorPanel", "No such endpoint"),
        "method_not_allowed": translate("CollectorPanel", "Wrong HTTP method"),
        "unsupported_encoding": translate("CollectorPanel", "Unsupported content encoding"),
        "busy": translate("CollectorPanel", "Busy (asked to retry)"),
        "stopping": translate("CollectorPanel", "Arrived while stopping"),
        "store_failed": translate("CollectorPanel", "The database failed"),
        "refused_by_database": translate("CollectorPanel", "Refused by the database"),
        "timeout": translate("CollectorPanel", "Request too slow"),
        "length_required": translate("CollectorPanel", "No body length"),
        "headers_too_large": translate("CollectorPanel", "Headers too large"),
        "internal_error": translate("CollectorPanel", "Internal error"),
    }.get(code, code)


def source_text(source: str) -> str:
    if source == "segment":
        return translate("CollectorPanel", "Segment SDKs and HTTP API")
    if source.startswith("sensors:"):
        return translate("CollectorPanel", "Sensors Analytics, project %1").replace("%1", source.partition(":")[2])
    return source


def short_source(source: str) -> str:
    """A source in a word or two, for a narrow column."""
    if source == "segment":
        return "Segment"
    if source.startswith("sensors:"):
        project = source.partition(":")[2]
        if project == "default":  # the SDKs' own default: naming it says nothing
            return "Sensors"
        return translate("CollectorPanel", "Sensors (%1)").replace("%1", project)
    return source


def endpoint_urls(base: str, key: str | None = None) -> dict[str, str]:
    """The addresses an SDK needs, for a collector at ``base`` (``http://127.0.0.1:8765``).

    The Sensors SDKs send the write key as ``token=`` in the server URL (the collector also takes a
    form or message ``token``): with ``key`` known it is part of the address; without, the address
    has no ``token`` at all rather than a placeholder that would be refused as an unknown key.
    """
    sensors = f"{base}/sa?project={SENSORS_PROJECT}"
    return {"segment_host": base, "segment_track": f"{base}/v1/track",
            "sensors": f"{sensors}&token={key}" if key else sensors}


def _compact(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _local_time(iso: str) -> str:
    """A stored UTC time (ISO 8601) as local date and time, in the short locale format."""
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    local = (when if when.tzinfo is not None else when.replace(tzinfo=UTC)).astimezone()
    qdt = QtCore.QDateTime(QtCore.QDate(local.year, local.month, local.day), QtCore.QTime(local.hour, local.minute))
    return short_date_time(qdt)


def base_url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


#: The engine's advice for its command line ("(--port 0 for 'collect', …)"), left out in the app.
_COMMAND_LINE_ADVICE = re.compile(r"\s*\(--[^)]*\)")


class _Relay(QtCore.QObject):
    """Lives on the UI thread; the collector's writer thread emits through it (queued)."""

    stored = Signal(object)  # list[EventRecord]


class CollectorPanel(QtWidgets.QWidget):
    """Start, stop and watch the collector; see the module docstring."""

    #: Events were stored (coalesced; the number since the last emission). On the UI thread.
    eventsStored = Signal(int)
    #: The collector started (True) or stopped (False).
    runningChanged = Signal(bool)
    #: A write key was made or removed.
    keysChanged = Signal()

    def __init__(self, workspace, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)  # its own window even though the main window owns it
        self.setObjectName("collectorPanel")
        self.setWindowTitle(self.tr("Event collector"))
        self.setStyleSheet(_STYLE)
        self.resize(1100, 700)
        self.workspace = workspace
        self.background = Background(self)
        self.collector: Collector | None = None
        #: Set on the worker thread as soon as a collector listens (stopped on shutdown even if
        #: the window never heard that it started).
        self._launched: Collector | None = None
        self._phase = "stopped"  # stopped, starting, running, stopping
        #: The address and port the last start could not listen on (None after a start that did).
        self._failed_at: tuple[str, int] | None = None
        self.started_at: datetime | None = None
        self.last_counts: CollectorCounts | None = None
        #: Keys made in this session: the only ones whose full text is known.
        self.fresh_keys: dict[str, str] = {}
        self.keys: list[WriteKeyInfo] = []
        self._unwoken = 0
        #: The newest stored events, newest last (from ``on_events``: no reads of the store).
        self.latest: deque[EventRecord] = deque(maxlen=LATEST)
        self._latest_shown = 0
        self._latest_total = 0

        self._relay = _Relay(self)
        self._relay.stored.connect(self._on_stored)
        self.wake_timer = QtCore.QTimer(self)
        self.wake_timer.setSingleShot(True)
        self.wake_timer.setInterval(WAKE_MS)
        self.wake_timer.timeout.connect(self._wake)
        self.timer = QtCore.QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh_counts)

        #: For the main window's status bar: visible while the collector runs.
        self.status_label = QtWidgets.QLabel()
        self.status_label.setObjectName("collectorStatus")
        self.status_label.setToolTip(self.tr("The event collector is running; open Track › Collector to see it"))
        self.status_label.hide()

        columns = QtWidgets.QHBoxLayout(self)
        left = QtWidgets.QVBoxLayout()
        left.addWidget(self._build_listen())
        left.addWidget(self._build_endpoints())
        left.addWidget(self._build_keys(), 1)
        right = QtWidgets.QVBoxLayout()
        right.addWidget(self._build_counts(), 1)
        columns.addLayout(left, 11)
        columns.addLayout(right, 9)

        self.host.currentTextChanged.connect(lambda _t: self._update())
        self.port.valueChanged.connect(lambda _v: self._update())
        self.reload_keys()
        self._show_counts(None)
        self._update()

    # -- construction -----------------------------------------------------------------------------
    def _build_listen(self) -> QtWidgets.QWidget:
        box = QtWidgets.QGroupBox(self.tr("Listen"), self)
        layout = QtWidgets.QVBoxLayout(box)
        row = QtWidgets.QHBoxLayout()
        self.host = QtWidgets.QComboBox(box)
        self.host.setObjectName("collectorHost")
        self.host.setEditable(True)
        self.host.setInsertPolicy(QtWidgets.QComboBox.InsertPolicy.NoInsert)
        self.host.addItems(list(HOSTS))
        self.host.setCurrentText(DEFAULT_HOST)
        self.host.setMinimumContentsLength(12)
        self.host.setToolTip(self.tr("127.0.0.1: only programs on this computer can send events. 0.0.0.0: every "
                                     "network this computer is on."))
        self.port = QtWidgets.QSpinBox(box)
        self.port.setObjectName("collectorPort")
        self.port.setRange(0, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.port.setSpecialValueText(self.tr("Any free port"))
        self.port.setMinimumWidth(110)
        for text, widget in ((self.tr("&Address:"), self.host), (self.tr("&Port:"), self.port)):
            label = QtWidgets.QLabel(text, box)
            label.setBuddy(widget)
            row.addWidget(label)
            row.addWidget(widget)
        row.addStretch(1)
        SP = QtWidgets.QStyle.StandardPixmap  # noqa: N806
        self.start_button = QtWidgets.QPushButton(self.style().standardIcon(SP.SP_MediaPlay), self.tr("&Start"), box)
        self.start_button.setObjectName("startCollector")
        self.start_button.setToolTip(self.tr("Start listening for events on this address and port; the "
                                             "addresses to give your SDKs work from then on"))
        self.start_button.clicked.connect(self.start)
        self.stop_button = QtWidgets.QPushButton(self.style().standardIcon(SP.SP_MediaStop), self.tr("S&top"), box)
        self.stop_button.setObjectName("stopCollector")
        self.stop_button.setToolTip(self.tr("Stop listening. Events that arrived are stored first; SDKs "
                                            "keep the ones they send meanwhile and send them again later"))
        self.stop_button.clicked.connect(self.stop)
        row.addWidget(self.start_button)
        row.addWidget(self.stop_button)
        layout.addLayout(row)
        self.warning = QtWidgets.QLabel(box)
        self.warning.setObjectName("bindWarning")
        self.warning.setWordWrap(True)
        self.warning.hide()
        layout.addWidget(self.warning)
        self.state = QtWidgets.QLabel(box)
        self.state.setObjectName("collectorState")
        layout.addWidget(self.state)
        self.error = QtWidgets.QLabel(box)
        self.error.setObjectName("collectorError")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        layout.addWidget(self.error)
        hint = QtWidgets.QLabel(self.tr("Events are stored as they arrive and reach your live journeys at once "
                                        "while the app is open. Closing this window leaves the collector "
                                        "running; quitting the app stops it."), box)
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        return box

    def _build_keys(self) -> QtWidgets.QWidget:
        box = QtWidgets.QGroupBox(self.tr("Write keys"), self)
        layout = QtWidgets.QVBoxLayout(box)
        hint = QtWidgets.QLabel(self.tr("Senders must present one of these keys (Segment: the write key; Sensors "
                                        "Analytics: token= in the address). Only a fingerprint is stored, so "
                                        "a key can be copied only right after it is made."), box)
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.key_list = QtWidgets.QTreeWidget(box)
        self.key_list.setObjectName("keyList")
        self.key_list.setColumnCount(4)
        self.key_list.setHeaderLabels([self.tr("Name"), self.tr("Key"), self.tr("Made"), ""])
        self.key_list.setRootIsDecorated(False)
        self.key_list.setUniformRowHeights(True)
        self.key_list.setAlternatingRowColors(True)
        header = self.key_list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QtWidgets.QHeaderView.ResizeMode.Stretch)
        self.key_list.setColumnWidth(0, 120)
        self.key_list.setColumnWidth(2, 140)
        self.key_list.setColumnWidth(3, 70)
        self.key_list.itemSelectionChanged.connect(self._update)
        layout.addWidget(self.key_list, 1)
        self.fresh = QtWidgets.QLabel(box)
        self.fresh.setObjectName("freshKey")
        self.fresh.setWordWrap(True)
        self.fresh.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fresh.hide()
        layout.addWidget(self.fresh)
        row = QtWidgets.QHBoxLayout()
        self.add_key_button = QtWidgets.QPushButton(self.tr("&New key…"), box)
        self.add_key_button.setObjectName("addKey")
        self.add_key_button.setToolTip(self.tr("Make a new write key, e.g. one per website or app, so that each "
                                               "can be refused on its own later; copy it right away"))
        self.add_key_button.clicked.connect(self.add_key)
        self.remove_key_button = QtWidgets.QPushButton(self.tr("&Remove"), box)
        self.remove_key_button.setObjectName("removeKey")
        self.remove_key_button.setToolTip(self.tr("Remove the selected write key: senders using it are refused "
                                                  "from then on (asks first)"))
        self.remove_key_button.clicked.connect(self.remove_selected_key)
        row.addWidget(self.add_key_button)
        row.addWidget(self.remove_key_button)
        row.addStretch(1)
        layout.addLayout(row)
        return box

    def _build_endpoints(self) -> QtWidgets.QWidget:
        box = QtWidgets.QGroupBox(self.tr("Point your SDKs here"), self)
        outer = QtWidgets.QVBoxLayout(box)
        #: Whether anything listens at the addresses below (shown while the collector does not run).
        self.endpoint_state = QtWidgets.QLabel(box)
        self.endpoint_state.setObjectName("endpointState")
        self.endpoint_state.setWordWrap(True)
        outer.addWidget(self.endpoint_state)
        grid = QtWidgets.QGridLayout()
        outer.addLayout(grid)
        self.endpoints: dict[str, QtWidgets.QLineEdit] = {}
        self.copy_buttons: dict[str, QtWidgets.QPushButton] = {}
        rows = (
            ("segment_host", self.tr("Segment SDKs (API host):"),
             self.tr("analytics-python: analytics.host; analytics.js and the mobile SDKs: the API host. The "
                     "write key goes where the SDK asks for it.")),
            ("segment_track", self.tr("Segment HTTP API:"),
             self.tr("Also /v1/identify, /v1/page, /v1/screen, /v1/group, /v1/alias and /v1/batch; the write key "
                     "as the HTTP Basic user name.")),
            ("sensors", self.tr("Sensors Analytics SDK (server URL):"),
             self.tr("The server_url of the Sensors Analytics SDKs; events are stored under the project named "
                     "in the address.")),
        )
        for row, (key, label_text, tip) in enumerate(rows):
            label = QtWidgets.QLabel(label_text, box)
            edit = QtWidgets.QLineEdit(box)
            edit.setObjectName("endpoint")
            edit.setReadOnly(True)
            label.setToolTip(tip)
            label.setBuddy(edit)
            copy = QtWidgets.QPushButton(self.tr("Copy"), box)
            copy.setObjectName(f"copy_{key}")
            copy.setToolTip(self.tr("Copy this address"))
            copy.clicked.connect(lambda _=False, e=edit: self._copy(e.text()))
            grid.addWidget(label, row, 0)
            grid.addWidget(edit, row, 1)
            grid.addWidget(copy, row, 2)
            self.endpoints[key] = edit
            self.copy_buttons[key] = copy
        grid.setColumnStretch(1, 1)
        self.sensors_key_hint = QtWidgets.QLabel(box)
        self.sensors_key_hint.setObjectName("hint")
        self.sensors_key_hint.setWordWrap(True)
        grid.addWidget(self.sensors_key_hint, len(rows), 1, 1, 2)
        self.copied = QtWidgets.QLabel(box)
        self.copied.setObjectName("hint")
        grid.addWidget(self.copied, len(rows) + 1, 1)
        return box

    def _build_counts(self) -> QtWidgets.QWidget:
        box = QtWidgets.QGroupBox(self.tr("Since the collector started"), self)
        layout = QtWidgets.QVBoxLayout(box)
        grid = QtWidgets.QGridLayout()
        grid.setSpacing(8)
        self.count_labels: dict[str, QtWidgets.QLabel] = {}
        tiles = (
            ("received", self.tr("Messages received"), self.tr("Messages (events, identifies, profile changes) "
                                                                "read from requests that were let in")),
            ("committed", self.tr("Stored"), self.tr("Events written to the workspace (answered with 200)")),
            ("duplicates", self.tr("Duplicates"), self.tr("Events stored already, sent again by a retrying SDK")),
            ("rejected", self.tr("Refusals"),
             self.tr("Whole requests refused (each counts once, however many messages it held) and single "
                     "messages refused inside a batch; the reasons are below")),
            ("profile_updates", self.tr("Profile updates"), self.tr("identify traits and profile_* messages")),
            ("merges", self.tr("Profiles merged"), self.tr("Anonymous visitors joined to known customers")),
            ("refused_links", self.tr("Links refused"),
             self.tr("Identifiers not joined to a profile because it would then have two user ids; the "
                     "events still went to the customer the message was about")),
            ("pending", self.tr("Waiting"), self.tr("Messages read and waiting to be stored")),
        )
        for index, (key, name, tip) in enumerate(tiles):
            frame = QtWidgets.QFrame(box)
            frame.setObjectName("countTile")
            frame.setToolTip(tip)
            inner = QtWidgets.QVBoxLayout(frame)
            inner.setContentsMargins(10, 6, 10, 6)
            inner.setSpacing(0)
            value = QtWidgets.QLabel("0", frame)
            value.setObjectName("countValue")
            label = QtWidgets.QLabel(name, frame)
            label.setObjectName("countName")
            inner.addWidget(value)
            inner.addWidget(label)
            grid.addWidget(frame, index // 4, index % 4)
            self.count_labels[key] = value
        layout.addLayout(grid)
        layout.addWidget(QtWidgets.QLabel(self.tr("Latest events"), box))
        self.latest_list = QtWidgets.QTreeWidget(box)
        self.latest_list.setObjectName("latestList")
        self.latest_list.setHeaderLabels([self.tr("Received"), self.tr("Event"), self.tr("Source"),
                                          self.tr("Properties")])
        self.latest_list.setRootIsDecorated(False)
        self.latest_list.setUniformRowHeights(True)
        self.latest_list.setAlternatingRowColors(True)
        for column, width in ((0, 70), (1, 150), (2, 140)):
            self.latest_list.setColumnWidth(column, width)
        layout.addWidget(self.latest_list, 2)
        pair = QtWidgets.QHBoxLayout()
        self.rejected_list = self._small_list(box, self.tr("Reason refused"), self.tr("Refusals"), "rejectedList")
        self.source_list = self._small_list(box, self.tr("Source"), self.tr("Stored"), "sourceList")
        pair.addWidget(self.rejected_list)
        pair.addWidget(self.source_list)
        layout.addLayout(pair, 1)
        return box

    @staticmethod
    def _small_list(parent: QtWidgets.QWidget, what: str, count: str, name: str) -> QtWidgets.QTreeWidget:
        tree = QtWidgets.QTreeWidget(parent)
        tree.setObjectName(name)
        tree.setHeaderLabels([what, count])
        tree.setRootIsDecorated(False)
        tree.header().setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.Stretch)
        tree.header().setStretchLastSection(False)
        tree.setColumnWidth(1, 70)
        return tree

    # -- state ------------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._phase == "running"

    @property
    def busy(self) -> bool:
        """Whether a start, stop or key change is still under way."""
        return self.background.busy or self._phase in ("starting", "stopping")

    def _base(self) -> str:
        if self.collector is not None:
            return self.collector.url
        port = self.port.value()
        return base_url(self.host.currentText().strip() or DEFAULT_HOST, port or DEFAULT_PORT)

    def _update(self) -> None:
        phase = self._phase
        stopped = phase == "stopped"
        self.host.setEnabled(stopped)
        self.port.setEnabled(stopped)
        self.start_button.setEnabled(stopped)
        self.stop_button.setEnabled(phase == "running")
        host = self.host.currentText().strip() or DEFAULT_HOST
        public = not is_loopback(self.collector.host if self.collector is not None else host)
        self.warning.setText(self.tr("Other computers can reach the collector at %1. Only senders with a write key "
                                     "can store events, but nothing is encrypted: keep 127.0.0.1 unless a phone "
                                     "or another computer has to send events.").replace("%1", host))
        self.warning.setVisible(public)
        if phase == "running" and self.collector is not None:
            since = self.started_at.strftime("%H:%M") if self.started_at else ""
            text = fill(self.tr("Listening on %1 since %2"), self.collector.url, since)
        else:
            text = {"starting": self.tr("Starting…"), "stopping": self.tr("Stopping: storing what arrived…")}.get(
                phase, self.tr("Stopped"))
        self.state.setText(text)
        self.state.setProperty("running", phase == "running")
        self.state.style().unpolish(self.state)
        self.state.style().polish(self.state)
        fresh = next(reversed(self.fresh_keys.values()), None) if self.fresh_keys else None
        # With "Any free port" the port is known only once the collector listens: no address to copy before.
        unknown = self.collector is None and self.port.value() == 0
        # After a failed start the address is another program's, or nobody's: not one to copy.
        failed = self.collector is None and self._failed_at == (host, self.port.value())
        if phase != "stopped":
            note = ""
        elif failed:
            note = self.tr("Not running: the collector did not start, so no address here would reach this app. "
                           "Choose another port and press Start; the addresses appear then.")
        else:
            note = self.tr("Not running: these addresses answer once you press Start.")
        self.endpoint_state.setText(note)
        self.endpoint_state.setVisible(bool(note))
        unknown = unknown or failed
        for key, url in endpoint_urls(self._base(), fresh).items():
            self.endpoints[key].setText("" if unknown else url)
            self.endpoints[key].setPlaceholderText(
                "" if not unknown else self.tr("Not listening") if failed
                else self.tr("Shown once started: the free port is chosen then"))
            self.endpoints[key].setCursorPosition(0)  # the start says most; the tooltip has the rest
            self.endpoints[key].setToolTip("" if unknown else url)
            self.copy_buttons[key].setEnabled(not unknown)
        if fresh is None:
            hint = self.tr("Sensors Analytics: add &token= and one of the write keys below to this address (or "
                           "give the key as the SDK's token); without it every event is refused.")
        else:
            name = next(reversed(self.fresh_keys))
            hint = fill(self.tr("Sensors Analytics: the address ends with the new key “%1” as token=; Copy takes "
                                "the whole address."), name)
        self.sensors_key_hint.setText(hint)
        self.endpoints["sensors"].setToolTip(f"{self.endpoints['sensors'].text()}\n{hint}")
        self.remove_key_button.setEnabled(bool(self.key_list.selectedItems()))
        self._update_status_label()

    def _update_status_label(self) -> None:
        if self._phase != "running" or self.collector is None:
            self.status_label.hide()
            return
        stored = self.last_counts.committed if self.last_counts is not None else 0
        self.status_label.setText(fill(self.tr("Collector on :%1 · %2 stored"), str(self.collector.port),
                                       f"{stored:,}"))
        self.status_label.show()

    def _fail(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    # -- start and stop ---------------------------------------------------------------------------
    def start_at(self, host: str | None, port: int | None) -> None:
        """Start listening on ``host`` and ``port`` (each left as the window has it when None)."""
        if host:
            self.host.setCurrentText(host)
        if port is not None:
            self.port.setValue(port)
        self.start()

    def start(self) -> None:
        """Start listening (on a worker thread); makes a write key first if the workspace has none."""
        if self._phase != "stopped":
            return
        host = self.host.currentText().strip() or DEFAULT_HOST
        port = self.port.value()
        if not is_loopback(host) and not self._confirm_public_bind(host):
            return
        self._fail("")
        self._phase = "starting"
        self._update()
        ws, relay = self.workspace, self._relay

        def on_events(events: list[EventRecord]) -> None:
            # The collector's writer thread: only a queued signal may cross to the window.
            try:
                relay.stored.emit(events)
            except RuntimeError:
                pass  # the window is gone; the app is closing

        taken = [False]

        def launch() -> tuple[Collector, str | None]:
            from engine.track.collect_commands import start_collector

            collector = Collector(ws, host, port, on_events=on_events)
            try:
                # The workspace's first write key is made once the collector listens.
                made = start_collector(ws, collector)
            except CollectorError as exc:
                # Another program holding the port is advised about in the window's own words.
                taken[0] = exc.in_use
                raise
            self._launched = collector
            return collector, made

        self.background.submit(launch, self._started,
                               lambda message: self._start_failed(message, (host, port), taken[0]))

    def _started(self, outcome: tuple[Collector, str | None]) -> None:
        collector, made = outcome
        self.collector = collector
        self._failed_at = None
        self._phase = "running"
        self.started_at = datetime.now()
        if made is not None:
            self._remember_key("default", made)
        self.reload_keys()
        self.timer.start()
        self.refresh_counts()
        self.stop_button.setFocus()
        self.runningChanged.emit(True)

    def _start_failed(self, message: str, where: tuple[str, int] | None = None, taken: bool = False) -> None:
        """The start failed with the engine's ``message``; ``taken``: another program answers at
        ``where`` (host, port), which is then said in the app's own words. (No write key was made:
        the first one is made once the collector listens.)"""
        self._phase = "stopped"
        self._failed_at = where
        if taken and where is not None:
            text = fill(self.tr("The collector did not start: another program is using that port (%1), perhaps "
                                "a collector that is already running. Choose another port, or “Any free port”, "
                                "and press Start again."), str(where[1]))
        else:
            # The engine's advice names its command line flags; in the window the Port box says it.
            text = self.tr("The collector did not start: %1").replace("%1", _COMMAND_LINE_ADVICE.sub("", message))
        self._fail(text)
        self._update()

    def stop(self) -> None:
        """Stop listening; what arrived is stored and answered first (on a worker thread)."""
        collector = self.collector
        if self._phase != "running" or collector is None:
            return
        self._phase = "stopping"
        self._update()
        def failed(message: str) -> None:
            self._fail(message)
            self._stopped(collector)

        self.background.submit(collector.stop, lambda _none: self._stopped(collector), failed)

    def _stopped(self, collector: Collector) -> None:
        self.timer.stop()
        self._show_counts(collector.counts())
        self._show_latest()
        self.collector = None
        self._launched = None
        self._phase = "stopped"
        self._update()
        self._wake()
        self.runningChanged.emit(False)

    # -- counts -----------------------------------------------------------------------------------
    def refresh_counts(self) -> None:
        if self.collector is not None:
            self._show_counts(self.collector.counts())
            self._update_status_label()
        self._show_latest()

    def _show_latest(self) -> None:
        if self._latest_total == self._latest_shown:
            return
        self._latest_shown = self._latest_total
        tree = self.latest_list
        at_top = tree.verticalScrollBar().value() == 0
        tree.clear()
        for event in reversed(self.latest):
            received = event.received_at if event.received_at.tzinfo else event.received_at.replace(tzinfo=UTC)
            # The event's own properties first, SDK metadata ($context, Sensors' $lib...) last.
            properties = json.dumps(display_order(event.properties), ensure_ascii=False, default=str)
            source, tip = short_source(event.source), source_text(event.source)
            if event.write_key:
                source += f" · {event.write_key}"
                tip += "\n" + translate("CollectorPanel", "Write key “%1”").replace("%1", event.write_key)
            # Written as the Profiles window writes them: "total: 33, currency: EUR".
            shown = ", ".join(f"{k}: {v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, default=str)}"
                              for k, v in display_order(event.properties).items())
            item = QtWidgets.QTreeWidgetItem([received.astimezone().strftime("%H:%M:%S"), event.name, source,
                                              _compact(shown)])
            item.setToolTip(2, tip)
            item.setToolTip(3, properties[:2000])
            item.setToolTip(1, event.name)
            tree.addTopLevelItem(item)
        if at_top:
            tree.scrollToTop()

    def _show_counts(self, counts: CollectorCounts | None) -> None:
        self.last_counts = counts
        values = {key: 0 for key in self.count_labels}
        if counts is not None:
            values.update(received=counts.received, committed=counts.committed, duplicates=counts.duplicates,
                          rejected=counts.rejected_total, profile_updates=counts.profile_updates,
                          merges=counts.merges, refused_links=counts.refused_links, pending=counts.pending)
        for key, label in self.count_labels.items():
            label.setText(f"{values[key]:,}")
            bad = key == "rejected" and values[key] > 0
            if label.property("bad") != bad:
                label.setProperty("bad", bad)
                label.style().unpolish(label)
                label.style().polish(label)
        self._fill(self.rejected_list, [(reason_text(code), code, n) for code, n in
                                        sorted((counts.rejected if counts else {}).items(), key=lambda kv: -kv[1])])
        self._fill(self.source_list, [(short_source(source), source_text(source), n) for source, n in
                                      sorted((counts.by_source if counts else {}).items(), key=lambda kv: -kv[1])])

    @staticmethod
    def _fill(tree: QtWidgets.QTreeWidget, rows: list[tuple[str, str, int]]) -> None:
        """Rows of (text, tooltip, count)."""
        shown = [(tree.topLevelItem(i).text(0), tree.topLevelItem(i).text(1)) for i in range(tree.topLevelItemCount())]
        if shown == [(text, f"{n:,}") for text, _tip, n in rows]:
            return  # unchanged: keep the selection and scroll position
        tree.clear()
        for text, tip, n in rows:
            item = QtWidgets.QTreeWidgetItem([text, f"{n:,}"])
            item.setToolTip(0, tip)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            tree.addTopLevelItem(item)

    def _on_stored(self, events: list[EventRecord]) -> None:
        self._unwoken += len(events)
        self._latest_total += len(events)
        self.latest.extend(events)
        if not self.wake_timer.isActive():
            self.wake_timer.start()

    def _wake(self) -> None:
        self.wake_timer.stop()
        count, self._unwoken = self._unwoken, 0
        if count:
            self.eventsStored.emit(count)

    # -- write keys -------------------------------------------------------------------------------
    def reload_keys(self) -> None:
        """Read the stored keys again and show them."""
        try:
            self.keys = collector_keys.list_keys(self.workspace)
        except JourneyStudioError as exc:
            self.keys = []
            self._fail(str(exc))
        self.key_list.clear()
        for info in self.keys:
            full = self.fresh_keys.get(info.name)
            item = QtWidgets.QTreeWidgetItem([info.name, full or info.hint, _local_time(info.created_at), ""])
            item.setData(0, Qt.ItemDataRole.UserRole, info.name)
            if full is None:
                item.setToolTip(1, self.tr("Only the first characters are kept. Make a new key to have one you can "
                                           "copy."))
            self.key_list.addTopLevelItem(item)
            copy = QtWidgets.QPushButton(self.tr("Copy"), self.key_list)
            copy.setObjectName("copyKey")
            copy.setEnabled(full is not None)
            copy.setToolTip(self.tr("Copy the key") if full else self.tr("Only a new key can be copied"))
            copy.clicked.connect(lambda _=False, k=full: self._copy(k or ""))
            self.key_list.setItemWidget(item, 3, copy)
        self._update()

    def _remember_key(self, name: str, key: str) -> None:
        self.fresh_keys.pop(name, None)
        self.fresh_keys[name] = key
        self.fresh.setText(fill(self.tr("New key “%1”: %2 — copy it now and keep it somewhere safe: it is not shown "
                                        "again after you quit the app."), name, key))
        self.fresh.show()

    def add_key(self) -> None:
        used = {info.name for info in self.keys}
        suggested = next(name for n in range(1, len(used) + 2)
                         if (name := ("website" if n == 1 else f"website-{n}")) not in used)
        name = self._ask_key_name(suggested)
        if not name:
            return
        ws = self.workspace

        def added(key: str) -> None:
            self._remember_key(name.strip(), key)
            self._after_key_change()

        self.background.submit(lambda: collector_keys.add_key(ws, name), added, self._fail)

    def remove_selected_key(self) -> None:
        items = self.key_list.selectedItems()
        if not items:
            return
        name = items[0].data(0, Qt.ItemDataRole.UserRole)
        if not self._confirm_remove_key(name):
            return
        ws = self.workspace

        def removed(_none: object) -> None:
            self.fresh_keys.pop(name, None)
            if not self.fresh_keys:
                self.fresh.hide()
            self._after_key_change()

        self.background.submit(lambda: collector_keys.remove_key(ws, name), removed, self._fail)

    def _after_key_change(self) -> None:
        self._fail("")
        if self.collector is not None:
            self.collector.reload_keys()  # a running collector takes the change at once
        self.reload_keys()
        self.keysChanged.emit()

    def _copy(self, text: str) -> None:
        if not text:
            return
        QtGui.QGuiApplication.clipboard().setText(text)
        self.copied.setText(self.tr("Copied to the clipboard."))

    # -- questions (overridable, so tests and embedders can answer them) ---------------------------
    def _confirm_public_bind(self, host: str) -> bool:
        answer = QtWidgets.QMessageBox.warning(
            self, self.tr("Listen on the network?"),
            self.tr("On %1, other computers can send events to this workspace (with a write key). Start "
                    "anyway?").replace("%1", host),
            QtWidgets.QMessageBox.StandardButton.Yes | QtWidgets.QMessageBox.StandardButton.Cancel,
            QtWidgets.QMessageBox.StandardButton.Cancel)
        return answer == QtWidgets.QMessageBox.StandardButton.Yes

    def _ask_key_name(self, suggested: str) -> str:
        name, ok = QtWidgets.QInputDialog.getText(self, self.tr("New write key"),
                                                  self.tr("A name to tell this key apart (e.g. the website or app "
                                                          "that uses it):"), text=suggested)
        return name.strip() if ok else ""

    def _confirm_remove_key(self, name: str) -> bool:
        answer = QtWidgets.QMessageBox.question(
            self, self.tr("Remove write key"),
            self.tr("Remove the key “%1”? Senders using it are refused from now on.").replace("%1", name),
            QtWidgets.QMessageBox.StandardButton.Yes | QtWidgets.QMessageBox.StandardButton.Cancel,
            QtWidgets.QMessageBox.StandardButton.Cancel)
        return answer == QtWidgets.QMessageBox.StandardButton.Yes

    # -- closing ----------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop the collector and wait for it (the app is closing; the workspace closes next)."""
        self.timer.stop()
        self.wake_timer.stop()
        self.background.shutdown()
        for collector in {c for c in (self.collector, self._launched) if c is not None}:
            collector.stop()
        self.collector = None
        self._launched = None
        self._phase = "stopped"
        self.status_label.hide()
