"""Small questions the tool windows ask, in one place so they read the same everywhere."""

from __future__ import annotations

from gui.qt import QtCore, QtWidgets


def ask_save_discard_cancel(parent: QtWidgets.QWidget, name: str) -> str:
    """``"save"``, ``"discard"`` or ``"cancel"`` for unsaved edits of ``name``."""
    buttons = QtWidgets.QMessageBox.StandardButton
    title = QtCore.QCoreApplication.translate("Dialogs", "Unsaved changes")
    question = QtCore.QCoreApplication.translate("Dialogs", "Save the changes to %1?").replace("%1", name)
    answer = QtWidgets.QMessageBox.question(parent, title, question, buttons.Save | buttons.Discard | buttons.Cancel,
                                            buttons.Save)
    if answer == buttons.Save:
        return "save"
    if answer == buttons.Discard:
        return "discard"
    return "cancel"
