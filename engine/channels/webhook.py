"""Webhooks: :class:`WebhookChannel` posts each message as JSON to a URL the account names.

The body is the message's rendered template when that is a JSON document, sent byte for byte (the
user's template decides the payload their shop or CRM expects). A body that is not JSON is wrapped in a
small envelope (:func:`envelope`) so the receiver still gets JSON.

Every request carries ``X-Journey-Studio-Signature: sha256=<hex>``, the HMAC-SHA256 of the exact body
bytes under the account's signing secret (:func:`signature`; a receiver recomputes it over the raw
body before parsing), and ``Idempotency-Key`` with the delivery's key, so a receiver can drop a
message it has already seen. Custom headers come from the account (:func:`parse_headers`); an
``Authorization`` value is a secret of its own and is dropped if a redirect leaves the host.

Where the request may go is decided by :mod:`engine.channels.http` (no link-local or cloud metadata
addresses, every redirect hop checked).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from engine.channels.base import ChannelResult, Message
from engine.channels.http import HttpClient, HttpProblem, origin, problem_result, result_from_response

SIGNATURE_HEADER = "X-Journey-Studio-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
#: Headers the channel sets itself; an account cannot override them.
RESERVED_HEADERS = frozenset({"host", "content-length", "content-type", "transfer-encoding", "connection",
                              "authorization", SIGNATURE_HEADER.lower(), IDEMPOTENCY_HEADER.lower()})
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


def signature(secret: str, body: bytes) -> str:
    """The signature header value for ``body``: ``sha256=`` and the hex HMAC-SHA256 under ``secret``."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify_signature(secret: str, body: bytes, header: str) -> bool:
    """Whether ``header`` is the signature of ``body`` (constant-time), as a receiver checks it."""
    return hmac.compare_digest(signature(secret, body), header.strip())


def parse_headers(text: str) -> dict[str, str]:
    """Custom headers from ``Name: value`` lines (blank lines and lines starting with ``#`` ignored).
    Raises ``ValueError`` naming the line for a malformed or reserved header."""
    headers: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition(":")
        name, value = name.strip(), value.strip()
        if not sep or not _TOKEN.match(name):
            raise ValueError(f"header line {number} is not 'Name: value'")
        check_header(name, value, where=f"header line {number}")
        headers[name] = value
    return headers


def check_header(name: str, value: str, where: str = "") -> None:
    """Raise ``ValueError`` if ``name: value`` cannot be a custom header."""
    prefix = f"{where}: " if where else ""
    if not _TOKEN.match(name):
        raise ValueError(f"{prefix}'{name}' is not a valid header name")
    if "\r" in value or "\n" in value:
        raise ValueError(f"{prefix}the value of '{name}' contains a line break")
    if name.lower() in RESERVED_HEADERS:
        extra = " (put an Authorization value in the account's secret field)" if name.lower() == "authorization" else ""
        raise ValueError(f"{prefix}'{name}' is set by Journey Studio and cannot be overridden{extra}")


def envelope(message: Message) -> dict[str, object]:
    """The JSON object sent for a body that is not itself JSON."""
    data: dict[str, object] = {
        "idempotency_key": message.idempotency_key, "journey_id": message.journey_id,
        "node_id": message.node_id, "run_id": message.run_id, "customer_id": message.customer_id,
        "to": message.to, "subject": message.subject, "text": message.body,
    }
    if message.recipients:
        data["recipients"] = list(message.recipients)
    return data


def payload(message: Message) -> bytes:
    """The exact bytes posted for ``message`` (and signed): the body itself when it is a JSON object
    or array, the :func:`envelope` otherwise (a bare ``42`` or ``"hi"`` is JSON but no payload)."""
    try:
        document = json.loads(message.body)
    except ValueError:
        document = None
    if isinstance(document, dict | list):
        return message.body.encode("utf-8")
    return json.dumps(envelope(message), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class WebhookChannel:
    """Posts each message to ``url``; signs it when the account has a signing secret."""

    def __init__(self, url: str, *, secret: str = "", headers: Mapping[str, str] | None = None,
                 authorization: str = "", client: HttpClient | None = None, account: str = ""):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("the webhook URL must be an http:// or https:// URL with a host")
        for name, value in (headers or {}).items():
            check_header(name, value)
        if "\r" in authorization or "\n" in authorization:
            raise ValueError("the Authorization value contains a line break")
        self.url = url
        self._secret = secret
        self.headers = dict(headers or {})
        self._authorization = authorization
        self.client = client or HttpClient()
        self.account = account

    def __repr__(self) -> str:
        return f"WebhookChannel({origin(self.url)!r})"

    @property
    def _what(self) -> str:
        host = urlsplit(self.url).hostname
        return f"webhook account '{self.account}' ({host})" if self.account else f"the webhook at {host}"

    @property
    def _secrets(self) -> tuple[str, ...]:
        return (self._secret, self._authorization)

    def request_headers(self, message: Message, body: bytes) -> dict[str, str]:
        """Every header of the request for ``message`` with ``body``."""
        headers = {**self.headers, "Content-Type": "application/json; charset=utf-8",
                   IDEMPOTENCY_HEADER: message.idempotency_key}
        if self._secret:
            headers[SIGNATURE_HEADER] = signature(self._secret, body)
        if self._authorization:
            headers["Authorization"] = self._authorization
        return headers

    def send(self, message: Message) -> ChannelResult:
        body = payload(message)
        try:
            response = self.client.request("POST", self.url, body=body,
                                           headers=self.request_headers(message, body))
        except HttpProblem as exc:
            return problem_result(exc, self._what)
        return result_from_response(response, self._what, secrets=self._secrets)

    def check(self) -> ChannelResult:
        """Test connection: resolve, check the address, connect (and TLS); nothing is posted."""
        try:
            return ChannelResult("sent", reason=self.client.probe(self.url))
        except HttpProblem as exc:
            return problem_result(exc, self._what)


__all__ = ["IDEMPOTENCY_HEADER", "RESERVED_HEADERS", "SIGNATURE_HEADER", "WebhookChannel", "check_header",
           "envelope", "parse_headers", "payload", "signature", "verify_signature"]
