"""The CI scripts: .ci/run runs the README's suite, then .ci/lowest checks the dependency floors."""

from __future__ import annotations

import re
import subprocess

from tests.delivery.gitrepo import PROJECT

RUN = (PROJECT / ".ci" / "run").read_text(encoding="utf-8")
LOWEST = (PROJECT / ".ci" / "lowest").read_text(encoding="utf-8")


def test_run_calls_the_lowest_versions_job_after_the_suite() -> None:
    lines = [line for line in RUN.splitlines() if line and not line.startswith("#")]
    assert "pytest -n auto -q" in lines[-2] and lines[-1] == "bash .ci/lowest"
    assert "set -euo pipefail" in RUN


def test_lowest_job_installs_the_lowest_allowed_versions_and_runs_the_suite_in_parallel() -> None:
    assert "pip install -q uv" in LOWEST  # uv comes from PyPI like everything else
    assert "--resolution lowest-direct -e '.[test,mutation]'" in LOWEST
    assert re.search(r"\.venv-lowest/bin/python -m pytest -n auto -q .*--ignore=tests/delivery/test_precommit\.py", LOWEST)


def test_lowest_job_runs_the_mutation_script_at_mutmuts_floor_and_fails_below_full_score() -> None:
    assert re.search(r"\.venv-lowest/bin/python tools/mutation\.py --modules \w[\w-]* --fail-under 100 ", LOWEST)


def test_transformers_job_takes_the_newest_installable_release_and_runs_the_online_path() -> None:
    assert '"transformers<=$latest"' in LOWEST and 'echo "transformers $installed (newest listed: $latest)"' in LOWEST
    assert "tests/hub tests/test_end_to_end.py tests/test_model_command.py" in LOWEST


def test_scripts_are_valid_bash() -> None:
    for script in ("run", "lowest"):
        assert subprocess.run(["bash", "-n", str(PROJECT / ".ci" / script)], check=False).returncode == 0
