"""A whole scan: static pass, then the remote pass over the references it resolved."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from hubguard.config import Config
from hubguard.findings import (
    CODE_REVISION_KEYWORDS,
    INTERNAL_ERROR,
    Finding,
    HubReference,
    Level,
    Notification,
    ScanResult,
)
from hubguard.filters.suppressions import (
    UNUSED_RULE,
    suppress_remote,
    unknown_code_notifications,
    unused_suppression_findings,
)
from hubguard.rules import REMOTE_PASS_PREFIX
from hubguard.static.engine import analyze_bytes, scan_paths


@dataclass
class ScanOptions:
    paths: list[Path]
    root: Path
    config: Config
    progress: bool = False
    verbose: bool = False  # print the traceback of an internal error
    stdin: tuple[str, bytes] | None = None  # (display path, source) scanned instead of ``paths``


def run_scan(options: ScanOptions) -> ScanResult:
    if options.stdin is not None:
        result = analyze_bytes(options.stdin[1], options.stdin[0], options.config)
    else:
        progress = options.progress and sys.stderr.isatty()
        result = scan_paths(options.paths, options.config, options.root, progress=progress)
    if result.references and not options.config.offline:
        try:
            _run_remote(result, options)
        except Exception as error:  # the static findings must still be reported, and the run must exit 3
            result.notifications.append(_internal_error("the remote pass", error, options.verbose))
    elif result.references:
        result.stats["remote"] = "skipped (--offline)"
    _apply_per_file_ignores(result, options)
    _check_suppressions(result, options)
    result.findings.sort(key=Finding.sort_key)
    return result


def _ignored_in_file(rule_id: str, path: str, options: ScanOptions) -> bool:
    """Whether ``per-file-ignores`` turns ``rule_id`` off for root-relative ``path``."""
    config = options.config
    if not config.per_file_ignores or path.startswith(("https://", "http://")):
        return False
    try:
        relative = (options.root / path).resolve().relative_to(config.base or options.root).as_posix()
    except ValueError:
        return False
    return config.ignored_in_file(rule_id, relative)


def _apply_per_file_ignores(result: ScanResult, options: ScanOptions) -> None:
    """Drop findings that ``per-file-ignores`` turns off for their file (static and remote alike)."""
    if options.config.per_file_ignores:
        result.findings[:] = [f for f in result.findings if not _ignored_in_file(f.rule_id, f.location.path, options)]


def _check_suppressions(result: ScanResult, options: ScanOptions) -> None:
    """Unknown codes in suppression comments are always reported; unused comments when asked (HG002)."""
    result.notifications.extend(unknown_code_notifications(result.suppressions))
    config = options.config
    if config.report_unused_ignores and config.rule_enabled(UNUSED_RULE):

        def enabled(rule_id: str, path: str) -> bool:
            if config.offline and rule_id.startswith(REMOTE_PASS_PREFIX):
                return False
            return config.rule_enabled(rule_id) and not _ignored_in_file(rule_id, path, options)

        unused = unused_suppression_findings(result.suppressions, enabled)
        result.findings.extend(f for f in unused if not _ignored_in_file(f.rule_id, f.location.path, options))


def _internal_error(stage: str, error: Exception, verbose: bool) -> Notification:
    if verbose:
        import traceback  # only a failing run with --verbose prints one

        traceback.print_exc(file=sys.stderr)
    return Notification(
        f"internal error in {stage} ({type(error).__name__}: {error}); its findings are missing. Please report it.",
        None,
        Level.ERROR,
        INTERNAL_ERROR,
    )


def _run_remote(result: ScanResult, options: ScanOptions) -> None:
    from hubguard.hub.remote_pass import RemoteOptions, run_remote_pass

    config = options.config
    remote = run_remote_pass(
        result.references,
        RemoteOptions(
            offline=config.offline,
            timeout=config.timeout,
            cache_dir=config.cache_dir,
            endpoint=os.environ.get("HF_ENDPOINT"),
            token=os.environ.get("HF_TOKEN") or None,
            project_root=options.root,
            progress=options.progress and sys.stderr.isatty(),
            pickle_allowlist=config.pickle_allowlist,
        ),
    )
    remote_findings = [f for f in remote.findings if config.rule_enabled(f.rule_id)]
    suppress_remote(remote_findings, result.suppressions)
    result.findings.extend(remote_findings)
    result.notifications.extend(remote.notifications)
    result.stats["remote"] = remote.stats
    result.resolved = remote.resolved
    _attach_resolutions(result.findings, remote.resolutions)
    _attach_code_resolutions(result.findings, remote.code_resolutions)


def _attach_resolutions(findings: list[Finding], resolutions: list[tuple[HubReference, str]]) -> None:
    """Give each HG201 finding the commit its reference resolved to, so --fix can pin it."""
    for reference, sha in resolutions:
        for finding in _pin_findings(findings, reference):
            if finding.properties.get("revisionKeyword") not in CODE_REVISION_KEYWORDS:
                finding.properties["resolvedRevision"] = sha


def _attach_code_resolutions(findings: list[Finding], resolutions: list[tuple[HubReference, str, str, str]]) -> None:
    """Give an HG201 on code_revision or custom_revision the commit the code it chooses resolved to, when
    that is one commit (code_revision naming code in two repositories cannot pin both)."""
    commits: dict[tuple[int, str], set[tuple[str, str]]] = {}
    for reference, keyword, repo_id, sha in resolutions:
        commits.setdefault((id(reference), keyword), set()).add((repo_id, sha))
    for reference, keyword, _, _ in resolutions:
        chosen = commits[(id(reference), keyword)]
        for finding in _pin_findings(findings, reference):
            if finding.properties.get("revisionKeyword") == keyword and len(chosen) == 1:
                finding.properties["resolvedRevision"] = next(iter(chosen))[1]


def _pin_findings(findings: list[Finding], reference: HubReference) -> list[Finding]:
    """The HG201 findings of the reference's own call."""
    region = reference.location.region
    call_start = {"line": region.start_line, "column": region.start_column} if region else None
    return [
        finding
        for finding in findings
        if finding.rule_id == "HG201"
        and finding.location.path == reference.location.path
        and finding.properties.get("repoId") in (reference.repo_id, reference.custom_pipeline)
        and finding.properties.get("call") == call_start
    ]
