"""Fuzzing the static pass with notebooks: mutated cells inside structurally mutated nbformat JSON.

Properties: analysing never raises or runs unbounded, every finding maps to a real position in the raw
``.ipynb``, and a loader cell kept intact is reported whatever the other cells hold. Long run: see
tests/fuzz/test_sources.py.
"""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.test_sources import analyse, fuzz_settings, internal_errors, mutated_sources

SINK_CELL = ["import pickle\n", "restored = pickle.loads(blob)\n"]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=12,
)


@st.composite
def cells(draw: st.DrawFn) -> dict[str, object]:
    source = draw(mutated_sources())
    as_lines = draw(st.booleans())
    cell: dict[str, object] = {
        "cell_type": draw(st.sampled_from(("code", "code", "markdown", "raw", 3))),
        "metadata": draw(JSON_VALUES),
        "source": source.splitlines(keepends=True) if as_lines else source,
        "outputs": draw(st.lists(JSON_VALUES, max_size=2)),
    }
    if draw(st.booleans()):
        cell["id"] = draw(st.text(max_size=10) | st.integers())
    if draw(st.integers(0, 9)) == 0:
        cell["source"] = draw(JSON_VALUES)  # not a string nor a list of strings
    return cell


@st.composite
def notebooks(draw: st.DrawFn) -> tuple[str, int]:
    """A notebook (raw JSON) and the index of its intact loader cell."""
    body = draw(st.lists(cells(), max_size=5))
    position = draw(st.integers(0, len(body)))
    body.insert(position, {"cell_type": "code", "metadata": {}, "outputs": [], "source": SINK_CELL})
    document = {"cells": body, "metadata": draw(JSON_VALUES), "nbformat": 4, "nbformat_minor": 5}
    raw = json.dumps(document, indent=draw(st.sampled_from((None, 1, 2))), ensure_ascii=draw(st.booleans()))
    return raw, position


@fuzz_settings(200)
@given(notebooks())
def test_a_loader_cell_is_reported_whatever_the_other_cells_hold(notebook: tuple[str, int]) -> None:
    raw, position = notebook
    result = analyse(raw.encode("utf-8", errors="surrogatepass"), "fuzz.ipynb")
    assert not internal_errors(result), internal_errors(result)
    if any("source" in n.message for n in result.notifications if "broken notebook" in n.message):
        return  # a cell's source of the wrong type makes the notebook invalid: reported as such
    raw_lines = raw.split("\n")
    loads = [f for f in result.findings if f.rule_id == "HG301" and "pickle.loads" in f.message]
    assert loads or any(f.rule_id == "HG001" for f in result.findings), result
    for finding in loads:
        region = finding.location.region
        assert region is not None and "pickle.loads" in raw_lines[region.start_line - 1]
        assert finding.properties["notebook"]["cellIndex"] == position


@fuzz_settings(150)
@given(notebooks(), st.data())
def test_mutated_notebook_json_never_crashes(notebook: tuple[str, int], data: st.DataObject) -> None:
    raw, _ = notebook
    for _ in range(data.draw(st.integers(1, 3))):
        position = data.draw(st.integers(0, len(raw)))
        edit = data.draw(st.sampled_from(("delete", "insert", "nest")))
        if edit == "delete":
            raw = raw[:position] + raw[position + data.draw(st.integers(1, 20)) :]
        elif edit == "insert":
            raw = raw[:position] + data.draw(st.sampled_from(('"', "\\", "\\u", "{", "[", ",", "]", "}", "\x00", "é"))) + raw[position:]
        else:
            depth = data.draw(st.sampled_from((10, 500, 100_000)))
            raw = raw[:position] + "[" * depth + "]" * depth + raw[position:]
    assert not internal_errors(analyse(raw.encode("utf-8", errors="surrogatepass"), "fuzz.ipynb"))
