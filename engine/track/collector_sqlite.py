"""Many rows in one SQLite statement: the collector's hot path on SQLite.

Python's ``sqlite3`` releases the GIL around every step of a statement: each row ``executemany``
inserts and each row a query returns. The collector's writer thread shares the interpreter with
the thread that reads requests; whenever that thread is busy, getting the GIL back after a step
takes up to the interpreter's switch interval. Measured with one busy thread and a 1 ms interval,
inserting event rows with ``executemany`` fell from 61,000 to 850 rows/s. So here a batch of rows
travels as **one JSON array parameter** and SQLite unpacks it with ``json_each`` inside a single
statement (one step, the GIL released once), and lookups return one aggregated JSON row.

The rows are written exactly as SQLAlchemy would write them (JSON columns as JSON text, times as
``YYYY-MM-DD HH:MM:SS.ffffff`` UTC, see :func:`sqlite_time`). SQLite has JSON built in from 3.38;
an older library falls back to ``executemany`` and chunked ``IN`` lists.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

#: SQLite with JSON built in (``json_each``, ``json_extract``, ``json_group_array``).
JSON_BUILT_IN = sqlite3.sqlite_version_info >= (3, 38, 0)
#: Values per ``IN (...)`` list on the fallback path.
CHUNK = 500


def sqlite_time(moment: datetime) -> str:
    """A UTC moment as SQLAlchemy stores it in SQLite (``2025-03-01 09:30:00.000000``)."""
    return moment.replace(tzinfo=None).isoformat(" ", "microseconds")


def _array(rows: Iterable[Any]) -> str:
    # Not ASCII-escaped: SQLite copies UTF-8 through unchanged, whereas older versions join
    # escaped surrogate pairs badly.
    return json.dumps(list(rows), ensure_ascii=False, separators=(",", ":"))


def insert_rows(raw: sqlite3.Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert ``rows`` (values in ``columns`` order: text, numbers or ``None``) in their order."""
    if not rows:
        return
    names = ", ".join(columns)
    if JSON_BUILT_IN:
        picks = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(len(columns)))
        raw.execute(f"INSERT INTO {table} ({names}) SELECT {picks} FROM json_each(?) ORDER BY key",
                    (_array(rows),))
    else:
        raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})", rows)


def select_in(raw: sqlite3.Connection, columns: Sequence[str], table: str, key: str, values: Sequence[str],
              where: str = "", params: Sequence[Any] = ()) -> list[list[Any]]:
    """``SELECT columns FROM table WHERE [where AND] key IN values``, as lists of values."""
    if not values:
        return []
    condition = f"{where} AND " if where else ""
    if JSON_BUILT_IN:
        picked = f"json_array({', '.join(columns)})"
        (found,) = raw.execute(
            f"SELECT json_group_array({picked}) FROM {table} WHERE {condition}{key} IN "
            "(SELECT value FROM json_each(?))", (*params, _array(values))).fetchone()
        return json.loads(found) if found else []
    rows: list[list[Any]] = []
    for start in range(0, len(values), CHUNK):
        chunk = list(values[start:start + CHUNK])
        rows += [list(r) for r in raw.execute(
            f"SELECT {', '.join(columns)} FROM {table} WHERE {condition}{key} IN ({', '.join('?' * len(chunk))})",
            (*params, *chunk))]
    return rows


def update_in(raw: sqlite3.Connection, assignments: str, params: Sequence[Any], table: str, key: str,
              values: Sequence[str]) -> None:
    """``UPDATE table SET assignments WHERE key IN values``."""
    if not values:
        return
    if JSON_BUILT_IN:
        raw.execute(f"UPDATE {table} SET {assignments} WHERE {key} IN (SELECT value FROM json_each(?))",
                    (*params, _array(values)))
        return
    for start in range(0, len(values), CHUNK):
        chunk = list(values[start:start + CHUNK])
        raw.execute(f"UPDATE {table} SET {assignments} WHERE {key} IN ({', '.join('?' * len(chunk))})",
                    (*params, *chunk))
