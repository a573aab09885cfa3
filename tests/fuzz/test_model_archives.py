"""Fuzzing containers: zips (torch, npz, Keras), tars and compressed streams, built then mutated.

Oracle: a malicious member is found whatever else the archive holds; damage never crashes the scan.
"""

from __future__ import annotations

import zipfile

from hypothesis import given
from hypothesis import strategies as st

from tests.inspectors import fixtures as fx
from tests.inspectors.helpers import judge
from tests.inspectors.strategies import (
    EDITS, MEMBER_NAMES, armed_canary, fuzz_settings, malicious_pickles, member_contents, mutate, quiet_zip, tars,
    timed, zips,
)
from hubguard.inspectors import Verdict

__all__ = ["armed_canary"]

OTHER_MEMBERS = st.lists(st.tuples(MEMBER_NAMES, member_contents()), max_size=5)
EVIL_NAMES = st.sampled_from(["evil.pkl", "archive/data.pkl", "archive/constants.pkl", "weights.bin", "x/y.txt"])


@fuzz_settings(150)
@given(zips(), EDITS)
def test_mutated_zips_never_crash(data: bytes, edits: list[tuple[int, int, str]]) -> None:
    timed(lambda: judge(data))
    timed(lambda: judge(mutate(data, edits)))


@fuzz_settings(150)
@given(OTHER_MEMBERS, EVIL_NAMES, malicious_pickles(), st.integers(0, 5),
       st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
def test_a_malicious_zip_member_is_found_among_any_others(
    others: list[tuple[str, bytes]], name: str, payload: bytes, at: int, compression: int
) -> None:
    members = list(others)
    members.insert(at % (len(members) + 1), (name, payload))
    verdict = timed(lambda: judge(quiet_zip(members, compression)))
    assert verdict.verdict is Verdict.MALICIOUS, verdict.issues


@fuzz_settings(100)
@given(tars(), EDITS)
def test_mutated_tars_never_crash(data: bytes, edits: list[tuple[int, int, str]]) -> None:
    timed(lambda: judge(mutate(data, edits)))


@fuzz_settings(100)
@given(OTHER_MEMBERS.map(lambda members: [(n, d) for n, d in members if not n.endswith("/") and "\x00" not in n]),
       malicious_pickles())
def test_a_malicious_tar_member_is_found_among_any_others(others: list[tuple[str, bytes]], payload: bytes) -> None:
    verdict = timed(lambda: judge(fx.tar_bytes([*others, ("model/weights.bin", payload)])))
    assert verdict.verdict is Verdict.MALICIOUS


@fuzz_settings(100)
@given(st.sampled_from(["gzip", "bz2", "xz", "lzma", "zlib"]), member_contents(), EDITS)
def test_mutated_compressed_streams_never_crash(codec: str, content: bytes, edits: list[tuple[int, int, str]]) -> None:
    timed(lambda: judge(mutate(fx.compress_all(content)[codec], edits)))


SEVEN_ZIP_NAMES = st.one_of(st.sampled_from(["archive/data.pkl", "archive/version", "archive/data/0", "a.npy"]),
                            st.from_regex(r"[a-z]{1,8}(/[a-z]{1,8})?(\.[a-z]{1,3})?", fullmatch=True))


@fuzz_settings(25)
@given(st.lists(st.tuples(SEVEN_ZIP_NAMES, member_contents()), min_size=1, max_size=3), EDITS)
def test_mutated_7z_never_crash(members: list[tuple[str, bytes]], edits: list[tuple[int, int, str]]) -> None:
    data = fx.sevenzip_bytes(members)
    timed(lambda: judge(data, "model.7z"))
    timed(lambda: judge(mutate(data, edits), "model.7z"))


@fuzz_settings(15)
@given(st.lists(st.tuples(SEVEN_ZIP_NAMES, member_contents()), max_size=3), malicious_pickles())
def test_a_malicious_7z_member_is_found_among_any_others(others: list[tuple[str, bytes]], payload: bytes) -> None:
    data = fx.sevenzip_bytes([*others, ("model/weights.bin", payload)])
    assert timed(lambda: judge(data, "model.7z")).verdict is Verdict.MALICIOUS
