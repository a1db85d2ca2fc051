"""The journey canvas: nodeeditor used as a view of an engine document.

nodeeditor gives us pan, zoom, rubber-band selection, edge dragging, snapping and the cut line.
Everything else is ours, through its class hooks:

* ids: every canvas node and edge carries the engine's uuid (``jid``); nodeeditor's own ids are
  memory addresses and are never used;
* edits: a finished gesture (edge dropped on a port, nodes moved, delete, cut line) becomes an
  engine command executed by the :class:`~gui.editor.Editor`; the canvas then mirrors the
  document's change notifications. nodeeditor's history, clipboard, eval and loading are unused;
* the edge check: the engine's ``check_connection``, not nodeeditor's shared validator list;
* painting: paint-only node items (stage colour, icon, title, config summary, port labels, issue
  badge, channel warning badge, metric overlay, live event counts of data sources) with a level of
  detail for large journeys; no embedded widgets. The channel badge comes from
  :meth:`Canvas.set_channel_health`, given once when the journey opens or the accounts change, and
  the data sources' counts from :meth:`Canvas.set_source_stats`, read off the UI thread by the main
  window's feed, so painting never asks the workspace anything;
* the run numbers: a pill per node, the runs that ended at each unconnected output port on that
  port's row, connection labels painted by one layer above the lines and placed clear of nodes and
  of each other, and a tag in the view's corner saying whose numbers they are (simulated, test,
  live).
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from typing import Any

from nodeeditor.node_edge import EDGE_TYPE_BEZIER
from nodeeditor.node_edge import Edge as NEEdge
from nodeeditor.node_graphics_edge import QDMGraphicsEdge
from nodeeditor.node_graphics_node import QDMGraphicsNode
from nodeeditor.node_graphics_scene import QDMGraphicsScene
from nodeeditor.node_graphics_socket import QDMGraphicsSocket
from nodeeditor.node_graphics_view import MODE_EDGE_DRAG, MODE_NOOP, QDMGraphicsView
from nodeeditor.node_node import Node as NENode
from nodeeditor.node_scene import Scene as NEScene
from nodeeditor.node_socket import LEFT_TOP, RIGHT_TOP
from nodeeditor.node_socket import Socket as NESocket

from engine.commands import Change, Connect, MoveNodes, RemoveEdges, RemoveNodes
from engine.document import Node
from engine.spec import STAGE_COLORS, NodeSpec, Stage
from engine.track.tracking_plan import (
    SEGMENT_SOURCE,
    NodeSourceCounts,
    SourceStats,
    counts_for,
    source_key,
)
from gui.qt import Qt, QtCore, QtGui, QtSvg, QtWidgets, Signal, fill, translate

NODE_TYPE_MIME = "application/x-journey-studio-node-type"

NODE_WIDTH = 210
HEADER_H = 30
SUMMARY_H = 22
ROW_H = 20
PAD_BOTTOM = 8
ANNOTATION_WIDTH = 190
#: Below this zoom, nodes are painted as plain coloured blocks (fast with thousands of nodes).
LOD_SIMPLE = 0.38
#: The warning triangle on a node whose channel account is missing or failing: amber, so that it
#: stands out on every stage colour (orange Orchestrate headers included), with dark ink.
CHANNEL_BADGE_COLOR = "#FFB300"
CHANNEL_BADGE_INK = "#3E2723"
#: The live count pill of a data source: the Track colour while events arrive, muted otherwise.
SOURCE_PILL_ACTIVE = STAGE_COLORS[Stage.TRACK]
SOURCE_PILL_QUIET = "#78909C"
SOURCE_PILL_EMPTY = "#9AA5B1"


def icons_dir():
    return files("resources") / "icons"


@lru_cache(maxsize=256)
def _icon_pixmap(name: str, size: int) -> QtGui.QPixmap:
    path = icons_dir() / f"{name}.svg"
    if not path.is_file():
        path = icons_dir() / "unknown.svg"
    pm = QtGui.QPixmap(size * 2, size * 2)
    pm.fill(Qt.GlobalColor.transparent)
    if path.is_file():
        renderer = QtSvg.QSvgRenderer(str(path))
        p = QtGui.QPainter(pm)
        renderer.render(p)
        p.end()
    pm.setDevicePixelRatio(2.0)
    return pm


#: Header ink for light headers (a note's yellow, a pale stage colour).
DARK_INK = "#263238"
#: Most lines of summary an annotation node shows before it ends in an ellipsis.
ANNOTATION_LINES = 4


def _luminance(color: QtGui.QColor) -> float:
    """Relative luminance (WCAG 2) of an sRGB colour, 0 for black to 1 for white."""
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF())


#: Headers lighter than this get dark ink. White still reads on the saturated stage colours
#: (orange, teal: about 0.3); pale ones (a yellow note, an amber or pastel stage) need dark text.
LIGHT_HEADER_LUMINANCE = 0.35


@lru_cache(maxsize=64)
def header_ink(background: str) -> str:
    """The colour of title and icon on a header of colour ``background``."""
    return DARK_INK if _luminance(QtGui.QColor(background)) > LIGHT_HEADER_LUMINANCE else "#FFFFFF"


@lru_cache(maxsize=256)
def _tinted_icon_pixmap(name: str, size: int, color: str) -> QtGui.QPixmap:
    """The icon's line art recoloured: the icons are drawn white, unreadable on a light header."""
    pm = _icon_pixmap(name, size).copy()
    p = QtGui.QPainter(pm)
    p.setCompositionMode(QtGui.QPainter.CompositionMode.CompositionMode_SourceIn)
    p.fillRect(pm.rect(), QtGui.QColor(color))
    p.end()
    return pm


def icon_pixmap(name: str, size: int, ink: str = "#FFFFFF") -> QtGui.QPixmap:
    return _icon_pixmap(name, size) if ink == "#FFFFFF" else _tinted_icon_pixmap(name, size, ink)


def humanize_port(name: str) -> str:
    """``variant_b`` → ``Variant b``: how a port named after a user's key reads on a node."""
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def source_counts_text(c: NodeSourceCounts) -> str:
    """The pill of a data source: ``1,234 events · 56 in 24 h``, or ``No events yet``."""
    if not c.total:
        return translate("Canvas", "No events yet")
    text = translate("Canvas", "1 event") if c.total == 1 else \
        translate("Canvas", "%1 events").replace("%1", f"{c.total:,}")
    return text + SUMMARY_SEPARATOR + translate("Canvas", "%1 in 24 h").replace("%1", f"{c.recent:,}")


def source_counts_tooltip(c: NodeSourceCounts) -> list[str]:
    """Tooltip lines (HTML) of a data source's counts: when the last event came and what was counted."""
    from gui.journey_browser import format_relative, format_timestamp
    from gui.tracking_panel import source_label

    lines = [html.escape(fill(translate("Canvas", "Events: %1 in all, %2 in the last 24 hours"),
                              f"{c.total:,}", f"{c.recent:,}"))]
    if c.last_received is not None:
        lines.append(html.escape(fill(translate("Canvas", "Last event received %1 (%2)"),
                                      format_relative(c.last_received), format_timestamp(c.last_received))))
    counted = ", ".join(f"{source_label(source)} ({source})" for source in c.sources) if c.sources else str(c.key)
    lines.append(html.escape(translate("Canvas", "Counted from: %1").replace("%1", counted)))
    if c.key.write_key:
        lines.append(html.escape(translate("Canvas", "Only events sent with the write key “%1”.")
                                 .replace("%1", c.key.write_key)))
    elif c.key.value == SEGMENT_SOURCE or c.key.prefix:
        lines.append(html.escape(translate("Canvas", "Events sent with any write key: choose one under Write "
                                                     "key to count only this source's.")))
    return lines


SUMMARY_SEPARATOR = " · "


def port_end_text(count: int) -> str:
    """The count beside an output port with no edge: the runs that left through it ended there."""
    return translate("Canvas", "%1 ended").replace("%1", f"{count:,}")


def overlay_text(m: Metrics) -> str:
    """A node's pill. Steps: arrivals, waiting, converted and the share of the step before. Goals
    and exits: their share of the journey's entries (several branches meet there)."""
    if m.kind == KIND_GOAL:
        text = translate("Canvas", "%1 reached").replace("%1", f"{m.entered:,}")
    elif m.kind == KIND_EXIT:
        text = (fill(translate("Canvas", "%1 in · %2 conv"), f"{m.entered:,}", f"{m.converted:,}"))
    else:
        text = (fill(translate("Canvas", "%1 in · %2 active · %3 conv"), f"{m.entered:,}", f"{m.active:,}",
                     f"{m.converted:,}"))
        if m.pct_of_previous is not None:
            text += f" · {m.pct_of_previous:.0f}%"
        return text
    if m.active:
        text += SUMMARY_SEPARATOR + translate("Canvas", "%1 active").replace("%1", f"{m.active:,}")
    if m.pct_of_entries is not None:
        text += SUMMARY_SEPARATOR + translate("Canvas", "%1% of entries").replace("%1", f"{m.pct_of_entries:.0f}")
    return text


def _word_wrap(text: str, font: QtGui.QFont, width: float) -> list[str]:
    layout = QtGui.QTextLayout(text, font)
    option = QtGui.QTextOption()
    option.setWrapMode(QtGui.QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    lines: list[str] = []
    layout.beginLayout()
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        lines.append(text[line.textStart():line.textStart() + line.textLength()].strip())
    layout.endLayout()
    return lines


def wrap_lines(text: str, font: QtGui.QFont, width: float, max_lines: int) -> list[str]:
    """``text`` wrapped at ``width`` into at most ``max_lines`` lines, the last elided if more follow.

    Summaries are parts joined by " · "; a line breaks between parts where it can, so that
    "2 pain points" or "target 15%" stay together, and the separator is dropped at the break."""
    fm = QtGui.QFontMetricsF(font)
    lines: list[str] = []
    for part in text.split(SUMMARY_SEPARATOR):
        joined = f"{lines[-1]}{SUMMARY_SEPARATOR}{part}" if lines else part
        if fm.horizontalAdvance(joined) <= width:
            lines[-1:] = [joined]
        elif fm.horizontalAdvance(part) <= width:
            lines.append(part)
        else:
            lines.extend(_word_wrap(part, font, width))
    if len(lines) > max_lines:
        rest = " ".join(lines[max_lines - 1:])
        lines = lines[:max_lines - 1] + [fm.elidedText(rest, Qt.TextElideMode.ElideRight, width)]
    return lines or [""]


def translate_node_text(text: str) -> str:
    return QtCore.QCoreApplication.translate("nodes", text) if text else text



#: The setting that names a node of these types, shown as its title while the node has none of its
#: own (or still the one every such node starts with): a tracked event is known by its event name.
#: The tracking plan names a data source so too.
NAME_FIELDS = {
    "track.event": "event_name",
    "track.source": "name",
    "map.stage": "name",
    "map.persona": "name",
    "map.touchpoint": "name",
    "analyze.metric": "name",
    "analyze.funnel": "name",
}


def node_title(jnode: Node, spec: NodeSpec | None) -> str:
    """The title a node shows: its own, else what names it in its settings, else its type's."""
    title = (jnode.title or "").strip()
    if title and (spec is None or title != spec.title):
        return jnode.title
    field_name = NAME_FIELDS.get(jnode.type)
    named = jnode.config.get(field_name) if field_name else None
    if isinstance(named, str) and named.strip():
        info = spec.config_model.model_fields.get(field_name) if spec is not None else None
        # A name the node started with ("New stage") is the catalogue's word, in the user's language.
        return translate_node_text(named.strip()) if info is not None and info.default == named else named.strip()
    if title:
        return translate_node_text(title)
    return translate_node_text(spec.title) if spec else translate("Canvas", "Unknown node")


def named_segments(config: Any, names: dict[str, str]) -> Any:
    """``config`` with each ``segment_id`` that ``names`` knows replaced by the segment's name (for
    display only: the document keeps the id)."""
    if not names:
        return config
    if isinstance(config, dict):
        return {key: (_segment_label(value, names) if key == "segment_id" else named_segments(value, names))
                for key, value in config.items()}
    if isinstance(config, list):
        return [named_segments(item, names) for item in config]
    return config


def _segment_label(value: Any, names: dict[str, str]) -> Any:
    name = names.get(value) if isinstance(value, str) else None
    # Within the field's bound, so that the summary still validates; summaries are short anyway.
    return f"“{name[:60]}”" if name else value

class _Assets:
    """Pens, brushes and fonts shared by every item: building them per item costs more than
    building the whole scene (thousands of items in a large journey)."""

    def __init__(self) -> None:
        C = QtGui.QColor  # noqa: N806
        self.port_brush = QtGui.QBrush(C("#FFFFFF"))
        self.port_pen = QtGui.QPen(C("#5F6B7A"), 2.0)
        self.port_pen_highlight = QtGui.QPen(C("#1E88E5"), 3.0)
        self.title_font = QtGui.QFont()
        self.title_font.setPointSizeF(9.5)
        self.title_font.setBold(True)
        self.small_font = QtGui.QFont()
        self.small_font.setPointSizeF(8.5)
        self.badge_font = QtGui.QFont()
        self.badge_font.setPointSizeF(7.5)
        self.badge_font.setBold(True)
        self.node_pen_selected = QtGui.QPen(C("#1E88E5"), 2.5)
        # Block mode (far zoomed out): a pen in scene units would shrink to a hairline.
        self.node_pen_selected_far = QtGui.QPen(C("#1E88E5"), 3.0)
        self.node_pen_selected_far.setCosmetic(True)
        self.node_pen_selected_far.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        self.node_pen_hovered = QtGui.QPen(C("#90CAF9"), 2.0)
        self.node_pen_default = QtGui.QPen(C("#C9D1DB"), 1.0)
        self.edge_color = C("#8A96A6")
        self.edge_pen = QtGui.QPen(self.edge_color, 2.2)
        self.edge_pen_selected = QtGui.QPen(C("#1E88E5"), 3.0)
        self.edge_pen_dragging = QtGui.QPen(C("#1E88E5"), 2.0, Qt.PenStyle.DashLine)
        self.edge_pen_hovered = QtGui.QPen(C("#90CAF9"), 5.0)
        self.label_font = QtGui.QFont()
        self.label_font.setPointSizeF(7.5)


@lru_cache(maxsize=1)
def assets() -> _Assets:
    return _Assets()


#: What a node's numbers mean (:attr:`Metrics.kind`): a step on the way, a goal, or an end.
KIND_STEP, KIND_GOAL, KIND_EXIT = "step", "goal", "exit"
#: Where the numbers come from (:attr:`Metrics.origin`), as the Run panel's modes.
ORIGIN_SIMULATION, ORIGIN_TEST, ORIGIN_LIVE = "simulation", "test", "live"
#: The colour of the canvas tag saying where the numbers come from.
ORIGIN_COLORS = {ORIGIN_SIMULATION: "#5E35B1", ORIGIN_TEST: "#EF6C00", ORIGIN_LIVE: "#2E7D32"}
#: Pills of goals and exits: a share of the journey's entries is no drop-off, so no heat colour.
GOAL_PILL = "#2E7D32"
EXIT_PILL = "#607D8B"


@dataclass
class Metrics:
    """Numbers painted on a node by the overlay (filled by the engine's run panel).

    ``entered = Σ outs + Σ ended_at + active + (other ends)``: ``outs`` are the runs that left
    through each connected output port, ``ended_at`` those that left through a port with no edge
    (their run ended there), and ``exited`` every run that ended at the node (``ended_at``
    included; the rest ended by an exit, a jump, an exit event or the loop guard)."""

    entered: int = 0
    active: int = 0
    converted: int = 0
    #: Of the runs that arrived at the nodes just before (steps only).
    pct_of_previous: float | None = None
    exited: int = 0
    outs: dict[str, int] = field(default_factory=dict)
    ended_at: dict[str, int] = field(default_factory=dict)
    kind: str = KIND_STEP
    #: Of the runs that entered the journey (goals and exits).
    pct_of_entries: float | None = None
    origin: str = ""
    #: One line saying where the numbers come from ("Simulated: 3,000 synthetic customers…").
    caption: str = ""


# ---------------------------------------------------------------------------------------------
# Graphics items
# ---------------------------------------------------------------------------------------------

class PortItem(QDMGraphicsSocket):
    """A port: an invisible hit target for nodeeditor's edge dragging. The dot itself is painted
    by its node (one cached paint per node instead of a Python paint call per port)."""

    def initAssets(self):  # noqa: N802 - nodeeditor hook
        self.radius = 6
        self._highlighted = False
        self.setFlag(QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)

    @property
    def isHighlighted(self) -> bool:  # noqa: N802 - nodeeditor's attribute name
        return self._highlighted

    @isHighlighted.setter
    def isHighlighted(self, value: bool) -> None:  # noqa: N802
        if getattr(self, "_highlighted", False) != value:
            self._highlighted = value
            parent = self.parentItem()
            if parent is not None:
                parent.update()

    def paint(self, painter, option, widget=None):
        pass

    def boundingRect(self):
        r = self.radius + 3
        return QtCore.QRectF(-r, -r, 2 * r, 2 * r)


class Port(NESocket):
    Socket_GR_Class = PortItem

    def __init__(self, *args, port_name: str = "", **kwargs):
        self.port_name = port_name
        super().__init__(*args, **kwargs)


class NodeItem(QDMGraphicsNode):
    """Paint-only node: header in the stage colour with icon and title, a config summary, named
    port rows, an issue badge and an optional metric overlay."""

    def __init__(self, node: CanvasNode, parent=None):
        super().__init__(node, parent)
        self.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setFlag(QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges, False)

    # nodeeditor hooks: no text item, no embedded widget
    def initSizes(self):  # noqa: N802
        self.width = NODE_WIDTH
        self.height = HEADER_H + SUMMARY_H + ROW_H + PAD_BOTTOM
        self.edge_roundness = 8.0
        self.edge_padding = 8
        self.title_height = HEADER_H
        self.title_horizontal_padding = 8.0
        self.title_vertical_padding = 4.0
        self._summary_lines: list[str] = []
        #: Counts painted on the rows of output ports with no edge: port index → text.
        self._port_notes: dict[int, str] = {}

    def initAssets(self):  # noqa: N802
        a = assets()
        self._title_font = a.title_font
        self._small_font = a.small_font
        self._badge_font = a.badge_font
        self._pen_selected = a.node_pen_selected
        self._pen_selected_far = a.node_pen_selected_far
        self._pen_hovered = a.node_pen_hovered
        self._pen_default = a.node_pen_default

    def initTitle(self):  # noqa: N802
        self.title_item = None

    def initContent(self):  # noqa: N802
        self.grContent = None

    @property
    def title(self):
        return self._title

    @title.setter
    def title(self, value):
        self._title = value
        self.update()

    def relayout(self) -> None:
        n: CanvasNode = self.node
        self.prepareGeometryChange()
        if n.annotation:
            # Sized to the wrapped summary once here: painting only draws the lines.
            self.width = ANNOTATION_WIDTH if n.jnode.type != "map.stage" else NODE_WIDTH
            self._summary_lines = wrap_lines(n.summary_text, self._small_font, self.width - 20, ANNOTATION_LINES)
            line_h = QtGui.QFontMetricsF(self._small_font).lineSpacing()
            self.height = math.ceil(HEADER_H + 6 + line_h * len(self._summary_lines) + PAD_BOTTOM)
        else:
            rows = max(len(n.in_names), len(n.out_names), 1)
            self.width = NODE_WIDTH
            self.height = HEADER_H + SUMMARY_H + rows * ROW_H + PAD_BOTTOM
        self.update()

    def boundingRect(self):
        # room for the badge and the overlay pill above the node
        return QtCore.QRectF(-10, -28, self.width + 20, self.height + 38)

    def metrics_changed(self) -> None:
        """Note the counts of the output ports that have no edge (runs that ended there): painted
        on the port's row, inside the node, where no neighbour can cover them."""
        n: CanvasNode = self.node
        m = n.metrics
        self._port_notes = {}
        if m is not None and not n.annotation:
            for i, name in enumerate(n.out_names):
                if m.ended_at.get(name):
                    self._port_notes[i] = port_end_text(m.ended_at[name])
        self.update()

    def shape(self):
        path = QtGui.QPainterPath()
        path.addRoundedRect(QtCore.QRectF(0, 0, self.width, self.height), self.edge_roundness, self.edge_roundness)
        return path

    def paint(self, painter, option, widget=None):
        n: CanvasNode = self.node
        color = QtGui.QColor(n.color)
        rect = QtCore.QRectF(0, 0, self.width, self.height)
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        if lod < LOD_SIMPLE:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawRect(rect)
            if self.isSelected():
                painter.setPen(self._pen_selected_far)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(rect)
            return
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        r = self.edge_roundness
        body = QtGui.QColor("#FFF8C5") if n.jnode.type == "map.note" else QtGui.QColor("#FFFFFF")
        # shadow
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QtGui.QColor(0, 0, 0, 28))
        painter.drawRoundedRect(rect.translated(0, 2), r, r)
        # body
        painter.setBrush(body)
        painter.drawRoundedRect(rect, r, r)
        # header
        header = QtGui.QPainterPath()
        # Winding fill: with the default odd-even rule the square strip that covers the rounded
        # bottom corners would cut a hole in the header instead.
        header.setFillRule(Qt.FillRule.WindingFill)
        header.addRoundedRect(QtCore.QRectF(0, 0, self.width, HEADER_H), r, r)
        header.addRect(QtCore.QRectF(0, HEADER_H - r, self.width, r))
        painter.setBrush(color)
        painter.drawPath(header.simplified())
        # icon and title in the ink that reads on this header
        ink = header_ink(color.name())
        painter.drawPixmap(QtCore.QRectF(8, 6, 18, 18), icon_pixmap(n.icon, 18, ink), QtCore.QRectF(0, 0, 36, 36))
        painter.setFont(self._title_font)
        painter.setPen(QtGui.QColor(ink))
        fm = QtGui.QFontMetricsF(self._title_font)
        badges = (22 if n.issue_level else 0) + (22 if n.channel_problem else 0)
        title_w = self.width - 34 - (badges or 8)
        painter.drawText(QtCore.QRectF(32, 0, title_w, HEADER_H),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                         fm.elidedText(n.display_title, Qt.TextElideMode.ElideRight, title_w))
        # summary
        painter.setFont(self._small_font)
        sfm = QtGui.QFontMetricsF(self._small_font)
        painter.setPen(QtGui.QColor("#4A5563"))
        if n.annotation:
            line_h = sfm.lineSpacing()
            for i, line in enumerate(self._summary_lines):
                painter.drawText(QtCore.QRectF(10, HEADER_H + 4 + i * line_h, self.width - 20, line_h),
                                 Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, line)
        else:
            painter.drawText(QtCore.QRectF(10, HEADER_H, self.width - 20, SUMMARY_H),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             sfm.elidedText(n.summary_text, Qt.TextElideMode.ElideRight, self.width - 20))
            # port labels
            painter.setPen(QtGui.QColor("#6B7684"))
            half = self.width / 2 - 14
            for i, label in enumerate(n.in_labels):
                y = HEADER_H + SUMMARY_H + i * ROW_H
                painter.drawText(QtCore.QRectF(12, y, half, ROW_H), Qt.AlignmentFlag.AlignVCenter,
                                 sfm.elidedText(label, Qt.TextElideMode.ElideRight, half))
            notes = self._port_notes if n.overlay_visible else {}
            for i, label in enumerate(n.out_labels):
                y = HEADER_H + SUMMARY_H + i * ROW_H
                if i in notes:
                    self._paint_port_row_with_note(painter, sfm, i, label, notes[i], y)
                    continue
                painter.drawText(QtCore.QRectF(self.width / 2 + 2, y, half, ROW_H),
                                 Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                                 sfm.elidedText(label, Qt.TextElideMode.ElideLeft, half))
        # outline
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if self.isSelected():
            painter.setPen(self._pen_selected)
        elif self.hovered:
            painter.setPen(self._pen_hovered)
        else:
            painter.setPen(self._pen_default)
        painter.drawRoundedRect(rect, r, r)
        # port dots (the port items themselves paint nothing)
        if not n.annotation:
            a = assets()
            painter.setBrush(a.port_brush)
            for socket in n.inputs + n.outputs:
                x = 0.0 if socket.is_input else self.width
                y = HEADER_H + SUMMARY_H + socket.index * ROW_H + ROW_H / 2
                painter.setPen(a.port_pen_highlight if socket.grSocket.isHighlighted else a.port_pen)
                painter.drawEllipse(QtCore.QPointF(x, y), 6.0, 6.0)
        # issue badge
        if n.issue_level:
            badge = QtGui.QColor("#D32F2F" if n.issue_level == "error" else "#F9A825")
            c = QtCore.QPointF(self.width - 4, 2)
            painter.setPen(QtGui.QPen(QtGui.QColor("#FFFFFF"), 1.5))
            painter.setBrush(badge)
            painter.drawEllipse(c, 9, 9)
            painter.setFont(self._badge_font)
            painter.setPen(QtGui.QColor("#FFFFFF"))
            painter.drawText(QtCore.QRectF(c.x() - 9, c.y() - 9, 18, 18), Qt.AlignmentFlag.AlignCenter,
                             str(n.issue_count) if n.issue_count < 10 else "9+")
        # channel badge: a warning triangle, beside the issue badge (a count in a circle)
        if n.channel_problem:
            x = self.width - 4 - (22 if n.issue_level else 0)
            triangle = QtGui.QPolygonF([QtCore.QPointF(x, -8), QtCore.QPointF(x + 10, 10),
                                        QtCore.QPointF(x - 10, 10)])
            painter.setPen(QtGui.QPen(QtGui.QColor("#FFFFFF"), 1.5, Qt.PenStyle.SolidLine,
                                      Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
            painter.setBrush(QtGui.QColor(CHANNEL_BADGE_COLOR))
            painter.drawPolygon(triangle)
            painter.setFont(self._badge_font)
            painter.setPen(QtGui.QColor(CHANNEL_BADGE_INK))
            painter.drawText(QtCore.QRectF(x - 9, -3, 18, 13), Qt.AlignmentFlag.AlignCenter, "!")
        # metric overlay (a data source runs nothing: its place shows the source's event counts)
        if n.metrics is not None and n.overlay_visible:
            self._paint_overlay(painter, n.metrics)
        elif n.source_counts is not None and n.overlay_visible:
            self._paint_source_counts(painter, n.source_counts)

    def port_note_rect(self, index: int) -> QtCore.QRectF | None:
        """Where the count of output port ``index`` is painted (None: it has none)."""
        text = self._port_notes.get(index) if self.node.overlay_visible else None
        if text is None:
            return None
        n: CanvasNode = self.node
        sfm = QtGui.QFontMetricsF(self._small_font)
        label = n.out_labels[index]
        # the row's own label keeps its room; an input label on the same row bounds the note
        right = self.width - 12 - min(sfm.horizontalAdvance(label), self.width / 2 - 14) - 6
        left = 12 + (min(sfm.horizontalAdvance(n.in_labels[index]), self.width / 2 - 14) + 6
                     if index < len(n.in_labels) else 0)
        width = QtGui.QFontMetricsF(assets().label_font).horizontalAdvance(text) + 12
        y = HEADER_H + SUMMARY_H + index * ROW_H
        return QtCore.QRectF(max(left, right - width), y + 2, min(width, right - left), ROW_H - 4)

    def _paint_port_row_with_note(self, painter, sfm, index: int, label: str, note: str, y: float) -> None:
        """An output port with no edge: its label, and left of it a chip with the runs that left
        through it and so ended there."""
        half = self.width / 2 - 14
        painter.drawText(QtCore.QRectF(self.width / 2 + 2, y, half, ROW_H),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                         sfm.elidedText(label, Qt.TextElideMode.ElideLeft, half))
        rect = self.port_note_rect(index)
        if rect is None or rect.width() < 16:
            return
        a = assets()
        painter.save()
        painter.setPen(QtGui.QPen(QtGui.QColor("#9AA5B1"), 1, Qt.PenStyle.DashLine))
        painter.setBrush(QtGui.QColor("#F4F6F9"))
        painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
        painter.setFont(a.label_font)
        painter.setPen(QtGui.QColor("#37474F"))
        fm = QtGui.QFontMetricsF(a.label_font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter,
                         fm.elidedText(note, Qt.TextElideMode.ElideRight, rect.width() - 8))
        painter.restore()

    def _paint_overlay(self, painter, m: Metrics) -> None:
        text = overlay_text(m)
        painter.setFont(self._badge_font)
        fm = QtGui.QFontMetricsF(self._badge_font)
        w = min(fm.horizontalAdvance(text) + 14, self.width + 16)
        rect = QtCore.QRectF((self.width - w) / 2, -24, w, 18)
        if m.kind == KIND_GOAL:
            bg = QtGui.QColor(GOAL_PILL)
        elif m.kind == KIND_EXIT:
            bg = QtGui.QColor(EXIT_PILL)
        else:
            heat = 0.0 if m.pct_of_previous is None else max(0.0, min(1.0, 1 - m.pct_of_previous / 100))
            bg = QtGui.QColor.fromHsvF(0.33 * (1 - heat), 0.55, 0.55)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(bg)
        painter.drawRoundedRect(rect, 9, 9)
        painter.setPen(QtGui.QColor("#FFFFFF"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter,
                         fm.elidedText(text, Qt.TextElideMode.ElideRight, w - 10))

    def _paint_source_counts(self, painter, c: NodeSourceCounts) -> None:
        text = source_counts_text(c)
        painter.setFont(self._badge_font)
        fm = QtGui.QFontMetricsF(self._badge_font)
        w = min(fm.horizontalAdvance(text) + 14, self.width + 16)
        rect = QtCore.QRectF((self.width - w) / 2, -24, w, 18)
        colour = SOURCE_PILL_ACTIVE if c.recent else SOURCE_PILL_QUIET if c.total else SOURCE_PILL_EMPTY
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QtGui.QColor(colour))
        painter.drawRoundedRect(rect, 9, 9)
        painter.setPen(QtGui.QColor("#FFFFFF"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, fm.elidedText(text, Qt.TextElideMode.ElideRight, w - 10))

    # nodeeditor hooks that would write its own history
    def mouseReleaseEvent(self, event):  # noqa: N802
        moved = self._was_moved
        self._was_moved = False
        QtWidgets.QGraphicsItem.mouseReleaseEvent(self, event)
        if moved:
            self.node.canvas.commit_moves()

    def mouseMoveEvent(self, event):  # noqa: N802
        QtWidgets.QGraphicsItem.mouseMoveEvent(self, event)
        self.node.canvas.invalidate_lanes()
        for item in self.scene().selectedItems():
            if isinstance(item, NodeItem):
                item.node.updateConnectedEdges()
        self._was_moved = True

    def mouseDoubleClickEvent(self, event):  # noqa: N802
        self.node.canvas.nodeActivated.emit(self.node.jid)

    def hoverEnterEvent(self, event):  # noqa: N802
        super().hoverEnterEvent(event)
        self.setToolTip(self.node.tooltip())


class CanvasNode(NENode):
    """nodeeditor's node, carrying the engine node's id and drawing from the engine's data."""

    GraphicsNode_class = NodeItem
    NodeContent_class = None
    Socket_class = Port

    def __init__(self, canvas: Canvas, jnode: Node, spec: NodeSpec | None):
        self.canvas = canvas
        self.jid = jnode.id
        self.jnode = jnode
        self.spec = spec
        self.issue_level: str | None = None
        self.issue_count = 0
        #: Why this node's channel account cannot deliver (missing, wrong kind, failing), or None.
        self.channel_problem: str | None = None
        self.metrics: Metrics | None = None
        #: A data source's live event counts (None: not a source, or not read yet).
        self.source_counts: NodeSourceCounts | None = canvas.source_counts_of(jnode)
        self.overlay_visible = True
        self._compute_ports()
        self._compute_texts()
        super().__init__(canvas.scene, jnode.title, inputs=[0] * len(self.in_names),
                         outputs=[0] * len(self.out_names))
        self.grNode.relayout()
        self._place_sockets()
        self.grNode.setPos(jnode.position.x, jnode.position.y)

    # -- derived display data ---------------------------------------------------------------
    @property
    def annotation(self) -> bool:
        return self.spec is None or not self.spec.executable

    @property
    def color(self) -> str:
        if self.spec is None:
            return "#78909C"
        if self.jnode.type in ("map.stage", "map.note") and isinstance(self.jnode.config.get("color"), str):
            value = self.jnode.config["color"]
            if QtGui.QColor(value).isValid():
                return value
        return STAGE_COLORS[self.spec.stage]

    @property
    def icon(self) -> str:
        return self.spec.icon if self.spec else "unknown"

    def _compute_ports(self) -> None:
        spec = self.spec
        if spec is None:
            self.in_names, self.out_names = [], []
            self.in_labels, self.out_labels = [], []
            return
        ins = spec.input_ports(self.jnode.config)
        outs = spec.output_ports(self.jnode.config)
        self.in_names = [p.name for p in ins]
        self.out_names = [p.name for p in outs]
        self.in_labels = [self._port_label(p) for p in ins]
        self.out_labels = [self._port_label(p) for p in outs]

    @staticmethod
    def _port_label(port) -> str:
        # A port named after a user's key (a split path, an experiment variant) has that key as
        # its label; the name stays as it is in the document, only the painted text reads better.
        if port.display == port.name:
            return humanize_port(port.name)
        return translate_node_text(port.display)

    def _compute_texts(self) -> None:
        spec = self.spec
        self.display_title = node_title(self.jnode, spec)
        if spec is None:
            self.summary_text = translate("Canvas", "Type '%1' is not installed").replace("%1", self.jnode.type)
        else:
            config = named_segments(self.jnode.config, self.canvas.segment_names)
            self.summary_text = spec.summarize(config) or translate_node_text(spec.title)

    def tooltip(self) -> str:
        spec = self.spec
        from gui.palette import stage_name

        lines = [f"<b>{html.escape(self.display_title)}</b>"]
        if spec:
            lines.append(f"{html.escape(translate_node_text(spec.title))} · {html.escape(stage_name(spec.stage))}")
            if self.summary_text:
                lines.append(html.escape(self.summary_text))
        else:
            lines.append(html.escape(self.summary_text))
        if self.metrics is not None:
            lines.extend(self._metrics_tooltip(self.metrics))
        if self.source_counts is not None:
            lines.extend(source_counts_tooltip(self.source_counts))
        for issue in self.canvas.issues_for(self.jid)[:5]:
            lines.append(f"⚠ {html.escape(issue.message)}")
        if self.channel_problem:
            lines.append(f"⚠ {html.escape(self.channel_problem)}")
        return "<br>".join(lines)

    def _metrics_tooltip(self, m: Metrics) -> list[str]:
        """Where the node's arrivals went, port by port, so that the numbers add up; what its
        percentage is of; and where the numbers come from."""
        lines = [html.escape(fill(translate("Canvas", "Entered: %1 · Active: %2 · Converted: %3"),
                                  f"{m.entered:,}", f"{m.active:,}", f"{m.converted:,}"))]
        labels = dict(zip(self.out_names, self.out_labels, strict=False))
        for name in self.out_names:
            if name in m.outs:
                lines.append(html.escape(fill(translate("Canvas", "Went on through “%1”: %2"), labels[name],
                                              f"{m.outs[name]:,}")))
            elif m.ended_at.get(name):
                lines.append(html.escape(fill(translate("Canvas", "Ended at “%1” (not connected): %2"),
                                              labels[name], f"{m.ended_at[name]:,}")))
        other = m.exited - sum(m.ended_at.values())
        if other > 0:
            text = (translate("Canvas", "Ended here: %1") if m.kind == KIND_EXIT else
                    translate("Canvas", "Left the journey here (exit event, jump or step limit): %1"))
            lines.append(html.escape(text.replace("%1", f"{other:,}")))
        if m.pct_of_entries is not None:
            lines.append(html.escape(translate("Canvas", "%1% of the customers who entered the journey got here "
                                                         "(each entry counted once)")
                                     .replace("%1", f"{m.pct_of_entries:.0f}")))
        elif m.pct_of_previous is not None:
            lines.append(html.escape(translate("Canvas", "%1% of those at the step before came on to this one")
                                     .replace("%1", f"{m.pct_of_previous:.0f}")))
        if m.caption:
            lines.append(f"<i>{html.escape(m.caption)}</i>")
        return lines

    # -- nodeeditor hooks -----------------------------------------------------------------------
    def initSettings(self):  # noqa: N802
        super().initSettings()
        self.input_socket_position = LEFT_TOP
        self.output_socket_position = RIGHT_TOP
        self.input_multi_edged = True
        self.output_multi_edged = False

    def initSockets(self, inputs, outputs, reset=True):  # noqa: N802
        if reset and hasattr(self, "inputs"):
            for socket in self.inputs + self.outputs:
                socket.grSocket.setParentItem(None)
                self.scene.grScene.removeItem(socket.grSocket)
        self.inputs = [Port(node=self, index=i, position=LEFT_TOP, socket_type=0, multi_edges=True,
                            count_on_this_node_side=len(inputs), is_input=True, port_name=self.in_names[i])
                       for i in range(len(inputs))]
        self.outputs = [Port(node=self, index=i, position=RIGHT_TOP, socket_type=0, multi_edges=False,
                             count_on_this_node_side=len(outputs), is_input=False, port_name=self.out_names[i])
                        for i in range(len(outputs))]

    def getSocketPosition(self, index, position, num_out_of=1):  # noqa: N802
        x = 0 if position == LEFT_TOP else self.grNode.width
        return [x, HEADER_H + SUMMARY_H + index * ROW_H + ROW_H / 2]

    def _place_sockets(self) -> None:
        for s in self.inputs + self.outputs:
            s.setSocketPosition()

    def onDoubleClicked(self, event):  # noqa: N802
        pass

    # -- updates from the document -----------------------------------------------------------
    def refresh(self, jnode: Node) -> None:
        """Re-read title, summary and ports; rebuild sockets if the ports changed."""
        self.jnode = jnode
        old_in, old_out = list(self.in_names), list(self.out_names)
        self._compute_ports()
        self._compute_texts()
        self._title = self.display_title
        if (old_in, old_out) != (self.in_names, self.out_names):
            self.canvas._detach_edges_of(self)
            self.initSockets([0] * len(self.in_names), [0] * len(self.out_names))
            self.grNode.relayout()
            self._place_sockets()
            self.canvas._attach_edges_of(self)
        else:
            self.grNode.relayout()
            self._place_sockets()
        self.grNode.update()

    def port(self, name: str, is_input: bool) -> Port | None:
        for s in self.inputs if is_input else self.outputs:
            if s.port_name == name:
                return s
        return None


class EdgeItem(QDMGraphicsEdge):
    """A connection; its path is computed once per move rather than on every paint."""

    def initAssets(self):  # noqa: N802
        a = assets()
        self._color = self._default_color = a.edge_color
        self._pen = a.edge_pen
        self._pen_selected = a.edge_pen_selected
        self._pen_dragging = a.edge_pen_dragging
        self._pen_hovered = a.edge_pen_hovered
        self._cached_path: QtGui.QPainterPath | None = None
        self._label_font = a.label_font
        self.label: str = ""
        self._label_width = 0.0

    def setSource(self, x, y):  # noqa: N802
        super().setSource(x, y)
        self._invalidate()

    def setDestination(self, x, y):  # noqa: N802
        super().setDestination(x, y)
        self._invalidate()

    def _invalidate(self) -> None:
        self.prepareGeometryChange()
        self._cached_path = None
        canvas = self._canvas()
        if canvas is not None:
            canvas.label_rects.pop(self.edge.jid, None)

    def _canvas(self) -> Canvas | None:
        return getattr(getattr(self.edge, "scene", None), "canvas", None)

    def set_label(self, label: str) -> None:
        """The figures this connection carries (empty: none); placed again at the next paint."""
        width = QtGui.QFontMetricsF(self._label_font).horizontalAdvance(label) + 10 if label else 0.0
        if width != self._label_width:
            self.prepareGeometryChange()
        self.label, self._label_width = label, width
        canvas = self._canvas()
        if canvas is not None:
            canvas.label_rects.pop(self.edge.jid, None)
        self.update()

    def placed_label_rect(self) -> QtCore.QRectF | None:
        """Where this connection's label is painted (placed now if it was not yet), or None when
        the connection is too short to carry it."""
        if not self.label:
            return None
        canvas = self._canvas()
        if canvas is not None and self.edge.jid in canvas.label_rects:
            return canvas.label_rects[self.edge.jid]
        path = self.calcPath()
        width = self._label_width
        if path.length() < width + 30:
            return None  # too short to carry a label without covering the nodes; the nodes show it
        rect = self._label_rect(path, width)
        if canvas is not None:
            canvas.label_rects[self.edge.jid] = rect
        return rect

    def calcPath(self):  # noqa: N802
        if self._cached_path is None:
            self._cached_path = self.pathCalculator.calcPath()
        return self._cached_path

    def boundingRect(self):  # noqa: N802
        # the label sits on the path, or stacked one row above or below it
        half = max(40.0, self._label_width / 2 + 4)
        return self.calcPath().boundingRect().adjusted(-half, -12 - LABEL_STACK, half, 12 + LABEL_STACK)

    def shape(self):
        stroker = QtGui.QPainterPathStroker()
        stroker.setWidth(10)
        return stroker.createStroke(self.calcPath())

    def paint(self, painter, option, widget=None):
        path = self.calcPath()
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if self.edge.end_socket is None:
            painter.setPen(self._pen_dragging)
        elif self.isSelected():
            painter.setPen(self._pen_selected)
        elif self.hovered:
            painter.setPen(self._pen_hovered)
        else:
            painter.setPen(self._pen)
        painter.drawPath(path)
        # the label is painted by the canvas's label layer, above every connection's line

    def paint_label(self, painter: QtGui.QPainter) -> None:
        rect = self.placed_label_rect()
        if rect is None:
            return
        painter.setFont(self._label_font)
        painter.setPen(QtGui.QPen(QtGui.QColor("#C9D1DB"), 1))
        painter.setBrush(QtGui.QColor("#FFFFFF"))
        painter.drawRoundedRect(rect, 8, 8)
        painter.setPen(QtGui.QColor("#37474F"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.label)

    def _label_rect(self, path: QtGui.QPainterPath, width: float) -> QtCore.QRectF:
        """Where the label goes: the middle of the connection, or the spot nearest to it where the
        label covers no node, port or label placed before it; failing that, the same spots with
        the label stacked a row above or below the line; else the spot where it covers least,
        another label counting worse than a node (a short, steep connection between close nodes,
        or two connections into one port, would otherwise put figures on top of each other)."""
        scene = self.scene()
        canvas = self._canvas()
        others = [] if canvas is None else [r for eid, r in canvas.label_rects.items() if eid != self.edge.jid]
        best: tuple[tuple[bool, float], QtCore.QRectF] | None = None
        for dy in (0.0, -LABEL_STACK, LABEL_STACK):
            for t in _LABEL_SPOTS:
                point = path.pointAtPercent(t)
                rect = QtCore.QRectF(point.x() - width / 2, point.y() - 8 + dy, width, 16)
                if scene is None:
                    return rect
                # Bounding rectangles: a node's takes in the overlay pill and the badge above it.
                covered = 0.0
                for item in scene.items(rect.adjusted(-3, -3, 3, 3),
                                        Qt.ItemSelectionMode.IntersectsItemBoundingRect):
                    if isinstance(item, NodeItem | QDMGraphicsSocket):
                        overlap = item.sceneBoundingRect().intersected(rect)
                        covered += max(overlap.width() * overlap.height(), 1.0)
                clash = 0.0
                for other in others:
                    overlap = other.adjusted(-2, -2, 2, 2).intersected(rect)
                    if not overlap.isEmpty():
                        clash += max(overlap.width() * overlap.height(), 1.0)
                if covered == 0.0 and clash == 0.0:
                    return rect
                # a stacked spot off the line only wins when it is clear
                cost = (clash > 0.0 or dy != 0.0, covered + clash)
                if best is None or cost < best[0]:
                    best = (cost, rect)
        assert best is not None
        return best[1]


#: Spots along a connection (fractions of its length) tried for its label, best first.
_LABEL_SPOTS = (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.18, 0.82)
#: How far a label is moved off its connection when every spot on it is taken.
LABEL_STACK = 18.0


class EdgeLabelLayer(QtWidgets.QGraphicsItem):
    """Paints the connections' labels above every connection and below the nodes: painted by each
    connection, a label would be crossed by the lines painted after it. Labels are placed in the
    document's order, so that the same journey gets the same picture."""

    def __init__(self, canvas: Canvas):
        super().__init__()
        self.canvas = canvas
        self.setZValue(-0.5)  # connections are at -1, nodes at 0
        self.setFlag(QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)

    def boundingRect(self):  # noqa: N802
        scene = self.scene()
        return scene.sceneRect() if scene is not None else QtCore.QRectF()

    def shape(self):
        return QtGui.QPainterPath()  # never hit by clicks or rubber bands

    def paint(self, painter, option, widget=None):
        if painter.worldTransform().m11() < LOD_SIMPLE or not self.canvas.overlays_visible:
            return
        exposed = option.exposedRect
        scene = self.scene()
        order = self.canvas.edge_order()
        edges = [item for item in scene.items(exposed.adjusted(-60, -30, 60, 30),
                                              Qt.ItemSelectionMode.IntersectsItemBoundingRect)
                 if isinstance(item, EdgeItem) and item.label]
        edges.sort(key=lambda item: order.get(item.edge.jid, len(order)))
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        for item in edges:
            item.paint_label(painter)


class CanvasEdge(NEEdge):
    def __init__(self, scene, start_socket=None, end_socket=None, edge_type=EDGE_TYPE_BEZIER, jid: str = ""):
        self.jid = jid
        super().__init__(scene, start_socket, end_socket, edge_type)

    def getGraphicsEdgeClass(self):  # noqa: N802
        return EdgeItem


# ---------------------------------------------------------------------------------------------
# Scene and view
# ---------------------------------------------------------------------------------------------

class GraphicsScene(QDMGraphicsScene):
    """Light dotted background with stage lanes painted behind their member nodes."""

    def initAssets(self):  # noqa: N802
        self._color_background = QtGui.QColor("#F4F6F9")
        self._dot = QtGui.QColor("#D5DBE3")
        self._lane_font = QtGui.QFont()
        self._lane_font.setPointSizeF(11)
        self._lane_font.setBold(True)
        self.gridSize = 24

    def drawBackground(self, painter, rect):  # noqa: N802
        painter.fillRect(rect, self._color_background)
        scale = painter.worldTransform().m11()
        if scale >= 0.5:
            step = self.gridSize
            left = int(math.floor(rect.left() / step) * step)
            top = int(math.floor(rect.top() / step) * step)
            points = [QtCore.QPointF(x, y)
                      for x in range(left, int(rect.right()) + step, step)
                      for y in range(top, int(rect.bottom()) + step, step)]
            if len(points) < 40000:
                painter.setPen(QtGui.QPen(self._dot, 1.6))
                painter.drawPoints(points)
        canvas: Canvas | None = getattr(self.scene, "canvas", None)
        if canvas is not None:
            canvas.paint_lanes(painter, rect)


class _NoRerouting:
    """nodeeditor's Ctrl-drag rerouting edits edges behind the document's back; we switch it off."""

    first_mb_release = True

    def startRerouting(self, socket):  # noqa: N802
        pass

    def stopRerouting(self, target=None):  # noqa: N802
        pass

    def updateScenePos(self, x, y):  # noqa: N802
        pass


class _NoEdgeIntersect:
    """Dropping a node onto an edge would splice it in without a command; switched off."""

    def enterState(self, node):  # noqa: N802
        pass

    def leaveState(self, x, y):  # noqa: N802
        pass

    def update(self, x, y):
        pass


class CanvasView(QDMGraphicsView):
    """The view: gestures end in engine commands instead of direct scene edits."""

    def __init__(self, grScene, canvas: Canvas, parent=None):
        self.canvas = canvas
        super().__init__(grScene, parent)
        self.rerouting = _NoRerouting()
        self.edgeIntersect = _NoEdgeIntersect()
        self.dragging.edgeDragEnd = self._edge_drag_end
        self.setViewportUpdateMode(QtWidgets.QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlag(QtWidgets.QGraphicsView.OptimizationFlag.DontSavePainterState, True)
        self.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.zoomRange = [-12, 14]
        self.zoom = 0
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    # ---- edge drag: ask the engine -------------------------------------------------------------
    def _edge_drag_end(self, item) -> bool:
        dragging = self.dragging
        start = dragging.drag_start_socket
        if dragging.drag_edge is not None:
            dragging.drag_edge.remove(silent=True)
        dragging.drag_edge = None
        self.resetMode()
        if not isinstance(item, QDMGraphicsSocket) or start is None or item.socket is start:
            return False
        end = item.socket
        if start.is_input == end.is_input:
            self.canvas.message.emit(translate("Canvas", "Connect an output (right side) to an input (left side)."))
            return True
        out_socket, in_socket = (start, end) if not start.is_input else (end, start)
        self.canvas.request_connect(out_socket, in_socket)
        return True

    def keyPressEvent(self, event):  # noqa: N802
        if event.key() == Qt.Key.Key_Escape and self.mode == MODE_EDGE_DRAG:
            self._edge_drag_end(None)
            return
        super().keyPressEvent(event)

    def deleteSelected(self):  # noqa: N802
        self.canvas.delete_selection()

    def cutIntersectingEdges(self):  # noqa: N802
        hits = set()
        pts = self.cutline.line_points
        for a, b in zip(pts, pts[1:], strict=False):
            for edge in self.grScene.scene.edges:
                if isinstance(edge, CanvasEdge) and edge.jid and edge.grEdge.intersectsWith(a, b):
                    hits.add(edge.jid)
        if hits:
            self.canvas.editor.execute(RemoveEdges(sorted(hits)))

    def dragEnterEvent(self, event):  # noqa: N802
        if event.mimeData().hasFormat(NODE_TYPE_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event):  # noqa: N802
        if event.mimeData().hasFormat(NODE_TYPE_MIME):
            event.acceptProposedAction()

    def dropEvent(self, event):  # noqa: N802
        data = event.mimeData()
        if not data.hasFormat(NODE_TYPE_MIME):
            event.ignore()
            return
        type_key = bytes(data.data(NODE_TYPE_MIME)).decode("utf-8")
        pos = self.mapToScene(event.position().toPoint())
        self.canvas.dropRequested.emit(type_key, pos.x(), pos.y())
        event.acceptProposedAction()

    def wheelEvent(self, event):  # noqa: N802
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier or True:
            super().wheelEvent(event)
            self.canvas.zoomChanged.emit(self.transform().m11())

    def zoom_by(self, factor: float) -> None:
        current = self.transform().m11()
        target = max(0.05, min(3.0, current * factor))
        self.scale(target / current, target / current)
        self.canvas.zoomChanged.emit(self.transform().m11())

    def zoom_to_fit(self, rect: QtCore.QRectF | None = None, min_scale: float | None = None) -> None:
        """Show ``rect`` (default: every node). With ``min_scale``, never zoom out so far that text
        becomes unreadable: the view then starts at the top-left of the journey instead."""
        if rect is None:
            rect = self.canvas.items_rect()
        if rect.isEmpty():
            self.resetTransform()
            self.centerOn(0, 0)
            self.canvas.zoomChanged.emit(self.transform().m11())
            return
        padded = rect.adjusted(-60, -60, 60, 60)
        self.fitInView(padded, Qt.AspectRatioMode.KeepAspectRatio)
        scale = self.transform().m11()
        target = min(scale, 1.25)
        if min_scale is not None:
            target = max(target, min_scale)
        if target != scale:
            self.resetTransform()
            self.scale(target, target)
            if target > scale and min_scale is not None:
                # anchor at the top-left corner so the journey's start is on screen
                vp = self.viewport().rect()
                self.centerOn(padded.left() + vp.width() / (2 * target),
                              padded.top() + vp.height() / (2 * target))
            else:
                self.centerOn(rect.center())
        self.canvas.zoomChanged.emit(self.transform().m11())

    def flow_rect(self) -> QtCore.QRectF:
        """The area of the runnable flow (and its lanes), where a user starts reading."""
        rect = QtCore.QRectF()
        for cnode in self.canvas.nodes.values():
            if not cnode.annotation or cnode.jnode.type == "map.stage" or cnode.jnode.stage:
                rect = rect.united(cnode.grNode.sceneBoundingRect())
        return rect if not rect.isEmpty() else self.canvas.items_rect()

    def mouseMoveEvent(self, event):  # noqa: N802
        super().mouseMoveEvent(event)
        if self.mode == MODE_NOOP:
            return


class CanvasScene(NEScene):
    """nodeeditor's scene with our graphics scene and no use of its history or clipboard."""

    def __init__(self, canvas: Canvas):
        self.canvas = canvas
        super().__init__()

    def initUI(self):  # noqa: N802
        self.grScene = GraphicsScene(self)
        self.grScene.setGrScene(self.scene_width, self.scene_height)

    def getEdgeClass(self):  # noqa: N802
        return CanvasEdge


class _NullHistory:
    """Stands in for nodeeditor's history: our undo stack (engine commands) owns undo."""

    def __init__(self, scene):
        self.scene = scene

    def storeHistory(self, desc, setModified=False):  # noqa: N802, N803
        pass

    def storeInitialHistoryStamp(self):  # noqa: N802
        pass

    def clear(self):
        pass


CanvasScene.historyClass = _NullHistory


# ---------------------------------------------------------------------------------------------
# The canvas controller
# ---------------------------------------------------------------------------------------------

class Canvas(QtCore.QObject):
    """Binds a nodeeditor scene and view to an :class:`~gui.editor.Editor`'s document."""

    selectionChanged = Signal(list)
    nodeActivated = Signal(str)
    dropRequested = Signal(str, float, float)
    message = Signal(str)
    zoomChanged = Signal(float)

    def __init__(self, editor, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.editor = editor
        self.scene = CanvasScene(self)
        self.view = CanvasView(self.scene.grScene, self, parent)
        self.nodes: dict[str, CanvasNode] = {}
        self.edges: dict[str, CanvasEdge] = {}
        self.overlays_visible = True
        self._suppress_selection = False
        self._lanes: list | None = None
        #: Connected accounts (id → the kind of message they carry); None until the window says.
        self.channel_accounts: dict[str, str] | None = None
        #: Accounts whose last delivery failed: id → the reason.
        self.failing_channels: dict[str, str] = {}
        #: Issues found by the window beyond the document's own (see :meth:`set_extra_issues`).
        self.extra_issues: list = []
        #: Saved segments: id → name, for summaries that name a segment (see :meth:`set_segment_names`).
        self.segment_names: dict[str, str] = {}
        #: Stored events per ``events.source`` (see :meth:`set_source_stats`); None until read.
        self.source_stats: dict[str, SourceStats] | None = None
        #: Where the connection labels went (edge id → rectangle), so that later ones avoid them.
        self.label_rects: dict[str, QtCore.QRectF] = {}
        #: Whose numbers the overlays show (``Metrics.origin``/``caption``), for the corner tag.
        self.overlay_origin = ""
        self.overlay_caption = ""
        self.origin_tag = QtWidgets.QLabel(self.view)
        self.origin_tag.setObjectName("overlayOrigin")
        self.origin_tag.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.origin_tag.hide()
        self.label_layer = EdgeLabelLayer(self)
        self.scene.grScene.addItem(self.label_layer)
        self._edge_order: dict[str, int] | None = None
        self.scene.grScene.selectionChanged.connect(self._on_selection_changed)
        editor.issuesChanged.connect(self._apply_issues)
        self.load_all()
        editor.doc.subscribe(self._on_change)

    def dispose(self) -> None:
        """Stop listening before the scene goes away (a closing journey must not signal anyone)."""
        self._suppress_selection = True
        self.editor.doc.unsubscribe(self._on_change)
        try:
            self.editor.issuesChanged.disconnect(self._apply_issues)
            self.scene.grScene.selectionChanged.disconnect(self._on_selection_changed)
        except (RuntimeError, TypeError):
            pass

    # -- building --------------------------------------------------------------------------------
    def load_all(self) -> None:
        self._suppress_selection = True
        try:
            for edge in list(self.edges.values()):
                edge.remove(silent=True)
            for node in list(self.nodes.values()):
                node.remove()
            self.nodes.clear()
            self.edges.clear()
            self.label_rects.clear()
            self._edge_order = None
            reg = self.editor.registry
            for jnode in self.editor.journey.nodes:
                self.nodes[jnode.id] = CanvasNode(self, jnode, reg.get(jnode.type))
                self.nodes[jnode.id].channel_problem = self.channel_problem(jnode)
            for jedge in self.editor.journey.edges:
                self._add_edge(jedge.id, jedge)
            self._lanes = None
        finally:
            self._suppress_selection = False
        self._apply_issues(self.editor.issues)

    def _add_edge(self, edge_id: str, jedge=None) -> None:
        if jedge is None:
            jedge = self.editor.journey.edge(edge_id)
        if jedge is None:
            return
        src = self.nodes.get(jedge.source.node)
        dst = self.nodes.get(jedge.target.node)
        if src is None or dst is None:
            return  # dangling: reported by validation, nothing to draw
        out_socket = src.port(jedge.source.port, is_input=False)
        in_socket = dst.port(jedge.target.port, is_input=True)
        if out_socket is None or in_socket is None:
            return
        self.edges[edge_id] = CanvasEdge(self.scene, out_socket, in_socket, EDGE_TYPE_BEZIER, jid=edge_id)
        self._edge_order = None

    def _detach_edges_of(self, cnode: CanvasNode) -> None:
        for eid in [e.id for e in self.editor.journey.edges_of(cnode.jid)]:
            edge = self.edges.pop(eid, None)
            self._forget_edge(eid)
            if edge is not None:
                edge.remove(silent=True)

    def _attach_edges_of(self, cnode: CanvasNode) -> None:
        for e in self.editor.journey.edges_of(cnode.jid):
            if e.id not in self.edges:
                self._add_edge(e.id)

    # -- document → canvas ----------------------------------------------------------------------
    def _on_change(self, change: Change) -> None:
        kind, cid = change.kind, change.id
        if kind.startswith("node_"):
            self._lanes = None
        if kind == "node_added":
            jnode = self.editor.journey.node(cid)
            self.nodes[cid] = CanvasNode(self, jnode, self.editor.registry.get(jnode.type))
            self.nodes[cid].channel_problem = self.channel_problem(jnode)
        elif kind == "node_removed":
            cnode = self.nodes.pop(cid, None)
            if cnode is not None:
                self._detach_edges_of(cnode)
                cnode.remove()
        elif kind == "node_moved":
            jnode = self.editor.journey.node(cid)
            cnode = self.nodes.get(cid)
            if cnode is not None and (cnode.grNode.pos().x(), cnode.grNode.pos().y()) != (jnode.position.x,
                                                                                         jnode.position.y):
                cnode.grNode.setPos(jnode.position.x, jnode.position.y)
                cnode.updateConnectedEdges()
            self.scene.grScene.update()
        elif kind == "node_changed":
            cnode = self.nodes.get(cid)
            if cnode is not None:
                cnode.refresh(self.editor.journey.node(cid))
                cnode.channel_problem = self.channel_problem(cnode.jnode)
                cnode.source_counts = self.source_counts_of(cnode.jnode)
            self.scene.grScene.update()
        elif kind == "edge_added":
            self._add_edge(cid)
        elif kind == "edge_removed":
            edge = self.edges.pop(cid, None)
            self._forget_edge(cid)
            if edge is not None:
                edge.remove(silent=True)

    def set_extra_issues(self, issues) -> None:
        """Issues the window finds beyond the document's own (a node naming a deleted segment):
        badged and listed in tooltips like the others."""
        self.extra_issues = list(issues)
        self._apply_issues(self.editor.issues)

    def issues_for(self, node_id: str) -> list:
        return [*self.editor.issues_for(node_id), *(i for i in self.extra_issues if i.node_id == node_id)]

    def _apply_issues(self, issues) -> None:
        counts: dict[str, list] = {}
        for issue in (*issues, *self.extra_issues):
            if issue.node_id and issue.severity in ("error", "warning"):
                counts.setdefault(issue.node_id, []).append(issue.severity)
        for nid, cnode in self.nodes.items():
            sev = counts.get(nid, [])
            level = "error" if "error" in sev else ("warning" if sev else None)
            if (level, len(sev)) != (cnode.issue_level, cnode.issue_count):
                cnode.issue_level, cnode.issue_count = level, len(sev)
                cnode.grNode.update()

    # -- channel badges ---------------------------------------------------------------------------
    def set_segment_names(self, names: dict[str, str]) -> None:
        """Saved segments (id → name): node summaries show a segment's name, not its id."""
        names = dict(names)
        if names == self.segment_names:
            return
        before, self.segment_names = self.segment_names, names
        for cnode in self.nodes.values():
            if named_segments(cnode.jnode.config, before) != named_segments(cnode.jnode.config, names):
                cnode.refresh(cnode.jnode)

    def set_channel_health(self, accounts: dict[str, str] | None, failing: dict[str, str] | None = None) -> None:
        """Which channel accounts exist (id → the kind of message each carries: ``email``, ...,
        ``any``) and which failed their last delivery (id → reason); ``None`` hides every badge."""
        self.channel_accounts = dict(accounts) if accounts is not None else None
        self.failing_channels = dict(failing or {})
        for cnode in self.nodes.values():
            problem = self.channel_problem(cnode.jnode)
            if problem != cnode.channel_problem:
                cnode.channel_problem = problem
                cnode.grNode.update()

    def channel_problem(self, jnode: Node) -> str | None:
        """Why ``jnode``'s channel account cannot deliver, for a node that sends through one."""
        config = jnode.config
        account = config.get("channel")
        wanted = config.get("channel_kind")
        if self.channel_accounts is None or not isinstance(account, str) or not account or \
                not isinstance(wanted, str):
            return None
        carries = self.channel_accounts.get(account)
        if carries is None:
            return translate("Canvas", "Channel account “%1” is not connected").replace("%1", account)
        if carries not in (wanted, "any"):
            return (fill(translate("Canvas", "Channel account “%1” cannot send %2 messages"), account,
                         wanted))
        if account in self.failing_channels:
            return (fill(translate("Canvas", "The last delivery through “%1” failed: %2"), account,
                         self.failing_channels[account]))
        return None

    # -- data source counts ----------------------------------------------------------------------
    def set_source_stats(self, stats: dict[str, SourceStats] | None) -> None:
        """The stored events per source (:func:`engine.track.tracking_plan.source_stats`), for the
        data source nodes' counts; ``None`` hides them."""
        self.source_stats = dict(stats) if stats is not None else None
        for cnode in self.nodes.values():
            counts = self.source_counts_of(cnode.jnode)
            if counts != cnode.source_counts:
                cnode.source_counts = counts
                cnode.grNode.update()

    def source_counts_of(self, jnode: Node) -> NodeSourceCounts | None:
        """The counts ``jnode`` shows, for a ``track.source`` node naming a source once the
        stats are read."""
        if self.source_stats is None or jnode.type != "track.source":
            return None
        key = source_key(jnode.config)
        return counts_for(key, self.source_stats) if key is not None else None

    # -- canvas → commands ----------------------------------------------------------------------
    def request_connect(self, out_socket: Port, in_socket: Port) -> bool:
        src: CanvasNode = out_socket.node
        dst: CanvasNode = in_socket.node
        return self.editor.execute(Connect(src.jid, out_socket.port_name, dst.jid, in_socket.port_name))

    def commit_moves(self) -> None:
        moves = {}
        for nid, cnode in self.nodes.items():
            jnode = self.editor.journey.node(nid)
            pos = cnode.grNode.pos()
            new = (round(pos.x()), round(pos.y()))
            old = (jnode.position.x, jnode.position.y)
            if new != old:
                moves[nid] = (old, new)
        if moves:
            self.editor.execute(MoveNodes(moves))
            self.labels_moved()

    def selected_node_ids(self) -> list[str]:
        return [item.node.jid for item in self.scene.grScene.selectedItems() if isinstance(item, NodeItem)]

    def selected_edge_ids(self) -> list[str]:
        return [item.edge.jid for item in self.scene.grScene.selectedItems()
                if isinstance(item, EdgeItem) and item.edge.jid]

    def delete_selection(self) -> bool:
        nodes, edges = self.selected_node_ids(), self.selected_edge_ids()
        if not nodes and not edges:
            return False
        return self.editor.execute(RemoveNodes(nodes, extra_edge_ids=edges))

    def select_nodes(self, node_ids: list[str], center: bool = False) -> None:
        self._suppress_selection = True
        try:
            self.scene.grScene.clearSelection()
            for nid in node_ids:
                cnode = self.nodes.get(nid)
                if cnode is not None:
                    cnode.grNode.setSelected(True)
        finally:
            self._suppress_selection = False
        self._on_selection_changed()
        if center and node_ids and node_ids[0] in self.nodes:
            self.view.centerOn(self.nodes[node_ids[0]].grNode.sceneBoundingRect().center())

    def select_all(self) -> None:
        self.select_nodes(list(self.nodes))

    def _on_selection_changed(self) -> None:
        if self._suppress_selection:
            return
        self.selectionChanged.emit(self.selected_node_ids())

    # -- geometry, overlays, lanes -------------------------------------------------------------
    def items_rect(self) -> QtCore.QRectF:
        rect = QtCore.QRectF()
        for cnode in self.nodes.values():
            rect = rect.united(cnode.grNode.sceneBoundingRect())
        return rect

    def view_center(self) -> tuple[float, float]:
        c = self.view.mapToScene(self.view.viewport().rect().center())
        return c.x(), c.y()

    def set_metrics(self, node_metrics: dict[str, Metrics], edge_labels: dict[str, str]) -> None:
        for nid, cnode in self.nodes.items():
            cnode.metrics = node_metrics.get(nid)
            cnode.grNode.metrics_changed()
        self.label_rects.clear()
        for eid, edge in self.edges.items():
            edge.grEdge.set_label(edge_labels.get(eid, "") if self.overlays_visible else "")
        first = next(iter(node_metrics.values()), None)
        self.overlay_origin = first.origin if first is not None else ""
        self.overlay_caption = first.caption if first is not None else ""
        self._update_origin_tag()

    def set_overlays_visible(self, visible: bool) -> None:
        self.overlays_visible = visible
        for cnode in self.nodes.values():
            cnode.overlay_visible = visible
            cnode.grNode.metrics_changed()
        self._update_origin_tag()

    def _update_origin_tag(self) -> None:
        """The tag in the canvas's corner saying whose numbers the overlays show: simulated, test or
        live customers (the same pills could be any of them)."""
        tag = self.origin_tag
        if not (self.overlay_caption and self.overlays_visible):
            tag.hide()
            return
        tag.setStyleSheet(f"QLabel#overlayOrigin {{ background: {ORIGIN_COLORS.get(self.overlay_origin, '#455A64')};"
                          " color: white; border-radius: 9px; padding: 3px 10px; font-weight: bold; }")
        available = max(120, self.view.viewport().width() - 24)
        metrics = QtGui.QFontMetrics(tag.font())
        tag.setText(metrics.elidedText(self.overlay_caption, Qt.TextElideMode.ElideRight, available - 24))
        tag.setToolTip(self.overlay_caption)
        tag.adjustSize()
        tag.move(12, 10)
        tag.show()
        tag.raise_()

    def place_labels(self) -> dict[str, QtCore.QRectF]:
        """Place every connection's label not placed yet, in document order, each clear of the
        nodes and of the labels placed before it; returns edge id → label rectangle."""
        for eid, edge in list(self.edges.items()):
            if eid not in self.label_rects:
                edge.grEdge.placed_label_rect()
        return dict(self.label_rects)

    def _forget_edge(self, edge_id: str) -> None:
        self._edge_order = None
        self.label_rects.pop(edge_id, None)

    def edge_order(self) -> dict[str, int]:
        """Edge id → its place in the document (labels are placed in this order)."""
        if self._edge_order is None:
            self._edge_order = {eid: i for i, eid in enumerate(self.edges)}
        return self._edge_order

    def labels_moved(self) -> None:
        """Nodes were dropped somewhere else: place every label again."""
        self.label_rects.clear()
        for edge in self.edges.values():
            edge.grEdge.update()

    def invalidate_lanes(self) -> None:
        self._lanes = None

    def _lane_areas(self) -> list[tuple[QtCore.QRectF, str]]:
        """(area, colour) of each stage lane: the stage node and its members, padded."""
        if self._lanes is None:
            areas: dict[str, QtCore.QRectF] = {}
            for jnode in self.editor.journey.nodes:
                if jnode.type == "map.stage" and jnode.id in self.nodes:
                    areas.setdefault(jnode.id, QtCore.QRectF())
            for jnode in self.editor.journey.nodes:
                key = jnode.id if jnode.id in areas else jnode.stage
                if key in areas and jnode.id in self.nodes:
                    areas[key] = areas[key].united(self._node_rect(self.nodes[jnode.id]))
            self._lanes = [(area.adjusted(-16, -16, 16, 16), self.nodes[lid].color) for lid, area in areas.items()]
        return self._lanes

    @staticmethod
    def _node_rect(cnode: CanvasNode) -> QtCore.QRectF:
        item = cnode.grNode
        return QtCore.QRectF(item.pos().x(), item.pos().y(), item.width, item.height)

    def paint_lanes(self, painter: QtGui.QPainter, rect: QtCore.QRectF) -> None:
        """A tinted band behind each stage's members."""
        for area, lane_color in self._lane_areas():
            if not area.intersects(rect):
                continue
            color = QtGui.QColor(lane_color)
            fill = QtGui.QColor(color)
            fill.setAlpha(22)
            border = QtGui.QColor(color)
            border.setAlpha(90)
            painter.setPen(QtGui.QPen(border, 1.5, Qt.PenStyle.DashLine))
            painter.setBrush(fill)
            painter.drawRoundedRect(area, 14, 14)
