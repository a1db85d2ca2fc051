"""The journey document: the pydantic model and the canonical ``.journey.json`` format.

File layout (``format_version`` 1)::

    {
      "edges":  [ {"id", "source": {"node", "port"}, "target": {"node", "port"}} ... sorted by id ],
      "format_version": 1,
      "journey": {"id", "name", "description", "settings"},
      "layout": {"nodes": {node_id: {"x", "y"}}},
      "nodes":  [ {"config", "id", "stage", "title", "type", "type_version"} ... sorted by id ]
    }

Keys are sorted, indentation is two spaces, text is UTF-8 without escapes, and positions live in
``layout`` apart from the logic, so that a config change diffs as the lines of that one node.
A node ``layout`` leaves out (a file written by hand) is given a position when the file is loaded
(:func:`layout_unplaced`), so that no two nodes sit on top of each other.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from engine.errors import JourneyFormatError
from engine.messages import clean_loc, friendly

FORMAT_VERSION = 1
FILE_SUFFIX = ".journey.json"


def new_id() -> str:
    """A fresh node/edge/journey id (uuid4, as a string)."""
    return str(uuid.uuid4())


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class QuietHours(_Model):
    enabled: bool = Field(False, title="Respect quiet hours")
    start: str = Field("21:00", title="From", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    end: str = Field("08:00", title="Until", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    behaviour: Literal["delay", "skip"] = Field(
        "delay", title="During quiet hours", description="Deliver at the next allowed time, or skip the message.")


class FrequencyCap(_Model):
    enabled: bool = Field(False, title="Limit messages per customer")
    max_messages: int = Field(3, ge=1, le=1000, title="At most")
    per_days: int = Field(7, ge=1, le=365, title="Messages every (days)")


class ReEntry(_Model):
    policy: Literal["never", "after_exit", "always"] = Field(
        "after_exit", title="Re-entry", description="Whether a customer may enter the journey again.")
    cooldown_days: int = Field(0, ge=0, le=3650, title="Wait before re-entry (days)")


class Settings(_Model):
    time_zone: str = Field("UTC", title="Time zone", description="Used where a customer has no time zone of their own.",
                           json_schema_extra={"widget": "timezone"})
    quiet_hours: QuietHours = Field(default_factory=QuietHours, title="Quiet hours")
    frequency_cap: FrequencyCap = Field(default_factory=FrequencyCap, title="Frequency cap")
    goals: list[str] = Field(default_factory=list, title="Goal events",
                             description="Reaching one of these events counts the customer as converted.")
    exit_events: list[str] = Field(default_factory=list, title="Exit when",
                                   description="Events that take a customer out of the journey.")
    re_entry: ReEntry = Field(default_factory=ReEntry, title="Re-entry")
    status: Literal["draft", "live", "paused", "archived"] = Field("draft", title="Status")

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{value}'") from None
        return value


class Position(_Model):
    x: float = 0.0
    y: float = 0.0


class Node(_Model):
    id: str
    type: str
    type_version: int = 1
    title: str = ""
    #: id of the ``map.stage`` node (lane) this node belongs to, if any.
    stage: str | None = None
    config: dict[str, Any] = Field(default_factory=dict)
    position: Position = Field(default_factory=Position)


class PortRef(_Model):
    node: str
    port: str


class Edge(_Model):
    id: str
    source: PortRef
    target: PortRef


class Journey(_Model):
    id: str = Field(default_factory=new_id)
    name: str = "Untitled journey"
    description: str = ""
    settings: Settings = Field(default_factory=Settings)
    nodes: list[Node] = Field(default_factory=list)
    edges: list[Edge] = Field(default_factory=list)

    # -- look-ups ------------------------------------------------------------------------------
    def node(self, node_id: str) -> Node | None:
        for n in self.nodes:
            if n.id == node_id:
                return n
        return None

    def edge(self, edge_id: str) -> Edge | None:
        for e in self.edges:
            if e.id == edge_id:
                return e
        return None

    def edges_of(self, node_id: str) -> list[Edge]:
        return [e for e in self.edges if e.source.node == node_id or e.target.node == node_id]

    def stage_members(self, stage_id: str) -> list[Node]:
        return [n for n in self.nodes if n.stage == stage_id]

    def copy_deep(self) -> Journey:
        return self.model_copy(deep=True)


# ---------------------------------------------------------------------------------------------
# Placing nodes a file gives no position
# ---------------------------------------------------------------------------------------------

#: Room the canvas gives a node (its width, and the height of a node with three port rows), with
#: gaps wide enough for the connection labels and the count pill above a node.
LAYOUT_NODE_WIDTH = 210
LAYOUT_COLUMN_GAP = 60
LAYOUT_ROW_GAP = 40
#: Cells of the grid of nodes without connections (notes, personas, tracked events...).
LAYOUT_GRID_CELL = (250, 140)
LAYOUT_GRID_COLUMNS = 5


def _estimated_height(rows: int) -> float:
    # As the canvas draws a runnable node: header 30, summary 22, 20 per port row, 8 below.
    return 30 + 22 + 20 * max(rows, 3) + 8


def layout_unplaced(journey: Journey, node_ids: Any) -> None:
    """Give the nodes ``node_ids`` (those a file has no position for) positions where they can be
    read; every other node keeps its own.

    Connected nodes go left to right by their depth from the nodes nothing leads to (the entries),
    each column stacked top to bottom, a node level with the node that leads to it where there is
    room (a chain reads as a line, a split's second branch goes below the first); each connected
    group below the one before. Stage nodes go above the first column of the steps they hold.
    Nodes without connections are laid in a grid below. With nodes placed already, the new ones
    go below them. Sizes are estimated as the canvas draws nodes, from the ports in use."""
    wanted = set(node_ids)
    unplaced = [n for n in journey.nodes if n.id in wanted] if wanted else []
    if not unplaced:
        return
    by_id = {n.id: n for n in journey.nodes}
    ids = {n.id for n in unplaced}
    order = {n.id: i for i, n in enumerate(journey.nodes)}
    edges = [e for e in journey.edges if e.source.node in ids and e.target.node in ids
             and e.source.node != e.target.node]
    succ: dict[str, list[tuple[str, str]]] = {nid: [] for nid in ids}
    pred: dict[str, list[str]] = {nid: [] for nid in ids}
    for e in edges:
        succ[e.source.node].append((e.target.node, e.source.port))
        pred[e.target.node].append(e.source.node)
    port_rows: dict[str, set[str]] = {}
    for e in edges:
        port_rows.setdefault(e.source.node, set()).add("out:" + e.source.port)
        port_rows.setdefault(e.target.node, set()).add("in:" + e.target.port)

    def height(node: Node) -> float:
        rows = port_rows.get(node.id, set())
        outs = sum(1 for r in rows if r.startswith("out:"))
        return _estimated_height(max(outs, len(rows) - outs))

    top = 0.0
    left = 0.0
    placed = [n for n in journey.nodes if n.id not in ids]
    if placed:
        left = min(n.position.x for n in placed)
        top = max(n.position.y + height(n) for n in placed) + 2 * LAYOUT_ROW_GAP

    # Connected groups, each in the order of its first node in the file.
    connected = [n.id for n in unplaced if succ[n.id] or pred[n.id]]
    group_of: dict[str, int] = {}
    groups: list[list[str]] = []
    for start in connected:
        if start in group_of:
            continue
        members, stack = [], [start]
        group_of[start] = len(groups)
        while stack:
            nid = stack.pop()
            members.append(nid)
            for other in [t for t, _p in succ[nid]] + pred[nid]:
                if other not in group_of:
                    group_of[other] = len(groups)
                    stack.append(other)
        groups.append(sorted(members, key=order.__getitem__))

    column_pitch = LAYOUT_NODE_WIDTH + LAYOUT_COLUMN_GAP
    stages_row = any(by_id[nid].stage in ids and by_id[by_id[nid].stage].type == "map.stage" for nid in connected)
    if stages_row:
        top += _estimated_height(0) + LAYOUT_ROW_GAP  # room for the stage headers above the flow
    flow_top = top
    bottom = top
    for members in groups:
        depth = _depths(members, succ, pred, order)
        columns: dict[int, list[str]] = {}
        for nid in members:
            columns.setdefault(depth[nid], []).append(nid)
        y_of: dict[str, float] = {}
        rank: dict[str, tuple] = {}
        for col in sorted(columns):
            # Under the node that leads here, in the order of that node's ports.
            below = {nid: min([(rank[p], _port_rank(q)) for p in pred[nid] if p in rank
                               for t, q in succ[p] if t == nid], default=()) for nid in columns[col]}
            cursor = top
            for i, nid in enumerate(sorted(columns[col], key=lambda nid: (below[nid], order[nid]))):
                rank[nid] = (col, i)
                level = [y_of[p] for p in pred[nid] if p in y_of and depth[p] == col - 1]
                y = max(cursor, min(level)) if level else cursor
                by_id[nid].position = Position(x=left + col * column_pitch, y=y)
                y_of[nid] = y
                cursor = y + height(by_id[nid]) + LAYOUT_ROW_GAP
                bottom = max(bottom, cursor)
        top = bottom + LAYOUT_ROW_GAP

    # Stage nodes over the first column of their steps; they keep to the right of each other.
    lanes: list[tuple[float, str]] = []
    for nid in [n.id for n in unplaced if n.type == "map.stage"]:
        xs = [by_id[m].position.x for m in connected if by_id[m].stage == nid]
        if xs:
            lanes.append((min(xs), nid))
    free_x = None
    for x, nid in sorted(lanes, key=lambda item: (item[0], order[item[1]])):
        x = x if free_x is None else max(x, free_x)
        by_id[nid].position = Position(x=x, y=flow_top - _estimated_height(0) - LAYOUT_ROW_GAP)
        free_x = x + column_pitch
    laid = set(connected) | {nid for _x, nid in lanes}

    # The rest in a grid below, in file order.
    rest = [n for n in unplaced if n.id not in laid]
    cell_w, cell_h = LAYOUT_GRID_CELL
    y = bottom + (LAYOUT_ROW_GAP if connected else 0)
    for start in range(0, len(rest), LAYOUT_GRID_COLUMNS):
        row = rest[start:start + LAYOUT_GRID_COLUMNS]
        for i, node in enumerate(row):
            node.position = Position(x=left + i * cell_w, y=y)
        y += max(cell_h, *(height(n) + LAYOUT_ROW_GAP for n in row))


#: Output ports that read first (the way most customers go) and last (the exceptions), so that a
#: split's branches stack as the node lists its ports; the others go between, by name.
_FIRST_PORTS = ("next", "yes", "sent", "a", "control", "treatment")
_LAST_PORTS = ("no", "else", "failed", "skipped", "timeout", "holdout", "limit_reached")


def _port_rank(port: str) -> tuple[int, int, str]:
    if port in _FIRST_PORTS:
        return 0, _FIRST_PORTS.index(port), ""
    if port in _LAST_PORTS:
        return 2, _LAST_PORTS.index(port), ""
    return 1, 0, port


def _depths(members: list[str], succ: dict[str, list[tuple[str, str]]], pred: dict[str, list[str]],
            order: dict[str, int]) -> dict[str, int]:
    """Column of each node of a connected group: the longest path to it from a node nothing leads
    to, a loop's edge back ignored (a group that is all loop starts at its first node in the file)."""
    member_set = set(members)
    roots = [nid for nid in members if not pred[nid]] or [members[0]]
    back: set[tuple[str, str]] = set()
    state: dict[str, int] = {}  # 1: on the path being walked, 2: done
    for root in roots + members:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(sorted({t for t, _p in succ[root]}, key=order.__getitem__)))]
        while stack:
            nid, targets = stack[-1]
            nxt = next(targets, None)
            if nxt is None:
                state[nid] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                back.add((nid, nxt))
            elif nxt not in state and nxt in member_set:
                state[nxt] = 1
                stack.append((nxt, iter(sorted({t for t, _p in succ[nxt]}, key=order.__getitem__))))
    forward_in = {nid: [p for p in pred[nid] if (p, nid) not in back] for nid in members}
    depth: dict[str, int] = {}
    waiting = {nid: len(set(forward_in[nid])) for nid in members}
    ready = [nid for nid in members if not waiting[nid]]
    while ready:
        nid = ready.pop()
        depth[nid] = max((depth[p] + 1 for p in set(forward_in[nid])), default=0)
        for t in {t for t, _p in succ[nid]}:
            if (nid, t) in back:
                continue
            waiting[t] -= 1
            if not waiting[t]:
                ready.append(t)
    return depth


# ---------------------------------------------------------------------------------------------
# Canonical serialization
# ---------------------------------------------------------------------------------------------

def _num(value: float) -> int | float:
    """Positions are stored as integers when whole, so files stay short and stable."""
    r = round(float(value), 1)
    return int(r) if r == int(r) else r


def to_data(journey: Journey) -> dict:
    """The canonical dict of a journey (what goes into the file)."""
    nodes = sorted(journey.nodes, key=lambda n: n.id)
    edges = sorted(journey.edges, key=lambda e: e.id)
    return {
        "format_version": FORMAT_VERSION,
        "journey": {
            "id": journey.id,
            "name": journey.name,
            "description": journey.description,
            "settings": journey.settings.model_dump(mode="json"),
        },
        "nodes": [
            {
                "id": n.id,
                "type": n.type,
                "type_version": n.type_version,
                "title": n.title,
                "stage": n.stage,
                "config": n.config,
            }
            for n in nodes
        ],
        "edges": [e.model_dump(mode="json") for e in edges],
        "layout": {
            "nodes": {n.id: {"x": _num(n.position.x), "y": _num(n.position.y)} for n in nodes},
        },
    }


def dumps(journey: Journey) -> str:
    """Canonical text: sorted keys, two-space indent, UTF-8 characters unescaped, final newline."""
    return json.dumps(to_data(journey), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def content_hash(journey: Journey) -> str:
    """SHA-256 of the logic (layout excluded): equal for journeys that behave the same."""
    import hashlib

    data = to_data(journey)
    data.pop("layout", None)
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------------
# Loading, with step-by-step format migrations
# ---------------------------------------------------------------------------------------------

#: ``MIGRATIONS[n]`` turns a format-``n`` dict into a format-``n+1`` dict.
MIGRATIONS: dict[int, Callable[[dict], dict]] = {}


def _migrate_0_to_1(data: dict) -> dict:
    """Format 0 (pre-release) kept positions inside nodes and had a flat ``name`` at the top."""
    out = {"format_version": 1, "journey": {}, "nodes": [], "edges": data.get("edges", []),
           "layout": {"nodes": {}}}
    for key in ("id", "name", "description", "settings"):
        if key in data:
            out["journey"][key] = data[key]
    for node in data.get("nodes", []):
        node = dict(node)
        pos = node.pop("position", None)
        if isinstance(pos, dict) and "id" in node:
            out["layout"]["nodes"][node["id"]] = pos
        out["nodes"].append(node)
    return out


MIGRATIONS[0] = _migrate_0_to_1


def _loc_to_path(loc: tuple) -> str:
    """Turn a pydantic error location into a JSON path of the file, e.g. ``nodes[2].config``."""
    parts: list[str] = []
    for p in loc:
        if isinstance(p, int):
            parts.append(f"[{p}]")
        else:
            parts.append(("." if parts else "") + str(p))
    return "".join(parts) or "$"


def from_data(data: Any, *, file: str | None = None) -> Journey:
    """Build a journey from a parsed file, migrating old formats; never half-loads."""
    if not isinstance(data, dict):
        raise JourneyFormatError(f"expected a JSON object at the top, found {type(data).__name__}",
                                 file=file, path="$")
    if "format_version" not in data and ("journey" in data or "layout" in data):
        # The current layout without its version line: refuse rather than guess and lose data.
        raise JourneyFormatError("'format_version' is missing; add \"format_version\": "
                                 f"{FORMAT_VERSION} at the top of the file", file=file, path="format_version")
    version = data.get("format_version", 0)
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise JourneyFormatError(f"'format_version' must be a whole number, found {version!r}",
                                 file=file, path="format_version")
    if version > FORMAT_VERSION:
        raise JourneyFormatError(
            f"this file was written by a newer Journey Studio (format {version}; this version reads "
            f"up to {FORMAT_VERSION}). Update Journey Studio to open it.", file=file, path="format_version")
    try:
        while version < FORMAT_VERSION:
            data = MIGRATIONS[version](data)
            version += 1
    except (KeyError, TypeError, AttributeError) as exc:
        raise JourneyFormatError(f"cannot upgrade from format {version}: {exc}", file=file) from None

    for key in ("journey", "nodes", "edges"):
        if key not in data:
            raise JourneyFormatError(f"missing '{key}'", file=file, path=key)
    unknown = sorted(set(data) - {"format_version", "journey", "nodes", "edges", "layout"})
    if unknown:
        raise JourneyFormatError(f"unexpected key '{unknown[0]}'", file=file, path=unknown[0])
    head = data["journey"]
    nodes = data["nodes"]
    edges = data["edges"]
    layout = data.get("layout") or {}
    if not isinstance(head, dict):
        raise JourneyFormatError("expected an object", file=file, path="journey")
    if not isinstance(nodes, list):
        raise JourneyFormatError("expected a list of nodes", file=file, path="nodes")
    if not isinstance(edges, list):
        raise JourneyFormatError("expected a list of edges", file=file, path="edges")
    if not isinstance(layout, dict):
        raise JourneyFormatError("expected a group of settings (a JSON object)", file=file, path="layout")
    if not isinstance(layout.get("nodes", {}), dict):
        raise JourneyFormatError("expected a group of settings (a JSON object)", file=file, path="layout.nodes")
    positions = layout.get("nodes", {})

    # Validate each part on its own so that errors point at the file's own JSON path.
    def check(model: type[BaseModel], value: Any, path: str) -> BaseModel:
        try:
            return model.model_validate(value)
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            sub = _loc_to_path(clean_loc(tuple(err.get("loc", ())), value))
            full = path + ("" if sub == "$" else ("" if sub.startswith("[") else ".") + sub)
            raise JourneyFormatError(friendly(err), file=file, path=full) from None

    settings = check(Settings, head.get("settings", {}), "journey.settings")
    for key in ("id", "name", "description"):
        if key in head and not isinstance(head[key], str):
            raise JourneyFormatError("expected text", file=file, path=f"journey.{key}")
    extra = sorted(set(head) - {"id", "name", "description", "settings"})
    if extra:
        raise JourneyFormatError(f"unexpected key '{extra[0]}'", file=file, path=f"journey.{extra[0]}")

    parsed_nodes: list[Node] = []
    unplaced: list[str] = []  # nodes the file gives no position (a file written by hand)
    seen: set[str] = set()
    for i, raw in enumerate(nodes):
        node = check(Node, raw, f"nodes[{i}]")
        if node.id in seen:
            raise JourneyFormatError(f"duplicate node id '{node.id}'", file=file, path=f"nodes[{i}].id")
        seen.add(node.id)
        pos = positions.get(node.id)
        if pos is not None:
            node.position = check(Position, pos, f"layout.nodes.{node.id}")
        else:
            unplaced.append(node.id)
        parsed_nodes.append(node)
    parsed_edges: list[Edge] = []
    seen_edges: set[str] = set()
    for i, raw in enumerate(edges):
        edge = check(Edge, raw, f"edges[{i}]")
        if edge.id in seen_edges:
            raise JourneyFormatError(f"duplicate edge id '{edge.id}'", file=file, path=f"edges[{i}].id")
        seen_edges.add(edge.id)
        parsed_edges.append(edge)

    journey = Journey(
        id=head.get("id") or new_id(),
        name=head.get("name", "Untitled journey"),
        description=head.get("description", ""),
        settings=settings,
        nodes=parsed_nodes,
        edges=parsed_edges,
    )
    # Without positions every node would sit at (0, 0), on top of each other.
    layout_unplaced(journey, unplaced)
    return journey


def loads(text: str, *, file: str | None = None) -> Journey:
    if not text.strip():
        raise JourneyFormatError("the file is empty", file=file)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise JourneyFormatError(
            f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", file=file) from None
    return from_data(data, file=file)


def load(path: str | Path) -> Journey:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise JourneyFormatError(f"cannot read the file: {exc.strerror or exc}", file=str(path)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise JourneyFormatError(f"not UTF-8 text (byte {exc.start})", file=str(path)) from None
    return loads(text, file=str(path))


def save(journey: Journey, path: str | Path) -> None:
    """Write atomically: a crash mid-save never leaves a truncated file behind."""
    import os

    from engine.files import new_file_beside, replace_file

    path = Path(path)
    text = dumps(journey)
    # Created as any file is (a journey file is shared through git), not readable by its owner alone.
    tmp = new_file_beside(path)
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        replace_file(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
