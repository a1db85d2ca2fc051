"""The tracking plan: which events exist and what they carry, checked against what comes in.

``track.event`` nodes declare an event name and its properties (name, type, required). The plan of
a workspace (:meth:`TrackingPlan.from_workspace`) gathers them from every journey that is not
archived, from its saved draft *and* its latest published version: the draft is the plan being
designed (a journey that only documents events is never published), the published version is
what runs now. Where declarations of one event differ (two journeys, or a draft ahead of its
version), the plan takes the lenient union, so that a half-finished edit never floods the
Tracking panel:

- a property is *required* only when every declaration of the event lists it as required;
- a value has the right type when it has the type of any declaration of that property.

Types: ``string`` is text, ``number`` a JSON number (not a boolean, not numeric text),
``boolean`` true/false, ``datetime`` an ISO 8601 date or date-time text, ``list`` a JSON array
(``items: [{"sku": "a", "qty": 2}]``; what it holds is not checked), ``object`` a JSON object
(``shipping: {"city": "Leeds"}``; a dotted name such as ``shipping.city`` declares and checks one
value inside it). A property holding ``null`` counts as missing. Properties the plan does not list
are allowed. A workspace without any ``track.event`` node has no plan and reports nothing (rather
than calling every event unknown). Event names match exactly; a declaration's ``source`` is
documentation and is not checked.

Built-in events are never reported as unknown, only checked when a ``track.event`` node declares
them: those the Sensors SDKs send themselves (every name starting with ``$``: ``$SignUp``,
``$AppStart``, ``$pageview``) and those the collector names after Segment's ``page``, ``screen``
and ``group`` calls (:data:`BUILTIN_EVENTS`: "Page Viewed", "Screen Viewed", "Group").

Violations are counted per (event, kind, property) in ``tracking_violations`` with the first and
last time seen and the properties of the latest offending event (bounded in size), by one upsert
per batch (:func:`check_and_record`), which the collector and the CSV import call with each batch
they store. Events stored before a declaration existed were not checked against it:
:func:`check_stored` checks every stored event against the current plan and replaces the counts
with what it found.

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

import builtins
import json
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, case, delete, func, select

from engine.errors import JourneyStudioError
from engine.runtime.clock import parse_iso
from engine.runtime.triggers import lookup
from engine.store.models import (
    DraftRow,
    EventRow,
    JourneyRow,
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
    """A property of a planned event, merged over its declarations."""

    name: str
    types: frozenset[str]
    required: bool
    description: str = ""


@dataclass(frozen=True)
class EventSpec:
    """A planned event, merged over its declarations."""

    name: str
    properties: Mapping[str, PropertySpec]
    description: str
    #: Sources the declarations name (empty: any).
    sources: tuple[str, ...]
    declared_in: tuple[Place, ...]


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


class TrackingPlan:
    """The events the workspace's ``track.event`` nodes declare; :meth:`check` tests one event."""

    def __init__(self, events: Mapping[str, EventSpec]):
        self.events: Mapping[str, EventSpec] = dict(events)

    def __bool__(self) -> bool:
        return bool(self.events)

    def __repr__(self) -> str:
        return f"TrackingPlan({sorted(self.events)})"

    @classmethod
    def from_workspace(cls, ws: Workspace) -> TrackingPlan:
        """The plan of every non-archived journey's draft and latest published version."""
        return cls.from_journeys(journey_documents(ws))

    @classmethod
    def from_journeys(cls, documents: Iterable[tuple[str, str, str, Journey]]) -> TrackingPlan:
        """The plan of ``(journey id, journey name, where, document)`` entries (see
        :func:`journey_documents`)."""
        declarations: dict[str, list[_Declaration]] = {}
        for journey_id, journey_name, where, journey in documents:
            for node in journey.nodes:
                if node.type != EVENT_NODE:
                    continue
                declaration = _declaration(node.config, Place(journey_id, journey_name, node.id, where))
                if declaration is not None:
                    declarations.setdefault(declaration.name, []).append(declaration)
        return cls({name: _merge(name, decls) for name, decls in declarations.items()})

    def check(self, event_name: str, properties: Mapping[str, Any] | None) -> list[Violation]:
        """How one event breaks the plan (nothing when the plan is empty)."""
        if not self.events:
            return []
        spec = self.events.get(event_name)
        if spec is None:
            # SDKs send their own events (Sensors' $SignUp, $AppStart, $pageview; Segment's page,
            # screen and group calls): a plan declares them only to check their properties.
            return [] if is_builtin(event_name) else [Violation(event_name, UNKNOWN_EVENT)]
        props = properties or {}
        found: list[Violation] = []
        for prop in spec.properties.values():
            value = lookup(props, prop.name)
            if value is None:
                if prop.required:
                    found.append(Violation(event_name, MISSING_PROPERTY, prop.name))
                continue
            if not any(_has_type(value, t) for t in prop.types):
                found.append(Violation(event_name, MISTYPED_PROPERTY, prop.name,
                                       expected=" or ".join(sorted(prop.types)), found=_type_of(value)))
        return found


def is_builtin(event_name: str) -> bool:
    """Whether an event is one an SDK sends by itself, never reported as unknown: a Sensors ``$``
    event, or one of Segment's ``page``, ``screen`` and ``group`` calls (:data:`BUILTIN_EVENTS`)."""
    return event_name.startswith("$") or event_name in BUILTIN_EVENTS


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


def _merge(name: str, declarations: Sequence[_Declaration]) -> EventSpec:
    names: dict[str, None] = {}
    for d in declarations:
        names.update(dict.fromkeys(d.properties))
    properties = {}
    for prop in names:
        listed = [d.properties[prop] for d in declarations if prop in d.properties]
        required = len(listed) == len(declarations) and all(req for _, req, _ in listed)
        description = next((text for _, _, text in listed if text), "")
        properties[prop] = PropertySpec(prop, frozenset(t for t, _, _ in listed), required, description)
    places: dict[tuple[str, str], Place] = {}
    for d in declarations:
        places.setdefault((d.place.journey_id, d.place.node_id), d.place)
    return EventSpec(name, properties, next((d.description for d in declarations if d.description), ""),
                     tuple(sorted({d.source for d in declarations if d.source})), tuple(places.values()))


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
    """The workspace's plan, cached while no journey, draft or published version changes (one
    small query per call decides)."""
    with ws._session() as s:
        conn = s.connection()
        journeys = conn.execute(select(func.count(), func.max(JourneyRow.updated_at))).one()
        drafts = conn.execute(select(func.count(), func.max(DraftRow.updated_at))).one()
        versions = conn.execute(select(func.count(), func.max(VersionRow.published_at))).one()
    stamp = (*journeys, *drafts, *versions)
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
    example: dict[str, Any]
    first_seen: datetime
    last_seen: datetime
    #: For a mistyped property: the types the plan declares for it now, joined by " or " ("" when
    #: the plan no longer declares it).
    expected: str = ""


def check_and_record(ws: Workspace, events: Iterable[tuple[str, Mapping[str, Any] | None]],
                     now: datetime | None = None, *, plan: TrackingPlan | None = None,
                     conn: Connection | None = None) -> int:
    """Check a batch of ``(event name, properties)`` against the plan and add the violations to the
    counts; returns how many violations the batch had.

    ``plan`` defaults to :func:`current_plan`. ``conn`` writes inside the caller's transaction
    (a caller that stores the events under the workspace's write lock passes its connection, so
    the events and their counts commit together); without it the counts are written in their own
    transaction.
    """
    plan = plan if plan is not None else current_plan(ws)
    if not plan:
        return 0
    tally: dict[tuple[str, str, str], list[Any]] = {}
    total = 0
    for name, properties in events:
        for violation in plan.check(name, properties):
            total += 1
            key = (violation.event_name, violation.kind, violation.property)
            entry = tally.get(key)
            if entry is None:
                tally[key] = [1, properties]
            else:
                entry[0] += 1
                entry[1] = properties
    if tally:
        _upsert(ws, tally, now or utcnow(), conn)
    return total


def record(ws: Workspace, violations: Iterable[Violation], example: Mapping[str, Any] | None,
           now: datetime | None = None, *, conn: Connection | None = None) -> None:
    """Count violations of one event (already checked), ``example`` being its properties."""
    tally: dict[tuple[str, str, str], list[Any]] = {}
    for violation in violations:
        if violation.kind not in VIOLATION_KINDS:
            raise ValueError(f"unknown violation kind '{violation.kind}'")
        key = (violation.event_name, violation.kind, violation.property)
        tally.setdefault(key, [0, example])[0] += 1
    if tally:
        _upsert(ws, tally, now or utcnow(), conn)


def _upsert(ws: Workspace, tally: Mapping[tuple[str, str, str], list[Any]], now: datetime,
            conn: Connection | None) -> None:
    rows = _rows({key: (n, example, now, now) for key, (n, example) in tally.items()})
    if conn is not None:
        _write(conn, rows)
        return
    with ws._session(write=True) as s:
        _write(s.connection(), rows)


def _rows(tally: Mapping[tuple[str, str, str], Sequence[Any]]) -> list[dict[str, Any]]:
    """Rows of ``tracking_violations`` from ``(event, kind, property) → (count, latest example,
    first seen, last seen)``. Names cut to the column's length may collide; those are added up
    (the later example kept) rather than written twice."""
    merged: dict[tuple[str, str, str], dict[str, Any]] = {}
    for (name, kind, prop), (n, example, first, last) in tally.items():
        key = (name[:NAME_MAX], kind, prop[:NAME_MAX])
        row = merged.get(key)
        if row is None:
            merged[key] = {"event_name": key[0], "kind": kind, "property": key[2], "count": n,
                           "example": bounded_example(example, first=(prop,)), "first_seen": first,
                           "last_seen": last}
        else:
            row["count"] += n
            row["example"] = bounded_example(example, first=(prop,))
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
    property's record says what ``plan`` (given, or read now when a record needs it) declares."""
    query = select(_violations).order_by(_violations.c.last_seen.desc(), _violations.c.count.desc(),
                                         _violations.c.event_name, _violations.c.kind, _violations.c.property)
    if event_name is not None:
        query = query.where(_violations.c.event_name == event_name)
    with ws._session() as s:
        records = [ViolationRecord(r.event_name, r.kind, r.property, r.count, dict(r.example), r.first_seen,
                                   r.last_seen) for r in s.connection().execute(query)]
    if any(r.kind == MISTYPED_PROPERTY for r in records):
        plan = plan if plan is not None else current_plan(ws)
        for index, r in enumerate(records):
            spec = plan.events.get(r.event_name) if r.kind == MISTYPED_PROPERTY else None
            prop = spec.properties.get(r.property) if spec is not None else None
            if prop is not None:
                records[index] = replace(r, expected=" or ".join(sorted(prop.types)))
    return records


def clear(ws: Workspace, event_name: str | None = None) -> int:
    """Forget the counted violations (of one event, or all); returns how many rows went."""
    statement = delete(_violations)
    if event_name is not None:
        statement = statement.where(_violations.c.event_name == event_name)
    with ws._session(write=True) as s:
        return s.connection().execute(statement).rowcount


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
    found, with first and last seen taken from when the events were received.

    Events are read :data:`CHECK_CHUNK` at a time, oldest first, calling ``progress(done, total)``
    after each chunk; ``cancelled()`` is asked as often, and a cancelled check changes nothing.
    The last events, and the replacement of the counts, are done in one write transaction, so that
    an event stored meanwhile is neither lost from the counts nor counted twice. Without a plan
    nothing is checked and the counts are left alone.
    """
    plan = current_plan(ws)
    if not plan:
        return StoredCheck(0, 0)
    with ws._session() as s:
        total = int(s.connection().scalar(select(func.count()).select_from(_events)) or 0)
    tally: dict[tuple[str, str, str], list[Any]] = {}
    state = {"after": 0, "done": 0, "violations": 0}
    query = select(_events.c.id, _events.c.name, _events.c.properties, _events.c.received_at).order_by(_events.c.id)

    def scan(conn: Connection, limit: int | None) -> int:
        rows = conn.execute(query.where(_events.c.id > state["after"]).limit(limit)).all()
        for event_id, name, properties, received in rows:
            for violation in plan.check(name, properties):
                state["violations"] += 1
                key = (violation.event_name, violation.kind, violation.property)
                entry = tally.get(key)
                if entry is None:
                    tally[key] = [1, properties, received, received]
                else:
                    entry[0] += 1
                    entry[1] = properties
                    entry[2] = min(entry[2], received)
                    entry[3] = max(entry[3], received)
            state["after"] = event_id
        state["done"] += len(rows)
        return len(rows)

    while True:
        if cancelled is not None and cancelled():
            return StoredCheck(state["done"], state["violations"], cancelled=True)
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
        rows = _rows(tally)
        if rows:
            conn.execute(_violations.insert(), rows)
    if progress is not None:
        progress(state["done"], state["done"])
    return StoredCheck(state["done"], state["violations"])


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
