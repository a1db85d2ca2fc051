"""How identifier values are kept, so that every way in (the collector, CSV files, the API, the
command line) names a customer the same way. Standard library only: the CSV import's reading
process uses it too."""

from __future__ import annotations

import re

_PHONE_SEPARATORS = re.compile(r"[\s\-().]")


def canonical_identifier(kind: str, value: str) -> str:
    """An identifier's value as the workspace keeps it: without surrounding blanks; an e-mail
    address lower-cased (``Ana@Example.com`` and ``ana@example.com`` are one address); a phone
    number without spaces, dashes, dots or brackets, ``00`` at the start written ``+``
    (``+33 6 12 34 56 78``, ``0033 6 12 34 56 78`` and ``+33612345678`` are one number). Other kinds
    are kept as sent."""
    value = value.strip()
    if kind == "email":
        return value.lower()
    if kind == "phone":
        value = _PHONE_SEPARATORS.sub("", value)
        if value.startswith("00"):
            value = "+" + value[2:]
    return value
