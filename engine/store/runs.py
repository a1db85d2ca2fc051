"""Durable runs: the rows behind the runner, written in short transactions.

:class:`RunStore` reads and writes ``runs``, ``steps``, ``node_counters``, ``edge_counters`` and
``deliveries`` for :class:`~engine.runtime.runner.Runner`. One call of :meth:`RunStore.commit` is one
step: the run row, its step-log lines, the counter changes (and a profile change made by the step)
go in together or not at all, so the counters always equal what the step log says. Delivery rows
are written in their own transactions around the channel call (the outbox). Every moment comes from
the caller, whose clock may be virtual; nothing here reads the wall clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update

from engine.document import new_id
from engine.errors import NotFound
from engine.runtime.results import NodeCounts
from engine.store.models import (
    CustomerRow,
    DeliveryRow,
    EdgeCounterRow,
    NodeCounterRow,
    RunRow,
    StepRow,
)

if TYPE_CHECKING:
    from engine.store.workspace import Workspace

#: Run statuses: due to run its node, parked, finished.
RUN_STATUSES = ("active", "waiting", "done")
DELIVERY_STATUSES = ("pending", "sent", "failed", "skipped", "ambiguous")
#: A delivery the user settled by hand (``journey-studio outbox drop``); only an ended send gets it.
DROPPED = "dropped"
_NODE_FIELDS = ("entered", "active", "exited", "converted")


@dataclass
class RunState:
    """A run as the runner works on it; :meth:`RunStore.commit` writes it back whole."""

    id: str
    journey_id: str
    version_number: int
    customer_id: str
    mode: str
    node_id: str
    status: str
    wake_at: datetime | None
    started_at: datetime
    updated_at: datetime
    wait_event: str | None = None
    wait_filters: list[dict[str, Any]] = field(default_factory=list)
    event_port: str | None = None
    timeout_port: str | None = None
    resume_port: str | None = None
    vars: dict[str, Any] = field(default_factory=dict)
    visits: list[str] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    event: dict[str, Any] = field(default_factory=dict)
    converted: bool = False
    steps: int = 0


_RUN_FIELDS = tuple(RunState.__dataclass_fields__)


@dataclass
class Delta:
    """Counter changes and step-log lines of one step, written by :meth:`RunStore.commit`."""

    nodes: dict[str, list[int]] = field(default_factory=dict)
    edges: dict[str, int] = field(default_factory=dict)
    #: ``(node_id, port, note)`` in order.
    log: list[tuple[str, str | None, str]] = field(default_factory=list)

    def node(self, node_id: str, *, entered: int = 0, active: int = 0, exited: int = 0,
             converted: int = 0) -> None:
        counts = self.nodes.setdefault(node_id, [0, 0, 0, 0])
        counts[0] += entered
        counts[1] += active
        counts[2] += exited
        counts[3] += converted

    def edge(self, edge_id: str) -> None:
        self.edges[edge_id] = self.edges.get(edge_id, 0) + 1

    def step(self, node_id: str, port: str | None, note: str = "") -> None:
        self.log.append((node_id, port, note))


@dataclass(frozen=True)
class StepRecord:
    run_id: str
    node_id: str
    port: str | None
    at: datetime
    mode: str
    note: str


@dataclass(frozen=True)
class DeliveryRecord:
    id: str
    idempotency_key: str
    run_id: str
    customer_id: str
    mode: str
    node_id: str
    channel: str
    channel_kind: str
    status: str
    reason: str
    attempts: int
    frequency_cap_exempt: bool
    created_at: datetime
    updated_at: datetime
    message_id: str | None


class RunStore:
    """Run, step, counter and delivery rows of one workspace."""

    def __init__(self, workspace: Workspace):
        self.workspace = workspace

    # -- runs ----------------------------------------------------------------------------------
    def commit(self, state: RunState, delta: Delta, now: datetime, *, new: bool = False,
               profile: tuple[dict[str, Any], list[str]] | None = None) -> None:
        """Write one step: the run row (inserted when ``new``), its log lines, the counter changes
        and, when the step changed the customer's profile, ``(attributes, tags)``."""
        state.updated_at = now
        with self.workspace._session(write=True) as s:
            values = {name: getattr(state, name) for name in _RUN_FIELDS}
            if new:
                s.add(RunRow(**values))
            else:
                s.execute(update(RunRow).where(RunRow.id == state.id).values(**values))
            s.flush()
            for node_id, port, note in delta.log:
                s.add(StepRow(run_id=state.id, node_id=node_id, port=port, at=now, mode=state.mode, note=note))
            key = (state.journey_id, state.version_number, state.mode)
            for node_id, changes in delta.nodes.items():
                row = s.get(NodeCounterRow, (*key, node_id))
                if row is None:
                    row = NodeCounterRow(journey_id=key[0], version_number=key[1], mode=key[2], node_id=node_id,
                                         entered=0, active=0, exited=0, converted=0)
                    s.add(row)
                for name, change in zip(_NODE_FIELDS, changes, strict=True):
                    if change:
                        setattr(row, name, getattr(row, name) + change)
            for edge_id, change in delta.edges.items():
                edge = s.get(EdgeCounterRow, (*key, edge_id))
                if edge is None:
                    s.add(EdgeCounterRow(journey_id=key[0], version_number=key[1], mode=key[2], edge_id=edge_id,
                                         count=change))
                else:
                    edge.count += change
            if profile is not None:
                attributes, tags = profile
                s.execute(update(CustomerRow).where(CustomerRow.id == state.customer_id)
                          .values(attributes=attributes, tags=sorted(set(tags)), updated_at=now))

    def load(self, run_id: str) -> RunState:
        with self.workspace._session() as s:
            row = s.get(RunRow, run_id)
            if row is None:
                raise NotFound(f"there is no run with id '{run_id}'", where=self.workspace.location)
            return _state(row)

    def due(self, now: datetime, mode: str, limit: int) -> list[str]:
        """Ids of runs of ``mode`` due by ``now`` (parked until then, or ready to go on), earliest
        wake-up first."""
        with self.workspace._session() as s:
            return list(s.scalars(
                select(RunRow.id).where(RunRow.status.in_(("active", "waiting")), RunRow.wake_at <= now,
                                        RunRow.mode == mode)
                .order_by(RunRow.wake_at, RunRow.id).limit(limit)))

    def open_runs(self, customer_id: str, mode: str) -> list[RunState]:
        """The customer's runs of ``mode`` that have not finished, oldest first."""
        with self.workspace._session() as s:
            rows = s.scalars(select(RunRow).where(RunRow.customer_id == customer_id, RunRow.mode == mode,
                                                  RunRow.status != "done")
                             .order_by(RunRow.started_at, RunRow.id))
            return [_state(r) for r in rows]

    def runs_of(self, customer_id: str, journey_id: str, mode: str) -> list[RunState]:
        with self.workspace._session() as s:
            rows = s.scalars(select(RunRow).where(RunRow.customer_id == customer_id,
                                                  RunRow.journey_id == journey_id, RunRow.mode == mode)
                             .order_by(RunRow.started_at, RunRow.id))
            return [_state(r) for r in rows]

    def customers_entered(self, journey_id: str, mode: str) -> int:
        with self.workspace._session() as s:
            return s.scalar(select(func.count(func.distinct(RunRow.customer_id)))
                            .where(RunRow.journey_id == journey_id, RunRow.mode == mode)) or 0

    def steps_of(self, run_id: str) -> list[StepRecord]:
        with self.workspace._session() as s:
            rows = s.scalars(select(StepRow).where(StepRow.run_id == run_id).order_by(StepRow.id))
            return [StepRecord(r.run_id, r.node_id, r.port, r.at, r.mode, r.note) for r in rows]

    def steps_for(self, journey_id: str, version_number: int, mode: str) -> list[StepRecord]:
        """The step log of every run of a version in a mode, in the order it was written."""
        with self.workspace._session() as s:
            rows = s.scalars(select(StepRow).join(RunRow, RunRow.id == StepRow.run_id)
                             .where(RunRow.journey_id == journey_id, RunRow.version_number == version_number,
                                    StepRow.mode == mode).order_by(StepRow.id))
            return [StepRecord(r.run_id, r.node_id, r.port, r.at, r.mode, r.note) for r in rows]

    # -- counters ------------------------------------------------------------------------------
    def counters(self, journey_id: str, version_number: int, mode: str) -> tuple[dict[str, NodeCounts], dict[str, int]]:
        """Node and edge counters of a version in a mode: a read of a few rows."""
        with self.workspace._session() as s:
            nodes = {r.node_id: NodeCounts(r.entered, r.active, r.exited, r.converted) for r in s.scalars(
                select(NodeCounterRow).where(NodeCounterRow.journey_id == journey_id,
                                             NodeCounterRow.version_number == version_number,
                                             NodeCounterRow.mode == mode))}
            edges = {r.edge_id: r.count for r in s.scalars(
                select(EdgeCounterRow).where(EdgeCounterRow.journey_id == journey_id,
                                             EdgeCounterRow.version_number == version_number,
                                             EdgeCounterRow.mode == mode))}
            return nodes, edges

    # -- the outbox ----------------------------------------------------------------------------
    def delivery(self, idempotency_key: str) -> DeliveryRecord | None:
        with self.workspace._session() as s:
            row = s.scalars(select(DeliveryRow).where(DeliveryRow.idempotency_key == idempotency_key)).first()
            return None if row is None else _delivery(row)

    def add_delivery(self, *, idempotency_key: str, run: RunState, node_id: str, channel: str,
                     channel_kind: str, status: str, reason: str, attempts: int, frequency_cap_exempt: bool,
                     now: datetime) -> None:
        """Write a delivery row in its own transaction (``pending`` before the channel is called)."""
        if status not in DELIVERY_STATUSES:
            raise ValueError(f"unknown delivery status '{status}'")
        with self.workspace._session(write=True) as s:
            s.add(DeliveryRow(id=new_id(), idempotency_key=idempotency_key, run_id=run.id,
                              customer_id=run.customer_id, mode=run.mode, node_id=node_id, channel=channel,
                              channel_kind=channel_kind, status=status, reason=reason, attempts=attempts,
                              frequency_cap_exempt=frequency_cap_exempt, created_at=now, updated_at=now,
                              message_id=None))

    def finish_delivery(self, idempotency_key: str, status: str, reason: str, now: datetime,
                        message_id: str | None = None) -> None:
        if status not in DELIVERY_STATUSES:
            raise ValueError(f"unknown delivery status '{status}'")
        with self.workspace._session(write=True) as s:
            s.execute(update(DeliveryRow).where(DeliveryRow.idempotency_key == idempotency_key)
                      .values(status=status, reason=reason, message_id=message_id, updated_at=now))

    def sent_times(self, customer_id: str, mode: str) -> list[datetime]:
        """When this customer's messages that count towards the frequency cap went out."""
        with self.workspace._session() as s:
            return list(s.scalars(select(DeliveryRow.created_at).where(
                DeliveryRow.customer_id == customer_id, DeliveryRow.mode == mode, DeliveryRow.status == "sent",
                DeliveryRow.frequency_cap_exempt.is_(False))))

    def delivery_by_id(self, delivery_id: str) -> DeliveryRecord:
        """The delivery row with this id (the id ``journey-studio outbox list`` shows)."""
        with self.workspace._session() as s:
            row = s.get(DeliveryRow, delivery_id)
            if row is None:
                raise NotFound(f"there is no delivery with id '{delivery_id}'", where=self.workspace.location)
            return _delivery(row)

    def drop_delivery(self, delivery_id: str, reason: str, now: datetime) -> None:
        """Mark a delivery ``dropped``: the user has settled it and nothing will send it again."""
        with self.workspace._session(write=True) as s:
            s.execute(update(DeliveryRow).where(DeliveryRow.id == delivery_id)
                      .values(status=DROPPED, reason=reason, updated_at=now))

    def deliveries(self, *, run_id: str | None = None, mode: str | None = None) -> list[DeliveryRecord]:
        query = select(DeliveryRow).order_by(DeliveryRow.created_at, DeliveryRow.id)
        if run_id is not None:
            query = query.where(DeliveryRow.run_id == run_id)
        if mode is not None:
            query = query.where(DeliveryRow.mode == mode)
        with self.workspace._session() as s:
            return [_delivery(r) for r in s.scalars(query)]


def _state(row: RunRow) -> RunState:
    values: dict[str, Any] = {name: getattr(row, name) for name in _RUN_FIELDS}
    # JSON columns come back as fresh objects per load, but copy anyway: a state is edited freely.
    for name in ("wait_filters", "vars", "visits", "goals", "event"):
        value = values[name]
        values[name] = list(value) if isinstance(value, list) else dict(value)
    return RunState(**values)


def _delivery(row: DeliveryRow) -> DeliveryRecord:
    return DeliveryRecord(row.id, row.idempotency_key, row.run_id, row.customer_id, row.mode, row.node_id,
                          row.channel, row.channel_kind, row.status, row.reason, row.attempts,
                          bool(row.frequency_cap_exempt), row.created_at, row.updated_at, row.message_id)
