"""Pacing and retry timing for channel accounts: :class:`RateLimited` and :func:`backoff`.

:class:`RateLimited` wraps an account's channel in a token bucket of ``per_minute`` sends. The bucket
holds one token by default, so sends are spaced evenly (60 / ``per_minute`` seconds apart) rather than
let through in a burst: providers count per minute in windows we cannot see (DingTalk refuses the 21st
message in a minute), and an even pace never crosses such a window's limit. ``clock`` and ``sleep``
are injectable so tests advance time themselves.

:func:`backoff` is the wait before a retry, for the runner, which owns retries across steps:
exponential from ``base`` to ``cap``, with jitter drawn from a seed (the delivery's key) so two
deliveries do not retry in lockstep but the same delivery always waits the same, and never less
than the provider's ``Retry-After``.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable

from engine.channels.base import Channel, ChannelResult, Message

#: First retry wait and the longest wait, in seconds.
BACKOFF_BASE = 30.0
BACKOFF_CAP = 6 * 3600.0


class RateLimited:
    """``channel`` sending at most ``per_minute`` messages a minute (0: no limit).

    ``send`` waits (with ``sleep``) until a token is free; the wait happens under a lock, so callers on
    several threads queue up instead of all sending when the token comes back."""

    def __init__(self, channel: Channel, per_minute: int, *, burst: int = 1,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        if per_minute < 0:
            raise ValueError(f"the send rate must be 0 (no limit) or more per minute, not {per_minute}")
        if burst < 1:
            raise ValueError(f"the burst must be at least 1, not {burst}")
        self.channel = channel
        self.per_minute = per_minute
        self.burst = burst
        self.clock = clock
        self.sleep = sleep
        self._lock = threading.Lock()
        self._tokens = float(burst)
        self._updated: float | None = None

    def __repr__(self) -> str:
        return f"RateLimited({self.channel!r}, {self.per_minute}/min)"

    def wait_needed(self) -> float:
        """Seconds a send would wait now (0 when a token is free); changes nothing."""
        if not self.per_minute:
            return 0.0
        with self._lock:
            tokens = self._refilled(self.clock())
        return 0.0 if tokens >= 1 else (1 - tokens) * 60.0 / self.per_minute

    def _refilled(self, now: float) -> float:
        if self._updated is None:
            return self._tokens
        # ``now`` can be before ``_updated`` when a sleep returned early: the tokens then go below
        # zero, a debt the next caller waits off on top of its own token.
        gained = (now - self._updated) * self.per_minute / 60.0
        return min(float(self.burst), self._tokens + gained)

    def acquire(self) -> float:
        """Take a token, sleeping until one is free; returns the seconds slept."""
        if not self.per_minute:
            return 0.0
        with self._lock:
            now = self.clock()
            tokens = self._refilled(now)
            wait = 0.0 if tokens >= 1 else (1 - tokens) * 60.0 / self.per_minute
            if wait > 0:
                self.sleep(wait)
                # The token was earned by the end of the wait, whatever the clock says now (a sleep
                # that returns early must not let the next caller through sooner).
                now = max(self.clock(), now + wait)
                tokens = 1.0
            self._tokens = tokens - 1
            self._updated = now
            return wait

    def send(self, message: Message) -> ChannelResult:
        self.acquire()
        return self.channel.send(message)

    def check(self) -> ChannelResult:
        """The wrapped channel's connection test; not paced, it sends nothing to anyone."""
        check = getattr(self.channel, "check", None)
        if check is None:
            return ChannelResult("sent", reason="this channel has no connection test")
        return check()


def backoff(attempt: int, retry_after: float | None = None, *, base: float = BACKOFF_BASE,
            cap: float = BACKOFF_CAP, seed: str = "") -> float:
    """Seconds to wait before retry number ``attempt`` (1 for the first retry).

    The exponential delay ``base * 2**(attempt-1)`` is capped at ``cap``, then jittered to between
    half and all of it by a fraction fixed by ``seed`` and ``attempt``. A ``retry_after`` from the
    provider is a floor (never retry sooner than asked) but is itself held to ``cap``, so one
    provider's "come back next week" cannot park a delivery for longer than any other failure."""
    if attempt < 1:
        raise ValueError(f"retry attempts count from 1, not {attempt}")
    if base <= 0 or cap < base:
        raise ValueError("backoff needs 0 < base <= cap")
    # 2**60 already exceeds any cap; bounding the exponent keeps float arithmetic finite.
    delay = min(cap, base * 2.0 ** min(attempt - 1, 60))
    digest = hashlib.sha256(f"{seed}\x1f{attempt}".encode()).digest()
    fraction = int.from_bytes(digest[:8], "big") / 2**64
    wait = delay / 2 + fraction * delay / 2
    if retry_after is not None and retry_after > wait:
        wait = min(float(retry_after), cap)
    return wait


__all__ = ["BACKOFF_BASE", "BACKOFF_CAP", "RateLimited", "backoff"]
