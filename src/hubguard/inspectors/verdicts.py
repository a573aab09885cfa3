"""What an inspection concludes: verdicts, issues, per-file results and the budgets that bound the work."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hubguard.inspectors.budget import Budget
    from hubguard.inspectors.policy import Policy


class Verdict(enum.IntEnum):
    """How dangerous a file is, ordered from harmless to hostile."""

    SAFE = 0
    REVIEWED = 1  # only reviewed library classes: worth a note listing them, not a warning
    UNKNOWN = 2
    SUSPICIOUS = 3
    MALICIOUS = 4


def worst(verdicts: Iterable[Verdict], default: Verdict = Verdict.SAFE) -> Verdict:
    return max(verdicts, default=default)


@dataclass
class Issue:
    verdict: Verdict
    kind: str
    message: str
    member: str | None = None
    offset: int | None = None


@dataclass
class FileVerdict:
    name: str
    format: str
    verdict: Verdict
    issues: list[Issue]
    imports: list[str]
    calls: list[str]
    bytes_read: int
    size: int | None


@dataclass(frozen=True)
class Limits:
    """Hard budgets; running into any of them makes the file SUSPICIOUS, never SAFE.

    The ``max_file_*`` budgets and ``max_inflated_bytes`` count across every member, nested stream
    and re-read of one file, so a small archive cannot multiply its cost (issue 16).
    """

    max_opcodes: int = 5_000_000  # one pickle
    max_file_opcodes: int = 10_000_000  # every pickle of the file (~10 s of emulation)
    max_file_read_bytes: int = 2**30
    max_memo_entries: int = 1_000_000
    max_stack_depth: int = 1_000_000
    max_mark_depth: int = 10_000
    max_pickle_bytes: int = 256 * 2**20  # bytes fetched for one pickle stream
    max_pickles_per_stream: int = 64
    max_line_bytes: int = 2**20
    inline_payload_bytes: int = 2**20  # longer str/bytes operands are skipped, not fetched
    max_members: int = 10_000
    max_central_directory_bytes: int = 64 * 2**20
    max_inflated_bytes: int = 512 * 2**20  # decompressed, over the whole file
    max_inflate_ratio: int = 500
    max_nesting: int = 4  # containers inside containers, pickles inside pickles
    max_nested_pickle_bytes: int = 16 * 2**20
    max_json_bytes: int = 64 * 2**20
    max_expanded_objects: int = 100_000_000  # objects in the unpickled value walked as a tree
    max_allocation: int = 2**31  # bytes one constructor call may be asked to allocate (bytes(n))


DEFAULT_LIMITS = Limits()


class LimitExceeded(Exception):
    """A budget in Limits ran out."""


class Malformed(Exception):
    """The bytes do not follow the format they claim to be."""


@dataclass
class Collector:
    """Accumulates what one file's inspection found, across containers and nested pickles."""

    budget: Budget
    policy: Policy
    issues: list[Issue] = field(default_factory=list)
    imports: list[str] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)
    nested_bytes: int = 0
    _seen: set[tuple[object, ...]] = field(default_factory=set)

    @property
    def limits(self) -> Limits:
        return self.budget.limits

    def add(self, issue: Issue) -> None:
        key = (issue.verdict, issue.kind, issue.message, issue.member, issue.offset)
        if key not in self._seen:
            self._seen.add(key)
            self.issues.append(issue)

    def note_format(self, name: str) -> None:
        if name not in self.formats:
            self.formats.append(name)

    def note_import(self, qualified: str) -> None:
        if qualified not in self.imports:
            self.imports.append(qualified)

    def note_call(self, qualified: str) -> None:
        if qualified not in self.calls:
            self.calls.append(qualified)

    @property
    def verdict(self) -> Verdict:
        return worst(issue.verdict for issue in self.issues)
