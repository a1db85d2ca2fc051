"""Rules of the tracking plan as an app developer meets them: the property names a plan may declare,
declarations of one event in several journeys (scoped by their source, combined, conflicts said),
examples that go with the customer they came from, and what ``journey-studio tracking`` says
about a plan changed since the stored events were checked."""

from __future__ import annotations

import json

import pytest

from engine.cli import main
from engine.commands import make_node
from engine.document import Journey
from engine.track import collector_keys
from engine.track import tracking_plan as tp
from engine.track.collector import Collector
from engine.track.tracking_plan import TrackingPlan, Violation
from engine.validate import validate
from nodes.track import TrackEventConfig
from tests.engine.track.test_collector import Endpoint, request


def _event_node(registry, name: str, *props: tuple[str, str, bool], source: str = ""):
    return make_node(registry, "track.event", title=name, config={
        "event_name": name, "description": "", "source": source,
        "properties": [{"name": n, "type": t, "required": r, "description": ""} for n, t, r in props]})


# ---------------------------------------------------------------------------------------------
# Property names
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["$app_version", "product-id", "产品", "shipping.city", "$context.library.name",
                                  "Größe", "order_id", "Financial Status", "items.Lineitem name"])
def test_sensors_preset_hyphenated_and_non_ascii_names_are_accepted(registry, name):
    config = TrackEventConfig(event_name="Purchase", properties=[{"name": name, "type": "string"}])
    assert config.properties[0].name == name
    journey = Journey(name="Plan", nodes=[_event_node(registry, "Purchase", (name, "string", True))])
    assert [i.message for i in validate(journey, registry) if i.severity == "error"] == []


@pytest.mark.parametrize("name", ["a..b", "trailing.", "-x", "1st", "a. b"])
def test_a_wrong_name_says_which_names_are_allowed(registry, name):
    journey = Journey(name="Plan", nodes=[_event_node(registry, "Purchase", (name, "string", True))])
    (error,) = [i.message for i in validate(journey, registry) if i.severity == "error"]
    assert "wrong format" not in error
    assert f"Properties › 1 › Name cannot be '{name}'" in error
    assert "letters (any language), digits, spaces, _ and -, optionally starting with $" in error
    assert "a dot separates the levels of a nested value" in error


# ---------------------------------------------------------------------------------------------
# One event declared in several journeys, for several sources
# ---------------------------------------------------------------------------------------------


def _website(registry, key: str = "web"):
    return make_node(registry, "track.source", title="Website", config={
        "name": "Website", "source": {"kind": "collector", "protocol": "segment", "write_key_ref": key}})


@pytest.fixture
def two_plans(any_ws, registry):
    """The plans of the trial: 'Plan A' declares Purchase for any source, 'Website plan' for the
    Website data source (a Segment collector source of the write key 'web'); the app sends with
    the key 'app'. Returns the workspace, its keys and the two journeys."""
    ws = any_ws
    keys = {name: collector_keys.add_key(ws, name) for name in ("web", "app")}
    plan_a = Journey(name="Plan A", nodes=[_event_node(registry, "Purchase", ("order_id", "string", True),
                                                       ("total", "number", True))])
    website = Journey(name="Website plan", nodes=[
        _website(registry), _event_node(registry, "Purchase", ("total", "string", True),
                                        ("currency", "string", True), source="Website")])
    ws.create_journey(plan_a)
    ws.create_journey(website)
    return ws, keys, plan_a, website


def _send(run, key: str, *events: dict) -> None:
    batch = [{"type": "track", "event": "Purchase", "userId": "u1", "messageId": f"m{i}-{key[-6:]}",
              "properties": props} for i, props in enumerate(events)]
    status, answer, _ = request(Endpoint(run.port, key), "POST", "/v1/batch", {"batch": batch})
    assert status == 200, answer


def _counts(ws) -> dict[tuple[str, str], int]:
    return {(r.kind, r.property): r.count for r in tp.violations(ws)}


def test_a_declaration_for_a_source_applies_only_to_its_events_and_requirements_stay(two_plans):
    ws, keys, _a, _website_plan = two_plans
    collector = Collector(ws, "127.0.0.1", 0)
    collector.start()
    try:
        run = Endpoint(collector.port, "")
        # From the app: checked against Plan A only (the Website declaration is not its source).
        _send(run, keys["app"], {"total": 10}, {"order_id": "o1", "total": "10"})
        # From the website: both declarations; order_id stays required, total may be either type.
        _send(run, keys["web"], {"order_id": "o2", "total": "10"},
              {"order_id": "o3", "total": 10, "currency": "EUR"}, {"total": 5, "currency": "EUR"})
    finally:
        collector.stop()
    assert _counts(ws) == {("missing_property", "order_id"): 2, ("mistyped_property", "total"): 1,
                           ("missing_property", "currency"): 1}
    (mistyped,) = [r for r in tp.violations(ws) if r.kind == "mistyped_property"]
    assert mistyped.example == {"total": "10", "order_id": "o1"}
    assert mistyped.expected == "number (from Website: number or string)"
    # Checking the stored events again finds the same: each event against its own source's plan.
    before = _counts(ws)
    tp.check_stored(ws)
    assert _counts(ws) == before


def test_the_plan_says_what_applies_to_each_source_and_the_conflict(two_plans, tmp_path, capsys):
    ws, _keys, plan_a, website = two_plans
    plan = tp.current_plan(ws)
    spec = plan.events["Purchase"]
    assert {p.name: (sorted(p.types), p.required) for p in spec.properties.values()} == {
        "order_id": (["string"], True), "total": (["number"], True)}
    (scoped,) = spec.scoped
    assert scoped.label == "Website" and scoped.scope.describe() == "segment (write key 'web')"
    assert {p.name: (sorted(p.types), p.required) for p in scoped.properties.values()} == {
        "order_id": (["string"], True), "total": (["number", "string"], True), "currency": (["string"], True)}
    (conflict,) = spec.conflicts
    assert conflict.kind == "types" and conflict.property == "total"
    assert conflict.message == (
        "Purchase.total is declared with different types (number in 'Plan A'; string in 'Website plan' (from "
        "Website)): where these declarations apply together, a value of any of them is accepted")
    # The Problems panel's warnings, on the nodes of each journey that take part.
    for journey in (plan_a, website):
        issues = tp.conflict_issues(journey, plan)
        node = next(n for n in journey.nodes if n.type == "track.event")
        assert [(i.severity, i.code, i.node_id, i.message) for i in issues] == [
            ("warning", "tracking_plan_types", node.id, conflict.message)]

    if ws.path is None:
        return  # the command line part runs once, on SQLite
    location = str(ws.path)
    ws.close()
    assert main(["tracking", "plan", "--workspace", location]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "Purchase  (declared in 'Plan A', 'Website plan')",
        "  from any source:",
        "    order_id: string, required",
        "    total: number, required",
        "  from Website (segment (write key 'web'); 'Website plan' (from Website)):",
        "    order_id: string, required",
        "    total: number or string, required (declarations differ: any of these types is accepted)",
        "    currency: string, required",
        f"  conflict: {conflict.message}",
        "1 event declared; 1 conflict between declarations (see above)"]
    assert main(["tracking", "plan", "--json", "--workspace", location]) == 0
    (data,) = json.loads(capsys.readouterr().out)
    assert data["any_source"] is True and [s["source"] for s in data["by_source"]] == ["Website"]
    assert [c["property"] for c in data["conflicts"]] == ["total"]


def test_required_in_one_declaration_and_optional_in_another_is_a_conflict(registry):
    one = Journey(name="One", nodes=[_event_node(registry, "Signup", ("plan", "string", True))])
    two = Journey(name="Two", nodes=[_event_node(registry, "Signup", ("plan", "string", False),
                                                 ("referrer", "string", True))])
    plan = TrackingPlan.from_journeys([(one.id, "One", "draft", one), (two.id, "Two", "draft", two)])
    spec = plan.events["Signup"]
    assert not spec.properties["plan"].required and spec.properties["referrer"].required
    (conflict,) = spec.conflicts
    assert conflict.kind == "required" and conflict.property == "plan"
    assert "required in 'One'; optional in 'Two'" in conflict.message and "it is not required" in conflict.message
    assert plan.check("Signup", {"plan": "pro"}) == [Violation("Signup", "missing_property", "referrer")]


def test_declarations_for_sources_that_never_meet_do_not_conflict(registry):
    site = _website(registry)
    app = make_node(registry, "track.source", title="App", config={
        "name": "App", "source": {"kind": "collector", "protocol": "sensors", "write_key_ref": ""}})
    journey = Journey(name="Sources", nodes=[
        site, app, _event_node(registry, "Purchase", ("total", "string", True), source="Website"),
        _event_node(registry, "Purchase", ("total", "number", True), source="app")])  # names ignore capitals
    plan = TrackingPlan.from_journeys([(journey.id, "Sources", "draft", journey)])
    spec = plan.events["Purchase"]
    assert spec.conflicts == () and not spec.any_source and spec.properties == {}
    assert plan.check("Purchase", {"total": 1}, "segment", "web") == [
        Violation("Purchase", "mistyped_property", "total", "string", "number")]
    assert plan.check("Purchase", {"total": 1}, "sensors:default", None) == []
    # From a source no declaration names, nothing is required (the event is known, not unknown).
    assert plan.check("Purchase", {}, "csv:orders.csv", None) == []


def test_a_source_that_names_nothing_is_said_and_checked_everywhere(registry):
    journey = Journey(name="Shop", nodes=[_event_node(registry, "Purchase", ("total", "number", True),
                                                      source="Shop")])
    plan = TrackingPlan.from_journeys([(journey.id, "Shop", "draft", journey)])
    (conflict,) = plan.events["Purchase"].conflicts
    assert conflict.kind == "source"
    assert conflict.message == ("Purchase: 'Shop' (from Shop) names the source 'Shop', but no Data source node, "
                                "collector write key or stored source has that name, so it is checked against "
                                "events from every source")
    assert [v.kind for v in plan.check("Purchase", {}, "segment", "web")] == ["missing_property"]
    # A write key of that name, or a stored source written as such, is a source.
    named = TrackingPlan.from_journeys([(journey.id, "Shop", "draft", journey)], write_keys=["shop"])
    assert named.events["Purchase"].conflicts == ()
    assert named.check("Purchase", {}, "segment", "web") == []
    assert [v.kind for v in named.check("Purchase", {}, "sensors:default", "shop")] == ["missing_property"]


# ---------------------------------------------------------------------------------------------
# Examples go with the customer they came from
# ---------------------------------------------------------------------------------------------

SECRET = {"email": "secret.person@example.net", "full_name": "Secret Person"}


def _plan(ws, registry) -> None:
    ws.create_journey(Journey(name="Plan", nodes=[_event_node(registry, "Purchase", ("order_id", "string", True))]))


def _stored_examples(ws) -> list[tuple]:
    from sqlalchemy import select

    from engine.store.models import TrackingViolationRow as V

    with ws.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(V.event_name, V.property, V.count, V.example,
                                                      V.example_event_id))]


def test_deleting_a_customer_deletes_the_examples_of_their_events(any_ws, registry):
    from engine.track import profiles

    ws = any_ws
    _plan(ws, registry)
    key = collector_keys.add_key(ws, "web")
    collector = Collector(ws, "127.0.0.1", 0)
    collector.start()
    try:
        status, _, _ = request(Endpoint(collector.port, key), "POST", "/v1/track",
                               {"userId": "secret-1", "event": "Purchase", "properties": SECRET})
        assert status == 200
    finally:
        collector.stop()
    (record,) = tp.violations(ws)
    assert record.example == SECRET and record.count == 1
    # The table keeps no copy of the properties: only the event the example is.
    ((_name, _prop, _n, copied, event_id),) = _stored_examples(ws)
    assert copied == {} and event_id is not None

    profiles.erase(ws, ws.find_customer("user_id", "secret-1"))
    (record,) = tp.violations(ws)
    assert record.example == {} and record.count == 1  # the count stays: it says nothing about anyone
    # The database itself let go of the event (ON DELETE SET NULL, enforced on the connection that deleted).
    assert _stored_examples(ws) == [("Purchase", "order_id", 1, {}, None)]
    assert "secret" not in json.dumps(_stored_examples(ws))


def test_profiles_delete_on_the_command_line_leaves_nothing_in_tracking(tmp_path, registry, capsys):
    from engine.store import Workspace

    location = str(tmp_path / "ws")
    with Workspace.open(location) as ws:
        _plan(ws, registry)
        key = collector_keys.add_key(ws, "web")
        collector = Collector(ws, "127.0.0.1", 0)
        collector.start()
        try:
            for user, props in (("secret-1", SECRET), ("other-1", {"note": "kept"})):
                assert request(Endpoint(collector.port, key), "POST", "/v1/track",
                               {"userId": user, "event": "Purchase", "properties": props})[0] == 200
        finally:
            collector.stop()
    assert main(["tracking", "--workspace", location]) == 0
    assert 'e.g. note: "kept"' in capsys.readouterr().out  # the latest offender is the other customer
    # The other customer deleted first: their example goes; then the person's own.
    assert main(["profiles", "delete", "user_id:other-1", "--yes", "--workspace", location]) == 0
    capsys.readouterr()
    assert main(["tracking", "check", "--workspace", location]) == 0  # the person's event is the example again
    capsys.readouterr()
    assert main(["tracking", "--workspace", location]) == 0
    assert "secret.person@example.net" in capsys.readouterr().out
    assert main(["profiles", "delete", "user_id:secret-1", "--yes", "--workspace", location]) == 0
    capsys.readouterr()
    assert main(["tracking", "--workspace", location]) == 0
    out = capsys.readouterr().out
    assert "Purchase: lacks 'order_id' — 1 time" in out  # as 'tracking check' counted it
    assert "secret" not in out and "Secret" not in out and "e.g." not in out
    assert main(["tracking", "--json", "--workspace", location]) == 0
    assert "secret" not in capsys.readouterr().out


def test_a_merge_keeps_the_example_with_the_profile_it_went_to(any_ws, registry):
    from engine.track import profiles

    ws = any_ws
    _plan(ws, registry)
    key = collector_keys.add_key(ws, "web")
    collector = Collector(ws, "127.0.0.1", 0)
    collector.start()
    try:
        send = Endpoint(collector.port, key)
        assert request(send, "POST", "/v1/track", {"userId": "known", "event": "Signed In"})[0] == 200
        assert request(send, "POST", "/v1/track", {"anonymousId": "visitor", "event": "Purchase",
                                                   "properties": SECRET})[0] == 200
        # The visitor signs in: the anonymous profile is merged into the known one.
        assert request(send, "POST", "/v1/identify", {"userId": "known", "anonymousId": "visitor"})[0] == 200
    finally:
        collector.stop()
    kept = ws.find_customer("user_id", "known")
    assert ws.find_customer("anonymous_id", "visitor") == kept
    assert [r.example for r in tp.violations(ws, "Purchase")] == [SECRET]
    profiles.erase(ws, kept)
    assert [r.example for r in tp.violations(ws, "Purchase")] == [{}]


def test_an_imported_events_example_goes_with_its_customer(tmp_path, registry, capsys):
    from engine.store import Workspace

    location = str(tmp_path / "ws")
    with Workspace.open(location) as ws:
        _plan(ws, registry)
    path = tmp_path / "orders.csv"
    path.write_text("email,event,time,full_name\nsecret.person@example.net,Purchase,2025-03-01 10:00,Secret Person\n"
                    "bo@example.com,Purchase,2025-03-01 11:00,Bo\nbo@example.com,Refund,2025-03-02 11:00,Bo\n",
                    encoding="utf-8")
    assert main(["import", "events", str(path), "--workspace", location, "--date-format", "iso",
                 "--time-zone", "UTC"]) == 0
    capsys.readouterr()
    with Workspace.open(location) as ws:
        found = {r.event_name: r.example for r in tp.violations(ws)}
        assert found == {"Purchase": {"full_name": "Bo"}, "Refund": {"full_name": "Bo"}}
        assert all(copied == {} and event_id is not None for *_rest, copied, event_id in _stored_examples(ws))
    assert main(["profiles", "delete", "email:bo@example.com", "--yes", "--workspace", location]) == 0
    capsys.readouterr()
    with Workspace.open(location) as ws:
        assert {r.event_name: r.example for r in tp.violations(ws)} == {"Purchase": {}, "Refund": {}}


def test_the_migration_empties_examples_it_cannot_tell_apart_by_customer(tmp_path):
    from alembic import command
    from sqlalchemy import text

    from engine.store import Workspace, alembic_config
    from engine.store.models import utcnow

    location = tmp_path / "ws"
    with Workspace.open(location) as ws:
        config = alembic_config()
        with ws.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0007")
        with ws.engine.begin() as conn:
            conn.execute(text("INSERT INTO tracking_violations (event_name, kind, property, count, example, "
                              "first_seen, last_seen) VALUES ('Purchase', 'missing_property', 'order_id', 3, "
                              ":example, :now, :now)"), {"example": json.dumps(SECRET), "now": utcnow()})
    with Workspace.open(location) as ws:
        assert _stored_examples(ws) == [("Purchase", "order_id", 3, {}, None)]


# ---------------------------------------------------------------------------------------------
# journey-studio tracking: a changed plan, an unknown event, clear asks first
# ---------------------------------------------------------------------------------------------


def _collect(ws, *events: tuple[str, dict]) -> None:
    key = collector_keys.add_key(ws, f"key {len(collector_keys.list_keys(ws)) + 1}")
    collector = Collector(ws, "127.0.0.1", 0)
    collector.start()
    try:
        batch = [{"type": "track", "event": name, "userId": "u1", "properties": props} for name, props in events]
        assert request(Endpoint(collector.port, key), "POST", "/v1/batch", {"batch": batch})[0] == 200
    finally:
        collector.stop()


def test_a_plan_made_after_the_events_says_to_check_them(tmp_path, registry, capsys):
    from engine.store import Workspace

    location = str(tmp_path / "ws")
    with Workspace.open(location) as ws:
        _collect(ws, *[("Purchase", {"total": i}) for i in range(6)])  # no plan yet
        _plan(ws, registry)  # then a plan is imported
    assert main(["tracking", "--workspace", location]) == 0
    out = capsys.readouterr().out
    assert "every event counted so far follows the plan" not in out
    assert out.strip() == ("no violations counted, but the tracking plan changed since the stored events were "
                           "checked (or they never were): run 'journey-studio tracking check' to check every "
                           "stored event against the plan as it is now")
    assert main(["tracking", "--json", "--workspace", location]) == 0
    assert json.loads(capsys.readouterr().out)["plan_checked"] is False
    assert main(["tracking", "check", "--workspace", location]) == 0
    assert "6 violations" in capsys.readouterr().out
    assert main(["tracking", "--workspace", location]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1 problem, seen 6 times:") and "changed since" not in out

    # Events that arrive now are checked as they arrive: the counts stay up to date.
    with Workspace.open(location) as ws:
        _collect(ws, ("Purchase", {"order_id": "o1"}), ("Purchase", {}))
    assert main(["tracking", "--workspace", location]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1 problem, seen 7 times:") and "changed since" not in out

    # The plan changes again: the events stored before were checked against the old one.
    with Workspace.open(location) as ws:
        journey = ws.load_draft(ws.list_journeys()[0].id)
        journey.nodes[0].config["properties"].append({"name": "total", "type": "number", "required": True,
                                                      "description": ""})
        ws.save_draft(journey)
        _collect(ws, ("Purchase", {"order_id": "o2", "total": 1}))
    assert main(["tracking", "--workspace", location]) == 0
    out = capsys.readouterr().out
    assert "The tracking plan changed since the stored events were checked, so these counts may be out of date: " \
           "run 'journey-studio tracking check'" in out


def test_events_collected_after_the_plan_need_no_check(any_ws, registry):
    ws = any_ws
    _plan(ws, registry)
    assert not tp.plan_check_state(ws).stale  # nothing stored: nothing to check
    _collect(ws, ("Purchase", {}), ("Purchase", {"order_id": "x"}))
    assert not tp.plan_check_state(ws).stale
    assert [(r.kind, r.count) for r in tp.violations(ws)] == [("missing_property", 1)]


def test_violations_of_an_event_nobody_sent_say_it_is_unknown(tmp_path, registry, capsys):
    from engine.store import Workspace

    location = str(tmp_path / "ws")
    with Workspace.open(location) as ws:
        _plan(ws, registry)
        _collect(ws, ("Purchase", {"order_id": "o1"}), ("Newsletter Signup", {}))
    assert main(["tracking", "violations", "Nope", "--workspace", location]) == 1
    assert capsys.readouterr().err.strip() == (
        f"journey-studio: error: {tmp_path / 'ws' / 'workspace.db'}: there is no event 'Nope': the tracking plan "
        "does not declare it and no stored event has that name")
    assert main(["tracking", "violations", "purchse", "--workspace", location]) == 1
    assert capsys.readouterr().err.strip().endswith("; did you mean 'Purchase'?")
    assert main(["tracking", "violations", "Newsletter signup", "--workspace", location]) == 1
    assert capsys.readouterr().err.strip().endswith("; did you mean 'Newsletter Signup'?")
    # A declared event, and one that was sent, have no violations: that is said plainly.
    assert main(["tracking", "violations", "Purchase", "--workspace", location]) == 0
    assert capsys.readouterr().out.startswith("no violations of 'Purchase': every event counted so far")
    assert main(["tracking", "violations", "Newsletter Signup", "--workspace", location]) == 0
    assert "Newsletter Signup: not in the plan" in capsys.readouterr().out


class _Terminal:
    """Standard input as a terminal where the user types ``answer``."""

    def __init__(self, answer: str):
        self.answer = answer

    def isatty(self) -> bool:
        return True

    def readline(self) -> str:
        return self.answer + "\n"


def test_tracking_clear_asks_as_segments_delete_does(tmp_path, registry, capsys, monkeypatch):
    from engine.store import Workspace

    location = str(tmp_path / "ws")
    with Workspace.open(location) as ws:
        _plan(ws, registry)
        _collect(ws, ("Purchase", {}), ("Refund", {}))
    # From a pipe: refused, nothing forgotten.
    monkeypatch.setattr("sys.stdin", _Terminal("y"))
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["tracking", "clear", "--workspace", location]) == 1
    assert capsys.readouterr().err.strip() == (
        "journey-studio: error: nothing forgotten: forgetting 2 counted problems needs confirmation in a terminal "
        "(an answer from a pipe is not read); add --yes to forget them without asking")
    # In a terminal: asked; anything but yes keeps them.
    monkeypatch.setattr("sys.stdin", _Terminal("n"))
    assert main(["tracking", "clear", "Refund", "--workspace", location]) == 1
    out = capsys.readouterr().out
    assert out.startswith("Forget 1 counted problem of 'Refund'? ") and out.endswith("[y/N] nothing forgotten\n")
    monkeypatch.setattr("sys.stdin", _Terminal("yes"))
    assert main(["tracking", "clear", "Refund", "--workspace", location]) == 0
    assert capsys.readouterr().out.endswith("forgot 1 counted problem of 'Refund'\n")
    monkeypatch.setattr("sys.stdin", _Terminal(""))
    assert main(["tracking", "clear", "--yes", "--workspace", location]) == 0
    assert capsys.readouterr().out == "forgot 1 counted problem\n"
    assert main(["tracking", "clear", "--yes", "--workspace", location]) == 0
    assert capsys.readouterr().out == "nothing to forget: no problems are counted\n"


def test_a_declaration_scoped_to_a_csv_file_applies_to_its_imports_only(ws, registry, tmp_path):
    from engine.track.csv_import import ImportOptions, import_events

    ws.create_journey(Journey(name="Shop plan", nodes=[
        _event_node(registry, "order_completed", ("order_id", "string", True), source="csv:shop_orders.csv")]))
    for n, name in enumerate(("shop_orders.csv", "other.csv")):
        (tmp_path / name).write_text(f"email,time,total\na{n}@example.com,2026-11-01 10:00,12\n", encoding="utf-8")
    other = import_events(ws, tmp_path / "other.csv", ImportOptions(event_name="order_completed", time_zone="UTC"))
    assert other.plan_violations == 0
    shop = import_events(ws, tmp_path / "shop_orders.csv",
                         ImportOptions(event_name="order_completed", time_zone="UTC"))
    assert shop.plan_violations == 1


def test_a_rolled_back_import_leaves_the_plan_to_be_noted_again(ws, registry, tmp_path):
    from engine.track.csv_import import ImportOptions, import_events

    ws.create_journey(Journey(name="Plan", nodes=[_event_node(registry, "visit", ("page", "string", True))]))
    path = tmp_path / "visits.csv"
    path.write_text("email,event,time\na@example.com,visit,2026-11-01 10:00\n", encoding="utf-8")
    plan = tp.current_plan(ws)
    assert not plan.arrivals_noted
    import_events(ws, path, ImportOptions(time_zone="UTC"), dry_run=True)  # rolled back, its note too
    assert tp.current_plan(ws) is plan and not plan.arrivals_noted
    import_events(ws, path, ImportOptions(time_zone="UTC"))
    assert plan.arrivals_noted


def test_a_tally_takes_events_with_and_without_their_arrival_time(registry):
    from datetime import UTC, datetime

    plan = TrackingPlan.from_journeys([("j", "Plan", "draft", Journey(name="Plan", nodes=[
        _event_node(registry, "Purchase", ("order_id", "string", True))]))])
    tally = tp.ViolationTally(plan)
    when = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    tally.add("Purchase", {}, None)
    tally.add("Purchase", {}, None, when=when)
    tally.add("Purchase", {}, None)
    (entry,) = tally.entries.values()
    assert entry[0] == 3 and entry[3] == entry[4] == when
