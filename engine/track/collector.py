"""The collector: an HTTP endpoint that websites and apps send events to, speaking the Segment
HTTP Tracking API (:mod:`engine.track.segment_protocol`) and the Sensors Analytics SDK protocol
(:mod:`engine.track.sensors_protocol`), storing into the workspace.

``Collector(ws, host, port, on_events=...)`` runs in background threads once :meth:`Collector.start`
returns: an asyncio event loop reads requests (:mod:`engine.track.collector_http`), checks the write
key and every message, and queues the request for the single writer thread
(:mod:`engine.track.collector_writer`), which stores queued requests in one transaction per group
and answers each request only after that commit. So **200 means committed**. ``on_events`` gets
the stored events after each commit (from another thread, never inside a write): the place to
hand them to the engine (``Runner.handle_event``). :meth:`Collector.counts` can be read from any
thread while it runs.

Each event is stored with the name of the write key its request came with (``events.write_key``;
the key itself is never stored): the key given as the HTTP Basic user name when there is one, else
the Segment body's ``writeKey`` or the Sensors ``token`` (every key a request gives must be valid).
The name is looked up once per request, from the digest, and remembered with the key until the
keys are read again (:meth:`Collector.reload_keys`). A key given to the collector itself
(``write_keys``, ``collect --write-key``) has no name, so its events have none, unless the same
key is also stored under a name.

Phone numbers that name a customer (Segment ``traits.phone``, Sensors ``$identity_mobile``) and are
written without a country code are read in the workspace's phone country (the one its CSV imports
remembered, :func:`engine.identifiers.phone_country_of`), read once when the collector starts, so
that ``06 12 34 56 78`` and ``+33 6 12 34 56 78`` name one customer; other identifiers pay nothing
for it.

Answers are JSON. Success: ``{"success": true, "stored": n, "duplicates": d}`` (plus ``rejected``
when some messages of a batch were refused). Failure: ``{"success": false, "code": ...,
"message": ...}`` with status 400 (malformed body or message, ``malformed`` / ``invalid_message`` /
``too_deep``), 401 (missing or unknown write key), 404 (no such endpoint), 405 (wrong method),
413 (over Segment's limits: 32 KB per message, 500 KB per batch, whether the body came with a
``Content-Length`` or in chunks), 415 (a content encoding other
than gzip), 429 (the write queue is full; ``Retry-After`` says when to try again) or 503 (the
database failed; nothing was stored). In a batch, good messages are stored even when others are
refused; only a batch with no good message is refused as a whole.

Browsers are served with CORS: any origin may post (the write key is what guards the workspace),
``OPTIONS`` preflights are answered, and ``Authorization``, ``Content-Type`` and
``Content-Encoding`` are allowed request headers.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import errno
import gc
import ipaddress
import json
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.errors import JourneyStudioError
from engine.identifiers import check_phone_country, phone_country_of
from engine.store.customers import EventRecord
from engine.store.models import utcnow
from engine.track import collector_keys, segment_protocol, sensors_protocol
from engine.track.collector_http import HttpServer, Request, Respond, Response, error_response
from engine.track.collector_keys import CollectorError
from engine.track.collector_messages import (
    MAX_BATCH_BYTES,
    MAX_MESSAGE_BYTES,
    MessageInvalid,
    gunzip,
    size_limit,
)
from engine.track.collector_writer import GroupWriter, Job
from engine.track.segment_protocol import Parsed

if TYPE_CHECKING:
    from engine.store.workspace import Workspace

log = logging.getLogger("journey_studio.collector")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
#: The interpreter's thread switch interval while a collector runs (seconds; Python's default is
#: 0.005). The writer thread gives up the GIL at every SQLite call and must get it back from the
#: thread reading requests, waiting up to this long each time. Measured: with the default, a third
#: less single-event throughput and twice the 99th percentile than with 1 ms; with 0.2 ms rather
#: than 1 ms, the batch writer's inserts waited about 2.5 µs less per event, and with another busy
#: Python thread in the process single events went from about 1,200 to 3,500 requests/s.
SWITCH_INTERVAL = 0.0002
#: The interpreter's generation-0 garbage-collection threshold while a collector runs, at least
#: (Python's default is 700 allocations). Every checked message is a few objects that live until
#: their commit, so with the default nearly all of them are traversed by two collections and
#: promoted to the oldest generation, whose growth then sets off a full collection of the whole
#: process about every 30,000 messages. Measured, the default cost the thread reading requests
#: about a quarter of its time per event.
GC_THRESHOLD = 10_000
#: Messages waiting for the writer before new requests get 429.
MAX_PENDING_MESSAGES = 200_000
RETRY_AFTER_SECONDS = 1
CORS_ALLOW_HEADERS = "Authorization, Content-Type, Content-Encoding, X-Requested-With, Dry-Run"
CORS_MAX_AGE = "86400"
_SEGMENT_SINGLE_LIMIT = MAX_MESSAGE_BYTES
_OK = json.dumps({"success": True}).encode()


def is_loopback(host: str) -> bool:
    """True if ``host`` only accepts connections from this computer."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class CollectorCounts:
    """A snapshot of the collector's counters since it started."""

    #: HTTP requests answered or under way.
    requests: int
    #: Messages read from accepted requests (before dedup).
    received: int
    #: Events stored (committed).
    committed: int
    #: Events not stored because the same one is stored already.
    duplicates: int
    #: Profile changes applied (identify traits, profile_* messages).
    profile_updates: int
    #: Profiles merged into others.
    merges: int
    #: Links the identity rules refused (see :mod:`engine.track.identity`).
    refused_links: int
    #: Messages accepted (answered 200) but not stored or left undone: Sensors ``item_set``,
    #: ``item_delete`` and ``track_id_unbind`` by design, and profile changes Sensors Analytics would
    #: refuse (see :data:`~engine.track.collector_messages.IGNORED_REASONS`); per reason in
    #: :attr:`ignored_reasons`.
    ignored: int
    #: Messages waiting for the writer.
    pending: int
    #: Refused requests and messages by reason code (``unauthorized``, ``too_large``, ``malformed``,
    #: ``invalid_message``, ``too_deep``, ``not_found``, ``method_not_allowed``, ``busy``...).
    rejected: dict[str, int] = field(default_factory=dict)
    #: Events stored per source (``segment``, ``sensors:<project>``).
    by_source: dict[str, int] = field(default_factory=dict)
    #: Ignored messages per reason: the Sensors type (``item_set``...) or why a profile change was
    #: left undone (``increment_not_a_number``, ``append_not_a_list``, ``profile_of_no_one``).
    ignored_reasons: dict[str, int] = field(default_factory=dict)

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())


@dataclass(frozen=True)
class _Route:
    protocol: str  # "segment" or "sensors"
    kind: str
    methods: tuple[str, ...]


ROUTES: dict[str, _Route] = {path: _Route("segment", kind, ("POST",)) for path, kind in segment_protocol.PATHS.items()}
ROUTES.update({path: _Route("sensors", "sensors", ("GET", "POST")) for path in sensors_protocol.PATHS})


class Collector:
    """The collector's HTTP endpoint and write queue; see the module docstring.

    ``write_keys`` are accepted besides the keys stored in the workspace
    (:mod:`engine.track.collector_keys`); with neither, every request gets 401. ``port`` 0 picks a
    free port (read :attr:`port` after :meth:`start`). ``on_events`` runs in the collector's
    hand-off thread: it must not call :meth:`stop`. While the collector runs it lowers the
    interpreter's thread switch interval to ``switch_interval`` (:data:`SWITCH_INTERVAL`) and
    raises the garbage collector's first threshold to ``gc_threshold`` (:data:`GC_THRESHOLD`), and
    puts both back when it stops. Stop the collector before closing the workspace.
    """

    def __init__(self, ws: Workspace, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *,
                 on_events: Callable[[list[EventRecord]], None] | None = None,
                 write_keys: Iterable[str] = (), max_pending: int = MAX_PENDING_MESSAGES,
                 switch_interval: float | None = SWITCH_INTERVAL, gc_threshold: int | None = GC_THRESHOLD):
        self.ws = ws
        #: While running, the interpreter's thread switch interval is at most this (seconds);
        #: ``None`` leaves it alone. See :data:`SWITCH_INTERVAL`.
        self.switch_interval = switch_interval
        self._previous_interval: float | None = None
        self._applied_interval: float | None = None
        #: While running, the generation-0 garbage-collection threshold is at least this;
        #: ``None`` leaves it alone. See :data:`GC_THRESHOLD`.
        self.gc_threshold = gc_threshold
        self._previous_gc: tuple[int, int, int] | None = None
        self.host = host
        self.port = port
        self.max_pending = max_pending
        self._extra_keys = frozenset(collector_keys.digest(k) for k in write_keys)
        #: Digest of every accepted key → the name it is stored under (``None``: a key given to
        #: the collector itself, which has no name).
        self._digests: dict[str, str | None] = {}
        #: Keys seen to be valid since the keys were last read, with their names (only those: a
        #: digest per request is cheap, but not free for single events).
        self._valid_keys: dict[str, str | None] = {}
        self._on_events = on_events
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: HttpServer | None = None
        self._writer: GroupWriter | None = None
        self._running = False
        self._lock = threading.Lock()
        # Counters of the event-loop thread (the writer keeps its own).
        self._requests = 0
        self._received = 0
        self._ignored_types: dict[str, int] = {}
        self._pending = 0
        self._rejected: dict[str, int] = {}
        #: The workspace's country of phone numbers written without a country code (read when the
        #: collector starts; see :func:`engine.identifiers.phone_country_of`), or None.
        self.phone_country: str | None = None

    # -- life cycle ----------------------------------------------------------------------------------
    def start(self) -> None:
        """Listen and start the threads; returns once the port is bound. Raises
        :class:`~engine.track.collector_keys.CollectorError` if it cannot listen."""
        if self._running:
            return
        self.reload_keys()
        self.phone_country = _phone_country(self.ws)
        self._writer = GroupWriter(self.ws, self._settle, self._on_events)
        started = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                server = HttpServer(self._handle, early=self._early, max_body=sensors_protocol.MAX_FORM_BYTES,
                                    refused=self._refused)
                self.host, self.port = loop.run_until_complete(server.listen(self.host, self.port))[:2]
                self._server = server
            except BaseException as exc:
                failure.append(exc)
                started.set()
                loop.close()
                return
            started.set()
            try:
                loop.run_forever()
            finally:
                server.close_all()
                loop.run_until_complete(asyncio.sleep(0))
                loop.close()

        self._thread = threading.Thread(target=serve, name="collector-http", daemon=True)
        self._thread.start()
        started.wait()
        if failure:
            self._thread.join()
            error = CollectorError(f"cannot listen on {self.host}:{self.port}: {_listen_failure(failure[0])}")
            error.in_use = getattr(failure[0], "errno", None) == errno.EADDRINUSE
            raise error from None
        self._writer.start()
        self._running = True
        if self.switch_interval is not None and sys.getswitchinterval() > self.switch_interval:
            self._previous_interval = sys.getswitchinterval()
            sys.setswitchinterval(self.switch_interval)
            # Kept in whole microseconds, so read back what was set (0.0002 reads 0.000199).
            self._applied_interval = sys.getswitchinterval()
        if self.gc_threshold is not None and gc.get_threshold()[0] < self.gc_threshold:
            self._previous_gc = gc.get_threshold()
            gc.set_threshold(self.gc_threshold, *self._previous_gc[1:])

    def stop(self, timeout: float = 30.0) -> None:
        """Stop listening, answer every request already read (after storing it), then end the
        threads. Safe to call twice."""
        if not self._running:
            return
        self._running = False
        loop, writer, server = self._loop, self._writer, self._server
        assert loop is not None and writer is not None and server is not None
        queued = threading.Event()

        def close_and_drain() -> None:
            # In the loop's thread, so no request is queued after the writer's stop mark.
            server.stop_listening()
            writer.request_stop()
            queued.set()

        try:
            loop.call_soon_threadsafe(close_and_drain)
            queued.wait(timeout)
        except RuntimeError:  # the loop is gone already: nothing more can arrive
            writer.request_stop()
        writer.join(timeout)
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(loop.stop)  # after the answers the writer handed over
        if self._thread is not None:
            self._thread.join(timeout)
        if self._previous_interval is not None and sys.getswitchinterval() == self._applied_interval:
            sys.setswitchinterval(self._previous_interval)
        self._previous_interval = None
        if self._previous_gc is not None and gc.get_threshold()[0] == self.gc_threshold:
            gc.set_threshold(*self._previous_gc)
        self._previous_gc = None

    @property
    def running(self) -> bool:
        return self._running

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def reload_keys(self) -> None:
        """Read the workspace's write keys and their names again (after keys were added, removed or
        stored again under another name)."""
        digests: dict[str, str | None] = dict.fromkeys(self._extra_keys)
        # A key given to the collector that is also stored goes by its stored name.
        digests.update((info.digest, info.name) for info in collector_keys.list_keys(self.ws))
        self._digests = digests
        self._valid_keys = {}

    def counts(self) -> CollectorCounts:
        """The counters now; safe from any thread."""
        stats = self._writer.stats if self._writer is not None else None
        with self._lock:
            rejected = dict(self._rejected)
            ignored = dict(self._ignored_types)
        for reason, n in dict(stats.ignored if stats else {}).items():
            ignored[reason] = ignored.get(reason, 0) + n
        return CollectorCounts(
            requests=self._requests, received=self._received,
            committed=stats.committed if stats else 0, duplicates=stats.duplicates if stats else 0,
            profile_updates=stats.profile_updates if stats else 0, merges=stats.merges if stats else 0,
            refused_links=stats.refused_links if stats else 0, ignored=sum(ignored.values()),
            pending=self._pending, rejected=rejected, by_source=dict(stats.by_source) if stats else {},
            ignored_reasons=ignored)

    # -- requests (in the event loop's thread) -----------------------------------------------------
    def _early(self, method: str, path: str, headers: dict[str, str], length: int) -> Response | None:
        """Answers decided from the header alone (the body is not read for them)."""
        route = ROUTES.get(_normal(path))
        cors = _cors(headers)
        self._requests += 1
        if route is None:
            self._count("not_found")
            return _error(404, "not_found", "there is no such endpoint here; the collector serves the Segment "
                          "API under /v1/ (track, identify, page, screen, group, alias, batch) and the "
                          "Sensors Analytics SDK at /sa", cors, close=False)
        if method == "OPTIONS":
            return Response(204, headers=[*cors, ("Access-Control-Allow-Methods", ", ".join((*route.methods, "OPTIONS"))),
                                          ("Access-Control-Allow-Headers", CORS_ALLOW_HEADERS),
                                          ("Access-Control-Max-Age", CORS_MAX_AGE)])
        if method not in route.methods:
            self._count("method_not_allowed")
            response = _error(405, "method_not_allowed", f"{path} takes {' or '.join(route.methods)}, not {method}",
                              cors, close=False)
            response.headers.append(("Allow", ", ".join((*route.methods, "OPTIONS"))))
            return response
        return self._too_large(route, length, cors)

    def _too_large(self, route: _Route, length: int, cors: list[tuple[str, str]]) -> Response | None:
        """413 for a body over the route's limit (known from the header, or once a chunked body has
        arrived)."""
        limit = sensors_protocol.MAX_FORM_BYTES if route.protocol == "sensors" else MAX_BATCH_BYTES
        if length > limit:
            self._count("too_large")
            return _error(413, "too_large", f"the body is {length:,} bytes; {size_limit(limit)} is accepted", cors)
        return None

    def _handle(self, request: Request, respond: Respond) -> Response | None:
        try:
            return self._answer(request, respond)
        except Exception:
            self._count("internal_error")  # the HTTP layer answers 500 and logs it
            raise

    def _answer(self, request: Request, respond: Respond) -> Response | None:
        route = ROUTES[_normal(request.path)]
        cors = _cors(request.headers)
        if "transfer-encoding" in request.headers:  # chunked: its length is known only now
            refused = self._too_large(route, len(request.body), cors)
            if refused is not None:
                return refused
        if self._server is None or self._server.stopping:
            self._count("stopping")
            return _error(503, "stopping", "the collector is stopping; send the request again later", cors)
        if self._pending >= self.max_pending:
            self._count("busy")
            response = _error(429, "busy", "the collector is busy storing earlier events; try again shortly",
                              cors, close=False)
            response.headers.append(("Retry-After", str(RETRY_AFTER_SECONDS)))
            return response
        try:
            header_key = _basic_user(request.headers.get("authorization"))
            header_name = self._key_name(header_key) if header_key is not None else None
            now = utcnow()
            # The sender is checked before any message is: an unknown sender learns nothing more.
            if route.protocol == "segment":
                body = segment_protocol.decode(self._segment_body(route.kind, request))
                key_name = self._check_key(header_key, header_name, body.write_key, "writeKey in the body")
                parsed = segment_protocol.read(route.kind, body, now, phone_country=self.phone_country)
            else:
                form = request.method == "POST" and "json" not in request.headers.get("content-type", "").lower()
                decoded = sensors_protocol.decode(request.query, request.body, form=form)
                key_name = self._check_key(header_key, header_name, decoded.token, "?token= in the URL")
                parsed = sensors_protocol.read(decoded, now, phone_country=self.phone_country)
        except MessageInvalid as exc:
            self._count(exc.code)
            return _error(exc.status, exc.code, exc.message, cors, close=False)
        self._received += len(parsed.messages) + parsed.ignored
        if parsed.ignored:
            with self._lock:
                for kind, n in parsed.ignored_types.items():
                    self._ignored_types[kind] = self._ignored_types.get(kind, 0) + n
        for exc in parsed.rejected:
            self._count(exc.code)
        if not parsed.messages:
            if parsed.rejected:
                first = parsed.rejected[0]
                return _error(first.status, first.code, _rejected_summary(parsed), cors, close=False,
                              rejected=parsed.rejected)
            return _answer(Job([], _noop), parsed, cors)
        self._pending += len(parsed.messages)
        job = Job(parsed.messages, lambda done: respond(self._finished(done, parsed, cors)), write_key=key_name)
        assert self._writer is not None
        self._writer.submit(job)
        return None

    def _finished(self, job: Job, parsed: Parsed, cors: list[tuple[str, str]]) -> Response:
        self._pending -= len(job.messages)
        if job.status:
            self._count("store_failed" if job.status >= 500 else "refused_by_database")
            return _error(job.status, "store_failed" if job.status >= 500 else "refused_by_database",
                          job.error, cors, close=False)
        return _answer(job, parsed, cors)

    def _settle(self, jobs: list[Job]) -> None:
        """Writer thread → loop thread: answer the jobs of a committed group."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return

        def answer() -> None:
            for job in jobs:
                job.done(job)

        try:
            loop.call_soon_threadsafe(answer)
        except RuntimeError:
            pass  # the loop has closed: the collector was stopped without waiting

    def _segment_body(self, kind: str, request: Request) -> bytes:
        body = request.body
        encoding = request.headers.get("content-encoding", "").strip().lower()
        if encoding == "gzip":
            body = gunzip(body, MAX_BATCH_BYTES, "the body")
        elif encoding not in ("", "identity"):
            raise MessageInvalid(f"the body is encoded as '{encoding[:40]}'; send it plain or as gzip",
                                 code="unsupported_encoding", status=415)
        limit = MAX_BATCH_BYTES if kind == "batch" else _SEGMENT_SINGLE_LIMIT
        if len(body) > limit:
            unpacked = " once decompressed" if encoding == "gzip" else ""
            raise MessageInvalid(f"the body is {len(body):,} bytes{unpacked}; {request.path} takes "
                                 f"{size_limit(limit)}", code="too_large", status=413)
        return body

    def _check_key(self, header_key: str | None, header_name: str | None, other: str | None,
                   where: str) -> str | None:
        """Check the key of the body or URL (``other``; the header's was checked already) and
        return the name the request's events are stored with: the header key's when there is
        one, else that of ``other``."""
        if other is not None:
            name = self._key_name(other)
            return header_name if header_key is not None else name
        if header_key is None:
            raise MessageInvalid(f"no write key: send it as the HTTP Basic user name or as {where}",
                                 code="unauthorized", status=401)
        return header_name

    def _key_name(self, key: str) -> str | None:
        """The name ``key`` is stored under (``None``: a key given to the collector itself);
        401 if it is not one of the accepted keys."""
        # The cache first: reload_keys() replaces the digests before the cache, so a key is only
        # ever added to the cache that goes with the digests it was checked against.
        valid = self._valid_keys
        name = valid.get(key, _UNKNOWN)
        if name is not _UNKNOWN:
            return name
        name = self._digests.get(collector_keys.digest(key), _UNKNOWN)
        if name is _UNKNOWN:
            raise _unknown_key()
        if len(valid) < 1000:
            valid[key] = name
        return name

    def _refused(self, code: str, new_request: bool = True) -> None:
        """A request the HTTP layer refused before it reached :meth:`_handle` (``new_request``:
        before :meth:`_early` counted it)."""
        if new_request:
            self._requests += 1
        self._count(code)

    def _count(self, code: str) -> None:
        with self._lock:
            self._rejected[code] = self._rejected.get(code, 0) + 1


#: What the key caches give for a key that is not accepted (a key's name may be ``None``).
_UNKNOWN = object()


def _phone_country(ws: Workspace) -> str | None:
    """The workspace's phone country, if it is one phone numbers can be read in (reading one
    imports ``phonenumbers`` now, not at the first phone number)."""
    country = phone_country_of(ws)
    if country is None:
        return None
    try:
        return check_phone_country(country)
    except JourneyStudioError:
        log.warning("the workspace's phone country %r is unknown; phone numbers are kept as sent", country)
        return None


def _listen_failure(exc: BaseException) -> str:
    """Why a port could not be opened, in words a user can act on."""
    code = getattr(exc, "errno", None)
    if code == errno.EADDRINUSE:
        return ("another program is using that port (a collector already running?). Choose another "
                "port, or port 0 to take any free one (--port 0 for 'collect', --collect-port 0 for 'run', “Any "
                "free port” in the app)")
    if code == errno.EACCES:
        return "permission denied (ports below 1024 need administrator rights); choose a port above 1024"
    if code == errno.EADDRNOTAVAIL:
        return "this computer has no such address"
    if code is not None:
        return os.strerror(code)
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _unknown_key() -> MessageInvalid:
    return MessageInvalid("the write key is not one of this workspace's keys", code="unauthorized", status=401)


def _noop(job: Job) -> None:
    return None


def _normal(path: str) -> str:
    return path.rstrip("/") or "/"


def _basic_user(header: str | None) -> str | None:
    """The user name of an HTTP Basic ``Authorization`` header (Segment's write key)."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "basic":
        raise MessageInvalid("use HTTP Basic auth with the write key as the user name", code="unauthorized",
                             status=401)
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        raise MessageInvalid("the Authorization header is not valid Basic auth", code="unauthorized",
                             status=401) from None
    user = decoded.partition(":")[0]
    if not user:
        raise MessageInvalid("the Authorization header names no write key", code="unauthorized", status=401)
    return user


def _cors(headers: dict[str, str]) -> list[tuple[str, str]]:
    origin = headers.get("origin")
    if not origin:
        return []
    # Echoed rather than "*": some browsers' SDKs send credentials, and "*" is refused with them.
    safe = origin if origin.isprintable() and len(origin) <= 500 and "\r" not in origin else "*"
    return [("Access-Control-Allow-Origin", safe), ("Vary", "Origin")]


def _error(status: int, code: str, message: str, cors: list[tuple[str, str]], *, close: bool = True,
           rejected: list[MessageInvalid] | None = None) -> Response:
    response = error_response(status, code, message)
    if rejected:
        body = {"success": False, "code": code, "message": message, "rejected": _rejected_list(rejected)}
        response.body = json.dumps(body).encode()
    response.headers.extend(cors)
    response.close = close
    return response


def _rejected_list(rejected: list[MessageInvalid]) -> list[dict[str, object]]:
    return [{"index": r.index, "code": r.code, "message": r.message} for r in rejected[:100]]


def _rejected_summary(parsed: Parsed) -> str:
    first = parsed.rejected[0]
    more = len(parsed.rejected) - 1
    return first.message + (f" (and {more} more message{'s' if more != 1 else ''} refused)" if more else "")


def _answer(job: Job, parsed: Parsed, cors: list[tuple[str, str]]) -> Response:
    if not parsed.rejected and not job.duplicates and not job.stored:
        body = _OK
    elif not parsed.rejected:  # as json.dumps writes it
        body = b'{"success": true, "stored": %d, "duplicates": %d}' % (job.stored, job.duplicates)
    else:
        data: dict[str, object] = {"success": True, "stored": job.stored, "duplicates": job.duplicates}
        if parsed.rejected:
            data["rejected"] = _rejected_list(parsed.rejected)
        body = json.dumps(data).encode()
    return Response(200, body, headers=list(cors))
