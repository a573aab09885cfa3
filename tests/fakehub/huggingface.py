"""The Hugging Face fake: the parts of the Hub API huggingface_hub (and hubguard) call, on ``LoopbackServer``."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from tests.fakehub.base import HttpFailure, LoopbackServer, Reply, Request, bytes_reply, json_reply
from tests.fakehub.repos import Commit, FakeRepo, RepoStore, StoredFile

_API_TYPES = {"models": "model", "datasets": "dataset", "spaces": "space"}
_LAST_MODIFIED = "2024-01-01T00:00:00.000Z"
_UNSCANNED = {
    "status": "unscanned",
    "avScan": {"status": "unscanned", "virusNames": None},
    "pickleImportScan": {"status": "unscanned", "pickleImports": []},
}


def hub_error(status: int, code: str | None, message: str) -> HttpFailure:
    """An error the way the Hub sends it: X-Error-Code / X-Error-Message headers and a JSON body."""
    headers = {"X-Error-Message": message} | ({"X-Error-Code": code} if code else {})
    return HttpFailure(json_reply({"error": message}, status, headers))


class FakeHub(RepoStore, LoopbackServer):
    """``with FakeHub() as hub: hub.add_repo(...); HfApi(endpoint=hub.url)...``"""

    def __init__(self, page_size: int = 50, prefix: str = "") -> None:
        LoopbackServer.__init__(self)
        RepoStore.__init__(self)
        self.page_size = page_size
        self.prefix = prefix  # routes under /{prefix}/..., as CSGHub serves the Hub's API under /hf
        self.valid_tokens: set[str] = set()

    def __enter__(self) -> FakeHub:
        super().__enter__()
        return self

    # routing ---------------------------------------------------------------------------------
    def route(self, request: Request) -> Reply:
        segments = request.segments
        if self.prefix:
            if segments[:1] != [self.prefix]:
                raise hub_error(404, None, "Not Found")
            segments = segments[1:]
        token = request.bearer()
        if segments[0] == "api" and len(segments) >= 3 and segments[1] in _API_TYPES:
            return self._api(request, _API_TYPES[segments[1]], segments[2:], token)
        if "resolve" in segments[:4] and request.method in ("GET", "HEAD"):
            repo_type = "model"
            if segments[0] in ("datasets", "spaces"):
                repo_type, segments = _API_TYPES[segments[0]], segments[1:]
            return self._resolve(request, repo_type, segments, token)
        raise hub_error(404, None, "Not Found")

    def _find(self, repo_type: str, segments: list[str], token: str | None) -> tuple[FakeRepo, list[str]]:
        for width in (2, 1):
            key = (repo_type, "/".join(urllib.parse.unquote(s) for s in segments[:width]))
            repo = self._repos.get(key)
            if repo is not None and len(segments) >= width:
                if repo.private and token not in self.valid_tokens:
                    break
                return repo, segments[width:]
        raise hub_error(401 if token is None else 404, "RepoNotFound", "Repository not found")

    def _commit(self, repo: FakeRepo, quoted_revision: str) -> Commit:
        commit = repo.resolve(urllib.parse.unquote(quoted_revision))
        if commit is None:
            raise hub_error(404, "RevisionNotFound", "Invalid rev id")
        return commit

    def _api(self, request: Request, repo_type: str, segments: list[str], token: str | None) -> Reply:
        repo, rest = self._find(repo_type, segments, token)
        method, query = request.method, request.query
        if method == "GET" and not rest:
            return json_reply(self._info(repo, self._commit(repo, "main"), query))
        if method == "GET" and len(rest) == 2 and rest[0] == "revision":
            return json_reply(self._info(repo, self._commit(repo, rest[1]), query))
        if method == "GET" and len(rest) >= 2 and rest[0] == "tree":
            prefix = urllib.parse.unquote("/".join(rest[2:]))
            return self._tree(repo, self._commit(repo, rest[1]), prefix, query, request.headers)
        if method == "POST" and len(rest) == 2 and rest[0] == "paths-info":
            commit = self._commit(repo, rest[1])
            paths, expand = _paths_info_request(request.headers, request.body)
            items = [_tree_item(repo, commit, p, expand) for p in paths if p in commit.files or _is_dir(commit, p)]
            return json_reply(items)
        raise hub_error(404, None, "Not Found")

    def _info(self, repo: FakeRepo, commit: Commit, query: dict[str, list[str]]) -> dict[str, Any]:
        blobs = _flag(query, "blobs")
        info: dict[str, Any] = {
            "_id": commit.sha[:24],
            "id": repo.repo_id,
            "sha": commit.sha,
            "private": repo.private,
            "gated": "manual" if repo.gated else False,
            "disabled": False,
            "tags": [],
            "lastModified": _LAST_MODIFIED,
            "siblings": [_sibling(f, blobs) for _, f in sorted(commit.files.items())],
        }
        if repo.repo_type == "model":
            info["modelId"] = repo.repo_id
        if _flag(query, "securityStatus"):
            info["securityRepoStatus"] = repo.security_status or {"scansDone": True, "filesWithIssues": []}
        return info

    def _tree(
        self, repo: FakeRepo, commit: Commit, prefix: str, query: dict[str, list[str]], headers: dict[str, str]
    ) -> Reply:
        recursive = _flag(query, "recursive")
        expand = _flag(query, "expand")
        if prefix and not _is_dir(commit, prefix):
            raise hub_error(404, "EntryNotFound", f"{prefix} does not exist")
        entries = sorted(_tree_paths(commit, prefix, recursive))
        start = int(query.get("cursor", ["0"])[0])
        page = entries[start : start + self.page_size]
        reply = json_reply([_tree_item(repo, commit, path, expand) for path in page])
        if start + self.page_size < len(entries):
            next_query = {key: values[0] for key, values in query.items()} | {"cursor": str(start + self.page_size)}
            url = f"http://{headers.get('host', '127.0.0.1')}/api/{repo.repo_type}s/{repo.repo_id}/tree/{commit.sha}"
            if prefix:
                url += "/" + urllib.parse.quote(prefix)
            reply.headers["Link"] = f'<{url}?{urllib.parse.urlencode(next_query)}>; rel="next"'
        return reply

    def _resolve(self, request: Request, repo_type: str, segments: list[str], token: str | None) -> Reply:
        at = segments.index("resolve")
        repo, _ = self._find(repo_type, segments[:at], token)
        if repo.gated and token not in self.valid_tokens:
            raise hub_error(401 if token is None else 403, "GatedRepo", "Access to this model is restricted")
        if len(segments) < at + 3:
            raise hub_error(404, "EntryNotFound", "Entry not found")
        commit = self._commit(repo, segments[at + 1])
        path = urllib.parse.unquote("/".join(segments[at + 2 :]))
        stored = commit.files.get(path)
        if stored is None:
            raise hub_error(404, "EntryNotFound", f"{path} does not exist")
        return bytes_reply(stored.content, request, _file_headers(stored, commit.sha))


# helpers ---------------------------------------------------------------------------------------
def _sibling(stored: StoredFile, blobs: bool) -> dict[str, Any]:
    item: dict[str, Any] = {"rfilename": stored.path}
    if blobs:
        item |= {"size": stored.size, "blobId": stored.blob_id}
        if stored.is_lfs:
            item["lfs"] = {"sha256": stored.etag, "size": stored.size, "pointerSize": 134}
    return item


def _is_dir(commit: Commit, prefix: str) -> bool:
    return any(path.startswith(prefix.rstrip("/") + "/") for path in commit.files)


def _tree_paths(commit: Commit, prefix: str, recursive: bool) -> set[str]:
    base = prefix.rstrip("/") + "/" if prefix else ""
    paths: set[str] = set()
    for path in commit.files:
        if not path.startswith(base):
            continue
        parts = path[len(base) :].split("/")
        depth = len(parts) if recursive else 1
        for i in range(1, depth + 1):
            paths.add(base + "/".join(parts[:i]))
    return paths


def _tree_item(repo: FakeRepo, commit: Commit, path: str, expand: bool) -> dict[str, Any]:
    stored = commit.files.get(path)
    item: dict[str, Any]
    if stored is None:
        item = {"type": "directory", "oid": "0" * 40, "path": path}
    else:
        item = {"type": "file", "oid": stored.blob_id, "size": stored.size, "path": path}
        if stored.is_lfs:
            item["lfs"] = {"oid": stored.etag, "size": stored.size, "pointerSize": 134}
        if expand:
            item["securityFileStatus"] = _UNSCANNED | repo.file_security.get(path, {})
    if expand:
        item["lastCommit"] = {"id": commit.sha, "title": "commit", "date": _LAST_MODIFIED}
    return item


def _paths_info_request(headers: dict[str, str], body: bytes) -> tuple[list[str], bool]:
    if headers.get("content-type", "").startswith("application/json"):
        payload = json.loads(body or b"{}")
        return list(payload.get("paths", [])), bool(payload.get("expand", False))
    form = urllib.parse.parse_qs(body.decode())
    return form.get("paths", []), form.get("expand", ["false"])[0].lower() == "true"


def _file_headers(stored: StoredFile, sha: str) -> dict[str, str]:
    headers = {
        "ETag": f'"{stored.blob_id}"',
        "X-Repo-Commit": sha,
        "Accept-Ranges": "bytes",
        "Content-Type": "application/octet-stream",
    }
    if stored.is_lfs:
        headers["X-Linked-Etag"] = f'"{stored.etag}"'
        headers["X-Linked-Size"] = str(stored.size)
    return headers


def _flag(query: dict[str, list[str]], name: str) -> bool:
    """A boolean query parameter as the Hub reads it: ``true`` in any case (requests sends ``True``)."""
    return query.get(name, ["false"])[0].lower() == "true"
