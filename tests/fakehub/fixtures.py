"""pytest fixtures around the fake hub; import them into a conftest.py to use them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakehub.github import FakeGitHub
from tests.fakehub.huggingface import FakeHub


@pytest.fixture
def fake_hub() -> Iterator[FakeHub]:
    with FakeHub() as hub:
        yield hub


@pytest.fixture
def fake_github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    """A loopback GitHub API, and GITHUB_API_URL pointing at it."""
    with FakeGitHub() as github:
        monkeypatch.setenv("GITHUB_API_URL", github.api_url)
        yield github


@pytest.fixture
def isolated_hf_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep huggingface_hub away from the real network, token and caches."""
    home = tmp_path / "hf-home"
    monkeypatch.setenv("HF_HOME", str(home))
    monkeypatch.setenv("HF_HUB_CACHE", str(home / "hub"))
    monkeypatch.setenv("HF_HUB_DISABLE_XET", "1")
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_ENDPOINT", "HF_HUB_OFFLINE"):
        monkeypatch.delenv(name, raising=False)
    return home
