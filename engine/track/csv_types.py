"""Column types of a CSV import: inferring them from sample values, and converting whole columns.

Types: ``text``, ``int``, ``float``, ``bool``, ``date``, ``datetime``, ``email``, ``phone``.
Dates and times have a *format*: ``iso`` (ISO 8601, with or without a zone), ``dmy``
(31/12/2024, also with ``.`` or ``-`` and a time), ``mdy`` (12/31/2024), ``ymd`` (2024/12/31),
``unix_s`` and ``unix_ms`` (Unix time in seconds or milliseconds), or a :func:`~datetime.datetime.strptime`
pattern such as ``%d.%m.%Y %H:%M``. Whether 03/04/2024 is day first or month first is decided by
the values (a 31 in the first place settles it; when values settle both orders, the most of them
win); when no value settles it the column is marked *ambiguous*, read day first, and the caller
should ask the user. Once the order is settled, a value of a column that is not forced to its type
(one kept as text otherwise) that is a date only in the other order makes its row an error.

Numbers may be written with a thousands separator (``1,234.50``, ``1.234,56``, ``1 234,56``,
``1'234.50``): the way a column writes them is decided from all its sampled values, and a value is
then read the column's way. ``1,234`` alone could be 1234 or 1.234: a column whose values cannot
tell is kept as text (``unsure_separator``) and the caller should say so.

Shopify and other exports write identifiers and ZIP codes as ``'01234`` (phone numbers as
``'+33612345678``) so that a spreadsheet keeps them as text. A column with any such sampled value
(one apostrophe, then digits or ``+`` and digits) is text, and its values are read without that
apostrophe: a ZIP column where only some codes start with a zero, ``'02134`` beside ``69001``, stays
a column of text codes. A text column of customer attributes drops the apostrophe from every such
value whatever the others, and a value kept as text because it does not fit its column's inferred
type drops it too. An identifier column drops the apostrophe before every value that starts with
digits or ``+`` and digits after it (``'0612345678`` beside ``+33612345679``), and before every
value when every sampled value starts with one.
Excel's formula wrapper ``="00123"`` (``="+4917123"``) is read the same way: a column with such a
sampled value is text, and the text inside the quotes is what is imported.

Yes/no columns: ``no``, ``n``, ``y``, ``on``, ``off``, ``t`` and ``f`` are also codes (NO is Norway,
ON Ontario), so a column of them alone is inferred yes/no only if it holds both a yes and a no; a
column whose header names a code, country, province, state, region or language never is.

Consent columns read yes/no words and also the marketing statuses of Shopify's newer customer
exports (``Email Marketing Status``, ``SMS Marketing Status``; :data:`MARKETING_STATUSES`), and
the yes/no words of German, French, Spanish, Italian and Portuguese (ja/nein, oui/non, sí/no, sim/não):
``subscribed`` is consent, ``unsubscribed`` and ``not_subscribed`` are its refusal, and
``pending``, ``invalid`` and ``redacted`` record nothing, as an empty cell does.

An identifier that Excel wrote as a number in scientific notation (``1.38001E+10``, also
``1.38E10``, ``1.38e+10`` or ``1,38E10``, for a phone number or a long user id) has lost its last
digits: its row is an error. An identifier that a spreadsheet or pandas wrote as a decimal
(``13800138000.0``) loses nothing: it is imported without the ``.0`` (a phone number would
otherwise keep the 0 as a digit, as dots separate its groups) and its row is named in a warning. An
e-mail identifier without a dot in its domain (``chloe@example``, ``user@localhost``) is kept, but
its row is named in a warning for the user to check; so, in an events file, is a property value that
Excel shortened (``1.23457E+11``: at most six significant digits on a number of at least 1e11),
which is imported as the number it shows (:data:`Note`, :attr:`EventRows.notes`). An e-mail
identifier with a character that no address holds outside a quoted local part (a comma, a space, a
semicolon, an angle bracket, a second ``@``: ``user0@Example,COM``) makes its row an error
(:func:`address_problem`). These checks search a batch's column joined into one text, and go value
by value only through a batch that holds such a value.

Phone identifiers written without a country code (``06 12 34 56 78``) are read as numbers of the
import's phone country, when it has one, and kept in E.164 form (``+33612345678``; see
:func:`canonical_values`); those that are not valid numbers of that country are kept as written
and named in a warning (:data:`PHONE_UNREAD`). The dedup key of an event still hashes the file's
own text.

Cells that only say there is no value (:data:`PLACEHOLDERS`: ``n/a``, ``#N/A``, ``null``, ``none``,
``-``, ``—`` and the like, in any case; not ``NA`` nor ``no``, which can be values) are empty cells
in a column of customer attributes: they change nothing, and the preview of a customers file leaves
them out of type inference (:func:`without_placeholders`). The import names them in a warning
(:data:`PLACEHOLDER`). Elsewhere they are values like any other.

A :class:`Converter` is built once per column and converts a whole column at a time with C-level
loops (``map``); only when that fails does it go value by value to find the bad ones. Naive times
are in the import's time zone and everything is converted to UTC.

A :class:`BatchConverter` (for events an :class:`EventConverter`) converts the columns of a batch of
records and says which rows are bad and why; it touches no database, so an events file can be read
and converted in a second process (:func:`reading_process`, which imports nothing heavier than this
module and :mod:`engine.track.csv_format`) while the importing process writes. The import
(:mod:`engine.track.csv_import`) resolves identities and writes.
"""

from __future__ import annotations

import contextlib
import gc
import math
import os
import pickle
import re
import signal
import struct
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, tzinfo
from functools import cache
from hashlib import blake2b
from itertools import compress, product, repeat
from json.encoder import encode_basestring
from operator import methodcaller
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from engine.identifiers import NO_IDENTIFIER, PLACEHOLDERS, canonical_identifier, says_nothing
from engine.track.csv_format import FileFormat, NoHeader, RecordBatch, RecordFile

TYPES = ("text", "int", "float", "bool", "date", "datetime", "email", "phone")
DATE_FORMATS = {
    "iso": "ISO 8601 (2024-12-31 or 2024-12-31T18:30:00Z)",
    "dmy": "day/month/year (31/12/2024 18:30)",
    "mdy": "month/day/year (12/31/2024 6:30 PM)",
    "ymd": "year/month/day (2024/12/31 18:30)",
    "unix_s": "Unix time in seconds (1735669800)",
    "unix_ms": "Unix time in milliseconds (1735669800000)",
}
#: The same in every mix of upper and lower case (``N/A``, ``NULL``, ``None``), so that a column is
#: searched without lower-casing its values.
_PLACEHOLDER_CELLS = frozenset(
    "".join(chars) for text in PLACEHOLDERS for chars in product(*({c, c.upper()} for c in text)))
TRUE_WORDS = frozenset({"true", "yes", "y", "t", "1", "on", "是"})
FALSE_WORDS = frozenset({"false", "no", "n", "f", "0", "off", "否"})
_BOOLS = {**dict.fromkeys(TRUE_WORDS, True), **dict.fromkeys(FALSE_WORDS, False)}
#: Yes/no words that are also codes (NO is Norway, ON Ontario, Y and N grades or sizes): a column
#: of them alone is not yes/no unless it holds both a yes and a no.
_AMBIGUOUS_BOOLS = frozenset({"y", "n", "t", "f", "on", "off", "no"})
#: Header words naming a column of codes, which is never inferred yes/no (``country_code`` = NO).
_CODE_HEADER_WORDS = ("code", "country", "province", "state", "region", "lang")
#: Yes/no words of other languages, read in consent columns only (inference leaves them as text).
_CONSENT_YES_NO = {"ja": True, "nein": False, "oui": True, "non": False, "sí": True, "si": True,
                   "sim": True, "não": False, "nao": False, "是": True, "否": False, "同意": True, "不同意": False,
                   "已订阅": True, "未订阅": False}
#: The marketing statuses of Shopify's customer exports, lower-cased, as consent: given, refused,
#: or nothing recorded (None).
MARKETING_STATUSES: dict[str, bool | None] = {
    "subscribed": True, "unsubscribed": False, "not_subscribed": False, "pending": None, "invalid": None,
    "redacted": None}
_CONSENT_WORDS = {**_BOOLS, **_CONSENT_YES_NO, **MARKETING_STATUSES,
                  **{k.replace("_", " "): v for k, v in MARKETING_STATUSES.items() if "_" in k}}

_INT = re.compile(r"[+-]?(?:0|[1-9]\d{0,17})")
#: Digits that are a code rather than a number: a leading zero (``01000``), or 16 digits or more,
#: beyond what a float keeps exactly (``6212345678901234567``).
_CODE_DIGITS = re.compile(r"0\d+|\d{16,}")
# Leading zeros (zip codes, SKUs) do not match: such columns stay text.
_FLOAT = re.compile(r"[+-]?(?:(?:0|[1-9]\d*)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
#: Characters that separate thousands, by the one that stands for them: comma, dot, space (and the
#: no-break spaces that spreadsheets write), apostrophe (straight or typographic).
_GROUP_MARKS = {",": ",", ".": ".", " ": " \u00a0\u202f", "'": "'\u2019"}
#: A number with one decimal mark or none, and no thousands separator.
_PLAIN_NUMBER = re.compile(r"([+-]?(?:0|[1-9]\d*))(?:([.,])(\d+))?")
#: A number with thousands separators (one kind, groups of three) and maybe decimals.
_GROUPED_NUMBER = re.compile(r"(-?[1-9]\d{0,2})([,. '\u00a0\u202f\u2019])(\d{3}(?:\2\d{3})*)(?:([.,])(\d+))?")
#: What a column of numbers may be made of (a cheap test before trying the ways of writing them).
_NUMBERISH = re.compile(r"[+-]?\d[\d,. '\u00a0\u202f\u2019]*")
#: The ways of writing numbers tried for a column: (thousands separator or "", decimal comma).
_NUMBER_STYLES: tuple[tuple[str, bool], ...] = (
    ("", False), ("", True), (",", False), (".", True), (" ", True), ("'", True), ("'", False), (" ", False))
#: One leading apostrophe before digits (Shopify's ``'01234``), or before a ``+`` and digits (a phone
#: number kept from becoming a number: ``'+33612345678``).
_QUOTED_DIGITS = re.compile(r"'\+?[0-9]+")
#: A value behind a spreadsheet's text mark that the mark is left out of in a text column: digits, or
#: ``+`` and digits, with the separators of phone numbers and codes (``'+49 30 1234567``,
#: ``'+1 (613) 555-0142``, ``'01234``).
_QUOTED_NUMBERISH = re.compile(r"'\+?[0-9][0-9 ()./-]*")
#: The start of an identifier value behind a spreadsheet's text mark: digits, or ``+`` then digits
#: (``'0612345678``, ``'+33 6 12 34 56 78``, ``'7145031762090``).
_QUOTED_ID = re.compile(r"'\+?[0-9]")
#: Excel's formula that keeps a value as text (``="00123"``, ``="+4917123"``): the text inside.
_FORMULA_TEXT = re.compile(r'="((?:[^"]|"")*)"')
_EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")
#: What an e-mail value must be once the column is e-mail (inference asks for a dot in the domain as
#: well): an identifier without that dot is imported and only named (``chloe@example``), so the
#: type check does not call it a misfit either. A comma, a semicolon or an angle bracket is never
#: part of an address (outside a quoted local part, which no export writes).
_ADDRESS = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+")
#: What no e-mail address holds outside a quoted local part, by what the error calls it (any other
#: white space is a space too).
_NOT_IN_ADDRESS = {",": "a comma", ";": "a semicolon", "<": "an angle bracket", ">": "an angle bracket"}
#: Them and the ASCII white space but the newline, looked for one by one in values joined with
#: newlines (a substring test is a C-level scan, many times cheaper than a regular expression).
_ADDRESS_JUNK = (",", ";", "<", ">", " ", "\t", "\r", "\f", "\v", "\x1c", "\x1d", "\x1e", "\x1f")
#: A number as Excel writes it in scientific notation once it is too long for a cell (1.38001E+10;
#: also 1.38E10, 1.38e+10 and 1,38E10 as other programs and locales write it). Without a sign
#: before the exponent it needs decimals (``5e12`` or ``3E5`` may well be a code someone chose).
_EXCEL_TEXT = r"[+-]?\d(?:[.,]\d+[eE][+-]?|[eE][+-])\d{1,3}"
_EXCEL_NUMBER = re.compile(_EXCEL_TEXT)
#: An integer a spreadsheet or pandas wrote as a decimal (13800138000.0): the digits before the dot.
_DECIMAL_ZERO = re.compile(r"(\d+)\.0+")
#: An identifier of either kind above, in values joined with newlines after a newline: a value
#: that is one (or one with a line break in it, which the caller then checks value by value).
#: Identifier values that name no one (:data:`~engine.identifiers.NO_IDENTIFIER`) in every mix of
#: upper and lower case, so that a column is searched without lower-casing its values.
_NO_IDENTIFIER_CELLS = frozenset(
    "".join(chars) for text in NO_IDENTIFIER for chars in product(*({c, c.upper()} for c in text)))
#: A line without a digit in a column joined by line breaks: a phone number that is none.
_NO_DIGIT_LINE = re.compile(r"(?m)^[^0-9\n]+$")
_SUSPECT_IDENTIFIER = re.compile(r"\n(?:" + _EXCEL_TEXT + r"|\d+\.0+)(?=\n|\Z)")
#: A number of at least 1e11 that Excel wrote with at most six significant digits (1.23457E+11):
#: its last digits are lost. ``_SHORTENED_IN`` finds one in values joined with newlines after a newline.
_SHORTENED_TEXT = r"[ \t]*[+-]?\d(?:[.,]\d{1,5})?E\+?0*(?:1[1-9]|[2-9]\d|[1-9]\d{2,})[ \t]*"
_SHORTENED = re.compile(_SHORTENED_TEXT)
_SHORTENED_IN = re.compile(r"\n" + _SHORTENED_TEXT + r"(?=\n|\Z)")
#: An e-mail address whose domain has no dot, in values joined with newlines: it finds some
#: such value, or one with a line break in it (which the caller then checks value by value).
_NO_DOT_DOMAIN = re.compile(r"@[^.@\n]*+(?:\n|\Z)")
_PHONE = re.compile(r"\+?[\d\s()./-]{6,24}")
_TIME = r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?\s*([AaPp]\.?[Mm]\.?)?)?\s*(Z|[+-]\d{2}:?\d{2})?"
_DAY_MONTH = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})" + _TIME)
#: Year first: 2024/12/31, 2024-12-31 18:30, and the Chinese and Japanese 2024年12月31日 20:01.
_YEAR_FIRST = re.compile(r"(\d{4})([./-]|年)(\d{1,2})(?:\2|月)(\d{1,2})(?:日\s*)?" + _TIME.replace("[ T]+", "[ T]*", 1))
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME_WORDS = ("time", "date", "timestamp", "at", "ts", "when", "created", "updated", "时间", "日期")
_PHONE_WORDS = ("phone", "mobile", "tel", "cell", "telefon", "telefonnummer", "handy", "handynummer", "mobil", "tél",
                "mobilnummer", "téléphone", "telephone", "portable", "teléfono", "telefono", "celular", "móvil",
                "movil", "cellulare", "telemóvel", "telemovel", "telefone", "手机", "电话")
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
    #: For ``int`` and ``float``: the thousands separator of the column (``1,234.50``), or "": a
    #: comma, a dot, a space (any kind) or an apostrophe (either kind).
    grouping: str = ""
    #: For a ``text`` column of numbers such as 1,234: the mark ("," or ".") that could separate
    #: thousands or decimals. ``decimal_comma`` then says how a number type chosen for it reads them.
    unsure_separator: str = ""
    #: ``digits``: values written ``'01234`` are read without the apostrophe; ``all``: every sampled
    #: value starts with one, which an identifier column leaves out.
    apostrophe: str = ""
    #: For ``bool``: a consent column, which reads :data:`MARKETING_STATUSES` too.
    statuses: bool = False
    #: For a ``dmy`` or ``mdy`` date column: some values are ISO 8601 dates (``1985-12-01``), which
    #: start with the year and read only one way; they are read too (inferred, never chosen).
    iso_too: bool = False
    #: For ``int`` and ``float``: the currency sign the amounts are written with (``¥56.00``,
    #: ``12,50 €``), left out when they are read.
    currency: str = ""

    def describe(self) -> str:
        if self.currency and self.name in ("int", "float"):
            return f"{replace(self, currency='').describe()}, without the {self.currency} sign"
        if self.statuses:
            return "bool or marketing status"
        if self.name in ("date", "datetime") and self.date_format:
            label = DATE_FORMATS.get(self.date_format, self.date_format)
            words, _, example = label.partition(" (")
            example = example.rstrip(")")
            if self.name == "date" and self.date_format in ("dmy", "mdy", "ymd"):
                example = example.split(" ", 1)[0]  # a date column's values have no time: 31/12/2024
            text = f"{self.name}, {words}" + (f" like {example}" if example else "")
            text += ", and ISO 8601" if self.iso_too else ""
            return text + ("; day and month could be swapped" if self.ambiguous else "")
        if self.name in ("int", "float") and self.grouping:
            decimals = ("," if self.decimal_comma else ".") + "50" if self.name == "float" else ""
            return f"{self.name}, written like 1{self.grouping}234{decimals}"
        if self.name == "float" and self.decimal_comma:
            return "float, decimal comma"
        return self.name

    def written_as(self, found: ColumnType) -> ColumnType:
        """This type (chosen by the user) reading a column's values the way the file writes them,
        as inferred in ``found``: its numbers' separators, and a leading apostrophe to leave out."""
        apostrophe = found.apostrophe if found.apostrophe == "digits" else ""
        if self.name in ("int", "float"):
            return replace(self, decimal_comma=found.decimal_comma, grouping=found.grouping, apostrophe=apostrophe,
                           currency=found.currency)
        return replace(self, apostrophe=apostrophe)

    def unsure_warning(self, column: str) -> str:
        """What to tell the user about a column whose numbers could be read two ways."""
        mark = self.unsure_separator
        word = "comma" if mark == "," else "dot"
        thousands = (mark == ",") != self.decimal_comma
        return (f"column '{column}': in numbers like 1{mark}234 the {word} could separate thousands or decimals, "
                f"so they are kept as text; choose a number type for the column to read the {word} as "
                + ("a thousands separator" if thousands else f"a decimal {'comma' if mark == ',' else 'point'}"))


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
    if any(map(_FORMULA_TEXT.fullmatch, present)):
        # Excel's ="00123" keeps a value as text: the column is text, read without the wrapper.
        return ColumnType("text", apostrophe="digits")
    if all(v.startswith("'") for v in present):
        # A spreadsheet's mark for "keep as text": digits after it stay text, without the mark.
        if all(map(_QUOTED_DIGITS.fullmatch, present)):
            return ColumnType("text", apostrophe="digits")
        return replace(_infer(present, header, delimiter), apostrophe="all")
    if any(map(_QUOTED_DIGITS.fullmatch, present)):
        # Some values carry the mark ('02134 beside 69001): the column is text, and those values
        # are read without it; as numbers, the marked ones would be misfits kept with it.
        return ColumnType("text", apostrophe="digits")
    sign = _currency_of(present)
    if sign:
        # Amounts written with their currency (¥56.00, 12,50 €): numbers, read without the sign.
        found = _infer([without_currency(v, sign) for v in present], header, delimiter)
        if found.name in ("int", "float"):
            return replace(found, currency=sign)
    return _infer(present, header, delimiter)


#: Currency signs and codes written before or after amounts, longest first where one holds another.
_CURRENCY_SIGNS = ("人民币", "US$", "HK$", "NT$", "R$", "A$", "C$", "CHF", "EUR", "USD", "GBP", "RMB", "CNY", "JPY",
                   "¥", "￥", "$", "€", "£", "₩", "₹", "₽", "元", "円", "kr", "zł")
#: Signs that write one currency (a column may mix them: ¥56 beside ￥12 and 30元): the first names them.
_CURRENCY_GROUPS = (("¥", "￥", "元", "RMB", "CNY", "人民币", "JPY", "円"), ("$", "US$", "USD"), ("€", "EUR"),
                    ("£", "GBP"))
_CURRENCY_OF = {sign: group[0] for group in _CURRENCY_GROUPS for sign in group}


def currency_in(value: str) -> str:
    """The currency sign ``value`` is written with (``¥56.00``, ``-$5``, ``12,50 €``, ``RMB 856``),
    or ""."""
    body = value[1:] if value[:1] in "+-" else value
    for sign in _CURRENCY_SIGNS:
        if body.startswith(sign) and body[len(sign):].lstrip()[:1].isdigit():
            return sign
        if value.endswith(sign) and value[:-len(sign)].rstrip()[-1:].isdigit():
            return sign
    return ""


def _currency_of(values: list[str]) -> str:
    """The currency sign at least half of ``values`` are written with, if they write one currency
    (¥, ￥, 元 and RMB alike): the first one written."""
    written = [sign for sign in map(currency_in, values) if sign]
    if not written or len(written) * 2 < len(values):
        return ""
    groups = {_CURRENCY_OF.get(sign, sign) for sign in written}
    return written[0] if len(groups) == 1 else ""


def without_currency(value: str, sign: str = "") -> str:
    """``value`` without a sign of the currency ``sign`` names, before or after it (``-¥5.00`` →
    ``-5.00``, ``30元`` → ``30`` for ``¥``); without ``sign``, without any currency's sign."""
    written = currency_in(value)
    if not written or (sign and _CURRENCY_OF.get(written, written) != _CURRENCY_OF.get(sign, sign)):
        return value
    lead = value[:1] if value[:1] in "+-" else ""
    body = value[len(lead):]
    if body.startswith(written):
        return lead + body[len(written):].lstrip()
    return value[:-len(written)].rstrip()
    return value


def yes_no(word: str) -> bool | None:
    """What a yes/no word means in the languages the CSV import reads (``是``, ``oui``, ``nein``),
    None if it is none."""
    return _CONSENT_YES_NO.get(word.strip().lower(), _BOOLS.get(word.strip().lower()))


def year_first_iso(text: str) -> str | None:
    """A date written year first (``1990年3月4日``, ``1990/3/4``, with a time or not) in ISO 8601
    (``1990-03-04``, ``1990-03-04T20:01:00``), or None if it is not one."""
    match = _YEAR_FIRST.fullmatch(text.strip())
    if match is None or not _parts_ok(int(match.group(3)), int(match.group(4))):
        return None
    try:
        moment = _build(match, year=1, month=3, day=4)
    except ValueError:
        return None
    return moment.isoformat() if match.group(5) else moment.date().isoformat()


def _infer(present: list[str], header: str, delimiter: str) -> ColumnType:
    best: tuple[int, ColumnType] | None = None
    makers: tuple[Callable[[list[str], str, str], Candidate], ...] = (
        _as_bool, _as_int, _as_float, _infer_date, _as_email, _as_phone)
    if any(map(_CODE_DIGITS.fullmatch, present)):
        # Leading zeros (01000, a postal code) or more digits than a number keeps exactly (a card
        # number): codes, kept as written rather than read as numbers.
        makers = (_as_bool, _infer_date, _as_email, _as_phone)
    if _header_hints(header, _PHONE_WORDS):
        # Under a phone header, digits alone (13800138000) are phone numbers, not a count.
        makers = (_as_phone, *(m for m in makers if m is not _as_phone))
    for make in makers:
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
    lowered = header.lower()
    if any(word in lowered for word in _CODE_HEADER_WORDS):
        return None  # NO (Norway), ON (Ontario): codes that happen to be yes/no words
    good = _fits(values, lambda v: v.lower() in _BOOLS)
    if good is None:
        return None
    words = {v.lower() for v in good}
    if words <= {"0", "1"}:
        return None
    both = len({_BOOLS[w] for w in words}) == 2
    # "NO, NO, NO" may be Norway and "Y, Y" a grade: such words alone do not make a yes/no column.
    if not both and words <= _AMBIGUOUS_BOOLS:
        return None
    misfits = len(values) - len(good)
    # A misfit is tolerated only beside both a yes and a no word: "ON, ON, BC" are province codes.
    if misfits and not both:
        return None
    return ColumnType("bool"), misfits


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
    """Numbers with a decimal point, or written another way (a decimal comma, thousands separators)
    if that fits more values; see :func:`_number_style`."""
    good = _fits(values, _FLOAT.fullmatch)
    found = None if good is None else (ColumnType("float"), len(values) - len(good))
    if found is not None and found[1] == 0 and delimiter != ";":
        return found
    if _fits(values, _NUMBERISH.fullmatch) is None:
        return found
    styled = _number_style(values, delimiter)
    if styled is not None and (found is None or styled[1] <= found[1]):
        return styled
    return found


def _number_style(values: list[str], delimiter: str) -> Candidate:
    """How a column writes its numbers, decided from all its values: the ways of writing them
    (:data:`_NUMBER_STYLES`) that read the most values, if they all read them alike.

    ``1,234.50`` or ``1,234,567`` settle a comma as a thousands separator, ``12,50`` or
    ``1.234,56`` a decimal comma. When the values do not settle it (only numbers like ``1,234``)
    the column is text marked ``unsure_separator``, and the delimiter says how a number type
    chosen for it reads them: with a decimal comma in a semicolon-separated file (the way
    spreadsheets write CSV where the comma is the decimal mark), otherwise with a decimal point.
    The only exception: numbers like ``1.234`` (and no other way of writing) outside a
    semicolon-separated file are decimals, as they always were.
    """
    tolerated = _tolerance(len(values))
    tried: list[tuple[int, tuple[str, bool], list[str | None]]] = []
    for group, comma in _NUMBER_STYLES:
        marks = _GROUP_MARKS[group] if group else "," if comma else ""
        if marks and not any(m in v for v in values for m in marks):
            continue
        pattern = _style_pattern(group, comma)
        readings = [_style_text(v, group, comma) if pattern.fullmatch(v) else None for v in values]
        misfits = readings.count(None)
        if misfits < len(values) and misfits <= tolerated:
            tried.append((misfits, (group, comma), readings))
    if not tried:
        return _decimal_evidence(values, tolerated)
    fewest = min(t[0] for t in tried)
    best = [t for t in tried if t[0] == fewest]
    (group, comma), readings = best[0][1], best[0][2]
    if all(t[2] == readings for t in best):
        if not group and not comma:
            return None  # plain numbers: the plain types say so
        name = "float" if any("." in r for r in readings if r is not None) else "int"
        return ColumnType(name, decimal_comma=comma, grouping=group), fewest
    styles = [t[1] for t in best]
    if ("", False) in styles and delimiter != ";":
        return ColumnType("float"), fewest
    settled = _decimal_evidence(values, tolerated)
    if settled is not None and settled[1] <= fewest:
        return settled
    mark = "." if ("", False) in styles else ","
    return ColumnType("text", decimal_comma=delimiter == ";", unsure_separator=mark), fewest


def _decimal_mark(value: str) -> str | None:
    """What one number says about its column's decimal mark: ``","`` or ``"."``; ``""`` when it
    says nothing (``10``, ``1,234``, ``1 234``); None when it is no number."""
    plain = _PLAIN_NUMBER.fullmatch(value)
    if plain is not None:
        whole, mark, digits = plain.groups()
        if mark is None:
            return ""
        whole = whole.lstrip("+-")
        return mark if len(digits) != 3 or whole == "0" or len(whole) > 3 else ""
    grouped = _GROUPED_NUMBER.fullmatch(value)
    if grouped is None:
        return None
    _head, group, _body, mark, _digits = grouped.groups()
    if mark is not None:
        return None if mark == group else mark
    return {",": ".", ".": ","}.get(group, "")  # a comma between thousands leaves the point for decimals


def _decimal_evidence(values: list[str], tolerated: int) -> Candidate:
    """A column whose numbers are written in more than one way (``1 234,50`` beside ``1.234,56``
    and ``89,90``) but each of which says the same decimal mark, read with that mark; None when
    they disagree, say nothing, or too many are not numbers."""
    marks = [_decimal_mark(v) for v in values]
    misfits = marks.count(None)
    said = {m for m in marks if m}
    if len(said) != 1 or misfits > tolerated:
        return None
    comma = said == {","}
    column = ColumnType("float", decimal_comma=comma)
    readings = [_number_text(v, column) for v, m in zip(values, marks, strict=True) if m is not None]
    name = "float" if any(r is not None and "." in r for r in readings) else "int"
    return replace(column, name=name), misfits


@cache
def _style_pattern(group: str, comma: bool) -> re.Pattern[str]:
    """Numbers written with ``group`` separating thousands ("" for none) and a decimal comma or point."""
    whole = r"[+-]?(?:0|[1-9]\d*)"
    if group:
        # No plus sign before separated thousands: "+1 234 567" is a phone number.
        whole = rf"(?:-?[1-9]\d{{0,2}}(?:[{re.escape(_GROUP_MARKS[group])}]\d{{3}})+|{whole})"
    return re.compile(rf"{whole}(?:{',' if comma else '[.]'}\d+)?")


def _style_text(value: str, group: str, comma: bool) -> str:
    """A value that fits a way of writing numbers, as ``float`` and ``int`` read it."""
    for mark in _GROUP_MARKS.get(group, ""):
        value = value.replace(mark, "")
    return value.replace(",", ".") if comma else value


def _number_text(text: str, column: ColumnType) -> str | None:
    """A number of a column, as ``float`` and ``int`` read it, or None if it is not one.

    The column's way of writing numbers decides only what cannot be told from the value alone:
    whether the mark in ``1,234`` or ``1.234`` separates thousands. A mark that appears twice
    (``1,234,567``), before the other one (``1,234.50``), or is a space or an apostrophe separates
    thousands; a mark before other than three digits (``12,5``) is a decimal mark.
    """
    decimal = "," if column.decimal_comma else "."
    plain = _PLAIN_NUMBER.fullmatch(text)
    if plain is not None:
        whole, mark, digits = plain.groups()
        if mark is None:
            return whole
        if mark != decimal and len(digits) == 3 and whole.lstrip("+-") != "0":
            return whole + digits
        return f"{whole}.{digits}"
    grouped = _GROUPED_NUMBER.fullmatch(text)
    if grouped is None:
        return None
    head, group, body, mark, digits = grouped.groups()
    if mark is None:
        return head + body.replace(group, "")
    if mark == group:
        return None
    return f"{head}{body.replace(group, '')}.{digits}"


def without_placeholders(values: Sequence[str]) -> list[str]:
    """``values`` with the cells that only say there is no value (:data:`PLACEHOLDERS`) made empty,
    as a column of customer attributes reads them."""
    return ["" if v.strip() in _PLACEHOLDER_CELLS else v for v in values]


def address_problem(value: str) -> str | None:
    """Why a value of an e-mail identifier column is not an address, or None: it has no ``@``,
    nothing before or after it, or a character that no address holds outside a quoted local part (``"jo smith"@example.com``): a
    comma, a semicolon, an angle bracket, white space, or a second ``@``. An address without a dot
    in its domain is one (``user@localhost``)."""
    if "@" not in value:
        return f"'{_cut(value)}' is not an email address"
    if value.startswith("@"):
        return f"'{_cut(value)}' is not an email address: there is no name before the @"
    if value.endswith("@"):
        return f"'{_cut(value)}' is not an email address: there is no domain after the @"
    rest = value
    if value[:1] == '"' and (end := value.find('"@', 1)) > 0:
        rest = value[end + 1:]
    # The first of them is named (``ann@example.com;bob@example.com`` holds a semicolon).
    seen = False
    for char in rest:
        if char == "@":
            if seen:
                what = "a second @"
                break
            seen = True
        elif char in _NOT_IN_ADDRESS or char.isspace():
            what = _NOT_IN_ADDRESS.get(char, "a space")
            break
    else:
        return None
    return f"'{_cut(value)}' is not an email address: it holds {what}"


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
    mixed = _mixed_dates(values)
    if mixed is not None:
        return mixed
    iso = _fits(values, _iso_ok)
    # ISO 8601 unless year first reads more (2024-01-02 beside 2024年1月7日: year first reads both).
    if iso is not None and len(iso) >= sum(1 for v in values if _year_first_ok(v)):
        only_dates = all(_ISO_DATE.fullmatch(v) for v in iso)
        return ColumnType("date" if only_dates else "datetime", "iso"), len(values) - len(iso)
    year_first = _fits(values, _YEAR_FIRST.fullmatch)
    if year_first is not None:
        matches = [m for m in map(_YEAR_FIRST.fullmatch, year_first) if m]
        kind = "datetime" if any(m.group(5) for m in matches) else "date"
        if _fits(year_first, lambda v: _parts_ok(int(_group(_YEAR_FIRST, v, 3)), int(_group(_YEAR_FIRST, v, 4)))):
            return ColumnType(kind, "ymd"), len(values) - len(year_first)
        return None
    return _day_month_type(values)


def _year_first_ok(value: str) -> bool:
    """Whether a value is a date written year first with a month and day that can be."""
    match = _YEAR_FIRST.fullmatch(value)
    return match is not None and _parts_ok(int(match.group(3)), int(match.group(4)))


def _mixed_dates(values: list[str]) -> Candidate:
    """A column of dates written day/month/year (or month/day/year) and ISO 8601 (``1985-12-01``)
    side by side, as hand-kept sheets mix them: that order, reading the ISO ones too
    (:attr:`ColumnType.iso_too`). None when the values are not all one or the other, or all ISO."""
    written = [bool(_DAY_MONTH.fullmatch(v)) for v in values]
    if all(written) or not any(written):
        return None
    if not all(w or (_ISO_DATE.match(v) and _iso_ok(v)) for v, w in zip(values, written, strict=True)):
        return None
    found = _day_month_type(list(compress(values, written)))
    if found is None or found[0].date_format not in ("dmy", "mdy"):
        return None
    timed = found[0].name == "datetime" or any(not _ISO_DATE.fullmatch(v) for v, w in zip(values, written, strict=True)
                                               if not w)
    return replace(found[0], name="datetime" if timed else "date", iso_too=True), found[1]


def _day_month_type(values: list[str]) -> Candidate:
    """Day/month/year or month/day/year, when all but a tolerated few values are written so."""
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
    if day_first and month_first and settled_day and settled_month:
        # Values settle both orders (one was typed the other way): the most of them win, then the
        # first. The others are errors when importing, not dates read the wrong way round.
        day_votes = sum(1 for f, s in pairs if f > 12 and _parts_ok(s, f))
        month_votes = sum(1 for f, s in pairs if s > 12 and _parts_ok(f, s))
        if day_votes == month_votes:
            first = next(f for f, s in pairs if (f > 12 and _parts_ok(s, f)) or (s > 12 and _parts_ok(f, s)))
            return ColumnType(kind, "dmy" if first > 12 else "mdy"), misfits
        return ColumnType(kind, "dmy" if day_votes > month_votes else "mdy"), misfits
    if day_first and month_first and settled_day != settled_month:
        return ColumnType(kind, "dmy" if settled_day else "mdy"), misfits
    if day_first and month_first:
        return ColumnType(kind, "dmy", ambiguous=True), misfits
    if day_first:
        return ColumnType(kind, "dmy"), misfits
    if month_first:
        return ColumnType(kind, "mdy"), misfits
    return None


def most_read_dates(values: Sequence[str], header: str = "") -> tuple[ColumnType, int] | None:
    """The date format that reads the most of ``values`` (written by hand or by more than one
    program), as a ``datetime`` type, and how many of the non-empty values it reads; None when it
    reads none.

    Unlike :func:`infer_type` this tolerates any number of values that are not dates: it is for a
    column the user has said holds times, whose values decide only how they are written. Unix
    times are tried only when the header names a time, as :func:`infer_type` does. On a tie ISO
    8601 wins, then year first, then day first (marked ambiguous when month first reads as many).
    """
    present = [v.strip() for v in values if v.strip()]
    # A pattern match is cheap; only formats that match some values are parsed value by value.
    shaped = {"iso": any(_ISO_DATE.match(v) for v in present),
              "ymd": any(map(_YEAR_FIRST.fullmatch, present)),
              "dmy": any(map(_DAY_MONTH.fullmatch, present))}
    shaped["mdy"] = shaped["dmy"]
    shaped["unix_s"] = shaped["unix_ms"] = _header_hints(header, _TIME_WORDS) and any(map(_INT.fullmatch, present))
    counts: dict[str, int] = {}
    for fmt, possible in shaped.items():
        if not possible:
            continue
        conv = DateTimeConverter(ColumnType("datetime", fmt), UTC)
        counts[fmt] = sum(1 for v in present if _reads(conv, v))
    best = max(counts, key=lambda fmt: counts[fmt], default=None)  # the first of the best on a tie
    if best is None or not counts[best]:
        return None
    ambiguous = best == "dmy" and counts.get("mdy") == counts[best]
    return ColumnType("datetime", best, ambiguous), counts[best]


def _reads(conv: DateTimeConverter, value: str) -> bool:
    try:
        conv.one(value)
    except ValueError:
        return False
    return True


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
        if not all(map(_ADDRESS.fullmatch, values)):
            raise ValueError("not an email address")
        return values

    def one(self, value: str) -> Any:
        value = value.strip()
        if not _ADDRESS.fullmatch(value):
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


def _grouped_texts(values: list[str], column_type: ColumnType) -> list[str]:
    """Values of a column with thousands separators, as ``float`` and ``int`` read them; ValueError
    if one is not written the column's way."""
    group, comma = column_type.grouping, column_type.decimal_comma
    if not all(map(_style_pattern(group, comma).fullmatch, values)):
        raise ValueError("not written as the column")
    for mark in _GROUP_MARKS[group]:
        values = list(map(methodcaller("replace", mark, ""), values))
    return list(map(methodcaller("replace", ",", "."), values)) if comma else values


class IntConverter(Converter):
    def __init__(self, column_type: ColumnType):
        self.type = column_type

    def many(self, values: list[str]) -> list[Any]:
        if self.type.currency:
            values = [without_currency(v, self.type.currency) for v in values]
        if self.type.grouping:
            values = _grouped_texts(values, self.type)
        return list(map(int, values))

    def one(self, value: str) -> Any:
        text = value.strip()
        # Any currency's sign is left out of an amount (a column chosen as a number that mixes them).
        text = without_currency(text, self.type.currency)
        try:
            return int(text)
        except ValueError:
            pass
        plain = _number_text(text, self.type)
        try:
            if plain is not None and "." not in plain:
                return int(plain)
            number = float(plain if plain is not None else text)
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
        if self.type.currency:
            values = [without_currency(v, self.type.currency) for v in values]
        if self.type.grouping:
            values = _grouped_texts(values, self.type)
        elif self.type.decimal_comma:
            # A dot in a column with a decimal comma separates thousands (1.234): see ``one``.
            if any(map(str.__contains__, values, repeat("."))):
                raise ValueError("a dot in a column with a decimal comma")
            values = list(map(methodcaller("replace", ",", "."), values))
        numbers = list(map(float, values))
        if not all(map(math.isfinite, numbers)):
            raise ValueError("not a finite number")
        return numbers

    def one(self, value: str) -> Any:
        text = value.strip()
        text = without_currency(text, self.type.currency)
        plain = _number_text(text, self.type)
        try:
            number = float(plain if plain is not None else text)
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


class ConsentConverter(BoolConverter):
    """Consent: yes/no words, or a marketing status (None for the statuses that record nothing)."""

    def many(self, values: list[str]) -> list[Any]:
        return list(map(_CONSENT_WORDS.__getitem__, map(str.lower, values)))

    def one(self, value: str) -> Any:
        try:
            return _CONSENT_WORDS[value.strip().lower()]
        except KeyError:
            raise ValueError(f"'{_short(value)}' is not yes/no (use true/false, yes/no, 1/0) nor a marketing "
                             "status (subscribed, unsubscribed, not_subscribed, pending)") from None

    def json_many(self, values: list[Any]) -> list[str]:
        return ["null" if v is None else "true" if v else "false" for v in values]


_fromiso = datetime.fromisoformat
#: Directives of a time of day in a strptime pattern.
_TIME_DIRECTIVES = re.compile(r"%[HIMSfpXcz]")


@cache
def _other_halves(fmt: str) -> tuple[str, ...]:
    """Patterns that read what one Dates pattern is meant for in a file that has both date columns
    and date-and-time columns: a date pattern (``%d.%m.%Y``) followed by a time, and the date part
    of a date-and-time pattern (``%d.%m.%Y %H:%M``) alone."""
    found = _TIME_DIRECTIVES.search(fmt)
    if found is None:
        return (f"{fmt} %H:%M", f"{fmt} %H:%M:%S", f"{fmt}T%H:%M:%S")
    date = fmt[:found.start()].rstrip(" T,")
    return (date,) if date and "%" in date else ()
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
        if self.format == "iso" and not self.date_only and values:
            lengths = set(map(len, values))
            # The most common shapes of exports (2024-12-31T18:30:00Z, and 2024-12-31 18:30:00 when
            # naive times are UTC), rewritten as text once checked.
            if lengths == {20} or (lengths == {19} and self.utc_zone):
                fast = _canonical_storage(values, list(map(_fromiso, values)), lengths.pop())
                if fast is not None:
                    return fast
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
        return self._utc_one(stamp, value)

    def storage_one(self, value: str) -> str:
        converted = self.one(value)
        if self.date_only:
            converted = self._utc_one(datetime(converted.year, converted.month, converted.day), value)
        return storage_strings([converted])[0]

    def _utc_one(self, stamp: datetime, value: str) -> datetime:
        """``stamp`` in UTC; a ValueError naming ``value`` when that falls outside the years 1 to
        9999 (``9999-12-31T23:00:00`` in New York is in year 10000 in UTC)."""
        try:
            return self._to_utc([stamp])[0]
        except OverflowError:
            edge = "after the year 9999" if stamp.year > 1 else "before the year 1"
            raise ValueError(f"'{_short(value)}' is {edge} once in UTC, where no time can be stored") from None

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
            return self._iso_instead(text)
        return _build(match, year=4, month=3, day=1)

    def _month_day(self, text: str) -> datetime:
        match = _DAY_MONTH.fullmatch(text.strip())
        if not match:
            return self._iso_instead(text)
        return _build(match, year=4, month=1, day=3)

    def _iso_instead(self, text: str) -> datetime:
        """An ISO 8601 date (``1985-12-01``, maybe with a time) in a day/month or month/day column
        inferred from values that mix the two (:attr:`ColumnType.iso_too`): it starts with the
        year, so it reads only one way."""
        text = text.strip()
        if not (self.type.iso_too and _ISO_DATE.match(text)):
            raise ValueError(text)
        return _fromiso(text)

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
        text = text.strip()
        try:
            return datetime.strptime(text, self.format)
        except ValueError:
            for other in _other_halves(self.format):
                with contextlib.suppress(ValueError):
                    return datetime.strptime(text, other)
            raise

    def other_order(self, value: str) -> str | None:
        """Why a value this converter does not read is an error, if it is a date written in the other
        order than the column's day/month/year or month/day/year; None otherwise."""
        swapped = {"dmy": self._month_day, "mdy": self._day_month}.get(self.format)
        if swapped is None:
            return None
        try:
            swapped(value)
        except (ValueError, OverflowError):
            return None
        order = "day/month/year" if self.format == "dmy" else "month/day/year"
        return f"'{_short(value)}' is not a date in {order} order, as the rest of the column"


def _has_zone(stamp: datetime) -> bool:
    return stamp.tzinfo is not None


def _canonical_storage(values: list[str], checked: list[datetime], size: int) -> list[str] | None:
    """Storage text of times all written ``YYYY-MM-DD?HH:MM:SSZ`` (``size`` 20) or, naive,
    ``YYYY-MM-DD?HH:MM:SS`` (19), without formatting each one; None for any other shape.

    ``checked`` are the values parsed (so every digit is known to be right); fromisoformat also
    takes other shapes of these lengths (``20250101T000054.123Z``, ``2025-W01-1T00:00:00Z``), which
    the positions of the separators tell apart.
    """
    count = len(values)
    text = "\n".join(values)
    stride = size + 1
    if text[4::stride] != "-" * count or text[7::stride] != "-" * count or text[13::stride] != ":" * count \
            or text[16::stride] != ":" * count:
        return None
    if size == 20:
        if text[19::stride] != "Z" * count:
            return None
        body = text.replace("Z", ".000000")
    else:
        if any(map(_has_zone, checked)):
            return None
        body = text.replace("\n", ".000000\n") + ".000000"
    between = text[10::stride]
    if between == "T" * count:
        body = body.replace("T", " ")
    elif between != " " * count:
        return [f"{v[:10]} {v[11:19]}.000000" for v in values]
    return body.split("\n")


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
        return ConsentConverter(column_type) if column_type.statuses else BoolConverter(column_type)
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
        problem = _pattern_problem(value)
        if problem:
            raise ValueError(f"'{text}' is not a valid date pattern: {problem}")
        return value
    raise ValueError(f"unknown date format '{text}'; use one of {', '.join(DATE_FORMATS)} "
                     "or a pattern such as %d.%m.%Y %H:%M")


#: The directives :meth:`datetime.strptime` reads (and ``%:z`` where it reads that).
_DIRECTIVES = frozenset("aAbBcdfGHIjmMpSuUVwWxXyYzZ%")


def _pattern_problem(pattern: str) -> str | None:
    """What is wrong with a strptime pattern, or None. ``strftime`` cannot tell: the C library
    copies a directive it does not know (``%Q``) as it is, while ``strptime`` refuses it."""
    start = 0
    while (start := pattern.find("%", start)) >= 0:
        code = pattern[start + 1:start + 2]
        if not code:
            return "it ends in a stray %"
        if code == ":" and pattern[start + 2:start + 3] == "z" and _reads_colon_zone():
            start += 3
            continue
        if code not in _DIRECTIVES:
            shown = pattern[start:start + 3] if code == ":" else pattern[start:start + 2]
            return (f"{shown} is not a date directive (use %d, %m, %Y, %H, %M, %S and the other directives "
                    "of strptime)")
        start += 2
    return None


@cache
def _reads_colon_zone() -> bool:
    try:
        datetime.strptime("+01:00", "%:z")
    except ValueError:
        return False
    return True


# ----------------------------------------------------------------------------------------------
# Batches of rows
# ----------------------------------------------------------------------------------------------

#: A skipped row: (row number, physical line, column name or "", reason, start of the value).
RowProblem = tuple[int, int, str, str, str]
#: Characters of an offending value kept in an error.
VALUE_CHARS = 60
#: Records of an events file read and converted at a time (see EventConverter.read).
CONVERT_ROWS = 2000
#: Separator of the text columns of a batch sent through a pipe (JSON text never holds it raw).
_PACK = "\x00"
#: The dedup hash, set up once: a copy per row is cheaper than a new hash object.
_BLAKE2B_16 = blake2b(digest_size=16)


def clip(value: str) -> str:
    """The start of an offending value, as errors keep it."""
    return value if len(value) <= VALUE_CHARS else value[:VALUE_CHARS] + "…"


@dataclass(frozen=True)
class ColumnPlan:
    """What the import does with one column."""

    index: int
    name: str
    #: The field: ``event``, ``time``, ``event_id``, ``tags``, ``time_zone``, ``identifiers.<kind>``,
    #: ``properties.<name>``, ``items.<name>`` (a value of an order's line items), ``attributes.<name>``
    #: or ``consent.<channel>``.
    target: str
    type: ColumnType
    #: A value that does not fit the type makes the row an error (otherwise it is kept as text).
    strict: bool

    @property
    def key(self) -> str:
        """The part after the first dot (the property, attribute, channel or identifier kind)."""
        return self.target.partition(".")[2]

    def describe(self) -> str:
        if self.target == "event_id":
            return (f"{self.name} → event_id (rows with the same value are one event; kept as the property "
                    f"'{self.name}' too)")
        if self.target.startswith("items."):
            return f"{self.name} → items[].{self.key} ({self.type.describe()}; one entry per row of the event)"
        return f"{self.name} → {self.target} ({self.type.describe()})"


class BatchConverter:
    """The columns of an import, converted a batch of records at a time.

    It says which rows are bad and why and touches no database, so that an events file can be
    converted in a reading process (:func:`reading_process`) while the importing process writes.
    """

    def __init__(self, columns: Sequence[ColumnPlan], header: Sequence[str], id_column: str,
                 time_zone: str = "UTC", *, max_identifier: int, phone_country: str | None = None):
        self.columns = tuple(columns)
        self.header = tuple(header)
        self.width = len(self.header)
        self.id_column = id_column
        self.zone: tzinfo = UTC if time_zone == "UTC" else ZoneInfo(time_zone)
        self.converters: dict[int, Converter] = {c.index: converter(c.type, self.zone) for c in self.columns}
        self.max_identifier = max_identifier
        #: The country phone identifiers written without a country code are read in (None: they
        #: are kept as written), and the column of the phone identifiers.
        self.phone_country = phone_country or None
        self.phone_column = next((c.name for c in self.of("identifiers") if c.key == "phone"), "")
        #: Rows of the batch last cleaned that have fewer fields than the header: row number → fields.
        self.short_rows: dict[int, int] = {}

    def of(self, prefix: str) -> list[ColumnPlan]:
        return [c for c in self.columns if c.target == prefix or c.target.startswith(prefix + ".")]

    def why(self, number: int, reason: str) -> str:
        """``reason`` for a bad row, saying also that the row has fewer fields than the header when it
        has (its missing values are missing because of that: a row cut short, a wrong separator)."""
        fields = self.short_rows.get(number)
        if fields is None:
            return reason
        return f"{reason} (the row has {fields} field{'s' if fields != 1 else ''} but the header has {self.width})"

    def clean(self, batch: RecordBatch, errors: list[RowProblem]
              ) -> tuple[list[list[str]], list[int], list[int], int, int]:
        """The batch's data rows, each as wide as the header, their row numbers and lines, the rows
        read and the blank rows. Malformed records and rows with extra fields go into ``errors``."""
        read = blank = 0
        for p in batch.problems:
            read += 1
            name = self.header[p.column] if p.column is not None and p.column < self.width else ""
            errors.append((p.row, p.line, name, p.reason, clip(p.value)))
        rows, numbers, lines = batch.rows, batch.row_numbers, batch.lines
        width = self.width
        self.short_rows = {}
        if set(map(len, rows)) == {width} and "" not in map("".join, rows):
            return rows, numbers, lines, read + len(rows), blank
        keep_rows, keep_numbers, keep_lines = [], [], []
        for row, number, line in zip(rows, numbers, lines, strict=True):
            if not any(cell.strip() for cell in row):
                blank += 1
                continue
            read += 1
            if len(row) < width:
                self.short_rows[number] = len(row)
                row = row + [""] * (width - len(row))
            elif len(row) > width:
                if any(cell.strip() for cell in row[width:]):
                    errors.append((number, line, "", f"the row has {len(row)} fields but the header has {width}",
                                   clip(_cut(row[width]))))
                    continue
                row = row[:width]
            keep_rows.append(row)
            keep_numbers.append(number)
            keep_lines.append(line)
        return keep_rows, keep_numbers, keep_lines, read, blank

    def values(self, plan: ColumnPlan, cells: Sequence[str], bad: dict[int, tuple[str, str, str]],
               kept: list[Note], *, as_json: bool) -> list[Any]:
        """Converted values of one column (None for empty cells); rows with a bad value for a strict
        column go into ``bad``, values kept as text go into ``kept`` as notes (:data:`KEPT`), which
        :meth:`keep` counts once the rows that are bad are all known. A column of customer
        attributes reads a placeholder (:data:`PLACEHOLDERS`) as an empty cell, and notes it in
        ``kept`` too (:data:`PLACEHOLDER`). ``as_json``: JSON text instead of Python values."""
        conv = self.converters[plan.index]
        stripped = list(map(str.strip, cells))
        if plan.type.apostrophe == "digits":
            stripped = _unquoted(stripped, every=False)
        if plan.target.startswith("attributes.") and not _PLACEHOLDER_CELLS.isdisjoint(stripped):
            for index, cell in enumerate(stripped):
                if cell in _PLACEHOLDER_CELLS:
                    kept.append((index, PLACEHOLDER, plan.name, cell))
                    stripped[index] = ""
        if "" not in stripped:
            try:
                values = conv.many(stripped)
                return conv.json_many(values) if as_json else values
            except (ValueError, TypeError, KeyError, OverflowError, OSError):
                pass
        out: list[Any] = []
        for index, cell in enumerate(stripped):
            if not cell:
                out.append(None)
                continue
            try:
                value = conv.one(cell)
                out.append(conv.json_many([value])[0] if as_json else value)
            except ValueError as exc:
                # A date in the other day/month order would be a wrong date if kept: an error too.
                reason = str(exc) if plan.strict else \
                    conv.other_order(cell) if isinstance(conv, DateTimeConverter) else None
                if reason is not None:
                    bad.setdefault(index, (plan.name, cell, reason))
                    out.append(None)
                else:
                    kept.append((index, KEPT, plan.name, cell))
                    # Kept as text, as a spreadsheet's mark ('02134, ="02134") asks, so without it.
                    text = _unquoted([cell], every=False)[0]
                    out.append(encode_basestring(text) if as_json else text)
        return out

    def identifier_cells(self, plan: ColumnPlan, cells: Sequence[str], bad: dict[int, tuple[str, str, str]],
                         notes: list[Note] | None = None) -> list[str]:
        """Identifier values of a column ("" for empty cells); bad ones go into ``bad``, and values
        imported but named in a warning into ``notes``: e-mail addresses without a dot in their
        domain (:data:`NO_DOT`), and integers written as decimals (``13800138000.0``), which are
        imported without the ``.0`` (:data:`DECIMAL`).

        The checks run over the whole column (``map``, or one search of the values joined); only a
        column with a suspicious value is gone through value by value.
        """
        values = list(map(str.strip, cells))
        if plan.type.apostrophe == "all":
            values = _unquoted(values, every=True)
        joined = "\n".join(values)
        if joined[:1] == "'" or "\n'" in joined or '="' in joined:
            # A spreadsheet's text mark before digits ('0612345678, '+33612345678) and Excel's
            # ="0612345678" are left out of every identifier, whether or not the sampled values
            # showed one.
            values = _unquoted(values, every=False, identifier=True)
            joined = "\n".join(values)
        kind = plan.key
        limit = self.max_identifier
        email = kind == "email"
        names_someone = _NO_IDENTIFIER_CELLS.isdisjoint(values) and (
            kind != "phone" or not _NO_DIGIT_LINE.search(joined))
        if names_someone and "" not in values and max(map(len, values), default=0) <= limit:
            if email:
                # One @ in every value, with something before and after it, and no line break,
                # white space or other character that no address holds (C-level counts and scans
                # of the whole column).
                if all(map(str.__contains__, values, repeat("@"))) and all(map(str.isascii, values)) \
                        and joined.count("@") == len(values) and joined.count("\n") == len(values) - 1 \
                        and not any(map(joined.__contains__, _ADDRESS_JUNK)) and not _NO_DOT_DOMAIN.search(joined) \
                        and joined[:1] != "@" and joined[-1:] != "@" and "\n@" not in joined and "@\n" not in joined:
                    return values
            else:
                # The substring tests are C-level scans; the search runs only if one of them hits.
                if ("e" not in joined and "E" not in joined and ".0" not in joined) \
                        or not _SUSPECT_IDENTIFIER.search("\n" + joined):
                    return values
        for index, value in enumerate(values):
            # An e-mail address is kept lower-cased, and lower-casing can lengthen it ("İ" → "i̇").
            if len(value.lower() if email else value) > limit:
                bad.setdefault(index, (plan.name, value, f"an identifier is longer than {limit} characters"))
            elif not value:
                continue
            elif (empty := says_nothing(value)) or (kind == "phone" and not any(map(str.isdigit, value))):
                # "N/A", "-", "call me": left out, so that the rows that say so are not one customer.
                values[index] = ""
                if notes is not None:
                    notes.append((index, PLACEHOLDER if empty else NOT_PHONE, plan.name, value))
            elif email:
                if (problem := address_problem(value)) is not None:
                    bad.setdefault(index, (plan.name, value, problem))
                elif notes is not None and "." not in value.rpartition("@")[2]:
                    notes.append((index, NO_DOT, plan.name, value))
            elif _EXCEL_NUMBER.fullmatch(value):
                bad.setdefault(index, (plan.name, value, f"'{_cut(value)}' is a number Excel shortened; format the "
                                                         "column as text in Excel and export again"))
            elif (whole := _DECIMAL_ZERO.fullmatch(value)) is not None:
                # A spreadsheet wrote the integer as a decimal: nothing is lost, but a phone number
                # would keep the 0 as a digit (dots separate its groups).
                values[index] = whole[1]
                if notes is not None:
                    notes.append((index, DECIMAL, plan.name, value))
        return values

    @staticmethod
    def shortened_numbers(plan: ColumnPlan, cells: Sequence[str], notes: list[Note]) -> None:
        """Note (:data:`SHORTENED`) the values of a column that are numbers of at least 1e11 which
        Excel wrote in scientific notation with six significant digits (``1.23457E+11``): they are
        imported as the number they show, but their last digits are lost.

        Only a column whose values hold an ``E`` is searched, and only one where the search finds
        such a number is gone through value by value.
        """
        joined = "\n".join(cells)
        if "E" not in joined or not _SHORTENED_IN.search("\n" + joined):
            return
        for index, cell in enumerate(cells):
            if _SHORTENED.fullmatch(cell):
                notes.append((index, SHORTENED, plan.name, cell.strip()))

    @staticmethod
    def note(notes: list[Note], bad: dict[int, tuple[str, str, str]], numbers: Sequence[int],
             into: dict[tuple[str, str], KeptAsText]) -> None:
        """Add the noted values of rows that are not bad to ``into`` (by what and column)."""
        for index, what, column, value in _of_good_rows(notes, bad):
            into.setdefault((what, column), noted(what)).add(numbers[index], value)

    @staticmethod
    def keep(kept: list[Note], bad: dict[int, tuple[str, str, str]], numbers: Sequence[int],
             into: dict[str, KeptAsText], notes: dict[tuple[str, str], KeptAsText] | None = None) -> None:
        """Add the values kept as text (:meth:`values`) of rows that are not bad to ``into`` (by
        column): a value of a row that was skipped was not imported, as text or otherwise. The
        placeholders left empty go into ``notes`` (by what and column, as :meth:`note` adds them)."""
        for index, what, column, value in _of_good_rows(kept, bad):
            if what == PLACEHOLDER:
                if notes is not None:
                    notes.setdefault((what, column), noted(what)).add(numbers[index], value)
            else:
                into.setdefault(column, KeptAsText()).add(numbers[index], value)

    def canonical(self, pairs: list[list[tuple[str, str]]], notes: list[Note]) -> list[list[tuple[str, str]]]:
        """Each row's identifier pairs as the workspace keeps them (:func:`canonical_pairs`, phone
        numbers without a country code read in :attr:`phone_country`); the phone numbers that
        could not be read so go into ``notes`` (:data:`PHONE_UNREAD`)."""
        if self.phone_country is None or not self.phone_column:
            return canonical_pairs(pairs)
        unread: list[tuple[int, str]] = []
        out = canonical_pairs(pairs, self.phone_country, unread)
        notes.extend((index, PHONE_UNREAD, self.phone_column, value) for index, value in unread)
        return out

    def identifiers(self, cells_by_column: list[tuple[ColumnPlan, list[str]]], n: int,
                    bad: dict[int, tuple[str, str, str]], notes: Sequence[Note] = ()) -> list[list[tuple[str, str]]]:
        """Each row's identifier pairs; a row with none goes into ``bad`` (saying why, when
        :meth:`identifier_cells` left its value out: ``notes``)."""
        pairs: list[list[tuple[str, str]]] = [[] for _ in range(n)]
        for plan, values in cells_by_column:
            kind = plan.key
            for index, value in enumerate(values):
                if value:
                    pairs[index].append((kind, value))
        left_out = {index: (column, value, what) for index, what, column, value in notes
                    if what in (PLACEHOLDER, NOT_PHONE)}
        for index, row_pairs in enumerate(pairs):
            if not row_pairs and index not in bad:
                if index in left_out:
                    column, value, what = left_out[index]
                    why = "only says there is no value" if what == PLACEHOLDER else "is not a phone number"
                    bad[index] = (column, value, f"the customer identifier is missing: '{_cut(value)}' {why}")
                else:
                    bad[index] = (self.id_column, "", "the customer identifier is missing")
        return pairs


def _of_good_rows(notes: list[Note], bad: dict[int, tuple[str, str, str]]) -> list[Note]:
    """The notes of rows that are not bad, in row order (a skipped row's values were not imported)."""
    return sorted((n for n in notes if n[0] not in bad), key=lambda n: n[0])


def _unquoted(values: list[str], *, every: bool, identifier: bool = False) -> list[str]:
    """``values`` without the one leading apostrophe of those written ``'01234`` or ``'+336…``
    (``identifier``: of those whose text after it starts with digits or ``+`` and digits, as
    ``'+33 6 12 34 56 78``; ``every``: of every value that starts with one), and as the text
    inside Excel's ``="…"`` for those written so (``="00123"``)."""
    joined = "\n".join(values)
    if '="' in joined:
        values = [_unwrapped(v) for v in values]
        joined = "\n".join(values)
    if every:
        return [v[1:] if v[:1] == "'" else v for v in values]
    if joined[:1] != "'" and "\n'" not in joined:
        return values  # no value starts with one: the common case
    marked = _QUOTED_ID.match if identifier else _QUOTED_NUMBERISH.fullmatch
    return [v[1:] if v[:1] == "'" and marked(v) else v for v in values]


def _unwrapped(value: str) -> str:
    """The text inside Excel's ``="…"`` (its doubled quotes made single), or ``value``."""
    found = _FORMULA_TEXT.fullmatch(value)
    return value if found is None else found[1].replace('""', '"')


def canonical_values(kind: str, values: list[str], country: str | None = None,
                     unread: list[int] | None = None) -> list[str]:
    """``values`` (stripped already) of one identifier kind, as the workspace keeps them; phone
    numbers written without a country code read as numbers of ``country``, if given (see
    :func:`~engine.identifiers.canonical_identifier`). The indexes of those that could not be read
    so, and are kept as written, are appended to ``unread``."""
    if kind == "email":
        return list(map(str.lower, values))
    if kind == "phone":
        kept = [canonical_identifier(kind, v, country) for v in values]
        if country and unread is not None:
            unread.extend(i for i, v in enumerate(kept) if v and v[0] != "+")
        return kept
    return values


def canonical_pairs(rows: list[list[tuple[str, str]]], country: str | None = None,
                    unread: list[tuple[int, str]] | None = None) -> list[list[tuple[str, str]]]:
    """Each row's (kind, value) identifiers, as the workspace keeps them (``country`` as for
    :func:`canonical_values`); the (row index, value as written) of phone numbers that could not be
    read as numbers of ``country`` are appended to ``unread``."""
    out = [[(k, canonical_identifier(k, v, country)) for k, v in row] for row in rows]
    if country and unread is not None:
        unread.extend((index, rows[index][position][1]) for index, row in enumerate(out)
                      for position, (kind, value) in enumerate(row) if kind == "phone" and value and value[0] != "+")
    return out


#: Values kept as text that the warning names, per column (the others are only counted).
KEPT_SHOWN = 3


@dataclass
class KeptAsText:
    """Values of a column that did not fit its inferred type and were kept as text: how many, and
    the first few as (row number, value) so that the warning can say where they are."""

    count: int = 0
    first: list[tuple[int, str]] = field(default_factory=list)
    #: Values named in the warning.
    SHOWN = KEPT_SHOWN

    def add(self, row: int, value: str) -> None:
        self.count += 1
        if len(self.first) < self.SHOWN:
            self.first.append((row, clip(value)))

    def merge(self, other: KeptAsText) -> None:
        self.count += other.count
        self.first = sorted(self.first + other.first)[:self.SHOWN]


@dataclass
class Doubtful(KeptAsText):
    """Values of a column that were imported but are likely wrong (e-mail addresses without a dot
    in their domain, numbers Excel shortened): the warning names more of their rows, for the user
    to check them."""

    SHOWN = 10


#: What a note (a value imported as it is or changed, which a warning names) is about: an e-mail
#: address without a dot in its domain, an identifier written as a decimal and imported without
#: its ``.0``, a property value that is a number Excel shortened, a placeholder (``n/a``) that an
#: attribute column left empty, a phone number without a country code that could not be read as a
#: number of the import's phone country and was kept as written.
NO_DOT, DECIMAL, SHORTENED, PLACEHOLDER = "no_dot", "decimal", "shortened", "placeholder"
PHONE_UNREAD = "phone_unread"
#: A value of a phone identifier column without a digit (``call me``), left out.
NOT_PHONE = "not_phone"
#: An event time later than the import (more than :data:`FUTURE_MARGIN` ahead), imported as it is:
#: often a day and month read the wrong way round, or a device with a wrong clock.
FUTURE = "future"
FUTURE_MARGIN = timedelta(minutes=5)
#: A value that did not fit its column's type and was kept as text (:meth:`BatchConverter.values`).
KEPT = "kept"
#: A note of one batch: (row index in the batch, what, column, value).
Note = tuple[int, str, str, str]


_DATE_NUMBERS = re.compile(r"\d+")


def _swappable(value: str) -> bool:
    """Whether a date as written could be read with day and month the other way round
    (``03/04/2026``; not ``24.11.2026``, nor ``2026-11-24``)."""
    numbers = _DATE_NUMBERS.findall(value)
    if len(numbers) < 3 or len(numbers[0]) == 4:
        return False
    first, second = int(numbers[0]), int(numbers[1])
    return first != second and 1 <= first <= 12 and 1 <= second <= 12


def noted(what: str) -> KeptAsText:
    """An empty tally of the notes of one kind: values to check name more rows than values changed."""
    return KeptAsText() if what in (DECIMAL, PLACEHOLDER, PHONE_UNREAD, NOT_PHONE) else Doubtful()


def note_warning(what: str, column: str, tally: KeptAsText, *, phone_country: str | None = None) -> str:
    """The warning that names the noted values of one kind in one column (``phone_country``: the
    country phone numbers were read in, for :data:`PHONE_UNREAD`)."""
    count = tally.count
    shown = ", ".join(f"row {row} {_quoted(value)}" for row, value in tally.first)
    more = f" and {count - len(tally.first):,} more" if count > len(tally.first) else ""
    many = count != 1
    if what == PHONE_UNREAD:
        country = phone_country or "?"
        numbers = f"{country} numbers" if many else f"{'an' if country[:1] in 'AEFHILMNORSX' else 'a'} {country} number"
        return (f"column '{column}': {count:,} phone number{'s' if many else ''} could not be read as {numbers} "
                f"and {'were' if many else 'was'} kept as written: {shown}{more}")
    if what == NO_DOT:
        return (f"column '{column}': {count:,} e-mail address{'es have' if many else ' has'} no dot in "
                f"{'their' if many else 'its'} domain (after the @), like user@localhost, and "
                f"{'were' if many else 'was'} imported as written; check the column: {shown}{more}")
    if what == FUTURE:
        check = "the order of day and month (or the time zone)" if any(
            _swappable(value) for _row, value in tally.first) else "the time zone and the dates"
        return (f"column '{column}': {count:,} event{'s are' if many else ' is'} dated later than now and "
                f"{'were' if many else 'was'} imported with {'those times' if many else 'that time'}; check "
                f"{check}: {shown}{more}")
    if what == NOT_PHONE:
        return (f"column '{column}': {count:,} value{'s are not phone numbers' if many else ' is not a phone number'} "
                f"(no digits) and {'were' if many else 'was'} left out: {shown}{more}")
    if what == PLACEHOLDER:
        return (f"column '{column}': {count:,} cell{'s' if many else ''} that only {'say' if many else 'says'} "
                f"there is no value {'were' if many else 'was'} left empty: {shown}{more}")
    if what == DECIMAL:
        return (f"column '{column}': {count:,} value{'s' if many else ''} written as a decimal (a spreadsheet "
                f"saved the number{'s' if many else ''} that way) {'were' if many else 'was'} imported without "
                f"the '.0': {shown}{more}")
    return (f"column '{column}': {count:,} value{'s are numbers' if many else ' is a number'} Excel shortened "
            f"to scientific notation, which lost {'their' if many else 'its'} last digits; "
            f"{'they were' if many else 'it was'} imported as shown — format the column as text in Excel and "
            f"export again: {shown}{more}")


def _quoted(value: str) -> str:
    """A value in a message: in straight quotes, or as Python writes it when it holds a quote."""
    value = _short(value)
    return repr(value) if "'" in value or '"' in value else f"'{value}'"


@dataclass
class EventRows:
    """A batch of an events file converted for storing; the importer resolves the identities.

    Every list but ``errors`` has one item per good row, in file order.
    """

    #: Records read (blank ones included), as :attr:`RecordBatch.rows` counts them.
    records: int
    #: Data rows read: good and bad, malformed records included, blank rows not.
    rows_read: int
    blank_rows: int
    errors: list[RowProblem]
    #: Values of a column that did not fit its inferred type and were kept as text, by column.
    kept_as_text: dict[str, KeptAsText]
    bytes_done: int
    last_line: int
    #: Values of good rows that a warning names, by what they are and column (see :data:`Note`,
    #: :meth:`BatchConverter.identifier_cells` and :meth:`BatchConverter.shortened_numbers`).
    notes: dict[tuple[str, str], KeptAsText] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)
    #: UTC, as the store writes them on SQLite.
    times: list[str] = field(default_factory=list)
    #: JSON text.
    properties: list[str] = field(default_factory=list)
    #: The hash (hex) of the identifiers, name, time and properties: the dedup key is
    #: ``csv:<UTC time>:<hash>`` (the importer writes it; sending the hash alone halves the bytes).
    digests: list[str] = field(default_factory=list)
    #: The values of the one identifier column when no row lacks one; otherwise None, and...
    ids: list[str] | None = None
    #: ...each row's (kind, value) identifiers, row number and line.
    pairs: list[list[tuple[str, str]]] | None = None
    numbers: list[int] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    #: Rows left out because they continue the event of the row above (same event id).
    continued: int = 0

    # Sent through a pipe with a text column as one string, which the receiver splits: that is
    # about three times cheaper than pickling a list of strings. Names and identifiers are the file's
    # own text, so they are checked for the separator.
    _PACKED = {"names": False, "times": True, "properties": True, "digests": True, "ids": False}

    def join(self, later: EventRows) -> bool:
        """Append the batch that follows this one; False (nothing done) when one gives its rows'
        identities as ``ids`` and the other as ``pairs``."""
        if self.digests and later.digests and (self.ids is None) != (later.ids is None):
            return False
        self.records += later.records
        self.rows_read += later.rows_read
        self.continued += later.continued
        self.blank_rows += later.blank_rows
        self.errors += later.errors
        for column, kept in later.kept_as_text.items():
            self.kept_as_text.setdefault(column, KeptAsText()).merge(kept)
        for key, tally in later.notes.items():
            self.notes.setdefault(key, noted(key[0])).merge(tally)
        self.bytes_done, self.last_line = later.bytes_done, later.last_line
        if later.digests:
            self.names += later.names
            self.times += later.times
            self.properties += later.properties
            self.digests += later.digests
            if later.ids is not None:
                self.ids = later.ids if self.ids is None else self.ids + later.ids
            else:
                assert later.pairs is not None
                self.pairs = later.pairs if self.pairs is None else self.pairs + later.pairs
                self.numbers += later.numbers
                self.lines += later.lines
        return True

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        for name, safe in self._PACKED.items():
            state[name] = _pack(state[name], safe=safe)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name in self._PACKED:
            state[name] = _unpack(state[name])
        self.__dict__.update(state)


def _pack(values: list[str] | None, *, safe: bool) -> str | list[str] | None:
    """One string for the values if splitting it gives them back. ``safe``: they cannot hold the
    separator (JSON text escapes control characters; times and hashes are ASCII we wrote)."""
    if not values:
        return values
    text = _PACK.join(values)
    return text if safe or text.count(_PACK) == len(values) - 1 else values


def _unpack(packed: str | list[str] | None) -> list[str] | None:
    return packed.split(_PACK) if isinstance(packed, str) else packed


class EventConverter(BatchConverter):
    """The batches of an events file converted into event rows (:class:`EventRows`)."""

    def __init__(self, columns: Sequence[ColumnPlan], header: Sequence[str], id_column: str,
                 time_zone: str = "UTC", *, event_name: str | None, max_identifier: int, max_event_name: int,
                 phone_country: str | None = None):
        super().__init__(columns, header, id_column, time_zone, max_identifier=max_identifier,
                         phone_country=phone_country)
        self.event_name = event_name
        self.max_event_name = max_event_name
        self.id_plans = self.of("identifiers")
        self.event_plan = next(iter(self.of("event")), None)
        self.time_plan = self.of("time")[0]
        time_conv = self.converters[self.time_plan.index]
        assert isinstance(time_conv, DateTimeConverter)
        self.time_conv = time_conv
        #: The column that tells an event from every other (an order's number), if one is mapped:
        #: it makes the dedup key instead of the time and properties, so that an export of the
        #: same orders with a changed status adds nothing, and rows that repeat the row above's
        #: (an order's line items) are that event. Its values are a property too.
        self.event_id_plan = next(iter(self.of("event_id")), None)
        props = self.of("properties")
        if self.event_id_plan is not None:
            props.append(replace(self.event_id_plan, target=f"properties.{self.event_id_plan.name}"))
        self.prop_plans = sorted(props, key=lambda c: c.key)
        #: Columns of an order's line items (``items.<name>``): each row of an event adds one entry
        #: to the event's ``items`` list (:meth:`_with_event_ids`); the planner allows them only
        #: with an event id column.
        self.item_plans = sorted(self.of("items"), key=lambda c: c.key)
        self.item_keys = [encode_basestring(c.key) for c in self.item_plans]
        self.item_template = "{" + ", ".join(k.replace("%", "%%") + ": %s" for k in self.item_keys) + "}"
        #: The dedup hash of the last row with an event id (rows after it with the same continue it).
        self._last_event = ""
        #: The last row read, for the cells a row continuing its event leaves empty (:meth:`_filled_down`).
        self._last_row: list[str] | None = None
        self.prop_keys = [encode_basestring(c.key) for c in self.prop_plans]
        self.template = "{" + ", ".join(k.replace("%", "%%") + ": %s" for k in self.prop_keys) + "}"
        self.single_kind = self.id_plans[0].key if len(self.id_plans) == 1 else None
        #: Event times after this (as stored) are noted (:data:`FUTURE`).
        self.future_after = storage_strings([datetime.now(UTC) + FUTURE_MARGIN])[0]

    def read(self, file: RecordFile, records: int) -> Iterator[EventRows]:
        """The batches of ``file`` converted and joined up to ``records`` records each.

        ``file`` should read :data:`CONVERT_ROWS` records at a time: converting a few thousand rows
        at a time keeps the objects they make (rows, columns, texts) in the processor's cache, and
        measured about a quarter cheaper than 20,000 at a time.
        """
        joined: EventRows | None = None
        held: RecordBatch | None = None
        for whole in file.batches():
            batch: RecordBatch | None = whole
            if self.event_id_plan is not None:
                batch, held = self._held_back(held, whole)
                if batch is None:
                    continue
            rows = self.prepare(batch)
            if joined is None:
                joined = rows
            elif joined.records + rows.records > records or not joined.join(rows):
                yield joined
                joined = rows
            if joined.records >= records:
                yield joined
                joined = None
        if held is not None:
            rows = self.prepare(held)
            if joined is not None and not joined.join(rows):
                yield joined
                joined = rows
            elif joined is None:
                joined = rows
        if joined is not None:
            yield joined

    def _held_back(self, held: RecordBatch | None, batch: RecordBatch) -> tuple[RecordBatch | None, RecordBatch | None]:
        """``batch`` (after the rows ``held`` back from the one before) without its last rows when
        they may go on in the next batch (they repeat the last row's event id), and those rows: a
        batch never ends inside an event, so that all of an order's line items are gathered."""
        if held is not None:
            batch = RecordBatch(held.rows + batch.rows, held.row_numbers + batch.row_numbers,
                                held.lines + batch.lines, held.problems + batch.problems, batch.bytes_done,
                                batch.last_line)
        assert self.event_id_plan is not None
        at = self.event_id_plan.index
        rows = batch.rows

        def event_id(row: list[str]) -> str:
            return row[at].strip() if at < len(row) else ""

        last = next((event_id(row) for row in reversed(rows) if any(map(str.strip, row))), "")
        if not last:
            return batch, None
        cut = len(rows)
        while cut and (event_id(rows[cut - 1]) == last or not any(map(str.strip, rows[cut - 1]))):
            cut -= 1
        if not cut:
            return None, batch
        return (RecordBatch(rows[:cut], batch.row_numbers[:cut], batch.lines[:cut], batch.problems,
                            batch.bytes_done, batch.last_line),
                RecordBatch(rows[cut:], batch.row_numbers[cut:], batch.lines[cut:], [], batch.bytes_done,
                            batch.last_line))

    def prepare(self, batch: RecordBatch) -> EventRows:
        errors: list[RowProblem] = []
        rows, numbers, lines, read, blank = self.clean(batch, errors)
        out = EventRows(len(batch.rows), read, blank, errors, {}, batch.bytes_done, batch.last_line)
        n = len(rows)
        if not n:
            return out
        if self.event_id_plan is not None:
            rows = self._filled_down(rows)
        columns = list(zip(*rows, strict=True))
        bad: dict[int, tuple[str, str, str]] = {}
        notes: list[Note] = []
        id_cells = [(p, self.identifier_cells(p, columns[p.index], bad, notes)) for p in self.id_plans]
        if self.event_plan is not None:
            names = self._names(columns[self.event_plan.index], bad)
        else:
            names = [self.event_name or ""] * n
        times = self._times(columns[self.time_plan.index], bad)
        event_ids = list(map(str.strip, columns[self.event_id_plan.index])) if self.event_id_plan else None
        if times and max(times) > self.future_after:
            after, cells, column = self.future_after, columns[self.time_plan.index], self.time_plan.name
            notes.extend((index, FUTURE, column, cells[index]) for index, when in enumerate(times) if when > after)
        kept: list[Note] = []
        fragments = [self.values(p, columns[p.index], bad, kept, as_json=True) for p in self.prop_plans]
        item_fragments = [self.values(p, columns[p.index], bad, kept, as_json=True) for p in self.item_plans]
        for p in (*self.prop_plans, *self.item_plans):
            self.shortened_numbers(p, columns[p.index], notes)
        single = self.single_kind is not None and "" not in id_cells[0][1]
        pairs = None if single else self.identifiers(id_cells, n, bad, notes)
        ids = id_cells[0][1] if single else None
        if notes:
            self.note(notes, bad, numbers, out.notes)
        if kept:
            self.keep(kept, bad, numbers, out.kept_as_text, out.notes)
        if bad:
            for index in sorted(bad):
                column, value, reason = bad[index]
                errors.append((numbers[index], lines[index], column, self.why(numbers[index], reason), clip(value)))
            keep = [i not in bad for i in range(n)]
            names, times, numbers, lines = (list(compress(c, keep)) for c in (names, times, numbers, lines))
            fragments = [list(compress(f, keep)) for f in fragments]
            item_fragments = [list(compress(f, keep)) for f in item_fragments]
            if ids is not None:
                ids = list(compress(ids, keep))
            if pairs is not None:
                pairs = list(compress(pairs, keep))
            if event_ids is not None:
                event_ids = list(compress(event_ids, keep))
        if not times:
            return out
        properties = self._properties(fragments, len(times))
        # The hash covers what the event is (who, what, when, with what), not how the file writes it.
        if event_ids is not None:
            items = self._properties(item_fragments, len(times), self.item_keys, self.item_template) \
                if self.item_plans else None
            return self._with_event_ids(out, ids, pairs, names, times, properties, event_ids, numbers, lines, items)
        if ids is not None:
            kind = (self.single_kind or "").replace("%", "%%")
            hashed = map(f"{kind}\x1e%s\x1f%s\x1f%s\x1f%s".__mod__, zip(ids, names, times, properties, strict=True))
        else:
            assert pairs is not None
            who = ["\x1d".join(sorted(f"{k}\x1e{v}" for k, v in row)) for row in pairs]
            hashed = map("\x1f".join, zip(who, names, times, properties, strict=True))
        # Copying a hash object set up once skips parsing blake2b's keyword arguments per row.
        digests: list[str] = []
        append, fresh = digests.append, _BLAKE2B_16.copy
        for data in map(str.encode, hashed):
            digest = fresh()
            digest.update(data)
            append(digest.hexdigest())
        ids = self._kept_identities(out, ids, pairs, numbers, lines)
        out.names, out.times, out.properties, out.digests, out.ids = names, times, properties, digests, ids
        return out

    def _kept_identities(self, out: EventRows, ids: list[str] | None, pairs: list[list[tuple[str, str]]] | None,
                         numbers: list[int], lines: list[int]) -> list[str] | None:
        """The rows' identifiers as the workspace keeps them (e-mail lower-cased, phone without
        separators, maybe read in the phone country): the one column's values (returned), or each
        row's pairs (put in ``out`` with their row numbers and lines). Only after hashing: the
        dedup key hashes them as the file writes them, as it always has, so the same file read
        with another phone country adds no event twice. Numbers that could not be read in the
        phone country go into ``out``'s notes."""
        if ids is not None:
            unread: list[int] = []
            written = ids
            ids = canonical_values(self.single_kind or "", ids, self.phone_country, unread)
            if unread:
                tally = out.notes.setdefault((PHONE_UNREAD, self.phone_column), noted(PHONE_UNREAD))
                for index in unread:
                    tally.add(numbers[index], written[index])
            return ids
        assert pairs is not None
        out.numbers, out.lines = numbers, lines
        phones: list[Note] = []
        out.pairs = self.canonical(pairs, phones)
        for index, what, column, value in phones:
            out.notes.setdefault((what, column), noted(what)).add(numbers[index], value)
        return None

    def _filled_down(self, rows: list[list[str]]) -> list[list[str]]:
        """Rows that continue the event of the row above (the same event id) with the customer,
        event name and time it left empty taken from that row, as exports with merged cells write
        an order's further items."""
        assert self.event_id_plan is not None
        at = self.event_id_plan.index
        shared = [p.index for p in (*self.id_plans, self.time_plan, *(() if self.event_plan is None else
                                                                       (self.event_plan,)))]
        last = self._last_row
        out = []
        for row in rows:
            event_id = row[at].strip()
            if event_id and last is not None and last[at].strip() == event_id and \
                    any(not row[i].strip() for i in shared):
                row = list(row)
                for i in shared:
                    if not row[i].strip():
                        row[i] = last[i]
            out.append(row)
            last = row
        self._last_row = last
        return out

    def _with_event_ids(self, out: EventRows, ids: list[str] | None, pairs: list[list[tuple[str, str]]] | None,
                        names: list[str], times: list[str], properties: list[str], event_ids: list[str],
                        numbers: list[int], lines: list[int], items: list[str] | None = None) -> EventRows:
        """:meth:`prepare`'s end for a file with an event id column: the dedup hash covers who, the
        event's name and its id (a row without one: its time and properties, as usual), and a row
        whose hash is the row above's continues that event (it is left out and counted). ``items``:
        each row's line item (a JSON object), gathered into the ``items`` list of its event (an
        empty object adds nothing)."""
        if ids is not None:
            kind = self.single_kind or ""
            who = [f"{kind}\x1e{value}" for value in ids]
        else:
            assert pairs is not None
            who = ["\x1d".join(sorted(f"{k}\x1e{v}" for k, v in row)) for row in pairs]
        digests: list[str] = []
        keep: list[bool] = []
        last = self._last_event
        for person, name, when, props, event_id in zip(who, names, times, properties, event_ids, strict=True):
            data = f"{person}\x1f{name}\x1f\x1e#{event_id}" if event_id else f"{person}\x1f{name}\x1f{when}\x1f{props}"
            digest = _BLAKE2B_16.copy()
            digest.update(data.encode())
            text = digest.hexdigest()
            continues = bool(event_id) and text == last
            keep.append(not continues)
            last = text if event_id else ""
            digests.append(text)
        self._last_event = last
        if items is not None:
            properties = self._with_items(properties, items, keep)
        if not all(keep):
            out.continued = len(keep) - sum(keep)
            names, times, properties, digests, numbers, lines = (
                list(compress(c, keep)) for c in (names, times, properties, digests, numbers, lines))
            if ids is not None:
                ids = list(compress(ids, keep))
            if pairs is not None:
                pairs = list(compress(pairs, keep))
        ids = self._kept_identities(out, ids, pairs, numbers, lines)
        out.names, out.times, out.properties, out.digests, out.ids = names, times, properties, digests, ids
        return out

    @staticmethod
    def _with_items(properties: list[str], items: list[str], keep: list[bool]) -> list[str]:
        """The properties (JSON text) of each row that starts an event with ``"items": [...]``: the
        line items of that row and of the rows after it that continue the event (``keep`` false).
        Rows continuing an event of an earlier batch add nothing (:meth:`_held_back` prevents it)."""
        gathered: list[list[str] | None] = [[] if k else None for k in keep]
        current: list[str] | None = None
        for index, (starts, item) in enumerate(zip(keep, items, strict=True)):
            if starts:
                current = gathered[index]
            if current is not None and item != "{}":
                current.append(item)
        out = []
        for props, entries in zip(properties, gathered, strict=True):
            if entries is None:
                out.append(props)
                continue
            listed = '"items": [' + ", ".join(entries) + "]"
            out.append("{" + listed + "}" if props == "{}" else props[:-1] + ", " + listed + "}")
        return out

    def _names(self, cells: Sequence[str], bad: dict[int, tuple[str, str, str]]) -> list[str]:
        names = list(map(str.strip, cells))
        limit = self.max_event_name
        if "" not in names and max(map(len, names), default=0) <= limit:
            return names
        column = self.event_plan.name if self.event_plan else ""
        for index, name in enumerate(names):
            if not name:
                bad.setdefault(index, (column, "", "the event name is missing"))
            elif len(name) > limit:
                bad.setdefault(index, (column, name, f"the event name is longer than {limit} characters"))
        return names

    def _times(self, cells: Sequence[str], bad: dict[int, tuple[str, str, str]]) -> list[str]:
        conv = self.time_conv
        stripped = list(map(str.strip, cells))
        if "" not in stripped:
            try:
                return conv.storage_many(stripped)
            except (ValueError, TypeError, OverflowError, OSError):
                pass
        out = []
        column = self.time_plan.name
        for index, cell in enumerate(stripped):
            if not cell:
                bad.setdefault(index, (column, "", "the event time is missing"))
                out.append("")
                continue
            try:
                out.append(conv.storage_one(cell))
            except ValueError as exc:
                bad.setdefault(index, (column, cell, str(exc)))
                out.append("")
        return out

    def _properties(self, fragments: list[list[str | None]], n: int, keys: list[str] | None = None,
                    template: str | None = None) -> list[str]:
        """JSON objects of the rows' values (``fragments``, by column; None leaves a key out), keyed
        by the properties' keys, or by ``keys`` with ``template``."""
        keys = self.prop_keys if keys is None else keys
        template = self.template if template is None else template
        if not fragments:
            return ["{}"] * n
        if not any(None in f for f in fragments):
            return list(map(template.__mod__, zip(*fragments, strict=True)))
        out = []
        for values in zip(*fragments, strict=True):
            if None in values:
                out.append("{" + ", ".join(f"{k}: {v}" for k, v in zip(keys, values, strict=True)
                                           if v is not None) + "}")
            else:
                out.append(template % values)
        return out


# ----------------------------------------------------------------------------------------------
# The reading process
# ----------------------------------------------------------------------------------------------

#: Python code that runs :func:`reading_process` (``python -c``); it imports nothing heavier than
#: this module and :mod:`engine.track.csv_format`.
READING_PROCESS_CODE = ("import sys; sys.path.insert(0, sys.argv[1]); "
                        "from engine.track.csv_types import reading_process; reading_process()")


@dataclass(frozen=True)
class EventJob:
    """What a reading process reads and how it converts it."""

    path: str
    fmt: FileFormat
    #: Records converted at a time, and the most a batch joins (EventConverter.read).
    convert_rows: int
    batch_rows: int
    columns: tuple[ColumnPlan, ...]
    header: tuple[str, ...]
    id_column: str
    time_zone: str
    event_name: str | None
    max_identifier: int
    max_event_name: int
    #: The country phone identifiers written without a country code are read in (None: as written).
    phone_country: str | None = None

    def converter(self) -> EventConverter:
        return EventConverter(self.columns, self.header, self.id_column, self.time_zone,
                              event_name=self.event_name, max_identifier=self.max_identifier,
                              max_event_name=self.max_event_name, phone_country=self.phone_country)


def send_message(stream: BinaryIO, message: object) -> None:
    """Write one message (a pickle, after its length)."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack("<Q", len(data)))
    stream.write(data)
    stream.flush()


def receive_message(stream: BinaryIO) -> Any:
    """Read one message; EOFError if the other side is gone."""
    return pickle.loads(receive_frame(stream))


def receive_frame(stream: BinaryIO) -> bytes:
    """Read one message, still pickled; EOFError if the other side is gone."""
    head = _read_exactly(stream, 8)
    return _read_exactly(stream, struct.unpack("<Q", head)[0])


def _read_exactly(stream: BinaryIO, size: int) -> bytes:
    data = stream.read(size)
    if data is None or len(data) != size:
        raise EOFError("the reading process stopped")
    return data


def reading_process() -> None:
    """Read and convert an events file for an importing process (the parent).

    The job (:class:`EventJob`) comes on standard input; the messages go to standard output:
    ``("rows", EventRows)`` for every batch, then ``("end", last line, lines with replaced bytes)``,
    or ``("error", kind, text)`` with kind ``os`` (the file cannot be read), ``header`` (it has
    none) or ``failed``. Ctrl-C is the parent's to handle: it stops this process when it stops.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.disable()  # nothing here is cyclic; see engine.gcpause
    # The messages get a descriptor of their own, so that nothing printed can garble them.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    try:
        job: EventJob = receive_message(sys.stdin.buffer)
        file = RecordFile(job.path, job.fmt, job.convert_rows)
        try:
            for rows in job.converter().read(file, job.batch_rows):
                send_message(out, ("rows", rows))
        except OSError as exc:
            if isinstance(exc, BrokenPipeError):
                raise
            send_message(out, ("error", "os", exc.strerror or str(exc)))
            return
        except NoHeader as exc:
            send_message(out, ("error", "header", str(exc)))
            return
        except Exception:
            send_message(out, ("error", "failed", traceback.format_exc(limit=8)))
            return
        send_message(out, ("end", file.consumed, file.replaced_lines))
    except BrokenPipeError:
        pass  # the parent stopped reading (cancelled or failed): nothing is left to do
    finally:
        with contextlib.suppress(OSError):
            out.close()


def _cut(value: str, size: int = 40) -> str:
    return value if len(value) <= size else value[:size] + "…"


__all__ = ["DATE_FORMATS", "PLACEHOLDER", "PLACEHOLDERS", "TYPES", "BatchConverter", "ColumnPlan", "ColumnType",
           "Converter", "DateTimeConverter", "Doubtful", "EventConverter", "EventJob", "EventRows", "KeptAsText",
           "MARKETING_STATUSES", "NOT_PHONE", "Note", "PHONE_UNREAD", "address_problem", "check_date_format", "note_warning", "noted",
           "converter", "infer_type", "most_read_dates", "parse_type", "reading_process", "storage_strings",
           "without_placeholders"]
