"""What the headless ``profiles`` and ``segments`` commands share: opening the workspace, printing
lines and JSON, counting words."""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from typing import Any


def usage(parser: argparse.ArgumentParser) -> int:
    """Print a command group's help (it was given no action); exit code 2."""
    parser.print_help()
    return 2


def open_workspace(args: argparse.Namespace, *, write: bool, create: bool = False) -> Any:
    """The workspace the command names; read-only unless ``write``, so that reading works while the
    app or ``journey-studio run`` holds it. Made if there is none only with ``create`` (and
    ``write``): for a command that stores something of its own, as the imports and ``collect`` do;
    a command that reads, or changes what is there, stops at a missing workspace."""
    from engine.cli import workspace_location
    from engine.store.workspace import Workspace

    return Workspace.open(workspace_location(args), create=create and write, read_only=not write)


def out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


#: Answers that confirm a question of :func:`confirmed` (in any capitals).
CONFIRM_WORDS = ("y", "yes")


def confirmed(question: str, *, doing: str, verb: str, nothing: str, to_stderr: bool = False) -> bool:
    """Ask ``question`` ``[y/N]`` in a terminal; True for yes, else ``nothing`` is said ("nothing
    deleted"). Standard input that is not a terminal is not read: :class:`JourneyStudioError`
    saying that ``doing`` ("deleting customer …") needs confirmation, or ``--yes`` to ``verb``
    without asking. ``to_stderr``: the question goes to standard error (the answer is JSON)."""
    from engine.errors import JourneyStudioError

    if not sys.stdin.isatty():
        raise JourneyStudioError(f"{nothing}: {doing} needs confirmation in a terminal (an answer from a pipe is "
                                 f"not read); add --yes to {verb} without asking")
    ask = sys.stderr if to_stderr else sys.stdout
    ask.write(question + " [y/N] ")
    ask.flush()
    if sys.stdin.readline().strip().casefold() in CONFIRM_WORDS:
        return True
    ask.write(nothing + "\n")
    return False


def err(text: str) -> None:
    """A line on standard error, as the command line writes them (``journey-studio: …``)."""
    sys.stderr.write(f"journey-studio: {text}\n")


def as_json(data: Any) -> str:
    """``data`` as indented JSON, moments in ISO 8601."""
    return json.dumps(data, indent=2, ensure_ascii=False, default=_moment)


def _moment(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON data")


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 customer``, ``2 customers``, ``1,000 matches`` (``many``: the plural, if not word + s)."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal: two for wide characters (Chinese, Japanese, Korean),
    none for combining marks."""
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)


def pad(text: str, columns: int, *, right: bool = False) -> str:
    """``text`` filled with spaces to ``columns`` terminal columns (see :func:`width`)."""
    fill = " " * max(0, columns - width(text))
    return fill + text if right else text + fill


def cut(text: str, columns: int) -> str:
    """The start of ``text`` that fits in ``columns`` terminal columns (see :func:`width`)."""
    used = 0
    for index, ch in enumerate(text):
        used += 0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used > columns:
            return text[:index]
    return text
