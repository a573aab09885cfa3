"""The inventory of what a codebase loads from model hubs: one record per repository version, with every call
site that loads it, what its hub said about it, and how hubguard judged it.

Two halves. ``RepoFacts`` is what the remote pass records about one repository at one commit: for one way of
loading it, its configs, weights and data files (with hashes and formats), cached with the outcome; for one
code source, the files of its import closure, cached with that source's result. So a run answered from the
cache still yields a full inventory. ``build_inventory`` joins those facts with the
static pass's references and the findings into ``InventoryItem`` records, which reports render without adding
anything of their own (``formats/cyclonedx.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from hubguard.findings import Finding, HubReference, Level, Region, RevisionState, ScanResult
from hubguard.revisions import is_commit_sha
from hubguard.rules import REMOTE_PASS_PREFIX

# What a listed file is to the load: it runs, it holds weights, it decides what runs, or it is dataset content.
CODE, WEIGHTS, CONFIG, DATA = "code", "weights", "config", "data"
# How a version was established: looked up on the hub, written as a full commit SHA, or neither.
RESOLVED, PINNED, UNRESOLVED = "resolved", "pinned", "unresolved"


@dataclass(frozen=True)
class RepoFile:
    path: str
    size: int
    role: str  # CODE, WEIGHTS, CONFIG or DATA
    sha256: str | None = None  # content SHA-256 the hub lists (LFS oid, ModelScope's Sha256)
    blob_id: str | None = None  # git blob SHA-1 the hub lists
    url: str | None = None  # the hub's page for the file at the commit
    format: str | None = None  # weights only: safetensors, pickle, gguf, ...
    format_source: str | None = None  # "content" (the inspector read it) or "name" (its suffix)
    verdict: str | None = None  # the inspector's verdict: safe, reviewed, unknown, suspicious or malicious

    def to_json(self) -> dict[str, Any]:
        return {name: value for name, value in self.__dict__.items() if value is not None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RepoFile:
        return cls(**data)


@dataclass(frozen=True)
class RepoFacts:
    """What the remote pass learned about one repository at one commit, for one way of loading it."""

    sha: str
    files: tuple[RepoFile, ...] = ()  # sorted by path, at most ``MAX_LISTED_FILES``
    files_total: int = 0  # files the load involves, listed or not
    model_type: str | None = None  # config.json ``model_type``
    architectures: tuple[str, ...] = ()  # config.json ``architectures``

    def to_json(self) -> dict[str, Any]:
        return {
            "sha": self.sha,
            "files": [file.to_json() for file in self.files],
            "files_total": self.files_total,
            "model_type": self.model_type,
            "architectures": list(self.architectures),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RepoFacts:
        return cls(
            data["sha"],
            tuple(RepoFile.from_json(item) for item in data["files"]),
            data["files_total"],
            data["model_type"],
            tuple(data["architectures"]),
        )

    def merged(self, other: RepoFacts) -> RepoFacts:
        """The same commit loaded two ways (with and without weights, say, or as a model and as another
        model's code): everything either load involves."""
        files = {file.path: file for file in other.files} | {file.path: file for file in self.files}
        return replace(
            self,
            files=tuple(files[path] for path in sorted(files)),
            files_total=max(self.files_total, other.files_total, len(files)),
            model_type=self.model_type or other.model_type,
            architectures=self.architectures or other.architectures,
        )


@dataclass(frozen=True)
class LoadedCode:
    """Code one load runs from one repository, as the remote pass fetched it: the loaded repository's own
    modules (at ``code_revision`` when the call gives one), code its configs name in another repository
    (cross-repository ``auto_map``), or code the call names (``custom_pipeline``, ``custom_generate``)."""

    hub: str
    repo_type: str
    repo_id: str
    revision: str | None  # as the loader requests it; None: that repository's default branch
    sha: str | None  # the commit it resolved to; None when it could not be fetched
    facts: RepoFacts | None  # the files of its import closure


@dataclass(frozen=True)
class ResolvedReference:
    """A reference the remote pass resolved: the commit, the facts (None when the scan failed before its
    files were listed, or the call loads nothing but code), and every code source the load runs."""

    reference: HubReference
    sha: str
    facts: RepoFacts | None
    code: tuple[LoadedCode, ...] = ()


@dataclass(frozen=True)
class CallSite:
    path: str
    line: int | None
    column: int | None
    requested_revision: str | None
    revision_state: RevisionState
    runs_remote_code: bool
    loads_weights: bool


ItemKey = tuple[str, str, str, str]  # hub, repo type, repo ID, version ("" for a repository's default branch)


@dataclass
class InventoryItem:
    hub: str
    repo_type: str
    repo_id: str
    version: str | None  # the commit SHA when RESOLVED or PINNED, else the revision as written (None: default)
    resolution: str  # RESOLVED, PINNED or UNRESOLVED
    call_sites: list[CallSite] = field(default_factory=list)
    requested_revisions: set[str | None] = field(default_factory=set)
    facts: RepoFacts | None = None
    rules: set[str] = field(default_factory=set)  # rule IDs the remote pass reported about it
    worst_level: Level | None = None  # of those findings
    depends_on: set[ItemKey] = field(default_factory=set)  # other repository versions whose code its loads run
    runs_code: set[str] = field(default_factory=set)  # code files its loads run: path, or repo@version:path elsewhere

    @property
    def key(self) -> ItemKey:
        return (self.hub, self.repo_type, self.repo_id, self.version or "")

    @property
    def bom_ref(self) -> str:
        return f"{self.hub}:{self.repo_type}/{self.repo_id}@{self.version or '(default)'}"

    @property
    def direct(self) -> bool:
        """Loaded by the project's own code (else only reached as another repository's code)."""
        return bool(self.call_sites)

    @property
    def pinned(self) -> bool:
        return self.direct and all(site.revision_state is RevisionState.PINNED for site in self.call_sites)

    @property
    def trust_remote_code(self) -> bool:
        return any(site.runs_remote_code for site in self.call_sites)

    def files(self, role: str) -> list[RepoFile]:
        return [file for file in self.facts.files if file.role == role] if self.facts else []

    @property
    def weights_verdict(self) -> str | None:
        """The worst verdict the inspector gave any weight file of this version, if it read any."""
        verdicts = [file.verdict for file in self.files(WEIGHTS) if file.verdict is not None]
        return max(verdicts, key=_VERDICT_ORDER.index) if verdicts else None


_VERDICT_ORDER = ["safe", "reviewed", "unknown", "suspicious", "malicious"]


@dataclass
class Inventory:
    project: str
    remote_pass: str | None  # "done", "skipped (--offline)", or None when nothing was referenced
    items: list[InventoryItem]  # sorted by key


def build_inventory(result: ScanResult, project: str) -> Inventory:
    resolved = {entry.reference: entry for entry in result.resolved}
    remote_rules = _remote_rules(result.findings)
    items: dict[ItemKey, InventoryItem] = {}
    for reference in sorted(result.references, key=_reference_order):
        entry = resolved.get(reference)
        item = _item_for(items, reference, entry)
        region = reference.location.region
        item.call_sites.append(
            CallSite(
                reference.location.path,
                region.start_line if region else None,
                region.start_column if region else None,
                reference.revision,
                reference.revision_state,
                reference.runs_remote_code,
                reference.loads_weights,
            )
        )
        item.requested_revisions.add(reference.revision)
        for rule_id, level in remote_rules.get(_finding_key(reference), ()):
            item.rules.add(rule_id)
            item.worst_level = level if item.worst_level is None else max(item.worst_level, level)
        if entry is None:
            continue
        if entry.facts is not None:
            item.facts = entry.facts if item.facts is None else item.facts.merged(entry.facts)
        for code in entry.code:
            _add_code(items, item, code)
    remote = result.stats.get("remote")
    remote_pass = None if remote is None else remote if isinstance(remote, str) else "done"
    return Inventory(project, remote_pass, [items[key] for key in sorted(items)])


def _item_for(
    items: dict[ItemKey, InventoryItem], reference: HubReference, entry: ResolvedReference | None
) -> InventoryItem:
    sha = entry.sha if entry is not None else None
    return _item(items, reference.hub, reference.repo_type, reference.repo_id, sha, reference.revision)


def _add_code(items: dict[ItemKey, InventoryItem], item: InventoryItem, code: LoadedCode) -> None:
    """Code a load of ``item`` runs: files of that very version, or of another version ``item`` depends on
    (another repository, or its own at ``code_revision``), which then lists those files itself."""
    source = _item(items, code.hub, code.repo_type, code.repo_id, code.sha, code.revision)
    files = code.facts.files if code.facts is not None else ()
    if code.facts is not None:
        source.facts = code.facts if source.facts is None else source.facts.merged(code.facts)
    if source is item:
        item.runs_code.update(file.path for file in files)
        return
    item.depends_on.add(source.key)
    item.runs_code.update(f"{source.repo_id}@{source.version or '(default)'}:{file.path}" for file in files)


def without_credentials(url: str) -> str:
    """A URL without the ``user:password@`` a scanned file or an endpoint may carry: it names the same thing."""
    parts = urlsplit(url)
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl() if "@" in parts.netloc else url


def _item(
    items: dict[ItemKey, InventoryItem], hub: str, repo_type: str, repo_id: str, sha: str | None, revision: str | None
) -> InventoryItem:
    if hub == "url":
        repo_id = without_credentials(repo_id)
    version: str | None
    if sha is not None:
        version, resolution = sha, RESOLVED
    elif is_commit_sha(revision):
        version, resolution = revision, PINNED
    else:
        version, resolution = revision, UNRESOLVED
    candidate = InventoryItem(hub, repo_type, repo_id, version, resolution)
    item = items.setdefault(candidate.key, candidate)
    if resolution == RESOLVED:
        item.resolution = RESOLVED  # a pinned SHA that another reference's lookup confirmed
    return item


FindingKey = tuple[str, Region | None, str, str, str, str | None]


def _finding_key(reference: HubReference) -> FindingKey:
    location = reference.location
    return (location.path, location.region, reference.hub, reference.repo_type, reference.repo_id, reference.revision)


def _remote_rules(findings: Iterable[Finding]) -> dict[FindingKey, list[tuple[str, Level]]]:
    """The remote pass's findings by the reference they were reported for (it reports at the call site)."""
    by_reference: dict[FindingKey, list[tuple[str, Level]]] = {}
    for finding in findings:
        properties = finding.properties
        if not finding.rule_id.startswith(REMOTE_PASS_PREFIX) or "repoId" not in properties:
            continue
        key = (
            finding.location.path,
            finding.location.region,
            properties.get("hub"),
            properties.get("repoType"),
            properties["repoId"],
            properties.get("requestedRevision"),
        )
        by_reference.setdefault(key, []).append((finding.rule_id, finding.level))  # type: ignore[arg-type]
    return by_reference


def _reference_order(reference: HubReference) -> tuple[Any, ...]:
    location = reference.location
    return (location.path, location.region or Region(0, 0, 0, 0), reference.repo_id, reference.revision or "")
