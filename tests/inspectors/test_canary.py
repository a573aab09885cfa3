"""Inspecting hostile files must never run them: every payload here would leave a file behind if it ran."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from tests.inspectors.fixtures import (
    MARK, PROTO2, REDUCE, STOP, TUPLE, b64, call_global, compress_all, exec_call, frame_crossing_pickle,
    global_op, legacy_torch_stream, legacy_torch_tar, npy_bytes, system_call, torch_state_dict_pickle,
    torch_zip, unicode, zip_bytes,
)
from hubguard.inspectors import Verdict, inspect_path

CANARY_MODULE = "hubguard_canary_payload"


def _module_source(target: Path) -> str:
    return f"from pathlib import Path\nPath({str(target)!r}).write_text('imported')\ndef boom(*args):\n    return 0\n"


def _payloads(canary: Path) -> dict[str, bytes]:
    shell = f"touch {canary}"
    code = f"open({str(canary)!r}, 'w').close()"
    pickles = {f"system-p{protocol}.pkl": system_call(shell, protocol) for protocol in range(6)}
    pickles["exec.pkl"] = exec_call(code)
    pickles["popen.pkl"] = call_global("subprocess", "Popen", MARK + unicode("touch") + unicode(str(canary)) + b"l")
    pickles["import.pkl"] = PROTO2 + global_op(CANARY_MODULE, "boom") + MARK + TUPLE + REDUCE + STOP
    pickles["frame.pkl"] = frame_crossing_pickle(shell)
    pickles["nested.pkl"] = call_global("mylib", "decode", unicode(b64(exec_call(code, 4))), protocol=4)
    files = dict(pickles)
    files["torch.pt"] = torch_zip(pickles["system-p2.pkl"])
    files["legacy.pt"] = legacy_torch_stream(pickles["exec.pkl"])
    files["legacy-tar.pt"] = legacy_torch_tar(torch_state_dict_pickle(), storage_views=pickles["system-p2.pkl"])
    files["object.npy"] = npy_bytes("|O", (1,), pickles["exec.pkl"])
    files["arrays.npz"] = zip_bytes([("a.npy", files["object.npy"])])
    files["model.joblib"] = compress_all(pickles["system-p4.pkl"])["zlib"]
    files["model.pkl.gz"] = compress_all(pickles["exec.pkl"])["gzip"]
    files["polyglot.pt"] = pickles["system-p3.pkl"] + torch_zip(torch_state_dict_pickle())
    return files


def test_no_payload_runs_while_inspecting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    canary = tmp_path / "canary"
    modules = tmp_path / "modules"
    modules.mkdir()
    (modules / f"{CANARY_MODULE}.py").write_text(_module_source(canary))
    monkeypatch.syspath_prepend(str(modules))
    samples = tmp_path / "samples"
    samples.mkdir()
    payloads = _payloads(canary)
    for name, data in payloads.items():
        (samples / name).write_bytes(data)

    verdicts = inspect_path(samples)

    assert not canary.exists()
    assert CANARY_MODULE not in sys.modules
    assert {verdict.name for verdict in verdicts} == set(payloads)
    for verdict in verdicts:
        expected = Verdict.SUSPICIOUS if verdict.name == "import.pkl" else Verdict.MALICIOUS
        assert verdict.verdict is expected, (verdict.name, verdict.issues)


def test_the_canaries_are_armed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run each payload's action directly (not by unpickling) to prove it would leave the trace."""
    shell_canary, code_canary, import_canary = tmp_path / "shell", tmp_path / "code", tmp_path / "import"
    subprocess.run(["sh", "-c", f"touch {shell_canary}"], check=True)
    exec(f"open({str(code_canary)!r}, 'w').close()")  # the payload string itself; no pickle involved
    modules = tmp_path / "modules"
    modules.mkdir()
    (modules / "hubguard_canary_armed.py").write_text(_module_source(import_canary))
    monkeypatch.syspath_prepend(str(modules))
    importlib.import_module("hubguard_canary_armed")
    monkeypatch.delitem(sys.modules, "hubguard_canary_armed")
    assert shell_canary.exists() and code_canary.exists() and import_canary.exists()
