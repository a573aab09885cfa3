"""Judge the code one load runs as a whole.

Matches are first gathered into places (one file, one run of adjacent lines, every rule that
matched there), so one malicious line is one issue however many rules see it. Then the closure is
scored as a whole: weak signals that are harmless alone (a token read, a POST, a computed import,
a child process, a decoded string, a dynamic exec) become one error when the same closure combines
them, wherever in its files they sit. Pure functions of the matches; nothing here reads files.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from hubguard.remote_code.names import shown

_RANK = {"info": 0, "warning": 1, "error": 2}
MAX_QUOTED_PLACES = 6


class Match(Protocol):
    """What the verdict needs of a scan match (``scan.CodeMatch`` provides it)."""

    path: str
    start_line: int
    end_line: int
    rule_id: str
    message: str
    severity: str
    signals: tuple[str, ...]
    snippet: str


@dataclass(frozen=True)
class Combination:
    first: str
    second: str
    meaning: str


COMBINATIONS: tuple[Combination, ...] = (
    Combination("credential-read", "network-send", "reads a credential and sends data over the network (token theft)"),
    Combination(
        "computed-import", "process-spawn", "imports by computed name and starts processes (a hidden command runner)"
    ),
    Combination("decode", "code-exec", "decodes hidden data and runs dynamic code (a packed payload)"),
)
SIGNALS = frozenset(name for combination in COMBINATIONS for name in (combination.first, combination.second))


@dataclass(frozen=True)
class Place:
    """Everything matched on one run of adjacent lines of one file."""

    path: str
    start_line: int
    end_line: int
    level: str  # the most severe match's severity
    rules: tuple[str, ...]
    message: str  # the most severe match's message
    snippet: str  # the first line's text
    signals: frozenset[str]

    def quoted(self, snippet_limit: int = 100) -> str:
        snippet = f" {shown(self.snippet, snippet_limit)}" if self.snippet else ""
        return f"{shown(self.path)} line {self.start_line}{snippet}"


@dataclass(frozen=True)
class CodeIssue:
    level: str  # "error" | "warning"
    message: str
    places: tuple[Place, ...]  # every contributing location, the first one first
    combination: Combination | None = None

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(sorted({rule for place in self.places for rule in place.rules}))


def judge_closure(matches: Iterable[Match]) -> list[CodeIssue]:
    """The issues of one load's code: one per place at warning or above, plus signal combinations."""
    places = gather_places(matches)
    claimed: set[Place] = set()
    issues: list[CodeIssue] = []
    for combination in COMBINATIONS:
        issue = _combined(combination, places, claimed)
        if issue is not None:
            claimed.update(issue.places)
            issues.append(issue)
    for place in places:
        if place not in claimed and place.level != "info":
            message = f"{place.quoted()}: {place.message} Matched by {', '.join(place.rules)}."
            issues.append(CodeIssue(place.level, message, (place,)))
    issues.sort(key=lambda issue: (issue.places[0].path, issue.places[0].start_line))
    return issues


def gather_places(matches: Iterable[Match]) -> list[Place]:
    """Matches merged per file into runs of overlapping or adjacent lines, in file and line order."""
    ordered = sorted(matches, key=lambda match: (match.path, match.start_line, match.end_line))
    places: list[Place] = []
    group: list[Match] = []
    for match in ordered:
        if group and (match.path != group[0].path or match.start_line > max(m.end_line for m in group) + 1):
            places.append(_place(group))
            group = []
        group.append(match)
    if group:
        places.append(_place(group))
    return places


def _place(group: Sequence[Match]) -> Place:
    worst = max(group, key=lambda match: (_RANK.get(match.severity, 1), match.rule_id))
    return Place(
        path=group[0].path,
        start_line=group[0].start_line,
        end_line=max(match.end_line for match in group),
        level=worst.severity if worst.severity in _RANK else "warning",
        rules=tuple(sorted({match.rule_id for match in group})),
        message=worst.message,
        snippet=next((match.snippet for match in group if match.snippet), ""),
        signals=frozenset(signal for match in group for signal in match.signals),
    )


def _combined(combination: Combination, places: list[Place], claimed: set[Place]) -> CodeIssue | None:
    """One error for a satisfied combination, holding its contributing places not yet reported at error."""
    first = [place for place in places if combination.first in place.signals]
    second = [place for place in places if combination.second in place.signals]
    if not first or not second:
        return None
    contributing = sorted(set(first) | set(second), key=lambda place: (place.path, place.start_line))
    raised = tuple(place for place in contributing if place.level != "error" and place not in claimed)
    if not raised:
        return None  # every contributing place is already an error of its own
    parts = [f"{_role(place, combination)} at {place.quoted(80)} ({', '.join(place.rules)})" for place in raised]
    message = f"this code {combination.meaning}: {_listed(parts)}."
    elsewhere = [f"{shown(place.path)} line {place.start_line}" for place in contributing if place not in raised]
    if elsewhere:
        message += f" Also contributing, reported separately: {_listed(elsewhere, ', ')}."
    return CodeIssue("error", message, raised, combination)


def _listed(items: list[str], separator: str = "; ") -> str:
    more = len(items) - MAX_QUOTED_PLACES
    return separator.join(items[:MAX_QUOTED_PLACES] + ([f"and {more} more"] if more > 0 else []))


def _role(place: Place, combination: Combination) -> str:
    roles = [name for name in (combination.first, combination.second) if name in place.signals]
    return " and ".join(roles)
