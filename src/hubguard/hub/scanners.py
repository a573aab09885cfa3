"""The other packages the remote pass drives, bundled so a run wires them in one place."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hubguard
from hubguard.rules import RULES

_VERSIONED_PACKAGES = ("hub", "inspectors", "remote_code", "semgrep_rules")


@dataclass(frozen=True)
class Scanners:
    plan_code: Callable[..., Any]
    import_closure: Callable[..., list[str]]
    scan_code: Callable[[Path], Any]  # -> ScanOutcome(matches, errors)
    inspect_source: Callable[[Any], Any]
    verdict_findings: Callable[..., list[Any]]
    is_weight_candidate: Callable[[str], bool]

    @classmethod
    def default(cls) -> Scanners:
        from hubguard import inspectors, remote_code
        from hubguard.inspectors.findings import verdict_findings

        return cls(
            plan_code=remote_code.plan_code,
            import_closure=remote_code.import_closure,
            scan_code=remote_code.scan_code,
            inspect_source=inspectors.inspect_source,
            verdict_findings=verdict_findings,
            is_weight_candidate=inspectors.is_weight_candidate,
        )


def rules_version() -> str:
    """Changes whenever the rule catalogue or any scanning code or rule file changes (cache key part)."""
    digest = hashlib.sha256(hubguard.__version__.encode())
    digest.update("\0".join(sorted(RULES)).encode())
    package_root = Path(hubguard.__file__).parent
    for package in _VERSIONED_PACKAGES:
        for path in sorted((package_root / package).rglob("*")):
            if path.suffix in (".py", ".yaml", ".yml", ".json") and path.is_file():
                digest.update(path.relative_to(package_root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
