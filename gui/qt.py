"""The one place the GUI imports Qt from.

nodeeditor probes PyQt5, PySide2 and PyQt6 before PySide6 and picks the first it finds, and qtpy
follows ``QT_API``. A machine with PyQt5 installed would otherwise give us two Qt bindings in one
process and nodeeditor code paths written for the wrong one, so the binding is pinned to PySide6
here, before either library is imported.
"""

import os
import re
import sys

os.environ["QT_API"] = "pyside6"
for _other in ("PyQt5", "PySide2", "PyQt6"):
    # A None entry makes ``import PyQt5`` fail fast inside this process only.
    sys.modules.setdefault(_other, None)

import nodeeditor  # noqa: E402
from PySide6 import QtCore, QtGui, QtSvg, QtWidgets  # noqa: E402
from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot  # noqa: E402

if nodeeditor._QT_API_NAME != "pyside6":  # pragma: no cover - only with a foreign binding preloaded
    raise ImportError(f"nodeeditor bound to {nodeeditor._QT_API_NAME}, expected PySide6")

#: ``translate(context, text)`` for code outside a QObject method. lupdate recognises this name and
#: ``QCoreApplication.translate``, but reads a bare ``tr(context, text)`` as ``tr(text, comment)``:
#: literals marked that way land in the .ts file under the wrong context and are never translated.
translate = QCoreApplication.translate
#: Same function; only for call sites whose text is not a literal (lupdate cannot see those anyway).
tr = QCoreApplication.translate

_PLACEHOLDER = re.compile(r"%([1-9])")


def fill(text: str, *values: object) -> str:
    """``text`` with ``%1``, ``%2``… replaced by ``values`` in one pass, as ``QString.arg`` does: a
    value that itself holds ``%2`` (a path, a name) stays as written. Placeholders without a value
    are left as they are."""
    def put(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        return str(values[index]) if index < len(values) else match.group(0)

    return _PLACEHOLDER.sub(put, text)


__all__ = ["QtCore", "QtGui", "QtSvg", "QtWidgets", "QCoreApplication", "Qt", "Signal", "Slot", "fill", "tr",
           "translate"]


def short_date_time(moment: QtCore.QDateTime) -> str:
    """A date and time for a table cell in the app's language: ``5 May 2024 20:01``, and in
    Chinese, Japanese or Korean ``2024年5月5日 20:01`` (the day-month-year pattern reads as
    ``5 5月 2024`` there)."""
    locale = QtCore.QLocale()
    east = locale.language() in (QtCore.QLocale.Language.Chinese, QtCore.QLocale.Language.Japanese)
    if locale.language() == QtCore.QLocale.Language.Korean:
        return locale.toString(moment, "yyyy년 M월 d일 HH:mm")
    return locale.toString(moment, "yyyy年M月d日 HH:mm" if east else "d MMM yyyy HH:mm")


def key_sequences(*keys: QtGui.QKeySequence | QtGui.QKeySequence.StandardKey) -> list[QtGui.QKeySequence]:
    """The shortcuts of an action, each once: a standard key stands for every binding the platform
    gives it (``QKeySequence(StandardKey)`` keeps only the first, which an explicit alternative such
    as Ctrl+Y may repeat: Qt then calls the key ambiguous and neither binding works)."""
    found: list[QtGui.QKeySequence] = []
    for key in keys:
        for sequence in (QtGui.QKeySequence.keyBindings(key) if isinstance(key, QtGui.QKeySequence.StandardKey)
                         else [QtGui.QKeySequence(key)]):
            if not sequence.isEmpty() and sequence not in found:
                found.append(sequence)
    return found
