"""Static pass: find risky model loads in the consumer's own code."""

from hubguard.static.engine import analyze_bytes, scan_paths

__all__ = ["analyze_bytes", "scan_paths"]
