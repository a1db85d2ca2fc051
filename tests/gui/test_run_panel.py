"""The Run panel simulates off the UI thread and paints the numbers on the canvas."""

from __future__ import annotations


def test_simulation_fills_the_overlays_and_agrees_with_itself(window, qtbot):
    window.start_page.templateChosen.emit("abandoned_cart")
    panel = window.run_panel
    panel.customers.setValue(400)
    window.simulate()
    assert panel.running
    qtbot.waitUntil(lambda: not panel.running, timeout=60_000)
    result = panel.last_result
    assert result is not None and not result.cancelled and result.customers == 400
    journey = window.editor.journey
    for nid, counts in result.nodes.items():
        out = sum(result.edges.get(e.id, 0) for e in journey.edges if e.source.node == nid)
        assert counts.entered == out + counts.active + counts.exited
        cnode = window.canvas.nodes[nid]
        assert cnode.metrics is not None and cnode.metrics.entered == counts.entered
    labelled = [e for e in window.canvas.edges.values() if e.grEdge.label]
    assert labelled and all(lbl.grEdge.label.split(" ")[0].replace(",", "").isdigit() for lbl in labelled)
    # clearing removes the numbers
    panel.clear()
    assert all(c.metrics is None for c in window.canvas.nodes.values())


def test_connection_figures_stay_off_the_nodes_where_there_is_room(window, qtbot):
    from gui.canvas import _LABEL_SPOTS, NodeItem
    from gui.qt import QtCore, QtGui

    window.start_page.templateChosen.emit("abandoned_cart")
    window.run_panel.customers.setValue(300)
    window.simulate()
    qtbot.waitUntil(lambda: not window.run_panel.running, timeout=60_000)
    nodes = [item.sceneBoundingRect() for item in window.canvas.scene.grScene.items() if isinstance(item, NodeItem)]

    def free(rect) -> bool:
        return not any(rect.adjusted(-3, -3, 3, 3).intersects(n) for n in nodes)

    checked = 0
    for edge in window.canvas.edges.values():
        item = edge.grEdge
        if not item.label:
            continue
        path = item.calcPath()
        width = QtGui.QFontMetricsF(item._label_font).horizontalAdvance(item.label) + 10
        spots = [QtCore.QRectF(p.x() - width / 2, p.y() - 8, width, 16)
                 for p in (path.pointAtPercent(t) for t in _LABEL_SPOTS)]
        if any(free(r) for r in spots):
            assert free(item._label_rect(path, width)), item.label
            checked += 1
    assert checked >= 3


def test_cancel_keeps_the_numbers_so_far(window, qtbot):
    window.start_page.templateChosen.emit("welcome_series")
    panel = window.run_panel
    panel.customers.setValue(50_000)
    window.simulate()
    panel.cancel()
    qtbot.waitUntil(lambda: not panel.running, timeout=120_000)
    assert panel.last_result is not None and panel.last_result.cancelled
    assert "Cancelled" in panel.summary.text()


def test_a_journey_with_errors_is_not_simulated(window):
    window.new_blank()  # an entry that leads nowhere
    window.simulate()
    assert not window.run_panel.running
    assert "Fix the problems" in window.statusBar().currentMessage()
