"""Stand-ins for the remote_code and inspectors packages, following their published interfaces.

They only look at bytes (they never import or unpickle), so the remote pass's orchestration can be
tested independently; test_integration.py runs the real scanners.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hubguard.findings import Finding, Level, Location
from hubguard.hub.scanners import Scanners
from hubguard.inspectors.sources import SourceError

DANGER = b"os.system("
PICKLE_DANGER = b"cos\nsystem"


@dataclass
class CodeModule:
    path: str
    classes: list[str]
    reason: str


@dataclass
class CrossRepoRef:
    repo_id: str
    module: str
    class_name: str
    key: str
    revision: str | None = None


@dataclass
class CodePlan:
    modules: list[CodeModule] = field(default_factory=list)
    cross_repo: list[CrossRepoRef] = field(default_factory=list)
    call_repos: list[CrossRepoRef] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    pip_plugins: list[str] = field(default_factory=list)
    pip_requirements: list[str] = field(default_factory=list)
    imports_all: bool = False
    configs_read: list[str] = field(default_factory=list)


class Closure(list[str]):
    unfollowed: list[str] = []


@dataclass
class CodeMatch:
    path: str
    start_line: int
    end_line: int
    rule_id: str
    message: str
    severity: str
    engine: str
    signals: tuple[str, ...] = ()
    snippet: str = ""


class Verdict(enum.Enum):
    SAFE = "safe"
    UNKNOWN = "unknown"
    MALICIOUS = "malicious"


@dataclass
class FileVerdict:
    name: str
    verdict: Verdict
    bytes_read: int
    format: str = "pickle"


def plan_code(
    files: Mapping[str, int],
    read_json: Callable[[str], dict | None],
    *,
    repo_type: str,
    runs_remote_code: bool,
    imports_repo_code: bool = False,
    call: Any = None,
    code_files: Mapping[str, int] | None = None,
) -> CodePlan:
    plan = CodePlan()
    code_files = files if code_files is None else code_files
    if repo_type == "dataset":
        plan.modules = [CodeModule(p, [], "dataset script") for p in code_files if p.endswith(".py") and "/" not in p]
        return plan
    config = read_json("config.json") if "config.json" in files else None
    plan.configs_read = ["config.json"] if config is not None else []
    code_revision = getattr(call, "code_revision", None)
    for key, value in ((config or {}).get("auto_map") or {}).items():
        repo, _, reference = value.rpartition("--")
        module, _, class_name = reference.rpartition(".")
        if repo:
            plan.cross_repo.append(CrossRepoRef(repo, module, class_name, key, code_revision))
        elif f"{module}.py" in code_files:
            plan.modules.append(CodeModule(f"{module}.py", [class_name], f"auto_map {key}"))
    if getattr(call, "custom_pipeline", None):
        plan.call_repos.append(CrossRepoRef(call.custom_pipeline, "pipeline", "", "custom_pipeline",
                                            call.custom_revision))
    return plan


def import_closure(
    entry_paths: Iterable[str], read_text: Callable[[str], str | None], files: Collection[str]
) -> list[str]:
    closure = []
    for path in entry_paths:
        text = read_text(path) or ""
        closure.append(path)
        closure.extend(f"{line.split()[-1]}.py" for line in text.splitlines() if line.startswith("from . import"))
    return Closure(sorted({path for path in closure if path in files}))


@dataclass
class ScanOutcome:
    matches: list[CodeMatch]
    errors: list[str] = field(default_factory=list)
    unscanned: dict[str, str] = field(default_factory=dict)
    retryable: set[str] = field(default_factory=set)


class CodeScanner:
    def __init__(self, errors: list[str] | None = None) -> None:
        self.calls: list[Path] = []
        self.errors = errors or []

    def __call__(self, root: Path) -> ScanOutcome:
        self.calls.append(root)
        matches = []
        for path in sorted(root.rglob("*.py")):
            for number, line in enumerate(path.read_bytes().splitlines(), start=1):
                if DANGER in line:
                    relative = path.relative_to(root).as_posix()
                    match = CodeMatch(relative, number, number, "shell-exec", "runs a shell", "error", "semgrep")
                    matches.append(match)
        return ScanOutcome(matches, self.errors)


def inspect_source(source: object) -> FileVerdict:
    try:
        data = source.read(0, source.size or 0)  # type: ignore[attr-defined]
    except SourceError:
        return FileVerdict(source.name, Verdict.UNKNOWN, source.bytes_read)  # type: ignore[attr-defined]
    verdict = Verdict.MALICIOUS if PICKLE_DANGER in data else Verdict.SAFE
    return FileVerdict(source.name, verdict, source.bytes_read)  # type: ignore[attr-defined]


def verdict_findings(verdict: FileVerdict, location: Location) -> list[Finding]:
    if verdict.verdict is not Verdict.MALICIOUS:
        return []
    return [Finding("HG403", f"{verdict.name} imports os.system", location, Level.ERROR)]


def is_weight_candidate(path: str) -> bool:
    return path.endswith((".bin", ".pt", ".pkl", ".safetensors", ".ckpt"))


def scanners(code_scanner: CodeScanner | None = None) -> Scanners:
    return Scanners(
        plan_code=plan_code,
        import_closure=import_closure,
        scan_code=code_scanner or CodeScanner(),
        inspect_source=inspect_source,
        verdict_findings=verdict_findings,
        is_weight_candidate=is_weight_candidate,
    )


def config(auto_map: dict[str, str]) -> bytes:
    return json.dumps({"model_type": "custom", "auto_map": auto_map}).encode()
