"""Fuzzing NumPy .npy/.npz headers and object arrays, and joblib streams with arrays in them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.inspectors import fixtures as fx
from tests.inspectors.helpers import judge
from tests.inspectors.strategies import (
    EDITS, armed_canary, fuzz_settings, malicious_pickles, mutate, pickle_programs, quiet_zip, timed,
)
from hubguard.inspectors import Verdict

__all__ = ["armed_canary"]

DESCRS = st.sampled_from(["<f4", "|O", "<i8", "|S3", "<U2", [("a", "<f4"), ("b", "|O")], [("x", "<i2")], "O", ">O"])
SHAPES = st.lists(st.integers(0, 3), max_size=3).map(tuple)


@fuzz_settings(150)
@given(DESCRS, SHAPES, st.one_of(st.binary(max_size=64), pickle_programs(15)), st.sampled_from([1, 2]), EDITS)
def test_mutated_npy_never_crash(descr: object, shape: tuple[int, ...], payload: bytes, version: int,
                                 edits: list[tuple[int, int, str]]) -> None:
    data = fx.npy_bytes(descr, shape, payload, version=version)  # type: ignore[arg-type]
    timed(lambda: judge(data))
    timed(lambda: judge(mutate(data, edits)))
    timed(lambda: judge(quiet_zip([("a.npy", mutate(data, edits))], 0)))


@fuzz_settings(100)
@given(st.sampled_from(["|O", "O", [("a", "<f4"), ("b", "|O")]]), st.sampled_from([1, 2]), malicious_pickles(),
       st.binary(max_size=32))
def test_object_arrays_with_a_payload_are_malicious(descr: object, version: int, payload: bytes, tail: bytes) -> None:
    data = fx.npy_bytes(descr, (1,), payload + tail, version=version)  # type: ignore[arg-type]
    assert timed(lambda: judge(data)).verdict is Verdict.MALICIOUS
    assert timed(lambda: judge(quiet_zip([("w.npy", data)], 8))).verdict is Verdict.MALICIOUS


@fuzz_settings(100)
@given(st.binary(min_size=8, max_size=256).map(lambda raw: raw[: len(raw) // 8 * 8]), st.booleans(), EDITS)
def test_mutated_joblib_streams_never_crash(values: bytes, compressed: bool, edits: list[tuple[int, int, str]]) -> None:
    data = fx.joblib_with_array(values, fx.STOP)
    data = fx.compress_all(data)["zlib"] if compressed else data
    timed(lambda: judge(mutate(data, edits), "model.joblib"))
