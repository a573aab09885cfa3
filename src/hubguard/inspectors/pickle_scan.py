"""Scan pickle streams: run the emulator over every pickle in a stream and judge what it recorded."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field

from hubguard.inspectors.joblib_arrays import skip_joblib_array
from hubguard.inspectors.pickle_values import (
    Blob,
    BuildEvent,
    CallEvent,
    GlobalRef,
    ImportEvent,
    Made,
    MutationEvent,
    PDict,
    PSet,
    describe,
    expanded_size,
)
from hubguard.inspectors.pickle_reader import PickleReader
from hubguard.inspectors.pickle_vm import OPCODE_BYTES, PickleTrace, run_pickle
from hubguard.inspectors.policy import Standing
from hubguard.inspectors.sources import ByteSource, BytesSource, SliceSource
from hubguard.inspectors.verdicts import Collector, Issue, Verdict

_BASE64 = re.compile(rb"[A-Za-z0-9+/=\s]+")
_NESTED_MIN_BYTES = 8
_WALK_DEPTH = 4
_WALK_ITEMS = 2000


@dataclass
class StreamScan:
    traces: list[PickleTrace] = field(default_factory=list)

    @property
    def recognised(self) -> bool:
        return bool(self.traces)


def scan_stream(
    source: ByteSource,
    start: int,
    collector: Collector,
    *,
    member: str | None = None,
    certain: bool = False,
    max_pickles: int | None = None,
    depth: int = 0,
) -> StreamScan:
    """Scan consecutive pickles from ``start`` until the end, non-pickle data, or ``max_pickles``.

    ``certain``: the bytes are known to be a pickle (a loader unpickles them), so even a first
    pickle that fails to parse is reported. Otherwise a first pickle that does nothing before it
    fails is taken to be some other kind of data.
    """
    scan = StreamScan()
    limit = max_pickles or collector.limits.max_pickles_per_stream
    position = start
    reader = PickleReader(source, start, collector.limits)
    while len(scan.traces) < limit:
        if source.size is not None and position >= source.size:
            break
        trace = _trace(source, position, collector, reader)
        first = not scan.traces
        if not trace.complete and not _worth_reporting(trace) and not (first and certain):
            break
        scan.traces.append(trace)
        judge(trace, source, collector, member=member, depth=depth)
        if not trace.complete:
            break
        position = trace.end
    else:
        if max_pickles is None and source.size is not None and position < source.size:
            collector.add(Issue(Verdict.SUSPICIOUS, "limit",
                                f"more than {limit} pickles in one stream; the rest was not inspected", member, position))
    return scan


def looks_like_pickle_start(head: bytes) -> bool:
    return bool(head) and head[0] in OPCODE_BYTES


def _trace(source: ByteSource, position: int, collector: Collector, reader: PickleReader) -> PickleTrace:
    trace = run_pickle(source, position, collector.budget, build_hook=skip_joblib_array, reader=reader)
    if trace.frame_crossings:
        # The C unpickler reading a file drops the rest of a frame an operand does not fit in:
        # scan that reading too and keep everything either reading would import.
        as_file = run_pickle(source, position, collector.budget, file_frames=True, build_hook=skip_joblib_array)
        trace.events.extend(as_file.events)
        if as_file.error and not trace.error:
            trace.error, trace.error_kind = f"when read from a file: {as_file.error}", as_file.error_kind
    return trace


def _worth_reporting(trace: PickleTrace) -> bool:
    """Whether a failed parse says something: the bytes could not be read, a budget ran out
    mid-stream, or the pickle already called something. Otherwise the bytes are not a pickle."""
    if trace.error_kind == "io" or (trace.error_kind == "limit" and trace.opcodes > 1):
        return True
    return any(
        isinstance(event, CallEvent) or (isinstance(event, ImportEvent) and event.module is None)
        for event in trace.events
    )


@dataclass
class _Imported:
    event: ImportEvent
    called_via: list[str] = field(default_factory=list)


def judge(trace: PickleTrace, source: ByteSource, collector: Collector, *, member: str | None, depth: int) -> None:
    imported: dict[str, _Imported] = {}
    for event in trace.events:
        if isinstance(event, ImportEvent):
            _judge_import(event, imported, collector, member)
        elif isinstance(event, CallEvent):
            _judge_call(event, imported, collector, member)
            _scan_nested(event.args, f"argument of {describe(event.callee)}", source, collector, member, depth)
        elif isinstance(event, BuildEvent):
            _judge_build(event, collector, member)
            _scan_nested(event.state, f"state of {describe(event.target)}", source, collector, member, depth)
        elif isinstance(event, MutationEvent):
            collector.add(Issue(Verdict.SUSPICIOUS, "mutation",
                                f"modifies the imported object {event.target.qualified} with {event.opcode}",
                                member, event.offset))
    for entry in imported.values():
        _report_import(entry, collector, member)
    _judge_expansion(trace, collector, member)
    for offset in sorted(set(trace.frame_crossings)):
        collector.add(Issue(Verdict.SUSPICIOUS, "frame",
                            "an opcode crosses a FRAME boundary (parsers disagree on such pickles)", member, offset))
    if trace.error:
        kind = "limit" if trace.error_kind == "limit" else "malformed" if trace.error_kind == "malformed" else "incomplete"
        collector.add(Issue(Verdict.SUSPICIOUS, kind,
                            f"pickle starting at byte {trace.start} could not be inspected to its end: {trace.error}",
                            member, trace.end))


def _judge_expansion(trace: PickleTrace, collector: Collector, member: str | None) -> None:
    cap = collector.limits.max_expanded_objects
    if trace.complete and expanded_size(trace.result, cap) > cap:
        collector.add(Issue(Verdict.SUSPICIOUS, "resource-exhaustion",
                            f"the unpickled object expands to more than {cap:,} objects when walked "
                            f"(a 'billion laughs' pickle: {trace.opcodes:,} opcodes, shared references "
                            "nested level after level); loading it can exhaust memory", member, trace.start))


def _judge_import(event: ImportEvent, imported: dict[str, _Imported], collector: Collector, member: str | None) -> None:
    if event.module is None or event.name is None:
        collector.add(Issue(Verdict.MALICIOUS, "unresolvable-import",
                            f"{event.opcode} imports a callable that cannot be named statically ({event.detail})",
                            member, event.offset))
        return
    collector.note_import(event.qualified)
    imported.setdefault(event.qualified, _Imported(event))


def _judge_call(event: CallEvent, imported: dict[str, _Imported], collector: Collector, member: str | None) -> None:
    callee = event.callee
    if isinstance(callee, GlobalRef):
        collector.note_call(callee.qualified)
        _judge_allocation(event, callee, collector, member)
        entry = imported.get(callee.qualified)
        if entry is not None and event.opcode not in entry.called_via:
            entry.called_via.append(event.opcode)
        return
    collector.note_call(f"<{describe(callee)}>")
    collector.add(Issue(Verdict.MALICIOUS, "indirect-call",
                        f"{event.opcode} calls {describe(callee)}, not a named global", member, event.offset))


_ALLOCATORS = frozenset({"builtins.bytes", "builtins.bytearray", "__builtin__.bytearray"})


def _judge_allocation(event: CallEvent, callee: GlobalRef, collector: Collector, member: str | None) -> None:
    """bytes(n) / bytearray(n) are allowed constructors, but n can be a terabyte."""
    args = event.args
    size = args[0] if isinstance(args, tuple) and args else None
    if callee.qualified in _ALLOCATORS and type(size) is int and size > collector.limits.max_allocation:
        collector.add(Issue(Verdict.SUSPICIOUS, "resource-exhaustion",
                            f"{callee.qualified}({size:,}) allocates that many bytes when loaded", member, event.offset))


def _judge_build(event: BuildEvent, collector: Collector, member: str | None) -> None:
    if isinstance(event.target, GlobalRef):
        collector.add(Issue(Verdict.MALICIOUS, "global-mutation",
                            f"BUILD sets attributes on the imported object {event.target.qualified}",
                            member, event.offset))


def _report_import(entry: _Imported, collector: Collector, member: str | None) -> None:
    event = entry.event
    assert event.module is not None and event.name is not None
    status = collector.policy.standing(event.module, event.name)
    if status is Standing.ALLOWED:
        return
    if status is Standing.REVIEWED:
        collector.add(Issue(Verdict.REVIEWED, "library-class", event.qualified, member))
        return
    called = f" and calls it via {'/'.join(entry.called_via)}" if entry.called_via else " (not called)"
    if status is Standing.DENIED:
        collector.add(Issue(Verdict.MALICIOUS, "dangerous-import", f"imports {event.qualified}{called}",
                            member, event.offset))
    else:
        collector.add(Issue(Verdict.SUSPICIOUS, "unlisted-import",
                            f"imports {event.qualified}, which is not in the checkpoint allowlist{called}",
                            member, event.offset))


# -- pickles hidden in operands -------------------------------------------------------------------


def _scan_nested(value: object, where: str, source: ByteSource, collector: Collector,
                 member: str | None, depth: int) -> None:
    for candidate in _candidates(value):
        nested = _nested_source(candidate, source, where)
        if nested is None:
            continue
        label = f"{member or source.name} > nested pickle in {where}"
        if depth + 1 > collector.limits.max_nesting:
            collector.add(Issue(Verdict.SUSPICIOUS, "limit", f"nested pickle too deep to inspect ({where})", member))
            return
        assert nested.size is not None
        collector.nested_bytes += nested.size
        if collector.nested_bytes > collector.limits.max_nested_pickle_bytes:
            collector.add(Issue(Verdict.SUSPICIOUS, "limit", "too many bytes in nested pickles to inspect them all", member))
            return
        scan_stream(nested, 0, collector, member=label, depth=depth + 1)


def _candidates(value: object) -> list[bytes | str | Blob]:
    found: list[bytes | str | Blob] = []
    seen: set[int] = set()
    pending: list[tuple[object, int]] = [(value, 0)]
    while pending and len(seen) < _WALK_ITEMS:
        item, level = pending.pop()
        if isinstance(item, (bytes, str, Blob)):
            found.append(item)
            continue
        if id(item) in seen or level >= _WALK_DEPTH:
            continue
        seen.add(id(item))
        if isinstance(item, (tuple, list)):
            pending.extend((child, level + 1) for child in item)
        elif isinstance(item, PDict):
            pending.extend((child, level + 1) for pair in item.pairs for child in pair)
        elif isinstance(item, PSet):
            pending.extend((child, level + 1) for child in item.items)
        elif isinstance(item, Made):
            pending.append((item.args, level + 1))
    return found


def _nested_source(candidate: bytes | str | Blob, source: ByteSource, where: str) -> ByteSource | None:
    name = f"{source.name} ({where})"
    if isinstance(candidate, Blob):
        if candidate.kind == "bytes" and _pickle_like(candidate.prefix, whole=False):
            return SliceSource(source, candidate.offset, candidate.length, name)
        return None
    data = candidate if isinstance(candidate, bytes) else candidate.encode("utf-8", "surrogatepass")
    if len(data) < _NESTED_MIN_BYTES:
        return None
    if _pickle_like(data, whole=True):
        return BytesSource(name, data)
    if _BASE64.fullmatch(data):
        try:
            decoded = base64.b64decode(data, validate=False)
        except (binascii.Error, ValueError):
            return None
        if _pickle_like(decoded, whole=True):
            return BytesSource(f"{name} (base64)", decoded)
    return None


def _pickle_like(data: bytes, *, whole: bool) -> bool:
    if len(data) < 2:
        return False
    if data[0] == 0x80:
        return data[1] <= 5
    return whole and data[0] in OPCODE_BYTES and data.rstrip(b"\n").endswith(b".")
