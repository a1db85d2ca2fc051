"""The runner's batches on SQLite: rows made on the runner's thread, written in a few statements.

A :class:`~engine.store.runs.Batch` holds live objects (the runs the runner goes on moving).
:func:`batch_rows` turns it into :class:`BatchRows`, plain values exactly as SQLAlchemy would store
them (JSON columns as JSON text, moments as ``YYYY-MM-DD HH:MM:SS.ffffff`` UTC), so that another
thread can write them while the runner works on the next batch. :func:`write_rows` writes them in
one transaction the caller opened.

Each table's rows travel as **one JSON array** unpacked by SQLite's ``json_each``: one statement
per table, so the writing thread takes the GIL a handful of times per batch instead of once per
row. (Python's ``sqlite3`` gives the GIL up at each step of a statement; getting it back waits
up to the interpreter's switch interval while the runner's thread runs Python, which turned a
row-by-row ``executemany`` on a second thread into a slowdown.) Where the SQLite library lacks
JSON functions or ``UPDATE … FROM`` (before 3.33), the rows go through ``executemany`` instead.
"""

from __future__ import annotations

import operator
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from engine import fastjson
from engine.store.models import RunRow

if TYPE_CHECKING:
    from engine.store.runs import Batch, RunState

#: Columns of ``runs``; :class:`~engine.store.runs.RunState` has a field of each name.
RUN_FIELDS = tuple(column.name for column in RunRow.__table__.columns)
STEP_FIELDS = ("run_id", "node_id", "port", "at", "mode", "note")
DELIVERY_FIELDS = ("id", "idempotency_key", "run_id", "customer_id", "mode", "node_id", "channel", "channel_kind",
                   "status", "reason", "attempts", "frequency_cap_exempt", "created_at", "updated_at",
                   "message_id", "provider_code", "next_attempt_at")
DELIVERY_UPDATE_FIELDS = ("b_key", "status", "reason", "attempts", "message_id", "provider_code",
                          "next_attempt_at", "updated_at")
_JSON_RUN_FIELDS = frozenset({"wait_filters", "vars", "visits", "goals", "event"})
_TIME_RUN_FIELDS = frozenset({"wake_at", "started_at", "updated_at"})
_NODE_COUNTS = ("entered", "active", "exited", "converted")


def _json_each_works() -> bool:
    if sqlite3.sqlite_version_info < (3, 33, 0):  # UPDATE ... FROM
        return False
    probe = sqlite3.connect(":memory:")
    try:
        return probe.execute("SELECT json_extract(value, '$[0]') FROM json_each('[[7]]')").fetchone() == (7,)
    except sqlite3.Error:
        return False
    finally:
        probe.close()


#: One statement per table (``json_each``); otherwise ``executemany``.
JSON_ROWS = _json_each_works()


def sqlite_time(value: datetime | None) -> str | None:
    """A moment as SQLAlchemy's SQLite ``DateTime`` stores it (UTC, no zone, microseconds)."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


@dataclass
class BatchRows:
    """A batch as stored values, ready for :func:`write_rows` on any thread.

    With ``json_each`` each table's rows are already one JSON array text (made on the runner's
    thread in one call each, so nothing here refers to the runner's objects any more); otherwise
    they are lists of value tuples for ``executemany``."""

    run_inserts: str | list = field(default_factory=list)
    #: Run rows without ``customer_id`` (never written back: a profile merge may have moved the
    #: run meanwhile); the id comes first.
    run_updates: str | list = field(default_factory=list)
    steps: str | list = field(default_factory=list)
    nodes: str | list = field(default_factory=list)
    edges: str | list = field(default_factory=list)
    profiles: str | list = field(default_factory=list)
    deliveries: str | list = field(default_factory=list)
    delivery_updates: str | list = field(default_factory=list)
    #: Ids of the runs written, and of their customers.
    run_ids: frozenset[str] = frozenset()
    customer_ids: frozenset[str] = frozenset()
    #: Ids of the runs that were there before this batch (checked for erasure before writing).
    known_runs: list[str] = field(default_factory=list)


_run_values = operator.attrgetter(*RUN_FIELDS)
_RUN_JSON_AT = tuple(i for i, name in enumerate(RUN_FIELDS) if name in _JSON_RUN_FIELDS)
_RUN_TIME_AT = tuple(i for i, name in enumerate(RUN_FIELDS) if name in _TIME_RUN_FIELDS)
_RUN_CONVERTED_AT = RUN_FIELDS.index("converted")
_RUN_CUSTOMER_AT = RUN_FIELDS.index("customer_id")


def _stamp(value: datetime | None, times: dict[datetime, str | None]) -> str | None:
    if value is None:
        return None
    stamp = times.get(value)
    if stamp is None:
        stamp = times[value] = sqlite_time(value)
    return stamp


def _run_row(state: RunState, times: dict[datetime, str | None]) -> list[Any]:
    row = list(_run_values(state))
    # With json_each the JSON columns stay objects: the row array is encoded once, and SQLite's
    # json_extract gives each back as its JSON text.
    if not JSON_ROWS:
        for i in _RUN_JSON_AT:
            value = row[i]
            row[i] = fastjson.dumps(value) if value else ("[]" if isinstance(value, list) else "{}")
    for i in _RUN_TIME_AT:
        row[i] = _stamp(row[i], times)
    row[_RUN_CONVERTED_AT] = int(row[_RUN_CONVERTED_AT])
    return row


def _value(value: Any, times: dict[datetime, str | None]) -> Any:
    if isinstance(value, datetime):
        return _stamp(value, times)
    if value is True or value is False:
        return int(value)
    return value


def batch_rows(batch: Batch) -> BatchRows:
    """``batch`` as stored values: a snapshot, unaffected by what the runner does next."""
    rows = BatchRows()
    times: dict[datetime, str | None] = {}
    inserts, updates = [], []
    for run_id, state in batch.runs.items():
        row = _run_row(state, times)
        if run_id in batch.new:
            inserts.append(row)
        else:
            del row[_RUN_CUSTOMER_AT]
            updates.append(row)
    for at in {step[3] for step in batch.steps}:
        _stamp(at, times)
    steps = [(run_id, node_id, port, times[at], mode, note) for run_id, node_id, port, at, mode, note in batch.steps]
    nodes = [(*key, *counts) for key, counts in batch.nodes.items()]
    edges = [(*key, count) for key, count in batch.edges.items()]
    if JSON_ROWS:
        profiles = [(cid, attrs, tags, _stamp(when, times)) for cid, (attrs, tags, when) in batch.profiles.items()]
    else:
        profiles = [(cid, fastjson.dumps(attrs), fastjson.dumps(tags), _stamp(when, times))
                    for cid, (attrs, tags, when) in batch.profiles.items()]
    deliveries = [(d["id"], d["idempotency_key"], d["run_id"], d["customer_id"], d["mode"], d["node_id"], d["channel"],
                   d["channel_kind"], d["status"], d["reason"], d["attempts"], int(d["frequency_cap_exempt"]),
                   _stamp(d["created_at"], times), _stamp(d["updated_at"], times), d["message_id"],
                   d["provider_code"], _stamp(d["next_attempt_at"], times)) for d in batch.new_deliveries]
    delivery_updates = [tuple([_value(row[name], times) for name in DELIVERY_UPDATE_FIELDS])
                        for row in batch.delivery_updates]
    pack = _array if JSON_ROWS else list
    rows.run_inserts, rows.run_updates, rows.steps = pack(inserts), pack(updates), pack(steps)
    rows.nodes, rows.edges, rows.profiles = pack(nodes), pack(edges), pack(profiles)
    rows.deliveries, rows.delivery_updates = pack(deliveries), pack(delivery_updates)
    rows.run_ids = frozenset(batch.runs)
    rows.customer_ids = frozenset(state.customer_id for state in batch.runs.values()) | frozenset(batch.profiles)
    rows.known_runs = [row[0] for row in updates]
    return rows


def write_rows(raw: sqlite3.Connection, rows: BatchRows) -> None:
    """Write ``rows`` on ``raw`` (a driver connection inside the caller's transaction), leaving out
    runs deleted since they were read (their customer was erased meanwhile): their step lines and
    outbox rows would point at nothing. Counter changes stay, as the erasure left the counters."""
    if rows.known_runs:
        gone = set(rows.known_runs) - set(_present_runs(raw, rows.known_runs))
        if gone:
            rows.run_updates = _without(rows.run_updates, 0, gone)
            rows.steps = _without(rows.steps, 0, gone)
            rows.deliveries = _without(rows.deliveries, 2, gone)
    run_columns = ", ".join(RUN_FIELDS)
    _insert(raw, f"INSERT INTO runs ({run_columns})", len(RUN_FIELDS), rows.run_inserts)
    updated = [name for name in RUN_FIELDS if name not in ("id", "customer_id")]
    _update(raw, "runs", "id", updated, rows.run_updates)
    _insert(raw, f"INSERT INTO steps ({', '.join(STEP_FIELDS)})", len(STEP_FIELDS), rows.steps)
    _upsert_counters(raw, "node_counters", "node_id", _NODE_COUNTS, rows.nodes)
    _upsert_counters(raw, "edge_counters", "edge_id", ("count",), rows.edges)
    _update(raw, "customers", "id", ["attributes", "tags", "updated_at"], rows.profiles)
    _insert(raw, f"INSERT INTO deliveries ({', '.join(DELIVERY_FIELDS)})", len(DELIVERY_FIELDS), rows.deliveries)
    _update(raw, "deliveries", "idempotency_key", list(DELIVERY_UPDATE_FIELDS[1:]), rows.delivery_updates)


def _without(rows: str | list, at: int, gone: set[str]) -> str | list:
    """``rows`` less those whose value at ``at`` is in ``gone``."""
    if isinstance(rows, str):
        return _array([row for row in fastjson.loads(rows) if row[at] not in gone])
    return [row for row in rows if row[at] not in gone]


def _picks(count: int) -> str:
    return ", ".join(f"json_extract(value, '$[{i}]')" for i in range(count))


def _array(rows: Iterable[Sequence[Any]]) -> str:
    return fastjson.dumps(list(rows))


def _insert(raw: sqlite3.Connection, head: str, width: int, rows: str | list) -> None:
    if not rows or rows == "[]":
        return
    if isinstance(rows, str):
        # json_each yields the array in order, so step lines keep the order they were taken in.
        raw.execute(f"{head} SELECT {_picks(width)} FROM json_each(?)", (rows,))
    else:
        raw.executemany(f"{head} VALUES ({', '.join('?' * width)})", rows)


def _update(raw: sqlite3.Connection, table: str, key: str, columns: list[str], rows: str | list) -> None:
    """``rows`` are ``(key, *columns)``."""
    if not rows or rows == "[]":
        return
    if isinstance(rows, str):
        sets = ", ".join(f"{name} = json_extract(u.value, '$[{i + 1}]')" for i, name in enumerate(columns))
        raw.execute(f"UPDATE {table} SET {sets} FROM json_each(?) AS u "
                    f"WHERE {table}.{key} = json_extract(u.value, '$[0]')", (rows,))
    else:
        raw.executemany(f"UPDATE {table} SET {', '.join(f'{n} = ?' for n in columns)} WHERE {key} = ?",
                        [(*row[1:], row[0]) for row in rows])


def _upsert_counters(raw: sqlite3.Connection, table: str, key: str, counts: tuple[str, ...],
                     rows: str | list) -> None:
    """Counters add up in the database, so a batch never reads them first."""
    if not rows or rows == "[]":
        return
    names = ("journey_id", "version_number", "mode", key, *counts)
    conflict = (f"ON CONFLICT (journey_id, version_number, mode, {key}) DO UPDATE SET "
                + ", ".join(f"{c} = {c} + excluded.{c}" for c in counts))
    if isinstance(rows, str):
        # "WHERE true" tells the parser that ON CONFLICT belongs to the INSERT, not to a join.
        raw.execute(f"INSERT INTO {table} ({', '.join(names)}) SELECT {_picks(len(names))} "
                    f"FROM json_each(?) WHERE true {conflict}", (rows,))
    else:
        raw.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "
                        f"{conflict}", rows)


def _present_runs(raw: sqlite3.Connection, ids: list[str]) -> list[str]:
    if JSON_ROWS:
        (found,) = raw.execute("SELECT json_group_array(id) FROM runs WHERE id IN (SELECT value FROM json_each(?))",
                               (fastjson.dumps(ids),)).fetchone()
        return fastjson.loads(found) if found else []
    present: list[str] = []
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        present += [r[0] for r in raw.execute(f"SELECT id FROM runs WHERE id IN ({', '.join('?' * len(chunk))})",
                                              chunk)]
    return present
