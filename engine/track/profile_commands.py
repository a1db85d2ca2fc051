"""``journey-studio profiles``: find, show, export, merge or erase customers' data, headless.

``IDENTIFIER`` is ``kind:value`` (``email:ann@example.com``, ``user_id:42``, ``phone:+8613800000000``,
``custom:crm:17``), a bare e-mail or phone number, any identifier value, or a customer id (see
:func:`engine.track.profiles.resolve`). Reading commands open the workspace read-only, so they work
while the app or ``journey-studio run`` has it open.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from engine.cli import non_negative
from engine.errors import JourneyStudioError
from engine.track.command_output import as_json as _json
from engine.track.command_output import cut
from engine.track.command_output import open_workspace as _open
from engine.track.command_output import out as _out
from engine.track.command_output import plural as _plural
from engine.track.command_output import usage as _usage
from engine.track.command_output import width as columns

CONFIRM_WORDS = ("y", "yes")
#: ``profiles show`` cuts an attribute's value, and an event's properties, to this many characters.
SHOWN_VALUE = 200
SHOWN_PROPERTIES = 300
#: What an IDENTIFIER argument may be (the forms :func:`engine.track.profiles.resolve` reads).
IDENTIFIER_FORMS = ("an e-mail address, a phone number, kind:value (such as user_id:1001, anonymous_id:abc, "
                    "email:ann@example.com or custom:crm:17) or a customer id")


def add_commands(sub: argparse._SubParsersAction,
                 workspace_options: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``profiles search|show|export|merge|delete``."""
    group = sub.add_parser("profiles", help="find, show, export, merge or erase customers' data",
                           description="Find, show, export, merge or erase customers' data.")
    workspace_options(group)
    actions = group.add_subparsers(dest="profiles_action", metavar="ACTION")
    group.set_defaults(handler=lambda _args: _usage(group))

    p = actions.add_parser("search", help="customers whose id, identifiers or attributes contain TEXT")
    p.add_argument("text", nargs="?", default="", metavar="TEXT", help="empty to list every customer")
    p.add_argument("--attribute", metavar="NAME", help="search only this attribute")
    p.add_argument("--limit", type=non_negative, default=20, help="customers to print (default 20, at most 500)")
    p.add_argument("--offset", type=non_negative, default=0, help="skip this many first")
    p.add_argument("--json", action="store_true", help="print JSON")
    workspace_options(p)
    p.set_defaults(handler=cmd_search)

    p = actions.add_parser("show", help="a customer's profile, latest events and journeys")
    p.add_argument("identifier", metavar="IDENTIFIER", help=f"the customer: {IDENTIFIER_FORMS}")
    p.add_argument("--events", type=non_negative, default=10, help="latest events to show (default 10)")
    p.add_argument("--full", action="store_true",
                   help=f"print long values whole (otherwise cut at {SHOWN_VALUE} characters, event properties "
                        f"at {SHOWN_PROPERTIES})")
    p.add_argument("--json", action="store_true", help="print JSON")
    workspace_options(p)
    p.set_defaults(handler=cmd_show)

    p = actions.add_parser("export", help="everything stored about a customer, as JSON")
    p.add_argument("identifier", metavar="IDENTIFIER", help=f"the customer: {IDENTIFIER_FORMS}")
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of printing")
    workspace_options(p)
    p.set_defaults(handler=cmd_export)

    p = actions.add_parser(
        "merge", help="merge two profiles of one person into one (cannot be undone)",
        description="Merge the profile OTHER into the profile KEEP: OTHER's identifiers, events, journey runs, "
                    "messages, segment memberships and opt-outs move to KEEP and OTHER is deleted. KEEP's "
                    "attributes win where both have one; tags are combined; the most restrictive consent wins. "
                    "The merge is recorded in the workspace's merge history (docs/identity.md).")
    p.add_argument("keep", metavar="KEEP", help=f"the profile that stays: {IDENTIFIER_FORMS}")
    p.add_argument("other", metavar="OTHER", help="the profile merged into KEEP and then deleted, written the "
                                                  "same way")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.add_argument("--allow-two-user-ids", action="store_true",
                   help="merge even though both profiles hold a user id (one person with two accounts); "
                        "the kept profile then holds both")
    p.add_argument("--json", action="store_true", help="print the result as JSON (the question goes to stderr)")
    workspace_options(p)
    p.set_defaults(handler=cmd_merge)

    p = actions.add_parser("delete", help="erase a customer and everything about them (cannot be undone)")
    p.add_argument("identifier", metavar="IDENTIFIER", help=f"the customer: {IDENTIFIER_FORMS}")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    workspace_options(p)
    p.set_defaults(handler=cmd_delete)


def _ids(pairs: Any) -> str:
    return ", ".join(f"{kind}:{value}" for kind, value in pairs) or "no identifiers"


# ---------------------------------------------------------------------------------------------
# Handlers
# ---------------------------------------------------------------------------------------------


def cmd_search(args: argparse.Namespace) -> int:
    from engine.track.profiles import MAX_PAGE, search

    with _open(args, write=False) as ws:
        page = search(ws, args.text, args.offset, min(args.limit, MAX_PAGE), attribute=args.attribute)
    if args.json:
        _out(_json({"total": page.total, "offset": page.offset, "customers": [
            {"id": c.id, "label": c.label, "identifiers": [{"kind": k, "value": v} for k, v in c.identifiers],
             "attributes": c.attributes, "tags": list(c.tags), "updated_at": c.updated_at}
            for c in page.items]}))
        return 0
    for c in page.items:
        _out(f"{c.id}  {c.label}  ({_ids(c.identifiers)})")
    if page.total == 0:
        _out("no customers" + (f" match '{args.text}'" if args.text else ""))
    else:
        shown = len(page.items)
        first = page.offset + 1 if shown else page.offset
        _out(f"{first:,}–{page.offset + shown:,} of {_plural(page.total, 'customer')}" if shown
             else f"{_plural(page.total, 'customer')}; none past {page.offset:,}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from engine.track.profiles import MAX_PAGE, profile, resolve

    with _open(args, write=False) as ws:
        found = profile(ws, resolve(ws, args.identifier), events_limit=min(args.events, MAX_PAGE))
    c = found.customer
    if args.json:
        _out(_json({
            "id": c.id, "identifiers": [{"kind": k, "value": v} for k, v in c.identifiers],
            "attributes": c.attributes, "consent": c.consent, "tags": list(c.tags), "time_zone": c.time_zone,
            "created_at": c.created_at, "updated_at": c.updated_at, "first_event_at": found.first_event_at,
            "segments": [{"id": i, "name": n, "since": t} for i, n, t in found.segments],
            "opt_outs": [{"channel_kind": k, "address": a} for k, a in found.opt_outs],
            "event_count": found.events.total,
            "events": [{"id": e.id, "name": e.name, "properties": e.properties, "occurred_at": e.occurred_at,
                        "source": e.source} for e in found.events.items],
            "journeys": [{"run_id": r.run_id, "journey_id": r.journey_id, "journey": r.journey_name,
                          "version": r.version_number, "mode": r.mode, "status": r.status,
                          "node_id": r.node_id, "node": r.node_title, "started_at": r.started_at,
                          "updated_at": r.updated_at, "converted": r.converted} for r in found.journeys]}))
        return 0
    _out(f"customer {c.id}")
    _out(f"  identifiers: {_ids(c.identifiers)}")
    width = None if args.full else SHOWN_VALUE
    if c.attributes:
        _out("  attributes:")
        for name in sorted(c.attributes, key=lambda k: (str(k).casefold(), str(k))):
            _out(f"    {name}: {_shown(c.attributes[name], width)}")
    else:
        _out("  attributes:  none")
    consent = (", ".join(f"{k} {'yes' if v else 'no'}" for k, v in sorted(c.consent.items()))
               or "none recorded")
    _out(f"  consent:     {consent}")
    _out(f"  tags:        {', '.join(c.tags) or 'none'}")
    _out(f"  time zone:   {c.time_zone or 'not set'}")
    if found.segments:
        _out(f"  segments:    {', '.join(name for _, name, _ in found.segments)}")
    if found.opt_outs:
        _out(f"  opted out:   {', '.join(f'{k} {a}' for k, a in found.opt_outs)}")
    _out(f"events: {found.events.total:,}" + (", newest first:" if found.events.items else ""))
    for e in found.events.items:
        props = _shown(e.properties, None if args.full else SHOWN_PROPERTIES) if e.properties else ""
        _out(f"  {e.occurred_at.isoformat()}  {e.name}  {props}".rstrip())
    _out(f"journeys: {len(found.journeys):,}")
    for r in found.journeys:
        where = f"at {r.node_title or r.node_id}" if r.status != "done" else "finished"
        _out(f"  {r.journey_name} v{r.version_number} ({r.mode}): {r.status}, {where}; started "
             f"{r.started_at.isoformat()}" + (", converted" if r.converted else ""))
    return 0


def _shown(value: Any, width: int | None) -> str:
    """``value`` on one line (text as it is, anything else as JSON), cut to ``width`` terminal
    columns (a Chinese character takes two) with a note of its whole length (``None``: whole)."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = " ".join(text.splitlines()) if "\n" in text or "\r" in text else text
    if width is None or len(text) <= width // 2 or columns(text) <= width:
        return text
    return f"{cut(text, width).rstrip()}… ({len(text):,} characters; --full or --json shows all)"


def cmd_export(args: argparse.Namespace) -> int:
    from engine.track.profiles import export, resolve

    with _open(args, write=False) as ws:
        data = export(ws, resolve(ws, args.identifier))
    text = _json(data) + "\n"
    if not args.out:
        sys.stdout.write(text)
        return 0
    target = Path(args.out)
    _write_file(target, text)
    _out(f"exported customer {data['customer_id']} ({_plural(len(data['events']), 'event')}, "
         f"{_plural(len(data['journey_runs']), 'journey run')}) to {target}")
    return 0


def _write_file(target: Path, text: str) -> None:
    """Write ``text`` whole or not at all: a temporary file in the same folder, then a rename."""
    folder = target.parent if str(target.parent) else Path(".")
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    except OSError as exc:
        raise JourneyStudioError(f"cannot write there: {exc.strerror or exc}", where=str(target)) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise JourneyStudioError(f"cannot write the file: {exc.strerror or exc}", where=str(target)) from None


def cmd_delete(args: argparse.Namespace) -> int:
    from engine.track.profiles import erase, events_page, journey_runs, resolve

    with _open(args, write=True) as ws:
        customer_id = resolve(ws, args.identifier)
        record = ws.get_customer(customer_id)
        events = events_page(ws, customer_id, limit=0).total
        runs = journey_runs(ws, customer_id)
        summary = (f"customer {customer_id} ({_ids(record.identifiers)}; {_plural(events, 'event')}, "
                   f"{_plural(len(runs), 'journey run')})")
        if not args.yes:
            if not sys.stdin.isatty():
                raise JourneyStudioError(f"nothing deleted: deleting {summary} needs confirmation in a terminal "
                                         "(an answer from a pipe is not read); add --yes to delete without asking")
            sys.stdout.write(f"Delete {summary} and everything about them? This cannot be undone. [y/N] ")
            sys.stdout.flush()
            answer = sys.stdin.readline().strip().casefold()
            if answer not in CONFIRM_WORDS:
                _out("nothing deleted")
                return 1
        done = erase(ws, customer_id)
    parts = [_plural(done.events, "event"), _plural(done.identifiers, "identifier"),
             _plural(done.runs, "journey run")
             + (f" ({done.open_runs:,} still open)" if done.open_runs else ""),
             _plural(done.steps, "step-log line"), _plural(done.deliveries, "delivery", "deliveries"),
             _plural(done.segment_memberships, "segment membership")]
    if done.identity_merges:
        parts.append(_plural(done.identity_merges, "merge record"))
    _out(f"deleted customer {customer_id}: {', '.join(parts)}")
    if done.opt_outs_kept:
        _out(f"kept {_plural(done.opt_outs_kept, 'opt-out')} by address only, so that the address is "
             "never contacted again")
    _out("data about them imported or sent again later makes a new profile: take them out of your export "
         "files and the systems that send their events too")
    return 0


def _side(label: str, side: Any) -> str:
    name = side.summary.name
    who = f"customer {side.customer.id}" + (f" ({name})" if name else "")
    return (f"  {label} {who}: {_ids(side.customer.identifiers)}; {_plural(side.events, 'event')}, "
            f"{_plural(side.journey_runs, 'journey run')}")


def cmd_merge(args: argparse.Namespace) -> int:
    from engine.track.profiles import merge, merge_plan, resolve

    with _open(args, write=True) as ws:
        kept_id, other_id = resolve(ws, args.keep), resolve(ws, args.other)
        if kept_id == other_id:
            raise JourneyStudioError(f"nothing merged: '{args.keep}' and '{args.other}' both name customer "
                                     f"{kept_id}; give two different customers")
        plan = merge_plan(ws, kept_id, other_id)
        if plan.conflict is not None and not args.allow_two_user_ids:
            raise JourneyStudioError(f"nothing merged: {plan.conflict}. If they are one person with two "
                                     "accounts, add --allow-two-user-ids; the kept profile then holds both")
        lines = [f"Merge customer {other_id} into customer {kept_id}?",
                 _side("keep: ", plan.kept), _side("merge:", plan.merged),
                 f"Customer {other_id}'s identifiers, events, journey runs, messages, segment memberships and "
                 f"opt-outs move to customer {kept_id}, and customer {other_id} is deleted."]
        if plan.runs_to_end:
            lines.append(f"{_plural(plan.runs_to_end, 'open journey run')} of customer {other_id} will end: "
                         f"customer {kept_id} is in the middle of the same journey.")
        if plan.conflict is not None:
            lines.append(f"Customer {kept_id} will hold both user ids.")
        lines.append("The merge is recorded in the merge history; it cannot be undone.")
        if not args.yes:
            if not sys.stdin.isatty():
                raise JourneyStudioError(
                    f"nothing merged: merging customer {other_id} into customer {kept_id} needs confirmation in a "
                    "terminal (an answer from a pipe is not read); add --yes to merge without asking")
            ask = sys.stderr if args.json else sys.stdout
            ask.write("\n".join(lines) + " [y/N] ")
            ask.flush()
            answer = sys.stdin.readline().strip().casefold()
            if answer not in CONFIRM_WORDS:
                ask.write("nothing merged\n")
                return 1
        done = merge(ws, kept_id, other_id, allow_two_user_ids=args.allow_two_user_ids)
    record, kept = done.record, done.customer
    if args.json:
        _out(_json({
            "kept_customer_id": record.kept_customer_id, "merged_customer_id": record.merged_customer_id,
            "identifiers_moved": [{"kind": k, "value": v} for k, v in record.moved],
            "events_moved": done.events_moved, "journey_runs_moved": done.runs_moved,
            "journey_runs_ended": list(record.ended_runs),
            "identifiers": [{"kind": k, "value": v} for k, v in kept.identifiers], "at": record.at}))
        return 0
    moved = f" ({_ids(record.moved)})" if record.moved else ""
    _out(f"merged customer {record.merged_customer_id} into customer {record.kept_customer_id}: "
         f"{_plural(len(record.moved), 'identifier')} moved{moved}, {_plural(done.events_moved, 'event')} moved, "
         f"{_plural(done.runs_moved, 'journey run')} moved"
         + (f" ({len(record.ended_runs):,} ended)" if record.ended_runs else ""))
    _out(f"customer {kept.id} now has: {_ids(kept.identifiers)}")
    return 0
