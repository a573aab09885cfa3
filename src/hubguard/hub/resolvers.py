"""Resolvers turn (repo type, repo ID, revision) into a snapshot plus a reader; one per hub."""

from __future__ import annotations

from typing import Protocol

from hubguard.hub.client import HubClient
from hubguard.hub.errors import Offline, Unavailable
from hubguard.hub.local_cache import local_snapshot
from hubguard.hub.readers import HubReader, LocalReader, RepoReader
from hubguard.hub.snapshot import RepoSnapshot
from hubguard.hub.transport import Deadline


class Resolver(Protocol):
    def open(self, repo_type: str, repo_id: str, revision: str | None, deadline: Deadline) -> RepoReader: ...


class HuggingFaceResolver:
    """Online through ``client``; the local HF cache when offline or when the hub cannot be reached."""

    def __init__(self, client: HubClient, offline: bool) -> None:
        self.client = client
        self.offline = offline

    def open(self, repo_type: str, repo_id: str, revision: str | None, deadline: Deadline) -> RepoReader:
        if self.offline:
            return self._local(repo_type, repo_id, revision, "offline mode")
        try:
            snapshot: RepoSnapshot = self.client.resolve(repo_type, repo_id, revision, deadline)
        except (Unavailable, Offline) as error:
            return self._local(repo_type, repo_id, revision, error.reason)
        return HubReader(self.client, snapshot, deadline)

    def _local(self, repo_type: str, repo_id: str, revision: str | None, why: str) -> RepoReader:
        return LocalReader(local_snapshot(repo_type, repo_id, revision, why), self.client.endpoint)
