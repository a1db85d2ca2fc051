"""The Channels window and what it feeds: adding an account through its form (the secret lands in
the keyring and nowhere in the workspace), field-named errors, a keyring that cannot be used, the
connection test and a test message against a real HTTP server on loopback, removing with its
keyring entries, the Send node's channel picker, and the canvas badge of a missing or failing
channel."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from engine.channels.accounts import AccountStore
from engine.channels.base import RecordingChannel
from engine.channels.webhook import SIGNATURE_HEADER
from engine.errors import SecretStoreUnavailable
from engine.secrets import SERVICE, check_backend
from gui.qt import Qt, QtCore, QtGui, QtWidgets
from tests.engine.channels.servers import LoopbackHttpServer, free_port

SMTP_PASSWORD = "pw-4f9e2b7a-corner-shop"
SIGNING_SECRET = "whsec-91c3d5e7-shop"


@pytest.fixture
def channels(qtbot, ws, memory_keyring):
    """A shown Channels window whose questions are answered in code."""
    from gui.app import make_application
    from gui.channels_window import ChannelsWindow

    make_application()
    win = ChannelsWindow(ws)
    win.asked: list[str] = []
    win._ask_remove = lambda name: win.asked.append(name) or win.answer
    win._ask_discard = lambda: True
    win._ask_test_target = lambda kind, previous: "me@example.com"
    win.answer = True
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.shutdown()


@pytest.fixture
def receiver():
    """A loopback HTTP server that checks the webhook signature the way a shop would."""
    def answer(seen):
        expected = "sha256=" + hmac.new(SIGNING_SECRET.encode(), seen.body, hashlib.sha256).hexdigest()
        seen.notes["verified"] = hmac.compare_digest(expected, seen.headers.get(SIGNATURE_HEADER, ""))
        return (200 if seen.notes["verified"] else 401), {"Content-Type": "application/json"}, b'{"ok": true}'

    server = LoopbackHttpServer(answer).start()
    yield server
    server.stop()


def type_into(qtbot, widget: QtWidgets.QWidget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def workspace_bytes(ws) -> bytes:
    """Every file of the workspace database (the main file, its journal and WAL)."""
    path = Path(ws.location)
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def add_webhook(channels, qtbot, url: str):
    form = channels.start_add("webhook")
    type_into(qtbot, form.name, "Shop hook")
    type_into(qtbot, form.rows["url"].widget, url)
    type_into(qtbot, form.rows["signing_secret"].widget.edit, SIGNING_SECRET)
    assert channels.save(), channels.summary.text()
    return channels.form


# -- adding, editing, removing ---------------------------------------------------------------

def test_add_account_through_the_form_keeps_the_secret_in_the_keyring_only(channels, qtbot, ws, memory_keyring):
    add = channels.add_button.menu().actions()
    assert [a.data() for a in add][:3] == ["smtp", "twilio", "webhook"]
    next(a for a in add if a.data() == "smtp").trigger()
    form = channels.form
    assert form is not None and form.new
    type_into(qtbot, form.name, "Main newsletter")
    assert form.account_id.text() == "main-newsletter"  # suggested from the name
    type_into(qtbot, form.rows["host"].widget, "smtp.shop.example")
    type_into(qtbot, form.rows["username"].widget, "news@shop.example")
    type_into(qtbot, form.rows["password"].widget.edit, SMTP_PASSWORD)
    assert form.rows["password"].widget.edit.echoMode() == QtWidgets.QLineEdit.EchoMode.Password
    sender = form.rows["sender"].widget
    type_into(qtbot, sender, "Corner Shop <news@shop.example>")
    qtbot.keyClick(sender, Qt.Key.Key_Return)  # Enter saves

    info = AccountStore(ws).get("main-newsletter")
    assert info.name == "Main newsletter" and info.kind == "smtp"
    assert info.settings["host"] == "smtp.shop.example"
    assert "password" not in info.settings
    assert memory_keyring.entries == {(SERVICE, "main-newsletter/password"): SMTP_PASSWORD}
    assert SMTP_PASSWORD.encode() not in workspace_bytes(ws)

    # shown again: the secret is "stored", never put back into the form
    assert channels.accounts() == ["main-newsletter"]
    secret = channels.form.rows["password"].widget
    assert not channels.form.new
    assert secret.stored is True and secret.value() == ""
    assert not secret.edit.isVisibleTo(channels.form) and secret.change.isVisibleTo(channels.form)
    assert secret.edit.text() == ""


def test_editing_changes_settings_and_replaces_the_secret(channels, qtbot, ws, memory_keyring):
    store = AccountStore(ws)
    store.add("email-main", "Newsletter", "smtp", {"host": "smtp.shop.example", "username": "u",
                                                  "sender": "news@shop.example"}, {"password": "old-secret"})
    channels.refresh()
    assert channels.select("email-main")
    form = channels.form
    assert not channels.save_button.isEnabled()  # nothing changed yet
    form.rows["password"].widget.change.click()
    type_into(qtbot, form.rows["password"].widget.edit, "new-secret-2")
    host = form.rows["host"].widget
    host.clear()
    type_into(qtbot, host, "mail.shop.example")
    assert channels.save_button.isEnabled()
    assert channels.save()
    assert store.get("email-main").settings["host"] == "mail.shop.example"
    assert memory_keyring.entries[(SERVICE, "email-main/password")] == "new-secret-2"


def test_a_validation_error_names_the_field(channels, qtbot, ws):
    form = channels.start_add("smtp")
    type_into(qtbot, form.name, "Broken")
    type_into(qtbot, form.rows["sender"].widget, "news@shop.example")
    assert not channels.save()  # no server
    assert "required" in form.errors()["host"]
    assert "Server" in channels.summary.text()
    assert form.rows["host"].widget.hasFocus()
    assert AccountStore(ws).list() == []

    type_into(qtbot, form.rows["host"].widget, "smtp.shop.example")
    form.account_id.clear()
    type_into(qtbot, form.account_id, "Not An Id!")
    assert not channels.save()
    assert "account id" in form.errors()["id"]


def test_remove_asks_then_deletes_the_account_and_its_keyring_entries(channels, qtbot, ws, memory_keyring, receiver):
    add_webhook(channels, qtbot, receiver.url("/hook"))
    assert memory_keyring.entries
    channels.answer = False
    channels.tree.setFocus()
    qtbot.keyClick(channels.tree, Qt.Key.Key_Delete)
    assert channels.asked == ["Shop hook"]
    assert channels.accounts() == ["shop-hook"]
    channels.answer = True
    channels.remove_button.click()
    assert channels.accounts() == []
    assert AccountStore(ws).list() == []
    assert memory_keyring.entries == {}


def test_escape_closes_and_unsaved_edits_are_asked_about(channels, qtbot):
    form = channels.start_add("simulated")
    type_into(qtbot, form.name, "Half done")
    asked = []
    channels._ask_discard = lambda: asked.append(True) or False
    qtbot.keyClick(form.name, Qt.Key.Key_Escape)
    assert asked and channels.isVisible()  # "keep editing"
    channels._ask_discard = lambda: True
    qtbot.keyClick(form.name, Qt.Key.Key_Escape)
    assert not channels.isVisible()
    assert channels.accounts() == []


def test_without_a_usable_keyring_the_window_says_so_and_takes_no_secret(qtbot, ws):
    from gui.app import make_application
    from gui.channels_window import ChannelsWindow

    make_application()
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        win = ChannelsWindow(ws)
        qtbot.addWidget(win)
        win.show()
        assert win.banner.isVisibleTo(win)
        text = win.banner_text.text()
        with pytest.raises(SecretStoreUnavailable) as refused:
            check_backend(fail.Keyring())
        assert "cannot be saved" in text and str(refused.value) in text  # why, and what to install
        form = win.start_add("smtp")
        assert not form.rows["password"].widget.edit.isEnabled()
        # an account without secrets can still be kept
        form = win.start_add("simulated")
        type_into(qtbot, form.name, "Demo")
        assert win.save(), win.summary.text()
        assert AccountStore(ws).get("demo").kind == "simulated"
        win.shutdown()
    finally:
        keyring.set_keyring(previous)


# -- testing the connection ------------------------------------------------------------------

def test_connection_test_and_test_message_against_a_loopback_server(channels, qtbot, ws, receiver):
    add_webhook(channels, qtbot, receiver.url("/hook"))
    assert channels.status_of("shop-hook") == "Ready"
    with qtbot.waitSignal(channels.testFinished) as finished:
        channels.test_button.click()
        assert channels.busy.isVisibleTo(channels)  # the check runs off the UI thread
        assert not channels.test_button.isEnabled()
    account, ok, text = finished.args
    assert (account, ok) == ("shop-hook", True)
    assert "Connection works" in channels.result.text()
    assert channels.status_of("shop-hook") == "Connection OK"
    assert not channels.busy.isVisibleTo(channels)
    assert receiver.requests == []  # a connection test posts nothing

    with qtbot.waitSignal(channels.testFinished) as finished:
        channels.send_button.click()
    assert finished.args[1] is True, finished.args[2]
    [seen] = receiver.requests
    assert seen.method == "POST" and seen.notes["verified"] is True
    assert b"me@example.com" in seen.body
    assert "Test message sent" in channels.result.text()


def test_a_failed_connection_test_shows_the_reason(channels, qtbot, ws):
    add_webhook(channels, qtbot, f"http://127.0.0.1:{free_port()}/hook")
    with qtbot.waitSignal(channels.testFinished) as finished:
        channels.test_connection()
    assert finished.args[1] is False
    assert "cannot connect" in channels.result.text()
    assert channels.status_of("shop-hook") == "Connection test failed"


def test_unsaved_values_are_what_gets_tested(channels, qtbot, receiver):
    form = channels.start_add("webhook")
    type_into(qtbot, form.name, "Draft hook")
    type_into(qtbot, form.rows["url"].widget, receiver.url("/draft"))
    with qtbot.waitSignal(channels.testFinished) as finished:
        channels.test_connection()
    assert finished.args[1] is True
    assert channels.accounts() == []  # tested, not saved


# -- the Send node's picker and the canvas badge ---------------------------------------------

def _send_nodes(window, channel_kind: str | None = None):
    return [n for n in window.editor.journey.nodes if n.type == "orchestrate.send"
            and (channel_kind is None or n.config["channel_kind"] == channel_kind)]


def test_picker_lists_only_accounts_that_carry_the_nodes_kind(window, ws, memory_keyring, qtbot):
    store = AccountStore(ws)
    store.add("email-main", "Newsletter", "smtp", {"host": "smtp.shop.example", "sender": "news@shop.example"})
    store.add("team-chat", "Team chat", "slack", {}, {"webhook_url": "https://hooks.slack.com/services/T/B/x"})
    store.add("demo", "Demo", "simulated", {})
    window.start_page.templateChosen.emit("welcome_series")
    send = _send_nodes(window, "email")[0]
    window.canvas.select_nodes([send.id])
    picker = window.inspector.form.editor("channel")
    combo = picker.combo
    assert [combo.itemData(i) for i in range(combo.count())] == ["demo", "email-main"]
    assert combo.currentText() == "Newsletter (email-main)"
    assert window.inspector.form.value()["channel"] == "email-main"
    assert picker.status_text() == ""

    kind = window.inspector.form.widget_for("channel_kind")
    kind.setCurrentIndex(kind.findText("Chat"))
    assert [combo.itemData(i) for i in range(combo.count())] == ["demo", "team-chat"]
    assert "cannot send" in picker.status_text()

    combo.setCurrentIndex(combo.findData("team-chat"))
    combo.activated.emit(combo.currentIndex())
    assert window.editor.journey.node(send.id).config["channel"] == "team-chat"

    picker.manage.click()
    assert window.channels_window is not None and window.channels_window.isVisible()
    window.channels_window.shutdown()
    window.channels_window.close()


def badge_pixels(window, node_id: str) -> list[QtGui.QColor]:
    """The colours painted where the channel badge of ``node_id`` goes."""
    from gui.canvas import CHANNEL_BADGE_COLOR

    cnode = window.canvas.nodes[node_id]
    view = window.canvas.view
    view.resetTransform()
    view.scale(2.0, 2.0)  # a badge big enough to hit inside
    view.centerOn(cnode.grNode)
    image = view.viewport().grab().toImage()
    item = cnode.grNode
    x = item.width - 4 - (22 if cnode.issue_level else 0)
    found = []
    # inside the triangle, beside its "!": once above the node's top edge, once over the header
    for dx, dy in ((-4, 6), (4, 6), (-2, -2), (2, -2)):
        point = view.mapFromScene(item.mapToScene(QtCore.QPointF(x + dx, dy)))
        found.append(image.pixelColor(point.x(), point.y()))
    target = QtGui.QColor(CHANNEL_BADGE_COLOR)
    return [c for c in found if abs(c.red() - target.red()) + abs(c.green() - target.green())
            + abs(c.blue() - target.blue()) < 40]


def test_badge_on_send_nodes_whose_account_is_missing(window, ws, memory_keyring, qtbot):
    window.start_page.templateChosen.emit("welcome_series")
    sends = _send_nodes(window)
    problems = {n.id: window.canvas.nodes[n.id].channel_problem for n in sends}
    assert all(p and "not connected" in p for p in problems.values())
    assert badge_pixels(window, sends[0].id)
    assert "not connected" in window.canvas.nodes[sends[0].id].tooltip()
    # the Problems panel lists each of them too, pointing at the node's channel field
    listed = {i.node_id: i for i in window.validation.issues() if i.code == "channel.account"}
    assert set(listed) == {n.id for n in sends}
    assert all(i.severity == "warning" and i.field == "channel" and "not connected" in i.message
               for i in listed.values())

    # the account is added in the Channels window: its nodes lose the badge, the SMS one keeps it
    window.show_channels()
    channels = window.channels_window
    form = channels.start_add("smtp")
    type_into(qtbot, form.name, "Newsletter")
    form.account_id.setText("email-main")
    type_into(qtbot, form.rows["host"].widget, "smtp.shop.example")
    type_into(qtbot, form.rows["sender"].widget, "news@shop.example")
    assert channels.save(), channels.summary.text()
    for node in sends:
        problem = window.canvas.nodes[node.id].channel_problem
        if node.config["channel"] == "email-main":
            assert problem is None
        else:
            assert "not connected" in problem
    email = _send_nodes(window, "email")[0]
    assert not badge_pixels(window, email.id)
    listed = {i.node_id for i in window.validation.issues() if i.code == "channel.account"}
    assert email.id not in listed and listed == {n.id for n in sends if n.config["channel"] != "email-main"}
    channels.shutdown()
    channels.close()


def test_badge_and_last_errors_when_the_last_delivery_failed(window, ws, memory_keyring, qtbot):
    from engine.runtime.clock import VirtualClock
    from engine.runtime.runner import Runner
    from engine.spec import default_registry
    from gui.channels_window import channel_health
    from tests.engine.test_runner import T0, customer, publish, welcome

    registry = default_registry()
    AccountStore(ws).add("email-main", "Newsletter", "smtp", {"host": "smtp.shop.example",
                                                             "sender": "news@shop.example"})
    journey, nodes = welcome(registry)
    publish(ws, registry, journey)
    clock = VirtualClock(T0)
    failing = RecordingChannel(fail=True, fail_reason="550 mailbox unavailable")
    runner = Runner(ws, registry, clock, {"email-main": failing}, mode="live", max_attempts=1)
    runner.enter(journey.id, customer(ws))
    clock.advance(timedelta(days=1, minutes=1))
    runner.tick()
    runner.flush()
    assert channel_health(ws).failing == {"email-main": "550 mailbox unavailable"}

    window.open_journey(journey.id)
    problem = window.canvas.nodes[nodes["send"].id].channel_problem
    assert "failed" in problem and "550 mailbox unavailable" in problem
    window.show_channels()
    channels = window.channels_window
    assert channels.status_of("email-main") == "Last delivery failed"
    assert channels.select("email-main")
    table = channels.errors_table
    assert table.rowCount() == 1
    assert [table.item(0, c).text() for c in (1, 3, 4)] == ["failed", "1", "550 mailbox unavailable"]
    channels.shutdown()
    channels.close()
