"""A small JSON reader that remembers where every string came from.

GitHub anchors annotations to lines of the committed file; for a notebook that is the raw JSON. To map a
finding in a code cell back to the raw ``.ipynb`` we need, for a decoded character of a ``source`` string,
its offset in the raw text — which ``json.loads`` throws away. Strings keep only their raw span; the
per-character offsets are computed on demand, for the few strings a finding points into. The document
itself is decoded by ``json``; this reader only skims it (in C) to find where each cell starts, and reads
with positions the cells a finding points into.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

_MAX_DEPTH = 200
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"((?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*)"')
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_LITERALS = (("true", True), ("false", False), ("null", None))
_ESCAPE_WIDTH = {"u": 6}


class JSONPositionError(ValueError):
    pass


@dataclass(frozen=True)
class PositionedString:
    value: str
    raw_start: int  # offset of the first character after the opening quote
    raw_end: int  # offset of the closing quote

    def offsets(self, raw: str) -> list[int]:
        """Raw offset of each character of ``value``, plus the closing quote's."""
        if self.raw_end - self.raw_start == len(self.value):  # no escapes
            return list(range(self.raw_start, self.raw_end + 1))
        offsets: list[int] = []
        position = self.raw_start
        while position < self.raw_end:
            offsets.append(position)
            if raw[position] != "\\":
                position += 1
                continue
            width = _ESCAPE_WIDTH.get(raw[position + 1], 2)
            if width == 6 and _is_surrogate_pair(raw, position):
                width = 12
            position += width
        offsets.append(self.raw_end)
        return offsets


def _is_surrogate_pair(raw: str, position: int) -> bool:
    high = int(raw[position + 2 : position + 6], 16)
    if not 0xD800 <= high < 0xDC00 or raw[position + 6 : position + 8] != "\\u":
        return False
    try:
        return 0xDC00 <= int(raw[position + 8 : position + 12], 16) < 0xE000
    except ValueError:
        return False


_DECODER = json.JSONDecoder()


class _Reader:
    def __init__(self, text: str, positioned_keys: frozenset[str]) -> None:
        self.text = text
        self.pos = 0
        self.positioned_keys = positioned_keys

    def fail(self, what: str) -> JSONPositionError:
        line = self.text.count("\n", 0, self.pos) + 1
        return JSONPositionError(f"{what} at line {line}")

    def skip_whitespace(self) -> None:
        self.pos = _WHITESPACE.match(self.text, self.pos).end()  # type: ignore[union-attr]

    def value(self, depth: int = 0) -> object:
        if depth > _MAX_DEPTH:
            raise self.fail("nesting too deep")
        self.skip_whitespace()
        char = self.text[self.pos : self.pos + 1]
        if char == "{":
            return self.json_object(depth)
        if char == "[":
            return self.array(depth)
        if char == '"':
            return self.string()
        if not char:
            raise self.fail("unexpected end of document")
        return self.scalar()

    def plain_value(self) -> object:
        """A value nobody needs positions for, decoded by ``json``'s C scanner."""
        self.skip_whitespace()
        try:
            value, self.pos = _DECODER.raw_decode(self.text, self.pos)
        except json.JSONDecodeError as error:
            self.pos = error.pos
            raise self.fail(error.msg) from None
        except RecursionError:
            raise self.fail("nesting too deep") from None
        return value

    def json_object(self, depth: int) -> dict[str, object]:
        def member(key: str) -> object:
            return self.value(depth + 1) if key in self.positioned_keys else self.plain_value()

        return self.members(member)

    def members(self, read: Callable[[str], object]) -> dict[str, object]:
        """An object at ``pos``; ``read(key)`` reads each member's value."""
        self.pos += 1
        result: dict[str, object] = {}
        self.skip_whitespace()
        if self.text.startswith("}", self.pos):
            self.pos += 1
            return result
        while True:
            self.skip_whitespace()
            if not self.text.startswith('"', self.pos):
                raise self.fail("expected a string key")
            key = self.string().value
            self.skip_whitespace()
            if not self.text.startswith(":", self.pos):
                raise self.fail("expected ':'")
            self.pos += 1
            self.skip_whitespace()
            result[key] = read(key)
            self.skip_whitespace()
            if self.text.startswith(",", self.pos):
                self.pos += 1
            elif self.text.startswith("}", self.pos):
                self.pos += 1
                return result
            else:
                raise self.fail("expected ',' or '}'")

    def array(self, depth: int) -> list[object]:
        return self.elements(lambda: self.value(depth + 1))

    def elements(self, read: Callable[[], object]) -> list[object]:
        """An array at ``pos``; ``read()`` reads each element."""
        self.pos += 1
        result: list[object] = []
        self.skip_whitespace()
        if self.text.startswith("]", self.pos):
            self.pos += 1
            return result
        while True:
            self.skip_whitespace()
            result.append(read())
            self.skip_whitespace()
            if self.text.startswith(",", self.pos):
                self.pos += 1
            elif self.text.startswith("]", self.pos):
                self.pos += 1
                return result
            else:
                raise self.fail("expected ',' or ']'")

    def skimmed_offset(self) -> int:
        """Skip the value at ``pos`` (decoded in C, then dropped) and return where it started."""
        start = self.pos
        self.plain_value()
        return start

    def string(self) -> PositionedString:
        match = _STRING.match(self.text, self.pos)
        if match is None:
            raise self.fail("invalid string")
        self.pos = match.end()
        body = match.group(1)
        value = body if "\\" not in body else json.loads(match.group())
        return PositionedString(value, match.start(1), match.end(1))

    def scalar(self) -> object:
        for literal, value in _LITERALS:
            if self.text.startswith(literal, self.pos):
                self.pos += len(literal)
                return value
        match = _NUMBER.match(self.text, self.pos)
        if match is None or not match.group():
            raise self.fail("invalid value")
        self.pos = match.end()
        number = match.group()
        return float(number) if any(c in number for c in ".eE") else int(number)


def array_element_offsets(text: str, key: str) -> list[int]:
    """Where each element of the array under the top-level ``key`` starts (the rest is skimmed in C)."""
    reader = _Reader(text, frozenset())
    reader.skip_whitespace()
    if not reader.text.startswith("{", reader.pos):
        raise reader.fail("expected an object")

    def member(name: str) -> object:
        if name == key and reader.text.startswith("[", reader.pos):
            return reader.elements(reader.skimmed_offset)
        return reader.plain_value()

    offsets = reader.members(member).get(key)
    return offsets if isinstance(offsets, list) else []


def positioned_value(text: str, offset: int, positioned_keys: frozenset[str]) -> object:
    """The value starting at ``offset``: strings under ``positioned_keys`` come back as PositionedString."""
    reader = _Reader(text, positioned_keys)
    reader.pos = offset
    return reader.value()
