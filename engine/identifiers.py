"""How identifier values are kept, so that every way in (the collector, CSV files, the API, the
command line) names a customer the same way. Standard library only at import time: the CSV
import's reading process uses it too. Reading phone numbers written without a country code (the
workspace's *phone country*) needs ``phonenumbers`` (the ``phonenumberslite`` package), which is
imported only when a country is given."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import Any

from engine.errors import JourneyStudioError

#: What people write between the digits of a phone number: spaces, dashes, dots, brackets and the
#: slash that German and Austrian numbers put after the area code (``0151/23456780``,
#: ``030/1234567``).
_PHONE_SEPARATORS = re.compile(r"[\s\-()./]")
#: A spreadsheet's "keep as text" mark before a phone number (Shopify writes ``'+33612345678`` and
#: ``'06 12 34 56 78`` so that Excel keeps the ``+`` and the leading zero): not part of the number.
_PHONE_TEXT_MARK = re.compile(r"'[\s\-()./]*[+0-9]")
#: A country code (``+49``, ``0049``) followed by ``(0)``, the national trunk prefix that callers
#: inside the country dial and callers from abroad leave out (``+49 (0)171 9876543``).
_TRUNK_AFTER_COUNTRY = re.compile(r"\A(?P<country>(?:\+|00)[\s\-./]*[0-9]{1,3}[\s\-./]*)\(\s*0\s*\)")
#: Cells and values that only say there is no value, lower-cased: a CSV column of customer
#: attributes leaves them empty, as it does an empty cell. Not ``NA`` (Namibia, North America) nor
#: ``no``, which can be values.
PLACEHOLDERS = frozenset({"n/a", "#n/a", "n.a.", "null", "(null)", "none", "(none)", "-", "--", "—", "–"})
#: Values that never name a customer, lower-cased: the placeholders, and what a script writes for a
#: variable that holds nothing (``undefined``, ``NaN``). Two senders that both wrote ``N/A`` for a
#: phone number they did not have are not one person.
NO_IDENTIFIER = PLACEHOLDERS | {"undefined", "(undefined)", "nan"}
_NO_IDENTIFIER_LONGEST = max(map(len, NO_IDENTIFIER))
#: What an e-mail address never holds outside a quoted local part.
_NOT_IN_ADDRESS = re.compile(r"[\s,;<>]")
#: Workspace meta key of the country that phone numbers written without a country code were last
#: read in (an ISO 3166-1 alpha-2 code; empty or missing: they are kept as written).
PHONE_COUNTRY_META = "phone_country"
#: Examples of country codes, for messages.
COUNTRY_EXAMPLES = "FR, DE, GB, CN or US"
#: Local numbers read per country that are remembered: an events file names its customers many
#: times, and reading a number costs tens of microseconds.
PHONE_CACHE = 1 << 16


class PhoneCountryError(JourneyStudioError, ValueError):
    """A country for phone numbers that is not one: not a two-letter code that phone numbers
    are known for."""


def canonical_identifier(kind: str, value: str, country: str | None = None) -> str:
    """An identifier's value as the workspace keeps it: without surrounding blanks; an e-mail
    address lower-cased (``Ana@Example.com`` and ``ana@example.com`` are one address); a phone
    number without spaces, dashes, dots, slashes or brackets, ``00`` at the start written ``+``
    (``+33 6 12 34 56 78``, ``0033 6 12 34 56 78`` and ``+33612345678`` are one number, and so are
    ``0151/23456780`` and ``0151 234 567 80``). A phone value that only says there is no value
    (``n/a``, :func:`says_nothing`) is kept as written, so that it is named as such rather than
    read as the letters ``na``. Other kinds are kept as sent.

    A phone number is read as what it says (:func:`phone_text`): without a spreadsheet's leading
    apostrophe (``'+33612345678``), and without the ``(0)`` written after a country code
    (``+49 (0)171 9876543`` is ``+491719876543``), a trunk prefix that no caller from abroad dials.
    A ``(0)`` without a country code before it is the number's own first digit, as if written
    without brackets.

    With ``country`` (an ISO 3166-1 alpha-2 code such as ``FR``, see :func:`check_phone_country`),
    a phone number that starts with neither ``+`` nor ``00`` is read as a number of that country
    and kept in E.164 form (``06 12 34 56 78`` in FR is ``+33612345678``), if it is a valid
    number there (one of its number ranges); otherwise it is kept as without a country (:func:`local_phone`). Numbers with
    ``+`` or ``00`` are kept as they always were, so that stored numbers keep their form."""
    value = value.strip()
    if kind == "email":
        return value.lower()
    if kind == "phone":
        if says_nothing(value):
            return value
        value = _PHONE_SEPARATORS.sub("", phone_text(value))
        if value.startswith("00"):
            value = "+" + value[2:]
        elif country and not value.startswith("+"):
            return local_phone(value, country) or value
    return value


def phone_text(value: str) -> str:
    """``value``, a phone number as written (stripped), without what is not part of the number:
    the leading apostrophe that spreadsheets and Shopify's exports put before a number so that it
    stays text (``'06 12 34 56 78``), and the trunk prefix ``(0)`` written after a country code
    (``+44 (0)20 7946 0018``), which would otherwise stay in the number as a wrong ``0``
    (``+4402079460018``). Code that decides whether a number has a country code (``+`` or ``00``)
    reads this text, so that ``'+33612345678`` has one and ``'0612345678`` has none."""
    if _PHONE_TEXT_MARK.match(value):
        value = value[1:]
    if "(" in value:
        value = _TRUNK_AFTER_COUNTRY.sub(r"\g<country>", value, count=1)
    return value


def says_nothing(value: str) -> bool:
    """Whether ``value`` (stripped) only says there is no value (:data:`NO_IDENTIFIER`, any case)."""
    return len(value) <= _NO_IDENTIFIER_LONGEST and value.casefold() in NO_IDENTIFIER


def identifier_problem(kind: str, kept: str) -> str | None:
    """Why ``kept``, a value of identifier ``kind`` as :func:`canonical_identifier` keeps it,
    cannot name a customer, or None: it is empty (``-`` as a phone number is), only says there is
    no value (``N/A``, ``null``, ``undefined``), is a phone number without a digit (``call me``) or
    an e-mail address without one ``@`` between a name and a domain, or with white space, a comma,
    a semicolon or an angle bracket outside a quoted name. Such a value is left out rather than stored, so that two
    customers who both wrote ``N/A`` are not merged into one."""
    if not kept:
        return "is empty"
    if says_nothing(kept):
        return f"'{kept}' only says there is no value"
    if kind == "phone":
        if not any(ch.isdigit() for ch in kept):
            return f"'{kept}' is not a phone number (it has no digits)"
    elif kind == "email":
        rest = kept
        if kept[:1] == '"' and (end := kept.find('"@', 1)) > 0:
            rest = "x" + kept[end + 1:]  # a quoted name ("jo smith"@example.com) may hold anything
        name, at, domain = rest.partition("@")
        if not at or not name or not domain or "@" in domain or _NOT_IN_ADDRESS.search(rest):
            return f"'{kept}' is not an e-mail address"
    return None


@lru_cache(maxsize=PHONE_CACHE)
def local_phone(number: str, country: str) -> str | None:
    """``number``, a phone number as :func:`canonical_identifier` keeps it without a country (no
    ``+``, no ``00``), read as a number of ``country`` (case does not matter): its E.164 form
    (``+33612345678``), or None when it is not only digits or is not a valid number of that
    country (too short or too long, ``123``, or in none of its number ranges: ``06 12 34 56 78``
    in the US)."""
    if not number.isdecimal():
        return None  # letters (a vanity number), an extension, a + inside: kept as written
    phonenumbers = _phonenumbers()
    try:
        parsed = phonenumbers.parse(number, country.upper())
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        # Not a number of that country at all (06 12 34 56 78 in the US): kept as written and
        # named in a warning, rather than stored as a number that cannot exist (+10612345678).
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


#: Countries tried first when guessing the country of local phone numbers (after this computer's).
LIKELY_PHONE_COUNTRIES = ("FR", "DE", "GB", "ES", "IT", "NL", "BE", "CH", "AT", "PT", "IE", "SE", "DK", "NO", "FI",
                          "PL", "US", "CA", "CN", "HK", "TW", "JP", "KR", "SG", "IN", "AU", "NZ", "BR", "MX")


def guess_phone_country(numbers: Sequence[str], prefer: str | None = None) -> str | None:
    """The country whose mobile numbers most of ``numbers`` (local numbers as
    :func:`canonical_identifier` keeps them: digits only, no ``+``) are, trying ``prefer`` (this
    computer's country) first and then :data:`LIKELY_PHONE_COUNTRIES`; None if none has at least
    half of them. Mobile numbers, because customers give those, and because some countries' fixed
    numbers take almost any digits (``0711223344`` is a Stuttgart number). Only a suggestion for
    the user to confirm."""
    return _guess(tuple(dict.fromkeys(n for n in numbers if n.isdecimal()))[:50], prefer)


@lru_cache(maxsize=64)
def _guess(sample: tuple[str, ...], prefer: str | None) -> str | None:
    """:func:`guess_phone_country` for distinct numbers (the wizard asks again at every change)."""
    if not sample:
        return None
    phonenumbers = _phonenumbers()
    mobile = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    order = [prefer.upper()] if prefer and prefer.upper() in phone_regions() else []
    order += [c for c in LIKELY_PHONE_COUNTRIES if c not in order and c in phone_regions()]
    best, best_score = None, 0
    for country in order:
        score = 0
        for number in sample:
            try:
                parsed = phonenumbers.parse(number, country)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(parsed) and phonenumbers.number_type(parsed) in mobile:
                score += 1
        if score > best_score:
            best, best_score = country, score
            if score == len(sample):
                break  # none after it in the order can do better
    return best if best_score * 2 >= len(sample) else None


def check_phone_country(text: str) -> str:
    """A country for phone numbers named by a user (``fr``, `` FR ``), as its upper-case ISO
    3166-1 alpha-2 code; :class:`PhoneCountryError` naming the value if it is not one that phone
    numbers are known for."""
    code = str(text).strip().upper()
    if code in phone_regions():
        return code
    shown = str(text).strip()
    hint = "; the United Kingdom is GB" if code == "UK" else ""
    raise PhoneCountryError(f"'{shown}' is not a country code for phone numbers{hint}: give a two-letter "
                            f"ISO 3166-1 code such as {COUNTRY_EXAMPLES}, or none to keep numbers as written")


@cache
def phone_regions() -> frozenset[str]:
    """The country codes that phone numbers can be read in."""
    return frozenset(_phonenumbers().SUPPORTED_REGIONS)


@cache
def calling_codes() -> dict[str, int]:
    """The international calling code of every country of :func:`phone_regions` (``FR`` → 33),
    read from the table of calling codes (no country's full metadata is loaded)."""
    codes: dict[str, int] = {}
    for code, regions in _phonenumbers().COUNTRY_CODE_TO_REGION_CODE.items():
        for region in regions:
            codes.setdefault(region, code)
    return {region: code for region, code in codes.items() if region in phone_regions()}


def calling_prefix(country: str) -> str:
    """How numbers of ``country`` start in E.164 form, for messages: ``+33…`` for FR (``+…``
    for a code without a calling code)."""
    calling = calling_codes().get(country)
    return f"+{calling}…" if calling else "+…"


def phone_country_of(ws: Any) -> str | None:
    """The country the workspace ``ws`` reads phone numbers written without a country code in
    (remembered by the CSV import, :data:`PHONE_COUNTRY_META`), upper-case, or None."""
    value = (ws.get_meta(PHONE_COUNTRY_META) or "").strip().upper()
    return value if len(value) == 2 and value.isalpha() and value.isascii() else None


def _phonenumbers() -> Any:
    try:
        import phonenumbers
    except ImportError:
        raise JourneyStudioError("reading phone numbers by country needs the phonenumberslite package "
                                 "(pip install phonenumberslite)") from None
    return phonenumbers
