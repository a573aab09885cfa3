"""The static pass's per-file result cache: keyed on everything that changes a result, atomic, forgiving."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

import hubguard
from hubguard.config import Config
from hubguard.findings import Level
from hubguard.formats.json_report import build_report
from hubguard.formats.context import ReportContext
from hubguard.static.engine import scan_paths

LOADER = 'from transformers import AutoModel\nm = AutoModel.from_pretrained("org/x", trust_remote_code=True)\n'
NOTEBOOK = json.dumps(
    {
        "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": ["import torch\n", "torch.load('m')\n"]}],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
)


def _tree(root: Path) -> Path:
    (root / "src").mkdir(parents=True)
    (root / "src" / "a.py").write_text(LOADER)
    (root / "src" / "b.py").write_text("import torch, pickle\nx = torch.load('m')  # hubguard: ignore[HG301]\npickle.loads(b'')\n")
    (root / "src" / "plain.py").write_text("import json\n")
    (root / "src" / "broken.py").write_text("import torch\ntorch.load(\n")
    (root / "nb.ipynb").write_text(NOTEBOOK)
    return root


def _report(root: Path, config: Config) -> tuple[dict, dict]:
    result = scan_paths([root], config, root)
    context = ReportContext(root=root, tool_version="t", fail_on=Level.WARNING, category="c", command_line="c")
    return build_report(result, context), result.stats.get("cache", {})


def _entries(cache_dir: Path) -> list[Path]:
    return sorted((cache_dir / "static").rglob("*.json"))


def test_a_rerun_is_served_from_the_cache_with_identical_results(tmp_path: Path) -> None:
    root, config = _tree(tmp_path / "project"), Config(cache_dir=tmp_path / "cache")
    cold, cold_stats = _report(root, config)
    warm, warm_stats = _report(root, config)
    assert warm == cold and cold["findings"]
    assert cold_stats == {"hits": 0, "misses": 4} and warm_stats == {"hits": 4, "misses": 0}  # plain.py needs none
    assert len(_entries(tmp_path / "cache")) == 4


@pytest.mark.parametrize(
    "change",
    ["content", "path", "select", "allow-remote-code", "not-analysed-level", "version"],
)
def test_everything_that_changes_a_result_changes_the_key(
    tmp_path: Path, change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, config = _tree(tmp_path / "project"), Config(cache_dir=tmp_path / "cache")
    _report(root, config)
    if change == "content":
        (root / "src" / "a.py").write_text(LOADER.replace("org/x", "org/y"))
    elif change == "path":
        (root / "src" / "a.py").rename(root / "src" / "renamed.py")
    elif change == "select":
        config = replace(config, select=frozenset({"HG1"}))
    elif change == "allow-remote-code":
        config = replace(config, allow_remote_code=("org/*",))
    elif change == "not-analysed-level":
        config = replace(config, not_analysed_level=Level.NOTE)
    else:
        monkeypatch.setattr(hubguard, "__version__", "9.9.9")
    report, stats = _report(root, config)
    expected, _ = _report(root, replace(config, cache=False))
    assert report == expected
    assert stats["misses"] >= 1
    if change in ("content", "path"):
        assert stats == {"hits": 3, "misses": 1}


@pytest.mark.parametrize(
    "garbage",
    [b"", b"{", b"\x00\xff", b"[]", b'{"format": 2}', b'{"format": 2, "result": {"findings": [{"rule": 5}]}}',
     b'{"format": 99, "result": {}}', b'{"format": 2, "result": {"findings": [], "notifications": [], "references": 3}}'],
)
def test_corrupt_entries_are_misses_and_get_rewritten(tmp_path: Path, garbage: bytes) -> None:
    root, config = _tree(tmp_path / "project"), Config(cache_dir=tmp_path / "cache")
    expected, _ = _report(root, config)
    for entry in _entries(tmp_path / "cache"):
        entry.write_bytes(garbage)
    report, stats = _report(root, config)
    assert report == expected and stats == {"hits": 0, "misses": 4}
    assert _report(root, config)[1] == {"hits": 4, "misses": 0}


def test_writes_are_atomic_and_leave_no_temporary_files(tmp_path: Path) -> None:
    root, config = _tree(tmp_path / "project"), Config(cache_dir=tmp_path / "cache")
    _report(root, config)
    files = sorted(path.name for path in (tmp_path / "cache").rglob("*") if path.is_file())
    assert files and not [name for name in files if name.startswith(".tmp-")]
    assert all(json.loads(entry.read_text())["format"] == 2 for entry in _entries(tmp_path / "cache"))


def test_an_unwritable_cache_costs_nothing_but_the_cache(tmp_path: Path) -> None:
    root = _tree(tmp_path / "project")
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    report, _ = _report(root, Config(cache_dir=blocker))
    assert report == _report(root, Config(cache=False))[0]


def test_internal_errors_are_not_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from hubguard.static import engine

    root, config = _tree(tmp_path / "project"), Config(cache_dir=tmp_path / "cache")

    def broken(*args: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(engine, "analyze_module", broken)
    report, _ = _report(root, config)
    assert any(f["rule"] == "HG001" and f["level"] == "error" for f in report["findings"])
    monkeypatch.undo()
    assert not any(f["level"] == "error" and f["rule"] == "HG001" for f in _report(root, config)[0]["findings"])


def _cli(root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "hubguard", "scan", "--offline", "--format", "json", *args, "."],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_concurrent_runs_share_the_cache_safely(tmp_path: Path) -> None:
    root = _tree(tmp_path / "project")
    for index in range(70):  # enough files for worker processes
        (root / "src" / f"m{index:02}.py").write_text(LOADER if index % 2 else "import torch\ntorch.load('x')\n")
    cache = str(tmp_path / "cache")
    expected = _cli(root, "--no-cache").communicate(timeout=300)[0]
    for _ in range(2):
        runs = [_cli(root, "--cache-dir", cache) for _ in range(2)]
        outputs = [run.communicate(timeout=300) for run in runs]
        assert all(json.loads(out)["findings"] == json.loads(expected)["findings"] for out, _ in outputs), outputs[0][1]
    assert len(_entries(tmp_path / "cache")) == 74


def test_no_cache_reads_and_writes_nothing_and_cache_dir_moves_the_cache(tmp_path: Path) -> None:
    root = _tree(tmp_path / "project")
    (root / ".git").mkdir()
    assert _cli(root, "--no-cache", "--cache-dir", str(tmp_path / "c1")).wait(timeout=300) == 1
    assert not (tmp_path / "c1").exists()
    assert _cli(root, "--cache-dir", str(tmp_path / "c2")).wait(timeout=300) == 1
    assert _entries(tmp_path / "c2")


def test_a_scan_without_the_cache_touches_no_cache_directory_in_process(tmp_path: Path) -> None:
    """As the CLI test above, in this process (where mutation testing can see it)."""
    root = _tree(tmp_path / "project")
    report, stats = _report(root, Config(cache=False, cache_dir=tmp_path / "c1"))
    assert report["findings"] and stats == {}
    assert not (tmp_path / "c1").exists()


def _memos(cache_dir: Path) -> list[Path]:
    return sorted((cache_dir / "static-facts").glob("*.json"))


@pytest.fixture
def screened(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The bytes of every file screened by the prefilter and the import regexes."""
    from hubguard.static import facts

    calls: list[bytes] = []
    real = facts.might_contain_sinks

    def counting(data: bytes) -> bool:
        calls.append(data)
        return real(data)

    monkeypatch.setattr(facts, "might_contain_sinks", counting)
    return calls


def test_a_warm_run_of_a_tree_screens_only_the_files_that_changed(tmp_path: Path, screened: list[bytes]) -> None:
    root, config = _tree(tmp_path / "project"), Config(cache_dir=tmp_path / "cache")
    (root / "src" / "names.py").write_text("MODEL = 'org/named'\n")
    (root / "src" / "c.py").write_text("from .names import MODEL\n" + LOADER.replace('"org/x"', "MODEL"))
    cold, _ = _report(root, config)
    assert len(screened) == 7 and len(_memos(tmp_path / "cache")) == 1
    assert "org/named" in {f["properties"].get("repoId") for f in cold["findings"]}
    screened.clear()
    memo = _memos(tmp_path / "cache")[0]
    written = memo.stat().st_ino, memo.stat().st_mtime_ns
    assert _report(root, config)[0] == cold and screened == []
    assert (memo.stat().st_ino, memo.stat().st_mtime_ns) == written  # nothing new: not rewritten
    (root / "src" / "plain.py").write_text("import json, torch\ntorch.load('w')\n")
    edited, stats = _report(root, config)
    assert screened == [b"import json, torch\ntorch.load('w')\n"] and stats == {"hits": 5, "misses": 1}
    assert edited == _report(root, replace(config, cache=False))[0]


def test_the_memo_keeps_only_the_files_of_the_last_run(tmp_path: Path) -> None:
    root, config = _tree(tmp_path / "project"), Config(cache_dir=tmp_path / "cache")
    _report(root, config)
    (root / "src" / "b.py").unlink()
    _report(root, config)
    [memo] = _memos(tmp_path / "cache")
    assert len(json.loads(memo.read_text())["files"]) == 4


def test_scans_of_named_files_keep_no_memo_and_each_scanned_tree_has_its_own(tmp_path: Path) -> None:
    root, config = _tree(tmp_path / "project"), Config(cache_dir=tmp_path / "cache")
    scan_paths([root / "src" / "a.py", root / "nb.ipynb"], config, root)
    assert _memos(tmp_path / "cache") == []
    scan_paths([root / "src"], config, root)
    scan_paths([root], config, root)
    assert len(_memos(tmp_path / "cache")) == 2


@pytest.mark.parametrize(
    "garbage",
    [b"", b"[]", b'{"format": 1}', b'{"format": 2, "files": {}}', b'{"format": 1, "files": []}', b"\xff"],
)
def test_a_memo_that_does_not_decode_is_ignored_and_rewritten(tmp_path: Path, garbage: bytes) -> None:
    root, config = _tree(tmp_path / "project"), Config(cache_dir=tmp_path / "cache")
    expected, _ = _report(root, config)
    [memo] = _memos(tmp_path / "cache")
    valid = json.loads(memo.read_text())
    memo.write_bytes(garbage)
    assert _report(root, config)[0] == expected
    assert json.loads(memo.read_text()) == valid


@pytest.mark.parametrize(
    "entry",
    [
        [0, []],  # falsy, not False: taken as it is, the loader file would not be analysed
        [True, [["1", "config", ["MODEL_ID"]]]],  # taken as they are, these would crash the resolution
        [True, [[1, 5, ["MODEL_ID"]]]],
        [True, [[1, "config", 5]]],
        [True, [[1, "config"]]],
        [True, {"config": 1}],
        "analysed",
        [False],
    ],
)
def test_a_mistyped_memo_entry_is_ignored_with_the_whole_memo(tmp_path: Path, entry: object) -> None:
    root, config = _tree(tmp_path / "project"), Config(cache_dir=tmp_path / "cache")
    expected, _ = _report(root, config)
    [memo] = _memos(tmp_path / "cache")
    valid = json.loads(memo.read_text())
    for result in _entries(tmp_path / "cache"):
        result.unlink()
    memo.write_text(json.dumps(valid | {"files": valid["files"] | {hashlib.sha256(LOADER.encode()).hexdigest(): entry}}))
    assert _report(root, config)[0] == expected
    assert json.loads(memo.read_text()) == valid


def test_a_memo_entry_is_taken_for_the_bytes_it_names(tmp_path: Path) -> None:
    """Entries are found by the SHA-256 of the bytes: one claiming a loader file is clean is believed (whoever
    writes the cache directory is trusted), one under another digest changes nothing."""
    root, config = _tree(tmp_path / "project"), Config(cache_dir=tmp_path / "cache")
    _report(root, config)
    [memo] = _memos(tmp_path / "cache")
    document = json.loads(memo.read_text())
    loader = hashlib.sha256(LOADER.encode()).hexdigest()
    assert document["files"][loader] == [True, []]
    document["files"] = {"0" * 64: [False, []], **{d: e for d, e in document["files"].items() if d != loader}}
    memo.write_text(json.dumps(document))
    for entry in _entries(tmp_path / "cache"):
        entry.unlink()
    assert [f["path"] for f in _report(root, config)[0]["findings"]].count("src/a.py") == 2
    document["files"][loader] = [False, []]
    memo.write_text(json.dumps(document))
    assert "src/a.py" not in [f["path"] for f in _report(root, config)[0]["findings"]]
