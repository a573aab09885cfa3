"""Small shared helpers for the inspector tests."""

from __future__ import annotations

import codecs
from collections.abc import Callable

from hubguard.inspectors import BytesSource, FileVerdict, Limits, inspect_source
from hubguard.inspectors.budget import Budget
from hubguard.inspectors.pickle_values import (
    Blob,
    BuildEvent,
    CallEvent,
    GlobalRef,
    ImportEvent,
    Made,
    Opaque,
    PDict,
    Persistent,
    PSet,
)
from hubguard.inspectors.pickle_vm import PickleTrace, run_pickle
from hubguard.inspectors.verdicts import DEFAULT_LIMITS, Verdict


def judge(data: bytes, name: str = "sample.bin", limits: Limits = DEFAULT_LIMITS) -> FileVerdict:
    return inspect_source(BytesSource(name, data), limits=limits)


def kinds(verdict: FileVerdict, at_least: Verdict = Verdict.UNKNOWN) -> set[str]:
    return {issue.kind for issue in verdict.issues if issue.verdict >= at_least}


def messages(verdict: FileVerdict) -> str:
    return " | ".join(issue.message for issue in verdict.issues)


class CountingSource:
    """Wraps bytes and records every read, to prove how little of a file was fetched."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name = name
        self.size: int | None = len(data)
        self._data = data
        self.reads: list[tuple[int, int]] = []

    def read(self, offset: int, length: int) -> bytes:
        chunk = self._data[offset : offset + length]
        self.reads.append((offset, len(chunk)))
        return chunk

    @property
    def bytes_read(self) -> int:
        return sum(length for _, length in self.reads)


def emulate(data: bytes, limits: Limits = DEFAULT_LIMITS) -> PickleTrace:
    """Run the pickle emulator alone over ``data`` (one pickle from byte 0)."""
    return run_pickle(BytesSource("sample.pkl", data), 0, Budget(limits))


def shape(value: object) -> object:
    """A VM value as plain, comparable data; symbolic values become tagged tuples."""
    if isinstance(value, GlobalRef):
        return ("global", value.qualified)
    if isinstance(value, Made):
        return ("made", shape(value.callee), shape(value.args), value.opcode, shape(value.state))
    if isinstance(value, PDict):
        return ("dict", [(shape(key), shape(item)) for key, item in value.pairs])
    if isinstance(value, PSet):
        return ("set", [shape(item) for item in value.items])
    if isinstance(value, Opaque):
        return ("opaque", value.origin)
    if isinstance(value, Persistent):
        return ("persistent", shape(value.pid))
    if isinstance(value, Blob):
        return ("blob", value.kind, value.length, value.offset, value.prefix)
    if isinstance(value, list):
        return [shape(item) for item in value]
    if isinstance(value, tuple):
        return tuple(shape(item) for item in value)
    return value


def event_rows(trace: PickleTrace) -> list[tuple[object, ...]]:
    """The recorded events with every field, values shaped."""
    rows: list[tuple[object, ...]] = []
    for event in trace.events:
        if isinstance(event, ImportEvent):
            rows.append(("import", event.module, event.name, event.opcode, event.offset, event.detail))
        elif isinstance(event, CallEvent):
            rows.append(("call", shape(event.callee), shape(event.args), event.opcode, event.offset))
        elif isinstance(event, BuildEvent):
            rows.append(("build", shape(event.target), shape(event.state), event.offset))
        else:
            rows.append(("mutate", event.target.qualified, event.opcode, event.offset))
    return rows


# What pickle writes for sets, frozensets, bytes and bytearrays in the protocols that lack their opcodes.
_CONSTRUCTORS: dict[tuple[str, str], Callable[..., object]] = {
    ("builtins", "set"): set,
    ("builtins", "frozenset"): frozenset,
    ("builtins", "bytes"): bytes,
    ("builtins", "bytearray"): bytearray,
    ("_codecs", "encode"): codecs.encode,
}


def concrete(value: object, built: dict[int, object] | None = None) -> object:
    """The plain object a VM result of plain data stands for, shared and self references kept."""
    built = {} if built is None else built
    if id(value) in built:
        return built[id(value)]
    if isinstance(value, list):
        items: list[object] = []
        built[id(value)] = items
        items.extend(concrete(item, built) for item in value)
        return items
    if isinstance(value, PDict):
        mapping: dict[object, object] = {}
        built[id(value)] = mapping
        for key, item in value.pairs:
            mapping[concrete(key, built)] = concrete(item, built)
        return mapping
    if isinstance(value, PSet):
        return {concrete(item, built) for item in value.items}
    if isinstance(value, tuple):
        return tuple(concrete(item, built) for item in value)
    if isinstance(value, Made):
        assert isinstance(value.callee, GlobalRef) and isinstance(value.args, tuple), value
        constructor = _CONSTRUCTORS[(value.callee.module, value.callee.name)]
        return constructor(*concrete(value.args, built))
    assert value is None or type(value) in (bool, int, float, str, bytes), value
    return value


def typed(value: object) -> object:
    """``value`` with every leaf tagged by its type, so that 1, 1.0 and True differ. Frozensets count as sets
    and bytearrays as bytes: the emulator pushes the same value for FROZENSET and EMPTY_SET + ADDITEMS, and
    for BYTEARRAY8 and BINBYTES8."""
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [typed(item) for item in value])
    if isinstance(value, dict):
        return ("dict", [(typed(key), typed(item)) for key, item in value.items()])
    if isinstance(value, (set, frozenset)):
        return ("set", sorted((typed(item) for item in value), key=repr))
    if isinstance(value, bytearray):
        return ("bytes", bytes(value))
    return (type(value).__name__, repr(value) if isinstance(value, float) else value)
