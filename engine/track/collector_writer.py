"""The collector's write queue: one thread that stores what the HTTP side has read, in groups.

Requests are queued as :class:`Job` objects. The writer takes every job waiting (up to
:data:`MAX_GROUP_EVENTS` messages), stores them all in **one transaction** through the workspace's
write lock, commits, and only then reports each job done, so an answer of 200 always means the
job's events are durable (SQLite in WAL mode syncs the log on every commit). While one group is
being committed the next one gathers in the queue: the more requests arrive at once, the more each
commit carries (group commit).

Within a group, messages are applied in the order they arrived: dedup keys are looked up once for
the whole group, identifiers too (:class:`~engine.track.identity.IdentityResolver`), then each
message resolves its customer (merging profiles when the identity rules say so), changes the
profile's attributes and adds its event; the rows are written with a few ``executemany``
statements. On SQLite the event rows go straight to the driver with the properties already
serialised by the protocol reader; on other databases through SQLAlchemy Core.

If a group's transaction fails, each of its jobs is tried again on its own, so one job the
database refuses cannot fail the others: it gets a 400 when the database refused its data, a 503
when the database itself failed (the sender should try again).

The writer keeps one connection checked out while it runs. On SQLite that connection has a larger
page cache (:data:`CACHE_KIB`: the two event indexes are written at random places) and no
automatic checkpoints: the writer copies the write-ahead log into the database file itself, when
arrivals pause (:data:`IDLE_SECONDS`) or every :data:`CHECKPOINT_EVERY_SECONDS` under steady load,
so that no commit requests are waiting on pays for a checkpoint. Every write, checkpoints
included, holds the workspace's write lock.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy import exc as sa_exc

from engine.errors import JourneyStudioError
from engine.store.customers import EventRecord
from engine.store.models import CustomerRow, EventRow, utcnow
from engine.track.collector_messages import Message, apply_profile
from engine.track.collector_sqlite import insert_rows, select_in, sqlite_time
from engine.track.identity import IdentityResolver, ordered
from engine.track.tracking_plan import TrackingPlan, check_and_record, current_plan

if TYPE_CHECKING:
    from engine.store.workspace import Workspace

log = logging.getLogger("journey_studio.collector")

#: Messages stored in one transaction at most.
MAX_GROUP_EVENTS = 5_000
#: A pause in arrivals this long (seconds) counts as idle: time to checkpoint (SQLite).
IDLE_SECONDS = 0.05
#: Under steady load, checkpoint at least this often (seconds).
CHECKPOINT_EVERY_SECONDS = 10.0
#: Page cache of the writer's SQLite connection, in KiB.
CACHE_KIB = 64 * 1024
LOOKUP_CHUNK = 500

_events = EventRow.__table__
_customers = CustomerRow.__table__
_EVENT_COLUMNS = ("customer_id", "name", "properties", "occurred_at", "received_at", "source", "dedup_key")
_STOP = object()


@dataclass(eq=False, slots=True)
class Job:
    """One request's messages; ``done(job)`` is called once they are committed (or refused)."""

    messages: list[Message]
    done: Callable[[Job], None]
    stored: int = 0
    duplicates: int = 0
    profiles: int = 0
    #: 0 while all is well; 400 or 503 when the job could not be stored.
    status: int = 0
    error: str = ""
    by_source: dict[str, int] = field(default_factory=dict)

    def reset(self) -> None:
        self.stored = self.duplicates = self.profiles = 0
        self.by_source = {}


@dataclass
class WriterStats:
    """Written by the writer thread only; read from anywhere."""

    committed: int = 0
    duplicates: int = 0
    profile_updates: int = 0
    merges: int = 0
    refused_links: int = 0
    transactions: int = 0
    failed_jobs: int = 0
    handoff_errors: int = 0
    checkpoints: int = 0
    by_source: dict[str, int] = field(default_factory=dict)


class _Group:
    """The work of one transaction."""

    def __init__(self, conn: Connection, now: datetime, *, sqlite: bool, want_records: bool):
        self.conn = conn
        self.ws: Workspace | None = None
        self.tracking_plan: TrackingPlan | None = None
        self.now = now
        self.want_records = want_records
        self.resolver = IdentityResolver(conn, now, before_merge=self.flush)
        self.raw = conn.connection.driver_connection if sqlite else None
        self.rows: list[tuple[str, Message]] = []
        self.attributes: dict[str, dict[str, Any]] = {}
        self.dirty: set[str] = set()
        self.seen: set[str] = set()
        self.stored_keys: set[str] = set()
        self.records: list[EventRecord] = []
        self._received = sqlite_time(now) if sqlite else None

    def prepare(self, messages: list[Message]) -> None:
        keys = sorted({m.dedup_key for m in messages if m.dedup_key is not None})
        for start in range(0, len(keys), LOOKUP_CHUNK):
            chunk = keys[start:start + LOOKUP_CHUNK]
            if self.raw is not None:
                self.stored_keys.update(row[0] for row in select_in(self.raw, ("dedup_key",), "events",
                                                                    "dedup_key", chunk))
            else:
                self.stored_keys.update(self.conn.scalars(
                    select(_events.c.dedup_key).where(_events.c.dedup_key.in_(chunk))))
        pairs = [pair for m in messages for pair in m.identifiers]
        for m in messages:
            if m.previous_id is not None:
                pairs += [("user_id", m.previous_id), ("anonymous_id", m.previous_id)]
        self.resolver.load(pairs)

    def add(self, m: Message, job: Job) -> None:
        if m.dedup_key is not None:
            if m.dedup_key in self.stored_keys or m.dedup_key in self.seen:
                job.duplicates += 1
                return
            self.seen.add(m.dedup_key)
        resolver = self.resolver
        pairs = m.identifiers
        if m.previous_id is not None:
            previous = ("user_id", m.previous_id)
            if resolver.owner_of(previous) is None:
                previous = ("anonymous_id", m.previous_id)
            pairs = ordered((*pairs, previous))
        if len(pairs) == 1 and pairs[0] in resolver.owner:
            customer_id = resolver.owner[pairs[0]]
        else:
            customer_id = resolver.resolve(pairs, reason=m.reason, force=m.previous_id is not None)
        if m.profile:
            job.profiles += 1
            row = resolver.new_customer_row(customer_id)
            if row is not None:
                row["attributes"] = apply_profile(row["attributes"], m.profile)
            else:
                current = self.attributes.get(customer_id)
                if current is None:
                    current = self.conn.scalar(select(_customers.c.attributes)
                                               .where(_customers.c.id == customer_id)) or {}
                self.attributes[customer_id] = apply_profile(current, m.profile)
                self.dirty.add(customer_id)
        if m.event is not None:
            self.rows.append((customer_id, m))
            job.stored += 1
            job.by_source[m.source] = job.by_source.get(m.source, 0) + 1

    def flush(self) -> None:
        """Write everything held back (called before a merge and at the end)."""
        self.resolver.flush()
        if self.dirty:
            self.conn.execute(
                update(_customers).where(_customers.c.id == bindparam("cid"))
                .values(attributes=bindparam("attrs"), updated_at=self.now),
                [{"cid": cid, "attrs": self.attributes[cid]} for cid in sorted(self.dirty)])
        self.attributes.clear()
        self.dirty.clear()
        rows, self.rows = self.rows, []
        if not rows:
            return
        if self.tracking_plan:
            # Counted against the tracking plan in the transaction that stores the events.
            check_and_record(self.ws, ((m.event, m.properties) for _cid, m in rows), self.now,
                             plan=self.tracking_plan, conn=self.conn)
        if self.raw is not None:
            raw = self.raw
            before = raw.execute("SELECT max(id) FROM events").fetchone()[0] if self.want_records else 0
            insert_rows(raw, "events", _EVENT_COLUMNS, [
                (cid, m.event, m.properties_json, sqlite_time(m.occurred_at), self._received, m.source,
                 m.dedup_key) for cid, m in rows])
            if not self.want_records:
                return
            # Row ids are handed out in order, one after the other, to the single writer holding the
            # lock: the new rows are the ids after the largest one before.
            low, high, count = raw.execute("SELECT min(id), max(id), count(*) FROM events WHERE id > ?",
                                           (before or 0,)).fetchone()
            ids = list(range(low, high + 1)) if count == high - low + 1 else \
                [row[0] for row in raw.execute("SELECT id FROM events WHERE id > ? ORDER BY id", (before or 0,))]
        else:
            values = [{"customer_id": cid, "name": m.event, "properties": m.properties or {},
                       "occurred_at": m.occurred_at, "received_at": self.now, "source": m.source,
                       "dedup_key": m.dedup_key} for cid, m in rows]
            if not self.want_records:
                self.conn.execute(insert(_events), values)
                return
            ids = list(self.conn.execute(insert(_events).returning(_events.c.id, sort_by_parameter_order=True),
                                         values).scalars())
        if len(ids) != len(rows):
            raise RuntimeError(f"stored {len(rows)} events but found {len(ids)} new ids")
        for event_id, (cid, m) in zip(ids, rows, strict=True):
            self.records.append(EventRecord(event_id, cid, m.event or "", dict(m.properties or {}), m.occurred_at,
                                            self.now, m.source, m.dedup_key, created=True))

    def finish(self) -> list[EventRecord]:
        self.flush()
        current = self.resolver.current
        if self.resolver.merged_into:
            self.records = [r if current(r.customer_id) == r.customer_id else
                            EventRecord(r.id, current(r.customer_id), r.name, r.properties, r.occurred_at,
                                        r.received_at, r.source, r.dedup_key, created=True) for r in self.records]
        return self.records


class GroupWriter:
    """The writer thread; see the module docstring.

    ``on_done(jobs)`` is called (in the writer thread) after each group with its jobs, every one
    settled; ``on_events(records)`` is called in a separate hand-off thread with the events a
    group stored, after its commit, so a slow receiver never holds up the answers.
    """

    def __init__(self, ws: Workspace, on_done: Callable[[list[Job]], None],
                 on_events: Callable[[list[EventRecord]], None] | None = None):
        self.ws = ws
        self.on_done = on_done
        self.on_events = on_events
        self.stats = WriterStats()
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._handoff: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="collector-writer", daemon=True)
        self._handoff_thread = threading.Thread(target=self._hand_off, name="collector-handoff", daemon=True)
        self._sqlite = ws.engine.dialect.name == "sqlite"
        self._conn: Connection | None = None
        self._restore: dict[str, int] = {}
        #: Groups committed since the last checkpoint.
        self._unchecked = 0
        self._last_checkpoint = time.monotonic()

    def start(self) -> None:
        self._thread.start()
        if self.on_events is not None:
            self._handoff_thread.start()

    def submit(self, job: Job) -> None:
        self._queue.put(job)

    def request_stop(self) -> None:
        """Finish every job submitted before this call, then end (see :meth:`join`)."""
        self._queue.put(_STOP)

    def join(self, timeout: float | None = None) -> None:
        """Wait for the writer to end after :meth:`request_stop`, then for the hand-off thread to
        deliver what it holds."""
        self._thread.join(timeout)
        if self.on_events is not None:
            self._handoff.put(_STOP)
            self._handoff_thread.join(timeout)

    def stop(self, timeout: float | None = None) -> None:
        self.request_stop()
        self.join(timeout)

    # -- the thread ----------------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            self._open()
        except Exception as exc:  # each group tries again, and fails its requests with 503 meanwhile
            log.error("the collector cannot reach the workspace database: %s", exc)
        try:
            self._serve()
        finally:
            self._checkpoint(idle=True)
            self._close()

    def _open(self) -> None:
        """Check out the connection this writer keeps while it runs. On SQLite it gets a larger
        page cache (the event indexes are written at random places, so a small cache rereads
        them) and no automatic checkpoints (:meth:`_checkpoint` runs them between groups, so no
        commit that requests wait for pays for one). Both settings are put back in :meth:`_close`."""
        ws = self.ws
        with ws._write_lock:
            if ws.closed:
                raise JourneyStudioError("the workspace is closed")
            self._conn = ws.engine.connect()
            if self._sqlite:
                raw = self._conn.connection.driver_connection
                self._restore = {name: raw.execute(f"PRAGMA {name}").fetchone()[0]
                                 for name in ("cache_size", "wal_autocheckpoint")}
                raw.execute(f"PRAGMA cache_size = {-CACHE_KIB}")
                raw.execute("PRAGMA wal_autocheckpoint = 0")

    def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if self._sqlite and not self.ws.closed:
                raw = conn.connection.driver_connection
                for name, value in self._restore.items():
                    raw.execute(f"PRAGMA {name} = {int(value)}")
        except Exception as exc:
            log.warning("the collector could not reset its database connection: %s", exc)
            conn.invalidate()
        finally:
            conn.close()

    def _serve(self) -> None:
        stopping = False
        while not stopping:
            try:
                first = self._queue.get(timeout=IDLE_SECONDS if self._sqlite else None)
            except queue.Empty:
                self._checkpoint(idle=True)
                continue
            if first is _STOP:
                break
            jobs: list[Job] = [first]
            size = len(first.messages)
            while size < MAX_GROUP_EVENTS:
                try:
                    job = self._queue.get_nowait()
                except queue.Empty:
                    break
                if job is _STOP:
                    stopping = True
                    break
                jobs.append(job)
                size += len(job.messages)
            records = self._commit(jobs)
            try:
                self.on_done(jobs)
            except Exception:
                log.exception("the collector could not answer a group of requests")
            if records and self.on_events is not None:
                self._handoff.put(records)
            self._checkpoint(idle=False)
        self._checkpoint(idle=True)

    def _commit(self, jobs: list[Job]) -> list[EventRecord]:
        try:
            return self._write(jobs)
        except Exception as exc:
            if len(jobs) == 1:
                self._fail(jobs[0], exc)
                return []
        records: list[EventRecord] = []
        for job in jobs:  # one at a time, so that only the job the database refuses fails
            job.reset()
            try:
                records += self._write([job])
            except Exception as exc:
                self._fail(job, exc)
        return records

    def _write(self, jobs: list[Job]) -> list[EventRecord]:
        for job in jobs:
            job.reset()
        now = utcnow()
        ws = self.ws
        with ws._write_lock:
            if ws.closed:
                raise JourneyStudioError("the workspace is closed")
            if self._conn is None:
                self._open()
            conn = self._conn
            assert conn is not None
            with conn.begin():
                group = _Group(conn, now, sqlite=self._sqlite, want_records=self.on_events is not None)
                group.ws, group.tracking_plan = ws, current_plan(ws)
                group.prepare([m for job in jobs for m in job.messages])
                for job in jobs:
                    for m in job.messages:
                        group.add(m, job)
                records = group.finish()
        self._unchecked += 1
        stats = self.stats
        stats.transactions += 1
        stats.merges += len(group.resolver.merges)
        stats.refused_links += len(group.resolver.refusals)
        for job in jobs:
            stats.committed += job.stored
            stats.duplicates += job.duplicates
            stats.profile_updates += job.profiles
            for source, n in job.by_source.items():
                stats.by_source[source] = stats.by_source.get(source, 0) + n
        return records

    def _checkpoint(self, *, idle: bool) -> None:
        """Copy the write-ahead log into the database file (SQLite): when the queue has been
        empty for a moment, or at least every :data:`CHECKPOINT_EVERY_SECONDS` under steady load.
        A PASSIVE checkpoint never waits for readers; what they still use is copied next time."""
        if not self._sqlite or not self._unchecked:
            return
        now = time.monotonic()
        if not idle and now - self._last_checkpoint < CHECKPOINT_EVERY_SECONDS:
            return
        ws = self.ws
        try:
            with ws._write_lock:
                if ws.closed or self._conn is None:
                    return
                self._conn.connection.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except Exception as exc:  # the next one will try again; the data is safe in the log
            log.warning("the collector could not checkpoint the workspace log: %s", exc)
        self._unchecked = 0
        self._last_checkpoint = now
        self.stats.checkpoints += 1

    def _fail(self, job: Job, exc: Exception) -> None:
        job.reset()
        self.stats.failed_jobs += 1
        refused = isinstance(exc, sa_exc.IntegrityError | sa_exc.DataError)
        job.status = 400 if refused else 503
        # The first line only: a driver's message may quote the data, which is the sender's own.
        detail = str(getattr(exc, "orig", None) or exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        job.error = (f"the workspace refused these events: {detail}" if refused else
                     "the workspace database failed; nothing was stored, send the request again")
        log.error("the collector could not store a request of %d messages: %s: %s", len(job.messages),
                  type(exc).__name__, detail)

    def _hand_off(self) -> None:
        assert self.on_events is not None
        while True:
            records = self._handoff.get()
            if records is _STOP:
                return
            try:
                self.on_events(records)
            except Exception:
                self.stats.handoff_errors += 1
                log.exception("the receiver of new events failed; the events are stored all the same")
