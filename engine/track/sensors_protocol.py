"""The Sensors Analytics SDK protocol, read into collector messages.

SDKs post to one URL (``/sa``, also ``/sa.gif`` and ``/api/track``): a form-encoded body with
``data`` (one message) or ``data_list`` (a JSON list of messages), each the base64 of the JSON text,
or of its gzip when ``gzip=1``. Browsers may send the same fields in a ``GET`` query instead. The
project comes from ``?project=`` (or the message's ``project``), default ``default``; the write key
from ``?token=`` (or the form's ``token``, or every message's ``token``, or HTTP Basic auth).

Message types and how they are stored:

- ``track``: an event named ``event`` with ``properties``; ``time`` (milliseconds since 1970) is
  when it occurred.
- ``track_signup``: the anonymous ``original_id`` signed up as the login id ``distinct_id``: their
  profiles become one (see :mod:`engine.track.identity`) and the event (``$SignUp``) is stored.
- ``profile_set``, ``profile_set_once``, ``profile_increment``, ``profile_append``,
  ``profile_unset``, ``profile_delete``: changes to the profile's attributes. As Sensors Analytics
  does, ``profile_increment`` adds only to numbers and ``profile_append`` only to lists: an
  attribute holding something else is left as it is, and the message counted as ignored (see
  :data:`~engine.track.collector_messages.IGNORED_REASONS`). ``profile_delete`` clears the
  attributes (tags, consent, identifiers and events stay — forgetting a customer is ``profiles
  delete``); it and ``profile_unset`` make no customer for a distinct id no one has. A ``tags``
  property of ``profile_set`` or ``profile_append`` (a list of text, or text separated by commas)
  adds to the customer's tags instead of setting an attribute (``profile_set_once``: only to a
  customer without tags).
- ``track_id_bind``: the ``identities`` given are one person (linked as above).
- ``item_set``, ``item_delete``, ``track_id_unbind``: answered 200 and not stored (items are not
  customers; an identity is never split), counted per type among the collector's ignored messages.

Identity: ``distinct_id`` is kept as a ``distinct_id`` identifier. When it is a login id
(``properties.$is_login_id`` is true, or it is the ``distinct_id`` of ``track_signup``), it is also
the customer's ``user_id``. A message's ``login_id`` and ``anonymous_id`` fields (browser SDK) and
its ``identities`` (``$identity_login_id`` → user id, ``$identity_email`` → email,
``$identity_mobile`` → phone, ``$identity_anonymous_id`` and ``$identity_cookie_id`` → distinct id,
any other → ``custom:<key>``) name the same customer. A phone number
without a country code is read in the workspace's phone country, if it has one.

Dedup: a message carrying ``_track_id`` (browser and app SDKs) is stored once per type, event,
distinct id, time and ``_track_id`` (the key starts with the time, see
:func:`~engine.track.collector_messages.dedup_key`); ``_flush_time`` (when it was sent) is not part of the key, so
a message sent again is recognised. A message without ``_track_id`` but with its ``time`` (the
Python and Java SDKs) is stored once per type, event, distinct id, millisecond and properties: a
retry is recognised, and two events differ at least in their millisecond or a property.

Times: ``time`` (milliseconds) is when the event occurred. When the SDK's clock is off by more than
a minute (its ``_flush_time`` against the time the request arrived), it is moved by the difference;
a time more than five minutes after arrival even so is stored as the arrival time (see
:func:`~engine.track.collector_messages.when_stored`). The dedup key keeps the time as sent.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

from engine.store.customers import CUSTOM_KIND_PREFIX, MAX_KIND_LENGTH
from engine.track.collector_messages import (
    MAX_BATCH_BYTES,
    MAX_MESSAGES,
    TAGS_TRAIT,
    Message,
    MessageInvalid,
    check_unicode,
    clock_skew,
    consent_changes,
    dedup_key,
    dump,
    epoch_millis,
    event_name,
    gunzip,
    identifier,
    json_object,
    kept_identifier,
    moment_text,
    parse_json,
    tags_of,
    text,
    when_stored,
)
from engine.track.identity import ordered
from engine.track.segment_protocol import Parsed

PATHS = ("/sa", "/sa.gif", "/api/track")
DEFAULT_PROJECT = "default"
DEDUP_PREFIX = "sensors:"
#: Events are stored with the source ``sensors:<project>``.
SOURCE_PREFIX = "sensors:"
EVENT_TYPES = ("track", "track_signup")
PROFILE_TYPES = {"profile_set": "set", "profile_set_once": "set_once", "profile_increment": "increment",
                 "profile_append": "append", "profile_unset": "unset", "profile_delete": "delete"}
IGNORED_TYPES = ("item_set", "item_delete", "track_id_unbind")
TYPES = (*EVENT_TYPES, *PROFILE_TYPES, "track_id_bind", *IGNORED_TYPES)
#: Encoded form bodies are larger than the JSON they carry (base64, then URL escapes).
MAX_FORM_BYTES = 2 * MAX_BATCH_BYTES
_IDENTITY_KINDS = {"$identity_email": "email", "$identity_mobile": "phone"}
_LOGIN_IDENTITY = "$identity_login_id"
#: Identities that are the anonymous device or browser id the SDK also sends as ``distinct_id``
#: (``track`` with ``is_login_id=False``): the same identifier, so the same customer.
_ANONYMOUS_IDENTITIES = frozenset({"$identity_anonymous_id", "$identity_cookie_id"})
#: How a distinct id the SDK made from an identity begins (``$identity_email+ann@example.com``).
_SYNTHETIC_DISTINCT = "$identity_"
_FIELDS = ("data", "data_list", "gzip", "project", "token", "crc", "ext")


@dataclass
class Decoded:
    """A request's messages before they are checked, with what names the sender."""

    items: list[Any]
    #: ``data`` (one message: a bad one refuses the request) rather than ``data_list``.
    single: bool
    project: str
    #: The write key: ``token`` of the query or the form, else the one every message carries.
    token: str | None
    #: The data has too few brackets for anything in it to nest too deep: no depth check needed.
    shallow: bool = False


def decode(query: str, body: bytes, *, form: bool) -> Decoded:
    """Unpack a request: ``query`` is the URL's query string, ``body`` the form (when ``form``)."""
    fields = _fields(query)
    if form and body:
        try:
            posted = body.decode("utf-8")
        except UnicodeDecodeError:
            raise MessageInvalid("the form is not UTF-8 text", code="malformed") from None
        fields.update(_fields(posted))
    project = text(fields.get("project") or DEFAULT_PROJECT, "project", max_length=100) or DEFAULT_PROJECT
    raw = fields.get("data_list")
    single = raw is None
    if single:
        raw = fields.get("data")
    if not raw:
        raise MessageInvalid("send the messages in a 'data' or 'data_list' field", code="malformed")
    decoded = _base64(raw)
    if fields.get("gzip", "0").strip().lower() in ("1", "true"):
        decoded = gunzip(decoded, MAX_BATCH_BYTES, "the data")
    elif len(decoded) > MAX_BATCH_BYTES:
        raise MessageInvalid(f"the data is larger than {MAX_BATCH_BYTES // 1024} KB", code="too_large", status=413)
    payload, shallow = parse_json(decoded, "the data")
    check_unicode(decoded, payload, "the data")
    items = payload if isinstance(payload, list) else [payload]
    if len(items) > MAX_MESSAGES:
        raise MessageInvalid(f"a request holds at most {MAX_MESSAGES:,} messages", code="too_large", status=413)
    token = fields.get("token") or None
    if token is None:
        carried = {item.get("token") if isinstance(item, dict) else None for item in items}
        if len(carried) == 1:
            only = carried.pop()
            token = only if isinstance(only, str) and only else None
    return Decoded(items, single, project, token, shallow)


def read(decoded: Decoded, now: datetime, *, phone_country: str | None = None) -> Parsed:
    """Check every message of a decoded request; ``phone_country``: the workspace's country of
    phone numbers written without a country code."""
    parsed = Parsed(decoded.token)
    source = f"{SOURCE_PREFIX}{decoded.project}"
    now_text = moment_text(now)
    for index, item in enumerate(decoded.items):
        try:
            if not isinstance(item, dict):
                raise MessageInvalid("a message must be a JSON object", code="malformed")
            msg = message(item, now, source, decoded.shallow, now_text, phone_country=phone_country)
        except MessageInvalid as exc:
            if decoded.single:
                raise
            parsed.rejected.append(exc.at(index))
            continue
        if msg is None:
            parsed.ignored += 1
            kind = str(item.get("type"))
            parsed.ignored_types[kind] = parsed.ignored_types.get(kind, 0) + 1
        else:
            parsed.messages.append(msg)
    return parsed


def _flushed(item: dict[str, Any]) -> datetime | None:
    """When the SDK sent the message (``_flush_time``, milliseconds); ``None`` if missing or
    unreadable (it only corrects times, so a bad one is ignored rather than refusing the message)."""
    value = item.get("_flush_time")
    if value is None:
        return None
    try:
        return epoch_millis(value, "_flush_time")
    except MessageInvalid:
        return None


def _fields(encoded: str) -> dict[str, str]:
    if not encoded:
        return {}
    try:
        found = parse_qs(encoded, keep_blank_values=True, max_num_fields=50)
    except ValueError:
        raise MessageInvalid("the form has too many fields", code="malformed") from None
    return {name: values[-1] for name, values in found.items() if name in _FIELDS}


def _base64(value: str) -> bytes:
    # A '+' that was not URL-escaped arrives as a space; some SDKs use the URL-safe alphabet.
    cleaned = "".join(value.split(None)) if ("\n" in value or "\r" in value) else value
    cleaned = cleaned.strip().replace(" ", "+").replace("-", "+").replace("_", "/")
    cleaned += "=" * (-len(cleaned) % 4)
    try:
        return base64.b64decode(cleaned, validate=True)
    except (binascii.Error, ValueError):
        raise MessageInvalid("the data is not base64", code="malformed") from None


def message(item: dict[str, Any], now: datetime, source: str, shallow: bool = False,
            now_text: str | None = None, *, phone_country: str | None = None) -> Message | None:
    """One Sensors message as a collector message; ``None`` for the types that are not stored.
    ``shallow``: the data is known to nest no deeper than
    :data:`~engine.track.collector_messages.MAX_DEPTH`; ``now_text``: ``now`` as stored, if the
    caller has it; ``phone_country``: the country ``$identity_mobile`` is read in when it has no
    country code."""
    kind = item.get("type")
    if kind not in TYPES:
        raise MessageInvalid(f"'type' must be one of {', '.join(TYPES)}, not {str(kind)[:40]!r}")
    if kind in IGNORED_TYPES:
        return None
    distinct = identifier(item.get("distinct_id"), "distinct_id")
    assert distinct is not None
    properties = dict(json_object(item.get("properties"), "properties", shallow=shallow))
    login = properties.pop("$is_login_id", None) is True or kind == "track_signup"
    stamp = item.get("time")
    if stamp is None:
        occurred, occurred_text = now, now_text or moment_text(now)
        sent_text = occurred_text
    else:
        occurred = epoch_millis(stamp, "time")
        sent_text = moment_text(occurred)
        occurred, occurred_text = when_stored(occurred, sent_text, clock_skew(_flushed(item), now), now, now_text)

    pairs: list[tuple[str, str]] = [("distinct_id", distinct)]
    if login:
        pairs.append(("user_id", distinct))
    login_id = identifier(item.get("login_id"), "login_id", required=False)
    if login_id is not None:
        pairs += [("user_id", login_id), ("distinct_id", login_id)]
    anonymous = identifier(item.get("anonymous_id"), "anonymous_id", required=False)
    if anonymous is not None:
        pairs.append(("distinct_id", anonymous))
    identities = item.get("identities")
    if identities is not None:
        if not isinstance(identities, dict):
            raise MessageInvalid("'identities' must be an object of identity name to id")
        for key, value in identities.items():
            found = identifier(value, f"identities.{key}", required=False)
            if found is None:
                continue  # null, or a value that only says there is none (N/A): names no one
            if key == _LOGIN_IDENTITY:
                pairs += [("user_id", found), ("distinct_id", found)]
            elif key in _ANONYMOUS_IDENTITIES:
                pairs.append(("distinct_id", found))
            elif key in _IDENTITY_KINDS:
                try:
                    pairs.append((_IDENTITY_KINDS[key],
                                  kept_identifier(_IDENTITY_KINDS[key], found, f"identities.{key}", phone_country)))
                except MessageInvalid:
                    continue  # not an address or number (a mobile of "N/A"): the others still count
            else:
                name = text(key, "identities (a name)", max_length=MAX_KIND_LENGTH - len(CUSTOM_KIND_PREFIX))
                pairs.append((CUSTOM_KIND_PREFIX + str(name), found))
    if not login and len(pairs) > 1 and distinct.startswith(_SYNTHETIC_DISTINCT) and "+" in distinct:
        # The SDK made the distinct id from an identity (bind, profile_set_by_id:
        # "$identity_email+ann@example.com"); the identity itself names the customer.
        pairs = pairs[1:]
    reason = "link"

    if kind == "track_signup":
        original = identifier(item.get("original_id"), "original_id")
        assert original is not None
        pairs.append(("distinct_id", original))
        reason = "track_signup"
    identifiers = ordered(pairs)
    if kind in EVENT_TYPES:
        name = event_name(item.get("event") or ("$SignUp" if kind == "track_signup" else None), "event")
        track_id = item.get("_track_id")
        properties_json = dump(properties, "properties")
        key = None
        if isinstance(track_id, int | str) and not isinstance(track_id, bool) and str(track_id):
            key = dedup_key(DEDUP_PREFIX, f"{kind}|{name}|{distinct}|{track_id}",
                            sent_text if stamp is not None else None)
        elif stamp is not None:
            # No _track_id (the Python and Java SDKs send none): a message sent again (a retry after
            # a timeout) is the same event at the same millisecond with the same properties.
            digest = hashlib.blake2b(properties_json.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
            key = dedup_key(DEDUP_PREFIX, f"{kind}|{name}|{distinct}|={digest}", sent_text)
        return Message(identifiers, source, occurred, occurred_text, reason=reason, event=name,
                       properties=properties, properties_json=properties_json, dedup_key=key)
    if kind == "track_id_bind":
        return Message(identifiers, source, occurred, occurred_text, reason="link")
    op = PROFILE_TYPES[kind]
    dump(properties, "properties")
    consent: tuple[tuple[str, bool | None], ...] = ()
    if op in ("set", "set_once"):
        properties, consent = consent_changes(properties, "properties")
    tag_ops: tuple[tuple[str, Any], ...] = ()
    if op in ("set", "set_once", "append") and TAGS_TRAIT in properties:
        tags = tags_of(properties[TAGS_TRAIT], f"properties.{TAGS_TRAIT}")
        if tags is not None:  # the customer's tags, added to those they have
            properties = {k: v for k, v in properties.items() if k != TAGS_TRAIT}
            tag_ops = (("tags_once" if op == "set_once" else "tags", tags),) if tags else ()
    argument: Any = properties
    if op == "increment":
        for key_, value in properties.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise MessageInvalid(f"'properties.{key_}' must be a number to add")
    elif op == "append":
        for key_, value in properties.items():
            if not isinstance(value, list):
                raise MessageInvalid(f"'properties.{key_}' must be a list of values to append")
    elif op == "unset":
        argument = sorted(properties)
    elif op == "delete":
        argument = None
    ops: tuple[tuple[str, Any], ...] = ((op, argument),) if argument or not (consent or tag_ops) else ()
    return Message(identifiers, source, occurred, occurred_text, reason=reason, profile=ops + tag_ops,
                   consent=consent, consent_once=op == "set_once")
