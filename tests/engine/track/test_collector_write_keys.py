"""The name of the write key each collected event came with, against a running collector on SQLite
and PostgreSQL: every way a key arrives (HTTP Basic, Segment ``writeKey``, Sensors ``token`` in the
URL, the form or the messages), keys given on the command line (no name), keys removed and stored
again under another name, requests of different keys written in one transaction, the counts of
data source nodes of one protocol told apart by key, and the profile export."""

from __future__ import annotations

import base64
import http.client
import json
import threading
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from engine.commands import make_node
from engine.document import Journey
from engine.store import Workspace
from engine.store.customers import EventRecord
from engine.store.models import EventRow
from engine.track import collector_keys, profiles
from engine.track import tracking_plan as tp
from engine.track.collector import Collector
from tests.conftest import wait_for


@pytest.fixture
def ws(any_ws):
    return any_ws


def _send(port: int, method: str, target: str, body: bytes = b"", headers: dict[str, str] | None = None) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, target, body=body, headers=headers or {})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def _basic(key: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode()}


def segment(port: int, path: str, body: dict, *, basic: str | None = None) -> int:
    headers = {"Content-Type": "application/json", **(_basic(basic) if basic else {})}
    return _send(port, "POST", path, json.dumps(body).encode(), headers)


def sensors(port: int, messages: list[dict], *, token: str | None = None, form_token: str | None = None,
            basic: str | None = None) -> int:
    form = {"data_list": base64.b64encode(json.dumps(messages).encode()).decode()}
    if form_token is not None:
        form["token"] = form_token
    query = urlencode({"project": "default", **({"token": token} if token else {})})
    headers = {"Content-Type": "application/x-www-form-urlencoded", **(_basic(basic) if basic else {})}
    return _send(port, "POST", f"/sa?{query}", urlencode(form).encode(), headers)


def sensors_event(name: str, who: str = "device") -> dict:
    return {"type": "track", "event": name, "distinct_id": who, "time": 1_746_090_000_000, "properties": {}}


def stored_keys(ws: Workspace) -> dict[str, str | None]:
    """Event name → the write key name stored with it."""
    with ws.engine.connect() as conn:
        rows = conn.execute(select(EventRow.name, EventRow.write_key)).all()
    assert len({name for name, _ in rows}) == len(rows), "each event name is used once here"
    return dict(rows)


def source_node(registry, title: str, protocol: str, write_key_ref: str):
    return make_node(registry, "track.source", title=title, config={
        "name": title, "source": {"kind": "collector", "protocol": protocol, "write_key_ref": write_key_ref}})


@pytest.mark.parametrize("hand_over", [True, False], ids=["handed-over", "not-handed-over"])
def test_each_event_is_stored_with_the_name_of_its_write_key(ws: Workspace, registry, hand_over: bool):
    web = collector_keys.add_key(ws, "web")
    app = collector_keys.add_key(ws, "app")
    handed: list[EventRecord] = []
    collector = Collector(ws, "127.0.0.1", 0, on_events=handed.extend if hand_over else None)
    collector.start()
    port = collector.port
    try:
        assert segment(port, "/v1/track", {"userId": "ana", "event": "web basic"}, basic=web) == 200
        assert segment(port, "/v1/track", {"userId": "bo", "event": "app writeKey", "writeKey": app}) == 200
        assert segment(port, "/v1/batch", {"batch": [
            {"type": "track", "userId": "cy", "event": "app batch 1"},
            {"type": "track", "userId": "cy", "event": "app batch 2"}]}, basic=app) == 200
        # Both given: the HTTP Basic user names the sender (the body's key is checked all the same).
        assert segment(port, "/v1/track", {"userId": "di", "event": "both", "writeKey": app}, basic=web) == 200
        assert segment(port, "/v1/track", {"userId": "di", "event": "refused", "writeKey": "wk_not_a_key"},
                       basic=web) == 401
        # A customer the writer knows already: the row made when the request is queued carries it too.
        assert segment(port, "/v1/track", {"userId": "ana", "event": "app known customer"}, basic=app) == 200
        assert sensors(port, [sensors_event("sensors url token")], token=web) == 200
        assert sensors(port, [sensors_event("sensors form token")], form_token=app) == 200
        assert sensors(port, [{**sensors_event("sensors message token"), "token": app}]) == 200
        assert sensors(port, [sensors_event("sensors basic")], basic=web) == 200
        if hand_over:
            wait_for(lambda: len(handed) == 10)
    finally:
        collector.stop()
    assert stored_keys(ws) == {
        "web basic": "web", "app writeKey": "app", "app batch 1": "app", "app batch 2": "app", "both": "web",
        "app known customer": "app", "sensors url token": "web", "sensors form token": "app",
        "sensors message token": "app", "sensors basic": "web"}
    assert collector.counts().by_source == {"segment": 6, "sensors:default": 4}

    # Data sources of one protocol count apart by key; one naming no key counts every key.
    nodes = {title: source_node(registry, title, protocol, ref) for title, protocol, ref in (
        ("Shop website", "segment", "web"), ("Shop app", "segment", "app"), ("All Segment", "segment", ""),
        ("Sensors web", "sensors", "web"), ("Sensors app", "sensors", "app"), ("All Sensors", "sensors", ""),
        ("Unknown key", "segment", "shop"))}
    journey = Journey(name="Sources", nodes=list(nodes.values()))
    counts = {title: tp.journey_source_counts(ws, journey)[node.id].total for title, node in nodes.items()}
    assert counts == {"Shop website": 2, "Shop app": 4, "All Segment": 6, "Sensors web": 2, "Sensors app": 2,
                      "All Sensors": 4, "Unknown key": 0}

    # The export names the key of each event (its name, never the key).
    exported = profiles.export(ws, ws.find_customer("user_id", "ana"))
    assert [(e["name"], e["write_key"]) for e in exported["events"]] == [("web basic", "web"),
                                                                         ("app known customer", "app")]
    text = json.dumps(exported)
    assert web not in text and app not in text


def test_a_key_given_on_the_command_line_has_no_name(ws: Workspace):
    stored = collector_keys.add_key(ws, "web")
    collector = Collector(ws, "127.0.0.1", 0, write_keys=["given-key-123", stored])
    collector.start()
    port = collector.port
    try:
        assert segment(port, "/v1/track", {"userId": "ana", "event": "given"}, basic="given-key-123") == 200
        assert sensors(port, [sensors_event("given sensors")], token="given-key-123") == 200
        # Given on the command line and stored under a name as well: it goes by its name.
        assert segment(port, "/v1/track", {"userId": "ana", "event": "stored too"}, basic=stored) == 200
    finally:
        collector.stop()
    ws.ingest_event({"user_id": "ana"}, "ingested", source="crm")
    assert stored_keys(ws) == {"given": None, "given sensors": None, "stored too": "web", "ingested": None}
    exported = profiles.export(ws, ws.find_customer("user_id", "ana"))
    assert {e["name"]: e.get("write_key", "absent") for e in exported["events"]} == {
        "given": "absent", "stored too": "web", "ingested": "absent"}
    # Those events count on a node naming no key only.
    stats = tp.source_stats(ws)
    assert tp.counts_for(tp.SourceKey("segment"), stats).total == 2
    assert tp.counts_for(tp.SourceKey("segment", write_key="web"), stats).total == 1


def test_reloaded_keys_bring_their_new_names(ws: Workspace):
    key = collector_keys.add_key(ws, "web")
    collector = Collector(ws, "127.0.0.1", 0)
    collector.start()
    port = collector.port
    try:
        assert segment(port, "/v1/track", {"userId": "ana", "event": "first"}, basic=key) == 200
        # The same key removed and stored again under another name...
        collector_keys.remove_key(ws, "web")
        collector_keys.add_key(ws, "website", key)
        # ...goes by its old name until the collector reads the keys again,
        assert segment(port, "/v1/track", {"userId": "ana", "event": "before reload"}, basic=key) == 200
        collector.reload_keys()
        # then by the new one, wherever it is given.
        assert segment(port, "/v1/track", {"userId": "ana", "event": "after reload"}, basic=key) == 200
        assert sensors(port, [sensors_event("sensors after reload")], token=key) == 200
        collector_keys.remove_key(ws, "website")
        collector.reload_keys()
        assert segment(port, "/v1/track", {"userId": "ana", "event": "removed"}, basic=key) == 401
        assert sensors(port, [sensors_event("sensors removed")], token=key) == 401
        collector_keys.add_key(ws, "shop", key)
        collector.reload_keys()
        assert segment(port, "/v1/track", {"userId": "ana", "event": "added again"}, basic=key) == 200
    finally:
        collector.stop()
    assert stored_keys(ws) == {"first": "web", "before reload": "web", "after reload": "website",
                               "sensors after reload": "website", "added again": "shop"}


def test_requests_of_different_keys_written_in_one_transaction_keep_their_names(ws: Workspace):
    keys = {name: collector_keys.add_key(ws, name) for name in ("web", "app")}
    keys[None] = "given-key-123"
    collector = Collector(ws, "127.0.0.1", 0, write_keys=["given-key-123"])
    collector.start()
    port = collector.port
    plan = [(n, (None, "web", "app")[n % 3]) for n in range(12)]
    results: list[int] = []

    def send(n: int, name: str | None) -> None:
        body = {"batch": [{"type": "track", "userId": f"u{n % 4}", "event": f"e{n}-{i}"} for i in range(3)]}
        results.append(segment(port, "/v1/batch", body, basic=keys[name]))

    ws._write_lock.acquire()  # the writer waits, so the requests gather into one group
    try:
        senders = [threading.Thread(target=send, args=item) for item in plan]
        for t in senders:
            t.start()
        wait_for(lambda: collector.counts().pending == 36)
    finally:
        ws._write_lock.release()
    for t in senders:
        t.join(30)
    collector.stop()
    assert results == [200] * 12
    assert collector._writer is not None and collector._writer.stats.transactions <= 2
    assert stored_keys(ws) == {f"e{n}-{i}": name for n, name in plan for i in range(3)}
    stats = tp.source_stats(ws)["segment"]
    assert {name: s.total for name, s in stats.write_keys.items()} == {None: 12, "web": 12, "app": 12}
