"""A baseline: findings accepted once (``--write-baseline FILE``) and not reported again (``--baseline FILE``).

Findings match by rule, path and a hash of their line's content (GitHub's fingerprint hash, over the one
line), not its number: code added above or below a finding does not bring it back; editing its line does.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from hubguard.findings import Finding
from hubguard.formats.fingerprints import FingerprintCache

FORMAT = "hubguard-baseline"
VERSION = 1

_Key = tuple[str, str, str]


class BaselineError(Exception):
    """The baseline file cannot be read or is not one hubguard wrote."""


def _key(finding: Finding, fingerprints: FingerprintCache) -> _Key:
    location = finding.location
    line_hash = None
    if location.region is not None and not location.is_remote:
        line_hash = fingerprints.line_content_hash(location.path, location.region.start_line)
    return finding.rule_id, location.path, line_hash or f"message:{finding.message}"


def write_baseline(file: Path, findings: list[Finding], root: Path, texts: dict[str, str] | None = None) -> int:
    """Write every unsuppressed finding to ``file``; returns how many."""
    fingerprints = FingerprintCache(root, texts)
    entries: list[dict[str, Any]] = []
    for finding in sorted((f for f in findings if not f.suppressed), key=Finding.sort_key):
        rule_id, path, fingerprint = _key(finding, fingerprints)
        region = finding.location.region
        entries.append(
            {
                "rule": rule_id,
                "path": path,
                "fingerprint": fingerprint,
                "line": region.start_line if region else None,  # for people reading the file; not matched
                "message": finding.message,
            }
        )
    document = {"format": FORMAT, "version": VERSION, "findings": entries}
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(entries)


class Baseline:
    """The accepted findings of a baseline file, as a multiset: each entry absorbs one finding."""

    def __init__(self, keys: Counter[_Key]) -> None:
        self._keys = keys

    @classmethod
    def load(cls, file: Path) -> Baseline:
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
        except OSError as error:
            raise BaselineError(f"cannot read baseline {file}: {error.strerror or error}") from None
        except (ValueError, UnicodeDecodeError) as error:
            raise BaselineError(f"baseline {file} is not valid JSON: {error}") from None
        if not isinstance(document, dict) or document.get("format") != FORMAT or document.get("version") != VERSION:
            raise BaselineError(f"{file} is not a hubguard baseline (write one with --write-baseline)")
        keys: Counter[_Key] = Counter()
        for entry in document.get("findings", []):
            fields = ("rule", "path", "fingerprint")
            values = tuple(entry.get(name) if isinstance(entry, dict) else None for name in fields)
            if not all(isinstance(value, str) for value in values):
                raise BaselineError(f"baseline {file} has a malformed entry: {entry!r}")
            keys[values] += 1  # type: ignore[index]
        return cls(keys)

    def new_findings(
        self, findings: list[Finding], root: Path, texts: dict[str, str] | None = None
    ) -> tuple[list[Finding], int]:
        """The findings not in the baseline (suppressed ones pass through), and how many were."""
        remaining = Counter(self._keys)
        fingerprints = FingerprintCache(root, texts)
        kept: list[Finding] = []
        for finding in findings:
            key = _key(finding, fingerprints)
            if not finding.suppressed and remaining[key] > 0:
                remaining[key] -= 1
            else:
                kept.append(finding)
        return kept, len(findings) - len(kept)
