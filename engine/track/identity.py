"""Identity: which customer a message is about, and merging an anonymous profile into a known one.

A customer is recognised by identifiers, ``(kind, value)`` pairs (``user_id``, ``anonymous_id``,
``distinct_id``, ``email``, ``phone``, ``custom:<name>``); one pair names at most one customer
(:mod:`engine.store.customers`). The collector, ``identify``, ``alias`` and ``track_signup`` hand
this module *several* identifiers at once, which may name different customers; these rules decide
what happens then (``docs/identity.md`` says the same for users):

1. **Strength.** Identifiers are ordered ``user_id`` > ``email`` > ``phone`` > ``custom:*`` >
   ``distinct_id`` > ``anonymous_id``. The strongest identifier of a message names its *subject*;
   the others are *linked* to it.
2. **Attach.** A linked identifier that names nobody yet is attached to the subject's profile.
3. **One user id per profile.** ``user_id`` is the only exclusive kind: a profile holds at most one
   user id. An identifier is never attached, and a profile never merged, if that would give a
   profile a second user id. Such a link is *refused*: the message still lands on its subject, the
   refused identifier stays where it was, and the refusal is counted. (A shared computer: the
   anonymous id of a browser that a second person signs in on stays with the first person.)
   Anonymous kinds (``anonymous_id``, ``distinct_id``) and e-mail, phone and custom identifiers may
   have many values per profile (several devices, several addresses).
4. **Merge.** When a linked identifier names another profile and rule 3 allows it, that profile is
   merged into the subject's profile (the *kept* one). If the subject identifier itself names
   nobody yet, the linked profile becomes the subject (it is given the new identifier) instead of a
   new profile being made. ``alias`` (and an explicit :func:`merge_customers`) forces the merge
   even when both profiles hold a user id: the user said they are one person.
5. **What a merge moves.** Every identifier, event, journey run, delivery, segment membership and
   opt-out of the merged profile moves to the kept one, in one transaction, and the merged profile
   is deleted. The merge is recorded in ``identity_merges`` (kept id, merged id, the identifiers
   that were moved and those that linked them, the runs ended, the reason).
6. **Attributes**: the kept profile's values win; the merged profile fills the gaps. **Tags**: the
   union. **Time zone**: the kept profile's, else the merged one's. **Consent**: per channel kind
   the most restrictive answer wins: a refusal (``False``) on either side is kept; a channel kind
   is consented (``True``) only if one side said so and neither refused.
7. **Journey runs.** Runs move with their customer. If both profiles have an open run (not
   ``done``) of the same journey in the same mode, the kept profile's run goes on and the merged
   profile's run is ended where it stands: status ``done``, a step-log line saying why and which
   run continues, and the node's counters moved from *active* to *exited*, so the counting rules
   of the runner still hold. Finished runs are all kept, so re-entry rules see the whole history.

Everything here runs inside the caller's transaction (:class:`IdentityResolver`,
:func:`merge_in_transaction`) or is one short transaction of its own (the module functions).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, insert, select, update

from engine.document import new_id
from engine.errors import CustomerDataInvalid, NotFound
from engine.store.customers import EXCLUSIVE_KINDS, check_attributes, check_identifier, update_attributes
from engine.store.models import (
    CustomerRow,
    DeliveryRow,
    EventRow,
    IdentifierRow,
    IdentityMergeRow,
    NodeCounterRow,
    OptOutRow,
    RunRow,
    SegmentMemberRow,
    StepRow,
    utcnow,
)
from engine.track.collector_sqlite import insert_rows, select_in, sqlite_time, update_in

if TYPE_CHECKING:
    from engine.store.workspace import Workspace

Pair = tuple[str, str]

#: Kinds that may name an anonymous visitor (a browser, a device); never exclusive.
ANONYMOUS_KINDS = frozenset({"anonymous_id", "distinct_id"})
_RANK = {"user_id": 0, "email": 1, "phone": 2, "distinct_id": 4, "anonymous_id": 5}
_CUSTOM_RANK = 3
#: Reasons recorded in ``identity_merges``.
REASONS = ("identify", "alias", "track_signup", "link", "manual")

_customers = CustomerRow.__table__
_identifiers = IdentifierRow.__table__
_runs = RunRow.__table__
_steps = StepRow.__table__
_counters = NodeCounterRow.__table__
_deliveries = DeliveryRow.__table__
_members = SegmentMemberRow.__table__
_opt_outs = OptOutRow.__table__
_merges = IdentityMergeRow.__table__
_events = EventRow.__table__


LOOKUP_CHUNK = 500
_CUSTOMER_COLUMNS = ("id", "attributes", "time_zone", "consent", "tags", "created_at", "updated_at")
_IDENTIFIER_COLUMNS = ("kind", "value", "customer_id")


def rank(kind: str) -> int:
    """The strength of an identifier kind: lower is stronger (rule 1)."""
    return _RANK.get(kind, _CUSTOM_RANK)


def ordered(pairs: Iterable[Pair]) -> tuple[Pair, ...]:
    """The pairs strongest first, without repeats (the order among equals is kept)."""
    unique = list(dict.fromkeys(pairs))
    return tuple(sorted(unique, key=lambda pair: rank(pair[0])))


@dataclass(frozen=True)
class MergeRecord:
    """One profile merged into another, as recorded in ``identity_merges``."""

    kept_customer_id: str
    merged_customer_id: str
    #: The identifiers that moved from the merged profile to the kept one.
    moved: tuple[Pair, ...]
    #: The identifiers given together that caused the merge.
    linked_by: tuple[Pair, ...]
    #: Runs of the merged profile ended because the kept profile had an open run of the same
    #: journey in the same mode.
    ended_runs: tuple[str, ...]
    reason: str
    at: datetime


@dataclass(frozen=True)
class Refusal:
    """A link rule 3 refused: ``pair`` stays with ``owner`` instead of joining ``subject``."""

    pair: Pair
    owner: str
    subject: str | None
    reason: str


# ----------------------------------------------------------------------------------------------
# The merge itself
# ----------------------------------------------------------------------------------------------

def merge_consent(kept: dict[str, bool], merged: dict[str, bool]) -> dict[str, bool]:
    """Rule 6 for consent: a refusal on either side wins; otherwise a consent on either side."""
    result: dict[str, bool] = {}
    for channel in sorted(set(kept) | set(merged)):
        answers = [a for a in (kept.get(channel), merged.get(channel)) if a is not None]
        if answers:
            result[channel] = all(answers)
    return result


def merge_in_transaction(conn: Connection, kept: str, merged: str, *, now: datetime, reason: str,
                         linked_by: Sequence[Pair] = ()) -> MergeRecord:
    """Merge profile ``merged`` into ``kept`` on ``conn`` (rules 5 to 7); the caller commits."""
    if kept == merged:
        raise ValueError("a profile cannot be merged into itself")
    rows = {r.id: r for r in conn.execute(
        select(_customers.c.id, _customers.c.attributes, _customers.c.consent, _customers.c.tags,
               _customers.c.time_zone).where(_customers.c.id.in_((kept, merged))))}
    for customer_id in (kept, merged):
        if customer_id not in rows:
            raise NotFound(f"there is no customer with id '{customer_id}'")
    k, m = rows[kept], rows[merged]

    moved = tuple(sorted((kind, value) for kind, value in conn.execute(
        select(_identifiers.c.kind, _identifiers.c.value).where(_identifiers.c.customer_id == merged))))
    conn.execute(update(_identifiers).where(_identifiers.c.customer_id == merged).values(customer_id=kept))
    conn.execute(update(_events).where(_events.c.customer_id == merged).values(customer_id=kept))

    ended = _end_duplicate_runs(conn, kept, merged, now)
    conn.execute(update(_runs).where(_runs.c.customer_id == merged).values(customer_id=kept))
    conn.execute(update(_deliveries).where(_deliveries.c.customer_id == merged).values(customer_id=kept))
    already = select(_members.c.segment_id).where(_members.c.customer_id == kept).scalar_subquery()
    conn.execute(delete(_members).where(_members.c.customer_id == merged, _members.c.segment_id.in_(already)))
    conn.execute(update(_members).where(_members.c.customer_id == merged).values(customer_id=kept))
    conn.execute(update(_opt_outs).where(_opt_outs.c.customer_id == merged).values(customer_id=kept))

    attributes = {**(m.attributes or {}), **(k.attributes or {})}
    consent = merge_consent(dict(k.consent or {}), dict(m.consent or {}))
    tags = sorted(set(k.tags or ()) | set(m.tags or ()))
    conn.execute(update(_customers).where(_customers.c.id == kept).values(
        attributes=attributes, consent=consent, tags=tags, time_zone=k.time_zone or m.time_zone,
        updated_at=now))
    conn.execute(delete(_customers).where(_customers.c.id == merged))
    record = MergeRecord(kept, merged, moved, tuple(linked_by), tuple(ended), reason, now)
    conn.execute(insert(_merges).values(
        kept_customer_id=kept, merged_customer_id=merged, reason=reason, at=now,
        identifiers={"moved": [list(p) for p in moved], "linked_by": [list(p) for p in linked_by],
                     "ended_runs": list(ended)}))
    return record


def _end_duplicate_runs(conn: Connection, kept: str, merged: str, now: datetime) -> list[str]:
    """Rule 7: end the merged profile's open runs of journeys the kept profile is running too."""
    open_runs = conn.execute(
        select(_runs.c.id, _runs.c.customer_id, _runs.c.journey_id, _runs.c.version_number, _runs.c.mode,
               _runs.c.node_id)
        .where(_runs.c.customer_id.in_((kept, merged)), _runs.c.status != "done")
        .order_by(_runs.c.started_at, _runs.c.id)).all()
    continuing = {}
    for r in open_runs:
        if r.customer_id == kept:
            continuing.setdefault((r.journey_id, r.mode), r.id)
    ended: list[str] = []
    for r in open_runs:
        goes_on = continuing.get((r.journey_id, r.mode))
        if r.customer_id != merged or goes_on is None:
            continue
        conn.execute(update(_runs).where(_runs.c.id == r.id).values(
            status="done", wake_at=None, wait_event=None, wait_filters=[], event_port=None, timeout_port=None,
            resume_port=None, updated_at=now))
        conn.execute(insert(_steps).values(
            run_id=r.id, node_id=r.node_id, port=None, at=now, mode=r.mode,
            note=f"ended: the customer's profile was merged into {kept}, whose run {goes_on} of this "
                 "journey goes on"))
        key = (_counters.c.journey_id == r.journey_id, _counters.c.version_number == r.version_number,
               _counters.c.mode == r.mode, _counters.c.node_id == r.node_id)
        conn.execute(update(_counters).where(*key).values(active=_counters.c.active - 1,
                                                          exited=_counters.c.exited + 1))
        ended.append(r.id)
    return ended


# ----------------------------------------------------------------------------------------------
# Resolving many messages in one transaction
# ----------------------------------------------------------------------------------------------

@dataclass
class _Pending:
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    identifiers: list[dict[str, str]] = field(default_factory=list)
    grown: set[str] = field(default_factory=set)


class IdentityResolver:
    """Maps identifier sets to customers inside one transaction, merging by the module's rules.

    :meth:`load` fetches the owners of many identifiers with a few queries; :meth:`resolve` then
    decides per message, mostly from memory, making up new customers as needed; :meth:`flush`
    writes the customers and identifiers made up so far. Before a merge, ``before_merge`` is
    called (it must write everything the caller holds back, this resolver's part included, by
    calling :meth:`flush`), so that the merge's updates see every row.
    """

    def __init__(self, conn: Connection, now: datetime, *,
                 before_merge: Callable[[], None] | None = None):
        self.conn = conn
        self.now = now
        #: On SQLite the hot statements go straight to the driver (same connection, same
        #: transaction): the collector runs them for every group of requests.
        self._raw = conn.connection.driver_connection if conn.dialect.name == "sqlite" else None
        self.before_merge = before_merge or self.flush
        self.owner: dict[Pair, str] = {}
        self._pending = _Pending()
        #: Exclusive kinds each customer holds, as far as this resolver knows (loaded lazily).
        self._exclusive: dict[str, set[str]] = {}
        self.merges: list[MergeRecord] = []
        self.refusals: list[Refusal] = []
        #: Merged customer id → the id it was merged into (follow with :meth:`current`).
        self.merged_into: dict[str, str] = {}
        #: Customers made up by this resolver (written or not).
        self.created: set[str] = set()

    # -- reading ---------------------------------------------------------------------------------
    def load(self, pairs: Iterable[Pair]) -> None:
        by_kind: dict[str, set[str]] = {}
        for kind, value in pairs:
            if (kind, value) not in self.owner:
                by_kind.setdefault(kind, set()).add(value)
        for kind, values in by_kind.items():
            ordered_values = sorted(values)
            for start in range(0, len(ordered_values), LOOKUP_CHUNK):
                chunk = ordered_values[start:start + LOOKUP_CHUNK]
                if self._raw is not None:
                    rows = select_in(self._raw, ("value", "customer_id"), "identifiers", "value", chunk,
                                     "kind = ?", (kind,))
                else:
                    rows = self.conn.execute(
                        select(_identifiers.c.value, _identifiers.c.customer_id)
                        .where(_identifiers.c.kind == kind, _identifiers.c.value.in_(chunk)))
                for value, customer_id in rows:
                    self.owner[(kind, value)] = customer_id

    def owner_of(self, pair: Pair) -> str | None:
        """The customer an identifier names now (loading it if it was not loaded)."""
        if pair not in self.owner:
            self.load([pair])
        return self.owner.get(pair)

    def current(self, customer_id: str) -> str:
        """Where a customer's data lives now, following merges made by this resolver."""
        while customer_id in self.merged_into:
            customer_id = self.merged_into[customer_id]
        return customer_id

    def _exclusive_kinds(self, customer_id: str) -> set[str]:
        found = self._exclusive.get(customer_id)
        if found is None:
            if customer_id in self._pending.customers:
                found = set()
            else:
                found = set(self.conn.scalars(
                    select(_identifiers.c.kind).distinct()
                    .where(_identifiers.c.customer_id == customer_id,
                           _identifiers.c.kind.in_(sorted(EXCLUSIVE_KINDS)))))
            self._exclusive[customer_id] = found
        return found

    def _can_take(self, customer_id: str, pair: Pair) -> bool:
        return pair[0] not in EXCLUSIVE_KINDS or pair[0] not in self._exclusive_kinds(customer_id)

    def _can_merge(self, kept: str, merged: str) -> bool:
        return not (self._exclusive_kinds(kept) & self._exclusive_kinds(merged))

    # -- deciding --------------------------------------------------------------------------------
    def resolve(self, pairs: Sequence[Pair], *, reason: str = "link", force: bool = False) -> str:
        """The customer the identifiers name after applying the rules; ``pairs`` strongest first
        (see :func:`ordered`), each already checked. Returns the subject's customer id.

        New identifiers are given to the subject as soon as it is known, before any other profile
        is considered for merging: a profile that holds another user id is then refused, instead of
        being merged in and the message's own user id refused after it."""
        subject_pair = pairs[0]
        subject = self.owner.get(subject_pair)
        unowned: list[Pair] = [] if subject is not None else [subject_pair]
        for pair in pairs[1:]:
            other = self.owner.get(pair)
            if other is None:
                if subject is None:
                    unowned.append(pair)
                else:
                    self._give(subject, pair, force)
            elif other == subject:
                continue
            elif subject is None:
                if force or self._can_take(other, subject_pair):
                    subject = other
                    for waiting in unowned:
                        self._give(subject, waiting, force)
                    unowned = []
                else:
                    self.refusals.append(Refusal(pair, other, None, f"{other} holds another {subject_pair[0]}"))
            elif force or self._can_merge(subject, other):
                self._merge(subject, other, reason, pairs)
            else:
                shared = " and ".join(sorted(self._exclusive_kinds(subject) & self._exclusive_kinds(other)))
                self.refusals.append(Refusal(pair, other, subject, f"both profiles hold a {shared}"))
        if subject is None:
            subject = new_id()
            self.created.add(subject)
            self._pending.customers[subject] = {
                "id": subject, "attributes": {}, "time_zone": None, "consent": {}, "tags": [],
                "created_at": self.now, "updated_at": self.now}
            self._exclusive[subject] = set()
        for pair in unowned:
            self._give(subject, pair, force)
        return subject

    def _give(self, subject: str, pair: Pair, force: bool) -> None:
        """Attach a new identifier to ``subject``, unless that gives it a second user id."""
        if pair in self.owner:  # named twice in one message
            return
        if not force and not self._can_take(subject, pair):
            self.refusals.append(Refusal(pair, subject, subject, f"the profile already holds a {pair[0]}"))
            return
        self.owner[pair] = subject
        self._pending.identifiers.append({"kind": pair[0], "value": pair[1], "customer_id": subject})
        if pair[0] in EXCLUSIVE_KINDS:
            self._exclusive_kinds(subject).add(pair[0])
        if subject not in self._pending.customers:
            self._pending.grown.add(subject)

    def _merge(self, kept: str, merged: str, reason: str, pairs: Sequence[Pair]) -> None:
        self.before_merge()
        record = merge_in_transaction(self.conn, kept, merged, now=self.now, reason=reason, linked_by=pairs)
        self.merges.append(record)
        self.merged_into[merged] = kept
        for pair, owner in self.owner.items():
            if owner == merged:
                self.owner[pair] = kept
        self._exclusive_kinds(kept).update(self._exclusive.pop(merged, set()))

    def is_new(self, customer_id: str) -> bool:
        """True while a customer made up here has not been written yet."""
        return customer_id in self._pending.customers

    def new_customer_row(self, customer_id: str) -> dict[str, Any] | None:
        """The row that :meth:`flush` will insert for a customer made up here (to fill in)."""
        return self._pending.customers.get(customer_id)

    # -- writing ---------------------------------------------------------------------------------
    def flush(self) -> None:
        """Write the customers and identifiers made up so far."""
        pending, self._pending = self._pending, _Pending()
        grown = sorted(pending.grown - set(pending.customers))
        raw = self._raw
        if raw is not None:
            now = sqlite_time(self.now)
            insert_rows(raw, "customers", _CUSTOMER_COLUMNS, [
                (c["id"], json.dumps(c["attributes"]), c["time_zone"], json.dumps(c["consent"]),
                 json.dumps(c["tags"]), now, now) for c in pending.customers.values()])
            insert_rows(raw, "identifiers", _IDENTIFIER_COLUMNS,
                        [(i["kind"], i["value"], i["customer_id"]) for i in pending.identifiers])
            update_in(raw, "updated_at = ?", (now,), "customers", "id", grown)
            return
        if pending.customers:
            self.conn.execute(insert(_customers), list(pending.customers.values()))
        if pending.identifiers:
            self.conn.execute(insert(_identifiers), pending.identifiers)
        for start in range(0, len(grown), LOOKUP_CHUNK):
            self.conn.execute(update(_customers).where(_customers.c.id.in_(grown[start:start + LOOKUP_CHUNK]))
                              .values(updated_at=self.now))


# ----------------------------------------------------------------------------------------------
# One call, one transaction: for the app, the commands and the tests
# ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LinkResult:
    """What :func:`link` did: the subject's customer id, the merges made and the links refused."""

    customer_id: str
    merges: tuple[MergeRecord, ...]
    refusals: tuple[Refusal, ...]


def link(ws: Workspace, pairs: Iterable[Pair], *, reason: str = "link", force: bool = False) -> LinkResult:
    """Apply the rules to identifiers given together (in one transaction); the strongest names
    the subject. Creates the customer if none of them is known."""
    checked = _checked(pairs)
    with ws._session(write=True) as s:
        return _link(s.connection(), checked, reason, force)


def _checked(pairs: Iterable[Pair]) -> list[Pair]:
    checked = ordered(check_identifier(kind, value, f"identifiers.{kind}") for kind, value in pairs)
    if not checked:
        raise CustomerDataInvalid("at least one identifier is needed", field="identifiers")
    return checked


def _link(conn: Connection, checked: list[Pair], reason: str, force: bool) -> LinkResult:
    resolver = IdentityResolver(conn, utcnow())
    resolver.load(checked)
    customer_id = resolver.resolve(checked, reason=reason, force=force)
    resolver.flush()
    return LinkResult(customer_id, tuple(resolver.merges), tuple(resolver.refusals))


def identify(ws: Workspace, user_id: str, anonymous_id: str | None = None,
             traits: dict[str, Any] | None = None) -> LinkResult:
    """Segment's ``identify``: the visitor ``anonymous_id`` is the user ``user_id``; their profiles
    become one (rules 1-7) and ``traits`` are set on it (a ``None`` value removes the attribute),
    all in one transaction: traits that cannot be stored leave everything as it was."""
    attributes = check_attributes(traits)
    checked = _checked([("user_id", user_id)] + ([("anonymous_id", anonymous_id)] if anonymous_id else []))
    with ws._session(write=True) as s:
        conn = s.connection()
        result = _link(conn, checked, "identify", False)
        if attributes:
            update_attributes(conn, result.customer_id, attributes, utcnow())
        return result


def alias(ws: Workspace, previous_id: str, user_id: str) -> LinkResult:
    """Segment's ``alias``: ``previous_id`` (a user id or an anonymous id) is now ``user_id``. The
    merge is forced (rule 4): even two profiles holding user ids become one."""
    previous = str(previous_id).strip()
    pair: Pair = ("user_id", previous) if ws.find_customer("user_id", previous) else ("anonymous_id", previous)
    return link(ws, [("user_id", user_id), pair], reason="alias", force=True)


def track_signup(ws: Workspace, distinct_id: str, original_id: str) -> LinkResult:
    """Sensors Analytics' ``track_signup``: the anonymous ``original_id`` signed up as the login id
    ``distinct_id``. The login id is kept as ``distinct_id`` and as ``user_id``."""
    return link(ws, [("user_id", distinct_id), ("distinct_id", distinct_id), ("distinct_id", original_id)],
                reason="track_signup")


def merge_customers(ws: Workspace, kept_customer_id: str, merged_customer_id: str,
                    reason: str = "manual") -> MergeRecord:
    """Merge one profile into another by id (rules 5-7), whatever identifiers they hold."""
    with ws._session(write=True) as s:
        return merge_in_transaction(s.connection(), kept_customer_id, merged_customer_id, now=utcnow(),
                                    reason=reason)


def merge_history(ws: Workspace, customer_id: str | None = None) -> list[MergeRecord]:
    """Recorded merges, oldest first; only those that kept ``customer_id`` when it is given."""
    query = select(_merges).order_by(_merges.c.id)
    if customer_id is not None:
        query = query.where(_merges.c.kept_customer_id == customer_id)
    with ws._session() as s:
        found = []
        for row in s.connection().execute(query):
            data = row.identifiers or {}
            found.append(MergeRecord(
                row.kept_customer_id, row.merged_customer_id,
                tuple(tuple(p) for p in data.get("moved", [])),  # type: ignore[misc]
                tuple(tuple(p) for p in data.get("linked_by", [])),  # type: ignore[misc]
                tuple(data.get("ended_runs", [])), row.reason, row.at))
        return found
