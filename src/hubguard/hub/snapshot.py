"""A repository at one immutable revision: its file list, the hub's scan status and access flags."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeGuard

from hubguard.hub.errors import HubError
from hubguard.hub.security import HubSecurityStatus
from hubguard.revisions import is_commit_sha

CONTENT_SHA256 = re.compile(r"sha256:[0-9a-f]{64}")


def is_immutable(identity: str | None) -> TypeGuard[str]:
    """A commit SHA, or ``sha256:<hex>``: the identity of a URL whose server states the content's hash."""
    return is_commit_sha(identity) or (identity is not None and CONTENT_SHA256.fullmatch(identity) is not None)


@dataclass(frozen=True)
class FileInfo:
    size: int
    blob_id: str | None = None  # git blob SHA-1, where the hub lists it
    sha256: str | None = None  # content SHA-256, where the hub lists it (LFS oid, ModelScope's Sha256)


@dataclass(frozen=True)
class Notice:
    """A finding the resolver itself made (e.g. a local table redirecting a checkpoint name): a rule ID from
    ``rules.py`` and its message; it is reported at every call site of the reference."""

    rule_id: str
    message: str


@dataclass
class RepoSnapshot:
    """What a resolver returns. ``sha`` is the commit every file is read at; a source without commits
    (a plain URL) puts its identity there instead (see ``hub/url.py``), and the result cache keeps only
    outcomes whose identity ``is_immutable``."""

    hub: str
    repo_type: str
    repo_id: str
    requested_revision: str | None
    sha: str
    files: dict[str, FileInfo]
    security_status: HubSecurityStatus | None = None
    gated: bool = False
    private: bool = False
    partial: HubError | None = None  # why ``files`` may miss some (a local cache offline), and what to do
    notices: tuple[Notice, ...] = ()

    @property
    def complete(self) -> bool:
        return self.partial is None
