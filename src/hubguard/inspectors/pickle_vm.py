"""An emulator of the pickle virtual machine: it tracks the stack and memo symbolically and records
every import and call the real unpickler would make, without importing or calling anything."""

from __future__ import annotations

import _compat_pickle
import codecs
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from hubguard.inspectors.budget import Budget
from hubguard.inspectors.pickle_reader import PickleReader, Truncated
from hubguard.inspectors.pickle_values import (
    Blob,
    BuildEvent,
    CallEvent,
    Event,
    GlobalRef,
    ImportEvent,
    Made,
    MutationEvent,
    Opaque,
    PDict,
    Persistent,
    PSet,
)
from hubguard.inspectors.sources import ByteSource, SourceError
from hubguard.inspectors.verdicts import LimitExceeded, Malformed

HIGHEST_PROTOCOL = 5
_BUDGET_STEP = 1024  # opcodes charged to the file's budget (and deadline checks) at a time


@dataclass
class PickleTrace:
    start: int
    end: int = 0
    protocol: int | None = None
    opcodes: int = 0
    events: list[Event] = field(default_factory=list)
    complete: bool = False
    error: str | None = None
    error_kind: str | None = None  # "malformed" | "truncated" | "limit" | "io"
    result: object = None
    frame_crossings: list[int] = field(default_factory=list)


BuildHook = Callable[["PickleVM", Made, object], None]


class PickleVM:
    def __init__(
        self,
        source: ByteSource,
        start: int,
        budget: Budget,
        *,
        file_frames: bool,
        build_hook: BuildHook | None,
        reader: PickleReader | None,
        nesting: int,
    ) -> None:
        limits = budget.limits
        if reader is None:
            reader = PickleReader(source, start, limits, file_frames=file_frames)
        else:
            reader.restart(start)
        self.reader = reader
        self.budget = budget
        self.limits = limits
        self.trace = PickleTrace(start=start)
        self.stack: list[object] = []
        self.marks: list[int] = []
        self.memo: dict[int, object] = {}
        self.build_hook = build_hook
        self.nesting = nesting  # pickles started from inside another pickle's stream (joblib object arrays)
        self.op_start = start
        self._stopped = False

    def run(self) -> PickleTrace:
        trace = self.trace
        try:
            while not self._stopped:
                self._step()
            trace.complete = True
        except Malformed as error:
            trace.error, trace.error_kind = str(error), "malformed"
        except Truncated as error:
            trace.error, trace.error_kind = str(error), "truncated"
        except LimitExceeded as error:
            trace.error, trace.error_kind = str(error), "limit"
        except SourceError as error:
            trace.error, trace.error_kind = str(error), "io"
        except (ValueError, OverflowError, UnicodeDecodeError, RecursionError, MemoryError) as error:
            trace.error, trace.error_kind = f"undecodable operand: {error}", "malformed"
        self.budget.note_opcodes(trace.opcodes % _BUDGET_STEP)
        trace.end = self.reader.pos
        trace.frame_crossings = list(self.reader.crossings)
        return trace

    def _step(self) -> None:
        self.trace.opcodes += 1
        if self.trace.opcodes > self.limits.max_opcodes:
            raise LimitExceeded(f"more than {self.limits.max_opcodes} opcodes")
        if not self.trace.opcodes % _BUDGET_STEP:
            self.budget.spend_opcodes(_BUDGET_STEP)
        self.op_start = self.reader.pos
        code = self.reader.read(1)[0]
        handler = _HANDLERS.get(code)
        if handler is None:
            raise Malformed(f"invalid opcode 0x{code:02x} at byte {self.op_start}")
        handler(self)

    # -- stack helpers -------------------------------------------------------------------------

    def push(self, value: object) -> None:
        if len(self.stack) >= self.limits.max_stack_depth:
            raise LimitExceeded(f"stack deeper than {self.limits.max_stack_depth}")
        self.stack.append(value)

    def pop(self) -> object:
        fence = self.marks[-1] if self.marks else 0
        if len(self.stack) <= fence:
            raise Malformed(f"stack underflow at byte {self.op_start}")
        return self.stack.pop()

    def top(self) -> object:
        fence = self.marks[-1] if self.marks else 0
        if len(self.stack) <= fence:
            raise Malformed(f"stack underflow at byte {self.op_start}")
        return self.stack[-1]

    def pop_mark(self) -> list[object]:
        if not self.marks:
            raise Malformed(f"no MARK on the stack at byte {self.op_start}")
        mark = self.marks.pop()
        items = self.stack[mark:]
        del self.stack[mark:]
        return items

    def record(self, event: Event) -> None:
        self.trace.events.append(event)

    def memo_put(self, index: int, value: object) -> None:
        if index not in self.memo and len(self.memo) >= self.limits.max_memo_entries:
            raise LimitExceeded(f"more than {self.limits.max_memo_entries} memo entries")
        self.memo[index] = value

    def memo_get(self, index: int) -> object:
        if index not in self.memo:
            raise Malformed(f"memo key {index} not found at byte {self.op_start}")
        return self.memo[index]

    # -- operand readers -----------------------------------------------------------------------

    def u8(self) -> int:
        return self.reader.read(1)[0]

    def unpack(self, fmt: str) -> int:
        data = self.reader.read(struct.calcsize(fmt))
        return int(struct.unpack(fmt, data)[0])

    def line(self) -> str:
        return self.reader.readline().decode("utf-8")

    def payload(self, length: int, kind: str) -> object:
        if length < 0:
            raise Malformed(f"negative length at byte {self.op_start}")
        if length > self.limits.inline_payload_bytes:
            offset = self.reader.pos
            return Blob(kind, length, offset, self.reader.skip(length))
        return self.reader.read(length)

    def text(self, length: int) -> object:
        data = self.payload(length, "str")
        if isinstance(data, Blob):
            return data
        assert isinstance(data, bytes)
        return data.decode("utf-8", "surrogatepass")

    def imported(self, module: str, name: str, opcode: str) -> GlobalRef:
        module, name = _py2_names(module, name, self.trace.protocol)
        self.record(ImportEvent(module, name, opcode, self.op_start))
        return GlobalRef(module, name)

    def call(self, callee: object, args: object, opcode: str) -> Made:
        self.record(CallEvent(callee, args, opcode, self.op_start))
        return Made(callee, args, opcode)

    def stop(self) -> None:
        if not self.stack:
            raise Malformed(f"STOP with an empty stack at byte {self.op_start}")
        self.trace.result = self.stack[-1]
        self._stopped = True


def _py2_names(module: str, name: str, protocol: int | None) -> tuple[str, str]:
    """Python 2 names the unpickler maps with fix_imports (on by default, protocol < 3)."""
    if protocol is not None and protocol >= 3:
        return module, name
    if (module, name) in _compat_pickle.NAME_MAPPING:
        return _compat_pickle.NAME_MAPPING[(module, name)]
    return _compat_pickle.IMPORT_MAPPING.get(module, module), name


# C's strtol with base 0: leading white space, a sign, then hexadecimal, octal or decimal digits.
_STRTOL = re.compile(r"[ \t\n\v\f\r]*(?P<sign>[+-]?)(?P<digits>0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)")


def _decimal(line: str) -> int | bool:
    """INT's operand as CPython's unpickler reads it: C's ``strtol`` in base 0 (``010`` is 8, ``0x1f`` 31), a
    bool when the line is two characters and the value 0 or 1 (``00``, ``01``, ``+1``); what ``strtol`` cannot
    read whole, or a value beyond 64 bits, goes to Python's own syntax (``1_0``, ``0o17``, big numbers)."""
    match = _STRTOL.fullmatch(line)
    if match is not None:
        digits = match["digits"]
        base = 16 if digits[1:2] in ("x", "X") else 8 if len(digits) > 1 and digits[0] == "0" else 10
        value = -int(digits, base) if match["sign"] == "-" else int(digits, base)
        if -(2**63) <= value < 2**63:
            return bool(value) if len(line) == 2 and value in (0, 1) else value
    return _python_int(line)


def _python_int(text: str) -> int:
    """``int(text, 0)`` on ASCII only: the unpickler parses bytes, so other scripts' digits are no number."""
    if not text.isascii():
        raise ValueError("could not convert string to int")
    return int(text, 0)


def _quoted(raw: bytes) -> str:
    if len(raw) < 2 or raw[0] != raw[-1] or raw[:1] not in (b"'", b'"'):
        raise Malformed("STRING operand is not quoted")
    return codecs.escape_decode(raw[1:-1])[0].decode("latin-1")


# -- opcode handlers ---------------------------------------------------------------------------


def _mark(vm: PickleVM) -> None:
    if len(vm.marks) >= vm.limits.max_mark_depth:
        raise LimitExceeded(f"MARK nesting deeper than {vm.limits.max_mark_depth}")
    vm.marks.append(len(vm.stack))


def _pop(vm: PickleVM) -> None:
    if vm.marks and vm.marks[-1] == len(vm.stack):
        vm.marks.pop()  # CPython's C unpickler pops a MARK when the object stack is at it
    else:
        vm.pop()


def _pop_mark(vm: PickleVM) -> None:
    vm.pop_mark()


def _proto(vm: PickleVM) -> None:
    protocol = vm.u8()
    if protocol > HIGHEST_PROTOCOL:
        raise Malformed(f"unsupported pickle protocol {protocol}")
    vm.trace.protocol = protocol


def _frame(vm: PickleVM) -> None:
    length = vm.unpack("<Q")
    if length > vm.limits.max_pickle_bytes:
        raise LimitExceeded(f"FRAME of {length} bytes")
    vm.reader.begin_frame(length)


def _global(vm: PickleVM) -> None:
    module = vm.line()
    name = vm.line()
    vm.push(vm.imported(module, name, "GLOBAL"))


def _stack_global(vm: PickleVM) -> None:
    name = vm.pop()
    module = vm.pop()
    if type(module) is str and type(name) is str:
        vm.push(vm.imported(module, name, "STACK_GLOBAL"))
        return
    detail = f"STACK_GLOBAL operands {type(module).__name__}/{type(name).__name__}"
    vm.record(ImportEvent(None, None, "STACK_GLOBAL", vm.op_start, detail))
    vm.push(Opaque("unresolvable import"))


def _ext(width: str, vm: PickleVM) -> None:
    code = vm.unpack(width)
    vm.record(ImportEvent(None, None, "EXT", vm.op_start, f"extension code {code}"))
    vm.push(Opaque(f"extension code {code}"))


def _inst(vm: PickleVM) -> None:
    module = vm.line()
    name = vm.line()
    args = tuple(vm.pop_mark())
    cls = vm.imported(module, name, "INST")
    vm.push(vm.call(cls, args, "INST"))


def _obj(vm: PickleVM) -> None:
    items = vm.pop_mark()
    if not items:
        raise Malformed(f"OBJ without a class at byte {vm.op_start}")
    vm.push(vm.call(items[0], tuple(items[1:]), "OBJ"))


def _reduce(vm: PickleVM) -> None:
    args = vm.pop()
    callee = vm.pop()
    vm.push(vm.call(callee, args, "REDUCE"))


def _newobj(vm: PickleVM) -> None:
    args = vm.pop()
    cls = vm.pop()
    vm.push(vm.call(cls, args, "NEWOBJ"))


def _newobj_ex(vm: PickleVM) -> None:
    kwargs = vm.pop()
    args = vm.pop()
    cls = vm.pop()
    vm.push(vm.call(cls, (args, kwargs), "NEWOBJ_EX"))


def _build(vm: PickleVM) -> None:
    state = vm.pop()
    target = vm.top()
    vm.record(BuildEvent(target, state, vm.op_start))
    if isinstance(target, Made):
        target.state = state
        if vm.build_hook is not None:
            vm.build_hook(vm, target, state)


def _persid(vm: PickleVM) -> None:
    vm.push(Persistent(vm.reader.readline().decode("ascii")))


def _binpersid(vm: PickleVM) -> None:
    vm.push(Persistent(vm.pop()))


def _mutate(vm: PickleVM, target: object, opcode: str) -> None:
    if isinstance(target, GlobalRef):
        vm.record(MutationEvent(target, opcode, vm.op_start))


def _setitem(vm: PickleVM) -> None:
    value = vm.pop()
    key = vm.pop()
    target = vm.top()
    _mutate(vm, target, "SETITEM")
    if isinstance(target, PDict):
        target.pairs.append((key, value))


def _pairs(items: list[object], opcode: str) -> list[tuple[object, object]]:
    if len(items) % 2:
        raise Malformed(f"odd number of items for {opcode}")
    return list(zip(items[::2], items[1::2], strict=True))


def _setitems(vm: PickleVM) -> None:
    items = vm.pop_mark()
    target = vm.top()
    _mutate(vm, target, "SETITEMS")
    if isinstance(target, PDict):
        target.pairs.extend(_pairs(items, "SETITEMS"))


def _append(vm: PickleVM) -> None:
    value = vm.pop()
    target = vm.top()
    _mutate(vm, target, "APPEND")
    if isinstance(target, list):
        target.append(value)


def _appends(vm: PickleVM) -> None:
    items = vm.pop_mark()
    target = vm.top()
    _mutate(vm, target, "APPENDS")
    if isinstance(target, list):
        target.extend(items)


def _additems(vm: PickleVM) -> None:
    items = vm.pop_mark()
    target = vm.top()
    _mutate(vm, target, "ADDITEMS")
    if isinstance(target, PSet):
        target.items.extend(items)


def _dict(vm: PickleVM) -> None:
    items = vm.pop_mark()
    vm.push(PDict(_pairs(items, "DICT")))


def _memoize(vm: PickleVM) -> None:
    vm.memo_put(len(vm.memo), vm.top())


def _put(index_reader: Callable[[PickleVM], int], vm: PickleVM) -> None:
    index = index_reader(vm)
    if index < 0:
        raise Malformed("negative memo index")
    vm.memo_put(index, vm.top())


def _get(index_reader: Callable[[PickleVM], int], vm: PickleVM) -> None:
    vm.push(vm.memo_get(index_reader(vm)))


def _push(producer: Callable[[PickleVM], object], vm: PickleVM) -> None:
    vm.push(producer(vm))


def _tuple_of(count: int, vm: PickleVM) -> None:
    items = [vm.pop() for _ in range(count)]
    vm.push(tuple(reversed(items)))


def _long(length_reader: Callable[[PickleVM], int], vm: PickleVM) -> object:
    length = length_reader(vm)
    data = vm.payload(length, "bytes")
    if isinstance(data, Blob):
        return Opaque("huge integer")
    assert isinstance(data, bytes)
    return int.from_bytes(data, "little", signed=True)


def _line_long(vm: PickleVM) -> int:
    text = vm.line()
    return _python_int(text.removesuffix("L"))  # only an L right before the newline is Python 2's suffix


def _unicode_line(vm: PickleVM) -> str:
    return vm.reader.readline().decode("raw-unicode-escape")


def _str_payload(length_reader: Callable[[PickleVM], int], vm: PickleVM) -> object:
    data = vm.payload(length_reader(vm), "str")
    return data.decode("latin-1") if isinstance(data, bytes) else data


def _bytes_payload(length_reader: Callable[[PickleVM], int], vm: PickleVM) -> object:
    return vm.payload(length_reader(vm), "bytes")


def _u1(vm: PickleVM) -> int:
    return vm.u8()


def _u4(vm: PickleVM) -> int:
    return vm.unpack("<I")


def _i4(vm: PickleVM) -> int:
    return vm.unpack("<i")


def _u8(vm: PickleVM) -> int:
    return vm.unpack("<Q")


def _line_int(vm: PickleVM) -> int:
    return int(vm.line())


_HANDLERS: dict[int, Callable[[PickleVM], None]] = {
    ord("("): _mark,
    ord("."): PickleVM.stop,
    ord("0"): _pop,
    ord("1"): _pop_mark,
    ord("2"): lambda vm: vm.push(vm.top()),
    ord("F"): partial(_push, lambda vm: float(vm.line())),
    ord("I"): partial(_push, lambda vm: _decimal(vm.line())),
    ord("J"): partial(_push, lambda vm: vm.unpack("<i")),
    ord("K"): partial(_push, _u1),
    ord("L"): partial(_push, _line_long),
    ord("M"): partial(_push, lambda vm: vm.unpack("<H")),
    ord("N"): partial(_push, lambda vm: None),
    ord("P"): _persid,
    ord("Q"): _binpersid,
    ord("R"): _reduce,
    ord("S"): partial(_push, lambda vm: _quoted(vm.reader.readline())),
    ord("T"): partial(_push, partial(_str_payload, _i4)),
    ord("U"): partial(_push, partial(_str_payload, _u1)),
    ord("V"): partial(_push, _unicode_line),
    ord("X"): partial(_push, lambda vm: vm.text(_u4(vm))),
    ord("a"): _append,
    ord("b"): _build,
    ord("c"): _global,
    ord("d"): _dict,
    ord("}"): partial(_push, lambda vm: PDict()),
    ord("e"): _appends,
    ord("g"): partial(_get, _line_int),
    ord("h"): partial(_get, _u1),
    ord("i"): _inst,
    ord("j"): partial(_get, _u4),
    ord("l"): lambda vm: vm.push(vm.pop_mark()),
    ord("]"): partial(_push, lambda vm: []),
    ord("o"): _obj,
    ord("p"): partial(_put, _line_int),
    ord("q"): partial(_put, _u1),
    ord("r"): partial(_put, _u4),
    ord("s"): _setitem,
    ord("t"): lambda vm: vm.push(tuple(vm.pop_mark())),
    ord(")"): partial(_push, lambda vm: ()),
    ord("u"): _setitems,
    ord("G"): partial(_push, lambda vm: struct.unpack(">d", vm.reader.read(8))[0]),
    0x80: _proto,
    0x81: _newobj,
    0x82: partial(_ext, "<B"),
    0x83: partial(_ext, "<H"),
    0x84: partial(_ext, "<i"),
    0x85: partial(_tuple_of, 1),
    0x86: partial(_tuple_of, 2),
    0x87: partial(_tuple_of, 3),
    0x88: partial(_push, lambda vm: True),
    0x89: partial(_push, lambda vm: False),
    0x8A: partial(_push, partial(_long, _u1)),
    0x8B: partial(_push, partial(_long, _i4)),
    ord("B"): partial(_push, partial(_bytes_payload, _u4)),
    ord("C"): partial(_push, partial(_bytes_payload, _u1)),
    0x8C: partial(_push, lambda vm: vm.text(_u1(vm))),
    0x8D: partial(_push, lambda vm: vm.text(_u8(vm))),
    0x8E: partial(_push, partial(_bytes_payload, _u8)),
    0x8F: partial(_push, lambda vm: PSet()),
    0x90: _additems,
    0x91: lambda vm: vm.push(PSet(vm.pop_mark())),
    0x92: _newobj_ex,
    0x93: _stack_global,
    0x94: _memoize,
    0x95: _frame,
    0x96: partial(_push, partial(_bytes_payload, _u8)),
    0x97: partial(_push, lambda vm: Opaque("out-of-band buffer")),
    0x98: lambda vm: None,
}

OPCODE_BYTES = frozenset(_HANDLERS)


def run_pickle(
    source: ByteSource,
    start: int,
    budget: Budget,
    *,
    file_frames: bool = False,
    build_hook: BuildHook | None = None,
    reader: PickleReader | None = None,
    nesting: int = 0,
) -> PickleTrace:
    vm = PickleVM(source, start, budget, file_frames=file_frames, build_hook=build_hook, reader=reader, nesting=nesting)
    return vm.run()
