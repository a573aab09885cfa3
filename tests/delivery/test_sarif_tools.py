"""hooks/filter_sarif_to_diff.py and hooks/sarif_summary.py on real git diffs and SARIF shapes."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from hubguard.filters.changed_lines import ChangedLines, DiffError, lines_changed_since, parse_diff
from tests.delivery.gitrepo import PROJECT, git, git_env, init_repo


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, PROJECT / "hooks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


diff_filter = load("filter_sarif_to_diff")
summary = load("sarif_summary")


def result(uri: str | None, start: int | None = None, end: int | None = None, **extra: Any) -> dict[str, Any]:
    if uri is None:
        return {"ruleId": "HG101", "message": {"text": "m"}, **extra}
    region = {} if start is None else {"startLine": start, **({"endLine": end} if end else {})}
    location = {"physicalLocation": {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"}}}
    if region:
        location["physicalLocation"]["region"] = region
    return {"ruleId": "HG101", "message": {"text": "m"}, "locations": [location], **extra}


def changed_repo(tmp_path: Path) -> Path:
    """A repository whose working tree differs from its first commit, with names git has to quote."""
    env = git_env(tmp_path / "home")
    repo = init_repo(
        tmp_path / "repo",
        env,
        {"my dir/a file.py": "1\n2\n3\n4\n5\n", "é.py": "a\nb\n", "gone.py": "x\n", "same.py": "s\n"},
    )
    (repo / "my dir" / "a file.py").write_text("1\nTWO\n3\n4\n5\nsix\nseven\n")
    (repo / "é.py").write_text("a\n")  # deletion only
    (repo / "gone.py").unlink()
    (repo / "new.py").write_text("n1\nn2\n")  # untracked: every line is new
    return repo


def test_changed_lines_since_a_ref_include_uncommitted_and_untracked_files(tmp_path: Path) -> None:
    changed = lines_changed_since("HEAD", changed_repo(tmp_path))
    assert changed.lines == {"my dir/a file.py": {2, 6, 7}, "é.py": set()}
    assert changed.whole_files == {"new.py"}
    assert changed.covers("new.py", 1, 40) and not changed.covers("same.py", 1, 1)


def test_changed_lines_are_measured_from_the_merge_base(tmp_path: Path) -> None:
    env = git_env(tmp_path / "home")
    repo = init_repo(tmp_path / "repo", env, {"a.py": "1\n2\n"})
    git(repo, "checkout", "--quiet", "-b", "feature", env=env)
    (repo / "a.py").write_text("1\n2\nfeature\n")
    git(repo, "commit", "--quiet", "-am", "feature", env=env)
    git(repo, "checkout", "--quiet", "main", env=env)
    (repo / "a.py").write_text("main\n1\n2\n")
    git(repo, "commit", "--quiet", "-am", "main moves on", env=env)
    git(repo, "checkout", "--quiet", "feature", env=env)
    assert lines_changed_since("main", repo).lines == {"a.py": {3}}  # not main's own change


def test_unknown_refs_and_non_repositories_are_errors(tmp_path: Path) -> None:
    repo = changed_repo(tmp_path)
    with pytest.raises(DiffError):
        lines_changed_since("no-such-branch", repo)
    with pytest.raises(DiffError):
        lines_changed_since("--output=/tmp/x", repo)
    outside = tmp_path / "plain"
    outside.mkdir()
    with pytest.raises(DiffError):
        lines_changed_since("HEAD", outside)


def test_non_ascii_names_are_unquoted() -> None:
    assert parse_diff('+++ "b/caf\\303\\251 \\"x\\".py"\n@@ -0,0 +1,2 @@\n') == {'café "x".py': {1, 2}}


def test_results_are_kept_only_when_every_line_is_changed() -> None:
    changed = ChangedLines({"my dir/a file.py": {2, 6, 7}})
    keep = diff_filter.keep_result
    assert keep(result("my%20dir/a%20file.py", 2), changed)
    assert keep(result("my%20dir/a%20file.py", 6, 7), changed)
    assert not keep(result("my%20dir/a%20file.py", 5, 6), changed)  # first line untouched
    assert not keep(result("my%20dir/a%20file.py", 3), changed)
    assert not keep(result("other.py", 2), changed)


def test_results_the_diff_cannot_judge_are_kept() -> None:
    assert diff_filter.keep_result(result(None), ChangedLines())
    assert diff_filter.keep_result(result("app.py"), ChangedLines())  # no region
    assert diff_filter.keep_result(result("https://huggingface.co/org/m/blob/abc/modeling.py", 3), ChangedLines())


def test_script_filters_a_sarif_file(tmp_path: Path) -> None:
    repo = changed_repo(tmp_path)
    sarif = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "hubguard"}}, "results": [
        result("new.py", 1), result("same.py", 1),
    ]}]}
    (tmp_path / "in.sarif").write_text(json.dumps(sarif))
    command = [sys.executable, str(PROJECT / "hooks" / "filter_sarif_to_diff.py"), "--sarif", str(tmp_path / "in.sarif"),
               "--base", "HEAD", "--output", str(tmp_path / "out.sarif")]
    assert subprocess.run(command, cwd=repo, check=False).returncode == 0
    kept = json.loads((tmp_path / "out.sarif").read_text())["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in kept] == ["new.py"]


@pytest.mark.parametrize(("sarif_text", "base", "message"), [("{not json", "HEAD", "cannot read input"),
                                                              ("{}", "no-such-ref", "cannot diff against no-such-ref")])
def test_script_reports_bad_input_without_a_traceback(tmp_path: Path, sarif_text: str, base: str, message: str) -> None:
    repo = changed_repo(tmp_path)
    (tmp_path / "bad.sarif").write_text(sarif_text)
    command = [sys.executable, str(PROJECT / "hooks" / "filter_sarif_to_diff.py"), "--sarif", str(tmp_path / "bad.sarif"),
               "--base", base, "--output", str(tmp_path / "out.sarif")]
    completed = subprocess.run(command, cwd=repo, capture_output=True, text=True, check=False)
    assert completed.returncode == 2
    assert message in completed.stderr and "Traceback" not in completed.stderr


def test_summary_uses_result_level_then_rule_default_and_skips_suppressed() -> None:
    rules = [{"id": "HG101", "defaultConfiguration": {"level": "error"}}, {"id": "HG405"}]
    sarif = {"runs": [{"tool": {"driver": {"rules": rules}}, "results": [
        {"ruleId": "HG101", "ruleIndex": 0},  # rule default: error
        {"ruleId": "HG405", "ruleIndex": 1},  # no default: warning
        {"ruleId": "HG201", "level": "note"},
        {"ruleId": "HG101", "level": "error", "suppressions": [{"kind": "inSource"}]},
    ]}]}
    assert summary.result_levels(sarif) == ["error", "warning", "note"]
    assert summary.summarize(sarif, "error") == (3, 1)
    assert summary.summarize(sarif, "warning") == (3, 2)
    assert summary.summarize(sarif, "note") == (3, 3)
    assert summary.summarize(sarif, "none") == (3, 0)
