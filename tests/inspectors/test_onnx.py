"""ONNX external data: a location outside the model's directory is a warning (CVE-2024-27318 class),
wherever the tensor sits; tensor bytes are never fetched."""

from __future__ import annotations

import pytest

from tests.inspectors.fixtures import onnx_graph, onnx_model, onnx_tensor
from tests.inspectors.helpers import CountingSource, judge, kinds, messages
from hubguard.inspectors import Verdict, inspect_source

ESCAPES = ["../../../etc/passwd", "/etc/passwd", "weights/../../secret", "..\\..\\windows\\win.ini",
           "C:\\Windows\\system32\\config", "~/.ssh/id_rsa", ""]
INSIDE = ["model.onnx.data", "weights/layer0.bin", "a..b/c.bin"]


@pytest.mark.parametrize("location", ESCAPES)
def test_escaping_locations_are_warnings(location: str) -> None:
    verdict = judge(onnx_model([onnx_tensor("w0"), onnx_tensor("w1", location)]), "model.onnx")
    assert verdict.verdict is Verdict.SUSPICIOUS and verdict.format == "onnx", messages(verdict)
    assert "external-data-traversal" in kinds(verdict) and "'w1'" in messages(verdict)


@pytest.mark.parametrize("location", INSIDE)
def test_locations_beside_the_model_are_clean(location: str) -> None:
    assert judge(onnx_model([onnx_tensor("w0", location)]), "model.onnx").verdict is Verdict.SAFE


def test_inline_tensors_are_clean() -> None:
    assert judge(onnx_model([onnx_tensor("w0"), onnx_tensor("w1")]), "model.onnx").verdict is Verdict.SAFE


@pytest.mark.parametrize("where", ["attribute", "subgraph"])
def test_tensors_in_attributes_and_subgraphs_are_checked(where: str) -> None:
    evil = onnx_tensor("hidden", "../../x")
    data = onnx_model([], attribute_tensors=[evil]) if where == "attribute" else onnx_model(
        [], subgraph=onnx_graph([onnx_tensor("ok"), evil]))
    assert "external-data-traversal" in kinds(judge(data, "model.onnx"))


def test_raw_tensor_bytes_are_skipped_not_read() -> None:
    big = onnx_model([onnx_tensor("w", raw=bytes(32 * 2**20)), onnx_tensor("x", "../x")])
    source = CountingSource("big.onnx", big)
    assert inspect_source(source).verdict is Verdict.SUSPICIOUS
    assert source.bytes_read < 2**20


@pytest.mark.parametrize("cut", [10, 30, -5])
def test_truncated_models_are_not_clean(cut: int) -> None:
    data = onnx_model([onnx_tensor("w0", "data.bin")])
    assert judge(data[:cut], "model.onnx").verdict >= Verdict.UNKNOWN
