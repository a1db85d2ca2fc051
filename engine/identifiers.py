"""How identifier values are kept, so that every way in (the collector, CSV files, the API, the
command line) names a customer the same way. Standard library only at import time: the CSV
import's reading process uses it too. Reading phone numbers written without a country code (the
workspace's *phone country*) needs ``phonenumbers`` (the ``phonenumberslite`` package), which is
imported only when a country is given."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

from engine.errors import JourneyStudioError

_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
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
    number without spaces, dashes, dots or brackets, ``00`` at the start written ``+``
    (``+33 6 12 34 56 78``, ``0033 6 12 34 56 78`` and ``+33612345678`` are one number). Other kinds
    are kept as sent.

    With ``country`` (an ISO 3166-1 alpha-2 code such as ``FR``, see :func:`check_phone_country`),
    a phone number that starts with neither ``+`` nor ``00`` is read as a number of that country
    and kept in E.164 form (``06 12 34 56 78`` in FR is ``+33612345678``), if it is a possible
    number there; otherwise it is kept as without a country (:func:`local_phone`). Numbers with
    ``+`` or ``00`` are kept as they always were, so that stored numbers keep their form."""
    value = value.strip()
    if kind == "email":
        return value.lower()
    if kind == "phone":
        value = _PHONE_SEPARATORS.sub("", value)
        if value.startswith("00"):
            value = "+" + value[2:]
        elif country and not value.startswith("+"):
            return local_phone(value, country) or value
    return value


@lru_cache(maxsize=PHONE_CACHE)
def local_phone(number: str, country: str) -> str | None:
    """``number``, a phone number as :func:`canonical_identifier` keeps it without a country (no
    ``+``, no ``00``), read as a number of ``country`` (case does not matter): its E.164 form
    (``+33612345678``), or None when it is not only digits or is not a possible number of that
    country (too short or too long: ``123``)."""
    if not number.isdecimal():
        return None  # letters (a vanity number), an extension, a + inside: kept as written
    phonenumbers = _phonenumbers()
    try:
        parsed = phonenumbers.parse(number, country.upper())
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


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
