"""Read the root attributes of an HDF5 file (a legacy Keras ``.h5``) without an HDF5 library.

Keras writes the architecture as JSON in the root group's ``model_config`` attribute (and the
compile settings in ``training_config``). This reader follows exactly what is needed to get there:
superblock (versions 0-3, with or without a user block), the root object header (versions 1 and
2, with continuation blocks) and its attribute messages (versions 1-3), holding fixed-length or
variable-length strings (the latter in a global heap collection). Nothing else of the format is
parsed, and every count, size and address is bounded before it is trusted, so attacker bytes never
reach a C library. Attributes stored densely (a fractal heap) or as shared messages are reported
as not inspected.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from hubguard.inspectors.sources import ByteSource, read_exact
from hubguard.inspectors.verdicts import Malformed

SIGNATURE = b"\x89HDF\r\n\x1a\n"
USER_BLOCK_OFFSETS = (0, 512, 1024, 2048, 4096)
KERAS_ATTRIBUTES = ("model_config", "training_config")

_ATTRIBUTE, _CONTINUATION, _ATTRIBUTE_INFO = 0x000C, 0x0010, 0x0015
_STRING, _VARIABLE_LENGTH = 3, 9
_MAX_MESSAGES = 65_536
_MAX_BLOCKS = 1_024
_MAX_BLOCK_BYTES = 16 * 2**20
_MAX_ELEMENTS = 1_024


@dataclass
class RootAttributes:
    values: dict[str, list[bytes]]  # Keras attributes found: name -> string values
    unreadable: list[str]  # why some attributes could not be read


def find_superblock(source: ByteSource, head: bytes) -> int | None:
    if head.startswith(SIGNATURE):
        return 0
    for offset in USER_BLOCK_OFFSETS[1:]:
        if source.size is not None and offset + len(SIGNATURE) > source.size:
            break
        if source.read(offset, len(SIGNATURE)) == SIGNATURE:
            return offset
    return None


def read_root_attributes(source: ByteSource, superblock: int, max_value_bytes: int) -> RootAttributes:
    return _File(source, superblock, max_value_bytes).root_attributes()


class _File:
    def __init__(self, source: ByteSource, superblock: int, max_value_bytes: int) -> None:
        self.source = source
        self.max_value_bytes = max_value_bytes
        self.superblock = superblock
        self.base = superblock
        self.offset_size = self.length_size = 8
        self.v2_creation_order = False  # the root header's messages carry a creation-order field
        self.root = self._read_superblock(superblock)

    # -- primitives ----------------------------------------------------------------------------

    @property
    def undefined(self) -> int:
        return (1 << 8 * self.offset_size) - 1

    def read(self, address: int, length: int) -> bytes:
        if address == self.undefined or length < 0 or length > _MAX_BLOCK_BYTES:
            raise Malformed(f"HDF5 read of {length} bytes at {address:#x} is out of bounds")
        position = self.base + address
        if self.source.size is not None and position + length > self.source.size:
            raise Malformed(f"HDF5 structure at {address:#x} runs past the end of the file")
        return read_exact(self.source, position, length) if length else b""

    def unsigned(self, data: bytes, at: int, size: int) -> int:
        if at + size > len(data):
            raise Malformed("HDF5 structure truncated")
        return int.from_bytes(data[at : at + size], "little")

    # -- superblock and object headers ---------------------------------------------------------

    def _read_superblock(self, at: int) -> int:
        fixed = read_exact(self.source, at, 16)
        version = fixed[8]
        if version in (0, 1):
            self.offset_size, self.length_size = fixed[13], fixed[14]
            self._check_sizes()
            start = 24 if version == 0 else 28
            body = read_exact(self.source, at + start, 4 * self.offset_size + 2 * self.offset_size + 24)
            base = self.unsigned(body, 0, self.offset_size)
            root_entry = 4 * self.offset_size
            root = self.unsigned(body, root_entry + self.offset_size, self.offset_size)
        elif version in (2, 3):
            self.offset_size, self.length_size = fixed[9], fixed[10]
            self._check_sizes()
            body = read_exact(self.source, at + 12, 4 * self.offset_size)
            base = self.unsigned(body, 0, self.offset_size)
            root = self.unsigned(body, 3 * self.offset_size, self.offset_size)
        else:
            raise Malformed(f"HDF5 superblock version {version} is not supported")
        self.base = base if base == at else at + base  # the base address is written as 0 or as the superblock's
        return root

    def _check_sizes(self) -> None:
        if self.offset_size not in (2, 4, 8) or self.length_size not in (2, 4, 8):
            raise Malformed(f"HDF5 offsets of {self.offset_size} and lengths of {self.length_size} bytes")

    def root_attributes(self) -> RootAttributes:
        found = RootAttributes({}, [])
        for kind, data in self._messages(self.root):
            if kind == _ATTRIBUTE:
                self._attribute(data, found)
            elif kind == _ATTRIBUTE_INFO and self._has_dense_storage(data):
                found.unreadable.append("attributes stored densely (in a fractal heap)")
            elif kind == -_ATTRIBUTE:
                found.unreadable.append("an attribute stored as a shared message")
        return found

    def _messages(self, address: int) -> list[tuple[int, bytes]]:
        """Every message of the object header at ``address``, following continuation blocks."""
        messages: list[tuple[int, bytes]] = []
        first = self.read(address, 16)
        if first[:4] == b"OHDR":
            pending = [self._v2_first_block(address, first)]
        elif first[0] == 1:
            size = self.unsigned(first, 8, 4)
            pending = [(address + 16, size, 1)]
        else:
            raise Malformed(f"HDF5 object header version {first[0]} is not supported")
        seen: set[int] = set()
        while pending:
            start, length, version = pending.pop()
            if start in seen or len(seen) >= _MAX_BLOCKS:
                raise Malformed("HDF5 object header continuation blocks loop or are too many")
            seen.add(start)
            for kind, data in self._block_messages(self.read(start, length), version):
                if len(messages) >= _MAX_MESSAGES:
                    raise Malformed("HDF5 object header has too many messages")
                if kind == _CONTINUATION:
                    target = self.unsigned(data, 0, self.offset_size)
                    size = self.unsigned(data, self.offset_size, self.length_size)
                    pending.append(self._continuation(target, size, version))
                else:
                    messages.append((kind, data))
        return messages

    def _v2_first_block(self, address: int, first: bytes) -> tuple[int, int, int]:
        flags = first[5]
        position = 6 + (16 if flags & 0x20 else 0) + (4 if flags & 0x10 else 0)
        width = 1 << (flags & 0x03)
        size_bytes = self.read(address + position, width)
        self.v2_creation_order = bool(flags & 0x04)
        return address + position + width, self.unsigned(size_bytes, 0, width), 2

    def _continuation(self, target: int, size: int, version: int) -> tuple[int, int, int]:
        if version == 1:
            return target, size, 1
        if self.read(target, 4) != b"OCHK" or size < 8:
            raise Malformed("HDF5 continuation block without its OCHK signature")
        return target + 4, size - 8, 2  # signature before, checksum after

    def _block_messages(self, block: bytes, version: int) -> list[tuple[int, bytes]]:
        found: list[tuple[int, bytes]] = []
        position = 0
        header = 8 if version == 1 else 4 + (2 if self.v2_creation_order else 0)
        while position + header <= len(block):
            if version == 1:
                kind, size, flags = self.unsigned(block, position, 2), self.unsigned(block, position + 2, 2), block[position + 4]
            else:
                kind, size, flags = block[position], self.unsigned(block, position + 1, 2), block[position + 3]
            data = block[position + header : position + header + size]
            if len(data) < size:
                if version == 2 and kind == 0:
                    break  # the gap before a v2 chunk's checksum
                raise Malformed("HDF5 header message runs past its block")
            found.append((-kind if flags & 0x02 else kind, data))  # negative: a shared message
            position += header + size
        return found

    # -- attributes ----------------------------------------------------------------------------

    def _has_dense_storage(self, data: bytes) -> bool:
        flags = data[1] if len(data) > 1 else 0
        heap_at = 2 + (2 if flags & 0x01 else 0)
        return self.unsigned(data, heap_at, self.offset_size) != self.undefined

    def _attribute(self, data: bytes, found: RootAttributes) -> None:
        if len(data) < 8:
            raise Malformed("HDF5 attribute message truncated")
        version, flags = data[0], data[1]
        name_size, type_size, space_size = struct.unpack_from("<HHH", data, 2)
        if version == 1:
            position, pad = 8, 8
        elif version in (2, 3):
            position, pad = (8 if version == 2 else 9), 1
        else:
            raise Malformed(f"HDF5 attribute message version {version} is not supported")
        name = data[position : position + name_size].split(b"\0", 1)[0].decode("utf-8", "replace")
        position += _padded(name_size, pad)
        if name not in KERAS_ATTRIBUTES:
            return
        if flags & 0x03:
            found.unreadable.append(f"attribute {name!r} uses a shared datatype or dataspace")
            return
        datatype = data[position : position + type_size]
        position += _padded(type_size, pad)
        dataspace = data[position : position + space_size]
        position += _padded(space_size, pad)
        values = self._strings(datatype, self._element_count(dataspace), data[position:], name, found)
        found.values.setdefault(name, []).extend(values)

    def _strings(self, datatype: bytes, count: int, raw: bytes, name: str, found: RootAttributes) -> list[bytes]:
        if len(datatype) < 8:
            raise Malformed(f"HDF5 attribute {name!r} has a truncated datatype")
        kind, size = datatype[0] & 0x0F, self.unsigned(datatype, 4, 4)
        if kind == _STRING:
            return [raw[index * size : (index + 1) * size].rstrip(b"\0 ") for index in range(count)]
        if kind == _VARIABLE_LENGTH and datatype[1] & 0x0F == 1:
            element = 4 + self.offset_size + 4
            return [self._heap_string(raw[index * element : (index + 1) * element]) for index in range(count)]
        found.unreadable.append(f"attribute {name!r} is not a string (datatype class {kind})")
        return []

    def _element_count(self, dataspace: bytes) -> int:
        if len(dataspace) < 4:
            raise Malformed("HDF5 dataspace truncated")
        version, rank = dataspace[0], dataspace[1]
        if version == 2 and dataspace[3] == 2:
            return 0  # a null dataspace
        start = 8 if version == 1 else 4
        count = 1
        for index in range(rank):
            count *= self.unsigned(dataspace, start + self.length_size * index, self.length_size)
            if count > _MAX_ELEMENTS:
                raise Malformed(f"HDF5 attribute with more than {_MAX_ELEMENTS} elements")
        return count

    def _heap_string(self, element: bytes) -> bytes:
        length = self.unsigned(element, 0, 4)
        collection = self.unsigned(element, 4, self.offset_size)
        index = self.unsigned(element, 4 + self.offset_size, 4)
        if length > self.max_value_bytes:
            raise Malformed(f"HDF5 string of {length} bytes")
        header = self.read(collection, 8 + self.length_size)
        if header[:4] != b"GCOL":
            raise Malformed("HDF5 global heap collection without its GCOL signature")
        end = collection + min(self.unsigned(header, 8, self.length_size), self.max_value_bytes + 4096)
        position = collection + 8 + self.length_size
        object_header = 8 + self.length_size
        while position + object_header <= end:
            fields = self.read(position, object_header)
            number, size = self.unsigned(fields, 0, 2), self.unsigned(fields, 8, self.length_size)
            if number == 0:
                break  # free space: the rest of the collection is unused
            if number == index:
                return self.read(position + object_header, min(length, size))
            position += object_header + _padded(size, 8)
        raise Malformed(f"HDF5 global heap object {index} not found")


def _padded(size: int, multiple: int) -> int:
    return -(-size // multiple) * multiple
