"""What the static pass says about ModelScope calls depends on the modelscope release installed where it runs:
which revisions it accepts (< 1.38: branches and tags only) and whether trust_remote_code gates repository code."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubguard.config import Config
from hubguard.findings import Finding
from hubguard.static import scan_paths
from hubguard.static.installed import installed_version

CALLS = (
    "from modelscope import snapshot_download, MsDataset\n"
    "from modelscope.models import Model\n"
    "from modelscope.pipelines import pipeline\n"
    "snapshot_download('owner/model')\n"
    "Model.from_pretrained('owner/model', revision='v1.0')\n"
    "pipeline('text-classification', model='owner/model', model_revision='v1.0')\n"
    "MsDataset.load('owner/data')\n"
)


def scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: tuple[int, ...] | None) -> dict[int, list[Finding]]:
    monkeypatch.setattr("hubguard.static.checks.installed_version", lambda distribution: version)
    (tmp_path / "app.py").write_text(CALLS)
    findings = scan_paths([tmp_path / "app.py"], Config(), tmp_path).findings
    by_line: dict[int, list[Finding]] = {}
    for finding in findings:
        assert finding.location.region is not None
        by_line.setdefault(finding.location.region.start_line, []).append(finding)
    return by_line


def test_an_old_release_cannot_pin_a_commit_and_fix_leaves_the_call_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    by_line = scan(tmp_path, monkeypatch, (1, 37, 1))
    (download,) = by_line[4]
    assert "modelscope 1.37.1 installed here cannot load one" in download.message
    assert "upgrade to modelscope >= 1.38" in download.message
    assert download.properties["revisionStyle"] == "unfixable"  # a SHA would make this modelscope refuse the load
    (dataset,) = by_line[7]
    assert "installed here" not in dataset.message  # dataset downloads pass the revision through
    assert dataset.properties["revisionStyle"] == "keyword"
    assert [f.rule_id for f in by_line[5] + by_line[6]] == ["HG201", "HG201"]  # both releases have a trust gate


def test_releases_without_a_trust_gate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    by_line = scan(tmp_path, monkeypatch, (1, 27, 0))
    for line, gate in ((5, "1.28.1"), (6, "1.37.0")):
        (warning,) = [f for f in by_line[line] if f.rule_id == "HG101"]
        assert "modelscope 1.27.0 installed here has no trust_remote_code gate" in warning.message
        assert f">= {gate}" in warning.message
    assert [f.rule_id for f in by_line[4]] == ["HG201"]  # a download runs nothing


def test_a_current_release_pins_commits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (download,) = scan(tmp_path, monkeypatch, (1, 38, 0))[4]
    assert download.message.endswith("pin it to a commit SHA.")
    assert download.properties["revisionStyle"] == "keyword"


def test_unknown_release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (download,) = scan(tmp_path, monkeypatch, None)[4]
    assert "(modelscope >= 1.38 loads a commit SHA; older releases accept only branch and tag names" in download.message
    assert download.properties["revisionStyle"] == "keyword"


def test_installed_versions_come_from_metadata() -> None:
    installed_version.cache_clear()
    assert installed_version("pytest") is not None and installed_version("pytest") >= (8,)
    assert installed_version("no-such-distribution-hubguard") is None
