"""A zip reader driven by the central directory, the way PyTorch's miniz reader works.

It fetches the end-of-central-directory record and the directory with tail reads, then each
member's local header and data on demand. Local-header flags and CRCs are ignored (as torch
does) but every disagreement between local and central records is reported.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from hubguard.inspectors.budget import Budget
from hubguard.inspectors.decompress import DecompressingSource
from hubguard.inspectors.sources import ByteSource, SliceSource, read_exact
from hubguard.inspectors.verdicts import LimitExceeded, Limits, Malformed

_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"
_CENTRAL = b"PK\x01\x02"
_LOCAL = b"PK\x03\x04"
_EOCD_SIZE = 22
_MAX_COMMENT = 65535
_FIRST_TAIL = 4096  # enough for the end records of archives without a long comment
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_CENTRAL_HEADER = struct.Struct("<4sHHHHHHIIIHHHHHII")
_SUSPICIOUS_LOCAL_FLAGS = 0x1 | 0x20 | 0x40  # encryption, patched data, strong encryption
STORED, DEFLATED = 0, 8


@dataclass
class ZipEntry:
    name: str
    flags: int
    method: int
    compressed_size: int
    size: int
    header_offset: int  # as written in the central directory
    raw_name: bytes


@dataclass
class ZipArchive:
    source: ByteSource
    entries: list[ZipEntry]
    base: int  # bytes before the zip (a polyglot prefix): directory offsets are relative to it
    anomalies: list[str] = field(default_factory=list)


def has_zip_tail(source: ByteSource) -> bool:
    return source.size is not None and source.size >= _EOCD_SIZE and _find_end_record(source, source.size) is not None


def _find_end_record(source: ByteSource, size: int) -> tuple[int, bytes, int] | None:
    """(tail start, tail bytes, index of the end record in the tail), reading a short tail first."""
    for window in (min(size, _FIRST_TAIL), min(size, _EOCD_SIZE + _MAX_COMMENT)):
        tail_start = size - window
        tail = read_exact(source, tail_start, window)
        eocd_at = tail.rfind(_EOCD, 0, len(tail) - _EOCD_SIZE + len(_EOCD))
        if eocd_at >= 20 or (eocd_at >= 0 and tail_start == 0):
            return tail_start, tail, eocd_at
    return None


def open_zip(source: ByteSource, limits: Limits) -> ZipArchive:
    if source.size is None:
        raise Malformed("zip archive of unknown size")
    found = _find_end_record(source, source.size)
    if found is None:
        raise Malformed("no end-of-central-directory record")
    tail_start, tail, eocd_at = found
    _, disk, _, _, count, directory_size, directory_offset, _ = struct.unpack("<4sHHHHIIH", tail[eocd_at : eocd_at + _EOCD_SIZE])
    eocd_position = tail_start + eocd_at
    directory_end = eocd_position
    locator_at = eocd_at - 20
    if locator_at >= 0 and tail[locator_at : locator_at + 4] == _EOCD64_LOCATOR:
        (record_offset,) = struct.unpack("<Q", tail[locator_at + 8 : locator_at + 16])
        count, directory_size, directory_offset, directory_end = _read_zip64_end(source, tail_start + locator_at, record_offset)
    if count > limits.max_members:
        raise LimitExceeded(f"zip has {count} members (limit {limits.max_members})")
    if directory_size > limits.max_central_directory_bytes:
        raise LimitExceeded(f"zip central directory of {directory_size} bytes")
    base = directory_end - directory_size - directory_offset
    if base < 0:
        raise Malformed("central directory offset points outside the file")
    directory = read_exact(source, base + directory_offset, directory_size)
    archive = ZipArchive(source, _parse_directory(directory, count, limits), base)
    if base:
        archive.anomalies.append(f"{base} bytes precede the zip data (offsets are shifted)")
    if disk:
        archive.anomalies.append("multi-disk zip")
    _note_duplicates(archive)
    return archive


def _read_zip64_end(source: ByteSource, locator_position: int, record_offset: int) -> tuple[int, int, int, int]:
    record_position = locator_position - 56
    record = read_exact(source, record_position, 56)
    if record[:4] != _EOCD64:
        raise Malformed("zip64 end record missing")
    count, directory_size, directory_offset = struct.unpack("<QQQ", record[32:56])
    return count, directory_size, directory_offset, record_position


def _parse_directory(directory: bytes, count: int, limits: Limits) -> list[ZipEntry]:
    entries: list[ZipEntry] = []
    position = 0
    while position + _CENTRAL_HEADER.size <= len(directory):
        if directory[position : position + 4] != _CENTRAL:
            break
        fields = _CENTRAL_HEADER.unpack_from(directory, position)
        flags, method = fields[3], fields[4]
        compressed, size = fields[8], fields[9]
        name_length, extra_length, comment_length = fields[10], fields[11], fields[12]
        header_offset = fields[16]
        name_start = position + _CENTRAL_HEADER.size
        raw_name = directory[name_start : name_start + name_length]
        extra = directory[name_start + name_length : name_start + name_length + extra_length]
        size, compressed, header_offset = _apply_zip64(extra, size, compressed, header_offset)
        name = raw_name.decode("utf-8" if flags & 0x800 else "cp437", "replace")
        entries.append(ZipEntry(name, flags, method, compressed, size, header_offset, raw_name))
        if len(entries) > limits.max_members:
            raise LimitExceeded(f"zip has more than {limits.max_members} members")
        position = name_start + name_length + extra_length + comment_length
    if len(entries) != count:
        raise Malformed(f"central directory lists {len(entries)} entries, end record says {count}")
    return entries


def _apply_zip64(extra: bytes, size: int, compressed: int, offset: int) -> tuple[int, int, int]:
    position = 0
    while position + 4 <= len(extra):
        tag, length = struct.unpack_from("<HH", extra, position)
        body = extra[position + 4 : position + 4 + length]
        if tag == 0x0001:
            values = [struct.unpack_from("<Q", body, index)[0] for index in range(0, len(body) - 7, 8)]
            if size == 0xFFFFFFFF and values:
                size = values.pop(0)
            if compressed == 0xFFFFFFFF and values:
                compressed = values.pop(0)
            if offset == 0xFFFFFFFF and values:
                offset = values.pop(0)
        position += 4 + length
    return size, compressed, offset


def _note_duplicates(archive: ZipArchive) -> None:
    seen: set[str] = set()
    for entry in archive.entries:
        if entry.name in seen:
            archive.anomalies.append(f"duplicate member name {entry.name!r} (loaders disagree on which one they read)")
        seen.add(entry.name)


@dataclass
class MemberData:
    source: ByteSource
    anomalies: list[str]


def open_member(archive: ZipArchive, entry: ZipEntry, budget: Budget) -> MemberData:
    """A ByteSource over the member's uncompressed bytes; reads nothing but the local header yet."""
    parent = archive.source
    header_position = archive.base + entry.header_offset
    expected_name_length = len(entry.raw_name)
    header = read_exact(parent, header_position, _LOCAL_HEADER.size + expected_name_length)
    fields = _LOCAL_HEADER.unpack_from(header)
    if fields[0] != _LOCAL:
        raise Malformed(f"member {entry.name!r}: no local header at byte {header_position}")
    local_flags, name_length, extra_length = fields[2], fields[9], fields[10]
    if name_length == expected_name_length:
        local_name = header[_LOCAL_HEADER.size :]
    else:
        local_name = read_exact(parent, header_position + _LOCAL_HEADER.size, name_length) if name_length else b""
    anomalies = []
    if local_name != entry.raw_name:
        anomalies.append(f"local header names {local_name.decode('utf-8', 'replace')!r} but the directory says {entry.name!r}")
    if local_flags & _SUSPICIOUS_LOCAL_FLAGS and not entry.flags & _SUSPICIOUS_LOCAL_FLAGS:
        anomalies.append(f"local header flags 0x{local_flags:04x} differ from the directory's 0x{entry.flags:04x}")
    if entry.flags & _SUSPICIOUS_LOCAL_FLAGS:
        raise Malformed(f"member {entry.name!r} is encrypted or patched (flags 0x{entry.flags:04x})")
    data_start = header_position + _LOCAL_HEADER.size + name_length + extra_length
    label = f"{parent.name}:{entry.name}"
    if entry.method == STORED:
        return MemberData(SliceSource(parent, data_start, entry.size, label), anomalies)
    if entry.method == DEFLATED:
        return MemberData(DecompressingSource(parent, data_start, entry.compressed_size, "deflate", label, budget), anomalies)
    raise Malformed(f"member {entry.name!r} uses unsupported compression method {entry.method}")
