"""``journey-studio run`` against a real SMTP server on this machine, as a real subprocess: live
journeys pick up ingested events, email goes out once, a second runner is refused, and a server
that is down becomes a failed delivery with a reason. Also :class:`SmtpChannel` on its own."""

from __future__ import annotations

import email
import os
import socket
import subprocess
import sys
from email.message import Message as EmailMessage
from pathlib import Path

import pytest

from engine.channels import Message
from engine.channels.smtp import SmtpChannel, message_id
from engine.commands import make_node
from engine.document import Journey
from engine.store import Workspace
from engine.store.runs import RunStore
from tests.conftest import connect

ROOT = Path(__file__).resolve().parents[2]


class Inbox:
    """An aiosmtpd handler keeping every message; ``rcpt_reply`` refuses recipients with that reply."""

    def __init__(self, rcpt_reply: str | None = None):
        self.rcpt_reply = rcpt_reply
        self.messages: list[tuple[EmailMessage, list[str]]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((email.message_from_bytes(envelope.content), list(envelope.rcpt_tos)))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "gui.launcher", *args]


def cli_env() -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("JOURNEY_STUDIO_DEBUG", None)
    return env


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(cli_command(*args), capture_output=True, text=True, cwd=ROOT, env=cli_env(),
                          timeout=120)


def build_workspace(path: Path, registry, *, consent: bool = True) -> tuple[str, str]:
    """A published live journey (event 'signed_up' → send email → exit), one customer with an email
    address, and their 'signed_up' event; returns (journey id, send node id)."""
    j = Journey(name="Welcome")
    j.settings.status = "live"
    entry = make_node(registry, "orchestrate.entry", title="Signed up",
                      config={"trigger": {"kind": "event", "event": "signed_up"}})
    send = make_node(registry, "orchestrate.send", title="Welcome mail",
                     config={"channel": "email-main", "channel_kind": "email",
                             "subject": "Welcome {{ customer.first_name }}", "body": "Hello {{ customer.first_name }}"})
    done = make_node(registry, "orchestrate.exit", title="Done")
    j.nodes += [entry, send, done]
    connect(j, entry, "next", send)
    connect(j, send, "sent", done)
    with Workspace.open(path) as ws:
        ws.create_journey(j)
        ws.publish(j.id, registry)
        ws.upsert_customer({"email": "ana@example.com"}, {"first_name": "Ana", "email": "ana@example.com"},
                           consent={"email": consent})
        ws.ingest_event({"email": "ana@example.com"}, "signed_up", {"plan": "pro"})
    return j.id, send.id


def deliveries(path: Path):
    with Workspace.open(path, read_only=True) as ws:
        return RunStore(ws).deliveries(mode="live")


def test_run_once_sends_the_email_once(tmp_path, registry, smtp_server):
    inbox = Inbox()
    port = smtp_server(inbox)
    db = tmp_path / "workspace.db"
    build_workspace(db, registry)

    res = cli("run", "--once", "--workspace", str(db), "--smtp-host", "127.0.0.1", "--smtp-port", str(port))
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    assert "1 event handled, 1 run advanced, 1 message sent" in res.stdout
    assert len(inbox.messages) == 1
    mail, rcpt = inbox.messages[0]
    assert mail["Subject"] == "Welcome Ana"
    assert mail["To"] == "ana@example.com" and rcpt == ["ana@example.com"]
    assert mail["From"] == "journey-studio@localhost"
    assert mail.get_payload(decode=True).decode().strip() == "Hello Ana"
    [delivery] = deliveries(db)
    assert delivery.status == "sent"
    assert mail["Message-ID"] == message_id(delivery.idempotency_key) == delivery.message_id

    again = cli("run", "--once", "--workspace", str(db), "--smtp-host", "127.0.0.1", "--smtp-port", str(port))
    assert again.returncode == 0, again.stderr
    assert len(inbox.messages) == 1
    assert "0 runs advanced, 0 messages sent" in again.stdout  # one pass asked for says it did nothing
    assert len(deliveries(db)) == 1


def test_a_second_runner_is_refused(tmp_path, registry, smtp_server):
    port = smtp_server(Inbox())
    db = tmp_path / "workspace.db"
    build_workspace(db, registry)
    first = subprocess.Popen(cli_command("run", "--interval", "3600", "--workspace", str(db), "--smtp-host",
                                         "127.0.0.1", "--smtp-port", str(port)),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=cli_env())
    try:
        # The first line is printed once the workspace is open (and locked).
        assert first.stdout.readline().startswith("Running 1 live journey in ")
        second = cli("run", "--once", "--workspace", str(db))
        assert second.returncode == 1
        assert "is in use by 'journey-studio run'" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        first.terminate()
        out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err  # SIGTERM is a clean stop
    assert "stopped" in out and "Traceback" not in err


def test_smtp_server_down_is_retried_later(tmp_path, registry):
    db = tmp_path / "workspace.db"
    build_workspace(db, registry)
    port = free_port()  # nothing listens there
    res = cli("run", "--once", "--workspace", str(db), "--smtp-host", "127.0.0.1", "--smtp-port", str(port))
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr + res.stdout
    assert "1 to be tried again" in res.stdout and "failed" not in res.stdout
    [delivery] = deliveries(db)
    # No connection may pass: the delivery waits for its next attempt instead of failing for good.
    assert delivery.status == "retrying" and delivery.attempts == 1
    assert delivery.reason.startswith("attempt 1 of 5 failed: ")
    assert f"cannot reach the mail server at 127.0.0.1:{port}" in delivery.reason
    assert delivery.next_attempt_at is not None and delivery.next_attempt_at > delivery.updated_at


def test_without_smtp_host_messages_are_only_logged(tmp_path, registry):
    db = tmp_path / "workspace.db"
    build_workspace(db, registry)
    res = cli("run", "--once", "--workspace", str(db))
    assert res.returncode == 0, res.stderr
    assert "warning: messages through channel 'email-main' are NOT delivered" in res.stderr
    assert "not delivered (email via 'email-main'): to ana@example.com" in res.stdout
    [delivery] = deliveries(db)
    assert delivery.status == "failed" and "not connected" in delivery.reason
    assert "there is no channel account 'email-main': add one with 'journey-studio channels add email-main" \
        in delivery.reason


def test_run_does_not_import_qt(tmp_path, registry):
    db = tmp_path / "workspace.db"
    build_workspace(db, registry)
    code = ("import sys; from engine.cli import main; rc = main(['run', '--once', '--workspace', sys.argv[1]]); "
            "qt = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'qtpy', 'shiboken6', 'nodeeditor')]; "
            "print('QT', qt); sys.exit(rc)")
    res = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True, cwd=ROOT,
                         env=cli_env(), timeout=120)
    assert res.returncode == 0, res.stderr
    assert "QT []" in res.stdout


# -- SmtpChannel on its own ------------------------------------------------------------------------

def message(**changes) -> Message:
    values = dict(idempotency_key="k-1", channel="email-main", channel_kind="email", customer_id="c",
                  journey_id="j", node_id="n", run_id="r", to="ana@example.com", subject="Hi", body="Plain")
    values.update(changes)
    return Message(**values)


def test_smtp_channel_sends_text_and_html(smtp_server):
    inbox = Inbox()
    port = smtp_server(inbox)
    result = SmtpChannel("127.0.0.1", port, sender="shop@example.com").send(message(html_body="<p>Rich</p>"))
    assert result.status == "sent" and result.provider_id == "<k-1@journey-studio>"
    [(mail, rcpt)] = inbox.messages
    assert mail["From"] == "shop@example.com" and mail["Message-ID"] == "<k-1@journey-studio>"
    assert mail.get_content_type() == "multipart/alternative"
    parts = {p.get_content_type(): p.get_payload(decode=True).decode().strip() for p in mail.get_payload()}
    assert parts == {"text/plain": "Plain", "text/html": "<p>Rich</p>"}


@pytest.mark.parametrize("reply, retryable", [("550 5.1.1 no such mailbox", False),
                                              ("451 4.3.0 try again later", True)])
def test_smtp_channel_refusals(smtp_server, reply, retryable):
    port = smtp_server(Inbox(rcpt_reply=reply))
    result = SmtpChannel("127.0.0.1", port).send(message())
    assert result.status == "failed" and result.retryable is retryable
    assert reply in result.reason


def test_smtp_channel_staff_notice_goes_to_the_recipients(smtp_server):
    inbox = Inbox()
    port = smtp_server(inbox)
    result = SmtpChannel("127.0.0.1", port).send(message(to="a@x.org, b@x.org", subject="", body="Call back",
                                                         recipients=("a@x.org", "b@x.org")))
    assert result.status == "sent"
    [(mail, rcpt)] = inbox.messages
    assert rcpt == ["a@x.org", "b@x.org"] and mail["Subject"] == "Journey Studio notice"


def test_smtp_channel_without_an_address_fails_permanently():
    result = SmtpChannel("127.0.0.1", free_port()).send(message(to=""))
    assert result == result.__class__("failed", reason="the message has no recipient address")


def test_run_with_the_collector_sends_for_events_as_they_arrive(tmp_path, registry, smtp_server):
    """``run --collect``: an event posted to the collector wakes the engine at once (the pass
    interval is an hour), and the live journey's email goes out."""
    import base64
    import http.client
    import json
    import time

    from engine.track import collector_keys

    inbox = Inbox()
    port = smtp_server(inbox)
    db = tmp_path / "workspace.db"
    build_workspace(db, registry)
    with Workspace.open(db) as ws:
        key = collector_keys.add_key(ws, "site")
        ws.upsert_customer({"email": "bo@example.com", "user_id": "bo-1"},
                           {"first_name": "Bo", "email": "bo@example.com"}, consent={"email": True})
    collect_port = free_port()
    first = subprocess.Popen(cli_command("run", "--interval", "3600", "--workspace", str(db), "--smtp-host",
                                         "127.0.0.1", "--smtp-port", str(port), "--collect", "--collect-port",
                                         str(collect_port)),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=cli_env())
    try:
        assert first.stdout.readline().startswith("Running 1 live journey in ")
        assert first.stdout.readline().startswith(f"Collecting events at http://127.0.0.1:{collect_port}")
        assert first.stdout.readline().startswith("1 event handled")  # Ana's, stored before the start
        conn = http.client.HTTPConnection("127.0.0.1", collect_port, timeout=30)
        body = json.dumps({"type": "track", "event": "signed_up", "userId": "bo-1", "properties": {"plan": "pro"}})
        auth = base64.b64encode(f"{key}:".encode()).decode()
        conn.request("POST", "/v1/track", body=body, headers={"Content-Type": "application/json",
                                                             "Authorization": f"Basic {auth}"})
        assert conn.getresponse().status == 200
        conn.close()
        deadline = time.monotonic() + 60
        while len(inbox.messages) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        first.terminate()
        out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert sorted(rcpt[0] for _, rcpt in inbox.messages) == ["ana@example.com", "bo@example.com"]


def test_stopping_run_with_the_collector_stores_what_it_acknowledged_and_fails_no_request(tmp_path, registry):
    """SIGTERM while senders post: the collector stops before the workspace closes, so every request
    it read is stored and answered 200 (it used to answer 503 "the workspace is closed")."""
    import base64
    import http.client
    import json
    import threading
    import time
    import uuid

    from engine.track import collector_keys

    db = tmp_path / "workspace.db"
    build_workspace(db, registry)
    with Workspace.open(db) as ws:
        key = collector_keys.add_key(ws, "site")
    collect_port = free_port()
    proc = subprocess.Popen(cli_command("run", "--interval", "3600", "--workspace", str(db), "--collect",
                                        "--collect-port", str(collect_port)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=cli_env())
    auth = "Basic " + base64.b64encode(f"{key}:".encode()).decode()
    acknowledged: list[str] = []
    statuses: list[int] = []
    stopping = threading.Event()

    def send() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", collect_port, timeout=30)
        while not stopping.is_set():
            ids = [str(uuid.uuid4()) for _ in range(20)]
            body = json.dumps({"batch": [{"type": "track", "event": "viewed", "userId": f"u{i}", "messageId": m}
                                         for i, m in enumerate(ids)]})
            try:
                conn.request("POST", "/v1/batch", body=body, headers={"Content-Type": "application/json",
                                                                     "Authorization": auth})
                response = conn.getresponse()
                response.read()
            except OSError:
                return  # the collector has closed: no answer, nothing acknowledged
            statuses.append(response.status)
            if response.status == 200:
                acknowledged.extend(ids)
            if response.getheader("Connection", "").lower() == "close":
                return

    try:
        assert proc.stdout.readline().startswith("Running ")
        assert proc.stdout.readline().startswith("Collecting events at ")
        senders = [threading.Thread(target=send) for _ in range(4)]
        for t in senders:
            t.start()
        deadline = time.monotonic() + 30
        while len(acknowledged) < 400 and time.monotonic() < deadline:
            time.sleep(0.02)
        proc.terminate()
        out, err = proc.communicate(timeout=60)
    finally:
        stopping.set()
        if proc.poll() is None:
            proc.kill()
    for t in senders:
        t.join(30)
    assert proc.returncode == 0, err
    assert "could not store" not in err and "Traceback" not in err
    assert acknowledged and set(statuses) <= {200, 503}
    assert 503 not in statuses or all(s == 503 for s in statuses[statuses.index(503):])  # only "stopping" after the end
    with Workspace.open(db) as ws:
        with ws.engine.connect() as conn:
            keys = conn.exec_driver_sql("SELECT dedup_key FROM events WHERE name = 'viewed'").scalars()
            stored = {key.rpartition(":")[2] for key in keys}  # ...:<messageId>
    assert not set(acknowledged) - stored


def test_run_refuses_a_workspace_that_is_not_there(tmp_path):
    missing = tmp_path / "Jouneys"  # mistyped
    res = cli("run", "--once", "--workspace", str(missing))
    assert res.returncode != 0
    assert "there is no workspace here" in res.stderr and "Traceback" not in res.stderr
    assert not missing.exists()


def test_run_with_the_collector_says_when_a_website_sends_a_wrong_write_key(tmp_path, registry):
    """A 401 is the website's to see, and nobody looks there: the command says it, and at the end
    what the collector did."""
    import base64
    import http.client
    import json
    import time

    db = tmp_path / "workspace.db"
    build_workspace(db, registry)
    collect_port = free_port()
    proc = subprocess.Popen(cli_command("run", "--interval", "1", "--workspace", str(db), "--collect",
                                        "--collect-port", str(collect_port)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=cli_env())
    try:
        assert proc.stdout.readline().startswith("Running ")
        assert proc.stdout.readline().startswith("Collecting events at ")
        conn = http.client.HTTPConnection("127.0.0.1", collect_port, timeout=30)
        auth = base64.b64encode(b"wk_not_a_key:").decode()
        conn.request("POST", "/v1/track", body=json.dumps({"type": "track", "event": "x", "userId": "u1"}),
                     headers={"Content-Type": "application/json", "Authorization": f"Basic {auth}"})
        assert conn.getresponse().status == 401
        conn.close()
        time.sleep(2.5)  # a pass or two
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert err.count("warning: the collector refused 1 request or message (unauthorized 1); check the write key") == 1
    assert "collector: 0 messages received, 0 stored, 1 refusal of requests or messages (unauthorized 1)" in out
