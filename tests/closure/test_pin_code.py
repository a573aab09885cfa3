"""code_revision and custom_revision through the CLI's pipeline: the remote pass resolves the code they choose,
the HG201 on each argument carries that commit, and --fix writes it there. Semgrep is not what these tests are
about, so the code scanner is the stand-in of test_remote_wiring.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hubguard.config import Config
from hubguard.findings import Finding
from hubguard.fix import apply_fixes
from hubguard.hub.scanners import Scanners
from hubguard.pipeline import ScanOptions, run_scan
from tests.fakehub import FakeHub
from tests.remote_code.test_remote_wiring import Scanner, scanners

CONFIG = json.dumps({"auto_map": {"AutoModel": "modeling.CustomModel"}}).encode()
MODEL = b"class CustomModel:\n    pass\n"


@pytest.fixture(autouse=True)
def hub_env(fake_hub: FakeHub, isolated_hf_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.url)
    monkeypatch.setattr(Scanners, "default", classmethod(lambda cls, *settings: scanners(Scanner())))


def pin_findings(root: Path, config: Config) -> dict[str, Finding]:
    result = run_scan(ScanOptions([root], root, config))
    return {f.properties.get("revisionKeyword", "revision"): f for f in result.findings if f.rule_id == "HG201"}


def test_fix_pins_the_code_each_argument_chooses(fake_hub: FakeHub, tmp_path: Path) -> None:
    files = {"config.json": CONFIG, "modeling.py": MODEL}
    sha = fake_hub.add_repo("org/model", files, branches={"dev": {**files, "modeling.py": MODEL + b"# dev\n"}})
    dev = fake_hub.repo("org/model").refs["dev"]
    base = fake_hub.add_repo("org/base", {"model_index.json": b"{}"})
    pipe = fake_hub.add_repo("org/pipe", {"pipeline.py": MODEL})
    root = tmp_path / "project"
    root.mkdir()
    (root / "app.py").write_text(
        "from diffusers import DiffusionPipeline\nfrom transformers import AutoModel\n\n"
        f'model = AutoModel.from_pretrained("org/model", revision="{sha}", code_revision="dev", '
        "trust_remote_code=True)\n"
        f'pipe = DiffusionPipeline.from_pretrained("org/base", revision="{base}", custom_pipeline="org/pipe")\n'
    )
    config = Config(cache_dir=tmp_path / "cache")
    before = pin_findings(root, config)
    assert set(before) == {"code_revision", "custom_revision"}
    assert before["code_revision"].properties["resolvedRevision"] == dev
    assert before["custom_revision"].properties["resolvedRevision"] == pipe

    [outcome] = apply_fixes(list(before.values()), root, write=True)
    assert outcome.skipped == [] and len(outcome.applied) == 2
    text = (root / "app.py").read_text()
    assert f'code_revision="{dev}"' in text and "# was: dev" in text
    assert f'custom_revision="{pipe}"' in text
    assert pin_findings(root, Config(offline=True)) == {}


def test_code_revision_naming_code_in_two_repositories_is_not_guessed(fake_hub: FakeHub, tmp_path: Path) -> None:
    auto_map = {"AutoModel": "modeling.CustomModel", "AutoConfig": "org/other--conf.Cfg"}
    files = {"config.json": json.dumps({"auto_map": auto_map}).encode(), "modeling.py": MODEL}
    sha = fake_hub.add_repo("org/model", files, branches={"dev": files})
    fake_hub.add_repo("org/other", {"conf.py": MODEL}, branches={"dev": {"conf.py": MODEL}})
    root = tmp_path / "project"
    root.mkdir()
    (root / "app.py").write_text(
        "from transformers import AutoModel\n"
        f'model = AutoModel.from_pretrained("org/model", revision="{sha}", code_revision="dev", '
        "trust_remote_code=True)\n"
    )
    found = pin_findings(root, Config(cache_dir=tmp_path / "cache"))
    assert "resolvedRevision" not in found["code_revision"].properties


def test_in_a_notebook_each_call_gets_the_commit_its_own_revision_resolved_to(fake_hub: FakeHub, tmp_path: Path) -> None:
    """Two cells load one repository at two branches: each HG201 names its own call's commit, as in a .py file."""
    files = {"config.json": b"{}"}
    fake_hub.add_repo("org/model", files, branches={"dev": {**files, "README.md": b"dev\n"}})
    main, dev = fake_hub.repo("org/model").refs["main"], fake_hub.repo("org/model").refs["dev"]
    assert main != dev
    root = tmp_path / "project"
    root.mkdir()
    cells = [
        "from transformers import AutoModel\n",
        'stable = AutoModel.from_pretrained("org/model", revision="main")\n',
        'latest = AutoModel.from_pretrained("org/model", revision="dev")\n',
    ]
    document = {"cells": [{"cell_type": "code", "source": cell} for cell in cells], "nbformat": 4}
    (root / "nb.ipynb").write_text(json.dumps(document, indent=1))
    result = run_scan(ScanOptions([root], root, Config(cache_dir=tmp_path / "cache")))
    pins = {f.properties["requestedRevision"]: f.properties.get("resolvedRevision") for f in result.findings if f.rule_id == "HG201"}
    assert pins == {"main": main, "dev": dev}
