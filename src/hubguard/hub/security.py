"""Defensive reading of the hub's own scan results (``securityRepoStatus``), which are untyped JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_BENIGN_LEVELS = frozenset({"safe", "unscanned", "queued", "", "none"})


@dataclass(frozen=True)
class HubSecurityStatus:
    """What the hub's scanners reported: ``flagged`` maps a repo file to the hub's level for it."""

    scans_done: bool | None = None
    flagged: dict[str, str] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)


def parse_security_status(raw: object) -> HubSecurityStatus | None:
    """Accept both known shapes (``filesWithIssues`` and the older ``hasUnsafeFile``/``clamAVInfectedFiles``)."""
    if not isinstance(raw, dict):
        return None
    flagged: dict[str, str] = {}
    issues = raw.get("filesWithIssues")
    if isinstance(issues, list):
        for issue in issues:
            if isinstance(issue, dict) and isinstance(issue.get("path"), str):
                level = issue.get("level")
                level_text = level.lower() if isinstance(level, str) else "unsafe"
                if level_text not in _BENIGN_LEVELS:
                    flagged[issue["path"]] = level_text
    infected = raw.get("clamAVInfectedFiles")
    if isinstance(infected, list):
        for path in infected:
            if isinstance(path, str):
                flagged[path] = "infected"
    if raw.get("hasUnsafeFile") is True and not flagged:
        flagged["(unnamed file)"] = "unsafe"
    scans_done = raw.get("scansDone")
    return HubSecurityStatus(scans_done if isinstance(scans_done, bool) else None, flagged, raw)
