"""The step context: the only thing a node behaviour sees, and the rules every implementation shares.

A behaviour reads the customer, the settings and the clock from a :class:`StepContext` and makes
every side effect through it (send, notify staff, update the profile). The store-backed runner and
the in-memory :mod:`engine.runtime.fake` implement the abstract methods; bucketing, template
rendering, the customer's zone and the governance rules (quiet hours, frequency cap) live here once,
so simulation, test and live runs answer alike by construction.
"""

from __future__ import annotations

import copy
import hashlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from engine import templating
from engine.document import FrequencyCap, QuietHours, Settings
from engine.runtime.clock import at_local, parse_hhmm, zone_of

Mode = Literal["simulation", "test", "live"]
SendStatus = Literal["sent", "failed", "skipped", "deferred"]
SEND_STATUSES: frozenset[str] = frozenset({"sent", "failed", "skipped", "deferred"})


@dataclass(slots=True)
class CustomerView:
    """The customer a step runs for. Implementations may share the dicts with their store, so a
    profile update is visible to the following steps at once."""

    id: str
    attributes: dict[str, Any] = field(default_factory=dict)
    time_zone: str | None = None
    consent: dict[str, bool] = field(default_factory=dict)
    tags: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class SendOutcome:
    """What became of a message: ``sent``, ``failed``, ``skipped`` (with ``reason``) or ``deferred``
    until ``retry_at`` (quiet hours with the "delay" behaviour)."""

    status: SendStatus
    reason: str = ""
    retry_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.status not in SEND_STATUSES:
            raise ValueError(f"unknown send status '{self.status}'")
        if self.status == "deferred" and self.retry_at is None:
            raise ValueError("a deferred send needs retry_at")


# ---------------------------------------------------------------------------------------------
# Shared rules
# ---------------------------------------------------------------------------------------------


def bucket(customer_id: str, salt: str) -> float:
    """A number in [0, 1) fixed by the customer id and ``salt``: the same customer always lands in the
    same place, so splits, experiments and holdouts are sticky without storing anything."""
    digest = hashlib.sha256(f"{customer_id}\x1f{salt}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 18446744073709551616.0  # 2**64


def quiet_until(now: datetime, zone: ZoneInfo, quiet: QuietHours) -> datetime | None:
    """When quiet hours that cover ``now`` (in ``zone``) end; ``None`` when they are off or ``now`` is
    outside them. ``start`` is inside the quiet period, ``end`` is not; a period may run past
    midnight (21:00–08:00); equal start and end mean no quiet period."""
    if not quiet.enabled:
        return None
    start, end = parse_hhmm(quiet.start), parse_hhmm(quiet.end)
    if start == end:
        return None
    local = now.astimezone(zone)
    wall = local.time().replace(tzinfo=None)
    day = local.date()
    if start < end:
        inside = start <= wall < end
        end_day = day
    else:
        inside = wall >= start or wall < end
        end_day = day + timedelta(days=1) if wall >= start else day
    if not inside:
        return None
    moment = at_local(end_day, end, zone)
    # A DST change inside the window can put the computed end at or before now; then the next day's.
    return moment if moment > now else at_local(end_day + timedelta(days=1), end, zone)


def frequency_capped(cap: FrequencyCap, sent_at: Iterable[datetime], now: datetime) -> bool:
    """Whether one more message would break ``cap``, given when the customer's counted messages went
    out (from every journey). A message counts while it is less than ``per_days`` old."""
    if not cap.enabled:
        return False
    since = now - timedelta(days=cap.per_days)
    return sum(1 for at in sent_at if since < at <= now) >= cap.max_messages


# ---------------------------------------------------------------------------------------------
# The context
# ---------------------------------------------------------------------------------------------


class StepContext(ABC):
    """Everything one step of one customer's run may read or do."""

    __slots__ = ()

    #: The current moment (UTC).
    now: datetime
    customer: CustomerView
    settings: Settings
    #: Durable per-run scratch (experiment assignments, loop counters); JSON values only.
    run_vars: dict[str, Any]
    node_id: str
    journey_id: str
    mode: Mode
    #: Properties of the event that started or resumed the run (empty when none).
    event: Mapping[str, Any]

    # -- shared ---------------------------------------------------------------------------------
    def bucket(self, salt: str) -> float:
        return bucket(self.customer.id, salt)

    def render(self, template: str, *, html: bool = False, json: bool = False, name: str | None = None) -> str:
        """``template`` (called ``name`` in errors: "body line 3: ...") filled in for this customer
        and event by the sandboxed renderer (:mod:`engine.templating`; ``json``: values escaped for
        a JSON document); raises :class:`~engine.errors.TemplateError` when it cannot be.

        ``customer.id`` is the profile's id, and ``customer.identifiers.user_id`` (``email``,
        ``phone``, ``anonymous_id``...) the identifiers the customer is known by."""
        if "{" not in template and len(template) <= templating.MAX_CHARS:
            return template  # nothing to fill in: what the renderer would give back, without building its context
        customer = {"id": self.customer.id, **self.customer.attributes}
        if "identifiers" in template:  # read only for a template that uses them
            customer.setdefault("identifiers", dict(self.identifiers()))
        return templating.render(template, {"customer": customer, "event": dict(self.event or {})},
                                 html=html, json=json, name=name)

    def identifiers(self) -> Mapping[str, str]:
        """The customer's identifiers by kind (``user_id``, ``email``...; none in a simulation)."""
        return {}

    def template_failed(self, message: str) -> None:
        """A message this step was to send could not be written (``message`` says which template
        and why): nothing was sent. The live engine reports it; a simulation's step log is enough."""
        return None

    def in_segment(self, segment_id: str) -> bool | None:
        """Whether the customer is in a saved segment; ``None`` where there is no segment store
        (a simulation reads the profile's ``segments`` attribute instead)."""
        segments = self.customer.attributes.get("segments")
        if not isinstance(segments, list | tuple | set):
            return None
        return segment_id in segments

    @property
    def zone(self) -> ZoneInfo:
        """The customer's zone, or the journey's when the customer has none (or an unknown one)."""
        return zone_of(self.customer.time_zone, self.settings.time_zone)

    # -- side effects ---------------------------------------------------------------------------
    @abstractmethod
    def count_events(self, name: str, filters: list[dict], since: datetime) -> int:
        """How many ``name`` events passing ``filters`` this customer did from ``since`` until now."""

    @abstractmethod
    def send(self, channel: str, channel_kind: str, subject: str, body: str, html_body: str = "",
             respect_quiet_hours: bool = True, frequency_cap_exempt: bool = False) -> SendOutcome:
        """Deliver a message to the customer, applying unsubscribe, consent, the address, quiet hours
        and the frequency cap (in that order)."""

    @abstractmethod
    def notify_staff(self, channel: str, channel_kind: str, recipients: list[str], message: str) -> SendOutcome:
        """Alert the team; no consent, cap or quiet hours apply."""

    @abstractmethod
    def update_profile(self, ops: list[dict]) -> None:
        """Apply ``set``/``unset``/``add_tag``/``remove_tag`` operations in order."""


def apply_profile_ops(attributes: dict, tags: set, ops: list[dict]) -> None:
    """Apply update_profile operations (set, unset, add_tag, remove_tag) to a profile in place."""
    for op in ops:
        kind = op["kind"]
        if kind == "set":
            value = op["value"]
            # A list or mapping is copied: the operation is shared by every run of the node.
            attributes[op["attribute"]] = copy.deepcopy(value) if isinstance(value, dict | list) else value
        elif kind == "unset":
            attributes.pop(op["attribute"], None)
        elif kind == "add_tag":
            tags.add(op["tag"])
        elif kind == "remove_tag":
            tags.discard(op["tag"])
        else:
            raise ValueError(f"unknown profile operation '{kind}'")
