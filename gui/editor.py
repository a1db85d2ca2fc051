"""The editing session of one journey: document, undo stack and live validation.

Engine commands (``engine.commands``) do the work; this module wraps them in ``QUndoCommand``
adapters so that Qt's undo stack, menus and shortcuts drive them, and re-validates the journey a
moment after each change so the canvas badges and the validation panel stay current.
"""

from __future__ import annotations

from engine.commands import Command, JourneyDocument
from engine.document import Journey
from engine.errors import JourneyStudioError
from engine.spec import Registry
from engine.validate import Issue, validate
from gui.qt import QtCore, QtGui, Signal

_MERGE_ID = 0x4A53  # any constant: Qt merges only commands that report the same id


class UndoAdapter(QtGui.QUndoCommand):
    """Carries one engine command on Qt's undo stack."""

    def __init__(self, doc: JourneyDocument, command: Command, already_done: bool):
        super().__init__(command.label)
        self.doc = doc
        self.command = command
        self._skip_redo = already_done
        #: Set when the edit is complete (a choice picked from a list): the next edit of the same
        #: field is an undo step of its own.
        self.sealed = False

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        self.command.do(self.doc)

    def undo(self) -> None:
        self.command.undo(self.doc)

    def id(self) -> int:
        return _MERGE_ID if self.command.merge_key is not None else -1

    def mergeWith(self, other: QtGui.QUndoCommand) -> bool:  # noqa: N802 - Qt override
        if self.sealed:
            return False
        if isinstance(other, UndoAdapter) and self.command.merge(other.command):
            return True
        return False


class Editor(QtCore.QObject):
    """One open journey. The canvas, inspector and panels all go through ``execute``."""

    #: A command failed; the message is for the user (status bar / message box).
    failed = Signal(str)
    #: Validation results after the latest change.
    issuesChanged = Signal(list)
    #: The document changed (any change).
    changed = Signal()

    def __init__(self, journey: Journey, registry: Registry, parent: QtCore.QObject | None = None):
        super().__init__(parent)
        self.registry = registry
        self.doc = JourneyDocument(journey, registry)
        self.undo_stack = QtGui.QUndoStack(self)
        self.undo_stack.setUndoLimit(500)
        self.issues: list[Issue] = []
        self._validate_timer = QtCore.QTimer(self)
        self._validate_timer.setSingleShot(True)
        self._validate_timer.setInterval(120)
        self._validate_timer.timeout.connect(self.revalidate)
        self.doc.subscribe(self._on_change)
        self.revalidate()

    @property
    def journey(self) -> Journey:
        return self.doc.journey

    def execute(self, command: Command) -> bool:
        """Do ``command`` and put it on the undo stack; on a domain error report it and change nothing."""
        try:
            command.do(self.doc)
        except JourneyStudioError as exc:
            self.failed.emit(exc.message if hasattr(exc, "message") else str(exc))
            return False
        self.undo_stack.push(UndoAdapter(self.doc, command, already_done=True))
        return True

    def seal(self) -> None:
        """End the undo step of the last edit: the next one does not merge into it."""
        index = self.undo_stack.index()
        top = self.undo_stack.command(index - 1) if index > 0 else None
        if isinstance(top, UndoAdapter):
            top.sealed = True

    def _on_change(self, change) -> None:
        self.changed.emit()
        self._validate_timer.start()

    def revalidate(self) -> list[Issue]:
        self._validate_timer.stop()
        self.issues = validate(self.doc.journey, self.registry)
        self.issuesChanged.emit(self.issues)
        return self.issues

    def issues_for(self, node_id: str) -> list[Issue]:
        return [i for i in self.issues if i.node_id == node_id]

    def close(self) -> None:
        self.doc.unsubscribe(self._on_change)
        self._validate_timer.stop()
