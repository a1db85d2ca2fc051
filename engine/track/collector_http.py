"""A small HTTP/1.1 server on asyncio for the collector: persistent connections, one request at a
time per connection, answers that may come later (once the writer has committed).

Only what analytics SDKs, HTTP libraries and browsers send is understood: a request line, header
fields and a body of ``Content-Length`` bytes or sent in chunks (``Transfer-Encoding: chunked``, as
libraries stream a body whose size they do not know), optionally announced with ``Expect:
100-continue``. Anything else is answered with a 4xx status and the connection is closed: a
malformed request line, header or chunk (400), another transfer coding, or one together with a
``Content-Length`` (400), header fields over :data:`MAX_HEADER_BYTES` (431), a chunked body over
``max_body`` (413). Once the header has arrived, the ``early`` callback may answer before the body
is read (a 413 for a body over the route's limit, a 404, a 405; it gets -1 as the length of a
chunked body); the connection then closes if a body was announced. A connection idle for :data:`IDLE_TIMEOUT` seconds is
closed; one that takes longer than :data:`REQUEST_TIMEOUT` seconds to send a request gets 408.

The handler runs in the event loop's thread. It returns a :class:`Response`, or ``None`` and later
calls the ``respond`` function it was given (from the loop's thread too). An exception in the
handler is answered with 500 and logged; the server goes on serving everyone else.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

log = logging.getLogger("journey_studio.collector")

MAX_HEADER_BYTES = 16 * 1024
MAX_HEADERS = 100
IDLE_TIMEOUT = 75.0
REQUEST_TIMEOUT = 30.0
#: Seconds between sweeps for idle and slow connections.
SWEEP_EVERY = 5.0
MAX_CONNECTIONS = 4096
#: What ``bytes.strip()`` strips (``str.strip()`` would strip more of Latin-1: NBSP, NEL).
_BLANKS = " \t\n\r\x0b\x0c"
#: The body length of a request whose body comes in chunks.
CHUNKED = -1
#: Longest chunk-size line (hex digits and chunk extensions) and trailer section accepted.
MAX_CHUNK_LINE = 1024

REASONS = {
    200: "OK", 204: "No Content", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
    405: "Method Not Allowed", 408: "Request Timeout", 411: "Length Required", 413: "Payload Too Large",
    415: "Unsupported Media Type", 429: "Too Many Requests", 431: "Request Header Fields Too Large",
    500: "Internal Server Error", 503: "Service Unavailable",
}


@dataclass(slots=True)
class Request:
    method: str
    target: str
    path: str
    query: str
    version: str
    #: Lower-case names; a repeated field's values joined with ", ".
    headers: dict[str, str]
    body: bytes
    peer: str


@dataclass(slots=True)
class Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: list[tuple[str, str]] = field(default_factory=list)
    close: bool = False
    #: The refusal's code (``malformed``, ``too_large``...), empty for a success.
    code: str = ""

    def encode(self, keep_alive: bool, *, head: bool = False) -> bytes:
        """The response as bytes; ``head``: for a HEAD request, without the body."""
        lines = [f"HTTP/1.1 {self.status} {REASONS.get(self.status, 'Unknown')}",
                 f"Content-Length: {len(self.body)}"]
        if self.body:
            lines.append(f"Content-Type: {self.content_type}")
        lines.extend(f"{name}: {value}" for name, value in self.headers)
        if not keep_alive:
            lines.append("Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (b"" if head else self.body)


Respond = Callable[[Response], None]
Handler = Callable[[Request, Respond], "Response | None"]
#: An early answer from the method, path, header fields and body length, before the body is read
#: (the route is unknown, the method is wrong, the body is too large...); it counts the request.
Early = Callable[[str, str, dict[str, str], int], "Response | None"]


#: method, target, path, query, version, header fields, body length
_Head = tuple[str, str, str, str, str, dict[str, str], int]


class _Refuse(Exception):
    def __init__(self, response: Response, *, counted: bool = False, new_request: bool = True):
        self.response = response
        #: The handler counted this refusal already (its early answers).
        self.counted = counted
        #: The request was not counted yet (it is, by ``early``, once its header has been read).
        self.new_request = new_request


def error_response(status: int, code: str, message: str) -> Response:
    import json

    body = json.dumps({"success": False, "code": code, "message": message}).encode()
    return Response(status, body, close=True, code=code)


class HttpProtocol(asyncio.Protocol):
    """One client connection."""

    __slots__ = ("server", "transport", "buffer", "busy", "closed", "last_active", "started", "peer",
                 "continued", "paused", "_keep_alive", "_head", "_method")

    def __init__(self, server: HttpServer):
        self.server = server
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.busy = False
        self.closed = False
        self.last_active = 0.0
        #: When the request being received started (0 when none is under way).
        self.started = 0.0
        self.peer = ""
        self.continued = False
        self.paused = False
        self._keep_alive = True
        #: The request line and header fields of a request whose body is still arriving.
        self._head: _Head | None = None
        #: The method of the request being answered (a HEAD answer has no body).
        self._method = ""

    # -- asyncio callbacks -------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        peer = transport.get_extra_info("peername")
        self.peer = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) and len(peer) >= 2 else str(peer or "")
        self.last_active = self.server.loop.time()
        if len(self.server.connections) >= MAX_CONNECTIONS:
            transport.close()
            return
        self.server.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.server.connections.discard(self)

    def data_received(self, data: bytes) -> None:
        now = self.server.loop.time()
        self.last_active = now
        if not self.buffer and not self.busy and self._head is None:
            self.started = now
        self.buffer += data
        if self.busy:
            if len(self.buffer) > 2 * self.server.max_body and not self.paused and self.transport is not None:
                self.transport.pause_reading()
                self.paused = True
            return
        self._process()

    # -- requests ----------------------------------------------------------------------------------
    def _process(self) -> None:
        while not self.busy and not self.closed and self.buffer:
            try:
                request = self._parse()
            except _Refuse as refused:
                if not refused.counted:
                    self.server.refused(refused.response.code, refused.new_request)
                self._send(refused.response)
                continue
            if request is None:
                return
            self.busy = True
            self.continued = False
            self.started = self.server.loop.time() if self.buffer else 0.0
            try:
                response = self.server.handler(request, self._respond_later)
            except Exception:  # a bug in a handler must not take the server down
                log.exception("the collector failed on a %s request for %s", request.method, request.path)
                response = error_response(500, "internal_error", "the collector failed on this request; "
                                                                 "it was not stored")
            if response is not None:
                self._send(response)
        if not self.busy and self.paused and self.transport is not None and not self.closed:
            self.transport.resume_reading()
            self.paused = False

    def _respond_later(self, response: Response) -> None:
        if self.closed:
            return
        self._send(response)
        self._process()

    def _send(self, response: Response) -> None:
        self.busy = False
        if self.closed or self.transport is None:
            return
        keep_alive = self._keep_alive and not response.close and not self.server.stopping
        self.transport.write(response.encode(keep_alive, head=self._method == "HEAD"))
        self.last_active = self.server.loop.time()
        if not keep_alive:
            self.closed = True
            self.buffer.clear()
            self.transport.close()

    def _parse(self) -> Request | None:
        """The next complete request in the buffer, ``None`` if it has not all arrived."""
        buf = self.buffer
        if self._head is None:
            self._head = self._parse_head()
            if self._head is None:
                return None
        method, target, path, query, version, headers, length = self._head
        if length == CHUNKED:
            try:
                decoded = _dechunk(buf, self.server.max_body)
            except _Refuse as refused:
                self._head = None
                refused.new_request = False  # ``early`` counted it
                raise
            if decoded is None:
                if not self.continued and headers.get("expect", "").lower() == "100-continue" and self.transport:
                    self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                    self.continued = True
                return None
            body, used = decoded
            del buf[:used]
            self._head = None
            return Request(method, target, path, query, version, headers, body, self.peer)
        if len(buf) < length:
            if not self.continued and headers.get("expect", "").lower() == "100-continue" and self.transport:
                self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                self.continued = True
            return None
        body = bytes(buf[:length])
        del buf[:length]
        self._head = None
        return Request(method, target, path, query, version, headers, body, self.peer)

    def _parse_head(self) -> _Head | None:
        """Read the request line and header fields (removing them from the buffer) and decide
        whether the body is wanted at all; ``None`` until the header has all arrived."""
        buf = self.buffer
        while buf[:2] == b"\r\n":  # stray line ends between requests are allowed
            del buf[:2]
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            if len(buf) > MAX_HEADER_BYTES:
                raise _Refuse(error_response(431, "headers_too_large",
                                             f"the request header is over {MAX_HEADER_BYTES // 1024} KB"))
            return None
        if end > MAX_HEADER_BYTES:
            raise _Refuse(error_response(431, "headers_too_large",
                                         f"the request header is over {MAX_HEADER_BYTES // 1024} KB"))
        # Latin-1 maps every byte to one character, so the text splits where the bytes would.
        lines = bytes(buf[:end]).decode("latin-1").split("\r\n")
        del buf[:end + 4]
        parts = lines[0].split(" ")
        if len(parts) != 3 or not parts[0].isalpha() or not parts[1] or not parts[2].startswith("HTTP/1."):
            raise _Refuse(error_response(400, "malformed", "the request line is not 'METHOD /path HTTP/1.1'"))
        method, target, version = parts
        self._method = method
        if len(lines) - 1 > MAX_HEADERS:
            raise _Refuse(error_response(431, "headers_too_large", f"more than {MAX_HEADERS} header fields"))
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if not sep or not name or name != name.strip(_BLANKS) or " " in name:
                raise _Refuse(error_response(400, "malformed", "a header field is not 'Name: value'"))
            key = name.lower()
            text = value.strip(_BLANKS)
            headers[key] = f"{headers[key]}, {text}" if key in headers else text
        self._keep_alive = _keep_alive(version, headers.get("connection", ""))
        if "transfer-encoding" in headers:
            coding = headers["transfer-encoding"].lower()
            if coding != "chunked":
                raise _Refuse(error_response(400, "malformed", f"the transfer coding '{coding[:40]}' is not "
                                             "understood here; send the body with a Content-Length or chunked"))
            if "content-length" in headers:
                raise _Refuse(error_response(400, "malformed",
                                             "a body is sent either with a Content-Length or in chunks, not both"))
            length = CHUNKED
        else:
            length = _content_length(headers.get("content-length", "0"))
        if "://" in target:
            try:
                split = urlsplit(target)
            except ValueError:
                raise _Refuse(error_response(400, "malformed", "the request target is not a URL")) from None
            path, query = split.path or "/", split.query
        else:
            path, _, query = target.partition("?")
        early = self.server.early(method, path, headers, length)
        if early is not None:
            if length:
                early.close = True  # the body is not read, so the connection cannot go on
            raise _Refuse(early, counted=True)
        return method, target, path, query, version, headers, length

    def sweep(self, now: float) -> None:
        """Close the connection if it has been idle, or slow to send its request, for too long."""
        if self.closed or self.busy or self.transport is None:
            return
        if (self.buffer or self._head is not None) and self.started and now - self.started > REQUEST_TIMEOUT:
            self.server.refused("timeout", self._head is None)
            self._send(error_response(408, "timeout", f"the request took over {REQUEST_TIMEOUT:.0f} s to arrive"))
        elif not self.buffer and self._head is None and now - self.last_active > IDLE_TIMEOUT:
            self.closed = True
            self.transport.close()


def _content_length(text: str) -> int:
    """The body length a ``Content-Length`` field gives (repeated fields must agree)."""
    if not (text.isdigit() and text.isascii() and len(text) <= 12):
        values = {v.strip() for v in text.split(",")}
        if len(values) != 1:
            raise _Refuse(error_response(400, "malformed", "conflicting Content-Length fields"))
        text = values.pop()
        if not text.isascii() or not text.isdigit() or len(text) > 12:
            raise _Refuse(error_response(400, "malformed", "Content-Length is not a number of bytes"))
    return int(text)


def _dechunk(buf: bytearray, limit: int) -> tuple[bytes, int] | None:
    """A chunked body at the start of ``buf``: ``(body, bytes it took)``, or ``None`` until it has
    all arrived. Chunk extensions and trailer fields are read past and dropped. Raises
    :class:`_Refuse` for a malformed chunk (400) or a body over ``limit`` bytes (413)."""
    if len(buf) > 2 * limit + MAX_HEADER_BYTES:  # the framing of many tiny chunks, or endless trailers
        raise _Refuse(error_response(413, "too_large", f"the body is over {limit:,} bytes with its chunks' framing"))
    parts: list[bytes] = []
    size = 0
    at = 0
    while True:
        end = _line_end(buf, at, "a chunk-size line")
        if end is None:
            return None
        digits = bytes(buf[at:end]).partition(b";")[0].strip(b" \t")
        if not digits or len(digits) > 8 or digits.strip(b"0123456789abcdefABCDEF"):
            raise _Refuse(error_response(400, "malformed", "a chunk does not start with its size in hexadecimal"))
        chunk = int(digits, 16)
        at = end + 2
        if chunk == 0:
            break
        size += chunk
        if size > limit:
            raise _Refuse(error_response(413, "too_large", f"the body is over {limit:,} bytes"))
        if len(buf) < at + chunk + 2:
            return None
        if buf[at + chunk:at + chunk + 2] != b"\r\n":
            raise _Refuse(error_response(400, "malformed", "a chunk is longer than its size says"))
        parts.append(bytes(buf[at:at + chunk]))
        at += chunk + 2
    # Trailer fields (dropped), then an empty line.
    while True:
        end = _line_end(buf, at, "a trailer field")
        if end is None:
            return None
        if end == at:
            return b"".join(parts), end + 2
        at = end + 2


def _line_end(buf: bytearray, at: int, what: str) -> int | None:
    """Where the line starting at ``at`` ends (its CR LF), ``None`` until it has arrived; 400 for
    a line over :data:`MAX_CHUNK_LINE` bytes."""
    end = buf.find(b"\r\n", at, at + MAX_CHUNK_LINE + 2)
    if end < 0:
        if len(buf) - at > MAX_CHUNK_LINE:
            raise _Refuse(error_response(400, "malformed", f"{what} is too long"))
        return None
    return end


def _keep_alive(version: str, connection: str) -> bool:
    tokens = {t.strip().lower() for t in connection.split(",")}
    if version == "HTTP/1.0":
        return "keep-alive" in tokens
    return "close" not in tokens


class HttpServer:
    """Listens on ``host:port`` in the running event loop; see the module docstring."""

    def __init__(self, handler: Handler, *, early: Early, max_body: int,
                 refused: Callable[[str, bool], None] = lambda code, new_request: None):
        self.handler = handler
        #: Called with the code of every answer this layer refuses a request with itself.
        self.refused = refused
        self.early = early
        self.max_body = max_body
        self.connections: set[HttpProtocol] = set()
        self.stopping = False
        self.loop: asyncio.AbstractEventLoop = asyncio.get_event_loop_policy().get_event_loop()
        self._server: asyncio.base_events.Server | None = None
        self._sweeper: asyncio.TimerHandle | None = None

    async def listen(self, host: str, port: int) -> tuple[str, int]:
        """Start listening; returns the address bound (the port chosen when ``port`` is 0)."""
        self.loop = asyncio.get_running_loop()
        self._server = await self.loop.create_server(lambda: HttpProtocol(self), host, port, backlog=1024,
                                                     reuse_address=True)
        self._sweeper = self.loop.call_later(SWEEP_EVERY, self._sweep)
        sockname = self._server.sockets[0].getsockname()
        return sockname[0], sockname[1]

    def _sweep(self) -> None:
        now = self.loop.time()
        for conn in list(self.connections):
            conn.sweep(now)
        self._sweeper = self.loop.call_later(SWEEP_EVERY, self._sweep)

    def stop_listening(self) -> None:
        """Accept no new connections; answers still due are sent, then each connection closes."""
        self.stopping = True
        if self._server is not None:
            self._server.close()
        for conn in list(self.connections):
            if not conn.busy and conn.transport is not None:
                conn.closed = True
                conn.transport.close()

    def close_all(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
        for conn in list(self.connections):
            if conn.transport is not None:
                conn.closed = True
                conn.transport.close()
        self.connections.clear()
