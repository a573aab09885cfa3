"""What every report format needs to know besides the scan result."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hubguard.findings import Level


@dataclass
class ReportContext:
    root: Path  # the scanned tree; finding paths are relative to it
    tool_version: str
    fail_on: Level
    category: str = "hubguard/"  # SARIF automationDetails.id; ends with "/"
    command_line: str | None = None
    show_suppressed: bool = False
    stats: bool = False
