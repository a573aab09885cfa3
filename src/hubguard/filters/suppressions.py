"""Inline suppressions after the scan: remote findings, unknown rule codes, and comments that suppress nothing."""

from __future__ import annotations

from collections.abc import Callable

from hubguard.findings import Finding, Level, Notification, SuppressionComment
from hubguard.rules import RULES
from hubguard.static.suppression import ALL_RULES, suppresses

UNUSED_RULE = "HG002"


def suppress_remote(findings: list[Finding], comments: list[SuppressionComment]) -> None:
    """Apply comments to remote-pass findings, which sit on the line of the call that loads the repository."""
    by_line = {(c.location.path, c.location.region.start_line): c for c in comments if c.location.region}
    for finding in findings:
        region = finding.location.region
        comment = by_line.get((finding.location.path, region.start_line)) if region else None
        if comment is not None and suppresses(comment.rules, finding.rule_id):
            finding.suppressed = True
            comment.used.add(finding.rule_id)


def unknown_codes(comment: SuppressionComment) -> list[str]:
    return sorted(code for code in comment.rules if code != ALL_RULES and code not in RULES)


def unknown_code_notifications(comments: list[SuppressionComment]) -> list[Notification]:
    """A misspelt code suppresses nothing and hides nothing: say so, whatever the options."""
    notifications = []
    for comment in comments:
        codes = unknown_codes(comment)
        if codes and comment.location.region is not None:
            line = comment.location.region.start_line
            notifications.append(
                Notification(
                    f"line {line}: '# hubguard: ignore[...]' names unknown rule {', '.join(codes)}; "
                    "see 'hubguard rules'",
                    comment.location.path,
                    Level.WARNING,
                    "unknown-rule",
                )
            )
    return notifications


def unused_suppression_findings(
    comments: list[SuppressionComment], enabled: Callable[[str, str], bool]
) -> list[Finding]:
    """HG002 findings for comments that suppressed nothing; ``enabled(rule_id, path)`` says whether a rule
    could report in that file at all (a comment for a rule that is off is unused too, as 'non-enabled')."""
    findings = []
    for comment in comments:
        if UNUSED_RULE in comment.rules:
            continue  # the comment asks not to be reported
        unknown = unknown_codes(comment)
        listed = sorted(comment.rules - {ALL_RULES} - set(unknown))
        unused = [code for code in listed if code not in comment.used and enabled(code, comment.location.path)]
        disabled = [code for code in listed if code not in comment.used and not enabled(code, comment.location.path)]
        bare_unused = ALL_RULES in comment.rules and not comment.used
        if not (unused or disabled or unknown or bare_unused):
            continue
        parts = [
            f"{label}: {', '.join(codes)}"
            for label, codes in (("unused", unused), ("non-enabled", disabled), ("unknown", unknown))
            if codes
        ]
        what = "'# hubguard: ignore' suppresses nothing" if bare_unused else "Unused suppression"
        detail = f" ({'; '.join(parts)})" if parts else ""
        findings.append(Finding(UNUSED_RULE, f"{what}{detail}.", comment.location, RULES[UNUSED_RULE].level))
    return findings
