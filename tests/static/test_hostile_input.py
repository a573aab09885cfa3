"""Hostile input to the static pass (issue 16): nothing it reads can crash the scan, hang it or hide a finding.

Each case runs the real command in a subprocess when a crash would take the test process down with it.
"""

from __future__ import annotations

import faulthandler
import json
import tracemalloc
import multiprocessing
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from hubguard.config import Config
from hubguard.findings import Level, ScanResult
from hubguard.static import engine
from hubguard.static.engine import analyze_bytes, scan_paths

LOADER = 'from transformers import AutoModel\nm = AutoModel.from_pretrained("org/x", trust_remote_code=True)\n'
DEEP_LINES = {
    "unary_minus": "x = " + "-" * 1000 + "1\n",
    "operators": "x = " + "+".join(["1"] * 10_000) + "\n",
    "brackets": "x = " + "(" * 5000 + "1" + ")" * 5000 + "\n",
    "nested_calls": "x = " + "f(" * 3000 + "1" + ")" * 3000 + "\n",
}
WALL_LIMIT = 120  # generous: these finish in about a second


def scan_cli(*args: str | Path, cwd: Path) -> tuple[int, dict]:
    completed = subprocess.run(
        [sys.executable, "-m", "hubguard", "scan", "--offline", "--format", "json", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=WALL_LIMIT,
        check=False,
    )
    assert completed.returncode in (0, 1), completed.stderr[-2000:]
    assert "Traceback" not in completed.stderr
    return completed.returncode, json.loads(completed.stdout)


def rules_by_path(report: dict) -> dict[str, set[str]]:
    rules: dict[str, set[str]] = {}
    for finding in report["findings"]:
        rules.setdefault(finding["path"], set()).add(finding["rule"])
    return rules


@pytest.mark.parametrize("shape", sorted(DEEP_LINES))
def test_a_deep_expression_hides_no_finding_and_fails_the_run(tmp_path: Path, shape: str) -> None:
    (tmp_path / "deep.py").write_text(LOADER + DEEP_LINES[shape] + LOADER.replace("m =", "n ="))
    code, report = scan_cli("deep.py", cwd=tmp_path)
    assert code == 1
    lines = {(f["rule"], f["region"]["startLine"]) for f in report["findings"] if f["region"]}
    assert {("HG101", 2), ("HG101", 5)} <= lines, "the statements around the deep line are still analysed"


@pytest.mark.parametrize("shape", ["brackets", "nested_calls", "operators"])
def test_a_statement_too_deep_for_the_parser_is_hg001_at_its_line(tmp_path: Path, shape: str) -> None:
    (tmp_path / "deep.py").write_text(LOADER + DEEP_LINES[shape])
    _, report = scan_cli("deep.py", cwd=tmp_path)
    [hg001] = [f for f in report["findings"] if f["rule"] == "HG001"]
    assert hg001["level"] == "warning" and hg001["region"]["startLine"] == 3
    assert "nests" in hg001["message"]


def test_one_crashing_file_among_many_loses_no_other_finding(tmp_path: Path) -> None:
    for index in range(70):
        (tmp_path / f"f{index:02}.py").write_text(LOADER)
    (tmp_path / "f33.py").write_text(LOADER + DEEP_LINES["brackets"])
    code, report = scan_cli("--jobs", "2", ".", cwd=tmp_path)
    assert code == 1
    rules = rules_by_path(report)
    assert len(rules) == 70 and all("HG101" in found for found in rules.values())
    assert "HG001" in rules["f33.py"]


def test_a_worker_that_dies_is_reported_for_its_file_and_the_scan_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hubguard.static import workers

    # Forked workers inherit the patched analysis below (the crash is injected, no input crashes the parser).
    fork = multiprocessing.get_context("fork")
    monkeypatch.setattr(workers.multiprocessing, "get_context", lambda method=None: fork)
    real = engine.analyze_bytes

    def crash_on_poison(data: bytes, relative: str, config: Config, tree_constants: dict) -> ScanResult:
        if relative.endswith("poison.py"):
            faulthandler.disable()  # pytest's handler would print the worker's stack
            os.kill(os.getpid(), signal.SIGSEGV)
        return real(data, relative, config, tree_constants)

    monkeypatch.setattr(engine, "analyze_bytes", crash_on_poison)
    for index in range(80):
        (tmp_path / f"f{index:02}.py").write_text(LOADER)
    (tmp_path / "poison.py").write_text(LOADER)
    result = scan_paths([tmp_path], Config(jobs=2, cache=False), tmp_path)
    by_path = {(f.location.path, f.rule_id, f.level) for f in result.findings}
    assert ("poison.py", "HG001", Level.ERROR) in by_path
    died = next(f for f in result.findings if f.location.path == "poison.py")
    assert "SIGSEGV" in died.message
    assert all((f"f{index:02}.py", "HG101", Level.ERROR) in by_path for index in range(80))
    assert result.files_scanned == 81


def _notebook(*cells: str) -> str:
    return json.dumps(
        {
            "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": cell} for cell in cells],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


def test_a_notebook_cell_that_exhausts_the_parser_is_contained(tmp_path: Path) -> None:
    deep_cell = "y = " + "-" * 100_000 + "1\n"
    (tmp_path / "nb.ipynb").write_text(_notebook(LOADER, deep_cell, "import torch\nstate = torch.load('x.pt')\n"))
    (tmp_path / "other.py").write_text(LOADER)
    code, report = scan_cli(".", cwd=tmp_path)
    assert code == 1
    rules = rules_by_path(report)
    assert rules["other.py"] == {"HG101", "HG201"}
    assert {"HG101", "HG301", "HG001"} <= rules["nb.ipynb"]
    [hg001] = [f for f in report["findings"] if f["rule"] == "HG001"]
    assert "cell 2" in hg001["message"] and "nests too deeply" in hg001["message"]


def test_a_broken_cell_is_hg001_only_when_it_mentions_a_loader(tmp_path: Path) -> None:
    (tmp_path / "nb.ipynb").write_text(_notebook(LOADER, "x = (\n", "torch.load(\n"))
    _, report = scan_cli("nb.ipynb", cwd=tmp_path)
    [hg001] = [f for f in report["findings"] if f["rule"] == "HG001"]
    assert "cell 3" in hg001["message"]
    assert [n["message"] for n in report["notifications"]] == ["cell 2 not analysed: syntax error: '(' was never closed"]


def test_a_string_left_open_in_one_cell_does_not_swallow_the_next(tmp_path: Path) -> None:
    (tmp_path / "nb.ipynb").write_text(_notebook('doc = """\n', LOADER, '"""\n'))
    _, report = scan_cli("nb.ipynb", cwd=tmp_path)
    assert {"HG101", "HG201"} <= rules_by_path(report)["nb.ipynb"]


@pytest.mark.parametrize("explicit", [True, False], ids=["explicit-path", "in-directory"])
def test_only_regular_files_are_read(tmp_path: Path, explicit: bool) -> None:
    (tmp_path / ".git").mkdir()  # the scan root
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "zero.py").symlink_to("/dev/zero")
    os.mkfifo(tree / "fifo.py")
    (tree / "real.py").write_text(LOADER)
    targets = ["tree/zero.py", "tree/fifo.py", "tree/real.py"] if explicit else ["tree"]
    code, report = scan_cli(*targets, cwd=tmp_path)
    assert code == 1
    [scanned] = rules_by_path(report)  # paths are relative to the common root of what was named
    assert scanned.endswith("tree/real.py")
    notified = sorted(n["message"] for n in report["notifications"])
    assert len(notified) == 2 and any("character device" in n for n in notified) and any("FIFO" in n for n in notified)


def test_max_file_size_bounds_what_is_read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.hubguard]\nmax-file-size = "1 KiB"\n')
    (tmp_path / ".git").mkdir()
    padding = "# " + "x" * 78 + "\n"
    (tmp_path / "big_loader.py").write_text(padding * 20 + LOADER)
    (tmp_path / "big_plain.py").write_text("import json\n" + padding * 20)
    (tmp_path / "small.py").write_text(LOADER)
    code, report = scan_cli(".", cwd=tmp_path)
    assert code == 1
    rules = rules_by_path(report)
    assert rules["big_loader.py"] == {"HG001"} and "HG101" in rules["small.py"] and "big_plain.py" not in rules
    assert any(n["path"] == "big_plain.py" and "max-file-size" in n["message"] for n in report["notifications"])


def test_a_syntax_error_near_a_loader_is_hg001_with_the_parsers_one_position(tmp_path: Path) -> None:
    text = "import torch\nstate = torch.load('x.pt'\nprint(state)\n"
    result = analyze_bytes(text.encode(), "broken.py", Config())
    [hg001] = result.findings
    region = hg001.location.region
    assert hg001.rule_id == "HG001" and hg001.level is Level.WARNING and region is not None
    assert hg001.properties == {"reason": "unparsable-input"}  # SARIF tells it from an internal error by this
    assert f"at line {region.start_line}, column {region.start_column}" in hg001.message
    assert "line" not in hg001.message.replace(f"at line {region.start_line}", "", 1).split("(lines")[0]
    lowered = analyze_bytes(text.encode(), "broken.py", Config(not_analysed_level=Level.NOTE))
    assert [f.level for f in lowered.findings] == [Level.NOTE]


@pytest.mark.parametrize(
    "broken",
    ["def f(:\n    pass\n", "x = load(\n", "class C(Base:\n    y = [1,\n", "@decorator(\n", 's = """\n'],
)
def test_a_statement_left_open_does_not_hide_the_statements_after_it(broken: str) -> None:
    after = (
        "\n\ndef g():\n    return torch.load('x.pt')\n\n"
        "class Loader:\n    def h(self):\n        return AutoModel.from_pretrained('org/x', trust_remote_code=True)\n"
    )
    text = "import torch\nfrom transformers import AutoModel\n" + broken + after
    load_line = 2 + broken.count("\n") + 4
    result = analyze_bytes(text.encode(), "broken.py", Config())
    found = {(f.rule_id, f.location.region.start_line) for f in result.findings if f.location.region}
    # A file Python rejects runs nothing as it stands; once mended, the statements after the broken one run
    # (even after a string left open, which most likely lacks only its closing quotes): judge them as code.
    assert found == {("HG301", load_line), ("HG101", load_line + 4), ("HG201", load_line + 4)}
    assert [n.message for n in result.notifications if "skipped" in n.message]


def test_an_internal_error_in_one_call_keeps_the_other_calls_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    from hubguard.static import analyzer

    real = analyzer._run_checks

    def explode_on_torch(ctx):  # type: ignore[no-untyped-def]
        if "torch" in ctx.qualified_name:
            raise KeyError("boom")
        return real(ctx)

    monkeypatch.setattr(analyzer, "_run_checks", explode_on_torch)
    text = LOADER + "import torch\nstate = torch.load('x.pt')\n"
    result = analyze_bytes(text.encode(), "a.py", Config())
    found = {(f.rule_id, f.level, f.location.region.start_line if f.location.region else None) for f in result.findings}
    assert ("HG001", Level.ERROR, 4) in found and ("HG101", Level.ERROR, 2) in found
def test_notebook_memory_follows_the_code_not_the_outputs() -> None:
    output = {"output_type": "stream", "name": "stdout", "text": ["torch.load(x) " * 70 + "\n"] * 40}
    cell = {"cell_type": "code", "metadata": {}, "outputs": [output], "source": ["x = 1\n", "y = x + 2\n"]}
    cells = [cell] * 100 + [{**cell, "source": LOADER}]
    data = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()
    analyze_bytes(_notebook(LOADER).encode(), "first.ipynb", Config())  # the lazy imports are not the scan's memory
    tracemalloc.start()
    try:
        result = analyze_bytes(data, "big.ipynb", Config())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert {f.rule_id for f in result.findings} == {"HG101", "HG201"}
    assert peak < 4 * len(data), f"peak {peak:,} bytes for a {len(data):,}-byte notebook"


def test_code_that_makes_the_parser_warn_prints_nothing(tmp_path: Path) -> None:
    (tmp_path / "warns.py").write_text(LOADER + "x = 1if True else 2\npattern = '\\d'\n")
    completed = subprocess.run(
        [sys.executable, "-W", "default", "-m", "hubguard", "scan", "--offline", "--format", "json", "warns.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=WALL_LIMIT, check=False,
    )
    assert completed.returncode == 1 and "Warning" not in completed.stderr, completed.stderr


def test_hg001_can_be_ignored_suppressed_and_lowered(tmp_path: Path) -> None:
    text = "import torch\nstate = torch.load('x.pt'  # hubguard: ignore[HG001]\n"
    [suppressed] = analyze_bytes(text.encode(), "a.py", Config()).findings
    assert suppressed.rule_id == "HG001" and suppressed.suppressed
    (tmp_path / "a.py").write_text("import torch\nstate = torch.load('x.pt'\n")
    assert scan_paths([tmp_path], Config(ignore=frozenset({"HG001"})), tmp_path).findings == []
    [lowered] = scan_paths([tmp_path], Config(not_analysed_level=Level.NOTE), tmp_path).findings
    assert lowered.level is Level.NOTE


def test_fix_never_hands_a_file_python_rejects_to_libcst(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.py").write_text("import torch\nstate = torch.load('x.pt')\n" + DEEP_LINES["brackets"])
    completed = subprocess.run(
        [sys.executable, "-m", "hubguard", "scan", "--offline", "--fix", "--unsafe-fixes", "a.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=WALL_LIMIT, check=False,
    )
    assert completed.returncode == 1, completed.stderr[-2000:]  # not -11 (SIGSEGV in LibCST's parser)
    assert "not fixed" in completed.stderr and "a.py" in completed.stderr
    assert "could not parse the file" in completed.stderr


def test_a_lone_carriage_return_in_a_cell_ends_a_line_as_python_reads_it(tmp_path: Path) -> None:
    """Found by tests/fuzz/test_notebooks.py: cells were split at \\n only, Python splits at \\r too."""
    cells = ["a = 1\rb = 2\n" + LOADER, "import pickle\nx = pickle.loads(b)\n", "path\r= 1\n"]
    raw = json.dumps({"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": c} for c in cells],
                      "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)
    result = analyze_bytes(raw.encode(), "nb.ipynb", Config())
    assert [n.message for n in result.notifications] == ["cell 3 not analysed: syntax error: invalid syntax"]
    raw_lines = raw.split("\n")
    for finding in result.findings:
        region = finding.location.region
        assert region is not None
        expected = "pickle.loads" if finding.rule_id == "HG301" else "from_pretrained"
        assert expected in raw_lines[region.start_line - 1]
    assert {f.rule_id for f in result.findings} == {"HG101", "HG201", "HG301"}
