#!/usr/bin/env python3
"""Keep only the SARIF results on lines changed since a git ref: the Action's changed-lines-only.

Usage (in the repository): filter_sarif_to_diff.py --sarif IN --base REF --output OUT

Which lines changed is decided by ``hubguard.filters.changed_lines``, the same code behind
``hubguard scan --diff-base REF``, so run this with the Python that has hubguard installed. A result is
kept when every line of its primary region was added or changed (GitHub's rule for annotating a pull
request); results not anchored to a line of a local file are kept. Exit 2 when the ref cannot be diffed.
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

from hubguard.filters.changed_lines import ChangedLines, DiffError, lines_changed_since


def keep_result(result: dict[str, Any], changed: ChangedLines) -> bool:
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
    end = region.get("endLine") or start
    return changed.covers(unquote(uri).removeprefix("./"), start, end)


def filter_sarif(sarif: dict[str, Any], changed: ChangedLines) -> dict[str, Any]:
    for run in sarif.get("runs", []):
        run["results"] = [result for result in run.get("results") or [] if keep_result(result, changed)]
    return sarif


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sarif", required=True, type=Path)
    parser.add_argument("--base", required=True, help="git ref or commit the changes are measured from")
    parser.add_argument("--output", required=True, type=Path)
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        sarif = json.loads(args.sarif.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"filter_sarif_to_diff: cannot read input: {error}", file=sys.stderr)
        return 2
    try:
        changed = lines_changed_since(args.base, Path.cwd())
    except DiffError as error:
        print(f"filter_sarif_to_diff: cannot diff against {args.base}: {error}", file=sys.stderr)
        return 2
    filtered = filter_sarif(sarif, changed)
    args.output.write_text(json.dumps(filtered, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
