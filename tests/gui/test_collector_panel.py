"""The Collector window: start and stop the collector from the app, live counts, write keys, and
new events waking the live engine. Real HTTP on loopback; dialogs answered through the hooks."""

from __future__ import annotations

import base64
import http.client
import json
import socket

import pytest

from gui.qt import Qt, QtGui


@pytest.fixture
def panel(qtbot, ws):
    from gui.app import make_application
    from gui.collector_panel import CollectorPanel

    make_application()
    widget = CollectorPanel(ws)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    widget.shutdown()


def _start(panel, qtbot) -> int:
    panel.port.setValue(0)  # any free port: no clash with anything else on the machine
    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.running, timeout=20_000)
    return panel.collector.port


def _post(port: int, path: str, body: dict, key: str) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        auth = base64.b64encode(f"{key}:".encode()).decode()
        conn.request("POST", path, json.dumps(body), {"Authorization": f"Basic {auth}",
                                                      "Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def _rows(tree) -> dict[str, str]:
    return {tree.topLevelItem(i).text(0): tree.topLevelItem(i).text(1) for i in range(tree.topLevelItemCount())}


def test_start_count_store_and_stop_frees_the_port(panel, ws, qtbot):
    assert panel.state.text() == "Stopped" and not panel.stop_button.isEnabled()
    port = _start(panel, qtbot)
    assert not panel.start_button.isEnabled() and not panel.port.isEnabled()
    assert f"127.0.0.1:{port}" in panel.state.text()
    assert not panel.warning.isVisibleTo(panel)
    # The workspace had no key: one was made, and is shown in full this once.
    key = panel.fresh_keys["default"]
    assert panel.key_list.topLevelItem(0).text(1) == key
    assert panel.endpoints["segment_track"].text() == f"http://127.0.0.1:{port}/v1/track"
    assert panel.endpoints["sensors"].text() == f"http://127.0.0.1:{port}/sa?project=default&token={key}"

    with qtbot.waitSignal(panel.eventsStored, timeout=20_000) as stored:
        status, answer = _post(port, "/v1/track", {"userId": "u-42", "event": "Order Completed",
                                                   "properties": {"total": 59.9}}, key)
    assert status == 200 and answer["success"]
    assert stored.args == [1]
    qtbot.waitUntil(lambda: panel.count_labels["committed"].text() == "1", timeout=20_000)
    assert panel.count_labels["received"].text() == "1"
    assert _rows(panel.source_list) == {"Segment": "1"}
    qtbot.waitUntil(lambda: panel.latest_list.topLevelItemCount() == 1, timeout=20_000)
    latest = panel.latest_list.topLevelItem(0)
    assert latest.text(2) == "Segment · default"  # the name of the key it came with
    assert "Write key “default”" in latest.toolTip(2)
    customer = ws.find_customer("user_id", "u-42")
    events = ws.customer_events(customer)
    assert [(e.name, e.properties["total"]) for e in events] == [("Order Completed", 59.9)]

    status, answer = _post(port, "/v1/track", {"userId": "u-1", "event": "x"}, "wk_not_a_key_of_ours")
    assert status == 401 and answer["code"] == "unauthorized"
    qtbot.waitUntil(lambda: _rows(panel.rejected_list) == {"Missing or unknown write key": "1"}, timeout=20_000)
    assert panel.count_labels["rejected"].property("bad") is True
    assert panel.status_label.text() == f"Collector on :{port} · 1 stored"

    qtbot.mouseClick(panel.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.state.text() == "Stopped" and not panel.busy, timeout=30_000)
    assert panel.collector is None and panel.start_button.isEnabled()
    # The last counts stay in view after the stop.
    assert panel.count_labels["committed"].text() == "1"
    with socket.socket() as sock:
        # As a server binds (SO_REUSEADDR): only a socket still listening there could refuse it.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen()


def test_any_free_port_shows_no_address_until_the_port_is_chosen(panel, qtbot):
    panel.port.setValue(0)
    assert all(e.text() == "" and "once started" in e.placeholderText() for e in panel.endpoints.values())
    assert not any(b.isEnabled() for b in panel.copy_buttons.values())
    port = _start(panel, qtbot)
    assert panel.endpoints["segment_host"].text() == f"http://127.0.0.1:{port}"
    assert all(b.isEnabled() for b in panel.copy_buttons.values())
    panel.port.setValue(9000)
    qtbot.mouseClick(panel.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.running and not panel.busy, timeout=20_000)
    assert panel.endpoints["segment_host"].text() == "http://127.0.0.1:9000"


def test_without_a_known_key_the_sensors_address_has_no_placeholder_token(panel, ws):
    from engine.track import collector_keys

    collector_keys.add_key(ws, "older")  # made elsewhere: only its fingerprint is known here
    panel.reload_keys()
    url = panel.endpoints["sensors"].text()
    assert url.endswith("/sa?project=default") and "token" not in url
    assert "token=" in panel.sensors_key_hint.text() and "token=" in panel.endpoints["sensors"].toolTip()
    copy = panel.key_list.itemWidget(panel.key_list.topLevelItem(0), 3)
    assert not copy.isEnabled()


def test_disabled_buttons_are_drawn_greyed(panel):
    from gui.qt import QtGui

    palette = panel.start_button.palette()
    role, group = QtGui.QPalette.ColorRole.ButtonText, QtGui.QPalette.ColorGroup
    assert palette.color(group.Disabled, role) != palette.color(group.Active, role)
    assert not panel.remove_key_button.isEnabled()  # nothing selected
    enabled = panel.start_button.grab().toImage()
    panel.start_button.setEnabled(False)
    assert panel.start_button.grab().toImage() != enabled


def test_a_refused_link_is_counted(panel, qtbot):
    port = _start(panel, qtbot)
    key = panel.fresh_keys["default"]
    assert _post(port, "/v1/identify", {"userId": "ana", "anonymousId": "browser-1"}, key)[0] == 200
    # Bo signs in on the same browser: its anonymous id stays Ana's (one user id per profile).
    assert _post(port, "/v1/track", {"userId": "bo", "anonymousId": "browser-1", "event": "Login"}, key)[0] == 200
    qtbot.waitUntil(lambda: panel.count_labels["refused_links"].text() == "1", timeout=20_000)
    assert panel.count_labels["merges"].text() == "0"


def test_another_address_warns_and_asks_first(panel, qtbot):
    asked = []
    panel._confirm_public_bind = lambda host: asked.append(host) or False
    panel.host.setCurrentText("0.0.0.0")
    assert panel.warning.isVisibleTo(panel)
    assert "0.0.0.0" in panel.warning.text()
    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    assert asked == ["0.0.0.0"]
    assert not panel.running and panel.collector is None and panel.state.text() == "Stopped"
    panel.host.setCurrentText("127.0.0.1")
    assert not panel.warning.isVisibleTo(panel)


def test_a_port_in_use_is_reported_in_words(panel, qtbot):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        panel.port.setValue(sock.getsockname()[1])
        panel.start()
        qtbot.waitUntil(lambda: panel.error.isVisibleTo(panel), timeout=20_000)
    assert "did not start" in panel.error.text() and "another program is using that port" in panel.error.text()
    assert "('127.0.0.1'" not in panel.error.text()
    assert not panel.running and panel.start_button.isEnabled()


def test_keys_added_and_removed_apply_to_the_running_collector(panel, ws, qtbot):
    from engine.track import collector_keys

    port = _start(panel, qtbot)
    panel._ask_key_name = lambda suggested: "mobile app"
    qtbot.mouseClick(panel.add_key_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "mobile app" in panel.fresh_keys, timeout=20_000)
    key = panel.fresh_keys["mobile app"]
    assert {k.name for k in collector_keys.list_keys(ws)} == {"default", "mobile app"}
    assert key in panel.fresh.text()
    # The Sensors address is cut in its box: the hint names the key it ends with.
    assert panel.endpoints["sensors"].text().endswith(f"&token={key}")
    assert "ends with the new key “mobile app” as token=" in panel.sensors_key_hint.text()
    row = next(i for i in range(panel.key_list.topLevelItemCount())
               if panel.key_list.topLevelItem(i).text(0) == "mobile app")
    copy = panel.key_list.itemWidget(panel.key_list.topLevelItem(row), 3)
    qtbot.mouseClick(copy, Qt.MouseButton.LeftButton)
    assert QtGui.QGuiApplication.clipboard().text() == key
    assert panel.endpoints["sensors"].text().endswith(f"token={key}")
    assert _post(port, "/v1/identify", {"userId": "m-1", "traits": {"plan": "pro"}}, key)[0] == 200

    item = next(panel.key_list.topLevelItem(i) for i in range(panel.key_list.topLevelItemCount())
                if panel.key_list.topLevelItem(i).text(0) == "mobile app")
    panel.key_list.setCurrentItem(item)
    asked = []
    panel._confirm_remove_key = lambda name: asked.append(name) or True
    qtbot.mouseClick(panel.remove_key_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.key_list.topLevelItemCount() == 1, timeout=20_000)
    assert asked == ["mobile app"]
    assert _post(port, "/v1/identify", {"userId": "m-1"}, key)[0] == 401


def test_collected_events_wake_the_live_engine_and_closing_stops_the_collector(window, qtbot):
    window.start_live_engine(interval_s=3600)  # only the first pass and the ones the collector asks for
    engine = window.live_engine
    qtbot.waitUntil(lambda: engine.last is not None, timeout=20_000)
    assert engine.totals["events"] == 0
    window.act_collector.trigger()
    panel = window.collector_panel
    assert panel.isVisible()
    port = _start(panel, qtbot)
    assert panel.status_label.isVisible()
    key = panel.fresh_keys["default"]
    assert _post(port, "/v1/track", {"anonymousId": "a-1", "event": "Page Viewed"}, key)[0] == 200
    qtbot.waitUntil(lambda: engine.totals["events"] == 1, timeout=20_000)

    window.close()
    assert panel.collector is None and not panel.running
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))


def test_sources_are_named_shortly_for_the_latest_events_column():
    from gui.collector_panel import short_source

    assert short_source("segment") == "Segment"
    assert short_source("sensors:default") == "Sensors"  # the SDKs' default project says nothing
    assert short_source("sensors:shop") == "Sensors (shop)"
    assert short_source("csv:orders.csv") == "csv:orders.csv"
