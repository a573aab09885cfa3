"""Stable ordering, the result cap and the counts every format summarises."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from hubguard.findings import Finding, Level
from hubguard.rules import RULES

MAX_RESULTS = 5000  # GitHub keeps only the top 5,000 results of a run


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=Finding.sort_key)


def capped(findings: Iterable[Finding], limit: int = MAX_RESULTS) -> tuple[list[Finding], int]:
    """The ``limit`` most important findings in stable order, and how many were dropped.

    Unsuppressed findings go first, then higher levels, so the cap drops the least useful ones.
    """
    everything = ordered(findings)
    by_importance = sorted(everything, key=lambda f: (f.suppressed, -f.level.rank))
    kept = {id(finding) for finding in by_importance[:limit]}
    return [f for f in everything if id(f) in kept], max(0, len(everything) - limit)


@dataclass(frozen=True)
class Summary:
    by_rule: dict[str, int]
    by_level: dict[str, int]
    total: int
    suppressed: int
    at_or_above_fail_on: int


def summarize(findings: list[Finding], fail_on: Level | None) -> Summary:
    """Counts of unsuppressed findings (rules in catalogue order), plus the suppressed total."""
    active = [f for f in findings if not f.suppressed]
    rule_counts = Counter(f.rule_id for f in active)
    level_counts = Counter(f.level for f in active)
    catalogue_order = {rule_id: index for index, rule_id in enumerate(RULES)}
    rule_ids = sorted(rule_counts, key=lambda r: (catalogue_order.get(r, len(catalogue_order)), r))
    return Summary(
        by_rule={rule_id: rule_counts[rule_id] for rule_id in rule_ids},
        by_level={level.value: level_counts[level] for level in (Level.ERROR, Level.WARNING, Level.NOTE)},
        total=len(active),
        suppressed=len(findings) - len(active),
        at_or_above_fail_on=0 if fail_on is None else sum(1 for f in active if f.level >= fail_on),
    )
