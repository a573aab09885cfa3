"""One call's remote findings: the loaded repository's outcome and every code source it runs, judged together.

The verdict sees the matches of all the code one load executes at once, wherever it comes from (the
repository's own modules, a cross-repository ``auto_map``, a ``custom_pipeline`` repository), so weak
signals in two repositories still combine, and each finding says which repository and commit a place is in.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from hubguard.findings import HubReference, Level, Location, Region
from hubguard.hub import url
from hubguard.hub.analysis import incomplete_issue
from hubguard.hub.code_units import UnitResult
from hubguard.hub.errors import RepoNotFound
from hubguard.hub.outcome import CodeSource, PlannedCode, RepoIssue, RepoOutcome, plain, printable
from hubguard.remote_code.verdict import CodeIssue, judge_closure
from hubguard.revisions import is_commit_sha
from hubguard.rules import RULES

_MATCH_LEVELS = {"error": Level.ERROR, "warning": Level.WARNING, "info": Level.NOTE}
_LISTED_MODULES = 10  # an HG401 message names this many modules; related locations list them all


@dataclass(frozen=True, eq=False)  # one per source of one load: compared and hashed by identity
class RunCode:
    """A code source of one load with what fetching and scanning it gave."""

    source: CodeSource
    result: UnitResult

    @property
    def own(self) -> bool:
        return self.source.kind == "own"

    def where(self) -> str:
        """Which repository and commit, and why this load runs code from there."""
        source, sha = self.source, self.result.sha
        if source.repo_type == url.REPO_TYPE:  # no commit: the identity is in the finding's properties
            at = plain(source.repo_id, limit=200)
        elif sha:
            at = f"{plain(source.repo_id)} at {sha[:12]}"
        else:
            at = f"{plain(source.repo_id)}@{source.revision or 'main'}"
        if self.own:
            return at + (" (its code_revision)" if source.keyword == "code_revision" else "")
        if is_commit_sha(source.revision):
            return f"{at} ({plain(source.named_by)})"
        revision = "its default branch" if source.revision is None else f"revision {plain(source.revision)}"
        return f"{at} ({plain(source.named_by)}, {revision})"


def load_issues(ref: HubReference, outcome: RepoOutcome | None, code: list[RunCode]) -> list[RepoIssue]:
    """Everything reported at one call, in a stable order; ``outcome`` is None for a call that loads nothing
    but the code it names (``generate(custom_generate=...)``)."""
    issues = list(outcome.issues) if outcome is not None else []
    planned = outcome.code if outcome is not None else None
    own = next((item for item in code if item.own), None)
    if ref.runs_remote_code and planned is not None and (planned.modules or planned.pip_plugins or planned.installed):
        where = own.where() if own is not None else f"{plain(ref.repo_id)} at {(outcome.sha if outcome is not None and outcome.sha else '?')[:12]}"
        issues.append(_remote_code_issue(planned, own, where))
    issues.extend(_cross_repo_issue(ref.hub, item) for item in code
                  if item.source.kind == "config" and not is_commit_sha(item.source.revision))
    labels = _labels(code)
    owners = {labels[index] + match.path: (item, match.path) for index, item in enumerate(code)
              for match in item.result.matches}
    matches = [replace(match, path=labels[index] + match.path) for index, item in enumerate(code)
               for match in item.result.matches]
    issues.extend(_code_issue(issue, owners) for issue in judge_closure(matches))
    for item in code:
        if item.result.failure is not None:
            issues.append(_failure_issue(item))
        elif item.result.unanalysed:
            issues.append(_unanalysed_issue(item))
    return issues


def _labels(code: list[RunCode]) -> list[str]:
    """How each source's paths read in messages: the own code plainly, other repositories' as ``org/name:``."""
    names = [item.source.repo_id for item in code if not item.own]
    labels = []
    for item in code:
        if item.own:
            labels.append("")
        elif names.count(item.source.repo_id) > 1 and item.result.sha:
            labels.append(f"{item.source.repo_id}@{item.result.sha[:12]}:")
        else:
            labels.append(f"{item.source.repo_id}:")
    return labels


def _remote_code_issue(planned: PlannedCode, own: RunCode | None, where: str) -> RepoIssue:
    """HG401: the load's own code, and what ModelScope pip-installs from the repository."""
    modules = list(planned.modules.items())
    described = ", ".join(
        plain(path) + (f" ({', '.join(plain(name) for name in classes)})" if classes else "")
        for path, classes in modules[:_LISTED_MODULES]
    ) + (f" and {len(modules) - _LISTED_MODULES} more" if len(modules) > _LISTED_MODULES else "")
    if planned.imports_all:
        described = f"ModelScope imports every .py file of the repository ({len(modules)}: {described})"
    runs = [f"ships code this call would run: {described}"] if modules else []
    if planned.pip_plugins:
        runs.append("pip-installs the configuration.json plugins " + ", ".join(plain(p) for p in planned.pip_plugins))
    if planned.installed:
        runs.append("pip-installs the packages listed in " + ", ".join(plain(p) for p in planned.installed))
    runs += planned.entry_notes
    closure = own.result.closure if own is not None else []
    urls = (own.result.urls if own is not None else {}) | planned.installed
    related = tuple(
        Location(urls[path], description="pip-installed" if path in planned.installed else "runs on load")
        for path in [*closure, *(path for path in planned.installed if path not in closure)]
    )
    properties: dict[str, Any] = {"codeFiles": closure, "notes": list(planned.notes)}
    if planned.pip_plugins or planned.installed:
        properties |= {"pipPlugins": list(planned.pip_plugins), "pipRequirements": list(planned.installed)}
    return RepoIssue("HG401", f"{where} " + "; ".join(runs), RULES["HG401"].level, related, properties)


def _cross_repo_issue(hub: str, item: RunCode) -> RepoIssue:
    source, result = item.source, item.result
    now = f" (now {result.sha[:12]})" if result.sha else ""
    if source.hub.partition(":")[0] == "modelscope":
        at = f"its master branch on ModelScope{now}, whatever revision or code_revision the call passes"
    elif source.hub != hub:  # pycsghub leaves auto_map to transformers
        at = f"its main branch on Hugging Face{now} (pycsghub leaves it to transformers) unless code_revision pins a commit"
    else:
        at = ("its default branch" if source.revision is None else f"code_revision {plain(source.revision)}") + now
    message = (
        f"{plain(source.named_by)} names code in another repository, {plain(source.repo_id)}, which loads from "
        f"{at}: whoever controls that repository changes what this call runs"
    )
    if result.missing and result.sha:
        message += f". It has no {', '.join(plain(path) for path in result.missing)} there, so the load fails today"
    related = tuple(Location(result.urls[path], description="runs on load") for path in source.entries
                    if path in result.urls)
    properties: dict[str, Any] = {"codeRepoId": source.repo_id, "codeRevision": source.revision}
    if result.sha:
        properties["resolvedCodeRevision"] = result.sha
    return RepoIssue("HG406", message, RULES["HG406"].level, related, properties)


def _code_issue(issue: CodeIssue, owners: dict[str, tuple[RunCode, str]]) -> RepoIssue:
    """An HG402 from the verdict on the load's code: the remote places are its related locations.

    ``owners`` maps each labelled path the verdict saw to its source and its path in that repository."""
    places = [(owners[place.path], place) for place in issue.places]
    sources = list(dict.fromkeys(item for (item, _), _ in places))
    message = f"{'; '.join(item.where() for item in sources)}: {issue.message}"
    related = tuple(
        Location(item.result.urls[path], Region(place.start_line, 1, place.end_line + 1, 1), "matched code")
        for (item, path), place in places
    )
    properties: dict[str, Any] = {"matchRules": list(issue.rules), "remotePaths": [p.path for p in issue.places]}
    if issue.combination is not None:
        properties["combination"] = [issue.combination.first, issue.combination.second]
    return RepoIssue("HG402", message, _MATCH_LEVELS.get(issue.level, Level.ERROR), related, properties)


def _unanalysed_issue(item: RunCode) -> RepoIssue:
    reasons = [printable(reason) for reason in item.result.unanalysed]
    message = f"{item.where()}: code this call would run was not fully analysed: {'; '.join(reasons)}"
    related = tuple(Location(item.result.urls[path], description="not analysed") for path in item.result.unread
                    if path in item.result.urls)
    return RepoIssue("HG408", message, RULES["HG408"].level, related, {"reasons": reasons})


def _failure_issue(item: RunCode) -> RepoIssue:
    source, error = item.source, item.result.failure
    assert error is not None
    named = "" if item.own else f" ({plain(source.named_by)})"
    if error.deliberate:  # offline mode: the loader could not fetch it either, so it would not run
        return incomplete_issue(source.repo_id, source.revision, [error])
    if isinstance(error, RepoNotFound):
        message = (
            f"{plain(source.repo_id)}{named} does not exist on the hub (or is private): whoever registers the "
            "name serves the code this call runs"
        )
        return RepoIssue("HG407", message, RULES["HG407"].level, properties={"codeRepoId": source.repo_id})
    reason = printable(error.reason)
    message = (
        f"{plain(source.repo_id)}@{source.revision or 'main'}{named}: could not fetch code this call would run: "
        f"{reason}. Fix: {error.fix}"
    )
    return RepoIssue("HG408", message, RULES["HG408"].level, properties={"reasons": [reason]})
