"""The webhook channel and the shared HTTP client against real HTTP(S) servers on loopback: the
receiver verifies the signature; 429 with Retry-After and 5xx are retryable, 400 is not; link-local
and cloud metadata addresses are refused directly, through DNS, through a redirect from a real
server, and in IPv6 and numeric disguises; the checked address is the one connected to."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import ssl
from datetime import UTC, datetime

import pytest

from engine.channels.base import Message
from engine.channels.http import HttpClient, parse_retry_after, refusal
from engine.channels.kinds import KINDS
from engine.channels.webhook import SIGNATURE_HEADER, WebhookChannel, parse_headers, payload
from tests.engine.channels.servers import Seen, SilentPort, free_port

SECRET = "whsec-7f3a9c2e-shop"
TOKEN = "Bearer tok-9b8a7c6d5e"


def message(key: str = "d-1", body: str = '{"event": "welcome", "name": "Zoë"}', **overrides) -> Message:
    values = dict(idempotency_key=key, channel="shop-hook", channel_kind="webhook", customer_id="cust-1",
                  journey_id="j-1", node_id="n-1", run_id="r-1", to="cust-1", subject="", body=body)
    values.update(overrides)
    return Message(**values)


def receiver(status: int = 200, headers: dict[str, str] | None = None, body: bytes = b'{"ok": true}'):
    """An answer that verifies the signature the way a shop would (HMAC over the raw body) and answers
    401 when it does not match."""
    def answer(seen: Seen):
        expected = "sha256=" + hmac.new(SECRET.encode(), seen.body, hashlib.sha256).hexdigest()
        seen.notes["verified"] = hmac.compare_digest(expected, seen.headers.get(SIGNATURE_HEADER, ""))
        if not seen.notes["verified"]:
            return 401, {}, b"bad signature"
        return status, headers or {}, body
    return answer


def hook(url: str, **options) -> WebhookChannel:
    options.setdefault("secret", SECRET)
    options.setdefault("account", "shop-hook")
    return WebhookChannel(url, **options)


def test_signed_json_post_verified_by_the_receiver(http_server):
    server = http_server(receiver())
    ch = hook(server.url("/hooks/journey"), headers={"X-Shop": "corner"}, authorization=TOKEN)
    result = ch.send(message())
    assert result.status == "sent", result.reason
    [seen] = server.requests
    assert seen.notes["verified"] is True
    assert seen.method == "POST" and seen.path == "/hooks/journey"
    assert seen.body == '{"event": "welcome", "name": "Zoë"}'.encode()  # the rendered body, byte for byte
    assert seen.headers["Content-Type"] == "application/json; charset=utf-8"
    assert seen.headers["Idempotency-Key"] == "d-1"
    assert seen.headers["X-Shop"] == "corner"
    assert seen.headers["Authorization"] == TOKEN


def test_wrong_secret_fails_at_the_receiver(http_server):
    server = http_server(receiver())
    result = hook(server.url(), secret="another-secret").send(message())
    assert result.status == "failed" and not result.retryable and result.code == "401"
    assert server.requests[0].notes["verified"] is False
    assert "another-secret" not in result.reason


def test_body_that_is_not_json_goes_in_an_envelope(http_server):
    server = http_server(receiver())
    assert hook(server.url()).send(message("d-2", body="Order 42 shipped")).status == "sent"
    [seen] = server.requests
    assert seen.notes["verified"] is True
    data = json.loads(seen.body)
    assert data["text"] == "Order 42 shipped" and data["idempotency_key"] == "d-2"
    assert data["customer_id"] == "cust-1" and data["journey_id"] == "j-1"
    assert payload(message(body="[1, 2]")) == b"[1, 2]"
    assert json.loads(payload(message(body="42")))["text"] == "42"


def test_429_with_retry_after_seconds_is_retryable(http_server):
    server = http_server(receiver(429, {"Retry-After": "120"}, b"slow down"))
    result = hook(server.url()).send(message())
    assert result.status == "failed" and result.retryable
    assert result.retry_after == 120.0 and result.code == "429"
    assert "slow down" in result.reason and "shop-hook" in result.reason


def test_503_with_retry_after_date_is_retryable(http_server):
    server = http_server(receiver(503, {"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"}))
    result = hook(server.url()).send(message())
    assert result.status == "failed" and result.retryable and result.code == "503"
    assert result.retry_after is not None and result.retry_after > 365 * 86400


def test_500_is_retryable_without_retry_after(http_server):
    server = http_server(receiver(500, body=b"boom"))
    result = hook(server.url()).send(message())
    assert (result.status, result.retryable, result.retry_after, result.code) == ("failed", True, None, "500")


def test_400_is_permanent_and_keeps_the_reason(http_server):
    server = http_server(receiver(400, body=b'{"error": "unknown customer"}'))
    result = hook(server.url()).send(message())
    assert (result.status, result.retryable, result.code) == ("failed", False, "400")
    assert "unknown customer" in result.reason


def test_secrets_echoed_by_the_server_are_redacted(http_server):
    def echo(seen: Seen):
        return 400, {}, f"bad auth {seen.headers['Authorization']} sig {SECRET}".encode()
    server = http_server(echo)
    result = hook(server.url(), authorization=TOKEN).send(message())
    assert result.status == "failed"
    assert TOKEN not in result.reason and SECRET not in result.reason and "***" in result.reason


def test_nothing_listening_is_retryable():
    result = hook(f"http://127.0.0.1:{free_port()}/").send(message())
    assert result.status == "failed" and result.retryable and "127.0.0.1" in result.reason


def test_no_answer_is_a_retryable_timeout():
    silent = SilentPort()
    try:
        result = hook(f"http://127.0.0.1:{silent.port}/", client=HttpClient(timeout=0.5)).send(message())
    finally:
        silent.close()
    assert result.status == "failed" and result.retryable and "no answer" in result.reason


# --- where requests may go -----------------------------------------------------------------------------

@pytest.mark.parametrize("address", [
    "169.254.169.254", "169.254.0.1", "169.254.170.2", "fd00:ec2::254", "fe80::1", "100.100.100.200",
    "::ffff:169.254.169.254", "::ffff:a9fe:a9fe", "::169.254.169.254", "2002:a9fe:a9fe::1",
    "64:ff9b::169.254.169.254", "0.0.0.0", "::", "224.0.0.1",
])
def test_refused_addresses(address):
    why = refusal(address)
    assert why is not None and ("169.254.169.254" in why or str(ipaddress.ip_address(address)) in why
                                or "fd00:ec2::254" in why)


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "::ffff:127.0.0.1", "10.0.0.5", "192.168.1.20",
                                     "172.16.4.4", "93.184.216.34", "2606:4700::1111", "100.64.0.1"])
def test_allowed_addresses(address):
    assert refusal(address) is None


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://[::ffff:169.254.169.254]/latest/meta-data/",
    "http://2852039166/latest/meta-data/",          # 169.254.169.254 as one decimal number
    "http://0xa9.0xfe.0xa9.0xfe/latest/meta-data/",  # and in hex
    "http://169.254.169.254:8080/",
])
def test_webhook_refuses_metadata_urls(url):
    result = hook(url).send(message())
    assert result.status == "failed" and not result.retryable
    assert "refusing to connect" in result.reason and "shop-hook" in result.reason
    assert hook(url).check().status == "failed"


def test_redirect_to_metadata_from_a_real_server_is_refused(http_server):
    for status in (307, 302):
        server = http_server(lambda seen, status=status: (
            status, {"Location": "http://169.254.169.254/latest/meta-data/iam/security-credentials/"}, b""))
        result = hook(server.url("/hooks/journey")).send(message())
        assert result.status == "failed" and not result.retryable
        assert "169.254.169.254" in result.reason and "link-local" in result.reason
        assert len(server.requests) == 1


class FakeDns:
    """A resolver standing in for DNS: each name answers from a list of address lists, one per
    lookup (the last repeats), so a test can change the answer between lookups."""

    def __init__(self, names: dict[str, list[list[str]]]):
        self.names = names
        self.lookups: list[str] = []

    def __call__(self, host: str, port: int):
        self.lookups.append(host)
        answers = self.names[host]
        answer = answers[min(self.lookups.count(host) - 1, len(answers) - 1)]
        return [ipaddress.ip_address(a) for a in answer]


def test_names_resolving_to_metadata_are_refused():
    dns = FakeDns({"metadata.shop.test": [["169.254.169.254"]],
                   "mixed.shop.test": [["127.0.0.1", "169.254.169.254"]],
                   "v6.shop.test": [["fd00:ec2::254"]]})
    for host in ("metadata.shop.test", "mixed.shop.test", "v6.shop.test"):
        result = hook(f"http://{host}/", client=HttpClient(resolver=dns)).send(message())
        assert result.status == "failed" and not result.retryable
        assert f"{host} resolves to" in result.reason


def test_redirect_to_a_name_resolving_to_metadata_is_refused(http_server):
    dns = FakeDns({"shop.test": [["127.0.0.1"]], "evil.test": [["169.254.169.254"]]})
    server = http_server(lambda seen: (308, {"Location": "http://evil.test/steal"}, b""))
    result = hook(server.url(host="shop.test"), client=HttpClient(resolver=dns)).send(message())
    assert result.status == "failed" and "evil.test resolves to 169.254.169.254" in result.reason
    assert dns.lookups == ["shop.test", "evil.test"] and len(server.requests) == 1


def test_connects_to_the_checked_address_whatever_dns_says_later(http_server):
    # The second lookup would answer the metadata address (DNS rebinding); there must not be one.
    dns = FakeDns({"rebind.test": [["127.0.0.1"], ["169.254.169.254"]]})
    server = http_server(receiver())
    result = hook(server.url("/in", host="rebind.test"), client=HttpClient(resolver=dns)).send(message())
    assert result.status == "sent", result.reason
    assert dns.lookups == ["rebind.test"]
    assert server.requests[0].headers["Host"] == f"rebind.test:{server.port}"


def test_307_to_a_safe_host_repeats_the_signed_post_and_drops_authorization(http_server):
    dns = FakeDns({"a.test": [["127.0.0.1"]], "b.test": [["127.0.0.1"]]})
    target = http_server(receiver())
    first = http_server(lambda seen: (307, {"Location": target.url("/final", host="b.test")}, b""))
    result = hook(first.url("/start", host="a.test"), authorization=TOKEN,
                  client=HttpClient(resolver=dns)).send(message())
    assert result.status == "sent", result.reason
    [moved] = target.requests
    assert moved.path == "/final" and moved.notes["verified"] is True
    assert moved.body == first.requests[0].body
    assert first.requests[0].headers["Authorization"] == TOKEN
    assert moved.headers["Authorization"] is None  # another origin: the credential stays behind


def test_302_is_not_followed_with_a_post(http_server):
    target = http_server(receiver())
    first = http_server(lambda seen: (302, {"Location": target.url("/final")}, b""))
    result = hook(first.url()).send(message())
    assert result.status == "failed" and not result.retryable and "302" in result.reason
    assert target.requests == []


def test_redirect_loops_stop(http_server):
    server = http_server(lambda seen: (307, {"Location": "/again"}, b""))
    result = hook(server.url(), client=HttpClient(max_redirects=3)).send(message())
    assert result.status == "failed" and "redirected more than 3 times" in result.reason
    assert len(server.requests) == 4


# --- TLS ------------------------------------------------------------------------------------------------

def test_https_with_certificate_checked_against_the_name(http_server, certificates):
    server = http_server(receiver(), tls=certificates.server_context())
    client = HttpClient(ssl_context=certificates.client_context())
    url = server.url("/tls", host="localhost")
    result = hook(url, client=client).send(message())
    assert result.status == "sent", result.reason
    assert server.requests[0].notes["verified"] is True
    check = hook(url, client=client).check()
    assert check.status == "sent" and "TLS" in check.reason
    assert len(server.requests) == 1  # the check posted nothing


def test_https_with_an_untrusted_certificate_is_permanent(http_server, certificates):
    server = http_server(receiver(), tls=certificates.server_context())
    client = HttpClient(ssl_context=ssl.create_default_context())
    result = hook(server.url(host="localhost"), client=client).send(message())
    assert result.status == "failed" and not result.retryable and "certificate" in result.reason
    assert server.requests == []


def test_https_redirect_to_plain_http_is_refused(http_server, certificates):
    plain = http_server(receiver())
    server = http_server(lambda seen: (307, {"Location": plain.url("/plain")}, b""),
                         tls=certificates.server_context())
    client = HttpClient(ssl_context=certificates.client_context())
    result = hook(server.url(host="localhost"), client=client).send(message())
    assert result.status == "failed" and "plain http" in result.reason
    assert plain.requests == []


def test_check_connects_without_posting(http_server):
    server = http_server(receiver())
    result = hook(server.url()).check()
    assert result.status == "sent" and "127.0.0.1" in result.reason
    assert server.requests == []
    down = hook(f"http://127.0.0.1:{free_port()}/").check()
    assert down.status == "failed" and down.retryable


# --- pieces ---------------------------------------------------------------------------------------------

def test_parse_retry_after():
    now = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("30", now) == 30.0
    assert parse_retry_after("Sat, 01 Mar 2025 12:01:30 GMT", now) == 90.0
    assert parse_retry_after("Sat, 01 Mar 2025 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None
    assert parse_retry_after("-5", now) is None


def test_parse_headers():
    assert parse_headers("X-Shop: corner\n\n# note\nX-Env:  live ") == {"X-Shop": "corner", "X-Env": "live"}
    with pytest.raises(ValueError, match="line 2"):
        parse_headers("X-Ok: 1\nnot a header")
    with pytest.raises(ValueError, match="Authorization"):
        parse_headers("Authorization: Bearer x")
    with pytest.raises(ValueError, match="cannot be overridden"):
        parse_headers(f"{SIGNATURE_HEADER}: forged")


def test_built_from_the_catalogue(http_server):
    server = http_server(receiver())
    ch = KINDS["webhook"].build({"url": server.url("/k"), "headers": "X-From: catalogue"},
                                {"signing_secret": SECRET}, account="shop-hook")
    assert ch.send(message()).status == "sent"
    assert server.requests[0].notes["verified"] is True
    assert server.requests[0].headers["X-From"] == "catalogue"
