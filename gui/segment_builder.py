"""The segment builder: saved segments, and an editor of their rules with a live count.

A tool window. The left side lists the workspace's segments with how many customers match each
now; the right side edits one: name, description, and a tree of AND/OR groups holding condition
rows (an attribute comparison, a tag, consent for a channel kind, or "did / did not do an event at
least N times in the last D days" with property filters). The rules are the JSON tree of
:mod:`engine.track.segments`; the editor only builds that tree, and the engine checks and compiles
it. A check that fails names a path (``conditions[1].filters[0].value``); the builder marks that
row and says what is wrong under the tree.

As the rules change, the count and a sample of matching customers are recomputed on a worker
thread (:mod:`gui.background`) after a short pause, so typing never waits for the database.

Names are matched exactly (tags in any case), so a typo silently finds no one: the name, tag and
value fields complete (ignoring capitals, anywhere in the name) from what the workspace holds
(:func:`engine.track.segments.known_names`, read when the window opens), and after each count a row
naming an event never received or an attribute no customer has says so under it, with the closest
known name (:func:`~engine.track.segments.missing_names`, :func:`~engine.track.segments.closest_name`);
so does an event filter naming a property no event of that name has
(:func:`~engine.track.segments.missing_properties`). A comparison such as "is at least" takes a
number or a date, and the engine refuses other text (``abc``, ``1.000,5``, ``01/01/2025``) with the
way to write it, which the builder shows under the rules with the row marked.
Edits of the rules can be undone and redone (Ctrl+Z; Ctrl+Shift+Z or Ctrl+Y; the buttons under the
rules): adding or removing a condition, filter or group, AND/OR, and each change of a field, where
typing in one field is one step. A step keeps the whole rules before and after it (they are
small), so undoing rebuilds the rows from the rules of the time.
Saving or deleting a segment that journeys use asks first, naming the journeys
(:func:`engine.track.tracking_plan.segment_references`). Questions go through overridable methods
(``_confirm``, ``_ask_unsaved``, ``_error``) so tests never meet a modal dialog.
"""

from __future__ import annotations

import math
import re
import threading
from pathlib import Path
from typing import Any

from engine.channels.kinds import CHANNEL_KINDS
from engine.errors import JourneyStudioError, SegmentInvalid
from engine.track import tracking_plan
from engine.track.member_export import ExportResult, export_format, member_summaries, write_members
from engine.track.segments import (
    EVERYONE,
    MAX_DEPTH,
    MAX_NAME,
    ORDERING,
    KnownNames,
    SegmentInfo,
    SegmentStore,
    closest_name,
    fold,
    known_names,
    missing_names,
    missing_properties,
    parse_rules,
    rules_json,
)
from gui.background import Background
from gui.dialogs import ask_save_discard_cancel
from gui.profiles_window import channel_label, secondary_identifier, value_text
from gui.qt import Qt, QtCore, QtGui, QtWidgets, Signal, fill, key_sequences, translate

#: The rules stop changing for this long before the count is recomputed.
COUNT_DELAY_MS = 350
#: Customers shown as a sample of the segment.
SAMPLE_SIZE = 25

_ID_ROLE = Qt.ItemDataRole.UserRole + 1

_STYLE = """
QFrame#ruleGroup { background: palette(base); border: 1px solid #C9D1DB; border-left: 3px solid #1E88E5;
                   border-radius: 6px; }
QFrame#ruleGroup[nested="true"] { background: #F7F9FB; border-left-color: #7E57C2; }
QFrame#ruleRow { background: transparent; border: 1px solid transparent; border-radius: 4px; }
QFrame#ruleRow[error="true"] { border: 1px solid #C62828; background: #FFEBEE; }
QLineEdit[error="true"] { border: 1px solid #C62828; }
QLabel#ruleJoin { color: palette(placeholder-text); font-weight: 600; }
QLabel#liveCount { font-size: 13pt; font-weight: 600; }
QLabel#muted, QLabel#emptyRules { color: palette(placeholder-text); }
QLabel#ruleError { color: #C62828; }
QLabel#ruleHint { color: #8D6E00; }
QLabel#sectionTitle { font-weight: 600; }
QListWidget#segmentSample::item { padding: 4px 2px; border-bottom: 1px solid #E3E8EE; }
QPushButton:disabled, QToolButton:disabled { color: palette(placeholder-text); }
"""


def operator_labels() -> dict[str, str]:
    """How each comparison operator reads, in menu order."""
    return {
        "eq": translate("SegmentBuilder", "is"),
        "ne": translate("SegmentBuilder", "is not"),
        "contains": translate("SegmentBuilder", "contains"),
        "starts_with": translate("SegmentBuilder", "starts with"),
        "gt": translate("SegmentBuilder", "is more than"),
        "gte": translate("SegmentBuilder", "is at least"),
        "lt": translate("SegmentBuilder", "is less than"),
        "lte": translate("SegmentBuilder", "is at most"),
        "in": translate("SegmentBuilder", "is one of"),
        "exists": translate("SegmentBuilder", "is set"),
        "not_exists": translate("SegmentBuilder", "is not set"),
    }


def date_operator_labels() -> dict[str, str]:
    """How the ordering operators read when the value is a date (year-month-day)."""
    return {
        "gt": translate("SegmentBuilder", "is after"),
        "gte": translate("SegmentBuilder", "is on or after"),
        "lt": translate("SegmentBuilder", "is before"),
        "lte": translate("SegmentBuilder", "is on or before"),
    }


#: A value that is a date written year-month-day (what ordering rules compare in time order).
_DATE_VALUE = re.compile(r"\s*\d{4}-\d{1,2}-\d{1,2}(?:[ T].*)?\s*")


def operator_help() -> dict[str, str]:
    """What each comparison operator does, for the operator menu's tooltips."""
    exact = translate("SegmentBuilder", "Text must match exactly, capital letters included (“Lyon” is not “lyon”): "
                                        "use “contains” to ignore capitals.")
    ordering = translate("SegmentBuilder", "Compares with a number (12.5, or 12,5) or a date written year-month-day "
                                           "(2025-03-01), in time order; other text is refused.")
    return {
        "eq": translate("SegmentBuilder", "The same value. Numbers compare as numbers (5 is 5.0, 12,5 is 12.5), "
                                          "true/false as yes/no, and a date written year-month-day (2025-03-01) "
                                          "matches any time of that day.") + " " + exact,
        "ne": translate("SegmentBuilder", "Anything but that value, customers without it included.") + " " + exact,
        "contains": translate("SegmentBuilder", "Text holding these letters, ignoring capitals; or a list holding "
                                                "this value."),
        "starts_with": translate("SegmentBuilder", "Text beginning with these letters, ignoring capitals."),
        "gt": ordering,
        "gte": ordering,
        "lt": ordering,
        "lte": ordering,
        "in": translate("SegmentBuilder", "Any of the values, separated by commas; each as with “is”.") + " " + exact,
        "exists": translate("SegmentBuilder", "The customer has this attribute, whatever its value."),
        "not_exists": translate("SegmentBuilder", "The customer lacks this attribute (or it holds nothing)."),
    }


def kind_labels() -> dict[str, str]:
    return {
        "attribute": translate("SegmentBuilder", "Attribute"),
        "tag": translate("SegmentBuilder", "Tag"),
        "consent": translate("SegmentBuilder", "Consent"),
        "event": translate("SegmentBuilder", "Event"),
    }


def field_label(name: str) -> str:
    return {
        "attribute": translate("SegmentBuilder", "the attribute name"),
        "property": translate("SegmentBuilder", "the property name"),
        "event": translate("SegmentBuilder", "the event name"),
        "tag": translate("SegmentBuilder", "the tag"),
        "channel_kind": translate("SegmentBuilder", "the channel kind"),
        "value": translate("SegmentBuilder", "the value"),
        "min_count": translate("SegmentBuilder", "the number of times"),
        "within_days": translate("SegmentBuilder", "the number of days"),
    }.get(name, name)


def friendly(message: str, field: str) -> str:
    """The engine's reason in words a marketer reads without knowing the rule format."""
    if "at least 1 character" in message:
        return translate("SegmentBuilder", "%1 is empty").replace("%1", field_label(field))
    # A reason that quotes the rule ("“Total Spent is at least abc” cannot be checked…") names its field.
    if field and field not in message and field in ("min_count", "within_days", "value") \
            and not message.startswith("“"):
        return f"{field_label(field)}: {message}"
    return message


def sentence(text: str) -> str:
    """``text`` as a sentence: a capital first letter and a full stop (engine reasons are clauses)."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?…" else text + "."


_STEP = re.compile(r"(conditions|filters)\[(\d+)\]")
#: Where the conditions (or filters) of a JSON form are among the rows they came from: per list,
#: each item's row number and the places below it (see :func:`row_path`).
Places = dict[str, list[tuple[int, "Places"]]]


def row_path(path: str, places: Places) -> str:
    """A path into rules made with some rows left out (``conditions[0].filters[1].value``), as a
    path into the rows as shown."""
    parts: list[str] = []
    at = 0
    level: Places | None = places
    for match in _STEP.finditer(path):
        steps = level.get(match.group(1)) if level is not None else None
        index = int(match.group(2))
        if steps is None or index >= len(steps):
            break
        original, level = steps[index]
        parts.append(f"{path[at:match.start()]}{match.group(1)}[{original}]")
        at = match.end()
    return "".join(parts) + path[at:]


def _mark(widget: QtWidgets.QWidget, error: bool, tip: str = "") -> None:
    if bool(widget.property("error")) == error:
        if error:
            widget.setToolTip(tip)
        return
    widget.setProperty("error", error)
    widget.setToolTip(tip)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class _Combo(QtWidgets.QComboBox):
    """A drop-down that ignores the wheel unless focused, so scrolling the rules never edits them."""

    def __init__(self, choices: dict[str, str], parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToContents)
        for key, label in choices.items():
            self.addItem(label, key)

    def wheelEvent(self, event: QtGui.QWheelEvent) -> None:  # noqa: N802
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()

    def key(self) -> Any:
        return self.currentData()

    def set_key(self, key: Any) -> None:
        index = self.findData(key)
        if index < 0 and self.isEditable() and isinstance(key, str):
            self.setEditText(key)
            return
        self.setCurrentIndex(max(0, index))


class _Spin(QtWidgets.QSpinBox):
    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def wheelEvent(self, event: QtGui.QWheelEvent) -> None:  # noqa: N802
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class Vocabulary(QtCore.QObject):
    """The workspace's names for completion, shared by every row of one rule editor."""

    changed = Signal()

    def __init__(self, parent: QtCore.QObject | None = None):
        super().__init__(parent)
        self.known = KnownNames([], [], [], [], {})
        self.models = {what: QtCore.QStringListModel(self) for what in ("event", "property", "attribute", "tag")}

    def set_known(self, known: KnownNames) -> None:
        self.known = known
        for what, names in (("event", known.events), ("property", known.properties),
                            ("attribute", known.attributes), ("tag", known.tags)):
            self.models[what].setStringList(names)
        self.changed.emit()

    def values(self, attribute: str) -> list[str]:
        """Known values of an attribute (of the one spelt alike but for capitals, if none)."""
        values = self.known.values
        if attribute in values:
            return values[attribute]
        return next((v for k, v in values.items() if fold(k) == fold(attribute)), [])


def _vocabulary(widget: QtWidgets.QWidget | None) -> Vocabulary | None:
    """The vocabulary of the rule editor ``widget`` is in (rows are made inside it)."""
    while widget is not None and not isinstance(widget, RuleEditor):
        widget = widget.parentWidget()
    return widget.vocabulary if widget is not None else None


def _complete(edit: QtWidgets.QLineEdit, model: QtCore.QAbstractItemModel) -> QtWidgets.QCompleter:
    """Offer ``model``'s names in ``edit``: ignoring capitals, matching anywhere in the name."""
    completer = QtWidgets.QCompleter(model, edit)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCompletionMode(QtWidgets.QCompleter.CompletionMode.PopupCompletion)
    completer.setMaxVisibleItems(12)
    edit.setCompleter(completer)
    return completer


class Comparison(QtWidgets.QWidget):
    """``name operator value``: an attribute condition's or a property filter's editor."""

    changed = Signal()

    def __init__(self, name_key: str, placeholder: str, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.name_key = name_key
        self.name = QtWidgets.QLineEdit(self)
        self.name.setPlaceholderText(placeholder)
        self.name.setMinimumWidth(90)
        self.operator = _Combo(operator_labels(), self)
        helps = operator_help()
        for index in range(self.operator.count()):
            self.operator.setItemData(index, helps.get(self.operator.itemData(index), ""),
                                      Qt.ItemDataRole.ToolTipRole)
        self.operator.setToolTip(helps.get(self.operator.key(), ""))
        self.operator.currentIndexChanged.connect(
            lambda _index: self.operator.setToolTip(operator_help().get(self.operator.key(), "")))
        self.value = QtWidgets.QLineEdit(self)
        self.value.setMinimumWidth(90)
        # What a loaded value read as, so that an untouched number or true/false is saved as it was.
        self._original: tuple[str, Any] | None = None
        row = QtWidgets.QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(self.name, 2)
        row.addWidget(self.operator)
        row.addWidget(self.value, 3)
        self.name.textChanged.connect(self.changed)
        self.value.textChanged.connect(self.changed)
        self.value.textChanged.connect(self._word_for_dates)
        self.operator.currentIndexChanged.connect(self._on_operator)
        self._on_operator()
        self._values: QtCore.QStringListModel | None = None
        self.vocabulary = _vocabulary(parent)
        if self.vocabulary is not None:
            _complete(self.name, self.vocabulary.models[name_key])
            if name_key == "attribute":
                # Values only for attributes: a customer sample has them; event properties are not read.
                self._values = QtCore.QStringListModel(self)
                _complete(self.value, self._values)
                self.name.textChanged.connect(self._fill_values)
                self.vocabulary.changed.connect(self._fill_values)

    def _word_for_dates(self, text: str) -> None:
        """With a date as the value, the ordering operators read "is before", "is after"."""
        labels = {**operator_labels(), **(date_operator_labels() if _DATE_VALUE.fullmatch(text) else {})}
        for index in range(self.operator.count()):
            label = labels.get(self.operator.itemData(index))
            if label is not None and self.operator.itemText(index) != label:
                self.operator.setItemText(index, label)

    def _fill_values(self, *_args) -> None:
        if self._values is not None and self.vocabulary is not None:
            self._values.setStringList(self.vocabulary.values(self.name.text().strip()))

    def _on_operator(self, *_args) -> None:
        op = self.operator.key()
        self.value.setVisible(op not in ("exists", "not_exists"))
        if op == "in":
            placeholder = self.tr("values, separated by commas")
        elif op in ORDERING:
            placeholder = self.tr("a number, or a date like 2025-01-01")
        else:
            placeholder = self.tr("value")
        self.value.setPlaceholderText(placeholder)
        self.changed.emit()

    def to_json(self) -> dict[str, Any]:
        op = self.operator.key()
        data: dict[str, Any] = {self.name_key: self.name.text().strip(), "operator": op}
        if op in ("exists", "not_exists"):
            return data
        text = self.value.text()
        if self._original is not None and self._original[0] == text:
            value = self._original[1]
            if (op == "in") == isinstance(value, list):
                data["value"] = value
                return data
        if op == "in":
            data["value"] = [part.strip() for part in text.split(",") if part.strip()]
        else:
            # Text always: the engine compares numeric text as a number and "true" as true.
            data["value"] = text
        return data

    def load(self, data: dict[str, Any]) -> None:
        self.name.setText(str(data.get(self.name_key, "")))
        self.operator.set_key(data.get("operator", "eq"))
        value = data.get("value")
        if value is None:
            self.value.clear()
            self._original = None
            return
        text = ", ".join(value_text(v) for v in value) if isinstance(value, list) else value_text(value)
        self.value.setText(text)
        self._original = (text, value)

    def field_widget(self, field: str) -> QtWidgets.QWidget | None:
        return {self.name_key: self.name, "value": self.value}.get(field)

    def is_blank(self) -> bool:
        """Nothing typed yet: neither a name nor a value."""
        return not self.name.text().strip() and not self.value.text().strip()


class _FilterRow(QtWidgets.QWidget):
    """``where property operator value`` under an event condition."""

    changed = Signal()
    removeRequested = Signal(object)

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        caption = QtWidgets.QLabel(self.tr("where"), self)
        caption.setObjectName("ruleJoin")
        caption.setMinimumWidth(46)
        self.comparison = Comparison("property", self.tr("property, e.g. total"), self)
        remove = QtWidgets.QToolButton(self)
        remove.setText("×")
        remove.setAutoRaise(True)
        remove.setToolTip(self.tr("Remove this filter"))
        remove.clicked.connect(lambda: self.removeRequested.emit(self))
        row = QtWidgets.QHBoxLayout(self)
        row.setContentsMargins(24, 0, 0, 0)
        row.addWidget(caption)
        row.addWidget(self.comparison, 1)
        row.addWidget(remove)
        self.comparison.changed.connect(self.changed)


class EventEditor(QtWidgets.QWidget):
    """did / did not do EVENT at least N times in the last D days, where property filters hold.

    The event name is a noun: the row reads "did not do [order_completed] at all [in the last 60
    days]" (a negated rule's count of 1 shows as "at all") or "did [order_completed] [at least 2
    times] [in the last 90 days]"."""

    changed = Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.did = _Combo({True: self.tr("did"), False: self.tr("did not do")}, self)
        self.event = QtWidgets.QLineEdit(self)
        self.event.setPlaceholderText(self.tr("event, e.g. order_completed"))
        self.event.setMinimumWidth(120)
        vocabulary = _vocabulary(parent)
        if vocabulary is not None:
            _complete(self.event, vocabulary.models["event"])
        self.min_count = _Spin(self)
        self.min_count.setRange(1, 100_000)
        self.min_count.setPrefix(self.tr("at least "))
        self.min_count.valueChanged.connect(self._count_suffix)
        self._count_suffix(1)
        self.did.currentIndexChanged.connect(self._count_words)
        self._count_words()
        self.within = _Spin(self)
        self.within.setRange(0, 36_500)
        self.within.setSpecialValueText(self.tr("ever"))
        self.within.setPrefix(self.tr("in the last "))
        self.within.setSuffix(self.tr(" days"))
        self.within.setToolTip(self.tr("0 counts events of any age"))
        self.add_filter_button = QtWidgets.QToolButton(self)
        self.add_filter_button.setText(self.tr("+ where…"))
        self.add_filter_button.setAutoRaise(True)
        self.add_filter_button.setToolTip(self.tr("Count only events whose properties match"))
        self.add_filter_button.clicked.connect(lambda: self.add_filter())
        self.filters: list[_FilterRow] = []

        line = QtWidgets.QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(6)
        line.addWidget(self.did)
        line.addWidget(self.event, 1)
        # How often and how recently on a line of their own: one line would not fit a narrow window.
        counts = QtWidgets.QHBoxLayout()
        counts.setContentsMargins(0, 0, 0, 0)
        counts.setSpacing(6)
        counts.addWidget(self.min_count)
        counts.addWidget(self.within)
        counts.addWidget(self.add_filter_button)
        counts.addStretch(1)
        self._layout = QtWidgets.QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self._layout.addLayout(line)
        self._layout.addLayout(counts)
        self.did.currentIndexChanged.connect(self.changed)
        self.event.textChanged.connect(self.changed)
        self.min_count.valueChanged.connect(self.changed)
        self.within.valueChanged.connect(self.changed)

    def _count_suffix(self, n: int) -> None:
        self.min_count.setSuffix(self.tr(" time") if n == 1 else self.tr(" times"))

    def _count_words(self, *_args) -> None:
        """A negated rule's least count reads "at all" ("did not do X at all"), not "at least 1 time"."""
        self.min_count.setSpecialValueText("" if self.did.key() else self.tr("at all"))

    def add_filter(self, data: dict[str, Any] | None = None) -> _FilterRow:
        row = _FilterRow(self)
        if data is not None:
            row.comparison.load(data)
        row.changed.connect(self.changed)
        row.removeRequested.connect(self._remove_filter)
        self.filters.append(row)
        self._layout.addWidget(row)
        if data is None:
            row.comparison.name.setFocus()
            self.changed.emit()
        return row

    def _remove_filter(self, row: _FilterRow) -> None:
        self.filters.remove(row)
        row.setParent(None)
        row.deleteLater()
        self.changed.emit()

    def to_json(self) -> dict[str, Any]:
        return self.json_and_places()[0]

    def json_and_places(self, skip_blank: bool = False) -> tuple[dict[str, Any], Places]:
        """The JSON form, and where each filter in it is among the rows (``skip_blank``: filters
        not filled in yet are left out)."""
        data: dict[str, Any] = {"kind": "event", "event": self.event.text().strip(), "did": bool(self.did.key()),
                                "min_count": self.min_count.value(),
                                "within_days": self.within.value() or None}
        kept = [(index, row) for index, row in enumerate(self.filters)
                if not (skip_blank and row.comparison.is_blank())]
        if kept:
            data["filters"] = [row.comparison.to_json() for _index, row in kept]
        return data, {"filters": [(index, {}) for index, _row in kept]}

    def is_blank(self) -> bool:
        return not self.event.text().strip() and all(row.comparison.is_blank() for row in self.filters)

    def blank_filters(self) -> int:
        return sum(row.comparison.is_blank() for row in self.filters)

    def load(self, data: dict[str, Any]) -> None:
        self.did.set_key(bool(data.get("did", True)))
        self.event.setText(str(data.get("event", "")))
        self.min_count.setValue(int(data.get("min_count") or 1))
        self.within.setValue(int(data.get("within_days") or 0))
        for item in data.get("filters") or []:
            self.add_filter(item)

    def field_widget(self, field: str) -> QtWidgets.QWidget | None:
        return {"event": self.event, "min_count": self.min_count, "within_days": self.within}.get(field)


class ConditionRow(QtWidgets.QFrame):
    """One condition: its kind, then the widgets that kind needs."""

    changed = Signal()
    removeRequested = Signal(object)

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("ruleRow")
        self.kind = _Combo(kind_labels(), self)
        self.kind.setToolTip(self.tr("What this condition looks at"))
        self.stack = QtWidgets.QStackedWidget(self)

        self.attribute = Comparison("attribute", self.tr("attribute, e.g. plan"), self)

        tag_page = QtWidgets.QWidget(self)
        self.tag_has = _Combo({True: self.tr("has the tag"), False: self.tr("does not have the tag")}, tag_page)
        self.tag = QtWidgets.QLineEdit(tag_page)
        self.tag.setPlaceholderText(self.tr("tag, e.g. vip"))
        any_case = self.tr("Capitals do not count: “VIP”, “vip” and “Vip” are one tag.")
        self.tag_has.setToolTip(any_case)
        self.tag.setToolTip(any_case)
        tag_row = QtWidgets.QHBoxLayout(tag_page)
        tag_row.setContentsMargins(0, 0, 0, 0)
        tag_row.addWidget(self.tag_has)
        tag_row.addWidget(self.tag, 1)
        vocabulary = _vocabulary(parent)
        if vocabulary is not None:
            _complete(self.tag, vocabulary.models["tag"])

        consent_page = QtWidgets.QWidget(self)
        self.channel = _Combo({kind: channel_label(kind) for kind in CHANNEL_KINDS}, consent_page)
        self.channel.setEditable(True)  # other channel kinds can be typed
        self.granted = _Combo({True: self.tr("granted"), False: self.tr("not granted")}, consent_page)
        caption = QtWidgets.QLabel(self.tr("consent is"), consent_page)
        consent_row = QtWidgets.QHBoxLayout(consent_page)
        consent_row.setContentsMargins(0, 0, 0, 0)
        consent_row.addWidget(self.channel)
        consent_row.addWidget(caption)
        consent_row.addWidget(self.granted)
        consent_row.addStretch(1)

        self.event = EventEditor(self)
        for page in (self.attribute, tag_page, consent_page, self.event):
            self.stack.addWidget(page)

        remove = QtWidgets.QToolButton(self)
        remove.setText("×")
        remove.setAutoRaise(True)
        remove.setToolTip(self.tr("Remove this condition"))
        remove.clicked.connect(lambda: self.removeRequested.emit(self))
        #: A gentle note under the row: a name nothing in the workspace has, and what was likely meant.
        self.hint = QtWidgets.QLabel("", self)
        self.hint.setObjectName("ruleHint")
        self.hint.setWordWrap(True)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.hide()
        column = QtWidgets.QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.stack)
        column.addWidget(self.hint)
        row = QtWidgets.QHBoxLayout(self)
        row.setContentsMargins(4, 3, 2, 3)
        row.setSpacing(6)
        row.addWidget(self.kind, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(column, 1)
        row.addWidget(remove, 0, Qt.AlignmentFlag.AlignTop)

        self.kind.currentIndexChanged.connect(self._on_kind)
        self.attribute.changed.connect(self.changed)
        self.tag_has.currentIndexChanged.connect(self.changed)
        self.tag.textChanged.connect(self.changed)
        self.channel.currentIndexChanged.connect(self.changed)
        self.channel.editTextChanged.connect(self.changed)
        self.granted.currentIndexChanged.connect(self.changed)
        self.event.changed.connect(self.changed)

    def _on_kind(self, *_args) -> None:
        self.stack.setCurrentIndex(self.kind.currentIndex())
        # A stacked widget is as tall as its tallest page; size to the shown one.
        for index in range(self.stack.count()):
            policy = QtWidgets.QSizePolicy.Policy.Preferred if index == self.stack.currentIndex() \
                else QtWidgets.QSizePolicy.Policy.Ignored
            self.stack.widget(index).setSizePolicy(QtWidgets.QSizePolicy.Policy.Preferred, policy)
        self.changed.emit()

    def set_hint(self, text: str) -> None:
        self.hint.setText(text)
        self.hint.setVisible(bool(text))

    def channel_kind(self) -> str:
        data = self.channel.currentData()
        text = self.channel.currentText().strip()
        # A typed kind replaces the label of the chosen one.
        return data if data is not None and text == channel_label(data) else text

    def to_json(self) -> dict[str, Any]:
        return self.json_and_places()[0]

    def json_and_places(self, skip_blank: bool = False) -> tuple[dict[str, Any], Places]:
        kind = self.kind.key()
        if kind == "attribute":
            return {"kind": "attribute", **self.attribute.to_json()}, {}
        if kind == "tag":
            return {"kind": "tag", "tag": self.tag.text().strip(), "has": bool(self.tag_has.key())}, {}
        if kind == "consent":
            return {"kind": "consent", "channel_kind": self.channel_kind(), "granted": bool(self.granted.key())}, {}
        return self.event.json_and_places(skip_blank)

    def is_blank(self) -> bool:
        """Nothing filled in yet (a row just added): the live count leaves it out."""
        kind = self.kind.key()
        if kind == "attribute":
            return self.attribute.is_blank()
        if kind == "tag":
            return not self.tag.text().strip()
        if kind == "consent":
            return not self.channel_kind()
        return self.event.is_blank()

    def load(self, data: dict[str, Any]) -> None:
        kind = data.get("kind", "attribute")
        self.kind.set_key(kind)
        self._on_kind()
        if kind == "attribute":
            self.attribute.load(data)
        elif kind == "tag":
            self.tag.setText(str(data.get("tag", "")))
            self.tag_has.set_key(bool(data.get("has", True)))
        elif kind == "consent":
            channel = str(data.get("channel_kind", "email"))
            if channel in CHANNEL_KINDS:
                self.channel.set_key(channel)
            else:
                self.channel.setEditText(channel)
            self.granted.set_key(bool(data.get("granted", True)))
        else:
            self.event.load(data)

    def field_widget(self, field: str) -> QtWidgets.QWidget | None:
        kind = self.kind.key()
        if kind == "attribute":
            return self.attribute.field_widget(field)
        if kind == "tag":
            return self.tag if field == "tag" else None
        if kind == "consent":
            return self.channel if field == "channel_kind" else None
        return self.event.field_widget(field)


class GroupWidget(QtWidgets.QFrame):
    """Conditions joined by AND (all) or OR (any); groups nest up to the engine's depth."""

    changed = Signal()
    removeRequested = Signal(object)

    def __init__(self, depth: int = 1, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("ruleGroup")
        self.setProperty("nested", depth > 1)
        self.depth = depth
        self.items: list[QtWidgets.QWidget] = []

        self.match = _Combo({"all": self.tr("all of these"), "any": self.tr("any of these")}, self)
        self.match.setToolTip(self.tr("All: every condition must hold (AND). Any: one is enough (OR)."))
        lead = QtWidgets.QLabel(self.tr("Customers who match") if depth == 1 else self.tr("Match"), self)
        head = QtWidgets.QHBoxLayout()
        head.setSpacing(6)
        head.addWidget(lead)
        head.addWidget(self.match)
        head.addStretch(1)
        if depth > 1:
            remove = QtWidgets.QToolButton(self)
            remove.setText(self.tr("Remove group"))
            remove.setToolTip(self.tr("Remove this group and the conditions in it"))
            remove.setAutoRaise(True)
            remove.clicked.connect(lambda: self.removeRequested.emit(self))
            head.addWidget(remove)

        self.empty = QtWidgets.QLabel("", self)
        self.empty.setObjectName("emptyRules")
        self.empty.setWordWrap(True)
        self.body = QtWidgets.QVBoxLayout()
        self.body.setSpacing(2)

        self.add_condition_button = QtWidgets.QPushButton(self.tr("+ Condition"), self)
        self.add_condition_button.setToolTip(self.tr("Add a condition on an attribute, a tag, consent for a "
                                                     "channel or an event the customer did"))
        self.add_condition_button.clicked.connect(lambda: self.add_condition())
        self.add_group_button = QtWidgets.QPushButton(self.tr("+ Group"), self)
        self.add_group_button.setToolTip(self.tr("A nested group, to mix AND and OR"))
        self.add_group_button.clicked.connect(lambda: self.add_group())
        self.add_group_button.setEnabled(depth < MAX_DEPTH)
        foot = QtWidgets.QHBoxLayout()
        foot.addWidget(self.add_condition_button)
        foot.addWidget(self.add_group_button)
        foot.addStretch(1)

        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 8, 8)
        layout.setSpacing(6)
        layout.addLayout(head)
        layout.addWidget(self.empty)
        layout.addLayout(self.body)
        layout.addLayout(foot)
        self.match.currentIndexChanged.connect(self._on_match)
        self._update_empty()

    def _on_match(self, *_args) -> None:
        self._update_joins()
        self._update_empty()
        self.changed.emit()

    def _update_empty(self) -> None:
        if self.match.key() == "all":
            text = self.tr("No conditions yet: everyone matches. Add a condition to narrow it down.")
        else:
            text = self.tr("No conditions yet: with “any”, no one matches until you add one.")
        self.empty.setText(text)
        self.empty.setVisible(not self.items)

    def _update_joins(self) -> None:
        """The word between two conditions, "and" or "or", so the tree reads as a sentence."""
        word = self.tr("and") if self.match.key() == "all" else self.tr("or")
        for index in range(self.body.count()):
            widget = self.body.itemAt(index).widget()
            if isinstance(widget, QtWidgets.QLabel) and widget.objectName() == "ruleJoin":
                widget.setText(word)

    def _join(self) -> QtWidgets.QLabel:
        label = QtWidgets.QLabel("", self)
        label.setObjectName("ruleJoin")
        label.setContentsMargins(8, 0, 0, 0)
        return label

    def _add(self, widget: QtWidgets.QWidget) -> None:
        if self.items:
            self.body.addWidget(self._join())
        self.items.append(widget)
        self.body.addWidget(widget)
        widget.changed.connect(self.changed)
        widget.removeRequested.connect(self.remove_item)
        self._update_joins()
        self._update_empty()

    def add_condition(self, data: dict[str, Any] | None = None) -> ConditionRow:
        row = ConditionRow(self)
        if data is not None:
            row.load(data)
        else:
            row._on_kind()
        self._add(row)
        if data is None:
            row.attribute.name.setFocus()
            self.changed.emit()
        return row

    def add_group(self, data: dict[str, Any] | None = None) -> GroupWidget:
        group = GroupWidget(self.depth + 1, self)
        if data is not None:
            group.load(data)
        else:
            group.match.set_key("any" if self.match.key() == "all" else "all")
            group.add_condition()
        self._add(group)
        if data is None:
            self.changed.emit()
        return group

    def remove_item(self, widget: QtWidgets.QWidget) -> None:
        index = self.items.index(widget)
        self.items.pop(index)
        # The join word before it (or after it, for the first) goes with it.
        position = self.body.indexOf(widget)
        join_at = position - 1 if position > 0 else position + 1
        join = self.body.itemAt(join_at).widget() if 0 <= join_at < self.body.count() else None
        for gone in (widget, join):
            if gone is not None and (gone is widget or gone.objectName() == "ruleJoin"):
                self.body.removeWidget(gone)
                gone.setParent(None)
                gone.deleteLater()
        self._update_empty()
        self.changed.emit()

    def remove_blank(self) -> int:
        """Remove the conditions, filters and groups not filled in yet, here and below; returns
        how many conditions and filters went."""
        removed = 0
        for widget in list(self.items):
            if isinstance(widget, GroupWidget):
                if widget.is_blank():
                    removed += sum(isinstance(w, ConditionRow) for w in widget.rows())
                    self.remove_item(widget)
                else:
                    removed += widget.remove_blank()
            elif widget.is_blank():
                removed += 1
                self.remove_item(widget)
            elif widget.kind.key() == "event":
                for row in [r for r in widget.event.filters if r.comparison.is_blank()]:
                    widget.event._remove_filter(row)
                    removed += 1
        return removed

    def clear(self) -> None:
        while self.body.count():
            widget = self.body.takeAt(0).widget()
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        self.items = []
        self._update_empty()

    def to_json(self) -> dict[str, Any]:
        return self.json_and_places()[0]

    def json_and_places(self, skip_blank: bool = False) -> tuple[dict[str, Any], Places]:
        """The JSON form, and where each condition in it is among the rows (``skip_blank``: rows
        and groups not filled in yet are left out)."""
        conditions: list[dict[str, Any]] = []
        places: list[tuple[int, Places]] = []
        for index, widget in enumerate(self.items):
            if skip_blank and widget.is_blank():
                continue
            data, inner = widget.json_and_places(skip_blank)
            conditions.append(data)
            places.append((index, inner))
        return {"kind": "group", "match": self.match.key(), "conditions": conditions}, {"conditions": places}

    def is_blank(self) -> bool:
        return all(widget.is_blank() for widget in self.items)

    def load(self, data: dict[str, Any]) -> None:
        self.clear()
        self.match.set_key(data.get("match", "all"))
        for item in data.get("conditions") or []:
            if item.get("kind") == "group":
                self.add_group(item)
            else:
                self.add_condition(item)
        self._update_empty()

    def rows(self) -> list[QtWidgets.QWidget]:
        """Every condition row and group below this one (for clearing marks)."""
        found: list[QtWidgets.QWidget] = []
        for widget in self.items:
            found.append(widget)
            if isinstance(widget, GroupWidget):
                found += widget.rows()
        return found


class RuleEditor(QtWidgets.QScrollArea):
    """The tree of groups and conditions, scrollable; ``changed`` on every edit."""

    changed = Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.vocabulary = Vocabulary(self)
        self.setWidgetResizable(True)
        self.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        # Rows shrink to the window rather than scroll sideways, where a marked row could hide.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._host = QtWidgets.QWidget(self)
        self._layout = QtWidgets.QVBoxLayout(self._host)
        self._layout.setContentsMargins(0, 0, 6, 0)
        self.root = self._new_root()
        self._layout.addStretch(1)
        self.setWidget(self._host)
        self._marked: list[QtWidgets.QWidget] = []

    def _new_root(self) -> GroupWidget:
        root = GroupWidget(1, self._host)
        root.changed.connect(self.changed)
        self._layout.insertWidget(0, root)
        return root

    def rules(self) -> dict[str, Any]:
        return self.root.to_json()

    def filled_rules(self) -> tuple[dict[str, Any], Places]:
        """The rules without the conditions not filled in yet, and where the others are among
        the rows (for :func:`row_path`)."""
        return self.root.json_and_places(skip_blank=True)

    def remove_blank(self) -> int:
        """Remove every row not filled in yet; returns how many went."""
        return self.root.remove_blank()

    def blank_count(self) -> int:
        """Conditions and property filters not filled in yet."""
        blank = 0
        for row in self.condition_rows():
            if row.is_blank():
                blank += 1
            elif row.kind.key() == "event":
                blank += row.event.blank_filters()
        return blank

    def set_rules(self, rules: dict[str, Any]) -> None:
        old = self.root
        self._layout.removeWidget(old)
        old.setParent(None)
        old.deleteLater()
        self._marked = []
        self.root = self._new_root()
        with QtCore.QSignalBlocker(self.root):
            self.root.load(rules)

    def condition_rows(self) -> list[ConditionRow]:
        return [w for w in self.root.rows() if isinstance(w, ConditionRow)]

    def clear_marks(self) -> None:
        for widget in self._marked:
            try:
                _mark(widget, False)
            except RuntimeError:
                pass  # removed since it was marked
        self._marked = []

    def mark(self, path: str, message: str) -> str:
        """Mark the row (and field) ``path`` names; returns where it is, in words ("condition 2 › 1")."""
        self.clear_marks()
        node: QtWidgets.QWidget = self.root
        numbers: list[str] = []
        rest = path
        for match in _STEP.finditer(path):
            what, index = match.group(1), int(match.group(2))
            rest = path[match.end():]
            if what == "conditions" and isinstance(node, GroupWidget) and index < len(node.items):
                node = node.items[index]
                numbers.append(str(index + 1))
            elif what == "filters" and isinstance(node, ConditionRow) and index < len(node.event.filters):
                node = node.event.filters[index].comparison
                numbers.append(translate("SegmentBuilder", "filter %1").replace("%1", str(index + 1)))
            else:
                break
        field = rest.lstrip(".").split(".")[0] if rest else ""
        target = node if node is not self.root else None
        if isinstance(target, Comparison):
            target = target.parentWidget()
        row = target if isinstance(target, ConditionRow | GroupWidget) else None
        if row is None and target is not None:
            # A filter: mark the condition row around it.
            parent = target.parentWidget()
            while parent is not None and not isinstance(parent, ConditionRow):
                parent = parent.parentWidget()
            row = parent
        if isinstance(row, ConditionRow):
            _mark(row, True, message)
            self._marked.append(row)
            field_widget = (node.field_widget(field) if isinstance(node, Comparison | ConditionRow)
                            else None)
            if isinstance(field_widget, QtWidgets.QLineEdit):
                _mark(field_widget, True, message)
                self._marked.append(field_widget)
            self.ensureWidgetVisible(row)
        if not numbers:
            return translate("SegmentBuilder", "the rules")
        return translate("SegmentBuilder", "condition %1").replace("%1", " › ".join(numbers))


# ---------------------------------------------------------------------------------------------
# Undo
# ---------------------------------------------------------------------------------------------


def _shape(rules: dict[str, Any]) -> tuple[int, int, int, tuple[str, ...]]:
    """Conditions, groups (below the top one) and event filters in ``rules``, and each group's
    AND/OR: what tells one kind of edit from another."""
    conditions = groups = filters = 0
    matches: list[str] = []

    def walk(group: dict[str, Any]) -> None:
        nonlocal conditions, groups, filters
        matches.append(str(group.get("match")))
        for item in group.get("conditions") or []:
            if item.get("kind") == "group":
                groups += 1
                walk(item)
            else:
                conditions += 1
                filters += len(item.get("filters") or [])

    walk(rules)
    return conditions, groups, filters, tuple(matches)


def edit_label(before: dict[str, Any], after: dict[str, Any]) -> tuple[str, bool]:
    """What changed from ``before`` to ``after``, in words for the undo buttons, and whether it is
    a change inside a row (typing in one field then merges into one step) rather than of the tree."""
    c0, g0, f0, m0 = _shape(before)
    c1, g1, f1, m1 = _shape(after)
    if g1 != g0:
        return (translate("SegmentBuilder", "add group") if g1 > g0
                else translate("SegmentBuilder", "remove group")), False
    if c1 != c0:
        return (translate("SegmentBuilder", "add condition") if c1 > c0
                else translate("SegmentBuilder", "remove condition")), False
    if f1 != f0:
        return (translate("SegmentBuilder", "add filter") if f1 > f0
                else translate("SegmentBuilder", "remove filter")), False
    if m1 != m0:
        return translate("SegmentBuilder", "change all/any"), False
    return translate("SegmentBuilder", "edit condition"), True


class _RulesEdit(QtGui.QUndoCommand):
    """One change of the rules, as the rules before and after it. Pushed once the change is made;
    typing in one field (``field``) merges into the step before it when that was typing there."""

    MERGE_ID = 0x5E61

    def __init__(self, builder: SegmentBuilder, before: dict[str, Any], after: dict[str, Any], label: str,
                 field: QtWidgets.QWidget | None):
        super().__init__(label)
        self.builder = builder
        self.before, self.after = before, after
        self.field = field
        self._made = True

    def id(self) -> int:  # noqa: A003 - Qt override
        return self.MERGE_ID if self.field is not None else -1

    def mergeWith(self, other: QtGui.QUndoCommand) -> bool:  # noqa: N802 - Qt override
        if not isinstance(other, _RulesEdit) or other.field is None or other.field is not self.field:
            return False
        self.after = other.after
        self.setObsolete(self.after == self.before)  # typed and taken back: no step at all
        return True

    def redo(self) -> None:
        if self._made:
            self._made = False  # the change is on screen already
            return
        self.builder._restore_rules(self.after)

    def undo(self) -> None:
        self.builder._restore_rules(self.before)


class _UndoKeys(QtCore.QObject):
    """Sends the window's undo and redo keys past a field of the rules: a line edit (or a spin box,
    or an editable drop-down) would otherwise take Ctrl+Z for an undo of its own text, behind the
    builder's back, and the next keystroke would be a new step that drops what could be redone."""

    def __init__(self, actions: tuple[QtGui.QAction, ...], parent: QtCore.QObject):
        super().__init__(parent)
        self.actions = actions

    def _ours(self, event: QtGui.QKeyEvent) -> bool:
        pressed = QtGui.QKeySequence(event.keyCombination())
        return any(pressed.matches(key) == QtGui.QKeySequence.SequenceMatch.ExactMatch
                   for action in self.actions for key in action.shortcuts())

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind in (QtCore.QEvent.Type.ShortcutOverride, QtCore.QEvent.Type.KeyPress) and self._ours(event):
            # Not accepted: the window's shortcut takes the key (a key press that still arrives,
            # with nothing to undo, is dropped rather than undone in the field).
            event.ignore()
            return True
        return False


# ---------------------------------------------------------------------------------------------
# The window
# ---------------------------------------------------------------------------------------------


class SegmentBuilder(QtWidgets.QMainWindow):
    """Saved segments on the left, the editor with its live count on the right."""

    #: A sample customer was double-clicked: show their profile.
    customerRequested = Signal(str)
    #: A segment was saved or deleted.
    segmentsChanged = Signal()

    def __init__(self, workspace, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.setObjectName("segmentBuilder")
        self.setWindowTitle(self.tr("Segments"))
        self.setStyleSheet(_STYLE)
        self.resize(1180, 760)
        self.workspace = workspace
        self.store = SegmentStore(workspace)
        self.background = Background(self)
        self.segments: list[SegmentInfo] = []
        self.current_id: str | None = None
        self._loaded: tuple[str, str, dict[str, Any]] = ("", "", rules_json(EVERYONE))
        self._loading = False
        self.last_count: int | None = None
        #: Conditions not filled in yet when the shown count was asked for (left out of it).
        self.left_out = 0
        #: Empty rows the last save dropped (said in its status message).
        self._removed_blank = 0
        self.last_sample: list = []
        self.rules_error = ""
        #: Event and attribute names of the rules that nothing in the workspace has (after a count).
        self.missing: tuple[set[str], set[str]] = (set(), set())
        #: ``(event, property)`` pairs of the rules' filters that no stored event of that name has.
        self.missing_properties: set[tuple[str, str]] = set()
        #: The folder the last export went to.
        self.export_folder = Path.home()
        #: The export under way: its progress dialog and the flag that stops it.
        self._export: tuple[QtWidgets.QProgressDialog, threading.Event] | None = None
        #: Edits of the rules, each a step (:class:`_RulesEdit`); emptied when a segment is opened.
        self.undo_stack = QtGui.QUndoStack(self)
        self.undo_stack.setUndoLimit(200)
        #: The rules as the last step left them (what the next step starts from).
        self._snapshot: dict[str, Any] = rules_json(EVERYONE)
        #: Set while a step is undone or redone (the rows are rebuilt: no new step).
        self._restoring = False
        #: Set while edits are gathered into one step (:meth:`_one_step`).
        self._gathering = False
        K = QtGui.QKeySequence.StandardKey  # noqa: N806
        self.act_undo = QtGui.QAction(self.style().standardIcon(QtWidgets.QStyle.StandardPixmap.SP_ArrowBack),
                                      self.tr("Undo"), self)
        self.act_undo.setShortcuts(key_sequences(K.Undo))
        self.act_undo.triggered.connect(self.undo_stack.undo)
        self.act_redo = QtGui.QAction(self.style().standardIcon(QtWidgets.QStyle.StandardPixmap.SP_ArrowForward),
                                      self.tr("Redo"), self)
        # Ctrl+Shift+Z and Ctrl+Y on every platform, whichever the platform's own redo key is.
        self.act_redo.setShortcuts(key_sequences(K.Redo, QtGui.QKeySequence("Ctrl+Shift+Z"),
                                                 QtGui.QKeySequence("Ctrl+Y")))
        self.act_redo.triggered.connect(self.undo_stack.redo)
        # A method, not a lambda: Qt drops the connection with the window (the stack empties
        # itself while it is destroyed).
        self.undo_stack.indexChanged.connect(self._update_undo_actions)
        self._update_undo_actions()

        splitter = QtWidgets.QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self._build_list())
        splitter.addWidget(self._build_editor())
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 880])
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)

        self.count_timer = QtCore.QTimer(self)
        self.count_timer.setSingleShot(True)
        self.count_timer.setInterval(COUNT_DELAY_MS)
        self.count_timer.timeout.connect(self.recount)
        act_save = QtGui.QAction(self.tr("Save segment"), self)
        act_save.setShortcut(QtGui.QKeySequence(QtGui.QKeySequence.StandardKey.Save))
        act_save.triggered.connect(self.save)
        act_new = QtGui.QAction(self.tr("New segment"), self)
        act_new.setShortcut(QtGui.QKeySequence(QtGui.QKeySequence.StandardKey.New))
        act_new.triggered.connect(self.new_segment)
        act_refresh = QtGui.QAction(self.tr("Refresh"), self)
        act_refresh.setShortcut(QtGui.QKeySequence(QtGui.QKeySequence.StandardKey.Refresh))
        act_refresh.triggered.connect(self.reload)
        act_export = QtGui.QAction(self.tr("Export members…"), self)
        act_export.setShortcut(QtGui.QKeySequence("Ctrl+E"))
        act_export.triggered.connect(self.export_members)
        for action in (act_save, act_new, act_refresh, act_export, self.act_undo, self.act_redo):
            self.addAction(action)
        self._undo_keys = _UndoKeys((self.act_undo, self.act_redo), self)
        QtWidgets.QApplication.instance().focusChanged.connect(self._on_focus_changed)
        self.new_segment()

    # -- construction -------------------------------------------------------------------------
    def _build_list(self) -> QtWidgets.QWidget:
        pane = QtWidgets.QWidget(self)
        title = QtWidgets.QLabel(self.tr("Saved segments"), pane)
        title.setObjectName("sectionTitle")
        self.list = QtWidgets.QTreeWidget(pane)
        self.list.setObjectName("segmentList")
        self.list.setColumnCount(2)
        self.list.setHeaderLabels([self.tr("Segment"), self.tr("Members")])
        self.list.setRootIsDecorated(False)
        self.list.setAlternatingRowColors(True)
        self.list.setUniformRowHeights(True)
        header = self.list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        self.list.currentItemChanged.connect(self._on_current_item)
        self.list_empty = QtWidgets.QLabel(self.tr("No saved segments yet. Build the rules on the right and "
                                                   "save them under a name."), pane)
        self.list_empty.setObjectName("muted")
        self.list_empty.setWordWrap(True)
        self.new_button = QtWidgets.QPushButton(self.tr("New"), pane)
        self.new_button.setToolTip(self.tr("Start a new segment (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_segment)
        self.delete_button = QtWidgets.QPushButton(self.tr("Delete…"), pane)
        self.delete_button.setToolTip(self.tr("Delete the selected segment"))
        self.delete_button.clicked.connect(self.delete_current)
        buttons = QtWidgets.QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        layout = QtWidgets.QVBoxLayout(pane)
        layout.setContentsMargins(8, 8, 4, 8)
        layout.addWidget(title)
        layout.addLayout(buttons)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.list_empty)
        return pane

    def _build_editor(self) -> QtWidgets.QWidget:
        pane = QtWidgets.QWidget(self)
        self.name = QtWidgets.QLineEdit(pane)
        self.name.setPlaceholderText(self.tr("Name, e.g. Loyal shoppers"))
        # The store refuses longer names; typing or pasting stops there instead.
        self.name.setMaxLength(MAX_NAME)
        self.description = QtWidgets.QPlainTextEdit(pane)
        self.description.setPlaceholderText(self.tr("What the segment is for (optional)"))
        self.description.setFixedHeight(self.fontMetrics().lineSpacing() * 2 + 14)
        form = QtWidgets.QFormLayout()
        form.setFieldGrowthPolicy(QtWidgets.QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Description"), self.description)

        self.editor = RuleEditor(pane)
        self.error_label = QtWidgets.QLabel("", pane)
        self.error_label.setObjectName("ruleError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        self.count_label = QtWidgets.QLabel("", pane)
        self.count_label.setObjectName("liveCount")
        self.count_note = QtWidgets.QLabel("", pane)
        self.count_note.setObjectName("muted")
        self.count_note.setWordWrap(True)
        self.sample_title = sample_title = QtWidgets.QLabel(self.tr("Sample"), pane)
        sample_title.setObjectName("sectionTitle")
        self.sample = QtWidgets.QListWidget(pane)
        self.sample.setObjectName("segmentSample")
        self.sample.setItemDelegate(_LinesDelegate(self.sample))
        self.sample.setToolTip(self.tr("A few customers who match, picked at random. Double-click one to see "
                                       "their profile."))
        self.sample.itemActivated.connect(lambda item: self.customerRequested.emit(item.data(_ID_ROLE) or ""))
        self.export_button = QtWidgets.QPushButton(self.tr("Export members…"), pane)
        self.export_button.setToolTip(self.tr("Write every customer who matches now to an Excel workbook (.xlsx), "
                                              "where phone numbers and ids stay as written, or to a CSV file "
                                              "(Ctrl+E)"))
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.export_members)
        side = QtWidgets.QVBoxLayout()
        side.addWidget(self.count_label)
        side.addWidget(self.count_note)
        side.addSpacing(6)
        side.addWidget(sample_title)
        side.addWidget(self.sample, 1)
        side.addWidget(self.export_button)
        side_box = QtWidgets.QWidget(pane)
        side_box.setLayout(side)
        side_box.setFixedWidth(250)

        self.save_button = QtWidgets.QPushButton(self.tr("Save"), pane)
        self.save_button.setDefault(True)
        self.save_button.setToolTip(self.tr("Save the segment (Ctrl+S)"))
        self.save_button.clicked.connect(self.save)
        self.revert_button = QtWidgets.QPushButton(self.tr("Revert"), pane)
        self.revert_button.setToolTip(self.tr("Forget the changes"))
        self.revert_button.clicked.connect(self.revert)
        self.state_label = QtWidgets.QLabel("", pane)
        self.state_label.setObjectName("muted")
        self.undo_button = QtWidgets.QToolButton(pane)
        self.undo_button.setObjectName("undoRules")
        self.undo_button.setDefaultAction(self.act_undo)
        self.redo_button = QtWidgets.QToolButton(pane)
        self.redo_button.setObjectName("redoRules")
        self.redo_button.setDefaultAction(self.act_redo)
        for button in (self.undo_button, self.redo_button):
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setAutoRaise(True)
        bottom = QtWidgets.QHBoxLayout()
        bottom.addWidget(self.undo_button)
        bottom.addWidget(self.redo_button)
        bottom.addSpacing(8)
        bottom.addWidget(self.state_label, 1)
        bottom.addWidget(self.revert_button)
        bottom.addWidget(self.save_button)

        middle = QtWidgets.QHBoxLayout()
        rules_box = QtWidgets.QVBoxLayout()
        rules_box.addWidget(self.editor, 1)
        rules_box.addWidget(self.error_label)
        middle.addLayout(rules_box, 1)
        middle.addSpacing(8)
        middle.addWidget(side_box)

        layout = QtWidgets.QVBoxLayout(pane)
        layout.setContentsMargins(8, 8, 10, 8)
        layout.addLayout(form)
        layout.addLayout(middle, 1)
        layout.addLayout(bottom)

        self.name.textChanged.connect(self._on_edited)
        self.description.textChanged.connect(self._on_edited)
        self.editor.changed.connect(self._on_rules_changed)
        return pane

    # -- the list -----------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.background.busy

    def showEvent(self, event: QtGui.QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if not event.spontaneous():  # opened (again): segments and customers may have changed
            self.reload()
            self.load_names()
            self.recount()

    def load_names(self) -> None:
        """Read the workspace's event, attribute and property names and tags for completion."""
        ws = self.workspace
        self.background.submit(lambda: known_names(ws), self._on_names, lambda _message: None, key="names")

    def _on_names(self, known: KnownNames) -> None:
        self.editor.vocabulary.set_known(known)
        self._show_hints()

    def reload(self, select: str | None = None) -> None:
        """Read the saved segments again (and then their live counts)."""
        store = self.store
        self.background.submit(store.list, lambda infos: self._on_list(infos, select),
                               lambda message: self._error(self.tr("Segments"), message), key="list")

    def _on_list(self, infos: list[SegmentInfo], select: str | None) -> None:
        self.segments = infos
        keep = select or self.current_id
        with QtCore.QSignalBlocker(self.list):
            self.list.clear()
            for info in infos:
                item = QtWidgets.QTreeWidgetItem([info.name, "…"])
                item.setData(0, _ID_ROLE, info.id)
                item.setToolTip(0, info.description or info.name)
                item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setToolTip(1, self.tr("%1 at the engine's last refresh").replace("%1", f"{info.member_count:,}"))
                self.list.addTopLevelItem(item)
                if info.id == keep:
                    self.list.setCurrentItem(item)
        self.list_empty.setVisible(not infos)
        self.delete_button.setEnabled(self.current_id is not None)
        store = self.store
        rules = [(info.id, info.rules) for info in infos]

        def counts() -> dict[str, int]:
            return {segment_id: store.count(r) for segment_id, r in rules}

        self.background.submit(counts, self._on_list_counts, key="list-counts")

    def _on_list_counts(self, counts: dict[str, int]) -> None:
        for index in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(index)
            n = counts.get(item.data(0, _ID_ROLE))
            if n is not None:
                item.setText(1, f"{n:,}")

    def _on_current_item(self, current: QtWidgets.QTreeWidgetItem | None, previous) -> None:
        segment_id = current.data(0, _ID_ROLE) if current is not None else None
        if segment_id is None or segment_id == self.current_id:
            return
        if self.dirty:
            answer = self._ask_unsaved(self.name.text().strip() or self.tr("the new segment"))
            if answer != "discard":
                if answer == "save":
                    self.save()
                with QtCore.QSignalBlocker(self.list):
                    self.list.setCurrentItem(previous)
                return
        info = next((s for s in self.segments if s.id == segment_id), None)
        if info is not None:
            self.open_segment(info)

    # -- editing ------------------------------------------------------------------------------
    def new_segment(self) -> None:
        if self.dirty and self.isVisible():
            answer = self._ask_unsaved(self.name.text().strip() or self.tr("the new segment"))
            if answer == "cancel":
                return
            if answer == "save":
                self.save()
                return
        self._show_new()

    def _show_new(self) -> None:
        """An empty form for a new segment, whatever the form held."""
        self.current_id = None
        self._load("", "", rules_json(EVERYONE))
        with QtCore.QSignalBlocker(self.list):
            self.list.clearSelection()
            self.list.setCurrentItem(None)
        self.delete_button.setEnabled(False)
        self.name.setFocus()

    def open_segment(self, info: SegmentInfo) -> None:
        self.current_id = info.id
        self._load(info.name, info.description, info.rules)
        self.delete_button.setEnabled(True)

    def _load(self, name: str, description: str, rules: dict[str, Any]) -> None:
        self._loading = True
        try:
            self.name.setText(name)
            self.description.setPlainText(description)
            self._focus_out_of_rules()
            self.editor.set_rules(rules)
            self.editor.clear_marks()
        finally:
            self._loading = False
        # Kept as the editor reads it back, so that an untouched segment is not "changed".
        self._loaded = self._current()
        # Another segment (or a new one): the steps of the one before are not this one's.
        self.undo_stack.clear()
        self._snapshot = self._loaded[2]
        self._update_undo_actions()
        self._show_error("", "")
        self._update_state()
        self.recount()

    def _current(self) -> tuple[str, str, dict[str, Any]]:
        return (self.name.text().strip(), self.description.toPlainText(), self.editor.rules())

    @property
    def dirty(self) -> bool:
        return self._current() != self._loaded

    def _on_edited(self, *_args) -> None:
        if not self._loading:
            _mark(self.name, False)
            self._update_state()

    def _on_rules_changed(self) -> None:
        if self._loading:
            return
        self._record()
        self._update_state()
        # A row whose name changed loses a hint about its old name now, not after the next count
        # (which never comes while the rules are refused).
        self._show_hints()
        self.count_timer.start()

    def _update_state(self) -> None:
        dirty = self.dirty
        self.save_button.setEnabled(dirty or self.current_id is None)
        self.revert_button.setEnabled(dirty and self.current_id is not None)
        if self.current_id is None:
            self.state_label.setText(self.tr("New segment, not saved yet"))
        else:
            self.state_label.setText(self.tr("Unsaved changes") if dirty else self.tr("Saved"))

    def revert(self) -> None:
        info = next((s for s in self.segments if s.id == self.current_id), None)
        if info is not None:
            self.open_segment(info)
        else:
            self.new_segment()

    def set_rules(self, rules: dict[str, Any]) -> None:
        """Show ``rules`` in the editor as an edit (the live count follows)."""
        self._focus_out_of_rules()
        self.editor.set_rules(rules)
        self._on_rules_changed()

    # -- undo -------------------------------------------------------------------------------
    def _record(self, label: str | None = None) -> None:
        """Make the change since the last step a step of its own (typing in one field merges)."""
        if self._restoring or self._gathering or self._loading:
            return
        rules = self.editor.rules()
        if rules == self._snapshot:
            return
        said, in_row = edit_label(self._snapshot, rules)
        focus = QtWidgets.QApplication.focusWidget()
        typing = (in_row and label is None and focus is not None and self.editor.isAncestorOf(focus)
                  and (isinstance(focus, QtWidgets.QLineEdit | QtWidgets.QAbstractSpinBox)
                       or (isinstance(focus, QtWidgets.QComboBox) and focus.isEditable())))
        before, self._snapshot = self._snapshot, rules
        self.undo_stack.push(_RulesEdit(self, before, rules, label or said, focus if typing else None))

    def _one_step(self, change, label: str) -> Any:
        """Run ``change()`` (which may change the rules many times) as one step named ``label``."""
        self._gathering = True
        try:
            result = change()
        finally:
            self._gathering = False
        self._record(label)
        return result

    def _restore_rules(self, rules: dict[str, Any]) -> None:
        """Show ``rules`` again (undo and redo), without making a step of it."""
        self._restoring = True
        try:
            focus = QtWidgets.QApplication.focusWidget()
            if focus is not None and self.editor.isAncestorOf(focus):
                # The rows are rebuilt: the focus waits on the rules themselves, where the undo
                # keys still reach the window (the name field would take them for its own text).
                self.editor.setFocus()
            self.editor.set_rules(rules)
        finally:
            self._restoring = False
        self._snapshot = self.editor.rules()
        self._on_rules_changed()

    def _update_undo_actions(self, *_args) -> None:
        """The buttons say which step they would undo or redo, and with which keys."""
        def native(*keys: str) -> str:
            return ", ".join(QtGui.QKeySequence(key).toString(QtGui.QKeySequence.SequenceFormat.NativeText)
                             for key in keys)

        stack = self.undo_stack
        self.act_undo.setEnabled(stack.canUndo())
        self.act_undo.setToolTip(fill(self.tr("Undo: %1 (%2)"), stack.undoText(), native("Ctrl+Z"))
                                 if stack.canUndo() else self.tr("Nothing to undo in the rules"))
        self.act_redo.setEnabled(stack.canRedo())
        self.act_redo.setToolTip(fill(self.tr("Redo: %1 (%2)"), stack.redoText(), native("Ctrl+Shift+Z", "Ctrl+Y"))
                                 if stack.canRedo() else self.tr("Nothing to redo in the rules"))

    def _on_focus_changed(self, _old: QtWidgets.QWidget | None, new: QtWidgets.QWidget | None) -> None:
        """A field of the rules got the focus: let the window's undo keys past it."""
        if new is not None and self.editor.isAncestorOf(new):
            new.installEventFilter(self._undo_keys)

    def _focus_out_of_rules(self) -> None:
        """Move the focus to the name before the rows holding it are replaced: Qt would hand it to
        the next widget in the chain, the segment list, whose focus-in makes its first segment
        current, and so opens that segment in place of a new one."""
        focus = QtWidgets.QApplication.focusWidget()
        if focus is not None and self.editor.isAncestorOf(focus):
            self.name.setFocus()

    def _show_error(self, where: str, message: str) -> None:
        """Say under the rules what is wrong (``where``: "condition 2", or "" for the form itself)."""
        self.rules_error = message
        if message:
            text = fill(self.tr("In %1, %2"), where, message) if where else message
            self.error_label.setText(sentence(text))
        self.error_label.setVisible(bool(message))

    def _check(self, *, filled_only: bool = False) -> dict[str, Any] | None:
        """The rules, checked; ``None`` (and the bad row marked) when the engine refuses them.
        ``filled_only``: without the conditions not filled in yet (for the live count)."""
        if filled_only:
            rules, places = self.editor.filled_rules()
        else:
            rules, places = self.editor.rules(), None
        try:
            parse_rules(rules)
        except SegmentInvalid as exc:
            path = row_path(exc.path, places) if places is not None else exc.path
            field = path.rsplit(".", 1)[-1] if "." in path else ""
            if "[" in field:
                field = ""
            message = friendly(exc.message, field)
            self._show_error(self.editor.mark(path, message), message)
            return None
        self.editor.clear_marks()
        self._show_error("", "")
        return rules

    # -- the live count -----------------------------------------------------------------------
    def recount(self) -> None:
        """Count and sample the customers the rules pick (on the worker, newest rules only)."""
        self.count_timer.stop()
        rules = self._check(filled_only=True)
        self.left_out = self.editor.blank_count()
        if rules is None:
            self.background.cancel("count")
            self.last_count = None
            self.export_button.setEnabled(False)
            self._clear_sample()
            self.count_label.setText("—")
            self.count_note.setText(self.tr("Fix the marked condition to see who matches."))
            return
        self.count_note.setText(self.tr("Counting…"))
        store, ws = self.store, self.workspace
        known = self.editor.vocabulary.known
        events, attributes = _rule_names(rules)
        properties = _filter_names(rules)
        # Names seen in the samples exist; only the others cost a look in the store.
        events -= set(known.events)
        attributes -= set(known.attributes)

        def work() -> tuple[int, int, list, tuple[set[str], set[str]], set[tuple[str, str]]]:
            missing = missing_names(ws, events=events, attributes=attributes)
            # A property is looked for in the events of its own name (another event's does not count).
            missing_props = missing_properties(ws, properties)
            return (store.count(rules), store.count(EVERYONE), store.sample(rules, SAMPLE_SIZE), missing,
                    missing_props)

        self.background.submit(work, self._on_count, self._on_count_failed, key="count")

    def _on_count(self, result: tuple[int, int, list, tuple[set[str], set[str]], set[tuple[str, str]]]) -> None:
        count, everyone, sample, self.missing, self.missing_properties = result
        self.last_count, self.last_sample = count, sample
        self.export_button.setEnabled(count > 0 and self._export is None)
        self._show_hints()
        self.count_label.setText(self.tr("1 customer") if count == 1
                                 else self.tr("%1 customers").replace("%1", f"{count:,}"))
        if everyone:
            share = 100.0 * count / everyone
            note = fill(self.tr("match now, %1% of %2"), f"{share:.1f}", f"{everyone:,}")
        else:
            note = self.tr("No customers yet — import a CSV or start the collector.")
        if self.left_out:
            # Rows just added, still empty: counted once they are filled in.
            note += "\n" + (self.tr("1 empty condition is left out") if self.left_out == 1 else
                            fill(self.tr("%1 empty conditions are left out"), str(self.left_out)))
        self.count_note.setText(note)
        self.sample.clear()
        self.sample_title.setText(fill(self.tr("Sample: %1 of %2"), f"{len(sample):,}",
                                       f"{count:,}") if 0 < len(sample) < count else self.tr("Sample"))
        for summary in sample:
            other = secondary_identifier(summary)
            item = QtWidgets.QListWidgetItem(f"{summary.label}\n{other}" if other else summary.label)
            item.setData(_ID_ROLE, summary.id)
            item.setToolTip("\n".join(f"{k}: {v}" for k, v in summary.identifiers) or summary.id)
            self.sample.addItem(item)
        if not sample:
            item = QtWidgets.QListWidgetItem(self.tr("No one matches these rules now."))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.sample.addItem(item)

    def _show_hints(self) -> None:
        """Under each condition row, what the workspace lacks of what it names (see the module docstring)."""
        known = self.editor.vocabulary.known
        missing_events, missing_attributes = self.missing
        for row in self.editor.condition_rows():
            row.set_hint(_hint(row, known, missing_events, missing_attributes, self.missing_properties))

    def _clear_sample(self) -> None:
        """No count to show: an empty sample under a plain title (not the last count's)."""
        self.sample.clear()
        self.sample_title.setText(self.tr("Sample"))

    def _on_count_failed(self, message: str) -> None:
        self.last_count = None
        self.export_button.setEnabled(False)
        self._clear_sample()
        self.count_label.setText("—")
        self.count_note.setText(self.tr("Could not count: %1").replace("%1", message))

    # -- exporting the members ----------------------------------------------------------------
    def export_members(self) -> None:
        """Ask where, then write every customer the rules pick now to an Excel workbook or a CSV
        file (:func:`~engine.track.member_export.write_members`) on the worker, with a progress
        dialog whose Cancel leaves nothing written."""
        if self._export is not None or not self.export_button.isEnabled():
            return
        rules = self._check(filled_only=True)
        if rules is None:
            return
        name = self.name.text().strip() or self.tr("Customers")
        path = self._ask_export_path(self.export_folder / (file_name(name) + ".xlsx"))
        if not path:
            return
        target = Path(path)
        try:
            fmt = export_format(target)
        except JourneyStudioError as exc:
            self._error(self.tr("Export members"), str(exc))
            return
        self.export_folder = target.parent
        progress = QtWidgets.QProgressDialog(fill(self.tr("Exporting the customers of “%1”…"), name),
                                             self.tr("Cancel"), 0, max(self.last_count or 0, 1), self)
        progress.setWindowTitle(self.tr("Export members"))
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        stop = threading.Event()
        progress.canceled.connect(stop.set)
        relay = _ExportProgress(progress)
        relay.total.connect(lambda n: progress.setMaximum(max(n, 1)))
        relay.done.connect(progress.setValue)
        self._export = (progress, stop)
        self.export_button.setEnabled(False)
        store, ws = self.store, self.workspace

        def work() -> ExportResult:
            ids = list(store.members(rules))
            relay.total.emit(len(ids))
            return write_members(target, member_summaries(ws, ids), sheet=name, progress=relay.done.emit,
                                 cancelled=stop.is_set)

        self.background.submit(work, lambda result: self._on_exported(result, fmt),
                               self._on_export_failed, key="export")

    def _end_export(self) -> bool:
        """Close the progress dialog; whether the export was cancelled (its Cancel pressed)."""
        if self._export is None:
            return False
        progress, stop = self._export
        self._export = None
        # Closing a progress dialog emits ``canceled``: read the flag first, and let the closing
        # set nothing, so that a failure is never taken for a cancel.
        cancelled = stop.is_set()
        progress.canceled.disconnect(stop.set)
        progress.close()
        progress.deleteLater()
        self.export_button.setEnabled(bool(self.last_count))
        return cancelled

    def _on_exported(self, result: ExportResult, fmt: str) -> None:
        self._end_export()
        what = self.tr("1 customer") if result.rows == 1 else fill(self.tr("%1 customers"), f"{result.rows:,}")
        self.statusBar().showMessage(fill(self.tr("Exported %1 to %2"), what, str(result.path)), 8000)
        if result.notes:
            QtWidgets.QMessageBox.information(self, self.tr("Export members"),
                                              fill(self.tr("Exported %1 to %2.\n\n%3"), what, str(result.path),
                                                   "\n".join(result.notes)))

    def _on_export_failed(self, message: str) -> None:
        if self._end_export():  # cancelled: the worker stopped with ExportCancelled
            self.statusBar().showMessage(self.tr("Export cancelled; nothing was written"), 6000)
            return
        self._error(self.tr("Export members"), message)

    def _ask_export_path(self, suggested: Path) -> str:
        """Where to export (overridable, so tests can answer); an empty answer cancels."""
        xlsx, csv = self.tr("Excel workbook (*.xlsx)"), self.tr("CSV, UTF-8 (*.csv)")
        path, chosen = QtWidgets.QFileDialog.getSaveFileName(self, self.tr("Export members"), str(suggested),
                                                             f"{xlsx};;{csv}", xlsx)
        if path and not Path(path).suffix:
            path += ".csv" if chosen == csv else ".xlsx"
        return path

    # -- saving and deleting ------------------------------------------------------------------
    def save(self) -> bool:
        """Check and store the segment; with journeys using it, ask first. ``False`` when refused
        before anything was stored (the reason is shown)."""
        name = self.name.text().strip()
        if not name:
            self._refuse_name(self.tr("A segment needs a name."))
            return False
        # Rows added but never filled in are dropped, as the live count leaves them out.
        removed = self._one_step(self.editor.remove_blank, self.tr("remove empty conditions"))
        rules = self._check()
        if rules is None:
            return False
        self._removed_blank = removed
        description = self.description.toPlainText()
        segment_id, ws, store = self.current_id, self.workspace, self.store
        rules_changed = segment_id is not None and rules != self._loaded[2]

        def store_it() -> SegmentInfo | SegmentInvalid:
            # A refusal comes back as a value: its path says which field to mark, and its message
            # reads alone (the exception's text starts with "segment rules at name:").
            try:
                if segment_id is None:
                    return store.create(name, rules, description)
                return store.update(segment_id, name=name, rules=rules, description=description)
            except SegmentInvalid as exc:
                return exc

        def after_references(places: list[tracking_plan.Place]) -> None:
            if places and not self._confirm(
                    self.tr("Change a segment in use"),
                    self.tr("%1 uses this segment. Customers will be picked by the new rules from now on. "
                            "Save the changes?").replace("%1", _places_text(places))):
                return
            self.background.submit(store_it, self._on_saved, self._on_save_failed)

        if rules_changed:
            self.background.submit(lambda: tracking_plan.segment_references(ws, segment_id), after_references,
                                   self._on_save_failed)
        else:
            after_references([])
        return True

    def _on_saved(self, info: SegmentInfo | SegmentInvalid) -> None:
        if isinstance(info, SegmentInvalid):
            self._on_refused(info)
            return
        self.current_id = info.id
        self._loaded = self._current()
        self._update_state()
        message = fill(self.tr("Saved “%1”"), info.name)
        if self._removed_blank:
            message += " · " + (self.tr("1 empty condition removed") if self._removed_blank == 1 else
                                fill(self.tr("%1 empty conditions removed"), str(self._removed_blank)))
        self.statusBar().showMessage(message, 6000)
        self.reload(select=info.id)
        self.segmentsChanged.emit()

    def _on_refused(self, exc: SegmentInvalid) -> None:
        """The store refused the segment: mark the name, or the rule, and say why in a sentence."""
        if exc.path in ("name", "description"):
            if exc.path == "name":
                self._refuse_name(sentence(exc.message))
            else:
                self._show_error("", sentence(exc.message))
            return
        field = exc.path.rsplit(".", 1)[-1] if "." in exc.path else ""
        message = friendly(exc.message, "" if "[" in field else field)
        self._show_error(self.editor.mark(exc.path, message), message)

    def _refuse_name(self, text: str) -> None:
        _mark(self.name, True, text)
        self._show_error("", text)
        self.name.setFocus()

    def _on_save_failed(self, message: str) -> None:
        self._error(self.tr("Not saved"), sentence(message))

    def delete_current(self) -> None:
        info = next((s for s in self.segments if s.id == self.current_id), None)
        if info is None:
            return
        ws, store = self.workspace, self.store

        def after_references(places: list[tracking_plan.Place]) -> None:
            text = self.tr("Delete the segment “%1”?").replace("%1", info.name)
            if places:
                text += " " + self.tr("%1 uses it; those steps will no longer find anyone in it.").replace(
                    "%1", _places_text(places))
            if not self._confirm(self.tr("Delete segment"), text):
                return
            self.background.submit(lambda: store.delete(info.id), lambda _none: self._on_deleted(info),
                                   lambda message: self._error(self.tr("Not deleted"), message))

        self.background.submit(lambda: tracking_plan.segment_references(ws, info.id), after_references,
                               lambda message: self._error(self.tr("Not deleted"), message))

    def _on_deleted(self, info: SegmentInfo) -> None:
        if self.current_id == info.id:
            # What the form shows was just deleted on purpose: nothing to save.
            self._show_new()
        self.statusBar().showMessage(self.tr("Deleted “%1”").replace("%1", info.name), 4000)
        self.reload()
        self.segmentsChanged.emit()

    # -- questions (overridable) --------------------------------------------------------------
    def _confirm(self, title: str, text: str) -> bool:
        answer = QtWidgets.QMessageBox.question(self, title, text)
        return answer == QtWidgets.QMessageBox.StandardButton.Yes

    def _ask_unsaved(self, name: str) -> str:
        """"save", "discard" or "cancel" for unsaved edits."""
        return ask_save_discard_cancel(self, name)

    def _error(self, title: str, text: str) -> None:
        QtWidgets.QMessageBox.warning(self, title, text)

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:  # noqa: N802
        if self.dirty:
            answer = self._ask_unsaved(self.name.text().strip() or self.tr("the new segment"))
            if answer == "cancel" or (answer == "save" and not self.save()):
                event.ignore()
                return
            if answer == "discard":
                self.revert()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Wait for the engine call under way and accept no more (the app is closing)."""
        self.count_timer.stop()
        self.background.shutdown()


class _LinesDelegate(QtWidgets.QStyledItemDelegate):
    """Gives each line of an item (a sample customer: name, then e-mail or phone) the height of
    its tallest line.

    The style draws a line only when the next one would still fit at the same height, and elides
    the rest. A Chinese name is set in a fallback font taller than the Latin text under it, so at
    its natural height the row would show ``王小明…`` without the customer's e-mail.
    """

    def sizeHint(self, option: QtWidgets.QStyleOptionViewItem,  # noqa: N802
                 index: QtCore.QModelIndex) -> QtCore.QSize:
        size = super().sizeHint(option, index)
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if not isinstance(text, str) or "\n" not in text:
            return size
        heights = [line_height(option.font, line) for line in text.split("\n")]
        size.setHeight(size.height() + math.ceil(max(heights) * len(heights) - sum(heights)))
        return size


def line_height(font: QtGui.QFont, text: str) -> float:
    """The height of ``text`` laid out as one line in ``font`` (fallback fonts included)."""
    layout = QtGui.QTextLayout(text, font)
    layout.beginLayout()
    line = layout.createLine()
    height = 0.0
    if line.isValid():
        line.setLineWidth(1_000_000)  # one line, never wrapped
        height = line.height()
    layout.endLayout()
    return height


class _ExportProgress(QtCore.QObject):
    """Carries an export's progress from the worker to the UI thread (it lives on the latter)."""

    #: Customers to write.
    total = Signal(int)
    #: Customers written so far.
    done = Signal(int)


#: The longest suggested file name, in UTF-8 bytes (file systems take 255), leaving room for a suffix.
MAX_FILE_NAME_BYTES = 150


def file_name(text: str) -> str:
    """``text`` as a file's name on any system: no ``<>:"/\\|?*`` or control characters, at
    most 100 characters and :data:`MAX_FILE_NAME_BYTES` bytes in UTF-8 (cut between characters);
    ``"members"`` if nothing is left."""
    name = re.sub(r'[<>:"/\\|?*\x00-\x1f\s\ud800-\udfff]+', " ", text).strip(" .")[:100]
    name = name.encode("utf-8")[:MAX_FILE_NAME_BYTES].decode("utf-8", "ignore").strip(" .")
    return name or "members"


def _rule_names(rules: dict[str, Any]) -> tuple[set[str], set[str]]:
    """The event and attribute names a rule tree uses."""
    events: set[str] = set()
    attributes: set[str] = set()
    for condition in rules.get("conditions") or []:
        kind = condition.get("kind")
        if kind == "group":
            more = _rule_names(condition)
            events |= more[0]
            attributes |= more[1]
        elif kind == "event" and condition.get("event"):
            events.add(condition["event"])
        elif kind == "attribute" and condition.get("attribute"):
            attributes.add(condition["attribute"])
    return events, attributes


def _filter_names(rules: dict[str, Any]) -> set[tuple[str, str]]:
    """The ``(event, property)`` pairs the event conditions' filters of a rule tree name."""
    pairs: set[tuple[str, str]] = set()
    for condition in rules.get("conditions") or []:
        kind = condition.get("kind")
        if kind == "group":
            pairs |= _filter_names(condition)
        elif kind == "event" and condition.get("event"):
            pairs.update((condition["event"], f["property"]) for f in condition.get("filters") or []
                         if f.get("property"))
    return pairs


def _hint(row: ConditionRow, known: KnownNames, missing_events: set[str], missing_attributes: set[str],
          missing_properties: set[tuple[str, str]] = frozenset()) -> str:
    """The note under one condition row ("" for none)."""
    kind = row.kind.key()
    if kind == "event":
        name = row.event.event.text().strip()
        if name not in missing_events:
            return _property_hints(name, row.event, known, missing_properties)
        guess = closest_name(name, known.events)
        if guess is None:
            return translate("SegmentBuilder", "No event named ‘%1’ has been received yet.").replace("%1", name)
        return fill(translate("SegmentBuilder", "No event named ‘%1’ has been received; did you mean ‘%2’?"),
                    name, guess)
    if kind == "attribute":
        name = row.attribute.name.text().strip()
        if name in missing_attributes:
            guess = closest_name(name, known.attributes)
            if guess is None:
                return translate("SegmentBuilder", "No customer has an attribute named ‘%1’.").replace("%1", name)
            return fill(translate("SegmentBuilder", "No customer has an attribute named ‘%1’; did you mean ‘%2’?"),
                        name, guess)
        value = row.attribute.value.text().strip()
        if row.attribute.operator.key() in ("eq", "ne") and value:
            values = row.attribute.vocabulary.values(name) if row.attribute.vocabulary else []
            other = next((v for v in values if fold(v) == fold(value)), None) if value not in values else None
            if other is not None:
                return fill(translate("SegmentBuilder", "Customers have ‘%1’, not ‘%2’: “is” matches capitals "
                                                        "exactly (“contains” ignores them)."), other, value)
        return ""
    # Tags match in any case (engine.track.segments): "Vip" finds the customers tagged "VIP".
    return ""


def _property_hints(event: str, editor: EventEditor, known: KnownNames,
                    missing_properties: set[tuple[str, str]]) -> str:
    """A line for each filter naming a property no stored ``event`` has, with the likely one."""
    lines: list[str] = []
    said: set[str] = set()
    for row in editor.filters:
        name = row.comparison.name.text().strip()
        if (event, name) not in missing_properties or name in said:
            continue
        said.add(name)
        guess = closest_name(name, known.properties)
        if guess is None:
            text = translate("SegmentBuilder", "No ‘%1’ event has a property named ‘%2’.")
        else:
            text = translate("SegmentBuilder", "No ‘%1’ event has a property named ‘%2’; did you mean ‘%3’?")
        lines.append(fill(text, event, name, guess or ""))
    return "\n".join(lines)


def _places_text(places: list[tracking_plan.Place]) -> str:
    names = sorted({f"“{p.journey_name}” ({p.where})" for p in places})
    shown = ", ".join(names[:4])
    if len(names) > 4:
        shown += " " + translate("SegmentBuilder", "and %1 more").replace("%1", str(len(names) - 4))
    return translate("SegmentBuilder", "The journey %1").replace("%1", shown) if len(names) == 1 \
        else translate("SegmentBuilder", "The journeys %1").replace("%1", shown)
