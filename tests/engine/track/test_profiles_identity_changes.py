"""Where a merged-away profile went (:func:`engine.track.profiles.merged_into`) and changing one
identifier of a customer (:func:`engine.track.profiles.change_identifier`)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.errors import CustomerDataInvalid, IdentityConflict, NotFound
from engine.identifiers import PHONE_COUNTRY_META
from engine.track import identity, profiles


def test_merged_into_names_the_profile_that_holds_a_merged_one_now(ws):
    marta = ws.upsert_customer({"user_id": "u-M"}, {"name": "Marta"})
    visitor = ws.ingest_event({"anonymous_id": "anon-M"}, "page_viewed").customer_id
    assert profiles.merged_into(ws, marta) == ((), profiles.merged_into(ws, marta)[1])
    assert profiles.merged_into(ws, marta)[1].id == marta

    identity.identify(ws, "u-M", "anon-M")
    merges, now_in = profiles.merged_into(ws, visitor)
    assert now_in is not None and now_in.id == marta and now_in.name == "Marta"
    assert [(m.kept_customer_id, m.merged_customer_id, m.reason) for m in merges] == [(marta, visitor, "identify")]
    assert ("anonymous_id", "anon-M") in merges[0].moved
    assert merges[0].at.tzinfo is not None and merges[0].at <= datetime.now(UTC)

    # merged again later: followed to where it is now
    later = ws.upsert_customer({"email": "marta@example.com"}, {"name": "Marta L."})
    identity.merge_customers(ws, later, marta)
    merges, now_in = profiles.merged_into(ws, visitor)
    assert now_in.id == later and [m.kept_customer_id for m in merges] == [marta, later]

    # erased at the end of the chain, or never there: nothing to follow
    profiles.erase(ws, later)
    assert profiles.merged_into(ws, visitor) == ((), None)
    assert profiles.merged_into(ws, "no-such-customer") == ((), None)


def test_change_identifier_replaces_adds_and_removes_in_canonical_form(ws):
    ana = ws.upsert_customer({"email": "ana.lopez@example.com", "user_id": "u-7"})
    record = profiles.change_identifier(ws, ana, "email", "ANA.LOPEZ@example.com", " Ana.New@Example.com ")
    assert record.identifiers == (("email", "ana.new@example.com"), ("user_id", "u-7"))
    assert ws.find_customer("email", "ana.lopez@example.com") is None

    record = profiles.change_identifier(ws, ana, "phone", None, "0033 6 12 34 56 78")
    assert ("phone", "+33612345678") in record.identifiers
    record = profiles.change_identifier(ws, ana, "phone", "+33 6 12 34 56 78", None)
    assert all(kind != "phone" for kind, _value in record.identifiers)

    ws.set_meta(PHONE_COUNTRY_META, "FR")
    record = profiles.change_identifier(ws, ana, "phone", None, "06 12 34 56 78")
    assert ("phone", "+33612345678") in record.identifiers


def test_change_identifier_refuses_and_changes_nothing(ws):
    ana = ws.upsert_customer({"email": "ana@example.com", "user_id": "u-7"})
    bo = ws.upsert_customer({"email": "bo@example.com"})
    before = ws.get_customer(ana)

    with pytest.raises(IdentityConflict) as taken:
        profiles.change_identifier(ws, ana, "email", "ana@example.com", "BO@example.com")
    assert taken.value.customer_ids == [bo]
    with pytest.raises(NotFound):
        profiles.change_identifier(ws, ana, "email", "nobody@example.com", "x@example.com")
    with pytest.raises(NotFound):
        profiles.change_identifier(ws, "no-such-customer", "email", None, "x@example.com")
    with pytest.raises(CustomerDataInvalid):
        profiles.change_identifier(ws, ana, "user_id", None, "u-8")  # a second user id
    with pytest.raises(CustomerDataInvalid):
        profiles.change_identifier(ws, ana, "email", "ana@example.com", "   ")
    with pytest.raises(CustomerDataInvalid):
        profiles.change_identifier(ws, bo, "email", "bo@example.com", None)  # the last one
    assert ws.get_customer(ana) == before
    assert ws.get_customer(bo).identifiers == (("email", "bo@example.com"),)
