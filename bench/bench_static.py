"""Time hubguard's static pass against Bandit, Ruff and (optionally) Semgrep on one real source tree.

Usage: python bench/bench_static.py [--tree DIR] [--package transformers==4.57.6] [--repeat 3] [--semgrep]

Without --tree, the transformers wheel is fetched with `pip download --no-deps` into bench/.work/ and
unpacked there. Bandit and Ruff are installed into bench/.work/venv. Each tool runs as a subprocess whose
report goes to /dev/null; wall time is the median of --repeat runs, peak RSS the largest resident set of
any process the tool started (ru_maxrss of a wrapper's children).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
WORK_DIR = BENCH_DIR / ".work"
PEERS_VENV = WORK_DIR / "venv"
PEER_PACKAGES = ("bandit", "ruff")
DEFAULT_PACKAGE = "transformers==4.57.6"

# Runs argv[1:] and prints wall seconds and the peak RSS (KiB on Linux) of everything it started.
_MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
wall = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(wall, peak, code)
"""


@dataclass
class Measurement:
    tool: str
    wall_seconds: float
    peak_rss_mib: float
    exit_codes: set[int]


def _run(command: list[str]) -> None:
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def fetch_tree(package: str) -> Path:
    wheels = WORK_DIR / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    name = package.split("==")[0].replace("-", "_")
    found = sorted(wheels.glob(f"{name}-*.whl"))
    wanted = [w for w in found if "==" not in package or f"-{package.split('==')[1]}-" in w.name]
    if not wanted:
        _run([sys.executable, "-m", "pip", "download", package, "--no-deps", "--only-binary=:all:", "-d", str(wheels)])
        wanted = [w for w in sorted(wheels.glob(f"{name}-*.whl")) if w not in found]
    wheel = wanted[-1]
    tree = WORK_DIR / "trees" / wheel.stem
    if not tree.exists():
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(tree)
    return tree


def ensure_peers() -> Path:
    bin_dir = PEERS_VENV / "bin"
    if not all((bin_dir / tool).exists() for tool in PEER_PACKAGES):
        venv.create(PEERS_VENV, with_pip=True, clear=True)
        _run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", *PEER_PACKAGES])
    return bin_dir


def commands(tree: Path, peers: Path, with_semgrep: bool) -> dict[str, list[str]]:
    own_bin = Path(sys.executable).parent
    tools = {
        "hubguard": [str(own_bin / "hubguard"), "scan", "--offline", "--format", "json", "--output", os.devnull, str(tree)],
        "bandit": [str(peers / "bandit"), "-r", "-t", "B301,B302,B614,B615", "-f", "json", "-q", str(tree)],
        "ruff": [str(peers / "ruff"), "check", "--isolated", "--select", "S301,S302", "--no-cache", "--output-format", "json", str(tree)],
    }
    semgrep = shutil.which("semgrep", path=str(own_bin)) or shutil.which("semgrep")
    if with_semgrep and semgrep:
        rules = BENCH_DIR.parent / "semgrep-rules"
        tools["semgrep"] = [
            semgrep, "scan", "--config", str(rules), "--metrics=off", "--disable-version-check", "--json", "--quiet", str(tree),
        ]
    return tools


def measure(tool: str, command: list[str], repeat: int) -> Measurement:
    walls: list[float] = []
    peaks: list[float] = []
    codes: set[int] = set()
    for _ in range(repeat):
        wrapper = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, check=True)
        wall, peak_kib, code = wrapper.stdout.split()
        walls.append(float(wall))
        peaks.append(int(peak_kib) / 1024)
        codes.add(int(code))
    return Measurement(tool, statistics.median(walls), max(peaks), codes)


def render(results: list[Measurement], files: int) -> str:
    baseline = next(r.wall_seconds for r in results if r.tool == "hubguard")
    header = f"{'tool':<10} {'wall s':>8} {'files/s':>9} {'peak RSS MiB':>13} {'x hubguard':>11}  exit"
    rows = [
        f"{r.tool:<10} {r.wall_seconds:>8.2f} {files / r.wall_seconds:>9.0f} {r.peak_rss_mib:>13.0f} "
        f"{r.wall_seconds / baseline:>11.3g}  {','.join(map(str, sorted(r.exit_codes)))}"
        for r in results
    ]
    return "\n".join([header, *rows])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, help="source tree to scan (default: the unpacked --package wheel)")
    parser.add_argument("--package", default=DEFAULT_PACKAGE, help=f"wheel to fetch from PyPI (default {DEFAULT_PACKAGE})")
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool; the median wall time is reported")
    parser.add_argument("--semgrep", action="store_true", help="also time semgrep with the project's semgrep-rules/")
    parser.add_argument("--json", type=Path, help="also write the measurements to this JSON file")
    options = parser.parse_args()

    tree = options.tree.resolve() if options.tree else fetch_tree(options.package)
    files = sum(1 for _ in tree.rglob("*.py"))
    tools = commands(tree, ensure_peers(), options.semgrep)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"tree: {tree} ({files} .py files), {options.repeat} run(s) per tool", flush=True)
    print(f"machine: {os.cpu_count()} CPUs, load average {load} before the runs", flush=True)
    results = [measure(tool, command, options.repeat) for tool, command in tools.items()]
    print(render(results, files))
    if options.json:
        records = [{**vars(r), "exit_codes": sorted(r.exit_codes), "files": files} for r in results]
        options.json.write_text(json.dumps(records, indent=2) + "\n")
    failed = [r.tool for r in results if any(code > 1 for code in r.exit_codes)]
    if failed:
        print(f"tools that exited with an error (exit code > 1): {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
