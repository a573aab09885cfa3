"""PyTorch Hub: ``torch.hub.load("owner/repo[:ref]")`` resolved the way torch resolves it, read through GitHub's API.

torch downloads ``github.com/{owner}/{repo}/zipball/{ref}`` and imports ``hubconf.py`` with the repository first
on ``sys.path``. Without a ref it takes ``main`` if that branch exists, else ``master``; a name that is both a
branch and a tag is the branch (torch retries with ``refs/heads/`` when GitHub answers 300). Here the ref
becomes a commit SHA through ``GET /repos/{o}/{r}/commits/refs/heads/{ref}`` (then ``/commits/{ref}`` for tags
and SHAs), the file list comes from the tree at that SHA, and files are read through the contents API at the
SHA, each checked against its git blob SHA-1. Nothing is cloned or unzipped.

``GITHUB_API_URL`` (default ``https://api.github.com``; GitHub Enterprise Server: ``https://host/api/v3``) and
``GITHUB_TOKEN`` are honoured; the token is sent to the API origin only and never shown. A renamed or
transferred repository (the API answers 301 to ``/repositories/{id}``) is reported as missing: its old name is
free for anyone to register. GitHub's rate limits are honoured: a spent budget stops further requests until
the reset time, which the report states.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

from hubguard.hub.errors import (
    AccessDenied,
    EntryNotFound,
    HubError,
    Offline,
    RateLimited,
    RepoMoved,
    RepoNotFound,
    RevisionNotFound,
    TooLarge,
    Unavailable,
)
from hubguard.hub.http import MAX_METADATA_BYTES, HttpClient, HttpResponse, default_status_error
from hubguard.hub.readers import HttpReader
from hubguard.hub.repo_ids import InvalidReference, validate_revision
from hubguard.hub.resolver import RepoReader, ResolverContext
from hubguard.hub.snapshot import FileInfo, RepoSnapshot
from hubguard.hub.transport import Deadline, RetryableError, retry_after
from hubguard.revisions import is_commit_sha

HUB = "torchhub"
REPO_TYPE = "github"
DEFAULT_API_URL = "https://api.github.com"
DEFAULT_BRANCHES = ("main", "master")  # torch.hub's choice when the reference names no ref
TOKEN_FIX = "set GITHUB_TOKEN (5,000 requests an hour instead of 60)"
_OWNER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_-]{0,38})")
_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")
_TOKEN = re.compile(r"[\x21-\x7e]{1,1024}")  # printable ASCII: anything else cannot go in a header
_MOVED = re.compile(r"/repositories/(\d{1,20})(?:/|$)")
_MAX_ERROR_BODY = 4096
_MODE_SYMLINK = "120000"
_JSON_MEDIA = "application/vnd.github+json"
_SHA_MEDIA = "application/vnd.github.sha"
_RAW_MEDIA = "application/vnd.github.raw"
T = TypeVar("T")


def default_api_url() -> str:
    return (os.environ.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")


def web_server_url(api_url: str) -> str:
    """Where blob pages live: ``GITHUB_SERVER_URL``, else github.com for the public API, else the API's host."""
    explicit = os.environ.get("GITHUB_SERVER_URL")
    if explicit:
        return explicit.rstrip("/")
    if api_url == DEFAULT_API_URL:
        return "https://github.com"
    return api_url.removesuffix("/api/v3")


def github_token() -> str | None:
    token = (os.environ.get("GITHUB_TOKEN") or "").strip()
    return token if _TOKEN.fullmatch(token) else None


def validate_github_repo(repo_id: str) -> str:
    """``owner/repo`` as torch.hub splits it (exactly one ``/``) and as GitHub allows the two names."""
    shown = repr(repo_id)[:80]
    owner, slash, name = repo_id.partition("/")
    if not slash or not _OWNER.fullmatch(owner) or not _NAME.fullmatch(name) or name in (".", ".."):
        raise InvalidReference(f"{shown} is not a GitHub owner/repo")
    return repo_id


class _Redirected(HubError):
    """The API redirected to ``/repositories/{id}``: the repository was renamed or transferred."""

    def __init__(self, repository_id: str) -> None:
        super().__init__(f"redirected to repository {repository_id}")
        self.repository_id = repository_id


class GitHubApi:
    """GitHub's REST API at one URL, with one token: refs, trees and contents; a ``FileHost`` for ``HttpReader``.

    Answers are remembered for the run: two references to one repository and ref cost one request.
    """

    def __init__(self, http: HttpClient, api_url: str, server_url: str, token: str | None) -> None:
        self.http = http
        self.api_url = api_url.rstrip("/")
        self.server_url = server_url.rstrip("/")
        self._token = token
        self._lock = threading.Lock()
        self._answers: dict[tuple[str, str, str | None], Any] = {}  # commit SHAs, trees and files of the run
        self._gates: dict[tuple[str, str, str | None], threading.Lock] = {}
        self._spent_until: float | None = None  # the rate limit's reset time once a 403/429 said it is used up

    def __repr__(self) -> str:  # never show the token
        return f"GitHubApi({self.api_url!r}, token={'set' if self._token else 'unset'})"

    def snapshot(self, repo_id: str, ref: str | None, deadline: Deadline) -> RepoSnapshot:
        sha = self.resolve(repo_id, ref, deadline)
        files, truncated = self.tree(repo_id, sha, deadline)
        partial = None
        if truncated:
            partial = Unavailable(
                f"GitHub truncated the file list of {repo_id} (over 100,000 entries or 7 MB): modules hubconf.py "
                "imports may be missing from the scan",
                "review the repository's code by hand",
            )
        return RepoSnapshot(HUB, REPO_TYPE, repo_id, ref, sha, files, partial=partial)

    def resolve(self, repo_id: str, ref: str | None, deadline: Deadline) -> str:
        """The commit torch.hub would download: branch before tag, ``main`` before ``master`` when unnamed."""
        return self.once(("commit", repo_id.lower(), ref), lambda: self._resolve(repo_id, ref, deadline))

    def tree(self, repo_id: str, sha: str, deadline: Deadline) -> tuple[dict[str, FileInfo], bool]:
        """Every regular file at ``sha`` with its size and blob SHA-1, and whether GitHub truncated the list."""
        return self.once(("tree", repo_id.lower(), sha), lambda: self._tree(repo_id, sha, deadline))

    def once(self, key: tuple[str, str, str | None], compute: Callable[[], T]) -> T:
        """One request per key and run (commits, trees, files), even when several references ask at once."""
        with self._lock:
            if key in self._answers:
                return self._answers[key]  # type: ignore[no-any-return]
            gate = self._gates.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                if key in self._answers:
                    return self._answers[key]  # type: ignore[no-any-return]
            answer = compute()  # a failure is not remembered: the next reference asks again
            with self._lock:
                self._answers[key] = answer
            return answer

    def _resolve(self, repo_id: str, ref: str | None, deadline: Deadline) -> str:
        if ref is None:
            branches = (self._branch(repo_id, name, deadline) for name in DEFAULT_BRANCHES)
            sha = next((found for found in branches if found is not None), None)
            if sha is None:
                raise RevisionNotFound(
                    f"{repo_id} has neither a main nor a master branch, so torch.hub.load without a ref fails",
                    "name the ref after ':' (owner/repo:<commit sha>)",
                )
            return sha
        if is_commit_sha(ref):
            return self._at(repo_id, ref, deadline)
        return self._branch(repo_id, ref, deadline) or self._at(repo_id, ref, deadline)  # else a tag or short SHA

    def _tree(self, repo_id: str, sha: str, deadline: Deadline) -> tuple[dict[str, FileInfo], bool]:
        url = f"{self._repo_url(repo_id)}/git/trees/{sha}?recursive=1"
        body = self._api(repo_id, url, f"{repo_id} file list at {sha[:12]}", _JSON_MEDIA, deadline, MAX_METADATA_BYTES)
        try:
            answer = json.loads(body)
        except (ValueError, RecursionError):
            raise Unavailable(f"{repo_id}: GitHub sent a malformed file list") from None
        entries = answer.get("tree") if isinstance(answer, dict) else None
        if not isinstance(entries, list):
            raise Unavailable(f"{repo_id}: GitHub's file list has no tree")
        files = dict(blob for blob in map(_blob, entries) if blob is not None)
        return files, answer.get("truncated") is True

    def _branch(self, repo_id: str, name: str, deadline: Deadline) -> str | None:
        try:
            return self._at(repo_id, f"refs/heads/{name}", deadline)
        except RevisionNotFound:
            return None

    def _at(self, repo_id: str, ref: str, deadline: Deadline) -> str:
        """The commit SHA of ``ref``: one request, the SHA media type answering the bare 40 hex digits."""
        url = f"{self._repo_url(repo_id)}/commits/{quote(ref, safe='')}"
        what = f"{repo_id}:{ref.removeprefix('refs/heads/')}"
        sha = self._api(repo_id, url, what, _SHA_MEDIA, deadline, 1024).decode("ascii", errors="replace").strip()
        if not is_commit_sha(sha):
            raise Unavailable(f"{what}: GitHub's answer is not a commit SHA")
        return sha

    # requests ------------------------------------------------------------------------------------
    def _repo_url(self, repo_id: str) -> str:
        owner, name = repo_id.split("/")
        return f"{self.api_url}/repos/{quote(owner)}/{quote(name)}"

    def _api(self, repo_id: str, url: str, what: str, accept: str, deadline: Deadline, max_bytes: int) -> bytes:
        self._check_budget(what)
        try:
            return self._get(url, what, accept, deadline, max_bytes)
        except _Redirected as moved:
            raise self._moved(repo_id, moved.repository_id, deadline) from None

    def _get(self, url: str, what: str, accept: str, deadline: Deadline, max_bytes: int) -> bytes:
        return self.http.fetch(
            url,
            what=what,
            deadline=deadline,
            max_bytes=max_bytes,
            headers=self._headers(accept),
            status_error=self.status_error,
            redirect_guard=_refuse_moves,
        )

    def _moved(self, repo_id: str, repository_id: str, deadline: Deadline) -> RepoMoved:
        """The rename is the finding; the new name (one more request) tells the user where to point instead."""
        new_name = None
        try:
            url = f"{self.api_url}/repositories/{repository_id}"
            answer = json.loads(self._get(url, f"{repo_id}: new name", _JSON_MEDIA, deadline, 1024 * 1024))
            full_name = answer.get("full_name") if isinstance(answer, dict) else None
            new_name = validate_github_repo(full_name) if isinstance(full_name, str) else None
        except (HubError, InvalidReference, ValueError, RecursionError):
            pass
        where = f"GitHub redirects {repo_id} to {new_name}" if new_name else f"GitHub redirects {repo_id} elsewhere"
        fix = f"point the reference at {new_name}:<commit sha>" if new_name else "point it at the repository's new name"
        return RepoMoved(f"{where}: the repository was renamed or transferred", new_name, fix)

    def _headers(self, accept: str) -> dict[str, str]:
        headers = {"Accept": accept, "X-GitHub-Api-Version": "2022-11-28"}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        return headers

    def _check_budget(self, what: str) -> None:
        with self._lock:
            until = self._spent_until
        if until is not None and time.time() < until:
            raise RateLimited(f"{what}: not requested, GitHub's rate limit is used up until {_clock(until)}",
                              self._rate_fix(until))

    def _rate_fix(self, until: float) -> str:
        later = f"re-run after {_clock(until)}"
        return later if self._token else f"{TOKEN_FIX}, or {later}"

    # FileHost ------------------------------------------------------------------------------------
    def download_url(self, snapshot: RepoSnapshot, path: str) -> str:
        return f"{self._repo_url(snapshot.repo_id)}/contents/{quote(path)}?ref={snapshot.sha}"

    def web_url(self, snapshot: RepoSnapshot, path: str) -> str:
        return f"{self.server_url}/{snapshot.repo_id}/blob/{snapshot.sha}/{quote(path)}"

    def auth_headers(self) -> dict[str, str]:
        """Headers for file reads: the raw media type, and the token (dropped on redirects to other origins)."""
        return self._headers(_RAW_MEDIA)

    def status_error(self, response: HttpResponse, what: str) -> HubError:
        status = response.status
        if status in (403, 429) and response.headers.get("x-ratelimit-remaining", "").strip() == "0":
            return self._spent(response, what)
        if status in (403, 429) and ("retry-after" in response.headers or "rate limit" in _error_message(response)):
            wait = retry_after(response.headers)
            wait = 60.0 if wait is None else wait  # GitHub: without a hint, wait at least a minute
            limited = RateLimited(f"{what}: GitHub's secondary rate limit (HTTP {status}) asks to wait {wait:.0f} s")
            limited.fix = "re-run in a few minutes" + ("" if self._token else f", or {TOKEN_FIX}")
            return RetryableError(limited, wait)
        if status == 401:
            return AccessDenied(f"{what}: GitHub refused the token (HTTP 401)", "check GITHUB_TOKEN")
        if status == 404 and "/contents/" in urlsplit(response.url).path:
            return EntryNotFound(f"{what}: not in the repository at that commit")
        if status == 404:
            fix = "fix the owner/repo name (or set GITHUB_TOKEN if the repository is private)"
            return RepoNotFound(f"{what}: no such GitHub repository (or it is private)", fix)
        if status == 422:
            return RevisionNotFound(f"{what}: no such branch, tag or commit")
        if status == 300:
            return Unavailable(f"{what}: GitHub says the name is ambiguous (HTTP 300)", "name a commit SHA")
        error = default_status_error(response, what)
        inner = error.error if isinstance(error, RetryableError) else error
        if isinstance(inner, AccessDenied):
            inner.fix = "check that GITHUB_TOKEN can read the repository"
        return error

    def _spent(self, response: HttpResponse, what: str) -> HubError:
        wait = retry_after(response.headers)  # X-RateLimit-Reset, or Retry-After when GitHub sends one
        until = time.time() + (60.0 if wait is None else min(wait, 3600.0))  # the window is an hour at most
        with self._lock:
            self._spent_until = max(self._spent_until or 0.0, until)
        limit = response.headers.get("x-ratelimit-limit", "").strip()
        per_hour = f" ({limit} requests an hour{'' if self._token else ' without a token'})" if limit.isdigit() else ""
        error = RateLimited(f"{what}: GitHub's API rate limit{per_hour} is used up until {_clock(until)}",
                            self._rate_fix(until))
        return RetryableError(error, max(until - time.time(), 0.0))


class GitHubResolver:
    def __init__(self, api: GitHubApi, offline: bool) -> None:
        self.api = api
        self.offline = offline

    @classmethod
    def create(cls, context: ResolverContext) -> GitHubResolver:
        api_url = (context.endpoints.get(HUB) or default_api_url()).rstrip("/")
        token = context.tokens.get(HUB) or github_token()
        return cls(GitHubApi(context.http, api_url, web_server_url(api_url), token), context.offline)

    def validate(self, repo_type: str, repo_id: str, revision: str | None) -> None:
        if repo_type != REPO_TYPE:
            raise InvalidReference(f"repository type {repo_type!r:.40} is not {REPO_TYPE!r}")
        validate_github_repo(repo_id)
        if revision is not None:
            validate_revision(revision)

    def open(self, repo_type: str, repo_id: str, revision: str | None, deadline: Deadline) -> RepoReader:
        self.validate(repo_type, repo_id, revision)
        if self.offline:
            raise Offline("offline mode: GitHub was not contacted", "run without --offline")
        snapshot = self.api.snapshot(repo_id, revision, deadline)
        return GitHubReader(self.api.http, self.api, snapshot, deadline)


class GitHubReader(HttpReader):
    """Reads each file at a commit once per run, whichever reference asks for it: every read costs rate limit."""

    def __init__(self, http: HttpClient, api: GitHubApi, snapshot: RepoSnapshot, deadline: Deadline) -> None:
        super().__init__(http, api, snapshot, deadline)
        self._api = api

    def read_bytes(self, path: str, max_bytes: int) -> bytes:
        key = ("file", self.snapshot.repo_id.lower(), f"{self.snapshot.sha}/{path}")
        fetch = super().read_bytes
        data = self._api.once(key, lambda: fetch(path, max_bytes))
        if len(data) > max_bytes:
            raise TooLarge(f"{self.snapshot.repo_id}/{path}: more than the {max_bytes}-byte cap")
        return data


def _refuse_moves(target: str) -> None:
    match = _MOVED.search(urlsplit(target).path)
    if match is not None:
        raise _Redirected(match[1])


def _blob(entry: Any) -> tuple[str, FileInfo] | None:
    """A regular file of a recursive tree listing (symlinks and submodules are not files torch would run)."""
    if not isinstance(entry, dict) or entry.get("type") != "blob" or entry.get("mode") == _MODE_SYMLINK:
        return None
    path, size, blob_id = entry.get("path"), entry.get("size"), entry.get("sha")
    if not isinstance(path, str) or not _safe_path(path) or type(size) is not int or size < 0:
        return None  # git refuses such paths; a server sending them must not steer a request elsewhere
    return path, FileInfo(size, blob_id if is_commit_sha(blob_id) else None)


def _safe_path(path: str) -> bool:
    """No empty, ``.`` or ``..`` segment (nor a leading ``/``): quoted into a contents URL, it stays in the repo."""
    return all(part not in ("", ".", "..") for part in path.split("/"))


def _error_message(response: HttpResponse) -> str:
    """GitHub's ``message`` (lower case) from a small JSON error body; '' when there is none or it is unreadable."""
    try:
        payload = json.loads(response.read(_MAX_ERROR_BODY))
    except (HubError, ValueError, RecursionError):
        return ""
    message = payload.get("message") if isinstance(payload, dict) else None
    return message.lower() if isinstance(message, str) else ""


def _clock(epoch: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(epoch))
