"""Filters between the scan and the report: a baseline of accepted findings, and changed lines since a ref."""

from hubguard.filters.baseline import Baseline, BaselineError, write_baseline
from hubguard.filters.changed_lines import ChangedLines, DiffError, lines_changed_since

__all__ = ["Baseline", "BaselineError", "ChangedLines", "DiffError", "lines_changed_since", "write_baseline"]
