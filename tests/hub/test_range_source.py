"""HttpRangeSource against the loopback hub: exact spans, servers ignoring Range, budgets and deadlines."""

from __future__ import annotations

import time
from typing import Any

import pytest

from hubguard.hub.errors import AccessDenied, EntryNotFound, HubError, HubTimeout
from hubguard.hub.http import HttpClient, HttpResponse
from hubguard.hub.range_source import HttpRangeSource
from hubguard.hub.transport import Deadline
from hubguard.inspectors.sources import SourceError
from tests.fakehub import FakeHub

WEIGHTS = bytes(range(256)) * 4096  # 1 MiB


@pytest.fixture
def url(fake_hub: FakeHub) -> str:
    sha = fake_hub.add_repo("org/repo", {"pytorch_model.bin": WEIGHTS})
    return f"{fake_hub.url}/org/repo/resolve/{sha}/pytorch_model.bin"


def source(http: HttpClient, url: str, deadline: float = 5.0, **options: Any) -> HttpRangeSource:
    return HttpRangeSource(http, url, len(WEIGHTS), name="pytorch_model.bin", deadline=Deadline(deadline), **options)


def test_reads_only_what_is_asked(http: HttpClient, url: str, fake_hub: FakeHub) -> None:
    weights = source(http, url)
    assert weights.read(10, 5) == WEIGHTS[10:15]
    assert weights.read(len(WEIGHTS) - 3, 100) == WEIGHTS[-3:]
    assert weights.read(len(WEIGHTS), 10) == b""
    assert weights.read(10, 5) == WEIGHTS[10:15]  # a repeated span is served without a request
    assert weights.bytes_read == 8
    ranges = [r.headers.get("range") for r in fake_hub.requests]
    assert ranges == ["bytes=10-14", f"bytes={len(WEIGHTS) - 3}-{len(WEIGHTS) - 1}"]


def test_a_server_ignoring_range_is_read_only_up_to_the_wanted_bytes(
    http: HttpClient, url: str, fake_hub: FakeHub
) -> None:
    fake_hub.fault(r"\.bin", "ignore_range")
    weights = source(http, url, byte_budget=len(WEIGHTS) * 3)
    assert weights.read(100, 4) == WEIGHTS[100:104]
    assert [r.status for r in fake_hub.requests] == [200]
    # Stopping after the wanted bytes means at most one more socket read, never the rest of the 1 MiB.
    assert weights.bytes_read <= 104 + 64 * 1024
    assert http.stats.as_dict()["bytes_transferred"] == weights.bytes_read


def test_the_byte_budget_holds_against_a_server_ignoring_range(http: HttpClient, url: str, fake_hub: FakeHub) -> None:
    fake_hub.fault(r"\.bin", "ignore_range")
    weights = source(http, url, byte_budget=64)
    with pytest.raises(SourceError, match="budget"):
        weights.read(len(WEIGHTS) // 2, 4)
    assert weights.bytes_read < 2 * 64 * 1024


@pytest.mark.parametrize(
    "content_range", ["bytes nan-nan/nan", "bytes 0-3/99999999999999999999", "bytes 5-8/1048576", "items 0-3/4", ""]
)
def test_a_wrong_content_range_is_refused(http: HttpClient, url: str, fake_hub: FakeHub, content_range: str) -> None:
    fake_hub.fault(r"\.bin", "headers", headers={"Content-Range": content_range})
    weights = source(http, url)
    with pytest.raises(SourceError):
        weights.read(0, 4)
    assert weights.failure is not None


@pytest.mark.parametrize("kind", ["reset", "truncate"])
def test_network_failures_become_source_errors_and_are_kept(
    http: HttpClient, url: str, fake_hub: FakeHub, kind: str
) -> None:
    fake_hub.fault(r"\.bin", kind)
    weights = source(http, url)
    with pytest.raises(SourceError):
        weights.read(0, 4)
    assert weights.failure is not None and weights.failure.reason.startswith("pytorch_model.bin")


def test_a_dripping_server_is_cut_at_the_deadline(http: HttpClient, url: str, fake_hub: FakeHub) -> None:
    fake_hub.fault(r"\.bin", "drip", seconds=0.05)
    weights = source(http, url, deadline=1.0)
    started = time.monotonic()
    with pytest.raises(SourceError):
        weights.read(0, 4096)
    assert time.monotonic() - started < 3.0
    assert isinstance(weights.failure, HubTimeout)


def test_the_deadline_holds_for_reads_served_from_the_repeat_cache(http: HttpClient, url: str) -> None:
    weights = source(http, url, deadline=2.0)
    assert weights.read(0, 30) == WEIGHTS[:30]
    time.sleep(2.05)
    with pytest.raises(SourceError, match="no time left"):
        weights.read(0, 30)  # the same span: no request needed, but the budget is spent
    assert isinstance(weights.failure, HubTimeout)


@pytest.mark.parametrize("content_range", ["bytes 0-4/1048576", "bytes 1-3/1048576"])
def test_a_content_range_off_at_either_end_is_refused(
    http: HttpClient, url: str, fake_hub: FakeHub, content_range: str
) -> None:
    fake_hub.fault(r"\.bin", "headers", headers={"Content-Range": content_range})
    weights = source(http, url)
    with pytest.raises(SourceError):
        weights.read(0, 4)
    assert weights.failure is not None
    assert weights.failure.reason == f"pytorch_model.bin: the hub answered a different range ('{content_range}')"


def test_a_changed_file_size_is_refused_and_named(http: HttpClient, url: str, fake_hub: FakeHub) -> None:
    fake_hub.fault(r"\.bin", "headers", headers={"Content-Range": "bytes 0-3/2000000"})
    weights = source(http, url)
    with pytest.raises(SourceError):
        weights.read(0, 4)
    assert weights.failure is not None
    assert weights.failure.reason == "pytorch_model.bin: the file size changed to 2000000 bytes"


def test_an_unknown_total_size_in_content_range_is_accepted(http: HttpClient, url: str, fake_hub: FakeHub) -> None:
    fake_hub.fault(r"\.bin", "headers", headers={"Content-Range": "bytes 0-3/*"})
    assert source(http, url).read(0, 4) == WEIGHTS[:4]


def test_a_budget_of_exactly_the_wanted_bytes_is_enough(http: HttpClient, url: str) -> None:
    weights = source(http, url, byte_budget=4)
    assert weights.read(8, 4) == WEIGHTS[8:12]
    assert weights.bytes_read == 4


def test_a_short_body_is_reported_with_what_arrived(http: HttpClient, url: str, fake_hub: FakeHub) -> None:
    fake_hub.fault(r"\.bin", "wrong_length", length_delta=-10)
    weights = source(http, url)
    with pytest.raises(SourceError):
        weights.read(0, 100)
    assert weights.failure is not None
    assert weights.failure.reason == "pytorch_model.bin: received 90 of 100 bytes"


def test_a_redirect_is_shown_to_the_guard_before_it_is_followed(http: HttpClient, url: str, fake_hub: FakeHub) -> None:
    shown: list[str] = []

    def refuse(target: str) -> None:
        shown.append(target)
        raise HubError(f"pytorch_model.bin: refused redirect to {target}")

    fake_hub.fault(r"\.bin", "redirect", location="http://127.0.0.1:9/elsewhere.bin", times=1)
    weights = source(http, url, redirect_guard=refuse)
    with pytest.raises(SourceError, match="refused redirect"):
        weights.read(0, 4)
    assert shown == ["http://127.0.0.1:9/elsewhere.bin"]
    assert len(fake_hub.requests) == 1  # the redirect itself; its target was never asked


def test_an_error_status_is_reported_by_the_default_status_error(http: HttpClient, url: str, fake_hub: FakeHub) -> None:
    fake_hub.fault(r"\.bin", "status", status=404)
    weights = source(http, url)
    with pytest.raises(SourceError):
        weights.read(0, 4)
    assert isinstance(weights.failure, EntryNotFound)
    assert weights.failure.reason == "pytorch_model.bin: not found (HTTP 404)"


def test_an_error_status_is_reported_by_the_given_status_error(http: HttpClient, url: str, fake_hub: FakeHub) -> None:
    seen: list[tuple[int, str]] = []

    def hub_specific(response: HttpResponse, what: str) -> HubError:
        seen.append((response.status, what))
        return AccessDenied(f"{what}: gated repository")

    fake_hub.fault(r"\.bin", "status", status=403)
    weights = source(http, url, status_error=hub_specific)
    with pytest.raises(SourceError, match="gated repository"):
        weights.read(0, 4)
    assert seen == [(403, "pytorch_model.bin")]


@pytest.mark.parametrize(("offset", "length"), [(-1, 5), (5, -1), (-3, -3)])
def test_a_negative_offset_or_length_is_refused_without_a_request(
    http: HttpClient, url: str, fake_hub: FakeHub, offset: int, length: int
) -> None:
    weights = source(http, url)
    with pytest.raises(SourceError) as refused:
        weights.read(offset, length)
    assert str(refused.value) == f"pytorch_model.bin: invalid read at {offset} of {length} bytes"
    assert fake_hub.requests == []


def test_an_empty_read_is_empty_without_a_request(http: HttpClient, url: str, fake_hub: FakeHub) -> None:
    assert source(http, url).read(10, 0) == b""
    assert fake_hub.requests == []


def test_a_spent_deadline_names_the_file(http: HttpClient, url: str) -> None:
    weights = source(http, url, deadline=0.0)
    with pytest.raises(SourceError):
        weights.read(0, 4)
    assert isinstance(weights.failure, HubTimeout)
    assert weights.failure.reason.startswith("pytorch_model.bin: no time left")


@pytest.mark.parametrize(
    ("offset", "length", "cached"),
    [
        (len(WEIGHTS) - 100, 10, True),  # a small span far into the file
        (0, 64 * 1024, True),  # exactly the largest span kept
        (0, 64 * 1024 + 1, False),
    ],
)
def test_which_repeated_spans_are_served_without_a_request(
    http: HttpClient, url: str, fake_hub: FakeHub, offset: int, length: int, cached: bool
) -> None:
    weights = source(http, url)
    assert weights.read(offset, length) == WEIGHTS[offset : offset + length]
    assert weights.read(offset, length) == WEIGHTS[offset : offset + length]
    assert len(fake_hub.requests) == (1 if cached else 2)


def test_the_repeat_cache_keeps_the_32_latest_spans(http: HttpClient, url: str, fake_hub: FakeHub) -> None:
    weights = source(http, url)
    for offset in range(0, 33 * 8, 8):  # 33 spans: the first is evicted
        assert weights.read(offset, 4) == WEIGHTS[offset : offset + 4]
    fake_hub.reset_log()
    assert weights.read(8, 4) == WEIGHTS[8:12]  # the second is still kept
    assert fake_hub.requests == []
    assert weights.read(0, 4) == WEIGHTS[:4]
    assert len(fake_hub.requests) == 1
