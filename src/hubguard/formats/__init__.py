"""Report formats: SARIF 2.1.0, JSON, GitHub workflow commands and rich terminal text."""

from __future__ import annotations

from hubguard.findings import ScanResult
from hubguard.formats.context import ReportContext
from hubguard.formats.rule_docs import print_explain, print_rules, rules_json, rules_table_markdown
from hubguard.formats.text import print_concise, print_text

FORMATS = ("sarif", "json", "github", "cyclonedx")

__all__ = [
    "FORMATS",
    "ReportContext",
    "print_concise",
    "print_explain",
    "print_rules",
    "print_text",
    "render",
    "rules_json",
    "rules_table_markdown",
]


def render(result: ScanResult, fmt: str, ctx: ReportContext) -> str:
    """The report as a string, for ``fmt`` in ``FORMATS`` (text output goes through ``print_text``). Each
    renderer is imported when asked for: a commit hook prints text and pays for no other format."""
    if fmt == "sarif":
        from hubguard.formats.sarif import render_sarif

        return render_sarif(result, ctx)
    if fmt == "json":
        from hubguard.formats.json_report import render_json

        return render_json(result, ctx)
    if fmt == "github":
        from hubguard.formats.github import render_github

        return render_github(result)
    if fmt == "cyclonedx":
        from hubguard.formats.cyclonedx import render_cyclonedx  # CycloneDX and the hub stack

        return render_cyclonedx(result, ctx)
    raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")
