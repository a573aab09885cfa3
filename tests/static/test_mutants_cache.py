"""The static result cache's key follows the code of the static pass itself, file by file."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

import hubguard
from hubguard.config import Config
from hubguard.static import cache as static_cache
from hubguard.static.cache import StaticCache


@pytest.fixture
def package_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "hubguard"
    ignored = shutil.ignore_patterns("__pycache__", "semgrep_rules")
    shutil.copytree(Path(hubguard.__file__).parent, copy, ignore=ignored)
    monkeypatch.setattr(static_cache, "_PACKAGE", copy)
    return copy


def key(cache_root: Path) -> str:
    return StaticCache(cache_root, Config()).key("app.py", hashlib.sha256(b"import torch\n").hexdigest())


@pytest.mark.parametrize("relative", ["static/checks.py", "findings.py"])
def test_an_edit_to_the_static_pass_changes_every_key(tmp_path: Path, package_copy: Path, relative: str) -> None:
    before = key(tmp_path / "cache")
    source = package_copy / relative
    source.write_text(source.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert key(tmp_path / "cache") != before


def test_code_outside_the_static_pass_leaves_keys_alone(tmp_path: Path, package_copy: Path) -> None:
    before = key(tmp_path / "cache")
    source = package_copy / "hub" / "http.py"
    source.write_text(source.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert key(tmp_path / "cache") == before
