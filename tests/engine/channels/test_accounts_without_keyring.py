"""Channel accounts on a machine without a usable keyring (keyring's ``fail`` backend, as on a headless
box): an account holding no secret is added, opened, sent through, changed and removed without the
keyring; only accounts that hold a secret cannot be opened, and ``journey-studio run`` says so."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy import select

from engine.channels.accounts import HELD_KEY, AccountStore, UnavailableChannel
from engine.channels.base import Message
from engine.channels.smtp import SmtpChannel
from engine.errors import SecretStoreUnavailable
from engine.secrets import SERVICE
from engine.store.models import ChannelAccountRow
from engine.store.runs import RunStore
from engine.store.workspace import Workspace
from tests.engine.test_run_command import ROOT, Inbox, build_workspace, cli_command, cli_env


def relay(port: int) -> dict:
    """An SMTP relay on this computer that asks for no login."""
    return {"host": "127.0.0.1", "port": port, "security": "none", "sender": "Corner Shop <shop@example.com>"}


def _message(key: str = "k-1") -> Message:
    return Message(key, "email-main", "email", "c-1", "j-1", "n-1", "r-1", "ana@example.com", "Hello Ana",
                   "Welcome to the shop.")


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """keyring's own ``fail`` backend, which every keyring operation refuses."""
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_an_smtp_relay_without_login_delivers_through_a_real_server_without_a_keyring(ws, no_keyring,
                                                                                         smtp_server):
    inbox = Inbox()
    port = smtp_server(inbox)
    store = AccountStore(ws)
    with pytest.raises(SecretStoreUnavailable):
        store.secrets.backend  # noqa: B018 - the keyring really is unusable here
    store.add("email-main", "Email main", "smtp", relay(port))

    assert store.secrets_present("email-main") == {"password": False, "imap_password": False}
    assert store.secret("email-main", "password") is None
    assert not store.needs_keyring("email-main")
    channels = store.open_channels()
    channel = channels["email-main"]
    assert isinstance(channel, SmtpChannel), channel
    assert channel.check().status == "sent"
    result = channel.send(_message())
    assert result.status == "sent", result.reason
    [(mail, rcpt)] = inbox.messages
    assert rcpt == ["ana@example.com"] and mail["Subject"] == "Hello Ana"
    assert "shop@example.com" in mail["From"]

    info = store.update("email-main", name="Shop mail", settings={"reply_to": "help@example.com"})
    assert info.name == "Shop mail" and info.settings["reply_to"] == "help@example.com"
    assert HELD_KEY not in info.settings and info.secrets_held == frozenset()
    store.remove("email-main")  # no keyring needed: it never had a secret
    assert store.list() == []


def test_a_webhook_without_secrets_opens_without_a_keyring(ws, no_keyring):
    store = AccountStore(ws)
    store.add("hook", "Shop hook", "webhook", {"url": "http://127.0.0.1:9/hook"})
    assert not isinstance(store.open_channels()["hook"], UnavailableChannel)
    with pytest.raises(SecretStoreUnavailable):  # giving it a secret still needs the keyring
        store.update("hook", secrets={"signing_secret": "whsec-1"})
    assert store.get("hook").secrets_held == frozenset()
    assert not isinstance(store.open_channels()["hook"], UnavailableChannel)


def test_only_accounts_that_hold_a_secret_need_the_keyring(ws, vault):
    store = AccountStore(ws)
    store.add("email-main", "Email main", "smtp", relay(2525))
    store.add("login", "With login", "smtp", {**relay(2526), "username": "shop"}, {"password": "Pa55-Mail!"})
    store.add("hook", "Signed hook", "webhook", {"url": "http://127.0.0.1:9/hook"}, {"signing_secret": "whsec-1"})
    assert store.get("login").secrets_held == frozenset({"password"})
    assert store.get("hook").secrets_held == frozenset({"signing_secret"})
    with ws._session() as s:
        rows = {r.id: r.settings for r in s.scalars(select(ChannelAccountRow))}
    # names only in the row, never a value
    assert rows["login"][HELD_KEY] == ["password"] and "Pa55-Mail!" not in str(rows)
    assert rows["email-main"][HELD_KEY] == []

    keyring.set_keyring(fail.Keyring())
    channels = AccountStore(ws).open_channels()  # a store checks its keyring once, on first use
    assert isinstance(channels["email-main"], SmtpChannel)
    for account in ("login", "hook"):
        unavailable = channels[account]
        assert isinstance(unavailable, UnavailableChannel) and unavailable.retryable
        assert f"channel account '{account}' cannot be opened" in unavailable.reason
        assert "keyring.backends.fail.Keyring" in unavailable.reason
        assert store.needs_keyring(account)
    keyring.set_keyring(vault)

    # a secret cleared is no longer held: the account then opens without the keyring too
    store.update("hook", clear_secrets=("signing_secret",))
    assert store.get("hook").secrets_held == frozenset() and vault.entries.keys() == {
        (SERVICE, "login/password")}
    keyring.set_keyring(fail.Keyring())
    assert not isinstance(AccountStore(ws).open_channels()["hook"], UnavailableChannel)
    keyring.set_keyring(vault)


def test_a_row_that_does_not_list_its_secrets_still_reads_them_from_the_keyring(ws, vault):
    store = AccountStore(ws)
    store.add("login", "With login", "smtp", {**relay(2526), "username": "shop"}, {"password": "Pa55-Mail!"})
    with ws._session(write=True) as s:  # as written before rows listed their secrets
        row = s.get(ChannelAccountRow, "login")
        row.settings = {k: v for k, v in row.settings.items() if k != HELD_KEY}
    assert store.get("login").secrets_held is None
    assert store.secrets_present("login") == {"password": True, "imap_password": False}
    assert isinstance(store.open_channel("login"), SmtpChannel)
    keyring.set_keyring(fail.Keyring())
    assert isinstance(AccountStore(ws).open_channels()["login"], UnavailableChannel)
    keyring.set_keyring(vault)
    assert store.update("login", settings={"port": 2527}).secrets_held == frozenset({"password"})


# -- journey-studio run ------------------------------------------------------------------------------

def run_once(db, env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(cli_command("run", "--once", "--workspace", str(db)), capture_output=True, text=True,
                          cwd=ROOT, env={**cli_env(), **env_extra}, timeout=120)


NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


def test_run_sends_through_a_relay_without_login_when_there_is_no_keyring(tmp_path, registry, smtp_server):
    inbox = Inbox()
    port = smtp_server(inbox)
    db = tmp_path / "workspace.db"
    build_workspace(db, registry)
    with Workspace.open(db) as ws:
        AccountStore(ws).add("email-main", "Email main", "smtp", relay(port))

    res = run_once(db, NO_KEYRING)
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr and "warning" not in res.stderr, res.stderr
    assert "1 message sent" in res.stdout
    [(mail, rcpt)] = inbox.messages
    assert rcpt == ["ana@example.com"] and mail["Subject"] == "Welcome Ana"
    with Workspace.open(db, read_only=True) as ws:
        [delivery] = RunStore(ws).deliveries(mode="live")
    assert delivery.status == "sent"


def test_run_warns_about_an_account_that_cannot_be_opened(tmp_path, registry, vault):
    db = tmp_path / "workspace.db"
    build_workspace(db, registry)
    with Workspace.open(db) as ws:
        AccountStore(ws).add("email-main", "Email main", "smtp", {**relay(2525), "username": "shop"},
                             {"password": "Pa55-Mail!"})

    res = run_once(db, NO_KEYRING)
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    warning = [line for line in res.stderr.splitlines() if "warning:" in line]
    assert len(warning) == 1, res.stderr
    assert "messages through channel 'email-main' are NOT delivered" in warning[0]
    assert "channel account 'email-main' cannot be opened" in warning[0]
    assert "keyring.backends.fail.Keyring" in warning[0]
    assert "tried again" in warning[0]
    assert "Pa55-Mail!" not in res.stderr + res.stdout
    with Workspace.open(db, read_only=True) as ws:
        [delivery] = RunStore(ws).deliveries(mode="live")
    assert delivery.status == "retrying" and "cannot be opened" in delivery.reason
