"""The ModelScope fake: the ``/api/v1`` routes the modelscope SDK (legacy and modelscope_hub) reads.

Answers use ModelScope's envelope ``{"Code", "Data", "Message", "RequestId", "Success"}``; the token is
accepted as the ``m_session_id`` cookie or a Bearer header, as the SDKs send it. Whether the real server
resolves a commit SHA passed as ``Revision=`` is not documented, so ``accepts_sha_revisions`` switches
between both behaviours. With ``storage`` set, LFS files are served as a 302 to that second server, the
way ModelScope hands large files to object storage.
"""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

from tests.fakehub.base import HttpFailure, LoopbackServer, Reply, Request, bytes_reply, json_reply
from tests.fakehub.repos import Commit, FakeRepo, RepoStore, StoredFile

_KINDS = {"models": "model", "datasets": "dataset"}
_COMMITTED = 1_700_000_000
_SHA = re.compile(r"[0-9a-f]{40}")


def ms_error(status: int, message: str) -> HttpFailure:
    body = {"Code": status, "Data": None, "Message": message, "RequestId": "fake-request", "Success": False}
    return HttpFailure(json_reply(body, status))


def envelope(data: Any) -> Reply:
    return json_reply({"Code": 200, "Data": data, "Message": "success", "RequestId": "fake-request", "Success": True})


class BlobStorage(LoopbackServer):
    """Object storage behind ModelScope's redirects: blobs by SHA-256, with Range, no credentials needed."""

    def __init__(self) -> None:
        super().__init__()
        self.blobs: dict[str, bytes] = {}

    def route(self, request: Request) -> Reply:
        if request.segments[:1] == ["oss"] and len(request.segments) == 2 and request.segments[1] in self.blobs:
            return bytes_reply(self.blobs[request.segments[1]], request, {"Accept-Ranges": "bytes"})
        raise HttpFailure(Reply(404, {}, b"NoSuchKey"))


class FakeModelScope(RepoStore, LoopbackServer):
    """``with FakeModelScope() as ms: ms.add_repo("owner/name", files)``; the default branch is ``master``."""

    default_branch = "master"

    def __init__(self, *, accepts_sha_revisions: bool = True, storage: BlobStorage | None = None) -> None:
        LoopbackServer.__init__(self)
        RepoStore.__init__(self)
        self.accepts_sha_revisions = accepts_sha_revisions
        self.storage = storage
        self.valid_tokens: set[str] = set()
        self.dataset_page_limit = 100  # the most entries one dataset-tree page returns, whatever is asked

    def __enter__(self) -> FakeModelScope:
        super().__enter__()
        return self

    def dataset_id(self, repo_id: str) -> int:
        return 1000 + sorted(key[1] for key in self._repos if key[0] == "dataset").index(repo_id)

    # routing ---------------------------------------------------------------------------------
    def route(self, request: Request) -> Reply:
        segments = [urllib.parse.unquote(s) for s in request.segments]
        if segments[:2] != ["api", "v1"] or len(segments) < 4 or segments[2] not in _KINDS:
            raise ms_error(404, "Not Found")
        repo_type = _KINDS[segments[2]]
        if repo_type == "dataset" and segments[3].isdigit() and segments[4:] == ["repo", "tree"]:
            return self._dataset_tree(request, int(segments[3]))
        if len(segments) < 5:
            raise ms_error(404, "Not Found")
        repo = self._find(repo_type, f"{segments[3]}/{segments[4]}", request)
        rest = segments[5:]
        if not rest:
            return envelope(self._info(repo))
        if rest == ["commits"]:
            return self._commits(repo, request)
        if rest == ["revisions"]:
            return envelope({"RevisionMap": self._revision_map(repo)})
        if rest == ["repo", "files"] and repo_type == "model":
            commit = self._listed_commit(repo, request.query)
            return envelope({"Files": self._entries(commit, _flag(request.query, "Recursive"))})
        if rest == ["repo"]:
            return self._download(repo, request)
        raise ms_error(404, "Not Found")

    def _find(self, repo_type: str, repo_id: str, request: Request) -> FakeRepo:
        with self._repos_lock:
            repo = self._repos.get((repo_type, repo_id))
        if repo is None:
            raise ms_error(404, f"{repo_type} {repo_id} does not exist")
        if repo.private and _token(request) not in self.valid_tokens:
            raise ms_error(403, "no permission to access the repository")
        return repo

    def _info(self, repo: FakeRepo) -> dict[str, Any]:
        name = repo.repo_id.split("/")[1]
        info: dict[str, Any] = {"Name": name, "Visibility": 1 if repo.private else 5, "LastUpdatedTime": _COMMITTED}
        if repo.repo_type == "dataset":
            return info | {"Id": self.dataset_id(repo.repo_id), "Namespace": repo.repo_id.split("/")[0], "Type": 4}
        return info | {"Id": 42, "Path": repo.repo_id.split("/")[0], "Revision": self.default_branch, "Tasks": []}

    def _commits(self, repo: FakeRepo, request: Request) -> Reply:
        ref = request.query.get("Ref", [self.default_branch])[0]
        commit = repo.resolve(ref)
        if commit is None:
            raise ms_error(404, f"ref {ref} not found")
        page = int(request.query.get("PageNumber", ["1"])[0])
        size = int(request.query.get("PageSize", ["50"])[0])
        history = repo.history(commit)
        listed = history[(page - 1) * size : page * size]
        return envelope({"Commit": [_commit_json(c) for c in listed], "TotalCount": len(history)})

    def _revision_map(self, repo: FakeRepo) -> dict[str, Any]:
        entries = [{"Revision": name, "CreatedAt": _COMMITTED} for name in sorted(repo.refs)]
        branches = [entry for entry in entries if entry["Revision"] == self.default_branch]
        return {"Branches": branches, "Tags": [entry for entry in entries if entry not in branches]}

    def _listed_commit(self, repo: FakeRepo, query: dict[str, list[str]]) -> Commit:
        revision = query.get("Revision", [self.default_branch])[0]
        commit = repo.resolve(revision)
        if commit is None or (_SHA.fullmatch(revision) and not self.accepts_sha_revisions):
            raise ms_error(404, f"revision {revision} not found")
        return commit

    def _entries(self, commit: Commit, recursive: bool) -> list[dict[str, Any]]:
        entries = [_file_json(stored, commit) for path, stored in sorted(commit.files.items())]
        directories = sorted({path.rsplit("/", 1)[0] for path in commit.files if "/" in path})
        entries += [{"Name": d.rsplit("/", 1)[-1], "Path": d, "Type": "tree", "Size": 0} for d in directories]
        if not recursive:
            entries = [entry for entry in entries if "/" not in entry["Path"]]
        return entries

    def _dataset_tree(self, request: Request, dataset_id: int) -> Reply:
        with self._repos_lock:
            repos = [repo for key, repo in self._repos.items() if key[0] == "dataset"]
        repo = next((r for r in repos if self.dataset_id(r.repo_id) == dataset_id), None)
        if repo is None:
            raise ms_error(404, f"dataset {dataset_id} does not exist")
        if repo.private and _token(request) not in self.valid_tokens:
            raise ms_error(403, "no permission to access the dataset")
        commit = self._listed_commit(repo, request.query)
        page = int(request.query.get("PageNumber", ["1"])[0])
        size = min(int(request.query.get("PageSize", ["100"])[0]), self.dataset_page_limit)
        entries = self._entries(commit, _flag(request.query, "Recursive"))
        return envelope({"Files": entries[(page - 1) * size : page * size]})

    def _download(self, repo: FakeRepo, request: Request) -> Reply:
        commit = self._listed_commit(repo, request.query)
        path = request.query.get("FilePath", [""])[0]
        stored = commit.files.get(path)
        if stored is None:
            raise ms_error(404, f"file {path} does not exist")
        if stored.is_lfs and self.storage is not None:
            self.storage.blobs[stored.sha256] = stored.content
            return Reply(302, {"Location": f"{self.storage.url}/oss/{stored.sha256}?Expires=9999999999"})
        headers = {"Accept-Ranges": "bytes", "Content-Type": "application/octet-stream"}
        return bytes_reply(stored.content, request, headers)


def _commit_json(commit: Commit) -> dict[str, Any]:
    return {
        "Id": commit.sha,
        "ShortId": commit.sha[:8],
        "Title": "update",
        "Message": "update",
        "AuthorName": "fake",
        "AuthorEmail": "fake@example.invalid",
        "AuthoredDate": _COMMITTED,
        "CommitterName": "fake",
        "CommitterEmail": "fake@example.invalid",
        "CommittedDate": _COMMITTED,
        "CreatedAt": _COMMITTED,
    }


def _file_json(stored: StoredFile, commit: Commit) -> dict[str, Any]:
    return {
        "CommitMessage": "update",
        "CommittedDate": _COMMITTED,
        "CommitterName": "fake",
        "InCheck": False,
        "IsLFS": stored.is_lfs,
        "Mode": "33188",
        "Name": stored.path.rsplit("/", 1)[-1],
        "Path": stored.path,
        "Revision": commit.sha,
        "Sha256": stored.sha256,
        "Size": stored.size,
        "Type": "blob",
    }


def _token(request: Request) -> str | None:
    for part in request.headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == "m_session_id":
            return value
    return request.bearer()


def _flag(query: dict[str, list[str]], name: str) -> bool:
    """The SDK sends Python's ``str(bool)``: ``True``/``False``."""
    return query.get(name, ["False"])[0].lower() == "true"
