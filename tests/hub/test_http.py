"""The HTTP layer against loopback servers: deadlines that hold, rate-limit hints, redirects, proxies, caps."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import pytest

from hubguard.hub.errors import AccessDenied, HubTimeout, RateLimited, TooLarge, Truncated, Unavailable
from hubguard.hub.http import MAX_REDIRECTS, HttpClient
from hubguard.hub.transport import Deadline, RetryPolicy, retry_after
from tests.fakehub import FakeHub
from tests.hub.conftest import FAST

BODY = b"x" * 2000
MARGIN = 2.0  # seconds beyond the deadline a request may take on a loaded machine


@pytest.fixture
def url(fake_hub: FakeHub) -> str:
    sha = fake_hub.add_repo("org/repo", {"file.bin": BODY})
    return f"{fake_hub.url}/org/repo/resolve/{sha}/file.bin"


def fetch(http: HttpClient, url: str, seconds: float = 5.0, headers: dict[str, str] | None = None) -> bytes:
    return http.fetch(url, what="file.bin", deadline=Deadline(seconds), max_bytes=10_000, headers=headers)


@pytest.mark.parametrize("kind", ["drip", "drip_headers", "delay"])
def test_a_dripping_or_silent_server_cannot_outlast_the_deadline(
    http: HttpClient, url: str, fake_hub: FakeHub, kind: str
) -> None:
    # 2,000 bytes at one per 50 ms would take 100 s; per-read timeouts never fire on a drip.
    fake_hub.fault("file.bin", kind, seconds=0.05 if kind != "delay" else 60)
    started = time.monotonic()
    with pytest.raises(HubTimeout):
        fetch(http, url, seconds=1.0)
    assert time.monotonic() - started < 1.0 + MARGIN


def test_retries_stop_at_the_deadline(url: str, fake_hub: FakeHub, isolated_hf_env: Path) -> None:
    fake_hub.fault("file.bin", "status", status=503)
    started = time.monotonic()
    # The server's 503 when the next wait would not fit; on a loaded machine the deadline may instead pass
    # during a slow request (a timeout). Either way the retries stop in time.
    with HttpClient(RetryPolicy(attempts=50, backoff=0.1)) as http, pytest.raises((Unavailable, HubTimeout)):
        fetch(http, url, seconds=1.0)
    assert time.monotonic() - started < 1.0 + MARGIN
    assert len(fake_hub.requests) < 10  # backoff doubles; the next wait would not fit in the deadline


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("nan", None),
        ("NaN", None),
        ("-5", None),
        ("soon", None),
        ("", None),
        ("-inf", None),
        ("0", 0.0),
        ("  12 ", 12.0),
        ("1.5", 1.5),
        ("inf", math.inf),
        ("1e400", math.inf),
        ("99999999999", math.inf),
        ("Fri, 31 Dec 9999 23:59:59 GMT", math.inf),
        ("Thu, 01 Jan 1970 00:00:00 GMT", 0.0),
        ("Mon, 99 Foo 2024 99:99:99 GMT", None),
    ],
)
def test_retry_after_values_are_clamped(value: str, expected: float | None) -> None:
    assert retry_after({"retry-after": value}) == expected


def test_rate_limit_headers_of_other_hubs() -> None:
    now = 1_000_000.0
    assert retry_after({"ratelimit": '"api";r=0;t=55'}, now) == 55.0  # the Hub's IETF-draft header
    assert retry_after({"ratelimit": '"api";r=3;t=55'}, now) is None  # requests left: not the reason
    github = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(now) + 30)}
    assert retry_after(github, now) == 30.0
    assert retry_after(github | {"x-ratelimit-reset": "nan"}, now) is None
    assert retry_after({"x-ratelimit-remaining": "5", "x-ratelimit-reset": str(int(now) + 30)}, now) is None


@pytest.mark.parametrize("value", ["nan", "-1", "garbage", "Thu, 01 Jan 1970 00:00:00 GMT"])
def test_unusable_retry_after_falls_back_to_backoff(http: HttpClient, url: str, fake_hub: FakeHub, value: str) -> None:
    fake_hub.fault("file.bin", "status", status=429, retry_after=value, times=2)
    assert fetch(http, url) == BODY
    assert [r.status for r in fake_hub.requests] == [429, 429, 200]


@pytest.mark.parametrize("value", ["inf", "1e400", "86400", "Fri, 31 Dec 9999 23:59:59 GMT"])
def test_absurd_retry_after_gives_up_at_once(http: HttpClient, url: str, fake_hub: FakeHub, value: str) -> None:
    fake_hub.fault("file.bin", "status", status=429, retry_after=value)
    started = time.monotonic()
    with pytest.raises(RateLimited, match="asks to wait"):
        fetch(http, url)
    assert len(fake_hub.requests) == 1
    assert time.monotonic() - started < MARGIN


def test_github_style_rate_limit(http: HttpClient, url: str, fake_hub: FakeHub) -> None:
    fake_hub.fault("file.bin", "rate_limit", seconds=3600)
    with pytest.raises(RateLimited, match="HTTP 403.*asks to wait 3600 s"):
        fetch(http, url)
    fake_hub.faults.clear()
    fake_hub.fault("file.bin", "rate_limit", seconds=0, times=1)  # the limit resets now: worth one retry
    assert fetch(http, url) == BODY


def test_a_plain_403_is_access_denied_not_a_rate_limit(http: HttpClient, url: str, fake_hub: FakeHub) -> None:
    fake_hub.fault("file.bin", "status", status=403)
    with pytest.raises(AccessDenied):
        fetch(http, url)
    assert len(fake_hub.requests) == 1


def test_same_origin_redirects_keep_credentials(http: HttpClient, url: str, fake_hub: FakeHub) -> None:
    fake_hub.fault("file.bin$", "redirect", status=307, location="{path}?moved=1", times=1)
    assert fetch(http, url, headers={"Authorization": "Bearer hf_x"}) == BODY
    first, second = fake_hub.requests
    assert first.status == 307 and second.path.endswith("?moved=1")
    assert second.authorized


def test_cross_origin_redirects_drop_credentials(
    http: HttpClient, url: str, fake_hub: FakeHub, isolated_hf_env: Path
) -> None:
    with FakeHub() as cdn:
        cdn.add_repo("org/repo", {"file.bin": BODY})
        fake_hub.fault("file.bin", "redirect", location=cdn.url + "{path}")
        assert fetch(http, url, headers={"Authorization": "Bearer hf_secret", "Range": "bytes=0-9"}) == BODY[:10]
        (hop,) = cdn.requests
        assert not hop.authorized and hop.headers["range"] == "bytes=0-9"
    assert http.stats.as_dict()["bytes_by_file"] == {url: 10}  # counted under the URL asked for


def test_redirect_loops_end(http: HttpClient, url: str, fake_hub: FakeHub) -> None:
    fake_hub.fault("file.bin", "redirect")
    with pytest.raises(Unavailable, match="redirects"):
        fetch(http, url)
    assert len(fake_hub.requests) == MAX_REDIRECTS + 1


@pytest.mark.parametrize("location", ["ftp://127.0.0.1/x", "file:///etc/passwd", "http://127.0.0.1:99999/x"])
def test_redirects_to_other_schemes_or_bad_urls_are_refused(
    http: HttpClient, url: str, fake_hub: FakeHub, location: str
) -> None:
    fake_hub.fault("file.bin", "redirect", location=location)
    with pytest.raises(Unavailable, match="refused"):
        fetch(http, url)


def test_a_redirect_guard_sees_every_target_and_can_refuse_it(
    http: HttpClient, url: str, fake_hub: FakeHub
) -> None:
    fake_hub.fault("file.bin$", "redirect", location="{path}?hop=1", times=1)
    seen: list[str] = []
    assert http.fetch(url, what="file.bin", deadline=Deadline(5), max_bytes=10_000, redirect_guard=seen.append) == BODY
    assert seen == [url + "?hop=1"]

    def refuse(target: str) -> None:
        raise Unavailable(f"refused {target}")

    fake_hub.fault("file.bin$", "redirect", location="{path}?hop=2", times=1)
    with pytest.raises(Unavailable, match=r"refused .*\?hop=2"):
        http.fetch(url, what="file.bin", deadline=Deadline(5), max_bytes=10_000, redirect_guard=refuse)
    assert fake_hub.requests[-1].status == 302  # the target was never requested


def test_oversize_answers_are_refused_before_reading_them(http: HttpClient, fake_hub: FakeHub) -> None:
    fake_hub.add_repo("org/repo", {"a.txt": b"a"})
    fake_hub.fault("/api/models/", "oversize", size=64 * 2**20)
    with pytest.raises(TooLarge):
        http.fetch_json(f"{fake_hub.url}/api/models/org/repo", what="info", deadline=Deadline(5))
    assert http.stats.as_dict()["bytes_transferred"] < 2**20


@pytest.mark.parametrize("payload", [b"[" * 100_000, b'{"sha": ', b"\xff\xfe"])
def test_malformed_json_is_a_typed_error(http: HttpClient, fake_hub: FakeHub, payload: bytes) -> None:
    fake_hub.add_repo("org/repo", {"a.txt": payload})
    sha = fake_hub.repo("org/repo").refs["main"]
    with pytest.raises(Truncated, match="malformed"):
        http.fetch_json(f"{fake_hub.url}/org/repo/resolve/{sha}/a.txt", what="info", deadline=Deadline(5))


def test_environment_proxy_is_used_with_its_credentials(
    fake_hub: FakeHub, monkeypatch: pytest.MonkeyPatch, isolated_hf_env: Path
) -> None:
    sha = fake_hub.add_repo("org/repo", {"config.json": b"{}"})
    proxy = fake_hub.url.replace("http://", "http://proxyuser:proxy%40secret@")
    monkeypatch.setenv("HTTP_PROXY", proxy)
    with HttpClient(FAST) as http:
        # The target host is never resolved: the proxy (the loopback hub) gets the absolute URL.
        data = fetch(http, f"http://hub.invalid/org/repo/resolve/{sha}/config.json")
    assert data == b"{}"
    (request,) = fake_hub.requests
    assert request.path.startswith("http://hub.invalid/org/repo/resolve/")
    assert request.headers["proxy-authorization"] == "<present>"
    assert "secret" not in json.dumps([r.headers for r in fake_hub.requests])


def test_no_proxy_bypasses_the_proxy(
    http: HttpClient, url: str, fake_hub: FakeHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # refuses connections
    with HttpClient(FAST) as proxied, pytest.raises(Unavailable, match="unreachable"):
        fetch(proxied, url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with HttpClient(FAST) as direct:
        assert fetch(direct, url) == BODY


def test_unsupported_proxy_scheme_is_explained(
    url: str, monkeypatch: pytest.MonkeyPatch, isolated_hf_env: Path
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "socks5://user:pw@127.0.0.1:9")
    with HttpClient(FAST) as http, pytest.raises(Unavailable, match="socks5 proxy") as raised:
        fetch(http, url)
    assert "pw" not in raised.value.reason


def test_requests_are_counted_and_identify_hubguard(http: HttpClient, url: str, fake_hub: FakeHub) -> None:
    fake_hub.fault("file.bin", "status", status=503, times=1)
    assert fetch(http, url) == BODY
    assert http.stats.as_dict()["requests"] == 2
    headers = fake_hub.requests[-1].headers
    assert headers["user-agent"].startswith("hubguard/") and headers["accept-encoding"] == "identity"
