"""What a new user's trial of the tracking plan found: examples that showed SDK metadata before the
property at fault, carts (lists) and addresses (objects) that no type could describe, and Segment's
page, screen and group calls called unknown events."""

from __future__ import annotations

import base64
import http.client
import json
from pathlib import Path

import pytest

from engine.commands import make_node
from engine.document import Journey, dumps, load, loads
from engine.store import Workspace
from engine.track import collector_keys
from engine.track import tracking_plan as tp
from engine.track.collector import Collector
from engine.track.property_order import display_order, is_metadata
from engine.track.segment_protocol import EVENT_NAMES
from engine.track.tracking_plan import TrackingPlan, Violation
from engine.validate import validate
from tests.conftest import ROOT, cli

CONTEXT = {"library": {"name": "analytics-python", "version": "2.3.3"}, "ip": "10.0.0.1",
           "userAgent": "Mozilla/5.0 " + "x" * 120}


def event_node(registry, name: str, *props: tuple[str, str, bool]):
    return make_node(registry, "track.event", title=name, config={
        "event_name": name, "description": "", "source": "",
        "properties": [{"name": n, "type": t, "required": r, "description": ""} for n, t, r in props]})


def plan_of(registry, *nodes) -> TrackingPlan:
    return TrackingPlan.from_journeys([("j1", "Plan", "draft", Journey(name="Plan", nodes=list(nodes)))])


# ---------------------------------------------------------------------------------------------
# 1. The order of an example: the property at fault, the event's own, then SDK metadata
# ---------------------------------------------------------------------------------------------


def test_display_order_puts_the_property_at_fault_first_and_metadata_last():
    props = {"$context": CONTEXT, "$lib": "python", "coupon": "SPRING", "total": "59.90", "order_id": "o-1"}
    assert list(display_order(props, ("total",), sort=True)) == ["total", "coupon", "order_id", "$context", "$lib"]
    # Without sorting, each group keeps the order the event came in.
    assert list(display_order(props)) == ["coupon", "total", "order_id", "$context", "$lib"]
    # A declared $ property at fault is still first; a name the event lacks is skipped.
    assert list(display_order(props, ("$lib", "missing"), sort=True))[:2] == ["$lib", "coupon"]
    # A dotted name brings the object holding it forward.
    nested = {"$context": CONTEXT, "a": 1, "shipping": {"city": 7}}
    assert list(display_order(nested, ("shipping.city",), sort=True)) == ["shipping", "a", "$context"]
    # Nothing is lost or changed, and a cut example's marker stays last.
    assert display_order(props, ("total",)) == props
    assert list(display_order({"…": "3 more", "$x": 1, "b": 2})) == ["b", "$x", "…"]
    assert display_order(None) == {}
    assert is_metadata("$context") and not is_metadata("context") and not is_metadata(3)


def test_a_stored_example_has_the_property_at_fault_first_and_context_last(ws: Workspace, registry):
    ws.create_journey(Journey(name="Plan", nodes=[event_node(registry, "Order Completed",
                                                             ("total", "number", True),
                                                             ("order_id", "string", True))]))
    # Metadata first, as a Sensors SDK sends it (the collector stores Segment's context as "$context").
    props = {"$context": CONTEXT, "coupon": "SPRING", "total": "59.90"}
    assert tp.check_and_record(ws, [("Order Completed", props)]) == 2
    records = {(r.kind, r.property): r.example for r in tp.violations(ws)}
    assert list(records[("mistyped_property", "total")]) == ["total", "coupon", "$context"]
    assert list(records[("missing_property", "order_id")]) == ["coupon", "total", "$context"]
    assert records[("mistyped_property", "total")]["$context"] == CONTEXT  # kept whole


def test_a_cut_example_keeps_the_property_at_fault_and_drops_metadata_first():
    big = {f"key{i:02}": "v" * 150 for i in range(40)}
    props = {"$context": CONTEXT, "$lib": "python", **big, "total": "59.90"}
    cut = tp.bounded_example(props, first=("total",))
    assert len(json.dumps(cut, ensure_ascii=False)) <= tp.EXAMPLE_MAX
    assert list(cut)[0] == "total" and cut["total"] == "59.90"
    assert "$context" not in cut and list(cut)[-1] == "…"


# ---------------------------------------------------------------------------------------------
# 2. List and object properties
# ---------------------------------------------------------------------------------------------


def test_list_and_object_properties_are_declared_and_checked(registry):
    assert {"list", "object"} <= set(tp.PROPERTY_TYPES)
    plan = plan_of(registry, event_node(registry, "Checkout Started", ("items", "list", True),
                                        ("shipping", "object", False), ("shipping.city", "string", False),
                                        ("total", "number", False)))
    assert set(plan.events["Checkout Started"].properties["items"].types) == {"list"}
    good = {"items": [{"sku": "a", "qty": 2}], "shipping": {"city": "Leeds", "zip": "LS1"}, "total": 12}
    assert plan.check("Checkout Started", good) == []
    assert plan.check("Checkout Started", {"items": []}) == []  # an empty cart is a list too

    # Mistyped values are still reported: text where a list is declared, a list where an object is.
    found = plan.check("Checkout Started", {"items": "sku-a,sku-b", "shipping": ["Leeds"], "total": [1]})
    assert found == [
        Violation("Checkout Started", "mistyped_property", "items", expected="list", found="text"),
        Violation("Checkout Started", "mistyped_property", "shipping", expected="object", found="a list"),
        Violation("Checkout Started", "mistyped_property", "total", expected="number", found="a list"),
    ]
    assert found[0].message == "property 'items' of event 'Checkout Started' should be list, not text"
    assert plan.check("Checkout Started", {"items": {"sku": "a"}})[0].found == "an object"
    # Dotted names work as before: the value inside the object is checked, an absent one is fine.
    assert plan.check("Checkout Started", {"items": [], "shipping": {"city": 5}}) == [
        Violation("Checkout Started", "mistyped_property", "shipping.city", expected="string", found="number")]
    assert plan.check("Checkout Started", {"items": [], "shipping": {}}) == []
    assert plan.check("Checkout Started", {}) == [Violation("Checkout Started", "missing_property", "items")]


def test_the_node_config_accepts_list_and_object(registry):
    spec = registry.get("track.event")
    config = {"event_name": "Checkout Started", "description": "", "source": "",
              "properties": [{"name": "items", "type": "list", "required": True, "description": ""},
                             {"name": "shipping", "type": "object", "required": False, "description": ""}]}
    assert spec.config_errors(config) == []
    assert spec.config_model.model_validate(config).model_dump(mode="json") == config
    assert spec.config_errors({**config, "properties": [{"name": "items", "type": "array", "required": True,
                                                         "description": ""}]})
    assert spec.version == 1  # the change is additive: every earlier file is still version 1


# ---------------------------------------------------------------------------------------------
# 3. Files written with the first four types
# ---------------------------------------------------------------------------------------------

TEMPLATES = sorted((ROOT / "resources" / "templates").glob("*.journey.json"))


def _old_file(tmp_path: Path, registry) -> Path:
    """A journey file as the earlier release wrote it, every property type it knew."""
    journey = Journey(name="Old plan", nodes=[event_node(registry, "order_completed", ("order_id", "string", True),
                                                         ("total", "number", True), ("paid", "boolean", False),
                                                         ("at", "datetime", False),
                                                         ("address.city", "string", False))])
    path = tmp_path / "old.journey.json"
    path.write_text(dumps(journey), encoding="utf-8")
    return path


def test_journey_files_with_the_earlier_types_load_unchanged_and_validate(tmp_path, registry):
    with_events = [p for p in TEMPLATES if '"track.event"' in p.read_text(encoding="utf-8")]
    assert with_events, "the templates declare events"
    old = _old_file(tmp_path, registry)
    for path in [*with_events, old]:
        text = path.read_text(encoding="utf-8")
        journey = load(path)
        assert dumps(journey) == text, f"{path.name} is not written back as it was"
        events = [n for n in journey.nodes if n.type == "track.event"]
        assert events and all(n.type_version == 1 for n in events)
        assert [i for i in validate(journey, registry) if i.severity == "error"] == [], path.name
    types = {p["type"] for n in loads(old.read_text(encoding="utf-8")).nodes for p in n.config["properties"]}
    assert types == {"string", "number", "boolean", "datetime"}
    plan = TrackingPlan.from_journeys([("j", "Old", "draft", load(old))])
    assert plan.check("order_completed", {"order_id": "o", "total": 1, "at": "2025-05-01T09:00:00Z",
                                          "address": {"city": "Leeds"}}) == []
    assert [v.property for v in plan.check("order_completed", {"order_id": 1, "total": 1, "at": "soon"})] == [
        "order_id", "at"]

    res = cli("validate", *(str(p) for p in [*with_events, old]))
    assert res.returncode == 0, res.stdout + res.stderr
    for path in [*with_events, old]:
        assert f"{path}: ok" in res.stdout

    # The command does check these nodes: a type no release knows is refused.
    bad = tmp_path / "bad.journey.json"
    bad.write_text(old.read_text(encoding="utf-8").replace('"datetime"', '"timestamp"'), encoding="utf-8")
    res = cli("validate", str(bad))
    assert res.returncode == 1 and f"{bad}: 1 error" in res.stdout
    assert "Type must be one of 'string', 'number', 'boolean', 'datetime', 'list' or 'object'" in res.stdout


# ---------------------------------------------------------------------------------------------
# 4. Segment's page, screen and group calls
# ---------------------------------------------------------------------------------------------


def test_segment_page_screen_and_group_are_built_in(registry):
    assert set(EVENT_NAMES.values()) == {"Page Viewed", "Screen Viewed", "Group"} == set(tp.BUILTIN_EVENTS)
    plan = plan_of(registry, event_node(registry, "Order Completed"))
    for name in ("Page Viewed", "Screen Viewed", "Group", "$SignUp", "$pageview"):
        assert tp.is_builtin(name)
        assert plan.check(name, {"name": "Home", "$context": CONTEXT}) == [], name
    # Only those exact names: a look-alike is still unknown.
    for name in ("page viewed", "Page", "Groups"):
        assert plan.check(name, {}) == [Violation(name, "unknown_event")]


def test_a_declared_page_viewed_is_checked_like_any_event(registry):
    plan = plan_of(registry, event_node(registry, "Page Viewed", ("name", "string", True),
                                        ("path", "string", False)))
    assert plan.check("Page Viewed", {"name": "Pricing", "path": "/pricing"}) == []
    assert plan.check("Page Viewed", {"path": 3}) == [
        Violation("Page Viewed", "missing_property", "name"),
        Violation("Page Viewed", "mistyped_property", "path", expected="string", found="number")]
    assert plan.check("Screen Viewed", {}) == []  # still built in


def _post(port: int, key: str, body: dict) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    auth = base64.b64encode(f"{key}:".encode()).decode()
    conn.request("POST", "/v1/batch", body=json.dumps(body).encode(),
                 headers={"Content-Type": "application/json", "Authorization": f"Basic {auth}"})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


@pytest.mark.parametrize("declared", [False, True], ids=["not-declared", "declared"])
def test_collected_page_calls_are_unknown_only_when_declared_wrongly(ws: Workspace, registry, declared):
    nodes = [event_node(registry, "Order Completed", ("items", "list", True))]
    if declared:
        nodes.append(event_node(registry, "Page Viewed", ("name", "string", True)))
    ws.create_journey(Journey(name="Plan", nodes=nodes))
    key = collector_keys.add_key(ws, "web")
    collector = Collector(ws, "127.0.0.1", 0)
    collector.start()
    try:
        context = {"library": {"name": "analytics-python", "version": "2.3.3"}}
        status = _post(collector.port, key, {"batch": [
            {"type": "page", "userId": "u1", "messageId": "p1", "properties": {"path": "/"}, "context": context},
            {"type": "screen", "userId": "u1", "messageId": "s1", "name": "Home", "context": context},
            {"type": "group", "userId": "u1", "messageId": "g1", "groupId": "acme", "context": context},
            {"type": "track", "event": "Order Completed", "userId": "u1", "messageId": "t1",
             "properties": {"items": [{"sku": "a", "qty": 2}]}, "context": context},
            {"type": "track", "event": "Order Completed", "userId": "u1", "messageId": "t2",
             "properties": {"items": "a"}, "context": context},
            {"type": "track", "event": "Surprise", "userId": "u1", "messageId": "t3"}]})
        assert status == 200
    finally:
        collector.stop()
    found = {(v.event_name, v.kind, v.property): v for v in tp.violations(ws)}
    expected = {("Order Completed", "mistyped_property", "items"), ("Surprise", "unknown_event", "")}
    if declared:
        expected.add(("Page Viewed", "missing_property", "name"))  # the page call named no page
    assert set(found) == expected
    example = found[("Order Completed", "mistyped_property", "items")].example
    assert list(example) == ["items", "$context"] and example["items"] == "a"
