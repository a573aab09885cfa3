from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from hubguard.findings import ScanResult
from hubguard.formats import render
from hubguard.formats.json_report import SCHEMA_PATH
from tests.formats.samples import MARKUP, context, sample_result


def validate(report: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    errors = list(Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(report))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_sample_report_matches_schema_and_content(tmp_path: Path) -> None:
    report = json.loads(render(sample_result(tmp_path), "json", context(tmp_path)))
    validate(report)
    assert report["schemaVersion"] == "1.0"
    assert report["tool"]["name"] == "hubguard" and report["tool"]["version"] == "0.1.0"
    assert report["filesScanned"] == 4
    hg101 = next(f for f in report["findings"] if f["rule"] == "HG101")
    assert hg101 == {
        "rule": "HG101",
        "ruleName": "remote-code-enabled",
        "level": "error",
        "message": "trust_remote_code=True lets org/custom run its own code.",
        "path": "src/train.py",
        "region": {"startLine": 5, "startColumn": 9, "endLine": 5, "endColumn": 34},
        "related": [],
        "suppressed": False,
        "properties": {},
    }
    hg401 = next(f for f in report["findings"] if f["rule"] == "HG401")
    assert MARKUP in hg401["message"]  # JSON carries the text verbatim; consumers escape for their medium
    assert hg401["related"][0]["path"].startswith("https://huggingface.co/")
    assert [f["suppressed"] for f in report["findings"]].count(True) == 1
    assert report["notifications"][0] == {
        "kind": "hub-unreachable",
        "level": "note",
        "message": "huggingface.co did not answer",
        "path": None,
    }
    assert report["references"][0]["repoId"] == "org/custom"
    assert report["references"][0]["revisionState"] == "unpinned"


def test_summary_counts(tmp_path: Path) -> None:
    summary = json.loads(render(sample_result(tmp_path), "json", context(tmp_path)))["summary"]
    assert summary["total"] == 17 and summary["suppressed"] == 1
    assert summary["byLevel"] == {"error": 6, "warning": 10, "note": 1}
    assert summary["byRule"]["HG301"] == 3 and summary["byRule"]["HG201"] == 1
    assert list(summary["byRule"])[:4] == ["HG001", "HG002", "HG101", "HG102"]
    assert summary["failOn"] == "warning" and summary["atOrAboveFailOn"] == 16


def test_empty_report_and_stats(tmp_path: Path) -> None:
    report = json.loads(render(ScanResult(stats={"seconds": 1.5}), "json", context(tmp_path, stats=True)))
    validate(report)
    assert report["findings"] == [] and report["summary"]["total"] == 0
    assert report["stats"] == {"seconds": 1.5}
    assert "stats" not in json.loads(render(ScanResult(stats={"seconds": 1.5}), "json", context(tmp_path)))


def test_json_is_deterministic(tmp_path: Path) -> None:
    result = sample_result(tmp_path)
    first = render(result, "json", context(tmp_path))
    random.Random(3).shuffle(result.findings)
    assert render(result, "json", context(tmp_path)) == first
    assert str(tmp_path) not in first


def test_documented_example_matches_schema() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "json-report.md").read_text(encoding="utf-8")
    example = doc.split("```json\n", 1)[1].split("```", 1)[0]
    validate(json.loads(example))
