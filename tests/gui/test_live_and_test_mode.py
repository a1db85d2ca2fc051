"""Going live and pausing from the window, and test mode in the Run panel (published version, test
customers, recorded messages, counters on the canvas)."""

from __future__ import annotations

import pytest


def _browser_status(window, journey_id: str) -> str:
    from gui.journey_browser import COL_STATUS

    item = window.browser._item_for(journey_id)
    assert item is not None, f"journey {journey_id} is not in the browser"
    return item.text(COL_STATUS)


# -- workspace helper ---------------------------------------------------------------------------

def test_set_status_changes_list_draft_and_pending_autosave(ws):
    from engine.document import Journey
    from engine.errors import DocumentError

    journey = Journey(name="Status")
    ws.create_journey(journey)
    edited = journey.copy_deep()
    edited.name = "Status (unsaved)"
    ws.autosave(edited)
    info = ws.set_status(journey.id, "live")
    assert info.status == "live"
    assert ws.journey_info(journey.id).status == "live"
    assert ws.load_draft(journey.id).settings.status == "live"
    recovered = ws.recovery(journey.id)
    assert recovered is not None and recovered.settings.status == "live" and recovered.name == "Status (unsaved)"
    assert ws.load_draft(journey.id).name == "Status"  # the unsaved edit stays unsaved
    with pytest.raises(DocumentError, match="unknown journey status 'running'"):
        ws.set_status(journey.id, "running")
    assert ws.journey_info(journey.id).status == "live"


# -- go live and pause --------------------------------------------------------------------------

def test_go_live_publishes_and_marks_live_then_pause(window, ws):
    window.start_page.templateChosen.emit("welcome_series")
    jid = window.journey_id
    assert window.act_go_live.isEnabled() and not window.act_pause.isEnabled()
    assert window.go_live()
    info = ws.journey_info(jid)
    assert info.status == "live" and info.latest_version == 1
    assert ws.load_draft(jid).settings.status == "live"
    assert ws.load_version(jid, 1).settings.status == "live"
    assert window.editor.journey.settings.status == "live"
    assert _browser_status(window, jid) == "Live"
    assert window.live_chip.isVisible() and window.live_chip.text() == "Live — version 1"
    assert not window.act_go_live.isEnabled() and window.act_pause.isEnabled()
    assert window.editor.undo_stack.isClean()

    assert window.pause()
    assert ws.journey_info(jid).status == "paused"
    assert ws.load_draft(jid).settings.status == "paused"
    assert _browser_status(window, jid) == "Paused"
    assert window.live_chip.text() == "Paused — version 1"
    assert window.act_go_live.isEnabled() and not window.act_pause.isEnabled()

    # going live again with the same logic publishes no new version
    assert window.go_live()
    assert ws.journey_info(jid).status == "live"
    assert [v.number for v in ws.list_versions(jid)] == [1]
    assert window.messages == []


def test_go_live_is_refused_while_the_journey_has_errors(window, ws):
    window.new_blank()  # an entry that leads nowhere
    jid = window.journey_id
    window.validation_dock.hide()
    assert not window.go_live()
    assert window.messages and window.messages[-1][0] == "Not live"
    assert window.messages[-1][1].startswith("The journey has problems to fix first:\n• ")
    assert window.validation_dock.isVisible()
    assert ws.journey_info(jid).status == "draft"
    assert ws.latest_version(jid) is None
    assert _browser_status(window, jid) == "Draft"
    assert not window.live_chip.isVisible()


# -- test mode ----------------------------------------------------------------------------------

def test_test_mode_without_a_published_version_says_so(window, ws):
    window.start_page.templateChosen.emit("welcome_series")
    panel = window.run_panel
    panel.set_mode("test")
    assert not panel.start()
    assert not panel.running
    assert "published version" in panel.summary.text() and "Publish it" in panel.summary.text()
    assert all(c.metrics is None for c in window.canvas.nodes.values())


def test_test_mode_runs_test_customers_through_the_published_version(window, ws, qtbot):
    from engine.runtime.runner import Runner
    from gui.live import TEST_CUSTOMERS, address_of_test_customer

    window.start_page.templateChosen.emit("welcome_series")
    jid = window.journey_id
    assert window.go_live()
    panel = window.run_panel
    panel.set_mode("test")
    assert not panel.customers.isVisibleTo(panel) and panel.days.isVisibleTo(panel)
    panel.days.setValue(10)
    assert panel.start()
    assert panel.running
    qtbot.waitUntil(lambda: not panel.running, timeout=120_000)
    result = panel.last_result
    assert result is not None and not result.cancelled, panel.summary.text()
    assert result.version == 1 and result.customers == len(TEST_CUSTOMERS) == result.entered

    # the test customers are in the workspace, with test addresses and consent everywhere
    for person in TEST_CUSTOMERS:
        cid = ws.find_customer("email", address_of_test_customer(person["first_name"]))
        assert cid is not None
        record = ws.get_customer(cid)
        assert record.attributes["email"].endswith("@example.test")
        assert record.consent["email"] and record.consent["sms"]

    published = ws.load_version(jid, 1)
    entry = next(n.id for n in published.nodes if n.type == "orchestrate.entry")
    assert result.nodes[entry].entered == len(TEST_CUSTOMERS)
    # the counters agree with what the runner stored for test mode
    stored_nodes, stored_edges = Runner(ws, window.registry, clock=None, mode="test").counters(jid, 1, "test")
    assert {k: v.entered for k, v in stored_nodes.items()} == {k: v.entered for k, v in result.nodes.items()}
    assert stored_edges == result.edges
    for nid, counts in result.nodes.items():
        out = sum(result.edges.get(e.id, 0) for e in published.edges if e.source.node == nid)
        assert counts.entered == out + counts.active + counts.exited, nid
        cnode = window.canvas.nodes[nid]
        assert cnode.metrics is not None and cnode.metrics.entered == counts.entered
    assert window.canvas.nodes[entry].metrics.entered == len(TEST_CUSTOMERS)

    # messages were recorded, not sent, and the summary says how many
    assert result.messages
    assert all(m.to.endswith("@example.test") or m.channel_kind != "email" for m in result.messages)
    assert f"{len(result.messages)} messages recorded" in panel.summary.text()

    # a second test: the template's re-entry rule ("never") keeps the same customers out
    assert panel.start()
    qtbot.waitUntil(lambda: not panel.running, timeout=120_000)
    again = panel.last_result
    assert again is not result and again.entered == 0
    assert again.nodes[entry].entered == len(TEST_CUSTOMERS)
    assert "not entered again" in panel.summary.text()


def test_cancelling_a_test_keeps_the_numbers_so_far(window, qtbot):
    window.start_page.templateChosen.emit("welcome_series")
    assert window.go_live()
    panel = window.run_panel
    panel.set_mode("test")
    panel.days.setValue(365)
    assert panel.start()
    panel.cancel()
    qtbot.waitUntil(lambda: not panel.running, timeout=120_000)
    assert panel.last_result is not None and panel.last_result.cancelled
    assert panel.summary.text().startswith("Cancelled")
