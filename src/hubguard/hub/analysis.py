"""Per-repository work of the remote pass: plan the code a load runs, inspect weights, read hub flags."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from hubguard.findings import Level, Location
from hubguard.hub import url
from hubguard.hub.errors import EntryNotFound, HubError, RepoMoved, RepoNotFound, TooLarge
from hubguard.hub.facts import repo_facts
from hubguard.hub.outcome import CodeSource, PlannedCode, RepoIssue, RepoOutcome, plain, printable
from hubguard.hub.range_source import HttpRangeSource
from hubguard.hub.resolver import RepoReader
from hubguard.hub.scanners import Scanners
from hubguard.hub.snapshot import RepoSnapshot
from hubguard.hub.weights import MAX_WEIGHT_FILES, pickle_weights
from hubguard.remote_code.hubconf import HUBCONF, describe_dependencies
from hubguard.remote_code.plan import CallCode
from hubguard.revisions import is_commit_sha
from hubguard.rules import RULES

MAX_CONFIG_BYTES = 1_000_000
MAX_OTHER_REPOSITORIES = 8  # per load: a config naming more is refused past this many, and reported


@dataclass(frozen=True)
class Profile:
    """What a call does with the repo; the same repo can be loaded differently at several call sites."""

    runs_remote_code: bool
    loads_weights: bool
    call: CallCode = CallCode()  # the call's own code arguments: code_revision, custom_pipeline/custom_revision
    imports_repo_code: bool = False  # ModelScope Model/pipeline: configuration.json plugins, every .py imported

    def cache_tag(self, code_sha: str | None) -> str:
        """``code_sha``: the commit ``code_revision`` resolved to, which the plan's module lookup depends on."""
        call = self.call
        pipeline = f"{call.custom_pipeline}@{call.custom_revision}" if call.custom_pipeline is not None else "-"
        return (
            f"code={int(self.runs_remote_code)},weights={int(self.loads_weights)},"
            f"code_revision={call.code_revision}@{code_sha},custom_pipeline={pipeline}"
        ) + (",imports-repo=1" if self.imports_repo_code else "")


@dataclass
class RepoWork:
    """One repository at one commit: the files read from it (once each) and its code staged for the scan."""

    snapshot: RepoSnapshot | None
    reader: RepoReader | None
    code_dir: Path
    max_code_bytes: int
    lock: threading.Lock = field(default_factory=threading.Lock)  # code sources at one commit stage one by one
    _fetched: dict[str, bytes | None] = field(default_factory=dict)
    _code_bytes: int = 0

    def read(self, path: str, max_bytes: int, problems: list[HubError]) -> bytes | None:
        """A repo file's bytes (memoised), or None when absent or unreadable (noted in ``problems``)."""
        assert self.snapshot is not None and self.reader is not None
        if path not in self.snapshot.files:
            return None
        if path not in self._fetched:
            try:
                self._fetched[path] = self.reader.read_bytes(path, max_bytes)
            except HubError as error:
                problems.append(error)
                self._fetched[path] = None
        return self._fetched[path]

    def fetched(self, path: str) -> bytes | None:
        """A file's bytes if this run has read them (checked against the hub's listing), never a new request."""
        return self._fetched.get(path)

    def stage_code(self, path: str, problems: list[HubError]) -> bool:
        """Copy a repo code file into ``code_dir`` for the one code scan of the run."""
        relative = _safe_relative(path)
        if relative is None:
            problems.append(EntryNotFound(f"refused to stage the file {plain(path)}: unsafe path"))
            return False
        data = self.read(path, self.max_code_bytes, problems)
        if data is None:
            return False
        target = self.code_dir / relative
        if not target.exists():
            if self._code_bytes + len(data) > self.max_code_bytes:
                problems.append(TooLarge(f"code beyond the {self.max_code_bytes}-byte cap; {plain(path)} not scanned"))
                return False
            self._code_bytes += len(data)
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(data)
        return True


def failure_outcome(error: HubError, repo_id: str, revision: str | None) -> RepoOutcome:
    if isinstance(error, RepoMoved):
        message = (
            f"{printable(error.reason)}; the old name {plain(repo_id)} now belongs to nobody: anyone who "
            f"registers it serves code and weights to this line. Fix: {printable(error.fix)}"
        )
        properties = {"movedTo": error.new_name} if error.new_name else {}
        return RepoOutcome(None, [RepoIssue("HG407", message, RULES["HG407"].level, (), properties)], complete=False)
    if isinstance(error, RepoNotFound):
        message = (
            f"{plain(repo_id)} does not exist on the hub (or is private): whoever registers the name "
            "serves code and weights to this line"
        )
        return RepoOutcome(None, [RepoIssue("HG407", message, RULES["HG407"].level)], complete=False)
    return incomplete_outcome(None, repo_id, revision, [error])


def incomplete_outcome(sha: str | None, repo_id: str, revision: str | None, problems: list[HubError]) -> RepoOutcome:
    return RepoOutcome(sha, [incomplete_issue(repo_id, revision, problems)], complete=False)


def incomplete_issue(repo_id: str, revision: str | None, problems: list[HubError]) -> RepoIssue:
    # Reasons quote remote paths and server answers.
    reasons = [printable(reason) for reason in dict.fromkeys(problem.reason for problem in problems)]
    fix = "; ".join(dict.fromkeys(problem.fix for problem in problems))
    target = plain(repo_id) + (f" at {plain(revision)}" if revision else "")
    message = f"could not fully scan {target}: {'; '.join(reasons)}. Fix: {fix}"
    # A gap the user chose (offline mode) is a note; one the hub or the content caused fails the default gate.
    level = Level.NOTE if all(problem.deliberate for problem in problems) else RULES["HG405"].level
    return RepoIssue("HG405", message, level, properties={"reasons": reasons})


def analyse_profile(
    work: RepoWork,
    profile: Profile,
    scanners: Scanners,
    code_snapshot: RepoSnapshot | None = None,
    own_revision: str | None = None,
) -> RepoOutcome:
    """One way of loading the repository: hub flags, weights, and the code sources the load runs.

    ``code_snapshot`` is the repository at the call's ``code_revision`` when that is another commit: the
    modules the configs name are looked up there, and the load's own code is fetched from it.
    ``own_revision`` overrides where that code is fetched from (a ``code_revision`` that did not resolve
    now is still what the loader asks for).
    """
    snapshot, reader = work.snapshot, work.reader
    assert snapshot is not None and reader is not None
    problems: list[HubError] = []
    outcome = RepoOutcome(snapshot.sha)
    outcome.issues.extend(_hub_flag_issues(snapshot, reader))
    outcome.issues.extend(_notice_issues(snapshot, reader))

    def read_json(path: str) -> Any:
        """Any JSON value (modules.json is a list); the planner checks the shape it expects."""
        data = work.read(path, MAX_CONFIG_BYTES, problems)
        try:
            return json.loads(data) if data is not None else None
        except (ValueError, RecursionError):
            return None

    code_files = _sizes(code_snapshot) if code_snapshot is not None else None
    plan = scanners.plan_code(
        _sizes(snapshot), read_json, repo_type=snapshot.repo_type, runs_remote_code=profile.runs_remote_code,
        imports_repo_code=profile.imports_repo_code, call=profile.call, code_files=code_files,
    )
    own_at = code_snapshot or snapshot  # a URL's identity is no revision to open it at: ask for it as the call did
    code_revision = own_revision or (own_at.sha if is_commit_sha(own_at.sha) else own_at.requested_revision)
    outcome.code, not_fetched = _planned_code(snapshot, plan, code_revision, profile.call, code_files or _sizes(snapshot))
    outcome.code.installed = {path: reader.web_url(path) for path in plan.pip_requirements}
    outcome.code.entry_notes = _entry_notes(snapshot, work)
    refused = [plain(refusal, limit=300) for refusal in plan.refused] + not_fetched
    if refused:
        outcome.issues.append(_unanalysed_issue(snapshot, refused))
    verdicts: dict[str, Any] = {}
    if profile.loads_weights:
        outcome.issues.extend(_weight_issues(snapshot, reader, scanners, problems, verdicts))
    outcome.facts = repo_facts(
        snapshot,
        reader,
        loads_weights=profile.loads_weights,
        configs_read=list(plan.configs_read),
        verdicts=verdicts,
        is_weight_candidate=scanners.is_weight_candidate,
        read_json=read_json,
        fetched=work.fetched,
    )
    for listed in (snapshot, code_snapshot):
        if listed is not None and listed.partial is not None:
            problems.append(listed.partial)
    if problems:
        outcome.issues.append(incomplete_issue(snapshot.repo_id, snapshot.requested_revision, problems))
    outcome.complete = not problems
    return outcome


def _planned_code(
    snapshot: RepoSnapshot, plan: Any, code_revision: str | None, call: CallCode, code_files: Mapping[str, int]
) -> tuple[PlannedCode, list[str]]:
    """The code sources of one load, and why any named repository is not fetched (too many of them).

    Same-repository modules run from ``code_revision``; a cross-repository reference back to the loaded
    repository is its own code too (transformers compares the two names and then uses the model's own
    revision). Other repositories are fetched at the revision the loader uses, never their configs: the
    loader only imports the named module there, so code never names code further away.
    """
    modules = {module.path: list(module.classes) for module in plan.modules}
    others: dict[tuple[str, str | None], CodeSource] = {}
    code_keyword = "code_revision" if call.code_revision is not None else None
    hub = snapshot.hub
    for cross in plan.cross_repo:
        path = module_path(cross.module)
        if cross.repo_id == snapshot.repo_id:
            if path in code_files:
                modules.setdefault(path, []).append(cross.class_name)
            continue
        code_hub, revision, keyword = _cross_repo_origin(hub, cross.revision, code_keyword)
        source = CodeSource(code_hub, "model", cross.repo_id, revision, (path,), "config", cross.key, keyword)
        _add_source(others, source)
    for named in plan.call_repos:
        keyword = "custom_revision" if named.key == "custom_pipeline" else None
        entries = (module_path(named.module),)
        _add_source(others, CodeSource(hub, "model", named.repo_id, named.revision, entries, "call", named.key, keyword))
    own = CodeSource(hub, snapshot.repo_type, snapshot.repo_id, code_revision, tuple(modules), keyword=code_keyword)
    other_sources = list(others.values())
    not_fetched: list[str] = []
    if len(other_sources) > MAX_OTHER_REPOSITORIES:
        skipped = ", ".join(plain(source.repo_id) for source in other_sources[MAX_OTHER_REPOSITORIES:][:10])
        not_fetched.append(
            f"this load names code in {len(other_sources)} other repositories, more than the "
            f"{MAX_OTHER_REPOSITORIES} hubguard fetches for one load; not fetched: {skipped}"
        )
    sources = ([own] if modules else []) + other_sources[:MAX_OTHER_REPOSITORIES]
    planned = PlannedCode(modules, sources, list(plan.notes), list(plan.pip_plugins), imports_all=plan.imports_all)
    return planned, not_fetched


def _cross_repo_origin(hub: str, revision: str | None, keyword: str | None) -> tuple[str, str | None, str | None]:
    """Where a cross-repository auto_map's code comes from, by the loaded repository's hub: ModelScope fetches
    it from the other repository's master branch whatever the call passes; pycsghub (and its mirror
    namespaces) leave it to transformers, which fetches it from Hugging Face."""
    family = hub.partition(":")[0]
    if family == "modelscope":
        return hub, None, None
    if family == "opencsg":
        return "huggingface", revision, keyword
    return hub, revision, keyword


def module_path(module: str) -> str:
    """The file the loader imports for a dotted module name (``custom_generate.generate``)."""
    return module.replace(".", "/") + ".py"


def _add_source(sources: dict[tuple[str, str | None], CodeSource], source: CodeSource) -> None:
    """One source per repository and revision, with every entry module named there."""
    key = (source.repo_id, source.revision)
    known = sources.get(key)
    if known is None:
        sources[key] = source
    elif not set(source.entries) <= set(known.entries):
        sources[key] = replace(known, entries=known.entries + source.entries)


def _unanalysed_issue(snapshot: RepoSnapshot, reasons: list[str]) -> RepoIssue:
    """HG408: names on the load path that hubguard would not follow, so the code they name was not analysed."""
    message = f"{_where(snapshot)}: code this call would run was not fully analysed: {'; '.join(reasons)}"
    return RepoIssue("HG408", message, RULES["HG408"].level, properties={"reasons": reasons})


def _sizes(snapshot: RepoSnapshot) -> dict[str, int]:
    return {path: info.size for path, info in snapshot.files.items()}


def _where(snapshot: RepoSnapshot) -> str:
    if snapshot.repo_type == url.REPO_TYPE:  # no commit: the identity is in the finding's properties
        return plain(snapshot.repo_id, limit=200)
    return f"{plain(snapshot.repo_id)} at {snapshot.sha[:12]}"


def _notice_issues(snapshot: RepoSnapshot, reader: RepoReader) -> list[RepoIssue]:
    """Findings the resolver made itself (an OpenMMLab name redirected by a local table)."""
    related = tuple(Location(reader.web_url(path)) for path in snapshot.files)
    return [
        RepoIssue(notice.rule_id, printable(notice.message, limit=800), RULES[notice.rule_id].level, related)
        for notice in snapshot.notices
    ]


def _entry_notes(snapshot: RepoSnapshot, work: RepoWork) -> list[str]:
    """What the HG401 message adds about a hub's entry file: torch.hub's hubconf.py ``dependencies``. A read
    that fails here is the code source's to report (HG408)."""
    data = work.read(HUBCONF, work.max_code_bytes, []) if snapshot.repo_type == "github" else None
    note = describe_dependencies(data.decode("utf-8", errors="replace")) if data is not None else None
    return [printable(note)] if note else []


def _hub_flag_issues(snapshot: RepoSnapshot, reader: RepoReader) -> list[RepoIssue]:
    status = snapshot.security_status
    if status is None:
        return []
    return [
        RepoIssue(
            "HG402",
            f"the hub's own scanner flags {plain(path)} in {_where(snapshot)} as {plain(level)}",
            Level.ERROR,
            (Location(reader.web_url(path)),) if path in snapshot.files else (),
            {"source": "hub-security-status"},
        )
        for path, level in sorted(status.flagged.items())
    ]


def _weight_issues(
    snapshot: RepoSnapshot, reader: RepoReader, scanners: Scanners, problems: list[HubError], verdicts: dict[str, Any]
) -> list[RepoIssue]:
    """HG404 and the inspector's findings; every file's verdict goes into ``verdicts`` (for the inventory)."""
    if snapshot.repo_type == url.REPO_TYPE:  # the file at a URL is what the call loads, whatever its name
        loaded = [path for path in snapshot.files if not path.endswith(".py")]
        return _inspected(reader, scanners, problems, loaded, verdicts)
    pickles = pickle_weights(snapshot.files, scanners.is_weight_candidate)
    if not pickles:
        return []
    listed = ", ".join(plain(path) for path in pickles[:5]) + (" ..." if len(pickles) > 5 else "")
    pickle_only = RepoIssue(
        "HG404",
        f"{_where(snapshot)} has no safetensors weights, so the call loads pickles: {listed}",
        RULES["HG404"].level,
        tuple(Location(reader.web_url(path)) for path in pickles),
    )
    return [pickle_only, *_inspected(reader, scanners, problems, pickles, verdicts)]


def _inspected(
    reader: RepoReader, scanners: Scanners, problems: list[HubError], paths: list[str], verdicts: dict[str, Any]
) -> list[RepoIssue]:
    """Each weight file judged through Range reads: HG403 for a dangerous pickle, HG405 for one not judged."""
    issues: list[RepoIssue] = []
    if len(paths) > MAX_WEIGHT_FILES:
        problems.append(TooLarge(f"only the first {MAX_WEIGHT_FILES} of {len(paths)} weight files were inspected"))
    for path in paths[:MAX_WEIGHT_FILES]:
        source = reader.open_source(path)
        try:
            verdict = scanners.inspect_source(source)
        except Exception as error:  # one file's crash must not drop the other files' findings
            problems.append(HubError(f"inspecting {plain(path)} failed ({type(error).__name__})", "report a bug"))
            continue
        if isinstance(source, HttpRangeSource) and source.failure is not None:
            problems.append(source.failure)  # the hub failed mid-inspection: the outcome must not be cached
        verdicts[path] = verdict
        for finding in scanners.verdict_findings(verdict, Location(reader.web_url(path))):
            related = (finding.location, *finding.related)
            issues.append(RepoIssue(finding.rule_id, finding.message, finding.level, related, finding.properties))
    return issues


def _safe_relative(path: str) -> PurePosixPath | None:
    candidate = PurePosixPath(path)
    if candidate.is_absolute() or "\\" in path or any(part in ("", ".", "..") for part in path.split("/")):
        return None
    return candidate
