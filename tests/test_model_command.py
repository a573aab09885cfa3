"""``hubguard model``: local files and directories, hub repos on the loopback hub, bad targets."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from hubguard.cli import main
from tests.fakehub import FakeHub
from tests.fakehub.files import FakeFileServer
from tests.fakehub.fixtures import fake_hub, isolated_hf_env  # noqa: F401  (pytest fixtures)
from tests.inspectors.fixtures import system_call  # the pickle of os.system("touch <canary>")


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main(["model", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def _json_and_stats(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict, str]:
    code = main(["model", "--format", "json", "--stats", *args])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def test_local_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    canary = tmp_path / "canary"
    weights = tmp_path / "weights"
    weights.mkdir()
    (weights / "evil.pkl").write_bytes(system_call(f"touch {canary}", 2))
    (weights / "ok.pkl").write_bytes(pickle.dumps({"layer": [1.0, 2.0]}))
    (weights / "README.md").write_text("# not a model file\n")
    (weights / "linked.bin").symlink_to(weights / "evil.pkl")
    monkeypatch.chdir(tmp_path)
    code, report = _json(capsys, "weights")
    assert code == 1
    found = {(f["path"], f["rule"], f["level"]) for f in report["findings"]}
    assert found == {("weights/evil.pkl", "HG403", "error"), ("weights/linked.bin", "HG405", "warning")}
    assert not canary.exists()


@pytest.mark.parametrize("target", ["a b/c", "../../x/y/z", "org/repo?x=1"])
def test_neither_path_nor_repo_id_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["model", target]) == 2
    err = capsys.readouterr().err
    assert "neither an existing path nor a valid hub repo ID" in err or "no such file or directory" in err


def test_offline_repo_id_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["model", "--offline", "org/model"]) == 2


def test_unreachable_hub_is_an_incomplete_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, report = _json(capsys, "--timeout", "5", "org/model")
    assert code == 1
    assert [f["rule"] for f in report["findings"]] == ["HG405"]


@pytest.mark.slow
def test_hub_repo_is_judged_from_ranges(
    fake_hub: FakeHub,  # noqa: F811
    isolated_hf_env: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    canary = tmp_path / "canary"
    padding = bytes(4 * 2**20)  # after STOP: never needed for the verdict
    sha = fake_hub.add_repo(
        "org/weights",
        {
            "config.json": b"{}",
            "pytorch_model.bin": system_call(f"touch {canary}", 2) + padding,
            "README.md": b"hi",
        },
    )
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.url)
    monkeypatch.chdir(tmp_path)
    code, report, stats = _json_and_stats(capsys, "org/weights")
    assert code == 1
    [finding] = report["findings"]
    assert finding["rule"] == "HG403" and finding["level"] == "error"
    assert finding["path"].startswith(f"{fake_hub.url}/org/weights/blob/{sha}/")
    assert finding["path"].endswith("/pytorch_model.bin")
    assert not canary.exists()
    [row] = [line.split() for line in stats.splitlines() if line.endswith("/pytorch_model.bin")]
    read, size = int(row[0].replace(",", "")), int(row[4].replace(",", ""))
    assert read < 2**20 <= size  # a fraction of the file was transferred


def test_a_url_is_judged_from_ranges(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    canary = tmp_path / "canary"
    monkeypatch.chdir(tmp_path)
    with FakeFileServer() as files:
        url = files.add("/releases/v1/model.pt", system_call(f"touch {canary}", 2) + bytes(4 * 2**20))
        assert main(["model", url]) == 2  # a loopback address is refused unless the user allows it
        assert "non-public address" in capsys.readouterr().err
        monkeypatch.setenv("HUBGUARD_ALLOW_PRIVATE_URLS", "1")
        code, report, stats = _json_and_stats(capsys, url)
    assert code == 1 and not canary.exists()
    [finding] = report["findings"]
    assert (finding["rule"], finding["level"], finding["path"]) == ("HG403", "error", url)
    [row] = [line.split() for line in stats.splitlines() if line.endswith("/model.pt")]
    assert int(row[0].replace(",", "")) < 2**20  # bytes read, of a 4 MiB file
    assert main(["model", "--offline", url]) == 2
