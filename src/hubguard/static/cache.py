"""Per-file results of the static pass, kept on disk between runs (like Ruff's cache).

An entry is keyed by the file's bytes, the path it is reported under, the code of the static pass, the
settings that change what one file yields (rule selection, allow-list, HG001 level, size ceiling), so it
can never be stale. Entries are JSON (never pickle: a cache restored in CI is data, not code),
written to a temporary file and renamed into place, so a reader sees a whole entry or none and two
concurrent runs at worst write the same entry twice. An entry that does not decode is a miss.

A scan of a directory also keeps each file's bytes-only facts (facts.py: does it go on to the analysis, what
constants does it import) by SHA-256, in one file per scan, so a re-run of an unchanged tree runs none of
the screening regexes again.

Whoever can write the cache directory can make a file look clean: point ``--cache-dir`` only at a
directory you trust, or pass ``--no-cache``.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import hubguard
from hubguard.cache_files import default_cache_dir, write_json_atomically
from hubguard.config import Config
from hubguard.findings import (
    Finding,
    HubReference,
    Level,
    Location,
    Notification,
    RevisionState,
    ScanResult,
    SuppressionComment,
)
from hubguard.static.facts import FileFacts, file_facts

_FORMAT = 2
_FACTS_FORMAT = 1
_PACKAGE = Path(hubguard.__file__).parent


def _code_fingerprint() -> str:
    """The static pass's own code: an edited checkout never reads results of the code it replaced."""
    digest = hashlib.sha256(hubguard.__version__.encode())
    for path in sorted([*_PACKAGE.glob("*.py"), *(_PACKAGE / "static").glob("*.py")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _settings(config: Config) -> str:
    return json.dumps(
        {
            "select": sorted(config.select) if config.select is not None else None,
            "ignore": sorted(config.ignore),
            "allowRemoteCode": list(config.allow_remote_code),
            "maxFileSize": config.max_file_size,
            "notAnalysedLevel": config.not_analysed_level.value,
        },
        sort_keys=True,
    )


class StaticCache:
    def __init__(self, root: Path, config: Config) -> None:
        self.directory = root / "static"
        self._facts_directory = root / "static-facts"
        self._salt = f"{_FORMAT}\0{_code_fingerprint()}\0{_settings(config)}\0".encode()
        self.hits = 0
        self.misses = 0

    @classmethod
    def for_config(cls, config: Config) -> StaticCache | None:
        return cls(config.cache_dir or default_cache_dir(), config) if config.cache else None

    def key(self, relative: str, content: str, imported: dict[str, Any] | None = None) -> str:
        """``content``: the SHA-256 of the file's bytes (facts.py); ``imported``: what the file takes from other
        modules of the tree (tree_constants.py's fingerprint)."""
        digest = hashlib.sha256(self._salt)
        digest.update(relative.encode("utf-8", "surrogateescape") + b"\0")
        if imported:
            digest.update(json.dumps(imported, sort_keys=True, default=repr).encode() + b"\0")
        digest.update(content.encode())
        return digest.hexdigest()

    def facts_memo(self, paths: list[Path]) -> FactsMemo:
        """The memo of a scan of ``paths`` (one file per set of paths scanned: scans of two trees do not take
        turns replacing each other's)."""
        scan = json.dumps(sorted(os.path.abspath(path) for path in paths))  # (ASCII: json escapes the rest)
        return FactsMemo(self._facts_directory / f"{hashlib.sha256(self._salt + scan.encode()).hexdigest()}.json")

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> ScanResult | None:
        try:
            entry = json.loads(self._path(key).read_bytes())
            result = _decode(entry["result"]) if entry.get("format") == _FORMAT else None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            result = None
        if result is None:
            self.misses += 1
        else:
            self.hits += 1
        return result

    def put(self, key: str, result: ScanResult) -> None:
        write_json_atomically(self._path(key), {"format": _FORMAT, "result": _encode(result)})


class FactsMemo:
    """The bytes-only facts (facts.py) of one scan's files, by SHA-256: a warm re-run of a tree reads this one
    file instead of screening every file again. Rewritten, with only this run's files, when they differ from
    what was read; ignored whole when anything in it does not decode."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._stored = _read_facts(path)
        self._seen: dict[str, FileFacts] = {}

    def facts(self, data: bytes) -> FileFacts:
        digest = hashlib.sha256(data).hexdigest()
        facts = self._stored.get(digest) or file_facts(data, digest)
        self._seen[digest] = facts
        return facts

    def save(self) -> None:
        if self._seen != self._stored:
            files = {
                digest: [facts.analysed, [[dots, module, list(names)] for dots, module, names in facts.from_imports]]
                for digest, facts in self._seen.items()
            }
            write_json_atomically(self._path, {"format": _FACTS_FORMAT, "files": files})


def _read_facts(path: Path) -> dict[str, FileFacts]:
    try:
        document = json.loads(path.read_bytes())
        if document.get("format") != _FACTS_FORMAT:
            return {}
        return {digest: _file_facts(digest, entry) for digest, entry in document["files"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _file_facts(digest: str, entry: object) -> FileFacts:
    analysed, imports = _list(entry)
    found = []
    for item in _list(imports):
        dots, module, names = _list(item)
        if not isinstance(dots, int):
            raise TypeError
        found.append((dots, _string(module), tuple(_strings(names))))
    return FileFacts(digest, _bool(analysed), tuple(found))


def _encode(result: ScanResult) -> dict[str, Any]:
    findings = [
        {
            "rule": finding.rule_id,
            "message": finding.message,
            "location": finding.location.to_json(),
            "level": finding.level.value,
            "related": [related.to_json() for related in finding.related],
            "suppressed": finding.suppressed,
            "properties": finding.properties,
        }
        for finding in result.findings
    ]
    references = [
        asdict(reference)
        | {"location": reference.location.to_json(), "revision_state": reference.revision_state.value}
        for reference in result.references
    ]
    notifications = [asdict(notification) | {"level": notification.level.value} for notification in result.notifications]
    suppressions = [
        {"location": comment.location.to_json(), "rules": sorted(comment.rules), "used": sorted(comment.used)}
        for comment in result.suppressions
    ]
    return {"findings": findings, "notifications": notifications, "references": references, "suppressions": suppressions}


def _decode(data: dict[str, Any]) -> ScanResult:
    findings = [
        Finding(
            _string(item["rule"]),
            _string(item["message"]),
            Location.from_json(item["location"]),
            Level(item["level"]),
            tuple(Location.from_json(related) for related in item["related"]),
            _bool(item["suppressed"]),
            _dict(item["properties"]),
        )
        for item in data["findings"]
    ]
    notifications = [
        Notification(
            _string(item["message"]), _optional_string(item["path"]), Level(item["level"]), _string(item["kind"])
        )
        for item in data["notifications"]
    ]
    references = [_reference(item) for item in data["references"]]
    suppressions = [
        SuppressionComment(
            Location.from_json(item["location"]), frozenset(_strings(item["rules"])), set(_strings(item["used"]))
        )
        for item in data["suppressions"]
    ]
    return ScanResult(findings, notifications, references, files_scanned=1, suppressions=suppressions)


# A corrupt or hand-edited entry must decode to a miss, never to a different result: each field's type is
# checked, since bool("false"), dict([("a", 1)]) or a string's characters as a rule list would all decode.
# get() turns the TypeError into a miss, so it carries no message.
def _string(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError
    return value


_SCALAR_TYPES: dict[str, type | tuple[type, ...]] = {"str": str, "str | None": (str, type(None)), "bool": bool}
# HubReference's plain fields and their types (location and revision_state are decoded on their own).
_REFERENCE_SCALARS = {
    field.name: _SCALAR_TYPES[field.type] for field in fields(HubReference) if field.type in _SCALAR_TYPES
}


def _reference(item: dict[str, Any]) -> HubReference:
    for name, expected in _REFERENCE_SCALARS.items():
        if name in item and not isinstance(item[name], expected):
            raise TypeError
    location, state = Location.from_json(item["location"]), RevisionState(item["revision_state"])
    return HubReference(**item | {"location": location, "revision_state": state})


def _optional_string(value: object) -> str | None:
    return None if value is None else _string(value)


def _strings(value: object) -> list[str]:
    if not isinstance(value, list):
        raise TypeError
    return [_string(item) for item in value]


def _list(value: object) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError
    return value


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError
    return value


def _dict(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError
    return value

