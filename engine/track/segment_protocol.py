"""The Segment HTTP Tracking API, read into collector messages.

Endpoints (``POST``, JSON body, optionally ``Content-Encoding: gzip``): ``/v1/track``,
``/v1/identify``, ``/v1/page``, ``/v1/screen``, ``/v1/group``, ``/v1/alias`` take one message;
``/v1/batch`` (and ``/v1/import``) take ``{"batch": [...]}``, each message with its ``type``. The
one-letter paths browser SDKs use (``/v1/t``, ``/v1/i``, ``/v1/p``, ``/v1/s``, ``/v1/g``, ``/v1/a``,
``/v1/b``) are the same endpoints. The write key comes as the user name of HTTP Basic auth, or as
``writeKey`` in the body (browsers send ``text/plain`` bodies to avoid a CORS preflight).

How each call is stored:

- ``track``: an event named ``event`` with ``properties``.
- ``page`` / ``screen``: an event ``Page Viewed`` / ``Screen Viewed`` whose properties also hold
  ``name`` and ``category`` when given.
- ``group``: an event ``Group`` with properties ``group_id`` and ``traits``.
- ``identify``: ``traits`` set on the profile (``null`` removes a trait), except ``traits.tags`` (a
  list of text, or text separated by commas): tags added to the customer's tags, as a CSV import's
  ``tags`` column adds them, which tag rules match (any other value of ``tags`` stays an
  attribute); the customer's time zone
  (quiet hours, times of day) from ``traits.timezone``, else ``context.timezone`` (an IANA name such
  as ``Europe/Paris``, which browser and app SDKs send); ``traits.email`` and
  ``traits.phone`` also become identifiers of the customer when no one else holds them (a phone
  number without a country code read in the workspace's phone country, if it has one).
- ``alias``: ``previousId`` (a user id, else an anonymous id) merged into ``userId``.

Every call names the customer by ``userId`` and/or ``anonymousId``; given together they link the
visitor to the user (see :mod:`engine.track.identity`). ``context`` is kept with an event's
properties under ``$context``. ``timestamp`` (else ``originalTimestamp``, else the time of arrival)
is when the event occurred. When the sender's clock is off by more than a minute (its ``sentAt``,
of the batch or the message, against the time the request arrived), that time is moved by the
difference, as Segment does; a time more than five minutes after arrival even so is stored as the
arrival time (see :func:`~engine.track.collector_messages.when_stored`). ``messageId`` is the dedup
key (with the message's own time as sent, when it has one): a batch sent again adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from engine.store.customers import MAX_DEDUP_KEY_LENGTH, MAX_EVENT_NAME_LENGTH, MAX_IDENTIFIER_LENGTH
from engine.track.collector_messages import (
    MAX_MESSAGES,
    TAGS_TRAIT,
    Message,
    MessageInvalid,
    check_unicode,
    clock_skew,
    consent_changes,
    dedup_key,
    dump,
    identifier,
    iso_moment,
    json_object,
    kept_identifier,
    moment_text,
    parse_json,
    sent_at,
    tags_of,
    text,
    time_zone_name,
    when_stored,
)
from engine.track.identity import ordered

SOURCE = "segment"
#: Path → the type of its message (``batch``: a list of typed messages).
PATHS = {
    "/v1/track": "track", "/v1/t": "track",
    "/v1/identify": "identify", "/v1/i": "identify",
    "/v1/page": "page", "/v1/p": "page",
    "/v1/screen": "screen", "/v1/s": "screen",
    "/v1/group": "group", "/v1/g": "group",
    "/v1/alias": "alias", "/v1/a": "alias",
    "/v1/batch": "batch", "/v1/b": "batch", "/v1/import": "batch",
}
TYPES = ("track", "identify", "page", "screen", "group", "alias")
EVENT_NAMES = {"page": "Page Viewed", "screen": "Screen Viewed", "group": "Group"}
DEDUP_PREFIX = "segment:"
MAX_MESSAGE_ID_LENGTH = 1000


@dataclass
class Parsed:
    """A request read: its write key (if the body named one), the good messages and the refused."""

    write_key: str | None
    messages: list[Message] = field(default_factory=list)
    rejected: list[MessageInvalid] = field(default_factory=list)
    #: Messages accepted and not stored by design (Sensors ``item_set``...), in all and per type.
    ignored: int = 0
    ignored_types: dict[str, int] = field(default_factory=dict)


@dataclass
class Decoded:
    """A request body as JSON, before its messages are checked."""

    data: dict[str, Any]
    #: The write key the body names (``writeKey``), if any.
    write_key: str | None
    #: The body has too few brackets for anything in it to nest too deep: no depth check needed.
    shallow: bool


def decode(body: bytes) -> Decoded:
    """The JSON object of a request body and the write key it names."""
    data, shallow = parse_json(body, "the body")
    if not isinstance(data, dict):
        raise MessageInvalid("the body must be a JSON object", code="malformed")
    check_unicode(body, data, "the body")
    key = data.get("writeKey")
    return Decoded(data, key if isinstance(key, str) and key else None, shallow)


def read(kind: str, decoded: Decoded, now: datetime, *, phone_country: str | None = None) -> Parsed:
    """The messages of a decoded body sent to the endpoint of ``kind`` (a type from :data:`PATHS`);
    ``phone_country``: the workspace's country of phone numbers written without a country code."""
    parsed = Parsed(decoded.write_key)
    data, shallow = decoded.data, decoded.shallow
    now_text = moment_text(now)
    if kind != "batch":
        parsed.messages.append(message(data, kind, now, None, shallow, now_text, phone_country=phone_country))
        return parsed
    skew = clock_skew(sent_at(data.get("sentAt")), now)
    items = data.get("batch")
    if not isinstance(items, list):
        raise MessageInvalid("a batch needs 'batch': a list of messages", code="malformed")
    if len(items) > MAX_MESSAGES:
        raise MessageInvalid(f"a batch holds at most {MAX_MESSAGES:,} messages", code="too_large", status=413)
    shared = data.get("context")
    shared_context = json_object(shared, "context", shallow=shallow) if isinstance(shared, dict) else None
    append = parsed.messages.append
    for index, item in enumerate(items):
        try:
            if item.__class__ is not dict:
                raise MessageInvalid("a message must be a JSON object", code="malformed")
            append(message(item, item.get("type"), now, shared_context, shallow, now_text, skew,
                           phone_country=phone_country))
        except MessageInvalid as exc:
            parsed.rejected.append(exc.at(index))
    return parsed


def parse(kind: str, body: bytes, now: datetime, *, phone_country: str | None = None) -> Parsed:
    """:func:`decode` then :func:`read`: the messages of a request body and its write key."""
    return read(kind, decode(body), now, phone_country=phone_country)


def message(item: dict[str, Any], kind: Any, now: datetime, shared_context: dict[str, Any] | None,
            shallow: bool = False, now_text: str | None = None, skew: timedelta | None = None, *,
            phone_country: str | None = None) -> Message:
    """One Segment message as a collector message. ``shallow``: the body is known to nest no
    deeper than :data:`~engine.track.collector_messages.MAX_DEPTH`; ``shared_context`` (a batch's
    context) has been checked already; ``now_text``: ``now`` as stored, if the caller has it;
    ``skew``: how far the sender's clock is off, from the batch's ``sentAt`` (a ``sentAt`` of the
    message's own wins); ``phone_country``: the country ``traits.phone`` is read in when it has no
    country code (:func:`~engine.track.collector_messages.kept_identifier`)."""
    if kind not in TYPES:
        if kind is None:
            raise MessageInvalid(f"'type' is required: one of {', '.join(TYPES)}")
        raise MessageInvalid(f"'type' must be one of {', '.join(TYPES)}, not {str(kind)[:40]!r}")
    get = item.get
    user_id = identifier(get("userId"), "userId", required=kind == "alias")
    anonymous_id = identifier(get("anonymousId"), "anonymousId", required=False)
    if user_id is None:
        if anonymous_id is None:
            said = [f"'{name}' is {value.strip()!r}" for name in ("userId", "anonymousId")
                    if isinstance(value := get(name), str) and value.strip()]
            raise MessageInvalid("'userId' or 'anonymousId' is required" + (
                f" ({' and '.join(said)}, which names no one)" if said else ""))
        pairs: tuple[tuple[str, str], ...] = (("anonymous_id", anonymous_id),)
    elif anonymous_id is None:
        pairs = (("user_id", user_id),)
    else:
        pairs = (("user_id", user_id), ("anonymous_id", anonymous_id))
    stamp = get("timestamp")
    if stamp is None:
        stamp = get("originalTimestamp")
    if stamp is None:
        occurred, occurred_text = now, now_text or moment_text(now)
        sent_text = occurred_text
    else:
        occurred, sent_text = iso_moment(stamp, "timestamp")
        own = get("sentAt")
        if own is not None:
            skew = clock_skew(sent_at(own), now)
        occurred, occurred_text = when_stored(occurred, sent_text, skew, now, now_text)
    context = get("context")
    context = {} if context is None else json_object(context, "context", shallow=shallow)
    if shared_context:
        context = {**shared_context, **context} if context else shared_context

    if kind == "identify":
        traits = json_object(item.get("traits"), "traits", shallow=shallow)
        dump(traits, "traits")
        linked = list(pairs)
        for trait, kind_ in (("email", "email"), ("phone", "phone")):
            value = traits.get(trait)
            if isinstance(value, str):
                try:
                    found = text(value, f"traits.{trait}", max_length=MAX_IDENTIFIER_LENGTH, required=False)
                    if found:
                        linked.append((kind_, kept_identifier(kind_, found, f"traits.{trait}", phone_country)))
                except MessageInvalid:
                    pass  # kept as an attribute; only unusable as an identifier
        zone = time_zone_name(traits.get("timezone")) or time_zone_name(context.get("timezone"))
        traits, consent = consent_changes(traits, "traits")
        ops: tuple[tuple[str, Any], ...] = ()
        if TAGS_TRAIT in traits:
            tags = tags_of(traits[TAGS_TRAIT], "traits.tags")
            if tags is not None:  # the customer's tags, added to those they have
                traits = {k: v for k, v in traits.items() if k != TAGS_TRAIT}
                ops = (("tags", tags),) if tags else ()
        if traits:
            ops = (("set", traits), *ops)
        return Message(_ordered(linked), SOURCE, occurred, occurred_text, reason="identify",
                       profile=ops, consent=consent, time_zone=zone)
    if kind == "alias":
        previous = identifier(item.get("previousId"), "previousId")
        assert user_id is not None
        return Message((("user_id", user_id),), SOURCE, occurred, occurred_text, reason="alias",
                       previous_id=previous)

    message_id = get("messageId")
    if message_id is not None:
        message_id = text(message_id, "messageId", max_length=MAX_MESSAGE_ID_LENGTH, required=False)
    if kind == "track":
        name = text(get("event"), "event", max_length=MAX_EVENT_NAME_LENGTH)
        properties = get("properties")
        properties = {} if properties is None else json_object(properties, "properties", shallow=shallow)
    elif kind == "group":
        name = EVENT_NAMES[kind]
        group_id = identifier(item.get("groupId"), "groupId")
        traits = json_object(item.get("traits"), "traits", shallow=shallow)
        properties = {"group_id": group_id, "traits": traits} if traits else {"group_id": group_id}
    else:
        name = EVENT_NAMES[kind]
        properties = json_object(item.get("properties"), "properties", shallow=shallow)
        extra = {}
        for key in ("name", "category"):
            value = text(item.get(key), key, max_length=200, required=False)
            if value is not None and key not in properties:
                extra[key] = value
        if extra:
            properties = {**properties, **extra}
    if context:
        properties = {**properties, "$context": context}
    key = None
    if message_id:
        # The time as sent, not as stored: a message sent again meets its first copy even when
        # its sender's clock has moved since.
        key = f"{DEDUP_PREFIX}{sent_text}:{message_id}" if stamp is not None else DEDUP_PREFIX + message_id
        if len(key) > MAX_DEDUP_KEY_LENGTH:
            key = dedup_key(DEDUP_PREFIX, message_id, sent_text if stamp is not None else None)
    return Message(pairs, SOURCE, occurred, occurred_text, "link", name, properties, dump(properties, "properties"),
                   key)


def _ordered(pairs: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return (pairs[0],) if len(pairs) == 1 else ordered(pairs)
