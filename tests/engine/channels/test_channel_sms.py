"""The Twilio-compatible SMS channel against a real HTTP server on loopback playing the provider: Basic
auth and the form fields are checked by the server; provider error codes are kept; 429 and 5xx are
retryable, 400 is not; segments are counted."""

from __future__ import annotations

import base64
import json
from urllib.parse import unquote

import pytest

from engine.channels.base import Message
from engine.channels.kinds import KINDS
from engine.channels.sms import TwilioSmsChannel, segments
from tests.engine.channels.servers import Seen

SID = "AC0123456789abcdef0123456789abcdef"
TOKEN = "auth-token-5f4e3d2c1b"
SENDER = "+4915112345678"


def message(key: str = "s-1", to: str = "+4917612345678", body: str = "Hi Zoë, your order has shipped.",
            **overrides) -> Message:
    values = dict(idempotency_key=key, channel="sms-main", channel_kind="sms", customer_id="cust-1",
                  journey_id="j-1", node_id="n-1", run_id="r-1", to=to, subject="", body=body)
    values.update(overrides)
    return Message(**values)


def provider(fail: tuple[int, dict[str, str], dict] | None = None):
    """Twilio's Messages resource as far as the channel uses it: Basic auth, the form, a 201 with the
    message SID; ``fail`` makes it answer an error instead (after checking auth)."""
    def answer(seen: Seen):
        expected = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
        seen.notes["auth_ok"] = seen.headers.get("Authorization") == expected
        if not seen.notes["auth_ok"]:
            return 401, {"Content-Type": "application/json"}, json.dumps(
                {"code": 20003, "message": "Authenticate", "status": 401}).encode()
        if seen.method == "GET":
            return 200, {}, json.dumps({"sid": SID, "status": "active"}).encode()
        if seen.path != f"/2010-04-01/Accounts/{SID}/Messages.json":
            return 404, {}, json.dumps({"code": 20404, "message": "not found"}).encode()
        if fail:
            status, headers, body = fail
            return status, headers, json.dumps(body).encode()
        form = {k: v[0] for k, v in seen.form.items()}
        return 201, {"Content-Type": "application/json"}, json.dumps(
            {"sid": "SM" + "f" * 32, "status": "queued", "to": form["To"], "body": form["Body"]}).encode()
    return answer


def sms(base_url: str, **options) -> TwilioSmsChannel:
    return TwilioSmsChannel(SID, options.pop("token", TOKEN), options.pop("sender", SENDER), base_url=base_url,
                            account="sms-main", **options)


def test_send_posts_the_form_with_basic_auth(http_server):
    server = http_server(provider())
    result = sms(server.url("")).send(message())
    assert result.status == "sent", result.reason
    assert result.provider_id == "SM" + "f" * 32 and result.code == "201"
    assert result.reason == "1 segment"
    [seen] = server.requests
    assert seen.notes["auth_ok"] is True
    assert seen.method == "POST" and seen.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert seen.form == {"To": ["+4917612345678"], "From": [SENDER], "Body": ["Hi Zoë, your order has shipped."]}


def test_messaging_service_sender_and_long_text(http_server):
    server = http_server(provider())
    service = "MG" + "0123456789abcdef" * 2
    result = sms(server.url(""), sender=service).send(message(body="x" * 200))
    assert result.status == "sent" and result.reason == "2 segments"
    form = server.requests[0].form
    assert form["MessagingServiceSid"] == [service] and "From" not in form


def test_provider_error_code_is_kept_and_permanent(http_server):
    server = http_server(provider((400, {}, {"code": 21211, "message": "The 'To' number +1 is not a valid phone number.",
                                             "status": 400})))
    result = sms(server.url("")).send(message(to="+1"))
    assert (result.status, result.retryable, result.code) == ("failed", False, "21211")
    assert "is not a valid phone number" in result.reason and "sms-main" in result.reason


def test_wrong_token_is_permanent_and_never_quoted(http_server):
    server = http_server(provider())
    result = sms(server.url(""), token="not-the-token-123").send(message())
    assert (result.status, result.retryable, result.code) == ("failed", False, "20003")
    assert server.requests[0].notes["auth_ok"] is False
    assert "not-the-token-123" not in result.reason


def test_429_with_retry_after_is_retryable(http_server):
    server = http_server(provider((429, {"Retry-After": "17"}, {"code": 20429, "message": "Too Many Requests"})))
    result = sms(server.url("")).send(message())
    assert (result.status, result.retryable, result.retry_after, result.code) == ("failed", True, 17.0, "20429")


def test_5xx_is_retryable(http_server):
    server = http_server(provider((503, {}, {"message": "Service Unavailable"})))
    result = sms(server.url("")).send(message())
    assert (result.status, result.retryable, result.code) == ("failed", True, "503")


def test_token_echoed_in_an_error_is_redacted(http_server):
    server = http_server(provider((400, {}, {"code": 21604, "message": f"token {TOKEN} rejected"})))
    result = sms(server.url("")).send(message())
    assert TOKEN not in result.reason and "***" in result.reason


def test_base_url_is_guarded_but_loopback_allowed(http_server):
    refused = sms("http://169.254.169.254").send(message())
    assert refused.status == "failed" and not refused.retryable and "link-local" in refused.reason
    server = http_server(provider())
    assert sms(server.url("")).send(message()).status == "sent"


def test_check_logs_in_with_a_get(http_server):
    server = http_server(provider())
    ok = sms(server.url("")).check()
    assert ok.status == "sent" and SID in ok.reason
    bad = sms(server.url(""), token="wrong-token-456").check()
    assert bad.status == "failed" and bad.code == "20003" and "wrong-token-456" not in bad.reason
    assert {seen.method for seen in server.requests} == {"GET"}


def test_built_from_the_catalogue(http_server):
    server = http_server(provider())
    ch = KINDS["twilio"].build({"account_sid": SID, "sender": SENDER, "base_url": server.url("")},
                               {"auth_token": TOKEN}, account="sms-main")
    assert ch.send(message()).status == "sent"
    assert unquote(server.requests[0].path) == f"/2010-04-01/Accounts/{SID}/Messages.json"


@pytest.mark.parametrize(("text", "count"), [
    ("", 0),
    ("a" * 160, 1), ("a" * 161, 2), ("a" * 306, 2), ("a" * 307, 3),
    ("€" * 80, 1),                  # extension characters take two septets: 160
    ("€" * 81, 2),                  # 162 septets
    ("€" * 153, 3),                 # 306 septets, but 76 pairs (152) per part: a pair is never split
    ("Grüße aus Köln, Ihr Team" * 6, 1),  # ü, ß, ö are GSM: 144 septets
    ("Ж" * 70, 1), ("Ж" * 71, 2), ("Ж" * 134, 2), ("Ж" * 135, 3),
    ("ç" * 70, 1), ("ç" * 71, 2),   # lower-case ç is not in GSM 03.38: UCS-2
    ("😀" * 35, 1), ("😀" * 36, 2),  # two UTF-16 units each
    ("a" * 66 + "😀" + "a" * 66, 3),  # 134 units, but the emoji may not straddle parts
])
def test_segments(text, count):
    assert segments(text) == count
