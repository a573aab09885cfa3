"""Location-independent results for one repository, turned into findings at each consumer call site."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from hubguard.findings import Finding, HubReference, Level, Location, Region

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def plain(text: str, limit: int = 120) -> str:
    """Untrusted text (remote paths, class names) quoted, without control or bidi characters."""
    return f"'{printable(text, limit)}'"


def printable(text: str, limit: int = 300) -> str:
    """Text without control or bidi characters, cut to ``limit``."""
    cleaned = _UNPRINTABLE.sub("?", text)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 3] + "..."


@dataclass
class RepoIssue:
    rule_id: str
    message: str
    level: Level
    related: tuple[Location, ...] = ()
    properties: dict[str, Any] = field(default_factory=dict)

    def finding_at(self, ref: HubReference, sha: str | None) -> Finding:
        properties = {
            "hub": ref.hub,
            "repoType": ref.repo_type,
            "repoId": ref.repo_id,
            "requestedRevision": ref.revision,
            "resolvedRevision": sha,
        } | self.properties
        return Finding(self.rule_id, self.message, ref.location, self.level, self.related, False, properties)

    def to_json(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "message": self.message,
            "level": self.level.value,
            "related": [_location_json(location) for location in self.related],
            "properties": self.properties,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RepoIssue:
        related = tuple(_location_from_json(item) for item in data["related"])
        return cls(data["rule_id"], data["message"], Level(data["level"]), related, dict(data["properties"]))


@dataclass
class RepoOutcome:
    sha: str | None
    issues: list[RepoIssue] = field(default_factory=list)
    complete: bool = True  # False: something was not scanned, so the outcome must not be cached

    def to_json(self) -> dict[str, Any]:
        return {"sha": self.sha, "issues": [issue.to_json() for issue in self.issues]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RepoOutcome:
        return cls(data["sha"], [RepoIssue.from_json(item) for item in data["issues"]])


def _location_json(location: Location) -> dict[str, Any]:
    region = location.region
    return {
        "path": location.path,
        "region": [region.start_line, region.start_column, region.end_line, region.end_column] if region else None,
        "description": location.description,
    }


def _location_from_json(data: dict[str, Any]) -> Location:
    region = Region(*data["region"]) if data.get("region") else None
    return Location(data["path"], region, data.get("description"))
