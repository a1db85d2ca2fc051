"""The Collector window: its buttons say what they do, a port in use is explained in the app's
terms (no command line flags), and the SDK addresses are not offered while nothing listens."""

from __future__ import annotations

import socket

import pytest

from gui.qt import Qt


@pytest.fixture
def panel(qtbot, ws):
    from gui.app import make_application
    from gui.collector_panel import CollectorPanel

    make_application()
    widget = CollectorPanel(ws)
    widget.resize(1280, 800)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    widget.shutdown()


def test_every_button_has_a_tooltip(panel):
    for button in (panel.start_button, panel.stop_button, panel.add_key_button, panel.remove_key_button,
                   *panel.copy_buttons.values()):
        assert len(button.toolTip()) > 10, button.text()


def test_a_port_in_use_is_explained_in_the_apps_terms_and_its_addresses_are_not_offered(panel, ws, qtbot):
    from engine.track import collector_keys

    panel.port.setValue(8765)
    assert panel.endpoint_state.isVisibleTo(panel)
    assert "Not running" in panel.endpoint_state.text()
    assert panel.endpoints["segment_host"].text() == "http://127.0.0.1:8765"  # where it will listen
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        taken = sock.getsockname()[1]
        panel.port.setValue(taken)
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: panel.error.isVisibleTo(panel) and not panel.busy, timeout=20_000)
    error = panel.error.text()
    assert "did not start" in error and "another program is using that port" in error and str(taken) in error
    assert "--" not in error and "'collect'" not in error and "“Any free port”" in error
    # The addresses would reach the other program, or nothing: none is offered to copy.
    assert all(e.text() == "" and e.placeholderText() == "Not listening" for e in panel.endpoints.values())
    assert not any(b.isEnabled() for b in panel.copy_buttons.values())
    assert "did not start" in panel.endpoint_state.text() and panel.endpoint_state.isVisibleTo(panel)
    # No key is made while nothing listens: the first start that does makes it and shows it.
    assert collector_keys.list_keys(ws) == [] and panel.key_list.topLevelItemCount() == 0

    panel.port.setValue(0)  # another port: the addresses come back once it listens
    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.running, timeout=20_000)
    port = panel.collector.port
    assert panel.endpoints["segment_host"].text() == f"http://127.0.0.1:{port}"
    assert not panel.endpoint_state.isVisibleTo(panel) and not panel.error.isVisibleTo(panel)
    assert all(b.isEnabled() for b in panel.copy_buttons.values())


def test_an_engine_message_loses_its_command_line_advice(panel):
    panel._start_failed("cannot listen on 127.0.0.1:8765: another program is using that port (a collector "
                        "already running?). Choose another port, or port 0 to take any free one (--port 0 for "
                        "'collect', --collect-port 0 for 'run', “Any free port” in the app)", ("127.0.0.1", 8765))
    assert "--" not in panel.error.text() and panel.error.text().endswith("any free one")
