"""Python's cyclic garbage collection on the UI thread only, while the app runs.

The interpreter starts a collection in whichever thread happens to allocate when a threshold is
crossed: an engine call of the Track windows, the live engine, the collector's request threads.
A collection frees every unreachable cycle, and a cycle may hold a Qt object: a window whose
lambdas refer back to it, a model, a timer. Freeing one deletes its C++ object there and then, on
a thread that does not own it, while the UI thread may be painting it or deleting its parent:
the process dies with a segmentation fault, seldom and at random.

While the app runs, :class:`MainThreadCollector` turns the automatic collector off and does its
work from a timer on the UI thread instead, a generation at a time by the same counts the
interpreter uses. Bulk work that pauses collection (:mod:`engine.gcpause`) is respected: nothing
is collected until the pause ends. Reference counting, which frees almost everything, is
untouched; only cycles wait, for at most :data:`INTERVAL_MS`.
"""

from __future__ import annotations

import gc

from engine import gcpause
from gui.qt import QtCore, QtWidgets

#: How often the UI thread looks whether a collection is due (milliseconds).
INTERVAL_MS = 500


class MainThreadCollector(QtCore.QObject):
    """Collects reference cycles on the thread that owns the Qt objects."""

    def __init__(self, parent: QtCore.QObject):
        super().__init__(parent)
        #: Collections made, by generation (for tests and diagnostics).
        self.collections = [0, 0, 0]
        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.check)
        gcpause.take_over()
        self._timer.start()

    def check(self) -> None:
        """Collect the generations whose counts passed their thresholds, oldest first."""
        if gcpause.active():
            return
        counts, thresholds = gc.get_count(), gc.get_threshold()  # the collector may raise the first
        for generation in (2, 1, 0):
            if counts[generation] > thresholds[generation]:
                gc.collect(generation)  # a generation's collection takes the younger ones too
                self.collections[generation] += 1
                return

    def stop(self) -> None:
        """Hand collection back to the interpreter (the app is closing)."""
        self._timer.stop()
        gcpause.take_over(False)


def install(app: QtWidgets.QApplication) -> MainThreadCollector:
    """The app's collector, made on first use."""
    collector = app.findChild(MainThreadCollector)
    if collector is None:
        collector = MainThreadCollector(app)
        app.aboutToQuit.connect(collector.stop)
    return collector
