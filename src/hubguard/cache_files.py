"""What hubguard's caches share: where they live and how an entry is written.

The root is ``--cache-dir``, else ``$XDG_CACHE_HOME/hubguard`` (``~/.cache/hubguard``); each cache keeps a
subfolder. Entries are JSON files written to a temporary name and renamed into place, so a reader sees a whole
entry or none and concurrent writers of one entry do no harm.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hubguard"


def write_json_atomically(path: Path, document: Any) -> None:
    """Best effort: a read-only or full disk only costs the cache, never the scan."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    except OSError:
        return
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(document, stream, separators=(",", ":"))
        os.replace(temporary, path)
    except (OSError, TypeError, ValueError):
        Path(temporary).unlink(missing_ok=True)
