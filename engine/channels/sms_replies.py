"""Reading the replies an SMS account received from the provider's REST API, and honouring the STOPs.

Providers report inbound texts to a webhook, which a desktop app cannot offer (it has no public
address, and is closed half the time). A Twilio-compatible provider also keeps every message in its
Messages list, so the replies are read back from there: ``GET {base_url}/2010-04-01/Accounts/{sid}/
Messages.json?To={sender}&PageSize=100`` with the account's Basic auth, newest first, following
``next_page_uri`` (only on the same server: it would get the credentials). Each ``inbound`` message
whose text is a stop request (:func:`~engine.channels.optouts.is_stop_reply`) becomes an SMS
opt-out for the number it came from, with the reference ``twilio:{message sid}``, so a reply read
twice counts once.

What was read is remembered per account in the workspace meta (:data:`META_PREFIX`): the newest
``date_sent`` of the last complete read. The next read asks only for messages sent since the day
of that time less :data:`OVERLAP` (``DateSent>=``) and stops at the first older message, so a
read every few minutes costs about one page. A read takes at most :data:`MAX_PAGES` pages; a longer
backlog (the first read of a number with a long history) is continued from the page it stopped at
by the next call. Without the meta (a new workspace, a changed account) everything is read again,
which records nothing twice.

A sender that is a Messaging Service SID (``MG…``) cannot be used as the ``To`` filter; then the
whole list is read and inbound messages of that service are taken. An alphanumeric sender ID
cannot receive replies at all; such an account has nothing to read.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode, urljoin, urlsplit

from engine.channels.http import HttpClient, HttpProblem, HttpResponse, origin, redact, snippet
from engine.channels.kinds import KINDS, resolve
from engine.channels.optouts import OptOutStore, is_stop_reply, normalize_address
from engine.errors import ChannelAccountInvalid, JourneyStudioError, SmsRepliesUnavailable

if TYPE_CHECKING:
    from engine.channels.accounts import AccountStore
    from engine.store.workspace import Workspace

log = logging.getLogger(__name__)

#: The account kind whose replies can be read.
KIND = "twilio"
LIST_PATH = "/2010-04-01/Accounts/{sid}/Messages.json"
PAGE_SIZE = 100
#: Pages read per call; the rest of a backlog waits for the next call.
MAX_PAGES = 5
#: How far before the newest reply of the last read a new read looks again: a message may show up
#: in the list a little after a newer one did.
OVERLAP = timedelta(hours=1)
#: Workspace meta key (followed by the account id) holding what was read.
META_PREFIX = "channels.sms_replies."

_SERVICE = re.compile(r"^MG[0-9a-fA-F]{32}$")
_PHONE = re.compile(r"^\+?[0-9]{3,15}$")


@dataclass(frozen=True)
class ReplySource:
    """Where and how to read one account's replies."""

    account: str
    account_sid: str
    auth_token: str
    sender: str
    base_url: str
    timeout: int

    def __repr__(self) -> str:  # no token: reprs end up in logs
        return f"ReplySource({self.account!r}, {self.account_sid!r}, {origin(self.base_url)!r})"

    @property
    def by_service(self) -> bool:
        """Whether the sender is a Messaging Service SID rather than a number."""
        return bool(_SERVICE.match(self.sender))

    @property
    def where(self) -> str:
        return f"the SMS replies of account '{self.account}' ({urlsplit(self.base_url).hostname})"

    @property
    def secrets(self) -> tuple[str, ...]:
        pair = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode("ascii")
        return (self.auth_token, pair)

    def headers(self) -> dict[str, str]:
        return {"Authorization": "Basic " + self.secrets[1], "Accept": "application/json"}

    def list_url(self, since: datetime | None) -> str:
        query: dict[str, str] = {} if self.by_service else {"To": self.sender}
        if since is not None:
            query["DateSent>"] = since.astimezone(UTC).strftime("%Y-%m-%d")  # sent on or after that day
        query["PageSize"] = str(PAGE_SIZE)
        return self.base_url + LIST_PATH.format(sid=quote(self.account_sid, safe="")) + "?" + urlencode(query)


def reply_source(store: AccountStore, account_id: str) -> ReplySource | None:
    """How to read the replies of account ``account_id``, or ``None`` when its sender (an
    alphanumeric sender ID) cannot receive any. Raises :class:`ChannelAccountInvalid` for an account
    of another kind or with a missing setting or auth token."""
    info = store.get(account_id)
    if info.kind != KIND:
        raise ChannelAccountInvalid(f"is a {info.label} account; only SMS (Twilio-compatible) accounts have "
                                    "replies to read", account=account_id)
    provider = KINDS[KIND]
    own = {f.name for f in provider.setting_fields}
    settings = {k: v for k, v in info.settings.items() if k in own}
    token = store.secret(account_id, "auth_token") or ""
    values = resolve(provider, settings, {"auth_token": token}, account_id)
    sender = str(values["sender"])
    if not _SERVICE.match(sender):
        sender = normalize_address("sms", sender)  # "+49 151 …" as typed; the list knows "+49151…"
        if not _PHONE.match(sender):
            return None
    return ReplySource(account_id, str(values["account_sid"]), str(values["auth_token"]), sender,
                       str(values["base_url"]).rstrip("/"), int(values["timeout"]))


# ---------------------------------------------------------------------------------------------
# What was read before
# ---------------------------------------------------------------------------------------------


@dataclass
class _Cursor:
    #: The newest ``date_sent`` (and its message) of the last complete read.
    newest: datetime | None = None
    newest_sid: str = ""
    #: An unfinished read: the page to go on from, and the newest message it has seen.
    resume: str = ""
    sweep_newest: datetime | None = None
    sweep_newest_sid: str = ""


def _identity(source: ReplySource) -> list[str]:
    return [source.account_sid, source.sender, source.base_url]


def _time(text: Any) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _load(raw: str | None, source: ReplySource) -> _Cursor:
    """The cursor saved for ``source``; a fresh one when there is none, it is unreadable, or it was
    saved for another account SID, sender or server (the messages it points at are not these)."""
    try:
        data = json.loads(raw) if raw else None
    except ValueError:
        data = None
    if not isinstance(data, dict) or data.get("for") != _identity(source):
        return _Cursor()
    resume = data.get("resume")
    if not isinstance(resume, str) or origin(resume) != origin(source.base_url):
        resume = ""
    return _Cursor(_time(data.get("newest")), str(data.get("newest_sid") or ""), resume,
                   _time(data.get("sweep_newest")), str(data.get("sweep_newest_sid") or ""))


def _dump(cursor: _Cursor, source: ReplySource) -> str:
    def iso(when: datetime | None) -> str | None:
        return when.isoformat() if when else None

    return json.dumps({"for": _identity(source), "newest": iso(cursor.newest), "newest_sid": cursor.newest_sid,
                       "resume": cursor.resume or None, "sweep_newest": iso(cursor.sweep_newest),
                       "sweep_newest_sid": cursor.sweep_newest_sid})


# ---------------------------------------------------------------------------------------------
# Talking to the provider
# ---------------------------------------------------------------------------------------------


def _provider_said(response: HttpResponse, secrets: tuple[str, ...]) -> str:
    """The provider's own ``message`` (and ``code``) from an error body, else a short snippet."""
    try:
        data = json.loads(response.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        data = None
    if isinstance(data, dict) and data.get("message"):
        code = data.get("code")
        text = str(data["message"]) + (f", code {code}" if code not in (None, "") else "")
        return redact(text, secrets)[:300]
    return snippet(response.body, secrets)


def _fail(source: ReplySource, text: str) -> SmsRepliesUnavailable:
    return SmsRepliesUnavailable(redact(text, source.secrets), where=source.where)


def _page(client: HttpClient, source: ReplySource, url: str) -> dict[str, Any]:
    """One page of the Messages list; :class:`SmsRepliesUnavailable` when there is none to read."""
    try:
        response = client.request("GET", url, headers=source.headers())
    except HttpProblem as exc:
        raise _fail(source, f"cannot reach the provider ({exc})") from None
    status = response.status
    if 200 <= status < 300:
        try:
            data = json.loads(response.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
            raise _fail(source, f"the provider's answer ({status}) is not a Messages list; is the API address "
                                "right?")
        return data
    said = _provider_said(response, source.secrets)
    detail = f" ({said})" if said else ""
    if status in (401, 403):
        raise _fail(source, f"the provider refused the account SID or auth token: {status} "
                            f"{response.reason}{detail}".rstrip())
    if status == 404:
        raise _fail(source, f"the provider has no message list for account SID {source.account_sid} "
                            f"(404{detail}); check the account SID and the API address")
    again = "; will try again later" if status == 429 or status >= 500 else ""
    raise _fail(source, f"the provider answered {status} {response.reason}{detail}{again}")


def _next(source: ReplySource, page: dict[str, Any], current: str) -> str | None:
    """The next page's URL, or ``None`` at the end of the list. The provider names it by path; a
    page on another server is refused, since the request would carry the credentials there."""
    uri = page.get("next_page_uri")
    if not uri or not isinstance(uri, str):
        return None
    url = urljoin(current, uri)
    if origin(url) != origin(source.base_url):
        raise _fail(source, f"the provider pointed the next page at another server ({origin(url)}); "
                            "not followed")
    return url


def _sent_at(item: dict[str, Any]) -> datetime | None:
    """When the message was sent (``date_sent``, else ``date_created``: RFC 2822 dates)."""
    for name in ("date_sent", "date_created"):
        value = item.get(name)
        if not isinstance(value, str) or not value.strip():
            continue
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            continue
        return when if when.tzinfo else when.replace(tzinfo=UTC)
    return None


def _honour(optouts: OptOutStore, source: ReplySource, item: dict[str, Any], sid: str,
            sent: datetime | None) -> int:
    """Record the opt-out a listed message asks for; 1 if it was recorded now."""
    if str(item.get("direction") or "").lower() != "inbound" or not sid:
        return 0
    if source.by_service:
        if item.get("messaging_service_sid") != source.sender:
            return 0
    elif normalize_address("sms", str(item.get("to") or "")) != normalize_address("sms", source.sender):
        return 0  # a provider that ignores the To filter: a reply to another number of the account
    number = str(item.get("from") or "")
    if not is_stop_reply(str(item.get("body") or "")) or not normalize_address("sms", number):
        return 0
    # What record_sms_reply does, keeping whether the opt-out is new so that it can be counted.
    try:
        return int(optouts.add("sms", number, source="sms", reference=f"twilio:{sid}", received_at=sent))
    except ValueError as exc:  # a number no opt-out can hold; the other replies still count
        log.warning("%s: reply %s not recorded: %s", source.where, sid, exc)
        return 0


def fetch_sms_replies(ws: Workspace, account_id: str, *, client: HttpClient | None = None,
                      store: AccountStore | None = None) -> int:
    """Read the replies SMS account ``account_id`` received since the last read and record the
    stop requests among them as opt-outs; returns how many opt-outs were new. An account whose
    sender cannot receive replies gives 0. Raises :class:`SmsRepliesUnavailable` when the provider
    cannot be read (opt-outs recorded before the failure stay recorded; the next call reads those
    pages again) and :class:`ChannelAccountInvalid` for an account that is not an SMS account."""
    from engine.channels.accounts import AccountStore

    source = reply_source(store or AccountStore(ws), account_id)
    return 0 if source is None else _read(ws, source, client)


def _read(ws: Workspace, source: ReplySource, client: HttpClient | None) -> int:
    """Read the pages :func:`fetch_sms_replies` describes and save how far it got."""
    client = client or HttpClient(timeout=source.timeout)
    key = META_PREFIX + source.account
    cursor = _load(ws.get_meta(key), source)
    stop_before = cursor.newest - OVERLAP if cursor.newest is not None else None
    if cursor.resume:
        url, newest, newest_sid = cursor.resume, cursor.sweep_newest, cursor.sweep_newest_sid
    else:
        url, newest, newest_sid = source.list_url(stop_before), None, ""
    optouts = OptOutStore(ws)
    recorded, finished, read = 0, False, {url}
    for _ in range(MAX_PAGES):
        try:
            page = _page(client, source, url)
        except SmsRepliesUnavailable:
            if cursor.resume and url == cursor.resume:
                # The saved page may have expired at the provider: the next call starts again from
                # the newest message instead of failing on it for ever.
                ws.set_meta(key, _dump(_Cursor(cursor.newest, cursor.newest_sid), source))
            raise
        for item in page["messages"]:
            if not isinstance(item, dict):
                continue
            sid = str(item.get("sid") or "")
            sent = _sent_at(item)
            if sent is not None and (newest is None or sent > newest):
                newest, newest_sid = sent, sid
            if stop_before is not None and sent is not None and sent < stop_before:
                finished = True  # newest first: everything from here on was read by an earlier call
                break
            recorded += _honour(optouts, source, item, sid, sent)
        if finished:
            break
        following = _next(source, page, url)
        if following is None or following in read:  # the end (or a provider that loops)
            finished = True
            break
        url = following
        read.add(url)
    if finished:
        if newest is not None and (cursor.newest is None or newest > cursor.newest):
            cursor.newest, cursor.newest_sid = newest, newest_sid
        cursor.resume, cursor.sweep_newest, cursor.sweep_newest_sid = "", None, ""
    else:
        cursor.resume, cursor.sweep_newest, cursor.sweep_newest_sid = url, newest, newest_sid
    ws.set_meta(key, _dump(cursor, source))
    if recorded:
        log.info("recorded %d opt-out(s) from %s", recorded, source.where)
    return recorded


def fetch_all_sms_replies(ws: Workspace, *, store: AccountStore | None = None,
                          client: HttpClient | None = None) -> dict[str, int | str]:
    """Read the replies of every SMS account whose sender can receive them (run this at start-up,
    before anything is sent). Per account: the number of new opt-outs, or the reason the replies
    could not be read."""
    from engine.channels.accounts import AccountStore

    store = store or AccountStore(ws)
    results: dict[str, int | str] = {}
    for info in store.list():
        if info.kind != KIND:
            continue
        try:
            source = reply_source(store, info.id)
            if source is None:
                continue
            results[info.id] = _read(ws, source, client)
        except JourneyStudioError as exc:
            log.warning("cannot read SMS replies: %s", exc)
            results[info.id] = str(exc)
    return results


__all__ = ["KIND", "LIST_PATH", "MAX_PAGES", "META_PREFIX", "OVERLAP", "PAGE_SIZE", "ReplySource",
           "fetch_all_sms_replies", "fetch_sms_replies", "reply_source"]
