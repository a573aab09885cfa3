"""hooks/action-scan.sh, the Action's scan step, run as GitHub would: inputs in env, outputs to files."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.delivery.gitrepo import CLEAN, PROJECT, VENV_BIN, VULNERABLE, git, git_env, init_repo
from tests.inventory.bom import assert_valid_bom

SCRIPT = PROJECT / "hooks" / "action-scan.sh"
TOKEN = "hf_secretTOKEN1234567890abcdef"
TOKEN_VARIABLES = ("HF_TOKEN", "GITHUB_TOKEN", "MODELSCOPE_API_TOKEN", "CSGHUB_TOKEN")

FAKE_HUBGUARD = """\
#!{python}
import json, os, sys
argv = sys.argv[1:]
with open(os.environ["FAKE_ARGV"], "w") as f:
    tokens = {{name: os.environ.get(name) for name in {tokens!r}}}
    json.dump({{"argv": argv, "cwd": os.getcwd(), "tokens": tokens}}, f)
out = argv[argv.index("--output") + 1]
with open(out, "w") as f:
    json.dump({{"version": "2.1.0", "runs": [{{"tool": {{"driver": {{"name": "hubguard"}}}}, "results": []}}]}}, f)
"""


class Run:
    def __init__(self, completed: subprocess.CompletedProcess[str], output_file: Path) -> None:
        self.returncode = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        text = output_file.read_text() if output_file.exists() else ""
        self.outputs = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return init_repo(tmp_path / "workspace", git_env(tmp_path / "home"), {"README.md": "demo\n"})


def run_action(
    tmp_path: Path,
    workspace: Path,
    hubguard: Path = VENV_BIN / "hubguard",
    env_extra: dict[str, str] | None = None,
    **inputs: str,
) -> Run:
    """Run the scan step; ``inputs`` are action inputs by their kebab-case names with ``_`` for ``-``."""
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir(exist_ok=True)
    output_file = tmp_path / "github-output"
    output_file.write_text("")
    env = git_env(tmp_path / "home")
    env.update(
        RUNNER_TEMP=str(runner_temp),
        GITHUB_OUTPUT=str(output_file),
        GITHUB_STEP_SUMMARY=str(tmp_path / "step-summary"),
        GITHUB_WORKSPACE=str(workspace),
        HUBGUARD_ACTION_PATH=str(PROJECT),
        HUBGUARD_BIN=str(hubguard),
        INPUT_PYTHON=sys.executable,
        INPUT_REMOTE="false",
    )
    env.update({f"INPUT_{name.upper()}": value for name, value in inputs.items()})
    env.update(env_extra or {})
    completed = subprocess.run(["bash", str(SCRIPT)], cwd=tmp_path, env=env, capture_output=True, text=True)
    return Run(completed, output_file)


def results(sarif_path: str) -> list[dict]:
    return json.loads(Path(sarif_path).read_text())["runs"][0]["results"]


def test_findings_produce_sarif_outputs_and_a_failing_gate(tmp_path: Path, workspace: Path) -> None:
    (workspace / "train.py").write_text(VULNERABLE)
    run = run_action(tmp_path, workspace, fail_on="error")
    assert run.returncode == 0, run.stderr
    sarif_file = run.outputs["sarif-file"]
    assert Path(sarif_file).parent == tmp_path / "runner-temp" / "hubguard"  # never inside the workspace
    assert {r["ruleId"] for r in results(sarif_file)} == {"HG101", "HG201"}
    assert run.outputs["findings"] == "2" and run.outputs["gate"] == "fail"
    assert run.outputs["upload"] == "true"


def test_job_summary_has_a_findings_table(tmp_path: Path, workspace: Path) -> None:
    (workspace / "train.py").write_text(VULNERABLE)
    run_action(tmp_path, workspace, fail_on="error")
    summary = (tmp_path / "step-summary").read_text()
    assert "2 finding(s), 2 at or above `fail-on: error`." in summary
    assert "| Level | Rule | Location | Message |" in summary
    rows = [line for line in summary.splitlines() if line.startswith("| error |")]
    assert [row.split(" | ")[1:3] for row in rows] == [["HG101", "`train.py:2`"], ["HG201", "`train.py:2`"]]


def test_job_summary_escapes_text_from_scanned_code(tmp_path: Path, workspace: Path) -> None:
    (workspace / "<img src=x>|[a](http:evil).py").write_text(VULNERABLE)
    run_action(tmp_path, workspace)
    summary = (tmp_path / "step-summary").read_text()
    assert "<img" not in summary and not re.search(r"(?<!\\)\]\(", summary)  # no tag, no link
    assert "`&lt;img src=x&gt;\\|\\[a\\](http:evil).py:2`" in summary
    for row in (line for line in summary.splitlines() if line.startswith("| ")):
        assert row.count(" | ") == 3  # no cell was split by the message


def pull_request_event(tmp_path: Path, head_repo: str, base_repo: str = "owner/project") -> dict[str, str]:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {
        "base": {"sha": "0" * 40, "repo": {"full_name": base_repo}},
        "head": {"sha": "1" * 40, "repo": {"full_name": head_repo}},
    }}))
    return {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event), "GITHUB_REPOSITORY": base_repo}


def test_pull_requests_from_forks_skip_the_upload_with_a_notice(tmp_path: Path, workspace: Path) -> None:
    (workspace / "train.py").write_text(VULNERABLE)
    run = run_action(tmp_path, workspace, env_extra=pull_request_event(tmp_path, "stranger/project"))
    assert run.returncode == 0, run.stderr
    assert run.outputs["upload"] == "false"
    assert "::notice title=hubguard::pull request from a fork" in run.stdout
    assert run.outputs["sarif-file"] and run.outputs["findings"] == "2"


def test_pull_requests_from_the_same_repository_upload(tmp_path: Path, workspace: Path) -> None:
    run = run_action(tmp_path, workspace, env_extra=pull_request_event(tmp_path, "owner/project"))
    assert run.outputs["upload"] == "true" and "::notice" not in run.stdout


def test_dependabot_pull_requests_skip_the_upload(tmp_path: Path, workspace: Path) -> None:
    env = {**pull_request_event(tmp_path, "owner/project"), "GITHUB_ACTOR": "dependabot[bot]"}
    run = run_action(tmp_path, workspace, env_extra=env)
    assert run.outputs["upload"] == "false" and "Dependabot" in run.stdout


def test_upload_sarif_false_needs_no_notice(tmp_path: Path, workspace: Path) -> None:
    run = run_action(tmp_path, workspace, env_extra=pull_request_event(tmp_path, "stranger/project"), upload_sarif="false")
    assert run.outputs["upload"] == "false" and "::notice" not in run.stdout


def test_prepare_names_the_cached_paths_and_a_key_per_release(tmp_path: Path, workspace: Path) -> None:
    def prepare(**inputs: str) -> dict[str, str]:
        output = tmp_path / "prepare-output"
        output.write_text("")
        env = git_env(tmp_path / "home")
        env.update(RUNNER_TEMP=str(tmp_path / "runner-temp"), GITHUB_OUTPUT=str(output),
                   HUBGUARD_ACTION_PATH=str(PROJECT), INPUT_PYTHON=sys.executable)
        env.update({f"INPUT_{name.upper()}": value for name, value in inputs.items()})
        completed = subprocess.run(["bash", str(SCRIPT), "prepare"], env=env, capture_output=True, text=True)
        assert completed.returncode == 0, completed.stderr
        return dict(line.split("=", 1) for line in output.read_text().splitlines())

    source = prepare()
    assert source["venv-path"] == str(tmp_path / "runner-temp" / "hubguard-venv")
    assert source["cache-dir"] == str(tmp_path / "runner-temp" / "hubguard-cache")
    assert source == prepare() and "-source-" in source["venv-key"]
    release = prepare(version="0.1.0")
    assert release["venv-key"].endswith("-hubguard==0.1.0") and release["venv-key"] != source["venv-key"]


def test_bom_input_writes_a_valid_ml_bom_beside_the_sarif(tmp_path: Path, workspace: Path) -> None:
    (workspace / "train.py").write_text(VULNERABLE)
    run = run_action(tmp_path, workspace, fail_on="error", bom="true")
    assert run.returncode == 0, run.stderr
    bom_file = Path(run.outputs["bom-file"])
    assert bom_file == tmp_path / "runner-temp" / "hubguard" / "hubguard.cdx.json"
    assert_valid_bom(bom_file.read_text())
    bom = json.loads(bom_file.read_text())
    assert [(c["name"], c["type"]) for c in bom["components"]] == [("org/m", "machine-learning-model")]
    assert run.outputs["findings"] == "2" and run.outputs["gate"] == "fail"  # the gate still reads the SARIF


def test_no_bom_unless_asked(tmp_path: Path, workspace: Path) -> None:
    (workspace / "train.py").write_text(VULNERABLE)
    run = run_action(tmp_path, workspace)
    assert "bom-file" not in run.outputs
    assert not (tmp_path / "runner-temp" / "hubguard" / "hubguard.cdx.json").exists()


def test_clean_code_passes_the_gate(tmp_path: Path, workspace: Path) -> None:
    (workspace / "util.py").write_text(CLEAN)
    run = run_action(tmp_path, workspace, fail_on="note")
    assert run.returncode == 0, run.stderr
    assert run.outputs["findings"] == "0" and run.outputs["gate"] == "pass"


def test_fail_on_none_reports_without_failing(tmp_path: Path, workspace: Path) -> None:
    (workspace / "train.py").write_text(VULNERABLE)
    run = run_action(tmp_path, workspace)
    assert run.outputs["findings"] == "2" and run.outputs["gate"] == "pass"


def test_changed_lines_only_gates_on_lines_the_pull_request_touches(tmp_path: Path, workspace: Path) -> None:
    env = git_env(tmp_path / "home")
    (workspace / "old model.py").write_text(VULNERABLE)  # already on the base branch
    git(workspace, "add", "--all", env=env)
    git(workspace, "commit", "--quiet", "-m", "base", env=env)
    base = git(workspace, "rev-parse", "HEAD", env=env).stdout.strip()
    (workspace / "new model.py").write_text("import torch\n\nstate = torch.load('w.pt')\n")
    with (workspace / "old model.py").open("a") as f:
        f.write("print('unrelated change')\n")
    git(workspace, "add", "--all", env=env)
    git(workspace, "commit", "--quiet", "-m", "pull request", env=env)
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"base": {"sha": base}, "head": {"sha": "0" * 40}}}))
    pull_request = {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event)}

    run = run_action(tmp_path, workspace, env_extra=pull_request, fail_on="warning", changed_lines_only="true")

    assert run.returncode == 0, run.stderr
    full = results(run.outputs["sarif-file"])
    assert sorted(r["ruleId"] for r in full) == ["HG101", "HG201", "HG301"]  # the upload keeps everything
    changed = results(run.outputs["changed-sarif-file"])
    assert [r["ruleId"] for r in changed] == ["HG301"]
    assert run.outputs["findings"] == "1" and run.outputs["gate"] == "fail"


def test_changed_lines_only_outside_pull_requests_reports_everything(tmp_path: Path, workspace: Path) -> None:
    (workspace / "train.py").write_text(VULNERABLE)
    run = run_action(tmp_path, workspace, env_extra={"GITHUB_EVENT_NAME": "push"}, changed_lines_only="true")
    assert "changed-sarif-file" not in run.outputs
    assert run.outputs["findings"] == "2"
    assert "::notice" in run.stdout


def test_unreachable_pull_request_base_falls_back_to_every_finding(tmp_path: Path, workspace: Path) -> None:
    (workspace / "train.py").write_text(VULNERABLE)
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"base": {"sha": "f" * 40}}}))
    pull_request = {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event)}
    run = run_action(tmp_path, workspace, env_extra=pull_request, changed_lines_only="true")
    assert run.returncode == 0, run.stderr
    assert "::warning" in run.stdout and run.outputs["findings"] == "2"


@pytest.fixture
def fake_hubguard(tmp_path: Path) -> Path:
    script = tmp_path / "fake-hubguard"
    script.write_text(FAKE_HUBGUARD.format(python=sys.executable, tokens=TOKEN_VARIABLES))
    script.chmod(0o755)
    return script


def recorded(tmp_path: Path) -> dict:
    return json.loads((tmp_path / "argv.json").read_text())


def test_inputs_become_arguments(tmp_path: Path, workspace: Path, fake_hubguard: Path) -> None:
    run = run_action(
        tmp_path,
        workspace,
        fake_hubguard,
        env_extra={"FAKE_ARGV": str(tmp_path / "argv.json")},
        paths="src\nmy notebooks\n",
        remote="true",
        config="ci/hubguard.toml",
        category="ml-code",
    )
    assert run.returncode == 0, run.stderr
    call = recorded(tmp_path)
    sarif = str(tmp_path / "runner-temp" / "hubguard" / "hubguard.sarif")
    cache = str(tmp_path / "runner-temp" / "hubguard-cache")
    assert call["argv"] == [
        "scan", "--format", "sarif", "--output", sarif, "--fail-on", "none", "--category", "ml-code",
        "--cache-dir", cache, "--config", "ci/hubguard.toml", "--", "src", "my notebooks",
    ]
    assert call["cwd"] == str(workspace)


def test_single_line_paths_split_on_whitespace_and_remote_false_is_offline(
    tmp_path: Path, workspace: Path, fake_hubguard: Path
) -> None:
    run_action(tmp_path, workspace, fake_hubguard, env_extra={"FAKE_ARGV": str(tmp_path / "argv.json")}, paths="a.py  b")
    argv = recorded(tmp_path)["argv"]
    assert "--offline" in argv and argv[-3:] == ["--", "a.py", "b"]


@pytest.mark.parametrize("variable", TOKEN_VARIABLES)
def test_a_token_is_masked_and_passed_only_through_the_environment(
    tmp_path: Path, workspace: Path, fake_hubguard: Path, variable: str
) -> None:
    secret = f"{variable.lower()}-{TOKEN}"
    run = run_action(
        tmp_path, workspace, fake_hubguard, env_extra={"FAKE_ARGV": str(tmp_path / "argv.json"), variable: secret}
    )
    assert run.stdout.splitlines()[0] == f"::add-mask::{secret}"
    assert run.stdout.count(secret) == 1 and secret not in run.stderr
    call = recorded(tmp_path)
    assert call["tokens"][variable] == secret and secret not in json.dumps(call["argv"])
    assert secret not in (tmp_path / "github-output").read_text()


def test_empty_tokens_are_not_exported(tmp_path: Path, workspace: Path, fake_hubguard: Path) -> None:
    empty = dict.fromkeys(TOKEN_VARIABLES, "")
    run = run_action(tmp_path, workspace, fake_hubguard, env_extra={"FAKE_ARGV": str(tmp_path / "argv.json"), **empty})
    assert "add-mask" not in run.stdout and recorded(tmp_path)["tokens"] == dict.fromkeys(TOKEN_VARIABLES)


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"fail_on": "critical"}, "fail-on must be none, note, warning or error, got 'critical'"),
        ({"remote": "maybe"}, "expected true or false, got 'maybe'"),
    ],
)
def test_bad_inputs_fail_with_a_clear_error(tmp_path: Path, workspace: Path, inputs: dict, message: str) -> None:
    run = run_action(tmp_path, workspace, **inputs)
    assert run.returncode == 2
    assert f"::error title=hubguard::{message}" in run.stdout


def test_bad_version_is_rejected_before_anything_is_installed(tmp_path: Path, workspace: Path) -> None:
    run = run_action(tmp_path, workspace, env_extra={"HUBGUARD_BIN": ""}, version="1.0 --index-url=http://evil")
    assert run.returncode == 2
    assert "version must be a release number" in run.stdout
    assert not (tmp_path / "runner-temp" / "hubguard-venv").exists()


def test_scan_errors_fail_the_step(tmp_path: Path, workspace: Path) -> None:
    run = run_action(tmp_path, workspace, paths="does-not-exist")
    assert run.returncode == 2
    assert "::error title=hubguard::hubguard scan failed (exit 2)" in run.stdout
    assert "sarif-file" not in run.outputs


FAKE_PYTHON = """\
#!/usr/bin/env bash
# Stands in for python3: records venv creation and pip installs, runs everything else for real.
if [[ "$1 $2" == "-m venv" ]]; then
  mkdir -p "$3/bin" && cp "$0" "$3/bin/python" && cp "$FAKE_HUBGUARD" "$3/bin/hubguard" && exit 0
fi
if [[ "$1 $2 $3" == "-m pip install" ]]; then
  printf '%s\\n' "$@" >"$FAKE_PIP_LOG" && exit 0
fi
exec "$REAL_PYTHON" "$@"
"""


@pytest.fixture
def installing(tmp_path: Path, fake_hubguard: Path) -> dict[str, str]:
    """Environment for a run that installs hubguard, with a python3 stand-in that logs pip installs."""
    fake_python = tmp_path / "fake-python"
    fake_python.write_text(FAKE_PYTHON)
    fake_python.chmod(0o755)
    return {
        "HUBGUARD_BIN": "",
        "FAKE_HUBGUARD": str(fake_hubguard),
        "FAKE_PIP_LOG": str(tmp_path / "pip.log"),
        "FAKE_ARGV": str(tmp_path / "argv.json"),
        "REAL_PYTHON": sys.executable,
        "INPUT_PYTHON": str(fake_python),
    }


def test_a_cached_environment_is_reused(tmp_path: Path, workspace: Path, installing: dict[str, str]) -> None:
    env_extra = installing
    first = run_action(tmp_path, workspace, env_extra=env_extra)
    assert first.returncode == 0 and (tmp_path / "pip.log").exists()
    (tmp_path / "pip.log").unlink()
    second = run_action(tmp_path, workspace, env_extra=env_extra)  # actions/cache restored the same venv
    assert second.returncode == 0, second.stderr
    assert "reusing the cached environment" in second.stdout and not (tmp_path / "pip.log").exists()
    third = run_action(tmp_path, workspace, env_extra=env_extra, version="0.1.0")  # another release: reinstall
    assert third.returncode == 0 and (tmp_path / "pip.log").exists()


@pytest.mark.parametrize(("version", "requirement"), [("", str(PROJECT)), ("0.1.0", "hubguard==0.1.0")])
def test_hubguard_is_installed_into_a_venv_under_runner_temp(
    tmp_path: Path, workspace: Path, installing: dict[str, str], version: str, requirement: str
) -> None:
    run = run_action(tmp_path, workspace, env_extra=installing, version=version)
    assert run.returncode == 0, run.stdout + run.stderr
    pip_args = (tmp_path / "pip.log").read_text().splitlines()
    assert pip_args[-1] == requirement
    assert (tmp_path / "runner-temp" / "hubguard-venv" / "bin" / "hubguard").exists()
    assert recorded(tmp_path)["argv"][0] == "scan"
