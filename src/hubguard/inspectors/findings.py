"""Turn a file verdict into findings for the reports (rule HG403, or HG405 when a file could not be judged)."""

from __future__ import annotations

from hubguard.findings import Finding, Level, Location
from hubguard.inspectors.verdicts import FileVerdict, Issue, Verdict

_MAX_LISTED = 5


def verdict_findings(verdict: FileVerdict, location: Location) -> list[Finding]:
    if verdict.verdict is Verdict.SAFE:
        return []
    properties = {
        "file": verdict.name,
        "format": verdict.format,
        "verdict": verdict.verdict.name.lower(),
        "imports": verdict.imports,
        "calls": verdict.calls,
        "issues": [_issue_record(issue) for issue in verdict.issues],
        "bytesRead": verdict.bytes_read,
    }
    if verdict.verdict is Verdict.UNKNOWN:
        message = f"{verdict.name} could not be judged: {_summary(verdict, Verdict.UNKNOWN)}"
        return [Finding("HG405", message, location, Level.WARNING, properties=properties)]
    if verdict.verdict is Verdict.REVIEWED:
        classes = [issue.message for issue in verdict.issues if issue.kind == "library-class"]
        properties["reviewedClasses"] = sorted(set(classes))
        message = (f"{verdict.name} ({verdict.format}) names only reviewed library classes, which unpickle "
                   f"without side effects: {_listed(sorted(set(classes)))}")
        return [Finding("HG403", message, location, Level.NOTE, properties=properties)]
    level = Level.ERROR if verdict.verdict is Verdict.MALICIOUS else Level.WARNING
    adjective = "malicious" if verdict.verdict is Verdict.MALICIOUS else "suspicious"
    message = f"{verdict.name} ({verdict.format}) is {adjective}: {_summary(verdict, verdict.verdict)}"
    return [Finding("HG403", message, location, level, properties=properties)]


def _summary(verdict: FileVerdict, level: Verdict) -> str:
    worst_first = sorted(verdict.issues, key=lambda issue: -issue.verdict)
    chosen = [issue for issue in worst_first if issue.verdict >= min(level, Verdict.SUSPICIOUS)] or worst_first
    messages: list[str] = []
    for issue in chosen:
        text = f"{issue.member}: {issue.message}" if issue.member else issue.message
        if text not in messages:
            messages.append(text)
    return _listed(messages, "; ")


def _listed(items: list[str], separator: str = ", ") -> str:
    shown = separator.join(items[:_MAX_LISTED])
    hidden = len(items) - _MAX_LISTED
    return f"{shown}{separator}and {hidden} more" if hidden > 0 else shown


def _issue_record(issue: Issue) -> dict[str, object]:
    return {
        "verdict": issue.verdict.name.lower(),
        "kind": issue.kind,
        "message": issue.message,
        "member": issue.member,
        "offset": issue.offset,
    }
