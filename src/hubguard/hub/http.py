"""HTTP for every hub: one connection pool per run over httpcore, deadlines that hold end to end.

httpcore's timeouts, like every client's, apply to each socket operation: a server that drips one byte
per read never trips them. Here each socket operation gets at most the time left of the request's
``Deadline`` (through httpcore's network-backend interface), so a whole request, headers and body
included, ends when the deadline does. Proxies come from the environment (``HTTPS_PROXY``,
``NO_PROXY``, ...); redirects are followed here, at most ``MAX_REDIRECTS``, never from https to http,
and credentials never follow a redirect to another origin.
"""

from __future__ import annotations

import json
import ssl
import sys
import threading
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

import httpcore

import hubguard
from hubguard.hub.errors import (
    AccessDenied,
    EntryNotFound,
    HubError,
    HubTimeout,
    RateLimited,
    TooLarge,
    Truncated,
    Unavailable,
)
from hubguard.hub.transport import (
    Deadline,
    RetryableError,
    RetryPolicy,
    TransferStats,
    describe_wait,
    retry_after,
    with_retries,
)

MAX_REDIRECTS = 5
MAX_METADATA_BYTES = 32 * 1024 * 1024  # a listing of a 100,000-file repo is about 20 MB
USER_AGENT = f"hubguard/{hubguard.__version__}; python/{sys.version_info[0]}.{sys.version_info[1]}"
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CREDENTIAL_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
T = TypeVar("T")
_deadline: ContextVar[Deadline | None] = ContextVar("hubguard_http_deadline", default=None)

StatusError = Callable[["HttpResponse", str], HubError]
RedirectGuard = Callable[[str], None]
"""Called with every redirect target before it is followed; raising a HubError refuses it."""


class HttpResponse:
    """A response whose body is read while the request's deadline is in force."""

    def __init__(self, raw: httpcore.Response, url: str, what: str, stats_key: str, stats: TransferStats) -> None:
        self.status = raw.status
        self.headers = _header_dict(raw.headers)
        self.url = url  # after redirects
        self.what = what
        self._raw = raw
        self._stats_key = stats_key
        self._stats = stats

    def iter_bytes(self) -> Iterator[bytes]:
        try:
            for chunk in self._raw.iter_stream():
                self._stats.count_bytes(self._stats_key, len(chunk))
                yield chunk
        except _TRANSPORT_ERRORS as exc:
            raise _transport_error(exc, self.what) from None

    def read(self, max_bytes: int) -> bytes:
        """The whole body: TooLarge past ``max_bytes``, Truncated when shorter than Content-Length."""
        declared = self.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise TooLarge(f"{self.what}: {declared} bytes exceeds the {max_bytes}-byte cap")
        chunks: list[bytes] = []
        received = 0
        for chunk in self.iter_bytes():
            received += len(chunk)
            if received > max_bytes:
                raise TooLarge(f"{self.what}: more than the {max_bytes}-byte cap")
            chunks.append(chunk)
        if declared.isdigit() and int(declared) != received:
            raise RetryableError(Truncated(f"{self.what}: received {received} of {declared} bytes"))
        return b"".join(chunks)

    def close(self) -> None:
        self._raw.close()


class HttpClient:
    """Every request of one run: shared pools, retry policy and transfer counters."""

    def __init__(self, retry: RetryPolicy | None = None, stats: TransferStats | None = None) -> None:
        self.retry = retry or RetryPolicy()
        self.stats = stats or TransferStats()
        self._proxies = urllib.request.getproxies()
        self._pools: dict[str | None, httpcore.ConnectionPool | httpcore.HTTPProxy] = {}
        self._lock = threading.Lock()
        self._backend = _DeadlineBackend()
        self._ssl_context: ssl.SSLContext | None = None

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.close()

    @contextmanager
    def open(
        self,
        url: str,
        *,
        what: str,
        deadline: Deadline,
        headers: Mapping[str, str] | None = None,
        method: str = "GET",
        redirect_guard: RedirectGuard | None = None,
    ) -> Iterator[HttpResponse]:
        """One request (redirects followed, each first shown to ``redirect_guard``); any status comes back,
        transport failures raise HubError."""
        token = _deadline.set(deadline)
        try:
            response = self._follow(method, url, dict(headers or {}), what, deadline, redirect_guard)
            try:
                yield response
            finally:
                response.close()
        finally:
            _deadline.reset(token)

    def fetch(
        self,
        url: str,
        *,
        what: str,
        deadline: Deadline,
        max_bytes: int,
        headers: Mapping[str, str] | None = None,
        status_error: StatusError | None = None,
        check: Callable[[bytes], None] | None = None,
        redirect_guard: RedirectGuard | None = None,
    ) -> bytes:
        """The body of a 2xx answer, retried on transient failures within the deadline.

        ``check`` may reject a body (e.g. a hash mismatch) with a RetryableError to fetch it again.
        """

        def checked(body: bytes) -> bytes:
            if check is not None:
                check(body)
            return body

        return self._fetch(url, what, deadline, max_bytes, headers, status_error, checked, redirect_guard)

    def fetch_json(
        self,
        url: str,
        *,
        what: str,
        deadline: Deadline,
        headers: Mapping[str, str] | None = None,
        status_error: StatusError | None = None,
        redirect_guard: RedirectGuard | None = None,
    ) -> Any:
        def parse(body: bytes) -> Any:
            try:
                return json.loads(body)
            except (ValueError, RecursionError):
                raise RetryableError(Truncated(f"{what}: the hub sent an incomplete or malformed answer")) from None

        return self._fetch(url, what, deadline, MAX_METADATA_BYTES, headers, status_error, parse, redirect_guard)

    def _fetch(
        self,
        url: str,
        what: str,
        deadline: Deadline,
        max_bytes: int,
        headers: Mapping[str, str] | None,
        status_error: StatusError | None,
        parse: Callable[[bytes], T],
        redirect_guard: RedirectGuard | None,
    ) -> T:
        to_error = status_error or default_status_error

        def attempt() -> T:
            request = self.open(url, what=what, deadline=deadline, headers=headers, redirect_guard=redirect_guard)
            with request as response:
                if not 200 <= response.status < 300:
                    raise to_error(response, what)
                body = response.read(max_bytes)
            return parse(body)

        return with_retries(attempt, what=what, deadline=deadline, policy=self.retry)

    def _follow(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        what: str,
        deadline: Deadline,
        redirect_guard: RedirectGuard | None,
    ) -> HttpResponse:
        first = url
        for _ in range(MAX_REDIRECTS + 1):
            deadline.check(what)
            response = self._send(method, url, headers, what, first, deadline)
            location = response.headers.get("location")
            if response.status not in _REDIRECT_STATUSES or not location or method not in ("GET", "HEAD"):
                return response
            response.close()
            target = _redirect_target(url, location, what)
            if redirect_guard is not None:
                redirect_guard(target)
            if _origin(target) != _origin(url):
                headers = {name: value for name, value in headers.items() if name.lower() not in _CREDENTIAL_HEADERS}
            url = target
        raise Unavailable(f"{what}: more than {MAX_REDIRECTS} redirects")

    def _send(
        self, method: str, url: str, headers: dict[str, str], what: str, stats_key: str, deadline: Deadline
    ) -> HttpResponse:
        seconds = deadline.remaining()
        timeouts = {"connect": seconds, "read": seconds, "write": seconds, "pool": seconds}
        self.stats.count_request()
        try:
            request = httpcore.Request(
                method,
                url,
                headers=[("Host", _host_header(url)), ("User-Agent", USER_AGENT), ("Accept-Encoding", "identity")]
                + list(headers.items()),
                extensions={"timeout": timeouts},
            )
            raw = self._pool_for(url).handle_request(request)
        except _TRANSPORT_ERRORS as exc:
            raise _transport_error(exc, what) from None
        return HttpResponse(raw, url, what, stats_key, self.stats)

    def _pool_for(self, url: str) -> httpcore.ConnectionPool | httpcore.HTTPProxy:
        proxy = self._proxy_for(url)
        with self._lock:
            pool = self._pools.get(proxy)
            if pool is None:
                pool = self._pools[proxy] = self._new_pool(proxy)
        return pool

    def _proxy_for(self, url: str) -> str | None:
        parts = urllib.parse.urlsplit(url)
        proxy = self._proxies.get(parts.scheme) or self._proxies.get("all")
        if not proxy or urllib.request.proxy_bypass(parts.netloc):
            return None
        return proxy

    def _new_pool(self, proxy: str | None) -> httpcore.ConnectionPool | httpcore.HTTPProxy:
        if self._ssl_context is None:
            self._ssl_context = httpcore.default_ssl_context()  # certifi's bundle ...
            self._ssl_context.load_default_certs()  # ... and the system's (honours SSL_CERT_FILE / SSL_CERT_DIR)
        common: dict[str, Any] = {
            "ssl_context": self._ssl_context,
            "max_connections": 16,
            "keepalive_expiry": 30.0,
            "network_backend": self._backend,
        }
        if proxy is None:
            return httpcore.ConnectionPool(**common)
        parts = urllib.parse.urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        if parts.scheme not in ("http", "https"):
            # The proxy URL may hold credentials: it is never part of a message.
            raise Unavailable(f"the {parts.scheme} proxy from the environment is not supported (use an http:// proxy)")
        auth = None
        if parts.username:
            auth = (urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or ""))
        bare = urllib.parse.urlunsplit((parts.scheme, parts.hostname or "", "", "", "")).rstrip("/")
        if parts.port is not None:
            bare = f"{bare}:{parts.port}"
        return httpcore.HTTPProxy(proxy_url=bare, proxy_auth=auth, **common)


def default_status_error(response: HttpResponse, what: str) -> HubError:
    """Any hub's non-2xx answer as a typed error; transient ones (429, 5xx, rate limits) are retryable."""
    status = response.status
    wait = retry_after(response.headers)
    rate_limited = status == 429 or (status == 403 and response.headers.get("x-ratelimit-remaining") == "0")
    if rate_limited:
        hint = f"; it asks to wait {describe_wait(wait)}" if wait is not None else ""
        return RetryableError(RateLimited(f"{what}: rate limited by the hub (HTTP {status}){hint}"), wait)
    if status in (401, 403):
        return AccessDenied(f"{what}: access denied (HTTP {status})")
    if status == 404:
        return EntryNotFound(f"{what}: not found (HTTP 404)")
    if status == 408 or status >= 500:
        return RetryableError(Unavailable(f"{what}: hub server error (HTTP {status})"), wait)
    return Unavailable(f"{what}: unexpected HTTP {status}")


# deadlines on every socket operation ------------------------------------------------------------
def _clamp(timeout: float | None, expired: type[Exception]) -> float | None:
    deadline = _deadline.get()
    if deadline is None:
        return timeout
    remaining = deadline.remaining()
    if remaining <= 0:
        raise expired("the request's deadline passed")
    return remaining if timeout is None else min(timeout, remaining)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        secured = self._inner.start_tls(ssl_context, server_hostname, _clamp(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(secured)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        timeout = _clamp(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.connect_tcp(host, port, timeout, local_address, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


# helpers ------------------------------------------------------------------------------------------
_TRANSPORT_ERRORS = (
    httpcore.TimeoutException,
    httpcore.NetworkError,
    httpcore.ProtocolError,
    httpcore.ProxyError,
    httpcore.UnsupportedProtocol,
    OSError,
    UnicodeError,
    ValueError,
)


def _transport_error(exc: BaseException, what: str) -> HubError:
    if isinstance(exc, httpcore.TimeoutException):
        return RetryableError(HubTimeout(f"{what}: the hub did not answer in time"))
    if isinstance(exc, httpcore.ConnectError):
        if "CERTIFICATE_VERIFY_FAILED" in str(exc):
            return Unavailable(f"{what}: the hub's TLS certificate could not be verified")
        return RetryableError(Unavailable(f"{what}: the hub is unreachable"))
    if isinstance(exc, httpcore.RemoteProtocolError | httpcore.ReadError):
        return RetryableError(Truncated(f"{what}: the connection closed before the full response arrived"))
    if isinstance(exc, httpcore.ProxyError):
        return RetryableError(Unavailable(f"{what}: the proxy refused the connection"))
    if isinstance(exc, httpcore.UnsupportedProtocol | UnicodeError | ValueError):
        return Unavailable(f"{what}: the URL cannot be requested ({type(exc).__name__})")
    return RetryableError(Unavailable(f"{what}: the connection failed ({type(exc).__name__})"))


def _header_dict(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in raw:
        key, text = name.decode("latin-1").lower(), value.decode("latin-1")
        headers[key] = f"{headers[key]}, {text}" if key in headers else text
    return headers


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or _DEFAULT_PORTS.get(parts.scheme)


def _host_header(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    return host if parts.port in (None, _DEFAULT_PORTS.get(parts.scheme)) else f"{host}:{parts.port}"


def _redirect_target(current: str, location: str, what: str) -> str:
    try:
        target = urllib.parse.urljoin(current, location.strip())
        scheme = urllib.parse.urlsplit(target).scheme
        _origin(target)  # a malformed port raises here, not later
    except ValueError:
        raise Unavailable(f"{what}: refused a malformed redirect") from None
    if scheme not in ("http", "https"):
        raise Unavailable(f"{what}: refused a redirect to a {scheme or 'relative'} URL")
    if urllib.parse.urlsplit(current).scheme == "https" and scheme == "http":
        raise Unavailable(f"{what}: refused a redirect from https to http")
    return target
