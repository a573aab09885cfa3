"""Repositories the fake hub serves: commits with deterministic SHAs, branches and tags."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

LFS_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".safetensors", ".h5", ".onnx", ".gguf", ".npy")


def git_blob_id(content: bytes) -> str:
    """The git blob SHA-1 the Hub reports as ``blobId``/``oid`` for a file."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@dataclass(frozen=True)
class StoredFile:
    path: str
    content: bytes
    is_lfs: bool

    @property
    def size(self) -> int:
        return len(self.content)

    @cached_property  # hashing a 1 GB file on every request made each Range read take seconds
    def blob_id(self) -> str:
        return git_blob_id(self.content)

    @cached_property
    def etag(self) -> str:
        return sha256_hex(self.content) if self.is_lfs else self.blob_id


@dataclass
class Commit:
    sha: str
    files: dict[str, StoredFile]


@dataclass
class FakeRepo:
    repo_id: str
    repo_type: str
    gated: bool = False
    private: bool = False
    security_status: dict[str, Any] | None = None
    file_security: dict[str, dict[str, Any]] = field(default_factory=dict)
    commits: dict[str, Commit] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)  # branch or tag name -> commit sha

    def commit(self, files: dict[str, bytes], parent: str | None) -> str:
        digest = hashlib.sha1(f"{self.repo_type}:{self.repo_id}:{parent}".encode())
        for path in sorted(files):
            digest.update(path.encode() + b"\0" + hashlib.sha256(files[path]).digest())
        sha = digest.hexdigest()
        self.commits[sha] = Commit(
            sha, {path: StoredFile(path, data, path.endswith(LFS_SUFFIXES)) for path, data in files.items()}
        )
        return sha

    def resolve(self, revision: str) -> Commit | None:
        if revision in self.refs:
            return self.commits[self.refs[revision]]
        return self.commits.get(revision)
