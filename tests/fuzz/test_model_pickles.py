"""Fuzzing the pickle emulator: structured opcode programs, spliced payloads, mutated real pickles.

Seeded and short in the normal suite; HUBGUARD_FUZZ_EXAMPLES=20000 for a long run (README, Reliability).
"""

from __future__ import annotations

import pickletools

from hypothesis import given
from hypothesis import strategies as st

from tests.inspectors.helpers import judge
from tests.inspectors.strategies import (
    BENIGN_SEEDS, EDITS, PAYLOAD, armed_canary, fuzz_settings, malicious_pickles, mutate, pickle_programs, timed,
)
from hubguard.inspectors import Verdict

__all__ = ["armed_canary"]


@fuzz_settings(400)
@given(pickle_programs())
def test_structured_programs_never_crash(data: bytes) -> None:
    timed(lambda: judge(data))


@fuzz_settings(150)
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    timed(lambda: judge(data))


def _boundaries(seed: bytes) -> list[int]:
    return [position for opcode, _, position in pickletools.genops(seed) if opcode.name != "PROTO"]


@fuzz_settings(300)
@given(st.sampled_from(BENIGN_SEEDS), st.data())
def test_a_payload_spliced_between_any_two_opcodes_is_found(seed: bytes, data: st.DataObject) -> None:
    at = data.draw(st.sampled_from(_boundaries(seed)))
    verdict = timed(lambda: judge(seed[:at] + PAYLOAD + seed[at:]))
    assert verdict.verdict is Verdict.MALICIOUS and "os.system" in verdict.calls


@fuzz_settings(200)
@given(malicious_pickles(), st.binary(min_size=1, max_size=64), EDITS)
def test_damage_after_a_payload_never_hides_it(payload: bytes, garbage: bytes, edits: list[tuple[int, int, str]]) -> None:
    tail = mutate(garbage, edits)
    verdict = timed(lambda: judge(payload[:-1] + tail))
    assert verdict.verdict is Verdict.MALICIOUS


@fuzz_settings(200)
@given(st.sampled_from(BENIGN_SEEDS), EDITS)
def test_mutated_real_pickles_never_crash(seed: bytes, edits: list[tuple[int, int, str]]) -> None:
    timed(lambda: judge(mutate(seed, edits)))
