"""The scan command end to end: exit codes, configuration, unreadable input, notebooks, suppressions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hubguard.cli import main

VULNERABLE = 'from transformers import AutoModel\nm = AutoModel.from_pretrained("org/m", trust_remote_code=True)\n'
PINNED_ONLY_NOTE = (
    "from transformers import AutoModel\n"
    "def load(rev):\n"
    '    return AutoModel.from_pretrained("org/m", revision=rev)\n'
)
CLEAN = "import json\nwith open('x.json') as f:\n    data = json.load(f)\n"


def scan_json(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main(["scan", "--offline", "--format", "json", *args])
    out = capsys.readouterr().out
    return code, json.loads(out)


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()  # the scan root and the end of the pyproject search
    return tmp_path


def rules_of(report: dict) -> list[tuple[str, str, int]]:
    return sorted((f["path"], f["rule"], f["region"]["startLine"]) for f in report["findings"])


def test_exit_code_is_1_for_findings_and_0_for_clean_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.py").write_text(VULNERABLE)
    (tmp_path / "clean.py").write_text(CLEAN)
    assert main(["scan", "--offline", "bad.py"]) == 1
    assert main(["scan", "--offline", "clean.py"]) == 0
    capsys.readouterr()


def test_fail_on_level_decides_the_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "note.py").write_text(PINNED_ONLY_NOTE)
    code, report = scan_json(tmp_path, capsys, "note.py")
    assert [f["level"] for f in report["findings"]] == ["note"]
    assert code == 0
    assert main(["scan", "--offline", "--fail-on", "note", "note.py"]) == 1
    (tmp_path / "bad.py").write_text(VULNERABLE)
    assert main(["scan", "--offline", "--fail-on", "none", "bad.py"]) == 0
    capsys.readouterr()


@pytest.mark.parametrize(
    "pyproject, message",
    [
        ("[tool.hubguard]\nselcet = ['HG101']\n", "unknown key 'selcet'"),
        ("[tool.hubguard]\nfail-on = 'loud'\n", "expected one of"),
        ("[tool.hubguard]\nselect = ['HG999']\n", "unknown rule 'HG999'"),
        ("[tool.hubguard]\nexclude = 'tests'\n", "expected a list of strings"),
        ("[tool.hubguard\n", "not valid TOML"),
    ],
)
def test_bad_configuration_exits_2_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pyproject: str, message: str
) -> None:
    (tmp_path / "pyproject.toml").write_text(pyproject)
    (tmp_path / "bad.py").write_text(VULNERABLE)
    assert main(["scan", "--offline", "bad.py"]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_a_pyproject_without_hubguard_settings_is_not_ours_to_judge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It is not parsed (a commit hook saves the TOML parser), so another tool's broken TOML is not our error;
    settings further up are not looked for past the repository root either way."""
    (tmp_path / ".git").mkdir(exist_ok=True)
    (tmp_path / "pyproject.toml").write_text("[tool.ruff\nline-length = 120\n")
    (tmp_path / "bad.py").write_text(VULNERABLE)
    assert main(["scan", "--offline", "--fail-on", "none", "bad.py"]) == 0
    assert "not valid TOML" not in capsys.readouterr().err
    (tmp_path / "pyproject.toml").write_text("[tool.ruff\n# hubguard settings below\n")
    assert main(["scan", "--offline", "bad.py"]) == 2
    assert "not valid TOML" in capsys.readouterr().err


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--offline", "missing.py"]) == 2
    assert main(["scan", "--offline", "--select", "HG9"]) == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["scan", "--format", "xml"])
    assert exit_info.value.code == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["scan", "--offline", "--unsafe-fixes", "."]) == 2
    assert "--unsafe-fixes needs --fix" in capsys.readouterr().err


def test_unreadable_files_are_notifications_and_never_hide_other_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a_syntax.py").write_text("import torch\ndef broken(:\n    torch.load('x')\n")
    (tmp_path / "b_binary.py").write_bytes(b"import torch\x00\x01\x02")
    (tmp_path / "c_latin1.py").write_bytes(b"import torch\nname = '\xe9t\xe9'\n")
    (tmp_path / "d_broken.ipynb").write_text('{"cells": [ {"cell_type": "code", "source": ["import torch\\n"')
    (tmp_path / "e_not_notebook.ipynb").write_text('{"cells": 3, "pickle": 1}')
    (tmp_path / "f_bad.py").write_text(VULNERABLE)
    code, report = scan_json(tmp_path, capsys, ".")
    assert code == 1
    assert {(f["path"], f["rule"]) for f in report["findings"] if f["path"] != "f_bad.py"} == {("a_syntax.py", "HG001")}
    assert "syntax error" in next(f["message"] for f in report["findings"] if f["rule"] == "HG001")
    notified = {n["path"]: n["message"] for n in report["notifications"]}
    assert set(notified) == {"b_binary.py", "c_latin1.py", "d_broken.ipynb", "e_not_notebook.ipynb"}
    assert "binary" in notified["b_binary.py"]
    assert "decode" in notified["c_latin1.py"]
    assert "broken notebook" in notified["d_broken.ipynb"]


def test_text_mode_reports_unparseable_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "broken.py").write_text("import pickle\npickle.loads(\n")
    assert main(["scan", "--offline", "broken.py"]) == 1  # it mentions a loader: HG001
    captured = capsys.readouterr()
    assert "HG001" in captured.out and "syntax error" in captured.out
    (tmp_path / "unrelated.py").write_text("import transformers\ntransformers.AutoModel.from_pretrained('./m')\nx = (\n")
    assert main(["scan", "--offline", "unrelated.py"]) == 0  # no loader call in the broken part: a notice
    captured = capsys.readouterr()
    assert "unrelated.py" in captured.err and "syntax error" in captured.err
    assert "Traceback" not in captured.err + captured.out


def test_notebook_findings_point_at_raw_ipynb_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notebook = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# torch.load('x')\n"]},
            {"cell_type": "code", "metadata": {}, "source": ["%matplotlib inline\n", "import torch\n"], "outputs": []},
            {"cell_type": "code", "metadata": {}, "source": ["!pip list\n", "x = torch.load('m.pt')\n"], "outputs": []},
            {"cell_type": "code", "metadata": {}, "source": "y = 1 +\n", "outputs": []},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    raw = json.dumps(notebook, indent=1)
    (tmp_path / "nb.ipynb").write_text(raw)
    code, report = scan_json(tmp_path, capsys, "nb.ipynb")
    [finding] = report["findings"]
    raw_lines = raw.splitlines()
    line = finding["region"]["startLine"]
    column = finding["region"]["startColumn"]
    assert raw_lines[line - 1][column - 1 :].startswith("torch.load")
    assert "(cell 3, line 2)" in finding["message"]
    assert finding["properties"]["notebook"]["cellNumber"] == 3
    assert any("cell 4" in n["message"] for n in report["notifications"])


def test_inline_suppressions_are_reported_as_suppressed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "s.py").write_text(
        "import torch, pickle\n"
        "from transformers import AutoModel\n"
        "a = torch.load('a')  # hubguard: ignore[HG301]\n"
        "b = pickle.loads(b'')  # hubguard: ignore\n"
        "c = AutoModel.from_pretrained('o/m', trust_remote_code=True)  # hubguard: ignore[HG101]\n"
        "d = torch.load('d')  # hubguard: ignore[HG201]\n"
    )
    code, report = scan_json(tmp_path, capsys, "s.py")
    by_line = {(f["region"]["startLine"], f["rule"]): f["suppressed"] for f in report["findings"]}
    assert by_line == {
        (3, "HG301"): True,
        (4, "HG301"): True,
        (5, "HG101"): True,
        (5, "HG201"): False,
        (6, "HG301"): False,
    }
    assert code == 1


def test_select_ignore_and_allow_remote_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "m.py").write_text(
        "import torch\nfrom transformers import AutoModel\n"
        "AutoModel.from_pretrained('trusted-org/m', trust_remote_code=True)\n"
        "AutoModel.from_pretrained('other/m', trust_remote_code=True)\n"
        "torch.load('x')\n"
    )
    _, report = scan_json(tmp_path, capsys, "--select", "HG1", "m.py")
    assert {f["rule"] for f in report["findings"]} == {"HG101"}
    _, report = scan_json(tmp_path, capsys, "--ignore", "HG101,HG2", "m.py")
    assert {f["rule"] for f in report["findings"]} == {"HG301"}
    (tmp_path / "pyproject.toml").write_text('[tool.hubguard]\nallow-remote-code = ["trusted-org/*"]\n')
    _, report = scan_json(tmp_path, capsys, "m.py")
    remote_code = [f for f in report["findings"] if f["rule"] == "HG101"]
    assert [f["region"]["startLine"] for f in remote_code] == [4]
    assert sum(f["rule"] == "HG201" for f in report["findings"]) == 2  # pinning still applies


def test_exclude_globs_and_default_skips(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for relative in ("src/a.py", "generated/b.py", ".venv/lib/c.py", "node_modules/d.py", "build/e.py"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(VULNERABLE)
    (tmp_path / "pyproject.toml").write_text('[tool.hubguard]\nexclude = ["generated"]\n')
    _, report = scan_json(tmp_path, capsys, ".")
    assert {f["path"] for f in report["findings"]} == {"src/a.py"}


def test_console_script_runs_and_reports_version(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "hubguard", "--version"], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0
    assert completed.stdout.startswith("hubguard ")


def test_rules_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    listing = capsys.readouterr().out
    assert all(rule in listing for rule in ("HG101", "HG201", "HG301", "HG407"))
    assert main(["explain", "hg301"]) == 0
    assert "weights_only" in capsys.readouterr().out
    assert main(["explain", "HG999"]) == 2


def test_an_internal_error_in_one_file_is_an_hg001_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from hubguard.static import engine

    real = engine.analyze_module

    def flaky(module, source, *rest):  # type: ignore[no-untyped-def]
        if "explode" in source:
            raise KeyError("boom")
        return real(module, source, *rest)

    monkeypatch.setattr(engine, "analyze_module", flaky)
    (tmp_path / "a.py").write_text("import pickle\n# explode\npickle.loads(b'')\n")
    (tmp_path / "b.py").write_text(VULNERABLE)
    code, report = scan_json(tmp_path, capsys, "--jobs", "1", ".")
    assert code == 3  # the report is incomplete: never 0 or 1
    [error] = [f for f in report["findings"] if f["path"] == "a.py"]
    assert error["rule"] == "HG001" and error["level"] == "error" and "Internal error" in error["message"]
    assert {f["path"] for f in report["findings"]} == {"a.py", "b.py"}
    [notification] = report["notifications"]
    assert notification["path"] == "a.py" and "internal error" in notification["message"].lower()


def test_a_broken_git_file_that_is_not_utf8_does_not_stop_the_scan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A worktree's .git file naming its git directory in bytes that are not UTF-8: the scan goes on, with the
    directory holding it as the repository root."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / ".git").write_bytes(b"gitdir: \xff\n")
    (tmp_path / "sub" / "app.py").write_text(VULNERABLE)
    code, report = scan_json(tmp_path, capsys, "sub")
    assert code == 1
    assert {(f["path"], f["rule"]) for f in report["findings"]} == {("app.py", "HG101"), ("app.py", "HG201")}
