"""Small shared helpers for the inspector tests."""

from __future__ import annotations

from hubguard.inspectors import BytesSource, FileVerdict, Limits, inspect_source
from hubguard.inspectors.verdicts import DEFAULT_LIMITS, Verdict


def judge(data: bytes, name: str = "sample.bin", limits: Limits = DEFAULT_LIMITS) -> FileVerdict:
    return inspect_source(BytesSource(name, data), limits=limits)


def kinds(verdict: FileVerdict, at_least: Verdict = Verdict.UNKNOWN) -> set[str]:
    return {issue.kind for issue in verdict.issues if issue.verdict >= at_least}


def messages(verdict: FileVerdict) -> str:
    return " | ".join(issue.message for issue in verdict.issues)


class CountingSource:
    """Wraps bytes and records every read, to prove how little of a file was fetched."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name = name
        self.size: int | None = len(data)
        self._data = data
        self.reads: list[tuple[int, int]] = []

    def read(self, offset: int, length: int) -> bytes:
        chunk = self._data[offset : offset + length]
        self.reads.append((offset, len(chunk)))
        return chunk

    @property
    def bytes_read(self) -> int:
        return sum(length for _, length in self.reads)
