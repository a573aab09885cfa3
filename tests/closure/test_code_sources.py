"""Which code a load runs, fetched from where the loader fetches it: the real planner and import closure
against the loopback hub, with a scanner stand-in (tests/remote_code/test_corpus.py runs the real one)."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import pytest

from hubguard.findings import Finding, HubReference, Level, Location, Region, RevisionState
from hubguard.hub.remote_pass import RemoteOptions, RemoteResult, run_remote_pass
from hubguard.hub.transport import RetryPolicy
from hubguard.revisions import classify_revision
from tests.fakehub import FakeHub
from tests.remote_code.test_remote_wiring import Scanner, scanners

CLEAN = b"class CustomModel:\n    pass\n"
DANGER = b"import os\nDANGER = os.system\nclass CustomModel:\n    pass\n"


def config(auto_map: dict[str, str]) -> bytes:
    return json.dumps({"model_type": "custom", "auto_map": auto_map}).encode()


def cross(repo_id: str, module: str = "modeling") -> bytes:
    return config({"AutoModel": f"{repo_id}--{module}.CustomModel"})


def load(repo_id: str, revision: str | None = None, *, line: int = 4, **code: str | None) -> HubReference:
    return HubReference("huggingface", "model", repo_id, revision, classify_revision(revision),
                        Location("app.py", Region(line, 1, line, 30)), "A1", True, False, **code)


@pytest.fixture
def options(fake_hub: FakeHub, isolated_hf_env: Path, tmp_path: Path) -> RemoteOptions:
    return RemoteOptions(offline=False, timeout=10, cache_dir=tmp_path / "cache", endpoint=fake_hub.url, token=None,
                         retry=RetryPolicy(attempts=2, backoff=0.01))


def run(references: list[HubReference], options: RemoteOptions, scanner: Scanner | None = None) -> RemoteResult:
    return run_remote_pass(references, options, scanners=scanners(scanner or Scanner()))


def rules(result: RemoteResult) -> list[tuple[str, Level]]:
    return sorted((finding.rule_id, finding.level) for finding in result.findings)


def only(result: RemoteResult, rule_id: str) -> Finding:
    (finding,) = [finding for finding in result.findings if finding.rule_id == rule_id]
    return finding


def downloads(hub: FakeHub) -> list[str]:
    return sorted(request.path for request in hub.requests if "/resolve/" in request.path)


def test_cross_repo_code_runs_from_the_other_default_branch(fake_hub: FakeHub, options: RemoteOptions) -> None:
    sha = fake_hub.add_repo("org/model", {"config.json": cross("other/code")})
    code_sha = fake_hub.add_repo("other/code", {"modeling.py": DANGER}, branches={"v2": {"modeling.py": CLEAN}})
    result = run([load("org/model", sha)], options)
    assert rules(result) == [("HG402", Level.ERROR), ("HG406", Level.ERROR)]
    hg402 = only(result, "HG402")
    assert hg402.location == Location("app.py", Region(4, 1, 4, 30))
    assert hg402.message.startswith(
        f"'other/code' at {code_sha[:12]} ('config.json auto_map AutoModel', its default branch): "
        "'other/code:modeling.py' line 2 'DANGER = os.system'"
    )
    assert [loc.path for loc in hg402.related] == [f"{fake_hub.url}/other/code/blob/{code_sha}/modeling.py"]
    assert only(result, "HG406").properties["resolvedCodeRevision"] == code_sha
    assert result.code_resolutions == []  # no code_revision argument to pin


def test_code_revision_chooses_the_other_repository_commit(fake_hub: FakeHub, options: RemoteOptions) -> None:
    sha = fake_hub.add_repo("org/model", {"config.json": cross("other/code")})
    fake_hub.add_repo("other/code", {"modeling.py": CLEAN}, branches={"v2": {"modeling.py": DANGER}})
    v2 = fake_hub.repo("other/code").refs["v2"]
    result = run([load("org/model", sha, code_revision="v2")], options)
    assert rules(result) == [("HG402", Level.ERROR), ("HG406", Level.ERROR)]
    assert only(result, "HG402").related[0].path == f"{fake_hub.url}/other/code/blob/{v2}/modeling.py"
    assert only(result, "HG406").properties["codeRevision"] == "v2"
    assert [(keyword, repo, commit) for _, keyword, repo, commit in result.code_resolutions] == [
        ("code_revision", "other/code", v2)
    ]
    fake_hub.reset_log()
    assert rules(run([load("org/model", sha, code_revision=v2)], options)) == [("HG402", Level.ERROR)]


def test_code_revision_moves_the_model_own_code(fake_hub: FakeHub, options: RemoteOptions) -> None:
    files = {"config.json": config({"AutoModel": "modeling.CustomModel"}), "modeling.py": CLEAN}
    sha = fake_hub.add_repo("org/model", files, branches={"dev": {**files, "modeling.py": DANGER}})
    dev = fake_hub.repo("org/model").refs["dev"]
    result = run([load("org/model", sha, code_revision="dev")], options)
    assert rules(result) == [("HG401", Level.WARNING), ("HG402", Level.ERROR)]
    assert only(result, "HG401").message.startswith(f"'org/model' at {dev[:12]} (its code_revision) ships code")
    assert only(result, "HG402").related[0].path == f"{fake_hub.url}/org/model/blob/{dev}/modeling.py"
    assert set(downloads(fake_hub)) == {f"/org/model/resolve/{dev}/modeling.py", f"/org/model/resolve/{sha}/config.json"}
    assert result.resolutions[0][1] == sha  # the weights and configs stay at revision


def test_custom_pipeline_repository(fake_hub: FakeHub, options: RemoteOptions) -> None:
    sha = fake_hub.add_repo("org/base", {"model_index.json": b'{"_class_name": "StableDiffusionPipeline"}'})
    fake_hub.add_repo("org/pipe", {"pipeline.py": CLEAN}, branches={"next": {"pipeline.py": DANGER}})
    result = run([load("org/base", sha, custom_pipeline="org/pipe", custom_revision="next")], options)
    hg402 = only(result, "HG402")
    assert "'org/pipe' at" in hg402.message and "('custom_pipeline', revision 'next')" in hg402.message
    assert [keyword for _, keyword, _, _ in result.code_resolutions] == ["custom_revision"]


def test_generate_runs_only_the_named_file(fake_hub: FakeHub, options: RemoteOptions) -> None:
    files = {"custom_generate/generate.py": b"from .helper import step\n", "custom_generate/helper.py": DANGER,
             "config.json": config({"AutoModel": "modeling.CustomModel"}), "modeling.py": DANGER,
             "pytorch_model.bin": b"\x80\x02}q\x00."}
    sha = fake_hub.add_repo("org/gen", files)
    reference = dataclasses.replace(load("org/gen", sha), sink="custom_generate", custom_generate="org/gen")
    result = run([reference], options)
    assert rules(result) == [("HG402", Level.ERROR)]
    assert "'org/gen:custom_generate/helper.py' line 2" in only(result, "HG402").message
    assert downloads(fake_hub) == [f"/org/gen/resolve/{sha}/custom_generate/{name}" for name in ("generate.py",
                                                                                                 "helper.py")]
    assert result.resolutions[0][1] == sha


def test_code_in_another_repository_never_names_code_further_away(fake_hub: FakeHub, options: RemoteOptions) -> None:
    """The loader imports the named module from the other repository and never reads its configs, so a
    chain (or a cycle back to the model) is not followed: only what runs is fetched."""
    sha = fake_hub.add_repo("org/a", {"config.json": cross("org/b")})
    fake_hub.add_repo("org/b", {"config.json": cross("org/c"), "modeling.py": CLEAN})
    fake_hub.add_repo("org/c", {"modeling.py": DANGER, "config.json": cross("org/a")})
    result = run([load("org/a", sha)], options)
    assert rules(result) == [("HG406", Level.ERROR)]
    assert not any("/org/c" in request.path for request in fake_hub.requests)
    assert not any(path.startswith("/org/b/") and path.endswith("config.json") for path in downloads(fake_hub))


def test_auto_map_naming_the_model_itself_is_its_own_code_at_revision(
    fake_hub: FakeHub, options: RemoteOptions
) -> None:
    files = {"config.json": cross("org/self"), "modeling.py": CLEAN}
    sha = fake_hub.add_repo("org/self", files)
    fake_hub.push("org/self", {"modeling.py": DANGER})  # main moves on; the pinned revision is what loads
    result = run([load("org/self", sha)], options)
    assert rules(result) == [("HG401", Level.WARNING)]


def test_many_other_repositories_are_bounded_and_reported(fake_hub: FakeHub, options: RemoteOptions) -> None:
    auto_map = {f"AutoModel{index}": f"org/code{index}--modeling.CustomModel" for index in range(10)}
    sha = fake_hub.add_repo("org/fan", {"config.json": config(auto_map)})
    for index in range(10):
        fake_hub.add_repo(f"org/code{index}", {"modeling.py": CLEAN})
    result = run([load("org/fan", sha)], options)
    assert rules(result) == [("HG406", Level.ERROR)] * 8 + [("HG408", Level.ERROR)]
    assert "names code in 10 other repositories, more than the 8" in only(result, "HG408").message
    assert "'org/code8', 'org/code9'" in only(result, "HG408").message
    assert not any(request.path.startswith(("/api/models/org/code8", "/api/models/org/code9"))
                   for request in fake_hub.requests)


def test_a_shared_source_is_fetched_once(fake_hub: FakeHub, options: RemoteOptions) -> None:
    first = fake_hub.add_repo("org/one", {"config.json": cross("org/shared")})
    second = fake_hub.add_repo("org/two", {"config.json": cross("org/shared")})
    fake_hub.add_repo("org/shared", {"modeling.py": DANGER})
    result = run([load("org/one", first), load("org/two", second, line=9)], options)
    assert [f.location.region.start_line for f in result.findings if f.rule_id == "HG402"] == [4, 9]
    assert sum(request.path.startswith("/api/models/org/shared") for request in fake_hub.requests) == 1
    assert sum(request.path.startswith("/org/shared/resolve/") for request in fake_hub.requests) == 1


def test_pinned_code_elsewhere_is_answered_from_the_cache(fake_hub: FakeHub, options: RemoteOptions) -> None:
    files = {"config.json": config({"AutoModel": "modeling.CustomModel"}), "modeling.py": CLEAN}
    sha = fake_hub.add_repo("org/model", files, branches={"dev": {**files, "modeling.py": DANGER}})
    dev = fake_hub.repo("org/model").refs["dev"]
    cross_sha = fake_hub.add_repo("org/cross", {"config.json": cross("org/other")})
    fake_hub.add_repo("org/other", {"modeling.py": CLEAN}, branches={"x": {"modeling.py": DANGER}})
    other = fake_hub.repo("org/other").refs["x"]
    references = [load("org/model", sha, code_revision=dev), load("org/cross", cross_sha, line=8, code_revision=other)]
    first = run(references, options)
    fake_hub.reset_log()
    second = run(references, options)
    assert fake_hub.requests == [] and second.stats["requests"] == 0 and second.stats["cache_hits"] == 4
    assert [(f.rule_id, f.message, f.related) for f in second.findings] == [
        (f.rule_id, f.message, f.related) for f in first.findings
    ]
    assert [(f.rule_id, f.location.region.start_line) for f in first.findings] == [
        ("HG401", 4), ("HG402", 4), ("HG402", 8)
    ]


def test_oversize_code_elsewhere_is_cached_with_its_reason(fake_hub: FakeHub, options: RemoteOptions) -> None:
    sha = fake_hub.add_repo("org/model", {"config.json": cross("org/big")})
    code_sha = fake_hub.add_repo("org/big", {"modeling.py": b"from .tables import T\n" + CLEAN,
                                             "tables.py": b"T = 1  #" + b"x" * 5000 + b"\n"})
    options.max_code_bytes = 4000
    first = run([load("org/model", sha, code_revision=code_sha)], options)
    hg408 = only(first, "HG408")
    assert "tables.py: 5009 bytes exceeds the 4000-byte cap" in hg408.message
    assert hg408.message.startswith(f"'org/big' at {code_sha[:12]} ('config.json auto_map AutoModel'): code this")
    fake_hub.reset_log()
    second = run([load("org/model", sha, code_revision=code_sha)], options)
    assert fake_hub.requests == []
    assert [(f.rule_id, f.message) for f in second.findings] == [(f.rule_id, f.message) for f in first.findings]


def test_an_unreachable_code_repository_is_an_error_and_not_cached(fake_hub: FakeHub, options: RemoteOptions) -> None:
    sha = fake_hub.add_repo("org/model", {"config.json": cross("org/flaky")})
    code_sha = fake_hub.add_repo("org/flaky", {"modeling.py": CLEAN})
    fake_hub.fault("^/api/models/org/flaky", "status", status=503)
    first = run([load("org/model", sha, code_revision=code_sha)], options)
    hg408 = only(first, "HG408")
    assert hg408.message.startswith(f"'org/flaky'@{code_sha} ('config.json auto_map AutoModel'): could not fetch")
    fake_hub.faults.clear()
    assert run([load("org/model", sha, code_revision=code_sha)], options).findings == []


def test_a_dripping_code_repository_is_bounded_by_its_own_deadline(fake_hub: FakeHub, options: RemoteOptions) -> None:
    sha = fake_hub.add_repo("org/model", {"config.json": cross("org/drip")})
    fake_hub.add_repo("org/drip", {"modeling.py": CLEAN})
    fake_hub.fault("^/org/drip/resolve/", "drip", seconds=0.5)
    options.timeout = 2
    started = time.monotonic()
    result = run([load("org/model", sha)], options)
    assert time.monotonic() - started < 2 * options.timeout + 10  # the model's deadline, then the code's
    assert ("HG408", Level.ERROR) in rules(result)


def test_offline_code_elsewhere_that_is_not_cached_is_a_note(
    fake_hub: FakeHub, options: RemoteOptions, isolated_hf_env: Path
) -> None:
    """Offline by choice, the loader cannot fetch the other repository's code either: nothing of it runs."""
    sha = fake_hub.add_repo("org/model", {"config.json": cross("org/code")})
    snapshot = isolated_hf_env / "hub" / "models--org--model" / "snapshots" / sha
    snapshot.mkdir(parents=True)
    (snapshot / "config.json").write_bytes(cross("org/code"))
    options.offline = True
    result = run([load("org/model", sha)], options)
    assert fake_hub.requests == []
    assert rules(result) == [("HG405", Level.NOTE), ("HG405", Level.NOTE), ("HG406", Level.ERROR)]
    assert any("could not fully scan 'org/code'" in f.message and "local Hugging Face cache" in f.message
               for f in result.findings)
