"""Blank out large data literals (embedded blobs, weight tables) so Semgrep can parse the code.

Line numbers are preserved: a removed literal keeps the newlines it spanned, so every match in the
stripped text sits on the same line as in the original. The bytes removed are still checked by the
byte signatures, which read the original file.

The lexer is one regular expression (Python's ``tokenize`` runs at well under 1 MB/s, too slow
for the multi-megabyte files this exists for). It only needs to tell comments, strings, brackets
and constant tokens apart; anything it cannot vouch for keeps its bracket intact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MIN_STRING_CHARS = 1024
MIN_TABLE_CHARS = 16 * 1024

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\r\n]*)
  | (?P<string>(?:[rRbBuUfF]{1,2})?
        (?: '''(?:[^'\\]|\\.|'(?!''))*'''
          | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
          | '(?:[^'\\\r\n]|\\.)*'
          | "(?:[^"\\\r\n]|\\.)*" ))
  | (?P<open>[(\[{])
  | (?P<close>[)\]}])
  | (?P<data>(?:\s+|[0-9][0-9a-zA-Z_.]*|\.[0-9][0-9a-zA-Z_]*|[,:+\-]|\b(?:True|False|None)\b)+)
  | (?P<other>[A-Za-z_][A-Za-z0-9_]*|\S)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass
class _Bracket:
    content_start: int  # offset just after the opening bracket
    data_only: bool = True


def strip_data_literals(text: str) -> str:
    """``text`` with long string literals emptied and long bracketed constant tables cleared."""
    edits: list[tuple[int, int, str]] = []
    open_brackets: list[_Bracket] = []
    for token in _TOKEN.finditer(text):
        kind = token.lastgroup
        start, end = token.span()
        if kind == "open":
            open_brackets.append(_Bracket(end))
        elif kind == "close":
            if not open_brackets:
                continue
            bracket = open_brackets.pop()
            if bracket.data_only and start - bracket.content_start >= MIN_TABLE_CHARS:
                edits.append((bracket.content_start, start, "\n" * text.count("\n", bracket.content_start, start)))
            elif not bracket.data_only and open_brackets:
                open_brackets[-1].data_only = False
        elif kind == "string":
            if end - start >= MIN_STRING_CHARS:
                edits.append((start, end, _empty_like(token.group())))
        elif kind == "other" and open_brackets:
            open_brackets[-1].data_only = False
    return _apply(text, edits)


def _empty_like(literal: str) -> str:
    """An empty literal with the same prefix (b, r, f...) spanning the same number of lines."""
    quote_at = min(index for index in (literal.find("'"), literal.find('"')) if index >= 0)
    prefix, body = literal[:quote_at], literal[quote_at:]
    newlines = body.count("\n")
    if newlines == 0:
        quote = body[:3] if body[:3] in ("'''", '"""') else body[0]
        return prefix + quote + quote
    return prefix + '"""' + "\n" * newlines + '"""'


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    parts: list[str] = []
    position = 0
    for start, end, replacement in sorted(edits):
        if start < position:
            continue  # inside a larger edit already applied
        parts.append(text[position:start])
        parts.append(replacement)
        position = end
    parts.append(text[position:])
    return "".join(parts)
