"""Uniform file access to a resolved snapshot, whether it lives on the hub or in the local HF cache."""

from __future__ import annotations

from typing import Protocol

from hubguard.hub.client import HubClient, blob_url
from hubguard.hub.local_cache import read_local_bytes, snapshot_file
from hubguard.hub.range_source import HttpRangeSource
from hubguard.hub.snapshot import RepoSnapshot
from hubguard.hub.transport import Deadline
from hubguard.inspectors.sources import ByteSource, FileSource


class RepoReader(Protocol):
    snapshot: RepoSnapshot

    def read_bytes(self, path: str, max_bytes: int) -> bytes: ...

    def open_source(self, path: str) -> ByteSource: ...

    def web_url(self, path: str) -> str: ...


class HubReader:
    def __init__(self, client: HubClient, snapshot: RepoSnapshot, deadline: Deadline) -> None:
        self.snapshot = snapshot
        self._client = client
        self._deadline = deadline

    def read_bytes(self, path: str, max_bytes: int) -> bytes:
        return self._client.read_bytes(self.snapshot, path, max_bytes, self._deadline)

    def open_source(self, path: str) -> ByteSource:
        return HttpRangeSource(self._client, self.snapshot, path, self._deadline)

    def web_url(self, path: str) -> str:
        return self._client.blob_url(self.snapshot, path)


class LocalReader:
    def __init__(self, snapshot: RepoSnapshot, endpoint: str) -> None:
        self.snapshot = snapshot
        self._endpoint = endpoint

    def read_bytes(self, path: str, max_bytes: int) -> bytes:
        return read_local_bytes(self.snapshot, path, max_bytes)

    def open_source(self, path: str) -> ByteSource:
        return FileSource(snapshot_file(self.snapshot, path), name=path)

    def web_url(self, path: str) -> str:
        snap = self.snapshot
        return blob_url(self._endpoint, snap.repo_type, snap.repo_id, snap.sha, path)
