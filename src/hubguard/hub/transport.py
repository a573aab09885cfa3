"""Deadlines, retries and the mapping of HTTP failures to hubguard's typed errors."""

from __future__ import annotations

import email.utils
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import httpx2
from huggingface_hub import errors as hf_errors

from hubguard.hub.errors import (
    AccessDenied,
    EntryNotFound,
    HubError,
    HubTimeout,
    Offline,
    RateLimited,
    RepoNotFound,
    RevisionNotFound,
    Truncated,
    Unavailable,
)

T = TypeVar("T")
MIN_REQUEST_TIMEOUT = 0.05


class Deadline:
    """A wall-clock budget shared by every request made for one repository."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(self._end - time.monotonic(), 0.0)

    def request_timeout(self, what: str) -> float:
        remaining = self.remaining()
        if remaining <= 0:
            raise HubTimeout(f"{what}: no time left of the {self.seconds:g}s budget")
        return max(remaining, MIN_REQUEST_TIMEOUT)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    backoff: float = 0.5  # seconds, doubled per attempt
    max_retry_after: float = 30.0  # a longer Retry-After is not waited for


@dataclass
class TransferStats:
    """Thread-safe counters: HTTP requests made, body bytes received per file URL, cache hits."""

    requests: int = 0
    bytes_by_file: dict[str, int] = field(default_factory=dict)
    cache_hits: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count_request(self) -> None:
        with self._lock:
            self.requests += 1

    def count_bytes(self, url: str, count: int) -> None:
        with self._lock:
            self.bytes_by_file[url] = self.bytes_by_file.get(url, 0) + count

    def count_cache_hit(self) -> None:
        with self._lock:
            self.cache_hits += 1

    def as_dict(self) -> dict[str, object]:
        with self._lock:
            return {
                "requests": self.requests,
                "bytes_transferred": sum(self.bytes_by_file.values()),
                "bytes_by_file": dict(self.bytes_by_file),
                "cache_hits": self.cache_hits,
            }


class RetryableError(HubError):
    """Wraps a transient failure; ``retry_after`` is the server's hint in seconds, if any."""

    def __init__(self, error: HubError, retry_after: float | None = None) -> None:
        super().__init__(error.reason)
        self.error = error
        self.retry_after = retry_after


def with_retries(
    call: Callable[[float], T], *, what: str, deadline: Deadline, policy: RetryPolicy, stats: TransferStats
) -> T:
    """Run ``call(timeout)`` until it succeeds, fails for good, or retries/deadline run out."""
    for attempt in range(policy.attempts):
        timeout = deadline.request_timeout(what)
        stats.count_request()
        try:
            return call(timeout)
        except Exception as exc:  # every failure is classified; nothing escapes untyped
            failure = classify(exc, what)
        if not isinstance(failure, RetryableError):
            raise failure
        if failure.retry_after is not None and failure.retry_after > policy.max_retry_after:
            raise failure.error
        delay = failure.retry_after if failure.retry_after is not None else policy.backoff * 2**attempt
        if attempt + 1 == policy.attempts or delay >= deadline.remaining():
            raise failure.error
        time.sleep(delay)
    raise AssertionError("unreachable: the loop always returns or raises")


def classify(exc: BaseException, what: str) -> HubError:
    """Map huggingface_hub / httpx2 exceptions to typed errors (RetryableError for transient ones)."""
    if isinstance(exc, RetryableError | HubError):
        return exc
    if isinstance(exc, hf_errors.OfflineModeIsEnabled):
        return Offline(f"{what}: huggingface_hub offline mode is enabled")
    if isinstance(exc, hf_errors.GatedRepoError):
        return AccessDenied(f"{what}: gated repository, access needs an accepted token")
    if isinstance(exc, hf_errors.DisabledRepoError):
        return AccessDenied(f"{what}: the hub has disabled this repository")
    if isinstance(exc, hf_errors.RepositoryNotFoundError):
        return RepoNotFound(f"{what}: repository not found (or private)")
    if isinstance(exc, hf_errors.RevisionNotFoundError):
        return RevisionNotFound(f"{what}: revision not found")
    if isinstance(exc, hf_errors.RemoteEntryNotFoundError):
        return EntryNotFound(f"{what}: file not found")
    if isinstance(exc, hf_errors.HfHubHTTPError) and exc.response is not None:
        return _classify_status(exc.response, what)
    if isinstance(exc, httpx2.TimeoutException):
        return RetryableError(HubTimeout(f"{what}: the hub did not answer in time"))
    if isinstance(exc, httpx2.RemoteProtocolError):
        return RetryableError(Truncated(f"{what}: the connection closed before the full response arrived"))
    if isinstance(exc, httpx2.ConnectError):
        return RetryableError(Unavailable(f"{what}: the hub is unreachable"))
    if isinstance(exc, httpx2.TransportError):
        return RetryableError(Unavailable(f"{what}: the connection failed ({type(exc).__name__})"))
    if isinstance(exc, json.JSONDecodeError | UnicodeDecodeError):
        return RetryableError(Truncated(f"{what}: the hub sent an incomplete or malformed answer"))
    return Unavailable(f"{what}: unexpected failure ({type(exc).__name__})")


def _classify_status(response: httpx2.Response, what: str) -> HubError:
    status = response.status_code
    if status == 429:
        retry_after = _retry_after(response.headers.get("Retry-After"))
        return RetryableError(RateLimited(f"{what}: rate limited by the hub (HTTP 429)"), retry_after)
    if status in (401, 403):
        return AccessDenied(f"{what}: access denied (HTTP {status})")
    if status == 404:
        return RepoNotFound(f"{what}: not found (HTTP 404)")
    if status == 408 or status >= 500:
        return RetryableError(Unavailable(f"{what}: hub server error (HTTP {status})"))
    return Unavailable(f"{what}: unexpected HTTP {status}")


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)
