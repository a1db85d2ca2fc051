"""The collector's write queue: one thread that stores what the HTTP side has read, in groups.

Requests are queued as :class:`Job` objects. The writer takes every job waiting (up to
:data:`MAX_GROUP_EVENTS` messages), stores them all in **one transaction** through the workspace's
write lock, commits, and only then reports each job done, so an answer of 200 always means the
job's events are durable (SQLite in WAL mode syncs the log on every commit). While one group is
being committed the next one gathers in the queue: the more requests arrive at once, the more each
commit carries (group commit).

Within a group, messages are applied in the order they arrived: identifiers are looked up once
for the whole group (:class:`~engine.track.identity.IdentityResolver`), then each message
resolves its customer (merging profiles when the identity rules say so), changes the profile's
attributes and adds its event; the rows are written with a few multi-row statements. Dedup keys
are not looked up first: the insert itself shows a repeat of a stored event, and only then is the
group rolled back and written again with its keys looked up (see :class:`_Group`).
On SQLite the event rows go straight to the driver (:mod:`engine.track.collector_sqlite`), every
value prepared by the protocol reader (properties serialised, times as stored text); on other
databases through SQLAlchemy Core. The writer's thread holds up every commit while it runs
Python, so it does as little per event as it can: a few dictionary lookups and one tuple.

The name of the write key a request came with travels with its job (:attr:`Job.write_key`, looked
up once per request). On SQLite the group notes where each run of rows from one key begins and
binds the name once per statement of that run (usually a group has one run: most senders use one
key); the rows stay in order, so the ids handed out still follow them.

On SQLite the writer remembers, from one group to the next, which customer each identifier it met
names (:data:`KNOWN_IDENTIFIERS` at most), so that the customers a group's messages are about are
mostly found without a query. What it remembers is only used while nothing else has written to the
database since the writer's last commit (SQLite's ``data_version`` says so at the start of each
transaction), and it is forgotten after a group that merged profiles or failed.

If a group's transaction fails, each of its jobs is tried again on its own, so one job the
database refuses cannot fail the others: it gets a 400 when the database refused its data, a 503
when the database itself failed (the sender should try again).

The writer keeps one connection checked out while it runs. On SQLite that connection has a larger
page cache (:data:`CACHE_KIB`: the two event indexes are written at random places), no
automatic checkpoints and no foreign-key checks (see :meth:`GroupWriter._open` for why none is
needed). The writer copies the write-ahead log into the database file itself, so that no commit
requests are waiting on pays for a checkpoint: when arrivals pause (:data:`IDLE_SECONDS`), and
every :data:`CHECKPOINT_EVERY_SECONDS` under steady load. Then most of the copying is done by a
thread and connection of its own (:class:`_Checkpointer`) while the writer goes on committing, and
the writer copies only what its last groups added, so that the log starts again from its
beginning. Every write, the writer's checkpoints included, holds the workspace's write lock.
"""

from __future__ import annotations

import logging
import queue
import sqlite3
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
from engine.track.collector_messages import (
    IGNORED_REASONS,
    NO_SUCH_PROFILE,
    TAG_OPS,
    Message,
    add_tags,
    apply_consent,
    apply_profile,
)
from engine.track.collector_sqlite import insert_rows, select_in, sqlite_time
from engine.track.identity import IdentityResolver, Pair, ordered
from engine.track.tracking_plan import TrackingPlan, ViolationTally, current_plan, note_arrivals

if TYPE_CHECKING:
    from engine.store.workspace import Workspace

log = logging.getLogger("journey_studio.collector")

#: Messages stored in one transaction at most.
MAX_GROUP_EVENTS = 5_000
#: A pause in arrivals this long (seconds) counts as idle: time to checkpoint (SQLite).
IDLE_SECONDS = 0.05
#: Under steady load, checkpoint at least this often (seconds). Measured with ``bench/collector.py``
#: (batches): every 10 s the log grew to gigabytes of newly allocated file and the writer stored
#: 36,000 to 40,000 events/s; every 2 s the log starts again from its beginning while its pages are
#: still in the system's cache, 45,000 to 50,000; every second, the copying took more than it saved.
CHECKPOINT_EVERY_SECONDS = 2.0
#: Under steady load the log is copied by a thread of its own, pass after pass, until a pass takes
#: less than this (seconds); the writer then copies the rest itself, between two groups.
CATCH_UP_SECONDS = 0.05
#: Page cache of the writer's SQLite connection, in KiB.
CACHE_KIB = 64 * 1024
LOOKUP_CHUNK = 500
#: Identifiers whose customer the writer remembers between groups (SQLite), at most.
KNOWN_IDENTIFIERS = 100_000

_events = EventRow.__table__
_customers = CustomerRow.__table__
#: The columns of the event rows the writer makes; ``received_at`` is the same for a whole group and
#: ``write_key`` for each run of rows from requests sent with one key (bound once per statement).
_EVENT_COLUMNS = ("customer_id", "name", "properties", "occurred_at", "source", "dedup_key")
_STOP = object()
#: Profile operations that only take away: on a profile no one has, there is nothing to do.
_CLEARING = frozenset({"delete", "unset"})


@dataclass(eq=False, slots=True)
class Job:
    """One request's messages; ``done(job)`` is called once they are committed (or refused)."""

    messages: list[Message]
    done: Callable[[Job], None]
    #: The name of the write key the request came with, stored with each of its events
    #: (``None``: a key without a name).
    write_key: str | None = None
    #: Per message, its event row made when the job was submitted, if the writer then knew the
    #: customer (see :meth:`GroupWriter.submit`); used only while ``generation`` still holds.
    prepared: list[tuple[Any, ...] | None] | None = None
    generation: int = -1
    stored: int = 0
    duplicates: int = 0
    profiles: int = 0
    #: 0 while all is well; 400 or 503 when the job could not be stored.
    status: int = 0
    error: str = ""
    by_source: dict[str, int] = field(default_factory=dict)
    #: Messages whose profile change was left undone, per reason
    #: (:data:`~engine.track.collector_messages.IGNORED_REASONS`), with the attribute of the first.
    ignored: dict[str, int] | None = None
    ignored_example: dict[str, str] | None = None

    def reset(self) -> None:
        self.stored = self.duplicates = self.profiles = 0
        self.by_source = {}
        self.ignored = self.ignored_example = None

    def ignore(self, reason: str, attribute: str = "") -> None:
        """Count a message whose profile change was left undone for ``reason``."""
        if self.ignored is None:
            self.ignored, self.ignored_example = {}, {}
        self.ignored[reason] = self.ignored.get(reason, 0) + 1
        assert self.ignored_example is not None
        self.ignored_example.setdefault(reason, attribute)


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
    #: Messages whose profile change was left undone, per reason (see :meth:`Job.ignore`).
    ignored: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class Stored:
    """The events one transaction stored, for the hand-over: turned into records by
    :meth:`records`, which the hand-off thread calls, so that the writer's thread does not."""

    now: datetime
    #: New event ids with the customer, message and write key name of each, in order.
    batches: list[tuple[list[int], list[tuple[str, Message, str | None]]]] = field(default_factory=list)
    #: Customers merged in the transaction → the customer they were merged into.
    merged_into: dict[str, str] = field(default_factory=dict)

    def records(self) -> list[EventRecord]:
        merged, now = self.merged_into, self.now
        found: list[EventRecord] = []
        for ids, events in self.batches:
            for event_id, (cid, m, write_key) in zip(ids, events, strict=True):
                while cid in merged:  # stored before a merge in the same transaction moved it
                    cid = merged[cid]
                found.append(EventRecord(event_id, cid, m.event or "", dict(m.properties or {}), m.occurred_at,
                                         now, m.source, m.dedup_key, created=True, write_key=write_key))
        return found


class DuplicatesStored(Exception):
    """Raised inside a group's transaction written without looking its dedup keys up first, when
    one of its events turns out to be stored already: the transaction is rolled back and the group
    written again, looking them up (see :meth:`GroupWriter._write`)."""


class _Group:
    """The work of one transaction.

    ``careful``: look the group's dedup keys up before anything is written. Otherwise (SQLite
    only) the events go in with ``INSERT OR IGNORE``, whose count of rows inserted shows whether a
    key was stored already; if one was, :class:`DuplicatesStored` is raised. That saves a lookup
    per event when, as almost always, no event is a repeat of a stored one."""

    def __init__(self, conn: Connection, now: datetime, *, sqlite: bool, want_records: bool,
                 ws: Workspace | None = None, tracking_plan: TrackingPlan | None = None,
                 careful: bool = True):
        self.conn = conn
        self.ws = ws
        self.tracking_plan = tracking_plan
        self.now = now
        self.want_records = want_records
        self.resolver = IdentityResolver(conn, now, before_merge=self.flush)
        self.raw = conn.connection.driver_connection if sqlite else None
        self.careful = careful or self.raw is None
        #: On SQLite the event rows as inserted (values in :data:`_EVENT_COLUMNS` order).
        self.rows: list[tuple[Any, ...]] = []
        #: Where each run of rows sent with one write key begins in :attr:`rows`: (index, key name).
        self.key_runs: list[tuple[int, str | None]] = []
        #: The write key name of the job being added (a run starts again with it after a flush).
        self._write_key: str | None = None
        #: The customer, message and write key name of each event, when something needs more than
        #: the row: the tracking plan, the hand-over of records, a database other than SQLite.
        self.events: list[tuple[str, Message, str | None]] = []
        self.keep_events = want_records or bool(tracking_plan) or not sqlite
        self.attributes: dict[str, dict[str, Any]] = {}
        #: Consent records and tags of the customers in ``attributes`` (all written by ``flush``).
        self.consents: dict[str, dict[str, bool]] = {}
        self.tags: dict[str, list[str]] = {}
        self.dirty: set[str] = set()
        #: Time zones the group's messages gave customers stored before it (customer → zone).
        self.zones: dict[str, str] = {}
        self.seen: set[str] = set()
        self.stored_keys: set[str] = set()
        #: Identifiers whose customer the caller vouched for (see :meth:`prepare`); the resolver
        #: holds those of this transaction, and takes these over when it needs them.
        self.known: dict[Pair, str] = {}
        self.stored = Stored(now)
        self._received = sqlite_time(now) if sqlite else None

    def prepare(self, jobs: list[Job], known: dict[Pair, str] | None = None, generation: int = -1) -> None:
        """Look up the identifiers of the jobs' messages (and dedup keys, when careful); ``known``:
        identifiers whose customer the caller vouches for in this transaction (not looked up
        again); rows prepared at ``generation`` need nothing looked up."""
        messages = [m for job in jobs for m in job.messages]
        if self.careful:
            keys = sorted({m.dedup_key for m in messages if m.dedup_key is not None})
            for start in range(0, len(keys), LOOKUP_CHUNK):
                chunk = keys[start:start + LOOKUP_CHUNK]
                if self.raw is not None:
                    self.stored_keys.update(row[0] for row in select_in(self.raw, ("dedup_key",), "events",
                                                                        "dedup_key", chunk))
                else:
                    self.stored_keys.update(self.conn.scalars(
                        select(_events.c.dedup_key).where(_events.c.dedup_key.in_(chunk))))
        self.known = known or {}
        known = self.known
        pairs: list[Pair] = []
        for job in jobs:
            if job.prepared is not None and job.generation == generation >= 0:
                pairs += [pair for m, row in zip(job.messages, job.prepared, strict=True) if row is None
                          for pair in m.identifiers if pair not in known]
            else:
                pairs += [pair for m in job.messages for pair in m.identifiers if pair not in known]
        for m in messages:
            if m.previous_id is not None:
                pairs += [("user_id", m.previous_id), ("anonymous_id", m.previous_id)]
        self.resolver.load(pairs)

    def add_job(self, job: Job, generation: int = -1) -> None:
        """Apply a job's messages in order. The loop is written out for the usual message (one
        identifier already known, an event): this is the writer's Python work per event. Rows
        prepared at ``generation`` (see :meth:`GroupWriter.submit`) are taken as they are."""
        stored_keys, seen, rows, events = self.stored_keys, self.seen, self.rows, self.events
        resolver = self.resolver
        owner, known, merged = resolver.owner, self.known, resolver.merged_into
        keep_events, sqlite = self.keep_events, self.raw is not None
        stored = duplicates = 0
        by_source = job.by_source
        write_key = self._write_key = job.write_key
        if sqlite and (not self.key_runs or self.key_runs[-1][1] != write_key):
            self.key_runs.append((len(rows), write_key))
        prepared = job.prepared if job.generation == generation and generation >= 0 and sqlite else None
        for index, m in enumerate(job.messages):
            key = m.dedup_key
            if key is not None:
                if key in seen or key in stored_keys:
                    duplicates += 1
                    continue
                seen.add(key)
            row = prepared[index] if prepared is not None else None
            if row is not None:
                customer_id = row[0]
                if merged:  # the customer may have been merged into another earlier in this group
                    current = resolver.current(customer_id)
                    if current != customer_id:
                        customer_id, row = current, (current, *row[1:])
                rows.append(row)
                if keep_events:
                    events.append((customer_id, m, write_key))
                stored += 1
                by_source[m.source] = by_source.get(m.source, 0) + 1
                continue
            pairs = m.identifiers
            customer_id = None
            if len(pairs) == 1 and m.previous_id is None:
                customer_id = owner.get(pairs[0])
                if customer_id is None:
                    customer_id = known.get(pairs[0])
                    if customer_id is not None and merged:
                        customer_id = resolver.current(customer_id)
            if customer_id is None:
                if m.profile and m.event is None and self._of_no_one(m):
                    job.ignore(NO_SUCH_PROFILE)  # nothing to clear, and no one to make for it
                    continue
                customer_id = self._resolve(m)
                if rows is not self.rows:  # a merge wrote what was held back (and began a run again)
                    rows, events = self.rows, self.events
            if m.profile or m.consent or m.time_zone:
                job.profiles += 1
                self._change_profile(customer_id, m, job)
            if m.event is not None:
                if sqlite:
                    rows.append((customer_id, m.event, m.properties_json, m.occurred_text, m.source, key))
                if keep_events:
                    events.append((customer_id, m, write_key))
                stored += 1
                by_source[m.source] = by_source.get(m.source, 0) + 1
        job.stored += stored
        job.duplicates += duplicates

    def _of_no_one(self, m: Message) -> bool:
        """Whether ``m`` only clears a profile (Sensors ``profile_delete``, ``profile_unset``) that
        none of its identifiers names: then no customer is made for it."""
        if m.consent or m.time_zone or m.previous_id is not None or any(op not in _CLEARING for op, _ in m.profile):
            return False
        resolver, known = self.resolver, self.known
        return not any(resolver.owner_of(pair) is not None or pair in known for pair in m.identifiers)

    def _resolve(self, m: Message) -> str:
        resolver = self.resolver
        pairs = m.identifiers
        owner, known = resolver.owner, self.known
        for pair in pairs:  # the rules need the owner of every identifier given
            if pair not in owner and pair in known:
                owner[pair] = resolver.current(known[pair])
        if m.previous_id is not None:
            previous = ("user_id", m.previous_id)
            if resolver.owner_of(previous) is None:
                previous = ("anonymous_id", m.previous_id)
            return resolver.resolve(ordered((*pairs, previous)), reason=m.reason, force=True)
        return resolver.resolve(pairs, reason=m.reason)

    def _change_profile(self, customer_id: str, m: Message, job: Job) -> None:
        skipped: list[tuple[str, str]] = []
        tagged = any(op in TAG_OPS for op, _ in m.profile)
        row = self.resolver.new_customer_row(customer_id)
        if row is not None:
            row["attributes"] = apply_profile(row["attributes"], m.profile, skipped)
            row["consent"] = apply_consent(row["consent"], m.consent, m.consent_once)
            if tagged:
                row["tags"] = add_tags(row["tags"], m.profile) or row["tags"]
            if m.time_zone:
                row["time_zone"] = m.time_zone
            self._skipped(job, skipped)
            return
        if m.time_zone:
            self.zones[customer_id] = m.time_zone
        if not m.profile and not m.consent:
            return
        current = self.attributes.get(customer_id)
        if current is None:
            stored = self.conn.execute(select(_customers.c.attributes, _customers.c.consent, _customers.c.tags)
                                       .where(_customers.c.id == customer_id)).one()
            current = stored.attributes or {}
            self.consents[customer_id] = stored.consent or {}
            self.tags[customer_id] = list(stored.tags or ())
        self.attributes[customer_id] = apply_profile(current, m.profile, skipped)
        self.consents[customer_id] = apply_consent(self.consents[customer_id], m.consent, m.consent_once)
        if tagged:
            self.tags[customer_id] = add_tags(self.tags[customer_id], m.profile) or self.tags[customer_id]
        self.dirty.add(customer_id)
        self._skipped(job, skipped)

    @staticmethod
    def _skipped(job: Job, skipped: list[tuple[str, str]]) -> None:
        """Count a message once per reason its changes were left undone for."""
        for reason in dict.fromkeys(reason for reason, _attribute in skipped):
            job.ignore(reason, next(attribute for r, attribute in skipped if r == reason))

    def flush(self) -> None:
        """Write everything held back (called before a merge and at the end)."""
        self.resolver.flush()
        if self.dirty:
            self.conn.execute(
                update(_customers).where(_customers.c.id == bindparam("cid"))
                .values(attributes=bindparam("attrs"), consent=bindparam("given"), tags=bindparam("tagged"),
                        updated_at=self.now),
                [{"cid": cid, "attrs": self.attributes[cid], "given": self.consents[cid], "tagged": self.tags[cid]}
                 for cid in sorted(self.dirty)])
        if self.zones:
            self.conn.execute(
                update(_customers).where(_customers.c.id == bindparam("cid")).values(time_zone=bindparam("zone")),
                [{"cid": cid, "zone": zone} for cid, zone in sorted(self.zones.items())])
        self.attributes.clear()
        self.consents.clear()
        self.tags.clear()
        self.dirty.clear()
        self.zones.clear()
        rows, self.rows = self.rows, []
        runs, self.key_runs = self.key_runs, [(0, self._write_key)]
        events, self.events = self.events, []
        if not rows and not events:
            return
        plan = self.tracking_plan
        tally: ViolationTally | None = None
        if plan:
            # Counted against the tracking plan in the transaction that stores the events, each
            # event against the declarations for its source and write key.
            tally = ViolationTally(plan)
            add = tally.add
            for index, (_cid, m, write_key) in enumerate(events):
                add(m.event, m.properties, index, m.source, write_key)
        # The new events' ids: for the hand-over, and for the example of each violation (the stored
        # event it points at, so that it goes with its customer) and the note of a new plan.
        need_ids = self.want_records or (tally is not None and (bool(tally.entries) or not plan.arrivals_noted))
        ids: list[int] = []
        if self.raw is not None:
            raw = self.raw
            before = raw.execute("SELECT max(id) FROM events").fetchone()[0] if need_ids else 0
            try:
                ends = [start for start, _key in runs[1:]] + [len(rows)]
                for (start, write_key), end in zip(runs, ends, strict=True):
                    insert_rows(raw, "events", _EVENT_COLUMNS, rows[start:end] if len(runs) > 1 else rows,
                                {"received_at": self._received, "write_key": write_key})
            except sqlite3.IntegrityError:
                if self.careful:
                    raise
                raise DuplicatesStored() from None  # the only constraint a checked row can break
            if need_ids:
                # Row ids are handed out in order, one after the other, to the single writer holding
                # the lock: the new rows are the ids after the largest one before.
                low, high, count = raw.execute("SELECT min(id), max(id), count(*) FROM events WHERE id > ?",
                                               (before or 0,)).fetchone()
                ids = list(range(low, high + 1)) if count == high - low + 1 else \
                    [row[0] for row in raw.execute("SELECT id FROM events WHERE id > ? ORDER BY id", (before or 0,))]
        else:
            values = [{"customer_id": cid, "name": m.event, "properties": m.properties or {},
                       "occurred_at": m.occurred_at, "received_at": self.now, "source": m.source,
                       "dedup_key": m.dedup_key, "write_key": write_key} for cid, m, write_key in events]
            if need_ids:
                ids = list(self.conn.execute(insert(_events).returning(_events.c.id, sort_by_parameter_order=True),
                                             values).scalars())
            else:
                self.conn.execute(insert(_events), values)
        if need_ids and len(ids) != len(events):
            raise RuntimeError(f"stored {len(events)} events but found {len(ids)} new ids")
        if tally is not None and plan is not None:
            tally.write(self.conn, self.now, ids.__getitem__)
            note_arrivals(self.conn, plan, ids[0] if ids else None, len(events))
        if self.want_records:
            self.stored.batches.append((ids, events))

    def finish(self) -> Stored:
        self.flush()
        self.stored.merged_into = self.resolver.merged_into
        return self.stored


class _Checkpointer:
    """Copies the write-ahead log into the database file from a thread and a connection of its
    own, when asked (:meth:`start_pass`), while the writer goes on committing: a PASSIVE checkpoint
    takes no write lock, and SQLite lets it run beside a writer."""

    def __init__(self, ws: Workspace):
        self.ws = ws
        #: A pass was asked for and its outcome not yet taken (:meth:`take`).
        self.asked = False
        #: How long the last pass took (seconds).
        self.seconds = 0.0
        self._wake = threading.Event()
        self._done = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="collector-checkpoint", daemon=True)
        self._thread.start()

    def start_pass(self) -> None:
        self.asked = True
        self._done.clear()
        self._wake.set()

    def take(self) -> float | None:
        """How long the pass asked for took, once it is over (``None`` while it runs)."""
        if not self.asked or not self._done.is_set():
            return None
        self.asked = False
        return self.seconds

    def stop(self) -> None:
        """End the thread, after the pass under way."""
        self._stopping = True
        self._wake.set()
        self._thread.join()
        self.asked = False

    def _run(self) -> None:
        conn: Connection | None = None
        try:
            while True:
                self._wake.wait()
                self._wake.clear()
                if self._stopping:
                    return
                started = time.monotonic()
                try:
                    if conn is None:
                        conn = self.ws.engine.connect()
                    conn.connection.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except Exception as exc:  # the writer's own checkpoint copies what this did not
                    log.warning("the collector could not copy the workspace log: %s", exc)
                self.seconds = time.monotonic() - started
                self._done.set()
        finally:
            if conn is not None:
                conn.close()


#: A request the workspace could not store is logged at most once in this many seconds (the others
#: are counted in the next line): while a database server is down, every request fails.
FAIL_LOG_EVERY_S = 30.0


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
        #: When a failed request was last logged, and the failures since (see :data:`FAIL_LOG_EVERY_S`).
        self._failure_logged_at = -FAIL_LOG_EVERY_S
        self._unlogged_failures = 0
        #: The same for messages left undone, per reason (see :meth:`_note_ignored`).
        self._ignored_logged_at: dict[str, float] = {}
        self._unlogged_ignored: dict[str, int] = {}
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._handoff: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="collector-writer", daemon=True)
        self._handoff_thread = threading.Thread(target=self._hand_off, name="collector-handoff", daemon=True)
        self._sqlite = ws.engine.dialect.name == "sqlite"
        self._conn: Connection | None = None
        self._restore: dict[str, int] = {}
        #: Identifier → customer, as of the writer's last commit (SQLite; see the module docstring).
        self._known: dict[Pair, str] = {}
        #: Moves on each time :attr:`_known` is forgotten (see :meth:`submit`).
        self._generation = 0
        #: The tracking plan as of the writer's last commit (SQLite; ``None``: read it again).
        self._plan: TrackingPlan | None = None
        #: SQLite's ``data_version`` after the writer's last commit (``None``: nothing known).
        self._data_version: int | None = None
        #: Look dedup keys up before writing (the last group met events stored already).
        self._careful = False
        #: Groups committed since the last checkpoint.
        self._unchecked = 0
        self._last_checkpoint = time.monotonic()
        self._checkpointer: _Checkpointer | None = None

    def start(self) -> None:
        self._thread.start()
        if self.on_events is not None:
            self._handoff_thread.start()

    def submit(self, job: Job) -> None:
        """Queue a job (from the thread reading requests). On SQLite, the event rows of its usual
        messages (one identifier whose customer the writer knows, an event) are made here, so
        that this work is done by the submitting thread while the writer's is inside SQLite;
        the writer takes them if what it knows has not been forgotten since (``generation``)."""
        if self._sqlite:
            # The generation first: the writer forgets, then moves to the next generation, so rows
            # made from what it is forgetting carry the old one.
            generation = self._generation
            known = self._known
            prepared: list[tuple[Any, ...] | None] = []
            for m in job.messages:
                pairs = m.identifiers
                customer_id = known.get(pairs[0]) if (
                    len(pairs) == 1 and m.event is not None and not m.profile and not m.consent
                    and m.previous_id is None) else None
                prepared.append(None if customer_id is None else
                                (customer_id, m.event, m.properties_json, m.occurred_text, m.source, m.dedup_key))
            job.prepared, job.generation = prepared, generation
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
            if self._checkpointer is not None:
                self._checkpointer.stop()
            self._checkpoint(idle=True)
            self._close()

    def _open(self) -> None:
        """Check out the connection this writer keeps while it runs. On SQLite it gets a larger
        page cache (the event indexes are written at random places, so a small cache rereads
        them), no automatic checkpoints (:meth:`_checkpoint` runs them between groups, so no
        commit that requests wait for pays for one) and no foreign-key checks. The settings are
        put back in :meth:`_close`.

        Foreign keys: the writer only ever writes customer ids it found in ``identifiers`` or made
        itself in the same transaction (:class:`~engine.track.identity.IdentityResolver`), or that
        it found in an earlier transaction of its own when nothing else has written since (the
        ``data_version`` check in :meth:`_write`); and a merge moves every row that refers to the
        merged profile before deleting it (:func:`~engine.track.identity.merge_in_transaction`),
        so there is nothing for a cascade to delete. Checking each event's customer again costs
        a lookup per row; the test suite checks ``PRAGMA foreign_key_check`` after ingesting."""
        ws = self.ws
        with ws._write_lock:
            if ws.closed:
                raise JourneyStudioError("the workspace is closed")
            self._conn = ws.engine.connect()
            self._forget()
            if self._sqlite:
                raw = self._conn.connection.driver_connection
                self._restore = {name: raw.execute(f"PRAGMA {name}").fetchone()[0]
                                 for name in ("cache_size", "wal_autocheckpoint", "foreign_keys")}
                raw.execute(f"PRAGMA cache_size = {-CACHE_KIB}")
                raw.execute("PRAGMA wal_autocheckpoint = 0")
                raw.execute("PRAGMA foreign_keys = OFF")

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
            stored = self._commit(jobs)
            try:
                self.on_done(jobs)
            except Exception:
                log.exception("the collector could not answer a group of requests")
            if self.on_events is not None and any(part.batches for part in stored):
                self._handoff.put(stored)
            self._checkpoint(idle=False)
        self._checkpoint(idle=True)

    def _commit(self, jobs: list[Job]) -> list[Stored]:
        try:
            return [self._write(jobs)]
        except Exception as exc:
            if len(jobs) == 1:
                self._fail(jobs[0], exc)
                return []
        stored: list[Stored] = []
        for job in jobs:  # one at a time, so that only the job the database refuses fails
            job.reset()
            try:
                stored.append(self._write([job]))
            except Exception as exc:
                self._fail(job, exc)
        return stored

    def _write(self, jobs: list[Job]) -> Stored:
        """Store the jobs in one transaction. Dedup keys are not looked up first (see
        :class:`_Group`) unless the last group met stored duplicates; when this one does, it is
        rolled back and written again, looking them up."""
        try:
            return self._write_once(jobs, careful=self._careful)
        except DuplicatesStored:
            self._careful = True
            return self._write_once(jobs, careful=True)

    def _write_once(self, jobs: list[Job], *, careful: bool) -> Stored:
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
            plan: TrackingPlan | None = None
            try:
                with conn.begin():
                    known, plan = self._still_known(conn)
                    group = _Group(conn, now, sqlite=self._sqlite, want_records=self.on_events is not None,
                                   ws=ws, tracking_plan=plan, careful=careful)
                    generation = self._generation
                    group.prepare(jobs, known, generation)
                    for job in jobs:
                        group.add_job(job, generation)
                    stored = group.finish()
            except BaseException:
                self._forget()
                raise
            self._remember(group.resolver)
        if careful:
            # Looking keys up pays while senders repeat stored events; once a group meets none,
            # the next one goes without.
            self._careful = bool(group.stored_keys)
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
            if job.ignored:
                self._note_ignored(job)
        return stored

    def _note_ignored(self, job: Job) -> None:
        """Count (and log, at most once per reason every :data:`FAIL_LOG_EVERY_S`) the messages of a
        committed job whose profile change was left undone. The log names the attribute, never a
        value or a customer."""
        assert job.ignored is not None and job.ignored_example is not None
        now = time.monotonic()
        for reason, n in job.ignored.items():
            self.stats.ignored[reason] = self.stats.ignored.get(reason, 0) + n
            self._unlogged_ignored[reason] = self._unlogged_ignored.get(reason, 0) + n
            if now - self._ignored_logged_at.get(reason, -FAIL_LOG_EVERY_S) < FAIL_LOG_EVERY_S:
                continue
            count = self._unlogged_ignored.pop(reason)
            attribute = job.ignored_example.get(reason) or ""
            log.warning("the collector ignored %d message%s: %s%s", count, "" if count == 1 else "s",
                        IGNORED_REASONS.get(reason, reason), f" (attribute '{attribute[:100]}')" if attribute else "")
            self._ignored_logged_at[reason] = now

    def _still_known(self, conn: Connection) -> tuple[dict[Pair, str] | None, TrackingPlan]:
        """In a group's transaction: what the writer remembers of identifiers, and the tracking
        plan. On SQLite both are kept from the writer's last commit while no other connection has
        committed since (``data_version`` is unchanged), as then nothing can have changed them;
        otherwise the identifiers are forgotten and the plan is read again."""
        if not self._sqlite:
            return None, current_plan(self.ws)
        version = conn.connection.driver_connection.execute("PRAGMA data_version").fetchone()[0]
        if version != self._data_version or self._plan is None or len(self._known) > KNOWN_IDENTIFIERS:
            self._forget()
            self._plan = current_plan(self.ws)
            self._data_version = version
        return self._known, self._plan

    def _remember(self, resolver: IdentityResolver) -> None:
        """After a commit: remember the owners of the group's identifiers. A merge moves
        identifiers the writer may remember for other profiles, so after one it starts afresh."""
        if not self._sqlite:
            return
        if resolver.merges:
            self._forget()
        else:
            self._known.update(resolver.owner)

    def _forget(self) -> None:
        self._known.clear()
        self._generation += 1  # after forgetting: see submit()
        self._plan = None
        self._data_version = None

    def _checkpoint(self, *, idle: bool) -> None:
        """Copy the write-ahead log into the database file (SQLite): when the queue has been
        empty for a moment, or at least every :data:`CHECKPOINT_EVERY_SECONDS` under steady load
        (see the module docstring). A PASSIVE checkpoint never waits for readers; what they still
        use is copied next time."""
        if not self._sqlite or not self._unchecked:
            return
        background = self._checkpointer
        if background is not None and background.asked:
            took = background.take()
            if took is None:
                return  # still copying
            if took > CATCH_UP_SECONDS and not idle:
                background.start_pass()  # what the groups committed meanwhile
                return
        elif not idle:
            if time.monotonic() - self._last_checkpoint < CHECKPOINT_EVERY_SECONDS:
                return
            if background is None:
                background = self._checkpointer = _Checkpointer(self.ws)
            background.start_pass()
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
        self._last_checkpoint = time.monotonic()
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
        # Once every FAIL_LOG_EVERY_S at most: while a database server is down, every request fails.
        now = time.monotonic()
        self._unlogged_failures += 1
        if now - self._failure_logged_at >= FAIL_LOG_EVERY_S:
            count = len(job.messages)
            more = self._unlogged_failures - 1
            log.error("the collector could not store a request of %d message%s: %s: %s%s", count,
                      "" if count == 1 else "s", type(exc).__name__, detail,
                      f" ({more} more request{'' if more == 1 else 's'} failed since the last such line)"
                      if more else "")
            self._failure_logged_at, self._unlogged_failures = now, 0

    def _hand_off(self) -> None:
        assert self.on_events is not None
        while True:
            stored = self._handoff.get()
            if stored is _STOP:
                return
            records = [record for part in stored for record in part.records()]
            if not records:
                continue
            try:
                self.on_events(records)
            except Exception:
                self.stats.handoff_errors += 1
                log.exception("the receiver of new events failed; the events are stored all the same")
