"""What a revision string pins: only a full 40-hex lowercase commit SHA is immutable."""

from __future__ import annotations

import re
from typing import TypeGuard

from hubguard.findings import RevisionState

COMMIT_SHA = re.compile(r"[0-9a-f]{40}")
_SHORT_SHA = re.compile(r"[0-9a-f]{7,39}")
_TAG_LIKE = re.compile(r"v?\d+(\.\d+)+([-.+]?[0-9A-Za-z.]+)?")


def is_commit_sha(revision: str | None) -> TypeGuard[str]:
    return revision is not None and COMMIT_SHA.fullmatch(revision) is not None


def classify_revision(revision: str | None) -> RevisionState:
    """PINNED for a full SHA; WEAK for a short SHA or version tag; UNPINNED otherwise (branches, refs/pr/N)."""
    if revision is None:
        return RevisionState.UNPINNED
    if is_commit_sha(revision):
        return RevisionState.PINNED
    if _SHORT_SHA.fullmatch(revision) or _TAG_LIKE.fullmatch(revision):
        return RevisionState.WEAK
    return RevisionState.UNPINNED
