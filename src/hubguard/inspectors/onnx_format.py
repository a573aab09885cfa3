"""ONNX models: find tensors whose external data lives outside the model's directory.

A tensor stored outside the model names its file in ``external_data`` (key ``location``); ONNX
before 1.16 and other loaders join that to the model's directory as given, so ``../../etc/passwd``
or an absolute path reads (and with checkpoint saving, writes) any file (CVE-2024-27318 class).

This is a protobuf wire-format walk of only the messages that can hold tensors: the graph's
initializers and sparse initializers, node attributes (tensors, and subgraphs of If/Loop/Scan),
training graphs and functions. Tensor bytes (``raw_data``) are skipped, never fetched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hubguard.inspectors.budget import StepCounter
from hubguard.inspectors.sources import ByteSource, StreamReader
from hubguard.inspectors.verdicts import Collector, Issue, LimitExceeded, Malformed, Verdict

# message kind -> {field number: kind of the embedded message}
_CHILDREN: dict[str, dict[int, str]] = {
    "model": {7: "graph", 20: "training", 25: "function"},
    "graph": {1: "node", 5: "tensor", 15: "sparse"},
    "node": {5: "attribute"},
    "attribute": {5: "tensor", 6: "graph", 10: "tensor", 11: "graph", 22: "sparse", 23: "sparse"},
    "training": {1: "graph", 2: "graph"},
    "function": {7: "node", 11: "attribute"},
    "sparse": {1: "tensor", 2: "tensor"},
    "tensor": {13: "entry"},
    "entry": {},
}
_TENSOR_NAME, _ENTRY_KEY, _ENTRY_VALUE = 8, 1, 2
_VARINT, _FIXED64, _LENGTH, _FIXED32 = 0, 1, 2, 5
_MAX_DEPTH = 64
_MAX_STRING = 65_536
_MAX_FIELDS = 50_000_000
_WINDOWS_DRIVE = re.compile(r"[A-Za-z]:")


def looks_like_onnx(head: bytes) -> bool:
    """ModelProto serialisers write ir_version (field 1, a small varint) first."""
    return len(head) >= 4 and head[0] == 0x08 and 1 <= head[1] <= 32 and head[2] in (0x12, 0x1A, 0x22, 0x28, 0x32, 0x3A, 0x42)


def inspect_onnx(source: ByteSource, collector: Collector, member: str | None) -> None:
    if source.size is None:
        raise Malformed("an ONNX model of unknown size")
    _Walk(StreamReader(source), collector, member).message("model", source.size, 0)
    collector.note_format("onnx")


@dataclass
class _Tensor:
    name: str = ""
    location: str | None = None


class _Walk:
    def __init__(self, stream: StreamReader, collector: Collector, member: str | None) -> None:
        self.stream = stream
        self.collector = collector
        self.member = member
        self.fields = StepCounter(collector.budget, _MAX_FIELDS, "ONNX model")

    def message(self, kind: str, end: int, depth: int, tensor: _Tensor | None = None,
                entry: list[str] | None = None) -> None:
        if depth > _MAX_DEPTH:
            raise LimitExceeded(f"ONNX messages nested more than {_MAX_DEPTH} deep")
        children = _CHILDREN[kind]
        while self.stream.position < end:
            self.fields.step()
            tag = self.varint()
            number, wire = tag >> 3, tag & 7
            if number == 0:
                raise Malformed(f"ONNX field number 0 at byte {self.stream.position}")
            if wire == _VARINT:
                self.varint()
            elif wire == _FIXED64:
                self.stream.skip(8)
            elif wire == _FIXED32:
                self.stream.skip(4)
            elif wire == _LENGTH:
                self._embedded(kind, number, children, end, depth, tensor, entry)
            else:
                raise Malformed(f"ONNX wire type {wire} (groups are not used by ONNX)")
        if self.stream.position != end:
            raise Malformed("an ONNX field runs past the end of its message")

    def _embedded(self, kind: str, number: int, children: dict[int, str], end: int, depth: int,
                  tensor: _Tensor | None, entry: list[str] | None) -> None:
        length = self.varint()
        inner_end = self.stream.position + length
        if inner_end > end:
            raise Malformed("an ONNX field is longer than the message holding it")
        child = children.get(number)
        if child == "tensor":
            found = _Tensor()
            self.message(child, inner_end, depth + 1, tensor=found)
            self._judge(found)
        elif child == "entry" and tensor is not None:
            pair = ["", ""]
            self.message(child, inner_end, depth + 1, entry=pair)
            if pair[0] == "location":
                tensor.location = pair[1]
        elif child is not None:
            self.message(child, inner_end, depth + 1)
        elif kind == "tensor" and number == _TENSOR_NAME and tensor is not None and length <= _MAX_STRING:
            tensor.name = self.stream.read(length).decode("utf-8", "replace")
        elif kind == "entry" and number in (_ENTRY_KEY, _ENTRY_VALUE) and entry is not None:
            if length > _MAX_STRING:
                raise LimitExceeded(f"ONNX external-data entry of {length} bytes")
            entry[number - 1] = self.stream.read(length).decode("utf-8", "replace")
        else:
            self.stream.skip(length)

    def _judge(self, tensor: _Tensor) -> None:
        location = tensor.location
        if location is None or not _escapes(location):
            return
        self.collector.add(Issue(Verdict.SUSPICIOUS, "external-data-traversal",
                                 f"tensor {tensor.name!r} reads its external data from {location!r}, outside the "
                                 "model's directory (path traversal, CVE-2024-27318 class)", self.member))

    def varint(self) -> int:
        value = shift = 0
        while True:
            byte = self.stream.read(1)[0]
            value |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return value
            shift += 7
            if shift >= 70:
                raise Malformed("an ONNX varint longer than 10 bytes")


def _escapes(location: str) -> bool:
    parts = re.split(r"[\\/]", location)
    return (
        not location
        or location.startswith(("/", "\\", "~"))
        or bool(_WINDOWS_DRIVE.match(location))
        or ".." in parts
        or "\0" in location
    )
