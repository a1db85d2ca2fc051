"""Message templates in the inspector: the template text editor and the live preview.

:class:`TemplateEdit` is the monospace editor of a ``template`` field (subject, message, HTML
version): ``{{ … }}`` and ``{% … %}`` are tinted and :class:`PlaceholderButton` inserts customer
attributes at the cursor. :class:`TemplatePreview` renders a Send or Notify team node's templates for a
sample customer (one of the test customers of test mode, or a customer of the workspace) through
:mod:`engine.templating`, the renderer the engine sends with, so the preview fails exactly where a
real send would; a failure is shown in red with its line, never as a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from engine import templating
from engine.errors import JourneyStudioError, TemplateError
from gui.live import TEST_CUSTOMERS, address_of_test_customer
from gui.qt import Qt, QtCore, QtGui, QtWidgets, Signal, fill, translate

#: Node types whose templates the inspector previews, and the config keys of those templates.
PREVIEW_TYPES: dict[str, tuple[str, ...]] = {
    "orchestrate.send": ("subject", "body", "html_body"),
    "orchestrate.notify_staff": ("message",),
}
#: Customer attributes every workspace can offer, whatever its customers hold so far.
DEFAULT_ATTRIBUTES: tuple[str, ...] = (
    "first_name", "last_name", "email", "phone", "city", "country", "lifecycle", "total_orders",
    "total_spent", "vip", "id",
)
#: Milliseconds of quiet typing before the preview renders again.
PREVIEW_DELAY_MS = 250
#: A preview must not freeze the app for the engine's full second on a runaway template.
PREVIEW_SECONDS = 0.5
ERROR_COLOR = "#C62828"
_EVENT_REFERENCE = re.compile(r"\bevent\s*(\.|\[)")


# ---------------------------------------------------------------------------------------------
# The editor
# ---------------------------------------------------------------------------------------------

class TemplateHighlighter(QtGui.QSyntaxHighlighter):
    """Tints ``{{ expressions }}``, ``{% statements %}`` and ``{# comments #}``, one line at a time
    (a tag split over lines stays untinted: cheap, and rare in messages)."""

    _RULES = (
        (re.compile(r"\{\{.*?\}\}"), "#1565C0", "#E3F2FD", False),
        (re.compile(r"\{%.*?%\}"), "#6A1B9A", "#F3E5F5", False),
        (re.compile(r"\{#.*?#\}"), "#78909C", None, True),
    )

    def __init__(self, document: QtGui.QTextDocument):
        super().__init__(document)
        self._formats = []
        for pattern, ink, back, italic in self._RULES:
            fmt = QtGui.QTextCharFormat()
            fmt.setForeground(QtGui.QColor(ink))
            if back:
                fmt.setBackground(QtGui.QColor(back))
            fmt.setFontItalic(italic)
            self._formats.append((pattern, fmt))

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt override
        for pattern, fmt in self._formats:
            for found in pattern.finditer(text):
                self.setFormat(found.start(), found.end() - found.start(), fmt)


class TemplateEdit(QtWidgets.QPlainTextEdit):
    """A plain-text editor for a message template: monospace, placeholders tinted."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("templateEdit")
        self.setFont(QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont))
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QtWidgets.QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.highlighter = TemplateHighlighter(self.document())

    def insert_placeholder(self, path: str) -> None:
        """Put ``{{ path }}`` at the cursor, as if typed (one undo step, an edit signal)."""
        self.insertPlainText(f"{{{{ {path} }}}}")
        self.setFocus()


class PlaceholderButton(QtWidgets.QToolButton):
    """A small ``{}`` button whose menu inserts a customer attribute into ``target``."""

    def __init__(self, target: TemplateEdit, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("placeholderButton")
        self.target = target
        self.setText("{ }")
        self.setToolTip(self.tr("Insert a placeholder: a customer attribute filled in for each customer"))
        self.setAutoRaise(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setPopupMode(QtWidgets.QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setMenu(QtWidgets.QMenu(self))
        self.set_attributes(DEFAULT_ATTRIBUTES)

    def set_attributes(self, names: Iterable[str]) -> None:
        menu = self.menu()
        menu.clear()
        heading = menu.addAction(self.tr("Customer attributes"))
        heading.setEnabled(False)
        for name in _ordered(names):
            path = name if "." in name else f"customer.{name}"
            action = menu.addAction(f"{{{{ {path} }}}}")
            action.setData(path)
            action.triggered.connect(lambda _=False, p=path: self.target.insert_placeholder(p))
        menu.addSeparator()
        fallback = menu.addAction(self.tr("First name, or “there” when unknown"))
        fallback.triggered.connect(
            lambda: self.target.insert_placeholder("customer.first_name | default('there')"))

    def paths(self) -> list[str]:
        return [a.data() for a in self.menu().actions() if a.data()]


def _ordered(names: Iterable[str]) -> list[str]:
    """The usual attributes first in their usual order, then the others alphabetically."""
    seen = dict.fromkeys(str(n) for n in names if str(n))
    first = [n for n in DEFAULT_ATTRIBUTES if n in seen]
    return first + sorted(n for n in seen if n not in DEFAULT_ATTRIBUTES)


# ---------------------------------------------------------------------------------------------
# Sample customers
# ---------------------------------------------------------------------------------------------

def sample_customers() -> list[tuple[str, dict[str, Any]]]:
    """``(label, attributes)`` of the test customers, as test mode stores them."""
    out = []
    for person in TEST_CUSTOMERS:
        attrs = {k: v for k, v in person.items() if k != "time_zone" and (k != "phone" or v)}
        attrs["email"] = address_of_test_customer(person["first_name"])
        attrs["last_name"] = "Test"
        attrs["id"] = f"test-{person['first_name'].lower()}"
        out.append((translate("TemplatePreview", "Test %1").replace("%1", person["first_name"]), attrs))
    return out


def workspace_attribute_names(workspace, limit: int = 100) -> list[str]:
    """Attribute names held by the most recently updated customers of ``workspace`` (top level)."""
    if workspace is None:
        return []
    from engine.track.profiles import search

    try:
        page = search(workspace, "", limit=limit)
    except JourneyStudioError:
        return []
    names: dict[str, None] = {}
    for item in page.items:
        names.update(dict.fromkeys(k for k in item.attributes if isinstance(k, str)))
    return list(names)


def parse_event_values(text: str) -> dict[str, Any]:
    """``rating=2, order_id=A-1001`` as a dict; numbers and true/false keep their type."""
    values: dict[str, Any] = {}
    for part in text.split(","):
        key, sep, raw = part.partition("=")
        key, raw = key.strip(), raw.strip()
        if not key or not sep:
            continue
        value: Any = raw
        if raw in ("true", "false"):
            value = raw == "true"
        else:
            for kind in (int, float):
                try:
                    value = kind(raw)
                    break
                except ValueError:
                    continue
        values[key] = value
    return values


# ---------------------------------------------------------------------------------------------
# The preview
# ---------------------------------------------------------------------------------------------

class _HtmlView(QtWidgets.QTextBrowser):
    """Rendered HTML, with nothing fetched: images and links of a template stay where they are."""

    def loadResource(self, kind: int, name: QtCore.QUrl) -> Any:  # noqa: N802 - Qt override
        return None


class TemplatePreview(QtWidgets.QFrame):
    """A node's message as one sample customer would get it, re-rendered shortly after each edit."""

    #: Emitted after every render with the texts shown (for tests and the status line).
    rendered = Signal()

    WORKSPACE = "__workspace__"

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("templatePreview")
        self.workspace = None
        self.type_key = ""
        self.config: dict[str, Any] = {}
        self._workspace_customer: tuple[str, dict[str, Any]] | None = None
        self.timer = QtCore.QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(PREVIEW_DELAY_MS)
        self.timer.timeout.connect(self.refresh_now)

        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 12, 0, 0)
        lay.setSpacing(6)
        heading = QtWidgets.QLabel(self.tr("Preview"), self)
        heading.setObjectName("previewHeading")
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        lay.addWidget(heading)

        who = QtWidgets.QHBoxLayout()
        who.setSpacing(6)
        who_label = QtWidgets.QLabel(self.tr("As seen by"), self)
        self.customer = QtWidgets.QComboBox(self)
        self.customer.setObjectName("previewCustomer")
        # Long entries must not force the inspector dock wider than it is.
        self.customer.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.customer.setMinimumContentsLength(8)
        self.customer.setToolTip(self.tr("The customer whose attributes fill in the placeholders"))
        for label, attrs in sample_customers():
            self.customer.addItem(label, attrs)
        self.customer.addItem(self.tr("A customer from the workspace…"), self.WORKSPACE)
        who_label.setBuddy(self.customer)
        who.addWidget(who_label)
        who.addWidget(self.customer, 1)
        lay.addLayout(who)

        self.lookup_row = QtWidgets.QWidget(self)
        look = QtWidgets.QHBoxLayout(self.lookup_row)
        look.setContentsMargins(0, 0, 0, 0)
        look.setSpacing(6)
        self.lookup = QtWidgets.QLineEdit(self.lookup_row)
        self.lookup.setObjectName("previewLookup")
        self.lookup.setPlaceholderText(self.tr("E-mail, phone or customer id"))
        self.lookup.setToolTip(self.tr("Type how to find the customer and press Enter"))
        self.lookup_button = QtWidgets.QPushButton(self.tr("Find"), self.lookup_row)
        self.lookup_button.setAutoDefault(False)
        look.addWidget(self.lookup, 1)
        look.addWidget(self.lookup_button)
        lay.addWidget(self.lookup_row)
        self.lookup_row.hide()

        self.event_row = QtWidgets.QWidget(self)
        ev = QtWidgets.QHBoxLayout(self.event_row)
        ev.setContentsMargins(0, 0, 0, 0)
        ev.setSpacing(6)
        ev_label = QtWidgets.QLabel(self.tr("Event"), self.event_row)
        self.event_values = QtWidgets.QLineEdit(self.event_row)
        self.event_values.setObjectName("previewEvent")
        self.event_values.setPlaceholderText(self.tr("e.g. rating=2, order_id=A-1001"))
        self.event_values.setToolTip(self.tr("Values for {{ event.… }} placeholders: the properties of "
                                             "the event that started or woke the customer's run"))
        ev_label.setBuddy(self.event_values)
        ev.addWidget(ev_label)
        ev.addWidget(self.event_values, 1)
        lay.addWidget(self.event_row)
        self.event_row.hide()

        # The message as a card, in the colours of a mail client rather than of the dock.
        self.card = QtWidgets.QFrame(self)
        self.card.setObjectName("previewCard")
        self.card.setStyleSheet("QFrame#previewCard { background: #FFFFFF; border: 1px solid #D5DCE4; "
                                "border-radius: 6px; }")
        card = QtWidgets.QVBoxLayout(self.card)
        card.setContentsMargins(10, 8, 10, 10)
        card.setSpacing(4)
        self.to_label = QtWidgets.QLabel(self.card)
        self.to_label.setObjectName("previewTo")
        self.to_label.setStyleSheet("color: #6B7684;")
        self.to_label.setTextFormat(Qt.TextFormat.PlainText)
        self.subject = QtWidgets.QLabel(self.card)
        self.subject.setObjectName("previewSubject")
        self.subject.setWordWrap(True)
        self.subject.setTextFormat(Qt.TextFormat.PlainText)
        font = self.subject.font()
        font.setBold(True)
        self.subject.setFont(font)
        self.body = QtWidgets.QLabel(self.card)
        self.body.setObjectName("previewBody")
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.PlainText)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.html_label = QtWidgets.QLabel(self.tr("HTML version"), self.card)
        self.html_label.setStyleSheet("color: #6B7684;")
        self.html = _HtmlView(self.card)
        self.html.setObjectName("previewHtml")
        self.html.setOpenLinks(False)
        self.html.setOpenExternalLinks(False)
        self.html.setFixedHeight(150)
        for widget in (self.to_label, self.subject, self.body, self.html_label, self.html):
            card.addWidget(widget)
        lay.addWidget(self.card)

        self.errors = QtWidgets.QLabel(self)
        self.errors.setObjectName("previewErrors")
        self.errors.setWordWrap(True)
        self.errors.setTextFormat(Qt.TextFormat.PlainText)
        self.errors.setStyleSheet(f"color: {ERROR_COLOR};")
        self.errors.hide()
        lay.addWidget(self.errors)

        self.customer.currentIndexChanged.connect(self._customer_changed)
        self.lookup.returnPressed.connect(self.find_customer)
        self.lookup_button.clicked.connect(self.find_customer)
        self.event_values.textEdited.connect(lambda _t: self.schedule())

    # -- inputs -------------------------------------------------------------------------------
    def set_workspace(self, workspace) -> None:
        self.workspace = workspace
        index = self.customer.findData(self.WORKSPACE)
        # Without a workspace there is no one to look up.
        item = self.customer.model().item(index) if index >= 0 else None
        if item is not None:
            item.setEnabled(workspace is not None)

    def set_node(self, type_key: str, config: Mapping[str, Any]) -> None:
        """Preview this node's templates now."""
        self.type_key = type_key
        self.config = dict(config or {})
        self.refresh_now()

    def set_config(self, config: Mapping[str, Any]) -> None:
        """The node's templates changed: render again once typing pauses."""
        config = dict(config or {})
        if config == self.config:
            return
        self.config = config
        self.schedule()

    def schedule(self) -> None:
        self.timer.start()

    def _customer_changed(self, _index: int) -> None:
        picking = self.customer.currentData() == self.WORKSPACE
        self.lookup_row.setVisible(picking)
        if picking and self._workspace_customer is None:
            self.lookup.setFocus()
        self.refresh_now()

    def find_customer(self) -> bool:
        """Load the workspace customer named in the look-up field; a failure is shown in red."""
        from engine.track.profiles import resolve

        text = self.lookup.text().strip()
        if self.workspace is None or not text:
            return False
        try:
            customer_id = resolve(self.workspace, text)
            record = self.workspace.get_customer(customer_id)
        except JourneyStudioError as exc:
            self._workspace_customer = None
            self._show([], [self.tr("Customer: %1").replace("%1", str(exc))])
            return False
        identifiers = dict(reversed(record.identifiers))  # the first value of each kind, as sends see it
        self._workspace_customer = (customer_id, {"id": record.id, "identifiers": identifiers, **record.attributes})
        index = self.customer.findData(self.WORKSPACE)
        if self.customer.currentIndex() != index:
            self.customer.setCurrentIndex(index)  # renders through _customer_changed
        else:
            self.refresh_now()
        return True

    def customer_attributes(self) -> dict[str, Any] | None:
        data = self.customer.currentData()
        if data == self.WORKSPACE:
            return dict(self._workspace_customer[1]) if self._workspace_customer else None
        return dict(data) if isinstance(data, dict) else None

    # -- rendering ----------------------------------------------------------------------------
    def _parts(self) -> list[tuple[str, str, str, bool]]:
        """``(key, title, template, html)`` of each template the node sends."""
        c = self.config
        if self.type_key == "orchestrate.notify_staff":
            return [("message", self.tr("Message"), str(c.get("message") or ""), False)]
        parts = []
        if c.get("channel_kind", "email") == "email":
            parts.append(("subject", self.tr("Subject"), str(c.get("subject") or ""), False))
        parts.append(("body", self.tr("Message"), str(c.get("body") or ""), False))
        if c.get("html_body"):
            parts.append(("html_body", self.tr("HTML version"), str(c.get("html_body")), True))
        return parts

    def refresh_now(self) -> None:
        self.timer.stop()
        parts = self._parts()
        uses_event = any(_EVENT_REFERENCE.search(t) for _k, _t, t, _h in parts)
        self.event_row.setVisible(uses_event or bool(self.event_values.text().strip()))
        attrs = self.customer_attributes()
        if attrs is None:
            self._show([], [self.tr("Type an e-mail, phone number or customer id and press Enter.")],
                       quiet=True)
            return
        context = {"customer": attrs, "event": parse_event_values(self.event_values.text())}
        results: list[tuple[str, str, bool]] = []
        errors: list[str] = []
        for key, title, template, html in parts:
            try:
                as_json = (key == "body" and self.config.get("channel_kind") == "webhook"
                           and templating.writes_json(template))
                text = templating.render(template, context, html=html, json=as_json, max_seconds=PREVIEW_SECONDS)
            except TemplateError as exc:
                where = fill(self.tr("%1, line %2"), title, str(exc.line)) \
                    if exc.line else title
                errors.append(f"{where}: {exc.message}")
                text = ""
            except Exception as exc:  # the preview must never take the inspector down
                errors.append(f"{title}: {type(exc).__name__}: {exc}")
                text = ""
            results.append((key, text, html))
        self.to_label.setText(self.tr("To: %1").replace("%1", self._recipient(attrs)))
        self._show(results, errors)

    def _recipient(self, attrs: Mapping[str, Any]) -> str:
        if self.type_key == "orchestrate.notify_staff":
            recipients = self.config.get("recipients") or []
            return ", ".join(str(r) for r in recipients) or self.tr("the channel's default")
        kind = self.config.get("channel_kind", "email")
        # As a send finds the address: the attribute, else the identifier of that kind.
        known = attrs.get("identifiers") if isinstance(attrs.get("identifiers"), Mapping) else {}
        if kind == "email":
            return str(attrs.get("email") or known.get("email") or self.tr("(no e-mail address)"))
        if kind == "sms":
            return str(attrs.get("phone") or known.get("phone") or self.tr("(no phone number)"))
        return str(attrs.get("id") or "")

    def _show(self, results: list[tuple[str, str, bool]], errors: list[str], quiet: bool = False) -> None:
        shown = {key: (text, html) for key, text, html in results}
        subject = shown.get("subject")
        self.subject.setVisible(subject is not None)
        self.subject.setText(subject[0] if subject else "")
        body = shown.get("body") or shown.get("message")
        self.body.setText(body[0] if body else "")
        self.body.setVisible(body is not None)
        html = shown.get("html_body")
        self.html_label.setVisible(html is not None)
        self.html.setVisible(html is not None)
        if html is not None:
            self.html.setHtml(html[0])
        self.card.setVisible(bool(results))
        self.errors.setText("\n".join(errors))
        self.errors.setStyleSheet("color: #6B7684;" if quiet else f"color: {ERROR_COLOR};")
        self.errors.setVisible(bool(errors))
        self.rendered.emit()

    # -- reading (tests, screenshots) ---------------------------------------------------------
    def texts(self) -> dict[str, str]:
        out = {}
        if self.subject.isVisibleTo(self):
            out["subject"] = self.subject.text()
        if self.body.isVisibleTo(self):
            out["body"] = self.body.text()
        if self.html.isVisibleTo(self):
            out["html_body"] = self.html.toPlainText()
        return out

    def error_text(self) -> str:
        return self.errors.text() if self.errors.isVisibleTo(self) else ""


__all__ = ["DEFAULT_ATTRIBUTES", "PREVIEW_TYPES", "PlaceholderButton", "TemplateEdit", "TemplateHighlighter",
           "TemplatePreview", "parse_event_values", "sample_customers", "workspace_attribute_names"]
