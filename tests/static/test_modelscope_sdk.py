"""ModelScope findings do not depend on what is installed where hubguard runs: they state the release facts
(< 1.38 loads no commit SHA; Model.from_pretrained < 1.28.1 and pipeline < 1.37.0 have no trust gate)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from hubguard.config import Config
from hubguard.findings import Finding, Level
from hubguard.fix import apply_fixes
from hubguard.static.engine import scan_paths
from tests.fix.helpers import SHA

CALLS = (
    "from modelscope import snapshot_download, MsDataset\n"
    "from modelscope.models import Model\n"
    "from modelscope.pipelines import pipeline\n"
    "snapshot_download('owner/model')\n"
    "Model.from_pretrained('owner/model', revision='v1.0')\n"
    "pipeline('text-classification', model='owner/model', model_revision='v1.0')\n"
    "MsDataset.load('owner/data')\n"
    f"Model.from_pretrained('owner/model', revision='{SHA}')\n"
    "Model.from_pretrained('owner/model', trust_remote_code=True)\n"
)


def scan(tmp_path: Path) -> dict[int, list[Finding]]:
    (tmp_path / "app.py").write_text(CALLS)
    findings = scan_paths([tmp_path / "app.py"], Config(cache=False), tmp_path).findings
    by_line: dict[int, list[Finding]] = {}
    for finding in findings:
        assert finding.location.region is not None
        by_line.setdefault(finding.location.region.start_line, []).append(finding)
    return by_line


def test_hubguard_never_reads_an_installed_modelscope() -> None:
    assert importlib.util.find_spec("hubguard.static.installed") is None
    source = (Path(__file__).parents[2] / "src" / "hubguard" / "static").rglob("*.py")
    assert not any("importlib.metadata" in path.read_text() or "from importlib import metadata" in path.read_text()
                   for path in source)


def test_the_pin_advice_states_which_releases_load_a_commit(tmp_path: Path) -> None:
    by_line = scan(tmp_path)
    (download,) = by_line[4]
    assert "modelscope >= 1.38 loads a commit SHA; older releases accept only branch and tag names" in download.message
    assert "installed" not in download.message
    assert download.properties["revisionStyle"] == "keyword"  # --fix pins the SHA current releases load
    (dataset,) = by_line[7]
    assert "1.38" not in dataset.message  # dataset downloads pass any revision through
    assert "fixNote" not in dataset.properties


def test_releases_without_a_trust_gate_are_a_note_on_unpinned_loads(tmp_path: Path) -> None:
    by_line = scan(tmp_path)
    for line, gate in ((5, "1.28.1"), (6, "1.37.0")):
        (note,) = [f for f in by_line[line] if f.rule_id == "HG101"]
        assert note.level is Level.NOTE
        assert f"modelscope < {gate} has no trust_remote_code gate" in note.message
        assert f"Require modelscope >= {gate}" in note.message
    assert [f.rule_id for f in by_line[4]] == ["HG201"]  # a download runs nothing
    assert 8 not in by_line  # only releases with the gate load a commit SHA
    assert [(f.rule_id, f.level) for f in by_line[9] if f.rule_id == "HG101"] == [("HG101", Level.ERROR)]


def test_fix_pins_the_commit_and_says_what_older_releases_need(tmp_path: Path) -> None:
    (download,) = scan(tmp_path)[4]
    download.properties["resolvedRevision"] = SHA  # what the remote pass would have resolved
    [outcome] = apply_fixes([download], tmp_path, write=True)
    assert outcome.changed
    assert f"snapshot_download('owner/model', revision='{SHA}')" in (tmp_path / "app.py").read_text()
    (applied,) = outcome.applied
    assert "needs modelscope >= 1.38; older releases accept only branch and tag names" in applied
