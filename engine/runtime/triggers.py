"""Entry triggers the runner understands without knowing node types, and the rule/filter operators.

Filters (on event properties) and rules (on profile attributes) are plain dicts
``{"property"|"attribute": name, "operator": op, "value": v}``, so they can be stored with a parked
run. Names with dots reach into nested objects (``address.city``) unless the dotted name is itself a
key.

Operator semantics
------------------
- A value is *absent* when the key is missing or holds ``None``.
- ``exists`` / ``not_exists``: presence only.
- ``eq`` / ``ne``: exact and case-sensitive for text (``"Pro" ≠ "pro"``); numbers and numeric text
  compare as numbers (``"5" = 5 = 5.0``); a boolean equals ``true``/``false`` or the text
  ``"true"``/``"false"`` (any case). ``ne`` is the negation of ``eq``.
- ``contains``: case-insensitive. On text, a substring test; on a list, whether an element equals the
  value (text compared case-insensitively, numbers as numbers); on an object, whether it has the key.
- ``gt`` / ``gte`` / ``lt`` / ``lte``: numeric when both sides are numbers or numeric text; otherwise,
  when both are ISO dates or datetimes, chronological (bare dates and naive datetimes read as UTC);
  otherwise false.
- An absent value: ``not_exists`` and ``ne`` hold, every other operator fails. For profile rules,
  :func:`evaluate_rules` treats a rule on an absent attribute as unknown instead, and
  :func:`rule_matches` lets its ``missing`` argument settle an answer that depends on one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from engine.runtime.clock import as_utc, at_local, local_date, parse_iso

_NUMERIC = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_ABSENT = object()
PRESENCE_OPERATORS = frozenset({"exists", "not_exists"})


# ---------------------------------------------------------------------------------------------
# Values and operators
# ---------------------------------------------------------------------------------------------


def lookup(data: Mapping[str, Any], name: str) -> Any:
    """``data[name]``, or the nested value for a dotted name; ``None`` when absent."""
    if name in data:
        return data[name]
    if "." not in name:
        return None
    current: Any = data
    for part in name.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return None
        current = current[part]
    return current


def as_number(value: Any) -> float | None:
    """A number for ints, floats and numeric text; ``None`` for anything else (booleans included)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and _NUMERIC.match(value.strip()):
        return float(value)
    return None


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        folded = value.strip().casefold()
        if folded in ("true", "false"):
            return folded == "true"
    return None


def equals(actual: Any, expected: Any, *, case_sensitive: bool = True) -> bool:
    """Equality as ``eq`` defines it; ``case_sensitive=False`` folds the case of text."""
    if isinstance(actual, bool) or isinstance(expected, bool):
        a, b = _as_bool(actual), _as_bool(expected)
        return a is not None and a == b
    a_num, b_num = as_number(actual), as_number(expected)
    if a_num is not None and b_num is not None:
        return a_num == b_num
    if isinstance(actual, str) and isinstance(expected, str):
        return actual == expected if case_sensitive else actual.casefold() == expected.casefold()
    return False


def _contains(actual: Any, expected: Any) -> bool:
    if isinstance(actual, str):
        return str(expected).casefold() in actual.casefold()
    if isinstance(actual, Mapping):
        return str(expected) in actual
    if isinstance(actual, list | tuple | set | frozenset):
        return any(equals(item, expected, case_sensitive=False) for item in actual)
    if isinstance(actual, int | float) and not isinstance(actual, bool):
        return str(expected).casefold() in str(actual)
    return False


def _order(actual: Any, expected: Any) -> tuple[Any, Any] | None:
    a_num, b_num = as_number(actual), as_number(expected)
    if a_num is not None and b_num is not None:
        return a_num, b_num
    a_when, b_when = parse_iso(actual), parse_iso(expected)
    if a_when is not None and b_when is not None:
        return as_utc(a_when), as_utc(b_when)
    return None


def compare(operator: str, actual: Any, expected: Any) -> bool:
    """Whether ``actual operator expected`` holds (``actual`` is ``None`` when absent)."""
    if operator == "exists":
        return actual is not None
    if operator == "not_exists":
        return actual is None
    if actual is None:
        return operator == "ne"
    if operator == "eq":
        return equals(actual, expected)
    if operator == "ne":
        return not equals(actual, expected)
    if operator == "contains":
        return _contains(actual, expected)
    pair = _order(actual, expected)
    if pair is None:
        return False
    a, b = pair
    if operator == "gt":
        return a > b
    if operator == "gte":
        return a >= b
    if operator == "lt":
        return a < b
    if operator == "lte":
        return a <= b
    raise ValueError(f"unknown operator '{operator}'")


def matches(filters: Iterable[Mapping[str, Any]], properties: Mapping[str, Any]) -> bool:
    """Whether an event's ``properties`` pass every filter (no filters: always)."""
    for f in filters:
        if not compare(f.get("operator", "eq"), lookup(properties, f["property"]), f.get("value")):
            return False
    return True


@dataclass(frozen=True, slots=True)
class RulesResult:
    """The answer of a rule set: ``True``/``False``, or ``None`` when it depends on attributes the
    profile lacks (listed in ``missing``)."""

    matched: bool | None
    missing: tuple[str, ...] = ()


def evaluate_rules(rules: Iterable[Mapping[str, Any]], match: str,
                   attributes: Mapping[str, Any]) -> RulesResult:
    """Rules joined by ``match`` (``all``/``any``), a rule on an absent attribute being *unknown*
    (presence operators are always known).

    The answer is unknown only when the known rules cannot settle it: with ``all`` one false rule
    answers no whatever the rest; with ``any`` one true rule answers yes.
    """
    known: list[bool] = []
    missing: list[str] = []
    for rule in rules:
        operator = rule.get("operator", "eq")
        actual = lookup(attributes, rule["attribute"])
        if actual is None and operator not in PRESENCE_OPERATORS:
            if rule["attribute"] not in missing:
                missing.append(rule["attribute"])
            continue
        known.append(compare(operator, actual, rule.get("value")))
    if match == "all":
        matched: bool | None = False if not all(known) else (None if missing else True)
    else:
        matched = True if any(known) else (None if missing else False)
    return RulesResult(matched, tuple(missing))


def rule_matches(rules: Iterable[Mapping[str, Any]], match: str, attributes: Mapping[str, Any],
                 missing: Literal["yes", "no", "rule"] = "no") -> bool:
    """Whether a profile passes ``rules``.

    When the answer depends on an attribute the profile lacks, ``missing`` decides: ``"yes"`` or
    ``"no"``, or ``"rule"`` to let each such rule answer as the operators say for an absent value
    (only ``ne`` and ``not_exists`` hold).
    """
    rules = list(rules)
    result = evaluate_rules(rules, match, attributes)
    if result.matched is not None:
        return result.matched
    if missing != "rule":
        return missing == "yes"
    answers = (compare(r.get("operator", "eq"), lookup(attributes, r["attribute"]), r.get("value"))
               for r in rules)
    return all(answers) if match == "all" else any(answers)


# ---------------------------------------------------------------------------------------------
# Dates of a customer
# ---------------------------------------------------------------------------------------------


def date_moment(value: Any, offset_days: int, hhmm: str, zone: ZoneInfo) -> datetime | None:
    """The UTC moment ``hhmm`` in ``zone`` on the day of ``value`` (an ISO date or datetime) moved by
    ``offset_days``; ``None`` when ``value`` is not a date."""
    when = parse_iso(value)
    if when is None:
        return None
    return at_local(local_date(when, zone) + timedelta(days=offset_days), hhmm, zone)


def _same_day_in(year: int, day: date) -> date:
    # 29 February falls on the 28th in other years, so leap-day birthdays are still greeted.
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


# ---------------------------------------------------------------------------------------------
# Triggers
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventTrigger:
    """Start a run when the customer does ``event`` with properties passing ``filters``."""

    event: str
    filters: tuple[dict, ...] = ()

    def accepts(self, name: str, properties: Mapping[str, Any]) -> bool:
        return name == self.event and matches(self.filters, properties)


@dataclass(frozen=True, slots=True)
class SegmentTrigger:
    """Start a run when a customer comes to pass ``rules`` (and/or joins ``segment_id``)."""

    rules: tuple[dict, ...] = ()
    match: str = "all"
    segment_id: str = ""

    def accepts(self, attributes: Mapping[str, Any]) -> bool:
        """Whether the profile passes the rules (a rule on an absent attribute fails, save ``ne`` and
        ``not_exists``). Segment membership is the runner's to check."""
        return rule_matches(self.rules, self.match, attributes, missing="rule")


@dataclass(frozen=True, slots=True)
class ScheduleTrigger:
    """Start runs at a moment (``repeat="once"``) or every ``every`` days/weeks at ``time``, for the
    customers passing ``rules`` (and/or in ``segment_id``). Naive times are in the journey's zone."""

    repeat: str = "once"
    at: datetime | None = None
    every: int = 1
    unit: str = "weeks"
    time: str = "09:00"
    starts_on: datetime | None = None
    rules: tuple[dict, ...] = ()
    match: str = "all"
    segment_id: str = ""

    def next_fire(self, after: datetime, zone: ZoneInfo, *, first_day: date | None = None) -> datetime | None:
        """The first firing strictly after ``after``; ``None`` when a one-off is past.

        A recurring schedule counts its periods from ``starts_on`` or else ``first_day`` (the day the
        journey went live), or else the day of ``after``."""
        if self.repeat == "once":
            if self.at is None:
                return None
            moment = as_utc(self.at, zone)
            return moment if moment > after else None
        period = self.every * (7 if self.unit == "weeks" else 1)
        anchor = local_date(self.starts_on, zone) if self.starts_on else (first_day or local_date(after, zone))
        elapsed = (local_date(after, zone) - anchor).days
        k = max(0, elapsed // period)
        while True:
            moment = at_local(anchor + timedelta(days=k * period), self.time, zone)
            if moment > after:
                return moment
            k += 1


@dataclass(frozen=True, slots=True)
class DatePropertyTrigger:
    """Start a run on a date held by the customer (``birthday``), ``offset_days`` away, at ``time`` in
    the customer's zone; ``yearly`` repeats on the same day and month."""

    attribute: str = "birthday"
    offset_days: int = 0
    time: str = "09:00"
    yearly: bool = True

    def next_fire(self, attributes: Mapping[str, Any], after: datetime, zone: ZoneInfo) -> datetime | None:
        """The first firing strictly after ``after`` for this profile; ``None`` when the attribute is
        absent or not a date, or (not yearly) when the day is past."""
        when = parse_iso(lookup(attributes, self.attribute))
        if when is None:
            return None
        day = local_date(when, zone)
        if not self.yearly:
            moment = at_local(day + timedelta(days=self.offset_days), self.time, zone)
            return moment if moment > after else None
        # The anniversary whose shifted day is near ``after``: try last year, this year and next.
        year = local_date(after, zone).year
        for y in (year - 1, year, year + 1, year + 2):
            moment = at_local(_same_day_in(y, day) + timedelta(days=self.offset_days), self.time, zone)
            if moment > after:
                return moment
        return None


@dataclass(frozen=True, slots=True)
class ManualTrigger:
    """Runs are started by hand (or by the simulator)."""


Trigger = EventTrigger | SegmentTrigger | ScheduleTrigger | DatePropertyTrigger | ManualTrigger
