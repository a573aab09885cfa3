"""Which files a scan covers: recursion, default skips, configured excludes and .gitignore files."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from hubguard.config import Config

if TYPE_CHECKING:
    import pathspec

ANALYSED_SUFFIXES = frozenset({".py", ".pyi", ".ipynb"})
SKIPPED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".venv", "venv", ".env", "node_modules", "__pycache__", "build", "dist",
        ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".ipynb_checkpoints", "site-packages",
        ".eggs", ".direnv",
    }
)


@lru_cache(maxsize=4096)
def _real_directory(directory: str) -> str:
    return os.path.realpath(directory)


def _resolved(path: Path) -> str:
    """``str(path.resolve())`` with one ``realpath`` per directory instead of one per file (a scan resolves
    thousands of files in a few hundred directories)."""
    text = os.path.abspath(path)
    if os.path.islink(text):
        return str(path.resolve())
    return os.path.join(_real_directory(os.path.dirname(text)), os.path.basename(text))


def relative_path(path: Path, root: Path) -> str:
    """Root-relative POSIX path (what SARIF and GitHub expect); absolute when outside the root."""
    resolved, top = _resolved(path), str(root)
    inside = top if top.endswith(os.sep) else top + os.sep  # (string operations: a Path per file costs more)
    if resolved.startswith(inside):
        return resolved[len(inside) :].replace(os.sep, "/")
    return "." if resolved == top else Path(resolved).as_posix()


@lru_cache(maxsize=64)
def glob_spec(patterns: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    """``.gitignore``-style globs (``tests/**``, ``*.ipynb``, ``vendor``), the one matcher for every path setting."""
    import pathspec  # imported when first needed: a commit's few named files usually need no pattern at all

    return pathspec.GitIgnoreSpec.from_lines(patterns)


def matches(patterns: tuple[str, ...], path: Path, base: Path, *, is_dir: bool = False) -> bool:
    """Whether absolute ``path`` matches ``patterns`` anchored at absolute ``base`` (paths outside never do)."""
    if not patterns:
        return False
    try:
        relative = path.relative_to(base).as_posix()
    except ValueError:
        return False
    return glob_spec(patterns).match_file(relative + ("/" if is_dir else ""))


def repository_root(start: Path) -> Path | None:
    """The nearest directory at or above ``start`` holding ``.git`` (a directory, or a worktree's file)."""
    directory = start.resolve()
    for candidate in (directory, *directory.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


class GitIgnore:
    """Git's ignore rules for files under ``top``: every ``.gitignore`` on the way down, then
    ``.git/info/exclude``. A deeper file overrides a shallower one, and the last matching pattern wins."""

    def __init__(self, top: Path) -> None:
        self._top = top
        self._specs: dict[Path, pathspec.GitIgnoreSpec | None] = {}
        self._chains: dict[Path, list[tuple[Path, pathspec.GitIgnoreSpec]]] = {}
        self._exclude = self._read(_info_exclude(top))

    @staticmethod
    def _read(file: Path | None) -> pathspec.GitIgnoreSpec | None:
        if file is None or not file.is_file():
            return None
        try:
            lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return None
        return glob_spec(tuple(lines)) or None

    def _spec(self, directory: Path) -> pathspec.GitIgnoreSpec | None:
        if directory not in self._specs:
            self._specs[directory] = self._read(directory / ".gitignore")
        return self._specs[directory]

    def _chain(self, directory: Path) -> list[tuple[Path, pathspec.GitIgnoreSpec]]:
        """The ``.gitignore`` files that rule on entries of ``directory``, deepest first (worked out once per
        directory: a file's verdict then costs one check per ``.gitignore`` that exists, not one per level)."""
        missing = []
        while directory not in self._chains:
            missing.append(directory)
            if directory == self._top or directory == directory.parent:
                chain: list[tuple[Path, pathspec.GitIgnoreSpec]] = []
                break
            directory = directory.parent
        else:
            chain = self._chains[directory]
        for current in reversed(missing):
            spec = self._spec(current)
            chain = [(current, spec), *chain] if spec is not None else chain
            self._chains[current] = chain
        return chain

    def rules_in(self, directory: Path) -> bool:
        """Whether any rule could ignore an entry of ``directory`` (most directories have none)."""
        return self._exclude is not None or bool(self._chain(directory))

    def ignored(self, path: Path, *, is_dir: bool) -> bool:
        """Whether git ignores ``path``, a path under ``top``."""
        if path == self._top:
            return False  # rules inside a tree never ignore the tree itself
        from_top = path.relative_to(self._top).as_posix()
        suffix = "/" if is_dir else ""
        for directory, spec in self._chain(path.parent):
            verdict = spec.check_file(path.relative_to(directory).as_posix() + suffix).include
            if verdict is not None:
                return verdict
        if self._exclude is not None:
            return bool(self._exclude.match_file(from_top + suffix))
        return False


def _info_exclude(top: Path) -> Path | None:
    dot_git = top / ".git"
    if dot_git.is_dir():
        return dot_git / "info" / "exclude"
    if dot_git.is_file():  # a worktree: "gitdir: <path>", whose commondir holds info/exclude
        try:  # git writes paths as the file system's bytes
            gitdir = Path(os.fsdecode(dot_git.read_bytes()).partition("gitdir:")[2].strip())
            gitdir = gitdir if gitdir.is_absolute() else top / gitdir
            common = gitdir / "commondir"
            if common.is_file():
                gitdir = gitdir / os.fsdecode(common.read_bytes()).strip()
            return gitdir / "info" / "exclude"
        except OSError:
            return None
    return None


def discover(paths: Iterable[Path], root: Path, config: Config) -> Iterator[Path]:
    """Files to analyse, in a stable order; explicit files are taken whatever their suffix or .gitignore."""
    base = (config.base or root).resolve()
    _real_directory.cache_clear()  # directories may have changed since the last scan in this process
    seen: set[str] = set()
    for path in paths:
        if path.is_dir():
            gitignore = _gitignore_for(path.resolve()) if config.respect_gitignore else None
            candidates: Iterable[Path] = _walk(path, base, config.exclude, gitignore)
        else:
            candidates = [path] if not matches(config.exclude, path.resolve(), base) else []
        for candidate in candidates:
            key = _resolved(candidate)
            if key not in seen:
                seen.add(key)
                yield candidate


def _gitignore_for(directory: Path) -> GitIgnore:
    """The rules for walking ``directory``: its repository's, unless they ignore ``directory`` itself (it was
    named explicitly, so it is scanned, with only the .gitignore files inside it)."""
    top = repository_root(directory) or directory
    gitignore = GitIgnore(top)
    return GitIgnore(directory) if gitignore.ignored(directory, is_dir=True) else gitignore


def _is_virtualenv(directory: str) -> bool:
    return os.path.exists(os.path.join(directory, "pyvenv.cfg"))


def _walk(directory: Path, base: Path, exclude: tuple[str, ...], gitignore: GitIgnore | None) -> Iterator[Path]:
    start = directory.resolve()
    for current, dirnames, filenames in os.walk(start):
        here = Path(current)
        ruled = gitignore if gitignore is not None and gitignore.rules_in(here) else None
        kept = []
        for name in sorted(dirnames):
            full = here / name
            if name in SKIPPED_DIRS or name.endswith(".egg-info") or _is_virtualenv(str(full)) or full.is_symlink():
                continue
            if matches(exclude, full, base, is_dir=True) or (ruled is not None and ruled.ignored(full, is_dir=True)):
                continue
            kept.append(name)
        dirnames[:] = kept
        below = os.path.relpath(current, start)
        prefix = _prefix_from(here, base) if exclude else None
        for name in sorted(filenames):
            if os.path.splitext(name)[1] not in ANALYSED_SUFFIXES:
                continue
            # (a Path per file would cost more than the rest of the walk: most files need none)
            if prefix is not None and glob_spec(exclude).match_file(prefix + name):
                continue
            if ruled is not None and ruled.ignored(here / name, is_dir=False):
                continue
            yield Path(directory, below, name)


def _prefix_from(directory: Path, base: Path) -> str | None:
    """What ``directory``'s entries' paths relative to ``base`` start with (``""``, ``"a/b/"``); None outside it."""
    try:
        relative = directory.relative_to(base).as_posix()
    except ValueError:
        return None
    return "" if relative == "." else relative + "/"
