"""Subcommands of ``journey-studio`` for this area; see :data:`engine.cli.COMMAND_MODULES`."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def add_commands(sub: argparse._SubParsersAction,
                 workspace_options: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add this area's subcommands to ``sub``."""
