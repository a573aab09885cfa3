"""A repository at one resolved commit: its file list, the hub's scan status and access flags."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hubguard.hub.security import HubSecurityStatus, parse_security_status


@dataclass(frozen=True)
class FileInfo:
    size: int
    blob_id: str | None = None  # git blob SHA-1
    lfs_sha256: str | None = None


@dataclass
class RepoSnapshot:
    hub: str
    repo_type: str
    repo_id: str
    requested_revision: str | None
    sha: str
    files: dict[str, FileInfo]
    security_status: HubSecurityStatus | None = None
    gated: bool = False
    private: bool = False
    origin: str = "hub"  # "hub", "result-cache" or "local-hf-cache" (a partial file list)

    @property
    def complete(self) -> bool:
        """False when the file list comes from a local cache that may hold only some of the files."""
        return self.origin != "local-hf-cache"

    def to_json(self) -> dict[str, Any]:
        return {
            "hub": self.hub,
            "repo_type": self.repo_type,
            "repo_id": self.repo_id,
            "sha": self.sha,
            "files": {path: [info.size, info.blob_id, info.lfs_sha256] for path, info in self.files.items()},
            "security": self.security_status.raw if self.security_status else None,
            "gated": self.gated,
            "private": self.private,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], requested_revision: str | None) -> RepoSnapshot:
        files = {path: FileInfo(int(size), blob, lfs) for path, (size, blob, lfs) in data["files"].items()}
        return cls(
            hub=data["hub"],
            repo_type=data["repo_type"],
            repo_id=data["repo_id"],
            requested_revision=requested_revision,
            sha=data["sha"],
            files=files,
            security_status=parse_security_status(data.get("security")),
            gated=bool(data.get("gated")),
            private=bool(data.get("private")),
            origin="result-cache",
        )
