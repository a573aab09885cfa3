"""Fuzzing hubguard's HDF5 reader with mutated files written by real h5py (every layout it produces)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import h5py
from hypothesis import given
from hypothesis import strategies as st

from tests.inspectors.fixtures import dense_layer, keras_config
from tests.inspectors.helpers import judge
from tests.inspectors.strategies import EDITS, armed_canary, fuzz_settings, mutate, timed

__all__ = ["armed_canary"]



def _files() -> list[bytes]:
    lambda_layer = {"class_name": "Lambda", "config": {"function": ["4wEA", None, None], "function_type": "lambda"}}
    files = []
    with tempfile.TemporaryDirectory() as scratch:
        for index, options in enumerate([{}, {"libver": "latest"}, {"userblock_size": 512}]):
            for extra in (0, 12):
                path = Path(scratch) / f"{index}-{extra}.h5"
                with h5py.File(path, "w", **options) as handle:
                    handle.create_dataset("w", data=[1.0, 2.0])
                    for number in range(extra):
                        handle.attrs[f"a{number}"] = "x" * 50
                    handle.attrs["model_config"] = json.dumps(keras_config([dense_layer(), lambda_layer]))
                files.append(path.read_bytes())
    return files


FILES = _files()


@fuzz_settings(200)
@given(st.sampled_from(FILES), EDITS, st.integers(0, 2**16))
def test_mutated_hdf5_never_crash(data: bytes, edits: list[tuple[int, int, str]], cut: int) -> None:
    timed(lambda: judge(mutate(data, edits), "model.h5"))
    timed(lambda: judge(data[: len(data) - cut % len(data)], "model.h5"))
