"""Source positions for the few nodes a finding points at, without LibCST's PositionProvider.

PositionProvider regenerates the code of the whole module, which costs more than parsing it. CPython's
``ast`` parser records positions for free, and a concrete syntax tree visits calls in source order: the
n-th ``cst.Call`` in a pre-order walk is the n-th ``ast.Call`` sorted by start (outermost first).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from hubguard.static.bindings import dotted_name
from hubguard.static.lines import python_lines


@dataclass(frozen=True)
class Span:
    start_line: int
    start_column: int  # 0-based, code points
    end_line: int
    end_column: int


def _callee(call: cst.Call) -> str | None:
    return dotted_name(call.func)


def _ast_callee(call: ast.Call) -> str | None:
    node, parts = call.func, []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


class PositionIndex:
    def __init__(self, module: cst.Module, source: str, cst_calls: list[cst.Call]) -> None:
        """``cst_calls``: every Call of ``module`` (parsed from ``source``) in pre-order."""
        self.module = module
        self.lines = python_lines(source)
        self._ast_calls = self._match_calls(source, cst_calls)
        self._fallback: dict[cst.CSTNode, CodeRange] | None = None

    @staticmethod
    def _match_calls(source: str, cst_calls: list[cst.Call]) -> dict[int, ast.Call] | None:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        ast_calls = sorted(
            (node for node in ast.walk(tree) if isinstance(node, ast.Call)),
            key=lambda n: (n.lineno, n.col_offset, -(n.end_lineno or 0), -(n.end_col_offset or 0)),
        )
        if len(cst_calls) != len(ast_calls):
            return None
        pairs = list(zip(cst_calls, ast_calls))
        if any(_callee(cst_call) != _ast_callee(ast_call) for cst_call, ast_call in pairs):
            return None  # the two orders disagree somewhere: fall back to PositionProvider
        return {id(cst_call): ast_call for cst_call, ast_call in pairs}

    def _column(self, line: int, byte_offset: int) -> int:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", errors="replace"))

    def _span(self, node: ast.AST) -> Span:
        return Span(
            node.lineno,  # type: ignore[attr-defined]
            self._column(node.lineno, node.col_offset),  # type: ignore[attr-defined]
            node.end_lineno,  # type: ignore[attr-defined]
            self._column(node.end_lineno, node.end_col_offset),  # type: ignore[attr-defined]
        )

    def _ast_anchor(self, call: cst.Call, anchor: cst.CSTNode) -> ast.AST | None:
        if self._ast_calls is None:
            return None
        ast_call = self._ast_calls.get(id(call))
        if ast_call is None:
            return None
        if anchor is call:
            return ast_call
        if anchor is call.func:
            return ast_call.func
        if isinstance(anchor, cst.Arg):
            if anchor.keyword is not None:
                return next((k for k in ast_call.keywords if k.arg == anchor.keyword.value), None)
            if not anchor.star:
                positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
                index = next((i for i, arg in enumerate(positional) if arg is anchor), None)
                plain = [arg for arg in ast_call.args if not isinstance(arg, ast.Starred)]
                if index is not None and index < len(plain):
                    return plain[index]
        return None

    def span(self, call: cst.Call, anchor: cst.CSTNode) -> Span:
        """Where ``anchor`` (the call, its callee, or one of its arguments) sits in the source."""
        node = self._ast_anchor(call, anchor)
        if node is not None:
            return self._span(node)
        if self._fallback is None:
            self._fallback = dict(MetadataWrapper(self.module, unsafe_skip_copy=True).resolve(PositionProvider))
        code_range = self._fallback[anchor]
        return Span(code_range.start.line, code_range.start.column, code_range.end.line, code_range.end.column)
