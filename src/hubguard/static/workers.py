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
from hubguard.findings import Finding, Level, Location, ScanResult

Job = tuple[str, str]  # (path to read, path to report)
Analyse = Callable[[str, str, Config], ScanResult]


def _serve(connection: Connection, analyse: Analyse, config: Config) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    while True:
        batch: list[Job] | None = connection.recv()
        if batch is None:
            return
        for path, relative in batch:
            connection.send(analyse(path, relative, config))


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection
    batch: deque[Job] = field(default_factory=deque)


def analyse_in_workers(jobs: list[Job], analyse: Analyse, config: Config, workers: int, batch_size: int) -> list[ScanResult]:
    """Results in the order of ``jobs``; ``analyse`` must be importable by the worker processes."""
    index = {job: position for position, job in enumerate(jobs)}
    results: list[ScanResult | None] = [None] * len(jobs)
    queue: deque[list[Job]] = deque(jobs[i : i + batch_size] for i in range(0, len(jobs), batch_size))
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
            worker.connection.send(list(worker.batch))

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
                    if _collect(worker, results, index):
                        if not worker.batch:
                            assign(worker)
                        continue
                    _bury(worker, results, index, queue)
                    pool.remove(worker)
                    replacement = start()
                    pool.append(replacement)
                    assign(replacement)
    finally:
        for worker in pool:
            _stop(worker)
    return [result if result is not None else ScanResult(files_scanned=1) for result in results]


def _collect(worker: _Worker, results: list[ScanResult | None], index: dict[Job, int]) -> bool:
    """Take every result the worker has sent; False when it died."""
    try:
        while worker.batch and worker.connection.poll():
            results[index[worker.batch.popleft()]] = worker.connection.recv()
    except (EOFError, OSError):
        return False
    return worker.process.is_alive() or not worker.batch


def _bury(worker: _Worker, results: list[ScanResult | None], index: dict[Job, int], queue: deque[list[Job]]) -> None:
    """The worker died on the first file of its batch: report that file, requeue the others."""
    worker.process.join(timeout=5)
    path, relative = worker.batch.popleft()
    results[index[(path, relative)]] = crashed(relative, worker.process.exitcode)
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
    return ScanResult(findings=[finding], files_scanned=1)


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
