"""The start page shown when no journey is open: template gallery, blank journey, import, recents.

It only reports choices through signals; creating, importing and opening journeys is the window's
job.
"""

from __future__ import annotations

from datetime import datetime
from importlib.resources import files

from engine.document import load
from engine.errors import JourneyStudioError
from engine.spec import STAGE_COLORS, Stage
from engine.templates import TemplateInfo, list_templates
from gui.journey_browser import format_relative, format_timestamp
from gui.palette import stage_name
from gui.qt import Qt, QtCore, QtGui, QtSvg, QtWidgets, Signal

_RECENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
_RECENT_WHEN_ROLE = Qt.ItemDataRole.UserRole + 2

#: Cards never get narrower than this; the grid drops a column instead.
CARD_MIN_WIDTH = 250
CARD_HEIGHT = 176
GRID_SPACING = 16
SIDEBAR_WIDTH = 320
PAGE_MARGIN = 40
#: On very wide screens the page stays this wide and centred, so lines do not run on.
MAX_CONTENT_WIDTH = 1320

_STYLE = """
StartPage { background: palette(window); }
QScrollArea#startScroll, QWidget#startContent { background: transparent; border: none; }
QLabel#startTitle { font-size: 26pt; font-weight: 600; }
QLabel#startTagline { font-size: 12pt; color: palette(placeholder-text); }
QLabel#sectionTitle { font-size: 12.5pt; font-weight: 600; }
QFrame#templateCard {
    background: palette(base);
    border: 1px solid rgba(0, 0, 0, 30);
    border-radius: 10px;
}
QFrame#templateCard:hover {
    border: 1px solid palette(highlight);
    background: palette(alternate-base);
}
QFrame#templateCard:focus { border: 2px solid palette(highlight); }
QFrame#blankCard {
    background: transparent;
    border: 2px dashed rgba(0, 0, 0, 55);
    border-radius: 10px;
}
QFrame#blankCard:hover { border: 2px dashed palette(highlight); background: palette(base); }
QFrame#blankCard:focus { border: 2px solid palette(highlight); }
QLabel#cardTitle { font-size: 12pt; font-weight: 600; }
QLabel#cardMeta { color: palette(placeholder-text); }
QLabel#blankPlus { font-size: 30pt; color: palette(highlight); }
QFrame#sidebar {
    background: palette(base);
    border: 1px solid rgba(0, 0, 0, 30);
    border-radius: 10px;
}
QListWidget#recentList { border: none; background: transparent; }
QListWidget#recentList::item:hover { background: palette(alternate-base); }
QLabel#recentEmpty { color: palette(placeholder-text); }
QPushButton#importButton { padding: 5px 14px; }
QLabel#galleryNote { color: #B71C1C; }
"""


def _app_logo(size: int, ratio: float) -> QtGui.QPixmap | None:
    data = b""
    try:
        data = (files("resources") / "icons" / "app.svg").read_bytes()
    except OSError:
        return None
    renderer = QtSvg.QSvgRenderer(QtCore.QByteArray(data))
    if not renderer.isValid():
        return None
    physical = round(size * ratio)
    pixmap = QtGui.QPixmap(physical, physical)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QtGui.QPainter(pixmap)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QtCore.QRectF(0, 0, physical, physical))
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def template_stages(template: TemplateInfo) -> list[Stage]:
    """The MTAOO stages a template's nodes belong to (from their type keys' prefixes), in order."""
    journey = load(template.path)
    return stages_of_types(node.type for node in journey.nodes)


def stages_of_types(type_keys) -> list[Stage]:
    found = set()
    for key in type_keys:
        prefix = key.split(".", 1)[0]
        try:
            found.add(Stage(prefix))
        except ValueError:
            continue
    return sorted(found, key=lambda s: s.order)


class _ElidedText(QtWidgets.QWidget):
    """Word-wrapped text cut to ``max_lines`` with an ellipsis (QLabel cannot elide wrapped text)."""

    def __init__(self, text: str, max_lines: int, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._text = text
        self._max_lines = max_lines
        self.setToolTip(text)
        policy = QtWidgets.QSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding,
                                       QtWidgets.QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def text(self) -> str:
        return self._text

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return self.fontMetrics().lineSpacing() * max(1, len(self.lines(width)))

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 - Qt override
        return QtCore.QSize(200, self.fontMetrics().lineSpacing() * self._max_lines)

    def minimumSizeHint(self) -> QtCore.QSize:  # noqa: N802 - Qt override
        return QtCore.QSize(60, self.fontMetrics().lineSpacing())

    def changeEvent(self, event: QtCore.QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QtCore.QEvent.Type.FontChange:
            self.updateGeometry()

    def lines(self, width: int) -> list[str]:
        """The lines painted at ``width``; the last one ends in an ellipsis if the text goes on."""
        metrics = self.fontMetrics()
        layout = QtGui.QTextLayout(self._text, self.font())
        option = QtGui.QTextOption()
        option.setWrapMode(QtGui.QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        out: list[str] = []
        layout.beginLayout()
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            start, length = line.textStart(), line.textLength()
            if len(out) == self._max_lines - 1:
                rest = self._text[start:].replace("\n", " ")
                out.append(metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width))
                break
            out.append(self._text[start:start + length].rstrip())
        layout.endLayout()
        return out

    def paintEvent(self, _event: QtGui.QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QtGui.QPainter(self)
        painter.setPen(self.palette().color(QtGui.QPalette.ColorRole.WindowText))
        spacing = self.fontMetrics().lineSpacing()
        for i, line in enumerate(self.lines(self.width())):
            rect = QtCore.QRect(0, i * spacing, self.width(), spacing)
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), line)
        painter.end()


class _StageChips(QtWidgets.QWidget):
    """Small coloured pills naming stages; falls back to initials when the names do not fit."""

    def __init__(self, stages: list[Stage], parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.stages = list(stages)
        font = QtGui.QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.82))
        font.setWeight(QtGui.QFont.Weight.DemiBold)
        self.setFont(font)
        self.setToolTip(", ".join(stage_name(s) for s in self.stages))
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Fixed)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def _pill_height(self) -> int:
        return self.fontMetrics().height() + 6

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 - Qt override
        return QtCore.QSize(sum(self._widths(full=True)) + 6 * len(self.stages), self._pill_height())

    def minimumSizeHint(self) -> QtCore.QSize:  # noqa: N802 - Qt override
        return QtCore.QSize(sum(self._widths(full=False)) + 6 * len(self.stages), self._pill_height())

    def _labels(self, full: bool) -> list[str]:
        return [stage_name(s) if full else stage_name(s)[:1] for s in self.stages]

    def _widths(self, full: bool) -> list[int]:
        metrics = self.fontMetrics()
        return [metrics.horizontalAdvance(label) + 14 for label in self._labels(full)]

    def paintEvent(self, _event: QtGui.QPaintEvent) -> None:  # noqa: N802 - Qt override
        full = sum(self._widths(full=True)) + 6 * max(0, len(self.stages) - 1) <= self.width()
        painter = QtGui.QPainter(self)
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        height = self._pill_height()
        x = 0
        for stage, label, width in zip(self.stages, self._labels(full), self._widths(full), strict=True):
            rect = QtCore.QRectF(x, 0, width, height)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QtGui.QColor(STAGE_COLORS[stage]))
            painter.drawRoundedRect(rect, height / 2, height / 2)
            painter.setPen(QtGui.QColor("white"))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
            x += width + 6
        painter.end()


class _Card(QtWidgets.QFrame):
    """A clickable card; Enter or Space activates it from the keyboard."""

    clicked = Signal()

    def __init__(self, object_name: str, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setAttribute(Qt.WidgetAttribute.WA_Hover)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._pressed = False

    def mousePressEvent(self, event: QtGui.QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            self._pressed = True
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QtGui.QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton and self._pressed:
            self._pressed = False
            if self.rect().contains(event.position().toPoint()):
                self.clicked.emit()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class TemplateCard(_Card):
    def __init__(self, template: TemplateInfo, stages: list[Stage], parent: QtWidgets.QWidget | None = None):
        super().__init__("templateCard", parent)
        self.key = template.key
        self.setAccessibleName(template.name)
        self.setAccessibleDescription(template.description)

        self.title = _ElidedText(template.name, 2, self)
        title_font = QtGui.QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.25)
        title_font.setWeight(QtGui.QFont.Weight.DemiBold)
        self.title.setFont(title_font)
        count = (self.tr("1 node") if template.node_count == 1
                 else self.tr("%n nodes", "", template.node_count))
        self.meta = QtWidgets.QLabel(count, self)
        self.meta.setObjectName("cardMeta")
        self.meta.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.description = _ElidedText(template.description, 3, self)
        self.chips = _StageChips(stages, self)

        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 16)
        layout.setSpacing(4)
        layout.addWidget(self.title)
        layout.addWidget(self.meta)
        layout.addSpacing(6)
        layout.addWidget(self.description)
        layout.addStretch(1)
        layout.addWidget(self.chips)


class BlankCard(_Card):
    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__("blankCard", parent)
        self.setAccessibleName(self.tr("Blank journey"))
        plus = QtWidgets.QLabel("+", self)
        plus.setObjectName("blankPlus")
        plus.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QtWidgets.QLabel(self.tr("Blank journey"), self)
        title.setObjectName("cardTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint = QtWidgets.QLabel(self.tr("Start with an empty canvas"), self)
        hint.setObjectName("cardMeta")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for label in (plus, title, hint):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(18, 12, 18, 16)
        layout.setSpacing(2)
        layout.addStretch(1)
        layout.addWidget(plus)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addStretch(1)


class _CardGrid(QtWidgets.QWidget):
    """Places its cards in as many columns as fit and reports its height for a given width.

    Placed by hand rather than with a QGridLayout: a grid layout's minimum width would stop the
    page from shrinking, so the grid could never drop to fewer columns.
    """

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._cards: list[QtWidgets.QWidget] = []
        policy = QtWidgets.QSizePolicy(QtWidgets.QSizePolicy.Policy.Preferred,
                                       QtWidgets.QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def set_cards(self, cards: list[QtWidgets.QWidget]) -> None:
        for card in self._cards:
            card.hide()
            card.deleteLater()
        self._cards = list(cards)
        for card in self._cards:
            card.setParent(self)
            card.show()
        self.updateGeometry()
        self._place()

    def cards(self) -> list[QtWidgets.QWidget]:
        return list(self._cards)

    def columns(self) -> int:
        return self.columns_for(self.width())

    @staticmethod
    def columns_for(width: int) -> int:
        return max(1, min(4, (width + GRID_SPACING) // (CARD_MIN_WIDTH + GRID_SPACING)))

    def _place(self) -> None:
        width = self.width()
        columns = self.columns_for(width)
        card_width = max(1, (width - (columns - 1) * GRID_SPACING) // columns)
        for index, card in enumerate(self._cards):
            row, column = divmod(index, columns)
            card.setGeometry(column * (card_width + GRID_SPACING), row * (CARD_HEIGHT + GRID_SPACING),
                             card_width, CARD_HEIGHT)

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._place()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        if not self._cards:
            return 0
        rows = -(-len(self._cards) // self.columns_for(width))
        return rows * CARD_HEIGHT + (rows - 1) * GRID_SPACING

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 - Qt override
        width = 3 * CARD_MIN_WIDTH + 2 * GRID_SPACING
        return QtCore.QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QtCore.QSize:  # noqa: N802 - Qt override
        return QtCore.QSize(CARD_MIN_WIDTH, CARD_HEIGHT if self._cards else 0)


class _RecentDelegate(QtWidgets.QStyledItemDelegate):
    """The journey's name above a smaller, muted "Edited 5 min ago"."""

    PAD_X, PAD_Y = 10, 7

    def _small(self, font: QtGui.QFont) -> QtGui.QFont:
        small = QtGui.QFont(font)
        small.setPointSizeF(max(7.0, font.pointSizeF() * 0.88))
        return small

    def _name_font(self, font: QtGui.QFont) -> QtGui.QFont:
        name = QtGui.QFont(font)
        name.setWeight(QtGui.QFont.Weight.DemiBold)
        return name

    def sizeHint(self, option: QtWidgets.QStyleOptionViewItem, index: QtCore.QModelIndex) -> QtCore.QSize:  # noqa: N802
        height = (QtGui.QFontMetrics(self._name_font(option.font)).height()
                  + QtGui.QFontMetrics(self._small(option.font)).height() + 2 * self.PAD_Y + 2)
        return QtCore.QSize(200, height)

    def paint(self, painter: QtGui.QPainter, option: QtWidgets.QStyleOptionViewItem,
              index: QtCore.QModelIndex) -> None:
        opt = QtWidgets.QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else QtWidgets.QApplication.style()
        style.drawControl(QtWidgets.QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(option.state & QtWidgets.QStyle.StateFlag.State_Selected)
        color = option.palette.color(QtGui.QPalette.ColorRole.HighlightedText if selected
                                     else QtGui.QPalette.ColorRole.Text)
        rect = option.rect.adjusted(self.PAD_X, self.PAD_Y, -self.PAD_X, -self.PAD_Y)
        name_font, small = self._name_font(option.font), self._small(option.font)
        name_metrics, small_metrics = QtGui.QFontMetrics(name_font), QtGui.QFontMetrics(small)
        painter.save()
        painter.setFont(name_font)
        painter.setPen(color)
        name = index.data(Qt.ItemDataRole.DisplayRole) or ""
        painter.drawText(QtCore.QRect(rect.left(), rect.top(), rect.width(), name_metrics.height()),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         name_metrics.elidedText(name, Qt.TextElideMode.ElideRight, rect.width()))
        muted = QtGui.QColor(color)
        if not selected:
            muted.setAlphaF(0.6)
        painter.setFont(small)
        painter.setPen(muted)
        painter.drawText(QtCore.QRect(rect.left(), rect.top() + name_metrics.height() + 2, rect.width(),
                                      small_metrics.height()),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         index.data(_RECENT_WHEN_ROLE) or "")
        painter.restore()


class StartPage(QtWidgets.QWidget):
    """The welcome screen. ``templates=None`` reads the gallery shipped with the application."""

    templateChosen = Signal(str)
    blankChosen = Signal()
    importChosen = Signal()
    recentChosen = Signal(str)

    def __init__(self, templates: list[TemplateInfo] | None = None, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(_STYLE)

        title = QtWidgets.QLabel(self.tr("Journey Studio"))
        title.setObjectName("startTitle")
        tagline = QtWidgets.QLabel(self.tr("Map, track, analyze, orchestrate and optimize your customer journeys"))
        tagline.setObjectName("startTagline")
        tagline.setWordWrap(True)

        gallery_title = QtWidgets.QLabel(self.tr("Start from a template"))
        gallery_title.setObjectName("sectionTitle")
        self.import_button = QtWidgets.QPushButton(self.tr("Import .journey.json…"))
        self.import_button.setToolTip(self.tr("Open a journey file exported from Journey Studio"))
        self.import_button.setObjectName("importButton")
        self.import_button.setAutoDefault(False)
        self.import_button.clicked.connect(self.importChosen)
        gallery_header = QtWidgets.QHBoxLayout()
        gallery_header.addWidget(gallery_title)
        gallery_header.addStretch(1)
        gallery_header.addWidget(self.import_button)

        self.gallery_note = QtWidgets.QLabel()
        self.gallery_note.setObjectName("galleryNote")
        self.gallery_note.setWordWrap(True)
        self.gallery_note.hide()
        self.grid = _CardGrid()

        gallery = QtWidgets.QVBoxLayout()
        gallery.setSpacing(12)
        gallery.addLayout(gallery_header)
        gallery.addWidget(self.gallery_note)
        gallery.addWidget(self.grid)
        gallery.addStretch(1)

        # Recent journeys, in a card of their own on the right.
        self.sidebar = QtWidgets.QFrame()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setFixedWidth(SIDEBAR_WIDTH)
        recent_title = QtWidgets.QLabel(self.tr("Recent journeys"))
        recent_title.setObjectName("sectionTitle")
        self.recent_list = QtWidgets.QListWidget()
        self.recent_list.setObjectName("recentList")
        self.recent_list.setItemDelegate(_RecentDelegate(self.recent_list))
        self.recent_list.setCursor(Qt.CursorShape.PointingHandCursor)
        self.recent_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.recent_list.itemActivated.connect(self._on_recent_activated)
        self.recent_empty = QtWidgets.QLabel(
            self.tr("Journeys you open will be listed here. Start from a template or a blank journey."))
        self.recent_empty.setObjectName("recentEmpty")
        self.recent_empty.setWordWrap(True)
        self.recent_empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        side = QtWidgets.QVBoxLayout(self.sidebar)
        side.setContentsMargins(16, 14, 12, 12)
        side.setSpacing(8)
        side.addWidget(recent_title)
        side.addWidget(self.recent_empty)
        side.addWidget(self.recent_list, 1)
        self._recent_stretch = QtWidgets.QWidget()
        side.addWidget(self._recent_stretch, 1)

        body = QtWidgets.QBoxLayout(QtWidgets.QBoxLayout.Direction.LeftToRight)
        body.setSpacing(28)
        self._body = body
        body.addLayout(gallery, 1)
        body.addWidget(self.sidebar, 0)

        content = QtWidgets.QWidget()
        content.setObjectName("startContent")
        column = QtWidgets.QVBoxLayout(content)
        column.setContentsMargins(PAGE_MARGIN, 32, PAGE_MARGIN, 32)
        column.setSpacing(4)
        heading = QtWidgets.QVBoxLayout()
        heading.setSpacing(2)
        heading.addWidget(title)
        heading.addWidget(tagline)
        heading.addSpacing(8)
        self.method_chips = _StageChips(list(Stage))
        self.method_chips.setSizePolicy(QtWidgets.QSizePolicy.Policy.Fixed, QtWidgets.QSizePolicy.Policy.Fixed)
        self.method_chips.setToolTip(self.tr("The five steps of the MTAOO method"))
        heading.addWidget(self.method_chips, 0, Qt.AlignmentFlag.AlignLeft)
        header = QtWidgets.QHBoxLayout()
        header.setSpacing(18)
        logo = _app_logo(64, self.devicePixelRatioF())
        if logo is not None:
            self.logo = QtWidgets.QLabel()
            self.logo.setPixmap(logo)
            self.logo.setFixedSize(64, 64)
            header.addWidget(self.logo, 0, Qt.AlignmentFlag.AlignTop)
        header.addLayout(heading, 1)
        column.addLayout(header)
        column.addSpacing(26)
        column.addLayout(body)
        column.addStretch(1)

        self._column = column

        self.scroll = QtWidgets.QScrollArea(self)
        self.scroll.setObjectName("startScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(content)
        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)

        self.set_templates(templates)
        self.set_recent([])

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        side = max(PAGE_MARGIN, (event.size().width() - MAX_CONTENT_WIDTH) // 2)
        self._column.setContentsMargins(side, 32, side, 32)
        # Narrow windows put the recent list under the gallery rather than squeeze the cards
        # into a single column.
        content = event.size().width() - 2 * side - self.scroll.verticalScrollBar().sizeHint().width()
        gallery = content - SIDEBAR_WIDTH - self._body.spacing()
        stacked = _CardGrid.columns_for(gallery) < 2
        self._body.setDirection(QtWidgets.QBoxLayout.Direction.TopToBottom if stacked
                                else QtWidgets.QBoxLayout.Direction.LeftToRight)
        if stacked:
            self.sidebar.setMinimumWidth(0)
            self.sidebar.setMaximumWidth(16_777_215)
        else:
            self.sidebar.setFixedWidth(SIDEBAR_WIDTH)

    # -- templates ---------------------------------------------------------------------------
    def set_templates(self, templates: list[TemplateInfo] | None = None) -> None:
        """Show ``templates`` (or the shipped gallery when None) after the Blank journey card."""
        problems: list[str] = []
        if templates is None:
            try:
                templates = list_templates()
            except JourneyStudioError as exc:
                templates = []
                problems.append(str(exc))
        cards: list[QtWidgets.QWidget] = []
        self.blank_card = BlankCard()
        self.blank_card.clicked.connect(self.blankChosen)
        cards.append(self.blank_card)
        self.template_cards: list[TemplateCard] = []
        for template in templates:
            try:
                stages = template_stages(template)
            except JourneyStudioError as exc:
                problems.append(str(exc))
                continue
            card = TemplateCard(template, stages)
            card.clicked.connect(lambda key=template.key: self.templateChosen.emit(key))
            self.template_cards.append(card)
            cards.append(card)
        self.grid.set_cards(cards)
        if problems:
            self.gallery_note.setText(self.tr("Some templates could not be read: %1").replace(
                "%1", "; ".join(problems)))
        self.gallery_note.setVisible(bool(problems))

    def template_keys(self) -> list[str]:
        return [card.key for card in self.template_cards]

    # -- recent journeys ---------------------------------------------------------------------
    def set_recent(self, recent: list[tuple[str, str, datetime]]) -> None:
        """``[(journey_id, name, updated_at)]``, most recent first."""
        self.recent_list.clear()
        now = None
        for journey_id, name, updated_at in recent:
            when = format_relative(updated_at, now)
            item = QtWidgets.QListWidgetItem(name)
            item.setData(_RECENT_ID_ROLE, journey_id)
            item.setData(_RECENT_WHEN_ROLE, self.tr("Edited %1").replace("%1", when))
            item.setToolTip(f"{name}\n{format_timestamp(updated_at)}")
            self.recent_list.addItem(item)
        has = self.recent_list.count() > 0
        self.recent_list.setVisible(has)
        self.recent_empty.setVisible(not has)
        self._recent_stretch.setVisible(not has)

    def recent_ids(self) -> list[str]:
        return [self.recent_list.item(i).data(_RECENT_ID_ROLE) for i in range(self.recent_list.count())]

    def _on_recent_activated(self, item: QtWidgets.QListWidgetItem) -> None:
        self.recentChosen.emit(item.data(_RECENT_ID_ROLE))
