"""Editing a journey: an observable document and undoable commands.

Every edit the editor makes is a :class:`Command` with ``do``, ``undo`` and ``label``; the GUI wraps
them in ``QUndoCommand`` adapters, the tests drive them without Qt. The document announces each
change to its listeners (the canvas subscribes, as in Orange's scheme model) instead of the canvas
being the source of truth.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from engine.document import Edge, Journey, Node, PortRef, Position, new_id
from engine.errors import DocumentError
from engine.spec import Registry
from engine.validate import check_connection


@dataclass(frozen=True)
class Change:
    """What changed: ``kind`` is one of node_added, node_removed, node_changed, node_moved,
    edge_added, edge_removed, journey_changed."""

    kind: str
    id: str | None = None
    fields: tuple[str, ...] = ()


Listener = Callable[[Change], None]


class JourneyDocument:
    """A journey being edited; the only way to mutate it is through these primitives."""

    def __init__(self, journey: Journey, registry: Registry):
        self.journey = journey
        self.registry = registry
        self._listeners: list[Listener] = []
        self.revision = 0

    # -- observers ---------------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _emit(self, change: Change) -> None:
        self.revision += 1
        for listener in list(self._listeners):
            listener(change)

    # -- primitives --------------------------------------------------------------------------
    def node(self, node_id: str) -> Node:
        node = self.journey.node(node_id)
        if node is None:
            raise DocumentError(f"no node with id '{node_id}'")
        return node

    def insert_node(self, node: Node, index: int | None = None) -> None:
        if self.journey.node(node.id) is not None:
            raise DocumentError(f"a node with id '{node.id}' already exists")
        if index is None:
            self.journey.nodes.append(node)
        else:
            self.journey.nodes.insert(index, node)
        self._emit(Change("node_added", node.id))

    def pop_node(self, node_id: str) -> tuple[int, Node]:
        for i, node in enumerate(self.journey.nodes):
            if node.id == node_id:
                del self.journey.nodes[i]
                self._emit(Change("node_removed", node_id))
                return i, node
        raise DocumentError(f"no node with id '{node_id}'")

    def insert_edge(self, edge: Edge, index: int | None = None) -> None:
        if self.journey.edge(edge.id) is not None:
            raise DocumentError(f"an edge with id '{edge.id}' already exists")
        if index is None:
            self.journey.edges.append(edge)
        else:
            self.journey.edges.insert(index, edge)
        self._emit(Change("edge_added", edge.id))

    def pop_edge(self, edge_id: str) -> tuple[int, Edge]:
        for i, edge in enumerate(self.journey.edges):
            if edge.id == edge_id:
                del self.journey.edges[i]
                self._emit(Change("edge_removed", edge_id))
                return i, edge
        raise DocumentError(f"no edge with id '{edge_id}'")

    def set_node_fields(self, node_id: str, **values: Any) -> None:
        node = self.node(node_id)
        for key, value in values.items():
            setattr(node, key, copy.deepcopy(value))
        kind = "node_moved" if set(values) == {"position"} else "node_changed"
        self._emit(Change(kind, node_id, tuple(sorted(values))))

    def set_journey_fields(self, **values: Any) -> None:
        for key, value in values.items():
            setattr(self.journey, key, copy.deepcopy(value))
        self._emit(Change("journey_changed", self.journey.id, tuple(sorted(values))))


# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------

class Command:
    """An undoable edit. ``merge_key`` lets consecutive edits of one field become one step."""

    label: str = "Edit"
    merge_key: tuple | None = None

    def do(self, doc: JourneyDocument) -> None:
        raise NotImplementedError

    def undo(self, doc: JourneyDocument) -> None:
        raise NotImplementedError

    def merge(self, other: Command) -> bool:
        """Absorb ``other`` (already done) into self; True if merged."""
        return False


class AddNode(Command):
    def __init__(self, node: Node, label: str | None = None):
        self.node = node
        self.label = label or f"Add {node.title or node.type}"

    def do(self, doc):
        doc.insert_node(copy.deepcopy(self.node))

    def undo(self, doc):
        doc.pop_node(self.node.id)


class RemoveNodes(Command):
    """Remove nodes with every edge touching them; undo puts all back where they were."""

    def __init__(self, node_ids: Iterable[str], extra_edge_ids: Iterable[str] = ()):
        self.node_ids = list(dict.fromkeys(node_ids))
        self.extra_edge_ids = list(dict.fromkeys(extra_edge_ids))
        self._removed_nodes: list[tuple[int, Node]] = []
        self._removed_edges: list[tuple[int, Edge]] = []
        self._restaged: dict[str, str | None] = {}
        n = len(self.node_ids)
        self.label = "Delete node" if n == 1 and not self.extra_edge_ids else (
            f"Delete {n} nodes" if n else "Delete connection")

    def do(self, doc):
        ids = set(self.node_ids)
        edge_ids = set(self.extra_edge_ids) | {e.id for e in doc.journey.edges
                                                if e.source.node in ids or e.target.node in ids}
        self._removed_edges = []
        # Remove from the highest index down so that the recorded indices restore exactly.
        for i in sorted((i for i, e in enumerate(doc.journey.edges) if e.id in edge_ids), reverse=True):
            self._removed_edges.append(doc.pop_edge(doc.journey.edges[i].id))
        # Members of a removed stage lane leave the lane (and come back on undo).
        self._restaged = {n.id: n.stage for n in doc.journey.nodes if n.stage in ids and n.id not in ids}
        for nid in self._restaged:
            doc.set_node_fields(nid, stage=None)
        self._removed_nodes = []
        for i in sorted((i for i, n in enumerate(doc.journey.nodes) if n.id in ids), reverse=True):
            self._removed_nodes.append(doc.pop_node(doc.journey.nodes[i].id))
        missing = ids - {n.id for _, n in self._removed_nodes}
        if missing:
            self.undo(doc)
            raise DocumentError(f"no node with id '{sorted(missing)[0]}'")

    def undo(self, doc):
        for i, node in reversed(self._removed_nodes):
            doc.insert_node(node, i)
        for nid, stage in self._restaged.items():
            doc.set_node_fields(nid, stage=stage)
        for i, edge in reversed(self._removed_edges):
            doc.insert_edge(edge, i)
        self._removed_nodes, self._removed_edges, self._restaged = [], [], {}


class RemoveEdges(Command):
    def __init__(self, edge_ids: Iterable[str]):
        self.edge_ids = list(dict.fromkeys(edge_ids))
        self._removed: list[tuple[int, Edge]] = []
        self.label = "Disconnect" if len(self.edge_ids) == 1 else f"Disconnect {len(self.edge_ids)} connections"

    def do(self, doc):
        ids = set(self.edge_ids)
        self._removed = []
        for i in sorted((i for i, e in enumerate(doc.journey.edges) if e.id in ids), reverse=True):
            self._removed.append(doc.pop_edge(doc.journey.edges[i].id))
        if len(self._removed) != len(ids):
            self.undo(doc)
            raise DocumentError("a connection to remove does not exist")

    def undo(self, doc):
        for i, edge in reversed(self._removed):
            doc.insert_edge(edge, i)
        self._removed = []


class Connect(Command):
    """Connect an output port to an input port, after asking the engine whether that is allowed."""

    def __init__(self, source_node: str, source_port: str, target_node: str, target_port: str,
                 edge_id: str | None = None):
        self.edge = Edge(id=edge_id or new_id(), source=PortRef(node=source_node, port=source_port),
                         target=PortRef(node=target_node, port=target_port))
        self.label = "Connect"

    def do(self, doc):
        check_connection(doc.journey, doc.registry, self.edge.source.node, self.edge.source.port,
                         self.edge.target.node, self.edge.target.port)
        doc.insert_edge(copy.deepcopy(self.edge))

    def undo(self, doc):
        doc.pop_edge(self.edge.id)


class MoveNodes(Command):
    """Move nodes; ``moves`` maps node id to (old (x, y), new (x, y))."""

    def __init__(self, moves: dict[str, tuple[tuple[float, float], tuple[float, float]]]):
        self.moves = dict(moves)
        self.label = "Move node" if len(self.moves) == 1 else f"Move {len(self.moves)} nodes"

    def do(self, doc):
        for nid, (_, new) in self.moves.items():
            doc.set_node_fields(nid, position=Position(x=new[0], y=new[1]))

    def undo(self, doc):
        for nid, (old, _) in self.moves.items():
            doc.set_node_fields(nid, position=Position(x=old[0], y=old[1]))


class SetConfig(Command):
    """Replace a node's config; consecutive edits of the same field merge into one undo step."""

    def __init__(self, node_id: str, config: dict, field_path: str = "", old: dict | None = None):
        self.node_id = node_id
        self.new = copy.deepcopy(config)
        self.old = copy.deepcopy(old) if old is not None else None
        self.field_path = field_path
        self.merge_key = ("config", node_id, field_path) if field_path else None
        self.label = f"Edit {field_path.replace('_', ' ')}" if field_path else "Edit settings"

    def do(self, doc):
        node = doc.node(self.node_id)
        if self.old is None:
            self.old = copy.deepcopy(node.config)
        doc.set_node_fields(self.node_id, config=self.new)

    def undo(self, doc):
        doc.set_node_fields(self.node_id, config=self.old)

    def merge(self, other):
        if isinstance(other, SetConfig) and self.merge_key is not None and other.merge_key == self.merge_key:
            self.new = copy.deepcopy(other.new)
            return True
        return False


class RenameNode(Command):
    def __init__(self, node_id: str, title: str):
        self.node_id = node_id
        self.title = title
        self.old: str | None = None
        self.merge_key = ("title", node_id)
        self.label = "Rename node"

    def do(self, doc):
        if self.old is None:
            self.old = doc.node(self.node_id).title
        doc.set_node_fields(self.node_id, title=self.title)

    def undo(self, doc):
        doc.set_node_fields(self.node_id, title=self.old)

    def merge(self, other):
        if isinstance(other, RenameNode) and other.node_id == self.node_id:
            self.title = other.title
            return True
        return False


class EditJourney(Command):
    """Change journey-level fields: name, description, settings."""

    def __init__(self, label: str = "Edit journey", merge_key: tuple | None = None, **values: Any):
        self.values = copy.deepcopy(values)
        self.old: dict[str, Any] | None = None
        self.label = label
        self.merge_key = merge_key

    def do(self, doc):
        if self.old is None:
            self.old = {k: copy.deepcopy(getattr(doc.journey, k)) for k in self.values}
        doc.set_journey_fields(**self.values)

    def undo(self, doc):
        doc.set_journey_fields(**self.old)

    def merge(self, other):
        if isinstance(other, EditJourney) and self.merge_key and other.merge_key == self.merge_key:
            self.values.update(copy.deepcopy(other.values))
            return True
        return False


class GroupIntoStage(Command):
    """Put nodes into a stage lane (a ``map.stage`` node)."""

    def __init__(self, node_ids: Iterable[str], stage_id: str | None):
        self.node_ids = list(dict.fromkeys(node_ids))
        self.stage_id = stage_id
        self.old: dict[str, str | None] = {}
        self.label = "Group into stage" if stage_id else "Remove from stage"

    def do(self, doc):
        if self.stage_id is not None:
            lane = doc.node(self.stage_id)
            if lane.type != "map.stage":
                raise DocumentError("nodes can only be grouped into a Stage node")
        self.old = {nid: doc.node(nid).stage for nid in self.node_ids}
        for nid in self.node_ids:
            if nid != self.stage_id:
                doc.set_node_fields(nid, stage=self.stage_id)

    def undo(self, doc):
        for nid, old in self.old.items():
            if nid != self.stage_id:
                doc.set_node_fields(nid, stage=old)


def Ungroup(node_ids: Iterable[str]) -> GroupIntoStage:  # noqa: N802 - reads as a command class
    return GroupIntoStage(node_ids, None)


class Macro(Command):
    """Several commands as one undo step (a gesture: paste, delete selection, replace an edge)."""

    def __init__(self, label: str, commands: list[Command]):
        self.label = label
        self.commands = list(commands)

    def do(self, doc):
        done: list[Command] = []
        try:
            for cmd in self.commands:
                cmd.do(doc)
                done.append(cmd)
        except Exception:
            for cmd in reversed(done):
                cmd.undo(doc)
            raise

    def undo(self, doc):
        for cmd in reversed(self.commands):
            cmd.undo(doc)


# ---------------------------------------------------------------------------------------------
# Clipboard: copy a fragment, paste it with fresh ids
# ---------------------------------------------------------------------------------------------

FRAGMENT_MIME = "application/x-journey-studio-fragment+json"


def copy_fragment(journey: Journey, node_ids: Iterable[str]) -> dict:
    """The selected nodes and the edges between them, as plain JSON data."""
    ids = set(node_ids)
    nodes = [n.model_dump(mode="json") for n in journey.nodes if n.id in ids]
    edges = [e.model_dump(mode="json") for e in journey.edges
             if e.source.node in ids and e.target.node in ids]
    return {"kind": "journey-studio-fragment", "version": 1, "nodes": nodes, "edges": edges}


def paste_command(doc: JourneyDocument, fragment: dict, offset: tuple[float, float] = (40, 40),
                  label: str = "Paste") -> tuple[Macro, list[str]]:
    """Build the command that pastes ``fragment`` with fresh ids; returns it and the new node ids."""
    if not isinstance(fragment, dict) or fragment.get("kind") != "journey-studio-fragment":
        raise DocumentError("the clipboard does not hold Journey Studio nodes")
    id_map: dict[str, str] = {}
    nodes: list[Node] = []
    for raw in fragment.get("nodes", []):
        node = Node.model_validate(raw)
        id_map[node.id] = new_id()
        nodes.append(node)
    commands: list[Command] = []
    new_ids = []
    for node in nodes:
        node = node.model_copy(deep=True)
        node.id = id_map[node.id]
        node.position = Position(x=node.position.x + offset[0], y=node.position.y + offset[1])
        if node.stage in id_map:
            node.stage = id_map[node.stage]
        elif node.stage is not None and (doc.journey.node(node.stage) is None):
            node.stage = None
        commands.append(AddNode(node))
        new_ids.append(node.id)
    for raw in fragment.get("edges", []):
        edge = Edge.model_validate(raw)
        if edge.source.node in id_map and edge.target.node in id_map:
            commands.append(Connect(id_map[edge.source.node], edge.source.port,
                                    id_map[edge.target.node], edge.target.port))
    return Macro(label, commands), new_ids


def make_node(registry: Registry, type_key: str, x: float = 0, y: float = 0, title: str | None = None,
              config: dict | None = None) -> Node:
    """A new node of ``type_key`` with a fresh id and the spec's default config."""
    spec = registry[type_key]
    return Node(id=new_id(), type=spec.type_key, type_version=spec.version,
                title=spec.title if title is None else title,
                config=copy.deepcopy(config) if config is not None else spec.default_config(),
                position=Position(x=x, y=y))


# ---------------------------------------------------------------------------------------------
# A headless undo stack (the GUI uses QUndoStack with an adapter instead)
# ---------------------------------------------------------------------------------------------

@dataclass
class UndoStack:
    doc: JourneyDocument
    _done: list[Command] = field(default_factory=list)
    _undone: list[Command] = field(default_factory=list)
    clean_index: int = 0

    def push(self, cmd: Command) -> None:
        cmd.do(self.doc)
        self._undone.clear()
        if self._done and self._done[-1].merge(cmd):
            return
        self._done.append(cmd)

    def undo(self) -> bool:
        if not self._done:
            return False
        cmd = self._done.pop()
        cmd.undo(self.doc)
        self._undone.append(cmd)
        return True

    def redo(self) -> bool:
        if not self._undone:
            return False
        cmd = self._undone.pop()
        cmd.do(self.doc)
        self._done.append(cmd)
        return True

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    def labels(self) -> list[str]:
        return [c.label for c in self._done]
