"""7z archives (nullifAI): opened with py7zr, size- and ratio-bounded, members judged like zip members;
an archive that cannot be opened or is encrypted is never clean."""

from __future__ import annotations

import time
import tracemalloc

import py7zr
import pytest

from tests.inspectors.fixtures import (
    PROTO4, STOP, sevenzip_bytes, system_call, torch_state_dict_pickle, torch_zip,
)
from tests.inspectors.helpers import judge, kinds, messages
from hubguard.inspectors import Limits, Verdict

EVIL = system_call("id", 2)
BENIGN = torch_state_dict_pickle()
TORCH_LAYOUT = [("archive/version", b"3\n"), ("archive/data/0", bytes(64)), ("archive/byteorder", b"little")]
FILTERS = {
    "lzma2": None,
    "copy": [{"id": py7zr.FILTER_COPY}],
    "bcj-lzma2": [{"id": py7zr.FILTER_X86}, {"id": py7zr.FILTER_LZMA2}],
    "deflate": [{"id": py7zr.FILTER_DEFLATE}],
    "bzip2": [{"id": py7zr.FILTER_BZIP2}],
}


@pytest.mark.parametrize("filters", FILTERS)
def test_pytorch_archive_compressed_with_7z(filters: str) -> None:
    benign = sevenzip_bytes([*TORCH_LAYOUT, ("archive/data.pkl", BENIGN)], filters=FILTERS[filters])
    assert judge(benign, "pytorch_model.bin").verdict is Verdict.SAFE
    evil = judge(sevenzip_bytes([*TORCH_LAYOUT, ("archive/data.pkl", EVIL)], filters=FILTERS[filters]), "model.bin")
    assert evil.verdict is Verdict.MALICIOUS and "7z" in evil.format
    assert any(issue.member == "archive/data.pkl" for issue in evil.issues)


@pytest.mark.parametrize("members", [
    [("model.bin", EVIL)],
    [("readme.txt", b"hello"), ("weights/model.pt", torch_zip(EVIL))],
    [("inner.7z", sevenzip_bytes([("x.pkl", EVIL)]))],
], ids=["raw-pickle", "torch-zip-member", "nested-7z"])
def test_members_are_sniffed_like_zip_members(members: list[tuple[str, bytes]]) -> None:
    assert judge(sevenzip_bytes(members), "model.7z").verdict is Verdict.MALICIOUS


@pytest.mark.parametrize("encrypt_header", [False, True])
def test_encrypted_archives_are_never_clean(encrypt_header: bool) -> None:
    data = sevenzip_bytes([("archive/data.pkl", EVIL)], password="secret", encrypt_header=encrypt_header)
    verdict = judge(data, "model.7z")
    assert verdict.verdict is Verdict.SUSPICIOUS and "encrypted" in kinds(verdict), messages(verdict)


@pytest.mark.parametrize("damage", ["truncated", "garbled-header", "magic-only"])
def test_archives_that_cannot_be_opened_are_never_clean(damage: str) -> None:
    data = sevenzip_bytes([("archive/data.pkl", BENIGN)])
    broken = {"truncated": data[: len(data) // 2], "garbled-header": data[:-20] + bytes(20),
              "magic-only": data[:6] + bytes(64)}[damage]
    verdict = judge(broken, "model.7z")
    assert verdict.verdict is Verdict.SUSPICIOUS and "7z" in messages(verdict), messages(verdict)


def test_a_7z_bomb_is_refused_before_decompressing() -> None:
    bomb = sevenzip_bytes([("archive/data.pkl", PROTO4 + b"\x8e" + (2**25).to_bytes(8, "little") + bytes(2**25) + STOP)])
    assert len(bomb) < 100_000
    tracemalloc.start()
    started = time.monotonic()
    try:
        verdict = judge(bomb, "bomb.7z")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert verdict.verdict is Verdict.SUSPICIOUS and "limit" in kinds(verdict)
    assert "compression ratio" in messages(verdict)
    assert time.monotonic() - started < 10 and peak < 64 * 2**20


def test_decompressed_bytes_count_against_the_files_budget() -> None:
    data = sevenzip_bytes([(f"part{index}.bin", bytes(range(256)) * 4096) for index in range(4)])  # 4 MiB
    verdict = judge(data, "parts.7z", limits=Limits(max_inflated_bytes=2**20, max_inflate_ratio=10**6))
    assert verdict.verdict is Verdict.SUSPICIOUS and "limit" in kinds(verdict)
