"""The collector's fast paths checked against the plain ones they stand in for: multi-row inserts
(statement sizes, order, exact text, a refused row), JSON read with orjson against the standard
parser, JSON written with orjson, moments cut from JavaScript's ISO text, the writer's connection
without foreign-key checks, the identifiers it remembers between groups and the rows prepared
when a request is queued (both forgotten when another connection writes), dedup without looking
keys up first (and the transaction written again when a key was stored), and the interpreter
settings put back when the collector stops."""

from __future__ import annotations

import base64
import gc
import http.client
import json
import math
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from engine.store import Workspace
from engine.store.models import CustomerRow, EventRow
from engine.track import collector_keys, collector_messages, collector_sqlite, collector_writer, profiles
from engine.track.collector import GC_THRESHOLD, SWITCH_INTERVAL, Collector
from engine.track.collector_messages import MessageInvalid, dump, iso_moment, iso_time, parse_json
from engine.track.collector_sqlite import insert_rows, sqlite_time, statement_sizes
from engine.track.collector_writer import GroupWriter, Job
from engine.track.identity import merge_customers
from engine.track.segment_protocol import parse

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                    derandomize=True)


# ----------------------------------------------------------------------------------------------
# Multi-row inserts
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fits", [250_000 // 4, 999 // 4, 10])
def test_statement_sizes_cover_every_row_with_few_statements_of_few_sizes(fits):
    sizes_seen: set[int] = set()
    for count in [*range(0, 140), 511, 1023, 1024, 1025, 1500, 2047, 3000, 4999]:
        sizes = statement_sizes(count, fits)
        assert sum(sizes) == count
        assert all(0 < size <= min(fits, collector_sqlite.INSERT_CHUNK) for size in sizes)
        most = min(fits, collector_sqlite.INSERT_CHUNK)
        assert len(sizes) <= count // most + 2
        sizes_seen.update(sizes)
    step = min(collector_sqlite.INSERT_STEP, fits)
    assert len(sizes_seen) <= collector_sqlite.INSERT_CHUNK // step + step


def _table() -> sqlite3.Connection:
    raw = sqlite3.connect(":memory:", isolation_level=None)
    raw.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL, b, c TEXT UNIQUE, d TEXT NOT NULL)")
    return raw


@pytest.mark.parametrize("count", [1, 31, 32, 33, 1024, 1025, 1500, 2100])
def test_insert_rows_keeps_order_and_values(count):
    raw = _table()
    rows = [(f"a{i} ü 🎉 'q' \"", [None, 1.5, 2 ** 40, "x"][i % 4], f"key-{i}") for i in range(count)]
    raw.execute("BEGIN")
    insert_rows(raw, "t", ("a", "b", "c"), rows, {"d": "same for all"})
    raw.execute("COMMIT")
    stored = raw.execute("SELECT a, b, c, d FROM t ORDER BY id").fetchall()
    assert stored == [(*row, "same for all") for row in rows]


def test_insert_rows_refuses_a_row_that_breaks_a_constraint():
    raw = _table()
    raw.execute("INSERT INTO t (a, c, d) VALUES ('first', 'taken', 'd')")
    raw.execute("BEGIN")
    with pytest.raises(sqlite3.IntegrityError, match="1 of 40 rows"):
        insert_rows(raw, "t", ("a", "c", "d"), [(f"a{i}", "taken" if i == 17 else f"k{i}", "d") for i in range(40)])
    raw.execute("ROLLBACK")
    with pytest.raises(sqlite3.IntegrityError):
        insert_rows(raw, "t", ("a", "c", "d"), [(None, "k", "d")])  # a missing value
    assert raw.execute("SELECT count(*) FROM t").fetchone() == (1,)


def test_insert_rows_stays_within_the_libraries_bound_values():
    raw = _table()
    raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 20)
    insert_rows(raw, "t", ("a", "c"), [(f"a{i}", f"k{i}") for i in range(45)], {"d": "x"})
    assert raw.execute("SELECT count(*), min(c), max(a) FROM t").fetchone() == (45, "k0", "a9")


# ----------------------------------------------------------------------------------------------
# JSON and moments
# ----------------------------------------------------------------------------------------------

def _same(a, b) -> bool:
    """Equal, with the same types all the way down (1 and 1.0 differ; NaN never comes from JSON)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isinf(a):
        return a == b
    return a == b


def _standard(raw: bytes):
    """What the collector read before orjson: the standard parser, strict."""
    def refuse(name):
        raise ValueError(name)
    try:
        return "ok", json.loads(raw, parse_constant=refuse)
    except RecursionError:
        return "too_deep", None
    except (ValueError, UnicodeDecodeError):
        return "malformed", None


def _ours(raw: bytes):
    try:
        return "ok", parse_json(raw, "the body")[0]
    except MessageInvalid as exc:
        return exc.code, None


json_leaves = (st.none() | st.booleans() | st.integers(min_value=-2 ** 80, max_value=2 ** 80)
               | st.floats(allow_nan=False) | st.text(max_size=12)
               | st.sampled_from(["\ud800", "x\udfff", "😀", "\u0000", "\u2028"]))
json_trees = st.recursive(json_leaves, lambda inner: st.lists(inner, max_size=4)
                          | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=25)


@PROPERTY
@given(value=json_trees, ascii_only=st.booleans(), spaced=st.booleans())
def test_json_is_read_as_the_standard_parser_reads_it(value, ascii_only, spaced):
    text = json.dumps(value, ensure_ascii=ascii_only, separators=(", ", ": ") if spaced else (",", ":"))
    raw = text.encode("utf-8", "surrogatepass")
    expected, ours = _standard(raw), _ours(raw)
    assert ours[0] == expected[0]
    assert _same(ours[1], expected[1])


@PROPERTY
@given(raw=st.binary(max_size=60) | st.sampled_from([
    b"[1e400]", b"-1e400", b"NaN", b"[Infinity]", b"\xef\xbb\xbf{}", b'"\xed\xa0\x80"', b"[1,]", b"{'a':1}",
    b"123456789012345678901234567890", b"-9223372036854775809", b"18446744073709551616", b" [1] ",
    "[\"\u00e9\"]".encode("utf-16"), b"[" * 30 + b"]" * 30, b"[" * 5000 + b"]" * 5000, b'{"a":1,"a":2}']))
def test_any_bytes_are_read_or_refused_as_the_standard_parser_does(raw):
    expected, ours = _standard(raw), _ours(raw)
    assert ours[0] == expected[0]
    assert _same(ours[1], expected[1])


@PROPERTY
@given(value=st.dictionaries(st.text(min_size=1, max_size=6), json_trees, max_size=5))
def test_written_json_reads_back_as_the_same_value(value):
    try:
        text = dump(value, "properties")
    except MessageInvalid as exc:
        infinite = "Infinity" in json.dumps(value)  # a body's 1e400 parses as one; refused, not stored as null
        assert exc.code == "too_large" or (infinite and "too large for JSON" in exc.message)
        return
    assert _same(json.loads(text), value)
    text.encode("utf-8")  # storable as UTF-8 text, unpaired surrogates included (escaped)


def test_written_json_is_limited_by_its_compact_utf8_size():
    limit = collector_messages.MAX_MESSAGE_BYTES
    assert dump({"x": "y" * (limit - 8)}, "properties")  # {"x":"…"} is 8 bytes besides the text
    with pytest.raises(MessageInvalid) as err:
        dump({"x": "y" * (limit - 7)}, "properties")
    assert (err.value.code, err.value.status) == ("too_large", 413)
    with pytest.raises(MessageInvalid):
        dump({"x": "é" * (limit // 2)}, "properties")  # two bytes each
    assert json.loads(dump({"big": 2 ** 70, "s": "\ud800"}, "properties")) == {"big": 2 ** 70, "s": "\ud800"}


@PROPERTY
@given(moment=st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)),
       style=st.sampled_from(["js", "micro", "offset", "naive", "space"]))
def test_moments_are_stored_as_the_general_way_stores_them(moment, style):
    if style == "js":
        value = moment.isoformat(timespec="milliseconds") + "Z"
    elif style == "micro":
        value = moment.isoformat(timespec="microseconds") + "+00:00"
    elif style == "offset":
        value = moment.isoformat(timespec="milliseconds") + "+02:00"
    elif style == "naive":
        value = moment.isoformat()
    else:
        value = moment.isoformat(" ", "milliseconds") + "Z"
    try:
        expected = iso_time(value, "timestamp")
    except MessageInvalid as exc:
        with pytest.raises(MessageInvalid) as err:
            iso_moment(value, "timestamp")
        assert err.value.message == exc.message
        return
    found, text = iso_moment(value, "timestamp")
    assert found == expected and found.tzinfo == expected.tzinfo
    assert text == sqlite_time(expected) == expected.replace(tzinfo=None).isoformat(" ", "microseconds")


@pytest.mark.parametrize("value", ["2025-13-01T00:00:00.000Z", "2025-02-30T00:00:00.000Z", "2025-W09-1T00:00:00.00Z",
                                   "2025-01-01T24:00:00.000Z", "２０２５-01-01T00:00:00.000Z", " 025-01-01T00:00:00.000Z"])
def test_odd_moments_of_the_javascript_length_are_refused_or_read_the_general_way(value):
    try:
        expected = iso_time(value, "timestamp")
    except MessageInvalid:
        with pytest.raises(MessageInvalid):
            iso_moment(value, "timestamp")
        return
    assert iso_moment(value, "timestamp") == (expected, sqlite_time(expected))


def test_dedup_keys_are_what_they_were_for_the_same_message():
    now = datetime(2025, 3, 2, tzinfo=UTC)
    body = json.dumps({"userId": "u", "event": "E", "messageId": "m-1", "timestamp": "2025-03-01T09:30:00.250Z"})
    (message,) = parse("track", body.encode(), now).messages
    assert message.dedup_key == "segment:2025-03-01 09:30:00.250000:m-1"
    assert message.occurred_text == "2025-03-01 09:30:00.250000"
    long_id = "m" * 300
    body = json.dumps({"userId": "u", "event": "E", "messageId": long_id, "timestamp": "2025-03-01T09:30:00Z"})
    (message,) = parse("track", body.encode(), now).messages
    assert message.dedup_key.startswith("segment:2025-03-01 09:30:00.000000:sha256:")


# ----------------------------------------------------------------------------------------------
# The writer
# ----------------------------------------------------------------------------------------------

def _post(port: int, key: str, path: str, body: dict) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    auth = "Basic " + base64.b64encode(f"{key}:".encode()).decode()
    conn.request("POST", path, body=json.dumps(body).encode(), headers={"Authorization": auth})
    response = conn.getresponse()
    answer = json.loads(response.read())
    conn.close()
    return response.status, answer


def _sensors(port: int, key: str, message: dict) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    data = base64.b64encode(json.dumps(message).encode()).decode()
    conn.request("POST", f"/sa?token={key}", body=urlencode({"data": data}).encode(),
                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def _foreign_key_problems(ws: Workspace) -> list:
    with ws.engine.connect() as conn:
        raw = conn.connection.driver_connection
        return raw.execute("PRAGMA foreign_key_check").fetchall()


def _events_per_customer(ws: Workspace) -> dict[str, int]:
    with ws.engine.connect() as conn:
        return dict(conn.execute(select(EventRow.customer_id, func.count()).group_by(EventRow.customer_id)).all())


def test_the_writer_checks_no_foreign_keys_and_leaves_none_broken(ws: Workspace):
    import segment.analytics as analytics
    import sensorsanalytics

    key = collector_keys.add_key(ws, "test")
    collector = Collector(ws, "127.0.0.1", 0)
    collector.start()
    try:
        writer = collector._writer
        assert writer is not None
        _post(collector.port, key, "/v1/track", {"userId": "first", "event": "E"})
        raw = writer._conn.connection.driver_connection
        assert raw.execute("PRAGMA foreign_keys").fetchone() == (0,)
        client = analytics.Client(write_key=key, host=collector.url, sync_mode=True)
        client.track(anonymous_id="visitor", event="Viewed")
        client.track("known", "Signed In Elsewhere")
        client.identify("known", {"name": "Ana"}, anonymous_id="visitor")  # a merge
        client.alias("visitor-2", "known")
        client.track(anonymous_id="visitor-2", event="Later")
        client.track("known", "Bought")
        sensors = sensorsanalytics.SensorsAnalytics(sensorsanalytics.DefaultConsumer(
            f"{collector.url}/sa?project=default&token={key}"))
        sensors.track("device", "Opened", {})
        sensors.track_signup("known", "device")
        sensors.profile_increment("known", {"n": 1}, is_login_id=True)
    finally:
        collector.stop()
    assert collector.counts().merges >= 2
    assert _foreign_key_problems(ws) == []
    with ws.engine.connect() as conn:
        customers = set(conn.scalars(select(CustomerRow.id)))
        pooled = conn.connection.driver_connection
        assert pooled.execute("PRAGMA foreign_keys").fetchone() == (1,)  # put back
    assert set(_events_per_customer(ws)) <= customers
    known = ws.find_customer("user_id", "known")
    assert ws.find_customer("anonymous_id", "visitor") == ws.find_customer("distinct_id", "device") == known
    assert sorted(e.name for e in ws.customer_events(known)) == ["$SignUp", "Bought", "Later", "Opened",
                                                                 "Signed In Elsewhere", "Viewed"]


def test_remembered_identifiers_are_used_and_forgotten_when_another_connection_writes(ws: Workspace, monkeypatch):
    key = collector_keys.add_key(ws, "test")
    loaded: list[list] = []
    real_load = collector_writer.IdentityResolver.load

    def load(self, pairs):
        pairs = list(pairs)
        loaded.append(pairs)
        return real_load(self, pairs)

    monkeypatch.setattr(collector_writer.IdentityResolver, "load", load)
    collector = Collector(ws, "127.0.0.1", 0)
    collector.start()
    try:
        assert _post(collector.port, key, "/v1/track", {"userId": "ana", "event": "A"})[0] == 200
        assert _post(collector.port, key, "/v1/track", {"userId": "bo", "event": "B"})[0] == 200
        assert _post(collector.port, key, "/v1/track", {"userId": "ana", "event": "C"})[0] == 200
        assert loaded == [[("user_id", "ana")], [("user_id", "bo")], []]  # the third: remembered
        ana, bo = ws.find_customer("user_id", "ana"), ws.find_customer("user_id", "bo")
        merge_customers(ws, bo, ana)  # another connection moves ana's identifier to bo's profile
        assert _post(collector.port, key, "/v1/track", {"userId": "ana", "event": "D"})[0] == 200
        assert loaded[-1] == [("user_id", "ana")]  # looked up again
        profiles.erase(ws, bo)  # and now deletes that profile
        assert _post(collector.port, key, "/v1/track", {"userId": "ana", "event": "E"})[0] == 200
    finally:
        collector.stop()
    assert _foreign_key_problems(ws) == []
    ana_now = ws.find_customer("user_id", "ana")
    assert ana_now not in (ana, bo)
    assert [e.name for e in ws.customer_events(ana_now)] == ["E"]
    assert _events_per_customer(ws) == {ana_now: 1}


def _job(ws: Workspace, user: str, event: str, message_id: str) -> Job:
    body = json.dumps({"userId": user, "event": event, "messageId": message_id})
    return Job(parse("track", body.encode(), datetime.now(UTC)).messages, lambda job: None)


def test_rows_prepared_when_queued_are_dropped_if_the_writer_forgot_since(ws: Workspace):
    writer = GroupWriter(ws, lambda jobs: None)
    writer._open()
    try:
        writer._commit([_job(ws, "ana", "First", "1")])
        ana = ws.find_customer("user_id", "ana")
        job = _job(ws, "ana", "Second", "2")
        writer.submit(job)
        assert job.prepared is not None and job.prepared[0][0] == ana
        other = ws.upsert_customer({"user_id": "other"})
        merge_customers(ws, other, ana)  # after the row was made, before it is written
        writer._commit([writer._queue.get()])
        kept = _job(ws, "ana", "Third", "3")
        writer.submit(kept)
        assert kept.prepared is not None and kept.prepared[0][0] == other  # made from what it knows now
        writer._commit([writer._queue.get()])
    finally:
        writer._close()
    assert _foreign_key_problems(ws) == []
    assert sorted(e.name for e in ws.customer_events(other)) == ["First", "Second", "Third"]


def test_a_repeat_of_a_stored_event_rolls_the_group_back_and_writes_it_again(ws: Workspace, monkeypatch):
    key = collector_keys.add_key(ws, "test")
    lookups: list[str] = []
    real_select_in = collector_writer.select_in

    def select_in(raw, columns, table, *args, **kwargs):
        lookups.append(table)
        return real_select_in(raw, columns, table, *args, **kwargs)

    monkeypatch.setattr(collector_writer, "select_in", select_in)
    collector = Collector(ws, "127.0.0.1", 0)
    collector.start()
    try:
        writer = collector._writer
        assert writer is not None
        first = {"type": "track", "distinct_id": "d", "event": "Buy", "time": 1717000000000, "_track_id": 7}
        assert _sensors(collector.port, key, first) == 200
        assert "events" not in lookups  # no key was looked up: none was stored before
        lookups.clear()
        # One request with a profile change and a repeat: the change must be made once, not once
        # in the transaction rolled back and again in the one written again.
        data = [{"type": "profile_increment", "distinct_id": "d", "properties": {"n": 1}}, first]
        conn = http.client.HTTPConnection("127.0.0.1", collector.port, timeout=30)
        packed = base64.b64encode(json.dumps(data).encode()).decode()
        conn.request("POST", f"/sa?token={key}", body=urlencode({"data_list": packed}).encode(),
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert conn.getresponse().status == 200
        conn.close()
        assert lookups.count("events") == 1 and writer._careful  # written again, looking keys up
        assert _sensors(collector.port, key, dict(first, _track_id=8)) == 200  # no repeat: back to not looking
        assert not writer._careful
    finally:
        collector.stop()
    counts = collector.counts()
    assert (counts.committed, counts.duplicates, counts.profile_updates) == (2, 1, 1)
    customer = ws.find_customer("distinct_id", "d")
    assert ws.get_customer(customer).attributes == {"n": 1}
    assert len(ws.customer_events(customer)) == 2


def test_a_repeat_within_one_request_and_across_requests_is_stored_once(ws: Workspace):
    key = collector_keys.add_key(ws, "test")
    collector = Collector(ws, "127.0.0.1", 0)
    collector.start()
    stamp = (datetime(2025, 1, 1, tzinfo=UTC) + timedelta(milliseconds=5)).isoformat(timespec="milliseconds")
    batch = {"batch": [{"type": "track", "userId": f"u{i % 5}", "event": "E", "messageId": f"m{i % 30}",
                        "timestamp": stamp.replace("+00:00", "Z")} for i in range(60)]}
    try:
        assert _post(collector.port, key, "/v1/batch", batch)[1] == {"success": True, "stored": 30, "duplicates": 30}
        assert _post(collector.port, key, "/v1/batch", batch)[1] == {"success": True, "stored": 0, "duplicates": 60}
    finally:
        collector.stop()
    with ws.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(EventRow)) == 30


# ----------------------------------------------------------------------------------------------
# The interpreter's settings, the HTTP layer
# ----------------------------------------------------------------------------------------------

def test_the_default_switch_interval_and_gc_threshold_are_put_back(ws: Workspace):
    interval, threshold = sys.getswitchinterval(), gc.get_threshold()
    sys.setswitchinterval(0.005)
    gc.set_threshold(700, 10, 10)
    try:
        collector = Collector(ws, "127.0.0.1", 0)
        collector.start()
        try:
            assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL, abs=2e-6)
            assert gc.get_threshold() == (GC_THRESHOLD, 10, 10)
        finally:
            collector.stop()
        assert sys.getswitchinterval() == pytest.approx(0.005)
        assert gc.get_threshold() == (700, 10, 10)
        untouched = Collector(ws, "127.0.0.1", 0, switch_interval=None, gc_threshold=None)
        untouched.start()
        try:
            assert gc.get_threshold() == (700, 10, 10) and sys.getswitchinterval() == pytest.approx(0.005)
        finally:
            untouched.stop()
    finally:
        sys.setswitchinterval(interval)
        gc.set_threshold(*threshold)


def test_header_fields_are_trimmed_of_ascii_blanks_only(ws: Workspace):
    import socket

    key = collector_keys.add_key(ws, "test")
    collector = Collector(ws, "127.0.0.1", 0)
    collector.start()
    try:
        body = json.dumps({"userId": "u", "event": "E"}).encode()
        auth = base64.b64encode(f"{key}:".encode()).decode()
        answers = []
        for extra in (b"X-Note\xa0: 1\r\n", b"X-Note : 1\r\n", b"X-Note:\t1 \r\n"):
            with socket.create_connection(("127.0.0.1", collector.port), timeout=30) as sock:
                sock.sendall(b"POST /v1/track HTTP/1.1\r\nAuthorization: Basic " + auth.encode() + b"\r\n" + extra
                             + b"Content-Length: \t" + str(len(body)).encode() + b" \r\n\r\n" + body)
                answers.append(sock.recv(65536).split(b" ")[1])
    finally:
        collector.stop()
    # A no-break space (a Latin-1 byte) is part of a name; a space around a name is not allowed.
    assert answers == [b"200", b"400", b"200"]


def test_under_load_the_log_is_copied_by_a_thread_of_its_own_then_caught_up(ws: Workspace, monkeypatch):
    import time

    writer = GroupWriter(ws, lambda jobs: None)
    writer._open()
    try:
        for n in range(5):
            writer._commit([_job(ws, f"user-{n}", "E", f"m-{n}")])
        monkeypatch.setattr(collector_writer, "CHECKPOINT_EVERY_SECONDS", 0.0)
        writer._checkpoint(idle=False)
        assert writer._checkpointer is not None and writer._checkpointer.asked
        assert writer.stats.checkpoints == 0  # the writer did not copy anything itself
        writer._commit([_job(ws, "meanwhile", "E", "m-5")])  # the writer goes on meanwhile
        deadline = time.monotonic() + 60
        while writer.stats.checkpoints == 0:
            assert time.monotonic() < deadline, "the log was never caught up"
            time.sleep(0.01)
            writer._checkpoint(idle=False)
        raw = writer._conn.connection.driver_connection
        busy, frames, copied = raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        assert busy == 0 and frames == copied  # nothing was left to copy
    finally:
        if writer._checkpointer is not None:
            writer._checkpointer.stop()
        writer._close()
    with ws.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(EventRow)) == 6
