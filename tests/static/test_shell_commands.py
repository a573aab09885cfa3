"""Where an lm-eval finding in a notebook shell line points: the --model_args option and its value, in raw .ipynb
coordinates (what SARIF reports and a PR diff shows)."""

from __future__ import annotations

import json

import pytest

from hubguard.config import Config
from hubguard.findings import Location, Region, SuppressionComment
from hubguard.static.engine import analyze_bytes


def test_an_lm_eval_finding_spans_the_option_and_its_value() -> None:
    line = "!lm_eval --model hf --model_args pretrained=org/m,trust_remote_code=True --tasks arc_easy"
    cell = {"cell_type": "code", "metadata": {}, "source": [line], "outputs": [], "execution_count": None}
    text = json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)
    raw_lines = text.splitlines()
    number = next(n for n, raw in enumerate(raw_lines, start=1) if "--model_args" in raw)
    start = raw_lines[number - 1].index("--model_args") + 1
    end = raw_lines[number - 1].index(" --tasks") + 1  # SARIF's end column: just past the value
    result = analyze_bytes(text.encode(), "eval.ipynb", Config())
    regions = set()
    for finding in result.findings:
        region = finding.location.region
        assert region is not None
        regions.add((finding.rule_id, region.start_line, region.start_column, region.end_line, region.end_column))
    assert regions == {("HG101", number, start, number, end), ("HG201", number, start, number, end)}


def _notebook(*source: str) -> str:
    cell = {"cell_type": "code", "metadata": {}, "source": list(source), "outputs": [], "execution_count": None}
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)


def _regions(text: str) -> set[tuple[str, int, int, int, int]]:
    regions = set()
    for finding in analyze_bytes(text.encode(), "eval.ipynb", Config()).findings:
        region = finding.location.region
        assert region is not None
        regions.add((finding.rule_id, region.start_line, region.start_column, region.end_line, region.end_column))
    return regions


def test_a_quoted_model_args_value_is_spanned_to_its_closing_quote() -> None:
    for quoted in ("'pretrained=org/m,trust_remote_code=True'", '"pretrained=org/m,trust_remote_code=True"'):
        text = _notebook(f"!lm_eval --model hf --model_args {quoted} --tasks arc_easy")
        raw_lines = text.splitlines()
        number = next(n for n, raw in enumerate(raw_lines, start=1) if "--model_args" in raw)
        start = raw_lines[number - 1].index("--model_args") + 1
        end = raw_lines[number - 1].index(" --tasks") + 1
        assert _regions(text) == {("HG101", number, start, number, end), ("HG201", number, start, number, end)}


def test_model_args_whose_value_follows_a_line_continuation_are_read_there() -> None:
    text = _notebook(
        "!lm_eval --model hf --model_args \\\n",
        "    pretrained=org/m,trust_remote_code=True \\\n",
        "    --tasks arc_easy\n",
    )
    raw_lines = text.splitlines()
    number = next(n for n, raw in enumerate(raw_lines, start=1) if "pretrained=" in raw)
    start = raw_lines[number - 1].index("pretrained=") + 1
    end = raw_lines[number - 1].index("True") + len("True") + 1
    assert _regions(text) == {("HG101", number, start, number, end), ("HG201", number, start, number, end)}


def _span(text: str, first: str, last: str) -> tuple[int, int, int]:
    """(line, start column, end column) of the raw line holding ``first``: from it to just past ``last``."""
    raw_lines = text.splitlines()
    number = next(n for n, raw in enumerate(raw_lines, start=1) if first in raw)
    raw = raw_lines[number - 1]
    return number, raw.index(first) + 1, raw.rindex(last) + len(last) + 1


@pytest.mark.parametrize(
    "value",
    [
        '"pretrained=org/m, trust_remote_code=True"',  # a space inside quotes (lm-eval strips it)
        "'pretrained=org/m, trust_remote_code=True'",
        "pretrained=Xenova/tiny-random,trust_remote_code=True",  # a letter is no quote
    ],
)
def test_a_model_args_value_is_spanned_as_the_shell_splits_it(value: str) -> None:
    text = _notebook(f"!lm_eval --model hf --model_args {value} --tasks arc_easy")
    number, start, end = _span(text, "--model_args", "True")
    end += 1 if value[0] in "'\"" else 0  # the closing quote (escaped in the raw JSON: \")
    end += 1 if value[0] == '"' else 0
    assert _regions(text) == {("HG101", number, start, number, end), ("HG201", number, start, number, end)}


@pytest.mark.parametrize(
    "value",
    [
        "pretrained=./my\\ models/final,trust_remote_code=True",  # an escaped space does not end the word
        "'pretrained=D:\\models\\',trust_remote_code=True",  # inside single quotes a backslash escapes nothing
    ],
)
def test_a_local_folder_in_model_args_is_spanned_past_its_backslashes(value: str) -> None:
    text = _notebook(f"!lm_eval --model hf --model_args {value} --tasks arc_easy")
    assert _regions(text) == {("HG101", *_line_span(text, "--model_args", "True"))}


def _line_span(text: str, first: str, last: str) -> tuple[int, int, int, int]:
    number, start, end = _span(text, first, last)
    return number, start, number, end


def test_a_model_args_value_that_ends_the_cell_is_spanned_to_its_end() -> None:
    text = _notebook("!lm_eval --model hf --tasks arc_easy --model_args pretrained=org/m,trust_remote_code=True")
    span = _line_span(text, "--model_args", "True")
    assert _regions(text) == {("HG101", *span), ("HG201", *span)}


def test_model_args_before_a_line_continuation_are_read_on_their_own_line() -> None:
    text = _notebook("!lm_eval --model hf --model_args pretrained=org/m,trust_remote_code=True \\\n", "    --tasks arc_easy\n")
    span = _line_span(text, "--model_args", "True")
    assert _regions(text) == {("HG101", *span), ("HG201", *span)}


def test_model_args_whose_value_is_on_the_command_s_last_line_are_read_there() -> None:
    text = _notebook("!lm_eval --model hf --tasks arc_easy --model_args \\\n", "    pretrained=org/m,trust_remote_code=True\n")
    span = _line_span(text, "pretrained=", "True")
    assert _regions(text) == {("HG101", *span), ("HG201", *span)}


def test_a_suppression_comment_on_a_shell_line_suppresses_its_findings() -> None:
    comment = "# hubguard: ignore[HG101]"
    lines = [
        f"!lm_eval --model hf --model_args pretrained=org/m,trust_remote_code=True  {comment}\n",
        "x = 1\n",
    ]
    cell = {"cell_type": "code", "metadata": {}, "source": lines, "outputs": [], "execution_count": None}
    text = json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)
    raw_lines = text.splitlines()
    number = next(n for n, raw in enumerate(raw_lines, start=1) if comment in raw)
    start = raw_lines[number - 1].index(comment) + 1
    result = analyze_bytes(text.encode(), "eval.ipynb", Config())
    assert {(finding.rule_id, finding.suppressed) for finding in result.findings} == {("HG101", True), ("HG201", False)}
    assert result.suppressions == [
        SuppressionComment(
            Location("eval.ipynb", Region(number, start, number, start + len(comment))), frozenset({"HG101"}), {"HG101"}
        )
    ]


def test_a_word_ending_in_an_escaped_character_ends_at_that_character() -> None:
    value = "trust_remote_code=True,pretrained=C:\\\\models\\\\"  # the shell reads C:\models\
    text = _notebook(f"!lm_eval --model hf --model_args {value} --tasks arc_easy")
    assert _regions(text) == {("HG101", *_line_span(text, "--model_args", "models" + "\\" * 4))}
