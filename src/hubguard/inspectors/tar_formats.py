"""Tar archives, including PyTorch's legacy tar checkpoints (sys_info, pickle, storages, tensors)."""

from __future__ import annotations

import struct
from collections.abc import Callable

from hubguard.inspectors.budget import BudgetExhausted
from hubguard.inspectors.pickle_scan import scan_stream
from hubguard.inspectors.pickle_values import GlobalRef
from hubguard.inspectors.sources import ByteSource, SliceSource, SourceError, read_exact
from hubguard.inspectors.verdicts import Collector, Issue, LimitExceeded, Malformed, Verdict

MemberInspector = Callable[[ByteSource, Collector, str, int], bool]

_BLOCK = 512
_LEGACY_MEMBERS = frozenset({"sys_info", "pickle", "storages", "tensors"})
_ELEMENT_SIZES = {
    "DoubleStorage": 8, "FloatStorage": 4, "HalfStorage": 2, "BFloat16Storage": 2, "LongStorage": 8,
    "IntStorage": 4, "ShortStorage": 2, "CharStorage": 1, "ByteStorage": 1, "BoolStorage": 1,
    "ComplexDoubleStorage": 16, "ComplexFloatStorage": 8, "QInt8Storage": 1, "QUInt8Storage": 1,
    "QInt32Storage": 4, "QUInt4x2Storage": 1, "QUInt2x4Storage": 1,
}


def looks_like_tar(head: bytes) -> bool:
    return len(head) >= 262 and head[257:262] == b"ustar"


def inspect_tar(source: ByteSource, collector: Collector, member: str | None, depth: int,
                inspect_member: MemberInspector) -> None:
    members = list(_members(source, collector))
    legacy = {name for name, _, _ in members} >= {"pickle", "storages", "tensors"}
    collector.note_format("torch-legacy-tar" if legacy else "tar")
    for name, start, size in members:
        collector.budget.check()
        label = name if member is None else f"{member}/{name}"
        data = SliceSource(source, start, size, f"{source.name}:{name}")
        try:
            if legacy and name in _LEGACY_MEMBERS:
                _inspect_legacy_member(name, data, collector, label)
            else:
                inspect_member(data, collector, label, depth + 1)
        except BudgetExhausted:
            raise
        except (Malformed, SourceError, struct.error) as error:
            collector.add(Issue(Verdict.SUSPICIOUS, "malformed", f"member could not be inspected: {error}", label))
        except LimitExceeded as error:
            collector.add(Issue(Verdict.SUSPICIOUS, "limit", f"member not inspected fully: {error}", label))


def _members(source: ByteSource, collector: Collector) -> list[tuple[str, int, int]]:
    found: list[tuple[str, int, int]] = []
    position = 0
    pending_name: str | None = None
    while source.size is None or position + _BLOCK <= source.size:
        header = source.read(position, _BLOCK)
        if len(header) < _BLOCK or header == bytes(_BLOCK):
            break
        name = pending_name or header[:100].split(b"\0", 1)[0].decode("utf-8", "replace")
        prefix = header[345:500].split(b"\0", 1)[0].decode("utf-8", "replace") if header[257:262] == b"ustar" else ""
        if prefix and not pending_name:
            name = f"{prefix}/{name}"
        size = _number(header[124:136])
        kind = header[156:157]
        data_start = position + _BLOCK
        pending_name = None
        if kind in (b"x", b"L"):
            pending_name = _long_name(read_exact(source, data_start, size) if size else b"", kind)
        elif kind in (b"0", b"\0", b"7"):
            found.append((name, data_start, size))
            if len(found) > collector.limits.max_members:
                raise LimitExceeded(f"tar has more than {collector.limits.max_members} members")
        position = data_start + -(-size // _BLOCK) * _BLOCK
    return found


def _number(field: bytes) -> int:
    if field[:1] in (b"\x80", b"\xff"):
        return int.from_bytes(field[1:], "big", signed=field[:1] == b"\xff")
    text = field.split(b"\0", 1)[0].strip() or b"0"
    try:
        return int(text, 8)
    except ValueError as error:
        raise Malformed(f"invalid tar size field {field!r}") from error


def _long_name(data: bytes, kind: bytes) -> str | None:
    if kind == b"L":
        return data.split(b"\0", 1)[0].decode("utf-8", "replace")
    for record in data.split(b"\n"):
        key, _, value = record.partition(b"=")
        if key.endswith(b" path"):
            return value.decode("utf-8", "replace")
    return None


def _inspect_legacy_member(name: str, data: ByteSource, collector: Collector, label: str) -> None:
    if name in ("sys_info", "pickle"):
        scan_stream(data, 0, collector, member=label, certain=True)
    elif name == "storages":
        _walk_storages(data, collector, label)
    else:
        _walk_tensors(data, collector, label)


def _one_pickle(data: ByteSource, position: int, collector: Collector, label: str) -> tuple[object, int]:
    scan = scan_stream(data, position, collector, member=label, certain=True, max_pickles=1)
    if not scan.traces:
        raise Malformed("the legacy layout ends before an expected pickle")
    trace = scan.traces[0]
    if not trace.complete:
        raise Malformed("the legacy layout could not be followed past an unreadable pickle")
    return trace.result, trace.end


def _count(value: object) -> int:
    if type(value) is not int or value < 0:
        raise Malformed("expected a count")
    return value


def _walk_storages(data: ByteSource, collector: Collector, label: str) -> None:
    count, position = _one_pickle(data, 0, collector, label)
    for _ in range(min(_count(count), collector.limits.max_members + 1)):
        args, position = _one_pickle(data, position, collector, label)
        storage_type = args[2] if isinstance(args, tuple) and len(args) == 3 else None
        if not isinstance(storage_type, GlobalRef) or storage_type.name not in _ELEMENT_SIZES:
            raise Malformed("storage record without a known storage type")
        (elements,) = struct.unpack("<q", read_exact(data, position, 8))
        position += 8 + max(elements, 0) * _ELEMENT_SIZES[storage_type.name]
    _one_pickle(data, position, collector, label)  # storage views


def _walk_tensors(data: ByteSource, collector: Collector, label: str) -> None:
    count, position = _one_pickle(data, 0, collector, label)
    for _ in range(min(_count(count), collector.limits.max_members + 1)):
        _, position = _one_pickle(data, position, collector, label)
        (dimensions,) = struct.unpack("<i", read_exact(data, position, 4))
        if dimensions < 0 or dimensions > 64:
            raise Malformed(f"tensor record with {dimensions} dimensions")
        position += 8 + 16 * dimensions + 8
