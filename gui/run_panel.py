"""The Run panel: simulate the open journey, or test its published version, off the UI thread and
paint the numbers on the canvas.

Simulation runs synthetic customers through a copy of the draft; test mode runs a handful of named
test customers through the published version with the durable runner (see :mod:`gui.live`). Either
way the work happens in a worker thread; the panel shows progress, can cancel, and hands snapshots
of the counts to the canvas as they come, so the overlays fill in live while the canvas stays
responsive.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.document import Journey
from engine.spec import Registry
from gui.canvas import Metrics
from gui.live import TestModeWorker, TestResult
from gui.qt import QtCore, QtWidgets, Signal


class SimulationWorker(QtCore.QObject):
    """Runs one simulation in a worker thread; every signal is delivered queued to the panel."""

    progressed = Signal(float)
    snapshot = Signal(object)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, journey: Journey, registry: Registry, customers: int, days: int, seed: int):
        super().__init__()
        self.journey = journey
        self.registry = registry
        self.customers, self.days, self.seed = customers, days, seed
        self._cancel = False

    def cancel(self) -> None:
        self._cancel = True

    def run(self) -> None:
        from engine.errors import JourneyStudioError
        from engine.runtime.simulator import Simulation

        try:
            sim = Simulation(self.journey, self.registry, customers=self.customers, days=self.days,
                             seed=self.seed)
            result = sim.run(progress=self.progressed.emit, cancelled=lambda: self._cancel,
                             on_snapshot=self.snapshot.emit)
        except JourneyStudioError as exc:
            self.failed.emit(str(exc))
            return
        except Exception as exc:  # the UI must hear about any failure, never hang on a dead thread
            self.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        self.finished.emit(result)


def overlay_numbers(journey: Journey, result) -> tuple[dict[str, Metrics], dict[str, str]]:
    """Per-node metrics (with % of the previous step) and per-edge labels (count and % of source)."""
    nodes = result.nodes
    incoming: dict[str, int] = {}
    for edge in journey.edges:
        count = result.edges.get(edge.id, 0)
        incoming[edge.target.node] = incoming.get(edge.target.node, 0) + count
    metrics: dict[str, Metrics] = {}
    for nid, c in nodes.items():
        sources = [e.source.node for e in journey.edges if e.target.node == nid]
        previous = sum(nodes[s].entered for s in set(sources) if s in nodes)
        pct = (100.0 * incoming.get(nid, 0) / previous) if previous else None
        metrics[nid] = Metrics(entered=c.entered, active=c.active, converted=c.converted, pct_of_previous=pct)
    labels: dict[str, str] = {}
    for edge in journey.edges:
        count = result.edges.get(edge.id, 0)
        src = nodes.get(edge.source.node)
        if src is None or not src.entered:
            labels[edge.id] = f"{count:,}"
        else:
            labels[edge.id] = f"{count:,} · {100.0 * count / src.entered:.0f}%"
    return metrics, labels


MODE_SIMULATION = "simulation"
MODE_TEST = "test"
MODE_LIVE = "live"
#: How often the live numbers are read again while they are shown.
LIVE_REFRESH_MS = 2000


@dataclass(frozen=True)
class LiveCounts:
    """The live counters of one published version, shaped like a simulation result."""

    version: int
    nodes: dict
    edges: dict


class RunPanel(QtWidgets.QWidget):
    """Mode and settings, a run/cancel button, progress and a short summary."""

    #: Emitted with (node metrics, edge labels) whenever new numbers arrive.
    metricsReady = Signal(dict, dict)
    #: Emitted when the overlays should be cleared.
    metricsCleared = Signal()

    def __init__(self, registry: Registry, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.registry = registry
        self.journey_provider = None  # callable returning the journey to simulate (a copy is taken)
        self.workspace = None  # where test mode finds the published version and keeps its runs
        self._thread: QtCore.QThread | None = None
        self._worker: SimulationWorker | TestModeWorker | None = None
        self._journey: Journey | None = None
        self.last_result = None
        self._live_timer = QtCore.QTimer(self)
        self._live_timer.setInterval(LIVE_REFRESH_MS)
        self._live_timer.timeout.connect(self.refresh_live)
        self._live_journey_id: str | None = None

        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        row = QtWidgets.QHBoxLayout()
        self.mode = QtWidgets.QComboBox(self)
        self.mode.addItem(self.tr("Simulation"), MODE_SIMULATION)
        self.mode.addItem(self.tr("Test"), MODE_TEST)
        self.mode.addItem(self.tr("Live"), MODE_LIVE)
        self.mode.setToolTip(self.tr("Simulation: synthetic customers through the draft. Test: a few named "
                                     "test customers through the published version, messages recorded, "
                                     "nothing sent. Live: the real customers in the published version, "
                                     "refreshed every few seconds."))
        mode_caption = QtWidgets.QLabel(self.tr("Mode"), self)
        mode_caption.setBuddy(self.mode)
        row.addWidget(mode_caption)
        row.addWidget(self.mode)
        row.addSpacing(8)
        self.customers = QtWidgets.QSpinBox(self)
        self.customers.setRange(10, 1_000_000)
        self.customers.setSingleStep(500)
        self.customers.setGroupSeparatorShown(True)
        self.customers.setValue(2_000)
        self.customers.setToolTip(self.tr("How many synthetic customers to send through the journey"))
        self.days = QtWidgets.QSpinBox(self)
        self.days.setRange(1, 365)
        self.days.setValue(30)
        self.days.setSuffix(self.tr(" days"))
        self.days.setToolTip(self.tr("Simulated time, on a virtual clock"))
        self.seed = QtWidgets.QSpinBox(self)
        self.seed.setRange(0, 2_147_483_647)
        self.seed.setValue(1)
        self.seed.setToolTip(self.tr("The same seed gives the same numbers"))
        self._simulation_only: list[QtWidgets.QWidget] = []
        for label, widget in ((self.tr("Customers"), self.customers), (self.tr("Duration"), self.days),
                              (self.tr("Seed"), self.seed)):
            caption = QtWidgets.QLabel(label, self)
            caption.setBuddy(widget)
            widget.setProperty("caption", caption)
            if widget is not self.days:
                self._simulation_only += [caption, widget]
            row.addWidget(caption)
            row.addWidget(widget)
            row.addSpacing(8)
        self.run_button = QtWidgets.QPushButton(self.tr("Run simulation"), self)
        self.run_button.setDefault(True)
        self.run_button.setToolTip(self.tr("Simulate the journey with synthetic customers (F5)"))
        self.cancel_button = QtWidgets.QPushButton(self.tr("Cancel"), self)
        self.cancel_button.setEnabled(False)
        self.clear_button = QtWidgets.QPushButton(self.tr("Clear"), self)
        self.clear_button.setToolTip(self.tr("Remove the numbers from the canvas"))
        row.addStretch(1)
        row.addWidget(self.run_button)
        row.addWidget(self.cancel_button)
        row.addWidget(self.clear_button)
        layout.addLayout(row)

        self.progress = QtWidgets.QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        layout.addWidget(self.progress)
        self.summary = QtWidgets.QLabel(self.tr("Simulate thousands of customers on a virtual clock before "
                                                "going live. Numbers appear on every node and connection."),
                                        self)
        self.summary.setWordWrap(True)
        self.summary.setObjectName("runSummary")
        layout.addWidget(self.summary)
        layout.addStretch(1)

        self.run_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.clear_button.clicked.connect(self.clear)
        self.mode.currentIndexChanged.connect(self._on_mode_changed)

    # -- mode ---------------------------------------------------------------------------------
    @property
    def test_mode(self) -> bool:
        return self.mode.currentData() == MODE_TEST

    @property
    def live_mode(self) -> bool:
        return self.mode.currentData() == MODE_LIVE

    def set_mode(self, mode: str) -> None:
        index = self.mode.findData(mode)
        if index >= 0:
            self.mode.setCurrentIndex(index)

    def _on_mode_changed(self, _index: int) -> None:
        self.stop_live()
        for widget in self._simulation_only:
            widget.setVisible(not self.test_mode and not self.live_mode)
        self.days.setVisible(not self.live_mode)
        caption = self.days.property("caption")
        if caption is not None:
            caption.setVisible(not self.live_mode)
        if self.live_mode:
            self.run_button.setText(self.tr("Show live numbers"))
            self.run_button.setToolTip(self.tr("Show how many real customers are at each step of the published "
                                               "version, refreshed every few seconds"))
        elif self.test_mode:
            self.run_button.setText(self.tr("Run test"))
            self.run_button.setToolTip(self.tr("Run the test customers through the published version; "
                                               "messages are recorded, not sent"))
        else:
            self.run_button.setText(self.tr("Run simulation"))
            self.run_button.setToolTip(self.tr("Simulate the journey with synthetic customers (F5)"))

    # -- running ------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> bool:
        if self.running or self.journey_provider is None:
            return False
        journey = self.journey_provider()
        if journey is None:
            return False
        if self.test_mode:
            return self._start_test(journey)
        if self.live_mode:
            return self._start_live(journey)
        self._journey = journey.copy_deep()
        self._worker = SimulationWorker(self._journey, self.registry, self.customers.value(),
                                        self.days.value(), self.seed.value())
        self._launch(self.tr("Simulating…"))
        return True

    def _start_test(self, journey: Journey) -> bool:
        from engine.errors import JourneyStudioError

        if self.workspace is None:
            return False
        try:
            latest = self.workspace.latest_version(journey.id)
            published = None if latest is None else self.workspace.load_version(journey.id, latest.number)
        except JourneyStudioError as exc:
            self.summary.setText(self.tr("The test could not start: %1").replace("%1", str(exc)))
            return False
        if latest is None or published is None:
            self.summary.setText(self.tr("Test mode runs the published version, and this journey has none yet. "
                                         "Publish it (or go live) first."))
            return False
        self._journey = published
        self._worker = TestModeWorker(self.workspace, self.registry, journey.id, latest.number, self.days.value())
        self._launch(self.tr("Testing version %1…").replace("%1", str(latest.number)))
        return True

    # -- live numbers -------------------------------------------------------------------------
    def _start_live(self, journey: Journey) -> bool:
        if self.workspace is None:
            return False
        if self._live_timer.isActive():  # the button toggles
            self.stop_live()
            return False
        self._live_journey_id = journey.id
        if not self.refresh_live():
            self._live_journey_id = None
            return False
        self._live_timer.start()
        self.run_button.setText(self.tr("Stop live numbers"))
        return True

    def refresh_live(self) -> bool:
        """Read the live counters of the published version (a few rows) and show them."""
        from engine.errors import JourneyStudioError
        from engine.store.runs import RunStore

        journey_id = self._live_journey_id
        if journey_id is None or self.workspace is None:
            return False
        try:
            latest = self.workspace.latest_version(journey_id)
            if latest is None:
                self.summary.setText(self.tr("This journey has no published version yet: there are no live "
                                             "numbers. Go live first."))
                self.stop_live()
                return False
            if self._journey is None or self._journey.id != journey_id or \
                    getattr(self, "_live_version", None) != latest.number:
                self._journey = self.workspace.load_version(journey_id, latest.number)
                self._live_version = latest.number
            nodes, edges = RunStore(self.workspace).counters(journey_id, latest.number, "live")
        except JourneyStudioError as exc:
            self.summary.setText(self.tr("The live numbers could not be read: %1").replace("%1", str(exc)))
            self.stop_live()
            return False
        result = LiveCounts(latest.number, nodes, edges)
        self.last_result = result
        self.metricsReady.emit(*overlay_numbers(self._journey, result))
        active = sum(c.active for c in nodes.values())
        entered = max((c.entered for nid, c in nodes.items() if self._is_entry(nid)), default=0)
        text = self.tr("Live, version %1: %2 customers entered, %3 in the journey now. Updated %4.")
        self.summary.setText(text.replace("%1", str(latest.number)).replace("%2", f"{entered:,}")
                             .replace("%3", f"{active:,}")
                             .replace("%4", QtCore.QTime.currentTime().toString("HH:mm:ss")))
        return True

    def _is_entry(self, node_id: str) -> bool:
        node = self._journey.node(node_id) if self._journey is not None else None
        spec = self.registry.get(node.type) if node is not None else None
        return bool(spec is not None and spec.is_entry)

    def stop_live(self) -> None:
        if self._live_timer.isActive():
            self._live_timer.stop()
        self._live_journey_id = None
        if self.live_mode:
            self.run_button.setText(self.tr("Show live numbers"))

    def _launch(self, text: str) -> None:
        self._thread = QtCore.QThread(self)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progressed.connect(self._on_progress)
        self._worker.snapshot.connect(self._on_snapshot)
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self._on_failed)
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        self.summary.setText(text)
        self._thread.start()

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            self.summary.setText(self.tr("Cancelling…"))

    def clear(self) -> None:
        self.last_result = None
        self.progress.setValue(0)
        self.metricsCleared.emit()

    def _on_progress(self, fraction: float) -> None:
        self.progress.setValue(int(max(0.0, min(1.0, fraction)) * 1000))

    def _on_snapshot(self, result) -> None:
        self.metricsReady.emit(*overlay_numbers(self._journey, result))

    def _on_finished(self, result) -> None:
        self.last_result = result
        self._on_snapshot(result)
        self.progress.setValue(1000 if not result.cancelled else self.progress.value())
        if isinstance(result, TestResult):
            self.summary.setText(self._test_summary(result))
            self._stop_thread()
            return
        sent = sum(result.deliveries.values())
        converted = sum(result.goals.values())
        text = self.tr("%1 customers, %2 days: %3 steps, %4 messages, %5 conversions (%6 s).")
        text = (text.replace("%1", f"{result.customers:,}").replace("%2", str(result.days))
                .replace("%3", f"{result.steps:,}").replace("%4", f"{sent:,}")
                .replace("%5", f"{converted:,}").replace("%6", f"{result.elapsed_s:.1f}"))
        if result.cancelled:
            text = self.tr("Cancelled. Numbers so far: ") + text
        self.summary.setText(text)
        self._stop_thread()

    def _test_summary(self, result: TestResult) -> str:
        kinds: dict[str, int] = {}
        for message in result.messages:
            kinds[message.channel_kind] = kinds.get(message.channel_kind, 0) + 1
        by_kind = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
        text = self.tr("Test of version %1 over %2 days: %3 of %4 test customers entered; %5 messages "
                       "recorded, none sent")
        text = (text.replace("%1", str(result.version)).replace("%2", str(result.days))
                .replace("%3", str(result.entered)).replace("%4", str(result.customers))
                .replace("%5", str(len(result.messages))))
        if by_kind:
            text += f" ({by_kind})"
        text += "."
        if result.entered < result.customers:
            text += " " + self.tr("Customers already in or through this journey were not entered again "
                                  "(its re-entry rule).")
        if result.cancelled:
            text = self.tr("Cancelled. Numbers so far: ") + text
        return text

    def _on_failed(self, message: str) -> None:
        what = self.tr("The test stopped: %1") if isinstance(self._worker, TestModeWorker) \
            else self.tr("The simulation stopped: %1")
        self.summary.setText(what.replace("%1", message))
        self._stop_thread()

    def _stop_thread(self) -> None:
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait(5000)
            self._thread.deleteLater()
        if self._worker is not None:
            self._worker.deleteLater()
        self._thread = None
        self._worker = None
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def shutdown(self) -> None:
        """Cancel a running simulation and wait for its thread (window closing)."""
        self.stop_live()
        if self._worker is not None:
            self._worker.cancel()
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait(10000)
            self._thread = None
            self._worker = None
