"""Fuzzing the collector's two protocols and its HTTP layer with hypothesis: raw bodies, JSON
shapes, Sensors payloads, headers and raw request bytes. No input may get a 5xx answer, and the
collector keeps serving a well-formed request after each one."""

from __future__ import annotations

import base64
import gzip
import http.client
import json
import socket
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.store import Workspace
from engine.track import collector_keys
from engine.track.collector import ROUTES, Collector

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                derandomize=True)


class Client:
    def __init__(self, port: int, key: str):
        self.port = port
        self.key = key
        self.auth = "Basic " + base64.b64encode(f"{key}:".encode()).decode()
        self.conn: http.client.HTTPConnection | None = None

    def send(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> tuple[int, bytes]:
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                if response.will_close:
                    self.conn.close()
                    self.conn = None
                return response.status, data
            except (ConnectionError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def healthy(self) -> None:
        status, data = self.send("POST", "/v1/track", json.dumps({"userId": "fuzz-check", "event": "Check"}).encode(),
                                 {"Authorization": self.auth})
        assert status == 200, data


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    ws = Workspace.open(tmp_path_factory.mktemp("fuzz") / "workspace.db")
    key = collector_keys.add_key(ws, "fuzz")
    collector = Collector(ws, "127.0.0.1", 0)
    collector.start()
    yield Client(collector.port, key)
    collector.stop()
    assert collector.counts().rejected.get("internal_error", 0) == 0
    ws.close()


def check(status: int, data: bytes) -> None:
    assert status < 500, data
    if data:
        answer = json.loads(data)
        assert isinstance(answer["success"], bool)
        if not answer["success"]:
            assert answer["code"] and answer["message"]


PATHS = sorted(ROUTES) + ["/", "/v1", "/v1/trackx", "/sa/../v1/track", "/%00"]
json_scalars = st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70) \
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)
SEGMENT_FIELDS = ["userId", "anonymousId", "event", "properties", "traits", "context", "timestamp",
                  "originalTimestamp", "messageId", "previousId", "groupId", "name", "category", "type",
                  "writeKey", "batch"]
segment_messages = st.dictionaries(st.sampled_from(SEGMENT_FIELDS), json_values, max_size=8)
good_ids = st.text(min_size=1, max_size=12)
plausible_segment = st.fixed_dictionaries(
    {"type": st.sampled_from(["track", "identify", "page", "screen", "group", "alias", "nope"])},
    optional={"userId": good_ids | json_values, "anonymousId": good_ids, "event": good_ids | json_values,
              "properties": json_values, "traits": json_values, "timestamp": st.text(max_size=30),
              "previousId": good_ids, "groupId": good_ids, "messageId": good_ids, "context": json_values})
SENSORS_TYPES = ["track", "track_signup", "profile_set", "profile_set_once", "profile_increment",
                 "profile_append", "profile_unset", "profile_delete", "track_id_bind", "item_set", "other"]
sensors_messages = st.fixed_dictionaries(
    {"type": st.sampled_from(SENSORS_TYPES)},
    optional={"distinct_id": good_ids | json_values, "event": good_ids | json_values, "properties": json_values,
              "time": st.integers(min_value=-2**64, max_value=2**64) | json_values, "original_id": good_ids,
              "_track_id": json_values, "login_id": json_values, "anonymous_id": json_values,
              "identities": st.dictionaries(st.text(max_size=20), json_values, max_size=3) | json_values,
              "token": st.text(max_size=10), "project": json_values})


@FUZZ
@given(path=st.sampled_from(PATHS), body=st.binary(max_size=3000), gzipped=st.booleans(),
       content_type=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded",
                                     "multipart/form-data; boundary=x", ""]),
       method=st.sampled_from(["POST", "GET", "OPTIONS", "PUT", "DELETE", "HEAD"]), authorised=st.booleans())
def test_raw_bodies(client: Client, path, body, gzipped, content_type, method, authorised):
    headers = {"Content-Type": content_type}
    if gzipped:
        body = gzip.compress(body)
        headers["Content-Encoding"] = "gzip"
    if authorised:
        headers["Authorization"] = client.auth
    status, data = client.send(method, path, body if method != "HEAD" else None, headers)
    assert status < 500
    if method != "HEAD":
        check(status, data)
    client.healthy()


@FUZZ
@given(kind=st.sampled_from(["/v1/track", "/v1/identify", "/v1/page", "/v1/screen", "/v1/group", "/v1/alias"]),
       message=segment_messages | plausible_segment)
def test_segment_json_shapes(client: Client, kind, message):
    status, data = client.send("POST", kind, json.dumps(message).encode(), {"Authorization": client.auth})
    check(status, data)
    client.healthy()


@FUZZ
@given(messages=st.lists(segment_messages | plausible_segment | json_values, max_size=6),
       extra=st.dictionaries(st.sampled_from(["context", "writeKey", "sentAt"]), json_values, max_size=2))
def test_segment_batches(client: Client, messages, extra):
    body = {**extra, "batch": messages}
    status, data = client.send("POST", "/v1/batch", json.dumps(body).encode(), {"Authorization": client.auth})
    check(status, data)
    client.healthy()


@FUZZ
@given(messages=st.lists(sensors_messages | json_values, min_size=1, max_size=5), as_list=st.booleans(),
       gzipped=st.booleans(), how=st.sampled_from(["form", "get", "json-typed"]),
       project=st.text(max_size=12))
def test_sensors_payloads(client: Client, messages, as_list, gzipped, how, project):
    payload = json.dumps(messages if as_list else messages[0]).encode()
    if gzipped:
        payload = gzip.compress(payload)
    encoded = base64.b64encode(payload).decode()
    fields = {"data_list" if as_list else "data": encoded, "gzip": "1" if gzipped else "0", "project": project}
    query = urlencode({"token": client.key})
    if how == "get":
        status, data = client.send("GET", f"/sa?{query}&{urlencode(fields)}", None, {})
    else:
        content_type = "application/json" if how == "json-typed" else "application/x-www-form-urlencoded"
        status, data = client.send("POST", f"/sa?{query}", urlencode(fields).encode(), {"Content-Type": content_type})
    check(status, data)
    client.healthy()


@FUZZ
@given(fields=st.dictionaries(st.sampled_from(["data", "data_list", "gzip", "project", "token", "crc"]),
                              st.text(max_size=60), max_size=5), query=st.text(max_size=40))
def test_sensors_forms(client: Client, fields, query):
    status, data = client.send("POST", "/sa?" + urlencode({"q": query}) + "&token=" + client.key,
                               urlencode(fields).encode(), {"Content-Type": "application/x-www-form-urlencoded"})
    check(status, data)
    client.healthy()


header_names = st.sampled_from(["Content-Length", "Content-Type", "Authorization", "Connection", "Expect",
                                "Content-Encoding", "Transfer-Encoding", "Origin", "Host", "X-Other"])


@FUZZ
@given(method=st.sampled_from([b"POST", b"GET", b"OPTIONS", b"P0ST", b""]),
       target=st.sampled_from([b"/v1/track", b"/v1/batch", b"/sa", b"*", b"http://x/v1/t", b""]) | st.binary(max_size=20),
       version=st.sampled_from([b"HTTP/1.1", b"HTTP/1.0", b"HTTP/2", b"", b"HTTP/1.1 extra"]),
       headers=st.lists(st.tuples(header_names.map(str.encode) | st.binary(max_size=10), st.binary(max_size=30)),
                        max_size=6),
       body=st.binary(max_size=200))
def test_raw_requests(client: Client, method, target, version, headers, body):
    head = method + b" " + target + b" " + version + b"\r\n"
    head += b"".join(name + b": " + value + b"\r\n" for name, value in headers)
    with socket.create_connection(("127.0.0.1", client.port), timeout=30) as sock:
        sock.sendall(head + b"\r\n" + body)
        sock.shutdown(socket.SHUT_WR)  # nothing more is coming: the server answers or closes
        received = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    for line in received.split(b"\r\n"):
        if line.startswith(b"HTTP/1.1 "):
            assert not line[9:10] == b"5", received
    client.healthy()


@settings(max_examples=300, deadline=None)
@given(body=st.binary(max_size=3000), cuts=st.lists(st.integers(1, 700), max_size=12),
       split=st.integers(0, 4000))
def test_chunked_bodies_decode_whole_however_cut_and_however_they_arrive(body, cuts, split):
    from engine.track.collector_http import _dechunk

    data, at = b"", 0
    for size in [*cuts, len(body)]:
        piece = body[at:at + size]
        if piece:
            data += f"{len(piece):X}\r\n".encode() + piece + b"\r\n"
        at += len(piece)
    data += b"0\r\n\r\n"
    tail = b"GET /next HTTP/1.1\r\n\r\n"
    assert _dechunk(bytearray(data + tail), 1 << 20) == (body, len(data))
    cut = min(split, len(data) - 1)
    assert _dechunk(bytearray(data[:cut]), 1 << 20) is None  # not all there yet


@settings(max_examples=500, deadline=None)
@given(data=st.binary(max_size=400))
def test_any_bytes_as_a_chunked_body_wait_decode_or_are_refused(data):
    from engine.track.collector_http import _dechunk, _Refuse

    try:
        found = _dechunk(bytearray(data), 100)
    except _Refuse as refused:
        assert refused.response.status in (400, 413)
    else:
        assert found is None or (len(found[0]) <= 100 and found[1] <= len(data))
