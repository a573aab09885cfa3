"""hooks/filter_sarif_to_diff.py and hooks/sarif_summary.py on real git diffs and SARIF shapes."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

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


def real_diff(tmp_path: Path) -> str:
    env = git_env(tmp_path / "home")
    repo = init_repo(
        tmp_path / "repo",
        env,
        {"my dir/a file.py": "1\n2\n3\n4\n5\n", "é.py": "a\nb\n", "gone.py": "x\n", "same.py": "s\n"},
    )
    (repo / "my dir" / "a file.py").write_text("1\nTWO\n3\n4\n5\nsix\nseven\n")
    (repo / "é.py").write_text("a\n")  # deletion only
    (repo / "gone.py").unlink()
    (repo / "new.py").write_text("n1\nn2\n")
    git(repo, "add", "--all", env=env)
    return git(
        repo, "-c", "core.quotePath=true", "diff", "--cached", "--unified=0", "--src-prefix=a/", "--dst-prefix=b/",
        env=env,
    ).stdout


def test_changed_lines_parses_git_output_with_spaces_quotes_and_deletions(tmp_path: Path) -> None:
    assert diff_filter.changed_lines(real_diff(tmp_path)) == {
        "my dir/a file.py": {2, 6, 7},
        "é.py": set(),
        "new.py": {1, 2},
    }


def test_non_ascii_names_are_unquoted() -> None:
    assert diff_filter.changed_lines('+++ "b/caf\\303\\251 \\"x\\".py"\n@@ -0,0 +1,2 @@\n') == {'café "x".py': {1, 2}}


def test_results_are_kept_only_when_every_line_is_changed() -> None:
    changed = {"my dir/a file.py": {2, 6, 7}}
    keep = diff_filter.keep_result
    assert keep(result("my%20dir/a%20file.py", 2), changed)
    assert keep(result("my%20dir/a%20file.py", 6, 7), changed)
    assert not keep(result("my%20dir/a%20file.py", 5, 6), changed)  # first line untouched
    assert not keep(result("my%20dir/a%20file.py", 3), changed)
    assert not keep(result("other.py", 2), changed)


def test_results_the_diff_cannot_judge_are_kept() -> None:
    assert diff_filter.keep_result(result(None), {})
    assert diff_filter.keep_result(result("app.py"), {})  # no region
    assert diff_filter.keep_result(result("https://huggingface.co/org/m/blob/abc/modeling.py", 3), {})


def test_script_filters_a_sarif_file(tmp_path: Path) -> None:
    sarif = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "hubguard"}}, "results": [
        result("new.py", 1), result("old.py", 1),
    ]}]}
    (tmp_path / "in.sarif").write_text(json.dumps(sarif))
    (tmp_path / "pr.diff").write_text("+++ b/new.py\n@@ -0,0 +1 @@\n+x\n")
    command = [sys.executable, str(PROJECT / "hooks" / "filter_sarif_to_diff.py"), "--sarif", str(tmp_path / "in.sarif"),
               "--diff", str(tmp_path / "pr.diff"), "--output", str(tmp_path / "out.sarif")]
    assert subprocess.run(command, check=False).returncode == 0
    kept = json.loads((tmp_path / "out.sarif").read_text())["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in kept] == ["new.py"]


def test_script_reports_unreadable_input_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "bad.sarif").write_text("{not json")
    command = [sys.executable, str(PROJECT / "hooks" / "filter_sarif_to_diff.py"), "--sarif", str(tmp_path / "bad.sarif"),
               "--diff", str(tmp_path / "missing.diff"), "--output", str(tmp_path / "out.sarif")]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    assert completed.returncode == 2
    assert "cannot read input" in completed.stderr and "Traceback" not in completed.stderr


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
