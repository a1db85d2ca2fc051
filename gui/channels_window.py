"""The Channels window: the workspace's channel accounts, their forms, connection tests and errors.

:class:`ChannelsWindow` lists every account (name, provider, state) and adds, edits and removes
them with a form built from the provider's fields (:data:`engine.channels.kinds.KINDS`, plus the
fields :class:`~engine.channels.accounts.AccountStore` adds, such as an SMTP account's unsubscribe
mailbox). "Test connection" and "Send a test to me" run off the UI thread. The selected account's
last failed deliveries are listed under its form.

Secrets are typed into password fields and go to the OS keyring through the account store; the form
never shows a stored secret, only that one is stored. Without a usable keyring the window says why
and what to install, and secret fields stay disabled: there is no plain-text fallback.

:func:`channel_health` is what the canvas badges and the inspector's channel pickers draw on: the
accounts and those whose last live delivery failed, read once when a journey opens or the accounts
change.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, select

from engine.channels.accounts import EXTRA_FIELDS, AccountInfo, AccountStore
from engine.channels.base import ChannelResult, Message
from engine.channels.kinds import KINDS, Field, open_channel
from engine.errors import ChannelAccountInvalid, JourneyStudioError, SecretStoreUnavailable
from engine.secrets import SecretStore
from engine.store.models import DeliveryRow
from gui.background import Background
from gui.forms import ERROR_COLOR, ChannelChoice, secondary
from gui.qt import Qt, QtCore, QtGui, QtWidgets, Signal, fill, translate

OK_COLOR = "#2E7D32"
#: The colour of each kind of message, for account icons.
KIND_COLORS = {"email": "#1E88E5", "sms": "#43A047", "webhook": "#8E24AA", "chat": "#F4511E", "any": "#607D8B"}
#: Delivery statuses that end an attempt; the newest of them says whether an account works.
_ATTEMPTED = ("sent", "failed", "ambiguous", "retrying")
_FAILING = ("failed", "ambiguous", "retrying")
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


# ---------------------------------------------------------------------------------------------
# Health: what badges and pickers need
# ---------------------------------------------------------------------------------------------

def last_delivery_failures(workspace, account_ids: Iterable[str]) -> dict[str, str]:
    """Accounts among ``account_ids`` whose newest live delivery attempt failed: id → reason.

    One grouped query, so that opening a journey stays quick whatever the number of deliveries."""
    ids = [a for a in account_ids if a]
    if not ids:
        return {}
    d = DeliveryRow
    newest = (select(d.channel, func.max(d.updated_at).label("last"))
              .where(d.mode == "live", d.status.in_(_ATTEMPTED), d.channel.in_(ids))
              .group_by(d.channel).subquery())
    query = (select(d.channel, d.status, d.reason)
             .join(newest, and_(d.channel == newest.c.channel, d.updated_at == newest.c.last))
             .where(d.mode == "live", d.status.in_(_ATTEMPTED)))
    failing: dict[str, str] = {}
    with workspace._session() as s:
        for channel, status, reason in s.execute(query):
            if status in _FAILING:
                failing.setdefault(channel, reason or status)
    return failing


@dataclass(frozen=True)
class ChannelHealth:
    """The workspace's accounts, those that cannot be opened and those whose last delivery failed."""

    accounts: tuple[AccountInfo, ...] = ()
    failing: dict[str, str] = field(default_factory=dict)
    #: Account id → why it cannot be opened (a secret the keyring cannot give, refused settings).
    unavailable: dict[str, str] = field(default_factory=dict)

    def carries(self) -> dict[str, str]:
        """Account id → the kind of message it carries (``any`` for the simulated account)."""
        return {a.id: a.channel_kind for a in self.accounts}

    def choices(self) -> list[ChannelChoice]:
        return [ChannelChoice(a.id, a.name, a.label, a.channel_kind, self.failing.get(a.id, ""))
                for a in self.accounts]


def unavailable_accounts(store: AccountStore, accounts: Iterable[AccountInfo]) -> dict[str, str]:
    """Accounts among ``accounts`` that cannot be opened: id → why, in a sentence short enough for
    the Problems panel (the Channels window shows the keyring's whole story and what to install).
    Only accounts holding a secret read the keyring; nothing connects to a provider."""
    found: dict[str, str] = {}
    for info in accounts:
        try:
            store.open_channel(info.id)
        except SecretStoreUnavailable:
            found[info.id] = translate("ChannelsWindow", "it holds a password or token and the system keyring "
                                                         "cannot be used; Journey › Channels… says why")
        except ChannelAccountInvalid as exc:
            found[info.id] = str(exc)
    return found


def channel_health(workspace, secrets: SecretStore | None = None) -> ChannelHealth:
    """Read the accounts, open each (secrets through ``secrets``, by default the OS keyring) and read
    their last delivery outcome."""
    store = AccountStore(workspace, secrets)
    accounts = tuple(store.list())
    return ChannelHealth(accounts, last_delivery_failures(workspace, [a.id for a in accounts]),
                         unavailable_accounts(store, accounts))


# ---------------------------------------------------------------------------------------------
# Icons
# ---------------------------------------------------------------------------------------------

def kind_icon(kind_key: str, size: int = 28) -> QtGui.QIcon:
    """A rounded tile in the colour of the kind of message the provider carries, with a glyph."""
    provider = KINDS.get(kind_key)
    carries = provider.channel_kind if provider is not None else "any"
    ratio = 2
    pixmap = QtGui.QPixmap(size * ratio, size * ratio)
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QtGui.QPainter(pixmap)
    p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QtGui.QColor(KIND_COLORS.get(carries, KIND_COLORS["any"])))
    p.drawRoundedRect(QtCore.QRectF(1, 1, size - 2, size - 2), size * 0.22, size * 0.22)
    pen = QtGui.QPen(QtGui.QColor("white"), max(1.5, size / 14), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                     Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    s = float(size)
    if carries == "email":
        p.drawRect(QtCore.QRectF(s * 0.24, s * 0.32, s * 0.52, s * 0.36))
        p.drawPolyline([QtCore.QPointF(s * 0.24, s * 0.32), QtCore.QPointF(s * 0.5, s * 0.52),
                        QtCore.QPointF(s * 0.76, s * 0.32)])
    elif carries == "sms":
        p.drawRoundedRect(QtCore.QRectF(s * 0.34, s * 0.2, s * 0.32, s * 0.6), s * 0.06, s * 0.06)
        p.drawLine(QtCore.QPointF(s * 0.46, s * 0.7), QtCore.QPointF(s * 0.54, s * 0.7))
    elif carries == "chat":
        bubble = QtGui.QPainterPath()
        bubble.addRoundedRect(QtCore.QRectF(s * 0.22, s * 0.26, s * 0.56, s * 0.38), s * 0.1, s * 0.1)
        p.drawPath(bubble)
        p.drawPolyline([QtCore.QPointF(s * 0.36, s * 0.64), QtCore.QPointF(s * 0.32, s * 0.76),
                        QtCore.QPointF(s * 0.48, s * 0.64)])
    else:
        from gui.canvas import icon_pixmap

        glyph = icon_pixmap("event" if carries == "webhook" else "experiment", int(s * 0.6))
        p.drawPixmap(QtCore.QRectF(s * 0.2, s * 0.2, s * 0.6, s * 0.6), glyph, QtCore.QRectF(glyph.rect()))
    p.end()
    return QtGui.QIcon(pixmap)


def _status_icon(ok: bool | None, size: int = 14) -> QtGui.QIcon:
    """A filled dot: green when fine, red when failing, grey when not known yet."""
    ratio = 2
    pixmap = QtGui.QPixmap(size * ratio, size * ratio)
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QtGui.QPainter(pixmap)
    p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QtGui.QColor(OK_COLOR if ok else ERROR_COLOR if ok is False else "#9AA5B1"))
    p.drawEllipse(QtCore.QRectF(size * 0.2, size * 0.2, size * 0.6, size * 0.6))
    p.end()
    return QtGui.QIcon(pixmap)


def slugify(text: str) -> str:
    """An account id suggested from a name: ``Main newsletter`` → ``main-newsletter``."""
    return _SLUG_JUNK.sub("-", text.lower()).strip("-")[:64].strip("-")


# ---------------------------------------------------------------------------------------------
# The form
# ---------------------------------------------------------------------------------------------

class SecretInput(QtWidgets.QWidget):
    """A secret field: a password box, or "•••• stored" with Change (and Remove when optional).

    The stored value is never read into the form; typing replaces it on save."""

    changed = Signal()

    def __init__(self, spec: Field, keyring_ok: bool, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.spec = spec
        self.keyring_ok = keyring_ok
        self._stored: bool | None = False
        self._editing = True
        self._clear = False
        lay = QtWidgets.QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        self.edit = QtWidgets.QLineEdit(self)
        self.edit.setEchoMode(QtWidgets.QLineEdit.EchoMode.Password)
        self.edit.setObjectName(f"secret_{spec.name}")
        self.edit.textEdited.connect(lambda _t: self.changed.emit())
        self.stored_label = QtWidgets.QLabel(self.tr("•••• stored in your system keyring"), self)
        self.stored_label.setObjectName("secretStored")
        self.change = QtWidgets.QPushButton(self.tr("Change"), self)
        self.change.setToolTip(self.tr("Type a new value; the stored one stays until you save"))
        self.remove = QtWidgets.QPushButton(self.tr("Remove"), self)
        self.remove.setToolTip(self.tr("Delete the stored value from the keyring when you save"))
        self.keep = QtWidgets.QPushButton(self.tr("Keep stored"), self)
        self.keep.setToolTip(self.tr("Forget what was typed and keep the stored value"))
        for button in (self.change, self.remove, self.keep):
            button.setAutoDefault(False)
        self.change.clicked.connect(self._start_change)
        self.remove.clicked.connect(self._mark_clear)
        self.keep.clicked.connect(self._keep)
        lay.addWidget(self.edit, 1)
        lay.addWidget(self.stored_label, 1)
        lay.addWidget(self.change)
        lay.addWidget(self.remove)
        lay.addWidget(self.keep)
        self.set_stored(False)

    def set_stored(self, stored: bool | None) -> None:
        """``stored``: whether the keyring holds a value; ``None`` when it cannot be read."""
        self._stored = stored
        self._editing = not stored
        self._clear = False
        self.edit.clear()
        self._update()

    def _start_change(self) -> None:
        self._editing = True
        self._clear = False
        self._update()
        self.edit.setFocus()
        self.changed.emit()

    def _mark_clear(self) -> None:
        self._editing = False
        self._clear = True
        self.edit.clear()
        self._update()
        self.changed.emit()

    def _keep(self) -> None:
        self.set_stored(self._stored)
        self.changed.emit()

    def _update(self) -> None:
        stored = bool(self._stored)
        editing = self._editing or not stored
        self.edit.setVisible(editing)
        self.edit.setEnabled(self.keyring_ok)
        if not self.keyring_ok:
            self.edit.setPlaceholderText(self.tr("Needs a usable system keyring"))
        elif self.spec.required and not stored:
            self.edit.setPlaceholderText(self.tr("Required"))
        else:
            self.edit.setPlaceholderText("")
        self.stored_label.setVisible(not editing)
        self.stored_label.setText(self.tr("Will be removed from the keyring when you save") if self._clear
                                  else self.tr("•••• stored in your system keyring"))
        self.change.setVisible(stored and not editing and not self._clear)
        self.change.setEnabled(self.keyring_ok)
        self.remove.setVisible(stored and not editing and not self._clear and not self.spec.required)
        self.remove.setEnabled(self.keyring_ok)
        self.keep.setVisible(stored and (editing or self._clear))

    def value(self) -> str:
        return self.edit.text() if self.edit.isVisibleTo(self) else ""

    @property
    def cleared(self) -> bool:
        return self._clear

    @property
    def stored(self) -> bool | None:
        return self._stored

    def focus_widget(self) -> QtWidgets.QWidget:
        return self.edit if self.edit.isVisibleTo(self) else self.change


class _Row:
    """One field of the form: its definition, input widget, help and error labels."""

    def __init__(self, spec: Field, widget: QtWidgets.QWidget, label: QtWidgets.QLabel, error: QtWidgets.QLabel):
        self.spec = spec
        self.widget = widget
        self.label = label
        self.error = error

    def focus_widget(self) -> QtWidgets.QWidget:
        return self.widget.focus_widget() if isinstance(self.widget, SecretInput) else self.widget


class AccountForm(QtWidgets.QWidget):
    """Name, id and send rate of an account, then every field of its provider."""

    changed = Signal()

    def __init__(self, kind_key: str, *, new: bool, keyring_ok: bool, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("accountForm")
        self.kind_key = kind_key
        self.provider = KINDS[kind_key]
        self.new = new
        self.keyring_ok = keyring_ok
        self.rows: dict[str, _Row] = {}
        self._id_edited = False
        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(10)

        head = QtWidgets.QHBoxLayout()
        head.setSpacing(10)
        icon = QtWidgets.QLabel(self)
        icon.setPixmap(kind_icon(kind_key, 36).pixmap(36, 36))
        names = QtWidgets.QVBoxLayout()
        names.setSpacing(2)
        self.title = QtWidgets.QLabel(self)
        self.title.setObjectName("accountTitle")
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.title.setFont(font)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        about = QtWidgets.QLabel(f"{self.provider.label} — {self.provider.description}", self)
        about.setWordWrap(True)
        secondary(about)
        names.addWidget(self.title)
        names.addWidget(about)
        head.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        head.addLayout(names, 1)
        outer.addLayout(head)

        general = self._form_layout()
        self.name = QtWidgets.QLineEdit(self)
        self.name.setObjectName("accountName")
        self.name.setPlaceholderText(self.tr("e.g. Newsletter"))
        self.name.setToolTip(self.tr("How the account is called in the app"))
        self.account_id = QtWidgets.QLineEdit(self)
        self.account_id.setObjectName("accountId")
        self.account_id.setPlaceholderText(self.tr("e.g. email-main"))
        self.account_id.setToolTip(self.tr("Send nodes refer to the account by this id; it cannot change later"))
        self.account_id.setReadOnly(not new)
        self.rate = QtWidgets.QSpinBox(self)
        self.rate.setObjectName("accountRate")
        self.rate.setRange(0, 100_000)
        self.rate.setSuffix(self.tr(" per minute"))
        self.rate.setSpecialValueText(self.tr("No limit"))
        self.rate.setToolTip(self.tr("The most messages this account sends per minute; 0 for no limit"))
        self._add_general(general, "name", self.tr("Name"), self.name, "")
        self._add_general(general, "id", self.tr("Account id"), self.account_id,
                          self.tr("Lower-case letters, digits, '-', '_' or '.'; Send nodes refer to it.")
                          if new else "")
        self._add_general(general, "rate_per_minute", self.tr("Send rate"), self.rate, "")
        outer.addLayout(general)

        box = QtWidgets.QGroupBox(self.tr("Connection"), self)
        connection = self._form_layout(box)
        for spec in self.provider.fields:
            self._add_field(connection, spec)
        outer.addWidget(box)

        extra = EXTRA_FIELDS.get(kind_key, ())
        self.extra_box: QtWidgets.QGroupBox | None = None
        if extra:
            # The unsubscribe mailbox is optional and long: folded away until asked for.
            self.extra_toggle = QtWidgets.QToolButton(self)
            self.extra_toggle.setObjectName("extraToggle")
            self.extra_toggle.setText(self.tr("Unsubscribe mailbox (IMAP)"))
            self.extra_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            self.extra_toggle.setArrowType(Qt.ArrowType.RightArrow)
            self.extra_toggle.setCheckable(True)
            self.extra_toggle.setAutoRaise(True)
            self.extra_toggle.setToolTip(self.tr("Where Journey Studio reads unsubscribe requests sent by mail"))
            self.extra_box = QtWidgets.QGroupBox(self)
            extra_form = self._form_layout(self.extra_box)
            for spec in extra:
                self._add_field(extra_form, spec)
            self.extra_box.hide()
            self.extra_toggle.toggled.connect(self._fold)
            outer.addWidget(self.extra_toggle)
            outer.addWidget(self.extra_box)
        outer.addStretch(1)

        self.name.textEdited.connect(self._name_typed)
        self.account_id.textEdited.connect(self._id_typed)
        self.rate.valueChanged.connect(lambda _v: self.changed.emit())
        self.load(None, {})

    # -- building -------------------------------------------------------------------------------
    def _form_layout(self, host: QtWidgets.QWidget | None = None) -> QtWidgets.QFormLayout:
        form = QtWidgets.QFormLayout(host) if host is not None else QtWidgets.QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setFieldGrowthPolicy(QtWidgets.QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(8)
        return form

    def _cell(self, widget: QtWidgets.QWidget, help_text: str) -> tuple[QtWidgets.QWidget, QtWidgets.QLabel]:
        cell = QtWidgets.QWidget(self)
        lay = QtWidgets.QVBoxLayout(cell)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(widget)
        if help_text:
            hint = QtWidgets.QLabel(help_text, cell)
            hint.setObjectName("fieldHelp")
            hint.setWordWrap(True)
            hint.setTextFormat(Qt.TextFormat.PlainText)
            secondary(hint)
            lay.addWidget(hint)
        error = QtWidgets.QLabel(cell)
        error.setObjectName("fieldError")
        error.setWordWrap(True)
        error.setTextFormat(Qt.TextFormat.PlainText)
        error.setStyleSheet(f"color: {ERROR_COLOR};")
        error.hide()
        lay.addWidget(error)
        return cell, error

    def _add_general(self, form: QtWidgets.QFormLayout, key: str, title: str, widget: QtWidgets.QWidget,
                     help_text: str) -> None:
        cell, error = self._cell(widget, help_text)
        label = QtWidgets.QLabel(title, self)
        label.setBuddy(widget)
        form.addRow(label, cell)
        self.rows[key] = _Row(Field(key, title, "text"), widget, label, error)

    def _add_field(self, form: QtWidgets.QFormLayout, spec: Field) -> None:
        widget = self._input_for(spec)
        help_text = spec.help
        if spec.secret and not help_text:
            help_text = self.tr("Stored in your system keyring.")
        widget.setToolTip(spec.help or spec.label)
        cell, error = self._cell(widget, help_text)
        label = QtWidgets.QLabel(spec.label, self)
        label.setToolTip(spec.help)
        label.setBuddy(widget.focus_widget() if isinstance(widget, SecretInput) else widget)
        form.addRow(label, cell)
        self.rows[spec.name] = _Row(spec, widget, label, error)

    def _input_for(self, spec: Field) -> QtWidgets.QWidget:
        notify = self.changed.emit
        if spec.secret:
            widget = SecretInput(spec, self.keyring_ok, self)
            widget.changed.connect(notify)
            return widget
        if spec.type == "int":
            spin = QtWidgets.QSpinBox(self)
            spin.setRange(spec.minimum if spec.minimum is not None else 0,
                          spec.maximum if spec.maximum is not None else 2_000_000_000)
            spin.valueChanged.connect(lambda _v: notify())
            return spin
        if spec.type == "bool":
            check = QtWidgets.QCheckBox(self)
            check.toggled.connect(lambda _v: notify())
            return check
        if spec.type == "choice":
            combo = QtWidgets.QComboBox(self)
            combo.addItems(list(spec.choices))
            combo.currentIndexChanged.connect(lambda _i: notify())
            return combo
        if spec.type == "multiline":
            text = QtWidgets.QPlainTextEdit(self)
            text.setTabChangesFocus(True)
            text.setFixedHeight(QtGui.QFontMetrics(text.font()).lineSpacing() * 3 + 14)
            text.textChanged.connect(notify)
            return text
        edit = QtWidgets.QLineEdit(self)
        placeholders = {"url": "https://…", "email": self.tr("name@example.com")}
        edit.setPlaceholderText(self.tr("Required") if spec.required else placeholders.get(spec.type, ""))
        edit.textEdited.connect(lambda _t: notify())
        return edit

    def _fold(self, unfolded: bool) -> None:
        self.extra_toggle.setArrowType(Qt.ArrowType.DownArrow if unfolded else Qt.ArrowType.RightArrow)
        if self.extra_box is not None:
            self.extra_box.setVisible(unfolded)

    def _name_typed(self, text: str) -> None:
        if self.new and not self._id_edited:
            self.account_id.setText(slugify(text))
        self.changed.emit()

    def _id_typed(self, _text: str) -> None:
        self._id_edited = True
        self.changed.emit()

    # -- values ---------------------------------------------------------------------------------
    def load(self, info: AccountInfo | None, present: dict[str, bool] | None) -> None:
        """Show ``info`` (or a new account's defaults); ``present`` says which secrets are stored,
        ``None`` when the keyring cannot be read."""
        blockers = [QtCore.QSignalBlocker(self)]
        settings = dict(info.settings) if info is not None else {}
        self.title.setText(info.name if info is not None else self.tr("New %1 account").replace(
            "%1", self.provider.label))
        self.name.setText(info.name if info is not None else "")
        self.account_id.setText(info.id if info is not None else "")
        self.rate.setValue(info.rate_per_minute if info is not None else 0)
        for name, row in self.rows.items():
            spec, widget = row.spec, row.widget
            if name in ("name", "id", "rate_per_minute"):
                continue
            if isinstance(widget, SecretInput):
                widget.set_stored(None if present is None and info is not None else
                                  bool((present or {}).get(name)))
                continue
            value = settings.get(name, spec.default)
            blockers.append(QtCore.QSignalBlocker(widget))
            if isinstance(widget, QtWidgets.QSpinBox):
                widget.setValue(int(value) if isinstance(value, int) and not isinstance(value, bool)
                                else widget.minimum())
            elif isinstance(widget, QtWidgets.QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QtWidgets.QComboBox):
                index = widget.findText(str(value)) if value is not None else 0
                widget.setCurrentIndex(max(index, 0))
            elif isinstance(widget, QtWidgets.QPlainTextEdit):
                widget.setPlainText("" if value is None else str(value))
            else:
                widget.setText("" if value is None else str(value))
        if self.extra_box is not None:
            has_extra = any(settings.get(f.name) not in (None, "", f.default) for f in EXTRA_FIELDS[self.kind_key])
            self.extra_toggle.setChecked(has_extra)
        self._id_edited = info is not None
        self.clear_errors()

    def _value(self, row: _Row) -> Any:
        widget = row.widget
        if isinstance(widget, QtWidgets.QSpinBox):
            return widget.value()
        if isinstance(widget, QtWidgets.QCheckBox):
            return widget.isChecked()
        if isinstance(widget, QtWidgets.QComboBox):
            return widget.currentText()
        if isinstance(widget, QtWidgets.QPlainTextEdit):
            return widget.toPlainText()
        return widget.text().strip()

    def settings(self, *, for_update: bool = False, own_only: bool = False) -> dict[str, Any]:
        """The non-secret values. Empty text is left out of a new account and becomes ``None`` (back
        to the default) in an update; ``own_only`` keeps the provider's fields only."""
        own = {f.name for f in self.provider.fields}
        out: dict[str, Any] = {}
        for name, row in self.rows.items():
            if name in ("name", "id", "rate_per_minute") or row.spec.secret or (own_only and name not in own):
                continue
            value = self._value(row)
            if isinstance(value, str) and not value.strip() and row.spec.type != "multiline":
                if for_update:
                    out[name] = None
                continue
            out[name] = value
        return out

    def secrets(self) -> dict[str, str]:
        """Secrets typed in this form (never the stored ones)."""
        return {name: row.widget.value() for name, row in self.rows.items()
                if isinstance(row.widget, SecretInput) and row.widget.value()}

    def cleared_secrets(self) -> tuple[str, ...]:
        return tuple(name for name, row in self.rows.items()
                     if isinstance(row.widget, SecretInput) and row.widget.cleared)

    def stored_secrets(self) -> tuple[str, ...]:
        """Secrets the keyring holds that this form leaves as they are."""
        return tuple(name for name, row in self.rows.items()
                     if isinstance(row.widget, SecretInput) and row.widget.stored and not row.widget.cleared
                     and not row.widget.value())

    def account_name(self) -> str:
        return self.name.text().strip()

    def id_value(self) -> str:
        return self.account_id.text().strip()

    # -- errors ---------------------------------------------------------------------------------
    def clear_errors(self) -> None:
        for row in self.rows.values():
            row.error.clear()
            row.error.hide()

    def row_for(self, key: str | None) -> _Row | None:
        """The row an error's ``field`` names: a field name or label, or name/id/rate."""
        if not key:
            return None
        if key in self.rows:
            return self.rows[key]
        return next((row for row in self.rows.values() if row.spec.label == key), None)

    def show_error(self, key: str | None, message: str) -> bool:
        """Show ``message`` under the field ``key`` names and focus it; False if no field matches."""
        row = self.row_for(key)
        if row is None:
            return False
        if self.extra_box is not None and row.spec.name in {f.name for f in EXTRA_FIELDS[self.kind_key]}:
            self.extra_toggle.setChecked(True)
        row.error.setText(message)
        row.error.show()
        row.focus_widget().setFocus()
        return True

    def errors(self) -> dict[str, str]:
        return {name: row.error.text() for name, row in self.rows.items() if row.error.isVisibleTo(self)}


# ---------------------------------------------------------------------------------------------
# The window
# ---------------------------------------------------------------------------------------------

@dataclass
class _State:
    """What the list shows for an account."""

    ok: bool | None
    text: str
    detail: str = ""


class ChannelsWindow(QtWidgets.QDialog):
    """Connected channel accounts: a list on the left, the selected account's form on the right."""

    #: Accounts were added, changed or removed.
    changed = Signal()
    #: A connection test or test message finished: ``(account id, ok, text shown)``.
    testFinished = Signal(str, bool, str)  # noqa: N815 - Qt signal naming

    COLUMNS = 3

    def __init__(self, workspace, parent: QtWidgets.QWidget | None = None, *, secrets: SecretStore | None = None):
        super().__init__(parent)
        self.setObjectName("channelsWindow")
        self.workspace = workspace
        self.store = AccountStore(workspace, secrets)
        self.background = Background(self)
        self.form: AccountForm | None = None
        self.current_id: str | None = None
        self._dirty = False
        self._tests: dict[str, tuple[bool, str]] = {}
        self._targets: dict[str, str] = {}
        self._accounts: dict[str, AccountInfo] = {}
        self._open_problems: dict[str, str] = {}  # account id → why it cannot be opened, for its page
        self.setWindowTitle(self.tr("Channels"))
        self.setModal(False)
        self.resize(1100, 720)
        try:
            self.store.secrets.backend  # noqa: B018 - the check is the point
            self.keyring_problem = ""
        except SecretStoreUnavailable as exc:
            self.keyring_problem = str(exc)

        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(12, 12, 12, 12)
        outer.setSpacing(10)
        self.banner = self._make_banner()
        outer.addWidget(self.banner)

        split = QtWidgets.QSplitter(Qt.Orientation.Horizontal, self)
        split.setChildrenCollapsible(False)
        split.addWidget(self._make_list_side())
        split.addWidget(self._make_detail_side())
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setSizes([480, 700])
        outer.addWidget(split, 1)

        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close, self)
        close = buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Close)
        close.setAutoDefault(False)
        close.setToolTip(self.tr("Close the window (Esc)"))
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)

        self.remove_shortcut = QtGui.QShortcut(QtGui.QKeySequence(QtGui.QKeySequence.StandardKey.Delete),
                                               self.tree, self.remove_selected,
                                               context=Qt.ShortcutContext.WidgetShortcut)
        self.refresh()

    # -- building -------------------------------------------------------------------------------
    def _make_banner(self) -> QtWidgets.QFrame:
        banner = QtWidgets.QFrame(self)
        banner.setObjectName("keyringBanner")
        banner.setStyleSheet("QFrame#keyringBanner { background: #FFF3E0; border: 1px solid #FFB74D; "
                             "border-radius: 6px; }")
        lay = QtWidgets.QHBoxLayout(banner)
        lay.setContentsMargins(10, 8, 10, 8)
        lay.setSpacing(10)
        icon = QtWidgets.QLabel(banner)
        icon.setPixmap(self.style().standardIcon(QtWidgets.QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(24, 24))
        self.banner_text = QtWidgets.QLabel(banner)
        self.banner_text.setObjectName("keyringProblem")
        self.banner_text.setWordWrap(True)
        self.banner_text.setTextFormat(Qt.TextFormat.PlainText)
        self.banner_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if self.keyring_problem:
            self.banner_text.setText(self.tr("Passwords and tokens cannot be saved: %1 Until then, accounts "
                                             "that hold a password or token cannot be saved or opened; the "
                                             "others (a mail relay without a login, say) work as usual.")
                                     .replace("%1", self.keyring_problem))
        lay.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        lay.addWidget(self.banner_text, 1)
        banner.setVisible(bool(self.keyring_problem))
        return banner

    def _make_list_side(self) -> QtWidgets.QWidget:
        side = QtWidgets.QWidget(self)
        lay = QtWidgets.QVBoxLayout(side)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        self.tree = QtWidgets.QTreeWidget(side)
        self.tree.setObjectName("accountList")
        self.tree.setColumnCount(self.COLUMNS)
        self.tree.setHeaderLabels([self.tr("Account"), self.tr("Provider"), self.tr("Status")])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setIconSize(QtCore.QSize(24, 24))
        self.tree.setAlternatingRowColors(True)
        self.tree.setToolTip(self.tr("Your channel accounts; press Delete to remove the selected one"))
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.Interactive)
        self.tree.setColumnWidth(0, 165)
        self.tree.setColumnWidth(1, 125)
        self.tree.currentItemChanged.connect(self._current_changed)
        lay.addWidget(self.tree, 1)
        self.empty_hint = QtWidgets.QLabel(self.tr("No channel accounts yet. Add one to send email, SMS, "
                                                   "webhooks or chat messages from your journeys."), side)
        self.empty_hint.setWordWrap(True)
        secondary(self.empty_hint)
        lay.addWidget(self.empty_hint)
        row = QtWidgets.QHBoxLayout()
        self.add_button = QtWidgets.QPushButton(self.tr("Add account"), side)
        self.add_button.setObjectName("addAccount")
        self.add_button.setAutoDefault(False)
        self.add_button.setToolTip(self.tr("Connect a new account: choose its provider"))
        menu = QtWidgets.QMenu(self.add_button)
        menu.setToolTipsVisible(True)
        for key, provider in KINDS.items():
            action = menu.addAction(kind_icon(key, 20), provider.label)
            action.setToolTip(provider.description)
            action.setData(key)
            action.triggered.connect(lambda _=False, k=key: self.start_add(k))
        self.add_button.setMenu(menu)
        self.remove_button = QtWidgets.QPushButton(self.tr("Remove"), side)
        self.remove_button.setObjectName("removeAccount")
        self.remove_button.setAutoDefault(False)
        self.remove_button.setToolTip(self.tr("Remove the selected account and its secrets (Delete)"))
        self.remove_button.clicked.connect(self.remove_selected)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        lay.addLayout(row)
        return side

    def _make_detail_side(self) -> QtWidgets.QWidget:
        side = QtWidgets.QWidget(self)
        lay = QtWidgets.QVBoxLayout(side)
        lay.setContentsMargins(6, 0, 0, 0)
        lay.setSpacing(8)
        self.pages = QtWidgets.QStackedWidget(side)
        self.nothing = QtWidgets.QLabel(self.tr("Select an account to see and change its settings, or add one."),
                                        side)
        self.nothing.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.nothing.setWordWrap(True)
        secondary(self.nothing)
        self.pages.addWidget(self.nothing)
        self.detail = QtWidgets.QWidget(side)
        detail = QtWidgets.QVBoxLayout(self.detail)
        detail.setContentsMargins(0, 0, 0, 0)
        detail.setSpacing(8)
        self.scroll = QtWidgets.QScrollArea(self.detail)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        detail.addWidget(self.scroll, 1)

        actions = QtWidgets.QHBoxLayout()
        actions.setSpacing(8)
        self.test_button = QtWidgets.QPushButton(self.tr("Test connection"), self.detail)
        self.test_button.setObjectName("testConnection")
        self.test_button.setAutoDefault(False)
        self.test_button.setToolTip(self.tr("Connect and log in with the values above, without sending anything "
                                            "to a customer"))
        self.test_button.clicked.connect(self.test_connection)
        self.send_button = QtWidgets.QPushButton(self.tr("Send a test to me…"), self.detail)
        self.send_button.setObjectName("sendTest")
        self.send_button.setAutoDefault(False)
        self.send_button.setToolTip(self.tr("Send one real test message through this account to an address "
                                            "or number of yours"))
        self.send_button.clicked.connect(self.send_test)
        self.busy = QtWidgets.QProgressBar(self.detail)
        self.busy.setRange(0, 0)
        self.busy.setFixedWidth(90)
        self.busy.setTextVisible(False)
        self.busy.hide()
        actions.addWidget(self.test_button)
        actions.addWidget(self.send_button)
        actions.addWidget(self.busy)
        actions.addStretch(1)
        detail.addLayout(actions)
        self.result = QtWidgets.QLabel(self.detail)
        self.result.setObjectName("testResult")
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.PlainText)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.hide()
        detail.addWidget(self.result)

        self.errors_box = QtWidgets.QGroupBox(self.tr("Last errors"), self.detail)
        errors = QtWidgets.QVBoxLayout(self.errors_box)
        # A table rather than a tree: its rows grow to show a long reason whole.
        self.errors_table = QtWidgets.QTableWidget(0, 5, self.errors_box)
        self.errors_table.setObjectName("lastErrors")
        self.errors_table.setWordWrap(True)
        self.errors_table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.errors_table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.errors_table.setShowGrid(False)
        self.errors_table.verticalHeader().hide()
        # The reason is what matters and the longest: last, taking the rest of the width.
        self.errors_table.setHorizontalHeaderLabels([self.tr("When"), self.tr("Status"), self.tr("Code"),
                                                     self.tr("Attempts"), self.tr("Reason")])
        header = self.errors_table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.sectionResized.connect(lambda *_: self.errors_table.resizeRowsToContents())
        self.errors_table.setToolTip(self.tr("Deliveries through this account that failed, newest first"))
        for column, width in enumerate((125, 70, 50, 70)):
            self.errors_table.setColumnWidth(column, width)
        self.errors_table.setFixedHeight(150)
        self.no_errors = QtWidgets.QLabel(self.tr("No failed deliveries."), self.errors_box)
        secondary(self.no_errors)
        errors.addWidget(self.errors_table)
        errors.addWidget(self.no_errors)
        detail.addWidget(self.errors_box)

        bottom = QtWidgets.QHBoxLayout()
        self.summary = QtWidgets.QLabel(self.detail)
        self.summary.setObjectName("saveError")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setStyleSheet(f"color: {ERROR_COLOR};")
        self.revert_button = QtWidgets.QPushButton(self.tr("Revert"), self.detail)
        self.revert_button.setAutoDefault(False)
        self.revert_button.setToolTip(self.tr("Forget the changes made since the last save"))
        self.revert_button.clicked.connect(self.revert)
        self.save_button = QtWidgets.QPushButton(self.tr("Save"), self.detail)
        self.save_button.setObjectName("saveAccount")
        self.save_button.setDefault(True)
        self.save_button.setToolTip(self.tr("Save the account (Enter); secrets go to the system keyring"))
        self.save_button.clicked.connect(self.save)
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.revert_button)
        bottom.addWidget(self.save_button)
        detail.addLayout(bottom)
        self.pages.addWidget(self.detail)
        lay.addWidget(self.pages, 1)
        return side

    # -- the list -------------------------------------------------------------------------------
    def refresh(self, select: str | None = None) -> None:
        """Read the accounts again and show them. ``select`` shows that account's stored values;
        otherwise the form on display (and any unsaved edits in it) stays."""
        try:
            accounts = self.store.list()
            failing = last_delivery_failures(self.workspace, [a.id for a in accounts])
        except JourneyStudioError as exc:
            self.summary.setText(str(exc))
            return
        self._accounts = {a.id: a for a in accounts}
        keep = select if select is not None else self.current_id
        chosen = None
        with QtCore.QSignalBlocker(self.tree):
            self.tree.clear()
            for info in accounts:
                state = self._state(info, failing.get(info.id, ""))
                item = QtWidgets.QTreeWidgetItem([info.name, info.label, state.text])
                item.setData(0, Qt.ItemDataRole.UserRole, info.id)
                item.setIcon(0, kind_icon(info.kind, 24))
                item.setIcon(2, _status_icon(state.ok))
                item.setToolTip(0, self.tr("Id: %1").replace("%1", info.id))
                item.setToolTip(2, state.detail or state.text)
                if state.ok is False:
                    item.setForeground(2, QtGui.QBrush(QtGui.QColor(ERROR_COLOR)))
                self.tree.addTopLevelItem(item)
                if info.id == keep:
                    chosen = item
            if chosen is not None:
                self.tree.setCurrentItem(chosen)
        self.empty_hint.setVisible(not accounts)
        if select is not None and chosen is not None:
            self._show_account(select)
        elif self.form is not None and self.form.new:
            pass  # an account being added stays on screen
        elif chosen is not None and self.form is not None:
            self._show_errors(keep)
        elif chosen is not None:
            self._show_account(keep)
        else:
            self._show_nothing()
        self._update_buttons()

    def _state(self, info: AccountInfo, failing: str) -> _State:
        try:
            self.store.open_channel(info.id)
        except SecretStoreUnavailable as exc:
            self._open_problems[info.id] = (
                self.tr("This account holds a password or token that the system keyring cannot give (see "
                        "above), so nothing is sent through it until the keyring works.")
                if self.keyring_problem else self.tr("This account cannot be opened: %1").replace("%1", str(exc)))
            return _State(False, self.tr("Cannot be opened"), str(exc))
        except ChannelAccountInvalid as exc:
            self._open_problems[info.id] = self.tr("This account cannot be opened: %1").replace("%1", str(exc))
            return _State(False, self.tr("Cannot be opened"), str(exc))
        self._open_problems.pop(info.id, None)
        tested = self._tests.get(info.id)
        if tested is not None and not tested[0]:
            return _State(False, self.tr("Connection test failed"), tested[1])
        if failing:
            return _State(False, self.tr("Last delivery failed"), failing)
        if tested is not None:
            return _State(True, self.tr("Connection OK"), tested[1])
        return _State(None, self.tr("Ready"), self.tr("Not tested in this session yet"))

    def accounts(self) -> list[str]:
        """Account ids as listed."""
        return [self.tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)
                for i in range(self.tree.topLevelItemCount())]

    def status_of(self, account_id: str) -> str:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.data(0, Qt.ItemDataRole.UserRole) == account_id:
                return item.text(2)
        return ""

    def select(self, account_id: str) -> bool:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.data(0, Qt.ItemDataRole.UserRole) == account_id:
                self.tree.setCurrentItem(item)
                return self.current_id == account_id
        return False

    def _current_changed(self, current: QtWidgets.QTreeWidgetItem | None,
                         previous: QtWidgets.QTreeWidgetItem | None) -> None:
        account_id = current.data(0, Qt.ItemDataRole.UserRole) if current is not None else None
        if account_id == self.current_id and self.form is not None and not self.form.new:
            return
        if self._dirty and not self._ask_discard():
            blocker = QtCore.QSignalBlocker(self.tree)
            self.tree.setCurrentItem(previous)
            del blocker
            return
        if account_id is None:
            self._show_nothing()
        else:
            self._show_account(account_id)

    # -- showing one account ------------------------------------------------------------------
    def _set_form(self, form: AccountForm | None) -> None:
        # Taken back first: a scroll area deletes the widget it holds when given another one.
        old = self.scroll.takeWidget()
        if old is not None:
            old.deleteLater()
        self.form = form
        self._dirty = False
        self.summary.clear()
        self.result.hide()
        if form is not None:
            form.changed.connect(self._form_changed)
            self.scroll.setWidget(form)
            self.pages.setCurrentWidget(self.detail)
        else:
            self.pages.setCurrentWidget(self.nothing)
        self._update_buttons()

    def _show_nothing(self) -> None:
        self.current_id = None
        self._set_form(None)

    def _show_account(self, account_id: str) -> None:
        info = self._accounts.get(account_id)
        if info is None or info.kind not in KINDS:
            self._show_nothing()
            if info is not None:
                self.summary.setText(self.tr("This account's provider “%1” is not known to this version.")
                                     .replace("%1", info.kind))
            return
        try:
            present: dict[str, bool] | None = self.store.secrets_present(account_id)
        except SecretStoreUnavailable:
            present = None
        self.current_id = account_id
        form = AccountForm(info.kind, new=False, keyring_ok=not self.keyring_problem, parent=self.scroll)
        form.load(info, present)
        self._set_form(form)
        if account_id in self._open_problems:
            self.summary.setText(self._open_problems[account_id])
        tested = self._tests.get(account_id)
        if tested is not None:
            self._show_result(*tested)
        self._show_errors(account_id)

    def start_add(self, kind_key: str) -> AccountForm | None:
        """Show an empty form for a new account of ``kind_key``."""
        if self._dirty and not self._ask_discard():
            return None
        blocker = QtCore.QSignalBlocker(self.tree)
        self.tree.setCurrentItem(None)
        self.tree.clearSelection()
        del blocker
        self.current_id = None
        form = AccountForm(kind_key, new=True, keyring_ok=not self.keyring_problem, parent=self.scroll)
        self._set_form(form)
        self.errors_box.hide()
        form.name.setFocus()
        return form

    def _show_errors(self, account_id: str) -> None:
        try:
            found = self.store.last_errors(account_id, limit=20)
        except JourneyStudioError as exc:
            found = []
            self.summary.setText(str(exc))
        table = self.errors_table
        table.setRowCount(len(found))
        for row, error in enumerate(found):
            when = error.at.astimezone().strftime("%Y-%m-%d %H:%M") if error.at else ""
            texts = (when, error.status, error.provider_code or "", str(error.attempts), error.reason)
            for column, text in enumerate(texts):
                item = QtWidgets.QTableWidgetItem(text)
                item.setToolTip(fill(self.tr("Delivery %1 to customer %2"), error.delivery_id,
                                     error.customer_id) if column == 0 else text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                table.setItem(row, column, item)
        table.resizeRowsToContents()
        self.errors_table.setVisible(bool(found))
        self.no_errors.setVisible(not found)
        self.errors_box.show()

    def _form_changed(self) -> None:
        self._dirty = True
        if self.form is not None:
            self.form.clear_errors()
        self.summary.clear()
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_form = self.form is not None
        busy = self.background.busy
        self.save_button.setEnabled(has_form and (self._dirty or bool(self.form and self.form.new)))
        self.save_button.setText(self.tr("Add account") if self.form is not None and self.form.new
                                 else self.tr("Save"))
        self.revert_button.setEnabled(has_form and self._dirty)
        self.remove_button.setEnabled(self.current_id is not None)
        self.test_button.setEnabled(has_form and not busy)
        self.send_button.setEnabled(has_form and not busy)

    # -- saving ---------------------------------------------------------------------------------
    def save(self) -> bool:
        """Add or update the account shown; errors appear under the field they name."""
        form = self.form
        if form is None:
            return False
        form.clear_errors()
        self.summary.clear()
        try:
            if form.new:
                info = self.store.add(form.id_value(), form.account_name(), form.kind_key, form.settings(),
                                      form.secrets(), rate_per_minute=form.rate.value())
            else:
                info = self.store.update(form.id_value(), name=form.account_name(),
                                         settings=form.settings(for_update=True), secrets=form.secrets(),
                                         rate_per_minute=form.rate.value(), clear_secrets=form.cleared_secrets())
        except ChannelAccountInvalid as exc:
            self._show_invalid(exc)
            return False
        except JourneyStudioError as exc:
            self.summary.setText(str(exc))
            return False
        self._tests.pop(info.id, None)
        self._dirty = False
        self.current_id = info.id
        self.refresh(select=info.id)  # a fresh form shows what was stored
        self.result.setText(self.tr("Saved."))
        self.result.setStyleSheet(f"color: {OK_COLOR};")
        self.result.show()
        self.changed.emit()
        return True

    def _show_invalid(self, exc: ChannelAccountInvalid) -> None:
        key = exc.field
        if key is None and self.form is not None and self.form.new and " id" in exc.message:
            key = "id"
        if self.form is not None:
            self.form.show_error(key, exc.message)
        self.summary.setText(str(exc))

    def revert(self) -> None:
        if self.form is None:
            return
        self._dirty = False
        if self.form.new:
            self.start_add(self.form.kind_key)
        elif self.current_id is not None:
            self._show_account(self.current_id)

    def remove_selected(self) -> bool:
        """Remove the selected account and its keyring entries, after asking."""
        info = self._accounts.get(self.current_id or "")
        if info is None or not self._ask_remove(info.name):
            return False
        try:
            self.store.remove(info.id)
        except SecretStoreUnavailable as exc:
            if not self._ask_remove_keeping_secrets(info.name, str(exc)):
                return False
            try:
                self.store.remove(info.id, keep_secrets_if_unavailable=True)
            except JourneyStudioError as again:
                self.summary.setText(str(again))
                return False
        except JourneyStudioError as exc:
            self.summary.setText(str(exc))
            return False
        self._tests.pop(info.id, None)
        self._dirty = False
        self.current_id = None
        self._set_form(None)
        self.refresh()
        self.changed.emit()
        return True

    # -- tests ----------------------------------------------------------------------------------
    def _channel_from_form(self):
        """The channel as the form describes it (saved or not), for a test; None after showing why."""
        form = self.form
        if form is None:
            return None
        form.clear_errors()
        self.summary.clear()
        account_id = form.id_value() or "new-account"
        secrets = form.secrets()
        try:
            for name in form.stored_secrets():
                if name in {f.name for f in form.provider.secret_fields} and not form.new:
                    value = self.store.secret(account_id, name)
                    if value is not None:
                        secrets[name] = value
            own = {f.name for f in form.provider.fields}
            return open_channel(form.kind_key, form.settings(own_only=True),
                                {k: v for k, v in secrets.items() if k in own}, account=account_id)
        except ChannelAccountInvalid as exc:
            self._show_invalid(exc)
        except JourneyStudioError as exc:
            self.summary.setText(str(exc))
        return None

    def _set_busy(self, text: str) -> None:
        self.busy.show()
        self.result.setText(text)
        self.result.setStyleSheet("")
        self.result.show()
        self._update_buttons()

    def test_connection(self) -> bool:
        """Check the account off the UI thread: connect, log in, nothing sent to a customer."""
        channel = self._channel_from_form()
        if channel is None:
            return False
        account_id = self.form.id_value() or ""
        check = getattr(channel, "check", None)
        if check is None:
            self._finish(account_id, False, self.tr("This kind of account has no connection test."), test=True)
            return False
        self.background.submit(check, lambda result: self._checked(account_id, result, test=True),
                               lambda message: self._finish(account_id, False, message, test=True))
        self._set_busy(self.tr("Testing the connection…"))
        return True

    def send_test(self) -> bool:
        """Ask where to, then send one real test message through the account, off the UI thread."""
        form = self.form
        if form is None:
            return False
        carries = form.provider.channel_kind
        target = self._ask_test_target(carries, self._targets.get(carries, ""))
        if target is None:
            return False
        target = target.strip()
        if carries in ("email", "sms") and not target:
            self.summary.setText(self.tr("Give an address or number to send the test to."))
            return False
        channel = self._channel_from_form()
        if channel is None:
            return False
        self._targets[carries] = target
        account_id = form.id_value() or ""
        message = Message(
            idempotency_key=f"test-{uuid.uuid4().hex}", channel=account_id,
            channel_kind=carries if carries != "any" else "email", customer_id="", journey_id="", node_id="",
            run_id="", to=target, subject=self.tr("Test message from Journey Studio"),
            body=self.tr("This is a test message from Journey Studio, sent through the account “%1”. If it "
                         "reached you, the account works.").replace("%1", form.account_name() or account_id))
        self.background.submit(lambda: channel.send(message),
                               lambda result: self._checked(account_id, result, test=False),
                               lambda text: self._finish(account_id, False, text, test=False))
        self._set_busy(self.tr("Sending a test message to %1…").replace("%1", target or account_id))
        return True

    def _checked(self, account_id: str, result: ChannelResult, *, test: bool) -> None:
        ok = result.status == "sent"
        if ok:
            text = (self.tr("Connection works: %1") if test else self.tr("Test message sent: %1")).replace(
                "%1", result.reason or result.provider_id or self.tr("accepted"))
        else:
            code = f" [{result.code}]" if result.code else ""
            text = fill(self.tr("Connection failed%1: %2") if test else self.tr("Test message failed%1: %2"),
                        code, result.reason or self.tr("no reason given"))
        self._finish(account_id, ok, text, test=test)

    def _finish(self, account_id: str, ok: bool, text: str, *, test: bool) -> None:
        self.busy.hide()
        if test and account_id in self._accounts and not self._dirty:
            self._tests[account_id] = (ok, text)
            self._update_list_state(account_id)
        if self.form is not None and (self.form.id_value() or "") == account_id:
            self._show_result(ok, text)
        self._update_buttons()
        self.testFinished.emit(account_id, ok, text)

    def _show_result(self, ok: bool, text: str) -> None:
        self.result.setText(("✓ " if ok else "✗ ") + text)
        self.result.setStyleSheet(f"color: {OK_COLOR if ok else ERROR_COLOR};")
        self.result.show()

    def _update_list_state(self, account_id: str) -> None:
        info = self._accounts.get(account_id)
        if info is None:
            return
        failing = last_delivery_failures(self.workspace, [account_id]).get(account_id, "")
        state = self._state(info, failing)
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.data(0, Qt.ItemDataRole.UserRole) == account_id:
                item.setText(2, state.text)
                item.setIcon(2, _status_icon(state.ok))
                item.setToolTip(2, state.detail or state.text)
                item.setForeground(2, QtGui.QBrush(QtGui.QColor(ERROR_COLOR if state.ok is False
                                                                else self.palette().text().color())))

    # -- closing --------------------------------------------------------------------------------
    def reject(self) -> None:
        if self._dirty and not self._ask_discard():
            return
        if self._dirty:
            self.revert()
        super().reject()

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self._dirty and not self._ask_discard():
            event.ignore()
            return
        if self._dirty:
            self.revert()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Wait for a test under way (the app is quitting)."""
        self.background.shutdown()

    # -- questions (replaced in tests: a modal box would block an offscreen run) ---------------
    def _ask_remove(self, name: str) -> bool:
        answer = QtWidgets.QMessageBox.question(
            self, self.tr("Remove account?"),
            self.tr("Remove the channel account “%1” and delete its passwords and tokens from the system "
                    "keyring? Send nodes that use it will fail until another account takes its id.")
            .replace("%1", name))
        return answer == QtWidgets.QMessageBox.StandardButton.Yes

    def _ask_remove_keeping_secrets(self, name: str, problem: str) -> bool:
        answer = QtWidgets.QMessageBox.question(
            self, self.tr("Keyring not available"),
            fill(self.tr("The secrets of “%1” cannot be deleted: %2\n\nRemove the account anyway and leave its "
                         "secrets in the keyring?"), name, problem))
        return answer == QtWidgets.QMessageBox.StandardButton.Yes

    def _ask_discard(self) -> bool:
        answer = QtWidgets.QMessageBox.question(
            self, self.tr("Unsaved changes"), self.tr("Forget the changes to this account?"),
            QtWidgets.QMessageBox.StandardButton.Discard | QtWidgets.QMessageBox.StandardButton.Cancel,
            QtWidgets.QMessageBox.StandardButton.Cancel)
        return answer == QtWidgets.QMessageBox.StandardButton.Discard

    def _ask_test_target(self, channel_kind: str, previous: str) -> str | None:
        """Where the test message goes; ``None`` when the user cancels."""
        prompts = {
            "email": self.tr("Your e-mail address:"),
            "sms": self.tr("Your mobile number (with country code, e.g. +4915112345678):"),
            "webhook": self.tr("A recipient value for the test payload (optional):"),
            "chat": self.tr("The test is posted to the bot's group. A note for the 'to' field (optional):"),
        }
        text, ok = QtWidgets.QInputDialog.getText(self, self.tr("Send a test to me"),
                                                  prompts.get(channel_kind, self.tr("Send the test to:")),
                                                  QtWidgets.QLineEdit.EchoMode.Normal, previous)
        return text if ok else None


__all__ = ["AccountForm", "ChannelHealth", "ChannelsWindow", "SecretInput", "channel_health", "kind_icon",
           "last_delivery_failures", "slugify"]
