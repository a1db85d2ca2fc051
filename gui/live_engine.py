"""The live engine in the app's background: passes of :class:`engine.runtime.live.LiveEngine` on a
worker thread every few seconds while the app is open, so live journeys keep moving without a
separate ``journey-studio run``. The status bar shows what the last pass did.

The worker uses the app's own workspace object: its writes go through the same single-writer lock
as the editor's, and no second process may write the workspace meanwhile.
"""

from __future__ import annotations

from datetime import datetime

from engine.errors import JourneyStudioError
from engine.runtime.clock import RealClock
from engine.runtime.live import LiveEngine, PassResult, retrying_count
from engine.spec import Registry
from engine.store.workspace import Workspace
from gui.qt import QtCore, QtWidgets, Signal, Slot, fill

#: Seconds between two passes.
PASS_INTERVAL_S = 5.0


class LiveEngineWorker(QtCore.QObject):
    """Lives on the worker thread; each timer tick is one pass."""

    passed = Signal(object)  # PassResult
    failed = Signal(str)

    def __init__(self, workspace: Workspace, registry: Registry, interval_s: float):
        super().__init__()
        self.workspace = workspace
        self.registry = registry
        self.interval_ms = int(interval_s * 1000)
        self.engine: LiveEngine | None = None
        self.timer: QtCore.QTimer | None = None
        self._stopping = False
        #: Messages waiting for another attempt, as of the last pass.
        self.waiting = 0

    @Slot()
    def start(self) -> None:
        self.timer = QtCore.QTimer(self)
        self.timer.setInterval(self.interval_ms)
        self.timer.timeout.connect(self.run_pass)
        self.timer.start()
        self.run_pass()

    @Slot()
    def run_pass(self) -> None:
        if self._stopping or self.workspace.closed:
            return
        try:
            if self.engine is None:
                self.engine = LiveEngine(self.workspace, self.registry, RealClock(), _connected_channels(self.workspace))
            result = self.engine.run_pass(lambda: self._stopping)
            if result.retried or self.waiting:
                # Read only while something waits for another attempt: most passes need no query.
                self.waiting = retrying_count(self.workspace)
            self.passed.emit(result)
        except JourneyStudioError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # the engine must not take the app down; say what happened
            self.failed.emit(f"{type(exc).__name__}: {exc}")

    @Slot()
    def reload_channels(self) -> None:
        if self.engine is not None:
            self.engine.set_channels(_connected_channels(self.workspace))

    @Slot()
    def stop(self) -> None:
        self._stopping = True
        if self.timer is not None:
            self.timer.stop()


def _connected_channels(workspace: Workspace) -> dict:
    from engine.cli import _connected_channels as connected

    return connected(workspace)


class LiveEngineService(QtCore.QObject):
    """Owns the worker thread and shows the engine's state in a status-bar label."""

    status = Signal(str)

    def __init__(self, workspace: Workspace, registry: Registry, parent: QtCore.QObject | None = None,
                 interval_s: float = PASS_INTERVAL_S):
        super().__init__(parent)
        self.thread = QtCore.QThread(self)
        self.thread.setObjectName("live-engine")
        self.worker = LiveEngineWorker(workspace, registry, interval_s)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.start)
        self.worker.passed.connect(self._on_passed)
        self.worker.failed.connect(self._on_failed)
        self.last: PassResult | None = None
        self.totals = {"sent": 0, "failed": 0, "runs": 0, "events": 0}
        #: What the latest pass says cannot be done now (every pass reports what lasts), and since
        #: when the same warnings have been shown.
        self.problems: tuple[str, ...] = ()
        self.problems_at = ""
        self.label = QtWidgets.QLabel()
        self.label.setObjectName("liveEngineLabel")
        self.label.setToolTip(self._about())
        self._set(self.tr("Engine starting…"))

    def start(self) -> None:
        self.thread.start()

    def run_now(self) -> None:
        QtCore.QMetaObject.invokeMethod(self.worker, "run_pass", QtCore.Qt.ConnectionType.QueuedConnection)

    def reload_channels(self) -> None:
        QtCore.QMetaObject.invokeMethod(self.worker, "reload_channels", QtCore.Qt.ConnectionType.QueuedConnection)

    def stop(self) -> None:
        """Finish the pass under way (it stops between batches) and end the thread."""
        if not self.thread.isRunning():
            return
        self.worker._stopping = True  # read by the running pass between batches
        QtCore.QMetaObject.invokeMethod(self.worker, "stop", QtCore.Qt.ConnectionType.BlockingQueuedConnection)
        self.thread.quit()
        self.thread.wait()

    def _set(self, text: str) -> None:
        self.label.setText(text)
        self.status.emit(text)

    def _about(self) -> str:
        return self.tr("The live engine runs your live journeys in the background while the app is open: it "
                       "hands new events to them, wakes waiting customers and sends through your connected "
                       "channels.")

    def _on_passed(self, result: PassResult) -> None:
        self.last = result
        for key in self.totals:
            self.totals[key] += getattr(result, key)
        when = datetime.now().strftime("%H:%M:%S")
        if tuple(result.problems) != self.problems:
            self.problems, self.problems_at = tuple(result.problems), when
            tip = self._about()
            if self.problems:
                tip += ("\n\n" + self.tr("Warnings since %1:").replace("%1", when) + "\n"
                        + "\n".join(f"• {p}" for p in self.problems))
            self.label.setToolTip(tip)
        text = self.tr("Engine running · checked %1").replace("%1", when)
        if self.totals["sent"] or self.totals["failed"]:
            text += " · " + fill(self.tr("%1 sent, %2 failed since start"), f"{self.totals['sent']:,}",
                                 f"{self.totals['failed']:,}")
        waiting = self.worker.waiting
        if waiting:
            text += " · " + (self.tr("1 message waiting to be tried again") if waiting == 1 else
                             self.tr("%1 messages waiting to be tried again").replace("%1", f"{waiting:,}"))
        if self.problems:
            warnings = (self.tr("1 warning since %1") if len(self.problems) == 1
                        else self.tr("%n warnings since %1", "", len(self.problems)))
            text += " · ⚠ " + warnings.replace("%1", self.problems_at)
        self._set(text)

    def _on_failed(self, message: str) -> None:
        self._set(self.tr("Engine stopped a pass: %1").replace("%1", message))
