"""The remote pass on the remote-code corpus: recall, false errors, wall time and hub requests, in one run.

Usage: python bench/bench_remote.py [--json bench/.work/remote.json]

The loopback hub from tests/fakehub (a real HTTP server on 127.0.0.1) serves every repository of
tests/remote_code/corpus; one consumer file holds every case's call, one per line, and `hubguard scan`'s
pipeline (run_scan: static pass, remote pass, one Semgrep run) scans it twice with one result cache:
1. cold: every repository resolved, its code (and the code other repositories and revisions supply) fetched,
   scanned and judged;
2. warm: pinned references and code are answered from the cache; only branches that code comes from
   (a default branch, code_revision="dev") are resolved again.

A malicious load is caught when its call gets HG402 or HG403 at error. A benign load has a false error when
its call gets an error about its code (HG402, HG403 or HG408); HG201/HG406 at error on an unpinned benign load
is the right answer, not a false one. Nothing here is a test: tests/remote_code/test_corpus.py checks exact
findings; this prints the figures for the README.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hubguard.config import Config  # noqa: E402
from hubguard.findings import Finding  # noqa: E402
from hubguard.pipeline import ScanOptions, run_scan  # noqa: E402
from tests.fakehub import FakeHub  # noqa: E402
from tests.remote_code.corpus import ALLOWED, benign, malicious, serve, write_consumer  # noqa: E402

BLOCKING = {("HG402", "error"), ("HG403", "error")}
FALSE_ALARMS = BLOCKING | {("HG408", "error")}


@dataclass
class Run:
    seconds: float
    requests: int
    bytes_sent: int
    findings: list[Finding]


@contextmanager
def hub_environment(hub: FakeHub, home: Path) -> Iterator[None]:
    """What the tests set: the loopback hub, a private HF home, no token."""
    saved = dict(os.environ)
    os.environ.update(HF_ENDPOINT=hub.url, HF_HOME=str(home), HF_HUB_CACHE=str(home / "hub"),
                      HF_HUB_DISABLE_TELEMETRY="1")
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE"):
        os.environ.pop(name, None)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def scan(hub: FakeHub, project: Path, config: Config) -> Run:
    hub.reset_log()
    started = time.perf_counter()
    result = run_scan(ScanOptions([project], project, config))
    return Run(time.perf_counter() - started, len(hub.requests), hub.bytes_sent, result.findings)


def at_calls(findings: list[Finding], lines: dict[str, int]) -> dict[str, set[tuple[str, str]]]:
    by_line = {line: name for name, line in lines.items()}
    found: dict[str, set[tuple[str, str]]] = {name: set() for name in lines}
    for finding in findings:
        region = finding.location.region
        if finding.location.path == "loads.py" and region and region.start_line in by_line and not finding.suppressed:
            found[by_line[region.start_line]].add((finding.rule_id, finding.level.value))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hubguard-bench-remote-") as temp, FakeHub() as hub:
        base = Path(temp)
        cases = malicious.cases(str(base / "canary")) + benign.cases()
        lines = write_consumer(base / "consumer", cases, serve(hub, cases))
        config = Config(allow_remote_code=ALLOWED, cache_dir=base / "cache", timeout=300)
        with hub_environment(hub, base / "hf-home"):
            cold = scan(hub, base / "consumer", config)
            warm = scan(hub, base / "consumer", config)
        ran = (base / "canary").exists()
    found = at_calls(cold.findings, lines)
    bad = [case for case in cases if case.malicious]
    good = [case for case in cases if not case.malicious]
    missed = [case.name for case in bad if not found[case.name] & BLOCKING]
    false_errors = [case.name for case in good if found[case.name] & FALSE_ALARMS]
    figures = {
        "malicious_loads": len(bad),
        "caught": len(bad) - len(missed),
        "missed": missed,
        "benign_loads": len(good),
        "false_errors": false_errors,
        "first_run_seconds": round(cold.seconds, 2),
        "second_run_seconds": round(warm.seconds, 2),
        "first_run_requests": cold.requests,
        "first_run_bytes": cold.bytes_sent,
        "second_run_requests": warm.requests,
        "second_run_bytes": warm.bytes_sent,
        "same_findings": [(f.rule_id, f.message) for f in cold.findings] == [(f.rule_id, f.message) for f in warm.findings],
        "scanned_code_ran": ran,
    }
    print(f"remote-code corpus: {len(bad)} malicious and {len(good)} benign loads, one consumer file, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print("| measure | first run (cold cache) | second run (warm cache) |")
    print("|---|---|---|")
    print(f"| recall: malicious loads blocked (HG402/HG403 at error) | {len(bad) - len(missed)}/{len(bad)} | same findings: "
          f"{'yes' if figures['same_findings'] else 'NO'} |")
    print(f"| false errors: benign loads with an error about their code | {len(false_errors)}/{len(good)} | |")
    print(f"| wall time | {cold.seconds:.1f} s | {warm.seconds:.1f} s |")
    print(f"| hub requests (bytes sent) | {cold.requests} ({cold.bytes_sent / 1e6:.2f} MB) | "
          f"{warm.requests} ({warm.bytes_sent / 1e3:.1f} KB) |")
    for name in missed:
        print(f"missed: {name}")
    for name in false_errors:
        print(f"false error: {name}")
    if ran:
        print("the canary exists: scanned code ran")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2))
    return 1 if missed or false_errors or ran else 0


if __name__ == "__main__":
    raise SystemExit(main())
