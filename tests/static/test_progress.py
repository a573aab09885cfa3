"""The progress bar: on stderr, only on a terminal, only once a scan has taken about a second."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from rich.text import Text

from hubguard.static import progress
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


def test_a_scan_that_ends_as_the_delay_passes_shows_no_bar() -> None:
    console, stream = _terminal()
    bar = ProgressBar(1, delay=0, console=console)
    bar.advance()
    bar.close()
    assert stream.getvalue() == ""


def test_the_bar_counts_files_advanced_together_and_stops_for_good() -> None:
    console, stream = _terminal()
    bar = ProgressBar(10, delay=0, console=console)
    bar.advance(3)
    assert bar.done == 3 and "3/10" in stream.getvalue()
    bar.close()
    written = stream.getvalue()
    bar.close()  # closing twice is harmless, and prints nothing more
    assert stream.getvalue() == written


def test_the_bar_goes_to_stderr_by_default(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # what a terminal would say (rich 14)
    monkeypatch.setenv("FORCE_COLOR", "1")  # the same for rich 13, the lowest version allowed
    bar = ProgressBar(4, delay=0)
    bar.advance()
    bar.advance()
    bar.close()
    captured = capsys.readouterr()
    assert "2/4" in captured.err and "scanning" in captured.err and captured.out == ""


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_bar_appears_once_the_scan_has_taken_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock()
    monkeypatch.setattr(progress.time, "monotonic", clock)
    console, stream = _terminal()
    bar = ProgressBar(10, console=console)
    clock.now += 0.999
    bar.advance()
    assert stream.getvalue() == ""
    clock.now += 0.001  # one second, to the tick
    bar.advance()
    assert " 2/10" in stream.getvalue()
    bar.close()


def test_the_bar_shows_its_columns_and_is_erased_when_closed() -> None:
    console, stream = _terminal()
    bar = ProgressBar(10, delay=0, console=console)
    bar.advance(5)
    bar.close()
    shown = Text.from_ansi(stream.getvalue()).plain
    assert re.search(r"^scanning ━+╺?━* +5/10 0:00:0\d$", shown, re.MULTILINE), shown
    assert stream.getvalue().endswith("\x1b[2K")  # the line it was on is cleared: nothing stays on the terminal
