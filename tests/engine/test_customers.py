"""Tests of the customer store: identity resolution, profile merging, events, dedup and batch ingest."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, inspect, select

from engine.errors import CustomerDataInvalid, IdentityConflict, NotFound, WorkspaceError
from engine.store import Workspace, alembic_config
from engine.store.customers import LOOKUP_CHUNK, CustomerRecord, EventRecord
from engine.store.models import CustomerRow, EventRow, IdentifierRow

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def table_contents(ws: Workspace) -> dict[str, list[tuple]]:
    """Every row of the three tables, to show that a refused call changed nothing."""
    with ws.engine.connect() as conn:
        return {
            "customers": sorted(tuple(r) for r in conn.execute(
                select(CustomerRow.id, CustomerRow.attributes, CustomerRow.consent, CustomerRow.tags,
                       CustomerRow.time_zone, CustomerRow.updated_at))),
            "identifiers": sorted(tuple(r) for r in conn.execute(select(IdentifierRow.__table__))),
            "events": sorted(tuple(r) for r in conn.execute(
                select(EventRow.id, EventRow.customer_id, EventRow.name, EventRow.dedup_key))),
        }


def count(ws: Workspace, model) -> int:
    with ws.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model))


# ----------------------------------------------------------------------------------------------
# Customers
# ----------------------------------------------------------------------------------------------

def test_upsert_creates_a_customer(ws: Workspace):
    customer_id = ws.upsert_customer({"email": "  ana@example.com ", "custom:loyalty_card": "L-17"},
                                     {"first_name": "Ana", "plan": None, "orders": 3},
                                     time_zone="Europe/Paris", consent={"email": True, "sms": None},
                                     tags=["vip", "newsletter", "vip"])
    record = ws.get_customer(customer_id)
    assert isinstance(record, CustomerRecord)
    assert record.id == customer_id
    assert record.attributes == {"first_name": "Ana", "orders": 3}
    assert record.time_zone == "Europe/Paris"
    assert record.consent == {"email": True}
    assert record.tags == ("newsletter", "vip")
    assert record.identifiers == (("custom:loyalty_card", "L-17"), ("email", "ana@example.com"))
    assert record.identifier("email") == "ana@example.com"
    assert record.identifier("phone") is None
    assert record.created_at == record.updated_at
    assert record.created_at.utcoffset() == timedelta(0)
    assert ws.find_customer("email", "ana@example.com") == customer_id
    assert ws.find_customer("custom:loyalty_card", "L-17") == customer_id
    assert ws.find_customer("email", "someone@example.com") is None
    assert count(ws, CustomerRow) == 1


def test_upsert_merges_attributes_consent_and_replaces_tags(ws: Workspace):
    customer_id = ws.upsert_customer({"user_id": "u-1"}, {"plan": "free", "city": "Lyon", "orders": 1},
                                     consent={"email": True, "sms": False}, tags=["trial"],
                                     time_zone="Europe/Paris")
    created = ws.get_customer(customer_id)

    again = ws.upsert_customer({"user_id": "u-1"}, {"plan": "pro", "city": None, "age": 41},
                               consent={"sms": True, "push": False}, tags=["paying"])
    assert again == customer_id
    merged = ws.get_customer(customer_id)
    assert merged.attributes == {"plan": "pro", "orders": 1, "age": 41}
    assert merged.consent == {"email": True, "sms": True, "push": False}
    assert merged.tags == ("paying",)
    assert merged.time_zone == "Europe/Paris"
    assert merged.created_at == created.created_at
    assert merged.updated_at > created.updated_at

    # Nothing given: nothing changes, not even the time of the last change.
    ws.upsert_customer({"user_id": "u-1"})
    assert ws.get_customer(customer_id) == merged
    # The same values again are no change either.
    ws.upsert_customer({"user_id": "u-1"}, {"plan": "pro"}, consent={"sms": True}, tags=["paying"])
    assert ws.get_customer(customer_id) == merged

    # Removing a key, clearing consent for one channel, emptying the tags, clearing the zone.
    ws.upsert_customer({"user_id": "u-1"}, {"age": None, "missing": None}, consent={"push": None},
                       tags=[], time_zone="")
    cleared = ws.get_customer(customer_id)
    assert cleared.attributes == {"plan": "pro", "orders": 1}
    assert cleared.consent == {"email": True, "sms": True}
    assert cleared.tags == ()
    assert cleared.time_zone is None
    assert count(ws, CustomerRow) == 1


def test_upsert_attaches_new_identifiers_to_the_known_customer(ws: Workspace):
    customer_id = ws.upsert_customer({"anonymous_id": "anon-9"})
    before = ws.get_customer(customer_id)
    assert ws.upsert_customer({"anonymous_id": "anon-9", "user_id": "u-9", "email": "b@example.com"}) \
        == customer_id
    after = ws.get_customer(customer_id)
    assert after.identifiers == (("anonymous_id", "anon-9"), ("email", "b@example.com"), ("user_id", "u-9"))
    assert after.updated_at > before.updated_at
    # Any one of them now finds the customer.
    assert ws.upsert_customer({"email": "b@example.com"}, {"vip": True}) == customer_id
    assert ws.get_customer(customer_id).attributes == {"vip": True}
    assert count(ws, CustomerRow) == 1


def test_identifiers_of_two_customers_conflict(ws: Workspace):
    ana = ws.upsert_customer({"email": "ana@example.com"})
    bob = ws.upsert_customer({"user_id": "bob"})
    before = table_contents(ws)
    with pytest.raises(IdentityConflict) as err:
        ws.upsert_customer({"email": "ana@example.com", "user_id": "bob", "phone": "+33 6 00"}, {"x": 1})
    message = str(err.value)
    assert "email 'ana@example.com'" in message and "user_id 'bob'" in message
    assert ana in message and bob in message
    assert "Merge the profiles" in message
    assert sorted(err.value.customer_ids) == sorted([ana, bob])
    with pytest.raises(IdentityConflict):
        ws.ingest_event({"email": "ana@example.com", "user_id": "bob"}, "Order Completed")
    assert table_contents(ws) == before
    assert ws.find_customer("phone", "+33 6 00") is None


def test_unknown_customer_is_not_found(ws: Workspace):
    with pytest.raises(NotFound, match="no-such-customer"):
        ws.get_customer("no-such-customer")
    with pytest.raises(NotFound, match="no-such-customer"):
        ws.customer_events("no-such-customer")
    # A known customer without events is an empty list, not an error.
    customer_id = ws.upsert_customer({"email": "quiet@example.com"})
    assert ws.customer_events(customer_id) == []


def test_records_are_frozen_copies(ws: Workspace):
    customer_id = ws.upsert_customer({"email": "c@example.com"}, {"plan": "pro"})
    event = ws.ingest_event({"email": "c@example.com"}, "Viewed", {"page": "/"}, occurred_at=T0)
    record = ws.get_customer(customer_id)
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.time_zone = "UTC"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.name = "Other"  # type: ignore[misc]
    record.attributes["plan"] = "changed in memory only"
    event.properties["page"] = "changed in memory only"
    assert ws.get_customer(customer_id).attributes == {"plan": "pro"}
    assert ws.customer_events(customer_id)[0].properties == {"page": "/"}


def test_read_only_workspace_refuses_customer_writes(tmp_path: Path):
    db = tmp_path / "workspace.db"
    with Workspace.open(db) as writer:
        customer_id = writer.upsert_customer({"email": "r@example.com"})
        writer.ingest_event({"email": "r@example.com"}, "Signed Up", occurred_at=T0)
        with Workspace.open(db, read_only=True) as reader:
            assert reader.find_customer("email", "r@example.com") == customer_id
            assert [e.name for e in reader.customer_events(customer_id)] == ["Signed Up"]
            for call in (lambda: reader.upsert_customer({"email": "x@example.com"}),
                         lambda: reader.ingest_event({"email": "x@example.com"}, "Signed Up"),
                         lambda: reader.ingest_events([{"identifiers": {"email": "x@example.com"},
                                                        "name": "Signed Up"}])):
                with pytest.raises(WorkspaceError, match="read-only"):
                    call()


# ----------------------------------------------------------------------------------------------
# Events
# ----------------------------------------------------------------------------------------------

def test_ingest_creates_the_customer_and_links_identifiers(ws: Workspace):
    first = ws.ingest_event({"anonymous_id": "anon-1"}, "Page Viewed", {"path": "/pricing"},
                            occurred_at=T0, source="website")
    assert isinstance(first, EventRecord)
    assert first.created is True
    assert first.name == "Page Viewed"
    assert first.properties == {"path": "/pricing"}
    assert first.occurred_at == T0
    assert first.source == "website"
    assert first.dedup_key is None
    customer_id = first.customer_id
    assert ws.find_customer("anonymous_id", "anon-1") == customer_id

    # The visitor signs up: the user id joins the same customer.
    second = ws.ingest_event({"anonymous_id": "anon-1", "user_id": "u-1"}, "Signed Up",
                             occurred_at=T0 + timedelta(minutes=5))
    assert second.customer_id == customer_id
    assert second.id != first.id
    third = ws.ingest_event({"user_id": "u-1"}, "Order Completed", {"total": 42.5, "items": ["a", "b"]},
                            occurred_at=T0 + timedelta(days=1))
    assert third.customer_id == customer_id
    assert third.properties == {"total": 42.5, "items": ["a", "b"]}
    assert ws.customer_events(customer_id) == [dataclasses.replace(e, created=False)
                                               for e in (first, second, third)]
    assert count(ws, CustomerRow) == 1
    assert count(ws, IdentifierRow) == 2


def test_dedup_key_makes_a_repeated_ingest_a_no_op(ws: Workspace):
    first = ws.ingest_event({"email": "d@example.com"}, "Order Completed", {"order": "A-1"},
                            occurred_at=T0, dedup_key="shop:order:A-1")
    assert first.created is True
    before = table_contents(ws)
    # Same key: the stored event comes back, whatever else differs, and nothing is added: not the
    # event, not the unknown customer, not the new identifier.
    again = ws.ingest_event({"email": "someone-else@example.com"}, "Order Completed", {"order": "A-1b"},
                            occurred_at=T0 + timedelta(hours=1), dedup_key="shop:order:A-1")
    assert again.created is False
    assert dataclasses.replace(again, created=True) == first
    assert table_contents(ws) == before
    assert ws.find_customer("email", "someone-else@example.com") is None
    # Without a key, the same event is stored twice: only keys say two events are one.
    ws.ingest_event({"email": "d@example.com"}, "Order Completed", occurred_at=T0)
    ws.ingest_event({"email": "d@example.com"}, "Order Completed", occurred_at=T0)
    assert len(ws.customer_events(first.customer_id)) == 3


def test_customer_events_filter_by_name_and_since(ws: Workspace):
    ids = {"user_id": "u-5"}
    # Stored out of order on purpose: results are ordered by when they happened.
    ws.ingest_event(ids, "Order Completed", {"n": 3}, occurred_at=T0 + timedelta(days=3))
    ws.ingest_event(ids, "Page Viewed", {"n": 1}, occurred_at=T0 + timedelta(days=1))
    ws.ingest_event(ids, "Order Completed", {"n": 0}, occurred_at=T0)
    ws.ingest_event(ids, "Order Completed", {"n": 2}, occurred_at=T0 + timedelta(days=2))
    other = ws.ingest_event({"user_id": "u-6"}, "Order Completed", occurred_at=T0)
    customer_id = ws.find_customer("user_id", "u-5")

    assert [e.properties["n"] for e in ws.customer_events(customer_id)] == [0, 1, 2, 3]
    assert [e.properties["n"] for e in ws.customer_events(customer_id, name="Order Completed")] == [0, 2, 3]
    # "since" includes an event at exactly that time; a since in another zone is the same instant.
    since = (T0 + timedelta(days=2)).astimezone(timezone(timedelta(hours=-5)))
    assert [e.properties["n"] for e in ws.customer_events(customer_id, since=since)] == [2, 3]
    assert [e.properties["n"] for e in ws.customer_events(customer_id, name="Page Viewed",
                                                          since=since)] == []
    assert [e.properties["n"] for e in ws.customer_events(customer_id, name="Page Viewed")] == [1]
    assert ws.customer_events(customer_id, name="Nothing") == []
    assert [e.id for e in ws.customer_events(other.customer_id)] == [other.id]
    with pytest.raises(CustomerDataInvalid) as err:
        ws.customer_events(customer_id, since=datetime(2025, 3, 1))
    assert err.value.field == "since"


def test_times_are_stored_aware_and_come_back_in_utc(ws: Workspace):
    shanghai = timezone(timedelta(hours=8))
    local = datetime(2025, 6, 1, 8, 0, 0, 123456, tzinfo=shanghai)
    stored = ws.ingest_event({"phone": "+86 138 0000 0000"}, "Store Visit", occurred_at=local)
    assert stored.occurred_at == local
    assert stored.occurred_at.utcoffset() == timedelta(0)
    assert stored.occurred_at == datetime(2025, 6, 1, 0, 0, 0, 123456, tzinfo=UTC)
    read = ws.customer_events(stored.customer_id)[0]
    assert read.occurred_at == datetime(2025, 6, 1, 0, 0, 0, 123456, tzinfo=UTC)
    assert read.occurred_at.tzinfo is not None and read.occurred_at.utcoffset() == timedelta(0)
    assert read.received_at.utcoffset() == timedelta(0)

    # Without occurred_at, the event happened when it was received.
    before = datetime.now(UTC)
    now_event = ws.ingest_event({"phone": "+86 138 0000 0000"}, "Store Visit")
    after = datetime.now(UTC)
    assert before <= now_event.occurred_at <= after
    assert now_event.occurred_at == now_event.received_at
    assert now_event.occurred_at.utcoffset() == timedelta(0)
    assert ws.customer_events(stored.customer_id)[1].occurred_at == now_event.occurred_at


# ----------------------------------------------------------------------------------------------
# Validation: a bad input names the field and stores nothing
# ----------------------------------------------------------------------------------------------

GOOD_EVENT = {"identifiers": {"email": "v@example.com"}, "name": "Signed Up"}

BAD_EVENTS = [
    ({"identifiers": {}}, "identifiers"),
    ({"identifiers": ["email", "v@example.com"]}, "identifiers"),
    ({"identifiers": {"emial": "v@example.com"}}, "identifiers.emial"),
    ({"identifiers": {"custom:": "x"}}, "identifiers.custom:"),
    ({"identifiers": {"custom: spaced": "x"}}, "identifiers.custom: spaced"),
    ({"identifiers": {"email": "   "}}, "identifiers.email"),
    ({"identifiers": {"email": ""}}, "identifiers.email"),
    ({"identifiers": {"user_id": 42}}, "identifiers.user_id"),
    ({"identifiers": {"email": "v@example.com", "phone": None}}, "identifiers.phone"),
    ({"identifiers": {"user_id": "u" * 501}}, "identifiers.user_id"),
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": None}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"properties": ["not", "a", "dict"]}, "properties"),
    ({"properties": {1: "key is not text"}}, "properties"),
    ({"properties": {"when": datetime(2025, 1, 1, tzinfo=UTC)}}, "properties.when"),
    ({"properties": {"ratio": float("nan")}}, "properties.ratio"),
    ({"properties": {"tags": {"a", "set"}}}, "properties.tags"),
    ({"occurred_at": datetime(2025, 1, 1, 12, 0)}, "occurred_at"),
    ({"occurred_at": "2025-01-01T12:00:00Z"}, "occurred_at"),
    ({"source": 7}, "source"),
    ({"dedup_key": ""}, "dedup_key"),
    ({"dedup_key": 12}, "dedup_key"),
]


@pytest.mark.parametrize(("change", "field"), BAD_EVENTS)
def test_bad_event_names_the_field_and_stores_nothing(ws: Workspace, change: dict, field: str):
    ws.ingest_event({"user_id": "already-here"}, "Signed Up", occurred_at=T0, dedup_key="k-0")
    before = table_contents(ws)
    item = {**GOOD_EVENT, **change}
    with pytest.raises(CustomerDataInvalid) as err:
        ws.ingest_event(**item)
    assert err.value.field == field
    assert f"field '{field}'" in str(err.value)
    assert table_contents(ws) == before
    # In a batch, the same item spoils the whole batch and is named by its position.
    with pytest.raises(CustomerDataInvalid) as err:
        ws.ingest_events([GOOD_EVENT, {**GOOD_EVENT, "dedup_key": "k-1"}, item])
    assert (err.value.field, err.value.item) == (field, 2)
    assert f"item 2, field '{field}'" in str(err.value)
    assert table_contents(ws) == before


BAD_CUSTOMERS = [
    ({"identifiers": {}}, "identifiers"),
    ({"identifiers": {"mail": "a@example.com"}}, "identifiers.mail"),
    ({"identifiers": {"email": " "}}, "identifiers.email"),
    ({"attributes": "plan=pro"}, "attributes"),
    ({"attributes": {"": 1}}, "attributes"),
    ({"attributes": {"signed_up": datetime(2025, 1, 1, tzinfo=UTC)}}, "attributes.signed_up"),
    ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
    ({"time_zone": 8}, "time_zone"),
    ({"consent": {"email": "yes"}}, "consent.email"),
    ({"consent": ["email"]}, "consent"),
    ({"consent": {"": True}}, "consent"),
    ({"tags": "vip"}, "tags"),
    ({"tags": ["vip", ""]}, "tags[1]"),
    ({"tags": ["vip", 3]}, "tags[1]"),
]


@pytest.mark.parametrize(("change", "field"), BAD_CUSTOMERS)
def test_bad_customer_names_the_field_and_stores_nothing(ws: Workspace, change: dict, field: str):
    ws.upsert_customer({"email": "a@example.com"}, {"plan": "free"}, tags=["trial"])
    before = table_contents(ws)
    args = {"identifiers": {"email": "a@example.com", "user_id": "new-id"}, "attributes": {"plan": "pro"},
            **change}
    with pytest.raises(CustomerDataInvalid) as err:
        ws.upsert_customer(**args)
    assert err.value.field == field
    assert f"field '{field}'" in str(err.value)
    assert table_contents(ws) == before


def test_find_customer_checks_the_kind(ws: Workspace):
    with pytest.raises(CustomerDataInvalid) as err:
        ws.find_customer("e-mail", "a@example.com")
    assert err.value.field == "kind"
    assert "custom:<name>" in str(err.value)
    assert ws.find_customer("custom:crm", "17") is None


def test_batch_item_shape_is_checked(ws: Workspace):
    cases = [
        ("not a dict", ""),
        ({"identifiers": {"email": "a@example.com"}}, "name"),
        ({"name": "Signed Up"}, "identifiers"),
        ({**GOOD_EVENT, "propertise": {}}, "propertise"),
    ]
    for item, field in cases:
        with pytest.raises(CustomerDataInvalid) as err:
            ws.ingest_events([GOOD_EVENT, item])
        assert (err.value.field, err.value.item) == (field, 1)
    assert count(ws, EventRow) == 0
    assert count(ws, CustomerRow) == 0


# ----------------------------------------------------------------------------------------------
# Batch ingest
# ----------------------------------------------------------------------------------------------

def order_rows(n: int, start: int = 0) -> list[dict]:
    return [{"identifiers": {"email": f"c{i % 7}@example.com"}, "name": "Order Completed",
             "properties": {"order": i, "total": i * 1.5}, "occurred_at": T0 + timedelta(minutes=i),
             "source": "orders.csv", "dedup_key": f"orders.csv:{i}"} for i in range(start, start + n)]


def test_batch_ingest_counts_and_dedups(ws: Workspace):
    rows = order_rows(20)
    # The same line twice in one file counts once; the first one wins.
    rows.insert(5, {**rows[3], "properties": {"order": "copy"}})
    assert ws.ingest_events(rows) == 20
    assert count(ws, EventRow) == 20
    assert count(ws, CustomerRow) == 7
    c0 = ws.find_customer("email", "c0@example.com")
    c0_events = ws.customer_events(c0)
    assert [e.properties["order"] for e in c0_events] == [0, 7, 14]
    assert all(e.source == "orders.csv" and e.occurred_at.utcoffset() == timedelta(0) for e in c0_events)
    assert ws.customer_events(ws.find_customer("email", "c3@example.com"))[0].properties == \
        {"order": 3, "total": 4.5}

    # Importing the same file twice adds nothing.
    before = table_contents(ws)
    assert ws.ingest_events(order_rows(20)) == 0
    assert table_contents(ws) == before
    # A file that overlaps adds only its new lines.
    assert ws.ingest_events(order_rows(10, start=15)) == 5
    assert count(ws, EventRow) == 25
    # Events without a key are always added; an empty batch is nothing.
    assert ws.ingest_events([GOOD_EVENT, GOOD_EVENT]) == 2
    assert ws.ingest_events([]) == 0
    assert count(ws, EventRow) == 27


def test_batch_resolves_identity_across_items_and_stored_customers(ws: Workspace):
    known = ws.upsert_customer({"user_id": "u-1"}, {"plan": "pro"})
    items = (item for item in [  # any iterable will do, a generator too
        {"identifiers": {"user_id": "u-1", "anonymous_id": "a-1"}, "name": "Signed In"},
        {"identifiers": {"anonymous_id": "a-1"}, "name": "Page Viewed"},
        {"identifiers": {"anonymous_id": "a-2"}, "name": "Page Viewed"},
        {"identifiers": {"anonymous_id": "a-2", "email": "n@example.com"}, "name": "Signed Up"},
        {"identifiers": {"email": "n@example.com"}, "name": "Order Completed"},
    ])
    assert ws.ingest_events(items) == 5
    assert ws.find_customer("anonymous_id", "a-1") == known
    assert [e.name for e in ws.customer_events(known)] == ["Signed In", "Page Viewed"]
    newcomer = ws.find_customer("email", "n@example.com")
    assert newcomer not in (None, known)
    assert ws.find_customer("anonymous_id", "a-2") == newcomer
    assert [e.name for e in ws.customer_events(newcomer)] == ["Page Viewed", "Signed Up", "Order Completed"]
    assert ws.get_customer(known).attributes == {"plan": "pro"}
    assert count(ws, CustomerRow) == 2
    assert count(ws, IdentifierRow) == 4


def test_conflict_inside_a_batch_stores_nothing(ws: Workspace):
    stored = ws.upsert_customer({"user_id": "u-1"})
    before = table_contents(ws)
    with pytest.raises(IdentityConflict) as err:
        ws.ingest_events([
            {"identifiers": {"email": "x@example.com"}, "name": "Signed Up"},
            {"identifiers": {"phone": "+1 555 0100"}, "name": "Signed Up"},
            {"identifiers": {"email": "x@example.com", "phone": "+1 555 0100"}, "name": "Order Completed"},
        ])
    assert err.value.item == 2
    message = str(err.value)
    assert message.startswith("item 2: ")
    assert "the new customer of item 0" in message and "the new customer of item 1" in message
    assert table_contents(ws) == before

    # An anonymous visitor who became a customer of their own cannot silently join a stored one.
    with pytest.raises(IdentityConflict) as err:
        ws.ingest_events([
            {"identifiers": {"anonymous_id": "a-1"}, "name": "Page Viewed"},
            {"identifiers": {"anonymous_id": "a-1", "user_id": "u-1"}, "name": "Signed In"},
        ])
    assert err.value.item == 1
    assert f"customer {stored}" in str(err.value)
    assert table_contents(ws) == before


def test_batch_larger_than_one_lookup(ws: Workspace):
    n = LOOKUP_CHUNK * 2 + 37
    first = [{"identifiers": {"user_id": f"u-{i}"}, "name": "Signed Up", "occurred_at": T0,
              "dedup_key": f"signup:{i}"} for i in range(n)]
    assert ws.ingest_events(first) == n
    assert count(ws, CustomerRow) == n
    assert ws.ingest_events(first) == 0
    # Every stored identifier is found again, whichever chunk of the lookup it falls in.
    second = [{"identifiers": {"user_id": f"u-{i}", "email": f"{i}@example.com"}, "name": "Logged In",
               "occurred_at": T0 + timedelta(days=1), "dedup_key": f"login:{i}"} for i in range(n)]
    assert ws.ingest_events(second) == n
    assert count(ws, CustomerRow) == n
    assert count(ws, IdentifierRow) == 2 * n
    assert count(ws, EventRow) == 2 * n
    last = ws.find_customer("email", f"{n - 1}@example.com")
    assert last == ws.find_customer("user_id", f"u-{n - 1}")
    assert [e.name for e in ws.customer_events(last)] == ["Signed Up", "Logged In"]


# ----------------------------------------------------------------------------------------------
# Schema
# ----------------------------------------------------------------------------------------------

def test_schema_has_the_keys_and_indexes(ws: Workspace):
    with ws.engine.connect() as conn:
        inspector = inspect(conn)
        assert inspector.get_pk_constraint("identifiers")["constrained_columns"] == ["kind", "value"]
        indexes = {ix["name"]: ix["column_names"] for ix in inspector.get_indexes("events")}
        assert indexes["ix_events_customer_name_time"] == ["customer_id", "name", "occurred_at"]
        uniques = [u["column_names"] for u in inspector.get_unique_constraints("events")]
        assert ["dedup_key"] in uniques


def test_upgrade_from_the_first_schema_keeps_journeys(tmp_path: Path):
    from engine.document import Journey

    with Workspace.open(tmp_path) as ws:
        journey = Journey(name="Kept")
        ws.create_journey(journey)
        config = alembic_config()
        with ws.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0001")
        with ws.engine.connect() as conn:
            assert not {"customers", "identifiers", "events"} & set(inspect(conn).get_table_names())
    with Workspace.open(tmp_path) as ws:
        assert [j.name for j in ws.list_journeys()] == ["Kept"]
        customer_id = ws.upsert_customer({"email": "u@example.com"})
        assert ws.ingest_event({"email": "u@example.com"}, "Signed Up").customer_id == customer_id


# ----------------------------------------------------------------------------------------------
# PostgreSQL (set JS_TEST_PG_URL to a database where the test may create and drop a schema)
# ----------------------------------------------------------------------------------------------

def test_postgresql_customers_and_events(pg_url: str):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from engine.store.models import Base

    with Workspace.open(pg_url) as ws:
        with ws.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
        customer_id = ws.upsert_customer({"email": "pg@example.com"}, {"plan": "free", "city": "Lyon"},
                                         time_zone="Asia/Shanghai", consent={"email": True}, tags=["b", "a"])
        assert ws.upsert_customer({"email": "pg@example.com", "user_id": "pg-1"}, {"city": None},
                                  consent={"sms": False}) == customer_id
        record = ws.get_customer(customer_id)
        assert record.attributes == {"plan": "free"}
        assert record.consent == {"email": True, "sms": False}
        assert record.tags == ("a", "b")
        assert record.identifiers == (("email", "pg@example.com"), ("user_id", "pg-1"))
        assert record.updated_at.utcoffset() == timedelta(0)

        local = datetime(2025, 6, 1, 8, 0, tzinfo=timezone(timedelta(hours=8)))
        event = ws.ingest_event({"user_id": "pg-1"}, "Order Completed", {"total": 9.5, "lines": [1, 2]},
                                occurred_at=local, dedup_key="pg:1")
        assert event.created and event.customer_id == customer_id
        assert ws.ingest_event({"user_id": "other"}, "X", dedup_key="pg:1").id == event.id
        assert ws.find_customer("user_id", "other") is None
        assert ws.ingest_events(order_rows(12) + order_rows(12)) == 12
        assert ws.ingest_events(order_rows(12)) == 0
        with pytest.raises(IdentityConflict):
            ws.ingest_event({"user_id": "pg-1", "email": "c1@example.com"}, "X")
        with pytest.raises(CustomerDataInvalid):
            ws.ingest_event({"user_id": "pg-1"}, "X", {"ratio": float("inf")})

        events = ws.customer_events(customer_id)
        assert [e.id for e in events] == [event.id]
        assert events[0].occurred_at == local
        assert events[0].occurred_at.utcoffset() == timedelta(0)
        assert events[0].properties == {"total": 9.5, "lines": [1, 2]}
        c0 = ws.find_customer("email", "c0@example.com")
        assert [e.properties["order"] for e in ws.customer_events(c0, name="Order Completed",
                                                                  since=T0 + timedelta(minutes=1))] == [7]
        assert count(ws, CustomerRow) == 8
