"""Throwaway git repositories for the delivery tests, isolated from the user's git configuration."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent

VULNERABLE = 'from transformers import AutoModel\nm = AutoModel.from_pretrained("org/m", trust_remote_code=True)\n'
CLEAN = "import json\n\n\ndef load(path):\n    with open(path) as f:\n        return json.load(f)\n"


def git_env(home: Path, *, path_with_hubguard: bool = True) -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    global_config = home / ".gitconfig"
    global_config.touch()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GIT_", "PRE_COMMIT", "HUBGUARD", "HF_"))
    }
    env.update(
        HOME=str(home),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=str(global_config),
        GIT_AUTHOR_NAME="Test",
        GIT_AUTHOR_EMAIL="test@example.invalid",
        GIT_COMMITTER_NAME="Test",
        GIT_COMMITTER_EMAIL="test@example.invalid",
    )
    path = env.get("PATH", "/usr/bin:/bin")
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{path}" if path_with_hubguard else path
    return env


def git(repo: Path, *args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed ({result.returncode}): {result.stderr}")
    return result


def init_repo(repo: Path, env: dict[str, str], files: dict[str, str] | None = None) -> Path:
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "--quiet", "--initial-branch=main", env=env)
    for name, text in (files or {}).items():
        target = repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    if files:
        git(repo, "add", "--all", env=env)
        git(repo, "commit", "--quiet", "--no-verify", "-m", "initial", env=env)
    return repo


def porcelain(repo: Path, env: dict[str, str]) -> str:
    return git(repo, "status", "--porcelain", env=env).stdout
