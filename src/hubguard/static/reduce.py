"""Give LibCST only the code that matters: definitions without candidate calls are blanked out.

A 3,000-line modeling file with one ``torch.load`` in one helper needs LibCST for that helper, the imports
and the assignments, nothing else. Each dropped ``def``/``class`` leaves ``name = None`` on its first line
(it still binds its name, so shadowing is seen) and blank lines after it, so every kept line keeps its
number and text and positions stay valid.
"""

from __future__ import annotations

import ast

from hubguard.static.lines import python_lines

_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _first_line(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", [])
    return min([node.lineno, *(decorator.lineno for decorator in decorators)])


def _blank(body: list[ast.stmt], candidate_lines: list[int], lines: list[str]) -> None:
    for node in body:
        if not isinstance(node, _DEFINITIONS) or node.end_lineno is None:
            continue
        first, last = _first_line(node), node.end_lineno
        if any(first <= line <= last for line in candidate_lines):
            if isinstance(node, ast.ClassDef):
                _blank(node.body, candidate_lines, lines)
            continue
        head = lines[first - 1]
        indent = head[: len(head) - len(head.lstrip())]
        lines[first - 1] = f"{indent}{node.name} = None{_ending(head)}"
        for number in range(first, last):
            lines[number] = _ending(lines[number])


def _ending(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :] or "\n"


def reduced_source(tree: ast.Module, text: str, candidate_lines: set[int]) -> str:
    lines = python_lines(text)
    _blank(tree.body, sorted(candidate_lines), lines)
    return "".join(lines)
