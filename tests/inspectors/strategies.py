"""Hypothesis strategies for model files: structured pickle programs, archives, .npy headers, Keras configs.

Shared by the fuzzing harness in ``tests/fuzz/test_model_*.py``. Every payload here, if it ever ran,
would leave ``CANARY_FILE`` behind or import ``CANARY_MODULE`` (which writes that file too).
"""

from __future__ import annotations

import json
import os
import pickle
import resource
import sys
import tempfile
import time
import warnings
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.inspectors import fixtures as fx
from hubguard.inspectors import FileVerdict, Verdict

CANARY_DIR = Path(tempfile.mkdtemp(prefix="hubguard-fuzz-canary-"))
CANARY_FILE = CANARY_DIR / "ran"
CANARY_MODULE = "hubguard_fuzz_canary"
(CANARY_DIR / f"{CANARY_MODULE}.py").write_text(
    f"from pathlib import Path\nPath({str(CANARY_FILE)!r}).write_text('imported')\ndef boom(*a, **k):\n    return 0\n"
)
SHELL = f"touch {CANARY_FILE}"

# HUBGUARD_FUZZ_EXAMPLES=20000 turns the short seeded run into a long one (see README, Reliability).
LONG_RUN = int(os.environ.get("HUBGUARD_FUZZ_EXAMPLES", "0"))
PER_EXAMPLE_SECONDS = 20.0  # generous: a loaded 2-core CI machine; the budgets keep real cases far below


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=LONG_RUN or examples,
        derandomize=not LONG_RUN,  # the normal suite replays the same examples on every run
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


def timed(judge_call: Callable[[], FileVerdict]) -> FileVerdict:
    """Run a judging thunk, asserting the time bound and a well-formed verdict."""
    started = time.monotonic()
    verdict = judge_call()
    assert time.monotonic() - started < PER_EXAMPLE_SECONDS
    assert isinstance(verdict.verdict, Verdict)
    assert verdict.verdict == max((issue.verdict for issue in verdict.issues), default=Verdict.SAFE)
    assert not any("unexpectedly" in issue.message for issue in verdict.issues), verdict.issues
    return verdict


def assert_nothing_ran() -> None:
    assert not CANARY_FILE.exists(), "a payload ran while inspecting"
    assert CANARY_MODULE not in sys.modules


@pytest.fixture(autouse=True)
def armed_canary() -> Iterator[None]:
    """The canary module is importable during each fuzz test; afterwards nothing may have run and
    the worker's peak memory may not have grown by more than a generous 1 GiB."""
    sys.path.insert(0, str(CANARY_DIR))
    peak_before = _peak_rss_bytes()
    try:
        yield
    finally:
        sys.path.remove(str(CANARY_DIR))
    assert_nothing_ran()
    assert _peak_rss_bytes() - peak_before < 2**30


def _peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


# -- pickles ---------------------------------------------------------------------------------------

GLOBALS = [
    ("collections", "OrderedDict"), ("torch._utils", "_rebuild_tensor_v2"), ("builtins", "set"),
    ("numpy.core.multiarray", "_reconstruct"), ("os", "system"), ("builtins", "exec"), ("subprocess", "Popen"),
    (CANARY_MODULE, "boom"), ("mylib.models", "Net"), ("pathlib", "os.system"), ("copyreg", "_reconstructor"),
    ("sklearn.linear_model._logistic", "LogisticRegression"), ("", ""), ("a b", "c\x00d"),
]
_SIMPLE_OPS = [
    fx.NONE, fx.MARK, fx.POP, b"1", b"2", fx.TUPLE, fx.TUPLE1, fx.TUPLE2, fx.TUPLE3, fx.EMPTY_LIST, fx.EMPTY_DICT,
    fx.EMPTY_TUPLE, b"\x8f", b"l", b"d", fx.APPEND, b"e", fx.SETITEM, fx.SETITEMS, b"\x90", b"\x91", fx.REDUCE,
    fx.BUILD, fx.NEWOBJ, b"\x92", fx.OBJ, fx.STACK_GLOBAL, fx.MEMOIZE, b"\x88", b"Q", b"\x97", b"\x98", fx.STOP,
]


def _global(pair: tuple[str, str], use_inst: bool, protocol4: bool) -> bytes:
    module, name = pair
    if use_inst:
        return fx.inst_op(module, name)
    return fx.stack_global(module, name) if protocol4 else fx.global_op(module, name)


def pickle_op() -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.sampled_from(_SIMPLE_OPS),
        st.integers(-(2**31), 2**31 - 1).map(fx.integer),
        st.text(max_size=12).map(fx.unicode),
        st.sampled_from([SHELL, "os", "system", "id", CANARY_MODULE]).map(fx.unicode),
        st.binary(max_size=24).map(fx.binbytes),
        st.integers(0, 6).map(fx.binput),
        st.integers(0, 6).map(fx.binget),
        st.builds(_global, st.sampled_from(GLOBALS), st.booleans(), st.booleans()),
        st.integers(0, 40).map(fx.frame),
        st.integers(0, 255).map(lambda code: b"\x82" + bytes([code])),
    )


def pickle_programs(max_ops: int = 60) -> st.SearchStrategy[bytes]:
    """Mostly-structured opcode sequences: valid operands, arbitrary order (so arbitrary stack shapes)."""
    protocol = st.sampled_from([b"", fx.PROTO2, fx.PROTO4, b"\x80\x05"])
    return st.builds(lambda head, ops: head + b"".join(ops) + fx.STOP, protocol, st.lists(pickle_op(), max_size=max_ops))


# Stack-neutral payload: spliced between any two opcodes of a pickle it must be found.
PAYLOAD = fx.global_op("os", "system") + fx.MARK + fx.unicode(SHELL) + fx.TUPLE + fx.REDUCE + fx.POP
BENIGN_SEEDS = [
    fx.torch_state_dict_pickle(), fx.rng_state_pickle(), fx.sklearn_estimator_pickle(),
    pickle.dumps({"epoch": 3, "lr": [0.1, 0.01], "name": "run", "tags": {"a", "b"}, "blob": b"\x00" * 64}, protocol=2),
    pickle.dumps([(1, 2.5, None, True), {"k": "v" * 300}, list(range(40))], protocol=2),
]


def malicious_pickles() -> st.SearchStrategy[bytes]:
    return st.sampled_from([fx.system_call(SHELL, protocol) for protocol in range(6)]
                           + [fx.exec_call(f"open({str(CANARY_FILE)!r}, 'w')", 4)])


EDITS = st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255), st.sampled_from("rid")), max_size=8)


def mutate(data: bytes, edits: list[tuple[int, int, str]]) -> bytes:
    """Byte-level replace / insert / delete at positions taken modulo the length."""
    mutable = bytearray(data)
    for position, value, action in edits:
        position %= len(mutable) + 1
        if action == "r" and position < len(mutable):
            mutable[position] = value
        elif action == "i":
            mutable.insert(position, value)
        elif position < len(mutable):
            del mutable[position]
    return bytes(mutable)


# -- containers ------------------------------------------------------------------------------------

MEMBER_NAMES = st.one_of(
    st.sampled_from([
        "archive/data.pkl", "archive/version", "archive/data/0", "archive/constants.pkl", "config.json",
        "metadata.json", "model.weights.h5", "a.npy", "inner.zip", "weights.bin", "dir/", "../escape.pkl",
    ]),
    st.text(min_size=1, max_size=12),
)


def json_values() -> st.SearchStrategy[object]:
    keys = st.sampled_from(["class_name", "module", "config", "layers", "function", "registered_name", "name"])
    leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10),
                       st.sampled_from(["keras.layers", "Dense", "Lambda", "os.system", "function", "__lambda__"]))
    return st.recursive(
        leaves,
        lambda children: st.lists(children, max_size=4) | st.dictionaries(keys | st.text(max_size=5), children, max_size=4),
        max_leaves=30,
    )


def member_contents() -> st.SearchStrategy[bytes]:
    return st.one_of(
        pickle_programs(20), st.sampled_from(BENIGN_SEEDS), st.binary(max_size=128),
        json_values().map(lambda value: json.dumps(value).encode()),
        st.builds(fx.npy_bytes, st.sampled_from(["<f4", "|O", "<i8"]), st.just((1,)), st.binary(max_size=16)),
    )


def zips(members: st.SearchStrategy[list[tuple[str, bytes]]] | None = None) -> st.SearchStrategy[bytes]:
    members = members if members is not None else st.lists(st.tuples(MEMBER_NAMES, member_contents()), max_size=6)
    compression = st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
    return st.builds(quiet_zip, members, compression)


def quiet_zip(members: list[tuple[str, bytes]], compression: int) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are part of the point
        return fx.zip_bytes(members, compression=compression)


def tars() -> st.SearchStrategy[bytes]:
    names = MEMBER_NAMES.filter(lambda name: not name.endswith("/") and "\x00" not in name)
    return st.lists(st.tuples(names, member_contents()), max_size=5).map(fx.tar_bytes)
