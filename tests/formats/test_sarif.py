from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from hubguard.findings import Finding, Level, Location, Notification, Region, ScanResult
from hubguard.formats import render
from hubguard.formats.fingerprints import line_hashes
from hubguard.rules import RULES
from tests.formats.samples import CANARY_NAME, INJECTION, REMOTE_FILE, TRAIN_PY, context, sample_result
from tests.formats.sarif_checks import assert_github_constraints, message_links


def sarif_of(result: ScanResult, root: Path, **overrides: object) -> dict[str, Any]:
    return json.loads(render(result, "sarif", context(root, **overrides)))


def results_for(sarif: dict[str, Any], rule_id: str) -> list[dict[str, Any]]:
    return [r for r in sarif["runs"][0]["results"] if r["ruleId"] == rule_id]


@pytest.fixture
def sample(tmp_path: Path) -> tuple[Path, ScanResult, dict[str, Any]]:
    result = sample_result(tmp_path)
    return tmp_path, result, sarif_of(result, tmp_path)


def test_sample_meets_schema_and_github_constraints(sample: tuple[Path, ScanResult, dict[str, Any]]) -> None:
    root, _, sarif = sample
    assert_github_constraints(sarif)
    assert not (root / CANARY_NAME).exists()
    assert not (root / "src" / CANARY_NAME).exists()


def test_empty_run_is_valid_with_results_array(tmp_path: Path) -> None:
    sarif = sarif_of(ScanResult(), tmp_path)
    assert_github_constraints(sarif)
    run = sarif["runs"][0]
    assert run["results"] == []
    assert "toolExecutionNotifications" not in run["invocations"][0]


def test_notifications_become_tool_execution_notifications(tmp_path: Path) -> None:
    result = ScanResult(
        notifications=[
            Notification("bad syntax [here](http://x)", path="src/broken file.py"),
            Notification("hub unreachable", level=Level.ERROR, kind="hub-error"),
        ]
    )
    sarif = sarif_of(result, tmp_path)
    assert_github_constraints(sarif)
    unreachable, broken = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert unreachable == {"message": {"text": "hub unreachable"}, "level": "error", "descriptor": {"id": "hub-error"}}
    assert broken["descriptor"] == {"id": "parse-error"}
    assert broken["message"]["text"] == "bad syntax \\[here\\](http://x)"
    assert broken["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "src/broken%20file.py",
        "uriBaseId": "%SRCROOT%",
    }


def test_run_header(sample: tuple[Path, ScanResult, dict[str, Any]]) -> None:
    root, _, sarif = sample
    run = sarif["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["semanticVersion"]) == ("hubguard", "0.1.0")
    assert [rule["id"] for rule in driver["rules"]] == list(RULES)
    assert run["automationDetails"] == {"id": "hubguard/"}
    assert str(root.resolve()) not in json.dumps(run)  # nothing reveals where the checkout lives
    assert run["invocations"][0]["executionSuccessful"] is True


def test_category_gets_trailing_slash(tmp_path: Path) -> None:
    sarif = sarif_of(ScanResult(), tmp_path, category="hubguard/pr")
    assert sarif["runs"][0]["automationDetails"]["id"] == "hubguard/pr/"


def test_rule_metadata(sample: tuple[Path, ScanResult, dict[str, Any]]) -> None:
    _, _, sarif = sample
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    hg101 = rules[list(RULES).index("HG101")]
    assert hg101["name"] == "remote-code-enabled"
    assert hg101["properties"]["tags"] == ["security", "external/cwe/cwe-094", "external/cwe/cwe-829"]
    assert "security-severity" not in hg101["properties"]  # reported as error or warning: no single severity
    assert hg101["properties"]["problem.severity"] == "error"
    hg406 = rules[list(RULES).index("HG406")]
    assert hg406["properties"]["security-severity"] == "8.1" and hg406["defaultConfiguration"]["level"] == "error"
    hg002 = rules[list(RULES).index("HG002")]
    assert hg002["id"] == "HG002" and hg002["properties"]["tags"] == ["maintainability"]
    assert hg101["helpUri"].endswith("#hg101")
    assert "## Why is this bad?" in hg101["help"]["markdown"]
    hg405 = sarif["runs"][0]["tool"]["driver"]["rules"][list(RULES).index("HG405")]
    assert hg405["properties"]["problem.severity"] == "warning"  # an incomplete scan fails the default gate


def test_every_rule_has_a_result_with_matching_index(sample: tuple[Path, ScanResult, dict[str, Any]]) -> None:
    _, _, sarif = sample
    rules = [rule["id"] for rule in sarif["runs"][0]["tool"]["driver"]["rules"]]
    for result in sarif["runs"][0]["results"]:
        assert rules[result["ruleIndex"]] == result["ruleId"]
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} == set(RULES)


def test_result_location_and_level(sample: tuple[Path, ScanResult, dict[str, Any]]) -> None:
    _, _, sarif = sample
    (result,) = results_for(sarif, "HG101")
    assert result["level"] == "error"
    assert result["message"]["text"] == "trust_remote_code=True lets org/custom run its own code."
    assert result["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "src/train.py", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 5, "startColumn": 9, "endLine": 5, "endColumn": 34},
            }
        }
    ]
    spaced = [r for r in results_for(sarif, "HG301") if "space" in json.dumps(r)]
    assert spaced[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "src/with%20space.py"


def test_fingerprint_is_the_upload_sarif_hash_of_the_line(sample: tuple[Path, ScanResult, dict[str, Any]]) -> None:
    root, _, sarif = sample
    (result,) = results_for(sarif, "HG101")
    assert result["partialFingerprints"] == {"primaryLocationLineHash": line_hashes(TRAIN_PY)[5]}
    notebook = next(r for r in results_for(sarif, "HG301") if "ipynb" in json.dumps(r["locations"]))
    raw = (root / "notebooks" / "demo.ipynb").read_text(encoding="utf-8")
    line = notebook["locations"][0]["physicalLocation"]["region"]["startLine"]
    assert notebook["partialFingerprints"]["primaryLocationLineHash"] == line_hashes(raw)[line]


def test_no_fingerprint_when_the_file_is_gone_or_remote(tmp_path: Path) -> None:
    result = ScanResult(
        findings=[
            Finding("HG301", "gone.", Location("src/gone.py", Region(1, 1, 1, 2)), Level.WARNING),
            Finding("HG403", "remote.", Location(REMOTE_FILE, Region(1, 1, 1, 2)), Level.ERROR),
        ]
    )
    sarif = sarif_of(result, tmp_path)
    assert_github_constraints(sarif)
    assert all("partialFingerprints" not in r for r in sarif["runs"][0]["results"])
    remote = results_for(sarif, "HG403")[0]
    assert remote["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": REMOTE_FILE}


def test_related_locations_are_linked_from_the_message(sample: tuple[Path, ScanResult, dict[str, Any]]) -> None:
    _, _, sarif = sample
    (result,) = results_for(sarif, "HG402")
    assert [loc["id"] for loc in result["relatedLocations"]] == [1, 2]
    first = result["relatedLocations"][0]["physicalLocation"]
    assert "uriBaseId" not in first["artifactLocation"]
    assert first["artifactLocation"]["uri"].startswith("https://huggingface.co/org/evil/blob/")
    assert first["region"] == {"startLine": 12, "startColumn": 5, "endLine": 12, "endColumn": 30}
    assert message_links(result["message"]["text"]) == [("os.system call", "1"), ("config.json", "2")]


def test_injected_links_are_escaped(sample: tuple[Path, ScanResult, dict[str, Any]]) -> None:
    _, _, sarif = sample
    (hg402,) = results_for(sarif, "HG402")
    assert "os.system \\[evil\\](http://x)." in hg402["message"]["text"]
    (hg401,) = results_for(sarif, "HG401")
    links = message_links(hg401["message"]["text"])
    assert links == [("modeling_custom.py \\[evil\\](http://x)", "1")]
    assert hg401["relatedLocations"][0]["message"]["text"] == "modeling_custom.py \\[evil\\](http://x)"
    assert all(INJECTION not in r["message"]["text"] for r in sarif["runs"][0]["results"])


def test_suppressed_finding_carries_in_source_suppression(sample: tuple[Path, ScanResult, dict[str, Any]]) -> None:
    _, _, sarif = sample
    suppressed = [r for r in results_for(sarif, "HG201") if "suppressions" in r]
    assert len(suppressed) == 1 and suppressed[0]["suppressions"] == [{"kind": "inSource"}]
    assert all("suppressions" not in r for r in results_for(sarif, "HG101"))


def test_notebook_properties_and_message(sample: tuple[Path, ScanResult, dict[str, Any]]) -> None:
    _, _, sarif = sample
    notebook = next(r for r in results_for(sarif, "HG301") if "properties" in r)
    assert notebook["properties"]["notebook"] == {"cellIndex": 2, "cellNumber": 3, "lineInCell": 1, "cellId": "load"}
    assert notebook["locations"][0]["physicalLocation"]["region"]["startLine"] > 20  # raw JSON line


def test_same_result_gives_identical_bytes_in_any_input_order(tmp_path: Path) -> None:
    result = sample_result(tmp_path)
    first = render(result, "sarif", context(tmp_path))
    random.Random(7).shuffle(result.findings)
    result.notifications.reverse()
    assert render(result, "sarif", context(tmp_path)) == first
    assert "timestamp" not in first.lower() and "Utc" not in first


def test_results_are_capped_at_5000_keeping_errors(tmp_path: Path) -> None:
    (tmp_path / "big.py").write_text("x = 1\n")
    notes = [Finding("HG405", f"n{i}.", Location("big.py", Region(1, 1, 1, 2)), Level.NOTE) for i in range(4998)]
    errors = [Finding("HG101", f"e{i}.", Location("big.py", Region(1, 1, 1, 2)), Level.ERROR) for i in range(5)]
    sarif = sarif_of(ScanResult(findings=notes + errors), tmp_path)
    assert_github_constraints(sarif)
    run = sarif["runs"][0]
    assert len(run["results"]) == 5000
    assert sum(r["level"] == "error" for r in run["results"]) == 5
    (capped,) = run["invocations"][0]["toolExecutionNotifications"]
    assert capped["descriptor"]["id"] == "results-capped" and capped["message"]["text"].startswith("3 results")


def test_command_line_is_recorded_without_secrets(tmp_path: Path) -> None:
    token = "hf_" + "a" * 34
    sarif = sarif_of(ScanResult(), tmp_path, command_line=f"hubguard scan --token {token} .")
    command = sarif["runs"][0]["invocations"][0]["commandLine"]
    assert command == "hubguard scan --token *** ."
    assert token not in json.dumps(sarif)


def test_unknown_rule_is_a_clear_error(tmp_path: Path) -> None:
    result = ScanResult(findings=[Finding("HG999", "x.", Location("a.py", Region(1, 1, 1, 2)), Level.NOTE)])
    with pytest.raises(ValueError, match="unknown rule ID 'HG999'"):
        render(result, "sarif", context(tmp_path))


def test_whole_file_finding_gets_line_one(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("import pickle\n")
    result = ScanResult(findings=[Finding("HG301", "whole file.", Location("a.py"), Level.WARNING)])
    sarif = sarif_of(result, tmp_path)
    assert_github_constraints(sarif)
    region = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 1


def test_unknown_format_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown report format 'xml'"):
        render(ScanResult(), "xml", context(tmp_path))
