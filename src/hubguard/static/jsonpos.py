"""A small JSON reader that remembers where every string came from.

GitHub anchors annotations to lines of the committed file; for a notebook that is the raw JSON. To map a
finding in a code cell back to the raw ``.ipynb`` we need, for a decoded character of a ``source`` string,
its offset in the raw text — which ``json.loads`` throws away. Strings keep only their raw span; the
per-character offsets are computed on demand, for the few strings a finding points into. Values under
``skip_keys`` (a notebook's outputs) are checked for well-formedness but never built.
"""

from __future__ import annotations

import json
import re
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


class _Reader:
    def __init__(self, text: str, skip_keys: frozenset[str]) -> None:
        self.text = text
        self.pos = 0
        self.skip_keys = skip_keys

    def fail(self, what: str) -> JSONPositionError:
        line = self.text.count("\n", 0, self.pos) + 1
        return JSONPositionError(f"{what} at line {line}")

    def skip_whitespace(self) -> None:
        self.pos = _WHITESPACE.match(self.text, self.pos).end()  # type: ignore[union-attr]

    def value(self, depth: int = 0, build: bool = True) -> object:
        if depth > _MAX_DEPTH:
            raise self.fail("nesting too deep")
        self.skip_whitespace()
        char = self.text[self.pos : self.pos + 1]
        if char == "{":
            return self.object(depth, build)
        if char == "[":
            return self.array(depth, build)
        if char == '"':
            return self.string(build)
        if not char:
            raise self.fail("unexpected end of document")
        return self.scalar()

    def object(self, depth: int, build: bool) -> dict[str, object] | None:
        self.pos += 1
        result: dict[str, object] = {}
        self.skip_whitespace()
        if self.text.startswith("}", self.pos):
            self.pos += 1
            return result if build else None
        while True:
            self.skip_whitespace()
            if not self.text.startswith('"', self.pos):
                raise self.fail("expected a string key")
            key = self.string(True).value  # type: ignore[union-attr]
            self.skip_whitespace()
            if not self.text.startswith(":", self.pos):
                raise self.fail("expected ':'")
            self.pos += 1
            value = self.value(depth + 1, build and key not in self.skip_keys)
            if build:
                result[key] = value
            self.skip_whitespace()
            if self.text.startswith(",", self.pos):
                self.pos += 1
            elif self.text.startswith("}", self.pos):
                self.pos += 1
                return result if build else None
            else:
                raise self.fail("expected ',' or '}'")

    def array(self, depth: int, build: bool) -> list[object] | None:
        self.pos += 1
        result: list[object] = []
        self.skip_whitespace()
        if self.text.startswith("]", self.pos):
            self.pos += 1
            return result if build else None
        while True:
            value = self.value(depth + 1, build)
            if build:
                result.append(value)
            self.skip_whitespace()
            if self.text.startswith(",", self.pos):
                self.pos += 1
            elif self.text.startswith("]", self.pos):
                self.pos += 1
                return result if build else None
            else:
                raise self.fail("expected ',' or ']'")

    def string(self, build: bool) -> PositionedString | None:
        match = _STRING.match(self.text, self.pos)
        if match is None:
            raise self.fail("invalid string")
        self.pos = match.end()
        if not build:
            return None
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


def loads_with_positions(text: str, skip_keys: frozenset[str] = frozenset()) -> object:
    """Parse JSON; strings come back as PositionedString, everything else as plain Python values.

    Values of keys in ``skip_keys`` are validated but come back as None.
    """
    reader = _Reader(text, skip_keys)
    result = reader.value()
    reader.skip_whitespace()
    if reader.pos != len(text):
        raise reader.fail("trailing data")
    return result
