"""action.yml and the example workflow, validated offline: schema, conventions and zizmor."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.delivery.gitrepo import PROJECT, VENV_BIN

ACTION = PROJECT / "action.yml"
WORKFLOW = PROJECT / "examples" / "workflows" / "hubguard.yml"
SCRIPT = PROJECT / "hooks" / "action-scan.sh"
SCHEMA = PROJECT / "tests" / "schemas" / "github-action.schema.json"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
KEBAB = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


def load_yaml(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def action() -> dict[str, Any]:
    return load_yaml(ACTION)


def steps_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    if "runs" in document:
        return document["runs"]["steps"]
    return [step for job in document["jobs"].values() for step in job["steps"]]


def test_action_matches_the_schema(action: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    errors = [error.message for error in jsonschema.Draft7Validator(schema).iter_errors(action)]
    assert errors == []


def test_schema_rejects_a_run_step_without_shell(action: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    broken = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    del broken["runs"]["steps"][0]["shell"]
    assert not jsonschema.Draft7Validator(schema).is_valid(broken)


def test_composite_run_steps_have_shell_and_no_expressions(action: dict[str, Any]) -> None:
    assert action["runs"]["using"] == "composite"
    run_steps = [step for step in steps_of(action) if "run" in step]
    assert run_steps
    for step in run_steps:
        assert step.get("shell") == "bash", step
        assert "${{" not in step["run"], step["run"]


@pytest.mark.parametrize("path", [ACTION, WORKFLOW], ids=["action", "workflow"])
def test_every_uses_is_pinned_to_a_commit_with_a_version_comment(path: Path) -> None:
    document = load_yaml(path)
    uses = [step["uses"] for step in steps_of(document) if "uses" in step]
    assert uses
    for target in uses:
        assert PINNED.match(target), target
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip().startswith(("uses:", "- uses:")) or " uses: " in line:
            assert re.search(r"# v\d", line), line


def test_inputs_are_kebab_case_documented_and_all_used(action: dict[str, Any]) -> None:
    text = ACTION.read_text(encoding="utf-8")
    for name, spec in action["inputs"].items():
        assert KEBAB.match(name), name
        assert spec.get("description"), name
        assert isinstance(spec.get("default", ""), str), name
        assert f"inputs.{name} " in text or f"inputs.{name}}}" in text, f"input {name} is never used"


def test_outputs_have_values_from_the_scan_step(action: dict[str, Any]) -> None:
    for name, spec in action["outputs"].items():
        assert KEBAB.match(name) and spec.get("description"), name
        assert spec["value"] == f"${{{{ steps.scan.outputs.{name} }}}}"
    script = SCRIPT.read_text(encoding="utf-8")
    for name in action["outputs"]:
        assert f'echo "{name}=' in script, f"the scan step never writes {name}"


def test_scan_step_env_matches_what_the_script_reads(action: dict[str, Any]) -> None:
    scan = next(step for step in steps_of(action) if step.get("id") == "scan")
    script = SCRIPT.read_text(encoding="utf-8")
    masked = re.search(r"^for token in ([A-Z_ ]+); do$", script, re.M)
    for variable in scan["env"]:
        read = re.search(r"\$\{?" + variable + r"\b", script) or (masked and variable in masked[1].split())
        assert read, f"{variable} is passed but never read"
    for variable in set(re.findall(r"\$\{?(INPUT_[A-Z_]+)", script)):
        assert variable in scan["env"], f"the script reads {variable} but the action never sets it"


TOKEN_INPUTS = {
    "HF_TOKEN": "hf-token", "GITHUB_TOKEN": "github-token", "MODELSCOPE_API_TOKEN": "modelscope-token",
    "CSGHUB_TOKEN": "csghub-token",
}


def test_tokens_reach_the_scan_only_as_masked_environment_variables(action: dict[str, Any]) -> None:
    scan = next(step for step in steps_of(action) if step.get("id") == "scan")
    script = SCRIPT.read_text(encoding="utf-8")
    masked = re.search(r"^for token in ([A-Z_ ]+); do$", script, re.M)
    assert masked is not None and 'echo "::add-mask::${!token}"' in script
    assert set(masked[1].split()) == set(TOKEN_INPUTS)
    for variable, name in TOKEN_INPUTS.items():
        assert scan["env"][variable] == "${{ inputs." + name + " }}"
    assert action["inputs"]["github-token"]["default"] == "${{ github.token }}"
    assert all(action["inputs"][name]["default"] == "" for name in TOKEN_INPUTS.values() if name != "github-token")


def test_upload_is_optional_and_uses_the_scan_output(action: dict[str, Any]) -> None:
    upload = next(step for step in steps_of(action) if "upload-sarif" in step.get("uses", ""))
    assert "inputs.upload-sarif == 'true'" in upload["if"]
    assert upload["with"] == {
        "sarif_file": "${{ steps.scan.outputs.sarif-file }}",
        "category": "${{ inputs.category }}",
    }


def test_caches_are_pinned_optional_and_match_what_the_scan_uses(action: dict[str, Any]) -> None:
    caches = [step for step in steps_of(action) if step.get("uses", "").startswith("actions/cache@")]
    assert len(caches) == 2
    for step in caches:
        assert step["if"] == "${{ inputs.cache == 'true' }}"
    venv, results = caches
    assert venv["with"] == {
        "path": "${{ steps.prepare.outputs.venv-path }}",
        "key": "${{ steps.prepare.outputs.venv-key }}",
    }
    assert results["with"]["path"] == "${{ steps.prepare.outputs.cache-dir }}"
    assert "github.run_id" in results["with"]["key"] and results["with"]["restore-keys"]
    script = SCRIPT.read_text(encoding="utf-8")
    assert 'args+=(--cache-dir "$cache_dir")' in script and 'echo "cache-dir=$cache_dir"' in script


def test_upload_is_skipped_when_the_scan_says_so(action: dict[str, Any]) -> None:
    upload = next(step for step in steps_of(action) if "upload-sarif" in step.get("uses", ""))
    assert "steps.scan.outputs.upload == 'true'" in upload["if"]


def test_bom_artifact_upload_is_optional_and_uses_the_scan_output(action: dict[str, Any]) -> None:
    upload = next(step for step in steps_of(action) if "upload-artifact" in step.get("uses", ""))
    assert "inputs.bom == 'true'" in upload["if"] and "steps.scan.outputs.bom-file" in upload["if"]
    assert upload["with"] == {
        "name": "${{ inputs.bom-artifact }}",
        "path": "${{ steps.scan.outputs.bom-file }}",
        "if-no-files-found": "error",
    }
    assert action["inputs"]["bom"]["default"] == "false"


def test_example_workflow_grants_only_what_the_upload_needs() -> None:
    workflow = load_yaml(WORKFLOW)
    assert workflow["permissions"] == {}
    [job] = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "read", "security-events": "write"}
    checkout = job["steps"][0]
    assert checkout["with"]["persist-credentials"] is False


def test_scripts_are_valid_bash() -> None:
    for script in (SCRIPT, PROJECT / "hooks" / "pre-commit"):
        assert subprocess.run(["bash", "-n", str(script)], check=False).returncode == 0, script


@pytest.mark.slow
@pytest.mark.parametrize("persona", ["regular", "pedantic"])
def test_zizmor_finds_nothing(persona: str) -> None:
    completed = subprocess.run(
        [str(VENV_BIN / "zizmor"), "--offline", "--no-progress", f"--persona={persona}", str(ACTION), str(WORKFLOW)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "No findings" in completed.stdout


def test_docs_show_the_example_workflow_verbatim() -> None:
    docs = (PROJECT / "docs" / "delivery.md").read_text(encoding="utf-8")
    assert f"```yaml\n{WORKFLOW.read_text(encoding='utf-8')}```" in docs
    assert "actions: read" in docs and "security-events: write" in docs
