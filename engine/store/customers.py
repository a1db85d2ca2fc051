"""Customers, their identifiers and their events: the profile half of the workspace store.

:class:`CustomerStore` is mixed into :class:`~engine.store.workspace.Workspace`. Identity rules:

- A customer is recognised by identifiers, ``(kind, value)`` pairs such as ``("email", "a@b.c")``;
  one pair names at most one customer. Identifiers given together name the same customer: a known
  one if any of them is known (the unknown ones are then attached to it), a new one otherwise. If
  they name two different customers, :class:`~engine.errors.IdentityConflict` is raised; merging
  profiles is a separate, deliberate operation.
- Values are kept as given except for surrounding white space, which is removed.

Every input is checked before anything is written; a bad one raises
:class:`~engine.errors.CustomerDataInvalid` naming the field, and the store is left unchanged.
Reads return frozen records (:class:`CustomerRecord`, :class:`EventRecord`), never ORM objects.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, insert, select, update

from engine.document import new_id
from engine.errors import CustomerDataInvalid, IdentityConflict, NotFound
from engine.identifiers import canonical_identifier, identifier_problem
from engine.store.models import CustomerRow, EventRow, IdentifierRow, utcnow

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from sqlalchemy.orm import Session

#: Identifier kinds besides ``custom:<name>``.
IDENTIFIER_KINDS = ("user_id", "anonymous_id", "distinct_id", "email", "phone")
#: Kinds a profile holds at most one value of (rule 3 of ``docs/identity.md``).
EXCLUSIVE_KINDS = frozenset({"user_id"})
CUSTOM_KIND_PREFIX = "custom:"
MAX_KIND_LENGTH = 100
MAX_IDENTIFIER_LENGTH = 500
MAX_EVENT_NAME_LENGTH = 200
MAX_SOURCE_LENGTH = 200
MAX_DEDUP_KEY_LENGTH = 200
#: The keys an item of :meth:`CustomerStore.ingest_events` may have.
EVENT_FIELDS = ("identifiers", "name", "properties", "occurred_at", "source", "dedup_key")
#: Values per ``IN (...)`` list, well below every supported database's limit on bound parameters.
LOOKUP_CHUNK = 500

_customers = CustomerRow.__table__
_identifiers = IdentifierRow.__table__
_events = EventRow.__table__


@dataclass(frozen=True)
class CustomerRecord:
    """A customer profile as stored."""

    id: str
    attributes: dict[str, Any]
    time_zone: str | None
    consent: dict[str, bool]
    #: Sorted, without repeats.
    tags: tuple[str, ...]
    #: ``(kind, value)`` pairs, sorted.
    identifiers: tuple[tuple[str, str], ...]
    created_at: datetime
    updated_at: datetime

    def identifier(self, kind: str) -> str | None:
        """The first value of an identifier kind (``"email"``), or ``None``."""
        return next((value for k, value in self.identifiers if k == kind), None)


@dataclass(frozen=True)
class EventRecord:
    """An event as stored. ``created`` is True only when the call that returned it stored it."""

    id: int
    customer_id: str
    name: str
    properties: dict[str, Any]
    occurred_at: datetime
    received_at: datetime
    source: str
    dedup_key: str | None
    created: bool = False
    #: The name of the collector write key it came with (``events.write_key``), when the caller
    #: that made the record knew it (the collector's hand-over does).
    write_key: str | None = None


@dataclass(frozen=True)
class _Event:
    """A checked event, ready to store."""

    identifiers: dict[str, str]
    name: str
    properties: dict[str, Any]
    occurred_at: datetime | None
    source: str
    dedup_key: str | None


class CustomerStore:
    """Customer and event methods of a workspace; each call is one short transaction."""

    if TYPE_CHECKING:
        location: str

        def _session(self, write: bool = False) -> AbstractContextManager[Session]: ...

    # ------------------------------------------------------------------------------------------
    # Customers
    # ------------------------------------------------------------------------------------------

    def upsert_customer(self, identifiers: Mapping[str, str], attributes: Mapping[str, Any] | None = None,
                        *, time_zone: str | None = None, consent: Mapping[str, bool | None] | None = None,
                        tags: Iterable[str] | None = None) -> str:
        """Create or update the customer the identifiers name; returns its id.

        ``attributes`` and ``consent`` are merged key by key, a ``None`` value removing the key;
        ``tags`` replace the stored tags; ``time_zone`` (an IANA name) replaces the stored zone, and
        ``""`` clears it. ``None`` leaves a field as it is. Raises :class:`IdentityConflict` if the
        identifiers belong to different customers.
        """
        ids = _check_identifiers(identifiers)
        attrs = _check_attributes(attributes)
        zone = _check_time_zone(time_zone)
        consents = _check_consent(consent)
        tag_list = _check_tags(tags)
        with self._session(write=True) as s:
            conn = s.connection()
            now = utcnow()
            resolver = _Resolver(conn, now)
            resolver.load(ids.items())
            customer_id, created = resolver.resolve(ids)
            if created:
                row = resolver.new_customers[customer_id]
                row["attributes"] = {k: v for k, v in (attrs or {}).items() if v is not None}
                row["consent"] = {k: v for k, v in (consents or {}).items() if v is not None}
                row["tags"] = tag_list or []
                row["time_zone"] = zone or None
                resolver.flush()
                return customer_id
            resolver.flush()
            current = conn.execute(
                select(_customers.c.attributes, _customers.c.consent, _customers.c.tags,
                       _customers.c.time_zone).where(_customers.c.id == customer_id)).one()
            changes: dict[str, Any] = {}
            if attrs:
                merged = _merge(current.attributes, attrs)
                if merged != current.attributes:
                    changes["attributes"] = merged
            if consents:
                merged = _merge(current.consent, consents)
                if merged != current.consent:
                    changes["consent"] = merged
            if tag_list is not None and tag_list != current.tags:
                changes["tags"] = tag_list
            if zone is not None and (zone or None) != current.time_zone:
                changes["time_zone"] = zone or None
            if changes:
                conn.execute(update(_customers).where(_customers.c.id == customer_id)
                             .values(**changes, updated_at=now))
            return customer_id

    def get_customer(self, customer_id: str) -> CustomerRecord:
        """The stored profile; :class:`NotFound` if there is no such customer."""
        with self._session() as s:
            found = read_customer(s.connection(), customer_id)
        if found is None:
            raise NotFound(f"there is no customer with id '{customer_id}'", where=self.location)
        return found

    def find_customer(self, kind: str, value: str) -> str | None:
        """The id of the customer an identifier names, or ``None``."""
        kind = _check_kind(kind, "kind")
        value = _check_identifier_value(canonical_identifier(kind, value) if isinstance(value, str) else value,
                                        "value")
        with self._session() as s:
            return s.connection().scalar(select(_identifiers.c.customer_id)
                                         .where(_identifiers.c.kind == kind, _identifiers.c.value == value))

    # ------------------------------------------------------------------------------------------
    # Events
    # ------------------------------------------------------------------------------------------

    def ingest_event(self, identifiers: Mapping[str, str], name: str,
                     properties: Mapping[str, Any] | None = None, occurred_at: datetime | None = None,
                     source: str = "", dedup_key: str | None = None) -> EventRecord:
        """Store one event of the customer the identifiers name, creating that customer if unknown.

        ``occurred_at`` must be timezone-aware and defaults to now. If an event with the same
        ``dedup_key`` is stored already, that event is returned (``created`` False) and nothing
        else happens: no customer is created and no identifier attached.
        """
        ev = _check_event(identifiers, name, properties, occurred_at, source, dedup_key)
        with self._session(write=True) as s:
            conn = s.connection()
            if ev.dedup_key is not None:
                existing = conn.execute(select(_events).where(_events.c.dedup_key == ev.dedup_key)).first()
                if existing is not None:
                    return _event_record(existing)
            now = utcnow()
            resolver = _Resolver(conn, now)
            resolver.load(ev.identifiers.items())
            customer_id, _ = resolver.resolve(ev.identifiers)
            resolver.flush()
            values = _event_values(ev, customer_id, now)
            event_id = conn.execute(insert(_events).values(**values)).inserted_primary_key[0]
            # The record holds what a later read returns (tuples come back as lists, and so on).
            values["properties"] = json.loads(json.dumps(ev.properties))
            return EventRecord(id=event_id, **values, created=True)

    def ingest_events(self, items: Iterable[Mapping[str, Any]]) -> int:
        """Store many events in one transaction; returns how many were added.

        Each item holds the arguments of :meth:`ingest_event` by name (``identifiers`` and
        ``name`` are required). Events whose ``dedup_key`` is stored already, or appeared earlier
        in the same batch, are skipped. If any item is invalid or conflicts, nothing is stored and
        the error names the item by its position (from 0).
        """
        checked: list[_Event] = []
        for index, item in enumerate(items):
            checked.append(_check_item(item, index))
        if not checked:
            return 0
        with self._session(write=True) as s:
            conn = s.connection()
            now = utcnow()
            stored = _existing_dedup_keys(conn, [ev.dedup_key for ev in checked if ev.dedup_key is not None])
            todo: list[tuple[int, _Event]] = []
            for index, ev in enumerate(checked):
                if ev.dedup_key is not None:
                    if ev.dedup_key in stored:
                        continue
                    stored.add(ev.dedup_key)
                todo.append((index, ev))
            if not todo:
                return 0
            resolver = _Resolver(conn, now)
            resolver.load(pair for _, ev in todo for pair in ev.identifiers.items())
            rows = [_event_values(ev, resolver.resolve(ev.identifiers, item=index)[0], now)
                    for index, ev in todo]
            resolver.flush()
            conn.execute(insert(_events), rows)
            return len(rows)

    def customer_events(self, customer_id: str, name: str | None = None,
                        since: datetime | None = None) -> list[EventRecord]:
        """Events of a customer, oldest first; optionally only those named ``name``, or those that
        occurred at or after ``since`` (timezone-aware)."""
        if since is not None:
            since = _check_when(since, "since")
        query = select(_events).where(_events.c.customer_id == customer_id)
        if name is not None:
            query = query.where(_events.c.name == name)
        if since is not None:
            query = query.where(_events.c.occurred_at >= since)
        query = query.order_by(_events.c.occurred_at, _events.c.id)
        with self._session() as s:
            conn = s.connection()
            records = [_event_record(row) for row in conn.execute(query)]
            if not records and conn.scalar(select(_customers.c.id)
                                           .where(_customers.c.id == customer_id)) is None:
                raise NotFound(f"there is no customer with id '{customer_id}'", where=self.location)
            return records


# ----------------------------------------------------------------------------------------------
# Identity resolution
# ----------------------------------------------------------------------------------------------

def read_customer(conn: Connection, customer_id: str) -> CustomerRecord | None:
    """The stored profile, read on ``conn`` (inside the caller's transaction); None if absent."""
    row = conn.execute(select(_customers).where(_customers.c.id == customer_id)).first()
    if row is None:
        return None
    pairs = conn.execute(select(_identifiers.c.kind, _identifiers.c.value)
                         .where(_identifiers.c.customer_id == customer_id)
                         .order_by(_identifiers.c.kind, _identifiers.c.value))
    return CustomerRecord(id=row.id, attributes=dict(row.attributes), time_zone=row.time_zone,
                          consent=dict(row.consent), tags=tuple(row.tags),
                          identifiers=tuple((kind, value) for kind, value in pairs),
                          created_at=row.created_at, updated_at=row.updated_at)


class _Resolver:
    """Maps identifiers to customers within one transaction, set-based.

    :meth:`load` fetches the owners of many identifiers at once; :meth:`resolve` then decides per
    event without further queries, remembering the customers and identifiers it has made up so that
    later items of a batch see them; :meth:`flush` writes those.
    """

    def __init__(self, conn: Connection, now: datetime):
        self.conn = conn
        self.now = now
        self.owner: dict[tuple[str, str], str] = {}
        self.new_customers: dict[str, dict[str, Any]] = {}
        self.new_identifiers: list[dict[str, str]] = []
        #: Customers created here, with the position of the item that created each (for messages).
        self.origin: dict[str, int | None] = {}
        #: Stored customers that were given new identifiers.
        self.grown: set[str] = set()
        #: (customer, exclusive kind) → whether the customer holds one (loaded when first needed).
        self._held: dict[tuple[str, str], bool] = {}

    def load(self, pairs: Iterable[tuple[str, str]]) -> None:
        by_kind: dict[str, set[str]] = defaultdict(set)
        for kind, value in pairs:
            if (kind, value) not in self.owner:
                by_kind[kind].add(value)
        for kind, values in by_kind.items():
            for chunk in _chunks(sorted(values)):
                rows = self.conn.execute(select(_identifiers.c.value, _identifiers.c.customer_id)
                                         .where(_identifiers.c.kind == kind, _identifiers.c.value.in_(chunk)))
                for value, customer_id in rows:
                    self.owner[(kind, value)] = customer_id

    def resolve(self, identifiers: dict[str, str], item: int | None = None) -> tuple[str, bool]:
        """The customer the identifiers name, made up if none; returns ``(id, made_up_now)``."""
        owners: dict[str, list[tuple[str, str]]] = {}
        for pair in identifiers.items():
            customer_id = self.owner.get(pair)
            if customer_id is not None:
                owners.setdefault(customer_id, []).append(pair)
        if len(owners) > 1:
            raise self._conflict(identifiers, owners, item)
        if owners:
            customer_id = next(iter(owners))
            created = False
        else:
            customer_id = new_id()
            created = True
            self.new_customers[customer_id] = {
                "id": customer_id, "attributes": {}, "time_zone": None, "consent": {}, "tags": [],
                "created_at": self.now, "updated_at": self.now}
            self.origin[customer_id] = item
        for pair in identifiers.items():
            if pair not in self.owner and pair[0] in EXCLUSIVE_KINDS and self._holds(customer_id, pair[0]):
                raise IdentityConflict(
                    f"{pair[0]} '{pair[1]}' cannot be added to customer {customer_id}: it has another "
                    f"{pair[0]} already, and a profile has only one. Merge the profiles, or leave out the "
                    f"identifiers that name the other customer.",
                    identifiers=dict(identifiers), customer_ids=[customer_id], item=item)
        for pair in identifiers.items():
            if pair not in self.owner:
                if pair[0] in EXCLUSIVE_KINDS:
                    self._held[(customer_id, pair[0])] = True
                self.owner[pair] = customer_id
                self.new_identifiers.append({"kind": pair[0], "value": pair[1], "customer_id": customer_id})
                if customer_id not in self.new_customers:
                    self.grown.add(customer_id)
        return customer_id, created

    def _holds(self, customer_id: str, kind: str) -> bool:
        key = (customer_id, kind)
        found = self._held.get(key)
        if found is None:
            found = customer_id not in self.new_customers and self.conn.scalar(
                select(_identifiers.c.value).where(_identifiers.c.customer_id == customer_id,
                                                   _identifiers.c.kind == kind).limit(1)) is not None
            self._held[key] = found
        return found

    def flush(self) -> None:
        # Customers first: identifiers and events refer to them.
        if self.new_customers:
            self.conn.execute(insert(_customers), list(self.new_customers.values()))
        if self.new_identifiers:
            self.conn.execute(insert(_identifiers), self.new_identifiers)
        for chunk in _chunks(sorted(self.grown)):
            self.conn.execute(update(_customers).where(_customers.c.id.in_(chunk)).values(updated_at=self.now))
        self.new_customers, self.new_identifiers, self.grown = {}, [], set()

    def _conflict(self, identifiers: dict[str, str], owners: dict[str, list[tuple[str, str]]],
                  item: int | None) -> IdentityConflict:
        parts = []
        for customer_id, pairs in owners.items():
            named = " and ".join(f"{kind} '{value}'" for kind, value in pairs)
            if customer_id in self.new_customers:
                origin = self.origin[customer_id]
                who = f"the new customer of item {origin}" if origin is not None else "a new customer"
            else:
                who = f"customer {customer_id}"
            parts.append(f"{named} belong{'s' if len(pairs) == 1 else ''} to {who}")
        return IdentityConflict(
            f"these identifiers name different customers: {'; '.join(parts)}. Merge the profiles "
            "before using these identifiers together.",
            identifiers=dict(identifiers), customer_ids=sorted(owners), item=item)


def _existing_dedup_keys(conn: Connection, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(sorted(set(keys))):
        found.update(conn.scalars(select(_events.c.dedup_key).where(_events.c.dedup_key.in_(chunk))))
    return found


def _chunks(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield values[start:start + LOOKUP_CHUNK]


def check_attributes(attributes: Any) -> dict[str, Any] | None:
    """Attributes as :meth:`Workspace.upsert_customer` checks them (``None``: none given)."""
    return _check_attributes(attributes)


def update_attributes(conn: Connection, customer_id: str, attributes: dict[str, Any], now: datetime) -> bool:
    """Merge checked ``attributes`` into a stored customer's, in the caller's transaction (a
    ``None`` value removes the attribute); whether anything changed."""
    stored = conn.scalar(select(_customers.c.attributes).where(_customers.c.id == customer_id))
    merged = _merge(stored or {}, attributes)
    if merged == stored:
        return False
    conn.execute(update(_customers).where(_customers.c.id == customer_id).values(attributes=merged, updated_at=now))
    return True


def _merge(stored: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    merged = dict(stored)
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def _event_values(ev: _Event, customer_id: str, now: datetime) -> dict[str, Any]:
    return {"customer_id": customer_id, "name": ev.name, "properties": ev.properties,
            "occurred_at": ev.occurred_at or now, "received_at": now, "source": ev.source,
            "dedup_key": ev.dedup_key}


def _event_record(row: Any, created: bool = False) -> EventRecord:
    return EventRecord(id=row.id, customer_id=row.customer_id, name=row.name,
                       properties=dict(row.properties), occurred_at=row.occurred_at,
                       received_at=row.received_at, source=row.source, dedup_key=row.dedup_key,
                       created=created)


# ----------------------------------------------------------------------------------------------
# Input checks: each returns the value to store, or raises CustomerDataInvalid naming the field
# ----------------------------------------------------------------------------------------------

def _check_item(item: Any, index: int) -> _Event:
    if not isinstance(item, Mapping):
        raise CustomerDataInvalid(f"an event must be a dict of {', '.join(EVENT_FIELDS)}, "
                                  f"not {type(item).__name__}", field="", item=index)
    unknown = sorted(str(key) for key in item if key not in EVENT_FIELDS)
    if unknown:
        raise CustomerDataInvalid(f"unknown event field; expected {', '.join(EVENT_FIELDS)}",
                                  field=unknown[0], item=index)
    for required in ("identifiers", "name"):
        if required not in item:
            raise CustomerDataInvalid("is required", field=required, item=index)
    return _check_event(item["identifiers"], item["name"], item.get("properties"), item.get("occurred_at"),
                        item.get("source", ""), item.get("dedup_key"), item=index)


def _check_event(identifiers: Any, name: Any, properties: Any, occurred_at: Any, source: Any,
                 dedup_key: Any, item: int | None = None) -> _Event:
    ids = _check_identifiers(identifiers, item)
    if not isinstance(name, str) or not name.strip():
        raise CustomerDataInvalid("an event needs a name", field="name", item=item)
    name = name.strip()
    if len(name) > MAX_EVENT_NAME_LENGTH:
        raise CustomerDataInvalid(f"is longer than {MAX_EVENT_NAME_LENGTH} characters", field="name", item=item)
    props = _check_json_dict(properties, "properties", item)
    when = None if occurred_at is None else _check_when(occurred_at, "occurred_at", item)
    if source is None:
        source = ""
    if not isinstance(source, str):
        raise CustomerDataInvalid(f"must be text, not {type(source).__name__}", field="source", item=item)
    if len(source) > MAX_SOURCE_LENGTH:
        raise CustomerDataInvalid(f"is longer than {MAX_SOURCE_LENGTH} characters", field="source", item=item)
    if dedup_key is not None:
        if not isinstance(dedup_key, str) or not dedup_key:
            raise CustomerDataInvalid("must be non-empty text or None", field="dedup_key", item=item)
        if len(dedup_key) > MAX_DEDUP_KEY_LENGTH:
            raise CustomerDataInvalid(f"is longer than {MAX_DEDUP_KEY_LENGTH} characters",
                                      field="dedup_key", item=item)
    return _Event(ids, name, props, when, source, dedup_key)


def _check_kind(kind: Any, field: str, item: int | None = None) -> str:
    if isinstance(kind, str):
        if kind in IDENTIFIER_KINDS:
            return kind
        custom = kind[len(CUSTOM_KIND_PREFIX):] if kind.startswith(CUSTOM_KIND_PREFIX) else None
        if custom and custom == custom.strip() and len(kind) <= MAX_KIND_LENGTH:
            return kind
    raise CustomerDataInvalid(f"unknown identifier kind {kind!r}; use one of {', '.join(IDENTIFIER_KINDS)} "
                              f"or custom:<name> (at most {MAX_KIND_LENGTH} characters)",
                              field=field, item=item)


def check_identifier(kind: Any, value: Any, field: str) -> tuple[str, str]:
    """An identifier as the store keeps it: a known kind, and its value non-empty text (a whole
    number is taken as its digits) in the form :func:`canonical_identifier` gives, bounded."""
    kind = _check_kind(kind, field)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return kind, _check_identifier_value(canonical_identifier(kind, value) if isinstance(value, str) else value, field,
                                         kind=kind)


def _check_identifier_value(value: Any, field: str, item: int | None = None, *, kind: str = "") -> str:
    if not isinstance(value, str):
        raise CustomerDataInvalid(f"an identifier must be text, not {type(value).__name__}",
                                  field=field, item=item)
    value = value.strip()
    if not value:
        raise CustomerDataInvalid("an identifier cannot be empty", field=field, item=item)
    if len(value) > MAX_IDENTIFIER_LENGTH:
        raise CustomerDataInvalid(f"is longer than {MAX_IDENTIFIER_LENGTH} characters", field=field, item=item)
    problem = identifier_problem(kind, value)
    if problem is not None:
        raise CustomerDataInvalid(f"cannot name a customer: {problem}", field=field, item=item)
    return value


def _check_identifiers(identifiers: Any, item: int | None = None) -> dict[str, str]:
    if not isinstance(identifiers, Mapping):
        raise CustomerDataInvalid("must be a dict of identifier kind to value, e.g. {'email': 'a@example.com'}",
                                  field="identifiers", item=item)
    if not identifiers:
        raise CustomerDataInvalid("at least one identifier is needed to recognise the customer",
                                  field="identifiers", item=item)
    checked = {}
    for kind, value in identifiers.items():
        field = f"identifiers.{kind}"
        kind = _check_kind(kind, field, item)
        checked[kind] = _check_identifier_value(canonical_identifier(kind, value) if isinstance(value, str) else value,
                                                field, item, kind=kind)
    return checked


def _check_json_dict(value: Any, field: str, item: int | None = None) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise CustomerDataInvalid(f"must be a dict, not {type(value).__name__}", field=field, item=item)
    for key in value:
        if not isinstance(key, str) or not key:
            raise CustomerDataInvalid(f"keys must be non-empty text, not {key!r}", field=field, item=item)
    value = dict(value)
    try:
        # Strict JSON: NaN and Infinity are refused, as PostgreSQL would refuse them.
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as exc:
        # Only now, on the error path, find the entry to name.
        for key, entry in value.items():
            try:
                json.dumps(entry, allow_nan=False)
            except (TypeError, ValueError, RecursionError) as entry_exc:
                raise CustomerDataInvalid(f"is not JSON data ({entry_exc})", field=f"{field}.{key}",
                                          item=item) from None
        raise CustomerDataInvalid(f"is not JSON data ({exc})", field=field, item=item) from None
    return value


def _check_when(value: Any, field: str, item: int | None = None) -> datetime:
    if not isinstance(value, datetime):
        raise CustomerDataInvalid(f"must be a datetime, not {type(value).__name__}", field=field, item=item)
    if value.tzinfo is None or value.utcoffset() is None:
        raise CustomerDataInvalid("needs a time zone (a naive time is ambiguous)", field=field, item=item)
    return value.astimezone(UTC)


def _check_attributes(attributes: Any) -> dict[str, Any] | None:
    return None if attributes is None else _check_json_dict(attributes, "attributes")


def _check_consent(consent: Any) -> dict[str, bool | None] | None:
    if consent is None:
        return None
    if not isinstance(consent, Mapping):
        raise CustomerDataInvalid(f"must be a dict of channel kind to True/False, not {type(consent).__name__}",
                                  field="consent")
    for channel, given in consent.items():
        if not isinstance(channel, str) or not channel.strip():
            raise CustomerDataInvalid(f"a channel kind must be non-empty text, not {channel!r}", field="consent")
        if given is not None and not isinstance(given, bool):
            raise CustomerDataInvalid(f"must be True, False or None, not {given!r}", field=f"consent.{channel}")
    return dict(consent)


def _check_tags(tags: Any) -> list[str] | None:
    if tags is None:
        return None
    if isinstance(tags, str | bytes) or not isinstance(tags, Iterable):
        raise CustomerDataInvalid(f"must be a list of tags, not {type(tags).__name__}", field="tags")
    checked = set()
    for index, tag in enumerate(tags):
        if not isinstance(tag, str) or not tag.strip():
            raise CustomerDataInvalid(f"a tag must be non-empty text, not {tag!r}", field=f"tags[{index}]")
        checked.add(tag.strip())
    return sorted(checked)


def _check_time_zone(time_zone: Any) -> str | None:
    if time_zone is None or time_zone == "":
        return time_zone
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if isinstance(time_zone, str):
        try:
            ZoneInfo(time_zone)
            return time_zone
        except (ZoneInfoNotFoundError, ValueError):
            pass
    raise CustomerDataInvalid(f"unknown time zone {time_zone!r}; use an IANA name such as 'Europe/Paris'",
                              field="time_zone")
