"""The one place the GUI imports Qt from.

nodeeditor and qtpy pick PyQt5 first when it is installed; we pin the binding to PySide6 before
either is imported, so that every module of ``gui/`` talks to the same Qt.
"""

import os

os.environ.setdefault("QT_API", "pyside6")

from PySide6 import QtCore, QtGui, QtSvg, QtWidgets  # noqa: E402
from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot  # noqa: E402

tr = QCoreApplication.translate

__all__ = ["QtCore", "QtGui", "QtSvg", "QtWidgets", "QCoreApplication", "Qt", "Signal", "Slot", "tr"]
