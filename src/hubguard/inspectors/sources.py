"""Random-access byte sources: every byte an inspector looks at comes through ``read(offset, length)``.

A source whose owner has a deadline (a hub scan's per-repository budget) also implements
``TimedSource.seconds_left``; the inspector then stops reading and emulating when that time is up
and reports the file as not fully inspected.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable


class SourceError(Exception):
    """The bytes could not be fetched (I/O or network trouble)."""


@runtime_checkable
class ByteSource(Protocol):
    name: str
    size: int | None

    def read(self, offset: int, length: int) -> bytes: ...

    @property
    def bytes_read(self) -> int: ...


@runtime_checkable
class TimedSource(Protocol):
    def seconds_left(self) -> float | None:
        """Seconds the owner still allows for reading this source; None for no deadline."""
        ...


class FileSource:
    """A local file, opened for each read so no handle outlives a call."""

    def __init__(self, path: Path, name: str | None = None) -> None:
        self.path = path
        self.name = name if name is not None else str(path)
        try:
            self.size: int | None = path.stat().st_size
        except OSError as error:
            raise SourceError(f"cannot stat {path}: {error.strerror or error}") from error
        self._bytes_read = 0

    def read(self, offset: int, length: int) -> bytes:
        if offset < 0 or length < 0:
            raise SourceError(f"invalid read at {offset} of {length} bytes")
        try:
            with self.path.open("rb") as handle:
                handle.seek(offset)
                data = handle.read(length)
        except OSError as error:
            raise SourceError(f"cannot read {self.path}: {error.strerror or error}") from error
        self._bytes_read += len(data)
        return data

    @property
    def bytes_read(self) -> int:
        return self._bytes_read


class BytesSource:
    def __init__(self, name: str, data: bytes) -> None:
        self.name = name
        self.size: int | None = len(data)
        self._data = data
        self._bytes_read = 0

    def read(self, offset: int, length: int) -> bytes:
        if offset < 0 or length < 0:
            raise SourceError(f"invalid read at {offset} of {length} bytes")
        data = self._data[offset : offset + length]
        self._bytes_read += len(data)
        return data

    @property
    def bytes_read(self) -> int:
        return self._bytes_read


class SliceSource:
    """A window [start, start + length) of another source, e.g. a stored zip or tar member."""

    def __init__(self, parent: ByteSource, start: int, length: int, name: str) -> None:
        self.name = name
        self.size: int | None = length
        self._parent = parent
        self._start = start
        self._bytes_read = 0

    def read(self, offset: int, length: int) -> bytes:
        if offset < 0 or length < 0:
            raise SourceError(f"invalid read at {offset} of {length} bytes")
        assert self.size is not None
        length = max(0, min(length, self.size - offset))
        if length == 0:
            return b""
        data = self._parent.read(self._start + offset, length)
        self._bytes_read += len(data)
        return data

    @property
    def bytes_read(self) -> int:
        return self._bytes_read


def read_exact(source: ByteSource, offset: int, length: int) -> bytes:
    """Read exactly ``length`` bytes or raise SourceError (sources may return short reads at EOF)."""
    parts: list[bytes] = []
    wanted = length
    while wanted > 0:
        chunk = source.read(offset, wanted)
        if not chunk:
            raise SourceError(f"{source.name}: unexpected end of data at byte {offset}")
        parts.append(chunk)
        offset += len(chunk)
        wanted -= len(chunk)
    return b"".join(parts)


class StreamReader:
    """Reads a source forward in growing chunks; ``skip`` moves past data without fetching it.

    For formats read front to back (GGUF key-value headers, protobuf messages): many small reads
    become a few large ones, which matters when every source read is an HTTP Range request.
    """

    _FIRST_CHUNK = 64 * 1024
    _MAX_CHUNK = 4 * 2**20

    def __init__(self, source: ByteSource, start: int = 0, end: int | None = None) -> None:
        self.source = source
        self.position = start
        self.end = end if end is not None else source.size
        self._buffer = b""
        self._buffer_start = start
        self._chunk = self._FIRST_CHUNK

    def remaining(self) -> int | None:
        return None if self.end is None else self.end - self.position

    def read(self, count: int) -> bytes:
        if count < 0 or (self.end is not None and self.position + count > self.end):
            raise SourceError(f"{self.source.name}: a field of {count} bytes runs past the end at byte {self.position}")
        offset = self.position - self._buffer_start
        if offset + count > len(self._buffer):
            self._refill(count)
            offset = 0
        self.position += count
        return self._buffer[offset : offset + count]

    def skip(self, count: int) -> None:
        if count < 0 or (self.end is not None and self.position + count > self.end):
            raise SourceError(f"{self.source.name}: skipping {count} bytes runs past the end at byte {self.position}")
        self.position += count

    def _refill(self, count: int) -> None:
        want = max(count, self._chunk)
        if self.end is not None:
            data = read_exact(self.source, self.position, min(want, self.end - self.position))
        else:
            data = self.source.read(self.position, want)
            if len(data) < count:
                raise SourceError(f"{self.source.name}: unexpected end of data at byte {self.position + len(data)}")
        self._buffer, self._buffer_start = data, self.position
        self._chunk = min(self._chunk * 2, self._MAX_CHUNK)
