#!/usr/bin/env python3
"""Count a SARIF file's results and those at or above a fail level, as GitHub step outputs.

Usage: sarif_summary.py SARIF --fail-on note|warning|error|none

Prints ``findings=N`` (unsuppressed results) and ``blocking=M`` (those at or above the fail
level; 0 for ``none``). Standard library only.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

RANK = {"none": 0, "note": 1, "warning": 2, "error": 3}


def result_levels(sarif: dict[str, Any]) -> list[str]:
    """The effective level of every unsuppressed result (SARIF default: the rule's, else warning)."""
    levels: list[str] = []
    for run in sarif.get("runs", []):
        rules = run.get("tool", {}).get("driver", {}).get("rules") or []
        default_by_id = {
            rule.get("id"): rule.get("defaultConfiguration", {}).get("level", "warning") for rule in rules
        }
        for result in run.get("results") or []:
            if result.get("suppressions"):
                continue
            level = result.get("level")
            if level is None:
                index = result.get("ruleIndex")
                rule_id = rules[index].get("id") if isinstance(index, int) and 0 <= index < len(rules) else None
                level = default_by_id.get(rule_id or result.get("ruleId"), "warning")
            levels.append(level)
    return levels


def summarize(sarif: dict[str, Any], fail_on: str) -> tuple[int, int]:
    levels = result_levels(sarif)
    if fail_on == "none":
        return len(levels), 0
    threshold = RANK[fail_on]
    return len(levels), sum(1 for level in levels if RANK.get(level, 0) >= threshold)


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sarif", type=Path)
    parser.add_argument("--fail-on", choices=sorted(RANK), default="none")
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        sarif = json.loads(args.sarif.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"sarif_summary: cannot read {args.sarif}: {error}", file=sys.stderr)
        return 2
    findings, blocking = summarize(sarif, args.fail_on)
    print(f"findings={findings}")
    print(f"blocking={blocking}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
