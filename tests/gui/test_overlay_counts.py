"""The numbers on the canvas add up: every output port shows its runs (on its connection, or beside
an unconnected port), goals and exits show their share of the journey's entries, connection labels
never sit on one another, the Run panel counts each conversion once, and the canvas says whose
numbers it shows."""

from __future__ import annotations

import pytest


@pytest.fixture
def simulated(window, qtbot):
    window.start_page.templateChosen.emit("abandoned_cart")
    panel = window.run_panel
    panel.customers.setValue(1500)
    window.simulate()
    qtbot.waitUntil(lambda: not panel.running, timeout=60_000)
    assert panel.last_result is not None and not panel.last_result.cancelled
    return window


def test_every_node_adds_up_on_the_canvas(simulated):
    from gui.canvas import KIND_EXIT, port_end_text

    win = simulated
    journey, result = win.editor.journey, win.run_panel.last_result
    sends = 0
    for node in journey.nodes:
        cnode = win.canvas.nodes[node.id]
        m = cnode.metrics
        if node.id not in result.nodes:
            continue
        edges_out = {e.source.port: result.edges[e.id] for e in journey.edges if e.source.node == node.id}
        assert m.outs == edges_out
        other = m.exited - sum(m.ended_at.values())
        assert other >= 0
        assert m.entered == sum(m.outs.values()) + sum(m.ended_at.values()) + m.active + other
        if node.type == "orchestrate.send":
            sends += 1
            # a send's arrivals all leave through a port: nothing is left unexplained
            assert other == 0 and m.ended_at, node.title
            assert sum(m.outs.values()) + sum(m.ended_at.values()) + m.active == m.entered
            # each unconnected port with runs shows its count, inside the node on the port's row
            item = cnode.grNode
            for port, count in m.ended_at.items():
                index = cnode.out_names.index(port)
                assert item._port_notes[index] == port_end_text(count)
                rect = item.port_note_rect(index)
                assert rect is not None and QtCoreRect(item).contains(rect)
            tip = cnode.tooltip()
            for count in m.ended_at.values():
                assert f"{count:,}" in tip and "not connected" in tip
        elif m.kind == KIND_EXIT:
            assert other == m.entered
    assert sends >= 3


def QtCoreRect(item):  # noqa: N802 - the node's own rectangle, in its coordinates
    from gui.qt import QtCore

    return QtCore.QRectF(0, 0, item.width, item.height)


def test_goal_and_exit_percentages_are_of_the_journeys_entries(simulated):
    from gui.canvas import KIND_EXIT, KIND_GOAL, overlay_text

    win = simulated
    journey, result = win.editor.journey, win.run_panel.last_result
    goal = next(n for n in journey.nodes if n.type == "orchestrate.goal")
    m = win.canvas.nodes[goal.id].metrics
    assert m.kind == KIND_GOAL and m.pct_of_previous is None
    assert m.pct_of_entries == pytest.approx(100.0 * m.entered / result.runs_started)
    # the two waits before it add up to more than the journey's entries: that was the old base
    before = {e.source.node for e in journey.edges if e.target.node == goal.id}
    assert sum(result.nodes[s].entered for s in before) > result.runs_started
    assert f"{m.pct_of_entries:.0f}% of entries" in overlay_text(m)
    assert "entered the journey" in win.canvas.nodes[goal.id].tooltip()
    exits = [n for n in journey.nodes if n.type == "orchestrate.exit"]
    assert exits and all(win.canvas.nodes[n.id].metrics.kind == KIND_EXIT for n in exits)
    assert sum(win.canvas.nodes[n.id].metrics.pct_of_entries for n in exits) <= 100.5


def test_connection_labels_never_overlap(simulated, qtbot):
    win = simulated
    win.canvas.view.zoom_to_fit(win.canvas.view.flow_rect(), min_scale=0.6)
    win.grab()  # paint: labels are placed as they are painted
    rects = win.canvas.place_labels()
    labelled = [e for e in win.canvas.edges.values() if e.grEdge.label and e.grEdge.placed_label_rect()]
    assert len(rects) == len(labelled) >= 6
    items = list(rects.items())
    for i, (a, ra) in enumerate(items):
        for b, rb in items[i + 1:]:
            assert not ra.intersects(rb), (win.canvas.edges[a].grEdge.label, win.canvas.edges[b].grEdge.label)
    # two connections end at the second "Wait for order": both labels are there, apart
    journey = win.editor.journey
    shared = {}
    for e in journey.edges:
        shared.setdefault((e.target.node, e.target.port), []).append(e.id)
    assert any(len([i for i in ids if i in rects]) >= 2 for ids in shared.values())


def test_the_run_panel_counts_each_conversion_once(simulated):
    win = simulated
    panel, result = win.run_panel, win.run_panel.last_result
    text = panel.summary.text()
    assert sum(result.goals.values()) == 2 * result.runs_converted  # what used to be shown
    assert f"{sum(result.goals.values()):,} conversions" not in text
    assert f"{result.customers_converted:,} converted" in text
    assert f"{result.customers_entered:,} entered the journey" in text
    entry = next(n for n in win.editor.journey.nodes if n.type == "orchestrate.entry")
    # the nodes' "conv" counts entries; the panel names that figure too when it differs
    if result.runs_converted != result.customers_converted:
        assert f"{win.canvas.nodes[entry.id].metrics.converted:,} of them converted" in text


def test_simulated_numbers_are_marked_and_going_live_shows_live_ones(simulated, qtbot):
    from gui.canvas import ORIGIN_LIVE, ORIGIN_SIMULATION

    win = simulated
    canvas, panel = win.canvas, win.run_panel
    assert canvas.overlay_origin == ORIGIN_SIMULATION
    assert canvas.origin_tag.isVisibleTo(canvas.view) and canvas.origin_tag.text().startswith("Simulated")
    assert "not real customers" in canvas.origin_tag.toolTip()
    assert "Simulated: " in canvas.nodes[next(iter(panel.last_result.nodes))].tooltip()
    panel.check_status()  # the journey is a draft: nothing to switch
    assert not panel.live_mode
    assert win.go_live()
    with qtbot.waitSignal(panel.metricsReady, timeout=5000):
        assert panel.check_status()
    assert panel.live_mode and panel._live_timer.isActive()
    assert canvas.overlay_origin == ORIGIN_LIVE
    assert canvas.origin_tag.text().startswith("Live") and canvas.origin_tag.isVisibleTo(canvas.view)
    # nobody entered the live version yet: every step shows its zero, marked live
    entry = next(n for n in win.editor.journey.nodes if n.type == "orchestrate.entry")
    assert canvas.nodes[entry.id].metrics.entered == 0
    assert "real customers" in panel.summary.text()
    assert not panel.progress.isVisible()  # no end to progress towards in live mode
    # it switches once: going back to Simulation stays there
    panel.set_mode("simulation")
    assert not panel.check_status() and not panel.live_mode
    assert panel.progress.isVisible()
    # hiding the numbers hides the tag
    canvas.set_overlays_visible(False)
    assert not canvas.origin_tag.isVisibleTo(canvas.view)
