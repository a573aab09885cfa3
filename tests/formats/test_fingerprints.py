"""The primaryLocationLineHash port against github/codeql-action's own test vectors.

Vectors: src/fingerprints.test.ts ("hash" test) and src/testdata/fingerprinting.expected.sarif with
testFile1.js / testFile2.js, from github/codeql-action (algorithm in src/fingerprints.ts).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hubguard.formats.fingerprints import FingerprintCache, _utf16_code_units, line_hashes

GREETINGS_HASHES = [
    "e9496ae3ebfced30:1",
    "fb7c023a8b9ccb3f:1",
    "ce8ba1a563dcdaca:1",
    "e20e36e16fcb0cc8:1",
    "b3edc88f2938467e:1",
    "c8e28b0b4002a3a0:1",
    "c129715d7a2bc9a3:1",
]

UPSTREAM_VECTORS = [
    ("", ["c129715d7a2bc9a3:1"]),
    (" a\nb\n  \t\tc\n d", ["271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1"]),
    (
        " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
        [
            "8b7cf3e952e7aeb2:1",
            "b1ae1287ec4718d9:1",
            "bff680108adb0fcc:1",
            "c6805c5e1288b612:1",
            "b86d3392aea1be30:1",
            "e6ceba753e1a442:1",
        ],
    ),
    (" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n", GREETINGS_HASHES),
    (" hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r", GREETINGS_HASHES),
    (" hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n", GREETINGS_HASHES),
    (" hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n", GREETINGS_HASHES),
    (
        "Lorem ipsum dolor sit amet.\n" * 10,
        [
            "a7f2ff13bc495cf2:1",
            "a7f2ff13bc495cf2:2",
            "a7f2ff13bc495cf2:3",
            "a7f2ff13bc495cf2:4",
            "a7f2ff13bc495cf2:5",
            "a7f2ff13bc495cf2:6",
            "a7f2ff1481e87703:1",
            "a9cf91f7bbf1862b:1",
            "55ec222b86bcae53:1",
            "cc97dc7b1d7d8f7b:1",
            "c129715d7a2bc9a3:1",
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), UPSTREAM_VECTORS)
def test_line_hashes_match_upstream_vectors(text: str, expected: list[str]) -> None:
    assert line_hashes(text) == {line: value for line, value in enumerate(expected, start=1)}


def test_fingerprinting_testdata_files(tmp_path: Path) -> None:
    (tmp_path / "testFile1.js").write_text("var a = 0;\nvar b = 0;\nvar c = 0;\nvar d = 0;\n")
    (tmp_path / "testFile2.js").write_text("var foo = 0;\nvar bar = 0;\nvar baz = 0;\nvar qux = 0;\n")
    cache = FingerprintCache(tmp_path)
    assert cache.primary_location_line_hash("testFile1.js", 1) == "5e4d5a9cf1294ad9:1"
    assert cache.primary_location_line_hash("testFile2.js", 2) == "f7592a95a9381ac0:1"


def test_characters_beyond_the_bmp_count_as_two_utf16_units() -> None:
    # JavaScript's charCodeAt sees a surrogate pair, so the emoji must hash as U+D83D U+DE00.
    assert list(_utf16_code_units("a\U0001f600")) == [0x61, 0xD83D, 0xDE00]
    assert line_hashes("x = '\U0001f600'\n") != line_hashes("x = '\uf600'\n")


def test_unreadable_outside_root_or_non_utf8_files_get_no_fingerprint(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "outside.py").write_text("secret = 1\n")
    (root / "latin1.py").write_bytes(b"name = '\xe9'\n")
    cache = FingerprintCache(root)
    assert cache.primary_location_line_hash("missing.py", 1) is None
    assert cache.primary_location_line_hash("../outside.py", 1) is None
    assert cache.primary_location_line_hash("latin1.py", 1) is None


def test_the_last_bmp_character_is_one_code_unit_and_the_first_beyond_it_two() -> None:
    assert list(_utf16_code_units("\uffff\U00010000")) == [0xFFFF, 0xD800, 0xDC00]


def test_a_leading_line_feed_is_a_line_of_its_own() -> None:
    hashes = line_hashes("\nx = 1\n")
    assert sorted(hashes) == [1, 2, 3]
    assert hashes[2] == line_hashes("y\nx = 1\n")[2]  # the first line's content does not shift the second


def test_line_content_hash_reads_one_line_only(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = load(a)\ny = 1\n", encoding="utf-8")
    (tmp_path / "b.py").write_text("x  =  load(a)\r\nz = 2\n", encoding="utf-8")
    cache = FingerprintCache(tmp_path, texts={"stdin.py": "w = 0\nx = load(a)\n"})
    first = cache.line_content_hash("a.py", 1)
    assert first == line_hashes("x = load(a)")[1].partition(":")[0]
    assert cache.line_content_hash("b.py", 1) == first  # spaces and the line ending do not count
    assert cache.line_content_hash("stdin.py", 2) == first
    assert cache.line_content_hash("a.py", 2) != first
    assert [cache.line_content_hash("a.py", line) for line in (0, 3)] == [None, None]
    assert cache.line_content_hash("missing.py", 1) is None


def test_the_occurrence_count_counts_earlier_lines_only() -> None:
    """Line 2's window (98 NULs, then "ab") hashes like the file's first two characters alone: a count that also
    counted windows no line starts at would call line 2 the second occurrence of its hash."""
    hashes = line_hashes("ab\n" + "\x00" * 98 + "ab\n")
    assert hashes[2] == "e67:1"
    assert [entry.split(":")[1] for entry in hashes.values()] == ["1", "1", "1"]
