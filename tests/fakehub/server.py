"""A loopback HTTP server speaking the parts of the Hugging Face Hub API huggingface_hub calls."""

from __future__ import annotations

import json
import socket
import struct
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from tests.fakehub.faults import Fault, FaultKind, FaultTable
from tests.fakehub.repos import Commit, FakeRepo, StoredFile

_API_TYPES = {"models": "model", "datasets": "dataset", "spaces": "space"}
_LAST_MODIFIED = "2024-01-01T00:00:00.000Z"
_UNSCANNED = {
    "status": "unscanned",
    "avScan": {"status": "unscanned", "virusNames": None},
    "pickleImportScan": {"status": "unscanned", "pickleImports": []},
}


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str  # path with query string, as sent
    headers: dict[str, str]  # lower-case names; the Authorization value is never recorded
    authorized: bool  # whether an Authorization header was present
    body: bytes
    status: int


@dataclass
class Reply:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


class HubError(Exception):
    def __init__(self, status: int, code: str | None, message: str) -> None:
        super().__init__(message)
        self.reply = Reply(status, {"Content-Type": "application/json", "X-Error-Message": message}, b"")
        if code:
            self.reply.headers["X-Error-Code"] = code
        self.reply.body = json.dumps({"error": message}).encode()


class FakeHub:
    """``with FakeHub() as hub: hub.add_repo(...); HfApi(endpoint=hub.url)...``"""

    def __init__(self, page_size: int = 50) -> None:
        self.page_size = page_size
        self.valid_tokens: set[str] = set()
        self.faults = FaultTable()
        self._repos: dict[tuple[str, str], FakeRepo] = {}
        self._log: list[LoggedRequest] = []
        self._bytes_sent = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fakehub", daemon=True
        )

    # lifecycle -----------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeHub:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # repositories --------------------------------------------------------------------------
    def add_repo(
        self,
        repo_id: str,
        files: dict[str, bytes],
        *,
        repo_type: str = "model",
        branches: dict[str, dict[str, bytes]] | None = None,
        tags: dict[str, str] | None = None,
        gated: bool = False,
        private: bool = False,
        security_status: dict[str, Any] | None = None,
        file_security: dict[str, dict[str, Any]] | None = None,
    ) -> str:
        """Create a repo whose ``main`` holds ``files``; returns main's commit SHA.

        ``branches`` adds other branches (name -> files); ``tags`` maps a tag to a branch name or SHA.
        """
        repo = FakeRepo(repo_id, repo_type, gated, private, security_status, dict(file_security or {}))
        main_sha = repo.commit(files, parent=None)
        repo.refs["main"] = main_sha
        for name, branch_files in (branches or {}).items():
            repo.refs[name] = repo.commit(branch_files, parent=main_sha)
        for tag, target in (tags or {}).items():
            repo.refs[tag] = repo.refs.get(target, target)
        with self._lock:
            self._repos[(repo_type, repo_id)] = repo
        return main_sha

    def push(
        self, repo_id: str, files: dict[str, bytes | None], *, branch: str = "main", repo_type: str = "model"
    ) -> str:
        """Commit on top of ``branch``: ``files`` adds or replaces files (None deletes); returns the new SHA."""
        repo = self._repos[(repo_type, repo_id)]
        parent = repo.commits[repo.refs[branch]]
        tree = {path: stored.content for path, stored in parent.files.items()}
        for path, content in files.items():
            if content is None:
                tree.pop(path, None)
            else:
                tree[path] = content
        repo.refs[branch] = repo.commit(tree, parent=parent.sha)
        return repo.refs[branch]

    def repo(self, repo_id: str, repo_type: str = "model") -> FakeRepo:
        return self._repos[(repo_type, repo_id)]

    # faults and observations -----------------------------------------------------------------
    def fault(self, pattern: str, kind: FaultKind, **options: Any) -> Fault:
        return self.faults.add(Fault(pattern, kind, **options))

    @property
    def requests(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._log)

    @property
    def bytes_sent(self) -> int:
        with self._lock:
            return self._bytes_sent

    def reset_log(self) -> None:
        with self._lock:
            self._log.clear()
            self._bytes_sent = 0

    def _record(self, entry: LoggedRequest, body_bytes: int) -> None:
        with self._lock:
            self._log.append(entry)
            self._bytes_sent += body_bytes

    def _wait(self, seconds: float) -> None:
        self._stopping.wait(seconds)

    # routing ---------------------------------------------------------------------------------
    def route(self, method: str, raw_path: str, headers: dict[str, str], body: bytes, honour_range: bool) -> Reply:
        parsed = urllib.parse.urlsplit(raw_path)
        query = urllib.parse.parse_qs(parsed.query)
        segments = parsed.path.strip("/").split("/")
        token = _bearer(headers.get("authorization"))
        try:
            if segments[0] == "api" and len(segments) >= 3 and segments[1] in _API_TYPES:
                return self._api(method, _API_TYPES[segments[1]], segments[2:], query, headers, body, token)
            if "resolve" in segments[:4] and method in ("GET", "HEAD"):
                repo_type = "model"
                if segments[0] in ("datasets", "spaces"):
                    repo_type, segments = _API_TYPES[segments[0]], segments[1:]
                return self._resolve(repo_type, segments, headers, token, honour_range)
            raise HubError(404, None, "Not Found")
        except HubError as error:
            return error.reply

    def _find(self, repo_type: str, segments: list[str], token: str | None) -> tuple[FakeRepo, list[str]]:
        for width in (2, 1):
            key = (repo_type, "/".join(urllib.parse.unquote(s) for s in segments[:width]))
            repo = self._repos.get(key)
            if repo is not None and len(segments) >= width:
                if repo.private and token not in self.valid_tokens:
                    break
                return repo, segments[width:]
        raise HubError(401 if token is None else 404, "RepoNotFound", "Repository not found")

    def _commit(self, repo: FakeRepo, quoted_revision: str) -> Commit:
        commit = repo.resolve(urllib.parse.unquote(quoted_revision))
        if commit is None:
            raise HubError(404, "RevisionNotFound", "Invalid rev id")
        return commit

    def _api(
        self,
        method: str,
        repo_type: str,
        segments: list[str],
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: bytes,
        token: str | None,
    ) -> Reply:
        repo, rest = self._find(repo_type, segments, token)
        if method == "GET" and not rest:
            return _json(self._info(repo, self._commit(repo, "main"), query))
        if method == "GET" and len(rest) == 2 and rest[0] == "revision":
            return _json(self._info(repo, self._commit(repo, rest[1]), query))
        if method == "GET" and len(rest) >= 2 and rest[0] == "tree":
            prefix = urllib.parse.unquote("/".join(rest[2:]))
            return self._tree(repo, self._commit(repo, rest[1]), prefix, query, headers)
        if method == "POST" and len(rest) == 2 and rest[0] == "paths-info":
            commit = self._commit(repo, rest[1])
            paths, expand = _paths_info_request(headers, body)
            items = [_tree_item(repo, commit, p, expand) for p in paths if p in commit.files or _is_dir(commit, p)]
            return _json(items)
        raise HubError(404, None, "Not Found")

    def _info(self, repo: FakeRepo, commit: Commit, query: dict[str, list[str]]) -> dict[str, Any]:
        blobs = query.get("blobs", ["false"])[0] == "true"
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
        if query.get("securityStatus", ["false"])[0] == "true":
            info["securityRepoStatus"] = repo.security_status or {"scansDone": True, "filesWithIssues": []}
        return info

    def _tree(
        self, repo: FakeRepo, commit: Commit, prefix: str, query: dict[str, list[str]], headers: dict[str, str]
    ) -> Reply:
        recursive = query.get("recursive", ["false"])[0] == "true"
        expand = query.get("expand", ["false"])[0] == "true"
        if prefix and not _is_dir(commit, prefix):
            raise HubError(404, "EntryNotFound", f"{prefix} does not exist")
        entries = sorted(_tree_paths(commit, prefix, recursive))
        start = int(query.get("cursor", ["0"])[0])
        page = entries[start : start + self.page_size]
        reply = _json([_tree_item(repo, commit, path, expand) for path in page])
        if start + self.page_size < len(entries):
            next_query = {key: values[0] for key, values in query.items()} | {"cursor": str(start + self.page_size)}
            url = f"http://{headers.get('host', '127.0.0.1')}/api/{repo.repo_type}s/{repo.repo_id}/tree/{commit.sha}"
            if prefix:
                url += "/" + urllib.parse.quote(prefix)
            reply.headers["Link"] = f'<{url}?{urllib.parse.urlencode(next_query)}>; rel="next"'
        return reply

    def _resolve(
        self, repo_type: str, segments: list[str], headers: dict[str, str], token: str | None, honour_range: bool
    ) -> Reply:
        at = segments.index("resolve")
        repo, _ = self._find(repo_type, segments[:at], token)
        if repo.gated and token not in self.valid_tokens:
            status = 401 if token is None else 403
            raise HubError(status, "GatedRepo", "Access to this model is restricted")
        if len(segments) < at + 3:
            raise HubError(404, "EntryNotFound", "Entry not found")
        commit = self._commit(repo, segments[at + 1])
        path = urllib.parse.unquote("/".join(segments[at + 2 :]))
        stored = commit.files.get(path)
        if stored is None:
            raise HubError(404, "EntryNotFound", f"{path} does not exist")
        file_headers = _file_headers(stored, commit.sha)
        range_header = headers.get("range")
        if range_header is None or not honour_range:
            return Reply(200, file_headers | {"Content-Length": str(stored.size)}, stored.content)
        span = _parse_range(range_header, stored.size)
        if span is None:
            return Reply(416, file_headers | {"Content-Range": f"bytes */{stored.size}"}, b"")
        first, last = span
        part = stored.content[first : last + 1]
        file_headers["Content-Range"] = f"bytes {first}-{last}/{stored.size}"
        return Reply(206, file_headers | {"Content-Length": str(len(part))}, part)


# helpers ---------------------------------------------------------------------------------------
def _bearer(value: str | None) -> str | None:
    if value and value.lower().startswith("bearer "):
        return value[7:].strip()
    return None


def _json(payload: Any) -> Reply:
    return Reply(200, {"Content-Type": "application/json"}, json.dumps(payload).encode())


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


def _parse_range(value: str, size: int) -> tuple[int, int] | None:
    """(first, last) inclusive for a single ``bytes=`` range; None when unsatisfiable or malformed."""
    unit, _, spec = value.partition("=")
    if unit.strip() != "bytes" or "," in spec:
        return None
    start_text, _, end_text = spec.strip().partition("-")
    try:
        if not start_text:
            suffix = int(end_text)
            return (max(size - suffix, 0), size - 1) if suffix > 0 and size > 0 else None
        first = int(start_text)
        last = min(int(end_text), size - 1) if end_text else size - 1
    except ValueError:
        return None
    return (first, last) if first < size and first <= last else None


def _make_handler(hub: FakeHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
            return

        def do_GET(self) -> None:
            self._handle()

        def do_HEAD(self) -> None:
            self._handle()

        def do_POST(self) -> None:
            self._handle()

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            fault = hub.faults.take(self.command, self.path)
            if fault is not None and fault.kind == "delay":
                hub._wait(fault.seconds)
            if fault is not None and fault.kind == "reset":
                self._log(headers, body, 0, 0)
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                return
            if fault is not None and fault.kind == "status":
                reply = Reply(fault.status, {"Content-Type": "application/json"}, b'{"error": "injected"}')
                if fault.retry_after is not None:
                    reply.headers["Retry-After"] = str(fault.retry_after)
            else:
                honour_range = fault is None or fault.kind != "ignore_range"
                reply = hub.route(self.command, self.path, headers, body, honour_range)
            self._send(reply, fault, headers, body)

        def _send(self, reply: Reply, fault: Fault | None, headers: dict[str, str], body: bytes) -> None:
            payload = b"" if self.command == "HEAD" else reply.body
            advertised = int(reply.headers.pop("Content-Length", len(reply.body)))
            if fault is not None and fault.kind == "truncate":
                payload = payload[: len(payload) // 2]
                self.close_connection = True
            elif fault is not None and fault.kind == "wrong_length":
                advertised = max(advertised + fault.length_delta, 0)
                payload = payload[:advertised]
                self.close_connection = True
            # Logged before the reply goes out: a client may act on the reply before this thread runs again.
            self._log(headers, body, reply.status, len(payload))
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(advertised))
            self.end_headers()
            try:
                self.wfile.write(payload)
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def _log(self, headers: dict[str, str], body: bytes, status: int, sent: int) -> None:
            authorized = "authorization" in headers
            visible = {name: ("<present>" if name == "authorization" else value) for name, value in headers.items()}
            hub._record(LoggedRequest(self.command, self.path, visible, authorized, body, status), sent)

    return Handler
