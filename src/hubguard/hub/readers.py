"""Readers of a resolved snapshot: over HTTP from any hub, or from a local cache directory."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from hubguard.hub.errors import EntryNotFound, HubError, TooLarge, Truncated
from hubguard.hub.http import HttpClient, HttpResponse
from hubguard.hub.range_source import HttpRangeSource
from hubguard.hub.snapshot import FileInfo, RepoSnapshot
from hubguard.hub.transport import Deadline, RetryableError
from hubguard.inspectors.sources import ByteSource, FileSource


class FileHost(Protocol):
    """How one hub serves the files of a snapshot over HTTP."""

    def download_url(self, snapshot: RepoSnapshot, path: str) -> str: ...

    def web_url(self, snapshot: RepoSnapshot, path: str) -> str: ...

    def auth_headers(self) -> dict[str, str]:
        """Credentials for the hub's own origin (the HTTP client drops them on redirects elsewhere)."""
        ...

    def status_error(self, response: HttpResponse, what: str) -> HubError: ...


class HttpReader:
    def __init__(self, http: HttpClient, host: FileHost, snapshot: RepoSnapshot, deadline: Deadline) -> None:
        self.snapshot = snapshot
        self._http = http
        self._host = host
        self._deadline = deadline

    def read_bytes(self, path: str, max_bytes: int) -> bytes:
        info = self.snapshot.files.get(path)
        what = f"{self.snapshot.repo_id}/{path}"
        if info is not None and info.size > max_bytes:
            raise TooLarge(f"{what}: {info.size} bytes exceeds the {max_bytes}-byte cap")
        return self._http.fetch(
            self._host.download_url(self.snapshot, path),
            what=what,
            deadline=self._deadline,
            max_bytes=max_bytes,
            headers=self._host.auth_headers(),
            status_error=self._host.status_error,
            check=(lambda data: verify_content(data, info, what)) if info is not None else None,
        )

    def open_source(self, path: str) -> ByteSource:
        return HttpRangeSource(
            self._http,
            self._host.download_url(self.snapshot, path),
            self.snapshot.files[path].size,
            name=path,
            deadline=self._deadline,
            headers=self._host.auth_headers(),
            status_error=self._host.status_error,
        )

    def web_url(self, path: str) -> str:
        return self._host.web_url(self.snapshot, path)


class LocalReader:
    """A snapshot found in a local cache; ``locate`` maps a repo path to a file that stays inside it."""

    def __init__(self, snapshot: RepoSnapshot, locate: Callable[[str], Path], web_url: Callable[[str], str]) -> None:
        self.snapshot = snapshot
        self._locate = locate
        self._web_url = web_url

    def read_bytes(self, path: str, max_bytes: int) -> bytes:
        what = f"{self.snapshot.repo_id}/{path}"
        target = self._locate(path)
        try:
            with target.open("rb") as stream:
                data = stream.read(max_bytes + 1)
        except OSError as error:
            raise EntryNotFound(f"{what}: unreadable in the local cache ({error.strerror or error})") from None
        if len(data) > max_bytes:
            raise TooLarge(f"{what}: exceeds the {max_bytes}-byte cap")
        return data

    def open_source(self, path: str) -> ByteSource:
        return FileSource(self._locate(path), name=path)

    def web_url(self, path: str) -> str:
        return self._web_url(path)


def verify_content(data: bytes, info: FileInfo, what: str) -> None:
    """The listed size and whichever hash the hub gave; a mismatch is fetched again, then reported."""
    if len(data) != info.size:
        raise RetryableError(Truncated(f"{what}: received {len(data)} bytes, the hub lists {info.size}"))
    if info.sha256 is not None:
        matches = hashlib.sha256(data).hexdigest() == info.sha256
    elif info.blob_id is not None:
        matches = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest() == info.blob_id
    else:
        matches = True
    if not matches:
        raise RetryableError(Truncated(f"{what}: content does not match the hub's hash"))
