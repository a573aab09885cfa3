"""What a referenced repository would run: the code plan, its import closure, and a scan of it."""

from __future__ import annotations

from hubguard.remote_code.imports import import_closure
from hubguard.remote_code.plan import CallCode, CodeModule, CodePlan, CrossRepoRef, plan_code
from hubguard.remote_code.scan import CodeMatch, ScanOutcome, scan_code

__all__ = [
    "CallCode",
    "CodeMatch",
    "CodeModule",
    "CodePlan",
    "CrossRepoRef",
    "ScanOutcome",
    "import_closure",
    "plan_code",
    "scan_code",
]
