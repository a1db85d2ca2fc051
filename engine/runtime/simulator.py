"""The journey simulator: a synthetic population run through a journey in memory, on a virtual clock.

:class:`Simulation` draws customers from the journey's personas (:mod:`engine.runtime.population`),
makes them do the journey's entry events and answer its messages as the response model says
(:mod:`engine.runtime.response`), and runs every customer through the node behaviours
(``spec.run(config, ctx)``) with a dedicated in-memory :class:`~engine.runtime.context.StepContext`.
Wake-ups (waits, timeouts, quiet-hour retries), customer events and entries sit in one priority
queue ordered by time; a :class:`~engine.runtime.clock.VirtualClock` jumps from one to the next, so
a simulated month takes seconds. Everything random comes from one ``random.Random(seed)`` consumed in
queue order: the same journey, population size, days, seed and response model give the same
numbers.

Counting rules
--------------
For every executable node, at every moment (snapshots included)::

    entered = Σ counts of its outgoing edges + active + exited

- ``entered`` +1 each time a run arrives at the node (the entry node when a run starts, the target
  of an edge, the target of a Jump).
- An edge's count +1 each time a run leaves through it.
- ``active``: runs parked at the node now (a wait, a timeout, a message held by quiet hours). When
  the run wakes it leaves ``active`` and is counted where it goes next (an edge, or ``exited``).
- ``exited`` +1 when a run ends at the node: an Exit, an output port with no edge (a message
  skipped or failed where only "sent" is wired), a Jump (the run leaves the node and is counted in
  ``entered`` of the target; a Jump to another journey or to an unknown node ends the run), one of
  the journey's exit events while parked there, or the loop guard (more than
  :data:`MAX_STEPS_PER_WAKE` steps in one wake-up).
- ``converted``: of the arrivals counted in ``entered``, those whose run has converted by now. A run
  converts when it arrives at a goal node, or when the customer does a goal node's event (with its
  filters) or one of the journey's goal events (``settings.goals``) while the run is in the
  journey. So ``converted ≤ entered``; at a goal node they are equal.

``goals`` counts runs per goal: each goal node id (runs that arrived there or did its event) and
each event of ``settings.goals`` (runs during which the customer did it), at most once per run. A run
reaching several goals is in several of these counts: ``runs_converted`` counts each converted run
once, ``customers_converted`` each customer once (``runs_started`` and ``customers_entered`` are
their denominators). ``ended_at`` splits the part of ``exited`` that left through an output port
with no edge by node and port (a message skipped or failed where only "sent" is wired).
``deliveries`` counts messages a channel delivered, per channel account (customer messages and
staff notices). ``steps`` counts node behaviours run.

What the population does
------------------------
- Event-triggered entries: each customer does the entry event (its equality filters filled in) with
  the response model's trigger probability, first at a uniform moment of the first days, then again
  now and then (``trigger.repeat_*``); re-entry follows the entry's policy or ``settings.re_entry``
  and ``entry_limit``.
- Segment entries: customers whose profile passes the rules (and who hold ``segment_id`` in their
  ``segments`` attribute, when one is given) enter at a moment of the first day; after their run
  ends they are checked again once the re-entry cooldown (at least a day) is over.
- Schedule entries: at each firing of the schedule, every customer passing its rules.
- Date-property entries: on each customer's date (birthday), in the customer's zone.
- Manual entries: every customer once, at a moment of the first day.
- A delivered message may be opened, clicked, and followed by a conversion: the customer then does
  the event the run is waiting for (or, when it waits for none, the journey's first goal event),
  which splits "wait until event" branches. It may also make the customer unsubscribe.
- Besides, a customer in the journey does each goal event, and each event a run waits for, on their
  own at the response model's organic daily rate (drawn once per run and event).
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from random import Random
from typing import Any
from zoneinfo import ZoneInfo

from engine.document import Journey, Settings
from engine.runtime.clock import VirtualClock
from engine.runtime.context import SendOutcome, StepContext, apply_profile_ops, frequency_capped, quiet_until
from engine.runtime.population import Population, SimCustomer, event_properties, satisfy
from engine.runtime.response import ResponseModel
from engine.runtime.results import RUN_AGAIN, End, Go, Jump, NodeCounts, Park
from engine.runtime.triggers import (
    DatePropertyTrigger,
    EventTrigger,
    ManualTrigger,
    ScheduleTrigger,
    SegmentTrigger,
    matches,
)
from engine.spec import Registry

#: Where the virtual clock starts unless told otherwise (a fixed moment, so runs repeat exactly).
DEFAULT_START = datetime(2026, 1, 5, tzinfo=UTC)
#: Steps one run may take in one wake-up before the loop guard ends it.
MAX_STEPS_PER_WAKE = 1000
#: Queue entries handled between two looks at ``cancelled``, the snapshot timer and the progress.
CHECK_EVERY = 512

_WAKE, _EVENT, _TRIGGER_EVENT, _CONVERT, _ENTER, _FIRE, _UNSUBSCRIBE = range(7)
_ADDRESS = {"email": "email", "sms": "phone"}
_SENT = SendOutcome("sent")
_SKIPPED = {reason: SendOutcome("skipped", reason)
            for reason in ("unsubscribed", "no consent", "no address", "quiet hours", "frequency cap")}
_BOUNCED = SendOutcome("failed", "not delivered")
_ONE_US = timedelta(microseconds=1)


@dataclass
class SimulationResult:
    customers: int
    days: int
    seed: int
    steps: int = 0
    elapsed_s: float = 0.0
    nodes: dict[str, NodeCounts] = field(default_factory=dict)
    edges: dict[str, int] = field(default_factory=dict)
    deliveries: dict[str, int] = field(default_factory=dict)
    goals: dict[str, int] = field(default_factory=dict)
    cancelled: bool = False
    #: Runs that ended at each node without having converted (not part of the JSON; for summaries).
    dropped: dict[str, int] = field(default_factory=dict)
    #: Runs that ended at a node by leaving through an output port with no edge: node → port → runs
    #: (part of ``exited``; not part of the JSON).
    ended_at: dict[str, dict[str, int]] = field(default_factory=dict)
    #: Runs started, and customers who started at least one (not part of the JSON).
    runs_started: int = 0
    customers_entered: int = 0
    #: Runs that converted (each once, however many goals it reached), and distinct customers.
    runs_converted: int = 0
    customers_converted: int = 0

    def to_json(self) -> dict:
        return {
            "customers": self.customers,
            "days": self.days,
            "seed": self.seed,
            "steps": self.steps,
            "elapsed_s": self.elapsed_s,
            "nodes": {nid: c.to_json() for nid, c in self.nodes.items()},
            "edges": dict(self.edges),
            "deliveries": dict(self.deliveries),
            "goals": dict(self.goals),
        }


class _Run:
    __slots__ = ("customer", "node", "vars", "event", "token", "park", "visits", "converted", "goals",
                 "organic", "entry")

    def __init__(self, customer: SimCustomer, entry: _Entry, event: Mapping[str, Any]):
        self.customer = customer
        self.entry = entry
        self.node = entry.index
        self.vars: dict[str, Any] = {}
        self.event = event
        self.token = 0
        self.park: Park | None = None
        self.visits: list[int] = []
        self.converted = False
        self.goals: set[str] | None = None
        self.organic: set[str] | None = None


class _Entry:
    __slots__ = ("index", "trigger", "policy", "cooldown", "limit", "customers")

    def __init__(self, index: int, trigger: Any, policy: str, cooldown: timedelta, limit: int):
        self.index = index
        self.trigger = trigger
        self.policy = policy
        self.cooldown = cooldown
        self.limit = limit
        self.customers: set[int] = set()


class _Context(StepContext):
    """The step context of the simulator: one object, re-pointed at each step."""

    __slots__ = ("sim", "now", "customer", "settings", "run_vars", "node_id", "journey_id", "mode", "event",
                 "sim_customer", "run")

    def __init__(self, sim: Simulation):
        self.sim = sim
        self.settings: Settings = sim.journey.settings
        self.journey_id = sim.journey.id
        self.mode = "simulation"
        self.event: Mapping[str, Any] = {}

    @property
    def zone(self) -> ZoneInfo:
        return self.sim_customer.zone

    def count_events(self, name: str, filters: list[dict], since: datetime) -> int:
        history = self.sim_customer.history
        if not history or name not in history:
            return 0
        now = self.now
        return sum(1 for at, props in history[name] if since <= at <= now and (not filters or matches(filters, props)))

    def send(self, channel: str, channel_kind: str, subject: str, body: str, html_body: str = "",
             respect_quiet_hours: bool = True, frequency_cap_exempt: bool = False) -> SendOutcome:
        sim, c, now = self.sim, self.sim_customer, self.now
        view = c.view
        if c.unsubscribed:
            return _SKIPPED["unsubscribed"]
        if not view.consent.get(channel_kind, False):
            return _SKIPPED["no consent"]
        address = _ADDRESS.get(channel_kind)
        if address and not view.attributes.get(address):
            return _SKIPPED["no address"]
        settings = self.settings
        if respect_quiet_hours and settings.quiet_hours.enabled:
            ends = quiet_until(now, c.zone, settings.quiet_hours)
            if ends is not None:
                if settings.quiet_hours.behaviour == "skip":
                    return _SKIPPED["quiet hours"]
                return SendOutcome("deferred", "quiet hours", retry_at=ends)
        cap = settings.frequency_cap
        if not frequency_cap_exempt and cap.enabled and c.sent_at:
            since = now - timedelta(days=cap.per_days)
            c.sent_at = [at for at in c.sent_at if at > since]
            if frequency_capped(cap, c.sent_at, now):
                return _SKIPPED["frequency cap"]
        response = c.profile.channel(channel_kind)
        rng = sim.rng
        if rng.random() >= response.delivery:
            return _BOUNCED
        sim.deliveries[channel] = sim.deliveries.get(channel, 0) + 1
        if not frequency_cap_exempt:
            if c.sent_at is None:
                c.sent_at = []
            c.sent_at.append(now)
        sim._respond(c, self.run, channel_kind, response)
        return _SENT

    def notify_staff(self, channel: str, channel_kind: str, recipients: list[str], message: str) -> SendOutcome:
        sim = self.sim
        if sim.rng.random() >= self.sim_customer.profile.channel(channel_kind).delivery:
            return _BOUNCED
        sim.deliveries[channel] = sim.deliveries.get(channel, 0) + 1
        return _SENT

    def update_profile(self, ops: list[dict]) -> None:
        apply_profile_ops(self.customer.attributes, self.customer.tags, ops)


def _event_names(value: Any, found: set[str]) -> None:
    """Every event name a config mentions (keys ending in ``event`` or ``event_name``)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str) and item and (key.endswith("event") or key == "event_name"):
                found.add(item)
            else:
                _event_names(item, found)
    elif isinstance(value, list):
        for item in value:
            _event_names(item, found)


class Simulation:
    """One simulation of ``journey`` with ``customers`` synthetic customers over ``days`` days."""

    def __init__(self, journey: Journey, registry: Registry, *, customers: int, days: int, seed: int,
                 response: ResponseModel | None = None, start: datetime | None = None):
        if customers < 0:
            raise ValueError("the number of customers cannot be negative")
        if days < 0:
            raise ValueError("the number of days cannot be negative")
        self.journey = journey
        self.registry = registry
        self.customers_n = customers
        self.days = days
        self.seed = seed
        self.response = response or ResponseModel()
        self.start = (start or DEFAULT_START).astimezone(UTC)
        self.end = self.start + timedelta(days=days)
        self._compile()

    # -- the journey, compiled once ------------------------------------------------------------
    def _compile(self) -> None:
        journey, registry = self.journey, self.registry
        nodes = [n for n in journey.nodes if (s := registry.get(n.type)) is not None and s.executable
                 and s.run is not None]
        self.node_ids = [n.id for n in nodes]
        self.index = {nid: i for i, nid in enumerate(self.node_ids)}
        specs = [registry[n.type] for n in nodes]
        self.configs = [s.parse_config(n.config, node_id=n.id) for s, n in zip(specs, nodes, strict=True)]
        self.behaviours = [s.run for s in specs]
        self.edge_ids = [e.id for e in journey.edges]
        self.out: list[dict[str, tuple[int, int]]] = [{} for _ in nodes]
        for k, e in enumerate(journey.edges):
            src, dst = self.index.get(e.source.node), self.index.get(e.target.node)
            if src is not None and dst is not None:
                self.out[src][e.source.port] = (k, dst)
        settings = journey.settings
        self.goal_nodes: dict[int, tuple[str, list[dict]]] = {}
        for i, spec in enumerate(specs):
            if spec.goal_event is not None:
                event, filters = spec.goal_event(self.configs[i])
                self.goal_nodes[i] = (event, list(filters))
        self.goal_events = list(dict.fromkeys(settings.goals))
        self.goals_by_event: dict[str, list[tuple[str, list[dict]]]] = {}
        for i, (event, filters) in self.goal_nodes.items():
            self.goals_by_event.setdefault(event, []).append((self.node_ids[i], filters))
        for event in self.goal_events:
            self.goals_by_event.setdefault(event, []).append((event, []))
        self.organic_at_start = list(self.goals_by_event)
        primary = self.goal_events[0] if self.goal_events else next(iter(self.goal_nodes.values()), (None, []))[0]
        self.primary_goal: tuple[str, list[dict]] | None = None
        if primary:
            self.primary_goal = (primary, next((f for _, f in self.goals_by_event[primary]), []))
        self.exit_events = set(settings.exit_events)
        default_policy, default_cooldown = settings.re_entry.policy, settings.re_entry.cooldown_days
        self.entries: list[_Entry] = []
        for i, spec in enumerate(specs):
            if not spec.is_entry or spec.trigger is None:
                continue
            raw = nodes[i].config
            policy = raw.get("re_entry", "inherit")
            cooldown = raw.get("re_entry_cooldown_days", 0) if policy != "inherit" else default_cooldown
            policy = default_policy if policy == "inherit" else policy
            self.entries.append(_Entry(i, spec.trigger(self.configs[i]), policy,
                                       timedelta(days=int(cooldown or 0)), int(raw.get("entry_limit", 0) or 0)))
        self.event_entries: dict[str, list[_Entry]] = {}
        for entry in self.entries:
            if isinstance(entry.trigger, EventTrigger):
                self.event_entries.setdefault(entry.trigger.event, []).append(entry)
        # events worth remembering: those any node or setting names (count_events, waits, goals)
        relevant: set[str] = set(settings.goals) | set(settings.exit_events)
        for n in nodes:
            _event_names(n.config, relevant)
        for n in journey.nodes:
            if n.type.startswith(("track.", "analyze.")):
                _event_names(n.config, relevant)
        self.relevant = relevant
        self.declared: dict[str, dict[str, str]] = {}
        for n in journey.nodes:
            if n.type == "track.event" and n.config.get("event_name"):
                self.declared[n.config["event_name"]] = {
                    p["name"]: p.get("type", "string") for p in n.config.get("properties") or () if "name" in p}
        self.channels = sorted({c.channel for c in self.configs if isinstance(getattr(c, "channel", None), str)})

    # -- running -------------------------------------------------------------------------------
    def run(self, progress: Callable[[float], None] | None = None,
            cancelled: Callable[[], bool] | None = None,
            on_snapshot: Callable[[SimulationResult], None] | None = None,
            snapshot_every_s: float = 0.25) -> SimulationResult:
        wall_start = time.perf_counter()
        self.rng = rng = Random(self.seed)
        self.clock = VirtualClock(self.start)
        n = len(self.node_ids)
        self.entered, self.active, self.exited = [0] * n, [0] * n, [0] * n
        self.converted, self.dropped = [0] * n, [0] * n
        self.ended_at: list[dict[str, int]] = [{} for _ in range(n)]
        self.runs_started = self.customers_entered = self.runs_converted = 0
        self.converted_customers: set[int] = set()
        self.edge_counts = [0] * len(self.edge_ids)
        self.deliveries = dict.fromkeys(self.channels, 0)
        self.goal_counts = dict.fromkeys([self.node_ids[i] for i in self.goal_nodes] + self.goal_events, 0)
        self.steps = 0
        self.queue: list[tuple] = []
        self.seq = 0
        self.event_counter = 0
        self.ctx = _Context(self)
        self.now = self.start
        population = Population(self.journey, self.customers_n, rng, self.response, self.start.date(),
                                id_prefix=f"sim{self.seed}")
        self.population = population.customers()
        self._schedule_entries()

        queue, end, pop = self.queue, self.end, heapq.heappop
        span = (end - self.start).total_seconds() or 1.0
        handled, last_snapshot, last_fraction, was_cancelled = 0, time.perf_counter(), -1.0, False
        while queue and queue[0][0] < end:
            item = pop(queue)
            self.now = item[0]
            self.clock.set(self.now)
            self._dispatch(item)
            handled += 1
            if handled % CHECK_EVERY == 0:
                if cancelled is not None and cancelled():
                    was_cancelled = True
                    break
                if progress is not None:
                    fraction = (self.now - self.start).total_seconds() / span
                    if fraction - last_fraction >= 0.001:
                        last_fraction = fraction
                        progress(min(fraction, 1.0))
                if on_snapshot is not None and time.perf_counter() - last_snapshot >= snapshot_every_s:
                    last_snapshot = time.perf_counter()
                    on_snapshot(self._result(wall_start, False))
        if not was_cancelled:
            self.now = end
            self.clock.set(end)
            if progress is not None:
                progress(1.0)
        result = self._result(wall_start, was_cancelled)
        if on_snapshot is not None:
            on_snapshot(self._result(wall_start, was_cancelled))
        return result

    def _result(self, wall_start: float, was_cancelled: bool) -> SimulationResult:
        ids = self.node_ids
        return SimulationResult(
            customers=self.customers_n, days=self.days, seed=self.seed, steps=self.steps,
            elapsed_s=round(time.perf_counter() - wall_start, 3),
            nodes={ids[i]: NodeCounts(self.entered[i], self.active[i], self.exited[i], self.converted[i])
                   for i in range(len(ids))},
            edges={eid: self.edge_counts[k] for k, eid in enumerate(self.edge_ids)},
            deliveries=dict(self.deliveries), goals=dict(self.goal_counts), cancelled=was_cancelled,
            dropped={ids[i]: self.dropped[i] for i in range(len(ids))},
            ended_at={ids[i]: dict(self.ended_at[i]) for i in range(len(ids)) if self.ended_at[i]},
            runs_started=self.runs_started, customers_entered=self.customers_entered,
            runs_converted=self.runs_converted, customers_converted=len(self.converted_customers))

    # -- the queue -----------------------------------------------------------------------------
    def _push(self, at: datetime, kind: int, a: Any = None, b: Any = None, c: Any = None) -> None:
        if at < self.end:
            self.seq += 1
            heapq.heappush(self.queue, (at, self.seq, kind, a, b, c))

    def _days_later(self, days: float) -> datetime:
        return self.now + timedelta(seconds=days * 86400.0)

    def _dispatch(self, item: tuple) -> None:
        _, _, kind, a, b, c = item
        if kind == _WAKE:
            run: _Run = a
            if run.token == b and run.park is not None:
                self._wake(run)
        elif kind == _EVENT:
            self._event(a, b, self._properties(a, b, c))
        elif kind == _TRIGGER_EVENT:
            customer: SimCustomer = a
            self._event(customer, b, self._properties(customer, b, c))
            trigger = customer.profile.trigger
            if trigger.repeat_probability and self.rng.random() < trigger.repeat_probability:
                self._push(self.now + timedelta(hours=trigger.repeat_after.draw_hours(self.rng)), _TRIGGER_EVENT,
                           customer, b, c)
        elif kind == _CONVERT:
            self._convert_response(a, b)
        elif kind == _ENTER:
            self._enter_due(a, b)
        elif kind == _FIRE:
            self._fire(a)
        elif kind == _UNSUBSCRIBE:
            a.unsubscribed = True

    def _properties(self, customer: SimCustomer, name: str, filters: list[dict] | None) -> dict[str, Any]:
        self.event_counter += 1
        props = event_properties(name, customer, self.rng, self.event_counter, self.declared.get(name))
        return satisfy(filters, props) if filters else props

    # -- entries -------------------------------------------------------------------------------
    def _schedule_entries(self) -> None:
        rng, start = self.rng, self.start
        first_day = min(1.0, float(self.days))
        for entry in self.entries:
            trig = entry.trigger
            if isinstance(trig, ScheduleTrigger):
                zone = ZoneInfo(self.journey.settings.time_zone)
                moment = trig.next_fire(start - _ONE_US, zone, first_day=start.astimezone(zone).date())
                if moment is not None:
                    self._push(moment, _FIRE, entry)
        event_triggers = sorted({e.trigger.event: e.trigger for e in self.entries
                                 if isinstance(e.trigger, EventTrigger)}.items())
        for customer in self.population:
            for name, trig in event_triggers:
                t = customer.profile.trigger
                if rng.random() < t.probability:
                    spread = min(t.spread_days, float(self.days))
                    self._push(start + timedelta(seconds=rng.uniform(0.0, spread) * 86400.0), _TRIGGER_EVENT,
                               customer, name, list(trig.filters))
            for entry in self.entries:
                trig = entry.trigger
                if isinstance(trig, SegmentTrigger | ManualTrigger):
                    if isinstance(trig, ManualTrigger) or self._in_segment(trig, customer):
                        self._push(start + timedelta(seconds=rng.uniform(0.0, first_day) * 86400.0), _ENTER,
                                   customer, entry)
                elif isinstance(trig, DatePropertyTrigger):
                    moment = trig.next_fire(customer.view.attributes, start - _ONE_US, customer.zone)
                    if moment is not None:
                        self._push(moment, _ENTER, customer, entry)

    @staticmethod
    def _in_segment(trig: SegmentTrigger | ScheduleTrigger, customer: SimCustomer) -> bool:
        """Whether the profile passes the trigger's rules and holds its segment id (when given) in
        its ``segments`` attribute: there is no segment store in a simulation."""
        attributes = customer.view.attributes
        if trig.rules:
            accepts = trig.accepts if isinstance(trig, SegmentTrigger) else \
                SegmentTrigger(trig.rules, trig.match).accepts
            if not accepts(attributes):
                return False
        if trig.segment_id:
            segments = attributes.get("segments")
            return isinstance(segments, list | tuple | set) and trig.segment_id in segments
        return True

    def _enter_due(self, customer: SimCustomer, entry: _Entry) -> None:
        trig = entry.trigger
        if isinstance(trig, SegmentTrigger) and not self._in_segment(trig, customer):
            return
        self._try_enter(customer, entry, {})
        if isinstance(trig, DatePropertyTrigger):
            moment = trig.next_fire(customer.view.attributes, self.now, customer.zone)
            if moment is not None:
                self._push(moment, _ENTER, customer, entry)

    def _fire(self, entry: _Entry) -> None:
        trig: ScheduleTrigger = entry.trigger
        for customer in self.population:
            if self._in_segment(trig, customer):
                self._try_enter(customer, entry, {})
        zone = ZoneInfo(self.journey.settings.time_zone)
        moment = trig.next_fire(self.now, zone, first_day=self.start.astimezone(zone).date())
        if moment is not None:
            self._push(moment, _FIRE, entry)

    def _try_enter(self, customer: SimCustomer, entry: _Entry, event: Mapping[str, Any]) -> None:
        now, policy = self.now, entry.policy
        if entry.limit and customer.index not in entry.customers and len(entry.customers) >= entry.limit:
            return
        if customer.runs and policy != "always":
            return
        if customer.entered_before:
            if policy == "never":
                return
            if policy == "after_exit" and customer.last_exit is not None and now < customer.last_exit + entry.cooldown:
                return
            if policy == "always" and entry.cooldown and now < customer.last_entry + entry.cooldown:
                return
        if entry.limit:
            entry.customers.add(customer.index)
        run = _Run(customer, entry, event)
        if customer.runs is None:
            customer.runs = []
        customer.runs.append(run)
        customer.entered_before = True
        customer.last_entry = now
        if not customer.entries:
            self.customers_entered += 1
        customer.entries += 1
        self.runs_started += 1
        for name in self.organic_at_start:
            self._organic(run, name, None)
        self._steps(run, entry.index, True)

    def _organic(self, run: _Run, name: str, filters: list[dict] | None) -> None:
        """Draw when the customer does ``name`` on their own during this run (once per run)."""
        if run.organic is None:
            run.organic = set()
        elif name in run.organic:
            return
        run.organic.add(name)
        rate = run.customer.profile.organic_rate(name)
        if rate > 0:
            self._push(self._days_later(self.rng.expovariate(rate)), _EVENT, run.customer, name, filters)

    # -- steps ---------------------------------------------------------------------------------
    def _steps(self, run: _Run, index: int, arrive: bool) -> None:
        """Run from ``index`` until the run parks or ends; ``arrive`` counts the arrival first."""
        ctx, customer = self.ctx, run.customer
        ctx.now, ctx.customer, ctx.sim_customer, ctx.run, ctx.run_vars = self.now, customer.view, customer, run, run.vars
        ctx.event = run.event
        entered, out, goal_nodes = self.entered, self.out, self.goal_nodes
        steps = 0
        while True:
            run.node = index
            if arrive:
                entered[index] += 1
                run.visits.append(index)
                if run.converted:
                    self.converted[index] += 1
                if index in goal_nodes:
                    self._convert(run, self.node_ids[index])
            if steps >= MAX_STEPS_PER_WAKE:
                self._end(run, index)
                return
            ctx.node_id = self.node_ids[index]
            outcome = self.behaviours[index](self.configs[index], ctx)
            self.steps += 1
            steps += 1
            kind = type(outcome)
            if kind is Go:
                nxt = out[index].get(outcome.port)
                if nxt is None:
                    self._end_at_port(run, index, outcome.port)
                    return
                self.edge_counts[nxt[0]] += 1
                index, arrive = nxt[1], True
            elif kind is Park:
                self._park(run, index, outcome)
                return
            elif kind is End:
                self._end(run, index)
                return
            elif kind is Jump:
                target = None
                if outcome.journey_id in (None, self.journey.id):
                    target = self.index.get(outcome.node_id) if outcome.node_id else (
                        self.entries[0].index if self.entries else None)
                self.exited[index] += 1
                if not run.converted:
                    self.dropped[index] += 1
                if target is None:
                    self._finish(run)
                    return
                index, arrive = target, True
            else:
                raise TypeError(f"node {self.node_ids[index]} returned {outcome!r}")

    def _park(self, run: _Run, index: int, park: Park) -> None:
        self.active[index] += 1
        run.park = park
        run.token += 1
        if park.until is not None:
            self._push(park.until, _WAKE, run, run.token)
        if park.event:
            self._organic(run, park.event, park.filters)

    def _unpark(self, run: _Run) -> Park:
        park = run.park
        assert park is not None
        run.park = None
        run.token += 1
        self.active[run.node] -= 1
        return park

    def _wake(self, run: _Run) -> None:
        park = self._unpark(run)
        port = park.port_at_time
        if port == RUN_AGAIN:
            self._steps(run, run.node, False)
        else:
            self._follow(run, port)

    def _follow(self, run: _Run, port: str) -> None:
        index = run.node
        nxt = self.out[index].get(port)
        if nxt is None:
            self._end_at_port(run, index, port)
            return
        self.edge_counts[nxt[0]] += 1
        self._steps(run, nxt[1], True)

    def _end_at_port(self, run: _Run, index: int, port: str) -> None:
        ended = self.ended_at[index]
        ended[port] = ended.get(port, 0) + 1
        self._end(run, index)

    def _end(self, run: _Run, index: int) -> None:
        self.exited[index] += 1
        if not run.converted:
            self.dropped[index] += 1
        self._finish(run)

    def _finish(self, run: _Run) -> None:
        customer = run.customer
        if customer.runs is not None and run in customer.runs:
            customer.runs.remove(run)
        customer.last_exit = self.now
        entry = run.entry
        if isinstance(entry.trigger, SegmentTrigger) and entry.policy != "never":
            self._push(max(self.now + entry.cooldown, self._days_later(1.0)), _ENTER, customer, entry)

    # -- conversions and events ----------------------------------------------------------------
    def _convert(self, run: _Run, key: str) -> None:
        if run.goals is None:
            run.goals = set()
        elif key in run.goals:
            return
        run.goals.add(key)
        self.goal_counts[key] = self.goal_counts.get(key, 0) + 1
        if not run.converted:
            run.converted = True
            self.runs_converted += 1
            self.converted_customers.add(run.customer.index)
            converted = self.converted
            for v in run.visits:
                converted[v] += 1

    def _event(self, customer: SimCustomer, name: str, props: dict[str, Any]) -> None:
        """The customer does ``name`` now."""
        if name in self.relevant:
            if customer.history is None:
                customer.history = {}
            customer.history.setdefault(name, []).append((self.now, props))
        if customer.runs:
            for run in list(customer.runs):
                if name in self.exit_events and run.park is not None:
                    self._unpark(run)
                    self._end(run, run.node)
                    continue
                for key, filters in self.goals_by_event.get(name, ()):
                    if not filters or matches(filters, props):
                        self._convert(run, key)
                park = run.park
                if park is not None and park.event == name and (not park.filters or matches(park.filters, props)):
                    self._unpark(run)
                    run.event = props
                    self._follow(run, park.event_port)
        for entry in self.event_entries.get(name, ()):
            if entry.trigger.accepts(name, props):
                self._try_enter(customer, entry, props)

    def _respond(self, customer: SimCustomer, run: _Run, kind: str, response) -> None:
        """What the customer does with a delivered message."""
        rng, now = self.rng, self.now
        if f"{kind}_delivered" in self.relevant:
            self._push(now, _EVENT, customer, f"{kind}_delivered", None)
        if not response.open or rng.random() >= response.open:
            return
        opened = now + timedelta(hours=response.open_delay.draw_hours(rng))
        if f"{kind}_opened" in self.relevant:
            self._push(opened, _EVENT, customer, f"{kind}_opened", None)
        if response.unsubscribe and rng.random() < response.unsubscribe:
            self._push(opened, _UNSUBSCRIBE, customer)
        if not response.click or rng.random() >= response.click:
            return
        clicked = opened + timedelta(hours=response.click_delay.draw_hours(rng))
        if f"{kind}_clicked" in self.relevant:
            self._push(clicked, _EVENT, customer, f"{kind}_clicked", None)
        if response.conversion and rng.random() < response.conversion:
            self._push(clicked + timedelta(hours=response.conversion_delay.draw_hours(rng)), _CONVERT,
                       customer, run)

    def _convert_response(self, customer: SimCustomer, run: _Run) -> None:
        """A clicked message bears fruit: the customer does what the run waits for, else the goal."""
        if customer.runs and run in customer.runs and run.park is not None and run.park.event:
            name, filters = run.park.event, run.park.filters
        elif self.primary_goal is not None:
            name, filters = self.primary_goal
        else:
            return
        self._event(customer, name, self._properties(customer, name, filters))


__all__ = ["DEFAULT_START", "MAX_STEPS_PER_WAKE", "NodeCounts", "Simulation", "SimulationResult"]
