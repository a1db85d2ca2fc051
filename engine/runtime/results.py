"""What a node behaviour returns to the runner: go on, park, end, or jump.

These are plain immutable values; the runner alone decides what they mean for the stored run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

#: ``Park.resume_port`` meaning "run this same node again when the time comes" (a send deferred by
#: quiet hours re-runs, so consent, caps and quiet hours are checked afresh at the new moment).
RUN_AGAIN = ""


@dataclass(frozen=True, slots=True)
class Go:
    """Continue through output ``port``; ``note`` says why, for the step log."""

    port: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Park:
    """Wait until a time (then ``resume_port``), or until an event (then ``event_port``) with an
    optional time limit at ``until`` (then ``timeout_port``).

    ``resume_port == RUN_AGAIN`` (the empty string) asks the runner to run the same node again.
    """

    until: datetime | None = None
    event: str | None = None
    filters: list[dict] = field(default_factory=list)
    event_port: str = "event"
    timeout_port: str = "timeout"
    resume_port: str = "next"
    note: str = ""

    def __post_init__(self) -> None:
        if self.until is None and not self.event:
            raise ValueError("a park needs a time, an event, or both")
        if self.until is not None and (self.until.tzinfo is None or self.until.utcoffset() is None):
            raise ValueError(f"a park time must carry a time zone, got {self.until.isoformat()}")

    @property
    def port_at_time(self) -> str:
        """The port followed when ``until`` comes first: the timeout when waiting for an event."""
        return self.timeout_port if self.event else self.resume_port


@dataclass(frozen=True, slots=True)
class End:
    """The run ends here (an exit node, or an output with no edge)."""

    reason: str = ""


@dataclass(frozen=True, slots=True)
class Jump:
    """Continue at ``node_id``; with ``journey_id``, in that journey (``node_id`` empty: its entry)."""

    node_id: str
    journey_id: str | None = None


Outcome = Go | Park | End | Jump


@dataclass
class NodeCounts:
    """What the overlays show for one node; the same in simulation, test and live mode."""

    entered: int = 0
    active: int = 0
    exited: int = 0
    converted: int = 0

    def to_json(self) -> dict:
        return {"entered": self.entered, "active": self.active, "exited": self.exited,
                "converted": self.converted}
