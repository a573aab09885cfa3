"""Noise control through ``python -m hubguard``: .gitignore, configuration discovery, per-file-ignores,
accumulating --select/--ignore, and unknown rule codes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.cli.run import TORCH_LOAD, VULNERABLE, hubguard, project


def git_init(root: Path) -> None:
    subprocess.run(["git", "init", "--quiet", str(root)], check=True, capture_output=True)


def paths(completed_stdout: str) -> set[str]:
    return {finding["path"] for finding in json.loads(completed_stdout)["findings"]}


@pytest.fixture
def ignored_repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git_init(root)
    files = {
        "src/app.py": VULNERABLE,
        "generated/out.py": VULNERABLE,  # root .gitignore
        "notes/scratch.py": VULNERABLE,  # .git/info/exclude
        "src/tmp/cache.py": VULNERABLE,  # nested src/.gitignore
        "src/keep/me.py": VULNERABLE,  # re-included by the nested file
        ".gitignore": "generated/\n*.log\n",
        "src/.gitignore": "tmp/\nkeep/\n!keep/\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / ".git" / "info").mkdir(exist_ok=True)
    (root / ".git" / "info" / "exclude").write_text("notes/\n")
    return root


def test_gitignore_files_are_respected_when_walking(ignored_repo: Path) -> None:
    completed = hubguard("scan", "--offline", "--format", "json", ".", cwd=ignored_repo)
    assert paths(completed.stdout) == {"src/app.py", "src/keep/me.py"}


def test_gitignore_applies_when_scanning_a_subdirectory_from_elsewhere(ignored_repo: Path) -> None:
    completed = hubguard("scan", "--offline", "--format", "json", str(ignored_repo / "src"), cwd=ignored_repo.parent)
    assert paths(completed.stdout) == {"src/app.py", "src/keep/me.py"}  # relative to the repository root


def test_no_respect_gitignore_scans_everything(ignored_repo: Path) -> None:
    completed = hubguard("scan", "--offline", "--format", "json", "--no-respect-gitignore", ".", cwd=ignored_repo)
    assert paths(completed.stdout) == {
        "src/app.py", "generated/out.py", "notes/scratch.py", "src/tmp/cache.py", "src/keep/me.py"
    }


def test_respect_gitignore_can_be_turned_off_in_configuration(ignored_repo: Path) -> None:
    (ignored_repo / "pyproject.toml").write_text("[tool.hubguard]\nrespect-gitignore = false\n")
    completed = hubguard("scan", "--offline", "--format", "json", ".", cwd=ignored_repo)
    assert "generated/out.py" in paths(completed.stdout)


def test_an_explicitly_named_ignored_file_is_still_scanned(ignored_repo: Path) -> None:
    completed = hubguard("scan", "--offline", "--format", "json", "generated/out.py", cwd=ignored_repo)
    assert paths(completed.stdout) == {"generated/out.py"}


def test_an_explicitly_named_ignored_directory_is_scanned_with_its_own_gitignore(ignored_repo: Path) -> None:
    (ignored_repo / "generated" / "skip.py").write_text(VULNERABLE)
    (ignored_repo / "generated" / ".gitignore").write_text("skip.py\n")
    completed = hubguard("scan", "--offline", "--format", "json", "generated", cwd=ignored_repo)
    assert paths(completed.stdout) == {"generated/out.py"}


def test_configuration_is_found_from_the_scanned_path_not_the_cwd(tmp_path: Path) -> None:
    root = project(tmp_path, {"pyproject.toml": "[tool.hubguard]\nignore = ['HG1']\n"})
    project(root / "sub", {})  # no .git here: only the outer one ends the search
    (root / "sub" / ".git").rmdir()
    (root / "sub" / "pyproject.toml").write_text("[project]\nname = 'sub'\n")  # no [tool.hubguard]: skipped
    (root / "sub" / "app.py").write_text(VULNERABLE)
    other = project(tmp_path / "elsewhere", {"pyproject.toml": "[tool.hubguard]\nselect = ['HG1']\n"})
    completed = hubguard("scan", "--offline", "--format", "json", str(root / "sub"), cwd=other)
    rules = {f["rule"] for f in json.loads(completed.stdout)["findings"]}
    assert rules == {"HG201"}  # the outer project's ignore = ['HG1'] applied, not the cwd's select


def test_hubguard_toml_wins_in_its_directory(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "app.py": VULNERABLE,
            "pyproject.toml": "[tool.hubguard]\nignore = ['HG1']\n",
            "hubguard.toml": "ignore = ['HG2']\n",
        },
    )
    completed = hubguard("scan", "--offline", "--format", "json", "app.py", cwd=root)
    assert {f["rule"] for f in json.loads(completed.stdout)["findings"]} == {"HG101"}


def test_per_file_ignores(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "pyproject.toml": '[tool.hubguard]\nper-file-ignores = {"tests/**" = ["HG201"], "*.ipynb" = ["HG3"]}\n',
            "tests/unit/test_app.py": VULNERABLE,
            "src/app.py": VULNERABLE,
        },
    )
    completed = hubguard("scan", "--offline", "--format", "json", ".", cwd=root)
    found = {(f["path"], f["rule"]) for f in json.loads(completed.stdout)["findings"]}
    assert found == {
        ("tests/unit/test_app.py", "HG101"),
        ("src/app.py", "HG101"),
        ("src/app.py", "HG201"),
    }


def test_per_file_ignores_are_relative_to_the_configuration_file(tmp_path: Path) -> None:
    root = project(tmp_path, {"project/pyproject.toml": '[tool.hubguard]\nper-file-ignores = {"tests/*" = ["HG"]}\n'})
    (root / "project" / "tests").mkdir()
    (root / "project" / "tests" / "t.py").write_text(VULNERABLE)
    completed = hubguard("scan", "--offline", "project", cwd=root)
    assert completed.returncode == 0, completed.stdout


def test_repeated_select_and_ignore_accumulate(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": VULNERABLE + TORCH_LOAD})
    selected = hubguard("scan", "--offline", "--format", "json", "--select", "HG101", "--select", "HG3", "a.py", cwd=root)
    assert {f["rule"] for f in json.loads(selected.stdout)["findings"]} == {"HG101", "HG301"}
    ignored = hubguard("scan", "--offline", "--format", "json", "--ignore", "HG101", "--ignore", "HG3", "a.py", cwd=root)
    assert {f["rule"] for f in json.loads(ignored.stdout)["findings"]} == {"HG201"}


@pytest.mark.parametrize(
    ("args", "config", "message"),
    [
        (["--select", "HG101", "--select", "HG999"], "", "--select: unknown rule 'HG999'"),
        (["--ignore", "XX1"], "", "--ignore: unknown rule 'XX1'"),
        ([], "[tool.hubguard]\nignore = ['HG77']\n", "unknown rule 'HG77'"),
        ([], '[tool.hubguard]\nper-file-ignores = {"tests/**" = ["HG2O1"]}\n', "unknown rule 'HG2O1'"),
        ([], '[tool.hubguard]\nper-file-ignores = ["tests"]\n', "expected a table of globs"),
    ],
)
def test_unknown_rule_codes_in_flags_and_configuration_are_usage_errors(
    tmp_path: Path, args: list[str], config: str, message: str
) -> None:
    root = project(tmp_path, {"a.py": VULNERABLE, "pyproject.toml": config})
    completed = hubguard("scan", "--offline", *args, "a.py", cwd=root)
    assert completed.returncode == 2
    assert message in completed.stderr and "Traceback" not in completed.stderr
