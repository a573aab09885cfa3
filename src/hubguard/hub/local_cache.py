"""Read-only access to the local Hugging Face cache (``models--org--name/{refs,snapshots}``) for offline runs."""

from __future__ import annotations

import os
from pathlib import Path

from hubguard.hub.errors import EntryNotFound, Offline
from hubguard.hub.snapshot import FileInfo, RepoSnapshot
from hubguard.revisions import is_commit_sha

PARTIAL = "offline: only the files in the local Hugging Face cache were scanned"


def hf_home() -> Path:
    """huggingface_hub's home (token, cache), read at call time: HF_HOME, else XDG_CACHE_HOME/huggingface."""
    explicit = os.environ.get("HF_HOME")
    if explicit:
        return Path(os.path.expandvars(explicit)).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "huggingface"


def hf_cache_dir() -> Path:
    """Where huggingface_hub keeps downloads: HF_HUB_CACHE (or the legacy HUGGINGFACE_HUB_CACHE), else HF_HOME/hub."""
    explicit = os.environ.get("HF_HUB_CACHE") or os.environ.get("HUGGINGFACE_HUB_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    return hf_home() / "hub"


def local_snapshot(
    repo_type: str, repo_id: str, revision: str | None, why: str, *, deliberate: bool = True
) -> RepoSnapshot:
    """The cached snapshot for ``revision`` (a SHA, or a branch/tag via ``refs/``); Offline if absent.

    ``deliberate``: offline mode was chosen, rather than forced by an unreachable hub."""
    folder = _repo_folder(repo_type, repo_id)
    sha = revision if revision is not None and is_commit_sha(revision) else _read_ref(folder, revision or "main")
    snapshot_dir = folder / "snapshots" / sha if sha else None
    if sha is None or snapshot_dir is None or not snapshot_dir.is_dir():
        raise Offline(
            f"{repo_id}@{revision or 'main'}: {why}, and the local Hugging Face cache does not hold it",
            fix="run once online to fill the local Hugging Face cache",
            deliberate=deliberate,
        )
    files = {
        path.relative_to(snapshot_dir).as_posix(): FileInfo(size=path.stat().st_size)
        for path in sorted(snapshot_dir.rglob("*"))
        if path.is_file()
    }
    partial = Offline(PARTIAL, fix="run once online to fill the local Hugging Face cache", deliberate=deliberate)
    return RepoSnapshot("huggingface", repo_type, repo_id, revision, sha, files, partial=partial)


def snapshot_file(snapshot: RepoSnapshot, path: str) -> Path:
    """The cached file for ``path``, refusing anything that would leave the snapshot directory."""
    folder = _repo_folder(snapshot.repo_type, snapshot.repo_id)
    root = (folder / "snapshots" / snapshot.sha).resolve()
    if path not in snapshot.files:
        raise EntryNotFound(f"{snapshot.repo_id}/{path}: not in the local cache")
    target = (root / path).resolve()
    blobs = (folder / "blobs").resolve()
    if not (target.is_relative_to(root) or target.is_relative_to(blobs)):
        raise EntryNotFound(f"{snapshot.repo_id}/{path}: points outside the cache")
    return target


def _repo_folder(repo_type: str, repo_id: str) -> Path:
    return hf_cache_dir() / f"{repo_type}s--{repo_id.replace('/', '--')}"


def _read_ref(folder: Path, revision: str) -> str | None:
    try:
        sha = (folder / "refs" / revision).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return sha if is_commit_sha(sha) else None
