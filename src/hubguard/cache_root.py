"""Where hubguard keeps its caches: ``--cache-dir``, else ``$XDG_CACHE_HOME/hubguard`` (``~/.cache/hubguard``)."""

from __future__ import annotations

import os
from pathlib import Path


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hubguard"
