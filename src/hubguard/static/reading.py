"""Reading a file to analyse: regular files only, never more than the configured ceiling.

A path in a scanned tree is attacker-controlled: ``x.py`` may be a symlink to ``/dev/zero``, a FIFO that
blocks the reader forever, or a device whose ``open`` has side effects. Only regular files are opened
(checked with ``stat`` before ``open`` and again on the descriptor, which is opened non-blocking so a FIFO
swapped in between cannot block), and never more than ``limit`` bytes are read.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from typing import BinaryIO

_CHUNK = 1024 * 1024
_GROWTH_CHUNK = 64 * 1024  # below malloc's mmap threshold
_STREAM_LIMIT = 1024**3
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotRead(Exception):
    """The file was not read; the message says why in words a user can act on."""


class TooLarge(NotRead):
    def __init__(self, size: int, limit: int, mentions_loader: bool) -> None:
        super().__init__(f"file is {size:,} bytes, larger than max-file-size ({limit:,} bytes); not analysed")
        self.mentions_loader = mentions_loader


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_regular_file(path: str, limit: int, mentions_loader: Callable[[bytes], bool]) -> bytes:
    try:
        info = os.stat(path)
    except OSError as error:
        raise NotRead(f"cannot read file: {error.strerror or error}") from None
    if not stat.S_ISREG(info.st_mode):
        raise NotRead(f"{_kind(info.st_mode)}, not a regular file; not read")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        raise NotRead(f"cannot read file: {error.strerror or error}") from None
    with os.fdopen(descriptor, "rb", buffering=0) as stream:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise NotRead(f"{_kind(info.st_mode)}, not a regular file; not read")
        try:
            data = _read_upto(stream, limit + 1, info.st_size)
        except OSError as error:  # a "regular" file that fails to read: /proc/self/mem, a disk error
            raise NotRead(f"cannot read file: {error.strerror or error}") from None
        if len(data) > limit:
            size = max(info.st_size, len(data))
            raise TooLarge(size, limit, mentions_loader(data) or _rest_mentions(stream, data, mentions_loader))
    return data


def _read_upto(stream: BinaryIO, most: int, expected: int) -> bytes:
    """Up to ``most`` bytes. The first read asks for the size ``stat`` gave (one more, to see growth) rather
    than ``most``: a buffer of the ceiling's size per file would cost more than reading small files."""
    data = stream.read(min(expected + 1, most))
    while len(data) < most and (more := stream.read(min(_GROWTH_CHUNK, most - len(data)))):
        data += more
    return data


def _rest_mentions(stream: BinaryIO, seen: bytes, mentions_loader: Callable[[bytes], bool]) -> bool:
    """Whether the unread rest of an oversized file mentions a loader, in bounded chunks that overlap so no
    name is cut; past ``_STREAM_LIMIT`` it is assumed to."""
    overlap, streamed = seen[-256:], len(seen)
    try:
        while chunk := stream.read(_CHUNK):
            if mentions_loader(overlap + chunk):
                return True
            overlap, streamed = chunk[-256:], streamed + len(chunk)
            if streamed > _STREAM_LIMIT:
                return True
    except OSError:
        return True
    return False
