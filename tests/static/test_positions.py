"""Positions and source text of ast nodes: code-point columns, grouping brackets, messages that read well."""

from __future__ import annotations

import ast

from hubguard.config import Config
from hubguard.static.engine import analyze_bytes
from hubguard.static.positions import SourceText

SOURCE = (
    "@decorate(first())\n"
    "def f(x: Annotated[int, meta()] = default()) -> ret():\n"
    "    value = body() if test() else other()\n"
    "class C(base(), metaclass=meta2()):\n"
    "    name = 'é' + g(h(1))\n"
    "\f\n"
    "after_form_feed()\n"
)


def _calls(text: str) -> tuple[SourceText, dict[str, ast.Call]]:
    tree = ast.parse(text)
    calls = {ast.unparse(node.func): node for node in ast.walk(tree) if isinstance(node, ast.Call)}
    return SourceText(text, tree), calls


def test_columns_count_code_points_and_lines_count_like_the_tokenizer() -> None:
    source, calls = _calls(SOURCE)
    spans = {name: tuple(vars(source.span(call.func)).values()) for name, call in calls.items()}
    assert spans["first"] == (1, 10, 1, 15)
    assert spans["body"] == (3, 12, 3, 16)
    assert spans["test"] == (3, 22, 3, 26)
    assert spans["g"] == (5, 17, 5, 18)  # after 'é', one code point but two UTF-8 bytes
    assert spans["after_form_feed"] == (7, 0, 7, 15)


def test_segments_keep_their_grouping_brackets_but_not_the_calls() -> None:
    text = "f(k=(x), j=((y)))\ng((z))\nh(w)\n(a.b)(1)\n"
    tree = ast.parse(text)
    source = SourceText(text, tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
            source.claimed.add(id(node.args[0]))
    names = {node.id: node for node in ast.walk(tree) if isinstance(node, ast.Name)}
    assert source.segment(names["x"]) == "(x)"
    assert source.segment(names["y"]) == "((y))"
    assert source.segment(names["z"]) == "(z)"
    assert source.segment(names["w"]) == "w"
    [callee] = [node for node in ast.walk(tree) if isinstance(node, ast.Attribute)]
    assert source.segment(callee) == "(a.b)"


def test_multi_line_segments_read_without_the_blocks_indentation() -> None:
    text = (
        "class C:\n"
        "    def f(self):\n"
        "        load(\n"
        "            trust=(\n"
        "                a\n"
        "                or b\n"
        "            ),\n"
        '            text="""keep\n'
        '        this"""\n'
        "        )\n"
    )
    tree = ast.parse(text)
    source = SourceText(text, tree)
    [call] = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    trust, text_arg = call.keywords
    assert source.segment(trust.value) == "(\n        a\n        or b\n    )"
    assert source.segment(text_arg.value) == '"""keep\n        this"""'


def _trust_messages(text: str) -> list[str]:
    """The HG101 messages of a module, which quote the trust flag's expression as written."""
    result = analyze_bytes(text.encode(), "a.py", Config())
    assert not result.notifications, result.notifications
    return [
        finding.message.split(", which may")[0]
        for finding in result.findings
        if finding.rule_id == "HG101"
    ]


def test_a_value_inside_a_decorator_reads_without_the_decorated_blocks_indentation() -> (
    None
):
    text = (
        "from transformers import AutoModel\n\n\n"
        "class C:\n"
        "    @register(\n"
        "        AutoModel.from_pretrained(\n"
        '            "org/m",\n'
        "            trust_remote_code=(\n"
        "                flag\n"
        "                or other\n"
        "            ),\n"
        "        )\n"
        "    )\n"
        "    @staticmethod\n"
        "    def f():\n"
        "        pass\n"
    )
    assert _trust_messages(text) == [
        "AutoModel.from_pretrained gets trust_remote_code=(\n            flag\n            or other\n        )"
    ]


def test_a_value_inside_a_case_reads_without_the_cases_indentation() -> None:
    text = (
        "from transformers import AutoModel\n\n"
        "match command:\n"
        '    case "load":\n'
        "        model = AutoModel.from_pretrained(\n"
        '            "org/m",\n'
        "            trust_remote_code=(\n"
        "                flag\n"
        "                or other\n"
        "            ),\n"
        "        )\n"
    )
    assert _trust_messages(text) == [
        "AutoModel.from_pretrained gets trust_remote_code=(\n        flag\n        or other\n    )"
    ]


# A loader call inside a method, its repository argument on its own line; a test appends the trust flag.
METHOD_CALL = (
    "from transformers import AutoModel\n\n\n"
    "class C:\n"
    "    def f(self):\n"
    "        model = AutoModel.from_pretrained(\n"
    '            "org/m",\n'
)


def test_lines_continued_by_a_backslash_or_inside_a_string_are_kept_as_written() -> (
    None
):
    text = (
        METHOD_CALL +
        "            trust_remote_code=(flag and \\\n"
        "                other\n"
        "                or third),\n"
        "        )\n"
        "        again = AutoModel.from_pretrained(\n"
        '            "org/m",\n'
        '            trust_remote_code=allowed("""\n'
        "                kept\n"
        "                as written\n"
        '            """, strict=True),\n'
        "        )\n"
    )
    assert _trust_messages(text) == [
        "AutoModel.from_pretrained gets trust_remote_code=(flag and \\\n                other\n        or third)",
        (
            'AutoModel.from_pretrained gets trust_remote_code=allowed("""\n'
            '                kept\n                as written\n            """, strict=True)'
        ),
    ]


def test_a_backslash_ending_a_comment_continues_nothing() -> None:
    text = (
        METHOD_CALL +
        "            trust_remote_code=(flag  # as on C:\\\n"
        "                or other and \\\n"
        "                    third),\n"
        "        )\n"
    )
    assert _trust_messages(text) == [
        (
            "AutoModel.from_pretrained gets trust_remote_code=(flag  # as on C:\\\n        or other and \\\n"
            "                    third)"
        )
    ]


def test_an_implicit_concatenation_that_tokenize_rejects_alone_is_not_one_literal() -> None:
    """Read alone, these pieces' uneven indentation is an error to tokenize: not one string a fix could rewrite."""
    code = 'from transformers import AutoModel\nm = AutoModel.from_pretrained(\n    "org/"\n        "m"\n      "x")\n'
    [finding] = analyze_bytes(code.encode(), "a.py", Config()).findings
    assert (finding.rule_id, finding.properties["repoId"], finding.properties["repoArgIsLiteral"]) == (
        "HG201", "org/mx", False
    )


def test_columns_count_code_points_on_the_first_and_the_last_line() -> None:
    source, calls = _calls("s = 'é'; first()\nt = 'é'; last()\n")
    assert tuple(vars(source.span(calls["first"])).values()) == (1, 9, 1, 16)
    assert tuple(vars(source.span(calls["last"])).values()) == (2, 9, 2, 15)
    # A line the text does not have (ast never gives one): the offset is taken as it is, nothing fails.
    assert (source.column(0, 9), source.column(3, 9)) == (9, 9)


def test_a_grouping_bracket_at_the_very_start_of_the_text_is_kept() -> None:
    tree = ast.parse("(x)\n")
    [name] = [node for node in ast.walk(tree) if isinstance(node, ast.Name)]
    assert SourceText("(x)\n", tree).segment(name) == "(x)"


def test_a_multi_line_segment_with_bare_cr_line_ends_is_dedented_too() -> None:
    text = "class C:\r    def f(self):\r        load(\r            trust=(\r                a\r                or b\r            ),\r        )\r"
    tree = ast.parse(text)
    [call] = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    assert SourceText(text, tree).segment(call.keywords[0].value) == "(\r        a\r        or b\r    )"
