"""Parse what can be parsed: a statement Python's parser rejects does not hide the rest of the file.

When ``ast.parse`` fails on a file (a syntax error, or nesting too deep for the parser: ``MemoryError``,
``RecursionError``, "too many nested parentheses"), the file is cut into top-level statements by a small
scanner that only tracks strings, comments and bracket depth (so no nesting can overflow it), each
statement is parsed on its own, and the ones that fail are blanked line for line. Every kept line keeps its
number and text, so positions in the recovered tree are positions in the file.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass

from hubguard.static.lines import python_lines

# What Python's parser raises on input it rejects: the syntax errors, and its guards against deep nesting.
PARSE_ERRORS = (SyntaxError, ValueError, MemoryError, RecursionError)
_CONTINUES_STATEMENT = re.compile(r"(?:else|elif|except|finally)\b")
# A line that can only begin a top-level statement, where a scan thrown off by a broken one may restart.
_STARTS_STATEMENT = re.compile(r"(?:(?:async[ \t]+)?def|class|import|from|@)[ \t(]|(?:if|for|while|with|try)\b[^=]*:[ \t]*(?:#.*)?$")
_SCAN = re.compile(r"'''|\"\"\"|['\"#\\()\[\]{}]|\r\n|\r|\n")
_STRING_END = {
    "'''": re.compile(r"(?:[^\\]|\\.)*?'''", re.S),
    '"""': re.compile(r'(?:[^\\]|\\.)*?"""', re.S),
    "'": re.compile(r"(?:[^\\'\r\n]|\\(?:\r\n|.))*(?:'|(?=[\r\n])|\Z)", re.S),
    '"': re.compile(r'(?:[^\\"\r\n]|\\(?:\r\n|.))*(?:"|(?=[\r\n])|\Z)', re.S),
}


@dataclass(frozen=True)
class ParseFailure:
    reason: str  # in a user's words
    line: int | None  # the parser's position, when it gave one
    column: int | None  # 1-based, code points
    too_deep: bool  # rejected for its nesting, not its syntax: hostile input, whatever it mentions


@dataclass(frozen=True)
class Skipped:
    """Lines of the file that were not analysed (blanked), and why."""

    start_line: int
    end_line: int
    line: int  # the parser's position, or the first line
    column: int  # 1-based, code points
    reason: str
    too_deep: bool
    text: str  # the skipped source (to tell whether it mentions a loader)


@dataclass
class Parsed:
    tree: ast.Module | None  # None when nothing could be parsed
    text: str  # the text ``tree`` was parsed from: the file with skipped statements blanked
    skipped: list[Skipped]


def parse_failure(error: BaseException) -> ParseFailure:
    if isinstance(error, (MemoryError, RecursionError)):
        return ParseFailure("nests too deeply for Python's parser", None, None, True)
    if isinstance(error, SyntaxError):
        message = error.msg or "invalid syntax"
        if "too many nested" in message or "too many levels" in message:
            return ParseFailure(f"nests too deeply for Python's parser ({message})", error.lineno, error.offset, True)
        return ParseFailure(f"syntax error: {message}", error.lineno, error.offset, False)
    return ParseFailure(f"cannot be parsed: {error}", None, None, False)


def parse(text: str | bytes) -> ast.Module:
    """``ast.parse`` without the SyntaxWarnings (invalid escapes, ...) it would print about scanned code."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text)


def parse_recovering(text: str) -> Parsed:
    try:
        return Parsed(parse(text), text, [])
    except PARSE_ERRORS:
        pass
    lines = python_lines(text)
    return _reparse(lines, _unparsable(lines, 1, len(lines)))


def _unparsable(lines: list[str], first: int, last: int) -> list[Skipped]:
    """The statements of lines ``first..last`` that Python rejects. A rejected statement is cut short at the
    first line after the error that plainly starts a new one (``def f(:`` leaves a bracket open to the end of
    the file, and must not take the functions after it along)."""
    skipped: list[Skipped] = []
    for offset, end_offset in top_level_statements(lines[first - 1 : last]):
        start, end = first + offset - 1, first + end_offset - 1
        chunk = "".join(lines[start - 1 : end])
        try:
            parse(chunk)
        except PARSE_ERRORS as error:
            failure = parse_failure(error)
            line, column = (start + failure.line - 1, failure.column or 1) if failure.line else (start, 1)
            restart = next((number for number in range(line + 1, end + 1)
                            if _STARTS_STATEMENT.match(lines[number - 1])), None)
            if restart is None:
                skipped.append(Skipped(start, end, line, column, failure.reason, failure.too_deep, chunk))
            else:
                head = "".join(lines[start - 1 : restart - 1])
                skipped.append(Skipped(start, restart - 1, line, column, failure.reason, failure.too_deep, head))
                skipped.extend(_unparsable(lines, restart, end))
    return skipped


def _reparse(lines: list[str], skipped: list[Skipped]) -> Parsed:
    kept = list(lines)
    for part in skipped:
        for number in range(part.start_line - 1, part.end_line):
            kept[number] = _ending(kept[number])
    text = "".join(kept)
    try:
        return Parsed(parse(text), text, skipped)
    except PARSE_ERRORS as error:  # the scanner cut somewhere the parser did not: give the whole file up
        failure = parse_failure(error)
        line, column = failure.line or 1, failure.column or 1
        whole = Skipped(1, len(lines), line, column, failure.reason, failure.too_deep, "".join(lines))
        return Parsed(None, text, [whole])


def _ending(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :]


def top_level_statements(lines: list[str]) -> list[tuple[int, int]]:
    """(first, last) line of each top-level statement, decorators and ``else``/``except`` clauses included.

    Only strings, comments, backslash continuations and bracket depth are tracked: a statement starts on a
    line that begins in column 0, outside any string or bracket, with something other than a comment. Code
    indented before the first such line (Python rejects it) is a statement of its own, so it hides nothing after.
    """
    starts: list[int] = []
    depth = 0
    in_string: str | None = None
    open_decorator = False
    line_start = True
    for number, line in enumerate(lines, start=1):
        if line_start and in_string is None and depth == 0:
            head = line.lstrip(" \t\f")
            code = bool(head) and not head.startswith(("#", "\r", "\n"))
            if code and not starts:
                starts.append(number)  # the first statement, even indented (then Python rejects it)
            elif code and head == line and not (_CONTINUES_STATEMENT.match(head) or open_decorator):
                starts.append(number)
            if code and head == line:
                open_decorator = head.startswith("@")
        in_string, depth, line_start = scan_line(line, in_string, depth)
    ends = [start - 1 for start in starts[1:]] + [len(lines)]
    return list(zip(starts, ends))


def scan_line(line: str, in_string: str | None, depth: int) -> tuple[str | None, int, bool]:
    """State after one physical line: the open string quote, the bracket depth, and whether the next line
    starts a logical line."""
    position = 0
    if in_string is not None:
        match = _STRING_END[in_string].match(line)
        if match is None:
            return in_string, depth, False
        position = match.end()
        in_string = None
    while True:
        match = _SCAN.search(line, position)
        if match is None:
            return None, depth, depth == 0
        token = match.group()
        position = match.end()
        if token in _STRING_END:
            end = _STRING_END[token].match(line, position)
            if end is None:  # a triple-quoted string that goes on to the next line
                return token, depth, False
            position = end.end()
        elif token == "#":
            return None, depth, depth == 0
        elif token == "\\":
            if line[position:] in ("\n", "\r\n", "\r", ""):
                return None, depth, False
            position += 1
        elif token in "([{":
            depth += 1
        elif token in ")]}":
            depth = max(depth - 1, 0)
        else:  # end of line
            return None, depth, depth == 0

