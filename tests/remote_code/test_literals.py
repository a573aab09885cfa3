from __future__ import annotations

import ast

import pytest

from hubguard.remote_code.literals import MIN_STRING_CHARS, MIN_TABLE_CHARS, strip_data_literals

BLOB = "QUJD" * (MIN_STRING_CHARS // 2)
TABLE_ROWS = "\n".join("    0.125, -3e-05, 1_000, .5, True, None," for _ in range(MIN_TABLE_CHARS // 30))


def lines(text: str) -> list[str]:
    return text.split("\n")


def test_long_strings_become_empty_literals_with_prefix_and_lines_kept() -> None:
    source = (
        f'KERNEL = b"{BLOB}"\n'
        f"RAW = rb'{BLOB}'\n"
        f'DOC = """\n{BLOB}\nsecond line\n"""\n'
        "run()\n"
    )
    stripped = strip_data_literals(source)
    ast.parse(stripped)
    assert lines(stripped) == ['KERNEL = b""', "RAW = rb''", 'DOC = """', "", "", '"""', "run()", ""]


def test_constant_tables_are_cleared_keeping_their_newlines() -> None:
    source = f"import os\nTABLE = [\n{TABLE_ROWS}\n]\nWEIGHTS = {{'a': (\n{TABLE_ROWS}\n)}}\nos.system(x)\n"
    stripped = strip_data_literals(source)
    ast.parse(stripped)
    assert len(lines(stripped)) == len(lines(source))
    assert lines(stripped)[-2] == "os.system(x)"
    assert "0.125" not in stripped and stripped.count("\n") == source.count("\n")


def test_tables_holding_code_and_short_literals_are_left_alone() -> None:
    calls = "\n".join(f"    helper({index})," for index in range(MIN_TABLE_CHARS // 10))
    source = f"HANDLERS = [\n{calls}\n]\nNAMES = ['a', 'b']\nshort = 'x' * 10\n"
    assert strip_data_literals(source) == source


def test_quotes_inside_strings_and_comments_do_not_confuse_the_lexer() -> None:
    source = (
        "# a comment with a ' quote and a [ bracket\n"
        f"TEXT = 'it\\'s {BLOB}'\n"
        f'OTHER = "a ] b" + """{BLOB}"""\n'
        "exec(payload)\n"
    )
    stripped = strip_data_literals(source)
    assert lines(stripped) == [
        "# a comment with a ' quote and a [ bracket",
        "TEXT = ''",
        'OTHER = "a ] b" + """"""',
        "exec(payload)",
        "",
    ]


@pytest.mark.parametrize("source", ["def broken(:\n    pass\n", "x = '''unterminated\n", ")]}\n", "\x00\xff"])
def test_broken_text_is_returned_with_its_lines(source: str) -> None:
    assert len(lines(strip_data_literals(source))) == len(lines(source))
