"""7z archives (the "nullifAI" technique: a PyTorch archive, or a raw pickle, compressed with 7z).

Read with py7zr, a maintained pure-Python 7z reader (its decompressors are the usual compiled
codecs). Declared sizes and the compression ratio are checked before anything is decompressed,
every decompressed byte is charged to the file's budget (which also stops py7zr past the
deadline, through the reads it makes), and members are then judged like zip members. An archive
that cannot be opened, or is encrypted, is reported, never clean.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any, BinaryIO, cast

from hubguard.inspectors.budget import Budget, BudgetExhausted
from hubguard.inspectors.pickle_scan import scan_stream
from hubguard.inspectors.sources import ByteSource, BytesSource, SourceError
from hubguard.inspectors.verdicts import Collector, Issue, LimitExceeded, Malformed, Verdict

MAGIC = b"7z\xbc\xaf\x27\x1c"
MemberInspector = Callable[[ByteSource, Collector, str, int], bool]

_TORCH_STORAGE = re.compile(r"(^|/)data/\d+$")
_RATIO_FLOOR = 2**20


def inspect_7z(source: ByteSource, collector: Collector, member: str | None, depth: int,
               inspect_member: MemberInspector) -> None:
    collector.note_format("7z")
    members = _extract(source, collector, member)
    for name, data in members.items():
        collector.budget.check()
        label = name if member is None else f"{member}/{name}"
        inner = BytesSource(f"{source.name}:{name}", data)
        if name.endswith(".pkl"):
            scan_stream(inner, 0, collector, member=label, certain=True, depth=depth)
        else:
            inspect_member(inner, collector, label, depth + 1)


def _extract(source: ByteSource, collector: Collector, member: str | None) -> dict[str, bytes]:
    import py7zr  # imported on first use: it loads several codecs

    limits, budget = collector.limits, collector.budget
    try:
        with py7zr.SevenZipFile(cast(BinaryIO, SourceFile(source)), mode="r",  # a RawIOBase is what it reads
                                max_extract_size=max(limits.max_inflated_bytes - budget.inflated, 1)) as archive:
            if archive.needs_password():
                collector.add(Issue(Verdict.SUSPICIOUS, "encrypted", "encrypted 7z archive: its members cannot "
                                    "be inspected", member))
                return {}
            files = [info for info in archive.list() if not info.is_directory]
            if len(files) > limits.max_members:
                raise LimitExceeded(f"7z archive has {len(files)} members (limit {limits.max_members})")
            torch_like = any(info.filename.rsplit("/", 1)[-1] == "data.pkl" for info in files)
            targets = [info for info in files if not (torch_like and _TORCH_STORAGE.search(info.filename))]
            _check_sizes(targets, source.size, collector)
            factory = _Collector(budget)
            archive.extract(targets=[info.filename for info in targets], factory=factory)
            return factory.members
    except (BudgetExhausted, SourceError, LimitExceeded):
        raise
    except py7zr.exceptions.DecompressionBombError as error:
        raise LimitExceeded(f"7z archive decompresses past the budget: {error}") from error
    except py7zr.exceptions.PasswordRequired:
        collector.add(Issue(Verdict.SUSPICIOUS, "encrypted", "7z archive with an encrypted header: its members cannot "
                            "be inspected", member))
        return {}
    except Exception as error:  # py7zr raises many kinds on hostile input; none may pass for clean
        raise Malformed(f"7z archive could not be read: {type(error).__name__}: {error}") from error


def _check_sizes(targets: list[Any], packed: int | None, collector: Collector) -> None:
    declared = sum(int(info.uncompressed or 0) for info in targets)
    room = collector.limits.max_inflated_bytes - collector.budget.inflated
    if declared > room:
        raise LimitExceeded(f"7z members declare {declared:,} bytes, more than the {room:,} left to decompress")
    ratio = collector.limits.max_inflate_ratio
    if packed and declared > _RATIO_FLOOR and declared > ratio * packed:
        raise LimitExceeded(f"7z compression ratio above {ratio}:1 (decompression bomb?)")


class _Collector:
    """py7zr's WriterFactory: each member's bytes kept in memory, every byte charged to the budget."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.buffers: dict[str, _MemberBuffer] = {}

    def create(self, filename: str) -> _MemberBuffer:
        buffer = self.buffers[filename] = _MemberBuffer(self.budget)
        return buffer

    @property
    def members(self) -> dict[str, bytes]:
        return {name: bytes(buffer.data) for name, buffer in self.buffers.items()}


class _MemberBuffer:
    """Implements py7zr's Py7zIO interface (write, read, seek, flush, size, close)."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.data = bytearray()

    def write(self, chunk: bytes | bytearray) -> int:
        self.budget.spend_inflated(len(chunk))
        self.data += chunk
        return len(chunk)

    def read(self, size: int | None = None) -> bytes:
        return bytes(self.data if size is None else self.data[:size])

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0

    def flush(self) -> None:
        return None

    def size(self) -> int:
        return len(self.data)

    def close(self) -> None:
        return None


class SourceFile(io.RawIOBase):
    """A read-only, seekable file object over a ByteSource (what py7zr reads)."""

    def __init__(self, source: ByteSource) -> None:
        self._source = source
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            self._position = offset
        elif whence == io.SEEK_CUR:
            self._position += offset
        else:
            if self._source.size is None:
                raise OSError("size unknown")
            self._position = self._source.size + offset
        return self._position

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._source.read(self._position, len(buffer))
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)
