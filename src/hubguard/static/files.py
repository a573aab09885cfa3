"""Which files a scan covers: recursion, default skips, configured excludes."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from fnmatch import fnmatchcase
from pathlib import Path

ANALYSED_SUFFIXES = frozenset({".py", ".pyi", ".ipynb"})
SKIPPED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".venv", "venv", ".env", "node_modules", "__pycache__", "build", "dist",
        ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".ipynb_checkpoints", "site-packages",
        ".eggs", ".direnv",
    }
)


def relative_path(path: Path, root: Path) -> str:
    """Root-relative POSIX path (what SARIF and GitHub expect); absolute when outside the root."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(root).as_posix()
    except ValueError:
        return resolved.as_posix()


def is_excluded(relative: str, patterns: Iterable[str]) -> bool:
    parts = relative.split("/")
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if fnmatchcase(relative, pattern) or fnmatchcase(relative, f"{pattern}/*"):
            return True
        if any(fnmatchcase(part, pattern) for part in parts):
            return True
        if any(fnmatchcase("/".join(parts[:i]), pattern) for i in range(1, len(parts))):
            return True
    return False


def _is_virtualenv(directory: str) -> bool:
    return os.path.exists(os.path.join(directory, "pyvenv.cfg"))


def discover(paths: Iterable[Path], root: Path, exclude: tuple[str, ...]) -> Iterator[Path]:
    """Files to analyse, in a stable order; explicit files are taken whatever their suffix."""
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            candidates: Iterable[Path] = _walk(path, root, exclude)
        else:
            candidates = [path] if not is_excluded(relative_path(path, root), exclude) else []
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                yield candidate


def _walk(directory: Path, root: Path, exclude: tuple[str, ...]) -> Iterator[Path]:
    for current, dirnames, filenames in os.walk(directory):
        kept = []
        for name in sorted(dirnames):
            full = os.path.join(current, name)
            if name in SKIPPED_DIRS or name.endswith(".egg-info") or _is_virtualenv(full):
                continue
            if os.path.islink(full) or is_excluded(relative_path(Path(full), root), exclude):
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if os.path.splitext(name)[1] not in ANALYSED_SUFFIXES:
                continue
            full_path = Path(current, name)
            if not is_excluded(relative_path(full_path, root), exclude):
                yield full_path
