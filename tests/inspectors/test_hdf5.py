"""Legacy Keras .h5 judged from a plain install: hubguard's own bounded reader of the root attributes,
checked against files written by real h5py (a test dependency only)."""

from __future__ import annotations

import json
from pathlib import Path

import h5py
import numpy
import pytest

from tests.inspectors.fixtures import dense_layer, keras_config
from tests.inspectors.helpers import judge, kinds, messages
from hubguard.inspectors import Verdict


LAMBDA = {"class_name": "Lambda", "config": {"name": "l", "function": ["4wEAAAAA", None, None],
                                             "function_type": "lambda", "module": "__main__"}}
HOSTILE = {"module": "subprocess", "class_name": "Popen", "config": {}}
BENIGN = keras_config([dense_layer()])


def _write(path: Path, config: object | None, *, encode: str = "str", libver: str | None = None,
           userblock: int = 0, extra_attributes: int = 0, training: object | None = None) -> bytes:
    options = {"libver": libver} if libver else {}
    with h5py.File(path, "w", userblock_size=userblock, **options) as handle:
        handle.create_dataset("model_weights/dense/kernel", data=numpy.ones((4, 4), dtype="float32"))
        handle.attrs["keras_version"] = "2.15.0"
        for index in range(extra_attributes):
            handle.attrs[f"extra_{index}"] = f"value {index}" * 20
        if config is not None:
            text = json.dumps(config)
            handle.attrs["model_config"] = text if encode == "str" else numpy.bytes_(text.encode())
        if training is not None:
            handle.attrs["training_config"] = json.dumps(training)
    return path.read_bytes()


LAYOUTS = {
    "default-vlen": {},
    "fixed-bytes": {"encode": "bytes"},
    "libver-latest": {"libver": "latest"},
    "latest-fixed": {"libver": "latest", "encode": "bytes"},
    "userblock-512": {"userblock": 512},
    "userblock-4096-latest": {"userblock": 4096, "libver": "latest"},
    "many-attributes": {"extra_attributes": 40},
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_model_config_is_read_from_every_layout(tmp_path: Path, layout: str) -> None:
    options = LAYOUTS[layout]
    assert judge(_write(tmp_path / "ok.h5", BENIGN, **options), "ok.h5").verdict is Verdict.SAFE
    verdict = judge(_write(tmp_path / "lambda.h5", keras_config([dense_layer(), LAMBDA]), **options), "l.h5")
    assert verdict.verdict is Verdict.MALICIOUS and "keras-lambda" in kinds(verdict), messages(verdict)
    assert verdict.format == "hdf5"
    hostile = judge(_write(tmp_path / "hostile.h5", keras_config([HOSTILE]), **options), "h.h5")
    assert hostile.verdict is Verdict.MALICIOUS


def test_large_configs_in_the_global_heap(tmp_path: Path) -> None:
    layers = [dict(dense_layer(), name=f"dense_{index}") for index in range(3000)]  # about 300 KB of JSON
    assert judge(_write(tmp_path / "big.h5", keras_config([*layers, LAMBDA])), "big.h5").verdict is Verdict.MALICIOUS
    assert judge(_write(tmp_path / "big-ok.h5", keras_config(layers)), "big-ok.h5").verdict is Verdict.SAFE


def test_weights_only_files_are_clean(tmp_path: Path) -> None:
    assert judge(_write(tmp_path / "weights.h5", None), "weights.h5").verdict is Verdict.SAFE


def test_training_config_is_judged_too(tmp_path: Path) -> None:
    training = {"loss": {"module": "my_project.losses", "class_name": "FocalLoss", "config": {}}}
    verdict = judge(_write(tmp_path / "t.h5", BENIGN, training=training), "t.h5")
    assert verdict.verdict is Verdict.SUSPICIOUS and "keras-custom-object" in kinds(verdict)


def test_dense_attribute_storage_is_never_clean(tmp_path: Path) -> None:
    data = _write(tmp_path / "dense.h5", BENIGN, libver="latest", extra_attributes=40)
    verdict = judge(data, "dense.h5")  # libver="latest" stores more than 8 attributes in a fractal heap
    assert verdict.verdict is Verdict.SUSPICIOUS and "densely" in messages(verdict)


@pytest.mark.parametrize("cut", [8, 40, 200, 600, -100])
def test_truncated_files_are_not_clean(tmp_path: Path, cut: int) -> None:
    data = _write(tmp_path / "lambda.h5", keras_config([LAMBDA]))
    verdict = judge(data[:cut], "cut.h5")
    assert verdict.verdict >= Verdict.UNKNOWN, messages(verdict)


def test_reader_reads_little_of_a_big_file(tmp_path: Path) -> None:
    from tests.inspectors.helpers import CountingSource
    from hubguard.inspectors import inspect_source

    path = tmp_path / "big-weights.h5"
    with h5py.File(path, "w") as handle:
        handle.create_dataset("w", data=numpy.zeros((2048, 2048), dtype="float32"))  # 16 MiB
        handle.attrs["model_config"] = json.dumps(BENIGN)
    source = CountingSource("big-weights.h5", path.read_bytes())
    assert inspect_source(source).verdict is Verdict.SAFE
    assert source.bytes_read < 64_000


def test_no_hdf5_library_is_needed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _write(tmp_path / "lambda.h5", keras_config([LAMBDA]))
    monkeypatch.setitem(__import__("sys").modules, "h5py", None)  # import h5py now raises ImportError
    assert judge(data, "lambda.h5").verdict is Verdict.MALICIOUS
