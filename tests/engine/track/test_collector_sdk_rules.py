"""What an app developer using the official Sensors Analytics and Segment SDKs meets at the collector:
profile changes Sensors Analytics would refuse leave the profile as it was and are counted as ignored,
a profile_delete of no one makes no one, items are counted as ignored, a ``tags`` trait or profile
property tags the customer, and ``collect`` shows its first write key once it listens."""

from __future__ import annotations

import logging
import signal
import socket
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.cli import main
from engine.store import Workspace
from engine.store.models import CustomerRow
from engine.track import collector_keys
from engine.track.collect_commands import format_counts
from engine.track.segments import SegmentStore
from tests.engine.track.test_collector import Endpoint, Running, _start, request, start_collect_command


@pytest.fixture
def run(any_ws):
    """A collector with a write key on SQLite and on PostgreSQL."""
    running = _start(any_ws)
    yield running
    running.collector.stop()


def _sensors(run: Running):
    import sensorsanalytics

    return sensorsanalytics.SensorsAnalytics(sensorsanalytics.DefaultConsumer(run.sensors_url()))


def _segment(run: Running):
    import segment.analytics as analytics

    errors: list = []
    client = analytics.Client(write_key=run.key, host=run.url, sync_mode=True,
                              on_error=lambda e, batch: errors.append(e))
    return client, errors


def _customer(ws: Workspace, kind: str, value: str):
    found = ws.find_customer(kind, value)
    assert found is not None, f"no customer has {kind} {value}"
    return ws.get_customer(found)


def _customers(ws: Workspace) -> int:
    with ws.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(CustomerRow))


# ---------------------------------------------------------------------------------------------
# Sensors profile operations follow Sensors Analytics
# ---------------------------------------------------------------------------------------------


def test_increment_of_text_and_append_to_text_leave_the_profile_as_it_was(run: Running, caplog):
    sa = _sensors(run)
    sa.profile_set("device-1", {"plan": "pro", "name": "Ana", "score": 1, "interests": ["shoes"]})
    with caplog.at_level(logging.WARNING, logger="journey_studio.collector"):
        sa.profile_increment("device-1", {"plan": 1, "score": 2, "visits": 1})
        sa.profile_append("device-1", {"name": ["x"], "interests": ["hats"], "colours": ["red"]})
    record = _customer(run.ws, "distinct_id", "device-1")
    # Numbers were added to and lists appended to; the text attributes kept what they held.
    assert record.attributes == {"plan": "pro", "name": "Ana", "score": 3, "visits": 1,
                                 "interests": ["shoes", "hats"], "colours": ["red"]}
    counts = run.collector.counts()
    assert counts.ignored_reasons == {"increment_not_a_number": 1, "append_not_a_list": 1}
    assert counts.ignored == 2
    line = format_counts(counts)
    assert "2 ignored (append_not_a_list 1, increment_not_a_number 1)" in line
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "profile_increment left an attribute that is not a number as it was (attribute 'plan')" in logged
    assert "profile_append left an attribute that is not a list as it was (attribute 'name')" in logged
    assert "'pro'" not in logged and "Ana" not in logged  # a value is the sender's data, never logged


def test_a_boolean_is_not_a_number_to_increment_either(run: Running):
    status, _, _ = request(run, "POST", "/v1/identify", {"userId": "u1", "traits": {"flag": True}})
    assert status == 200
    # A Sensors login id is the customer's user id: the profile Segment's identify made.
    _sensors(run).profile_increment("u1", {"flag": 1, "points": 1}, is_login_id=True)
    record = _customer(run.ws, "user_id", "u1")
    assert record.attributes["flag"] is True and record.attributes["points"] == 1
    assert run.collector.counts().ignored_reasons == {"increment_not_a_number": 1}


def test_profile_delete_of_an_unknown_distinct_id_makes_no_one(run: Running):
    sa = _sensors(run)
    before = _customers(run.ws)
    sa.profile_delete("nobody-1")
    sa.profile_unset("nobody-2", ["city"])
    assert _customers(run.ws) == before
    assert run.ws.find_customer("distinct_id", "nobody-1") is None
    assert run.collector.counts().ignored_reasons == {"profile_of_no_one": 2}
    # Someone known is cleared as before: attributes go, identifiers and events stay.
    sa.track("device-9", "Opened", {})
    sa.profile_set("device-9", {"name": "Bo"})
    sa.profile_delete("device-9")
    record = _customer(run.ws, "distinct_id", "device-9")
    assert record.attributes == {}
    assert [e.name for e in run.ws.customer_events(record.id)] == ["Opened"]
    assert _customers(run.ws) == before + 1


def test_items_are_answered_and_counted_as_ignored(run: Running):
    sa = _sensors(run)
    sa.item_set("product", "sku-1", {"price": 3})
    sa.item_delete("product", "sku-1")
    counts = run.collector.counts()
    assert counts.ignored_reasons == {"item_set": 1, "item_delete": 1}
    assert counts.committed == 0 and _customers(run.ws) == 0
    assert "2 ignored (item_delete 1, item_set 1)" in format_counts(counts)


# ---------------------------------------------------------------------------------------------
# Tags from the SDKs
# ---------------------------------------------------------------------------------------------


def test_a_segment_tags_trait_tags_the_customer_and_a_tag_rule_matches(run: Running):
    client, errors = _segment(run)
    client.identify("user-1", {"name": "Ana", "tags": ["vip", "Newsletter"]})
    client.identify("user-1", {"tags": "VIP, early-bird ; 老客户"})  # text: separated as in a CSV file
    client.identify("user-2", {"tags": 3})  # not tags: an attribute, as any trait
    assert errors == []
    ws = run.ws
    ana = _customer(ws, "user_id", "user-1")
    assert ana.tags == ("Newsletter", "early-bird", "vip", "老客户")  # VIP is vip already
    assert ana.attributes == {"name": "Ana"}
    other = _customer(ws, "user_id", "user-2")
    assert other.tags == () and other.attributes == {"tags": 3}
    rules = {"kind": "group", "match": "all", "conditions": [{"kind": "tag", "tag": "VIP", "has": True}]}
    assert list(SegmentStore(ws).members(rules)) == [ana.id]


def test_sensors_profile_set_and_append_of_tags_add_to_the_customers_tags(run: Running):
    sa = _sensors(run)
    sa.profile_set("device-1", {"tags": ["vip"], "city": "Lyon"})
    sa.profile_append("device-1", {"tags": ["Shoes", "VIP"]})
    sa.profile_set_once("device-1", {"tags": ["ignored-once"]})  # the customer has tags already
    sa.profile_set_once("device-2", {"tags": ["first"]})
    ws = run.ws
    one = _customer(ws, "distinct_id", "device-1")
    assert one.tags == ("Shoes", "vip") and one.attributes == {"city": "Lyon"}
    assert _customer(ws, "distinct_id", "device-2").tags == ("first",)
    # Tags set in the Profiles window or by a CSV import stay; the SDK's are added.
    ws.upsert_customer({"distinct_id": "device-1"}, tags=["Imported"])
    sa.profile_set("device-1", {"tags": "later"})
    assert _customer(ws, "distinct_id", "device-1").tags == ("Imported", "later")


def test_a_tag_too_long_is_refused_with_the_field_named(run: Running):
    status, answer, _ = request(run, "POST", "/v1/identify", {"userId": "u", "traits": {"tags": ["x" * 101]}})
    assert status == 400 and answer["message"] == "'traits.tags' holds a tag longer than 100 characters"


# ---------------------------------------------------------------------------------------------
# collect: the first key is shown when it can be used
# ---------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_busy_port_makes_no_key_and_the_next_start_shows_the_one_it_makes(tmp_path: Path, capsys):
    where = tmp_path / "ws"
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["collect", "--workspace", str(where), "--port", str(port)]) == 1
    assert "another program is using that port" in capsys.readouterr().err
    with Workspace.open(where, read_only=True) as ws:
        assert collector_keys.list_keys(ws) == []  # no key that nobody was shown

    port = _free_port()
    proc, lines = start_collect_command(where, port)
    try:
        key = next(line.split(": ")[1] for line in lines if line.startswith("A write key was made"))
        # The key shown is one the collector running now accepts.
        assert request(Endpoint(port, key), "POST", "/v1/track", {"userId": "u", "event": "E"})[0] == 200
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    with Workspace.open(where, read_only=True) as ws:
        assert [k.name for k in collector_keys.list_keys(ws)] == ["default"]


def test_a_start_that_makes_no_key_names_the_stored_keys_and_what_to_do_about_a_lost_one(tmp_path: Path):
    where = tmp_path / "ws"
    with Workspace.open(where) as ws:
        collector_keys.add_key(ws, "default")
    port = _free_port()
    proc, lines = start_collect_command(where, port)
    try:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    said = "\n".join(lines)
    assert "token=WRITE_KEY" in said and "A write key was made" not in said
    assert "(WRITE_KEY: one of the workspace's write keys: 'default' (wk_" in said
    assert "if yours is lost, make a new one with 'journey-studio collect keys add --name NAME'" in said


def test_a_collector_started_through_the_helper_accepts_the_key_it_made(ws: Workspace):
    from engine.track.collect_commands import start_collector
    from engine.track.collector import Collector

    collector = Collector(ws, "127.0.0.1", 0)
    made = start_collector(ws, collector)
    try:
        assert made is not None
        assert request(Endpoint(collector.port, made), "POST", "/v1/track", {"userId": "u", "event": "E"})[0] == 200
    finally:
        collector.stop()
    again = Collector(ws, "127.0.0.1", 0)
    try:
        assert start_collector(ws, again) is None  # a key exists: none is made
    finally:
        again.stop()


# ---------------------------------------------------------------------------------------------
# collect keys: aligned columns, help for every argument
# ---------------------------------------------------------------------------------------------


def test_keys_list_aligns_its_columns(tmp_path: Path, capsys):
    where = str(tmp_path / "ws")
    with Workspace.open(where) as ws:
        for name in ("default", "website", "ios app", "网站"):
            collector_keys.add_key(ws, name)
    assert main(["collect", "keys", "list", "--workspace", where]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4
    from engine.track.command_output import width

    # Every hint starts at the same terminal column, and so does every date.
    starts = {width(line[:line.index("wk_")]) for line in lines}
    assert len(starts) == 1
    made = {width(line[:line.index(" made ")]) for line in lines}
    assert len(made) == 1
    assert lines[0].startswith("default  wk_") and lines[3].startswith("网站     wk_")
    assert lines[0].endswith(" UTC")


def test_keys_help_explains_json_and_name(capsys):
    with pytest.raises(SystemExit):
        main(["collect", "keys", "list", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--json print JSON: each key's name, first characters and when it was made" in text
    with pytest.raises(SystemExit):
        main(["collect", "keys", "remove", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "NAME the name of the key to remove, as 'collect keys list' shows it" in text



def test_a_port_another_program_holds_is_said_in_the_error(ws: Workspace):
    from engine.track.collector import Collector
    from engine.track.collector_keys import CollectorError

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        with pytest.raises(CollectorError) as caught:
            Collector(ws, "127.0.0.1", holder.getsockname()[1]).start()
    assert caught.value.in_use and "another program is using that port" in caught.value.message
