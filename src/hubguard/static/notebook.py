"""Jupyter notebooks: the code cells as one module, and a map back to raw ``.ipynb`` coordinates.

The document is decoded by ``json``; where a cell's characters sit in the raw file is worked out only for
the cells a finding points into.
"""

from __future__ import annotations

import ast
import json
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property

from hubguard.static.jsonpos import PositionedString, array_element_offsets, positioned_value
from hubguard.static.lines import python_lines
from hubguard.static.recovery import PARSE_ERRORS, parse, parse_failure

_MAGIC_LINE = re.compile(r"^(\s*)([%!?]|\w+\s*=\s*[%!])")
_CELL_MAGIC = re.compile(r"[^\S\n]*%%")
_POSITIONED_KEYS = frozenset({"source"})


class NotebookError(ValueError):
    pass


@dataclass
class Cell:
    index: int  # 0-based among all cells
    cell_id: str | None
    text: str  # the source strings joined
    raw_offsets: list[int] | None = field(default=None, repr=False)  # filled in on demand by NotebookSource


@dataclass(frozen=True)
class CellLine:
    cell_index: int  # 0-based among all cells
    line_in_cell: int  # 1-based
    cell_id: str | None


@dataclass(frozen=True)
class SkippedCell:
    cell: Cell
    reason: str
    too_deep: bool
    line_in_cell: int  # the parser's position in the cell, or its first line
    column: int  # 0-based


@dataclass
class NotebookSource:
    raw: str
    code: str  # code cells joined; unparseable cells and magics blanked out, line count preserved
    cells: list[Cell]  # the code cells in ``code``, in order
    first_lines: list[int]  # 1-based line of ``code`` where each of ``cells`` starts
    skipped_cells: list[SkippedCell]
    tree: ast.Module | None  # ``code`` parsed, when reading it already needed that
    raw_line_starts: list[int] = field(init=False)
    _cell_starts: list[int] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.raw_line_starts = [0, *(match.end() for match in re.finditer("\n", self.raw))]

    @cached_property
    def written(self) -> str:
        """``code`` with its IPython lines as written (line for line): suppression comments on shell lines count."""
        return _join([cell.text for cell in self.cells])[0]

    def _locate(self, line: int) -> tuple[Cell, int] | None:
        """The cell a line of ``code`` came from and its 1-based line in that cell; None for separators."""
        slot = bisect_right(self.first_lines, line) - 1
        if slot < 0:
            return None
        cell = self.cells[slot]
        line_in_cell = line - self.first_lines[slot] + 1
        return (cell, line_in_cell) if line_in_cell <= _line_count(cell.text) else None

    def cell_of(self, line: int) -> CellLine | None:
        located = self._locate(line)
        if located is None:
            return None
        cell, line_in_cell = located
        return CellLine(cell.index, line_in_cell, cell.cell_id)

    def raw_position(self, line: int, column: int) -> tuple[int, int] | None:
        """Map 1-based line / 0-based column in ``code`` to 1-based raw line / 0-based raw column."""
        located = self._locate(line)
        if located is None:
            return None
        cell, line_in_cell = located
        return self.raw_position_in_cell(cell, line_in_cell, column)

    def raw_position_in_cell(self, cell: Cell, line_in_cell: int, column: int) -> tuple[int, int]:
        lines = python_lines(cell.text) or [""]
        line = lines[min(line_in_cell, len(lines)) - 1]
        start = sum(len(earlier) for earlier in lines[: min(line_in_cell, len(lines)) - 1])
        end = start + len(line.rstrip("\r\n"))
        offsets = self._raw_offsets(cell)
        offset = offsets[min(start + column, end, len(offsets) - 1)]
        raw_line = bisect_right(self.raw_line_starts, offset)
        return raw_line, offset - self.raw_line_starts[raw_line - 1]

    def _raw_offsets(self, cell: Cell) -> list[int]:
        """Raw offset of each character of the cell's text, plus one for its end."""
        if cell.raw_offsets is None:
            if self._cell_starts is None:
                self._cell_starts = array_element_offsets(self.raw, "cells")
            element = positioned_value(self.raw, self._cell_starts[cell.index], _POSITIONED_KEYS)
            parts = _cell_source(element) if isinstance(element, dict) else []
            offsets: list[int] = []
            for part in parts:
                offsets.extend(part.offsets(self.raw))
            offsets.append(parts[-1].raw_end if parts else 0)
            cell.raw_offsets = offsets
        return cell.raw_offsets


def _line_count(text: str) -> int:
    """Lines as Python counts them: ``\r\n``, ``\r`` and ``\n`` each end one."""
    return len(python_lines(text))


def _cell_source(cell: dict[str, object]) -> list[PositionedString]:
    source = cell.get("source", [])
    if isinstance(source, PositionedString):
        return [source]
    return [part for part in source if isinstance(part, PositionedString)] if isinstance(source, list) else []


def _cell_text(cell: dict[str, object]) -> str:
    source = cell.get("source", [])
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(part, str) for part in source):
        return "".join(source)
    raise NotebookError("a cell's 'source' is neither a string nor a list of strings")


def _mask_magics(text: str) -> str:
    """IPython's ``!cmd`` and ``%magic`` lines become ``pass``; a line they continue (``\\`` at the end) is blanked."""
    lines = python_lines(text)
    continued = False
    for number, line in enumerate(lines):
        content = line.rstrip("\r\n")
        if continued:
            lines[number] = line[len(content):]
        elif match := _MAGIC_LINE.match(line):
            lines[number] = f"{match.group(1)}pass{line[len(content):]}"
        else:
            continue
        continued = content.endswith("\\")
    return "".join(lines)


def _plain_cells(document: object) -> list[dict[str, object]]:
    if not isinstance(document, dict):
        raise NotebookError("the notebook is not a JSON object")
    cells = document.get("cells")
    if not isinstance(cells, list) or not all(isinstance(cell, dict) for cell in cells):
        raise NotebookError("the notebook has no 'cells' list (nbformat 4 expected)")
    return cells  # type: ignore[return-value]


def _cell_id(cell: dict[str, object]) -> str | None:
    cell_id = cell.get("id")
    return cell_id if isinstance(cell_id, str) else None


def _code_cells(raw: str) -> list[Cell]:
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise NotebookError(f"invalid notebook JSON: {error}") from None
    return [
        Cell(index, _cell_id(cell), _cell_text(cell))
        for index, cell in enumerate(_plain_cells(document))
        if cell.get("cell_type") == "code"
    ]


def read_notebook(raw: str) -> NotebookSource:
    """The code cells as one module. Each cell is checked on its own, as Jupyter runs it: a cell that does
    not parse (or leaves a string or bracket open into the next) is blanked and listed in skipped_cells."""
    cells = _code_cells(raw)
    skipped: list[SkippedCell] = []
    masked: dict[int, str] = {}
    for cell in cells:
        if _CELL_MAGIC.match(cell.text):
            skipped.append(SkippedCell(cell, "cell magic", False, 1, 0))
        else:
            masked[cell.index] = _mask_magics(cell.text)
    kept = [cell for cell in cells if cell.index in masked]
    code, first_lines = _join([masked[cell.index] for cell in kept])
    tree = _parse_as_one(code, first_lines, kept)
    if tree is None:
        for cell in kept:
            failure = _parse_failure(cell, masked[cell.index])
            if failure is not None:
                skipped.append(failure)
        failed = {failure.cell.index for failure in skipped}
        kept = [cell for cell in kept if cell.index not in failed]
        code, first_lines = _join([masked[cell.index] for cell in kept])
    skipped.sort(key=lambda failure: failure.cell.index)
    return NotebookSource(raw, code, kept, first_lines, skipped, tree)


def _join(texts: list[str]) -> tuple[str, list[int]]:
    """Cells one after another, each followed by a blank separator line."""
    first_lines: list[int] = []
    pieces: list[str] = []
    line = 1
    for text in texts:
        first_lines.append(line)
        # A last line ending in a bare \r gets a \n: the separator's \n would join it into one \r\n line end.
        body = text if text.endswith("\n") or not text else text + "\n"
        pieces.append(body + "\n")
        line += _line_count(body) + 1
    return "".join(pieces), first_lines


def _parse_as_one(code: str, first_lines: list[int], cells: list[Cell]) -> ast.Module | None:
    """The joined module, when it parses and no statement crosses from one cell into the next."""
    if any(cell.text.rstrip("\r\n").endswith("\\") for cell in cells):
        return None  # joined, the blank line after the cell would end what the backslash continues; Jupyter fails
    try:
        tree = parse(code)
    except PARSE_ERRORS:
        return None
    ends = [first + _line_count(cell.text) - 1 for first, cell in zip(first_lines, cells)]
    for statement in tree.body:
        slot = bisect_right(first_lines, statement.lineno) - 1
        if slot < 0 or (statement.end_lineno or statement.lineno) > ends[slot]:
            return None
    return tree


def _parse_failure(cell: Cell, masked: str) -> SkippedCell | None:
    try:
        parse(masked)
    except PARSE_ERRORS as error:
        failure = parse_failure(error)
        column = max((failure.column or 1) - 1, 0)
        return SkippedCell(cell, failure.reason, failure.too_deep, failure.line or 1, column)
    return None
