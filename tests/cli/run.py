"""Run the real ``python -m hubguard`` in a subprocess, optionally with a fault injected first."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

VULNERABLE = 'from transformers import AutoModel\nm = AutoModel.from_pretrained("org/m", trust_remote_code=True)\n'
CLEAN = "import json\nwith open('x.json') as f:\n    data = json.load(f)\n"
TORCH_LOAD = "import torch\nstate = torch.load('w.pt')\n"

# Replaces ``target`` (``module:attribute``) with a function that raises, then runs ``python -m hubguard``.
_FAULT = """\
import importlib, runpy, sys
module_name, attribute = sys.argv.pop(1).split(":")
def fail(*args, **kwargs):
    raise RuntimeError("injected fault")
setattr(importlib.import_module(module_name), attribute, fail)
sys.argv[0] = "hubguard"
runpy.run_module("hubguard", run_name="__main__", alter_sys=True)
"""


@dataclass
class Completed:
    returncode: int
    stdout: str
    stderr: str


def hubguard(
    *args: str,
    cwd: Path,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    fault: str | None = None,
) -> Completed:
    """``python -m hubguard ARGS`` in ``cwd``; with ``fault``, that function raises RuntimeError first."""
    command = [sys.executable, "-c", _FAULT, fault, *args] if fault else [sys.executable, "-m", "hubguard", *args]
    full_env = {key: value for key, value in os.environ.items() if not key.startswith(("HUBGUARD", "HF_TOKEN"))}
    full_env.update({"HF_ENDPOINT": "http://127.0.0.1:9", "NO_COLOR": "1", "COLUMNS": "100"})
    full_env.pop("FORCE_COLOR", None)
    full_env.update(env or {})
    completed = subprocess.run(
        command, cwd=cwd, input=stdin, capture_output=True, text=True, env=full_env, timeout=300, check=False
    )
    return Completed(completed.returncode, completed.stdout, completed.stderr)


def project(root: Path, files: dict[str, str]) -> Path:
    """A git-less project directory: ``.git`` marks the root so no outer configuration leaks in."""
    (root / ".git").mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root
