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
        if self.opcodes > self.limits.max_file_opcodes:
            self._stop(f"more than {self.limits.max_file_opcodes:,} pickle opcodes in this file")
        self.check()

    def note_opcodes(self, count: int) -> None:
        """Count without stopping (the tail of a pickle that already finished); the next check decides."""
        self.opcodes += count
        if self.opcodes > self.limits.max_file_opcodes and self._spent is None:
            self._spent = f"more than {self.limits.max_file_opcodes:,} pickle opcodes in this file"

    def spend_read(self, count: int) -> None:
        self.read += count
        if self.read > self.limits.max_file_read_bytes:
            self._stop(f"more than {self.limits.max_file_read_bytes:,} bytes read from this file")
        self.check()

    def spend_inflated(self, count: int) -> None:
        self.inflated += count
        if self.inflated > self.limits.max_inflated_bytes:
            self._stop(f"more than {self.limits.max_inflated_bytes:,} bytes decompressed from this file")
        self.check()

    def _stop(self, reason: str) -> None:
        self._spent = f"work budget exhausted: {reason}"
        raise BudgetExhausted(self._spent)


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
