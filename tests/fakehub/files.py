"""A plain file host (a CDN, a release-asset store, download.openmmlab.com): GET with Range, ETags, digests,
and redirects to signed URLs, on ``LoopbackServer`` with the shared faults."""

from __future__ import annotations

import base64
import hashlib
import urllib.parse
from dataclasses import dataclass

from tests.fakehub.base import HttpFailure, LoopbackServer, Reply, Request, bytes_reply


@dataclass(frozen=True)
class HostedFile:
    content: bytes
    etag: bool
    digest: bool  # send Repr-Digest: sha-256=:<base64>: (RFC 9530)


class FakeFileServer(LoopbackServer):
    """``with FakeFileServer() as files: files.add("/models/x.pth", data); url = files.url + "/models/x.pth"``"""

    def __init__(self) -> None:
        super().__init__()
        self._files: dict[str, HostedFile] = {}
        self._redirects: dict[str, str] = {}

    def __enter__(self) -> FakeFileServer:
        super().__enter__()
        return self

    def add(self, path: str, content: bytes, *, etag: bool = True, digest: bool = False) -> str:
        """Serve ``content`` at ``path``; returns its URL."""
        with self._lock:
            self._files[path] = HostedFile(content, etag, digest)
        return self.url + path

    def redirect(self, path: str, target: str) -> str:
        """``path`` answers 302 to ``target`` (a path on this server, or a full URL); returns its URL."""
        with self._lock:
            self._redirects[path] = target
        return self.url + path

    def route(self, request: Request) -> Reply:
        if request.method not in ("GET", "HEAD"):
            raise HttpFailure(Reply(405, {"Allow": "GET, HEAD"}))
        path = urllib.parse.urlsplit(request.target).path
        if path in self._redirects:
            target = self._redirects[path]
            return Reply(302, {"Location": target if "://" in target else self.url + target})
        hosted = self._files.get(path)
        if hosted is None:
            raise HttpFailure(Reply(404, {"Content-Type": "text/plain"}, b"Not Found"))
        headers = {"Content-Type": "application/octet-stream", "Accept-Ranges": "bytes"}
        if hosted.etag:
            headers["ETag"] = f'"{hashlib.md5(hosted.content).hexdigest()}"'  # S3 and CloudFront send an MD5
        if hosted.digest:
            encoded = base64.b64encode(hashlib.sha256(hosted.content).digest()).decode()
            headers["Repr-Digest"] = f"sha-256=:{encoded}:"
        return bytes_reply(hosted.content, request, headers)
