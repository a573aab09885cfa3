#!/usr/bin/env python3
"""Count a SARIF file's results and those at or above a fail level, as GitHub step outputs, and optionally
append a findings table to the job summary.

Usage: sarif_summary.py SARIF --fail-on note|warning|error|none [--markdown FILE] [--title TEXT]

Prints ``findings=N`` (unsuppressed results) and ``blocking=M`` (those at or above the fail level; 0 for
``none``). With ``--markdown``, appends a table of the results to FILE (``$GITHUB_STEP_SUMMARY``); text from
scanned code is escaped so it cannot inject HTML, links or table cells. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

RANK = {"none": 0, "note": 1, "warning": 2, "error": 3}
MAX_ROWS = 50
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "\\|", "[": "\\[", "]": "\\]", "`": "'"})


def _results(sarif: dict[str, Any]) -> Iterable[tuple[dict[str, Any], str]]:
    """Every unsuppressed result with its effective level (SARIF default: the rule's, else warning)."""
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
            yield result, level


def result_levels(sarif: dict[str, Any]) -> list[str]:
    return [level for _, level in _results(sarif)]


def summarize(sarif: dict[str, Any], fail_on: str) -> tuple[int, int]:
    levels = result_levels(sarif)
    if fail_on == "none":
        return len(levels), 0
    threshold = RANK[fail_on]
    return len(levels), sum(1 for level in levels if RANK.get(level, 0) >= threshold)


def _cell(text: object) -> str:
    return " ".join(str(text).split()).translate(_ESCAPES)


def _where(result: dict[str, Any]) -> str:
    locations = result.get("locations") or [{}]
    physical = locations[0].get("physicalLocation", {})
    uri = unquote(str(physical.get("artifactLocation", {}).get("uri", "")))
    line = physical.get("region", {}).get("startLine")
    return f"{uri}:{line}" if line else uri


def markdown_table(sarif: dict[str, Any], fail_on: str, title: str) -> str:
    findings, blocking = summarize(sarif, fail_on)
    gate = "fail-on is none" if fail_on == "none" else f"{blocking} at or above `fail-on: {fail_on}`"
    lines = [f"### {_cell(title)}", "", f"{findings} finding(s), {gate}.", ""]
    results = sorted(
        _results(sarif), key=lambda item: (-RANK.get(item[1], 0), _where(item[0]), str(item[0].get("ruleId")))
    )
    if results:
        lines += ["| Level | Rule | Location | Message |", "|---|---|---|---|"]
        for result, level in results[:MAX_ROWS]:
            message = result.get("message", {}).get("text", "")
            cells = (_cell(level), _cell(result.get("ruleId", "")), f"`{_cell(_where(result))}`", _cell(message))
            lines.append(f"| {' | '.join(cells)} |")
        if len(results) > MAX_ROWS:
            lines += ["", f"... and {len(results) - MAX_ROWS} more: see the SARIF file or code scanning."]
    return "\n".join(lines) + "\n"


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sarif", type=Path)
    parser.add_argument("--fail-on", choices=sorted(RANK), default="none")
    parser.add_argument("--markdown", type=Path, help="append a findings table to this file")
    parser.add_argument("--title", default="hubguard")
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        sarif = json.loads(args.sarif.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"sarif_summary: cannot read {args.sarif}: {error}", file=sys.stderr)
        return 2
    findings, blocking = summarize(sarif, args.fail_on)
    print(f"findings={findings}")
    print(f"blocking={blocking}")
    if args.markdown is not None:
        with args.markdown.open("a", encoding="utf-8") as summary:
            summary.write(markdown_table(sarif, args.fail_on, args.title))
    return 0


if __name__ == "__main__":
    sys.exit(main())
