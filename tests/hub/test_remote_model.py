from __future__ import annotations

from pathlib import Path

import pytest

from hubguard.hub.errors import RepoNotFound
from hubguard.hub.remote_model import inspect_remote_repo
from hubguard.hub.remote_pass import RemoteOptions
from tests.fakehub import FakeHub
from tests.hub import doubles


def options(hub: FakeHub, tmp_path: Path) -> RemoteOptions:
    return RemoteOptions(offline=False, timeout=5, cache_dir=tmp_path, endpoint=hub.url, token=None)


def test_inspects_every_weight_candidate_over_http(fake_hub: FakeHub, isolated_hf_env: Path, tmp_path: Path) -> None:
    files = {"a.bin": b"\x80\x02cos\nsystem\n.", "b.safetensors": b"{}", "README.md": b"hi"}
    sha = fake_hub.add_repo("org/m", files)
    inspection = inspect_remote_repo("org/m", None, options(fake_hub, tmp_path), scanners=doubles.scanners())
    expected = [("a.bin", doubles.Verdict.MALICIOUS), ("b.safetensors", doubles.Verdict.SAFE)]
    assert [(path, verdict.verdict) for path, verdict in inspection.files] == expected
    assert inspection.sha == sha
    assert not any(r.path.endswith("README.md") for r in fake_hub.requests)


def test_missing_repo_is_a_typed_error(fake_hub: FakeHub, isolated_hf_env: Path, tmp_path: Path) -> None:
    with pytest.raises(RepoNotFound):
        inspect_remote_repo("org/none", None, options(fake_hub, tmp_path), scanners=doubles.scanners())
