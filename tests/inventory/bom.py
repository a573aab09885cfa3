"""Helpers for tests that read a CycloneDX BOM: validation by cyclonedx-python-lib, and lookups."""

from __future__ import annotations

from typing import Any

from cyclonedx.schema import OutputFormat
from cyclonedx.validation import make_schemabased_validator

from hubguard.formats.cyclonedx import SCHEMA_VERSION


def assert_valid_bom(text: str) -> None:
    """The library's JSON-schema validator (CycloneDX 1.7, with format checks) accepts the BOM."""
    errors = make_schemabased_validator(OutputFormat.JSON, SCHEMA_VERSION).validate_str(text, all_errors=True)
    assert errors is None, [str(error) for error in errors]


def component(components: list[dict[str, Any]], name: str) -> dict[str, Any]:
    [found] = [entry for entry in components if entry["name"] == name]
    return found


def properties(entry: dict[str, Any]) -> dict[str, list[str]]:
    """``hubguard:`` properties as name -> values (names may repeat)."""
    values: dict[str, list[str]] = {}
    for item in entry.get("properties", []):
        values.setdefault(item["name"], []).append(item.get("value", ""))
    return values
