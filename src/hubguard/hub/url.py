"""Plain URLs: the file behind ``torch.hub.load_state_dict_from_url(url)``, ``download_url_to_file`` and
OpenMMLab's ``http(s)://`` checkpoints, inspected through HTTP Range reads and never downloaded whole.

A URL has no commits. Its "snapshot" is the one file at the URL, named after the last path segment, and its
identity is what the server says about it: ``sha256:<hex>`` when it states the content's SHA-256
(``Repr-Digest``, RFC 9530, or the older ``Digest``), otherwise its ETag (or nothing) with the size. Only a
``sha256:`` identity is content-derived, so only those outcomes are cached; any other URL is probed and
inspected again on every run. The server decides what it serves, to hubguard as to the loader: the verdict
is about the bytes served at scan time.

URLs come from scanned code, so each one, and every redirect it leads to, is checked before it is requested:
``https`` or ``http`` only, no credentials in the URL, a host name or a public IP address. Loopback, private,
link-local and other non-public addresses (literal, or what the name resolves to) are refused unless
``HUBGUARD_ALLOW_PRIVATE_URLS=1`` says a private model server is expected; otherwise a scanned file could
make hubguard request a cloud metadata endpoint or an intranet service from the CI runner.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import os
import posixpath
import re
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit, urlunsplit

from hubguard.hub.errors import HubError, Offline, TooLarge, Unavailable
from hubguard.hub.http import HttpClient, HttpResponse, default_status_error
from hubguard.hub.range_source import HttpRangeSource
from hubguard.hub.readers import verify_content
from hubguard.hub.repo_ids import InvalidReference
from hubguard.hub.resolver import ResolverContext
from hubguard.hub.snapshot import FileInfo, Notice, RepoSnapshot
from hubguard.hub.transport import Deadline, RetryableError, with_retries
from hubguard.inspectors.sources import ByteSource

HUB = "url"
REPO_TYPE = "url"
ALLOW_PRIVATE_VARIABLE = "HUBGUARD_ALLOW_PRIVATE_URLS"
MAX_URL_LENGTH = 2048
SCHEMES = ("https", "http")
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_HASH_PREFIX = re.compile(r"[0-9a-f]{0,64}")
_DIGEST = re.compile(r"sha-256\s*=\s*:?([A-Za-z0-9+/=]{44}):?", re.IGNORECASE)
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
DEFAULT_FILE_NAME = "download"


def validate_url(url: str, *, allow_private: bool = False) -> str:
    """Return ``url`` if hubguard may request it; InvalidReference says why not. No network access."""
    shown = repr(url)[:100] if isinstance(url, str) else "the URL"
    if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH:
        raise InvalidReference(f"URL {shown} is empty or longer than {MAX_URL_LENGTH} characters")
    if not url.isascii() or not url.isprintable() or " " in url or "\\" in url:
        raise InvalidReference(f"URL {shown} contains spaces, backslashes, control or non-ASCII characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidReference(f"URL {shown} is malformed") from None
    if parts.scheme.lower() not in SCHEMES:
        raise InvalidReference(f"URL {shown}: only https:// and http:// URLs are fetched")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise InvalidReference(f"URL {shown} carries credentials; hubguard does not send them")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise InvalidReference(f"URL {shown} has no host")
    if port == 0:
        raise InvalidReference(f"URL {shown} has port 0")
    address = _ip_literal(host)
    if address is None and not all(_HOST_LABEL.fullmatch(label) for label in host.split(".")):
        raise InvalidReference(f"URL {shown}: {host!r:.60} is not a host name")
    if address is None and host.split(".")[-1].isdigit():
        raise InvalidReference(f"URL {shown}: {host!r:.60} is a numeric host that is not a plain IP address")
    if not allow_private:
        refuse_private_host(host, address, shown)
    return url


def refuse_private_host(host: str, address: ipaddress.IPv4Address | ipaddress.IPv6Address | None, shown: str) -> None:
    if host in _LOCAL_NAMES or host.endswith(".localhost"):
        raise InvalidReference(f"URL {shown} names this machine; set {ALLOW_PRIVATE_VARIABLE}=1 to allow it")
    if address is not None and not _public(address):
        raise InvalidReference(
            f"URL {shown} points at a non-public address ({address}); set {ALLOW_PRIVATE_VARIABLE}=1 to allow it"
        )


def validate_hash_prefix(revision: str) -> str:
    """The SHA-256 prefix a loader checks (``check_hash``/``hash_prefix``), the only "revision" a URL has."""
    if not _HASH_PREFIX.fullmatch(revision):
        raise InvalidReference(f"hash prefix {revision!r:.80} is not lower-case hex of at most 64 digits")
    return revision


def file_name(url: str) -> str:
    """The name torch gives the download: the last segment of the URL's path."""
    name = posixpath.basename(unquote(urlsplit(url).path))
    return name if name and name.isprintable() and name not in (".", "..") else DEFAULT_FILE_NAME


def content_identity(headers: dict[str, str], size: int) -> str:
    """``sha256:<hex>`` when the server states the content's SHA-256, else its ETag (if any) and the size."""
    for header in ("repr-digest", "digest"):
        match = _DIGEST.search(headers.get(header, ""))
        if match is not None:
            try:
                return "sha256:" + base64.b64decode(match[1], validate=True).hex()
            except (binascii.Error, ValueError):
                continue
    etag = headers.get("etag", "").strip()
    return f"etag:{etag[:200]};size={size}" if etag else f"size={size}"


@dataclass(frozen=True)
class UrlTarget:
    """Where a reference's bytes are: the URL as written, and the URL the probe ended at after redirects."""

    reference: str
    url: str
    final_url: str


class UrlReader:
    """The one file of a URL snapshot; every request (and redirect) passes the same URL policy."""

    def __init__(
        self, http: HttpClient, snapshot: RepoSnapshot, target: UrlTarget, guard: Callable[[str], None],
        deadline: Deadline,
    ) -> None:
        self.snapshot = snapshot
        self.target = target
        self._http = http
        self._guard = guard
        self._deadline = deadline

    def read_bytes(self, path: str, max_bytes: int) -> bytes:
        info = self.snapshot.files[path]
        if info.size > max_bytes:
            raise TooLarge(f"{path}: {info.size} bytes exceeds the {max_bytes}-byte cap")
        return self._http.fetch(
            self.target.final_url,
            what=path,
            deadline=self._deadline,
            max_bytes=max_bytes,
            redirect_guard=self._guard,
            check=lambda data: verify_content(data, info, path),
        )

    def open_source(self, path: str) -> ByteSource:
        size = self.snapshot.files[path].size
        return HttpRangeSource(
            self._http, self.target.final_url, size, name=path, deadline=self._deadline, redirect_guard=self._guard
        )

    def web_url(self, path: str) -> str:
        return self.target.url


class UrlResolver:
    def __init__(self, http: HttpClient, offline: bool, allow_private: bool) -> None:
        self.http = http
        self.offline = offline
        self.allow_private = allow_private

    @classmethod
    def create(cls, context: ResolverContext) -> UrlResolver:
        allow = os.environ.get(ALLOW_PRIVATE_VARIABLE, "").strip().lower() in ("1", "true", "yes", "on")
        return cls(context.http, context.offline, allow)

    def validate(self, repo_type: str, repo_id: str, revision: str | None) -> None:
        if repo_type != REPO_TYPE:
            raise InvalidReference(f"repository type {repo_type!r:.40} is not {REPO_TYPE!r}")
        validate_url(repo_id, allow_private=self.allow_private)
        if revision is not None:
            validate_hash_prefix(revision)

    def open(self, repo_type: str, repo_id: str, revision: str | None, deadline: Deadline) -> UrlReader:
        self.validate(repo_type, repo_id, revision)
        return self.open_url(repo_id, repo_id, revision, deadline, hub=HUB, repo_type=REPO_TYPE)

    def open_url(
        self,
        reference: str,
        url: str,
        revision: str | None,
        deadline: Deadline,
        *,
        hub: str,
        repo_type: str,
        notices: Sequence[Notice] = (),
    ) -> UrlReader:
        """The file at ``url`` (already validated), reported under ``reference`` (e.g. an open-mmlab:// name)."""
        if self.offline:
            raise Offline("offline mode: the URL was not fetched", "run without --offline")
        self.check_resolved(url)
        request_url = urlunsplit(urlsplit(url)._replace(fragment=""))
        size, final_url, headers = with_retries(
            lambda: self._probe(request_url, deadline), what=url, deadline=deadline, policy=self.http.retry
        )
        identity = content_identity(headers, size)
        info = FileInfo(size, sha256=identity.removeprefix("sha256:") if identity.startswith("sha256:") else None)
        snapshot = RepoSnapshot(
            hub, repo_type, reference, revision, identity, {file_name(url): info}, notices=tuple(notices)
        )
        return UrlReader(self.http, snapshot, UrlTarget(reference, url, final_url), self.check_redirect, deadline)

    def check_redirect(self, target: str) -> None:
        try:
            validate_url(target, allow_private=self.allow_private)
        except InvalidReference as refused:
            raise Unavailable(f"refused a redirect: {refused}", "review the file by hand") from None
        self.check_resolved(target)

    def check_resolved(self, url: str) -> None:
        """A host name must not resolve to a non-public address either (checked before each new host)."""
        if self.allow_private:
            return
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
        if _ip_literal(host) is not None:
            return
        try:
            answers = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError) as error:
            raise Unavailable(f"{host}: the name does not resolve ({type(error).__name__})") from None
        for answer in answers:
            address = _ip_literal(str(answer[4][0]).split("%")[0])
            if address is not None and not _public(address):
                raise Unavailable(
                    f"{host} resolves to a non-public address ({address}); not fetched",
                    f"set {ALLOW_PRIVATE_VARIABLE}=1 if the model server is meant to be private",
                )

    def _probe(self, url: str, deadline: Deadline) -> tuple[int, str, dict[str, str]]:
        """One ranged GET of the first byte: size (Content-Range, else Content-Length), final URL, headers.
        GET rather than HEAD, because presigned download URLs are often signed for GET only."""
        request = self.http.open(
            url, what=url, deadline=deadline, headers={"Range": "bytes=0-0"}, redirect_guard=self.check_redirect
        )
        with request as response:
            if response.status == 206:
                size = _total_size(response.headers.get("content-range", ""))
            elif response.status == 200:
                size = _digits(response.headers.get("content-length", ""))
            elif response.status == 416:
                size = 0 if _total_size(response.headers.get("content-range", "")) == 0 else None
            else:
                raise _status_error(response, url)
            if size is None:
                raise Unavailable(f"{url}: the server does not say how large the file is", "review the file by hand")
            return size, response.url, dict(response.headers)


def _status_error(response: HttpResponse, url: str) -> HubError:
    error = default_status_error(response, url)
    inner = error.error if isinstance(error, RetryableError) else error
    if response.status in (404, 410):
        inner.fix = "the file is gone: fix the URL (the load fails, or loads whatever the host serves next)"
    return error


def _total_size(content_range: str) -> int | None:
    match = re.fullmatch(r"bytes\s+(?:\d+-\d+|\*)/(\d{1,18})", content_range.strip())
    return int(match[1]) if match else None


def _digits(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() and len(value) <= 18 else None


def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast
