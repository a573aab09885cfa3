"""The suppression filters in-process: remote findings on the call's line, unknown codes, HG002's wording.

tests/cli/test_suppressions.py proves the same through ``python -m hubguard``; these pin each decision
where a mutation tool (which cannot see into a subprocess) can tell whether a test notices it changing.
"""

from __future__ import annotations

from hubguard.filters.suppressions import (
    suppress_remote,
    unknown_code_notifications,
    unknown_codes,
    unused_suppression_findings,
)
from hubguard.findings import Finding, Level, Location, Notification, Region, SuppressionComment


def comment(line: int, *rules: str, path: str = "app.py", used: set[str] | None = None) -> SuppressionComment:
    return SuppressionComment(Location(path, Region(line, 20, line, 40)), frozenset(rules), used or set())


def remote_finding(rule: str, line: int, path: str = "app.py") -> Finding:
    return Finding(rule, "remote", Location(path, Region(line, 5, line, 30)), Level.ERROR)


def test_remote_findings_are_suppressed_by_the_comment_on_their_line_and_file_only() -> None:
    comments = [comment(3, "HG401"), comment(7, "*"), comment(9, "HG402", path="other.py")]
    findings = [
        remote_finding("HG401", 3),
        remote_finding("HG402", 3),  # same line, rule not listed
        remote_finding("HG403", 7),  # bare comment: every rule
        remote_finding("HG402", 9),  # the listed rule, but in another file
        remote_finding("HG401", 4),  # another line
        Finding("HG405", "no region", Location("app.py"), Level.WARNING),
    ]
    suppress_remote(findings, comments)
    assert [f.suppressed for f in findings] == [True, False, True, False, False, False]
    assert [c.used for c in comments] == [{"HG401"}, {"HG403"}, set()]


def test_a_comment_without_a_region_suppresses_nothing() -> None:
    loose = SuppressionComment(Location("app.py"), frozenset({"*"}))
    finding = remote_finding("HG401", 1)
    suppress_remote([finding], [loose])
    assert not finding.suppressed and loose.used == set()


def test_unknown_codes_are_the_listed_codes_no_rule_has_sorted() -> None:
    assert unknown_codes(comment(1, "HG999", "HG301", "*", "HG000")) == ["HG000", "HG999"]
    assert unknown_codes(comment(1, "HG301", "*")) == []


def test_unknown_codes_are_notified_with_their_line() -> None:
    without_region = SuppressionComment(Location("x.py"), frozenset({"HG997"}))
    comments = [comment(6, "HG301", "HG999", "HG998"), comment(8, "HG301"), without_region]
    assert unknown_code_notifications(comments) == [
        Notification(
            "line 6: '# hubguard: ignore[...]' names unknown rule HG998, HG999; see 'hubguard rules'",
            "app.py",
            Level.WARNING,
            "unknown-rule",
        )
    ]


def test_unused_suppressions_say_which_codes_were_unused_disabled_or_unknown() -> None:
    comments = [
        comment(1, "HG301", "HG002"),  # asks not to be reported
        comment(2, "HG301", used={"HG301"}),  # did its job
        comment(3, "HG301", "HG201", "HG401", used={"HG301"}),
        comment(4, "HG101", "HG999"),
        comment(5, "*"),
        comment(6, "*", used={"HG301"}),
    ]
    enabled = {"HG301", "HG201", "HG401", "HG002"}
    findings = unused_suppression_findings(comments, lambda rule, path: rule in enabled and path == "app.py")
    assert [(f.location.region.start_line if f.location.region else 0, f.message) for f in findings] == [
        (3, "Unused suppression (unused: HG201, HG401)."),
        (4, "Unused suppression (non-enabled: HG101; unknown: HG999)."),
        (5, "'# hubguard: ignore' suppresses nothing."),
    ]
    assert all(f.rule_id == "HG002" and f.level is Level.WARNING for f in findings)
    assert findings[0].location == comments[2].location


def test_a_rule_enabled_in_another_file_only_is_non_enabled_here() -> None:
    [finding] = unused_suppression_findings([comment(1, "HG301", path="vendored.py")], lambda r, p: p == "app.py")
    assert finding.message == "Unused suppression (non-enabled: HG301)."
