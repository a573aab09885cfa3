"""Finding positions come from CPython's ast, paired with LibCST calls by source order."""

from __future__ import annotations

import libcst as cst

from hubguard.static.analyzer import _CandidateCollector
from hubguard.static.positions import PositionIndex

SOURCE = (
    "@decorate(first())\n"
    "def f(x: Annotated[int, meta()] = default()) -> ret():\n"
    "    value = body() if test() else other()\n"
    "    try:\n"
    "        pass\n"
    "    except catch() as error:\n"
    "        handler()\n"
    "class C(base(), metaclass=meta2()):\n"
    "    name = 'é' + g(h(1))\n"
    "\f\n"
    "after_form_feed()\n"
)


def _calls(module: cst.Module) -> list[cst.Call]:
    collector = _CandidateCollector()
    collector.walk(module)
    return collector.all_calls


def _spans(index: PositionIndex, calls: list[cst.Call]) -> list[tuple[int, int, int, int]]:
    return [tuple(vars(index.span(call, call.func)).values()) for call in calls]  # type: ignore[misc]


def test_walk_order_matches_ast_so_no_metadata_pass_is_needed() -> None:
    module = cst.parse_module(SOURCE)
    calls = _calls(module)
    index = PositionIndex(module, SOURCE, calls)
    assert index._ast_calls is not None
    spans = {cst.Module([]).code_for_node(call.func): span for call, span in zip(calls, _spans(index, calls))}
    assert spans["first"] == (1, 10, 1, 15)
    assert spans["body"] == (3, 12, 3, 16)
    assert spans["test"] == (3, 22, 3, 26)
    assert spans["g"] == (9, 17, 9, 18)  # columns count code points, not UTF-8 bytes
    assert spans["after_form_feed"] == (11, 0, 11, 15)


def test_disagreeing_orders_fall_back_to_position_provider() -> None:
    module = cst.parse_module(SOURCE)
    calls = _calls(module)
    shuffled = list(reversed(calls))
    index = PositionIndex(module, SOURCE, shuffled)
    assert index._ast_calls is None
    assert _spans(index, calls) == _spans(PositionIndex(module, SOURCE, calls), calls)
