"""``journey-studio collect``: run the collector headless, and manage its write keys.

``collect [--host 127.0.0.1] [--port 8765] [--write-key KEY ...]`` listens until Ctrl+C (or
SIGTERM), printing the counts as they change. It binds to this computer only unless ``--host``
says otherwise, and warns when it does. With no key stored in the workspace and none given, it
makes one once it listens (:func:`start_collector`: a port already in use makes no key that nobody
is shown), stores it (as a digest) and prints it once.

``collect keys list | add [--name NAME] [--key KEY] | remove NAME`` manages the stored keys.

Events that arrive are handed to the live journeys only in a process that runs them (the app, or a
command that hosts both the collector and the runner); see :class:`engine.track.collector.Collector`
``on_events``. ``collect`` says so when the workspace has live journeys.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Callable

#: Seconds between two lines of counts (printed only when something changed).
REPORT_EVERY = 5.0
#: Workspace meta holding where the last collector run from the command line listened (JSON
#: ``{"host": ..., "port": ...}``), so that the app taking the workspace over listens there too.
COLLECTOR_ADDRESS_META = "collector_address"
#: What a process that can be asked to hand the workspace over to the app records as its holder.
HANDS_OVER = ("journey-studio collect", "journey-studio run")


def remember_address(ws, collector) -> None:  # noqa: ANN001 - a Workspace and a Collector
    """Note where ``collector`` listens (:data:`COLLECTOR_ADDRESS_META`)."""
    ws.set_meta(COLLECTOR_ADDRESS_META, json.dumps({"host": collector.host, "port": collector.port}))


def address_used(ws) -> tuple[str, int] | None:  # noqa: ANN001 - a Workspace
    """Where the last collector run from the command line listened, if it did."""
    try:
        data = json.loads(ws.get_meta(COLLECTOR_ADDRESS_META) or "null")
        host, port = data["host"], int(data["port"])
    except (ValueError, TypeError, KeyError):
        return None
    return (host, port) if isinstance(host, str) and host and 0 < port < 65536 else None


def ask_to_stop(pid: int) -> None:
    """Ask the process ``pid`` (a ``journey-studio collect`` or ``run`` holding a workspace) to stop
    as Ctrl+C does: it stores and answers what it has read, then lets the workspace go. Raises
    :class:`~engine.errors.JourneyStudioError` when it cannot be asked (gone, another user's)."""
    import os

    from engine.errors import JourneyStudioError

    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return  # it has ended already
    except PermissionError:
        raise JourneyStudioError(f"process {pid} belongs to another user: stop it there (Ctrl+C where it "
                                 "runs)") from None
    except OSError as exc:
        raise JourneyStudioError(f"process {pid} could not be asked to stop: {exc.strerror or exc}") from None


def add_commands(sub: argparse._SubParsersAction,
                 workspace_options: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``collect`` and ``collect keys ...`` to ``sub``."""
    from engine.track.collector import DEFAULT_HOST, DEFAULT_PORT
    from engine.track.collector_keys import MAX_KEY_LENGTH, MIN_KEY_LENGTH

    p = sub.add_parser(
        "collect", help="receive events from websites and apps (Segment and Sensors Analytics SDKs)",
        description="Listen for events sent by Segment-style and Sensors Analytics SDKs and store them in "
                    "the workspace. Point the SDKs at http://HOST:PORT (Segment: the host; Sensors: "
                    "http://HOST:PORT/sa?project=default&token=WRITE_KEY).")
    workspace_options(p)
    p.add_argument("--host", default=DEFAULT_HOST,
                   help=f"address to listen on (default {DEFAULT_HOST}: this computer only; 0.0.0.0 for every "
                        "network, which lets other computers send events)")
    p.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT}; 0: any free port)")
    p.add_argument("--write-key", action="append", default=[], metavar="KEY",
                   help="also accept this write key (may be repeated); it is not stored — use "
                        "'collect keys add --key KEY' to keep it")
    p.add_argument("--quiet", action="store_true", help="print only the start and the end")
    p.set_defaults(handler=cmd_collect)

    # The usage says both forms: plain 'collect' runs the collector, no ACTION needed. The actions
    # take their prog from the parent's usage unless told, hence prog=.
    actions = p.add_subparsers(dest="collect_command", metavar="ACTION", prog=p.prog)
    indent = " " * (len("usage: ") + len(p.prog) + 1)
    p.usage = (f"%(prog)s [--host HOST] [--port PORT] [--write-key KEY] [--quiet]\n{indent}"
               "[--workspace PATH | --db URL]\n"
               "       %(prog)s keys list|add|remove ...")
    keys = actions.add_parser("keys", help="list, add or remove the write keys senders must present")
    workspace_options(keys)
    key_actions = keys.add_subparsers(dest="keys_command", metavar="ACTION")
    keys.set_defaults(handler=lambda _args: _usage(keys))  # no action: say which there are
    q = key_actions.add_parser("list", help="list the stored keys (names and first characters only)")
    workspace_options(q)
    q.add_argument("--json", action="store_true", help="print JSON: each key's name, first characters and "
                                                       "when it was made")
    q.set_defaults(handler=cmd_keys_list)
    q = key_actions.add_parser("add", help="make a new key (printed once) or store one you give")
    workspace_options(q)
    q.add_argument("--name", default="default", help="a name to tell keys apart (default 'default')")
    q.add_argument("--key", help=f"store this key instead of making a new one ({MIN_KEY_LENGTH} to "
                                 f"{MAX_KEY_LENGTH} characters, no spaces)")
    q.set_defaults(handler=cmd_keys_add)
    q = key_actions.add_parser("remove", help="stop accepting a key")
    workspace_options(q)
    q.add_argument("name", metavar="NAME", help="the name of the key to remove, as 'collect keys list' shows it")
    q.set_defaults(handler=cmd_keys_remove)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a whole number") from None
    if not 0 <= value < 65536:
        raise argparse.ArgumentTypeError("must be between 0 (any free port) and 65535")
    return value


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _err(text: str) -> None:
    sys.stderr.write(f"journey-studio: {text}\n")
    sys.stderr.flush()


def _location(args: argparse.Namespace) -> str | None:
    from engine.cli import workspace_location

    return workspace_location(args)


def format_counts(counts) -> str:  # noqa: ANN001 - a CollectorCounts
    # Messages and refusals are different units: a refused request counts once however many
    # messages it held (they are never read), and a batch can have single messages refused.
    parts = [f"{counts.received:,} {'message' if counts.received == 1 else 'messages'} received",
             f"{counts.committed:,} stored"]
    if counts.duplicates:
        parts.append(f"{counts.duplicates:,} duplicates")
    if counts.profile_updates:
        parts.append(f"{counts.profile_updates:,} profile updates")
    if counts.merges:
        parts.append(f"{counts.merges:,} {'profile' if counts.merges == 1 else 'profiles'} merged")
    if counts.refused_links:
        parts.append(f"{counts.refused_links:,} {'link' if counts.refused_links == 1 else 'links'} refused")
    if counts.ignored:
        # Answered 200 and not stored (Sensors items) or left undone (an increment of text).
        reasons = ", ".join(f"{reason} {n:,}" for reason, n in sorted(counts.ignored_reasons.items()))
        parts.append(f"{counts.ignored:,} ignored" + (f" ({reasons})" if reasons else ""))
    if counts.rejected:
        reasons = ", ".join(f"{code} {n:,}" for code, n in sorted(counts.rejected.items()))
        total = counts.rejected_total
        parts.append(f"{total:,} {'refusal' if total == 1 else 'refusals'} of requests or messages ({reasons})")
    return ", ".join(parts)


def start_collector(ws, collector, *, make_key: bool = True) -> str | None:  # noqa: ANN001
    """Start ``collector`` (a :class:`~engine.track.collector.Collector` of ``ws``) and, once it
    listens, make the workspace's first write key if it has none and ``make_key`` (see
    :func:`~engine.track.collector_keys.ensure_key`); returns the key made, to be shown now, or
    ``None``. A collector that cannot listen raises before any key is made: a key made then would
    be stored without ever being shown, and the next start would only say ``WRITE_KEY``."""
    from engine.track.collector_keys import ensure_key

    collector.start()
    if not make_key:
        return None
    try:
        made = ensure_key(ws)
    except BaseException:
        collector.stop()
        raise
    if made is not None:
        collector.reload_keys()
    return made


def _keys_line(ws) -> str:  # noqa: ANN001 - a Workspace
    """What ``WRITE_KEY`` stands for when no key was made now: the stored keys' names and first
    characters, and what to do about a key that was lost (it cannot be shown again)."""
    from engine.track.collector_keys import list_keys

    keys = list_keys(ws)
    named = ", ".join(f"'{k.name}' ({k.hint})" for k in keys[:5]) + (f" and {len(keys) - 5} more"
                                                                      if len(keys) > 5 else "")
    which = f"one of the workspace's write keys: {named}" if keys else "a key given with --write-key"
    return (f"  (WRITE_KEY: {which}; the SDK sends it as token= in the URL. A key is shown only when it is made: "
            "if yours is lost, make a new one with 'journey-studio collect keys add --name NAME' and remove the "
            "old one)")


def cmd_collect(args: argparse.Namespace) -> int:
    from engine.store.workspace import Workspace
    from engine.track.collector import Collector, is_loopback

    stop = threading.Event()

    def _stop(signum, _frame) -> None:  # noqa: ANN001
        stop.set()

    with Workspace.open(_location(args)) as ws:
        collector = Collector(ws, args.host, args.port, write_keys=args.write_key)
        made = start_collector(ws, collector, make_key=not args.write_key)
        remember_address(ws, collector)
        previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            _out(f"Collecting events into {ws.location}")
            _out(f"  Segment SDKs:            host {collector.url} (write key as the user name)")
            _out(f"  Sensors Analytics SDKs:  {collector.url}/sa?project=default&token={made or 'WRITE_KEY'}")
            if made is None:
                _out(_keys_line(ws))
            if made is not None:
                _out(f"A write key was made for this workspace: {made}")
                _out("  It is shown only now; keep it (manage keys with 'journey-studio collect keys').")
            if not is_loopback(collector.host):
                _err(f"warning: listening on {collector.host}: other computers can reach the collector; "
                     "only senders with a write key can store events")
            live = [j for j in ws.list_journeys() if j.status == "live" and j.latest_version is not None]
            if live:
                _err(f"note: {len(live)} live journey{'s' if len(live) != 1 else ''} in this workspace: "
                     "events stored here reach them when the app or 'journey-studio run' takes the "
                     "workspace next; this command does not run journeys")
            _out("Press Ctrl+C to stop.")
            last = ""
            while not stop.wait(REPORT_EVERY):
                line = format_counts(collector.counts())
                if line != last and not args.quiet:
                    _out(line)
                    last = line
        finally:
            collector.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        _out(f"stopped: {format_counts(collector.counts())}")
    return 0


def cmd_keys_list(args: argparse.Namespace) -> int:
    from engine.store.workspace import Workspace
    from engine.track.collector_keys import list_keys
    from engine.track.command_output import pad, width

    with Workspace.open(_location(args), create=False, read_only=True) as ws:
        keys = list_keys(ws)
    if args.json:
        _out(json.dumps([{"name": k.name, "hint": k.hint, "created_at": k.created_at} for k in keys], indent=2,
                        ensure_ascii=False))
        return 0
    if not keys:
        _out("no write keys; 'journey-studio collect' makes one on its first run")
        return 0
    # Columns: a name is padded to the widest (in terminal columns: a Chinese name takes two a character).
    names = max(width(k.name) for k in keys)
    hints = max(width(k.hint) for k in keys)
    for k in keys:
        _out(f"{pad(k.name, names)}  {pad(k.hint, hints)}  made {_made(k.created_at)}")
    return 0


def _made(created_at: str) -> str:
    """When a key was made, to the minute in UTC (``2026-11-24 06:15 UTC``), or as stored."""
    from datetime import UTC, datetime

    try:
        moment = datetime.fromisoformat(created_at)
    except ValueError:
        return created_at
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M") + (" UTC" if moment.tzinfo is not None else "")


def cmd_keys_add(args: argparse.Namespace) -> int:
    from engine.store.workspace import Workspace
    from engine.track.collector_keys import CollectorError, add_key, key_problem, list_keys, name_problem

    # A bad argument is named as such, before (and not as a fault of) the workspace.
    for option, problem in (("--name", name_problem(args.name)),
                            ("--key", key_problem(args.key) if args.key is not None else None)):
        if problem:
            raise CollectorError(problem, where=option)
    name = args.name.strip()
    with Workspace.open(_location(args)) as ws:
        if any(k.name == name for k in list_keys(ws)):
            raise CollectorError(f"there is already a write key named '{name}'; give this one another name with "
                                 "--name NAME", where=ws.location)
        key = add_key(ws, name, args.key)
    if args.key:
        _out(f"stored the key as '{name}'")
    else:
        _out(f"write key '{name}': {key}")
        _out("It is shown only now; keep it.")
    # No collector can be running on this workspace now: it would hold the workspace, and adding
    # would have been refused. So the key counts from the collector's next start.
    _out("The collector accepts it from its next start ('journey-studio collect', 'run --collect' or the app).")
    return 0


def cmd_keys_remove(args: argparse.Namespace) -> int:
    from engine.store.workspace import Workspace
    from engine.track.collector_keys import remove_key

    with Workspace.open(_location(args)) as ws:
        remove_key(ws, args.name)
    _out(f"removed the write key '{args.name}'; the collector refuses it from its next start")
    return 0
