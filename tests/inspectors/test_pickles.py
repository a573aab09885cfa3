"""The pickle emulator and policy: gadget families, protocols and the bypass rows of model-files.md."""

from __future__ import annotations

import pickle
import pickletools

import numpy
import pytest

from tests.inspectors.fixtures import (
    EMPTY_TUPLE, MARK, NONE, OBJ, POP, PROTO2, PROTO4, REDUCE, STACK_GLOBAL, STOP, TUPLE, BUILD, SETITEM,
    b64, binbytes, binget, binput, call_global, exec_call, frame_crossing_pickle, global_op, inst_op, integer,
    plain_data_pickles, rng_state_pickle, sklearn_estimator_pickle, stack_global, string0, system_call,
    torch_state_dict_pickle, unicode,
)
from tests.inspectors.helpers import CountingSource, judge, kinds, messages
from hubguard.inspectors import Limits, Verdict, inspect_source
from hubguard.inspectors.pickle_vm import OPCODE_BYTES

GADGETS = [
    ("os", "system"), ("posix", "system"), ("nt", "system"), ("subprocess", "Popen"), ("subprocess", "check_output"),
    ("builtins", "eval"), ("builtins", "exec"), ("builtins", "compile"), ("builtins", "getattr"),
    ("builtins", "__import__"), ("builtins", "open"), ("builtins", "breakpoint"), ("__builtin__", "eval"),
    ("runpy", "_run_code"), ("importlib", "import_module"), ("pty", "spawn"), ("socket", "create_connection"),
    ("webbrowser", "open"), ("shutil", "rmtree"), ("pip", "main"), ("pip._internal.cli.main", "main"),
    ("asyncio.subprocess", "create_subprocess_shell"), ("pydoc", "locate"), ("pydoc", "pipepager"),
    ("pkgutil", "resolve_name"), ("operator", "attrgetter"), ("operator", "methodcaller"), ("_operator", "itemgetter"),
    ("cProfile", "run"), ("profile", "run"), ("trace", "Trace.run"), ("timeit", "timeit"), ("pdb", "run"),
    ("bdb", "Bdb.run"), ("code", "InteractiveInterpreter.runcode"), ("doctest", "debug_script"),
    ("idlelib.pyshell", "main"), ("lib2to3.main", "main"), ("ensurepip", "_run_pip"), ("uuid", "_get_command_stdout"),
    ("_osx_support", "_read_output"), ("_aix_support", "_read_cmd_output"), ("imaplib", "IMAP4_stream"),
    ("_pyrepl.pager", "pipe_pager"), ("test.support.script_helper", "assert_python_ok"), ("venv", "create"),
    ("ctypes", "CDLL"), ("marshal", "loads"), ("types", "CodeType"), ("types", "FunctionType"), ("sys", "modules"),
    ("inspect", "getattr_static"), ("torch.storage", "_load_from_bytes"), ("torch.serialization", "load"),
    ("torch", "load"), ("torch._inductor.codecache", "compile_file"), ("torch.jit.unsupported_tensor_ops", "execWrapper"),
    ("torch.utils.bottleneck.__main__", "run_cprofile"), ("torch._dynamo.guards", "GuardBuilder.get"),
    ("torch.fx.experimental.symbolic_shapes", "ShapeEnv.evaluate_guards_expression"), ("torch.utils.collect_env", "run"),
    ("torch.utils.data.datapipes.utils.decoder", "basichandlers"), ("torch.utils._config_module", "ConfigModule.load_config"),
    ("numpy", "load"), ("numpy.testing._private.utils", "runstring"), ("joblib", "load"), ("pickle", "loads"),
    ("_pickle", "loads"), ("dill", "loads"), ("cloudpickle", "subimport"),
    ("picklescan.scanner", "scan_pickle_bytes"), ("modelscan.modelscan", "ModelScan"), ("fickling", "load"),
    ("modelaudit.core", "scan_model"),
]


def test_every_pickle_opcode_has_a_handler() -> None:
    assert {opcode.code.encode("latin-1")[0] for opcode in pickletools.opcodes} <= OPCODE_BYTES


@pytest.mark.parametrize("protocol", range(6))
def test_os_system_is_malicious_in_every_protocol(protocol: int) -> None:
    verdict = judge(system_call("id", protocol))
    assert verdict.verdict is Verdict.MALICIOUS
    assert "os.system" in verdict.imports and "os.system" in verdict.calls
    assert "imports os.system and calls it via REDUCE" in messages(verdict)


@pytest.mark.parametrize("protocol", range(6))
def test_pickle_dumps_of_an_evil_reduce_is_malicious(protocol: int) -> None:
    class Evil:
        def __reduce__(self) -> tuple[object, ...]:
            return (eval, ("1",))

    assert judge(pickle.dumps([1, Evil()], protocol=protocol)).verdict is Verdict.MALICIOUS


@pytest.mark.parametrize("module,name", GADGETS)
@pytest.mark.parametrize("protocol", [0, 4])
def test_known_gadgets_are_malicious(module: str, name: str, protocol: int) -> None:
    operand = string0("x") if protocol < 2 else unicode("x")
    verdict = judge(call_global(module, name, operand, protocol=protocol))
    assert verdict.verdict is Verdict.MALICIOUS, messages(verdict)


@pytest.mark.parametrize("module,name", GADGETS[:6])
def test_denied_import_is_malicious_even_when_not_called(module: str, name: str) -> None:
    verdict = judge(PROTO4 + stack_global(module, name) + STOP)
    assert verdict.verdict is Verdict.MALICIOUS
    assert "(not called)" in messages(verdict)


PLAIN_DATA = sorted(plain_data_pickles().items())


# ids by name only: the pickled set's byte order follows the per-process hash seed, and xdist workers
# must collect identical test IDs (pytest 8 put the bytes in the ID).
@pytest.mark.parametrize("name,data", PLAIN_DATA, ids=[name for name, _ in PLAIN_DATA])
def test_plain_data_is_safe(name: str, data: bytes) -> None:
    assert judge(data, name).verdict is Verdict.SAFE


def test_torch_state_dict_is_safe() -> None:
    verdict = judge(torch_state_dict_pickle())
    assert verdict.verdict is Verdict.SAFE
    assert "torch._utils._rebuild_tensor_v2" in verdict.imports


def test_hf_trainer_rng_state_is_safe_despite_pickle_looking_array_bytes() -> None:
    verdict = judge(rng_state_pickle(), "rng_state.pth")
    assert verdict.verdict is Verdict.SAFE, messages(verdict)
    assert "numpy.core.multiarray._reconstruct" in verdict.imports


def test_reviewed_estimator_class_is_a_note_and_an_unknown_class_suspicious() -> None:
    assert judge(sklearn_estimator_pickle()).verdict is Verdict.REVIEWED
    verdict = judge(PROTO2 + global_op("mylib.models", "Net") + EMPTY_TUPLE + b"\x81" + STOP)
    assert verdict.verdict is Verdict.SUSPICIOUS
    assert "NEWOBJ" in messages(verdict)


def test_torch_is_allowed_by_exact_name_only() -> None:
    assert judge(call_global("torch._utils", "_rebuild_tensor_v2", NONE)).verdict is Verdict.SAFE
    assert judge(call_global("torch", "_utils._rebuild_tensor_v2", NONE, protocol=4)).verdict is Verdict.SUSPICIOUS
    assert judge(call_global("torch._utils", "_rebuild_tensor_v2.__globals__", NONE, protocol=4)).verdict is Verdict.MALICIOUS


@pytest.mark.parametrize("module,name", [("pathlib", "os.system"), ("torch", "os.system"),
                                          ("asyncio.unix_events", "_UnixSubprocessTransport._start"),
                                          ("numpy", "__builtins__"), ("builtins", "dict.get")])
def test_dotted_names_are_checked_component_by_component(module: str, name: str) -> None:
    assert judge(call_global(module, name, unicode("id"), protocol=4)).verdict is Verdict.MALICIOUS


def test_unresolvable_stack_global_operands_are_malicious() -> None:
    data = PROTO4 + integer(1) + binput(0) + POP + binget(0) + unicode("system") + STACK_GLOBAL + STOP
    verdict = judge(data)
    assert verdict.verdict is Verdict.MALICIOUS
    assert "unresolvable-import" in kinds(verdict)


def test_memo_decoys_resolve_like_the_real_unpickler() -> None:
    # SBU "os"; SBU "x"; POP; BINPUT 0 -> memo 0 holds "os", not "x" (picklescan #14 style confusion)
    data = (PROTO4 + unicode("os") + unicode("x") + POP + binput(0) + POP + unicode("system") + binput(1) + POP
            + binget(0) + binget(1) + STACK_GLOBAL + MARK + unicode("id") + TUPLE + REDUCE + STOP)
    assert "os.system" in judge(data).calls


def test_memoize_after_put_uses_the_memo_size() -> None:
    # PUT 5 then MEMOIZE stores at index 1 (len(memo)), so BINGET 1 is "os"
    data = (PROTO4 + unicode("nothing") + binput(5) + POP + unicode("os") + b"\x94" + POP
            + binget(1) + unicode("system") + STACK_GLOBAL + STOP)
    assert "os.system" in judge(data).imports


@pytest.mark.parametrize("data", [
    MARK + string0("id") + inst_op("os", "system") + STOP,
    PROTO2 + MARK + global_op("os", "system") + unicode("id") + OBJ + POP + NONE + STOP,
    PROTO4 + string0("os") + string0("system") + STACK_GLOBAL + MARK + string0("id") + TUPLE + REDUCE + STOP,
], ids=["INST", "OBJ+POP", "STACK_GLOBAL-from-STRING"])
def test_every_import_and_call_opcode_is_seen(data: bytes) -> None:
    assert judge(data).verdict is Verdict.MALICIOUS


@pytest.mark.parametrize("ext", [b"\x82\x7e", b"\x83\x7e\x00", b"\x84\x7e\x00\x00\x00"], ids=["EXT1", "EXT2", "EXT4"])
def test_extension_registry_imports_are_malicious(ext: bytes) -> None:
    verdict = judge(PROTO2 + ext + MARK + unicode("id") + TUPLE + REDUCE + STOP)
    assert verdict.verdict is Verdict.MALICIOUS
    assert {"unresolvable-import", "indirect-call"} <= kinds(verdict)


def test_findings_survive_a_broken_stream() -> None:
    verdict = judge(system_call("id", 2)[:-1] + b"X\xff\xff\x00")
    assert verdict.verdict is Verdict.MALICIOUS
    assert "incomplete" in kinds(verdict)


def test_invalid_opcode_after_payload_keeps_the_finding() -> None:
    verdict = judge(system_call("id", 4)[:-1] + b"\xff")
    assert verdict.verdict is Verdict.MALICIOUS and "malformed" in kinds(verdict)


def test_parse_error_alone_is_suspicious() -> None:
    verdict = judge(PROTO4 + binget(7) + STOP)
    assert verdict.verdict is Verdict.SUSPICIOUS and "malformed" in kinds(verdict)


def test_stop_with_leftover_stack_and_marks_is_tolerated() -> None:
    verdict = judge(PROTO2 + MARK + NONE + MARK + system_call("id", 2)[2:])
    assert verdict.verdict is Verdict.MALICIOUS


def test_frame_crossing_hides_nothing() -> None:
    data = frame_crossing_pickle("id")
    assert [op.name for op, _, _ in pickletools.genops(data)] == ["PROTO", "FRAME", "BINBYTES", "STOP"]
    verdict = judge(data)
    assert verdict.verdict is Verdict.MALICIOUS
    assert "frame" in kinds(verdict) and "os.system" in verdict.calls


def test_payload_in_a_later_stacked_pickle_is_found() -> None:
    data = pickle.dumps([1, 2, 3]) + pickle.dumps({"a": 1}) + system_call("id", 2)
    assert judge(data).verdict is Verdict.MALICIOUS


def test_trailing_garbage_after_stop_is_not_an_issue() -> None:
    assert judge(pickle.dumps({"a": 1}) + b"\x00\x01\x02 trailing").verdict is Verdict.SAFE


def test_nested_base64_pickle_in_call_arguments_is_scanned() -> None:
    inner = system_call("id", 4)
    data = call_global("mylib.codec", "decode", unicode(b64(inner)), protocol=4)
    verdict = judge(data)
    assert verdict.verdict is Verdict.MALICIOUS
    assert any("nested pickle" in (issue.member or "") for issue in verdict.issues)


def test_nested_raw_pickle_bytes_are_scanned() -> None:
    data = call_global("torch.storage", "_load_from_bytes", binbytes(system_call("id", 2)), protocol=2)
    assert "os.system" in judge(data).imports


def test_nested_pickles_stop_at_the_nesting_limit() -> None:
    payload = system_call("id", 4)
    for _ in range(6):
        payload = call_global("mylib", "wrap", binbytes(payload), protocol=4)
    verdict = judge(payload, limits=Limits(max_nesting=2))
    assert "limit" in kinds(verdict)
    assert "os.system" not in verdict.imports


def test_build_on_an_imported_global_is_malicious() -> None:
    data = PROTO2 + global_op("torch", "Size") + b"}" + unicode("x") + NONE + SETITEM + BUILD + STOP
    assert "global-mutation" in kinds(judge(data), Verdict.MALICIOUS)


def test_setitem_on_an_imported_global_is_suspicious() -> None:
    data = PROTO2 + global_op("collections", "OrderedDict") + unicode("k") + NONE + SETITEM + STOP
    assert "mutation" in kinds(judge(data), Verdict.SUSPICIOUS)


def test_calling_a_call_result_is_malicious() -> None:
    inner = stack_global("mylib", "resolve") + MARK + unicode("os:system") + TUPLE + REDUCE
    data = PROTO4 + inner + MARK + unicode("id") + TUPLE + REDUCE + STOP
    assert "indirect-call" in kinds(judge(data), Verdict.MALICIOUS)


def test_partial_is_judged_by_what_it_wraps() -> None:
    wrapped_load = PROTO2 + global_op("functools", "partial") + MARK + global_op("torch", "load") + TUPLE + REDUCE + STOP
    assert judge(wrapped_load).verdict is Verdict.MALICIOUS
    wrapped_size = PROTO2 + global_op("functools", "partial") + MARK + global_op("torch", "Size") + TUPLE + REDUCE + STOP
    assert judge(wrapped_size).verdict is Verdict.SUSPICIOUS


def test_python2_names_are_mapped_before_judging() -> None:
    assert judge(MARK + string0("1") + inst_op("__builtin__", "eval") + STOP).verdict is Verdict.MALICIOUS
    assert judge(PROTO2 + global_op("__builtin__", "set") + EMPTY_TUPLE + REDUCE + STOP).verdict is Verdict.SAFE


def test_exec_payload_is_malicious() -> None:
    assert "builtins.exec" in judge(exec_call("open('x', 'w')")).calls


@pytest.mark.parametrize("limits,data", [
    (Limits(max_opcodes=50), pickle.dumps(list(range(100)), protocol=0)),
    (Limits(max_memo_entries=10), pickle.dumps([str(i) for i in range(50)], protocol=2)),
    (Limits(max_stack_depth=10), PROTO2 + NONE * 20 + STOP),
    (Limits(max_mark_depth=10), PROTO2 + MARK * 20 + STOP),
    (Limits(max_pickle_bytes=1000), pickle.dumps([str(i) * 100 for i in range(50)], protocol=2)),
], ids=["opcodes", "memo", "stack", "marks", "bytes"])
def test_limits_make_a_file_suspicious_never_safe(limits: Limits, data: bytes) -> None:
    verdict = judge(data, limits=limits)
    assert verdict.verdict is Verdict.SUSPICIOUS
    assert "limit" in kinds(verdict)


def test_long_call_chains_do_not_recurse() -> None:
    data = PROTO2 + global_op("mylib", "f") + (EMPTY_TUPLE + REDUCE) * 100_000 + STOP
    verdict = judge(data)
    assert verdict.verdict is Verdict.MALICIOUS and "indirect-call" in kinds(verdict)
    assert "unexpectedly" not in messages(verdict)


def test_huge_memo_index_is_bounded() -> None:
    assert judge(PROTO2 + NONE + b"r\xff\xff\xff\xff" + b"j\xff\xff\xff\xff" + STOP).verdict is Verdict.SAFE


def test_long_operands_are_skipped_not_fetched() -> None:
    big = b"\x00" * (8 * 2**20)
    source = CountingSource("big.pkl", PROTO4 + b"\x8e" + len(big).to_bytes(8, "little") + big + STOP)
    assert inspect_source(source).verdict is Verdict.SAFE
    assert source.bytes_read < 300_000


def _numpy_objects() -> dict[str, object]:
    return {
        "legacy-state": numpy.random.get_state(),
        "random-state": numpy.random.RandomState(0),
        "generator": numpy.random.default_rng(0),
        "arrays": [numpy.arange(10).astype(kind) for kind in ("u1", "i4", "f2", "f4", "f8", "c16", "bool")],
        "scalars": [numpy.float32(1.5), numpy.int64(3), numpy.bool_(True)],
        "strings": numpy.array(["a", "bc"]),
        "objects": numpy.array([1, "x", None], dtype=object),
    }


@pytest.mark.parametrize("protocol", [2, 4, 5])
def test_real_numpy_pickles_are_safe(protocol: int) -> None:
    for name, value in _numpy_objects().items():
        verdict = judge(pickle.dumps(value, protocol=protocol), name)
        assert verdict.verdict is Verdict.SAFE, (name, messages(verdict))
