"""A small JSON reader that remembers where every character of every string came from.

GitHub anchors annotations to lines of the committed file; for a notebook that is the raw JSON. To map a
finding in a code cell back to the raw ``.ipynb`` we need, for each decoded character of a ``source``
string, its offset in the raw text — which ``json.loads`` throws away.
"""

from __future__ import annotations

from dataclasses import dataclass


class JSONPositionError(ValueError):
    pass


@dataclass(frozen=True)
class PositionedString:
    value: str
    offsets: tuple[int, ...]  # raw offset of each character of value, plus one past the closing quote


_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_WHITESPACE = " \t\n\r"
_MAX_DEPTH = 200


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, what: str) -> JSONPositionError:
        line = self.text.count("\n", 0, self.pos) + 1
        return JSONPositionError(f"{what} at line {line}")

    def skip_whitespace(self) -> None:
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos] in _WHITESPACE:
            pos += 1
        self.pos = pos

    def value(self, depth: int = 0) -> object:
        if depth > _MAX_DEPTH:
            raise self.fail("nesting too deep")
        self.skip_whitespace()
        if self.pos >= len(self.text):
            raise self.fail("unexpected end of document")
        char = self.text[self.pos]
        if char == "{":
            return self.object(depth)
        if char == "[":
            return self.array(depth)
        if char == '"':
            return self.string()
        return self.scalar()

    def object(self, depth: int) -> dict[str, object]:
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
            result[key] = self.value(depth + 1)
            self.skip_whitespace()
            if self.text.startswith(",", self.pos):
                self.pos += 1
            elif self.text.startswith("}", self.pos):
                self.pos += 1
                return result
            else:
                raise self.fail("expected ',' or '}'")

    def array(self, depth: int) -> list[object]:
        self.pos += 1
        result: list[object] = []
        self.skip_whitespace()
        if self.text.startswith("]", self.pos):
            self.pos += 1
            return result
        while True:
            result.append(self.value(depth + 1))
            self.skip_whitespace()
            if self.text.startswith(",", self.pos):
                self.pos += 1
            elif self.text.startswith("]", self.pos):
                self.pos += 1
                return result
            else:
                raise self.fail("expected ',' or ']'")

    def string(self) -> PositionedString:
        text = self.text
        pos = self.pos + 1
        chars: list[str] = []
        offsets: list[int] = []
        while True:
            if pos >= len(text):
                raise self.fail("unterminated string")
            char = text[pos]
            if char == '"':
                offsets.append(pos)
                self.pos = pos + 1
                return PositionedString("".join(chars), tuple(offsets))
            if char == "\\":
                escape = text[pos + 1 : pos + 2]
                if escape in _ESCAPES:
                    chars.append(_ESCAPES[escape])
                    offsets.append(pos)
                    pos += 2
                elif escape == "u":
                    code, width = self._unicode_escape(pos)
                    chars.append(code)
                    offsets.append(pos)
                    pos += width
                else:
                    raise self.fail("invalid escape")
            elif char < " ":
                raise self.fail("control character in string")
            else:
                chars.append(char)
                offsets.append(pos)
                pos += 1

    def _unicode_escape(self, pos: int) -> tuple[str, int]:
        digits = self.text[pos + 2 : pos + 6]
        try:
            code = int(digits, 16)
        except ValueError:
            raise self.fail("invalid \\u escape") from None
        if 0xD800 <= code < 0xDC00 and self.text[pos + 6 : pos + 8] == "\\u":
            try:
                low = int(self.text[pos + 8 : pos + 12], 16)
            except ValueError:
                raise self.fail("invalid \\u escape") from None
            if 0xDC00 <= low < 0xE000:
                return chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)), 12
        return chr(code), 6

    def scalar(self) -> object:
        for literal, value in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(literal, self.pos):
                self.pos += len(literal)
                return value
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] in "+-0123456789.eE":
            self.pos += 1
        number = self.text[start : self.pos]
        try:
            return float(number) if any(c in number for c in ".eE") else int(number)
        except ValueError:
            raise self.fail("invalid value") from None


def loads_with_positions(text: str) -> object:
    """Parse JSON; strings come back as PositionedString, everything else as plain Python values."""
    reader = _Reader(text)
    result = reader.value()
    reader.skip_whitespace()
    if reader.pos != len(text):
        raise reader.fail("trailing data")
    return result
