"""The pre-commit hooks in .pre-commit-hooks.yaml, installed and run by the real pre-commit.

pre-commit pip-installs a copy of this checkout (and hubguard's dependencies, from the package
registry) into its own virtualenv: once for try-repo, once for the shared PRE_COMMIT_HOME store.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.delivery.gitrepo import CLEAN, PROJECT, VULNERABLE, git, git_env, init_repo, porcelain

pytestmark = pytest.mark.slow
SKIPPED_DIRS = ("tests/", "bench/", "examples/", "docs/")


def pre_commit(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=1200
    )


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A git repository holding this checkout's current files: what a user's `rev:` would point at."""
    env = git_env(tmp_path_factory.mktemp("hook-home"))
    listed = git(PROJECT, "ls-files", "-z", "--cached", "--others", "--exclude-standard", env=env).stdout
    repo = tmp_path_factory.mktemp("hook-repo")
    for name in sorted(set(filter(None, listed.split("\0")))):
        source = PROJECT / name
        if name.startswith(SKIPPED_DIRS) or not source.is_file():
            continue
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, repo / name)
    init_repo(repo, env)
    git(repo, "add", "--all", env=env)
    git(repo, "commit", "--quiet", "-m", "hubguard under test", env=env)
    return repo, git(repo, "rev-parse", "HEAD", env=env).stdout.strip()


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def env(tmp_path: Path, pre_commit_home: Path) -> dict[str, str]:
    env = git_env(tmp_path / "home")
    env["PRE_COMMIT_HOME"] = str(pre_commit_home)
    return env


@pytest.fixture
def target(tmp_path: Path, env: dict[str, str]) -> Path:
    return init_repo(tmp_path / "target", env, {"README.md": "demo\n", "clean.py": CLEAN, "bad model.py": VULNERABLE})


def write_config(target: Path, env: dict[str, str], hook_repo: tuple[Path, str], hooks: list[dict]) -> None:
    repo, rev = hook_repo
    config = {"repos": [{"repo": str(repo), "rev": rev, "hooks": hooks}]}
    (target / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    git(target, "add", ".pre-commit-config.yaml", env=env)
    git(target, "commit", "--quiet", "--no-verify", "-m", "pre-commit config", env=env)


def test_try_repo_fails_on_findings(hook_repo: tuple[Path, str], target: Path, env: dict[str, str]) -> None:
    result = pre_commit("try-repo", str(hook_repo[0]), "hubguard", "--files", "bad model.py", "clean.py",
                        cwd=target, env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "HG101" in result.stdout and "bad model.py" in result.stdout
    assert porcelain(target, env) == ""


def test_clean_files_pass(hook_repo: tuple[Path, str], target: Path, env: dict[str, str]) -> None:
    write_config(target, env, hook_repo, [{"id": "hubguard"}])
    result = pre_commit("run", "hubguard", "--files", "clean.py", cwd=target, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout
    assert porcelain(target, env) == ""


def test_findings_fail_and_leave_the_tree_untouched(
    hook_repo: tuple[Path, str], target: Path, env: dict[str, str]
) -> None:
    write_config(target, env, hook_repo, [{"id": "hubguard"}])
    result = pre_commit("run", "hubguard", "--all-files", cwd=target, env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Failed" in result.stdout and "HG201" in result.stdout
    assert "files were modified by this hook" not in result.stdout
    assert porcelain(target, env) == ""


def test_args_from_the_config_reach_hubguard(hook_repo: tuple[Path, str], target: Path, env: dict[str, str]) -> None:
    write_config(target, env, hook_repo, [{"id": "hubguard", "args": ["--ignore", "HG101,HG201"]}])
    result = pre_commit("run", "hubguard", "--all-files", cwd=target, env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_git_commit_scans_only_staged_files(hook_repo: tuple[Path, str], target: Path, env: dict[str, str]) -> None:
    write_config(target, env, hook_repo, [{"id": "hubguard"}])
    assert pre_commit("install", cwd=target, env=env).returncode == 0
    (target / "unstaged.py").write_text(VULNERABLE)
    (target / "new.py").write_text(CLEAN)
    git(target, "add", "new.py", env=env)
    allowed = git(target, "commit", "-m", "clean change", env=env, check=False)
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr

    (target / "staged bad.py").write_text(VULNERABLE)
    git(target, "add", "staged bad.py", env=env)
    blocked = git(target, "commit", "-m", "vulnerable change", env=env, check=False)
    assert blocked.returncode == 1
    assert "HG101" in blocked.stdout + blocked.stderr
    assert porcelain(target, env) == 'A  "staged bad.py"\n?? unstaged.py\n'


def test_remote_hook_runs_at_the_manual_stage(hook_repo: tuple[Path, str], target: Path, env: dict[str, str]) -> None:
    write_config(target, env, hook_repo, [{"id": "hubguard-remote"}])
    default_stage = pre_commit("run", "--all-files", cwd=target, env=env)
    assert default_stage.returncode == 0 and "hubguard (remote)" not in default_stage.stdout
    manual = pre_commit("run", "hubguard-remote", "--hook-stage", "manual", "--files", "clean.py", cwd=target, env=env)
    assert manual.returncode == 0, manual.stdout + manual.stderr
    assert "hubguard (remote)" in manual.stdout and "Passed" in manual.stdout
