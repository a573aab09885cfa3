"""Positions and source text of ``ast`` nodes, in code points (``ast`` counts UTF-8 bytes)."""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass
from bisect import bisect_right
from itertools import accumulate

from hubguard.static.lines import python_lines
from hubguard.static.recovery import scan_line

_BLANK = " \t\f\r\n\\"


@dataclass(frozen=True)
class Span:
    start_line: int
    start_column: int  # 0-based, code points
    end_line: int
    end_column: int


class SourceText:
    """The text a tree was parsed from, to slice and locate its nodes."""

    def __init__(self, text: str, tree: ast.Module) -> None:
        self.text = text
        self.tree = tree
        self.lines = python_lines(text)
        self._line_offsets = [0, *accumulate(len(line) for line in self.lines)]
        self.claimed: set[int] = set()  # ids of sole arguments: the brackets around them are the parent's
        self._clause_starts: list[int] | None = None

    def column(self, line: int, byte_offset: int) -> int:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        if text.isascii():
            return byte_offset
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", errors="replace"))

    def span(self, node: ast.AST) -> Span:
        return Span(
            node.lineno,  # type: ignore[attr-defined]
            self.column(node.lineno, node.col_offset),  # type: ignore[attr-defined]
            node.end_lineno,  # type: ignore[attr-defined]
            self.column(node.end_lineno, node.end_col_offset),  # type: ignore[attr-defined]
        )

    def _offset(self, line: int, column: int) -> int:
        return self._line_offsets[line - 1] + column

    def segment(self, node: ast.AST) -> str:
        """The node's text as written, with the brackets that group it (``(x)`` for ``f(k=(x))``)."""
        span = self.span(node)
        start = self._offset(span.start_line, span.start_column)
        end = self._offset(span.end_line, span.end_column)
        opening = self._brackets(start, -1, "(")
        closing = self._brackets(end, 1, ")")
        grouping = min(len(opening), len(closing)) - (1 if id(node) in self.claimed else 0)
        if grouping > 0:
            start, end = opening[grouping - 1], closing[grouping - 1] + 1
        text = self.text[start:end]
        if "\n" in text or "\r" in text:
            text = self._dedented(text, span)
        return text.strip()

    def _dedented(self, text: str, span: Span) -> str:
        """Continuation lines without the enclosing block's indentation, as the expression reads on its own.

        Lines inside a string, or continued with a backslash, are kept as written.
        """
        indent = self._block_indent(span.start_line)
        if not indent:
            return text
        lines = python_lines(text)
        continued = _backslash_continued(lines) - _comment_lines(text)
        in_string: str | None = None
        for number in range(len(lines)):
            if number and in_string is None and number - 1 not in continued:
                if lines[number].startswith(indent):
                    lines[number] = lines[number][len(indent) :]
            in_string = scan_line(lines[number], in_string, 0)[0]
        return "".join(lines)

    def _block_indent(self, line: int) -> str:
        """Indentation of the innermost statement or clause that starts on or before ``line``.

        A multi-line expression starting on ``line`` belongs to a statement that starts there or earlier (so
        there is one), and no other statement can start on that line after it: lines are enough.
        """
        if self._clause_starts is None:
            self._clause_starts = sorted(_clause_starts(self.tree))
        text = self.lines[self._clause_starts[bisect_right(self._clause_starts, line) - 1] - 1]
        return text[: len(text) - len(text.lstrip(" \t\f"))]

    def is_one_string_token(self, node: ast.AST) -> bool:
        span = self.span(node)
        text = self.text[self._offset(span.start_line, span.start_column) : self._offset(span.end_line, span.end_column)]
        try:
            tokens = [token for token in tokenize.generate_tokens(io.StringIO(text).readline) if token.string.strip()]
        except (tokenize.TokenError, SyntaxError):
            return False
        return len(tokens) == 1 and tokens[0].type == tokenize.STRING

    def _brackets(self, position: int, step: int, bracket: str) -> list[int]:
        """Offsets of the ``bracket`` characters next to ``position``, separated only by blanks."""
        found: list[int] = []
        text = self.text
        index = position - 1 if step < 0 else position
        while 0 <= index < len(text):
            char = text[index]
            if char == bracket:
                found.append(index)
            elif char not in _BLANK:
                break
            index += step
        return found


def _backslash_continued(lines: list[str]) -> set[int]:
    """0-based numbers of the lines that end with a backslash (in code it continues the line, in a comment not)."""
    return {number for number, line in enumerate(lines) if line.rstrip("\r\n").endswith("\\")}


def _comment_lines(text: str) -> set[int]:
    """0-based numbers of the lines of an expression's text that end in a comment."""
    if "#" not in text:
        return set()  # no tokenizing for most texts
    try:
        # Inside brackets the tokenizer reads the lines as one expression, whatever their indentation.
        tokens = list(tokenize.generate_tokens(io.StringIO(f"({text}\n)").readline))
    except (tokenize.TokenError, SyntaxError):
        return set()
    return {token.start[0] - 1 for token in tokens if token.type == tokenize.COMMENT}


def _clause_starts(tree: ast.Module) -> list[int]:
    """The line where each statement, ``except`` clause and ``case`` begins (a decorated one at its first
    decorator: ``decorator_list`` is in source order)."""
    starts = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.stmt, ast.excepthandler)):
            decorators = getattr(node, "decorator_list", None)
            starts.append(decorators[0].lineno if decorators else node.lineno)
        elif isinstance(node, ast.match_case):
            starts.append(node.pattern.lineno)
    return starts
