"""Read-only access to the local Hugging Face cache (``models--org--name/{refs,snapshots}``) for offline runs."""

from __future__ import annotations

import os
from pathlib import Path

from hubguard.hub.errors import EntryNotFound, Offline, TooLarge
from hubguard.hub.snapshot import FileInfo, RepoSnapshot
from hubguard.revisions import is_commit_sha


def hf_cache_dir() -> Path:
    """Where huggingface_hub keeps downloads, read at call time (HF_HUB_CACHE, HF_HOME, XDG_CACHE_HOME)."""
    explicit = os.environ.get("HF_HUB_CACHE") or os.environ.get("HUGGINGFACE_HUB_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    hf_home = os.environ.get("HF_HOME")
    if hf_home:
        return Path(hf_home).expanduser() / "hub"
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "huggingface" / "hub"


def local_snapshot(repo_type: str, repo_id: str, revision: str | None, why: str) -> RepoSnapshot:
    """The cached snapshot for ``revision`` (a SHA, or a branch/tag via ``refs/``); Offline if absent."""
    folder = hf_cache_dir() / f"{repo_type}s--{repo_id.replace('/', '--')}"
    sha = revision if revision is not None and is_commit_sha(revision) else _read_ref(folder, revision or "main")
    snapshot_dir = folder / "snapshots" / sha if sha else None
    if sha is None or snapshot_dir is None or not snapshot_dir.is_dir():
        raise Offline(f"{repo_id}@{revision or 'main'}: {why}, and the local Hugging Face cache does not hold it")
    files = {
        path.relative_to(snapshot_dir).as_posix(): FileInfo(size=path.stat().st_size)
        for path in sorted(snapshot_dir.rglob("*"))
        if path.is_file()
    }
    return RepoSnapshot("huggingface", repo_type, repo_id, revision, sha, files, origin="local-hf-cache")


def snapshot_file(snapshot: RepoSnapshot, path: str) -> Path:
    """The cached file for ``path``, refusing anything that would leave the snapshot directory."""
    folder = hf_cache_dir() / f"{snapshot.repo_type}s--{snapshot.repo_id.replace('/', '--')}"
    root = (folder / "snapshots" / snapshot.sha).resolve()
    if path not in snapshot.files:
        raise EntryNotFound(f"{snapshot.repo_id}/{path}: not in the local cache")
    target = (root / path).resolve()
    blobs = (folder / "blobs").resolve()
    if not (target.is_relative_to(root) or target.is_relative_to(blobs)):
        raise EntryNotFound(f"{snapshot.repo_id}/{path}: points outside the cache")
    return target


def read_local_bytes(snapshot: RepoSnapshot, path: str, max_bytes: int) -> bytes:
    target = snapshot_file(snapshot, path)
    if target.stat().st_size > max_bytes:
        raise TooLarge(f"{snapshot.repo_id}/{path}: exceeds the {max_bytes}-byte cap")
    return target.read_bytes()


def _read_ref(folder: Path, revision: str) -> str | None:
    try:
        sha = (folder / "refs" / revision).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return sha if is_commit_sha(sha) else None
