"""The live engine: passes of the durable runner over a workspace, in live mode.

A pass hands the runner every stored event it has not seen yet (oldest first, the cursor saved
after each one so a restart goes on from there), then takes every due run in batches. The same
pass runs headless (``journey-studio run``) and in the app's background thread, so both behave
alike; neither may run while another process writes the workspace (the workspace lock says so).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import func, select

from engine.channels import Channel, ChannelResult, Message
from engine.runtime.clock import Clock
from engine.runtime.runner import Runner
from engine.spec import Registry
from engine.store.customers import EventRecord
from engine.store.models import DeliveryRow, EventRow
from engine.store.runs import Batch, RunStore
from engine.store.workspace import Workspace

#: Workspace setting holding the id of the last event the live runner has handled.
EVENT_CURSOR_KEY = "runner.live.event_cursor"
#: Events and due runs taken per step of a pass.
RUN_BATCH = 500


#: How often (seconds of wall time) the unsubscribe mailboxes and SMS replies are read; the first
#: pass always does.
MAILBOX_EVERY_S = 300.0


@dataclass(frozen=True)
class PassResult:
    """What one pass did."""

    events: int = 0
    runs: int = 0
    sent: int = 0
    failed: int = 0
    #: New opt-outs read from unsubscribe mailboxes and SMS replies before the pass sent anything.
    opt_outs: int = 0
    #: What cannot be done now, one sentence each, while the pass went on with the rest: mailboxes and SMS
    #: accounts the last read could not read, live entries and checks naming a saved segment that no longer
    #: exists. Every pass reports them until they are mended.
    problems: tuple[str, ...] = ()
    #: Attempts that failed in a way that may pass (the outbox says whether another attempt follows).
    retried: int = 0
    #: The messages of this pass not sent because their template could not be filled in, one sentence
    #: per node and reason (counted in ``failed`` too); said by the pass they happen in only.
    unsent: tuple[str, ...] = ()
    #: Messages skipped by the rules (``no consent``, ``no address``, ``opted out``, ``quiet hours``,
    #: ``frequency cap``), by reason; each has a ``skipped`` outbox row saying why.
    skipped: tuple[tuple[str, int], ...] = ()

    def __bool__(self) -> bool:
        return self.busy or bool(self.problems)

    @property
    def busy(self) -> bool:
        """Whether the pass did anything (problems aside)."""
        return bool(self.events or self.runs or self.sent or self.failed or self.opt_outs or self.retried
                    or self.skipped)

    def describe(self, problems: bool = True) -> str:
        """One line of what the pass did, then (``problems``) a ``warning:`` line per problem."""
        parts = [f"{_plural(self.opt_outs, 'opt-out')} read from unsubscribe mail and SMS replies"] \
            if self.opt_outs else []
        parts += [f"{_plural(self.events, 'event')} handled"] if self.events else []
        parts += [f"{_plural(self.runs, 'run')} advanced", f"{_plural(self.sent, 'message')} sent"]
        if self.failed:
            parts.append(f"{self.failed:,} failed")
        if self.skipped:
            reasons = ", ".join(f"{reason} {n:,}" for reason, n in self.skipped)
            parts.append(f"{sum(n for _r, n in self.skipped):,} skipped ({reasons}; see 'outbox list --status skipped')")
        if self.retried:
            parts.append(f"{self.retried:,} to be tried again (see 'outbox list --status retrying')")
        text = ", ".join(parts)
        for problem in (*(self.problems if problems else ()), *self.unsent):
            text += f"\nwarning: {problem}"
        return text


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


class WatchedChannel:
    """A channel that tells ``on_message`` what the channel it wraps answered to each message."""

    def __init__(self, channel: Channel, on_message: Callable[[Message, ChannelResult], None]):
        self.channel = channel
        self.on_message = on_message
        self.idempotent = bool(getattr(channel, "idempotent", False))

    def send(self, message: Message) -> ChannelResult:
        result = self.channel.send(message)
        self.on_message(message, result)
        return result


class _MovedRunStore(RunStore):
    """A run store that notes which runs were written (started, woken, stepped or ended)."""

    def __init__(self, workspace: Workspace):
        super().__init__(workspace)
        self.moved: set[str] = set()

    def write(self, batch: Batch) -> None:
        super().write(batch)
        self.moved.update(batch.runs)


def new_events(ws: Workspace, after: int, limit: int) -> list[EventRecord]:
    """Stored events with an id above ``after``, oldest first."""
    with ws._session() as s:
        rows = s.execute(select(EventRow).where(EventRow.id > after).order_by(EventRow.id).limit(limit)).scalars()
        return [EventRecord(r.id, r.customer_id, r.name, dict(r.properties or {}), r.occurred_at, r.received_at,
                            r.source, r.dedup_key) for r in rows]


class LiveEngine:
    """Live-mode passes over ``ws`` on ``clock``, sending through ``channels`` (account id →
    channel; replace them with :meth:`set_channels`)."""

    def __init__(self, ws: Workspace, registry: Registry, clock: Clock,
                 channels: Mapping[str, Channel] | None = None):
        self.workspace = ws
        self.runner = Runner(ws, registry, clock, mode="live")
        self.store = _MovedRunStore(ws)
        self.runner.store = self.store
        self.sent = 0
        self.failed = 0
        self.retried = 0
        self._mail_read_at: float | None = None
        #: What the last read of the mailboxes could not read (reported by every pass until the next read).
        self._mailbox_problems: tuple[str, ...] = ()
        self.runner.on_result = self._count
        self.set_channels(channels or {})

    def _count(self, _message: Message, result: ChannelResult) -> None:
        if result.status == "sent":
            self.sent += 1
        elif result.retryable:
            self.retried += 1  # tried again later (or failed for good after the last attempt)
        else:
            self.failed += 1

    def set_channels(self, channels: Mapping[str, Channel]) -> None:
        self.runner.channels = dict(channels)

    def read_mailboxes(self) -> tuple[int, tuple[str, ...]]:
        """Apply the unsubscribe requests that arrived by mail and the STOP replies to SMS accounts
        (while the app was closed, too): new opt-outs, and the accounts that could not be read."""
        from engine.channels.imap import fetch_all_unsubscribes
        from engine.channels.sms_replies import fetch_all_sms_replies

        self._mail_read_at = time.monotonic()
        found = fetch_all_unsubscribes(self.workspace)
        replies = fetch_all_sms_replies(self.workspace)
        opt_outs = sum(n for n in [*found.values(), *replies.values()] if isinstance(n, int))
        problems = tuple(f"unsubscribe mailbox of '{account}' not read: {why}"
                         for account, why in found.items() if isinstance(why, str))
        problems += tuple(f"SMS replies of '{account}' not read: {why}"
                          for account, why in replies.items() if isinstance(why, str))
        return opt_outs, problems

    def run_pass(self, stop: Callable[[], bool] = lambda: False) -> PassResult:
        """Read the unsubscribe mailboxes and SMS replies (first pass, then every few minutes), hand over new
        events, then advance every due run (checking ``stop`` between batches)."""
        ws, runner = self.workspace, self.runner
        opt_outs = 0
        if self._mail_read_at is None or time.monotonic() - self._mail_read_at >= MAILBOX_EVERY_S:
            opt_outs, self._mailbox_problems = self.read_mailboxes()
        sent_before, failed_before, retried_before = self.sent, self.failed, self.retried
        self.store.moved.clear()
        events = 0
        cursor = int(ws.get_meta(EVENT_CURSOR_KEY) or 0)
        while not stop():
            batch = new_events(ws, cursor, RUN_BATCH)
            for event in batch:
                runner.handle_event(event)
                cursor = event.id
                # Saved after each event: a restart goes on from here instead of starting runs twice.
                ws.set_meta(EVENT_CURSOR_KEY, str(cursor))
            events += len(batch)
            if len(batch) < RUN_BATCH:
                break
        while not stop():
            if runner.tick(RUN_BATCH) < RUN_BATCH:  # a short batch means nothing else was due
                break
        unsent = runner.take_template_failures()
        skipped, runner.skipped = tuple(sorted(runner.skipped.items())), {}
        failed = self.failed - failed_before + runner.template_failed_count
        return PassResult(events, len(self.store.moved), self.sent - sent_before, failed,
                          opt_outs, (*self._mailbox_problems, *runner.problems()),
                          self.retried - retried_before, unsent, skipped)


def retrying_count(ws: Workspace) -> int:
    """Messages waiting for another attempt (their last one failed in a way that may pass)."""
    with ws._session() as s:
        return int(s.scalar(select(func.count()).select_from(DeliveryRow)
                            .where(DeliveryRow.status == "retrying")) or 0)


__all__ = ["EVENT_CURSOR_KEY", "RUN_BATCH", "LiveEngine", "PassResult", "WatchedChannel", "new_events",
           "retrying_count"]
