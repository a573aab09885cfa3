"""Pickle bombs: objects that cannot run code but exhaust memory when loaded or walked are warnings,
found by counting the virtual object graph, never by building it (bounded time and memory here)."""

from __future__ import annotations

import pickle
import time
import tracemalloc

import pytest

from tests.inspectors.fixtures import (
    APPEND, EMPTY_LIST, MARK, PROTO2, STOP, TUPLE, binget, binput, call_global, integer, torch_state_dict_pickle,
)
from tests.inspectors.helpers import judge, kinds, messages
from hubguard.inspectors import Limits, Verdict


def billion_laughs(levels: int, fanout: int) -> bytes:
    """Level n is a list holding ``fanout`` references to level n-1: fanout**levels objects expanded."""
    body = EMPTY_LIST + binput(0)
    for level in range(1, levels + 1):
        body += EMPTY_LIST + (binget(level - 1) + APPEND) * fanout + binput(level)
    return PROTO2 + body + STOP


def tuple_laughs(levels: int) -> bytes:
    """The same with tuples and MARK: no mutation opcodes at all."""
    body = EMPTY_LIST + binput(0)
    for level in range(1, levels + 1):
        body += MARK + binget(level - 1) * 10 + TUPLE + binput(level)
    return PROTO2 + body + STOP


def _bounded(data: bytes, **limits: int) -> tuple[object, float, int]:
    tracemalloc.start()
    started = time.monotonic()
    try:
        verdict = judge(data, limits=Limits(**limits)) if limits else judge(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return verdict, time.monotonic() - started, peak


@pytest.mark.parametrize("data", [billion_laughs(60, 2), billion_laughs(9, 10), tuple_laughs(30)],
                         ids=["2**60-lists", "10**9-lists", "10**30-tuples"])
def test_billion_laughs_is_a_resource_warning_in_bounded_time_and_memory(data: bytes) -> None:
    verdict, seconds, peak = _bounded(data)
    assert verdict.verdict is Verdict.SUSPICIOUS, messages(verdict)
    assert "resource-exhaustion" in kinds(verdict)
    assert "billion laughs" in messages(verdict)
    assert seconds < 10 and peak < 50 * 2**20  # generous bounds; the file is a few hundred bytes


def test_a_cycle_is_not_a_bomb() -> None:
    data = PROTO2 + EMPTY_LIST + binput(0) + binget(0) + APPEND + STOP  # a list containing itself
    assert judge(data).verdict is Verdict.SAFE


def test_wide_but_shallow_sharing_is_not_a_bomb() -> None:
    shared = [1, 2, 3]
    assert judge(pickle.dumps([shared] * 100_000, protocol=2)).verdict is Verdict.SAFE
    assert judge(torch_state_dict_pickle(tuple(f"layer{i}" for i in range(500)))).verdict is Verdict.SAFE


def test_the_threshold_is_a_limit() -> None:
    data = billion_laughs(4, 10)  # 11,111 objects expanded
    assert judge(data, limits=Limits(max_expanded_objects=20_000)).verdict is Verdict.SAFE
    assert "resource-exhaustion" in kinds(judge(data, limits=Limits(max_expanded_objects=10_000)))


@pytest.mark.parametrize("callee", ["bytes", "bytearray"])
def test_huge_allocations_by_allowed_constructors_are_warnings(callee: str) -> None:
    terabyte = b"\x8a\x06" + (10**12).to_bytes(6, "little")  # LONG1
    verdict = judge(call_global("builtins", callee, terabyte, protocol=2))
    assert verdict.verdict is Verdict.SUSPICIOUS and "resource-exhaustion" in kinds(verdict)
    assert judge(call_global("builtins", callee, integer(64), protocol=2)).verdict is Verdict.SAFE
