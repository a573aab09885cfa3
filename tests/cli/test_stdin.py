"""``hubguard scan -`` reads the source from stdin, named by --stdin-filename (editor integrations)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.run import TORCH_LOAD, VULNERABLE, hubguard, project

SUPPRESSED = "import torch\nx = torch.load('a')  # hubguard: ignore[HG301]\ny = torch.load('b')\n"


def test_stdin_is_scanned_under_the_given_name(tmp_path: Path) -> None:
    root = project(tmp_path, {})
    completed = hubguard("scan", "--offline", "-", "--stdin-filename", "src/app.py", cwd=root, stdin=SUPPRESSED)
    assert completed.returncode == 1
    assert "src/app.py" in completed.stdout
    assert "  > 3 | y = torch.load('b')" in completed.stdout  # the frame shows stdin, not a file on disk
    assert "1 suppressed" in completed.stdout


def test_stdin_in_json_keeps_suppressions_and_paths(tmp_path: Path) -> None:
    root = project(tmp_path, {})
    completed = hubguard(
        "scan", "--offline", "--format", "json", "-", "--stdin-filename", "src/app.py", cwd=root, stdin=SUPPRESSED
    )
    report = json.loads(completed.stdout)
    assert [(f["path"], f["region"]["startLine"], f["suppressed"]) for f in report["findings"]] == [
        ("src/app.py", 2, True),
        ("src/app.py", 3, False),
    ]


def test_stdin_sarif_has_fingerprints_from_the_stdin_text(tmp_path: Path) -> None:
    root = project(tmp_path, {})
    completed = hubguard(
        "scan", "--offline", "--format", "sarif", "-", "--stdin-filename", "new.py", cwd=root, stdin=TORCH_LOAD
    )
    [result] = json.loads(completed.stdout)["runs"][0]["results"]
    assert result["partialFingerprints"]["primaryLocationLineHash"]


def test_stdin_uses_the_configuration_of_the_named_path(tmp_path: Path) -> None:
    root = project(tmp_path, {"pkg/pyproject.toml": "[tool.hubguard]\nignore = ['HG1']\n"})
    completed = hubguard(
        "scan", "--offline", "--format", "json", "-", "--stdin-filename", "pkg/m.py", cwd=root, stdin=VULNERABLE
    )
    assert {f["rule"] for f in json.loads(completed.stdout)["findings"]} == {"HG201"}


def test_stdin_notebook_by_its_suffix(tmp_path: Path) -> None:
    root = project(tmp_path, {})
    notebook = {
        "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": ["import torch\n", "torch.load('m')\n"]}],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    completed = hubguard(
        "scan", "--offline", "--format", "json", "-", "--stdin-filename", "nb.ipynb", cwd=root,
        stdin=json.dumps(notebook, indent=1),
    )
    [finding] = json.loads(completed.stdout)["findings"]
    assert finding["properties"]["notebook"]["cellNumber"] == 1


def test_stdin_without_a_name(tmp_path: Path) -> None:
    completed = hubguard("scan", "--offline", "-", cwd=project(tmp_path, {}), stdin=TORCH_LOAD)
    assert completed.returncode == 1 and "<stdin>" in completed.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-", "other.py"], "cannot be combined"),
        (["--fix", "-"], "need files, not stdin"),
        (["--stdin-filename", "a.py", "."], "--stdin-filename needs -"),
    ],
)
def test_stdin_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    completed = hubguard("scan", "--offline", *args, cwd=project(tmp_path, {"other.py": ""}), stdin=TORCH_LOAD)
    assert completed.returncode == 2 and message in completed.stderr
