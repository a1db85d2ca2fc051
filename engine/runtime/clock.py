"""Time for the engine: the injected clock and the local-time arithmetic the runtime shares.

The engine never calls ``datetime.now()`` itself; it asks a :class:`Clock`. Live runs use
:class:`RealClock`; tests and the simulator use :class:`VirtualClock`, which only moves when told, so a
30-day journey is checked in milliseconds. Every moment the runtime handles is timezone-aware UTC;
local times (quiet hours, "at 09:00", birthdays) are computed in a customer's zone with the helpers
below.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@runtime_checkable
class Clock(Protocol):
    """Where the engine gets the current moment (timezone-aware, UTC)."""

    def now(self) -> datetime: ...


class RealClock:
    """The wall clock."""

    __slots__ = ()

    def now(self) -> datetime:
        return datetime.now(UTC)


def _aware_utc(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must carry a time zone, got naive {moment.isoformat()}")
    return moment.astimezone(UTC)


class VirtualClock:
    """A clock that stands still until advanced; time never goes backwards.

    ``now()`` is a plain attribute read because the simulator asks for it millions of times.
    """

    __slots__ = ("_now",)

    def __init__(self, start: datetime):
        self._now = _aware_utc(start, "the start of a virtual clock")

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError(f"a virtual clock cannot go back ({delta})")
        self._now += delta
        return self._now

    def set(self, moment: datetime) -> datetime:
        """Jump forward to ``moment`` (going back would let a run wake before it parked)."""
        moment = _aware_utc(moment, "a virtual clock time")
        if moment < self._now:
            raise ValueError(f"a virtual clock cannot go back from {self._now.isoformat()} "
                             f"to {moment.isoformat()}")
        self._now = moment
        return self._now


# ---------------------------------------------------------------------------------------------
# Local time
# ---------------------------------------------------------------------------------------------


def zone_of(name: str | None, fallback: str = "UTC") -> ZoneInfo:
    """The zone called ``name``; ``fallback`` when it is empty or unknown (a bad import row must not
    stop a run), and UTC when the fallback is unknown too."""
    for candidate in (name, fallback):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def parse_hhmm(text: str) -> time:
    """``"09:30"`` → ``time(9, 30)``."""
    found = _HHMM.match(text)
    if found is None:
        raise ValueError(f"not a time of day (HH:MM): {text!r}")
    return time(int(found.group(1)), int(found.group(2)))


def at_local(day: date, hhmm: str | time, zone: ZoneInfo) -> datetime:
    """The UTC moment of wall-clock ``hhmm`` on ``day`` in ``zone``.

    A wall time skipped by a DST change (02:30 on a spring-forward night) is read with the offset
    before the change, which lands the same distance after the gap (03:30); a repeated wall time
    (autumn) means its first occurrence.
    """
    wall = parse_hhmm(hhmm) if isinstance(hhmm, str) else hhmm
    return datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)


def parse_iso(value: object) -> date | datetime | None:
    """A date or datetime from a ``date``/``datetime`` or an ISO-8601 string; ``None`` otherwise.

    Datetimes keep whatever offset they carry (possibly none)."""
    if isinstance(value, datetime | date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    if len(text) < 10 or not text[:4].isdigit():
        return None
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def local_date(value: date | datetime, zone: ZoneInfo) -> date:
    """The calendar day of ``value`` for someone in ``zone`` (a naive datetime is already local)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            return value.astimezone(zone).date()
        return value.date()
    return value


def as_utc(value: date | datetime, zone: ZoneInfo | None = None) -> datetime:
    """An aware UTC datetime; naive values and bare dates are read in ``zone`` (UTC if none)."""
    tz = zone or UTC
    if not isinstance(value, datetime):
        return datetime.combine(value, time(0), tzinfo=tz).astimezone(UTC)
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=tz).astimezone(UTC)
    return value.astimezone(UTC)
