"""OpenCSG (CSGHub): the Hugging Face resolver against CSGHub's Hub-compatible routes.

CSGHub serves the Hub's ``/api/{type}s/{id}/revision/{ref}`` and ``/{id}/resolve/{ref}/{path}`` under three
namespaces, which pycsghub's ``source=`` picks: ``/csg`` (CSGHub's own repositories, the default), ``/hf`` and
``/ms`` (its mirrors of Hugging Face and ModelScope repositories, by their upstream names; the server maps a
name to its mirror and ``main``/``master`` to the mirror's default branch). Each namespace is a hub name of
its own here: ``opencsg``, ``opencsg:hf``, ``opencsg:ms``.

The endpoint is ``CSGHUB_DOMAIN`` (default https://hub.opencsg.com); the token is ``CSGHUB_TOKEN``, else the
file pycsghub reads (``CSGHUB_TOKEN_PATH``, default ``$CSGHUB_HOME/token``, ``CSGHUB_HOME`` default ``/home``),
sent as a Bearer header. A reference without a revision is read at ``main``, as pycsghub asks for it.
pycsghub downloads every file by the revision *name* and checks no hash; hubguard reads each file at the
resolved commit and checks the listed git blob SHA-1 or LFS SHA-256. Whether CSGHub serves a file at a
commit SHA is not documented: if it refuses, files are read at the revision name and the hashes prove they
are the listed ones.

CSGHub answers a missing repository with HTTP 500 and ``{"code": "SYS-ERR-3"}`` (no database row) and a
private one without access with 500 ``AUTH-ERR-*``; those codes are read, not retried as outages.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from hubguard.hub.errors import (
    AccessDenied,
    EntryNotFound,
    HubError,
    Offline,
    RepoNotFound,
    RevisionNotFound,
    Unavailable,
)
from hubguard.hub.http import HttpClient, HttpResponse
from hubguard.hub.huggingface import HuggingFaceApi
from hubguard.hub.outcome import printable
from hubguard.hub.readers import HttpReader
from hubguard.hub.repo_ids import validate_owner_name
from hubguard.hub.resolver import RepoReader, ResolverContext, ResolverFactory
from hubguard.hub.snapshot import RepoSnapshot
from hubguard.hub.transport import Deadline, RetryableError
from hubguard.inspectors.sources import ByteSource

HUB = "opencsg"
SOURCES = {HUB: "csg", f"{HUB}:hf": "hf", f"{HUB}:ms": "ms"}  # hub name -> CSGHub URL namespace
DEFAULT_DOMAIN = "https://hub.opencsg.com"
DEFAULT_REVISION = "main"
TOKEN_NAME = "CSGHUB_TOKEN"
_MISSING_ROW = "SYS-ERR-3"
_MAX_ERROR_BODY = 64 * 1024
_MAX_TOKEN_FILE = 4096


def csghub_domain() -> str:
    return (os.environ.get("CSGHUB_DOMAIN") or DEFAULT_DOMAIN).strip().rstrip("/")


def csghub_token() -> str | None:
    """pycsghub's token: CSGHUB_TOKEN, else the token file. Never logged or cached."""
    token = _clean(os.environ.get(TOKEN_NAME))
    if token is None:
        home = os.environ.get("CSGHUB_HOME") or "/home"
        path = Path(os.environ.get("CSGHUB_TOKEN_PATH") or os.path.join(home, "token"))
        try:
            with path.open("rb") as stream:
                token = _clean(stream.read(_MAX_TOKEN_FILE).decode("ascii"))
        except (OSError, UnicodeDecodeError):
            return None
    return token if token is not None and token.isprintable() and token.isascii() and " " not in token else None


class CsgHubApi(HuggingFaceApi):
    """One CSGHub namespace (``/csg``, ``/hf`` or ``/ms``) as a Hugging Face API, with CSGHub's errors and pages."""

    def __init__(self, http: HttpClient, domain: str, hub: str, token: str | None) -> None:
        super().__init__(http, f"{domain}/{SOURCES[hub]}", token, hub=hub, token_name=TOKEN_NAME)
        self.domain = domain
        self.source = SOURCES[hub]

    def web_url(self, snapshot: RepoSnapshot, path: str) -> str:
        """CSGHub's page of the file at the commit; a mirror's own name is not known, so its file URL instead."""
        if self.source != "csg":
            return self.download_url(snapshot, path)
        kind = {"model": "models", "dataset": "datasets"}[snapshot.repo_type]
        return f"{_portal(self.domain)}/{kind}/{snapshot.repo_id}/blob/{snapshot.sha}/{quote(path)}"

    def status_error(self, response: HttpResponse, what: str) -> HubError:
        code, message = _error_body(response) if response.status >= 500 else (None, None)
        repo_api = response.url.startswith(f"{self.endpoint}/api/")
        if code == _MISSING_ROW and repo_api:
            fix = f"fix the repository ID (CSGHub's {self.source} namespace), or provide {TOKEN_NAME} if it is private"
            return RepoNotFound(f"{what}: repository not found on CSGHub", fix)
        if code is not None and code.startswith("AUTH-ERR"):
            return AccessDenied(f"{what}: CSGHub refused access ({printable(code, limit=20)})", self.token_fix)
        error = super().status_error(response, what)
        if not message:
            return error
        inner = error.error if isinstance(error, RetryableError) else error
        said = type(inner)(f"{inner.reason}: {printable(message, limit=160)}", inner.fix)
        return RetryableError(said, error.retry_after) if isinstance(error, RetryableError) else said


class CsgHubResolver:
    def __init__(self, api: CsgHubApi, offline: bool) -> None:
        self.api = api
        self.offline = offline

    @classmethod
    def factory(cls, hub: str) -> ResolverFactory:
        def create(context: ResolverContext) -> CsgHubResolver:
            domain = (context.endpoints.get(HUB) or csghub_domain()).rstrip("/")
            token = context.tokens.get(HUB) or csghub_token()
            return cls(CsgHubApi(context.http, domain, hub, token), context.offline)

        return create

    def validate(self, repo_type: str, repo_id: str, revision: str | None) -> None:
        validate_owner_name(repo_type, repo_id, revision, hub="CSGHub", repo_types=("model", "dataset"))

    def open(self, repo_type: str, repo_id: str, revision: str | None, deadline: Deadline) -> RepoReader:
        self.validate(repo_type, repo_id, revision)
        if self.offline:
            raise Offline(
                f"{repo_id}@{revision or DEFAULT_REVISION}: offline, and pycsghub keeps no cache by commit",
                fix="run hubguard online",
            )
        snapshot = self.api.snapshot(repo_type, repo_id, revision or DEFAULT_REVISION, deadline)
        snapshot = dataclasses.replace(snapshot, requested_revision=revision)
        at_commit = HttpReader(self.api.http, self.api, snapshot, deadline)
        at_name = HttpReader(self.api.http, NamedRevision(self.api, revision or DEFAULT_REVISION), snapshot, deadline)
        return CommitFirstReader(at_commit, at_name)


@dataclasses.dataclass(frozen=True)
class NamedRevision:
    """Files at the revision name instead of the commit (a ``FileHost``); only hash-checked reads use it."""

    api: CsgHubApi
    revision: str

    def download_url(self, snapshot: RepoSnapshot, path: str) -> str:
        return self.api.download_url(dataclasses.replace(snapshot, sha=self.revision), path)

    def web_url(self, snapshot: RepoSnapshot, path: str) -> str:
        return self.api.web_url(snapshot, path)

    def auth_headers(self) -> dict[str, str]:
        return self.api.auth_headers()

    def status_error(self, response: HttpResponse, what: str) -> HubError:
        return self.api.status_error(response, what)


class CommitFirstReader:
    """Reads at the commit; once CSGHub refuses a commit SHA as a revision, at the revision name, whose bytes
    must match the hashes listed for the commit (a moved branch fails the check instead of passing)."""

    def __init__(self, at_commit: HttpReader, at_name: HttpReader) -> None:
        self.snapshot = at_commit.snapshot
        self._current = at_commit
        self._fallback: HttpReader | None = at_name

    def read_bytes(self, path: str, max_bytes: int) -> bytes:
        try:
            return self._current.read_bytes(path, max_bytes)
        except (RevisionNotFound, EntryNotFound, Unavailable):
            info = self.snapshot.files.get(path)
            if self._fallback is None or info is None or (info.blob_id is None and info.sha256 is None):
                raise
            self._current, self._fallback = self._fallback, None
            return self._current.read_bytes(path, max_bytes)

    def open_source(self, path: str) -> ByteSource:
        return self._current.open_source(path)

    def web_url(self, path: str) -> str:
        return self._current.web_url(path)


RESOLVERS: dict[str, ResolverFactory] = {hub: CsgHubResolver.factory(hub) for hub in SOURCES}


def _error_body(response: HttpResponse) -> tuple[str | None, str | None]:
    """CSGHub's error ``code`` and ``msg`` from a JSON error body, if there is a small one."""
    try:
        payload = json.loads(response.read(_MAX_ERROR_BODY))
    except (HubError, ValueError, RecursionError):
        return None, None
    if not isinstance(payload, dict):
        return None, None
    code, message = payload.get("code"), payload.get("msg")
    return (code if isinstance(code, str) else None), (message if isinstance(message, str) else None)


def _portal(domain: str) -> str:
    """The web portal of a CSGHub domain: pycsghub drops a leading ``hub.`` for non-API hosts."""
    parts = urlsplit(domain)
    host = parts.netloc[4:] if parts.netloc.startswith("hub.") else parts.netloc
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _clean(token: str | None) -> str | None:
    return (token or "").replace("\r", "").replace("\n", "").strip() or None
