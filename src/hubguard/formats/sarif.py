"""SARIF 2.1.0 for GitHub code scanning, built as plain dicts."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from hubguard.findings import INTERNAL_ERROR, Finding, Location, Notification, Region, ScanResult
from hubguard.formats.context import ReportContext
from hubguard.formats.escaping import redact_secrets, sarif_message_text
from hubguard.formats.fingerprints import FingerprintCache
from hubguard.formats.ordering import MAX_RESULTS, capped
from hubguard.formats.rule_docs import (
    PROJECT_URL,
    cwe_tag,
    full_description,
    help_markdown,
    help_text,
    help_uri,
    problem_severity,
    short_description,
)
from hubguard.rules import RULES, Rule

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
_WHOLE_FILE = Region(1, 1, 1, 1)  # GitHub needs a startLine even for whole-file results


def render_sarif(result: ScanResult, ctx: ReportContext) -> str:
    return json.dumps(build_sarif(result, ctx), indent=2, ensure_ascii=False, default=str) + "\n"


def build_sarif(result: ScanResult, ctx: ReportContext) -> dict[str, Any]:
    findings, dropped = capped(result.findings)
    rule_index = {rule_id: index for index, rule_id in enumerate(RULES)}
    fingerprints = FingerprintCache(ctx.root, ctx.sources)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "hubguard",
                "semanticVersion": ctx.tool_version,
                "informationUri": PROJECT_URL,
                "rules": [_reporting_descriptor(rule) for rule in RULES.values()],
            }
        },
        "automationDetails": {"id": ctx.category if ctx.category.endswith("/") else ctx.category + "/"},
        "invocations": [_invocation(result.notifications, dropped, ctx)],
        # No "uri": it would reveal where the checkout lives (a runner's home, a developer's username);
        # GitHub resolves %SRCROOT%-relative paths against the repository anyway.
        "originalUriBaseIds": {SRCROOT: {"description": {"text": "The root of the scanned repository."}}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(finding, rule_index, fingerprints) for finding in findings],
        "properties": {"filesScanned": result.files_scanned},
    }
    if ctx.stats:
        run["properties"]["stats"] = result.stats
    return {"$schema": SARIF_SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _rule_properties(rule: Rule) -> dict[str, Any]:
    """Tags, precision and, for single-level rules only, ``security-severity``: GitHub shows a rule's security
    severity instead of each result's level, so a multi-level rule would contradict some of its results."""
    tags = ["security", *(cwe_tag(cwe) for cwe in rule.cwe)] if rule.cwe else ["maintainability"]
    properties: dict[str, Any] = {"tags": tags, "precision": rule.precision}
    if rule.security_severity is not None and len(rule.reported_levels) == 1:
        properties["security-severity"] = f"{rule.security_severity:.1f}"
    properties["problem.severity"] = problem_severity(rule)
    return properties


def _reporting_descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": short_description(rule)},
        "fullDescription": {"text": full_description(rule)},
        "help": {"text": help_text(rule), "markdown": help_markdown(rule)},
        "helpUri": help_uri(rule),
        "defaultConfiguration": {"level": rule.level.value},
        "properties": _rule_properties(rule),
    }


def _artifact_location(path: str) -> dict[str, str]:
    if path.startswith(("https://", "http://")):
        return {"uri": path}
    return {"uri": quote(path, safe="/"), "uriBaseId": SRCROOT}


def region_object(region: Region) -> dict[str, int]:
    """A SARIF region; the JSON report uses the same vocabulary."""
    return {
        "startLine": region.start_line,
        "startColumn": region.start_column,
        "endLine": region.end_line,
        "endColumn": region.end_column,
    }


def _physical_location(location: Location, region: Region | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": _artifact_location(location.path)}
    if region is not None:
        physical["region"] = region_object(region)
    return physical


def _link_text(location: Location) -> str:
    if location.description:
        return location.description
    name = location.path.rstrip("/").rsplit("/", 1)[-1]
    return f"{name} line {location.region.start_line}" if location.region else name


def _message(finding: Finding) -> str:
    text = sarif_message_text(finding.message)
    if finding.related:
        links = ", ".join(
            f"[{sarif_message_text(_link_text(location))}]({location_id})"
            for location_id, location in enumerate(finding.related, start=1)
        )
        text += f" Related: {links}."
    return text


def _related_location(location_id: int, location: Location) -> dict[str, Any]:
    related: dict[str, Any] = {
        "id": location_id,
        "physicalLocation": _physical_location(location, location.region),
    }
    if location.description:
        related["message"] = {"text": sarif_message_text(location.description)}
    return related


def _result(finding: Finding, rule_index: dict[str, int], fingerprints: FingerprintCache) -> dict[str, Any]:
    if finding.rule_id not in rule_index:
        raise ValueError(f"finding has unknown rule ID {finding.rule_id!r}")
    location = finding.location
    region = location.region or _WHOLE_FILE
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index[finding.rule_id],
        "level": finding.level.value,
        "message": {"text": _message(finding)},
        "locations": [{"physicalLocation": _physical_location(location, region)}],
    }
    if finding.related:
        result["relatedLocations"] = [
            _related_location(location_id, related) for location_id, related in enumerate(finding.related, start=1)
        ]
    if not location.is_remote:
        line_hash = fingerprints.primary_location_line_hash(location.path, region.start_line)
        if line_hash is not None:
            result["partialFingerprints"] = {"primaryLocationLineHash": line_hash}
    if finding.suppressed:
        result["suppressions"] = [{"kind": "inSource"}]
    if finding.properties:
        result["properties"] = finding.properties
    return result


def _notification(notification: Notification) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "message": {"text": sarif_message_text(notification.message)},
        "level": notification.level.value,
        "descriptor": {"id": notification.kind},
    }
    if notification.path:
        entry["locations"] = [{"physicalLocation": {"artifactLocation": _artifact_location(notification.path)}}]
    return entry


def _invocation(notifications: list[Notification], dropped: int, ctx: ReportContext) -> dict[str, Any]:
    ordered_notifications = sorted(notifications, key=lambda n: (n.path or "", n.kind, n.message))
    entries = [_notification(notification) for notification in ordered_notifications]
    if dropped:
        entries.append(
            {
                "message": {
                    "text": f"{dropped} results were left out: a run is capped at {MAX_RESULTS} results, "
                    "suppressed and lower-level results first."
                },
                "level": "warning",
                "descriptor": {"id": "results-capped"},
            }
        )
    failed = any(notification.kind == INTERNAL_ERROR for notification in notifications)
    invocation: dict[str, Any] = {"executionSuccessful": not failed}
    if ctx.command_line:
        root = str(ctx.root.resolve())
        invocation["commandLine"] = redact_secrets(ctx.command_line).replace(root + "/", "").replace(root, ".")
    if entries:
        invocation["toolExecutionNotifications"] = entries
    return invocation
