"""The SMTP channel against a real SMTP server (aiosmtpd) on loopback: STARTTLS and implicit TLS with a
test certificate authority, AUTH PLAIN and LOGIN, the headers, both MIME parts, the personalisation,
the Message-ID, both unsubscribe headers, and how the server's refusals are classified."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from engine.channels.base import Message
from engine.channels.kinds import KINDS
from engine.channels.smtp import SmtpChannel, message_id, unsubscribe_headers
from tests.engine.channels.servers import Certificates, free_port

USER = "shop@corner.example"
PASSWORD = "s3cret-Pa55word!"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    tls: bool
    login: str | None

    @property
    def email(self) -> EmailMessage:
        return message_from_bytes(self.content, policy=email_policy.default)  # type: ignore[return-value]


class Inbox:
    """An aiosmtpd handler keeping every message; ``reply`` replaces the 250 answer to DATA and
    ``rcpt_reply`` refuses recipients."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.reply: str | None = None
        self.rcpt_reply: str | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        tls = session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None
        login = session.auth_data.login.decode() if session.authenticated and session.auth_data else None
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content, tls, login))
        return self.reply or "250 Message accepted"


class Authenticator:
    """Accepts USER / PASSWORD only and notes each attempt's mechanism."""

    def __init__(self) -> None:
        self.attempts: list[tuple[str, bool]] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
        self.attempts.append((mechanism, ok))
        return AuthResult(success=ok, handled=False, auth_data=auth_data)


@dataclass
class Server:
    port: int
    inbox: Inbox
    auth: Authenticator


@pytest.fixture
def smtp_server(certificates: Certificates) -> Iterator[Callable[..., Server]]:
    """``smtp_server(mode, **aiosmtpd options)``: mode ``starttls`` (STARTTLS required before AUTH),
    ``tls`` (implicit TLS) or ``plain``."""
    controllers: list[Controller] = []

    def start(mode: str = "starttls", **options) -> Server:
        inbox, auth = Inbox(), Authenticator()
        port = free_port()
        kwargs = {"authenticator": auth, "server_hostname": "localhost", **options}
        if mode == "starttls":
            kwargs.update(tls_context=certificates.server_context(), require_starttls=True)
        elif mode == "tls":
            # Implicit TLS: the whole session is encrypted, which aiosmtpd's STARTTLS-only check for
            # AUTH cannot see, so that check is off here.
            kwargs.update(ssl_context=certificates.server_context(), auth_require_tls=False)
        else:
            kwargs.setdefault("auth_require_tls", False)
        controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        controllers.append(controller)
        return Server(port, inbox, auth)

    yield start
    for controller in controllers:
        controller.stop()


def content(part) -> str:
    """A MIME part's decoded text with the wire's CRLF line ends as plain newlines."""
    return part.get_content().replace("\r\n", "\n")


def message(key: str = "key-1", **overrides) -> Message:
    values = dict(idempotency_key=key, channel="email-main", channel_kind="email", customer_id="cust-1",
                  journey_id="j-1", node_id="n-1", run_id="r-1", to="zoe@example.com",
                  subject="Willkommen, Zoë!", body="Hallo Zoë,\nschön, dass du da bist.",
                  html_body="<p>Hallo <b>Zoë</b>, schön, dass du da bist.</p>", unsubscribe_token="tok-Zoe 42/x")
    values.update(overrides)
    return Message(**values)


def channel(port: int, certificates: Certificates, **options) -> SmtpChannel:
    defaults = dict(security="starttls", username=USER, password=PASSWORD, reply_to="help@corner.example",
                    unsubscribe_mailto="unsubscribe@corner.example",
                    unsubscribe_url="https://corner.example/unsubscribe?t={token}",
                    ssl_context=certificates.client_context(), account="email-main")
    defaults.update(options)
    return SmtpChannel("localhost", port, "Corner Shop <news@corner.example>", 10, **defaults)


def test_starttls_login_headers_parts_and_unsubscribe(smtp_server, certificates):
    server = smtp_server("starttls")
    result = channel(server.port, certificates).send(message())

    assert result.status == "sent", result.reason
    assert result.provider_id == message_id("key-1") == "<key-1@journey-studio>"
    assert result.code == "250"
    [got] = server.inbox.received
    assert got.tls and got.login == USER
    assert server.auth.attempts == [("PLAIN", True)]
    assert got.mail_from == "news@corner.example" and got.rcpt_tos == ["zoe@example.com"]

    mail = got.email
    assert mail["From"] == "Corner Shop <news@corner.example>"
    assert mail["To"] == "zoe@example.com"
    assert mail["Reply-To"] == "help@corner.example"
    assert mail["Subject"] == "Willkommen, Zoë!"
    assert mail["Message-ID"] == "<key-1@journey-studio>"
    assert mail["Date"]
    # The token is percent-encoded in both places; the raw header is one unencoded line.
    assert mail["List-Unsubscribe"] == (
        "<mailto:unsubscribe@corner.example?subject=unsubscribe%20tok-Zoe%2042%2Fx>, "
        "<https://corner.example/unsubscribe?t=tok-Zoe%2042%2Fx>")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert b"List-Unsubscribe: <mailto:unsubscribe@corner.example?subject=unsubscribe%20tok-Zoe%2042%2Fx>" \
        in got.content

    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert text is not None and html is not None
    assert content(text) == "Hallo Zoë,\nschön, dass du da bist.\n"
    assert content(html) == "<p>Hallo <b>Zoë</b>, schön, dass du da bist.</p>\n"
    assert text.get_content_charset() == html.get_content_charset() == "utf-8"


def test_each_recipient_gets_their_own_token_and_name(smtp_server, certificates):
    server = smtp_server("starttls")
    ch = channel(server.port, certificates)
    for key, name, address, token in (("k-ana", "Ana", "ana@example.com", "t-ana"),
                                      ("k-bo", "Bo", "bo@example.com", "t-bo")):
        assert ch.send(message(key, to=address, subject=f"Hi {name}", body=f"Dear {name}",
                               html_body=f"<p>Dear {name}</p>", unsubscribe_token=token)).status == "sent"
    ana, bo = (r.email for r in server.inbox.received)
    assert (ana["To"], ana["Subject"], ana["Message-ID"]) == ("ana@example.com", "Hi Ana", "<k-ana@journey-studio>")
    assert (bo["To"], bo["Subject"], bo["Message-ID"]) == ("bo@example.com", "Hi Bo", "<k-bo@journey-studio>")
    assert "unsubscribe%20t-ana" in ana["List-Unsubscribe"] and "t=t-ana" in ana["List-Unsubscribe"]
    assert "unsubscribe%20t-bo" in bo["List-Unsubscribe"] and "t-ana" not in bo["List-Unsubscribe"]
    assert content(ana.get_body(("plain",))) == "Dear Ana\n"
    assert content(bo.get_body(("html",))) == "<p>Dear Bo</p>\n"


def test_auth_login_mechanism(smtp_server, certificates):
    server = smtp_server("starttls", auth_exclude_mechanism=["PLAIN"])
    assert channel(server.port, certificates).send(message()).status == "sent"
    assert server.auth.attempts == [("LOGIN", True)]
    assert server.inbox.received[0].login == USER


def test_implicit_tls(smtp_server, certificates):
    server = smtp_server("tls")
    result = channel(server.port, certificates, security="tls").send(message())
    assert result.status == "sent", result.reason
    [got] = server.inbox.received
    assert got.tls and got.login == USER
    assert got.email["Message-ID"] == "<key-1@journey-studio>"


def test_text_only_without_html_and_mailto_only_without_url(smtp_server, certificates):
    server = smtp_server("starttls")
    ch = channel(server.port, certificates, unsubscribe_url="")
    assert ch.send(message(html_body="")).status == "sent"
    mail = server.inbox.received[0].email
    assert mail.get_content_type() == "text/plain"
    assert content(mail) == "Hallo Zoë,\nschön, dass du da bist.\n"
    assert mail["List-Unsubscribe"] == "<mailto:unsubscribe@corner.example?subject=unsubscribe%20tok-Zoe%2042%2Fx>"
    # RFC 8058: no one-click without an https URI to post to.
    assert mail["List-Unsubscribe-Post"] is None


def test_staff_notice_and_tokenless_mail_carry_no_unsubscribe(smtp_server, certificates):
    server = smtp_server("starttls")
    ch = channel(server.port, certificates)
    staff = message("k-staff", to="a@corner.example, b@corner.example", subject="", body="Big order",
                    html_body="", recipients=("a@corner.example", "b@corner.example"), unsubscribe_token="")
    assert ch.send(staff).status == "sent"
    assert ch.send(message("k-none", unsubscribe_token="")).status == "sent"
    notice, plain = (r.email for r in server.inbox.received)
    assert server.inbox.received[0].rcpt_tos == ["a@corner.example", "b@corner.example"]
    assert notice["Subject"] == "Journey Studio notice"
    assert notice["List-Unsubscribe"] is None and plain["List-Unsubscribe"] is None


def test_wrong_password_is_permanent_and_never_quoted(smtp_server, certificates):
    server = smtp_server("starttls")
    result = channel(server.port, certificates, password="wrong-password-123").send(message())
    assert result.status == "failed" and not result.retryable
    assert result.code == "535"
    assert USER in result.reason and "email-main" in result.reason
    assert "wrong-password-123" not in result.reason
    assert server.inbox.received == []


def test_server_refusals_are_classified_by_reply_code(smtp_server, certificates):
    server = smtp_server("starttls")
    ch = channel(server.port, certificates)
    server.inbox.reply = "451 4.3.0 Try again later"
    later = ch.send(message("k-451"))
    assert (later.status, later.retryable, later.code) == ("failed", True, "451")
    assert "Try again later" in later.reason
    server.inbox.reply = "554 5.7.1 Rejected as spam"
    never = ch.send(message("k-554"))
    assert (never.status, never.retryable, never.code) == ("failed", False, "554")
    server.inbox.reply = None
    server.inbox.rcpt_reply = "550 5.1.1 No such user"
    unknown = ch.send(message("k-550"))
    assert (unknown.status, unknown.retryable, unknown.code) == ("failed", False, "550")
    assert "No such user" in unknown.reason


def test_untrusted_certificate_is_refused(smtp_server):
    server = smtp_server("starttls")
    ch = SmtpChannel("localhost", server.port, "news@corner.example", 10, security="starttls",
                     username=USER, password=PASSWORD, ssl_context=ssl.create_default_context())
    result = ch.send(message())
    assert result.status == "failed" and not result.retryable
    assert "certificate" in result.reason
    assert server.inbox.received == []


def test_starttls_missing_on_server_is_a_setup_failure(smtp_server, certificates):
    server = smtp_server("plain")
    result = channel(server.port, certificates).send(message())
    assert result.status == "failed" and not result.retryable
    assert "STARTTLS" in result.reason


def test_nothing_listening_is_retryable(certificates):
    result = channel(free_port(), certificates).send(message())
    assert result.status == "failed" and result.retryable
    assert "localhost" in result.reason


def test_plain_constructor_still_works(smtp_server):
    server = smtp_server("plain", authenticator=None)
    ch = SmtpChannel("127.0.0.1", server.port, sender="journey-studio@localhost")
    result = ch.send(message(html_body=""))
    assert result.status == "sent" and result.provider_id == "<key-1@journey-studio>"
    [got] = server.inbox.received
    assert not got.tls and got.login is None
    # No unsubscribe address configured: no header, even with a token.
    assert got.email["List-Unsubscribe"] is None


def test_check_logs_in_without_sending(smtp_server, certificates):
    server = smtp_server("starttls")
    result = channel(server.port, certificates).check()
    assert result.status == "sent", result.reason
    assert "STARTTLS" in result.reason and USER in result.reason
    assert server.auth.attempts == [("PLAIN", True)]
    assert server.inbox.received == []
    bad = channel(server.port, certificates, password="nope-nope").check()
    assert bad.status == "failed" and bad.code == "535" and "nope-nope" not in bad.reason


def test_built_from_the_catalogue(smtp_server):
    server = smtp_server("plain", authenticator=None)
    ch = KINDS["smtp"].build({"host": "127.0.0.1", "port": server.port, "security": "none",
                              "sender": "Corner <news@corner.example>",
                              "unsubscribe_mailto": "unsubscribe@corner.example"}, {}, account="email-main")
    assert ch.send(message("k-cat")).status == "sent"
    mail = server.inbox.received[0].email
    assert mail["List-Unsubscribe"] == "<mailto:unsubscribe@corner.example?subject=unsubscribe%20tok-Zoe%2042%2Fx>"


def test_unsubscribe_headers_rules():
    assert unsubscribe_headers("", "u@x.example", "https://x.example/u?t={token}") == {}
    assert unsubscribe_headers("t1") == {}
    assert unsubscribe_headers("t1", url_template="https://x.example/u?t={token}") == {
        "List-Unsubscribe": "<https://x.example/u?t=t1>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    with pytest.raises(ValueError, match="https"):
        SmtpChannel("h", unsubscribe_url="http://x.example/u?t={token}")
    with pytest.raises(ValueError, match="token"):
        SmtpChannel("h", unsubscribe_url="https://x.example/u")
