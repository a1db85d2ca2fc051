"""Unsubscribing: per-recipient tokens, the opt-out store, SMS STOP replies, and the unsubscribe
mailbox read over IMAP from a real dovecot on loopback, after which a journey run sends nothing to
the address that asked (while everyone else still gets their mail)."""

from __future__ import annotations

import base64
import email
import email.policy
import grp
import imaplib
import os
import pwd
import random
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from aiosmtpd.controller import Controller

from engine.channels.accounts import AccountStore
from engine.channels.imap import KEYWORD, fetch_all_unsubscribes, fetch_unsubscribes
from engine.channels.optouts import OptOutStore, is_stop_reply, normalize_address, record_sms_reply
from engine.channels.smtp import unsubscribe_headers
from engine.channels.unsubscribe import META_KEY, _b32, make_token, read_token
from engine.commands import make_node
from engine.document import Journey
from engine.errors import MailboxUnavailable
from engine.runtime.clock import VirtualClock
from engine.runtime.runner import Runner
from engine.store.runs import RunStore
from engine.store.workspace import Workspace
from tests.conftest import connect
from tests.engine.channels.servers import Certificates, free_port

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
MAILBOX_USER = "unsubscribe"
MAILBOX_PASSWORD = "Mailbox-Pa55-7731"


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace.open(tmp_path / "ws") as workspace:
        yield workspace


# ---------------------------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------------------------


def test_a_token_reads_back_as_its_customer_and_channel_kind(ws):
    ann = ws.upsert_customer({"email": "ann@example.com"})
    token = make_token(ws, ann, "email")
    assert read_token(ws, token) == (ann, "email")
    assert len(token) == 45 and token == token.lower() and token.isalnum()
    assert read_token(ws, token.upper()) == (ann, "email")  # mail systems may change the case
    assert read_token(ws, f"  {token}\n") == (ann, "email")
    assert make_token(ws, ann, "email") == token  # the same recipient always gets the same token
    assert make_token(ws, ann, "sms") != token and read_token(ws, make_token(ws, ann, "sms")) == (ann, "sms")
    assert read_token(ws, make_token(ws, "crm:42/ä", "webhook")) == ("crm:42/ä", "webhook")


def test_token_letters_are_standard_base32():
    # Tokens are written by a table-driven encoder; every length must match the standard one.
    rng = random.Random(7)
    for size in range(0, 90):
        raw = bytes(rng.randrange(256) for _ in range(size))
        assert _b32(raw) == base64.b32encode(raw).decode("ascii").rstrip("=").lower()


def test_forged_mangled_and_foreign_tokens_read_as_nothing(ws, tmp_path):
    ann = ws.upsert_customer({"email": "ann@example.com"})
    token = make_token(ws, ann, "email")
    # A character in the middle: the last one also carries padding bits, and changing only those
    # leaves the same bytes (the same, valid token).
    flipped = token[:10] + ("a" if token[10] != "a" else "b") + token[11:]
    for bad in (flipped, token[:-3], "", "unsubscribe", "!" * 45, "a" * 300, token + "aa"):
        assert read_token(ws, bad) is None
    with Workspace.open(tmp_path / "other") as other:
        assert read_token(other, token) is None
    with pytest.raises(ValueError, match="not 'fax'"):
        make_token(ws, ann, "fax")


def test_the_key_is_made_once_and_stays_with_the_workspace(tmp_path):
    with Workspace.open(tmp_path / "ws") as first:
        ann = first.upsert_customer({"email": "ann@example.com"})
        token = make_token(first, ann, "email")
        key = first.get_meta(META_KEY)
        assert key is not None and len(bytes.fromhex(key)) == 32
    with Workspace.open(tmp_path / "ws") as again:
        assert again.get_meta(META_KEY) == key
        assert read_token(again, token) == (ann, "email")


# ---------------------------------------------------------------------------------------------
# The opt-out store and SMS replies
# ---------------------------------------------------------------------------------------------


def test_an_opt_out_is_recorded_once_and_withdraws_consent(ws):
    ann = ws.upsert_customer({"email": "Ann@Example.com"}, consent={"email": True, "sms": True})
    optouts = OptOutStore(ws)
    assert optouts.add("email", " ANN@example.com ", source="imap", reference="<m1@mail>") is True
    assert optouts.add("email", "ann@example.com", source="imap", reference="<m1@mail>") is False
    [found] = optouts.list()
    assert (found.channel_kind, found.address, found.customer_id, found.source, found.reference) == \
        ("email", "ann@example.com", ann, "imap", "<m1@mail>")
    assert ws.get_customer(ann).consent == {"email": False, "sms": True}
    assert optouts.is_opted_out("email", "ann@EXAMPLE.com")
    assert optouts.is_opted_out("email", customer_id=ann)
    assert optouts.is_opted_out("email", "someone-else@example.com", customer_id=ann)
    assert not optouts.is_opted_out("sms", "ann@example.com", customer_id=ann)
    assert not optouts.is_opted_out("email", "bob@example.com")
    assert not optouts.is_opted_out("email")


def test_an_opt_out_for_an_unknown_address_is_kept_without_a_customer(ws):
    optouts = OptOutStore(ws)
    assert optouts.add("email", "stranger@example.com", source="user")
    assert optouts.add("email", "stranger@example.com", source="user") is False  # no reference: same row
    assert [(o.address, o.customer_id) for o in optouts.list()] == [("stranger@example.com", None)]
    later = ws.upsert_customer({"email": "stranger@example.com"}, consent={"email": True})
    assert optouts.is_opted_out("email", "stranger@example.com", customer_id=later)
    with pytest.raises(ValueError, match="address or a customer"):
        optouts.add("email", "  ")


def test_sms_stop_replies_are_honoured(ws):
    bo = ws.upsert_customer({"phone": "+8613800000000"}, consent={"sms": True, "email": True})
    for body in ("STOP", " stop ", "Unsubscribe.", "cancel!", "END", "quit", "退订", "td", "StopAll"):
        assert is_stop_reply(body), body
    for body in ("", "stop it please", "Stop by the shop tomorrow?", "退订了吗", "yes"):
        assert not is_stop_reply(body), body
    assert record_sms_reply(ws, "+86 138-0000-0000", "Hello?", reference="SM1") is False
    assert OptOutStore(ws).list() == []
    assert record_sms_reply(ws, "+86 138-0000-0000", "退订", reference="SM2") is True
    assert record_sms_reply(ws, "+86 138-0000-0000", "退订", reference="SM2") is True  # read twice: one row
    [found] = OptOutStore(ws).list()
    assert (found.channel_kind, found.address, found.customer_id, found.source) == ("sms", "+8613800000000", bo, "sms")
    assert ws.get_customer(bo).consent == {"sms": False, "email": True}
    assert normalize_address("sms", "0044 (20) 7946.0000") == "+442079460000"


# ---------------------------------------------------------------------------------------------
# A real IMAP server: dovecot on loopback
# ---------------------------------------------------------------------------------------------


@dataclass
class Dovecot:
    host: str
    port: int
    tls_port: int
    root: Path

    def login(self) -> imaplib.IMAP4:
        conn = imaplib.IMAP4(self.host, self.port, timeout=10)
        conn.login(MAILBOX_USER, MAILBOX_PASSWORD)
        return conn

    def deliver(self, mail: EmailMessage, folder: str = "INBOX") -> None:
        conn = self.login()
        try:
            typ, data = conn.append(folder, None, None, mail.as_bytes())
            assert typ == "OK", data
        finally:
            conn.logout()

    def folder(self, name: str) -> list[tuple[str, EmailMessage]]:
        """``(flags, mail)`` of every mail in a folder, oldest first."""
        conn = self.login()
        try:
            typ, _ = conn.select(f'"{name}"')
            if typ != "OK":
                return []
            _, data = conn.uid("SEARCH", None, "ALL")
            found = []
            for uid in data[0].split():
                _, parts = conn.uid("FETCH", uid, "(FLAGS BODY.PEEK[])")
                head, raw = parts[0]
                mail = email.message_from_bytes(raw, policy=email.policy.default)
                found.append((head.decode(), mail))
            return found
        finally:
            conn.logout()


def _users() -> tuple[str, str, int, int]:
    """Login user, internal user (whose group is dovecot's internal group), and the uid and gid mail
    is stored as."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.getuid())
        return me.pw_name, me.pw_name, me.pw_uid, me.pw_gid
    try:
        login, internal = pwd.getpwnam("dovenull"), pwd.getpwnam("dovecot")
    except KeyError:
        pytest.skip("the dovenull and dovecot users that dovecot-core creates are missing")
    # dovecot never lets its login processes or mail users be root
    return login.pw_name, internal.pw_name, internal.pw_uid, internal.pw_gid


def _config(root: Path, port: int, tls_port: int, certificates: Certificates) -> str:
    login_user, internal_user, uid, gid = _users()
    internal_group = grp.getgrgid(pwd.getpwnam(internal_user).pw_gid).gr_name
    return f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{certificates.cert}
ssl_key = <{certificates.key}
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
first_valid_uid = {uid}
first_valid_gid = {gid}
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
"""


def _greets(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            return sock.recv(64).startswith(b"* OK")
    except OSError:
        return False


@pytest.fixture
def dovecot(certificates: Certificates) -> Iterator[Dovecot]:
    binary = shutil.which("dovecot") or ("/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None)
    if binary is None:
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd)")
    # Not under pytest's tmp_path: dovecot's unprivileged processes must be able to reach it.
    root = Path(tempfile.mkdtemp(prefix="js-dovecot-"))
    process = None
    try:
        root.chmod(0o755)
        for sub in ("run", "state", "mail"):
            (root / sub).mkdir()
        _, _, uid, gid = _users()
        os.chown(root / "mail", uid, gid)
        (root / "passwd").write_text(f"{MAILBOX_USER}:{{PLAIN}}{MAILBOX_PASSWORD}\n")
        port, tls_port = free_port(), free_port()
        (root / "dovecot.conf").write_text(_config(root, port, tls_port, certificates))
        process = subprocess.Popen([binary, "-F", "-c", str(root / "dovecot.conf")],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while not _greets(port):
            log = root / "dovecot.log"
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("dovecot did not start:\n" + (log.read_text()[-2000:] if log.exists() else ""))
            time.sleep(0.05)
        yield Dovecot("127.0.0.1", port, tls_port, root)
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class Inbox:
    """An aiosmtpd handler keeping every envelope."""

    received: list[tuple[list[str], bytes]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        self.received.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


@pytest.fixture
def smtp_inbox() -> Iterator[tuple[int, Inbox]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()


def _mail(sender: str, to: str, subject: str, message_id: str, body: str = "") -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Message-ID"] = message_id
    mail.set_content(body or "Sent from my phone")
    return mail


def _mailto_request(list_unsubscribe: str, sender: str, message_id: str) -> EmailMessage:
    """The mail a mail client writes for the ``mailto:`` of a List-Unsubscribe header."""
    target = next(part.strip(" <>") for part in list_unsubscribe.split(",") if "mailto:" in part)
    url = urlsplit(target)
    subject = parse_qs(url.query)["subject"][0]
    return _mail(sender, unquote(url.path), subject, message_id)


def _welcome_journey(ws: Workspace, registry) -> Journey:
    journey = Journey(name="Spring sale")
    journey.settings.status = "live"
    entry = make_node(registry, "orchestrate.entry", title="Start", config={"trigger": {"kind": "manual"}})
    send = make_node(registry, "orchestrate.send", title="Sale mail",
                     config={"channel": "email-main", "channel_kind": "email",
                             "subject": "Spring sale, {{ customer.first_name }}", "body": "20% off"})
    done = make_node(registry, "orchestrate.exit", title="Done")
    journey.nodes += [entry, send, done]
    connect(journey, entry, "next", send)
    connect(journey, send, "sent", done)
    ws.create_journey(journey)
    ws.publish(journey.id, registry)
    return journey


def _email_account(ws: Workspace, smtp_port: int, dovecot: Dovecot, **imap) -> AccountStore:
    store = AccountStore(ws)
    settings = {"host": "127.0.0.1", "port": smtp_port, "security": "none", "sender": "Shop <news@shop.example>",
                "unsubscribe_mailto": "unsubscribe@shop.example", "imap_host": "127.0.0.1",
                "imap_port": dovecot.port, "imap_security": "none", "imap_username": MAILBOX_USER,
                "imap_done_folder": "Handled"}
    settings.update(imap)
    store.add("email-main", "Shop mail", "smtp", settings, {"imap_password": MAILBOX_PASSWORD})
    return store


def test_an_unsubscribe_mail_is_recorded_and_the_next_run_sends_nothing_to_that_address(
        ws, vault, registry, dovecot, smtp_inbox):
    smtp_port, inbox = smtp_inbox
    people = {name: ws.upsert_customer({"email": f"{name}@example.com"},
                                       {"first_name": name.title(), "email": f"{name}@example.com"},
                                       consent={"email": True})
              for name in ("ann", "bob", "carl")}
    store = _email_account(ws, smtp_port, dovecot)

    # Ann's mail client answers the List-Unsubscribe header of a mail she got (token in the subject).
    header = unsubscribe_headers(make_token(ws, people["ann"], "email"), "unsubscribe@shop.example")
    dovecot.deliver(_mailto_request(header["List-Unsubscribe"], "ann@example.com", "<u1@ann-phone>"))
    # Carl writes by hand, from his known address, without a token.
    dovecot.deliver(_mail("Carl <carl@example.com>", "unsubscribe@shop.example", "Please unsubscribe me",
                          "<u2@carl>"))
    # Neither of these is a request: a question, and a made-up token from an unknown sender.
    dovecot.deliver(_mail("dave@example.com", "unsubscribe@shop.example", "Where is my order?", "<q1@dave>"))
    dovecot.deliver(_mail("eve@example.com", "unsubscribe@shop.example", "unsubscribe " + "a" * 45, "<f1@eve>"))

    assert fetch_unsubscribes(ws, "email-main") == 2
    assert fetch_unsubscribes(ws, "email-main") == 0  # handled mails are not read again

    found = {o.customer_id: o for o in OptOutStore(ws).list()}
    assert set(found) == {people["ann"], people["carl"]}
    assert (found[people["ann"]].address, found[people["ann"]].reference, found[people["ann"]].source) == \
        ("ann@example.com", "<u1@ann-phone>", "imap")
    assert found[people["carl"]].address == "carl@example.com"
    assert ws.get_customer(people["ann"]).consent == {"email": False}
    assert ws.get_customer(people["bob"]).consent == {"email": True}

    handled = dovecot.folder("Handled")
    assert sorted(m["Message-ID"] for _, m in handled) == ["<u1@ann-phone>", "<u2@carl>"]
    assert all("\\Seen" in flags and KEYWORD in flags for flags, _ in handled)
    left = dovecot.folder("INBOX")
    assert sorted(m["Message-ID"] for _, m in left) == ["<f1@eve>", "<q1@dave>"]
    assert all("\\Seen" not in flags and KEYWORD in flags for flags, _ in left)  # still unread for people

    journey = _welcome_journey(ws, registry)
    runner = Runner(ws, registry, VirtualClock(T0), channels=store.open_channels(), mode="live")
    for customer_id in people.values():
        runner.enter(journey.id, customer_id)
    runner.tick()

    assert [rcpt for rcpt, _ in inbox.received] == [["bob@example.com"]]
    outcome = {d.customer_id: d for d in RunStore(ws).deliveries()}
    assert outcome[people["bob"]].status == "sent"
    for name in ("ann", "carl"):
        assert outcome[people[name]].status == "skipped"
        assert outcome[people[name]].reason in ("opted out", "no consent")


def test_an_opt_out_outlives_a_consent_that_comes_back(ws, vault, registry, dovecot, smtp_inbox):
    """A later import that says "consent: yes" does not undo an unsubscribe: the runner checks the
    opt-outs themselves before it sends."""
    smtp_port, inbox = smtp_inbox
    ann = ws.upsert_customer({"email": "ann@example.com"}, {"first_name": "Ann", "email": "ann@example.com"},
                             consent={"email": True})
    store = _email_account(ws, smtp_port, dovecot)
    header = unsubscribe_headers(make_token(ws, ann, "email"), "unsubscribe@shop.example")
    dovecot.deliver(_mailto_request(header["List-Unsubscribe"], "ann@example.com", "<u1@ann-phone>"))
    assert fetch_all_unsubscribes(ws) == {"email-main": 1}
    ws.upsert_customer({"email": "ann@example.com"}, consent={"email": True})  # a CRM sync

    journey = _welcome_journey(ws, registry)
    runner = Runner(ws, registry, VirtualClock(T0), channels=store.open_channels(), mode="live")
    runner.enter(journey.id, ann)
    runner.tick()
    assert inbox.received == []
    [delivery] = RunStore(ws).deliveries()
    assert (delivery.status, delivery.reason) == ("skipped", "opted out")


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_the_mailbox_is_read_over_tls(ws, vault, dovecot, certificates, security):
    ann = ws.upsert_customer({"email": "ann@example.com"}, consent={"email": True})
    port = dovecot.tls_port if security == "tls" else dovecot.port
    store = _email_account(ws, free_port(), dovecot, imap_security=security, imap_port=port, imap_done_folder="")
    store.update("email-main", settings={"imap_host": "localhost"})
    dovecot.deliver(_mail("ann@example.com", "unsubscribe@shop.example", "unsubscribe " +
                          make_token(ws, ann, "email"), "<u1@ann>"))
    assert fetch_unsubscribes(ws, "email-main", ssl_context=certificates.client_context()) == 1
    [(flags, _)] = dovecot.folder("INBOX")  # no folder to move to: marked read where it is
    assert "\\Seen" in flags
    with pytest.raises(MailboxUnavailable, match="cannot connect"):
        fetch_unsubscribes(ws, "email-main")  # the test CA is not trusted by default


def test_a_refused_login_is_reported_without_the_password(ws, vault, dovecot):
    store = _email_account(ws, free_port(), dovecot)
    store.update("email-main", secrets={"imap_password": "Wrong-Pa55-0042"})
    with pytest.raises(MailboxUnavailable) as caught:
        fetch_unsubscribes(ws, "email-main")
    assert "refused the login of 'unsubscribe'" in str(caught.value)
    assert "Wrong-Pa55-0042" not in str(caught.value)
    assert "email-main" in str(caught.value) and str(dovecot.port) in str(caught.value)
    results = fetch_all_unsubscribes(ws)
    assert "refused the login" in str(results["email-main"])


def test_an_account_without_a_mailbox_reads_nothing(ws, vault):
    AccountStore(ws).add("email-main", "Shop mail", "smtp", {"host": "127.0.0.1", "security": "none",
                                                             "sender": "news@shop.example"})
    assert fetch_unsubscribes(ws, "email-main") == 0
    assert fetch_all_unsubscribes(ws) == {}
