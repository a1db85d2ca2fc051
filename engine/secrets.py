"""Secrets of channel accounts (passwords, API tokens, signing keys), kept in the OS keyring only.

Every secret is one keyring entry: service :data:`SERVICE` (``journey-studio``), user name
``<account id>/<field>`` (:func:`entry_name`). Nothing here writes a secret anywhere else, and no
message, log line or exception raised here contains one.

A keyring backend that cannot keep a secret safely is refused with
:class:`~engine.errors.SecretStoreUnavailable`, whose message says what to install:

- keyring's ``fail`` backend (no backend found) and ``null`` backend (reports success, stores
  nothing) are always refused: allowing them would lose every secret;
- the file backends that store secrets readable by anyone who can read the file (``keyrings.alt``'s
  ``PlaintextKeyring`` and every other class called ``PlaintextKeyring``) and ``keyrings.alt``'s
  ``EncryptedKeyring`` classes (they ask for their file's password at a terminal prompt, which the app
  cannot answer) are refused unless the user allows them explicitly, with
  ``JOURNEY_STUDIO_ALLOW_INSECURE_KEYRING=1`` or ``SecretStore(allow_insecure=True)``; then an
  :class:`InsecureKeyringWarning` is issued (printed on standard error by default) and logged.

A backend this module does not know is trusted, but each stored secret is read back once: one that
"accepts" a secret and then does not return it is refused like the ``null`` backend.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from collections.abc import Iterable, Mapping

import keyring
from keyring.backend import KeyringBackend
from keyring.compat import properties
from keyring.errors import PasswordDeleteError

from engine.errors import SecretStoreUnavailable

#: The keyring service every Journey Studio entry is filed under.
SERVICE = "journey-studio"
#: Set to ``1`` to allow a keyring backend that keeps secrets in a plain file.
ALLOW_INSECURE_ENV = "JOURNEY_STUDIO_ALLOW_INSECURE_KEYRING"

log = logging.getLogger(__name__)

#: (module, class name) of backends that can never keep a secret.
_USELESS = {
    ("keyring.backends.fail", "Keyring"): "no keyring backend is available",
    ("keyring.backends.null", "Keyring"): "it is the 'null' keyring, which reports success and stores nothing",
}
#: (module, class name) of backends refused unless allowed, besides every ``PlaintextKeyring``.
_PROMPTING_REASON = ("it keeps secrets in a file whose password it asks for at a terminal prompt, which the "
                     "app cannot answer")
_INSECURE = {
    ("keyrings.alt.file", "EncryptedKeyring"): _PROMPTING_REASON,
    ("keyrings.alt.pyfs", "EncryptedKeyring"): _PROMPTING_REASON,
}
_PLAINTEXT_REASON = "it keeps secrets in a plain-text file that anyone who can read the file can read"


class MemoryKeyring(KeyringBackend):
    """Secrets in a dictionary, gone when the process ends: for screenshots, demos and tests, which
    must never touch the user's real keyring. Never chosen by keyring's own detection; pass it to
    :class:`SecretStore` or ``keyring.set_keyring`` on purpose."""

    @properties.classproperty
    def priority(cls) -> float:  # type: ignore[override]
        raise RuntimeError("the memory keyring is only used when handed over explicitly")

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("no such entry")


class InsecureKeyringWarning(UserWarning):
    """The user allowed a keyring backend that keeps secrets in a file."""


def entry_name(account_id: str, field: str) -> str:
    """The keyring user name of one secret field of one account."""
    if not account_id or not isinstance(account_id, str):
        raise ValueError("an account id is needed to name a secret")
    if not field or not isinstance(field, str) or "/" in field:
        raise ValueError(f"'{field}' is not a valid secret field name")
    return f"{account_id}/{field}"


def _install_hint() -> str:
    if sys.platform == "darwin":
        return ("On macOS the login Keychain is used; make sure it is unlocked and that nothing "
                "(PYTHON_KEYRING_BACKEND, a keyringrc.cfg file) selects another backend.")
    if sys.platform.startswith("win"):
        return ("On Windows the Windows Credential Locker is used; make sure nothing "
                "(PYTHON_KEYRING_BACKEND, a keyringrc.cfg file) selects another backend.")
    return ("Install and start a Secret Service provider: GNOME Keyring (package 'gnome-keyring'), "
            "KWallet (package 'kwalletmanager', Secret Service enabled) or KeePassXC with its Secret "
            "Service integration. A desktop session starts it for you; without one, run the app inside "
            "'dbus-run-session' after 'gnome-keyring-daemon --unlock'.")


def _qualified(backend: KeyringBackend) -> tuple[str, str]:
    cls = type(backend)
    return cls.__module__, cls.__name__


def describe_backend(backend: KeyringBackend) -> str:
    """A readable name of a keyring backend, for messages (``SecretService Keyring``)."""
    module, name = _qualified(backend)
    return f"{module}.{name}"


def _storing_backend(backend: KeyringBackend) -> KeyringBackend | None:
    """The backend that would store a secret: the first of a chain, or ``backend`` itself."""
    from keyring.backends.chainer import ChainerBackend

    if isinstance(backend, ChainerBackend):
        chained = list(backend.backends)
        return chained[0] if chained else None
    return backend


def _refusal(backend: KeyringBackend) -> tuple[str, bool] | None:
    """``(reason, may be allowed)`` when ``backend`` must not keep secrets, else ``None``."""
    key = _qualified(backend)
    if key in _USELESS:
        return _USELESS[key], False
    if key in _INSECURE:
        return _INSECURE[key], True
    if key[1].lower() == "plaintextkeyring":
        return _PLAINTEXT_REASON, True
    return None


def _allowed_by_env() -> bool:
    return os.environ.get(ALLOW_INSECURE_ENV, "").strip().lower() in ("1", "true", "yes")


def check_backend(backend: KeyringBackend | None = None, *,
                  allow_insecure: bool | None = None) -> KeyringBackend:
    """``backend`` (default: keyring's current one) if it may keep secrets; otherwise
    :class:`SecretStoreUnavailable` saying why and what to install.

    ``allow_insecure`` ``None`` reads :data:`ALLOW_INSECURE_ENV`.
    """
    if backend is None:
        try:
            backend = keyring.get_keyring()
        except Exception as exc:  # a broken keyringrc.cfg or backend module
            raise SecretStoreUnavailable(f"the OS keyring cannot be loaded ({type(exc).__name__}: {exc}). "
                                         f"{_install_hint()}") from None
    storing = _storing_backend(backend)
    if storing is None:
        raise SecretStoreUnavailable(f"no keyring backend is available, so passwords and tokens cannot be "
                                     f"kept (they are never written to a file instead). {_install_hint()}")
    refused = _refusal(storing)
    if refused is None:
        return backend
    reason, may_allow = refused
    name = describe_backend(storing)
    if not may_allow:
        raise SecretStoreUnavailable(f"the keyring backend '{name}' cannot be used: {reason}, so passwords "
                                     f"and tokens cannot be kept (they are never written to a file "
                                     f"instead). {_install_hint()}")
    allowed = _allowed_by_env() if allow_insecure is None else allow_insecure
    if not allowed:
        raise SecretStoreUnavailable(f"the keyring backend '{name}' is refused: {reason}. {_install_hint()} "
                                     f"To use it anyway, set {ALLOW_INSECURE_ENV}=1.")
    text = (f"using the keyring backend '{name}' because it was explicitly allowed, although {reason}; "
            "channel passwords and tokens are not protected")
    log.warning(text)
    warnings.warn(text, InsecureKeyringWarning, stacklevel=2)
    return backend


def _scrub(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


class SecretStore:
    """Secrets of channel accounts in the OS keyring; the backend is checked on first use.

    ``backend`` defaults to keyring's current backend (tests pass one, or set it with
    ``keyring.set_keyring``); ``allow_insecure`` ``None`` reads :data:`ALLOW_INSECURE_ENV`.
    """

    def __init__(self, backend: KeyringBackend | None = None, *, allow_insecure: bool | None = None):
        self._given = backend
        self._allow_insecure = allow_insecure
        self._checked: KeyringBackend | None = None

    @property
    def backend(self) -> KeyringBackend:
        """The checked backend; raises :class:`SecretStoreUnavailable` if it must not be used."""
        if self._checked is None:
            self._checked = check_backend(self._given, allow_insecure=self._allow_insecure)
        return self._checked

    def _fail(self, what: str, exc: BaseException, secrets: Iterable[str] = ()) -> SecretStoreUnavailable:
        detail = _scrub(str(exc), secrets) or type(exc).__name__
        return SecretStoreUnavailable(f"the keyring '{describe_backend(self.backend)}' failed to {what} "
                                      f"({type(exc).__name__}: {detail}). {_install_hint()}")

    def get(self, account_id: str, field: str) -> str | None:
        """The secret, or ``None`` when none is stored."""
        name = entry_name(account_id, field)
        backend = self.backend
        try:
            return backend.get_password(SERVICE, name)
        except Exception as exc:
            raise self._fail(f"read the secret '{field}' of channel account '{account_id}'", exc) from None

    def get_many(self, account_id: str, fields: Iterable[str]) -> dict[str, str]:
        """The stored secrets among ``fields`` (absent ones left out)."""
        found: dict[str, str] = {}
        for field in fields:
            value = self.get(account_id, field)
            if value is not None:
                found[field] = value
        return found

    def set(self, account_id: str, field: str, value: str) -> None:
        """Store (or replace) a secret, then read it back: a backend that does not keep it is refused."""
        if not isinstance(value, str) or value == "":
            raise ValueError(f"the secret '{field}' must be non-empty text")
        name = entry_name(account_id, field)
        backend = self.backend
        try:
            backend.set_password(SERVICE, name, value)
            kept = backend.get_password(SERVICE, name)
        except Exception as exc:
            raise self._fail(f"store the secret '{field}' of channel account '{account_id}'", exc,
                             [value]) from None
        if kept != value:
            raise SecretStoreUnavailable(
                f"the keyring '{describe_backend(backend)}' accepted the secret '{field}' of channel account "
                f"'{account_id}' but does not give it back, so it cannot keep secrets. {_install_hint()}")

    def set_many(self, account_id: str, values: Mapping[str, str]) -> None:
        for field, value in values.items():
            self.set(account_id, field, value)

    def delete(self, account_id: str, field: str) -> None:
        """Remove a secret; removing one that is not there is not an error."""
        name = entry_name(account_id, field)
        backend = self.backend
        try:
            if backend.get_password(SERVICE, name) is None:
                return
            backend.delete_password(SERVICE, name)
        except PasswordDeleteError:
            return
        except Exception as exc:
            raise self._fail(f"remove the secret '{field}' of channel account '{account_id}'", exc) from None

    def delete_account(self, account_id: str, fields: Iterable[str]) -> None:
        for field in fields:
            self.delete(account_id, field)


__all__ = [
    "ALLOW_INSECURE_ENV",
    "MemoryKeyring",
    "SERVICE",
    "InsecureKeyringWarning",
    "SecretStore",
    "check_backend",
    "describe_backend",
    "entry_name",
]
