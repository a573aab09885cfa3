"""Findings in a notebook point at the raw ``.ipynb``: the line and column where the flagged text is written in
the file, whatever JSON escapes, layout and line endings the file uses (GitHub anchors annotations to the
committed file's lines)."""

from __future__ import annotations

import json

import pytest

from hubguard.config import Config
from hubguard.findings import Finding, Level, Notification, ScanResult
from hubguard.static.engine import analyze_bytes

LOADER = 'from transformers import AutoModel\nm = AutoModel.from_pretrained("org/m", trust_remote_code=True)\n'
# Characters JSON writes as escapes (some only with ensure_ascii): one code point in the cell, 2 to 12 in the file.
ESCAPES = 'label = "é 😀 \\t \\" \\\\ / \x7f"; '


def notebook(*sources: str | list[str], layout: dict[str, object] | None = None) -> str:
    cells = [
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": source,
        }
        for source in sources
    ]
    document = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(document, **(layout or {"indent": 1}))


def scan(raw: str) -> ScanResult:
    return analyze_bytes(
        raw.encode("utf-8", errors="surrogatepass"), "nb.ipynb", Config()
    )


def raw_text(raw: str, finding: Finding) -> str:
    """What the finding's region covers in the raw file (1-based lines, 1-based code point columns)."""
    region = finding.location.region
    assert region is not None and region.start_line == region.end_line
    line = raw.split("\n")[region.start_line - 1]
    return line[region.start_column - 1 : region.end_column - 1]


def raw_line(raw: str, finding: Finding) -> str:
    region = finding.location.region
    assert region is not None
    return raw.split("\n")[region.start_line - 1]


def regions(raw: str) -> dict[str, str]:
    result = scan(raw)
    assert not result.notifications, result.notifications
    return {finding.rule_id: raw_text(raw, finding) for finding in result.findings}


LAYOUTS = {
    "indented": {"indent": 1},
    "one-line": {},
    "tabs-unicode": {"indent": "\t", "ensure_ascii": False},
    "compact-unicode": {"separators": (",", ":"), "ensure_ascii": False},
}


@pytest.mark.parametrize(
    "as_lines", [True, False], ids=["source-lines", "source-string"]
)
@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_a_finding_points_at_its_text_in_the_raw_file(
    layout: dict[str, object], as_lines: bool
) -> None:
    cell = "import os\n" + ESCAPES + LOADER.replace("\nm = ", "\n" + ESCAPES + "m = ")
    raw = notebook(
        "x = 1", cell.splitlines(keepends=True) if as_lines else cell, layout=layout
    )
    assert regions(raw) == {"HG101": "trust_remote_code=True", "HG201": '\\"org/m\\"'}
    [finding, _] = scan(raw).findings
    assert finding.properties["notebook"] == {
        "cellIndex": 1,
        "cellNumber": 2,
        "lineInCell": 3,
        "cellId": None,
    }
    assert finding.message.endswith("(cell 2, line 3)")


def test_escapes_json_allows_but_never_writes_are_counted_as_written() -> None:
    source = [
        'x = \\"\\u00E9\\/\\b\\f\\"\\r\\n',  # upper-case hex, an escaped solidus, a CRLF line end
        "from transformers import AutoModel\\n",
        'm = AutoModel.from_pretrained(\\"org/m\\", \\u0074rust_remote_code=True)',  # the flag starts with an escape
    ]
    raw = (
        '{"cells": [{"cell_type": "code", "source": ['
        + ", ".join(f'"{part}"' for part in source)
        + "]}]}"
    )
    assert regions(raw) == {
        "HG101": "\\u0074rust_remote_code=True",
        "HG201": '\\"org/m\\"',
    }


def test_the_raw_layout_around_the_strings_does_not_shift_positions() -> None:
    raw = (
        '{\r\n\t"metadata" : {"cells": [[1, 2.5e3, -0.0], {"source": "x"}], "ok": true, "none": null},\r\n'
        '\t"cells" :[ {"metadata":{},"source" :\t[ "import torch\\n" ,\r\n'
        '    "state = torch.load(p)" ] , "cell_type":"code" } ,\r\n'
        '\t{ "source": "import pickle\\nrestored = pickle.loads(blob)" , "cell_type" : "code" } ] }\r\n'
    )
    assert regions(raw) == {"HG301": "pickle.loads"}
    [on_load, on_loads] = scan(raw).findings
    assert raw_text(raw, on_load) == "torch.load"
    assert raw_line(raw, on_load).startswith('    "state = torch.load(p)" ]')
    assert raw_line(raw, on_loads).startswith('\t{ "source": "import pickle')


def test_cells_that_are_not_analysed_do_not_shift_the_cells_after_them() -> None:
    raw = notebook(
        "import torch\nfirst = torch.load(a)\n",
        "%%bash\necho hi\n",
        "x = (\n",
        "",
        [],
        ["y = 1"],
        ["!pip install x\n", "second = torch.load(b)"],
    )
    raw = raw.replace(
        '"cells": [',
        '"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["# Title"]},',
        1,
    )
    result = scan(raw)
    assert [n.message for n in result.notifications] == [
        "cell 4 not analysed: syntax error: '(' was never closed"
    ]
    assert [raw_text(raw, finding) for finding in result.findings] == [
        "torch.load",
        "torch.load",
    ]
    cells = [finding.properties["notebook"] for finding in result.findings]
    assert [(cell["cellNumber"], cell["lineInCell"]) for cell in cells] == [
        (2, 2),
        (8, 2),
    ]  # the markdown cell counts


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_the_line_end_closing_a_cell_does_not_move_the_next_cell(newline: str) -> None:
    raw = notebook("import torch" + newline, "state = torch.load(p)" + newline)
    [finding] = scan(raw).findings
    assert (finding.rule_id, raw_text(raw, finding)) == ("HG301", "torch.load")
    assert finding.message.endswith("(cell 2, line 1)")


def test_a_cell_not_analysed_is_a_note_on_the_notebook_or_hg001_at_the_configured_level() -> None:
    raw = notebook("import torch\n", "x = (\n", "state = torch.load(\n")
    result = analyze_bytes(raw.encode(), "nb.ipynb", Config(not_analysed_level=Level.ERROR))
    assert result.notifications == [
        Notification("cell 2 not analysed: syntax error: '(' was never closed", "nb.ipynb", Level.NOTE)
    ]
    [hg001] = result.findings
    assert (hg001.rule_id, hg001.level, hg001.location.path) == ("HG001", Level.ERROR, "nb.ipynb")
    assert hg001.message.startswith("Not analysed (cell 3 not analysed: syntax error: '(' was never closed)")


@pytest.mark.parametrize(
    "as_lines", [True, False], ids=["source-lines", "source-string"]
)
def test_surrogate_pairs_are_one_character_and_lone_surrogates_one_each(
    as_lines: bool,
) -> None:
    # Lone surrogates do not parse as Python, but a shell line is not parsed: its findings sit after them.
    shell = '!echo "\udc00\udc00 \ud83d\ue000 \ud7ff\udc00 \ud83d!" && lm_eval --model hf --model_args pretrained=org/m,trust_remote_code=True\n'
    python = (
        'x = "\U00010000\U0010ffff\U0001f600"; import torch; state = torch.load(p)\n'
    )
    cell = shell + python
    raw = notebook(cell.splitlines(keepends=True) if as_lines else cell)
    # Pairs at both ends of the range, written as escapes.
    assert "\\ud800\\udc00\\udbff\\udfff\\ud83d\\ude00" in raw
    result = scan(raw)
    assert {(f.rule_id, raw_text(raw, f)) for f in result.findings} == {
        ("HG101", "--model_args pretrained=org/m,trust_remote_code=True"),
        ("HG201", "--model_args pretrained=org/m,trust_remote_code=True"),
        ("HG301", "torch.load"),
    }


def test_a_broken_cell_is_reported_where_the_parser_stopped_in_the_raw_file() -> None:
    raw = notebook(["import torch\n", 'label = "é😀\\t"; state = torch.load("x.pt"\n'])
    [finding] = scan(raw).findings
    assert finding.rule_id == "HG001" and "'(' was never closed" in finding.message
    assert raw_text(raw, finding) == "("
    assert raw_line(raw, finding).startswith('    "label')


def test_a_suppression_comment_ending_a_cell_is_located_up_to_its_last_character() -> None:
    raw = notebook(["import torch\n", "state = torch.load(p)  # hubguard: ignore[HG301]"])  # no line end after it
    result = scan(raw)
    assert [(finding.rule_id, finding.suppressed) for finding in result.findings] == [("HG301", True)]
    [comment] = result.suppressions
    region = comment.location.region
    assert region is not None and region.start_line == region.end_line
    line = raw.split("\n")[region.start_line - 1]
    assert line[region.start_column - 1 : region.end_column - 1] == "# hubguard: ignore[HG301]"


def test_a_parser_position_past_the_end_of_a_shell_line_stays_on_that_line() -> None:
    # The parser reads "  pass" where the cell says "  !ls": it stops one column past the end of the written line.
    raw = notebook(["import torch\n", "if ready:\n", "    state = 1\n", "  !ls\n", "state = torch.load(p)\n"])
    [finding] = scan(raw).findings
    assert finding.rule_id == "HG001" and "unindent does not match any outer indentation level" in finding.message
    assert raw_line(raw, finding) == '    "  !ls\\n",'
    assert raw_text(raw, finding) == "\\"  # the line end, written as the escape \n


@pytest.mark.parametrize(
    "as_lines", [True, False], ids=["source-lines", "source-string"]
)
def test_an_anchor_over_several_lines_ends_with_its_first_line(as_lines: bool) -> None:
    cell = (
        "from huggingface_hub import hf_hub_download\n"
        'x = hf_hub_download(\n    "org/m",\n    "config.json",\n    revision=(  \n        "main"\n    ),\n)\n'
    )
    raw = notebook(cell.splitlines(keepends=True) if as_lines else cell)
    assert regions(raw) == {"HG201": "revision=("}


def test_a_line_split_over_two_source_strings_gets_a_one_character_region() -> None:
    raw = notebook(["import pickle\n", "restored = pickle.", "loads(blob)\n"])
    [finding] = scan(raw).findings
    assert finding.rule_id == "HG301" and "(cell 1, line 2)" in finding.message
    assert raw_text(raw, finding) == "p"
    assert raw_line(raw, finding).endswith('"restored = pickle.",')


def test_a_repeated_key_is_read_where_json_reads_it_the_last_time() -> None:
    decoy = '{"cell_type": "code", "source": "import torch\\ntorch.load(a)"}'
    cell = '{"source": "import pickle", "cell_type": "code", "source": ["import pickle\\n", "x = pickle.loads(b)"]}'
    raw = f'\n  {{"cells": 0, "nbformat": 4, "cells": [{decoy}], "cells": [{cell}]}}'
    assert regions(raw) == {"HG301": "pickle.loads"}


def test_source_strings_without_escapes_count_every_character() -> None:
    raw = notebook(["import pickle", "\n", "x = 1; y = pickle.loads(b)"])
    assert regions(raw) == {"HG301": "pickle.loads"}


def test_cells_python_cannot_read_are_hg001_where_reading_stopped() -> None:
    too_deep = (
        "x = " + "(" * 300 + "1" + ")" * 300 + "\n"
    )  # no loader, but too deep: HG001 all the same
    raw = notebook(LOADER, ['x = "\udc00"\n', "state = torch.load(p)\n"], [too_deep])
    result = scan(raw)
    assert not result.notifications
    unread = [finding for finding in result.findings if finding.rule_id == "HG001"]
    assert [raw_line(raw, finding).strip() for finding in unread] == [
        '"x = \\"\\udc00\\"\\n",',
        json.dumps(too_deep),
    ]
    # A surrogate Python cannot encode: the cell's first character; too many brackets: the one the parser refused.
    assert [raw_text(raw, finding) for finding in unread] == ["x", "("]
    assert (
        "cell 2 not analysed: cannot be parsed: 'utf-8' codec can't encode character"
        in unread[0].message
    )
    assert (
        "cell 3 not analysed: nests too deeply for Python's parser (too many nested parentheses)"
        in unread[1].message
    )
    region = unread[1].location.region
    assert (
        region is not None
        and region.start_column == raw_line(raw, unread[1]).index("(") + 1 + 200
    )


def test_ipython_lines_are_skipped_and_the_python_after_them_keeps_its_lines() -> None:
    cell = (
        "files = !ls\n%time x = 1\n?torch.load\n!echo \\\n  continued \\\n  again\n"
        "import torch\nif True:\n    %time y = 2\nstate = torch.load(p)\n"
    )
    raw = notebook(cell.splitlines(keepends=True))
    [finding] = scan(raw).findings
    assert (finding.rule_id, raw_text(raw, finding)) == ("HG301", "torch.load")
    assert finding.message.endswith("(cell 1, line 10)")


@pytest.mark.parametrize("shell_line", ["!echo a \\ \n", "!ls data\\X\n"], ids=["space-after", "backslash-inside"])
def test_only_a_backslash_right_before_the_line_end_continues_a_shell_line(shell_line: str) -> None:
    # As IPython reads it: the next line is Python again, and analysed.
    raw = notebook(["import torch\n", shell_line, "state = torch.load(p)\n"])
    [finding] = scan(raw).findings
    assert (finding.rule_id, raw_text(raw, finding)) == ("HG301", "torch.load")
    assert finding.message.endswith("(cell 1, line 3)")


def test_a_code_cell_without_a_source_is_an_empty_cell() -> None:
    raw = json.dumps({"cells": [{"cell_type": "code"}, {"cell_type": "code", "source": "import torch\ntorch.load(p)"}]})
    result = scan(raw)
    assert not result.notifications
    [finding] = result.findings
    assert (finding.rule_id, finding.message.endswith("(cell 2, line 2)")) == ("HG301", True)


def test_a_statement_that_runs_on_into_the_next_cell_is_two_broken_cells() -> None:
    # Jupyter runs each cell alone: joined, these would read as one call.
    raw = notebook(["import torch\n", "state = torch.load(\n"], ['"x.pt")\n'])
    result = scan(raw)
    assert [(f.rule_id, raw_text(raw, f)) for f in result.findings] == [("HG001", "(")]
    assert [n.message for n in result.notifications] == [
        "cell 2 not analysed: syntax error: unmatched ')'"
    ]


@pytest.mark.parametrize("end", ["", "\n"])
def test_a_cell_ending_in_a_line_continuation_is_a_broken_cell_as_jupyter_runs_it(end: str) -> None:
    raw = notebook(["import torch\n", "state = torch.load('x.pt') \\" + end], LOADER)
    result = scan(raw)
    hg001 = [f for f in result.findings if f.rule_id == "HG001"]
    assert len(hg001) == 1 and "cell 1" in hg001[0].message
    assert {(f.rule_id, raw_text(raw, f)) for f in result.findings if f.rule_id != "HG001"} == {
        ("HG101", "trust_remote_code=True"),
        ("HG201", '\\"org/m\\"'),
    }


def test_a_comment_ending_a_cell_in_a_backslash_continues_nothing() -> None:
    raw = notebook(["import torch\n", "state = torch.load('x.pt')  # from C:\\"], LOADER)
    assert {f.rule_id for f in scan(raw).findings} == {"HG101", "HG201", "HG301"}


def test_a_string_left_open_in_one_cell_does_not_swallow_the_next() -> None:
    raw = notebook('doc = """\n', LOADER, '"""\n')
    result = scan(raw)
    assert {(f.rule_id, raw_text(raw, f)) for f in result.findings} == {
        ("HG101", "trust_remote_code=True"),
        ("HG201", '\\"org/m\\"'),
    }
    assert [n.message.split(" (detected")[0] for n in result.notifications] == [
        "cell 1 not analysed: syntax error: unterminated triple-quoted string literal",
        "cell 3 not analysed: syntax error: unterminated triple-quoted string literal",
    ]


def test_findings_name_their_cell_by_number_and_by_id_when_it_is_a_string() -> None:
    cells = [
        {"cell_type": "markdown", "id": "intro", "source": "# Loading"},
        {"cell_type": "code", "id": "load-1", "source": "import torch\ntorch.load(p)"},
        {"cell_type": "code", "id": 7, "source": "torch.load(q)"},
    ]
    result = scan(json.dumps({"cells": cells}))
    assert [f.properties["notebook"] for f in result.findings] == [
        {"cellIndex": 1, "cellNumber": 2, "lineInCell": 2, "cellId": "load-1"},
        {"cellIndex": 2, "cellNumber": 3, "lineInCell": 1, "cellId": None},
    ]


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ('[{"note": "torch.load(p)"}]', "the notebook is not a JSON object"),
        (
            '{"cells": {"note": "torch.load(p)"}}',
            "the notebook has no 'cells' list (nbformat 4 expected)",
        ),
        (
            '{"cells": [1, {"note": "torch.load(p)"}]}',
            "the notebook has no 'cells' list (nbformat 4 expected)",
        ),
        (
            '{"cells": [{"cell_type": "code", "source": ["torch.load(p)", 3]}]}',
            "a cell's 'source' is neither a string nor a list of strings",
        ),
        (
            '{"cells": [{"source": "torch.load(p)"]}',
            "invalid notebook JSON: Expecting ',' delimiter: line 1 column 38 (char 37)",
        ),
    ],
)
def test_a_broken_notebook_that_mentions_a_loader_is_hg001_naming_the_problem(
    document: str, problem: str
) -> None:
    result = scan(document)
    assert [(f.rule_id, f.message, f.location.region) for f in result.findings] == [
        (
            "HG001",
            f"Not analysed (broken notebook: {problem}); the file mentions a model loader, so findings may be hidden here.",
            None,
        )
    ]


def test_a_cell_python_cannot_encode_is_a_notice_when_it_mentions_no_loader() -> None:
    """A lone surrogate is no syntax error and no nesting: the cell is skipped with a notice, as a broken cell is."""
    raw = notebook(['label = "\udc00"\n'], LOADER)
    result = scan(raw)
    assert sorted(finding.rule_id for finding in result.findings) == ["HG101", "HG201"]
    [notice] = result.notifications
    assert notice.message.startswith("cell 1 not analysed: cannot be parsed: 'utf-8' codec can't encode character")
    assert notice.level.value == "note"


def test_an_internal_error_in_a_cell_points_at_the_call_in_the_raw_file(monkeypatch: pytest.MonkeyPatch) -> None:
    from hubguard.static import analyzer

    def explode(ctx: object) -> list[object]:
        raise KeyError("boom")

    monkeypatch.setattr(analyzer, "_run_checks", explode)
    raw = notebook("import os\n", LOADER)
    [finding] = scan(raw).findings
    assert (finding.rule_id, finding.properties, finding.level) == ("HG001", {"reason": "internal-error"}, Level.ERROR)
    assert raw_text(raw, finding).startswith("AutoModel.from_pretrained(")
