"""Fuzzing the GGUF header walk and the chat-template gadget finder."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.inspectors import fixtures as fx
from tests.inspectors.helpers import judge
from tests.inspectors.strategies import EDITS, armed_canary, fuzz_settings, mutate, timed
from hubguard.inspectors import Verdict

__all__ = ["armed_canary"]

VALUES = st.one_of(
    st.tuples(st.text(max_size=20), st.just(fx.GGUF_STRING), st.text(max_size=40)),
    st.tuples(st.text(max_size=20), st.just(fx.GGUF_UINT32), st.integers(0, 2**32 - 1)),
    st.tuples(st.text(max_size=20), st.just(fx.GGUF_ARRAY),
              st.tuples(st.just(fx.GGUF_STRING), st.lists(st.text(max_size=8), max_size=20))),
    st.tuples(st.text(max_size=20), st.just(fx.GGUF_ARRAY),
              st.tuples(st.just(fx.GGUF_FLOAT32), st.lists(st.floats(width=32, allow_nan=False), max_size=20))),
)
LAYOUTS = st.sampled_from([{"version": 3}, {"version": 2}, {"version": 1}, {"version": 3, "big_endian": True}])
GADGET = "{{ cycler.__init__.__globals__.os.popen('touch /tmp/hubguard-fuzz') }}"


@fuzz_settings(200)
@given(st.lists(VALUES, max_size=8), LAYOUTS, EDITS)
def test_mutated_gguf_headers_never_crash(values: list[tuple[str, int, object]], layout: dict[str, object],
                                          edits: list[tuple[int, int, str]]) -> None:
    data = fx.gguf_bytes(values, **layout)  # type: ignore[arg-type]
    timed(lambda: judge(data, "model.gguf"))
    timed(lambda: judge(mutate(data, edits), "model.gguf"))


@fuzz_settings(150)
@given(st.lists(VALUES, max_size=8), st.lists(VALUES, max_size=4), LAYOUTS, st.text(max_size=60))
def test_a_gadget_is_found_whatever_surrounds_the_template(before: list[tuple[str, int, object]],
                                                           after: list[tuple[str, int, object]],
                                                           layout: dict[str, object], text: str) -> None:
    template = fx.CHATML_TEMPLATE + text.replace("{", "").replace("}", "") + GADGET
    data = fx.gguf_bytes([*before, ("tokenizer.chat_template", fx.GGUF_STRING, template), *after], **layout)  # type: ignore[arg-type]
    assert timed(lambda: judge(data, "model.gguf")).verdict >= Verdict.SUSPICIOUS
