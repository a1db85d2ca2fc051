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
    # The row is written "pending" before the channel is asked, and gets its outcome after.
    qtbot.waitUntil(lambda: [d.status for d in RunStore(ws).deliveries()] == ["failed"], timeout=10_000)
    [delivery] = RunStore(ws).deliveries()
    # No account 'email-main' is connected in this workspace: the engine records the failure
    # with its reason instead of losing the message.
    assert delivery.status == "failed" and "email-main" in delivery.reason
    qtbot.waitUntil(lambda: service.totals["failed"] == 1, timeout=10_000)
    assert "Engine running" in service.label.text()
    assert journey.id in {r.journey_id for r in RunStore(ws).runs_of(delivery.customer_id, journey.id, "live")}

    window.close()
    assert not service.thread.isRunning()


def test_run_panel_live_mode_shows_the_live_counters(window, ws, qtbot):
    from datetime import UTC, datetime

    from engine.channels import RecordingChannel
    from engine.runtime.clock import VirtualClock
    from engine.runtime.runner import Runner
    from gui.run_panel import MODE_LIVE

    journey = live_welcome(ws, window.registry)
    window.open_journey(journey.id)
    for i in range(3):
        ws.upsert_customer({"email": f"c{i}@example.com"}, {"email": f"c{i}@example.com"}, consent={"email": True})
    runner = Runner(ws, window.registry, VirtualClock(datetime(2026, 3, 2, tzinfo=UTC)),
                    {"email-main": RecordingChannel()}, mode="live")
    for i in range(3):
        ws.ingest_event({"email": f"c{i}@example.com"}, "signed_up")
    from engine.runtime.live import new_events
    for event in new_events(ws, 0, 10):
        runner.handle_event(event)

    panel = window.run_panel
    panel.set_mode(MODE_LIVE)
    assert panel.run_button.text() == "Show live numbers"
    with qtbot.waitSignal(panel.metricsReady, timeout=5000) as got:
        assert panel.start()
    metrics, labels = got.args
    entry = next(n for n in journey.nodes if n.type == "orchestrate.entry")
    assert metrics[entry.id].entered == 3
    assert "3 customers entered" in panel.summary.text()
    assert panel.run_button.text() == "Stop live numbers"
    panel.start()  # the button toggles the refresh off
    assert not panel._live_timer.isActive()


def test_a_pass_that_could_not_do_something_says_so_in_the_status_bar(window, ws, qtbot):
    from engine.track.segments import SegmentStore

    saved = SegmentStore(ws).create("Everyone")
    j = Journey(name="Members")
    entry = make_node(window.registry, "orchestrate.entry", title="Joined",
                      config={"trigger": {"kind": "segment", "rules": [], "match": "all", "segment_id": saved.id}})
    done = make_node(window.registry, "orchestrate.exit", title="Done")
    j.nodes += [entry, done]
    connect(j, entry, "next", done)
    ws.create_journey(j)
    ws.set_status(j.id, "live")
    ws.publish(j.id, window.registry)
    SegmentStore(ws).delete(saved.id)

    window.start_live_engine(interval_s=0.2)
    service = window.live_engine
    qtbot.waitUntil(lambda: "warning" in service.label.text(), timeout=10_000)
    assert "⚠ 1 warning since " in service.label.text()
    assert "Journey “Members”, entry “Joined”: the saved segment “Everyone” was deleted" in service.label.toolTip()
    assert service.problems and "nobody enters through it" in service.problems[0]

    # Mended (here: the journey paused), the warning goes with the next pass.
    ws.set_status(j.id, "paused")
    qtbot.waitUntil(lambda: "warning" not in service.label.text(), timeout=10_000)
    assert service.problems == () and "Warnings" not in service.label.toolTip()
    window.close()


def test_a_message_waiting_to_be_tried_again_is_shown_in_the_status_bar(window, ws, qtbot):
    import socket

    from engine.channels.accounts import AccountStore

    with socket.socket() as probe:  # a port nobody listens on: the attempt fails and may pass later
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    AccountStore(ws).add("email-main", "Email main", "smtp",
                         {"host": "127.0.0.1", "port": port, "security": "none", "sender": "shop@example.com"})
    live_welcome(ws, window.registry)
    ws.upsert_customer({"email": "ana@example.com"}, {"email": "ana@example.com"}, consent={"email": True})
    ws.ingest_event({"email": "ana@example.com"}, "signed_up")

    window.start_live_engine(interval_s=0.2)
    service = window.live_engine
    qtbot.waitUntil(lambda: [d.status for d in RunStore(ws).deliveries()] == ["retrying"], timeout=20_000)
    qtbot.waitUntil(lambda: "1 message waiting to be tried again" in service.label.text(), timeout=10_000)
    window.close()
