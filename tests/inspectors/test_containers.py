"""Containers and non-pickle formats: torch zip/legacy/tar, npy/npz, joblib, compression, keras, safetensors."""

from __future__ import annotations

import gzip
import json
import pickle
import zipfile
from pathlib import Path

import h5py
import pytest

from tests.inspectors.fixtures import (
    APPEND, PROTO4, STOP, compress_all, corrupt_crcs, dense_layer, joblib_with_array, keras_config, keras_zip,
    legacy_torch_stream, legacy_torch_tar, npy_bytes, patch_local_flags, rename_local, safetensors_bytes,
    system_call, tar_bytes, torch_state_dict_pickle, torch_zip, zip_bytes, zip_with_duplicates,
)
from tests.inspectors.helpers import CountingSource, judge, kinds, messages
from hubguard.inspectors import (
    BytesSource, FileSource, Limits, SourceError, Verdict, inspect_path, inspect_source, is_weight_candidate,
)

EVIL = system_call("id", 2)
BENIGN = torch_state_dict_pickle()


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
@pytest.mark.parametrize("folder", ["archive", "pytorch_model", "weird name/deeper"])
def test_torch_zip_verdicts(folder: str, compression: int) -> None:
    assert judge(torch_zip(BENIGN, folder=folder, compression=compression)).verdict is Verdict.SAFE
    evil = judge(torch_zip(EVIL, folder=folder, compression=compression))
    assert evil.verdict is Verdict.MALICIOUS and evil.format == "torch-zip"
    assert any(issue.member == f"{folder}/data.pkl" for issue in evil.issues)


def test_every_pkl_member_is_scanned() -> None:
    data = zip_bytes([("archive/data.pkl", BENIGN), ("archive/constants.pkl", EVIL), ("archive/version", b"3\n")])
    assert judge(data).verdict is Verdict.MALICIOUS


@pytest.mark.parametrize("tamper,kind", [
    (lambda data: patch_local_flags(data, 0, 0x1), "zip-structure"),
    (lambda data: patch_local_flags(data, 0, 0x40), "zip-structure"),
    (lambda data: rename_local(data, "archive/data.pkl", "archive/data.txt"), "zip-structure"),
    (corrupt_crcs, None),
], ids=["encrypt-flag", "strong-encrypt-flag", "name-mismatch", "bad-crc"])
def test_zip_tampering_neither_hides_the_payload_nor_goes_unreported(tamper, kind: str | None) -> None:
    verdict = judge(tamper(torch_zip(EVIL)))
    assert verdict.verdict is Verdict.MALICIOUS
    if kind:
        assert kind in kinds(verdict)


@pytest.mark.parametrize("first,second", [(BENIGN, EVIL), (EVIL, BENIGN)], ids=["evil-last", "evil-first"])
def test_duplicate_members_are_all_scanned(first: bytes, second: bytes) -> None:
    verdict = judge(zip_with_duplicates(first, second))
    assert verdict.verdict is Verdict.MALICIOUS
    assert "duplicate member name" in messages(verdict)


def test_pickle_hidden_under_another_extension_in_a_zip() -> None:
    verdict = judge(zip_bytes([("model/weights.txt", system_call("id", 0))]))
    assert verdict.verdict is Verdict.MALICIOUS


def test_zip_inside_zip() -> None:
    verdict = judge(zip_bytes([("inner.zip", torch_zip(EVIL))]))
    assert verdict.verdict is Verdict.MALICIOUS
    assert any(issue.member == "inner.zip/archive/data.pkl" for issue in verdict.issues)


def test_polyglot_pickle_then_zip_scans_both_sides() -> None:
    evil_front = judge(EVIL + torch_zip(BENIGN))
    evil_back = judge(BENIGN + torch_zip(EVIL))
    for verdict in (evil_front, evil_back):
        assert verdict.verdict is Verdict.MALICIOUS
        assert "polyglot" in kinds(verdict)


def test_legacy_torch_stream_scans_all_five_pickles() -> None:
    assert judge(legacy_torch_stream(BENIGN)).verdict is Verdict.SAFE
    verdict = judge(legacy_torch_stream(EVIL))
    assert verdict.verdict is Verdict.MALICIOUS and verdict.format == "torch-legacy"


def test_legacy_torch_tar() -> None:
    assert judge(legacy_torch_tar(BENIGN)).verdict is Verdict.SAFE
    assert judge(legacy_torch_tar(EVIL)).verdict is Verdict.MALICIOUS
    hidden_in_storages = judge(legacy_torch_tar(BENIGN, storage_views=EVIL))
    assert hidden_in_storages.verdict is Verdict.MALICIOUS
    assert any(issue.member == "storages" for issue in hidden_in_storages.issues)


def test_plain_tar_members_are_sniffed() -> None:
    verdict = judge(tar_bytes([("readme.md", b"hello"), ("model/weights.bin", EVIL)]))
    assert verdict.verdict is Verdict.MALICIOUS and "tar" in verdict.format


@pytest.mark.parametrize("version", [1, 2])
def test_npy(version: int) -> None:
    assert judge(npy_bytes("<f4", (4,), bytes(16), version=version)).verdict is Verdict.SAFE
    assert judge(npy_bytes("|O", (1,), EVIL, version=version)).verdict is Verdict.MALICIOUS
    structured = npy_bytes([("a", "<f4"), ("b", "|O")], (1,), EVIL, version=version)  # type: ignore[arg-type]
    assert judge(structured).verdict is Verdict.MALICIOUS


def test_npz() -> None:
    good = npy_bytes("<f4", (4,), bytes(16))
    assert judge(zip_bytes([("a.npy", good)])).verdict is Verdict.SAFE
    verdict = judge(zip_bytes([("a.npy", good), ("b.npy", npy_bytes("|O", (1,), EVIL))], compression=zipfile.ZIP_DEFLATED))
    assert verdict.verdict is Verdict.MALICIOUS and verdict.format.startswith("npz")


def test_malformed_npy_header_is_suspicious() -> None:
    assert judge(b"\x93NUMPY\x01\x00\x10\x00{'descr': __import__" + bytes(8)).verdict is Verdict.SUSPICIOUS


def test_joblib_arrays_are_stepped_over() -> None:
    array = bytes(range(256)) * 4  # raw float64 bytes in the middle of the pickle stream
    assert judge(joblib_with_array(array, STOP), "model.joblib").verdict is Verdict.SAFE
    evil = judge(joblib_with_array(array, EVIL[2:-1] + APPEND + STOP), "model.joblib")
    assert evil.verdict is Verdict.MALICIOUS


def test_joblib_object_arrays_are_scanned() -> None:
    benign = joblib_with_array(pickle.dumps([1, "two", 3.0], protocol=2), STOP, object_array=True)
    assert judge(benign, "model.joblib").verdict is Verdict.SAFE
    assert judge(joblib_with_array(EVIL, STOP, object_array=True), "model.joblib").verdict is Verdict.MALICIOUS
    after = joblib_with_array(pickle.dumps([1], protocol=2), EVIL[2:-1] + APPEND + STOP, object_array=True)
    assert judge(after, "model.joblib").verdict is Verdict.MALICIOUS


def test_joblib_object_array_nesting_is_bounded() -> None:
    data = STOP
    for _ in range(4):
        data = joblib_with_array(data if data != STOP else pickle.dumps([1], protocol=2), STOP, object_array=True)
    assert "limit" in kinds(judge(data, limits=Limits(max_nesting=2)))
    assert judge(data).verdict is Verdict.SAFE


@pytest.mark.parametrize("codec", ["gzip", "bz2", "xz", "lzma", "zlib"])
def test_compressed_pickles(codec: str) -> None:
    assert judge(compress_all(BENIGN)[codec]).verdict is Verdict.SAFE
    verdict = judge(compress_all(EVIL)[codec])
    assert verdict.verdict is Verdict.MALICIOUS and codec in verdict.format


def test_compressed_joblib_with_arrays() -> None:
    data = joblib_with_array(bytes(800), EVIL[2:-1] + APPEND + STOP)
    assert judge(compress_all(data)["zlib"], "model.joblib").verdict is Verdict.MALICIOUS


def test_protocol0_pickle_that_is_also_a_zlib_header() -> None:
    data = b"(S'id'\nios\nsystem\n."
    assert data[:2] == b"(S"
    assert judge(data).verdict is Verdict.MALICIOUS


def test_keras() -> None:
    assert judge(keras_zip(keras_config([dense_layer()]))).verdict is Verdict.SAFE
    lambda_layer = {"module": "keras.layers", "class_name": "Lambda",
                    "config": {"function": {"class_name": "__lambda__", "config": {"code": "4wEAAAAA"}}}}
    assert "keras-lambda" in kinds(judge(keras_zip(keras_config([lambda_layer]))), Verdict.MALICIOUS)
    custom = {"module": "my_project.layers", "class_name": "Fancy", "config": {}}
    assert judge(keras_zip(keras_config([custom]))).verdict is Verdict.SUSPICIOUS
    for module, name in [("os", "system"), ("keras.config", "enable_unsafe_deserialization"), ("builtins", "exec")]:
        hostile = {"module": module, "class_name": name, "config": {}}
        assert judge(keras_zip(keras_config([hostile]))).verdict is Verdict.MALICIOUS


def test_safetensors() -> None:
    assert judge(safetensors_bytes(), "model.safetensors").verdict is Verdict.SAFE
    wrong_offsets = {"w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 999]}}
    assert judge(safetensors_bytes(wrong_offsets)).verdict is Verdict.SUSPICIOUS
    assert judge(EVIL, "model.safetensors").verdict is Verdict.MALICIOUS


@pytest.mark.parametrize("magic,word", [(b"Rar!\x1a\x07", "RAR"), (b"\x04\x22\x4d\x18", "LZ4")])
def test_unsupported_containers_are_named(magic: bytes, word: str) -> None:
    verdict = judge(magic + bytes(64))
    assert verdict.verdict is Verdict.UNKNOWN and word in messages(verdict)


def test_unknown_bytes_are_unknown() -> None:
    for data in (b"", b"hello world\n", b"\x00\x01\x02\x03" * 100, b'{"architectures": ["Bert"]}'):
        assert judge(data).verdict is Verdict.UNKNOWN


def test_zip_checkpoint_is_judged_from_a_few_kilobytes() -> None:
    storage = 50 * 2**20
    data = zip_bytes([("archive/data.pkl", BENIGN), ("archive/data/0", bytes(storage)), ("archive/version", b"3\n")])
    source = CountingSource("big.pt", data)
    assert inspect_source(source).verdict is Verdict.SAFE
    assert source.bytes_read < 16_000, source.reads
    evil = CountingSource("evil.pt", zip_bytes([("archive/data/0", bytes(storage)), ("archive/data.pkl", EVIL)]))
    assert inspect_source(evil).verdict is Verdict.MALICIOUS
    assert evil.bytes_read < 16_000


def test_zip_bomb_is_bounded() -> None:
    bomb = PROTO4 + b"\x8e" + (32 * 2**20).to_bytes(8, "little") + bytes(32 * 2**20) + STOP
    data = zip_bytes([("archive/data.pkl", bomb)], compression=zipfile.ZIP_DEFLATED)
    verdict = judge(data, "bomb.pt")
    assert verdict.verdict is Verdict.SUSPICIOUS and "limit" in kinds(verdict)
    assert "decompression bomb" in messages(verdict)


def test_gzip_bomb_is_bounded() -> None:
    data = gzip.compress(PROTO4 + b"\x8e" + (8 * 2**20).to_bytes(8, "little") + bytes(8 * 2**20) + STOP)
    verdict = judge(data, limits=Limits(max_inflated_bytes=2**20))
    assert verdict.verdict is Verdict.SUSPICIOUS and "limit" in kinds(verdict)
    assert "bytes decompressed from this file" in messages(verdict)


def test_too_many_members_is_a_limit() -> None:
    data = zip_bytes([(f"f{index}.txt", b"x") for index in range(20)])
    assert "limit" in kinds(judge(data, limits=Limits(max_members=5)))


class FailingSource:
    """Serves bytes up to ``fail_after``, then fails like a dropped connection."""

    def __init__(self, data: bytes, fail_after: int) -> None:
        self.name, self.size, self._data, self._fail_after, self._read = "flaky.pt", len(data), data, fail_after, 0

    def read(self, offset: int, length: int) -> bytes:
        if offset >= self._fail_after:
            raise SourceError("connection reset")
        chunk = self._data[offset : min(offset + length, self._fail_after)]
        self._read += len(chunk)
        return chunk

    @property
    def bytes_read(self) -> int:
        return self._read


@pytest.mark.parametrize("protocol", [0, 2])
@pytest.mark.parametrize("fail_after", [0, 10, 20, 600])
def test_source_errors_are_issues_not_tracebacks(protocol: int, fail_after: int) -> None:
    verdict = inspect_source(FailingSource(system_call("id", protocol) + bytes(3000), fail_after))
    assert verdict.verdict >= Verdict.SUSPICIOUS
    assert not any("unexpectedly" in issue.message for issue in verdict.issues)
    if fail_after == 600:
        assert verdict.verdict is Verdict.MALICIOUS and "incomplete" in kinds(verdict)


def test_inspect_path_reports_every_file(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "pytorch_model.bin").write_bytes(torch_zip(EVIL))
    (tmp_path / "model.safetensors").write_bytes(safetensors_bytes())
    (tmp_path / "README.md").write_text("# model\n")
    (tmp_path / "weights.npy").write_bytes(npy_bytes("|O", (1,), EVIL))
    (tmp_path / "link.bin").symlink_to(tmp_path / "README.md")
    verdicts = {verdict.name: verdict for verdict in inspect_path(tmp_path)}
    assert set(verdicts) == {"sub/pytorch_model.bin", "model.safetensors", "README.md", "weights.npy", "link.bin"}
    assert verdicts["sub/pytorch_model.bin"].verdict is Verdict.MALICIOUS
    assert verdicts["weights.npy"].verdict is Verdict.MALICIOUS
    assert verdicts["model.safetensors"].verdict is Verdict.SAFE
    assert verdicts["README.md"].verdict is Verdict.UNKNOWN
    assert verdicts["link.bin"].verdict is Verdict.UNKNOWN
    single = inspect_path(tmp_path / "weights.npy")
    assert len(single) == 1 and single[0].bytes_read > 0


def test_file_source_reads_lazily(tmp_path: Path) -> None:
    path = tmp_path / "big.pt"
    path.write_bytes(zip_bytes([("archive/data.pkl", BENIGN), ("archive/data/0", bytes(4 * 2**20))]))
    verdict = inspect_source(FileSource(path))
    assert verdict.verdict is Verdict.SAFE and verdict.bytes_read < 16_000 and verdict.size == path.stat().st_size


def test_bytes_source_counts_reads() -> None:
    source = BytesSource("x", b"abcdef")
    assert source.read(4, 10) == b"ef" and source.bytes_read == 2


@pytest.mark.parametrize("name,expected", [
    ("pytorch_model.bin", True), ("model.PT", True), ("x.pth", True), ("a/b/model.ckpt", True), ("rf.joblib", True),
    ("w.npy", True), ("w.npz", True), ("m.keras", True), ("m.h5", True), ("m.nemo", True), ("m.pdparams", True),
    ("data.pkl.gz", True), ("ckpt.pth.tar", True), ("model.safetensors", False), ("tokenizer.model", False),
    ("model-q4.gguf", True), ("model.onnx", True),
    ("README.md", False), ("config.json", False),
    ("modeling_x.py", False),
])
def test_is_weight_candidate(name: str, expected: bool) -> None:
    assert is_weight_candidate(name) is expected
