"""Reusable SARIF checks: OASIS schema validity and the constraints GitHub code scanning imposes.

Use from any test: ``from tests.formats.sarif_checks import assert_github_constraints``.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator

SARIF_SCHEMA_PATH = Path(__file__).resolve().parents[1] / "schemas" / "sarif-schema-2.1.0.json"

_LEVELS = {"note", "warning", "error"}
_PRECISIONS = {"very-high", "high", "medium", "low"}
_PROBLEM_SEVERITIES = {"error", "warning", "recommendation"}
# GitHub shows security-severity as Critical/High (>= 7.0), Medium (>= 4.0) or Low: it must match the level.
_SEVERITY_BANDS = {"error": (7.0, 10.0), "warning": (4.0, 6.9), "note": (0.1, 3.9)}
_CWE_TAG = re.compile(r"^external/cwe/cwe-\d{3,}$")
_LINE_HASH = re.compile(r"^[0-9a-f]{1,16}:[1-9]\d*$")
# An embedded link: unescaped "[", text with escaped brackets allowed, "](target)".
_LINK = re.compile(r"(?<!\\)\[((?:\\.|[^\]\\])*)\]\(([^)]*)\)")


@lru_cache(maxsize=1)
def sarif_validator() -> Draft4Validator:
    schema = json.loads(SARIF_SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


def assert_valid_sarif(sarif: dict[str, Any]) -> None:
    errors = sorted(sarif_validator().iter_errors(sarif), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def message_links(text: str) -> list[tuple[str, str]]:
    """The ``[text](target)`` embedded links a SARIF viewer would render in ``text``."""
    return [(match.group(1), match.group(2)) for match in _LINK.finditer(text)]


def _check_rule(rule: dict[str, Any]) -> None:
    rule_id = rule.get("id")
    assert isinstance(rule_id, str) and rule_id, rule
    assert 0 < len(rule.get("name", "")) <= 255, rule_id
    for key in ("shortDescription", "fullDescription"):
        assert 0 < len(rule[key]["text"]) <= 1024, (rule_id, key)
    assert rule["help"]["text"].strip() and rule["help"]["markdown"].strip(), rule_id
    assert rule["helpUri"].startswith("https://"), rule_id
    assert rule["defaultConfiguration"]["level"] in _LEVELS, rule_id
    properties = rule["properties"]
    tags = properties["tags"]
    assert tags and len(tags) <= 10 and len(set(tags)) == len(tags), rule_id
    cwe_tags = [tag for tag in tags if tag.startswith("external/cwe/")]
    assert all(_CWE_TAG.match(tag) for tag in cwe_tags), (rule_id, tags)
    assert ("security" in tags) == bool(cwe_tags), (rule_id, tags)  # security rules name their weakness
    assert properties["precision"] in _PRECISIONS, rule_id
    if "security-severity" in properties:
        severity = properties["security-severity"]
        assert "security" in tags and isinstance(severity, str), (rule_id, severity)
        low, high = _SEVERITY_BANDS[rule["defaultConfiguration"]["level"]]
        assert low <= float(severity) <= high, f"{rule_id}: severity {severity} disagrees with its level"
    assert properties["problem.severity"] in _PROBLEM_SEVERITIES, rule_id


def _check_artifact_location(artifact: dict[str, Any]) -> None:
    uri = artifact["uri"]
    assert isinstance(uri, str) and uri, artifact
    if uri.startswith(("https://", "http://")):
        assert "uriBaseId" not in artifact, artifact
        return
    assert artifact.get("uriBaseId") == "%SRCROOT%", artifact
    assert not uri.startswith("/") and "\\" not in uri and ".." not in uri.split("/"), uri
    assert " " not in uri, f"not percent-encoded: {uri}"


def _check_region(region: dict[str, Any]) -> None:
    for key in ("startLine", "startColumn", "endLine", "endColumn"):
        assert isinstance(region.get(key), int) and region[key] >= 1, region
    assert region["endLine"] >= region["startLine"], region
    if region["endLine"] == region["startLine"]:
        assert region["endColumn"] >= region["startColumn"], region


def _check_result(result: dict[str, Any], rules: list[dict[str, Any]]) -> None:
    rule_ids = [rule["id"] for rule in rules]
    assert result["ruleId"] in rule_ids, result["ruleId"]
    if "ruleIndex" in result:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"], result
    assert result["level"] in _LEVELS, result
    rule = next(rule for rule in rules if rule["id"] == result["ruleId"])
    if "security-severity" in rule["properties"]:  # GitHub shows the rule's severity instead of the level
        assert result["level"] == rule["defaultConfiguration"]["level"], (result["ruleId"], result["level"])
    text = result["message"]["text"]
    assert isinstance(text, str) and text.strip(), result
    assert len(result["locations"]) == 1, result
    physical = result["locations"][0]["physicalLocation"]
    _check_artifact_location(physical["artifactLocation"])
    _check_region(physical["region"])

    related = result.get("relatedLocations", [])
    related_ids = [location["id"] for location in related]
    assert all(isinstance(i, int) and i >= 0 for i in related_ids), related_ids
    assert len(set(related_ids)) == len(related_ids), related_ids
    for location in related:
        _check_artifact_location(location["physicalLocation"]["artifactLocation"])
        if "region" in location["physicalLocation"]:
            _check_region(location["physicalLocation"]["region"])
    links = message_links(text)
    assert all(target.isdigit() for _, target in links), f"link to a non-location target: {text!r}"
    assert {int(target) for _, target in links} == set(related_ids), (text, related_ids)

    fingerprints = result.get("partialFingerprints")
    if fingerprints is not None:
        assert set(fingerprints) == {"primaryLocationLineHash"}, fingerprints
        assert _LINE_HASH.match(fingerprints["primaryLocationLineHash"]), fingerprints
    for suppression in result.get("suppressions", []):
        assert suppression["kind"] in {"inSource", "external"}, suppression


def assert_github_constraints(sarif: dict[str, Any]) -> None:
    """Fail unless ``sarif`` is schema-valid and meets GitHub code scanning's upload rules.

    Covers what hubguard's SARIF promises: one run, full rule metadata with CWE tags and a
    security-severity that agrees with every result of its rule, a category ending in "/", %SRCROOT%-relative percent-encoded URIs, complete regions,
    exactly one location per result, related locations all linked from the message (and no other
    links), well-formed fingerprints, and at most 5,000 results.
    """
    assert_valid_sarif(sarif)
    assert sarif["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert sarif["version"] == "2.1.0"
    assert len(sarif["runs"]) == 1
    run = sarif["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "hubguard"
    assert driver["semanticVersion"] and driver["informationUri"].startswith("https://")
    rules = driver["rules"]
    assert rules and len({rule["id"] for rule in rules}) == len(rules)
    for rule in rules:
        _check_rule(rule)
    assert run["automationDetails"]["id"].endswith("/")
    assert run["columnKind"] == "unicodeCodePoints"
    base = run["originalUriBaseIds"]["%SRCROOT%"]
    assert "uri" not in base and base["description"]["text"], base  # no absolute path of the runner
    assert isinstance(run["results"], list) and len(run["results"]) <= 5000
    for result in run["results"]:
        _check_result(result, rules)
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is True
    for notification in invocation.get("toolExecutionNotifications", []):
        assert notification["message"]["text"] and notification["descriptor"]["id"]
        for location in notification.get("locations", []):
            _check_artifact_location(location["physicalLocation"]["artifactLocation"])
