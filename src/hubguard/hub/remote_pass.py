"""The remote pass: look up every referenced repo on its hub and scan exactly the code each call would run.

Four steps, each over the whole run:
1. Every loaded repository is resolved and analysed once per way it is loaded: hub flags, weights, and
   the code sources the load runs (its own modules, at ``code_revision`` when the call gives one; code in
   other repositories that its configs or the call name). Its own code is fetched right away.
2. Every other code source is resolved to a commit, and its import closure fetched and staged.
3. ONE code scan (Semgrep and byte signatures) covers everything staged.
4. Each call is judged over all the code it runs together; findings are placed at the call.

The loader fetches only the named module (and what it imports) from another repository, never that
repository's configs, so code in another repository never names code further away: a load's sources are
one hop from it, at most ``MAX_OTHER_REPOSITORIES`` of them, and a source is fetched once per run however
many loads share it. Repository analyses and code sources are cached per commit.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from hubguard.findings import Finding, HubReference, Level, Notification
from hubguard.hub.analysis import (
    Profile,
    RepoWork,
    analyse_profile,
    failure_outcome,
    incomplete_issue,
    incomplete_outcome,
)
from hubguard.hub.cache import ResultCache
from hubguard.hub.code_units import UnitKey, UnitResult, prepare_unit, take_scan, unit_key
from hubguard.hub.errors import HubError, RevisionNotFound
from hubguard.hub.http import HttpClient
from hubguard.hub.loads import RunCode, load_issues
from hubguard.hub.outcome import CodeSource, RepoOutcome, plain
from hubguard.hub.registry import create_resolvers
from hubguard.hub.repo_ids import InvalidReference
from hubguard.hub.resolver import RepoReader, Resolver, ResolverContext
from hubguard.hub.scanners import Scanners, rules_version
from hubguard.hub.snapshot import RepoSnapshot, is_immutable
from hubguard.hub.transport import Deadline, RetryPolicy, TransferStats
from hubguard.inventory import LoadedCode, ResolvedReference
from hubguard.remote_code.plan import CallCode
from hubguard.revisions import is_commit_sha

RepoKey = tuple[str, str, str, str | None]  # hub, repo type, repo ID, requested revision
SnapshotKey = tuple[str, str, str, str]  # hub, repo type, repo ID, commit
GENERATE_ENTRY = "custom_generate/generate.py"
_T = TypeVar("_T")
_R = TypeVar("_R")


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
    # reference, the call's argument that chose the code's revision (code_revision, custom_revision),
    # the repository and the commit it resolved to: what --fix pins that argument to
    code_resolutions: list[tuple[HubReference, str, str, str]] = field(default_factory=list)
    resolved: list[ResolvedReference] = field(default_factory=list)  # the resolutions, with the inventory's facts


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
    valid: list[HubReference] = []
    for ref in references:
        problem = _invalid(ref, resolvers.get(ref.hub))
        if problem is not None:
            notifications.append(Notification(problem, ref.location.path, Level.WARNING, "invalid-hub-reference"))
        else:
            valid.append(ref)
    groups: dict[RepoKey, set[Profile]] = {}
    for ref in valid:
        if ref.custom_generate is None:
            groups.setdefault(_repo_key(ref), set()).add(_profile(ref))

    version = rules_version(*options.pickle_allowlist)
    with tempfile.TemporaryDirectory(prefix="hubguard-remote-") as temp:
        run = _Run(options, scanners, resolvers, stats, ResultCache(options.cache_dir), version, Path(temp))
        with _progress(options.progress) as progress:
            analysed = run.parallel(lambda key: run.analyse(key, groups[key]), list(groups), progress)
            sources = {id(ref): _sources(ref, analysed) for ref in valid}
            wanted = {unit_key(source) for ref in valid for source in sources[id(ref)]}
            run.fetch_code(wanted - set(run.units), progress)
        run.scan_staged_code()

    findings: list[Finding] = []
    resolutions: list[tuple[HubReference, str]] = []
    code_resolutions: list[tuple[HubReference, str, str, str]] = []
    resolved: list[ResolvedReference] = []
    for ref in valid:
        outcome = analysed[_repo_key(ref)].outcomes[_profile(ref)] if ref.custom_generate is None else None
        code = [RunCode(source, run.units[unit_key(source)]) for source in sources[id(ref)]]
        sha = outcome.sha if outcome is not None else code[0].result.sha
        findings.extend(issue.finding_at(ref, sha) for issue in load_issues(ref, outcome, code))
        if sha is not None:
            resolutions.append((ref, sha))
            facts = outcome.facts if outcome is not None else None
            resolved.append(ResolvedReference(ref, sha, facts, tuple(_loaded_code(item) for item in code)))
        code_resolutions.extend(
            (ref, item.source.keyword, item.source.repo_id, item.result.sha)
            for item in code if item.source.keyword is not None and item.result.sha is not None
        )
    run.store(analysed)
    findings.sort(key=Finding.sort_key)
    return RemoteResult(findings, notifications, resolutions, stats.as_dict(), code_resolutions, resolved)


@dataclass
class _Group:
    """One loaded repository at one requested revision, analysed once per way it is loaded."""

    outcomes: dict[Profile, RepoOutcome]
    code_tags: dict[Profile, str | None] = field(default_factory=dict)  # see _code_tag
    cached: bool = False


@dataclass
class _Run:
    options: RemoteOptions
    scanners: Scanners
    resolvers: dict[str, Resolver]
    stats: TransferStats
    cache: ResultCache
    version: str
    root: Path  # every repository's code is staged under it, one folder per commit
    units: dict[UnitKey, UnitResult] = field(default_factory=dict)
    _readers: dict[RepoKey, RepoReader] = field(default_factory=dict)
    _works: dict[SnapshotKey, RepoWork] = field(default_factory=dict)
    _fresh_units: list[tuple[UnitKey, UnitResult, RepoWork]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def parallel(self, task: Callable[[_T], _R], items: list[_T], progress: _Progress) -> dict[_T, _R]:
        progress.add(len(items))
        results: dict[_T, _R] = {}
        with ThreadPoolExecutor(self.options.max_workers) as pool:
            futures = {item: pool.submit(task, item) for item in items}
            for item, future in futures.items():
                results[item] = future.result()
                progress.advance()
        return results

    # step 1 ---------------------------------------------------------------------------------------------
    def analyse(self, key: RepoKey, profiles: set[Profile]) -> _Group:
        _, _, repo_id, revision = key
        code_at: dict[Profile, RepoReader | HubError | None] = {}
        if is_commit_sha(revision):  # a cache hit needs no request, beyond resolving a mutable code_revision
            code_at = {profile: self._code_reader(key, profile, revision) for profile in profiles
                       if not is_commit_sha(profile.call.code_revision)}
            cached = self._cached(key, revision, {profile: _code_tag(profile, code_at.get(profile), revision)
                                                  for profile in profiles})
            if cached is not None:
                return cached
        try:
            reader = self._open(key)
        except HubError as error:
            return _Group({profile: failure_outcome(error, repo_id, revision) for profile in profiles})
        snapshot = reader.snapshot
        for profile in profiles:
            if profile not in code_at:
                code_at[profile] = self._code_reader(key, profile, snapshot.sha)
        code_tags = {profile: _code_tag(profile, code, snapshot.sha) for profile, code in code_at.items()}
        if snapshot.complete and not is_commit_sha(revision):
            cached = self._cached(key, snapshot.sha, code_tags)
            if cached is not None:
                return cached
        work = self._work(reader)
        group = _Group({}, code_tags)
        for profile in sorted(profiles, key=lambda item: item.cache_tag(None)):
            code = code_at[profile]
            outcome = group.outcomes[profile] = self._analyse_profile(work, profile, code)
            own = [source for source in (outcome.code.sources if outcome.code else []) if source.kind == "own"]
            for source in own:  # fetched now, while the deadline of the reader that resolved them runs
                if source.revision in (snapshot.sha, revision):  # a commit, or what a URL was asked with
                    self._prepare(unit_key(source), work)
                elif source.revision == _sha(code):
                    self._prepare(unit_key(source), self._work(code))  # type: ignore[arg-type]
        return group

    def _analyse_profile(self, work: RepoWork, profile: Profile, code: RepoReader | HubError | None) -> RepoOutcome:
        snapshot = work.snapshot
        assert snapshot is not None
        code_snapshot = code.snapshot if code is not None and not isinstance(code, HubError) else None
        own_revision = profile.call.code_revision if isinstance(code, HubError) else None
        try:
            outcome = analyse_profile(work, profile, self.scanners, code_snapshot, own_revision)
        except HubError as error:
            return incomplete_outcome(snapshot.sha, snapshot.repo_id, snapshot.requested_revision, [error])
        except Exception as error:  # a crashing scanner must surface as "incomplete", never as clean
            crash = HubError(f"scanning failed ({type(error).__name__})", "report a bug")
            return incomplete_outcome(snapshot.sha, snapshot.repo_id, snapshot.requested_revision, [crash])
        if isinstance(code, HubError) and not isinstance(code, RevisionNotFound):
            # The modules were looked up in the wrong listing, maybe; a missing revision is final.
            outcome.issues.append(incomplete_issue(snapshot.repo_id, profile.call.code_revision, [code]))
            outcome.complete = False
        return outcome

    def _code_reader(self, key: RepoKey, profile: Profile, sha: str) -> RepoReader | HubError | None:
        """The repository at the call's code_revision, when that may be another commit than ``sha``."""
        code_revision = profile.call.code_revision
        if code_revision is None or code_revision in (key[3], sha):
            return None
        try:
            return self._open((*key[:3], code_revision))
        except HubError as error:
            return error

    # step 2 ---------------------------------------------------------------------------------------------
    def fetch_code(self, wanted: Iterable[UnitKey], progress: _Progress) -> None:
        by_revision: dict[RepoKey, list[UnitKey]] = {}
        for key in wanted:
            by_revision.setdefault(key[:4], []).append(key)
        self.parallel(lambda repo: self._fetch_code_at(repo, by_revision[repo]), list(by_revision), progress)

    def _fetch_code_at(self, repo: RepoKey, keys: list[UnitKey]) -> None:
        """Every code source at one requested revision of one repository: cached, or fetched now."""
        revision = repo[3]
        if is_commit_sha(revision):
            keys = [key for key in keys if not self._cached_unit(key, revision)]
        if not keys:
            return
        try:
            reader = self._open(repo, fresh=True)
        except HubError as error:
            self._record(keys, UnitResult(None, failure=error))
            return
        keys = [key for key in keys if not self._cached_unit(key, reader.snapshot.sha)]
        work = self._work(reader)
        for key in keys:
            self._prepare(key, work)

    def _prepare(self, key: UnitKey, work: RepoWork) -> None:
        assert work.snapshot is not None
        if key in self.units or self._cached_unit(key, work.snapshot.sha):
            return
        with work.lock:
            try:
                result = prepare_unit(work, key[4], self.scanners)
            except Exception as error:  # a crashing closure must surface as "not analysed", never as clean
                crash = HubError(f"following the imports failed ({type(error).__name__})", "report a bug")
                result = UnitResult(work.snapshot.sha, failure=crash)
        with self._lock:
            self.units[key] = result
            if result.failure is None:
                self._fresh_units.append((key, result, work))

    def _record(self, keys: list[UnitKey], result: UnitResult) -> None:
        with self._lock:
            self.units.update((key, result) for key in keys)

    # step 3 ---------------------------------------------------------------------------------------------
    def scan_staged_code(self) -> None:
        """ONE code scan over every repository's staged code; each unit takes the matches in its closure."""
        staged = [(key, result, work) for key, result, work in self._fresh_units if result.staged]
        if not staged:
            return
        try:
            scanned = self.scanners.scan_code(self.root)
        except Exception as error:  # a crashed scanner must surface as "not analysed", never as clean
            for _, result, _ in staged:
                result.not_analysed(f"the code scan failed ({type(error).__name__})", sorted(result.staged), final=False)
            return
        for reported in scanned.errors:
            reason = "the code scan reported: " + plain(str(reported).replace(str(self.root), "<code>"), limit=200)
            for _, result, _ in staged:
                result.not_analysed(reason, sorted(result.staged), final=False)
        by_folder: dict[str, tuple[list[Any], dict[str, str], set[str]]] = {}
        for match in scanned.matches:
            folder, _, path = str(match.path).replace(os.sep, "/").partition("/")
            by_folder.setdefault(folder, ([], {}, set()))[0].append(replace(match, path=path))
        for staged_path, why in scanned.unscanned.items():
            folder, _, path = staged_path.replace(os.sep, "/").partition("/")
            found = by_folder.setdefault(folder, ([], {}, set()))
            found[1][path] = why
            if staged_path in scanned.retryable:
                found[2].add(path)
        for _, result, work in staged:
            take_scan(result, *by_folder.get(work.code_dir.name, ([], {}, set())))

    # caching --------------------------------------------------------------------------------------------
    def store(self, groups: dict[RepoKey, _Group]) -> None:
        for key, group in groups.items():
            if group.cached:
                continue
            for profile, outcome in group.outcomes.items():
                if outcome.complete and is_immutable(outcome.sha):
                    cache_key = self._cache_key(key[:3], outcome.sha, profile, group.code_tags.get(profile))
                    self.cache.put("outcome", cache_key, outcome.to_json())
        for unit, result, _ in self._fresh_units:
            if result.complete and is_immutable(result.sha):
                self.cache.put("code", self._unit_cache_key(unit, result.sha), result.to_json())

    def _cached(self, key: RepoKey, sha: str, code_tags: dict[Profile, str | None]) -> _Group | None:
        outcomes: dict[Profile, RepoOutcome] = {}
        for profile, code_sha in code_tags.items():
            entry = self.cache.get("outcome", self._cache_key(key[:3], sha, profile, code_sha))
            if entry is None:
                return None
            try:
                outcomes[profile] = RepoOutcome.from_json(entry)
            except (KeyError, TypeError, ValueError):
                return None
        self.stats.count_cache_hit()
        return _Group(outcomes, cached=True)

    def _cached_unit(self, key: UnitKey, sha: str) -> bool:
        if key in self.units:
            return True
        entry = self.cache.get("code", self._unit_cache_key(key, sha))
        if entry is None:
            return False
        try:
            result = UnitResult.from_json(entry)
        except (KeyError, TypeError, ValueError):
            return False
        self.stats.count_cache_hit()
        with self._lock:
            self.units[key] = result
        return True

    def _cache_key(self, repo: tuple[str, ...], sha: str, profile: Profile, code_sha: str | None) -> tuple[str, ...]:
        return (*repo, sha, self.version, profile.cache_tag(code_sha))

    def _unit_cache_key(self, key: UnitKey, sha: str) -> tuple[str, ...]:
        hub, repo_type, repo_id, _, entries = key
        return (hub, repo_type, repo_id, sha, self.version, "\n".join(entries))

    # snapshots ------------------------------------------------------------------------------------------
    def _open(self, key: RepoKey, *, fresh: bool = False) -> RepoReader:
        """The repository at a revision: each request gets its own deadline (the timeout is per repository)."""
        hub, repo_type, repo_id, revision = key
        with self._lock:
            known = None if fresh else self._readers.get(key)
        if known is not None:
            return known
        resolver = self.resolvers.get(hub)
        if resolver is None:
            raise HubError(f"remote scanning of {hub} is not supported yet",
                           "review the repository by hand and pin it to a commit")
        reader = resolver.open(repo_type, repo_id, revision, Deadline(self.options.timeout))
        with self._lock:
            self._readers.setdefault(key, reader)
            self._readers.setdefault((hub, repo_type, repo_id, reader.snapshot.sha), reader)
        return reader

    def _work(self, reader: RepoReader) -> RepoWork:
        """Files read and code staged per commit, shared by every unit and profile at that commit; the
        newest reader (and its deadline) serves further reads."""
        key = _snapshot_key(reader.snapshot)
        with self._lock:
            work = self._works.get(key)
            if work is None:
                code_dir = self.root / f"r{len(self._works)}"
                work = self._works[key] = RepoWork(reader.snapshot, reader, code_dir, self.options.max_code_bytes)
            work.reader = reader
        return work


def _sources(ref: HubReference, analysed: dict[RepoKey, _Group]) -> list[CodeSource]:
    """The code sources one call runs: the planned ones, or for generate(custom_generate=...) that file."""
    if ref.custom_generate is not None:
        return [CodeSource(ref.hub, "model", ref.repo_id, ref.revision, (GENERATE_ENTRY,), "call", "custom_generate")]
    planned = analysed[_repo_key(ref)].outcomes[_profile(ref)].code
    return planned.sources if planned is not None else []


def _loaded_code(code: RunCode) -> LoadedCode:
    source, result = code.source, code.result
    return LoadedCode(source.hub, source.repo_type, source.repo_id, source.revision, result.sha, result.facts)


def _sha(reader: RepoReader | HubError | None) -> str | None:
    return reader.snapshot.sha if reader is not None and not isinstance(reader, HubError) else None


def _repo_key(ref: HubReference) -> RepoKey:
    return (ref.hub, ref.repo_type, ref.repo_id, ref.revision)


def _snapshot_key(snapshot: RepoSnapshot) -> SnapshotKey:
    return (snapshot.hub, snapshot.repo_type, snapshot.repo_id, snapshot.sha)


def _profile(ref: HubReference) -> Profile:
    call = CallCode(code_revision=ref.code_revision, custom_pipeline=ref.custom_pipeline,
                    custom_revision=ref.custom_revision)
    return Profile(ref.runs_remote_code, ref.loads_weights, call, ref.imports_repo_code)


def _code_tag(profile: Profile, code: RepoReader | HubError | None, sha: str) -> str | None:
    """Where the load's own code comes from, as a cache-key part: the commit code_revision resolved to, or
    what the call says when that commit is not known (not looked up, or not found)."""
    if code is not None and not isinstance(code, HubError):
        return code.snapshot.sha
    code_revision = profile.call.code_revision
    return None if code_revision is None or code_revision == sha else code_revision


def _invalid(ref: HubReference, resolver: Resolver | None) -> str | None:
    """Why a reference must not reach its hub; a hub without a resolver is never contacted anyway."""
    if resolver is None:
        return None
    try:
        resolver.validate(ref.repo_type, ref.repo_id, ref.revision)
    except InvalidReference as problem:
        return f"not looked up on {ref.hub}: {problem}"
    return None


class _Progress:
    def add(self, count: int) -> None: ...

    def advance(self) -> None: ...


@contextmanager
def _progress(enabled: bool) -> Iterator[_Progress]:
    if not enabled or not sys.stderr.isatty():
        yield _Progress()
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("scanning hub repositories", total=0)

        class _Bar(_Progress):
            def add(self, count: int) -> None:
                bar.update(task, total=(bar.tasks[0].total or 0) + count)

            def advance(self) -> None:
                bar.advance(task)

        yield _Bar()
