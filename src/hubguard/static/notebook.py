"""Jupyter notebooks: the code cells as one module, and a map back to raw ``.ipynb`` coordinates."""

from __future__ import annotations

import ast
import re
from bisect import bisect_right
from dataclasses import dataclass

from hubguard.static.jsonpos import JSONPositionError, PositionedString, loads_with_positions

_MAGIC_LINE = re.compile(r"^(\s*)([%!?]|\w+\s*=\s*[%!])")
_CELL_MAGIC = re.compile(r"^\s*%%")


class NotebookError(ValueError):
    pass


@dataclass(frozen=True)
class CellLine:
    cell_index: int  # 0-based among all cells
    line_in_cell: int  # 1-based
    offsets: tuple[int, ...]  # raw offset of each character of the line (plus the one after it)
    cell_id: str | None


@dataclass
class NotebookSource:
    code: str  # code cells joined; unparseable cells and magics blanked out, line count preserved
    lines: list[CellLine | None]  # per line of ``code`` (0-based): where it came from; None for separators
    raw_line_starts: list[int]
    skipped_cells: list[tuple[int, str]]  # (cell index, reason) for cells that were not analysed

    def raw_position(self, line: int, column: int) -> tuple[int, int] | None:
        """Map 1-based line / 0-based column in ``code`` to 1-based raw line / 0-based raw column."""
        if not 1 <= line <= len(self.lines):
            return None
        origin = self.lines[line - 1]
        if origin is None:
            return None
        offset = origin.offsets[min(column, len(origin.offsets) - 1)]
        raw_line = bisect_right(self.raw_line_starts, offset)
        return raw_line, offset - self.raw_line_starts[raw_line - 1]

    def cell_of(self, line: int) -> CellLine | None:
        return self.lines[line - 1] if 1 <= line <= len(self.lines) else None


def _cell_source(cell: dict[str, object]) -> list[PositionedString]:
    source = cell.get("source", [])
    if isinstance(source, PositionedString):
        return [source]
    if isinstance(source, list) and all(isinstance(part, PositionedString) for part in source):
        return source  # type: ignore[return-value]
    raise NotebookError("a cell's 'source' is neither a string nor a list of strings")


def _split_lines(parts: list[PositionedString]) -> list[tuple[str, tuple[int, ...]]]:
    """Concatenate a cell's source strings and split into lines with per-character raw offsets."""
    text = "".join(part.value for part in parts)
    offsets: list[int] = []
    for part in parts:
        offsets.extend(part.offsets[:-1])
    end = parts[-1].offsets[-1] if parts else 0
    lines: list[tuple[str, tuple[int, ...]]] = []
    start = 0
    for index, char in enumerate(text):
        if char == "\n":
            lines.append((text[start:index], tuple(offsets[start : index + 1])))
            start = index + 1
    if start < len(text):
        lines.append((text[start:], tuple(offsets[start:]) + (end,)))
    return lines


def _mask_magics(lines: list[str]) -> list[str]:
    masked = []
    for line in lines:
        match = _MAGIC_LINE.match(line)
        masked.append(f"{match.group(1)}pass" if match else line)
    return masked


def _plain_cells(document: object) -> list[dict[str, object]]:
    if not isinstance(document, dict):
        raise NotebookError("the notebook is not a JSON object")
    cells = document.get("cells")
    if not isinstance(cells, list) or not all(isinstance(cell, dict) for cell in cells):
        raise NotebookError("the notebook has no 'cells' list (nbformat 4 expected)")
    return cells  # type: ignore[return-value]


def _cell_id(cell: dict[str, object]) -> str | None:
    cell_id = cell.get("id")
    return cell_id.value if isinstance(cell_id, PositionedString) else None


def read_notebook(raw: str) -> NotebookSource:
    try:
        document = loads_with_positions(raw)
    except (JSONPositionError, RecursionError) as error:
        raise NotebookError(f"invalid notebook JSON: {error}") from None
    cells = _plain_cells(document)
    code_lines: list[str] = []
    origins: list[CellLine | None] = []
    skipped: list[tuple[int, str]] = []
    for index, cell in enumerate(cells):
        cell_type = cell.get("cell_type")
        if not isinstance(cell_type, PositionedString) or cell_type.value != "code":
            continue
        lines = _split_lines(_cell_source(cell))
        texts = [text for text, _ in lines]
        if texts and _CELL_MAGIC.match(texts[0]):
            skipped.append((index, "cell magic"))
            continue
        texts = _mask_magics(texts)
        try:
            ast.parse("\n".join(texts))
        except (SyntaxError, ValueError) as error:
            skipped.append((index, f"syntax error: {getattr(error, 'msg', error)}"))
            continue
        cell_id = _cell_id(cell)
        for number, ((_, offsets), text) in enumerate(zip(lines, texts), start=1):
            code_lines.append(text)
            origins.append(CellLine(index, number, offsets, cell_id))
        code_lines.append("")
        origins.append(None)
    raw_line_starts = [0] + [i + 1 for i, char in enumerate(raw) if char == "\n"]
    return NotebookSource("\n".join(code_lines) + "\n", origins, raw_line_starts, skipped)
