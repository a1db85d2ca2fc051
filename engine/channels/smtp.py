"""Email over SMTP: :class:`SmtpChannel`, a :class:`~engine.channels.Channel`, and the email it sends.

One account is one server: host and port, a security mode (``none``, ``starttls`` on a plain
connection, or ``tls`` from the first byte, "implicit TLS" on port 465), an optional login, the From
and Reply-To addresses, and where unsubscribe requests go. The plain form ``SmtpChannel(host, port,
sender)`` (a relay on the local network, no login, no TLS) is what ``journey-studio run --smtp-host``
uses.

Each email is text, or text plus an HTML alternative, with a ``Message-ID`` made from the delivery's
idempotency key (:func:`message_id`), so the same delivery always carries the same id and a server or
a reader can spot a duplicate. Marketing mail carries ``List-Unsubscribe`` with a ``mailto:`` address
holding the recipient's token (a desktop app cannot promise that a web link will still be served in a
month; a mailbox it reads can) and the account's https URL when it has one, in which case
``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058) lets mail clients unsubscribe with
one request.

Replies are classified as SMTP means them: 4xx (and no connection, a timeout, a dropped
connection) is temporary and retryable; 5xx is permanent. The reply code is kept in
:attr:`ChannelResult.code`. The password never appears in a reason.
"""

from __future__ import annotations

import smtplib
import ssl
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Literal
from urllib.parse import quote, urlsplit

from engine.channels.base import ChannelResult, Message
from engine.channels.http import redact

DEFAULT_SENDER = "journey-studio@localhost"
#: Subject of a staff notice, which has no subject of its own.
STAFF_SUBJECT = "Journey Studio notice"
SECURITY_MODES = ("none", "starttls", "tls")
Security = Literal["none", "starttls", "tls"]
#: Where an unsubscribe URL template puts the recipient's token.
TOKEN_PLACEHOLDER = "{token}"

# The default policy folds at 78 characters and turns any longer unbreakable word into an RFC 2047
# encoded word; a List-Unsubscribe URL is such a word, and encoded it is no longer a URL. 998 is the
# hard line limit of RFC 5322, so nothing legal gets mangled.
MAIL_POLICY = email_policy.default.clone(max_line_length=998)


def message_id(idempotency_key: str) -> str:
    """The ``Message-ID`` of a delivery: the same key always gives the same id."""
    return f"<{idempotency_key}@journey-studio>"


def check_unsubscribe_url(template: str) -> None:
    """Raise ``ValueError`` unless ``template`` is an https URL holding ``{token}``: RFC 8058 one-click
    needs https, and without the token the page could not tell who asked."""
    parts = urlsplit(template)
    if parts.scheme != "https" or not parts.hostname:
        raise ValueError("the unsubscribe URL must start with https:// (mail clients only post "
                         "one-click unsubscribes over https)")
    if TOKEN_PLACEHOLDER not in template:
        raise ValueError(f"the unsubscribe URL must contain {TOKEN_PLACEHOLDER} where the recipient's "
                         "token goes, e.g. https://shop.example/unsubscribe?t={token}")


def unsubscribe_headers(token: str, mailto: str = "", url_template: str = "") -> dict[str, str]:
    """``List-Unsubscribe`` (and ``List-Unsubscribe-Post`` when there is an https URL) for one
    recipient's ``token``; empty when there is no token or nowhere to send the request."""
    if not token or not (mailto or url_template):
        return {}
    quoted = quote(token, safe="")
    targets = []
    if mailto:
        targets.append(f"<mailto:{quote(mailto, safe='@')}?subject=unsubscribe%20{quoted}>")
    if url_template:
        targets.append(f"<{url_template.replace(TOKEN_PLACEHOLDER, quoted)}>")
    headers = {"List-Unsubscribe": ", ".join(targets)}
    if url_template:  # RFC 8058: one-click only with an https URI to post to
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def build_email(message: Message, sender: str = DEFAULT_SENDER, *, reply_to: str = "",
                unsubscribe_mailto: str = "", unsubscribe_url: str = "") -> EmailMessage:
    """The email for ``message``: plain text, with an HTML alternative when the message has one.

    Staff notices (``message.recipients``) never carry unsubscribe headers: they are not marketing."""
    mail = EmailMessage(policy=MAIL_POLICY)
    mail["From"] = sender
    mail["To"] = ", ".join(message.recipients) if message.recipients else message.to
    if reply_to:
        mail["Reply-To"] = reply_to
    mail["Subject"] = message.subject or (STAFF_SUBJECT if message.recipients else "")
    mail["Date"] = formatdate(usegmt=True)
    mail["Message-ID"] = message_id(message.idempotency_key)
    if not message.recipients:
        for name, value in unsubscribe_headers(message.unsubscribe_token, unsubscribe_mailto,
                                               unsubscribe_url).items():
            mail[name] = value
    mail.set_content(message.body)
    if message.html_body:
        mail.add_alternative(message.html_body, subtype="html")
    return mail


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return " ".join(f"{code} {text}".split())


class _Refused(Exception):
    """The server cannot do what the account asks (no STARTTLS, no AUTH): a setup problem."""


class SmtpChannel:
    """Sends each message as one email through ``host:port`` from ``sender``.

    ``security`` is ``none``, ``starttls`` or ``tls`` (implicit). With ``username``, the channel
    logs in (after TLS, when there is TLS). ``account`` names the channel account in reasons."""

    def __init__(self, host: str, port: int = 25, sender: str = DEFAULT_SENDER, timeout: float = 10, *,
                 security: Security = "none", username: str = "", password: str = "", reply_to: str = "",
                 unsubscribe_mailto: str = "", unsubscribe_url: str = "", account: str = "",
                 ssl_context: ssl.SSLContext | None = None, local_hostname: str | None = None):
        if security not in SECURITY_MODES:
            raise ValueError(f"unknown SMTP security '{security}' (use one of {', '.join(SECURITY_MODES)})")
        if password and not username:
            raise ValueError("a password was given without a user name")
        if unsubscribe_url:
            check_unsubscribe_url(unsubscribe_url)
        self.host = host
        self.port = port
        self.sender = sender
        self.timeout = timeout
        self.security: Security = security
        self.username = username
        self._password = password
        self.reply_to = reply_to
        self.unsubscribe_mailto = unsubscribe_mailto
        self.unsubscribe_url = unsubscribe_url
        self.account = account
        self.ssl_context = ssl_context
        self.local_hostname = local_hostname

    def __repr__(self) -> str:  # no password here: reprs end up in logs
        return f"SmtpChannel({self.host!r}, {self.port}, security={self.security!r})"

    @property
    def _where(self) -> str:
        server = f"the mail server at {self.host}:{self.port}"
        return f"{server} (account '{self.account}')" if self.account else server

    def _context(self) -> ssl.SSLContext:
        return self.ssl_context or ssl.create_default_context()

    def _open(self) -> smtplib.SMTP:
        """A connected, greeted, secured and logged-in session, as the account asks."""
        server: smtplib.SMTP
        if self.security == "tls":
            server = smtplib.SMTP_SSL(self.host, self.port, local_hostname=self.local_hostname,
                                      timeout=self.timeout, context=self._context())
        else:
            server = smtplib.SMTP(self.host, self.port, local_hostname=self.local_hostname, timeout=self.timeout)
        try:
            server.ehlo_or_helo_if_needed()
            if self.security == "starttls":
                if not server.has_extn("starttls"):
                    raise _Refused(f"{self._where} does not offer STARTTLS")
                server.starttls(context=self._context())
                server.ehlo()
            if self.username:
                if not server.has_extn("auth"):
                    raise _Refused(f"{self._where} does not offer a login (no AUTH after EHLO)")
                server.login(self.username, self._password)
        except BaseException:
            server.close()
            raise
        return server

    @staticmethod
    def _close(server: smtplib.SMTP) -> None:
        # The message is already accepted; a server that answers QUIT badly must not turn that into
        # a failure (smtplib's context manager would raise here).
        try:
            server.quit()
        except (OSError, smtplib.SMTPException):
            server.close()

    def _failure(self, exc: BaseException) -> ChannelResult:
        """The failed result for an exception raised while talking to the server."""
        secrets = (self._password,)
        if isinstance(exc, _Refused):
            return ChannelResult("failed", reason=str(exc))
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            codes = [code for code, _ in exc.recipients.values()]
            reasons = "; ".join(f"{addr}: {_reply(code, text)}" for addr, (code, text) in exc.recipients.items())
            return ChannelResult("failed", reason=redact(f"the mail server refused the recipient ({reasons})",
                                                         secrets),
                                 retryable=all(400 <= c < 500 for c in codes), code=str(codes[0]) if codes else "")
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            return ChannelResult("failed", reason=redact(f"{self._where} refused the login of '{self.username}' "
                                                         f"({_reply(exc.smtp_code, exc.smtp_error)})", secrets),
                                 retryable=400 <= exc.smtp_code < 500, code=str(exc.smtp_code))
        if isinstance(exc, smtplib.SMTPResponseException):
            what = {smtplib.SMTPSenderRefused: "the mail server refused the sender",
                    smtplib.SMTPDataError: "the mail server refused the message"}.get(type(exc),
                                                                                     f"{self._where} said")
            # 4xx is "try again later" in SMTP; anything else the server refused for good.
            return ChannelResult("failed", reason=redact(f"{what}: {_reply(exc.smtp_code, exc.smtp_error)}",
                                                         secrets),
                                 retryable=400 <= exc.smtp_code < 500, code=str(exc.smtp_code))
        if isinstance(exc, smtplib.SMTPNotSupportedError):
            return ChannelResult("failed", reason=f"{self._where} does not support what the account needs ({exc})")
        if isinstance(exc, smtplib.SMTPServerDisconnected):
            return ChannelResult("failed", reason=f"{self._where} closed the connection ({exc})", retryable=True)
        if isinstance(exc, ssl.SSLCertVerificationError):
            return ChannelResult("failed", reason=f"the TLS certificate of {self._where} does not verify "
                                                  f"({exc.verify_message or exc.reason})")
        if isinstance(exc, ssl.SSLError):
            hint = " (is the security mode right for this port?)" if self.security != "none" else ""
            return ChannelResult("failed", reason=f"TLS with {self._where} failed ({exc.reason or exc}){hint}",
                                 retryable=True)
        if isinstance(exc, TimeoutError):
            return ChannelResult("failed", reason=f"no answer from {self._where} within {self.timeout:g} s",
                                 retryable=True)
        detail = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        return ChannelResult("failed", reason=redact(f"cannot reach {self._where} ({detail})", secrets),
                             retryable=True)

    def send(self, message: Message) -> ChannelResult:
        recipients = list(message.recipients) if message.recipients else [message.to]
        recipients = [r for r in recipients if r]
        if not recipients:
            return ChannelResult("failed", reason="the message has no recipient address")
        mail = build_email(message, self.sender, reply_to=self.reply_to,
                           unsubscribe_mailto=self.unsubscribe_mailto, unsubscribe_url=self.unsubscribe_url)
        envelope_from = parseaddr(self.sender)[1] or self.sender
        try:
            server = self._open()
            try:
                refused = server.send_message(mail, from_addr=envelope_from, to_addrs=recipients)
            except BaseException:
                server.close()
                raise
            self._close(server)
        except (OSError, smtplib.SMTPException, _Refused) as exc:
            return self._failure(exc)
        if refused:  # some recipients of a staff notice were refused, the others got it
            reasons = "; ".join(f"{addr}: {_reply(code, text)}" for addr, (code, text) in refused.items())
            return ChannelResult("sent", provider_id=mail["Message-ID"], reason=f"not delivered to {reasons}",
                                 code="250")
        return ChannelResult("sent", provider_id=mail["Message-ID"], code="250")

    def check(self) -> ChannelResult:
        """Test connection: connect, secure, log in, NOOP, QUIT; no mail is sent."""
        try:
            server = self._open()
            try:
                code, _text = server.noop()
            except BaseException:
                server.close()
                raise
            self._close(server)
        except (OSError, smtplib.SMTPException, _Refused) as exc:
            return self._failure(exc)
        steps = [f"connected to {self.host}:{self.port}"]
        steps.append({"none": "without TLS", "starttls": "with STARTTLS", "tls": "over TLS"}[self.security])
        if self.username:
            steps.append(f"logged in as '{self.username}'")
        if code != 250:
            return ChannelResult("failed", reason=f"{self._where} answered NOOP with {code}",
                                 retryable=400 <= code < 500, code=str(code))
        return ChannelResult("sent", reason=", ".join(steps), code=str(code))


__all__ = ["DEFAULT_SENDER", "MAIL_POLICY", "SECURITY_MODES", "STAFF_SUBJECT", "SmtpChannel", "build_email",
           "check_unsubscribe_url", "message_id", "unsubscribe_headers"]
