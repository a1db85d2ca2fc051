"""What the collector's protocol readers hand to its writer: checked messages, and the checks.

A :class:`Message` is one call of an analytics SDK (a Segment ``track`` or ``identify``, a Sensors
``profile_set``...) turned into what the workspace stores: identifiers naming the customer
(strongest first, see :mod:`engine.track.identity`), optionally an event (name, properties already
serialised to JSON text, time also as stored text, dedup key) and optionally changes to the
profile's attributes. Every value in a message has been checked here, so the writer never meets
bad input: text is bounded, free of NUL characters and valid Unicode; JSON is bounded in size and
nesting. Whatever can be prepared here is, because this work runs on the thread reading requests
while the writer's thread is inside SQLite, whereas the writer's own Python work holds up every
commit.

JSON is parsed and written with ``orjson`` where it gives exactly what the standard library gives
(it is several times faster), and with :mod:`json` otherwise; see :func:`parse_json` and
:func:`dump`.

A message that fails a check raises :class:`MessageInvalid` with a short machine-readable code,
the HTTP status the collector answers with, and a sentence naming the field.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import orjson

from engine.channels.kinds import CHANNEL_KINDS
from engine.identifiers import canonical_identifier, identifier_problem, says_nothing
from engine.store.customers import (
    MAX_DEDUP_KEY_LENGTH,
    MAX_EVENT_NAME_LENGTH,
    MAX_IDENTIFIER_LENGTH,
    MAX_SOURCE_LENGTH,
)
from engine.track.collector_sqlite import sqlite_time

#: Segment's limit on one message, applied to the properties (or traits) of each message (as
#: compact UTF-8 JSON).
MAX_MESSAGE_BYTES = 32 * 1024
#: Segment's limit on one request (a batch), applied to the body after decompression.
MAX_BATCH_BYTES = 500 * 1024
#: Containers inside containers allowed in properties, traits and context.
MAX_DEPTH = 20
#: Messages in one request.
MAX_MESSAGES = 5000
MAX_PROPERTY_NAME_LENGTH = 255

#: Profile operations (Sensors Analytics names; Segment's ``identify`` traits are ``set``), and the
#: two that add tags to the customer's tags rather than change an attribute (see :func:`tags_of`):
#: ``tags`` adds them, ``tags_once`` only to a customer without tags (Sensors ``profile_set_once``).
PROFILE_OPS = ("set", "set_once", "increment", "append", "unset", "delete", "tags", "tags_once")
TAG_OPS = ("tags", "tags_once")
#: The trait (Segment ``identify``) or profile property (Sensors ``profile_set``, ``profile_append``)
#: whose value sets the customer's tags rather than an attribute: a list of text, or text with the tags
#: separated as in a CSV file's ``tags`` column.
TAGS_TRAIT = "tags"
#: Separators between tags given as one text, in a trait or a CSV file's ``tags`` column (the
#: import splits with :func:`split_tags` too): , ; | and the forms Chinese text writes (、，；｜).
TAG_SEPARATORS = (",", ";", "|", "、", "，", "；", "｜")
#: Longest tag, and most tags one message may give (a tag rule names one of at most 100 characters).
MAX_TAG_LENGTH = 100
MAX_TAGS = 100
#: Why a profile change the collector accepted was left undone (counted and logged as ignored):
#: ``profile_increment`` of an attribute that holds something other than a number, ``profile_append``
#: to one that is not a list, and ``profile_delete`` or ``profile_unset`` of a distinct id no customer
#: has (nothing to clear, and no one is made for it).
INCREMENT_NOT_A_NUMBER = "increment_not_a_number"
APPEND_NOT_A_LIST = "append_not_a_list"
NO_SUCH_PROFILE = "profile_of_no_one"
IGNORED_REASONS = {
    INCREMENT_NOT_A_NUMBER: "profile_increment left an attribute that is not a number as it was",
    APPEND_NOT_A_LIST: "profile_append left an attribute that is not a list as it was",
    NO_SUCH_PROFILE: "profile_delete or profile_unset named a distinct id no customer has; no one was made",
}


class MessageInvalid(Exception):
    """A request or a message in it cannot be accepted; ``code`` and ``status`` go in the answer."""

    def __init__(self, message: str, *, code: str = "invalid_message", status: int = 400,
                 index: int | None = None):
        self.message = message
        self.code = code
        self.status = status
        self.index = index
        super().__init__(message)

    def at(self, index: int) -> MessageInvalid:
        """The same problem, said of the message at ``index`` of a batch."""
        return MessageInvalid(f"the message at index {index}: {self.message}", code=self.code, status=self.status,
                              index=index)


@dataclass(slots=True)
class Message:
    """One checked SDK call, ready for the writer."""

    #: ``(kind, value)`` pairs, strongest first; the first names the subject.
    identifiers: tuple[tuple[str, str], ...]
    source: str
    occurred_at: datetime
    #: ``occurred_at`` as stored (:func:`~engine.track.collector_sqlite.sqlite_time`).
    occurred_text: str
    #: Why identifiers given together may merge profiles (``identify``, ``alias``, ``track_signup``,
    #: ``link``), recorded with a merge.
    reason: str = "link"
    event: str | None = None
    properties: dict[str, Any] | None = None
    #: ``properties`` as stored (JSON text).
    properties_json: str = "{}"
    dedup_key: str | None = None
    #: ``(operation, argument)`` in order, operations from :data:`PROFILE_OPS`.
    profile: tuple[tuple[str, Any], ...] = ()
    #: Segment ``alias``: the previous id, a user id or an anonymous id (decided when written).
    previous_id: str | None = None
    #: ``(channel kind, given)`` from a ``consent`` trait or profile property (see
    #: :func:`consent_changes`); ``None`` forgets what was recorded.
    consent: tuple[tuple[str, bool | None], ...] = ()
    #: ``consent`` changes only the channel kinds with nothing recorded (Sensors ``profile_set_once``).
    consent_once: bool = False
    #: The customer's time zone (an IANA name such as ``Europe/Paris``), from an ``identify``
    #: (``traits.timezone``, else ``context.timezone``, which browser and app SDKs fill in).
    time_zone: str | None = None


# ----------------------------------------------------------------------------------------------
# Checks
# ----------------------------------------------------------------------------------------------

def text(value: Any, field: str, *, max_length: int, required: bool = True) -> str | None:
    """Non-empty text without surrounding blanks, NUL characters or unpaired surrogates."""
    if value.__class__ is str:  # the usual case, decided without the checks' calls
        stripped = value.strip()
        if stripped and len(stripped) <= max_length and stripped.isascii() and "\x00" not in stripped:
            return stripped
    return _checked_text(value, field, max_length, required)


def _checked_text(value: Any, field: str, max_length: int, required: bool) -> str | None:
    if value is None:
        if required:
            raise MessageInvalid(f"'{field}' is required")
        return None
    if not isinstance(value, str):
        raise MessageInvalid(f"'{field}' must be text, not {_json_type(value)}")
    value = value.strip()
    if not value:
        if required:
            raise MessageInvalid(f"'{field}' cannot be empty")
        return None
    if len(value) > max_length:
        raise MessageInvalid(f"'{field}' is longer than {max_length} characters")
    _plain(value, field)
    return value


def identifier(value: Any, field: str, *, required: bool = True) -> str | None:
    """An id as SDKs send it: text, or a whole number (turned into text). Text that only says
    there is no value (``null``, ``undefined``, ``N/A``: :func:`~engine.identifiers.says_nothing`)
    names no one: refused when ``required``, else taken as absent."""
    if value.__class__ is str:
        stripped = value.strip()
        if stripped and len(stripped) <= MAX_IDENTIFIER_LENGTH and stripped.isascii() and "\x00" not in stripped:
            found: str | None = stripped
        else:
            found = _checked_text(value, field, MAX_IDENTIFIER_LENGTH, required)
        if found is not None and says_nothing(found):
            if required:
                raise MessageInvalid(f"'{field}' is '{found}', which names no one")
            return None
        return found
    if value is None and not required:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    elif isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 63:
        value = str(int(value))
    return text(value, field, max_length=MAX_IDENTIFIER_LENGTH, required=required)


def kept_identifier(kind: str, value: str, field: str, phone_country: str | None = None) -> str:
    """``value`` (checked by :func:`identifier`) as the workspace keeps it; refused when keeping it
    makes it too long (lower-casing ``İ`` gives two characters) or when it cannot name a customer
    (an e-mail address without ``@``, a phone number without digits:
    :func:`~engine.identifiers.identifier_problem`). A phone number written without a country code
    is read as a number of ``phone_country``, the workspace's (see
    :func:`~engine.identifiers.canonical_identifier`), when there is one."""
    kept = canonical_identifier(kind, value, phone_country)
    if len(kept) > MAX_IDENTIFIER_LENGTH:
        raise MessageInvalid(f"'{field}' is longer than {MAX_IDENTIFIER_LENGTH} characters once lower-cased")
    problem = identifier_problem(kind, kept)
    if problem is not None:
        raise MessageInvalid(f"'{field}' cannot name a customer: {problem}")
    return kept


#: Flat consent entries, one per channel kind (``consent_email: true``): the form SDKs that take no
#: objects as property values can send (the Sensors SDKs).
_FLAT_CONSENT = tuple((f"consent_{kind}", kind) for kind in CHANNEL_KINDS)


def consent_changes(values: dict[str, Any], field: str) -> tuple[dict[str, Any], tuple[tuple[str, bool | None], ...]]:
    """``values`` (traits or profile properties) without their consent entries, and those entries
    as consent changes: ``consent``, an object of channel kind to ``true`` (may be contacted),
    ``false`` (may not) or ``null`` (nothing recorded), e.g. ``{"consent": {"email": true, "sms":
    false}}``; and ``consent_<kind>`` entries with the same values (``{"consent_email": true}``),
    which win over the object's for their kind."""
    flat = [(key, kind) for key, kind in _FLAT_CONSENT if key in values]
    if "consent" not in values and not flat:
        return values, ()
    changes: dict[str, bool | None] = {}
    given = values.get("consent")
    if given is not None and not isinstance(given, dict):
        raise MessageInvalid(f"'{field}.consent' must be an object of channel kind to true, false or null, "
                             f"like {{\"email\": true}}")
    for kind, value in (given or {}).items():
        if kind not in CHANNEL_KINDS:
            raise MessageInvalid(f"'{field}.consent' names '{str(kind)[:40]}', which is not a channel kind; "
                                 f"use {', '.join(CHANNEL_KINDS)}")
        if value is not None and not isinstance(value, bool):
            raise MessageInvalid(f"'{field}.consent.{kind}' must be true, false or null")
        changes[kind] = value
    for key, kind in flat:
        value = values[key]
        if value is not None and not isinstance(value, bool):
            raise MessageInvalid(f"'{field}.{key}' must be true, false or null")
        changes[kind] = value
    dropped = {"consent", *(key for key, _kind in flat)}
    return {k: v for k, v in values.items() if k not in dropped}, tuple(changes.items())


def event_name(value: Any, field: str) -> str:
    name = text(value, field, max_length=MAX_EVENT_NAME_LENGTH)
    assert name is not None
    return name


def source(value: str) -> str:
    return value[:MAX_SOURCE_LENGTH]


def json_object(value: Any, field: str, *, shallow: bool = False) -> dict[str, Any]:
    """A JSON object (``null`` counts as empty), with non-empty bounded names, nested at most
    :data:`MAX_DEPTH` deep (not checked again when the caller knows the text is ``shallow``)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MessageInvalid(f"'{field}' must be an object, not {_json_type(value)}")
    if value:
        if "" in value or max(map(len, value)) > MAX_PROPERTY_NAME_LENGTH:
            raise MessageInvalid(f"'{field}' has a property name that is empty or longer than "
                                 f"{MAX_PROPERTY_NAME_LENGTH} characters")
        if not shallow:
            for child in value.values():
                if isinstance(child, _CONTAINERS):
                    check_depth(value, field)
                    break
    return value


_CONTAINERS = (dict, list)


def check_depth(value: Any, field: str, limit: int = MAX_DEPTH) -> None:
    """Refuse containers nested more than ``limit`` deep (without recursion)."""
    for child in value.values() if isinstance(value, dict) else value:
        if isinstance(child, _CONTAINERS):
            break
    else:
        return  # flat, as properties mostly are
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        for child in children:
            if isinstance(child, _CONTAINERS):
                if depth >= limit:
                    raise MessageInvalid(f"'{field}' is nested more than {limit} levels deep", code="too_deep")
                stack.append((child, depth + 1))


def dump(value: dict[str, Any], field: str) -> str:
    """JSON text as the workspace stores it (compact); at most :data:`MAX_MESSAGE_BYTES` as UTF-8.

    ``orjson`` writes it unless it cannot: an integer beyond 64 bits, or text holding an unpaired
    surrogate (the standard parser lets one through when the body spells it as raw bytes). Then
    :mod:`json` writes it, ASCII-escaped, so the text stays valid JSON and storable as UTF-8."""
    try:
        encoded = orjson.dumps(value)
        if b"null" in encoded and _has_infinity(value):  # orjson writes an infinity as null
            raise MessageInvalid(f"a number in '{field}' is too large for JSON", code="invalid_message")
        size = len(encoded)
        written = encoded.decode("utf-8")
    except TypeError:  # orjson.JSONEncodeError
        written = json.dumps(value, separators=(",", ":"))
        size = len(written)
    if size > MAX_MESSAGE_BYTES:
        raise MessageInvalid(f"'{field}' is {size:,} bytes as JSON; {size_limit(MAX_MESSAGE_BYTES)} is accepted",
                             code="too_large", status=413)
    return written


def _has_infinity(value: Any) -> bool:
    """Whether ``value`` holds a float too large for JSON (a body's ``1e400`` parses as one)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def dedup_key(prefix: str, value: str, when: str | None = None) -> str:
    """``prefix``, the UTC moment ``when`` (if given, as stored: :func:`moment_text`) and
    ``value``, the value replaced by a digest when the key would be too long for the column.

    Keys that start with the message's own time keep the unique index's new entries together
    (events arrive roughly in time order) instead of spread over the whole index, so a commit
    writes far fewer index pages. A message sent again carries the same time, so it still meets
    its first copy.
    """
    if when is not None:
        prefix = f"{prefix}{when}:"
    key = prefix + value
    if len(key) <= MAX_DEDUP_KEY_LENGTH:
        return key
    import hashlib

    return prefix + "sha256:" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def moment_text(moment: datetime) -> str:
    """A UTC moment as the workspace stores it (``2025-03-01 09:30:00.000000``)."""
    return sqlite_time(moment)


#: How far a sender's clock may be from the collector's (the time it says it sent a request,
#: Segment's ``sentAt`` or Sensors' ``_flush_time``, against the time it arrived) before the times
#: of its events are moved by the difference: within this, network and queue delays explain it.
CLOCK_SKEW_TOLERANCE = timedelta(seconds=60)
#: How far after its arrival an event may be dated, once moved for its sender's clock: later times
#: (a device clock set wrong, and no ``sentAt`` to tell by how much) are stored as the arrival
#: time, since an event dated in the future would stay out of segments and triggers until then.
FUTURE_TOLERANCE = timedelta(minutes=5)


def clock_skew(sent: datetime | None, now: datetime) -> timedelta | None:
    """How far ahead (or, negative, behind) the sender's clock is, from the time it says it sent
    the request; ``None`` when unknown or within :data:`CLOCK_SKEW_TOLERANCE`."""
    if sent is None:
        return None
    skew = sent - now
    return skew if abs(skew) > CLOCK_SKEW_TOLERANCE else None


def sent_at(value: Any) -> datetime | None:
    """Segment's ``sentAt`` as a moment; ``None`` if missing or unreadable (it only corrects
    times, so a bad one is ignored rather than refusing the events)."""
    if value is None:
        return None
    try:
        return iso_time(value, "sentAt")
    except MessageInvalid:
        return None


def when_stored(occurred: datetime, occurred_text: str, skew: timedelta | None, now: datetime,
                now_text: str | None) -> tuple[datetime, str]:
    """The time an event sent at ``occurred`` is stored at: moved back by the sender's clock skew
    (as Segment does with ``sentAt``), and never later than :data:`FUTURE_TOLERANCE` after its
    arrival ``now``. Dedup keys keep the time as sent, so a message sent again still meets its
    first copy."""
    if skew is not None:
        try:
            occurred = occurred - skew
        except OverflowError:
            return now, now_text or moment_text(now)
        occurred_text = moment_text(occurred)
    if occurred - now > FUTURE_TOLERANCE:
        return now, now_text or moment_text(now)
    return occurred, occurred_text


def epoch_millis(value: Any, field: str) -> datetime:
    """A moment given in milliseconds since 1970 (Sensors Analytics ``time``)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MessageInvalid(f"'{field}' must be a number of milliseconds, not {_json_type(value)}")
    try:
        return datetime.fromtimestamp(value / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        raise MessageInvalid(f"'{field}' is not a time this side of year 9999") from None


def iso_time(value: Any, field: str) -> datetime:
    """An ISO 8601 moment (``2025-03-01T09:30:00.000Z``); one without an offset is taken as UTC."""
    if not isinstance(value, str):
        raise MessageInvalid(f"'{field}' must be an ISO 8601 time, not {_json_type(value)}")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise MessageInvalid(f"'{field}' is not an ISO 8601 time: {value[:40]!r}") from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise MessageInvalid(f"'{field}' is not a time this side of year 9999") from None


def iso_moment(value: Any, field: str) -> tuple[datetime, str]:
    """:func:`iso_time` and the moment as stored (:func:`moment_text`)."""
    # JavaScript's toISOString() (``2025-03-01T09:30:00.000Z``), what most SDKs send: once
    # Python has read it as a valid moment, the stored text is cut from it (the separators and
    # ASCII pin the layout down to that one). Anything else takes the general way.
    if (value.__class__ is str and len(value) == 24 and value[23] == "Z" and value[19] == "."
            and value[4] == value[7] == "-" and value[13] == value[16] == ":" and value.isascii()):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return moment, f"{value[:10]} {value[11:23]}000"
    moment = iso_time(value, field)
    return moment, sqlite_time(moment)


def valid_unicode(value: Any, field: str) -> None:
    """Refuse unpaired surrogates (``"\\ud800"`` in JSON), which no database stores as text."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise MessageInvalid(f"'{field}' holds text that is not valid Unicode (an unpaired surrogate)") from None


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def check_unicode(raw: bytes, value: Any, what: str) -> None:
    """Refuse ``value`` (decoded from ``raw``) if it holds an unpaired surrogate; only looked for
    when the raw JSON has a surrogate escape at all, so ordinary bodies cost one scan."""
    if _SURROGATE_ESCAPE.search(raw) is not None:
        valid_unicode(value, what)


def _plain(value: str, field: str) -> None:
    if "\x00" in value:
        raise MessageInvalid(f"'{field}' contains a NUL character")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise MessageInvalid(f"'{field}' is not valid Unicode (an unpaired surrogate)") from None


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


#: Maps every ASCII digit to ``0`` (see :func:`parse_json`).
_DIGITS_AS_ZERO = bytes.maketrans(b"0123456789", b"0000000000")
#: A run of digits this long may be an integer beyond 64 bits.
_LONG_NUMBER = b"0" * 19


def parse_json(raw: bytes, what: str) -> tuple[Any, bool]:
    """Strict JSON (``NaN`` and ``Infinity`` refused, as PostgreSQL refuses them), and whether the
    text is *shallow*: it has so few brackets that nothing in it can nest deeper than
    :data:`MAX_DEPTH`, so callers may skip their depth checks.

    ``orjson`` parses it when it gives what :mod:`json` gives: it refuses everything the standard
    parser refuses here, but turns integers beyond 64 bits into floats, so text with a run of 19
    digits or more goes to :mod:`json`. Whatever ``orjson`` refuses goes to :mod:`json` as well,
    which decides, and names the problem."""
    shallow = raw.count(b"{") <= MAX_DEPTH and raw.count(b"{") + raw.count(b"[") <= MAX_DEPTH
    if raw.translate(_DIGITS_AS_ZERO).find(_LONG_NUMBER) < 0:
        try:
            return orjson.loads(raw), shallow
        except orjson.JSONDecodeError:
            pass
    try:
        return json.loads(raw, parse_constant=_refuse_constant), shallow
    except RecursionError:
        raise MessageInvalid(f"{what} is nested too deeply", code="too_deep") from None
    except UnicodeDecodeError:
        raise MessageInvalid(f"{what} is not valid JSON (it is not UTF-8 text)", code="malformed") from None
    except ValueError as exc:  # a JSONDecodeError, or NaN / Infinity refused by _refuse_constant
        raise MessageInvalid(f"{what} is not valid JSON ({exc})", code="malformed") from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def time_zone_name(value: Any) -> str | None:
    """``value`` if it names a time zone this computer knows (``Asia/Tokyo``), else None."""
    return _known_zone(value) if isinstance(value, str) else None


@lru_cache(maxsize=1024)
def _known_zone(value: str) -> str | None:
    if not 0 < len(value) <= 64 or value != value.strip():
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return value


# ----------------------------------------------------------------------------------------------
# Profile operations
# ----------------------------------------------------------------------------------------------

def apply_consent(consent: dict[str, bool], changes: tuple[tuple[str, bool | None], ...],
                  once: bool = False) -> dict[str, bool]:
    """The consent record after ``changes`` (a new dict): ``None`` forgets a channel kind's record;
    ``once``: only kinds with nothing recorded change."""
    result = dict(consent)
    for kind, given in changes:
        if once and kind in result:
            continue
        if given is None:
            result.pop(kind, None)
        else:
            result[kind] = given
    return result


def apply_profile(attributes: dict[str, Any], ops: tuple[tuple[str, Any], ...],
                  skipped: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    """The attributes after the operations (a new dict; ``attributes`` is left alone).

    ``set``: each value replaces the attribute (``None`` removes it); ``set_once``: only attributes
    not set yet; ``increment``: adds a number to a number (an attribute not set yet starts from 0);
    ``append``: adds list items not there yet to a list (an attribute not set yet becomes one);
    ``unset``: removes the named attributes; ``delete``: removes every attribute; the tag operations
    (:data:`TAG_OPS`) change no attribute. As Sensors Analytics does, ``increment`` leaves an attribute
    that holds anything but a number (text, true/false, a list) as it is, and ``append`` one that is
    not a list: nothing the customer had is lost. Each change left undone is added to ``skipped``
    as ``(reason, attribute)`` (:data:`INCREMENT_NOT_A_NUMBER`, :data:`APPEND_NOT_A_LIST`).
    """
    result = dict(attributes)
    for op, arg in ops:
        if op == "set":
            for key, value in arg.items():
                if value is None:
                    result.pop(key, None)
                else:
                    result[key] = value
        elif op == "set_once":
            for key, value in arg.items():
                if key not in result and value is not None:
                    result[key] = value
        elif op == "increment":
            for key, value in arg.items():
                current = result.get(key)
                if current is None:
                    current = 0
                elif isinstance(current, bool) or not isinstance(current, int | float):
                    if skipped is not None:
                        skipped.append((INCREMENT_NOT_A_NUMBER, key))
                    continue
                total = current + value
                if not isinstance(total, float) or math.isfinite(total):  # JSON has no infinity
                    result[key] = total
        elif op == "append":
            for key, values in arg.items():
                current = result.get(key)
                if current is not None and not isinstance(current, list):
                    if skipped is not None:
                        skipped.append((APPEND_NOT_A_LIST, key))
                    continue
                items = list(current or ())
                for value in values:
                    if value not in items:
                        items.append(value)
                result[key] = items
        elif op == "unset":
            for key in arg:
                result.pop(key, None)
        elif op == "delete":
            result.clear()
        elif op in TAG_OPS:
            continue  # tags, not attributes: see add_tags
        else:
            raise ValueError(f"unknown profile operation '{op}'")
    return result


def add_tags(tags: list[str], ops: tuple[tuple[str, Any], ...]) -> list[str] | None:
    """The customer's tags after the tag operations of ``ops`` (a new sorted list), or ``None`` when
    they do not change. Tags compare as tag rules compare them, ignoring capitals (``VIP`` is
    ``vip``): a tag the customer has already, in any capitals, is kept as it was written first.
    ``tags_once`` adds only to a customer without tags (see :func:`merged_tags`)."""
    result: list[str] | None = None
    for op, given in ops:
        before = result if result is not None else tags
        if op not in TAG_OPS or (op == "tags_once" and before):
            continue
        merged = merged_tags(before, given)
        if len(merged) != len(before):
            result = merged
    return result


def split_tags(text: str) -> list[str]:
    """``text`` cut at every tag separator (:data:`TAG_SEPARATORS`); blanks are left to the caller."""
    for separator in TAG_SEPARATORS[1:]:
        text = text.replace(separator, TAG_SEPARATORS[0])
    return text.split(TAG_SEPARATORS[0])


def merged_tags(tags: list[str], given: Iterable[str]) -> list[str]:
    """``tags`` with those of ``given`` it lacks, sorted; tags compare as tag rules compare them,
    ignoring capitals (``VIP`` is ``vip``), and one already there keeps how it was written first."""
    from engine.track.segments import case_fold

    current = list(tags)
    have = {case_fold(tag) for tag in current if isinstance(tag, str)}
    for tag in given:
        folded = case_fold(tag)
        if folded not in have:
            have.add(folded)
            current.append(tag)
    return sorted(current)


def tags_of(value: Any, field: str) -> tuple[str, ...] | None:
    """The tags a ``tags`` trait or profile property gives (see :data:`TAGS_TRAIT`): a list of text,
    or text with the tags separated by , ; or | (as a CSV ``tags`` column); blanks around each are
    dropped, and so are empty ones. ``None`` for any other value (a number, an object, a list that
    holds something other than text, ``null``), which stays an ordinary attribute."""
    if isinstance(value, str):
        items: list[Any] = split_tags(value)
    elif isinstance(value, list) and all(isinstance(item, str) for item in value):
        items = value
    else:
        return None
    found: dict[str, None] = {}
    for item in items:
        tag = item.strip()
        if not tag:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise MessageInvalid(f"'{field}' holds a tag longer than {MAX_TAG_LENGTH} characters")
        _plain(tag, field)
        found[tag] = None
    if len(found) > MAX_TAGS:
        raise MessageInvalid(f"'{field}' holds more than {MAX_TAGS} tags")
    return tuple(found)


def size_limit(limit: int) -> str:
    """A byte limit in words, the same in every refusal: ``at most 500 KB (512,000 bytes)``."""
    return f"at most {limit // 1024:,} KB ({limit:,} bytes)" if limit % 1024 == 0 else f"at most {limit:,} bytes"


def gunzip(data: bytes, limit: int, what: str) -> bytes:
    """Decompress gzip data, refusing (413) anything that grows past ``limit`` bytes."""
    import zlib

    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = decompressor.decompress(data, limit + 1)
        if len(out) <= limit and not decompressor.unconsumed_tail:
            out += decompressor.flush()
    except zlib.error as exc:
        raise MessageInvalid(f"{what} is not valid gzip data ({exc})", code="malformed") from None
    if len(out) > limit or decompressor.unconsumed_tail:
        raise MessageInvalid(f"{what} is over {limit:,} bytes once decompressed; {size_limit(limit)} is "
                             "accepted", code="too_large", status=413)
    if not decompressor.eof:
        raise MessageInvalid(f"{what} is cut short (the gzip data is incomplete)", code="malformed")
    return out
