"""Hugging Face Hub: resolve a reference to a commit and read its files, speaking the Hub's HTTP API.

The routes, query parameters and error headers are the ones huggingface_hub uses (``model_info`` with
``blobs``/``securityStatus``, ``/resolve/{sha}/{path}``, ``X-Error-Code``/``X-Error-Message``), so a
Hub-compatible server (a mirror, CSGHub's ``/hf`` routes, ``tests/fakehub``) works through the same code.
"""

from __future__ import annotations

import os
import re
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

from hubguard.hub.errors import (
    AccessDenied,
    EntryNotFound,
    HubError,
    Offline,
    RateLimited,
    RepoNotFound,
    RevisionNotFound,
    Unavailable,
)
from hubguard.hub.http import HttpClient, HttpResponse, default_status_error
from hubguard.hub.local_cache import hf_home, local_snapshot, snapshot_file
from hubguard.hub.readers import HttpReader, LocalReader
from hubguard.hub.repo_ids import validate_repo_id, validate_repo_type, validate_revision
from hubguard.hub.resolver import RepoReader, ResolverContext
from hubguard.hub.security import parse_security_status
from hubguard.hub.snapshot import FileInfo, RepoSnapshot
from hubguard.hub.transport import Deadline, RetryableError
from hubguard.revisions import is_commit_sha

HUB = "huggingface"
DEFAULT_ENDPOINT = "https://huggingface.co"
_TYPE_PREFIX = {"model": "", "dataset": "datasets/", "space": "spaces/"}
_TOKEN = re.compile(r"[\x21-\x7e]{1,1024}")  # printable ASCII: anything else cannot go in a header
_MAX_TOKEN_FILE = 4096
_INVALID_CREDENTIALS = "Invalid credentials in Authorization header"
_DISABLED = "Access to this resource is disabled."


def default_endpoint() -> str:
    return os.environ.get("HF_ENDPOINT", DEFAULT_ENDPOINT).rstrip("/")


def huggingface_token() -> str | None:
    """The token huggingface_hub would send: HF_TOKEN (or the legacy HUGGING_FACE_HUB_TOKEN), else the
    file ``hf auth login`` writes (HF_TOKEN_PATH, default ``$HF_HOME/token``). Never logged or cached."""
    if _truthy(os.environ.get("HF_HUB_DISABLE_IMPLICIT_TOKEN")):
        return None
    token = _clean_token(os.environ.get("HF_TOKEN") or os.environ.get("HUGGING_FACE_HUB_TOKEN"))
    if token is None:
        explicit = os.environ.get("HF_TOKEN_PATH")
        path = Path(os.path.expandvars(explicit)).expanduser() if explicit else hf_home() / "token"
        try:
            with path.open("rb") as stream:
                token = _clean_token(stream.read(_MAX_TOKEN_FILE).decode("ascii"))
        except (OSError, UnicodeDecodeError):
            return None
    return token if token is not None and _TOKEN.fullmatch(token) else None


def _clean_token(token: str | None) -> str | None:
    cleaned = (token or "").replace("\r", "").replace("\n", "").strip()
    return cleaned or None


def blob_url(endpoint: str, repo_type: str, repo_id: str, sha: str, path: str) -> str:
    """The web page of a file at a commit, used as a finding's related location."""
    return f"{endpoint.rstrip('/')}/{_TYPE_PREFIX.get(repo_type, '')}{repo_id}/blob/{sha}/{quote(path)}"


class HuggingFaceApi:
    """The Hub's HTTP API at one endpoint, with one token; a ``FileHost`` for ``HttpReader``.

    A Hub-compatible server reuses it with its own ``hub`` name and ``token_name`` (the variable that
    holds its token, named in every fix that asks for one).
    """

    def __init__(
        self, http: HttpClient, endpoint: str, token: str | None, *, hub: str = HUB, token_name: str = "HF_TOKEN"
    ) -> None:
        self.http = http
        self.endpoint = endpoint.rstrip("/")
        self.hub = hub
        self.token_name = token_name
        self._token = token

    def __repr__(self) -> str:  # never show the token
        return f"HuggingFaceApi({self.endpoint!r}, token={'set' if self._token else 'unset'})"

    def snapshot(self, repo_type: str, repo_id: str, revision: str | None, deadline: Deadline) -> RepoSnapshot:
        """One ``GET /api/{type}s/{repo}[/revision/{rev}]?blobs=true``: commit SHA, files, hub scan status."""
        url = f"{self.endpoint}/api/{repo_type}s/{repo_id}"
        if revision is not None:
            url += f"/revision/{quote(revision, safe='')}"
        url += "?blobs=true" + ("&securityStatus=true" if repo_type == "model" else "")
        what = f"{repo_type} {repo_id}@{revision or 'main'}"
        info = self.http.fetch_json(
            url, what=what, deadline=deadline, headers=self.auth_headers(), status_error=self.status_error
        )
        if not isinstance(info, dict) or not is_commit_sha(info.get("sha")):
            raise Unavailable(f"{what}: the hub's answer has no commit SHA")
        files, unreadable = _siblings(info.get("siblings"))
        partial = None
        if unreadable:
            reason = f"{what}: the hub listed {unreadable} file(s) in a form hubguard cannot read"
            partial = Unavailable(reason, fix="review the repository's files by hand")
        return RepoSnapshot(
            hub=self.hub,
            repo_type=repo_type,
            repo_id=repo_id,
            requested_revision=revision,
            sha=info["sha"],
            files=files,
            security_status=parse_security_status(info.get("securityRepoStatus")),
            gated=bool(info.get("gated")),
            private=info.get("private") is True,
            partial=partial,
        )

    # FileHost ------------------------------------------------------------------------------------
    def download_url(self, snapshot: RepoSnapshot, path: str) -> str:
        prefix = _TYPE_PREFIX[snapshot.repo_type]
        return f"{self.endpoint}/{prefix}{snapshot.repo_id}/resolve/{snapshot.sha}/{quote(path)}"

    def web_url(self, snapshot: RepoSnapshot, path: str) -> str:
        return blob_url(self.endpoint, snapshot.repo_type, snapshot.repo_id, snapshot.sha, path)

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"} if self._token else {}

    def status_error(self, response: HttpResponse, what: str) -> HubError:
        """What huggingface_hub's ``hf_raise_for_status`` would raise, as hubguard's typed errors."""
        code = response.headers.get("x-error-code")
        message = response.headers.get("x-error-message", "")
        repo_api = response.url.startswith(f"{self.endpoint}/api/")  # the endpoint may have a path (CSGHub's /hf)
        if code == "RevisionNotFound":
            return RevisionNotFound(f"{what}: revision not found")
        if code == "EntryNotFound":
            return EntryNotFound(f"{what}: file not found")
        if code == "GatedRepo":
            return AccessDenied(f"{what}: gated repository, access needs an accepted token", self.token_fix)
        if message == _DISABLED:
            return AccessDenied(f"{what}: the hub has disabled this repository", "remove the reference")
        if response.status == 401 and message == _INVALID_CREDENTIALS:
            return AccessDenied(f"{what}: the hub refused the token", f"check {self.token_name} (or the saved token)")
        if code == "RepoNotFound" or (repo_api and response.status in (401, 404)):
            # The Hub answers 401 for private repos without a token too: both mean "not yours to read".
            fix = f"fix the repository ID (or provide {self.token_name} if it is private)"
            return RepoNotFound(f"{what}: repository not found (or private)", fix)
        error = default_status_error(response, what)
        inner = error.error if isinstance(error, RetryableError) else error
        if isinstance(inner, RateLimited):
            inner.fix = f"re-run later, or provide {self.token_name} for a higher rate limit"
        elif isinstance(inner, AccessDenied):
            inner.fix = self.token_fix
        return error

    @property
    def token_fix(self) -> str:
        return f"provide {self.token_name} with access to the repository"


class HuggingFaceResolver:
    """Online through the Hub's API; the local Hugging Face cache when offline or the hub is unreachable."""

    def __init__(self, api: HuggingFaceApi, offline: bool) -> None:
        self.api = api
        self.offline = offline

    @classmethod
    def create(cls, context: ResolverContext) -> HuggingFaceResolver:
        endpoint = context.endpoints.get(HUB) or default_endpoint()
        token = context.tokens.get(HUB) or huggingface_token()
        offline = context.offline or _truthy(os.environ.get("HF_HUB_OFFLINE"))
        return cls(HuggingFaceApi(context.http, endpoint, token), offline)

    def validate(self, repo_type: str, repo_id: str, revision: str | None) -> None:
        validate_repo_type(repo_type)
        validate_repo_id(repo_id)
        if revision is not None:
            validate_revision(revision)

    def open(self, repo_type: str, repo_id: str, revision: str | None, deadline: Deadline) -> RepoReader:
        self.validate(repo_type, repo_id, revision)
        if self.offline:
            return self._local(repo_type, repo_id, revision, "offline mode")
        try:
            snapshot = self.api.snapshot(repo_type, repo_id, revision, deadline)
        except (Unavailable, Offline) as error:
            return self._local(repo_type, repo_id, revision, error.reason, deliberate=False)
        return HttpReader(self.api.http, self.api, snapshot, deadline)

    def _local(
        self, repo_type: str, repo_id: str, revision: str | None, why: str, *, deliberate: bool = True
    ) -> RepoReader:
        snapshot = local_snapshot(repo_type, repo_id, revision, why, deliberate=deliberate)
        return LocalReader(snapshot, partial(snapshot_file, snapshot), partial(self.api.web_url, snapshot))


def _siblings(raw: Any) -> tuple[dict[str, FileInfo], int]:
    """The listed files, and how many entries could not be read (those make the snapshot partial)."""
    files: dict[str, FileInfo] = {}
    unreadable = 0
    for sibling in raw if isinstance(raw, list) else ():
        name = sibling.get("rfilename") if isinstance(sibling, dict) else None
        size = sibling.get("size") if isinstance(sibling, dict) else None
        if not isinstance(name, str) or not name or type(size) is not int or size < 0:
            unreadable += 1
            continue
        blob_id = sibling.get("blobId")
        lfs = sibling.get("lfs")
        sha256 = lfs.get("sha256") if isinstance(lfs, dict) else None
        files[name] = FileInfo(
            size,
            blob_id if isinstance(blob_id, str) else None,
            sha256 if isinstance(sha256, str) else None,
        )
    return files, unreadable


def _truthy(value: str | None) -> bool:
    return (value or "").strip().upper() in ("1", "ON", "YES", "TRUE")
