"""Repositories the fake hub serves: commits with deterministic SHAs, branches and tags."""

from __future__ import annotations

import hashlib
import threading
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
    def sha256(self) -> str:
        return sha256_hex(self.content)

    @property
    def etag(self) -> str:
        return self.sha256 if self.is_lfs else self.blob_id


@dataclass
class Commit:
    sha: str
    files: dict[str, StoredFile]
    parent: str | None = None


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
        stored = {path: StoredFile(path, data, path.endswith(LFS_SUFFIXES)) for path, data in files.items()}
        self.commits[sha] = Commit(sha, stored, parent)
        return sha

    def resolve(self, revision: str) -> Commit | None:
        if revision in self.refs:
            return self.commits[self.refs[revision]]
        return self.commits.get(revision)

    def history(self, commit: Commit) -> list[Commit]:
        """``commit`` and its ancestors, newest first (what ``git log`` lists)."""
        chain = [commit]
        while chain[-1].parent is not None:
            chain.append(self.commits[chain[-1].parent])
        return chain


class RepoStore:
    """The repositories one fake hub serves, keyed by (type, ID); new files land on ``default_branch``."""

    default_branch = "main"

    def __init__(self) -> None:
        self._repos: dict[tuple[str, str], FakeRepo] = {}
        self._repos_lock = threading.Lock()

    def add_repo(
        self,
        repo_id: str,
        files: dict[str, bytes],
        *,
        repo_type: str = "model",
        branches: dict[str, dict[str, bytes]] | None = None,
        tags: dict[str, str] | None = None,
        **flags: Any,
    ) -> str:
        """Create a repo whose default branch holds ``files``; returns that branch's commit SHA.

        ``branches`` adds other branches (name -> files); ``tags`` maps a tag to a branch name or SHA;
        ``flags`` are ``FakeRepo`` fields (``private``, ``gated``, ``security_status``, ``file_security``).
        """
        repo = FakeRepo(repo_id, repo_type, **flags)
        head = repo.commit(files, parent=None)
        repo.refs[self.default_branch] = head
        for name, branch_files in (branches or {}).items():
            repo.refs[name] = repo.commit(branch_files, parent=head)
        for tag, target in (tags or {}).items():
            repo.refs[tag] = repo.refs.get(target, target)
        with self._repos_lock:
            self._repos[(repo_type, repo_id)] = repo
        return head

    def push(
        self, repo_id: str, files: dict[str, bytes | None], *, branch: str | None = None, repo_type: str = "model"
    ) -> str:
        """Commit on top of ``branch`` (default: the default branch): ``files`` adds or replaces files (None
        deletes); returns the new SHA."""
        branch = branch or self.default_branch
        repo = self._repos[(repo_type, repo_id)]
        parent = repo.commits[repo.refs[branch]]
        tree = {path: stored.content for path, stored in parent.files.items()}
        for path, content in files.items():
            if content is None:
                tree.pop(path, None)
            else:
                tree[path] = content
        repo.refs[branch] = repo.commit(tree, parent=parent.sha)
        return repo.refs[branch]

    def repo(self, repo_id: str, repo_type: str = "model") -> FakeRepo:
        return self._repos[(repo_type, repo_id)]
