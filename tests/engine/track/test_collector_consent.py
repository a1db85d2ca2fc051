"""Consent sent through the collector: a Segment ``identify`` trait or a Sensors ``profile_set``
property named ``consent`` records which channels a customer may be contacted on, instead of
becoming an attribute; a bad one is refused, naming it."""

from __future__ import annotations

import base64
import json
from urllib.parse import urlencode

import pytest

from tests.engine.track.test_collector import Running, request


def sensors(run: Running, messages: list[dict]) -> tuple[int, dict]:
    data = base64.b64encode(json.dumps(messages).encode()).decode()
    status, answer, _ = request(run, "POST", f"/sa?{urlencode({'project': 'default', 'token': run.key})}",
                                urlencode({"data_list": data}).encode(),
                                headers={"Content-Type": "application/x-www-form-urlencoded"}, auth=None)
    return status, answer


def test_a_segment_identify_records_consent(running: Running):
    ws = running.ws
    status, _, _ = request(running, "POST", "/v1/identify", {
        "userId": "u1", "traits": {"email": "ann@example.com", "plan": "pro", "consent": {"email": True, "sms": False}}})
    assert status == 200
    customer = ws.get_customer(ws.find_customer("user_id", "u1"))
    assert customer.consent == {"email": True, "sms": False}
    assert customer.attributes == {"email": "ann@example.com", "plan": "pro"}  # not an attribute
    # Later: e-mail withdrawn, SMS forgotten, on a stored customer; an event in the same batch.
    status, _, _ = request(running, "POST", "/v1/batch", {"batch": [
        {"type": "identify", "userId": "u1", "traits": {"consent": {"email": False, "sms": None}}},
        {"type": "track", "userId": "u1", "event": "Unsubscribed"}]})
    assert status == 200
    customer = ws.get_customer(customer.id)
    assert customer.consent == {"email": False}
    assert customer.attributes == {"email": "ann@example.com", "plan": "pro"}
    assert [e.name for e in ws.customer_events(customer.id)] == ["Unsubscribed"]


def test_sensors_profile_set_records_consent_and_set_once_keeps_what_is_recorded(running: Running):
    ws = running.ws
    assert sensors(running, [{"type": "profile_set", "distinct_id": "d1", "properties": {"consent": {"sms": True}}},
                             {"type": "profile_set_once", "distinct_id": "d1",
                              "properties": {"consent": {"sms": False, "email": True}, "city": "Lyon"}}])[0] == 200
    customer = ws.get_customer(ws.find_customer("distinct_id", "d1"))
    assert customer.consent == {"sms": True, "email": True}
    assert customer.attributes == {"city": "Lyon"}


def test_the_sensors_sdk_records_consent_with_flat_properties(running: Running):
    import sensorsanalytics

    ws = running.ws
    sa = sensorsanalytics.SensorsAnalytics(sensorsanalytics.DefaultConsumer(running.sensors_url()))
    # The SDK takes no objects as property values: one consent_<kind> property per channel.
    sa.profile_set("sa-user-1", {"email": "sa1@example.com", "consent_email": True, "consent_sms": False},
                   is_login_id=True)
    sa.flush()
    customer = ws.get_customer(ws.find_customer("user_id", "sa-user-1"))
    assert customer.consent == {"email": True, "sms": False}
    assert customer.attributes == {"email": "sa1@example.com"}
    # Beside the object, the flat entry wins for its channel; a bad value is named.
    status, _, _ = request(running, "POST", "/v1/identify", {
        "userId": "u9", "traits": {"consent": {"email": True, "sms": True}, "consent_sms": False}})
    assert status == 200
    assert ws.get_customer(ws.find_customer("user_id", "u9")).consent == {"email": True, "sms": False}
    status, answer, _ = request(running, "POST", "/v1/identify", {"userId": "u9", "traits": {"consent_email": "yes"}})
    assert status == 400 and "'traits.consent_email' must be true, false or null" in json.dumps(answer)


def test_a_null_consent_changes_nothing_and_keeps_the_rest_of_the_message(running: Running):
    ws = running.ws
    status, _, _ = request(running, "POST", "/v1/identify", {
        "userId": "u3", "traits": {"email": "bo@example.com", "consent": {"email": True}}})
    assert status == 200
    status, _, _ = request(running, "POST", "/v1/identify", {
        "userId": "u3", "traits": {"plan": "pro", "consent": None}})
    assert status == 200
    customer = ws.get_customer(ws.find_customer("user_id", "u3"))
    assert customer.consent == {"email": True}
    assert customer.attributes == {"email": "bo@example.com", "plan": "pro"}


@pytest.mark.parametrize(("consent", "reason"), [
    ("yes", "'traits.consent' must be an object of channel kind to true, false or null, like {\"email\": true}"),
    ({"fax": True}, "'traits.consent' names 'fax', which is not a channel kind; use email, sms, webhook, chat"),
    ({"email": "yes"}, "'traits.consent.email' must be true, false or null"),
])
def test_a_bad_consent_is_refused_naming_it(running: Running, consent, reason):
    status, answer, _ = request(running, "POST", "/v1/batch", {"batch": [
        {"type": "identify", "userId": "u2", "traits": {"consent": consent}},
        {"type": "track", "userId": "u2", "event": "Kept"}]})
    assert status == 200 and answer["stored"] == 1
    assert answer["rejected"] == [{"index": 0, "code": "invalid_message", "message": f"the message at index 0: {reason}"}]
    assert running.ws.get_customer(running.ws.find_customer("user_id", "u2")).consent == {}
