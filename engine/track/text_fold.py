"""Accent- and case-blind text for customer search: one table, applied alike in Python and in SQL.

Marketers type ``zurich`` for ``Zürich`` and ``lopez`` for ``López``. :func:`search_fold` maps the
letters A–Z and the common accented Latin letters (upper and lower case) to their plain lower-case
letter, one character to one character (:data:`FOLD_FROM` → :data:`FOLD_TO`), and drops the
combining accents those letters are made of when written decomposed (:data:`COMBINING`: ``u``
followed by ``¨``, as some Mac exports write ``ü``), so that such text folds as the composed letter
does. Every other character is left as it is (``ß``, ``æ``, Greek, Chinese...).

:func:`search_fold_sql` is the same folding in SQL: ``lower(… COLLATE "C")`` (A–Z only) and
``translate()`` on PostgreSQL, and on SQLite the function :data:`SQLITE_FUNCTION`, which
:func:`register_sqlite` adds to every connection of a workspace (:mod:`engine.store.workspace` does
it when a connection opens, read-only ones included). Both take the user's text only as a bound
parameter.

This is for profile search only: segment rules keep folding A–Z alone
(:func:`engine.track.segments.fold`), so that saved segments keep the customers they had.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from typing import Any

from sqlalchemy import String, case, func, literal
from sqlalchemy.sql.elements import ColumnElement

#: ``(plain letter, the letters that fold to it)``, lower case, the letters most written in each
#: group first; the upper-case forms are added.
_GROUPS = (
    ("e", "éèêëēėęě"),
    ("a", "àáâäãåāăą"),
    ("u", "üúùûūůűų"),
    ("o", "öóòôõøōő"),
    ("i", "íìîïīį"),
    ("c", "çćč"),
    ("n", "ñńň"),
    ("s", "śšşș"),  # ș: Romanian s with a comma below (ş has a cedilla)
    ("z", "źżž"),
    ("l", "ł"),
    ("y", "ýÿ"),
    ("d", "đď"),
    ("r", "ř"),
    ("t", "ťţț"),  # ț: Romanian t with a comma below
    ("g", "ğ"),
)

_LOWER_FROM = "".join(letters for _plain, letters in _GROUPS)
_LOWER_TO = "".join(plain * len(letters) for plain, letters in _GROUPS)
_ASCII_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ASCII_LOWER = _ASCII_UPPER.lower()
#: The accented letters, lower case first (``İ``: the Turkish capital I with a dot, as in İstanbul).
_ACCENTED_FROM = _LOWER_FROM + _LOWER_FROM.upper() + "İ"
_ACCENTED_TO = _LOWER_TO + _LOWER_TO + "i"

#: Characters folded one to one: ``FOLD_FROM[i]`` becomes ``FOLD_TO[i]``.
FOLD_FROM = _ACCENTED_FROM + _ASCII_UPPER
FOLD_TO = _ACCENTED_TO + _ASCII_LOWER
#: The combining accents the letters of the table are made of when written decomposed (grave,
#: acute, circumflex, tilde, macron, breve, dot above, diaeresis, ring, double acute, caron, comma
#: below, cedilla, ogonek), dropped.
COMBINING = "".join(sorted({mark for ch in FOLD_FROM for mark in unicodedata.normalize("NFD", ch)
                            if unicodedata.combining(mark)}))

_TABLE: dict[int, int | None] = {ord(a): ord(b) for a, b in zip(FOLD_FROM, FOLD_TO, strict=True)}
_TABLE.update(dict.fromkeys(map(ord, COMBINING)))

#: The SQLite function :func:`register_sqlite` adds.
SQLITE_FUNCTION = "js_search_fold"


def search_fold(text: str) -> str:
    """``text`` folded for search: the mapping the module notes give (a typed query is first
    composed, so that ``ü`` typed as ``u`` and ``¨`` reads as ``ü``)."""
    return unicodedata.normalize("NFC", text).translate(_TABLE)


# -- SQLite ------------------------------------------------------------------------------------

_NOT_ASCII = re.compile("[" + _ACCENTED_FROM + COMBINING + "]")
_NOT_ASCII_TO = {chr(k): "" if v is None else chr(v) for k, v in _TABLE.items() if k > 127}
#: A–Z to a–z on UTF-8 bytes (the bytes of other characters are all above 127).
_AZ_BYTES = bytes.maketrans(_ASCII_UPPER.encode(), _ASCII_LOWER.encode())


def _fold_value(value: Any) -> Any:
    """The SQLite function: text folded as ``value.translate(_TABLE)`` folds it (stored text as it
    is, without composing it first: accents it holds decomposed are dropped), anything else (NULL,
    numbers, blobs) unchanged. Written for speed, since SQLite calls it on every value searched:
    ``str.translate`` with a table beyond ASCII costs a dictionary look-up a character."""
    if not isinstance(value, str):
        return value
    if not value.isascii():
        value = _NOT_ASCII.sub(lambda found: _NOT_ASCII_TO[found.group()], value)
        if not value.isascii():
            return value.encode("utf-8", "surrogatepass").translate(_AZ_BYTES).decode("utf-8", "surrogatepass")
    return value.lower()  # on ASCII text, only A–Z change


def register_sqlite(conn: sqlite3.Connection) -> None:
    """Add :data:`SQLITE_FUNCTION` to a SQLite connection."""
    conn.create_function(SQLITE_FUNCTION, 1, _fold_value, deterministic=True)


# -- PostgreSQL --------------------------------------------------------------------------------

#: Characters that map to themselves, most frequent first, put before the accented letters in
#: translate()'s table: translate() looks each character up in its table from the start, and one
#: not there at all costs a look at every entry.
_PG_AS_IS = " eaoinsrtlhdcumpgfbywvkxjqz0123456789.@-_',"
_PG_FROM = _PG_AS_IS + _ACCENTED_FROM + COMBINING  # translate() deletes what has no counterpart
_PG_TO = _PG_AS_IS + _ACCENTED_TO


def search_fold_sql(expr: Any, dialect: str) -> ColumnElement[str]:
    """SQL for the folding of ``expr`` (an SQL expression, or text to bind) on a dialect (``sqlite``
    or ``postgresql``)."""
    if isinstance(expr, str):
        expr = literal(expr, String)
    if dialect == "postgresql":
        # lower() in the C collation changes A–Z only (whatever the database's locale); text
        # that is all ASCII (as many bytes as characters) needs nothing more.
        lowered = func.lower(expr.collate("C"), type_=String)
        return case((func.octet_length(expr) == func.char_length(expr), lowered),
                    else_=func.translate(lowered, _PG_FROM, _PG_TO, type_=String))
    return getattr(func, SQLITE_FUNCTION)(expr, type_=String)
