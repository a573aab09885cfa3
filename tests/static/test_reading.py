"""Reading the files a scan covers, in-process: only regular files, never more than max-file-size, and what a
file that was not read or not decoded becomes (a notice, or HG001 when it mentions a loader)."""

from __future__ import annotations

import os
import socket
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

from hubguard.config import Config
from hubguard.findings import Level, ScanResult
from hubguard.static import reading
from hubguard.static.engine import analyze_bytes, scan_paths

LOADER = "import torch\nstate = torch.load('w.pt')\n"
KIB = 1024


def scan(root: Path, *paths: Path, max_file_size: int = 32 * KIB * KIB) -> ScanResult:
    return scan_paths(list(paths) or [root], Config(cache=False, max_file_size=max_file_size), root)


def notices(result: ScanResult) -> list[tuple[str, str, Level]]:
    return sorted((n.path or "", n.message, n.level) for n in result.notifications)


def hg001(result: ScanResult) -> list[tuple[str, str, Level]]:
    return [(f.location.path, f.message, f.level) for f in result.findings if f.rule_id == "HG001"]


def flagged(reason: str) -> str:
    return f"Not analysed ({reason}); the file mentions a model loader, so findings may be hidden here."


def before_opening(monkeypatch: pytest.MonkeyPatch, target: Path, change: Callable[[], object]) -> None:
    """``change`` runs right before the scan opens ``target``: after its checks, as a tree changing mid-scan."""
    real_open = os.open

    def changed_then_open(path: str, flags: int, *args: int) -> int:
        if path == str(target):
            change()
        return real_open(path, flags, *args)

    monkeypatch.setattr(reading.os, "open", changed_then_open)


@pytest.mark.parametrize("named", [True, False], ids=["named", "walked"])
def test_devices_fifos_and_sockets_are_not_read(tmp_path: Path, named: bool) -> None:
    (tmp_path / "zero.py").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "fifo.py")
    listening = socket.socket(socket.AF_UNIX)
    listening.bind(str(tmp_path / "sock.py"))
    (tmp_path / "real.py").write_text(LOADER)
    try:
        names = ("fifo.py", "real.py", "sock.py", "zero.py")
        result = scan(tmp_path, *(tmp_path / name for name in names)) if named else scan(tmp_path)
    finally:
        listening.close()
    assert notices(result) == [  # a symlinked file is reported under its target's path
        ("/dev/zero", "a character device, not a regular file; not read", Level.WARNING),
        ("fifo.py", "a FIFO (named pipe), not a regular file; not read", Level.WARNING),
        ("sock.py", "a socket, not a regular file; not read", Level.WARNING),
    ]
    assert [(f.location.path, f.rule_id) for f in result.findings] == [("real.py", "HG301")]
    assert result.files_scanned == 4


def test_a_dangling_symlink_or_a_vanished_file_is_a_notice(tmp_path: Path) -> None:
    (tmp_path / "dangling.py").symlink_to(tmp_path / "gone.py")
    result = scan(tmp_path, tmp_path / "dangling.py", tmp_path / "missing.py")
    assert notices(result) == [  # a symlinked file is reported under its target's path
        ("gone.py", "cannot read file: No such file or directory", Level.WARNING),
        ("missing.py", "cannot read file: No such file or directory", Level.WARNING),
    ]
    assert result.findings == []


def test_a_file_that_fails_to_read_is_a_notice_and_the_scan_goes_on(tmp_path: Path) -> None:
    """Found while testing reading: a symlink to /proc/self/mem (a regular file whose first read fails with EIO)
    stopped the whole scan with an internal error."""
    (tmp_path / "mem.py").symlink_to("/proc/self/mem")
    (tmp_path / "real.py").write_text(LOADER)
    result = scan(tmp_path)
    # reported under the symlink's target, /proc/<pid>/mem
    assert notices(result) == [(f"/proc/{os.getpid()}/mem", "cannot read file: Input/output error", Level.WARNING)]
    assert [(f.location.path, f.rule_id) for f in result.findings] == [("real.py", "HG301")]


def test_a_fifo_swapped_in_after_the_check_is_neither_waited_on_nor_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "swapped.py"
    target.write_text(LOADER)

    def swap() -> None:
        target.unlink()
        os.mkfifo(target)  # no writer: a blocking open would wait forever

    before_opening(monkeypatch, target, swap)
    result = scan(tmp_path, target)
    assert notices(result) == [("swapped.py", "a FIFO (named pipe), not a regular file; not read", Level.WARNING)]


def test_a_file_removed_between_the_check_and_the_open_is_a_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "vanishing.py"
    target.write_text(LOADER)
    before_opening(monkeypatch, target, target.unlink)  # a tree that changes while it is scanned
    result = scan(tmp_path, target)
    assert notices(result) == [("vanishing.py", "cannot read file: No such file or directory", Level.WARNING)]
    assert result.findings == []


def test_reading_and_analysing_files_shows_no_python_warning(tmp_path: Path) -> None:
    """Nothing but findings and notices reaches the user: no RuntimeWarning from how files are opened, no
    SyntaxWarning (DeprecationWarning before 3.12) from the scanned code's invalid escapes."""
    source = 'import re\nimport torch\nDIGITS = re.compile("\\d+")\nstate = torch.load("w.pt")\n'
    (tmp_path / "patterns.py").write_text(source)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = scan(tmp_path)
    assert [str(warning.message) for warning in caught] == []
    assert [f.rule_id for f in result.findings] == ["HG301"]


def test_a_file_over_max_file_size_is_hg001_when_it_mentions_a_loader_early(tmp_path: Path) -> None:
    (tmp_path / "big.py").write_text(LOADER + "# " + "x" * 2000 + "\n")
    result = scan(tmp_path, max_file_size=KIB)
    assert hg001(result) == [
        (
            "big.py",
            flagged("file is 2,043 bytes, larger than max-file-size (1,024 bytes); not analysed"),
            Level.WARNING,
        )
    ]
    assert result.notifications == [] and result.files_scanned == 1


def test_a_file_over_max_file_size_without_a_loader_is_a_notice_with_its_size(tmp_path: Path) -> None:
    (tmp_path / "data.py").write_text("TABLE = [\n" + "    1,\n" * 2000 + "]\n")
    result = scan(tmp_path, max_file_size=KIB)
    assert notices(result) == [
        ("data.py", "file is 14,012 bytes, larger than max-file-size (1,024 bytes); not analysed", Level.WARNING)
    ]
    assert result.findings == []


def test_a_file_at_max_file_size_is_read_to_its_last_byte(tmp_path: Path) -> None:
    call = "state = torch.load('w.pt')"  # no newline after it: a byte short, the call would not parse
    text = "import torch\n" + "#" * (KIB - len("import torch\n") - len(call) - 1) + "\n" + call
    (tmp_path / "exact.py").write_text(text)
    assert len(text) == KIB
    result = scan(tmp_path, max_file_size=KIB)
    assert [(f.rule_id, f.location.region.start_line if f.location.region else None) for f in result.findings] == [
        ("HG301", 3)
    ]
    assert result.notifications == []


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux's /proc")
def test_a_file_larger_than_its_stat_size_is_read_whole_and_still_bounded() -> None:
    """/proc files report size 0 (so does a file that grows between stat and read): the first read asks for
    what stat said, and reading goes on in chunks up to the ceiling."""
    data = reading.read_regular_file("/proc/self/status", 64 * KIB, lambda data: False)
    assert data.startswith(b"Name:") and data.endswith(b"\n") and b"\nPid:" in data
    with pytest.raises(reading.TooLarge):
        reading.read_regular_file("/proc/self/status", 20, lambda data: False)


def test_a_file_that_grows_past_the_growth_chunk_is_read_in_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading, "_GROWTH_CHUNK", 3)
    (tmp_path / "grows.py").write_bytes(b"0123456789")
    real = os.stat(tmp_path / "grows.py")
    shrunk = os.stat_result((*real[:6], 4, *real[7:]))  # the file "grows" after fstat: 4 bytes of its 10
    monkeypatch.setattr(reading.os, "fstat", lambda descriptor: shrunk)
    assert reading.read_regular_file(str(tmp_path / "grows.py"), 10, lambda data: False) == b"0123456789"
    with pytest.raises(reading.TooLarge):
        reading.read_regular_file(str(tmp_path / "grows.py"), 9, lambda data: False)


def test_a_file_whose_stat_size_says_nothing_is_read_no_further_than_the_ceiling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A /proc file, or one that grows from nothing after fstat: never more than max-file-size + 1 bytes are held
    at once, and the rest is only streamed past the loader test."""
    (tmp_path / "grows.py").write_bytes(b"0123456789")
    real = os.stat(tmp_path / "grows.py")
    empty = os.stat_result((*real[:6], 0, *real[7:]))
    monkeypatch.setattr(reading.os, "fstat", lambda descriptor: empty)
    seen: list[bytes] = []

    def mentions_loader(data: bytes) -> bool:
        seen.append(data)
        return False

    with pytest.raises(reading.TooLarge):
        reading.read_regular_file(str(tmp_path / "grows.py"), 5, mentions_loader)
    assert seen == [b"012345", b"012345" + b"6789"]  # the first 5 + 1 bytes, then the rest after their overlap


@pytest.mark.parametrize(
    "loader_at",
    [
        2000,  # in the unread rest
        KIB - 2,  # cut by the ceiling: "to" read, "rch" in the rest
        KIB + 1 + 1024 * KIB - 3,  # cut between two chunks of the rest
        3 * 1024 * KIB,  # in a later chunk
    ],
)
def test_a_loader_mentioned_anywhere_past_the_ceiling_makes_an_oversized_file_hg001(
    tmp_path: Path, loader_at: int
) -> None:
    padding = b"#" * (3 * 1024 * KIB + 100)
    data = padding[:loader_at] + b"torch" + padding[loader_at:]
    (tmp_path / "big.py").write_bytes(data)
    result = scan(tmp_path, max_file_size=KIB)
    [(path, message, _)] = hg001(result)
    assert path == "big.py" and f"file is {len(data):,} bytes" in message


def test_past_the_streaming_bound_an_oversized_file_is_assumed_to_mention_a_loader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Streaming a huge file to its end to look for a loader would take as long as reading it: past
    ``_STREAM_LIMIT`` bytes (1 GiB; 8 KiB here) the scan stops and flags the file."""
    monkeypatch.setattr(reading, "_STREAM_LIMIT", 8 * KIB)
    monkeypatch.setattr(reading, "_CHUNK", KIB)
    (tmp_path / "huge.py").write_bytes(b"#" * (8 * KIB) + b"\n")  # 1025 read, then chunks: 8193 streamed
    (tmp_path / "within.py").write_bytes(b"#" * (8 * KIB - 1) + b"\n")  # ends exactly at the bound
    result = scan(tmp_path, max_file_size=KIB)
    assert [path for path, _, _ in hg001(result)] == ["huge.py"]
    assert [path for path, _, _ in notices(result)] == ["within.py"]


def test_binary_files_and_undecodable_ones_are_hg001_only_when_they_mention_a_loader(tmp_path: Path) -> None:
    (tmp_path / "blob.py").write_bytes(b"import torch\x00\nstate = torch.load(f)\n")
    (tmp_path / "plain_blob.py").write_bytes(b"import torch\x00\x01\x02\n")  # a sink module, no call
    (tmp_path / "latin.py").write_bytes(b"# caf\xe9\nimport torch\nstate = torch.load(f)\n")
    (tmp_path / "bogus.py").write_bytes(b"# -*- coding: no-such-codec -*-\nimport torch\ntorch.load(f)\n")
    result = scan(tmp_path)
    assert sorted(hg001(result)) == [
        ("blob.py", flagged("binary file (contains NUL bytes); not analysed"), Level.WARNING),
        ("bogus.py", flagged("cannot decode the file as Python source: unknown encoding: no-such-codec"), Level.WARNING),
        (
            "latin.py",
            flagged("cannot decode the file as Python source: invalid or missing encoding declaration"),
            Level.WARNING,
        ),
    ]
    assert notices(result) == [("plain_blob.py", "binary file (contains NUL bytes); not analysed", Level.WARNING)]


def test_a_declared_encoding_is_honoured(tmp_path: Path) -> None:
    text = "# -*- coding: latin-1 -*-\n# café\nimport torch\nstate = torch.load(f)\n"
    result = analyze_bytes(text.encode("latin-1"), "latin.py", Config())
    assert [(f.rule_id, f.location.region.start_line if f.location.region else None) for f in result.findings] == [
        ("HG301", 4)
    ]
    bom = analyze_bytes(b"\xef\xbb\xbf" + LOADER.encode(), "bom.py", Config())
    assert [f.rule_id for f in bom.findings] == ["HG301"]


def test_a_notebook_that_is_not_utf8_or_not_a_notebook_is_not_analysed(tmp_path: Path) -> None:
    latin = analyze_bytes(b'{"cells": [], "torch.load(": "\xe9"}', "nb.ipynb", Config())
    reason = "notebook is not valid UTF-8: 'utf-8' codec can't decode byte 0xe9 in position 30: invalid continuation byte"
    assert [(f.rule_id, f.message) for f in latin.findings] == [("HG001", flagged(reason))]
    broken = analyze_bytes(b'{"cells": 3, "torch.load(": 1}', "nb.ipynb", Config())
    [finding] = broken.findings
    assert finding.rule_id == "HG001" and finding.message.startswith("Not analysed (broken notebook: ")
    nul = analyze_bytes(b'{"cells": [], "nbformat": 4, "metadata": {"x": "torch.load(\\u0000"}}', "nb.ipynb", Config())
    assert [f.rule_id for f in nul.findings] == []  # NUL escaped in JSON is not binary; no code, no finding
    bom = analyze_bytes(
        b'\xef\xbb\xbf{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": "import torch\\n'
        b'torch.load(f)\\n"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}',
        "nb.ipynb",
        Config(),
    )
    assert [f.rule_id for f in bom.findings] == ["HG301"]
