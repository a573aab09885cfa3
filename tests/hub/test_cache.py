"""The on-disk result cache: keys, layout, and every way an entry is refused or a write is given up."""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path

import pytest

from hubguard.cache_files import default_cache_dir
from hubguard.hub.cache import ResultCache

SHA = "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8"
KEY = ("huggingface", "model", "org/repo", SHA, "rules-v1")


def entry_path(root: Path, kind: str, key: tuple[str, ...]) -> Path:
    digest = hashlib.sha256("\0".join(key).encode("utf-8")).hexdigest()
    return root / kind / digest[:2] / f"{digest}.json"


def test_a_value_comes_back_under_its_kind_and_key_only(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path)
    cache.put("outcome", KEY, {"issues": [1, 2]})
    assert cache.get("outcome", KEY) == {"issues": [1, 2]}
    assert cache.get("snapshot", KEY) is None
    assert cache.get("outcome", (*KEY[:-1], "rules-v2")) is None
    stored = json.loads(entry_path(tmp_path, "outcome", KEY).read_text(encoding="utf-8"))
    assert stored == {"format": 1, "key": list(KEY), "value": {"issues": [1, 2]}}
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [entry_path(tmp_path, "outcome", KEY).name]


def test_a_content_sha256_is_an_immutable_key_too(tmp_path: Path) -> None:
    key = ("url", "sha256:" + "ab" * 32)
    ResultCache(tmp_path).put("model", key, {"clean": True})
    assert ResultCache(tmp_path).get("model", key) == {"clean": True}


@pytest.mark.parametrize("key", [("huggingface", "org/repo", "main"), ("org/repo", SHA[:39]), ("sha256:abc",)])
def test_a_key_without_an_immutable_part_is_refused(tmp_path: Path, key: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match="^cache keys must contain a commit SHA or a content SHA-256$"):
        ResultCache(tmp_path).put("outcome", key, {})
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[1, 2]",
        json.dumps({"format": 2, "key": list(KEY), "value": {}}),
        json.dumps({"key": list(KEY), "value": {}}),
        json.dumps({"format": 1, "key": [*KEY[:-1], "other"], "value": {}}),  # a digest collision
        json.dumps({"format": 1, "key": list(KEY), "value": [1]}),
        json.dumps({"format": 1, "key": list(KEY)}),
    ],
)
def test_a_corrupt_foreign_or_colliding_entry_is_a_miss(tmp_path: Path, content: str) -> None:
    path = entry_path(tmp_path, "outcome", KEY)
    path.parent.mkdir(parents=True)
    path.write_text(content, encoding="utf-8")
    assert ResultCache(tmp_path).get("outcome", KEY) is None


def test_an_undecodable_entry_is_a_miss(tmp_path: Path) -> None:
    path = entry_path(tmp_path, "outcome", KEY)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xff\xfe{")
    assert ResultCache(tmp_path).get("outcome", KEY) is None


def test_an_unwritable_cache_costs_the_entry_not_the_scan(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    cache = ResultCache(blocker / "cache")
    cache.put("outcome", KEY, {"a": 1})  # no exception
    assert cache.get("outcome", KEY) is None


def test_an_entry_is_written_beside_its_final_place_then_renamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-temp-folder"))  # never used: not atomic
    ResultCache(tmp_path / "cache").put("outcome", KEY, {"a": 1})
    assert ResultCache(tmp_path / "cache").get("outcome", KEY) == {"a": 1}


def test_a_failed_replace_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = entry_path(tmp_path, "outcome", KEY)
    target.mkdir(parents=True)  # os.replace cannot put a file where a folder is
    ResultCache(tmp_path).put("outcome", KEY, {"a": 1})
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]


def test_an_existing_entry_is_replaced_whole(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path)
    cache.put("outcome", KEY, {"a": 1, "b": 2})
    cache.put("outcome", KEY, {"a": 3})
    assert cache.get("outcome", KEY) == {"a": 3}
    assert [p.name for p in entry_path(tmp_path, "outcome", KEY).parent.iterdir()] == [
        entry_path(tmp_path, "outcome", KEY).name
    ]


def test_the_default_folder_follows_xdg_cache_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "hubguard"
    assert ResultCache().root == tmp_path / "xdg" / "hubguard"
    monkeypatch.setenv("XDG_CACHE_HOME", "")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "hubguard"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "hubguard"

