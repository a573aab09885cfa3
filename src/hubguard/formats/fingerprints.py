"""``partialFingerprints.primaryLocationLineHash``, computed exactly as GitHub's upload-sarif does.

Port of ``hash()`` in github/codeql-action ``src/fingerprints.ts``: a rolling hash (base 37,
modulo 2**64) over the first 100 characters of each line, spaces and tabs skipped, CR and CRLF
read as LF, an end-of-file sentinel 65535 and NUL padding. Characters are UTF-16 code units
because the upstream code hashes JavaScript ``charCodeAt`` values.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from hubguard.formats.source_lines import split_lines

_MASK = (1 << 64) - 1
_BASE = 37
_BLOCK_SIZE = 100
_FIRST_MOD = pow(_BASE, _BLOCK_SIZE, 1 << 64)
_TAB, _SPACE, _LF, _CR = 9, 32, 10, 13
_EOF = 65535


def _utf16_code_units(text: str) -> Iterator[int]:
    for char in text:
        code = ord(char)
        if code > 0xFFFF:
            code -= 0x10000
            yield 0xD800 + (code >> 10)
            yield 0xDC00 + (code & 0x3FF)
        else:
            yield code


class _LineHasher:
    def __init__(self) -> None:
        self.window = [0] * _BLOCK_SIZE
        # line number starting at each window slot, -1 where no line starts
        self.line_numbers = [-1] * _BLOCK_SIZE
        self.value = 0
        self.index = 0
        self.counts: dict[str, int] = {}
        self.hashes: dict[int, str] = {}

    def output_if_line_ends_here(self) -> None:
        line = self.line_numbers[self.index]
        if line == -1:
            return
        digest = format(self.value, "x")
        self.counts[digest] = self.counts.get(digest, 0) + 1
        self.hashes[line] = f"{digest}:{self.counts[digest]}"
        self.line_numbers[self.index] = -1

    def push(self, code_unit: int) -> None:
        leaving = self.window[self.index]
        self.window[self.index] = code_unit
        self.value = (_BASE * self.value + code_unit - _FIRST_MOD * leaving) & _MASK
        self.index = (self.index + 1) % _BLOCK_SIZE


def line_hashes(text: str) -> dict[int, str]:
    """Map every 1-based line number of ``text`` to its ``"<hex>:<n>"`` fingerprint."""
    hasher = _LineHasher()
    line_number = 0
    line_start = True
    prev_cr = False
    for current in (*_utf16_code_units(text), _EOF):
        if current in (_SPACE, _TAB) or (prev_cr and current == _LF):
            prev_cr = False
            continue
        prev_cr = current == _CR
        if prev_cr:
            current = _LF
        hasher.output_if_line_ends_here()
        if line_start:
            line_number += 1
            hasher.line_numbers[hasher.index] = line_number
        line_start = current == _LF
        hasher.push(current)
    for _ in range(_BLOCK_SIZE):
        hasher.output_if_line_ends_here()
        hasher.push(0)
    return hasher.hashes


class FingerprintCache:
    """Hashes each file under ``root`` at most once per report.

    A file that cannot be read, lies outside ``root`` or is not valid UTF-8 gets no fingerprint
    (upload-sarif would decode it differently, and a wrong value is worse than none). ``texts`` supplies
    files that are not on disk as scanned (stdin).
    """

    def __init__(self, root: Path, texts: dict[str, str] | None = None) -> None:
        self._root = root
        self._texts: dict[str, str | None] = dict(texts or {})
        self._files: dict[str, dict[int, str] | None] = {}

    def _text(self, path: str) -> str | None:
        if path not in self._texts:
            self._texts[path] = read_text_under_root(self._root, path)
        return self._texts[path]

    def primary_location_line_hash(self, path: str, line: int) -> str | None:
        if path not in self._files:
            text = self._text(path)
            self._files[path] = None if text is None else line_hashes(text)
        hashes = self._files[path]
        return None if hashes is None else hashes.get(line)

    def line_content_hash(self, path: str, line: int) -> str | None:
        """The same rolling hash over line ``line`` alone (whitespace ignored): unlike the primary location
        hash, it does not change when the lines after it do."""
        text = self._text(path)
        lines = None if text is None else split_lines(text)
        if lines is None or not 1 <= line <= len(lines):
            return None
        return line_hashes(lines[line - 1])[1].partition(":")[0]


def read_text_under_root(root: Path, path: str) -> str | None:
    """The UTF-8 text of root-relative ``path``, or None if unreadable or outside ``root``."""
    resolved_root = root.resolve()
    candidate = (resolved_root / path).resolve()
    if not candidate.is_relative_to(resolved_root) or not candidate.is_file():
        return None
    try:
        return candidate.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
