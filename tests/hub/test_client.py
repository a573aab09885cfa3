"""HubClient against the loopback hub: resolution, integrity checks, retries, deadlines, typed errors."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from hubguard.hub.client import HubClient
from hubguard.hub.errors import (
    AccessDenied,
    HubTimeout,
    RateLimited,
    RepoNotFound,
    RevisionNotFound,
    TooLarge,
    Truncated,
    Unavailable,
)
from hubguard.hub.range_source import HttpRangeSource
from hubguard.hub.transport import Deadline, RetryPolicy
from hubguard.inspectors.sources import SourceError
from tests.fakehub import FakeHub

CODE = b"import os\n\nclass Model:\n    pass\n" * 20
WEIGHTS = bytes(range(256)) * 8
FILES = {"config.json": b'{"auto_map": {}}', "modeling.py": CODE, "pytorch_model.bin": WEIGHTS}
FAST = RetryPolicy(attempts=3, backoff=0.01, max_retry_after=2.0)


@pytest.fixture
def client(fake_hub: FakeHub, isolated_hf_env: Path) -> HubClient:
    return HubClient(endpoint=fake_hub.url, token=None, retry=FAST)


def test_resolve_lists_files_with_hashes(client: HubClient, fake_hub: FakeHub) -> None:
    sha = fake_hub.add_repo("org/repo", FILES, security_status={"filesWithIssues": [{"path": "x", "level": "unsafe"}]})
    snapshot = client.resolve("model", "org/repo", None, Deadline(5))
    assert snapshot.sha == sha and snapshot.requested_revision is None
    assert snapshot.files["pytorch_model.bin"].lfs_sha256 == hashlib.sha256(WEIGHTS).hexdigest()
    assert snapshot.files["modeling.py"].size == len(CODE)
    assert snapshot.security_status is not None and snapshot.security_status.flagged == {"x": "unsafe"}
    assert client.read_bytes(snapshot, "modeling.py", 10_000, Deadline(5)) == CODE
    assert all(f"/resolve/{sha}/" in r.path for r in fake_hub.requests if "resolve" in r.path)


def test_dataset_repos(client: HubClient, fake_hub: FakeHub) -> None:
    sha = fake_hub.add_repo("org/data", {"data.py": b"x = 1\n"}, repo_type="dataset")
    snapshot = client.resolve("dataset", "org/data", None, Deadline(5))
    assert snapshot.sha == sha
    assert client.read_text(snapshot, "data.py", 100, Deadline(5)) == "x = 1\n"
    assert any(r.path.startswith("/datasets/org/data/resolve/") for r in fake_hub.requests)


@pytest.mark.parametrize(
    ("setup", "error"),
    [
        (lambda hub: None, RepoNotFound),
        (lambda hub: hub.add_repo("org/repo", FILES), RevisionNotFound),
    ],
)
def test_typed_errors(client: HubClient, fake_hub: FakeHub, setup: object, error: type[Exception]) -> None:
    setup(fake_hub)  # type: ignore[operator]
    with pytest.raises(error):
        client.resolve("model", "org/repo", "no-such-branch", Deadline(5))


def test_gated_files_need_a_token(client: HubClient, fake_hub: FakeHub) -> None:
    fake_hub.add_repo("org/gated", FILES, gated=True)
    snapshot = client.resolve("model", "org/gated", None, Deadline(5))
    assert snapshot.gated
    with pytest.raises(AccessDenied):
        client.read_bytes(snapshot, "modeling.py", 10_000, Deadline(5))


def test_429_honours_retry_after(client: HubClient, fake_hub: FakeHub) -> None:
    fake_hub.add_repo("org/repo", FILES)
    fake_hub.fault("/api/models/", "status", status=429, retry_after=0, times=2)
    assert client.resolve("model", "org/repo", None, Deadline(5)).sha
    assert [r.status for r in fake_hub.requests] == [429, 429, 200]


def test_long_retry_after_is_not_waited_for(client: HubClient, fake_hub: FakeHub) -> None:
    fake_hub.add_repo("org/repo", FILES)
    fake_hub.fault("/api/models/", "status", status=429, retry_after=3600)
    with pytest.raises(RateLimited):
        client.resolve("model", "org/repo", None, Deadline(5))
    assert len(fake_hub.requests) == 1


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_then_success(client: HubClient, fake_hub: FakeHub, status: int) -> None:
    fake_hub.add_repo("org/repo", FILES)
    fake_hub.fault("/api/models/", "status", status=status, times=2)
    assert client.resolve("model", "org/repo", None, Deadline(5)).sha


def test_persistent_server_errors_give_up_within_budget(client: HubClient, fake_hub: FakeHub) -> None:
    fake_hub.add_repo("org/repo", FILES)
    fake_hub.fault("/api/models/", "status", status=503)
    with pytest.raises(Unavailable):
        client.resolve("model", "org/repo", None, Deadline(5))
    assert len(fake_hub.requests) == FAST.attempts


@pytest.mark.parametrize("kind", ["truncate", "wrong_length", "reset"])
def test_damaged_transfers_are_retried(client: HubClient, fake_hub: FakeHub, kind: str) -> None:
    fake_hub.add_repo("org/repo", FILES)
    snapshot = client.resolve("model", "org/repo", None, Deadline(5))
    fault = fake_hub.fault("modeling.py", kind, times=1)
    assert client.read_bytes(snapshot, "modeling.py", 10_000, Deadline(5)) == CODE
    assert fault.fired == 1


@pytest.mark.parametrize("kind", ["truncate", "wrong_length", "reset"])
def test_damaged_transfers_never_pass_as_content(client: HubClient, fake_hub: FakeHub, kind: str) -> None:
    fake_hub.add_repo("org/repo", FILES)
    snapshot = client.resolve("model", "org/repo", None, Deadline(5))
    fake_hub.fault("modeling.py", kind)
    with pytest.raises((Truncated, Unavailable)):
        client.read_bytes(snapshot, "modeling.py", 10_000, Deadline(5))


def test_damaged_api_answers_are_retried(client: HubClient, fake_hub: FakeHub) -> None:
    fake_hub.add_repo("org/repo", FILES)
    fake_hub.fault("/api/models/", "wrong_length", times=1)
    fake_hub.fault("/api/models/", "truncate", times=1)
    assert client.resolve("model", "org/repo", None, Deadline(5)).sha


def test_timeout_respects_the_deadline(client: HubClient, fake_hub: FakeHub) -> None:
    fake_hub.add_repo("org/repo", FILES)
    fake_hub.fault("/api/models/", "delay", seconds=30)
    with pytest.raises(HubTimeout):
        client.resolve("model", "org/repo", None, Deadline(0.5))


def test_size_cap_is_checked_before_downloading(client: HubClient, fake_hub: FakeHub) -> None:
    fake_hub.add_repo("org/repo", FILES)
    snapshot = client.resolve("model", "org/repo", None, Deadline(5))
    fake_hub.reset_log()
    with pytest.raises(TooLarge):
        client.read_bytes(snapshot, "modeling.py", 10, Deadline(5))
    assert fake_hub.requests == []


def test_range_source_reads_only_what_is_asked(client: HubClient, fake_hub: FakeHub) -> None:
    fake_hub.add_repo("org/repo", FILES)
    snapshot = client.resolve("model", "org/repo", None, Deadline(5))
    source = HttpRangeSource(client, snapshot, "pytorch_model.bin", Deadline(5))
    assert source.size == len(WEIGHTS)
    assert source.read(10, 5) == WEIGHTS[10:15]
    assert source.read(len(WEIGHTS) - 3, 100) == WEIGHTS[-3:]
    assert source.read(len(WEIGHTS), 10) == b""
    assert source.read(10, 5) == WEIGHTS[10:15]  # a repeated span is served without a request
    assert source.bytes_read == 8
    ranges = [r.headers.get("range") for r in fake_hub.requests if r.path.endswith(".bin")]
    assert ranges == ["bytes=10-14", f"bytes={len(WEIGHTS) - 3}-{len(WEIGHTS) - 1}"]


def test_range_source_copes_with_servers_ignoring_range(client: HubClient, fake_hub: FakeHub) -> None:
    fake_hub.add_repo("org/repo", FILES)
    snapshot = client.resolve("model", "org/repo", None, Deadline(5))
    fake_hub.fault(r"\.bin", "ignore_range")
    source = HttpRangeSource(client, snapshot, "pytorch_model.bin", Deadline(5), byte_budget=len(WEIGHTS) * 3)
    assert source.read(100, 4) == WEIGHTS[100:104]
    assert source.bytes_read <= len(WEIGHTS)
    budgeted = HttpRangeSource(client, snapshot, "pytorch_model.bin", Deadline(5), byte_budget=64)
    with pytest.raises(SourceError):
        budgeted.read(1000, 4)


def test_range_source_raises_source_error_on_failures(client: HubClient, fake_hub: FakeHub) -> None:
    fake_hub.add_repo("org/repo", FILES)
    snapshot = client.resolve("model", "org/repo", None, Deadline(5))
    fake_hub.fault(r"\.bin", "reset")
    with pytest.raises(SourceError):
        HttpRangeSource(client, snapshot, "pytorch_model.bin", Deadline(5)).read(0, 4)
