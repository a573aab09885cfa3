"""Source lines for code frames: plain files under the root, and code cells of notebooks."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Lines as the rest of hubguard numbers them: CR, LF and CRLF only (not ``str.splitlines``).

    A final line break ends the last line rather than starting an empty one.
    """
    lines = _LINE_BREAK.split(text)
    return lines[:-1] if len(lines) > 1 and lines[-1] == "" else lines


class SourceLines:
    """Reads each file under ``root`` once; anything unreadable or outside ``root`` yields None.

    ``texts`` supplies files that are not on disk as scanned (source read from stdin).
    """

    def __init__(self, root: Path, texts: dict[str, str] | None = None) -> None:
        self._root = root.resolve()
        self._texts: dict[str, str | None] = dict(texts or {})

    def _text(self, path: str) -> str | None:
        if path not in self._texts:
            self._texts[path] = self._read(path)
        return self._texts[path]

    def _read(self, path: str) -> str | None:
        candidate = (self._root / path).resolve()
        if not candidate.is_relative_to(self._root) or not candidate.is_file():
            return None
        try:
            data = candidate.read_bytes()
        except OSError:
            return None
        if b"\x00" in data[:8192]:
            return None  # a weights file or other binary: no code frame
        return data.decode("utf-8", errors="replace")

    def file_lines(self, path: str) -> list[str] | None:
        text = self._text(path)
        return None if text is None else split_lines(text)

    def cell_lines(self, path: str, cell_index: int) -> list[str] | None:
        """The source lines of code cell ``cell_index`` (0-based, counting all cells) of a notebook."""
        text = self._text(path)
        if text is None:
            return None
        try:
            notebook: Any = json.loads(text)
            source = notebook["cells"][cell_index]["source"]
        except (ValueError, KeyError, IndexError, TypeError):
            return None
        if isinstance(source, list) and all(isinstance(part, str) for part in source):
            source = "".join(source)
        return split_lines(source) if isinstance(source, str) else None
