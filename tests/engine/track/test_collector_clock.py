"""Times from senders whose clocks are wrong: Segment's ``sentAt`` and Sensors' ``_flush_time``
move an event's time by the sender's clock skew; an event dated well after its arrival is stored
at its arrival; the dedup key keeps the time as sent, so a message sent again adds nothing."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest

from engine.track import segment_protocol, sensors_protocol
from engine.track.collector_messages import FUTURE_TOLERANCE, moment_text
from tests.engine.track.test_collector import Running, request

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def segment(body: dict, kind: str = "batch") -> list:
    return segment_protocol.parse(kind, json.dumps(body).encode(), NOW).messages


def test_a_batch_from_a_clock_an_hour_ahead_is_moved_back_by_the_hour():
    ahead = NOW + timedelta(hours=1)
    (first, second) = segment({"sentAt": iso(ahead), "batch": [
        {"type": "track", "userId": "u", "event": "A", "messageId": "m1", "timestamp": iso(ahead - timedelta(seconds=10))},
        {"type": "identify", "userId": "u", "traits": {"plan": "pro"}, "timestamp": iso(ahead)}]})
    assert first.occurred_at == NOW - timedelta(seconds=10)
    assert first.occurred_text == moment_text(NOW - timedelta(seconds=10))
    # The dedup key keeps the time as sent.
    assert first.dedup_key == f"segment:{moment_text(ahead - timedelta(seconds=10))}:m1"
    assert second.occurred_at == NOW


def test_a_clock_behind_moves_times_forward_and_a_message_sent_at_wins_over_the_batch():
    behind = NOW - timedelta(days=2)
    (first, second) = segment({"sentAt": iso(behind), "batch": [
        {"type": "track", "userId": "u", "event": "A", "timestamp": iso(behind - timedelta(minutes=3))},
        {"type": "track", "userId": "u", "event": "B", "timestamp": iso(NOW - timedelta(minutes=1)),
         "sentAt": iso(NOW)}]})
    assert first.occurred_at == NOW - timedelta(minutes=3)
    assert second.occurred_at == NOW - timedelta(minutes=1)
    (single,) = segment({"userId": "u", "event": "C", "timestamp": iso(behind), "sentAt": iso(behind)}, "track")
    assert single.occurred_at == NOW


def test_a_small_skew_or_a_bad_sent_at_changes_nothing():
    sent = "2026-11-23T11:58:30.250Z"
    for sent_at in (iso(NOW + timedelta(seconds=50)), "yesterday", 12, None):
        (message,) = segment({"sentAt": sent_at, "batch": [{"type": "track", "userId": "u", "event": "A",
                                                             "timestamp": sent}]})
        assert message.occurred_text == "2026-11-23 11:58:30.250000", sent_at


@pytest.mark.parametrize("ahead, stored_at_arrival", [
    (timedelta(days=1), True),
    (FUTURE_TOLERANCE + timedelta(seconds=1), True),
    (FUTURE_TOLERANCE - timedelta(seconds=1), False),
    (timedelta(0), False),
])
def test_without_sent_at_a_time_well_after_arrival_is_stored_as_the_arrival(ahead, stored_at_arrival):
    stamp = NOW + ahead
    (message,) = segment({"userId": "u", "event": "A", "messageId": "m", "timestamp": iso(stamp)}, "track")
    assert message.occurred_at == (NOW if stored_at_arrival else stamp)
    assert message.dedup_key == f"segment:{moment_text(stamp)}:m"


def test_sensors_flush_time_moves_times_by_the_sdk_clock_skew():
    ahead = NOW + timedelta(hours=3)
    millis = int((ahead - timedelta(seconds=30)).timestamp() * 1000)
    flushed = int(ahead.timestamp() * 1000)
    data = base64.b64encode(json.dumps([
        {"type": "track", "event": "Buy", "distinct_id": "d", "time": millis, "_flush_time": flushed, "_track_id": 7,
         "properties": {}},
        {"type": "track", "event": "Far", "distinct_id": "d", "time": flushed + 86_400_000, "properties": {}},
        {"type": "track", "event": "Bad", "distinct_id": "d", "time": millis, "_flush_time": "soon", "properties": {}},
    ]).encode()).decode()
    decoded = sensors_protocol.decode("", urlencode({"data_list": data}).encode(), form=True)
    moved, far, bad = sensors_protocol.read(decoded, NOW).messages
    assert moved.occurred_at == NOW - timedelta(seconds=30)
    assert moment_text(ahead - timedelta(seconds=30)) in moved.dedup_key
    assert far.occurred_at == NOW  # a day ahead, and nothing to tell by how much
    assert bad.occurred_at == NOW  # an unreadable _flush_time is ignored; three hours ahead is too far


def test_a_batch_sent_again_after_the_clock_changed_adds_nothing(running: Running):
    ws = running.ws
    sent = datetime.now(UTC) + timedelta(hours=5)  # the device clock runs five hours ahead
    batch = [{"type": "track", "userId": "u1", "event": "Bought", "messageId": "m-1",
              "timestamp": iso(sent - timedelta(seconds=5))}]
    status, _, _ = request(running, "POST", "/v1/batch", {"batch": batch, "sentAt": iso(sent)})
    assert status == 200
    # Sent again an hour later by the device's clock (its queue kept it), when it has been set right.
    status, _, _ = request(running, "POST", "/v1/batch", {"batch": batch, "sentAt": iso(datetime.now(UTC))})
    assert status == 200
    (event,) = ws.customer_events(ws.find_customer("user_id", "u1"))
    assert abs(event.occurred_at - datetime.now(UTC)) < timedelta(minutes=2)
