"""Inline suppressions: ``# hubguard: ignore``, ``# hubguard: ignore[HG101]``, ``# hubguard: ignore[HG101,HG201]``."""

from __future__ import annotations

import re

from hubguard.static.lines import python_lines

# A bracket that is opened must be closed before the comment ends: a typo suppresses nothing, never everything.
_IGNORE = re.compile(r"#\s*hubguard:\s*ignore\b(?:\s*\[(?P<codes>[^\]#]*)(?P<closed>\])?)?")
_SEPARATORS = re.compile(r"[,\s]+")
ALL_RULES = "*"


def suppressions_by_line(text: str) -> dict[int, frozenset[str]]:
    """1-based line -> rule IDs suppressed there (``*`` for all)."""
    if "hubguard" not in text:
        return {}
    result: dict[int, frozenset[str]] = {}
    for number, line in enumerate(python_lines(text), start=1):
        match = _IGNORE.search(line)
        if match is None:
            continue
        codes = match.group("codes")
        if codes is None:
            result[number] = frozenset({ALL_RULES})
        elif match.group("closed"):
            result[number] = frozenset(code.upper() for code in _SEPARATORS.split(codes) if code)
    return result


def suppresses(rules: frozenset[str], rule_id: str) -> bool:
    """Whether a comment listing ``rules`` suppresses ``rule_id``."""
    return ALL_RULES in rules or rule_id in rules


def suppressing_line(rule_id: str, lines: tuple[int, ...], table: dict[int, frozenset[str]]) -> int | None:
    """The first of ``lines`` whose comment suppresses ``rule_id``, if any."""
    for line in lines:
        rules = table.get(line)
        if rules and suppresses(rules, rule_id):
            return line
    return None


def comment_span(line: str) -> tuple[int, int] | None:
    """0-based [start, end) columns of the suppression comment on ``line``."""
    match = _IGNORE.search(line)
    return None if match is None else (match.start(), match.end())
