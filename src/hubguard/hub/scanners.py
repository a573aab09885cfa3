"""The other packages the remote pass drives, bundled so a run wires them in one place."""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hubguard

_VERSIONED_SUFFIXES = (".py", ".yaml", ".yml", ".json")


@dataclass(frozen=True)
class Scanners:
    plan_code: Callable[..., Any]
    import_closure: Callable[..., Any]  # -> list of paths with .unfollowed
    scan_code: Callable[[Path], Any]  # -> ScanOutcome(matches, errors)
    inspect_source: Callable[[Any], Any]
    verdict_findings: Callable[..., list[Any]]
    is_weight_candidate: Callable[[str], bool]

    @classmethod
    def default(cls, pickle_allowlist: tuple[str, ...] = ()) -> Scanners:
        from hubguard import inspectors, remote_code
        from hubguard.inspectors.findings import verdict_findings
        from hubguard.inspectors.policy import Policy

        return cls(
            plan_code=remote_code.plan_code,
            import_closure=remote_code.import_closure,
            scan_code=remote_code.scan_code,
            inspect_source=functools.partial(inspectors.inspect_source, policy=Policy.from_entries(pickle_allowlist)),
            verdict_findings=verdict_findings,
            is_weight_candidate=inspectors.is_weight_candidate,
        )


def rules_version(*settings: str) -> str:
    """Part of every result-cache key: changes with any file of the installed package, and with the
    settings that change verdicts (``settings``, e.g. the pickle allowlist).

    Rule levels and texts (``rules.py``), Semgrep rules, signatures and scanning code all shape a cached
    outcome; hashing the whole package (about 100 small files) keeps every one of them in the key.
    """
    digest = hashlib.sha256(hubguard.__version__.encode())
    digest.update("\0".join(settings).encode())
    package_root = Path(hubguard.__file__).parent
    for path in _package_files(package_root):
        digest.update(path.relative_to(package_root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def _package_files(root: Path) -> list[Path]:
    found: list[Path] = []
    for folder, subfolders, names in os.walk(root, followlinks=True):  # semgrep_rules may be a symlink
        subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
        found.extend(Path(folder) / name for name in sorted(names) if name.endswith(_VERSIONED_SUFFIXES))
    return found
