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

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from engine.channels import Channel, ChannelResult, Message
from engine.document import Journey, Settings, new_id
from engine.errors import NotFound
from engine.runtime.clock import Clock
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
from engine.runtime.triggers import EventTrigger, Trigger, matches
from engine.spec import Registry
from engine.store.customers import EventRecord
from engine.store.runs import DeliveryRecord, Delta, RunState, RunStore
from engine.store.workspace import Workspace

RUNNER_MODES = ("test", "live")
#: Namespace of delivery idempotency keys (uuid5 of run, node and visit).
DELIVERY_NAMESPACE = uuid.UUID("6f1d3c2e-8a4b-5e7f-9c0d-1a2b3c4d5e6f")
#: The profile attribute (or identifier kind) holding the address a channel kind delivers to.
ADDRESS_OF: dict[str, str] = {"email": "email", "sms": "phone"}
AMBIGUOUS_REASON = "the channel may or may not have delivered it (the process stopped); not resent"


def delivery_key(run_id: str, node_id: str, scope: str) -> str:
    """The idempotency key of a message: the same run, node and visit always give the same key."""
    return str(uuid.uuid5(DELIVERY_NAMESPACE, f"{run_id}\x1f{node_id}\x1f{scope}"))


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


class Runner:
    """Runs of published journeys in one mode, on ``clock``, sending through ``channels``
    (channel account id → :class:`~engine.channels.Channel`)."""

    def __init__(self, workspace: Workspace, registry: Registry, clock: Clock,
                 channels: Mapping[str, Channel] | None = None, mode: Mode = "live"):
        if mode not in RUNNER_MODES:
            raise ValueError(f"the runner works in test or live mode, not '{mode}'")
        self.workspace = workspace
        self.registry = registry
        self.clock = clock
        self.channels: dict[str, Channel] = dict(channels or {})
        self.mode = mode
        self.store = RunStore(workspace)
        self._compiled_versions: dict[tuple[str, int], _Compiled] = {}

    # -- public ---------------------------------------------------------------------------------
    def enter(self, journey_id: str, customer_id: str, node_id: str | None = None,
              event: Mapping[str, Any] | None = None) -> str | None:
        """Start a run of the customer at an entry (the first one unless ``node_id`` names one) of
        the latest published version; returns its id, or ``None`` when re-entry rules refuse."""
        latest = self.workspace.latest_version(journey_id)
        if latest is None:
            raise NotFound(f"journey {journey_id} has no published version", where=self.workspace.location)
        self.workspace.get_customer(customer_id)
        comp = self._compiled(journey_id, latest.number)
        entries = [e for e in comp.entries if node_id is None or e.node_id == node_id]
        if not entries:
            what = f"no entry node '{node_id}'" if node_id else "no entry node"
            raise NotFound(f"version {latest.number} of journey {journey_id} has {what}",
                           where=self.workspace.location)
        return self._try_enter(comp, entries[0], customer_id, dict(event or {}))

    def handle_event(self, event: EventRecord) -> None:
        """A customer did something: runs waiting for it go on, goals and exit events are counted,
        and event-triggered entries of live journeys start runs."""
        name, props = event.name, dict(event.properties)
        for state in self.store.open_runs(event.customer_id, self.mode):
            comp = self._compiled(state.journey_id, state.version_number)
            now = self.clock.now()
            delta = Delta()
            if name in comp.exit_events and state.status == "waiting":
                delta.node(state.node_id, active=-1, exited=1)
                delta.step(state.node_id, None, f"exit event '{name}'")
                _done(state)
                self.store.commit(state, delta, now)
                continue
            for key, filters in comp.goals_by_event.get(name, ()):
                if not filters or matches(filters, props):
                    _convert(state, key, delta)
            waiting_for_it = (state.status == "waiting" and state.wait_event == name
                              and (not state.wait_filters or matches(state.wait_filters, props)))
            if waiting_for_it:
                port = state.event_port or "event"
                delta.node(state.node_id, active=-1)
                delta.step(state.node_id, port, f"event '{name}'")
                state.event = props
                _follow(state, comp, port, delta, now)
            if delta.nodes or delta.log:
                self.store.commit(state, delta, now)
            if waiting_for_it:
                self._advance(state, comp)
        for journey_id, number in self._live_journeys():
            comp = self._compiled(journey_id, number)
            for entry in comp.entries:
                if isinstance(entry.trigger, EventTrigger) and entry.trigger.accepts(name, props):
                    self._try_enter(comp, entry, event.customer_id, props, trigger_event_id=event.id)

    def tick(self, batch: int = 500) -> int:
        """Advance up to ``batch`` due runs, earliest wake-up first; returns how many were taken."""
        now = self.clock.now()
        run_ids = self.store.due(now, self.mode, batch)
        for run_id in run_ids:
            state = self.store.load(run_id)
            if state.status == "done" or state.wake_at is None or state.wake_at > now:
                continue  # changed since it was listed (an event woke it)
            comp = self._compiled(state.journey_id, state.version_number)
            if state.status == "waiting":
                self._wake(state, comp)
            self._advance(state, comp)
        return len(run_ids)

    def counters(self, journey_id: str, version_number: int, mode: str | None = None
                 ) -> tuple[dict[str, NodeCounts], dict[str, int]]:
        """Node and edge counters of a version (this runner's mode unless ``mode`` is given); every
        runnable node and every edge between two is listed, at zero when nothing passed yet."""
        nodes, edges = self.store.counters(journey_id, version_number, mode or self.mode)
        comp = self._compiled(journey_id, version_number)
        all_nodes = {node_id: nodes.get(node_id, NodeCounts()) for node_id in comp.nodes}
        all_edges = {edge_id: edges.get(edge_id, 0) for edge_id, _ in comp.out.values()}
        return all_nodes | nodes, all_edges | edges

    # -- runs -----------------------------------------------------------------------------------
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

    def _may_enter(self, comp: _Compiled, entry: _Entry, customer_id: str, now: datetime) -> bool:
        """The simulator's re-entry rules, read from the stored runs of this journey and mode."""
        journey_id = comp.journey.id
        runs = self.store.runs_of(customer_id, journey_id, self.mode)
        if entry.limit and not runs and self.store.customers_entered(journey_id, self.mode) >= entry.limit:
            return False
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
                   trigger_event_id: int | None = None) -> str | None:
        now = self.clock.now()
        if trigger_event_id is not None and any(
                r.vars.get(TRIGGER_EVENT_VAR) == trigger_event_id
                for r in self.store.runs_of(customer_id, comp.journey.id, self.mode)):
            # This event already started a run (a restart after a crash hands events over again):
            # one event starts at most one run, whatever the re-entry rules allow.
            return None
        if not self._may_enter(comp, entry, customer_id, now):
            return None
        state = RunState(id=new_id(), journey_id=comp.journey.id, version_number=comp.version_number,
                         customer_id=customer_id, mode=self.mode, node_id=entry.node_id, status="active",
                         wake_at=now, started_at=now, updated_at=now, event=event)
        if trigger_event_id is not None:
            state.vars[TRIGGER_EVENT_VAR] = trigger_event_id
        delta = Delta()
        _arrive(state, comp, entry.node_id, delta, now)
        self.store.commit(state, delta, now, new=True)
        self._advance(state, comp)
        return state.id

    def _wake(self, state: RunState, comp: _Compiled) -> None:
        """A parked run's time has come: the timeout (waiting for an event) or the resume port."""
        now = self.clock.now()
        delta = Delta()
        port = (state.timeout_port if state.wait_event else state.resume_port) or ""
        if port == RUN_AGAIN:  # still at the node, so still counted in its ``active``
            delta.step(state.node_id, None, "time reached: run again")
            _clear_wait(state)
            state.status, state.wake_at = "active", now
        else:
            delta.node(state.node_id, active=-1)
            delta.step(state.node_id, port, "timed out" if state.wait_event else "time reached")
            _follow(state, comp, port, delta, now)
        self.store.commit(state, delta, now)

    def _advance(self, state: RunState, comp: _Compiled) -> None:
        """Run behaviours from the run's node until it parks or ends, one transaction per step."""
        taken = 0
        while state.status == "active":
            now = self.clock.now()
            node_id = state.node_id
            delta = Delta()
            compiled = comp.nodes.get(node_id)
            if taken >= MAX_STEPS_PER_WAKE or compiled is None:
                note = (f"loop guard: more than {MAX_STEPS_PER_WAKE} steps in one wake-up"
                        if compiled is not None else "the node cannot run")
                delta.node(node_id, active=-1, exited=1)
                delta.step(node_id, None, note)
                _done(state)
                self.store.commit(state, delta, now)
                return
            behaviour, config = compiled
            ctx = StoreContext(self, state, comp.settings, node_id, now)
            outcome = behaviour(config, ctx)
            taken += 1
            state.steps += 1
            self._apply(state, comp, outcome, delta, now)
            self.store.commit(state, delta, now, profile=ctx.profile_change())

    def _apply(self, state: RunState, comp: _Compiled, outcome: Outcome, delta: Delta, now: datetime) -> None:
        node_id = state.node_id
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


# ---------------------------------------------------------------------------------------------
# Counting rules (as in engine.runtime.simulator)
# ---------------------------------------------------------------------------------------------


def _arrive(state: RunState, comp: _Compiled, node_id: str, delta: Delta, now: datetime) -> None:
    state.node_id = node_id
    state.status, state.wake_at = "active", now
    _clear_wait(state)
    delta.node(node_id, entered=1, active=1)
    state.visits.append(node_id)
    if state.converted:
        delta.node(node_id, converted=1)
    if node_id in comp.goal_nodes:
        _convert(state, node_id, delta)


def _follow(state: RunState, comp: _Compiled, port: str, delta: Delta, now: datetime) -> None:
    """Leave the run's node through ``port``: along its edge, or out of the journey when none."""
    target = comp.out.get((state.node_id, port))
    if target is None:
        delta.node(state.node_id, exited=1)
        _done(state)
        return
    delta.edge(target[0])
    _arrive(state, comp, target[1], delta, now)


def _convert(state: RunState, key: str, delta: Delta) -> None:
    if key in state.goals:
        return
    state.goals.append(key)
    if not state.converted:
        state.converted = True
        for visited in state.visits:
            delta.node(visited, converted=1)


def _clear_wait(state: RunState) -> None:
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
    """One step of one stored run: the customer from the workspace, sends through the outbox."""

    __slots__ = ("runner", "run", "now", "customer", "settings", "run_vars", "node_id", "journey_id", "mode",
                 "event", "_identifiers", "_profile_changed")

    def __init__(self, runner: Runner, run: RunState, settings: Settings, node_id: str, now: datetime):
        record = runner.workspace.get_customer(run.customer_id)
        self.runner = runner
        self.run = run
        self.now = now
        self.customer = CustomerView(record.id, dict(record.attributes), record.time_zone, dict(record.consent),
                                     set(record.tags))
        self._identifiers = dict(reversed(record.identifiers))
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

    def _address(self, channel_kind: str) -> str:
        name = ADDRESS_OF.get(channel_kind)
        if name is None:
            return self.customer.id
        value = self.customer.attributes.get(name) or self._identifiers.get(name)
        return str(value) if value else ""

    def _replay(self, found: DeliveryRecord) -> SendOutcome:
        """The step asked before: answer what happened then, and never call the channel again."""
        store = self.runner.store
        if found.status in ("pending", "ambiguous"):
            if found.status == "pending":
                store.finish_delivery(found.idempotency_key, "ambiguous", AMBIGUOUS_REASON, self.now,
                                      found.message_id)
            return SendOutcome("failed", AMBIGUOUS_REASON)
        return SendOutcome(found.status, found.reason)  # type: ignore[arg-type]

    def _deliver(self, key: str, message: Message, frequency_cap_exempt: bool) -> SendOutcome:
        store = self.runner.store
        store.add_delivery(idempotency_key=key, run=self.run, node_id=self.node_id, channel=message.channel,
                           channel_kind=message.channel_kind, status="pending", reason="", attempts=1,
                           frequency_cap_exempt=frequency_cap_exempt, now=self.now)
        channel = self.runner.channels.get(message.channel)
        if channel is None:
            result = ChannelResult("failed", reason=f"no channel account '{message.channel}' is set up")
        else:
            try:
                result = channel.send(message)
            except Exception as exc:  # a channel's own failure is this message's failure, not the runner's
                result = ChannelResult("failed", reason=f"{type(exc).__name__}: {exc}")
        store.finish_delivery(key, result.status, result.reason, self.now, result.provider_id or None)
        return SendOutcome(result.status, result.reason)

    def _skip(self, key: str, channel: str, channel_kind: str, reason: str, exempt: bool) -> SendOutcome:
        self.runner.store.add_delivery(idempotency_key=key, run=self.run, node_id=self.node_id, channel=channel,
                                       channel_kind=channel_kind, status="skipped", reason=reason, attempts=0,
                                       frequency_cap_exempt=exempt, now=self.now)
        return SendOutcome("skipped", reason)

    def send(self, channel: str, channel_kind: str, subject: str, body: str, html_body: str = "",
             respect_quiet_hours: bool = True, frequency_cap_exempt: bool = False) -> SendOutcome:
        key = self._key()
        found = self.runner.store.delivery(key)
        if found is not None:
            return self._replay(found)
        if not self.customer.consent.get(channel_kind, False):
            return self._skip(key, channel, channel_kind, "no consent", frequency_cap_exempt)
        address = self._address(channel_kind)
        if not address:
            return self._skip(key, channel, channel_kind, "no address", frequency_cap_exempt)
        if respect_quiet_hours:
            ends = quiet_until(self.now, self.zone, self.settings.quiet_hours)
            if ends is not None:
                if self.settings.quiet_hours.behaviour == "skip":
                    return self._skip(key, channel, channel_kind, "quiet hours", frequency_cap_exempt)
                return SendOutcome("deferred", "quiet hours", retry_at=ends)
        if not frequency_cap_exempt and frequency_capped(
                self.settings.frequency_cap, self.runner.store.sent_times(self.customer.id, self.mode), self.now):
            return self._skip(key, channel, channel_kind, "frequency cap", frequency_cap_exempt)
        message = Message(key, channel, channel_kind, self.customer.id, self.journey_id, self.node_id, self.run.id,
                          address, subject, body, html_body)
        return self._deliver(key, message, frequency_cap_exempt)

    def notify_staff(self, channel: str, channel_kind: str, recipients: list[str], message: str) -> SendOutcome:
        key = self._key("/staff")
        found = self.runner.store.delivery(key)
        if found is not None:
            return self._replay(found)
        note = Message(key, channel, channel_kind, self.customer.id, self.journey_id, self.node_id, self.run.id,
                       ", ".join(recipients), "", message, recipients=tuple(recipients))
        # Staff notices are not marketing: they never count towards the customer's frequency cap.
        return self._deliver(key, note, True)


__all__ = ["DELIVERY_NAMESPACE", "RUNNER_MODES", "Runner", "StoreContext", "delivery_key"]
