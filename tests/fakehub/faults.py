"""Fault injection shared by every loopback hub: what to break, on which requests, how many times."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Literal

FaultKind = Literal[
    "delay",  # sleep ``seconds`` before answering normally (slow headers)
    "drip_headers",  # send the status line and headers one byte every ``seconds``
    "drip",  # send the headers, then the body one byte every ``seconds``
    "status",  # answer ``status`` with a small JSON body (``retry_after`` becomes Retry-After)
    "rate_limit",  # GitHub-style: ``status`` (403 unless set) with X-RateLimit-* headers, reset in ``seconds``
    "truncate",  # send half the body under the full Content-Length, then close
    "wrong_length",  # advertise ``len(body) + length_delta`` (negative: the client silently gets a short body)
    "reset",  # TCP RST without an answer
    "ignore_range",  # 200 and the full body whatever Range asked for
    "redirect",  # ``status`` (302 unless 3xx) to ``location``, where ``{path}`` is the request's path and query
    "oversize",  # pad the body with spaces to ``size`` bytes (still valid JSON)
    "headers",  # answer normally; only ``headers`` are added or replaced
]


@dataclass
class Fault:
    """Break requests whose path (with query) matches ``pattern``.

    ``times`` = how many matching requests fail before the fault stops firing (None: forever).
    ``headers`` are added to (or replace) the reply's headers for every kind, so absurd values such as
    ``{"Retry-After": "nan"}`` or a bogus Content-Range combine with any fault.
    """

    pattern: str
    kind: FaultKind
    method: str | None = None
    times: int | None = None
    status: int = 500
    retry_after: str | int | None = None
    seconds: float = 0.0
    length_delta: int = -10
    location: str = "{path}"
    size: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    fired: int = 0
    _regex: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._regex = re.compile(self.pattern)

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method != method:
            return False
        if self.times is not None and self.fired >= self.times:
            return False
        return self._regex.search(path) is not None


class FaultTable:
    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, method: str, path: str) -> Fault | None:
        """The first fault that fires for this request (counting it as fired)."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.fired += 1
                    return fault
        return None
