"""The GitHub REST fake: what torch.hub references need (commits, trees, contents, renames, rate limits).

Shapes follow GitHub's REST API: ``GET /repos/{o}/{r}/commits/{ref}`` (the ``application/vnd.github.sha``
media type answers the bare SHA; an unknown ref is 422 "No commit found for SHA"), ``GET
/repos/{o}/{r}/git/trees/{sha}?recursive=1``, ``GET /repos/{o}/{r}/contents/{path}?ref=`` (JSON with base64
content, or the bytes with ``application/vnd.github.raw``), ``GET /repositories/{id}``. A renamed
repository answers 301 to its ``/repositories/{id}`` URL; a missing or private one 404; every answer
carries ``X-RateLimit-*`` and a budget can run out (403, remaining 0). ``prefix`` serves the API under a
path, as GitHub Enterprise Server does under ``/api/v3``.
"""

from __future__ import annotations

import base64
import hashlib
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any, Literal

from tests.fakehub.base import HttpFailure, LoopbackServer, Reply, Request, bytes_reply, json_reply
from tests.fakehub.repos import Commit, FakeRepo

_DOCS = "https://docs.github.com/rest"
_SHA_MEDIA = "application/vnd.github.sha"
_RAW_MEDIA = "application/vnd.github.raw"


def github_error(status: int, message: str, headers: dict[str, str] | None = None) -> HttpFailure:
    return HttpFailure(json_reply({"message": message, "documentation_url": _DOCS, "status": str(status)}, status,
                                  headers))


@dataclass
class GitHubRepo:
    full_name: str
    id: int
    private: bool = False
    store: FakeRepo = field(init=False)
    branches: dict[str, str] = field(default_factory=dict)  # name -> commit SHA
    tags: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.store = FakeRepo(self.full_name, "github")

    def commit(self, sha: str) -> Commit:
        return self.store.commits[sha]


class FakeGitHub(LoopbackServer):
    """``with FakeGitHub() as github: github.add_repo("owner/repo", {...}); GITHUB_API_URL=github.url``

    ``ambiguous``: how ``commits/{name}`` answers a name that is both a branch and a tag: like git's
    rev-parse (the tag) or with 300 Multiple Choices, as GitHub's archive endpoint does.
    ``rate_limit``: requests allowed without a valid token before 403s (None: unlimited).
    """

    def __init__(
        self,
        *,
        prefix: str = "",
        ambiguous: Literal["tag", "300"] = "tag",
        rate_limit: int | None = None,
        truncate_trees: bool = False,
    ) -> None:
        super().__init__()
        self.prefix = prefix.strip("/")
        self.ambiguous = ambiguous
        self.rate_limit = rate_limit
        self.truncate_trees = truncate_trees
        self.valid_tokens: set[str] = set()
        self.reset_at = int(time.time()) + 3600
        self._used = 0
        self._repos: dict[str, GitHubRepo] = {}  # lower-case full name -> repo (GitHub names ignore case)
        self._renamed: dict[str, GitHubRepo] = {}

    def __enter__(self) -> FakeGitHub:
        super().__enter__()
        return self

    @property
    def api_url(self) -> str:
        return f"{self.url}/{self.prefix}" if self.prefix else self.url

    # repositories --------------------------------------------------------------------------
    def add_repo(
        self,
        full_name: str,
        files: dict[str, bytes],
        *,
        default_branch: str = "main",
        branches: dict[str, dict[str, bytes]] | None = None,
        tags: dict[str, str] | None = None,
        private: bool = False,
    ) -> str:
        """``files`` on ``default_branch``; ``branches`` adds others; ``tags`` maps a tag to a branch or SHA.
        Returns the default branch's commit SHA."""
        repo = GitHubRepo(full_name, 1000 + len(self._repos) + len(self._renamed), private)
        head = repo.store.commit(files, parent=None)
        repo.branches[default_branch] = head
        for name, branch_files in (branches or {}).items():
            repo.branches[name] = repo.store.commit(branch_files, parent=head)
        for tag, target in (tags or {}).items():
            repo.tags[tag] = repo.branches.get(target, target)
        with self._lock:
            self._repos[full_name.lower()] = repo
        return head

    def push(self, full_name: str, files: dict[str, bytes], *, branch: str = "main") -> str:
        """A new commit on ``branch`` replacing or adding ``files``; returns its SHA."""
        repo = self._repos[full_name.lower()]
        parent = repo.commit(repo.branches[branch])
        tree = {path: stored.content for path, stored in parent.files.items()} | files
        repo.branches[branch] = repo.store.commit(tree, parent=parent.sha)
        return repo.branches[branch]

    def branch(self, full_name: str, name: str) -> str:
        return self._repos[full_name.lower()].branches[name]

    def rename(self, old: str, new: str) -> None:
        """GitHub keeps redirecting the old name until somebody creates a repository under it."""
        with self._lock:
            repo = self._repos.pop(old.lower())
            repo.full_name = new
            self._repos[new.lower()] = repo
            self._renamed[old.lower()] = repo

    # routing ---------------------------------------------------------------------------------
    def route(self, request: Request) -> Reply:
        segments = request.segments
        if self.prefix:
            prefix = self.prefix.split("/")
            if segments[: len(prefix)] != prefix:
                raise github_error(404, "Not Found")
            segments = segments[len(prefix) :]
        limits = self._count(request)
        try:
            reply = self._route(request, segments)
        except HttpFailure as failure:
            failure.reply.headers |= limits
            raise
        reply.headers |= limits
        return reply

    def _count(self, request: Request) -> dict[str, str]:
        token = request.bearer() or _token_scheme(request.headers.get("authorization", ""))
        if token is not None and token not in self.valid_tokens:
            raise github_error(401, "Bad credentials")
        limit = 5000 if token is not None else (self.rate_limit if self.rate_limit is not None else 60)
        with self._lock:
            counted = token is None and self.rate_limit is not None
            exhausted = counted and self._used >= limit
            if counted and not exhausted:
                self._used += 1
            used = self._used if counted else 0
        headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(max(limit - used, 0)),
            "X-RateLimit-Used": str(used),
            "X-RateLimit-Reset": str(self.reset_at),
            "X-RateLimit-Resource": "core",
            "X-GitHub-Request-Id": hashlib.sha1(request.target.encode()).hexdigest()[:16].upper(),
        }
        if exhausted:
            raise github_error(403, "API rate limit exceeded for 127.0.0.1.", headers)
        return headers

    def _route(self, request: Request, segments: list[str]) -> Reply:
        if request.method not in ("GET", "HEAD"):
            raise github_error(404, "Not Found")
        if len(segments) >= 2 and segments[0] == "repositories" and segments[1].isdigit():
            repo = next((r for r in self._repos.values() if r.id == int(segments[1])), None)
            if repo is None:
                raise github_error(404, "Not Found")
            return self._repo_route(request, repo, segments[2:])
        if len(segments) >= 3 and segments[0] == "repos":
            name = f"{urllib.parse.unquote(segments[1])}/{urllib.parse.unquote(segments[2])}".lower()
            repo = self._repos.get(name)
            if repo is None and name in self._renamed:
                moved = self._renamed[name]
                rest = "/".join(segments[3:])
                query = urllib.parse.urlsplit(request.target).query
                location = f"{self.api_url}/repositories/{moved.id}" + (f"/{rest}" if rest else "")
                location += f"?{query}" if query else ""
                body = {"message": "Moved Permanently", "url": location, "documentation_url": _DOCS}
                return json_reply(body, 301, {"Location": location})
            if repo is None or (repo.private and not _authorized(request, self.valid_tokens)):
                raise github_error(404, "Not Found")
            return self._repo_route(request, repo, segments[3:])
        raise github_error(404, "Not Found")

    def _repo_route(self, request: Request, repo: GitHubRepo, rest: list[str]) -> Reply:
        if not rest:
            return json_reply(_repo_json(repo, self.url))
        if rest[0] == "commits" and len(rest) >= 2:
            ref = urllib.parse.unquote("/".join(rest[1:]))
            sha = self._resolve(repo, ref)
            if request.headers.get("accept", "").startswith(_SHA_MEDIA):
                return Reply(200, {"Content-Type": "application/vnd.github.sha; charset=utf-8"}, sha.encode())
            return json_reply({"sha": sha, "commit": {"message": "commit", "tree": {"sha": _tree_sha(sha)}}})
        if rest[:2] == ["git", "trees"] and len(rest) == 3:
            # GitHub recurses for any value of ``recursive``.
            return json_reply(self._tree(repo, urllib.parse.unquote(rest[2]), "recursive" in request.query))
        if rest[0] == "contents" and len(rest) >= 2:
            return self._contents(request, repo, urllib.parse.unquote("/".join(rest[1:])))
        raise github_error(404, "Not Found")

    def _resolve(self, repo: GitHubRepo, ref: str) -> str:
        for prefix, table in (("refs/heads/", repo.branches), ("refs/tags/", repo.tags)):
            if ref.startswith(prefix):
                if ref[len(prefix):] in table:
                    return table[ref[len(prefix):]]
                raise github_error(422, f"No commit found for SHA: {ref}")
        if ref in repo.branches and ref in repo.tags and self.ambiguous == "300":
            raise github_error(300, "Multiple Choices")
        if ref in repo.tags:
            return repo.tags[ref]
        if ref in repo.branches:
            return repo.branches[ref]
        matches = [sha for sha in repo.store.commits if len(ref) >= 4 and sha.startswith(ref.lower())]
        if len(matches) == 1:
            return matches[0]
        raise github_error(422, f"No commit found for SHA: {ref}")

    def _tree(self, repo: GitHubRepo, ref: str, recursive: bool) -> dict[str, Any]:
        sha = ref if ref in repo.store.commits else repo.branches.get(ref) or repo.tags.get(ref)
        if sha is None:
            raise github_error(404, "Not Found")
        files = repo.commit(sha).files
        directories = {"/".join(path.split("/")[:depth]) for path in files for depth in range(1, path.count("/") + 1)}
        entries: list[dict[str, Any]] = []
        for path in sorted(set(files) | directories):
            if not recursive and "/" in path:
                continue
            if path in files:
                stored = files[path]
                entries.append({"path": path, "mode": "100644", "type": "blob", "sha": stored.blob_id,
                                "size": stored.size, "url": f"{self.api_url}/repos/{repo.full_name}/git/blobs/x"})
            else:
                entries.append({"path": path, "mode": "040000", "type": "tree", "sha": _tree_sha(sha + path)})
        return {"sha": _tree_sha(sha), "url": "", "tree": entries, "truncated": self.truncate_trees}

    def _contents(self, request: Request, repo: GitHubRepo, path: str) -> Reply:
        ref = request.query.get("ref", [None])[0]
        sha = repo.branches[next(iter(repo.branches))] if ref is None else self._resolve(repo, ref)
        stored = repo.commit(sha).files.get(path)
        if stored is None:
            raise github_error(404, "Not Found")
        if request.headers.get("accept", "").startswith(_RAW_MEDIA):
            headers = {"Content-Type": "application/octet-stream", "ETag": f'"{stored.blob_id}"'}
            return bytes_reply(stored.content, request, headers)
        return json_reply({
            "type": "file", "encoding": "base64", "size": stored.size, "name": path.rsplit("/", 1)[-1],
            "path": path, "sha": stored.blob_id, "content": base64.encodebytes(stored.content).decode(),
        })


def _repo_json(repo: GitHubRepo, base: str) -> dict[str, Any]:
    return {
        "id": repo.id,
        "name": repo.full_name.split("/")[1],
        "full_name": repo.full_name,
        "private": repo.private,
        "html_url": f"{base}/{repo.full_name}",
        "default_branch": next(iter(repo.branches)),
    }


def _tree_sha(seed: str) -> str:
    return hashlib.sha1(b"tree:" + seed.encode()).hexdigest()


def _token_scheme(value: str) -> str | None:
    return value[6:].strip() if value.lower().startswith("token ") else None


def _authorized(request: Request, valid: set[str]) -> bool:
    token = request.bearer() or _token_scheme(request.headers.get("authorization", ""))
    return token is not None and token in valid
