"""The engine runtime: clocks, the step context node behaviours run against, what they return, and
the entry triggers. The store-backed runner builds on these; :mod:`engine.runtime.fake` is the
in-memory world for tests and the simulator."""

from engine.runtime.clock import Clock, RealClock, VirtualClock
from engine.runtime.context import CustomerView, SendOutcome, StepContext
from engine.runtime.results import RUN_AGAIN, End, Go, Jump, Outcome, Park
from engine.runtime.triggers import (
    DatePropertyTrigger,
    EventTrigger,
    ManualTrigger,
    ScheduleTrigger,
    SegmentTrigger,
    Trigger,
    matches,
    rule_matches,
)

__all__ = [
    "RUN_AGAIN", "Clock", "CustomerView", "DatePropertyTrigger", "End", "EventTrigger", "Go", "Jump",
    "ManualTrigger", "Outcome", "Park", "RealClock", "ScheduleTrigger", "SegmentTrigger", "SendOutcome",
    "StepContext", "Trigger", "VirtualClock", "matches", "rule_matches",
]
