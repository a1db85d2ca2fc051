"""The four chat bots against real HTTP servers on loopback playing Slack, Teams, WeCom and DingTalk:
each server checks the payload the way the service does (DingTalk verifies the signed timestamp);
errors in a 200 body (WeCom, DingTalk, Teams connectors) are failures; rate limits are retryable."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from urllib.parse import quote_plus

from engine.channels.base import Message
from engine.channels.chat import DingTalkChannel, SlackChannel, TeamsChannel, WeComChannel, dingtalk_sign
from engine.channels.kinds import KINDS
from tests.engine.channels.servers import Seen

DING_SECRET = "SEC0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978"
DING_TOKEN = "9c8b7a6f5e4d3c2b1a09f8e7d6c5b4a39c8b7a6f5e4d3c2b1a09f8e7d6c5b4a3"
WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
SLACK_PATH = "/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"


def message(key: str = "c-1", subject: str = "New order", body: str = "Zoë <zoe@example.com> paid 42 € & more",
            recipients: tuple[str, ...] = (), **overrides) -> Message:
    values = dict(idempotency_key=key, channel="team", channel_kind="chat", customer_id="cust-1",
                  journey_id="j-1", node_id="n-1", run_id="r-1", to=", ".join(recipients), subject=subject,
                  body=body, recipients=recipients)
    values.update(overrides)
    return Message(**values)


def json_answer(status: int, data: dict, headers: dict[str, str] | None = None):
    return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(data).encode()


# --- Slack ----------------------------------------------------------------------------------------------

def slack_server(seen: Seen):
    try:
        data = json.loads(seen.body)
    except ValueError:
        return 400, {}, b"invalid_payload"
    if seen.path != SLACK_PATH:
        return 404, {}, b"no_service"
    if not isinstance(data.get("text"), str) or not data["text"]:
        return 400, {}, b"no_text"
    return 200, {"Content-Type": "text/html"}, b"ok"


def test_slack_payload(http_server):
    server = http_server(slack_server)
    result = SlackChannel(server.url(SLACK_PATH), account="team").send(message())
    assert result.status == "sent", result.reason
    data = json.loads(server.requests[0].body)
    assert data == {"text": "New order\n\nZoë &lt;zoe@example.com&gt; paid 42 € &amp; more"}


def test_slack_error_word_is_the_code_and_the_url_is_never_quoted(http_server):
    server = http_server(slack_server)
    wrong = server.url("/services/T00000000/B00000000/YYYYYYYYYYYYYYYYYYYYYYYY")
    result = SlackChannel(wrong, account="team").send(message())
    assert (result.status, result.retryable, result.code) == ("failed", False, "no_service")
    assert "YYYYYYYYYYYYYYYYYYYYYYYY" not in result.reason and "team" in result.reason


def test_slack_429_is_retryable_with_retry_after(http_server):
    server = http_server(lambda seen: (429, {"Retry-After": "30"}, b"rate_limited"))
    result = SlackChannel(server.url(SLACK_PATH)).send(message())
    assert (result.status, result.retryable, result.retry_after, result.code) == ("failed", True, 30.0,
                                                                                 "rate_limited")


# --- Teams ----------------------------------------------------------------------------------------------

def teams_server(seen: Seen):
    data = json.loads(seen.body)
    ok = (data.get("type") == "message" and len(data.get("attachments", [])) == 1
          and data["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
          and data["attachments"][0]["content"]["type"] == "AdaptiveCard")
    return (202, {}, b"") if ok else (400, {}, b"Bad payload")


def test_teams_adaptive_card(http_server):
    server = http_server(teams_server)
    result = TeamsChannel(server.url("/workflows/abc123def456/triggers/manual/paths/invoke?sig=s1g2n3a4t5u6r7e8"),
                          account="team").send(message())
    assert result.status == "sent", result.reason
    assert result.code == "202"
    card = json.loads(server.requests[0].body)["attachments"][0]["content"]
    assert card["version"] == "1.4"
    assert [block["text"] for block in card["body"]] == ["New order", "Zoë <zoe@example.com> paid 42 € & more"]
    assert all(block["type"] == "TextBlock" and block["wrap"] for block in card["body"])


def test_teams_connector_error_inside_a_200(http_server):
    server = http_server(lambda seen: (200, {}, b"Webhook message delivery failed with error: Microsoft Teams "
                                                b"endpoint returned HTTP error 429 with ContextId tcid=0"))
    result = TeamsChannel(server.url("/webhookb2/x")).send(message())
    assert (result.status, result.retryable, result.code) == ("failed", True, "429")


# --- WeCom ----------------------------------------------------------------------------------------------

def wecom_server(errcode: int = 0, errmsg: str = "ok"):
    def answer(seen: Seen):
        if seen.query.get("key") != [WECOM_KEY]:
            return json_answer(200, {"errcode": 93000, "errmsg": "invalid webhook url"})
        data = json.loads(seen.body)
        if data.get("msgtype") != "text" or not isinstance(data.get("text", {}).get("content"), str):
            return json_answer(200, {"errcode": 40008, "errmsg": "invalid message type"})
        return json_answer(200, {"errcode": errcode, "errmsg": errmsg})
    return answer


def test_wecom_payload_with_mentions(http_server):
    server = http_server(wecom_server())
    url = server.url(f"/cgi-bin/webhook/send?key={WECOM_KEY}")
    result = WeComChannel(url, account="team").send(message(recipients=("zhangsan", "+86 138-0013-8000", "@all")))
    assert result.status == "sent", result.reason
    data = json.loads(server.requests[0].body)
    assert data == {"msgtype": "text", "text": {
        "content": "New order\n\nZoë <zoe@example.com> paid 42 € & more",
        "mentioned_list": ["zhangsan", "@all"], "mentioned_mobile_list": ["+8613800138000"]}}


def test_wecom_errcode_in_a_200_is_a_failure(http_server):
    server = http_server(wecom_server())
    wrong = server.url("/cgi-bin/webhook/send?key=00000000-aaaa-bbbb-cccc-000000000000")
    result = WeComChannel(wrong, account="team").send(message())
    assert (result.status, result.retryable, result.code) == ("failed", False, "93000")
    assert "invalid webhook url" in result.reason and "00000000-aaaa" not in result.reason


def test_wecom_rate_limit_is_retryable(http_server):
    server = http_server(wecom_server(45009, "api freq out of limit"))
    result = WeComChannel(server.url(f"/cgi-bin/webhook/send?key={WECOM_KEY}")).send(message())
    assert (result.status, result.retryable, result.code, result.retry_after) == ("failed", True, "45009", 60.0)


def test_wecom_long_text_is_shortened_to_2048_bytes(http_server):
    server = http_server(wecom_server())
    result = WeComChannel(server.url(f"/cgi-bin/webhook/send?key={WECOM_KEY}")).send(
        message(subject="", body="订单" * 600))
    assert result.status == "sent" and "2048" in result.reason
    content = json.loads(server.requests[0].body)["text"]["content"]
    assert len(content.encode()) <= 2048 and content.endswith("…") and content.startswith("订单订单")


# --- DingTalk -------------------------------------------------------------------------------------------

def dingtalk_server(secret: str = DING_SECRET, errcode: int = 0, errmsg: str = "ok"):
    """DingTalk's check: the timestamp and sign in the query must match HMAC-SHA256 of
    "{timestamp}\\n{secret}" under the secret, base64-encoded (parse_qs has undone the URL-encoding)."""
    def answer(seen: Seen):
        query = seen.query
        if query.get("access_token") != [DING_TOKEN]:
            return json_answer(200, {"errcode": 300001, "errmsg": "token is not exist"})
        timestamp, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
        expected = base64.b64encode(hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(),
                                             hashlib.sha256).digest()).decode()
        seen.notes["signed"] = hmac.compare_digest(expected, sign)
        if not seen.notes["signed"]:
            return json_answer(200, {"errcode": 310000, "errmsg": "sign not match"})
        data = json.loads(seen.body)
        if data.get("msgtype") != "text":
            return json_answer(200, {"errcode": 40035, "errmsg": "missing msgtype"})
        return json_answer(200, {"errcode": errcode, "errmsg": errmsg})
    return answer


def ding(server, secret: str = DING_SECRET, **options) -> DingTalkChannel:
    return DingTalkChannel(server.url(f"/robot/send?access_token={DING_TOKEN}"), secret=secret,
                           clock=lambda: 1_700_000_000.123, account="team", **options)


def test_dingtalk_signed_payload(http_server):
    server = http_server(dingtalk_server())
    result = ding(server).send(message(recipients=("+86 138 0013 8000", "manager01", "@all")))
    assert result.status == "sent", result.reason
    [seen] = server.requests
    assert seen.notes["signed"] is True
    assert seen.query["timestamp"] == ["1700000000123"]
    data = json.loads(seen.body)
    assert data["msgtype"] == "text"
    assert data["text"]["content"] == ("New order\n\nZoë <zoe@example.com> paid 42 € & more\n"
                                       "@+8613800138000 @manager01")
    assert data["at"] == {"atMobiles": ["+8613800138000"], "atUserIds": ["manager01"], "isAtAll": True}


def test_dingtalk_wrong_secret_fails_at_the_receiver(http_server):
    server = http_server(dingtalk_server())
    result = ding(server, secret="SECwrongwrongwrongwrong").send(message())
    assert (result.status, result.retryable, result.code) == ("failed", False, "310000")
    assert server.requests[0].notes["signed"] is False
    assert "SECwrongwrongwrongwrong" not in result.reason and DING_TOKEN not in result.reason


def test_dingtalk_too_fast_is_retryable(http_server):
    server = http_server(dingtalk_server(errcode=130101, errmsg="send too fast, exceed 20 times per minute"))
    result = ding(server).send(message())
    assert (result.status, result.retryable, result.code, result.retry_after) == ("failed", True, "130101", 60.0)


def test_dingtalk_sign_value():
    # Computed independently: base64(HMAC-SHA256(key=secret, msg="1700000000123\nsecret")), URL-encoded.
    digest = hmac.new(b"SECabc", b"1700000000123\nSECabc", hashlib.sha256).digest()
    assert dingtalk_sign("SECabc", 1700000000123) == quote_plus(base64.b64encode(digest).decode())


# --- shared ---------------------------------------------------------------------------------------------

def test_every_chat_kind_refuses_metadata_addresses():
    for cls in (SlackChannel, TeamsChannel, WeComChannel, DingTalkChannel):
        result = cls("http://169.254.169.254/latest/meta-data/").send(message())
        assert result.status == "failed" and not result.retryable and "link-local" in result.reason


def test_chat_kinds_from_the_catalogue_and_check(http_server):
    servers = {"slack": (http_server(slack_server), SLACK_PATH),
               "teams": (http_server(teams_server), "/workflows/x/invoke"),
               "wecom": (http_server(wecom_server()), f"/cgi-bin/webhook/send?key={WECOM_KEY}"),
               "dingtalk": (http_server(dingtalk_server()), f"/robot/send?access_token={DING_TOKEN}")}
    for key, (server, path) in servers.items():
        secrets = {"webhook_url": server.url(path)}
        if key == "dingtalk":
            secrets["sign_secret"] = DING_SECRET
        ch = KINDS[key].build({}, secrets, account=f"{key}-team")
        assert ch.check().status == "sent"
        assert server.requests == [], key  # the check posts nothing
        assert ch.send(message()).status == "sent", key
        assert len(server.requests) == 1
        assert server.url(path) not in repr(ch)
