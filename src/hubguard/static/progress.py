"""A progress bar on stderr for scans that take more than about a second (terminals only)."""

from __future__ import annotations

import time
from typing import Any


class ProgressBar:
    """Counts analysed files; shows a transient bar once ``delay`` seconds have passed, so a quick scan
    (a pre-commit hook) prints nothing. rich's progress machinery is imported only then."""

    def __init__(self, total: int, delay: float = 1.0, console: Any = None) -> None:
        self.total = total
        self.done = 0
        self._deadline = time.monotonic() + delay
        self._console = console
        self._bar: Any = None
        self._task: Any = None

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self._bar is None:
            if time.monotonic() < self._deadline or self.done >= self.total:
                return
            self._start()
        self._bar.update(self._task, completed=self.done)

    def _start(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        console = self._console or Console(stderr=True)
        self._bar = Progress(
            TextColumn("scanning"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=console, transient=True,
        )
        self._bar.start()
        self._task = self._bar.add_task("scanning", total=self.total, completed=self.done)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
