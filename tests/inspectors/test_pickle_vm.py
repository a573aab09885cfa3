"""The pickle emulator opcode by opcode: values it pushes, events it records and errors it reports.

Plain data is pickled with ``pickle.dumps`` and its emulated result must equal the original; opcodes that
``dumps`` of plain data never writes are assembled by hand. Nothing is ever unpickled.
"""

from __future__ import annotations

import pickle

import pytest

from hubguard.inspectors import BytesSource, Limits
from hubguard.inspectors.budget import Budget
from hubguard.inspectors.pickle_values import GlobalRef, PDict
from hubguard.inspectors.pickle_reader import PickleReader
from hubguard.inspectors.pickle_vm import run_pickle
from hubguard.inspectors.sources import SourceError
from tests.inspectors.fixtures import (
    BUILD,
    EMPTY_DICT,
    EMPTY_LIST,
    EMPTY_TUPLE,
    MARK,
    PROTO2,
    PROTO4,
    SETITEM,
    STOP,
    TUPLE1,
    binget,
    binput,
    frame,
    global_op,
    inst_op,
    stack_global,
    unicode,
)
from tests.inspectors.helpers import CountingSource, concrete, emulate, event_rows, shape, typed

PROTOCOLS = range(pickle.HIGHEST_PROTOCOL + 1)
PLAIN_VALUES: list[object] = [
    0, 1, -1, 255, 256, -256, 65535, 65536, 2**31 - 1, 2**31, -(2**31), -(2**31) - 1, 2**64, -(2**64),
    2**2100, -(2**2100),
    0.0, -0.0, 1.5, -2.25e300, float("inf"),
    "", "plain", "déjà vu \u2603", "new\nline \\ tab\t", "\x00\x80\U0001f600",
    b"", b"\x00\xff bytes", bytes(range(256)) * 2, bytearray(b"ab\x00\xff"), bytearray(),
    (), (1,), (1, "a"), (1, "a", None), (1, 2.5, "c", b"d"),
    [], [1], [1, [2, [3, ()]]], list(range(1200)),
    {}, {"a": 1}, {1: "x", "y": (2, 3), None: [True]}, {index: str(index) for index in range(1100)},
    set(), {1}, {1, "a", (2, 3)}, frozenset(), frozenset({1, 2}), set(range(1100)),
    True, False, None, [True, False, 1, 0],
]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_plain_data_comes_back_equal_in_every_protocol(protocol: int) -> None:
    for value in PLAIN_VALUES:
        trace = emulate(pickle.dumps(value, protocol=protocol))
        assert trace.complete and trace.error is None, (value, trace.error)
        assert typed(concrete(trace.result)) == typed(value), value
        assert trace.protocol == (protocol if protocol >= 2 else None)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_shared_and_self_references_stay_shared(protocol: int) -> None:
    shared = ["s"]
    looped: list[object] = [1]
    looped.append(looped)
    mapping: dict[str, object] = {}
    mapping["me"] = mapping
    result = emulate(pickle.dumps([shared, shared, {"k": shared}, looped, mapping], protocol=protocol)).result
    assert isinstance(result, list)
    first, second, holder, emulated_loop, emulated_mapping = result
    assert first is second and isinstance(holder, PDict) and holder.get("k") is first
    assert emulated_loop[0] == 1 and emulated_loop[1] is emulated_loop
    assert isinstance(emulated_mapping, PDict) and emulated_mapping.get("me") is emulated_mapping


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("extra", [(), (1, 2, 3)])
def test_a_tuple_inside_itself_is_rebuilt_from_the_memo(protocol: int, extra: tuple[int, ...]) -> None:
    """pickle writes the tuple's items, finds the tuple memoised by then and drops them again: POP (protocol 0,
    popping the MARK last), POP_MARK, or POP per item for short tuples in protocol 2 and later."""
    inner: list[object] = []
    outer = (inner, *extra)
    inner.append(outer)
    trace = emulate(pickle.dumps(outer, protocol=protocol))
    result = trace.result
    assert trace.complete and isinstance(result, tuple) and result[1:] == extra
    assert result[0][0] is result


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_memo_indexes_past_255_use_the_long_memo_opcodes(protocol: int) -> None:
    items = [[index] for index in range(300)]
    result = emulate(pickle.dumps([*items, items[299], items[3]], protocol=protocol)).result
    assert isinstance(result, list) and len(result) == 302
    assert result[300] is result[299] and result[301] is result[3] and result[299] == [299]


# -- hand-assembled opcodes ----------------------------------------------------------------------------


def test_inst_imports_and_calls_with_the_items_above_the_mark() -> None:
    data = MARK + b"I1\nS'a'\n" + inst_op("__builtin__", "set") + STOP
    trace = emulate(data)
    callee = ("global", "builtins.set")
    assert event_rows(trace) == [
        ("import", "builtins", "set", "INST", 9, ""),
        ("call", callee, (1, "a"), "INST", 9),
    ]
    assert shape(trace.result) == ("made", callee, (1, "a"), "INST", None)


def test_inst_names_are_not_mapped_from_python_2_in_protocol_3() -> None:
    trace = emulate(b"\x80\x03" + MARK + inst_op("__builtin__", "set") + STOP)
    assert event_rows(trace)[0] == ("import", "__builtin__", "set", "INST", 3, "")


def test_obj_calls_the_first_item_above_the_mark_with_the_rest() -> None:
    data = MARK + global_op("copy_reg", "_reconstructor") + b"I1\nI2\no" + STOP
    trace = emulate(data)
    callee = ("global", "copyreg._reconstructor")
    assert event_rows(trace) == [
        ("import", "copyreg", "_reconstructor", "GLOBAL", 1, ""),
        ("call", callee, (1, 2), "OBJ", 32),
    ]
    assert shape(trace.result) == ("made", callee, (1, 2), "OBJ", None)
    class_only = emulate(MARK + global_op("m", "C") + b"o" + STOP)
    assert shape(class_only.result) == ("made", ("global", "m.C"), (), "OBJ", None)


def test_obj_without_a_class_is_malformed() -> None:
    trace = emulate(b"K\x01" + MARK + b"o" + STOP)
    assert (trace.error, trace.error_kind) == ("OBJ without a class at byte 3", "malformed")


def test_newobj_and_newobj_ex_call_the_class_with_their_arguments() -> None:
    newobj = emulate(PROTO2 + global_op("m", "C") + b"K\x01" + TUPLE1 + b"\x81" + STOP)
    assert event_rows(newobj)[1:] == [("call", ("global", "m.C"), (1,), "NEWOBJ", 10)]
    kwargs = EMPTY_DICT + unicode("k") + b"K\x02" + SETITEM
    newobj_ex = emulate(PROTO4 + stack_global("m", "C") + b"K\x01" + TUPLE1 + kwargs + b"\x92" + STOP)
    call = ("call", ("global", "m.C"), ((1,), ("dict", [("k", 2)])), "NEWOBJ_EX", 19)
    assert event_rows(newobj_ex) == [("import", "m", "C", "STACK_GLOBAL", 8, ""), call]
    assert shape(newobj_ex.result) == ("made", *call[1:4], None)


@pytest.mark.parametrize(
    "opcode,code", [(b"\x82\xfe", 254), (b"\x83\x34\x12", 0x1234), (b"\x84\x00\x00\x00\x80", -(2**31))]
)
def test_extension_codes_are_unresolvable_imports(opcode: bytes, code: int) -> None:
    trace = emulate(PROTO2 + opcode + STOP)
    assert event_rows(trace) == [("import", None, None, "EXT", 2, f"extension code {code}")]
    assert shape(trace.result) == ("opaque", f"extension code {code}")


def test_stack_global_of_non_strings_is_an_unresolvable_import() -> None:
    for operands, detail in [(b"K\x01" + unicode("n"), "int/str"), (unicode("m") + b"K\x01", "str/int")]:
        trace = emulate(PROTO4 + operands + b"\x93" + STOP)
        offset = len(operands) + 2
        assert event_rows(trace) == [("import", None, None, "STACK_GLOBAL", offset, f"STACK_GLOBAL operands {detail}")]
        assert shape(trace.result) == ("opaque", "unresolvable import")


def test_stack_global_takes_the_module_below_the_name() -> None:
    trace = emulate(PROTO4 + stack_global("os", "system") + STOP)
    assert event_rows(trace) == [("import", "os", "system", "STACK_GLOBAL", 14, "")]
    assert shape(trace.result) == ("global", "os.system")


def test_persistent_ids_from_a_line_or_the_stack() -> None:
    assert shape(emulate(b"Pstorage 7\n" + STOP).result) == ("persistent", "storage 7")
    assert shape(emulate(PROTO2 + b"K\x07Q" + STOP).result) == ("persistent", 7)
    assert emulate(b"P\xe9\n" + STOP).error_kind == "malformed"


@pytest.mark.parametrize(
    "operation,opcode",
    [(b"K\x01a", "APPEND"), (MARK + b"K\x01K\x02e", "APPENDS"), (b"K\x01K\x02s", "SETITEM"),
     (MARK + b"K\x01K\x02u", "SETITEMS"), (MARK + b"K\x01\x90", "ADDITEMS")],
)
def test_filling_an_imported_global_is_a_mutation(operation: bytes, opcode: str) -> None:
    trace = emulate(PROTO4 + stack_global("m", "n") + operation + STOP)
    assert event_rows(trace)[1:] == [("mutate", "m.n", opcode, 8 + len(operation))]
    assert shape(trace.result) == ("global", "m.n")


@pytest.mark.parametrize(
    "operation",
    [b"K\x01a", MARK + b"K\x01K\x02e", b"K\x01K\x02s", MARK + b"K\x01K\x02u", MARK + b"K\x01\x90"],
)
def test_filling_another_kind_of_value_leaves_it_unchanged(operation: bytes) -> None:
    for empty, expected in [(EMPTY_TUPLE, ()), (b"K\x05", 5)]:
        trace = emulate(PROTO4 + empty + operation + STOP)
        assert trace.events == [] and shape(trace.result) == expected


def test_additems_and_frozenset_fill_sets() -> None:
    assert shape(emulate(PROTO4 + b"\x8f" + MARK + b"K\x01K\x02\x90" + MARK + b"K\x03\x90" + STOP).result) == (
        "set", [1, 2, 3]
    )
    assert shape(emulate(PROTO4 + MARK + b"K\x01K\x02\x91" + STOP).result) == ("set", [1, 2])


@pytest.mark.parametrize("opcode,count", [(b"u", "SETITEMS"), (b"d", "DICT")])
def test_an_odd_number_of_dict_items_is_malformed(opcode: bytes, count: str) -> None:
    target = EMPTY_DICT if opcode == b"u" else b""
    trace = emulate(PROTO2 + target + MARK + b"K\x01K\x02K\x03" + opcode + STOP)
    assert (trace.error, trace.error_kind) == (f"odd number of items for {count}", "malformed")


def test_dict_and_setitems_pair_items_in_order() -> None:
    assert shape(emulate(MARK + b"K\x01K\x02K\x03K\x04d" + STOP).result) == ("dict", [(1, 2), (3, 4)])
    assert shape(emulate(EMPTY_DICT + MARK + b"K\x01K\x02K\x03K\x04u" + STOP).result) == ("dict", [(1, 2), (3, 4)])
    assert shape(emulate(EMPTY_DICT + b"K\x01K\x02s" + STOP).result) == ("dict", [(1, 2)])


@pytest.mark.parametrize(
    "line,value",
    [(b"I00", False), (b"I01", True), (b"I0x1f", 31), (b"I-5", -5), (b"I 42 ", 42), (b"L123L", 123),
     (b"L-7", -7), (b"L0x10L", 16), (b"L 9L", 9)],
)
def test_protocol_0_integers_and_booleans(line: bytes, value: int) -> None:
    result = emulate(line + b"\n" + STOP).result
    assert typed(result) == typed(value)


@pytest.mark.parametrize(
    "line",
    [b"I010", b"I-010", b"I 010", b"I+1", b"I 1", b"I-0", b"I1_0", b"I0o17", b"I99999999999999999999",
     b"I9223372036854775807", b"I-9223372036854775808", b"I0x7fffffffffffffff0", b"I077777777777777777777777",
     b"I0x", b"I08", b"I\xd9\xa1", b"L010L", b"L 9L ", b"L9L0", b"L\xd9\xa1L", b"I0X1f", b"I07", b"I0200", b"I-0200",
     b"I0777777777777777777777", b"I01000000000000000000000", b"I-01000000000000000000000",
     b"I-01000000000000000000001"],
)
def test_protocol_0_integers_read_as_cpythons_unpickler_reads_them(line: bytes) -> None:
    """C's strtol first (``010`` is octal 8, a two-character 0 or 1 is a bool), then Python's own syntax."""
    data = line + b"\n" + STOP
    try:
        expected: object = pickle.loads(data)  # plain numbers: the reference unpickler builds nothing else
    except ValueError:
        expected = ValueError
    trace = emulate(data)
    if expected is ValueError:
        assert trace.error_kind == "malformed" and not trace.complete
        if not line.isascii():
            assert trace.error == "undecodable operand: could not convert string to int"
    else:
        assert trace.complete and typed(trace.result) == typed(expected)


@pytest.mark.parametrize(
    "line,text",
    [(b"S'a\\nb\\x41'", "a\nbA"), (b"S\"it's\"", "it's"), (b"S'\\xe9\xe9'", "\xe9\xe9"), (b"S''", ""),
     (b'S"\\""', '"')],
)
def test_quoted_strings_are_unescaped_and_read_as_latin_1(line: bytes, text: str) -> None:
    assert emulate(line + b"\n" + STOP).result == text


@pytest.mark.parametrize("line", [b"S", b"S'", b"S'abc\"", b"S\"abc'", b"Sabca", b"S'abc"])
def test_unquoted_strings_are_malformed(line: bytes) -> None:
    trace = emulate(line + b"\n" + STOP)
    assert (trace.error, trace.error_kind) == ("STRING operand is not quoted", "malformed")


def test_python_2_binary_strings_are_read_as_latin_1() -> None:
    assert emulate(b"U\x02a\xe9" + STOP).result == "a\xe9"
    assert emulate(b"T\x02\x00\x00\x00\xe9b" + STOP).result == "\xe9b"
    trace = emulate(b"T\xff\xff\xff\xff" + STOP)
    assert (trace.error, trace.error_kind) == ("negative length at byte 0", "malformed")


@pytest.mark.parametrize(
    "operand,kind", [(b"T\x06\x00\x00\x00", "str"), (b"U\x06", "str"), (b"X\x06\x00\x00\x00", "str"),
                     (b"\x8c\x06", "str"), (b"\x8d\x06" + bytes(7), "str"), (b"C\x06", "bytes"),
                     (b"B\x06\x00\x00\x00", "bytes"), (b"\x8e\x06" + bytes(7), "bytes"),
                     (b"\x96\x06" + bytes(7), "bytes")],
)
def test_operands_over_the_inline_limit_become_blobs(operand: bytes, kind: str) -> None:
    trace = emulate(PROTO4 + operand + b"abcdef" + STOP, Limits(inline_payload_bytes=5))
    assert shape(trace.result) == ("blob", kind, 6, 2 + len(operand), b"abcdef")
    assert emulate(PROTO4 + operand + b"abcdef" + STOP, Limits(inline_payload_bytes=6)).result in ("abcdef", b"abcdef")


def test_integers_over_the_inline_limit_are_opaque() -> None:
    limits = Limits(inline_payload_bytes=2)
    assert shape(emulate(PROTO2 + b"\x8a\x03\x01\x02\x03" + STOP, limits).result) == ("opaque", "huge integer")
    long4 = emulate(PROTO2 + b"\x8b\x03\x00\x00\x00\x01\x02\x03" + STOP, limits)
    assert shape(long4.result) == ("opaque", "huge integer")
    assert emulate(PROTO2 + b"\x8b\x02\x00\x00\x00\x01\x80" + STOP, limits).result == -(2**15) + 1
    trace = emulate(PROTO2 + b"\x8b\xfe\xff\xff\xff" + STOP)
    assert (trace.error, trace.error_kind) == ("negative length at byte 2", "malformed")


def test_eight_byte_lengths_are_unsigned() -> None:
    for opcode in (b"\x8d", b"\x8e", b"\x96"):
        trace = emulate(PROTO4 + opcode + b"\xff" * 8 + STOP)
        assert (trace.error, trace.error_kind) == ("the data ends in the middle of an opcode", "truncated")


def test_a_source_that_fails_is_an_io_error() -> None:
    class FailingSource(CountingSource):
        def read(self, offset: int, length: int) -> bytes:
            raise SourceError("the disk went away")

    trace = run_pickle(FailingSource("broken.pkl", b"N."), 0, Budget(Limits()), file_frames=False)
    assert (trace.error, trace.error_kind) == ("the disk went away", "io")


def test_frames_are_transparent_unless_read_as_a_file() -> None:
    """An operand that overruns its frame: ``pickle.loads`` reads it on; a file read skips the frame's rest."""
    data = PROTO4 + frame(2) + b"J" + b"\x07\x00\x00\x00" + STOP
    default = emulate(data)
    assert (default.result, default.complete, default.frame_crossings) == (7, True, [12])
    as_file = run_pickle(BytesSource("sample.pkl", data), 0, Budget(Limits()), file_frames=True)
    assert (as_file.error_kind, as_file.frame_crossings) == ("truncated", [12])


def test_memo_opcodes_of_every_width() -> None:
    data = PROTO2 + b"K\x07p5\nK\x08q\x06K\x09r\x00\x01\x00\x00" + b"0" * 3 + b"g5\nh\x06j\x00\x01\x00\x00\x87" + STOP
    assert emulate(data).result == (7, 8, 9)
    assert emulate(PROTO2 + EMPTY_LIST + b"r\xff\xff\xff\xff" + b"j\xff\xff\xff\xff" + STOP).result == []
    assert emulate(PROTO4 + b"K\x01\x94K\x02\x94h\x00h\x01\x86" + STOP).result == (1, 2)


def test_memo_errors_name_the_index_and_byte() -> None:
    missing = emulate(PROTO2 + binget(5) + STOP)
    assert (missing.error, missing.error_kind) == ("memo key 5 not found at byte 2", "malformed")
    negative = emulate(b"Np-1\n" + STOP)
    assert (negative.error, negative.error_kind) == ("negative memo index", "malformed")
    overwrite = emulate(PROTO2 + b"K\x01" + binput(0) + binput(1) + binput(0) + STOP, Limits(max_memo_entries=2))
    assert overwrite.complete
    full = emulate(PROTO2 + b"K\x01" + binput(0) + binput(1) + binput(2) + STOP, Limits(max_memo_entries=2))
    assert (full.error, full.error_kind) == ("more than 2 memo entries", "limit")


def test_frames_larger_than_the_pickle_limit_are_refused() -> None:
    limits = Limits(max_pickle_bytes=64)
    over = emulate(PROTO4 + frame(65) + STOP, limits)
    assert (over.error, over.error_kind) == ("FRAME of 65 bytes", "limit")
    at_limit = emulate(PROTO4 + frame(64) + STOP, limits)
    assert (at_limit.error, at_limit.error_kind) == ("pickle stream larger than 64 bytes", "limit")
    unsigned = emulate(PROTO4 + frame(2**64 - 1) + STOP, limits)
    assert (unsigned.error, unsigned.error_kind) == (f"FRAME of {2**64 - 1} bytes", "limit")
    framed = emulate(PROTO4 + frame(3) + b"K\x01" + STOP)
    assert framed.complete and framed.result == 1 and framed.frame_crossings == []


def test_protocols_past_5_are_refused() -> None:
    assert emulate(b"\x80\x05N" + STOP).protocol == 5
    trace = emulate(b"\x80\x06N" + STOP)
    assert (trace.error, trace.error_kind) == ("unsupported pickle protocol 6", "malformed")


@pytest.mark.parametrize(
    "data,error",
    [(STOP, "STOP with an empty stack at byte 0"), (b"K\x01" + b"00", "stack underflow at byte 3"),
     (MARK + b"0" + STOP, "STOP with an empty stack at byte 2"),
     (MARK + b"K\x01" + MARK + BUILD, "stack underflow at byte 4"),
     (b"K\x01" + b"1", "no MARK on the stack at byte 2"), (b"\xff", "invalid opcode 0xff at byte 0"),
     (b"K\x01" + MARK + b"2", "stack underflow at byte 3"), (b"Q", "stack underflow at byte 0"),
     (b"K\x01" + MARK + b"K\x02" + MARK + b"Q" + STOP, "stack underflow at byte 6"),
     (b"K\x01" + MARK + b"K\x02" + MARK + b"K\x03" + BUILD, "stack underflow at byte 8")],
)
def test_stack_errors_name_the_byte(data: bytes, error: str) -> None:
    trace = emulate(data)
    assert (trace.error, trace.error_kind) == (error, "malformed")


def test_pop_at_a_mark_pops_the_mark() -> None:
    assert emulate(b"K\x01" + MARK + b"0" + b"0" + b"N" + STOP).result is None
    trace = emulate(b"K\x01" + MARK + b"0" + b"0" + b"0" + STOP)
    assert trace.error == "stack underflow at byte 5"


def test_limits_on_opcodes_stack_and_marks() -> None:
    assert emulate(b"K\x01K\x01" + STOP, Limits(max_opcodes=3)).complete
    assert emulate(b"K\x01K\x01K\x01" + STOP, Limits(max_opcodes=3)).error == "more than 3 opcodes"
    assert emulate(b"K\x01K\x01" + STOP, Limits(max_stack_depth=2)).complete
    assert emulate(b"K\x01K\x01K\x01" + STOP, Limits(max_stack_depth=2)).error == "stack deeper than 2"
    assert emulate(MARK + MARK + b"N" + STOP, Limits(max_mark_depth=2)).complete
    trace = emulate(MARK + MARK + MARK + STOP, Limits(max_mark_depth=2))
    assert (trace.error, trace.error_kind) == ("MARK nesting deeper than 2", "limit")


def test_undecodable_operands_are_malformed() -> None:
    trace = emulate(b"Fabc\n" + STOP)
    assert trace.error == "undecodable operand: could not convert string to float: 'abc'"
    assert trace.error_kind == "malformed"


def test_every_opcode_is_charged_to_the_file_budget() -> None:
    budget = Budget(Limits())
    data = pickle.dumps(list(range(3000)), protocol=2)
    trace = run_pickle(BytesSource("sample.pkl", data), 0, budget)
    assert trace.complete and trace.end == len(data) and budget.opcodes == trace.opcodes > 2048


def test_build_sets_the_state_of_a_call_result_and_reports_it() -> None:
    states: list[object] = []
    data = PROTO2 + global_op("m", "C") + EMPTY_TUPLE + b"\x81" + b"K\x05" + BUILD + STOP
    trace = run_pickle(
        BytesSource("s", data), 0, Budget(Limits()), build_hook=lambda vm, made, state: states.append(state)
    )
    assert shape(trace.result) == ("made", ("global", "m.C"), (), "NEWOBJ", 5)
    assert event_rows(trace)[-1] == ("build", shape(trace.result), 5, 11) and states == [5]
    assert isinstance(emulate(PROTO2 + global_op("m", "C") + b"K\x05" + BUILD + STOP).result, GlobalRef)


def test_build_without_a_hook_still_sets_the_state() -> None:
    trace = emulate(PROTO2 + global_op("m", "C") + EMPTY_TUPLE + b"\x81" + b"K\x05" + BUILD + STOP)
    assert shape(trace.result) == ("made", ("global", "m.C"), (), "NEWOBJ", 5)


def test_stop_returns_the_top_of_the_stack() -> None:
    trace = emulate(b"K\x01K\x02" + STOP + b"K\x03")
    assert trace.result == 2 and trace.complete and trace.end == 5 and trace.opcodes == 3


def test_python_2_names_are_mapped_before_protocol_3() -> None:
    mapped, kept = ("builtins", "range"), ("__builtin__", "xrange")
    for protocol, expected in [(b"", mapped), (PROTO2, mapped), (b"\x80\x03", kept)]:
        trace = emulate(protocol + global_op("__builtin__", "xrange") + STOP)
        assert event_rows(trace) == [("import", *expected, "GLOBAL", len(protocol), "")]


def test_unicode_operands_keep_lone_surrogates() -> None:
    assert emulate(PROTO4 + b"\x8c\x03\xed\xa0\x80" + STOP).result == "\ud800"
    assert emulate(b"V\\ud800\n" + STOP).result == "\ud800"


def test_the_next_pickle_of_a_stream_reuses_the_reader_and_what_it_fetched() -> None:
    source = CountingSource("stream.pkl", b"K\x01.K\x02.")
    budget = Budget(Limits())
    reader = PickleReader(source, 0, budget.limits)
    first = run_pickle(source, 0, budget, reader=reader)
    second = run_pickle(source, first.end, budget, reader=reader)
    assert (first.result, second.result, second.start, second.end) == (1, 2, 3, 6)
    assert source.reads == [(0, 6)]
