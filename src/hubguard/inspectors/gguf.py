"""GGUF: walk the key-value header, bounded, and judge the chat templates it carries.

Layout (little- or big-endian, versions 1-3): ``GGUF``, version u32, tensor count and key-value
count (u64; u32 in version 1), then each key (a length-prefixed string) with a u32 value type and
its value. Values that are not chat templates are stepped over without being kept; arrays of
fixed-size values are skipped in one step, arrays of strings one length at a time.
"""

from __future__ import annotations

import struct

from hubguard.inspectors.budget import StepCounter
from hubguard.inspectors.sources import ByteSource, StreamReader
from hubguard.inspectors.template_gadgets import find_gadget
from hubguard.inspectors.verdicts import Collector, Issue, LimitExceeded, Malformed, Verdict

MAGIC = b"GGUF"
_STRING, _ARRAY = 8, 9
_FIXED_SIZES = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
_TEMPLATE_KEY = "tokenizer.chat_template"
_MAX_KEY_BYTES = 65_536
_MAX_KEYS = 1_000_000
_MAX_ARRAY_ITEMS = 1 << 40
_MAX_STEPS = 20_000_000  # values and string-array items stepped over (real vocabularies: under 1M)


def inspect_gguf(source: ByteSource, collector: Collector, member: str | None) -> None:
    collector.note_format("gguf")
    reader = _Reader(source, collector)
    count = reader.header()
    for _ in range(count):
        key = reader.string(_MAX_KEY_BYTES).decode("utf-8", "replace")
        kind = reader.u32()
        if kind == _STRING and (key == _TEMPLATE_KEY or key.startswith(_TEMPLATE_KEY + ".")):
            _judge_template(key, reader.string(collector.limits.max_json_bytes), collector, member)
        else:
            reader.skip_value(kind)


def _judge_template(key: str, raw: bytes, collector: Collector, member: str | None) -> None:
    gadget = find_gadget(raw.decode("utf-8", "replace"))
    if gadget is not None:
        collector.add(Issue(Verdict.SUSPICIOUS, "template-gadget",
                            f"{key} reaches Python internals ({gadget.found}), a Jinja sandbox escape that runs "
                            f"code where the template is rendered unsandboxed: {gadget.block}", member))


class _Reader:
    def __init__(self, source: ByteSource, collector: Collector) -> None:
        self.stream = StreamReader(source)
        self.steps = StepCounter(collector.budget, _MAX_STEPS, "GGUF header")
        self.order = "<"
        self.wide = True  # version 1 used 32-bit counts and string lengths

    def header(self) -> int:
        magic, version = struct.unpack("<4sI", self.stream.read(8))
        if magic != MAGIC:
            raise Malformed("not a GGUF file")
        if version > 0xFFFF:  # written big-endian
            self.order, version = ">", struct.unpack(">I", struct.pack("<I", version))[0]
        if version not in (1, 2, 3):
            raise Malformed(f"GGUF version {version} is not supported")
        self.wide = version > 1
        self.count()  # tensor count: the tensor infos follow the key-value pairs and are not needed
        keys = self.count()
        if keys > _MAX_KEYS:
            raise LimitExceeded(f"GGUF header declares {keys} key-value pairs")
        return keys

    def u32(self) -> int:
        return int(struct.unpack(self.order + "I", self.stream.read(4))[0])

    def count(self) -> int:
        return int(struct.unpack(self.order + ("Q" if self.wide else "I"), self.stream.read(8 if self.wide else 4))[0])

    def string(self, limit: int) -> bytes:
        length = self.count()
        if length > limit:
            raise LimitExceeded(f"GGUF string of {length} bytes")
        return self.stream.read(length)

    def skip_value(self, kind: int) -> None:
        self.steps.step()
        if kind in _FIXED_SIZES:
            self.stream.skip(_FIXED_SIZES[kind])
        elif kind == _STRING:
            self.stream.skip(self.count())
        elif kind == _ARRAY:
            item_kind, items = self.u32(), self.count()
            if items > _MAX_ARRAY_ITEMS:
                raise LimitExceeded(f"GGUF array of {items} items")
            if item_kind in _FIXED_SIZES:
                self.stream.skip(items * _FIXED_SIZES[item_kind])
            elif item_kind == _STRING:
                for _ in range(items):
                    self.steps.step()
                    self.stream.skip(self.count())
            else:
                raise Malformed(f"GGUF array of value type {item_kind}")  # nested arrays are not written
        else:
            raise Malformed(f"GGUF value type {kind} is unknown")

