"""Random access to a remote file through HTTP Range requests, for the model-file inspectors."""

from __future__ import annotations

import re
from collections.abc import Mapping

from hubguard.hub.errors import HubError, Truncated
from hubguard.hub.http import HttpClient, HttpResponse, RedirectGuard, StatusError, default_status_error
from hubguard.hub.transport import Deadline, RetryableError, with_retries
from hubguard.inspectors.sources import SourceError

_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")
DEFAULT_BYTE_BUDGET = 64 * 1024 * 1024
_REPEAT_CACHE_ENTRIES = 32
_REPEAT_CACHE_MAX_READ = 64 * 1024


class HttpRangeSource:
    """``ByteSource`` over one file URL; ``bytes_read`` counts bytes actually received.

    A 206 must carry a Content-Range matching the request. A server that ignores Range (200) is
    read only up to the end of the wanted span; ``byte_budget`` caps the total received. The
    deadline is checked on every read, including reads answered from the repeat cache. ``failure``
    keeps the network error behind the last SourceError, so the caller can report the file as
    incompletely scanned.
    """

    def __init__(
        self,
        http: HttpClient,
        url: str,
        size: int,
        *,
        name: str,
        deadline: Deadline,
        headers: Mapping[str, str] | None = None,
        status_error: StatusError | None = None,
        byte_budget: int = DEFAULT_BYTE_BUDGET,
        redirect_guard: RedirectGuard | None = None,
    ) -> None:
        self.name = name
        self.size: int | None = size  # ByteSource's type; always known here
        self._size = size
        self.url = url
        self.failure: HubError | None = None
        self._http = http
        self._headers = dict(headers or {})
        self._status_error = status_error or default_status_error
        self._redirect_guard = redirect_guard
        self._deadline = deadline
        self._budget = byte_budget
        self._received = 0
        # The zip and pickle readers re-read small spans (a local header, a name); each would be a request.
        self._recent: dict[tuple[int, int], bytes] = {}

    @property
    def bytes_read(self) -> int:
        return self._received

    def seconds_left(self) -> float:
        """The repo's deadline, so the inspector stops emulating when it passes (``TimedSource``)."""
        return self._deadline.remaining()

    def read(self, offset: int, length: int) -> bytes:
        if offset < 0 or length < 0:
            raise SourceError(f"{self.name}: invalid read at {offset} of {length} bytes")
        end = min(offset + length, self._size)
        if offset >= end:
            return b""
        try:
            self._deadline.check(self.name)
            cached = self._recent.get((offset, end))
            if cached is not None:
                return cached
            data = with_retries(
                lambda: self._fetch(offset, end), what=self.name, deadline=self._deadline, policy=self._http.retry
            )
        except HubError as error:
            self.failure = error
            raise SourceError(error.reason) from error
        if end - offset <= _REPEAT_CACHE_MAX_READ:
            if len(self._recent) >= _REPEAT_CACHE_ENTRIES:
                self._recent.pop(next(iter(self._recent)))
            self._recent[(offset, end)] = data
        return data

    def _fetch(self, offset: int, end: int) -> bytes:
        headers = self._headers | {"Range": f"bytes={offset}-{end - 1}"}
        request = self._http.open(
            self.url, what=self.name, deadline=self._deadline, headers=headers, redirect_guard=self._redirect_guard
        )
        with request as response:
            if response.status == 206:
                self._check_content_range(response.headers.get("content-range"), offset, end)
                return self._receive(response, 0, end - offset)
            if response.status == 200:
                return self._receive(response, offset, end)
            raise self._status_error(response, self.name)

    def _check_content_range(self, value: str | None, offset: int, end: int) -> None:
        match = _CONTENT_RANGE.fullmatch((value or "").strip())
        if match is None or int(match[1]) != offset or int(match[2]) != end - 1:
            raise HubError(f"{self.name}: the hub answered a different range ({value!r:.60})")
        if match[3] != "*" and int(match[3]) != self._size:
            raise HubError(f"{self.name}: the file size changed to {match[3]:.20} bytes")

    def _receive(self, response: HttpResponse, start: int, end: int) -> bytes:
        """Bytes ``start:end`` of the body, reading no further than ``end`` (and within the budget)."""
        buffer = bytearray()
        for chunk in response.iter_bytes():
            self._received += len(chunk)
            if self._received > self._budget:
                raise HubError(f"{self.name}: read budget of {self._budget} bytes exhausted")
            buffer += chunk
            if len(buffer) >= end:
                break
        if len(buffer) < end:
            raise RetryableError(Truncated(f"{self.name}: received {len(buffer)} of {end} bytes"))
        return bytes(buffer[start:end])
