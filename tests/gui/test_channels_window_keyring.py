"""Channel accounts without a usable keyring (keyring's ``fail`` backend, as on a headless box), in the
app: an SMTP relay without a login is listed as working and tests fine against a real SMTP server on
loopback, an account holding a secret is listed as not openable, and the Send nodes using such an
account get a warning in the Problems panel and a badge on the canvas."""

from __future__ import annotations

from datetime import timedelta

import keyring
import pytest
from keyring.backends import fail

from engine.channels.accounts import AccountStore, UnavailableChannel
from gui.qt import QtWidgets
from tests.engine.test_run_command import Inbox


def no_keyring() -> None:
    keyring.set_keyring(fail.Keyring())


def set_row(form, key: str, value) -> None:
    widget = form.rows[key].widget
    if isinstance(widget, QtWidgets.QSpinBox):
        widget.setValue(int(value))
    elif isinstance(widget, QtWidgets.QComboBox):
        widget.setCurrentText(value)
    else:
        widget.setText(value)
        widget.textEdited.emit(value)


@pytest.fixture
def channels(qtbot, ws, memory_keyring):
    """A Channels window opened while the keyring is keyring's ``fail`` backend."""
    from gui.app import make_application
    from gui.channels_window import ChannelsWindow

    make_application()
    no_keyring()
    win = ChannelsWindow(ws)
    win._ask_discard = lambda: True
    win._ask_remove = lambda name: True
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.shutdown()


def test_a_relay_without_login_works_and_tests_fine_without_a_keyring(channels, qtbot, ws, smtp_server):
    inbox = Inbox()
    port = smtp_server(inbox)
    assert channels.banner.isVisibleTo(channels)
    form = channels.start_add("smtp")
    qtbot.keyClicks(form.name, "Email main")
    form.account_id.setText("email-main")
    set_row(form, "host", "127.0.0.1")
    set_row(form, "port", port)
    set_row(form, "security", "none")
    set_row(form, "sender", "shop@example.com")
    assert channels.save(), channels.summary.text()

    assert channels.accounts() == ["email-main"]
    assert channels.status_of("email-main") == "Ready"
    assert channels.form.rows["password"].widget.stored is False
    with qtbot.waitSignal(channels.testFinished) as finished:
        channels.test_connection()
    assert finished.args[:2] == ["email-main", True], finished.args
    assert channels.status_of("email-main") == "Connection OK"
    assert "Connection works" in channels.result.text()

    channels._ask_test_target = lambda kind, previous: "ana@example.com"
    with qtbot.waitSignal(channels.testFinished) as finished:
        channels.send_test()
    assert finished.args[1] is True, finished.args
    [(mail, rcpt)] = inbox.messages
    assert rcpt == ["ana@example.com"] and mail["From"] == "shop@example.com"

    # the live engine's channels open too
    assert not isinstance(AccountStore(ws).open_channels()["email-main"], UnavailableChannel)


def test_an_account_holding_a_secret_is_listed_as_not_openable(qtbot, ws, memory_keyring):
    from gui.app import make_application
    from gui.channels_window import ChannelsWindow

    store = AccountStore(ws)
    store.add("relay", "Relay", "smtp", {"host": "127.0.0.1", "security": "none", "sender": "shop@example.com"})
    store.add("login", "With login", "smtp", {"host": "127.0.0.1", "security": "none", "username": "shop",
                                              "sender": "shop@example.com"}, {"password": "Pa55-Mail!"})
    make_application()
    no_keyring()
    win = ChannelsWindow(ws)
    qtbot.addWidget(win)
    try:
        assert win.status_of("relay") == "Ready"
        assert win.status_of("login") == "Cannot be opened"
        assert "hold a password or token" in win.banner_text.text()
        assert win.select("login")
        assert "system keyring cannot give" in win.summary.text()
        assert win.select("relay")
        assert win.summary.text() == ""
    finally:
        win.shutdown()


# -- the main window: Problems panel and canvas ------------------------------------------------------

def _sends(window, channel: str) -> list:
    return [n for n in window.editor.journey.nodes if n.type == "orchestrate.send" and n.config["channel"] == channel]


def _unopenable(window) -> dict:
    return {i.node_id: i for i in window.validation.issues()
            if i.code == "channel.account" and "cannot be opened" in i.message}


def test_send_nodes_whose_account_cannot_be_opened_are_warned_about(window, ws, memory_keyring):
    AccountStore(ws).add("email-main", "Newsletter", "smtp",
                         {"host": "smtp.shop.example", "username": "shop", "sender": "news@shop.example"},
                         {"password": "Pa55-Mail!"})
    no_keyring()
    window.start_page.templateChosen.emit("welcome_series")
    emails = _sends(window, "email-main")
    assert emails
    listed = _unopenable(window)
    assert set(listed) == {n.id for n in emails}
    for node in emails:
        issue = listed[node.id]
        assert issue.severity == "warning" and issue.field == "channel"
        assert "“email-main” cannot be opened" in issue.message
        assert "system keyring cannot be used" in issue.message and "Channels" in issue.message
        assert "Pa55-Mail!" not in issue.message
        cnode = window.canvas.nodes[node.id]
        assert cnode.channel_problem is None  # the account exists and carries email
        assert cnode.issue_level == "warning"  # badged on the canvas
        assert any("cannot be opened" in i.message for i in window.canvas.issues_for(node.id))
    # the other Send nodes' accounts are missing: that warning stays as it was
    others = [n for n in window.editor.journey.nodes if n.type == "orchestrate.send" and n not in emails]
    assert others and all("not connected" in window.canvas.nodes[n.id].channel_problem for n in others)

    # the keyring is back: the warning goes
    keyring.set_keyring(memory_keyring)
    window.refresh_channel_health()
    assert _unopenable(window) == {}
    assert all(window.canvas.nodes[n.id].issue_level is None for n in emails)


def test_a_relay_without_login_gets_no_warning_without_a_keyring(window, ws, memory_keyring):
    AccountStore(ws).add("email-main", "Newsletter", "smtp",
                         {"host": "127.0.0.1", "port": 2525, "security": "none", "sender": "news@shop.example"})
    no_keyring()
    window.start_page.templateChosen.emit("welcome_series")
    emails = _sends(window, "email-main")
    assert emails
    assert _unopenable(window) == {}
    issues = [i for i in window.validation.issues() if i.node_id in {n.id for n in emails}]
    assert not [i for i in issues if i.code == "channel.account"]


def test_a_failed_delivery_because_the_account_cannot_be_opened_is_said_once(window, ws, memory_keyring):
    from engine.runtime.clock import VirtualClock
    from engine.runtime.runner import Runner
    from engine.spec import default_registry
    from tests.engine.test_runner import T0, customer, publish, welcome

    registry = default_registry()
    store = AccountStore(ws)
    store.add("email-main", "Newsletter", "smtp",
              {"host": "smtp.shop.example", "username": "shop", "sender": "news@shop.example"},
              {"password": "Pa55-Mail!"})
    journey, nodes = welcome(registry)
    publish(ws, registry, journey)
    no_keyring()
    channels = AccountStore(ws).open_channels()
    assert isinstance(channels["email-main"], UnavailableChannel)
    clock = VirtualClock(T0)
    runner = Runner(ws, registry, clock, channels, mode="live", max_attempts=1)
    runner.enter(journey.id, customer(ws))
    clock.advance(timedelta(days=1, minutes=1))
    runner.tick()
    runner.flush()

    window.open_journey(journey.id)
    send = nodes["send"].id
    about_send = [i for i in window.validation.issues() if i.node_id == send and i.code == "channel.account"]
    assert len(about_send) == 1, [i.message for i in about_send]
    assert "cannot be opened" in about_send[0].message
    assert window.canvas.nodes[send].channel_problem is None
