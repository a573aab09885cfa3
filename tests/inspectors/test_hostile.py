"""Issue 16: archives built to hide a finding or to stop the gate. Each case is bounded and never clean."""

from __future__ import annotations

import json
import time
import zipfile
from pathlib import Path

import pytest

from tests.inspectors.fixtures import (
    PROTO4, STOP, dense_layer, keras_config, opcode_churn, opcode_churn_zip, shared_entry_zip, system_call, zip_bytes,
)
from tests.inspectors.helpers import judge, kinds, messages
from hubguard.cli import main
from hubguard.inspectors import BytesSource, Limits, Verdict, inspect_source
from tests.fakehub import FakeHub
from tests.fakehub.fixtures import fake_hub, isolated_hf_env  # noqa: F401  (pytest fixtures)

EVIL = system_call("id", 2)
LAMBDA = {"module": "keras.layers", "class_name": "Lambda",
          "config": {"function": {"class_name": "__lambda__", "config": {"code": "4wEAAAAA"}}}}


def _config_only_keras(config: dict[str, object]) -> bytes:
    return zip_bytes([("config.json", json.dumps(config).encode())], compression=zipfile.ZIP_DEFLATED)


@pytest.mark.parametrize("layer,least", [
    ({"module": "os", "class_name": "system", "config": {}}, Verdict.MALICIOUS),
    ({"module": "builtins", "class_name": "function", "config": "exec", "registered_name": "function"}, Verdict.MALICIOUS),
    (LAMBDA, Verdict.SUSPICIOUS),
], ids=["os-system", "function-exec", "lambda"])
def test_keras_zip_is_recognised_by_its_config_alone(layer: dict[str, object], least: Verdict) -> None:
    verdict = judge(_config_only_keras(keras_config([dense_layer(), layer])), "model.keras")
    assert verdict.format == "keras"
    assert verdict.verdict >= least, messages(verdict)


def test_benign_config_only_keras_zip_stays_clean() -> None:
    assert judge(_config_only_keras(keras_config([dense_layer()])), "model.keras").verdict is Verdict.SAFE


@pytest.mark.parametrize("config,least", [
    ({"post_load_hook": "os.system", "args": ["id"]}, Verdict.SUSPICIOUS),
    ({"layers": [{"module": "subprocess", "class_name": "Popen", "config": {}}]}, Verdict.MALICIOUS),
    ({"layers": [{"module": "my_project.layers", "class_name": "Fancy", "config": {}}]}, Verdict.SUSPICIOUS),
], ids=["dotted-string", "keras-style-denied", "custom-object"])
def test_unrecognised_archive_with_a_config_naming_callables_is_not_clean(config: object, least: Verdict) -> None:
    data = zip_bytes([("model/settings.json", json.dumps(config).encode()), ("model/weights.bin", bytes(64))])
    verdict = judge(data)
    assert verdict.format == "zip" and verdict.verdict >= least, messages(verdict)


def test_plain_configs_in_an_archive_are_not_flagged() -> None:
    config = {"architectures": ["BertModel"], "auto_map": {"AutoModel": "modeling_x.Model"}, "hidden_act": "gelu"}
    assert judge(zip_bytes([("repo/config.json", json.dumps(config).encode())])).verdict is Verdict.SAFE


def test_many_directory_entries_sharing_one_member_are_inspected_once() -> None:
    member = opcode_churn(200_000) + EVIL  # 0.2 s of emulation per inspection; the payload comes after
    data = shared_entry_zip(member, 5000)
    assert len(data) < 300_000
    started = time.monotonic()
    verdict = judge(data)
    assert time.monotonic() - started < 60  # generous: 5,000 inspections would take over 15 minutes
    assert verdict.verdict is Verdict.MALICIOUS
    assert "4999 directory entries reuse another entry's data" in messages(verdict)


def test_overlapping_members_are_reported() -> None:
    data = bytearray(zip_bytes([("a.pkl", EVIL), ("b.pkl", EVIL)]))
    second = data.index(b"PK\x01\x02", data.index(b"PK\x01\x02") + 4)
    data[second + 42 : second + 46] = (5).to_bytes(4, "little")  # b.pkl's local header "inside" a.pkl
    verdict = judge(bytes(data))
    assert "overlaps another member" in messages(verdict)
    assert verdict.verdict is Verdict.MALICIOUS  # a.pkl is still judged


def test_opcodes_are_budgeted_across_members() -> None:
    data = opcode_churn_zip(100, 100_000, last=EVIL)
    verdict = judge(data, limits=Limits(max_file_opcodes=300_000))
    assert verdict.verdict is Verdict.SUSPICIOUS
    assert "more than 300,000 pickle opcodes in this file" in messages(verdict)
    assert "the rest of the file was not inspected" in messages(verdict)


def test_decompressed_bytes_are_budgeted_across_members() -> None:
    blob = PROTO4 + b"\x8e" + (2**20).to_bytes(8, "little") + bytes(2**20) + STOP  # 3 opcodes, 1 MiB inflated
    data = zip_bytes([(f"part{index}.pkl", blob) for index in range(8)], compression=zipfile.ZIP_DEFLATED)
    verdict = judge(data, limits=Limits(max_inflated_bytes=3 * 2**20, max_inflate_ratio=10**6))
    assert verdict.verdict is Verdict.SUSPICIOUS
    assert "bytes decompressed from this file" in messages(verdict)


def test_re_reads_are_budgeted() -> None:
    data = shared_entry_zip(EVIL, 50)
    verdict = judge(bytearray_entries_shifted(data), limits=Limits(max_file_read_bytes=4096))
    assert verdict.verdict >= Verdict.SUSPICIOUS
    assert "bytes read from this file" in messages(verdict)


def bytearray_entries_shifted(data: bytes) -> bytes:
    """Make every directory entry distinct (so none is deduplicated) while each still reads the whole file."""
    patched = bytearray(data)
    start = 0
    while (found := patched.find(b"PK\x01\x02", start)) >= 0:
        patched[found + 20 : found + 24] = (len(data)).to_bytes(4, "little")  # compressed size: whole file
        start = found + 4
    return bytes(patched)


class Deadlined(BytesSource):
    """Bytes whose owner allows ``seconds`` for the whole inspection, like a hub scan's range source."""

    def __init__(self, name: str, data: bytes, seconds: float) -> None:
        super().__init__(name, data)
        self._deadline = time.monotonic() + seconds

    def seconds_left(self) -> float:
        return max(self._deadline - time.monotonic(), 0.0)


def test_the_sources_deadline_stops_the_issue_16_zip() -> None:
    data = opcode_churn_zip(100, 1_000_000)  # 110 KB; about 100 s of emulation without a budget
    started = time.monotonic()
    verdict = inspect_source(Deadlined("churn.pt", data, 1.0))
    assert time.monotonic() - started < 1.0 + 10  # the deadline plus a generous margin for a loaded machine
    assert verdict.verdict is Verdict.SUSPICIOUS
    assert "deadline" in messages(verdict) and "limit" in kinds(verdict)


def test_a_spent_deadline_is_never_clean() -> None:
    verdict = inspect_source(Deadlined("x.pkl", EVIL, 0.0))
    assert verdict.verdict is Verdict.SUSPICIOUS and "deadline" in messages(verdict)


def test_hub_scan_of_the_issue_16_zip_ends_within_its_timeout(
    fake_hub: FakeHub,  # noqa: F811
    isolated_hf_env: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake_hub.add_repo("org/churn", {"config.json": b"{}", "pytorch_model.bin": opcode_churn_zip(100, 1_000_000)})
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.url)
    monkeypatch.chdir(tmp_path)
    started = time.monotonic()
    code = main(["model", "--format", "json", "--timeout", "3", "org/churn"])
    assert time.monotonic() - started < 3 + 15  # --timeout plus a generous margin
    [finding] = json.loads(capsys.readouterr().out)["findings"]
    assert code == 1 and finding["rule"] == "HG403" and finding["level"] == "warning"
    assert "deadline" in finding["message"]
