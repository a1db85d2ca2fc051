"""No secret leaks: a journey runs end to end through real servers on loopback (SMTP with login, a
signed webhook, an SMS provider and a chat bot that refuse, an SMTP login that fails), then the
workspace database and its WAL, every exported file and everything logged or printed are searched
for each secret, raw and in the encodings that carry credentials (base64 of Basic and SMTP AUTH, URL
encoding): zero hits."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from engine.channels.accounts import AccountStore
from engine.channels.webhook import SIGNATURE_HEADER
from engine.cli import main as cli
from engine.commands import make_node
from engine.document import Journey, save
from engine.runtime.clock import VirtualClock
from engine.runtime.runner import Runner
from engine.secrets import SERVICE
from engine.store.runs import RunStore
from engine.store.workspace import Workspace
from tests.conftest import connect
from tests.engine.channels.servers import Seen, free_port

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

SMTP_USER = "shop@corner.example"
SMTP_PASSWORD = "smtp-Pa55-Qx7Zr31"
WRONG_SMTP_PASSWORD = "wrong-Pa55-Kd82Lm"
IMAP_PASSWORD = "imap-Pa55-Zz1Xx2Cc"
TWILIO_SID = "AC0123456789abcdef0123456789abcdef"
TWILIO_TOKEN = "twilio-Tok-Hh5Jk9Pq"
WEBHOOK_SECRET = "whsec-Sign-Ww3Ee4Rr"
WEBHOOK_AUTH = "Bearer authz-Tok-Uu6Ii7Oo"
SLACK_PATH_SECRET = "slack-Hook-Yy8Tt9Gg"


@dataclass
class MailServer:
    """aiosmtpd with AUTH on loopback (no TLS: the account uses a loopback server without it)."""

    received: list[tuple[str | None, list[str], bytes]] = field(default_factory=list)
    logins: list[tuple[str, bool]] = field(default_factory=list)

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == SMTP_USER.encode() and auth_data.password == SMTP_PASSWORD.encode()
        self.logins.append((mechanism, ok))
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    async def handle_DATA(self, server, session, envelope):
        login = session.auth_data.login.decode() if session.authenticated and session.auth_data else None
        self.received.append((login, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


@pytest.fixture
def mail_server() -> Iterator[tuple[int, MailServer]]:
    server = MailServer()
    port = free_port()
    controller = Controller(server, hostname="127.0.0.1", port=port, authenticator=server.authenticate,
                            auth_require_tls=False, auth_required=True)
    controller.start()
    yield port, server
    controller.stop()


def _webhook_receiver(seen: Seen) -> tuple[int, dict[str, str], bytes]:
    expected = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), seen.body, hashlib.sha256).hexdigest()
    seen.notes["verified"] = hmac.compare_digest(expected, seen.headers.get(SIGNATURE_HEADER, ""))
    seen.notes["authorized"] = seen.headers.get("Authorization") == WEBHOOK_AUTH
    if not (seen.notes["verified"] and seen.notes["authorized"]):
        return 401, {}, b"bad signature"
    return 200, {"Content-Type": "application/json"}, b'{"ok": true}'


def _sms_refusal(seen: Seen) -> tuple[int, dict[str, str], bytes]:
    body = {"code": 20003, "message": "Authenticate", "status": 401,
            "more_info": "https://www.twilio.com/docs/errors/20003"}
    return 401, {"Content-Type": "application/json"}, json.dumps(body).encode()


def _chat_refusal(seen: Seen) -> tuple[int, dict[str, str], bytes]:
    return 403, {"Content-Type": "text/plain"}, b"invalid_token"


def _journey(registry) -> Journey:
    """entry → email → email through a refused login → SMS → webhook → staff chat → exit; every send
    goes on whatever its outcome."""
    journey = Journey(name="Order follow-up")
    journey.settings.status = "live"
    entry = make_node(registry, "orchestrate.entry", title="Ordered", config={"trigger": {"kind": "manual"}})
    steps = [
        make_node(registry, "orchestrate.send", title="Thank-you mail",
                  config={"channel": "email-main", "channel_kind": "email",
                          "subject": "Thanks, {{ customer.first_name }}", "body": "Your order is on its way.",
                          "html_body": "<p>Thanks, <b>{{ customer.first_name }}</b></p>"}),
        make_node(registry, "orchestrate.send", title="Mail through the old account",
                  config={"channel": "email-old", "channel_kind": "email", "subject": "Hello",
                          "body": "Hello {{ customer.first_name }}"}),
        make_node(registry, "orchestrate.send", title="Text",
                  config={"channel": "sms-main", "channel_kind": "sms", "body": "Order shipped"}),
        make_node(registry, "orchestrate.send", title="Tell the shop",
                  config={"channel": "shop-hook", "channel_kind": "webhook",
                          "body": '{"event": "follow_up", "customer": "{{ customer.id }}"}'}),
    ]
    notify = make_node(registry, "orchestrate.notify_staff", title="Tell the team",
                       config={"channel": "team-chat", "channel_kind": "chat",
                               "message": "{{ customer.first_name }} ordered"})
    done = make_node(registry, "orchestrate.exit", title="Done")
    journey.nodes += [entry, *steps, notify, done]
    connect(journey, entry, "next", steps[0])
    for here, after in zip(steps, [*steps[1:], notify], strict=True):
        for port in ("sent", "failed", "skipped"):
            connect(journey, here, port, after)
    connect(journey, notify, "next", done)
    connect(journey, notify, "failed", done)
    return journey


def _secrets() -> dict[str, str]:
    return {"SMTP password": SMTP_PASSWORD, "wrong SMTP password": WRONG_SMTP_PASSWORD,
            "IMAP password": IMAP_PASSWORD, "Twilio token": TWILIO_TOKEN, "webhook secret": WEBHOOK_SECRET,
            "webhook authorization": WEBHOOK_AUTH, "Slack webhook path": SLACK_PATH_SECRET}


def _forms(secrets: dict[str, str]) -> dict[str, bytes]:
    """Each secret as bytes, raw and in the forms that carry credentials on the wire and in files."""
    def b64(text: str) -> bytes:
        return base64.b64encode(text.encode())

    forms: dict[str, bytes] = {}
    for name, value in secrets.items():
        forms[name] = value.encode()
        forms[f"{name} (base64)"] = b64(value)
        forms[f"{name} (URL-encoded)"] = quote(value, safe="").encode()
    forms["Basic auth of the Twilio account"] = b64(f"{TWILIO_SID}:{TWILIO_TOKEN}")
    forms["Basic auth token part"] = b64(f":{TWILIO_TOKEN}")[4:]  # as it appears inside a longer base64
    for password in (SMTP_PASSWORD, WRONG_SMTP_PASSWORD):
        forms[f"SMTP AUTH PLAIN with {password[:5]}"] = b64(f"\0{SMTP_USER}\0{password}")
        forms[f"SMTP AUTH PLAIN (authzid) with {password[:5]}"] = b64(f"{SMTP_USER}\0{SMTP_USER}\0{password}")
    forms["webhook token alone"] = WEBHOOK_AUTH.split()[1].encode()
    return forms


def _hits(forms: dict[str, bytes], where: str, data: bytes) -> list[str]:
    return [f"{name} in {where}" for name, form in forms.items() if form in data]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # loopback, on purpose
def test_no_secret_reaches_the_database_an_export_or_a_log(tmp_path: Path, vault, registry, mail_server, http_server,
                                                           caplog, capfd):
    caplog.set_level(logging.DEBUG)  # every logger, everything
    smtp_port, mail = mail_server
    hook_server = http_server(_webhook_receiver)
    sms_server = http_server(_sms_refusal)
    chat_server = http_server(_chat_refusal)
    slack_url = chat_server.url(f"/services/T0001/B0001/{SLACK_PATH_SECRET}")
    export = tmp_path / "export"
    export.mkdir()
    ws = Workspace.open(tmp_path / "ws")
    try:
        store = AccountStore(ws)
        smtp = {"host": "127.0.0.1", "port": smtp_port, "security": "none", "username": SMTP_USER,
                "sender": "Corner Shop <news@corner.example>", "unsubscribe_mailto": "unsubscribe@corner.example"}
        store.add("email-main", "Shop mail", "smtp", {**smtp, "imap_host": "127.0.0.1", "imap_security": "none"},
                  {"password": SMTP_PASSWORD, "imap_password": IMAP_PASSWORD})
        store.add("email-old", "Old mail", "smtp", smtp, {"password": WRONG_SMTP_PASSWORD})
        store.add("sms-main", "Texts", "twilio", {"account_sid": TWILIO_SID, "sender": "+15005550006",
                                                 "base_url": sms_server.url("")}, {"auth_token": TWILIO_TOKEN})
        store.add("shop-hook", "Shop webhook", "webhook", {"url": hook_server.url("/hooks/journey")},
                  {"signing_secret": WEBHOOK_SECRET, "authorization": WEBHOOK_AUTH})
        store.add("team-chat", "Team", "slack", {}, {"webhook_url": slack_url})
        assert len(vault.entries) == 7 and all(service == SERVICE for service, _ in vault.entries)

        ann = ws.upsert_customer({"email": "ann@example.com", "phone": "+15005550009"},
                                 {"first_name": "Ann", "email": "ann@example.com", "phone": "+15005550009"},
                                 consent={"email": True, "sms": True, "webhook": True})
        journey = _journey(registry)
        ws.create_journey(journey)
        version = ws.publish(journey.id, registry).number

        clock = VirtualClock(T0)
        runner = Runner(ws, registry, clock, channels=store.open_channels(), mode="live")
        assert runner.enter(journey.id, ann) is not None
        for _ in range(3):
            clock.advance(timedelta(hours=1))
            runner.tick()

        # It really ran: every path was taken, through real servers.
        outcome = {d.channel: d for d in RunStore(ws).deliveries()}
        assert {k: d.status for k, d in outcome.items()} == {
            "email-main": "sent", "email-old": "failed", "sms-main": "failed", "shop-hook": "sent",
            "team-chat": "failed"}
        assert [(login, rcpt) for login, rcpt, _ in mail.received] == [(SMTP_USER, ["ann@example.com"])]
        assert ("PLAIN", False) in mail.logins or ("LOGIN", False) in mail.logins
        [hook_request] = hook_server.requests
        assert hook_request.notes == {"verified": True, "authorized": True}
        assert len(sms_server.requests) == 1 and len(chat_server.requests) == 1
        assert "20003" in (outcome["sms-main"].provider_code or "") + outcome["sms-main"].reason
        errors = {k: store.last_errors(k) for k in ("email-old", "sms-main", "team-chat")}
        assert all(len(found) == 1 and found[0].status == "failed" for found in errors.values())

        # Everything a user can take out of the workspace.
        save(ws.load_draft(journey.id), export / "draft.journey.json")
        save(ws.load_version(journey.id, version), export / "published.journey.json")
        where = ["--workspace", str(ws.path)]
        for name, argv in (("outbox.json", ["outbox", "list", "--json"]),
                           ("channels.json", ["channels", "list", "--json"]),
                           ("channels.txt", ["channels", "list"])):
            assert cli([*argv, *where]) == 0
            (export / name).write_text(capfd.readouterr().out)
        assert cli(["channels", "test", "email-old", *where]) == 1  # the refused login, reported
        for account in ("email-main", "sms-main", "shop-hook", "team-chat"):
            cli(["channels", "test", account, *where])
        (export / "errors.json").write_text(json.dumps(
            {k: [e.reason for e in found] for k, found in errors.items()}))
        (export / "channels-repr.txt").write_text(repr(store.open_channels()))
        assert json.loads((export / "outbox.json").read_text())  # a real listing, not an empty file

        forms = _forms(_secrets())
        hits: list[str] = []
        db_files = [p for p in (ws.path, Path(f"{ws.path}-wal"), Path(f"{ws.path}-shm")) if p.exists()]
        for path in db_files:
            hits += _hits(forms, f"{path.name} (open)", path.read_bytes())
    finally:
        ws.close()
    # Closed: the WAL is checkpointed into the database file; search it again.
    for path in (tmp_path / "ws" / "workspace.db", tmp_path / "ws" / "workspace.db-wal"):
        if path.exists():
            hits += _hits(forms, f"{path.name} (closed)", path.read_bytes())
    exported = sorted(export.iterdir())
    assert len(exported) == 7
    for path in exported:
        hits += _hits(forms, path.name, path.read_bytes())

    # The test's own servers log too (aiosmtpd masks AUTH); they are searched with everything else.
    records = caplog.records
    assert records, "nothing was logged at all: the capture is not working"
    logged = "\n".join(f"{r.name} {r.levelname} {r.getMessage()} {r.exc_text or ''}" for r in records)
    hits += _hits(forms, "the logs", logged.encode())
    printed = capfd.readouterr()
    hits += _hits(forms, "standard output and error", (printed.out + printed.err).encode())
    assert hits == []
