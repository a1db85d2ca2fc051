"""The tracking plan: which events exist and what they carry, checked against what comes in.

``track.event`` nodes declare an event name, its properties (name, type, required) and optionally
the source that sends it. The plan of a workspace (:meth:`TrackingPlan.from_workspace`) gathers
them from every journey that is not archived, from its saved draft *and* its latest published
version: the draft is the plan being designed (a journey that only documents events is never
published), the published version is what runs now.

How declarations combine (:class:`EventSpec`):

- One node's draft and published version are one :class:`Declaration`, folded leniently so that a
  half-finished edit never floods the Tracking panel: a property is required only when both
  require it.
- A declaration's ``source`` (the node's "from <source>") names a ``track.source`` node by its
  name, a collector write key by its name, or a stored source as written (``segment``,
  ``sensors``, ``sensors:<project>``, ``csv:<file name>``), ignoring capitals (:class:`Scope`).
  It applies only to events stored from there (``events.source``, ``events.write_key``); one
  without a source applies to every event. A source that names nothing known applies to every
  event too, and is reported (see below). An event declared only for some sources is not checked
  when it comes from another (and is not unknown either); a caller that does not say where an
  event comes from has it checked against the declarations for any source only.
- The declarations that apply to an event combine: a property is *required* when every one of
  them that lists it requires it (one that leaves it out says nothing about it: plan A requiring
  ``order_id`` and a Website plan not listing it still require it from the website), and a value
  has the right type when it has the type of any of them.
- Where declarations that apply to the same events disagree (different types, or required in one
  and optional in another), the plan keeps the lenient reading and reports a :class:`Conflict`:
  ``journey-studio tracking plan`` lists them and :func:`conflict_issues` gives the Problems
  panel a warning per node.

Types: ``string`` is text, ``number`` a JSON number (not a boolean, not numeric text),
``boolean`` true/false, ``datetime`` an ISO 8601 date or date-time text, ``list`` a JSON array
(``items: [{"sku": "a", "qty": 2}]``; what it holds is not checked), ``object`` a JSON object
(``shipping: {"city": "Leeds"}``; a dotted name such as ``shipping.city`` declares and checks one
value inside it). A property holding ``null`` counts as missing. Properties the plan does not list
are allowed. A workspace without any ``track.event`` node has no plan and reports nothing (rather
than calling every event unknown). Event names match exactly.

Built-in events are never reported as unknown, only checked when a ``track.event`` node declares
them: those the Sensors SDKs send themselves (every name starting with ``$``: ``$SignUp``,
``$AppStart``, ``$pageview``) and those the collector names after Segment's ``page``, ``screen``
and ``group`` calls (:data:`BUILTIN_EVENTS`: "Page Viewed", "Screen Viewed", "Group").

Violations are counted per (event, kind, property) in ``tracking_violations`` with the first and
last time seen and the latest offending event, by one upsert per batch (:func:`check_and_record`,
:class:`ViolationTally`), which the collector and the CSV import call with each batch they store.
The example shown is that stored event's properties (``example_event_id``, a foreign key that
becomes NULL when the event is deleted), never a copy: deleting a customer (``profiles delete``)
deletes the examples of their events with them, and a merge, which moves events to the kept
profile, keeps them there. Events stored before a declaration existed were not checked against
it: :func:`check_stored` checks every stored event against the current plan and replaces the
counts with what it found, and :func:`plan_check_state` says whether stored events were checked
against a plan other than the current one (or none), from what :func:`check_stored` and
:func:`note_arrivals` (the collector and the imports, once per plan) noted in the workspace.

Counts per source come from ``events.source`` and ``events.write_key``: :func:`source_counts` per
stored source, :func:`source_stats` with the last 24 hours and the latest arrival too, and within
each source the same per name of the collector write key the events came with
(:attr:`SourceStats.write_keys`; :func:`stored_sources` lists them flat). A ``track.source`` node
stands for what its :func:`source_key` covers: the stored sources (``segment``, every
``sensors:<project>``, ``csv:<file name>``) and, for a collector node whose ``write_key_ref`` names
one of the workspace's write keys, only the events that came with that key (an empty reference:
every event of the protocol, whichever key it came with or none). So a website and an app sending
through one protocol with keys of their own count apart. :func:`node_source_counts` gives a
journey's source nodes their live counts and :func:`declared_sources` names the nodes that declare
a source.
"""

from __future__ import annotations

import bisect
import builtins
import json
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, case, delete, func, select, update
from sqlalchemy import event as sqlalchemy_event

from engine.errors import JourneyStudioError
from engine.runtime.clock import parse_iso
from engine.runtime.triggers import lookup
from engine.store.models import (
    DraftRow,
    EventRow,
    JourneyRow,
    MetaRow,
    TrackingViolationRow,
    VersionRow,
    utcnow,
)
from engine.track.property_order import CUT_MARKER, display_order
from engine.track.segment_protocol import EVENT_NAMES as SEGMENT_EVENT_NAMES
from engine.track.segment_protocol import SOURCE as SEGMENT_SOURCE
from engine.track.sensors_protocol import SOURCE_PREFIX as SENSORS_PREFIX

if TYPE_CHECKING:
    from engine.document import Journey
    from engine.store.workspace import Workspace
    from engine.validate import Issue

EVENT_NODE = "track.event"
PROPERTY_TYPES = ("string", "number", "boolean", "datetime", "list", "object")
#: Events the collector names after Segment's ``page``, ``screen`` and ``group`` calls: like the
#: Sensors SDKs' own ``$`` events, not unknown when the plan leaves them out (see :func:`is_builtin`).
BUILTIN_EVENTS = frozenset(SEGMENT_EVENT_NAMES.values())
UNKNOWN_EVENT = "unknown_event"
MISSING_PROPERTY = "missing_property"
MISTYPED_PROPERTY = "mistyped_property"
VIOLATION_KINDS = (UNKNOWN_EVENT, MISSING_PROPERTY, MISTYPED_PROPERTY)
#: Longest JSON text of a stored example; a larger event's properties are cut down to fit.
EXAMPLE_MAX = 4000
#: Longest text value kept in a cut-down example.
EXAMPLE_TEXT_MAX = 200
#: Column limits of ``tracking_violations``.
NAME_MAX = 200

_violations = TrackingViolationRow.__table__
_events = EventRow.__table__
_meta = MetaRow.__table__
#: Where the collector's write keys are kept (:data:`engine.track.collector_keys.META_KEY`): a
#: declaration's source may name one, so the plan is read again when they change.
_WRITE_KEYS_META = "collector.write_keys"


# ---------------------------------------------------------------------------------------------
# Journeys of a workspace
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where something is declared: a node of a journey's draft or of a published version."""

    journey_id: str
    journey_name: str
    node_id: str
    #: ``"draft"`` or ``"version N"``.
    where: str


def journey_documents(ws: Workspace) -> Iterator[tuple[str, str, str, Journey]]:
    """``(journey id, journey name, "draft" | "version N", document)`` for the saved draft and the
    latest published version of every journey that is not archived. A document that cannot be
    read is skipped (the editor reports it)."""
    for info in ws.list_journeys(include_archived=False):
        try:
            yield info.id, info.name, "draft", ws.load_draft(info.id)
        except JourneyStudioError:
            pass
        if info.latest_version is not None:
            try:
                version = ws.load_version(info.id, info.latest_version)
                yield info.id, info.name, f"version {info.latest_version}", version
            except JourneyStudioError:
                pass


def segment_references(ws: Workspace, segment_id: str) -> list[Place]:
    """Nodes whose configuration names ``segment_id`` (entry triggers, condition checks...), to warn
    before a segment is deleted."""
    found: dict[tuple[str, str], Place] = {}
    for journey_id, name, where, journey in journey_documents(ws):
        for node in journey.nodes:
            if _names_segment(node.config, segment_id) and (journey_id, node.id) not in found:
                found[(journey_id, node.id)] = Place(journey_id, name, node.id, where)
    return list(found.values())


def _names_segment(value: Any, segment_id: str) -> bool:
    if isinstance(value, Mapping):
        return any((key == "segment_id" and item == segment_id) or _names_segment(item, segment_id)
                   for key, item in value.items())
    if isinstance(value, list):
        return any(_names_segment(item, segment_id) for item in value)
    return False


# ---------------------------------------------------------------------------------------------
# The plan
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PropertySpec:
    """A property of a planned event, combined over the declarations that apply."""

    name: str
    types: frozenset[str]
    required: bool
    description: str = ""


@dataclass(frozen=True)
class Scope:
    """The events a declaration's source names (``from Website``): those a ``track.source`` node of
    that name stands for (its :class:`SourceKey`), those sent with a collector write key of that
    name, or a stored source written as such (``segment``, ``sensors``, ``sensors:<project>``,
    ``csv:<file name>``). Names compare ignoring capitals and surrounding blanks."""

    #: The source as the declaration writes it.
    label: str
    keys: tuple[SourceKey, ...] = ()
    write_keys: tuple[str, ...] = ()

    def covers(self, source: str, write_key: str | None) -> bool:
        """Whether an event stored as ``source`` with the write key name ``write_key`` comes from it."""
        return (write_key is not None and write_key in self.write_keys) or any(
            key.covers_stored(source, write_key) for key in self.keys)

    def overlaps(self, other: Scope) -> bool:
        """Whether some event could come from both (then both declarations apply to it)."""
        if set(self.write_keys) & set(other.write_keys):
            return True
        for a in self.keys:
            if any(_keys_overlap(a, b) for b in other.keys):
                return True
            if any(not a.write_key or a.write_key == name for name in other.write_keys):
                return True
        return any(not b.write_key or b.write_key == name for b in other.keys for name in self.write_keys)

    def describe(self) -> str:
        """What it covers, in words: ``segment (write key 'web')``."""
        parts = [str(key) for key in self.keys] + [f"write key '{name}'" for name in self.write_keys]
        return ", ".join(dict.fromkeys(parts))


def _keys_overlap(a: SourceKey, b: SourceKey) -> bool:
    if a.prefix and b.prefix:
        same = a.value.startswith(b.value) or b.value.startswith(a.value)
    elif a.prefix:
        same = b.value.startswith(a.value)
    elif b.prefix:
        same = a.value.startswith(b.value)
    else:
        same = a.value == b.value
    return same and (not a.write_key or not b.write_key or a.write_key == b.write_key)


@dataclass(frozen=True)
class Declaration:
    """One ``track.event`` node's declaration of an event: its draft and its latest published
    version folded into one (leniently, as a half-finished edit should never flood the Tracking
    panel: a property is required only when every document of the node requires it)."""

    name: str
    description: str
    #: The source as written ("" for any source) and what it resolved to (``None``: any source,
    #: which is also the case of a source that names nothing known; see :attr:`unresolved`).
    source: str
    scope: Scope | None
    #: property name -> spec
    properties: Mapping[str, PropertySpec]
    #: The documents of the node (its draft and its latest version, as far as they declare it).
    places: tuple[Place, ...]

    @builtins.property
    def unresolved(self) -> bool:
        """A source is written but names no data source, write key or stored source."""
        return bool(self.source) and self.scope is None

    @builtins.property
    def label(self) -> str:
        """``'Website plan' (from Website)``: where it is declared, for messages."""
        journey = f"'{self.places[0].journey_name}'"
        return f"{journey} (from {self.source})" if self.source else journey


@dataclass(frozen=True)
class Conflict:
    """Declarations of one event that disagree about a property where both apply (``kind``:
    ``types`` or ``required``), or a declaration whose source names nothing (``kind``: ``source``,
    ``property`` empty)."""

    event_name: str
    kind: str
    property: str
    message: str
    declarations: tuple[Declaration, ...]


@dataclass(frozen=True)
class ScopedSpec:
    """What an event from one declared source is checked against: the declarations for any
    source and those for that source, combined (see :class:`EventSpec`)."""

    label: str
    scope: Scope
    properties: Mapping[str, PropertySpec]
    declarations: tuple[Declaration, ...]


@dataclass(frozen=True)
class EventSpec:
    """A planned event, over its declarations.

    :attr:`properties` is what an event from a source no declaration names is checked against
    (the declarations for any source, combined; empty when every declaration names a source);
    :attr:`scoped` what events from each declared source are checked against. Combined, a
    property is required when every declaration that lists it requires it (one that does not list
    it says nothing about it), and a value may have the type of any of them.
    """

    name: str
    properties: Mapping[str, PropertySpec]
    description: str
    #: Sources the declarations name (empty: any).
    sources: tuple[str, ...]
    declared_in: tuple[Place, ...]
    scoped: tuple[ScopedSpec, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    declarations: tuple[Declaration, ...] = ()

    @builtins.property
    def any_source(self) -> bool:
        """Some declaration applies to events from every source."""
        return any(d.scope is None for d in self.declarations) or not self.declarations


@dataclass(frozen=True)
class Violation:
    """One way an event breaks the plan."""

    event_name: str
    kind: str
    property: str = ""
    #: For a mistyped property: the declared types and the type found.
    expected: str = ""
    found: str = ""

    @builtins.property  # (the field above hides the builtin in this class body)
    def message(self) -> str:
        if self.kind == UNKNOWN_EVENT:
            return f"event '{self.event_name}' is not in the tracking plan"
        if self.kind == MISSING_PROPERTY:
            return f"event '{self.event_name}' lacks the required property '{self.property}'"
        return (f"property '{self.property}' of event '{self.event_name}' should be {self.expected}, "
                f"not {self.found}")


@dataclass
class _Declaration:
    name: str
    description: str
    source: str
    place: Place
    #: property name -> (type, required, description)
    properties: dict[str, tuple[str, bool, str]] = field(default_factory=dict)


#: The most (event, source, write key) combinations a plan remembers what applies to.
_SCOPED_CACHE = 10_000


class TrackingPlan:
    """The events the workspace's ``track.event`` nodes declare; :meth:`check` tests one event."""

    def __init__(self, events: Mapping[str, EventSpec]):
        self.events: Mapping[str, EventSpec] = dict(events)
        #: (event, source, write key) → the properties an event from there is checked against.
        self._scoped: dict[tuple[str, str | None, str | None], Mapping[str, PropertySpec]] = {}
        self.fingerprint = _fingerprint(self.events)
        #: Whether the collector or an import noted that events arriving are checked against this
        #: plan (see :func:`note_arrivals`).
        self.arrivals_noted = False

    def __bool__(self) -> bool:
        return bool(self.events)

    def __repr__(self) -> str:
        return f"TrackingPlan({sorted(self.events)})"

    @classmethod
    def from_workspace(cls, ws: Workspace) -> TrackingPlan:
        """The plan of every non-archived journey's draft and latest published version."""
        from engine.track import collector_keys

        try:
            keys = [k.name for k in collector_keys.list_keys(ws)]
        except JourneyStudioError:
            keys = []
        return cls.from_journeys(journey_documents(ws), write_keys=keys)

    @classmethod
    def from_journeys(cls, documents: Iterable[tuple[str, str, str, Journey]],
                      write_keys: Iterable[str] = ()) -> TrackingPlan:
        """The plan of ``(journey id, journey name, where, document)`` entries (see
        :func:`journey_documents`); ``write_keys``: the names of the collector's write keys, which
        a declaration's source may name."""
        documents = list(documents)
        declarations: dict[str, dict[tuple[str, str], list[_Declaration]]] = {}
        sources: dict[str, list[SourceKey]] = {}
        for journey_id, journey_name, where, journey in documents:
            for declared in sources_in(journey_id, journey_name, where, journey):
                sources.setdefault(_name_key(declared.name), []).append(declared.key)
            for node in journey.nodes:
                if node.type != EVENT_NODE:
                    continue
                declaration = _declaration(node.config, Place(journey_id, journey_name, node.id, where))
                if declaration is not None:
                    by_node = declarations.setdefault(declaration.name, {})
                    by_node.setdefault((journey_id, node.id), []).append(declaration)
        keys = {_name_key(name): name.strip() for name in write_keys if name.strip()}
        resolved: dict[str, Scope | None] = {}

        def scope_of(source: str) -> Scope | None:
            if source not in resolved:
                resolved[source] = _resolve_source(source, sources, keys)
            return resolved[source]

        return cls({name: _event_spec(name, [_fold_node(docs, scope_of) for docs in by_node.values()])
                    for name, by_node in declarations.items()})

    def check(self, event_name: str, properties: Mapping[str, Any] | None, source: str | None = None,
              write_key: str | None = None) -> list[Violation]:
        """How one event breaks the plan (nothing when the plan is empty). ``source`` and
        ``write_key``: where it was stored from (``events.source``, ``events.write_key``); a
        declaration naming a source applies only to events known to come from it."""
        if not self.events:
            return []
        spec = self.events.get(event_name)
        if spec is None:
            # SDKs send their own events (Sensors' $SignUp, $AppStart, $pageview; Segment's page,
            # screen and group calls): a plan declares them only to check their properties.
            return [] if is_builtin(event_name) else [Violation(event_name, UNKNOWN_EVENT)]
        declared = spec.properties if not spec.scoped or source is None else \
            self.properties_for(spec, source, write_key)
        props = properties or {}
        found: list[Violation] = []
        for prop in declared.values():
            value = lookup(props, prop.name)
            if value is None:
                if prop.required:
                    found.append(Violation(event_name, MISSING_PROPERTY, prop.name))
                continue
            if not any(_has_type(value, t) for t in prop.types):
                found.append(Violation(event_name, MISTYPED_PROPERTY, prop.name,
                                       expected=" or ".join(sorted(prop.types)), found=_type_of(value)))
        return found

    def properties_for(self, spec: EventSpec, source: str, write_key: str | None) -> Mapping[str, PropertySpec]:
        """What an event of ``spec`` stored as ``source`` with ``write_key`` is checked against."""
        cache_key = (spec.name, source, write_key)
        found = self._scoped.get(cache_key)
        if found is None:
            applying = [d for d in spec.declarations if d.scope is None or d.scope.covers(source, write_key)]
            found = _combine(applying)
            if len(self._scoped) >= _SCOPED_CACHE:
                self._scoped.clear()
            self._scoped[cache_key] = found
        return found

    @builtins.property
    def conflicts(self) -> list[Conflict]:
        """Every conflict of every event, by event name."""
        return [c for name in sorted(self.events) for c in self.events[name].conflicts]

    def expected(self, event_name: str, property_name: str) -> str:
        """The types the plan declares for a property, in words: ``number``, or where declarations
        for some sources say otherwise, ``number (from Website: number or string)``."""
        spec = self.events.get(event_name)
        if spec is None:
            return ""
        shown: list[str] = []
        base = spec.properties.get(property_name)
        if base is not None:
            shown.append(" or ".join(sorted(base.types)))
        for scoped in spec.scoped:
            prop = scoped.properties.get(property_name)
            if prop is not None and (base is None or prop.types != base.types):
                shown.append(f"from {scoped.label}: {' or '.join(sorted(prop.types))}")
        if not shown:
            return ""
        return shown[0] + (f" ({'; '.join(shown[1:])})" if len(shown) > 1 else "") if base is not None else \
            "; ".join(shown)


def conflict_issues(journey: Journey, plan: TrackingPlan) -> list[Issue]:
    """Warnings for the Problems panel: each ``track.event`` node of ``journey`` whose declaration
    conflicts with another declaration of its event (in this journey or another one), or names a
    source that names nothing, with the sentence ``journey-studio tracking plan`` says."""
    from engine.validate import Issue

    mine = {node.id for node in journey.nodes if node.type == EVENT_NODE}
    issues: list[Issue] = []
    for conflict in plan.conflicts:
        for declaration in conflict.declarations:
            place = declaration.places[0]
            if place.journey_id == journey.id and place.node_id in mine:
                field = "source" if conflict.kind == "source" else "properties"
                issues.append(Issue("warning", f"tracking_plan_{conflict.kind}", conflict.message,
                                    node_id=place.node_id, field=field))
    return issues


def is_builtin(event_name: str) -> bool:
    """Whether an event is one an SDK sends by itself, never reported as unknown: a Sensors ``$``
    event, or one of Segment's ``page``, ``screen`` and ``group`` calls (:data:`BUILTIN_EVENTS`)."""
    return event_name.startswith("$") or event_name in BUILTIN_EVENTS


def _name_key(name: str) -> str:
    return name.strip().casefold()


def _resolve_source(source: str, sources: Mapping[str, list[SourceKey]], write_keys: Mapping[str, str]) -> Scope | None:
    """What a declaration's source names (see :class:`Scope`); ``None`` for no source, or one that
    names nothing known."""
    if not source:
        return None
    wanted = _name_key(source)
    keys = list(dict.fromkeys(sources.get(wanted, ())))
    literal = source.strip()
    if literal == SEGMENT_SOURCE:
        keys.append(SourceKey(SEGMENT_SOURCE))
    elif literal == SENSORS_PREFIX.rstrip(":"):
        keys.append(SourceKey(SENSORS_PREFIX, prefix=True))
    elif literal.startswith((SENSORS_PREFIX, CSV_PREFIX)) and len(literal) > len(CSV_PREFIX):
        keys.append(SourceKey(literal))
    names = (write_keys[wanted],) if wanted in write_keys else ()
    if not keys and not names:
        return None
    return Scope(source, tuple(keys), names)


def _declaration(config: Any, place: Place) -> _Declaration | None:
    """A declaration from a ``track.event`` node's config, read leniently: a draft may hold a config
    the inspector has not accepted yet; what cannot be read is left out."""
    if not isinstance(config, Mapping):
        return None
    name = config.get("event_name")
    if not isinstance(name, str) or not name.strip():
        return None
    description = config.get("description") if isinstance(config.get("description"), str) else ""
    source = config.get("source") if isinstance(config.get("source"), str) else ""
    declaration = _Declaration(name.strip(), description, source.strip(), place)
    props = config.get("properties")
    for item in props if isinstance(props, list) else ():
        if not isinstance(item, Mapping):
            continue
        prop_name, prop_type = item.get("name"), item.get("type", "string")
        if not isinstance(prop_name, str) or not prop_name.strip() or prop_type not in PROPERTY_TYPES:
            continue
        text = item.get("description") if isinstance(item.get("description"), str) else ""
        declaration.properties.setdefault(prop_name.strip(), (prop_type, item.get("required") is True, text))
    return declaration


def _fold_node(documents: Sequence[_Declaration], scope_of: Callable[[str], Scope | None]) -> Declaration:
    """One node's declaration over its draft and latest version (the draft first: its source wins)."""
    names: dict[str, None] = {}
    for d in documents:
        names.update(dict.fromkeys(d.properties))
    properties = {}
    for prop in names:
        listed = [d.properties[prop] for d in documents if prop in d.properties]
        required = len(listed) == len(documents) and all(req for _, req, _ in listed)
        description = next((text for _, _, text in listed if text), "")
        properties[prop] = PropertySpec(prop, frozenset(t for t, _, _ in listed), required, description)
    first = documents[0]
    return Declaration(first.name, next((d.description for d in documents if d.description), ""), first.source,
                       scope_of(first.source), properties, tuple(d.place for d in documents))


def _combine(declarations: Sequence[Declaration]) -> dict[str, PropertySpec]:
    """The properties of several declarations that apply to the same events: required when every
    declaration listing the property requires it, of any type one of them gives."""
    names: dict[str, None] = {}
    for d in declarations:
        names.update(dict.fromkeys(d.properties))
    combined = {}
    for prop in names:
        listed = [d.properties[prop] for d in declarations if prop in d.properties]
        combined[prop] = PropertySpec(prop, frozenset().union(*(p.types for p in listed)),
                                      all(p.required for p in listed), next((p.description for p in listed
                                                                              if p.description), ""))
    return combined


def _applies_together(a: Declaration, b: Declaration) -> bool:
    return a.scope is None or b.scope is None or a.scope.overlaps(b.scope)


def _event_spec(name: str, declarations: list[Declaration]) -> EventSpec:
    anywhere = [d for d in declarations if d.scope is None]
    by_label: dict[str, list[Declaration]] = {}
    for d in declarations:
        if d.scope is not None:
            by_label.setdefault(_name_key(d.scope.label), []).append(d)
    scoped = tuple(ScopedSpec(decls[0].source, decls[0].scope, _combine(anywhere + decls), tuple(decls))  # type: ignore[arg-type]
                   for _key, decls in sorted(by_label.items()))
    places: dict[tuple[str, str], Place] = {}
    for d in declarations:
        for place in d.places:
            places.setdefault((place.journey_id, place.node_id), place)
    return EventSpec(name, _combine(anywhere), next((d.description for d in declarations if d.description), ""),
                     tuple(sorted({d.source for d in declarations if d.source})), tuple(places.values()),
                     scoped, _conflicts(name, declarations), tuple(declarations))


def _conflicts(name: str, declarations: Sequence[Declaration]) -> tuple[Conflict, ...]:
    """Where declarations of ``name`` that apply to the same events disagree about a property, and
    declarations whose source names nothing known."""
    found: list[Conflict] = []
    for d in declarations:
        if d.unresolved:
            found.append(Conflict(name, "source", "", (
                f"{name}: {d.label} names the source '{d.source}', but no Data source node, collector write "
                "key or stored source has that name, so it is checked against events from every source"), (d,)))
    props: dict[str, None] = {}
    for d in declarations:
        props.update(dict.fromkeys(d.properties))
    for prop in props:
        listing = [d for d in declarations if prop in d.properties]
        for kind in ("types", "required"):
            involved: dict[int, Declaration] = {}
            for i, a in enumerate(listing):
                for b in listing[i + 1:]:
                    pa, pb = a.properties[prop], b.properties[prop]
                    differ = pa.types != pb.types if kind == "types" else pa.required != pb.required
                    if differ and _applies_together(a, b):
                        involved.setdefault(id(a), a)
                        involved.setdefault(id(b), b)
            if not involved:
                continue
            decls = tuple(sorted(involved.values(), key=lambda d: (d.label.casefold(), d.label)))
            if kind == "types":
                said = "; ".join(f"{' or '.join(sorted(d.properties[prop].types))} in {d.label}" for d in decls)
                message = (f"{name}.{prop} is declared with different types ({said}): where these declarations "
                           "apply together, a value of any of them is accepted")
            else:
                said = "; ".join(f"{'required' if d.properties[prop].required else 'optional'} in {d.label}"
                                 for d in decls)
                message = (f"{name}.{prop} is required by one declaration and optional in another ({said}): "
                           "where these declarations apply together, it is not required")
            found.append(Conflict(name, kind, prop, message, decls))
    return tuple(found)


def _fingerprint(events: Mapping[str, EventSpec]) -> str:
    """What the plan checks, as a digest: two plans with the same fingerprint check every event alike."""
    import hashlib

    def props(mapping: Mapping[str, PropertySpec]) -> list[Any]:
        return [[p.name, sorted(p.types), p.required] for p in sorted(mapping.values(), key=lambda p: p.name)]

    data = [[name, [[d.source, d.scope.describe() if d.scope is not None else None, props(d.properties)]
                    for d in sorted(spec.declarations, key=lambda d: (d.source, json.dumps(props(d.properties))))]]
            for name, spec in sorted(events.items())]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _has_type(value: Any, kind: str) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "list":
        return isinstance(value, list | tuple)
    if kind == "object":
        return isinstance(value, Mapping)
    if kind == "datetime":
        return isinstance(value, str) and parse_iso(value) is not None
    return False


def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


# The plan of an open workspace, rebuilt when a journey, draft or version changes.
_plans: weakref.WeakKeyDictionary[Any, tuple[tuple[Any, ...], TrackingPlan]] = weakref.WeakKeyDictionary()


def current_plan(ws: Workspace) -> TrackingPlan:
    """The workspace's plan, cached while no journey, draft or published version changes, nor the
    collector's write keys a declaration's source may name (small queries decide)."""
    with ws._session() as s:
        conn = s.connection()
        journeys = conn.execute(select(func.count(), func.max(JourneyRow.updated_at))).one()
        drafts = conn.execute(select(func.count(), func.max(DraftRow.updated_at))).one()
        versions = conn.execute(select(func.count(), func.max(VersionRow.published_at))).one()
        keys = conn.scalar(select(_meta.c.value).where(_meta.c.key == _WRITE_KEYS_META))
    stamp = (*journeys, *drafts, *versions, keys)
    cached = _plans.get(ws)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    plan = TrackingPlan.from_workspace(ws)
    _plans[ws] = (stamp, plan)
    return plan


# ---------------------------------------------------------------------------------------------
# Recording violations
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ViolationRecord:
    """A row of the Tracking panel."""

    event_name: str
    kind: str
    property: str
    count: int
    #: The properties of the latest offending event (empty when that event was deleted since).
    example: dict[str, Any]
    first_seen: datetime
    last_seen: datetime
    #: For a mistyped property: the types the plan declares for it now, joined by " or " ("" when
    #: the plan no longer declares it); see :meth:`TrackingPlan.expected`.
    expected: str = ""


class ViolationTally:
    """The violations of a batch of events, per (event, kind, property): how many, and the latest
    offending event, named by a reference the caller maps to its stored id (:meth:`write`).

    ``locate``: the caller names no stored events (``None`` references); the latest offender of
    each violation is then looked for among the stored events (see :func:`_locate`), so that its
    example too goes with its customer."""

    __slots__ = ("plan", "entries", "total", "count", "_names")

    def __init__(self, plan: TrackingPlan, *, locate: bool = False):
        self.plan = plan
        #: key → [count, properties, reference, first seen, last seen, position in the batch]
        self.entries: dict[tuple[str, str, str], list[Any]] = {}
        self.total = 0
        self.count = 0
        self._names: dict[str, list[int]] | None = {} if locate else None

    def add(self, name: str, properties: Mapping[str, Any] | None, ref: Any = None, source: str | None = None,
            write_key: str | None = None, when: datetime | None = None) -> None:
        """Check one event (stored as ``source`` with ``write_key``, if known) and count how it
        breaks the plan; ``when``: when it was received, if not now."""
        position = self.count
        self.count += 1
        if self._names is not None:
            self._names.setdefault(name, []).append(position)
        for violation in self.plan.check(name, properties, source, write_key):
            self.total += 1
            key = (violation.event_name, violation.kind, violation.property)
            entry = self.entries.get(key)
            if entry is None:
                self.entries[key] = [1, properties, ref, when, when, position]
            else:
                entry[0] += 1
                entry[1], entry[2], entry[5] = properties, ref, position
                if when is not None:
                    entry[3] = when if entry[3] is None else min(entry[3], when)
                    entry[4] = when if entry[4] is None else max(entry[4], when)

    def write(self, conn: Connection, now: datetime, event_id: Callable[[Any], int | None] | None = None) -> None:
        """Add the counts to ``tracking_violations`` on ``conn`` (the caller's transaction).
        ``event_id(reference)``: the stored id of the event a reference names (default: the
        reference is the id)."""
        if self.entries:
            _write(conn, self.rows(conn, now, event_id))

    def rows(self, conn: Connection, now: datetime,
             event_id: Callable[[Any], int | None] | None = None) -> list[dict[str, Any]]:
        """Rows of ``tracking_violations`` (see :func:`_rows`)."""
        tally: dict[tuple[str, str, str], tuple[Any, ...]] = {}
        for key, (n, properties, ref, first, last, position) in self.entries.items():
            found = (event_id(ref) if event_id is not None else ref) if ref is not None else None
            if found is None and self._names is not None:
                positions = self._names[key[0]]
                later = len(positions) - bisect.bisect_right(positions, position)
                found = _locate(conn, key[0], properties, later)
            tally[key] = (n, properties, found, first or now, last or now)
        return _rows(tally)


def _locate(conn: Connection, name: str, properties: Mapping[str, Any] | None, later: int) -> int | None:
    """The id of the stored event ``properties`` were read from, for a caller that stored a batch
    and names no ids (an import): the event of that name ``later`` places before the newest, if it
    holds those properties. ``None`` when it does not (the caller did not store it)."""
    row = conn.execute(select(_events.c.id, _events.c.properties).where(_events.c.name == name)
                       .order_by(_events.c.id.desc()).offset(later).limit(1)).first()
    return row.id if row is not None and (row.properties or {}) == (properties or {}) else None


def check_and_record(ws: Workspace, events: Iterable[Sequence[Any]], now: datetime | None = None, *,
                     plan: TrackingPlan | None = None, conn: Connection | None = None,
                     source: str | None = None, write_key: str | None = None) -> int:
    """Check a batch of events against the plan and add the violations to the counts; returns how
    many violations the batch had.

    Each event is ``(name, properties)``, ``(name, properties, event id)`` or ``(name, properties,
    event id, source, write key)``: where it was stored from decides which declarations apply to
    it (a declaration naming a source applies only to events known to come from it), and its id
    makes it the example of its violations (shown from the stored event, so it goes when the event
    goes). ``source`` and ``write_key`` are those of every event that does not name its own.
    Without ids, the latest offender of each violation is looked for among the newest stored events
    of its name (an import that stored the batch first); an event that is not stored leaves a copy
    of its properties as the example.

    ``plan`` defaults to :func:`current_plan`. ``conn`` writes inside the caller's transaction
    (a caller that stores the events under the workspace's write lock passes its connection, so
    the events and their counts commit together); without it the counts are written in their own
    transaction.
    """
    plan = plan if plan is not None else current_plan(ws)
    if not plan:
        return 0
    items = [tuple(item) for item in events]
    tally = ViolationTally(plan, locate=any(len(item) < 3 or item[2] is None for item in items))
    ids: list[int] = []
    for item in items:
        name, properties = item[0], item[1]
        ref = item[2] if len(item) > 2 else None
        if ref is not None:
            ids.append(ref)
        if len(item) > 3:
            tally.add(name, properties, ref, item[3], item[4] if len(item) > 4 else None)
        else:
            tally.add(name, properties, ref, source, write_key)
    now = now or utcnow()

    def write(c: Connection) -> None:
        tally.write(c, now)
        note_arrivals(c, plan, min(ids) if ids else None, len(items))

    if conn is not None:
        write(conn)
    else:
        with ws._session(write=True) as s:
            write(s.connection())
    return tally.total


def record(ws: Workspace, violations: Iterable[Violation], example: Mapping[str, Any] | None,
           now: datetime | None = None, *, conn: Connection | None = None) -> None:
    """Count violations of one event (already checked), ``example`` being its properties (kept as
    a copy: prefer :func:`check_and_record` with the stored event's id)."""
    tally: dict[tuple[str, str, str], tuple[Any, ...]] = {}
    when = now or utcnow()
    for violation in violations:
        if violation.kind not in VIOLATION_KINDS:
            raise ValueError(f"unknown violation kind '{violation.kind}'")
        key = (violation.event_name, violation.kind, violation.property)
        n = tally[key][0] + 1 if key in tally else 1
        tally[key] = (n, example, None, when, when)
    if not tally:
        return
    if conn is not None:
        _write(conn, _rows(tally))
        return
    with ws._session(write=True) as s:
        _write(s.connection(), _rows(tally))


def _rows(tally: Mapping[tuple[str, str, str], Sequence[Any]]) -> list[dict[str, Any]]:
    """Rows of ``tracking_violations`` from ``(event, kind, property) → (count, latest example's
    properties, its stored event id or None, first seen, last seen)``: an example with an id is
    shown from its event and not copied. Names cut to the column's length may collide; those are
    added up (the later example kept) rather than written twice."""
    merged: dict[tuple[str, str, str], dict[str, Any]] = {}
    for (name, kind, prop), (n, example, event_id, first, last) in tally.items():
        key = (name[:NAME_MAX], kind, prop[:NAME_MAX])
        copied = {} if event_id is not None else bounded_example(example, first=(prop,))
        row = merged.get(key)
        if row is None:
            merged[key] = {"event_name": key[0], "kind": kind, "property": key[2], "count": n,
                           "example": copied, "example_event_id": event_id, "first_seen": first,
                           "last_seen": last}
        else:
            row["count"] += n
            row["example"], row["example_event_id"] = copied, event_id
            row["first_seen"], row["last_seen"] = min(row["first_seen"], first), max(row["last_seen"], last)
    return list(merged.values())


def _write(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(_violations)
    statement = statement.on_conflict_do_update(
        index_elements=[_violations.c.event_name, _violations.c.kind, _violations.c.property],
        set_={"count": _violations.c.count + statement.excluded.count, "example": statement.excluded.example,
              "example_event_id": statement.excluded.example_event_id,
              "last_seen": statement.excluded.last_seen})
    conn.execute(statement, rows)


def bounded_example(properties: Mapping[str, Any] | None, first: Sequence[str] = ()) -> dict[str, Any]:
    """``properties`` as an example to store, in the order they are shown
    (:func:`~engine.track.property_order.display_order`: the properties named in ``first``, the
    one a violation is about, then the event's own, then ``$`` metadata): as is when small, else
    with long text cut, nested values summarised and keys dropped from the end (metadata first)
    until it fits :data:`EXAMPLE_MAX`."""
    props = display_order(properties, first)
    try:
        if len(json.dumps(props, ensure_ascii=False)) <= EXAMPLE_MAX:
            return props
    except (TypeError, ValueError):
        pass
    cut: dict[str, Any] = {}
    size = 2
    for key, value in props.items():
        if isinstance(value, str) and len(value) > EXAMPLE_TEXT_MAX:
            value = value[:EXAMPLE_TEXT_MAX] + "…"
        elif isinstance(value, list):
            value = f"[{len(value)} items]"
        elif isinstance(value, Mapping):
            value = f"{{{len(value)} keys}}"
        elif not (value is None or isinstance(value, bool | int | float | str)):
            value = str(value)[:EXAMPLE_TEXT_MAX]
        entry = len(json.dumps({str(key)[:EXAMPLE_TEXT_MAX]: value}, ensure_ascii=False))
        if size + entry > EXAMPLE_MAX - 40:
            cut[CUT_MARKER] = f"{len(props) - len(cut)} more properties not kept"
            break
        cut[str(key)[:EXAMPLE_TEXT_MAX]] = value
        size += entry
    return cut


def violations(ws: Workspace, event_name: str | None = None, *,
               plan: TrackingPlan | None = None) -> list[ViolationRecord]:
    """The counted violations, most recently seen first (optionally of one event); a mistyped
    property's record says what ``plan`` (given, or read now when a record needs it) declares.
    An example is read from the stored event it names (cut down as :func:`bounded_example` cuts,
    the property at fault first); one whose event is gone (its customer was deleted) is empty."""
    v, e = _violations.c, _events.c
    # The name as well as the id: an id of a deleted event may be handed out again (SQLite).
    joined = _violations.outerjoin(_events, and_(e.id == v.example_event_id, e.name == v.event_name))
    query = (select(v.event_name, v.kind, v.property, v.count, v.example, v.example_event_id, v.first_seen,
                    v.last_seen, e.id.label("event_id"), e.properties.label("event_properties"))
             .select_from(joined)
             .order_by(v.last_seen.desc(), v.count.desc(), v.event_name, v.kind, v.property))
    if event_name is not None:
        query = query.where(v.event_name == event_name)
    with ws._session() as s:
        records = []
        for r in s.connection().execute(query):
            if r.example_event_id is None:
                example = dict(r.example or {})
            elif r.event_id is not None:
                example = bounded_example(r.event_properties, first=(r.property,))
            else:
                example = {}
            records.append(ViolationRecord(r.event_name, r.kind, r.property, r.count, example, r.first_seen,
                                           r.last_seen))
    if any(r.kind == MISTYPED_PROPERTY for r in records):
        plan = plan if plan is not None else current_plan(ws)
        for index, r in enumerate(records):
            if r.kind == MISTYPED_PROPERTY:
                records[index] = replace(r, expected=plan.expected(r.event_name, r.property))
    return records


def clear(ws: Workspace, event_name: str | None = None) -> int:
    """Forget the counted violations (of one event, or all); returns how many rows went."""
    statement = delete(_violations)
    if event_name is not None:
        statement = statement.where(_violations.c.event_name == event_name)
    with ws._session(write=True) as s:
        return s.connection().execute(statement).rowcount


def counted(ws: Workspace) -> int:
    """How many violation rows are counted (what :func:`clear` without an event would forget)."""
    with ws._session() as s:
        return int(s.connection().scalar(select(func.count()).select_from(_violations)) or 0)


# ---------------------------------------------------------------------------------------------
# Whether the stored events were checked against the plan as it is
# ---------------------------------------------------------------------------------------------

#: Workspace meta: ``{"plan": fingerprint, "through": event id}``: every stored event up to that id
#: was checked against the plan of that fingerprint (by :func:`check_stored`).
CHECKED_META = "tracking.checked"
#: Workspace meta: ``{"plan": fingerprint, "after": event id}``: events stored after that id were
#: checked as they arrived against the plan of that fingerprint (:func:`note_arrivals`).
ARRIVALS_META = "tracking.arrivals"


def note_arrivals(conn: Connection, plan: TrackingPlan, first_id: int | None, count: int = 0) -> None:
    """Note, in the transaction storing a batch of events checked against ``plan``, that events
    arriving from now on are checked against it (once per plan; the collector and the imports call
    it). ``first_id``: the id of the batch's first event, if known; else the batch is the newest
    ``count`` events stored. Does nothing when the workspace noted this plan already."""
    if plan.arrivals_noted:
        return
    noted = _meta_json(conn, ARRIVALS_META)
    if noted.get("plan") != plan.fingerprint:
        if first_id is None:
            newest = conn.scalar(select(func.max(_events.c.id))) or 0
            first_id = newest - count + 1
        _set_meta(conn, ARRIVALS_META, {"plan": plan.fingerprint, "after": max(0, first_id - 1)})
    # Remembered once the note is committed: the plan is shared by every writer of the process, and
    # a transaction rolled back (an import's dry run, a failed batch) takes its note with it.
    sqlalchemy_event.listen(conn, "commit", lambda _conn: setattr(plan, "arrivals_noted", True), once=True)


@dataclass(frozen=True)
class PlanCheckState:
    """Whether every stored event was checked against the plan as it is now."""

    #: Some stored events were checked against another plan, or never (none: all were).
    stale: bool
    #: Every stored event was checked against this plan by ``tracking check`` once, at least.
    checked_once: bool


def plan_check_state(ws: Workspace, plan: TrackingPlan | None = None) -> PlanCheckState:
    """Whether the counted violations reflect the plan as it is: every stored event was checked
    against it, by :func:`check_stored` (up to the event it reached) or as it arrived (after the
    collector or an import noted the plan, :func:`note_arrivals`). Stored events in between, or
    all of them when neither happened, were checked against another plan or none."""
    plan = plan if plan is not None else current_plan(ws)
    with ws._session() as s:
        conn = s.connection()
        checked = _meta_json(conn, CHECKED_META)
        arrivals = _meta_json(conn, ARRIVALS_META)
        lower = int(checked.get("through") or 0) if checked.get("plan") == plan.fingerprint else 0
        upper = int(arrivals.get("after") or 0) if arrivals.get("plan") == plan.fingerprint else None
        query = select(_events.c.id).where(_events.c.id > lower)
        if upper is not None:
            query = query.where(_events.c.id <= upper)
        stale = conn.execute(query.limit(1)).first() is not None
    return PlanCheckState(stale, checked.get("plan") == plan.fingerprint)


def _meta_json(conn: Connection, key: str) -> dict[str, Any]:
    raw = conn.scalar(select(_meta.c.value).where(_meta.c.key == key))
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _set_meta(conn: Connection, key: str, value: Any) -> None:
    text = json.dumps(value)
    if conn.execute(update(_meta).where(_meta.c.key == key).values(value=text)).rowcount == 0:
        conn.execute(_meta.insert().values(key=key, value=text))


#: Events read at a time by :func:`check_stored`.
CHECK_CHUNK = 5_000


@dataclass(frozen=True)
class StoredCheck:
    """What :func:`check_stored` did: events checked, violations found, whether it was cancelled
    (then the counts were left as they were)."""

    events: int
    violations: int
    cancelled: bool = False


def check_stored(ws: Workspace, *, progress: Callable[[int, int], None] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> StoredCheck:
    """Check every stored event against the current plan and make the counted violations those
    found, with first and last seen taken from when the events were received, and the latest
    offending event of each as its example.

    Events are read :data:`CHECK_CHUNK` at a time, oldest first, calling ``progress(done, total)``
    after each chunk; ``cancelled()`` is asked as often, and a cancelled check changes nothing.
    The last events, and the replacement of the counts, are done in one write transaction, so that
    an event stored meanwhile is neither lost from the counts nor counted twice. Without a plan
    nothing is checked and the counts are left alone. The workspace notes that the stored events
    were checked against this plan (see :func:`plan_check_state`).
    """
    plan = current_plan(ws)
    if not plan:
        return StoredCheck(0, 0)
    with ws._session() as s:
        total = int(s.connection().scalar(select(func.count()).select_from(_events)) or 0)
    tally = ViolationTally(plan)
    state = {"after": 0, "done": 0}
    e = _events.c
    query = select(e.id, e.name, e.properties, e.received_at, e.source, e.write_key).order_by(e.id)

    def scan(conn: Connection, limit: int | None) -> int:
        rows = conn.execute(query.where(e.id > state["after"]).limit(limit)).all()
        add = tally.add
        for event_id, name, properties, received, source, write_key in rows:
            add(name, properties, event_id, source, write_key, received)
        if rows:
            state["after"] = rows[-1][0]
        state["done"] += len(rows)
        return len(rows)

    while True:
        if cancelled is not None and cancelled():
            return StoredCheck(state["done"], tally.total, cancelled=True)
        with ws._session() as s:
            read = scan(s.connection(), CHECK_CHUNK)
        if progress is not None:
            progress(state["done"], max(total, state["done"]))
        if read < CHECK_CHUNK:
            break
    with ws._session(write=True) as s:
        conn = s.connection()
        while scan(conn, CHECK_CHUNK) == CHECK_CHUNK:
            pass
        conn.execute(delete(_violations))
        rows = tally.rows(conn, utcnow())
        if rows:
            conn.execute(_violations.insert(), rows)
        _set_meta(conn, CHECKED_META, {"plan": plan.fingerprint, "through": state["after"]})
    if progress is not None:
        progress(state["done"], state["done"])
    return StoredCheck(state["done"], tally.total)


def source_counts(ws: Workspace, since: datetime | None = None) -> dict[str, int]:
    """Stored events per ``events.source`` (received at or after ``since``, when given)."""
    query = select(_events.c.source, func.count()).group_by(_events.c.source)
    if since is not None:
        if since.tzinfo is None:
            raise ValueError("'since' must be timezone-aware")
        query = query.where(_events.c.received_at >= since)
    with ws._session() as s:
        return {source: int(n) for source, n in s.connection().execute(query)}


# ---------------------------------------------------------------------------------------------
# Live counts of the track.source nodes
# ---------------------------------------------------------------------------------------------

SOURCE_NODE = "track.source"
#: The title a ``track.source`` node gets when it is made (its spec's title): while it has that
#: title, the source is named by the node's Name field.
SOURCE_DEFAULT_TITLE = "Data source"
#: The CSV import stores ``csv:<file name>`` unless told otherwise (:mod:`engine.track.csv_import`).
CSV_PREFIX = "csv:"
#: How far back "recent" events reach.
RECENT = timedelta(hours=24)


@dataclass(frozen=True)
class SourceKey:
    """The stored events a ``track.source`` node stands for: those whose ``events.source`` is one
    exact value, or starts with ``value`` when ``prefix`` is set; and, when ``write_key`` names a
    collector write key, only those of them stored with that key's name in ``events.write_key``.

    The collector stores every Segment call as ``segment`` and every Sensors call as
    ``sensors:<project>`` (a project the node does not name), each with the name of its write key.
    A collector node naming a key counts what came with that key; one naming none counts every
    event of its protocol, those of keys without a name (given on the command line) and those
    stored before key names were recorded included. A key removed and stored again under another
    name counts under the new name from then on. A CSV node stands for ``csv:<file name>``: files
    of the same name in two folders count together, and an import given a source name of its own
    counts under that name instead."""

    value: str
    prefix: bool = False
    #: The name of the collector write key counted; empty: any key, or none.
    write_key: str = ""

    def covers(self, source: str) -> bool:
        """Whether events stored as ``source`` may count here (all of them unless the key names a
        write key: see :meth:`covers_stored`)."""
        return source.startswith(self.value) if self.prefix else source == self.value

    def covers_stored(self, source: str, write_key: str | None) -> bool:
        """Whether events stored as ``source`` with the write key name ``write_key`` count here."""
        return self.covers(source) and (not self.write_key or write_key == self.write_key)

    @property
    def sources(self) -> str:
        """The stored sources covered, as :meth:`__str__` writes them without the write key."""
        return f"{self.value}*" if self.prefix else self.value

    def __str__(self) -> str:
        return f"{self.sources} (write key '{self.write_key}')" if self.write_key else self.sources


def source_key(config: Any) -> SourceKey | None:
    """The source key of a ``track.source`` node's config, read leniently (a draft may hold a
    config the inspector has not accepted yet); None when it names no source."""
    source = config.get("source") if isinstance(config, Mapping) else None
    if not isinstance(source, Mapping):
        return None
    kind = source.get("kind", "collector")
    if kind == "csv":
        path = source.get("path")
        if not isinstance(path, str):
            return None
        # The import names the source after the file, wherever it lies (either slash).
        name = path.strip().replace("\\", "/").rsplit("/", 1)[-1]
        return SourceKey(f"{CSV_PREFIX}{name}") if name else None
    if kind == "collector":
        ref = source.get("write_key_ref")
        write_key = ref.strip() if isinstance(ref, str) else ""
        protocol = source.get("protocol", "segment")
        if protocol == "segment":
            return SourceKey(SEGMENT_SOURCE, write_key=write_key)
        if protocol == "sensors":
            return SourceKey(SENSORS_PREFIX, prefix=True, write_key=write_key)
    return None


@dataclass(frozen=True)
class SourceStats:
    """Stored events of one ``events.source`` value: all of them, those received since a moment,
    and when the latest was received; in :attr:`write_keys`, the same per write key name."""

    total: int
    recent: int
    last_received: datetime | None
    #: The same counts per name of the write key the events came with (``None``: no name, as for
    #: imported events). Empty when not broken down: then every event counts as having no name.
    write_keys: Mapping[str | None, SourceStats] = field(default_factory=dict, hash=False)

    def for_write_key(self, name: str | None) -> SourceStats | None:
        """The counts of the events stored with the write key name ``name`` (None if there are none)."""
        if not self.write_keys:
            return self if name is None and self.total else None
        return self.write_keys.get(name)


def source_stats(ws: Workspace, now: datetime | None = None, window: timedelta = RECENT) -> dict[str, SourceStats]:
    """Per ``events.source``: the stored events, those received in the ``window`` before ``now``
    and the latest time one was received, each also per write key name
    (:attr:`SourceStats.write_keys`), in one pass over the events."""
    now = now if now is not None else utcnow()
    if now.tzinfo is None:
        raise ValueError("'now' must be timezone-aware")
    since = now - window
    received = _events.c.received_at
    query = (select(_events.c.source, _events.c.write_key, func.count(),
                    func.sum(case((received >= since, 1), else_=0)), func.max(received))
             .group_by(_events.c.source, _events.c.write_key))
    with ws._session() as s:
        rows = s.connection().execute(query).all()
    per_key: dict[str, dict[str | None, SourceStats]] = {}
    for source, write_key, total, recent, last in rows:
        per_key.setdefault(source, {})[write_key] = SourceStats(int(total), int(recent or 0), last)
    return {source: _sum_stats(keys) for source, keys in per_key.items()}


def _sum_stats(keys: dict[str | None, SourceStats]) -> SourceStats:
    times = [s.last_received for s in keys.values() if s.last_received is not None]
    return SourceStats(sum(s.total for s in keys.values()), sum(s.recent for s in keys.values()),
                       max(times, default=None), keys)


def stored_sources(stats: Mapping[str, SourceStats]) -> dict[tuple[str, str | None], SourceStats]:
    """``stats`` (see :func:`source_stats`) per stored source and write key name."""
    found: dict[tuple[str, str | None], SourceStats] = {}
    for source, s in stats.items():
        if s.write_keys:
            found.update(((source, name), keyed) for name, keyed in s.write_keys.items())
        else:
            found[(source, None)] = s
    return found


@dataclass(frozen=True)
class NodeSourceCounts:
    """What a ``track.source`` node shows: the stored events its key covers."""

    key: SourceKey
    #: The stored ``events.source`` values counted (with events of the key's write key, when it
    #: names one), most events first.
    sources: tuple[str, ...]
    total: int
    recent: int
    last_received: datetime | None


def counts_for(key: SourceKey, stats: Mapping[str, SourceStats]) -> NodeSourceCounts:
    """The events of ``stats`` (see :func:`source_stats`) that ``key`` covers: of a key naming a
    write key, only those stored with its name."""
    covered: list[tuple[str, SourceStats]] = []
    for source, s in stats.items():
        if not key.covers(source):
            continue
        if key.write_key:
            keyed = s.for_write_key(key.write_key)
            if keyed is None:
                continue
            s = keyed
        covered.append((source, s))
    covered.sort(key=lambda item: (-item[1].total, item[0]))
    times = [s.last_received for _, s in covered if s.last_received is not None]
    return NodeSourceCounts(key, tuple(source for source, _ in covered), sum(s.total for _, s in covered),
                            sum(s.recent for _, s in covered), max(times, default=None))


def node_source_counts(journey: Journey, stats: Mapping[str, SourceStats]) -> dict[str, NodeSourceCounts]:
    """Node id → counts, for every ``track.source`` node of ``journey`` that names a source."""
    found = {}
    for node in journey.nodes:
        if node.type == SOURCE_NODE:
            key = source_key(node.config)
            if key is not None:
                found[node.id] = counts_for(key, stats)
    return found


def journey_source_counts(ws: Workspace, journey: Journey, now: datetime | None = None) -> dict[str, NodeSourceCounts]:
    """The counts of ``journey``'s ``track.source`` nodes (nothing is read when it has none)."""
    if not any(node.type == SOURCE_NODE for node in journey.nodes):
        return {}
    return node_source_counts(journey, source_stats(ws, now))


@dataclass(frozen=True)
class DeclaredSource:
    """A ``track.source`` node of some journey, with its name and key."""

    place: Place
    name: str
    key: SourceKey


def declared_sources(ws: Workspace) -> list[DeclaredSource]:
    """The ``track.source`` nodes of every non-archived journey's draft and latest published
    version (a node in both counts once, as the draft has it)."""
    found: dict[tuple[str, str], DeclaredSource] = {}
    for journey_id, journey_name, where, journey in journey_documents(ws):
        for declared in sources_in(journey_id, journey_name, where, journey):
            found.setdefault((journey_id, declared.place.node_id), declared)
    return list(found.values())


def sources_in(journey_id: str, journey_name: str, where: str, journey: Journey) -> list[DeclaredSource]:
    """The ``track.source`` nodes of one document (``where``: ``"draft"``, ``"version N"``) that
    name a source."""
    found = []
    for node in journey.nodes:
        key = source_key(node.config) if node.type == SOURCE_NODE else None
        if key is None:
            continue
        name = node.config.get("name") if isinstance(node.config.get("name"), str) else ""
        # A title the user gave wins; the title every such node starts with names no source.
        title = (node.title or "").strip()
        shown = title if title and title != SOURCE_DEFAULT_TITLE else (name or "").strip() or title
        found.append(DeclaredSource(Place(journey_id, journey_name, node.id, where), shown, key))
    return found
