"""Email through a plain SMTP server: :class:`SmtpChannel`, a :class:`~engine.channels.Channel`.

No login and no TLS here (a relay on the local network or the machine itself). Each message carries a
``Message-ID`` made from its idempotency key, so the same delivery always has the same id and a
mail server or a reader can spot a duplicate. Temporary trouble (a 4xx reply, no connection, a
timeout) is a retryable failure; a 5xx reply is permanent and its text becomes the reason.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate

from engine.channels.base import ChannelResult, Message

DEFAULT_SENDER = "journey-studio@localhost"
#: Subject of a staff notice, which has no subject of its own.
STAFF_SUBJECT = "Journey Studio notice"


def message_id(idempotency_key: str) -> str:
    """The ``Message-ID`` of a delivery: the same key always gives the same id."""
    return f"<{idempotency_key}@journey-studio>"


def build_email(message: Message, sender: str = DEFAULT_SENDER) -> EmailMessage:
    """The email for ``message``: plain text, with an HTML alternative when the message has one."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = ", ".join(message.recipients) if message.recipients else message.to
    mail["Subject"] = message.subject or (STAFF_SUBJECT if message.recipients else "")
    mail["Date"] = formatdate(usegmt=True)
    mail["Message-ID"] = message_id(message.idempotency_key)
    mail.set_content(message.body)
    if message.html_body:
        mail.add_alternative(message.html_body, subtype="html")
    return mail


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}".strip()


def _from_code(code: int, text: bytes | str, what: str) -> ChannelResult:
    # 4xx is "try again later" in SMTP; anything else the server refused for good.
    return ChannelResult("failed", reason=f"{what}: {_reply(code, text)}", retryable=400 <= code < 500)


class SmtpChannel:
    """Sends each message as one email through ``host:port`` from ``sender``."""

    def __init__(self, host: str, port: int = 25, sender: str = DEFAULT_SENDER, timeout: float = 10):
        self.host = host
        self.port = port
        self.sender = sender
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"SmtpChannel({self.host!r}, {self.port})"

    def send(self, message: Message) -> ChannelResult:
        recipients = list(message.recipients) if message.recipients else [message.to]
        recipients = [r for r in recipients if r]
        if not recipients:
            return ChannelResult("failed", reason="the message has no recipient address")
        mail = build_email(message, self.sender)
        where = f"{self.host}:{self.port}"
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as server:
                refused = server.send_message(mail, from_addr=self.sender, to_addrs=recipients)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = list(exc.recipients.values())
            retryable = all(400 <= code < 500 for code, _ in codes)
            reasons = "; ".join(f"{addr}: {_reply(code, text)}" for addr, (code, text) in exc.recipients.items())
            return ChannelResult("failed", reason=f"the mail server refused the recipient ({reasons})",
                                 retryable=retryable)
        except smtplib.SMTPSenderRefused as exc:
            return _from_code(exc.smtp_code, exc.smtp_error, "the mail server refused the sender")
        except smtplib.SMTPDataError as exc:
            return _from_code(exc.smtp_code, exc.smtp_error, "the mail server refused the message")
        except smtplib.SMTPResponseException as exc:
            return _from_code(exc.smtp_code, exc.smtp_error, f"the mail server at {where} said")
        except smtplib.SMTPServerDisconnected as exc:
            return ChannelResult("failed", reason=f"the mail server at {where} closed the connection ({exc})",
                                 retryable=True)
        except TimeoutError:
            return ChannelResult("failed", reason=f"no answer from the mail server at {where} "
                                                  f"within {self.timeout:g} s", retryable=True)
        except (OSError, smtplib.SMTPException) as exc:
            detail = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            return ChannelResult("failed", reason=f"cannot reach the mail server at {where} ({detail})",
                                 retryable=True)
        if refused:  # some recipients of a staff notice were refused, the others got it
            reasons = "; ".join(f"{addr}: {_reply(code, text)}" for addr, (code, text) in refused.items())
            return ChannelResult("sent", provider_id=mail["Message-ID"],
                                 reason=f"not delivered to {reasons}")
        return ChannelResult("sent", provider_id=mail["Message-ID"])


__all__ = ["DEFAULT_SENDER", "SmtpChannel", "build_email", "message_id"]
