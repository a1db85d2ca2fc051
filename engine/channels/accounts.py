"""Channel accounts: the ``channel_accounts`` rows (metadata only) and their secrets in the OS keyring.

:class:`AccountStore` adds, changes, lists and removes accounts and opens them as channels. An
account has an id the user chose (a slug such as ``email-main``: Send nodes refer to it), a unique
name, a provider kind from :data:`engine.channels.kinds.KINDS`, its settings and a send rate limit.
Values are checked against the kind's fields before anything is written: unknown fields are refused,
and so is a secret given as a setting. Secrets (fields of type ``secret``) go to the keyring
(:mod:`engine.secrets`, one entry per account and field) and never to the database. The row lists
the *names* of the secrets the keyring holds for the account (:data:`HELD_KEY`), so an account that
holds none (the simulated one, an SMTP relay without a login, a webhook without signing) is opened,
changed and removed without touching the keyring: it works on a machine without a usable keyring.
Rows written before that list existed have their secrets looked up in the keyring.

SMTP accounts also carry the settings of their unsubscribe mailbox (:data:`EXTRA_FIELDS`, read by
:mod:`engine.channels.imap`).
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engine.channels.base import Channel, ChannelResult, Message
from engine.channels.imap import IMAP_FIELDS
from engine.channels.kinds import KINDS, ChannelKind, Field, kind, open_channel, resolve
from engine.errors import ChannelAccountInvalid, NotFound, SecretStoreUnavailable, WorkspaceError
from engine.secrets import SecretStore
from engine.store.models import ChannelAccountRow, DeliveryRow, utcnow

if TYPE_CHECKING:
    from engine.store.workspace import Workspace

#: What an account id looks like: it names keyring entries (``<id>/<field>``) and appears in journeys.
ACCOUNT_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
MAX_NAME_LENGTH = 200
#: Fields an account of a kind has besides the kind's own.
EXTRA_FIELDS: dict[str, tuple[Field, ...]] = {"smtp": IMAP_FIELDS}
#: Delivery statuses :meth:`AccountStore.last_errors` reports.
ERROR_STATUSES = ("failed", "ambiguous")
#: Key of a row's stored settings listing which secret fields the keyring holds (names, never values);
#: no field name starts with ``_``, so it cannot clash with a setting.
HELD_KEY = "_secrets_held"


@dataclass(frozen=True)
class AccountInfo:
    """A channel account as stored: never a secret."""

    id: str
    name: str
    kind: str
    settings: dict[str, Any]
    rate_per_minute: int
    created_at: datetime
    updated_at: datetime
    #: Names of the secret fields the keyring holds; ``None`` for a row that does not say (ask the keyring).
    secrets_held: frozenset[str] | None = None

    @property
    def channel_kind(self) -> str:
        """``email``, ``sms``, ``webhook``, ``chat``, or ``any`` (simulated)."""
        found = KINDS.get(self.kind)
        return found.channel_kind if found is not None else ""

    @property
    def label(self) -> str:
        found = KINDS.get(self.kind)
        return found.label if found is not None else self.kind


@dataclass(frozen=True)
class DeliveryError:
    """A delivery through an account that failed or whose outcome is unknown."""

    delivery_id: str
    status: str
    reason: str
    provider_code: str | None
    at: datetime
    customer_id: str
    attempts: int


class UnavailableChannel:
    """Stands in for an account that cannot be opened (a secret missing from the keyring, no keyring,
    settings this version refuses): every send fails with the reason, so the outbox says why."""

    def __init__(self, account: str, reason: str, retryable: bool):
        self.account = account
        self.reason = reason
        self.retryable = retryable

    def __repr__(self) -> str:
        return f"UnavailableChannel({self.account!r})"

    def send(self, message: Message) -> ChannelResult:
        return ChannelResult("failed", reason=self.reason, retryable=self.retryable)

    def check(self) -> ChannelResult:
        return ChannelResult("failed", reason=self.reason, retryable=self.retryable)


def _info(row: ChannelAccountRow) -> AccountInfo:
    settings = dict(row.settings)
    listed = settings.pop(HELD_KEY, None)
    held = frozenset(n for n in listed if isinstance(n, str)) if isinstance(listed, list) else None
    return AccountInfo(row.id, row.name, row.kind, settings, row.rate_per_minute, row.created_at,
                       row.updated_at, held)


class AccountStore:
    """Channel accounts of one workspace; secrets through ``secrets`` (the OS keyring by default)."""

    def __init__(self, ws: Workspace, secrets: SecretStore | None = None):
        self.ws = ws
        self.secrets = secrets or SecretStore()

    # -- fields --------------------------------------------------------------------------------
    @staticmethod
    def kind(key: str) -> ChannelKind:
        return kind(key)

    @staticmethod
    def fields(kind_key: str) -> tuple[Field, ...]:
        """Every field an account of ``kind_key`` has: the provider's, then the extra ones."""
        return kind(kind_key).fields + EXTRA_FIELDS.get(kind_key, ())

    @classmethod
    def secret_fields(cls, kind_key: str) -> tuple[str, ...]:
        return tuple(f.name for f in cls.fields(kind_key) if f.secret)

    @classmethod
    def _held(cls, info: AccountInfo) -> tuple[str, ...]:
        """The secret fields of ``info`` that may be in the keyring: those its row lists, or all of
        them for a row that lists none. Empty means the keyring has nothing to give."""
        names = cls.secret_fields(info.kind)
        if info.secrets_held is None:
            return names
        return tuple(n for n in names if n in info.secrets_held)

    @classmethod
    def _row_settings(cls, kind_key: str, settings: dict[str, Any], held: Iterable[str]) -> dict[str, Any]:
        """What the row stores: the settings and, for a kind with secrets, the names of those held."""
        if not cls.secret_fields(kind_key):
            return settings
        return {**settings, HELD_KEY: sorted(set(held))}

    def needs_keyring(self, account_id: str) -> bool:
        """Whether opening the account reads the keyring (it holds a secret, or its row does not say)."""
        return bool(self._held(self.get(account_id)))

    # -- checking ------------------------------------------------------------------------------
    def _check(self, account_id: str, kind_key: str, settings: Mapping[str, Any],
               secrets: Mapping[str, str]) -> dict[str, Any]:
        """The settings to store (coerced), after checking settings and secrets against the kind and
        building the channel once (which checks what the provider needs); raises
        :class:`ChannelAccountInvalid`."""
        provider = kind(kind_key)
        fields = {f.name: f for f in self.fields(kind_key)}
        for name in settings:
            f = fields.get(name)
            if f is None:
                raise ChannelAccountInvalid(f"is not a setting of {provider.label} accounts (they have "
                                            f"{', '.join(n for n, g in fields.items() if not g.secret)})",
                                            account=account_id, field=name)
            if f.secret:
                raise ChannelAccountInvalid("is a secret: it is kept in the system keyring, never in the "
                                            "account's settings", account=account_id, field=name)
        for name, value in secrets.items():
            f = fields.get(name)
            if f is None or not f.secret:
                known = ", ".join(n for n, g in fields.items() if g.secret) or "none"
                raise ChannelAccountInvalid(f"is not a secret of {provider.label} accounts (their secrets: "
                                            f"{known})", account=account_id, field=name)
            if not isinstance(value, str):
                raise ChannelAccountInvalid("must be text", account=account_id, field=name)
        own = {k: v for k, v in settings.items() if k in {f.name for f in provider.fields}}
        own_secrets = {k: v for k, v in secrets.items() if k in {f.name for f in provider.fields}}
        provider.build(own, own_secrets, account=account_id)
        coerced = dict(resolve(provider, own, own_secrets, account_id))
        extra = EXTRA_FIELDS.get(kind_key, ())
        if extra:
            pseudo = ChannelKind(kind_key, provider.label, provider.channel_kind, extra, provider.build)
            extra_settings = {k: v for k, v in settings.items() if k not in own}
            coerced.update(resolve(pseudo, extra_settings, {}, account_id))
        return {name: coerced[name] for name in settings}

    @staticmethod
    def _check_id(account_id: str) -> None:
        if not isinstance(account_id, str) or not ACCOUNT_ID.match(account_id):
            raise ChannelAccountInvalid(f"'{account_id}' is not a valid account id: use 1 to 64 lower-case "
                                        "letters, digits, '-', '_' or '.', starting with a letter or digit",
                                        account=str(account_id))

    @staticmethod
    def _check_name(account_id: str, name: str) -> str:
        name = name.strip() if isinstance(name, str) else ""
        if not name or len(name) > MAX_NAME_LENGTH:
            raise ChannelAccountInvalid(f"an account needs a name of 1 to {MAX_NAME_LENGTH} characters",
                                        account=account_id, field="name")
        return name

    @staticmethod
    def _check_rate(account_id: str, rate: Any) -> int:
        if isinstance(rate, bool) or not isinstance(rate, int) or rate < 0:
            raise ChannelAccountInvalid(f"the send rate must be a whole number of messages per minute, 0 for "
                                        f"no limit, not {rate!r}", account=account_id, field="rate_per_minute")
        return rate

    def _name_taken(self, name: str, other_than: str | None = None) -> bool:
        with self.ws._session() as s:
            found = s.scalar(select(ChannelAccountRow.id).where(ChannelAccountRow.name == name))
        return found is not None and found != other_than

    # -- changes -------------------------------------------------------------------------------
    def add(self, account_id: str, name: str, kind_key: str, settings: Mapping[str, Any] | None = None,
            secrets: Mapping[str, str] | None = None, rate_per_minute: int = 0) -> AccountInfo:
        """Create an account; its secrets go to the keyring first, so a refused keyring leaves no row."""
        self._check_id(account_id)
        name = self._check_name(account_id, name)
        rate = self._check_rate(account_id, rate_per_minute)
        given = {k: v for k, v in (secrets or {}).items() if v not in ("", None)}
        stored = self._check(account_id, kind_key, dict(settings or {}), given)
        with self.ws._write_lock:
            with self.ws._session() as s:
                if s.get(ChannelAccountRow, account_id) is not None:
                    raise ChannelAccountInvalid("an account with this id exists already", account=account_id)
            if self._name_taken(name):
                raise ChannelAccountInvalid(f"another account is called '{name}' already", account=account_id,
                                            field="name")
            if given:
                self.secrets.set_many(account_id, given)
            try:
                now = utcnow()
                with self.ws._session(write=True) as s:
                    s.add(ChannelAccountRow(id=account_id, name=name, kind=kind_key,
                                            settings=self._row_settings(kind_key, stored, given),
                                            rate_per_minute=rate, created_at=now, updated_at=now))
            except BaseException as exc:
                if given:
                    self.secrets.delete_account(account_id, given)
                if isinstance(exc, WorkspaceError) and isinstance(exc.__cause__, IntegrityError):
                    # another process took the id or the name in between
                    raise ChannelAccountInvalid("an account with this id or name exists already",
                                                account=account_id) from None
                raise
        return self.get(account_id)

    def update(self, account_id: str, *, name: str | None = None, settings: Mapping[str, Any] | None = None,
               secrets: Mapping[str, str] | None = None, rate_per_minute: int | None = None,
               clear_secrets: tuple[str, ...] = ()) -> AccountInfo:
        """Change an account. ``settings`` are merged into the stored ones (a ``None`` value removes
        one); each secret given replaces the stored one; ``clear_secrets`` removes secrets. The
        result is checked as a whole, with the secrets already in the keyring."""
        current = self.get(account_id)
        merged = dict(current.settings)
        for key, value in (settings or {}).items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        new_secrets = {k: v for k, v in (secrets or {}).items() if v not in ("", None)}
        secret_names = self.secret_fields(current.kind)
        for field in clear_secrets:
            if field not in secret_names:
                raise ChannelAccountInvalid(f"is not a secret of {current.label} accounts", account=account_id,
                                            field=field)
        held = self._held(current)
        kept_names = [f for f in held if f not in new_secrets and f not in clear_secrets]
        kept = self.secrets.get_many(account_id, kept_names) if kept_names else {}
        stored = self._check(account_id, current.kind, merged, {**kept, **new_secrets})
        new_name = self._check_name(account_id, name) if name is not None else current.name
        rate = self._check_rate(account_id, rate_per_minute) if rate_per_minute is not None \
            else current.rate_per_minute
        with self.ws._write_lock:
            if new_name != current.name and self._name_taken(new_name, account_id):
                raise ChannelAccountInvalid(f"another account is called '{new_name}' already",
                                            account=account_id, field="name")
            if new_secrets:
                self.secrets.set_many(account_id, new_secrets)
            for field in clear_secrets:
                if field in held:  # one the row says is not there needs no keyring
                    self.secrets.delete(account_id, field)
            with self.ws._session(write=True) as s:
                row = s.get(ChannelAccountRow, account_id)
                if row is None:
                    raise NotFound(f"there is no channel account '{account_id}'", where=self.ws.location)
                row.name, row.rate_per_minute, row.updated_at = new_name, rate, utcnow()
                row.settings = self._row_settings(current.kind, stored, [*kept, *new_secrets])
        return self.get(account_id)

    def remove(self, account_id: str, *, keep_secrets_if_unavailable: bool = False) -> None:
        """Delete an account and its keyring entries. If the keyring cannot be reached the account is
        kept (:class:`SecretStoreUnavailable`), unless ``keep_secrets_if_unavailable``: then only the
        row goes and the entries stay in the keyring."""
        current = self.get(account_id)
        # Every field is cleared, in case an older version left one behind, but only for an
        # account that holds (or may hold) a secret: the others must go without a keyring.
        names = self.secret_fields(current.kind) if self._held(current) else ()
        if names:
            try:
                self.secrets.delete_account(account_id, names)
            except SecretStoreUnavailable:
                if not keep_secrets_if_unavailable:
                    raise
        with self.ws._session(write=True) as s:
            row = s.get(ChannelAccountRow, account_id)
            if row is not None:
                s.delete(row)

    # -- reading -------------------------------------------------------------------------------
    def get(self, account_id: str) -> AccountInfo:
        with self.ws._session() as s:
            row = s.get(ChannelAccountRow, account_id)
            if row is None:
                raise NotFound(f"there is no channel account '{account_id}'", where=self.ws.location)
            return _info(row)

    def list(self) -> builtins.list[AccountInfo]:
        """Every account, by name."""
        with self.ws._session() as s:
            return [_info(r) for r in s.scalars(select(ChannelAccountRow).order_by(ChannelAccountRow.name))]

    def secret(self, account_id: str, field: str) -> str | None:
        """One secret of an account from the keyring (``None`` when not set; the keyring is not
        asked for one the account's row says it does not hold)."""
        if field not in self._held(self.get(account_id)):
            return None
        return self.secrets.get(account_id, field)

    def secrets_present(self, account_id: str) -> dict[str, bool]:
        """Which secret fields of the account have a value in the keyring (the values stay there)."""
        current = self.get(account_id)
        names = self.secret_fields(current.kind)
        held = self._held(current)
        found = self.secrets.get_many(account_id, held) if held else {}
        return {name: name in found for name in names}

    def open_channel(self, account_id: str) -> Channel:
        """The account as a channel, paced to its rate limit; raises :class:`ChannelAccountInvalid`
        or :class:`SecretStoreUnavailable` when it cannot be opened."""
        current = self.get(account_id)
        provider = kind(current.kind)
        own_secrets = {f.name for f in provider.secret_fields}
        names = [n for n in self._held(current) if n in own_secrets]
        secrets = self.secrets.get_many(account_id, names) if names else {}
        own = {f.name for f in provider.fields}
        settings = {k: v for k, v in current.settings.items() if k in own}
        return open_channel(current.kind, settings, secrets, account=account_id,
                            rate_per_minute=current.rate_per_minute)

    def open_channels(self) -> dict[str, Channel]:
        """Every account as a channel; one that cannot be opened becomes an
        :class:`UnavailableChannel` whose sends fail with the reason."""
        channels: dict[str, Channel] = {}
        for info in self.list():
            try:
                channels[info.id] = self.open_channel(info.id)
            except SecretStoreUnavailable as exc:  # the keyring may be locked for now: try again later
                channels[info.id] = UnavailableChannel(info.id, f"channel account '{info.id}' cannot be "
                                                                f"opened: {exc}", retryable=True)
            except ChannelAccountInvalid as exc:
                channels[info.id] = UnavailableChannel(info.id, f"channel account '{info.id}' cannot be "
                                                                f"opened: {exc}", retryable=False)
        return channels

    def last_errors(self, account_id: str, limit: int = 10) -> builtins.list[DeliveryError]:
        """The latest failed or ambiguous deliveries through the account, newest first."""
        query = (select(DeliveryRow).where(DeliveryRow.channel == account_id,
                                           DeliveryRow.status.in_(ERROR_STATUSES))
                 .order_by(DeliveryRow.updated_at.desc(), DeliveryRow.id.desc()).limit(max(limit, 0)))
        with self.ws._session() as s:
            return [DeliveryError(r.id, r.status, r.reason, r.provider_code, r.updated_at, r.customer_id,
                                  r.attempts) for r in s.scalars(query)]


__all__ = ["ACCOUNT_ID", "EXTRA_FIELDS", "HELD_KEY", "AccountInfo", "AccountStore", "DeliveryError", "UnavailableChannel"]
