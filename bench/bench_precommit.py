"""Wall time of the `hubguard` pre-commit hook on a commit in a 500-file repository.

Usage: python bench/bench_precommit.py [--files 500] [--staged 3] [--runs 7]
(bench/bench_static.py runs the staged-commit measurement as row 4 of its table.)

Builds a throwaway hook repository from this checkout and a target repository of generated
Python files under bench/.work/, installs the hook once (pip, from the package registry), then
reports the median of `pre-commit run` with N staged files and of `pre-commit run --all-files`.
Before each staged run the N files are edited again, as a new commit's would be, so hubguard's
result cache does not answer for them. The same staged run of a Python hook that does nothing
(`python -c pass`, in its own pre-commit virtualenv) measures what any Python hook pays (pre-commit
itself, its check of the hook's environment, an interpreter start): what is left is hubguard's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
WORK = PROJECT / "bench" / ".work" / "precommit"
SKIPPED_DIRS = ("tests/", "bench/", "examples/", "docs/")
LOADER = 'from transformers import AutoModel\n\nmodel_{i} = AutoModel.from_pretrained("org/model-{i}")\n'
PLAIN = "import json\n\n\ndef load_{i}(path):\n    with open(path) as f:\n        return json.load(f)\n"


def env_for(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    (home / ".gitconfig").touch()
    env.update(
        HOME=str(home), GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=str(home / ".gitconfig"),
        GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.invalid",
        GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.invalid",
        PRE_COMMIT_HOME=str(WORK / "store"),
    )
    return env


def run(*command: str, cwd: Path, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=check)


def hook_repo(env: dict[str, str]) -> tuple[Path, str]:
    repo = WORK / "hook-repo"
    shutil.rmtree(repo, ignore_errors=True)
    listed = run("git", "ls-files", "-z", "-co", "--exclude-standard", cwd=PROJECT, env=env).stdout
    for name in filter(None, listed.split("\0")):
        if not name.startswith(SKIPPED_DIRS) and (PROJECT / name).is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(PROJECT / name, repo / name)
    run("git", "init", "-q", cwd=repo, env=env)
    run("git", "add", "--all", cwd=repo, env=env)
    run("git", "commit", "-q", "-m", "hook", cwd=repo, env=env)
    return repo, run("git", "rev-parse", "HEAD", cwd=repo, env=env).stdout.strip()


def target_repo(env: dict[str, str], hook: tuple[Path, str], files: int) -> Path:
    repo = WORK / "target"
    shutil.rmtree(repo, ignore_errors=True)
    for i in range(files):
        path = repo / f"pkg{i % 20}" / f"module_{i}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text((LOADER if i % 10 == 0 else PLAIN).format(i=i))
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {hook[0]}\n  rev: {hook[1]}\n  hooks:\n  - id: hubguard\n    args: [--fail-on, none]\n"
        "- repo: local\n  hooks:\n  - id: nothing\n    name: nothing\n    entry: python -c pass\n"
        "    language: python\n    types: [python]\n"
    )
    run("git", "init", "-q", cwd=repo, env=env)
    run("git", "add", "--all", cwd=repo, env=env)
    run("git", "commit", "-q", "-m", "base", cwd=repo, env=env)
    return repo


def stage_edits(target: Path, env: dict[str, str], staged: int, attempt: int) -> None:
    for i in range(staged):
        path = target / f"pkg{i}" / f"module_{i}.py"
        path.write_text(path.read_text() + f"\nEXTRA_{i}_{attempt} = {attempt}\n")
        run("git", "add", str(path), cwd=target, env=env)


def timed(command: list[str], cwd: Path, env: dict[str, str], runs: int, staged: int = 0) -> list[float]:
    samples = []
    for index in range(runs):
        if staged:
            stage_edits(cwd, env, staged, index)
        start = time.perf_counter()
        result = run(*command, cwd=cwd, env=env, check=False)
        samples.append(time.perf_counter() - start)
        if result.returncode not in (0, 1):
            sys.exit(f"pre-commit failed:\n{result.stdout}\n{result.stderr}")
    return samples


PRE_COMMIT = [sys.executable, "-m", "pre_commit"]


def prepared(files: int) -> tuple[Path, dict[str, str]]:
    """The target repository with the hook installed (pip runs once per hook commit)."""
    (WORK / "home").mkdir(parents=True, exist_ok=True)
    env = env_for(WORK / "home")
    target = target_repo(env, hook_repo(env), files)
    start = time.perf_counter()
    run(*PRE_COMMIT, "install-hooks", cwd=target, env=env)
    print(f"hook install (one-off, pip): {time.perf_counter() - start:.1f} s", flush=True)
    return target, env


def staged_commit_median(files: int, staged: int, runs: int) -> tuple[float, float]:
    """Medians of the hubguard hook and of the do-nothing Python hook, each on N freshly staged files."""
    target, env = prepared(files)
    hubguard = timed([*PRE_COMMIT, "run", "hubguard"], target, env, runs, staged)
    nothing = timed([*PRE_COMMIT, "run", "nothing"], target, env, runs, staged)
    return statistics.median(hubguard), statistics.median(nothing)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--staged", type=int, default=3)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    target, env = prepared(args.files)
    staged = timed([*PRE_COMMIT, "run", "hubguard"], target, env, args.runs, args.staged)
    nothing = timed([*PRE_COMMIT, "run", "nothing"], target, env, args.runs, args.staged)
    every = timed([*PRE_COMMIT, "run", "hubguard", "--all-files"], target, env, args.runs)
    print(f"pre-commit run, {args.staged} staged of {args.files} files: median {statistics.median(staged):.2f} s "
          f"(min {min(staged):.2f}, max {max(staged):.2f}, {args.runs} runs)")
    print(f"pre-commit run of a do-nothing Python hook, same commit: median {statistics.median(nothing):.2f} s "
          f"(what any Python hook pays; hubguard's own share is "
          f"{statistics.median(staged) - statistics.median(nothing):.2f} s)")
    print(f"pre-commit run --all-files, {args.files} files: median {statistics.median(every):.2f} s "
          f"(min {min(every):.2f}, max {max(every):.2f}, {args.runs} runs)")


if __name__ == "__main__":
    main()
