"""Single-header formats: NumPy .npy, safetensors, and HDF5 (Keras .h5)."""

from __future__ import annotations

import ast
import json
import math
import struct

from hubguard.inspectors.hdf5 import read_root_attributes
from hubguard.inspectors.keras_config import judge_keras_config
from hubguard.inspectors.pickle_scan import scan_stream
from hubguard.inspectors.sources import ByteSource, read_exact
from hubguard.inspectors.verdicts import Collector, Issue, Malformed, Verdict

NPY_MAGIC = b"\x93NUMPY"
_MAX_NPY_HEADER = 2**20
_SAFETENSORS_DTYPE_BITS = {
    "BOOL": 8, "U8": 8, "I8": 8, "F8_E4M3": 8, "F8_E5M2": 8, "F8_E8M0": 8, "I16": 16, "U16": 16, "F16": 16,
    "BF16": 16, "I32": 32, "U32": 32, "F32": 32, "I64": 64, "U64": 64, "F64": 64, "C64": 64, "F4": 4, "F6_E2M3": 6,
    "F6_E3M2": 6,
}


def inspect_npy(source: ByteSource, collector: Collector, member: str | None, start: int = 0) -> None:
    collector.note_format("npy")
    preamble = read_exact(source, start, 10)
    major = preamble[6]
    if major == 1:
        (header_length,) = struct.unpack("<H", preamble[8:10])
        header_start = start + 10
    elif major in (2, 3):
        (header_length,) = struct.unpack("<I", read_exact(source, start + 8, 4))
        header_start = start + 12
    else:
        raise Malformed(f"unsupported .npy version {major}")
    if header_length > _MAX_NPY_HEADER:
        raise Malformed(f".npy header of {header_length} bytes")
    raw = read_exact(source, header_start, header_length)
    try:
        header = ast.literal_eval(raw.decode("utf-8" if major == 3 else "latin-1"))
    except (ValueError, SyntaxError, RecursionError, MemoryError, UnicodeDecodeError) as error:
        raise Malformed(f".npy header is not a Python literal: {error}") from error
    if not isinstance(header, dict) or "descr" not in header:
        raise Malformed(".npy header lacks 'descr'")
    if _has_object_dtype(header["descr"]):
        collector.note_format("npy-object")
        scan_stream(source, header_start + header_length, collector, member=member, certain=True)


def _has_object_dtype(descr: object) -> bool:
    if isinstance(descr, str):
        return descr.lstrip("<>|=").startswith("O")
    if isinstance(descr, (list, tuple)):
        return any(_has_object_dtype(item) for item in descr)
    return False


def looks_like_safetensors(head: bytes, size: int | None) -> bool:
    if len(head) < 9 or head[8:9] != b"{":
        return False
    (length,) = struct.unpack("<Q", head[:8])
    return size is None or length <= size - 8


def inspect_safetensors(source: ByteSource, collector: Collector, member: str | None) -> None:
    collector.note_format("safetensors")
    (length,) = struct.unpack("<Q", read_exact(source, 0, 8))
    if length > collector.limits.max_json_bytes:
        raise Malformed(f"safetensors header of {length} bytes")
    try:
        header = json.loads(read_exact(source, 8, length))
    except (ValueError, RecursionError) as error:
        raise Malformed(f"safetensors header is not JSON: {error}") from error
    data_size = None if source.size is None else source.size - 8 - length
    problem = _safetensors_problem(header, data_size)
    if problem:
        collector.add(Issue(Verdict.SUSPICIOUS, "malformed", f"invalid safetensors header: {problem}", member))


def _safetensors_problem(header: object, data_size: int | None) -> str | None:
    if not isinstance(header, dict):
        return "header is not an object"
    for name, entry in header.items():
        if name == "__metadata__":
            if not isinstance(entry, dict) or not all(isinstance(v, str) for v in entry.values()):
                return "__metadata__ must map strings to strings"
            continue
        if not isinstance(entry, dict):
            return f"tensor {name!r} is not an object"
        dtype, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
        if dtype not in _SAFETENSORS_DTYPE_BITS:
            return f"tensor {name!r} has unknown dtype {dtype!r}"
        if not isinstance(shape, list) or not all(type(dim) is int and dim >= 0 for dim in shape):
            return f"tensor {name!r} has an invalid shape"
        if not (isinstance(offsets, list) and len(offsets) == 2 and all(type(o) is int for o in offsets)):
            return f"tensor {name!r} has invalid data_offsets"
        begin, end = offsets
        if not 0 <= begin <= end or (data_size is not None and end > data_size):
            return f"tensor {name!r} data_offsets {offsets} fall outside the data"
        if (end - begin) * 8 != math.prod(shape) * _SAFETENSORS_DTYPE_BITS[dtype]:
            return f"tensor {name!r} size does not match its shape and dtype"
    return None


def inspect_hdf5(source: ByteSource, collector: Collector, member: str | None, superblock: int) -> None:
    """Legacy Keras .h5: the architecture is JSON in the root group's ``model_config`` attribute."""
    collector.note_format("hdf5")
    attributes = read_root_attributes(source, superblock, collector.limits.max_json_bytes)
    for reason in attributes.unreadable:
        collector.add(Issue(Verdict.SUSPICIOUS, "incomplete",
                            f"HDF5 root attributes not inspected fully: {reason}", member))
    for name, values in attributes.values.items():
        for value in values:
            judge_keras_config(value, collector, f"{member or source.name}:{name}")
