"""OpenMMLab checkpoint names expanded from the tables of the project's installed mmengine/mmcv (read, never
imported) and the user's override, then inspected like URLs on a loopback file host."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from hubguard.findings import HubReference, Location, Region, RevisionState
from hubguard.hub.remote_pass import RemoteOptions, RemoteResult, run_remote_pass
from hubguard.hub.scanners import Scanners
from hubguard.hub.transport import RetryPolicy
from tests.fakehub.files import FakeFileServer
from tests.inspectors.fixtures import system_call, torch_state_dict_pickle, torch_zip

EVIL = torch_zip(system_call("touch /nonexistent/canary", 2))
BENIGN = torch_zip(torch_state_dict_pickle())


@pytest.fixture
def files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeFileServer]:
    with FakeFileServer() as server:
        monkeypatch.setenv("HUBGUARD_ALLOW_PRIVATE_URLS", "1")  # the file host is on loopback
        for name in ("VIRTUAL_ENV", "CONDA_PREFIX"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("MMENGINE_HOME", str(tmp_path / "mmengine-home"))
        monkeypatch.setenv("MMCV_HOME", str(tmp_path / "mmcv-home"))
        yield server


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    return root


def install(project: Path, package: str, tables: dict[str, dict[str, str]], version: str = "0.10.7") -> None:
    """A package as pip leaves it in the project's .venv: its JSON tables and its dist-info (no code)."""
    site = project / ".venv" / "lib" / "python3.11" / "site-packages"
    folder = site / package / ("hub" if package == "mmengine" else "model_zoo")
    folder.mkdir(parents=True)
    (site / f"{package}-{version}.dist-info").mkdir()
    for name, table in tables.items():
        (folder / name).write_text(json.dumps(table))


def reference(name: str, repo_type: str = "mmengine") -> HubReference:
    return HubReference("openmmlab", repo_type, name, None, RevisionState.UNPINNED,
                        Location("train.py", Region(5, 1, 5, 40)), "B14", runs_remote_code=False, loads_weights=True)


def run(references: list[HubReference], project: Path, tmp_path: Path) -> RemoteResult:
    options = RemoteOptions(
        offline=False, timeout=5.0, cache_dir=tmp_path / "cache", endpoint=None, token=None,
        retry=RetryPolicy(attempts=2, backoff=0.01, max_retry_after=1.0), project_root=project,
    )
    return run_remote_pass(references, options, scanners=Scanners.default())


def outline(result: RemoteResult) -> list[tuple[str, str]]:
    return sorted((finding.rule_id, finding.properties["repoId"]) for finding in result.findings)


def test_names_expand_through_the_installed_tables(files: FakeFileServer, project: Path, tmp_path: Path) -> None:
    evil = files.add("/pretrain/resnet50_caffe-788b5fa3.pth", EVIL)
    mmcls = files.add("/mmcls/vgg11-4271cd6c.pth", EVIL)
    vision = files.add("/models/resnet50-19c8e357.pth", EVIL)
    clean = files.add("/pretrain/vgg16_caffe-292e1171.pth", BENIGN)
    install(project, "mmengine", {
        "openmmlab.json": {"detectron/resnet50_caffe": evil, "vgg16_caffe": clean},
        "deprecated.json": {"resnet50_caffe": "detectron/resnet50_caffe"},
        "mmcls.json": {"vgg11": mmcls},
        "torchvision_0.12.json": {"resnet50": vision},
    })
    names = ["open-mmlab://resnet50_caffe", "openmmlab://vgg16_caffe", "mmcls://vgg11", "torchvision://resnet50",
             "modelzoo://resnet50"]
    result = run([reference(name) for name in names], project, tmp_path)
    assert outline(result) == [
        ("HG403", "mmcls://vgg11"),
        ("HG403", "modelzoo://resnet50"),
        ("HG403", "open-mmlab://resnet50_caffe"),  # renamed through deprecated.json first, as mmengine does
        ("HG403", "torchvision://resnet50"),
    ]
    caffe = next(f for f in result.findings if f.properties["repoId"] == "open-mmlab://resnet50_caffe")
    assert caffe.related[0].path == evil  # the URL the name expanded to, as the related location
    assert not result.notifications


def test_the_home_override_is_followed_and_reported(files: FakeFileServer, project: Path, tmp_path: Path) -> None:
    official = files.add("/pretrain/resnet50_caffe.pth", BENIGN)
    mirror = files.add("/mirror/r50.pth", EVIL)
    install(project, "mmengine", {"openmmlab.json": {"detectron/resnet50_caffe": official}})
    home = tmp_path / "mmengine-home"
    home.mkdir()
    (home / "open_mmlab.json").write_text(json.dumps({"detectron/resnet50_caffe": mirror, "extra": mirror}))
    result = run([reference("open-mmlab://detectron/resnet50_caffe"), reference("open-mmlab://extra")], project,
                 tmp_path)
    assert outline(result) == [
        ("HG403", "open-mmlab://detectron/resnet50_caffe"),  # the mirror mmengine would load here was inspected
        ("HG403", "open-mmlab://extra"),
        ("HG410", "open-mmlab://detectron/resnet50_caffe"),
        ("HG410", "open-mmlab://extra"),
    ]
    redirected = next(f for f in result.findings if f.rule_id == "HG410" and "detectron" in f.properties["repoId"])
    assert f"to '{mirror}' instead of '{official}' from mmengine 0.10.7's table" in redirected.message
    assert str(home / "open_mmlab.json") in redirected.message
    extra = next(f for f in result.findings if f.rule_id == "HG410" and "extra" in f.properties["repoId"])
    assert "a name mmengine 0.10.7's table does not define" in extra.message


def test_mmcv_tables_and_home(files: FakeFileServer, project: Path, tmp_path: Path) -> None:
    evil = files.add("/mmcv/x.pth", EVIL)
    install(project, "mmcv", {"open_mmlab.json": {"x": evil}}, version="1.7.2")
    result = run([reference("open-mmlab://x", "mmcv"), reference("open-mmlab://x", "openmmlab"),
                  reference("torchvision://resnet50", "mmcv")], project, tmp_path)
    assert outline(result) == [
        ("HG403", "open-mmlab://x"),
        ("HG403", "open-mmlab://x"),  # init_detector & co: mmcv's tables when mmengine is not installed
        ("HG405", "torchvision://resnet50"),
    ]
    (unresolved,) = [f for f in result.findings if f.rule_id == "HG405"]
    assert "mmcv 1.7.2 takes torchvision:// URLs from torchvision's own model_urls" in unresolved.message


def test_what_cannot_be_expanded_is_said(files: FakeFileServer, project: Path, tmp_path: Path) -> None:
    bare = tmp_path / "bare"
    bare.mkdir()
    missing = run([reference("open-mmlab://resnet50_caffe")], bare, tmp_path)
    assert outline(missing) == [("HG405", "open-mmlab://resnet50_caffe")]
    assert "no mmengine package in the project's environment" in missing.findings[0].message

    install(project, "mmengine", {"openmmlab.json": {"local": "checkpoints/x.pth"}, "torchvision_0.12.json": {}})
    result = run([reference("open-mmlab://nope"), reference("open-mmlab://local"),
                  reference("torchvision://resnet50.imagenet1k_v1")], project, tmp_path)
    messages = {f.properties["repoId"]: f.message for f in result.findings}
    assert [f.rule_id for f in result.findings] == ["HG405"] * 3 and files.requests == []
    assert "'nope' is in neither mmengine 0.10.7's openmmlab.json nor" in messages["open-mmlab://nope"]
    assert "maps to a local file under" in messages["open-mmlab://local"]
    assert "torchvision's *_Weights enums" in messages["torchvision://resnet50.imagenet1k_v1"]


def test_plain_urls_need_no_table(files: FakeFileServer, project: Path, tmp_path: Path) -> None:
    url = files.add("/work_dirs/latest.pth", EVIL)
    assert outline(run([reference(url)], project, tmp_path)) == [("HG403", url)]


def test_hostile_names_and_expansions_make_no_request(
    files: FakeFileServer, project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(project, "mmengine", {"openmmlab.json": {"meta": "http://169.254.169.254/latest/meta-data/"}})
    hostile = ["open-mmlab://../../etc/passwd", "open-mmlab://a b", "s3://bucket/x.pth", "file:///etc/passwd",
               "open-mmlab://x\n"]
    result = run([reference(name) for name in hostile], project, tmp_path)
    assert result.findings == [] and len(result.notifications) == len(hostile)
    monkeypatch.delenv("HUBGUARD_ALLOW_PRIVATE_URLS")
    expanded = run([reference("open-mmlab://meta")], project, tmp_path)
    assert outline(expanded) == [("HG405", "open-mmlab://meta")]
    assert "expands to a URL hubguard will not fetch" in expanded.findings[0].message
    assert files.requests == []
