"""Suite-wide guards: no test reaches a real hub or proxy or reads the developer's hub token, and no test skips."""

from __future__ import annotations

from collections.abc import Generator

import pytest

_PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")
_REFUSING = "http://127.0.0.1:9"  # port 9 (discard) on loopback refuses at once
_HUB_ENDPOINTS = ("HF_ENDPOINT", "MODELSCOPE_ENDPOINT", "MODELSCOPE_DOMAIN", "CSGHUB_DOMAIN", "GITHUB_API_URL")
_HUB_SECRETS = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "MODELSCOPE_API_TOKEN", "CSGHUB_TOKEN", "GITHUB_TOKEN")


@pytest.fixture(autouse=True)
def _no_shared_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test gets its own cache root, so no test reads another's results or the user's cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(autouse=True)
def _no_real_hub(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every hub's endpoint refuses; tests that need a hub point its variable at a server in tests/fakehub.
    for name in _HUB_ENDPOINTS:
        monkeypatch.setenv(name, _REFUSING)
    for name in ("HF_TOKEN_PATH", "CSGHUB_TOKEN_PATH"):
        monkeypatch.setenv(name, "/nonexistent/hubguard-tests/token")
    # No GitHub Enterprise server; URLs from scanned code reach loopback only when a test says so.
    for name in (*_HUB_SECRETS, "HF_HUB_OFFLINE", "MODELSCOPE_PREFER_AI_SITE", "GITHUB_SERVER_URL",
                 "HUBGUARD_ALLOW_PRIVATE_URLS"):
        monkeypatch.delenv(name, raising=False)
    # OpenMMLab's override tables live in these homes: never the developer's.
    monkeypatch.setenv("MMENGINE_HOME", "/nonexistent/hubguard-tests/mmengine")
    monkeypatch.setenv("MMCV_HOME", "/nonexistent/hubguard-tests/mmcv")
    for name in _PROXY_VARIABLES:  # a developer's proxy would otherwise see loopback traffic
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, pytest.TestReport, None]:
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        _fail_instead_of_skipping(report)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, pytest.CollectReport, None]:
    outcome = yield
    report = outcome.get_result()
    if report.skipped:
        _fail_instead_of_skipping(report)


def _fail_instead_of_skipping(report: pytest.TestReport | pytest.CollectReport) -> None:
    """A skip hides a missing component (an extra not installed, a tool not found): CI must fail, not pass."""
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = f"tests never skip (install what they need: pip install -e '.[test]'): {reason}"
