"""How the runner hands a message to the outside world: the :class:`Channel` interface, the message
and result values, and :class:`RecordingChannel`, which keeps messages in memory (tests, test mode).

A channel only delivers. Consent, the frequency cap, quiet hours and the outbox (the delivery row
written before the call, the outcome after) belong to the runner; the channel sees a message once
per idempotency key unless a caller resends deliberately.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

ResultStatus = Literal["sent", "failed"]


@dataclass(frozen=True, slots=True)
class Message:
    """One message to one customer (or to staff: ``recipients``)."""

    idempotency_key: str
    channel: str
    channel_kind: str
    customer_id: str
    journey_id: str
    node_id: str
    run_id: str
    to: str
    subject: str
    body: str
    html_body: str = ""
    recipients: tuple[str, ...] = ()
    #: Per-recipient token for ``List-Unsubscribe`` (see :mod:`engine.channels.unsubscribe`); empty
    #: for staff notices and channels without unsubscribe.
    unsubscribe_token: str = ""


@dataclass(frozen=True, slots=True)
class ChannelResult:
    """What the channel said: ``sent`` with the provider's id for the message, or ``failed`` with a
    reason and whether trying again later could succeed."""

    status: ResultStatus
    provider_id: str = ""
    reason: str = ""
    retryable: bool = False
    #: Seconds the provider asked us to wait before trying again (HTTP ``Retry-After``), if it said.
    retry_after: float | None = None
    #: The provider's own code (SMTP reply code, HTTP status, SMS provider error code), as text.
    code: str = ""

    def __post_init__(self) -> None:
        if self.status not in ("sent", "failed"):
            raise ValueError(f"unknown channel result status '{self.status}'")


@runtime_checkable
class Channel(Protocol):
    """A channel account the runner can send through.

    ``send`` must not raise for a delivery problem: it returns a failed :class:`ChannelResult`
    with a readable reason (never containing a secret) and whether a retry could help."""

    def send(self, message: Message) -> ChannelResult: ...


@dataclass
class RecordingChannel:
    """Keeps every message it is given; with ``fail`` set, every attempt fails instead.

    With ``idempotent`` set it behaves like a provider that honours idempotency keys: a key it has
    accepted before is answered with the same id and not kept twice (the runner may then write its
    outbox rows with the step batch instead of before each call)."""

    fail: bool = False
    fail_reason: str = "channel failed"
    retryable: bool = False
    idempotent: bool = False
    #: Messages accepted, in order.
    messages: list[Message] = field(default_factory=list)
    #: Every call, accepted or not.
    attempts: list[Message] = field(default_factory=list)
    _accepted: dict[str, str] = field(default_factory=dict, repr=False)

    def send(self, message: Message) -> ChannelResult:
        self.attempts.append(message)
        if self.fail:
            return ChannelResult("failed", reason=self.fail_reason, retryable=self.retryable)
        if self.idempotent and message.idempotency_key in self._accepted:
            return ChannelResult("sent", provider_id=self._accepted[message.idempotency_key])
        self.messages.append(message)
        provider_id = f"recorded-{len(self.messages)}"
        self._accepted[message.idempotency_key] = provider_id
        return ChannelResult("sent", provider_id=provider_id)


__all__ = ["Channel", "ChannelResult", "Message", "RecordingChannel"]
