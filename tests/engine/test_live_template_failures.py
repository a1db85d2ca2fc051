"""A message whose template cannot be filled in for a customer (a webhook body printing an e-mail
the customer has not given) is not sent: the live engine's pass counts it as failed and says which
node of which journey and why, so it is not only in one profile's step log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from engine.channels import RecordingChannel
from engine.runtime.clock import VirtualClock
from engine.runtime.live import LiveEngine
from tests.engine.test_runner import customer, publish, welcome

T0 = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def test_a_send_whose_template_fails_is_reported_by_the_pass(ws, registry):
    journey, nodes = welcome(registry, trigger={"kind": "event", "event": "signed_up"})
    nodes["send"].config.update({"channel": "hook-main", "channel_kind": "webhook", "subject": "",
                                 "body": '{"email": "{{ customer.email }}"}'})
    publish(ws, registry, journey)
    ws.set_status(journey.id, "live")
    customer(ws, consent={"webhook": True})  # has an e-mail
    ws.upsert_customer({"user_id": "no-mail"}, {"first_name": "Bo"}, consent={"webhook": True})
    ws.ingest_event({"email": "ana@example.com"}, "signed_up", occurred_at=T0)
    ws.ingest_event({"user_id": "no-mail"}, "signed_up", occurred_at=T0)
    hook = RecordingChannel()
    clock = VirtualClock(T0)
    engine = LiveEngine(ws, registry, clock, {"hook-main": hook})
    engine.run_pass()  # both enter and wait a day
    clock.advance(timedelta(days=1, minutes=1))
    done = engine.run_pass()
    assert done.failed == 1 and done.sent == 1 and len(hook.messages) == 1
    [problem] = done.unsent
    assert problem.startswith("'Welcome mail' in journey 'Welcome': 1 message not sent: template body line 1: "
                              "'customer.email' is missing")
    assert "warning: 'Welcome mail'" in done.describe()
    again = engine.run_pass()  # reported once, not by every later pass
    assert again.unsent == () and again.failed == 0
    # Said by the pass it happened in, not kept as a lasting problem ("the warnings above no longer apply").
    from engine.cli import pass_report

    first, said = pass_report(done, set())
    assert "warning: 'Welcome mail'" in first and said == set(done.problems)
    assert pass_report(again, said)[0] == ""


def test_skipped_messages_are_counted_by_reason_in_the_pass(ws, registry):
    journey, nodes = welcome(registry, trigger={"kind": "event", "event": "signed_up"})
    publish(ws, registry, journey)
    ws.set_status(journey.id, "live")
    customer(ws, consent={})  # gave no consent for e-mail
    ws.ingest_event({"email": "ana@example.com"}, "signed_up", occurred_at=T0)
    clock = VirtualClock(T0)
    engine = LiveEngine(ws, registry, clock, {"email-main": RecordingChannel()})
    engine.run_pass()
    clock.advance(timedelta(days=1, minutes=1))
    done = engine.run_pass()
    assert done.skipped == (("no consent", 1),) and done.sent == 0
    assert "1 skipped (no consent 1; see 'outbox list --status skipped')" in done.describe()
    assert engine.run_pass().skipped == ()
