"""The CSGHub fake: the Hugging Face fake's routes under ``/csg``, ``/hf`` and ``/ms``, answering as csghub-server.

``/hf`` and ``/ms`` map an upstream repository name to its CSGHub mirror and ``main``/``master`` to the
mirror's default branch (api/middleware/repo.go :: RepoMapping); a name without a mirror falls through to
the CSGHub repository of that name. Errors come the server's way: a missing repository is HTTP 500 with
``{"code": "SYS-ERR-3"}``, a private one without access 500 ``AUTH-ERR-0``, an unknown revision a plain
500 (component/model.go :: SDKModelInfo, api/httpbase). ``accepts_sha_downloads`` switches whether files
are served at a commit SHA, which the server's code suggests but nothing documents.
"""

from __future__ import annotations

import dataclasses
import re

from tests.fakehub.base import HttpFailure, Reply, Request, json_reply
from tests.fakehub.huggingface import FakeHub
from tests.fakehub.modelscope import BlobStorage

SOURCES = ("csg", "hf", "ms")
_SHA = re.compile(r"[0-9a-f]{40}")


def csghub_error(status: int, message: str, code: str | None = None) -> HttpFailure:
    return HttpFailure(json_reply({"msg": message} | ({"code": code} if code else {}), status))


class FakeCsgHub(FakeHub):
    def __init__(self, *, accepts_sha_downloads: bool = True, storage: BlobStorage | None = None) -> None:
        super().__init__()
        self.accepts_sha_downloads = accepts_sha_downloads
        self.storage = storage
        self.mirrors: dict[tuple[str, str, str], str] = {}  # (source, repo type, upstream ID) -> CSGHub ID

    def __enter__(self) -> FakeCsgHub:
        super().__enter__()
        return self

    def add_mirror(
        self, source: str, upstream_id: str, mirror_id: str, files: dict[str, bytes], *, default_branch: str = "main",
        repo_type: str = "model",
    ) -> str:
        """A CSGHub mirror of a Hugging Face (``hf``) or ModelScope (``ms``) repository; returns its head SHA."""
        sha = self.add_repo(mirror_id, files, repo_type=repo_type)
        refs = self.repo(mirror_id, repo_type).refs
        refs[default_branch] = refs.pop("main")
        self.mirrors[(source, repo_type, upstream_id)] = mirror_id
        return sha

    def route(self, request: Request) -> Reply:
        source, *segments = request.segments or [""]
        target = _target(segments)
        if source not in SOURCES or target is None:
            raise csghub_error(404, "page not found")
        repo_type, first, revision_at = target
        upstream = "/".join(segments[first : first + 2])
        mirror_id = self.mirrors.get((source, repo_type, upstream)) if source != "csg" else None
        if mirror_id is not None:  # RepoMapping: the mirror's ID, and main/master as its default branch
            segments = segments[:first] + mirror_id.split("/") + segments[first + 2 :]
            if len(segments) > revision_at and segments[revision_at] in ("main", "master"):
                refs = self.repo(mirror_id, repo_type).refs
                segments[revision_at] = next(name for name in refs if name in ("main", "master"))
        repo_id = mirror_id or upstream
        repo = self._repos.get((repo_type, repo_id))
        if repo is None:
            raise csghub_error(500, "failed to find model,error: sql: no rows in result set", "SYS-ERR-3")
        if repo.private and request.bearer() not in self.valid_tokens:
            raise csghub_error(500, "failed to get sdk model info: unauthorized", "AUTH-ERR-0")
        revision = segments[revision_at] if len(segments) > revision_at else None
        if "resolve" in segments and revision is not None:
            if _SHA.fullmatch(revision) and not self.accepts_sha_downloads:
                raise csghub_error(500, f"failed to get file, error: invalid reference {revision}")
            commit = repo.resolve(revision)
            stored = commit.files.get("/".join(segments[revision_at + 1 :])) if commit is not None else None
            if stored is not None and stored.is_lfs and self.storage is not None and request.method == "GET":
                self.storage.blobs[stored.sha256] = stored.content
                return Reply(302, {"Location": f"{self.storage.url}/oss/{stored.sha256}?X-Amz-Expires=60"})
        try:
            return super().route(dataclasses.replace(request, segments=segments))
        except HttpFailure as failure:
            code = failure.reply.headers.get("X-Error-Code")
            if code == "RevisionNotFound":
                raise csghub_error(500, "failed to get all model files, error: reference not found") from None
            if code == "EntryNotFound":
                raise csghub_error(404, "file not found") from None
            raise


def _target(segments: list[str]) -> tuple[str, int, int] | None:
    """(repo type, index of the namespace, index of the revision) of a CSGHub route, if it is one."""
    if segments[:1] == ["api"] and len(segments) >= 4 and segments[1] in ("models", "datasets"):
        return ("model" if segments[1] == "models" else "dataset"), 2, 5
    if "resolve" in segments[:4]:
        first = 1 if segments[:1] == ["datasets"] else 0
        return ("dataset" if first else "model"), first, first + 3
    return None
