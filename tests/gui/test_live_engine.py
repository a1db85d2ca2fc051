"""The live engine in the app's background: an event stored while the window is open starts a
run of the live journey and its message goes out, without any separate process."""

from __future__ import annotations

from engine.commands import make_node
from engine.document import Journey
from engine.store.runs import RunStore
from tests.conftest import connect


def live_welcome(ws, registry) -> Journey:
    j = Journey(name="Welcome")
    entry = make_node(registry, "orchestrate.entry", title="Signed up",
                      config={"trigger": {"kind": "event", "event": "signed_up"}})
    send = make_node(registry, "orchestrate.send", title="Welcome",
                     config={"channel": "email-main", "channel_kind": "email", "subject": "Hi",
                             "body": "Hello", "respect_quiet_hours": False})
    done = make_node(registry, "orchestrate.exit", title="Done")
    j.nodes += [entry, send, done]
    connect(j, entry, "next", send)
    connect(j, send, "sent", done)
    ws.create_journey(j)
    ws.publish(j.id, registry)
    ws.set_status(j.id, "live")
    return j


def test_background_engine_runs_live_journeys_and_stops_with_the_window(window, ws, qtbot):
    journey = live_welcome(ws, window.registry)
    ws.upsert_customer({"email": "ana@example.com"}, {"email": "ana@example.com"}, consent={"email": True})
    ws.ingest_event({"email": "ana@example.com"}, "signed_up")

    window.start_live_engine(interval_s=0.2)
    service = window.live_engine
    assert service.thread.isRunning()
    qtbot.waitUntil(lambda: bool(RunStore(ws).deliveries()), timeout=10_000)
    [delivery] = RunStore(ws).deliveries()
    # No account 'email-main' is connected in this workspace: the engine records the failure
    # with its reason instead of losing the message.
    assert delivery.status == "failed" and "email-main" in delivery.reason
    qtbot.waitUntil(lambda: "Engine running" in service.label.text(), timeout=10_000)
    assert service.totals["failed"] == 1
    assert journey.id in {r.journey_id for r in RunStore(ws).runs_of(delivery.customer_id, journey.id, "live")}

    window.close()
    assert not service.thread.isRunning()
