"""The work one file may cost, across every member and nested stream, and the deadline its owner set."""

from __future__ import annotations

import time

from hubguard.inspectors.sources import ByteSource, TimedSource
from hubguard.inspectors.verdicts import LimitExceeded, Limits


class BudgetExhausted(LimitExceeded):
    """The file's whole budget ran out (or its deadline passed): nothing more of it is inspected."""


class Budget:
    """Counts opcodes run, bytes read and bytes decompressed for one file; stops the file, not a member."""

    def __init__(self, limits: Limits, deadline: float | None = None) -> None:
        self.limits = limits
        self.deadline = deadline  # time.monotonic() value
        self.opcodes = 0
        self.read = 0
        self.inflated = 0
        self._spent: str | None = None

    @classmethod
    def for_source(cls, source: ByteSource, limits: Limits) -> Budget:
        seconds = source.seconds_left() if isinstance(source, TimedSource) else None
        return cls(limits, None if seconds is None else time.monotonic() + seconds)

    def check(self) -> None:
        if self._spent is not None:
            raise BudgetExhausted(self._spent)
        if self.deadline is not None and time.monotonic() > self.deadline:
            self._stop("the deadline for reading this file passed")

    def spend_opcodes(self, count: int) -> None:
        self.opcodes += count
        self._enforce(self.opcodes, self.limits.max_file_opcodes, "pickle opcodes in this file")

    def note_opcodes(self, count: int) -> None:
        """Count without stopping (the tail of a pickle that already finished); the next check decides."""
        self.opcodes += count
        if self.opcodes > self.limits.max_file_opcodes and self._spent is None:
            self._spent = _exhausted(self.limits.max_file_opcodes, "pickle opcodes in this file")

    def spend_read(self, count: int) -> None:
        self.read += count
        self._enforce(self.read, self.limits.max_file_read_bytes, "bytes read from this file")

    def spend_inflated(self, count: int) -> None:
        self.inflated += count
        self._enforce(self.inflated, self.limits.max_inflated_bytes, "bytes decompressed from this file")

    def _enforce(self, spent: int, limit: int, what: str) -> None:
        if spent > limit:
            self._stop(f"more than {limit:,} {what}")
        self.check()

    def _stop(self, reason: str) -> None:
        self._spent = f"work budget exhausted: {reason}"
        raise BudgetExhausted(self._spent)


def _exhausted(limit: int, what: str) -> str:
    return f"work budget exhausted: more than {limit:,} {what}"


class StepCounter:
    """Counts the small steps of a format walk (GGUF values, protobuf fields): every 4,096 steps it
    checks the file's deadline, and it stops the walk past ``cap`` steps."""

    _CHECK_EVERY = 4096

    def __init__(self, budget: Budget, cap: int, what: str) -> None:
        self.budget = budget
        self.cap = cap
        self.what = what
        self.steps = 0

    def step(self) -> None:
        self.steps += 1
        if not self.steps % self._CHECK_EVERY:
            self.budget.check()
            if self.steps > self.cap:
                raise LimitExceeded(f"{self.what} with more than {self.cap:,} steps")


class MeteredSource:
    """The file being inspected, charging every read to its budget (re-reads included) and checking the clock."""

    def __init__(self, source: ByteSource, budget: Budget) -> None:
        self.name = source.name
        self.size = source.size
        self._source = source
        self._budget = budget

    def read(self, offset: int, length: int) -> bytes:
        self._budget.check()
        data = self._source.read(offset, length)
        self._budget.spend_read(len(data))
        return data

    @property
    def bytes_read(self) -> int:
        return self._source.bytes_read
