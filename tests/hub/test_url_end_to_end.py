"""URL and OpenMMLab sources through the CLI: the static pass finds the literal source, the remote pass
inspects the file behind it, and the report says both (hash check, pickle verdict)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hubguard.cli import main
from tests.fakehub.files import FakeFileServer
from tests.inspectors.fixtures import system_call, torch_zip


def test_weights_behind_urls_and_checkpoint_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    canary = tmp_path / "canary"
    evil = torch_zip(system_call(f"touch {canary}", 2))
    project = tmp_path / "project"
    tables = project / ".venv" / "lib" / "python3.12" / "site-packages" / "mmengine" / "hub"
    tables.mkdir(parents=True)
    with FakeFileServer() as files:
        weights = files.add("/models/resnet18-f37072fd.pth", evil)
        checkpoint = files.add("/pretrain/resnet50_caffe-788b5fa3.pth", evil)
        (tables / "openmmlab.json").write_text(json.dumps({"detectron/resnet50_caffe": checkpoint}))
        (tables / "deprecated.json").write_text(json.dumps({"resnet50_caffe": "detectron/resnet50_caffe"}))
        (project / "train.py").write_text(
            "import torch\n"
            "from mmengine.runner import load_checkpoint\n"
            f'state = torch.hub.load_state_dict_from_url("{weights}", check_hash=True)\n'
            'load_checkpoint(model, "open-mmlab://resnet50_caffe")\n'
        )
        monkeypatch.setenv("HUBGUARD_ALLOW_PRIVATE_URLS", "1")
        monkeypatch.chdir(project)
        code = main(["scan", "--format", "json", "--cache-dir", str(tmp_path / "cache"), "train.py"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    outline = sorted((f["region"]["startLine"], f["rule"], f["level"]) for f in findings)
    assert code == 1 and not canary.exists()
    assert outline == [
        (3, "HG201", "note"),  # an 8-digit SHA-256 prefix is all that check_hash compares
        (3, "HG301", "warning"),
        (3, "HG403", "error"),  # the pickle behind the URL calls os.system
        (4, "HG201", "warning"),  # no hash check at all
        (4, "HG301", "warning"),
        (4, "HG403", "error"),  # the name, expanded through the project's mmengine table
    ]
    remote = {f["region"]["startLine"]: f for f in findings if f["rule"] == "HG403"}
    assert remote[3]["related"][0]["path"] == weights
    assert remote[4]["related"][0]["path"] == checkpoint
    assert remote[4]["properties"]["repoId"] == "open-mmlab://resnet50_caffe"
