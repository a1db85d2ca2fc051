"""Type-specific rules of the catalogue: validators, dynamic port naming and summaries."""

from __future__ import annotations

import pytest

from engine.errors import ConfigInvalid
from nodes import SPECS_BY_KEY


def spec(key: str):
    return SPECS_BY_KEY[key]


def ports(key: str, config: dict) -> list[str]:
    return [p.name for p in spec(key).output_ports(config)]


def summary(key: str, config: dict) -> str:
    return spec(key).summary(spec(key).config_model.model_validate(config))


def invalid(key: str, config: dict) -> str:
    """The field path of the first error (fails the test when the config is valid)."""
    with pytest.raises(ConfigInvalid) as info:
        spec(key).parse_config(config, node_id="n1")
    return info.value.field or ""


# -- rules and filters ------------------------------------------------------------------------

def _attribute_check(*rules: dict, **extra) -> dict:
    return {"check": {"kind": "attribute", "rules": list(rules), **extra}}


def test_rule_operators_need_or_refuse_a_value():
    key = "orchestrate.condition"
    assert spec(key).config_errors(_attribute_check({"attribute": "email", "operator": "exists"})) == []
    invalid(key, _attribute_check({"attribute": "email", "operator": "exists", "value": "x"}))
    invalid(key, _attribute_check({"attribute": "plan", "operator": "eq"}))
    invalid(key, _attribute_check({"attribute": "plan", "operator": "like", "value": "x"}))
    invalid(key, _attribute_check({"attribute": "two words", "operator": "eq", "value": "x"}))


def test_rule_values_keep_their_json_type():
    model = spec("orchestrate.condition").config_model.model_validate(
        _attribute_check({"attribute": "vip", "operator": "eq", "value": True},
                         {"attribute": "orders", "operator": "gte", "value": 3}))
    values = [r.value for r in model.check.rules]
    assert values == [True, 3] and type(values[0]) is bool and type(values[1]) is int


def test_condition_missing_attribute_policy():
    model = spec("orchestrate.condition").config_model.model_validate(
        _attribute_check({"attribute": "plan", "operator": "eq", "value": "pro"}))
    assert model.check.missing_attribute == "no"
    invalid("orchestrate.condition",
            _attribute_check({"attribute": "plan", "operator": "eq", "value": "pro"}, missing_attribute="maybe"))


def test_condition_needs_a_rule_and_a_known_kind():
    assert invalid("orchestrate.condition", _attribute_check()).startswith("check")
    invalid("orchestrate.condition", {"check": {"kind": "weather"}})


@pytest.mark.parametrize("check, text", [
    ({"kind": "attribute", "rules": [{"attribute": "plan", "operator": "eq", "value": "pro"}]}, "If plan = pro"),
    ({"kind": "event_within", "event": "opened", "min_count": 2, "within_days": 7}, "If opened ×2 in 7d"),
    ({"kind": "segment", "segment_id": "vips"}, "If in segment vips"),
    ({"kind": "consent", "channel_kind": "sms"}, "If SMS consent"),
])
def test_condition_summaries(check, text):
    assert summary("orchestrate.condition", {"check": check}) == text


# -- entry ------------------------------------------------------------------------------------

def test_entry_defaults_to_manual_and_has_no_inputs():
    entry = spec("orchestrate.entry")
    assert entry.default_config()["trigger"] == {"kind": "manual"}
    assert entry.inputs == () and [p.name for p in entry.outputs] == ["next"]


def test_segment_trigger_needs_rules_or_a_segment():
    invalid("orchestrate.entry", {"trigger": {"kind": "segment"}})
    ok = {"trigger": {"kind": "segment", "segment_id": "newsletter"}}
    assert spec("orchestrate.entry").config_errors(ok) == []


def test_one_off_schedule_needs_a_time():
    invalid("orchestrate.entry", {"trigger": {"kind": "schedule", "repeat": "once"}})
    config = {"trigger": {"kind": "schedule", "repeat": "once", "at": "2025-12-01T09:30:00"}}
    model = spec("orchestrate.entry").config_model.model_validate(config)
    assert model.model_dump(mode="json")["trigger"]["at"] == "2025-12-01T09:30:00"
    assert summary("orchestrate.entry", config) == "Once 2025-12-01 09:30"


@pytest.mark.parametrize("trigger, text", [
    ({"kind": "schedule", "repeat": "recurring", "every": 1, "unit": "weeks", "time": "08:00"},
     "Every week at 08:00"),
    ({"kind": "schedule", "repeat": "recurring", "every": 3, "unit": "days"}, "Every 3 days at 09:00"),
    ({"kind": "date_property", "attribute": "birthday", "offset_days": -3}, "On birthday -3d"),
    ({"kind": "event", "event": "signed_up"}, "On signed_up"),
    ({"kind": "manual"}, "Manual entry"),
])
def test_entry_summaries(trigger, text):
    assert summary("orchestrate.entry", {"trigger": trigger}) == text


def test_entry_limit_bounds():
    invalid("orchestrate.entry", {"entry_limit": -1})
    assert summary("orchestrate.entry", {"entry_limit": 500}) == "Manual entry (max 500)"


# -- wait -------------------------------------------------------------------------------------

def test_wait_ports_depend_on_kind():
    assert ports("orchestrate.wait", {"wait": {"kind": "duration", "amount": 2, "unit": "hours"}}) == ["next"]
    assert ports("orchestrate.wait", {"wait": {"kind": "time_of_day", "time": "10:00"}}) == ["next"]
    assert ports("orchestrate.wait", {"wait": {"kind": "until_event", "event": "order_completed"}}) == \
        ["event", "timeout"]
    assert [p.name for p in spec("orchestrate.wait").output_ports()] == ["next"]


@pytest.mark.parametrize("wait, text", [
    ({"kind": "duration", "amount": 2, "unit": "days"}, "Wait 2 days"),
    ({"kind": "duration", "amount": 1, "unit": "hours"}, "Wait 1 hour"),
    ({"kind": "time_of_day", "time": "09:00", "weekdays": ["fri", "mon"]}, "Until 09:00 Mon/Fri"),
    ({"kind": "until_event", "event": "paid", "timeout": {"amount": 3, "unit": "days"}}, "Until paid (≤ 3 days)"),
])
def test_wait_summaries(wait, text):
    assert summary("orchestrate.wait", {"wait": wait}) == text


def test_wait_rejects_bad_values():
    invalid("orchestrate.wait", {"wait": {"kind": "duration", "amount": 0}})
    invalid("orchestrate.wait", {"wait": {"kind": "time_of_day", "time": "24:00"}})
    invalid("orchestrate.wait", {"wait": {"kind": "time_of_day", "weekdays": ["mon", "mon"]}})
    invalid("orchestrate.wait", {"wait": {"kind": "until_event", "event": "x", "timeout": {"amount": 1,
                                                                                         "unit": "years"}}})


# -- splits and experiments -------------------------------------------------------------------

def test_multi_split_ports_by_position_plus_else():
    config = {"attribute": "plan", "values": ["free", "pro"]}
    out = spec("orchestrate.multi_split").output_ports(config)
    assert [p.name for p in out] == ["branch_1", "branch_2", "else"]
    assert [p.label for p in out][:2] == ["free", "pro"]
    renamed = {"attribute": "plan", "values": ["Free", "pro"]}
    assert ports("orchestrate.multi_split", renamed) == ["branch_1", "branch_2", "else"]


def test_multi_split_values_distinct():
    invalid("orchestrate.multi_split", {"attribute": "plan", "values": ["pro", "PRO"]})
    ok = {"attribute": "plan", "values": ["pro", "PRO"], "case_sensitive": True}
    assert spec("orchestrate.multi_split").config_errors(ok) == []
    invalid("orchestrate.multi_split", {"attribute": "plan", "values": []})


@pytest.mark.parametrize("key, field", [("orchestrate.random_split", "paths"),
                                        ("optimize.experiment", "variants")])
def test_weighted_paths(key, field):
    config = {field: [{"name": "short", "weight": 1}, {"name": "long", "weight": 3}]}
    assert ports(key, config) == ["short", "long"]
    assert invalid(key, {field: [{"name": "x", "weight": 1}, {"name": "x", "weight": 1}]}) == field
    invalid(key, {field: [{"name": "a", "weight": 0}, {"name": "b", "weight": 0}]})
    invalid(key, {field: [{"name": "Not A Port", "weight": 1}, {"name": "b", "weight": 1}]})
    invalid(key, {field: [{"name": "only", "weight": 1}]})


def test_split_summaries():
    assert summary("orchestrate.random_split", {}) == "50% / 50%"
    assert summary("orchestrate.random_split", {"paths": [{"name": "a", "weight": 1},
                                                          {"name": "b", "weight": 3}]}) == "25% / 75%"
    assert summary("optimize.holdout", {"percent": 10}) == "Holdout 10%"


def test_experiment_stopping_rules():
    key = "optimize.experiment"
    assert spec(key).default_config()["stopping_rule"]["kind"] == "bayesian"
    for rule in ({"kind": "fixed_sample", "sample_size_per_variant": 500},
                 {"kind": "bandit", "algorithm": "thompson"}):
        assert spec(key).config_errors({"stopping_rule": rule}) == []
    invalid(key, {"stopping_rule": {"kind": "bayesian", "probability_threshold": 1.5}})
    invalid(key, {"stopping_rule": {"kind": "bandit", "algorithm": "ucb"}})


def test_holdout_bounds_and_ports():
    invalid("optimize.holdout", {"percent": 60})
    assert ports("optimize.holdout", {"percent": 0}) == ["treatment", "holdout"]


# -- messages and profile ---------------------------------------------------------------------

SEND = {"channel": "mail", "channel_kind": "email", "subject": "Hi", "body": "Hello {{ customer.name }}"}


def test_send_validation():
    assert spec("orchestrate.send").config_errors(SEND) == []
    assert invalid("orchestrate.send", {**SEND, "body": "   "}) == "body"
    invalid("orchestrate.send", {**SEND, "subject": ""})
    invalid("orchestrate.send", {**SEND, "channel": ""})
    sms = {**SEND, "channel_kind": "sms", "subject": ""}
    assert spec("orchestrate.send").config_errors(sms) == []
    invalid("orchestrate.send", {**sms, "html_body": "<p>x</p>"})
    assert summary("orchestrate.send", sms) == "SMS: Hello {{ customer.name }}"
    assert summary("orchestrate.send", {**SEND, "subject": "A" * 60}).endswith("…")
    assert len(summary("orchestrate.send", {**SEND, "subject": "A" * 60})) == 40


def test_update_profile_operations():
    key = "orchestrate.update_profile"
    ops = [{"kind": "set", "attribute": "score", "value": 5}, {"kind": "unset", "attribute": "trial_end"},
           {"kind": "add_tag", "tag": "vip"}, {"kind": "remove_tag", "tag": "lead"}]
    assert summary(key, {"operations": ops[:1]}) == "score = 5"
    assert spec(key).config_errors({"operations": ops}) == []
    invalid(key, {"operations": []})
    invalid(key, {"operations": [{"kind": "set", "attribute": "score"}]})
    invalid(key, {"operations": [{"kind": "rename", "attribute": "score"}]})


def test_notify_staff_ports_and_message():
    assert [p.name for p in spec("orchestrate.notify_staff").outputs] == ["next", "failed"]
    invalid("orchestrate.notify_staff", {"channel": "chat", "message": " "})


def test_jump_targets():
    key = "orchestrate.jump"
    assert spec(key).config_errors({"target": {"kind": "journey", "journey_id": "j-1"}}) == []
    invalid(key, {"target": {"kind": "node", "node_id": ""}})
    invalid(key, {"target": {"kind": "node", "node_id": "n1"}, "max_loops": 0})
    assert [p.name for p in spec(key).outputs] == ["limit_reached"]


def test_goal_and_exit():
    assert summary("orchestrate.goal", {"event": "order_completed"}) == "Goal: order_completed"
    assert [p.name for p in spec("orchestrate.goal").outputs] == ["next"]
    assert spec("orchestrate.exit").outputs == ()
    assert summary("orchestrate.exit", {}) == "Exit"


# -- map, track, analyze ----------------------------------------------------------------------

def test_map_validation():
    invalid("map.stage", {"color": "red"})
    invalid("map.touchpoint", {"emotion": 3})
    invalid("map.persona", {"time_zones": ["Mars/Olympus"]})
    invalid("map.persona", {"share_percent": 101})
    assert spec("map.persona").config_errors({"time_zones": ["Asia/Tokyo"]}) == []


def test_map_summaries_do_not_repeat_the_name():
    cart = {"name": "Cart page", "channel": "web", "emotion": -1, "pain_points": ["Late delivery cost"]}
    assert summary("map.touchpoint", cart) == "Web · feels negative · 1 pain point"
    assert summary("map.touchpoint", {"channel": "sms", "emotion": 2}) == "SMS · feels very positive"
    assert summary("map.stage", {"name": "Cart left", "goal": "Customer returns to cart"}) == \
        "Goal: Customer returns to cart"
    assert summary("map.stage", {"name": "Cart left", "order": 0}) == "Stage 1"
    assert summary("map.persona", {"name": "Busy buyer", "share_percent": 45}) == "45% of customers"


def test_track_validation():
    invalid("track.event", {"event_name": " "})
    invalid("track.event", {"event_name": "x", "properties": [{"name": "a"}, {"name": "a"}]})
    invalid("track.event", {"event_name": "x", "properties": [{"name": "a", "type": "money"}]})
    invalid("track.source", {"source": {"kind": "csv", "path": ""}})
    invalid("track.source", {"source": {"kind": "collector", "protocol": "mixpanel"}})
    csv = {"name": "Export", "source": {"kind": "csv", "path": "/data/orders.csv"}}
    assert summary("track.source", csv) == "CSV: orders.csv"


def test_analyze_validation():
    invalid("analyze.metric", {"measure": {"kind": "median"}})
    invalid("analyze.metric", {"measure": {"kind": "sum", "event": "order"}})
    ok = {"measure": {"kind": "sum", "event": "order_completed", "property": "total"}, "target": 5000}
    assert summary("analyze.metric", ok) == "Sum of total · target 5,000"
    invalid("analyze.funnel", {"steps": [{"kind": "event", "event": "a"}]})
    two = {"steps": [{"kind": "event", "event": "a"}, {"kind": "stage", "stage_id": "s1"}]}
    assert spec("analyze.funnel").config_errors(two) == []
