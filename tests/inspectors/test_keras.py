"""Keras configs: Lambda layers carrying bytecode are errors (issue 14); named functions are judged by name."""

from __future__ import annotations

import pytest

from tests.inspectors.fixtures import dense_layer, keras_config, keras_zip
from tests.inspectors.helpers import judge, kinds, messages
from hubguard.inspectors import Verdict

CODE = "4wEAAAAAAAAAAAAAAAEAAAACAAAAQwAAAHMEAAAAfABTACkBTqkAKQHaAXhyAQAAAHIBAAAA"


def _lambda(config: dict[str, object]) -> dict[str, object]:
    return {"class_name": "Lambda", "config": {"name": "l", **config}}


@pytest.mark.parametrize("layer", [
    {"module": "keras.layers", "class_name": "Lambda",
     "config": {"function": {"class_name": "__lambda__", "config": {"code": CODE, "defaults": None, "closure": None}}}},
    _lambda({"function": [CODE, None, None], "function_type": "lambda", "module": "__main__"}),
    _lambda({"function": CODE, "module": "__main__"}),
    _lambda({"function": "relu", "function_type": "function", "module": "keras.activations",
             "output_shape": [CODE, None, None], "output_shape_type": "lambda"}),
], ids=["keras3-__lambda__", "keras2-lambda", "keras2-old-string", "keras2-output-shape-lambda"])
def test_lambda_bytecode_is_an_error(layer: dict[str, object]) -> None:
    verdict = judge(keras_zip(keras_config([dense_layer(), layer])), "model.keras")
    assert verdict.verdict is Verdict.MALICIOUS, messages(verdict)
    assert "keras-lambda" in kinds(verdict, Verdict.MALICIOUS)
    assert "marshalled Python bytecode" in messages(verdict)


@pytest.mark.parametrize("layer,expected", [
    (_lambda({"function": "relu", "function_type": "function", "module": "keras.activations"}), Verdict.SAFE),
    (_lambda({"function": "normalise", "function_type": "function", "module": "my_project.ops"}), Verdict.SUSPICIOUS),
    (_lambda({"function": "system", "function_type": "function", "module": "os"}), Verdict.MALICIOUS),
    (_lambda({"function": "helper", "function_type": "function"}), Verdict.SUSPICIOUS),
    ({"module": "keras.layers", "class_name": "Lambda", "config": {"function": {
        "module": "keras.src.activations.activations", "class_name": "function", "config": "relu",
        "registered_name": "function"}}}, Verdict.SAFE),
    ({"module": "keras.layers", "class_name": "Lambda", "config": {"function": {
        "module": "builtins", "class_name": "function", "config": "eval", "registered_name": "function"}}},
     Verdict.MALICIOUS),
], ids=["keras2-keras-function", "keras2-custom-function", "keras2-os-system", "keras2-no-module",
        "keras3-keras-function", "keras3-builtins-eval"])
def test_lambda_naming_a_function_is_judged_by_that_function(layer: dict[str, object], expected: Verdict) -> None:
    assert judge(keras_zip(keras_config([layer])), "model.keras").verdict is expected
