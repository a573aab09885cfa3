"""Fault injection for the fake hub: what to break, on which requests, how many times."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Literal

FaultKind = Literal["delay", "status", "truncate", "wrong_length", "reset", "ignore_range"]


@dataclass
class Fault:
    """Break requests whose path (with query) matches ``pattern``.

    ``times`` = how many matching requests fail before the fault stops firing (None: forever).
    ``delay``: sleep ``seconds`` before answering normally. ``status``: answer ``status`` (with
    ``retry_after`` as Retry-After). ``truncate``: send half the body under the full Content-Length,
    then close. ``wrong_length``: advertise ``len(body) + length_delta`` (negative = the client
    silently gets a short body). ``reset``: TCP RST without an answer. ``ignore_range``: 200 + full body.
    """

    pattern: str
    kind: FaultKind
    method: str | None = None
    times: int | None = None
    status: int = 500
    retry_after: int | None = None
    seconds: float = 0.0
    length_delta: int = -10
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
