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
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in {"cyclonedx", "httpcore", "libcst"}
                        or name.startswith(("hubguard.hub", "hubguard.remote_code", "hubguard.inspectors")))))
"""


def imported_by(*args: str, cwd: Path) -> list[str]:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=True
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
