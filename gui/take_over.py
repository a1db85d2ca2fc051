"""Opening a workspace that ``journey-studio collect`` (or ``journey-studio run``) holds: the app
offers to take it over instead of only saying it is in use.

Taking over asks that process to stop as Ctrl+C does (it stores and answers every request it has
read, then lets the workspace go), waits for the workspace, opens it, and has the app's own
collector listen where the command's did (:func:`engine.track.collect_commands.address_used`), so
websites and apps go on sending to the same address. The few seconds in between, SDKs queue
their events and send them again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from engine.errors import JourneyStudioError, WorkspaceLocked
from engine.track.collect_commands import HANDS_OVER, ask_to_stop
from gui.qt import Qt, QtWidgets, translate

#: How long the app waits for the command to store what it has read and stop (seconds).
WAIT_SECONDS = 60.0


def can_take_over(exc: WorkspaceLocked) -> bool:
    """Whether the holder is a command the app can stand in for, on this computer."""
    return exc.pid is not None and exc.holder in HANDS_OVER


def ask(exc: WorkspaceLocked) -> bool:
    """Whether the user wants the app to take the workspace over (replaced in tests)."""
    box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Question, translate("TakeOver", "Workspace in use"),
                                translate("TakeOver", "The workspace is in use by “%1” (process %2), which "
                                                      "receives events from your websites and apps.")
                                .replace("%1", exc.holder or "").replace("%2", str(exc.pid)))
    box.setInformativeText(translate("TakeOver", "Journey Studio can stop it and collect the events itself, at "
                                                 "the same address, for as long as the app is open. What it has "
                                                 "received is stored first; SDKs send again what arrives in "
                                                 "between."))
    take = box.addButton(translate("TakeOver", "Stop it and &collect here"), QtWidgets.QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QtWidgets.QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(take)
    box.exec()
    return box.clickedButton() is take


def take_over(exc: WorkspaceLocked, open_workspace: Callable[[], Any],
              show_error: Callable[[str, str], None], *, wait: float = WAIT_SECONDS) -> Any | None:
    """Ask the holder to stop and open the workspace once it has; None if the user declined, the
    holder could not be asked, or it did not stop in time (the error is shown)."""
    title = translate("TakeOver", "Cannot open the workspace")
    if not ask(exc):
        return None
    assert exc.pid is not None
    try:
        ask_to_stop(exc.pid)
    except JourneyStudioError as error:
        show_error(title, str(error))
        return None
    progress = QtWidgets.QProgressDialog(
        translate("TakeOver", "Waiting for “%1” to store what it received and stop…").replace("%1", exc.holder or ""),
        translate("TakeOver", "Cancel"), 0, 0)
    progress.setWindowTitle(translate("TakeOver", "Taking over the workspace"))
    progress.setWindowModality(Qt.WindowModality.ApplicationModal)
    progress.setMinimumDuration(0)
    progress.show()
    deadline = time.monotonic() + wait
    try:
        while time.monotonic() < deadline and not progress.wasCanceled():
            QtWidgets.QApplication.processEvents()
            try:
                return open_workspace()
            except WorkspaceLocked:
                time.sleep(0.1)
    finally:
        progress.close()
    if not progress.wasCanceled():
        show_error(title, translate("TakeOver", "“%1” (process %2) did not stop within %3 seconds; stop it where it "
                                                "runs (Ctrl+C), then open the workspace again.")
                   .replace("%1", exc.holder or "").replace("%2", str(exc.pid)).replace("%3", str(int(wait))))
    return None
