"""The engine side of the Profiles window's saves, run on its worker thread (no Qt here).

A save stores the edited attributes, consent and tags (:func:`engine.track.profiles.edit`) and,
when the user changed the ``email`` or ``phone`` attribute and agreed to it, the identifier of the
same kind (:func:`engine.track.profiles.change_identifier`): events, look-ups and merges find a
customer by identifiers, while messages go to the attribute, so the two should not drift apart.
An identifier that another customer holds already is left as it was and reported
(:class:`Held`), never taken from them.

The shown customer may be gone by the time the window loads or saves it: merged into another
profile (the collector's ``identify``, an ``alias``, a merge by hand elsewhere) or erased.
:func:`locate` tells which from the merge history (:func:`engine.track.profiles.merged_into`),
and :func:`load` and :func:`store` answer with a :class:`Gone` instead of the engine's
"there is no customer with id …", which names a file and an id and helps nobody.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.errors import IdentityConflict, NotFound
from engine.identifiers import canonical_identifier, phone_country_of
from engine.store.customers import CustomerRecord
from engine.track import profiles
from engine.track.identity import MergeRecord
from engine.track.profiles import CustomerSummary, Profile

#: Attribute names (case-folded) whose value is also an identifier of that kind.
IDENTIFIER_ATTRIBUTES = {"email": "email", "phone": "phone"}


@dataclass(frozen=True)
class Gone:
    """The customer ``customer_id`` is no longer in the workspace."""

    customer_id: str
    #: The merges that took it where it is now, oldest first (empty when it was erased).
    merges: tuple[MergeRecord, ...]
    #: The profile that holds it now; None when it was erased.
    now_in: CustomerSummary | None

    @property
    def merged(self) -> bool:
        return self.now_in is not None and bool(self.merges)


@dataclass(frozen=True)
class Swap:
    """One identifier change: ``(kind, old)`` becomes ``(kind, new)`` (values as the user wrote
    them; the engine keeps them in canonical form)."""

    kind: str
    old: str | None
    new: str | None

    def reversed(self) -> Swap:
        return Swap(self.kind, self.new, self.old)


@dataclass(frozen=True)
class Step:
    """What one save writes (or what undoing it writes back): the keyword arguments of
    :func:`engine.track.profiles.edit` and the identifier changes."""

    changes: Mapping[str, Any]
    swaps: tuple[Swap, ...] = ()


@dataclass(frozen=True)
class Held:
    """An identifier a save did not change because another customer holds the new value."""

    kind: str
    old: str | None
    value: str
    holder: CustomerSummary


@dataclass(frozen=True)
class Stored:
    """A save that went through: the customer as stored, the identifier changes made (values as
    stored) and those left because someone else holds the value."""

    record: CustomerRecord
    swaps: tuple[Swap, ...] = ()
    held: tuple[Held, ...] = field(default_factory=tuple)


def summary_of(record: CustomerRecord) -> CustomerSummary:
    return CustomerSummary(record.id, tuple(record.identifiers), dict(record.attributes), tuple(record.tags),
                           record.created_at, record.updated_at)


def locate(ws: Any, customer_id: str) -> Gone | None:
    """None while ``customer_id`` exists, else where it went."""
    merges, now_in = profiles.merged_into(ws, customer_id)
    if now_in is not None and now_in.id == customer_id:
        return None
    return Gone(customer_id, merges, now_in)


def load(ws: Any, customer_id: str, events: int) -> tuple[Profile | Gone, str | None]:
    """The profile (or where it went) and the workspace's phone country (for identifier forms)."""
    country = phone_country_of(ws)
    try:
        return profiles.profile(ws, customer_id, events), country
    except NotFound:
        gone = locate(ws, customer_id)
        if gone is None:
            raise
        return gone, country


def canonical(ws: Any, kind: str, value: str) -> str:
    return canonical_identifier(kind, value, phone_country_of(ws) if kind == "phone" else None)


def store(ws: Any, customer_id: str, step: Step) -> Stored | Gone:
    """Write ``step``: the edits, then each identifier change nobody else's value stands in the
    way of (and whose old value the customer still holds)."""
    try:
        held: list[Held] = []
        todo: list[Swap] = []
        for swap in step.swaps:
            new = canonical(ws, swap.kind, swap.new) if swap.new is not None else None
            if new is not None:
                holder = ws.find_customer(swap.kind, new)
                if holder is not None and holder != customer_id:
                    held.append(Held(swap.kind, swap.old, new, summary_of(ws.get_customer(holder))))
                    continue
            todo.append(Swap(swap.kind, swap.old, new))
        record = profiles.edit(ws, customer_id, **step.changes) if step.changes else ws.get_customer(customer_id)
        made: list[Swap] = []
        for swap in todo:
            if swap.old is not None and (swap.kind, canonical(ws, swap.kind, swap.old)) not in record.identifiers:
                continue  # changed elsewhere since the window read it: nothing to follow
            try:
                record = profiles.change_identifier(ws, customer_id, swap.kind, swap.old, swap.new)
            except IdentityConflict as exc:  # taken between the look-up and the change
                holder = exc.customer_ids[0] if exc.customer_ids else None
                if holder is None or swap.new is None:
                    raise
                held.append(Held(swap.kind, swap.old, swap.new, summary_of(ws.get_customer(holder))))
                continue
            made.append(Swap(swap.kind, canonical(ws, swap.kind, swap.old) if swap.old is not None else None,
                             swap.new))
        return Stored(record, tuple(made), tuple(held))
    except NotFound:
        gone = locate(ws, customer_id)
        if gone is None:
            raise
        return gone


def follow_identifier(kind: str, old_attribute: Any, new_attribute: Any,
                      identifiers: tuple[tuple[str, str], ...], country: str | None,
                      strict: bool = False) -> Swap | None:
    """The identifier change that goes with changing the ``kind`` attribute (``email``/``phone``)
    from ``old_attribute`` to ``new_attribute``: the identifier of that kind equal to the old
    value, else (unless ``strict``) the only one of that kind; None when there is none to change,
    when the new value is no text, or when the customer holds it already.

    ``strict`` is for an edit made on another profile and carried over after a merge: the only
    identifier of a kind may be the kept customer's own address, which an edit of someone else's
    must not replace."""
    if not isinstance(old_attribute, str) or not isinstance(new_attribute, str) or not new_attribute.strip():
        return None
    def form(value: str) -> str:
        return canonical_identifier(kind, value, country if kind == "phone" else None)

    held = [value for k, value in identifiers if k == kind]
    new = form(new_attribute)
    if not held or new in held or len(new) > 500:
        return None
    old = form(old_attribute)
    if old in held:
        return Swap(kind, old, new)
    return Swap(kind, held[0], new) if len(held) == 1 and not strict else None
