"""What this process says it is when it holds a workspace (the lock file and PostgreSQL's
``application_name`` carry it), so that a writer turned away can be told: ``journey-studio collect``
while the command line runs that command, else the app. Standard library only: the command line
sets it before it knows whether its command opens a workspace at all."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

#: What a process records unless told otherwise (:func:`holding_as`): the app is the one program
#: besides the command line that opens a workspace for writing.
APP = "app"

_holder = APP


def describe_this_process() -> str:
    """What this process records as the holder: ``journey-studio <command>`` while the command line
    runs a command (see :func:`holding_as`), else :data:`APP`."""
    return _holder


@contextmanager
def holding_as(description: str) -> Iterator[None]:
    """Record ``description`` as the holder of the workspaces this process locks meanwhile."""
    global _holder
    previous, _holder = _holder, description
    try:
        yield
    finally:
        _holder = previous
