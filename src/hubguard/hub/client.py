"""Hugging Face Hub client: resolve a revision to a commit snapshot and read files at that commit."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from urllib.parse import quote

import httpx2
from huggingface_hub import HfApi, hf_hub_url
from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status

import hubguard
from hubguard.hub.errors import TooLarge, Truncated
from hubguard.hub.repo_ids import validate_repo_id, validate_repo_type, validate_revision
from hubguard.hub.security import parse_security_status
from hubguard.hub.snapshot import FileInfo, RepoSnapshot
from hubguard.hub.transport import Deadline, RetryableError, RetryPolicy, TransferStats, with_retries

DEFAULT_ENDPOINT = "https://huggingface.co"
_CHUNK = 64 * 1024


def default_endpoint() -> str:
    return os.environ.get("HF_ENDPOINT", DEFAULT_ENDPOINT).rstrip("/")


@dataclass
class HubClient:
    """All requests for one run. ``token=None`` lets huggingface_hub find HF_TOKEN or the saved token."""

    endpoint: str = field(default_factory=default_endpoint)
    token: str | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    stats: TransferStats = field(default_factory=TransferStats)

    def __post_init__(self) -> None:
        self.endpoint = self.endpoint.rstrip("/")
        self._api = HfApi(endpoint=self.endpoint, token=self.token, library_name="hubguard")

    # resolution ------------------------------------------------------------------------------
    def resolve(self, repo_type: str, repo_id: str, revision: str | None, deadline: Deadline) -> RepoSnapshot:
        """One ``/api/{type}s/{repo}[/revision/{rev}]?blobs=true`` call: commit SHA, files, scan status."""
        validate_repo_type(repo_type)
        validate_repo_id(repo_id)
        if revision is not None:
            validate_revision(revision)
        what = f"{repo_type} {repo_id}@{revision or 'main'}"

        def fetch(timeout: float) -> RepoSnapshot:
            if repo_type == "model":
                info = self._api.model_info(
                    repo_id, revision=revision, timeout=timeout, files_metadata=True, securityStatus=True
                )
            elif repo_type == "dataset":
                info = self._api.dataset_info(repo_id, revision=revision, timeout=timeout, files_metadata=True)
            else:
                info = self._api.space_info(repo_id, revision=revision, timeout=timeout, files_metadata=True)
            if not isinstance(info.sha, str) or len(info.sha) != 40:
                raise RetryableError(Truncated(f"{what}: the hub's answer has no commit SHA"))
            files = {
                sibling.rfilename: FileInfo(
                    size=int(sibling.size or 0),
                    blob_id=sibling.blob_id,
                    lfs_sha256=sibling.lfs.sha256 if sibling.lfs else None,
                )
                for sibling in info.siblings or ()
            }
            return RepoSnapshot(
                hub="huggingface",
                repo_type=repo_type,
                repo_id=repo_id,
                requested_revision=revision,
                sha=info.sha,
                files=files,
                security_status=parse_security_status(getattr(info, "security_repo_status", None)),
                gated=bool(info.gated),
                private=bool(info.private),
            )

        return with_retries(fetch, what=what, deadline=deadline, policy=self.retry, stats=self.stats)

    # file access -----------------------------------------------------------------------------
    def file_url(self, snapshot: RepoSnapshot, path: str) -> str:
        """The download URL at the resolved commit (never a branch)."""
        return hf_hub_url(
            snapshot.repo_id, path, repo_type=snapshot.repo_type, revision=snapshot.sha, endpoint=self.endpoint
        )

    def blob_url(self, snapshot: RepoSnapshot, path: str) -> str:
        """The web page of a file at the resolved commit, used as a finding's related location."""
        return blob_url(self.endpoint, snapshot.repo_type, snapshot.repo_id, snapshot.sha, path)

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = build_hf_headers(
            token=self.token, library_name="hubguard", library_version=hubguard.__version__
        )
        headers["Accept-Encoding"] = "identity"
        return headers | (extra or {})

    def read_bytes(self, snapshot: RepoSnapshot, path: str, max_bytes: int, deadline: Deadline) -> bytes:
        """The whole file, checked against Content-Length, the listed size and the hub's content hash."""
        info = snapshot.files.get(path)
        if info is not None and info.size > max_bytes:
            raise TooLarge(f"{snapshot.repo_id}/{path}: {info.size} bytes exceeds the {max_bytes}-byte cap")
        url = self.file_url(snapshot, path)
        what = f"{snapshot.repo_id}/{path}"

        def fetch(timeout: float) -> bytes:
            data = self._get_body(url, what, max_bytes, timeout, deadline)
            if info is not None:
                _verify(data, info, what)
            return data

        return with_retries(fetch, what=what, deadline=deadline, policy=self.retry, stats=self.stats)

    def read_text(self, snapshot: RepoSnapshot, path: str, max_bytes: int, deadline: Deadline) -> str:
        return self.read_bytes(snapshot, path, max_bytes, deadline).decode("utf-8", errors="replace")

    def _get_body(self, url: str, what: str, max_bytes: int, timeout: float, deadline: Deadline) -> bytes:
        chunks: list[bytes] = []
        received = 0
        with get_session().stream("GET", url, headers=self.headers(), timeout=timeout) as response:
            hf_raise_for_status(response)
            declared = response.headers.get("Content-Length")
            try:
                for chunk in response.iter_raw(_CHUNK):
                    received += len(chunk)
                    self.stats.count_bytes(url, len(chunk))
                    if received > max_bytes:
                        raise TooLarge(f"{what}: more than the {max_bytes}-byte cap")
                    chunks.append(chunk)
                    deadline.request_timeout(what)
            except httpx2.TransportError as exc:
                raise RetryableError(Truncated(f"{what}: transfer cut after {received} bytes")) from exc
        if declared is not None and declared.isdigit() and int(declared) != received:
            raise RetryableError(Truncated(f"{what}: received {received} of {declared} bytes"))
        return b"".join(chunks)


def blob_url(endpoint: str, repo_type: str, repo_id: str, sha: str, path: str) -> str:
    prefix = {"dataset": "datasets/", "space": "spaces/"}.get(repo_type, "")
    return f"{endpoint.rstrip('/')}/{prefix}{repo_id}/blob/{sha}/{quote(path)}"


def _verify(data: bytes, info: FileInfo, what: str) -> None:
    if len(data) != info.size:
        raise RetryableError(Truncated(f"{what}: received {len(data)} bytes, the hub lists {info.size}"))
    if info.lfs_sha256 is not None:
        matches = hashlib.sha256(data).hexdigest() == info.lfs_sha256
    elif info.blob_id is not None:
        matches = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest() == info.blob_id
    else:
        matches = True
    if not matches:
        raise RetryableError(Truncated(f"{what}: content does not match the hub's hash"))
