"""Builders for the findings the static pass hands to ``--fix``."""

from __future__ import annotations

from typing import Any

from hubguard.findings import Finding, Level, Location, Region

SHA = "0123456789abcdef0123456789abcdef01234567"
OTHER_SHA = "fedcba9876543210fedcba9876543210fedcba98"


def call_finding(rule_id: str, line: int, column: int, path: str = "app.py", **properties: Any) -> Finding:
    return Finding(
        rule_id=rule_id,
        message="test finding",
        location=Location(path, Region(line, column, line, column + 1)),
        level=Level.WARNING,
        properties={"call": {"line": line, "column": column}, "sink": "A1", **properties},
    )


def unpinned(line: int, column: int, requested: str | None = None, path: str = "app.py", **overrides: Any) -> Finding:
    properties: dict[str, Any] = {
        "revisionStyle": "keyword",
        "revisionKeyword": "revision",
        "requestedRevision": requested,
        "resolvedRevision": SHA,
        "revisionArgIsLiteral": requested is not None,
        "revisionArgPresent": requested is not None,
        "repoArgIsLiteral": True,
        "repoId": "org/m",
    }
    properties.update(overrides)
    return call_finding("HG201", line, column, path, **properties)


def suffix_pin(style: str, line: int, column: int, requested: str | None = None, **overrides: Any) -> Finding:
    properties: dict[str, Any] = {
        "revisionStyle": style,
        "requestedRevision": requested,
        "resolvedRevision": SHA,
        "revisionArgIsLiteral": False,
        "repoArgIsLiteral": True,
    }
    properties.update(overrides)
    return call_finding("HG201", line, column, **properties)


def torch_load(line: int, column: int, **properties: Any) -> Finding:
    return call_finding("HG301", line, column, **{"sink": "B1", "fix": "weights_only", **properties})
