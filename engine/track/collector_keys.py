"""Write keys of the collector: which senders may store events in this workspace.

A write key is what Segment calls it: a random string a website or app sends with each request
(HTTP Basic user name, ``writeKey`` in the body, ``?token=`` for Sensors Analytics SDKs). Keys are
kept in the workspace's ``meta`` table, but only as a SHA-256 digest with a short hint of the
key's start: the key itself is shown once, when it is made, and never stored or logged. Losing it
means making a new one (and removing the old one).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from engine.errors import JourneyStudioError, NotFound, WorkspaceError
from engine.store.models import utcnow

if TYPE_CHECKING:
    from engine.store.workspace import Workspace

META_KEY = "collector.write_keys"
KEY_PREFIX = "wk_"
HINT_LENGTH = 7
MAX_NAME_LENGTH = 100
#: Lengths a write key given by the user may have (a made one is 35 characters).
MIN_KEY_LENGTH = 8
MAX_KEY_LENGTH = 200


class CollectorError(JourneyStudioError):
    """The collector cannot start (the address is taken, the host is unknown) or a write key is
    unusable (no name, too short, stored already). ``in_use``: it could not listen because another
    program holds the port, which each front end advises about in its own words."""

    in_use: bool = False


@dataclass(frozen=True)
class WriteKeyInfo:
    """A stored key, without the key: its name, the first characters, when it was made."""

    name: str
    hint: str
    created_at: str
    digest: str


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def new_key() -> str:
    """A fresh random write key (``wk_`` and 32 URL-safe characters)."""
    return KEY_PREFIX + secrets.token_urlsafe(24)


def list_keys(ws: Workspace) -> list[WriteKeyInfo]:
    raw = ws.get_meta(META_KEY)
    if not raw:
        return []
    try:
        entries = json.loads(raw)
        return [WriteKeyInfo(e["name"], e["hint"], e["created_at"], e["digest"]) for e in entries]
    except (ValueError, KeyError, TypeError):
        raise WorkspaceError(f"the collector's write keys in the workspace setting '{META_KEY}' are "
                             "damaged; remove that setting and make new keys", where=ws.location) from None


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a write key, or ``None`` if it can."""
    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        return f"a write key needs a name of 1 to {MAX_NAME_LENGTH} characters"
    return None


def key_problem(key: str) -> str | None:
    """Why ``key`` cannot be stored as a write key, or ``None`` if it can."""
    key = key.strip()
    if not MIN_KEY_LENGTH <= len(key) <= MAX_KEY_LENGTH or any(c.isspace() for c in key):
        return f"a write key must be {MIN_KEY_LENGTH} to {MAX_KEY_LENGTH} characters without spaces"
    return None


def add_key(ws: Workspace, name: str, key: str | None = None) -> str:
    """Store a key under ``name`` (a fresh one unless ``key`` is given); returns the key."""
    problem = name_problem(name)
    if problem:
        raise CollectorError(problem, where=ws.location)
    name = name.strip()
    key = new_key() if key is None else key.strip()
    problem = key_problem(key)
    if problem:
        raise CollectorError(problem, where=ws.location)
    entries = list_keys(ws)
    if any(e.name == name for e in entries):
        raise CollectorError(f"there is already a write key named '{name}'", where=ws.location)
    if any(e.digest == digest(key) for e in entries):
        raise CollectorError("that write key is stored already (under another name)", where=ws.location)
    entries.append(WriteKeyInfo(name, key[:HINT_LENGTH] + "…", utcnow().isoformat(timespec="seconds"),
                                digest(key)))
    _save(ws, entries)
    return key


def remove_key(ws: Workspace, name: str) -> None:
    entries = list_keys(ws)
    kept = [e for e in entries if e.name != name]
    if len(kept) == len(entries):
        known = ", ".join(f"'{e.name}'" for e in entries) or "none"
        raise NotFound(f"there is no write key named '{name}' (stored: {known})", where=ws.location)
    _save(ws, kept)


def ensure_key(ws: Workspace) -> str | None:
    """Make a key named ``default`` if none is stored; returns it, or ``None`` if one existed."""
    if list_keys(ws):
        return None
    return add_key(ws, "default")


def _save(ws: Workspace, entries: list[WriteKeyInfo]) -> None:
    ws.set_meta(META_KEY, json.dumps([{"name": e.name, "hint": e.hint, "created_at": e.created_at,
                                       "digest": e.digest} for e in entries]))
