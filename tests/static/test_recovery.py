"""Recovery after a statement Python rejects, in-process: which lines are skipped, where the error is reported,
whether it is HG001 (the skipped text mentions a loader, or nests too deeply) or a notice, and that the
statements around it are still analysed."""

from __future__ import annotations

import ast

import pytest

from hubguard.config import Config
from hubguard.findings import Level
from hubguard.static import recovery
from hubguard.static.engine import analyze_bytes

NOT_ANALYSED = "Not analysed ({}); the file mentions a model loader, so findings may be hidden here."
TORCH_LOAD_MESSAGE = "torch.load is called without weights_only=True"


def analysed(text: str) -> tuple[list[tuple[str, int, int, str]], list[str]]:
    """(rule, line, column, message) of each finding, HG301's message cut to its start; and the notices."""
    result = analyze_bytes(text.encode(), "broken.py", Config())
    findings = []
    for finding in result.findings:
        region = finding.location.region
        assert region is not None and finding.level is Level.WARNING
        message = TORCH_LOAD_MESSAGE if finding.message.startswith(TORCH_LOAD_MESSAGE) else finding.message
        findings.append((finding.rule_id, region.start_line, region.start_column, message))
    return sorted(findings), [n.message for n in result.notifications]


def test_a_statement_too_deep_for_the_parser_is_hg001_even_without_a_loader_in_it() -> None:
    brackets = "x = " + "(" * 5000 + "1" + ")" * 5000 + "\n"
    findings, notices = analysed("import torch\nx = 1\n" + brackets + "state = torch.load('x.pt')\n")
    reason = "nests too deeply for Python's parser (too many nested parentheses), at line 3, column 205"
    assert findings == [("HG001", 3, 205, NOT_ANALYSED.format(reason)), ("HG301", 4, 9, TORCH_LOAD_MESSAGE)]
    assert notices == []


def test_a_statement_the_parser_gives_up_on_without_a_position_is_reported_at_its_first_line() -> None:
    unary = "x = " + "-" * 100_000 + "1\n"
    findings, _ = analysed("import torch\n" + unary + "state = torch.load('x.pt')\n")
    reason = "nests too deeply for Python's parser, at line 2, column 1"
    assert findings == [("HG001", 2, 1, NOT_ANALYSED.format(reason)), ("HG301", 3, 9, TORCH_LOAD_MESSAGE)]


def test_a_deep_statement_cut_short_at_a_new_statement_is_still_hg001() -> None:
    findings, notices = analysed("import torch\nx = " + "(" * 5000 + "\ndef g():\n    return torch.load('x')\n")
    reason = "nests too deeply for Python's parser (too many nested parentheses), at line 2, column 205"
    assert findings == [("HG001", 2, 205, NOT_ANALYSED.format(reason)), ("HG301", 4, 12, TORCH_LOAD_MESSAGE)]
    assert notices == []


def test_a_statement_left_open_on_the_line_before_a_new_one_hides_nothing() -> None:
    findings, notices = analysed("import torch\nx = (\ndef g(): return torch.load('x.pt')\n")
    assert findings == [("HG301", 3, 17, TORCH_LOAD_MESSAGE)]
    assert notices == ["syntax error: '(' was never closed, at line 2, column 5"]


def test_only_the_skipped_lines_decide_between_hg001_and_a_notice() -> None:
    before_it = "import torch\nstate = torch.load('a')\nx = (\ndef g():\n    pass\n"
    findings, notices = analysed(before_it)
    assert findings == [("HG301", 2, 9, TORCH_LOAD_MESSAGE)]
    assert notices == ["syntax error: '(' was never closed, at line 3, column 5"]

    on_its_last_line = "import torch\nstate = torch.load('a')\nx = [\n    torch.load(f),\ndef g():\n    pass\n"
    findings, notices = analysed(on_its_last_line)
    reason = "syntax error: '[' was never closed, at line 3, column 5 (lines 3-4 skipped)"
    assert findings == [("HG001", 3, 5, NOT_ANALYSED.format(reason)), ("HG301", 2, 9, TORCH_LOAD_MESSAGE)]
    assert notices == []

    keyword_at_a_line_start = "import torch\noptions = dict(\ntrust_remote_code=True,\ndef g():\n    return torch.load('x')\n"
    findings, notices = analysed(keyword_at_a_line_start)
    reason = "syntax error: '(' was never closed, at line 2, column 15 (lines 2-3 skipped)"
    assert findings == [("HG001", 2, 15, NOT_ANALYSED.format(reason)), ("HG301", 5, 12, TORCH_LOAD_MESSAGE)]


def test_each_broken_statement_is_reported_once() -> None:
    text = "import torch\n@register(1 +)\ndef g():\n    return torch.load('a')\ny = (1 +)\n"
    findings, notices = analysed(text)
    assert findings == [("HG301", 4, 12, TORCH_LOAD_MESSAGE)]
    assert notices == ["syntax error: invalid syntax, at line 2, column 14", "syntax error: invalid syntax, at line 5, column 9"]


def test_code_indented_before_the_first_statement_hides_nothing_after_it() -> None:
    """Found while testing recovery: the indented lines belonged to no statement, so the whole file was given up."""
    findings, notices = analysed("  # note\n\n    x = 1\nimport torch\nstate = torch.load('x.pt')\n")
    assert findings == [("HG301", 5, 9, TORCH_LOAD_MESSAGE)]
    assert notices == ["syntax error: unexpected indent, at line 3, column 4"]
    findings, notices = analysed("    import torch\n    state = torch.load('x.pt')\nother = torch.load('y.pt')\n")
    reason = "syntax error: unexpected indent, at line 1, column 4 (lines 1-2 skipped)"
    assert findings == [("HG001", 1, 4, NOT_ANALYSED.format(reason))]


def test_a_file_too_big_for_the_parser_s_memory_is_given_up_whole_as_hg001(monkeypatch: pytest.MonkeyPatch) -> None:
    """The parser runs out of memory on the whole file (again once the statements are put back together),
    though not on any statement alone: the file is not analysed, from its first line."""
    real_parse = recovery.parse
    whole = "import torch\n" + "x = [1, 2, 3]\n" * 50 + "state = torch.load('x.pt')\n"

    def out_of_memory_on_long_texts(text: str | bytes) -> ast.Module:
        if len(text) >= len(whole):
            raise MemoryError
        return real_parse(text)

    monkeypatch.setattr(recovery, "parse", out_of_memory_on_long_texts)
    findings, notices = analysed(whole)
    reason = "nests too deeply for Python's parser, at line 1, column 1 (lines 1-52 skipped)"
    assert findings == [("HG001", 1, 1, NOT_ANALYSED.format(reason))]
    assert notices == []


# A file with one broken statement, and every kind of statement the scanner must keep whole around it.
AROUND_A_BROKEN_STATEMENT = '''import torch
broken = (1 +)  # a comment after a broken statement (it's not code
X = torch.load('x')
@register  # a decorator and what it decorates are one statement
# even with a comment between them
def load_a():
    return torch.load('a')
if torch.cuda.is_available():
    device = 'cuda'
else:
    b = torch.load('b')
def load_c():
    path = 'c'
# a comment in column 0 inside a function

    return torch.load(path)
doc = """
Usage:
import this
def not_a_statement(:
"""
total = 1 + \\
2
d = torch.load('d')
value = dict(a=(1,
2), b=torch.load('v'),
)
tail = (1 +)
'''
LOADS_AROUND_IT = [(3, 5), (7, 12), (11, 9), (16, 12), (24, 5), (26, 7)]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_statements_around_a_broken_one_are_kept_whole(newline: str) -> None:
    findings, notices = analysed(AROUND_A_BROKEN_STATEMENT.replace("\n", newline))
    assert findings == [("HG301", line, column, TORCH_LOAD_MESSAGE) for line, column in LOADS_AROUND_IT]
    assert notices == ["syntax error: invalid syntax, at line 2, column 14", "syntax error: invalid syntax, at line 28, column 12"]


def test_a_broken_first_line_or_a_stray_control_character_is_skipped_alone() -> None:
    findings, notices = analysed("x = 1 +\nimport torch\nstate = torch.load('x')\n")
    assert findings == [("HG301", 3, 9, TORCH_LOAD_MESSAGE)]
    assert notices == ["syntax error: invalid syntax, at line 1, column 8"]
    findings, notices = analysed("import torch\nstate = torch.load('a')\n\vx = 1\n")
    assert findings == [("HG301", 2, 9, TORCH_LOAD_MESSAGE)]
    assert notices == ["syntax error: invalid non-printable character U+000B, at line 3, column 1"]


def test_a_line_of_code_pasted_with_escaped_quotes_hides_nothing_after_it() -> None:
    """``load(\\"x\\")`` outside a string: each backslash escapes only the quote after it, so the closing bracket
    still closes and the next line is a statement of its own."""
    findings, notices = analysed('import torch\nconfig = load(\\"settings.json\\")\nstate = torch.load("x.pt")\n')
    assert findings == [("HG301", 3, 9, TORCH_LOAD_MESSAGE)]
    assert notices == ["syntax error: unexpected character after line continuation character, at line 2, column 16"]


def test_indentation_too_deep_for_the_parser_is_hg001_even_without_a_loader_in_it() -> None:
    nested = "".join("    " * level + "if ready:\n" for level in range(100)) + "    " * 100 + "pass\n"
    findings, notices = analysed("import torch\n" + nested + "state = torch.load('x.pt')\n")
    reason = "nests too deeply for Python's parser (too many levels of indentation), at line 102, column 1"
    assert findings == [
        ("HG001", 102, 1, NOT_ANALYSED.format(f"{reason} (lines 2-102 skipped)")),
        ("HG301", 103, 9, TORCH_LOAD_MESSAGE),
    ]
    assert notices == []
