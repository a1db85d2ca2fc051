"""Durable runs: the rows behind the runner, written in short transactions.

:class:`RunStore` reads and writes ``runs``, ``steps``, ``node_counters``, ``edge_counters`` and
``deliveries`` for :class:`~engine.runtime.runner.Runner`. One call of :meth:`RunStore.commit` is one
step: the run row, its step-log lines, the counter changes (and a profile change made by the step)
go in together or not at all, so the counters always equal what the step log says. Delivery rows
are written in their own transactions around the channel call (the outbox). Every moment comes from
the caller, whose clock may be virtual; nothing here reads the wall clock.
"""

from __future__ import annotations

import os
import random
import secrets
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Table, bindparam, func, insert, select, update

from engine import fastjson
from engine.errors import NotFound
from engine.runtime.results import NodeCounts
from engine.store.customers import CustomerRecord
from engine.store.models import (
    CustomerRow,
    DeliveryRow,
    EdgeCounterRow,
    IdentifierRow,
    NodeCounterRow,
    OptOutRow,
    RunRow,
    StepRow,
)
from engine.store.runs_sqlite import (
    DELIVERY_FIELDS,
    STEP_FIELDS,
    BatchRows,
    batch_rows,
    sqlite_time,
    write_rows,
)

if TYPE_CHECKING:
    from engine.store.workspace import Workspace

#: Run statuses: due to run its node, parked, finished.
RUN_STATUSES = ("active", "waiting", "done")
#: ``retrying``: a retryable failure, tried again from ``next_attempt_at`` (with exponential backoff).
DELIVERY_STATUSES = ("pending", "sent", "failed", "skipped", "ambiguous", "retrying")
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


_CounterKey = tuple[str, int, str, str]


@dataclass
class Batch:
    """Steps of many runs, written together by :meth:`RunStore.write` in one transaction.

    Folding a step in is cheap (dict and list appends), so the runner can take hundreds of runs
    through their nodes and write them with a few ``executemany`` statements: the step log lines
    in one, the run rows in another, the counter changes summed per node and edge.
    """

    runs: dict[str, RunState] = field(default_factory=dict)
    new: set[str] = field(default_factory=set)
    #: ``(run_id, node_id, port, at, mode, note)`` in order.
    steps: list[tuple[str, str, str | None, datetime, str, str]] = field(default_factory=list)
    #: Counter changes by (journey, version, mode): node id → [entered, active, exited, converted],
    #: and edge id → count (see :attr:`nodes` and :attr:`edges`).
    counters: dict[tuple[str, int, str], tuple[dict[str, list[int]], dict[str, int]]] = field(default_factory=dict)
    #: customer id → (attributes, tags, when): the profile as the batch's last step left it.
    profiles: dict[str, tuple[dict[str, Any], list[str], datetime]] = field(default_factory=dict)
    #: Delivery rows to insert, and updates of rows by idempotency key.
    new_deliveries: list[dict[str, Any]] = field(default_factory=list)
    delivery_updates: list[dict[str, Any]] = field(default_factory=list)

    def add(self, state: RunState, delta: Delta, now: datetime, *, new: bool = False,
            profile: tuple[dict[str, Any], list[str]] | None = None) -> None:
        """Fold one step of ``state`` in: its run row (inserted when ``new``), log lines, counters."""
        state.updated_at = now
        self.runs[state.id] = state
        if new:
            self.new.add(state.id)
        run_id, mode = state.id, state.mode
        for node_id, port, note in delta.log:
            self.steps.append((run_id, node_id, port, now, mode, note))
        nodes, edges = self.counters_of(state)
        for node_id, changes in delta.nodes.items():
            counts = nodes.get(node_id)
            if counts is None:
                nodes[node_id] = list(changes)
            else:
                for i, change in enumerate(changes):
                    counts[i] += change
        for edge_id, change in delta.edges.items():
            edges[edge_id] = edges.get(edge_id, 0) + change
        if profile is not None:
            attributes, tags = profile
            self.profiles[state.customer_id] = (attributes, sorted(set(tags)), now)

    def counters_of(self, state: RunState) -> tuple[dict[str, list[int]], dict[str, int]]:
        """The node and edge counter changes of ``state``'s version and mode, to add to."""
        prefix = (state.journey_id, state.version_number, state.mode)
        found = self.counters.get(prefix)
        if found is None:
            found = self.counters[prefix] = ({}, {})
        return found

    @property
    def nodes(self) -> dict[_CounterKey, list[int]]:
        """Node counter changes by (journey, version, mode, node)."""
        return {(*prefix, node_id): counts for prefix, (nodes, _) in self.counters.items()
                for node_id, counts in nodes.items()}

    @property
    def edges(self) -> dict[_CounterKey, int]:
        """Edge counter changes by (journey, version, mode, edge)."""
        return {(*prefix, edge_id): count for prefix, (_, edges) in self.counters.items()
                for edge_id, count in edges.items()}

    def delta(self, state: RunState, now: datetime) -> BatchDelta:
        """A :class:`Delta` of one step of ``state`` that writes straight into this batch; register
        the run with :meth:`touch` once the step is done."""
        return BatchDelta(self, state, now)

    def touch(self, state: RunState, now: datetime, *, new: bool = False,
              profile: tuple[dict[str, Any], list[str]] | None = None) -> None:
        """Note that ``state`` changed at ``now`` (its row is written with the batch)."""
        state.updated_at = now
        self.runs[state.id] = state
        if new:
            self.new.add(state.id)
        if profile is not None:
            attributes, tags = profile
            self.profiles[state.customer_id] = (attributes, sorted(set(tags)), now)

    def clear(self) -> None:
        """Forget what was written (in place, so that open deltas stay bound to this batch)."""
        self.runs.clear()
        self.new.clear()
        self.steps.clear()
        for nodes, edges in self.counters.values():  # emptied, not dropped: open deltas add to them
            nodes.clear()
            edges.clear()
        self.profiles.clear()
        self.new_deliveries.clear()
        self.delivery_updates.clear()

    def __bool__(self) -> bool:
        return bool(self.runs or self.steps or self.new_deliveries or self.delivery_updates)


class BatchDelta:
    """The counter changes and log lines of one step, added to a :class:`Batch` as they are made
    (the runner's hot path: no per-step dictionaries to merge afterwards)."""

    __slots__ = ("_nodes", "_edges", "_steps", "_run_id", "_mode", "_now", "touched")

    def __init__(self, batch: Batch, state: RunState, now: datetime):
        self._nodes, self._edges = batch.counters_of(state)
        self._steps = batch.steps
        self._run_id = state.id
        self._mode = state.mode
        self._now = now
        self.touched = False

    def node(self, node_id: str, *, entered: int = 0, active: int = 0, exited: int = 0,
             converted: int = 0) -> None:
        self.count(node_id, entered, active, exited, converted)

    def count(self, node_id: str, entered: int, active: int, exited: int, converted: int) -> None:
        """:meth:`node` with the changes in order (the runner's hot path)."""
        counts = self._nodes.get(node_id)
        if counts is None:
            self._nodes[node_id] = [entered, active, exited, converted]
        else:
            counts[0] += entered
            counts[1] += active
            counts[2] += exited
            counts[3] += converted
        self.touched = True

    def edge(self, edge_id: str) -> None:
        edges = self._edges
        edges[edge_id] = edges.get(edge_id, 0) + 1
        self.touched = True

    def step(self, node_id: str, port: str | None, note: str = "") -> None:
        self._steps.append((self._run_id, node_id, port, self._now, self._mode, note))
        self.touched = True


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
    next_attempt_at: datetime | None = None
    provider_code: str | None = None


class RunStore:
    """Run, step, counter and delivery rows of one workspace."""

    def __init__(self, workspace: Workspace):
        self.workspace = workspace

    # -- runs ----------------------------------------------------------------------------------
    def commit(self, state: RunState, delta: Delta, now: datetime, *, new: bool = False,
               profile: tuple[dict[str, Any], list[str]] | None = None) -> None:
        """Write one step: the run row (inserted when ``new``), its log lines, the counter changes
        and, when the step changed the customer's profile, ``(attributes, tags)``."""
        batch = Batch()
        batch.add(state, delta, now, new=new, profile=profile)
        self.write(batch)

    def write(self, batch: Batch) -> None:
        """Write a :class:`Batch` in one transaction: all of it or, if anything fails, none."""
        if not batch:
            return
        rows = self.batch_rows(batch)
        if rows is not None:
            self.write_rows(rows)
            return
        with self.workspace._session(write=True) as s:
            conn = s.connection()
            _drop_vanished(conn, batch)
            inserts = [_run_values(st) for run_id, st in batch.runs.items() if run_id in batch.new]
            updates = [_run_values(st, key="b_id") for run_id, st in batch.runs.items() if run_id not in batch.new]
            if inserts:
                conn.execute(insert(_runs), inserts)
            if updates:
                conn.execute(_RUN_UPDATE, updates)
            if batch.steps:
                conn.execute(insert(_steps), [dict(zip(STEP_FIELDS, step, strict=True)) for step in batch.steps])
            if batch.nodes:
                conn.execute(_counter_upsert(conn, _node_counters, ("node_id",), _NODE_FIELDS), [
                    {"journey_id": j, "version_number": v, "mode": m, "node_id": n,
                     "entered": c[0], "active": c[1], "exited": c[2], "converted": c[3]}
                    for (j, v, m, n), c in batch.nodes.items()])
            if batch.edges:
                conn.execute(_counter_upsert(conn, _edge_counters, ("edge_id",), ("count",)), [
                    {"journey_id": j, "version_number": v, "mode": m, "edge_id": e, "count": c}
                    for (j, v, m, e), c in batch.edges.items()])
            if batch.profiles:
                conn.execute(_PROFILE_UPDATE, [
                    {"b_id": cid, "attributes": attrs, "tags": tags, "updated_at": when}
                    for cid, (attrs, tags, when) in batch.profiles.items()])
            if batch.new_deliveries:
                conn.execute(insert(_deliveries), batch.new_deliveries)
            if batch.delivery_updates:
                conn.execute(_DELIVERY_UPDATE, batch.delivery_updates)

    def batch_rows(self, batch: Batch) -> BatchRows | None:
        """On SQLite, ``batch`` as stored values for :meth:`write_rows` (a snapshot another thread
        may write while the runner goes on); ``None`` on other databases."""
        if self.workspace.engine.dialect.name != "sqlite":
            return None
        return batch_rows(batch)

    def write_rows(self, rows: BatchRows) -> None:
        """Write what :meth:`batch_rows` made, in one transaction (any thread may call this)."""
        with self.workspace._session(write=True) as s:
            write_rows(s.connection().connection.driver_connection, rows)  # type: ignore[arg-type]

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

    def due_states(self, now: datetime, mode: str, limit: int, exclude: frozenset[str] = frozenset()
                   ) -> list[RunState]:
        """Runs of ``mode`` due by ``now``, whole, earliest wake-up first (one query for a batch),
        leaving out the runs in ``exclude`` (still being written: the database shows them as they were)."""
        with self.workspace._session() as s:
            conn = s.connection()
            if conn.dialect.name == "sqlite":
                wanted = limit + len(exclude)
                rows = [row for status in ("active", "waiting")
                        for row in _driver_rows(conn, _SQLITE_DUE, (status, sqlite_time(now), mode, wanted))]
                if exclude:  # the id comes first; left out before any column is decoded
                    rows = [r for r in rows if r[0] not in exclude]
                rows.sort(key=lambda r: r[_WAKE_AT])  # stable: equal times keep the order they were written
                return [_sqlite_state(r) for r in rows[:limit]]
            found = conn.execute(
                select(_runs).where(_runs.c.status.in_(("active", "waiting")), _runs.c.wake_at <= now,
                                    _runs.c.mode == mode)
                .order_by(_runs.c.wake_at, _runs.c.id).limit(limit + len(exclude)))
            return [_state(r) for r in found if r.id not in exclude][:limit]

    def customers(self, customer_ids: Iterable[str], *, identifiers: bool = True) -> dict[str, CustomerRecord]:
        """Profiles of many customers at once (missing ids are left out); without their
        identifiers unless ``identifiers`` (the runner reads those only when a send needs one)."""
        ids = list(dict.fromkeys(customer_ids))
        found: dict[str, CustomerRecord] = {}
        idents = self.identifiers_of(ids) if identifiers else {}
        with self.workspace._session() as s:
            conn = s.connection()
            for chunk in _chunks(ids):
                if conn.dialect.name == "sqlite":
                    for cid, attributes, zone, consent, tags, created, updated in _driver_rows(
                            conn, "SELECT id, attributes, time_zone, consent, tags, created_at, updated_at "
                                  f"FROM customers WHERE id IN ({_marks(chunk)})", chunk):
                        found[cid] = CustomerRecord(
                            id=cid, attributes=fastjson.loads(attributes), time_zone=zone,
                            consent=fastjson.loads(consent), tags=tuple(fastjson.loads(tags)),
                            identifiers=tuple(sorted(idents.get(cid, ()))), created_at=_from_sqlite_time(created),
                            updated_at=_from_sqlite_time(updated))  # type: ignore[arg-type]
                    continue
                for row in conn.execute(select(_customers).where(_customers.c.id.in_(chunk))):
                    found[row.id] = CustomerRecord(
                        id=row.id, attributes=dict(row.attributes), time_zone=row.time_zone,
                        consent=dict(row.consent), tags=tuple(row.tags),
                        identifiers=tuple(sorted(idents.get(row.id, ()))),
                        created_at=row.created_at, updated_at=row.updated_at)
        return found

    def profiles_of(self, customer_ids: Iterable[str]) -> list[tuple[str, dict[str, Any], str | None,
                                                                     dict[str, bool], list[str]]]:
        """``(id, attributes, time zone, consent, tags)`` of many customers: what a step reads of a
        profile, and nothing more (the runner reads these for every batch)."""
        ids = list(dict.fromkeys(customer_ids))
        if self.workspace.engine.dialect.name != "sqlite":
            return [(c.id, c.attributes, c.time_zone, c.consent, list(c.tags))
                    for c in self.customers(ids, identifiers=False).values()]
        loads = fastjson.loads
        found = []
        with self.workspace._session() as s:
            conn = s.connection()
            for chunk in _chunks(ids):
                for cid, attributes, zone, consent, tags in _driver_rows(
                        conn, f"SELECT id, attributes, time_zone, consent, tags FROM customers "
                              f"WHERE id IN ({_marks(chunk)})", chunk):
                    found.append((cid, loads(attributes), zone, loads(consent), loads(tags)))
        return found

    def identifiers_of(self, customer_ids: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
        """Each customer's ``(kind, value)`` identifiers."""
        found: dict[str, list[tuple[str, str]]] = {}
        i = _identifiers.c
        with self.workspace._session() as s:
            conn = s.connection()
            for chunk in _chunks(list(dict.fromkeys(customer_ids))):
                if conn.dialect.name == "sqlite":
                    rows = _driver_rows(conn, "SELECT customer_id, kind, value FROM identifiers "
                                              f"WHERE customer_id IN ({_marks(chunk)})", chunk)
                else:
                    rows = conn.execute(select(i.customer_id, i.kind, i.value).where(i.customer_id.in_(chunk)))
                for cid, kind, value in rows:
                    found.setdefault(cid, []).append((kind, value))
        return found

    def deliveries_of_runs(self, run_ids: Iterable[str]) -> dict[str, DeliveryRecord]:
        """Delivery rows of many runs, by idempotency key."""
        found: dict[str, DeliveryRecord] = {}
        with self.workspace._session() as s:
            conn = s.connection()
            sqlite = conn.dialect.name == "sqlite"
            for chunk in _chunks(list(run_ids)):
                if sqlite:
                    sql = f"SELECT {', '.join(DELIVERY_FIELDS)} FROM deliveries WHERE run_id IN ({_marks(chunk)})"
                    for row in _driver_rows(conn, sql, chunk):
                        record = _sqlite_delivery(row)
                        found[record.idempotency_key] = record
                    continue
                for row in conn.execute(select(_deliveries).where(_deliveries.c.run_id.in_(chunk))):
                    found[row.idempotency_key] = _delivery(row)
        return found

    def runs_of_customers(self, customer_ids: Iterable[str], journey_id: str, mode: str
                          ) -> dict[str, list[RunState]]:
        """:meth:`runs_of` for many customers at once."""
        found: dict[str, list[RunState]] = {}
        with self.workspace._session() as s:
            conn = s.connection()
            for chunk in _chunks(list(dict.fromkeys(customer_ids))):
                for row in conn.execute(select(_runs).where(_runs.c.customer_id.in_(chunk),
                                                            _by_customer(_runs.c.journey_id) == journey_id,
                                                            _runs.c.mode == mode)
                                        .order_by(_runs.c.started_at, _runs.c.id)):
                    found.setdefault(row.customer_id, []).append(_state(row))
        return found

    def profiles(self, *, with_zone: bool = False) -> Iterator[tuple]:
        """Every customer's ``(id, attributes)`` (``(id, attributes, time_zone)`` with ``with_zone``),
        read in pages: what entries that fire on their own scan."""
        last = ""
        while True:
            with self.workspace._session() as s:
                rows = list(s.connection().execute(
                    select(_customers.c.id, _customers.c.attributes, _customers.c.time_zone)
                    .where(_customers.c.id > last).order_by(_customers.c.id).limit(5000)))
            if not rows:
                return
            for row in rows:
                yield (row.id, row.attributes, row.time_zone) if with_zone else (row.id, row.attributes)
            last = rows[-1].id

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
                                                  _by_customer(RunRow.journey_id) == journey_id,
                                                  RunRow.mode == mode)
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
        row = delivery_values(idempotency_key=idempotency_key, run=run, node_id=node_id, channel=channel,
                              channel_kind=channel_kind, status=status, reason=reason, attempts=attempts,
                              frequency_cap_exempt=frequency_cap_exempt, now=now)
        with self.workspace._session(write=True) as s:
            s.connection().execute(insert(_deliveries), [row])

    def finish_delivery(self, idempotency_key: str, status: str, reason: str, now: datetime,
                        message_id: str | None = None, *, attempts: int | None = None,
                        provider_code: str | None = None, next_attempt_at: datetime | None = None) -> None:
        """Record what the channel answered (or that the delivery is to be tried again)."""
        if status not in DELIVERY_STATUSES and status != DROPPED:
            raise ValueError(f"unknown delivery status '{status}'")
        values: dict[str, Any] = {"status": status, "reason": reason, "message_id": message_id,
                                  "updated_at": now, "next_attempt_at": next_attempt_at}
        if attempts is not None:
            values["attempts"] = attempts
        if provider_code is not None:
            values["provider_code"] = provider_code
        with self.workspace._session(write=True) as s:
            s.execute(update(DeliveryRow).where(DeliveryRow.idempotency_key == idempotency_key).values(**values))

    def sent_times(self, customer_id: str, mode: str) -> list[datetime]:
        """When this customer's messages that count towards the frequency cap went out."""
        with self.workspace._session() as s:
            return list(s.scalars(select(DeliveryRow.created_at).where(
                DeliveryRow.customer_id == customer_id, DeliveryRow.mode == mode, DeliveryRow.status == "sent",
                DeliveryRow.frequency_cap_exempt.is_(False))))

    def sent_times_of(self, customer_ids: Iterable[str], mode: str) -> dict[str, list[datetime]]:
        """:meth:`sent_times` for many customers at once."""
        found: dict[str, list[datetime]] = {}
        d = _deliveries.c
        with self.workspace._session() as s:
            conn = s.connection()
            for chunk in _chunks(list(customer_ids)):
                if conn.dialect.name == "sqlite":  # read for every batch that sends
                    rows = [(cid, _from_sqlite_time(at)) for cid, at in _driver_rows(
                        conn, "SELECT customer_id, created_at FROM deliveries WHERE customer_id IN "
                              f"({_marks(chunk)}) AND mode = ? AND status = 'sent' AND frequency_cap_exempt = 0",
                        [*chunk, mode])]
                else:
                    rows = conn.execute(select(d.customer_id, d.created_at).where(
                        d.customer_id.in_(chunk), d.mode == mode, d.status == "sent",
                        d.frequency_cap_exempt.is_(False)))
                for cid, at in rows:
                    found.setdefault(cid, []).append(at)
        return found

    def opt_outs(self) -> set[tuple[str, str]]:
        """Every opt-out as ``(channel kind, address)`` and ``(channel kind, "customer:" + id)``."""
        found: set[tuple[str, str]] = set()
        o = OptOutRow.__table__.c
        with self.workspace._session() as s:
            for kind, address, customer_id in s.connection().execute(select(o.channel_kind, o.address,
                                                                             o.customer_id)):
                found.add((kind, address))
                if customer_id:
                    found.add((kind, "customer:" + customer_id))
        return found

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


_runs = RunRow.__table__
_steps = StepRow.__table__
_node_counters = NodeCounterRow.__table__
_edge_counters = EdgeCounterRow.__table__
_deliveries = DeliveryRow.__table__
_customers = CustomerRow.__table__
_identifiers = IdentifierRow.__table__
_DELIVERIES_INSERT = insert(_deliveries)
_RUN_UPDATE = (update(_runs).where(_runs.c.id == bindparam("b_id"))
               .values({name: bindparam(name) for name in _RUN_FIELDS if name not in ("id", "customer_id")}))
_PROFILE_UPDATE = (update(_customers).where(_customers.c.id == bindparam("b_id"))
                   .values(attributes=bindparam("attributes"), tags=bindparam("tags"),
                           updated_at=bindparam("updated_at")))
_DELIVERY_UPDATE = (update(_deliveries).where(_deliveries.c.idempotency_key == bindparam("b_key"))
                    .values(status=bindparam("status"), reason=bindparam("reason"),
                            attempts=bindparam("attempts"), message_id=bindparam("message_id"),
                            provider_code=bindparam("provider_code"),
                            next_attempt_at=bindparam("next_attempt_at"), updated_at=bindparam("updated_at")))


_JSON_RUN_FIELDS = frozenset({"wait_filters", "vars", "visits", "goals", "event"})
_TIME_RUN_FIELDS = frozenset({"wake_at", "started_at", "updated_at"})
_RUN_COLUMNS = ", ".join(_RUN_FIELDS)


# One status at a time: ``ix_runs_status_wake_at`` then yields the rows in wake-up order (and, for
# equal times, in the order they were written) and the query stops at the limit. Asked for both
# statuses with ``ORDER BY wake_at, id``, SQLite reads and sorts every due run for each batch.
_SQLITE_DUE = (f"SELECT {_RUN_COLUMNS} FROM runs WHERE status = ? AND wake_at <= ? AND mode = ? "
               "ORDER BY wake_at LIMIT ?")
_WAKE_AT = _RUN_FIELDS.index("wake_at")
_RUN_JSON_AT = tuple(i for i, name in enumerate(_RUN_FIELDS) if name in _JSON_RUN_FIELDS)
_RUN_TIME_AT = tuple(i for i, name in enumerate(_RUN_FIELDS) if name in _TIME_RUN_FIELDS)
_RUN_CONVERTED_AT = _RUN_FIELDS.index("converted")


def _marks(items: list) -> str:
    return ", ".join("?" for _ in items)


def _driver_rows(conn: Connection, sql: str, params: Iterable[Any]) -> list[tuple]:
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        return cursor.execute(sql, tuple(params)).fetchall()
    finally:
        cursor.close()


def _from_sqlite_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    moment = _read_times.get(value)
    if moment is None:
        if len(_read_times) >= 50_000:
            _read_times.clear()
        moment = _read_times[value] = datetime.fromisoformat(value).replace(tzinfo=UTC)
    return moment


# Runs taken together mostly share their moments (a batch parks every run until the same time).
_read_times: dict[str, datetime] = {}


def _sqlite_state(row: tuple) -> RunState:
    values = list(row)
    for i in _RUN_JSON_AT:
        values[i] = fastjson.loads(values[i])
    for i in _RUN_TIME_AT:
        values[i] = _from_sqlite_time(values[i])
    values[_RUN_CONVERTED_AT] = bool(values[_RUN_CONVERTED_AT])
    return RunState(*values)


def _sqlite_delivery(row: tuple) -> DeliveryRecord:
    (id_, key, run_id, customer_id, mode, node_id, channel, kind, status, reason, attempts, exempt, created,
     updated, message_id, code, next_at) = row
    return DeliveryRecord(id_, key, run_id, customer_id, mode, node_id, channel, kind, status, reason, attempts,
                          bool(exempt), _from_sqlite_time(created), _from_sqlite_time(updated), message_id,
                          _from_sqlite_time(next_at), code)


def delivery_values(*, idempotency_key: str, run: RunState, node_id: str, channel: str, channel_kind: str,
                    status: str, reason: str, attempts: int, frequency_cap_exempt: bool, now: datetime,
                    message_id: str | None = None, provider_code: str | None = None,
                    next_attempt_at: datetime | None = None) -> dict[str, Any]:
    """A new delivery row, for :meth:`RunStore.add_delivery` or :attr:`Batch.new_deliveries`."""
    if status not in DELIVERY_STATUSES:
        raise ValueError(f"unknown delivery status '{status}'")
    return {"id": ordered_id(), "idempotency_key": idempotency_key, "run_id": run.id, "customer_id": run.customer_id,
            "mode": run.mode, "node_id": node_id, "channel": channel, "channel_kind": channel_kind,
            "status": status, "reason": reason, "attempts": attempts,
            "frequency_cap_exempt": frequency_cap_exempt, "created_at": now, "updated_at": now,
            "message_id": message_id, "provider_code": provider_code, "next_attempt_at": next_attempt_at}


def _run_values(state: RunState, key: str = "id") -> dict[str, Any]:
    values = {name: getattr(state, name) for name in _RUN_FIELDS}
    if key != "id":  # an update: by id, and never of the customer (a profile merge may have moved the run)
        values[key] = values.pop("id")
        del values["customer_id"]
    return values


def _counter_upsert(conn: Connection, table: Table, key: tuple[str, ...], fields: tuple[str, ...]):
    """``INSERT ... ON CONFLICT DO UPDATE SET f = f + excluded.f``: counters add up in the database,
    so a batch never reads them first."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    stmt = dialect_insert(table)
    return stmt.on_conflict_do_update(
        index_elements=["journey_id", "version_number", "mode", *key],
        set_={f: table.c[f] + stmt.excluded[f] for f in fields})


def ordered_id() -> str:
    """A row id (runs, deliveries) that sorts by creation time (the layout of UUID version 7: 48 bits of Unix
    milliseconds, then random bits). New rows and the step lines of new runs then land at the end of the
    indexes instead of at random places in them, which keeps bulk writes fast."""
    value = (time.time_ns() // 1_000_000) << 80 | 0x7 << 76 | _id_random.getrandbits(76)
    value = value & ~(0x3 << 62) | 0x2 << 62  # the RFC 4122 variant bits
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


# Ids need to be unique, not secret: a generator seeded from the OS once (and again in a forked
# child, which would otherwise repeat its parent's ids) instead of a system call per id.
_id_random = random.Random(secrets.randbits(128))
os.register_at_fork(after_in_child=lambda: _id_random.seed(secrets.randbits(128)))


def _drop_vanished(conn: Connection, batch: Batch) -> None:
    """Leave out runs deleted since they were read (their customer was erased meanwhile): their
    step lines and outbox rows would point at nothing. Counter changes stay, as the erasure left
    the counters themselves (see :mod:`engine.track.profiles`)."""
    known = [run_id for run_id in batch.runs if run_id not in batch.new]
    if not known:
        return
    present: set[str] = set()
    for chunk in _chunks(known):
        present.update(conn.execute(select(_runs.c.id).where(_runs.c.id.in_(chunk))).scalars())
    gone = set(known) - present
    if not gone:
        return
    for run_id in gone:
        del batch.runs[run_id]
    batch.steps[:] = [step for step in batch.steps if step[0] not in gone]
    batch.new_deliveries[:] = [d for d in batch.new_deliveries if d["run_id"] not in gone]


def _by_customer(journey_column: Any) -> Any:
    """``journey_column`` in a form no index serves: a query for some customers' runs of a journey
    then goes through the customer index. (Without statistics SQLite otherwise takes the journey
    index and reads every run of the journey, for every batch of customers.)"""
    return journey_column.concat("")


def _chunks(items: list[str], size: int = 900) -> Iterator[list[str]]:
    # Well under SQLite's limit on bound parameters per statement.
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _state(row: Any) -> RunState:
    values: dict[str, Any] = {name: getattr(row, name) for name in _RUN_FIELDS}
    # JSON columns come back as fresh objects per load, but copy anyway: a state is edited freely.
    for name in ("wait_filters", "vars", "visits", "goals", "event"):
        value = values[name]
        values[name] = list(value) if isinstance(value, list) else dict(value)
    return RunState(**values)


def _delivery(row: Any) -> DeliveryRecord:
    return DeliveryRecord(row.id, row.idempotency_key, row.run_id, row.customer_id, row.mode, row.node_id,
                          row.channel, row.channel_kind, row.status, row.reason, row.attempts,
                          bool(row.frequency_cap_exempt), row.created_at, row.updated_at, row.message_id,
                          row.next_attempt_at, row.provider_code)
