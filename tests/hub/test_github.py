"""The PyTorch Hub resolver against a loopback GitHub REST API: refs resolved as torch resolves them, files read
at the commit and checked, renames and missing repositories, tokens, rate limits and faults."""

from __future__ import annotations

import re
import time

import pytest

from hubguard.hub.errors import AccessDenied, HubError, Offline, RateLimited, RepoMoved, RepoNotFound, RevisionNotFound
from hubguard.hub.github import GitHubApi, GitHubResolver, web_server_url
from hubguard.hub.http import HttpClient
from hubguard.hub.registry import create_resolvers
from hubguard.hub.repo_ids import InvalidReference
from hubguard.hub.resolver import RepoReader, ResolverContext
from hubguard.hub.transport import Deadline
from tests.fakehub import FakeGitHub, git_blob_id

HUBCONF = b"dependencies = ['torch']\nfrom models.net import build\n\ndef net():\n    return build()\n"
FILES = {"hubconf.py": HUBCONF, "models/__init__.py": b"", "models/net.py": b"def build():\n    return 1\n"}


def resolver(
    http: HttpClient, github: FakeGitHub, *, token: str | None = None, offline: bool = False
) -> GitHubResolver:
    tokens = {"torchhub": token} if token else {}
    context = ResolverContext(http, offline, endpoints={"torchhub": github.api_url}, tokens=tokens)
    return GitHubResolver.create(context)


def open_repo(http: HttpClient, github: FakeGitHub, repo: str, ref: str | None = None, **kwargs: object) -> RepoReader:
    return resolver(http, github, **kwargs).open("github", repo, ref, Deadline(5))  # type: ignore[arg-type]


def commit_requests(github: FakeGitHub) -> list[str]:
    return [request.path.split("/commits/")[1] for request in github.requests if "/commits/" in request.path]


def test_no_ref_is_main_when_it_exists(http: HttpClient, fake_github: FakeGitHub) -> None:
    sha = fake_github.add_repo("owner/repo", FILES, branches={"master": {"hubconf.py": b"old"}})
    reader = open_repo(http, fake_github, "owner/repo")
    assert reader.snapshot.sha == sha and reader.snapshot.requested_revision is None
    assert commit_requests(fake_github) == ["refs%2Fheads%2Fmain"]


def test_no_ref_falls_back_to_master(http: HttpClient, fake_github: FakeGitHub) -> None:
    sha = fake_github.add_repo("owner/repo", FILES, default_branch="master", branches={"develop": {"a.py": b""}})
    assert open_repo(http, fake_github, "owner/repo").snapshot.sha == sha
    assert commit_requests(fake_github) == ["refs%2Fheads%2Fmain", "refs%2Fheads%2Fmaster"]


def test_no_ref_without_main_or_master_fails_like_torch(http: HttpClient, fake_github: FakeGitHub) -> None:
    fake_github.add_repo("owner/repo", FILES, default_branch="develop")
    with pytest.raises(RevisionNotFound, match="neither a main nor a master branch"):
        open_repo(http, fake_github, "owner/repo")


def test_branch_tag_and_commit_refs(http: HttpClient, fake_github: FakeGitHub) -> None:
    main = fake_github.add_repo(
        "owner/repo", FILES, branches={"dev": {"hubconf.py": b"x = 1\n"}}, tags={"v1.0": "main"}
    )
    dev = open_repo(http, fake_github, "owner/repo", "dev").snapshot.sha
    assert dev != main
    fake_github.reset_log()
    assert open_repo(http, fake_github, "owner/repo", "v1.0").snapshot.sha == main
    assert commit_requests(fake_github) == ["refs%2Fheads%2Fv1.0", "v1.0"]  # a branch would have won
    fake_github.reset_log()
    assert open_repo(http, fake_github, "owner/repo", main).snapshot.sha == main
    assert commit_requests(fake_github) == [main]  # a full SHA is never looked up as a branch
    assert open_repo(http, fake_github, "owner/repo", main[:10]).snapshot.sha == main
    with pytest.raises(RevisionNotFound):
        open_repo(http, fake_github, "owner/repo", "no-such-branch")


@pytest.mark.parametrize("ambiguous", ["tag", "300"])
def test_a_name_that_is_both_branch_and_tag_is_the_branch(http: HttpClient, ambiguous: str) -> None:
    with FakeGitHub(ambiguous=ambiguous) as github:  # type: ignore[arg-type]
        tagged = github.add_repo("owner/repo", FILES, branches={"release": {"a.py": b""}}, tags={"release": "main"})
        branch = github.branch("owner/repo", "release")
        assert branch != tagged
        assert open_repo(http, github, "owner/repo", "release").snapshot.sha == branch


def test_files_are_listed_and_read_at_the_commit(http: HttpClient, fake_github: FakeGitHub) -> None:
    sha = fake_github.add_repo("owner/repo", FILES)
    reader = open_repo(http, fake_github, "owner/repo")
    assert set(reader.snapshot.files) == set(FILES)
    assert reader.snapshot.files["models/net.py"].blob_id == git_blob_id(FILES["models/net.py"])
    fake_github.push("owner/repo", {"models/net.py": b"import os\n"})  # the branch moves on; the reader does not
    assert reader.read_bytes("models/net.py", 1000) == FILES["models/net.py"]
    assert reader.web_url("models/net.py") == f"{fake_github.api_url}/owner/repo/blob/{sha}/models/net.py"
    file_reads = [r for r in fake_github.requests if "/contents/" in r.path]
    assert file_reads[-1].path.endswith(f"/contents/models/net.py?ref={sha}")
    assert file_reads[-1].headers["accept"] == "application/vnd.github.raw"
    source = reader.open_source("hubconf.py")
    assert source.read(0, 12) == HUBCONF[:12]


def test_content_that_does_not_match_its_blob_is_refused(http: HttpClient, fake_github: FakeGitHub) -> None:
    fake_github.add_repo("owner/repo", FILES)
    reader = open_repo(http, fake_github, "owner/repo")
    fake_github.fault("/contents/hubconf.py", "wrong_length", length_delta=-3)
    with pytest.raises(HubError):
        reader.read_bytes("hubconf.py", 1000)


def test_a_missing_or_private_repository_is_not_found(http: HttpClient, fake_github: FakeGitHub) -> None:
    fake_github.add_repo("owner/secret", FILES, private=True)
    for name in ("owner/ghost", "owner/secret"):
        with pytest.raises(RepoNotFound) as raised:
            open_repo(http, fake_github, name)
        assert not isinstance(raised.value, RepoMoved)
    fake_github.valid_tokens.add("ghp_SECRETtoken")
    assert open_repo(http, fake_github, "owner/secret", token="ghp_SECRETtoken").snapshot.files
    assert all(request.headers.get("authorization") in (None, "<present>") for request in fake_github.requests)


def test_a_refused_token_is_access_denied(http: HttpClient, fake_github: FakeGitHub) -> None:
    fake_github.add_repo("owner/repo", FILES)
    with pytest.raises(AccessDenied, match="refused the token") as raised:
        open_repo(http, fake_github, "owner/repo", token="ghp_wrongTOKEN")
    assert "ghp_wrongTOKEN" not in f"{raised.value.reason} {raised.value.fix}"


def test_a_renamed_repository_is_reported_with_its_new_name(http: HttpClient, fake_github: FakeGitHub) -> None:
    fake_github.add_repo("old-owner/repo", FILES)
    fake_github.rename("old-owner/repo", "new-owner/repo")
    with pytest.raises(RepoMoved) as raised:
        open_repo(http, fake_github, "old-owner/repo")
    assert raised.value.new_name == "new-owner/repo"
    assert "renamed or transferred" in raised.value.reason and "new-owner/repo:<commit sha>" in raised.value.fix
    assert fake_github.requests[0].status == 301
    assert not any("/repositories/" in r.path and "/commits/" in r.path for r in fake_github.requests)


def test_a_truncated_tree_makes_the_snapshot_partial(http: HttpClient) -> None:
    with FakeGitHub(truncate_trees=True) as github:
        github.add_repo("owner/repo", FILES)
        snapshot = open_repo(http, github, "owner/repo").snapshot
    assert not snapshot.complete and "truncated" in snapshot.partial.reason  # type: ignore[union-attr]


def test_symlinks_submodules_and_hostile_paths_are_not_files() -> None:
    from hubguard.hub.github import _blob  # the tree parser, on entries the fake does not produce

    assert _blob({"path": "link.py", "mode": "120000", "type": "blob", "sha": "a" * 40, "size": 5}) is None
    assert _blob({"path": "vendor", "mode": "160000", "type": "commit", "sha": "a" * 40}) is None
    assert _blob({"path": "x.py", "mode": "100644", "type": "blob", "sha": "a" * 40, "size": -1}) is None
    for hostile in ("../../../user", "/etc/passwd", "a//b.py", "a/./b.py", "models/.."):
        assert _blob({"path": hostile, "mode": "100644", "type": "blob", "sha": "a" * 40, "size": 1}) is None
    for legal in ("models/net.py", "x.py?ref=main", "a\\b.py"):  # git allows these; the URL quotes them
        assert _blob({"path": legal, "mode": "100755", "type": "blob", "sha": "a" * 40, "size": 1}) is not None


def test_one_repository_and_ref_is_one_request(http: HttpClient, fake_github: FakeGitHub) -> None:
    fake_github.add_repo("owner/repo", FILES)
    github = resolver(http, fake_github)
    for name in ("owner/repo", "Owner/Repo", "owner/repo"):  # GitHub names ignore case
        github.open("github", name, "main", Deadline(5))
    assert len(commit_requests(fake_github)) == 1
    assert len([r for r in fake_github.requests if "/git/trees/" in r.path]) == 1


def test_a_spent_rate_limit_stops_requests_until_the_reset(http: HttpClient) -> None:
    with FakeGitHub(rate_limit=2) as github:
        github.add_repo("owner/a", FILES)
        github.add_repo("owner/b", FILES)
        shared = resolver(http, github)
        shared.open("github", "owner/a", None, Deadline(5))  # commits + tree: the budget is spent
        with pytest.raises(RateLimited) as raised:
            shared.open("github", "owner/b", None, Deadline(5))
        asked = len(github.requests)
        with pytest.raises(RateLimited, match="not requested"):
            shared.open("github", "owner/b", "v2", Deadline(5))
        assert len(github.requests) == asked
    reset = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(github.reset_at))
    assert reset in raised.value.reason and "60 requests an hour without a token" not in raised.value.reason
    assert "2 requests an hour without a token" in raised.value.reason
    assert "GITHUB_TOKEN" in raised.value.fix and reset in raised.value.fix


def test_a_secondary_rate_limit_is_waited_for(http: HttpClient, fake_github: FakeGitHub) -> None:
    sha = fake_github.add_repo("owner/repo", FILES)
    fake_github.fault("/commits/", "status", status=403, retry_after=0, times=1)
    assert open_repo(http, fake_github, "owner/repo").snapshot.sha == sha
    fake_github.fault("/commits/", "status", status=429, retry_after=3600)
    with pytest.raises(RateLimited, match="secondary rate limit"):
        open_repo(http, fake_github, "owner/other")


@pytest.mark.parametrize("fault", [{"kind": "status", "status": 502}, {"kind": "truncate"}, {"kind": "reset"}])
def test_transient_failures_are_retried(http: HttpClient, fake_github: FakeGitHub, fault: dict[str, object]) -> None:
    sha = fake_github.add_repo("owner/repo", FILES)
    fake_github.fault("/git/trees/", times=1, **fault)  # type: ignore[arg-type]
    assert open_repo(http, fake_github, "owner/repo").snapshot.sha == sha


def test_enterprise_server_paths_and_web_urls(http: HttpClient, monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeGitHub(prefix="api/v3") as github:
        sha = github.add_repo("owner/repo", FILES)
        reader = open_repo(http, github, "owner/repo")
    assert reader.web_url("hubconf.py") == f"{github.url}/owner/repo/blob/{sha}/hubconf.py"
    assert web_server_url("https://api.github.com") == "https://github.com"
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://ghe.example.com/")
    assert web_server_url("https://ghe.example.com/api/v3") == "https://ghe.example.com"


@pytest.mark.parametrize(
    ("repo", "ref"),
    [
        ("just-a-name", None),
        ("a/b/c", None),
        ("../etc", None),
        ("owner/..", None),
        ("owner/repo?x=1", None),
        ("own er/repo", None),
        ("-owner/repo", None),
        ("owner/repo", "../../x"),
        ("owner/repo", "main\r\nX: y"),
        ("owner/repo", "a" * 300),
    ],
)
def test_hostile_references_never_reach_github(
    http: HttpClient, fake_github: FakeGitHub, repo: str, ref: str | None
) -> None:
    with pytest.raises(InvalidReference):
        open_repo(http, fake_github, repo, ref)
    assert fake_github.requests == []


def test_offline_never_contacts_github(http: HttpClient, fake_github: FakeGitHub) -> None:
    fake_github.add_repo("owner/repo", FILES)
    with pytest.raises(Offline):
        open_repo(http, fake_github, "owner/repo", offline=True)
    assert fake_github.requests == []


def test_the_registry_serves_torch_hub_from_the_environment(
    http: HttpClient, fake_github: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    sha = fake_github.add_repo("owner/repo", FILES)
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_fromENVIRONMENT")
    fake_github.valid_tokens.add("ghp_fromENVIRONMENT")
    github = create_resolvers(ResolverContext(http, offline=False))["torchhub"]
    assert github.open("github", "owner/repo", None, Deadline(5)).snapshot.sha == sha
    assert all(request.authorized for request in fake_github.requests)
    api = github.api  # type: ignore[attr-defined]
    assert isinstance(api, GitHubApi) and "ghp_fromENVIRONMENT" not in repr(api)
    assert re.fullmatch(r"GitHubApi\('http://127\.0\.0\.1:\d+', token=set\)", repr(api))
