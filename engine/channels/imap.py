"""Reading unsubscribe requests from a mailbox over IMAP, and recording them as opt-outs.

A desktop app cannot promise that a web link still answers weeks after a mail went out, so the
``List-Unsubscribe`` header of each mail points at a ``mailto:`` address (the SMTP account's
"Unsubscribe mailbox") with the recipient's token in the subject (``unsubscribe TOKEN``, see
:mod:`engine.channels.unsubscribe`). That mailbox is read here, with the IMAP settings kept on the
same SMTP account (:data:`IMAP_FIELDS`; the password in the OS keyring, or the SMTP login's when the
mailbox uses the same one).

A mail is an unsubscribe request when it carries a valid token (in the subject, in the ``+tag`` of
the address it was sent to, or in the first lines of its text), or when it comes from the address
of a known customer and its subject says "unsubscribe" (or 退订). Each is recorded once (reference:
its ``Message-ID``), marked seen and flagged ``$JourneyStudio``, and moved to the "done" folder
when one is set. Other mails are only flagged ``$JourneyStudio`` (when the server allows keywords),
so they stay unread for whoever reads that mailbox and are not examined again.
"""

from __future__ import annotations

import email
import email.policy
import imaplib
import logging
import re
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from typing import TYPE_CHECKING, Any

from engine.channels.kinds import Field
from engine.channels.optouts import ADDRESS_KIND, OptOutStore
from engine.channels.unsubscribe import read_token
from engine.errors import ChannelAccountInvalid, JourneyStudioError, MailboxUnavailable

if TYPE_CHECKING:
    from engine.channels.accounts import AccountStore
    from engine.store.workspace import Workspace

log = logging.getLogger(__name__)

#: Settings of an SMTP account for its unsubscribe mailbox (``imap_password`` is a keyring secret).
IMAP_FIELDS = (
    Field("imap_host", "Unsubscribe mailbox server (IMAP)", "text",
          help="The IMAP server of the unsubscribe mailbox, e.g. imap.example.com. Leave empty if "
               "Journey Studio should not read unsubscribe mails."),
    Field("imap_port", "IMAP port", "int", default=993, minimum=1, maximum=65535,
          help="Usually 993 with TLS, 143 with STARTTLS."),
    Field("imap_security", "IMAP security", "choice", default="tls", choices=("tls", "starttls", "none"),
          help="tls: encrypted from the start (port 993). starttls: connect, then switch to encryption "
               "(port 143). none: only for a server on this computer."),
    Field("imap_username", "IMAP user name", "text",
          help="Leave empty to use the SMTP user name."),
    Field("imap_password", "IMAP password", "secret",
          help="Leave empty to use the SMTP password; kept in the system keyring."),
    Field("imap_folder", "Folder to read", "text", default="INBOX"),
    Field("imap_done_folder", "Move handled requests to", "text", default="",
          help="A folder that handled unsubscribe mails are moved to; leave empty to leave them where "
               "they are, marked as read."),
    Field("imap_timeout", "IMAP timeout (seconds)", "int", default=30, minimum=1, maximum=300),
)
#: The keyword set on every mail that was examined.
KEYWORD = "$JourneyStudio"
#: Bytes of each mail fetched: enough for the headers and the first lines of the text.
FETCH_BYTES = 65536
#: Mails examined per call, oldest first; the rest wait for the next call.
MAX_MESSAGES = 500

_TOKEN = re.compile(r"(?<![a-z0-9])([a-z2-7]{20,120})(?![a-z0-9])", re.IGNORECASE)
_UNSUBSCRIBE_WORDS = ("unsubscribe", "退订", "取消订阅")


@dataclass(frozen=True)
class MailboxSettings:
    """Where and how to read an account's unsubscribe mailbox."""

    account: str
    host: str
    port: int
    security: str
    username: str
    password: str
    folder: str
    done_folder: str
    timeout: int

    def __repr__(self) -> str:  # no password: reprs end up in logs
        return f"MailboxSettings({self.account!r}, {self.host!r}, {self.port}, {self.security!r})"

    @property
    def where(self) -> str:
        return f"the unsubscribe mailbox of account '{self.account}' ({self.host}:{self.port})"


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def mailbox_settings(store: AccountStore, account_id: str) -> MailboxSettings | None:
    """The mailbox settings of an account, or ``None`` when it has no unsubscribe mailbox."""
    info = store.get(account_id)
    settings = info.settings
    host = str(settings.get("imap_host") or "").strip()
    if not host:
        return None
    defaults = {f.name: f.default for f in IMAP_FIELDS}
    username = str(settings.get("imap_username") or settings.get("username") or "").strip()
    password = store.secret(account_id, "imap_password") or store.secret(account_id, "password") or ""
    security = str(settings.get("imap_security") or defaults["imap_security"])
    if not username or not password:
        raise ChannelAccountInvalid("the unsubscribe mailbox needs a user name and a password (its own, or "
                                    "the SMTP login's)", account=account_id, field="IMAP user name")
    if security == "none" and not _is_loopback(host):
        raise ChannelAccountInvalid("logging in to the mailbox without encryption would send the password in "
                                    "clear text; choose tls or starttls", account=account_id,
                                    field="IMAP security")
    return MailboxSettings(account_id, host, int(settings.get("imap_port") or defaults["imap_port"]), security,
                           username, password, str(settings.get("imap_folder") or defaults["imap_folder"]),
                           str(settings.get("imap_done_folder") or ""),
                           int(settings.get("imap_timeout") or defaults["imap_timeout"]))


def _quote(mailbox: str) -> str:
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text(data: Any) -> str:
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    if isinstance(data, (list, tuple)):
        return " ".join(_text(d) for d in data if d is not None)
    return str(data)


class _Session:
    """One logged-in IMAP connection; every failure becomes :class:`MailboxUnavailable` without the
    password in it."""

    def __init__(self, settings: MailboxSettings, ssl_context: ssl.SSLContext | None):
        self.settings = settings
        self.ssl_context = ssl_context
        self.conn: imaplib.IMAP4 | None = None

    def _fail(self, what: str, exc: BaseException | str) -> MailboxUnavailable:
        detail = _text(exc.args if isinstance(exc, BaseException) and exc.args else exc) or type(exc).__name__
        if self.settings.password:
            detail = detail.replace(self.settings.password, "***")
        return MailboxUnavailable(f"{what} ({detail})", where=self.settings.where)

    def open(self) -> imaplib.IMAP4:
        s = self.settings
        context = self.ssl_context or ssl.create_default_context()
        try:
            if s.security == "tls":
                conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(s.host, s.port, ssl_context=context, timeout=s.timeout)
            else:
                conn = imaplib.IMAP4(s.host, s.port, timeout=s.timeout)
                if s.security == "starttls":
                    conn.starttls(ssl_context=context)
        except (OSError, imaplib.IMAP4.error, ssl.SSLError) as exc:
            raise self._fail("cannot connect", exc) from None
        self.conn = conn
        try:
            conn.login(s.username, s.password)
        except imaplib.IMAP4.error as exc:
            self.close()
            raise self._fail(f"the server refused the login of '{s.username}'", exc) from None
        except (OSError, ssl.SSLError) as exc:
            self.close()
            raise self._fail("the connection broke during the login", exc) from None
        return conn

    def command(self, what: str, name: str, *args: Any) -> list[Any]:
        assert self.conn is not None
        try:
            typ, data = getattr(self.conn, name)(*args)
        except (OSError, imaplib.IMAP4.error, ssl.SSLError) as exc:
            raise self._fail(f"cannot {what}", exc) from None
        if typ != "OK":
            raise self._fail(f"cannot {what}", data)
        return data

    def close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is None:
            return
        try:
            if conn.state == "SELECTED":
                conn.close()
            conn.logout()
        except (OSError, imaplib.IMAP4.error, ssl.SSLError):
            try:
                conn.shutdown()
            except OSError:
                pass


def _tokens(message: EmailMessage) -> list[str]:
    """Candidate tokens, in the order they are trusted: subject, recipient ``+tag``, text."""
    found: list[str] = []
    found += _TOKEN.findall(str(message.get("Subject", "")))
    for header in ("To", "Delivered-To", "X-Original-To", "Envelope-To"):
        for _name, address in getaddresses([str(v) for v in message.get_all(header, [])]):
            local = address.rpartition("@")[0]
            if "+" in local:
                found += _TOKEN.findall(local.split("+", 1)[1])
    try:
        part = message.get_body(preferencelist=("plain",))
        text = part.get_content() if part is not None else ""
    except (LookupError, ValueError, AttributeError):
        text = ""
    if isinstance(text, str):
        found += _TOKEN.findall(text[:4096])
    return [t.lower() for t in dict.fromkeys(found)]


def _says_unsubscribe(message: EmailMessage) -> bool:
    subject = str(message.get("Subject", "")).lower()
    return any(word in subject for word in _UNSUBSCRIBE_WORDS)


def _address_of(ws: Workspace, customer_id: str, channel_kind: str) -> str:
    kind = ADDRESS_KIND.get(channel_kind)
    if kind is None:
        return ""
    try:
        record = ws.get_customer(customer_id)
    except JourneyStudioError:
        return ""
    value = record.attributes.get(kind) or record.identifier(kind)
    return str(value or "")


def _handle(ws: Workspace, optouts: OptOutStore, message: EmailMessage, reference: str) -> bool | None:
    """Record the opt-out a mail asks for: ``True`` recorded now, ``False`` recorded before, ``None``
    when the mail is no unsubscribe request."""
    sender = parseaddr(str(message.get("From", "")))[1].strip()
    for token in _tokens(message):
        found = read_token(ws, token)
        if found is None:
            continue
        customer_id, channel_kind = found
        address = _address_of(ws, customer_id, channel_kind) or (sender if channel_kind == "email" else "")
        return optouts.add(channel_kind, address, customer_id, source="imap", reference=reference)
    if sender and _says_unsubscribe(message):
        customer_id = optouts.find_customer("email", sender)
        if customer_id is not None:
            return optouts.add("email", sender, customer_id, source="imap", reference=reference)
    return None


def fetch_unsubscribes(ws: Workspace, account_id: str, *, store: AccountStore | None = None,
                       ssl_context: ssl.SSLContext | None = None) -> int:
    """Read the unsubscribe mailbox of SMTP account ``account_id`` and record the opt-outs it holds;
    returns how many were new. An account without a mailbox gives 0. Raises
    :class:`MailboxUnavailable` when the mailbox cannot be read (opt-outs recorded before the
    failure stay recorded)."""
    from engine.channels.accounts import AccountStore

    store = store or AccountStore(ws)
    settings = mailbox_settings(store, account_id)
    if settings is None:
        return 0
    session = _Session(settings, ssl_context)
    conn = session.open()
    optouts = OptOutStore(ws)
    recorded = 0
    try:
        session.command(f"open the folder '{settings.folder}'", "select", _quote(settings.folder))
        flags = _text(conn.response("PERMANENTFLAGS")[1])
        keywords = "\\*" in flags
        validity = _text(conn.response("UIDVALIDITY")[1]).strip() or "0"
        criteria = ("UNKEYWORD", KEYWORD) if keywords else ("UNSEEN",)
        data = session.command("search the folder", "uid", "SEARCH", None, *criteria)
        uids = _text(data).split()[:MAX_MESSAGES]
        if settings.done_folder and uids:
            assert session.conn is not None
            # Made when missing; a server that says NO here already has it (or will say why on MOVE).
            session.conn.create(_quote(settings.done_folder))
        # imaplib keeps the capabilities from before the login; servers may offer more after it
        capabilities = set(_text(session.command("ask for the capabilities", "capability")).upper().split())
        can_move = "MOVE" in capabilities
        for uid in uids:
            fetched = session.command("read a mail", "uid", "FETCH", uid, f"(BODY.PEEK[]<0.{FETCH_BYTES}>)")
            raw = next((part[1] for part in fetched if isinstance(part, tuple) and len(part) > 1), None)
            if raw is None:
                continue
            message = email.message_from_bytes(raw, policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            reference = str(message.get("Message-ID", "")).strip() or \
                f"imap:{account_id}:{settings.folder}:{validity}:{uid}"
            outcome = _handle(ws, optouts, message, reference)
            if outcome is None:
                if keywords:
                    session.command("flag a mail", "uid", "STORE", uid, "+FLAGS", f"({KEYWORD})")
                continue
            recorded += int(outcome)
            mark = f"(\\Seen {KEYWORD})" if keywords else "(\\Seen)"
            session.command("mark a mail as read", "uid", "STORE", uid, "+FLAGS", mark)
            if settings.done_folder:
                target = _quote(settings.done_folder)
                if can_move:
                    session.command(f"move a mail to '{settings.done_folder}'", "uid", "MOVE", uid, target)
                else:
                    session.command(f"copy a mail to '{settings.done_folder}'", "uid", "COPY", uid, target)
                    session.command("delete a copied mail", "uid", "STORE", uid, "+FLAGS", "(\\Deleted)")
        if settings.done_folder and not can_move:
            if "UIDPLUS" in capabilities and uids:
                session.command("remove moved mails", "uid", "EXPUNGE", ",".join(uids))
    finally:
        session.close()
    if recorded:
        log.info("recorded %d opt-out(s) from %s", recorded, settings.where)
    return recorded


def fetch_all_unsubscribes(ws: Workspace, *, store: AccountStore | None = None) -> dict[str, int | str]:
    """Read the unsubscribe mailbox of every account that has one (run this at start-up, before
    anything is sent). Per account: the number of new opt-outs, or the reason it could not be read."""
    from engine.channels.accounts import AccountStore

    store = store or AccountStore(ws)
    results: dict[str, int | str] = {}
    for info in store.list():
        if not str(info.settings.get("imap_host") or "").strip():
            continue
        try:
            results[info.id] = fetch_unsubscribes(ws, info.id, store=store)
        except JourneyStudioError as exc:
            log.warning("cannot read unsubscribe requests: %s", exc)
            results[info.id] = str(exc)
    return results


__all__ = ["IMAP_FIELDS", "KEYWORD", "MailboxSettings", "fetch_all_unsubscribes", "fetch_unsubscribes",
           "mailbox_settings"]
