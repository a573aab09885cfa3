"""Which imported callables a pickle may name: an exact allowlist of plain data and tensor rebuilding,
an exact list of reviewed library classes (a note), and a denylist that only decides severity."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass

from hubguard.inspectors.reviewed import REVIEWED

_TORCH_REBUILD = (
    "_rebuild_tensor", "_rebuild_tensor_v2", "_rebuild_tensor_v3", "_rebuild_parameter",
    "_rebuild_parameter_with_state", "_rebuild_sparse_tensor", "_rebuild_nested_tensor",
    "_rebuild_device_tensor_from_numpy", "_rebuild_device_tensor_from_cpu_tensor", "_rebuild_qtensor",
    "_rebuild_meta_tensor_no_storage", "_rebuild_wrapper_subclass",
)
_TORCH_STORAGES = (
    "FloatStorage", "DoubleStorage", "HalfStorage", "BFloat16Storage", "LongStorage", "IntStorage",
    "ShortStorage", "CharStorage", "ByteStorage", "BoolStorage", "ComplexFloatStorage",
    "ComplexDoubleStorage", "QInt8Storage", "QUInt8Storage", "QInt32Storage", "QUInt4x2Storage",
    "QUInt2x4Storage", "UntypedStorage",
)
_TORCH_ATTRIBUTES = (
    "Size", "device", "dtype", "Tensor", "float32", "float", "float64", "double", "float16", "half",
    "bfloat16", "complex32", "complex64", "complex128", "cfloat", "cdouble", "uint8", "uint16", "uint32",
    "uint64", "int8", "int16", "short", "int32", "int", "int64", "long", "bool", "qint8", "quint8", "qint32",
    "quint4x2", "quint2x4", "float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz",
    "strided", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr", "sparse_bsc", "_mkldnn",
    "contiguous_format", "channels_last", "channels_last_3d", "preserve_format",
    "per_tensor_affine", "per_channel_affine", "per_tensor_symmetric", "per_channel_symmetric",
    "per_channel_affine_float_qparams",
)
_NUMPY_CORE = ("numpy.core.multiarray", "numpy._core.multiarray")
_NUMPY_SCALAR_TYPES = (
    "bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16",
    "float32", "float64", "complex64", "complex128", "longlong", "ulonglong", "intc", "uintc",
)
_SAFE_BUILTINS = (
    "set", "frozenset", "complex", "slice", "bytearray", "bytes", "range", "int", "float", "str", "tuple",
    "list", "dict", "bool", "object",
)

ALLOWED: frozenset[tuple[str, str]] = frozenset(
    [("torch._utils", name) for name in _TORCH_REBUILD]
    + [("torch", name) for name in _TORCH_STORAGES + _TORCH_ATTRIBUTES]
    + [("torch.storage", "UntypedStorage"), ("torch.storage", "TypedStorage")]
    + [("torch._tensor", "_rebuild_from_type_v2"), ("torch.nn.parameter", "Parameter")]
    + [("torch.serialization", "_get_layout"), ("torch._utils", "_rebuild_xla_tensor")]
    + [(module, "_reconstruct") for module in _NUMPY_CORE]
    + [(module, "scalar") for module in _NUMPY_CORE]
    + [("numpy", "ndarray"), ("numpy", "dtype"), ("numpy.core.numeric", "_frombuffer"), ("numpy._core.numeric", "_frombuffer")]
    + [("numpy", name) for name in _NUMPY_SCALAR_TYPES]
    + [("numpy.dtypes", f"{kind}DType") for kind in (
        "Float64", "Float32", "Float16", "Int64", "Int32", "Int16", "Int8", "UInt64", "UInt32", "UInt16",
        "UInt8", "Bool", "Complex64", "Complex128", "Str", "Bytes", "Void", "Object",
    )]
    + [
        ("numpy.random._pickle", "__randomstate_ctor"),
        ("numpy.random._pickle", "__bit_generator_ctor"),
        ("numpy.random._pickle", "__generator_ctor"),
        ("numpy.random.mtrand", "__RandomState_ctor"),
        ("numpy.random._mt19937", "MT19937"),
        ("numpy.random._pcg64", "PCG64"),
        ("numpy.random._pcg64", "PCG64DXSM"),
        ("numpy.random._philox", "Philox"),
        ("numpy.random._sfc64", "SFC64"),
        ("numpy.random.mtrand", "RandomState"),
        ("numpy.random.bit_generator", "SeedSequence"),
        ("numpy.random.bit_generator", "__pyx_unpickle_SeedSequence"),
    ]
    + [("builtins", name) for name in _SAFE_BUILTINS]
    + [
        ("collections", "OrderedDict"),
        ("joblib.numpy_pickle", "NumpyArrayWrapper"),
        ("sklearn.externals.joblib.numpy_pickle", "NumpyArrayWrapper"),
        ("collections", "defaultdict"),
        ("collections", "Counter"),
        ("collections", "deque"),
        ("_codecs", "encode"),
        ("copyreg", "_reconstructor"),
        ("copyreg", "__newobj__"),
        ("datetime", "datetime"),
        ("datetime", "date"),
        ("datetime", "time"),
        ("datetime", "timedelta"),
        ("datetime", "timezone"),
        ("decimal", "Decimal"),
        ("fractions", "Fraction"),
        ("uuid", "UUID"),
        ("argparse", "Namespace"),
        ("pathlib", "PosixPath"),
        ("pathlib", "WindowsPath"),
        ("pathlib", "PurePosixPath"),
        ("pathlib", "PureWindowsPath"),
    ]
)

# Dotted prefixes of "module.name" that can run code, read/write files, or open connections.
DENIED_PREFIXES: frozenset[str] = frozenset(
    """
    os posix nt subprocess sys runpy importlib imp pty socket webbrowser shutil pip ensurepip venv asyncio
    pydoc pkgutil operator _operator cProfile profile trace timeit pdb bdb code codeop doctest ctypes
    _ctypes marshal types inspect idlelib lib2to3 _osx_support _aix_support imaplib _pyrepl test
    multiprocessing _posixsubprocess _winapi pickle _pickle dill cloudpickle shelve joblib.load
    joblib.numpy_pickle.load picklescan modelscan fickling modelaudit commands popen2 platform.popen
    uuid._get_command_stdout requests urllib urllib2 urllib3 http httplib ftplib smtplib telnetlib httpx
    zipimport io.open _io codecs.open _codecs.open tempfile.mktemp site sysconfig signal _thread
    threading gc atexit builtins.eval builtins.exec builtins.compile builtins.getattr builtins.setattr
    builtins.delattr builtins.__import__ builtins.open builtins.breakpoint builtins.input builtins.globals
    builtins.locals builtins.vars builtins.help builtins.exit builtins.quit builtins.memoryview
    builtins.__build_class__ builtins.__loader__ builtins.classmethod builtins.staticmethod builtins.property
    builtins.super builtins.type
    torch.storage._load_from_bytes torch.serialization.load torch.load torch._inductor torch.jit torch._C
    torch.utils.bottleneck torch._dynamo torch.fx torch.utils.collect_env torch.utils.data.datapipes
    torch.utils._config_module torch.utils.cpp_extension torch.hub torch.package torch.ops torch.compile
    torch.export torch._export torch.distributed torch.backends
    numpy.load numpy.lib.npyio numpy.lib._npyio_impl numpy.testing numpy.f2py numpy.distutils
    numpy.ctypeslib numpy.fromfile numpy.memmap numpy.lib.format numpy.lib.utils
    keras.src.saving keras.saving tensorflow.io tensorflow.keras.models.load_model
    sklearn.utils._testing sklearn.datasets transformers.dynamic_module_utils transformers.utils.hub
    huggingface_hub yaml.load yaml.unsafe_load yaml.full_load
    """.split()
)

# Any of these as a component of a dotted name means attribute walking into something dangerous
# ("pathlib" + "os.system", "numpy" + "__builtins__.eval").
_DENIED_COMPONENTS = frozenset(
    """os posix nt subprocess sys builtins __builtins__ __builtin__ __import__ __globals__ __subclasses__
    __getattribute__ __class__ __bases__ __mro__ __dict__ __code__ __closure__ __loader__ __spec__
    eval exec system popen importlib Popen check_output check_call getoutput getstatusoutput run_path
    run_module import_module from_pretrained hf_hub_download snapshot_download urlopen urlretrieve""".split()
)


class Standing(enum.Enum):
    ALLOWED = "allowed"  # plain data, tensor rebuilding: nothing to report
    REVIEWED = "reviewed"  # a reviewed library class, or one the project allowed: a note
    DENIED = "denied"
    UNLISTED = "unlisted"


@dataclass(frozen=True)
class Policy:
    """The built-in lists plus what a project allowed in ``[tool.hubguard] pickle-allowlist``."""

    allowed: frozenset[tuple[str, str]] = frozenset()
    allowed_modules: frozenset[str] = frozenset()  # "module:*" entries

    @classmethod
    def from_entries(cls, entries: Iterable[str]) -> Policy:
        """Raises ValueError naming the entry that is malformed or names a dangerous callable."""
        pairs = [parse_allowlist_entry(entry) for entry in entries]
        return cls(
            frozenset(pair for pair in pairs if pair[1] != "*"),
            frozenset(module for module, name in pairs if name == "*"),
        )

    def standing(self, module: str, name: str) -> Standing:
        builtin = standing(module, name)
        if builtin is Standing.UNLISTED and ((module, name) in self.allowed or module in self.allowed_modules):
            return Standing.REVIEWED
        return builtin


DEFAULT_POLICY = Policy()
_IDENTIFIERS = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


def parse_allowlist_entry(entry: str) -> tuple[str, str]:
    """``"package.module:Class"`` (or ``:*`` for every name in that module) -> (module, name)."""
    module, colon, name = entry.strip().partition(":")
    if not colon or not _IDENTIFIERS.fullmatch(module) or not (name == "*" or _IDENTIFIERS.fullmatch(name)):
        raise ValueError(f"{entry!r} is not 'package.module:Name' or 'package.module:*'")
    probe = "__init__" if name == "*" else name  # a module wildcard is refused if anything in it is denied
    if standing(module, probe) is Standing.DENIED or module.split(".")[0] in ("builtins", "__builtin__"):
        raise ValueError(f"{entry!r} names a callable that can run code or touch the system; it cannot be allowed")
    return module, name


def standing(module: str, name: str) -> Standing:
    if (module, name) in ALLOWED:
        return Standing.ALLOWED
    if (module, name) in REVIEWED:
        return Standing.REVIEWED
    parts = f"{module}.{name}".split(".")
    prefixes = (".".join(parts[: index + 1]) for index in range(len(parts)))
    if any(prefix in DENIED_PREFIXES for prefix in prefixes):
        return Standing.DENIED
    if any(part in _DENIED_COMPONENTS for part in parts[1:]):
        return Standing.DENIED
    if module in ("builtins", "__builtin__"):
        return Standing.DENIED  # builtins outside the safe constructors are resolvers and I/O
    return Standing.UNLISTED
