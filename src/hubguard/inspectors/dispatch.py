"""Decide what a file is from its bytes (never its name) and route it to every plausible inspector."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from hubguard.inspectors.budget import Budget, BudgetExhausted, MeteredSource
from hubguard.inspectors.decompress import DecompressingSource
from hubguard.inspectors.gguf import MAGIC as GGUF_MAGIC
from hubguard.inspectors.gguf import inspect_gguf
from hubguard.inspectors.hdf5 import SIGNATURE as HDF5_SIGNATURE
from hubguard.inspectors.hdf5 import find_superblock
from hubguard.inspectors.onnx_format import inspect_onnx, looks_like_onnx
from hubguard.inspectors.pickle_scan import looks_like_pickle_start, scan_stream
from hubguard.inspectors.policy import DEFAULT_POLICY, Policy
from hubguard.inspectors.sevenzip import MAGIC as SEVEN_ZIP_MAGIC
from hubguard.inspectors.sevenzip import inspect_7z
from hubguard.inspectors.small_formats import (
    NPY_MAGIC,
    inspect_hdf5,
    inspect_npy,
    inspect_safetensors,
    looks_like_safetensors,
)
from hubguard.inspectors.sources import ByteSource, FileSource, SourceError
from hubguard.inspectors.tar_formats import inspect_tar, looks_like_tar
from hubguard.inspectors.verdicts import (
    DEFAULT_LIMITS,
    Collector,
    FileVerdict,
    Issue,
    LimitExceeded,
    Limits,
    Malformed,
    Verdict,
)
from hubguard.inspectors.zip_formats import inspect_zip
from hubguard.inspectors.zip_reader import has_zip_tail

_HEAD = 512
_ZIP_MAGIC = b"PK\x03\x04"
_TORCH_LEGACY_MAGIC = (0x1950A86A20F9469CFC6C).to_bytes(10, "little")
_WEIGHT_SUFFIXES = frozenset(
    ".bin .pt .pth .ckpt .pkl .pickle .p .sav .joblib .jbl .dill .npy .npz .keras .h5 .hdf5 .nemo .pdparams "
    ".pdopt .mar .tar .gguf .onnx".split()
)


def is_weight_candidate(filename: str) -> bool:
    """True for model files worth inspecting: anything a loader might unpickle (``model.pkl.gz`` counts:
    pandas and joblib decompress), and GGUF and ONNX files, which carry templates and file paths."""
    name = PurePosixPath(filename.replace("\\", "/")).name.lower()
    suffixes = PurePosixPath(name).suffixes
    return any(suffix in _WEIGHT_SUFFIXES for suffix in suffixes)


def inspect_source(
    source: ByteSource, *, limits: Limits = DEFAULT_LIMITS, policy: Policy = DEFAULT_POLICY
) -> FileVerdict:
    budget = Budget.for_source(source, limits)
    collector = Collector(budget, policy)
    try:
        recognised = inspect_bytes(MeteredSource(source, budget), collector, None, 0)
    except BudgetExhausted as error:  # before the first inspector started (reading the head)
        collector.add(Issue(Verdict.SUSPICIOUS, "limit", f"{error}; the file was not inspected"))
        recognised = True
    except Exception as error:  # a last line of defence: never a traceback, never SAFE
        collector.add(Issue(Verdict.SUSPICIOUS, "incomplete", f"inspection stopped unexpectedly: {error!r}"))
        recognised = True
    if not recognised:
        collector.add(Issue(Verdict.UNKNOWN, "unknown-format", "not a model format hubguard recognises"))
    return FileVerdict(
        name=source.name,
        format="+".join(collector.formats) or "unknown",
        verdict=collector.verdict,
        issues=collector.issues,
        imports=collector.imports,
        calls=collector.calls,
        bytes_read=source.bytes_read,
        size=source.size,
    )


def inspect_path(
    path: Path, *, limits: Limits = DEFAULT_LIMITS, policy: Policy = DEFAULT_POLICY
) -> list[FileVerdict]:
    """Inspect a file, or every file under a directory (symlinks are reported, not followed)."""
    if path.is_dir():
        files = sorted(_walk(path))
        return [_inspect_file(file, file.relative_to(path).as_posix(), limits, policy) for file in files]
    return [_inspect_file(path, path.name, limits, policy)]


def _walk(root: Path) -> list[Path]:
    found: list[Path] = []
    for directory, subdirectories, names in os.walk(root, followlinks=False):
        subdirectories[:] = [name for name in subdirectories if name != ".git"]
        found.extend(Path(directory, name) for name in names)
    return found


def _inspect_file(path: Path, name: str, limits: Limits, policy: Policy) -> FileVerdict:
    if path.is_symlink() or not path.is_file():
        kind = "symbolic link" if path.is_symlink() else "special file"
        issue = Issue(Verdict.UNKNOWN, "not-inspected", f"{kind} not followed")
        return FileVerdict(name, "unknown", Verdict.UNKNOWN, [issue], [], [], 0, None)
    try:
        source = FileSource(path, name)
    except SourceError as error:
        issue = Issue(Verdict.SUSPICIOUS, "incomplete", str(error))
        return FileVerdict(name, "unknown", Verdict.SUSPICIOUS, [issue], [], [], 0, None)
    return inspect_source(source, limits=limits, policy=policy)


def inspect_bytes(source: ByteSource, collector: Collector, member: str | None, depth: int) -> bool:
    """Run every inspector whose format the bytes could be; True if any recognised them."""
    if depth > collector.limits.max_nesting:
        collector.add(Issue(Verdict.SUSPICIOUS, "limit", "containers nested too deeply to inspect", member))
        return True
    try:
        head = source.read(0, _HEAD)
    except SourceError as error:
        collector.add(Issue(Verdict.SUSPICIOUS, "incomplete", f"could not read: {error}", member))
        return True
    recognised = False
    for applies, inspect, certain in _INSPECTORS:
        if not applies(head, source):
            continue
        recognised |= _guarded(inspect, source, collector, member, depth, certain)
    if not recognised:  # an HDF5 file may start with a user block of any content
        recognised = _guarded(_hdf5, source, collector, member, depth, False)
    return recognised


Inspector = Callable[[ByteSource, Collector, "str | None", int], bool]


def _guarded(inspect: Inspector, source: ByteSource, collector: Collector, member: str | None,
             depth: int, certain: bool) -> bool:
    """Run one inspector; its failure is an issue if the magic was unambiguous, else 'not this format'."""
    mark = len(collector.issues)
    try:
        return inspect(source, collector, member, depth)
    except BudgetExhausted as error:
        collector.add(Issue(Verdict.SUSPICIOUS, "limit", f"{error}; the rest of the file was not inspected"))
        return True
    except LimitExceeded as error:
        collector.add(Issue(Verdict.SUSPICIOUS, "limit", f"not inspected fully: {error}", member))
        return True
    except SourceError as error:
        collector.add(Issue(Verdict.SUSPICIOUS, "incomplete", f"could not be read fully: {error}", member))
        return True
    except (Malformed, ValueError, EOFError) as error:
        if certain or len(collector.issues) > mark:
            collector.add(Issue(Verdict.SUSPICIOUS, "malformed", f"could not be inspected: {error}", member))
            return True
        return False


def _pickle(source: ByteSource, collector: Collector, member: str | None, depth: int) -> bool:
    head = source.read(0, 16)
    certain = head[:1] == b"\x80"
    legacy = _TORCH_LEGACY_MAGIC in head
    scan = scan_stream(source, 0, collector, member=member, certain=certain, depth=depth,
                       max_pickles=5 if legacy else None)
    if scan.recognised:
        collector.note_format("torch-legacy" if legacy else "pickle")
    return scan.recognised


def _pickle_family(source: ByteSource, collector: Collector, member: str | None, depth: int) -> bool:
    pickled = _pickle(source, collector, member, depth)
    if not has_zip_tail(source):
        return pickled
    if not pickled:
        return _zip(source, collector, member, depth)
    collector.add(Issue(Verdict.SUSPICIOUS, "polyglot",
                        "a pickle at offset 0 with a zip archive appended (loaders disagree on what this file is)",
                        member))
    with contextlib.suppress(Malformed):  # the end-of-directory signature may be a coincidence in pickle data
        _zip(source, collector, member, depth)
    return True


def _zip(source: ByteSource, collector: Collector, member: str | None, depth: int) -> bool:
    inspect_zip(source, collector, member, depth, inspect_bytes)
    return True


def _tar(source: ByteSource, collector: Collector, member: str | None, depth: int) -> bool:
    inspect_tar(source, collector, member, depth, inspect_bytes)
    return True


def _7z(source: ByteSource, collector: Collector, member: str | None, depth: int) -> bool:
    inspect_7z(source, collector, member, depth, inspect_bytes)
    return True


def _npy(source: ByteSource, collector: Collector, member: str | None, depth: int) -> bool:
    inspect_npy(source, collector, member)
    return True


def _safetensors(source: ByteSource, collector: Collector, member: str | None, depth: int) -> bool:
    inspect_safetensors(source, collector, member)
    return True


def _gguf(source: ByteSource, collector: Collector, member: str | None, depth: int) -> bool:
    inspect_gguf(source, collector, member)
    return True


def _onnx(source: ByteSource, collector: Collector, member: str | None, depth: int) -> bool:
    inspect_onnx(source, collector, member)
    return True


def _hdf5(source: ByteSource, collector: Collector, member: str | None, depth: int) -> bool:
    superblock = find_superblock(source, source.read(0, len(HDF5_SIGNATURE)))
    if superblock is None:
        return False
    inspect_hdf5(source, collector, member, superblock)
    return True


def _decompressed(codec: str, offset: int = 0) -> Inspector:
    def inspect(source: ByteSource, collector: Collector, member: str | None, depth: int) -> bool:
        label = f"{member or source.name} ({codec})"
        inner = DecompressingSource(source, offset, None if source.size is None else source.size - offset,
                                    codec, label, collector.budget)
        recognised = inspect_bytes(inner, collector, label, depth + 1)
        collector.note_format(codec)
        if not recognised:
            collector.add(Issue(Verdict.UNKNOWN, "unknown-format", f"{codec}-compressed data of unknown format", label))
        return True

    return inspect


_UNSUPPORTED = {
    b"Rar!\x1a\x07": "RAR archive",
    b"\x04\x22\x4d\x18": "LZ4-compressed data",
    b"\x28\xb5\x2f\xfd": "Zstandard-compressed data",
}


def _unsupported_kind(head: bytes) -> str | None:
    return next((kind for magic, kind in _UNSUPPORTED.items() if head.startswith(magic)), None)


def _unsupported(source: ByteSource, collector: Collector, member: str | None, depth: int) -> bool:
    kind = _unsupported_kind(source.read(0, 16))
    collector.note_format(str(kind).split(" ", 1)[0].lower())
    collector.add(Issue(Verdict.UNKNOWN, "unsupported", f"{kind}: not inspected", member))
    return True


def _is_zlib(head: bytes) -> bool:
    return len(head) >= 2 and head[0] & 0x0F == 8 and head[0] >> 4 <= 7 and (head[0] << 8 | head[1]) % 31 == 0


def _zf_offset(head: bytes) -> int:
    """Old joblib (< 0.10) files: 'ZF' + 0x-prefixed hex length padded to 16 + zlib data."""
    return 18 if head.startswith(b"ZF0x") else 0


_INSPECTORS: list[tuple[Callable[[bytes, ByteSource], bool], Inspector, bool]] = [
    (lambda head, source: head.startswith(_ZIP_MAGIC), _zip, True),
    (lambda head, source: looks_like_pickle_start(head) and not head.startswith((_ZIP_MAGIC, HDF5_SIGNATURE)),
     _pickle_family, False),  # an HDF5 signature is NEWFALSE then an invalid opcode: never a pickle
    (lambda head, source: looks_like_tar(head), _tar, True),
    (lambda head, source: head.startswith(SEVEN_ZIP_MAGIC), _7z, True),
    (lambda head, source: head.startswith(NPY_MAGIC), _npy, True),
    (lambda head, source: looks_like_safetensors(head, source.size), _safetensors, True),
    (lambda head, source: head.startswith(HDF5_SIGNATURE), _hdf5, True),
    (lambda head, source: head.startswith(GGUF_MAGIC), _gguf, True),
    (lambda head, source: looks_like_onnx(head), _onnx, False),
    (lambda head, source: head.startswith(b"\x1f\x8b"), _decompressed("gzip"), True),
    (lambda head, source: head.startswith(b"BZh"), _decompressed("bz2"), False),
    (lambda head, source: head.startswith(b"\xfd7zXZ\x00"), _decompressed("xz"), True),
    (lambda head, source: head.startswith(b"\x5d\x00\x00"), _decompressed("lzma"), False),
    (lambda head, source: _is_zlib(head), _decompressed("zlib"), False),
    (lambda head, source: _zf_offset(head) > 0, _decompressed("zlib", 18), False),
    (lambda head, source: _unsupported_kind(head) is not None, _unsupported, True),
]
