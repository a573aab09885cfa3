"""An offline scan imports only what the static pass needs: a pre-commit hook pays for every import on every commit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


PROBE = """
import json, sys
from hubguard.cli import main
try:
    main(sys.argv[2:])
except SystemExit:
    pass
watched = json.loads(sys.argv[1])
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in watched["packages"]
                        or name.startswith(tuple(watched["modules"])))))
"""
HEAVY = {"packages": ["cyclonedx", "httpcore", "libcst"], "modules": ["hubguard.hub", "hubguard.remote_code", "hubguard.inspectors"]}
# Needed only by some scans: directory walks and exclude globs (pathspec), a configuration file to parse,
# notebooks, baselines and --diff-base (git, through subprocess), machine-readable reports.
OCCASIONAL = {
    "packages": ["pathspec", "tomllib", "tomli", "subprocess"],
    "modules": ["hubguard.static.notebook", "hubguard.static.jsonpos", "hubguard.static.shell_commands",
                "hubguard.filters.baseline", "hubguard.filters.changed_lines", "hubguard.formats.sarif",
                "hubguard.formats.json_report", "hubguard.formats.github"],
}


def imported_by(*args: str, cwd: Path, watched: dict[str, list[str]] = HEAVY) -> list[str]:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(watched), *args], cwd=cwd, capture_output=True, text=True,
        timeout=120, check=True,
    )
    return json.loads(completed.stdout.splitlines()[-1])


def test_an_offline_scan_with_findings_imports_no_hub_inspector_or_report_library(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text(
        "import torch\nfrom transformers import AutoModel\nm = AutoModel.from_pretrained('org/x', trust_remote_code=True)\n"
        "state = torch.load('x.pt')\n",
        encoding="utf-8",
    )
    for report in ("text", "json", "sarif"):
        args = ["scan", "--offline", "--no-cache", "--format", report, "--output", str(tmp_path / "out"), "."]
        assert imported_by(*args, cwd=tmp_path) == [], report


def test_the_probe_sees_what_an_inventory_imports(tmp_path: Path) -> None:
    (tmp_path / "empty.py").write_text("x = 1\n", encoding="utf-8")
    args = ["scan", "--offline", "--no-cache", "--format", "cyclonedx", "--output", str(tmp_path / "bom.json"), "."]
    assert any(name.startswith("cyclonedx") for name in imported_by(*args, cwd=tmp_path))


def test_a_commit_hook_scan_of_named_files_imports_nothing_it_does_not_use(tmp_path: Path) -> None:
    """What pre-commit runs: a few named .py files, text report, no exclude globs, no notebook, no baseline, and
    a pyproject.toml without hubguard settings."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\n')
    (tmp_path / "train.py").write_text("from transformers import AutoModel\nAutoModel.from_pretrained('org/x')\n")
    (tmp_path / "util.py").write_text("import json\n")
    args = ["scan", "--offline", "--no-cache", "--fail-on", "none", "train.py", "util.py"]
    assert imported_by(*args, cwd=tmp_path, watched=OCCASIONAL) == []


def test_the_probe_sees_the_occasional_imports_when_they_are_used(tmp_path: Path) -> None:
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "source": ["import torch\\n", "torch.load('x.pt')\\n"]}
    notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "train.ipynb").write_text(json.dumps(notebook))
    (tmp_path / "pyproject.toml").write_text("[tool.hubguard]\nfail-on = 'error'\n")
    args = ["scan", "--offline", "--no-cache", "--exclude", "build", "--write-baseline", "baseline.json", "."]
    imported = set(imported_by(*args, cwd=tmp_path, watched=OCCASIONAL))
    assert {"pathspec", "hubguard.static.notebook", "hubguard.filters.baseline"} <= imported
    assert imported & {"tomllib", "tomli"}
    args = ["scan", "--offline", "--no-cache", "--format", "json", "--output", "report.json", "train.ipynb"]
    assert "hubguard.formats.json_report" in imported_by(*args, cwd=tmp_path, watched=OCCASIONAL)
