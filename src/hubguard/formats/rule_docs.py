"""Rule documentation rendered from ``hubguard.rules``: SARIF help, README table, ``rules``/``explain``."""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from functools import cache
from typing import Any

from rich.console import Console
from rich.text import Text

from hubguard.findings import Finding, Level
from hubguard.rules import CWE_NAMES, RULES, Reference, Rule
from hubguard.static.catalogue import SINKS

PROJECT_URL = "https://github.com/hubguard/hubguard"
_DESCRIPTION_LIMIT = 1024  # GitHub's limit for shortDescription and fullDescription
_PROBLEM_SEVERITY = {Level.ERROR: "error", Level.WARNING: "warning", Level.NOTE: "recommendation"}


def help_uri(rule: Rule) -> str:
    """The rule's anchor in the README's rule table (see ``rules_table_markdown``)."""
    return f"{PROJECT_URL}#{rule.id.lower()}"


def cwe_tag(cwe: int) -> str:
    """GitHub/CodeQL style CWE tag: ``external/cwe/cwe-094`` (at least three digits)."""
    return f"external/cwe/cwe-{cwe:03d}"


def cwe_reference(cwe: int) -> Reference:
    name = CWE_NAMES.get(cwe)
    title = f"CWE-{cwe}: {name}" if name else f"CWE-{cwe}"
    return Reference(title, f"https://cwe.mitre.org/data/definitions/{cwe}.html")


def all_references(rule: Rule) -> tuple[Reference, ...]:
    return (*(cwe_reference(cwe) for cwe in rule.cwe), *rule.references)


def problem_severity(rule: Rule) -> str:
    return _PROBLEM_SEVERITY[rule.level]


@dataclass(frozen=True)
class FixAdvice:
    key: str  # "HG301" or "HG301/torch_load": text output shows each key once per run
    text: str


@cache
def _checks_of_sink(sink_id: str) -> frozenset[str]:
    return frozenset(check for sink in SINKS if sink.id == sink_id for check in sink.checks)


def fix_variant(finding: Finding) -> str | None:
    """Which of the rule's loader-specific fixes (``Rule.fixes``) applies to ``finding``, if any."""
    rule = RULES.get(finding.rule_id)
    if rule is None or not rule.fixes:
        return None
    properties = finding.properties
    if "customPipeline" in properties:
        return "custom_pipeline" if "custom_pipeline" in rule.fixes else None
    if properties.get("revisionStyle") == "unfixable" and "unfixable" in rule.fixes:
        return "unfixable"
    sink = properties.get("sink")
    matching = _checks_of_sink(sink) & rule.fixes.keys() if isinstance(sink, str) else frozenset()
    return next(iter(matching)) if len(matching) == 1 else None


def fix_advice(finding: Finding) -> FixAdvice | None:
    """The one-line fix for ``finding``: its loader's variant when the rule has one, else the rule's fix."""
    rule = RULES.get(finding.rule_id)
    if rule is None:
        return None
    variant = fix_variant(finding)
    if variant is None:
        return FixAdvice(rule.id, rule.fix)
    return FixAdvice(f"{rule.id}/{variant}", rule.fixes[variant])


def _limited(text: str) -> str:
    if len(text) <= _DESCRIPTION_LIMIT:
        return text
    return text[: _DESCRIPTION_LIMIT - 1].rstrip() + "…"


def short_description(rule: Rule) -> str:
    return _limited(rule.short_description)


def full_description(rule: Rule) -> str:
    return _limited(f"{rule.what} {rule.why}")


def _sections(rule: Rule) -> list[tuple[str, str]]:
    return [
        ("What it does", rule.what),
        ("Why is this bad?", rule.details or rule.why),
        ("How to fix", rule.remediation or rule.fix),
    ]


def help_markdown(rule: Rule) -> str:
    what, why, how = _sections(rule)
    parts = [
        f"## {what[0]}\n{what[1]}",
        f"## {why[0]}\n{why[1]}",
        f"## Example\n```python\n{rule.bad_example}\n```\n\nUse instead:\n```python\n{rule.good_example}\n```",
        f"## {how[0]}\n{how[1]}",
        "## References\n" + "\n".join(f"- [{ref.title}]({ref.url})" for ref in all_references(rule)),
    ]
    return "\n\n".join(parts) + "\n"


def _wrap(paragraph: str) -> str:
    return textwrap.fill(paragraph, width=100)


def help_text(rule: Rule) -> str:
    what, why, how = _sections(rule)
    parts = [
        f"{what[0]}:\n{_wrap(what[1])}",
        f"{why[0]}\n{_wrap(why[1])}",
        "Example:\n" + textwrap.indent(rule.bad_example, "    "),
        "Use instead:\n" + textwrap.indent(rule.good_example, "    "),
        f"{how[0]}:\n{_wrap(how[1])}",
        "References:\n" + "\n".join(f"- {ref.title}: {ref.url}" for ref in all_references(rule)),
    ]
    return "\n\n".join(parts) + "\n"


def severity_text(rule: Rule) -> str:
    return "—" if rule.security_severity is None else f"{rule.security_severity:.1f}"


def levels_text(rule: Rule) -> str:
    return ", ".join(level.value for level in rule.reported_levels)


def level_reasons(rule: Rule) -> list[str]:
    """``"error: when ..."`` lines for a rule reported at several levels; empty for a single-level rule."""
    return [f"{level.value}: {rule.levels[level]}" for level in rule.reported_levels] if rule.levels else []


def rules_table_markdown() -> str:
    """The README's rule table; each row carries the anchor that SARIF ``helpUri`` points to."""
    lines = [
        "| Rule | Name | Levels | Security severity | CWE | What it finds |",
        "|---|---|---|---|---|---|",
    ]
    for rule in RULES.values():
        cwes = ", ".join(f"[CWE-{cwe}](https://cwe.mitre.org/data/definitions/{cwe}.html)" for cwe in rule.cwe)
        description = rule.short_description.replace("|", "\\|")
        lines.append(
            f'| <a id="{rule.id.lower()}"></a>`{rule.id}` | `{rule.name}` | {levels_text(rule)} '
            f"| {severity_text(rule)} | {cwes or '—'} | {description} |"
        )
    lines += ["", "Why one rule is reported at several levels:", ""]
    for rule in RULES.values():
        if rule.levels:
            reasons = "; ".join(f"**{reason.replace(':', '**:', 1)}" for reason in level_reasons(rule))
            lines.append(f"- `{rule.id}`: {reasons}.")
    return "\n".join(lines) + "\n"


def find_rule(rule_id_or_name: str) -> Rule | None:
    wanted = rule_id_or_name.strip()
    for rule in RULES.values():
        if wanted.upper() == rule.id or wanted.lower() == rule.name:
            return rule
    return None


def rule_json(rule: Rule) -> dict[str, Any]:
    """One rule as ``hubguard rules --format json`` lists it."""
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": rule.short_description,
        "defaultLevel": rule.level.value,
        "levels": {level.value: rule.levels.get(level, "") for level in rule.reported_levels},
        "securitySeverity": None if rule.security_severity is None else f"{rule.security_severity:.1f}",
        "precision": rule.precision,
        "cwe": [f"CWE-{cwe}" for cwe in rule.cwe],
        "what": rule.what,
        "why": rule.why,
        "fix": rule.fix,
        "loaderFixes": dict(rule.fixes),
        "helpUri": help_uri(rule),
        "references": [{"title": ref.title, "url": ref.url} for ref in all_references(rule)],
    }


def rules_json() -> str:
    return json.dumps([rule_json(rule) for rule in RULES.values()], indent=2, ensure_ascii=False) + "\n"


def print_rules(console: Console) -> None:
    from rich.table import Table  # imported here: a scan never needs it

    table = Table(title="hubguard rules", show_lines=False)
    for column in ("Rule", "Name", "Levels", "Severity", "Description"):
        table.add_column(column, overflow="fold")
    for rule in RULES.values():
        table.add_row(rule.id, rule.name, levels_text(rule), severity_text(rule), rule.short_description)
    console.print(table)
    console.print(Text("Why one rule is reported at several levels:"))
    for rule in RULES.values():
        for reason in level_reasons(rule):
            console.print(Text.assemble("  ", (rule.id, "bold"), f" {reason}"))


def print_explain(rule_id: str, console: Console) -> bool:
    """Print a rule's full documentation; False when no rule has that ID or name."""
    rule = find_rule(rule_id)
    if rule is None:
        return False
    console.print(Text(f"{rule.id} {rule.name}", style="bold"))
    console.print(
        Text(
            f"Levels: {levels_text(rule)}   Security severity: {severity_text(rule)}   Precision: {rule.precision}"
        )
    )
    for reason in level_reasons(rule):
        console.print(Text(f"  {reason}"))
    console.print(Text(rule.short_description))
    from rich.markdown import Markdown  # imported here: a scan never needs it

    console.print(Markdown(help_markdown(rule), hyperlinks=False))
    return True
