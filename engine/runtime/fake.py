"""An in-memory world for tests and the simulator: customers, events, an outbox and a clock.

:class:`FakeWorld` holds customers as plain dicts, every event, and every delivery attempt;
:meth:`FakeWorld.context` hands out a :class:`FakeContext` (a real :class:`StepContext`) for one step
of one customer. Sends obey the same governance as live runs, through the shared rules of
:mod:`engine.runtime.context`:

1. an unsubscribed customer is skipped ("unsubscribed");
2. without consent for the channel kind (no entry counts as no) the message is skipped ("no consent");
3. email needs an ``email`` attribute and SMS a ``phone`` attribute, else skipped ("no address");
4. inside quiet hours (settings on, and the node respects them), in the customer's zone: "delay"
   defers the message to the end of the quiet period, "skip" skips it ("quiet hours");
5. unless the message is exempt, the frequency cap counts the customer's sent, non-exempt messages
   from every journey in the window; at the limit the message is skipped ("frequency cap");
6. a channel listed in ``failing_channels`` fails ("channel failed"); otherwise the message is sent.

Every attempt that reaches a decision (sent, failed, skipped) is recorded in ``outbox``; a deferred
attempt is not, because nothing happened yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.document import Settings
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
from engine.runtime.triggers import matches

#: The profile attribute holding the address a channel kind delivers to.
ADDRESS_ATTRIBUTE: dict[str, str] = {"email": "email", "sms": "phone"}


@dataclass(frozen=True, slots=True)
class FakeEvent:
    customer_id: str
    name: str
    properties: dict[str, Any]
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message attempt and what became of it."""

    customer_id: str
    journey_id: str
    node_id: str
    channel: str
    channel_kind: str
    subject: str
    body: str
    html_body: str
    at: datetime
    status: str
    reason: str = ""
    frequency_cap_exempt: bool = False


@dataclass(frozen=True, slots=True)
class StaffNotice:
    journey_id: str
    node_id: str
    customer_id: str
    channel: str
    channel_kind: str
    recipients: tuple[str, ...]
    message: str
    at: datetime
    status: str


@dataclass
class FakeWorld:
    """Customers, events and deliveries kept in memory, on an injected clock."""

    clock: Clock
    settings: Settings = field(default_factory=Settings)
    #: ``id -> {"attributes", "time_zone", "consent", "tags", "unsubscribed"}``.
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: list[FakeEvent] = field(default_factory=list)
    outbox: list[Delivery] = field(default_factory=list)
    staff_outbox: list[StaffNotice] = field(default_factory=list)
    #: Channel account ids whose every attempt fails.
    failing_channels: set[str] = field(default_factory=set)
    _events_by_customer: dict[str, list[FakeEvent]] = field(default_factory=dict, repr=False)
    _counted_sends: dict[str, list[datetime]] = field(default_factory=dict, repr=False)

    # -- population -----------------------------------------------------------------------------
    def add_customer(self, customer_id: str, attributes: Mapping[str, Any] | None = None, *,
                     time_zone: str | None = None, consent: Mapping[str, bool] | None = None,
                     tags: set[str] | None = None, unsubscribed: bool = False) -> dict[str, Any]:
        if customer_id in self.customers:
            raise ValueError(f"customer '{customer_id}' exists already")
        record = {"attributes": dict(attributes or {}), "time_zone": time_zone,
                  "consent": dict(consent or {}), "tags": set(tags or ()), "unsubscribed": unsubscribed}
        self.customers[customer_id] = record
        return record

    def add_event(self, customer_id: str, name: str, properties: Mapping[str, Any] | None = None,
                  occurred_at: datetime | None = None) -> FakeEvent:
        if customer_id not in self.customers:
            raise KeyError(f"no customer '{customer_id}'")
        event = FakeEvent(customer_id, name, dict(properties or {}), occurred_at or self.clock.now())
        self.events.append(event)
        self._events_by_customer.setdefault(customer_id, []).append(event)
        return event

    def unsubscribe(self, customer_id: str) -> None:
        self.customers[customer_id]["unsubscribed"] = True

    def customer_view(self, customer_id: str) -> CustomerView:
        """A view sharing the stored dicts, so profile updates show through at once."""
        record = self.customers[customer_id]
        return CustomerView(customer_id, record["attributes"], record["time_zone"], record["consent"],
                            record["tags"])

    def context(self, customer_id: str, *, node_id: str, journey_id: str = "journey",
                run_vars: dict[str, Any] | None = None, settings: Settings | None = None,
                event: Mapping[str, Any] | None = None, mode: Mode = "simulation") -> FakeContext:
        """The context for one step; pass the same ``run_vars`` dict to keep state across steps."""
        return FakeContext(self, self.customer_view(customer_id), settings or self.settings,
                           {} if run_vars is None else run_vars, node_id, journey_id, mode, event or {})

    # -- inspection -----------------------------------------------------------------------------
    def events_of(self, customer_id: str) -> list[FakeEvent]:
        return list(self._events_by_customer.get(customer_id, ()))

    def sent(self, customer_id: str | None = None) -> list[Delivery]:
        return [d for d in self.outbox
                if d.status == "sent" and (customer_id is None or d.customer_id == customer_id)]

    # -- used by the context --------------------------------------------------------------------
    def _record(self, delivery: Delivery) -> None:
        self.outbox.append(delivery)
        if delivery.status == "sent" and not delivery.frequency_cap_exempt:
            self._counted_sends.setdefault(delivery.customer_id, []).append(delivery.at)


class FakeContext(StepContext):
    """One step of one customer's run against a :class:`FakeWorld`."""

    __slots__ = ("world", "now", "customer", "settings", "run_vars", "node_id", "journey_id", "mode", "event")

    def __init__(self, world: FakeWorld, customer: CustomerView, settings: Settings, run_vars: dict[str, Any],
                 node_id: str, journey_id: str, mode: Mode, event: Mapping[str, Any]):
        self.world = world
        self.now = world.clock.now()
        self.customer = customer
        self.settings = settings
        self.run_vars = run_vars
        self.node_id = node_id
        self.journey_id = journey_id
        self.mode = mode
        self.event = event

    def count_events(self, name: str, filters: list[dict], since: datetime) -> int:
        return sum(1 for e in self.world._events_by_customer.get(self.customer.id, ())
                   if e.name == name and since <= e.occurred_at <= self.now and matches(filters, e.properties))

    def _skip_reason(self, channel_kind: str) -> str:
        record = self.world.customers[self.customer.id]
        if record["unsubscribed"]:
            return "unsubscribed"
        if not self.customer.consent.get(channel_kind, False):
            return "no consent"
        address = ADDRESS_ATTRIBUTE.get(channel_kind)
        if address and not self.customer.attributes.get(address):
            return "no address"
        return ""

    def send(self, channel: str, channel_kind: str, subject: str, body: str, html_body: str = "",
             respect_quiet_hours: bool = True, frequency_cap_exempt: bool = False) -> SendOutcome:
        def record(status: str, reason: str = "") -> SendOutcome:
            self.world._record(Delivery(self.customer.id, self.journey_id, self.node_id, channel, channel_kind,
                                        subject, body, html_body, self.now, status, reason,
                                        frequency_cap_exempt))
            return SendOutcome(status, reason)  # type: ignore[arg-type]

        reason = self._skip_reason(channel_kind)
        if reason:
            return record("skipped", reason)
        if respect_quiet_hours:
            ends = quiet_until(self.now, self.zone, self.settings.quiet_hours)
            if ends is not None:
                if self.settings.quiet_hours.behaviour == "skip":
                    return record("skipped", "quiet hours")
                return SendOutcome("deferred", "quiet hours", retry_at=ends)
        if not frequency_cap_exempt and frequency_capped(
                self.settings.frequency_cap, self.world._counted_sends.get(self.customer.id, ()), self.now):
            return record("skipped", "frequency cap")
        if channel in self.world.failing_channels:
            return record("failed", "channel failed")
        return record("sent")

    def notify_staff(self, channel: str, channel_kind: str, recipients: list[str], message: str) -> SendOutcome:
        status = "failed" if channel in self.world.failing_channels else "sent"
        self.world.staff_outbox.append(StaffNotice(self.journey_id, self.node_id, self.customer.id, channel,
                                                   channel_kind, tuple(recipients), message, self.now, status))
        return SendOutcome(status, "channel failed" if status == "failed" else "")  # type: ignore[arg-type]

    def update_profile(self, ops: list[dict]) -> None:
        apply_profile_ops(self.customer.attributes, self.customer.tags, ops)
