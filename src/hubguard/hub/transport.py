"""Deadlines, retries and rate-limit hints: the policy side of talking to a hub (``http.py`` does the I/O)."""

from __future__ import annotations

import email.utils
import math
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from hubguard.hub.errors import HubError, HubTimeout

T = TypeVar("T")
_HF_RATE_LIMIT = re.compile(r"""["']?\w+["']?\s*;\s*r\s*=\s*(\d+)\s*;\s*t\s*=\s*(\d+)""")  # "api";r=0;t=55


class Deadline:
    """A wall-clock budget shared by every request made for one repository.

    ``http.py`` enforces it on every socket operation, so a server that drips bytes cannot stretch it.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(self._end - time.monotonic(), 0.0)

    def check(self, what: str) -> None:
        """Raise HubTimeout once the budget is spent; cheap enough for every read, cached or not."""
        if self.remaining() <= 0:
            raise HubTimeout(f"{what}: no time left of the {self.seconds:g}s budget")


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    backoff: float = 0.5  # seconds, doubled per attempt
    max_retry_after: float = 30.0  # a server asking for a longer wait is not waited for


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
    """Wraps a transient failure; ``retry_after`` is the server's wait hint in seconds (may be ``inf``)."""

    def __init__(self, error: HubError, retry_after: float | None = None) -> None:
        super().__init__(error.reason, error.fix)
        self.error = error
        self.retry_after = retry_after


def with_retries(call: Callable[[], T], *, what: str, deadline: Deadline, policy: RetryPolicy) -> T:
    """Run ``call`` until it succeeds, fails for good, or the attempts or the deadline run out."""
    for attempt in range(policy.attempts):
        deadline.check(what)
        try:
            return call()
        except RetryableError as failure:
            delay = failure.retry_after if failure.retry_after is not None else policy.backoff * 2**attempt
            if delay > policy.max_retry_after or attempt + 1 == policy.attempts or delay >= deadline.remaining():
                raise failure.error from None
            time.sleep(delay)
    raise AssertionError("unreachable: the loop always returns or raises")


def retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """How long a rate-limited server asks us to wait, in seconds, from whichever header it sent.

    ``Retry-After`` (seconds or an HTTP date), the Hub's ``RateLimit: "api";r=0;t=N``, or GitHub's
    ``X-RateLimit-Reset`` epoch when ``X-RateLimit-Remaining`` is 0. Unusable values (NaN, negative,
    garbage) count as absent; absurd ones (infinite, far-future dates) come back as ``inf``.
    """
    now = time.time() if now is None else now
    value = headers.get("retry-after")
    if value:
        delay = _delay_seconds(value.strip(), now)
        if delay is not None:
            return delay
    limit = _HF_RATE_LIMIT.search(headers.get("ratelimit", ""))
    if limit is not None and int(limit[1]) == 0:
        return _finite_or_inf(float(limit[2]))
    if headers.get("x-ratelimit-remaining", "").strip() == "0":
        reset = _number(headers.get("x-ratelimit-reset", ""))
        if reset is not None:
            return _finite_or_inf(max(reset - now, 0.0))
    return None


def describe_wait(seconds: float) -> str:
    if seconds > 24 * 3600:
        return "more than a day"
    return f"{math.ceil(seconds)} s"


def _delay_seconds(value: str, now: float) -> float | None:
    number = _number(value)
    if number is not None:
        return _finite_or_inf(number)
    try:
        when = email.utils.parsedate_to_datetime(value)
        return _finite_or_inf(max(when.timestamp() - now, 0.0))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _number(text: str) -> float | None:
    """A non-negative number, or None for garbage, NaN and negatives (``inf`` passes through)."""
    try:
        number = float(text)
    except ValueError:
        return None
    return None if math.isnan(number) or number < 0 else number


def _finite_or_inf(seconds: float) -> float:
    return seconds if seconds <= 366 * 24 * 3600 else math.inf
