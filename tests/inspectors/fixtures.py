"""Model-file fixtures built byte by byte. Nothing here is ever unpickled: dumping is fine, loading is not."""

from __future__ import annotations

import base64
import bz2
import dataclasses
import enum
import gzip
import io
import json
import lzma
import pickle
import struct
import tarfile
import types
import zipfile
import zlib
from pathlib import Path

# -- opcode builders -----------------------------------------------------------------------------

PROTO2 = b"\x80\x02"
PROTO4 = b"\x80\x04"
MARK, STOP, POP, TUPLE, REDUCE, BUILD, EMPTY_DICT, EMPTY_TUPLE = b"(", b".", b"0", b"t", b"R", b"b", b"}", b")"
SETITEM, SETITEMS, APPEND, EMPTY_LIST, NONE, NEWFALSE = b"s", b"u", b"a", b"]", b"N", b"\x89"
TUPLE1, TUPLE2, TUPLE3, STACK_GLOBAL, MEMOIZE, NEWOBJ, OBJ = b"\x85", b"\x86", b"\x87", b"\x93", b"\x94", b"\x81", b"o"


def global_op(module: str, name: str) -> bytes:
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def inst_op(module: str, name: str) -> bytes:
    return b"i" + module.encode() + b"\n" + name.encode() + b"\n"


def unicode(text: str) -> bytes:
    data = text.encode("utf-8")
    if len(data) < 256:
        return b"\x8c" + bytes([len(data)]) + data
    return b"X" + struct.pack("<I", len(data)) + data


def binbytes(data: bytes) -> bytes:
    return b"B" + struct.pack("<I", len(data)) + data


def string0(text: str) -> bytes:
    """Protocol-0 STRING operand."""
    return b"S" + repr(text).encode() + b"\n"


def integer(value: int) -> bytes:
    if 0 <= value < 256:
        return b"K" + bytes([value])
    return b"J" + struct.pack("<i", value)


def binput(index: int) -> bytes:
    return b"q" + bytes([index])


def binget(index: int) -> bytes:
    return b"h" + bytes([index])


def frame(length: int) -> bytes:
    return b"\x95" + struct.pack("<Q", length)


def stack_global(module: str, name: str) -> bytes:
    return unicode(module) + unicode(name) + STACK_GLOBAL


def call_global(module: str, name: str, *args: bytes, protocol: int = 2) -> bytes:
    """module.name(*args) as a complete pickle; args are already-encoded operands."""
    callee = stack_global(module, name) if protocol >= 4 else global_op(module, name)
    header = b"\x80" + bytes([protocol]) if protocol >= 2 else b""
    return header + callee + MARK + b"".join(args) + TUPLE + REDUCE + STOP


def system_call(command: str, protocol: int) -> bytes:
    """os.system(command) written for ``protocol`` (0-5) the way pickle would write it."""
    operand = string0(command) if protocol < 2 else unicode(command)
    return call_global("os", "system", operand, protocol=protocol)


def exec_call(code: str, protocol: int = 2) -> bytes:
    operand = string0(code) if protocol < 2 else unicode(code)
    return call_global("builtins", "exec", operand, protocol=protocol)


# -- benign checkpoints ----------------------------------------------------------------------------


def torch_tensor(key: str, storage: str = "FloatStorage", numel: int = 4) -> bytes:
    """torch._utils._rebuild_tensor_v2(<persistent storage>, 0, (numel,), (1,), False, OrderedDict())."""
    persistent = (
        MARK + unicode("storage") + global_op("torch", storage) + unicode(key) + unicode("cpu") + integer(numel)
        + TUPLE + b"Q"
    )
    return (
        global_op("torch._utils", "_rebuild_tensor_v2")
        + MARK + persistent + integer(0) + integer(numel) + TUPLE1 + integer(1) + TUPLE1 + NEWFALSE
        + global_op("collections", "OrderedDict") + EMPTY_TUPLE + REDUCE + TUPLE + REDUCE
    )


def torch_state_dict_pickle(names: tuple[str, ...] = ("weight", "bias")) -> bytes:
    items = b"".join(unicode(name) + torch_tensor(str(index)) for index, name in enumerate(names))
    return PROTO2 + global_op("collections", "OrderedDict") + EMPTY_TUPLE + REDUCE + MARK + items + SETITEMS + STOP


def numpy_array(data: bytes, dtype: str = "u4") -> bytes:
    """numpy.core.multiarray._reconstruct(ndarray, (0,), b'b') + BUILD(state) as numpy pickles arrays."""
    itemsize = int(dtype[1:])
    dtype_ops = (
        global_op("numpy", "dtype") + MARK + unicode(dtype) + NEWFALSE + b"\x88" + TUPLE + REDUCE
        + MARK + integer(3) + unicode("<") + NONE + NONE + NONE + integer(255) + b"J\xff\xff\xff\xff" + integer(0) + TUPLE + BUILD
    )
    return (
        global_op("numpy.core.multiarray", "_reconstruct")
        + MARK + global_op("numpy", "ndarray") + integer(0) + TUPLE1 + b"C\x01b" + TUPLE + REDUCE
        + MARK + integer(1) + integer(len(data) // itemsize) + TUPLE1 + dtype_ops + NEWFALSE + binbytes(data) + TUPLE + BUILD
    )


def rng_state_pickle() -> bytes:
    """What HF Trainer's rng_state.pth holds: python, numpy and torch RNG states (a ModelAudit false positive)."""
    mt_state = b"\x80\x02" + bytes(range(256)) * 9 + b"\x80\x04" + bytes(134)  # pickle-looking array bytes
    python_state = MARK + integer(3) + MARK + b"".join(integer(i) for i in range(625)) + TUPLE + NONE + TUPLE
    gauss = b"G" + struct.pack(">d", 0.0)
    numpy_state = MARK + unicode("MT19937") + numpy_array(mt_state) + integer(200) + integer(0) + gauss + TUPLE
    return (
        PROTO2 + EMPTY_DICT + MARK
        + unicode("python") + python_state
        + unicode("numpy") + numpy_state
        + unicode("cpu") + torch_tensor("0", "ByteStorage", 5056)
        + SETITEMS + STOP
    )


def sklearn_estimator_pickle() -> bytes:
    cls = global_op("sklearn.linear_model._logistic", "LogisticRegression")
    state = EMPTY_DICT + unicode("C") + b"G" + struct.pack(">d", 1.0) + SETITEM
    return PROTO2 + cls + EMPTY_TUPLE + NEWOBJ + state + BUILD + STOP


def plain_data_pickles() -> dict[str, bytes]:
    value = {"epoch": 3, "lr": [0.1, 0.01], "name": "run", "tags": {"a", "b"}, "blob": b"\x00" * 64}
    return {f"data-p{protocol}.pkl": pickle.dumps(value, protocol=protocol) for protocol in range(6)}


# -- containers ------------------------------------------------------------------------------------


def zip_bytes(members: list[tuple[str, bytes]], *, compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members:
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return buffer.getvalue()


def torch_zip(data_pkl: bytes, *, folder: str = "archive", tensors: int = 2, compression: int = zipfile.ZIP_STORED) -> bytes:
    members = [(f"{folder}/data.pkl", data_pkl), (f"{folder}/byteorder", b"little"), (f"{folder}/version", b"3\n")]
    members += [(f"{folder}/data/{index}", bytes(16)) for index in range(tensors)]
    members.append((f"{folder}/.data/serialization_id", b"1234567890"))
    return zip_bytes(members, compression=compression)


def legacy_torch_stream(main_pickle: bytes) -> bytes:
    magic = pickle.dumps(0x1950A86A20F9469CFC6C, protocol=2)
    sys_info = pickle.dumps({"protocol_version": 1001, "little_endian": True}, protocol=2)
    keys = pickle.dumps(["0"], protocol=2)
    return magic + pickle.dumps(1001, protocol=2) + sys_info + main_pickle + keys + struct.pack("<q", 4) + bytes(16)


def tar_bytes(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def legacy_torch_tar(main_pickle: bytes, storage_views: bytes | None = None) -> bytes:
    storage_record = pickle.dumps(("0", "cpu", None), protocol=2).replace(b"N\x87", global_op("torch", "FloatStorage") + TUPLE3)
    storages = (
        pickle.dumps(1, protocol=2) + storage_record + struct.pack("<q", 4) + bytes(16)
        + (storage_views or pickle.dumps([], protocol=2))
    )
    tensors = pickle.dumps(0, protocol=2)
    sys_info = pickle.dumps({"protocol_version": 1001}, protocol=2)
    return tar_bytes([("sys_info", sys_info), ("pickle", main_pickle), ("storages", storages), ("tensors", tensors)])


def npy_bytes(descr: str, shape: tuple[int, ...], payload: bytes, *, version: int = 1) -> bytes:
    header = repr({"descr": descr, "fortran_order": False, "shape": shape}).encode("latin-1")
    header += b" " * (-(len(header) + 11) % 64) + b"\n"
    if version == 1:
        return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + payload
    return b"\x93NUMPY\x02\x00" + struct.pack("<I", len(header)) + header + payload


def keras_zip(config: dict[str, object]) -> bytes:
    return zip_bytes([
        ("metadata.json", json.dumps({"keras_version": "3.5.0"}).encode()),
        ("config.json", json.dumps(config).encode()),
        ("model.weights.h5", b"\x89HDF\r\n\x1a\n" + bytes(64)),
    ], compression=zipfile.ZIP_DEFLATED)


def keras_config(layers: list[dict[str, object]]) -> dict[str, object]:
    return {"module": "keras", "class_name": "Sequential", "config": {"layers": layers}, "registered_name": None}


def dense_layer() -> dict[str, object]:
    return {"module": "keras.layers", "class_name": "Dense", "config": {"units": 4}, "registered_name": None}


def safetensors_bytes(header: dict[str, object] | None = None, data: bytes = bytes(16)) -> bytes:
    header = header if header is not None else {
        "weight": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}, "__metadata__": {"format": "pt"}
    }
    encoded = json.dumps(header).encode()
    return struct.pack("<Q", len(encoded)) + encoded + data


def joblib_with_array(values: bytes, tail: bytes, *, object_array: bool = False) -> bytes:
    """A joblib stream: NumpyArrayWrapper, then the array written into the middle of the pickle, then ``tail``.

    Numeric arrays are raw bytes after alignment padding; object arrays are a whole pickle (``values``).
    """
    code = "O8" if object_array else "f8"
    dtype = (
        global_op("numpy", "dtype") + MARK + unicode(code) + NEWFALSE + b"\x88" + TUPLE + REDUCE
        + MARK + integer(3) + unicode("|" if object_array else "<") + NONE + NONE + NONE
        + b"J\xff\xff\xff\xff" + b"J\xff\xff\xff\xff" + integer(63 if object_array else 0) + TUPLE + BUILD
    )
    state = (
        EMPTY_DICT + MARK
        + unicode("subclass") + global_op("numpy", "ndarray")
        + unicode("shape") + integer(1 if object_array else len(values) // 8) + TUPLE1
        + unicode("order") + unicode("C")
        + unicode("dtype") + dtype
        + unicode("allow_mmap") + NEWFALSE
        + unicode("numpy_array_alignment_bytes") + integer(16)
        + SETITEMS
    )
    wrapper = global_op("joblib.numpy_pickle", "NumpyArrayWrapper") + EMPTY_TUPLE + NEWOBJ + state + BUILD
    array = values if object_array else b"\x03" + b"\xff" * 3 + values
    return PROTO2 + EMPTY_LIST + wrapper + array + APPEND + tail


def compress_all(data: bytes) -> dict[str, bytes]:
    return {
        "gzip": gzip.compress(data),
        "bz2": bz2.compress(data),
        "xz": lzma.compress(data),
        "lzma": lzma.compress(data, format=lzma.FORMAT_ALONE),
        "zlib": zlib.compress(data),
    }


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def frame_crossing_pickle(command: str, module: str = "os", name: str = "system") -> bytes:
    """FRAME(2) holding 'B' and one length byte (row 9 of model-files.md).

    Read contiguously (pickle.loads, pickletools) the BINBYTES length is 0x107 and swallows the
    payload; the C unpickler reading a file drops the frame's last byte, reads length 1 from after
    the frame, and then runs GLOBAL os system ... REDUCE.
    """
    hidden = POP + global_op(module, name) + MARK + string0(command) + TUPLE + REDUCE + STOP
    after_frame = b"\x01\x00\x00\x00" + b"A" + hidden
    swallowed = 0x107 - (len(after_frame) - 3)
    assert swallowed >= 0
    return PROTO4 + frame(2) + b"B\x07" + after_frame + b"\x00" * swallowed + STOP


def _local_header_offsets(data: bytes) -> list[int]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [info.header_offset for info in archive.infolist()]


def patch_local_flags(data: bytes, index: int, flags: int) -> bytes:
    """Set general-purpose flag bits in one member's local header only (CVE-2025-1945)."""
    offset = _local_header_offsets(data)[index] + 6
    (current,) = struct.unpack_from("<H", data, offset)
    return data[:offset] + struct.pack("<H", current | flags) + data[offset + 2 :]


def rename_local(data: bytes, old: str, new: str) -> bytes:
    """Rename a member in its local header only (CVE-2025-1944); names must have equal length."""
    assert len(old) == len(new)
    marker = b"PK\x03\x04"
    position = data.index(marker + data[data.index(marker) + 4 : data.index(marker) + 4])  # first local header
    position = data.find(old.encode(), position)
    return data[:position] + new.encode() + data[position + len(old) :]


def corrupt_crcs(data: bytes) -> bytes:
    """Flip every CRC-32 in local and central headers (CVE-2025-10156)."""
    patched = bytearray(data)
    for marker, crc_at in ((b"PK\x03\x04", 14), (b"PK\x01\x02", 16)):
        start = 0
        while (found := data.find(marker, start)) >= 0:
            patched[found + crc_at] ^= 0xFF
            start = found + 4
    return bytes(patched)


def zip_with_duplicates(first: bytes, second: bytes, name: str = "archive/data.pkl") -> bytes:
    import warnings

    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(name, first)
            archive.writestr(name, second)
            archive.writestr("archive/version", b"3\n")
    return buffer.getvalue()


# -- hostile archives (issue 16) -------------------------------------------------------------------


def shared_entry_zip(member: bytes, count: int) -> bytes:
    """One deflated member and ``count`` central-directory entries that all point at it.

    With 5,000 entries this is the 265 KB zip of issue 16: nearly all of it is directory.
    """
    single = zip_bytes([("m00000.pkl", member)], compression=zipfile.ZIP_DEFLATED)
    directory_at = single.index(b"PK\x01\x02")
    record = single[directory_at : single.index(b"PK\x05\x06")]
    records = b"".join(record[:46] + f"m{index:05}.pkl".encode() + record[56:] for index in range(count))
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, len(records), directory_at, 0)
    return single[:directory_at] + records + end


def opcode_churn(opcodes: int) -> bytes:
    """A pickle that does nothing ``opcodes`` times (NONE, POP): cheap to store, costly to emulate."""
    return PROTO4 + b"N0" * (opcodes // 2) + NONE + STOP


def opcode_churn_zip(members: int, opcodes: int, last: bytes | None = None) -> bytes:
    """Issue 16's second small zip: ``members`` deflated pickles of ``opcodes`` no-ops each (100 x 1M is 113 KB)."""
    pickles = [(f"archive/part{index}.pkl", opcode_churn(opcodes)) for index in range(members)]
    if last is not None:
        pickles.append(("archive/zlast.pkl", last))
    return zip_bytes(pickles, compression=zipfile.ZIP_DEFLATED)


# -- ordinary library pickles, written by pickle/joblib from stand-ins named like the real classes --


def stand_in_modules(canary: Path) -> dict[str, types.ModuleType]:
    """Modules named like scikit-learn's and transformers' whose classes write ``canary`` if ever
    constructed or given state: pickling them is fine, unpickling one would leave the trace.

    Register them in ``sys.modules`` (monkeypatch.setitem) while dumping and while inspecting.
    """

    def touch(*_: object) -> None:
        canary.write_text("unpickled")

    class Estimator:
        def __getstate__(self) -> dict[str, object]:
            return {**self.__dict__, "_sklearn_version": "1.9.1"}

        __setstate__ = touch

    class Tree:  # the Cython tree: __reduce__ with constructor arguments and a state dict
        def __init__(self, n_features: int, n_classes: object, n_outputs: int) -> None:
            self.args = (n_features, n_classes, n_outputs)
            self.state: dict[str, object] = {}

        def __reduce__(self) -> tuple[object, ...]:
            return (type(self), self.args, self.state)

        __setstate__ = touch

    @dataclasses.dataclass
    class TrainingArguments:
        output_dir: str
        eval_strategy: object
        lr_scheduler_type: object
        optim: object
        learning_rate: float = 5e-5
        report_to: list[str] = dataclasses.field(default_factory=lambda: ["none"])

        __setstate__ = touch

    classes: dict[str, dict[str, object]] = {
        "sklearn.linear_model._logistic": {"LogisticRegression": type("LogisticRegression", (Estimator,), {})},
        "sklearn.preprocessing._data": {"StandardScaler": type("StandardScaler", (Estimator,), {})},
        "sklearn.pipeline": {"Pipeline": type("Pipeline", (Estimator,), {})},
        "sklearn.ensemble._forest": {"RandomForestClassifier": type("RandomForestClassifier", (Estimator,), {})},
        "sklearn.tree._classes": {"DecisionTreeClassifier": type("DecisionTreeClassifier", (Estimator,), {})},
        "sklearn.tree._tree": {"Tree": Tree},
        "transformers.training_args": {
            "TrainingArguments": TrainingArguments,
            "OptimizerNames": enum.Enum("OptimizerNames", {"ADAMW_TORCH": "adamw_torch"}),
        },
        "transformers.trainer_utils": {
            "IntervalStrategy": enum.Enum("IntervalStrategy", {"STEPS": "steps", "EPOCH": "epoch"}),
            "SchedulerType": enum.Enum("SchedulerType", {"LINEAR": "linear"}),
        },
    }
    modules: dict[str, types.ModuleType] = {}
    for name, members in classes.items():
        for depth in range(1, name.count(".") + 1):
            parent = name.rsplit(".", depth)[0]
            modules.setdefault(parent, types.ModuleType(parent))
        module = modules.setdefault(name, types.ModuleType(name))
        for class_name, cls in members.items():
            cls.__module__, cls.__qualname__ = name, class_name  # type: ignore[union-attr]
            setattr(module, class_name, cls)
    return modules


def library_objects(modules: dict[str, types.ModuleType]) -> dict[str, object]:
    """A fitted-looking estimator, a pipeline, a forest of trees, and Trainer's arguments."""
    import numpy

    logistic = modules["sklearn.linear_model._logistic"].LogisticRegression()
    logistic.coef_, logistic.intercept_, logistic.classes_ = numpy.ones((1, 4)), numpy.zeros(1), numpy.arange(2)
    logistic.C, logistic.random_state = 1.0, numpy.random.RandomState(0)
    scaler = modules["sklearn.preprocessing._data"].StandardScaler()
    scaler.mean_, scaler.scale_ = numpy.zeros(4), numpy.ones(4)
    pipeline = modules["sklearn.pipeline"].Pipeline()
    pipeline.steps = [("scale", scaler), ("model", logistic)]
    tree = modules["sklearn.tree._classes"].DecisionTreeClassifier()
    tree.tree_ = modules["sklearn.tree._tree"].Tree(4, numpy.array([2]), 1)
    tree.tree_.state = {"max_depth": 3, "nodes": numpy.zeros(7, dtype=[("left", "<i8"), ("threshold", "<f8")]),
                        "values": numpy.zeros((7, 1, 2))}
    forest = modules["sklearn.ensemble._forest"].RandomForestClassifier()
    forest.estimators_ = [tree, tree]
    trainer = modules["transformers.trainer_utils"]
    arguments = modules["transformers.training_args"].TrainingArguments(
        "out", trainer.IntervalStrategy.STEPS, trainer.SchedulerType.LINEAR,
        modules["transformers.training_args"].OptimizerNames.ADAMW_TORCH,
    )
    return {"logistic": logistic, "pipeline": pipeline, "forest": forest, "training_args": arguments}


# -- GGUF ------------------------------------------------------------------------------------------

GGUF_UINT32, GGUF_FLOAT32, GGUF_BOOL, GGUF_STRING, GGUF_ARRAY, GGUF_UINT64 = 4, 6, 7, 8, 9, 10


def gguf_bytes(values: list[tuple[str, int, object]], *, version: int = 3, big_endian: bool = False,
               tensors: int = 0) -> bytes:
    """A GGUF header: (key, value type, value) triples; arrays as (item type, [items])."""
    order = ">" if big_endian else "<"
    wide = version > 1

    def count(value: int) -> bytes:
        return struct.pack(order + ("Q" if wide else "I"), value)

    def string(text: str | bytes) -> bytes:
        data = text.encode() if isinstance(text, str) else text
        return count(len(data)) + data

    def value(kind: int, item: object) -> bytes:
        if isinstance(item, bytes) and kind != GGUF_STRING:
            return item  # raw bytes: a value the writer does not encode (hostile headers)
        if kind == GGUF_STRING:
            return string(item)  # type: ignore[arg-type]
        if kind == GGUF_ARRAY:
            item_kind, items = item  # type: ignore[misc]
            return struct.pack(order + "I", item_kind) + count(len(items)) + b"".join(value(item_kind, x) for x in items)
        fmt = {GGUF_UINT32: "I", GGUF_FLOAT32: "f", GGUF_BOOL: "?", GGUF_UINT64: "Q"}[kind]
        return struct.pack(order + fmt, item)

    body = b"".join(string(key) + struct.pack(order + "I", kind) + value(kind, item) for key, kind, item in values)
    return b"GGUF" + struct.pack(order + "I", version) + count(tensors) + count(len(values)) + body


def llama_gguf(template: str | None, vocabulary: int = 2000, **options: object) -> bytes:
    """The keys a llama.cpp conversion writes, in its order, with a vocabulary before the template."""
    values: list[tuple[str, int, object]] = [
        ("general.architecture", GGUF_STRING, "llama"),
        ("general.name", GGUF_STRING, "tiny"),
        ("llama.context_length", GGUF_UINT32, 4096),
        ("llama.rope.freq_base", GGUF_FLOAT32, 10000.0),
        ("tokenizer.ggml.model", GGUF_STRING, "gpt2"),
        ("tokenizer.ggml.tokens", GGUF_ARRAY, (GGUF_STRING, [f"tok{index}" for index in range(vocabulary)])),
        ("tokenizer.ggml.scores", GGUF_ARRAY, (GGUF_FLOAT32, [0.0] * vocabulary)),
        ("tokenizer.ggml.add_bos_token", GGUF_BOOL, True),
    ]
    if template is not None:
        values.append(("tokenizer.chat_template", GGUF_STRING, template))
    values.append(("general.file_type", GGUF_UINT32, 1))
    return gguf_bytes(values, tensors=1, **options)  # type: ignore[arg-type]


CHATML_TEMPLATE = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>'"
    " + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
LLAMA3_TEMPLATE = (
    "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + "
    "message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}"
    "{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}"
    "{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}"
)


# -- ONNX (protobuf wire format, written by hand: field numbers from onnx.proto) ---------------------


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def proto_field(number: int, value: bytes | int) -> bytes:
    if isinstance(value, int):
        return _varint(number << 3) + _varint(value)
    return _varint(number << 3 | 2) + _varint(len(value)) + value


def onnx_tensor(name: str, location: str | None = None, raw: bytes = bytes(16)) -> bytes:
    body = proto_field(1, 4) + proto_field(2, 1) + proto_field(8, name.encode())  # dims, FLOAT, name
    if location is None:
        return body + proto_field(9, raw)
    entries = [("location", location), ("offset", "0"), ("length", "16")]
    for key, value in entries:
        body += proto_field(13, proto_field(1, key.encode()) + proto_field(2, value.encode()))
    return body + proto_field(14, 1)  # data_location = EXTERNAL


def onnx_model(initializers: list[bytes], attribute_tensors: list[bytes] = (), subgraph: bytes | None = None) -> bytes:
    node = proto_field(1, b"x") + proto_field(2, b"y") + proto_field(4, b"Identity")
    for tensor in attribute_tensors:
        node += proto_field(5, proto_field(1, b"value") + proto_field(5, tensor) + proto_field(20, 4))
    if subgraph is not None:
        node += proto_field(5, proto_field(1, b"then_branch") + proto_field(6, subgraph) + proto_field(20, 5))
    graph = proto_field(1, node) + proto_field(2, b"main")
    graph += b"".join(proto_field(5, tensor) for tensor in initializers)
    opset = proto_field(1, b"") + proto_field(2, 17)
    return (proto_field(1, 8) + proto_field(2, b"pytorch") + proto_field(3, b"2.3") + proto_field(7, graph)
            + proto_field(8, opset))


def onnx_graph(initializers: list[bytes]) -> bytes:
    return proto_field(2, b"branch") + b"".join(proto_field(5, tensor) for tensor in initializers)


def sevenzip_bytes(members: list[tuple[str, bytes]], *, password: str | None = None,
                   filters: list[dict[str, int]] | None = None, encrypt_header: bool = False) -> bytes:
    import py7zr

    buffer = io.BytesIO()
    with py7zr.SevenZipFile(buffer, "w", password=password, filters=filters, header_encryption=encrypt_header) as archive:
        for name, data in members:
            archive.writestr(data, name)
    return buffer.getvalue()
