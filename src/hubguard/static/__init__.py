"""Static pass: find risky model loads in the consumer's own code."""

from hubguard.static.engine import analyze_source, scan_paths

__all__ = ["analyze_source", "scan_paths"]
