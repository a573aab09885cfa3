"""[tool.hubguard] pickle-allowlist: parsed strictly, and honoured by hubguard model (local and hub)
and by the remote pass of hubguard scan, whose cache never serves a verdict made under another list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hubguard.cli import main
from hubguard.config import ConfigError, config_from_table
from hubguard.findings import HubReference, Location, Region
from hubguard.hub.remote_pass import RemoteOptions, run_remote_pass
from hubguard.hub.transport import RetryPolicy
from hubguard.revisions import classify_revision
from tests.fakehub import FakeHub
from tests.fakehub.fixtures import fake_hub, isolated_hf_env  # noqa: F401  (pytest fixtures)
from tests.inspectors.fixtures import EMPTY_TUPLE, PROTO2, REDUCE, STOP, global_op

PROJECT_CLASS = PROTO2 + global_op("mylib.models", "Net") + EMPTY_TUPLE + REDUCE + STOP
ALLOW = '[tool.hubguard]\npickle-allowlist = ["mylib.models:Net"]\n'


def test_entries_are_validated() -> None:
    config = config_from_table({"pickle-allowlist": ["mylib.models:Net", "other:*"]}, Path("pyproject.toml"))
    assert config.pickle_allowlist == ("mylib.models:Net", "other:*")
    for bad in (["os:system"], ["no-colon"], "mylib:Net", [3]):
        with pytest.raises(ConfigError, match="pickle-allowlist"):
            config_from_table({"pickle-allowlist": bad}, Path("pyproject.toml"))


def _model(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, object]]]:
    code = main(["model", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)["findings"]


def test_local_model_command_honours_the_allowlist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "net.pkl").write_bytes(PROJECT_CLASS)
    (tmp_path / "pyproject.toml").write_text("[tool.hubguard]\n")
    code, [finding] = _model(capsys, "net.pkl")
    assert code == 1 and finding["level"] == "warning"
    (tmp_path / "pyproject.toml").write_text(ALLOW)
    code, [finding] = _model(capsys, "net.pkl")
    assert code == 0 and finding["level"] == "note" and "mylib.models.Net" in str(finding["message"])


def test_a_dangerous_entry_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.hubguard]\npickle-allowlist = ["subprocess:Popen"]\n')
    assert main(["model", "."]) == 2
    assert "cannot be allowed" in capsys.readouterr().err


def test_hub_model_command_honours_the_allowlist(
    fake_hub: FakeHub,  # noqa: F811
    isolated_hf_env: Path,  # noqa: F811
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    fake_hub.add_repo("org/library", {"pytorch_model.bin": PROJECT_CLASS})
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.url)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(ALLOW)
    code, [finding] = _model(capsys, "org/library")
    assert code == 0 and finding["rule"] == "HG403" and finding["level"] == "note"


def _reference(revision: str) -> HubReference:
    return HubReference(
        hub="huggingface", repo_type="model", repo_id="org/library", revision=revision,
        revision_state=classify_revision(revision), location=Location("train.py", Region(1, 1, 1, 40)),
        sink="A1", runs_remote_code=False, loads_weights=True,
    )


def test_remote_pass_honours_the_allowlist_and_keys_its_cache_by_it(
    fake_hub: FakeHub,  # noqa: F811
    isolated_hf_env: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    sha = fake_hub.add_repo("org/library", {"pytorch_model.bin": PROJECT_CLASS})

    def levels(allowlist: tuple[str, ...]) -> list[tuple[str, str]]:
        options = RemoteOptions(offline=False, timeout=10.0, cache_dir=tmp_path / "cache", endpoint=fake_hub.url,
                                token=None, retry=RetryPolicy(attempts=1), pickle_allowlist=allowlist)
        result = run_remote_pass([_reference(sha)], options)
        return sorted((finding.rule_id, finding.level.value) for finding in result.findings)

    assert levels(()) == [("HG403", "warning"), ("HG404", "warning")]
    assert levels(("mylib.models:Net",)) == [("HG403", "note"), ("HG404", "warning")]  # not the cached verdict
    assert levels(()) == [("HG403", "warning"), ("HG404", "warning")]
