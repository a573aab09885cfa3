"""Apply the fixes for a scan's findings to the files they point at."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper

from hubguard.findings import Finding
from hubguard.fix.codemod import CallFixer, plan_edits
from hubguard.fix.requests import FIXABLE_RULES, FixPolicy, FixRequest, describe, fix_request
from hubguard.static.recovery import PARSE_ERRORS, parse


@dataclass
class FixOutcome:
    path: str  # root-relative POSIX path, as in the findings
    changed: bool
    applied: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (finding, reason)
    diff: str = ""


def apply_fixes(
    findings: list[Finding], root: Path, *, write: bool, unsafe: bool = False, offline: bool = False
) -> list[FixOutcome]:
    """Rewrite the calls behind fixable findings; with ``write=False`` only compute the diffs.

    ``unsafe`` also applies fixes that can change behaviour (``weights_only=True``); ``offline`` says the
    scan did not resolve revisions, so the reasons given for unpinned ones are true. Returns one outcome
    per file that has at least one HG201/HG301 finding, sorted by path.
    """
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.rule_id in FIXABLE_RULES and not finding.suppressed:
            by_path.setdefault(finding.location.path, []).append(finding)
    policy = FixPolicy(unsafe=unsafe, offline=offline)
    return [_fix_file(root, path, by_path[path], policy, write=write) for path in sorted(by_path)]


def _fix_file(root: Path, path: str, findings: list[Finding], policy: FixPolicy, *, write: bool) -> FixOutcome:
    outcome = FixOutcome(path=path, changed=False)
    requests: list[FixRequest] = []
    for finding in findings:
        request = fix_request(finding, policy)
        if isinstance(request, str):
            outcome.skipped.append((describe(finding), request))
        else:
            requests.append(request)
    if not requests:
        return outcome

    def skip_all(reason: str) -> FixOutcome:
        outcome.skipped.extend((request.label, reason) for request in requests)
        return outcome

    file = _inside(root, path)
    if file is None:
        return skip_all("the path is outside the scanned root")
    try:
        original = file.read_bytes()
    except OSError as error:
        return skip_all(f"could not read the file: {error.strerror or error}")
    if not _python_parses(original):
        # LibCST's native parser can crash on nesting CPython rejects; only files CPython parses are rewritten.
        return skip_all("could not parse the file")
    try:
        wrapper = MetadataWrapper(cst.parse_module(original))
    except (cst.ParserSyntaxError, UnicodeDecodeError, LookupError):
        return skip_all("could not parse the file")

    plan = plan_edits(wrapper, requests)
    outcome.applied, outcome.skipped = plan.applied, outcome.skipped + plan.skipped
    if not plan.call_edits:
        return outcome
    fixed = wrapper.visit(CallFixer(plan))
    updated = fixed.bytes
    try:
        cst.parse_module(updated)
    except cst.ParserSyntaxError:
        outcome.applied = []
        return skip_all("the rewritten file would not parse; nothing was changed")
    outcome.changed = updated != original
    outcome.diff = _unified_diff(path, original, updated, fixed.encoding)
    if write and outcome.changed:
        file.write_bytes(updated)
    return outcome


def _python_parses(source: bytes) -> bool:
    try:
        parse(source)
    except PARSE_ERRORS:
        return False
    return True


def _inside(root: Path, path: str) -> Path | None:
    candidate = (root / path).resolve()
    return candidate if candidate.is_relative_to(root.resolve()) else None


def _unified_diff(path: str, before: bytes, after: bytes, encoding: str) -> str:
    lines_before = before.decode(encoding, errors="replace").splitlines(keepends=True)
    lines_after = after.decode(encoding, errors="replace").splitlines(keepends=True)
    return "".join(difflib.unified_diff(lines_before, lines_after, fromfile=f"a/{path}", tofile=f"b/{path}"))
