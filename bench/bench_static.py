"""The static pass against its peers, every row of issue 12's table in one run.

Usage: python bench/bench_static.py [--repeat 3] [--precommit-runs 7] [--skip-precommit] [--semgrep] [--json FILE]

Rows (targets in brackets):
1. transformers wheel source: hubguard (cold, --no-cache) vs Bandit B301/B302/B614/B615 [>= 12x faster] and
   Ruff S301,S302 (ratio reported).
2. An ML-heavy tree, the peft and trl sdists (peft ships its tests): hubguard vs Bandit, wall and CPU time
   [>= 3x faster in wall time on 2 cores].
3. A re-run on the unchanged transformers tree, result cache warm [<= 1 s].
4. One commit touching 3 files through the real `pre-commit` in a 500-file repository [median <= 0.3 s]
   (bench/bench_precommit.py builds the repositories; each run stages 3 freshly edited files). The same commit
   through a do-nothing Python hook is printed beside it: what pre-commit and any Python hook cost by themselves.
5. Peak memory of hubguard in any of the above [<= 200 MiB].

Trees come from PyPI (`pip download`) into bench/.work/ (git-ignored); Bandit and Ruff are installed into
bench/.work/venv. Each tool runs as a subprocess with its report sent to /dev/null; wall time is the median of
--repeat runs, CPU the median user+system time of everything it started, peak RSS the largest resident set of
any single process it started. The machine's load average is printed: compare tools within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
WORK_DIR = BENCH_DIR / ".work"
PEERS_VENV = WORK_DIR / "venv"
PEER_PACKAGES = ("bandit", "ruff")
TRANSFORMERS = "transformers==4.57.6"
ML_SDISTS = ("peft", "trl")

# Runs argv[1:]; prints wall seconds, CPU seconds and peak RSS (KiB on Linux) of everything it started.
_MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, code)
"""


@dataclass
class Measurement:
    tool: str
    wall: float
    cpu: float
    peak_mib: float
    exit_codes: set[int]


def _run(command: list[str], **kwargs: object) -> None:
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, **kwargs)  # type: ignore[call-overload]


def fetch_wheel_tree(package: str) -> Path:
    wheels = WORK_DIR / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    name, _, version = package.partition("==")
    pattern = f"{name.replace('-', '_')}-{version or '*'}-*.whl"
    if not list(wheels.glob(pattern)):
        _run([sys.executable, "-m", "pip", "download", package, "--no-deps", "--only-binary=:all:", "-d", str(wheels)])
    wheel = sorted(wheels.glob(pattern))[-1]
    tree = WORK_DIR / "trees" / wheel.stem
    if not tree.exists():
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(tree)
    return tree


def fetch_sdist_tree(names: tuple[str, ...]) -> Path:
    sdists = WORK_DIR / "sdists"
    sdists.mkdir(parents=True, exist_ok=True)
    if not all(list(sdists.glob(f"{name}-*.tar.gz")) for name in names):
        _run([sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps", *names, "-d", str(sdists)])
    archives = [sorted(sdists.glob(f"{name}-*.tar.gz"))[-1] for name in names]
    tree = WORK_DIR / "trees" / "+".join(archive.name.removesuffix(".tar.gz") for archive in archives)
    if not tree.exists():
        for archive in archives:
            with tarfile.open(archive) as bundle:
                bundle.extractall(tree, filter="data")
    return tree


def ensure_peers() -> Path:
    bin_dir = PEERS_VENV / "bin"
    if not all((bin_dir / tool).exists() for tool in PEER_PACKAGES):
        venv.create(PEERS_VENV, with_pip=True, clear=True)
        _run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", *PEER_PACKAGES])
    return bin_dir


def hubguard(tree: Path, *options: str) -> list[str]:
    executable = str(Path(sys.executable).parent / "hubguard")
    return [executable, "scan", "--offline", "--format", "json", "--output", os.devnull, *options, str(tree)]


def bandit(peers: Path, tree: Path) -> list[str]:
    return [str(peers / "bandit"), "-r", "-t", "B301,B302,B614,B615", "-f", "json", "-q", str(tree)]


def ruff(peers: Path, tree: Path) -> list[str]:
    return [str(peers / "ruff"), "check", "--isolated", "--select", "S301,S302", "--no-cache",
            "--output-format", "json", str(tree)]


def measure(tool: str, command: list[str], repeat: int) -> Measurement:
    walls, cpus, peaks, codes = [], [], [], set()
    for _ in range(repeat):
        wrapper = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, check=True)
        wall, cpu, peak_kib, code = wrapper.stdout.split()
        walls.append(float(wall))
        cpus.append(float(cpu))
        peaks.append(int(peak_kib) / 1024)
        codes.add(int(code))
    return Measurement(tool, statistics.median(walls), statistics.median(cpus), max(peaks), codes)


def table(title: str, files: int, rows: list[Measurement]) -> str:
    baseline = next(row for row in rows if row.tool.startswith("hubguard"))
    lines = [f"\n{title} ({files} .py files)",
             f"{'tool':<22} {'wall s':>8} {'CPU s':>8} {'peak MiB':>9} {'wall / hubguard':>16}  exit"]
    for row in rows:
        lines.append(f"{row.tool:<22} {row.wall:>8.2f} {row.cpu:>8.2f} {row.peak_mib:>9.0f} "
                     f"{row.wall / baseline.wall:>15.2f}x  {','.join(map(str, sorted(row.exit_codes)))}")
    return "\n".join(lines)


def precommit_medians(runs: int) -> tuple[float, float]:
    """Medians of the hubguard hook and of a do-nothing Python hook (what any Python hook pays)."""
    sys.path.insert(0, str(BENCH_DIR))
    import bench_precommit

    return bench_precommit.staged_commit_median(files=500, staged=3, runs=runs)


def _load() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool and tree (median wall time)")
    parser.add_argument("--precommit-runs", type=int, default=7)
    parser.add_argument("--skip-precommit", action="store_true", help="skip row 4 (it installs the hook with pip)")
    parser.add_argument("--semgrep", action="store_true", help="also time semgrep with semgrep-rules/ on row 1")
    parser.add_argument("--json", type=Path, help="also write the measurements to this JSON file")
    options = parser.parse_args()

    transformers, ml = fetch_wheel_tree(TRANSFORMERS), fetch_sdist_tree(ML_SDISTS)
    peers = ensure_peers()
    counts = {tree: sum(1 for _ in tree.rglob("*.py")) for tree in (transformers, ml)}
    print(f"machine: {os.cpu_count()} CPUs, load average {_load()} before the runs", flush=True)

    rows: dict[str, list[Measurement]] = {}
    row1 = [measure("hubguard (cold)", hubguard(transformers, "--no-cache"), options.repeat),
            measure("bandit", bandit(peers, transformers), options.repeat),
            measure("ruff", ruff(peers, transformers), options.repeat)]
    semgrep = shutil.which("semgrep", path=str(Path(sys.executable).parent))
    if options.semgrep and semgrep:
        rules = str(BENCH_DIR.parent / "semgrep-rules")
        command = [semgrep, "scan", "--config", rules, "--metrics=off", "--json", "--quiet", str(transformers)]
        row1.append(measure("semgrep", command, options.repeat))
    rows["transformers"] = row1
    print(table(f"1. {transformers.name}", counts[transformers], row1), flush=True)

    rows["ml"] = [measure("hubguard (cold)", hubguard(ml, "--no-cache"), options.repeat),
                  measure("bandit", bandit(peers, ml), options.repeat)]
    print(table(f"2. {ml.name}", counts[ml], rows["ml"]), flush=True)

    with tempfile.TemporaryDirectory(dir=WORK_DIR) as cache:
        measure("fill the cache", hubguard(transformers, "--cache-dir", cache), 1)
        rows["warm"] = [measure("hubguard (warm cache)", hubguard(transformers, "--cache-dir", cache), options.repeat)]
    print(table(f"3. {transformers.name}, unchanged, re-run", counts[transformers], rows["warm"]), flush=True)

    summary = {
        "transformers: bandit / hubguard (target >= 12)": row1[1].wall / row1[0].wall,
        "transformers: ruff / hubguard": row1[2].wall / row1[0].wall,
        "peft+trl: bandit / hubguard, wall (target >= 3)": rows["ml"][1].wall / rows["ml"][0].wall,
        "peft+trl: bandit / hubguard, CPU": rows["ml"][1].cpu / rows["ml"][0].cpu,
        "warm re-run, s (target <= 1)": rows["warm"][0].wall,
    }
    if not options.skip_precommit:
        hook, nothing = precommit_medians(options.precommit_runs)
        summary["pre-commit, 3 staged files, median s (target <= 0.3)"] = hook
        summary["pre-commit, same commit, do-nothing Python hook, median s"] = nothing
    summary["hubguard peak MiB, any row (target <= 200)"] = max(
        row.peak_mib for measured in rows.values() for row in measured if row.tool.startswith("hubguard")
    )
    print("\nsummary")
    for name, value in summary.items():
        print(f"  {name:<56} {value:8.2f}")
    print(f"machine: load average {_load()} after the runs")
    if options.json:
        records = {name: [vars(row) | {"exit_codes": sorted(row.exit_codes)} for row in measured]
                   for name, measured in rows.items()}
        options.json.write_text(json.dumps({"rows": records, "summary": summary}, indent=2) + "\n")
    failed = [row.tool for measured in rows.values() for row in measured if any(code > 1 for code in row.exit_codes)]
    if failed:
        print(f"tools that exited with an error (exit code > 1): {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
