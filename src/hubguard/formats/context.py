"""What every report format needs to know besides the scan result."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hubguard.findings import Level


@dataclass
class ReportContext:
    root: Path  # the scanned tree; finding paths are relative to it
    tool_version: str
    fail_on: Level | None  # None: --fail-on none, findings never change the exit code
    category: str = "hubguard/"  # SARIF automationDetails.id; ends with "/"
    command_line: str | None = None
    show_suppressed: bool = False
    stats: bool = False
    quiet: bool = False  # findings only: no summary, no notices
    sources: dict[str, str] = field(default_factory=dict)  # texts not read from disk (stdin), by path
    hidden: dict[str, int] = field(default_factory=dict)  # findings left out, by reason ("in the baseline": 3)
    fixed: int | None = None  # findings --fix removed (None: no --fix run)
    targets: tuple[Path, ...] = ()  # the paths named on the command line (the BOM names the project after them)
