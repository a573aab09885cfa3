"""Lazily decompressed views of compressed byte ranges, bounded against decompression bombs."""

from __future__ import annotations

import bz2
import lzma
import zlib
from typing import Protocol

from hubguard.inspectors.budget import Budget
from hubguard.inspectors.sources import ByteSource, SourceError
from hubguard.inspectors.verdicts import LimitExceeded, Malformed

_INPUT_CHUNK = 64 * 1024
_OUTPUT_CHUNK = 1024 * 1024
_RATIO_FLOOR = 1024 * 1024  # small outputs never trip the ratio check


class _Decompressor(Protocol):
    def feed(self, data: bytes, max_length: int) -> bytes: ...
    def wants_input(self) -> bool: ...
    def finished(self) -> bool: ...


class _Zlib:
    def __init__(self, wbits: int) -> None:
        self._engine = zlib.decompressobj(wbits)

    def feed(self, data: bytes, max_length: int) -> bytes:
        return self._engine.decompress(self._engine.unconsumed_tail + data, max_length)

    def wants_input(self) -> bool:
        return not self._engine.unconsumed_tail

    def finished(self) -> bool:
        return self._engine.eof


class _BufferedEngine:
    """bz2 and lzma decompressors share this interface."""

    def __init__(self, engine: bz2.BZ2Decompressor | lzma.LZMADecompressor) -> None:
        self._engine = engine

    def feed(self, data: bytes, max_length: int) -> bytes:
        return self._engine.decompress(data, max_length)

    def wants_input(self) -> bool:
        return self._engine.needs_input

    def finished(self) -> bool:
        return self._engine.eof


def _engine_for(codec: str) -> _Decompressor:
    if codec == "deflate":
        return _Zlib(-15)
    if codec == "zlib":
        return _Zlib(15)
    if codec == "gzip":
        return _Zlib(31)
    if codec == "bz2":
        return _BufferedEngine(bz2.BZ2Decompressor())
    if codec in ("xz", "lzma"):
        return _BufferedEngine(lzma.LZMADecompressor(lzma.FORMAT_AUTO))
    raise ValueError(f"unknown codec {codec}")


class DecompressingSource:
    """Decompresses ``parent[start:start + length]`` on demand, only as far as reads require.

    Output is kept in memory so reads may go backwards; every byte produced is charged to the
    file's budget (``max_inflated_bytes`` over all members), which bounds that memory.
    """

    def __init__(self, parent: ByteSource, start: int, length: int | None, codec: str, name: str, budget: Budget) -> None:
        self.name = name
        self.size: int | None = None
        self.codec = codec
        self._parent = parent
        self._next_input = start
        self._input_end = None if length is None else start + length
        self._engine = _engine_for(codec)
        self._budget = budget
        self._output = bytearray()
        self._consumed = 0
        self._done = False

    @property
    def bytes_read(self) -> int:
        return self._consumed

    def read(self, offset: int, length: int) -> bytes:
        if offset < 0 or length < 0:
            raise SourceError(f"invalid read at {offset} of {length} bytes")
        self._inflate_to(offset + length)
        return bytes(self._output[offset : offset + length])

    def _inflate_to(self, wanted: int) -> None:
        while len(self._output) < wanted and not self._done:
            data = b""
            if self._engine.wants_input():
                data = self._next_chunk()
                if not data:
                    self._finish()
                    return
            try:
                produced = self._engine.feed(data, _OUTPUT_CHUNK)
            except (zlib.error, OSError, lzma.LZMAError, EOFError, ValueError) as error:
                raise Malformed(f"corrupt {self.codec} data: {error}") from error
            self._budget.spend_inflated(len(produced))
            self._output += produced
            self._check_ratio()
            if self._engine.finished():
                self._finish()

    def _next_chunk(self) -> bytes:
        size = _INPUT_CHUNK
        if self._input_end is not None:
            size = min(size, self._input_end - self._next_input)
        if size <= 0:
            return b""
        data = self._parent.read(self._next_input, size)
        self._next_input += len(data)
        self._consumed += len(data)
        return data

    def _check_ratio(self) -> None:
        produced = len(self._output)
        ratio = self._budget.limits.max_inflate_ratio
        if produced > _RATIO_FLOOR and produced > ratio * max(self._consumed, 1):
            raise LimitExceeded(f"compression ratio above {ratio}:1 (decompression bomb?)")

    def _finish(self) -> None:
        self._done = True
        self.size = len(self._output)
