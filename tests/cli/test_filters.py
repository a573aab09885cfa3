"""--baseline / --write-baseline and --diff-base through ``python -m hubguard``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.run import TORCH_LOAD, VULNERABLE, hubguard, project
from tests.delivery.gitrepo import git, git_env, init_repo


def findings(stdout: str) -> list[tuple[str, str, int]]:
    return sorted((f["path"], f["rule"], f["region"]["startLine"]) for f in json.loads(stdout)["findings"])


def test_a_baseline_hides_accepted_findings_even_after_lines_shift(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.py": VULNERABLE, "load.py": TORCH_LOAD})
    written = hubguard("scan", "--offline", "--write-baseline", "baseline.json", ".", cwd=root)
    assert written.returncode == 0
    assert "wrote 3 findings to the baseline baseline.json" in written.stderr
    assert len(json.loads((root / "baseline.json").read_text())["findings"]) == 3

    clean = hubguard("scan", "--offline", "--baseline", "baseline.json", ".", cwd=root)
    assert clean.returncode == 0 and "3 in the baseline" in clean.stdout

    (root / "app.py").write_text("import os\n\n\n" + VULNERABLE)  # the accepted findings move down three lines
    (root / "load.py").write_text(TORCH_LOAD + "again = torch.load('other.pt')\n")  # one new finding
    shifted = hubguard("scan", "--offline", "--format", "json", "--baseline", "baseline.json", ".", cwd=root)
    assert shifted.returncode == 1
    assert findings(shifted.stdout) == [("load.py", "HG301", 3)]


def test_baseline_entries_absorb_one_finding_each(tmp_path: Path) -> None:
    root = project(tmp_path, {"load.py": TORCH_LOAD})
    hubguard("scan", "--offline", "--write-baseline", "b.json", "load.py", cwd=root)
    (root / "load.py").write_text(TORCH_LOAD + TORCH_LOAD.splitlines()[1] + "\n")  # the same line again
    completed = hubguard("scan", "--offline", "--format", "json", "--baseline", "b.json", "load.py", cwd=root)
    assert findings(completed.stdout) == [("load.py", "HG301", 3)]


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "cannot read baseline"), ("{oops", "not valid JSON"), ('{"findings": []}', "is not a hubguard baseline")],
)
def test_a_bad_baseline_is_a_usage_error(tmp_path: Path, content: str | None, message: str) -> None:
    root = project(tmp_path, {"app.py": VULNERABLE})
    if content is not None:
        (root / "b.json").write_text(content)
    completed = hubguard("scan", "--offline", "--baseline", "b.json", "app.py", cwd=root)
    assert completed.returncode == 2
    assert message in completed.stderr and "Traceback" not in completed.stderr


@pytest.fixture
def branch(tmp_path: Path) -> Path:
    env = git_env(tmp_path / "home")
    repo = init_repo(tmp_path / "repo", env, {"old.py": VULNERABLE, "load.py": TORCH_LOAD})
    git(repo, "checkout", "--quiet", "-b", "feature", env=env)
    (repo / "load.py").write_text(TORCH_LOAD + "again = torch.load('other.pt')\n")
    git(repo, "commit", "--quiet", "-am", "feature", env=env)
    (repo / "new.py").write_text(TORCH_LOAD)  # untracked: all new
    return repo


def test_diff_base_reports_only_findings_on_changed_lines(branch: Path) -> None:
    completed = hubguard("scan", "--offline", "--format", "json", "--diff-base", "main", ".", cwd=branch)
    assert completed.returncode == 1
    assert findings(completed.stdout) == [("load.py", "HG301", 3), ("new.py", "HG301", 2)]
    text = hubguard("scan", "--offline", "--diff-base", "main", ".", cwd=branch)
    assert "3 outside the changed lines" in text.stdout


def test_diff_base_with_nothing_changed_passes(branch: Path) -> None:
    (branch / "new.py").unlink()
    completed = hubguard("scan", "--offline", "--diff-base", "HEAD", ".", cwd=branch)
    assert completed.returncode == 0


@pytest.mark.parametrize("where", ["repository", "plain directory"])
def test_diff_base_errors_are_usage_errors(branch: Path, tmp_path: Path, where: str) -> None:
    cwd = branch if where == "repository" else project(tmp_path / "plain", {"a.py": VULNERABLE})
    if where == "plain directory":
        (cwd / ".git").rmdir()
    completed = hubguard("scan", "--offline", "--diff-base", "no-such-branch", ".", cwd=cwd)
    assert completed.returncode == 2
    assert "--diff-base no-such-branch" in completed.stderr and "Traceback" not in completed.stderr
