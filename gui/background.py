"""Engine calls off the UI thread for the Track windows (profiles, segments, tracking plan).

A search over a hundred thousand customers or a live segment count takes about a second; the
window must keep painting meanwhile. :class:`Background` runs plain callables one after another
on a private thread and hands each result back on the UI thread. Calls share a *key* when only the
newest one matters (a search typed letter by letter, the live count of rules being edited): a call
whose key has been used again since is skipped before it starts, and its result is dropped if it
finished anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.errors import JourneyStudioError
from gui.qt import QtCore, Signal


class _Relay(QtCore.QObject):
    """Carries results from the worker thread to the UI thread (queued, as it lives on the latter)."""

    done = Signal(int, object)
    failed = Signal(int, str)
    skipped = Signal(int)


class _Job(QtCore.QRunnable):
    def __init__(self, relay: _Relay, token: int, call: Callable[[], Any], current: Callable[[], bool]):
        super().__init__()
        self.setAutoDelete(True)
        self._relay, self._token, self._call, self._current = relay, token, call, current

    def run(self) -> None:
        try:
            if not self._current():
                self._relay.skipped.emit(self._token)
                return
            try:
                result = self._call()
            except JourneyStudioError as exc:
                self._relay.failed.emit(self._token, str(exc))
            except Exception as exc:  # the window must hear of every failure rather than wait forever
                self._relay.failed.emit(self._token, f"{type(exc).__name__}: {exc}")
            else:
                self._relay.done.emit(self._token, result)
        except RuntimeError:
            pass  # the window went away while the call ran; nobody is left to tell


class Background(QtCore.QObject):
    """Runs callables on one worker thread, in order, and calls back on the UI thread."""

    #: Emitted when the last outstanding call has been answered.
    idle = Signal()

    def __init__(self, parent: QtCore.QObject | None = None):
        super().__init__(parent)
        self._pool = QtCore.QThreadPool(self)
        # One thread: the workspace serialises writes anyway, and reads in order keep a page
        # from overtaking the search it belongs to.
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.done.connect(self._on_done)
        self._relay.failed.connect(self._on_failed)
        self._relay.skipped.connect(self._on_skipped)
        self._next = 0
        self._latest: dict[str, int] = {}
        self._pending: dict[int, tuple[str | None, Callable[[Any], None], Callable[[str], None] | None]] = {}
        self._closed = False

    @property
    def busy(self) -> bool:
        """Whether any call is still unanswered."""
        return bool(self._pending)

    def is_running(self, key: str) -> bool:
        """Whether the newest call of ``key`` is still unanswered."""
        token = self._latest.get(key)
        return token is not None and token in self._pending

    def submit(self, call: Callable[[], Any], on_done: Callable[[Any], None],
               on_error: Callable[[str], None] | None = None, *, key: str | None = None) -> int:
        """Run ``call()`` on the worker thread; ``on_done(result)`` or ``on_error(message)`` follows on
        the UI thread. With ``key``, an earlier call of the same key is cancelled or ignored."""
        if self._closed:
            return -1
        self._next += 1
        token = self._next
        if key is not None:
            self._latest[key] = token
        self._pending[token] = (key, on_done, on_error)
        self._pool.start(_Job(self._relay, token, call, lambda: self._is_current(key, token)))
        return token

    def cancel(self, key: str) -> None:
        """Forget the outstanding call of ``key``: it is skipped if it has not started, and its
        result is ignored if it has."""
        self._latest[key] = -1

    def shutdown(self, timeout_ms: int = 30_000) -> None:
        """Accept no more calls and wait for those submitted. Keyed calls (reads whose newest
        answer is all that matters) are skipped if they have not started; the others (saves,
        erasures, exports) are carried out, though nobody hears of their result any more."""
        self._closed = True
        for key in list(self._latest):
            self._latest[key] = -1
        self._pool.waitForDone(timeout_ms)
        self._pending.clear()

    def _is_current(self, key: str | None, token: int) -> bool:
        return key is None or self._latest.get(key) == token

    def _answer(self, token: int, answer: Callable[[tuple], None]) -> None:
        entry = self._pending.pop(token, None)
        try:
            if entry is not None and self._is_current(entry[0], token):
                answer(entry)
        finally:
            if not self._pending:
                self.idle.emit()

    def _on_done(self, token: int, result: object) -> None:
        self._answer(token, lambda entry: entry[1](result))

    def _on_failed(self, token: int, message: str) -> None:
        self._answer(token, lambda entry: entry[2](message) if entry[2] is not None else None)

    def _on_skipped(self, token: int) -> None:
        self._answer(token, lambda entry: None)
