"""Values that name no one are never identifiers: ``N/A``, ``-``, ``null``, ``undefined``, a phone
"number" without digits, an e-mail "address" without ``@``. Before, two sign-ups that both wrote
``N/A`` for their phone were merged into one customer by the collector and by the CSV import (a
new user's trial found it), and a phone number typed with ``00`` or brackets did not find its
profile on the command line."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from engine.errors import CustomerDataInvalid
from engine.identifiers import identifier_problem
from engine.store import Workspace
from engine.store.models import CustomerRow, IdentityMergeRow
from engine.track.csv_import import ImportOptions, import_customers, import_events
from engine.track.profiles import resolve
from tests.engine.track.test_collector import Running, request
from tests.engine.track.test_csv_trial import identifiers


def customers(ws: Workspace) -> int:
    with ws.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(CustomerRow))


def merges(ws: Workspace) -> int:
    with ws.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(IdentityMergeRow))


@pytest.mark.parametrize(("kind", "value", "problem"), [
    ("phone", "", "is empty"),
    ("phone", "N/A", "'N/A' only says there is no value"),
    ("phone", "callme", "'callme' is not a phone number (it has no digits)"),
    ("email", "not-an-email", "'not-an-email' is not an e-mail address"),
    ("email", "a@b@c.org", "'a@b@c.org' is not an e-mail address"),
    ("user_id", "undefined", "'undefined' only says there is no value"),
    ("user_id", "NULL", "'NULL' only says there is no value"),
])
def test_identifier_problems(kind, value, problem):
    assert identifier_problem(kind, value) == problem


@pytest.mark.parametrize(("kind", "value"), [
    ("phone", "+33612345678"), ("phone", "0612345678"), ("email", "ann@example.com"),
    ("email", '"jo smith"@example.org'), ("user_id", "0"), ("user_id", "na"), ("anonymous_id", "no"),
])
def test_real_values_pass(kind, value):
    assert identifier_problem(kind, value) is None


def test_segment_sign_ups_that_wrote_placeholders_stay_apart(running: Running):
    body = {"batch": [
        {"type": "track", "event": "Form Viewed", "anonymousId": "visitor-A", "messageId": "m1"},
        {"type": "identify", "anonymousId": "visitor-A",
         "traits": {"name": "Alice", "phone": "N/A", "email": "alice@shop.fr"}},
        {"type": "track", "event": "Form Viewed", "anonymousId": "visitor-B", "messageId": "m2"},
        {"type": "identify", "anonymousId": "visitor-B",
         "traits": {"name": "Bruno", "phone": "N/A", "email": "bruno@shop.pt"}},
        {"type": "identify", "anonymousId": "visitor-C", "traits": {"name": "Chloé", "phone": "-", "email": " "}},
        {"type": "identify", "anonymousId": "visitor-D", "traits": {"name": "Dan", "phone": "-", "email": ""}},
        {"type": "identify", "anonymousId": "visitor-E",
         "traits": {"name": "Eve", "phone": "call me", "email": "not-an-email"}},
    ]}
    status, answer, _ = request(running, "POST", "/v1/batch", body)
    assert status == 200 and answer["stored"] == 2
    ws = running.ws
    assert customers(ws) == 5 and merges(ws) == 0
    assert identifiers(ws, "phone") == []
    assert identifiers(ws, "email") == ["alice@shop.fr", "bruno@shop.pt"]
    # What the sender wrote stays an attribute; it only does not name anyone.
    alice = ws.get_customer(ws.find_customer("anonymous_id", "visitor-A"))
    assert alice.attributes["phone"] == "N/A" and alice.attributes["name"] == "Alice"
    eve = ws.get_customer(ws.find_customer("anonymous_id", "visitor-E"))
    assert eve.attributes["email"] == "not-an-email"


def test_segment_ids_that_say_nothing(running: Running):
    status, answer, _ = request(running, "POST", "/v1/track", {
        "userId": "null", "anonymousId": "anon-1", "event": "Clicked", "messageId": "x1"})
    assert status == 200 and answer["stored"] == 1
    assert running.ws.find_customer("anonymous_id", "anon-1") is not None
    assert identifiers(running.ws, "user_id") == []
    status, answer, _ = request(running, "POST", "/v1/track", {
        "userId": "undefined", "event": "Clicked", "messageId": "x2"})
    assert status == 400
    assert "'userId' or 'anonymousId' is required ('userId' is 'undefined', which names no one)" in answer["message"]
    status, answer, _ = request(running, "POST", "/v1/alias", {"userId": "undefined", "previousId": "anon-1"})
    assert status == 400 and "'userId' is 'undefined', which names no one" in answer["message"]


def test_sensors_identities_that_say_nothing_and_made_up_distinct_ids(running: Running):
    import sensorsanalytics

    sa = sensorsanalytics.SensorsAnalytics(sensorsanalytics.DefaultConsumer(running.sensors_url()))
    sa.track("device-1", "Viewed", {"n": 1})
    sa.track("device-2", "Viewed", {"n": 2})
    paid = {"type": "track", "event": "Paid", "distinct_id": "$identity_email+MEI.CHEN@example.cn",
            "time": 1735689600000, "properties": {},
            "identities": {"$identity_email": "MEI.CHEN@example.cn", "$identity_mobile": "N/A"}}
    form = urlencode({"data": base64.b64encode(json.dumps(paid).encode()).decode()}).encode()
    status, answer, _ = request(running, "POST", running.sensors_url().removeprefix(running.url), form,
                                headers={"Content-Type": "application/x-www-form-urlencoded"}, auth=None)
    assert status == 200, answer
    ws = running.ws
    assert identifiers(ws, "email") == ["mei.chen@example.cn"]
    assert identifiers(ws, "phone") == []
    assert identifiers(ws, "distinct_id") == ["device-1", "device-2"]  # not the one the SDK made up
    (paid,) = ws.customer_events(ws.find_customer("email", "mei.chen@example.cn"))
    assert paid.name == "Paid"


def test_csv_customers_with_placeholder_phones_stay_apart(ws: Workspace, tmp_path: Path):
    path = tmp_path / "c.csv"
    path.write_text("email,phone,name\neve@x.com,-,Eve\nfrank@x.com,-,Frank\ngina@x.com,n/a,Gina\n"
                    "hugo@x.com,N/A,Hugo\nivy@x.com,call me,Ivy\njo@x.com,+33 6 12 34 56 78,Jo\n", encoding="utf-8")
    result = import_customers(ws, path)
    assert result.created == 6 and not result.errors
    assert customers(ws) == 6 and merges(ws) == 0
    assert identifiers(ws, "phone") == ["+33612345678"]
    assert ws.get_customer(ws.find_customer("email", "frank@x.com")).attributes["name"] == "Frank"
    text = " ".join(result.warnings)
    assert "column 'phone': 4 cells that only say there is no value were left empty: row 2 '-', row 3 '-', " \
           "row 4 'n/a' and 1 more" in text
    assert "column 'phone': 1 value is not a phone number (no digits) and was left out: row 6 'call me'" in text


def test_csv_events_whose_only_identifier_says_nothing_are_row_errors(ws: Workspace, tmp_path: Path):
    path = tmp_path / "e.csv"
    path.write_text("email,event,time\nann@x.com,Paid,2025-01-02 10:00\nN/A,Paid,2025-01-02 11:00\n"
                    "null,Paid,2025-01-02 12:00\n", encoding="utf-8")
    result = import_events(ws, path, ImportOptions(time_zone="UTC"))
    assert result.created == 1
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (3, "email", "the customer identifier is missing: 'N/A' only says there is no value"),
        (4, "email", "the customer identifier is missing: 'null' only says there is no value")]
    assert customers(ws) == 1


def test_the_store_refuses_identifiers_that_name_no_one(ws: Workspace):
    with pytest.raises(CustomerDataInvalid) as caught:
        ws.upsert_customer({"email": "ann@example.com", "phone": "N/A"}, {"name": "Ann"})
    assert caught.value.field == "identifiers.phone" and "only says there is no value" in str(caught.value)
    with pytest.raises(CustomerDataInvalid):
        ws.ingest_event({"user_id": "undefined"}, "Paid")
    assert customers(ws) == 0


@pytest.mark.parametrize("typed", ["0034 612 34 56 78", "0034612345678", "0034-612-345-678",
                                   "(+34) 612.34.56.78", "+34 612 34 56 78"])
def test_a_phone_number_typed_any_usual_way_finds_its_profile(ws: Workspace, typed):
    ana = ws.upsert_customer({"phone": "+34612345678"}, {"name": "Ana"})
    assert resolve(ws, typed) == ana


def test_csv_e_mails_without_a_name_or_a_domain_are_row_errors(ws: Workspace, tmp_path: Path):
    path = tmp_path / "c.csv"
    path.write_text("name,email\nNed,@example.fr\nOra,@example.fr\nPia,pia@\nQuin,pia@\nRay,ray@example.fr\n",
                    encoding="utf-8")
    result = import_customers(ws, path)
    assert result.created == 1 and customers(ws) == 1 and merges(ws) == 0
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (2, "email", "'@example.fr' is not an email address: there is no name before the @"),
        (3, "email", "'@example.fr' is not an email address: there is no name before the @"),
        (4, "email", "'pia@' is not an email address: there is no domain after the @"),
        (5, "email", "'pia@' is not an email address: there is no domain after the @")]
    assert identifiers(ws, "email") == ["ray@example.fr"]


def test_a_local_number_that_finds_no_one_says_how_numbers_are_kept(ws: Workspace):
    from engine.errors import NotFound

    ws.upsert_customer({"phone": "+33612345678"}, {"name": "Ann"})
    with pytest.raises(NotFound) as caught:
        resolve(ws, "06 12 34 56 78")
    assert "phone numbers are usually kept with their country code" in str(caught.value)
    assert "--phone-country CC" in str(caught.value)
    with pytest.raises(NotFound) as caught:
        resolve(ws, "nobody@example.com")
    assert "country code" not in str(caught.value)
