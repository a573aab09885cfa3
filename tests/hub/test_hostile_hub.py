"""Issue 16, network side: a hostile or broken hub can slow ``hubguard scan``/``hubguard model`` by at most
``--timeout`` (plus a margin for a loaded machine), and the result is an HG405 finding, never a clean
pass and never a traceback."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from hubguard.cli import main
from tests.fakehub import FakeHub
from tests.inspectors.fixtures import system_call  # the pickle of os.system("touch <canary>")

TIMEOUT = 2.0
MARGIN = 5.0  # the CLI, the static pass and a loaded 2-core machine; the faults below would take 60 s or more
CODE = b"import os\n\nclass Custom:\n    pass\n"
CONFIG = json.dumps({"model_type": "custom", "auto_map": {"AutoModel": "modeling.Custom"}}).encode()

FAULTS: dict[str, dict[str, Any]] = {
    "drip": {"kind": "drip", "seconds": 0.05},
    "drip-headers": {"kind": "drip_headers", "seconds": 0.05},
    "slow-headers": {"kind": "delay", "seconds": 60},
    "retry-after-nan": {"kind": "status", "status": 429, "retry_after": "nan"},
    "retry-after-inf": {"kind": "status", "status": 429, "retry_after": "inf"},
    "retry-after-far-date": {"kind": "status", "status": 503, "retry_after": "Fri, 31 Dec 9999 23:59:59 GMT"},
    "rate-limit": {"kind": "rate_limit", "seconds": 86_400},
    "server-errors": {"kind": "status", "status": 503},
    "truncated": {"kind": "truncate"},
    "reset": {"kind": "reset"},
    "redirect-loop": {"kind": "redirect"},
    "oversize": {"kind": "oversize", "size": 64 * 2**20},
    "bad-length": {"kind": "headers", "headers": {"Content-Length": "nan"}},
}
FILE_FAULTS = ("drip", "slow-headers", "retry-after-nan", "truncated", "reset", "redirect-loop", "bad-length")


@pytest.fixture
def victim(fake_hub: FakeHub, isolated_hf_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeHub:
    canary = tmp_path / "canary"
    files = {"config.json": CONFIG, "modeling.py": CODE, "pytorch_model.bin": system_call(f"touch {canary}", 2)}
    fake_hub.add_repo("org/victim", files)
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.url)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(
        "from transformers import AutoModel\n"
        'model = AutoModel.from_pretrained("org/victim", trust_remote_code=True)\n'
    )
    return fake_hub


def run(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, set[str], float]:
    started = time.monotonic()
    code = main([*args, "--format", "json", "--timeout", str(TIMEOUT)])
    elapsed = time.monotonic() - started
    report = json.loads(capsys.readouterr().out)
    assert "Traceback" not in json.dumps(report)
    return code, {finding["rule"] for finding in report["findings"]}, elapsed


API = "^/api/"
FILES = "/resolve/"


@pytest.mark.parametrize(
    ("where", "fault"), [(API, fault) for fault in sorted(FAULTS)] + [(FILES, fault) for fault in FILE_FAULTS]
)
def test_scan_against_a_faulty_hub(victim: FakeHub, capsys: pytest.CaptureFixture[str], where: str, fault: str) -> None:
    victim.fault(where, **FAULTS[fault])
    code, rules, elapsed = run("scan", "app.py", capsys=capsys)
    assert code == 1 and "HG405" in rules
    assert elapsed < TIMEOUT + MARGIN


@pytest.mark.parametrize(
    ("where", "fault"),
    [(API, fault) for fault in ("drip", "retry-after-nan", "oversize")] + [(FILES, fault) for fault in FILE_FAULTS],
)
def test_model_against_a_faulty_hub(
    victim: FakeHub, capsys: pytest.CaptureFixture[str], where: str, fault: str
) -> None:
    victim.fault(where, **FAULTS[fault])
    code, rules, elapsed = run("model", "org/victim", capsys=capsys)
    # Nothing was judged (HG405), or the pickle could not be read and the inspector calls it suspicious (HG403).
    assert code == 1 and rules and rules <= {"HG403", "HG405"}
    assert elapsed < TIMEOUT + MARGIN


def test_model_against_a_server_ignoring_range(victim: FakeHub, capsys: pytest.CaptureFixture[str]) -> None:
    victim.fault("/resolve/", "ignore_range")
    code, rules, elapsed = run("model", "org/victim", capsys=capsys)
    assert code == 1 and rules == {"HG403"}  # still judged, from the first bytes of each 200 answer
    assert elapsed < TIMEOUT + MARGIN
