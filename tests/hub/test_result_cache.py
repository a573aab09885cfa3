"""The per-commit result cache: hit on a second run, and dropped as soon as anything that shapes a result changes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import hubguard
from hubguard.hub.remote_pass import RemoteOptions
from hubguard.hub.scanners import rules_version
from tests.fakehub import FakeHub
from tests.hub.test_remote_pass import BENIGN, options, ref, run  # noqa: F401  (options is a fixture)

SHAPING_FILES = [
    "rules.py",  # levels and messages of every rule
    "semgrep_rules/download-execute.yaml",
    "remote_code/signatures.py",
    "inspectors/policy.py",
    "hub/analysis.py",
]


def test_a_rules_change_invalidates_cached_results(
    fake_hub: FakeHub, options: RemoteOptions, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    sha = fake_hub.add_repo("org/benign", BENIGN)
    run([ref("org/benign", sha)], options)
    fake_hub.reset_log()
    assert run([ref("org/benign", sha)], options).stats["cache_hits"] == 2  # the repository and its code
    assert fake_hub.requests == []
    monkeypatch.setattr("hubguard.hub.remote_pass.rules_version", lambda: "new rules")
    result = run([ref("org/benign", sha)], options)
    assert result.stats["cache_hits"] == 0
    assert fake_hub.requests


@pytest.fixture
def package_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the installed package (rules resolved through the symlink), as ``hubguard.__file__``."""
    root = tmp_path / "hubguard"
    shutil.copytree(Path(hubguard.__file__).parent, root, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(hubguard, "__file__", str(root / "__init__.py"))
    return root


@pytest.mark.parametrize("relative", SHAPING_FILES)
def test_rules_version_follows_every_file_that_shapes_a_result(package_copy: Path, relative: str) -> None:
    before = rules_version()
    assert rules_version() == before
    target = package_copy / relative
    original = target.read_bytes()
    target.write_bytes(original + b"\n# changed\n")
    assert rules_version() != before
    target.write_bytes(original)
    assert rules_version() == before


def test_rules_version_follows_the_release(package_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = rules_version()
    monkeypatch.setattr(hubguard, "__version__", "999.0")
    assert rules_version() != before


def test_rules_version_ignores_bytecode(package_copy: Path) -> None:
    before = rules_version()
    (package_copy / "hub" / "__pycache__").mkdir()
    (package_copy / "hub" / "__pycache__" / "analysis.cpython-311.pyc").write_bytes(b"\0" * 16)
    assert rules_version() == before


def test_rules_version_follows_rules_behind_a_symlinked_folder(package_copy: Path, tmp_path: Path) -> None:
    """In a source checkout semgrep_rules is a symlink to the repository's semgrep-rules/ folder."""
    rules = tmp_path / "semgrep-rules"
    shutil.move(package_copy / "semgrep_rules", rules)
    (package_copy / "semgrep_rules").symlink_to(rules, target_is_directory=True)
    before = rules_version()
    rule = rules / "download-execute.yaml"
    rule.write_bytes(rule.read_bytes() + b"\n# changed\n")
    assert rules_version() != before


def test_rules_version_is_16_hex_digits(package_copy: Path) -> None:
    assert re.fullmatch(r"[0-9a-f]{16}", rules_version())
