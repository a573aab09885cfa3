"""On-disk cache of per-commit results and snapshots: JSON, written atomically, ignored when corrupt.

Keys always include a commit SHA or a content SHA-256 (immutable), so entries never go stale; a branch
or tag is re-resolved online on every run. Tokens are never part of a key or a value.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from hubguard.cache_files import default_cache_dir, write_json_atomically
from hubguard.hub.snapshot import is_immutable

_FORMAT = 1


class ResultCache:
    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else default_cache_dir()

    def get(self, kind: str, key: tuple[str, ...]) -> dict[str, Any] | None:
        path = self._path(kind, key)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("format") != _FORMAT or entry.get("key") != list(key):
            return None
        value = entry.get("value")
        return value if isinstance(value, dict) else None

    def put(self, kind: str, key: tuple[str, ...], value: dict[str, Any]) -> None:
        """Best effort: a read-only or full disk only costs the cache, never the scan."""
        if not any(is_immutable(part) for part in key):
            raise ValueError("cache keys must contain a commit SHA or a content SHA-256")
        write_json_atomically(self._path(kind, key), {"format": _FORMAT, "key": list(key), "value": value})

    def _path(self, kind: str, key: tuple[str, ...]) -> Path:
        digest = hashlib.sha256("\0".join(key).encode("utf-8")).hexdigest()
        return self.root / kind / digest[:2] / f"{digest}.json"
