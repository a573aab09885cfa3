"""``--fix``: LibCST codemods that pin revisions and add ``weights_only=True``, keeping formatting."""

from __future__ import annotations

from hubguard.fix.apply import FixOutcome, apply_fixes

__all__ = ["FixOutcome", "apply_fixes"]
