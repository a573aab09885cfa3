#!/usr/bin/env python3
"""Keep only the SARIF results whose lines a diff adds or changes.

Usage: filter_sarif_to_diff.py --sarif IN --diff DIFF --output OUT

DIFF is ``git diff --unified=0`` output. A result is kept when every line of its primary region
lies in added/changed lines of its file, the rule GitHub applies before annotating a pull request.
Results that are not anchored to a line of a local file (no location, no region, a remote URL)
are kept: the diff cannot tell whether the change caused them. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

_HUNK = re.compile(r"@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_C_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


def changed_lines(diff_text: str) -> dict[str, set[int]]:
    """File path (as in the new tree) -> line numbers added or changed there."""
    changed: dict[str, set[int]] = {}
    current: set[int] | None = None
    for line in diff_text.splitlines():
        if line.startswith("+++ "):
            path = _diff_path(line[4:])
            current = changed.setdefault(path, set()) if path is not None else None
        elif line.startswith("@@") and current is not None:
            match = _HUNK.match(line)
            if match:
                start, count = int(match.group(1)), int(match.group(2) or "1")
                current.update(range(start, start + count))
    return changed


def _diff_path(raw: str) -> str | None:
    """``b/path`` as git prints it (tab-terminated when it has spaces, C-quoted when unusual)."""
    raw = raw.removesuffix("\t")
    if raw.startswith('"') and raw.endswith('"'):
        raw = _unquote_c(raw[1:-1])
    if raw == "/dev/null" or not raw.startswith("b/"):
        return None
    return raw[2:]


def _unquote_c(text: str) -> str:
    out = bytearray()
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt in "01234567" and re.fullmatch(r"[0-7]{3}", text[i + 1 : i + 4]):
                out.append(int(text[i + 1 : i + 4], 8))
                i += 4
                continue
            out.append(_C_ESCAPES.get(nxt, ord(nxt)))
            i += 2
            continue
        out.extend(char.encode("utf-8"))
        i += 1
    return out.decode("utf-8", errors="surrogateescape")


def keep_result(result: dict[str, Any], changed: dict[str, set[int]]) -> bool:
    locations = result.get("locations") or []
    physical = locations[0].get("physicalLocation", {}) if locations else {}
    uri = physical.get("artifactLocation", {}).get("uri")
    region = physical.get("region")
    if not isinstance(region, dict):
        return True
    start = region.get("startLine")
    if not isinstance(uri, str) or not isinstance(start, int):
        return True
    if re.match(r"^[a-z][a-z0-9+.-]*:", uri, re.IGNORECASE):
        return True
    path = unquote(uri).removeprefix("./")
    end = region.get("endLine") or start
    return set(range(start, end + 1)) <= changed.get(path, set())


def filter_sarif(sarif: dict[str, Any], changed: dict[str, set[int]]) -> dict[str, Any]:
    for run in sarif.get("runs", []):
        run["results"] = [result for result in run.get("results") or [] if keep_result(result, changed)]
    return sarif


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sarif", required=True, type=Path)
    parser.add_argument("--diff", required=True, type=Path)
    parser.add_argument("--output", required=True, type=Path)
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        sarif = json.loads(args.sarif.read_text(encoding="utf-8"))
        diff_text = args.diff.read_text(encoding="utf-8", errors="surrogateescape")
    except (OSError, ValueError) as error:
        print(f"filter_sarif_to_diff: cannot read input: {error}", file=sys.stderr)
        return 2
    filtered = filter_sarif(sarif, changed_lines(diff_text))
    args.output.write_text(json.dumps(filtered, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
