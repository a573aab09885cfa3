"""The Hugging Face resolver against the loopback hub: resolution, integrity checks, retries, typed errors."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

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
from hubguard.hub.huggingface import HuggingFaceApi, HuggingFaceResolver, huggingface_token
from hubguard.hub.readers import HttpReader
from hubguard.hub.resolver import ResolverContext
from hubguard.hub.snapshot import RepoSnapshot
from hubguard.hub.transport import Deadline
from tests.fakehub import FakeHub
from tests.hub.conftest import FAST

CODE = b"import os\n\nclass Model:\n    pass\n" * 20
WEIGHTS = bytes(range(256)) * 8
FILES = {"config.json": b'{"auto_map": {}}', "modeling.py": CODE, "pytorch_model.bin": WEIGHTS}


class Client:
    """The API plus a reader per snapshot, each call with its own deadline (as the remote pass does)."""

    def __init__(self, api: HuggingFaceApi) -> None:
        self.api = api

    def resolve(self, repo_type: str, repo_id: str, revision: str | None, deadline: Deadline) -> RepoSnapshot:
        return self.api.snapshot(repo_type, repo_id, revision, deadline)

    def read_bytes(self, snapshot: RepoSnapshot, path: str, max_bytes: int, deadline: Deadline) -> bytes:
        return HttpReader(self.api.http, self.api, snapshot, deadline).read_bytes(path, max_bytes)


@pytest.fixture
def client(fake_hub: FakeHub, http: HttpClient) -> Client:
    return Client(HuggingFaceApi(http, fake_hub.url, None))


def test_resolve_lists_files_with_hashes(client: Client, fake_hub: FakeHub) -> None:
    sha = fake_hub.add_repo("org/repo", FILES, security_status={"filesWithIssues": [{"path": "x", "level": "unsafe"}]})
    snapshot = client.resolve("model", "org/repo", None, Deadline(5))
    assert snapshot.sha == sha and snapshot.requested_revision is None
    assert snapshot.files["pytorch_model.bin"].sha256 == hashlib.sha256(WEIGHTS).hexdigest()
    assert snapshot.files["modeling.py"].size == len(CODE)
    assert snapshot.security_status is not None and snapshot.security_status.flagged == {"x": "unsafe"}
    assert client.read_bytes(snapshot, "modeling.py", 10_000, Deadline(5)) == CODE
    assert all(f"/resolve/{sha}/" in r.path for r in fake_hub.requests if "resolve" in r.path)


def test_dataset_repos(client: Client, fake_hub: FakeHub) -> None:
    sha = fake_hub.add_repo("org/data", {"data.py": b"x = 1\n"}, repo_type="dataset")
    snapshot = client.resolve("dataset", "org/data", None, Deadline(5))
    assert snapshot.sha == sha
    assert client.read_bytes(snapshot, "data.py", 100, Deadline(5)) == b"x = 1\n"
    assert any(r.path.startswith("/datasets/org/data/resolve/") for r in fake_hub.requests)


@pytest.mark.parametrize(
    ("setup", "error"),
    [
        (lambda hub: None, RepoNotFound),
        (lambda hub: hub.add_repo("org/repo", FILES), RevisionNotFound),
    ],
)
def test_typed_errors(client: Client, fake_hub: FakeHub, setup: object, error: type[Exception]) -> None:
    setup(fake_hub)  # type: ignore[operator]
    with pytest.raises(error):
        client.resolve("model", "org/repo", "no-such-branch", Deadline(5))


def test_gated_files_need_a_token(client: Client, fake_hub: FakeHub) -> None:
    fake_hub.add_repo("org/gated", FILES, gated=True)
    snapshot = client.resolve("model", "org/gated", None, Deadline(5))
    assert snapshot.gated
    with pytest.raises(AccessDenied):
        client.read_bytes(snapshot, "modeling.py", 10_000, Deadline(5))


def test_429_honours_retry_after(client: Client, fake_hub: FakeHub) -> None:
    fake_hub.add_repo("org/repo", FILES)
    fake_hub.fault("/api/models/", "status", status=429, retry_after=0, times=2)
    assert client.resolve("model", "org/repo", None, Deadline(5)).sha
    assert [r.status for r in fake_hub.requests] == [429, 429, 200]


def test_long_retry_after_is_not_waited_for(client: Client, fake_hub: FakeHub) -> None:
    fake_hub.add_repo("org/repo", FILES)
    fake_hub.fault("/api/models/", "status", status=429, retry_after=3600)
    with pytest.raises(RateLimited):
        client.resolve("model", "org/repo", None, Deadline(5))
    assert len(fake_hub.requests) == 1


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_then_success(client: Client, fake_hub: FakeHub, status: int) -> None:
    fake_hub.add_repo("org/repo", FILES)
    fake_hub.fault("/api/models/", "status", status=status, times=2)
    assert client.resolve("model", "org/repo", None, Deadline(5)).sha


def test_persistent_server_errors_give_up_within_budget(client: Client, fake_hub: FakeHub) -> None:
    fake_hub.add_repo("org/repo", FILES)
    fake_hub.fault("/api/models/", "status", status=503)
    with pytest.raises(Unavailable):
        client.resolve("model", "org/repo", None, Deadline(5))
    assert len(fake_hub.requests) == FAST.attempts


@pytest.mark.parametrize("kind", ["truncate", "wrong_length", "reset"])
def test_damaged_transfers_are_retried(client: Client, fake_hub: FakeHub, kind: str) -> None:
    fake_hub.add_repo("org/repo", FILES)
    snapshot = client.resolve("model", "org/repo", None, Deadline(5))
    fault = fake_hub.fault("modeling.py", kind, times=1)
    assert client.read_bytes(snapshot, "modeling.py", 10_000, Deadline(5)) == CODE
    assert fault.fired == 1


@pytest.mark.parametrize("kind", ["truncate", "wrong_length", "reset"])
def test_damaged_transfers_never_pass_as_content(client: Client, fake_hub: FakeHub, kind: str) -> None:
    fake_hub.add_repo("org/repo", FILES)
    snapshot = client.resolve("model", "org/repo", None, Deadline(5))
    fake_hub.fault("modeling.py", kind)
    with pytest.raises((Truncated, Unavailable)):
        client.read_bytes(snapshot, "modeling.py", 10_000, Deadline(5))


def test_damaged_api_answers_are_retried(client: Client, fake_hub: FakeHub) -> None:
    fake_hub.add_repo("org/repo", FILES)
    fake_hub.fault("/api/models/", "wrong_length", times=1)
    fake_hub.fault("/api/models/", "truncate", times=1)
    assert client.resolve("model", "org/repo", None, Deadline(5)).sha


def test_timeout_respects_the_deadline(client: Client, fake_hub: FakeHub) -> None:
    fake_hub.add_repo("org/repo", FILES)
    fake_hub.fault("/api/models/", "delay", seconds=30)
    with pytest.raises(HubTimeout):
        client.resolve("model", "org/repo", None, Deadline(0.5))


def test_size_cap_is_checked_before_downloading(client: Client, fake_hub: FakeHub) -> None:
    fake_hub.add_repo("org/repo", FILES)
    snapshot = client.resolve("model", "org/repo", None, Deadline(5))
    fake_hub.reset_log()
    with pytest.raises(TooLarge):
        client.read_bytes(snapshot, "modeling.py", 10, Deadline(5))
    assert fake_hub.requests == []


@pytest.mark.parametrize(
    ("environment", "token_file", "expected"),
    [
        ({"HF_TOKEN": "hf_env"}, "hf_file", "hf_env"),
        ({"HUGGING_FACE_HUB_TOKEN": "hf_legacy"}, None, "hf_legacy"),
        ({}, "hf_file\n", "hf_file"),
        ({"HF_TOKEN": "  "}, "hf_file", "hf_file"),
        ({"HF_TOKEN": "hf_env", "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1"}, "hf_file", None),
        ({}, "hf bad token with spaces", None),
        ({}, None, None),
    ],
)
def test_token_lookup_follows_huggingface_hub(
    isolated_hf_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    environment: dict[str, str],
    token_file: str | None,
    expected: str | None,
) -> None:
    monkeypatch.delenv("HF_TOKEN_PATH")  # the default place: $HF_HOME/token
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    if token_file is not None:
        isolated_hf_env.mkdir(parents=True, exist_ok=True)
        (isolated_hf_env / "token").write_text(token_file)
    assert huggingface_token() == expected


def test_token_path_variable(isolated_hf_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "elsewhere").write_text("hf_from_path")
    monkeypatch.setenv("HF_TOKEN_PATH", str(tmp_path / "elsewhere"))
    assert huggingface_token() == "hf_from_path"
    monkeypatch.setenv("HF_TOKEN_PATH", str(tmp_path))  # a directory: no token, no crash
    assert huggingface_token() is None


def test_the_saved_token_reaches_the_hub_and_nothing_else_shows_it(
    fake_hub: FakeHub, isolated_hf_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "token").write_text("hf_saved_MARKER")
    monkeypatch.setenv("HF_TOKEN_PATH", str(tmp_path / "token"))
    fake_hub.valid_tokens.add("hf_saved_MARKER")
    fake_hub.add_repo("org/gated", FILES, gated=True)
    with HttpClient(FAST) as http:
        context = ResolverContext(http, offline=False, endpoints={"huggingface": fake_hub.url})
        resolver = HuggingFaceResolver.create(context)
        reader = resolver.open("model", "org/gated", None, Deadline(5))
        assert reader.read_bytes("modeling.py", 10_000) == CODE
        assert "hf_saved_MARKER" not in repr(resolver.api) + repr(reader.snapshot)
    assert all(r.authorized for r in fake_hub.requests)


@pytest.mark.parametrize(
    ("status", "headers", "error", "fix"),
    [
        (403, {"X-Error-Message": "Access to this resource is disabled."}, AccessDenied, "remove the reference"),
        (401, {"X-Error-Message": "Invalid credentials in Authorization header"}, AccessDenied, "check HF_TOKEN"),
        (401, {}, RepoNotFound, "HF_TOKEN if it is private"),
        (404, {}, RepoNotFound, "fix the repository ID"),
        (403, {}, AccessDenied, "HF_TOKEN"),
        (429, {"Retry-After": "3600"}, RateLimited, "HF_TOKEN for a higher rate limit"),
    ],
)
def test_status_answers_map_like_huggingface_hub(
    client: Client, fake_hub: FakeHub, status: int, headers: dict[str, str], error: type[Exception], fix: str
) -> None:
    fake_hub.add_repo("org/repo", FILES)
    fake_hub.fault("/api/models/", "status", status=status, headers=headers)
    with pytest.raises(error) as raised:  # type: ignore[var-annotated]
        client.resolve("model", "org/repo", None, Deadline(5))
    assert fix in raised.value.fix


def test_hf_hub_offline_reads_only_the_local_cache(
    fake_hub: FakeHub, isolated_hf_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_hub.add_repo("org/repo", FILES)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with HttpClient(FAST) as http:
        context = ResolverContext(http, offline=False, endpoints={"huggingface": fake_hub.url})
        resolver = HuggingFaceResolver.create(context)
        with pytest.raises(Offline, match="local Hugging Face cache does not hold it"):
            resolver.open("model", "org/repo", None, Deadline(5))
    assert fake_hub.requests == []


def test_an_endpoint_with_a_path_prefix(http: HttpClient, isolated_hf_env: Path) -> None:
    with FakeHub(prefix="hf") as hub:
        hub.add_repo("org/repo", FILES)
        api = HuggingFaceApi(http, f"{hub.url}/hf", None)
        snapshot = api.snapshot("model", "org/repo", None, Deadline(5))
        assert HttpReader(http, api, snapshot, Deadline(5)).read_bytes("modeling.py", 10_000) == CODE
        hub.fault("/hf/api/", "status", status=404)  # no X-Error-Code: still the repo API saying "no such repo"
        with pytest.raises(RepoNotFound):
            api.snapshot("model", "org/repo", None, Deadline(5))
