"""JSON text for the hot paths (the runner's rows, the collector's events), through ``orjson``.

``orjson`` encodes and decodes several times faster than the standard library; what it cannot
encode the standard library can (integers beyond 64 bits, keys that are not strings), so
:func:`dumps` falls back to :mod:`json` for those and the stored text stays valid JSON either
way. Texts are compact (no spaces) and keep non-ASCII characters as they are; every reader of
the store parses them, none compares them as text.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

#: Parses ``str`` or ``bytes``; raises ``orjson.JSONDecodeError`` (a ``ValueError``) on bad input.
loads = orjson.loads


def dumps(value: Any) -> str:
    """``value`` as JSON text."""
    try:
        return orjson.dumps(value).decode("utf-8")
    except TypeError:  # orjson's JSONEncodeError: a huge integer, a key that is not a string
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
