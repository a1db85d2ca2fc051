"""What the node inspector's pickers offer from a workspace: saved segments, event names, write keys.

A node names a saved segment by its id (``segment_id``), an event by its exact name and a collector
write key by its name. :func:`picker_choices` reads all three in one call, cheap enough to run
whenever something that changes them happens (a segment saved, an import finished, a key made):

- segments by name, with who was in each at its last refresh;
- event names declared by the ``track.event`` nodes of every journey (the tracking plan), and
  those of the newest stored events (a bounded sample, :func:`~engine.track.segments.recent_event_names`),
  each saying where it was seen;
- the names of the collector's write keys;
- the names deleted segments had, for nodes that still name one.

:func:`unknown_write_key_issues` warns of data sources naming a write key the collector lacks.

Read only; a damaged part (the write keys' setting) leaves that part empty and says why in
``problems`` rather than hiding the others.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.errors import JourneyStudioError
from engine.track import collector_keys
from engine.track.segments import (
    NAMES_EVENT_SAMPLE,
    SegmentStore,
    deleted_segment_names,
    fold,
    recent_event_names,
)
from engine.track.tracking_plan import TrackingPlan
from engine.validate import Issue

if TYPE_CHECKING:
    from engine.document import Journey
    from engine.store.workspace import Workspace


@dataclass(frozen=True)
class SegmentChoice:
    """A saved segment as a picker offers it: shown by name, stored by id."""

    id: str
    name: str
    member_count: int
    description: str = ""
    #: A segment deleted since (offered to no one; named when a node still points at it).
    deleted: bool = False


@dataclass(frozen=True)
class EventChoice:
    """An event name, and whether a ``track.event`` node declares it and whether it was received."""

    name: str
    declared: bool
    received: bool


@dataclass(frozen=True)
class PickerChoices:
    segments: list[SegmentChoice] = field(default_factory=list)
    events: list[EventChoice] = field(default_factory=list)
    write_keys: list[str] = field(default_factory=list)
    #: The names deleted segments had (id → name), for nodes that still name one.
    deleted_segments: dict[str, str] = field(default_factory=dict)
    #: What could not be read, one sentence each.
    problems: list[str] = field(default_factory=list)
    #: The workspace's tracking plan (None when it could not be read), for the conflicts between
    #: declarations of one event that the Problems panel lists.
    plan: TrackingPlan | None = None


def picker_choices(ws: Workspace, *, event_sample: int = NAMES_EVENT_SAMPLE) -> PickerChoices:
    """Segments, event names (declared and among the newest ``event_sample`` stored) and write key
    names of ``ws``, each list sorted by name ignoring capitals."""
    problems: list[str] = []
    segments: list[SegmentChoice] = []
    try:
        segments = [SegmentChoice(s.id, s.name, s.member_count, s.description) for s in SegmentStore(ws).list()]
    except JourneyStudioError as exc:
        problems.append(str(exc))
    declared: set[str] = set()
    plan: TrackingPlan | None = None
    try:
        plan = TrackingPlan.from_workspace(ws)
        declared = set(plan.events)
    except JourneyStudioError as exc:
        problems.append(str(exc))
    received: set[str] = set()
    deleted: dict[str, str] = {}
    try:
        with ws._session() as s:
            received = recent_event_names(s.connection(), event_sample)
            deleted = deleted_segment_names(s.connection())
    except JourneyStudioError as exc:
        problems.append(str(exc))
    keys: list[str] = []
    try:
        keys = [k.name for k in collector_keys.list_keys(ws)]
    except JourneyStudioError as exc:
        problems.append(str(exc))
    events = [EventChoice(name, name in declared, name in received) for name in declared | received]
    return PickerChoices(sorted(segments, key=lambda c: (fold(c.name), c.name)),
                         sorted(events, key=lambda c: (fold(c.name), c.name)),
                         sorted(keys, key=lambda n: (fold(n), n)), deleted, problems, plan)


def unknown_write_key_issues(journey: Journey, known: Collection[str]) -> list[Issue]:
    """A warning for each collector data source of ``journey`` naming a write key not in ``known``
    (names compared without surrounding spaces): it counts no events until such a key is made."""
    names = {name.strip() for name in known}
    issues = []
    for node in journey.nodes:
        if node.type != "track.source":
            continue
        source = node.config.get("source")
        ref = source.get("write_key_ref") if isinstance(source, dict) and source.get("kind") == "collector" else None
        if not isinstance(ref, str) or not ref.strip() or ref.strip() in names:
            continue
        label = f'"{node.title}"' if node.title else "A data source"
        issues.append(Issue("warning", "write_key_missing",
                            f"{label} counts the events sent with the write key “{ref.strip()}”, which this "
                            f"workspace does not have: it counts none until a key of that name is made under "
                            f"Track ▸ Collector.", node_id=node.id, field="source.write_key_ref"))
    return issues
