"""Rule documentation rendered from ``hubguard.rules``: SARIF help, README table, ``rules``/``explain``."""

from __future__ import annotations

import textwrap

from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text

from hubguard.findings import Level
from hubguard.rules import CWE_NAMES, RULES, Reference, Rule

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


def rules_table_markdown() -> str:
    """The README's rule table; each row carries the anchor that SARIF ``helpUri`` points to."""
    lines = [
        "| Rule | Name | Default level | Security severity | CWE | What it finds |",
        "|---|---|---|---|---|---|",
    ]
    for rule in RULES.values():
        cwes = ", ".join(f"[CWE-{cwe}](https://cwe.mitre.org/data/definitions/{cwe}.html)" for cwe in rule.cwe)
        description = rule.short_description.replace("|", "\\|")
        lines.append(
            f'| <a id="{rule.id.lower()}"></a>`{rule.id}` | `{rule.name}` | {rule.level.value} '
            f"| {rule.security_severity:.1f} | {cwes} | {description} |"
        )
    return "\n".join(lines) + "\n"


def find_rule(rule_id_or_name: str) -> Rule | None:
    wanted = rule_id_or_name.strip()
    for rule in RULES.values():
        if wanted.upper() == rule.id or wanted.lower() == rule.name:
            return rule
    return None


def print_rules(console: Console) -> None:
    table = Table(title="hubguard rules", show_lines=False)
    for column in ("Rule", "Name", "Level", "Severity", "Description"):
        table.add_column(column, overflow="fold")
    for rule in RULES.values():
        table.add_row(rule.id, rule.name, rule.level.value, f"{rule.security_severity:.1f}", rule.short_description)
    console.print(table)


def print_explain(rule_id: str, console: Console) -> bool:
    """Print a rule's full documentation; False when no rule has that ID or name."""
    rule = find_rule(rule_id)
    if rule is None:
        return False
    console.print(Text(f"{rule.id} {rule.name}", style="bold"))
    console.print(
        Text(
            f"Default level: {rule.level.value}   Security severity: {rule.security_severity:.1f}   "
            f"Precision: {rule.precision}"
        )
    )
    console.print(Text(rule.short_description))
    console.print(Markdown(help_markdown(rule), hyperlinks=False))
    return True
