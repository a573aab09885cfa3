"""The progress bar: on stderr, only on a terminal, only once a scan has taken about a second."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from hubguard.static.progress import ProgressBar


def _terminal() -> tuple[Console, io.StringIO]:
    stream = io.StringIO()
    return Console(file=stream, force_terminal=True, width=80), stream


def test_a_slow_scan_shows_a_bar_that_counts_files() -> None:
    console, stream = _terminal()
    bar = ProgressBar(10, delay=0, console=console)
    for _ in range(5):
        bar.advance()
    bar.close()
    assert "scanning" in stream.getvalue() and "5/10" in stream.getvalue()


def test_a_quick_scan_prints_nothing() -> None:
    console, stream = _terminal()
    bar = ProgressBar(10, delay=60, console=console)
    for _ in range(10):
        bar.advance()
    bar.close()
    assert stream.getvalue() == ""


def test_no_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    for index in range(80):
        (tmp_path / f"m{index}.py").write_text("import torch\nstate = torch.load('x')\n")
    completed = subprocess.run(
        [sys.executable, "-m", "hubguard", "scan", "--offline", "--no-cache", "."],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
    )
    assert completed.returncode == 1
    assert "scanning" not in completed.stderr and "\x1b" not in completed.stderr
