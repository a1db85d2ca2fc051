"""The catalogue of channel providers: which kinds of account exist, what each needs, how to open one.

Each :class:`ChannelKind` lists its :class:`Field` s (the Channels window builds its forms from them,
and the command line its prompts) and a ``build(settings, secrets, *, account="")`` that checks the
values and returns a ready :class:`~engine.channels.Channel` (every one also has ``check()``, the
"Test connection" button). ``settings`` are what the ``channel_accounts`` row stores (never a secret);
``secrets`` come from the OS keyring, one entry per field of type ``secret``. :func:`open_channel` adds
the account's send rate limit around the built channel.

Bad values raise :class:`ChannelAccountInvalid`, naming the account and the field by its label,
never quoting a secret.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any, Literal
from urllib.parse import urlsplit

from engine.channels.base import Channel
from engine.channels.chat import DingTalkChannel, SlackChannel, TeamsChannel, WeComChannel
from engine.channels.http import HttpClient
from engine.channels.ratelimit import RateLimited
from engine.channels.simulated import SimulatedChannel
from engine.channels.sms import DEFAULT_BASE_URL, TwilioSmsChannel
from engine.channels.smtp import SmtpChannel, check_unsubscribe_url
from engine.channels.webhook import WebhookChannel, parse_headers
from engine.errors import ChannelAccountInvalid

FieldType = Literal["text", "int", "bool", "choice", "url", "email", "secret", "multiline"]
#: The kinds of message a Send node can ask for; ``any`` (the simulated account) stands in for each.
CHANNEL_KINDS = ("email", "sms", "webhook", "chat")


@dataclass(frozen=True)
class Field:
    """One value an account needs: how to ask for it and how to check it."""

    name: str
    label: str
    type: FieldType
    default: Any = None
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""
    #: Bounds of an ``int`` field, inclusive.
    minimum: int | None = None
    maximum: int | None = None

    @property
    def secret(self) -> bool:
        return self.type == "secret"


@dataclass(frozen=True)
class ChannelKind:
    """A provider: ``key`` is what ``channel_accounts.kind`` stores; ``channel_kind`` the kind of
    message it carries (``any`` for the simulated account)."""

    key: str
    label: str
    channel_kind: str
    fields: tuple[Field, ...]
    build: Callable[..., Channel]
    description: str = ""

    @property
    def secret_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.secret)

    @property
    def setting_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if not f.secret)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def defaults(self) -> dict[str, Any]:
        """Settings a new account of this kind starts with."""
        return {f.name: f.default for f in self.setting_fields if f.default is not None}

    def carries(self, channel_kind: str) -> bool:
        """Whether a Send node asking for ``channel_kind`` may use an account of this kind."""
        return self.channel_kind in (channel_kind, "any")


def _coerce(f: Field, raw: Any, account: str) -> Any:
    """``raw`` as the field's type, or :class:`ChannelAccountInvalid` (no secret is ever quoted)."""
    def bad(why: str) -> ChannelAccountInvalid:
        return ChannelAccountInvalid(why, account=account, field=f.label)

    if f.type == "int":
        if isinstance(raw, bool):
            raise bad("must be a whole number")
        try:
            value = int(str(raw).strip()) if not isinstance(raw, int) else raw
        except ValueError:
            raise bad(f"must be a whole number, not '{raw}'") from None
        if f.minimum is not None and value < f.minimum or f.maximum is not None and value > f.maximum:
            raise bad(f"must be between {f.minimum} and {f.maximum}, not {value}")
        return value
    if f.type == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off", ""):
            return False
        raise bad(f"must be yes or no, not '{raw}'")
    if not isinstance(raw, str):
        raise bad("must be text")
    # Pasted tokens often bring a newline along; only multi-line text keeps its whitespace.
    value = raw if f.type == "multiline" else raw.strip()
    if f.type == "choice" and value not in f.choices:
        raise bad(f"must be one of {', '.join(f.choices)}, not '{value}'")
    if f.type == "url" and value:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise bad(f"must be an http:// or https:// address, not '{value}'")
    if f.type == "email" and value and ("@" not in value or any(c.isspace() for c in value)):
        raise bad(f"must be an e-mail address, not '{value}'")
    return value


def resolve(kind: ChannelKind, settings: Mapping[str, Any], secrets: Mapping[str, str],
            account: str = "") -> dict[str, Any]:
    """Every field's value for an account: defaults filled in, types checked, required fields present.
    A secret found among the settings is refused: it would be sitting in the database. Settings this
    version does not know are ignored, so an account saved by a newer version still opens."""
    for f in kind.secret_fields:
        if f.name in settings:
            raise ChannelAccountInvalid("is a secret and belongs in the keyring, not in the account's settings",
                                         account=account, field=f.label)
    values: dict[str, Any] = {}
    for f in kind.fields:
        raw = (secrets if f.secret else settings).get(f.name)
        if raw is None or (isinstance(raw, str) and not raw.strip() and f.type != "multiline"):
            if f.required:
                raise ChannelAccountInvalid("is required", account=account, field=f.label)
            values[f.name] = f.default if f.default is not None else ("" if f.type not in ("int", "bool") else None)
            continue
        values[f.name] = _coerce(f, raw, account)
    return values


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _build(kind_key: str, make: Callable[[dict[str, Any], str], Channel]) -> Callable[..., Channel]:
    """A ``build(settings, secrets, *, account="")`` that resolves the values of ``kind_key``'s fields
    and turns a constructor's ``ValueError`` into :class:`ChannelAccountInvalid`."""
    def build(settings: Mapping[str, Any], secrets: Mapping[str, str], *, account: str = "") -> Channel:
        values = resolve(KINDS[kind_key], settings, secrets, account)
        try:
            return make(values, account)
        except ValueError as exc:
            raise ChannelAccountInvalid(str(exc), account=account) from None
    build.__name__ = f"build_{kind_key}"
    build.__doc__ = f"Open a {kind_key} channel from an account's settings and secrets."
    return build


def _timeout(default: int) -> Field:
    return Field("timeout", "Timeout (seconds)", "int", default=default, minimum=1, maximum=300,
                 help="How long to wait for the provider before the attempt counts as failed and is retried.")


def _webhook_url(example: str, where: str) -> Field:
    return Field("webhook_url", "Webhook URL", "secret", required=True,
                 help=f"The bot's address, e.g. {example}. {where} It contains the bot's token, so it is "
                      "kept in the system keyring like a password.")


# --- email -------------------------------------------------------------------------------------------

SMTP_FIELDS = (
    Field("host", "Server", "text", required=True, help="The SMTP server's host name, e.g. smtp.example.com."),
    Field("port", "Port", "int", default=587, minimum=1, maximum=65535,
          help="Usually 587 with STARTTLS, 465 with TLS, 25 for a relay on your own network."),
    Field("security", "Security", "choice", default="starttls", choices=("starttls", "tls", "none"),
          help="starttls: connect, then switch to encryption (port 587). tls: encrypted from the start "
               "(port 465). none: no encryption, only for a relay on this computer or your own network."),
    Field("username", "User name", "text", help="Leave empty if the server does not ask for a login."),
    Field("password", "Password", "secret", help="The login password or app password; kept in the system keyring."),
    Field("sender", "From", "text", required=True,
          help="The sender customers see, e.g. Corner Shop <news@shop.example>."),
    Field("reply_to", "Reply-To", "email", help="Where replies go, if not to the From address."),
    Field("unsubscribe_mailto", "Unsubscribe mailbox", "email",
          help="An address Journey Studio reads for unsubscribe requests, e.g. unsubscribe@shop.example. "
               "Mail clients show an Unsubscribe button that writes to it."),
    Field("unsubscribe_url", "Unsubscribe page", "url",
          help="Optional https page that unsubscribes with one click, with {token} where the recipient's "
               "token goes, e.g. https://shop.example/unsubscribe?t={token}."),
    _timeout(30),
)


def _make_smtp(v: dict[str, Any], account: str) -> Channel:
    if "@" not in parseaddr(v["sender"])[1]:
        raise ValueError(f"the From address '{v['sender']}' holds no e-mail address")
    if v["username"] and not v["password"]:
        raise ValueError("a user name is set but the password is missing")
    if v["username"] and v["security"] == "none" and not _is_loopback(v["host"]):
        raise ValueError("logging in without encryption would send the password in clear text; "
                         "choose starttls or tls")
    if v["unsubscribe_url"]:
        check_unsubscribe_url(v["unsubscribe_url"])
    return SmtpChannel(v["host"], v["port"], v["sender"], v["timeout"], security=v["security"],
                       username=v["username"], password=v["password"], reply_to=v["reply_to"],
                       unsubscribe_mailto=v["unsubscribe_mailto"], unsubscribe_url=v["unsubscribe_url"],
                       account=account)


# --- SMS ---------------------------------------------------------------------------------------------

TWILIO_FIELDS = (
    Field("account_sid", "Account SID", "text", required=True,
          help="From the provider's console; for Twilio it starts with AC."),
    Field("auth_token", "Auth token", "secret", required=True, help="Kept in the system keyring."),
    Field("sender", "Sender", "text", required=True,
          help="The number messages come from (E.164, e.g. +4915112345678), an alphanumeric sender ID, "
               "or a Messaging Service SID (MG…)."),
    Field("base_url", "API address", "url", default=DEFAULT_BASE_URL,
          help="Leave as is for Twilio; change it for another provider with the same API."),
    _timeout(10),
)


def _make_twilio(v: dict[str, Any], account: str) -> Channel:
    return TwilioSmsChannel(v["account_sid"], v["auth_token"], v["sender"], base_url=v["base_url"],
                            client=HttpClient(timeout=v["timeout"]), account=account)


# --- webhook -----------------------------------------------------------------------------------------

WEBHOOK_FIELDS = (
    Field("url", "URL", "url", required=True,
          help="Where each message is posted as JSON, e.g. https://shop.example/hooks/journey."),
    Field("signing_secret", "Signing secret", "secret",
          help="Each request carries X-Journey-Studio-Signature: sha256=<HMAC-SHA256 of the body with this "
               "secret>, so your server can check it came from here."),
    Field("authorization", "Authorization header", "secret",
          help="Optional value of the Authorization header, e.g. Bearer abc123; kept in the system keyring."),
    Field("headers", "Extra headers", "multiline", default="",
          help="One 'Name: value' per line; not for secrets (use the Authorization field)."),
    _timeout(10),
)


def _make_webhook(v: dict[str, Any], account: str) -> Channel:
    return WebhookChannel(v["url"], secret=v["signing_secret"], headers=parse_headers(v["headers"]),
                          authorization=v["authorization"], client=HttpClient(timeout=v["timeout"]),
                          account=account)


# --- chat bots ---------------------------------------------------------------------------------------

SLACK_FIELDS = (
    _webhook_url("https://hooks.slack.com/services/T…/B…/…",
                 "Create it under Incoming Webhooks in your Slack app's settings."),
    _timeout(10),
)
TEAMS_FIELDS = (
    _webhook_url("https://prod-00.westeurope.logic.azure.com/workflows/…",
                 "In the channel, add the Workflows template 'Post to a channel when a webhook request "
                 "is received' and copy its URL."),
    _timeout(10),
)
WECOM_FIELDS = (
    _webhook_url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
                 "Add a group bot in the WeCom group and copy its webhook address."),
    _timeout(10),
)
DINGTALK_FIELDS = (
    _webhook_url("https://oapi.dingtalk.com/robot/send?access_token=…",
                 "Add a custom robot in the DingTalk group and copy its webhook address."),
    Field("sign_secret", "Signing secret", "secret",
          help="The robot's secret (starts with SEC) when its security setting is 'signature'; each "
               "request is then signed with a timestamp."),
    _timeout(10),
)


def _make_chat(cls: type[SlackChannel] | type[TeamsChannel] | type[WeComChannel]):
    def make(v: dict[str, Any], account: str) -> Channel:
        return cls(v["webhook_url"], client=HttpClient(timeout=v["timeout"]), account=account)
    return make


def _make_dingtalk(v: dict[str, Any], account: str) -> Channel:
    return DingTalkChannel(v["webhook_url"], secret=v["sign_secret"], client=HttpClient(timeout=v["timeout"]),
                           account=account)


# --- simulated ---------------------------------------------------------------------------------------

SIMULATED_FIELDS = (
    Field("failure_percent", "Failures (%)", "int", default=0, minimum=0, maximum=100,
          help="The share of messages that fail, half of them temporarily; the same message always "
               "meets the same fate."),
    Field("seed", "Seed", "text", default="", help="Change it to draw a different set of failures."),
)


def _make_simulated(v: dict[str, Any], account: str) -> Channel:
    return SimulatedChannel(failure_rate=v["failure_percent"] / 100, seed=v["seed"], account=account)


KINDS: dict[str, ChannelKind] = {k.key: k for k in (
    ChannelKind("smtp", "Email (SMTP)", "email", SMTP_FIELDS, _build("smtp", _make_smtp),
                "Your own mail server or a provider's SMTP service."),
    ChannelKind("twilio", "SMS (Twilio-compatible)", "sms", TWILIO_FIELDS, _build("twilio", _make_twilio),
                "Text messages through Twilio or a provider with the same REST API."),
    ChannelKind("webhook", "Webhook", "webhook", WEBHOOK_FIELDS, _build("webhook", _make_webhook),
                "A signed JSON POST to your shop, CRM or automation tool."),
    ChannelKind("slack", "Slack", "chat", SLACK_FIELDS, _build("slack", _make_chat(SlackChannel)),
                "A Slack channel through an incoming webhook."),
    ChannelKind("teams", "Microsoft Teams", "chat", TEAMS_FIELDS, _build("teams", _make_chat(TeamsChannel)),
                "A Teams channel through a Workflows webhook (Adaptive Card)."),
    ChannelKind("wecom", "WeCom group bot (企业微信)", "chat", WECOM_FIELDS, _build("wecom", _make_chat(WeComChannel)),
                "A WeCom group through its group bot."),
    ChannelKind("dingtalk", "DingTalk robot (钉钉)", "chat", DINGTALK_FIELDS, _build("dingtalk", _make_dingtalk),
                "A DingTalk group through a custom robot."),
    ChannelKind("simulated", "Simulated", "any", SIMULATED_FIELDS, _build("simulated", _make_simulated),
                "Nothing leaves this computer: for demos, the simulator and trying a journey out."),
)}


def kind(key: str) -> ChannelKind:
    """The kind ``key``, or :class:`ChannelAccountInvalid` listing the known ones."""
    try:
        return KINDS[key]
    except KeyError:
        raise ChannelAccountInvalid(f"unknown channel kind '{key}' (known: {', '.join(KINDS)})") from None


def open_channel(kind_key: str, settings: Mapping[str, Any], secrets: Mapping[str, str], *,
                 account: str = "", rate_per_minute: int = 0) -> Channel:
    """Build an account's channel and pace it to ``rate_per_minute`` (0: no limit)."""
    channel = kind(kind_key).build(settings, secrets, account=account)
    if rate_per_minute < 0:
        raise ChannelAccountInvalid(f"the send rate must be 0 or more, not {rate_per_minute}", account=account)
    return RateLimited(channel, rate_per_minute) if rate_per_minute else channel


__all__ = ["CHANNEL_KINDS", "KINDS", "ChannelKind", "Field", "FieldType", "kind",
           "open_channel", "resolve"]
