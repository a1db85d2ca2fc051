"""Identity rules: linking identifiers, merging an anonymous profile into a known one with its
events, identifiers, runs, deliveries, segment memberships and opt-outs; consent and attribute
rules; refusals; the record in ``identity_merges``; SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from engine.document import Journey, new_id
from engine.errors import CustomerDataInvalid, NotFound
from engine.store import Workspace
from engine.store.models import (
    CustomerRow,
    DeliveryRow,
    IdentityMergeRow,
    NodeCounterRow,
    OptOutRow,
    RunRow,
    SegmentMemberRow,
    SegmentRow,
    StepRow,
)
from engine.track import identity
from engine.track.collector_messages import apply_profile

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def rows(ws: Workspace, model, **where) -> list:
    query = select(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    with ws._session() as s:
        return list(s.scalars(query))


def add_run(ws: Workspace, journey_id: str, customer_id: str, *, status: str = "waiting", mode: str = "live",
            node_id: str = "wait") -> str:
    """A run parked at ``node_id`` with its node counted as the runner counts it."""
    run_id = new_id()
    with ws._session(write=True) as s:
        conn = s.connection()
        conn.execute(insert(RunRow.__table__).values(
            id=run_id, journey_id=journey_id, version_number=1, customer_id=customer_id, mode=mode,
            node_id=node_id, status=status, wake_at=T0 + timedelta(days=1) if status != "done" else None,
            wait_event="order" if status == "waiting" else None, wait_filters=[], vars={}, visits=[node_id],
            goals=[], event={}, started_at=T0, updated_at=T0, converted=False, steps=1))
        counter = s.get(NodeCounterRow, (journey_id, 1, mode, node_id))
        if counter is None:
            counter = NodeCounterRow(journey_id=journey_id, version_number=1, mode=mode, node_id=node_id,
                                     entered=0, active=0, exited=0, converted=0)
            s.add(counter)
        counter.entered += 1
        if status == "done":
            counter.exited += 1
        else:
            counter.active += 1
    return run_id


# ----------------------------------------------------------------------------------------------
# The rules, one by one
# ----------------------------------------------------------------------------------------------

def test_identifiers_are_ordered_strongest_first():
    pairs = [("anonymous_id", "a"), ("distinct_id", "d"), ("custom:card", "c"), ("phone", "p"),
             ("email", "e"), ("user_id", "u"), ("anonymous_id", "a")]
    assert identity.ordered(pairs) == (("user_id", "u"), ("email", "e"), ("phone", "p"), ("custom:card", "c"),
                                       ("distinct_id", "d"), ("anonymous_id", "a"))


def test_identify_attaches_the_user_id_to_the_visitors_profile(ws: Workspace):
    visitor = ws.upsert_customer({"anonymous_id": "anon-1"}, {"utm_source": "ads"})
    ws.ingest_event({"anonymous_id": "anon-1"}, "Page Viewed", occurred_at=T0)

    result = identity.identify(ws, "user-1", "anon-1", traits={"name": "Ana"})

    assert result.customer_id == visitor
    assert result.merges == ()
    record = ws.get_customer(visitor)
    assert ("user_id", "user-1") in record.identifiers
    assert record.attributes == {"utm_source": "ads", "name": "Ana"}


def test_identify_merges_the_anonymous_profile_into_the_known_one(ws: Workspace):
    known = ws.upsert_customer({"user_id": "user-1"}, {"name": "Ana", "plan": "pro"}, tags=["vip"],
                               consent={"email": True, "sms": True}, time_zone=None)
    anon = ws.upsert_customer({"anonymous_id": "anon-1", "custom:cookie": "c-9"},
                              {"name": "visitor", "utm_source": "ads"}, tags=["web"],
                              consent={"sms": False, "push": True}, time_zone="Europe/Paris")
    ws.ingest_event({"anonymous_id": "anon-1"}, "Page Viewed", {"path": "/"}, T0)
    ws.ingest_event({"anonymous_id": "anon-1"}, "Product Viewed", {"sku": "A"}, T0 + timedelta(minutes=1))
    ws.ingest_event({"user_id": "user-1"}, "Signed In", {}, T0 + timedelta(minutes=2))

    result = identity.identify(ws, "user-1", "anon-1")

    assert result.customer_id == known
    assert [(m.kept_customer_id, m.merged_customer_id, m.reason) for m in result.merges] == \
        [(known, anon, "identify")]
    with pytest.raises(NotFound):
        ws.get_customer(anon)
    record = ws.get_customer(known)
    assert set(record.identifiers) == {("user_id", "user-1"), ("anonymous_id", "anon-1"), ("custom:cookie", "c-9")}
    # The known profile's values win; the anonymous one fills the gaps.
    assert record.attributes == {"name": "Ana", "plan": "pro", "utm_source": "ads"}
    assert record.tags == ("vip", "web")
    assert record.time_zone == "Europe/Paris"
    # A refusal on either side wins; a consent counts only where no one refused.
    assert record.consent == {"email": True, "sms": False, "push": True}
    assert [e.name for e in ws.customer_events(known)] == ["Page Viewed", "Product Viewed", "Signed In"]
    assert ws.find_customer("anonymous_id", "anon-1") == known

    merges = rows(ws, IdentityMergeRow)
    assert len(merges) == 1
    assert merges[0].kept_customer_id == known and merges[0].merged_customer_id == anon
    assert merges[0].reason == "identify"
    assert sorted(map(tuple, merges[0].identifiers["moved"])) == [("anonymous_id", "anon-1"),
                                                                  ("custom:cookie", "c-9")]
    assert [tuple(p) for p in merges[0].identifiers["linked_by"]] == [("user_id", "user-1"),
                                                                       ("anonymous_id", "anon-1")]
    assert identity.merge_history(ws, known)[0].merged_customer_id == anon


def test_a_second_user_on_a_shared_browser_is_not_merged(ws: Workspace):
    first = ws.upsert_customer({"user_id": "user-1", "anonymous_id": "anon-shared"})
    second = ws.upsert_customer({"user_id": "user-2"})

    result = identity.identify(ws, "user-2", "anon-shared")

    assert result.customer_id == second
    assert result.merges == ()
    assert [(r.pair, r.owner) for r in result.refusals] == [(("anonymous_id", "anon-shared"), first)]
    assert ws.find_customer("anonymous_id", "anon-shared") == first
    assert ws.get_customer(first).identifier("user_id") == "user-1"


def test_a_new_user_id_is_not_given_to_a_profile_that_has_one(ws: Workspace):
    first = ws.upsert_customer({"user_id": "user-1", "anonymous_id": "anon-shared"})

    result = identity.identify(ws, "user-2", "anon-shared")

    assert result.customer_id != first
    assert result.refusals and result.refusals[0].owner == first
    assert ws.find_customer("user_id", "user-2") == result.customer_id
    assert ws.find_customer("anonymous_id", "anon-shared") == first


def test_alias_merges_even_two_known_profiles(ws: Workspace):
    old = ws.upsert_customer({"user_id": "old-id"}, {"city": "Lyon"})
    new = ws.upsert_customer({"user_id": "new-id"}, {"name": "Ana"})
    ws.ingest_event({"user_id": "old-id"}, "Ordered", occurred_at=T0)

    result = identity.alias(ws, "old-id", "new-id")

    assert result.customer_id == new
    assert [m.reason for m in result.merges] == ["alias"]
    record = ws.get_customer(new)
    assert {("user_id", "old-id"), ("user_id", "new-id")} <= set(record.identifiers)
    assert record.attributes == {"city": "Lyon", "name": "Ana"}
    assert [e.name for e in ws.customer_events(new)] == ["Ordered"]
    with pytest.raises(NotFound):
        ws.get_customer(old)


def test_alias_of_an_unknown_previous_id_keeps_it_as_an_anonymous_id(ws: Workspace):
    result = identity.alias(ws, "device-7", "user-1")
    assert ws.find_customer("anonymous_id", "device-7") == result.customer_id
    assert ws.find_customer("user_id", "device-7") is None


def test_track_signup_makes_the_login_id_a_user_id(ws: Workspace):
    anon = ws.upsert_customer({"distinct_id": "device-1"})
    result = identity.track_signup(ws, "login-9", "device-1")
    assert result.customer_id == anon
    record = ws.get_customer(anon)
    assert {("distinct_id", "device-1"), ("distinct_id", "login-9"), ("user_id", "login-9")} <= set(record.identifiers)


def test_merge_customers_refuses_missing_or_identical_profiles(ws: Workspace):
    only = ws.upsert_customer({"email": "a@example.com"})
    with pytest.raises(NotFound):
        identity.merge_customers(ws, only, "no-such-customer")
    with pytest.raises(ValueError):
        identity.merge_customers(ws, only, only)


def test_bad_identifiers_are_refused_naming_the_field(ws: Workspace):
    with pytest.raises(CustomerDataInvalid) as err:
        identity.link(ws, [("nickname", "x")])
    assert "nickname" in str(err.value)
    with pytest.raises(CustomerDataInvalid):
        identity.link(ws, [("user_id", "   ")])
    with pytest.raises(CustomerDataInvalid):
        identity.link(ws, [])


def test_consent_rule():
    assert identity.merge_consent({"email": True}, {"email": False}) == {"email": False}
    assert identity.merge_consent({"email": False}, {"email": True}) == {"email": False}
    assert identity.merge_consent({"email": True}, {}) == {"email": True}
    assert identity.merge_consent({}, {"sms": True}) == {"sms": True}


def test_profile_operations():
    attrs = {"points": 1, "tags": ["a"], "name": "x", "flag": True}
    result = apply_profile(attrs, (("set", {"name": "Ana", "gone": None}), ("set_once", {"name": "B", "city": "Lyon"}),
                                   ("increment", {"points": 2, "new": 1.5, "flag": 1}),
                                   ("append", {"tags": ["a", "b"], "fresh": ["x"]}), ("unset", ["city"])))
    assert result == {"points": 3, "tags": ["a", "b"], "name": "Ana", "flag": 1, "new": 1.5, "fresh": ["x"]}
    assert attrs["points"] == 1  # the input is left alone
    assert apply_profile(result, (("delete", None),)) == {}
    assert apply_profile({"big": 1e308}, (("increment", {"big": 1e308}),)) == {"big": 1e308}


# ----------------------------------------------------------------------------------------------
# Journey runs, deliveries, segments and opt-outs move with the profile
# ----------------------------------------------------------------------------------------------

def test_runs_move_and_a_duplicate_open_run_is_ended(ws: Workspace):
    shared = ws.create_journey(Journey(name="Welcome")).id
    other = ws.create_journey(Journey(name="Win-back")).id
    known = ws.upsert_customer({"user_id": "user-1"})
    anon = ws.upsert_customer({"anonymous_id": "anon-1"})
    kept_run = add_run(ws, shared, known)
    ended_run = add_run(ws, shared, anon)
    moved_run = add_run(ws, other, anon)
    test_run = add_run(ws, shared, anon, mode="test")
    finished = add_run(ws, shared, anon, status="done")
    with ws._session(write=True) as s:
        s.add(DeliveryRow(id=new_id(), idempotency_key=new_id(), run_id=moved_run, customer_id=anon, mode="live",
                          node_id="send", channel="email-main", channel_kind="email", status="sent", reason="",
                          attempts=1, frequency_cap_exempt=False, created_at=T0, updated_at=T0))
        s.add(OptOutRow(channel_kind="sms", address="+33600000000", customer_id=anon, source="sms",
                        received_at=T0))
        for name in ("both", "anon only"):
            s.add(SegmentRow(id=name, name=name, rules={}, created_at=T0, updated_at=T0))
        s.flush()
        s.add(SegmentMemberRow(segment_id="both", customer_id=known, since=T0))
        s.add(SegmentMemberRow(segment_id="both", customer_id=anon, since=T0))
        s.add(SegmentMemberRow(segment_id="anon only", customer_id=anon, since=T0))

    result = identity.identify(ws, "user-1", "anon-1")

    assert result.merges[0].ended_runs == (ended_run,)
    runs = {r.id: r for r in rows(ws, RunRow)}
    assert {r.customer_id for r in runs.values()} == {known}
    assert runs[kept_run].status == "waiting"
    assert runs[ended_run].status == "done" and runs[ended_run].wake_at is None
    assert runs[ended_run].wait_event is None
    assert runs[moved_run].status == "waiting"  # another journey: it simply goes on
    assert runs[test_run].status == "waiting"  # test runs never meet live ones
    assert runs[finished].status == "done"
    note = rows(ws, StepRow, run_id=ended_run)[-1].note
    assert known in note and kept_run in note
    counter = rows(ws, NodeCounterRow, journey_id=shared, mode="live", node_id="wait")[0]
    # Three live runs entered; two are still parked there; two exited (one finished, one ended).
    assert (counter.entered, counter.active, counter.exited) == (3, 1, 2)
    assert counter.entered == counter.active + counter.exited
    assert {d.customer_id for d in rows(ws, DeliveryRow)} == {known}
    assert {o.customer_id for o in rows(ws, OptOutRow)} == {known}
    members = sorted((m.segment_id, m.customer_id) for m in rows(ws, SegmentMemberRow))
    assert members == [("anon only", known), ("both", known)]
    recorded = rows(ws, IdentityMergeRow)[0]
    assert recorded.identifiers["ended_runs"] == [ended_run]


def test_a_merge_is_all_or_nothing(ws: Workspace, monkeypatch):
    known = ws.upsert_customer({"user_id": "user-1"})
    anon = ws.upsert_customer({"anonymous_id": "anon-1"})
    ws.ingest_event({"anonymous_id": "anon-1"}, "Viewed", occurred_at=T0)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(identity, "_end_duplicate_runs", broken)
    with pytest.raises(RuntimeError):
        identity.identify(ws, "user-1", "anon-1")
    assert ws.find_customer("anonymous_id", "anon-1") == anon
    assert [e.customer_id for e in ws.customer_events(anon)] == [anon]
    assert rows(ws, IdentityMergeRow) == []
    assert len(rows(ws, CustomerRow)) == 2 and ws.get_customer(known).identifiers == (("user_id", "user-1"),)


def test_resolver_merges_a_profile_made_earlier_in_the_same_transaction(ws: Workspace):
    from engine.store.models import utcnow

    known = ws.upsert_customer({"user_id": "user-1"})
    with ws._session(write=True) as s:
        resolver = identity.IdentityResolver(s.connection(), utcnow())
        resolver.load([("anonymous_id", "anon-new"), ("user_id", "user-1")])
        made = resolver.resolve([("anonymous_id", "anon-new")])
        assert resolver.is_new(made)
        kept = resolver.resolve(identity.ordered([("anonymous_id", "anon-new"), ("user_id", "user-1")]),
                                reason="identify")
        resolver.flush()
    assert kept == known
    assert resolver.current(made) == known
    assert ws.find_customer("anonymous_id", "anon-new") == known
    assert len(rows(ws, CustomerRow)) == 1


# ----------------------------------------------------------------------------------------------
# PostgreSQL
# ----------------------------------------------------------------------------------------------

def test_merge_on_postgresql(pg_url):
    with Workspace.open(pg_url) as ws:
        journey = ws.create_journey(Journey(name="Welcome")).id
        known = ws.upsert_customer({"user_id": "user-1"}, {"name": "Ana"}, consent={"email": True})
        anon = ws.upsert_customer({"anonymous_id": "anon-1"}, {"name": "x", "city": "Lyon"},
                                  consent={"email": False})
        ws.ingest_event({"anonymous_id": "anon-1"}, "Viewed", {"n": 1}, T0)
        add_run(ws, journey, known)
        ended = add_run(ws, journey, anon)

        result = identity.identify(ws, "user-1", "anon-1")

        assert result.customer_id == known and result.merges[0].ended_runs == (ended,)
        record = ws.get_customer(known)
        assert record.attributes == {"name": "Ana", "city": "Lyon"}
        assert record.consent == {"email": False}
        assert [e.name for e in ws.customer_events(known)] == ["Viewed"]
        assert len(rows(ws, IdentityMergeRow)) == 1
