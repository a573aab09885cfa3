"""Lines changed since a git ref: ``hubguard scan --diff-base REF`` and the Action's changed-lines-only.

A finding counts as changed when every line of its region was added or modified, the rule GitHub applies
before annotating a pull request. Findings not tied to lines of a local file are always kept: a diff cannot
tell whether the change caused them.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

_HUNK = re.compile(r"@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_C_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}
_GIT_TIMEOUT = 120


class DiffError(Exception):
    """The ref cannot be diffed against (not a repository, unknown ref); the message says which."""


@dataclass
class ChangedLines:
    lines: dict[str, set[int]] = field(default_factory=dict)  # path -> changed line numbers
    whole_files: set[str] = field(default_factory=set)  # untracked files: every line is new

    def covers(self, path: str, start: int, end: int) -> bool:
        """Whether lines ``start``..``end`` of repository-relative ``path`` were all added or changed."""
        if path in self.whole_files:
            return True
        return set(range(start, end + 1)) <= self.lines.get(path, set())


def parse_diff(diff_text: str) -> dict[str, set[int]]:
    """File path (as in the new tree) -> line numbers a ``git diff --unified=0`` adds or changes there."""
    changed: dict[str, set[int]] = {}
    current: set[int] | None = None
    for line in diff_text.splitlines():
        if line.startswith("+++ "):
            path = _diff_path(line[4:])
            current = changed.setdefault(path, set()) if path is not None else None
        elif line.startswith("@@") and current is not None:
            match = _HUNK.match(line)
            if match:
                start, count = int(match.group(1)), int(match.group(2) or "1")
                current.update(range(start, start + count))
    return changed


def _diff_path(raw: str) -> str | None:
    """``b/path`` as git prints it (tab-terminated when it has spaces, C-quoted when unusual)."""
    raw = raw.removesuffix("\t")
    if raw.startswith('"') and raw.endswith('"'):
        raw = _unquote_c(raw[1:-1])
    if raw == "/dev/null" or not raw.startswith("b/"):
        return None
    return raw[2:]


def _unquote_c(text: str) -> str:
    out = bytearray()
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if re.fullmatch(r"[0-7]{3}", text[i + 1 : i + 4]):
                out.append(int(text[i + 1 : i + 4], 8))
                i += 4
                continue
            out.append(_C_ESCAPES.get(nxt, ord(nxt)))
            i += 2
            continue
        out.extend(char.encode("utf-8"))
        i += 1
    return out.decode("utf-8", errors="surrogateescape")


def _git(root: Path, *args: str) -> str:
    try:
        completed = subprocess.run(
            ["git", "-c", "core.quotePath=true", *args],
            cwd=root,
            capture_output=True,
            timeout=_GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise DiffError(f"cannot run git: {error}") from None
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", errors="replace").strip().splitlines()
        raise DiffError(message[-1] if message else f"git {args[0]} failed")
    return completed.stdout.decode("utf-8", errors="surrogateescape")


def lines_changed_since(ref: str, root: Path) -> ChangedLines:
    """Lines changed in the working tree of the repository at ``root`` since it forked from ``ref``.

    Like a pull request's diff: against the merge base of ``ref`` and HEAD, committed and uncommitted
    changes alike, and untracked files count as wholly new.
    """
    if ref.startswith("-"):
        raise DiffError(f"{ref!r} is not a git ref")
    _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    base = _git(root, "merge-base", ref, "HEAD").strip()
    diff = _git(
        root, "diff", "--no-color", "--no-ext-diff", "--no-renames", "--unified=0",
        "--src-prefix=a/", "--dst-prefix=b/", base, "--",
    )
    untracked = _git(root, "ls-files", "--others", "--exclude-standard", "-z")
    return ChangedLines(parse_diff(diff), {name for name in untracked.split("\0") if name})
