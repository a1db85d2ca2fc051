"""The Run panel: simulate the open journey, or test its published version, off the UI thread and
paint the numbers on the canvas.

Simulation runs synthetic customers through a copy of the draft; test mode runs a handful of named
test customers through the published version with the durable runner (see :mod:`gui.live`). Either
way the work happens in a worker thread; the panel shows progress, can cancel, and hands snapshots
of the counts to the canvas as they come, so the overlays fill in live while the canvas stays
responsive. Live mode reads the published version's counters every few seconds (and says how many
customers still wait in earlier versions); the panel switches to it when the open journey goes
live. Every set of numbers is tagged with where it comes from, which the canvas shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.document import Journey
from engine.spec import Registry
from gui.canvas import KIND_EXIT, KIND_GOAL, KIND_STEP, Metrics
from gui.live import TestModeWorker, TestResult
from gui.qt import QtCore, QtWidgets, Signal, fill


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


def _node_kind(journey: Journey, registry: Registry | None, node_id: str) -> str:
    """``goal`` (a goal node), ``exit`` (a node with no output: the run ends there) or ``step``."""
    node = journey.node(node_id)
    spec = registry.get(node.type) if registry is not None and node is not None else None
    if spec is None:
        return KIND_STEP
    if spec.goal_event is not None:
        return KIND_GOAL
    return KIND_STEP if spec.output_ports(node.config) else KIND_EXIT


def journey_entries(journey: Journey, result, registry: Registry | None) -> int | None:
    """Runs that entered the journey: the result's own count when it has one (a simulation), else
    the arrivals at its entry nodes; None when that cannot be told (no registry)."""
    started = getattr(result, "runs_started", None)
    if started is not None:
        return started
    if registry is None:
        return None
    entries = 0
    for node in journey.nodes:
        spec = registry.get(node.type)
        counts = result.nodes.get(node.id)
        if spec is not None and spec.is_entry and counts is not None:
            entries += counts.entered
    return entries


def overlay_numbers(journey: Journey, result, registry: Registry | None = None, *, origin: str = "",
                    caption: str = "") -> tuple[dict[str, Metrics], dict[str, str]]:
    """Per-node metrics and per-edge labels (count and % of source).

    A step's percentage is of the runs that arrived at the nodes before it; a goal's or exit's (told
    apart with ``registry``) is of the runs that entered the journey, since several branches lead
    there and their sums would count customers twice. Each node also carries what left through each
    output port: along its edge, or ending there when the port has no edge (``result.ended_at``), so
    that ``entered = Σ outputs + active + ended`` can be read off the canvas. ``origin`` and
    ``caption`` say where the numbers come from (painted on the canvas)."""
    nodes = result.nodes
    ended_at: dict[str, dict[str, int]] = getattr(result, "ended_at", None) or {}
    entries = journey_entries(journey, result, registry)
    incoming: dict[str, int] = {}
    outs: dict[str, dict[str, int]] = {}
    for edge in journey.edges:
        count = result.edges.get(edge.id, 0)
        incoming[edge.target.node] = incoming.get(edge.target.node, 0) + count
        ports = outs.setdefault(edge.source.node, {})
        ports[edge.source.port] = ports.get(edge.source.port, 0) + count
    metrics: dict[str, Metrics] = {}
    for nid, c in nodes.items():
        kind = _node_kind(journey, registry, nid)
        pct_entries = None
        if kind != KIND_STEP and entries is not None:
            pct, pct_entries = None, (100.0 * c.entered / entries) if entries else None
        else:
            sources = {e.source.node for e in journey.edges if e.target.node == nid}
            previous = sum(nodes[s].entered for s in sources if s in nodes)
            pct = (100.0 * incoming.get(nid, 0) / previous) if previous else None
        metrics[nid] = Metrics(entered=c.entered, active=c.active, converted=c.converted, pct_of_previous=pct,
                               exited=c.exited, outs=dict(outs.get(nid, {})), ended_at=dict(ended_at.get(nid, {})),
                               kind=kind, pct_of_entries=pct_entries, origin=origin, caption=caption)
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


#: How often the panel looks whether the open journey went live (an attribute read, no query).
STATUS_CHECK_MS = 1000


@dataclass(frozen=True)
class LiveCounts:
    """The live counters of one published version, shaped like a simulation result, and how many
    customers still wait in the versions before it (version → runs in the journey there)."""

    version: int
    nodes: dict
    edges: dict
    ended_at: dict = field(default_factory=dict)
    earlier_active: dict = field(default_factory=dict)

    @property
    def active_earlier(self) -> int:
        return sum(self.earlier_active.values())


def customers_text(count: int) -> str:
    """``1 customer`` / ``2 customers``: the panel's counts of customers."""
    return (QtCore.QCoreApplication.translate("RunPanel", "1 customer") if count == 1 else
            QtCore.QCoreApplication.translate("RunPanel", "%1 customers").replace("%1", f"{count:,}"))


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
        #: The live version's ``ended_at`` and the ``exited`` counters it was read for: the step log
        #: is counted again only when a node's ``exited`` changed.
        self._ended_cache: tuple[tuple, dict] | None = None
        #: (journey id, status) of the open journey when last looked at; see :meth:`check_status`.
        self._seen_status: tuple[str, str] | None = None
        self._status_timer = QtCore.QTimer(self)
        self._status_timer.setInterval(STATUS_CHECK_MS)
        self._status_timer.timeout.connect(self.check_status)
        self._status_timer.start()

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
        # Live numbers have no end to progress towards: the bar would only ever sit full.
        self.progress.setVisible(not self.live_mode)
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
        """Read the live counters of the published version (a few rows) and show them, with how
        many customers still wait in earlier versions."""
        from engine.errors import JourneyStudioError
        from engine.store.runs import RunStore

        journey_id = self._live_journey_id
        if journey_id is None or self.workspace is None:
            return False
        try:
            versions = self.workspace.list_versions(journey_id)
            if not versions:
                self.summary.setText(self.tr("This journey has no published version yet: there are no live "
                                             "numbers. Go live first."))
                self.stop_live()
                return False
            latest = versions[-1]
            if self._journey is None or self._journey.id != journey_id or \
                    getattr(self, "_live_version", None) != latest.number:
                self._journey = self.workspace.load_version(journey_id, latest.number)
                self._live_version = latest.number
                self._ended_cache = None
            store = RunStore(self.workspace)
            nodes, edges = store.counters(journey_id, latest.number, "live")
            nodes = self._with_every_step(nodes)
            ended_at = self._live_ended_at(nodes, latest.number)
            earlier: dict[int, int] = {}
            for version in versions[:-1]:
                waiting = sum(c.active for c in store.counters(journey_id, version.number, "live")[0].values())
                if waiting:
                    earlier[version.number] = waiting
        except JourneyStudioError as exc:
            self.summary.setText(self.tr("The live numbers could not be read: %1").replace("%1", str(exc)))
            self.stop_live()
            return False
        result = LiveCounts(latest.number, nodes, edges, ended_at, earlier)
        self.last_result = result
        active = sum(c.active for c in nodes.values())
        entered = max((c.entered for nid, c in nodes.items() if self._is_entry(nid)), default=0)
        caption = self.tr("Live: real customers in version %1").replace("%1", str(latest.number))
        text = (fill(self.tr("Live, version %1: %2 entered, %3 in the journey now."), str(latest.number),
                     customers_text(entered), f"{active:,}"))
        if earlier:
            older = ", ".join(str(number) for number in sorted(earlier))
            still = (self.tr("1 customer still in an earlier version (%2)") if result.active_earlier == 1
                     else self.tr("%1 customers still in earlier versions (%2)"))
            still = fill(still, f"{result.active_earlier:,}",
                         (self.tr("version %1") if len(earlier) == 1 else self.tr("versions %1")).replace("%1", older))
            text += " " + still + "."
            caption += " · " + still
        text += " " + self.tr("Updated %1.").replace("%1", QtCore.QTime.currentTime().toString("HH:mm:ss"))
        self.metricsReady.emit(*overlay_numbers(self._journey, result, self.registry, origin=MODE_LIVE,
                                                caption=caption))
        self.summary.setText(text)
        return True

    def _with_every_step(self, nodes: dict) -> dict:
        """``nodes`` with a zero for each runnable node nobody reached yet: a live journey that no
        customer entered still shows that its numbers are live, and zeros where they are."""
        from engine.runtime.results import NodeCounts

        every = {}
        for node in self._journey.nodes:
            spec = self.registry.get(node.type)
            if spec is not None and spec.executable and spec.run is not None:
                every[node.id] = NodeCounts()
        return every | nodes

    def _live_ended_at(self, nodes: dict, version: int) -> dict:
        """Runs of the live version that ended at ports with no edge; counted from the step log only
        when some node's ``exited`` counter moved since the last count."""
        from gui.live import ended_at_ports

        key = tuple(sorted((nid, c.exited) for nid, c in nodes.items()))
        if self._ended_cache is None or self._ended_cache[0] != key:
            self._ended_cache = (key, ended_at_ports(self.workspace, self.registry, self._journey, version, "live"))
        return self._ended_cache[1]

    def check_status(self) -> bool:
        """Switch to live numbers when the open journey goes live: the simulation's numbers are of
        synthetic customers, and once real ones arrive those are what the canvas should show. True
        when it switched."""
        journey = self.journey_provider() if self.journey_provider is not None else None
        if journey is None:
            self._seen_status = None
            return False
        seen = (journey.id, journey.settings.status)
        before, self._seen_status = self._seen_status, seen
        if before is None or before[0] != journey.id or before[1] == "live" or seen[1] != "live":
            return False
        if self.live_mode and self._live_timer.isActive():
            return False
        if self.running or self.workspace is None:
            self._seen_status = before  # look again once the simulation or test is over
            return False
        self.set_mode(MODE_LIVE)
        if not self.start():
            return False
        self.summary.setText(self.tr("The journey is live: the canvas now shows its real customers. Choose "
                                     "Simulation under Mode to try changes on synthetic customers.")
                             + " " + self.summary.text())
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
        if isinstance(result, TestResult):
            origin = MODE_TEST
            caption = fill(self.tr("Test: %1 through version %2, messages recorded, none sent"),
                           self.tr("%1 test customers").replace("%1", str(result.customers)),
                           str(result.version))
        else:
            origin = MODE_SIMULATION
            caption = (fill(self.tr("Simulated: %1 synthetic customers over %2 days (seed %3), not real customers"),
                            f"{result.customers:,}", str(result.days), str(result.seed)))
        self.metricsReady.emit(*overlay_numbers(self._journey, result, self.registry, origin=origin,
                                                caption=caption))

    def _on_finished(self, result) -> None:
        self.last_result = result
        self._on_snapshot(result)
        self.progress.setValue(1000 if not result.cancelled else self.progress.value())
        if isinstance(result, TestResult):
            self.summary.setText(self._test_summary(result))
            self._stop_thread()
            return
        text = self._simulation_summary(result)
        if result.cancelled:
            text = self.tr("Cancelled. Numbers so far: ") + text
        self.summary.setText(text)
        self._stop_thread()

    def _simulation_summary(self, result) -> str:
        """Who entered and converted (each customer once: ``result.goals`` counts a run once per goal
        it reached), then the work done."""
        sent = sum(result.deliveries.values())
        entered, converted = result.customers_entered, result.customers_converted
        rate = f"{100.0 * converted / entered:.0f}" if entered else "0"
        text = (fill(self.tr("%1, %2 days: %3 entered the journey, %4 converted (%5%)."),
                     customers_text(result.customers), str(result.days), f"{entered:,}", f"{converted:,}",
                     rate))
        if result.runs_started != entered or result.runs_converted != converted:
            # The nodes count entries: a customer who came back counts once per time.
            text += " " + (fill(self.tr("The nodes count entries: %1 in all, %2 of them converted."),
                                f"{result.runs_started:,}", f"{result.runs_converted:,}"))
        text += " " + (fill(self.tr("%1 steps, %2 messages (%3 s)."), f"{result.steps:,}", f"{sent:,}",
                            f"{result.elapsed_s:.1f}"))
        return text

    def _test_summary(self, result: TestResult) -> str:
        kinds: dict[str, int] = {}
        for message in result.messages:
            kinds[message.channel_kind] = kinds.get(message.channel_kind, 0) + 1
        by_kind = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
        text = self.tr("Test of version %1 over %2 days: %3 of %4 test customers entered; %5 messages "
                       "recorded, none sent")
        text = (fill(text, str(result.version), str(result.days), str(result.entered), str(result.customers),
                     str(len(result.messages))))
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
