"""The collector against a running server: the official Segment and Sensors Analytics SDKs, dedup,
gzip, CORS, every refusal with its status and JSON reason while another client is served, the
HTTP layer's edge cases, counts, the hand-over of committed events, stopping, and PostgreSQL."""

from __future__ import annotations

import base64
import gzip
import http.client
import json
import re
import socket
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from engine.store import Workspace
from engine.store.customers import EventRecord
from engine.store.models import EventRow, IdentityMergeRow
from engine.track import collector_keys
from engine.track.collector import Collector, CollectorCounts, is_loopback
from engine.track.collector_keys import CollectorError
from tests.conftest import wait_for


@dataclass
class Running:
    collector: Collector
    ws: Workspace
    key: str
    handed: list[EventRecord]

    @property
    def url(self) -> str:
        return self.collector.url

    @property
    def port(self) -> int:
        return self.collector.port

    def sensors_url(self, **params: str) -> str:
        return f"{self.url}/sa?{urlencode({'project': 'default', 'token': self.key, **params})}"


@dataclass
class Endpoint:
    """Where a request goes: a port on this computer and the write key to present."""

    port: int
    key: str


def _start(ws: Workspace) -> Running:
    key = collector_keys.add_key(ws, "test")
    handed: list[EventRecord] = []
    collector = Collector(ws, "127.0.0.1", 0, on_events=handed.extend)
    collector.start()
    return Running(collector, ws, key, handed)


def request(run: Running | Endpoint, method: str, path: str, body: bytes | dict | None = None, *,
            headers: dict[str, str] | None = None, auth: str | None = "key") -> tuple[int, dict, dict]:
    """One request on a fresh connection; returns status, JSON answer (or {}) and headers."""
    conn = http.client.HTTPConnection("127.0.0.1", run.port, timeout=30)
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    if auth == "key":
        auth = run.key
    if auth is not None:
        all_headers["Authorization"] = "Basic " + base64.b64encode(f"{auth}:".encode()).decode()
    conn.request(method, path, body=data, headers=all_headers)
    response = conn.getresponse()
    raw = response.read()
    conn.close()
    answer = json.loads(raw) if raw else {}
    return response.status, answer, {k.lower(): v for k, v in response.getheaders()}


def events_of(ws: Workspace, kind: str, value: str) -> list[EventRecord]:
    customer = ws.find_customer(kind, value)
    assert customer is not None, f"no customer has {kind} {value}"
    return ws.customer_events(customer)


def event_count(ws: Workspace) -> int:
    with ws.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(EventRow))


# ----------------------------------------------------------------------------------------------
# The official SDKs
# ----------------------------------------------------------------------------------------------

def test_segment_sdk_events_properties_and_identities_are_stored(running: Running):
    import segment.analytics as analytics

    errors: list = []
    client = analytics.Client(write_key=running.key, host=running.url, sync_mode=True,
                              on_error=lambda e, batch: errors.append(e))
    when = datetime(2025, 5, 1, 12, 0, 0, tzinfo=UTC)
    client.track("user-1", "Order Completed", {"order_id": "o-1", "total": 42.5, "items": ["a", "b"]},
                 timestamp=when, anonymous_id="anon-1")
    client.identify("user-1", {"email": "ana@example.com", "name": "Ana", "plan": "pro"})
    client.page("user-1", "Docs", "Getting started", {"path": "/docs"})
    client.screen("user-1", "App", "Home", {"tab": 1})
    client.group("user-1", "company-7", {"employees": 12})
    client.alias("anon-old", "user-1")
    assert errors == []

    ws = running.ws
    customer = ws.find_customer("user_id", "user-1")
    assert ws.find_customer("anonymous_id", "anon-1") == customer
    assert ws.find_customer("email", "ana@example.com") == customer
    assert ws.find_customer("anonymous_id", "anon-old") == customer
    record = ws.get_customer(customer)
    assert record.attributes == {"email": "ana@example.com", "name": "Ana", "plan": "pro"}
    events = {e.name: e for e in ws.customer_events(customer)}
    assert set(events) == {"Order Completed", "Page Viewed", "Screen Viewed", "Group"}
    order = events["Order Completed"]
    assert order.occurred_at == when
    assert {k: order.properties[k] for k in ("order_id", "total", "items")} == \
        {"order_id": "o-1", "total": 42.5, "items": ["a", "b"]}
    assert order.properties["$context"]["library"]["name"] == "analytics-python"
    assert order.source == "segment" and order.dedup_key.startswith("segment:")
    assert events["Page Viewed"].properties["name"] == "Getting started"
    assert events["Page Viewed"].properties["category"] == "Docs"
    assert events["Page Viewed"].properties["path"] == "/docs"
    assert events["Screen Viewed"].properties["name"] == "Home"
    assert events["Group"].properties["group_id"] == "company-7"
    assert events["Group"].properties["traits"] == {"employees": 12}


def test_segment_sdk_batches_gzip_and_flush(running: Running):
    import segment.analytics as analytics

    errors: list = []
    client = analytics.Client(write_key=running.key, host=running.url, gzip=True, upload_size=25,
                              on_error=lambda e, batch: errors.append(e))
    for i in range(120):
        client.track(f"user-{i % 7}", "Viewed", {"i": i})
    client.flush()
    client.join()
    assert errors == []
    assert event_count(running.ws) == 120
    seen = sorted(e.properties["i"] for u in range(7) for e in events_of(running.ws, "user_id", f"user-{u}"))
    assert seen == list(range(120))


def test_sensors_sdk_default_and_batch_consumers(running: Running):
    import sensorsanalytics

    sa = sensorsanalytics.SensorsAnalytics(sensorsanalytics.DefaultConsumer(running.sensors_url()))
    when = datetime(2025, 6, 2, 8, 30, 15, 250000)
    sa.track("device-1", "ViewProduct", {"price": 9.5, "sku": "A-1", "$time": when})
    sa.profile_set("device-1", {"name": "Bo", "city": "Lyon", "score": 1})
    sa.profile_set_once("device-1", {"name": "ignored", "first_seen": "2025-06-02"})
    sa.profile_increment("device-1", {"score": 4})
    sa.profile_append("device-1", {"interests": ["shoes", "hats"]})
    sa.profile_unset("device-1", ["city"])
    batch = sensorsanalytics.SensorsAnalytics(sensorsanalytics.BatchConsumer(running.sensors_url(), max_size=5))
    for i in range(12):
        batch.track("device-2", "Tick", {"n": i})
    batch.flush()
    batch.close()

    ws = running.ws
    record = ws.get_customer(ws.find_customer("distinct_id", "device-1"))
    assert record.attributes == {"name": "Bo", "score": 5, "first_seen": "2025-06-02",
                                 "interests": ["shoes", "hats"]}
    (viewed,) = events_of(ws, "distinct_id", "device-1")
    assert viewed.name == "ViewProduct"
    assert viewed.properties["price"] == 9.5 and viewed.properties["sku"] == "A-1"
    assert viewed.properties["$lib"] == "python"
    assert "$is_login_id" not in viewed.properties
    # The SDK sends local wall-clock milliseconds since 1970; stored as that moment.
    assert viewed.occurred_at == datetime.fromtimestamp(when.timestamp(), UTC)
    assert viewed.source == "sensors:default"
    ticks = events_of(ws, "distinct_id", "device-2")
    assert sorted(e.properties["n"] for e in ticks) == list(range(12))

    sa.profile_delete("device-1")
    assert ws.get_customer(ws.find_customer("distinct_id", "device-1")).attributes == {}


def test_segment_visitor_who_signs_up_becomes_one_customer(running: Running):
    import segment.analytics as analytics

    client = analytics.Client(write_key=running.key, host=running.url, sync_mode=True)
    client.page(anonymous_id="visitor-1", name="Home")
    client.track(anonymous_id="visitor-1", event="Product Viewed", properties={"sku": "A"})
    client.track("user-9", "Logged In Elsewhere")  # the user already had a profile
    client.identify("user-9", {"name": "Ana"}, anonymous_id="visitor-1")
    client.track("user-9", "Order Completed", {"total": 10})

    ws = running.ws
    customer = ws.find_customer("user_id", "user-9")
    assert ws.find_customer("anonymous_id", "visitor-1") == customer
    names = sorted(e.name for e in ws.customer_events(customer))
    assert names == ["Logged In Elsewhere", "Order Completed", "Page Viewed", "Product Viewed"]
    assert event_count(ws) == 4
    with ws.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(IdentityMergeRow)) == 1
    assert running.collector.counts().merges == 1


def test_sensors_visitor_who_signs_up_becomes_one_customer(running: Running):
    import sensorsanalytics

    sa = sensorsanalytics.SensorsAnalytics(sensorsanalytics.DefaultConsumer(running.sensors_url()))
    sa.track("cookie-1", "PageView", {"url": "/"})
    sa.track("login-5", "OpenedApp", {}, is_login_id=True)  # the login id was seen before, elsewhere
    sa.track_signup("login-5", "cookie-1", {"plan": "free"})
    sa.track("login-5", "Purchase", {"amount": 3}, is_login_id=True)
    sa.profile_set("login-5", {"name": "Bo"}, is_login_id=True)

    ws = running.ws
    customer = ws.find_customer("user_id", "login-5")
    assert ws.find_customer("distinct_id", "cookie-1") == customer
    assert ws.find_customer("distinct_id", "login-5") == customer
    names = sorted(e.name for e in ws.customer_events(customer))
    assert names == ["$SignUp", "OpenedApp", "PageView", "Purchase"]
    assert ws.get_customer(customer).attributes == {"name": "Bo"}
    assert event_count(ws) == 4


def test_one_visitor_through_both_sdks(running: Running):
    """A site with the Segment SDK and an app with the Sensors SDK: the user id joins them."""
    import segment.analytics as analytics
    import sensorsanalytics

    segment = analytics.Client(write_key=running.key, host=running.url, sync_mode=True)
    sensors = sensorsanalytics.SensorsAnalytics(sensorsanalytics.DefaultConsumer(running.sensors_url()))
    segment.track(anonymous_id="web-visitor", event="Viewed Pricing")
    sensors.track("app-device", "Installed", {})
    segment.identify("user-77", {"name": "Ana"}, anonymous_id="web-visitor")
    sensors.track_signup("user-77", "app-device")

    ws = running.ws
    customer = ws.find_customer("user_id", "user-77")
    assert {ws.find_customer("anonymous_id", "web-visitor"), ws.find_customer("distinct_id", "app-device")} == {customer}
    assert sorted(e.name for e in ws.customer_events(customer)) == ["$SignUp", "Installed", "Viewed Pricing"]


@pytest.mark.parametrize("json_built_in", [True, False], ids=["json-lookups", "in-list-lookups"])
def test_text_is_stored_exactly_on_both_sqlite_paths(ws: Workspace, monkeypatch, json_built_in):
    from engine.track import collector_sqlite

    monkeypatch.setattr(collector_sqlite, "JSON_BUILT_IN", json_built_in)
    run = _start(ws)
    try:
        name = '购买 🎉 "quoted" \\ back\tslash'
        properties = {"emoji": "😀", "nul": "a\u0000b", "nested": {"ü": ["é", 1.5, None, True]}, "big": 2 ** 70}
        body = {"batch": [{"type": "track", "userId": "用户-1", "event": name, "properties": properties,
                           "messageId": "ü-1", "timestamp": "2025-01-02T03:04:05.678Z"},
                          {"type": "identify", "userId": "用户-1", "anonymousId": "訪問者",
                           "traits": {"名前": "Ana 🎉"}},
                          {"type": "track", "anonymousId": "other", "event": "E", "messageId": "ü-2"}]}
        assert request(run, "POST", "/v1/batch", body)[0] == 200
        assert request(run, "POST", "/v1/batch", body)[1]["duplicates"] == 2
        wait_for(lambda: len(run.handed) == 2)
    finally:
        run.collector.stop()
    customer = ws.find_customer("user_id", "用户-1")
    assert ws.find_customer("anonymous_id", "訪問者") == customer
    (event,) = ws.customer_events(customer)
    assert event.name == name
    assert {k: event.properties[k] for k in properties} == properties
    assert event.occurred_at == datetime(2025, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
    assert ws.get_customer(customer).attributes == {"名前": "Ana 🎉"}
    by_id = {e.id: e for e in run.handed}
    assert by_id[event.id].name == name and by_id[event.id].customer_id == customer


# ----------------------------------------------------------------------------------------------
# Dedup, gzip, CORS
# ----------------------------------------------------------------------------------------------

def batch_of(n: int, prefix: str = "m") -> dict:
    return {"batch": [{"type": "track", "userId": f"u{i % 3}", "event": "E", "messageId": f"{prefix}{i}",
                       "properties": {"i": i}} for i in range(n)]}


def test_a_batch_sent_again_adds_nothing(running: Running):
    status, answer, _ = request(running, "POST", "/v1/batch", batch_of(30))
    assert (status, answer["stored"], answer["duplicates"]) == (200, 30, 0)
    status, answer, _ = request(running, "POST", "/v1/batch", batch_of(30))
    assert (status, answer["stored"], answer["duplicates"]) == (200, 0, 30)
    assert event_count(running.ws) == 30
    counts = running.collector.counts()
    assert (counts.received, counts.committed, counts.duplicates) == (60, 30, 30)


def test_messages_repeated_in_one_batch_are_stored_once(running: Running):
    body = batch_of(5)
    body["batch"] += body["batch"][:2]
    status, answer, _ = request(running, "POST", "/v1/batch", body)
    assert (status, answer["stored"], answer["duplicates"]) == (200, 5, 2)


def test_sensors_track_id_dedup(running: Running):
    message = {"type": "track", "event": "Buy", "distinct_id": "d-1", "time": 1717000000000, "_track_id": 123,
               "_flush_time": 1717000000100, "properties": {"x": 1}}
    again = dict(message, _flush_time=1717000009999)  # sent again later
    other = dict(message, _track_id=124)
    for payload in (message, again, other):
        data = base64.b64encode(json.dumps(payload).encode()).decode()
        status, _, _ = request(running, "POST", f"/sa?token={running.key}", urlencode({"data": data}).encode(),
                               headers={"Content-Type": "application/x-www-form-urlencoded"}, auth=None)
        assert status == 200
    assert len(events_of(running.ws, "distinct_id", "d-1")) == 2


def test_sensors_messages_without_track_id_sent_again_are_stored_once(running: Running):
    """The Python SDK sends no _track_id; its retry is the same event, millisecond and properties."""
    message = {"type": "track", "event": "ViewProduct", "distinct_id": "d-2", "time": 1717000000000,
               "properties": {"price": 128, "$is_login_id": False}}
    later = dict(message, time=1717000000001)  # the next millisecond: another event
    cheaper = dict(message, properties={"price": 99, "$is_login_id": False})
    answers = []
    for payload in (message, message, later, cheaper, later):
        data = base64.b64encode(json.dumps(payload).encode()).decode()
        status, answer, _ = request(running, "POST", f"/sa?token={running.key}", urlencode({"data": data}).encode(),
                                    headers={"Content-Type": "application/x-www-form-urlencoded"}, auth=None)
        assert status == 200
        answers.append((answer["stored"], answer["duplicates"]))
    assert answers == [(1, 0), (0, 1), (1, 0), (1, 0), (0, 1)]
    assert len(events_of(running.ws, "distinct_id", "d-2")) == 3


def test_sensors_anonymous_identity_is_the_anonymous_distinct_id(running: Running):
    """track(distinct_id, is_login_id=False) and track_by_id with $identity_anonymous_id name one visitor."""
    first = {"type": "track", "event": "E1", "distinct_id": "sa-anon-4", "time": 1717000000000,
             "properties": {"$is_login_id": False}}
    second = {"type": "track", "event": "E2", "distinct_id": "$identity_anonymous_id+sa-anon-4",
              "identities": {"$identity_anonymous_id": "sa-anon-4"}, "time": 1717000001000, "properties": {}}
    for payload in (first, second):
        data = base64.b64encode(json.dumps(payload).encode()).decode()
        status, _, _ = request(running, "POST", f"/sa?token={running.key}", urlencode({"data": data}).encode(),
                               headers={"Content-Type": "application/x-www-form-urlencoded"}, auth=None)
        assert status == 200
    assert sorted(e.name for e in events_of(running.ws, "distinct_id", "sa-anon-4")) == ["E1", "E2"]


def test_gzip_bodies(running: Running):
    body = gzip.compress(json.dumps(batch_of(10)).encode())
    status, answer, _ = request(running, "POST", "/v1/batch", body, headers={"Content-Encoding": "gzip"})
    assert (status, answer["stored"]) == (200, 10)
    status, answer, _ = request(running, "POST", "/v1/batch", b"\x1f\x8bnot gzip at all",
                                headers={"Content-Encoding": "gzip"})
    assert (status, answer["code"]) == (400, "malformed")
    status, answer, _ = request(running, "POST", "/v1/batch", gzip.compress(json.dumps(batch_of(3)).encode())[:-6],
                                headers={"Content-Encoding": "gzip"})
    assert (status, answer["code"]) == (400, "malformed")
    bomb = gzip.compress(b" " * (20 * 1024 * 1024))  # about 20 KB that inflate to 20 MB
    status, answer, _ = request(running, "POST", "/v1/batch", bomb, headers={"Content-Encoding": "gzip"})
    assert (status, answer["code"]) == (413, "too_large")
    assert answer["message"].endswith("once decompressed; at most 500 KB (512,000 bytes) is accepted")
    status, answer, _ = request(running, "POST", "/v1/track", b"{}", headers={"Content-Encoding": "br"})
    assert (status, answer["code"]) == (415, "unsupported_encoding")


def test_sensors_plain_base64_get_and_json_list(running: Running):
    plain = {"type": "track", "event": "Open", "distinct_id": "d-9", "time": 1717000000000, "properties": {}}
    data = base64.b64encode(json.dumps(plain).encode()).decode()
    status, _, _ = request(running, "GET", f"/sa?project=shop&token={running.key}&data={data}", auth=None)
    assert status == 200
    listed = [dict(plain, event="A"), dict(plain, event="B")]
    packed = base64.b64encode(gzip.compress(json.dumps(listed).encode())).decode()
    form = urlencode({"data_list": packed, "gzip": "1"}).replace("%2B", "+")  # an unescaped '+' too
    status, _, _ = request(running, "POST", f"/sa?token={running.key}", form.encode(),
                           headers={"Content-Type": "application/x-www-form-urlencoded"}, auth=None)
    assert status == 200
    events = events_of(running.ws, "distinct_id", "d-9")
    assert sorted(e.name for e in events) == ["A", "B", "Open"]
    assert {e.source for e in events} == {"sensors:shop", "sensors:default"}


def test_cors_preflight_and_browser_posts(running: Running):
    origin = "https://shop.example.com"
    status, _, headers = request(running, "OPTIONS", "/v1/t", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, authorization"}, auth=None)
    assert status == 204
    assert headers["access-control-allow-origin"] == origin
    assert "POST" in headers["access-control-allow-methods"]
    allowed = headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed and "content-type" in allowed
    # A browser SDK's beacon: text/plain, the write key in the body.
    body = {"userId": "u-web", "event": "Clicked", "writeKey": running.key}
    status, answer, headers = request(running, "POST", "/v1/t", json.dumps(body).encode(),
                                      headers={"Origin": origin, "Content-Type": "text/plain"}, auth=None)
    assert status == 200 and answer["success"] is True
    assert headers["access-control-allow-origin"] == origin
    status, _, headers = request(running, "POST", "/v1/t", json.dumps(body).encode(),
                                 headers={"Origin": origin}, auth="wrong-key")
    assert status == 401 and headers["access-control-allow-origin"] == origin


# ----------------------------------------------------------------------------------------------
# Refusals, while another client keeps being served
# ----------------------------------------------------------------------------------------------

class SteadyClient(threading.Thread):
    """Sends good single events on one keep-alive connection until stopped; notes every status."""

    def __init__(self, run: Running):
        super().__init__(daemon=True)
        self.run_ = run
        self.statuses: list[int] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.run_.port, timeout=30)
        auth = "Basic " + base64.b64encode(f"{self.run_.key}:".encode()).decode()
        n = 0
        while not self.stopping.is_set():
            body = json.dumps({"userId": "steady", "event": "Tick", "messageId": f"steady-{n}"})
            conn.request("POST", "/v1/track", body=body, headers={"Authorization": auth})
            response = conn.getresponse()
            response.read()
            self.statuses.append(response.status)
            n += 1
        conn.close()


def deep(levels: int) -> dict:
    value: dict = {"leaf": 1}
    for _ in range(levels):
        value = {"x": value}
    return value


def test_identify_gives_the_customer_the_time_zone_of_the_device(running: Running):
    """context.timezone (what browser and app SDKs send) sets the zone quiet hours are read in;
    traits.timezone wins; a name that is no zone changes nothing."""
    ws = running.ws
    status, _, _ = request(running, "POST", "/v1/identify", {"userId": "tz-1", "traits": {"plan": "pro"},
                                                             "context": {"timezone": "Asia/Tokyo"}})
    assert status == 200
    first = ws.get_customer(ws.find_customer("user_id", "tz-1"))
    assert (first.time_zone, first.attributes) == ("Asia/Tokyo", {"plan": "pro"})  # a new customer
    status, _, _ = request(running, "POST", "/v1/batch", {"batch": [
        {"type": "identify", "userId": "tz-1", "traits": {"timezone": "Europe/Paris"},
         "context": {"timezone": "Asia/Tokyo"}},
        {"type": "identify", "userId": "tz-2", "traits": {}, "context": {"timezone": "Mars/Olympus"}}]})
    assert status == 200
    assert ws.get_customer(ws.find_customer("user_id", "tz-1")).time_zone == "Europe/Paris"  # stored before
    assert ws.get_customer(ws.find_customer("user_id", "tz-2")).time_zone is None


def test_nan_in_a_body_is_named_as_what_is_wrong(running: Running):
    status, answer, _ = request(running, "POST", "/v1/track", b'{"userId": "u", "event": "E", "properties": {"x": NaN}}')
    assert (status, answer["code"]) == (400, "malformed")
    assert answer["message"] == "the body is not valid JSON (NaN is not a JSON number)"


BAD_REQUESTS = [
    # (method, path, body, headers, auth, status, code)
    ("POST", "/v1/track", {"userId": "u", "event": "E"}, {}, None, 401, "unauthorized"),
    ("POST", "/v1/track", {"userId": "u", "event": "E"}, {}, "not-a-key", 401, "unauthorized"),
    ("POST", "/v1/track", {"userId": "u", "event": "E", "writeKey": "not-a-key"}, {}, None, 401, "unauthorized"),
    ("POST", "/v1/track", {"userId": "u", "event": "E"}, {"Authorization": "Bearer abc"}, None, 401,
     "unauthorized"),
    ("POST", "/v1/track", {"userId": "u", "event": "E"}, {"Authorization": "Basic %%%"}, None, 401,
     "unauthorized"),
    ("POST", "/v1/track", b"{not json", {}, "key", 400, "malformed"),
    ("POST", "/v1/track", b"[1, 2]", {}, "key", 400, "malformed"),
    ("POST", "/v1/track", b'{"userId": "u", "event": "E", "properties": {"x": NaN}}', {}, "key", 400, "malformed"),
    ("POST", "/v1/track", b"\xff\xfe\x00garbage", {}, "key", 400, "malformed"),
    ("POST", "/v1/track", {"event": "E"}, {}, "key", 400, "invalid_message"),
    ("POST", "/v1/track", {"userId": "u"}, {}, "key", 400, "invalid_message"),
    ("POST", "/v1/track", {"userId": "u", "event": "E", "properties": [1]}, {}, "key", 400, "invalid_message"),
    ("POST", "/v1/track", {"userId": "u", "event": "E", "timestamp": "yesterday"}, {}, "key", 400,
     "invalid_message"),
    ("POST", "/v1/track", {"userId": "u\u0000x", "event": "E"}, {}, "key", 400, "invalid_message"),
    ("POST", "/v1/track", {"userId": True, "event": "E"}, {}, "key", 400, "invalid_message"),
    ("POST", "/v1/track", {"userId": "u", "event": "x" * 201}, {}, "key", 400, "invalid_message"),
    ("POST", "/v1/track", b'{"userId": "\\ud800", "event": "E"}', {}, "key", 400, "invalid_message"),
    ("POST", "/v1/track", b'{"userId": "u", "event": "E", "properties": {"x": "\\udc00"}}', {}, "key", 400,
     "invalid_message"),
    ("POST", "/v1/track", {"userId": "u", "event": "E", "properties": deep(30)}, {}, "key", 400, "too_deep"),
    ("POST", "/v1/track", b'{"userId": "u", "event": "E", "properties": ' + b"[" * 100_000 + b"]" * 100_000
     + b"}", {}, "key", 413, "too_large"),
    ("POST", "/v1/batch", b"[" * 50_000 + b"]" * 50_000, {}, "key", 400, "too_deep"),
    ("POST", "/v1/track", {"userId": "u", "event": "E", "properties": {"big": "x" * 40_000}}, {}, "key", 413,
     "too_large"),
    ("POST", "/v1/batch", {"batch": {"not": "a list"}}, {}, "key", 400, "malformed"),
    ("POST", "/v1/batch", {"batch": [{"type": "track", "userId": "u"}]}, {}, "key", 400, "invalid_message"),
    ("POST", "/v1/batch", {"batch": [{"type": "explode", "userId": "u"}]}, {}, "key", 400, "invalid_message"),
    ("POST", "/v1/batch", b'{"batch": [' + b",".join([b'{"type":"track","userId":"u","event":"E"}'] * 6000)
     + b"]}", {}, "key", 413, "too_large"),
    ("GET", "/v1/track", None, {}, "key", 405, "method_not_allowed"),
    ("PUT", "/sa", b"", {}, None, 405, "method_not_allowed"),
    ("POST", "/v2/track", {"userId": "u", "event": "E"}, {}, "key", 404, "not_found"),
    ("GET", "/", None, {}, None, 404, "not_found"),
    ("POST", "/sa?token={key}", b"data=!!!not-base64!!!", {"Content-Type": "application/x-www-form-urlencoded"},
     None, 400, "malformed"),
    ("POST", "/sa?token={key}", b"nothing=here", {"Content-Type": "application/x-www-form-urlencoded"}, None,
     400, "malformed"),
    ("POST", "/sa", b"data=" + base64.b64encode(b'{"type":"track","event":"E","distinct_id":"d"}'),
     {"Content-Type": "application/x-www-form-urlencoded"}, None, 401, "unauthorized"),
    ("POST", "/sa?token={key}&gzip=1", b"data=" + base64.b64encode(b"plain text, not gzip"),
     {"Content-Type": "application/x-www-form-urlencoded"}, None, 400, "malformed"),
    ("POST", "/sa?token={key}", b"data=" + base64.b64encode(b'{"type":"fly","distinct_id":"d"}'),
     {"Content-Type": "application/x-www-form-urlencoded"}, None, 400, "invalid_message"),
    ("POST", "/sa?token={key}", b"data=" + base64.b64encode(b'{"type":"track","event":"E","distinct_id":"d",'
                                                           b'"time":1e300}'),
     {"Content-Type": "application/x-www-form-urlencoded"}, None, 400, "invalid_message"),
    ("POST", "/sa?token={key}", b"data=" + base64.b64encode(b'{"type":"profile_increment","distinct_id":"d",'
                                                           b'"properties":{"n":"two"}}'),
     {"Content-Type": "application/x-www-form-urlencoded"}, None, 400, "invalid_message"),
]


@pytest.mark.parametrize("method,path,body,headers,auth,status,code", BAD_REQUESTS,
                         ids=[f"{i}-{case[5]}-{case[6]}" for i, case in enumerate(BAD_REQUESTS)])
def test_bad_requests_get_the_right_status_and_a_json_reason(running: Running, method, path, body, headers,
                                                            auth, status, code):
    steady = SteadyClient(running)
    steady.start()
    try:
        wait_for(lambda: len(steady.statuses) >= 3)
        got_status, answer, _ = request(running, method, path.replace("{key}", running.key), body,
                                        headers=headers, auth=auth)
        before = len(steady.statuses)
        wait_for(lambda: len(steady.statuses) >= before + 3)
    finally:
        steady.stopping.set()
        steady.join(30)
    assert (got_status, answer.get("code")) == (status, code), answer
    assert answer["success"] is False and answer["message"]
    assert set(steady.statuses) == {200}
    assert running.key not in json.dumps(answer)
    assert len(events_of(running.ws, "user_id", "steady")) == len(steady.statuses)
    assert running.collector.counts().rejected.get(code, 0) >= 1


def test_a_batch_keeps_its_good_messages_and_names_the_bad(running: Running):
    body = batch_of(4)
    body["batch"][1] = {"type": "track", "userId": "u1", "messageId": "bad-1"}  # no event name
    body["batch"].append({"type": "track", "userId": "u1", "event": "E", "properties": {"big": "x" * 40_000}})
    body["batch"].append({"userId": "u1", "event": "E", "messageId": "no-type"})
    status, answer, _ = request(running, "POST", "/v1/batch", body)
    assert status == 200 and answer["stored"] == 3
    assert [(r["index"], r["code"]) for r in answer["rejected"]] == [
        (1, "invalid_message"), (4, "too_large"), (5, "invalid_message")]
    assert answer["rejected"][0]["message"].startswith("the message at index 1: ")
    assert answer["rejected"][2]["message"].startswith("the message at index 5: 'type' is required: one of track")
    assert event_count(running.ws) == 3


def test_a_request_body_over_the_limit_is_refused_before_it_is_read(running: Running):
    with socket.create_connection(("127.0.0.1", running.port), timeout=30) as sock:
        sock.sendall(b"POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n")
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b'"code": "too_large"' in answer
    # The same limit in the same words as a gzip body that grows too large.
    assert b"the body is 999,999,999 bytes; at most 500 KB (512,000 bytes) is accepted" in answer
    counts = running.collector.counts()
    assert (counts.requests, counts.rejected) == (1, {"too_large": 1})


# ----------------------------------------------------------------------------------------------
# The HTTP layer
# ----------------------------------------------------------------------------------------------

def raw_exchange(run: Running, data: bytes, *, answers: int = 1, timeout: float = 30) -> bytes:
    """Send bytes on one connection and read until ``answers`` responses (or the close) arrived."""
    with socket.create_connection(("127.0.0.1", run.port), timeout=timeout) as sock:
        sock.sendall(data)
        received = b""
        while received.count(b"HTTP/1.1 ") < answers or not _complete(received, answers):
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
        return received


def _complete(data: bytes, answers: int) -> bool:
    done, rest = 0, data
    while rest:
        head_end = rest.find(b"\r\n\r\n")
        if head_end < 0:
            return False
        head = rest[:head_end].decode("latin-1")
        length = 0
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.lower() == "content-length":
                length = int(value)
        if head.startswith("HTTP/1.1 100"):
            rest = rest[head_end + 4:]
            continue
        if len(rest) < head_end + 4 + length:
            return False
        rest = rest[head_end + 4 + length:]
        done += 1
    return done >= answers


def track_request(run: Running, message_id: str, extra_headers: str = "") -> bytes:
    body = json.dumps({"userId": "raw", "event": "Raw", "messageId": message_id}).encode()
    auth = base64.b64encode(f"{run.key}:".encode()).decode()
    return (f"POST /v1/track HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {auth}\r\n{extra_headers}"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def test_pipelined_requests_are_answered_in_order(running: Running):
    data = b"".join(track_request(running, f"p{i}") for i in range(5))
    data += b"OPTIONS /v1/track HTTP/1.1\r\nHost: x\r\n\r\n"
    received = raw_exchange(running, data, answers=6)
    assert re.findall(rb"HTTP/1\.1 (\d{3}) ", received) == [b"200"] * 5 + [b"204"]
    assert len(events_of(running.ws, "user_id", "raw")) == 5


def test_expect_100_continue(running: Running):
    body = json.dumps({"userId": "cont", "event": "E"}).encode()
    auth = base64.b64encode(f"{running.key}:".encode()).decode()
    with socket.create_connection(("127.0.0.1", running.port), timeout=30) as sock:
        sock.sendall(f"POST /v1/track HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {auth}\r\n"
                     f"Expect: 100-continue\r\nContent-Length: {len(body)}\r\n\r\n".encode())
        assert sock.recv(1024).startswith(b"HTTP/1.1 100 Continue")
        sock.sendall(body)
        assert sock.recv(4096).startswith(b"HTTP/1.1 200 ")


def _chunked(head: str, body: bytes, sizes: list[int]) -> bytes:
    """A request whose body is sent in chunks of ``sizes`` bytes (the rest in one more), with a
    chunk extension and a trailer field, as streaming HTTP libraries may send them."""
    out, at = [head.encode() + b"Transfer-Encoding: chunked\r\n\r\n"], 0
    for size in [*sizes, len(body)]:
        piece = body[at:at + size]
        if piece:
            out.append(f"{len(piece):x};name=value\r\n".encode() + piece + b"\r\n")
        at += len(piece)
    return b"".join(out) + b"0\r\nX-Checksum: none\r\n\r\n"


def test_a_body_sent_in_chunks_is_read(running: Running):
    auth = base64.b64encode(f"{running.key}:".encode()).decode()
    head = f"POST /v1/batch HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {auth}\r\n"
    body = json.dumps({"batch": [{"type": "track", "userId": "chunky", "event": f"E{i}", "messageId": f"c{i}"}
                                 for i in range(50)]}).encode()
    data = _chunked(head, body, [1, 7, 300]) + track_request(running, "after-chunks")  # and one more behind it
    received = raw_exchange(running, data, answers=2)
    assert re.findall(rb"HTTP/1\.1 (\d{3}) ", received) == [b"200", b"200"]
    assert len(events_of(running.ws, "user_id", "chunky")) == 50
    # http.client sends an iterable body of unknown size in chunks.
    conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=30)
    pieces = iter([b'{"userId": "stream", ', b'"event": "Streamed"}'])
    conn.request("POST", "/v1/track", body=pieces, headers={"Authorization": f"Basic {auth}",
                                                             "Content-Type": "application/json"})
    answer = conn.getresponse()
    assert answer.status == 200, answer.read()
    conn.close()
    assert [e.name for e in events_of(running.ws, "user_id", "stream")] == ["Streamed"]


def test_a_chunked_body_over_the_limit_is_refused_and_others_still_served(running: Running):
    from engine.track.collector_messages import MAX_BATCH_BYTES

    auth = base64.b64encode(f"{running.key}:".encode()).decode()
    head = f"POST /v1/batch HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {auth}\r\n"
    received = raw_exchange(running, _chunked(head, b" " * (MAX_BATCH_BYTES + 1), [65536] * 8))
    assert received.split(b" ")[1] == b"413" and b"Connection: close" in received
    assert running.collector.counts().rejected == {"too_large": 1}
    assert raw_exchange(running, track_request(running, "still-served")).startswith(b"HTTP/1.1 200 ")


@pytest.mark.parametrize("data,status", [
    (b"GARBAGE\r\n\r\n", b"400"),
    (b"POST /v1/track HTTP/1.1\r\nNo colon here\r\n\r\n", b"400"),
    (b"POST /v1/track HTTP/1.1\r\nContent-Length: -5\r\n\r\n", b"400"),
    (b"POST /v1/track HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", b"400"),
    (b"POST /v1/track HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", b"400"),
    (b"POST /v1/track HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
     b"400"),
    (b"POST /v1/track HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", b"400"),
    (b"POST /v1/track HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n", b"400"),
    (b"POST /v1/track HTTP/1.1\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n", b"431"),
    (b"POST /v1/track HTTP/2.0\r\n\r\n", b"400"),
    (b"POST http://[::1/v1/track HTTP/1.1\r\n\r\n", b"400"),
])
def test_malformed_http_is_refused_and_the_connection_closed(running: Running, data, status):
    received = raw_exchange(running, data)
    assert received.split(b" ")[1] == status
    assert b"Connection: close" in received
    assert received.endswith(b"}")
    code = json.loads(received.split(b"\r\n\r\n", 1)[1])["code"]
    assert running.collector.counts().rejected == {code: 1}
    assert running.collector.counts().requests == 1


def test_a_head_request_gets_no_body(running: Running):
    data = b"HEAD /v1/track HTTP/1.1\r\nHost: x\r\n\r\n" + track_request(running, "after-head")
    with socket.create_connection(("127.0.0.1", running.port), timeout=30) as sock:
        sock.sendall(data)
        received = b""
        while received.count(b"HTTP/1.1 ") < 2 or not received.endswith(b"}"):
            received += sock.recv(65536)
    first, second = received.split(b"HTTP/1.1 ")[1:]
    assert first.startswith(b"405 ") and first.endswith(b"\r\n\r\n")  # headers only
    assert second.startswith(b"200 ")


def test_http_1_0_closes_and_absolute_targets_work(running: Running):
    auth = base64.b64encode(f"{running.key}:".encode()).decode()
    body = json.dumps({"userId": "old", "event": "E"}).encode()
    data = (f"POST http://127.0.0.1:{running.port}/v1/track?x=1 HTTP/1.0\r\nAuthorization: Basic {auth}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    received = raw_exchange(running, data)
    assert received.startswith(b"HTTP/1.1 200 ") and b"Connection: close" in received


def test_a_failing_handler_answers_500_and_the_server_goes_on(running: Running, monkeypatch):
    from engine.track import segment_protocol

    real = segment_protocol.read
    calls = []

    def broken_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("a bug")
        return real(*args, **kwargs)

    monkeypatch.setattr(segment_protocol, "read", broken_once)
    status, answer, _ = request(running, "POST", "/v1/track", {"userId": "u", "event": "E"})
    assert (status, answer["code"]) == (500, "internal_error")
    assert request(running, "POST", "/v1/track", {"userId": "u", "event": "E"})[0] == 200
    assert running.collector.counts().rejected == {"internal_error": 1}


def test_a_client_that_vanishes_mid_request_harms_no_one(running: Running):
    with socket.create_connection(("127.0.0.1", running.port), timeout=30) as sock:
        sock.sendall(b"POST /v1/batch HTTP/1.1\r\nContent-Length: 1000\r\n\r\n{\"batch\": [")
    status, _, _ = request(running, "POST", "/v1/track", {"userId": "after", "event": "E"})
    assert status == 200


# ----------------------------------------------------------------------------------------------
# Counts, hand-over, life cycle
# ----------------------------------------------------------------------------------------------

def test_committed_events_are_handed_over_after_commit(running: Running):
    request(running, "POST", "/v1/track", {"anonymousId": "a-1", "event": "First", "messageId": "h1"})
    request(running, "POST", "/v1/batch", {"batch": [
        {"type": "track", "anonymousId": "a-2", "event": "Second", "messageId": "h2"},
        {"type": "identify", "userId": "known", "anonymousId": "a-2"},
        {"type": "track", "userId": "known", "event": "Third", "messageId": "h3"}]})
    request(running, "POST", "/v1/track", {"anonymousId": "a-1", "event": "First", "messageId": "h1"})
    wait_for(lambda: len(running.handed) == 3)
    ws = running.ws
    by_name = {e.name: e for e in running.handed}
    assert set(by_name) == {"First", "Second", "Third"}
    known = ws.find_customer("user_id", "known")
    # "Second" was stored for the visitor's new profile, then merged in the same transaction.
    assert by_name["Second"].customer_id == known and by_name["Third"].customer_id == known
    assert all(e.created for e in running.handed)
    stored = {e.id: e for e in ws.customer_events(known)}
    assert stored[by_name["Second"].id].name == "Second"
    assert by_name["First"].customer_id == ws.find_customer("anonymous_id", "a-1")


def test_counts(running: Running):
    request(running, "POST", "/v1/batch", batch_of(3))
    request(running, "POST", "/v1/batch", batch_of(3))
    request(running, "POST", "/v1/identify", {"userId": "u1", "traits": {"a": 1}})
    request(running, "POST", "/v1/track", {"userId": "u"}, auth=None)
    request(running, "GET", "/nowhere")
    counts = running.collector.counts()
    assert isinstance(counts, CollectorCounts)
    assert counts.requests == 5
    assert (counts.received, counts.committed, counts.duplicates, counts.profile_updates) == (7, 3, 3, 1)
    assert counts.rejected == {"unauthorized": 1, "not_found": 1}
    assert counts.rejected_total == 2 and counts.pending == 0
    assert counts.by_source == {"segment": 3}


def test_keys_are_checked_and_reloaded(ws: Workspace):
    run = _start(ws)
    try:
        other = collector_keys.new_key()
        assert request(run, "POST", "/v1/track", {"userId": "u", "event": "E"}, auth=other)[0] == 401
        collector_keys.add_key(ws, "second", other)
        run.collector.reload_keys()
        assert request(run, "POST", "/v1/track", {"userId": "u", "event": "E"}, auth=other)[0] == 200
        collector_keys.remove_key(ws, "test")
        run.collector.reload_keys()
        assert request(run, "POST", "/v1/track", {"userId": "u", "event": "E"})[0] == 401
    finally:
        run.collector.stop()
    stored = ws.get_meta(collector_keys.META_KEY)
    assert other not in stored and run.key not in stored  # only digests are kept


def test_write_keys_given_to_the_collector_are_accepted_without_being_stored(ws: Workspace):
    collector = Collector(ws, "127.0.0.1", 0, write_keys=["given-key-123"])
    collector.start()
    try:
        run = Running(collector, ws, "given-key-123", [])
        assert request(run, "POST", "/v1/track", {"userId": "u", "event": "E"})[0] == 200
    finally:
        collector.stop()
    assert collector_keys.list_keys(ws) == []


def test_key_rules(ws: Workspace):
    with pytest.raises(CollectorError):
        collector_keys.add_key(ws, "", None)
    with pytest.raises(CollectorError):
        collector_keys.add_key(ws, "short", "abc")
    made = collector_keys.ensure_key(ws)
    assert made and made.startswith("wk_")
    assert collector_keys.ensure_key(ws) is None
    with pytest.raises(CollectorError):
        collector_keys.add_key(ws, "default")
    with pytest.raises(CollectorError):
        collector_keys.add_key(ws, "again", made)
    assert [k.name for k in collector_keys.list_keys(ws)] == ["default"]
    assert collector_keys.list_keys(ws)[0].hint == made[:7] + "…"


def test_stop_stores_and_answers_every_request_it_has_read(ws: Workspace):
    run = _start(ws)
    results: list[int] = []

    def send(n: int) -> None:
        results.append(request(run, "POST", "/v1/batch", batch_of(200, prefix=f"s{n}-"))[0])

    ws._write_lock.acquire()  # the writer waits, so the requests pile up in the queue
    try:
        senders = [threading.Thread(target=send, args=(n,)) for n in range(3)]
        for t in senders:
            t.start()
        wait_for(lambda: run.collector.counts().pending == 600)
        stopper = threading.Thread(target=run.collector.stop)
        stopper.start()
        wait_for(lambda: run.collector._server is not None and run.collector._server.stopping)
    finally:
        ws._write_lock.release()
    stopper.join(30)
    for t in senders:
        t.join(30)
    assert results == [200, 200, 200]
    assert event_count(ws) == 600
    assert not run.collector.running
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", run.port), timeout=5)
    run.collector.stop()  # a second stop does nothing


def test_start_fails_on_a_taken_port(ws: Workspace):
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    try:
        with pytest.raises(CollectorError) as err:
            Collector(ws, "127.0.0.1", blocker.getsockname()[1]).start()
        port = blocker.getsockname()[1]
        assert str(err.value) == (f"cannot listen on 127.0.0.1:{port}: another program is using that port (a "
                                  "collector already running?). Choose another port, or port 0 to take any free "
                                  "one (--port 0 for 'collect', --collect-port 0 for 'run', “Any free port” in "
                                  "the app)")
    finally:
        blocker.close()


def test_the_switch_interval_is_lowered_while_running_and_put_back(ws: Workspace):
    import sys

    before = sys.getswitchinterval()
    collector = Collector(ws, "127.0.0.1", 0, switch_interval=before / 5)
    collector.start()
    try:
        assert sys.getswitchinterval() == pytest.approx(before / 5)
    finally:
        collector.stop()
    assert sys.getswitchinterval() == pytest.approx(before)
    untouched = Collector(ws, "127.0.0.1", 0, switch_interval=None)
    untouched.start()
    try:
        assert sys.getswitchinterval() == pytest.approx(before)
    finally:
        untouched.stop()


def test_loopback_detection():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert is_loopback("[::1]")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback("example.com")


def test_a_failing_receiver_of_events_does_not_stop_the_collector(ws: Workspace):
    collector_keys.add_key(ws, "test")
    key = collector_keys.add_key(ws, "other")
    calls: list[int] = []

    def receiver(records: list[EventRecord]) -> None:
        calls.append(len(records))
        raise RuntimeError("the runner is down")

    collector = Collector(ws, "127.0.0.1", 0, on_events=receiver)
    collector.start()
    try:
        run = Running(collector, ws, key, [])
        assert request(run, "POST", "/v1/track", {"userId": "u", "event": "E"})[0] == 200
        wait_for(lambda: calls == [1])
        assert request(run, "POST", "/v1/track", {"userId": "u", "event": "F"})[0] == 200
        wait_for(lambda: calls == [1, 1])
    finally:
        collector.stop()
    assert collector._writer is not None and collector._writer.stats.handoff_errors == 2


# ----------------------------------------------------------------------------------------------
# PostgreSQL
# ----------------------------------------------------------------------------------------------

def test_ingest_and_merge_on_postgresql(pg_url):
    import segment.analytics as analytics
    import sensorsanalytics

    with Workspace.open(pg_url) as ws:
        run = _start(ws)
        try:
            client = analytics.Client(write_key=run.key, host=run.url, sync_mode=True)
            client.track(anonymous_id="visitor", event="Viewed", properties={"n": 1, "tags": ["a"]})
            client.identify("user-1", {"name": "Ana"}, anonymous_id="visitor")
            client.track("user-1", "Bought", {"total": 9.5})
            sa = sensorsanalytics.SensorsAnalytics(sensorsanalytics.DefaultConsumer(run.sensors_url()))
            sa.track("device", "Opened", {"x": "y"})
            sa.track_signup("user-1", "device")
            status, answer, _ = request(run, "POST", "/v1/batch", batch_of(5))
            assert status == 200 and answer["stored"] == 5
            assert request(run, "POST", "/v1/batch", batch_of(5))[1]["duplicates"] == 5
            wait_for(lambda: len(run.handed) == 9)
        finally:
            run.collector.stop()
        customer = ws.find_customer("user_id", "user-1")
        assert ws.find_customer("anonymous_id", "visitor") == customer
        assert ws.find_customer("distinct_id", "device") == customer
        names = sorted(e.name for e in ws.customer_events(customer))
        assert names == ["$SignUp", "Bought", "Opened", "Viewed"]
        assert ws.get_customer(customer).attributes == {"name": "Ana"}
        stored = {e.id: e.name for e in ws.customer_events(customer)}
        # Each event was handed over as it was committed; the last ones after the merges.
        assert {e.id: e.name for e in run.handed if e.id in stored} == stored
        assert [e.customer_id for e in run.handed if e.name == "Bought"] == [customer]


# ----------------------------------------------------------------------------------------------
# The commands
# ----------------------------------------------------------------------------------------------

def test_keys_commands(tmp_path: Path, capsys):
    from engine.cli import main

    where = str(tmp_path / "ws")
    assert main(["collect", "keys", "add", "--name", "site", "--workspace", where]) == 0
    made = capsys.readouterr().out.split("write key 'site': ")[1].split()[0]
    assert made.startswith("wk_")
    assert main(["collect", "keys", "add", "--name", "app", "--key", "my-own-key-1", "--workspace", where]) == 0
    capsys.readouterr()
    assert main(["collect", "keys", "list", "--json", "--workspace", where]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(k["name"], k["hint"]) for k in listed] == [("site", made[:7] + "…"), ("app", "my-own-…")]
    assert main(["collect", "keys", "add", "--name", "app", "--workspace", where]) == 1
    assert "already a write key named 'app'" in capsys.readouterr().err
    assert main(["--workspace", where, "collect", "keys", "remove", "site"]) == 0
    assert main(["collect", "keys", "remove", "site", "--workspace", where]) == 1
    assert "no write key named 'site'" in capsys.readouterr().err
    assert main(["collect", "keys", "list", "--workspace", where]) == 0
    assert "app  my-own-…" in capsys.readouterr().out



def start_collect_command(where, port: int):
    """``journey-studio collect`` on ``where`` and ``port`` in a process of its own, and the lines it
    printed up to "Press Ctrl+C" (it listens then)."""
    import os
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "engine.cli", "collect", "--workspace", str(where),
                             "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lines: list[str] = []
    while not lines or not lines[-1].startswith("Press Ctrl+C"):
        line = proc.stdout.readline()
        if not line:
            proc.kill()
            raise AssertionError(proc.stderr.read())
        lines.append(line.strip())
    return proc, lines

def test_collect_command_makes_a_key_serves_and_stops_on_sigint(tmp_path: Path):
    import signal

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    where = tmp_path / "ws"
    proc, lines = start_collect_command(where, port)
    try:
        key = next(line.split(": ")[1] for line in lines if line.startswith("A write key was made"))
        assert request(Endpoint(port, key), "POST", "/v1/track", {"userId": "cli", "event": "E"})[0] == 200
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "stopped: 1 message received, 1 stored" in out
    # The key was just made, so the Sensors address carries it (no placeholder to paste over).
    assert f"http://127.0.0.1:{port}/sa?project=default&token={key}" in "\n".join(lines)
    with Workspace.open(where) as ws:
        assert len(events_of(ws, "user_id", "cli")) == 1
        assert [k.name for k in collector_keys.list_keys(ws)] == ["default"]


def test_collected_events_are_checked_against_the_tracking_plan(ws: Workspace, registry):
    from engine.commands import make_node
    from engine.document import Journey
    from engine.track.tracking_plan import violations

    plan = Journey(name="Plan")
    plan.nodes.append(make_node(registry, "track.event", title="Order Completed", config={
        "event_name": "Order Completed", "description": "", "source": "",
        "properties": [{"name": "total", "type": "number", "required": True, "description": ""}]}))
    ws.create_journey(plan)
    run = _start(ws)
    try:
        status, _, _ = request(run, "POST", "/v1/batch", {"batch": [
            {"type": "track", "event": "Order Completed", "userId": "u1", "messageId": "a",
             "properties": {"total": "lots"}},
            {"type": "track", "event": "Order Completed", "userId": "u1", "messageId": "b",
             "properties": {"total": 12}},
            {"type": "track", "event": "Surprise", "userId": "u1", "messageId": "c"}]})
        assert status == 200
    finally:
        run.collector.stop()
    found = {(v.event_name, v.kind, v.property): v.count for v in violations(ws)}
    assert found == {("Order Completed", "mistyped_property", "total"): 1, ("Surprise", "unknown_event", ""): 1}
