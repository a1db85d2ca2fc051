"""Journey validation: every problem a marketer must fix before a journey can run.

``validate(journey, registry)`` returns a list of :class:`Issue`, each with a severity, a sentence
a marketer understands, and the node, edge or field it concerns. It never raises on a bad journey.
"""

from __future__ import annotations

import json
import re
import typing
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel

from engine.document import Journey
from engine.errors import IncompatiblePorts
from engine.spec import NodeSpec, Registry

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Issue:
    severity: Severity
    code: str
    message: str
    node_id: str | None = None
    edge_id: str | None = None
    field: str | None = None

    def to_json(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    def describe(self, journey: Journey | None = None) -> str:
        """One line for terminals and logs: ``error  Send "Welcome" (ab12…): message``."""
        where = ""
        if self.node_id:
            node = journey.node(self.node_id) if journey else None
            label = f'"{node.title}" ' if node and node.title else ""
            where = f"node {label}({self.node_id[:8]})"
        elif self.edge_id:
            where = f"edge ({self.edge_id[:8]})"
        return f"{self.severity:<7} {where + ': ' if where else ''}{self.message}"


def has_errors(issues: list[Issue]) -> bool:
    return any(i.severity == "error" for i in issues)


def node_label(journey: Journey, node_id: str, registry: Registry, by_id: dict | None = None) -> str:
    node = by_id.get(node_id) if by_id is not None else journey.node(node_id)
    if node is None:
        return "a missing node"
    if node.title:
        return f'"{node.title}"'
    spec = registry.get(node.type)
    return f'"{spec.title}"' if spec else f"'{node.type}'"


def validate(journey: Journey, registry: Registry) -> list[Issue]:
    issues: list[Issue] = []
    specs: dict[str, NodeSpec | None] = {}
    by_id = {n.id: n for n in journey.nodes}
    # Nodes whose config is invalid: their config-dependent ports are unknown, so edges from them
    # are not second-guessed (one mistake should give one error, not a cascade).
    bad_config: set[str] = set()

    def label(node_id: str) -> str:
        return node_label(journey, node_id, registry, by_id)

    # -- nodes ------------------------------------------------------------------------------
    for node in journey.nodes:
        spec = registry.get(node.type)
        specs[node.id] = spec
        if spec is None:
            issues.append(Issue("error", "unknown_node_type",
                                f"Node type '{node.type}' is not installed. The node and its data are "
                                f"kept, but the journey cannot run until the type is available.",
                                node_id=node.id))
            continue
        if node.type_version > spec.version:
            issues.append(Issue("error", "node_version_newer",
                                f"{spec.title} node was made with a newer version (v{node.type_version}) "
                                f"than the one installed (v{spec.version}).", node_id=node.id))
            continue
        if node.type_version < spec.version:
            if spec.migrate is None:
                issues.append(Issue("error", "node_version_old",
                                    f"{spec.title} node is at version {node.type_version} and cannot be "
                                    f"upgraded to version {spec.version}.", node_id=node.id))
            continue
        problems = spec.config_errors(node.config)
        if problems:
            bad_config.add(node.id)
        for field, message in problems:
            where = field_label(spec.config_model, node.config, field)
            issues.append(Issue("error", "config_invalid", f"{where} {message}", node_id=node.id,
                                field=field or None))
        if node.stage is not None:
            lane = by_id.get(node.stage)
            if lane is None or lane.type != "map.stage":
                issues.append(Issue("warning", "stage_missing",
                                    "This node belongs to a stage that no longer exists.", node_id=node.id))

    # -- edges ------------------------------------------------------------------------------
    by_source_port: dict[tuple[str, str], list[str]] = defaultdict(list)
    good_edges = []
    for edge in journey.edges:
        src = by_id.get(edge.source.node)
        dst = by_id.get(edge.target.node)
        if src is None or dst is None:
            missing = "start" if src is None else "end"
            issues.append(Issue("error", "dangling_edge",
                                f"A connection has no node at its {missing} "
                                f"('{edge.source.node if src is None else edge.target.node}').",
                                edge_id=edge.id))
            continue
        src_spec, dst_spec = specs.get(src.id), specs.get(dst.id)
        if src.id == dst.id:
            issues.append(Issue("error", "self_loop", "A node cannot be connected to itself.", edge_id=edge.id,
                                node_id=src.id))
            continue
        ok = True
        if src_spec is not None and not (src.id in bad_config and src_spec.dynamic_outputs is not None):
            names = [p.name for p in src_spec.output_ports(src.config)]
            if edge.source.port not in names:
                issues.append(Issue("error", "port_missing",
                                    f"{label(src.id)} has no output '{edge.source.port}'"
                                    + (f" (it has: {', '.join(names)})." if names else " (it has no outputs)."),
                                    edge_id=edge.id, node_id=src.id))
                ok = False
        if dst_spec is not None:
            names = [p.name for p in dst_spec.input_ports(dst.config)]
            if edge.target.port not in names:
                issues.append(Issue("error", "port_missing",
                                    f"{label(dst.id)} has no input '{edge.target.port}'"
                                    + (f" (it has: {', '.join(names)})." if names else " (it has no inputs)."),
                                    edge_id=edge.id, node_id=dst.id))
                ok = False
        if ok:
            by_source_port[(src.id, edge.source.port)].append(edge.id)
            good_edges.append(edge)
    for (node_id, port), edge_ids in sorted(by_source_port.items()):
        if len(edge_ids) > 1:
            issues.append(Issue("error", "port_fanout",
                                f"Output '{port}' of {label(node_id)} leads to "
                                f"{len(edge_ids)} nodes; a customer can only follow one. Use a split node.",
                                node_id=node_id, edge_id=sorted(edge_ids)[0]))

    # -- flow: entries, reachability, cycles -------------------------------------------------
    executable = [n for n in journey.nodes if (s := specs.get(n.id)) is not None and s.executable]
    entries = [n for n in executable if specs[n.id].is_entry]
    if executable and not entries:
        issues.append(Issue("error", "no_entry",
                            "The journey has no Entry node, so no customer can ever start it."))
    elif not executable:
        issues.append(Issue("info", "nothing_to_run",
                            "The journey is a map only: add an Entry node and steps to make it runnable."))

    succ: dict[str, list[str]] = defaultdict(list)
    for edge in good_edges:
        succ[edge.source.node].append(edge.target.node)
    reached: set[str] = set()
    stack = [n.id for n in entries]
    while stack:
        nid = stack.pop()
        if nid in reached:
            continue
        reached.add(nid)
        stack.extend(succ.get(nid, ()))
    for entry in entries:
        if not succ.get(entry.id):
            issues.append(Issue("error", "entry_unconnected",
                                f"{label(entry.id)} does not lead to any step: connect its output to "
                                f"the first step of the journey.", node_id=entry.id))
    if entries:
        # Report each cut-off part once, at its first node, rather than every step behind a break.
        lost = {n.id for n in executable if n.id not in reached}
        has_lost_pred = {e.target.node for e in good_edges if e.source.node in lost and e.target.node in lost}
        covered: set[str] = set()
        heads = sorted(lost - has_lost_pred) + sorted(lost)  # cycles have no head: take any node
        for head in heads:
            if head in covered:
                continue
            part, stack = set(), [head]
            while stack:
                nid = stack.pop()
                if nid in part or nid not in lost or (nid in covered and nid != head):
                    continue
                part.add(nid)
                stack.extend(succ.get(nid, ()))
            covered |= part
            after = len(part) - 1
            tail = (f", nor can the {after} step{'s' if after != 1 else ''} after it" if after else "")
            issues.append(Issue("error", "unreachable",
                                f"{label(head)} cannot be reached from any Entry node{tail}: connect it "
                                f"or remove it.", node_id=head))
    for cycle in _cycles(journey, succ):
        if not any((s := specs.get(nid)) is not None and s.breaks_cycles for nid in cycle):
            names = ", ".join(label(nid) for nid in cycle[:4])
            issues.append(Issue("error", "cycle_without_wait",
                                f"These nodes form a loop with no Wait or Jump in it: {names}. A customer "
                                f"would loop forever; put a Wait or a Jump with a bound in the loop.",
                                node_id=sorted(cycle)[0]))
    issues += _tracking_plan_issues(journey, label)
    issues += _template_issues(journey, label, bad_config)
    return issues


#: The templates of the message nodes: node type → (config field, its name in messages, HTML).
_TEMPLATES = {"orchestrate.send": (("subject", "subject", False), ("body", "body", False),
                                   ("html_body", "HTML body", True)),
              "orchestrate.notify_staff": (("message", "message", False),)}
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}", re.DOTALL)


@lru_cache(maxsize=2048)
def _checked(text: str, html: bool, as_json: bool) -> tuple:
    """:func:`engine.templating.check`, once per template text (journeys repeat them, and the editor
    validates on every change)."""
    from engine import templating

    return tuple(templating.check(text, html=html, json=as_json))


def _template_issues(journey: Journey, label: Callable[[str], str], bad_config: set[str]) -> list[Issue]:
    """The problems of message templates, found without sending: syntax errors, unknown filters and
    refused constructs are errors (the message could never be written); a name other than
    ``customer`` and ``event`` is a warning; a webhook body that starts as JSON but is not JSON once
    its values are in (a trailing comma) is a warning, since it would be sent inside the envelope."""
    from engine import templating

    issues: list[Issue] = []
    for node in journey.nodes:
        fields = _TEMPLATES.get(node.type)
        if not fields or node.id in bad_config or not isinstance(node.config, dict):
            continue
        webhook = node.config.get("channel_kind") == "webhook"
        for key, what, html in fields:
            text = node.config.get(key)
            if not isinstance(text, str) or "{" not in text:
                continue
            as_json = webhook and key == "body" and templating.writes_json(text)
            problems = _checked(text, html, as_json)
            for problem in problems:
                where = f"line {problem.line}: " if problem.line else ""
                issues.append(Issue(problem.severity, "template_invalid" if problem.severity == "error"
                                    else "template_name", f"{label(node.id)}: its {what}: {where}{problem.message}",
                                    node_id=node.id, field=key))
            if as_json and "{%" not in text and not any(p.severity == "error" for p in problems):
                try:
                    json.loads(_PLACEHOLDER.sub("0", text))
                except ValueError as exc:
                    issues.append(Issue("warning", "webhook_body_not_json",
                                        f"{label(node.id)}: its body starts as JSON but is not JSON ({exc.msg} "
                                        f"at line {exc.lineno}, column {exc.colno}), so it would be sent inside "
                                        "an envelope instead of as written.", node_id=node.id, field=key))
    return issues


#: Where nodes name the event they react to: node type → (path to the event name in the config).
_EVENT_FIELDS = {"orchestrate.entry": ("trigger", "event"), "orchestrate.wait": ("wait", "event"),
                 "orchestrate.goal": ("event",)}


def _tracking_plan_issues(journey: Journey, label: Callable[[str], str]) -> list[Issue]:
    """Warnings for a journey that declares its events (Tracked event nodes): a trigger, wait or
    goal naming an event the journey does not declare (a typo waits forever)."""
    import difflib

    from engine.track.tracking_plan import is_builtin

    issues: list[Issue] = []
    declared: set[str] = set()
    for node in journey.nodes:
        if node.type != "track.event" or not isinstance(node.config, dict):
            continue
        name = node.config.get("event_name")
        if isinstance(name, str) and name.strip():
            declared.add(name.strip())
    if not declared:
        return issues
    for node in journey.nodes:
        path = _EVENT_FIELDS.get(node.type)
        value: Any = node.config
        for part in path or ():
            value = value.get(part) if isinstance(value, dict) else None
        if not isinstance(value, str) or not value.strip() or value.strip() in declared or is_builtin(value.strip()):
            continue
        close = difflib.get_close_matches(value.strip(), sorted(declared), n=1, cutoff=0.75)
        hint = f" Did you mean '{close[0]}'?" if close else " Add a Tracked event node for it, or check its name."
        issues.append(Issue("warning", "event_not_declared",
                            f"{label(node.id)} names the event '{value.strip()}', which this journey's Tracked "
                            f"event nodes do not declare.{hint}", node_id=node.id, field=".".join(path or ())))
    return issues


def field_label(model: Any, data: Any, path: str) -> str:
    """The field at ``path`` of a config as the inspector titles it: ``check.segment_id`` →
    ``Condition › Segment``; list items count from 1. A part the model does not describe (an
    unknown key, a variant that cannot be told) is written from its name."""
    if not path:
        return "Settings"
    parts: list[str] = []
    for part in path.split("."):
        if part.isdigit():
            parts.append(str(int(part) + 1))
            model, data = _item_model(model), data[int(part)] if isinstance(data, list) and int(part) < len(data) \
                else None
            continue
        info = _fields_of(model, data).get(part)
        parts.append(info.title if info is not None and info.title else part.replace("_", " "))
        model = info.annotation if info is not None else None
        data = data.get(part) if isinstance(data, dict) else None
    text = " › ".join(parts)
    return text[:1].upper() + text[1:]


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models an annotation may hold (through ``Optional``, unions, ``Annotated``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _fields_of(annotation: Any, data: Any) -> dict[str, Any]:
    """The fields of the model ``annotation`` holds; of a union's variants, the one ``data`` is
    (its ``kind``), or else the first that has fields."""
    models = _models_in(annotation)
    kind = data.get("kind") if isinstance(data, dict) else None
    for model in models:
        field = model.model_fields.get("kind")
        if kind is not None and field is not None and field.default == kind:
            return model.model_fields
    return models[0].model_fields if models else {}


def _item_model(annotation: Any) -> Any:
    """What a list annotation holds (``list[Rule]`` → ``Rule``)."""
    for arg in typing.get_args(annotation):
        if _models_in(arg) or typing.get_args(arg):
            return arg
    return None


def _cycles(journey: Journey, succ: dict[str, list[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in sorted(n.id for n in journey.nodes):
        if root in index:
            continue
        work = [(root, iter(succ.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(succ.get(nxt, ()))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def check_connection(journey: Journey, registry: Registry, source_node: str, source_port: str,
                     target_node: str, target_port: str) -> None:
    """Raise :class:`IncompatiblePorts` if this edge may not be drawn; the canvas asks before it connects."""
    src, dst = journey.node(source_node), journey.node(target_node)
    if src is None or dst is None:
        raise IncompatiblePorts("one end of the connection does not exist")
    if src.id == dst.id:
        raise IncompatiblePorts("a node cannot be connected to itself")
    src_spec, dst_spec = registry.get(src.type), registry.get(dst.type)
    if src_spec is None or dst_spec is None:
        raise IncompatiblePorts("a node of an unknown type cannot be connected")
    if source_port not in [p.name for p in src_spec.output_ports(src.config)]:
        raise IncompatiblePorts(f"{src_spec.title} has no output '{source_port}'")
    if target_port not in [p.name for p in dst_spec.input_ports(dst.config)]:
        raise IncompatiblePorts(f"{dst_spec.title} has no input '{target_port}'")
    for edge in journey.edges:
        if edge.source.node == source_node and edge.source.port == source_port:
            raise IncompatiblePorts(f"output '{source_port}' is already connected; a customer can only "
                                    f"follow one path from it")
    # Would this edge close a loop without a wait or jump?
    succ: dict[str, list[str]] = defaultdict(list)
    for edge in journey.edges:
        succ[edge.source.node].append(edge.target.node)
    # Path target -> ... -> source closes a cycle; check whether that path can avoid breakers.
    breaker = {n.id for n in journey.nodes if (s := registry.get(n.type)) is not None and s.breaks_cycles}
    if source_node in breaker or target_node in breaker:
        return
    seen, stack = set(), [target_node]
    while stack:
        nid = stack.pop()
        if nid == source_node:
            raise IncompatiblePorts("this connection would make a loop with no Wait or Jump in it")
        if nid in seen or nid in breaker:
            continue
        seen.add(nid)
        stack.extend(succ.get(nid, ()))
