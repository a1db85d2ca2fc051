"""Many rows in one SQLite statement: the collector's hot path on SQLite.

Python's ``sqlite3`` releases the GIL around every step of a statement: each row ``executemany``
inserts and each row a query returns. The collector's writer thread shares the interpreter with
the thread that reads requests; whenever that thread is busy, getting the GIL back after a step
takes up to the interpreter's switch interval. Measured with one busy thread and a 1 ms interval,
inserting event rows with ``executemany`` fell from 61,000 to 850 rows/s. So here rows travel in
a few **multi-row** ``INSERT ... VALUES (...), (...)`` statements (one step each, the GIL released
once per statement), and lookups return one aggregated JSON row.

Inserts are ``INSERT OR IGNORE``, checked: a plain multi-row ``INSERT`` makes SQLite keep a
statement journal (the first copy of every page the statement changes, so that a row breaking a
constraint can undo the rows before it: a temporary file once it passes 64 KB), which measured
costs more than inserting the rows themselves. ``OR IGNORE`` needs none, and the count of rows
inserted tells whether a row was skipped; if one was, :func:`insert_rows` raises
:class:`sqlite3.IntegrityError` and the caller's transaction is rolled back, as the constraint
would have done. A batch of rows goes in at most three statements of a few fixed sizes
(:data:`INSERT_CHUNK` rows, a multiple of :data:`INSERT_STEP` rows, fewer than
:data:`INSERT_STEP` rows), so that each text recurs and stays prepared in the connection's
statement cache (preparing a statement costs twice what running it does) while the writer
gives up the GIL only a few times per batch.

The rows are written exactly as SQLAlchemy would write them (JSON columns as JSON text, times as
``YYYY-MM-DD HH:MM:SS.ffffff`` UTC, see :func:`sqlite_time`). SQLite has JSON built in from 3.38;
an older library falls back to chunked ``IN`` lists for lookups.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from itertools import chain
from typing import Any

#: SQLite with JSON built in (``json_each``, ``json_extract``, ``json_group_array``).
JSON_BUILT_IN = sqlite3.sqlite_version_info >= (3, 38, 0)
#: Values per ``IN (...)`` list on the fallback path.
CHUNK = 500
#: Rows in one multi-row ``INSERT`` at most (fewer when the library allows fewer bound values).
INSERT_CHUNK = 1024
#: What is left after whole chunks goes in a statement of a multiple of this many rows and one
#: of fewer: ``INSERT_CHUNK / INSERT_STEP + INSERT_STEP`` statement texts per table at most.
INSERT_STEP = 32


def sqlite_time(moment: datetime) -> str:
    """A UTC moment as SQLAlchemy stores it in SQLite (``2025-03-01 09:30:00.000000``); an aware
    moment must be in UTC (its offset is left out, as SQLAlchemy leaves it out)."""
    # The first 26 characters are the date and time; cheaper than replace(tzinfo=None) first.
    return moment.isoformat(" ", "microseconds")[:26]


def _array(rows: Iterable[Any]) -> str:
    # Not ASCII-escaped: SQLite copies UTF-8 through unchanged, whereas older versions join
    # escaped surrogate pairs badly.
    return json.dumps(list(rows), ensure_ascii=False, separators=(",", ":"))


def insert_rows(raw: sqlite3.Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                constants: Mapping[str, Any] | None = None) -> None:
    """Insert ``rows`` (values in ``columns`` order: text, numbers or ``None``) in their order;
    ``constants``: columns with the same value in every row (bound once per statement).
    Raises :class:`sqlite3.IntegrityError` if a row breaks a constraint (a key stored already, a
    missing value); the caller's transaction must then be rolled back."""
    if not rows:
        return
    width = len(columns)
    values = list(chain.from_iterable(rows))
    if len(values) != width * len(rows):
        raise ValueError(f"every row for {table} needs {width} values")
    shared = list(constants.values()) if constants else []
    names = (*columns, *(constants or ()))
    fits = (raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) - len(shared)) // width
    start, count, inserted = 0, len(rows), 0
    for size in statement_sizes(count, fits):
        inserted += raw.execute(_insert_sql(table, names, width, size),
                                shared + values[start * width:(start + size) * width]).rowcount
        start += size
    if inserted != count:
        raise sqlite3.IntegrityError(f"{count - inserted} of {count} rows for {table} broke a constraint "
                                     "(a key stored already or a missing value)")


def statement_sizes(count: int, fits: int) -> list[int]:
    """How many rows each statement inserting ``count`` rows takes, when at most ``fits`` rows'
    values can be bound to one statement."""
    most = max(1, min(INSERT_CHUNK, fits))
    step = min(INSERT_STEP, most)
    sizes = [most] * (count // most)
    left = count % most
    if left >= step:
        sizes.append(left - left % step)
    if left % step:
        sizes.append(left % step)
    return sizes


@lru_cache(maxsize=256)
def _insert_sql(table: str, columns: tuple[str, ...], width: int, rows: int) -> str:
    """``rows`` rows of ``width`` values each; the columns after the first ``width`` take the same
    values in every row, bound first (``?1``, ``?2``...)."""
    shared = len(columns) - width
    if not shared:
        row = "(" + ", ".join("?" * width) + ")"
        values = ", ".join([row] * rows)
    else:
        tail = "".join(f", ?{i + 1}" for i in range(shared))
        values = ", ".join("(" + ", ".join(f"?{shared + r * width + i + 1}" for i in range(width)) + tail + ")"
                           for r in range(rows))
    return f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) VALUES {values}"


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
