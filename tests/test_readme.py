"""The README's promises: its first commands work, its rule table is generated, .ci/run matches it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from hubguard.formats import rules_table_markdown

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _first_commands() -> list[str]:
    block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line and not line.startswith("#")]


def test_readme_rule_table_is_the_generated_one() -> None:
    assert rules_table_markdown().strip() in README


def test_ci_runs_exactly_the_readme_test_command() -> None:
    install_and_scan, test_command = _first_commands()
    assert "examples/vulnerable-project" in install_and_scan
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_bundled_example_shows_every_static_rule() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "hubguard", "scan", "--offline", "--format", "json", "examples/vulnerable-project"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1, completed.stderr
    report = json.loads(completed.stdout)
    rules = {finding["rule"] for finding in report["findings"] if not finding["suppressed"]}
    assert rules == {"HG101", "HG102", "HG201", "HG301"}
    assert any(finding["suppressed"] for finding in report["findings"])
    assert any(finding["path"].endswith(".ipynb") for finding in report["findings"])
