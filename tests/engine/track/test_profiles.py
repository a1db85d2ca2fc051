"""Profiles: search, naming one customer, the profile view, editing, export, erasure (with its
counters and opt-outs) and the ``journey-studio profiles`` commands, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.channels import RecordingChannel
from engine.cli import main
from engine.commands import make_node
from engine.document import Journey
from engine.errors import AmbiguousIdentifier, CustomerDataInvalid, NotFound
from engine.runtime.clock import VirtualClock
from engine.runtime.runner import Runner
from engine.store import Workspace
from engine.store.models import (
    CustomerRow,
    DeliveryRow,
    EdgeCounterRow,
    EventRow,
    IdentifierRow,
    IdentityMergeRow,
    NodeCounterRow,
    OptOutRow,
    RunRow,
    SegmentMemberRow,
    StepRow,
)
from engine.track import profiles
from engine.track.segments import SegmentStore
from tests.conftest import Terminal, connect

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture
def ws(any_ws):
    return any_ws


def count(ws: Workspace, model, *where) -> int:
    with ws.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model).where(*where))


# ---------------------------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------------------------

def test_search_by_identifier_attribute_or_id(ws: Workspace):
    ann = ws.upsert_customer({"email": "Ann.Lee@Example.com", "user_id": "u-1"},
                             {"name": "Ann Lee", "address": {"city": "Lyon", "zip": 69001}, "score": 12.5})
    bob = ws.upsert_customer({"phone": "+8613800001111"}, {"name": "张伟", "notes": ["likes 100% cotton"]})
    cat = ws.upsert_customer({"custom:crm": "CRM_42"}, {"name": "Cat", "note": "a_b"})

    def found(text: str, **kw) -> list[str]:
        return [c.id for c in profiles.search(ws, text, **kw).items]

    assert found("ann.lee@EXAMPLE") == [ann]
    assert found("LYON") == [ann]            # nested attribute value, case-insensitive
    assert found("6900") == [ann]            # a number, as text
    assert found("12.5") == [ann]
    assert found("张") == [bob]
    assert found("13800001111") == [bob]
    assert found("+86 138 0000 1111") == [bob]   # written with separators, as people type them
    assert found("138-0000-1111") == [bob]
    assert found("0086 138 0000 1111") == [bob]
    assert found("100%") == [bob]            # % is a character, not a wildcard
    assert found("%") == [bob]
    assert found("_") == [cat]               # so is _ (CRM_42 and a_b are both Cat's)
    assert found("crm_4") == [cat]
    assert found(ann[:8]) == [ann]
    assert found("nobody") == []
    assert found("' OR 1=1 --") == []
    assert found("lyon", attribute="address.city") == [ann]
    assert found("lyon", attribute="name") == []
    assert found("cotton", attribute="notes") == []  # a list holds it only as a whole element
    assert found("likes 100% COTTON", attribute="notes") == [bob]


def test_search_with_a_decimal_comma_finds_the_number(ws: Workspace):
    spent = ws.upsert_customer({"email": "ann@example.com"}, {"lifetime_value": 9999.9})
    written = ws.upsert_customer({"email": "bo@example.com"}, {"note": "size 9999,9"})
    ws.upsert_customer({"email": "cy@example.com"}, {"lifetime_value": 99})
    assert {c.id for c in profiles.search(ws, "9999,9").items} == {spent, written}
    assert {c.id for c in profiles.search(ws, "9999.9").items} == {spent}


def test_search_pages_newest_first_with_a_total(ws: Workspace):
    ids = [ws.upsert_customer({"user_id": f"shopper-{i}"}, {"n": i}) for i in range(7)]
    ws.upsert_customer({"user_id": "shopper-2"}, {"n": 99})  # updated last: first in the list
    everyone = profiles.search(ws)
    assert everyone.total == 7 and everyone.items[0].id == ids[2]
    page = profiles.search(ws, "SHOPPER", offset=2, limit=3)
    assert page.total == 7 and page.offset == 2 and len(page.items) == 3
    pages = [c.id for off in range(0, 7, 3) for c in profiles.search(ws, "shopper", offset=off, limit=3).items]
    assert sorted(pages) == sorted(ids) and len(set(pages)) == 7
    assert profiles.search(ws, "shopper", limit=0).items == []
    summary = profiles.search(ws, "shopper-5").items[0]
    assert summary.identifiers == (("user_id", "shopper-5"),) and summary.attributes == {"n": 5}
    assert summary.label == "shopper-5"


def test_search_order_is_newest_first_then_main_identifier_then_id(ws: Workspace):
    # One import: every customer gets the same update time, so the main identifier decides,
    # A-Z case folded ("Ned" among the n's, not before every lower-case letter).
    ws.ingest_events([{"identifiers": ids, "name": "signed_up"} for ids in (
        {"email": "zoe@example.com", "user_id": "a-1"}, {"phone": "+33123456789"}, {"user_id": "m-7"},
        {"email": "bea@example.com"}, {"anonymous_id": "anon-3"}, {"user_id": "Ned"},
        {"email": "ann@example.com", "phone": "+14155550100"})])
    listed = [c.main_identifier for c in profiles.search(ws).items]
    assert listed == ["+33123456789", "ann@example.com", "anon-3", "bea@example.com", "m-7", "Ned",
                      "zoe@example.com"]
    later = ws.upsert_customer({"user_id": "m-7"}, {"plan": "pro"})  # updated since: first
    everyone = profiles.search(ws).items
    assert everyone[0].id == later and everyone[0].main_identifier == "m-7"
    # the command line pages by offset through the same order
    assert [c.id for c in everyone] == [c.id for off in range(7) for c in profiles.search(ws, offset=off, limit=1).items]


def test_search_pages_after_a_row_without_repeats_or_gaps_while_customers_change(ws: Workspace):
    ws.ingest_events([{"identifiers": {"email": f"c{i:02}@example.com"}, "name": "signed_up"} for i in range(20)])
    first = profiles.search(ws, "example", limit=8)
    assert first.total == 20
    # Two customers of later pages are updated meanwhile: they move to the top, and an offset
    # would now skip two rows; paging after the last row shown does not.
    moved = [ws.upsert_customer({"email": f"c{i:02}@example.com"}, {"seen": True}) for i in (12, 17)]
    shown = list(first.items)
    after = first.items[-1].sort_key
    while True:
        page = profiles.search(ws, "example", limit=8, after=after)
        if not page.items:
            break
        shown += page.items
        after = page.items[-1].sort_key
    ids = [c.id for c in shown]
    assert len(ids) == len(set(ids)) == 18 and not set(moved) & set(ids)
    assert [c.main_identifier for c in shown] == [f"c{i:02}@example.com" for i in range(20) if i not in (12, 17)]
    assert [c.id for c in profiles.search(ws, "example", limit=2).items] == moved[::-1]
    with pytest.raises(CustomerDataInvalid) as caught:
        profiles.search(ws, after=("yesterday", "x", "y"))
    assert caught.value.field == "after"


def test_main_identifier_prefers_email_then_phone_then_user_id():
    def main(*identifiers):
        return profiles.CustomerSummary("id-1", tuple(identifiers), {}, (), T0, T0).main_identifier

    assert main(("email", "a@b.c"), ("phone", "+1"), ("user_id", "7")) == "a@b.c"
    assert main(("anonymous_id", "x"), ("phone", "+1"), ("user_id", "7")) == "+1"
    assert main(("anonymous_id", "x"), ("user_id", "7")) == "7"
    assert main(("anonymous_id", "x"), ("custom:crm", "9")) == "x"
    assert main() is None
    summary = profiles.CustomerSummary("id-1", (("email", "A@B.c"),), {"name": "Ann"}, (), T0, T0)
    assert summary.name == "Ann" and summary.label == "Ann" and summary.sort_key == (T0, "a@b.c", "id-1")


def test_summary_label_prefers_names():
    def label(attributes, identifiers=()):
        return profiles.CustomerSummary("id-1", tuple(identifiers), attributes, (), T0, T0).label

    assert label({"name": " Ann "}) == "Ann"
    assert label({"first_name": "Ann", "last_name": "Lee"}) == "Ann Lee"
    # As exports and SDKs spell them (Mailchimp, Shopify, Segment traits).
    assert label({"First name": "Ann", "Last name": "Lee"}) == "Ann Lee"
    assert label({"firstName": "Ann", "lastName": "Lee", "email": "a@b.c"}) == "Ann Lee"
    assert label({"given_name": "Ann", "surname": "Lee"}) == "Ann Lee"
    assert label({"Full Name": "Ann Lee", "first_name": "A"}) == "Ann Lee"
    assert label({"displayName": "annie"}) == "annie"
    assert label({"Last name": "Lee", "First name": " "}) == "Lee"
    assert label({"first_name": 7}, [("email", "a@b.c")]) == "a@b.c"  # not text: not a name
    assert label({}, [("email", "a@b.c"), ("user_id", "7")]) == "a@b.c"
    assert label({}, [("anonymous_id", "anon")]) == "anon"
    assert label({}) == "id-1"
    # In the languages of the shops' own exports.
    assert label({"Nom": "Durand", "Prénom": "Marie"}) == "Marie Durand"
    assert label({"Nom": "Marie Durand"}) == "Marie Durand"
    assert label({"Vorname": "Jörg", "Nachname": "Weiß"}) == "Jörg Weiß"
    assert label({"Nombre": "Ana", "Apellidos": "García López"}) == "Ana García López"
    assert label({"姓名": "张伟", "城市": "上海"}) == "张伟"
    assert label({"姓": "张", "名": "伟"}) == "张伟"                     # family name first, unspaced
    assert label({"Nom complet": "Marie Durand", "Nom": "Durand"}) == "Marie Durand"
    assert label({"Kunde": "Anna Müller", "Umsatz": 1234.5}) == "Anna Müller"  # a German shop's list
    assert label({"Customer name": "Ann Lee"}) == "Ann Lee"


# ---------------------------------------------------------------------------------------------
# Naming one customer
# ---------------------------------------------------------------------------------------------

def test_resolve_reads_kind_value_bare_values_and_ids(ws: Workspace):
    ann = ws.upsert_customer({"email": "Ann@Example.com", "user_id": "42"})
    bob = ws.upsert_customer({"phone": "+86 138-0000-1111", "custom:crm": "C:7"})
    assert profiles.resolve(ws, "email:Ann@Example.com") == ann
    assert profiles.resolve(ws, "email:ann@example.COM") == ann   # e-mail case does not matter
    assert profiles.resolve(ws, "  user_id:42 ") == ann
    assert profiles.resolve(ws, "ann@example.com") == ann
    assert profiles.resolve(ws, "42") == ann
    assert profiles.resolve(ws, ann) == ann
    assert profiles.resolve(ws, "+8613800001111") == bob           # formatting does not matter
    assert profiles.resolve(ws, "+86 (138) 0000.1111") == bob
    assert profiles.resolve(ws, "phone:+86 138-0000-1111") == bob
    assert profiles.resolve(ws, "custom:crm:C:7") == bob
    assert profiles.parse_identifier("custom:crm:C:7") == ("custom:crm", "C:7")
    assert profiles.parse_identifier("http://x") == (None, "http://x")
    with pytest.raises(NotFound, match="no customer has user_id '43'"):
        profiles.resolve(ws, "user_id:43")
    with pytest.raises(NotFound, match="kind:value"):
        profiles.resolve(ws, "nobody@example.com")
    with pytest.raises(NotFound, match="give a customer"):
        profiles.resolve(ws, "  ")
    imposter = ws.upsert_customer({"anonymous_id": "ann@example.com"})
    with pytest.raises(AmbiguousIdentifier) as caught:
        profiles.resolve(ws, "ann@example.com")
    assert sorted(cid for cid, _ in caught.value.candidates) == sorted([ann, imposter])
    assert "email:ann@example.com" in str(caught.value) and "anonymous_id:ann@example.com" in str(caught.value)
    assert profiles.resolve(ws, "anonymous_id:ann@example.com") == imposter


# ---------------------------------------------------------------------------------------------
# Journeys for the profile, export and erasure
# ---------------------------------------------------------------------------------------------

def welcome(registry, name: str) -> Journey:
    """entry → wait a day → send → exit."""
    j = Journey(name=name)
    j.settings.status = "live"
    entry = make_node(registry, "orchestrate.entry", title="Start", config={"trigger": {"kind": "manual"}})
    pause = make_node(registry, "orchestrate.wait", title="Wait a day",
                      config={"wait": {"kind": "duration", "amount": 1, "unit": "days"}})
    send = make_node(registry, "orchestrate.send", title="Welcome mail",
                     config={"channel": "email-main", "channel_kind": "email", "subject": "Hi", "body": "Hello"})
    done = make_node(registry, "orchestrate.exit", title="Done")
    j.nodes += [entry, pause, send, done]
    connect(j, entry, "next", pause)
    connect(j, pause, "next", send)
    connect(j, send, "sent", done)
    return j


def counters(ws: Workspace, journey: Journey) -> dict[str, tuple[int, int, int]]:
    with ws.engine.connect() as conn:
        return {r.node_id: (r.entered, r.active, r.exited) for r in conn.execute(
            select(NodeCounterRow).where(NodeCounterRow.journey_id == journey.id))}


def assert_conserved(ws: Workspace, journey: Journey) -> None:
    with ws.engine.connect() as conn:
        edges = {r.edge_id: r.count for r in conn.execute(
            select(EdgeCounterRow).where(EdgeCounterRow.journey_id == journey.id))}
    for node_id, (entered, active, exited) in counters(ws, journey).items():
        out = sum(edges.get(e.id, 0) for e in journey.edges if e.source.node == node_id)
        assert entered == out + active + exited and active >= 0, node_id


@pytest.fixture
def story(ws: Workspace, registry):
    """Ann finished one journey (with a delivery) and waits in another; Bob waits in the second too."""
    first, second = welcome(registry, "Welcome"), welcome(registry, "Win-back")
    for journey in (first, second):
        ws.create_journey(journey)
        ws.publish(journey.id, registry)
    clock = VirtualClock(T0)
    mail = RecordingChannel()
    runner = Runner(ws, registry, clock, {"email-main": mail}, mode="live")
    ann = ws.upsert_customer({"email": "ann@example.com", "user_id": "42"}, {"first_name": "Ann", "email": "ann@example.com"},
                             consent={"email": True}, tags=["vip"], time_zone="Europe/Paris")
    bob = ws.upsert_customer({"email": "bob@example.com"}, {"first_name": "Bob", "email": "bob@example.com"},
                             consent={"email": True})
    for day in range(3):
        ws.ingest_event({"user_id": "42"}, "page_view", {"path": f"/p{day}"}, occurred_at=T0 - (3 - day) * DAY,
                        source="Website")
    ws.ingest_event({"email": "bob@example.com"}, "page_view", {"path": "/"}, occurred_at=T0)
    runner.enter(first.id, ann)
    clock.advance(DAY)
    runner.tick()
    runner.enter(second.id, ann)
    runner.enter(second.id, bob)
    segment = SegmentStore(ws).create("VIP", {"conditions": [{"kind": "tag", "tag": "vip"}]})
    SegmentStore(ws).refresh(segment.id, T0)
    with ws._session(write=True) as s:
        s.add(OptOutRow(channel_kind="email", address="ann@example.com", customer_id=ann, source="unsubscribe",
                        reference="msg-1", received_at=T0))
        s.add(IdentityMergeRow(kept_customer_id=ann, merged_customer_id="gone-1",
                               identifiers={"anonymous_id": "anon-9"}, reason="identify", at=T0))
    return {"first": first, "second": second, "ann": ann, "bob": bob, "mail": mail, "segment": segment}


def test_profile_shows_events_journeys_segments_and_opt_outs(ws: Workspace, story):
    view = profiles.profile(ws, story["ann"], events_limit=2)
    assert view.customer.identifiers == (("email", "ann@example.com"), ("user_id", "42"))
    assert view.customer.tags == ("vip",) and view.customer.consent == {"email": True}
    assert view.events.total == 3
    assert [e.properties["path"] for e in view.events.items] == ["/p2", "/p1"]  # newest first
    older = profiles.events_page(ws, story["ann"], offset=2, limit=2)
    assert older.total == 3 and [e.properties["path"] for e in older.items] == ["/p0"]
    assert profiles.events_page(ws, story["ann"], name="nothing").total == 0
    runs = {r.journey_name: r for r in view.journeys}
    assert set(runs) == {"Welcome", "Win-back"}
    assert (runs["Welcome"].status, runs["Welcome"].node_title) == ("done", "Done")
    assert (runs["Win-back"].status, runs["Win-back"].node_title) == ("waiting", "Wait a day")
    assert runs["Win-back"].version_number == 1 and runs["Win-back"].wake_at == T0 + 2 * DAY
    assert view.journeys[0].journey_name == "Win-back"  # newest first
    assert view.segments == [(story["segment"].id, "VIP", T0)]
    assert view.opt_outs == [("email", "ann@example.com")]
    with pytest.raises(NotFound):
        profiles.profile(ws, "nobody")
    with pytest.raises(NotFound):
        profiles.events_page(ws, "nobody")
    with pytest.raises(NotFound):
        profiles.journey_runs(ws, "nobody")


def test_edit_attributes_consent_tags_and_zone(ws: Workspace):
    ann = ws.upsert_customer({"email": "ann@example.com"}, {"plan": "free", "city": "Lyon"}, consent={"sms": True})
    before = ws.get_customer(ann)
    after = profiles.edit(ws, ann, attributes={"plan": "pro", "city": None, "age": 41},
                          consent={"email": True, "sms": None}, tags=["b", "a", "b"], time_zone="Asia/Shanghai")
    assert after.attributes == {"plan": "pro", "age": 41}
    assert after.consent == {"email": True} and after.tags == ("a", "b") and after.time_zone == "Asia/Shanghai"
    assert after.updated_at >= before.updated_at
    replaced = profiles.edit(ws, ann, attributes={"tier": "gold", "gone": None}, replace_attributes=True,
                             time_zone="")
    assert replaced.attributes == {"tier": "gold"} and replaced.time_zone is None
    with pytest.raises(CustomerDataInvalid) as caught:
        profiles.edit(ws, ann, attributes={"x": 1}, tags=["ok", ""])
    assert caught.value.field == "tags[1]"
    assert ws.get_customer(ann).attributes == {"tier": "gold"}  # nothing written
    with pytest.raises(CustomerDataInvalid):
        profiles.edit(ws, ann, time_zone="Mars/Olympus")
    with pytest.raises(NotFound):
        profiles.edit(ws, "nobody", tags=[])


def test_export_holds_everything_about_one_customer(ws: Workspace, story):
    data = profiles.export(ws, story["ann"], now=T0)
    json.dumps(data)  # plain JSON data all through
    assert data["customer_id"] == story["ann"] and data["exported_at"] == T0.isoformat()
    assert data["identifiers"] == [{"kind": "email", "value": "ann@example.com"}, {"kind": "user_id", "value": "42"}]
    assert data["attributes"] == {"first_name": "Ann", "email": "ann@example.com"}
    assert data["consent"] == {"email": True} and data["tags"] == ["vip"] and data["time_zone"] == "Europe/Paris"
    assert [e["properties"]["path"] for e in data["events"]] == ["/p0", "/p1", "/p2"]
    assert data["events"][0]["source"] == "Website"
    runs = {r["journey_name"]: r for r in data["journey_runs"]}
    assert set(runs) == {"Welcome", "Win-back"}
    done = runs["Welcome"]
    assert done["status"] == "done" and done["version"] == 1
    assert [s["port"] for s in done["steps"]][:2] == ["next", None]
    (delivery,) = done["deliveries"]
    assert delivery["status"] == "sent" and delivery["channel"] == "email-main"
    assert runs["Win-back"]["deliveries"] == [] and runs["Win-back"]["status"] == "waiting"
    assert data["segments"] == [{"id": story["segment"].id, "name": "VIP", "since": T0.isoformat()}]
    assert data["segments_matching_now"] == [{"id": story["segment"].id, "name": "VIP"}]
    # Rules that pick her now count even before the segment's next refresh stores her in it.
    fresh = SegmentStore(ws).create("Paris people", {"conditions": [{"kind": "attribute", "attribute": "first_name",
                                                                     "operator": "eq", "value": "Ann"}]})
    now = profiles.export(ws, story["ann"], now=T0)
    assert now["segments"] == data["segments"]
    assert now["segments_matching_now"] == [{"id": fresh.id, "name": "Paris people"},
                                            {"id": story["segment"].id, "name": "VIP"}]
    assert profiles.export(ws, story["bob"])["segments_matching_now"] == []
    assert data["opt_outs"][0]["address"] == "ann@example.com"
    assert data["identity_merges"][0]["identifiers"] == {"anonymous_id": "anon-9"}
    other = profiles.export(ws, story["bob"])
    assert other["events"][0]["properties"] == {"path": "/"} and len(other["journey_runs"]) == 1
    assert other["opt_outs"] == [] and other["identity_merges"] == []


def test_erase_removes_everything_and_keeps_counters_and_opt_outs_honest(ws: Workspace, story):
    ann, bob, second = story["ann"], story["bob"], story["second"]
    wait_id = second.nodes[1].id
    assert counters(ws, second)[wait_id] == (2, 2, 0)
    bob_before = profiles.export(ws, bob, now=T0)

    done = profiles.erase(ws, ann)
    assert (done.events, done.identifiers, done.runs, done.open_runs, done.deliveries) == (3, 2, 2, 1, 1)
    assert done.steps >= 5 and done.segment_memberships == 1 and done.identity_merges == 1
    assert done.opt_outs_kept == 1

    assert count(ws, CustomerRow, CustomerRow.id == ann) == 0
    assert count(ws, IdentifierRow, IdentifierRow.customer_id == ann) == 0
    assert count(ws, EventRow, EventRow.customer_id == ann) == 0
    assert count(ws, RunRow, RunRow.customer_id == ann) == 0
    assert count(ws, DeliveryRow, DeliveryRow.customer_id == ann) == 0
    assert count(ws, StepRow, StepRow.run_id.notin_(select(RunRow.id))) == 0
    assert count(ws, SegmentMemberRow, SegmentMemberRow.customer_id == ann) == 0
    assert count(ws, IdentityMergeRow) == 0
    assert ws.find_customer("email", "ann@example.com") is None
    # The opt-out stays, by address only.
    with ws.engine.connect() as conn:
        (opt_out,) = conn.execute(select(OptOutRow)).all()
    assert (opt_out.address, opt_out.channel_kind, opt_out.customer_id) == ("ann@example.com", "email", None)
    # Ann's open run left the wait node's "active" for its "exited"; Bob's is still counted.
    assert counters(ws, second)[wait_id] == (2, 1, 1)
    assert_conserved(ws, second)
    assert_conserved(ws, story["first"])
    # Bob is untouched.
    bob_after = profiles.export(ws, bob, now=T0)
    assert bob_after == bob_before
    assert SegmentStore(ws).get(story["segment"].id).member_count == 0
    with pytest.raises(NotFound):
        profiles.erase(ws, ann)
    # An address erased from the profiles can be imported again; its opt-out still applies to it.
    again = ws.upsert_customer({"email": "ann@example.com"})
    assert again != ann


# ---------------------------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def cli_ws(tmp_path: Path):
    location = tmp_path / "workspace.db"
    with Workspace.open(location) as ws:
        ann = ws.upsert_customer({"email": "ann@example.com", "user_id": "42"}, {"name": "Ann", "city": "Lyon"},
                                 consent={"email": True}, tags=["vip"])
        ws.upsert_customer({"phone": "+8613800001111"}, {"name": "Bob"})
        ws.ingest_event({"user_id": "42"}, "order", {"total": 9.5, "item": "茶"}, occurred_at=T0, source="Shop")
    return str(location), ann


def test_cli_show_writes_times_in_this_computers_zone(cli_ws):
    import os
    import subprocess
    import sys

    location, _ann = cli_ws
    env = {**os.environ, "TZ": "Asia/Shanghai"}
    res = subprocess.run([sys.executable, "-m", "engine.cli", "profiles", "show", "email:ann@example.com",
                          "--workspace", location], capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 0, res.stderr
    event_lines = [line for line in res.stdout.splitlines() if "+08:00" in line]
    assert event_lines and all("T" not in line.split()[1] for line in event_lines)  # 2025-01-01 10:00:00 +08:00


def test_cli_export_prints_or_writes_json(cli_ws, tmp_path, capsys):
    location, ann = cli_ws
    assert main(["profiles", "export", "email:ann@example.com", "--workspace", location]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in ("identifiers", "attributes", "consent", "events", "journey_runs"):
        assert key in data
    assert data["customer_id"] == ann and data["events"][0]["properties"]["item"] == "茶"
    out = tmp_path / "ann.json"
    assert main(["profiles", "--workspace", location, "export", "42", "--out", str(out)]) == 0
    assert f"exported customer {ann} (1 event, 0 journey runs) to {out}" in capsys.readouterr().out
    assert json.loads(out.read_text(encoding="utf-8"))["identifiers"] == data["identifiers"]
    assert main(["profiles", "export", "nobody@example.com", "--workspace", location]) == 1
    err = capsys.readouterr().err
    assert "no customer has the identifier or id 'nobody@example.com'" in err and "profiles search" not in err
    assert main(["profiles", "show", "张 伟", "--workspace", location]) == 1  # a name: search finds those
    assert "to find customers by name or any attribute value: journey-studio profiles search '张 伟'" in \
        capsys.readouterr().err
    assert main(["profiles", "export", "42", "--workspace", location, "--out",
                 str(tmp_path / "missing" / "x.json")]) == 1
    assert "cannot write there" in capsys.readouterr().err


def test_cli_show_and_search(cli_ws, capsys):
    location, ann = cli_ws
    assert main(["profiles", "show", "+86 138 0000 1111", "--workspace", location]) == 0
    assert "  attributes:\n    name: Bob\n" in capsys.readouterr().out
    assert main(["profiles", "show", "user_id:42", "--json", "--workspace", location]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["id"] == ann and shown["event_count"] == 1 and shown["consent"] == {"email": True}
    assert main(["profiles", "search", "LYON", "--workspace", location]) == 0
    out = capsys.readouterr().out
    assert f"{ann}  Ann  (email:ann@example.com, user_id:42)" in out and "1–1 of 1 customer" in out
    assert main(["profiles", "search", "--json", "--limit", "1", "--workspace", location]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["total"] == 2 and len(listed["customers"]) == 1
    assert main(["profiles", "search", "zzz", "--workspace", location]) == 0
    assert "no customers match 'zzz'" in capsys.readouterr().out
    assert main(["profiles", "--workspace", location]) == 2


def test_cli_delete_asks_on_a_terminal_and_refuses_without_one(cli_ws, monkeypatch, capsys):
    location, ann = cli_ws
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["profiles", "delete", "user_id:42", "--workspace", location]) == 1
    err = capsys.readouterr().err
    assert "nothing deleted" in err and "add --yes" in err
    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    assert main(["profiles", "delete", "user_id:42", "--workspace", location]) == 1
    out = capsys.readouterr().out
    assert "Delete customer" in out and "1 event" in out and "nothing deleted" in out
    with Workspace.open(location) as ws:
        assert ws.get_customer(ann).id == ann
    monkeypatch.setattr("sys.stdin", Terminal("yes\n"))
    assert main(["profiles", "delete", "user_id:42", "--workspace", location]) == 0
    out = capsys.readouterr().out
    assert f"deleted customer {ann}: 1 event, 2 identifiers" in out
    assert "again later makes a new profile" in out
    assert main(["profiles", "delete", "+8613800001111", "--yes", "--workspace", location]) == 0
    capsys.readouterr()
    with Workspace.open(location) as ws:
        assert profiles.search(ws).total == 0
    assert main(["profiles", "delete", "user_id:42", "--yes", "--workspace", location]) == 1
    assert "no customer has user_id '42'" in capsys.readouterr().err
