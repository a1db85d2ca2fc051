"""Column types of a CSV import: inferring them from sample values, and converting whole columns.

Types: ``text``, ``int``, ``float``, ``bool``, ``date``, ``datetime``, ``email``, ``phone``.
Dates and times have a *format*: ``iso`` (ISO 8601, with or without a zone), ``dmy``
(31/12/2024, also with ``.`` or ``-`` and a time), ``mdy`` (12/31/2024), ``ymd`` (2024/12/31),
``unix_s`` and ``unix_ms`` (Unix time in seconds or milliseconds), or a :func:`~datetime.datetime.strptime`
pattern such as ``%d.%m.%Y %H:%M``. Whether 03/04/2024 is day first or month first is decided by
the values (a 31 in the first place settles it); when no value settles it the column is marked
*ambiguous*, read day first, and the caller should ask the user.

A :class:`Converter` is built once per column and converts a whole column at a time with C-level
loops (``map``); only when that fails does it go value by value to find the bad ones. Naive times
are in the import's time zone and everything is converted to UTC.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from json.encoder import encode_basestring
from operator import methodcaller
from typing import Any

TYPES = ("text", "int", "float", "bool", "date", "datetime", "email", "phone")
DATE_FORMATS = {
    "iso": "ISO 8601 (2024-12-31 or 2024-12-31T18:30:00Z)",
    "dmy": "day/month/year (31/12/2024 18:30)",
    "mdy": "month/day/year (12/31/2024 6:30 PM)",
    "ymd": "year/month/day (2024/12/31 18:30)",
    "unix_s": "Unix time in seconds (1735669800)",
    "unix_ms": "Unix time in milliseconds (1735669800000)",
}
TRUE_WORDS = frozenset({"true", "yes", "y", "t", "1", "on", "是"})
FALSE_WORDS = frozenset({"false", "no", "n", "f", "0", "off", "否"})
_BOOLS = {**dict.fromkeys(TRUE_WORDS, True), **dict.fromkeys(FALSE_WORDS, False)}

_INT = re.compile(r"[+-]?(?:0|[1-9]\d{0,17})")
# Leading zeros (zip codes, SKUs) do not match: such columns stay text.
_FLOAT = re.compile(r"[+-]?(?:(?:0|[1-9]\d*)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_FLOAT_COMMA = re.compile(r"[+-]?(?:0|[1-9]\d*),\d+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[\d\s().-]{6,24}")
_TIME = r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?\s*([AaPp]\.?[Mm]\.?)?)?\s*(Z|[+-]\d{2}:?\d{2})?"
_DAY_MONTH = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})" + _TIME)
_YEAR_FIRST = re.compile(r"(\d{4})([./-])(\d{1,2})\2(\d{1,2})" + _TIME)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME_WORDS = ("time", "date", "timestamp", "at", "ts", "when", "created", "updated", "时间", "日期")
_PHONE_WORDS = ("phone", "mobile", "tel", "cell", "手机", "电话")
#: Unix times accepted: 1973-03-03 to 2286-11-20 in seconds.
_UNIX_S = (100_000_000, 9_999_999_999)
_UNIX_MS = (100_000_000_000, 9_999_999_999_999)


@dataclass(frozen=True)
class ColumnType:
    """The type of a column, inferred or chosen."""

    name: str
    #: For ``date`` and ``datetime``: one of :data:`DATE_FORMATS` or a strptime pattern.
    date_format: str | None = None
    #: Day and month could not be told apart from the values.
    ambiguous: bool = False
    #: Decimal numbers written with a comma (12,50).
    decimal_comma: bool = False

    def describe(self) -> str:
        if self.name in ("date", "datetime") and self.date_format:
            label = DATE_FORMATS.get(self.date_format, self.date_format)
            return f"{self.name}, {label}" + (" (day and month could be swapped)" if self.ambiguous else "")
        if self.name == "float" and self.decimal_comma:
            return "float, decimal comma"
        return self.name


def _header_hints(header: str, words: Sequence[str]) -> bool:
    lowered = header.lower()
    parts = set(re.split(r"[^a-z0-9\u4e00-\u9fff]+", lowered))
    return any(word in parts or (not word.isascii() and word in lowered) for word in words) \
        or any(lowered.endswith("_" + word) or lowered.startswith(word + "_") for word in words)


def _tolerance(count: int) -> int:
    """Values of a sample that may fail to fit a type (typos, "n/a"): one in twenty, never half."""
    allowed = max(1, count // 20)
    return allowed if allowed * 2 < count else 0


def _fits(values: list[str], test: Callable[[str], object]) -> list[str] | None:
    """The values that fit ``test``, if all but a tolerated few do."""
    good = [v for v in values if test(v)]
    return good if good and len(values) - len(good) <= _tolerance(len(values)) else None


def infer_type(values: Sequence[str], header: str = "", *, delimiter: str = ",") -> ColumnType:
    """The type that the most non-empty values fit, the narrowest on a tie.

    All values but one in twenty must fit (a typo in a sample should not make a date column text;
    the values that do not fit are reported when importing).
    """
    present = [v.strip() for v in values if v.strip()]
    if not present:
        return ColumnType("text")
    best: tuple[int, ColumnType] | None = None
    for make in (_as_bool, _as_int, _as_float, _infer_date, _as_email, _as_phone):
        found = make(present, header, delimiter)
        if found is None:
            continue
        column_type, misfits = found
        if best is None or misfits < best[0]:
            best = (misfits, column_type)
        if misfits == 0:
            break
    return best[1] if best is not None else ColumnType("text")


Candidate = tuple[ColumnType, int] | None


def _as_bool(values: list[str], header: str, delimiter: str) -> Candidate:
    good = _fits(values, lambda v: v.lower() in _BOOLS)
    if good is None or {v.lower() for v in good} <= {"0", "1"}:
        return None
    return ColumnType("bool"), len(values) - len(good)


def _as_int(values: list[str], header: str, delimiter: str) -> Candidate:
    good = _fits(values, _INT.fullmatch)
    if good is None:
        return None
    misfits = len(values) - len(good)
    if _header_hints(header, _TIME_WORDS):
        numbers = [int(v) for v in good]
        if all(_UNIX_S[0] <= n <= _UNIX_S[1] for n in numbers):
            return ColumnType("datetime", "unix_s"), misfits
        if all(_UNIX_MS[0] <= n <= _UNIX_MS[1] for n in numbers):
            return ColumnType("datetime", "unix_ms"), misfits
    if {v.lower() for v in good} <= {"0", "1"} and _header_hints(header, ("consent", "optin", "opt", "subscribed")):
        return ColumnType("bool"), misfits
    # Leading zeros (zip codes, SKUs) do not match the pattern: such columns stay text.
    return ColumnType("int"), misfits


def _as_float(values: list[str], header: str, delimiter: str) -> Candidate:
    good = _fits(values, _FLOAT.fullmatch)
    if good is not None:
        return ColumnType("float"), len(values) - len(good)
    if delimiter != ",":
        good = _fits(values, lambda v: _FLOAT_COMMA.fullmatch(v) or _INT.fullmatch(v))
        if good is not None:
            return ColumnType("float", decimal_comma=True), len(values) - len(good)
    return None


def _as_email(values: list[str], header: str, delimiter: str) -> Candidate:
    good = _fits(values, _EMAIL.fullmatch)
    return None if good is None else (ColumnType("email"), len(values) - len(good))


def _as_phone(values: list[str], header: str, delimiter: str) -> Candidate:
    good = _fits(values, lambda v: _PHONE.fullmatch(v) and sum(c.isdigit() for c in v) >= 7)
    if good is None or not (_header_hints(header, _PHONE_WORDS) or all(v.startswith("+") for v in good)):
        return None
    return ColumnType("phone"), len(values) - len(good)


def _iso_ok(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _infer_date(values: list[str], header: str = "", delimiter: str = ",") -> Candidate:
    iso = _fits(values, _iso_ok)
    if iso is not None:
        only_dates = all(_ISO_DATE.fullmatch(v) for v in iso)
        return ColumnType("date" if only_dates else "datetime", "iso"), len(values) - len(iso)
    year_first = _fits(values, _YEAR_FIRST.fullmatch)
    if year_first is not None:
        matches = [m for m in map(_YEAR_FIRST.fullmatch, year_first) if m]
        kind = "datetime" if any(m.group(5) for m in matches) else "date"
        if _fits(year_first, lambda v: _parts_ok(int(_group(_YEAR_FIRST, v, 3)), int(_group(_YEAR_FIRST, v, 4)))):
            return ColumnType(kind, "ymd"), len(values) - len(year_first)
        return None
    day_month = _fits(values, _DAY_MONTH.fullmatch)
    if day_month is None:
        return None
    matches = [m for m in map(_DAY_MONTH.fullmatch, day_month) if m]
    pairs = [(int(m.group(1)), int(m.group(3))) for m in matches]
    kind = "datetime" if any(m.group(5) for m in matches) else "date"
    tolerated = _tolerance(len(values))
    day_first = sum(1 for f, s in pairs if not _parts_ok(s, f)) <= tolerated
    month_first = sum(1 for f, s in pairs if not _parts_ok(f, s)) <= tolerated
    settled_day = any(f > 12 and _parts_ok(s, f) for f, s in pairs)
    settled_month = any(s > 12 and _parts_ok(f, s) for f, s in pairs)
    misfits = len(values) - len(day_month)
    if day_first and month_first and settled_day != settled_month:
        return ColumnType(kind, "dmy" if settled_day else "mdy"), misfits
    if day_first and month_first:
        return ColumnType(kind, "dmy", ambiguous=True), misfits
    if day_first:
        return ColumnType(kind, "dmy"), misfits
    if month_first:
        return ColumnType(kind, "mdy"), misfits
    return None


def _group(pattern: re.Pattern[str], text: str, index: int) -> str:
    match = pattern.fullmatch(text)
    return match.group(index) if match else "0"


def _parts_ok(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= 31


# ----------------------------------------------------------------------------------------------
# Converters
# ----------------------------------------------------------------------------------------------

class Converter:
    """Converts the text of one column. ``many`` raises at the first bad value (the caller then
    goes value by value with ``one``, whose ValueError says what is wrong)."""

    type: ColumnType

    def many(self, values: list[str]) -> list[Any]:
        return [self.one(v) for v in values]

    def one(self, value: str) -> Any:
        raise NotImplementedError

    def json_many(self, values: list[Any]) -> list[str]:
        """JSON text of converted values."""
        return list(map(encode_basestring, values))


class TextConverter(Converter):
    def __init__(self, column_type: ColumnType):
        self.type = column_type

    def many(self, values: list[str]) -> list[Any]:
        return values

    def one(self, value: str) -> Any:
        return value


class EmailConverter(TextConverter):
    def many(self, values: list[str]) -> list[Any]:
        values = list(map(str.strip, values))
        if not all(map(_EMAIL.fullmatch, values)):
            raise ValueError("not an email address")
        return values

    def one(self, value: str) -> Any:
        value = value.strip()
        if not _EMAIL.fullmatch(value):
            raise ValueError(f"'{_short(value)}' is not an email address")
        return value


class PhoneConverter(TextConverter):
    def many(self, values: list[str]) -> list[Any]:
        return [self.one(v) for v in values]

    def one(self, value: str) -> Any:
        value = value.strip()
        if not _PHONE.fullmatch(value) or sum(c.isdigit() for c in value) < 7:
            raise ValueError(f"'{_short(value)}' is not a phone number")
        return value


class IntConverter(Converter):
    def __init__(self, column_type: ColumnType):
        self.type = column_type

    def many(self, values: list[str]) -> list[Any]:
        return list(map(int, values))

    def one(self, value: str) -> Any:
        try:
            return int(value.strip())
        except ValueError:
            pass
        try:
            number = float(value.strip().replace(",", "."))
        except ValueError:
            raise ValueError(f"'{_short(value)}' is not a whole number") from None
        if not number.is_integer():
            raise ValueError(f"'{_short(value)}' is not a whole number")
        return int(number)

    def json_many(self, values: list[Any]) -> list[str]:
        return list(map(str, values))


class FloatConverter(Converter):
    def __init__(self, column_type: ColumnType):
        self.type = column_type

    def many(self, values: list[str]) -> list[Any]:
        if self.type.decimal_comma:
            values = list(map(methodcaller("replace", ",", "."), values))
        numbers = list(map(float, values))
        if not all(map(math.isfinite, numbers)):
            raise ValueError("not a finite number")
        return numbers

    def one(self, value: str) -> Any:
        text = value.strip()
        if self.type.decimal_comma or _FLOAT_COMMA.fullmatch(text):
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"'{_short(value)}' is not a number") from None
        if not math.isfinite(number):
            raise ValueError(f"'{_short(value)}' is not a finite number")
        return number

    def json_many(self, values: list[Any]) -> list[str]:
        return list(map(repr, values))


class BoolConverter(Converter):
    def __init__(self, column_type: ColumnType):
        self.type = column_type

    def many(self, values: list[str]) -> list[Any]:
        return list(map(_BOOLS.__getitem__, map(str.lower, values)))

    def one(self, value: str) -> Any:
        try:
            return _BOOLS[value.strip().lower()]
        except KeyError:
            raise ValueError(f"'{_short(value)}' is not yes/no (use true/false, yes/no, 1/0)") from None

    def json_many(self, values: list[Any]) -> list[str]:
        return ["true" if v else "false" for v in values]


_fromiso = datetime.fromisoformat
_aware_to_utc = methodcaller("astimezone", UTC)


class DateTimeConverter(Converter):
    """Dates and times; values come out as aware UTC datetimes (``date`` columns: ``date``)."""

    def __init__(self, column_type: ColumnType, zone: tzinfo):
        self.type = column_type
        self.zone = zone
        self.utc_zone = zone.utcoffset(datetime(2000, 1, 1)) == timedelta(0) and \
            zone.utcoffset(datetime(2000, 7, 1)) == timedelta(0)
        fmt = column_type.date_format or "iso"
        self.format = fmt
        self.date_only = column_type.name == "date"
        self._parse: Callable[[str], datetime] = {
            "iso": self._iso, "dmy": self._day_month, "mdy": self._month_day, "ymd": self._year_first,
            "unix_s": self._unix_s, "unix_ms": self._unix_ms}.get(fmt, self._strptime)

    def describe_format(self) -> str:
        return DATE_FORMATS.get(self.format, self.format)

    # -- whole columns -----------------------------------------------------------------------

    def many(self, values: list[str]) -> list[Any]:
        if self.format == "iso":
            parsed = list(map(_fromiso, map(str.strip, values)))
        else:
            parsed = list(map(self._parse, values))
        if self.date_only:
            return [d.date() for d in parsed]
        return self._to_utc(parsed)

    def storage_many(self, values: list[str]) -> list[str]:
        """UTC times as the store writes them on SQLite: ``YYYY-MM-DD HH:MM:SS.ffffff``."""
        if self.format == "iso" and not self.date_only:
            lengths = set(map(len, values))
            # The most common shapes of exports, rewritten as text once checked.
            if lengths == {20} and all(map(methodcaller("endswith", "Z"), values)):
                list(map(_fromiso, values))
                return [f"{v[:10]} {v[11:19]}.000000" for v in values]
            if lengths == {19} and self.utc_zone:
                checked = list(map(_fromiso, values))
                if not any(map(_has_zone, checked)):
                    return [f"{v[:10]} {v[11:]}.000000" for v in values]
        stamps = self.many(values)
        if self.date_only:
            stamps = self._to_utc([datetime(d.year, d.month, d.day) for d in stamps])
        return storage_strings(stamps)

    # -- one value ---------------------------------------------------------------------------

    def one(self, value: str) -> Any:
        text = value.strip()
        try:
            stamp = self._parse(text)
        except (ValueError, OverflowError, OSError):
            raise ValueError(f"'{_short(value)}' is not a {'date' if self.date_only else 'date and time'} "
                             f"in the format {self.describe_format()}") from None
        if self.date_only:
            return stamp.date()
        return self._to_utc([stamp])[0]

    def storage_one(self, value: str) -> str:
        converted = self.one(value)
        if self.date_only:
            converted = self._to_utc([datetime(converted.year, converted.month, converted.day)])[0]
        return storage_strings([converted])[0]

    def json_many(self, values: list[Any]) -> list[str]:
        if self.date_only:
            return list(map('"%s"'.__mod__, map(methodcaller("isoformat"), values)))
        # ISO 8601 in UTC, the fraction only when there is one: "2024-12-31T18:30:00Z".
        return [f'"{s[:10]}T{s[11:19]}Z"' if s.endswith(".000000") else f'"{s[:10]}T{s[11:]}Z"'
                for s in storage_strings(values)]

    def _to_utc(self, stamps: list[datetime]) -> list[datetime]:
        if not any(map(_has_zone, stamps)):
            if self.utc_zone:
                return list(map(methodcaller("replace", tzinfo=UTC), stamps))
            return [(d - self.zone.utcoffset(d)).replace(tzinfo=UTC) for d in stamps]
        return [_aware_to_utc(d) if d.tzinfo is not None else
                (d - (self.zone.utcoffset(d) or timedelta(0))).replace(tzinfo=UTC) for d in stamps]

    # -- parsers -----------------------------------------------------------------------------

    @staticmethod
    def _iso(text: str) -> datetime:
        return _fromiso(text.strip())

    def _day_month(self, text: str) -> datetime:
        match = _DAY_MONTH.fullmatch(text.strip())
        if not match:
            raise ValueError(text)
        return _build(match, year=4, month=3, day=1)

    def _month_day(self, text: str) -> datetime:
        match = _DAY_MONTH.fullmatch(text.strip())
        if not match:
            raise ValueError(text)
        return _build(match, year=4, month=1, day=3)

    def _year_first(self, text: str) -> datetime:
        match = _YEAR_FIRST.fullmatch(text.strip())
        if not match:
            raise ValueError(text)
        return _build(match, year=1, month=3, day=4)

    @staticmethod
    def _unix_s(text: str) -> datetime:
        number = float(text.strip())
        if not _UNIX_S[0] <= number <= _UNIX_S[1]:
            raise ValueError(text)
        return datetime.fromtimestamp(number, UTC)

    @staticmethod
    def _unix_ms(text: str) -> datetime:
        number = float(text.strip())
        if not _UNIX_MS[0] <= number <= _UNIX_MS[1]:
            raise ValueError(text)
        return datetime.fromtimestamp(number / 1000, UTC)

    def _strptime(self, text: str) -> datetime:
        return datetime.strptime(text.strip(), self.format)


def _has_zone(stamp: datetime) -> bool:
    return stamp.tzinfo is not None


def _build(match: re.Match[str], *, year: int, month: int, day: int) -> datetime:
    y = int(match.group(year))
    if len(match.group(year)) == 2:
        y += 2000 if y < 69 else 1900
    hour = int(match.group(5) or 0)
    minute = int(match.group(6) or 0)
    second = int(match.group(7) or 0)
    fraction = match.group(8) or ""
    micro = int(fraction.ljust(6, "0")) if fraction else 0
    meridiem = (match.group(9) or "").replace(".", "").lower()
    if meridiem:
        if not 1 <= hour <= 12:
            raise ValueError("hour")
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    stamp = datetime(y, int(match.group(month)), int(match.group(day)), hour, minute, second, micro)
    zone = match.group(10)
    if zone:
        stamp = _fromiso(stamp.isoformat() + ("+00:00" if zone == "Z" else zone))
    return stamp


def storage_strings(stamps: list[datetime]) -> list[str]:
    """Aware datetimes as UTC text in the store's SQLite layout (``YYYY-MM-DD HH:MM:SS.ffffff``)."""
    out = []
    for text in map(str, map(_aware_to_utc, stamps)):
        # str() of an aware UTC datetime ends in "+00:00" and leaves out a zero microsecond.
        out.append(text[:-6] if len(text) == 32 else text[:-6] + ".000000")
    return out


def _short(value: str, size: int = 40) -> str:
    value = value.strip()
    return value if len(value) <= size else value[:size] + "…"


def converter(column_type: ColumnType, zone: tzinfo = UTC) -> Converter:
    """The converter of a column type."""
    name = column_type.name
    if name in ("date", "datetime"):
        return DateTimeConverter(column_type, zone)
    if name == "int":
        return IntConverter(column_type)
    if name == "float":
        return FloatConverter(column_type)
    if name == "bool":
        return BoolConverter(column_type)
    if name == "email":
        return EmailConverter(column_type)
    if name == "phone":
        return PhoneConverter(column_type)
    return TextConverter(column_type)


def parse_type(text: str) -> ColumnType:
    """A type named by a user (``int``, ``datetime``...); ValueError if unknown."""
    name = text.strip().lower()
    if name not in TYPES:
        raise ValueError(f"unknown type '{text}'; use one of {', '.join(TYPES)}")
    return ColumnType(name, "iso" if name in ("date", "datetime") else None)


def check_date_format(text: str) -> str:
    """A date format named by a user, normalised; ValueError if it is not one."""
    value = text.strip()
    aliases = {"unix": "unix_s", "epoch": "unix_s", "unix_seconds": "unix_s", "epoch_ms": "unix_ms",
               "unix_milliseconds": "unix_ms", "iso8601": "iso", "iso-8601": "iso", "d/m/y": "dmy",
               "m/d/y": "mdy", "y/m/d": "ymd", "dd/mm/yyyy": "dmy", "mm/dd/yyyy": "mdy", "yyyy/mm/dd": "ymd",
               "yyyy-mm-dd": "ymd"}
    lowered = value.lower()
    if lowered in DATE_FORMATS:
        return lowered
    if lowered in aliases:
        return aliases[lowered]
    if "%" in value:
        try:
            datetime.now().strftime(value)
        except ValueError:
            raise ValueError(f"'{text}' is not a valid date pattern") from None
        return value
    raise ValueError(f"unknown date format '{text}'; use one of {', '.join(DATE_FORMATS)} "
                     "or a pattern such as %d.%m.%Y %H:%M")


__all__ = ["DATE_FORMATS", "TYPES", "ColumnType", "Converter", "DateTimeConverter", "check_date_format",
           "converter", "infer_type", "parse_type", "storage_strings"]
