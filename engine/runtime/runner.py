"""The durable runner: customers' runs through published journeys, kept in the workspace.

A run belongs to one customer and one published version (pinned when it starts: publishing a newer
version leaves it where it is) in one mode, ``test`` or ``live``; the modes never share runs,
counters or deliveries. :meth:`Runner.enter` starts a run, :meth:`Runner.handle_event` wakes runs
waiting for an event (and starts runs for event-triggered entries), :meth:`Runner.tick` takes due
runs in batches, earliest wake-up first.

Each step is one short transaction (:meth:`engine.store.runs.RunStore.commit`): the run row, the
step-log line and the node and edge counters change together, with the counting rules of
:mod:`engine.runtime.simulator`, so for every node ``entered = Σ out-edge counts + active + exited``
at every commit. ``active`` counts the runs at a node that have not left it: parked there, or
arrived and about to run it (a state the simulator never shows, because it runs that step at once;
once the runner is idle the two read alike). A run takes at most :data:`MAX_STEPS_PER_WAKE` steps per wake-up; past that the loop
guard ends it, as in the simulator.

Messages go through the outbox: the delivery row, keyed by a deterministic idempotency key (run,
node, and which visit of that node), is written ``pending`` before the channel is called and gets
its outcome after. When a step is run again after the process stopped in between, the pending row
is found, marked ``ambiguous`` and the message is not sent a second time; the send counts as failed.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from engine import gcpause
from engine.channels import Channel, ChannelResult, Message
from engine.channels.optouts import normalize_address
from engine.channels.ratelimit import backoff
from engine.channels.unsubscribe import TOKEN_KINDS, make_token
from engine.document import Journey, Settings
from engine.errors import NotFound, SegmentInvalid
from engine.runtime.clock import Clock, local_date, zone_of
from engine.runtime.context import (
    CustomerView,
    Mode,
    SendOutcome,
    StepContext,
    apply_profile_ops,
    frequency_capped,
    quiet_until,
)
from engine.runtime.results import RUN_AGAIN, End, Go, Jump, NodeCounts, Outcome, Park
from engine.runtime.simulator import MAX_STEPS_PER_WAKE
from engine.runtime.triggers import (
    DatePropertyTrigger,
    EventTrigger,
    ScheduleTrigger,
    SegmentTrigger,
    Trigger,
    matches,
    rule_matches,
)
from engine.spec import Registry
from engine.store.customers import EventRecord
from engine.store.runs import (
    _DELIVERIES_INSERT,
    DROPPED,
    Batch,
    BatchDelta,
    BatchRows,
    DeliveryRecord,
    RunState,
    RunStore,
    delivery_values,
    ordered_id,
)
from engine.store.workspace import Workspace

RUNNER_MODES = ("test", "live")
#: Namespace of delivery idempotency keys (uuid5 of run, node and visit).
DELIVERY_NAMESPACE = uuid.UUID("6f1d3c2e-8a4b-5e7f-9c0d-1a2b3c4d5e6f")
#: The profile attribute (or identifier kind) holding the address a channel kind delivers to.
ADDRESS_OF: dict[str, str] = {"email": "email", "sms": "phone"}
AMBIGUOUS_REASON = "the channel may or may not have delivered it (the process stopped); not resent"
#: Attempts of a message whose channel keeps failing in a way that may pass (timeouts, 429, 5xx,
#: SMTP 4xx) before it is recorded as failed.
MAX_ATTEMPTS = 5
#: Deliveries the user may send again (``journey-studio outbox resend``).
RESENDABLE = ("ambiguous", "failed", DROPPED)
#: Run variable holding which firing of a schedule or date entry started the run.
TRIGGER_KEY_VAR = "trigger_key"
#: Run variable holding when a wait for an event began (ISO 8601), when that is earlier than the
#: moment the runner parked the run there: the time of the event the run was reacting to. SDKs
#: queue events and the engine may take them up later than they happened (``collect`` now,
#: ``run`` afterwards), so a customer who signed up and ordered three seconds later has ordered
#: after the journey began waiting for the order, however late the runner sees both.
WAIT_SINCE_VAR = "wait_since"
#: An event handed over more than this long after it happened is history (an import of last
#: year's orders): it counts for goals and exit events, but starts no run.
HISTORY_AGE = timedelta(days=1)
#: How often segment-rule entries look for customers who now pass their rules.
SEGMENT_SCAN_EVERY = timedelta(minutes=1)
_ONE_US = timedelta(microseconds=1)


def delivery_key(run_id: str, node_id: str, scope: str) -> str:
    """The idempotency key of a message: the same run, node and visit always give the same key
    (``uuid.uuid5(DELIVERY_NAMESPACE, …)``, spelled out: every send makes one)."""
    digest = hashlib.sha1(_NAMESPACE_BYTES + f"{run_id}\x1f{node_id}\x1f{scope}".encode(), usedforsecurity=False)
    value = int.from_bytes(digest.digest()[:16]) & _UUID5_CLEAR | _UUID5_SET
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


_NAMESPACE_BYTES = DELIVERY_NAMESPACE.bytes
# Version 5 and the RFC 4122 variant, as uuid.UUID(bytes=..., version=5) sets them.
_UUID5_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID5_SET = (5 << 76) | (0x8000 << 48)


@dataclass(frozen=True)
class _Entry:
    node_id: str
    trigger: Trigger | None
    policy: str
    cooldown: timedelta
    limit: int


class _Compiled:
    """A published version, parsed once: behaviours, configs, where each port leads, goals, entries."""

    def __init__(self, journey: Journey, registry: Registry, version_number: int):
        self.journey = journey
        self.version_number = version_number
        self.settings: Settings = journey.settings
        self.nodes: dict[str, tuple[Any, Any]] = {}
        self.goal_nodes: dict[str, tuple[str, list[dict]]] = {}
        self.entries: list[_Entry] = []
        settings = journey.settings
        for node in journey.nodes:
            spec = registry.get(node.type)
            if spec is None or not spec.executable or spec.run is None:
                continue
            config = spec.parse_config(node.config, node_id=node.id)
            self.nodes[node.id] = (spec.run, config)
            if spec.goal_event is not None:
                event, filters = spec.goal_event(config)
                self.goal_nodes[node.id] = (event, list(filters))
            if spec.is_entry:
                raw = node.config
                policy = raw.get("re_entry", "inherit")
                cooldown = raw.get("re_entry_cooldown_days", 0) if policy != "inherit" else \
                    settings.re_entry.cooldown_days
                policy = settings.re_entry.policy if policy == "inherit" else policy
                trigger = spec.trigger(config) if spec.trigger is not None else None
                self.entries.append(_Entry(node.id, trigger, policy, timedelta(days=int(cooldown or 0)),
                                           int(raw.get("entry_limit", 0) or 0)))
        self.out: dict[tuple[str, str], tuple[str, str]] = {}
        for edge in journey.edges:
            if edge.source.node in self.nodes and edge.target.node in self.nodes:
                self.out[(edge.source.node, edge.source.port)] = (edge.id, edge.target.node)
        self.goals_by_event: dict[str, list[tuple[str, list[dict]]]] = {}
        for node_id, (event, filters) in self.goal_nodes.items():
            self.goals_by_event.setdefault(event, []).append((node_id, filters))
        for event in dict.fromkeys(settings.goals):
            self.goals_by_event.setdefault(event, []).append((event, []))
        self.exit_events = set(settings.exit_events)


#: Run variable holding the id of the event that started the run.
TRIGGER_EVENT_VAR = "trigger_event_id"


class _Work:
    """What the runner holds between writes: a :class:`Batch` of steps and what it read for them."""

    def __init__(self) -> None:
        self.batch = Batch()
        #: Profiles read for this batch (their dicts are shared by every step of that customer).
        self.customers: dict[str, CustomerView] = {}
        #: Identifiers of the customers in hand (``kind → value``), read when a send first needs one.
        self.identifiers: dict[str, dict[str, str]] = {}
        #: Delivery rows of the runs in hand, by idempotency key, as the batch leaves them.
        self.deliveries: dict[str, DeliveryRecord] = {}
        #: Runs whose delivery rows have been read (or that are new, so have none).
        self.delivery_runs: set[str] = set()
        #: Runs taken from the store whose delivery rows are read, all at once, when a send first
        #: asks (a batch that sends nothing reads none).
        self.unread_delivery_runs: list[str] = []
        #: When each customer in hand was sent something counting towards the frequency cap.
        self.sent: dict[str, list[datetime]] = {}
        #: Opt-outs, read once per batch when a message is about to go: ``(kind, address)`` and
        #: ``(kind, customer id)`` pairs.
        self.opt_outs: set[tuple[str, str]] | None = None


class _Writer:
    """Writes a runner's batches on a thread of its own, one at a time, while the runner works out
    the next one (SQLite: the database's work then runs on the second core).

    While a batch is being written its runs and customers are *in flight*: the runner takes no
    due run of that batch and reads no profile of those customers until the write is done (the
    database does not show it yet); every other read of the store waits for it (:meth:`wait`).
    """

    def __init__(self, store: RunStore):
        self._store = store
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self.run_ids: frozenset[str] = frozenset()
        self.customer_ids: frozenset[str] = frozenset()

    @property
    def busy(self) -> bool:
        return self._thread is not None

    def submit(self, rows: BatchRows) -> None:
        """Start writing ``rows`` once the batch before them is written."""
        self.wait()
        self.run_ids, self.customer_ids = rows.run_ids, rows.customer_ids
        self._thread = threading.Thread(target=self._write, args=(rows,), name="journey-studio-run-writer",
                                        daemon=True)
        self._thread.start()

    def _write(self, rows: BatchRows) -> None:
        try:
            self._store.write_rows(rows)
        except BaseException as exc:  # handed to the runner's thread by wait()
            self._error = exc

    def wait(self) -> None:
        """Return once nothing is in flight; raise what the last write raised."""
        thread = self._thread
        if thread is not None:
            thread.join()
            self._thread = None
            self.run_ids = self.customer_ids = frozenset()
        if self._error is not None:
            error, self._error = self._error, None
            raise error


class Runner:
    """Runs of published journeys in one mode, on ``clock``, sending through ``channels``
    (channel account id → :class:`~engine.channels.Channel`).

    Steps are written in batches (:class:`~engine.store.runs.Batch`): one transaction for up to
    :attr:`batch_steps` steps, and always before a message goes to a channel that does not drop
    repeats by itself (``idempotent`` false), so a crash can lose only steps that are run again on
    restart, never a send the outbox does not know about.
    """

    def __init__(self, workspace: Workspace, registry: Registry, clock: Clock,
                 channels: Mapping[str, Channel] | None = None, mode: Mode = "live", *,
                 batch_steps: int = 20_000, max_attempts: int = MAX_ATTEMPTS):
        if mode not in RUNNER_MODES:
            raise ValueError(f"the runner works in test or live mode, not '{mode}'")
        self.workspace = workspace
        self.registry = registry
        self.clock = clock
        self.channels: dict[str, Channel] = dict(channels or {})
        self.mode = mode
        self.store = RunStore(workspace)
        #: How long after a segment's last scan the next may come (checking a segment's rules costs
        #: a query over every customer); ``run --once``, a pass asked for, sets zero.
        self.segment_scan_every = SEGMENT_SCAN_EVERY
        self.batch_steps = batch_steps
        self.max_attempts = max_attempts
        self._compiled_versions: dict[tuple[str, int], _Compiled] = {}
        self._work = _Work()
        self._writer = _Writer(self.store)
        #: Called after every call of a channel (and when a message has no channel to go to).
        self.on_result: Callable[[Message, ChannelResult], None] | None = None
        #: Entries that fire on their own (schedule, date property, segment rules): when each was
        #: last looked at, by (journey, version, node).
        self._scanned: dict[tuple[str, int, str], datetime] = {}
        #: What nodes of live versions cannot do now (an entry or a check naming a saved segment
        #: that no longer exists): (journey, version, node) → one sentence. Kept while that version
        #: is live and the cause lasts; see :meth:`problems`.
        self._problems: dict[tuple[str, int, str], str] = {}
        #: Messages not sent because their template failed, by (journey, version, node, reason),
        #: since :meth:`take_template_failures` was last called.
        self.template_failures: dict[tuple[str, int, str, str], int] = {}
        #: Messages found pending from a send that was cut off (now ``ambiguous``), since the last
        #: :meth:`take_template_failures`.
        self.ambiguous_found = 0
        #: How many messages the last :meth:`take_template_failures` reported.
        self.template_failed_count = 0
        #: Messages skipped (no consent, no address, opted out, quiet hours, frequency cap) by reason,
        #: since the live engine last took the counts.
        self.skipped: dict[str, int] = {}

    # -- public ---------------------------------------------------------------------------------
    def take_template_failures(self) -> tuple[str, ...]:
        """The messages not sent since the last call because their template could not be filled in,
        one sentence per node and reason (a customer without the value a template prints, say)."""
        failures, self.template_failures = self.template_failures, {}
        self.template_failed_count = sum(failures.values())
        lines = []
        for (journey_id, version, node_id, message), count in failures.items():
            journey = self._compiled(journey_id, version).journey
            node = journey.node(node_id)
            title = node.title if node is not None and node.title else node_id[:8]
            lines.append(f"'{title}' in journey '{journey.name}': {count:,} message{'s' if count != 1 else ''} "
                         f"not sent: template {message}")
        found, self.ambiguous_found = self.ambiguous_found, 0
        if found:
            were = "was" if found == 1 else "were"
            lines.append(f"{found:,} message{'s' if found != 1 else ''} may or may not have been delivered (the "
                         f"process stopped while sending) and {were} not sent again: 'journey-studio outbox list "
                         "--status ambiguous' lists them, 'outbox resend ID' sends one again")
        return tuple(lines)

    def problems(self) -> tuple[str, ...]:
        """What nodes of the live versions cannot do now, one sentence each (an entry or a check
        naming a saved segment that no longer exists): the same every pass until it is mended."""
        if not self._problems:
            return ()
        live = set(self._live_journeys())
        for key in [k for k in self._problems if (k[0], k[1]) not in live]:
            del self._problems[key]
        return tuple(dict.fromkeys(self._problems.values()))

    def _segment_gone(self, journey: Journey, version: int, node_id: str, segment_id: str, what: str,
                      invalid: SegmentInvalid | None = None) -> None:
        """Record that a node's saved segment is deleted (or, with ``invalid``, has rules that
        cannot be checked, as a segment saved by an earlier version may): until that is mended the
        entry admits nobody and the check answers No."""
        from engine.track.segments import SegmentStore, deleted_segment_names

        key = (journey.id, version, node_id)
        if key in self._problems:
            return
        node = journey.node(node_id)
        title = node.title if node is not None and node.title else node_id[:8]
        outcome = 'nobody enters through it' if what == 'entry' else 'every customer takes its No path'
        if invalid is not None:
            name = SegmentStore(self.workspace).get(segment_id).name
            self._problems[key] = (
                f"Journey “{journey.name}”, {what} “{title}”, saved segment “{name}”: {invalid.message.rstrip('.')}. "
                f"Until it is corrected under Track ▸ Segments, {outcome}.")
            return
        with self.workspace._session() as s:
            name = deleted_segment_names(s.connection()).get(segment_id)
        segment = f"the saved segment “{name}” was deleted" if name else \
            f"the saved segment '{segment_id}' no longer exists"
        self._problems[key] = (
            f"Journey “{journey.name}”, {what} “{title}”: {segment}, so {outcome}. "
            "Choose another segment and publish again.")

    def enter(self, journey_id: str, customer_id: str, node_id: str | None = None,
              event: Mapping[str, Any] | None = None) -> str | None:
        """Start a run of the customer at an entry (the first one unless ``node_id`` names one) of
        the latest published version; returns its id, or ``None`` when re-entry rules refuse."""
        self._settle()
        comp, entry = self._entry(journey_id, node_id)
        self.workspace.get_customer(customer_id)
        try:
            return self._try_enter(comp, entry, customer_id, dict(event or {}))
        finally:
            self.flush()

    @gcpause.pausing
    def enter_many(self, journey_id: str, customer_ids: Iterable[str], node_id: str | None = None,
                   *, chunk: int = 2000) -> int:
        """Start runs for many customers at once (a segment, a schedule firing, a bulk test); returns
        how many started. Re-entry rules and entry limits apply to each customer."""
        self._settle()
        comp, entry = self._entry(journey_id, node_id)
        started = 0
        ids = list(dict.fromkeys(customer_ids))
        try:
            for i in range(0, len(ids), chunk):
                part = ids[i:i + chunk]
                if entry.limit or not self._writer.customer_ids.isdisjoint(part):
                    self._settle()  # the limit counts the runs written so far
                self._load_customers(part)
                runs = self.store.runs_of_customers(part, journey_id, self.mode)
                entered = self.store.customers_entered(journey_id, self.mode) if entry.limit else 0
                for customer_id in part:
                    if customer_id not in self._work.customers:
                        continue
                    if entry.limit and customer_id not in runs and entered >= entry.limit:
                        continue
                    if self._start(comp, entry, customer_id, {}, runs.get(customer_id, [])) is not None:
                        started += 1
                        entered += customer_id not in runs
                self._flush_behind()
        finally:
            self._settle()
        return started

    def handle_event(self, event: EventRecord) -> None:
        """A customer did something: runs waiting for it go on, goals and exit events are counted,
        and event-triggered entries of live journeys start runs."""
        self._settle()
        name, props = event.name, dict(event.properties)
        for state in self.store.open_runs(event.customer_id, self.mode):
            comp = self._compiled(state.journey_id, state.version_number)
            now = self.clock.now()
            delta = self._delta(state, now)
            if name in comp.exit_events and state.status == "waiting":
                delta.node(state.node_id, active=-1, exited=1)
                delta.step(state.node_id, None, f"exit event '{name}'")
                _done(state)
                self._fold(state, now)
                continue
            for key, filters in comp.goals_by_event.get(name, ()):
                if not filters or matches(filters, props):
                    _convert(state, key, delta)
            # An event from before the run began to wait (an imported history) is not what it waits for.
            # Nor is one from after its time limit: the run times out, as it would have on time.
            waiting_for_it = (state.status == "waiting" and state.wait_event == name
                              and event.occurred_at >= _wait_since(state)
                              and (state.wake_at is None or event.occurred_at < state.wake_at)
                              and (not state.wait_filters or matches(state.wait_filters, props)))
            if waiting_for_it:
                port = state.event_port or "event"
                delta.node(state.node_id, active=-1)
                delta.step(state.node_id, port, f"event '{name}'")
                state.event = props
                _follow(state, comp, port, delta, now)
            if delta.touched:
                self._fold(state, now)
            if waiting_for_it:
                self._advance(state, comp, event.occurred_at)
        self.flush()  # the entry rules below read the runs just written
        if self.clock.now() - event.occurred_at > HISTORY_AGE:
            return  # history (an import of last year's orders) starts no journeys
        for journey_id, number in self._live_journeys():
            comp = self._compiled(journey_id, number)
            for entry in comp.entries:
                if isinstance(entry.trigger, EventTrigger) and entry.trigger.accepts(name, props):
                    self._try_enter(comp, entry, event.customer_id, props, trigger_event_id=event.id,
                                    event_time=event.occurred_at)
        self.flush()

    @gcpause.pausing
    def tick(self, batch: int = 2000) -> int:
        """Start the runs that entries firing by now call for (live mode), then advance up to
        ``batch`` due runs, earliest wake-up first; returns how many runs were taken. Everything
        is written when it returns."""
        self._settle()
        try:
            return self._tick(batch)
        finally:
            self._settle()

    @gcpause.pausing
    def run_due(self, batch: int = 2000) -> int:
        """Tick until nothing is due at the clock's present moment; returns the runs taken. Each
        batch is written while the next one is worked out; everything is written when it returns."""
        self._settle()
        total = 0
        try:
            while taken := self._tick(batch):
                total += taken
        finally:
            self._settle()
        return total

    def _tick(self, batch: int) -> int:
        """:meth:`tick`, leaving the batch to be written behind the next one's work."""
        now = self.clock.now()
        if self.mode == "live":
            self._fire_entries(now)
        writer = self._writer
        states = self.store.due_states(now, self.mode, batch, exclude=writer.run_ids)
        if not states and writer.busy:  # perhaps only runs still being written were due
            self._settle()
            states = self.store.due_states(now, self.mode, batch)
        if not states:
            return 0
        if not writer.customer_ids.isdisjoint(s.customer_id for s in states):
            self._settle()  # a profile or a send of theirs is still being written
        self._load_customers(s.customer_id for s in states)
        self._work.unread_delivery_runs = [s.id for s in states]
        for state in states:
            comp = self._compiled(state.journey_id, state.version_number)
            if state.status == "waiting":
                self._wake(state, comp)
            self._advance(state, comp)
        self._flush_behind()
        return len(states)

    def flush(self) -> None:
        """Write the steps in hand (one transaction) and forget what was read for them."""
        self._settle()
        work = self._work
        if work.batch:
            self.store.write(work.batch)
        self._work = _Work()

    def _flush_behind(self) -> None:
        """:meth:`flush`, with the writing done on the writer's thread (on SQLite) while the runner
        goes on; :meth:`_settle` waits for it."""
        work = self._work
        self._work = _Work()
        if not work.batch:
            return
        rows = self.store.batch_rows(work.batch)
        if rows is None:
            self.store.write(work.batch)
        else:
            self._writer.submit(rows)

    def _settle(self) -> None:
        """Wait until every batch handed to the writer is written. If one failed, what the runner
        holds is ahead of the database: it is dropped (the runs go on from what was written)."""
        try:
            self._writer.wait()
        except BaseException:
            self._work = _Work()
            raise

    def counters(self, journey_id: str, version_number: int, mode: str | None = None
                 ) -> tuple[dict[str, NodeCounts], dict[str, int]]:
        """Node and edge counters of a version (this runner's mode unless ``mode`` is given); every
        runnable node and every edge between two is listed, at zero when nothing passed yet."""
        self._settle()
        nodes, edges = self.store.counters(journey_id, version_number, mode or self.mode)
        comp = self._compiled(journey_id, version_number)
        all_nodes = {node_id: nodes.get(node_id, NodeCounts()) for node_id in comp.nodes}
        all_edges = {edge_id: edges.get(edge_id, 0) for edge_id, _ in comp.out.values()}
        return all_nodes | nodes, all_edges | edges

    def resend(self, delivery_id: str) -> SendOutcome:
        """Send an ambiguous or failed delivery again, as the user chose: the message is built anew
        from the node of the published version and the customer's profile, with the same
        idempotency key (so the same ``Message-ID``), and the row gets the new outcome."""
        self._settle()
        found = self.store.delivery_by_id(delivery_id)
        if found.status not in RESENDABLE:
            raise NotFound(f"delivery '{found.id}' is {found.status}; only an ambiguous or failed delivery "
                           "can be sent again", where=self.workspace.location)
        state = self.store.load(found.run_id)
        comp = self._compiled(state.journey_id, state.version_number)
        compiled = comp.nodes.get(found.node_id)
        if compiled is None:
            raise NotFound(f"node {found.node_id} is no longer in version {state.version_number}",
                           where=self.workspace.location)
        self._load_customers([state.customer_id])
        ctx = ResendContext(self, state, comp.settings, found.node_id, self.clock.now(), found)
        behaviour, config = compiled
        behaviour(config, ctx)  # only its message matters; the run does not move
        self.flush()
        if ctx.outcome is None:
            raise NotFound(f"node {found.node_id} sent nothing this time (its conditions changed)",
                           where=self.workspace.location)
        return ctx.outcome

    # -- runs -----------------------------------------------------------------------------------
    def _entry(self, journey_id: str, node_id: str | None) -> tuple[_Compiled, _Entry]:
        latest = self.workspace.latest_version(journey_id)
        if latest is None:
            raise NotFound(f"journey {journey_id} has no published version", where=self.workspace.location)
        comp = self._compiled(journey_id, latest.number)
        entries = [e for e in comp.entries if node_id is None or e.node_id == node_id]
        if not entries:
            what = f"no entry node '{node_id}'" if node_id else "no entry node"
            raise NotFound(f"version {latest.number} of journey {journey_id} has {what}",
                           where=self.workspace.location)
        return comp, entries[0]

    def _compiled(self, journey_id: str, number: int) -> _Compiled:
        key = (journey_id, number)
        comp = self._compiled_versions.get(key)
        if comp is None:
            comp = _Compiled(self.workspace.load_version(journey_id, number), self.registry, number)
            self._compiled_versions[key] = comp
        return comp

    def _live_journeys(self) -> list[tuple[str, int]]:
        return [(j.id, j.latest_version) for j in self.workspace.list_journeys()
                if j.status == "live" and not j.archived and j.latest_version is not None]

    def _load_customers(self, customer_ids: Iterable[str]) -> None:
        work = self._work
        wanted = [c for c in dict.fromkeys(customer_ids) if c not in work.customers]
        for cid, attributes, zone, consent, tags in self.store.profiles_of(wanted):
            work.customers[cid] = CustomerView(cid, attributes, zone, consent, set(tags))

    def _customer(self, customer_id: str) -> CustomerView:
        found = self._work.customers.get(customer_id)
        if found is None:
            self._load_customers([customer_id])
            found = self._work.customers.get(customer_id)
            if found is None:
                raise NotFound(f"there is no customer with id '{customer_id}'", where=self.workspace.location)
        return found

    def _identifiers(self, customer_id: str) -> dict[str, str]:
        """The customer's identifiers; the first call of a batch reads them for every customer in hand."""
        work = self._work
        found = work.identifiers.get(customer_id)
        if found is None:
            self._customer(customer_id)
            wanted = [c for c in work.customers if c not in work.identifiers]
            read = self.store.identifiers_of(wanted)
            for cid in wanted:
                work.identifiers[cid] = dict(reversed(sorted(read.get(cid, ()))))
            found = work.identifiers[customer_id]
        return found

    def _load_deliveries(self, run_ids: Iterable[str]) -> None:
        work = self._work
        wanted = [r for r in dict.fromkeys(run_ids) if r not in work.delivery_runs]
        for key, row in self.store.deliveries_of_runs(wanted).items():
            work.deliveries.setdefault(key, row)  # what the batch did already is newer
        work.delivery_runs.update(wanted)

    def _delivery(self, run_id: str, key: str) -> DeliveryRecord | None:
        work = self._work
        if run_id not in work.delivery_runs:
            self._load_deliveries([run_id, *work.unread_delivery_runs])
            work.unread_delivery_runs = []
        return work.deliveries.get(key)

    def _opted_out(self, channel_kind: str, address: str, customer_id: str) -> bool:
        work = self._work
        if work.opt_outs is None:
            work.opt_outs = self.store.opt_outs()
        return ((channel_kind, normalize_address(channel_kind, address)) in work.opt_outs
                or (channel_kind, "customer:" + customer_id) in work.opt_outs)

    def _sent_times(self, customer_id: str) -> list[datetime]:
        """When the customer was sent messages that count towards the frequency cap. The first call
        of a batch reads them for every customer in hand; every send that counts calls this before
        its delivery row is written, so the batch's own sends are added here, never read twice."""
        work = self._work
        found = work.sent.get(customer_id)
        if found is None:
            self._customer(customer_id)
            wanted = [c for c in work.customers if c not in work.sent]
            read = self.store.sent_times_of(wanted, self.mode)
            for cid in wanted:
                work.sent[cid] = read.get(cid, [])
            found = work.sent[customer_id]
        return found

    def _delta(self, state: RunState, now: datetime) -> BatchDelta:
        return self._work.batch.delta(state, now)

    def _fold(self, state: RunState, now: datetime, *, new: bool = False,
              profile: tuple[dict[str, Any], list[str]] | None = None) -> None:
        """The step whose delta was made by :meth:`_delta` is done: note its run (and profile)."""
        batch = self._work.batch
        batch.touch(state, now, new=new, profile=profile)
        if len(batch.steps) >= self.batch_steps:
            self._write_batch()

    def _write_batch(self) -> None:
        """Write the batch now but keep what was read: the runs in hand go on from where they are."""
        self._settle()
        batch = self._work.batch
        if batch:
            self.store.write(batch)
        batch.clear()

    def _may_enter(self, entry: _Entry, runs: list[RunState], now: datetime) -> bool:
        """The simulator's re-entry rules, read from the customer's runs of this journey and mode."""
        if any(r.status != "done" for r in runs) and entry.policy != "always":
            return False
        if runs:
            if entry.policy == "never":
                return False
            if entry.policy == "after_exit":
                last_exit = max(r.updated_at for r in runs)
                if now < last_exit + entry.cooldown:
                    return False
            if entry.policy == "always" and entry.cooldown and now < max(r.started_at for r in runs) + entry.cooldown:
                return False
        return True

    def _try_enter(self, comp: _Compiled, entry: _Entry, customer_id: str, event: dict[str, Any],
                   trigger_event_id: int | None = None, trigger_key: str | None = None,
                   event_time: datetime | None = None) -> str | None:
        runs = self.store.runs_of(customer_id, comp.journey.id, self.mode)
        if entry.limit and not runs and self.store.customers_entered(comp.journey.id, self.mode) >= entry.limit:
            return None
        return self._start(comp, entry, customer_id, event, runs, trigger_event_id, trigger_key, event_time)

    def _start(self, comp: _Compiled, entry: _Entry, customer_id: str, event: dict[str, Any],
               runs: list[RunState], trigger_event_id: int | None = None,
               trigger_key: str | None = None, event_time: datetime | None = None) -> str | None:
        now = self.clock.now()
        if trigger_event_id is not None and any(r.vars.get(TRIGGER_EVENT_VAR) == trigger_event_id for r in runs):
            # This event already started a run (a restart after a crash hands events over again):
            # one event starts at most one run, whatever the re-entry rules allow.
            return None
        if trigger_key is not None and any(r.vars.get(TRIGGER_KEY_VAR) == trigger_key for r in runs):
            return None  # this firing of a schedule or date already started this customer's run
        if not self._may_enter(entry, runs, now):
            return None
        state = RunState(id=ordered_id(), journey_id=comp.journey.id, version_number=comp.version_number,
                         customer_id=customer_id, mode=self.mode, node_id=entry.node_id, status="active",
                         wake_at=now, started_at=now, updated_at=now, event=event)
        if trigger_event_id is not None:
            state.vars[TRIGGER_EVENT_VAR] = trigger_event_id
        if trigger_key is not None:
            state.vars[TRIGGER_KEY_VAR] = trigger_key
        self._work.delivery_runs.add(state.id)  # a new run has no deliveries to read
        _arrive(state, comp, entry.node_id, self._delta(state, now), now)
        self._fold(state, now, new=True)
        self._advance(state, comp, event_time)
        return state.id

    def _wake(self, state: RunState, comp: _Compiled) -> None:
        """A parked run's time has come: the timeout (waiting for an event) or the resume port."""
        now = self.clock.now()
        delta = self._delta(state, now)
        port = (state.timeout_port if state.wait_event else state.resume_port) or ""
        if port == RUN_AGAIN:  # still at the node, so still counted in its ``active``
            delta.step(state.node_id, None, "time reached: run again")
            _clear_wait(state)
            state.status, state.wake_at = "active", now
        else:
            delta.node(state.node_id, active=-1)
            delta.step(state.node_id, port, "timed out" if state.wait_event else "time reached")
            _follow(state, comp, port, delta, now)
        self._fold(state, now)

    def _advance(self, state: RunState, comp: _Compiled, event_time: datetime | None = None) -> None:
        """Run behaviours from the run's node until it parks or ends (at most
        :data:`MAX_STEPS_PER_WAKE` steps), adding each step to the batch. ``event_time``: when the
        event this wake-up reacts to happened; a wait for an event reached in it counts events from
        then on (:data:`WAIT_SINCE_VAR`), and its time limit runs from then too, as in a simulation
        (the engine may see the event late: an import, a phone's queue, a pass that ran later).

        A wake-up happens at one moment: every step of it is logged at the same ``now``."""
        if state.status != "active":
            return
        now = self.clock.now()
        batch = self._work.batch
        delta = batch.delta(state, now)
        ctx = StoreContext(self, state, comp.settings, state.node_id, now)
        nodes = comp.nodes
        runs = batch.runs  # cleared in place by a write in between, never replaced
        state.updated_at = now
        taken = 0
        lag = now - event_time if event_time is not None and event_time < now else None
        while state.status == "active":
            node_id = state.node_id
            compiled = nodes.get(node_id)
            if taken >= MAX_STEPS_PER_WAKE or compiled is None:
                note = (f"loop guard: more than {MAX_STEPS_PER_WAKE} steps in one wake-up"
                        if compiled is not None else "the node cannot run")
                delta.node(node_id, active=-1, exited=1)
                delta.step(node_id, None, note)
                _done(state)
                batch.touch(state, now)
                break
            behaviour, config = compiled
            ctx.node_id = node_id
            ctx._profile_changed = False
            outcome = behaviour(config, ctx)
            if lag is not None and type(outcome) is Park and outcome.event and outcome.until is not None:
                outcome = replace(outcome, until=outcome.until - lag)
            taken += 1
            state.steps += 1
            self._apply(state, comp, outcome, delta, now)
            runs[state.id] = state  # batch.touch, spelled out: this runs for every step
            if ctx._profile_changed:
                batch.touch(state, now, profile=ctx.profile_change())
        if event_time is not None and state.wait_event is not None and event_time < now:
            state.vars[WAIT_SINCE_VAR] = event_time.isoformat()
        if len(batch.steps) >= self.batch_steps:
            self._write_batch()

    # -- entries that fire on their own --------------------------------------------------------
    def _fire_entries(self, now: datetime) -> None:
        """Schedules, dates held by customers and segment rules of live journeys: start the runs
        that are due by ``now``. Each firing is recorded on the run (``trigger_key``), so a restart
        never starts it twice."""
        for journey_id, number in self._live_journeys():
            comp = self._compiled(journey_id, number)
            for entry in comp.entries:
                trig = entry.trigger
                if isinstance(trig, ScheduleTrigger | DatePropertyTrigger | SegmentTrigger):
                    self._fire_entry(comp, entry, trig, now)

    def _fire_entry(self, comp: _Compiled, entry: _Entry, trig: Trigger, now: datetime) -> None:
        self._settle()  # reads runs and profiles
        key = (comp.journey.id, comp.version_number, entry.node_id)
        meta_key = f"entry-scan:{comp.journey.id}:{comp.version_number}:{entry.node_id}:{self.mode}"
        last = self._scanned.get(key)
        if last is None:
            stored = self.workspace.get_meta(meta_key)
            last = datetime.fromisoformat(stored) if stored else None
        if isinstance(trig, SegmentTrigger) and last is not None and now - last < self.segment_scan_every:
            return
        # Firings count from when the version went live (or from now, on a clock behind the
        # publication: a simulated or test clock).
        live_since = min(self._published_at(comp), now)
        if last is None:
            last = live_since - _ONE_US
        zone = zone_of(None, comp.settings.time_zone)
        due: list[tuple[str, str]] = []  # (customer id, firing key)
        if isinstance(trig, ScheduleTrigger):
            first_day = local_date(live_since, zone)
            moment = trig.next_fire(last, zone, first_day=first_day)
            if moment is None or moment > now:
                self._scanned[key] = last
                return
            firing = moment.isoformat()
            members: set[str] | None = None
            if trig.segment_id:
                # Only the saved segment's customers (as it is now) are due, as the trigger says.
                from engine.track.segments import SegmentStore

                store = SegmentStore(self.workspace)
                try:
                    members = set(store.members(store.get(trig.segment_id).rules, now))
                except (NotFound, SegmentInvalid) as exc:
                    self._segment_gone(comp.journey, comp.version_number, entry.node_id, trig.segment_id, "entry",
                                       exc if isinstance(exc, SegmentInvalid) else None)
                    self._scanned[key] = moment
                    return
                self._problems.pop(key, None)
            due = [(cid, f"schedule:{firing}") for cid, attrs in self.store.profiles()
                   if (members is None or cid in members) and _in_rules(trig.rules, trig.match, attrs)]
        elif isinstance(trig, SegmentTrigger) and trig.segment_id:
            # Saved segment: who entered it since the last look (its stored membership moves on).
            from engine.track.segments import SegmentStore

            try:
                entered, _left = SegmentStore(self.workspace).refresh(trig.segment_id, now)
            except (NotFound, SegmentInvalid) as exc:
                # Deleted after the version was published (or its rules cannot be checked): nobody
                # enters here, the others go on.
                self._segment_gone(comp.journey, comp.version_number, entry.node_id, trig.segment_id, "entry",
                                   exc if isinstance(exc, SegmentInvalid) else None)
                self._scanned[key] = now
                return
            self._problems.pop(key, None)
            attrs_ok = {cid for cid, attrs in self.store.profiles() if _in_rules(trig.rules, trig.match, attrs)} \
                if trig.rules else None
            due = [(cid, "segment") for cid in entered if attrs_ok is None or cid in attrs_ok]
        else:
            for cid, attrs, tz in self.store.profiles(with_zone=True):
                if isinstance(trig, DatePropertyTrigger):
                    moment = trig.next_fire(attrs, last, zone_of(tz, comp.settings.time_zone))
                    if moment is not None and moment <= now:
                        due.append((cid, f"date:{moment.isoformat()}"))
                elif not trig.segment_id and trig.accepts(attrs):
                    due.append((cid, "segment"))
        self._enter_due(comp, entry, due)
        self._scanned[key] = now
        self.workspace.set_meta(meta_key, now.isoformat())

    def _enter_due(self, comp: _Compiled, entry: _Entry, due: list[tuple[str, str]]) -> None:
        for i in range(0, len(due), 2000):
            part = due[i:i + 2000]
            ids = [cid for cid, _ in part]
            self._load_customers(ids)
            runs = self.store.runs_of_customers(ids, comp.journey.id, self.mode)
            entered = self.store.customers_entered(comp.journey.id, self.mode) if entry.limit else 0
            for cid, firing in part:
                mine = runs.get(cid, [])
                if firing == "segment" and mine:
                    continue  # already entered on joining; leaving and joining again is the segment store's
                if entry.limit and not mine and entered >= entry.limit:
                    continue
                if self._start(comp, entry, cid, {}, mine, trigger_key=firing) is not None:
                    entered += not mine
            self.flush()

    def _published_at(self, comp: _Compiled) -> datetime:
        for version in self.workspace.list_versions(comp.journey.id):
            if version.number == comp.version_number:
                return version.published_at
        return self.clock.now()

    def _apply(self, state: RunState, comp: _Compiled, outcome: Outcome, delta: BatchDelta, now: datetime) -> None:
        node_id = state.node_id
        if type(outcome) is Go:  # the common case, spelled out: leave through the port, arrive next
            port = outcome.port
            delta.step(node_id, port, outcome.note)
            target = comp.out.get((node_id, port))
            if target is None:
                delta.count(node_id, 0, -1, 1, 0)
                _done(state)
                return
            delta.count(node_id, 0, -1, 0, 0)
            delta.edge(target[0])
            _arrive(state, comp, target[1], delta, now)
            return
        if not isinstance(outcome, Park):
            delta.node(node_id, active=-1)  # the run leaves the node (a park keeps it counted there)
        if isinstance(outcome, Go):
            delta.step(node_id, outcome.port, outcome.note)
            _follow(state, comp, outcome.port, delta, now)
        elif isinstance(outcome, Park):
            delta.step(node_id, None, outcome.note or _park_note(outcome))
            state.status = "waiting"
            state.wake_at = outcome.until
            state.wait_event = outcome.event or None
            state.wait_filters = list(outcome.filters)
            state.event_port = outcome.event_port
            state.timeout_port = outcome.timeout_port
            state.resume_port = outcome.resume_port
        elif isinstance(outcome, End):
            delta.step(node_id, None, outcome.reason or "end")
            delta.node(node_id, exited=1)
            _done(state)
        elif isinstance(outcome, Jump):
            target = None
            if outcome.journey_id in (None, comp.journey.id):
                target = outcome.node_id if outcome.node_id else (comp.entries[0].node_id if comp.entries else None)
                if target not in comp.nodes:
                    target = None
            delta.step(node_id, None, f"jump to {target}" if target else "jump out of the journey")
            delta.node(node_id, exited=1)
            if target is None:
                _done(state)
            else:
                _arrive(state, comp, target, delta, now)
        else:
            raise TypeError(f"node {node_id} returned {outcome!r}")


def _in_rules(rules: tuple[dict, ...], match: str, attributes: Mapping[str, Any]) -> bool:
    return not rules or rule_matches(rules, match, attributes, missing="rule")


# ---------------------------------------------------------------------------------------------
# Counting rules (as in engine.runtime.simulator)
# ---------------------------------------------------------------------------------------------


def _arrive(state: RunState, comp: _Compiled, node_id: str, delta: BatchDelta, now: datetime) -> None:
    state.node_id = node_id
    state.status, state.wake_at = "active", now
    if state.wait_event is not None or state.wait_filters or state.resume_port is not None \
            or state.event_port is not None or state.timeout_port is not None:
        _clear_wait(state)
    delta.count(node_id, 1, 1, 0, 1 if state.converted else 0)
    state.visits.append(node_id)
    if node_id in comp.goal_nodes:
        _convert(state, node_id, delta)


def _follow(state: RunState, comp: _Compiled, port: str, delta: BatchDelta, now: datetime) -> None:
    """Leave the run's node through ``port``: along its edge, or out of the journey when none."""
    target = comp.out.get((state.node_id, port))
    if target is None:
        delta.node(state.node_id, exited=1)
        _done(state)
        return
    delta.edge(target[0])
    _arrive(state, comp, target[1], delta, now)


def _convert(state: RunState, key: str, delta: BatchDelta) -> None:
    if key in state.goals:
        return
    state.goals.append(key)
    if not state.converted:
        state.converted = True
        for visited in state.visits:
            delta.node(visited, converted=1)


def _wait_since(state: RunState) -> datetime:
    """From when a waiting run counts the event it waits for (see :data:`WAIT_SINCE_VAR`)."""
    since = state.vars.get(WAIT_SINCE_VAR)
    if isinstance(since, str):
        try:
            return datetime.fromisoformat(since)
        except ValueError:
            pass
    return state.updated_at


def _clear_wait(state: RunState) -> None:
    state.vars.pop(WAIT_SINCE_VAR, None)
    state.wait_event = None
    state.wait_filters = []
    state.event_port = state.timeout_port = state.resume_port = None


def _done(state: RunState) -> None:
    state.status, state.wake_at = "done", None
    _clear_wait(state)


def _park_note(park: Park) -> str:
    if park.event:
        limit = f" until {park.until.isoformat()}" if park.until is not None else ""
        return f"waiting for '{park.event}'{limit}"
    assert park.until is not None
    return f"waiting until {park.until.isoformat()}"


# ---------------------------------------------------------------------------------------------
# The step context
# ---------------------------------------------------------------------------------------------


class StoreContext(StepContext):
    """One step of one stored run: the customer from the runner's batch, sends through the outbox."""

    __slots__ = ("runner", "run", "now", "customer", "settings", "run_vars", "node_id", "journey_id", "mode",
                 "event", "_profile_changed")

    def __init__(self, runner: Runner, run: RunState, settings: Settings, node_id: str, now: datetime):
        self.runner = runner
        self.run = run
        self.now = now
        self.customer = runner._customer(run.customer_id)
        self.settings = settings
        self.run_vars = run.vars
        self.node_id = node_id
        self.journey_id = run.journey_id
        self.mode = run.mode  # type: ignore[assignment]
        self.event = run.event
        self._profile_changed = False

    def profile_change(self) -> tuple[dict[str, Any], list[str]] | None:
        if not self._profile_changed:
            return None
        return self.customer.attributes, sorted(self.customer.tags)

    def count_events(self, name: str, filters: list[dict], since: datetime) -> int:
        events = self.runner.workspace.customer_events(self.customer.id, name, since)
        return sum(1 for e in events if e.occurred_at <= self.now and (not filters or matches(filters, e.properties)))

    def update_profile(self, ops: list[dict]) -> None:
        apply_profile_ops(self.customer.attributes, self.customer.tags, ops)
        self._profile_changed = True

    # -- messages -------------------------------------------------------------------------------
    def _key(self, scope: str = "") -> str:
        visit = sum(1 for v in self.run.visits if v == self.node_id)
        return delivery_key(self.run.id, self.node_id, f"{visit}{scope}")

    def identifiers(self) -> dict[str, str]:
        return self.runner._identifiers(self.customer.id)

    def template_failed(self, message: str) -> None:
        key = (self.journey_id, self.run.version_number, self.node_id, message)
        failures = self.runner.template_failures
        failures[key] = failures.get(key, 0) + 1

    def _address(self, channel_kind: str) -> str:
        name = ADDRESS_OF.get(channel_kind)
        if name is None:
            return self.customer.id
        value = self.customer.attributes.get(name) or self.runner._identifiers(self.customer.id).get(name)
        return str(value) if value else ""

    def _earlier(self, key: str) -> tuple[DeliveryRecord | None, SendOutcome | None]:
        """What an earlier try of this step left in the outbox: an answer to give again (the
        channel is not called twice), or a row to try again now, or nothing."""
        found = self.runner._delivery(self.run.id, key)
        if found is None:
            return None, None
        if found.status == "retrying":
            if found.next_attempt_at is not None and self.now < found.next_attempt_at:
                return found, SendOutcome("deferred", found.reason, retry_at=found.next_attempt_at)
            return found, None
        if found.status in ("pending", "ambiguous"):
            if found.status == "pending":
                self._record(found, "ambiguous", AMBIGUOUS_REASON, found.attempts, found.message_id, None, None,
                             now_write=True)
                self.runner.ambiguous_found += 1
            return found, SendOutcome("failed", AMBIGUOUS_REASON)
        status = "failed" if found.status == DROPPED else found.status
        return found, SendOutcome(status, found.reason)  # type: ignore[arg-type]

    def _record(self, row: DeliveryRecord, status: str, reason: str, attempts: int, message_id: str | None,
                code: str | None, next_attempt: datetime | None, *, now_write: bool) -> None:
        """Give an existing delivery row its new state: at once (``now_write``) or with the batch."""
        runner = self.runner
        if now_write:
            runner.store.finish_delivery(row.idempotency_key, status, reason, self.now, message_id,
                                         attempts=attempts, provider_code=code, next_attempt_at=next_attempt)
        else:
            runner._work.batch.delivery_updates.append({
                "b_key": row.idempotency_key, "status": status, "reason": reason, "attempts": attempts,
                "message_id": message_id, "provider_code": code, "next_attempt_at": next_attempt,
                "updated_at": self.now})
        runner._work.deliveries[row.idempotency_key] = DeliveryRecord(
            row.id, row.idempotency_key, row.run_id, row.customer_id, row.mode, row.node_id, row.channel,
            row.channel_kind, status, reason, attempts, row.frequency_cap_exempt, row.created_at, self.now,
            message_id, next_attempt, code)

    def _new_row(self, key: str, channel: str, channel_kind: str, status: str, reason: str, attempts: int,
                 exempt: bool, *, now_write: bool) -> DeliveryRecord:
        runner = self.runner
        values = delivery_values(idempotency_key=key, run=self.run, node_id=self.node_id, channel=channel,
                                 channel_kind=channel_kind, status=status, reason=reason, attempts=attempts,
                                 frequency_cap_exempt=exempt, now=self.now)
        if now_write:
            runner._write_batch()  # the steps before this one are written first
            with runner.workspace._session(write=True) as s:
                s.connection().execute(_DELIVERIES_INSERT, [values])
        else:
            runner._work.batch.new_deliveries.append(values)
        row = DeliveryRecord(values["id"], key, self.run.id, self.run.customer_id, self.run.mode, self.node_id,
                             channel, channel_kind, status, reason, attempts, exempt, self.now, self.now, None)
        runner._work.deliveries[key] = row
        return row

    def _deliver(self, key: str, message: Message, exempt: bool, earlier: DeliveryRecord | None) -> SendOutcome:
        """Call the channel through the outbox, retrying retryable failures with exponential backoff."""
        runner = self.runner
        channel = runner.channels.get(message.channel)
        # A channel that drops repeated keys itself needs no "pending" row written first: if the
        # process dies after the call, the step runs again and the provider ignores the repeat.
        careful = not getattr(channel, "idempotent", False)
        if not exempt:
            runner._sent_times(self.customer.id)  # read before this send's row can be
        attempt = (earlier.attempts if earlier is not None else 0) + 1
        if earlier is None:
            row = self._new_row(key, message.channel, message.channel_kind, "pending", "", attempt, exempt,
                                now_write=careful)
        else:
            if careful:
                runner._write_batch()
            self._record(earlier, "pending", earlier.reason, attempt, earlier.message_id, earlier.provider_code,
                         None, now_write=careful)
            row = runner._work.deliveries[key]
        if channel is None:
            result = ChannelResult("failed", reason=f"no channel account '{message.channel}' is set up")
        else:
            try:
                result = channel.send(message)
            except Exception as exc:  # a channel's own failure is this message's failure, not the runner's
                result = ChannelResult("failed", reason=f"{type(exc).__name__}: {exc}", retryable=True)
        if runner.on_result is not None:
            runner.on_result(message, result)
        code = result.code or None
        if result.status == "sent":
            self._record(row, "sent", result.reason, attempt, result.provider_id or None, code, None,
                         now_write=careful)
            if not exempt:
                runner._sent_times(self.customer.id).append(self.now)
            return SendOutcome("sent", result.reason)
        if result.retryable and attempt < runner.max_attempts:
            retry_at = self.now + timedelta(seconds=backoff(attempt, result.retry_after, seed=key))
            reason = f"attempt {attempt} of {runner.max_attempts} failed: {result.reason}"
            self._record(row, "retrying", reason, attempt, None, code, retry_at, now_write=careful)
            return SendOutcome("deferred", reason, retry_at=retry_at)
        reason = result.reason if attempt == 1 else f"failed after {attempt} attempts: {result.reason}"
        self._record(row, "failed", reason, attempt, None, code, None, now_write=careful)
        return SendOutcome("failed", reason)

    def _skip(self, key: str, channel: str, channel_kind: str, reason: str, exempt: bool) -> SendOutcome:
        self._new_row(key, channel, channel_kind, "skipped", reason, 0, exempt, now_write=False)
        skipped = self.runner.skipped
        skipped[reason] = skipped.get(reason, 0) + 1
        return SendOutcome("skipped", reason)

    def send(self, channel: str, channel_kind: str, subject: str, body: str, html_body: str = "",
             respect_quiet_hours: bool = True, frequency_cap_exempt: bool = False) -> SendOutcome:
        key = self._key()
        earlier, answer = self._earlier(key)
        if answer is not None:
            return answer
        if earlier is None:
            if not self.customer.consent.get(channel_kind, False):
                return self._skip(key, channel, channel_kind, "no consent", frequency_cap_exempt)
            address = self._address(channel_kind)
            if not address:
                return self._skip(key, channel, channel_kind, "no address", frequency_cap_exempt)
            if self.runner._opted_out(channel_kind, address, self.customer.id):
                return self._skip(key, channel, channel_kind, "opted out", frequency_cap_exempt)
            if respect_quiet_hours:
                ends = quiet_until(self.now, self.zone, self.settings.quiet_hours)
                if ends is not None:
                    if self.settings.quiet_hours.behaviour == "skip":
                        return self._skip(key, channel, channel_kind, "quiet hours", frequency_cap_exempt)
                    return SendOutcome("deferred", "quiet hours", retry_at=ends)
            if not frequency_cap_exempt and frequency_capped(
                    self.settings.frequency_cap, self.runner._sent_times(self.customer.id), self.now):
                return self._skip(key, channel, channel_kind, "frequency cap", frequency_cap_exempt)
        message = self._message(key, channel, channel_kind, self._address(channel_kind), subject, body, html_body)
        return self._deliver(key, message, frequency_cap_exempt, earlier)

    def _message(self, key: str, channel: str, channel_kind: str, to: str, subject: str, body: str,
                 html_body: str = "", recipients: tuple[str, ...] = ()) -> Message:
        # Customers get a token to unsubscribe with; staff notices do not.
        token = "" if recipients or channel_kind not in TOKEN_KINDS else \
            make_token(self.runner.workspace, self.customer.id, channel_kind)
        return Message(key, channel, channel_kind, self.customer.id, self.journey_id, self.node_id, self.run.id,
                       to, subject, body, html_body, recipients=recipients, unsubscribe_token=token)

    def in_segment(self, segment_id: str) -> bool | None:
        from engine.track.segments import SegmentStore

        try:
            return SegmentStore(self.runner.workspace).contains(segment_id, self.customer.id, self.now)
        except (NotFound, SegmentInvalid) as exc:
            comp = self.runner._compiled(self.run.journey_id, self.run.version_number)
            self.runner._segment_gone(comp.journey, comp.version_number, self.node_id, segment_id, "check",
                                      exc if isinstance(exc, SegmentInvalid) else None)
            return False

    def notify_staff(self, channel: str, channel_kind: str, recipients: list[str], message: str) -> SendOutcome:
        key = self._key("/staff")
        earlier, answer = self._earlier(key)
        if answer is not None:
            return answer
        note = self._message(key, channel, channel_kind, ", ".join(recipients), "", message,
                             recipients=tuple(recipients))
        # Staff notices are not marketing: they never count towards the customer's frequency cap.
        return self._deliver(key, note, True, earlier)


class ResendContext(StoreContext):
    """The step of a delivery the user chose to send again: the message goes out under the
    delivery's own key, whatever the outbox says, and nothing else the node does is kept."""

    __slots__ = ("row", "outcome")

    def __init__(self, runner: Runner, run: RunState, settings: Settings, node_id: str, now: datetime,
                 row: DeliveryRecord):
        super().__init__(runner, run, settings, node_id, now)
        self.row = row
        self.outcome: SendOutcome | None = None

    def _key(self, scope: str = "") -> str:
        return self.row.idempotency_key

    def _earlier(self, key: str) -> tuple[DeliveryRecord | None, SendOutcome | None]:
        return self.row, None

    def send(self, channel: str, channel_kind: str, subject: str, body: str, html_body: str = "",
             respect_quiet_hours: bool = True, frequency_cap_exempt: bool = False) -> SendOutcome:
        message = self._message(self.row.idempotency_key, channel, channel_kind, self._address(channel_kind),
                                subject, body, html_body)
        self.outcome = self._resend(message)
        return self.outcome

    def notify_staff(self, channel: str, channel_kind: str, recipients: list[str], message: str) -> SendOutcome:
        note = self._message(self.row.idempotency_key, channel, channel_kind, ", ".join(recipients), "", message,
                             recipients=tuple(recipients))
        self.outcome = self._resend(note)
        return self.outcome

    def _resend(self, message: Message) -> SendOutcome:
        # One attempt, as asked: a retryable failure is reported, not scheduled.
        max_attempts = self.runner.max_attempts
        self.runner.max_attempts = 0
        try:
            return self._deliver(self.row.idempotency_key, message, self.row.frequency_cap_exempt, self.row)
        finally:
            self.runner.max_attempts = max_attempts

    def update_profile(self, ops: list[dict]) -> None:
        pass  # a resend changes nothing but the delivery


__all__ = ["DELIVERY_NAMESPACE", "MAX_ATTEMPTS", "RUNNER_MODES", "ResendContext", "Runner", "StoreContext",
           "delivery_key"]
