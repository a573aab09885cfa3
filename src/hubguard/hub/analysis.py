"""Per-repository work of the remote pass: resolve, plan and fetch code, inspect weights, read hub flags."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from hubguard.findings import Level, Location
from hubguard.hub import url
from hubguard.hub.errors import EntryNotFound, HubError, RepoMoved, RepoNotFound, TooLarge
from hubguard.hub.outcome import RepoIssue, RepoOutcome, plain, printable
from hubguard.hub.range_source import HttpRangeSource
from hubguard.hub.resolver import RepoReader
from hubguard.hub.scanners import Scanners
from hubguard.hub.snapshot import RepoSnapshot
from hubguard.hub.weights import MAX_WEIGHT_FILES, pickle_weights
from hubguard.remote_code.hubconf import HUBCONF, describe_dependencies
from hubguard.rules import RULES

MAX_CONFIG_BYTES = 1_000_000
_LISTED_MODULES = 10  # an HG401 message names this many modules; related locations list them all
# Where the loader fetches auto_map code that lives in another repository, by the hub of the loaded repo.
_CROSS_REPO_DEFAULT = "from its main branch unless code_revision pins a commit"
_CROSS_REPO_SOURCE = {
    "modelscope": "from its master branch on ModelScope, whatever revision or code_revision the call passes",
    "opencsg": (
        "from its main branch on Hugging Face (pycsghub leaves it to transformers) unless code_revision pins a commit"
    ),
}


@dataclass(frozen=True)
class Profile:
    """What a call does with the repo; the same repo can be loaded differently at several call sites."""

    runs_remote_code: bool
    loads_weights: bool
    code_revision_pinned: bool = False  # code_revision is a commit SHA, so cross-repo auto_map code is pinned
    imports_repo_code: bool = False  # ModelScope Model/pipeline: configuration.json plugins, every .py imported

    def cache_tag(self) -> str:
        pinned = int(self.code_revision_pinned)
        flags = f"code={int(self.runs_remote_code)},weights={int(self.loads_weights)},code-pinned={pinned}"
        return flags + (",imports-repo=1" if self.imports_repo_code else "")


@dataclass
class ProfileWork:
    outcome: RepoOutcome
    code_paths: set[str] = field(default_factory=set)


@dataclass
class RepoWork:
    """One (repo, requested revision): its snapshot, code fetched to disk and per-profile results."""

    snapshot: RepoSnapshot | None
    reader: RepoReader | None
    code_dir: Path
    max_code_bytes: int
    profiles: dict[Profile, ProfileWork] = field(default_factory=dict)
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
    return incomplete_outcome(None, repo_id, revision, [error.reason], error.fix)


def incomplete_outcome(
    sha: str | None, repo_id: str, revision: str | None, reasons: list[str], fix: str
) -> RepoOutcome:
    return RepoOutcome(sha, [incomplete_issue(repo_id, revision, reasons, fix)], complete=False)


def incomplete_issue(repo_id: str, revision: str | None, reasons: list[str], fix: str) -> RepoIssue:
    reasons = [printable(reason) for reason in reasons]  # they quote remote paths and server answers
    target = plain(repo_id) + (f" at {plain(revision)}" if revision else "")
    message = f"could not fully scan {target}: {'; '.join(reasons)}. Fix: {fix}"
    return RepoIssue("HG405", message, RULES["HG405"].level, properties={"reasons": reasons})


def analyse_profile(work: RepoWork, profile: Profile, scanners: Scanners) -> ProfileWork:
    snapshot, reader = work.snapshot, work.reader
    assert snapshot is not None and reader is not None
    problems: list[HubError] = []
    code_problems: list[HubError] = []  # reading code this load runs: an unread file is HG408, not HG405
    result = ProfileWork(RepoOutcome(snapshot.sha))
    issues = result.outcome.issues
    issues.extend(_hub_flag_issues(snapshot, reader))
    issues.extend(_notice_issues(snapshot, reader))

    def read_json(path: str) -> Any:
        """Any JSON value (modules.json is a list); the planner checks the shape it expects."""
        data = work.read(path, MAX_CONFIG_BYTES, problems)
        try:
            return json.loads(data) if data is not None else None
        except (ValueError, RecursionError):
            return None

    def read_text(path: str) -> str | None:
        data = work.read(path, work.max_code_bytes, code_problems)
        return data.decode("utf-8", errors="replace") if data is not None else None

    files = {path: info.size for path, info in snapshot.files.items()}
    plan = scanners.plan_code(
        files,
        read_json,
        repo_type=snapshot.repo_type,
        runs_remote_code=profile.runs_remote_code,
        imports_repo_code=profile.imports_repo_code,
    )
    entries = [module.path for module in plan.modules]
    closure = scanners.import_closure(entries, read_text, files)
    result.code_paths = {path for path in closure if work.stage_code(path, code_problems)}
    if profile.runs_remote_code and (plan.modules or plan.pip_plugins or plan.pip_requirements):
        issues.append(_remote_code_issue(snapshot, reader, plan, closure, _entry_notes(snapshot, read_text)))
    unanalysed = _unanalysed_reasons(plan, closure, result.code_paths, code_problems)
    if unanalysed:
        unread = [path for path in closure if path not in result.code_paths]
        issues.append(unanalysed_issue(snapshot, reader, unanalysed, unread))
    if profile.runs_remote_code and not profile.code_revision_pinned:
        issues.extend(_cross_repo_issue(snapshot, reader, cross) for cross in plan.cross_repo)
    if profile.loads_weights:
        issues.extend(_weight_issues(snapshot, reader, scanners, problems))
    if snapshot.partial is not None:
        problems.append(snapshot.partial)
    if problems:
        reasons = list(dict.fromkeys(problem.reason for problem in problems))
        fix = "; ".join(dict.fromkeys(problem.fix for problem in problems))
        issues.append(incomplete_issue(snapshot.repo_id, snapshot.requested_revision, reasons, fix))
    # A size limit gives the same answer next time, so that outcome may be cached; a failed download may not.
    transient = [problem for problem in code_problems if not isinstance(problem, TooLarge)]
    result.outcome.complete = not problems and not transient
    return result


def unanalysed_issue(snapshot: RepoSnapshot, reader: RepoReader, reasons: list[str], paths: list[str]) -> RepoIssue:
    """HG408: files this load executes that were not read or analysed in full."""
    message = f"{_where(snapshot)}: code this call would run was not fully analysed: {'; '.join(reasons)}"
    related = tuple(
        Location(reader.web_url(path), description="not analysed") for path in paths if path in snapshot.files
    )
    return RepoIssue("HG408", message, RULES["HG408"].level, related, {"reasons": reasons})


def _unanalysed_reasons(plan: Any, closure: Any, staged: set[str], code_problems: list[HubError]) -> list[str]:
    reasons = [plain(refusal, limit=300) for refusal in plan.refused]
    reasons += list(dict.fromkeys(problem.reason for problem in code_problems))
    unread = [path for path in closure if path not in staged]
    if unread and not code_problems:
        reasons.append("not fetched: " + ", ".join(plain(path) for path in unread[:10]))
    if closure.unfollowed:
        listed = ", ".join(plain(path) for path in closure.unfollowed[:10])
        reasons.append(f"the import closure reached its limits; not followed: {listed}")
    return reasons


def _where(snapshot: RepoSnapshot) -> str:
    if snapshot.repo_type == url.REPO_TYPE:  # no commit: the identity is in the finding's properties
        return plain(snapshot.repo_id, limit=200)
    return f"{plain(snapshot.repo_id)} at {snapshot.sha[:12]}"


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


def _entry_notes(snapshot: RepoSnapshot, read_text: Callable[[str], str | None]) -> list[str]:
    """What the HG401 message adds about a hub's entry file: torch.hub's hubconf.py ``dependencies``."""
    source = read_text(HUBCONF) if snapshot.repo_type == "github" and HUBCONF in snapshot.files else None
    note = describe_dependencies(source) if source is not None else None
    return [printable(note)] if note else []


def _notice_issues(snapshot: RepoSnapshot, reader: RepoReader) -> list[RepoIssue]:
    """Findings the resolver made itself (an OpenMMLab name redirected by a local table)."""
    related = tuple(Location(reader.web_url(path)) for path in snapshot.files)
    return [
        RepoIssue(notice.rule_id, printable(notice.message, limit=800), RULES[notice.rule_id].level, related)
        for notice in snapshot.notices
    ]


def _remote_code_issue(
    snapshot: RepoSnapshot, reader: RepoReader, plan: Any, closure: list[str], notes: list[str]
) -> RepoIssue:
    modules = plan.modules
    described = ", ".join(
        plain(module.path) + (f" ({', '.join(plain(c) for c in module.classes)})" if module.classes else "")
        for module in modules[:_LISTED_MODULES]
    ) + (f" and {len(modules) - _LISTED_MODULES} more" if len(modules) > _LISTED_MODULES else "")
    if plan.imports_all:
        described = f"ModelScope imports every .py file of the repository ({len(modules)}: {described})"
    runs = [f"ships code this call would run: {described}"] if modules else []
    if plan.pip_plugins:
        runs.append("pip-installs the configuration.json plugins " + ", ".join(plain(p) for p in plan.pip_plugins))
    if plan.pip_requirements:
        runs.append("pip-installs the packages listed in " + ", ".join(plain(p) for p in plan.pip_requirements))
    message = f"{_where(snapshot)} " + "; ".join(runs + notes)
    installed = set(plan.pip_requirements)
    related = tuple(
        Location(reader.web_url(path), description="pip-installed" if path in installed else "runs on load")
        for path in [*closure, *(path for path in plan.pip_requirements if path not in closure)]
    )
    properties = {"codeFiles": closure, "notes": list(plan.notes)}
    if plan.pip_plugins or plan.pip_requirements:
        properties |= {"pipPlugins": list(plan.pip_plugins), "pipRequirements": list(plan.pip_requirements)}
    return RepoIssue("HG401", message, RULES["HG401"].level, related, properties)


def _cross_repo_issue(snapshot: RepoSnapshot, reader: RepoReader, cross: Any) -> RepoIssue:
    repo_id, module, class_name, key = cross.repo_id, cross.module, cross.class_name, cross.key
    hub_family = snapshot.hub.partition(":")[0]  # CSGHub's mirror namespaces load it the same way
    message = (
        f"{_where(snapshot)} maps {plain(key)} to {plain(module + '.' + class_name)} in another repository, "
        f"{plain(repo_id)}, which is loaded {_CROSS_REPO_SOURCE.get(hub_family, _CROSS_REPO_DEFAULT)}"
    )
    related = tuple(Location(reader.web_url(path)) for path in ("config.json",) if path in snapshot.files)
    return RepoIssue("HG406", message, RULES["HG406"].level, related, {"codeRepoId": repo_id})


def _weight_issues(
    snapshot: RepoSnapshot, reader: RepoReader, scanners: Scanners, problems: list[HubError]
) -> list[RepoIssue]:
    if snapshot.repo_type == url.REPO_TYPE:  # the file at a URL is what the call loads, whatever its name
        return _inspected(reader, scanners, problems, [path for path in snapshot.files if not path.endswith(".py")])
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
    return [pickle_only, *_inspected(reader, scanners, problems, pickles)]


def _inspected(reader: RepoReader, scanners: Scanners, problems: list[HubError], paths: list[str]) -> list[RepoIssue]:
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
        for finding in scanners.verdict_findings(verdict, Location(reader.web_url(path))):
            related = (finding.location, *finding.related)
            issues.append(RepoIssue(finding.rule_id, finding.message, finding.level, related, finding.properties))
    return issues


def _safe_relative(path: str) -> PurePosixPath | None:
    candidate = PurePosixPath(path)
    if candidate.is_absolute() or "\\" in path or any(part in ("", ".", "..") for part in path.split("/")):
        return None
    return candidate
