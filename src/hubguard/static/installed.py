"""Versions of the loader libraries installed where hubguard runs, read from package metadata (never imported).

They refine messages whose truth depends on the version (which revisions a ModelScope release accepts, whether
it gates repository code behind trust_remote_code). The scanned project may pin another version; messages say
"installed here".
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import metadata

_RELEASE = re.compile(r"\d+(?:\.\d+)*")
REFINING_DISTRIBUTIONS = ("modelscope",)  # whose installed version changes findings (part of the cache key)


@lru_cache(maxsize=16)
def installed_version(distribution: str) -> tuple[int, ...] | None:
    """The release numbers of an installed distribution (``1.37.1rc1`` -> ``(1, 37, 1)``), or None."""
    try:
        version = metadata.version(distribution)
    except (metadata.PackageNotFoundError, ValueError):
        return None
    match = _RELEASE.match(version or "")
    return tuple(int(part) for part in match.group().split(".")) if match else None


def shown(version: tuple[int, ...]) -> str:
    return ".".join(str(part) for part in version)
