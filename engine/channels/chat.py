"""Team chat bots, for ``notify_staff`` and for sends: Slack, Microsoft Teams, WeCom and DingTalk.

Each posts one JSON message to the bot's webhook URL. That URL is itself the credential (Slack and
Teams put a token in the path, WeCom its ``key`` and DingTalk its ``access_token`` in the query), so
it is a secret of the account and a reason only ever names its host.

* **Slack** incoming webhook: ``{"text": ...}``; Slack answers ``ok`` or an error word
  (``no_service``, ``invalid_payload``...) kept as the code.
* **Microsoft Teams**: an Adaptive Card (version 1.4) inside a ``message`` envelope with one
  ``application/vnd.microsoft.card.adaptive`` attachment. This is the format the Workflows app's
  "When a Teams webhook request is received" trigger takes, which replaces the retired Office 365
  connectors (their MessageCard format is not accepted there); connector URLs that still work take
  it too. Workflows answers 202.
* **WeCom (企业微信) group bot**: ``{"msgtype": "text", "text": {"content": ...}}``, content at most
  2048 bytes; mentions by user id or mobile number from the message's recipients.
* **DingTalk (钉钉) custom robot**: the same shape with ``at``; when the robot has a signing secret,
  ``timestamp`` (ms) and ``sign`` = URL-encoded base64 HMAC-SHA256 of ``"{timestamp}\\n{secret}"``
  under the secret go into the query (:func:`dingtalk_sign`).

WeCom and DingTalk report failure in the body (``errcode`` ≠ 0) even with HTTP 200; their rate-limit
codes (WeCom 45009, DingTalk 130101) and "system busy" (-1) are retryable, every other code is
permanent and kept in :attr:`ChannelResult.code`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit, urlunsplit

from engine.channels.base import ChannelResult, Message
from engine.channels.http import (
    HttpClient,
    HttpProblem,
    HttpResponse,
    origin,
    problem_result,
    redact,
    result_from_response,
    snippet,
)

#: Bytes WeCom accepts in a text message's content.
WECOM_MAX_BYTES = 2048
#: DingTalk allows 20 messages a minute per robot; a minute is the wait its 130101 asks for.
DINGTALK_RATE_WAIT = 60.0
TEAMS_CARD_VERSION = "1.4"
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,}[0-9]$")


def message_text(message: Message) -> str:
    """The text a chat bot posts: the subject as a first line when there is one, then the body."""
    return f"{message.subject}\n\n{message.body}" if message.subject else message.body


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's ``sign`` query value (already URL-encoded) for ``timestamp_ms``."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode("ascii"))


def _split_mentions(recipients: tuple[str, ...]) -> tuple[list[str], list[str], bool]:
    """(user ids, mobile numbers, everyone) from staff recipients; ``@all`` means everyone."""
    users: list[str] = []
    mobiles: list[str] = []
    everyone = False
    for raw in recipients:
        who = raw.strip()
        if not who:
            continue
        if who.lower() in ("@all", "all"):
            everyone = True
        elif _PHONE.match(who):
            mobiles.append(re.sub(r"[ ()-]", "", who))
        else:
            users.append(who.lstrip("@"))
    return users, mobiles, everyone


def _truncate_utf8(text: str, limit: int) -> tuple[str, bool]:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text, False
    cut = data[: limit - len("…".encode())].decode("utf-8", "ignore")
    return cut + "…", True


def _json_body(response: HttpResponse) -> dict[str, Any] | None:
    try:
        data = json.loads(response.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


class ChatBotChannel:
    """What every chat bot shares: the secret webhook URL, the request, the classification."""

    #: Shown in reasons before the account name.
    service = "chat bot"

    def __init__(self, webhook_url: str, *, client: HttpClient | None = None, account: str = ""):
        parts = urlsplit(webhook_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"the {self.service} webhook URL must be an http(s) URL with a host")
        self._webhook_url = webhook_url
        self.client = client or HttpClient()
        self.account = account

    def __repr__(self) -> str:  # the path and query hold the bot's token
        return f"{type(self).__name__}({origin(self._webhook_url)!r})"

    @property
    def _what(self) -> str:
        host = urlsplit(self._webhook_url).hostname
        return (f"{self.service} account '{self.account}' ({host})" if self.account
                else f"the {self.service} at {host}")

    @property
    def _secrets(self) -> tuple[str, ...]:
        # The whole URL, its query values and its token-like path segments; short segments such as
        # "services" or "send" are not secret and redacting them would garble the reasons.
        parts = urlsplit(self._webhook_url)
        return (self._webhook_url, *(v for _k, v in parse_qsl(parts.query) if len(v) >= 8),
                *(seg for seg in parts.path.split("/") if len(seg) >= 12))

    def payload(self, message: Message) -> dict[str, Any]:
        raise NotImplementedError

    def request_url(self) -> str:
        """The URL to post to (DingTalk signs each request into it)."""
        return self._webhook_url

    def interpret(self, response: HttpResponse) -> ChannelResult:
        """The result for the bot's answer."""
        return result_from_response(response, self._what, secrets=self._secrets)

    def send(self, message: Message) -> ChannelResult:
        body = json.dumps(self.payload(message), ensure_ascii=False).encode("utf-8")
        try:
            response = self.client.request("POST", self.request_url(), body=body,
                                           headers={"Content-Type": "application/json; charset=utf-8"})
        except HttpProblem as exc:
            return problem_result(exc, self._what)
        return self.interpret(response)

    def check(self) -> ChannelResult:
        """Test connection: resolve, check the address, connect (and TLS); nothing is posted."""
        try:
            return ChannelResult("sent", reason=self.client.probe(self._webhook_url))
        except HttpProblem as exc:
            return problem_result(exc, self._what)


class SlackChannel(ChatBotChannel):
    """A Slack incoming webhook."""

    service = "Slack webhook"

    @staticmethod
    def escape(text: str) -> str:
        """Slack reads ``<…>`` as links and mentions, so ``&``, ``<`` and ``>`` must be entities."""
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def payload(self, message: Message) -> dict[str, Any]:
        return {"text": self.escape(message_text(message))}

    def interpret(self, response: HttpResponse) -> ChannelResult:
        if 200 <= response.status < 300:
            return ChannelResult("sent", code=str(response.status))
        word = response.body.decode("utf-8", "replace").strip()
        # Slack's errors are single words (no_service, channel_is_archived...); keep one as the code.
        code = word if re.fullmatch(r"[a-z_]{3,64}", word) else ""
        return result_from_response(response, self._what, secrets=self._secrets, code=code)


class TeamsChannel(ChatBotChannel):
    """A Microsoft Teams webhook (Workflows trigger or a remaining incoming-webhook connector)."""

    service = "Teams webhook"
    _CONNECTOR_ERROR = re.compile(r"returned HTTP error (\d{3})")

    def payload(self, message: Message) -> dict[str, Any]:
        body: list[dict[str, Any]] = []
        if message.subject:
            body.append({"type": "TextBlock", "text": message.subject, "weight": "Bolder", "size": "Medium",
                         "wrap": True})
        body.append({"type": "TextBlock", "text": message.body, "wrap": True})
        card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
                "version": TEAMS_CARD_VERSION, "body": body}
        return {"type": "message", "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}]}

    def interpret(self, response: HttpResponse) -> ChannelResult:
        if 200 <= response.status < 300:
            # Connectors answer 200 even when Teams behind them failed, with the real status in the text.
            found = self._CONNECTOR_ERROR.search(response.body.decode("utf-8", "replace"))
            if found:
                status = int(found.group(1))
                retryable = status == 429 or status >= 500
                return ChannelResult("failed", reason=f"{self._what}: Teams answered {status} "
                                                      f"({snippet(response.body, self._secrets)})",
                                     retryable=retryable, code=str(status))
            return ChannelResult("sent", code=str(response.status))
        return super().interpret(response)


class _ErrcodeBot(ChatBotChannel):
    """WeCom and DingTalk: JSON answers whose ``errcode`` decides, whatever the HTTP status."""

    #: errcodes that mean "later", and how long to wait if the bot says nothing.
    retry_codes: dict[int, float | None] = {-1: None}

    def interpret(self, response: HttpResponse) -> ChannelResult:
        if not 200 <= response.status < 300:
            return super().interpret(response)
        data = _json_body(response)
        if data is None or "errcode" not in data:
            return ChannelResult("failed", reason=f"{self._what} gave an unexpected answer "
                                                  f"({snippet(response.body, self._secrets)})",
                                 code=str(response.status))
        try:
            errcode = int(data["errcode"])
        except (TypeError, ValueError):
            errcode = -1
        if errcode == 0:
            return ChannelResult("sent", code="0")
        errmsg = redact(str(data.get("errmsg") or ""), self._secrets)
        retryable = errcode in self.retry_codes
        return ChannelResult("failed", reason=f"{self._what} refused the message: {errcode} {errmsg}".rstrip(),
                             retryable=retryable, retry_after=self.retry_codes.get(errcode),
                             code=str(errcode))


class WeComChannel(_ErrcodeBot):
    """A WeCom (企业微信) group bot."""

    service = "WeCom bot"
    #: 45009: API call frequency over the limit (20 a minute per bot).
    retry_codes = {-1: None, 45009: 60.0}

    def payload(self, message: Message) -> dict[str, Any]:
        content, _cut = _truncate_utf8(message_text(message), WECOM_MAX_BYTES)
        text: dict[str, Any] = {"content": content}
        users, mobiles, everyone = _split_mentions(message.recipients)
        if everyone:
            users.append("@all")
        if users:
            text["mentioned_list"] = users
        if mobiles:
            text["mentioned_mobile_list"] = mobiles
        return {"msgtype": "text", "text": text}

    def send(self, message: Message) -> ChannelResult:
        result = super().send(message)
        if result.status == "sent" and _truncate_utf8(message_text(message), WECOM_MAX_BYTES)[1]:
            return ChannelResult("sent", code=result.code,
                                 reason=f"shortened to WeCom's {WECOM_MAX_BYTES} bytes")
        return result


class DingTalkChannel(_ErrcodeBot):
    """A DingTalk (钉钉) custom robot, signed when the robot has a signing secret (``SEC…``)."""

    service = "DingTalk robot"
    #: 130101: more than 20 messages in a minute.
    retry_codes = {-1: None, 130101: DINGTALK_RATE_WAIT}

    def __init__(self, webhook_url: str, *, secret: str = "", client: HttpClient | None = None,
                 account: str = "", clock: Callable[[], float] = time.time):
        super().__init__(webhook_url, client=client, account=account)
        self._sign_secret = secret
        self.clock = clock

    @property
    def _secrets(self) -> tuple[str, ...]:
        return (*super()._secrets, self._sign_secret)

    def request_url(self) -> str:
        if not self._sign_secret:
            return self._webhook_url
        timestamp = round(self.clock() * 1000)
        parts = urlsplit(self._webhook_url)
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ("timestamp", "sign")]
        # sign is already URL-encoded as DingTalk documents it; encode the rest, then append it.
        signed = urlencode([*query, ("timestamp", str(timestamp))]) + "&sign=" + dingtalk_sign(self._sign_secret,
                                                                                               timestamp)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, signed, ""))

    def payload(self, message: Message) -> dict[str, Any]:
        users, mobiles, everyone = _split_mentions(message.recipients)
        content = message_text(message)
        # DingTalk highlights a mention only when the text also says "@<mobile>" or "@<user id>".
        tags = [f"@{who}" for who in (*mobiles, *users)]
        if tags:
            content = f"{content}\n{' '.join(tags)}"
        return {"msgtype": "text", "text": {"content": content},
                "at": {"atMobiles": mobiles, "atUserIds": users, "isAtAll": everyone}}


__all__ = ["DINGTALK_RATE_WAIT", "WECOM_MAX_BYTES", "ChatBotChannel", "DingTalkChannel", "SlackChannel",
           "TeamsChannel", "WeComChannel", "dingtalk_sign", "message_text"]
