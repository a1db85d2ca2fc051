"""The generated settings form: one field→widget table turning a pydantic config model into editors.

:class:`ConfigForm` walks a node's config model and builds one editor per field through
:data:`EDITORS`, keyed by the field's *kind* as decided by :func:`classify` (text, number with
bounds, choice, nested model, list, tagged union, key/value table, colour, channel/event/segment/
time zone pickers, message templates, and a raw JSON fallback). It reports every user edit as ``edited(path, config)``, shows
validation messages next to the fields they concern, and never alters values it cannot show.
"""

from __future__ import annotations

import contextlib
import datetime
import enum
import json
import math
import types
import typing
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal, NamedTuple, Union

import annotated_types
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined, to_jsonable_python

from engine.i18n import QT_TRANSLATE_NOOP
from gui.qt import Qt, QtCore, QtGui, QtWidgets, Signal, fill, translate
from gui.template_editor import PlaceholderButton, TemplateEdit

#: A key absent from the config, kept absent unless the user fills the field in.
MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()

#: Hints (``json_schema_extra={"widget": ...}``) that turn a text field into an editable picker.
PICKER_HINTS = ("channel", "event", "segment", "write_key", "timezone")
ERROR_COLOR = "#C62828"
WARNING_COLOR = "#B26A00"
_INT_LIMIT = 2_000_000_000
_FLOAT_LIMIT = 1e12


def _ntr(text: str) -> str:
    """Titles and descriptions declared by node specs live in the ``nodes`` context."""
    return translate("nodes", text) if text else ""


def humanize(value: Any) -> str:
    """``after_exit`` → ``After exit``; ``FunnelStep`` → ``Funnel step``."""
    if isinstance(value, bool):
        return translate("ConfigForm", "Yes") if value else translate("ConfigForm", "No")
    text = str(value)
    if text and "_" not in text and " " not in text and any(c.islower() for c in text):
        # CamelCase class names read as words.
        out = ""
        for i, c in enumerate(text):
            if c.isupper() and i and text[i - 1].islower():
                out += " "
            out += c
        text = out
    text = text.replace("_", " ").strip()
    if not text:
        return text
    return text[0].upper() + text[1:].lower() if text[1:].islower() or " " in text else text[0].upper() + text[1:]


#: Short codes common in rule builders, which ``humanize`` alone would leave cryptic.
_SHORT_CODES = {
    "eq": QT_TRANSLATE_NOOP("ConfigForm", "equals"),
    "ne": QT_TRANSLATE_NOOP("ConfigForm", "does not equal"),
    "gt": QT_TRANSLATE_NOOP("ConfigForm", "greater than"),
    "gte": QT_TRANSLATE_NOOP("ConfigForm", "at least"),
    "lt": QT_TRANSLATE_NOOP("ConfigForm", "less than"),
    "lte": QT_TRANSLATE_NOOP("ConfigForm", "at most"),
    "not_exists": QT_TRANSLATE_NOOP("ConfigForm", "is not set"),
    "exists": QT_TRANSLATE_NOOP("ConfigForm", "is set"),
}


def choice_label(value: Any, labels: dict[str, str] | None = None) -> str:
    """How a Literal/Enum value reads in a drop-down: the field's ``labels`` hint, else readable text."""
    if labels and str(value) in labels:
        return _ntr(labels[str(value)])
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, str) and value in _SHORT_CODES:
        return translate("ConfigForm", _SHORT_CODES[value])
    return _ntr(humanize(value))


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same JSON type (``1``, ``1.0`` and ``True`` differ in a config)."""
    return type(a) is type(b) and a == b


def _as_typed(current: str, value: str) -> str:
    """The text a box loading ``value`` shows: the text it already shows when that differs only by
    surrounding whitespace. Every edit is validated and loaded back, and a field that strips
    whitespace returns "Order" for "Order ": replacing the text would swallow the space typed
    between two words."""
    return current if current != value and current.strip() == value else value


def _jsonable(value: Any) -> Any:
    try:
        return to_jsonable_python(value)
    except Exception:  # an exotic default must not break the form
        return value


# ---------------------------------------------------------------------------------------------
# Field classification
# ---------------------------------------------------------------------------------------------

@dataclass
class FieldKind:
    """What the form knows about one field (or list item): its kind and what the editor needs."""

    kind: str
    tp: Any = None
    optional: bool = False
    hint: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_min: bool = False
    exclusive_max: bool = False
    step: float | None = None
    suffix: str = ""
    max_length: int | None = None
    choices: list[Any] = field(default_factory=list)
    #: ``json_schema_extra={"labels": {value: label}}``: how each choice reads.
    labels: dict[str, str] = field(default_factory=dict)
    item: FieldKind | None = None
    variants: dict[Any, type[BaseModel]] = field(default_factory=dict)
    discriminator: str = "kind"


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _unwrap_annotated(tp: Any, meta: list) -> Any:
    while typing.get_origin(tp) is typing.Annotated:
        args = typing.get_args(tp)
        tp = args[0]
        meta.extend(args[1:])
    return tp


def _flatten_meta(meta: list) -> list:
    out = []
    for m in meta:
        if isinstance(m, FieldInfo):
            out.extend(m.metadata)
            out.append(m)
        else:
            out.append(m)
    return out


def _hint_of(meta: list) -> str | None:
    for m in meta:
        extra = getattr(m, "json_schema_extra", None)
        if isinstance(extra, dict) and isinstance(extra.get("widget"), str):
            return extra["widget"]
    return None


def _discriminator_of(meta: list) -> str | None:
    for m in meta:
        disc = getattr(m, "discriminator", None)
        if isinstance(disc, str):
            return disc
    return None


def _literal_values(tp: Any) -> list | None:
    meta: list = []
    tp = _unwrap_annotated(tp, meta)
    if typing.get_origin(tp) is Literal:
        return list(typing.get_args(tp))
    return None


def _variants(models: list[type[BaseModel]], disc: str) -> dict[Any, type[BaseModel]] | None:
    out: dict[Any, type[BaseModel]] = {}
    for model in models:
        finfo = model.model_fields.get(disc)
        values = _literal_values(finfo.annotation) if finfo is not None else None
        if not values:
            return None
        for v in values:
            out.setdefault(v, model)
    return out


def classify(annotation: Any, info: FieldInfo | None = None) -> FieldKind:
    """Decide which row of :data:`EDITORS` shows a field of this type."""
    return _classify(annotation, [info] if info is not None else [], False)


def _classify(tp: Any, meta: list, optional: bool) -> FieldKind:
    tp = _unwrap_annotated(tp, meta)
    if typing.get_origin(tp) in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        optional = optional or len(args) < len(typing.get_args(tp))
        if len(args) == 1:
            return _classify(args[0], meta, optional)
        else:
            inner = [_unwrap_annotated(a, meta) for a in args]
            flat = _flatten_meta(meta)
            if all(_is_model(a) for a in inner):
                disc = _discriminator_of(flat) or "kind"
                variants = _variants(inner, disc)
                if variants:
                    return FieldKind("union", tp, optional, _hint_of(flat), variants=variants, discriminator=disc)
                return FieldKind("raw", tp, optional)
            literals = [_literal_values(a) for a in inner]
            if all(v is not None for v in literals):
                return FieldKind("choice", tp, optional, _hint_of(flat),
                                 choices=[v for vals in literals for v in vals])
            if all(a in (str, int, float, bool) for a in inner):
                return FieldKind("scalar", tp, optional, _hint_of(flat))
            return FieldKind("raw", tp, optional, _hint_of(flat))
    flat = _flatten_meta(meta)
    hint = _hint_of(flat)
    kind = FieldKind("raw", tp, optional, hint)
    origin = typing.get_origin(tp)
    for m in flat:
        extra = getattr(m, "json_schema_extra", None)
        if isinstance(extra, dict):
            if isinstance(extra.get("suffix"), str):
                kind.suffix = extra["suffix"]
            if isinstance(extra.get("labels"), dict):
                kind.labels = {str(k): str(v) for k, v in extra["labels"].items()}
        if isinstance(m, annotated_types.MaxLen):
            kind.max_length = m.max_length
        elif getattr(m, "max_length", None) is not None and not isinstance(m, FieldInfo):
            kind.max_length = m.max_length
    if origin is Literal:
        kind.kind, kind.choices = "choice", list(typing.get_args(tp))
    elif isinstance(tp, type) and issubclass(tp, enum.Enum):
        kind.kind, kind.choices = "choice", [m.value for m in tp]
    elif tp is bool:
        kind.kind = "bool"
    elif tp in (int, float):
        kind.kind = "int" if tp is int else "float"
        for m in flat:
            if isinstance(m, annotated_types.Ge) and m.ge is not None:
                kind.minimum = m.ge
            elif isinstance(m, annotated_types.Gt) and m.gt is not None:
                kind.minimum, kind.exclusive_min = m.gt, True
            elif isinstance(m, annotated_types.Le) and m.le is not None:
                kind.maximum = m.le
            elif isinstance(m, annotated_types.Lt) and m.lt is not None:
                kind.maximum, kind.exclusive_max = m.lt, True
            elif isinstance(m, annotated_types.MultipleOf):
                kind.step = m.multiple_of
    elif tp is str:
        if hint in ("multiline", "template", "color") or hint in PICKER_HINTS:
            kind.kind = hint
        elif hint == "rules":
            kind.kind = "multiline"
        else:
            kind.kind = "text"
    elif _is_model(tp):
        kind.kind = "model"
    elif origin in (list, tuple, set, frozenset) or tp in (list, tuple, set):
        args = typing.get_args(tp)
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            return kind  # fixed-length tuples stay raw
        item = classify(args[0]) if args else FieldKind("raw")
        kind.item = item
        if item.optional:
            pass
        elif item.kind in ("text", *PICKER_HINTS, "int", "float"):
            kind.kind = "list_str"
        elif item.kind == "choice":
            kind.kind, kind.choices = "multi_choice", item.choices
        elif item.kind in ("model", "union"):
            kind.kind = "list_model"
    elif origin is dict or tp is dict:
        args = typing.get_args(tp)
        if not args or args[0] is str:
            kind.kind = "dict"
            kind.item = classify(args[1]) if len(args) == 2 else FieldKind("raw")
    return kind


# ---------------------------------------------------------------------------------------------
# Shared state of one form
# ---------------------------------------------------------------------------------------------

class _Context:
    """What every editor of one form shares: the edit notifier, the loading guard, picker choices."""

    def __init__(self, notify, request=None):
        self._notify = notify
        self._loading = 0
        self.choices: dict[str, list[str]] = {}
        #: Editors that take ``set_choices`` by hint (pickers; template fields under "placeholder").
        self.pickers: dict[str, list[FieldEditor]] = {}
        #: Called after a load and after each user edit: editors that depend on a sibling's value
        #: (the channel picker on ``channel_kind``) look again once every field shows its value.
        self.watchers: list[Callable[[], None]] = []
        #: ``request(name)`` asks the form's owner for something outside the form ("manage_channels").
        self.request: Callable[[str], None] = request or (lambda _name: None)

    @property
    def loading(self) -> bool:
        return self._loading > 0

    @contextlib.contextmanager
    def load(self) -> Iterator[None]:
        self._loading += 1
        try:
            yield
        finally:
            self._loading -= 1
            if not self._loading:
                self._watch()

    def notify(self, path: str) -> None:
        if not self.loading:
            self._watch()
            self._notify(path)

    def _watch(self) -> None:
        alive = []
        for watcher in self.watchers:
            try:
                watcher()
            except RuntimeError:  # an editor of a variant that was swapped out
                continue
            alive.append(watcher)
        self.watchers = alive


class _NoWheelMixin:
    """Scrolling the inspector must not change a value the pointer happens to pass over."""

    def wheelEvent(self, event):  # noqa: N802 - Qt override
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class _SpinBox(_NoWheelMixin, QtWidgets.QSpinBox):
    pass


class _DoubleSpinBox(_NoWheelMixin, QtWidgets.QDoubleSpinBox):
    pass


class _ComboBox(_NoWheelMixin, QtWidgets.QComboBox):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # Long choices must not force the dock wider than it is.
        self.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(6)


def secondary(widget: QtWidgets.QWidget) -> QtWidgets.QWidget:
    """Give a hint text a colour between text and background: quieter, yet easy to read."""
    palette = widget.palette()
    text = palette.color(QtGui.QPalette.ColorRole.WindowText)
    back = palette.color(QtGui.QPalette.ColorRole.Window)
    mid = QtGui.QColor((text.red() * 3 + back.red() * 2) // 5, (text.green() * 3 + back.green() * 2) // 5,
                       (text.blue() * 3 + back.blue() * 2) // 5)
    palette.setColor(QtGui.QPalette.ColorRole.WindowText, mid)
    widget.setPalette(palette)
    return widget


def _error_label(parent: QtWidgets.QWidget) -> QtWidgets.QLabel:
    label = QtWidgets.QLabel(parent)
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {ERROR_COLOR};")
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.hide()
    return label


# ---------------------------------------------------------------------------------------------
# Editors
# ---------------------------------------------------------------------------------------------

class FieldEditor(QtWidgets.QWidget):
    """One field's editor. ``set`` shows a value; ``get`` returns it (JSON-compatible).

    A value the editor cannot show (wrong type, unknown choice) is kept and returned unchanged
    until the user edits the field.
    """

    #: ``row``: label above the editor; ``span``: the editor carries its own title; ``group``: a box.
    placement = "row"
    #: The field's default (JSON form), used when the config lacks the key.
    default: Any = MISSING

    def __init__(self, kind: FieldKind, ctx: _Context, path: str, title: str = "",
                 parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.kind = kind
        self.ctx = ctx
        self.path = path
        self.title = title
        self.parent_editor: FieldEditor | None = None
        self._orig: Any = MISSING
        self._keep = True
        self._errors: list[str] = []
        self._layout = QtWidgets.QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(3)
        self._error = _error_label(self)

    def _finish(self) -> None:
        """Called by subclasses once their widgets are in the layout: errors go last."""
        self._layout.addWidget(self._error)

    # -- value ------------------------------------------------------------------------------
    def set(self, value: Any) -> None:
        self._orig = value
        if value is MISSING:
            self._load(self.empty())
            self._keep = True
        else:
            self._keep = not self._load(value)

    def get(self) -> Any:
        return self._orig if self._keep else self._read()

    def empty(self) -> Any:
        return None if self.kind.optional else ""

    def _load(self, value: Any) -> bool:
        """Show ``value``; return False when it cannot be shown faithfully."""
        raise NotImplementedError

    def _read(self) -> Any:
        raise NotImplementedError

    def user_changed(self, path: str | None = None) -> None:
        if self.ctx.loading:
            return
        editor: FieldEditor | None = self
        while editor is not None:
            editor._keep = False
            editor = editor.parent_editor
        self.ctx.notify(path or self.path)

    # -- errors -----------------------------------------------------------------------------
    def clear_errors(self) -> None:
        self._errors = []
        self._error.clear()
        self._error.hide()

    def add_error(self, message: str) -> None:
        self._errors.append(message)
        self._error.setText("\n".join(self._errors))
        self._error.show()

    def route_error(self, parts: list[str], message: str) -> None:
        if parts:
            message = f"{'.'.join(parts)}: {message}"
        self.add_error(message)

    def errors(self) -> list[str]:
        return list(self._errors)

    def find(self, parts: list[str]) -> FieldEditor | None:
        return self if not parts else None

    def focus_widget(self) -> QtWidgets.QWidget:
        """The widget that takes keyboard focus for this field (a label's buddy)."""
        for name in ("edit", "combo", "spin", "check", "table"):
            widget = getattr(self, name, None)
            if widget is not None:
                return widget
        return self


class TextEditor(FieldEditor):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.edit = QtWidgets.QLineEdit(self)
        self.edit.setClearButtonEnabled(self.kind.optional)
        self.edit.textEdited.connect(lambda _t: self.user_changed())
        self._layout.addWidget(self.edit)
        self._finish()

    def _load(self, value):
        if value is None and self.kind.optional:
            value = ""
        if not isinstance(value, str):
            self.edit.setText("" if value is None else str(value))
            return False
        text = _as_typed(self.edit.text(), value)
        if self.edit.text() != text:  # keeps the cursor where the user is typing
            self.edit.setText(text)
        return True

    def _read(self):
        text = self.edit.text()
        return None if self.kind.optional and text == "" else text


class ScalarEditor(FieldEditor):
    """Text, number or yes/no in one line: ``12`` is a number, ``true`` a bool, anything else text."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.edit = QtWidgets.QLineEdit(self)
        self.edit.setPlaceholderText(translate("ConfigForm", "Text, number, true or false"))
        self.edit.textEdited.connect(lambda _t: self.user_changed())
        self._layout.addWidget(self.edit)
        self._finish()

    @staticmethod
    def parse(text: str) -> Any:
        stripped = text.strip()
        if stripped in ("true", "false"):
            return stripped == "true"
        try:
            return int(stripped)
        except ValueError:
            pass
        try:
            number = float(stripped)
            if math.isfinite(number):
                return number
        except ValueError:
            pass
        if len(stripped) >= 2 and stripped[0] == stripped[-1] == '"':
            with contextlib.suppress(ValueError):
                return json.loads(stripped)
        return text

    @classmethod
    def show(cls, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, str):
            return value if cls.parse(value) == value and value.strip() == value else json.dumps(value)
        return json.dumps(value)

    def _load(self, value):
        if value is not None and not isinstance(value, (str, int, float, bool)):
            self.edit.setText(json.dumps(value))
            return False
        if not _same(self._read(), value):
            self.edit.setText(self.show(value))
        return _same(self._read(), value)

    def _read(self):
        text = self.edit.text()
        if text.strip() == "":
            return None if self.kind.optional else ""
        return self.parse(text)


class MultilineEditor(FieldEditor):
    """Several lines of text; a ``template`` field gets the template editor (tinted placeholders)
    with a button that inserts customer attributes, offered through ``set_choices("placeholder")``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        template = self.kind.kind == "template"
        self.placeholders: PlaceholderButton | None = None
        if template:
            self.edit = TemplateEdit(self)
        else:
            self.edit = QtWidgets.QPlainTextEdit(self)
            self.edit.setTabChangesFocus(True)
        # A short text (a subject line) gets a short box; a message body a tall one.
        short = self.kind.max_length is not None and self.kind.max_length <= 300
        lines = 2 if short else 4
        if template:
            self.edit.setPlaceholderText(
                translate("ConfigForm", "Use {{ customer.first_name }} to personalise"))
            lines = 3 if short else 6  # placeholders with fallbacks make subjects wrap
        metrics = QtGui.QFontMetrics(self.edit.font())
        self.edit.setFixedHeight(metrics.lineSpacing() * lines + 14)
        self.edit.textChanged.connect(self.user_changed)
        if template:
            row = QtWidgets.QHBoxLayout()
            row.setSpacing(2)
            self.placeholders = PlaceholderButton(self.edit, self)
            row.addWidget(self.edit, 1)
            row.addWidget(self.placeholders, 0, Qt.AlignmentFlag.AlignTop)
            self._layout.addLayout(row)
            self.ctx.pickers.setdefault("placeholder", []).append(self)
            if self.ctx.choices.get("placeholder"):
                self.set_choices(self.ctx.choices["placeholder"])
        else:
            self._layout.addWidget(self.edit)
        self._finish()

    def set_choices(self, choices: list[str]) -> None:
        """The attributes the placeholder menu offers (a template field only)."""
        if self.placeholders is not None:
            self.placeholders.set_attributes(choices)

    def _load(self, value):
        if value is None and self.kind.optional:
            value = ""
        ok = isinstance(value, str)
        text = value if ok else ("" if value is None else str(value))
        text = _as_typed(self.edit.toPlainText(), text)
        if self.edit.toPlainText() != text:
            self.edit.setPlainText(text)
        return ok

    def _read(self):
        text = self.edit.toPlainText()
        return None if self.kind.optional and text == "" else text


class ChannelChoice(NamedTuple):
    """A connected channel account as channel pickers offer it."""

    id: str
    name: str
    #: The provider, e.g. "Email (SMTP)".
    kind_label: str
    #: What it carries: ``email``, ``sms``, ``webhook``, ``chat``, or ``any`` (the simulated account).
    channel_kind: str
    #: Why it may not deliver (its last delivery failed), or "".
    problem: str = ""

    @property
    def text(self) -> str:
        return f"{self.name} ({self.id})" if self.name and self.name != self.id else self.id

    def carries(self, channel_kind: str) -> bool:
        return not channel_kind or self.channel_kind in (channel_kind, "any")


class _Item(NamedTuple):
    """One entry of a picker's list: the value kept in the config, the text shown, a tooltip and
    whether it carries a warning icon."""

    id: str
    text: str
    tip: str = ""
    warn: bool = False


#: Pickers whose value is an id shown as a name ("channel", "segment").
_LABELLED = ("channel", "segment")
#: The "Manage …" link under a picker: (request sent to the form's owner, link text, tooltip).
_MANAGE = {
    "channel": ("manage_channels", QT_TRANSLATE_NOOP("ConfigForm", "Manage channels…"),
                QT_TRANSLATE_NOOP("ConfigForm", "Connect, test and fix channel accounts")),
    "segment": ("manage_segments", QT_TRANSLATE_NOOP("ConfigForm", "Manage segments…"),
                QT_TRANSLATE_NOOP("ConfigForm", "Build, change and save segments")),
    "write_key": ("manage_write_keys", QT_TRANSLATE_NOOP("ConfigForm", "Manage write keys…"),
                  QT_TRANSLATE_NOOP("ConfigForm", "Open the Collector to make or remove write keys")),
}
#: What an empty picker shows.
_PLACEHOLDERS = {
    "channel": QT_TRANSLATE_NOOP("ConfigForm", "Choose or type a channel account"),
    "event": QT_TRANSLATE_NOOP("ConfigForm", "Choose or type an event name"),
    "segment": QT_TRANSLATE_NOOP("ConfigForm", "Choose a saved segment"),
    "write_key": QT_TRANSLATE_NOOP("ConfigForm", "Any write key"),
    "timezone": QT_TRANSLATE_NOOP("ConfigForm", "Type a city or region, e.g. Berlin"),
}
#: What an empty picker shows once the workspace is known to have nothing to offer. Short enough
#: for the inspector dock: a placeholder is clipped, never wrapped.
_PLACEHOLDERS_NONE_YET = {
    "segment": QT_TRANSLATE_NOOP("ConfigForm", "No saved segments yet"),
    # An empty write key means every key, so the field may well stay empty.
    "write_key": QT_TRANSLATE_NOOP("ConfigForm", "No write keys yet: any key counts"),
}


class _PickerEditor(FieldEditor):
    """An editable drop-down for channels, events, segments and write keys; choices arrive via
    ``set_choices``.

    A channel picker takes :class:`ChannelChoice` s: it lists the accounts that carry the kind
    chosen in the sibling ``channel_kind`` field, says when the chosen account is not connected or
    cannot carry that kind, and has a "Manage channels…" button. Its value stays the account id,
    which may be typed for an account that is set up later.

    A segment picker takes :class:`~engine.track.choices.SegmentChoice` s: it shows saved segments
    by name and keeps the id; a name typed exactly (capitals included, surrounding spaces not) is
    read as that segment. An event picker takes :class:`~engine.track.choices.EventChoice` s (or
    names), a write-key picker names. Segment and write-key pickers say when the value names
    nothing the workspace has, once its choices are known (not while a name some item begins with
    is being typed), and link to the window that makes them.

    The drop-down's current item is the one the value names (none when it names nothing), so the
    arrow keys move on from the chosen item.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._choices: list = []
        self._shown: tuple[_Item, ...] = ()
        self.manage: QtWidgets.QToolButton | None = None
        self.status: QtWidgets.QLabel | None = None
        self.combo = _ComboBox(self)
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QtWidgets.QComboBox.InsertPolicy.NoInsert)
        # Names are exact: with "VIP customers" and "vip customers" saved, typing the second and
        # pressing Enter must not pick the first (the combo matches as its completer does).
        self.combo.completer().setCaseSensitivity(Qt.CaseSensitivity.CaseSensitive)
        # Suggestions in a list below, not typed ahead into the field: a new event named "Order"
        # must not become the "Order Completed" already received when the user moves on.
        self.combo.completer().setCompletionMode(QtWidgets.QCompleter.CompletionMode.PopupCompletion)
        self.combo.lineEdit().textEdited.connect(self._typed)
        self.combo.activated.connect(self._picked)
        self._layout.addWidget(self.combo)
        manage = _MANAGE.get(self.kind.kind)
        if manage is not None:
            self.status = QtWidgets.QLabel(self)
            self.status.setObjectName("pickerStatus" if self.kind.kind != "channel" else "channelStatus")
            self.status.setWordWrap(True)
            self.status.setTextFormat(Qt.TextFormat.PlainText)
            secondary(self.status)  # for hints; warnings get their colour in _show_status
            self.status.hide()
            self._layout.addWidget(self.status)
            # Below the drop-down rather than beside it: the inspector dock is narrow.
            request, text, tip = manage
            self.manage = QtWidgets.QToolButton(self)
            self.manage.setObjectName("manageChannels" if self.kind.kind == "channel" else "managePicker")
            self.manage.setText(translate("ConfigForm", text))
            self.manage.setToolTip(translate("ConfigForm", tip))
            self.manage.setAutoRaise(True)
            self.manage.setStyleSheet("QToolButton { color: palette(link); padding: 0; }")
            self.manage.setCursor(Qt.CursorShape.PointingHandCursor)
            self.manage.clicked.connect(lambda: self.ctx.request(request))
            self._layout.addWidget(self.manage, 0, Qt.AlignmentFlag.AlignLeft)
            self.ctx.watchers.append(self._refilter)
            # A name left unfinished is said to name nothing once the user moves on.
            self.combo.installEventFilter(self)
        self._finish()
        self.ctx.pickers.setdefault(self.kind.kind, []).append(self)
        self.set_choices(self.ctx.choices.get(self.kind.kind, []))

    def set_choices(self, choices: list) -> None:
        value = self._read() or ""
        self._choices = list(choices)
        self._shown = ()
        self.combo.lineEdit().setPlaceholderText(self._placeholder())
        self._refilter(value)

    def _placeholder(self) -> str:
        kind = self.kind.kind
        # The choices are known once the window has offered them (an empty list included).
        if kind in _PLACEHOLDERS_NONE_YET and kind in self.ctx.choices and self._offers_nothing():
            return translate("ConfigForm", _PLACEHOLDERS_NONE_YET[kind])
        return translate("ConfigForm", _PLACEHOLDERS[kind]) if kind in _PLACEHOLDERS else ""

    def _offers_nothing(self) -> bool:
        """Whether the list is empty (deleted segments, known only by name, are never offered)."""
        return not any(isinstance(c, str) or not getattr(c, "deleted", False) for c in self._choices)

    def eventFilter(self, watched, event):  # noqa: N802 - Qt override
        if watched is self.combo and event.type() == QtCore.QEvent.Type.FocusOut:
            self._show_status(self._read() or "")
        return super().eventFilter(watched, event)

    # -- the list -----------------------------------------------------------------------------
    def _items(self) -> list[_Item]:
        kind = self.kind.kind
        if kind == "channel":
            wanted = self.wanted_kind()
            items = [c if isinstance(c, ChannelChoice) else ChannelChoice(str(c), "", "", "")
                     for c in self._choices]
            return [_Item(c.id, c.text, f"{c.kind_label} · {c.problem}" if c.problem else c.kind_label,
                          bool(c.problem))
                    for c in items if not c.channel_kind or c.carries(wanted)]
        if kind == "segment":
            out = []
            for c in self._choices:
                if isinstance(c, str):
                    out.append(_Item(c, c))
                    continue
                if c.deleted:
                    continue  # only named in the note of a node still pointing at it
                # The full name (the list elides long ones) and what the segment is for. Not its
                # member count: stored membership is refreshed by live runs only, so it misleads.
                out.append(_Item(c.id, c.name, f"{c.name}\n{c.description}" if c.description else c.name))
            return out
        if kind == "event":
            out = []
            for c in self._choices:
                if isinstance(c, str):
                    out.append(_Item(c, c))
                    continue
                if c.declared and c.received:
                    tip = translate("ConfigForm", "Declared in the tracking plan and received")
                elif c.declared:
                    tip = translate("ConfigForm", "Declared in the tracking plan; none received yet")
                else:
                    tip = translate("ConfigForm", "Received; not declared in the tracking plan")
                out.append(_Item(c.name, c.name, tip))
            return out
        return [_Item(str(c), str(c)) for c in self._choices]

    def _item_named(self, text: str) -> _Item | None:
        """The item whose text is ``text``, or failing that ``text`` without surrounding spaces."""
        for wanted in (text, text.strip()):
            for item in self._shown:
                if item.text == wanted:
                    return item
        return None

    def _refilter(self, value: str | None = None) -> None:
        """Offer the choices (for a channel: the accounts that carry the wanted kind) and say what
        is wrong with the chosen one."""
        if value is None:
            value = self._read() or ""
        offered = tuple(self._items())
        if offered != self._shown:
            self._shown = offered
            edit = self.combo.lineEdit()
            typed, cursor = edit.text(), edit.cursorPosition()
            blocked = self.combo.blockSignals(True)
            try:
                self.combo.clear()
                for item in offered:
                    self.combo.addItem(item.text, item.id)
                    index = self.combo.count() - 1
                    if item.tip:
                        self.combo.setItemData(index, item.tip, Qt.ItemDataRole.ToolTipRole)
                    if item.warn:
                        warn = self.style().standardIcon(QtWidgets.QStyle.StandardPixmap.SP_MessageBoxWarning)
                        self.combo.setItemIcon(index, warn)
            finally:
                self.combo.blockSignals(blocked)
            self._show(_as_typed(typed, self._text_for(value)), cursor)
        self._show_status(value)

    def _show(self, text: str, cursor: int | None = None) -> None:
        """Show ``text`` with the item it names as the current one, or none when it names none: the
        arrow keys then move on from the chosen item. Emits nothing; the cursor stays at ``cursor``
        (by default where it is)."""
        edit = self.combo.lineEdit()
        if cursor is None:
            cursor = edit.cursorPosition()
        item = self._item_named(text)
        index = self._shown.index(item) if item is not None else -1
        blocked = self.combo.blockSignals(True)
        try:
            if self.combo.currentIndex() != index:
                # This also puts the item's text (or none) into the line being edited: put back
                # ``text`` below.
                self.combo.setCurrentIndex(index)
            if edit.text() != text:
                edit.setText(text)
                edit.setCursorPosition(min(cursor, len(text)))
        finally:
            self.combo.blockSignals(blocked)

    def _typed(self, text: str) -> None:
        self._show(text)
        self.user_changed()

    def _picked(self, _index: int) -> None:
        # A choice from the list is a whole edit: one undo step, never merged with the next.
        self.user_changed()
        self.ctx.request("edit_done")

    def _text_for(self, value: str) -> str:
        if self.kind.kind in _LABELLED:
            for item in self._shown:
                if item.id == value:
                    return item.text
        return value

    # -- channel pickers ----------------------------------------------------------------------
    def wanted_kind(self) -> str:
        """The ``channel_kind`` chosen beside this field, or "" when there is none."""
        sibling = self.parent_editor.children_by_key.get("channel_kind") \
            if isinstance(self.parent_editor, ModelEditor) else None
        value = sibling.get() if sibling is not None else ""
        return value if isinstance(value, str) else ""

    # -- what is wrong with the value ---------------------------------------------------------
    def _show_status(self, value: str) -> None:
        if self.status is None:
            return
        kind = self.kind.kind
        # The choices are known once the window has offered them (an empty list included).
        known = kind in self.ctx.choices
        text = ""
        warning = True
        if kind == "channel":
            text = self._channel_status(value, known)
        elif self._being_typed():
            pass
        elif not value and known and kind == "segment" and self._offers_nothing():
            # The placeholder says there are none; where they come from does not fit beside it.
            text, warning = translate("ConfigForm", "Build one under Manage segments."), False
        elif value and known and kind == "segment" and not any(item.id == value for item in self._shown):
            gone = next((c.name for c in self._choices if not isinstance(c, str) and c.deleted and c.id == value),
                        None)
            if gone is not None:
                text = translate("ConfigForm", "The saved segment “%1” was deleted: choose another, or build it "
                                               "again under Manage segments.").replace("%1", gone)
            else:
                text = translate("ConfigForm", "No saved segment “%1” in this workspace: it was deleted or "
                                               "belongs to another workspace. Choose one, or build it under "
                                               "Manage segments.").replace("%1", value)
        elif value.strip() and known and kind == "write_key" and value.strip() not in map(str, self._choices):
            # Senders send the key itself; the node names a key, and the collector counts the
            # events sent with the key of that name (names are compared without surrounding spaces).
            text = translate("ConfigForm", "This workspace has no write key named “%1”: this source counts no "
                                           "events until a key of that name is made under Manage write keys."
                             ).replace("%1", value.strip())
        self.status.setText(text)
        style = f"color: {WARNING_COLOR};" if warning else ""
        if self.status.styleSheet() != style:  # this runs after every keystroke
            self.status.setStyleSheet(style)
        self.status.setVisible(bool(text))

    def _being_typed(self) -> bool:
        """The picker has focus and what it shows begins some item's text: the user is still typing
        a name, and calling it unknown would flash on and off with each key."""
        typed = self.combo.currentText().strip()
        return (bool(typed) and self.combo.hasFocus()
                and any(item.text.startswith(typed) for item in self._shown))

    def _channel_status(self, value: str, known: bool) -> str:
        wanted = self.wanted_kind()
        items = [c if isinstance(c, ChannelChoice) else ChannelChoice(str(c), "", "", "") for c in self._choices]
        rich = [c for c in items if c.channel_kind]
        known = known and len(rich) == len(items)
        found = next((c for c in rich if c.id == value), None)
        if value and known and found is None and not self._being_typed():
            return translate("ConfigForm", "No channel account “%1” is connected yet: messages through it "
                                           "fail until you add it under Manage channels.").replace("%1", value)
        if found is not None and not found.carries(wanted):
            return (fill(translate("ConfigForm", "“%1” is a %2 account and cannot send this kind of message."),
                         found.name or found.id, found.kind_label))
        if found is not None and found.problem:
            return translate("ConfigForm", "Its last delivery failed: %1").replace("%1", found.problem)
        return ""

    def status_text(self) -> str:
        return self.status.text() if self.status is not None and self.status.isVisibleTo(self) else ""

    def _load(self, value):
        if value is None and self.kind.optional:
            value = ""
        ok = isinstance(value, str)
        text = value if ok else ("" if value is None else str(value))
        self._show(_as_typed(self.combo.currentText(), self._text_for(text)))
        return ok

    def _read(self):
        text = self.combo.currentText()
        # An account is shown as "Name (id)", a segment by its name; the config keeps the id. A
        # name typed with spaces around it is still that item.
        item = self._item_named(text)
        if item is not None:
            text = item.id
        return None if self.kind.optional and text == "" else text


@lru_cache(maxsize=1)
def time_zone_names() -> tuple[str, ...]:
    """Every IANA zone name known to this system, sorted (read once: it scans the zone database)."""
    return tuple(sorted(zoneinfo.available_timezones()))


class TimeZoneEditor(_PickerEditor):
    """A time zone picker: every IANA zone, found by any part of its name (``berlin``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        completer = self.combo.completer()
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QtWidgets.QCompleter.CompletionMode.PopupCompletion)

    def set_choices(self, choices: list[str]) -> None:
        # The zone list is fixed; choices meant for other pickers never replace it.
        super().set_choices(list(time_zone_names()))


class ColorEditor(FieldEditor):
    """A swatch that opens the colour dialog, next to the ``#RRGGBB`` text."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        row = QtWidgets.QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        self.swatch = QtWidgets.QToolButton(self)
        self.swatch.setObjectName("colorSwatch")
        self.swatch.setFixedSize(30, 24)
        self.swatch.setToolTip(translate("ConfigForm", "Choose a colour"))
        self.swatch.setCursor(Qt.CursorShape.PointingHandCursor)
        self.swatch.clicked.connect(self._pick)
        self.edit = QtWidgets.QLineEdit(self)
        self.edit.setPlaceholderText(translate("ConfigForm", "#RRGGBB"))
        self.edit.setMaxLength(9)
        self.edit.textEdited.connect(self._typed)
        row.addWidget(self.swatch)
        row.addWidget(self.edit, 1)
        self._layout.addLayout(row)
        self._finish()

    def _paint_swatch(self, text: str) -> None:
        color = QtGui.QColor(text)
        if color.isValid() and text.startswith("#"):
            self.swatch.setStyleSheet(
                f"QToolButton#colorSwatch {{ background: {color.name()}; border: 1px solid #9AA0A6;"
                f" border-radius: 4px; }}")
        else:
            self.swatch.setStyleSheet(
                "QToolButton#colorSwatch { background: transparent; border: 1px dashed #9AA0A6;"
                " border-radius: 4px; }")

    def _typed(self, text: str) -> None:
        self._paint_swatch(text)
        self.user_changed()

    def _pick(self) -> None:
        current = QtGui.QColor(self.edit.text())
        color = QtWidgets.QColorDialog.getColor(current if current.isValid() else QtGui.QColor("#ffffff"),
                                                self, translate("ConfigForm", "Choose a colour"))
        if color.isValid():
            self.edit.setText(color.name().upper())
            self._paint_swatch(self.edit.text())
            self.user_changed()

    def _load(self, value):
        if value is None and self.kind.optional:
            value = ""
        ok = isinstance(value, str)
        text = _as_typed(self.edit.text(), value) if ok else ""
        if self.edit.text() != text:
            self.edit.setText(text)
        self._paint_swatch(text)
        return ok

    def _read(self):
        text = self.edit.text()
        return None if self.kind.optional and text == "" else text


class BoolEditor(FieldEditor):
    placement = "span"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.check = QtWidgets.QCheckBox(self.title, self)
        self.check.toggled.connect(lambda _on: self.user_changed())
        self._layout.addWidget(self.check)
        self._finish()

    def empty(self):
        return None if self.kind.optional else False

    def _load(self, value):
        if self.check.isChecked() != bool(value):
            self.check.setChecked(bool(value))
        return isinstance(value, bool) or (value is None and self.kind.optional)

    def _read(self):
        return self.check.isChecked()


class NumberEditor(FieldEditor):
    """A spin box bounded by the field's ``ge``/``le``; an optional number can be left unset."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        k = self.kind
        self.is_int = k.kind == "int"
        if self.is_int:
            self.spin = _SpinBox(self)
            step = int(k.step or 1)
            lo = int(k.minimum) + (1 if k.exclusive_min else 0) if k.minimum is not None else -_INT_LIMIT
            hi = int(k.maximum) - (1 if k.exclusive_max else 0) if k.maximum is not None else _INT_LIMIT
        else:
            self.spin = _DoubleSpinBox(self)
            lo = float(k.minimum) if k.minimum is not None else -_FLOAT_LIMIT
            hi = float(k.maximum) if k.maximum is not None else _FLOAT_LIMIT
            span = hi - lo
            decimals = 3 if span <= 10 else 2
            if k.step:
                decimals = max(0, min(6, -math.floor(math.log10(k.step)) if k.step < 1 else 0))
            self.spin.setDecimals(decimals)
            step = k.step or (0.05 if span <= 1 else (0.1 if span <= 10 else 1.0))
            tiny = 10 ** -decimals
            if k.exclusive_min:
                lo += tiny
            if k.exclusive_max:
                hi -= tiny
        self.low = lo
        if k.optional:
            # The value just below the range reads "Not set" and means None.
            lo = lo - step
            self.spin.setSpecialValueText(translate("ConfigForm", "Not set"))
        self.spin.setRange(lo, hi)
        self.spin.setSingleStep(step)
        self.spin.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.spin.setAccelerated(True)
        if k.suffix:
            self.spin.setSuffix(" " + _ntr(k.suffix))
        self.spin.valueChanged.connect(lambda _v: self.user_changed())
        row = QtWidgets.QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.spin, 2)
        row.addStretch(1)
        self._layout.addLayout(row)
        self._finish()

    def empty(self):
        return None if self.kind.optional else MISSING

    def _load(self, value):
        if value is MISSING or (value is None and self.kind.optional):
            target = self.spin.minimum() if self.kind.optional else max(self.low, min(0, self.spin.maximum()))
            if self.spin.value() != target:
                self.spin.setValue(target)
            return value is not MISSING
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        if self.is_int and isinstance(value, float) and not value.is_integer():
            return False
        if not (self.low <= value <= self.spin.maximum()):
            return False
        if self.is_int:
            if self.spin.value() != int(value):
                self.spin.setValue(int(value))
            return True
        if self.spin.value() != value:
            self.spin.setValue(float(value))
        # A value with more decimals than the box shows is kept exactly until edited.
        return math.isclose(self.spin.value(), value, rel_tol=0, abs_tol=1e-12)

    def _read(self):
        if self.kind.optional and self.spin.value() == self.spin.minimum():
            return None
        return int(self.spin.value()) if self.is_int else float(self.spin.value())


class ChoiceEditor(FieldEditor):
    """Literal and Enum values in a drop-down with readable labels."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.combo = _ComboBox(self)
        self.values: list[Any] = []
        if self.kind.optional:
            self.combo.addItem(translate("ConfigForm", "(none)"))
            self.values.append(None)
        for value in self.kind.choices:
            self.combo.addItem(choice_label(value, self.kind.labels))
            self.values.append(_jsonable(value))
        self.combo.currentIndexChanged.connect(lambda _i: self.user_changed())
        self._layout.addWidget(self.combo)
        self._finish()

    def _index(self, value) -> int:
        for i, v in enumerate(self.values):
            if v == value and type(v) is type(value):
                return i
        return -1

    def _load(self, value):
        if value is MISSING:
            value = self.values[0] if self.values else None
        index = self._index(value)
        if self.combo.currentIndex() != index:
            self.combo.setCurrentIndex(index)
        return index >= 0

    def empty(self):
        return MISSING

    def _read(self):
        index = self.combo.currentIndex()
        return self.values[index] if index >= 0 else self._orig


class MultiChoiceEditor(FieldEditor):
    """A list of Literal values as check boxes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        grid = QtWidgets.QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        self.values = [_jsonable(v) for v in self.kind.choices]
        cols = 3 if all(len(choice_label(v, self.kind.labels)) <= 5 for v in self.values) else 2
        self.boxes: list[QtWidgets.QCheckBox] = []
        for i, value in enumerate(self.values):
            box = QtWidgets.QCheckBox(choice_label(value, self.kind.labels), self)
            box.toggled.connect(lambda _on: self.user_changed())
            grid.addWidget(box, i // cols, i % cols)
            self.boxes.append(box)
        self._layout.addLayout(grid)
        self._finish()

    def empty(self):
        return []

    def _load(self, value):
        ok = isinstance(value, list) and all(v in self.values for v in value)
        chosen = value if ok else []
        for box, v in zip(self.boxes, self.values, strict=True):
            if box.isChecked() != (v in chosen):
                box.setChecked(v in chosen)
        return ok and self._read() == value

    def _read(self):
        return [v for box, v in zip(self.boxes, self.values, strict=True) if box.isChecked()]


class LinesEditor(FieldEditor):
    """A list of texts (or numbers), one per line."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.edit = QtWidgets.QPlainTextEdit(self)
        self.edit.setTabChangesFocus(True)
        self.edit.setPlaceholderText(translate("ConfigForm", "One per line"))
        metrics = QtGui.QFontMetrics(self.edit.font())
        self.edit.setFixedHeight(metrics.lineSpacing() * 3 + 14)
        self.edit.textChanged.connect(self.user_changed)
        self._layout.addWidget(self.edit)
        self._finish()

    def empty(self):
        return []

    def _parse(self, line: str) -> Any:
        item = self.kind.item.kind if self.kind.item else "text"
        if item in ("int", "float"):
            with contextlib.suppress(ValueError):
                return int(line) if item == "int" else float(line)
        return line

    def _load(self, value):
        if value is None and self.kind.optional:
            value = []
        ok = isinstance(value, list) and all(
            isinstance(v, (str, int, float)) and not isinstance(v, bool) and "\n" not in str(v) for v in value)
        if ok and self._read() != value:
            self.edit.setPlainText("\n".join(str(v) for v in value))
        elif not ok:
            self.edit.setPlainText("")
        return ok and self._read() == value

    def _read(self):
        lines = [line.strip() for line in self.edit.toPlainText().splitlines()]
        return [self._parse(line) for line in lines if line]


class RawEditor(FieldEditor):
    """Any other type, as one line of JSON; the value is never altered unless the user edits it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.edit = QtWidgets.QLineEdit(self)
        if self.kind.tp is datetime.datetime:
            # Read as text by the config model, which takes ISO 8601 with a space or a "T".
            self.edit.setPlaceholderText(translate("ConfigForm", "Date and time, e.g. 2025-06-01 09:00"))
        elif self.kind.tp is datetime.date:
            self.edit.setPlaceholderText(translate("ConfigForm", "Date, e.g. 2025-06-01"))
        else:
            self.edit.setPlaceholderText(translate("ConfigForm", "JSON value"))
        self.edit.textEdited.connect(lambda _t: self.user_changed())
        self._layout.addWidget(self.edit)
        self._finish()

    def empty(self):
        return MISSING

    def _load(self, value):
        if value is MISSING:
            self.edit.setText("")
            return True
        text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
        if self._read() != value and not self._same_moment(value):
            self.edit.setText(text)
        return self._read() == value or self._same_moment(value)

    def _same_moment(self, value: Any) -> bool:
        """For a date or time field: whether the text typed means ``value`` ("2025-06-01 09:00" and
        the stored "2025-06-01T09:00:00"), so that loading it back leaves the text as typed."""
        if self.kind.tp not in (datetime.datetime, datetime.date) or not isinstance(value, str):
            return False
        adapter = TypeAdapter(self.kind.tp)
        try:
            return adapter.validate_python(self.edit.text().strip()) == adapter.validate_python(value)
        except (ValidationError, ValueError):
            return False

    def _read(self):
        text = self.edit.text()
        if text.strip() == "":
            return None if self.kind.optional else ""
        if self.kind.tp in (datetime.datetime, datetime.date):
            # Text for the model to read: "2" is the start of a date being typed, not a number.
            return text.strip()
        try:
            return json.loads(text)
        except ValueError:
            return text


# -- containers ------------------------------------------------------------------------------

def _field_title(name: str, info: FieldInfo) -> str:
    return _ntr(info.title or humanize(name))


def _model_title(model: type[BaseModel]) -> str:
    return _ntr(model.model_config.get("title") or humanize(model.__name__))


def _default_of(info: FieldInfo) -> Any:
    if info.is_required():
        return MISSING
    try:
        value = info.get_default(call_default_factory=True, validated_data={})
    except TypeError:
        value = info.get_default(call_default_factory=True)
    except Exception:  # a factory needing other fields' values
        return MISSING
    if value is PydanticUndefined:
        return MISSING
    return _jsonable(value)


def _default_for_model(model: type[BaseModel]) -> dict:
    try:
        return model().model_dump(mode="json", by_alias=True)
    except ValidationError:
        return {}


class ModelEditor(FieldEditor):
    """The fields of one model in a form layout (the root form, or inside a group box)."""

    placement = "group"

    def __init__(self, kind: FieldKind, ctx: _Context, path: str, title: str = "",
                 parent: QtWidgets.QWidget | None = None, *, model: type[BaseModel] | None = None,
                 skip: tuple[str, ...] = (), boxed: bool = True):
        super().__init__(kind, ctx, path, title, parent)
        self.model: type[BaseModel] = model or kind.tp
        self.skip = skip
        self.children_by_key: dict[str, FieldEditor] = {}
        self.box: QtWidgets.QGroupBox | None = None
        host: QtWidgets.QWidget = self
        if boxed:
            self.box = QtWidgets.QGroupBox(title, self)
            self.box.setObjectName("modelGroup")
            if kind.optional:
                self.box.setCheckable(True)
                self.box.toggled.connect(self._toggled)
            self._layout.addWidget(self.box)
            inner = QtWidgets.QVBoxLayout(self.box)
            inner.setContentsMargins(10, 6, 10, 10)
            inner.setSpacing(4)
            host = QtWidgets.QWidget(self.box)
            inner.addWidget(self._error)
            inner.addWidget(host)
        else:
            self._layout.addWidget(self._error)
        self.form = QtWidgets.QFormLayout(host) if host is not self else QtWidgets.QFormLayout()
        if host is self:
            self._layout.addLayout(self.form)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setRowWrapPolicy(QtWidgets.QFormLayout.RowWrapPolicy.WrapAllRows)
        self.form.setFieldGrowthPolicy(QtWidgets.QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        self.form.setVerticalSpacing(2)
        self._build()

    def _build(self) -> None:
        first = True
        for name, info in self.model.model_fields.items():
            if name in self.skip or info.exclude is True:
                continue
            key = info.alias or name
            kind = classify(info.annotation, info)
            title = _field_title(name, info)
            editor = make_editor(kind, self.ctx, f"{self.path}.{key}" if self.path else key, title, self)
            editor.parent_editor = self
            editor.default = _default_of(info)
            tip = _ntr(info.description or "")
            if tip:
                editor.setToolTip(tip)
            self.children_by_key[key] = editor
            # Space above each field (not below its label) groups a label with its editor.
            gap = 0 if first else 10
            first = False
            if editor.placement == "row":
                # The label spans the row on its own line so that a long title wraps at the
                # dock's full width instead of being squeezed into a label column.
                label = QtWidgets.QLabel(title, self)
                label.setObjectName("fieldLabel")
                label.setWordWrap(True)
                label.setContentsMargins(0, gap, 0, 0)
                label.setBuddy(editor.focus_widget())
                if tip:
                    label.setToolTip(tip)
                self.form.addRow(label)
                self.form.addRow(editor)
            else:
                editor.setContentsMargins(0, gap, 0, 0)
                self.form.addRow(editor)

    def _toggled(self, on: bool) -> None:
        for child in self.children_by_key.values():
            child.setEnabled(on)
        self.user_changed()

    def empty(self):
        return None if self.kind.optional else MISSING

    def _load(self, value):
        is_none = value is None and self.kind.optional
        if self.box is not None and self.box.isCheckable():
            self.box.setChecked(not is_none and value is not MISSING)
        data = value if isinstance(value, dict) else {}
        for key, child in self.children_by_key.items():
            child.set(data[key] if key in data else child.default)
            if self.box is not None and self.box.isCheckable():
                child.setEnabled(self.box.isChecked())
        return isinstance(value, dict) or is_none

    def _read(self):
        if self.box is not None and self.box.isCheckable() and not self.box.isChecked():
            return None
        out = dict(self._orig) if isinstance(self._orig, dict) else {}
        for key, child in self.children_by_key.items():
            value = child.get()
            if value is MISSING:
                out.pop(key, None)
            else:
                out[key] = value
        return out

    def get(self):
        if self._keep and not isinstance(self._orig, dict):
            return self._orig
        return self._read()

    def clear_errors(self):
        super().clear_errors()
        for child in self.children_by_key.values():
            child.clear_errors()

    def route_error(self, parts, message):
        if parts and parts[0] in self.children_by_key:
            self.children_by_key[parts[0]].route_error(parts[1:], message)
        else:
            super().route_error(parts, message)

    def find(self, parts):
        if not parts:
            return self
        child = self.children_by_key.get(parts[0])
        return child.find(parts[1:]) if child is not None else None

    def focus_widget(self):
        return self


class UnionEditor(FieldEditor):
    """A tagged union: a variant picker above the chosen variant's fields."""

    placement = "group"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.box = QtWidgets.QGroupBox(self.title, self)
        self.box.setObjectName("unionGroup")
        self._layout.addWidget(self.box)
        inner = QtWidgets.QVBoxLayout(self.box)
        inner.setContentsMargins(10, 6, 10, 10)
        inner.setSpacing(8)
        self.combo = _ComboBox(self.box)
        self.tags: list[Any] = []
        if self.kind.optional:
            self.combo.addItem(translate("ConfigForm", "(none)"))
            self.tags.append(None)
        seen: set[type] = set()
        for tag, model in self.kind.variants.items():
            if model in seen:
                continue
            seen.add(model)
            title = model.model_config.get("title")
            self.combo.addItem(_ntr(title) if title else _ntr(humanize(tag)))
            self.tags.append(tag)
        self.combo.currentIndexChanged.connect(self._switched)
        inner.addWidget(self._error)
        inner.addWidget(self.combo)
        self.body = QtWidgets.QVBoxLayout()
        self.body.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(self.body)
        self.sub: ModelEditor | None = None
        self.tag: Any = MISSING
        self._stash: dict[Any, dict] = {}

    def _build_sub(self, tag: Any) -> None:
        if self.sub is not None:
            self.sub.setParent(None)
            self.sub.deleteLater()
            self.sub = None
        self.tag = tag
        if tag is None or tag is MISSING or tag not in self.kind.variants:
            return
        model = self.kind.variants[tag]
        self.sub = ModelEditor(FieldKind("model", model), self.ctx, self.path, "", self.box,
                               model=model, skip=(self.kind.discriminator,), boxed=False)
        self.sub.parent_editor = self
        self.body.addWidget(self.sub)

    def _carry(self, old: dict, tag: Any) -> dict:
        """Values the old variant shares with the new one (same key, still valid) come along."""
        model = self.kind.variants[tag]
        new = dict(self._stash.get(tag, {}))
        for name, info in model.model_fields.items():
            key = info.alias or name
            if key == self.kind.discriminator or key not in old or key in new:
                continue
            try:
                TypeAdapter(info.annotation).validate_python(old[key])
            except (ValidationError, TypeError, ValueError):
                continue
            except Exception:  # an unusual type the adapter cannot build
                continue
            new[key] = old[key]
        new[self.kind.discriminator] = tag
        return new

    def _switched(self, index: int) -> None:
        if self.ctx.loading or index < 0:
            return
        tag = self.tags[index]
        old = self._read()
        if isinstance(old, dict) and self.tag not in (None, MISSING):
            self._stash[self.tag] = old
        with self.ctx.load():
            self._build_sub(tag)
            if self.sub is not None:
                self.sub.set(self._carry(old if isinstance(old, dict) else {}, tag))
        self.user_changed(f"{self.path}.{self.kind.discriminator}")

    def empty(self):
        return None if self.kind.optional else MISSING

    def _tag_of(self, value) -> Any:
        if isinstance(value, dict):
            return value.get(self.kind.discriminator, MISSING)
        return MISSING

    def _load(self, value):
        if value is MISSING:
            # A required union with nothing chosen yet shows its first variant without adding it.
            value = {self.kind.discriminator: self.tags[0]} if self.tags and self.tags[0] is not None else None
            tag = self._tag_of(value) if value else None
        elif value is None:
            tag = None
        else:
            tag = self._tag_of(value)
        index = self.tags.index(tag) if tag in self.tags else -1
        if tag not in self.kind.variants and tag is not None:
            # An unknown variant: show nothing chosen and keep the value as it is.
            self.combo.setCurrentIndex(-1)
            self._build_sub(MISSING)
            return False
        if self.combo.currentIndex() != index:
            self.combo.setCurrentIndex(index)
        if tag != self.tag or self.sub is None and tag is not None:
            self._build_sub(tag)
        if self.sub is not None:
            self.sub.set(value)
        return value is not None or self.kind.optional

    def _read(self):
        if self.tag is None:
            return None
        if self.sub is None:
            return self._orig
        out = self.sub.get()
        if not isinstance(out, dict):
            return out
        out = dict(out)
        out[self.kind.discriminator] = self.tag
        return out

    def clear_errors(self):
        super().clear_errors()
        if self.sub is not None:
            self.sub.clear_errors()

    def route_error(self, parts, message):
        if self.sub is None:
            return super().route_error(parts, message)
        if parts and parts[0] == self.kind.discriminator:
            return super().route_error([], message)
        self.sub.route_error(self._strip_tag(parts, located=True), message)

    def _strip_tag(self, parts: list[str], *, located: bool) -> list[str]:
        """pydantic puts the tag (or the class name) of a union's branch in an error's location;
        a field path written by the GUI (``located=False``) has none unless a field is missing."""
        assert self.sub is not None
        names = {str(t) for t in self.tags if t is not None}
        names |= {m.__name__ for m in self.kind.variants.values()}
        if parts and parts[0] in names:
            if located or parts[0] not in self.sub.children_by_key:
                return parts[1:]
        return parts

    def find(self, parts):
        if not parts:
            return self
        if self.sub is None:
            return None
        return self.sub.find(self._strip_tag(parts, located=False))

    def focus_widget(self):
        return self.combo


class RepeatEditor(FieldEditor):
    """A list of models (or tagged unions): one card per item with Remove, and Add below."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        item = self.kind.item
        assert item is not None
        if item.kind == "model":
            self.item_title = _model_title(item.tp)
        else:
            self.item_title = translate("ConfigForm", "Item")
        self.items_layout = QtWidgets.QVBoxLayout()
        self.items_layout.setContentsMargins(0, 0, 0, 0)
        self.items_layout.setSpacing(6)
        self.empty_label = QtWidgets.QLabel(translate("ConfigForm", "None yet."), self)
        self.empty_label.setObjectName("emptyHint")
        secondary(self.empty_label)
        self.add_button = QtWidgets.QPushButton(
            translate("ConfigForm", "+ Add %1").replace("%1", self.item_title.lower()), self)
        self.add_button.setObjectName("addItem")
        self.add_button.clicked.connect(self.add_item)
        add_row = QtWidgets.QHBoxLayout()
        add_row.setContentsMargins(0, 0, 0, 0)
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)
        self._layout.addWidget(self.empty_label)
        self._layout.addLayout(self.items_layout)
        self._layout.addLayout(add_row)
        self._finish()
        self.cards: list[QtWidgets.QFrame] = []
        self.editors: list[FieldEditor] = []

    def _new_editor(self, index: int) -> FieldEditor:
        item = self.kind.item
        card = QtWidgets.QFrame(self)
        card.setObjectName("repeatItem")
        card.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        lay = QtWidgets.QVBoxLayout(card)
        lay.setContentsMargins(8, 4, 8, 8)
        lay.setSpacing(2)
        head = QtWidgets.QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        caption = QtWidgets.QLabel(f"{self.item_title} {index + 1}", card)
        caption.setObjectName("itemCaption")
        font = caption.font()
        font.setBold(True)
        caption.setFont(font)
        remove = QtWidgets.QToolButton(card)
        remove.setObjectName("removeItem")
        remove.setText(translate("ConfigForm", "Remove"))
        remove.setAutoRaise(True)
        remove.setToolTip(translate("ConfigForm", "Remove this %1").replace("%1", self.item_title.lower()))
        remove.clicked.connect(lambda: self.remove_item(self.cards.index(card)))
        head.addWidget(caption, 1)
        head.addWidget(remove)
        lay.addLayout(head)
        path = f"{self.path}.{index}"
        if item.kind == "model":
            editor = ModelEditor(item, self.ctx, path, "", card, boxed=False)
        else:
            editor = make_editor(item, self.ctx, path, "", card)
            if isinstance(editor, UnionEditor):
                editor.box.setTitle("")
                editor.box.setFlat(True)
        editor.parent_editor = self
        lay.addWidget(editor)
        self.items_layout.addWidget(card)
        self.cards.append(card)
        self.editors.append(editor)
        return editor

    def _renumber(self) -> None:
        for i, (card, editor) in enumerate(zip(self.cards, self.editors, strict=True)):
            card.findChild(QtWidgets.QLabel, "itemCaption").setText(f"{self.item_title} {i + 1}")
            _repath(editor, self.path, i)
        self.empty_label.setVisible(not self.cards)

    def _resize(self, count: int) -> None:
        while len(self.editors) > count:
            card = self.cards.pop()
            self.editors.pop()
            card.setParent(None)
            card.deleteLater()
        while len(self.editors) < count:
            self._new_editor(len(self.editors))
        self.empty_label.setVisible(not self.cards)

    def add_item(self) -> None:
        item = self.kind.item
        if item.kind == "model":
            value = _default_for_model(item.tp)
        else:
            first = next(iter(item.variants))
            value = {item.discriminator: first, **_default_for_model(item.variants[first])}
            value[item.discriminator] = first
        with self.ctx.load():
            editor = self._new_editor(len(self.editors))
            editor.set(value)
            editor._keep = False
            self.empty_label.setVisible(False)
        self.user_changed()

    def remove_item(self, index: int) -> None:
        card = self.cards.pop(index)
        self.editors.pop(index)
        card.setParent(None)
        card.deleteLater()
        self._renumber()
        self.user_changed()

    def empty(self):
        return []

    def _load(self, value):
        if value is None and self.kind.optional:
            value = []
        if not isinstance(value, list):
            self._resize(0)
            return False
        self._resize(len(value))
        for editor, item in zip(self.editors, value, strict=True):
            editor.set(item)
        return True

    def _read(self):
        return [e.get() for e in self.editors]

    def clear_errors(self):
        super().clear_errors()
        for e in self.editors:
            e.clear_errors()

    def route_error(self, parts, message):
        if parts and parts[0].isdigit() and int(parts[0]) < len(self.editors):
            self.editors[int(parts[0])].route_error(parts[1:], message)
        else:
            super().route_error(parts, message)

    def find(self, parts):
        if not parts:
            return self
        if parts[0].isdigit() and int(parts[0]) < len(self.editors):
            return self.editors[int(parts[0])].find(parts[1:])
        return None

    def focus_widget(self):
        return self.add_button


def _repath(editor: FieldEditor, list_path: str, index: int) -> None:
    """After a removal the items below move up: their paths follow."""
    old = editor.path
    new = f"{list_path}.{index}"
    if old == new:
        return
    for e in [editor, *editor.findChildren(FieldEditor)]:
        if e.path == old or e.path.startswith(old + "."):
            e.path = new + e.path[len(old):]


class DictEditor(FieldEditor):
    """``dict[str, X]`` as a two-column key/value table."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.table = QtWidgets.QTableWidget(0, 2, self)
        self.table.setHorizontalHeaderLabels([translate("ConfigForm", "Key"),
                                              translate("ConfigForm", "Value")])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.itemChanged.connect(lambda _i: self.user_changed())
        buttons = QtWidgets.QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        self.add_button = QtWidgets.QPushButton(translate("ConfigForm", "+ Add entry"), self)
        self.add_button.clicked.connect(self.add_row)
        self.remove_button = QtWidgets.QPushButton(translate("ConfigForm", "Remove"), self)
        self.remove_button.clicked.connect(self.remove_selected)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        self._layout.addWidget(self.table)
        self._layout.addLayout(buttons)
        self._finish()
        self._fit()

    def _fit(self) -> None:
        header = self.table.horizontalHeader().sizeHint().height()
        rows = sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        minimum = self.table.verticalHeader().defaultSectionSize()
        self.table.setFixedHeight(header + max(rows, minimum) + 2 * self.table.frameWidth())
        self.remove_button.setEnabled(self.table.rowCount() > 0)

    def _show_value(self, value: Any) -> str:
        if isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False)

    def _parse_value(self, text: str) -> Any:
        item = self.kind.item.kind if self.kind.item else "raw"
        if item in ("text", "multiline", "template", "color", *PICKER_HINTS):
            return text
        if item == "scalar":
            return ScalarEditor.parse(text)
        try:
            return json.loads(text)
        except ValueError:
            return text

    def add_row(self) -> None:
        with self.ctx.load():
            row = self.table.rowCount()
            self.table.insertRow(row)
            self.table.setItem(row, 0, QtWidgets.QTableWidgetItem(""))
            self.table.setItem(row, 1, QtWidgets.QTableWidgetItem(""))
            self._fit()
        self.table.setCurrentCell(row, 0)
        self.table.editItem(self.table.item(row, 0))

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()} or {self.table.currentRow()}, reverse=True)
        with self.ctx.load():
            for row in rows:
                if row >= 0:
                    self.table.removeRow(row)
            self._fit()
        self.user_changed()

    def empty(self):
        return {}

    def _load(self, value):
        if value is None and self.kind.optional:
            value = {}
        if not isinstance(value, dict):
            return False
        if self._read() == value:
            return True
        self.table.setRowCount(0)
        for key, item in value.items():
            row = self.table.rowCount()
            self.table.insertRow(row)
            self.table.setItem(row, 0, QtWidgets.QTableWidgetItem(str(key)))
            self.table.setItem(row, 1, QtWidgets.QTableWidgetItem(self._show_value(item)))
        self._fit()
        return self._read() == value

    def _read(self):
        out = {}
        for row in range(self.table.rowCount()):
            key_item, value_item = self.table.item(row, 0), self.table.item(row, 1)
            key = key_item.text() if key_item else ""
            if not key:
                continue
            out[key] = self._parse_value(value_item.text() if value_item else "")
        return out



#: The one field→widget table: a field's kind (see :func:`classify`) picks its editor.
EDITORS: dict[str, type[FieldEditor]] = {
    "text": TextEditor,
    "multiline": MultilineEditor,
    "template": MultilineEditor,
    "color": ColorEditor,
    "channel": _PickerEditor,
    "event": _PickerEditor,
    "segment": _PickerEditor,
    "write_key": _PickerEditor,
    "timezone": TimeZoneEditor,
    "scalar": ScalarEditor,
    "bool": BoolEditor,
    "int": NumberEditor,
    "float": NumberEditor,
    "choice": ChoiceEditor,
    "multi_choice": MultiChoiceEditor,
    "list_str": LinesEditor,
    "model": ModelEditor,
    "list_model": RepeatEditor,
    "union": UnionEditor,
    "dict": DictEditor,
    "raw": RawEditor,
}


def make_editor(kind: FieldKind, ctx: _Context, path: str, title: str,
                parent: QtWidgets.QWidget | None) -> FieldEditor:
    return EDITORS.get(kind.kind, RawEditor)(kind, ctx, path, title, parent)


# ---------------------------------------------------------------------------------------------
# The form
# ---------------------------------------------------------------------------------------------

class ConfigForm(QtWidgets.QWidget):
    """A form for one config model.

    ``edited(path, config)`` follows every user edit with the dotted path of the field and the
    whole new config; :meth:`set_value` refreshes the widgets silently.
    """

    #: ``(dotted field path, whole config dict)``; the dict is passed through as a Python object.
    edited = Signal(str, object)
    #: A channel picker's "Manage channels…" was clicked.
    manageChannelsRequested = Signal()  # noqa: N815 - Qt signal naming
    #: A picker asked for a window outside the form (``manage_channels``, ``manage_segments``,
    #: ``manage_write_keys``) or says its edit is complete (``edit_done``: a choice was picked).
    requested = Signal(str)

    def __init__(self, model_cls: type[BaseModel], value: dict, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.model_cls = model_cls
        self.setObjectName("configForm")
        self._ctx = _Context(self._on_edit, self._on_request)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.root = ModelEditor(FieldKind("model", model_cls), self._ctx, "", "", self, boxed=False)
        layout.addWidget(self.root)
        if not self.root.children_by_key:
            note = QtWidgets.QLabel(self.tr("This node has no settings."), self)
            secondary(note)
            layout.addWidget(note)
        self.set_value(value)

    # -- values -----------------------------------------------------------------------------
    def _normalized(self, value: Any) -> Any:
        """A valid config in its JSON form (defaults filled in); anything else as given."""
        if not isinstance(value, dict):
            return value
        try:
            data = self.model_cls.model_validate(value).model_dump(mode="json", by_alias=True)
        except ValidationError:
            return value
        except Exception:  # a validator raising something unexpected: keep the data
            return value
        for key, extra in value.items():
            data.setdefault(key, extra)
        return data

    def set_value(self, value: dict) -> None:
        with self._ctx.load():
            self.root.set(self._normalized(value if value is not None else {}))

    def value(self) -> dict:
        out = self.root.get()
        return out if isinstance(out, dict) else {}

    def _on_edit(self, path: str) -> None:
        self.edited.emit(path, self.value())

    def _on_request(self, name: str) -> None:
        if name == "manage_channels":
            self.manageChannelsRequested.emit()
        self.requested.emit(name)

    # -- errors -----------------------------------------------------------------------------
    def set_errors(self, errors: list[tuple[str, str]]) -> None:
        """Show ``[(dotted path, message)]`` under the fields concerned; ``[]`` clears them."""
        self.root.clear_errors()
        for path, message in errors:
            parts = [p for p in str(path).split(".") if p != ""]
            self.root.route_error(parts, message)

    def shown_errors(self) -> dict[str, list[str]]:
        """Messages currently shown, by the path of the editor showing them."""
        out: dict[str, list[str]] = {}
        for editor in [self.root, *self.root.findChildren(FieldEditor)]:
            if editor.errors():
                out[editor.path] = editor.errors()
        return out

    # -- look-ups ---------------------------------------------------------------------------
    def editor(self, path: str) -> FieldEditor | None:
        return self.root.find([p for p in path.split(".") if p])

    def widget_for(self, path: str) -> QtWidgets.QWidget | None:
        """The input widget of the field at ``path`` (to focus it from a message)."""
        editor = self.editor(path)
        return editor.focus_widget() if editor is not None else None

    def set_choices(self, hint: str, choices: list) -> None:
        """Offer ``choices`` in every picker of this form for ``hint`` (``channel``, ``event``,
        ``segment``, ``write_key``; ``placeholder`` for template fields)."""
        self._ctx.choices[hint] = list(choices)
        alive = []
        for picker in self._ctx.pickers.get(hint, []):
            try:
                picker.set_choices(choices)
            except RuntimeError:  # a picker of a variant that was swapped out
                continue
            alive.append(picker)
        self._ctx.pickers[hint] = alive
