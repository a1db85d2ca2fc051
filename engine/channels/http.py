"""The HTTP client every web-based channel shares (SMS, webhooks, chat bots), on the standard library.

It owns three things the channels must not each get slightly wrong:

* **Where a request may go.** :func:`refusal` is the one rule: link-local addresses and the cloud
  metadata endpoints are refused (a webhook URL typed by a user, or a redirect from a server we do
  not control, must not reach ``169.254.169.254`` and read the machine's cloud credentials).
  Loopback and private networks stay allowed: a shop's own server on the LAN or on this machine is a
  normal destination. The client resolves the host itself, checks *every* address it resolves to,
  then connects to the checked address (TLS still verifies the certificate against the host name),
  so a DNS answer that changes between the check and the connection cannot swap the destination.
  Redirects are followed by hand, each hop checked the same way, up to a small limit.
* **How an answer is classified.** :func:`result_from_response` turns a status into a
  :class:`~engine.channels.base.ChannelResult`: 2xx sent; 408, 425, 429 and 5xx retryable with
  ``Retry-After`` honoured (seconds or an HTTP date); any other status permanent. Connection errors
  and timeouts are retryable (:class:`TransportError`).
* **What a reason may say.** Reasons name the host, never the full URL (chat bot URLs carry their
  token in the path or query), never a request header, and pass through :func:`redact` so a server
  echoing a secret back does not put it into the delivery row.
"""

from __future__ import annotations

import email.message
import http.client
import ipaddress
import socket
import ssl
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from engine.channels.base import ChannelResult

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
#: ``resolver(host, port)`` → the addresses to consider, in the order to try them.
Resolver = Callable[[str, int], Sequence[IPAddress]]

USER_AGENT = "JourneyStudio/0.1"
DEFAULT_TIMEOUT = 10.0
#: Hops after the first request; a webhook that redirects more than this is misconfigured.
MAX_REDIRECTS = 3
#: The most of a response body kept in memory; error bodies are short, success bodies unneeded.
MAX_BODY = 256 * 1024
#: How much of a response body a failure reason quotes.
SNIPPET = 200

_LINK_LOCAL_V4 = ipaddress.ip_network("169.254.0.0/16")
_LINK_LOCAL_V6 = ipaddress.ip_network("fe80::/10")
#: Cloud metadata services outside the link-local block: AWS's IPv6 endpoint (Nitro) and Alibaba
#: Cloud's, whose address sits in the carrier-grade NAT block rather than in 169.254/16.
_METADATA = {
    ipaddress.ip_address("fd00:ec2::254"): "the AWS instance metadata service",
    ipaddress.ip_address("100.100.100.200"): "the Alibaba Cloud metadata service",
}
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_REDIRECTS = {301, 302, 303, 307, 308}
_RETRYABLE_STATUS = {408, 425, 429}


class HttpProblem(Exception):
    """A request that produced no HTTP answer to classify; ``str()`` names the host, never a secret."""

    retryable = False


class DestinationRefused(HttpProblem):
    """The URL (or a redirect) points somewhere a channel must never connect to."""


class TransportError(HttpProblem):
    """No answer: the host did not resolve, refused the connection, reset it, or timed out."""

    retryable = True


class CertificateError(HttpProblem):
    """The server's TLS certificate does not verify for its host name: someone must look at it."""


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for, if it is one of the forms that reach an IPv4
    host: IPv4-mapped (``::ffff:a.b.c.d``), IPv4-compatible (``::a.b.c.d``), 6to4 and NAT64."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64 or (address in _IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refusal(address: IPAddress | str) -> str | None:
    """Why a channel must not connect to ``address``, or ``None`` when it may.

    Refused: link-local networks (169.254.0.0/16, fe80::/10), where every cloud puts its instance
    metadata service; the metadata addresses outside them (fd00:ec2::254, 100.100.100.200); the
    unspecified and multicast addresses, which name no single host. IPv6 forms that carry an IPv4
    address (mapped, compatible, 6to4, NAT64) are judged by that IPv4 address. Loopback and private
    networks are allowed on purpose: local shops and tests live there."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            ip = ipaddress.IPv6Address(str(ip).split("%", 1)[0])
        inner = _embedded_ipv4(ip)
        if inner is not None:
            why = refusal(inner)
            return f"{why} (written as the IPv6 address {ip})" if why else None
    if ip in _METADATA:
        return f"{ip} is {_METADATA[ip]}"
    if ip in _LINK_LOCAL_V4 or ip in _LINK_LOCAL_V6:
        return f"{ip} is a link-local address, where cloud machines serve their credentials"
    if ip.is_unspecified:
        return f"{ip} is the unspecified address"
    if ip.is_multicast:
        return f"{ip} is a multicast address"
    return None


def system_resolver(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (numeric forms such as ``2852039166`` included)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if ip not in seen:
            seen.append(ip)
    return seen


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret value replaced by ``***`` (longest first, so a secret that contains
    another is hidden whole)."""
    for secret in sorted((s for s in secrets if s and len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def snippet(body: bytes, secrets: Iterable[str] = ()) -> str:
    """The start of a response body for a failure reason: one line, at most :data:`SNIPPET` characters."""
    text = " ".join(body.decode("utf-8", "replace").split())
    text = redact(text, secrets)
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1] + "…"


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: delay-seconds or an HTTP date; ``None`` when
    absent or unreadable. A date in the past means "now" (0)."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT; a naive result means it said "-0000"
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def origin(url: str) -> str:
    """``scheme://host[:port]`` of ``url``: what a reason may show of a URL whose path is secret."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")


@dataclass(frozen=True)
class HttpResponse:
    """A final answer (after redirects): status, reason phrase, headers, the body (up to
    :data:`MAX_BODY` bytes) and the URL that gave it."""

    status: int
    reason: str
    headers: email.message.Message
    body: bytes
    url: str

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


@dataclass(frozen=True)
class Target:
    """A URL checked by the guard: where to connect (``addresses``, every one checked, tried in
    order) and what to call it (``host``: the Host header, SNI and the certificate name)."""

    url: str
    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[IPAddress, ...]


def _connect(target: Target, timeout: float) -> socket.socket:
    """A TCP connection to the first of the target's checked addresses that answers."""
    last: OSError | None = None
    for address in target.addresses:
        try:
            sock = socket.create_connection((str(address), target.port), timeout)
        except TimeoutError:
            raise
        except OSError as exc:
            last = exc
            continue
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock
    raise last or OSError(f"no address to connect to for {target.host}")


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to an address already checked; the ``Host`` header keeps the name."""

    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self._target = target

    def connect(self) -> None:
        self.sock = _connect(self._target, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to an address already checked; SNI and the certificate check use the
    host name, so pinning the address weakens nothing."""

    def __init__(self, target: Target, timeout: float, context: ssl.SSLContext):
        super().__init__(target.host, target.port, timeout=timeout, context=context)
        self._target = target
        self._tls = context

    def connect(self) -> None:
        raw = _connect(self._target, self.timeout)
        try:
            self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise


class HttpClient:
    """Requests to channel providers: checked destinations, pinned addresses, manual redirects.

    ``secrets`` are redacted from every reason the client writes; ``resolver`` exists so tests can
    stand in for DNS; ``ssl_context`` so a test can trust its own certificate."""

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT, max_redirects: int = MAX_REDIRECTS,
                 resolver: Resolver = system_resolver, ssl_context: ssl.SSLContext | None = None,
                 user_agent: str = USER_AGENT):
        if timeout <= 0:
            raise ValueError("the timeout must be positive")
        self.timeout = float(timeout)
        self.max_redirects = max_redirects
        self.resolver = resolver
        self.ssl_context = ssl_context or ssl.create_default_context()
        self.user_agent = user_agent

    def target(self, url: str) -> Target:
        """Check ``url`` and resolve its host: raises :class:`DestinationRefused` if it is not an
        http(s) URL or if any address its host resolves to is refused, :class:`TransportError` if the
        host does not resolve."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise DestinationRefused(f"only http and https URLs can be used, not '{scheme or url[:20]}'")
        host = parts.hostname
        if not host:
            raise DestinationRefused(f"the URL {origin(url)} names no host")
        try:
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError:
            raise DestinationRefused(f"the URL for {host} has an invalid port") from None
        try:
            addresses = list(self.resolver(host, port))
        except (OSError, UnicodeError) as exc:
            raise TransportError(f"cannot resolve {host} ({_os_detail(exc)})") from None
        if not addresses:
            raise TransportError(f"{host} resolves to no address")
        for address in addresses:
            why = refusal(address)
            if why:
                named = "" if host == str(address) else f"{host} resolves to {address}; "
                raise DestinationRefused(f"refusing to connect to {host}: {named}{why}")
        path = parts.path or "/"
        if parts.query:
            path = f"{path}?{parts.query}"
        return Target(url, scheme, host, port, path, tuple(addresses))

    def _connection(self, target: Target) -> http.client.HTTPConnection:
        if target.scheme == "https":
            return _PinnedHTTPSConnection(target, self.timeout, self.ssl_context)
        return _PinnedHTTPConnection(target, self.timeout)

    def _once(self, method: str, target: Target, body: bytes | None,
              headers: Mapping[str, str]) -> HttpResponse:
        conn = self._connection(target)
        try:
            conn.request(method, target.path, body=body, headers=dict(headers))
            response = conn.getresponse()
            data = response.read(MAX_BODY)
            return HttpResponse(response.status, response.reason or "", response.headers, data, target.url)
        except ssl.SSLCertVerificationError as exc:
            raise CertificateError(f"the TLS certificate of {target.host} does not verify "
                                   f"({exc.verify_message or exc.reason})") from None
        except TimeoutError:
            raise TransportError(f"no answer from {target.host} within {self.timeout:g} s") from None
        except (OSError, http.client.HTTPException) as exc:
            raise TransportError(f"cannot talk to {target.host}:{target.port} ({_os_detail(exc)})") from None
        finally:
            conn.close()

    def request(self, method: str, url: str, *, body: bytes | None = None,
                headers: Mapping[str, str] | None = None, private_headers: Iterable[str] = ()) -> HttpResponse:
        """Send one request and follow redirects by hand.

        Every hop is checked with :meth:`target` before anything is sent to it. 307/308 repeat the
        method and body; 301/302/303 are followed only for GET and HEAD (following them with a POST
        would turn it into a GET and silently drop the message); https never redirects to http.
        ``private_headers`` (and ``Authorization``) are dropped when a redirect leaves the origin.
        Raises :class:`HttpProblem` subclasses when there is no answer to classify."""
        sent = {"User-Agent": self.user_agent, **(headers or {})}
        private = {h.lower() for h in private_headers} | {"authorization"}
        target = self.target(url)
        for _hop in range(self.max_redirects + 1):
            response = self._once(method, target, body, sent)
            location = response.header("Location")
            if response.status not in _REDIRECTS or not location:
                return response
            next_url = urljoin(target.url, location.strip())
            next_target = self.target(next_url)  # refuses an unsafe hop before anything is sent
            if target.scheme == "https" and next_target.scheme != "https":
                raise DestinationRefused(f"{target.host} redirected from https to plain http "
                                         f"({origin(next_url)}); not followed")
            if response.status in (301, 302, 303) and method not in ("GET", "HEAD"):
                raise DestinationRefused(
                    f"{target.host} answered {response.status} (moved to {origin(next_url)}); a {method} "
                    f"cannot follow it without dropping the message, so use the new address")
            if (next_target.scheme, next_target.host, next_target.port) != (target.scheme, target.host,
                                                                            target.port):
                sent = {k: v for k, v in sent.items() if k.lower() not in private}
            target = next_target
        raise DestinationRefused(f"{origin(url)} redirected more than {self.max_redirects} times")

    def probe(self, url: str) -> str:
        """Resolve and check the host of ``url``, then open a TCP connection (and the TLS handshake for
        https) without sending a request. Returns a short description; raises :class:`HttpProblem`."""
        target = self.target(url)
        conn = self._connection(target)
        try:
            conn.connect()
        except ssl.SSLCertVerificationError as exc:
            raise CertificateError(f"the TLS certificate of {target.host} does not verify "
                                   f"({exc.verify_message or exc.reason})") from None
        except TimeoutError:
            raise TransportError(f"no answer from {target.host} within {self.timeout:g} s") from None
        except OSError as exc:
            raise TransportError(f"cannot connect to {target.host}:{target.port} ({_os_detail(exc)})") from None
        finally:
            conn.close()
        how = "TLS" if target.scheme == "https" else "TCP"
        return f"connected to {target.host}:{target.port} over {how}"


def _os_detail(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def problem_result(problem: HttpProblem, what: str) -> ChannelResult:
    """The failed result for a request that got no answer; ``what`` names the account or provider."""
    return ChannelResult("failed", reason=f"{what}: {problem}", retryable=problem.retryable)


def is_retryable_status(status: int) -> bool:
    """Whether trying again later may succeed: 408, 425, 429 and every 5xx."""
    return status in _RETRYABLE_STATUS or status >= 500


def result_from_response(response: HttpResponse, what: str, *, secrets: Iterable[str] = (),
                         code: str = "", detail: str = "", provider_id: str = "",
                         now: datetime | None = None) -> ChannelResult:
    """Classify an HTTP answer. ``code`` and ``detail`` let a channel pass the provider's own error
    code and message (read from the body) instead of the status and a body snippet."""
    status = response.status
    if 200 <= status < 300:
        return ChannelResult("sent", provider_id=provider_id, code=code or str(status))
    said = detail or snippet(response.body, secrets) or response.reason
    reason = f"{what}: {status} {response.reason}".rstrip()
    if said and said != response.reason:
        reason += f" ({redact(said, secrets)})"
    retryable = is_retryable_status(status)
    retry_after = parse_retry_after(response.header("Retry-After"), now) if retryable else None
    return ChannelResult("failed", reason=reason, retryable=retryable, retry_after=retry_after,
                         code=code or str(status))


__all__ = [
    "CertificateError", "DestinationRefused", "HttpClient", "HttpProblem", "HttpResponse", "Target",
    "TransportError", "is_retryable_status", "origin", "parse_retry_after", "problem_result", "redact",
    "refusal", "result_from_response", "snippet", "system_resolver",
]
