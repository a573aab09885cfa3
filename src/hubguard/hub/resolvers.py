"""Resolvers turn (repo type, repo ID, revision) into a snapshot plus a reader; one per hub."""

from __future__ import annotations

from typing import Protocol

from hubguard.hub.readers import RepoReader
from hubguard.hub.transport import Deadline


class Resolver(Protocol):
    def open(self, repo_type: str, repo_id: str, revision: str | None, deadline: Deadline) -> RepoReader: ...
