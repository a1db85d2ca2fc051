"""``journey-studio tracking``: the tracking plan and what broke it, headless.

``tracking`` (or ``tracking violations``) lists the counted violations as the app's Tracking panel
does: each event that is not in the plan, lacks a required property or has one of the wrong type,
with how often it was seen, when last, and an example. ``tracking plan`` lists the events the
``track.event`` nodes of the workspace's journeys declare, with their properties and where each is
declared, by source (a declaration whose ``source`` names a data source applies only to events
from it), and the conflicts between declarations. ``tracking check`` checks every stored event
against the plan as it is now (after the plan changed) and makes the counts those found; the
listing says when the plan changed since the stored events were checked. ``tracking clear
[EVENT]`` forgets the counts after asking (``--yes``: without asking; an answer from a pipe is not
read, as for ``profiles delete``).

Reading actions open the workspace read-only, so they work while the app, ``journey-studio run``
or ``journey-studio collect`` has it open; ``check`` and ``clear`` write, and need it to themselves.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from engine.track.command_output import as_json as _json
from engine.track.command_output import confirmed
from engine.track.command_output import open_workspace as _open
from engine.track.command_output import out as _out
from engine.track.command_output import plural as _plural


def add_commands(sub: argparse._SubParsersAction,
                 workspace_options: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``tracking [violations] | plan | check | clear``."""
    group = sub.add_parser(
        "tracking", help="the tracking plan (Tracked event nodes) and the events that break it",
        description="The tracking plan is what the Tracked event nodes of the workspace's journeys declare. "
                    "Without an action: the violations counted so far, as the app's Tracking panel lists them.")
    workspace_options(group)
    group.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    group.set_defaults(handler=cmd_violations, json=False)
    actions = group.add_subparsers(dest="tracking_action", metavar="ACTION")
    group.usage = ("%(prog)s [--workspace PATH | --db URL] [--json] [violations [EVENT] | plan | check | "
                   "clear [EVENT] [--yes]]")

    p = actions.add_parser("violations", help="events not in the plan, or lacking or mistyping a property "
                                              "(the default)")
    p.add_argument("event", metavar="EVENT", nargs="?", help="only this event's")
    p.add_argument("--json", action="store_true", help="print JSON")
    workspace_options(p)
    p.set_defaults(handler=cmd_violations)

    p = actions.add_parser("plan", help="the events the plan declares, their properties and where")
    p.add_argument("--json", action="store_true", help="print JSON")
    workspace_options(p)
    p.set_defaults(handler=cmd_plan)

    p = actions.add_parser("check", help="check every stored event against the plan as it is now and count "
                                         "the violations again")
    p.add_argument("--json", action="store_true", help="print JSON")
    workspace_options(p)
    p.set_defaults(handler=cmd_check)

    p = actions.add_parser("clear", help="forget the counted violations (of one event, or all)")
    p.add_argument("event", metavar="EVENT", nargs="?", help="only this event's")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    workspace_options(p)
    p.set_defaults(handler=cmd_clear)


def _ago(moment: datetime, now: datetime) -> str:
    when = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    seconds = max(0, int((now - when).total_seconds()))
    for size, unit in ((86_400, "day"), (3_600, "hour"), (60, "minute")):
        if seconds >= size:
            return f"{_plural(seconds // size, unit)} ago"
    return "just now"


def _example(properties: dict[str, Any], limit: int = 80) -> str:
    from engine.track.property_order import display_order

    # Values as JSON: "12" (text) and 12 (a number) are what a type problem is about.
    text = ", ".join(f"{k}: {json.dumps(v, ensure_ascii=False, default=str)}" for k, v in display_order(properties).items())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _what(record: Any) -> str:
    if record.kind == "unknown_event":
        return "not in the plan"
    if record.kind == "missing_property":
        return f"lacks '{record.property}'"
    expected = f" (the plan says {record.expected})" if record.expected else ""
    return f"'{record.property}' has the wrong type{expected}"


#: Answers that confirm (see :func:`cmd_clear`), as ``profiles delete`` and ``segments delete`` take them.
_CHECK_HINT = "run 'journey-studio tracking check' to check every stored event against the plan as it is now"


def cmd_violations(args: argparse.Namespace) -> int:
    from engine.track.tracking_plan import current_plan, plan_check_state, violations

    event = getattr(args, "event", None)
    with _open(args, write=False) as ws:
        plan = current_plan(ws)
        records = violations(ws, event, plan=plan)
        state = plan_check_state(ws, plan) if plan else None
        if event is not None and not records:
            _known_event(ws, plan, event)
    stale = state is not None and state.stale
    if args.json:
        _out(_json({"plan_events": len(plan.events), "plan_checked": not stale, "violations": [
            {"event": r.event_name, "kind": r.kind, "property": r.property, "expected": r.expected, "count": r.count,
             "first_seen": r.first_seen, "last_seen": r.last_seen, "example": r.example} for r in records]}))
        return 0
    if not plan:
        _out("no tracking plan yet: add Tracked event nodes to a journey to declare the events you expect and "
             "their properties; events are then checked as they arrive")
        return 0
    if not records:
        of = f" of '{event}'" if event is not None else ""
        if stale:
            _out(f"no violations{of} counted, but the tracking plan changed since the stored events were checked "
                 f"(or they never were): {_CHECK_HINT}")
        else:
            _out(f"no violations{of}: every event counted so far follows the plan "
                 f"({_plural(len(plan.events), 'event')} declared)")
        return 0
    now = datetime.now(UTC)
    seen = sum(r.count for r in records)
    _out(f"{_plural(len(records), 'problem')}, seen {_plural(seen, 'time')}:")
    for r in records:
        _out(f"  {r.event_name}: {_what(r)} — {_plural(r.count, 'time')}, last {_ago(r.last_seen, now)}")
        if r.example:
            _out(f"      e.g. {_example(r.example)}")
    if stale:
        _out(f"The tracking plan changed since the stored events were checked, so these counts may be out of date: "
             f"{_CHECK_HINT}")
    else:
        _out("('journey-studio tracking check' counts them again after the plan changed)")
    return 0


def _known_event(ws: Any, plan: Any, event: str) -> None:
    """Refuse an event the plan does not declare and nobody sent, naming a close known one."""
    from sqlalchemy import select

    from engine.errors import NotFound
    from engine.store.models import EventRow, TrackingViolationRow
    from engine.track.segments import closest_name, recent_event_names
    from engine.track.tracking_plan import is_builtin

    if event in plan.events or is_builtin(event):
        return
    with ws._session() as s:
        conn = s.connection()
        if conn.execute(select(EventRow.id).where(EventRow.name == event).limit(1)).first() is not None:
            return
        counted = set(conn.scalars(select(TrackingViolationRow.event_name).distinct()))
        known = set(plan.events) | recent_event_names(conn) | counted
    close = closest_name(event, sorted(known))
    hint = f"; did you mean '{close}'?" if close else ""
    raise NotFound(f"there is no event '{event}': the tracking plan does not declare it and no stored event has "
                   f"that name{hint}", where=ws.location)


def cmd_plan(args: argparse.Namespace) -> int:
    from engine.track.tracking_plan import current_plan

    with _open(args, write=False) as ws:
        plan = current_plan(ws)
    events = [plan.events[name] for name in sorted(plan.events)]
    if args.json:
        _out(_json([{"event": e.name, "description": e.description, "sources": list(e.sources),
                     "any_source": e.any_source, "properties": _properties_json(e.properties),
                     "by_source": [{"source": s.label, "covers": s.scope.describe(),
                                    "properties": _properties_json(s.properties),
                                    "declared_in": [d.label for d in s.declarations]} for s in e.scoped],
                     "conflicts": [{"kind": c.kind, "property": c.property, "message": c.message}
                                   for c in e.conflicts],
                     "declared_in": [{"journey": d.journey_name, "node_id": d.node_id, "where": d.where}
                                     for d in e.declared_in]} for e in events]))
        return 0
    if not events:
        _out("no tracking plan yet: add Tracked event nodes to a journey to declare the events you expect")
        return 0
    for e in events:
        places = ", ".join(sorted({f"'{d.journey_name}'" for d in e.declared_in}))
        _out(f"{e.name}  (declared in {places})" + (f": {e.description}" if e.description else ""))
        indent = "  "
        if e.scoped:
            indent = "    "
            if e.any_source:
                _out("  from any source:")
            else:
                _out("  from any other source: not checked (every declaration names a source)")
        differ = {c.property for c in e.conflicts if c.kind == "types"}
        for p in e.properties.values():
            _out(_property_line(p, indent, differ))
        for scoped in e.scoped:
            _out(f"  from {scoped.label} ({scoped.scope.describe()}; "
                 f"{', '.join(d.label for d in scoped.declarations)}):")
            for p in scoped.properties.values():
                _out(_property_line(p, "    ", differ))
        for conflict in e.conflicts:
            _out(f"  conflict: {conflict.message}")
    conflicts = sum(len(e.conflicts) for e in events)
    _out(_plural(len(events), "event") + " declared"
         + (f"; {_plural(conflicts, 'conflict')} between declarations (see above)" if conflicts else ""))
    return 0


def _property_line(p: Any, indent: str, differ: set[str]) -> str:
    """One property: its types, whether required, its description; a property whose declarations
    give different types says that any of them is accepted (the conflict lines say where)."""
    union = " (declarations differ: any of these types is accepted)" if len(p.types) > 1 and p.name in differ else ""
    return (f"{indent}{p.name}: {' or '.join(sorted(p.types))}{', required' if p.required else ''}{union}"
            + (f" — {p.description}" if p.description else ""))


def _properties_json(properties: Any) -> list[dict[str, Any]]:
    return [{"name": p.name, "types": sorted(p.types), "required": p.required, "description": p.description}
            for p in properties.values()]


def cmd_check(args: argparse.Namespace) -> int:
    from engine.track.tracking_plan import check_stored

    def progress(done: int, total: int) -> None:
        if not args.json and sys.stderr.isatty():
            sys.stderr.write(f"\rchecked {done:,} of {total:,} events")
            sys.stderr.flush()

    with _open(args, write=True) as ws:
        found = check_stored(ws, progress=progress)
    if not args.json and sys.stderr.isatty():
        sys.stderr.write("\n")
    if args.json:
        _out(_json({"events": found.events, "violations": found.violations}))
    elif found.events == 0 and found.violations == 0:
        _out("nothing checked: the workspace has no tracking plan or no events")
    else:
        _out(f"checked {_plural(found.events, 'stored event')}: {_plural(found.violations, 'violation')} "
             "('journey-studio tracking' lists them)")
    return 0


def cmd_clear(args: argparse.Namespace) -> int:
    from engine.track.tracking_plan import clear, counted, violations

    with _open(args, write=True) as ws:
        rows = len(violations(ws, args.event)) if args.event else counted(ws)
        of = f" of '{args.event}'" if args.event else ""
        if not rows:
            _out(f"nothing to forget: no problems{of} are counted")
            return 0
        summary = f"{_plural(rows, 'counted problem')}{of}"
        if not args.yes and not confirmed(f"Forget {summary}? 'journey-studio tracking check' can count them "
                                          "again from the stored events.", doing=f"forgetting {summary}",
                                          verb="forget them", nothing="nothing forgotten"):
            return 1
        gone = clear(ws, args.event)
    _out(f"forgot {_plural(gone, 'counted problem')}{of}")
    return 0
