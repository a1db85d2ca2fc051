"""``journey-studio segments``: list, show, count, export, create or delete saved segments, headless.

``segments list`` prints every saved segment with how many customers match its rules now, how many
were in it at its last refresh (the stored membership that starts journeys) and when the newest of
those entered. The time of a refresh itself is not stored (a refresh that finds nobody entering or
leaving writes nothing), so the newest entry is the closest thing to it the workspace holds.

``segments show NAME`` prints the rules as text (:func:`describe_rules`, one line per condition,
indented by group, each line after the first of a group starting with AND or OR) and as JSON, and
the count now. ``segments count`` and ``segments members`` take a saved segment's NAME or rules
from a file (``--rules FILE.json``); ``members --out FILE.xlsx`` (or ``FILE.csv``) writes every
matching customer to a file for a spreadsheet (:mod:`engine.track.member_export`).

A rules file holds one JSON object: the rules as :meth:`~engine.track.segments.SegmentStore.create`
takes them (``{"match": "all", "conditions": [...]}``), or an object with a ``rules`` key, such as
``segments show NAME --json`` prints. It is read as UTF-8 (a byte-order mark is allowed, and so is
UTF-16 with one, as Windows PowerShell writes redirected output). Every problem with it is one line
naming the file and, for a rule, the path of the bad part (``rules.json at conditions[1].value:``).

NAME is a segment's name exactly as saved, or its id; an unknown name is refused with the closest
saved name. Reading commands open the workspace read-only, so they work while the app or
``journey-studio run`` has it open; ``create`` and ``delete`` need it to themselves.
"""

from __future__ import annotations

import argparse
import codecs
import json
import re
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from engine.cli import non_negative
from engine.errors import JourneyStudioError, NotFound, SegmentInvalid
from engine.track.command_output import as_json as _json
from engine.track.command_output import confirmed, pad, width
from engine.track.command_output import open_workspace as _open
from engine.track.command_output import out as _out
from engine.track.command_output import plural as _plural
from engine.track.command_output import usage as _usage
from engine.track.member_export import export_format, member_summaries, write_members

#: Customers ``members`` prints without ``--out`` unless ``--limit`` says otherwise.
DEFAULT_SHOWN = 20
#: A rules file larger than this is refused before it is read (valid rules are a few kilobytes).
MAX_RULES_FILE = 16 * 1024 * 1024

_PLAIN_NAME = re.compile(r"[\w.:-]+")


def add_commands(sub: argparse._SubParsersAction,
                 workspace_options: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``segments list|show|count|members|create|delete``."""
    group = sub.add_parser("segments", help="list, show, count, export, create or delete saved segments",
                           description="Saved segments: rules that pick customers. Reading actions open the "
                                       "workspace read-only, so they work while the app has it open.")
    workspace_options(group)
    actions = group.add_subparsers(dest="segments_action", metavar="ACTION")
    group.set_defaults(handler=lambda _args: _usage(group))
    source = "a saved segment's name (or id)"
    rules_help = ("a JSON file holding rules ({\"match\": \"all\", \"conditions\": [...]}), or an object with a "
                  "'rules' key as 'segments show NAME --json' prints; the format is in docs/segments.md")

    p = actions.add_parser("list", help="every saved segment, with how many customers match it now")
    p.add_argument("--no-count", action="store_true", help="do not count who matches now (faster on big workspaces)")
    p.add_argument("--json", action="store_true", help="print JSON")
    workspace_options(p)
    p.set_defaults(handler=cmd_list)

    p = actions.add_parser("show", help="a segment's rules, as text and as JSON, and how many match now")
    p.add_argument("name", metavar="NAME", help=source)
    p.add_argument("--json", action="store_true", help="print JSON")
    workspace_options(p)
    p.set_defaults(handler=cmd_show)

    p = actions.add_parser("count", help="how many customers match a segment, or rules from a file, now")
    p.add_argument("name", nargs="?", metavar="NAME", help=source)
    p.add_argument("--rules", metavar="FILE.json", help=rules_help)
    p.add_argument("--json", action="store_true", help="print JSON")
    workspace_options(p)
    p.set_defaults(handler=cmd_count)

    p = actions.add_parser("members", help="the customers matching a segment, or rules from a file, now",
                           description="The customers matching a segment (or rules from a file) now, in customer "
                                       "id order. With --out, every one of them (or --limit) as an Excel "
                                       "workbook (FILE.xlsx) or a CSV file: customer_id, one column per "
                                       "identifier kind, then one per attribute.")
    p.add_argument("name", nargs="?", metavar="NAME", help=source)
    p.add_argument("--rules", metavar="FILE.json", help=rules_help)
    p.add_argument("--limit", type=non_negative, metavar="N",
                   help=f"customers to print or write (printing: default {DEFAULT_SHOWN}; --out: all)")
    p.add_argument("--out", metavar="FILE", help="write them all to FILE: an Excel workbook if its name ends in "
                   ".xlsx (cells keep their type, so phone numbers stay as written), CSV otherwise (UTF-8 "
                   "with BOM)")
    p.add_argument("--json", action="store_true", help="print JSON")
    workspace_options(p)
    p.set_defaults(handler=cmd_members)

    p = actions.add_parser("create", help="save a new segment with rules from a file")
    p.add_argument("name", metavar="NAME", help="the new segment's name")
    p.add_argument("--rules", metavar="FILE.json", required=True, help=rules_help)
    p.add_argument("--description", default="", metavar="TEXT", help="what the segment is for")
    workspace_options(p)
    p.set_defaults(handler=cmd_create)

    p = actions.add_parser("delete", help="delete a saved segment and its stored membership")
    p.add_argument("name", metavar="NAME", help=source)
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    workspace_options(p)
    p.set_defaults(handler=cmd_delete)


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment is not None else "-"


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


# ---------------------------------------------------------------------------------------------
# Rules as text
# ---------------------------------------------------------------------------------------------

_OPERATOR_WORDS = {
    "eq": "is", "ne": "is not", "contains": "contains", "starts_with": "starts with",
    "gt": "is more than", "gte": "is at least", "lt": "is less than", "lte": "is at most",
    "in": "is one of", "exists": "is set", "not_exists": "is not set",
}


def _value(value: Any, *, bare: bool = False) -> str:
    """A rule value as written in a rule line: text in double quotes (so that what it holds,
    quotes and all, reads as the literal text it is), numbers and true/false as they are."""
    if isinstance(value, str):
        return value if bare else json.dumps(value, ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False)


def _name(name: str) -> str:
    return name if _PLAIN_NAME.fullmatch(name) else json.dumps(name, ensure_ascii=False)


def _comparison(name: str, operator: str, value: Any) -> str:
    words = _OPERATOR_WORDS.get(operator, operator)
    if operator in ("exists", "not_exists"):
        return f"{_name(name)} {words}"
    if operator == "in":
        return f"{_name(name)} {words} " + ", ".join(_value(v) for v in value)
    # A number or a date for an ordering rule: never text, so no quotes.
    return f"{_name(name)} {words} {_value(value, bare=operator in ('gt', 'gte', 'lt', 'lte'))}"


_KEY_ORDER = ("kind", "match", "attribute", "tag", "channel_kind", "event", "property", "operator", "value", "has",
              "granted", "did", "min_count", "within_days", "filters", "conditions")


def readable_json(rules: Any) -> Any:
    """The JSON form of rules with each object's keys in reading order (kind first, what it names,
    then how it compares), so that printed rules read like the text."""
    if isinstance(rules, dict):
        rank = {key: i for i, key in enumerate(_KEY_ORDER)}
        return {k: readable_json(rules[k]) for k in sorted(rules, key=lambda k: (rank.get(k, len(rank)), k))}
    if isinstance(rules, list):
        return [readable_json(item) for item in rules]
    return rules


def describe_condition(condition: Any) -> str:
    """One condition (not a group) of checked rules as a line of text."""
    from engine.track.segments import AttributeCondition, ConsentCondition, TagCondition

    if isinstance(condition, AttributeCondition):
        return "attribute " + _comparison(condition.attribute, condition.operator, condition.value)
    if isinstance(condition, TagCondition):
        return f"{'has' if condition.has else 'does not have'} tag {_value(condition.tag)}"
    if isinstance(condition, ConsentCondition):
        return f"consent for {_name(condition.channel_kind)} is {'' if condition.granted else 'not '}granted"
    event = _value(condition.event)
    n = condition.min_count
    if condition.did:
        text = f"did {event}" + (f" at least {n:,} times" if n > 1 else "")
    else:
        text = f"did {event} fewer than {n:,} times" if n > 1 else f"did not do {event}"
    if condition.within_days is not None:
        text += f" in the last {_plural(condition.within_days, 'day')}"
    if condition.filters:
        text += " where " + " and ".join(_comparison(f.property, f.operator, f.value) for f in condition.filters)
    return text


def describe_rules(rules: Any, indent: str = "  ") -> list[str]:
    """Checked rules (a :class:`~engine.track.segments.Group` or its JSON form) as lines of text:
    a group is ``ALL of:`` or ``ANY of:`` with its conditions one a line below it, indented, every
    one after the first starting with ``AND`` (all) or ``OR`` (any). Raises
    :class:`~engine.errors.SegmentInvalid` for rules that do not check."""
    from engine.track.segments import Group, parse_rules

    group = parse_rules(rules)
    if not group.conditions:
        return ["everyone (no conditions)" if group.match == "all" else "no one (an empty ANY group)"]
    lines: list[str] = []

    def walk(g: Group, depth: int, lead: str) -> None:
        join = "AND " if g.match == "all" else "OR "
        if not g.conditions:
            lines.append(f"{indent * depth}{lead}{'everyone' if g.match == 'all' else 'no one'} (an empty group)")
            return
        lines.append(f"{indent * depth}{lead}{g.match.upper()} of:")
        for index, condition in enumerate(g.conditions):
            before = join if index else ""
            if isinstance(condition, Group):
                walk(condition, depth + 1, before)
            else:
                lines.append(f"{indent * (depth + 1)}{before}{describe_condition(condition)}")

    walk(group, 0, "")
    return lines


# ---------------------------------------------------------------------------------------------
# Rules files and names
# ---------------------------------------------------------------------------------------------

def _decode(raw: bytes, file: str) -> str:
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                          (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                raise JourneyStudioError(f"is not readable {encoding.upper()} text although it starts like it; "
                                         "save it as UTF-8", where=file) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JourneyStudioError(f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} at position {exc.start:,}); "
                                 "save it as UTF-8", where=file) from None


def read_rules_file(file: str) -> dict[str, Any]:
    """The checked rules (their JSON form) in ``file``; every problem is a
    :class:`~engine.errors.JourneyStudioError` naming the file, and for a bad rule its path."""
    from engine.track.segments import rules_json

    path = Path(file)
    try:
        if path.is_dir():
            raise JourneyStudioError("is a folder, not a rules file", where=file)
        if path.stat().st_size > MAX_RULES_FILE:
            raise JourneyStudioError(f"is larger than {MAX_RULES_FILE // (1024 * 1024)} MB; a rules file holds "
                                     "one JSON object of rules", where=file)
        raw = path.read_bytes()
    except OSError as exc:
        raise JourneyStudioError(f"cannot read the file ({exc.strerror or exc})", where=file) from None
    text = _decode(raw, file)
    if not text.strip():
        raise JourneyStudioError("is empty; it should hold the rules as one JSON object", where=file)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise JourneyStudioError(f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
                                 where=file) from None
    except RecursionError:
        raise JourneyStudioError("is not JSON rules: it nests too deeply", where=file) from None
    if not isinstance(data, dict):
        kind = {list: "a list", str: "text", bool: "true/false", type(None): "null"}.get(type(data), "a number")
        raise JourneyStudioError(f"should hold the rules as one JSON object ({{\"match\": \"all\", \"conditions\": "
                                 f"[...]}}), not {kind}", where=file)
    prefix = ""
    if "rules" in data and not {"kind", "match", "conditions"} & data.keys():
        # A whole segment, as `segments show NAME --json` prints it: its rules.
        data, prefix = data["rules"], "rules."
        if not isinstance(data, dict):
            raise JourneyStudioError("its 'rules' should be a JSON object ({\"match\": \"all\", \"conditions\": "
                                     "[...]})", where=file)
    try:
        return rules_json(data)
    except SegmentInvalid as exc:
        where = f"{file} at {prefix}{exc.path}" if exc.path else (f"{file} at {prefix.rstrip('.')}" if prefix
                                                                   else file)
        raise JourneyStudioError(exc.message, where=where) from None


def find_segment(store: Any, name: str) -> Any:
    """The saved segment named ``name`` exactly (or with this id); refused with the closest name."""
    from engine.track.segments import closest_name

    wanted = name.strip()
    found = store.find(wanted) if wanted else None
    if found is not None:
        return found
    every = store.list()
    for info in every:
        if info.id == wanted:
            return info
    if not every:
        raise NotFound(f"there is no segment named '{name}': the workspace has no segments yet",
                       where=store.workspace.location)
    close = closest_name(wanted, [info.name for info in every])
    hint = f"; did you mean '{close}'?" if close else "; 'journey-studio segments list' shows them all"
    raise NotFound(f"there is no segment named '{name}'{hint}", where=store.workspace.location)


def _stored_rules(info: Any) -> Any:
    """A saved segment's rules, checked; rules this version cannot read say which segment."""
    from engine.track.segments import parse_rules

    try:
        return parse_rules(info.rules)
    except SegmentInvalid as exc:
        at = f" at {exc.path}" if exc.path else ""
        raise JourneyStudioError(f"the saved rules of segment '{info.name}' cannot be used{at}: {exc.message}; "
                                 "fix them in the app's segment builder") from None


def _source(args: argparse.Namespace, store: Any) -> tuple[Any, Any]:
    """``(segment info or None, checked rules)`` from NAME or ``--rules``."""
    if args.name is not None and args.rules:
        raise JourneyStudioError("give a segment NAME or --rules FILE.json, not both")
    if args.rules:
        return None, read_rules_file(args.rules)
    if args.name is None:
        raise JourneyStudioError("give a segment NAME or --rules FILE.json")
    info = find_segment(store, args.name)
    return info, _stored_rules(info)


def _latest_entries(ws: Any) -> dict[str, datetime]:
    """Segment id → when the newest of its stored members entered it."""
    from sqlalchemy import func, select

    from engine.store.models import SegmentMemberRow

    members = SegmentMemberRow.__table__
    with ws._session() as s:
        rows = s.connection().execute(select(members.c.segment_id, func.max(members.c.since))
                                      .group_by(members.c.segment_id))
        return {segment_id: since for segment_id, since in rows}


# ---------------------------------------------------------------------------------------------
# Handlers
# ---------------------------------------------------------------------------------------------

def cmd_list(args: argparse.Namespace) -> int:
    from engine.store.models import utcnow
    from engine.track.segments import SegmentStore

    rows = []
    with _open(args, write=False) as ws:
        store = SegmentStore(ws)
        latest = _latest_entries(ws)
        now = utcnow()
        for info in store.list():
            live: int | None = None
            problem = None
            if not args.no_count:
                try:
                    live = store.count(info.rules, now)
                except SegmentInvalid as exc:
                    problem = f"{'at ' + exc.path + ': ' if exc.path else ''}{exc.message}"
            rows.append({"id": info.id, "name": info.name, "description": info.description,
                         "count": live, "stored_member_count": info.member_count,
                         "latest_entry_at": latest.get(info.id), "created_at": info.created_at,
                         "rules_updated_at": info.updated_at, "rules_problem": problem})
    if args.json:
        _out(_json({"counted_at": None if args.no_count else now, "segments": rows}))
        return 0
    if not rows:
        _out("no segments; make one with 'journey-studio segments create NAME --rules FILE.json' or in the app's "
             "segment builder")
        return 0
    table = [("NAME", "MATCH NOW", "STORED", "NEWEST ENTRY", "RULES CHANGED", "DESCRIPTION")]
    for r in rows:
        now_text = "-" if args.no_count else ("rules?" if r["rules_problem"] else f"{r['count']:,}")
        table.append((_shorten(r["name"], 40), now_text, f"{r['stored_member_count']:,}",
                      _when(r["latest_entry_at"]), _when(r["rules_updated_at"]), _shorten(r["description"], 50)))
    widths = [max(width(row[i]) for row in table) for i in range(5)]
    for row in table:
        _out("  ".join([pad(row[0], widths[0]), pad(row[1], widths[1], right=True), pad(row[2], widths[2], right=True),
                        pad(row[3], widths[3]), pad(row[4], widths[4]), row[5]]).rstrip())
    _out(f"{_plural(len(rows), 'segment')} (MATCH NOW: customers matching the rules now; STORED: members at the "
         "last refresh, which live journeys make; NEWEST ENTRY: when the newest of them entered)")
    for r in rows:
        if r["rules_problem"]:
            _out(f"segment '{r['name']}': its rules cannot be used ({r['rules_problem']}); fix them in the app")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from engine.store.models import utcnow
    from engine.track.segments import SegmentStore

    with _open(args, write=False) as ws:
        store = SegmentStore(ws)
        info = find_segment(store, args.name)
        rules = _stored_rules(info)
        now = utcnow()
        live = store.count(rules, now)
        latest = _latest_entries(ws).get(info.id)
    text = describe_rules(rules)
    stored = readable_json(rules.model_dump(mode="json"))
    if args.json:
        _out(_json({"id": info.id, "name": info.name, "description": info.description, "count": live,
                    "counted_at": now, "stored_member_count": info.member_count, "latest_entry_at": latest,
                    "created_at": info.created_at, "rules_updated_at": info.updated_at,
                    "rules_text": text, "rules": stored}))
        return 0
    _out(f"segment {info.name}  (id {info.id})")
    if info.description:
        _out(f"  description:   {info.description}")
    _out(f"  matching now:  {_plural(live, 'customer')}")
    _out(f"  stored:        {_plural(info.member_count, 'member')} at the last refresh"
         + (f" (newest entered {_when(latest)})" if latest else ""))
    _out(f"  created:       {_when(info.created_at)}; rules changed {_when(info.updated_at)}")
    _out("rules:")
    for line in text:
        _out(f"  {line}")
    _out("rules as JSON:")
    _out(json.dumps(stored, indent=2, ensure_ascii=False))
    return 0


def cmd_count(args: argparse.Namespace) -> int:
    from engine.store.models import utcnow
    from engine.track.segments import SegmentStore

    with _open(args, write=False) as ws:
        store = SegmentStore(ws)
        info, rules = _source(args, store)
        now = utcnow()
        live = store.count(rules, now)
        hints = name_hints(ws, rules) if not live else []
    if args.json:
        _out(_json({"segment": info.name if info else None, "rules_file": args.rules, "count": live,
                    "counted_at": now, "hints": hints}))
        return 0
    what = f"segment '{info.name}'" if info else f"the rules in {args.rules}"
    _out(f"{_plural(live, 'customer')} {'matches' if live == 1 else 'match'} {what} now")
    for hint in hints:
        sys.stderr.write(f"note: {hint}\n")
    return 0


def _names_in(rules: Any) -> tuple[set[str], set[str]]:
    """The attribute and event names the rules (their JSON form) name, groups included."""
    attributes: set[str] = set()
    events: set[str] = set()
    stack = [rules]
    while stack:
        item = stack.pop()
        if not isinstance(item, dict):
            continue
        if item.get("kind") == "attribute" and isinstance(item.get("attribute"), str):
            attributes.add(item["attribute"])
        elif item.get("kind") == "event" and isinstance(item.get("event"), str):
            events.add(item["event"])
        stack.extend(item.get("conditions") or [])
    return attributes, events


def name_hints(ws: Any, rules: Any) -> list[str]:
    """Why rules may match nobody: the attributes no customer has and the events never stored that
    they name, with the closest name that exists (or, for ``email`` and ``phone``, that the
    addresses and numbers identifying customers are identifiers, which rules do not read)."""
    from engine.track.segments import closest_name, known_names, missing_names, rules_json

    attributes, events = _names_in(rules_json(rules))
    if not attributes and not events:
        return []
    no_events, no_attributes = missing_names(ws, events=events, attributes=attributes)
    if not no_events and not no_attributes:
        return []
    known = known_names(ws)
    hints = []
    for name in sorted(no_attributes):
        hint = f"no customer has an attribute '{name}'"
        if name.split(".")[0] in ("email", "phone"):
            hint += "; the e-mail addresses and phone numbers that identify customers are identifiers, which rules do not read"
        elif (close := closest_name(name, known.attributes)) is not None:
            hint += f"; did you mean '{close}'?"
        hints.append(hint)
    for name in sorted(no_events):
        close = closest_name(name, known.events)
        hints.append(f"no event '{name}' is stored" + (f"; did you mean '{close}'?" if close else ""))
    return hints


def _member_ids(store: Any, rules: Any, now: datetime, limit: int | None) -> list[str]:
    ids: list[str] = []
    if limit == 0:
        return ids
    for customer_id in store.members(rules, now):
        ids.append(customer_id)
        if limit is not None and len(ids) >= limit:
            break
    return ids


def cmd_members(args: argparse.Namespace) -> int:
    from engine.store.models import utcnow
    from engine.track.segments import SegmentStore

    if args.out is not None and not args.out.strip():
        raise JourneyStudioError("--out needs a file name, such as members.xlsx or members.csv")
    limit = args.limit if args.limit is not None else (None if args.out else DEFAULT_SHOWN)
    with _open(args, write=False) as ws:
        store = SegmentStore(ws)
        info, rules = _source(args, store)
        now = utcnow()
        total = store.count(rules, now)
        ids = _member_ids(store, rules, now, limit)
        what = f"segment '{info.name}'" if info else f"the rules in {args.rules}"
        if args.out:
            target = Path(args.out)
            export_format(target)  # an unwritable format is refused before the customers are read
            result = write_members(target, member_summaries(ws, ids),
                                   sheet=info.name if info else Path(args.rules).stem)
            written, columns = result.rows, result.columns
            if args.json:
                _out(_json({"segment": info.name if info else None, "rules_file": args.rules, "file": str(target),
                            "format": result.format, "rows": written, "count": total, "columns": columns,
                            "counted_at": now, "notes": result.notes}))
            else:
                _out(f"wrote {_plural(written, 'customer')} matching {what} to {target} "
                     f"({_plural(len(columns), 'column')}"
                     + (", an Excel workbook" if result.format == "xlsx" else "") + ")"
                     + (f"; {total:,} match now, --limit left out the rest" if written < total and
                        args.limit is not None else ""))
                for note in result.notes:
                    _out(f"note: {note}")
            return 0
        found = list(member_summaries(ws, ids))
    if args.json:
        _out(_json({"segment": info.name if info else None, "rules_file": args.rules, "count": total,
                    "counted_at": now, "customers": [
                        {"id": c.id, "identifiers": [{"kind": k, "value": v} for k, v in c.identifiers],
                         "attributes": c.attributes, "tags": list(c.tags)} for c in found]}))
        return 0
    for c in found:
        ids_text = ", ".join(f"{k}:{v}" for k, v in c.identifiers) or "no identifiers"
        _out(f"{c.id}  {c.label}  ({ids_text})")
    if total == 0:
        _out(f"no customers match {what} now")
    elif len(found) < total:
        _out(f"{len(found):,} of {_plural(total, 'customer')} matching {what} now; --limit N shows more, "
             "--out FILE.xlsx writes them all")
    else:
        _out(f"{_plural(total, 'customer')} {'matches' if total == 1 else 'match'} {what} now")
    return 0


def cmd_create(args: argparse.Namespace) -> int:
    from engine.store.models import utcnow
    from engine.track.segments import SegmentStore

    rules = read_rules_file(args.rules)  # before the workspace is opened: a bad file changes nothing
    with _open(args, write=True, create=True) as ws:  # made if need be, as 'import customers' does
        store = SegmentStore(ws)
        try:
            info = store.create(args.name, rules, description=args.description)
        except SegmentInvalid as exc:
            option = {"name": "NAME", "description": "--description"}.get(exc.path)
            if option is None:
                raise
            raise JourneyStudioError(f"nothing created: {exc.message} ({option})") from None
        live = store.count(info.rules, utcnow())
    _out(f"created segment '{info.name}' (id {info.id}); {_plural(live, 'customer')} "
         f"{'matches' if live == 1 else 'match'} it now")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    from engine.track.segments import SegmentStore
    from engine.track.tracking_plan import segment_references

    with _open(args, write=True) as ws:
        store = SegmentStore(ws)
        info = find_segment(store, args.name)
        used = segment_references(ws, info.id)
        summary = f"segment '{info.name}' ({_plural(info.member_count, 'stored member')})"
        if not args.yes:
            lines = [f"Delete {summary}?"]
            if used:
                lines.append("Journeys that use it: " + "; ".join(sorted({f"{p.journey_name} ({p.where})"
                                                                           for p in used}))
                             + ". They keep pointing at a segment that no longer exists.")
            if not confirmed("\n".join(lines) + " This cannot be undone.", doing=f"deleting {summary}",
                             verb="delete", nothing="nothing deleted"):
                return 1
        store.delete(info.id)
    _out(f"deleted {summary}")
    if used:
        journeys = sorted({p.journey_name for p in used})
        _out(f"warning: {_plural(len(journeys), 'journey')} still {'names' if len(journeys) == 1 else 'name'} it "
             f"({', '.join(journeys)}); "
             "choose another segment there")
    return 0


