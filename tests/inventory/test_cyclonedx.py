"""``hubguard scan --format cyclonedx`` offline, through the CLI: the bundled example, an empty project, hostile
references; validity (cyclonedx-python-lib's validator), determinism, timestamps on request only."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path
from typing import Any

import jq
import pytest

from hubguard.cli import main
from hubguard.findings import Level, ScanResult
from hubguard.formats import ReportContext, render
from hubguard.formats.cyclonedx import SCHEMA_VERSION, finish
from hubguard.inventory import Inventory, RepoFacts, RepoFile, ResolvedReference
from tests.hub.test_remote_pass import ref
from tests.inventory.bom import assert_valid_bom, properties

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = "examples/vulnerable-project"
PINNED = "3f4c2a9d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39"


def scan_bom(tmp_path: Path, *arguments: str, name: str = "bom.cdx.json") -> tuple[int, str]:
    output = tmp_path / name
    code = main(["scan", "--offline", "--format", "cyclonedx", "--output", str(output), *arguments])
    return code, output.read_text(encoding="utf-8")


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("HF_ENDPOINT")  # the default hub, as a user's machine has it
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def test_bundled_example_offline(at_root: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, text = scan_bom(tmp_path, EXAMPLE)
    again = scan_bom(tmp_path, EXAMPLE, name="again.cdx.json")[1]
    assert code == 1  # the findings still decide the exit code; --fail-on none for an inventory-only run
    assert capsys.readouterr().out == ""
    assert text == again, "the same input gives a byte-identical BOM"
    assert_valid_bom(text)
    bom = json.loads(text)
    assert bom["specVersion"] == SCHEMA_VERSION.to_version() == "1.7"
    assert "timestamp" not in bom["metadata"]
    assert bom["metadata"]["component"]["name"] == "vulnerable-project"
    assert bom["metadata"]["properties"] == [{"name": "hubguard:remote-pass", "value": "skipped (--offline)"}]

    outline = {
        (c["type"], c["name"], c.get("version"), properties(c)["hubguard:resolution"][0], c.get("purl"))
        for c in bom["components"]
    }
    assert outline == {
        ("data", "acme-research/chat-logs", None, "unresolved", None),
        ("machine-learning-model", "acme-research/diffusion", None, "unresolved",
         "pkg:huggingface/acme-research/diffusion"),
        ("machine-learning-model", "acme-research/tiny-chat", None, "unresolved",
         "pkg:huggingface/acme-research/tiny-chat"),
        ("machine-learning-model", "acme-research/tiny-chat", "main", "unresolved",
         "pkg:huggingface/acme-research/tiny-chat"),
        ("machine-learning-model", "acme-research/tiny-chat", PINNED, "pinned",
         f"pkg:huggingface/acme-research/tiny-chat@{PINNED}"),
        ("machine-learning-model", "someone/detector", None, "unresolved", "pkg:github/someone/detector"),
    }
    unpinned = _by_ref(bom)["huggingface:model/acme-research/tiny-chat@(default)"]
    assert [(o["location"], o["line"]) for o in unpinned["evidence"]["occurrences"]] == [
        (f"{EXAMPLE}/notebooks/explore.ipynb", 32),  # the raw .ipynb line, as in SARIF
        (f"{EXAMPLE}/train.py", 15),
    ]
    assert properties(unpinned)["hubguard:trust-remote-code"] == ["true"]
    assert "hubguard:remote-code" not in properties(unpinned)  # unknown offline, so not claimed either way
    dependencies = {entry["ref"]: entry.get("dependsOn", []) for entry in bom["dependencies"]}
    assert dependencies.pop("project") == sorted(_by_ref(bom))
    assert all(depends_on == [] for depends_on in dependencies.values())


def test_readme_shows_a_component_of_the_bundled_example_verbatim(at_root: None, tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Model inventory", 1)[1]
    excerpt = json.loads(section.split("```json\n", 1)[1].split("```", 1)[0])
    bom = json.loads(scan_bom(tmp_path, EXAMPLE)[1])
    assert excerpt == _by_ref(bom)[excerpt["bom-ref"]]


def test_readme_recipe_names_the_model_a_pull_request_changes(
    at_root: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's jq program, run by libjq (the jq package's bindings), on the example before and after
    a change that pins tiny-chat's "main" reference to a commit."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    program = readme.split("jq -r '", 1)[1].split("' \"$1\"", 1)[0]
    head = tmp_path / "head" / "vulnerable-project"
    shutil.copytree(ROOT / EXAMPLE, head)
    train = head / "train.py"
    train.write_text(train.read_text().replace('revision="main"', f'revision="{PINNED}"'))
    base_bom = scan_bom(tmp_path, EXAMPLE, name="base.cdx.json")[1]
    monkeypatch.chdir(head)
    head_bom = scan_bom(tmp_path, ".", name="head.cdx.json")[1]

    def models(bom: str) -> set[str]:
        return set(jq.compile(program).input(text=bom).all())

    base, changed = models(base_bom), models(head_bom)
    assert base - changed == {"acme-research/tiny-chat\tmain\tunresolved\t"}
    assert changed - base == set()  # pinned to the commit another call already pins: one version fewer
    assert f"acme-research/tiny-chat\t{PINNED}\tpinned\t" in changed


def test_empty_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "empty"
    (project / ".git").mkdir(parents=True)
    (project / "util.py").write_text("def add(a, b):\n    return a + b\n")
    monkeypatch.chdir(project)
    code, text = scan_bom(tmp_path, ".")
    assert code == 0
    assert_valid_bom(text)
    bom = json.loads(text)
    assert "components" not in bom and bom["dependencies"] == [{"ref": "project"}]
    assert bom["metadata"]["component"]["name"] == "empty"
    assert "properties" not in bom["metadata"]  # nothing referenced, so no remote pass to speak of


def test_hostile_references_give_a_valid_bom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "hostile"
    (project / ".git").mkdir(parents=True)
    (project / "load.py").write_text(
        "from transformers import AutoModel\n"
        'a = AutoModel.from_pretrained("org/\\u202egnp.exe", revision="main\\x00x")\n'
        'b = AutoModel.from_pretrained("evil org/x y")\n'
        f'c = AutoModel.from_pretrained("{"x" * 5000}")\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(project)
    text = scan_bom(tmp_path, ".")[1]
    assert_valid_bom(text)
    assert "\u202e" not in text and "\x00" not in text  # escaped by JSON, never raw
    components = json.loads(text)["components"]
    assert {c["name"][:12] for c in components} == {"org/\u202egnp.exe", "evil org/x y", "x" * 12}
    assert not any("purl" in c for c in components)  # not a valid hub ID: no package URL claims otherwise


def test_urls_in_the_bom_carry_no_credentials_and_no_unprintable_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "https://user:s3cretPW@mirror.example")
    model = ref("org/m", PINNED)
    facts = RepoFacts(PINNED, (RepoFile("m.bin", 1, "weights", url="https://user:s3cretPW@mirror.example/m.bin"),), 1)
    checkpoint = ref("https://u:pw@files.example/w.pth", hub="url", repo_type="url")
    identity = "sha256:" + "c" * 64  # a URL's identity, not a commit
    references = [model, ref("https://files.example/a\nb.pth", hub="url", repo_type="url"), checkpoint]
    resolved = [ResolvedReference(model, PINNED, facts), ResolvedReference(checkpoint, identity, None)]
    result = ScanResult(references=references, resolved=resolved)
    text = render(result, "cyclonedx", ReportContext(root=tmp_path, tool_version="0", fail_on=Level.ERROR))
    assert_valid_bom(text)
    assert "s3cretPW" not in text and "pw@" not in text
    components = _by_ref(json.loads(text))
    assert components[f"huggingface:model/org/m@{PINNED}"]["purl"] == (
        f"pkg:huggingface/org/m@{PINNED}?repository_url=https://mirror.example"
    )
    [weights] = components[f"huggingface:model/org/m@{PINNED}"]["components"]
    assert weights["externalReferences"] == [{"type": "vcs", "url": "https://mirror.example/m.bin"}]
    url = components[f"url:url/https://files.example/w.pth@{identity}"]
    assert url["externalReferences"] == [{"type": "distribution", "url": "https://files.example/w.pth"}]
    assert url["version"] == identity and "pedigree" not in url and "purl" not in url
    assert "externalReferences" not in components["url:url/https://files.example/a\nb.pth@(default)"]


def test_timestamp_only_when_source_date_epoch_asks(
    at_root: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = json.loads(scan_bom(tmp_path, EXAMPLE)[1])
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    stamped = json.loads(scan_bom(tmp_path, EXAMPLE)[1])
    assert stamped["metadata"]["timestamp"] == "2023-11-14T22:13:20Z"
    assert stamped["serialNumber"] != plain["serialNumber"]
    del stamped["metadata"]["timestamp"], stamped["serialNumber"], plain["serialNumber"]
    assert stamped == plain

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    assert main(["scan", "--offline", "--format", "cyclonedx", "-o", str(tmp_path / "x.json"), EXAMPLE]) == 2


def test_serial_number_is_derived_from_the_content() -> None:
    def document(name: str) -> dict[str, Any]:
        return {"bomFormat": "CycloneDX", "metadata": {"timestamp": "now", "component": {"name": name}}}

    inventory = Inventory("p", None, [])
    first, same, other = (finish(document(name), inventory, None) for name in ("a", "a", "b"))
    assert first == same and first["serialNumber"] != other["serialNumber"]
    assert uuid.UUID(first["serialNumber"].removeprefix("urn:uuid:")).version == 5
    assert "timestamp" not in first["metadata"]
    assert list(first)[:3] == ["bomFormat", "serialNumber", "metadata"]


def test_model_command_refuses_the_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    weights = tmp_path / "model.bin"
    weights.write_bytes(b"\x80\x02}q\x00.")
    assert main(["model", "--format", "cyclonedx", str(weights)]) == 2
    assert "hubguard scan" in capsys.readouterr().err


def _by_ref(bom: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {component["bom-ref"]: component for component in bom.get("components", [])}
