"""hooks/pre-commit as a plain git hook: real `git commit` runs in a throwaway repository."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.delivery.gitrepo import CLEAN, PROJECT, VULNERABLE, git, git_env, init_repo

HOOK = PROJECT / "hooks" / "pre-commit"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return git_env(tmp_path / "home")


@pytest.fixture
def repo(tmp_path: Path, env: dict[str, str]) -> Path:
    repo = init_repo(tmp_path / "repo", env, {"README.md": "demo\n"})
    hooks_dir = repo / "hooks"
    hooks_dir.mkdir()
    shutil.copy2(HOOK, hooks_dir / "pre-commit")
    # The documented one-line install.
    (repo / ".git" / "hooks" / "pre-commit").symlink_to(Path("../../hooks/pre-commit"))
    return repo


def commit(repo: Path, env: dict[str, str], *files: str):
    git(repo, "add", "--", *files, env=env)
    return git(repo, "commit", "-m", "change", env=env, check=False)


def head_count(repo: Path, env: dict[str, str]) -> int:
    return int(git(repo, "rev-list", "--count", "HEAD", env=env).stdout)


def test_commit_with_findings_is_blocked(repo: Path, env: dict[str, str]) -> None:
    (repo / "train.py").write_text(VULNERABLE)
    result = commit(repo, env, "train.py")
    assert result.returncode != 0
    assert "HG101" in result.stderr and "commit blocked" in result.stderr  # git sends hook output to stderr
    assert head_count(repo, env) == 1


def test_clean_commit_is_allowed(repo: Path, env: dict[str, str]) -> None:
    (repo / "util.py").write_text(CLEAN)
    result = commit(repo, env, "util.py")
    assert result.returncode == 0, result.stderr
    assert head_count(repo, env) == 2


def test_file_names_with_spaces_are_scanned(repo: Path, env: dict[str, str]) -> None:
    (repo / "my models").mkdir()
    (repo / "my models" / "load model.py").write_text(VULNERABLE)
    (repo / "other file.py").write_text(CLEAN)
    result = commit(repo, env, "my models/load model.py", "other file.py")
    assert result.returncode != 0
    assert "my models/load model.py" in result.stderr
    assert head_count(repo, env) == 1


def test_only_staged_python_files_are_scanned(repo: Path, env: dict[str, str]) -> None:
    (repo / "unstaged.py").write_text(VULNERABLE)  # not part of the commit
    (repo / "notes.txt").write_text(VULNERABLE)  # not Python
    (repo / "util.py").write_text(CLEAN)
    result = commit(repo, env, "util.py", "notes.txt")
    assert result.returncode == 0, result.stdout + result.stderr
    assert head_count(repo, env) == 2


def test_repository_config_is_honoured(repo: Path, env: dict[str, str]) -> None:
    (repo / "pyproject.toml").write_text('[tool.hubguard]\nignore = ["HG101", "HG201"]\n')
    (repo / "pkg").mkdir()
    (repo / "pkg" / "train.py").write_text(VULNERABLE)
    git(repo / "pkg", "add", "train.py", "../pyproject.toml", env=env)
    result = git(repo / "pkg", "commit", "-m", "configured", env=env, check=False)  # run from a subdirectory
    assert result.returncode == 0, result.stdout + result.stderr


def test_missing_hubguard_blocks_with_a_clear_message(tmp_path: Path, repo: Path) -> None:
    env = git_env(tmp_path / "home", path_with_hubguard=False)
    env["HUBGUARD"] = str(tmp_path / "no-such-hubguard")
    (repo / "util.py").write_text(CLEAN)
    result = commit(repo, env, "util.py")
    assert result.returncode != 0
    assert "commit blocked" in result.stderr
