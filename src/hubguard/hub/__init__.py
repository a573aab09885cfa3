"""Hub access and the remote pass: resolve referenced repos and scan what loading them would run."""

from __future__ import annotations

from hubguard.hub.errors import HubError
from hubguard.hub.remote_pass import RemoteOptions, RemoteResult, run_remote_pass
from hubguard.hub.repo_ids import InvalidReference, validate_repo_id, validate_revision
from hubguard.hub.resolver import RepoReader, Resolver, ResolverContext
from hubguard.hub.snapshot import FileInfo, RepoSnapshot

__all__ = [
    "FileInfo",
    "HubError",
    "InvalidReference",
    "RemoteOptions",
    "RemoteResult",
    "RepoReader",
    "RepoSnapshot",
    "Resolver",
    "ResolverContext",
    "run_remote_pass",
    "validate_repo_id",
    "validate_revision",
]
