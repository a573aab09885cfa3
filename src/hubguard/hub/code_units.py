"""The code one source runs: a repository at one commit, from its entry modules through their imports.

A unit's result depends only on the commit and the entry modules, so it is cached per commit: the import
closure, every match the code scan made in it, and what could not be analysed, with the reason. A size
limit gives the same answer next time, so such a result is cached with its reason; a failed download or a
scan timeout is not cached.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from hubguard.hub.analysis import RepoWork
from hubguard.hub.errors import HubError, TooLarge
from hubguard.hub.facts import code_facts
from hubguard.hub.outcome import CodeSource, plain
from hubguard.hub.scanners import Scanners
from hubguard.inventory import RepoFacts
from hubguard.remote_code.scan import CodeMatch

UnitKey = tuple[str, str, str, str | None, tuple[str, ...]]  # hub, repo type, repo ID, revision, entry modules
_MATCH_FIELDS = tuple(item.name for item in fields(CodeMatch))
MAX_LISTED = 10


def unit_key(source: CodeSource) -> UnitKey:
    return (source.hub, source.repo_type, source.repo_id, source.revision, source.entries)


@dataclass
class UnitResult:
    sha: str | None
    closure: list[str] = field(default_factory=list)
    urls: dict[str, str] = field(default_factory=dict)  # each closure file's page at the commit
    matches: list[Any] = field(default_factory=list)  # CodeMatch, paths relative to the repository
    missing: list[str] = field(default_factory=list)  # entry modules the commit lacks: that load would fail
    unanalysed: list[str] = field(default_factory=list)  # why some of the closure was not analysed
    unread: list[str] = field(default_factory=list)  # those files
    complete: bool = True  # False: must not be cached
    failure: HubError | None = None  # the source could not be resolved (never cached)
    facts: RepoFacts | None = None  # for the inventory: the closure's files with their hashes
    staged: set[str] = field(default_factory=set)  # closure files staged for this run's code scan

    def to_json(self) -> dict[str, Any]:
        return {
            "sha": self.sha,
            "closure": self.closure,
            "urls": self.urls,
            "matches": [{name: getattr(match, name) for name in _MATCH_FIELDS} for match in self.matches],
            "missing": self.missing,
            "unanalysed": self.unanalysed,
            "unread": self.unread,
            "facts": self.facts.to_json() if self.facts is not None else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> UnitResult:
        matches = [CodeMatch(**(item | {"signals": tuple(item["signals"])})) for item in data["matches"]]
        facts = RepoFacts.from_json(data["facts"]) if data["facts"] is not None else None
        return cls(
            data["sha"], list(data["closure"]), dict(data["urls"]), matches, list(data["missing"]),
            list(data["unanalysed"]), list(data["unread"]), facts=facts,
        )

    def not_analysed(self, reason: str, paths: list[str], *, final: bool) -> None:
        self.unanalysed.append(reason)
        self.unread.extend(path for path in paths if path not in self.unread)
        self.complete = self.complete and final


def prepare_unit(work: RepoWork, entries: tuple[str, ...], scanners: Scanners) -> UnitResult:
    """Follow the entry modules' imports at the work's commit and stage every file for the code scan."""
    snapshot, reader = work.snapshot, work.reader
    assert snapshot is not None and reader is not None
    files = {path: info.size for path, info in snapshot.files.items()}
    result = UnitResult(snapshot.sha, missing=[entry for entry in entries if entry not in files])
    problems: list[HubError] = []

    def read_text(path: str) -> str | None:
        data = work.read(path, work.max_code_bytes, problems)
        return data.decode("utf-8", errors="replace") if data is not None else None

    closure = scanners.import_closure([entry for entry in entries if entry in files], read_text, files)
    result.closure = list(closure)
    result.urls = {path: reader.web_url(path) for path in closure}
    result.staged = {path for path in closure if work.stage_code(path, problems)}
    result.facts = code_facts(snapshot, result.closure, result.urls, work.fetched)
    unread = [path for path in closure if path not in result.staged]
    reasons = list(dict.fromkeys(problem.reason for problem in problems))
    if unread and not problems:
        reasons.append("not fetched: " + _listed(unread))
    if reasons:
        # A size limit gives the same answer next time; a failed download may not.
        final = all(isinstance(problem, TooLarge) for problem in problems)
        result.not_analysed("; ".join(reasons), unread, final=final)
    if closure.unfollowed:
        result.not_analysed(f"the import closure reached its limits; not followed: {_listed(closure.unfollowed)}",
                            list(closure.unfollowed), final=True)
    result.complete = result.complete and snapshot.complete
    return result


def take_scan(result: UnitResult, matches: list[Any], unscanned: dict[str, str], retryable: set[str]) -> None:
    """Give the unit the code scan's matches and gaps in its own files (paths relative to the repository)."""
    result.matches = [match for match in matches if match.path in result.staged]
    missed = {path: why for path, why in unscanned.items() if path in result.staged}
    if missed:
        reasons = "; ".join(f"{plain(path)}: {plain(why, limit=200)}" for path, why in missed.items())
        result.not_analysed(reasons, list(missed), final=not (set(missed) & retryable))


def _listed(paths: list[str]) -> str:
    more = len(paths) - MAX_LISTED
    return ", ".join(plain(path) for path in paths[:MAX_LISTED]) + (f" and {more} more" if more > 0 else "")
