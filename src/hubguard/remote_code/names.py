"""Validation of module, class, path and repo names taken from repository config files.

Every value here comes from the repository under scan, so nothing is trusted: a name is either
well-formed and mapped to a repo-relative path, or rejected.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection
from dataclasses import dataclass

_MODULE_PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,127}")
_CLASS_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
_REPO_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}")
_PATH_PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,127}")
_MAX_DOTTED_PARTS = 8


class UnsafeName(ValueError):
    """A repository-provided name that hubguard refuses to map to a path."""


@dataclass(frozen=True)
class ClassRef:
    """``[repo--]module.path.Class`` split into its parts."""

    repo_id: str | None
    module: str
    class_name: str


def shown(value: object, limit: int = 80) -> str:
    """A short, printable rendering of an untrusted value for notes."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def label(value: object, limit: int = 80) -> str:
    """``value`` as text with non-printable characters dropped, for use inside messages."""
    text = "".join(char for char in str(value) if char.isprintable())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def parse_class_ref(value: str) -> ClassRef:
    """Parse an auto_map-style reference: ``module.Class`` or ``owner/repo--module.Class``."""
    repo_id: str | None = None
    reference = value
    if "--" in value:
        repo_id, _, reference = value.partition("--")
        check_repo_id(repo_id)
    module, dot, class_name = reference.rpartition(".")
    if not dot or not _CLASS_NAME.fullmatch(class_name):
        raise UnsafeName(f"not a module.Class reference: {shown(value)}")
    check_module(module)
    return ClassRef(repo_id, module, class_name)


def check_module(module: str) -> None:
    parts = module.split(".")
    if len(parts) > _MAX_DOTTED_PARTS or not all(_MODULE_PART.fullmatch(part) for part in parts):
        raise UnsafeName(f"unsafe module name: {shown(module)}")


def check_repo_id(repo_id: str) -> None:
    parts = repo_id.split("/")
    if not 1 <= len(parts) <= 2 or not all(_REPO_PART.fullmatch(part) for part in parts):
        raise UnsafeName(f"unsafe repository id: {shown(repo_id)}")
    if any(".." in part or part.endswith(".") for part in parts):
        raise UnsafeName(f"unsafe repository id: {shown(repo_id)}")


def check_relative_path(path: str) -> str:
    """Return ``path`` if it is a plain repo-relative POSIX path (no ``..``, no root), else raise."""
    parts = path.split("/")
    if not path or len(parts) > 16 or not all(_PATH_PART.fullmatch(part) for part in parts):
        raise UnsafeName(f"unsafe path: {shown(path)}")
    if any(part.startswith("..") for part in parts):
        raise UnsafeName(f"unsafe path: {shown(path)}")
    return path


def module_candidates(module: str, base_dir: str = "") -> list[str]:
    """Repo paths a dotted module name can live at, most specific first."""
    relative = module.replace(".", "/")
    return [posixpath.join(base_dir, relative + ".py"), posixpath.join(base_dir, relative, "__init__.py")]


def find_module(module: str, files: Collection[str], base_dirs: tuple[str, ...] = ("",)) -> str | None:
    for base_dir in base_dirs:
        for candidate in module_candidates(module, base_dir):
            if candidate in files:
                return candidate
    return None
