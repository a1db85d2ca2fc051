"""Live numbers in the Run panel: customers still in earlier versions are shown, counts read
right in the singular, the progress bar stays out of live mode, and a send skipped live shows
its count beside the unconnected port."""

from __future__ import annotations

from datetime import UTC, datetime

from engine.commands import make_node
from engine.document import Journey
from tests.conftest import connect


def waiting_journey(ws, registry) -> tuple[Journey, dict]:
    """Signed up → Wait (a day) → Welcome (only "sent" wired) → Done; live with version 1."""
    j = Journey(name="Welcome")
    nodes = {
        "entry": make_node(registry, "orchestrate.entry", title="Signed up",
                           config={"trigger": {"kind": "event", "event": "signed_up"}}),
        "wait": make_node(registry, "orchestrate.wait", title="A day"),
        "send": make_node(registry, "orchestrate.send", title="Welcome",
                          config={"channel": "email-main", "channel_kind": "email", "subject": "Hi",
                                  "body": "Hello", "respect_quiet_hours": False}),
        "done": make_node(registry, "orchestrate.exit", title="Done"),
    }
    for i, node in enumerate(nodes.values()):
        node.position.x, node.position.y = 260 * i, 0
    j.nodes += list(nodes.values())
    connect(j, nodes["entry"], "next", nodes["wait"])
    connect(j, nodes["wait"], "next", nodes["send"])
    connect(j, nodes["send"], "sent", nodes["done"])
    ws.create_journey(j)
    ws.set_status(j.id, "live")
    ws.publish(j.id, registry)
    return j, nodes


def live_runner(ws, registry, at: datetime):
    from engine.channels import RecordingChannel
    from engine.runtime.clock import VirtualClock
    from engine.runtime.runner import Runner

    clock = VirtualClock(at)
    return clock, Runner(ws, registry, clock, {"email-main": RecordingChannel()}, mode="live")


def sign_up(ws, runner, email: str, consent: bool) -> None:
    """The workspace's first customer signs up; the live runner takes the event."""
    from engine.runtime.live import new_events

    ws.upsert_customer({"email": email}, {"email": email}, consent={"email": consent})
    ws.ingest_event({"email": email}, "signed_up")
    for event in new_events(ws, 0, 10):
        runner.handle_event(event)


def show_live(panel, qtbot):
    from gui.run_panel import MODE_LIVE

    panel.set_mode(MODE_LIVE)
    with qtbot.waitSignal(panel.metricsReady, timeout=5000) as got:
        assert panel.start()
    return got.args


def test_live_counts_read_right_and_earlier_versions_are_not_forgotten(window, ws, qtbot):
    journey, nodes = waiting_journey(ws, window.registry)
    clock, runner = live_runner(ws, window.registry, datetime(2026, 3, 2, 9, tzinfo=UTC))
    sign_up(ws, runner, "ana@example.com", True)  # waits a day in version 1
    window.open_journey(journey.id)
    panel = window.run_panel
    show_live(panel, qtbot)
    text = panel.summary.text()
    assert "Live, version 1: 1 customer entered, 1 in the journey now." in text, text
    assert "1 customers" not in text and "earlier version" not in text
    assert not panel.progress.isVisible()
    panel.start()  # off again

    # version 2: the customer still waits in version 1
    draft = ws.load_draft(journey.id)
    draft.node(nodes["wait"].id).title = "One day"
    ws.save_draft(draft)
    assert ws.publish(journey.id, window.registry).number == 2
    metrics, _ = show_live(panel, qtbot)
    text = panel.summary.text()
    assert "Live, version 2: 0 customers entered, 0 in the journey now." in text, text
    assert "1 customer still in an earlier version (version 1)" in text
    assert "still in an earlier version" in window.canvas.origin_tag.toolTip()
    assert metrics[nodes["wait"].id].entered == 0 and metrics[nodes["wait"].id].origin == "live"


def test_a_send_skipped_live_shows_on_its_unconnected_port(window, ws, qtbot):
    from datetime import timedelta

    from gui.canvas import port_end_text

    journey, nodes = waiting_journey(ws, window.registry)
    clock, runner = live_runner(ws, window.registry, datetime(2026, 3, 2, 9, tzinfo=UTC))
    sign_up(ws, runner, "no.consent@example.com", False)
    clock.advance(timedelta(days=2))
    runner.tick()
    window.open_journey(journey.id)
    panel = window.run_panel
    metrics, _ = show_live(panel, qtbot)
    send = metrics[nodes["send"].id]
    assert send.entered == 1 and send.exited == 1
    assert send.ended_at == {"skipped": 1}
    cnode = window.canvas.nodes[nodes["send"].id]
    assert cnode.grNode._port_notes[cnode.out_names.index("skipped")] == port_end_text(1)
    assert "Ended at “Skipped” (not connected): 1" in cnode.tooltip()
    # the step log is read again only when an exit count moved
    cached = panel._ended_cache
    assert panel.refresh_live() and panel._ended_cache is cached
