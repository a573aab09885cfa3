"""``--format github``: GitHub Actions workflow commands that annotate the run and the PR diff."""

from __future__ import annotations

from hubguard.findings import Finding, Level, Location, Notification, ScanResult
from hubguard.formats.escaping import workflow_command_data, workflow_command_property
from hubguard.formats.ordering import ordered
from hubguard.rules import RULES

_COMMAND = {Level.ERROR: "error", Level.WARNING: "warning", Level.NOTE: "notice"}


def render_github(result: ScanResult) -> str:
    lines = [_finding_command(f) for f in ordered(result.findings) if not f.suppressed]
    notifications = sorted(result.notifications, key=lambda n: (n.path or "", n.kind, n.message))
    lines.extend(_notification_command(n) for n in notifications)
    return "".join(line + "\n" for line in lines)


def _command(level: Level, properties: list[tuple[str, str]], message: str) -> str:
    rendered = ",".join(f"{key}={workflow_command_property(value)}" for key, value in properties)
    return f"::{_COMMAND[level]} {rendered}::{workflow_command_data(message)}"


def _file_properties(location: Location) -> list[tuple[str, str]]:
    if location.is_remote:
        return []
    properties = [("file", location.path)]
    if location.region is not None:
        region = location.region
        properties += [
            ("line", str(region.start_line)),
            ("col", str(region.start_column)),
            ("endLine", str(region.end_line)),
            ("endColumn", str(region.end_column)),
        ]
    return properties


def _describe(location: Location) -> str:
    where = location.path if location.region is None else f"{location.path}:{location.region.start_line}"
    return f"{location.description} ({where})" if location.description else where


def _finding_command(finding: Finding) -> str:
    rule = RULES.get(finding.rule_id)
    title = f"{finding.rule_id} {rule.name}" if rule else finding.rule_id
    message = finding.message
    if finding.related:
        message += " Related: " + "; ".join(_describe(location) for location in finding.related)
    return _command(finding.level, [*_file_properties(finding.location), ("title", title)], message)


def _notification_command(notification: Notification) -> str:
    properties = []
    if notification.path and not notification.path.startswith(("https://", "http://")):
        properties.append(("file", notification.path))
    properties.append(("title", f"hubguard {notification.kind}"))
    return _command(notification.level, properties, notification.message)
