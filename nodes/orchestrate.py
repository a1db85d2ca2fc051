"""Orchestrate: the runnable steps of a journey — entry, splits, waits, messages, profile updates,
staff alerts, goals, jumps and exits.

Configs, ports and summaries live here; the behaviours (``run``, the entry trigger and the goal event)
come from ``behaviour.py``.
Output port names are part of the file format: edges refer to them, so they never change.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from engine.i18n import QT_TRANSLATE_NOOP
from engine.spec import NodeSpec, Port, Stage

from . import behaviour
from .common import (
    CHANNEL_KIND_LABELS,
    IN,
    NEXT,
    WEEKDAYS,
    AttributeName,
    AttributeRule,
    ChannelKind,
    ConfigBase,
    Duration,
    EventName,
    Match,
    PropertyFilter,
    Scalar,
    TagName,
    TimeOfDay,
    TimeUnit,
    Weekday,
    WeightedPath,
    channel_field,
    check_paths,
    clip,
    filters_field,
    match_field,
    path_ports,
    port,
    rules_field,
    rules_text,
    shares_text,
    widget,
)


def _event_field(title: str = QT_TRANSLATE_NOOP("nodes", "Event")) -> object:
    return Field(title=title, json_schema_extra=widget("event"))


def _segment_field(*, required: bool) -> object:
    return Field(... if required else "", min_length=1 if required else 0, max_length=64,
                 title=QT_TRANSLATE_NOOP("nodes", "Segment"),
                 description=QT_TRANSLATE_NOOP("nodes", "A saved segment of the workspace."),
                 json_schema_extra=widget("segment"))


def _filters_suffix(filters: list[PropertyFilter]) -> str:
    return f" ({rules_text(filters)})" if filters else ""


# ---------------------------------------------------------------------------------------------
# orchestrate.entry
# ---------------------------------------------------------------------------------------------


class EventTrigger(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "When an event happens"))

    kind: Literal["event"] = Field("event", title=QT_TRANSLATE_NOOP("nodes", "Trigger"))
    event: EventName = _event_field()
    filters: list[PropertyFilter] = filters_field()


class SegmentTrigger(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "When a customer enters a segment"))

    kind: Literal["segment"] = Field("segment", title=QT_TRANSLATE_NOOP("nodes", "Trigger"))
    rules: list[AttributeRule] = rules_field(QT_TRANSLATE_NOOP("nodes", "Customers where"))
    match: Match = match_field()
    segment_id: str = _segment_field(required=False)

    @model_validator(mode="after")
    def _something(self) -> SegmentTrigger:
        if not self.rules and not self.segment_id:
            raise ValueError("give at least one rule or a saved segment")
        return self


class ScheduleTrigger(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "On a schedule"))

    kind: Literal["schedule"] = Field("schedule", title=QT_TRANSLATE_NOOP("nodes", "Trigger"))
    repeat: Literal["once", "recurring"] = Field("once", title=QT_TRANSLATE_NOOP("nodes", "Repeat"))
    at: datetime | None = Field(None, title=QT_TRANSLATE_NOOP("nodes", "Date and time"),
                                description=QT_TRANSLATE_NOOP("nodes", "For a one-off run. Without a UTC "
                                                                       "offset it is read in the journey's "
                                                                       "time zone."))
    every: int = Field(1, ge=1, le=365, title=QT_TRANSLATE_NOOP("nodes", "Every"))
    unit: Literal["days", "weeks"] = Field("weeks", title=QT_TRANSLATE_NOOP("nodes", "Unit"))
    time: TimeOfDay = Field("09:00", title=QT_TRANSLATE_NOOP("nodes", "At (time of day)"),
                            description=QT_TRANSLATE_NOOP("nodes", "For a recurring run, in the journey's "
                                                                   "time zone."))
    starts_on: datetime | None = Field(None, title=QT_TRANSLATE_NOOP("nodes", "Starting"),
                                       description=QT_TRANSLATE_NOOP("nodes", "First day of a recurring run; "
                                                                              "empty for the day the journey "
                                                                              "goes live."))
    rules: list[AttributeRule] = rules_field(QT_TRANSLATE_NOOP("nodes", "Customers where"))
    match: Match = match_field()
    segment_id: str = _segment_field(required=False)

    @model_validator(mode="after")
    def _when(self) -> ScheduleTrigger:
        if self.repeat == "once" and self.at is None:
            raise ValueError("a one-off schedule needs a date and time ('at')")
        return self


class DatePropertyTrigger(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "On a date of the customer (birthday…)"))

    kind: Literal["date_property"] = Field("date_property", title=QT_TRANSLATE_NOOP("nodes", "Trigger"))
    attribute: AttributeName = Field("birthday", title=QT_TRANSLATE_NOOP("nodes", "Date attribute"),
                                     description=QT_TRANSLATE_NOOP("nodes", "A profile attribute holding a "
                                                                            "date, e.g. birthday."))
    offset_days: int = Field(0, ge=-365, le=365,
                             title=QT_TRANSLATE_NOOP("nodes", "Days before (−) or after (+)"))
    time: TimeOfDay = Field("09:00", title=QT_TRANSLATE_NOOP("nodes", "At (time of day)"),
                            description=QT_TRANSLATE_NOOP("nodes", "In the customer's time zone."))
    yearly: bool = Field(True, title=QT_TRANSLATE_NOOP("nodes", "Every year"),
                         description=QT_TRANSLATE_NOOP("nodes", "Match day and month each year (birthdays, "
                                                                "anniversaries)."))


class ManualTrigger(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "Manually"))

    kind: Literal["manual"] = Field("manual", title=QT_TRANSLATE_NOOP("nodes", "Trigger"))


Trigger = Annotated[EventTrigger | SegmentTrigger | ScheduleTrigger | DatePropertyTrigger | ManualTrigger,
                    Field(discriminator="kind")]


class EntryConfig(ConfigBase):
    trigger: Trigger = Field(default_factory=ManualTrigger,
                             title=QT_TRANSLATE_NOOP("nodes", "Customers enter"))
    re_entry: Literal["inherit", "never", "after_exit", "always"] = Field(
        "inherit", title=QT_TRANSLATE_NOOP("nodes", "Re-entry"),
        description=QT_TRANSLATE_NOOP("nodes", "'inherit' follows the journey settings; the others override "
                                               "them for this entry."))
    re_entry_cooldown_days: int = Field(0, ge=0, le=3650,
                                        title=QT_TRANSLATE_NOOP("nodes", "Wait before re-entry (days)"),
                                        description=QT_TRANSLATE_NOOP("nodes", "Used when re-entry is "
                                                                               "overridden here."))
    entry_limit: int = Field(0, ge=0, le=100_000_000, title=QT_TRANSLATE_NOOP("nodes", "Entry limit"),
                             description=QT_TRANSLATE_NOOP("nodes", "At most this many customers enter; 0 "
                                                                    "for no limit."))


def _entry_summary(c: EntryConfig) -> str:
    t = c.trigger
    if isinstance(t, EventTrigger):
        text = f"On {t.event}{_filters_suffix(t.filters)}"
    elif isinstance(t, SegmentTrigger):
        text = f"Enters {rules_text(t.rules, t.match)}" if t.rules else f"Enters segment {t.segment_id}"
    elif isinstance(t, ScheduleTrigger):
        if t.repeat == "once" and t.at is not None:
            text = f"Once {t.at:%Y-%m-%d %H:%M}"
        else:
            unit = t.unit[:-1] if t.every == 1 else t.unit
            text = f"Every {t.every} {unit} at {t.time}" if t.every != 1 else f"Every {unit} at {t.time}"
    elif isinstance(t, DatePropertyTrigger):
        off = f" {t.offset_days:+d}d" if t.offset_days else ""
        text = f"On {t.attribute}{off}"
    else:
        text = QT_TRANSLATE_NOOP("nodes", "Manual entry")
    if c.entry_limit:
        text += f" (max {c.entry_limit})"
    return clip(text)


ENTRY = NodeSpec(
    type_key="orchestrate.entry", version=1,
    title=QT_TRANSLATE_NOOP("nodes", "Entry"),
    stage=Stage.ORCHESTRATE, config_model=EntryConfig, icon="entry",
    inputs=(), outputs=(NEXT,),
    description=QT_TRANSLATE_NOOP("nodes", "Where customers start the journey: on an event, when they join a "
                                           "segment, on a schedule, on a date such as a birthday, or by "
                                           "hand."),
    summary=_entry_summary,
    example={"trigger": {"kind": "event", "event": "signed_up",
                         "filters": [{"property": "source", "operator": "ne", "value": "import"}]},
             "re_entry": "never", "re_entry_cooldown_days": 0, "entry_limit": 0},
    run=behaviour.run_entry, trigger=behaviour.entry_trigger,
    executable=True, is_entry=True,
    keywords=("trigger", "start", "begin", "audience"),
)


# ---------------------------------------------------------------------------------------------
# orchestrate.condition
# ---------------------------------------------------------------------------------------------


class AttributeCheck(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "Profile attribute"))

    kind: Literal["attribute"] = Field("attribute", title=QT_TRANSLATE_NOOP("nodes", "Check"))
    rules: list[AttributeRule] = rules_field(QT_TRANSLATE_NOOP("nodes", "Customers where"), min_length=1)
    match: Match = match_field()
    missing_attribute: Literal["yes", "no"] = Field(
        "no", title=QT_TRANSLATE_NOOP("nodes", "Without the attribute go to"),
        description=QT_TRANSLATE_NOOP("nodes", "The branch a customer takes when the profile lacks an "
                                               "attribute a rule tests (rules using 'is set' / 'is not set' "
                                               "are answered normally)."))


class EventWithinCheck(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "Did an event recently"))

    kind: Literal["event_within"] = Field("event_within", title=QT_TRANSLATE_NOOP("nodes", "Check"))
    event: EventName = _event_field()
    min_count: int = Field(1, ge=1, le=10_000, title=QT_TRANSLATE_NOOP("nodes", "At least (times)"))
    within_days: int = Field(7, ge=1, le=3650, title=QT_TRANSLATE_NOOP("nodes", "Within the last (days)"))
    filters: list[PropertyFilter] = filters_field()


class SegmentCheck(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "In a segment"))

    kind: Literal["segment"] = Field("segment", title=QT_TRANSLATE_NOOP("nodes", "Check"))
    segment_id: str = _segment_field(required=True)


class ConsentCheck(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "Has consent for a channel"))

    kind: Literal["consent"] = Field("consent", title=QT_TRANSLATE_NOOP("nodes", "Check"))
    channel_kind: ChannelKind = Field("email", title=QT_TRANSLATE_NOOP("nodes", "Channel"))


Check = Annotated[AttributeCheck | EventWithinCheck | SegmentCheck | ConsentCheck,
                  Field(discriminator="kind")]


class ConditionConfig(ConfigBase):
    check: Check = Field(title=QT_TRANSLATE_NOOP("nodes", "Condition"))


def _condition_summary(c: ConditionConfig) -> str:
    k = c.check
    if isinstance(k, AttributeCheck):
        text = f"If {rules_text(k.rules, k.match)}"
    elif isinstance(k, EventWithinCheck):
        times = f" ×{k.min_count}" if k.min_count > 1 else ""
        text = f"If {k.event}{times} in {k.within_days}d"
    elif isinstance(k, SegmentCheck):
        text = f"If in segment {k.segment_id}"
    else:
        text = f"If {CHANNEL_KIND_LABELS[k.channel_kind]} consent"
    return clip(text)


CONDITION = NodeSpec(
    type_key="orchestrate.condition", version=1,
    title=QT_TRANSLATE_NOOP("nodes", "Condition"),
    stage=Stage.ORCHESTRATE, config_model=ConditionConfig, icon="condition",
    inputs=(IN,),
    outputs=(port("yes", QT_TRANSLATE_NOOP("nodes", "Yes")), port("no", QT_TRANSLATE_NOOP("nodes", "No"))),
    description=QT_TRANSLATE_NOOP("nodes", "Send customers one way or the other: by a profile attribute, a "
                                           "recent event, segment membership or consent."),
    summary=_condition_summary,
    example={"check": {"kind": "attribute", "match": "all", "missing_attribute": "no",
                       "rules": [{"attribute": "plan", "operator": "eq", "value": "pro"}]}},
    run=behaviour.run_condition,
    executable=True,
    keywords=("if", "branch", "yes no", "filter", "split"),
)


# ---------------------------------------------------------------------------------------------
# orchestrate.multi_split
# ---------------------------------------------------------------------------------------------

#: Output of a customer whose value matches none of the branches.
ELSE = "else"


def branch_port(index: int) -> str:
    """Port of the ``index``-th (0-based) branch value: ``branch_1``, ``branch_2``, …

    Named by position, not by value, so that correcting a value's spelling keeps its edge."""
    return f"branch_{index + 1}"


class MultiSplitConfig(ConfigBase):
    attribute: AttributeName = Field(title=QT_TRANSLATE_NOOP("nodes", "Attribute"),
                                     description=QT_TRANSLATE_NOOP("nodes", "Profile attribute to split on."))
    values: list[Scalar] = Field(min_length=1, max_length=20,
                                 title=QT_TRANSLATE_NOOP("nodes", "Branch values"),
                                 description=QT_TRANSLATE_NOOP("nodes", "One branch per value, in order; "
                                                                        "everything else goes to 'Else'."))
    case_sensitive: bool = Field(False, title=QT_TRANSLATE_NOOP("nodes", "Case sensitive"),
                                 description=QT_TRANSLATE_NOOP("nodes", "Whether 'Gold' and 'gold' count as "
                                                                        "different values."))

    @model_validator(mode="after")
    def _distinct(self) -> MultiSplitConfig:
        seen: set[str] = set()
        for v in self.values:
            key = str(v) if self.case_sensitive else str(v).casefold()
            if isinstance(v, str) and not v.strip():
                raise ValueError("a branch value is empty")
            if key in seen:
                raise ValueError(f"value '{v}' is given twice")
            seen.add(key)
        return self


def _multi_split_ports(c: MultiSplitConfig) -> tuple[Port, ...]:
    branches = tuple(Port(branch_port(i), label=str(v)) for i, v in enumerate(c.values))
    return (*branches, Port(ELSE, label=QT_TRANSLATE_NOOP("nodes", "Else")))


def _multi_split_summary(c: MultiSplitConfig) -> str:
    return clip(f"By {c.attribute}: {', '.join(str(v) for v in c.values)}")


MULTI_SPLIT = NodeSpec(
    type_key="orchestrate.multi_split", version=1,
    title=QT_TRANSLATE_NOOP("nodes", "Split by value"),
    stage=Stage.ORCHESTRATE, config_model=MultiSplitConfig, icon="multi_split",
    inputs=(IN,), outputs=(Port(ELSE, label=QT_TRANSLATE_NOOP("nodes", "Else")),),
    dynamic_outputs=_multi_split_ports,
    description=QT_TRANSLATE_NOOP("nodes", "One branch per value of a profile attribute (such as plan or "
                                           "country), plus one for everyone else."),
    summary=_multi_split_summary,
    example={"attribute": "plan", "values": ["free", "pro", "business"], "case_sensitive": False},
    run=behaviour.run_multi_split,
    executable=True,
    keywords=("switch", "case", "branch", "attribute"),
)


# ---------------------------------------------------------------------------------------------
# orchestrate.random_split
# ---------------------------------------------------------------------------------------------


def _two_paths() -> list[WeightedPath]:
    return [WeightedPath(name="a", weight=50), WeightedPath(name="b", weight=50)]


class RandomSplitConfig(ConfigBase):
    paths: list[WeightedPath] = Field(default_factory=_two_paths, min_length=2, max_length=10,
                                      title=QT_TRANSLATE_NOOP("nodes", "Paths"),
                                      description=QT_TRANSLATE_NOOP("nodes", "Each customer always gets the "
                                                                             "same path (chosen from their "
                                                                             "id), in proportion to the "
                                                                             "weights."))

    @field_validator("paths")
    @classmethod
    def _paths(cls, paths: list[WeightedPath]) -> list[WeightedPath]:
        check_paths(paths, "path")
        return paths


RANDOM_SPLIT = NodeSpec(
    type_key="orchestrate.random_split", version=1,
    title=QT_TRANSLATE_NOOP("nodes", "Random split"),
    stage=Stage.ORCHESTRATE, config_model=RandomSplitConfig, icon="random_split",
    inputs=(IN,), outputs=(Port("a", label="a"), Port("b", label="b")),
    dynamic_outputs=lambda c: path_ports(c.paths),
    description=QT_TRANSLATE_NOOP("nodes", "Divide customers between paths by weight; a customer always "
                                           "lands on the same path."),
    summary=lambda c: clip(shares_text(c.paths)),
    example={"paths": [{"name": "a", "weight": 50}, {"name": "b", "weight": 50}]},
    run=behaviour.run_random_split,
    executable=True,
    keywords=("random", "percentage", "weight", "split", "ab"),
)


# ---------------------------------------------------------------------------------------------
# orchestrate.wait
# ---------------------------------------------------------------------------------------------


class DurationWait(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "For a while"))

    kind: Literal["duration"] = Field("duration", title=QT_TRANSLATE_NOOP("nodes", "Wait"))
    amount: int = Field(1, ge=1, le=10_000, title=QT_TRANSLATE_NOOP("nodes", "Amount"))
    unit: TimeUnit = Field("days", title=QT_TRANSLATE_NOOP("nodes", "Unit"))

    @property
    def duration(self) -> Duration:
        return Duration(amount=self.amount, unit=self.unit)


class TimeOfDayWait(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "Until a time of day"))

    kind: Literal["time_of_day"] = Field("time_of_day", title=QT_TRANSLATE_NOOP("nodes", "Wait"))
    time: TimeOfDay = Field("09:00", title=QT_TRANSLATE_NOOP("nodes", "Time"),
                            description=QT_TRANSLATE_NOOP("nodes", "In the customer's time zone."))
    weekdays: list[Weekday] = Field(default_factory=list, max_length=7,
                                    title=QT_TRANSLATE_NOOP("nodes", "On"),
                                    description=QT_TRANSLATE_NOOP("nodes", "Allowed weekdays; empty for any "
                                                                           "day."))

    @field_validator("weekdays")
    @classmethod
    def _weekdays(cls, days: list[str]) -> list[str]:
        if len(set(days)) != len(days):
            raise ValueError("a weekday is listed twice")
        return sorted(days, key=WEEKDAYS.index)


class DatePropertyWait(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "Until a date of the customer"))

    kind: Literal["date_property"] = Field("date_property", title=QT_TRANSLATE_NOOP("nodes", "Wait"))
    attribute: AttributeName = Field(title=QT_TRANSLATE_NOOP("nodes", "Date attribute"),
                                     description=QT_TRANSLATE_NOOP("nodes", "A profile attribute holding a "
                                                                            "date, e.g. renewal_date."))
    offset_days: int = Field(0, ge=-365, le=365,
                             title=QT_TRANSLATE_NOOP("nodes", "Days before (−) or after (+)"))
    time: TimeOfDay = Field("09:00", title=QT_TRANSLATE_NOOP("nodes", "At (time of day)"),
                            description=QT_TRANSLATE_NOOP("nodes", "In the customer's time zone."))


class UntilEventWait(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "Until an event (with a time limit)"))

    kind: Literal["until_event"] = Field("until_event", title=QT_TRANSLATE_NOOP("nodes", "Wait"))
    event: EventName = _event_field()
    filters: list[PropertyFilter] = filters_field()
    timeout: Duration = Field(default_factory=lambda: Duration(amount=3, unit="days"),
                              title=QT_TRANSLATE_NOOP("nodes", "Give up after"),
                              description=QT_TRANSLATE_NOOP("nodes", "Customers who have not done it by then "
                                                                     "take the 'Timed out' branch."))


WaitFor = Annotated[DurationWait | TimeOfDayWait | DatePropertyWait | UntilEventWait,
                    Field(discriminator="kind")]

EVENT_PORT = Port("event", label=QT_TRANSLATE_NOOP("nodes", "Event happened"))
TIMEOUT_PORT = Port("timeout", label=QT_TRANSLATE_NOOP("nodes", "Timed out"))


class WaitConfig(ConfigBase):
    wait: WaitFor = Field(default_factory=DurationWait, title=QT_TRANSLATE_NOOP("nodes", "Wait"))


def _wait_ports(c: WaitConfig) -> tuple[Port, ...]:
    return (EVENT_PORT, TIMEOUT_PORT) if isinstance(c.wait, UntilEventWait) else (NEXT,)


_DAY_NAMES = {"mon": "Mon", "tue": "Tue", "wed": "Wed", "thu": "Thu", "fri": "Fri", "sat": "Sat", "sun": "Sun"}


def _wait_summary(c: WaitConfig) -> str:
    w = c.wait
    if isinstance(w, DurationWait):
        text = f"Wait {w.duration.text()}"
    elif isinstance(w, TimeOfDayWait):
        days = f" {'/'.join(_DAY_NAMES[d] for d in w.weekdays)}" if w.weekdays else ""
        text = f"Until {w.time}{days}"
    elif isinstance(w, DatePropertyWait):
        off = f" {w.offset_days:+d}d" if w.offset_days else ""
        text = f"Until {w.attribute}{off} {w.time}"
    else:
        text = f"Until {w.event} (≤ {w.timeout.text()})"
    return clip(text)


WAIT = NodeSpec(
    type_key="orchestrate.wait", version=1,
    title=QT_TRANSLATE_NOOP("nodes", "Wait"),
    stage=Stage.ORCHESTRATE, config_model=WaitConfig, icon="wait",
    inputs=(IN,), outputs=(NEXT,), dynamic_outputs=_wait_ports,
    description=QT_TRANSLATE_NOOP("nodes", "Pause for a time, until a time of day, until a date of the "
                                           "customer, or until they do something (with a time limit)."),
    summary=_wait_summary,
    example={"wait": {"kind": "duration", "amount": 2, "unit": "days"}},
    run=behaviour.run_wait,
    executable=True, breaks_cycles=True,
    keywords=("delay", "pause", "timer", "until", "schedule"),
)


# ---------------------------------------------------------------------------------------------
# orchestrate.send
# ---------------------------------------------------------------------------------------------


class SendConfig(ConfigBase):
    channel: str = channel_field()
    channel_kind: ChannelKind = Field("email", title=QT_TRANSLATE_NOOP("nodes", "Channel type"))
    subject: str = Field("", max_length=300, title=QT_TRANSLATE_NOOP("nodes", "Subject"),
                         description=QT_TRANSLATE_NOOP("nodes", "Email subject; may use {{ placeholders }}."),
                         json_schema_extra=widget("template"))
    body: str = Field(min_length=1, max_length=20_000, title=QT_TRANSLATE_NOOP("nodes", "Message"),
                      description=QT_TRANSLATE_NOOP("nodes", "Text of the message, e.g. Hello {{ "
                                                             "customer.first_name }}."),
                      json_schema_extra=widget("template"))
    html_body: str = Field("", max_length=200_000, title=QT_TRANSLATE_NOOP("nodes", "HTML version"),
                           description=QT_TRANSLATE_NOOP("nodes", "Optional HTML for email; the plain "
                                                                  "message is the fallback."),
                           json_schema_extra=widget("template"))
    respect_quiet_hours: bool = Field(True, title=QT_TRANSLATE_NOOP("nodes", "Respect quiet hours"))
    frequency_cap_exempt: bool = Field(False,
                                       title=QT_TRANSLATE_NOOP("nodes", "Transactional (ignore frequency "
                                                                        "cap)"),
                                       description=QT_TRANSLATE_NOOP("nodes", "Only for messages the "
                                                                              "customer expects, such as "
                                                                              "receipts; consent is still "
                                                                              "checked."))

    @field_validator("body")
    @classmethod
    def _not_blank(cls, body: str) -> str:
        if not body.strip():
            raise ValueError("the message is empty")
        return body

    @model_validator(mode="after")
    def _email_subject(self) -> SendConfig:
        if self.channel_kind == "email" and not self.subject.strip():
            raise ValueError("an email needs a subject")
        if self.html_body and self.channel_kind != "email":
            raise ValueError("an HTML version is only used for email")
        return self


def _send_summary(c: SendConfig) -> str:
    text = c.subject if c.channel_kind == "email" else c.body
    return clip(f"{CHANNEL_KIND_LABELS[c.channel_kind]}: {text}")


SEND = NodeSpec(
    type_key="orchestrate.send", version=1,
    title=QT_TRANSLATE_NOOP("nodes", "Send message"),
    stage=Stage.ORCHESTRATE, config_model=SendConfig, icon="send",
    inputs=(IN,),
    outputs=(port("sent", QT_TRANSLATE_NOOP("nodes", "Sent")),
             port("failed", QT_TRANSLATE_NOOP("nodes", "Failed")),
             port("skipped", QT_TRANSLATE_NOOP("nodes", "Skipped"),
                  QT_TRANSLATE_NOOP("nodes", "No consent, capped, or no address."))),
    description=QT_TRANSLATE_NOOP("nodes", "Send a personalised email, SMS, chat message or webhook through "
                                           "a connected channel, respecting consent, caps and quiet hours."),
    summary=_send_summary,
    example={"channel": "email-main", "channel_kind": "email", "subject": "Welcome, {{ customer.first_name }}!",
             "body": "Hello {{ customer.first_name }},\n\nthanks for joining us.", "html_body": "",
             "respect_quiet_hours": True, "frequency_cap_exempt": False},
    run=behaviour.run_send,
    executable=True,
    keywords=("email", "sms", "message", "webhook", "chat", "notify", "campaign"),
)


# ---------------------------------------------------------------------------------------------
# orchestrate.update_profile
# ---------------------------------------------------------------------------------------------


class SetAttribute(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "Set attribute"))

    kind: Literal["set"] = Field("set", title=QT_TRANSLATE_NOOP("nodes", "Operation"))
    attribute: AttributeName = Field(title=QT_TRANSLATE_NOOP("nodes", "Attribute"))
    value: Scalar = Field(title=QT_TRANSLATE_NOOP("nodes", "Value"))


class UnsetAttribute(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "Clear attribute"))

    kind: Literal["unset"] = Field("unset", title=QT_TRANSLATE_NOOP("nodes", "Operation"))
    attribute: AttributeName = Field(title=QT_TRANSLATE_NOOP("nodes", "Attribute"))


class AddTag(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "Add tag"))

    kind: Literal["add_tag"] = Field("add_tag", title=QT_TRANSLATE_NOOP("nodes", "Operation"))
    tag: TagName = Field(title=QT_TRANSLATE_NOOP("nodes", "Tag"))


class RemoveTag(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "Remove tag"))

    kind: Literal["remove_tag"] = Field("remove_tag", title=QT_TRANSLATE_NOOP("nodes", "Operation"))
    tag: TagName = Field(title=QT_TRANSLATE_NOOP("nodes", "Tag"))


ProfileOperation = Annotated[SetAttribute | UnsetAttribute | AddTag | RemoveTag, Field(discriminator="kind")]


class UpdateProfileConfig(ConfigBase):
    operations: list[ProfileOperation] = Field(min_length=1, max_length=50,
                                               title=QT_TRANSLATE_NOOP("nodes", "Changes"),
                                               description=QT_TRANSLATE_NOOP("nodes", "Applied in order."))


def _operation_text(op: SetAttribute | UnsetAttribute | AddTag | RemoveTag) -> str:
    if isinstance(op, SetAttribute):
        return f"{op.attribute} = {op.value}"
    if isinstance(op, UnsetAttribute):
        return f"clear {op.attribute}"
    if isinstance(op, AddTag):
        return f"+#{op.tag}"
    return f"−#{op.tag}"


UPDATE_PROFILE = NodeSpec(
    type_key="orchestrate.update_profile", version=1,
    title=QT_TRANSLATE_NOOP("nodes", "Update profile"),
    stage=Stage.ORCHESTRATE, config_model=UpdateProfileConfig, icon="update_profile",
    inputs=(IN,), outputs=(NEXT,),
    description=QT_TRANSLATE_NOOP("nodes", "Set or clear profile attributes and add or remove tags."),
    summary=lambda c: clip(", ".join(_operation_text(op) for op in c.operations)),
    example={"operations": [{"kind": "set", "attribute": "lifecycle", "value": "onboarded"},
                            {"kind": "add_tag", "tag": "welcome-done"}]},
    run=behaviour.run_update_profile,
    executable=True,
    keywords=("attribute", "tag", "set", "profile", "crm"),
)


# ---------------------------------------------------------------------------------------------
# orchestrate.notify_staff
# ---------------------------------------------------------------------------------------------


class NotifyStaffConfig(ConfigBase):
    channel: str = channel_field(QT_TRANSLATE_NOOP("nodes", "Send through"))
    channel_kind: ChannelKind = Field("chat", title=QT_TRANSLATE_NOOP("nodes", "Channel type"))
    recipients: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=50, title=QT_TRANSLATE_NOOP("nodes", "Recipients"),
        description=QT_TRANSLATE_NOOP("nodes", "Email addresses, phone numbers or chat rooms; empty for the "
                                               "channel's default."))
    message: str = Field(min_length=1, max_length=5000, title=QT_TRANSLATE_NOOP("nodes", "Message"),
                         description=QT_TRANSLATE_NOOP("nodes", "e.g. {{ customer.name }} rated us 1 star — "
                                                                "please call back."),
                         json_schema_extra=widget("template"))

    @field_validator("message")
    @classmethod
    def _not_blank(cls, message: str) -> str:
        if not message.strip():
            raise ValueError("the message is empty")
        return message


NOTIFY_STAFF = NodeSpec(
    type_key="orchestrate.notify_staff", version=1,
    title=QT_TRANSLATE_NOOP("nodes", "Notify team"),
    stage=Stage.ORCHESTRATE, config_model=NotifyStaffConfig, icon="notify_staff",
    inputs=(IN,),
    outputs=(NEXT, port("failed", QT_TRANSLATE_NOOP("nodes", "Failed"))),
    description=QT_TRANSLATE_NOOP("nodes", "Alert someone in the team by chat or email, e.g. to call back an "
                                           "unhappy customer. The customer continues either way."),
    summary=lambda c: clip(f"Notify: {c.message}"),
    example={"channel": "team-chat", "channel_kind": "chat", "recipients": ["#support"],
             "message": "{{ customer.name }} gave a low rating — please call {{ customer.phone }}."},
    run=behaviour.run_notify_staff,
    executable=True,
    keywords=("alert", "staff", "team", "slack", "internal"),
)


# ---------------------------------------------------------------------------------------------
# orchestrate.goal
# ---------------------------------------------------------------------------------------------


class GoalConfig(ConfigBase):
    name: str = Field("", max_length=80, title=QT_TRANSLATE_NOOP("nodes", "Name"),
                      description=QT_TRANSLATE_NOOP("nodes", "Shown in reports; optional."))
    event: EventName = _event_field(QT_TRANSLATE_NOOP("nodes", "Goal event"))
    filters: list[PropertyFilter] = filters_field()


GOAL = NodeSpec(
    type_key="orchestrate.goal", version=1,
    title=QT_TRANSLATE_NOOP("nodes", "Goal"),
    stage=Stage.ORCHESTRATE, config_model=GoalConfig, icon="goal",
    inputs=(IN,), outputs=(NEXT,),
    description=QT_TRANSLATE_NOOP("nodes", "A conversion: customers who do this event count as converted. "
                                           "Customers reaching this step continue along 'Next'."),
    summary=lambda c: clip(f"Goal: {c.name}" if c.name else f"Goal: {c.event}{_filters_suffix(c.filters)}"),
    example={"name": "First order", "event": "order_completed", "filters": []},
    run=behaviour.run_goal, goal_event=behaviour.goal_event,
    executable=True,
    keywords=("conversion", "target", "success"),
)


# ---------------------------------------------------------------------------------------------
# orchestrate.jump
# ---------------------------------------------------------------------------------------------

_ID = r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$"


class NodeTarget(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "A step of this journey"))

    kind: Literal["node"] = Field("node", title=QT_TRANSLATE_NOOP("nodes", "Go to"))
    node_id: str = Field(min_length=1, max_length=64, pattern=_ID, title=QT_TRANSLATE_NOOP("nodes", "Step"))


class JourneyTarget(ConfigBase):
    model_config = ConfigDict(title=QT_TRANSLATE_NOOP("nodes", "Another journey"))

    kind: Literal["journey"] = Field("journey", title=QT_TRANSLATE_NOOP("nodes", "Go to"))
    journey_id: str = Field(min_length=1, max_length=64, pattern=_ID,
                            title=QT_TRANSLATE_NOOP("nodes", "Journey"))
    node_id: str = Field("", max_length=64, title=QT_TRANSLATE_NOOP("nodes", "Start at step"),
                         description=QT_TRANSLATE_NOOP("nodes", "Empty to start at that journey's entry."))

    @field_validator("node_id")
    @classmethod
    def _node_id(cls, value: str) -> str:
        if value and not re.match(_ID, value):
            raise ValueError("not a step id")
        return value


class JumpConfig(ConfigBase):
    target: Annotated[NodeTarget | JourneyTarget, Field(discriminator="kind")] = Field(
        title=QT_TRANSLATE_NOOP("nodes", "Go to"))
    max_loops: int = Field(3, ge=1, le=100, title=QT_TRANSLATE_NOOP("nodes", "At most (times per customer)"),
                           description=QT_TRANSLATE_NOOP("nodes", "After this many jumps a customer takes "
                                                                  "'Loop limit reached' instead, so a loop "
                                                                  "always ends."))


def _jump_summary(c: JumpConfig) -> str:
    t = c.target
    where = f"step {t.node_id[:8]}" if isinstance(t, NodeTarget) else f"journey {t.journey_id[:8]}"
    return clip(f"Go to {where} (≤{c.max_loops}×)")


JUMP = NodeSpec(
    type_key="orchestrate.jump", version=1,
    title=QT_TRANSLATE_NOOP("nodes", "Jump"),
    stage=Stage.ORCHESTRATE, config_model=JumpConfig, icon="jump",
    inputs=(IN,),
    outputs=(port("limit_reached", QT_TRANSLATE_NOOP("nodes", "Loop limit reached")),),
    description=QT_TRANSLATE_NOOP("nodes", "Continue at another step of this journey, or move the customer "
                                           "to another journey, with a limit on repeats."),
    summary=_jump_summary,
    example={"target": {"kind": "node", "node_id": "5f0c7a52-3f7b-4d55-9b0e-1a2b3c4d5e6f"}, "max_loops": 3},
    run=behaviour.run_jump,
    executable=True, breaks_cycles=True,
    keywords=("goto", "loop", "repeat", "link"),
)


# ---------------------------------------------------------------------------------------------
# orchestrate.exit
# ---------------------------------------------------------------------------------------------


class ExitConfig(ConfigBase):
    reason: str = Field("", max_length=200, title=QT_TRANSLATE_NOOP("nodes", "Reason"),
                        description=QT_TRANSLATE_NOOP("nodes", "Why customers leave here, shown in reports; "
                                                               "optional."))


EXIT = NodeSpec(
    type_key="orchestrate.exit", version=1,
    title=QT_TRANSLATE_NOOP("nodes", "Exit"),
    stage=Stage.ORCHESTRATE, config_model=ExitConfig, icon="exit",
    inputs=(IN,), outputs=(),
    description=QT_TRANSLATE_NOOP("nodes", "The customer leaves the journey here."),
    summary=lambda c: clip(f"Exit: {c.reason}") if c.reason else QT_TRANSLATE_NOOP("nodes", "Exit"),
    example={"reason": "Completed onboarding"},
    run=behaviour.run_exit,
    executable=True,
    keywords=("end", "stop", "finish"),
)

SPECS = [ENTRY, CONDITION, MULTI_SPLIT, RANDOM_SPLIT, WAIT, SEND, UPDATE_PROFILE, NOTIFY_STAFF, GOAL, JUMP,
         EXIT]
