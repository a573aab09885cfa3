"""Turn findings into fix requests, or into the reason no fix can be attempted.

Only what the static pass recorded in ``finding.properties`` is trusted here; the codemod
re-checks every request against the call it finds in the file before touching it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from hubguard.findings import Finding
from hubguard.formats.rule_docs import fix_advice
from hubguard.revisions import is_commit_sha

FIXABLE_RULES = frozenset({"HG201", "HG301"})
UNSAFE_WEIGHTS_ONLY = (
    "adding weights_only=True is an unsafe fix: a checkpoint that holds non-tensor objects (optimizer "
    "state, custom classes) stops loading; check what the file holds, then rerun with --unsafe-fixes"
)


@dataclass(frozen=True)
class FixPolicy:
    unsafe: bool = False  # apply fixes that can change behaviour (weights_only=True)
    offline: bool = False  # the scan did not look revisions up


class FixKind(str, enum.Enum):
    REVISION_KEYWORD = "keyword"
    TORCHHUB_SUFFIX = "torchhub-suffix"
    HF_HUB_SUFFIX = "hf-hub-suffix"
    WEIGHTS_ONLY = "weights_only"


@dataclass(frozen=True)
class FixRequest:
    finding: Finding
    kind: FixKind
    line: int  # 1-based line of the Call node's start
    column: int  # 1-based code-point column of the Call node's start
    revision_keyword: str | None = None
    requested_revision: str | None = None
    resolved_revision: str | None = None
    revision_arg_present: bool = False  # a revision argument exists in some form (keyword or positional)
    note: str | None = None  # what the user must know about the fix (e.g. the release that loads it)

    @property
    def label(self) -> str:
        return describe(self.finding)


def describe(finding: Finding) -> str:
    region = finding.location.region
    where = f"{region.start_line}:{region.start_column}" if region else "?"
    return f"{finding.rule_id} at {finding.location.path}:{where}"


def fix_request(finding: Finding, policy: FixPolicy = FixPolicy()) -> FixRequest | str:
    """A request for ``finding``, or the reason it cannot be fixed automatically (true, and in the user's terms)."""
    path = finding.location.path
    if finding.location.is_remote:
        return "the finding is in a remote file"
    if not path.endswith(".py"):
        if path.endswith(".ipynb"):
            return "notebooks are not rewritten; edit the cell by hand"
        return "only .py files are rewritten"
    position = _call_position(finding.properties.get("call"))
    if position is None:
        return "the scan did not record the call's position"
    if finding.rule_id == "HG201":
        return _revision_request(finding, policy, *position)
    return _weights_only_request(finding, policy, *position)


def _call_position(call: object) -> tuple[int, int] | None:
    if not isinstance(call, dict):
        return None
    line, column = call.get("line"), call.get("column")
    if isinstance(line, int) and isinstance(column, int) and line >= 1 and column >= 1:
        return line, column
    return None


def _revision_request(finding: Finding, policy: FixPolicy, line: int, column: int) -> FixRequest | str:
    props = finding.properties
    style = props.get("revisionStyle")
    kinds = {kind.value: kind for kind in (FixKind.REVISION_KEYWORD, FixKind.TORCHHUB_SUFFIX, FixKind.HF_HUB_SUFFIX)}
    if style not in kinds:
        return "this loader has no revision argument that pins the files it loads"
    requested = props.get("requestedRevision")
    if requested is not None and not isinstance(requested, str):
        return "the requested revision is not a string"
    if props.get("revisionArgPresent") and not props.get("revisionArgIsLiteral"):
        if requested is None:
            return (
                "the revision is not a literal (a variable or run-time value); pin it to a commit SHA where it is set"
            )
        return f"the revision {requested!r} comes from a variable or **kwargs; pin it where it is defined"
    resolved = props.get("resolvedRevision")
    if not is_commit_sha(resolved):
        repo_id = props.get("repoId")
        if not isinstance(repo_id, str):
            return "the repository is not a literal, so there is no commit to pin it to; pin it where it is chosen"
        if policy.offline:
            return "the scan ran with --offline, so the revision was not looked up; run it online to pin"
        return f"the hub did not resolve {repo_id} to a commit (see the other findings for that call)"
    kind = kinds[style]
    keyword = props.get("revisionKeyword")
    if kind is FixKind.REVISION_KEYWORD:
        if not isinstance(keyword, str) or not keyword.isidentifier():
            return "the scan did not record the revision keyword"
    elif props.get("repoArgIsLiteral") is False:
        return "the repository argument is not a string literal"
    return FixRequest(
        finding=finding,
        kind=kind,
        line=line,
        column=column,
        revision_keyword=keyword if kind is FixKind.REVISION_KEYWORD else None,
        requested_revision=requested,
        resolved_revision=resolved,
        revision_arg_present=bool(props.get("revisionArgPresent") or props.get("revisionArgIsLiteral")),
        note=note if isinstance(note := props.get("fixNote"), str) else None,
    )


def _weights_only_request(finding: Finding, policy: FixPolicy, line: int, column: int) -> FixRequest | str:
    if finding.properties.get("fix") == "weights_only":
        if not policy.unsafe:
            return UNSAFE_WEIGHTS_ONLY
        return FixRequest(finding=finding, kind=FixKind.WEIGHTS_ONLY, line=line, column=column)
    advice = fix_advice(finding)
    return f"no automatic fix for this load: {advice.text}" if advice else "no automatic fix for this load"
