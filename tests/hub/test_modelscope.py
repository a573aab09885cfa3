"""The ModelScope resolver against a loopback ModelScope: sites, revisions, listings, tokens, faults."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from hubguard.hub import modelscope
from hubguard.hub.errors import (
    AccessDenied,
    HubTimeout,
    Offline,
    RateLimited,
    RepoNotFound,
    RevisionNotFound,
    TooLarge,
    Truncated,
    Unavailable,
)
from hubguard.hub.http import HttpClient
from hubguard.hub.modelscope import ModelScopeResolver, sites
from hubguard.hub.repo_ids import InvalidReference
from hubguard.hub.resolver import RepoReader, ResolverContext
from hubguard.hub.transport import Deadline
from tests.fakehub.modelscope import BlobStorage, FakeModelScope

CODE = b"class Model:\n    pass\n" * 10
WEIGHTS = bytes(range(256)) * 64
FILES = {"config.json": b"{}", "modeling.py": CODE, "sub/helper.py": b"X = 1\n", "pytorch_model.bin": WEIGHTS}
TOKEN = "ms-TOKEN-5f1e0c"


@pytest.fixture
def storage() -> Iterator[BlobStorage]:
    with BlobStorage() as server:
        yield server


@pytest.fixture
def ms(storage: BlobStorage) -> Iterator[FakeModelScope]:
    with FakeModelScope(storage=storage) as server:
        yield server


def resolver(http: HttpClient, *servers: FakeModelScope, token: str | None = None) -> ModelScopeResolver:
    return ModelScopeResolver(http, tuple(server.url for server in servers), token, offline=False)


def open_repo(
    http: HttpClient, server: FakeModelScope, repo_id: str = "owner/model", revision: str | None = None,
    *, repo_type: str = "model", token: str | None = None, seconds: float = 5,
) -> RepoReader:
    return resolver(http, server, token=token).open(repo_type, repo_id, revision, Deadline(seconds))


def query(path: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(path).query).items()}


def test_master_resolves_to_a_commit_and_files_are_read_there(http: HttpClient, ms: FakeModelScope) -> None:
    sha = ms.add_repo("owner/model", FILES)
    reader = open_repo(http, ms)
    snapshot = reader.snapshot
    assert (snapshot.hub, snapshot.sha, snapshot.requested_revision) == ("modelscope", sha, None)
    assert set(snapshot.files) == set(FILES)  # directories are not files
    assert snapshot.files["modeling.py"].sha256 == hashlib.sha256(CODE).hexdigest()
    assert snapshot.complete
    assert reader.read_bytes("modeling.py", 10_000) == CODE
    paths = [request.path for request in ms.requests]
    assert paths[0] == "/api/v1/models/owner/model"
    assert query(paths[1]) == {"Ref": "master", "PageNumber": "1", "PageSize": "1"}
    assert query(paths[2]) == {"Revision": sha, "Recursive": "True"}
    assert query(paths[3]) == {"Revision": sha, "FilePath": "modeling.py"}
    assert reader.web_url("sub/helper.py") == f"{ms.url}/models/owner/model/file/view/{sha}/sub/helper.py"


def test_branches_tags_and_commits(http: HttpClient, ms: FakeModelScope) -> None:
    master = ms.add_repo("owner/model", FILES, branches={"dev": {"a.py": b"A = 1\n"}}, tags={"v1.0": "master"})
    newer = ms.push("owner/model", {"config.json": b'{"v": 2}'})
    dev = ms.repo("owner/model").refs["dev"]
    assert open_repo(http, ms).snapshot.sha == newer
    assert open_repo(http, ms, revision="v1.0").snapshot.sha == master
    assert set(open_repo(http, ms, revision="dev").snapshot.files) == {"a.py"}
    assert open_repo(http, ms, revision=master).snapshot.sha == master
    assert open_repo(http, ms, revision=dev).snapshot.sha == dev
    with pytest.raises(RevisionNotFound):
        open_repo(http, ms, revision="no-such-branch")
    with pytest.raises(RevisionNotFound):
        open_repo(http, ms, revision="0" * 40)


def test_a_site_that_will_not_list_by_sha_is_read_at_the_ref(http: HttpClient, storage: BlobStorage) -> None:
    with FakeModelScope(accepts_sha_revisions=False, storage=storage) as ms:
        sha = ms.add_repo("owner/model", FILES, tags={"v1.0": "master"})
        reader = open_repo(http, ms, revision="v1.0")
        assert reader.snapshot.sha == sha and set(reader.snapshot.files) == set(FILES)
        assert reader.read_bytes("modeling.py", 10_000) == CODE
        refs = [query(r.path).get("Ref") or query(r.path).get("Revision") for r in ms.requests]
        assert refs == [None, "v1.0", sha, "v1.0", "v1.0", "v1.0"]  # info, resolve, refused, list, re-resolve, file
        assert reader.web_url("modeling.py").endswith(f"/file/view/{sha}/modeling.py")  # the page is at the commit
        with pytest.raises(RevisionNotFound):  # a pinned commit has no ref to fall back to
            open_repo(http, ms, revision=sha)


def test_a_ref_that_moves_while_listed_is_not_trusted(http: HttpClient, storage: BlobStorage) -> None:
    with FakeModelScope(accepts_sha_revisions=False, storage=storage) as ms:
        ms.add_repo("owner/model", FILES)
        original = ms.route

        def push_after_listing(request):  # type: ignore[no-untyped-def]
            reply = original(request)
            if request.target.endswith("Recursive=True") and query(request.target).get("Revision") == "master":
                ms.push("owner/model", {"modeling.py": b"import os\nos.system('x')\n"})
            return reply

        ms.route = push_after_listing  # type: ignore[method-assign]
        with pytest.raises(Unavailable, match="moved from .* while being listed"):
            open_repo(http, ms)


def test_a_file_changed_since_the_listing_never_passes_as_content(http: HttpClient, ms: FakeModelScope) -> None:
    ms.add_repo("owner/model", FILES)
    reader = open_repo(http, ms)
    original = ms.route

    def swapped(request):  # type: ignore[no-untyped-def]
        reply = original(request)
        if "FilePath=modeling.py" in request.target:
            reply.body = reply.body.replace(b"pass", b"exec")  # same size, other bytes
        return reply

    ms.route = swapped  # type: ignore[method-assign]
    with pytest.raises(Truncated, match="does not match"):
        reader.read_bytes("modeling.py", 10_000)


def test_the_sdk_probes_cn_then_ai(http: HttpClient, storage: BlobStorage) -> None:
    with FakeModelScope(storage=storage) as cn, FakeModelScope(storage=storage) as ai:
        sha = ai.add_repo("owner/intl-only", FILES)
        reader = resolver(http, cn, ai).open("model", "owner/intl-only", None, Deadline(5))
        assert reader.snapshot.sha == sha
        assert reader.web_url("config.json").startswith(f"{ai.url}/models/owner/intl-only/")
        assert [r.path for r in cn.requests] == ["/api/v1/models/owner/intl-only"]
        with pytest.raises(RepoNotFound) as missing:
            resolver(http, cn, ai).open("model", "owner/nowhere", None, Deadline(5))
        assert cn.url.split("://")[1] in missing.value.reason and ai.url.split("://")[1] in missing.value.reason


def test_a_failing_first_site_is_not_skipped(http: HttpClient, storage: BlobStorage) -> None:
    with FakeModelScope(storage=storage) as cn, FakeModelScope(storage=storage) as ai:
        ai.add_repo("owner/model", FILES)
        cn.fault("/api/v1/", "status", status=503)
        with pytest.raises(Unavailable):  # the SDK fails here too: only "not found" moves on to the next site
            resolver(http, cn, ai).open("model", "owner/model", None, Deadline(5))
        assert ai.requests == []


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({}, (modelscope.CN_SITE, modelscope.AI_SITE)),
        ({"MODELSCOPE_PREFER_AI_SITE": "true"}, (modelscope.AI_SITE, modelscope.CN_SITE)),
        ({"MODELSCOPE_DOMAIN": "ms.internal.example"}, ("https://ms.internal.example",)),
        ({"MODELSCOPE_DOMAIN": "http://127.0.0.1:8080/"}, ("http://127.0.0.1:8080",)),
        ({"MODELSCOPE_ENDPOINT": "https://a.example", "MODELSCOPE_DOMAIN": "b.example"}, ("https://a.example",)),
    ],
)
def test_sites_follow_the_sdk(monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], expected: tuple) -> None:
    for name in ("MODELSCOPE_ENDPOINT", "MODELSCOPE_DOMAIN", "MODELSCOPE_PREFER_AI_SITE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert sites() == expected


def test_private_repos_need_the_token_which_stays_with_modelscope(
    http: HttpClient, ms: FakeModelScope, storage: BlobStorage
) -> None:
    ms.add_repo("owner/private", FILES, private=True)
    with pytest.raises(AccessDenied) as denied:
        open_repo(http, ms, "owner/private")
    assert "MODELSCOPE_API_TOKEN" in denied.value.fix
    ms.valid_tokens.add(TOKEN)
    ms.reset_log()
    reader = open_repo(http, ms, "owner/private", token=TOKEN)
    assert reader.snapshot.private
    assert reader.open_source("pytorch_model.bin").read(0, 16) == WEIGHTS[:16]  # redirected to storage
    assert all(r.headers.get("cookie") == "<present>" for r in ms.requests)
    assert storage.requests and not any("cookie" in r.headers or r.authorized for r in storage.requests)
    assert TOKEN not in repr(reader.__dict__)


def test_weights_are_read_through_range_requests(http: HttpClient, ms: FakeModelScope, storage: BlobStorage) -> None:
    ms.add_repo("owner/model", FILES)
    source = open_repo(http, ms).open_source("pytorch_model.bin")
    assert source.read(1000, 24) == WEIGHTS[1000:1024]
    assert source.bytes_read == 24
    assert [r.headers["range"] for r in storage.requests] == ["bytes=1000-1023"]


def test_dataset_listing_is_paged(http: HttpClient, ms: FakeModelScope) -> None:
    files = {f"data/part-{index:03}.jsonl": b"{}\n" for index in range(230)} | {"loader.py": b"import os\n"}
    sha = ms.add_repo("owner/data", files, repo_type="dataset")
    ms.dataset_page_limit = 100
    reader = open_repo(http, ms, "owner/data", repo_type="dataset")
    assert reader.snapshot.sha == sha and set(reader.snapshot.files) == set(files)
    assert reader.read_bytes("loader.py", 100) == b"import os\n"
    pages = [query(r.path)["PageNumber"] for r in ms.requests if "/repo/tree" in r.path]
    assert pages == ["1", "2", "3"]
    download = ms.requests[-1].path
    assert download.startswith("/api/v1/datasets/owner/data/repo?") and query(download)["Source"] == "SDK"
    assert reader.web_url("loader.py") == f"{ms.url}/datasets/owner/data/file/view/{sha}/loader.py"


def test_a_dataset_listing_without_end_is_reported(
    http: HttpClient, ms: FakeModelScope, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(modelscope, "MAX_DATASET_FILES", 250)
    ms.add_repo("owner/data", {f"f{index:03}.txt": b"x" for index in range(400)}, repo_type="dataset")
    with pytest.raises(TooLarge, match="more than 250 entries"):
        open_repo(http, ms, "owner/data", repo_type="dataset")


def test_unreadable_listing_entries_make_the_snapshot_partial(http: HttpClient, ms: FakeModelScope) -> None:
    ms.add_repo("owner/model", FILES)
    original = ms.route

    def odd(request):  # type: ignore[no-untyped-def]
        reply = original(request)
        if "/repo/files" in request.target:
            payload = json.loads(reply.body)
            payload["Data"]["Files"] += [{"Path": "/etc/passwd", "Size": 1}, {"Path": "x.bin", "Size": "big"}, 7]
            reply.body = json.dumps(payload).encode()
        return reply

    ms.route = odd  # type: ignore[method-assign]
    snapshot = open_repo(http, ms).snapshot
    assert not snapshot.complete and "3 file(s)" in snapshot.partial.reason  # type: ignore[union-attr]
    assert set(snapshot.files) == set(FILES)


@pytest.mark.parametrize("code", [500, 10010])
def test_errors_inside_the_envelope(http: HttpClient, ms: FakeModelScope, code: int) -> None:
    ms.add_repo("owner/model", FILES)
    original = ms.route

    def failing(request):  # type: ignore[no-untyped-def]
        if "/commits" in request.target:
            body = {"Code": code, "Message": "internal \x1b[31merror", "Success": False, "RequestId": "r"}
            return type(original(request))(200, {"Content-Type": "application/json"}, json.dumps(body).encode())
        return original(request)

    ms.route = failing  # type: ignore[method-assign]
    with pytest.raises(Unavailable) as failure:
        open_repo(http, ms)
    assert "\x1b" not in failure.value.reason


def test_rate_limits_and_server_errors_are_retried(http: HttpClient, ms: FakeModelScope) -> None:
    ms.add_repo("owner/model", FILES)
    ms.fault("/commits", "status", status=429, retry_after=0, times=1)
    ms.fault("/repo/files", "status", status=502, times=2)
    ms.fault("FilePath=modeling.py", "truncate", times=1)
    assert open_repo(http, ms).read_bytes("modeling.py", 10_000) == CODE


def test_a_long_rate_limit_is_reported_not_waited_for(http: HttpClient, ms: FakeModelScope) -> None:
    ms.add_repo("owner/model", FILES)
    ms.fault("/api/v1/", "rate_limit", seconds=3600)
    with pytest.raises(RateLimited) as limited:
        open_repo(http, ms)
    assert "MODELSCOPE_API_TOKEN" in limited.value.fix
    assert len(ms.requests) == 1


@pytest.mark.parametrize("kind", ["drip", "drip_headers", "delay"])
def test_a_slow_site_costs_at_most_the_deadline(http: HttpClient, ms: FakeModelScope, kind: str) -> None:
    ms.add_repo("owner/model", FILES)
    ms.fault("/commits", kind, seconds=0.5 if kind != "delay" else 30)
    started = time.monotonic()
    with pytest.raises((HubTimeout, Truncated, Unavailable)):
        open_repo(http, ms, seconds=1.0)
    assert time.monotonic() - started < 1.0 + 2.0


@pytest.mark.parametrize(
    ("repo_type", "repo_id", "revision"),
    [
        ("model", "bare-name", None),
        ("model", "a/b/c", None),
        ("model", "https://evil.example/x", None),
        ("model", "../../etc", None),
        ("model", "owner/\x1b[2Jname", None),
        ("model", "owner/model", "../master"),
        ("model", "owner/model", "master?x=1"),
        ("space", "owner/model", None),
    ],
)
def test_hostile_references_never_reach_the_site(
    http: HttpClient, ms: FakeModelScope, repo_type: str, repo_id: str, revision: str | None
) -> None:
    with pytest.raises(InvalidReference) as invalid:
        resolver(http, ms).open(repo_type, repo_id, revision, Deadline(5))
    assert "\x1b" not in str(invalid.value)
    assert ms.requests == []


def test_offline_never_touches_the_network(http: HttpClient, ms: FakeModelScope) -> None:
    ms.add_repo("owner/model", FILES)
    offline = ModelScopeResolver(http, (ms.url,), None, offline=True)
    with pytest.raises(Offline, match="pickle"):
        offline.open("model", "owner/model", None, Deadline(5))
    assert ms.requests == []


def test_create_reads_the_environment(http: HttpClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODELSCOPE_ENDPOINT", "http://127.0.0.1:9/")
    monkeypatch.setenv("MODELSCOPE_API_TOKEN", " ms-token \n")
    created = ModelScopeResolver.create(ResolverContext(http, offline=False))
    assert created.sites == ("http://127.0.0.1:9",) and created.token == "ms-token"
    monkeypatch.setenv("MODELSCOPE_API_TOKEN", "bad;token")  # would add a cookie of its own
    assert ModelScopeResolver.create(ResolverContext(http, offline=False)).token is None
    override = ResolverContext(http, offline=False, endpoints={"modelscope": "http://x.example"}, tokens={})
    assert ModelScopeResolver.create(override).sites == ("http://x.example",)
