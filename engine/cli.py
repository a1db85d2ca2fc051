"""The headless half of the ``journey-studio`` command.

Subcommands here never import Qt, so they run on a machine with no display. The GUI launcher
(``gui/launcher.py``) adds the commands that need Qt (the app itself, ``screenshot``) on top of the
parser built here. Every failure is printed as one readable line and a non-zero exit code; set
``JOURNEY_STUDIO_DEBUG=1`` to see a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from engine import __version__
from engine.errors import JourneyStudioError
from engine.holder import APP, holding_as

PROG = "journey-studio"

Handler = Callable[[argparse.Namespace], int]


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(f"{PROG}: {text}\n")


def _registry():
    from engine.spec import default_registry

    return default_registry()


# ---------------------------------------------------------------------------------------------
# validate
# ---------------------------------------------------------------------------------------------

def cmd_validate(args: argparse.Namespace) -> int:
    from engine.document import load
    from engine.validate import validate

    registry = _registry()
    failed = False
    report = []
    for name in args.files:
        try:
            journey = load(name)
        except JourneyStudioError as exc:
            failed = True
            report.append({"file": name, "ok": False, "error": str(exc), "issues": []})
            if not args.json:
                _out(f"{name}: error: {exc.message}" + (f" ({exc.path})" if getattr(exc, "path", None) else ""))
            continue
        issues = validate(journey, registry)
        errors = [i for i in issues if i.severity == "error"]
        failed |= bool(errors)
        report.append({"file": name, "ok": not errors, "issues": [i.to_json() for i in issues]})
        if args.json:
            continue
        if not errors:
            warn = sum(1 for i in issues if i.severity == "warning")
            _out(f"{name}: ok" + (f" ({warn} warning{'s' if warn != 1 else ''})" if warn else ""))
        else:
            _out(f"{name}: {len(errors)} error{'s' if len(errors) != 1 else ''}")
        for issue in issues:
            if issue.severity != "info" or args.verbose:
                _out(f"  {issue.describe(journey)}")
    if args.json:
        _out(json.dumps(report, indent=2, ensure_ascii=False))
    return 1 if failed else 0


# ---------------------------------------------------------------------------------------------
# fmt
# ---------------------------------------------------------------------------------------------

def cmd_fmt(args: argparse.Namespace) -> int:
    from engine.document import dumps, loads, save

    changed, failed, failed_count = 0, False, 0
    for name in args.files:
        path = Path(name)
        try:
            raw = path.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            _out(f"{name}: error: cannot read the file ({getattr(exc, 'strerror', None) or exc})")
            failed, failed_count = True, failed_count + 1
            continue
        try:
            journey = loads(raw, file=name)
        except JourneyStudioError as exc:
            _out(f"{name}: error: {exc.message}" + (f" ({exc.path})" if getattr(exc, "path", None) else ""))
            failed, failed_count = True, failed_count + 1
            continue
        canonical = dumps(journey)
        if canonical == path.read_text(encoding="utf-8"):
            continue
        changed += 1
        if args.check:
            _out(f"would reformat {name}")
        else:
            save(journey, path)
            _out(f"reformatted {name}")
    total = len(args.files)
    if args.check:
        unreadable = failed_count
        clean = total - changed - unreadable
        parts = []
        if changed:
            parts.append(f"{changed} file{'s' if changed != 1 else ''} would be reformatted")
        if clean:
            parts.append(f"{clean} already canonical")
        if unreadable:
            parts.append(f"{unreadable} could not be read")
        _out(", ".join(parts))
    return 1 if failed or (args.check and changed) else 0


# ---------------------------------------------------------------------------------------------
# nodes, templates
# ---------------------------------------------------------------------------------------------

def _ports(ports) -> list[dict]:
    return [{"name": p.name, "label": p.display} for p in ports]


def cmd_nodes(args: argparse.Namespace) -> int:
    specs = list(_registry())
    if args.json:
        _out(json.dumps([
            {
                "type_key": s.type_key,
                "stage": s.stage.value,
                "title": s.title,
                "description": s.description,
                "version": s.version,
                "icon": s.icon,
                "executable": s.executable,
                "inputs": _ports(s.inputs),
                "outputs": _ports(s.output_ports(s.example or None)),
                "dynamic_outputs": s.dynamic_outputs is not None,
                # What a node's "config" holds in a journey file, for files written by hand.
                "config_schema": s.config_model.model_json_schema(),
                "config_example": s.example or None,
            }
            for s in specs
        ], indent=2, ensure_ascii=False))
        return 0
    current = None
    for s in specs:
        if s.stage != current:
            current = s.stage
            _out(f"\n{current.value.upper()}")
        outs = ", ".join(p.name for p in s.output_ports(s.example or None)) or "-"
        ins = ", ".join(p.name for p in s.inputs) or "-"
        _out(f"  {s.type_key:<28} {s.title:<22} in: {ins:<6} out: {outs}")
    _out(f"\n{len(specs)} node types")
    return 0


def cmd_templates(args: argparse.Namespace) -> int:
    from engine.templates import list_templates

    items = list_templates()
    if args.json:
        _out(json.dumps([{"key": t.key, "name": t.name, "description": t.description,
                          "file": str(t.path), "nodes": t.node_count} for t in items],
                        indent=2, ensure_ascii=False))
        return 0
    width = max((len(t.key) for t in items), default=0)
    for t in items:
        _out(f"{t.key:<{width}}  {t.name} — {t.description}")
    return 0


# ---------------------------------------------------------------------------------------------
# simulate, demo
# ---------------------------------------------------------------------------------------------

def non_negative(text: str) -> int:
    """An argparse type: a whole number, 0 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value



def _flow_order(journey, result) -> list[str]:
    """Executable node ids from the entries along the edges (breadth first), then the rest."""
    succ: dict[str, list[str]] = {}
    for e in sorted(journey.edges, key=lambda e: (e.source.node, e.source.port)):
        succ.setdefault(e.source.node, []).append(e.target.node)
    targets = {e.target.node for e in journey.edges}
    order: list[str] = []
    queue = [nid for nid in result.nodes if nid not in targets]
    while queue:
        nid = queue.pop(0)
        if nid in order or nid not in result.nodes:
            continue
        order.append(nid)
        queue.extend(succ.get(nid, ()))
    return order + [nid for nid in result.nodes if nid not in order]


def _pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.1f}%" if whole > 0 else "-"


def format_simulation(journey, result) -> str:
    """The node table of a simulation: entered, active, exited, converted, % of the previous step."""
    titles = {n.id: n.title or n.type for n in journey.nodes}
    incoming: dict[str, list[str]] = {}
    for e in journey.edges:
        incoming.setdefault(e.target.node, []).append(e.source.node)
    lines = [f"{journey.name}: {result.customers:,} customers, {result.days} days, seed {result.seed}, "
             f"{result.steps:,} steps in {result.elapsed_s:.1f} s" + (" (cancelled)" if result.cancelled else ""),
             "",
             f"{'node':<30} {'entered':>9} {'active':>8} {'exited':>8} {'converted':>10} {'of prev.':>9}"]
    for nid in _flow_order(journey, result):
        c = result.nodes[nid]
        before = sum(result.nodes[p].entered for p in set(incoming.get(nid, ())) if p in result.nodes)
        lines.append(f"{titles.get(nid, nid)[:30]:<30} {c.entered:>9,} {c.active:>8,} {c.exited:>8,} "
                     f"{c.converted:>10,} {_pct(c.entered, before) if before else '':>9}")
    if result.deliveries:
        lines += ["", "Deliveries: " + ", ".join(f"{k} {v:,}" for k, v in sorted(result.deliveries.items()))]
    if result.goals:
        lines.append("Goals: " + ", ".join(f"{titles.get(k, k)} {v:,}" for k, v in sorted(result.goals.items())))
    return "\n".join(lines)


def _simulate(journey, args, days: int):
    from engine.runtime.response import ResponseModel
    from engine.runtime.simulator import Simulation

    response = ResponseModel.load(args.response) if getattr(args, "response", None) else None
    return Simulation(journey, _registry(), customers=args.customers, days=days, seed=args.seed,
                      response=response).run()


def cmd_simulate(args: argparse.Namespace) -> int:
    from engine.document import load
    from engine.validate import validate

    journey = load(args.file)
    issues = validate(journey, _registry())
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        _out(f"{args.file}: {len(errors)} error{'s' if len(errors) != 1 else ''}; fix them before simulating")
        for issue in errors:
            _out(f"  {issue.describe(journey)}")
        return 1
    result = _simulate(journey, args, args.days)
    if args.json:
        _out(json.dumps(result.to_json(), indent=2, sort_keys=True, ensure_ascii=False))
    else:
        _out(format_simulation(journey, result))
    return 0


def _main_path(journey, result) -> list[str]:
    """From the busiest entry, the edge most runs took at each step (each node once)."""
    entries = [nid for nid in result.nodes if nid not in {e.target.node for e in journey.edges}]
    if not entries:
        return []
    path = [max(entries, key=lambda nid: result.nodes[nid].entered)]
    while True:
        out = [e for e in journey.edges if e.source.node == path[-1] and e.target.node not in path]
        if not out:
            return path
        best = max(out, key=lambda e: (result.edges.get(e.id, 0), e.id))
        if result.edges.get(best.id, 0) == 0:
            return path
        path.append(best.target.node)


def cmd_demo(args: argparse.Namespace) -> int:
    from engine.document import dumps, new_id
    from engine.store.workspace import Workspace
    from engine.templates import load_template

    if getattr(args, "db", None):
        location: str | Path = workspace_location(args) or ""
    elif getattr(args, "workspace", None):
        location = args.workspace
    else:
        from platformdirs import user_data_dir

        location = Path(user_data_dir("journey-studio", "JourneyStudio")) / "demo"
    journey = load_template(args.template)
    registry = _registry()
    with Workspace.open(location) as ws:
        existing = {j.id: j for j in ws.list_journeys(include_archived=True)}
        if journey.id in existing and (existing[journey.id].status != "draft"
                                       or dumps(ws.load_draft(journey.id)) != dumps(journey)):
            # The template's journey is there and someone has worked on it: never overwrite it.
            journey = journey.model_copy(update={"id": new_id(), "name": f"{journey.name} (demo)"})
        if journey.id not in existing:
            ws.create_journey(journey)
        version = ws.publish(journey.id, registry, note="demo")
        where = ws.location
    result = _simulate(journey, args, 30)
    titles = {n.id: n.title or n.type for n in journey.nodes}
    _out(f"Demo: '{journey.name}' (published as version {version.number}), {result.customers:,} simulated "
         f"customers over {result.days} days, seed {result.seed} ({result.elapsed_s:.1f} s)")
    _out("")
    _out("Main path")
    path = _main_path(journey, result)
    first = result.nodes[path[0]].entered if path else 0
    for nid in path:
        c = result.nodes[nid]
        _out(f"  {titles[nid][:34]:<34} {c.entered:>9,}  {_pct(c.entered, first):>6} of entries")
    _out("")
    _out("Deliveries: " + (", ".join(f"{k} {v:,}" for k, v in sorted(result.deliveries.items())) or "none"))
    entered = result.nodes[path[0]].entered if path else 0
    for key, n in sorted(result.goals.items()):
        _out(f"Conversions, {titles.get(key, key)}: {n:,} ({_pct(n, entered)} of entries)")
    dropped = {nid: n for nid, n in result.dropped.items() if n}
    if dropped:
        worst = max(dropped, key=lambda nid: (dropped[nid], nid))
        reached = result.nodes[worst].entered if worst in result.nodes else 0
        of = f" of the {reached:,} that reached it" if reached > dropped[worst] else ""
        _out(f"Biggest drop-off: '{titles[worst]}', where {dropped[worst]:,} runs{of} ended without converting")
    _out("")
    _out(f"Workspace: {where}")
    _out(f"Open it in the app with: {PROG} --workspace \"{where}\"")
    return 0


# ---------------------------------------------------------------------------------------------
# run
# ---------------------------------------------------------------------------------------------

def _say(text: str) -> None:
    # A pipe is block-buffered; whoever watches a long-running runner wants each line as it happens.
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _live_channel_accounts(ws, registry) -> dict[str, str]:
    """Channel account id → channel kind, for every send/notify node of the live journeys."""
    from engine.journey_commands import channel_accounts

    found: dict[str, str] = {}
    for info in ws.list_journeys():
        if info.status != "live" or info.archived or info.latest_version is None:
            continue
        channel_accounts(ws.load_version(info.id, info.latest_version), registry, found)
    return found


def pass_report(done, said: set[str], live: int | None = None) -> tuple[str, set[str]]:
    """What ``run`` prints after a pass (``""``: nothing) and the warnings said so far. Lasting
    problems come with every pass: they are said again only when they change. ``live``: how many
    journeys are live (0: the events a pass reads start nothing, and it says so)."""
    changed = set(done.problems) != said
    if done.busy or (changed and done.problems):
        return describe_pass(done, problems=changed, live=live), set(done.problems)
    return ("the warnings above no longer apply" if changed else ""), set(done.problems)


def describe_pass(done, *, problems: bool = True, live: int | None = None) -> str:
    """:meth:`PassResult.describe`, except that with no live journey the events read are said to
    start nothing, rather than to have been handled."""
    from dataclasses import replace

    from engine.runtime.live import _plural

    if live != 0 or not done.events:
        return done.describe(problems=problems)
    rest = replace(done, events=0)
    first, newline, warnings = rest.describe(problems=problems).partition("\n")
    text = (f"{_plural(done.events, 'event')} read; no journey is live, so "
            f"{'it starts' if done.events == 1 else 'they start'} no run")
    return text + (f"; {first}" if rest.busy else "") + newline + warnings


def _no_live_journey(ws, *, once: bool, collecting: bool) -> str:
    """What ``run`` says at the start when no journey of ``ws`` is live: that events start nothing,
    and how to put a journey live."""
    from engine.store.workspace import DB_FILE_NAME

    option = ""
    if ws.path is not None and ws.path != _default_workspace_file():
        import shlex

        option = f" --workspace {shlex.quote(str(ws.path.parent if ws.path.name == DB_FILE_NAME else ws.path))}"
    first = "" if ws.list_journeys() else f" (add it first with '{PROG} journeys import FILE.journey.json{option}')"
    live = f"put it live with '{PROG} journeys live NAME{option}'{first} or Go live in the app"
    return (f"No journey is live in {ws.location}: "
            + ("events are received and kept, but start no run. " if collecting else "events start no run. ")
            + (f"To run one, {live}." if once else f"To run one, stop this (Ctrl+C), {live}, and start this again."))


def _default_workspace_file() -> Path:
    from engine.store.workspace import default_workspace_path

    return default_workspace_path().absolute()


def cmd_run(args: argparse.Namespace) -> int:
    import signal
    import threading

    from engine.channels.smtp import SmtpChannel
    from engine.runtime.clock import RealClock
    from engine.runtime.live import LiveEngine, _plural
    from engine.store.workspace import Workspace

    location = getattr(args, "db", None) or getattr(args, "workspace", None)
    registry = _registry()
    stop = threading.Event()

    def _stop(signum, _frame) -> None:
        if stop.is_set():  # asked twice: stop now, even in the middle of a pass
            raise KeyboardInterrupt
        stop.set()
        if signum == signal.SIGINT:
            _err("stopping when the work under way ends (a message being sent waits for its server's answer); "
                 "Ctrl+C again stops at once, and a message cut off is then listed by 'outbox list --status "
                 "ambiguous'")

    wake = threading.Event()  # set by a stop request and by the collector's new events

    def _stop_and_wake(signum, frame) -> None:
        _stop(signum, frame)
        wake.set()

    previous = {sig: signal.signal(sig, _stop_and_wake) for sig in (signal.SIGINT, signal.SIGTERM)}
    collector = None
    try:
        # Only to run journeys, a workspace named on the command line must exist: a mistyped path
        # would otherwise run an empty new workspace. Collecting events is a start of its own, and
        # makes the workspace, as 'journey-studio collect' does.
        with Workspace.open(location, create=location is None or args.collect) as ws:
            engine = LiveEngine(ws, registry, RealClock())
            if args.once:
                # One pass asked for: customers who have just joined a segment enter now, however
                # recently a pass looked at it.
                engine.runner.segment_scan_every = timedelta(0)
            counted: dict = {}
            smtp = SmtpChannel(args.smtp_host, args.smtp_port, sender=args.sender) if args.smtp_host else None
            live = sum(1 for j in ws.list_journeys() if j.status == "live" and j.latest_version is not None)
            if live:
                _say(f"Running {_plural(live, 'live journey')} in {ws.location}"
                     + (f"; email goes through {args.smtp_host}:{args.smtp_port}" if smtp else ""))
            else:
                _say(_no_live_journey(ws, once=args.once, collecting=args.collect))
            if args.collect:
                from engine.track.collect_commands import remember_address, start_collector
                from engine.track.collector import Collector

                collector = Collector(ws, args.collect_host, args.collect_port, on_events=lambda _: wake.set())
                made = start_collector(ws, collector)  # the first key once it listens: shown below

                remember_address(ws, collector)
                _say(f"Collecting events at {collector.url}"
                     + (f" (new write key: {made})" if isinstance(made, str) and made else ""))
            try:
                connected: dict | None = None  # the workspace's channel accounts, opened by the first pass
                warned: set[str] = set()
                said: set[str] = set()
                unreachable: str | None = None  # why the last pass could not reach the workspace
                unreachable_errors = _unreachable_errors()
                refused: dict[str, int] = {}  # the collector's refusals by reason, as last said
                counts = _CountsReport(collector)
                while True:
                    try:
                        if engine is None:  # after an outage: from what is stored, as a restart does
                            engine = LiveEngine(ws, registry, RealClock())
                        if connected is None:
                            connected = _connected_channels(ws)
                        done = _one_pass(engine, ws, registry, counted, connected, smtp, warned, stop)
                    except unreachable_errors as exc:
                        if args.once:
                            raise
                        # A database server restarting or a network gone: the collector answers 503
                        # meanwhile and SDKs send again; passes start over from what is stored, as
                        # after a restart of this command, once the workspace can be reached.
                        if unreachable is None:  # said once an outage, whatever each try meets
                            _err(f"warning: the workspace cannot be reached ({exc}); trying again every "
                                 f"{_RETRY_S:g} s")
                        unreachable = str(exc)
                        engine = None
                        counts.wait(wake, min(args.interval, _RETRY_S))
                        if stop.is_set():
                            break
                        continue
                    if unreachable is not None:
                        _say("the workspace can be reached again; journeys go on")
                        unreachable = None
                    if collector is not None:
                        refused = _new_refusals(collector.counts().rejected, refused)
                    report, said = pass_report(done, said, live)
                    if args.once and not report:
                        # one pass asked for: say what it did, even nothing
                        report = describe_pass(done, problems=False, live=live)
                    if report:
                        _say(report)
                    if args.once:
                        break
                    counts.wait(wake, args.interval)
                    if stop.is_set():
                        break
            finally:
                # Before the workspace closes: requests already read are stored and answered.
                if collector is not None:
                    collector.stop()
                    from engine.track.collect_commands import format_counts

                    _say(f"collector: {format_counts(collector.counts())}")
    except KeyboardInterrupt:
        pass
    finally:
        if collector is not None:
            collector.stop()  # stopped already in the usual case; a second stop does nothing
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if stop.is_set():
        _say("stopped")
    return 0


class _CountsReport:
    """The collector's counts while ``run --collect`` runs, as ``journey-studio collect`` prints
    them: a line when they have changed, at most every few seconds."""

    def __init__(self, collector):
        import time

        from engine.track.collect_commands import REPORT_EVERY, format_counts

        self.collector = collector
        self.every = REPORT_EVERY
        self._format = format_counts
        self._clock = time.monotonic
        self.last = format_counts(collector.counts()) if collector is not None else ""
        self.said_at = self._clock()

    def say(self) -> None:
        """Print the counts if they changed and the last line is old enough."""
        if self.collector is None or self._clock() - self.said_at < self.every:
            return
        line = self._format(self.collector.counts())
        if line != self.last:
            _say(f"collector: {line}")
            self.last = line
            self.said_at = self._clock()

    def wait(self, wake, seconds: float) -> None:
        """Wait ``seconds`` or until ``wake`` is set (then clear it), saying the counts meanwhile."""
        deadline = self._clock() + seconds
        while True:
            self.say()
            left = deadline - self._clock()
            if left <= 0:
                break
            if wake.wait(min(left, self.every) if self.collector is not None else left):
                break
        wake.clear()


def _log_undelivered(message, _result) -> None:
    _say(f"not delivered ({message.channel_kind} via '{message.channel}'): to {message.to or '-'}: "
         f"{message.subject or message.body[:60]!r}")


def _new_refusals(now: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    """Say which requests or messages the collector refused since ``before`` (a website sending with
    a wrong write key gets 401s nobody would see otherwise); returns ``now``."""
    new = {code: n - before.get(code, 0) for code, n in now.items() if n > before.get(code, 0)}
    if new:
        total = sum(new.values())
        reasons = ", ".join(f"{code} {n:,}" for code, n in sorted(new.items()))
        hint = "; check the write key your website or app sends" if "unauthorized" in new else ""
        _err(f"warning: the collector refused {total:,} {'request or message' if total == 1 else 'requests or messages'}"
             f" ({reasons}){hint}")
    return dict(now)


#: How often ``run`` tries again while the workspace cannot be reached (seconds).
_RETRY_S = 5.0


def _unreachable_errors() -> tuple[type[BaseException], ...]:
    from sqlalchemy import exc as sa_exc

    from engine.errors import WorkspaceError

    return WorkspaceError, sa_exc.OperationalError, sa_exc.InterfaceError


def _one_pass(engine, ws, registry, counted: dict, connected: dict, smtp, warned: set[str], stop):
    """One pass of ``run``: channels for the live journeys' accounts, then :meth:`LiveEngine.run_pass`."""
    from engine.channels import RecordingChannel
    from engine.runtime.live import WatchedChannel

    for account, kind in _live_channel_accounts(ws, registry).items():
        if account in counted:
            continue
        if smtp is not None and kind == "email":
            counted[account] = smtp
        elif account in connected:
            counted[account] = connected[account]
            _warn_unavailable(account, connected[account], warned)
        else:
            why = (f"there is no channel account '{account}': add one with 'journey-studio channels "
                   f"add {account} --kind ...'" + (" or give --smtp-host" if kind == "email" else ""))
            if account not in warned:
                warned.add(account)
                _err(f"warning: messages through channel '{account}' are NOT delivered ({why}); "
                     "they are logged and recorded as failed, never silently dropped")
            # A fresh recording channel per message would keep nothing; this one is
            # emptied as it goes, so a long-running process does not grow.
            sink = RecordingChannel(fail=True, fail_reason=f"channel '{account}' is not connected "
                                                           f"({why}); not sent")

            def _log(message, result, sink=sink) -> None:
                sink.attempts.clear()
                _log_undelivered(message, result)

            counted[account] = WatchedChannel(sink, _log)
    engine.set_channels(counted)
    return engine.run_pass(stop.is_set)


def _warn_unavailable(account: str, channel, warned: set[str]) -> None:
    """Say once that an account which exists cannot be opened (a secret the keyring cannot give,
    settings this version refuses): its sends fail with the reason, which nobody reads in the outbox."""
    from engine.channels.accounts import UnavailableChannel

    if not isinstance(channel, UnavailableChannel) or account in warned:
        return
    warned.add(account)
    then = ("they are tried again a few times, then recorded as failed" if channel.retryable
            else "they are recorded as failed")
    _err(f"warning: messages through channel '{account}' are NOT delivered ({channel.reason}); {then}, never "
         "silently dropped")


def _connected_channels(ws) -> dict:
    """The channel accounts set up in the workspace, opened (secrets from the keyring)."""
    from engine.channels.accounts import AccountStore

    return AccountStore(ws).open_channels()


def _port(text: str) -> int:
    value = int(text)
    if not 0 < value < 65536:
        raise argparse.ArgumentTypeError("must be between 1 and 65535")
    return value


def _seconds(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


# ---------------------------------------------------------------------------------------------
# outbox
# ---------------------------------------------------------------------------------------------

#: Statuses ``outbox list --status`` filters on.
OUTBOX_STATUSES = ("ambiguous", "failed", "pending", "retrying", "sent", "skipped", "dropped")
#: Deliveries ``outbox drop`` settles: their step is over and nothing will send them again.
DROPPABLE = ("ambiguous", "failed", "retrying")
DROPPED_REASON = "dropped by the user"


def _outbox_row(ws, d, addresses: dict[tuple[str, str], str]) -> dict:
    from engine.channels.smtp import message_id
    from engine.runtime.runner import ADDRESS_OF
    from engine.store.runs import DROPPED

    where = ADDRESS_OF.get(d.channel_kind)
    key = (d.customer_id, where or "")
    if key not in addresses:
        try:
            record = ws.get_customer(d.customer_id)
        except JourneyStudioError:  # the customer was erased since; the row stays
            addresses[key] = ""
        else:
            first = dict(reversed(record.identifiers))
            if where:
                found = record.attributes.get(where) or first.get(where)
            else:  # a webhook or chat message: who it is about, as the shop knows them
                found = next((first[k] for k in ("user_id", "email", "phone") if k in first), None)
            addresses[key] = str(found or "")
    # An email's Message-ID follows from its idempotency key, so a send that was cut off (its row
    # never got the server's answer) still has the id the server would show if it arrived.
    mid = d.message_id or (message_id(d.idempotency_key) if d.channel_kind == "email"
                           and d.status in ("pending", "ambiguous", DROPPED) else None)
    journey, node = _where_sent(ws, d.run_id, d.node_id, addresses)
    return {"id": d.id, "status": d.status, "mode": d.mode, "channel": d.channel, "channel_kind": d.channel_kind,
            "customer_id": d.customer_id, "to": addresses.get(key, ""), "message_id": mid, "run_id": d.run_id,
            "node_id": d.node_id, "journey": journey, "node": node, "reason": d.reason,
            "updated_at": d.updated_at.isoformat()}


def _where_sent(ws, run_id: str, node_id: str, cache: dict) -> tuple[str, str]:
    """The journey's name and the node's title a delivery was sent from ("" when gone)."""
    from sqlalchemy import select

    from engine.store.models import RunRow

    found = cache.get(("run", run_id))
    if found is None:
        with ws.engine.connect() as conn:
            row = conn.execute(select(RunRow.journey_id, RunRow.version_number).where(RunRow.id == run_id)).first()
        found = cache[("run", run_id)] = tuple(row) if row is not None else ("", 0)
    journey_id, version = found
    if not journey_id:
        return "", ""
    doc = cache.get(("version", journey_id, version))
    if doc is None:
        try:
            doc = ws.load_version(journey_id, version)
        except JourneyStudioError:
            doc = False
        cache[("version", journey_id, version)] = doc
    if not doc:
        return "", ""
    node = doc.node(node_id)
    return doc.name, (node.title or node_id[:8]) if node is not None else node_id[:8]


def cmd_outbox_list(args: argparse.Namespace) -> int:
    from engine.store.runs import RunStore
    from engine.store.workspace import Workspace

    location = getattr(args, "db", None) or getattr(args, "workspace", None)
    with Workspace.open(location, create=False, read_only=True) as ws:
        found = [d for d in RunStore(ws).deliveries() if args.status is None or d.status == args.status]
        addresses: dict[tuple[str, str], str] = {}
        rows = [_outbox_row(ws, d, addresses) for d in found]
    if args.json:
        _out(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if not rows:
        _out("no deliveries" + (f" with status '{args.status}'" if args.status else ""))
        return 0
    for r in rows:
        sent_from = f"  from '{r['node']}' in '{r['journey']}'" if r["journey"] else ""
        _out(f"{r['id']}  {r['status']:<9} {r['channel_kind']} via '{r['channel']}'  "
             f"to {r['to'] or r['customer_id']}{sent_from}  {r['message_id'] or '-'}  {r['updated_at']}"
             + (f"  ({r['reason']})" if r["reason"] else ""))
    _out(f"{len(rows):,} deliver{'y' if len(rows) == 1 else 'ies'}")
    return 0


def cmd_outbox_drop(args: argparse.Namespace) -> int:
    from engine.errors import NotFound
    from engine.runtime.clock import RealClock
    from engine.store.runs import RunStore
    from engine.store.workspace import Workspace

    location = getattr(args, "db", None) or getattr(args, "workspace", None)
    with Workspace.open(location, create=False) as ws:
        store = RunStore(ws)
        d = store.delivery_by_id(args.id)
        if d.status not in DROPPABLE:
            raise NotFound(f"delivery '{d.id}' is {d.status}; only an ambiguous, failed or retrying delivery "
                           "can be dropped", where=ws.location)
        store.drop_delivery(d.id, DROPPED_REASON, RealClock().now())
    _out(f"dropped delivery {d.id}")
    return 0


def cmd_outbox_resend(args: argparse.Namespace) -> int:
    from engine.channels.smtp import SmtpChannel
    from engine.runtime.clock import RealClock
    from engine.runtime.runner import Runner
    from engine.store.runs import RunStore
    from engine.store.workspace import Workspace

    location = getattr(args, "db", None) or getattr(args, "workspace", None)
    with Workspace.open(location, create=False) as ws:
        d = RunStore(ws).delivery_by_id(args.id)
        channels = _connected_channels(ws)
        if args.smtp_host and d.channel_kind == "email":
            channels[d.channel] = SmtpChannel(args.smtp_host, args.smtp_port, sender=args.sender)
        runner = Runner(ws, _registry(), RealClock(), channels, mode=d.mode if d.mode in ("test", "live") else "live")
        outcome = runner.resend(d.id)
    if outcome.status == "sent":
        _out(f"sent delivery {d.id} again")
        return 0
    _err(f"delivery {d.id} was not sent: {outcome.reason or outcome.status}")
    return 1


# ---------------------------------------------------------------------------------------------
# parser and entry point
# ---------------------------------------------------------------------------------------------

def add_workspace_options(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--workspace", metavar="PATH", help="workspace folder or .db file (default: your user data folder)")
    g.add_argument("--db", metavar="URL", help="a database URL instead of a local workspace, e.g. postgresql://…")


def workspace_location(args: argparse.Namespace) -> str | None:
    """The workspace a command should open: ``--db`` or ``--workspace``, else the default. A ``--db``
    that is not a database URL is refused (a WorkspaceError), rather than taken for a folder."""
    db = getattr(args, "db", None)
    if db:
        from engine.store.workspace import database_url

        database_url(db)
        return db
    return getattr(args, "workspace", None)


def _suppressed_workspace_options(p: argparse.ArgumentParser) -> None:
    # SUPPRESS: given here or before the command, whichever the user wrote wins; absent leaves it alone.
    g = p.add_mutually_exclusive_group()
    g.add_argument("--workspace", metavar="PATH", default=argparse.SUPPRESS,
                   help="workspace folder or .db file (default: your user data folder)")
    g.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help="a database URL instead of a local workspace")


#: Modules that add their own subcommands: each has ``add_commands(sub, workspace_options)``, where
#: ``workspace_options(parser)`` adds ``--workspace``/``--db`` (read back with
#: :func:`workspace_location`).
COMMAND_MODULES = (
    "engine.journey_commands",
    "engine.channels.commands",
    "engine.track.import_commands",
    "engine.track.collect_commands",
    "engine.track.profile_commands",
    "engine.track.segment_commands",
    "engine.track.tracking_commands",
)


def build_parser() -> tuple[argparse.ArgumentParser, argparse._SubParsersAction]:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Design, simulate and run customer journeys on your own desktop. "
                    "With no command, the app opens on your default workspace.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    add_workspace_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("validate", help="check .journey.json files; exit 1 with readable errors")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    p.add_argument("-v", "--verbose", action="store_true", help="also print informational notes")
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("fmt", help="rewrite journey files in the canonical form")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file would change")
    p.set_defaults(handler=cmd_fmt)

    p = sub.add_parser("nodes", help="list the node catalogue")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_nodes)

    p = sub.add_parser("templates", help="list the journey templates")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_templates)

    p = sub.add_parser("simulate", help="run synthetic customers through a journey on a virtual clock")
    p.add_argument("file", metavar="FILE", help="a .journey.json file")
    p.add_argument("--customers", type=non_negative, default=1000, metavar="N", help="simulated customers (default 1000)")
    p.add_argument("--days", type=non_negative, default=30, metavar="D", help="simulated days (default 30)")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="random seed: the same seed gives the same numbers")
    p.add_argument("--response", metavar="FILE.json", help="a response model to use instead of the defaults")
    p.add_argument("--json", action="store_true", help="print the counts as JSON")
    p.set_defaults(handler=cmd_simulate)

    p = sub.add_parser("demo", help="build a demo workspace, simulate 30 days and print a summary")
    p.add_argument("--workspace", metavar="PATH", default=argparse.SUPPRESS,
                   help="workspace folder or .db file (default: a 'demo' folder in your user data folder)")
    p.add_argument("--template", default="abandoned_cart", metavar="KEY", help="template to build the journey from")
    p.add_argument("--customers", type=non_negative, default=2000, metavar="N", help="simulated customers (default 2000)")
    p.add_argument("--seed", type=int, default=0, metavar="S")
    p.add_argument("--response", metavar="FILE.json", help="a response model to use instead of the defaults")
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser(
        "run", help="run the live journeys: hand new events to them, advance due runs, send",
        description="Run the workspace's live journeys without the app, until Ctrl+C (or one pass with --once). "
                    "Each pass hands the events stored since the last one to the live journeys, moves on the "
                    "runs that are due and sends their messages, then waits --interval seconds; events received "
                    "with --collect wake it at once. A journey runs once it is live: 'journey-studio journeys "
                    "live NAME' (or Go live in the app) puts it live. With --collect this command also receives "
                    "events from websites and apps, as 'journey-studio collect' does, and makes the workspace if "
                    "there is none yet; without it, the workspace must exist. Only one process writes a "
                    "workspace at a time: while this runs, the app offers to take it over.")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--workspace", metavar="PATH", default=argparse.SUPPRESS,
                   help="workspace folder or .db file (default: your user data folder)")
    g.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help="a database URL instead of a local workspace")
    p.add_argument("--once", action="store_true", help="one pass, then exit")
    p.add_argument("--interval", type=_seconds, default=5.0, metavar="SECONDS",
                   help="pause between passes (default 5)")
    p.add_argument("--smtp-host", metavar="HOST", help="deliver email through this SMTP server (no login, no TLS)")
    p.add_argument("--smtp-port", type=_port, default=25, metavar="PORT", help="SMTP port (default 25)")
    p.add_argument("--sender", default="journey-studio@localhost", metavar="ADDRESS",
                   help="From address of the emails (default journey-studio@localhost)")
    p.add_argument("--collect", action="store_true",
                   help="also receive events from websites and apps (the collector), in this process")
    p.add_argument("--collect-host", default="127.0.0.1", metavar="HOST",
                   help="address the collector listens on (default 127.0.0.1: this computer only)")
    p.add_argument("--collect-port", type=int, default=8765, metavar="PORT", help="collector port (default 8765)")
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser("outbox", help="look at the messages the runner sent or tried to send; settle "
                                      "the ambiguous ones")
    _suppressed_workspace_options(p)
    actions = p.add_subparsers(dest="outbox_command", metavar="ACTION", required=True)
    q = actions.add_parser("list", help="list deliveries, oldest first")
    _suppressed_workspace_options(q)
    q.add_argument("--status", choices=OUTBOX_STATUSES, help="only deliveries with this status")
    q.add_argument("--json", action="store_true", help="print the deliveries as JSON")
    q.set_defaults(handler=cmd_outbox_list)
    q = actions.add_parser("drop", help="settle an ambiguous, failed or retrying delivery: mark it dropped, never "
                                        "(re)sent")
    _suppressed_workspace_options(q)
    q.add_argument("id", metavar="ID", help="the delivery id that 'outbox list' shows")
    q.set_defaults(handler=cmd_outbox_drop)
    q = actions.add_parser("resend", help="send an ambiguous or failed delivery again, with the same Message-ID, "
                                          "through its channel account")
    _suppressed_workspace_options(q)
    q.add_argument("id", metavar="ID", help="the delivery id that 'outbox list' shows")
    q.add_argument("--smtp-host", metavar="HOST", help="send email through this SMTP server (no login, no TLS)")
    q.add_argument("--smtp-port", type=_port, default=25, metavar="PORT", help="SMTP port (default 25)")
    q.add_argument("--sender", default="journey-studio@localhost", metavar="ADDRESS",
                   help="From address (default journey-studio@localhost)")
    q.set_defaults(handler=cmd_outbox_resend)
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_commands(sub, _suppressed_workspace_options)
    return parser, sub


def run(parser: argparse.ArgumentParser, argv: list[str] | None, default: Handler | None = None) -> int:
    """Parse ``argv`` and run the chosen handler, turning every failure into one readable line."""
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None) or default
    if handler is None:
        parser.print_help()
        return 2
    command = getattr(args, "command", None)
    try:
        # A workspace this command locks says so to whoever is refused it ("journey-studio collect").
        with holding_as(APP if command in (None, "app") else f"journey-studio {command}"):
            return int(handler(args) or 0)
    except JourneyStudioError as exc:
        if getattr(args, "json", False) is True:
            # A script that asked for JSON gets the error as JSON too (as `import --json` gives it).
            _out(json.dumps({"error": exc.message, "where": exc.where}, ensure_ascii=False))
        _err(f"error: {exc}")
        return 1
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # last resort: never show a marketer a traceback
        if os.environ.get("JOURNEY_STUDIO_DEBUG"):
            raise
        _err(f"unexpected error: {type(exc).__name__}: {exc}. "
             f"Run again with JOURNEY_STUDIO_DEBUG=1 for details.")
        return 70


def main(argv: list[str] | None = None) -> int:
    """Headless entry point (no GUI commands)."""
    parser, _ = build_parser()
    return run(parser, argv)


if __name__ == "__main__":
    sys.exit(main())
