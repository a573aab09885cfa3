"""Random access to a hub file through HTTP Range requests, for the model-file inspectors."""

from __future__ import annotations

import re

import httpx2
from huggingface_hub.utils import get_session, hf_raise_for_status

from hubguard.hub.client import HubClient
from hubguard.hub.errors import HubError
from hubguard.hub.snapshot import RepoSnapshot
from hubguard.hub.transport import Deadline, RetryableError, with_retries
from hubguard.inspectors.sources import SourceError

_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")
DEFAULT_BYTE_BUDGET = 64 * 1024 * 1024
_REPEAT_CACHE_ENTRIES = 32
_REPEAT_CACHE_MAX_READ = 64 * 1024


class HttpRangeSource:
    """``ByteSource`` over ``/{repo}/resolve/{sha}/{path}``; ``bytes_read`` counts bytes actually received.

    A 206 must carry a Content-Range matching the request. A server that ignores Range (200) is
    streamed only up to the end of the wanted span; ``byte_budget`` caps the total received.
    """

    def __init__(
        self,
        client: HubClient,
        snapshot: RepoSnapshot,
        path: str,
        deadline: Deadline,
        byte_budget: int = DEFAULT_BYTE_BUDGET,
    ) -> None:
        self.name = path
        self.size = snapshot.files[path].size
        self.url = client.file_url(snapshot, path)
        self._client = client
        self._deadline = deadline
        self._budget = byte_budget
        self._received = 0
        # The zip and pickle readers re-read small spans (a local header, a name); each would be a request.
        self._recent: dict[tuple[int, int], bytes] = {}

    @property
    def bytes_read(self) -> int:
        return self._received

    def read(self, offset: int, length: int) -> bytes:
        if offset < 0 or length < 0:
            raise SourceError(f"{self.name}: invalid read at {offset} of {length} bytes")
        end = min(offset + length, self.size)
        if offset >= end:
            return b""
        cached = self._recent.get((offset, end))
        if cached is not None:
            return cached
        data = self._read_range(offset, end)
        if end - offset <= _REPEAT_CACHE_MAX_READ:
            if len(self._recent) >= _REPEAT_CACHE_ENTRIES:
                self._recent.pop(next(iter(self._recent)))
            self._recent[(offset, end)] = data
        return data

    def _read_range(self, offset: int, end: int) -> bytes:
        try:
            return with_retries(
                lambda timeout: self._fetch(offset, end, timeout),
                what=self.name,
                deadline=self._deadline,
                policy=self._client.retry,
                stats=self._client.stats,
            )
        except HubError as error:
            raise SourceError(error.reason) from error

    def _fetch(self, offset: int, end: int, timeout: float) -> bytes:
        headers = self._client.headers({"Range": f"bytes={offset}-{end - 1}"})
        with get_session().stream("GET", self.url, headers=headers, timeout=timeout) as response:
            if response.status_code == 206:
                self._check_content_range(response.headers.get("Content-Range"), offset, end)
                return self._receive(response, 0, end - offset)
            if response.status_code == 200:
                return self._receive(response, offset, end)
            hf_raise_for_status(response)
            raise HubError(f"{self.name}: unexpected HTTP {response.status_code} to a range request")

    def _check_content_range(self, value: str | None, offset: int, end: int) -> None:
        match = _CONTENT_RANGE.fullmatch((value or "").strip())
        if match is None or int(match[1]) != offset or int(match[2]) != end - 1:
            raise HubError(f"{self.name}: the hub answered a different range ({value!r})")
        if match[3] != "*" and int(match[3]) != self.size:
            raise HubError(f"{self.name}: the file size changed to {match[3]} bytes")

    def _receive(self, response: httpx2.Response, start: int, end: int) -> bytes:
        """Bytes ``start:end`` of the body, reading no further than ``end`` (and within the budget)."""
        buffer = bytearray()
        try:
            for chunk in response.iter_raw(64 * 1024):
                self._received += len(chunk)
                self._client.stats.count_bytes(self.url, len(chunk))
                if self._received > self._budget:
                    raise HubError(f"{self.name}: read budget of {self._budget} bytes exhausted")
                buffer += chunk
                if len(buffer) >= end:
                    break
                self._deadline.request_timeout(self.name)
        except httpx2.TransportError as exc:
            raise RetryableError(HubError(f"{self.name}: transfer cut after {len(buffer)} bytes")) from exc
        if len(buffer) < end:
            raise RetryableError(HubError(f"{self.name}: received {len(buffer)} of {end} bytes"))
        return bytes(buffer[start:end])
