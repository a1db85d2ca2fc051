"""Channel accounts: rows with metadata only, secrets in the keyring, checks against the provider
catalogue, opening them as channels, and the ``journey-studio channels`` commands."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy import select

from engine.channels.accounts import HELD_KEY, AccountStore, UnavailableChannel
from engine.channels.base import Message
from engine.channels.kinds import KINDS
from engine.channels.ratelimit import RateLimited
from engine.channels.simulated import SimulatedChannel
from engine.channels.smtp import SmtpChannel
from engine.cli import main as cli
from engine.errors import ChannelAccountInvalid, NotFound, SecretStoreUnavailable
from engine.secrets import SERVICE
from engine.store.models import ChannelAccountRow
from engine.store.workspace import Workspace
from tests.conftest import Terminal


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace.open(tmp_path / "ws") as workspace:
        yield workspace


SMTP = {"host": "smtp.example.com", "port": "587", "security": "starttls", "username": "shop",
        "sender": "Corner Shop <news@shop.example>"}


def _message(key: str = "k-1") -> Message:
    return Message(key, "sim", "email", "c-1", "j-1", "n-1", "r-1", "ann@example.com", "Hi", "Hello")


def test_an_account_keeps_settings_in_the_row_and_secrets_in_the_keyring(ws, vault):
    store = AccountStore(ws)
    info = store.add("email-main", "Shop mail", "smtp", SMTP, {"password": "Pa55-Mail!"}, rate_per_minute=30)
    assert info.settings == {**SMTP, "port": 587}  # coerced to the field's type
    assert (info.kind, info.channel_kind, info.rate_per_minute, info.label) == ("smtp", "email", 30, "Email (SMTP)")
    assert vault.entries == {(SERVICE, "email-main/password"): "Pa55-Mail!"}
    with ws._session() as s:
        row = s.get(ChannelAccountRow, "email-main")
        assert "password" not in row.settings and "Pa55-Mail!" not in json.dumps(row.settings)
    assert store.get("email-main") == info
    assert [a.id for a in store.list()] == ["email-main"]
    assert store.secrets_present("email-main") == {"password": True, "imap_password": False}
    channel = store.open_channel("email-main")
    assert isinstance(channel, RateLimited) and channel.per_minute == 30
    assert isinstance(channel.channel, SmtpChannel)
    assert "Pa55-Mail!" not in repr(channel)


@pytest.mark.parametrize("kind, settings, secrets, field, message", [
    ("fax", {}, {}, None, "unknown channel kind 'fax'"),
    ("smtp", {**SMTP, "colour": "blue"}, {"password": "x"}, "colour", "is not a setting of Email (SMTP)"),
    ("smtp", {**SMTP, "password": "Pa55-Mail!"}, {}, "password", "kept in the system keyring"),
    ("smtp", SMTP, {"host": "x"}, "host", "is not a secret of Email (SMTP)"),
    ("smtp", {"sender": "a@b.c"}, {}, "Server", "is required"),
    ("smtp", {**SMTP, "port": "99999"}, {"password": "x"}, "Port", "between 1 and 65535"),
    ("smtp", SMTP, {}, None, "the password is missing"),
    ("twilio", {"account_sid": "AC1", "sender": "+15550001"}, {}, "Auth token", "is required"),
    ("webhook", {"url": "ftp://x"}, {}, "URL", "http://"),
])
def test_values_that_do_not_fit_the_kind_are_refused_and_nothing_is_stored(ws, vault, kind, settings, secrets,
                                                                             field, message):
    with pytest.raises(ChannelAccountInvalid) as caught:
        AccountStore(ws).add("acct", "Account", kind, settings, secrets)
    assert message in str(caught.value)
    if field is not None:
        assert caught.value.field == field
    assert "Pa55-Mail!" not in str(caught.value)
    assert AccountStore(ws).list() == [] and vault.entries == {}


def test_ids_names_and_rates_are_checked(ws, vault):
    store = AccountStore(ws)
    for bad in ("", "Email Main", "../x", "a/b", "x" * 65):
        with pytest.raises(ChannelAccountInvalid, match="not a valid account id"):
            store.add(bad, "Sim", "simulated")
    with pytest.raises(ChannelAccountInvalid, match="name of 1 to 200"):
        store.add("sim", "  ", "simulated")
    with pytest.raises(ChannelAccountInvalid, match="send rate"):
        store.add("sim", "Sim", "simulated", rate_per_minute=-1)
    store.add("sim", "Sim", "simulated")
    with pytest.raises(ChannelAccountInvalid, match="exists already"):
        store.add("sim", "Other", "simulated")
    with pytest.raises(ChannelAccountInvalid, match="called 'Sim' already"):
        store.add("sim-2", "Sim", "simulated")
    with pytest.raises(NotFound, match="no channel account 'nope'"):
        store.get("nope")


def test_a_refused_keyring_stores_nothing_but_accounts_without_secrets_work(ws):
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        store = AccountStore(ws)
        with pytest.raises(SecretStoreUnavailable, match="no keyring backend"):
            store.add("email-main", "Shop mail", "smtp", SMTP, {"password": "Pa55-Mail!"})
        assert store.list() == []
        store.add("sim", "Simulated", "simulated", {"failure_percent": "0"})
        channel = store.open_channel("sim")
        assert channel.send(_message()).status == "sent"
        assert store.secrets_present("sim") == {}
    finally:
        keyring.set_keyring(previous)


def test_update_merges_settings_and_replaces_or_clears_secrets(ws, vault):
    store = AccountStore(ws)
    store.add("email-main", "Shop mail", "smtp", SMTP, {"password": "old"})
    info = store.update("email-main", name="Newsletter", settings={"port": 465, "security": "tls",
                                                                   "reply_to": "help@shop.example"},
                        secrets={"password": "new"}, rate_per_minute=5)
    assert info.name == "Newsletter" and info.rate_per_minute == 5
    assert info.settings["port"] == 465 and info.settings["reply_to"] == "help@shop.example"
    assert vault.entries[(SERVICE, "email-main/password")] == "new"
    info = store.update("email-main", settings={"reply_to": None})
    assert "reply_to" not in info.settings
    with pytest.raises(ChannelAccountInvalid, match="the password is missing"):
        store.update("email-main", clear_secrets=("password",))
    assert vault.entries[(SERVICE, "email-main/password")] == "new"  # a refused change changes nothing
    store.update("email-main", settings={"username": None}, clear_secrets=("password",))
    assert vault.entries == {}
    with pytest.raises(ChannelAccountInvalid, match="kept in the system keyring"):
        store.update("email-main", settings={"password": "x"})


def test_remove_deletes_the_row_and_the_keyring_entries(ws, vault):
    store = AccountStore(ws)
    store.add("email-main", "Shop mail", "smtp", {**SMTP, "imap_host": "imap.example.com"},
              {"password": "p", "imap_password": "q"})
    store.add("sms", "Texts", "twilio", {"account_sid": "AC1", "sender": "+15550001"}, {"auth_token": "t"})
    assert len(vault.entries) == 3
    store.remove("email-main")
    assert [a.id for a in store.list()] == ["sms"]
    assert vault.entries == {(SERVICE, "sms/auth_token"): "t"}


def test_open_channels_stands_in_for_an_account_that_cannot_be_opened(ws, vault):
    store = AccountStore(ws)
    store.add("sim", "Simulated", "simulated")
    store.add("sms", "Texts", "twilio", {"account_sid": "AC1", "sender": "+15550001"}, {"auth_token": "t"})
    del vault.entries[(SERVICE, "sms/auth_token")]  # removed from the keyring behind the app's back
    channels = store.open_channels()
    assert isinstance(channels["sim"], SimulatedChannel)
    broken = channels["sms"]
    assert isinstance(broken, UnavailableChannel)
    result = broken.send(_message())
    assert result.status == "failed" and not result.retryable
    assert "channel account 'sms' cannot be opened" in result.reason and "Auth token" in result.reason
    assert broken.check().status == "failed"


def test_unsubscribe_mailbox_settings_belong_to_smtp_accounts(ws, vault):
    store = AccountStore(ws)
    names = [f.name for f in store.fields("smtp")]
    assert names[:len(KINDS["smtp"].fields)] == [f.name for f in KINDS["smtp"].fields]
    assert "imap_host" in names and "imap_password" in store.secret_fields("smtp")
    info = store.add("email-main", "Shop mail", "smtp", {**SMTP, "imap_host": "imap.example.com",
                                                         "imap_port": "143", "imap_security": "starttls"},
                     {"password": "p"})
    assert info.settings["imap_port"] == 143
    with pytest.raises(ChannelAccountInvalid, match="must be one of tls, starttls, none"):
        store.update("email-main", settings={"imap_security": "maybe"})
    with pytest.raises(ChannelAccountInvalid, match="is not a setting of Texts|is not a setting of SMS"):
        store.add("sms", "Texts", "twilio", {"account_sid": "AC1", "sender": "+1555", "imap_host": "x"},
                  {"auth_token": "t"})


# ---------------------------------------------------------------------------------------------
# The commands
# ---------------------------------------------------------------------------------------------


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_channels_add_reads_secrets_from_standard_input_never_from_arguments(tmp_path, vault, capsys, monkeypatch):
    where = ["--workspace", str(tmp_path / "ws")]
    setting_args = ["--set", "host=127.0.0.1", "--set", "port=2525", "--set", "security=none",
                    "--set", "username=shop", "--set", "sender=news@shop.example"]

    code, out, err = _run(capsys, "channels", "add", "mail", "--kind", "smtp", "--name", "Mail", *setting_args,
                          "--set", "password=Cmd-Line-Pa55", *where)
    assert code == 1
    assert "is a secret and is never taken from the command line" in err
    assert "Cmd-Line-Pa55" not in out + err
    assert vault.entries == {}

    monkeypatch.setattr("sys.stdin", io.StringIO("# the mail password\npassword=Std-In-Pa55\n"))
    code, out, err = _run(capsys, "channels", "add", "mail", "--kind", "smtp", "--name", "Mail", *setting_args,
                          "--rate", "12", *where)
    assert code == 0, err
    assert "added Email (SMTP) account 'mail' (Mail); 1 secret in the system keyring" in out
    assert vault.entries == {(SERVICE, "mail/password"): "Std-In-Pa55"}

    monkeypatch.setattr("sys.stdin", io.StringIO("colour=blue\n"))
    code, out, err = _run(capsys, "channels", "add", "hook", "--kind", "webhook", "--name", "Hook",
                          "--set", "url=https://shop.example/hook", *where)
    assert code == 1 and "names 'colour', which is not a secret" in err

    code, out, err = _run(capsys, "channels", "list", "--json", *where)
    assert code == 0
    (row,) = json.loads(out)
    assert row["id"] == "mail" and row["rate_per_minute"] == 12 and row["settings"]["port"] == 2525
    assert row["secrets"] == {"password": True, "imap_password": False}
    assert "Std-In-Pa55" not in out

    code, out, err = _run(capsys, "channels", "list", *where)
    assert "mail  Mail  (Email (SMTP), 12/min)" in out and "password set" in out and "Std-In-Pa55" not in out


def test_channels_add_asks_at_a_hidden_prompt_on_a_terminal(tmp_path, vault, capsys, monkeypatch):
    asked: list[str] = []

    def fake_getpass(prompt: str) -> str:
        asked.append(prompt)
        return {"Signing secret (leave empty to skip): ": "Sign-Pa55"}.get(prompt, "")

    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr("getpass.getpass", fake_getpass)
    code, out, err = _run(capsys, "channels", "add", "hook", "--kind", "webhook", "--name", "Hook",
                          "--set", "url=https://shop.example/hook", "--workspace", str(tmp_path / "ws"))
    assert code == 0, err
    assert asked == ["Signing secret (leave empty to skip): ", "Authorization header (leave empty to skip): "]
    assert vault.entries == {(SERVICE, "hook/signing_secret"): "Sign-Pa55"}
    assert "Sign-Pa55" not in out + err


def test_channels_test_and_remove(tmp_path, vault, capsys, monkeypatch):
    where = ["--workspace", str(tmp_path / "ws")]
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert _run(capsys, "channels", "add", "sim", "--kind", "simulated", "--name", "Sim", *where)[0] == 0
    code, out, _ = _run(capsys, "channels", "test", "sim", *where)
    assert code == 0 and out.startswith("sim: ok")

    # A mail server that is not there: the test fails with the reason, and the password is not in it.
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr("sys.stdin", io.StringIO("password=Gone-Pa55\n"))
    assert _run(capsys, "channels", "add", "mail", "--kind", "smtp", "--name", "Mail", "--set", "host=127.0.0.1",
                "--set", f"port={port}", "--set", "security=none", "--set", "username=u",
                "--set", "sender=a@shop.example", *where)[0] == 0
    code, out, err = _run(capsys, "channels", "test", "mail", *where)
    assert code == 1 and out.startswith("mail: failed") and "127.0.0.1" in out
    assert "Gone-Pa55" not in out + err

    code, out, _ = _run(capsys, "channels", "remove", "mail", *where)
    assert code == 0 and "removed account 'mail' (Mail)" in out
    assert vault.entries == {}
    code, _, err = _run(capsys, "channels", "test", "mail", *where)
    assert code == 1 and "no channel account 'mail'" in err


def test_channels_kinds_lists_the_fields(capsys):
    code, out, _ = _run(capsys, "channels", "kinds", "smtp")
    assert code == 0
    assert "password" in out and "asked for, never --set" in out and "imap_host" in out
    code, out, _ = _run(capsys, "channels", "kinds", "--json")
    assert {k["kind"] for k in json.loads(out)} == set(KINDS)


def test_settings_in_the_database_are_plain_json(ws, vault):
    AccountStore(ws).add("email-main", "Shop mail", "smtp", SMTP, {"password": "Pa55-Mail!"})
    with ws._session() as s:
        stored = s.scalars(select(ChannelAccountRow.settings)).one()
    assert stored == {**SMTP, "port": 587, HELD_KEY: ["password"]}


def test_remove_without_a_keyring_needs_force(tmp_path, vault, capsys, monkeypatch):
    from keyring.backends import fail

    where = ["--workspace", str(tmp_path / "ws")]
    monkeypatch.setattr("sys.stdin", io.StringIO("signing_secret=whsec-1\n"))
    assert _run(capsys, "channels", "add", "hook", "--kind", "webhook", "--name", "Hook",
                "--set", "url=http://127.0.0.1:9/hook", *where)[0] == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert _run(capsys, "channels", "add", "relay", "--kind", "smtp", "--name", "Relay", "--set", "host=127.0.0.1",
                "--set", "security=none", "--set", "sender=shop@example.com", *where)[0] == 0
    keyring.set_keyring(fail.Keyring())
    # one without a secret goes without the keyring
    code, out, _ = _run(capsys, "channels", "remove", "relay", *where)
    assert code == 0 and "removed account 'relay' (Relay)" in out
    code, _, err = _run(capsys, "channels", "remove", "hook", *where)
    assert code == 1 and "'channels remove hook --force'" in err and "Traceback" not in err
    code, out, _ = _run(capsys, "channels", "remove", "hook", "--force", *where)
    assert code == 0 and "removed account 'hook' (Hook)" in out and "still there" in out
    code, out, _ = _run(capsys, "channels", "list", *where)
    assert "hook" not in out
