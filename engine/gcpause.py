"""Settings of the interpreter for bulk work: no cyclic garbage collection, quick thread switches.

Bulk work (the runner taking thousands of runs through their nodes, an import) makes millions of
short-lived containers; each 700 of them start a collection, and the older generations walk every
live object of the process (all of the app's, in the GUI). The runner measured a fifth of its time
there. What that work makes is freed by reference counting; the rare reference cycle (an exception
kept with its traceback) waits for the next collection after the pause.

Pauses nest and may overlap between threads: the collector runs again when the last one ends (and
only if it ran before the first began, and nobody has taken collection over since).

A program may take collection over (:func:`take_over`): the desktop app collects on its UI thread
only, as a collection frees Qt objects where it runs. The automatic collector then stays off, and
the program asks :func:`active` before collecting.
"""

from __future__ import annotations

import functools
import gc
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])

_lock = threading.Lock()
_depth = 0
_was_enabled = False
_taken_over = False


def active() -> bool:
    """Whether a pause is under way in any thread."""
    return _depth > 0


def take_over(taken: bool = True) -> None:
    """Turn the automatic collector off for good (``taken``), or hand it back: it runs again at
    once, or when the pause under way ends."""
    global _taken_over, _was_enabled
    with _lock:
        _taken_over = taken
        if taken:
            gc.disable()
            _was_enabled = False
        elif _depth == 0:
            gc.enable()
        else:
            _was_enabled = True


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside the block."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled and not _taken_over:
                gc.enable()


def pausing(function: _F) -> _F:
    """``function`` with the collector paused, and quick switching between threads, while it runs."""
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with paused(), quick_switching():
            return function(*args, **kwargs)
    return wrapper  # type: ignore[return-value]


#: The interpreter's switch interval while bulk work writes on a second thread (seconds).
QUICK_SWITCH_S = 0.0005
_switch_depth = 0
_switch_before = 0.0


@contextmanager
def quick_switching() -> Iterator[None]:
    """Threads take turns with the GIL every :data:`QUICK_SWITCH_S` inside the block (when the
    interval was longer). A thread that finished a statement in SQLite without the GIL waits up to
    the interval to get it back while another runs Python: with the default 5 ms, the runner's
    writer thread spent a third of its time waiting so."""
    global _switch_depth, _switch_before
    with _lock:
        if _switch_depth == 0:
            _switch_before = sys.getswitchinterval()
            if _switch_before > QUICK_SWITCH_S:
                sys.setswitchinterval(QUICK_SWITCH_S)
        _switch_depth += 1
    try:
        yield
    finally:
        with _lock:
            _switch_depth -= 1
            # Put back only what this set: something else (the collector) may have set its own since.
            if _switch_depth == 0 and _switch_before > QUICK_SWITCH_S and \
                    abs(sys.getswitchinterval() - QUICK_SWITCH_S) < 1e-6:
                sys.setswitchinterval(_switch_before)
