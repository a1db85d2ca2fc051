"""Behaviour of every runnable node type, branch by branch, on the in-memory world and a virtual clock."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from engine.document import FrequencyCap, QuietHours, Settings
from engine.runtime import RUN_AGAIN, End, Go, Jump, Park, VirtualClock, triggers
from engine.runtime.fake import FakeContext, FakeWorld
from nodes import REGISTRY, SPECS_BY_KEY
from nodes.behaviour import NO_SEGMENT_STORE, pick_path
from nodes.common import WeightedPath

NY = ZoneInfo("America/New_York")
SH = ZoneInfo("Asia/Shanghai")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(utc(2025, 6, 2, 14, 0))  # a Monday: 22:00 in Shanghai, 10:00 in New York


def make_world(clock: VirtualClock) -> FakeWorld:
    w = FakeWorld(clock)
    w.add_customer("c1", {"first_name": "Ana", "email": "ana@example.com", "plan": "Pro", "seats": "10"},
                   time_zone="America/New_York", consent={"email": True, "sms": False})
    return w


@pytest.fixture
def world(clock) -> FakeWorld:
    return make_world(clock)


def ctx_for(world: FakeWorld, customer: str = "c1", node_id: str = "node-1", **kw) -> FakeContext:
    return world.context(customer, node_id=node_id, **kw)


def run(type_key: str, config: dict, ctx: FakeContext):
    """Run a node and check the result only uses ports the node declares."""
    spec = SPECS_BY_KEY[type_key]
    model = spec.parse_config(config)
    result = spec.run(model, ctx)
    ports = {p.name for p in spec.output_ports(model)}
    if isinstance(result, Go):
        assert result.port in ports, (result, ports)
    elif isinstance(result, Park):
        if result.event:
            assert {result.event_port, result.timeout_port} <= ports
        else:
            assert result.resume_port in ports | {RUN_AGAIN}
    return result


def ports_of(type_key: str, config: dict, customers: int, world: FakeWorld, node_id: str = "split-1") -> Counter:
    counts: Counter = Counter()
    for i in range(customers):
        cid = f"customer-{i}"
        if cid not in world.customers:
            world.add_customer(cid)
        counts[run(type_key, config, ctx_for(world, cid, node_id)).port] += 1
    return counts


# -- the catalogue ------------------------------------------------------------------------------

def test_every_runnable_type_has_a_behaviour_and_only_those():
    for spec in REGISTRY:
        assert (spec.run is not None) == spec.executable, spec.type_key
    assert [s.type_key for s in REGISTRY if s.trigger] == ["orchestrate.entry"]
    assert [s.type_key for s in REGISTRY if s.goal_event] == ["orchestrate.goal"]


@pytest.mark.parametrize("spec", [s for s in REGISTRY if s.executable], ids=lambda s: s.type_key)
def test_example_configs_run_to_a_declared_port(spec, world):
    result = run(spec.type_key, spec.example, ctx_for(world))
    assert isinstance(result, Go | Park | End | Jump)


# -- entry and goal ---------------------------------------------------------------------------

def test_entry_goes_next_and_describes_its_trigger(world):
    assert run("orchestrate.entry", {}, ctx_for(world)) == Go("next")
    trig = SPECS_BY_KEY["orchestrate.entry"].trigger
    parse = SPECS_BY_KEY["orchestrate.entry"].parse_config
    event = trig(parse({"trigger": {"kind": "event", "event": "signed_up",
                                    "filters": [{"property": "source", "operator": "ne", "value": "import"}]}}))
    assert event == triggers.EventTrigger("signed_up", ({"property": "source", "operator": "ne",
                                                         "value": "import"},))
    assert event.accepts("signed_up", {"source": "web"}) and not event.accepts("signed_up", {"source": "import"})
    segment = trig(parse({"trigger": {"kind": "segment", "match": "any", "segment_id": "vip",
                                      "rules": [{"attribute": "plan", "value": "pro"}]}}))
    assert segment == triggers.SegmentTrigger(({"attribute": "plan", "operator": "eq", "value": "pro"},),
                                              "any", "vip")
    schedule = trig(parse({"trigger": {"kind": "schedule", "repeat": "recurring", "every": 2, "unit": "days",
                                       "time": "08:30"}}))
    assert isinstance(schedule, triggers.ScheduleTrigger)
    assert (schedule.repeat, schedule.every, schedule.unit, schedule.time) == ("recurring", 2, "days", "08:30")
    birthday = trig(parse({"trigger": {"kind": "date_property", "offset_days": -2}}))
    assert birthday == triggers.DatePropertyTrigger("birthday", -2, "09:00", True)
    assert trig(parse({})) == triggers.ManualTrigger()


def test_goal_goes_next_and_names_its_event(world):
    config = {"event": "order_completed", "filters": [{"property": "total", "operator": "gte", "value": 20}]}
    assert run("orchestrate.goal", config, ctx_for(world)) == Go("next")
    spec = SPECS_BY_KEY["orchestrate.goal"]
    assert spec.goal_event(spec.parse_config(config)) == (
        "order_completed", [{"property": "total", "operator": "gte", "value": 20}])


# -- condition ----------------------------------------------------------------------------------

def attribute_check(rules: list[dict], match: str = "all", missing: str = "no") -> dict:
    return {"check": {"kind": "attribute", "rules": rules, "match": match, "missing_attribute": missing}}


PLAN_PRO = {"attribute": "plan", "operator": "eq", "value": "Pro"}
COUNTRY_DE = {"attribute": "country", "operator": "eq", "value": "DE"}


def test_condition_on_attributes(world):
    ctx = ctx_for(world)
    assert run("orchestrate.condition", attribute_check([PLAN_PRO]), ctx) == Go("yes")
    assert run("orchestrate.condition", attribute_check([{**PLAN_PRO, "value": "pro"}]), ctx) == Go("no")
    assert run("orchestrate.condition",
               attribute_check([{"attribute": "seats", "operator": "gte", "value": 5}]), ctx) == Go("yes")
    assert run("orchestrate.condition", attribute_check([PLAN_PRO, {**PLAN_PRO, "operator": "ne"}], "any"),
               ctx) == Go("yes")


def test_condition_missing_attribute_takes_the_chosen_branch_with_a_note(world):
    ctx = ctx_for(world)
    assert run("orchestrate.condition", attribute_check([COUNTRY_DE]), ctx) == Go(
        "no", "attribute 'country' missing: branch 'no'")
    assert run("orchestrate.condition", attribute_check([COUNTRY_DE], missing="yes"), ctx) == Go(
        "yes", "attribute 'country' missing: branch 'yes'")
    # Decided by the rules the profile can answer: the missing attribute is only noted.
    settled_yes = run("orchestrate.condition", attribute_check([PLAN_PRO, COUNTRY_DE], "any"), ctx)
    assert settled_yes == Go("yes", "attribute 'country' missing; the other rules decide")
    settled_no = run("orchestrate.condition", attribute_check([{**PLAN_PRO, "value": "Free"}, COUNTRY_DE],
                                                              missing="yes"), ctx)
    assert settled_no.port == "no" and "missing" in settled_no.note
    # Presence rules answer normally.
    exists = {"attribute": "country", "operator": "exists", "value": None}
    assert run("orchestrate.condition", attribute_check([exists], missing="yes"), ctx) == Go("no")
    world.customers["c1"]["attributes"]["country"] = None  # null counts as absent
    assert run("orchestrate.condition", attribute_check([COUNTRY_DE], missing="yes"), ctx).port == "yes"


def test_condition_event_within(world, clock):
    config = {"check": {"kind": "event_within", "event": "order", "min_count": 2, "within_days": 7,
                        "filters": [{"property": "total", "operator": "gte", "value": 50}]}}
    world.add_event("c1", "order", {"total": 60}, clock.now() - timedelta(days=1))
    world.add_event("c1", "order", {"total": 10}, clock.now() - timedelta(days=2))
    world.add_event("c1", "order", {"total": 70}, clock.now() - timedelta(days=8))
    assert run("orchestrate.condition", config, ctx_for(world)) == Go("no", "1 × order in 7 days")
    world.add_event("c1", "order", {"total": 55}, clock.now() - timedelta(days=6, hours=23))
    assert run("orchestrate.condition", config, ctx_for(world)) == Go("yes", "2 × order in 7 days")


def test_condition_segment_until_segments_are_imported(world):
    config = {"check": {"kind": "segment", "segment_id": "vip"}}
    assert run("orchestrate.condition", config, ctx_for(world)) == Go("no", NO_SEGMENT_STORE)
    world.customers["c1"]["attributes"]["segments"] = ["newsletter"]
    assert run("orchestrate.condition", config, ctx_for(world)) == Go("no")
    world.customers["c1"]["attributes"]["segments"] = ["newsletter", "vip"]
    assert run("orchestrate.condition", config, ctx_for(world)) == Go("yes")


def test_condition_consent(world):
    def check(kind: str) -> Go:
        return run("orchestrate.condition", {"check": {"kind": "consent", "channel_kind": kind}}, ctx_for(world))

    assert check("email") == Go("yes")
    assert check("sms") == Go("no")
    assert check("chat") == Go("no", "no chat consent recorded")


# -- splits -------------------------------------------------------------------------------------

def test_multi_split(world):
    ctx = ctx_for(world)
    plans = {"attribute": "plan", "values": ["free", "pro", "business"]}
    assert run("orchestrate.multi_split", plans, ctx) == Go("branch_2")
    assert run("orchestrate.multi_split", {**plans, "case_sensitive": True}, ctx) == Go("else")
    assert run("orchestrate.multi_split", {**plans, "values": ["Pro"], "case_sensitive": True}, ctx) == Go(
        "branch_1")
    assert run("orchestrate.multi_split", {"attribute": "seats", "values": [5, 10.0]}, ctx) == Go("branch_2")
    assert run("orchestrate.multi_split", {"attribute": "seats", "values": ["1"]}, ctx) == Go("else")
    assert run("orchestrate.multi_split", {"attribute": "country", "values": ["DE"]}, ctx) == Go(
        "else", "attribute 'country' missing")
    world.customers["c1"]["attributes"]["trial"] = "true"
    assert run("orchestrate.multi_split", {"attribute": "trial", "values": [False, True]}, ctx) == Go(
        "branch_2")


def test_random_split_is_sticky_and_follows_the_weights(world):
    config = {"paths": [{"name": "a", "weight": 20}, {"name": "b", "weight": 30}, {"name": "c", "weight": 50}]}
    counts = ports_of("orchestrate.random_split", config, 10_000, world)
    assert set(counts) == {"a", "b", "c"}
    for name, share in (("a", 0.2), ("b", 0.3), ("c", 0.5)):
        assert abs(counts[name] / 10_000 - share) <= 0.03, counts
    first = [run("orchestrate.random_split", config, ctx_for(world, f"customer-{i}", "split-1")).port
             for i in range(200)]
    assert first == [run("orchestrate.random_split", config, ctx_for(world, f"customer-{i}", "split-1")).port
                     for i in range(200)]
    other_node = [run("orchestrate.random_split", config, ctx_for(world, f"customer-{i}", "split-2")).port
                  for i in range(200)]
    assert other_node != first  # each split draws independently


def test_weights_are_laid_end_to_end():
    paths = [WeightedPath(name="a", weight=1), WeightedPath(name="none", weight=0),
             WeightedPath(name="b", weight=3)]
    assert [pick_path(paths, x) for x in (0.0, 0.2499, 0.25, 0.9999)] == ["a", "a", "b", "b"]
    assert pick_path([WeightedPath(name="z", weight=0), WeightedPath(name="y", weight=2)], 0.0) == "y"


def test_random_split_never_takes_a_zero_weight_path(world):
    config = {"paths": [{"name": "a", "weight": 0}, {"name": "b", "weight": 1}, {"name": "c", "weight": 0}]}
    assert set(ports_of("orchestrate.random_split", config, 2_000, world)) == {"b"}


def test_experiment_assigns_stickily_and_by_weight(world):
    config = {"variants": [{"name": "control", "weight": 70}, {"name": "variant_b", "weight": 30},
                           {"name": "variant_c", "weight": 0}]}
    counts = ports_of("optimize.experiment", config, 10_000, world, node_id="exp-1")
    assert set(counts) == {"control", "variant_b"}
    assert abs(counts["control"] / 10_000 - 0.7) <= 0.03, counts
    run_vars: dict = {}
    first = run("optimize.experiment", config, ctx_for(world, "customer-1", "exp-1", run_vars=run_vars))
    assert run_vars == {"experiment:exp-1": first.port}
    # A new run (re-entry, fresh run_vars) gets the same variant.
    assert run("optimize.experiment", config, ctx_for(world, "customer-1", "exp-1", run_vars={})) == first
    # A kept assignment wins over the bucket; one that no longer fits is replaced.
    other = "variant_b" if first.port == "control" else "control"
    assert run("optimize.experiment", config,
               ctx_for(world, "customer-1", "exp-1", run_vars={"experiment:exp-1": other})) == Go(other)
    stale = {"experiment:exp-1": "variant_c"}
    assert run("optimize.experiment", config, ctx_for(world, "customer-1", "exp-1", run_vars=stale)) == first
    assert stale == {"experiment:exp-1": first.port}


def test_holdout(world):
    counts = ports_of("optimize.holdout", {"percent": 10}, 10_000, world, node_id="hold-1")
    assert abs(counts["holdout"] / 10_000 - 0.10) <= 0.03, counts
    assert counts["holdout"] + counts["treatment"] == 10_000
    held = {f"customer-{i}" for i in range(1_000)
            if run("optimize.holdout", {"percent": 10}, ctx_for(world, f"customer-{i}", "hold-1")).port == "holdout"}
    held_again = {f"customer-{i}" for i in range(1_000)
                  if run("optimize.holdout", {"percent": 10},
                         ctx_for(world, f"customer-{i}", "hold-1")).port == "holdout"}
    assert held == held_again and held
    assert set(ports_of("optimize.holdout", {"percent": 0}, 500, world, node_id="hold-1")) == {"treatment"}


# -- wait ---------------------------------------------------------------------------------------

def test_wait_duration(world, clock):
    result = run("orchestrate.wait", {"wait": {"kind": "duration", "amount": 2, "unit": "hours"}}, ctx_for(world))
    assert result == Park(until=clock.now() + timedelta(hours=2))
    # Over the night the clocks change, a day is 24 hours of elapsed time.
    world = make_world(VirtualClock(utc(2025, 3, 8, 15, 0)))
    day = run("orchestrate.wait", {"wait": {"kind": "duration", "amount": 1, "unit": "days"}}, ctx_for(world))
    assert day.until == utc(2025, 3, 9, 15, 0)
    assert day.until.astimezone(NY).hour == 11  # 10:00 EST became 11:00 EDT


def test_wait_until_a_time_of_day_in_the_customers_zone(world, clock):
    world.add_customer("sh", time_zone="Asia/Shanghai")
    world.add_customer("plain")
    nine = {"wait": {"kind": "time_of_day", "time": "09:00"}}
    # 14:00 UTC Monday: 10:00 in New York (09:00 is past: tomorrow), 22:00 in Shanghai (tomorrow morning).
    assert run("orchestrate.wait", nine, ctx_for(world, "c1")) == Park(until=utc(2025, 6, 3, 13, 0))
    assert run("orchestrate.wait", nine, ctx_for(world, "sh")) == Park(until=utc(2025, 6, 3, 1, 0))
    # No zone of their own: the journey's.
    assert run("orchestrate.wait", nine, ctx_for(world, "plain")) == Park(until=utc(2025, 6, 3, 9, 0))
    shanghai_journey = Settings(time_zone="Asia/Shanghai")
    assert run("orchestrate.wait", nine, ctx_for(world, "plain", settings=shanghai_journey)) == Park(
        until=utc(2025, 6, 3, 1, 0))
    # Strictly after now: at 09:00 sharp, the next day's.
    clock.set(utc(2025, 6, 3, 13, 0))
    assert run("orchestrate.wait", nine, ctx_for(world, "c1")) == Park(until=utc(2025, 6, 4, 13, 0))


def test_wait_time_of_day_on_allowed_weekdays(world, clock):
    weekend = {"wait": {"kind": "time_of_day", "time": "18:30", "weekdays": ["sun", "sat"]}}
    until = run("orchestrate.wait", weekend, ctx_for(world)).until
    assert until.astimezone(NY).strftime("%a %H:%M %Y-%m-%d") == "Sat 18:30 2025-06-07"
    monday = {"wait": {"kind": "time_of_day", "time": "11:00", "weekdays": ["mon"]}}
    assert run("orchestrate.wait", monday, ctx_for(world)).until == utc(2025, 6, 2, 15, 0)  # later today
    clock.set(utc(2025, 6, 2, 15, 0))
    assert run("orchestrate.wait", monday, ctx_for(world)).until == utc(2025, 6, 9, 15, 0)  # a week on


def test_wait_time_of_day_in_the_dst_change_week():
    nine = {"wait": {"kind": "time_of_day", "time": "09:00"}}
    clock = VirtualClock(utc(2025, 3, 8, 15, 0))  # Saturday 10:00 EST; the clocks go forward on Sunday 02:00
    world = make_world(clock)
    sunday = run("orchestrate.wait", nine, ctx_for(world)).until
    assert sunday == utc(2025, 3, 9, 13, 0)  # 09:00 EDT
    assert sunday - clock.now() == timedelta(hours=22)
    two_thirty = {"wait": {"kind": "time_of_day", "time": "02:30"}}
    skipped = run("orchestrate.wait", two_thirty, ctx_for(world)).until  # 02:30 does not exist that night
    assert skipped.astimezone(NY).strftime("%Y-%m-%d %H:%M") == "2025-03-09 03:30"
    # Shanghai has no DST: the same instant waits until 09:00 +08:00 on Sunday.
    world.add_customer("sh", time_zone="Asia/Shanghai")
    assert run("orchestrate.wait", nine, ctx_for(world, "sh")).until == utc(2025, 3, 9, 1, 0)
    clock.set(utc(2025, 11, 1, 14, 0))  # Saturday 10:00 EDT; back to EST on Sunday
    assert run("orchestrate.wait", nine, ctx_for(world)).until == utc(2025, 11, 2, 14, 0)  # 09:00 EST


def test_wait_until_a_date_of_the_customer(world, clock):
    def wait(attribute_value, offset: int = 0, customer: str = "c1"):
        world.customers[customer]["attributes"]["renewal"] = attribute_value
        config = {"wait": {"kind": "date_property", "attribute": "renewal", "offset_days": offset,
                           "time": "10:00"}}
        return run("orchestrate.wait", config, ctx_for(world, customer))

    assert wait("2025-06-20", -3) == Park(until=utc(2025, 6, 17, 14, 0))  # 10:00 EDT
    assert wait("2025-06-20T23:30:00-04:00") == Park(until=utc(2025, 6, 20, 14, 0))
    # The same moment is already 21 June in Shanghai.
    world.add_customer("sh", time_zone="Asia/Shanghai")
    assert wait("2025-06-21T03:30:00Z", customer="sh") == Park(until=utc(2025, 6, 21, 2, 0))
    past = wait("2025-06-01")
    assert past.port == "next" and "is past" in past.note
    today_earlier = wait("2025-06-02")  # 10:00 EDT today is 14:00 UTC: now, so not in the future
    assert today_earlier.port == "next" and "is past" in today_earlier.note
    assert wait("soon") == Go("next", "attribute 'renewal' is not a date ('soon'): no wait")
    del world.customers["c1"]["attributes"]["renewal"]
    config = {"wait": {"kind": "date_property", "attribute": "renewal"}}
    assert run("orchestrate.wait", config, ctx_for(world)) == Go("next", "attribute 'renewal' missing: no wait")


def test_wait_until_an_event_with_a_timeout(world, clock):
    config = {"wait": {"kind": "until_event", "event": "order_completed",
                       "filters": [{"property": "total", "operator": "gt", "value": 0}],
                       "timeout": {"amount": 3, "unit": "days"}}}
    result = run("orchestrate.wait", config, ctx_for(world))
    assert result == Park(until=clock.now() + timedelta(days=3), event="order_completed",
                          filters=[{"property": "total", "operator": "gt", "value": 0}],
                          event_port="event", timeout_port="timeout")
    assert result.port_at_time == "timeout"


# -- messages -----------------------------------------------------------------------------------

EMAIL = {"channel": "mail", "channel_kind": "email", "subject": "Hi {{ customer.first_name | default('there') }}",
         "body": "Your plan: {{ customer.plan | default('none') }} ({{ event.sku | default('-') }})",
         "html_body": "<b>{{ customer.first_name | default('there') }}</b>"}


def test_send_renders_and_sends(world):
    assert run("orchestrate.send", EMAIL, ctx_for(world, event={"sku": "A-1"})) == Go("sent")
    (delivery,) = world.outbox
    assert (delivery.subject, delivery.body, delivery.html_body) == ("Hi Ana", "Your plan: Pro (A-1)", "<b>Ana</b>")
    assert (delivery.channel, delivery.node_id, delivery.journey_id) == ("mail", "node-1", "journey")


def test_send_html_is_escaped_and_a_missing_value_fails_the_send(world):
    world.customers["c1"]["attributes"]["first_name"] = "<script>x</script>"
    assert run("orchestrate.send", EMAIL, ctx_for(world)) == Go("sent")
    (delivery,) = world.outbox
    assert delivery.subject == "Hi <script>x</script>"  # plain text is not HTML
    assert delivery.html_body == "<b>&lt;script&gt;x&lt;/script&gt;</b>"
    strict = {**EMAIL, "subject": "Hi {{ customer.nickname }}"}
    outcome = run("orchestrate.send", strict, ctx_for(world))
    assert outcome.port == "failed" and "'customer.nickname' is missing" in outcome.note
    assert "line 1" in outcome.note
    assert len(world.outbox) == 1  # nothing more was sent


def test_send_failed_and_skipped_carry_the_reason(world):
    world.failing_channels.add("mail")
    assert run("orchestrate.send", EMAIL, ctx_for(world)) == Go("failed", "channel failed")
    sms = {"channel": "texts", "channel_kind": "sms", "body": "Hi"}
    assert run("orchestrate.send", sms, ctx_for(world)) == Go("skipped", "no consent")


def test_send_in_quiet_hours_parks_and_runs_again(world, clock):
    world.settings = Settings(quiet_hours=QuietHours(enabled=True, start="21:00", end="08:00"))
    world.add_customer("sh", {"email": "sh@example.com"}, time_zone="Asia/Shanghai", consent={"email": True})
    parked = run("orchestrate.send", EMAIL, ctx_for(world, "sh"))  # 22:00 in Shanghai
    assert parked == Park(until=utc(2025, 6, 3, 0, 0), resume_port=RUN_AGAIN, note="quiet hours")
    assert world.outbox == []
    assert run("orchestrate.send", EMAIL, ctx_for(world, "c1")) == Go("sent")  # 10:00 in New York
    assert run("orchestrate.send", {**EMAIL, "respect_quiet_hours": False}, ctx_for(world, "sh")) == Go("sent")
    clock.set(parked.until)
    assert run("orchestrate.send", EMAIL, ctx_for(world, "sh")) == Go("sent")
    world.settings = Settings(quiet_hours=QuietHours(enabled=True, start="21:00", end="08:00", behaviour="skip"))
    clock.advance(timedelta(hours=14))
    assert run("orchestrate.send", EMAIL, ctx_for(world, "sh")) == Go("skipped", "quiet hours")


def test_send_frequency_cap_across_journeys(world, clock):
    capped = Settings(frequency_cap=FrequencyCap(enabled=True, max_messages=2, per_days=7))
    for journey in ("welcome", "newsletter"):
        assert run("orchestrate.send", EMAIL, ctx_for(world, journey_id=journey, settings=capped)) == Go("sent")
        clock.advance(timedelta(hours=1))
    assert run("orchestrate.send", EMAIL, ctx_for(world, journey_id="promo", settings=capped)) == Go(
        "skipped", "frequency cap")
    receipt = {**EMAIL, "frequency_cap_exempt": True}
    assert run("orchestrate.send", receipt, ctx_for(world, journey_id="orders", settings=capped)) == Go("sent")
    assert run("orchestrate.send", EMAIL, ctx_for(world, journey_id="promo")) == Go("sent")  # no cap set there
    clock.advance(timedelta(days=7))
    assert run("orchestrate.send", EMAIL, ctx_for(world, journey_id="promo", settings=capped)) == Go("sent")


def test_send_without_consent_is_skipped(world):
    world.customers["c1"]["consent"]["email"] = False
    assert run("orchestrate.send", EMAIL, ctx_for(world)) == Go("skipped", "no consent")
    assert world.sent() == []


def test_update_profile(world):
    config = {"operations": [{"kind": "set", "attribute": "lifecycle", "value": "onboarded"},
                             {"kind": "unset", "attribute": "seats"}, {"kind": "add_tag", "tag": "welcomed"}]}
    assert run("orchestrate.update_profile", config, ctx_for(world)) == Go("next")
    record = world.customers["c1"]
    assert record["attributes"]["lifecycle"] == "onboarded" and "seats" not in record["attributes"]
    assert record["tags"] == {"welcomed"}
    remove = {"operations": [{"kind": "remove_tag", "tag": "welcomed"}]}
    assert run("orchestrate.update_profile", remove, ctx_for(world)) == Go("next")
    assert record["tags"] == set()


def test_notify_staff(world):
    config = {"channel": "team", "channel_kind": "chat", "recipients": ["#support"],
              "message": "Call {{ customer.first_name }}"}
    assert run("orchestrate.notify_staff", config, ctx_for(world)) == Go("next")
    assert world.staff_outbox[0].message == "Call Ana"
    world.failing_channels.add("team")
    assert run("orchestrate.notify_staff", config, ctx_for(world)) == Go("failed", "channel failed")


# -- jump and exit ------------------------------------------------------------------------------

def test_jump_is_bounded_per_run(world):
    config = {"target": {"kind": "node", "node_id": "wait-1"}, "max_loops": 3}
    run_vars: dict = {}
    results = [run("orchestrate.jump", config, ctx_for(world, node_id="jump-1", run_vars=run_vars))
               for _ in range(5)]
    assert results[:3] == [Jump("wait-1")] * 3
    assert results[3] == Go("limit_reached", "jumped 3 times already (at most 3)")
    assert results[4].port == "limit_reached"
    assert run_vars == {"jump:jump-1": 3}
    # Another jump node of the same run counts on its own; a new run starts again.
    assert run("orchestrate.jump", config, ctx_for(world, node_id="jump-2", run_vars=run_vars)) == Jump("wait-1")
    assert run("orchestrate.jump", config, ctx_for(world, node_id="jump-1", run_vars={})) == Jump("wait-1")


def test_jump_to_another_journey(world):
    to_entry = {"target": {"kind": "journey", "journey_id": "winback"}, "max_loops": 1}
    run_vars: dict = {}
    assert run("orchestrate.jump", to_entry, ctx_for(world, run_vars=run_vars)) == Jump("", "winback")
    assert run("orchestrate.jump", to_entry, ctx_for(world, run_vars=run_vars)).port == "limit_reached"
    to_step = {"target": {"kind": "journey", "journey_id": "winback", "node_id": "send-2"}}
    assert run("orchestrate.jump", to_step, ctx_for(world)) == Jump("send-2", "winback")


def test_exit_ends_the_run(world):
    assert run("orchestrate.exit", {"reason": "Completed onboarding"}, ctx_for(world)) == End("Completed onboarding")
    assert run("orchestrate.exit", {}, ctx_for(world)) == End("")
