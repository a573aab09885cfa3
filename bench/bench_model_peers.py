"""hubguard's model inspector against ModelAudit, picklescan and modelscan: bytes, time and verdicts.

Usage: python bench/bench_model_peers.py [--size-mb 1024] [--peers-venv bench/.work/peers]

1. Remote: a loopback Hub (tests/fakehub, a real HTTP server on 127.0.0.1) serves a benign and a malicious
   PyTorch zip checkpoint of --size-mb. `hubguard model org/repo` and `modelaudit scan hf://org/repo` both
   go through huggingface_hub with HF_ENDPOINT pointing at it; the table shows the bytes the server sent for
   each run, its wall time and the verdict. picklescan's and modelscan's remote modes cannot be pointed at
   another endpoint, so they scan the downloaded file (a full download, reported as such).
2. Verdicts: every tool scans the same generated fixture set: benign checkpoints and ordinary library pickles
   (scikit-learn, joblib, training_args.bin) that must pass; pickle gadgets, 7z archives (nullifAI), Keras
   Lambda layers (.keras, config-only .keras, legacy .h5), a billion-laughs pickle, a GGUF chat-template gadget
   and ONNX external-data traversal that must be flagged. The first table counts caught, missed, false alarms
   and no-verdict runs per tool; the second shows every file of the issue-14 classes per tool.

Peers are installed into --peers-venv from PyPI on first use (modelaudit, picklescan, modelscan, fickling;
one that does not install is left out).
Nothing here is a test: run it by hand and compare tools within one run.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import pickle
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

PEERS = ("modelaudit", "picklescan", "modelscan", "fickling")


def peer_tool(venv: Path, name: str) -> str:
    return str(venv / "bin" / name)


def ensure_peers(venv: Path) -> None:
    """Install the peers that install on this machine; a peer that does not is left out of the tables."""
    if all(Path(peer_tool(venv, name)).exists() for name in PEERS):
        return
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    for name in PEERS:
        if subprocess.run([str(venv / "bin" / "pip"), "install", "-q", name], check=False).returncode:
            print(f"{name} could not be installed; it is left out", file=sys.stderr)


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


def run_tool(
    tool: str, command: list[str], env: dict[str, str], flagged_codes: set[int], clean_codes: set[int], cwd: Path
) -> tuple[float, bool | None, str]:
    """Run one tool in ``cwd`` (a scratch directory: fickling writes safety_results.json where it runs)."""
    start = time.perf_counter()
    completed = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=1800, check=False)
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
            seconds, flagged, detail = run_tool(tool, command, isolated_env(home, hub.url), flagged_codes, clean_codes, home)
            runs.append(Run(tool, repo, seconds, hub.bytes_sent, flagged, detail))
        for tool, command, flagged_codes in (
            ("picklescan (downloaded file)", [peer_tool(venv, "picklescan"), "--path", str(path)], {1}),
            ("modelscan (downloaded file)", [peer_tool(venv, "modelscan"), "-p", str(path)], {1}),
        ):
            seconds, flagged, detail = run_tool(tool, command, isolated_env(scratch), flagged_codes, {0}, scratch)
            runs.append(Run(tool, repo, seconds, path.stat().st_size, flagged, detail))
        path.unlink()
    return runs


# --- verdicts on the fixture set ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Sample:
    data: bytes
    flag: bool  # True: a scanner must flag it (malicious or suspicious); False: it must pass
    kind: str  # the class of model file, for the per-class table


def fixture_set() -> dict[str, Sample]:
    """File name -> sample: the pickle gadgets, benign checkpoints, and the classes of issue 14."""
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
    samples = {name: Sample(data, True, "pickle gadget") for name, data in gadgets.items()}
    samples.update({name: Sample(data, False, "benign checkpoint") for name, data in benign.items()})
    samples.update(issue14_samples())
    return samples


def issue14_samples() -> dict[str, Sample]:
    """7z, Keras (.keras and legacy .h5), pickle bombs, GGUF templates, ONNX external data, library pickles."""
    evil = fx.system_call("touch /tmp/x", 2)
    torch_members = [("archive/version", b"3\n"), ("archive/data/0", bytes(64))]
    code = {"class_name": "__lambda__", "config": {"code": "4wEAAAAA", "defaults": None, "closure": None}}
    lambda3 = {"module": "keras.layers", "class_name": "Lambda", "config": {"function": code}}
    lambda2 = {"class_name": "Lambda", "config": {"function": ["4wEAAAAA", None, None], "function_type": "lambda"}}
    gadget = "{{ cycler.__init__.__globals__.os.popen('id').read() }}"
    laughs = fx.PROTO2 + fx.EMPTY_LIST + fx.binput(0) + b"".join(
        fx.EMPTY_LIST + (fx.binget(level) + fx.APPEND) * 10 + fx.binput(level + 1) for level in range(9)) + fx.STOP
    samples = {
        "nullifai-torch.7z.bin": Sample(fx.sevenzip_bytes([*torch_members, ("archive/data.pkl", evil)]), True, "7z"),
        "raw-pickle.7z": Sample(fx.sevenzip_bytes([("model.bin", evil)]), True, "7z"),
        "benign-torch.7z.bin": Sample(fx.sevenzip_bytes([*torch_members, ("archive/data.pkl", fx.torch_state_dict_pickle())]),
                                      False, "7z"),
        "lambda.keras": Sample(fx.keras_zip(fx.keras_config([fx.dense_layer(), lambda3])), True, "Keras"),
        "config-only-os-system.keras": Sample(fx.zip_bytes([("config.json", json.dumps(fx.keras_config(
            [{"module": "os", "class_name": "system", "config": {}}])).encode())]), True, "Keras"),
        "dense.keras": Sample(fx.keras_zip(fx.keras_config([fx.dense_layer()])), False, "Keras"),
        "billion-laughs.pkl": Sample(laughs, True, "pickle bomb"),
        "template-gadget.gguf": Sample(fx.llama_gguf(fx.CHATML_TEMPLATE + gadget), True, "GGUF"),
        "chatml.gguf": Sample(fx.llama_gguf(fx.CHATML_TEMPLATE), False, "GGUF"),
        "traversal.onnx": Sample(fx.onnx_model([fx.onnx_tensor("w", "../../../etc/passwd")]), True, "ONNX"),
        "external-data.onnx": Sample(fx.onnx_model([fx.onnx_tensor("w", "model.onnx.data")]), False, "ONNX"),
    }
    samples.update(_h5_samples(fx.keras_config([fx.dense_layer(), lambda2]), fx.keras_config([fx.dense_layer()])))
    samples.update(_library_samples())
    return samples


def _h5_samples(evil: object, benign: object) -> dict[str, Sample]:
    import h5py  # a test dependency of hubguard: writes the legacy Keras files

    samples = {}
    with tempfile.TemporaryDirectory() as scratch:
        for name, config, flag in (("lambda.h5", evil, True), ("dense.h5", benign, False)):
            path = Path(scratch) / name
            with h5py.File(path, "w") as handle:
                handle.create_dataset("model_weights/kernel", data=[1.0, 2.0])
                handle.attrs["model_config"] = json.dumps(config)
            samples[name] = Sample(path.read_bytes(), flag, "Keras .h5")
    return samples


def _library_samples() -> dict[str, Sample]:
    """scikit-learn estimators (pickle and joblib), Trainer's training_args.bin: ordinary files to pass."""
    import io

    import joblib

    with tempfile.TemporaryDirectory() as scratch:
        modules = fx.stand_in_modules(Path(scratch) / "canary")
        saved = {name: sys.modules.get(name) for name in modules}
        sys.modules.update(modules)
        try:
            objects = fx.library_objects(modules)
            compressed = io.BytesIO()
            joblib.dump(objects["forest"], compressed, compress=3)
            return {
                "logistic-regression.pkl": Sample(pickle.dumps(objects["pipeline"], protocol=5), False, "library pickle"),
                "random-forest.joblib": Sample(compressed.getvalue(), False, "library pickle"),
                "training_args.bin": Sample(fx.torch_zip(pickle.dumps(objects["training_args"], protocol=2)), False,
                                            "library pickle"),
            }
        finally:
            for name, module in saved.items():
                if module is None:
                    sys.modules.pop(name, None)
                else:
                    sys.modules[name] = module


def verdict_commands(venv: Path, path: Path) -> dict[str, tuple[list[str], set[int], set[int]]]:
    commands = {
        "hubguard": (hubguard_command() + ["model", "--format", "json", "--fail-on", "warning", str(path)], {1}, {0}),
        "modelaudit": ([peer_tool(venv, "modelaudit"), "scan", str(path)], {1}, {0}),
        "picklescan": ([peer_tool(venv, "picklescan"), "--path", str(path)], {1}, {0}),
        "modelscan": ([peer_tool(venv, "modelscan"), "-p", str(path)], {1}, {0}),
        "fickling": ([peer_tool(venv, "fickling"), "--check-safety", str(path)], {1}, {0}),
    }
    return {tool: command for tool, command in commands.items() if Path(command[0][0]).exists() or tool == "hubguard"}


Outcome = str  # "caught" | "missed" | "false alarm" | "passed" | "no verdict"


def verdict_table(venv: Path, scratch: Path) -> dict[str, dict[str, Outcome]]:
    """File name -> tool -> outcome."""
    outcomes: dict[str, dict[str, Outcome]] = {}
    for name, sample in fixture_set().items():
        path = scratch / name
        path.write_bytes(sample.data)
        for tool, (command, flagged_codes, clean_codes) in verdict_commands(venv, path).items():
            _, flagged, _ = run_tool(tool, command, isolated_env(scratch), flagged_codes, clean_codes, scratch)
            if flagged is None:
                outcome = "no verdict"
            elif sample.flag:
                outcome = "caught" if flagged else "missed"
            else:
                outcome = "false alarm" if flagged else "passed"
            outcomes.setdefault(name, {})[tool] = outcome
    return outcomes


_MARKS = {"caught": "caught", "missed": "MISSED", "false alarm": "FALSE ALARM", "passed": "passed", "no verdict": "-"}


def print_verdicts(outcomes: dict[str, dict[str, Outcome]]) -> None:
    samples = fixture_set()
    tools = list(next(iter(outcomes.values())))
    flagged = sum(1 for sample in samples.values() if sample.flag)
    print(f"verdicts: {flagged} files to flag, {len(samples) - flagged} to pass ('-': exit code neither 0 nor 1)")
    header = f"{'tool':12} {'caught':>7} {'missed':>7} {'false alarm':>12} {'passed':>7} {'no verdict':>11}"
    print(header)
    print("-" * len(header))
    for tool in tools:
        row = [outcome[tool] for outcome in outcomes.values()]
        print(f"{tool:12} {row.count('caught'):>7} {row.count('missed'):>7} {row.count('false alarm'):>12}"
              f" {row.count('passed'):>7} {row.count('no verdict'):>11}")
    print()
    print("per file, issue 14 classes:")
    header = f"{'file':30} {'class':17} {'expect':6} " + " ".join(f"{tool:>12}" for tool in tools)
    print(header)
    print("-" * len(header))
    for name, sample in fixture_set().items():
        if sample.kind in ("pickle gadget", "benign checkpoint"):
            continue
        cells = " ".join(f"{_MARKS[outcomes[name][tool]]:>12}" for tool in tools)
        print(f"{name:30} {sample.kind:17} {'flag' if sample.flag else 'pass':6} {cells}")
    print(json.dumps(outcomes), file=sys.stderr)


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
        print_verdicts(verdict_table(args.peers_venv, scratch))


if __name__ == "__main__":
    main()
