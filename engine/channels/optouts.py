"""Opt-outs: people who asked not to be contacted on a channel kind, and how that reaches the engine.

:class:`OptOutStore` keeps them in the workspace's ``opt_outs`` table. An opt-out names a channel
kind and an address as that channel knows it (a lower-cased e-mail address, a phone number without
spaces), and the customer when known; it outlives the customer's profile. Recording one for a known
customer also sets that customer's consent for the channel kind to ``False`` in the same
transaction, so every part of the engine that reads consent sees it at once; the runner also asks
:meth:`OptOutStore.is_opted_out` before each send, which catches an address that moved to another
profile.

Where they come from: an unsubscribe mail read over IMAP (:mod:`engine.channels.imap`, reference the
mail's ``Message-ID``), an SMS reply such as ``STOP`` (:func:`record_sms_reply`, reference the
provider's message id), or the user. The same reference is recorded once, however often it is read.
"""

from __future__ import annotations

import builtins
import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from engine.errors import WorkspaceError
from engine.identifiers import canonical_identifier
from engine.store.models import CustomerRow, IdentifierRow, OptOutRow, utcnow

if TYPE_CHECKING:
    from engine.store.workspace import Workspace

#: The identifier kind that holds a channel kind's address (as the runner's ``ADDRESS_OF``).
ADDRESS_KIND = {"email": "email", "sms": "phone"}
#: Where an opt-out came from.
SOURCES = ("imap", "sms", "one_click", "user", "import")
#: Replies that mean "stop sending me text messages" (compared without case, spaces or final
#: punctuation); the usual carrier keywords and the Chinese 退订 / TD.
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "退订", "TD"})
MAX_ADDRESS_LENGTH = 500
MAX_REFERENCE_LENGTH = 500


@dataclass(frozen=True)
class OptOut:
    """One recorded opt-out."""

    id: int
    channel_kind: str
    address: str
    customer_id: str | None
    source: str
    reference: str | None
    received_at: datetime


def normalize_address(channel_kind: str, address: str) -> str:
    """The address as opt-outs keep it: e-mail lower-cased, phone numbers without separators
    (``00`` turned into ``+``), anything else without surrounding white space."""
    kind = {"email": "email", "sms": "phone"}.get(channel_kind, "")
    return canonical_identifier(kind, address or "")


def is_stop_reply(body: str) -> bool:
    """Whether an inbound SMS is a request to stop (``STOP``, ``unsubscribe.``, ``退订``, ``TD``...)."""
    text = re.sub(r"[\s.!。！,，;；]+", "", body or "").upper()
    return text in STOP_WORDS


def _row(row: OptOutRow) -> OptOut:
    return OptOut(row.id, row.channel_kind, row.address, row.customer_id, row.source, row.reference,
                  row.received_at)


class OptOutStore:
    """Opt-outs of one workspace; each call is one short transaction."""

    def __init__(self, ws: Workspace):
        self.ws = ws

    def find_customer(self, channel_kind: str, address: str) -> str | None:
        """The customer whose identifier is this address (e-mail compared without case), if exactly
        one is."""
        kind = ADDRESS_KIND.get(channel_kind)
        normalized = normalize_address(channel_kind, address)
        if kind is None or not normalized:
            return None
        for value in dict.fromkeys((address.strip(), normalized)):
            if value and len(value) <= MAX_ADDRESS_LENGTH:
                found = self.ws.find_customer(kind, value)
                if found is not None:
                    return found
        if channel_kind != "email":
            return None
        with self.ws._session() as s:
            owners = set(s.scalars(select(IdentifierRow.customer_id).where(
                IdentifierRow.kind == kind, func.lower(IdentifierRow.value) == normalized).limit(2)))
        return owners.pop() if len(owners) == 1 else None

    def add(self, channel_kind: str, address: str, customer_id: str | None = None, source: str = "user",
            reference: str | None = None, received_at: datetime | None = None) -> bool:
        """Record an opt-out; ``True`` if it was recorded now, ``False`` if it was already there (the
        same ``reference``, or the same channel kind, address and customer without a reference).

        When the customer is known (given, or found by the address) their consent for
        ``channel_kind`` becomes ``False`` in the same transaction.
        """
        if not channel_kind or not isinstance(channel_kind, str):
            raise ValueError("an opt-out needs a channel kind")
        normalized = normalize_address(channel_kind, address)
        if not normalized and not customer_id:
            raise ValueError("an opt-out needs an address or a customer")
        if len(normalized) > MAX_ADDRESS_LENGTH:
            raise ValueError(f"an opt-out address is at most {MAX_ADDRESS_LENGTH} characters long")
        if reference is not None and (not reference or len(reference) > MAX_REFERENCE_LENGTH):
            reference = reference[:MAX_REFERENCE_LENGTH] or None
        if customer_id is None:
            customer_id = self.find_customer(channel_kind, address)
        now = received_at or utcnow()
        try:
            with self.ws._session(write=True) as s:
                if reference is not None:
                    if s.scalar(select(OptOutRow.id).where(OptOutRow.reference == reference)) is not None:
                        return False
                else:
                    same = select(OptOutRow.id).where(OptOutRow.channel_kind == channel_kind,
                                                      OptOutRow.address == normalized)
                    same = same.where(OptOutRow.customer_id.is_(None) if customer_id is None
                                      else OptOutRow.customer_id == customer_id)
                    if s.scalar(same.limit(1)) is not None:
                        return False
                s.add(OptOutRow(channel_kind=channel_kind, address=normalized, customer_id=customer_id,
                                source=source, reference=reference, received_at=now))
                if customer_id is not None:
                    customer = s.get(CustomerRow, customer_id)
                    if customer is not None and customer.consent.get(channel_kind) is not False:
                        customer.consent = {**customer.consent, channel_kind: False}
                        customer.updated_at = now
        except WorkspaceError as exc:
            if isinstance(exc.__cause__, IntegrityError):  # the same reference, recorded in between
                return False
            raise
        return True

    def is_opted_out(self, channel_kind: str, address: str | None = None, customer_id: str | None = None) -> bool:
        """Whether an opt-out covers ``channel_kind`` messages to ``address`` or to ``customer_id``."""
        conditions = []
        if address:
            conditions.append(OptOutRow.address == normalize_address(channel_kind, address))
        if customer_id:
            conditions.append(OptOutRow.customer_id == customer_id)
        if not conditions:
            return False
        with self.ws._session() as s:
            return s.scalar(select(OptOutRow.id).where(OptOutRow.channel_kind == channel_kind, or_(*conditions))
                            .limit(1)) is not None

    def list(self, channel_kind: str | None = None) -> builtins.list[OptOut]:
        """Every opt-out (of one channel kind), newest first."""
        query = select(OptOutRow).order_by(OptOutRow.received_at.desc(), OptOutRow.id.desc())
        if channel_kind is not None:
            query = query.where(OptOutRow.channel_kind == channel_kind)
        with self.ws._session() as s:
            return [_row(r) for r in s.scalars(query)]


def record_sms_reply(ws: Workspace, from_number: str, body: str, *, reference: str | None = None,
                     received_at: datetime | None = None) -> bool:
    """Honour an inbound SMS: when ``body`` is a stop request, record an SMS opt-out for
    ``from_number`` (and the customer with that phone number, if any). Returns whether it was a
    stop request (recorded now or already before)."""
    if not is_stop_reply(body):
        return False
    if not normalize_address("sms", from_number):
        raise ValueError("a stop reply needs the number it came from")
    OptOutStore(ws).add("sms", from_number, source="sms", reference=reference, received_at=received_at)
    return True


__all__ = ["ADDRESS_KIND", "SOURCES", "STOP_WORDS", "OptOut", "OptOutStore", "is_stop_reply",
           "normalize_address", "record_sms_reply"]
