"""``journey-studio profiles``: find, show, export, merge or erase customers' data, headless.

``IDENTIFIER`` is ``kind:value`` (``email:ann@example.com``, ``user_id:42``, ``phone:+8613800000000``,
``custom:crm:17``), a bare e-mail or phone number, any identifier value, or a customer id (see
:func:`engine.track.profiles.resolve`). Reading commands open the workspace read-only, so they work
while the app or ``journey-studio run`` has it open.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from engine.cli import non_negative
from engine.errors import JourneyStudioError
from engine.identifiers import calling_prefix
from engine.track.command_output import as_json as _json
from engine.track.command_output import confirmed, cut
from engine.track.command_output import open_workspace as _open
from engine.track.command_output import out as _out
from engine.track.command_output import plural as _plural
from engine.track.command_output import usage as _usage
from engine.track.command_output import width as columns

#: ``profiles show`` cuts an attribute's value, and an event's properties, to this many characters.
SHOWN_VALUE = 200
SHOWN_PROPERTIES = 300
#: Examples of each kind that ``profiles phones`` prints; lists of merges and refusals are cut at
#: :data:`SHOWN_PAIRS` (``--json`` has them all).
SHOWN_EXAMPLES = 3
SHOWN_PAIRS = 10
#: What an IDENTIFIER argument may be (the forms :func:`engine.track.profiles.resolve` reads).
IDENTIFIER_FORMS = ("an e-mail address, a phone number, kind:value (such as user_id:1001, anonymous_id:abc, "
                    "email:ann@example.com or custom:crm:17) or a customer id")


def add_commands(sub: argparse._SubParsersAction,
                 workspace_options: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``profiles search|show|export|merge|delete|phones``."""
    group = sub.add_parser("profiles", help="find, show, export, merge or erase customers' data",
                           description="Find, show, export, merge or erase customers' data.")
    workspace_options(group)
    actions = group.add_subparsers(dest="profiles_action", metavar="ACTION")
    group.set_defaults(handler=lambda _args: _usage(group))

    p = actions.add_parser("search", help="customers whose id, identifiers, tags or attributes contain TEXT")
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

    p = actions.add_parser(
        "export", help="everything stored about a customer, as JSON",
        description="Everything stored about a customer, as JSON: identifiers, attributes, consent, tags, events, "
                    "journey runs with their steps and messages, opt-outs and merges. 'segments' lists the saved "
                    "segments the customer was a member of at each segment's last refresh (the membership that "
                    "starts journeys); 'segments_matching_now' the saved segments whose rules pick the customer "
                    "now.")
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

    p = actions.add_parser(
        "phones", help="phone numbers stored without a country code: what writing them with one does (--rewrite "
                       "does it)",
        description="Phone numbers stored before the workspace had a phone country keep the form they were "
                    "stored in (0612345678), so they name another customer than the same number with its "
                    "country code (+33612345678). This says how many there are and what writing them with their "
                    "country code would do; --rewrite does it: a number nobody holds with its code is rewritten, "
                    "a copy its customer already holds with its code is removed, and a profile whose number "
                    "another customer holds with its code is merged into that customer's profile (recorded in "
                    "the merge history). Numbers that are not valid in the country are kept as written.")
    p.add_argument("--country", metavar="CC",
                   help="read the numbers as numbers of this country (an ISO code such as FR, DE, GB, CN or US; "
                        "default: the workspace's phone country, set by 'import ... --phone-country CC')")
    p.add_argument("--rewrite", action="store_true", help="write the numbers with their country code (cannot be "
                                                          "undone)")
    p.add_argument("--yes", action="store_true", help="with --rewrite: do not ask for confirmation")
    p.add_argument("--json", action="store_true", help="print JSON (the question goes to stderr)")
    workspace_options(p)
    p.set_defaults(handler=cmd_phones)


def _ids(pairs: Any) -> str:
    return ", ".join(f"{kind}:{value}" for kind, value in pairs) or "no identifiers"


# ---------------------------------------------------------------------------------------------
# Handlers
# ---------------------------------------------------------------------------------------------


def cmd_search(args: argparse.Namespace) -> int:
    from engine.track.profiles import MAX_PAGE, search

    hint = None
    with _open(args, write=False) as ws:
        page = search(ws, args.text, args.offset, min(args.limit, MAX_PAGE), attribute=args.attribute)
        if page.total == 0 and args.attribute:
            hint = _attribute_hint(ws, args.attribute)
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
        if hint:
            _out(f"note: {hint}")
    else:
        shown = len(page.items)
        first = page.offset + 1 if shown else page.offset
        _out(f"{first:,}–{page.offset + shown:,} of {_plural(page.total, 'customer')}" if shown
             else f"{_plural(page.total, 'customer')}; none past {page.offset:,}")
    return 0


def _attribute_hint(ws: Any, name: str) -> str | None:
    """Why searching the attribute ``name`` found nobody, when no customer has it: names are
    exact, so the closest one there is (``Ville`` for ``ville``); e-mail addresses and phone
    numbers that identify customers are searched without ``--attribute``."""
    from engine.track.segments import closest_name, known_names, missing_names

    _events, missing = missing_names(ws, events=set(), attributes={name})
    if not missing:
        return None
    hint = f"no customer has an attribute '{name}' (names are exact, capitals and accents included)"
    if name.casefold() in ("email", "phone", "e-mail", "mail", "mobile"):
        return hint + "; the e-mail addresses and phone numbers that identify customers are searched without " \
                      "--attribute"
    close = closest_name(name, known_names(ws).attributes)
    return hint + (f"; did you mean '{close}'?" if close else "")


def cmd_show(args: argparse.Namespace) -> int:
    from engine.track.profiles import MAX_PAGE, profile

    with _open(args, write=False) as ws:
        found = profile(ws, _resolve(ws, args.identifier), events_limit=min(args.events, MAX_PAGE))
    c = found.customer
    if args.json:
        _out(_json({
            "id": c.id, "identifiers": [{"kind": k, "value": v} for k, v in c.identifiers],
            "attributes": c.attributes, "consent": c.consent, "tags": list(c.tags), "time_zone": c.time_zone,
            "created_at": c.created_at, "updated_at": c.updated_at, "first_event_at": found.first_event_at,
            "segments": [{"id": i, "name": n, "since": t} for i, n, t in found.segments],
            "segments_matching_now": [{"id": i, "name": n} for i, n in found.matching_now],
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
    _out(f"  matches now: {', '.join(name for _, name in found.matching_now) or 'no saved segment'}")
    stored = [name for _, name, _ in found.segments]
    if stored != [name for _, name in found.matching_now]:
        # What starts journeys, as of each segment's last refresh by the engine.
        _out(f"  stored in:   {', '.join(stored) or 'no segment yet'} (as of the engine's last look)")
    if found.opt_outs:
        _out(f"  opted out:   {', '.join(f'{k} {a}' for k, a in found.opt_outs)}")
    _out(f"events: {found.events.total:,}" + (", newest first:" if found.events.items else ""))
    for e in found.events.items:
        props = _shown(e.properties, None if args.full else SHOWN_PROPERTIES) if e.properties else ""
        _out(f"  {_local(e.occurred_at)}  {e.name}  {props}".rstrip())
    _out(f"journeys: {len(found.journeys):,}")
    for r in found.journeys:
        where = f"at {r.node_title or r.node_id}" if r.status != "done" else "finished"
        _out(f"  {r.journey_name} v{r.version_number} ({r.mode}): {r.status}, {where}; started "
             f"{_local(r.started_at)}" + (", converted" if r.converted else ""))
    return 0


def _local(moment: Any) -> str:
    """A stored time as this computer's local time, to the second, with its UTC offset (as the app
    shows times; ``--json`` keeps UTC): ``2024-05-05 22:01:00 +02:00``."""
    from datetime import UTC

    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    local = aware.astimezone()
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M:%S} {offset[:3]}:{offset[3:]}" if offset else f"{local:%Y-%m-%d %H:%M:%S}"


def _shown(value: Any, width: int | None) -> str:
    """``value`` on one line (text as it is, anything else as JSON), cut to ``width`` terminal
    columns (a Chinese character takes two) with a note of its whole length (``None``: whole)."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = " ".join(text.splitlines()) if "\n" in text or "\r" in text else text
    if width is None or len(text) <= width // 2 or columns(text) <= width:
        return text
    return f"{cut(text, width).rstrip()}… ({len(text):,} characters; --full or --json shows all)"


def cmd_export(args: argparse.Namespace) -> int:
    from engine.track.profiles import export

    with _open(args, write=False) as ws:
        data = export(ws, _resolve(ws, args.identifier))
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
    """Write ``text`` whole or not at all: a temporary file in the same folder, then a rename. The
    file gets the permissions any file gets (those of the file it replaces, if there is one), as a
    segment's member export does."""
    from engine.files import new_file_beside, replace_file

    try:
        temp = new_file_beside(target, suffix="")
    except OSError as exc:
        raise JourneyStudioError(f"cannot write there: {exc.strerror or exc}", where=str(target)) from None
    try:
        with open(temp, "w", encoding="utf-8") as f:
            f.write(text)
        replace_file(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise JourneyStudioError(f"cannot write the file: {exc.strerror or exc}", where=str(target)) from None


def cmd_delete(args: argparse.Namespace) -> int:
    from engine.track.profiles import erase, events_page, journey_runs

    with _open(args, write=True) as ws:
        customer_id = _resolve(ws, args.identifier)
        record = ws.get_customer(customer_id)
        events = events_page(ws, customer_id, limit=0).total
        runs = journey_runs(ws, customer_id)
        summary = (f"customer {customer_id} ({_ids(record.identifiers)}; {_plural(events, 'event')}, "
                   f"{_plural(len(runs), 'journey run')})")
        if not args.yes and not confirmed(f"Delete {summary} and everything about them? This cannot be undone.",
                                          doing=f"deleting {summary}", verb="delete", nothing="nothing deleted"):
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
    from engine.track.profiles import merge, merge_plan

    with _open(args, write=True) as ws:
        kept_id, other_id = _resolve(ws, args.keep), _resolve(ws, args.other)
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
        if not args.yes and not confirmed("\n".join(lines), doing=f"merging customer {other_id} into customer "
                                          f"{kept_id}", verb="merge", nothing="nothing merged", to_stderr=args.json):
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


# ---------------------------------------------------------------------------------------------
# profiles phones
# ---------------------------------------------------------------------------------------------


def _resolve(ws: Any, text: str) -> str:
    """The customer ``text`` names (:func:`engine.track.profiles.resolve`); when it names none and
    looks like a name or an attribute value (张伟, Zoé Petit), the error says how to search for it."""
    import shlex

    from engine.errors import NotFound
    from engine.track.profiles import resolve

    try:
        return resolve(ws, text)
    except NotFound as exc:
        value = str(text).strip()
        if not value or ":" in value or "@" in value or any(c.isdigit() for c in value):
            raise
        raise NotFound(f"{exc.message}; to find customers by name or any attribute value: journey-studio "
                       f"profiles search {shlex.quote(value)}", where=exc.where) from None


def cmd_phones(args: argparse.Namespace) -> int:
    from engine.identifiers import COUNTRY_EXAMPLES, PhoneCountryError, check_phone_country, phone_country_of
    from engine.track.phone_rewrite import PhoneRewriteStopped, local_phone_count, plan_phones, rewrite_phones

    chosen = None
    if args.country is not None:
        try:
            chosen = check_phone_country(args.country)
        except PhoneCountryError:
            hint = "; the United Kingdom is GB" if args.country.strip().upper() == "UK" else ""
            raise JourneyStudioError(f"--country: '{args.country.strip()}' is not a country code for phone "
                                     f"numbers{hint}: give a two-letter ISO 3166-1 code such as "
                                     f"{COUNTRY_EXAMPLES}") from None
    with _open(args, write=args.rewrite) as ws:
        try:
            remembered = check_phone_country(phone_country_of(ws) or "")
        except PhoneCountryError:
            remembered = None
        country = chosen or remembered
        if country is None and local_phone_count(ws) == 0:
            # Every number has its country code: no country is needed to say there is nothing to do.
            if args.json:
                _out(_json({"action": "report", "country": None,
                            "counts": {"without_country_code": 0, "to_e164": 0, "in_place": 0, "merges": 0,
                                       "merges_refused": 0, "already_held": 0, "not_valid": 0},
                            "nothing_to_do": True, "command": None, "in_place": [], "merges": [],
                            "already_held": [], "not_valid": []}))
            else:
                _out("no phone numbers are stored without a country code: nothing to do")
            return 0
        if country is None:
            raise JourneyStudioError(
                "the workspace has no phone country, so nothing says which country the numbers stored without a "
                "country code are in: give it with --country CC (such as FR), or import with --phone-country CC "
                "so that the workspace remembers it")
        plan = plan_phones(ws, country)
        command = _phones_command(args, country, remembered)
        if not args.rewrite or plan.nothing_to_do:
            _phones_report(args, plan, command, remembered)
            return 0
        if not args.yes and not confirmed(
                "\n".join(_phones_question(plan)), verb="rewrite", nothing="nothing rewritten", to_stderr=args.json,
                doing=f"changing {_plural(plan.actionable, 'phone number')} stored without a country code"):
            return 1
        try:
            done = rewrite_phones(ws, plan)
        except PhoneRewriteStopped as exc:
            _phones_outcome(args, exc.outcome, remembered, error=exc.message)
            if not exc.interrupted and not args.json:
                raise
            from engine.cli import PROG

            # With --json the outcome printed holds the error already: one JSON object, then the line.
            sys.stderr.write(f"{PROG}: {'' if exc.interrupted else 'error: '}{exc.message}\n")
            return 130 if exc.interrupted else 1
    _phones_outcome(args, done, remembered)
    return 0


def _phones_command(args: argparse.Namespace, country: str, remembered: str | None) -> str:
    from engine.cli import PROG

    parts = [PROG, "profiles", "phones", "--rewrite"]
    if country != remembered:
        parts += ["--country", country]
    if getattr(args, "db", None):
        from sqlalchemy.engine import make_url

        try:
            shown = make_url(args.db).render_as_string(hide_password=True)
        except Exception:  # not a URL SQLAlchemy reads: the workspace would not have opened
            shown = "URL"
        parts += ["--db", shlex.quote(shown)]
    elif getattr(args, "workspace", None):
        parts += ["--workspace", shlex.quote(str(args.workspace))]
    return " ".join(parts)


def _number(p: Any) -> dict[str, Any]:
    data = {"customer_id": p.customer_id, "number": p.number}
    if p.e164 is not None:
        data["e164"] = p.e164
    if p.holder_id is not None:
        data.update(holder_id=p.holder_id, two_user_ids=p.two_user_ids)
    return data


def _pair(m: Any, *, merged: bool = True) -> dict[str, Any]:
    pair = {"kept_customer_id": m.kept_id, "merged_customer_id": m.merged_id, "number": m.number, "e164": m.e164}
    if merged:  # a refused merge moved nothing
        pair["events_moved"] = m.events_moved
    return pair


def _examples(items: Any, line: Callable[[Any], str], shown: int = SHOWN_EXAMPLES, *,
              indent: str = "    ") -> None:
    items = list(items)
    for item in items[:shown]:
        _out(f"{indent}{line(item)}")
    if len(items) > shown:
        _out(f"{indent}and {len(items) - shown:,} more (--json lists them all)")


def _eg(items: Any) -> str:
    """What comes before the examples of a list: all of it, or some."""
    return ", for example:" if len(items) > SHOWN_EXAMPLES else ":"


def _country_note(country: str, remembered: str | None) -> None:
    if remembered is None:
        _out(f"note: the workspace has no phone country, so later imports and the collector keep numbers written "
             f"without a country code as written; import with --phone-country {country} to read them as {country} "
             "numbers")
    elif remembered != country:
        _out(f"note: the workspace reads numbers written without a country code as {remembered} numbers, not "
             f"{country}")


def _phones_report(args: argparse.Namespace, plan: Any, command: str, remembered: str | None) -> None:
    cc, code = plan.country, calling_prefix(plan.country)
    if args.json:
        _out(_json({
            "action": "report", "country": cc,
            "counts": {"without_country_code": plan.local, "to_e164": plan.to_e164, "in_place": len(plan.in_place),
                       "merges": len(plan.merges), "merges_refused": plan.refused_merges,
                       "already_held": len(plan.already_held), "not_valid": len(plan.not_valid)},
            "nothing_to_do": plan.nothing_to_do, "command": None if plan.nothing_to_do else command,
            "in_place": [_number(p) for p in plan.in_place], "merges": [_number(p) for p in plan.merges],
            "already_held": [_number(p) for p in plan.already_held],
            "not_valid": [_number(p) for p in plan.not_valid]}))
        return
    if not plan.local:
        _out("no phone numbers are stored without a country code: nothing to do")
        return
    _out(f"{_plural(plan.local, 'phone number')} {'is' if plan.local == 1 else 'are'} stored without a country "
         f"code; read as {cc} numbers ({code}):")
    if plan.in_place:
        _out(f"  {len(plan.in_place):,} would be written with the country code{_eg(plan.in_place)}")
        _examples(plan.in_place, lambda p: f"customer {p.customer_id}: {p.number} → {p.e164}")
    if plan.merges:
        mergeable = [p for p in plan.merges if not p.two_user_ids]
        refused = [p for p in plan.merges if p.two_user_ids]
        _out(f"  {len(plan.merges):,} would then be a number another customer holds: the two profiles would be "
             f"merged, keeping the one that holds the {code} number" + (_eg(mergeable) if mergeable else ""))
        _examples(mergeable, lambda p: f"customer {p.customer_id} ({p.number}) into customer {p.holder_id} "
                                       f"({p.e164})")
        if refused:
            one = len(refused) == 1
            _out(f"  {'in' if mergeable else 'but in'} {_plural(len(refused), 'pair')} of these both profiles hold "
                 f"a user id: {'it' if one else 'they'} would be left as {'it is' if one else 'they are'}, to merge "
                 "by hand with 'journey-studio profiles merge KEEP OTHER --allow-two-user-ids' if they are one person"
                 + _eg(refused))
            _examples(refused, lambda p: f"customer {p.customer_id} ({p.number}) and customer {p.holder_id} "
                                         f"({p.e164})")
    if plan.already_held:
        _out(f"  {len(plan.already_held):,} {'is' if len(plan.already_held) == 1 else 'are'} held with the country "
             f"code by the same customer already: the copy without it would be removed{_eg(plan.already_held)}")
        _examples(plan.already_held, lambda p: f"customer {p.customer_id}: {p.number} (holds {p.e164})")
    if plan.not_valid:
        one = len(plan.not_valid) == 1
        _out(f"  {len(plan.not_valid):,} {f'is not a valid {cc} number' if one else f'are not valid {cc} numbers'} "
             f"and would be kept as written{_eg(plan.not_valid)}")
        _examples(plan.not_valid, lambda p: f"customer {p.customer_id}: {p.number}")
    if plan.nothing_to_do:
        _out("nothing to do" + (": the merges left need a decision by hand" if plan.merges else ""))
        return
    _out(f"to do it: {command}")
    _country_note(cc, remembered)


def _phones_question(plan: Any) -> list[str]:
    cc, code = plan.country, calling_prefix(plan.country)
    lines = [f"Write {_plural(plan.actionable, 'phone number')} stored without a country code as {cc} numbers "
             f"({code})?"]
    if plan.in_place:
        lines.append(f"  {len(plan.in_place):,} {'is' if len(plan.in_place) == 1 else 'are'} rewritten in place.")
    merges = len(plan.merges) - plan.refused_merges
    if merges:
        lines.append(f"  {_plural(merges, 'pair')} of profiles {'is' if merges == 1 else 'are'} merged into the "
                     f"profile that holds the {code} number (recorded in the merge history; a merge cannot be "
                     "undone).")
    if plan.refused_merges:
        one = plan.refused_merges == 1
        lines.append(f"  {_plural(plan.refused_merges, 'pair')} of profiles {'is' if one else 'are'} left as "
                     f"{'it is' if one else 'they are'}: both profiles hold a user id.")
    if plan.already_held:
        one = len(plan.already_held) == 1
        lines.append(f"  {_plural(len(plan.already_held), 'copy', 'copies')} without the country code "
                     f"{'is' if one else 'are'} removed: {'its' if one else 'their'} customer holds the {code} "
                     "number already.")
    if plan.not_valid:
        one = len(plan.not_valid) == 1
        lines.append(f"  {_plural(len(plan.not_valid), 'number')} that {'is' if one else 'are'} not valid in {cc} "
                     f"{'is' if one else 'are'} kept as written.")
    return lines


def _phones_outcome(args: argparse.Namespace, done: Any, remembered: str | None, *, error: str | None = None) -> None:
    cc, code = done.country, calling_prefix(done.country)
    if args.json:
        data = {"action": "rewrite", "country": cc,
                "counts": {"rewritten": len(done.rewritten), "removed": len(done.removed),
                           "merged": len(done.merged), "refused": len(done.refused),
                           "not_valid": len(done.not_valid), "skipped": len(done.skipped)},
                "rewritten": [_number(p) for p in done.rewritten], "removed": [_number(p) for p in done.removed],
                "merged": [_pair(m) for m in done.merged], "refused": [_pair(m, merged=False) for m in done.refused],
                "not_valid": [_number(p) for p in done.not_valid], "skipped": [_number(p) for p in done.skipped]}
        if error is not None:
            data["error"] = error
        _out(_json(data))
        return
    if done.rewritten:
        _out(f"rewrote {_plural(len(done.rewritten), 'phone number')} as {code} ({cc} numbers with their country "
             "code)")
    if done.removed:
        _out(f"removed {_plural(len(done.removed), 'copy', 'copies')} without the country code of numbers their "
             f"customer holds as {code} already")
    if done.merged:
        _out(f"merged {_plural(len(done.merged), 'pair')} of profiles that held one number in both forms, keeping "
             f"the one with the {code} number:")
        _examples(done.merged, lambda m: f"customer {m.merged_id} into customer {m.kept_id} ({m.number} = {m.e164}; "
                                         f"{_plural(m.events_moved, 'event')} moved)", SHOWN_PAIRS, indent="  ")
    if done.refused:
        _out(f"left {_plural(len(done.refused), 'pair')} of profiles as they are: both profiles of "
             f"{'the' if len(done.refused) == 1 else 'each'} pair hold a user id, so the merge was refused and the "
             "number without the country code stays; if they are one person, merge them by hand:")
        _examples(done.refused, lambda m: f"customer {m.merged_id} ({m.number}) and customer {m.kept_id} ({m.e164}): "
                                          f"journey-studio profiles merge {m.kept_id} {m.merged_id} "
                                          "--allow-two-user-ids", SHOWN_PAIRS, indent="  ")
    if done.skipped:
        _out(f"left {_plural(len(done.skipped), 'number')} as {'it was' if len(done.skipped) == 1 else 'they were'}: "
             "changed by someone else while this ran; run the command again for "
             f"{'it' if len(done.skipped) == 1 else 'them'}:")
        _examples(done.skipped, lambda p: f"customer {p.customer_id}: {p.number}", SHOWN_PAIRS, indent="  ")
    if done.not_valid:
        many = len(done.not_valid) != 1
        shown = ", ".join(f"customer {p.customer_id}: {p.number}" for p in done.not_valid[:SHOWN_EXAMPLES])
        more = (f" and {len(done.not_valid) - SHOWN_EXAMPLES:,} more" if len(done.not_valid) > SHOWN_EXAMPLES
                else "")
        _out(f"{_plural(len(done.not_valid), 'number')} {f'are not valid {cc} numbers' if many else f'is not a valid {cc} number'}"
             f" and {'were' if many else 'was'} kept as written: {shown}{more}")
    if error is None and not done.changed and not done.refused and not done.skipped:
        _out("nothing to do")
    if error is None and done.changed:
        _country_note(cc, remembered)
