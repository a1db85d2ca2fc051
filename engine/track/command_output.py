"""What the headless ``profiles`` and ``segments`` commands share: opening the workspace, printing
lines and JSON, counting words."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def usage(parser: argparse.ArgumentParser) -> int:
    """Print a command group's help (it was given no action); exit code 2."""
    parser.print_help()
    return 2


def open_workspace(args: argparse.Namespace, *, write: bool) -> Any:
    """The workspace the command names (never created here); read-only unless ``write``, so that
    reading works while the app or ``journey-studio run`` holds it."""
    from engine.cli import workspace_location
    from engine.store.workspace import Workspace

    return Workspace.open(workspace_location(args), create=False, read_only=not write)


def out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


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
