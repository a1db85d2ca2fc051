"""What channels do without a provider: the simulated channel (no network, the same outcome for the
same key), the per-account rate limit on a virtual clock, retry backoff, and the provider catalogue."""

from __future__ import annotations

import socket

import pytest

from engine.channels.base import ChannelResult, Message, RecordingChannel
from engine.channels.kinds import CHANNEL_KINDS, KINDS, open_channel, resolve
from engine.channels.ratelimit import BACKOFF_CAP, RateLimited, backoff
from engine.channels.simulated import SimulatedChannel
from engine.errors import ChannelAccountInvalid


def message(key: str) -> Message:
    return Message(key, "sim", "email", "cust-1", "j-1", "n-1", "r-1", "a@example.com", "Hi", "Body")


# --- simulated ------------------------------------------------------------------------------------------

@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the simulated channel touched the network")
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_simulated_is_deterministic_per_key(no_network):
    a = SimulatedChannel(failure_rate=0.3, seed="demo")
    b = SimulatedChannel(failure_rate=0.3, seed="demo")
    keys = [f"key-{i}" for i in range(400)]
    first = [a.send(message(k)) for k in keys]
    assert first == [b.send(message(k)) for k in keys]
    sent = [r for r in first if r.status == "sent"]
    assert all(r.provider_id.startswith("sim-") for r in sent)
    assert len({r.provider_id for r in sent}) == len(sent)
    failed = [r for r in first if r.status == "failed"]
    assert 0.2 < len(failed) / len(keys) < 0.4
    assert {r.retryable for r in failed} == {True, False}
    assert len(a.attempts) == 400


def test_simulated_same_key_same_provider_id_and_seed_matters(no_network):
    ch = SimulatedChannel()
    assert ch.send(message("k")).provider_id == ch.send(message("k")).provider_id
    assert SimulatedChannel(seed="x").outcome("k").provider_id != SimulatedChannel(seed="y").outcome("k").provider_id
    assert all(ch.send(message(f"k{i}")).status == "sent" for i in range(50))
    assert all(SimulatedChannel(failure_rate=1.0).send(message(f"k{i}")).status == "failed" for i in range(50))


def test_simulated_busy_clears_on_retry_and_permanent_stays(no_network):
    ch = SimulatedChannel(failure_rate=1.0, retryable_share=1.0)
    outcomes = [ch.send(message("busy")) for _ in range(4)]
    assert outcomes[0].status == "failed" and outcomes[0].retryable
    assert outcomes[-1].status == "sent"
    assert [o.status for o in outcomes].index("sent") in (1, 2)
    never = SimulatedChannel(failure_rate=1.0, retryable_share=0.0)
    assert {never.send(message("gone")).status for _ in range(4)} == {"failed"}
    assert ch.check().status == "sent"


def test_simulated_rejects_bad_rates():
    with pytest.raises(ValueError, match="failure_rate"):
        SimulatedChannel(failure_rate=1.5)


# --- rate limit -----------------------------------------------------------------------------------------

class VirtualTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_rate_limit_spaces_sends_evenly():
    t = VirtualTime()
    inner = RecordingChannel()
    limited = RateLimited(inner, 60, clock=t.clock, sleep=t.sleep)
    for i in range(5):
        assert limited.send(message(f"k{i}")).status == "sent"
    assert t.slept == pytest.approx([1.0, 1.0, 1.0, 1.0])
    assert len(inner.messages) == 5
    t.now += 10  # idle: one token back, not ten (no burst after a pause)
    limited.send(message("k5"))
    limited.send(message("k6"))
    assert t.slept[4:] == pytest.approx([1.0])


def test_rate_limit_twenty_a_minute_with_burst():
    t = VirtualTime()
    limited = RateLimited(RecordingChannel(), 20, burst=3, clock=t.clock, sleep=t.sleep)
    for i in range(5):
        limited.send(message(f"k{i}"))
    assert t.slept == pytest.approx([3.0, 3.0])
    assert limited.wait_needed() == pytest.approx(3.0)
    t.now += 1.5
    assert limited.wait_needed() == pytest.approx(1.5)


def test_rate_limit_an_early_wakeup_does_not_let_the_next_send_through():
    t = VirtualTime()
    limited = RateLimited(RecordingChannel(), 60, clock=t.clock, sleep=lambda s: t.slept.append(s))
    limited.send(message("a"))
    limited.send(message("b"))  # sleeps 1 s, but the clock did not move
    limited.send(message("c"))
    assert t.slept == pytest.approx([1.0, 2.0])


def test_no_limit_never_sleeps():
    t = VirtualTime()
    limited = RateLimited(RecordingChannel(), 0, clock=t.clock, sleep=t.sleep)
    for i in range(100):
        limited.send(message(f"k{i}"))
    assert t.slept == []
    with pytest.raises(ValueError):
        RateLimited(RecordingChannel(), -1)


# --- backoff --------------------------------------------------------------------------------------------

def test_backoff_grows_with_jitter_and_is_capped():
    waits = [backoff(n, seed="delivery-1") for n in range(1, 20)]
    assert waits == [backoff(n, seed="delivery-1") for n in range(1, 20)]
    for n, wait in enumerate(waits, start=1):
        delay = min(BACKOFF_CAP, 30.0 * 2 ** (n - 1))
        assert delay / 2 <= wait <= delay
    assert waits[-1] <= BACKOFF_CAP
    assert [backoff(n, seed="delivery-2") for n in range(1, 6)] != waits[:5]


def test_backoff_honours_retry_after_within_the_cap():
    assert backoff(1, retry_after=600, seed="s") == 600
    assert backoff(1, retry_after=1, seed="s") == backoff(1, seed="s")
    assert backoff(1, retry_after=10 * 86400, seed="s") == BACKOFF_CAP
    assert backoff(3, base=1, cap=2, seed="s") <= 2
    with pytest.raises(ValueError):
        backoff(0)


# --- catalogue ------------------------------------------------------------------------------------------

MINIMAL = {
    "smtp": ({"host": "smtp.shop.example", "sender": "news@shop.example"}, {}),
    "twilio": ({"account_sid": "AC1", "sender": "+4915112345678"}, {"auth_token": "tok"}),
    "webhook": ({"url": "https://shop.example/hook"}, {}),
    "slack": ({}, {"webhook_url": "https://hooks.slack.com/services/T1/B1/x"}),
    "teams": ({}, {"webhook_url": "https://prod.example.logic.azure.com/workflows/x"}),
    "wecom": ({}, {"webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}),
    "dingtalk": ({}, {"webhook_url": "https://oapi.dingtalk.com/robot/send?access_token=t"}),
    "simulated": ({}, {}),
}


def test_catalogue_shape():
    assert set(KINDS) == set(MINIMAL)
    for key, kind in KINDS.items():
        assert kind.key == key and kind.label and kind.description
        assert kind.channel_kind in (*CHANNEL_KINDS, "any")
        names = [f.name for f in kind.fields]
        assert len(names) == len(set(names))
        for field in kind.fields:
            assert field.type in ("text", "int", "bool", "choice", "url", "email", "secret", "multiline")
            assert field.label and field.help, (key, field.name)
            assert (field.type == "choice") == bool(field.choices)
            if field.type == "choice":
                assert field.default in field.choices
        assert KINDS[key].defaults().keys() <= {f.name for f in kind.setting_fields}
    assert {f.name for f in KINDS["smtp"].secret_fields} == {"password"}
    assert KINDS["simulated"].carries("sms") and KINDS["smtp"].carries("email") and not KINDS["smtp"].carries("sms")


@pytest.mark.parametrize("key", list(MINIMAL))
def test_every_kind_builds_a_channel_with_check(key):
    settings, secrets = MINIMAL[key]
    channel = KINDS[key].build(settings, secrets, account=f"{key}-1")
    assert callable(channel.send) and callable(channel.check)
    paced = open_channel(key, settings, secrets, account=f"{key}-1", rate_per_minute=30)
    assert isinstance(paced, RateLimited) and paced.per_minute == 30


@pytest.mark.parametrize("key", [k for k, kind in KINDS.items() if any(f.required for f in kind.fields)])
def test_required_fields_are_named(key):
    settings, secrets = MINIMAL[key]
    required = next(f for f in KINDS[key].fields if f.required)
    settings = {k: v for k, v in settings.items() if k != required.name}
    secrets = {k: v for k, v in secrets.items() if k != required.name}
    with pytest.raises(ChannelAccountInvalid) as err:
        KINDS[key].build(settings, secrets, account="acct-1")
    assert "acct-1" in str(err.value) and required.label in str(err.value)


def test_bad_values_are_refused_clearly():
    smtp = KINDS["smtp"]
    with pytest.raises(ChannelAccountInvalid, match="Port.*between 1 and 65535"):
        smtp.build({"host": "h", "sender": "a@b.example", "port": 0}, {})
    with pytest.raises(ChannelAccountInvalid, match="Security.*one of"):
        smtp.build({"host": "h", "sender": "a@b.example", "security": "ssl"}, {})
    with pytest.raises(ChannelAccountInvalid, match="clear text"):
        smtp.build({"host": "smtp.shop.example", "sender": "a@b.example", "security": "none", "username": "u"},
                   {"password": "p"})
    # On this machine a plain login is fine: nothing crosses the network.
    smtp.build({"host": "127.0.0.1", "sender": "a@b.example", "security": "none", "username": "u"}, {"password": "p"})
    with pytest.raises(ChannelAccountInvalid, match="keyring") as err:
        smtp.build({"host": "h", "sender": "a@b.example", "password": "hunter2-hunter2"}, {})
    assert "hunter2" not in str(err.value)
    with pytest.raises(ChannelAccountInvalid, match="token"):
        smtp.build({"host": "h", "sender": "a@b.example", "unsubscribe_url": "https://x.example/u"}, {})
    with pytest.raises(ChannelAccountInvalid, match="line 1"):
        KINDS["webhook"].build({"url": "https://x.example", "headers": "nonsense"}, {})
    with pytest.raises(ChannelAccountInvalid, match="http"):
        KINDS["webhook"].build({"url": "ftp://x.example"}, {})
    with pytest.raises(ChannelAccountInvalid, match="unknown channel kind 'fax'"):
        open_channel("fax", {}, {})


def test_resolve_fills_defaults_and_converts():
    values = resolve(KINDS["smtp"], {"host": " smtp.x.example ", "sender": "a@x.example", "port": "465"},
                     {"password": "pw\n"})
    assert values["host"] == "smtp.x.example" and values["port"] == 465 and values["security"] == "starttls"
    assert values["password"] == "pw" and values["timeout"] == 30


def test_simulated_from_the_catalogue_never_fails_at_zero_percent():
    ch = KINDS["simulated"].build({"failure_percent": 0}, {})
    assert all(ch.send(message(f"k{i}")) == ChannelResult("sent", provider_id=ch.send(message(f"k{i}")).provider_id,
                                                          code="simulated") for i in range(20))
