"""Secrets in the OS keyring: entries per account and field, refused backends, no secret in messages,
and (where gnome-keyring and D-Bus are installed) a round trip through the real Secret Service."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail, null
from keyring.backends.chainer import ChainerBackend
from keyring.errors import PasswordSetError

from engine.errors import SecretStoreUnavailable
from engine.secrets import (
    ALLOW_INSECURE_ENV,
    SERVICE,
    InsecureKeyringWarning,
    MemoryKeyring,
    SecretStore,
    check_backend,
    entry_name,
)


class PlaintextKeyring(MemoryKeyring):
    """Named like keyrings.alt's backend that keeps secrets in a plain file."""


class ForgetfulKeyring(MemoryKeyring):
    """Accepts every secret and keeps none, like the null backend under another name."""

    def set_password(self, service: str, username: str, password: str) -> None:
        pass


class LeakyKeyring(MemoryKeyring):
    """Fails with the secret in its error message."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError(f"cannot store {password!r} for {username}")


@pytest.fixture
def use_keyring():
    """``use_keyring(backend)`` makes ``backend`` keyring's current one until the test ends."""
    previous = keyring.get_keyring()
    yield keyring.set_keyring
    keyring.set_keyring(previous)


def test_one_entry_per_account_and_field_under_the_journey_studio_service(memory_keyring):
    store = SecretStore()
    store.set("email-main", "password", "pa55-word")
    store.set("email-main", "imap_password", "other")
    store.set("sms", "auth_token", "tok")
    assert memory_keyring.entries == {
        (SERVICE, "email-main/password"): "pa55-word",
        (SERVICE, "email-main/imap_password"): "other",
        (SERVICE, "sms/auth_token"): "tok",
    }
    assert SERVICE == "journey-studio"
    assert store.get("email-main", "password") == "pa55-word"
    assert store.get("email-main", "missing") is None
    assert store.get_many("email-main", ["password", "missing"]) == {"password": "pa55-word"}
    store.set("email-main", "password", "changed")
    assert store.get("email-main", "password") == "changed"
    store.delete("email-main", "password")
    store.delete("email-main", "password")  # already gone: not an error
    store.delete_account("email-main", ["imap_password", "never-set"])
    assert memory_keyring.entries == {(SERVICE, "sms/auth_token"): "tok"}


def test_entry_names_are_checked():
    assert entry_name("a", "password") == "a/password"
    for account, field in (("", "password"), ("a", ""), ("a", "x/y")):
        with pytest.raises(ValueError):
            entry_name(account, field)
    with pytest.raises(ValueError, match="non-empty"):
        SecretStore(MemoryKeyring()).set("a", "password", "")


def test_the_fail_backend_is_refused_with_what_to_install(use_keyring):
    use_keyring(fail.Keyring())
    with pytest.raises(SecretStoreUnavailable) as caught:
        SecretStore().get("email-main", "password")
    message = str(caught.value)
    assert "no keyring backend is available" in message
    assert "never written to a file" in message
    if sys.platform.startswith("linux"):
        assert "gnome-keyring" in message and "KWallet" in message


def test_the_null_backend_is_refused_even_when_insecure_backends_are_allowed(use_keyring, monkeypatch):
    monkeypatch.setenv(ALLOW_INSECURE_ENV, "1")
    use_keyring(null.Keyring())
    with pytest.raises(SecretStoreUnavailable, match="stores nothing"):
        SecretStore().set("email-main", "password", "pa55-word")
    with pytest.raises(SecretStoreUnavailable, match="stores nothing"):
        SecretStore(allow_insecure=True).get("email-main", "password")


def test_a_plaintext_file_backend_is_refused_unless_explicitly_allowed(monkeypatch):
    monkeypatch.delenv(ALLOW_INSECURE_ENV, raising=False)
    backend = PlaintextKeyring()
    with pytest.raises(SecretStoreUnavailable) as caught:
        SecretStore(backend).set("a", "password", "pa55-word")
    assert "plain-text file" in str(caught.value)
    assert ALLOW_INSECURE_ENV in str(caught.value)
    assert backend.entries == {}

    monkeypatch.setenv(ALLOW_INSECURE_ENV, "1")
    with pytest.warns(InsecureKeyringWarning, match="explicitly allowed"):
        store = SecretStore(backend)
        store.set("a", "password", "pa55-word")
    assert store.get("a", "password") == "pa55-word"

    # The parameter wins over the environment, both ways.
    with pytest.raises(SecretStoreUnavailable):
        SecretStore(backend, allow_insecure=False).get("a", "password")
    monkeypatch.delenv(ALLOW_INSECURE_ENV)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        assert SecretStore(backend, allow_insecure=True).get("a", "password") == "pa55-word"
    assert any(issubclass(w.category, InsecureKeyringWarning) for w in seen)


def test_a_chain_is_judged_by_the_backend_that_stores(monkeypatch):
    monkeypatch.delenv(ALLOW_INSECURE_ENV, raising=False)
    monkeypatch.setattr(ChainerBackend, "backends", [PlaintextKeyring(), MemoryKeyring()])
    with pytest.raises(SecretStoreUnavailable, match="PlaintextKeyring"):
        check_backend(ChainerBackend())
    good = MemoryKeyring()
    monkeypatch.setattr(ChainerBackend, "backends", [good, PlaintextKeyring()])
    chain = ChainerBackend()
    assert check_backend(chain) is chain
    monkeypatch.setattr(ChainerBackend, "backends", [])
    with pytest.raises(SecretStoreUnavailable, match="no keyring backend"):
        check_backend(ChainerBackend())


def test_a_backend_that_does_not_keep_a_secret_is_refused():
    with pytest.raises(SecretStoreUnavailable, match="does not give it back"):
        SecretStore(ForgetfulKeyring()).set("a", "password", "pa55-word")


def test_keyring_failures_never_show_the_secret():
    with pytest.raises(SecretStoreUnavailable) as caught:
        SecretStore(LeakyKeyring()).set("a", "password", "Sup3r-Secr3t")
    assert "Sup3r-Secr3t" not in str(caught.value)
    assert "***" in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


# ---------------------------------------------------------------------------------------------
# The real Secret Service (gnome-keyring on a private D-Bus session)
# ---------------------------------------------------------------------------------------------


def _name_has_owner(address: str, name: str) -> bool:
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    bus = DBusAddress("/org/freedesktop/DBus", bus_name="org.freedesktop.DBus", interface="org.freedesktop.DBus")
    with closing(open_dbus_connection(address)) as conn:
        reply = conn.send_and_get_reply(new_method_call(bus, "NameHasOwner", "s", (name,)))
    return bool(reply.body[0])


@pytest.fixture
def secret_service(tmp_path: Path, monkeypatch) -> Iterator[str]:
    """A private D-Bus session with an unlocked gnome-keyring; yields the bus address."""
    for program in ("dbus-daemon", "gnome-keyring-daemon"):
        if shutil.which(program) is None:
            pytest.skip(f"{program} is not installed (apt-get install gnome-keyring dbus-x11)")
    pytest.importorskip("secretstorage")
    home = tmp_path / "home"
    runtime = tmp_path / "run"
    for folder in (home, runtime):
        folder.mkdir(mode=0o700)
    # The bus gets the private home too: if it ever activates a keyring itself, that one uses it.
    env = dict(os.environ, HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"),
               XDG_CACHE_HOME=str(home / "cache"), XDG_RUNTIME_DIR=str(runtime))
    bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    keyring_daemon = None
    try:
        address = bus.stdout.readline().strip() if bus.stdout else ""
        if not address:
            pytest.skip("dbus-daemon did not start a session bus here")
        env["DBUS_SESSION_BUS_ADDRESS"] = address
        keyring_daemon = subprocess.Popen(
            ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"], env=env,
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert keyring_daemon.stdin is not None
        keyring_daemon.stdin.write(b"login-keyring-password")
        keyring_daemon.stdin.close()
        deadline = time.monotonic() + 30
        while not _name_has_owner(address, "org.freedesktop.secrets"):
            if keyring_daemon.poll() is not None or time.monotonic() > deadline:
                pytest.skip("gnome-keyring-daemon did not come up on the private D-Bus session")
            time.sleep(0.05)
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        yield address
    finally:
        for process in (keyring_daemon, bus):
            if process is not None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def test_a_secret_goes_through_the_real_secret_service(secret_service):
    from keyring.backends import SecretService

    backend = SecretService.Keyring()
    store = SecretStore(backend)
    assert check_backend(backend) is backend
    store.set("email-main", "password", "real-keyring-pa55")
    assert store.get("email-main", "password") == "real-keyring-pa55"
    # A second backend object reads it from the daemon, not from anything kept in this process.
    assert SecretService.Keyring().get_password(SERVICE, "email-main/password") == "real-keyring-pa55"
    store.delete("email-main", "password")
    assert store.get("email-main", "password") is None
