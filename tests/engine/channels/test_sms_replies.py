"""SMS replies read back from a Twilio-compatible Messages list: a real HTTP server on loopback plays
the provider (Basic auth checked, the To and DateSent filters applied, pages of its own size linked
by next_page_uri). STOP replies become opt-outs for their senders only, each once; later reads ask
only for what is new; a refused login names no secret; and a journey's SMS to someone who replied
STOP is skipped, by the runner and by the live engine's first pass."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlencode

import pytest

from engine.channels.accounts import AccountStore
from engine.channels.base import RecordingChannel
from engine.channels.optouts import OptOutStore, is_stop_reply
from engine.channels.sms_replies import META_PREFIX, fetch_all_sms_replies, fetch_sms_replies
from engine.cli import main as cli
from engine.commands import make_node
from engine.document import Journey
from engine.errors import ChannelAccountInvalid, MailboxUnavailable, SmsRepliesUnavailable
from engine.runtime.clock import VirtualClock
from engine.runtime.live import LiveEngine
from engine.runtime.runner import Runner
from engine.store.runs import RunStore
from engine.store.workspace import Workspace
from tests.conftest import connect
from tests.engine.channels.servers import Seen, free_port

SID = "AC5d0c9e8f7a6b5c4d3e2f1a0b9c8d7e6f"
TOKEN = "Sms-Auth-Token-8d1f0e2a"
SENDER = "+4915112345678"
SERVICE = "MG" + "4" * 32
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
LIST_PATH = f"/2010-04-01/Accounts/{SID}/Messages.json"

ANN, BOB, CHEN, DORA = "+4917611111111", "+4917622222222", "+8613800000000", "+4917644444444"


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace.open(tmp_path / "ws") as workspace:
        yield workspace


# ---------------------------------------------------------------------------------------------
# The provider
# ---------------------------------------------------------------------------------------------


def sms(sid: str, frm: str, body: str, at: datetime, *, to: str = SENDER, direction: str = "inbound",
        service: str | None = None) -> dict:
    """A Message resource as Twilio lists it."""
    return {"sid": sid, "account_sid": SID, "from": frm, "to": to, "body": body, "direction": direction,
            "status": "received" if direction == "inbound" else "delivered", "messaging_service_sid": service,
            "date_created": format_datetime(at), "date_sent": format_datetime(at), "num_segments": "1"}


@dataclass
class Provider:
    """Twilio's Messages list as far as the reader uses it: Basic auth (a wrong one gets a 401 whose
    text echoes the header it got, as a careless server might), ``To`` and ``DateSent>`` filters,
    newest first, pages of at most ``page_size`` linked by a ``PageToken`` next_page_uri."""

    messages: list[dict] = field(default_factory=list)
    page_size: int = 2
    fail: int | None = None
    next_elsewhere: str = ""

    def answer(self, seen: Seen) -> tuple[int, dict[str, str], bytes]:
        headers = {"Content-Type": "application/json"}
        expected = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
        got = seen.headers.get("Authorization") or ""
        if got != expected:
            return 401, headers, json.dumps({"code": 20003, "status": 401,
                                             "message": f"Authenticate ({got} is not valid)"}).encode()
        if seen.method != "GET" or seen.path.split("?")[0] != LIST_PATH:
            return 404, headers, json.dumps({"code": 20404, "message": "not found"}).encode()
        if self.fail:
            return self.fail, headers, json.dumps({"code": 20500, "message": "Internal error"}).encode()
        query = {k: v[0] for k, v in seen.query.items()}
        found = sorted(self.messages, key=lambda m: _when(m), reverse=True)
        if "To" in query:
            found = [m for m in found if m["to"] == query["To"]]
        if "DateSent>" in query:
            since = datetime.strptime(query["DateSent>"], "%Y-%m-%d").replace(tzinfo=UTC)
            found = [m for m in found if _when(m) >= since]
        start = 0
        if "PageToken" in query:
            after = query["PageToken"].removeprefix("PA")
            start = next(i for i, m in enumerate(found) if m["sid"] == after) + 1
        size = min(int(query.get("PageSize", "50")), self.page_size)
        page = found[start:start + size]
        following = None
        if start + size < len(found):
            rest = {k: v for k, v in query.items() if k not in ("Page", "PageToken")}
            rest.update(Page=str(int(query.get("Page", "0")) + 1), PageToken="PA" + page[-1]["sid"])
            following = self.next_elsewhere + LIST_PATH + "?" + urlencode(rest)
        return 200, headers, json.dumps({"messages": page, "next_page_uri": following, "page_size": size,
                                         "page": int(query.get("Page", "0"))}).encode()


def _when(message: dict) -> datetime:
    from email.utils import parsedate_to_datetime

    return parsedate_to_datetime(message["date_sent"])


def conversation() -> list[dict]:
    """Replies over two days, with the shop's own messages in between."""
    return [
        sms("SM01", SENDER, "Spring sale: 20% off. Reply STOP to opt out", T0 - timedelta(days=1), to=ANN,
            direction="outbound-api"),
        sms("SM02", ANN, "STOP", T0 - timedelta(hours=20)),
        sms("SM03", BOB, "stop please", T0 - timedelta(hours=6)),
        sms("SM04", CHEN, "退订", T0 - timedelta(hours=3)),
        sms("SM05", DORA, "Thanks, see you on Saturday!", T0 - timedelta(hours=2)),
        # A message the shop's number itself sent that says STOP is nobody's opt-out.
        sms("SM06", SENDER, "STOP", T0 - timedelta(minutes=100), direction="outbound-reply"),
        sms("SM07", BOB, "Is the sale on Sunday too?", T0 - timedelta(minutes=30)),
        # A STOP to another number of the same account is not a reply to this one.
        sms("SM08", DORA, "STOP", T0 - timedelta(minutes=20), to="+4915199999999"),
    ]


def people(ws: Workspace) -> dict[str, str]:
    return {name: ws.upsert_customer({"phone": number}, {"first_name": name.title(), "phone": number},
                                     consent={"sms": True, "email": True})
            for name, number in (("ann", ANN), ("bob", BOB), ("chen", CHEN), ("dora", DORA))}


def sms_account(ws: Workspace, base_url: str, *, token: str = TOKEN, sender: str = SENDER) -> AccountStore:
    store = AccountStore(ws)
    store.add("sms-main", "Shop texts", "twilio", {"account_sid": SID, "sender": sender, "base_url": base_url},
              {"auth_token": token})
    return store


def authorised(seen: Seen) -> bool:
    return seen.headers.get("Authorization") == "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()


# ---------------------------------------------------------------------------------------------
# Reading replies
# ---------------------------------------------------------------------------------------------


def test_the_stop_words_the_reader_relies_on():
    for body in ("STOP", "stop", "Stop.", "退订", "UNSUBSCRIBE"):
        assert is_stop_reply(body), body
    for body in ("stop please", "Thanks, see you on Saturday!", "Is the sale on Sunday too?"):
        assert not is_stop_reply(body), body


def test_stop_replies_become_opt_outs_of_their_senders_only(ws, vault, http_server):
    who = people(ws)
    provider = Provider(conversation())
    server = http_server(provider.answer)
    sms_account(ws, server.url(""))

    assert fetch_sms_replies(ws, "sms-main") == 2

    # Every page was asked for with the account's credentials, filtered to replies to the sender.
    assert len(server.requests) == 3 and all(authorised(r) for r in server.requests)
    first = server.requests[0]
    assert first.method == "GET" and first.path.split("?")[0] == LIST_PATH
    assert first.query == {"To": [SENDER], "PageSize": ["100"]}  # no cursor yet: the whole history
    assert [r.query.get("PageToken") for r in server.requests[1:]] == [["PASM06"], ["PASM04"]]

    found = {o.address: o for o in OptOutStore(ws).list()}
    assert set(found) == {ANN, CHEN}
    assert (found[ANN].customer_id, found[ANN].source, found[ANN].reference, found[ANN].channel_kind) == \
        (who["ann"], "sms", "twilio:SM02", "sms")
    assert found[ANN].received_at == T0 - timedelta(hours=20)  # when Ann replied, not when it was read
    assert (found[CHEN].customer_id, found[CHEN].reference) == (who["chen"], "twilio:SM04")
    assert ws.get_customer(who["ann"]).consent == {"sms": False, "email": True}
    assert ws.get_customer(who["chen"]).consent == {"sms": False, "email": True}
    for name in ("bob", "dora"):
        assert ws.get_customer(who[name]).consent == {"sms": True, "email": True}


def test_later_reads_ask_only_for_new_replies_and_count_nothing_twice(ws, vault, http_server):
    who = people(ws)
    provider = Provider(conversation())
    server = http_server(provider.answer)
    sms_account(ws, server.url(""))
    assert fetch_sms_replies(ws, "sms-main") == 2
    server.requests.clear()

    assert fetch_sms_replies(ws, "sms-main") == 0
    # Only messages from the day of the newest one read (less the overlap) are asked for, and the
    # read stops at the first message older than that: one page instead of three.
    assert len(server.requests) == 1
    assert server.requests[0].query == {"To": [SENDER], "DateSent>": ["2026-03-02"], "PageSize": ["100"]}
    assert len(OptOutStore(ws).list()) == 2

    provider.messages.append(sms("SM09", DORA, "Stop!", T0 + timedelta(minutes=5)))
    server.requests.clear()
    assert fetch_sms_replies(ws, "sms-main") == 1
    assert len(server.requests) == 2  # the new reply and SM07 on page 1; page 2 starts with older ones
    assert {o.address for o in OptOutStore(ws).list()} == {ANN, CHEN, DORA}
    assert ws.get_customer(who["dora"]).consent["sms"] is False
    assert ws.get_customer(who["bob"]).consent["sms"] is True


@pytest.mark.parametrize("meta", [None, "", "not json", json.dumps({"for": ["AC-other", SENDER, "x"],
                                                                    "newest": T0.isoformat()})])
def test_without_the_remembered_position_everything_is_read_again_and_nothing_recorded_twice(
        ws, vault, http_server, meta):
    people(ws)
    provider = Provider(conversation())
    server = http_server(provider.answer)
    sms_account(ws, server.url(""))
    assert fetch_sms_replies(ws, "sms-main") == 2
    with ws._session(write=True) as s:
        from engine.store.models import MetaRow

        row = s.get(MetaRow, META_PREFIX + "sms-main")
        assert row is not None
        if meta is None:
            s.delete(row)
        else:
            row.value = meta
    server.requests.clear()

    assert fetch_sms_replies(ws, "sms-main") == 0
    assert len(server.requests) == 3 and "DateSent>" not in server.requests[0].query
    assert len(OptOutStore(ws).list()) == 2


def test_a_long_backlog_is_read_over_several_calls(ws, vault, http_server):
    """Six pages of replies: the first call reads five and keeps its place, the second reads the
    last one, and only then do reads start again from the newest message."""
    numbers = [f"+491700000{i:04d}" for i in range(12)]
    messages = [sms(f"SM{100 + i}", number, "STOP" if i % 3 == 2 else "ok", T0 - timedelta(hours=i))
                for i, number in enumerate(numbers)]  # SM100 is the newest
    server = http_server(Provider(messages).answer)
    sms_account(ws, server.url(""))

    assert fetch_sms_replies(ws, "sms-main") == 3  # pages 1-5: messages 0-9, with STOPs at 2, 5 and 8
    assert len(server.requests) == 5
    assert {o.address for o in OptOutStore(ws).list()} == {numbers[2], numbers[5], numbers[8]}
    server.requests.clear()

    assert fetch_sms_replies(ws, "sms-main") == 1  # page 6: messages 10 and 11
    assert [r.query.get("PageToken") for r in server.requests] == [["PASM109"]]  # went on where it stopped
    assert {o.address for o in OptOutStore(ws).list()} == {numbers[2], numbers[5], numbers[8], numbers[11]}
    server.requests.clear()

    assert fetch_sms_replies(ws, "sms-main") == 0
    assert "PageToken" not in server.requests[0].query and "DateSent>" in server.requests[0].query


def test_a_messaging_service_sender_reads_the_replies_of_that_service(ws, vault, http_server):
    messages = [sms("SM21", ANN, "STOP", T0 - timedelta(hours=1), to="+4915100000001", service=SERVICE),
                sms("SM22", BOB, "STOP", T0 - timedelta(hours=2), to="+4915100000002", service="MG" + "5" * 32),
                sms("SM23", CHEN, "STOP", T0 - timedelta(hours=3), to="+4915100000003"),
                sms("SM24", SERVICE, "STOP", T0 - timedelta(hours=4), to=DORA, direction="outbound-api",
                    service=SERVICE)]
    server = http_server(Provider(messages).answer)
    sms_account(ws, server.url(""), sender=SERVICE)
    assert fetch_sms_replies(ws, "sms-main") == 1
    assert "To" not in server.requests[0].query  # a service SID is no number to filter by
    assert [o.address for o in OptOutStore(ws).list()] == [ANN]


def test_a_sender_typed_with_spaces_is_asked_for_as_the_provider_writes_it(ws, vault, http_server):
    people(ws)
    server = http_server(Provider(conversation()).answer)
    sms_account(ws, server.url(""), sender="+49 151 1234-5678")
    assert fetch_sms_replies(ws, "sms-main") == 2
    assert server.requests[0].query["To"] == [SENDER]


def test_a_sender_id_has_no_replies_to_read(ws, vault, http_server):
    server = http_server(Provider(conversation()).answer)
    sms_account(ws, server.url(""), sender="CornerShop")
    assert fetch_sms_replies(ws, "sms-main") == 0
    assert fetch_all_sms_replies(ws) == {}
    assert server.requests == []


def test_only_sms_accounts_have_replies(ws, vault):
    AccountStore(ws).add("email-main", "Shop mail", "smtp", {"host": "127.0.0.1", "security": "none",
                                                             "sender": "news@shop.example"})
    with pytest.raises(ChannelAccountInvalid, match="only SMS"):
        fetch_sms_replies(ws, "email-main")
    assert fetch_all_sms_replies(ws) == {}


# ---------------------------------------------------------------------------------------------
# Failures
# ---------------------------------------------------------------------------------------------


def test_a_refused_token_is_reported_without_the_token(ws, vault, http_server):
    people(ws)
    server = http_server(Provider(conversation()).answer)
    wrong = "Wrong-Token-3b9a77c1"
    sms_account(ws, server.url(""), token=wrong)
    header = base64.b64encode(f"{SID}:{wrong}".encode()).decode()

    with pytest.raises(SmsRepliesUnavailable) as caught:
        fetch_sms_replies(ws, "sms-main")
    text = str(caught.value)
    assert isinstance(caught.value, MailboxUnavailable)  # handled wherever mailbox failures are
    assert "refused the account SID or auth token: 401" in text
    assert "sms-main" in text and "127.0.0.1" in text
    assert "Authenticate" in text  # the provider's own words, with the echoed header blanked out
    assert wrong not in text and header not in text
    assert server.requests and not authorised(server.requests[0])

    results = fetch_all_sms_replies(ws)
    assert set(results) == {"sms-main"} and "refused the account SID or auth token" in str(results["sms-main"])
    assert wrong not in str(results["sms-main"]) and header not in str(results["sms-main"])
    assert OptOutStore(ws).list() == []


def test_server_errors_and_no_server_are_reported(ws, vault, http_server):
    server = http_server(Provider(conversation(), fail=503).answer)
    sms_account(ws, server.url(""))
    with pytest.raises(SmsRepliesUnavailable, match="answered 503 .*Internal error.*try again later"):
        fetch_sms_replies(ws, "sms-main")

    AccountStore(ws).update("sms-main", settings={"base_url": f"http://127.0.0.1:{free_port()}"})
    with pytest.raises(SmsRepliesUnavailable, match="cannot reach the provider") as caught:
        fetch_sms_replies(ws, "sms-main")
    assert TOKEN not in str(caught.value)


def test_a_next_page_on_another_server_is_not_followed(ws, vault, http_server):
    """The next page link would carry the credentials; only the account's own server gets them."""
    people(ws)
    elsewhere = http_server(Provider(conversation()).answer)
    server = http_server(Provider(conversation(), next_elsewhere=elsewhere.url("").rstrip("/")).answer)
    sms_account(ws, server.url(""))
    with pytest.raises(SmsRepliesUnavailable, match="another server"):
        fetch_sms_replies(ws, "sms-main")
    assert len(server.requests) == 1 and elsewhere.requests == []


# ---------------------------------------------------------------------------------------------
# After a STOP, no text
# ---------------------------------------------------------------------------------------------


def sms_journey(ws: Workspace, registry, trigger: dict | None = None) -> Journey:
    journey = Journey(name="Spring sale texts")
    journey.settings.status = "live"
    entry = make_node(registry, "orchestrate.entry", title="Start",
                      config={"trigger": trigger or {"kind": "manual"}})
    send = make_node(registry, "orchestrate.send", title="Sale text",
                     config={"channel": "sms-main", "channel_kind": "sms",
                             "body": "Hi {{ customer.first_name }}, 20% off this weekend."})
    done = make_node(registry, "orchestrate.exit", title="Done")
    journey.nodes += [entry, send, done]
    connect(journey, entry, "next", send)
    connect(journey, send, "sent", done)
    ws.create_journey(journey)
    ws.publish(journey.id, registry)
    return journey


def test_a_journey_sends_no_text_to_someone_who_replied_stop(ws, vault, registry, http_server):
    who = people(ws)
    server = http_server(Provider(conversation()).answer)
    sms_account(ws, server.url(""))
    assert fetch_all_sms_replies(ws) == {"sms-main": 2}
    # A later CRM sync says "consent: yes" again; the opt-out itself still stops the text.
    ws.upsert_customer({"phone": ANN}, consent={"sms": True})

    journey = sms_journey(ws, registry)
    channel = RecordingChannel()
    runner = Runner(ws, registry, VirtualClock(T0), channels={"sms-main": channel}, mode="live")
    for customer_id in who.values():
        runner.enter(journey.id, customer_id)
    runner.tick()

    assert sorted(m.to for m in channel.messages) == [BOB, DORA]
    outcome = {d.customer_id: d for d in RunStore(ws).deliveries()}
    assert (outcome[who["ann"]].status, outcome[who["ann"]].reason) == ("skipped", "opted out")
    assert outcome[who["chen"]].status == "skipped"
    assert outcome[who["chen"]].reason in ("opted out", "no consent")
    assert outcome[who["bob"]].status == outcome[who["dora"]].status == "sent"


def test_the_live_engine_reads_replies_before_its_first_sends(ws, vault, registry, http_server):
    who = people(ws)
    provider = Provider(conversation())
    server = http_server(provider.answer)
    sms_account(ws, server.url(""))
    sms_journey(ws, registry, {"kind": "event", "event": "viewed_sale"})
    # Everyone looked at the sale while the app was closed; their texts go out on the first pass.
    for number in (ANN, BOB, CHEN, DORA):
        ws.ingest_event({"phone": number}, "viewed_sale", occurred_at=T0 - timedelta(minutes=5))
    channel = RecordingChannel()
    engine = LiveEngine(ws, registry, VirtualClock(T0), {"sms-main": channel})

    result = engine.run_pass()
    assert (result.opt_outs, result.problems, result.events) == (2, (), 4)
    assert "2 opt-outs read from unsubscribe mail and SMS replies" in result.describe()
    assert sorted(m.to for m in channel.messages) == [BOB, DORA]
    # The replies were read first: Ann's and Chen's consent was gone before their texts were due.
    outcome = {d.customer_id: d for d in RunStore(ws).deliveries()}
    for name in ("ann", "chen"):
        assert (outcome[who[name]].status, outcome[who[name]].reason) == ("skipped", "no consent")

    provider.fail = 500  # a provider that is down later is a warning, not a stop
    opt_outs, problems = engine.read_mailboxes()
    assert opt_outs == 0 and len(problems) == 1
    assert problems[0].startswith("SMS replies of 'sms-main' not read: ") and "answered 500" in problems[0]
    assert TOKEN not in problems[0]


# ---------------------------------------------------------------------------------------------
# journey-studio channels fetch-replies
# ---------------------------------------------------------------------------------------------


def test_the_fetch_replies_command(tmp_path, vault, http_server, capsys):
    server = http_server(Provider(conversation()).answer)
    with Workspace.open(tmp_path / "ws") as workspace:
        people(workspace)
        sms_account(workspace, server.url(""))
    where = ["--workspace", str(tmp_path / "ws")]

    assert cli(["channels", "fetch-replies", *where]) == 0
    assert capsys.readouterr().out == "sms-main: 2 new opt-outs\n"
    assert cli(["channels", "fetch-replies", "sms-main", *where]) == 0
    assert capsys.readouterr().out == "sms-main: 0 new opt-outs\n"

    with Workspace.open(tmp_path / "ws") as workspace:
        AccountStore(workspace).update("sms-main", secrets={"auth_token": "Wrong-Token-3b9a77c1"})
    assert cli(["channels", "fetch-replies", *where]) == 1
    out, err = capsys.readouterr()
    assert "sms-main: " in out and "refused the account SID or auth token" in out
    assert "Wrong-Token-3b9a77c1" not in out + err
