"""verdict_findings: how file verdicts become HG403/HG405 findings."""

from __future__ import annotations

from tests.inspectors.fixtures import (
    MARK, PROTO4, REDUCE, STOP, TUPLE, sklearn_estimator_pickle, stack_global, system_call, torch_state_dict_pickle,
)
from tests.inspectors.helpers import judge
from hubguard.findings import Level, Location
from hubguard.inspectors import verdict_findings
from hubguard.rules import RULES

LOCATION = Location("https://huggingface.co/org/model/resolve/" + "a" * 40 + "/pytorch_model.bin")


def test_malicious_is_an_hg403_error_naming_the_call() -> None:
    [finding] = verdict_findings(judge(system_call("id", 2), "pytorch_model.bin"), LOCATION)
    assert finding.rule_id == "HG403" and finding.rule_id in RULES
    assert finding.level is Level.ERROR
    assert "imports os.system and calls it via REDUCE" in finding.message
    assert finding.properties["calls"] == ["os.system"]
    assert finding.location is LOCATION


def test_suspicious_is_an_hg403_warning() -> None:
    [finding] = verdict_findings(judge(PROTO4 + stack_global("mylib.models", "Net") + STOP), LOCATION)
    assert finding.rule_id == "HG403" and finding.level is Level.WARNING
    assert "mylib.models.Net" in finding.message


def test_reviewed_library_classes_are_an_hg403_note_listing_them() -> None:
    [finding] = verdict_findings(judge(sklearn_estimator_pickle()), LOCATION)
    assert finding.rule_id == "HG403" and finding.level is Level.NOTE
    assert finding.message.endswith("sklearn.linear_model._logistic.LogisticRegression")
    assert finding.properties["reviewedClasses"] == ["sklearn.linear_model._logistic.LogisticRegression"]


def test_unknown_is_an_hg405_warning() -> None:
    [finding] = verdict_findings(judge(b"Rar!\x1a\x07" + bytes(64), "model.rar"), LOCATION)
    assert finding.rule_id == "HG405" and finding.level is Level.WARNING
    assert "RAR archive: not inspected" in finding.message


def test_safe_gives_no_finding() -> None:
    assert verdict_findings(judge(torch_state_dict_pickle()), LOCATION) == []


def test_long_issue_lists_are_summarised() -> None:
    body = b"".join(stack_global(f"pkg{index}", "f") + MARK + TUPLE + REDUCE + b"0" for index in range(9))
    [finding] = verdict_findings(judge(PROTO4 + body + b"N" + STOP), LOCATION)
    assert "and 4 more" in finding.message
    assert len(finding.properties["issues"]) == 9
