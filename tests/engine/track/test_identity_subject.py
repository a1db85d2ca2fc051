"""Identity rules at their edges: a message's own user id is kept when a shared browser names
someone else (rules 3 and 4 of docs/identity.md), through the API and both collector protocols;
identifiers given to ``link`` and the store API kept in one form; identifiers that lower-casing
makes too long; a profile never given a second user id by the store API; erasure after chained
merges leaving no record of the person."""

from __future__ import annotations

import base64
import json
import sqlite3
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from engine.errors import CustomerDataInvalid, IdentityConflict
from engine.store import Workspace
from engine.store.customers import MAX_IDENTIFIER_LENGTH
from engine.store.models import IdentifierRow, IdentityMergeRow
from engine.track import identity, profiles
from engine.track.csv_import import import_customers
from tests.engine.track.test_collector import Running, request

#: Lower-casing "İ" gives two characters ("i" and a combining dot).
LENGTHENED = "İ" * 300 + "@example.com"


def foreign_key_problems(ws: Workspace) -> list:
    con = sqlite3.connect(ws.engine.url.database)
    try:
        return con.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        con.close()


def sensors(run: Running, messages: list[dict]) -> int:
    data = base64.b64encode(json.dumps(messages).encode()).decode()
    status, _answer, _headers = request(
        run, "POST", f"/sa?{urlencode({'project': 'default', 'token': run.key})}",
        urlencode({"data_list": data}).encode(), headers={"Content-Type": "application/x-www-form-urlencoded"},
        auth=None)
    return status


def shared_browser(ws: Workspace) -> tuple[str, str]:
    """Ana signed in on browser a1; Bo's e-mail came earlier from a spreadsheet."""
    ana = ws.upsert_customer({"user_id": "ana-X", "anonymous_id": "a1"}, {"name": "Ana"})
    imported = ws.upsert_customer({"email": "bo@example.com"}, {"name": "Bo"})
    return ana, imported


def test_link_keeps_the_new_user_id_and_refuses_the_shared_browser(ws: Workspace):
    ana, imported = shared_browser(ws)
    result = identity.link(ws, [("user_id", "bo-U"), ("email", "bo@example.com"), ("anonymous_id", "a1")],
                           reason="identify")
    assert result.customer_id == imported == ws.find_customer("user_id", "bo-U")
    assert result.merges == ()
    assert [(r.pair, r.owner) for r in result.refusals] == [(("anonymous_id", "a1"), ana)]
    assert ws.get_customer(ana).identifier("user_id") == "ana-X"
    assert ws.find_customer("anonymous_id", "a1") == ana


def test_segment_identify_on_a_shared_browser_lands_on_its_user(running: Running):
    ws = running.ws
    ana, imported = shared_browser(ws)
    assert request(running, "POST", "/v1/identify", {
        "userId": "bo-U", "anonymousId": "a1", "traits": {"email": "bo@example.com", "plan": "pro"}})[0] == 200
    assert request(running, "POST", "/v1/track", {"userId": "bo-U", "event": "Bo Ordered"})[0] == 200
    bo = ws.find_customer("user_id", "bo-U")
    assert bo == imported != ana
    assert [e.name for e in ws.customer_events(bo)] == ["Bo Ordered"]
    assert ws.get_customer(bo).attributes["plan"] == "pro"
    assert "plan" not in ws.get_customer(ana).attributes
    assert foreign_key_problems(ws) == []


def test_sensors_signup_on_another_users_device_keeps_them_apart(running: Running):
    ws = running.ws
    assert sensors(running, [
        {"type": "track", "event": "Login", "distinct_id": "alice", "anonymous_id": "dev1",
         "properties": {"$is_login_id": True}},
        {"type": "track", "event": "Browse", "distinct_id": "bob", "properties": {}},
    ]) == 200
    alice = ws.find_customer("user_id", "alice")
    assert ws.find_customer("distinct_id", "dev1") == alice
    assert sensors(running, [{"type": "track_signup", "event": "$SignUp", "distinct_id": "bob",
                              "original_id": "dev1", "properties": {}}]) == 200
    bob = ws.find_customer("user_id", "bob")
    assert bob is not None and bob != alice
    assert sorted(e.name for e in ws.customer_events(bob)) == ["$SignUp", "Browse"]
    assert [e.name for e in ws.customer_events(alice)] == ["Login"]
    assert foreign_key_problems(ws) == []


def test_link_keeps_e_mail_and_phone_in_the_stored_form(ws: Workspace):
    ana = ws.upsert_customer({"email": "ana@example.com", "phone": "+33612345678"})
    assert identity.link(ws, [("user_id", "ana-1"), ("email", " Ana@Example.com ")]).customer_id == ana
    assert identity.link(ws, [("phone", "0033 6 12 34 56 78")]).customer_id == ana
    assert identity.link(ws, [("user_id", 42)]).customer_id == ws.find_customer("user_id", "42")


def longest_identifier(ws: Workspace) -> int:
    with ws.engine.connect() as conn:
        return conn.scalar(select(func.max(func.length(IdentifierRow.value)))) or 0


def test_an_e_mail_that_lower_casing_lengthens_is_not_stored_as_an_identifier(running: Running, tmp_path):
    ws = running.ws
    assert len(LENGTHENED) <= MAX_IDENTIFIER_LENGTH < len(LENGTHENED.lower())
    # Segment: the trait stays an attribute; the user is stored.
    assert request(running, "POST", "/v1/identify", {"userId": "u1", "traits": {"email": LENGTHENED}})[0] == 200
    u1 = ws.find_customer("user_id", "u1")
    assert ws.get_customer(u1).attributes["email"] == LENGTHENED
    assert ws.get_customer(u1).identifier("email") is None
    # Sensors: the identity is left out, as a Segment trait is; the event is stored.
    assert sensors(running, [{"type": "track", "event": "E", "distinct_id": "d1",
                              "identities": {"$identity_email": LENGTHENED}}]) == 200
    d1 = ws.find_customer("distinct_id", "d1")
    assert d1 is not None and ws.get_customer(d1).identifier("email") is None
    # A CSV file: the row is reported, the others kept.
    path = tmp_path / "customers.csv"
    path.write_text(f"email,name\n{LENGTHENED},Ana\nbo@example.com,Bo\n", encoding="utf-8")
    result = import_customers(ws, path)
    assert [(e.row, e.column) for e in result.errors] == [(2, "email")]
    assert "longer than 500" in result.errors[0].reason
    assert ws.find_customer("email", "bo@example.com") is not None
    assert longest_identifier(ws) <= MAX_IDENTIFIER_LENGTH


def test_the_store_api_refuses_a_second_user_id(ws: Workspace):
    ana = ws.upsert_customer({"user_id": "u1", "email": "ana@example.com"})
    with pytest.raises(IdentityConflict, match="user_id 'u2' cannot be added to customer"):
        ws.upsert_customer({"user_id": "u2", "email": "ana@example.com"}, {"plan": "pro"})
    with pytest.raises(IdentityConflict, match="user_id 'u3'"):
        ws.ingest_event({"user_id": "u3", "email": "ana@example.com"}, "Ordered")
    assert ws.get_customer(ana).identifiers == (("email", "ana@example.com"), ("user_id", "u1"))
    assert "plan" not in ws.get_customer(ana).attributes
    assert ws.find_customer("user_id", "u2") is None and ws.find_customer("user_id", "u3") is None
    # Two new ones in one batch: the second item is refused, naming it.
    with pytest.raises(IdentityConflict) as refused:
        ws.ingest_events([{"identifiers": {"user_id": "v1", "email": "v@example.com"}, "name": "A"},
                          {"identifiers": {"user_id": "v2", "email": "v@example.com"}, "name": "B"}])
    assert refused.value.item == 1


def test_erasure_after_chained_merges_leaves_no_record_of_the_person(ws: Workspace):
    first = ws.upsert_customer({"email": "ana@example.com"})
    middle = ws.upsert_customer({"anonymous_id": "a1"})
    last = ws.upsert_customer({"user_id": "ana-1"})
    profiles.merge(ws, middle, first)
    profiles.merge(ws, last, middle)
    other = ws.upsert_customer({"anonymous_id": "b1"})
    kept = ws.upsert_customer({"user_id": "bo-1"})
    profiles.merge(ws, kept, other)
    profiles.erase(ws, last)
    with ws._session() as s:
        left = list(s.scalars(select(IdentityMergeRow)))
    assert [(r.kept_customer_id, r.merged_customer_id) for r in left] == [(kept, other)]


def test_identify_with_traits_that_cannot_be_stored_changes_nothing(ws: Workspace):
    anonymous = ws.upsert_customer({"anonymous_id": "a9"}, {"plan": "free"})
    with pytest.raises(CustomerDataInvalid, match="attributes"):
        identity.identify(ws, "u9", "a9", traits={"": "no name"})
    assert ws.find_customer("user_id", "u9") is None
    assert ws.get_customer(anonymous).attributes == {"plan": "free"}
    result = identity.identify(ws, "u9", "a9", traits={"plan": "pro", "city": None})
    assert result.customer_id == anonymous == ws.find_customer("user_id", "u9")
    assert ws.get_customer(anonymous).attributes == {"plan": "pro"}
