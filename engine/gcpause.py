"""Pausing Python's cyclic garbage collector around bulk work.

Bulk work (the runner taking thousands of runs through their nodes, an import) makes millions of
short-lived containers; each 700 of them start a collection, and the older generations walk every
live object of the process (all of the app's, in the GUI). The runner measured a fifth of its time
there. What that work makes is freed by reference counting; the rare reference cycle (an exception
kept with its traceback) waits for the next collection after the pause.

Pauses nest and may overlap between threads: the collector runs again when the last one ends (and
only if it ran before the first began).
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])

_lock = threading.Lock()
_depth = 0
_was_enabled = False


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
            if _depth == 0 and _was_enabled:
                gc.enable()


def pausing(function: _F) -> _F:
    """``function`` with the collector paused while it runs."""
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with paused():
            return function(*args, **kwargs)
    return wrapper  # type: ignore[return-value]
