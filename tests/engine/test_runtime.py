"""The runtime's pure parts: clocks, results, operators and triggers, shared rules, the in-memory world."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from engine.document import FrequencyCap, QuietHours, Settings
from engine.runtime import Clock, End, Go, Jump, Park, RealClock, VirtualClock
from engine.runtime.clock import as_utc, at_local, local_date, parse_hhmm, parse_iso, zone_of
from engine.runtime.context import SendOutcome, bucket, frequency_capped, quiet_until
from engine.runtime.fake import FakeWorld
from engine.runtime.triggers import (
    DatePropertyTrigger,
    EventTrigger,
    RulesResult,
    ScheduleTrigger,
    SegmentTrigger,
    compare,
    date_moment,
    equals,
    evaluate_rules,
    lookup,
    matches,
    rule_matches,
)

NY = ZoneInfo("America/New_York")
SH = ZoneInfo("Asia/Shanghai")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# -- clocks ------------------------------------------------------------------------------------

def test_virtual_clock_moves_only_when_told_and_only_forward():
    clock = VirtualClock(datetime(2025, 1, 1, 9, 0, tzinfo=SH))
    assert isinstance(clock, Clock)
    assert clock.now() == utc(2025, 1, 1, 1, 0) and clock.now().tzinfo is UTC
    assert clock.now() is clock.now()
    assert clock.advance(timedelta(hours=5)) == utc(2025, 1, 1, 6, 0)
    assert clock.set(utc(2025, 2, 1)) == utc(2025, 2, 1)
    with pytest.raises(ValueError, match="cannot go back"):
        clock.advance(timedelta(seconds=-1))
    with pytest.raises(ValueError, match="cannot go back"):
        clock.set(utc(2025, 1, 31))
    with pytest.raises(ValueError, match="time zone"):
        clock.set(datetime(2025, 3, 1))
    with pytest.raises(ValueError, match="time zone"):
        VirtualClock(datetime(2025, 1, 1))
    assert clock.now() == utc(2025, 2, 1)


def test_real_clock_is_aware_utc():
    now = RealClock().now()
    assert isinstance(RealClock(), Clock)
    assert now.utcoffset() == timedelta(0)


def test_local_time_helpers():
    assert parse_hhmm("07:05") == time(7, 5)
    with pytest.raises(ValueError):
        parse_hhmm("24:00")
    # New York moves to summer time on 2025-03-09 at 02:00.
    assert at_local(date(2025, 3, 8), "09:00", NY) == utc(2025, 3, 8, 14, 0)
    assert at_local(date(2025, 3, 10), "09:00", NY) == utc(2025, 3, 10, 13, 0)
    assert at_local(date(2025, 3, 9), "02:30", NY).astimezone(NY).strftime("%H:%M") == "03:30"
    assert at_local(date(2025, 3, 9), "09:00", SH) == utc(2025, 3, 9, 1, 0)
    assert zone_of("Asia/Shanghai") == SH
    assert zone_of("Mars/Olympus", "America/New_York") == NY
    assert zone_of(None, "Nowhere/At_all") == ZoneInfo("UTC")


@pytest.mark.parametrize("value, expected", [
    ("2024-05-01", date(2024, 5, 1)),
    ("2024-05-01T10:30:00", datetime(2024, 5, 1, 10, 30)),
    ("2024-05-01T10:30:00Z", utc(2024, 5, 1, 10, 30)),
    (date(2020, 2, 29), date(2020, 2, 29)),
    ("01/05/2024", None), ("soon", None), (20240501, None), ("2024-13-01", None), (None, None),
])
def test_parse_iso(value, expected):
    assert parse_iso(value) == expected


def test_local_date_and_as_utc():
    late = utc(2025, 6, 1, 20, 0)
    assert local_date(late, SH) == date(2025, 6, 2)
    assert local_date(late, NY) == date(2025, 6, 1)
    assert local_date(datetime(2025, 6, 1, 23, 0), SH) == date(2025, 6, 1)
    assert as_utc(date(2025, 6, 1)) == utc(2025, 6, 1)
    assert as_utc(datetime(2025, 6, 1, 9, 0), SH) == utc(2025, 6, 1, 1, 0)


# -- results -----------------------------------------------------------------------------------

def test_results_are_values_and_park_needs_a_reason_to_wake():
    assert Go("yes") == Go("yes") and Go("yes", "why") != Go("yes")
    assert End().reason == "" and Jump("n1").journey_id is None
    with pytest.raises(ValueError, match="time, an event"):
        Park()
    with pytest.raises(ValueError, match="time zone"):
        Park(until=datetime(2025, 1, 1))
    timed = Park(until=utc(2025, 1, 1))
    assert timed.port_at_time == "next" and timed.filters == []
    waiting = Park(until=utc(2025, 1, 1), event="paid")
    assert waiting.port_at_time == "timeout"
    assert Park(event="paid").until is None
    with pytest.raises(AttributeError):
        timed.until = None  # type: ignore[misc]


# -- operators ---------------------------------------------------------------------------------

@pytest.mark.parametrize("operator, actual, expected, result", [
    ("eq", "pro", "pro", True), ("eq", "Pro", "pro", False), ("eq", "5", 5, True), ("eq", 5.0, "5", True),
    ("eq", "5a", 5, False), ("eq", True, "TRUE", True), ("eq", True, 1, False), ("eq", "false", False, True),
    ("eq", None, "x", False), ("ne", None, "x", True), ("ne", "a", "b", True), ("ne", "12", 12, False),
    ("gt", "10", 9, True), ("gt", 9, "10", False), ("gte", 3, 3, True), ("lt", "2.5", 3, True),
    ("lte", "abc", 3, False), ("gt", "2025-01-02", "2025-01-01T23:00:00", True),
    ("lt", "2025-01-01T10:00:00+08:00", "2025-01-01T03:00:00Z", True), ("gt", None, 1, False),
    ("contains", "Hello World", "world", True), ("contains", ["VIP", "new"], "vip", True),
    ("contains", [1, 2], "2", True), ("contains", ["a"], "b", False), ("contains", {"k": 1}, "k", True),
    ("contains", 10115, 101, True), ("contains", None, "x", False),
    ("exists", 0, None, True), ("exists", None, None, False), ("not_exists", None, None, True),
    ("not_exists", "", None, False),
])
def test_compare(operator, actual, expected, result):
    assert compare(operator, actual, expected) is result


def test_unknown_operator_is_an_error():
    with pytest.raises(ValueError, match="unknown operator"):
        compare("like", 1, 2)


def test_equality_case_folding_on_request():
    assert equals("GOLD", "gold", case_sensitive=False)
    assert not equals("GOLD", "gold")


def test_lookup_and_matches_reach_nested_properties():
    props = {"total": "59.90", "address": {"city": "Berlin"}, "a.b": 1, "gone": None}
    assert lookup(props, "address.city") == "Berlin"
    assert lookup(props, "a.b") == 1
    assert lookup(props, "address.zip") is None and lookup(props, "total.x") is None
    assert matches([], props)
    assert matches([{"property": "total", "operator": "gte", "value": 50},
                    {"property": "address.city", "operator": "eq", "value": "Berlin"}], props)
    assert not matches([{"property": "total", "operator": "gt", "value": 60}], props)
    assert matches([{"property": "source", "operator": "ne", "value": "import"}], props)
    assert matches([{"property": "gone", "operator": "not_exists", "value": None}], props)


def test_rules_with_absent_attributes():
    rules = [{"attribute": "plan", "operator": "eq", "value": "pro"},
             {"attribute": "country", "operator": "eq", "value": "DE"}]
    assert evaluate_rules(rules, "all", {"plan": "pro", "country": "DE"}).matched is True
    assert evaluate_rules(rules, "all", {"plan": "free"}).matched is False  # settled by plan
    undecided = evaluate_rules(rules, "all", {"plan": "pro"})
    assert undecided.matched is None and undecided.missing == ("country",)
    assert evaluate_rules(rules, "any", {"country": "DE"}).matched is True
    assert evaluate_rules(rules, "any", {"country": "FR"}).matched is None
    assert evaluate_rules(rules, "any", {"country": "FR", "plan": "free"}).matched is False
    presence = [{"attribute": "email", "operator": "exists", "value": None}]
    assert evaluate_rules(presence, "all", {}) == RulesResult(False, ())
    assert rule_matches(rules, "all", {"plan": "pro"}) is False
    assert rule_matches(rules, "all", {"plan": "pro"}, missing="yes") is True
    ne = [{"attribute": "plan", "operator": "ne", "value": "pro"}]
    assert rule_matches(ne, "all", {}, missing="rule") is True
    assert rule_matches(ne, "all", {}, missing="no") is False


# -- triggers ----------------------------------------------------------------------------------

def test_event_and_segment_triggers():
    trig = EventTrigger("order_completed", ({"property": "total", "operator": "gte", "value": 50},))
    assert trig.accepts("order_completed", {"total": 80})
    assert not trig.accepts("order_completed", {"total": 20})
    assert not trig.accepts("order_refunded", {"total": 80})
    seg = SegmentTrigger(({"attribute": "plan", "operator": "eq", "value": "pro"},), "all", "")
    assert seg.accepts({"plan": "pro"}) and not seg.accepts({}) and not seg.accepts({"plan": "free"})


def test_schedule_once_reads_a_naive_time_in_the_zone():
    trig = ScheduleTrigger(repeat="once", at=datetime(2025, 6, 1, 9, 0))
    assert trig.next_fire(utc(2025, 5, 31), SH) == utc(2025, 6, 1, 1, 0)
    assert trig.next_fire(utc(2025, 6, 1, 1, 0), SH) is None
    aware = ScheduleTrigger(repeat="once", at=datetime(2025, 6, 1, 9, 0, tzinfo=timezone(timedelta(hours=2))))
    assert aware.next_fire(utc(2025, 5, 1), SH) == utc(2025, 6, 1, 7, 0)


def test_schedule_recurring_counts_periods_from_the_start_day_across_dst():
    weekly = ScheduleTrigger(repeat="recurring", every=1, unit="weeks", time="09:00",
                             starts_on=datetime(2025, 3, 2))  # a Sunday
    first = weekly.next_fire(utc(2025, 3, 1), NY)
    assert first == utc(2025, 3, 2, 14, 0)  # 09:00 EST
    second = weekly.next_fire(first, NY)
    assert second == utc(2025, 3, 9, 13, 0)  # 09:00 EDT, the day the clocks change
    every_two_days = ScheduleTrigger(repeat="recurring", every=2, unit="days", time="08:00")
    start = utc(2025, 6, 1, 12, 0)
    # 20:00 in Shanghai: today's 08:00 is past, so two days on from today, or from the first day.
    assert every_two_days.next_fire(start, SH) == utc(2025, 6, 3, 0, 0)
    assert every_two_days.next_fire(start, SH, first_day=date(2025, 5, 31)) == utc(2025, 6, 2, 0, 0)


def test_date_property_trigger():
    birthday = DatePropertyTrigger("birthday", offset_days=-1, time="10:00", yearly=True)
    attrs = {"birthday": "1990-07-15"}
    assert birthday.next_fire(attrs, utc(2025, 7, 1), SH) == utc(2025, 7, 14, 2, 0)
    assert birthday.next_fire(attrs, utc(2025, 7, 14, 2, 0), SH) == utc(2026, 7, 14, 2, 0)
    assert birthday.next_fire({}, utc(2025, 7, 1), SH) is None
    assert birthday.next_fire({"birthday": "someday"}, utc(2025, 7, 1), SH) is None
    leap = DatePropertyTrigger("birthday", 0, "09:00", True)
    assert leap.next_fire({"birthday": "2000-02-29"}, utc(2025, 1, 1), ZoneInfo("UTC")) == utc(2025, 2, 28, 9)
    once = DatePropertyTrigger("renewal", 3, "09:00", yearly=False)
    assert once.next_fire({"renewal": "2025-01-10"}, utc(2025, 1, 1), ZoneInfo("UTC")) == utc(2025, 1, 13, 9)
    assert once.next_fire({"renewal": "2025-01-10"}, utc(2025, 2, 1), ZoneInfo("UTC")) is None
    assert date_moment("2025-01-10T23:30:00Z", 0, "09:00", SH) == utc(2025, 1, 11, 1, 0)


# -- shared rules ------------------------------------------------------------------------------

def test_bucket_is_deterministic_and_spread():
    assert bucket("c1", "n1") == bucket("c1", "n1")
    assert bucket("c1", "n1") != bucket("c1", "n2") != bucket("c2", "n1")
    values = [bucket(f"customer-{i}", "split") for i in range(10_000)]
    assert all(0.0 <= v < 1.0 for v in values)
    deciles = [0] * 10
    for v in values:
        deciles[int(v * 10)] += 1
    assert all(850 <= n <= 1150 for n in deciles), deciles


def test_render_fills_customer_and_event_placeholders(clock):
    from engine.errors import TemplateError

    world = FakeWorld(clock)
    world.add_customer("c-7", {"first_name": "Ana", "address": {"city": "Lyon"}, "points": 12.0, "vip": True})
    ctx = world.context("c-7", node_id="n-1", event={"order_id": "A-1"})
    text = ("Hi {{ customer.first_name }} from {{customer.address.city}}: {{ customer.points }} points, "
            "vip {{ customer.vip }}, order {{ event.order_id }}, {{ customer.missing | default('') }}|{{ customer.id }}")
    assert ctx.render(text) == "Hi Ana from Lyon: 12 points, vip true, order A-1, |c-7"
    assert ctx.render("plain") == "plain"
    with pytest.raises(TemplateError, match="'customer.missing' is missing"):
        ctx.render("{{ customer.missing }}", name="subject")


def test_quiet_hours_window():
    quiet = QuietHours(enabled=True, start="21:00", end="08:00")
    # 22:00 in Shanghai, 10:00 in New York (EDT), at the same moment.
    moment = utc(2025, 6, 1, 14, 0)
    assert quiet_until(moment, SH, quiet) == utc(2025, 6, 2, 0, 0)
    assert quiet_until(moment, NY, quiet) is None
    # 03:00 in Shanghai: ends the same morning.
    assert quiet_until(utc(2025, 6, 1, 19, 0), SH, quiet) == utc(2025, 6, 2, 0, 0)
    assert quiet_until(utc(2025, 6, 2, 0, 0), SH, quiet) is None  # the end is not quiet
    assert quiet_until(utc(2025, 6, 1, 13, 0), SH, quiet) == utc(2025, 6, 2, 0, 0)  # the start is
    lunch = QuietHours(enabled=True, start="12:00", end="14:00")
    assert quiet_until(utc(2025, 6, 1, 5, 0), SH, lunch) == utc(2025, 6, 1, 6, 0)
    assert quiet_until(utc(2025, 6, 1, 7, 0), SH, lunch) is None
    assert quiet_until(utc(2025, 6, 1, 6, 0), SH, lunch) is None  # 14:00 sharp
    assert quiet_until(utc(2025, 6, 1, 4, 0), SH, lunch) == utc(2025, 6, 1, 6, 0)  # 12:00 sharp
    assert quiet_until(moment, SH, QuietHours(enabled=False)) is None
    assert quiet_until(moment, SH, QuietHours(enabled=True, start="09:00", end="09:00")) is None
    # The night the clocks go forward in New York: 23:00 EST to 08:00 EDT.
    assert quiet_until(utc(2025, 3, 9, 4, 0), NY, quiet) == utc(2025, 3, 9, 12, 0)


def test_frequency_cap_counts_the_window():
    cap = FrequencyCap(enabled=True, max_messages=2, per_days=7)
    now = utc(2025, 6, 10)
    assert not frequency_capped(cap, [utc(2025, 6, 9)], now)
    assert frequency_capped(cap, [utc(2025, 6, 9), utc(2025, 6, 4)], now)
    assert not frequency_capped(cap, [utc(2025, 6, 9), utc(2025, 6, 3)], now)  # exactly 7 days old
    assert not frequency_capped(FrequencyCap(enabled=False, max_messages=1), [utc(2025, 6, 9)], now)


def test_send_outcome_is_checked():
    with pytest.raises(ValueError, match="unknown send status"):
        SendOutcome("bounced")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="retry_at"):
        SendOutcome("deferred")


# -- the in-memory world ------------------------------------------------------------------------

@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(utc(2025, 6, 1, 14, 0))


@pytest.fixture
def world(clock) -> FakeWorld:
    return FakeWorld(clock)


def _send(world: FakeWorld, customer: str, journey: str = "j1", **kw):
    ctx = world.context(customer, node_id="send-1", journey_id=journey)
    return ctx.send("mail", kw.pop("kind", "email"), "Hi", "Body", **kw)


def test_send_needs_consent_subscription_and_an_address(world):
    world.add_customer("ok", {"email": "ok@example.com"}, consent={"email": True})
    world.add_customer("no-consent", {"email": "x@example.com"}, consent={"email": False})
    world.add_customer("never-asked", {"email": "y@example.com"})
    world.add_customer("no-address", {}, consent={"email": True, "sms": True, "webhook": True})
    world.add_customer("gone", {"email": "z@example.com"}, consent={"email": True})
    world.unsubscribe("gone")
    assert _send(world, "ok").status == "sent"
    assert _send(world, "no-consent") == SendOutcome("skipped", "no consent")
    assert _send(world, "never-asked") == SendOutcome("skipped", "no consent")
    assert _send(world, "no-address") == SendOutcome("skipped", "no address")
    assert _send(world, "no-address", kind="sms") == SendOutcome("skipped", "no address")
    assert _send(world, "no-address", kind="webhook").status == "sent"
    assert _send(world, "gone") == SendOutcome("skipped", "unsubscribed")
    assert [(d.customer_id, d.status) for d in world.outbox] == [
        ("ok", "sent"), ("no-consent", "skipped"), ("never-asked", "skipped"), ("no-address", "skipped"),
        ("no-address", "skipped"), ("no-address", "sent"), ("gone", "skipped")]
    assert [d.customer_id for d in world.sent()] == ["ok", "no-address"]


def test_quiet_hours_apply_in_the_customers_zone(world, clock):
    world.settings = Settings(time_zone="America/New_York",
                              quiet_hours=QuietHours(enabled=True, start="21:00", end="08:00"))
    for cid, tz in (("shanghai", "Asia/Shanghai"), ("new-york", "America/New_York"), ("no-zone", None)):
        world.add_customer(cid, {"email": f"{cid}@example.com"}, time_zone=tz, consent={"email": True})
    # 14:00 UTC: 22:00 in Shanghai, 10:00 in New York.
    deferred = _send(world, "shanghai")
    assert deferred == SendOutcome("deferred", "quiet hours", retry_at=utc(2025, 6, 2, 0, 0))
    assert _send(world, "new-york").status == "sent"
    assert _send(world, "no-zone").status == "sent"  # the journey's zone: New York
    assert _send(world, "shanghai", respect_quiet_hours=False).status == "sent"
    assert [d.customer_id for d in world.outbox] == ["new-york", "no-zone", "shanghai"]
    clock.set(deferred.retry_at)
    assert _send(world, "shanghai").status == "sent"
    world.settings = world.settings.model_copy(update={"quiet_hours": QuietHours(enabled=True, behaviour="skip")})
    clock.advance(timedelta(hours=14))  # 22:00 in Shanghai again
    assert _send(world, "shanghai") == SendOutcome("skipped", "quiet hours")


def test_frequency_cap_counts_sends_from_every_journey(world, clock):
    world.settings = Settings(frequency_cap=FrequencyCap(enabled=True, max_messages=2, per_days=7))
    world.add_customer("c", {"email": "c@example.com"}, consent={"email": True})
    world.add_customer("d", {"email": "d@example.com"}, consent={"email": True})
    assert _send(world, "c", "welcome").status == "sent"
    clock.advance(timedelta(days=1))
    assert _send(world, "c", "newsletter").status == "sent"
    assert _send(world, "c", "promo") == SendOutcome("skipped", "frequency cap")
    assert _send(world, "d", "promo").status == "sent"  # per customer
    assert _send(world, "c", "receipts", frequency_cap_exempt=True).status == "sent"
    world.failing_channels.add("mail")
    clock.advance(timedelta(days=6))  # the first send is now 7 days old
    assert _send(world, "c", "promo") == SendOutcome("failed", "channel failed")
    world.failing_channels.clear()
    assert _send(world, "c", "promo").status == "sent"  # the failure did not count
    assert _send(world, "c", "promo").status == "skipped"


def test_notify_staff_records_and_can_fail(world):
    world.add_customer("c")
    ctx = world.context("c", node_id="n", journey_id="j")
    assert ctx.notify_staff("team", "chat", ["#support"], "call back").status == "sent"
    world.failing_channels.add("team")
    assert ctx.notify_staff("team", "chat", [], "again") == SendOutcome("failed", "channel failed")
    assert [(n.message, n.status, n.recipients) for n in world.staff_outbox] == [
        ("call back", "sent", ("#support",)), ("again", "failed", ())]
    assert world.outbox == []


def test_count_events_by_name_filters_and_window(world, clock):
    world.add_customer("c")
    world.add_customer("other")
    world.add_event("c", "order", {"total": 80}, utc(2025, 5, 30))
    world.add_event("c", "order", {"total": 20}, utc(2025, 5, 31))
    world.add_event("c", "order", {"total": 90}, utc(2025, 5, 1))
    world.add_event("c", "order", {"total": 95}, utc(2025, 6, 5))  # not yet happened
    world.add_event("c", "visit")
    world.add_event("other", "order", {"total": 99}, utc(2025, 5, 31))
    ctx = world.context("c", node_id="n")
    week = clock.now() - timedelta(days=7)
    assert ctx.count_events("order", [], week) == 2
    assert ctx.count_events("order", [{"property": "total", "operator": "gte", "value": 50}], week) == 1
    assert ctx.count_events("order", [], utc(2025, 1, 1)) == 3
    assert ctx.count_events("visit", [], week) == 1
    assert len(world.events_of("c")) == 5
    with pytest.raises(KeyError):
        world.add_event("nobody", "order")


def test_update_profile_changes_the_stored_customer(world):
    world.add_customer("c", {"plan": "free", "old": 1}, tags={"lead"})
    ctx = world.context("c", node_id="n")
    ctx.update_profile([{"kind": "set", "attribute": "plan", "value": "pro"},
                        {"kind": "unset", "attribute": "old"}, {"kind": "unset", "attribute": "never"},
                        {"kind": "add_tag", "tag": "vip"}, {"kind": "remove_tag", "tag": "lead"}])
    assert world.customers["c"]["attributes"] == {"plan": "pro"}
    assert world.customers["c"]["tags"] == {"vip"}
    assert ctx.customer.attributes["plan"] == "pro"
    with pytest.raises(ValueError, match="unknown profile operation"):
        ctx.update_profile([{"kind": "merge"}])
    with pytest.raises(ValueError, match="exists already"):
        world.add_customer("c")


def test_context_carries_the_step(world, clock):
    world.add_customer("c", time_zone="Not/AZone")
    run_vars: dict = {}
    ctx = world.context("c", node_id="n1", journey_id="j1", run_vars=run_vars, event={"sku": "A"},
                        settings=Settings(time_zone="Asia/Shanghai"), mode="test")
    assert (ctx.now, ctx.node_id, ctx.journey_id, ctx.mode) == (clock.now(), "n1", "j1", "test")
    assert ctx.run_vars is run_vars
    assert ctx.zone == SH  # an unknown customer zone falls back to the journey's
    assert ctx.render("{{ event.sku }}") == "A"
    assert ctx.bucket("n1") == bucket("c", "n1")
