"""Suppression comments through ``python -m hubguard``: unknown codes, --report-unused-ignores (HG002),
and remote-pass findings suppressed on the call's line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.run import hubguard, project
from tests.fakehub import FakeHub

SOURCE = """\
import json, torch
from transformers import AutoModel

a = json.load(f)  # hubguard: ignore[HG301]
b = torch.load("b.pt")  # hubguard: ignore[HG301]
c = torch.load("c.pt")  # hubguard: ignore[HG301, HG999]
d = AutoModel.from_pretrained("org/m", trust_remote_code=True)  # hubguard: ignore[HG101,HG201]
e = torch.load("e.pt")  # hubguard: ignore[HG301,HG002,HG101]
x = 1  # hubguard: ignore
m = AutoModel.from_pretrained("org/m", revision="main")  # hubguard: ignore[HG201,HG401]
"""
NO_SINKS = "VALUE = 1  # hubguard: ignore[HG301]\n"


def unused(stdout: str) -> dict[int, str]:
    report = json.loads(stdout)
    return {f["region"]["startLine"]: f["message"] for f in report["findings"] if f["rule"] == "HG002"}


def test_unknown_codes_in_comments_are_always_reported(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.py": SOURCE})
    completed = hubguard("scan", "--offline", "app.py", cwd=root)
    assert "app.py: line 6: '# hubguard: ignore[...]' names unknown rule HG999" in completed.stderr
    assert "HG002" not in completed.stdout  # unused ones only when asked


def test_report_unused_ignores(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.py": SOURCE, "consts.py": NO_SINKS})
    completed = hubguard(
        "scan", "--offline", "--format", "json", "--report-unused-ignores", "--ignore", "HG1", ".", cwd=root
    )
    assert completed.returncode == 1
    report = json.loads(completed.stdout)
    by_file = {(f["path"], f["region"]["startLine"]): f["message"] for f in report["findings"] if f["rule"] == "HG002"}
    assert by_file == {
        ("app.py", 4): "Unused suppression (unused: HG301).",
        ("app.py", 6): "Unused suppression (unknown: HG999).",
        ("app.py", 7): "Unused suppression (non-enabled: HG101).",  # HG201 was used
        ("app.py", 9): "'# hubguard: ignore' suppresses nothing.",
        ("app.py", 10): "Unused suppression (non-enabled: HG401).",  # offline: the remote rules cannot run
        ("consts.py", 1): "Unused suppression (unused: HG301).",  # a file with no loader at all
    }
    region = next(f["region"] for f in report["findings"] if f["rule"] == "HG002" and f["region"]["startLine"] == 4)
    assert SOURCE.splitlines()[3][region["startColumn"] - 1 :].startswith("# hubguard: ignore[HG301]")


def test_report_unused_ignores_from_configuration(tmp_path: Path) -> None:
    root = project(tmp_path, {"consts.py": NO_SINKS, "pyproject.toml": "[tool.hubguard]\nreport-unused-ignores = true\n"})
    completed = hubguard("scan", "--offline", "--format", "concise", ".", cwd=root)
    assert completed.returncode == 1
    assert "consts.py:1:12: HG002 Unused suppression (unused: HG301)." in completed.stdout


def test_hg002_can_be_ignored_like_any_rule(tmp_path: Path) -> None:
    root = project(tmp_path, {"consts.py": NO_SINKS})
    completed = hubguard("scan", "--offline", "--report-unused-ignores", "--ignore", "HG002", ".", cwd=root)
    assert completed.returncode == 0


def test_remote_findings_are_suppressed_on_the_call_line(tmp_path: Path) -> None:
    with FakeHub() as hub:
        sha = hub.add_repo(
            "org/custom",
            {
                "config.json": json.dumps({"auto_map": {"AutoModel": "modeling.Custom"}}).encode(),
                "modeling.py": b"class Custom:\n    pass\n",
                "model.safetensors": b"\x08\x00\x00\x00\x00\x00\x00\x00{}      ",
            },
        )
        source = (
            "from transformers import AutoModel\n"
            f'a = AutoModel.from_pretrained("org/custom", revision="{sha}", trust_remote_code=True)'
            "  # hubguard: ignore[HG101,HG401]\n"
        )
        root = project(tmp_path / "project", {"app.py": source})
        env = {"HF_ENDPOINT": hub.url, "HF_HOME": str(tmp_path / "hf"), "XDG_CACHE_HOME": str(tmp_path / "xdg")}
        completed = hubguard(
            "scan", "--format", "json", "--report-unused-ignores", "--cache-dir", str(tmp_path / "cache"), "app.py",
            cwd=root, env=env,
        )
    report = json.loads(completed.stdout)
    found = {(f["rule"], f["suppressed"]) for f in report["findings"]}
    assert ("HG401", True) in found and ("HG101", True) in found, report["findings"]
    assert not any(f["rule"] == "HG002" for f in report["findings"])
    assert completed.returncode == 0, completed.stderr
