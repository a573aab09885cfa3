"""The fake hub answers huggingface_hub's own calls the way the real Hub does."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from huggingface_hub import HfApi, get_hf_file_metadata, hf_hub_download, hf_hub_url
from huggingface_hub.errors import GatedRepoError, RepositoryNotFoundError, RevisionNotFoundError
from huggingface_hub.utils import get_session

from tests.fakehub import FakeHub, HttpFailure, LoopbackServer, Reply, Request, json_reply, sha256_hex

FILES = {"config.json": b'{"model_type": "bert"}', "pytorch_model.bin": b"PK\x03\x04" + b"w" * 500, "sub/a.txt": b"a"}


def test_model_info_tree_and_paths_info(fake_hub: FakeHub, isolated_hf_env: Path) -> None:
    fake_hub.page_size = 2
    sha = fake_hub.add_repo("org/repo", FILES, security_status={"scansDone": True, "filesWithIssues": []})
    api = HfApi(endpoint=fake_hub.url, token=False)
    info = api.model_info("org/repo", files_metadata=True, securityStatus=True)
    assert info.sha == sha
    sizes = {s.rfilename: s.size for s in info.siblings}
    assert sizes == {path: len(data) for path, data in FILES.items()}
    assert info.security_repo_status == {"scansDone": True, "filesWithIssues": []}
    tree = list(api.list_repo_tree("org/repo", recursive=True, expand=True))
    assert sorted(item.path for item in tree) == ["config.json", "pytorch_model.bin", "sub", "sub/a.txt"]
    assert any("cursor=2" in request.path for request in fake_hub.requests)  # followed the Link header
    lfs = next(item for item in tree if item.path == "pytorch_model.bin").lfs
    assert lfs is not None and lfs.sha256 == sha256_hex(FILES["pytorch_model.bin"])
    infos = api.get_paths_info("org/repo", ["config.json", "missing.txt"], revision=sha)
    assert [item.path for item in infos] == ["config.json"]


def test_download_and_metadata(fake_hub: FakeHub, isolated_hf_env: Path) -> None:
    sha = fake_hub.add_repo("org/repo", FILES)
    url = hf_hub_url("org/repo", "pytorch_model.bin", revision=sha, endpoint=fake_hub.url)
    meta = get_hf_file_metadata(url, token=False)
    assert (meta.commit_hash, meta.size, meta.etag) == (sha, 504, sha256_hex(FILES["pytorch_model.bin"]))
    cache = isolated_hf_env / "hub"
    path = hf_hub_download("org/repo", "config.json", endpoint=fake_hub.url, token=False, cache_dir=cache)
    assert Path(path).read_bytes() == FILES["config.json"]


def test_ranges(fake_hub: FakeHub, isolated_hf_env: Path) -> None:
    sha = fake_hub.add_repo("org/repo", FILES)
    url = hf_hub_url("org/repo", "pytorch_model.bin", revision=sha, endpoint=fake_hub.url)
    session = get_session()
    suffix = session.get(url, headers={"Range": "bytes=-4"})
    assert (suffix.status_code, suffix.headers["Content-Range"], suffix.content) == (206, "bytes 500-503/504", b"wwww")
    head = session.get(url, headers={"Range": "bytes=0-3"})
    assert (head.status_code, head.content) == (206, b"PK\x03\x04")
    beyond = session.get(url, headers={"Range": "bytes=600-"})
    assert (beyond.status_code, beyond.headers["Content-Range"]) == (416, "bytes */504")
    fake_hub.fault("pytorch_model.bin", "ignore_range", times=1)
    ignored = session.get(url, headers={"Range": "bytes=0-3"})
    assert (ignored.status_code, len(ignored.content)) == (200, 504)


def test_errors_carry_hf_error_codes(fake_hub: FakeHub, isolated_hf_env: Path) -> None:
    fake_hub.add_repo("org/gated", FILES, gated=True)
    fake_hub.add_repo("org/repo", FILES)
    api = HfApi(endpoint=fake_hub.url, token=False)
    cache = isolated_hf_env / "hub"
    with pytest.raises(RepositoryNotFoundError):
        api.model_info("org/missing")
    with pytest.raises(RevisionNotFoundError):
        api.model_info("org/repo", revision="nope")
    with pytest.raises(GatedRepoError):
        hf_hub_download("org/gated", "config.json", endpoint=fake_hub.url, token=False, cache_dir=cache)
    fake_hub.valid_tokens.add("hf_good")
    assert hf_hub_download("org/gated", "config.json", endpoint=fake_hub.url, token="hf_good", cache_dir=cache)


def test_branches_tags_and_pushes(fake_hub: FakeHub, isolated_hf_env: Path) -> None:
    first = fake_hub.add_repo("org/repo", FILES, branches={"dev": {"x.py": b"1"}}, tags={"v1": "main"})
    moved = fake_hub.push("org/repo", {"config.json": b"{}"})
    api = HfApi(endpoint=fake_hub.url, token=False)
    assert moved != first
    assert api.model_info("org/repo").sha == moved
    assert api.model_info("org/repo", revision="v1").sha == first
    assert api.model_info("org/repo", revision=first).sha == first
    assert [s.rfilename for s in api.model_info("org/repo", revision="dev").siblings] == ["x.py"]
    with FakeHub() as again:
        assert again.add_repo("org/repo", FILES) == first  # SHAs are deterministic


def test_request_log_hides_token_value(fake_hub: FakeHub, isolated_hf_env: Path) -> None:
    fake_hub.add_repo("org/repo", FILES)
    HfApi(endpoint=fake_hub.url, token="hf_secret_marker").model_info("org/repo")
    (request,) = fake_hub.requests
    assert request.authorized and request.headers["authorization"] == "<present>"
    assert "hf_secret_marker" not in repr(fake_hub.requests)
    assert fake_hub.bytes_sent > 0


class TinyHub(LoopbackServer):
    """What the next hub fakes look like: a route method on the shared base."""

    def route(self, request: Request) -> Reply:
        if request.segments == ["api", "thing"]:
            return json_reply({"token": request.bearer(), "flag": request.flag("x")})
        raise HttpFailure(json_reply({"message": "Not Found"}, 404))


def test_a_hub_fake_is_a_route_method_on_the_shared_base() -> None:
    secrets = {"Authorization": "Bearer tiny_secret", "Cookie": "m_session_id=cookie_secret"}
    with TinyHub() as hub:
        hub.fault("thing", "status", status=429, retry_after="nan", times=1)
        with pytest.raises(urllib.error.HTTPError) as limited:
            urllib.request.urlopen(urllib.request.Request(f"{hub.url}/api/thing?x=True", headers=secrets), timeout=5)
        assert (limited.value.code, limited.value.headers["Retry-After"]) == (429, "nan")
        answer = urllib.request.urlopen(urllib.request.Request(f"{hub.url}/api/thing?x=True", headers=secrets))
        assert json.loads(answer.read()) == {"token": "tiny_secret", "flag": True}
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{hub.url}/api/other", timeout=5)
        assert missing.value.code == 404
    assert [r.status for r in hub.requests] == [429, 200, 404]
    assert hub.requests[0].headers["cookie"] == hub.requests[0].headers["authorization"] == "<present>"
    assert "secret" not in repr(hub.requests)
