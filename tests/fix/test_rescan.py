"""End to end with the real static pass: fix the findings it reports, re-scan, and they are gone."""

from __future__ import annotations

from pathlib import Path

from hubguard.config import Config
from hubguard.findings import Finding
from hubguard.fix import apply_fixes
from hubguard.static.engine import scan_paths
from tests.fix.helpers import SHA

SOURCE = """\
# Modèle: chargé depuis le hub
import torch
from transformers import AutoModel, AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained("org/model", revision="main")  # tokenizer
model = AutoModel.from_pretrained(
    "org/model",
    trust_remote_code=True,
)
state = torch.load("weights.pt", map_location="cpu")
backbone = torch.hub.load("owner/repo:v1.0", "resnet50")
"""


def scan(root: Path) -> list[Finding]:
    return scan_paths([root / "app.py"], Config(offline=True), root).findings


def pin_all(findings: list[Finding]) -> list[Finding]:
    """Stand-in for the remote pass: every unpinned reference resolves to SHA."""
    for finding in findings:
        if finding.rule_id == "HG201":
            finding.properties["resolvedRevision"] = SHA
    return findings


def test_fixed_findings_disappear_on_rescan(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(SOURCE, encoding="utf-8")
    before = pin_all(scan(tmp_path))
    fixable = [f for f in before if f.rule_id in ("HG201", "HG301")]
    assert {f.rule_id for f in fixable} == {"HG201", "HG301"}

    [outcome] = apply_fixes(before, tmp_path, write=True, unsafe=True)
    assert outcome.changed and outcome.skipped == [], outcome.skipped
    assert len(outcome.applied) == len(fixable) == 4

    after = scan(tmp_path)
    assert [f for f in after if f.rule_id in ("HG201", "HG301")] == []
    assert [f.rule_id for f in after] == [f.rule_id for f in before if f.rule_id not in ("HG201", "HG301")]
    text = (tmp_path / "app.py").read_text(encoding="utf-8")
    assert "# Modèle: chargé depuis le hub\n" in text and "# tokenizer  # was: main" in text


def test_offline_scan_leaves_revisions_alone_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(SOURCE, encoding="utf-8")
    [outcome] = apply_fixes(scan(tmp_path), tmp_path, write=True, unsafe=True, offline=True)
    reasons = {reason for _, reason in outcome.skipped}
    assert reasons == {"the scan ran with --offline, so the revision was not looked up; run it online to pin"}
    assert outcome.applied == ["HG301 at app.py:10:9: weights_only=True"]
