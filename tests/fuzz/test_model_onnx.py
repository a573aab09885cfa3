"""Fuzzing the ONNX protobuf walk: random graphs of tensors, then byte mutations."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.inspectors import fixtures as fx
from tests.inspectors.helpers import judge
from tests.inspectors.strategies import EDITS, armed_canary, fuzz_settings, mutate, timed
from hubguard.inspectors import Verdict

__all__ = ["armed_canary"]

LOCATIONS = st.one_of(st.none(), st.sampled_from(["data.bin", "w/a.bin", "../x", "/etc/passwd"]), st.text(max_size=12))
TENSORS = st.builds(fx.onnx_tensor, st.text(max_size=8), LOCATIONS, st.binary(max_size=32))


@fuzz_settings(200)
@given(st.lists(TENSORS, max_size=5), st.lists(TENSORS, max_size=3), st.lists(TENSORS, max_size=3), EDITS)
def test_mutated_onnx_never_crash(initializers: list[bytes], attributes: list[bytes], branch: list[bytes],
                                  edits: list[tuple[int, int, str]]) -> None:
    data = fx.onnx_model(initializers, attributes, fx.onnx_graph(branch) if branch else None)
    timed(lambda: judge(data, "model.onnx"))
    timed(lambda: judge(mutate(data, edits), "model.onnx"))


@fuzz_settings(150)
@given(st.lists(TENSORS, max_size=4), st.integers(0, 4), st.sampled_from(["initializer", "attribute", "branch"]))
def test_a_traversal_is_found_wherever_the_tensor_sits(others: list[bytes], at: int, where: str) -> None:
    tensors = list(others)
    tensors.insert(at % (len(tensors) + 1), fx.onnx_tensor("evil", "../../../etc/shadow"))
    data = {"initializer": lambda: fx.onnx_model(tensors),
            "attribute": lambda: fx.onnx_model([], tensors),
            "branch": lambda: fx.onnx_model([], [], fx.onnx_graph(tensors))}[where]()
    assert timed(lambda: judge(data, "model.onnx")).verdict >= Verdict.SUSPICIOUS
