"""Property tests: arbitrary and mutated inputs never raise and always finish inside the budgets."""

from __future__ import annotations

import pickle

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.inspectors.fixtures import rng_state_pickle, system_call, torch_state_dict_pickle, torch_zip
from tests.inspectors.helpers import judge
from hubguard.inspectors import FileVerdict, Limits, Verdict

TIGHT = Limits(max_opcodes=20_000, max_pickle_bytes=2**20, max_inflated_bytes=4 * 2**20, max_members=200)
SEEDS = [
    system_call("id", 0), system_call("id", 4), torch_state_dict_pickle(), rng_state_pickle(),
    pickle.dumps({"a": [1.5, "x", b"y", (None, True)], "b": {1, 2}}, protocol=5), torch_zip(torch_state_dict_pickle()),
]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _well_formed(verdict: FileVerdict) -> None:
    assert isinstance(verdict.verdict, Verdict)
    assert verdict.verdict == max((issue.verdict for issue in verdict.issues), default=Verdict.SAFE)
    assert all(issue.kind != "incomplete" or "unexpectedly" not in issue.message for issue in verdict.issues)


@FUZZ
@given(st.binary(max_size=4096))
def test_arbitrary_bytes(data: bytes) -> None:
    _well_formed(judge(data, limits=TIGHT))


EDITS = st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255), st.sampled_from("rid")), max_size=8)


@FUZZ
@given(st.sampled_from(SEEDS), EDITS)
def test_mutated_real_files(seed: bytes, edits: list[tuple[int, int, str]]) -> None:
    data = bytearray(seed)
    for position, value, action in edits:
        position %= len(data) + 1
        if action == "r" and position < len(data):
            data[position] = value
        elif action == "i":
            data.insert(position, value)
        elif position < len(data):
            del data[position]
    _well_formed(judge(bytes(data), limits=TIGHT))


@FUZZ
@given(st.binary(min_size=1, max_size=64))
def test_garbage_after_a_payload_never_hides_it(garbage: bytes) -> None:
    verdict = judge(system_call("id", 2)[:-1] + garbage, limits=TIGHT)
    assert verdict.verdict is Verdict.MALICIOUS
