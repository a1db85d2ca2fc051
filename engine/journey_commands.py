"""``journey-studio journeys``: the workspace's journeys, headless.

``journeys list`` prints every journey with its status and latest published version. ``journeys
import FILE...`` adds journeys from ``.journey.json`` files as drafts (a file whose journey the
workspace holds already is added as a copy with a new id, as the app does; with ``--update`` it
replaces that journey's draft instead, for files kept under version control). ``journeys publish
NAME`` stores the draft as the next immutable version, ``journeys live NAME`` publishes it and
makes it live (the live engine, ``journey-studio run`` or the app, then runs it), ``journeys pause
NAME`` stops it taking new customers and moving runs on, and ``journeys export NAME FILE`` writes
the draft to a file. A draft with errors is refused with every problem, as ``validate`` prints them.

NAME is a journey's name exactly as saved, or its id; an unknown name is refused with the closest
one. ``list`` opens the workspace read-only; the other actions write and need it to themselves.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from engine.errors import JourneyStudioError, NotFound, PublishRefused
from engine.track.command_output import as_json as _json
from engine.track.command_output import err as _err
from engine.track.command_output import open_workspace as _open
from engine.track.command_output import out as _out
from engine.track.command_output import plural as _plural
from engine.track.command_output import usage as _usage


def add_commands(sub: argparse._SubParsersAction,
                 workspace_options: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``journeys list|import|publish|live|pause|archive|unarchive|export``."""
    group = sub.add_parser("journeys", help="list, import, publish, set live, pause or export journeys",
                           description="The workspace's journeys, without the app: import journey files, publish "
                                       "them and set them live for 'journey-studio run' to run.")
    workspace_options(group)
    actions = group.add_subparsers(dest="journeys_action", metavar="ACTION")
    group.set_defaults(handler=lambda _args: _usage(group))
    name_help = "a journey's name (or id)"

    p = actions.add_parser("list", help="every journey, its status and latest published version")
    p.add_argument("--archived", action="store_true", help="archived journeys too")
    p.add_argument("--json", action="store_true", help="print JSON")
    workspace_options(p)
    p.set_defaults(handler=cmd_list)

    p = actions.add_parser("import", help="add journeys from .journey.json files, as drafts")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--update", action="store_true",
                   help="a file whose journey the workspace holds (the same id) replaces that journey's draft, "
                        "instead of being added as a copy: edit a file under version control, then publish it")
    p.add_argument("--json", action="store_true", help="print JSON")
    workspace_options(p)
    p.set_defaults(handler=cmd_import)

    for action, text in (("publish", "store the draft as the next immutable version"),
                         ("live", "publish the draft and make the journey live"),
                         ("pause", "stop a live journey taking customers and moving runs on")):
        p = actions.add_parser(action, help=text)
        p.add_argument("name", metavar="NAME", help=name_help)
        if action == "publish":
            p.add_argument("--note", default="", help="a note stored with the version")
        p.add_argument("--json", action="store_true", help="print JSON")
        workspace_options(p)
        p.set_defaults(handler=cmd_change, action=action)

    for action, text in (("archive", "hide a journey that is not live from the list (nothing is deleted)"),
                         ("unarchive", "bring an archived journey back to the list")):
        p = actions.add_parser(action, help=text)
        p.add_argument("name", metavar="NAME", help=name_help)
        p.add_argument("--json", action="store_true", help="print JSON")
        workspace_options(p)
        p.set_defaults(handler=cmd_archive, archive=action == "archive")

    p = actions.add_parser("export", help="write a journey's draft to a .journey.json file")
    p.add_argument("name", metavar="NAME", help=name_help)
    p.add_argument("file", metavar="FILE")
    workspace_options(p)
    p.set_defaults(handler=cmd_export)


def _registry() -> Any:
    from engine.spec import default_registry

    return default_registry()


def find_journey(ws: Any, name: str) -> Any:
    """The journey named ``name`` (exactly, then ignoring case) or with that id; NotFound naming the
    closest name otherwise."""
    journeys = ws.list_journeys(include_archived=True)
    wanted = name.strip()
    for test in (lambda j: j.id == wanted, lambda j: j.name == wanted,
                 lambda j: j.name.casefold() == wanted.casefold()):
        found = [j for j in journeys if test(j)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            ids = ", ".join(j.id for j in found)
            raise NotFound(f"{len(found)} journeys are called '{wanted}' ({ids}); give the id", where=ws.location)
    from engine.track.segments import closest_name

    close = closest_name(wanted, [j.name for j in journeys])
    hint = f"; did you mean '{close}'?" if close else \
        ("; 'journey-studio journeys list' lists them" if journeys else "; the workspace has no journeys yet")
    raise NotFound(f"there is no journey '{wanted}'{hint}", where=ws.location)


def _row(j: Any) -> dict[str, Any]:
    return {"id": j.id, "name": j.name, "status": "archived" if j.archived else j.status,
            "latest_version": j.latest_version, "nodes": j.node_count, "updated_at": j.updated_at}


def cmd_list(args: argparse.Namespace) -> int:
    with _open(args, write=False) as ws:
        journeys = ws.list_journeys(include_archived=args.archived)
    rows = [_row(j) for j in journeys]
    if args.json:
        _out(_json(rows))
        return 0
    if not rows:
        _out("no journeys yet: 'journey-studio journeys import FILE.journey.json' adds one (or use the app)")
        return 0
    for r in rows:
        version = f"version {r['latest_version']}" if r["latest_version"] else "not published"
        _out(f"{r['name']}  {r['status']}, {version}, {_plural(r['nodes'], 'node')}  ({r['id']})")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from engine.document import load, new_id

    journeys = []
    for name in args.files:  # every file is read before anything is stored
        try:
            journeys.append(load(name))
        except JourneyStudioError as exc:
            raise JourneyStudioError(f"{exc.message}; nothing was imported", where=name) from None
    added = []
    from engine.cli import workspace_location
    from engine.store.workspace import Workspace

    with Workspace.open(workspace_location(args)) as ws:  # made if need be, as 'import customers' does
        existing = {j.id for j in ws.list_journeys(include_archived=True)}
        for journey in journeys:
            if journey.id in existing and args.update:
                info = ws.save_draft(journey)
                added.append({**_row(info), "updated": True})
                continue
            copy = journey.id in existing
            if copy:
                # A copy starts as a draft: the file may say live, but the copy has no version yet.
                journey = journey.copy_deep()
                journey.id = new_id()
                journey.settings.status = "draft"
            info = ws.create_journey(journey)
            existing.add(info.id)
            added.append({**_row(info), "updated": False, "copy": copy})
    if args.json:
        _out(_json(added))
    else:
        for r in added:
            if r["updated"]:
                _out(f"updated the draft of '{r['name']}' ({r['id']}); 'journeys publish' makes it a version")
            elif r["copy"]:
                _out(f"imported '{r['name']}' as a copy with a new id ({r['id']}), as the workspace holds that "
                     "journey already; 'journeys import --update FILE' replaces its draft instead, and "
                     f"'journeys archive {r['id']}' hides this copy")
            else:
                _out(f"imported '{r['name']}' as a draft ({r['id']})")
    return 0


def cmd_archive(args: argparse.Namespace) -> int:
    with _open(args, write=True) as ws:
        info = find_journey(ws, args.name)
        if args.archive and info.status == "live":
            raise JourneyStudioError(f"'{info.name}' is live: pause it first ('journey-studio journeys pause "
                                     f"{info.id}'), then archive it", where=ws.location)
        info = ws.archive_journey(info.id, args.archive)
    if args.json:
        _out(_json(_row(info)))
    elif args.archive:
        _out(f"archived '{info.name}': 'journeys list --archived' shows it, 'journeys unarchive' brings it back")
    else:
        _out(f"'{info.name}' is back in the list")
    return 0


def cmd_change(args: argparse.Namespace) -> int:
    action = args.action
    with _open(args, write=True) as ws:
        info = find_journey(ws, args.name)
        version = None
        if action == "pause":
            if info.status not in ("live", "paused"):
                raise JourneyStudioError(f"'{info.name}' is {info.status}, not live: nothing to pause", where=ws.location)
            ws.set_status(info.id, "paused")  # pausing a paused journey changes nothing
        else:
            previous = info.status
            try:
                if action == "live":
                    # As the app does: the status goes into the version, so pausing and going live
                    # again publishes no new one.
                    ws.set_status(info.id, "live")
                version = ws.publish(info.id, _registry(), getattr(args, "note", ""))
            except PublishRefused as exc:
                if action == "live":
                    ws.set_status(info.id, previous)
                draft = ws.load_draft(info.id)
                raise JourneyStudioError(_refused_text(exc, draft), where=ws.location) from None
        info = find_journey(ws, info.id)
        missing = _missing_accounts(ws, info.id, version.number) if action == "live" and version else {}
    if args.json:
        _out(_json({**_row(info), "version": version.number if version is not None else None,
                    **({"missing_channels": sorted(missing)} if missing else {})}))
        return 0
    for account, kind in sorted(missing.items()):
        _err(f"warning: '{info.name}' sends through channel '{account}', which is not set up in this workspace: "
             f"'journey-studio channels add {account} --kind ...' adds it"
             + (" (or give 'journey-studio run' --smtp-host)" if kind == "email" else "")
             + "; until then its messages are recorded as failed")
    if action == "pause":
        _out(f"paused '{info.name}': it takes no new customers and its runs wait until it is live again")
    elif action == "live":
        _out(f"'{info.name}' is live with version {version.number}: 'journey-studio run' (or the app) runs it")
    else:
        _out(f"published '{info.name}' as version {version.number}")
    return 0


def channel_accounts(journey: Any, registry: Any, into: dict[str, str] | None = None) -> dict[str, str]:
    """The channel accounts (id → channel kind) the journey's send and notify nodes go through,
    added to ``into``."""
    found = {} if into is None else into
    for node in journey.nodes:
        spec = registry.get(node.type)
        if spec is None or not spec.executable or spec.run is None:
            continue
        config = spec.parse_config(node.config, node_id=node.id)
        channel = getattr(config, "channel", None)
        if isinstance(channel, str) and channel:
            found.setdefault(channel, str(getattr(config, "channel_kind", "") or ""))
    return found


def _missing_accounts(ws: Any, journey_id: str, version: int) -> dict[str, str]:
    """The channel accounts (id → kind) the version's messages go through that the workspace does
    not have."""
    from engine.channels.accounts import AccountStore

    used = channel_accounts(ws.load_version(journey_id, version), _registry())
    have = {account.id for account in AccountStore(ws).list()}
    return {account: kind for account, kind in used.items() if account not in have}


def _refused_text(exc: PublishRefused, journey: Any) -> str:
    errors = [i for i in exc.issues if getattr(i, "severity", "error") == "error"]
    lines = [f"'{journey.name}' cannot be published: {_plural(len(errors), 'error')}"]
    lines += [f"  {issue.describe(journey)}" for issue in errors]
    return "\n".join(lines)


def cmd_export(args: argparse.Namespace) -> int:
    from engine.document import save

    with _open(args, write=False) as ws:
        info = find_journey(ws, args.name)
        journey = ws.load_draft(info.id)
    try:
        save(journey, args.file)
    except OSError as exc:
        raise JourneyStudioError(f"cannot write there: {exc.strerror or exc}", where=args.file) from None
    _out(f"exported '{info.name}' to {args.file}")
    return 0
