"""Exit codes through ``python -m hubguard``: 0 clean, 1 findings only, 2 usage, 3 internal error."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.run import CLEAN, VULNERABLE, hubguard, project


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return project(tmp_path, {"bad.py": VULNERABLE, "clean.py": CLEAN})


def test_clean_code_exits_0_and_findings_exit_1(repo: Path) -> None:
    assert hubguard("scan", "--offline", "clean.py", cwd=repo).returncode == 0
    findings = hubguard("scan", "--offline", "bad.py", cwd=repo)
    assert findings.returncode == 1
    assert "HG101" in findings.stdout and "Traceback" not in findings.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["scan", "--offline", "missing.py"],
        ["scan", "--select", "HG999", "bad.py"],
        ["scan", "--format", "xml", "bad.py"],
        ["model", "nonexistent.pt"],
        ["model", "./weights/missing"],
        ["explain", "HG999"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2_without_a_traceback(repo: Path, args: list[str]) -> None:
    completed = hubguard(*args, cwd=repo)
    assert completed.returncode == 2, completed.stderr
    assert "hubguard" in completed.stderr and "Traceback" not in completed.stderr
    assert "hub is unreachable" not in completed.stdout + completed.stderr  # no hub lookup for a file name


def test_missing_model_file_names_the_path(repo: Path) -> None:
    completed = hubguard("model", "nonexistent.pt", cwd=repo)
    assert "no such file or directory: nonexistent.pt" in completed.stderr


def test_an_escaping_exception_exits_3_with_a_short_message(repo: Path) -> None:
    completed = hubguard("scan", "--offline", "bad.py", cwd=repo, fault="hubguard.formats:print_text")
    assert completed.returncode == 3
    assert "internal error (RuntimeError: injected fault)" in completed.stderr
    assert "please report it" in completed.stderr and "--verbose" in completed.stderr
    assert "Traceback" not in completed.stderr


@pytest.mark.parametrize("switch", [["--verbose"], []], ids=["flag", "env"])
def test_verbose_or_the_environment_shows_the_traceback(repo: Path, switch: list[str]) -> None:
    env = {} if switch else {"HUBGUARD_DEBUG": "1"}
    completed = hubguard(
        "scan", "--offline", *switch, "bad.py", cwd=repo, env=env, fault="hubguard.formats:print_text"
    )
    assert completed.returncode == 3
    assert "Traceback (most recent call last)" in completed.stderr and "injected fault" in completed.stderr


def test_an_internal_error_in_one_file_keeps_the_others_findings_and_exits_3(repo: Path) -> None:
    completed = hubguard(
        "scan", "--offline", "--format", "json", ".", cwd=repo, fault="hubguard.static.engine:analyze_module"
    )
    assert completed.returncode == 3
    assert "internal error while analysing" in completed.stderr


def test_a_failing_remote_pass_keeps_the_static_findings_and_exits_3(repo: Path) -> None:
    completed = hubguard("scan", "bad.py", cwd=repo, fault="hubguard.hub.remote_pass:run_remote_pass")
    assert completed.returncode == 3
    assert "HG101" in completed.stdout
    assert "internal error in the remote pass (RuntimeError: injected fault)" in completed.stderr


def test_even_fail_on_none_reports_an_internal_error(repo: Path) -> None:
    completed = hubguard(
        "scan", "--fail-on", "none", "bad.py", cwd=repo, fault="hubguard.hub.remote_pass:run_remote_pass"
    )
    assert completed.returncode == 3


def test_help_documents_the_exit_codes(repo: Path) -> None:
    completed = hubguard("--help", cwd=repo)
    assert completed.returncode == 0
    for line in ("0  no finding", "1  findings", "2  usage", "3  internal error"):
        assert line in completed.stdout


def test_readme_documents_the_same_exit_codes() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for code in ("0", "1", "2", "3"):
        assert f"| `{code}` |" in readme
    assert "HUBGUARD_DEBUG=1" in readme and "--verbose" in readme
