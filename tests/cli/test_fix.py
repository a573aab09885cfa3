"""--fix through ``python -m hubguard``: re-check after writing, --diff, --unsafe-fixes, true reasons."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.run import hubguard, project

SOURCE = """\
import pickle
import torch
from transformers import AutoModel

state = torch.load("weights.pt")
model = AutoModel.from_pretrained("org/model", revision="main")
config = pickle.load(open("cfg.pkl", "rb"))
"""


def test_fix_rechecks_and_reports_what_remains(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.py": SOURCE})
    completed = hubguard("scan", "--offline", "--fix", "--unsafe-fixes", "app.py", cwd=root)
    assert "weights_only=True)" in (root / "app.py").read_text()
    assert "fixed HG301 at app.py:5:9: weights_only=True" in completed.stderr
    out = completed.stdout
    assert "1 fixed, 2 remaining." in out
    assert "5:9" not in out  # the fixed finding is not printed again
    assert "HG201" in out and "pickle.load" in out
    assert completed.returncode == 1  # what remains still fails


def test_fix_that_clears_everything_exits_0(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.py": "import torch\nstate = torch.load('w.pt')\n"})
    completed = hubguard("scan", "--offline", "--fix", "--unsafe-fixes", "app.py", cwd=root)
    assert completed.returncode == 0, completed.stdout
    assert "1 fixed, 0 remaining." in completed.stdout


def test_fix_in_a_machine_format_reports_the_remaining_findings(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.py": SOURCE})
    completed = hubguard("scan", "--offline", "--fix", "--unsafe-fixes", "--format", "json", "app.py", cwd=root)
    report = json.loads(completed.stdout)
    assert sorted(f["rule"] for f in report["findings"]) == ["HG201", "HG301"]
    assert "hubguard: 1 fixed, 2 remaining." in completed.stderr


def test_weights_only_needs_unsafe_fixes_and_says_why(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.py": SOURCE})
    completed = hubguard("scan", "--offline", "--fix", "app.py", cwd=root)
    assert (root / "app.py").read_text() == SOURCE
    assert "not fixed HG301 at app.py:5:9: adding weights_only=True is an unsafe fix" in completed.stderr
    assert "--unsafe-fixes" in completed.stderr
    assert "0 fixed, 3 remaining." in completed.stdout
    assert completed.returncode == 1


def test_not_fixed_reasons_are_true_and_name_no_internal_ids(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.py": SOURCE})
    err = hubguard("scan", "--offline", "--fix", "app.py", cwd=root).stderr
    assert "not fixed HG201 at app.py:6:" in err and "the scan ran with --offline" in err
    pickle_line = next(line for line in err.splitlines() if "app.py:7:" in line)
    assert "weights_only" not in pickle_line and "safetensors" in pickle_line
    assert "(B" not in err and "A1" not in err


def test_fix_diff_prints_only_the_patch(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.py": SOURCE})
    completed = hubguard("scan", "--offline", "--fix", "--diff", "--unsafe-fixes", "app.py", cwd=root)
    assert completed.stdout.startswith("--- a/app.py\n+++ b/app.py\n@@")
    assert '+state = torch.load("weights.pt", weights_only=True)' in completed.stdout
    body = [line for line in completed.stdout.splitlines() if not line.startswith(("---", "+++", "@@", "+", "-", " "))]
    assert body == []
    assert (root / "app.py").read_text() == SOURCE
    assert completed.returncode == 1


def test_fix_diff_with_a_report_file(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.py": SOURCE})
    completed = hubguard(
        "scan", "--offline", "--fix", "--diff", "--unsafe-fixes", "--format", "sarif", "-o", "out.sarif", "app.py",
        cwd=root,
    )
    assert completed.stdout.startswith("--- a/app.py")
    assert json.loads((root / "out.sarif").read_text())["runs"][0]["results"]
