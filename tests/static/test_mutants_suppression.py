"""Parsing ``# hubguard: ignore`` comments, pinned exactly: which lines, which codes, which columns."""

from __future__ import annotations

import pytest

from hubguard.static.suppression import ALL_RULES, comment_span, suppresses, suppressing_line, suppressions_by_line


def test_codes_are_split_on_commas_and_spaces_and_upper_cased() -> None:
    text = (
        "a = 1  # hubguard: ignore[hg101, HG201 hg301]\n"
        "b = 2\n"
        "c = 3  #hubguard:ignore [HG301,,]\n"
        "d = 4  # hubguard: ignore\n"
        "e = 5  # hubguard: ignore[]\n"
    )
    assert suppressions_by_line(text) == {
        1: frozenset({"HG101", "HG201", "HG301"}),
        3: frozenset({"HG301"}),
        4: frozenset({ALL_RULES}),
        5: frozenset(),
    }


@pytest.mark.parametrize(
    "line",
    [
        "x = 1  # hubguard: ignore[HG301",  # never closed: a typo suppresses nothing, never everything
        "x = 1  # hubguard: ignored",
        "x = 1  # hubguard ignore",
        "x = 1  # Hubguard: ignore",
        "x = 1  # nohubguard",
    ],
)
def test_malformed_comments_suppress_nothing(line: str) -> None:
    assert suppressions_by_line(line + "\n") == {}


def test_line_numbers_follow_pythons_line_breaks() -> None:
    text = "a = '\f'\nb = 1\x0c\nc = 2  # hubguard: ignore[HG301]\n"  # form feeds do not start a line
    assert suppressions_by_line(text) == {3: frozenset({"HG301"})}


def test_text_without_the_marker_has_no_suppressions() -> None:
    assert suppressions_by_line("x = 1  # HUBGUARD: IGNORE\n") == {}


def test_suppressing_line_is_the_first_listed_line_whose_comment_names_the_rule() -> None:
    table = {2: frozenset({"HG201"}), 5: frozenset({ALL_RULES}), 7: frozenset({"HG301"})}
    assert suppressing_line("HG301", (2, 5, 7), table) == 5
    assert suppressing_line("HG301", (2, 7, 5), table) == 7
    assert suppressing_line("HG201", (2, 5), table) == 2
    assert suppressing_line("HG101", (2, 7), table) is None
    assert suppressing_line("HG101", (3, 4), table) is None
    assert suppressing_line("HG101", (), table) is None
    assert suppressing_line("HG101", (1,), {1: frozenset()}) is None


def test_suppresses_needs_the_rule_or_the_wildcard() -> None:
    assert suppresses(frozenset({ALL_RULES}), "HG101")
    assert suppresses(frozenset({"HG101"}), "HG101")
    assert not suppresses(frozenset({"HG1"}), "HG101")
    assert not suppresses(frozenset(), "HG101")


def test_comment_span_is_the_comment_from_its_hash_to_its_closing_bracket() -> None:
    line = "m = load(x)  # hubguard: ignore[HG301]  # why\n"
    assert comment_span(line) == (13, 38)
    assert line[13:38] == "# hubguard: ignore[HG301]"
    assert comment_span("m = load(x)  # hubguard: ignore\n") == (13, 31)
    assert comment_span("m = load(x)\n") is None
