"""hubguard's model inspector against ModelAudit, picklescan and modelscan: bytes, time and verdicts.

Usage: python bench/bench_model_peers.py [--size-mb 1024] [--peers-venv bench/.work/peers]

1. Remote: a loopback Hub (tests/fakehub, a real HTTP server on 127.0.0.1) serves a benign and a malicious
   PyTorch zip checkpoint of --size-mb. `hubguard model org/repo` and `modelaudit scan hf://org/repo` both
   go through huggingface_hub with HF_ENDPOINT pointing at it; the table shows the bytes the server sent for
   each run, its wall time and the verdict. picklescan's and modelscan's remote modes cannot be pointed at
   another endpoint, so they scan the downloaded file (a full download, reported as such).
2. Verdicts: every tool scans the same generated fixture set (benign checkpoints that must pass, malicious
   gadgets that must be flagged); the table counts misses and false alarms per tool.

Peers are installed into --peers-venv from PyPI on first use (pip install modelaudit picklescan modelscan).
Nothing here is a test: run it by hand and compare tools within one run.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
WORK_DIR = BENCH_DIR / ".work" / "model-peers"
sys.path.insert(0, str(ROOT))

from bench.bench_model import write_checkpoint  # noqa: E402
from tests.fakehub import FakeHub  # noqa: E402
from tests.inspectors import fixtures as fx  # noqa: E402

PEERS = ("modelaudit", "picklescan", "modelscan")


def peer_tool(venv: Path, name: str) -> str:
    return str(venv / "bin" / name)


def ensure_peers(venv: Path) -> None:
    if all(Path(peer_tool(venv, name)).exists() for name in PEERS):
        return
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", *PEERS], check=True)


def hubguard_command() -> list[str]:
    return [sys.executable, "-m", "hubguard"]


def isolated_env(home: Path, endpoint: str | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("HF_", "HUGGING"))}
    env.update(HF_HOME=str(home), HF_HUB_DISABLE_XET="1", HF_HUB_DISABLE_TELEMETRY="1", XDG_CACHE_HOME=str(home))
    if endpoint:
        env["HF_ENDPOINT"] = endpoint
    return env


@dataclass
class Run:
    tool: str
    target: str
    seconds: float
    bytes_sent: int | None
    flagged: bool | None  # None: the tool failed to give a verdict
    detail: str


def run_tool(tool: str, command: list[str], env: dict[str, str], flagged_codes: set[int], clean_codes: set[int]) -> tuple[float, bool | None, str]:
    start = time.perf_counter()
    completed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800, check=False)
    seconds = time.perf_counter() - start
    code = completed.returncode
    flagged = True if code in flagged_codes else False if code in clean_codes else None
    return seconds, flagged, f"exit {code}"


# --- remote comparison --------------------------------------------------------------------------------------
def remote_runs(hub: FakeHub, size_mb: int, venv: Path, scratch: Path) -> list[Run]:
    names = tuple(f"layers.{index}.weight" for index in range(256))
    checkpoints = {
        "org/benign": fx.torch_state_dict_pickle(names),
        "org/malicious": fx.system_call("touch /tmp/hubguard-bench-pwned", 2),
    }
    runs: list[Run] = []
    for repo, data_pkl in checkpoints.items():
        path = scratch / f"{repo.split('/')[1]}.bin"
        write_checkpoint(path, data_pkl, size_mb * 2**20, 256)
        hub.add_repo(repo, {"config.json": b"{}", "pytorch_model.bin": path.read_bytes()})
        # The fake hub hashes a file on first use; do it now so no tool is charged for it.
        urllib.request.urlopen(f"{hub.url}/api/models/{repo}?blobs=true", timeout=120).read()
        tools = {
            "hubguard": (hubguard_command() + ["model", "--format", "json", "--fail-on", "warning", repo], {1}, {0}),
            "modelaudit": ([peer_tool(venv, "modelaudit"), "scan", f"hf://{repo}"], {1}, {0}),
        }
        for tool, (command, flagged_codes, clean_codes) in tools.items():
            hub.reset_log()
            home = Path(tempfile.mkdtemp(dir=scratch))
            seconds, flagged, detail = run_tool(tool, command, isolated_env(home, hub.url), flagged_codes, clean_codes)
            runs.append(Run(tool, repo, seconds, hub.bytes_sent, flagged, detail))
        for tool, command, flagged_codes in (
            ("picklescan (downloaded file)", [peer_tool(venv, "picklescan"), "--path", str(path)], {1}),
            ("modelscan (downloaded file)", [peer_tool(venv, "modelscan"), "-p", str(path)], {1}),
        ):
            seconds, flagged, detail = run_tool(tool, command, isolated_env(scratch), flagged_codes, {0})
            runs.append(Run(tool, repo, seconds, path.stat().st_size, flagged, detail))
        path.unlink()
    return runs


# --- verdicts on the fixture set ---------------------------------------------------------------------------
def fixture_set() -> dict[str, tuple[bytes, bool]]:
    """name -> (bytes, malicious?)."""
    text = fx.unicode
    gadgets = {
        "os-system.pkl": fx.system_call("touch /tmp/x", 2),
        "os-system-proto0.pkl": fx.system_call("touch /tmp/x", 0),
        "os-system-proto4.pkl": fx.system_call("touch /tmp/x", 4),
        "builtins-exec.pkl": fx.exec_call("open('/tmp/x','w')"),
        "subprocess-popen.pkl": fx.call_global("subprocess", "Popen", text("id")),
        "pip-main.pkl": fx.call_global("pip", "main", text("install")),
        "runpy-run-code.pkl": fx.call_global("runpy", "_run_code", text("import os"), fx.NONE),
        "cprofile-run.pkl": fx.call_global("cProfile", "run", text("import os")),
        "pydoc-pipepager.pkl": fx.call_global("pydoc", "pipepager", text("x"), text("sh")),
        "pkgutil-resolve-name.pkl": fx.call_global("pkgutil", "resolve_name", text("os:system")),
        "torch-load-from-bytes.pkl": fx.call_global("torch.storage", "_load_from_bytes", fx.binbytes(b"\x80\x02N.")),
        "webbrowser-open.pkl": fx.call_global("webbrowser", "open", text("http://x")),
        "frame-crossing.pkl": fx.frame_crossing_pickle("touch /tmp/x"),
        "torch-zip-system.pt": fx.torch_zip(fx.system_call("touch /tmp/x", 2)),
        "legacy-torch-system.pt": fx.legacy_torch_stream(fx.system_call("touch /tmp/x", 2)),
        "nested-base64.pkl": fx.call_global(
            "pickle", "loads", fx.binbytes(base64.b64decode(base64.b64encode(fx.system_call("touch /tmp/x", 2))))
        ),
    }
    benign = {
        "torch-state-dict.pt": fx.torch_zip(fx.torch_state_dict_pickle()),
        "legacy-state-dict.bin": fx.legacy_torch_stream(fx.torch_state_dict_pickle()),
        "trainer-rng-state.pth": fx.torch_zip(fx.rng_state_pickle()),
        **{name: data for name, data in fx.plain_data_pickles().items()},
    }
    return {**{n: (d, True) for n, d in gadgets.items()}, **{n: (d, False) for n, d in benign.items()}}


def verdict_commands(venv: Path, path: Path) -> dict[str, tuple[list[str], set[int], set[int]]]:
    return {
        "hubguard": (hubguard_command() + ["model", "--format", "json", "--fail-on", "warning", str(path)], {1}, {0}),
        "modelaudit": ([peer_tool(venv, "modelaudit"), "scan", str(path)], {1}, {0}),
        "picklescan": ([peer_tool(venv, "picklescan"), "--path", str(path)], {1}, {0}),
        "modelscan": ([peer_tool(venv, "modelscan"), "-p", str(path)], {1}, {0}),
    }


def verdict_table(venv: Path, scratch: Path) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for name, (data, malicious) in fixture_set().items():
        path = scratch / name
        path.write_bytes(data)
        for tool, (command, flagged_codes, clean_codes) in verdict_commands(venv, path).items():
            _, flagged, _ = run_tool(tool, command, isolated_env(scratch), flagged_codes, clean_codes)
            row = counts.setdefault(tool, {"caught": 0, "missed": 0, "false alarm": 0, "passed": 0, "no verdict": 0})
            if flagged is None:
                row["no verdict"] += 1
            elif malicious:
                row["caught" if flagged else "missed"] += 1
            else:
                row["false alarm" if flagged else "passed"] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--peers-venv", type=Path, default=BENCH_DIR / ".work" / "peers")
    parser.add_argument("--skip-remote", action="store_true")
    args = parser.parse_args()
    ensure_peers(args.peers_venv)
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=WORK_DIR) as scratch_name:
        scratch = Path(scratch_name)
        if not args.skip_remote:
            with FakeHub() as hub:
                runs = remote_runs(hub, args.size_mb, args.peers_venv, scratch)
            print(f"remote: {args.size_mb} MiB PyTorch zip checkpoints on a loopback hub")
            header = f"{'tool':30} {'repo':14} {'bytes sent':>14} {'wall s':>8} {'verdict':>9}  detail"
            print(header)
            print("-" * len(header))
            for run in runs:
                verdict = {True: "flagged", False: "clean", None: "none"}[run.flagged]
                sent = f"{run.bytes_sent:,}" if run.bytes_sent is not None else "-"
                print(f"{run.tool:30} {run.target:14} {sent:>14} {run.seconds:>8.2f} {verdict:>9}  {run.detail}")
            print()
        counts = verdict_table(args.peers_venv, scratch)
    malicious = sum(1 for _, bad in fixture_set().values() if bad)
    print(f"verdicts: {malicious} malicious gadgets, {len(fixture_set()) - malicious} benign checkpoints")
    header = f"{'tool':12} {'caught':>7} {'missed':>7} {'false alarm':>12} {'passed':>7} {'no verdict':>11}"
    print(header)
    print("-" * len(header))
    for tool, row in counts.items():
        print(
            f"{tool:12} {row['caught']:>7} {row['missed']:>7} {row['false alarm']:>12} {row['passed']:>7}"
            f" {row['no verdict']:>11}"
        )
    print(json.dumps(counts), file=sys.stderr)


if __name__ == "__main__":
    main()
