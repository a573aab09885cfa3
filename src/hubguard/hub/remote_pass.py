"""The remote pass: look up every referenced repo on its hub and scan what the call would load."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from hubguard.findings import Finding, HubReference, Level, Location, Notification, Region
from hubguard.hub.analysis import (
    Profile,
    ProfileWork,
    RepoWork,
    analyse_profile,
    failure_outcome,
    incomplete_outcome,
    unanalysed_issue,
)
from hubguard.hub.cache import ResultCache
from hubguard.hub.errors import HubError
from hubguard.hub.http import HttpClient
from hubguard.hub.outcome import RepoIssue, RepoOutcome, plain
from hubguard.hub.registry import create_resolvers
from hubguard.hub.repo_ids import InvalidReference
from hubguard.hub.resolver import Resolver, ResolverContext
from hubguard.hub.scanners import Scanners, rules_version
from hubguard.hub.snapshot import is_immutable
from hubguard.hub.transport import Deadline, RetryPolicy, TransferStats
from hubguard.remote_code.verdict import CodeIssue, judge_closure
from hubguard.revisions import is_commit_sha

RepoKey = tuple[str, str, str, str | None]  # hub, repo type, repo ID, requested revision
_MATCH_LEVELS = {"error": Level.ERROR, "warning": Level.WARNING, "info": Level.NOTE}


@dataclass
class RemoteOptions:
    offline: bool
    timeout: float  # seconds for everything fetched for one repository, end to end
    cache_dir: Path | None
    endpoint: str | None  # Hugging Face endpoint and token; None: HF_ENDPOINT, HF_TOKEN or the saved token
    token: str | None
    max_workers: int = 8
    progress: bool = False
    max_code_bytes: int = 32 * 1024 * 1024  # per repository; a larger closure file is HG408
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    pickle_allowlist: tuple[str, ...] = ()  # [tool.hubguard] pickle-allowlist, for the weight inspector
    project_root: Path | None = None  # the scanned project, whose environment holds OpenMMLab's name tables


@dataclass
class RemoteResult:
    findings: list[Finding]
    notifications: list[Notification]
    resolutions: list[tuple[HubReference, str]]  # reference -> resolved commit SHA
    stats: dict[str, Any]


def run_remote_pass(
    references: list[HubReference], options: RemoteOptions, *, scanners: Scanners | None = None
) -> RemoteResult:
    scanners = scanners or Scanners.default(options.pickle_allowlist)
    with HttpClient(options.retry) as http:
        resolvers = create_resolvers(
            ResolverContext(
                http,
                options.offline,
                endpoints={"huggingface": options.endpoint} if options.endpoint else {},
                tokens={"huggingface": options.token} if options.token else {},
                project_root=options.project_root,
            )
        )
        return _run_remote_pass(references, options, scanners, resolvers, http.stats)


def _run_remote_pass(
    references: list[HubReference],
    options: RemoteOptions,
    scanners: Scanners,
    resolvers: dict[str, Resolver],
    stats: TransferStats,
) -> RemoteResult:
    notifications: list[Notification] = []
    groups: dict[RepoKey, list[HubReference]] = {}
    for ref in references:
        problem = _invalid(ref, resolvers.get(ref.hub))
        if problem is not None:
            notifications.append(Notification(problem, ref.location.path, Level.WARNING, "invalid-hub-reference"))
        else:
            groups.setdefault((ref.hub, ref.repo_type, ref.repo_id, ref.revision), []).append(ref)

    version = rules_version(*options.pickle_allowlist)
    run = _Run(options, scanners, resolvers, stats, ResultCache(options.cache_dir), version)
    with tempfile.TemporaryDirectory(prefix="hubguard-remote-") as temp:
        keys = list(groups)
        works: dict[RepoKey, _Group] = {}
        with _progress(options.progress, len(keys)) as advance, ThreadPoolExecutor(options.max_workers) as pool:
            futures = {
                key: pool.submit(run.analyse, key, groups[key], Path(temp) / f"r{index}")
                for index, key in enumerate(keys)
            }
            for key, future in futures.items():
                works[key] = future.result()
                advance()
        run.scan_staged_code(Path(temp), works)

    findings: list[Finding] = []
    resolutions: list[tuple[HubReference, str]] = []
    for key, refs in groups.items():
        group = works[key]
        run.store(key, group)
        for ref in refs:
            outcome = group.outcomes[_profile(ref)]
            findings.extend(issue.finding_at(ref, outcome.sha) for issue in outcome.issues)
            if outcome.sha is not None:
                resolutions.append((ref, outcome.sha))
    findings.sort(key=Finding.sort_key)
    return RemoteResult(findings, notifications, resolutions, stats.as_dict())


@dataclass
class _Group:
    outcomes: dict[Profile, RepoOutcome]
    work: RepoWork | None = None
    code_paths: dict[Profile, set[str]] = field(default_factory=dict)
    cached: bool = False


@dataclass
class _Run:
    options: RemoteOptions
    scanners: Scanners
    resolvers: dict[str, Resolver]
    stats: TransferStats
    cache: ResultCache
    version: str

    def analyse(self, key: RepoKey, refs: list[HubReference], code_dir: Path) -> _Group:
        hub, repo_type, repo_id, revision = key
        profiles = {_profile(ref) for ref in refs}
        resolver = self.resolvers.get(hub)
        if resolver is None:
            reason = f"remote scanning of {hub} is not supported yet"
            fix = "review the repository by hand and pin it to a commit"
            return _Group({p: incomplete_outcome(None, repo_id, revision, [reason], fix) for p in profiles})
        if revision is not None and is_commit_sha(revision):
            cached = self._cached(key, revision, profiles)
            if cached is not None:
                return cached
        try:
            reader = resolver.open(repo_type, repo_id, revision, Deadline(self.options.timeout))
        except HubError as error:
            return _Group({profile: failure_outcome(error, repo_id, revision) for profile in profiles})
        snapshot = reader.snapshot
        if snapshot.complete:
            cached = self._cached(key, snapshot.sha, profiles)
            if cached is not None:
                return cached
        work = RepoWork(snapshot, reader, code_dir, self.options.max_code_bytes)
        group = _Group({}, work)
        for profile in sorted(profiles, key=Profile.cache_tag):
            try:
                done: ProfileWork = analyse_profile(work, profile, self.scanners)
            except HubError as error:
                done = ProfileWork(incomplete_outcome(snapshot.sha, repo_id, revision, [error.reason], error.fix))
            except Exception as error:  # a crashing scanner must surface as "incomplete", never as clean
                reason = f"scanning failed ({type(error).__name__})"
                done = ProfileWork(incomplete_outcome(snapshot.sha, repo_id, revision, [reason], "report a bug"))
            group.outcomes[profile] = done.outcome
            group.code_paths[profile] = done.code_paths
        return group

    def scan_staged_code(self, root: Path, groups: dict[RepoKey, _Group]) -> None:
        """ONE code scan over every repo's staged code, judged per closure into HG402 and HG408 issues."""
        staged = {f"r{index}": group for index, group in enumerate(groups.values()) if any(group.code_paths.values())}
        if not staged:
            return
        try:
            scanned = self.scanners.scan_code(root)
        except Exception as error:  # a crashed scanner must surface as "not analysed", never as clean
            for group in staged.values():
                self._mark_unscanned(group, f"the code scan failed ({type(error).__name__})")
            return
        for error in scanned.errors:
            reason = "the code scan reported: " + plain(str(error).replace(str(root), "<code>"), limit=200)
            for group in staged.values():
                self._mark_unscanned(group, reason)
        matches: dict[str, list[Any]] = {prefix: [] for prefix in staged}
        for match in scanned.matches:
            prefix, _, path = str(match.path).replace(os.sep, "/").partition("/")
            if prefix in matches:
                matches[prefix].append(replace(match, path=path))
        unscanned: dict[str, dict[str, str]] = {prefix: {} for prefix in staged}
        for staged_path, why in scanned.unscanned.items():
            prefix, _, path = staged_path.replace(os.sep, "/").partition("/")
            if prefix in unscanned:
                unscanned[prefix][path] = why
        for prefix, group in staged.items():
            work = group.work
            if work is None or work.reader is None or work.snapshot is None:
                continue
            for profile, paths in group.code_paths.items():
                issues = group.outcomes[profile].issues
                closure_matches = [match for match in matches[prefix] if match.path in paths]
                issues.extend(_code_issue(work, issue) for issue in judge_closure(closure_matches))
                missed = {path: why for path, why in unscanned[prefix].items() if path in paths}
                if missed:
                    reasons = [f"{plain(path)}: {plain(why, limit=200)}" for path, why in missed.items()]
                    issues.append(unanalysed_issue(work.snapshot, work.reader, reasons, list(missed)))
                if any(f"{prefix}/{path}" in scanned.retryable for path in missed):
                    group.outcomes[profile].complete = False  # a timeout may not recur: do not cache

    def store(self, key: RepoKey, group: _Group) -> None:
        if group.cached or group.work is None or group.work.snapshot is None or not group.work.snapshot.complete:
            return
        for profile, outcome in group.outcomes.items():
            if outcome.complete and is_immutable(outcome.sha):
                self.cache.put("outcome", self._cache_key(key, outcome.sha, profile), outcome.to_json())

    def _cached(self, key: RepoKey, sha: str, profiles: set[Profile]) -> _Group | None:
        outcomes: dict[Profile, RepoOutcome] = {}
        for profile in profiles:
            entry = self.cache.get("outcome", self._cache_key(key, sha, profile))
            if entry is None:
                return None
            try:
                outcomes[profile] = RepoOutcome.from_json(entry)
            except (KeyError, TypeError, ValueError):
                return None
        self.stats.count_cache_hit()
        return _Group(outcomes, cached=True)

    def _cache_key(self, key: RepoKey, sha: str, profile: Profile) -> tuple[str, ...]:
        hub, repo_type, repo_id, _ = key
        return (hub, repo_type, repo_id, sha, self.version, profile.cache_tag())

    def _mark_unscanned(self, group: _Group, reason: str) -> None:
        work = group.work
        if work is None or work.snapshot is None or work.reader is None:
            return
        for profile, paths in group.code_paths.items():
            if paths:
                outcome = group.outcomes[profile]
                outcome.issues.append(unanalysed_issue(work.snapshot, work.reader, [reason], sorted(paths)))
                outcome.complete = False


def _code_issue(work: RepoWork, issue: CodeIssue) -> RepoIssue:
    """An HG402 from the verdict on one closure: the remote places are its related locations."""
    assert work.snapshot is not None and work.reader is not None
    snapshot = work.snapshot
    message = f"{plain(snapshot.repo_id)} at {snapshot.sha[:12]}: {issue.message}"
    related = tuple(
        Location(work.reader.web_url(place.path), Region(place.start_line, 1, place.end_line + 1, 1), "matched code")
        for place in issue.places
    )
    properties: dict[str, Any] = {"matchRules": list(issue.rules), "remotePaths": [p.path for p in issue.places]}
    if issue.combination is not None:
        properties["combination"] = [issue.combination.first, issue.combination.second]
    return RepoIssue("HG402", message, _MATCH_LEVELS.get(issue.level, Level.ERROR), related, properties)


def _profile(ref: HubReference) -> Profile:
    return Profile(ref.runs_remote_code, ref.loads_weights, is_commit_sha(ref.code_revision), ref.imports_repo_code)


def _invalid(ref: HubReference, resolver: Resolver | None) -> str | None:
    """Why a reference must not reach its hub; a hub without a resolver is never contacted anyway."""
    if resolver is None:
        return None
    try:
        resolver.validate(ref.repo_type, ref.repo_id, ref.revision)
    except InvalidReference as problem:
        return f"not looked up on {ref.hub}: {problem}"
    return None


@contextmanager
def _progress(enabled: bool, total: int) -> Iterator[Any]:
    if not enabled or not sys.stderr.isatty() or total == 0:
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("scanning hub repositories", total=total)
        yield lambda: progress.advance(task)
