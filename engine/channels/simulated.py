"""The simulated channel: deliveries for the simulator and demos that never touch the network.

Its outcome is a pure function of the idempotency key (and the account's seed): the same delivery
always succeeds or always fails the same way, with the same provider id, whichever process or run
asks. ``failure_rate`` is the share of keys that fail; of those, ``retryable_share`` fail with a
temporary error (a busy provider) and the rest permanently (an address that does not exist), so the
runner's retry and failure paths can be shown without a real provider.

A temporary failure is temporary: a key that drew one fails its first one or two attempts (the number
is fixed by the key) and is accepted on the next, so a retried delivery ends up sent as it would with
a real busy provider. Attempts are counted per channel object, so the outcome is a function of the key
and of how many times this account has been asked to send it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from engine.channels.base import ChannelResult, Message


def _unit(*parts: str) -> float:
    """A number in [0, 1) fixed by ``parts``."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


@dataclass
class SimulatedChannel:
    """Accepts or refuses each message by its key alone; keeps what it was given for inspection."""

    failure_rate: float = 0.0
    retryable_share: float = 0.5
    seed: str = ""
    account: str = ""
    #: Every message given, in order (repeats included).
    attempts: list[Message] = field(default_factory=list)
    _tries: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for name in ("failure_rate", "retryable_share"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {value}")

    def outcome(self, idempotency_key: str, attempt: int = 1) -> ChannelResult:
        """What the ``attempt``-th send of ``idempotency_key`` returns; no side effect."""
        provider_id = "sim-" + hashlib.sha256(f"{self.seed}\x1f{idempotency_key}".encode()).hexdigest()[:20]
        sent = ChannelResult("sent", provider_id=provider_id, code="simulated")
        if _unit(self.seed, idempotency_key, "fail") >= self.failure_rate:
            return sent
        who = f"simulated account '{self.account}'" if self.account else "the simulated channel"
        if _unit(self.seed, idempotency_key, "retry") < self.retryable_share:
            busy_attempts = 1 + int(_unit(self.seed, idempotency_key, "busy") * 2)
            if attempt > busy_attempts:
                return sent
            return ChannelResult("failed", reason=f"{who}: the provider is busy (simulated)", retryable=True,
                                 retry_after=60.0, code="simulated-busy")
        return ChannelResult("failed", reason=f"{who}: the address does not exist (simulated)",
                             code="simulated-rejected")

    def send(self, message: Message) -> ChannelResult:
        self.attempts.append(message)
        attempt = self._tries.get(message.idempotency_key, 0) + 1
        self._tries[message.idempotency_key] = attempt
        return self.outcome(message.idempotency_key, attempt)

    def check(self) -> ChannelResult:
        return ChannelResult("sent", reason="simulated: nothing leaves this computer")


__all__ = ["SimulatedChannel"]
