"""``--format json``: hubguard's own versioned report (schema: hubguard-report.schema.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hubguard.findings import Finding, HubReference, Location, Notification, Region, ScanResult
from hubguard.formats.context import ReportContext
from hubguard.formats.ordering import ordered, summarize
from hubguard.formats.rule_docs import PROJECT_URL
from hubguard.formats.sarif import region_object
from hubguard.rules import RULES

SCHEMA_VERSION = "1.0"
SCHEMA_PATH = Path(__file__).with_name("hubguard-report.schema.json")


def render_json(result: ScanResult, ctx: ReportContext) -> str:
    return json.dumps(build_report(result, ctx), indent=2, ensure_ascii=False, default=str) + "\n"


def build_report(result: ScanResult, ctx: ReportContext) -> dict[str, Any]:
    summary = summarize(result.findings, ctx.fail_on)
    report: dict[str, Any] = {
        "schemaVersion": SCHEMA_VERSION,
        "tool": {"name": "hubguard", "version": ctx.tool_version, "informationUri": PROJECT_URL},
        "filesScanned": result.files_scanned,
        "findings": [_finding(finding) for finding in ordered(result.findings)],
        "notifications": [
            _notification(n) for n in sorted(result.notifications, key=lambda n: (n.path or "", n.kind, n.message))
        ],
        "references": [
            _reference(r)
            for r in sorted(
                result.references, key=lambda r: (r.location.path, r.location.region or Region(0, 0, 0, 0), r.repo_id)
            )
        ],
        "summary": {
            "total": summary.total,
            "suppressed": summary.suppressed,
            "byLevel": summary.by_level,
            "byRule": summary.by_rule,
            "failOn": ctx.fail_on.value if ctx.fail_on is not None else "none",
            "atOrAboveFailOn": summary.at_or_above_fail_on,
        },
    }
    if ctx.stats:
        report["stats"] = result.stats
    return report


def _region(region: Region | None) -> dict[str, int] | None:
    return None if region is None else region_object(region)


def _location(location: Location) -> dict[str, Any]:
    return {"path": location.path, "region": _region(location.region), "description": location.description}


def _finding(finding: Finding) -> dict[str, Any]:
    rule = RULES.get(finding.rule_id)
    return {
        "rule": finding.rule_id,
        "ruleName": rule.name if rule else None,
        "level": finding.level.value,
        "message": finding.message,
        "path": finding.location.path,
        "region": _region(finding.location.region),
        "related": [_location(location) for location in finding.related],
        "suppressed": finding.suppressed,
        "properties": finding.properties,
    }


def _notification(notification: Notification) -> dict[str, Any]:
    return {
        "kind": notification.kind,
        "level": notification.level.value,
        "message": notification.message,
        "path": notification.path,
    }


def _reference(reference: HubReference) -> dict[str, Any]:
    return {
        "hub": reference.hub,
        "repoType": reference.repo_type,
        "repoId": reference.repo_id,
        "revision": reference.revision,
        "revisionState": reference.revision_state.value,
        "path": reference.location.path,
        "region": _region(reference.location.region),
        "sink": reference.sink,
        "runsRemoteCode": reference.runs_remote_code,
        "loadsWeights": reference.loads_weights,
    }
