"""Where an lm-eval finding in a notebook shell line points: the --model_args option and its value, in raw .ipynb
coordinates (what SARIF reports and a PR diff shows)."""

from __future__ import annotations

import json

from hubguard.config import Config
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
