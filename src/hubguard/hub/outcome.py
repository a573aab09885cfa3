"""Location-independent results for one repository, turned into findings at each consumer call site."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from hubguard.findings import Finding, HubReference, Level, Location
from hubguard.inventory import RepoFacts

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
            "related": [location.to_json() for location in self.related],
            "properties": self.properties,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RepoIssue:
        related = tuple(Location.from_json(item) for item in data["related"])
        return cls(data["rule_id"], data["message"], Level(data["level"]), related, dict(data["properties"]))


@dataclass(frozen=True)
class CodeSource:
    """Code a load runs from one repository, at the revision the loader fetches it from."""

    hub: str  # where the loader fetches it (CSGHub loads take cross-repository code from Hugging Face)
    repo_type: str
    repo_id: str
    revision: str | None  # None: the repository's default branch, whatever it holds at load time
    entries: tuple[str, ...]  # the module files the loader imports first
    kind: str = "own"  # own: the loaded repository's modules; config: named by its configs; call: by the call
    named_by: str = ""  # e.g. "config.json auto_map AutoModel", "custom_pipeline"
    keyword: str | None = None  # the call's argument that chose the revision: code_revision, custom_revision

    def to_json(self) -> dict[str, Any]:
        return {
            "hub": self.hub,
            "repo_type": self.repo_type,
            "repo_id": self.repo_id,
            "revision": self.revision,
            "entries": list(self.entries),
            "kind": self.kind,
            "named_by": self.named_by,
            "keyword": self.keyword,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CodeSource:
        return cls(
            data["hub"], data["repo_type"], data["repo_id"], data["revision"], tuple(data["entries"]), data["kind"],
            data["named_by"], data["keyword"],
        )


@dataclass
class PlannedCode:
    """What a repository's configs make one load run: its own modules and code in other repositories."""

    modules: dict[str, list[str]]  # own module path -> classes the configs name in it
    sources: list[CodeSource]  # the own modules first (when there are any), then other repositories
    notes: list[str] = field(default_factory=list)
    pip_plugins: list[str] = field(default_factory=list)  # ModelScope configuration.json plugins, pip-installed
    installed: dict[str, str] = field(default_factory=dict)  # requirements files ModelScope pip-installs -> page
    imports_all: bool = False  # ModelScope imports every .py of the repository
    entry_notes: list[str] = field(default_factory=list)  # about the entry file (torch.hub's dependencies)

    def to_json(self) -> dict[str, Any]:
        return {
            "modules": self.modules,
            "sources": [source.to_json() for source in self.sources],
            "notes": self.notes,
            "pip_plugins": self.pip_plugins,
            "installed": self.installed,
            "imports_all": self.imports_all,
            "entry_notes": self.entry_notes,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PlannedCode:
        sources = [CodeSource.from_json(item) for item in data["sources"]]
        modules = {path: list(classes) for path, classes in data["modules"].items()}
        return cls(modules, sources, list(data["notes"]), list(data["pip_plugins"]), dict(data["installed"]),
                   bool(data["imports_all"]), list(data["entry_notes"]))


@dataclass
class RepoOutcome:
    sha: str | None
    issues: list[RepoIssue] = field(default_factory=list)
    complete: bool = True  # False: something was not scanned, so the outcome must not be cached
    code: PlannedCode | None = None
    facts: RepoFacts | None = None  # for the inventory: the files this load involves, with hashes and formats

    def to_json(self) -> dict[str, Any]:
        return {
            "sha": self.sha,
            "issues": [issue.to_json() for issue in self.issues],
            "code": self.code.to_json() if self.code is not None else None,
            "facts": self.facts.to_json() if self.facts is not None else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RepoOutcome:
        code = PlannedCode.from_json(data["code"]) if data["code"] is not None else None
        facts = RepoFacts.from_json(data["facts"]) if data["facts"] is not None else None
        return cls(data["sha"], [RepoIssue.from_json(item) for item in data["issues"]], code=code, facts=facts)

