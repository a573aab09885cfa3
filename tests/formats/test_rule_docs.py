from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from hubguard.findings import Level
from hubguard.formats import print_explain, print_rules, rules_table_markdown
from hubguard.formats.rule_docs import (
    cwe_tag,
    full_description,
    help_markdown,
    help_text,
    help_uri,
    problem_severity,
)
from hubguard.rules import RULES

EXPECTED_IDS = [
    "HG001", "HG002", "HG101", "HG102", "HG201", "HG301", "HG401", "HG402", "HG403", "HG404", "HG405", "HG406",
    "HG407", "HG408", "HG410",
]


def test_catalogue_ids_are_stable() -> None:
    assert list(RULES) == EXPECTED_IDS


@pytest.mark.parametrize("rule_id", EXPECTED_IDS)
def test_every_rule_is_fully_documented(rule_id: str) -> None:
    rule = RULES[rule_id]
    for field in ("what", "why", "details", "remediation", "bad_example", "good_example", "fix"):
        assert getattr(rule, field).strip(), (rule_id, field)
    assert "\n" not in rule.why and "\n" not in rule.fix  # one-liners for the terminal
    assert len(rule.short_description) <= 1024 and len(full_description(rule)) <= 1024
    assert rule.references or rule_id == "HG002"
    assert rule.cwe or rule.security_severity is None  # only rules about a weakness carry a severity
    markdown = help_markdown(rule)
    for heading in (
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "Use instead:",
        "## How to fix",
        "## References",
    ):
        assert heading in markdown, (rule_id, heading)
    for cwe in rule.cwe:
        assert f"https://cwe.mitre.org/data/definitions/{cwe}.html" in markdown
        assert f"https://cwe.mitre.org/data/definitions/{cwe}.html" in help_text(rule)
    assert rule.bad_example in markdown and rule.good_example.splitlines()[0] in help_text(rule)
    assert all(ref.url.startswith("https://") for ref in rule.references)


def test_cwe_tags_are_zero_padded_like_codeql() -> None:
    assert cwe_tag(94) == "external/cwe/cwe-094"
    assert cwe_tag(502) == "external/cwe/cwe-502"
    assert cwe_tag(1357) == "external/cwe/cwe-1357"


def test_readme_table_has_an_anchor_for_every_help_uri() -> None:
    table = rules_table_markdown()
    anchors = re.findall(r'<a id="([^"]+)"></a>', table)
    assert [help_uri(RULES[rule_id]).rsplit("#", 1)[1] for rule_id in EXPECTED_IDS] == anchors
    rows = [line for line in table.splitlines() if line.startswith("| <a id=")]
    assert len(rows) == len(RULES)


def test_print_rules_lists_every_rule() -> None:
    out = io.StringIO()
    print_rules(Console(file=out, width=200))
    for rule in RULES.values():
        assert rule.id in out.getvalue() and rule.name in out.getvalue()


def test_explain_by_id_or_name() -> None:
    out = io.StringIO()
    assert print_explain("hg301", Console(file=out, width=120)) is True
    text = out.getvalue()
    assert "HG301 unsafe-deserialization" in text and "weights_only=True" in text
    assert "https://cwe.mitre.org/data/definitions/502.html" in text
    assert print_explain("unsafe-deserialization", Console(file=io.StringIO())) is True
    assert print_explain("HG999", Console(file=io.StringIO())) is False


SEVERITY_BANDS = {Level.ERROR: (7.0, 10.0), Level.WARNING: (4.0, 6.9), Level.NOTE: (0.1, 3.9)}


@pytest.mark.parametrize("rule_id", EXPECTED_IDS)
def test_levels_and_security_severity_agree(rule_id: str) -> None:
    rule = RULES[rule_id]
    assert rule.level in rule.reported_levels
    if rule.levels:
        assert len(rule.levels) > 1 and all(reason.strip() for reason in rule.levels.values())
        assert rule.security_severity is None  # one score cannot match results of several levels
    elif rule.security_severity is not None:
        low, high = SEVERITY_BANDS[rule.level]
        assert low <= rule.security_severity <= high


def test_rules_table_and_listing_explain_several_levels() -> None:
    table = rules_table_markdown()
    assert "- `HG201`: **error**: no revision or a branch, on a call that also runs repository code;" in table
    out = io.StringIO()
    print_rules(Console(file=out, width=200))
    assert "HG201 note: the revision or repository is a run-time value" in out.getvalue()
    explained = io.StringIO()
    print_explain("HG201", Console(file=explained, width=200))
    assert "Levels: error, warning, note" in explained.getvalue()
    assert "warning: no revision or a branch on a call that runs no repository code" in explained.getvalue()


def test_docs_name_configuration_keys_as_the_parser_accepts_them() -> None:
    from hubguard.config import _KEYS

    text = " ".join(f"{r.what} {r.details} {r.remediation} {r.fix} {' '.join(r.fixes.values())}" for r in RULES.values())
    for key, (attribute, _) in _KEYS.items():
        if attribute != key:
            assert attribute not in text, f"rule docs say {attribute!r}; the config key is {key!r}"
    assert "`allow-remote-code`" in RULES["HG101"].remediation


def test_problem_severity_follows_default_level() -> None:
    expected = {Level.ERROR: "error", Level.WARNING: "warning", Level.NOTE: "recommendation"}
    for rule in RULES.values():
        assert problem_severity(rule) == expected[rule.level]
