"""A small JSON reader that remembers where every string came from.

GitHub anchors annotations to lines of the committed file; for a notebook that is the raw JSON. To map a
finding in a code cell back to the raw ``.ipynb`` we need, for a decoded character of a ``source`` string,
its offset in the raw text — which ``json.loads`` throws away. Strings keep only their raw span; the
per-character offsets are computed on demand, for the few strings a finding points into. The document
itself is decoded by ``json``; this reader only skims it (in C) to find where each cell starts, and reads
with positions the cells a finding points into.

It reads only documents that ``json.loads`` has already accepted and the notebook reader has checked (an
object whose last ``cells`` is a list of objects, each code cell's last ``source`` a string or a list of
strings), so it checks nothing again: it only finds where things are.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"((?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*)"')


@dataclass(frozen=True)
class PositionedString:
    value: str
    raw_start: int  # offset of the first character after the opening quote
    raw_end: int  # offset of the closing quote

    def offsets(self, raw: str) -> list[int]:
        """Raw offset of each character of ``value``."""
        offsets: list[int] = []
        position = self.raw_start
        for _ in self.value:  # each character was written as itself or as one escape
            offsets.append(position)
            position += _raw_width(raw, position)
        return offsets


def _raw_width(raw: str, position: int) -> int:
    """How many raw characters the decoded character written at ``position`` takes."""
    if raw[position] != "\\":
        return 1
    if raw[position + 1] != "u":
        return 2
    return 12 if _is_surrogate_pair(raw, position) else 6


def _is_surrogate_pair(raw: str, position: int) -> bool:
    """Whether the ``\\u`` escape at ``position`` is a high surrogate followed by a low one (one character)."""
    high = int(raw[position + 2 : position + 6], 16)
    if not 0xD800 <= high < 0xDC00 or raw[position + 6 : position + 8] != "\\u":
        return False
    low = int(raw[position + 8 : position + 12], 16)  # a \u escape has four hex digits
    return 0xDC00 <= low < 0xE000


_DECODER = json.JSONDecoder()


class _Reader:
    def __init__(self, text: str, positioned_keys: frozenset[str]) -> None:
        self.text = text
        self.pos = 0
        self.positioned_keys = positioned_keys

    def skip_whitespace(self) -> None:
        self.pos = _WHITESPACE.match(self.text, self.pos).end()  # type: ignore[union-attr]

    def value(self) -> object:
        """An object, an array or a string (a cell, its ``source`` list, a ``source`` string), with positions."""
        self.skip_whitespace()
        char = self.text[self.pos]
        if char == "{":
            return self.members(
                lambda key: (
                    self.value() if key in self.positioned_keys else self.plain_value()
                )
            )
        if char == "[":
            return self.elements(self.value)
        return self.string()

    def plain_value(self) -> object:
        """A value nobody needs positions for, decoded by ``json``'s C scanner."""
        self.skip_whitespace()
        value, self.pos = _DECODER.raw_decode(self.text, self.pos)
        return value

    def members(self, read: Callable[[str], object]) -> dict[str, object]:
        """An object at ``pos``; ``read(key)`` reads each member's value (a repeated key keeps its last)."""
        self.pos += 1
        result: dict[str, object] = {}
        self.skip_whitespace()
        while not self.text.startswith("}", self.pos):
            key = self.string().value
            self.skip_whitespace()
            self.pos += 1  # the colon
            self.skip_whitespace()
            result[key] = read(key)
            self.skip_whitespace()
            if self.text.startswith(",", self.pos):
                self.pos += 1
                self.skip_whitespace()
        self.pos += 1
        return result

    def elements(self, read: Callable[[], object]) -> list[object]:
        """An array at ``pos``; ``read()`` reads each element."""
        self.pos += 1
        result: list[object] = []
        self.skip_whitespace()
        while not self.text.startswith("]", self.pos):
            result.append(read())
            self.skip_whitespace()
            if self.text.startswith(",", self.pos):
                self.pos += 1
                self.skip_whitespace()
        self.pos += 1
        return result

    def skimmed_offset(self) -> int:
        """Skip the value at ``pos`` (decoded in C, then dropped) and return where it started."""
        start = self.pos
        self.plain_value()
        return start

    def string(self) -> PositionedString:
        match = _STRING.match(self.text, self.pos)
        self.pos = match.end()  # type: ignore[union-attr]
        return PositionedString(json.loads(match.group()), match.start(1), match.end(1))  # type: ignore[union-attr]


def array_element_offsets(text: str, key: str) -> list[int]:
    """Where each element of the array under the top-level ``key`` starts (the rest is skimmed in C)."""
    reader = _Reader(text, frozenset())
    reader.skip_whitespace()

    def member(name: str) -> object:
        # An earlier repeat of the key may hold something else: json keeps the last.
        if name == key and reader.text.startswith("[", reader.pos):
            return reader.elements(reader.skimmed_offset)
        return reader.plain_value()

    offsets: list[int] = reader.members(member)[key]  # type: ignore[assignment]
    return offsets


def positioned_value(text: str, offset: int, positioned_keys: frozenset[str]) -> object:
    """The value starting at ``offset``: strings under ``positioned_keys`` come back as PositionedString."""
    reader = _Reader(text, positioned_keys)
    reader.pos = offset
    return reader.value()
