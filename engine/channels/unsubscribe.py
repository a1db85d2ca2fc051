"""Per-recipient unsubscribe tokens: who asked to stop hearing from us, on which channel kind.

A token carries the customer id and the channel kind, signed with a per-workspace key, so that an
unsubscribe request (``mailto:…?subject=unsubscribe TOKEN``, a one-click POST to the user's own
page, a reply) says exactly whom it is for and cannot be made up for someone else. It is written in
lower-case base32 (``a``-``z``, ``2``-``7``): it survives mail subjects, the local part of an
address, URLs and case-folding mail systems unchanged. A customer id that is a UUID (as ids made by
the store are) takes 16 bytes; the token is then 45 characters.

Layout before base32: version byte (1: UUID id, 2: text id), channel kind byte (an index into
:data:`TOKEN_KINDS`), the id, then the first :data:`MAC_BYTES` of HMAC-SHA256 over everything
before it.

The key is 32 random bytes kept in the workspace's ``meta`` table (``unsubscribe_key``), not in the
OS keyring. It is not a credential to any outside system: forging a token could only unsubscribe
someone. Keeping it with the workspace means tokens in mails sent months ago still verify after the
workspace moved to another computer, and on a PostgreSQL workspace every team member's app reads
the same key; a per-machine keyring entry would break both.
"""

from __future__ import annotations

import base64
import hmac
import re
import secrets
import uuid
import weakref
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.store.workspace import Workspace

#: The ``meta`` key holding the workspace's unsubscribe key (hex).
META_KEY = "unsubscribe_key"
#: Channel kinds a token can name, in the order of their code byte (append only).
TOKEN_KINDS = ("email", "sms", "webhook", "chat")
#: Bytes of HMAC-SHA256 kept in a token (80 bits).
MAC_BYTES = 10
_UUID_ID = 1
_TEXT_ID = 2
#: Longest customer id a token carries (ids are at most 64 characters in the store).
MAX_ID_BYTES = 64

_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

_keys: weakref.WeakKeyDictionary[Workspace, bytes] = weakref.WeakKeyDictionary()


def workspace_key(ws: Workspace) -> bytes:
    """The workspace's unsubscribe key, made (and stored) the first time it is needed."""
    key = _keys.get(ws)
    if key is not None:
        return key
    stored = ws.get_meta(META_KEY)
    if stored is None:
        with ws._write_lock:  # one writer in this process: read again, then make it once
            stored = ws.get_meta(META_KEY)
            if stored is None:
                stored = secrets.token_hex(32)
                ws.set_meta(META_KEY, stored)
    key = bytes.fromhex(stored)
    _keys[ws] = key
    return key


def _mac(key: bytes, payload: bytes) -> bytes:
    return hmac.digest(key, payload, "sha256")[:MAC_BYTES]


_B32 = "abcdefghijklmnopqrstuvwxyz234567"
#: Two base32 letters for every 10 bits: a token is a few lookups, not a byte-by-byte loop.
_B32_PAIRS = tuple(a + b for a in _B32 for b in _B32)


def _b32(raw: bytes) -> str:
    """``base64.b32encode(raw)`` in lower case without its ``=`` padding (sends make a token each,
    and the standard library's encoder is written in Python)."""
    whole = raw + bytes(-len(raw) % 5)
    number = int.from_bytes(whole, "big")
    text = "".join([_B32_PAIRS[(number >> shift) & 1023] for shift in range(len(whole) * 8 - 10, -1, -10)])
    return text[:(len(raw) * 8 + 4) // 5]


def _encode_id(customer_id: str) -> tuple[int, bytes]:
    # A UUID exactly as the store writes it (lower case, dashed) travels as its 16 bytes; anything
    # else as text, so that reading the token back gives the very same id.
    if len(customer_id) == 36 and _CANONICAL_UUID.fullmatch(customer_id):
        return _UUID_ID, bytes.fromhex(customer_id.replace("-", ""))
    raw = customer_id.encode("utf-8")
    if not raw or len(raw) > MAX_ID_BYTES:
        raise ValueError(f"a customer id for an unsubscribe token must be 1 to {MAX_ID_BYTES} bytes long")
    return _TEXT_ID, raw


def make_token(ws: Workspace, customer_id: str, channel_kind: str) -> str:
    """The token that unsubscribes ``customer_id`` from ``channel_kind`` messages of this workspace."""
    if channel_kind not in TOKEN_KINDS:
        raise ValueError(f"unsubscribe tokens are for {', '.join(TOKEN_KINDS)} messages, not '{channel_kind}'")
    version, id_bytes = _encode_id(customer_id)
    payload = bytes([version, TOKEN_KINDS.index(channel_kind)]) + id_bytes
    raw = payload + _mac(workspace_key(ws), payload)
    return _b32(raw)


def read_token(ws: Workspace, token: str) -> tuple[str, str] | None:
    """``(customer id, channel kind)`` of a token made by :func:`make_token` for this workspace;
    ``None`` for anything else (mangled, forged, from another workspace)."""
    text = token.strip().upper() if isinstance(token, str) else ""
    if not text or len(text) > 200 or not text.isascii() or not text.isalnum():
        return None
    try:
        raw = base64.b32decode(text + "=" * (-len(text) % 8))
    except ValueError:  # binascii.Error is one
        return None
    if len(raw) < 2 + 1 + MAC_BYTES:
        return None
    payload, mac = raw[:-MAC_BYTES], raw[-MAC_BYTES:]
    if not hmac.compare_digest(mac, _mac(workspace_key(ws), payload)):
        return None
    version, kind_code, id_bytes = payload[0], payload[1], payload[2:]
    if kind_code >= len(TOKEN_KINDS):
        return None
    if version == _UUID_ID and len(id_bytes) == 16:
        customer_id = str(uuid.UUID(bytes=id_bytes))
    elif version == _TEXT_ID:
        try:
            customer_id = id_bytes.decode("utf-8")
        except UnicodeDecodeError:
            return None
    else:
        return None
    return customer_id, TOKEN_KINDS[kind_code]


__all__ = ["META_KEY", "TOKEN_KINDS", "make_token", "read_token", "workspace_key"]
