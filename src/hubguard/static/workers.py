"""Analyse files in worker processes whose death is survived and attributed to the file that caused it.

A ``ProcessPoolExecutor`` whose worker dies (a native crash, the kernel's OOM killer) breaks as a whole and
takes every pending result with it. Here each worker gets a batch of files over its own pipe and answers
file by file, so when one dies the parent knows which file it was on: that file becomes an HG001 finding, the
rest of the batch goes back to the queue, and a fresh worker takes over.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess

from hubguard.config import Config
from hubguard.findings import INTERNAL_ERROR, Finding, Level, Location, Notification, ScanResult

Job = tuple[str, bytes, dict]  # (path to report, the file's bytes, constants it imports from the tree)
Analyse = Callable[[bytes, str, Config, dict], ScanResult]


def _serve(connection: Connection, analyse: Analyse, config: Config) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    while True:
        batch: list[Job] | None = connection.recv()
        if batch is None:
            return
        for relative, data, tree_constants in batch:
            connection.send(analyse(data, relative, config, tree_constants))


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection
    batch: deque[int] = field(default_factory=deque)  # positions in ``jobs`` not answered yet


def analyse_in_workers(
    jobs: list[Job], analyse: Analyse, config: Config, workers: int, batch_size: int, advance: Callable[[], None]
) -> list[ScanResult]:
    """Results in the order of ``jobs`` (``advance`` is called as each arrives); ``analyse`` must be
    importable by the worker processes."""
    results: list[ScanResult | None] = [None] * len(jobs)
    positions = range(len(jobs))
    queue: deque[list[int]] = deque(list(positions[i : i + batch_size]) for i in range(0, len(jobs), batch_size))
    context = multiprocessing.get_context()
    pool: list[_Worker] = []

    def start() -> _Worker:
        parent, child = context.Pipe()
        process = context.Process(target=_serve, args=(child, analyse, config), daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def assign(worker: _Worker) -> None:
        if queue:
            worker.batch = deque(queue.popleft())
            worker.connection.send([jobs[position] for position in worker.batch])

    try:
        for _ in range(min(workers, len(queue))):
            worker = start()
            pool.append(worker)
            assign(worker)
        while any(worker.batch for worker in pool):
            busy = [worker for worker in pool if worker.batch]
            ready = wait([w.connection for w in busy] + [w.process.sentinel for w in busy])
            for worker in busy:
                if worker.connection in ready or worker.process.sentinel in ready:
                    if _collect(worker, results, advance):
                        if not worker.batch:
                            assign(worker)
                        continue
                    _bury(worker, results, jobs, queue)
                    advance()
                    pool.remove(worker)
                    replacement = start()
                    pool.append(replacement)
                    assign(replacement)
    finally:
        for worker in pool:
            _stop(worker)
    return [result if result is not None else ScanResult(files_scanned=1) for result in results]


def _collect(worker: _Worker, results: list[ScanResult | None], advance: Callable[[], None]) -> bool:
    """Take every result the worker has sent; False when it died."""
    try:
        while worker.batch and worker.connection.poll():
            results[worker.batch[0]] = worker.connection.recv()
            worker.batch.popleft()
            advance()
    except (EOFError, OSError):
        return False
    return worker.process.is_alive() or not worker.batch


def _bury(worker: _Worker, results: list[ScanResult | None], jobs: list[Job], queue: deque[list[int]]) -> None:
    """The worker died on the first file of its batch: report that file, requeue the others."""
    worker.process.join(timeout=5)
    position = worker.batch.popleft()
    results[position] = crashed(jobs[position][0], worker.process.exitcode)
    if worker.batch:
        queue.appendleft(list(worker.batch))
    worker.connection.close()


def crashed(relative: str, exitcode: int | None) -> ScanResult:
    if exitcode is not None and exitcode < 0:
        try:
            cause = f"signal {signal.Signals(-exitcode).name}"
        except ValueError:
            cause = f"signal {-exitcode}"
    else:
        cause = f"exit code {exitcode}"
    finding = Finding(
        "HG001",
        f"The analysing process died ({cause}) while reading this file; it was not analysed, so findings may "
        "be hidden here. Please report it.",
        Location(relative),
        Level.ERROR,
        properties={"reason": "worker-died"},
    )
    notice = Notification(f"the analysing process died ({cause}); please report it", relative, Level.ERROR, INTERNAL_ERROR)
    return ScanResult(findings=[finding], notifications=[notice], files_scanned=1)


def _stop(worker: _Worker) -> None:
    try:
        if worker.process.is_alive():
            worker.connection.send(None)
        worker.process.join(timeout=5)
    except (OSError, ValueError):
        pass
    if worker.process.is_alive():
        worker.process.kill()
        worker.process.join()
    worker.connection.close()
