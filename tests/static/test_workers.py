"""The worker pool of big scans, driven from the test process: results come back in job order whatever the
batches, and a worker that dies is reported for the file it was on while the rest of its batch is analysed.

The parent's side runs here; each worker's loop (``_serve``) runs in a forked child, so it is also driven
in-process through a real pipe.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator
from multiprocessing.process import BaseProcess

import pytest

from hubguard.config import Config
from hubguard.findings import (
    INTERNAL_ERROR,
    Finding,
    Level,
    Location,
    Notification,
    ScanResult,
)
from hubguard.static import workers
from hubguard.static.engine import analyze_bytes
from hubguard.static.workers import Job, analyse_in_workers, crashed

LOADER = b"import torch\nstate = torch.load('w.pt')\n"


class ForkCounting:
    """The fork context, keeping every worker process it starts (they run the analysis functions defined here)."""

    def __init__(self) -> None:
        self._fork = multiprocessing.get_context("fork")
        self.started: list[BaseProcess] = []
        self.Pipe = self._fork.Pipe

    def Process(self, *args: object, **kwargs: object) -> BaseProcess:
        process = self._fork.Process(*args, **kwargs)
        self.started.append(process)
        return process


@pytest.fixture(autouse=True)
def forked(monkeypatch: pytest.MonkeyPatch) -> Iterator[ForkCounting]:
    context = ForkCounting()
    monkeypatch.setattr(workers.multiprocessing, "get_context", lambda method=None: context)
    yield context
    assert multiprocessing.active_children() == []  # every worker was stopped and joined


def jobs(*names: str) -> list[Job]:
    return [(name, LOADER.replace(b"w.pt", name.encode()), {}) for name in names]


def analyse_or_die(data: bytes, relative: str, config: Config, tree_constants: dict) -> ScanResult:
    """The real analysis, except on files whose name says how the worker dies on them."""
    if relative.startswith("exit"):
        os._exit(int(relative[4]))  # "exit3.py"
    if relative.startswith("kill"):
        os.kill(os.getpid(), signal.SIGKILL)
    if relative.startswith("realtime"):
        os.kill(os.getpid(), signal.SIGRTMIN + 1)  # a signal without a name in signal.Signals
    if relative.startswith("stuck"):
        threading.Event().wait()  # a file the analysis never finishes
    return analyze_bytes(data, relative, config, tree_constants)


def run(job_list: list[Job], workers_count: int = 2, batch_size: int = 2) -> tuple[list[ScanResult], int]:
    advanced = 0

    def advance() -> None:
        nonlocal advanced
        advanced += 1

    results = analyse_in_workers(job_list, analyse_or_die, Config(), workers_count, batch_size, advance)
    return results, advanced


def expected(job: Job) -> ScanResult:
    return analyze_bytes(job[1], job[0], Config(), job[2])


def test_results_come_back_in_job_order_one_advance_each() -> None:
    job_list = jobs(*(f"m{index}.py" for index in range(7)))
    results, advanced = run(job_list, workers_count=3, batch_size=2)
    assert results == [expected(job) for job in job_list]
    assert [result.findings[0].location.path for result in results] == [f"m{index}.py" for index in range(7)]
    assert advanced == 7


def test_more_workers_than_batches_start_only_as_many_as_needed_and_all_stop_cleanly(forked: ForkCounting) -> None:
    job_list = jobs("a.py", "b.py", "c.py")
    results, advanced = run(job_list, workers_count=8, batch_size=2)
    assert results == [expected(job) for job in job_list] and advanced == 3
    assert [process.exitcode for process in forked.started] == [0, 0]  # told to stop, not killed
    assert all(process.daemon for process in forked.started)  # so none outlives an interrupted scan


@pytest.mark.parametrize("batch_size", [1, 3, 16])
def test_a_worker_killed_on_one_file_is_reported_there_and_its_batch_goes_on(
    forked: ForkCounting, batch_size: int
) -> None:
    names = ["a.py", "b.py", "kill.py", "c.py", "d.py", "e.py", "f.py"]
    job_list = jobs(*names)
    results, advanced = run(job_list, workers_count=2, batch_size=batch_size)
    assert advanced == len(names)
    batches = -(-len(names) // batch_size)
    # One replacement for the dead worker; the others were told to stop.
    assert sorted(process.exitcode for process in forked.started) == [-signal.SIGKILL] + [0] * min(2, batches)
    for job, result in zip(job_list, results):
        if job[0] == "kill.py":
            assert result == crashed("kill.py", -signal.SIGKILL)
        else:
            assert result == expected(job), job[0]


def test_every_file_that_kills_its_worker_is_reported_and_the_others_analysed() -> None:
    names = ["kill1.py", "a.py", "exit3.py", "kill2.py", "b.py", "realtime.py", "c.py"]
    job_list = jobs(*names)
    results, advanced = run(job_list, workers_count=2, batch_size=3)
    assert advanced == len(names)
    messages = {job[0]: result.findings[0].message for job, result in zip(job_list, results)}
    assert "(signal SIGKILL)" in messages["kill1.py"] and "(signal SIGKILL)" in messages["kill2.py"]
    assert "(exit code 3)" in messages["exit3.py"]
    assert f"(signal {int(signal.SIGRTMIN) + 1})" in messages["realtime.py"]
    assert all(results[names.index(name)] == expected(job_list[names.index(name)]) for name in ("a.py", "b.py", "c.py"))


def test_a_dead_worker_is_an_hg001_error_and_an_internal_error_notice() -> None:
    result = crashed("models/load.py", -signal.SIGSEGV)
    assert result.findings == [
        Finding(
            "HG001",
            "The analysing process died (signal SIGSEGV) while reading this file; it was not analysed, so findings "
            "may be hidden here. Please report it.",
            Location("models/load.py"),
            Level.ERROR,
            properties={"reason": "worker-died"},
        )
    ]
    assert result.notifications == [
        Notification(
            "the analysing process died (signal SIGSEGV); please report it", "models/load.py", Level.ERROR, INTERNAL_ERROR
        )
    ]
    assert result.files_scanned == 1
    assert "(exit code 0)" in crashed("a.py", 0).findings[0].message  # exited without answering
    assert "(exit code None)" in crashed("a.py", None).findings[0].message  # not even an exit status


def test_a_worker_answers_each_file_of_each_batch_until_told_to_stop(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker's loop, run here: batches in, one result per file out, None ends it; Ctrl-C is the parent's."""
    handlers: list[tuple[int, object]] = []
    monkeypatch.setattr(signal, "signal", lambda signum, handler: handlers.append((signum, handler)))
    parent, child = multiprocessing.Pipe()
    source = b"from settings import REVISION\nfrom transformers import AutoModel\n"
    source += b"m = AutoModel.from_pretrained('org/m', revision=REVISION)\n"
    # what d.py imports from the scanned tree
    pinned_by_a_constant = ("d.py", source, {"0:settings": {"REVISION": ("known", "main")}})
    first, second = jobs("a.py", "b.py"), [*jobs("c.py"), pinned_by_a_constant]
    parent.send(first)
    parent.send(second)
    parent.send(None)
    workers._serve(child, analyse_or_die, Config())
    answers = [parent.recv() for _ in range(4)]
    assert answers == [expected(job) for job in first + second]
    assert "'org/m' at 'main', a mutable" in answers[3].findings[0].message  # the imported constant was used
    assert not parent.poll()
    assert handlers == [(signal.SIGINT, signal.SIG_IGN)]
    parent.close()
    child.close()


class Impatient(ForkCounting):
    """The fork context, whose processes' clock runs a hundred times faster when the parent waits for them (a
    grace period of seconds passes in tens of milliseconds)."""

    def Process(self, *args: object, **kwargs: object) -> BaseProcess:
        process = super().Process(*args, **kwargs)
        join = process.join

        def faster(timeout: float | None = None) -> None:
            join(None if timeout is None else timeout / 100)

        process.join = faster  # type: ignore[method-assign]
        return process


def test_an_interrupted_scan_kills_a_worker_stuck_in_a_file_instead_of_waiting_for_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    context = Impatient()
    monkeypatch.setattr(workers.multiprocessing, "get_context", lambda method=None: context)

    def interrupt() -> None:  # Ctrl-C as the first result comes in
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        analyse_in_workers(jobs("stuck.py", "a.py"), analyse_or_die, Config(), 2, 1, interrupt)
    stuck, done = context.started
    assert (stuck.exitcode, done.exitcode) == (-signal.SIGKILL, 0)  # the fixture checks that both were reaped
