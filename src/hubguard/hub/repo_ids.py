"""Validate repo IDs and revisions taken from scanned (untrusted) code before any request uses them."""

from __future__ import annotations

import re
from collections.abc import Collection

MAX_REPO_ID_LENGTH = 96
MAX_REVISION_LENGTH = 256
_NAME = re.compile(r"[A-Za-z0-9_.-]+")
_REVISION = re.compile(r"[A-Za-z0-9_.\-/+=@]+")
REPO_TYPES = frozenset({"model", "dataset", "space"})


class InvalidReference(ValueError):
    """A repo ID or revision that must not be sent to a hub; the message says why."""


def validate_repo_id(repo_id: str, *, allow_legacy: bool = True) -> str:
    """Return ``repo_id`` if it is a well-formed Hub ID (``org/name``, or a legacy bare ``name``)."""
    if not isinstance(repo_id, str) or not repo_id:
        raise InvalidReference("empty repository ID")
    shown = _shown(repo_id)
    if len(repo_id) > MAX_REPO_ID_LENGTH:
        raise InvalidReference(f"repository ID {shown} is longer than {MAX_REPO_ID_LENGTH} characters")
    if "://" in repo_id or repo_id.startswith(("http:", "https:", "hf:")):
        raise InvalidReference(f"repository ID {shown} is a URL, not an ID")
    parts = repo_id.split("/")
    if len(parts) > 2 or (len(parts) == 1 and not allow_legacy):
        raise InvalidReference(f"repository ID {shown} must have the form org/name")
    for part in parts:
        if not _NAME.fullmatch(part):
            raise InvalidReference(f"repository ID {shown} contains characters outside [A-Za-z0-9_.-]")
        if part.startswith(("-", ".")) or part.endswith(("-", ".")):
            raise InvalidReference(f"repository ID {shown} has a part starting or ending with '-' or '.'")
    if ".." in repo_id or "--" in repo_id:
        raise InvalidReference(f"repository ID {shown} contains '..' or '--'")
    return repo_id


def validate_revision(revision: str) -> str:
    """Return ``revision`` if it is a plausible git ref or commit: no traversal, controls or URL syntax."""
    shown = _shown(revision)
    if not revision or len(revision) > MAX_REVISION_LENGTH:
        raise InvalidReference(f"revision {shown} is empty or too long")
    if not _REVISION.fullmatch(revision):
        raise InvalidReference(f"revision {shown} contains characters not allowed in a git ref")
    if ".." in revision or revision.startswith("/") or revision.endswith("/") or "//" in revision:
        raise InvalidReference(f"revision {shown} is not a valid git ref")
    return revision


def validate_owner_name(
    repo_type: str, repo_id: str, revision: str | None, *, hub: str, repo_types: Collection[str]
) -> None:
    """A reference to a hub whose repositories are always ``owner/name`` (ModelScope, CSGHub)."""
    if repo_type not in repo_types:
        raise InvalidReference(f"{hub} has no {_shown(repo_type)} repositories hubguard reads")
    try:
        validate_repo_id(repo_id, allow_legacy=False)
    except InvalidReference as problem:
        raise InvalidReference(f"{problem} ({hub} IDs are owner/name)") from None
    if revision is not None:
        validate_revision(revision)


def validate_repo_type(repo_type: str) -> str:
    if repo_type not in REPO_TYPES:
        raise InvalidReference(f"repository type {_shown(repo_type)} is not one of {sorted(REPO_TYPES)}")
    return repo_type


def _shown(value: object) -> str:
    """A short, escaped rendering of untrusted text for messages (no control characters survive)."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
