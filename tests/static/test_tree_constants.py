"""Constants imported from another module of the scanned tree resolve both ways (hub ID / local folder), and the
result cache follows the module they come from."""

from __future__ import annotations

from pathlib import Path

from hubguard.config import Config
from hubguard.findings import Finding
from hubguard.static.engine import scan_paths

CONFIG = (
    "import os\n"
    "MODEL_ID = 'org/shared-model'\n"
    "CHECKPOINTS = os.path.join(os.path.dirname(__file__), 'checkpoints')\n"
    "OUTPUT_DIR = './outputs/final'\n"
    "TRUST = True\n"
    "BRANCH = 'main'\n"
    "TWICE = 'org/a'\n"
    "TWICE = 'org/b'\n"
)
TRAIN = (
    "from transformers import AutoModel\n"
    "from .config import MODEL_ID, CHECKPOINTS, OUTPUT_DIR as OUT, TRUST, BRANCH, TWICE\n"
    "hub = AutoModel.from_pretrained(MODEL_ID, trust_remote_code=TRUST)\n"
    "local = AutoModel.from_pretrained(CHECKPOINTS, trust_remote_code=TRUST)\n"
    "written = AutoModel.from_pretrained(OUT, revision=BRANCH)\n"
    "rebound = AutoModel.from_pretrained(TWICE)\n"
    "branch = AutoModel.from_pretrained('org/other', revision=BRANCH)\n"
)
SCRIPT = "from transformers import AutoModel\nfrom pkg.config import MODEL_ID\nm = AutoModel.from_pretrained(MODEL_ID)\n"


def tree(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir(parents=True)
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "config.py").write_text(CONFIG)
    (tmp_path / "pkg" / "train.py").write_text(TRAIN)
    (tmp_path / "script.py").write_text(SCRIPT)
    return tmp_path


def by_line(findings: list[Finding], path: str) -> dict[int, list[tuple[str, str, str]]]:
    lines: dict[int, list[tuple[str, str, str]]] = {}
    for finding in findings:
        if finding.location.path == path and finding.location.region is not None:
            entry = (finding.rule_id, finding.level.value, finding.properties.get("repoId", ""))
            lines.setdefault(finding.location.region.start_line, []).append(entry)
    return lines


def test_constants_from_the_tree_resolve_both_ways(tmp_path: Path) -> None:
    root = tree(tmp_path)
    result = scan_paths([root], Config(cache=False), root)
    train = by_line(result.findings, "pkg/train.py")
    assert sorted(train[3]) == [("HG101", "error", "org/shared-model"), ("HG201", "error", "org/shared-model")]
    assert [rule for rule, _, _ in train[4]] == ["HG101"]  # a local folder: its code still runs, no hub reference
    assert 5 not in train  # './outputs/final' is local, whatever revision says
    assert [(rule, level) for rule, level, _ in train[6]] == [("HG201", "note")]  # bound twice: not a constant
    assert train[7] == [("HG201", "warning", "org/other")]  # BRANCH = 'main'
    assert by_line(result.findings, "script.py")[3] == [("HG201", "warning", "org/shared-model")]
    references = {(ref.location.path, ref.repo_id) for ref in result.references}
    assert ("pkg/train.py", "org/shared-model") in references and ("script.py", "org/shared-model") in references


def test_editing_the_constants_module_reanalyses_its_importers(tmp_path: Path) -> None:
    root = tree(tmp_path / "project")
    config = Config(cache_dir=tmp_path / "cache")
    scan_paths([root], config, root)
    again = scan_paths([root], config, root)
    assert again.stats["cache"]["misses"] == 0
    (root / "pkg" / "config.py").write_text(CONFIG.replace("org/shared-model", "org/renamed"))
    edited = scan_paths([root], config, root)
    assert {"pkg/train.py", "script.py"} <= {f.location.path for f in edited.findings if f.properties.get("repoId") == "org/renamed"}
    assert edited.stats["cache"]["misses"] == 2  # the two importers; the edited module itself has no loader


def test_a_module_outside_the_scanned_paths_is_not_read(tmp_path: Path) -> None:
    root = tree(tmp_path)
    result = scan_paths([root / "pkg" / "train.py"], Config(cache=False), root)
    train = by_line(result.findings, "pkg/train.py")
    assert sorted((rule, level) for rule, level, _ in train[3]) == [("HG101", "warning"), ("HG201", "note")]
