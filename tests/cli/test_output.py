"""Terminal output through ``python -m hubguard``: frames, concise, quiet, fail-on none, colour, rules JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.cli.run import CLEAN, VULNERABLE, hubguard, project

ANSI = re.compile(r"\x1b\[[0-9;]*m")
LONG_LINE = "import torch\nstate = {'padding': '" + "x" * 150 + "', 'weights': torch.load('w.pt')}\n"
THREE_LOADS = "import torch, pickle, joblib\na = torch.load('a')\nb = torch.load('b')\nc = pickle.load(f)\nd = joblib.load('d')\n"
CUSTOM_PIPELINE = (
    "from diffusers import DiffusionPipeline\n"
    "pipe = DiffusionPipeline.from_pretrained('org/sd', custom_pipeline='someone/pipe', custom_revision='"
    + "a" * 40
    + "', revision='"
    + "b" * 40
    + "')\n"
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return project(
        tmp_path,
        {
            "bad.py": VULNERABLE,
            "clean.py": CLEAN,
            "long.py": LONG_LINE,
            "loads.py": THREE_LOADS,
            "pipeline.py": CUSTOM_PIPELINE,
            "broken.py": "import pickle\npickle.loads(\n",
        },
    )


def test_a_long_line_is_windowed_so_the_caret_marks_the_code(repo: Path) -> None:
    completed = hubguard("scan", "--offline", "long.py", cwd=repo, env={"COLUMNS": "80"})
    lines = completed.stdout.splitlines()
    marked = next(i for i, line in enumerate(lines) if line.startswith("  > 2 | "))
    code, caret = lines[marked], lines[marked + 1]
    start, stop = caret.index("^"), caret.rindex("^") + 1
    assert code[start:stop] == "torch.load"
    assert "…" in code  # cropped, but never under the caret
    assert len(code) <= 80


def test_why_and_fix_are_shown_once_per_rule_and_fit_the_loader(repo: Path) -> None:
    completed = hubguard("scan", "--offline", "loads.py", cwd=repo)
    out = completed.stdout
    assert out.count("why:") == 1
    fixes = [line.strip() for line in out.splitlines() if line.strip().startswith("fix:")]
    assert fixes == [
        "fix: pass weights_only=True (torch >= 2.6), or store the weights as safetensors",
        "fix: load a format that cannot run code (safetensors, JSON, ONNX), or only files you created",
    ]


def test_custom_pipeline_advice_does_not_mention_trust_remote_code(repo: Path) -> None:
    out = hubguard("scan", "--offline", "pipeline.py", cwd=repo).stdout
    [fix] = [line.strip() for line in out.splitlines() if line.strip().startswith("fix:")]
    assert "HG101" in out and "custom_revision" in fix
    assert "trust_remote_code" not in fix


def test_concise_prints_one_line_per_finding(repo: Path) -> None:
    completed = hubguard("scan", "--offline", "--format", "concise", "bad.py", "loads.py", cwd=repo)
    lines = completed.stdout.splitlines()
    findings = [line for line in lines if re.match(r"^[\w.]+:\d+:\d+: HG\d{3} ", line)]
    assert len(findings) == 6
    assert re.search(r"^bad\.py:2:\d+: HG101 AutoModel", completed.stdout, re.M)
    assert not any(line.startswith("  ") and "|" in line for line in lines)  # no code frames
    assert completed.returncode == 1


def test_quiet_prints_findings_only(repo: Path) -> None:
    completed = hubguard("scan", "--offline", "-q", "bad.py", "broken.py", cwd=repo)
    assert "HG101" in completed.stdout
    assert "Found" not in completed.stdout and "at or above" not in completed.stdout
    assert completed.stderr == ""  # the syntax-error notice is not shown
    concise = hubguard("scan", "--offline", "-q", "--format", "concise", "bad.py", cwd=repo)
    assert len(concise.stdout.splitlines()) == 2


def test_fail_on_none_claims_no_fail_level(repo: Path) -> None:
    completed = hubguard("scan", "--offline", "--fail-on", "none", "bad.py", cwd=repo)
    assert completed.returncode == 0
    assert "fail-on is none" in completed.stdout
    assert "at or above" not in completed.stdout
    report = json.loads(hubguard("scan", "--offline", "--fail-on", "none", "--format", "json", "bad.py", cwd=repo).stdout)
    assert report["summary"]["failOn"] == "none" and report["summary"]["atOrAboveFailOn"] == 0


@pytest.mark.parametrize(
    ("args", "env", "coloured"),
    [
        ([], {}, False),  # piped: no colour
        (["--color", "always"], {}, True),
        (["--color", "always"], {"NO_COLOR": "1"}, True),
        (["--color", "never"], {"FORCE_COLOR": "1", "NO_COLOR": ""}, False),
        ([], {"FORCE_COLOR": "1", "NO_COLOR": ""}, True),
        (["--color", "auto"], {"NO_COLOR": "1"}, False),
    ],
)
def test_color_flag_and_environment(repo: Path, args: list[str], env: dict[str, str], coloured: bool) -> None:
    environment = {"NO_COLOR": "", **env}
    if not environment["NO_COLOR"]:
        environment.pop("NO_COLOR")
    completed = hubguard("scan", "--offline", *args, "bad.py", cwd=repo, env=environment)
    assert bool(ANSI.search(completed.stdout)) is coloured


def test_only_labels_are_bold_or_green(repo: Path) -> None:
    out = hubguard("scan", "--offline", "--color", "always", "bad.py", cwd=repo).stdout
    lines = out.splitlines()
    why = next(line for line in lines if "why:" in line)
    assert ANSI.sub("", why.split("why:", 1)[1].split("\x1b[0m", 1)[-1]) == why.split("why:", 1)[1].split("\x1b[0m", 1)[-1]
    summary = next(line for line in lines if "Found" in line)
    assert not ANSI.search(summary)
    clean = hubguard("scan", "--offline", "--color", "always", "clean.py", cwd=repo).stdout
    assert re.search(r"No findings\x1b\[0m \(1 file scanned\)\.", clean)


def test_rules_as_json(repo: Path) -> None:
    completed = hubguard("rules", "--format", "json", cwd=repo)
    rules = json.loads(completed.stdout)
    ids = [rule["id"] for rule in rules]
    assert "HG101" in ids and "HG301" in ids and len(ids) == len(set(ids))
    hg301 = next(rule for rule in rules if rule["id"] == "HG301")
    assert hg301["loaderFixes"]["torch_load"].startswith("pass weights_only=True")
    assert hg301["helpUri"].endswith("#hg301")
