"""SMS through a Twilio-compatible REST API: :class:`TwilioSmsChannel`, and :func:`segments`.

The account is an account SID, an auth token (a secret), a sender (an E.164 number, an alphanumeric
sender ID, or a Messaging Service SID ``MG…``) and a base URL, ``https://api.twilio.com`` unless the
account uses another provider that speaks the same API (or a local test server). A send is one form
POST to ``/2010-04-01/Accounts/{sid}/Messages.json`` with HTTP Basic auth; the provider's message SID
becomes the provider id.

Providers bill per segment, so the channel counts them (:func:`segments`) and reports the count in the
result's reason. Failures keep the provider's own error code (Twilio's JSON ``code``) in
:attr:`ChannelResult.code` and its ``message`` in the reason; the HTTP status decides whether a retry
may help.
"""

from __future__ import annotations

import base64
import json
import re
from urllib.parse import quote, urlencode, urlsplit

from engine.channels.base import ChannelResult, Message
from engine.channels.http import (
    HttpClient,
    HttpProblem,
    HttpResponse,
    origin,
    problem_result,
    redact,
    result_from_response,
)

DEFAULT_BASE_URL = "https://api.twilio.com"
API_PATH = "/2010-04-01/Accounts/{sid}/Messages.json"

# GSM 03.38: the basic table (one septet each; ESC itself is not text) and the extension table
# (ESC + one septet, so two each). Anything else forces the whole message into UCS-2.
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")
#: Characters (GSM septets or UTF-16 units) in a single message and in each part of a long one; the
#: difference is the header that lets the phone put the parts back together.
GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67
_MESSAGING_SERVICE = re.compile(r"^MG[0-9a-fA-F]{32}$")


def is_gsm7(text: str) -> bool:
    """Whether ``text`` fits the GSM 7-bit alphabet (basic or extension table)."""
    return all(ch in GSM_BASIC or ch in GSM_EXTENSION for ch in text)


def _pack(units: list[int], single: int, part: int) -> int:
    """Segments for ``units`` (the size of each character, which a part boundary must not split)."""
    if sum(units) <= single:
        return 1 if units else 0
    count, used = 1, 0
    for size in units:
        if used + size > part:
            count, used = count + 1, 0
        used += size
    return count


def segments(text: str) -> int:
    """How many SMS segments ``text`` takes: GSM-7 160 per message or 153 per part (extension
    characters such as ``€`` take two septets and stay whole), otherwise UCS-2 70 or 67 UTF-16 units
    per part (a character outside the BMP takes two and is never split). An empty text takes 0."""
    if is_gsm7(text):
        return _pack([2 if ch in GSM_EXTENSION else 1 for ch in text], GSM_SINGLE, GSM_PART)
    return _pack([2 if ord(ch) > 0xFFFF else 1 for ch in text], UCS2_SINGLE, UCS2_PART)


def _describe(count: int) -> str:
    return f"{count} segment" + ("" if count == 1 else "s")


def _provider_error(response: HttpResponse) -> tuple[str, str]:
    """Twilio's ``code`` and ``message`` from an error body, when it is the JSON it should be."""
    try:
        data = json.loads(response.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return "", ""
    if not isinstance(data, dict):
        return "", ""
    code = data.get("code")
    text = data.get("message")
    return (str(code) if code not in (None, "") else ""), (str(text) if text else "")


class TwilioSmsChannel:
    """Sends each message as one SMS to ``message.to`` (an E.164 phone number)."""

    def __init__(self, account_sid: str, auth_token: str, sender: str, *, base_url: str = DEFAULT_BASE_URL,
                 client: HttpClient | None = None, account: str = ""):
        if not account_sid:
            raise ValueError("the account SID is missing")
        if not auth_token:
            raise ValueError("the auth token is missing")
        if not sender:
            raise ValueError("the sender (a phone number, sender ID or Messaging Service SID) is missing")
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"the base URL must be an http(s) URL such as {DEFAULT_BASE_URL}")
        self.account_sid = account_sid
        self._auth_token = auth_token
        self.sender = sender
        self.base_url = base_url.rstrip("/")
        self.client = client or HttpClient()
        self.account = account

    def __repr__(self) -> str:
        return f"TwilioSmsChannel({self.account_sid!r}, base_url={origin(self.base_url)!r})"

    @property
    def _what(self) -> str:
        host = urlsplit(self.base_url).hostname
        return f"SMS account '{self.account}' ({host})" if self.account else f"the SMS provider at {host}"

    @property
    def _secrets(self) -> tuple[str, ...]:
        return (self._auth_token,)

    def _headers(self) -> dict[str, str]:
        pair = f"{self.account_sid}:{self._auth_token}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii"), "Accept": "application/json"}

    def _url(self, path: str) -> str:
        return self.base_url + path.format(sid=quote(self.account_sid, safe=""))

    def form(self, message: Message) -> dict[str, str]:
        """The form fields of the API call for ``message``."""
        fields = {"To": message.to, "Body": message.body}
        if _MESSAGING_SERVICE.match(self.sender):
            fields["MessagingServiceSid"] = self.sender
        else:
            fields["From"] = self.sender
        return fields

    def send(self, message: Message) -> ChannelResult:
        if not message.to:
            return ChannelResult("failed", reason="the message has no phone number to send to")
        if not message.body:
            return ChannelResult("failed", reason="the SMS has no text")
        count = segments(message.body)
        body = urlencode(self.form(message)).encode("ascii")
        headers = {**self._headers(), "Content-Type": "application/x-www-form-urlencoded"}
        try:
            response = self.client.request("POST", self._url(API_PATH), body=body, headers=headers)
        except HttpProblem as exc:
            return problem_result(exc, self._what)
        if 200 <= response.status < 300:
            try:
                data = json.loads(response.body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                data = {}
            sid = str(data.get("sid") or "") if isinstance(data, dict) else ""
            return ChannelResult("sent", provider_id=sid, reason=_describe(count), code=str(response.status))
        code, text = _provider_error(response)
        detail = redact(text, self._secrets)
        result = result_from_response(response, f"{self._what} refused the message ({_describe(count)})",
                                      secrets=self._secrets, code=code, detail=detail)
        return result

    def check(self) -> ChannelResult:
        """Test connection: fetch the account resource with the credentials (a GET, nothing is sent);
        a compatible provider without that resource is reported as reachable, credentials unchecked."""
        url = self._url("/2010-04-01/Accounts/{sid}.json")
        try:
            response = self.client.request("GET", url, headers=self._headers())
        except HttpProblem as exc:
            return problem_result(exc, self._what)
        host = urlsplit(self.base_url).hostname
        if 200 <= response.status < 300:
            return ChannelResult("sent", reason=f"logged in to {host} as {self.account_sid}",
                                 code=str(response.status))
        if response.status in (401, 403):
            code, text = _provider_error(response)
            return ChannelResult("failed", reason=redact(f"{self._what} refused the account SID or auth token"
                                                         + (f" ({text})" if text else ""), self._secrets),
                                 code=code or str(response.status))
        if response.status == 404:
            return ChannelResult("sent", reason=f"reached {host}; it has no account resource, so the "
                                                "credentials could not be checked", code="404")
        code, text = _provider_error(response)
        return result_from_response(response, self._what, secrets=self._secrets, code=code,
                                    detail=redact(text, self._secrets))


__all__ = ["API_PATH", "DEFAULT_BASE_URL", "TwilioSmsChannel", "is_gsm7", "segments"]
