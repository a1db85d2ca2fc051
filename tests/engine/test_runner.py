"""The durable runner: published journeys run against the workspace on a virtual clock, with the
step log, node and edge counters, the delivery outbox, version pinning and modes kept apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from engine.channels import ChannelResult, Message, RecordingChannel
from engine.commands import make_node
from engine.document import Journey
from engine.runtime.clock import VirtualClock
from engine.runtime.runner import Runner, delivery_key
from engine.store import Workspace
from engine.store.models import DeliveryRow
from engine.store.runs import RunStore
from tests.conftest import connect

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def welcome(registry, *, trigger: dict | None = None, wait: dict | None = None, status: str = "live",
            subject: str = "Welcome {{ customer.first_name }}") -> tuple[Journey, dict]:
    """entry → wait → send → exit; returns the journey and its nodes by role."""
    j = Journey(name="Welcome")
    j.settings.status = status
    entry = make_node(registry, "orchestrate.entry", title="Signed up",
                      config={"trigger": trigger or {"kind": "manual"}})
    pause = make_node(registry, "orchestrate.wait", title="Wait",
                      config={"wait": wait or {"kind": "duration", "amount": 1, "unit": "days"}})
    send = make_node(registry, "orchestrate.send", title="Welcome mail",
                     config={"channel": "email-main", "channel_kind": "email", "subject": subject,
                             "body": "Hello {{ customer.first_name }}"})
    done = make_node(registry, "orchestrate.exit", title="Done")
    j.nodes += [entry, pause, send, done]
    nodes = {"entry": entry, "wait": pause, "send": send, "exit": done}
    connect(j, entry, "next", pause)
    if wait and wait.get("kind") == "until_event":
        connect(j, pause, "event", send)
    else:
        connect(j, pause, "next", send)
    connect(j, send, "sent", done)
    return j, nodes


def publish(ws: Workspace, registry, journey: Journey, *, create: bool = True) -> int:
    if create:
        ws.create_journey(journey)
    else:
        ws.save_draft(journey)
    return ws.publish(journey.id, registry).number


def customer(ws: Workspace, email: str = "ana@example.com", consent: dict | None = None) -> str:
    return ws.upsert_customer({"email": email}, {"first_name": "Ana", "email": email},
                              consent={"email": True} if consent is None else consent)


def assert_conserved(runner: Runner, journey: Journey, version: int, mode: str | None = None) -> None:
    """entered = Σ outgoing edge counts + active + exited, and the edge counters equal the step log."""
    nodes, edges = runner.counters(journey.id, version, mode)
    for node_id, counts in nodes.items():
        out = sum(edges.get(e.id, 0) for e in journey.edges if e.source.node == node_id)
        assert counts.entered == out + counts.active + counts.exited, (node_id, counts, out)
        assert 0 <= counts.converted <= counts.entered and counts.active >= 0
    log = runner.store.steps_for(journey.id, version, mode or runner.mode)
    for edge in journey.edges:
        taken = sum(1 for s in log if s.node_id == edge.source.node and s.port == edge.source.port)
        assert edges.get(edge.id, 0) == taken, edge.id


def test_welcome_journey_end_to_end(ws, registry):
    journey, n = welcome(registry)
    version = publish(ws, registry, journey)
    clock = VirtualClock(T0)
    mail = RecordingChannel()
    runner = Runner(ws, registry, clock, {"email-main": mail}, mode="live")
    ana = customer(ws)

    run_id = runner.enter(journey.id, ana)
    assert run_id is not None
    assert runner.tick() == 0  # parked for a day: nothing is due
    clock.advance(DAY - timedelta(seconds=1))
    assert runner.tick() == 0
    assert mail.messages == []
    nodes, _ = runner.counters(journey.id, version)
    assert nodes[n["wait"].id].active == 1
    assert_conserved(runner, journey, version)

    clock.advance(timedelta(seconds=1))
    assert runner.tick() == 1
    assert runner.tick() == 0
    assert len(mail.messages) == 1
    message = mail.messages[0]
    assert message.subject == "Welcome Ana" and message.to == "ana@example.com"
    assert message.idempotency_key == delivery_key(run_id, n["send"].id, "1")

    nodes, edges = runner.counters(journey.id, version)
    assert {k: (c.entered, c.active, c.exited) for k, c in nodes.items()} == {
        n["entry"].id: (1, 0, 0), n["wait"].id: (1, 0, 0), n["send"].id: (1, 0, 0), n["exit"].id: (1, 0, 1)}
    assert sorted(edges.values()) == [1, 1, 1]
    assert_conserved(runner, journey, version)
    state = runner.store.load(run_id)
    assert state.status == "done" and state.version_number == version and state.steps == 4
    steps = runner.store.steps_of(run_id)
    assert [(s.node_id, s.port) for s in steps] == [
        (n["entry"].id, "next"), (n["wait"].id, None), (n["wait"].id, "next"), (n["send"].id, "sent"),
        (n["exit"].id, None)]
    assert all(s.mode == "live" for s in steps)
    assert steps[3].at == T0 + DAY
    (delivery,) = runner.store.deliveries(run_id=run_id)
    assert (delivery.status, delivery.message_id, delivery.attempts) == ("sent", "recorded-1", 1)


def test_no_consent_is_skipped_and_recorded(ws, registry):
    journey, n = welcome(registry)
    version = publish(ws, registry, journey)
    clock = VirtualClock(T0)
    mail = RecordingChannel()
    runner = Runner(ws, registry, clock, {"email-main": mail})
    bo = customer(ws, "bo@example.com", {"email": False})
    run_id = runner.enter(journey.id, bo)
    clock.advance(DAY)
    runner.tick()
    assert mail.attempts == []
    (delivery,) = runner.store.deliveries(run_id=run_id)
    assert (delivery.status, delivery.reason) == ("skipped", "no consent")
    nodes, _ = runner.counters(journey.id, version)
    assert nodes[n["send"].id].exited == 1  # "skipped" has no edge: the run ends there
    assert_conserved(runner, journey, version)


def test_failing_channel_takes_no_edge(ws, registry):
    journey, n = welcome(registry)
    version = publish(ws, registry, journey)
    clock = VirtualClock(T0)
    runner = Runner(ws, registry, clock, {"email-main": RecordingChannel(fail=True, fail_reason="bounced")})
    run_id = runner.enter(journey.id, customer(ws))
    clock.advance(DAY)
    runner.tick()
    (delivery,) = runner.store.deliveries(run_id=run_id)
    assert (delivery.status, delivery.reason) == ("failed", "bounced")
    assert runner.store.steps_of(run_id)[-1].port == "failed"
    assert_conserved(runner, journey, version)


@pytest.mark.parametrize("happens", [True, False])
def test_until_event_wait_woken_by_event_or_timeout(ws, registry, happens):
    journey, n = welcome(registry, wait={"kind": "until_event", "event": "order_completed",
                                         "filters": [{"property": "total", "operator": "gte", "value": 10}],
                                         "timeout": {"amount": 3, "unit": "days"}})
    timeout = make_node(registry, "orchestrate.exit", title="Gave up")
    journey.nodes.append(timeout)
    connect(journey, n["wait"], "timeout", timeout)
    version = publish(ws, registry, journey)
    clock = VirtualClock(T0)
    mail = RecordingChannel()
    runner = Runner(ws, registry, clock, {"email-main": mail})
    ana = customer(ws)
    run_id = runner.enter(journey.id, ana)

    clock.advance(DAY)
    # a non-matching event (filter fails) does not wake the run
    runner.handle_event(ws.ingest_event({"email": "ana@example.com"}, "order_completed", {"total": 5},
                                        occurred_at=clock.now()))
    assert runner.store.load(run_id).status == "waiting"
    if happens:
        runner.handle_event(ws.ingest_event({"email": "ana@example.com"}, "order_completed", {"total": 12},
                                            occurred_at=clock.now()))
        assert len(mail.messages) == 1
        assert runner.store.load(run_id).event == {"total": 12}
    clock.advance(3 * DAY)
    runner.tick()
    state = runner.store.load(run_id)
    assert state.status == "done"
    nodes, _ = runner.counters(journey.id, version)
    if happens:
        assert len(mail.messages) == 1 and nodes[timeout.id].entered == 0
        assert runner.store.steps_of(run_id)[2].port == "event"
    else:
        assert mail.messages == [] and nodes[timeout.id].exited == 1
        assert runner.store.steps_of(run_id)[2].port == "timeout"
    assert_conserved(runner, journey, version)


def test_event_entry_starts_runs_only_for_live_journeys(ws, registry):
    live, _ = welcome(registry, trigger={"kind": "event", "event": "signed_up"})
    draft, _ = welcome(registry, trigger={"kind": "event", "event": "signed_up"}, status="draft")
    live_version = publish(ws, registry, live)
    publish(ws, registry, draft)
    clock = VirtualClock(T0)
    runner = Runner(ws, registry, clock, {"email-main": RecordingChannel()})
    event = ws.ingest_event({"email": "cy@example.com"}, "signed_up", occurred_at=T0)
    runner.handle_event(event)
    store = RunStore(ws)
    assert len(store.runs_of(event.customer_id, live.id, "live")) == 1
    assert store.runs_of(event.customer_id, draft.id, "live") == []
    # the default re-entry policy keeps a customer from entering twice at once
    runner.handle_event(ws.ingest_event({"email": "cy@example.com"}, "signed_up", occurred_at=T0))
    assert len(store.runs_of(event.customer_id, live.id, "live")) == 1
    assert_conserved(runner, live, live_version)


def test_goal_event_converts_every_visit(ws, registry):
    journey, n = welcome(registry)
    journey.settings.goals = ["order_completed"]
    version = publish(ws, registry, journey)
    clock = VirtualClock(T0)
    runner = Runner(ws, registry, clock, {"email-main": RecordingChannel()})
    run_id = runner.enter(journey.id, customer(ws))
    runner.handle_event(ws.ingest_event({"email": "ana@example.com"}, "order_completed", occurred_at=T0))
    clock.advance(DAY)
    runner.tick()
    nodes, _ = runner.counters(journey.id, version)
    assert all(c.converted == c.entered == 1 for c in nodes.values())
    assert runner.store.load(run_id).goals == ["order_completed"]


def test_publishing_v2_keeps_existing_runs_on_v1(ws, registry):
    journey, n = welcome(registry)
    v1 = publish(ws, registry, journey)
    clock = VirtualClock(T0)
    mail = RecordingChannel()
    runner = Runner(ws, registry, clock, {"email-main": mail})
    old = runner.enter(journey.id, customer(ws))

    journey.node(n["send"].id).config["subject"] = "Welcome, version two"
    v2 = publish(ws, registry, journey, create=False)
    assert v2 == v1 + 1
    new = runner.enter(journey.id, customer(ws, "bo@example.com"))
    clock.advance(DAY)
    runner.tick()
    assert runner.store.load(old).version_number == v1
    assert runner.store.load(new).version_number == v2
    subjects = {m.run_id: m.subject for m in mail.messages}
    assert subjects == {old: "Welcome Ana", new: "Welcome, version two"}
    assert runner.counters(journey.id, v1)[0][n["exit"].id].exited == 1
    assert runner.counters(journey.id, v2)[0][n["exit"].id].exited == 1
    assert_conserved(runner, journey, v1)
    assert_conserved(runner, journey, v2)


class Crash(BaseException):
    """The process stops while the channel is being called."""


class CrashingChannel:
    def __init__(self) -> None:
        self.calls: list[Message] = []

    def send(self, message: Message) -> ChannelResult:
        self.calls.append(message)
        raise Crash


def test_pending_delivery_after_a_crash_becomes_ambiguous_and_is_not_resent(ws, registry):
    journey, n = welcome(registry)
    version = publish(ws, registry, journey)
    clock = VirtualClock(T0)
    crashing = CrashingChannel()
    first = Runner(ws, registry, clock, {"email-main": crashing})
    run_id = first.enter(journey.id, customer(ws))
    clock.advance(DAY)
    with pytest.raises(Crash):
        first.tick()
    (pending,) = first.store.deliveries(run_id=run_id)
    assert pending.status == "pending" and len(crashing.calls) == 1
    state = first.store.load(run_id)
    assert (state.node_id, state.status) == (n["send"].id, "active")  # the step was never committed
    assert_conserved(first, journey, version)

    mail = RecordingChannel()
    restarted = Runner(ws, registry, clock, {"email-main": mail})
    assert restarted.tick() == 1
    assert mail.attempts == []  # never resent silently
    (delivery,) = restarted.store.deliveries(run_id=run_id)
    assert delivery.status == "ambiguous" and delivery.idempotency_key == pending.idempotency_key
    steps = restarted.store.steps_of(run_id)
    assert steps[-1].port == "failed" and "not resent" in steps[-1].note
    assert restarted.store.load(run_id).status == "done"
    assert_conserved(restarted, journey, version)
    with ws.engine.connect() as conn:
        assert len(conn.execute(select(DeliveryRow.id)).all()) == 1


def test_modes_are_stored_apart(ws, registry):
    journey, n = welcome(registry)
    version = publish(ws, registry, journey)
    clock = VirtualClock(T0)
    test_mail, live_mail = RecordingChannel(), RecordingChannel()
    tester = Runner(ws, registry, clock, {"email-main": test_mail}, mode="test")
    live = Runner(ws, registry, clock, {"email-main": live_mail}, mode="live")
    ana = customer(ws)
    tester.enter(journey.id, ana)
    tester.enter(journey.id, customer(ws, "bo@example.com"))
    live.enter(journey.id, ana)  # a test run does not block a live one
    clock.advance(DAY)
    assert live.tick() == 1
    assert len(live_mail.messages) == 1 and test_mail.messages == []
    assert tester.tick() == 2
    assert len(test_mail.messages) == 2 and len(live_mail.messages) == 1
    test_nodes, _ = tester.counters(journey.id, version)
    live_nodes, _ = live.counters(journey.id, version)
    assert test_nodes[n["entry"].id].entered == 2 and live_nodes[n["entry"].id].entered == 1
    assert live.counters(journey.id, version, "test") == tester.counters(journey.id, version)
    assert_conserved(tester, journey, version)
    assert_conserved(live, journey, version)
    with pytest.raises(ValueError, match="test or live"):
        Runner(ws, registry, clock, mode="simulation")


def test_due_runs_are_taken_in_batches_by_wake_time(ws, registry):
    journey, n = welcome(registry)
    version = publish(ws, registry, journey)
    clock = VirtualClock(T0)
    mail = RecordingChannel()
    runner = Runner(ws, registry, clock, {"email-main": mail})
    ids = []
    for i in range(5):
        ids.append(runner.enter(journey.id, customer(ws, f"c{i}@example.com")))
        clock.advance(timedelta(minutes=1))
    clock.advance(DAY)
    assert runner.tick(batch=2) == 2
    assert [m.run_id for m in mail.messages] == ids[:2]
    assert runner.tick(batch=2) == 2
    assert runner.tick(batch=2) == 1
    assert [m.run_id for m in mail.messages] == ids
    assert_conserved(runner, journey, version)


def test_quiet_hours_hold_the_message_and_run_the_node_again(ws, registry):
    j = Journey(name="Now")
    j.settings.status = "live"
    j.settings.quiet_hours.enabled = True  # 21:00–08:00, delay
    entry = make_node(registry, "orchestrate.entry", config={"trigger": {"kind": "manual"}})
    send = make_node(registry, "orchestrate.send", config={"channel": "email-main", "channel_kind": "email",
                                                           "subject": "Hi", "body": "Hello"})
    done = make_node(registry, "orchestrate.exit")
    j.nodes += [entry, send, done]
    connect(j, entry, "next", send)
    connect(j, send, "sent", done)
    version = publish(ws, registry, j)
    clock = VirtualClock(datetime(2026, 3, 2, 23, 0, tzinfo=UTC))
    mail = RecordingChannel()
    runner = Runner(ws, registry, clock, {"email-main": mail})
    run_id = runner.enter(j.id, customer(ws))
    assert mail.messages == [] and runner.store.deliveries(run_id=run_id) == []
    nodes, _ = runner.counters(j.id, version)
    assert nodes[send.id].active == 1
    assert_conserved(runner, j, version)
    clock.set(datetime(2026, 3, 3, 7, 59, tzinfo=UTC))
    assert runner.tick() == 0
    clock.set(datetime(2026, 3, 3, 8, 0, tzinfo=UTC))
    assert runner.tick() == 1
    assert len(mail.messages) == 1
    nodes, _ = runner.counters(j.id, version)
    assert (nodes[send.id].entered, nodes[send.id].active) == (1, 0)  # run again: not a second arrival
    assert_conserved(runner, j, version)


def test_profile_update_and_loop_guard(ws, registry, monkeypatch):
    import engine.runtime.runner as runner_module

    monkeypatch.setattr(runner_module, "MAX_STEPS_PER_WAKE", 5)
    j = Journey(name="Loop")
    j.settings.status = "live"
    entry = make_node(registry, "orchestrate.entry", config={"trigger": {"kind": "manual"}})
    tag = make_node(registry, "orchestrate.update_profile", config={"operations": [
        {"kind": "set", "attribute": "plan", "value": "pro"}, {"kind": "add_tag", "tag": "looped"}]})
    jump = make_node(registry, "orchestrate.jump", config={"target": {"kind": "node", "node_id": tag.id},
                                                           "max_loops": 100})
    done = make_node(registry, "orchestrate.exit")
    j.nodes += [entry, tag, jump, done]
    connect(j, entry, "next", tag)
    connect(j, tag, "next", jump)
    connect(j, jump, "limit_reached", done)
    version = publish(ws, registry, j)
    runner = Runner(ws, registry, VirtualClock(T0))
    ana = customer(ws)
    run_id = runner.enter(j.id, ana)
    state = runner.store.load(run_id)
    assert state.status == "done" and state.steps == 5
    assert runner.store.steps_of(run_id)[-1].note.startswith("loop guard")
    record = ws.get_customer(ana)
    assert record.attributes["plan"] == "pro" and "looped" in record.tags
    assert state.vars == {f"jump:{jump.id}": 2}
    nodes, _ = runner.counters(j.id, version)
    assert nodes[tag.id].entered == 3 and nodes[jump.id].exited == 2
    assert_conserved(runner, j, version)


def test_one_event_starts_at_most_one_run_even_when_handed_over_again(ws, registry):
    """After a crash the live engine hands events over again; re-entry rules would let a finished
    customer in again, but the same event must not start a second run (nor send twice)."""
    journey, _ = welcome(registry, trigger={"kind": "event", "event": "signed_up"},
                         wait={"kind": "duration", "amount": 1, "unit": "minutes"})
    version = publish(ws, registry, journey)
    clock = VirtualClock(T0)
    channel = RecordingChannel()
    runner = Runner(ws, registry, clock, {"email-main": channel})
    customer(ws, "dee@example.com")
    event = ws.ingest_event({"email": "dee@example.com"}, "signed_up", occurred_at=T0)
    runner.handle_event(event)
    clock.advance(timedelta(minutes=2))
    runner.tick()
    store = RunStore(ws)
    [run] = store.runs_of(event.customer_id, journey.id, "live")
    assert run.status == "done" and len(channel.messages) == 1
    fresh = Runner(ws, registry, clock, {"email-main": channel})
    fresh.handle_event(event)
    fresh.tick()
    assert len(store.runs_of(event.customer_id, journey.id, "live")) == 1
    assert len(channel.messages) == 1
    assert_conserved(fresh, journey, version)
