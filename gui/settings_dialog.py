"""The journey settings dialog: name, description, time zone, quiet hours, caps, goals, re-entry.

The settings form is generated from ``engine.document.Settings`` by the same field→widget table as
the inspector, so a new setting needs no GUI code.
"""

from __future__ import annotations

from pydantic import ValidationError

from engine.document import Journey, Settings
from gui.forms import ConfigForm
from gui.qt import QtWidgets


class JourneySettingsDialog(QtWidgets.QDialog):
    def __init__(self, journey: Journey, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Journey settings"))
        self.resize(460, 640)
        layout = QtWidgets.QVBoxLayout(self)
        top = QtWidgets.QFormLayout()
        top.setRowWrapPolicy(QtWidgets.QFormLayout.RowWrapPolicy.WrapAllRows)
        self.name = QtWidgets.QLineEdit(journey.name, self)
        self.description = QtWidgets.QPlainTextEdit(journey.description, self)
        self.description.setFixedHeight(64)
        top.addRow(self.tr("Name"), self.name)
        top.addRow(self.tr("Description"), self.description)
        layout.addLayout(top)
        self.form = ConfigForm(Settings, journey.settings.model_dump(mode="json"), self)
        scroll = QtWidgets.QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        scroll.setWidget(self.form)
        layout.addWidget(scroll, 1)
        self.error = QtWidgets.QLabel("", self)
        self.error.setStyleSheet("color: #C62828;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok | QtWidgets.QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.form.edited.connect(lambda *_: self._check())

    def _check(self) -> Settings | None:
        try:
            settings = Settings.model_validate(self.form.value())
        except ValidationError as exc:
            errors = [(".".join(str(p) for p in e["loc"]), e["msg"]) for e in exc.errors(include_url=False)]
            self.form.set_errors(errors)
            self.error.setText(self.tr("Fix the highlighted settings first."))
            return None
        self.form.set_errors([])
        self.error.setText("")
        return settings

    def accept(self) -> None:
        if not self.name.text().strip():
            self.error.setText(self.tr("A journey needs a name."))
            return
        if self._check() is None:
            return
        super().accept()

    def values(self) -> dict:
        """The edited fields, ready for ``EditJourney``."""
        return {"name": self.name.text().strip(), "description": self.description.toPlainText(),
                "settings": Settings.model_validate(self.form.value())}
