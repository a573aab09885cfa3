"""Model-file inspectors: judge pickle-based weights by reading their bytes, never by loading them."""

from hubguard.inspectors.dispatch import inspect_path, inspect_source, is_weight_candidate
from hubguard.inspectors.findings import verdict_findings
from hubguard.inspectors.sources import ByteSource, BytesSource, FileSource, SliceSource, SourceError
from hubguard.inspectors.verdicts import DEFAULT_LIMITS, FileVerdict, Issue, Limits, Verdict, worst

__all__ = [
    "DEFAULT_LIMITS",
    "ByteSource",
    "BytesSource",
    "FileSource",
    "FileVerdict",
    "Issue",
    "Limits",
    "SliceSource",
    "SourceError",
    "Verdict",
    "inspect_path",
    "inspect_source",
    "is_weight_candidate",
    "verdict_findings",
    "worst",
]
