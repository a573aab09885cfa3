"""Forward reading of a pickle stream from a ByteSource, with FRAME accounting and a byte budget."""

from __future__ import annotations

from hubguard.inspectors.sources import ByteSource
from hubguard.inspectors.verdicts import LimitExceeded, Limits

_FIRST_CHUNK = 16 * 1024
_MAX_CHUNK = 4 * 2**20
_BLOB_PREFIX = 256


class Truncated(Exception):
    """The stream ended in the middle of an opcode."""


class PickleReader:
    """Reads opcodes' bytes; emulates both ways CPython consumes FRAMEs.

    In ``file_frames`` mode it behaves like the C unpickler reading a file: an operand that does
    not fit in the rest of the current frame is read from the bytes after the frame, and the rest
    of the frame is dropped. Otherwise frames are transparent, as with ``pickle.loads``.
    """

    def __init__(self, source: ByteSource, start: int, limits: Limits, *, file_frames: bool = False) -> None:
        self.source = source
        self.pos = start
        self.limits = limits
        self.file_frames = file_frames
        self.frame_end: int | None = None
        self.crossings: list[int] = []
        self.fetched = 0
        self._buffer = bytearray()
        self._buffer_start = start
        self._chunk = _FIRST_CHUNK

    def restart(self, position: int) -> None:
        """Continue with the next pickle of the same stream, keeping what was already fetched."""
        self.pos = position
        self.frame_end = None
        self.crossings = []

    def begin_frame(self, length: int) -> None:
        if self.frame_end is not None and self.pos < self.frame_end:
            self.crossings.append(self.pos)
        self._ensure(self.pos + length)
        self.frame_end = self.pos + length

    def read(self, count: int) -> bytes:
        self._enter(count)
        self._ensure(self.pos + count)
        start = self.pos - self._buffer_start
        self.pos += count
        return bytes(self._buffer[start : start + count])

    def readline(self) -> bytes:
        """A line without its trailing newline."""
        if self.frame_end is not None and self.pos < self.frame_end:
            self._ensure(self.frame_end)
            start = self.pos - self._buffer_start
            end = self._buffer.find(b"\n", start, self.frame_end - self._buffer_start)
            if end < 0:
                self.crossings.append(self.pos)
                if self.file_frames:
                    self.pos = self.frame_end
                self.frame_end = None
        return self._readline_unframed()

    def skip(self, count: int) -> bytes:
        """Step over a long operand, fetching only its first bytes; returns them."""
        self._enter(count)
        prefix_length = min(count, _BLOB_PREFIX)
        self._ensure(self.pos + prefix_length)
        start = self.pos - self._buffer_start
        prefix = bytes(self._buffer[start : start + prefix_length])
        end = self.pos + count
        size = self.source.size
        if size is not None:
            if end > size:
                raise Truncated(f"operand of {count} bytes runs past the end of the data")
        elif not self.source.read(end - 1, 1):
            raise Truncated(f"operand of {count} bytes runs past the end of the data")
        self.pos = end
        return prefix

    def _enter(self, count: int) -> None:
        if self.frame_end is None:
            return
        if self.pos >= self.frame_end:
            self.frame_end = None
        elif self.pos + count > self.frame_end:
            self.crossings.append(self.pos)
            if self.file_frames:
                self.pos = self.frame_end
            self.frame_end = None

    def _readline_unframed(self) -> bytes:
        scan_from = self.pos
        while True:
            buffer_end = self._buffer_start + len(self._buffer)
            if scan_from < buffer_end and self._buffer_start <= self.pos:
                found = self._buffer.find(b"\n", scan_from - self._buffer_start)
                if found >= 0:
                    start = self.pos - self._buffer_start
                    line = bytes(self._buffer[start:found])
                    self.pos = self._buffer_start + found + 1
                    return line
                scan_from = buffer_end
            if scan_from - self.pos > self.limits.max_line_bytes:
                raise LimitExceeded(f"text line longer than {self.limits.max_line_bytes} bytes")
            self._ensure(max(scan_from, self.pos) + 1)

    def _ensure(self, end: int) -> None:
        buffer_end = self._buffer_start + len(self._buffer)
        if not self._buffer_start <= self.pos <= buffer_end:
            self._buffer = bytearray()
            self._buffer_start = buffer_end = self.pos
        elif self.pos - self._buffer_start > _MAX_CHUNK:
            del self._buffer[: self.pos - self._buffer_start]
            self._buffer_start = self.pos
        while buffer_end < end:
            budget = self.limits.max_pickle_bytes - self.fetched
            if end - buffer_end > budget:
                raise LimitExceeded(f"pickle stream larger than {self.limits.max_pickle_bytes} bytes")
            want = min(max(end - buffer_end, self._chunk), budget)
            data = self.source.read(buffer_end, want)
            if not data:
                raise Truncated("the data ends in the middle of an opcode")
            self.fetched += len(data)
            self._buffer += data
            buffer_end += len(data)
            self._chunk = min(self._chunk * 2, _MAX_CHUNK)
