"""ModelScope: resolve a reference to a commit and read its files through the ``/api/v1`` routes the SDK uses.

Where the SDK reads: ``MODELSCOPE_ENDPOINT`` (modelscope >= 1.38), else ``MODELSCOPE_DOMAIN`` (a host name,
``https://`` added), else it probes www.modelscope.cn and then www.modelscope.ai for the repository
(``MODELSCOPE_PREFER_AI_SITE`` reverses the order); hubguard does the same and reports the site that served
it. A revision (default ``master``) becomes a commit with ``commits?Ref=``; the file list, with each file's
SHA-256, is read at that commit. Whether the server accepts a commit SHA as ``Revision=`` is not
documented: when it refuses one, the list is read at the branch or tag instead, the ref is resolved again
to prove it did not move meanwhile, and every file read whole is checked against the listed SHA-256.

The token is ``MODELSCOPE_API_TOKEN``, sent as the SDK sends it (``m_session_id`` cookie and Bearer header)
and only to the ModelScope site. The SDK's saved login is a pickled cookie jar, which hubguard never reads.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any, TypeGuard
from urllib.parse import quote, quote_plus

from hubguard.hub.errors import (
    AccessDenied,
    EntryNotFound,
    HubError,
    Offline,
    RateLimited,
    RepoNotFound,
    RevisionNotFound,
    TooLarge,
    Unavailable,
)
from hubguard.hub.http import HttpClient, HttpResponse, StatusError, default_status_error
from hubguard.hub.outcome import printable
from hubguard.hub.readers import HttpReader
from hubguard.hub.repo_ids import validate_owner_name
from hubguard.hub.resolver import RepoReader, ResolverContext
from hubguard.hub.snapshot import FileInfo, RepoSnapshot
from hubguard.hub.transport import Deadline, RetryableError
from hubguard.revisions import is_commit_sha

HUB = "modelscope"
CN_SITE = "https://www.modelscope.cn"
AI_SITE = "https://www.modelscope.ai"
DEFAULT_REVISION = "master"
TOKEN_FIX = "provide MODELSCOPE_API_TOKEN with access to the repository"
NOT_FOUND_FIX = "fix the repository ID (or provide MODELSCOPE_API_TOKEN if it is private)"
DATASET_PAGE_SIZE = 100  # what the SDK asks for; a server may cap pages, so larger requests prove nothing
MAX_DATASET_FILES = 20_000
_KINDS = {"model": "models", "dataset": "datasets"}
_SHA256 = re.compile(r"[0-9a-f]{64}")
_TOKEN = re.compile(r"[\x21-\x7e]{1,1024}")
_COOKIE_UNSAFE = frozenset(';,"\\')


def sites() -> tuple[str, ...]:
    """The ModelScope sites a read goes to, in order, as the SDK picks them."""
    endpoint = os.environ.get("MODELSCOPE_ENDPOINT", "").strip()
    domain = os.environ.get("MODELSCOPE_DOMAIN", "").strip()
    if endpoint or domain:
        explicit = endpoint or domain
        return ((explicit if "://" in explicit else f"https://{explicit}").rstrip("/"),)
    if _truthy(os.environ.get("MODELSCOPE_PREFER_AI_SITE")):
        return (AI_SITE, CN_SITE)
    return (CN_SITE, AI_SITE)


def modelscope_token() -> str | None:
    """MODELSCOPE_API_TOKEN when it can travel in a header and a cookie; never logged or cached."""
    token = (os.environ.get("MODELSCOPE_API_TOKEN") or "").strip()
    if not _TOKEN.fullmatch(token) or _COOKIE_UNSAFE & set(token):
        return None
    return token


def web_url(site: str, repo_type: str, repo_id: str, revision: str, path: str) -> str:
    """The ModelScope page of a file at a revision (``/models/{id}/file/view/{revision}/{path}``)."""
    return f"{site}/{_KINDS[repo_type]}/{repo_id}/file/view/{quote(revision, safe='')}/{quote(path)}"


class ModelScopeApi:
    """The ``/api/v1`` routes of one ModelScope site, with one token."""

    def __init__(self, http: HttpClient, site: str, token: str | None) -> None:
        self.http = http
        self.site = site.rstrip("/")
        self._token = token

    def __repr__(self) -> str:  # never show the token
        return f"ModelScopeApi({self.site!r}, token={'set' if self._token else 'unset'})"

    def auth_headers(self) -> dict[str, str]:
        if not self._token:
            return {}
        return {"Authorization": f"Bearer {self._token}", "Cookie": f"m_session_id={self._token}"}

    def repo_url(self, repo_type: str, repo_id: str) -> str:
        return f"{self.site}/api/v1/{_KINDS[repo_type]}/{repo_id}"

    def data(self, url: str, what: str, deadline: Deadline, not_found: type[HubError]) -> Any:
        """``Data`` of an answer in ModelScope's envelope; errors in the envelope or the status are typed."""
        payload = self.http.fetch_json(
            url, what=what, deadline=deadline, headers=self.auth_headers(), status_error=api_error(not_found)
        )
        if not isinstance(payload, dict):
            raise Unavailable(f"{what}: ModelScope's answer is not an object")
        code = payload.get("Code")
        if code == 200 and payload.get("Success") is not False:
            return payload.get("Data")
        message = printable(str(payload.get("Message") or "no message"), limit=120)
        if code in (400, 404):
            raise not_found(f"{what}: {message}")
        if code in (401, 403):
            raise AccessDenied(f"{what}: {message}", TOKEN_FIX)
        raise Unavailable(f"{what}: ModelScope answered code {printable(str(code), limit=20)}: {message}")

    def repo_info(self, repo_type: str, repo_id: str, deadline: Deadline) -> dict[str, Any]:
        """The existence check the SDK makes before every read; RepoNotFound when the site has no such repo."""
        data = self.data(self.repo_url(repo_type, repo_id), f"{repo_type} {repo_id}", deadline, RepoNotFound)
        if not isinstance(data, dict):
            raise Unavailable(f"{repo_type} {repo_id}: ModelScope's answer has no repository data")
        return data

    def commit(self, repo_type: str, repo_id: str, ref: str, deadline: Deadline) -> str:
        """The commit ``ref`` points at: the newest entry of ``commits?Ref=`` (what the SDK's model_info uses)."""
        what = f"{repo_type} {repo_id}@{ref}"
        url = f"{self.repo_url(repo_type, repo_id)}/commits?Ref={quote_plus(ref)}&PageNumber=1&PageSize=1"
        data = self.data(url, what, deadline, RevisionNotFound)
        commits = data.get("Commit") if isinstance(data, dict) else None
        sha = commits[0].get("Id") if isinstance(commits, list) and commits and isinstance(commits[0], dict) else None
        if not isinstance(sha, str) or not is_commit_sha(sha):
            raise Unavailable(f"{what}: ModelScope's commit list has no commit SHA")
        return sha

    def files(
        self, repo_type: str, repo_id: str, info: dict[str, Any], revision: str, deadline: Deadline
    ) -> list[Any]:
        """The raw file entries at ``revision``; RevisionNotFound when the site will not list that revision."""
        what = f"{repo_type} {repo_id}@{revision} file list"
        if repo_type == "model":
            url = f"{self.repo_url(repo_type, repo_id)}/repo/files?Revision={quote_plus(revision)}&Recursive=True"
            data = self.data(url, what, deadline, RevisionNotFound)
            return _file_entries(data)
        dataset_id = info.get("Id")
        if type(dataset_id) is not int and not (isinstance(dataset_id, str) and dataset_id.isdigit()):
            raise Unavailable(f"{what}: ModelScope's answer has no dataset ID")
        entries: list[Any] = []
        for page in range(1, MAX_DATASET_FILES // DATASET_PAGE_SIZE + 1):
            url = (
                f"{self.site}/api/v1/datasets/{dataset_id}/repo/tree?Revision={quote_plus(revision)}"
                f"&Root=%2F&Recursive=True&PageNumber={page}&PageSize={DATASET_PAGE_SIZE}"
            )
            listed = _file_entries(self.data(url, f"{what} page {page}", deadline, RevisionNotFound))
            entries += listed
            if len(listed) < DATASET_PAGE_SIZE:
                return entries
        raise TooLarge(f"{what}: more than {MAX_DATASET_FILES} entries; the listing was not read to the end")

    def download_url(self, repo_type: str, repo_id: str, revision: str, path: str) -> str:
        query = f"Revision={quote_plus(revision)}&FilePath={quote_plus(path)}"
        if repo_type == "dataset":
            query = f"Source=SDK&{query}&View=False"
        return f"{self.repo_url(repo_type, repo_id)}/repo?{query}"


def api_error(not_found: type[HubError]) -> StatusError:
    """A non-2xx answer as a typed error: 404 is ``not_found`` (the repo, a revision, a file)."""

    def to_error(response: HttpResponse, what: str) -> HubError:
        error = default_status_error(response, what)
        inner = error.error if isinstance(error, RetryableError) else error
        if isinstance(inner, EntryNotFound):
            return not_found(f"{what}: not found on {response.url.split('/api/', 1)[0]} (HTTP 404)")
        if isinstance(inner, AccessDenied):
            inner.fix = TOKEN_FIX
        elif isinstance(inner, RateLimited):
            inner.fix = "re-run later, or provide MODELSCOPE_API_TOKEN for a higher rate limit"
        return error

    return to_error


@dataclass(frozen=True)
class SnapshotFiles:
    """How one snapshot's files are served (a ``FileHost``): at ``revision``, the commit SHA unless the site
    refused to list by SHA, in which case the branch or tag the snapshot was resolved from."""

    api: ModelScopeApi
    revision: str

    def download_url(self, snapshot: RepoSnapshot, path: str) -> str:
        return self.api.download_url(snapshot.repo_type, snapshot.repo_id, self.revision, path)

    def web_url(self, snapshot: RepoSnapshot, path: str) -> str:
        return web_url(self.api.site, snapshot.repo_type, snapshot.repo_id, snapshot.sha, path)

    def auth_headers(self) -> dict[str, str]:
        return self.api.auth_headers()

    def status_error(self, response: HttpResponse, what: str) -> HubError:
        return api_error(EntryNotFound)(response, what)


class ModelScopeResolver:
    def __init__(self, http: HttpClient, sites: tuple[str, ...], token: str | None, offline: bool) -> None:
        self.http = http
        self.sites = sites
        self.token = token
        self.offline = offline

    @classmethod
    def create(cls, context: ResolverContext) -> ModelScopeResolver:
        explicit = context.endpoints.get(HUB)
        token = context.tokens.get(HUB) or modelscope_token()
        return cls(context.http, (explicit.rstrip("/"),) if explicit else sites(), token, context.offline)

    def validate(self, repo_type: str, repo_id: str, revision: str | None) -> None:
        validate_owner_name(repo_type, repo_id, revision, hub="ModelScope", repo_types=_KINDS)

    def open(self, repo_type: str, repo_id: str, revision: str | None, deadline: Deadline) -> RepoReader:
        self.validate(repo_type, repo_id, revision)
        if self.offline:
            raise Offline(
                f"{repo_id}@{revision or DEFAULT_REVISION}: offline, and ModelScope's local cache cannot be read "
                "safely (its index is a pickle)",
                fix="run hubguard online",
            )
        for site in self.sites:
            api = ModelScopeApi(self.http, site, self.token)
            try:
                info = api.repo_info(repo_type, repo_id, deadline)
            except RepoNotFound:
                continue
            return self._open_at(api, info, repo_type, repo_id, revision, deadline)
        hosts = " or ".join(site.split("://", 1)[-1] for site in self.sites)
        raise RepoNotFound(f"{repo_type} {repo_id}: not found on {hosts}", NOT_FOUND_FIX)

    def _open_at(
        self, api: ModelScopeApi, info: dict[str, Any], repo_type: str, repo_id: str, revision: str | None,
        deadline: Deadline,
    ) -> RepoReader:
        ref = revision or DEFAULT_REVISION
        sha = api.commit(repo_type, repo_id, ref, deadline)
        if is_commit_sha(ref) and sha != ref:
            raise RevisionNotFound(f"{repo_type} {repo_id}@{ref}: ModelScope resolved the commit to {sha}")
        served = sha
        try:
            entries = api.files(repo_type, repo_id, info, sha, deadline)
        except RevisionNotFound:
            if is_commit_sha(ref):
                raise
            entries = []
        if not entries and not is_commit_sha(ref):
            entries = self._files_at_ref(api, info, repo_type, repo_id, ref, sha, deadline)
            served = ref
        files, unreadable = _parse_files(entries)
        partial = None
        if unreadable:
            reason = f"{repo_id}@{ref}: ModelScope listed {unreadable} file(s) in a form hubguard cannot read"
            partial = Unavailable(reason, fix="review the repository's files by hand")
        snapshot = RepoSnapshot(
            hub=HUB,
            repo_type=repo_type,
            repo_id=repo_id,
            requested_revision=revision,
            sha=sha,
            files=files,
            private=info.get("Visibility") == 1,
            partial=partial,
        )
        return HttpReader(self.http, SnapshotFiles(api, served), snapshot, deadline)

    @staticmethod
    def _files_at_ref(
        api: ModelScopeApi, info: dict[str, Any], repo_type: str, repo_id: str, ref: str, sha: str,
        deadline: Deadline,
    ) -> list[Any]:
        """The list at the branch or tag, valid for ``sha`` only if the ref still points there afterwards."""
        entries = api.files(repo_type, repo_id, info, ref, deadline)
        moved_to = api.commit(repo_type, repo_id, ref, deadline)
        if moved_to != sha:
            raise Unavailable(f"{repo_id}@{ref} moved from {sha[:12]} to {moved_to[:12]} while being listed")
        return entries


def _file_entries(data: Any) -> list[Any]:
    files = data.get("Files") if isinstance(data, dict) else None
    return files if isinstance(files, list) else []


def _parse_files(entries: list[Any]) -> tuple[dict[str, FileInfo], int]:
    """Blobs by path with size and SHA-256; directories skipped; how many entries could not be read."""
    files: dict[str, FileInfo] = {}
    unreadable = 0
    for entry in entries:
        if isinstance(entry, dict) and entry.get("Type") == "tree":
            continue
        path = entry.get("Path") if isinstance(entry, dict) else None
        size = entry.get("Size") if isinstance(entry, dict) else None
        if not _plausible_path(path) or type(size) is not int or size < 0:
            unreadable += 1
            continue
        digest = entry.get("Sha256")
        digest = digest.lower() if isinstance(digest, str) else None
        files[path] = FileInfo(size, sha256=digest if digest and _SHA256.fullmatch(digest) else None)
    return files, unreadable


def _plausible_path(path: object) -> TypeGuard[str]:
    return isinstance(path, str) and bool(path) and not path.startswith("/") and "\0" not in path


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "on", "yes", "true")

