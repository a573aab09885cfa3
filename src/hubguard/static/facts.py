"""What a scan learns of a file from its bytes alone, before any analysis: their SHA-256, whether the file goes
on to the analysis (the byte prefilter finds a possible sink, or a ``hubguard`` comment is there to report),
and its from-imports of constants (for tree_constants.py). None of it depends on where the file lies or what
else the tree holds, so a warm run takes it from the cache by the SHA-256 instead of running those regexes
over every file again (cache.py's FactsMemo)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from hubguard.static.prefilter import might_contain_sinks
from hubguard.static.tree_constants import FromImport, from_imports


@dataclass(frozen=True)
class FileFacts:
    digest: str  # SHA-256 of the bytes, hex
    analysed: bool
    from_imports: tuple[FromImport, ...] = ()


def file_facts(data: bytes, digest: str | None = None) -> FileFacts:
    digest = digest or hashlib.sha256(data).hexdigest()
    if might_contain_sinks(data) or b"hubguard" in data:
        return FileFacts(digest, True, from_imports(data))
    return FileFacts(digest, False)
