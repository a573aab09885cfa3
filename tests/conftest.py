"""Suite-wide guard: no test reaches a real hub, whatever it forgets to set."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_real_hub(monkeypatch: pytest.MonkeyPatch) -> None:
    # Port 9 (discard) on loopback refuses at once; tests that need a hub point HF_ENDPOINT at tests/fakehub.
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.delenv("HF_TOKEN", raising=False)
