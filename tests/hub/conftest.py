from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hubguard.hub.http import HttpClient
from hubguard.hub.transport import RetryPolicy
from tests.fakehub.fixtures import fake_github, fake_hub, isolated_hf_env

__all__ = ["FAST", "fake_github", "fake_hub", "http", "isolated_hf_env"]

FAST = RetryPolicy(attempts=3, backoff=0.01, max_retry_after=2.0)  # retries without waiting in tests


@pytest.fixture
def http(isolated_hf_env: Path) -> Iterator[HttpClient]:
    with HttpClient(FAST) as client:
        yield client
