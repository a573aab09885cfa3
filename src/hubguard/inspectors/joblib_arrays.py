"""joblib writes numpy array bytes in the middle of its pickle stream; step over them like joblib.load does."""

from __future__ import annotations

import math

from hubguard.inspectors.pickle_values import GlobalRef, Made, PDict
from hubguard.inspectors.pickle_vm import PickleVM, run_pickle
from hubguard.inspectors.verdicts import LimitExceeded, Malformed

_WRAPPERS = frozenset(
    {"joblib.numpy_pickle.NumpyArrayWrapper", "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper"}
)
_FIXED_KINDS = "biufcmMSV"
_OBJECT = -1


def skip_joblib_array(vm: PickleVM, target: Made, state: object) -> None:
    """BUILD hook: after a NumpyArrayWrapper is built, joblib reads the array from the stream."""
    if not (isinstance(target.callee, GlobalRef) and target.callee.qualified in _WRAPPERS):
        return
    if not isinstance(state, PDict):
        raise Malformed("joblib array wrapper without a state dict")
    count = _element_count(state.get("shape"))
    itemsize = _itemsize(state.get("dtype"))
    if itemsize == _OBJECT:
        _scan_object_array(vm)
        return
    if state.get("numpy_array_alignment_bytes") is not None:
        padding = vm.reader.read(1)[0]
        if padding:
            vm.reader.skip(padding)
    length = count * itemsize
    if length:
        vm.reader.skip(length)


def _scan_object_array(vm: PickleVM) -> None:
    if vm.nesting >= vm.limits.max_nesting:
        raise LimitExceeded("joblib object arrays nested too deeply")
    inner = run_pickle(vm.reader.source, vm.reader.pos, vm.budget, build_hook=skip_joblib_array, nesting=vm.nesting + 1)
    vm.trace.events.extend(inner.events)
    vm.trace.frame_crossings.extend(inner.frame_crossings)
    if not inner.complete:
        failure = LimitExceeded if inner.error_kind == "limit" else Malformed
        raise failure(f"object array pickle inside joblib stream: {inner.error}")
    vm.reader.pos = inner.end


def _element_count(shape: object) -> int:
    if not isinstance(shape, tuple) or not all(type(dim) is int and dim >= 0 for dim in shape):
        raise Malformed("joblib array wrapper with an unreadable shape")
    return math.prod(shape)


def _itemsize(dtype: object) -> int:
    """Bytes per element joblib writes raw, or _OBJECT when joblib pickles the array instead."""
    code = _dtype_code(dtype)
    kind, digits = code[:1], code[1:]
    if kind == "O":
        return _OBJECT
    assert isinstance(dtype, Made)
    state = dtype.state
    if isinstance(state, tuple) and len(state) > 5 and state[3] is not None:
        return _structured_itemsize(state)
    if isinstance(state, tuple) and len(state) > 5 and type(state[5]) is int and state[5] > 0:
        return state[5]
    if digits.isdigit():
        if kind in _FIXED_KINDS:
            return int(digits)
        if kind == "U":
            return 4 * int(digits)
    raise Malformed(f"joblib array with an unsupported dtype {code!r}")


def _dtype_code(dtype: object) -> str:
    if not (isinstance(dtype, Made) and isinstance(dtype.args, tuple) and dtype.args and type(dtype.args[0]) is str):
        raise Malformed("joblib array wrapper with an unreadable dtype")
    return dtype.args[0].lstrip("<>|=")


def _structured_itemsize(state: tuple[object, ...]) -> int:
    """A record dtype (e.g. scikit-learn's tree nodes): raw unless a field holds objects, as numpy decides."""
    fields, itemsize = state[4], state[5]
    if not isinstance(fields, PDict) or type(itemsize) is not int or itemsize <= 0:
        raise Malformed("joblib array with an unreadable record dtype")
    for _, field in fields.pairs:
        if not (isinstance(field, tuple) and field) or _itemsize(field[0]) == _OBJECT:
            return _OBJECT
    return itemsize
