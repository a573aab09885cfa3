"""The data every stage exchanges: findings, locations, notifications and hub references."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hubguard.inventory import ResolvedReference


class Level(str, enum.Enum):
    """Severity level, ordered note < warning < error (SARIF's vocabulary)."""

    NOTE = "note"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _LEVEL_RANK[self]

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank >= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank > other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank <= other.rank

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank < other.rank


_LEVEL_RANK = {Level.NOTE: 1, Level.WARNING: 2, Level.ERROR: 3}


@dataclass(frozen=True, order=True)
class Region:
    """1-based lines and columns; columns count Unicode code points; end_column is exclusive."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Location:
    """Where a finding sits.

    ``path`` is a root-relative POSIX path for files in the scanned tree, or an absolute
    ``https://`` URL for remote files (a hub file at a resolved commit).
    """

    path: str
    region: Region | None = None
    description: str | None = None

    @property
    def is_remote(self) -> bool:
        return self.path.startswith(("https://", "http://"))

    def to_json(self) -> dict[str, Any]:
        """The cache form (static result cache, remote outcome cache)."""
        region = self.region
        return {
            "path": self.path,
            "region": [region.start_line, region.start_column, region.end_line, region.end_column] if region else None,
            "description": self.description,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Location:
        """The inverse of ``to_json``; TypeError on anything a corrupt cache entry could hold instead."""
        path, region, description = data["path"], data["region"], data.get("description")
        if not isinstance(path, str) or not isinstance(description, str | None):
            raise TypeError("not a location")
        if region is not None and not (len(region) == 4 and all(type(number) is int for number in region)):
            raise TypeError("not a region")
        return cls(path, Region(*region) if region is not None else None, description)


@dataclass
class Finding:
    """One problem found, reported at ``location`` (always the consumer's own code when local)."""

    rule_id: str
    message: str
    location: Location
    level: Level
    related: tuple[Location, ...] = ()
    suppressed: bool = False
    properties: dict[str, Any] = field(default_factory=dict)

    def sort_key(self) -> tuple[Any, ...]:
        region = self.location.region or Region(0, 0, 0, 0)
        return (self.location.path, region, self.rule_id, self.message)


INTERNAL_ERROR = "internal-error"  # Notification.kind of a hubguard bug; the run exits 3 and says the report is partial


@dataclass(frozen=True)
class Notification:
    """Something the tool could not do (a file it could not parse, a repo it could not reach)."""

    message: str
    path: str | None = None
    level: Level = Level.WARNING
    kind: str = "parse-error"


@dataclass
class SuppressionComment:
    """A ``# hubguard: ignore[...]`` comment, and the rules it actually suppressed in this run."""

    location: Location  # the comment itself, in the file's own coordinates (raw .ipynb lines for notebooks)
    rules: frozenset[str]  # as written, upper-cased; "*" for a bare ``# hubguard: ignore``
    used: set[str] = field(default_factory=set)  # rule IDs of findings it suppressed


class RevisionState(str, enum.Enum):
    PINNED = "pinned"  # a full 40-hex commit SHA
    WEAK = "weak"  # short SHA or tag-like name: mutable or ambiguous
    UNPINNED = "unpinned"  # missing, a branch, refs/pr/N, or an API that ignores revision
    UNKNOWN = "unknown"  # not a literal the analysis could resolve


# Call arguments that choose the revision a load's code runs from, apart from the files it loads.
CODE_REVISION_KEYWORDS = frozenset({"code_revision", "custom_revision"})


@dataclass(frozen=True)
class HubReference:
    """A model or dataset the consumer's code loads from a hub, as the static pass resolved it."""

    hub: str  # "huggingface", "modelscope", "opencsg" (its mirrors "opencsg:hf", "opencsg:ms"), "torchhub"
    repo_type: str  # "model", "dataset", "space", "github"
    repo_id: str
    revision: str | None  # literal revision as written; None when absent or unresolved
    revision_state: RevisionState
    location: Location  # the call site in the consumer's code
    sink: str  # catalogue ID of the loader, e.g. "A1"
    runs_remote_code: bool  # the call lets repo code execute (trust_remote_code etc.)
    loads_weights: bool  # the call reads weight files (so pickles matter)
    code_revision: str | None = None  # transformers code_revision: the revision the repository's code runs from
    # The loader imports every .py of the repo and reads configuration.json plugins (ModelScope Model/pipeline).
    imports_repo_code: bool = False
    custom_pipeline: str | None = None  # diffusers custom_pipeline naming a hub repository, whose pipeline.py runs
    custom_revision: str | None = None  # ... at this revision (None: its main branch)
    # generate(custom_generate=...): the call runs that repository's custom_generate/generate.py (at
    # ``revision``) and loads nothing else from it; ``repo_id`` is the same repository
    custom_generate: str | None = None


@dataclass
class ScanResult:
    findings: list[Finding] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)
    references: list[HubReference] = field(default_factory=list)
    files_scanned: int = 0
    stats: dict[str, Any] = field(default_factory=dict)
    suppressions: list[SuppressionComment] = field(default_factory=list)
    resolved: list[ResolvedReference] = field(default_factory=list)  # the remote pass's commits and repo facts

    def extend(self, other: ScanResult) -> None:
        self.findings.extend(other.findings)
        self.notifications.extend(other.notifications)
        self.references.extend(other.references)
        self.suppressions.extend(other.suppressions)
        self.files_scanned += other.files_scanned
