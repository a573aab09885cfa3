""".pre-commit-hooks.yaml: valid for pre-commit and shaped the way the hooks are documented."""

from __future__ import annotations

import subprocess
import sys

import yaml

from tests.delivery.gitrepo import PROJECT

MANIFEST = PROJECT / ".pre-commit-hooks.yaml"


def hooks() -> dict[str, dict]:
    return {hook["id"]: hook for hook in yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))}


def test_pre_commit_accepts_the_manifest() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(MANIFEST)],
        capture_output=True, text=True, check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_both_hooks_scan_python_stubs_and_notebooks_serially() -> None:
    manifest = hooks()
    assert set(manifest) == {"hubguard", "hubguard-remote"}
    for hook in manifest.values():
        assert hook["language"] == "python"
        assert hook["types_or"] == ["python", "pyi", "jupyter"]
        assert hook["require_serial"] is True
        assert hook["minimum_pre_commit_version"] == "3.2.0"
        assert hook["entry"].startswith("hubguard scan")
        assert not {"pass_filenames", "always_run", "files"} & set(hook)  # pre-commit passes the staged files


def test_commit_hook_is_offline_and_remote_hook_runs_at_push() -> None:
    manifest = hooks()
    assert manifest["hubguard"]["entry"] == "hubguard scan --offline"
    assert "stages" not in manifest["hubguard"]
    assert manifest["hubguard-remote"]["entry"] == "hubguard scan"
    assert manifest["hubguard-remote"]["stages"] == ["pre-push", "manual"]
