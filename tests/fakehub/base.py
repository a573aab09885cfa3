"""A loopback HTTP server to build hub fakes on: routing, JSON and Range replies, the request log and the
fault table every hub shares.

A hub fake subclasses ``LoopbackServer`` and implements ``route(request) -> Reply``, raising
``HttpFailure`` for error answers in its hub's shape. ``FakeHub`` (Hugging Face) is one; GitHub,
ModelScope and CSGHub fakes are others. Faults (``server.fault(...)``) apply to every subclass alike.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from tests.fakehub.faults import Fault, FaultKind, FaultTable

SECRET_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization", "x-api-key"})


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str  # the request target as sent: path with query (absolute URL when sent to a proxy)
    headers: dict[str, str]  # lower-case names; secret values (Authorization, Cookie, ...) never recorded
    authorized: bool  # whether an Authorization header was present
    body: bytes
    status: int


@dataclass
class Request:
    method: str
    target: str
    segments: list[str]  # path segments, still percent-encoded
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes
    honour_range: bool = True  # False under an ``ignore_range`` fault

    def bearer(self) -> str | None:
        value = self.headers.get("authorization", "")
        return value[7:].strip() if value.lower().startswith("bearer ") else None

    def flag(self, name: str) -> bool:
        return self.query.get(name, ["false"])[0].lower() == "true"


@dataclass
class Reply:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


class HttpFailure(Exception):
    """Raised by ``route`` to answer with an error ``reply``."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply


def json_reply(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, {"Content-Type": "application/json"} | (headers or {}), json.dumps(payload).encode())


def bytes_reply(content: bytes, request: Request, headers: dict[str, str]) -> Reply:
    """The file, or the part a single ``Range: bytes=`` asks for (206), or 416 when unsatisfiable."""
    range_header = request.headers.get("range")
    if range_header is None or not request.honour_range:
        return Reply(200, headers | {"Content-Length": str(len(content))}, content)
    span = parse_range(range_header, len(content))
    if span is None:
        return Reply(416, headers | {"Content-Range": f"bytes */{len(content)}"})
    first, last = span
    part = content[first : last + 1]
    content_range = f"bytes {first}-{last}/{len(content)}"
    return Reply(206, headers | {"Content-Range": content_range, "Content-Length": str(len(part))}, part)


def parse_range(value: str, size: int) -> tuple[int, int] | None:
    """(first, last) inclusive for a single ``bytes=`` range; None when unsatisfiable or malformed."""
    unit, _, spec = value.partition("=")
    if unit.strip() != "bytes" or "," in spec:
        return None
    start_text, _, end_text = spec.strip().partition("-")
    try:
        if not start_text:
            suffix = int(end_text)
            return (max(size - suffix, 0), size - 1) if suffix > 0 and size > 0 else None
        first = int(start_text)
        last = min(int(end_text), size - 1) if end_text else size - 1
    except ValueError:
        return None
    return (first, last) if first < size and first <= last else None


class LoopbackServer:
    """``with Server() as server: ... server.url ...``: a threaded HTTP/1.1 server on 127.0.0.1."""

    def __init__(self) -> None:
        self.faults = FaultTable()
        self._log: list[LoggedRequest] = []
        self._bytes_sent = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name=type(self).__name__, daemon=True
        )

    def route(self, request: Request) -> Reply:
        raise NotImplementedError

    # lifecycle -----------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # faults and observations -----------------------------------------------------------------
    def fault(self, pattern: str, kind: FaultKind, **options: Any) -> Fault:
        return self.faults.add(Fault(pattern, kind, **options))

    @property
    def requests(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._log)

    @property
    def bytes_sent(self) -> int:
        with self._lock:
            return self._bytes_sent

    def reset_log(self) -> None:
        with self._lock:
            self._log.clear()
            self._bytes_sent = 0

    def _record(self, entry: LoggedRequest, body_bytes: int) -> None:
        with self._lock:
            self._log.append(entry)
            self._bytes_sent += body_bytes

    def _wait(self, seconds: float) -> bool:
        """Sleep; True when the server is stopping (a dripping reply then ends)."""
        return self._stopping.wait(seconds)

    # one request -----------------------------------------------------------------------------
    def _reply_to(self, request: Request, fault: Fault | None) -> Reply:
        if fault is not None and fault.kind in ("status", "rate_limit"):
            return _fault_reply(fault)
        if fault is not None and fault.kind == "redirect":
            status = fault.status if 300 <= fault.status < 400 else 302
            return Reply(status, {"Location": fault.location.format(path=request.target)})
        try:
            return self.route(request)
        except HttpFailure as failure:
            return failure.reply


def _fault_reply(fault: Fault) -> Reply:
    if fault.kind == "rate_limit":
        status = fault.status if fault.status in (403, 429) else 403
        reset = int(time.time() + fault.seconds)
        headers = {
            "X-RateLimit-Limit": "60",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Used": "60",
            "X-RateLimit-Reset": str(reset),
            "X-RateLimit-Resource": "core",
        }
        return json_reply({"message": "API rate limit exceeded"}, status, headers)
    reply = json_reply({"error": "injected"}, fault.status)
    if fault.retry_after is not None:
        reply.headers["Retry-After"] = str(fault.retry_after)
    return reply


def _make_handler(server: LoopbackServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
            return

        def setup(self) -> None:
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self) -> None:
            self._handle()

        def do_HEAD(self) -> None:
            self._handle()

        def do_POST(self) -> None:
            self._handle()

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            fault = server.faults.take(self.command, self.path)
            if fault is not None and fault.kind == "delay" and server._wait(fault.seconds):
                return
            if fault is not None and fault.kind == "reset":
                self._log(headers, body, 0, 0)
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                return
            parsed = urllib.parse.urlsplit(self.path)
            request = Request(
                self.command,
                self.path,
                parsed.path.strip("/").split("/"),
                urllib.parse.parse_qs(parsed.query),
                headers,
                body,
                honour_range=fault is None or fault.kind != "ignore_range",
            )
            self._send(server._reply_to(request, fault), fault, headers, body)

        def _send(self, reply: Reply, fault: Fault | None, headers: dict[str, str], body: bytes) -> None:
            payload = b"" if self.command == "HEAD" else reply.body
            reply_headers = dict(reply.headers)
            advertised = reply_headers.pop("Content-Length", str(len(reply.body)))
            drip_head = drip_body = 0.0
            if fault is not None:
                if fault.kind == "truncate":
                    payload = payload[: len(payload) // 2]
                    self.close_connection = True
                elif fault.kind == "wrong_length":
                    advertised = str(max(int(advertised) + fault.length_delta, 0))
                    payload = payload[: int(advertised)]
                    self.close_connection = True
                elif fault.kind == "oversize":
                    payload = payload.ljust(fault.size, b" ")
                    advertised = str(len(payload))
                drip_head = fault.seconds if fault.kind == "drip_headers" else 0.0
                drip_body = fault.seconds if fault.kind == "drip" else 0.0
            reply_headers["Content-Length"] = advertised
            if fault is not None:
                reply_headers |= fault.headers
            # Logged before the reply goes out: a client may act on the reply before this thread runs again.
            self._log(headers, body, reply.status, len(payload))
            head = self._head(reply.status, reply_headers)
            try:
                if drip_head or drip_body:
                    self._write(head, drip_head)
                    self._write(payload, drip_body)
                else:  # one write: a separate small one would wait for the client's delayed ACK (40 ms)
                    self._write(head + payload, 0.0)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def _head(self, status: int, headers: dict[str, str]) -> bytes:
            try:
                phrase = HTTPStatus(status).phrase
            except ValueError:
                phrase = "Unknown"
            lines = [f"HTTP/1.1 {status} {phrase}"] + [f"{name}: {value}" for name, value in headers.items()]
            return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

        def _write(self, data: bytes, drip_seconds: float) -> None:
            if drip_seconds <= 0:
                self.wfile.write(data)
                self.wfile.flush()
                return
            for index in range(len(data)):
                self.wfile.write(data[index : index + 1])
                self.wfile.flush()
                if server._wait(drip_seconds):
                    self.close_connection = True
                    return

        def _log(self, headers: dict[str, str], body: bytes, status: int, sent: int) -> None:
            authorized = "authorization" in headers
            visible = {name: ("<present>" if name in SECRET_HEADERS else value) for name, value in headers.items()}
            server._record(LoggedRequest(self.command, self.path, visible, authorized, body, status), sent)

    return Handler
