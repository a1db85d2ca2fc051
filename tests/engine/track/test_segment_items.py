"""Segment rules look into an event's list of items (an order's ``items``, Segment's ``products``):
``items.sku eq TEA-S`` counts the orders with such an item, ``ne`` those with none, on SQLite and
PostgreSQL alike and as the rules read in Python (what the runner uses)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.track.segments import SegmentStore, matches, property_holds

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)

ORDERS = {
    "ann@example.com": [{"items": [{"Lineitem name": "Matcha", "Lineitem price": 18.5, "sku": "TEA-M"},
                                   {"Lineitem name": "Whisk", "sku": "WSK"}], "Total": 25.0}],
    "bo@example.com": [{"items": [{"Lineitem name": "Sencha", "Lineitem price": 9.0, "sku": "TEA-S"}]},
                       {"items": [{"Lineitem name": "Matcha Latte", "sku": "TEA-ML"}]}],
    "cem@example.com": [{"items": ["gift card", 3], "Total": 10}],       # items that are not objects
    "dia@example.com": [{"items.sku": "TEA-M", "items": [{"sku": "X"}]}],  # a key written with the dot wins
    "eva@example.com": [{"Total": 5}],                                   # no items at all
}


def _rules(*filters: dict) -> dict:
    return {"kind": "group", "match": "all", "conditions": [
        {"kind": "event", "event": "order_completed", "did": True, "min_count": 1, "filters": list(filters)}]}


def _who(ws, rules) -> set[str]:
    store = SegmentStore(ws)
    emails = set()
    for email in ORDERS:
        cid = ws.find_customer("email", email)
        if store.evaluate(rules, cid, NOW):
            emails.add(email)
    return emails


@pytest.fixture
def shop(any_ws):
    for email, orders in ORDERS.items():
        for n, props in enumerate(orders):
            any_ws.ingest_event({"email": email}, "order_completed", props, NOW - timedelta(days=n + 1))
    return any_ws


CASES = [
    ({"property": "items.Lineitem name", "operator": "eq", "value": "Matcha"}, {"ann@example.com"}),
    ({"property": "items.Lineitem name", "operator": "contains", "value": "matcha"},
     {"ann@example.com", "bo@example.com"}),
    ({"property": "items.sku", "operator": "in", "value": ["TEA-S", "WSK"]}, {"ann@example.com", "bo@example.com"}),
    ({"property": "items.Lineitem price", "operator": "gte", "value": 10}, {"ann@example.com"}),
    ({"property": "items.sku", "operator": "ne", "value": "TEA-M"},
     {"bo@example.com", "cem@example.com", "eva@example.com"}),
    ({"property": "items.Lineitem price", "operator": "exists"}, {"ann@example.com", "bo@example.com"}),
    ({"property": "items.Lineitem price", "operator": "not_exists"},
     {"bo@example.com", "cem@example.com", "dia@example.com", "eva@example.com"}),
    ({"property": "items.sku", "operator": "eq", "value": "TEA-M"}, {"ann@example.com", "dia@example.com"}),
    ({"property": "items.sku", "operator": "starts_with", "value": "tea-m"}, {"ann@example.com", "bo@example.com",
                                                                             "dia@example.com"}),
]


@pytest.mark.parametrize(("where", "expected"), CASES)
def test_rules_look_into_the_items_of_an_event_in_sql_and_in_python(shop, where, expected):
    rules = _rules(where)
    assert _who(shop, rules) == expected
    in_python = {email for email in ORDERS
                 if matches(rules, {"attributes": {}}, [{"name": "order_completed", "properties": p,
                                                         "occurred_at": NOW - timedelta(days=n + 1)}
                                                        for n, p in enumerate(ORDERS[email])], NOW)}
    assert in_python == expected
    assert SegmentStore(shop).count(rules, NOW) == len(expected)


def test_a_list_of_text_is_not_looked_into():
    assert not property_holds({"items": ["TEA-M"]}, "items.sku", "eq", "TEA-M")
    assert property_holds({"items": ["TEA-M"]}, "items", "contains", "TEA-M")


def test_the_builder_is_offered_the_keys_of_the_items(ws):
    from engine.track.segments import known_names

    ws.ingest_event({"email": "ann@example.com"}, "order_completed", ORDERS["ann@example.com"][0], NOW)
    assert {"items", "items.Lineitem name", "items.Lineitem price", "items.sku", "Total"} <= \
        set(known_names(ws).properties)


def test_a_property_inside_the_items_is_not_said_to_be_missing(ws):
    from engine.track.segments import missing_properties

    ws.ingest_event({"email": "ann@example.com"}, "order_completed", ORDERS["ann@example.com"][0], NOW)
    assert missing_properties(ws, [("order_completed", "items.Lineitem name"),
                                   ("order_completed", "items.colour")]) == {("order_completed", "items.colour")}


def test_profiles_show_says_which_segments_match_now(ws, tmp_path, capsys):
    import json as json_

    from engine.cli import main

    ws.ingest_event({"email": "ann@example.com"}, "order_completed", ORDERS["ann@example.com"][0],
                    datetime.now(UTC) - timedelta(days=1))
    SegmentStore(ws).create("Matcha buyers", _rules({"property": "items.Lineitem name", "operator": "contains",
                                                     "value": "matcha"}))
    ws.close()
    assert main(["profiles", "show", "ann@example.com", "--workspace", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "  matches now: Matcha buyers" in out
    assert "  stored in:   no segment yet (as of the engine's last look)" in out
    assert main(["profiles", "show", "ann@example.com", "--json", "--workspace", str(tmp_path)]) == 0
    shown = json_.loads(capsys.readouterr().out)
    assert [s["name"] for s in shown["segments_matching_now"]] == ["Matcha buyers"] and shown["segments"] == []
