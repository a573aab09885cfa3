"""Property test: whatever the call's layout, the fix keeps every argument and comment and parses."""

from __future__ import annotations

from pathlib import Path
from tempfile import TemporaryDirectory

import libcst as cst
from hypothesis import given, settings
from hypothesis import strategies as st

from hubguard.fix import apply_fixes
from tests.fix.helpers import torch_load

ARGUMENTS = ['"model.pt"', "path", 'map_location="cpu"', "mmap=True", "*extra"]
SEPARATORS = [", ", ",", ",\n    ", ",  # note\n    ", ",\n\n    "]


@st.composite
def calls(draw: st.DrawFn) -> str:
    count = draw(st.integers(min_value=1, max_value=4))
    args = [draw(st.sampled_from(ARGUMENTS[:2]))] + draw(st.lists(st.sampled_from(ARGUMENTS[2:]), max_size=count - 1))
    opening = draw(st.sampled_from(["", "\n    "]))
    body = args[0]
    for arg in args[1:]:
        body += draw(st.sampled_from(SEPARATORS)) + arg
    closing = draw(st.sampled_from(["", ",", ",\n", "\n", "  # last\n"]))
    return f"x = 1  # before\nstate = torch.load({opening}{body}{closing})\ny = 2\n"


def argument_codes(source: str) -> list[str]:
    call = next(node for node in _walk(cst.parse_module(source)) if isinstance(node, cst.Call))
    return [cst.Module([]).code_for_node(arg.value) for arg in call.args]


def _walk(node: cst.CSTNode):
    yield node
    for child in node.children:
        yield from _walk(child)


@settings(max_examples=150, deadline=None)
@given(calls())
def test_weights_only_is_appended_without_losing_anything(source: str) -> None:
    with TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "app.py").write_text(source)
        [outcome] = apply_fixes([torch_load(2, 9)], root, write=True, unsafe=True)
        fixed = (root / "app.py").read_text()
    assert outcome.changed and outcome.skipped == []
    assert argument_codes(fixed) == [*argument_codes(source), "True"]
    assert fixed.startswith("x = 1  # before\n") and fixed.endswith(")\ny = 2\n")
    for comment in ("# note", "# last"):
        assert fixed.count(comment) == source.count(comment)
    assert fixed.replace("weights_only=True", "").replace(" ", "").replace(",", "").replace("\n", "") == (
        source.replace(" ", "").replace(",", "").replace("\n", "")
    )
