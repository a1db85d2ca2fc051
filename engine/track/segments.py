"""Segments: saved rules that pick customers, compiled to SQLAlchemy expressions, and who is in them.

Rules are a JSON tree (:class:`Group`), stored in ``segments.rules``::

    {"kind": "group", "match": "all", "conditions": [
        {"kind": "attribute", "attribute": "plan", "operator": "eq", "value": "pro"},
        {"kind": "tag", "tag": "vip", "has": true},
        {"kind": "consent", "channel_kind": "email", "granted": true},
        {"kind": "event", "event": "order_completed", "did": true, "min_count": 2,
         "within_days": 30, "filters": [{"property": "total", "operator": "gte", "value": 50}]},
        {"kind": "group", "match": "any", "conditions": [...]}]}

The same rules run two ways that agree by construction (a test compares them on generated
populations): :meth:`SegmentStore.count` and friends compile them to one SQL query on ``customers``
(EXISTS / COUNT subqueries on ``events``, JSON functions on the attribute columns), and
:func:`matches` answers for one customer in Python. User text only ever reaches the database as
bound parameters; the compiled SQL is the same on SQLite and PostgreSQL apart from the JSON
functions each offers.

Condition semantics
-------------------
- A value is *absent* when the key is missing or holds ``null``. Names with dots reach into nested
  objects (``address.city``) unless the dotted name is itself a key (as in
  :func:`engine.runtime.triggers.lookup`).
- ``exists`` / ``not_exists``: presence only.
- ``eq``: a boolean equals ``true``/``false`` or the text ``"true"``/``"false"`` (letters A–Z in any
  case); a number, or *numeric text* (an optional ``-``, digits, optionally ``.`` and digits, at most
  30 characters), compares numerically with profile numbers and numeric text (``"5" = 5 = 5.0``);
  other text equals text exactly (case-sensitive), and besides: text written with a decimal comma
  (``12,5``) also equals the number it means (``1,000``, a thousand or one, does not), and a date,
  ISO (``2025-01-01``) or written as :func:`written_date` reads it (``01.01.2025``), also equals
  text that begins with that ISO day, alone or with a time (``2025-01-01T08:00:00+00:00``,
  ``2025-01-01 23:59``), as ``gte`` and ``lte`` together would.
  ``ne`` is the negation of ``eq`` (so an absent value is ``ne`` anything). ``in`` is ``eq`` to any
  value of a list.
- ``gt`` / ``gte`` / ``lt`` / ``lte`` take a number or a date, nothing else (see
  :func:`ordering_value`; free text is refused, since comparing it letter by letter gives counts
  that look right and are not). With a number or numeric text: numeric, against profile numbers and
  numeric text. With a date (``2025-01-01``, year-month-day): against text values that begin with
  an ISO date (``2025-03-01`` or ``2025-03-01T10:30:00+02:00``), by that day as written, so that
  ``gt 2025-01-01`` starts the day after; other values (``01/03/2025``, numbers) never match.
  Rule text written with a decimal comma (``12,5``), a ``+`` or spaces around it is stored as the
  number it unambiguously means (``12.5``), and so is a number with thousands separators that
  only one reading fits (``1.234,56``, ``1,234.56``, ``1 234``, ``1.234.567``: see
  :func:`grouped_number`). A date written day first is stored as its ISO day when only one reading
  fits (:func:`written_date`): ``01.01.1990`` (dots: day.month.year) is ``1990-01-01``, and
  ``25/11/1988`` (its day is above 12) is ``1988-11-25``. ``1,000`` (a thousand, or one?), ``05/11/1988``
  (day or month first?), years of two digits and dates written other ways are refused with the
  way to write them.
- ``contains``: on text, a substring test; on a list, whether an element is text equal to the value,
  or (for numeric text) a number equal to it. ``starts_with``: a text prefix. Both ignore the case of
  the letters A–Z only, on every database (SQLite's ``lower`` folds nothing else), so ``É`` and ``é``
  differ. ``%``, ``_`` and backslashes are ordinary characters.
- Tags: ``has`` or not, in any case: ``VIP``, ``vip`` and ``Vip`` are one tag, and so are ``ÄRGER``
  and ``ärger``, ``ВИП`` and ``вип`` (Unicode simple case folding, one letter for one letter: see
  :func:`case_fold`; accents count, and ``ß`` is not ``ss``). In SQL the tag becomes a pattern of
  its letters' case variants (:func:`tag_pattern`), bound as a parameter.
  Consent: granted means ``true`` is recorded for the channel kind; not granted is everything else
  (``false`` or nothing recorded).
- Events: the number of events named ``event`` (exactly) that pass every property filter and
  occurred at or before ``now`` and, with ``within_days``, at or after ``now - within_days``;
  ``did`` means at least ``min_count``, ``did: false`` means fewer.
- An empty ``all`` group matches everyone, an empty ``any`` group no one.

Membership is materialised in ``segment_members`` by :meth:`SegmentStore.refresh`, which returns
who entered and who left since the previous refresh, so that entering a segment can start a
journey. A segment's first refresh reports every current member as entering.

Numbers beyond about ±1e300 (JSON integers of more than 300 characters) do not count as numbers on
PostgreSQL or in Python; SQLite reads them as very large floats.
"""

from __future__ import annotations

import functools
import json
import math
import re
import sys
from abc import ABC, abstractmethod
from array import array
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from sqlalchemy import (
    JSON,
    Connection,
    Float,
    String,
    Text,
    and_,
    case,
    cast,
    column,
    delete,
    exists,
    false,
    func,
    insert,
    literal,
    not_,
    null,
    or_,
    select,
    true,
    type_coerce,
    update,
)
from sqlalchemy.sql.elements import ColumnElement

from engine.document import Journey, new_id
from engine.errors import NotFound, SegmentInvalid, WorkspaceError
from engine.runtime.triggers import lookup
from engine.store.models import CustomerRow, EventRow, MetaRow, SegmentMemberRow, SegmentRow, utcnow
from engine.validate import Issue

if TYPE_CHECKING:
    from engine.store.workspace import Workspace
    from engine.track.profiles import CustomerSummary

#: Limits that keep one rule tree to a query a database plans quickly.
MAX_DEPTH = 6
MAX_CONDITIONS = 200
MAX_GROUP_SIZE = 50
MAX_IN_VALUES = 100
MAX_TEXT = 1000
MAX_NAME = 200
#: Customer ids per page of :meth:`SegmentStore.members` and per write of :meth:`SegmentStore.refresh`.
PAGE = 1000
#: Numeric text: what ``"5"`` and ``"-12.50"`` look like; nothing with exponents, spaces or ``+``.
NUMERIC_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")
NUMERIC_TEXT_MAX = 30
#: Longest JSON text of a profile number that still counts as a number (PostgreSQL's float range).
NUMBER_TEXT_MAX = 300
#: A date an ordering rule compares with: year-month-day, as ISO 8601 writes it.
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: A profile value that holds a date: an ISO date, alone or followed by a time (``T`` or a space).
_DATED_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ]|\Z)")
#: A number written with a decimal comma (``12,5``, ``-0,25``).
_DECIMAL_COMMA = re.compile(r"-?[0-9]+,[0-9]+")
#: A number as people type it: a sign, digits, and a decimal point or comma (``+12,5``, ``.5``).
_TYPED_NUMBER = re.compile(r"([+-]?)([0-9]*)(?:([.,])([0-9]+))?")
#: A number with thousands separators (``1.000,5``, ``1,000.5``, ``1 000``, and ``1.000.5``, which
#: :func:`grouped_number` cannot read).
_GROUPED_NUMBER = re.compile(r"[+-]?[0-9]{1,3}([.,' \u00a0\u202f\u2019])[0-9]{3}(?:\1[0-9]{3})*(?:[.,][0-9]+)?")
#: The parts of such a number: sign, first group, the separator, the other groups, decimal mark, decimals.
_GROUPED_PARTS = re.compile(r"([+-]?)([0-9]{1,3})([.,' \u00a0\u202f\u2019])([0-9]{3}(?:\3[0-9]{3})*)"
                            r"(?:([.,])([0-9]+))?")


def grouped_number(text: str) -> str | None:
    """The plain numeric text (``1234.56``) of a number written with thousands separators when
    only one reading is possible: both a separator and another decimal mark (``1.234,56``,
    ``1,234.56``, ``1 234,5``), several groups (``1.234.567``), or a separator that is never a
    decimal mark (``1 234``, ``1'234``). ``None`` otherwise, notably for ``1,000`` and ``1.000``
    (a thousand, or one?)."""
    found = _GROUPED_PARTS.fullmatch(text.strip())
    if found is None:
        return None
    sign, first, separator, rest, mark, decimals = found.groups()
    if mark == separator:
        return None
    if mark is None and separator in ".," and rest.count(separator) == 0:
        return None  # one group after the first: "1,000"
    number = ("-" if sign == "-" else "") + first + rest.replace(separator, "")
    return number + (f".{decimals}" if mark else "")


#: A date written day or month first: ``25.11.1988``, ``25/11/1988``, ``11-25-1988`` (and with a
#: year of two digits, which :func:`written_date` refuses).
_DAY_MONTH_YEAR = re.compile(r"([0-9]{1,2})([./-])([0-9]{1,2})\2([0-9]{4}|[0-9]{2})")
#: Such a date followed by a time of day (``25.11.1988 14:30``): the date, and what follows it.
_DAY_MONTH_YEAR_TIMED = re.compile(r"([0-9]{1,2}([./-])[0-9]{1,2}\2(?:[0-9]{4}|[0-9]{2}))(?:[ T]+(.*))?",
                                   re.DOTALL)
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def _calendar_day(iso: str, shown: str) -> str:
    """``iso`` (written ``YYYY-MM-DD``) if it is a day of the calendar; ValueError naming ``shown``
    otherwise (``2025-02-30``)."""
    try:
        date.fromisoformat(iso)
    except ValueError:
        raise ValueError(f"‘{shown}’ is not a day of the calendar") from None
    return iso


def written_date(text: str) -> str | None:
    """The ISO day (``1988-11-25``) that ``text``, a date alone, means when only one reading is
    possible; ``None`` when ``text`` is not written like a date at all.

    Read: ``1988-11-25`` (ISO 8601, year-month-day); ``25.11.1988`` (with dots: day, month, year,
    as German, Swiss, Austrian, Russian and many other writers put them, ``1.2.1990`` included); ``25/11/1988`` and
    ``25-11-1988`` when the first number is above 12 (a day), and ``11/25/1988`` when the second
    is (month first, as in the US). Raises ``ValueError`` (the message starts with the value in
    quotes and says how to write it) for such text that cannot be read: ``05/11/1988`` (5 November,
    or May 11? slashes and dashes are written day first in some countries and month first in
    others), a year of two digits (``25.11.88``), or a day that is not in the calendar
    (``31.02.1990``)."""
    stripped = text.strip()
    shown = _shown(stripped)
    if ISO_DATE.fullmatch(stripped):
        return _calendar_day(stripped, shown)
    found = _DAY_MONTH_YEAR.fullmatch(stripped)
    if found is None:
        return None
    first, mark, second, year_text = found.groups()
    a, b = int(first), int(second)
    day_first, month_first = _day(year_text, b, a), _day(year_text, a, b)
    if len(year_text) == 2:
        example = day_first if mark == "." else day_first or month_first
        like = example.isoformat() if example is not None else "2025-01-01"
        raise ValueError(f"‘{shown}’ has a year of two digits, which could be of any century; write dates "
                         f"year-month-day, like {like}")
    if mark == ".":
        if day_first is None:
            raise ValueError(f"‘{shown}’ is not a day of the calendar (a date with dots is read day first: "
                             "day.month.year)")
        return day_first.isoformat()
    if day_first is not None and month_first is not None and a <= 12 and b <= 12:
        if day_first == month_first:
            return day_first.isoformat()  # 05/05/1988: both readings are one day
        raise ValueError(f"‘{shown}’ could be {day_first.day} {_MONTHS[day_first.month - 1]} {day_first.year} "
                         f"or {_MONTHS[month_first.month - 1]} {month_first.day}, {month_first.year}: dates with "
                         "slashes or dashes are written day first in some countries and month first in others; "
                         f"write dates year-month-day, like {day_first.isoformat()} "
                         f"({day_first.day} {_MONTHS[day_first.month - 1]}) or {month_first.isoformat()} "
                         f"({_MONTHS[month_first.month - 1]} {month_first.day})")
    meant = day_first if a > 12 else month_first if b > 12 else None
    if meant is None:
        raise ValueError(f"‘{shown}’ is not a day of the calendar")
    return meant.isoformat()


def _day(year: str, month: int, day: int) -> date | None:
    """The day ``year-month-day``, or None. A year of two digits (only ever shown in an example)
    is taken as the latest such year that is not in the future: 88 as 1988, 25 as 2025."""
    number = int(year)
    if len(year) == 2:
        number += 2000 if 2000 + number <= date.today().year else 1900
    try:
        return date(number, month, day)
    except ValueError:
        return None


#: A date written another way than year-month-day (``01/01/2025``, ``1.1.25``, ``2025/1/1``),
#: perhaps with a time.
_OTHER_DATE = re.compile(r"[0-9]{1,4}([./-])[0-9]{1,2}\1[0-9]{1,4}(?:[ T].*)?", re.DOTALL)
#: A date written year first with slashes or dots (``2025/1/1``, ``2025.01.01``).
_YEAR_FIRST = re.compile(r"([0-9]{4})([./])([0-9]{1,2})\2([0-9]{1,2})")
#: How the ordering operators read (as the segment builder words them), for messages.
ORDER_WORDS = {"gt": "is more than", "gte": "is at least", "lt": "is less than", "lte": "is at most"}
#: The pydantic error type of an ordering value refused by :func:`ordering_value`.
_VALUE_ERROR = "segment_value"

Operator = Literal["eq", "ne", "gt", "gte", "lt", "lte", "contains", "starts_with", "exists", "not_exists",
                   "in"]
OPERATORS: tuple[str, ...] = ("eq", "ne", "gt", "gte", "lt", "lte", "contains", "starts_with", "exists",
                              "not_exists", "in")
#: Operators that test presence only and take no value.
PRESENCE = frozenset({"exists", "not_exists"})
ORDERING = frozenset({"gt", "gte", "lt", "lte"})
TEXT_OPERATORS = frozenset({"contains", "starts_with"})

_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_ASCII_FOLD = str.maketrans(_UPPER, _LOWER)


def fold(text: str) -> str:
    """``text`` with the letters A–Z lower-cased and nothing else changed: the case folding every
    supported database performs alike."""
    return text.translate(_ASCII_FOLD)


#: An array type of 4-byte code points, and the codec that reads its bytes as text.
_UCS4 = "I" if array("I").itemsize == 4 else "L"
_UTF32 = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"


@functools.cache
def case_fold_table() -> dict[int, int]:
    """Unicode simple case folding as ``{code point: code point}``, from Python's own tables: each
    character that :meth:`str.casefold` turns into one other character, to it; one it turns into
    several (``ẞ`` into ``ss``), to its lower case when that is one character (``ß``), else to
    itself (``İ``, left out). No target folds further. Built on first use (a tenth of a second):
    ranges of characters that fold to themselves are skipped whole."""
    table: dict[int, int] = {}

    def scan(start: int, end: int) -> None:
        if end <= 0xD800 or start >= 0xE000:  # surrogates do not decode
            block = array(_UCS4, range(start, end)).tobytes().decode(_UTF32)
            if block.casefold() == block:
                return
        if end - start > 256:
            step = (end - start) // 16
            for first in range(start, end, step):
                scan(first, min(first + step, end))
            return
        for code in range(start, end):
            if 0xD800 <= code < 0xE000:
                continue
            char = chr(code)
            folded = char.casefold()
            if len(folded) != 1:
                folded = char.lower()
            if len(folded) == 1 and folded != char:
                table[code] = ord(folded)

    scan(0, sys.maxunicode + 1)
    return table


def case_fold(text: str) -> str:
    """``text`` with each letter case-folded to one letter (``VIP``, ``Vip`` → ``vip``; ``ÄRGER`` →
    ``ärger``; ``ẞ`` → ``ß``); accents stay. How tag rules compare tags."""
    if text.isascii():
        return text.lower()  # on ASCII text, only A–Z change
    return text.translate(case_fold_table())


@functools.cache
def _case_variants() -> dict[str, str]:
    """``{folded letter: every letter that folds to it, itself first}`` (``k``: ``kK`` and the
    Kelvin sign), for letters with more than one."""
    variants: dict[str, str] = {}
    for code, target in sorted(case_fold_table().items()):
        variants[chr(target)] = variants.get(chr(target), chr(target)) + chr(code)
    return variants


def tag_pattern(tag: str, dialect: str) -> str | None:
    """The text that :func:`case_fold` folds as it folds ``tag``, as a pattern matching it whole: a
    PostgreSQL regular expression (``^[vV][iI][pP]$``) or a SQLite GLOB pattern (``[vV][iI][pP]``),
    each letter a class of its case variants and every other character standing for itself.
    ``None`` when no character of ``tag`` has another case (``高价值``, ``100%``): only ``tag`` itself
    matches. Folding maps a letter to a letter, so a match has as many characters as ``tag``."""
    variants = _case_variants()
    pieces: list[str] = []
    cased = False
    for char in case_fold(tag):
        alike = variants.get(char)
        if alike is not None:
            # Letters only: nothing in a class that means anything there.
            pieces.append(f"[{alike}]")
            cased = True
        elif dialect == "postgresql":
            # A backslash before anything but a letter or digit stands for that character.
            pieces.append(char if char.isalnum() or not char.isascii() else "\\" + char)
        else:
            pieces.append(f"[{char}]" if char in "*?[" else char)
    if not cased:
        return None
    body = "".join(pieces)
    return f"^{body}$" if dialect == "postgresql" else body


# ---------------------------------------------------------------------------------------------
# The rule model
# ---------------------------------------------------------------------------------------------

FiniteFloat = Annotated[StrictFloat, Field(allow_inf_nan=False)]
Text_ = Annotated[StrictStr, Field(max_length=MAX_TEXT)]
Scalar = StrictBool | StrictInt | FiniteFloat | Text_


def _check_key(name: str, what: str) -> str:
    if not name:
        raise ValueError(f"{what} name is empty")
    if len(name) > MAX_NAME:
        raise ValueError(f"{what} name is longer than {MAX_NAME} characters")
    if '"' in name:
        raise ValueError(f'{what} names cannot contain a double quote (")')
    if any(ord(ch) < 32 for ch in name):
        raise ValueError(f"{what} names cannot contain control characters")
    return name


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _shown(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def ordering_value(text: str) -> str:
    """The value an ordering rule (``gt``, ``gte``, ``lt``, ``lte``) compares with, from what a
    person typed: numeric text (``12.5``; ``12,5``, ``+12``, `` 12 `` and ``.5`` written the usual
    way, and thousands separators only one reading fits, ``1.000,5``) or an ISO date (``2025-01-01``).

    A date may also be written as :func:`written_date` reads it (``25.11.1988``, ``25/11/1988``):
    it is kept as its ISO day (``1988-11-25``).

    Raises ``ValueError`` saying how to write it for anything else: text that is neither, numbers
    whose separators cannot be told apart (``1.000.5``), ``1,000`` (a thousand, or one?), dates
    whose day and month cannot be told apart (``01/02/2025``: day or month first?) or written other
    ways (``2025/1/1``, ``1.1.25``), or with a time of day. The messages start with the value;
    :class:`_Comparison` puts the rule in front.
    """
    stripped = text.strip()
    shown = _shown(stripped)
    if not stripped:
        raise ValueError("the value is empty; write a number like 12.5 or a date like 2025-01-01")
    if ISO_DATE.fullmatch(stripped):
        return _calendar_day(stripped, shown)
    typed = _TYPED_NUMBER.fullmatch(stripped)
    if typed is not None and (typed.group(2) or typed.group(4)):
        sign, whole, mark, fraction = typed.groups()
        if mark == "," and len(fraction) == 3 and 1 <= len(whole) <= 3 and not whole.startswith("0"):
            plain = f"{whole}{fraction}".lstrip("0") or "0"
            raise ValueError(f"‘{shown}’ could mean {plain} or {whole}.{fraction}; write {plain}, or "
                             f"{whole}.{fraction} with a decimal point")
        number = ("-" if sign == "-" else "") + (whole or "0") + (f".{fraction}" if fraction else "")
        if len(number) > NUMERIC_TEXT_MAX:
            raise ValueError(f"‘{shown}’ has more than {NUMERIC_TEXT_MAX} digits")
        return number
    grouped = grouped_number(stripped)
    if grouped is not None:
        if len(grouped) > NUMERIC_TEXT_MAX:
            raise ValueError(f"‘{shown}’ has more than {NUMERIC_TEXT_MAX} digits")
        return grouped
    if _GROUPED_NUMBER.fullmatch(stripped):
        raise ValueError(f"‘{shown}’ is not a number a rule can read; write it without thousands "
                         "separators and with a decimal point, like 1000.5")
    if ISO_DATE.match(stripped):
        raise ValueError(f"‘{shown}’ has a time of day; compare with the day alone, like "
                         f"{stripped[:10]}")
    timed = _DAY_MONTH_YEAR_TIMED.fullmatch(stripped)
    if timed is not None:
        day = written_date(timed.group(1))
        if day is not None and timed.group(3) is None:
            return day
        if day is not None:
            raise ValueError(f"‘{shown}’ has a time of day; compare with the day alone, like {day}")
    if _OTHER_DATE.fullmatch(stripped):
        year_first = _YEAR_FIRST.fullmatch(stripped)
        like = "2025-01-01"
        if year_first is not None:
            day = _day(year_first.group(1), int(year_first.group(3)), int(year_first.group(4)))
            like = day.isoformat() if day is not None else like
        raise ValueError(f"‘{shown}’ is not a date a rule can read; write dates year-month-day, like {like}")
    raise ValueError(f"‘{shown}’ is neither a number nor a date; write a number like 12.5 or a date "
                     "like 2025-01-01")


class _Comparison(_Model):
    """``name operator value``; the shared half of attribute conditions and event property filters."""

    operator: Operator = "eq"
    value: Scalar | list[Scalar] | None = None

    @model_validator(mode="before")
    @classmethod
    def _ordering(cls, data: Any) -> Any:
        """An ordering rule's text value as the number or date it means (see :func:`ordering_value`)."""
        if not isinstance(data, Mapping) or not isinstance(data.get("operator"), str) \
                or data["operator"] not in ORDERING:
            return data
        value = data.get("value")
        if not isinstance(value, str) or "\x00" in value:
            return data  # the checks after validation say what is wrong with these
        try:
            meant = ordering_value(value)
        except ValueError as exc:
            name = data.get("attribute", data.get("property"))
            rule = " ".join(_shown(str(part)) for part in (name, ORDER_WORDS[data["operator"]], value.strip())
                            if part)
            raise PydanticCustomError(_VALUE_ERROR, "{reason}",
                                      {"reason": f"“{rule}” cannot be checked: {exc}"}) from None
        return data if meant == value else {**data, "value": meant}

    @model_validator(mode="after")
    def _operand(self) -> _Comparison:
        op, value = self.operator, self.value
        if any(isinstance(v, str) and "\x00" in v for v in (value if isinstance(value, list) else [value])):
            # SQLite ends text at a NUL character, so SQL and Python would answer differently.
            raise ValueError("a value cannot contain the NUL character")
        if op in PRESENCE:
            if value is not None:
                raise ValueError(f"operator '{op}' takes no value")
        elif op == "in":
            if not isinstance(value, list) or not value:
                raise ValueError("operator 'in' needs a non-empty list of values")
            if len(value) > MAX_IN_VALUES:
                raise ValueError(f"operator 'in' takes at most {MAX_IN_VALUES} values")
        elif value is None:
            raise ValueError(f"operator '{op}' needs a value")
        elif isinstance(value, list):
            raise ValueError(f"operator '{op}' takes one value, not a list (use 'in' for a list)")
        elif op in TEXT_OPERATORS and (not isinstance(value, str) or value == ""):
            raise ValueError(f"operator '{op}' needs non-empty text")
        elif op in ORDERING and isinstance(value, bool):
            raise ValueError(f"operator '{op}' needs a number or a date, not true/false")
        return self


class AttributeCondition(_Comparison):
    """A profile attribute compared with a value: ``plan eq pro``."""

    kind: Literal["attribute"] = "attribute"
    attribute: StrictStr

    @field_validator("attribute")
    @classmethod
    def _name(cls, value: str) -> str:
        return _check_key(value, "attribute")


class PropertyFilter(_Comparison):
    """An event property compared with a value: ``total gte 50``."""

    property: StrictStr

    @field_validator("property")
    @classmethod
    def _name(cls, value: str) -> str:
        return _check_key(value, "property")


class TagCondition(_Model):
    """The customer has (or has not) a tag, in any case (``VIP`` is ``vip``)."""

    kind: Literal["tag"] = "tag"
    tag: Annotated[StrictStr, Field(min_length=1, max_length=MAX_NAME)]
    has: StrictBool = True


class ConsentCondition(_Model):
    """Consent for a channel kind is granted (``true`` recorded), or not."""

    kind: Literal["consent"] = "consent"
    channel_kind: StrictStr
    granted: StrictBool = True

    @field_validator("channel_kind")
    @classmethod
    def _name(cls, value: str) -> str:
        return _check_key(value, "channel kind")


class EventCondition(_Model):
    """Did (or did not) do ``event`` at least ``min_count`` times within the last ``within_days``
    days (ever, when ``None``), counting only events that pass every filter."""

    kind: Literal["event"] = "event"
    event: Annotated[StrictStr, Field(min_length=1, max_length=MAX_NAME)]
    did: StrictBool = True
    min_count: Annotated[StrictInt, Field(ge=1, le=100_000)] = 1
    within_days: Annotated[StrictInt, Field(ge=1, le=36_500)] | None = None
    filters: Annotated[list[PropertyFilter], Field(max_length=MAX_GROUP_SIZE)] = []


class Group(_Model):
    """Conditions joined by ``all`` (and) or ``any`` (or); groups nest."""

    kind: Literal["group"] = "group"
    match: Literal["all", "any"] = "all"
    conditions: Annotated[list[Condition], Field(max_length=MAX_GROUP_SIZE)] = []


Condition = Annotated[AttributeCondition | TagCondition | ConsentCondition | EventCondition | Group,
                      Field(discriminator="kind")]
Group.model_rebuild()

#: Everyone: the rules of a segment without conditions.
EVERYONE = Group()


def parse_rules(rules: Group | Mapping[str, Any]) -> Group:
    """Checked rules from their JSON form; :class:`~engine.errors.SegmentInvalid` names the bad part."""
    if isinstance(rules, Group):
        group = rules
    else:
        if not isinstance(rules, Mapping):
            raise SegmentInvalid(f"rules must be a JSON object (a group), not {type(rules).__name__}")
        _check_raw_depth(rules)
        try:
            group = Group.model_validate(dict(rules))
        except ValidationError as exc:
            raise _invalid(exc) from None
    total = _check_shape(group, 1, "")
    if total > MAX_CONDITIONS:
        raise SegmentInvalid(f"the rules hold {total} conditions; at most {MAX_CONDITIONS} are allowed")
    return group


def rules_json(rules: Group | Mapping[str, Any]) -> dict[str, Any]:
    """The JSON form of checked rules, as stored."""
    return parse_rules(rules).model_dump(mode="json")


def _check_shape(group: Group, depth: int, path: str) -> int:
    if depth > MAX_DEPTH:
        raise SegmentInvalid(f"groups nest deeper than {MAX_DEPTH} levels", path=path or "rules")
    total = 0
    for index, condition in enumerate(group.conditions):
        total += 1
        if isinstance(condition, Group):
            total += _check_shape(condition, depth + 1, f"{path}conditions[{index}].")
    return total


def _check_raw_depth(rules: Mapping[str, Any]) -> None:
    """Refuse deep nesting before validation, which would otherwise recurse as deep as the input."""
    level: list[Any] = [rules]
    for depth in range(1, MAX_DEPTH + 2):
        below: list[Any] = []
        for group in level:
            conditions = group.get("conditions") if isinstance(group, Mapping) else None
            if isinstance(conditions, list):
                below += [c for c in conditions if isinstance(c, Mapping) and "conditions" in c]
        if not below:
            return
        if depth >= MAX_DEPTH:
            raise SegmentInvalid(f"groups nest deeper than {MAX_DEPTH} levels")
        level = below


def _path(loc: tuple[Any, ...]) -> str:
    text = ""
    previous: Any = None
    for part in loc:
        if part == "value" and text:
            return text + ".value"  # the union's member names that follow would only confuse
        if isinstance(part, int):
            text += f"[{part}]"
        elif not (isinstance(previous, int) and part in ("attribute", "tag", "consent", "event", "group")):
            # (a discriminator's branch name right after a position adds nothing for the reader)
            text += f".{part}" if text else str(part)
        previous = part
    return text or "rules"


def _invalid(exc: ValidationError) -> SegmentInvalid:
    """The first of pydantic's errors as the rules' error, at the path of the bad part."""
    first = exc.errors()[0]
    path = _path(first["loc"])
    if first["type"] == _VALUE_ERROR:
        path = "value" if path == "rules" else f"{path}.value"
    return SegmentInvalid(_message(first), path=path)


#: The kinds of condition a rule may hold, for messages.
CONDITION_KINDS = ("attribute", "tag", "consent", "event", "group")


def _message(error: Mapping[str, Any]) -> str:
    loc = tuple(error.get("loc", ()))
    if "value" in loc and loc[-1] != "value":
        return "a value must be text, a number, true or false (or a list of those for 'in')"
    if error.get("type") == "union_tag_not_found":
        return ("each condition needs a 'kind': one of " + ", ".join(CONDITION_KINDS)
                + ' (for example {"kind": "attribute", "attribute": "plan", "operator": "eq", "value": "pro"})')
    if error.get("type") == "union_tag_invalid":
        found = (error.get("ctx") or {}).get("tag")
        return (f"'kind' must be one of {', '.join(CONDITION_KINDS)}"
                + (f", not {str(found)[:40]!r}" if found is not None else ""))
    message = str(error.get("msg", "is invalid"))
    return message.removeprefix("Value error, ")


# ---------------------------------------------------------------------------------------------
# Matching one customer in Python
# ---------------------------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    """A number for JSON numbers and numeric text; ``None`` for anything else (booleans included)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if len(str(value)) > NUMBER_TEXT_MAX:
            return None
        return float(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str) and len(value) <= NUMERIC_TEXT_MAX and NUMERIC_TEXT.fullmatch(value):
        return float(value)
    return None


def _boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        folded = fold(value)
        if folded in ("true", "false"):
            return folded == "true"
    return None


def equal_alternatives(expected: Any) -> tuple[float | None, str | None]:
    """What an ``eq`` rule's text value also equals besides itself as text: the number a decimal
    comma writes (``12,5`` is 12.5; ``1,000``, a thousand or one, is not read), and the day a date
    names, ISO or written as :func:`written_date` reads it (``2025-01-01`` and ``01.01.2025`` also
    equal ``2025-01-01`` and ``2025-01-01T08:00:00+00:00``; ``01/02/2025``, day or month first,
    equals only itself)."""
    if not isinstance(expected, str) or _number(expected) is not None:
        return None, None
    if ISO_DATE.fullmatch(expected) or _DAY_MONTH_YEAR.fullmatch(expected):
        try:
            return None, written_date(expected)
        except ValueError:
            return None, None
    if _DECIMAL_COMMA.fullmatch(expected) or grouped_number(expected) is not None:
        try:
            return _number(ordering_value(expected)), None
        except ValueError:
            return None, None
    return None, None


def _equals(actual: Any, expected: Any) -> bool:
    if actual is None:
        return False
    if isinstance(actual, bool) or isinstance(expected, bool):
        a, b = _boolean(actual), _boolean(expected)
        return a is not None and a == b
    wanted = _number(expected)
    if wanted is not None:
        return _number(actual) == wanted
    if isinstance(actual, str) and actual == expected:
        return True
    number, day = equal_alternatives(expected)
    if number is not None:
        return _number(actual) == number
    if day is not None:
        return isinstance(actual, str) and _DATED_TEXT.match(actual) is not None and actual[:10] == day
    return False


def _ordered(op: str, a: Any, b: Any) -> bool:
    if op == "gt":
        return a > b
    if op == "gte":
        return a >= b
    if op == "lt":
        return a < b
    return a <= b


def compare(operator: str, actual: Any, expected: Any) -> bool:
    """Whether ``actual operator expected`` holds under the segment semantics (``actual`` is
    ``None`` when absent)."""
    if operator == "exists":
        return actual is not None
    if operator == "not_exists":
        return actual is None
    if operator == "eq":
        return _equals(actual, expected)
    if operator == "ne":
        return not _equals(actual, expected)
    if operator == "in":
        return any(_equals(actual, value) for value in expected)
    if operator in ORDERING:
        wanted = _number(expected)
        if wanted is not None:
            got = _number(actual)
            return got is not None and _ordered(operator, got, wanted)
        if isinstance(expected, str) and ISO_DATE.fullmatch(expected):
            return (isinstance(actual, str) and _DATED_TEXT.match(actual) is not None
                    and _ordered(operator, actual[:10], expected))
        return False  # parse_rules refuses any other value
    if operator == "starts_with":
        return isinstance(actual, str) and fold(actual).startswith(fold(expected))
    if operator == "contains":
        if isinstance(actual, str):
            return fold(expected) in fold(actual)
        if isinstance(actual, list):
            wanted = _number(expected)
            return any((isinstance(item, str) and fold(item) == fold(expected))
                       or (wanted is not None and isinstance(item, int | float) and not isinstance(item, bool)
                           and _number(item) == wanted)
                       for item in actual)
        return False
    raise ValueError(f"unknown operator '{operator}'")


#: Operators that hold of a list's items when *no* item has the value (the others: when one has).
_NONE_OF = {"ne": "eq", "not_exists": "exists"}


def property_holds(properties: Mapping[str, Any], name: str, operator: str, expected: Any) -> bool:
    """``name operator expected`` of an event's properties, with :func:`lookup`'s rule for dotted
    names; and a dotted name whose first label holds a list (an order's ``items``) looks in its
    items: ``items.sku eq TEA-S`` holds when one item's ``sku`` is ``TEA-S``, ``items.sku ne
    TEA-S`` when none is (items that are not objects have no such value)."""
    head, dot, rest = name.partition(".")
    listed = properties.get(head) if dot and name not in properties else None
    if not isinstance(listed, list):
        return compare(operator, lookup(properties, name), expected)
    positive = _NONE_OF.get(operator, operator)
    found = any(isinstance(item, Mapping) and compare(positive, lookup(item, rest), expected) for item in listed)
    return not found if operator in _NONE_OF else found


def _field(obj: Any, name: str, default: Any) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def matches(rules: Group | Mapping[str, Any], customer: Any, events: Iterable[Any] = (),
            now: datetime | None = None) -> bool:
    """Whether one customer passes ``rules``.

    ``customer`` is anything with ``attributes``, ``consent`` and ``tags`` (a
    :class:`~engine.store.customers.CustomerRecord`, a runtime ``CustomerView`` or a dict);
    ``events`` are that customer's events, each with ``name``, ``properties`` and ``occurred_at``
    (records or dicts). ``now`` (aware) bounds the event windows; it defaults to the current time.
    The answer equals what :meth:`SegmentStore.count` and friends compute in SQL.
    """
    group = parse_rules(rules)
    moment = now or utcnow()
    if moment.tzinfo is None:
        raise SegmentInvalid("'now' must be timezone-aware")
    profile = _Profile(dict(_field(customer, "attributes", None) or {}),
                       dict(_field(customer, "consent", None) or {}),
                       frozenset(case_fold(t) for t in _field(customer, "tags", None) or () if isinstance(t, str)),
                       [(_field(e, "name", ""), _field(e, "properties", None) or {},
                         _field(e, "occurred_at", None)) for e in events])
    return _match_group(group, profile, moment)


@dataclass(frozen=True, slots=True)
class _Profile:
    attributes: dict[str, Any]
    consent: dict[str, Any]
    #: Case-folded (:func:`case_fold`).
    tags: frozenset[str]
    events: list[tuple[str, Mapping[str, Any], datetime | None]]


def _match_group(group: Group, profile: _Profile, now: datetime) -> bool:
    answers = (_match(condition, profile, now) for condition in group.conditions)
    return all(answers) if group.match == "all" else any(answers)


def _match(condition: Any, profile: _Profile, now: datetime) -> bool:
    if isinstance(condition, Group):
        return _match_group(condition, profile, now)
    if isinstance(condition, AttributeCondition):
        return compare(condition.operator, lookup(profile.attributes, condition.attribute), condition.value)
    if isinstance(condition, TagCondition):
        return (case_fold(condition.tag) in profile.tags) == condition.has
    if isinstance(condition, ConsentCondition):
        return (profile.consent.get(condition.channel_kind) is True) == condition.granted
    since = now - timedelta(days=condition.within_days) if condition.within_days is not None else None
    count = 0
    for name, properties, occurred_at in profile.events:
        if name != condition.event or occurred_at is None or occurred_at > now:
            continue
        if since is not None and occurred_at < since:
            continue
        if all(property_holds(properties, f.property, f.operator, f.value) for f in condition.filters):
            count += 1
    return (count >= condition.min_count) == condition.did


# ---------------------------------------------------------------------------------------------
# Compiling to SQL
# ---------------------------------------------------------------------------------------------

_customers = CustomerRow.__table__
_events = EventRow.__table__
_members = SegmentMemberRow.__table__
_segments = SegmentRow.__table__
_meta = MetaRow.__table__


class _Value(ABC):
    """One JSON value inside a row (a path in a JSON column, or an element of a JSON array) as SQL
    predicates and accessors. Predicates may be NULL where the value is absent; the compiler makes
    each condition two-valued (see ``_definite``) before negating or joining it."""

    dialect: str

    @abstractmethod
    def present(self) -> ColumnElement[bool]:
        """Neither missing nor JSON null."""

    @abstractmethod
    def is_number(self) -> ColumnElement[bool]: ...

    @abstractmethod
    def is_string(self) -> ColumnElement[bool]: ...

    @abstractmethod
    def is_true(self) -> ColumnElement[bool]: ...

    @abstractmethod
    def is_false(self) -> ColumnElement[bool]: ...

    @abstractmethod
    def is_array(self) -> ColumnElement[bool]: ...

    @abstractmethod
    def text(self) -> ColumnElement[str]:
        """The text of a string value (meaningful only where ``is_string``)."""

    @abstractmethod
    def number(self) -> ColumnElement[float]:
        """The number of a number value (meaningful only where ``is_number``)."""

    @abstractmethod
    def elements(self) -> tuple[Any, _Value]:
        """A FROM item over the elements of an array value, and an element as a value."""

    def numeric(self) -> ColumnElement[float]:
        """The value as a number when it is a number or numeric text, else NULL."""
        text = self.text()
        return case((self.is_number(), self.number()),
                    (and_(self.is_string(), _numeric_text(text, self.dialect)), cast(text, Float)),
                    else_=null())


class _SqliteValue(_Value):
    dialect = "sqlite"

    def __init__(self, kind: ColumnElement[Any], value: ColumnElement[Any], element_source: Any = None):
        self._kind = kind
        self._value = value
        self._source = element_source

    @classmethod
    def at(cls, column_: Any, parts: Sequence[str]) -> _SqliteValue:
        # SQLite matches a quoted path label against the key as written in the stored JSON text. A
        # document is written with its non-ASCII characters escaped (SQLAlchemy's json.dumps: a
        # profile edited in the app) or as they are (the CSV import and the collector): a key such
        # as 金额 is looked for in both forms.
        path = "$" + "".join('."' + json.dumps(part)[1:-1] + '"' for part in parts)
        as_is = "$" + "".join('."' + json.dumps(part, ensure_ascii=False)[1:-1] + '"' for part in parts)
        if as_is == path:
            return cls(func.json_type(column_, path), func.json_extract(column_, path), (column_, path))
        found = func.json_type(column_, as_is).is_not(None)
        chosen = case((found, as_is), else_=path)
        return cls(func.json_type(column_, chosen), func.json_extract(column_, chosen), (column_, chosen))

    def present(self) -> ColumnElement[bool]:
        return and_(self._kind.is_not(None), self._kind != "null")

    def is_number(self) -> ColumnElement[bool]:
        return self._kind.in_(("integer", "real"))

    def is_string(self) -> ColumnElement[bool]:
        return self._kind == "text"

    def is_true(self) -> ColumnElement[bool]:
        return self._kind == "true"

    def is_false(self) -> ColumnElement[bool]:
        return self._kind == "false"

    def is_array(self) -> ColumnElement[bool]:
        return self._kind == "array"

    def text(self) -> ColumnElement[str]:
        return type_coerce(self._value, String)

    def number(self) -> ColumnElement[float]:
        return type_coerce(self._value, Float)

    def elements(self) -> tuple[Any, _Value]:
        if self._source is None:
            raise ValueError("only a value at a path has elements")
        column_, path = self._source
        each = func.json_each(column_, path).table_valued("type", "value")
        return each, _SqliteValue(each.c.type, each.c.value)


class _PgValue(_Value):
    dialect = "postgresql"

    def __init__(self, node: ColumnElement[Any]):
        self._node = node
        self._kind = func.json_typeof(node)

    @classmethod
    def at(cls, column_: Any, parts: Sequence[str]) -> _PgValue:
        node: ColumnElement[Any] = column_.op("->", return_type=JSON)(literal(parts[0], Text))
        for part in parts[1:]:
            # Only an object is stepped into: ``#>`` would also index arrays by position.
            node = case((func.json_typeof(node) == "object",
                         node.op("->", return_type=JSON)(literal(part, Text))), else_=null())
        return cls(node)

    def present(self) -> ColumnElement[bool]:
        return and_(self._kind.is_not(None), self._kind != "null")

    def is_number(self) -> ColumnElement[bool]:
        return self._kind == "number"

    def is_string(self) -> ColumnElement[bool]:
        return self._kind == "string"

    def is_true(self) -> ColumnElement[bool]:
        return and_(self._kind == "boolean", self.text() == "true")

    def is_false(self) -> ColumnElement[bool]:
        return and_(self._kind == "boolean", self.text() == "false")

    def is_array(self) -> ColumnElement[bool]:
        return self._kind == "array"

    def text(self) -> ColumnElement[str]:
        return self._node.op("#>>", return_type=Text)(pg_empty_path())

    def number(self) -> ColumnElement[float]:
        return cast(self.text(), Float)

    def numeric(self) -> ColumnElement[float]:
        text = self.text()
        # CASE keeps the casts from seeing text they would fail on (PostgreSQL raises, SQLite does not).
        return case((and_(self.is_number(), func.length(text) <= NUMBER_TEXT_MAX), cast(text, Float)),
                    (and_(self.is_string(), _numeric_text(text, self.dialect)), cast(text, Float)),
                    else_=null())

    def elements(self) -> tuple[Any, _Value]:
        each = (func.json_array_elements(case((self.is_array(), self._node), else_=null()))
                .table_valued(column("value", JSON)).render_derived())
        return each, _PgValue(each.c.value)


def pg_empty_path() -> ColumnElement[Any]:
    """``'{}'::text[]``: with ``#>>``, the text of a PostgreSQL JSON scalar."""
    from sqlalchemy.dialects.postgresql import ARRAY

    return cast(literal("{}"), ARRAY(Text))


def _numeric_text(text: ColumnElement[str], dialect: str) -> ColumnElement[bool]:
    """SQL for ``NUMERIC_TEXT.fullmatch(text)`` with at most ``NUMERIC_TEXT_MAX`` characters."""
    short = func.length(text) <= NUMERIC_TEXT_MAX
    if dialect == "postgresql":
        return and_(short, text.regexp_match(r"^-?[0-9]+(\.[0-9]+)?$"))
    # SQLite has GLOB but no regular expressions of its own: digits with at most one inner dot.
    body = case((func.substr(text, 1, 1) == "-", func.substr(text, 2)), else_=text)
    glob = body.op("GLOB", is_comparison=True)
    return and_(short, body != "", not_(glob("*[^0-9.]*")), not_(glob("*.*.*")), not_(glob(".*")),
                not_(glob("*.")))


def _dated_text(text: ColumnElement[str], dialect: str) -> ColumnElement[bool]:
    """SQL for ``_DATED_TEXT.match(text)``: an ISO date, alone or followed by ``T`` or a space."""
    if dialect == "postgresql":
        return text.regexp_match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ]|$)")
    glob = text.op("GLOB", is_comparison=True)
    day = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
    return or_(glob(day), glob(day + "[T ]*"))


def fold_sql(expr: ColumnElement[str], dialect: str) -> ColumnElement[str]:
    """SQL for :func:`fold` of ``expr`` on a dialect (``sqlite`` or ``postgresql``)."""
    if dialect == "postgresql":
        return func.translate(expr, _UPPER, _LOWER)
    return func.lower(expr)  # SQLite's lower() folds A-Z only, as fold() does


def _definite(expr: ColumnElement[bool]) -> ColumnElement[bool]:
    """``expr`` with NULL read as false, so that NOT and OR over it follow two-valued logic."""
    return case((expr, true()), else_=false())


class _Compiler:
    """Rules to a WHERE clause on ``customers`` for one dialect, with ``now`` bound."""

    def __init__(self, dialect: str, now: datetime, *, accent_blind: bool = False):
        if dialect not in ("sqlite", "postgresql"):
            raise WorkspaceError(f"segments are not supported on a '{dialect}' database")
        if now.tzinfo is None:
            raise SegmentInvalid("'now' must be timezone-aware")
        self.dialect = dialect
        self.now = now
        # Text comparisons (contains, starts with) fold A-Z case, as rules always have; profile
        # search also folds accents (engine.track.text_fold).
        self._fold, self._fold_sql = fold, fold_sql
        if accent_blind:
            from engine.track.text_fold import search_fold, search_fold_sql

            self._fold, self._fold_sql = search_fold, search_fold_sql

    def where(self, group: Group) -> ColumnElement[bool]:
        parts = [self._condition(c) for c in group.conditions]
        if group.match == "all":
            return and_(true(), *parts) if parts else true()
        return or_(false(), *parts) if parts else false()

    def _condition(self, condition: Any) -> ColumnElement[bool]:
        if isinstance(condition, Group):
            return self.where(condition)
        if isinstance(condition, AttributeCondition):
            return self.compare(_customers.c.attributes, condition.attribute, condition.operator,
                                condition.value)
        if isinstance(condition, TagCondition):
            has = _definite(self._array_holds_tag(self._at(_customers.c.tags, ()), condition.tag))
            return has if condition.has else not_(has)
        if isinstance(condition, ConsentCondition):
            granted = _definite(self._at(_customers.c.consent, (condition.channel_kind,)).is_true())
            return granted if condition.granted else not_(granted)
        return self._event(condition)

    # -- values ---------------------------------------------------------------------------------
    def _at(self, column_: Any, parts: Sequence[str]) -> _Value:
        if not parts:
            # The column itself (``tags``): a one-label path that is the root.
            if self.dialect == "postgresql":
                return _PgValue(column_)
            return _SqliteValue(func.json_type(column_), column_, (column_, "$"))
        if self.dialect == "postgresql":
            return _PgValue.at(column_, parts)
        return _SqliteValue.at(column_, parts)

    def compare(self, column_: Any, name: str, operator: str, expected: Any, *,
                items: bool = False) -> ColumnElement[bool]:
        """``name operator expected`` on a JSON column, with the lookup rule for dotted names;
        ``items``: a dotted name whose first label holds a list looks in its items, as
        :func:`property_holds` does (event properties)."""
        flat = self._at(column_, (name,))
        if "." not in name:
            return _definite(self._compare(flat, operator, expected))
        parts = tuple(name.split("."))
        nested = _definite(self._compare(self._at(column_, parts), operator, expected))
        whens = [(self._key_there(column_, name), _definite(self._compare(flat, operator, expected)))]
        if items:
            # The dotted name as a key wins when it is there at all (even holding null), as in lookup();
            # then a list under the first label, whose items are looked in.
            head = self._at(column_, parts[:1])
            source, _item = head.elements()
            element = source.c.value
            kind = func.json_typeof(element) if self.dialect == "postgresql" else source.c.type
            positive = _NONE_OF.get(operator, operator)
            found = exists(select(literal(1)).select_from(source).where(
                kind == "object", _definite(self._compare(self._at(element, parts[1:]), positive, expected))))
            whens.append((head.is_array(), not_(found) if operator in _NONE_OF else found))
        return case(*whens, else_=nested)

    def _key_there(self, column_: Any, name: str) -> ColumnElement[bool]:
        if self.dialect == "postgresql":
            return func.json_typeof(column_.op("->", return_type=JSON)(literal(name, Text))).is_not(None)
        return func.json_type(column_, "$." + '"' + json.dumps(name)[1:-1] + '"').is_not(None)

    def _compare(self, value: _Value, operator: str, expected: Any) -> ColumnElement[bool]:
        if operator == "exists":
            return value.present()
        if operator == "not_exists":
            return not_(_definite(value.present()))
        if operator == "eq":
            return self._equals(value, expected)
        if operator == "ne":
            return not_(_definite(self._equals(value, expected)))
        if operator == "in":
            return or_(false(), *(_definite(self._equals(value, v)) for v in expected))
        if operator in ORDERING:
            wanted = _number(expected)
            if wanted is not None:
                return _sql_ordered(operator, value.numeric(), literal(wanted, Float))
            if not (isinstance(expected, str) and ISO_DATE.fullmatch(expected)):
                raise SegmentInvalid(f"operator '{operator}' needs a number or a date")
            text = value.text()
            day = func.substr(text, 1, 10)
            if self.dialect == "postgresql":
                day = day.collate("C")  # code-point order, as Python and SQLite compare
            return and_(value.is_string(), _dated_text(text, self.dialect),
                        _sql_ordered(operator, day, literal(expected, String)))
        fold_text, fold_text_sql = self._fold, self._fold_sql
        folded = fold_text_sql(value.text(), self.dialect)
        if operator == "starts_with":
            return and_(value.is_string(), folded.startswith(fold_text(expected), autoescape=True))
        if operator == "contains":
            in_text = and_(value.is_string(), folded.contains(fold_text(expected), autoescape=True))
            source, item = value.elements()
            wanted = _number(expected)
            item_matches = and_(item.is_string(), fold_text_sql(item.text(), self.dialect) == fold_text(expected))
            if wanted is not None:
                item_matches = or_(item_matches, and_(item.is_number(), item.numeric() == wanted))
            in_list = and_(value.is_array(),
                           exists(select(literal(1)).select_from(source).where(item_matches)))
            return or_(_definite(in_text), in_list)
        raise SegmentInvalid(f"unknown operator '{operator}'")

    def _equals(self, value: _Value, expected: Any) -> ColumnElement[bool]:
        if isinstance(expected, bool):
            word = "true" if expected else "false"
            return or_(value.is_true() if expected else value.is_false(),
                       and_(value.is_string(), fold_sql(value.text(), self.dialect) == word))
        parts: list[ColumnElement[bool]] = []
        if isinstance(expected, str) and fold(expected) in ("true", "false"):
            parts.append(value.is_true() if fold(expected) == "true" else value.is_false())
        wanted = _number(expected)
        if wanted is not None:
            parts.append(value.numeric() == literal(wanted, Float))
        else:
            parts.append(and_(value.is_string(), value.text() == literal(expected, String)))
            number, day = equal_alternatives(expected)
            if number is not None:
                parts.append(value.numeric() == literal(number, Float))
            if day is not None:
                text = value.text()
                first = func.substr(text, 1, 10)
                if self.dialect == "postgresql":
                    first = first.collate("C")
                parts.append(and_(value.is_string(), _dated_text(text, self.dialect),
                                  first == literal(day, String)))
        return or_(*parts) if len(parts) > 1 else parts[0]

    def _array_holds_tag(self, value: _Value, tag: str) -> ColumnElement[bool]:
        """An array holding text that :func:`case_fold` folds as it folds ``tag``."""
        source, item = value.elements()
        pattern = tag_pattern(tag, self.dialect)
        text = item.text()
        if pattern is None:
            same = text == literal(tag, String)
        elif self.dialect == "postgresql":
            same = text.op("~", is_comparison=True)(literal(pattern, String))
        else:
            same = text.op("GLOB", is_comparison=True)(literal(pattern, String))
        return and_(value.is_array(), exists(select(literal(1)).select_from(source)
                                             .where(item.is_string(), same)))

    # -- events ---------------------------------------------------------------------------------
    def _event(self, condition: EventCondition) -> ColumnElement[bool]:
        criteria = [_events.c.customer_id == _customers.c.id, _events.c.name == condition.event,
                    _events.c.occurred_at <= self.now]
        if condition.within_days is not None:
            criteria.append(_events.c.occurred_at >= self.now - timedelta(days=condition.within_days))
        criteria += [self.compare(_events.c.properties, f.property, f.operator, f.value, items=True)
                     for f in condition.filters]
        if condition.min_count == 1:
            found = exists(select(literal(1)).select_from(_events).where(*criteria))
            return found if condition.did else not_(found)
        counted = select(func.count()).select_from(_events).where(*criteria).scalar_subquery()
        return counted >= condition.min_count if condition.did else counted < condition.min_count


def _sql_ordered(op: str, a: ColumnElement[Any], b: ColumnElement[Any]) -> ColumnElement[bool]:
    if op == "gt":
        return a > b
    if op == "gte":
        return a >= b
    if op == "lt":
        return a < b
    return a <= b


def attribute_clause(dialect: str, attribute: str, operator: str, value: Any = None,
                     now: datetime | None = None, *, accent_blind: bool = False) -> ColumnElement[bool]:
    """One attribute comparison (checked as in the rules) as a WHERE clause on ``customers``;
    ``accent_blind``: text comparisons also ignore accents, as profile search does."""
    try:
        condition = AttributeCondition(attribute=attribute, operator=operator, value=value)
    except ValidationError as exc:
        raise _invalid(exc) from None
    return _Compiler(dialect, now or utcnow(), accent_blind=accent_blind).compare(_customers.c.attributes, condition.attribute,
                                                       condition.operator, condition.value)


def compile_rules(rules: Group | Mapping[str, Any], dialect: str, now: datetime) -> ColumnElement[bool]:
    """A WHERE clause on the ``customers`` table for ``rules`` (checked first), for a dialect name
    (``sqlite`` or ``postgresql``), with event windows ending at ``now``."""
    return _Compiler(dialect, now).where(parse_rules(rules))


# ---------------------------------------------------------------------------------------------
# The store
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SegmentInfo:
    """A saved segment. ``member_count`` is who was in it at the last :meth:`SegmentStore.refresh`."""

    id: str
    name: str
    description: str
    rules: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    member_count: int


@dataclass(frozen=True)
class MemberPage:
    """A page of a segment's stored members, oldest members first."""

    total: int
    items: list[tuple[str, datetime]]


class SegmentStore:
    """Saved segments of a workspace, live counts of rules, and stored membership.

    Every method is one short transaction (``members`` one per page). ``now`` arguments must be
    timezone-aware; ``None`` means the current time.
    """

    def __init__(self, workspace: Workspace):
        self.workspace = workspace

    @property
    def dialect(self) -> str:
        return self.workspace.engine.dialect.name

    # -- saved segments ---------------------------------------------------------------------------
    def create(self, name: str, rules: Group | Mapping[str, Any] = EVERYONE,
               description: str = "") -> SegmentInfo:
        """Save a new segment; its membership is empty until the first :meth:`refresh`."""
        name = _check_segment_name(name)
        stored = rules_json(rules)
        description = _check_description(description)
        with self.workspace._session(write=True) as s:
            conn = s.connection()
            self._refuse_taken_name(conn, name, None)
            now = utcnow()
            segment_id = new_id()
            conn.execute(insert(_segments).values(id=segment_id, name=name, description=description,
                                                  rules=stored, created_at=now, updated_at=now))
            return SegmentInfo(segment_id, name, description, stored, now, now, 0)

    def update(self, segment_id: str, *, name: str | None = None,
               rules: Group | Mapping[str, Any] | None = None, description: str | None = None) -> SegmentInfo:
        """Change a segment's name, rules or description (``None`` keeps one). Stored membership
        stays until the next :meth:`refresh`, which compares it with the new rules."""
        changes: dict[str, Any] = {}
        if name is not None:
            changes["name"] = _check_segment_name(name)
        if rules is not None:
            changes["rules"] = rules_json(rules)
        if description is not None:
            changes["description"] = _check_description(description)
        with self.workspace._session(write=True) as s:
            conn = s.connection()
            row = self._row(conn, segment_id)
            # Only a new name is checked: a workspace from before names were compared without
            # capitals may hold "VIPs" and "vips", and each must still save its rules.
            if "name" in changes and changes["name"].casefold() != row.name.casefold():
                self._refuse_taken_name(conn, changes["name"], segment_id)
            if changes:
                conn.execute(update(_segments).where(_segments.c.id == segment_id)
                             .values(**changes, updated_at=utcnow()))
            return self._info(conn, self._row(conn, segment_id))

    def get(self, segment_id: str) -> SegmentInfo:
        with self.workspace._session() as s:
            conn = s.connection()
            return self._info(conn, self._row(conn, segment_id))

    def find(self, name: str) -> SegmentInfo | None:
        """The segment with this exact name, or ``None``."""
        with self.workspace._session() as s:
            conn = s.connection()
            row = conn.execute(select(_segments).where(_segments.c.name == name)).first()
            return None if row is None else self._info(conn, row)

    def list(self) -> list[SegmentInfo]:
        """Every segment, by name."""
        counts = (select(_members.c.segment_id, func.count().label("n"))
                  .group_by(_members.c.segment_id).subquery())
        query = (select(_segments, func.coalesce(counts.c.n, 0).label("member_count"))
                 .outerjoin(counts, counts.c.segment_id == _segments.c.id).order_by(_segments.c.name))
        with self.workspace._session() as s:
            return [SegmentInfo(r.id, r.name, r.description, dict(r.rules), r.created_at, r.updated_at,
                                int(r.member_count)) for r in s.connection().execute(query)]

    def delete(self, segment_id: str) -> None:
        """Delete a segment and its stored membership. Journeys that name it keep the id (see
        :func:`engine.track.tracking_plan.segment_references` to warn first); its name is kept
        among :func:`deleted_segment_names`, so that they can say which segment they miss."""
        with self.workspace._session(write=True) as s:
            conn = s.connection()
            name = self._row(conn, segment_id).name
            conn.execute(delete(_members).where(_members.c.segment_id == segment_id))
            conn.execute(delete(_segments).where(_segments.c.id == segment_id))
            names = deleted_segment_names(conn)
            names.pop(segment_id, None)
            names[segment_id] = name
            text = json.dumps(dict(list(names.items())[-MAX_DELETED_NAMES:]), ensure_ascii=False)
            if conn.execute(update(_meta).where(_meta.c.key == DELETED_NAMES_KEY).values(value=text)).rowcount == 0:
                conn.execute(insert(_meta).values(key=DELETED_NAMES_KEY, value=text))

    # -- live evaluation --------------------------------------------------------------------------
    def where(self, rules: Group | Mapping[str, Any], now: datetime | None = None) -> ColumnElement[bool]:
        """The compiled WHERE clause on ``customers`` for this workspace's database."""
        return compile_rules(rules, self.dialect, now or utcnow())

    def count(self, rules: Group | Mapping[str, Any], now: datetime | None = None) -> int:
        """How many customers pass ``rules`` now (the live count of the segment builder)."""
        clause = self.where(rules, now)
        with self.workspace._session() as s:
            return int(s.connection().scalar(select(func.count()).select_from(_customers).where(clause)) or 0)

    def sample(self, rules: Group | Mapping[str, Any], n: int = 10,
               now: datetime | None = None) -> list[CustomerSummary]:
        """Up to ``n`` customers passing ``rules``, picked at random, as profile summaries."""
        from engine.track.profiles import summaries

        clause = self.where(rules, now)
        n = max(0, min(int(n), 1000))
        with self.workspace._session() as s:
            conn = s.connection()
            ids = list(conn.scalars(select(_customers.c.id).where(clause).order_by(func.random()).limit(n)))
            return summaries(conn, ids)

    def members(self, rules: Group | Mapping[str, Any], now: datetime | None = None) -> Iterator[str]:
        """Ids of the customers passing ``rules``, in id order, read a page at a time (each page its
        own short transaction, so a long iteration holds nothing open)."""
        clause = self.where(rules, now)
        last: str | None = None
        while True:
            query = select(_customers.c.id).where(clause).order_by(_customers.c.id).limit(PAGE)
            if last is not None:
                query = query.where(_customers.c.id > last)
            with self.workspace._session() as s:
                page = list(s.connection().scalars(query))
            yield from page
            if len(page) < PAGE:
                return
            last = page[-1]

    def evaluate(self, rules: Group | Mapping[str, Any], customer_id: str,
                 now: datetime | None = None) -> bool:
        """Whether one customer passes ``rules`` now, computed by the database (for a step that
        has no events loaded; :func:`matches` is the same answer in Python)."""
        clause = self.where(rules, now)
        with self.workspace._session() as s:
            found = s.connection().scalar(select(_customers.c.id)
                                          .where(_customers.c.id == customer_id, clause))
            return found is not None

    def contains(self, segment_id: str, customer_id: str, now: datetime | None = None) -> bool:
        """Whether a customer passes a saved segment's rules now (live, not the stored membership)."""
        return self.evaluate(self.get(segment_id).rules, customer_id, now)

    # -- stored membership ------------------------------------------------------------------------
    def refresh(self, segment_id: str, now: datetime | None = None) -> tuple[list[str], list[str]]:
        """Bring the stored membership up to date; returns ``(entered, left)`` customer ids (sorted).

        Who entered and who left is read first without blocking writers; the write then applies
        only what is still true of the stored membership, so a concurrent refresh of the same
        segment cannot record anyone twice.
        """
        moment = now or utcnow()
        info = self.get(segment_id)
        clause = self.where(info.rules, moment)
        stored = select(_members.c.customer_id).where(_members.c.segment_id == segment_id,
                                                      _members.c.customer_id == _customers.c.id)
        with self.workspace._session() as s:
            conn = s.connection()
            entered = sorted(conn.scalars(select(_customers.c.id).where(clause, ~exists(stored))))
            passing = select(_customers.c.id).where(_customers.c.id == _members.c.customer_id, clause)
            left = sorted(conn.scalars(select(_members.c.customer_id)
                                       .where(_members.c.segment_id == segment_id, ~exists(passing))))
        if not entered and not left:
            return [], []
        with self.workspace._session(write=True) as s:
            conn = s.connection()
            if conn.scalar(select(_segments.c.id).where(_segments.c.id == segment_id)) is None:
                raise NotFound(f"segment '{segment_id}' was deleted during its refresh",
                               where=self.workspace.location)
            added: list[str] = []
            for chunk in _chunks(entered):
                there = set(conn.scalars(select(_members.c.customer_id).where(
                    _members.c.segment_id == segment_id, _members.c.customer_id.in_(chunk))))
                # A customer erased since the read has no row to point at.
                alive = set(conn.scalars(select(_customers.c.id).where(_customers.c.id.in_(chunk))))
                rows = [{"segment_id": segment_id, "customer_id": cid, "since": moment}
                        for cid in chunk if cid not in there and cid in alive]
                if rows:
                    conn.execute(insert(_members), rows)
                    added += [row["customer_id"] for row in rows]
            removed: list[str] = []
            for chunk in _chunks(left):
                gone = conn.execute(delete(_members).where(_members.c.segment_id == segment_id,
                                                           _members.c.customer_id.in_(chunk))
                                    .returning(_members.c.customer_id))
                removed += list(gone.scalars())
            return added, sorted(removed)

    def refresh_all(self, now: datetime | None = None) -> dict[str, tuple[list[str], list[str]]]:
        """:meth:`refresh` every segment at the same moment; segment id → ``(entered, left)``."""
        moment = now or utcnow()
        return {info.id: self.refresh(info.id, moment) for info in self.list()}

    def is_member(self, segment_id: str, customer_id: str) -> bool:
        """Whether the customer was in the segment at its last refresh."""
        with self.workspace._session() as s:
            return s.connection().scalar(select(_members.c.customer_id).where(
                _members.c.segment_id == segment_id, _members.c.customer_id == customer_id)) is not None

    def stored_members(self, segment_id: str, offset: int = 0, limit: int = 50) -> MemberPage:
        """A page of the stored membership: ``(customer id, member since)``, longest members first."""
        with self.workspace._session() as s:
            conn = s.connection()
            self._row(conn, segment_id)
            total = conn.scalar(select(func.count()).select_from(_members)
                                .where(_members.c.segment_id == segment_id)) or 0
            rows = conn.execute(select(_members.c.customer_id, _members.c.since)
                                .where(_members.c.segment_id == segment_id)
                                .order_by(_members.c.since, _members.c.customer_id)
                                .offset(max(0, offset)).limit(max(0, min(limit, 1000))))
            return MemberPage(int(total), [(r.customer_id, r.since) for r in rows])

    def segments_of(self, customer_id: str) -> list[SegmentInfo]:
        """The segments a customer was in at their last refresh, by name."""
        with self.workspace._session() as s:
            conn = s.connection()
            rows = conn.execute(select(_segments).join(_members, _members.c.segment_id == _segments.c.id)
                                .where(_members.c.customer_id == customer_id).order_by(_segments.c.name))
            return [self._info(conn, r) for r in rows]

    # -- internals ----------------------------------------------------------------------------------
    def _row(self, conn: Any, segment_id: str) -> Any:
        row = conn.execute(select(_segments).where(_segments.c.id == segment_id)).first()
        if row is None:
            raise NotFound(f"there is no segment with id '{segment_id}'", where=self.workspace.location)
        return row

    def _info(self, conn: Any, row: Any) -> SegmentInfo:
        n = conn.scalar(select(func.count()).select_from(_members)
                        .where(_members.c.segment_id == row.id)) or 0
        return SegmentInfo(row.id, row.name, row.description, dict(row.rules), row.created_at, row.updated_at,
                           int(n))

    def _refuse_taken_name(self, conn: Any, name: str, segment_id: str | None) -> None:
        # Names differing only in capitals ("VIPs", "vips") would read as one segment in every
        # picker: one of them is enough. A workspace holds a few hundred segments at most.
        wanted = name.casefold()
        for other_id, other_name in conn.execute(select(_segments.c.id, _segments.c.name)):
            if other_id != segment_id and other_name.casefold() == wanted:
                raise SegmentInvalid(f"a segment named '{other_name}' exists already; choose another name",
                                     path="name")


def _check_segment_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise SegmentInvalid("a segment needs a name", path="name")
    name = name.strip()
    if len(name) > MAX_NAME:
        raise SegmentInvalid(f"the name is longer than {MAX_NAME} characters", path="name")
    return name


def _check_description(description: Any) -> str:
    if not isinstance(description, str):
        raise SegmentInvalid("the description must be text", path="description")
    if len(description) > 5000:
        raise SegmentInvalid("the description is longer than 5000 characters", path="description")
    return description


def _chunks(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), PAGE):
        yield values[start:start + PAGE]


#: Workspace setting holding the names of deleted segments (id → name, the latest last).
DELETED_NAMES_KEY = "segments.deleted_names"
#: How many deleted segments' names are kept.
MAX_DELETED_NAMES = 1000


def deleted_segment_names(conn: Connection) -> dict[str, str]:
    """The names deleted segments had (id → name), oldest deletion first; a damaged setting reads
    as none (they only make messages clearer)."""
    text = conn.scalar(select(_meta.c.value).where(_meta.c.key == DELETED_NAMES_KEY))
    try:
        found = json.loads(text) if text else {}
    except ValueError:
        return {}
    return {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, str)} \
        if isinstance(found, dict) else {}


def segment_fields(journey: Journey) -> list[tuple[str, str, str]]:
    """``(node id, dotted field, segment id)`` for each non-empty ``segment_id`` at any depth of a
    node's config (entry triggers, condition checks...)."""
    found: list[tuple[str, str, str]] = []

    def walk(node_id: str, value: Any, path: str) -> None:
        if isinstance(value, Mapping):
            for key, item in value.items():
                where = f"{path}.{key}" if path else str(key)
                if key == "segment_id" and isinstance(item, str) and item:
                    found.append((node_id, where, item))
                else:
                    walk(node_id, item, where)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(node_id, item, f"{path}.{i}")

    for node in journey.nodes:
        walk(node.id, node.config, "")
    return found


def unknown_segment_issues(journey: Journey, known: Collection[str],
                           names: Mapping[str, str] | None = None) -> list[Issue]:
    """An error for each node of ``journey`` naming a segment id not in ``known``: published, it
    would leave an entry nobody passes and a check nobody meets. ``names``: the names segments
    had (id → name), for one deleted since."""
    issues = []
    for node_id, field, segment_id in segment_fields(journey):
        if segment_id in known:
            continue
        node = journey.node(node_id)
        label = f'"{node.title}"' if node is not None and node.title else "A node"
        name = (names or {}).get(segment_id)
        text = (f"{label} names the saved segment “{name}”, which was deleted: choose one that exists."
                if name else
                f"{label} names a saved segment that this workspace does not have (deleted, or from another "
                f"workspace; id {segment_id}): choose one that exists.")
        issues.append(Issue("error", "segment_missing", text, node_id=node_id, field=field))
    return issues


def segment_issues(conn: Connection, journey: Journey) -> list[Issue]:
    """:func:`unknown_segment_issues` against the saved segments ``conn`` reads."""
    wanted = sorted({segment_id for _, _, segment_id in segment_fields(journey)})
    stored: set[str] = set()
    for chunk in _chunks(wanted):
        stored.update(conn.scalars(select(_segments.c.id).where(_segments.c.id.in_(chunk))))
    if stored == set(wanted):
        return []
    return unknown_segment_issues(journey, stored, deleted_segment_names(conn))


# ---------------------------------------------------------------------------------------------
# Names the rules can use (for the builder's completion and its "did you mean" hints)
# ---------------------------------------------------------------------------------------------

#: Bounds of :func:`known_names`, so that it stays cheap on a store of millions of events: the
#: newest events read for event names and for property names, the customers read for attribute
#: names, tags and values, and the most names (and values per attribute) returned of each.
NAMES_EVENT_SAMPLE = 50_000
NAMES_PROPERTY_SAMPLE = 2_000
NAMES_CUSTOMER_SAMPLE = 2_000
MAX_KNOWN_NAMES = 1_000
MAX_KNOWN_VALUES = 50
#: Longest attribute value offered for completion.
KNOWN_VALUE_TEXT = 100


@dataclass(frozen=True)
class KnownNames:
    """Event, property, attribute names and tags seen in a workspace, each sorted (case-insensitively).

    Read from bounded samples (see :func:`known_names`): a name missing here may still exist;
    :func:`missing_names` answers exactly.
    """

    events: list[str]
    properties: list[str]
    attributes: list[str]
    tags: list[str]
    #: A few distinct short text values of each attribute (its scalar values, as text).
    values: dict[str, list[str]]


def known_names(workspace: Workspace, *, event_sample: int = NAMES_EVENT_SAMPLE,
                property_sample: int = NAMES_PROPERTY_SAMPLE, customer_sample: int = NAMES_CUSTOMER_SAMPLE,
                limit: int = MAX_KNOWN_NAMES) -> KnownNames:
    """The names the newest ``event_sample`` events, the properties of the newest
    ``property_sample`` and the attributes and tags of ``customer_sample`` customers use; read only.

    Events are read newest first (:func:`recent_event_names`); customers in storage order, since
    no index orders them by time.
    """
    with workspace._session() as s:
        conn = s.connection()
        events = recent_event_names(conn, event_sample)
        properties: set[str] = set()
        for row in conn.execute(select(_events.c.properties).order_by(_events.c.id.desc())
                                .limit(max(0, property_sample))):
            if isinstance(row.properties, dict):
                for key, value in row.properties.items():
                    if not isinstance(key, str):
                        continue
                    properties.add(key)
                    if isinstance(value, list):  # an order's items: their keys, as rules name them
                        properties.update(f"{key}.{k}" for item in value[:MAX_KNOWN_VALUES] if isinstance(item, dict)
                                          for k in item if isinstance(k, str))
        attributes: set[str] = set()
        tags: set[str] = set()
        values: dict[str, set[str]] = {}
        for row in conn.execute(select(_customers.c.attributes, _customers.c.tags).limit(max(0, customer_sample))):
            if isinstance(row.attributes, dict):
                for key, value in row.attributes.items():
                    if not isinstance(key, str):
                        continue
                    attributes.add(key)
                    text = _value_text(value)
                    seen = values.setdefault(key, set())
                    if text is not None and len(seen) < MAX_KNOWN_VALUES:
                        seen.add(text)
            if isinstance(row.tags, list):
                tags.update(t for t in row.tags if isinstance(t, str))

    def ordered(names: Iterable[str]) -> list[str]:
        return sorted(names, key=lambda n: (fold(n), n))[:max(0, limit)]

    return KnownNames(ordered(events), ordered(properties), ordered(attributes), ordered(tags),
                      {key: ordered(seen) for key, seen in values.items() if key in attributes})


def recent_event_names(conn: Connection, sample: int = NAMES_EVENT_SAMPLE) -> set[str]:
    """The names of the newest ``sample`` stored events, read newest first by their integer key
    (the primary key: no scan of the table)."""
    newest = select(_events.c.name).order_by(_events.c.id.desc()).limit(max(0, sample)).subquery()
    return set(conn.scalars(select(newest.c.name).distinct()))


def _value_text(value: Any) -> str | None:
    """An attribute value as a rule would write it, when it is short scalar text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) and math.isfinite(value):
        return str(value)
    if isinstance(value, str) and value.strip() and len(value) <= KNOWN_VALUE_TEXT:
        return value
    return None


def missing_names(workspace: Workspace, *, events: Iterable[str] = (),
                  attributes: Iterable[str] = ()) -> tuple[set[str], set[str]]:
    """Which of ``events`` no stored event is named (exactly), and which of ``attributes`` no
    customer has (present and not null, dotted names reaching into objects as in the rules); read
    only. At most 50 names of each are checked; each check stops at the first row found."""
    dialect = workspace.engine.dialect.name
    missing_events: set[str] = set()
    missing_attributes: set[str] = set()
    with workspace._session() as s:
        conn = s.connection()
        for name in sorted(set(events))[:50]:
            if name and conn.scalar(select(literal(1)).where(_events.c.name == name).limit(1)) is None:
                missing_events.add(name)
        for name in sorted(set(attributes))[:50]:
            try:
                clause = attribute_clause(dialect, name, "exists")
            except SegmentInvalid:
                continue  # the rules check says what is wrong with it
            if conn.scalar(select(literal(1)).select_from(_customers).where(clause).limit(1)) is None:
                missing_attributes.add(name)
    return missing_events, missing_attributes


def missing_properties(workspace: Workspace, pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which ``(event name, property name)`` pairs no stored event of that name has the property of
    (present and not null, dotted names reaching into objects and lists of items as in the rules);
    read only. At most 50 pairs are checked; each check stops at the first event found."""
    compiler = _Compiler(workspace.engine.dialect.name, utcnow())
    missing: set[tuple[str, str]] = set()
    with workspace._session() as s:
        conn = s.connection()
        for event, name in sorted(set(pairs))[:50]:
            try:
                PropertyFilter(property=name, operator="exists")
            except ValidationError:
                continue  # the rules check says what is wrong with it
            clause = compiler.compare(_events.c.properties, name, "exists", None, items=True)
            found = conn.scalar(select(literal(1)).select_from(_events)
                                .where(_events.c.name == event, clause).limit(1))
            if found is None:
                missing.add((event, name))
    return missing


def closest_name(name: str, known: Sequence[str]) -> str | None:
    """The known name ``name`` most likely meant: the same letters in other capitals first, then the
    closest spelling (:mod:`difflib`, ignoring capitals); ``None`` when nothing is close."""
    import difflib

    folded = fold(name.strip())
    if not folded:
        return None
    by_fold: dict[str, str] = {}
    for candidate in known:
        by_fold.setdefault(fold(candidate), candidate)
    if folded in by_fold and by_fold[folded] != name:
        return by_fold[folded]
    # Separators differ more often than letters: "order completed" for "order_completed".
    squashed = re.sub(r"[\s_\-.]+", "", folded)
    for key, candidate in by_fold.items():
        if squashed and re.sub(r"[\s_\-.]+", "", key) == squashed and candidate != name:
            return candidate
    close = difflib.get_close_matches(folded, list(by_fold), n=1, cutoff=0.75)
    return by_fold[close[0]] if close and by_fold[close[0]] != name else None
