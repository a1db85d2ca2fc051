"""The runner's batches, retries, resends and entries that fire on their own (schedules, dates,
segment rules), on a virtual clock against a real workspace."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.channels import ChannelResult, Message, RecordingChannel
from engine.commands import make_node
from engine.document import Journey
from engine.errors import NotFound
from engine.runtime.clock import VirtualClock
from engine.runtime.runner import MAX_ATTEMPTS, Runner
from engine.store.runs import RunStore
from tests.conftest import connect
from tests.engine.test_runner import T0, assert_conserved, customer, publish, welcome

DAY = timedelta(days=1)


@pytest.fixture
def ws(tmp_path):
    from engine.store import Workspace

    with Workspace.open(tmp_path / "workspace.db") as workspace:
        yield workspace


class Flaky:
    """Fails the first ``failures`` calls (retryably, optionally with a Retry-After), then sends."""

    def __init__(self, failures: int, retry_after: float | None = None, code: str = "451"):
        self.failures = failures
        self.retry_after = retry_after
        self.code = code
        self.calls: list[Message] = []

    def send(self, message: Message) -> ChannelResult:
        self.calls.append(message)
        if len(self.calls) <= self.failures:
            return ChannelResult("failed", reason="try again later", retryable=True,
                                 retry_after=self.retry_after, code=self.code)
        return ChannelResult("sent", provider_id=f"id-{len(self.calls)}")


def send_journey(registry) -> tuple[Journey, dict]:
    return welcome(registry, wait={"kind": "duration", "amount": 1, "unit": "minutes"})


def drive(runner: Runner, clock: VirtualClock, until: timedelta, step: timedelta = timedelta(minutes=1)) -> None:
    end = clock.now() + until
    while clock.now() < end:
        runner.run_due()
        clock.advance(step)
    runner.run_due()


def test_retryable_failure_backs_off_then_sends(ws, registry):
    journey, nodes = send_journey(registry)
    version = publish(ws, registry, journey)
    cid = customer(ws)
    clock = VirtualClock(T0)
    channel = Flaky(failures=2)
    runner = Runner(ws, registry, clock, {"email-main": channel}, mode="live")
    runner.enter(journey.id, cid)
    clock.advance(timedelta(minutes=1))
    runner.run_due()
    [first] = RunStore(ws).deliveries()
    assert first.status == "retrying" and first.attempts == 1 and first.provider_code == "451"
    assert first.next_attempt_at is not None and first.next_attempt_at > T0
    assert len(channel.calls) == 1
    runner.run_due()  # not due yet: nothing is called again
    assert len(channel.calls) == 1
    drive(runner, clock, timedelta(hours=3))
    [done] = RunStore(ws).deliveries()
    assert done.status == "sent" and done.attempts == 3
    assert len(channel.calls) == 3
    assert len({m.idempotency_key for m in channel.calls}) == 1  # one message, tried three times
    nodes_counts, _ = runner.counters(journey.id, version)
    assert nodes_counts[nodes["exit"].id].entered == 1
    assert_conserved(runner, journey, version)


def test_retry_after_is_honoured(ws, registry):
    journey, _ = send_journey(registry)
    publish(ws, registry, journey)
    clock = VirtualClock(T0)
    runner = Runner(ws, registry, clock, {"email-main": Flaky(failures=1, retry_after=7200)}, mode="live")
    runner.enter(journey.id, customer(ws))
    clock.advance(timedelta(minutes=1))
    runner.run_due()
    [row] = RunStore(ws).deliveries()
    assert row.next_attempt_at >= clock.now() + timedelta(seconds=7200)


def test_gives_up_after_the_last_attempt(ws, registry):
    journey, nodes = send_journey(registry)
    version = publish(ws, registry, journey)
    clock = VirtualClock(T0)
    channel = Flaky(failures=100)
    runner = Runner(ws, registry, clock, {"email-main": channel}, mode="live")
    runner.enter(journey.id, customer(ws))
    drive(runner, clock, timedelta(days=2), step=timedelta(minutes=30))
    [row] = RunStore(ws).deliveries()
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS
    assert row.reason.startswith(f"failed after {MAX_ATTEMPTS} attempts")
    assert len(channel.calls) == MAX_ATTEMPTS
    counts, _ = runner.counters(journey.id, version)
    assert counts[nodes["exit"].id].entered == 0  # "failed" has no edge here: the run ends at the send
    assert_conserved(runner, journey, version)


def test_permanent_failure_is_not_retried(ws, registry):
    journey, _ = send_journey(registry)
    publish(ws, registry, journey)
    clock = VirtualClock(T0)
    channel = RecordingChannel(fail=True, fail_reason="550 no such user", retryable=False)
    runner = Runner(ws, registry, clock, {"email-main": channel}, mode="live")
    runner.enter(journey.id, customer(ws))
    drive(runner, clock, timedelta(hours=12), step=timedelta(hours=1))
    [row] = RunStore(ws).deliveries()
    assert row.status == "failed" and row.attempts == 1 and row.reason == "550 no such user"
    assert len(channel.attempts) == 1


def test_resend_an_ambiguous_delivery_with_the_same_key(ws, registry):
    journey, _ = send_journey(registry)
    publish(ws, registry, journey)
    clock = VirtualClock(T0)
    runner = Runner(ws, registry, clock, {"email-main": RecordingChannel(fail=True, retryable=False)}, mode="live")
    runner.enter(journey.id, customer(ws))
    clock.advance(timedelta(minutes=1))
    runner.run_due()
    [failed] = RunStore(ws).deliveries()
    assert failed.status == "failed"
    good = RecordingChannel()
    again = Runner(ws, registry, clock, {"email-main": good}, mode="live")
    outcome = again.resend(failed.id)
    assert outcome.status == "sent"
    [row] = RunStore(ws).deliveries()
    assert row.status == "sent" and row.attempts == 2
    [message] = good.messages
    assert message.idempotency_key == failed.idempotency_key and message.subject == "Welcome Ana"
    with pytest.raises(NotFound, match="only an ambiguous or failed delivery"):
        again.resend(row.id)


def test_idempotent_channel_outbox_rows_go_with_the_batch(ws, registry):
    journey, nodes = send_journey(registry)
    version = publish(ws, registry, journey)
    clock = VirtualClock(T0)
    channel = RecordingChannel(idempotent=True)
    runner = Runner(ws, registry, clock, {"email-main": channel}, mode="live")
    ids = [customer(ws, f"c{i}@example.com") for i in range(40)]
    assert runner.enter_many(journey.id, ids) == 40
    drive(runner, clock, timedelta(minutes=5))
    rows = RunStore(ws).deliveries()
    assert len(rows) == 40 and {r.status for r in rows} == {"sent"}
    assert len(channel.messages) == 40
    counts, _ = runner.counters(journey.id, version)
    assert counts[nodes["exit"].id].exited == 40
    assert_conserved(runner, journey, version)
    # The default re-entry rule (after exit, no cooldown) lets all 40 start again, as new runs.
    assert runner.enter_many(journey.id, ids) == 40


def test_enter_many_respects_entry_limit(ws, registry):
    journey, nodes = send_journey(registry)
    nodes["entry"].config["entry_limit"] = 3
    publish(ws, registry, journey)
    runner = Runner(ws, registry, VirtualClock(T0), {"email-main": RecordingChannel()}, mode="live")
    ids = [customer(ws, f"c{i}@example.com") for i in range(10)]
    assert runner.enter_many(journey.id, ids) == 3


def test_batch_is_one_transaction(ws, registry, monkeypatch):
    """A failure while writing a batch leaves nothing of it: the runs are taken again later."""
    journey, _ = welcome(registry)
    version = publish(ws, registry, journey)
    clock = VirtualClock(T0)
    runner = Runner(ws, registry, clock, {"email-main": RecordingChannel(idempotent=True)}, mode="live")
    ids = [customer(ws, f"c{i}@example.com") for i in range(20)]
    runner.enter_many(journey.id, ids)
    clock.advance(DAY + timedelta(minutes=1))
    before = runner.counters(journey.id, version)
    steps_before = len(runner.store.steps_for(journey.id, version, "live"))

    original, original_rows = RunStore.write, RunStore.batch_rows
    bad_step = ("no-such-run", "x", None, clock.now(), "live", "breaks the foreign key")

    def broken(self, batch):
        batch.steps.append(bad_step)
        return original(self, batch)

    def broken_rows(self, batch):  # SQLite: the batch is written on the writer's thread
        batch.steps.append(bad_step)
        return original_rows(self, batch)

    monkeypatch.setattr(RunStore, "write", broken)
    monkeypatch.setattr(RunStore, "batch_rows", broken_rows)
    with pytest.raises(Exception):  # noqa: B017 - whatever the database raises
        runner.run_due()
    monkeypatch.setattr(RunStore, "write", original)
    monkeypatch.setattr(RunStore, "batch_rows", original_rows)
    assert runner.counters(journey.id, version) == before
    assert len(runner.store.steps_for(journey.id, version, "live")) == steps_before
    fresh = Runner(ws, registry, clock, {"email-main": RecordingChannel(idempotent=True)}, mode="live")
    fresh.run_due()
    nodes, _ = fresh.counters(journey.id, version)
    assert sum(c.exited for c in nodes.values()) == 20
    assert_conserved(fresh, journey, version)


def scheduled(registry, trigger: dict) -> tuple[Journey, dict]:
    j = Journey(name="Scheduled")
    j.settings.status = "live"
    j.settings.time_zone = "Europe/Berlin"
    entry = make_node(registry, "orchestrate.entry", title="Start", config={"trigger": trigger})
    tag = make_node(registry, "orchestrate.update_profile", title="Tag",
                    config={"operations": [{"kind": "add_tag", "tag": "reached"}]})
    done = make_node(registry, "orchestrate.exit", title="Done")
    j.nodes += [entry, tag, done]
    connect(j, entry, "next", tag)
    connect(j, tag, "next", done)
    return j, {"entry": entry, "tag": tag, "exit": done}


def runs_count(ws, journey) -> int:
    with ws.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM runs WHERE journey_id = ?", (journey.id,)).scalar()


def test_schedule_entry_fires_once_per_firing_for_matching_customers(ws, registry):
    journey, _ = scheduled(registry, {"kind": "schedule", "repeat": "recurring", "every": 1, "unit": "days",
                                      "time": "09:00",
                                      "rules": [{"attribute": "plan", "operator": "eq", "value": "pro"}]})
    clock = VirtualClock(datetime(2026, 3, 2, 6, 0, tzinfo=UTC))  # 07:00 in Berlin
    publish(ws, registry, journey)
    ws.set_status(journey.id, "live")
    pro = ws.upsert_customer({"email": "p@example.com"}, {"plan": "pro"})
    ws.upsert_customer({"email": "f@example.com"}, {"plan": "free"})
    runner = Runner(ws, registry, clock, mode="live")
    runner.tick()
    assert runs_count(ws, journey) == 0  # 09:00 Berlin not reached yet
    clock.set(datetime(2026, 3, 2, 8, 5, tzinfo=UTC))  # 09:05 Berlin
    runner.tick()
    assert runs_count(ws, journey) == 1
    assert "reached" in ws.get_customer(pro).tags
    # A restarted runner at the same moment does not fire the same firing again.
    Runner(ws, registry, clock, mode="live").tick()
    assert runs_count(ws, journey) == 1
    clock.set(datetime(2026, 3, 3, 8, 5, tzinfo=UTC))  # the next day's firing
    Runner(ws, registry, clock, mode="live").tick()
    assert runs_count(ws, journey) == 2


def test_date_property_entry_on_the_birthday_in_the_customers_zone(ws, registry):
    journey, _ = scheduled(registry, {"kind": "date_property", "attribute": "birthday", "offset_days": 0,
                                      "time": "09:00", "yearly": True})
    clock = VirtualClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    publish(ws, registry, journey)
    ws.set_status(journey.id, "live")
    tokyo = ws.upsert_customer({"email": "t@example.com"}, {"birthday": "1990-03-02"}, time_zone="Asia/Tokyo")
    ws.upsert_customer({"email": "n@example.com"}, {"birthday": "1990-07-02"}, time_zone="Asia/Tokyo")
    ws.upsert_customer({"email": "x@example.com"}, {})
    runner = Runner(ws, registry, clock, mode="live")
    runner.tick()
    assert runs_count(ws, journey) == 0
    clock.set(datetime(2026, 3, 2, 0, 30, tzinfo=UTC))  # 09:30 on 2 March in Tokyo
    runner.tick()
    assert runs_count(ws, journey) == 1
    assert "reached" in ws.get_customer(tokyo).tags
    clock.advance(timedelta(hours=5))
    Runner(ws, registry, clock, mode="live").tick()
    assert runs_count(ws, journey) == 1  # the same birthday starts one run


def test_segment_rule_entry_takes_customers_who_come_to_match(ws, registry):
    journey, _ = scheduled(registry, {"kind": "segment", "rules": [{"attribute": "plan", "operator": "eq",
                                                                    "value": "pro"}], "match": "all"})
    clock = VirtualClock(T0)
    publish(ws, registry, journey)
    ws.set_status(journey.id, "live")
    ws.upsert_customer({"email": "p@example.com"}, {"plan": "pro"})
    later = ws.upsert_customer({"email": "f@example.com"}, {"plan": "free"})
    runner = Runner(ws, registry, clock, mode="live")
    runner.tick()
    assert runs_count(ws, journey) == 1
    ws.upsert_customer({"email": "f@example.com"}, {"plan": "pro"})
    clock.advance(timedelta(minutes=2))
    runner.tick()
    assert runs_count(ws, journey) == 2
    clock.advance(timedelta(minutes=2))
    runner.tick()
    assert runs_count(ws, journey) == 2  # already entered: re-entry is not a rescan's business
    assert "reached" in ws.get_customer(later).tags


def test_history_events_start_no_runs_and_wake_no_waits(ws, registry):
    """Events imported from last year count for nothing that waits now and start no journeys."""
    journey, _ = welcome(registry, trigger={"kind": "event", "event": "signed_up"})
    publish(ws, registry, journey)
    ws.set_status(journey.id, "live")
    clock = VirtualClock(T0)
    runner = Runner(ws, registry, clock, {"email-main": RecordingChannel()}, mode="live")
    cid = customer(ws)
    old = ws.ingest_event({"email": "ana@example.com"}, "signed_up", occurred_at=T0 - timedelta(days=300))
    runner.handle_event(old)
    assert RunStore(ws).runs_of(cid, journey.id, "live") == []
    fresh = ws.ingest_event({"email": "ana@example.com"}, "signed_up", occurred_at=T0)
    runner.handle_event(fresh)
    assert len(RunStore(ws).runs_of(cid, journey.id, "live")) == 1


def test_an_event_from_before_the_wait_does_not_end_it(ws, registry):
    journey, nodes = welcome(registry, wait={"kind": "until_event", "event": "order_completed",
                                             "timeout": {"amount": 3, "unit": "days"}})
    version = publish(ws, registry, journey)
    clock = VirtualClock(T0)
    runner = Runner(ws, registry, clock, {"email-main": RecordingChannel()}, mode="live")
    cid = customer(ws)
    runner.enter(journey.id, cid)
    earlier = ws.ingest_event({"email": "ana@example.com"}, "order_completed", occurred_at=T0 - timedelta(hours=2))
    runner.handle_event(earlier)
    counts, _ = runner.counters(journey.id, version)
    assert counts[nodes["wait"].id].active == 1  # still waiting
    clock.advance(timedelta(hours=1))
    later = ws.ingest_event({"email": "ana@example.com"}, "order_completed", occurred_at=clock.now())
    runner.handle_event(later)
    counts, _ = runner.counters(journey.id, version)
    assert counts[nodes["wait"].id].active == 0 and counts[nodes["send"].id].entered == 1


def test_a_wait_counts_events_from_the_moment_of_the_event_that_led_to_it(ws, registry):
    """SDKs queue events and the runner may see them late: an order three seconds after the
    sign-up ends the wait for it, however long after both the runner handles them."""
    journey, nodes = welcome(registry, trigger={"kind": "event", "event": "signed_up"},
                             wait={"kind": "until_event", "event": "order_completed",
                                   "timeout": {"amount": 3, "unit": "days"}})
    version = publish(ws, registry, journey)
    ws.set_status(journey.id, "live")
    cid = customer(ws)
    signed = ws.ingest_event({"email": "ana@example.com"}, "signed_up", occurred_at=T0)
    ordered = ws.ingest_event({"email": "ana@example.com"}, "order_completed", occurred_at=T0 + timedelta(seconds=3))
    before = ws.ingest_event({"email": "ana@example.com"}, "order_completed", occurred_at=T0 - timedelta(seconds=1))
    clock = VirtualClock(T0 + timedelta(minutes=10))
    runner = Runner(ws, registry, clock, {"email-main": RecordingChannel()}, mode="live")
    runner.handle_event(signed)
    [run] = RunStore(ws).runs_of(cid, journey.id, "live")
    assert run.status == "waiting" and run.node_id == nodes["wait"].id
    runner.handle_event(before)  # from before the sign-up: not the order the journey waits for
    counts, _ = runner.counters(journey.id, version)
    assert counts[nodes["wait"].id].active == 1
    runner.handle_event(ordered)
    counts, _ = runner.counters(journey.id, version)
    assert counts[nodes["wait"].id].active == 0 and counts[nodes["send"].id].entered == 1
    [run] = RunStore(ws).runs_of(cid, journey.id, "live")
    assert "wait_since" not in run.vars
    assert_conserved(runner, journey, version, "live")


def test_a_waits_time_limit_runs_from_the_moment_of_the_event_that_led_to_it(ws, registry):
    """The engine sees a sign-up fifty minutes late: the one-hour window for an order still ends an
    hour after the sign-up, an order inside it (seen late too) counts, and one after it does not,
    as in a simulation where every event is seen on time."""
    journey, nodes = welcome(registry, trigger={"kind": "event", "event": "signed_up"},
                             wait={"kind": "until_event", "event": "order_completed",
                                   "timeout": {"amount": 1, "unit": "hours"}})
    version = publish(ws, registry, journey)
    ws.set_status(journey.id, "live")
    ana, bo = customer(ws), customer(ws, "bo@example.com")
    clock = VirtualClock(T0 + timedelta(minutes=50))
    runner = Runner(ws, registry, clock, {"email-main": RecordingChannel()}, mode="live")
    for email in ("ana@example.com", "bo@example.com"):
        runner.handle_event(ws.ingest_event({"email": email}, "signed_up", occurred_at=T0))
    [run] = RunStore(ws).runs_of(ana, journey.id, "live")
    assert run.status == "waiting" and run.wake_at == T0 + timedelta(hours=1)

    clock.advance(timedelta(minutes=20))  # past the window, before the engine's next pass
    runner.handle_event(ws.ingest_event({"email": "ana@example.com"}, "order_completed",
                                        occurred_at=T0 + timedelta(minutes=55)))
    runner.handle_event(ws.ingest_event({"email": "bo@example.com"}, "order_completed",
                                        occurred_at=T0 + timedelta(minutes=65)))
    runner.run_due()
    [ana_run] = RunStore(ws).runs_of(ana, journey.id, "live")
    [bo_run] = RunStore(ws).runs_of(bo, journey.id, "live")
    assert nodes["send"].id in ana_run.visits  # the order inside the window
    assert nodes["send"].id not in bo_run.visits and bo_run.status == "done"  # timed out
    counts, _ = runner.counters(journey.id, version)
    assert counts[nodes["wait"].id].active == 0 and counts[nodes["send"].id].entered == 1
    assert_conserved(runner, journey, version, "live")


def test_a_webhook_json_body_keeps_what_a_customer_typed_inside_its_value(ws, registry):
    """A trait holding quotes cannot add fields to the shop's webhook; the customer's identifiers
    are there for the receiver to find its own account."""
    import json

    from engine.channels.webhook import payload

    journey, nodes = welcome(registry)
    nodes["send"].config.update({"channel": "hook-main", "channel_kind": "webhook", "subject": "",
                                 "body": '{"email": "{{ customer.email }}", "user": "{{ customer.identifiers.user_id }}", '
                                         '"total": {{ event.total | default(0) }}}'})
    publish(ws, registry, journey)
    sneaky = 'eve@example.com", "refund": "1000'
    cid = ws.upsert_customer({"user_id": "shop-42"}, {"email": sneaky}, consent={"webhook": True})
    clock = VirtualClock(T0)
    hook = RecordingChannel()
    runner = Runner(ws, registry, clock, {"hook-main": hook}, mode="live")
    runner.enter(journey.id, cid, event={"total": 12.5})
    clock.advance(DAY)
    runner.run_due()
    [message] = hook.messages
    assert json.loads(payload(message)) == {"email": sneaky, "user": "shop-42", "total": 12.5}


def two_step_journey(registry, name: str) -> tuple[Journey, dict]:
    """entry → wait a day → update profile (an attribute and a tag named after the journey) → send → exit."""
    journey, nodes = welcome(registry)
    journey.name = name
    journey.settings.frequency_cap.enabled = True
    journey.settings.frequency_cap.max_messages = 1
    journey.settings.frequency_cap.per_days = 1
    mark = make_node(registry, "orchestrate.update_profile", title="Mark",
                     config={"operations": [{"kind": "set", "attribute": f"seen_{name}", "value": True},
                                            {"kind": "add_tag", "tag": name}]})
    journey.nodes.append(mark)
    wait_to_send = next(e for e in journey.edges if e.source.node == nodes["wait"].id)
    journey.edges.remove(wait_to_send)
    connect(journey, nodes["wait"], "next", mark)
    connect(journey, mark, "next", nodes["send"])
    connect(journey, nodes["send"], "skipped", nodes["exit"])
    return journey, nodes | {"mark": mark}


def test_batches_written_behind_the_next_keep_every_profile_change_and_the_cap(ws, registry):
    """run_due writes each batch while the next is worked out. Each customer has a run in two
    journeys; small batches put those runs in different batches, often one still being written
    when the other is taken. Neither profile change may be lost, and the frequency cap (one
    message a day, across journeys) must see the message still being written."""
    first, _ = two_step_journey(registry, "alpha")
    second, _ = two_step_journey(registry, "beta")
    v1, v2 = publish(ws, registry, first), publish(ws, registry, second)
    clock = VirtualClock(T0)
    channel = RecordingChannel(idempotent=True)
    runner = Runner(ws, registry, clock, {"email-main": channel}, mode="live")
    ids = [customer(ws, f"c{i}@example.com") for i in range(30)]
    assert runner.enter_many(first.id, ids[:15], chunk=4) == 15
    assert runner.enter_many(second.id, ids[:15], chunk=7) == 15
    for cid in ids[15:]:  # run ids interleave: a customer's two runs fall in neighbouring batches
        runner.enter(first.id, cid)
        runner.enter(second.id, cid)
    clock.advance(DAY + timedelta(minutes=1))
    assert runner.run_due(batch=3) == 60
    for cid in ids:
        record = ws.get_customer(cid)
        assert record.attributes["seen_alpha"] is True and record.attributes["seen_beta"] is True, record
        assert set(record.tags) == {"alpha", "beta"}
    deliveries = RunStore(ws).deliveries()
    assert len(deliveries) == 60 and len({d.idempotency_key for d in deliveries}) == 60
    assert sorted(d.status for d in deliveries) == ["sent"] * 30 + ["skipped"] * 30
    assert {d.reason for d in deliveries if d.status == "skipped"} == {"frequency cap"}
    assert len(channel.messages) == 30 and len({m.to for m in channel.messages}) == 30
    for journey, version in ((first, v1), (second, v2)):
        nodes, _ = runner.counters(journey.id, version)
        assert sum(c.exited for c in nodes.values()) == 30
        assert sum(c.active for c in nodes.values()) == 0
        assert_conserved(runner, journey, version)
        # Every run took each step once: entry, wait (park and wake), mark, send, exit.
        assert len(runner.store.steps_for(journey.id, version, "live")) == 30 * 6


def test_delivery_keys_are_the_uuid5_of_run_node_and_visit():
    import uuid

    from engine.runtime.runner import DELIVERY_NAMESPACE, delivery_key

    for run_id, node_id, scope in (("r-1", "send", "1"), (str(uuid.uuid4()), "n", "2:staff"), ("ü", "", "")):
        expected = str(uuid.uuid5(DELIVERY_NAMESPACE, f"{run_id}\x1f{node_id}\x1f{scope}"))
        assert delivery_key(run_id, node_id, scope) == expected


def test_a_run_erased_while_its_batch_was_worked_out_is_left_out(ws, registry):
    """A customer erased between reading a run and writing its batch: the run's lines and outbox
    rows are left out (they would point at nothing); everyone else's are written."""
    from engine.store.runs import Batch
    from engine.track.profiles import erase

    journey, _ = welcome(registry)
    version = publish(ws, registry, journey)
    clock = VirtualClock(T0)
    runner = Runner(ws, registry, clock, {"email-main": RecordingChannel(idempotent=True)}, mode="live")
    ann, bob = customer(ws, "ann@example.com"), customer(ws, "bob@example.com")
    runner.enter_many(journey.id, [ann, bob])
    clock.advance(DAY + timedelta(minutes=1))
    store = RunStore(ws)
    states = store.due_states(clock.now(), "live", 10)
    assert {s.customer_id for s in states} == {ann, bob}
    batch = Batch()
    for state in states:
        delta = batch.delta(state, clock.now())
        delta.step(state.node_id, "next", "woken by hand")
        batch.touch(state, clock.now())
    erase(ws, ann)
    store.write(batch)
    lines = store.steps_for(journey.id, version, "live")
    assert [s.note for s in lines].count("woken by hand") == 1
    assert all(s.run_id != r.id for s in lines for r in states if r.customer_id == ann)


def test_a_send_cut_off_is_said_on_the_next_pass_and_not_sent_again(ws, registry):
    """The process stops while a channel is sending: the next pass finds the message pending, records
    it ambiguous and says so (the outbox alone showed it)."""
    from engine.runtime.live import LiveEngine

    class Stuck(RecordingChannel):
        def send(self, message):
            raise KeyboardInterrupt  # Ctrl+C twice while the mail server does not answer

    journey, nodes = welcome(registry, trigger={"kind": "event", "event": "signed_up"},
                             wait={"kind": "duration", "amount": 1, "unit": "minutes"})
    publish(ws, registry, journey)
    ws.set_status(journey.id, "live")
    customer(ws)
    ws.ingest_event({"email": "ana@example.com"}, "signed_up", occurred_at=T0)
    clock = VirtualClock(T0 + timedelta(hours=1))
    first = LiveEngine(ws, registry, clock, {"email-main": Stuck()})
    first.run_pass()  # the sign-up: the run waits a minute
    clock.advance(timedelta(minutes=2))
    with pytest.raises(KeyboardInterrupt):
        first.run_pass()
    sent = RecordingChannel()
    again = LiveEngine(ws, registry, clock, {"email-main": sent})
    done = again.run_pass()
    assert sent.messages == []
    [line] = [u for u in done.unsent if "may or may not have been delivered" in u]
    assert line.startswith("1 message may or may not") and "outbox list --status ambiguous" in line
    assert "outbox list --status ambiguous" in done.describe()
